"""How a worker runs one task: the session's paths mapped onto the worker's ``--workdir``, then the
tool called through a worker-side ``Session``'s public entry (``tool_async``), the same path every
other caller takes (workspace boundary, permission rules of the worker's own config).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..errors import A3SError
from ..tools.base import ToolResult
from .lanes import parse_lane

if TYPE_CHECKING:
    from ..config.models import AgentConfig
    from ..sandbox.config import SandboxConfig
    from ..session import Session
    from .redis_link import WireTask

PATH_ARGS = ("file_path", "path")
"""The built-in tools' path arguments (read, write, edit, patch, glob, grep, ls, git_worktree)."""
NEEDS_A_MODEL = frozenset({"task"})
_NO_MODEL_CONFIG = 'default_model = "worker/none"\nproviders {\n  name = "worker"\n}\n'
"""A worker runs tools, never the model; a session still wants a model name, so it gets one that is
never called."""


class PathRefused(A3SError):
    """A task's path that falls outside the worker's mapping of the session's workspace."""

    code = "path_refused"


def map_path(value: str, session_root: str, workdir: Path) -> str:
    """``value`` as a path on this worker: relative paths stay relative to ``workdir``; absolute ones
    under the session's workspace root move to the same place under ``workdir``.

    Raises PathRefused for a NUL byte, an absolute path outside the session's root, or a relative
    path that climbs out (``..``). Symlinks are the tools' concern (they resolve inside ``workdir``).
    """
    if "\x00" in value:
        raise PathRefused("a path with a NUL byte is refused")
    if not os.path.isabs(value):
        if posixpath.normpath(value.replace(os.sep, "/")).split("/")[0] == "..":
            raise PathRefused(f"{value!r} climbs out of the worker's directory")
        return value
    root = PurePosixPath(posixpath.normpath(session_root)) if session_root else None
    path = PurePosixPath(posixpath.normpath(value))
    if root is None or not path.is_relative_to(root):
        where = f"the session's workspace {session_root}" if session_root else "no workspace"
        raise PathRefused(f"{value} is outside {where}, which this worker maps to {workdir}")
    return str(workdir.joinpath(path.relative_to(root)))


def map_args(tool: str, args: dict[str, Any], session_root: str, workdir: Path) -> dict[str, Any]:
    """A copy of ``args`` with every path mapped (``batch``: each inner call's too)."""
    out = dict(args)
    for key in PATH_ARGS:
        if isinstance(out.get(key), str):
            out[key] = map_path(out[key], session_root, workdir)
    if tool == "batch" and isinstance(out.get("invocations"), list):
        out["invocations"] = [
            {**inv, "args": map_args(str(inv.get("tool")), inv["args"], session_root, workdir)}
            if isinstance(inv, dict) and isinstance(inv.get("args"), dict)
            else inv
            for inv in out["invocations"]
        ]
    return out


class ToolRunner:
    """One worker-side session in ``workdir`` that runs every task (``concurrency`` at a time).

    ``sandbox``: run ``bash`` in this bubblewrap sandbox (``--sandbox bwrap``); raises
    ``SandboxUnavailableError`` at once when bubblewrap cannot run here, so a worker never starts
    less contained than asked.
    """

    def __init__(
        self,
        workdir: Path,
        concurrency: int = 1,
        config: AgentConfig | None = None,
        sandbox: SandboxConfig | None = None,
    ) -> None:
        from ..agent import Agent
        from ..config import load_config
        from ..options import SessionOptions
        from .config import SessionQueueConfig

        self.workdir = workdir.resolve()
        if config is None:
            config = load_config(_NO_MODEL_CONFIG)
        elif not config.default_model:
            from ..config.models import ProviderConfig

            providers = [*config.providers, ProviderConfig(name="worker")]
            config = config.model_copy(update={"default_model": "worker/none", "providers": providers})
        # The worker's own lanes run here, whatever its config says: it must never hand a task on.
        width = max(1, concurrency)
        queue = SessionQueueConfig.model_validate(
            {"query_max_concurrency": width, "execute_max_concurrency": width}
        )
        options = SessionOptions(queue_config=queue, sandbox=sandbox)
        self.session: Session = Agent(config).session(self.workdir, options)

    async def run(self, task: WireTask) -> ToolResult:
        """The tool's result; a refused path or a tool that needs a model is an error result."""
        if task.command_type in NEEDS_A_MODEL:
            return ToolResult.error(f"'{task.command_type}' needs a model; a worker runs tools only")
        try:
            args = map_args(task.command_type, task.payload, task.workspace, self.workdir)
        except PathRefused as exc:
            return ToolResult.error(f"Refused by the worker: {exc}")
        lane = parse_lane(task.lane) if task.lane in ("query", "execute") else None
        return await self.session.tool_async(task.command_type, args, lane=lane)

    async def close(self) -> None:
        await self.session.close_async()
