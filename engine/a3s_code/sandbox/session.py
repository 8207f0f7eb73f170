"""The session's side of sandboxing: which shell its ``bash`` uses, and what it reports about it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import BashSandbox, SandboxError, SandboxInfo

if TYPE_CHECKING:
    from ..config import AgentConfig
    from ..options import SessionOptions
    from ..ports import PermissionChecker
    from ..tools.registry import ToolRegistry


class SessionSandbox:
    """The session's sandbox component (``session.sandbox``): ``bash`` (and
    ``submit("execute", ...)``, which calls it) go through ``bash_sandbox``; the ``sandbox`` tool
    exists only when that sandbox really contains something.

    Raises SandboxUnavailableError / SandboxConfigError: never silently unsandboxed."""

    def __init__(
        self, config: AgentConfig, options: SessionOptions, workspace: Path, tools: ToolRegistry
    ) -> None:
        from ..tools.bash import BashTool
        from ..tools.sandbox import SandboxTool
        from .factory import session_sandbox

        self.bash_sandbox: BashSandbox = session_sandbox(config, options, workspace)
        tools.add(BashTool(self.bash_sandbox), replace=True)
        if self.sandboxed:
            tools.add(SandboxTool(self.bash_sandbox), replace=True)

    def check_mode(self, permission: PermissionChecker | None) -> None:
        """Raises SandboxError when the permission mode is ``sandbox_auto_allow`` (looked for through
        wrappers: skills, subagents) and bash is not sandboxed."""
        checker: object = permission
        modes = set[object]()
        while checker is not None and len(modes) < 8:  # through wrappers (skills, subagents): ``.base``
            modes.add(getattr(checker, "mode", None))
            checker = getattr(checker, "base", None)
        if "sandbox_auto_allow" in modes and not self.sandboxed:
            raise SandboxError(
                "permission mode sandbox_auto_allow lets bash run unasked only inside a sandbox, and this "
                "session has none: add a sandbox { } block or SessionOptions.with_sandbox(SandboxConfig())"
            )

    @property
    def sandboxed(self) -> bool:
        """Whether bash runs contained (not the local executor)."""
        return self.bash_sandbox.describe().enabled

    def info(self) -> SandboxInfo:
        """What the session's shell runs in (``to_json()`` is what the daemon reports)."""
        return self.bash_sandbox.describe()
