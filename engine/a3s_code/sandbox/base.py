"""The ``BashSandbox`` extension point (the seed's name) and its default, the local executor."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import A3SError
from ..tools._proc import ProcessResult, run_shell


class SandboxError(A3SError):
    """A sandboxed command could not be started as configured (it never runs uncontained instead)."""

    code = "sandbox_error"


class SandboxUnavailableError(SandboxError):
    """This machine cannot run the configured sandbox: ``reason`` says why, ``fix`` what to do; the
    message is both."""

    code = "sandbox_unavailable"

    def __init__(self, reason: str, fix: str = "") -> None:
        self.reason = reason
        self.fix = fix
        super().__init__(f"{reason}. Fix: {fix}" if fix else reason)


@dataclass(frozen=True)
class SandboxCommandRequest:
    """One command for a sandbox: ``bash -c command`` started in ``cwd``.

    ``cwd`` is a path as the command sees it: the workspace's own path, or ``/workspace`` for the
    ``sandbox`` tool. ``timeout_s`` is in seconds. ``memory_mb`` and ``network`` may only narrow the
    sandbox's configuration for this call (a sandbox refuses a wider value).
    """

    command: str
    cwd: str
    env: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 120.0
    on_output: Callable[[str], None] = lambda _chunk: None
    memory_mb: int | None = None
    network: bool | None = None


@dataclass(frozen=True)
class SandboxInfo:
    """What a session's shell runs in, as the daemon and editors show it."""

    enabled: bool
    backend: str
    """``"local"`` (no containment) or ``"bubblewrap"``."""
    network: bool = True
    memory_mb: int | None = None
    max_processes: int | None = None
    image: str | None = None
    workspace_mount: str | None = None
    """Where the workspace also appears inside (``/workspace``), besides its own path."""
    timeout_ms: int | None = None
    """Upper bound on any one command, in milliseconds (None: the caller's timeout alone)."""

    def to_json(self) -> dict[str, Any]:
        """camelCase keys, as in the daemon's results."""
        return {
            "enabled": self.enabled,
            "backend": self.backend,
            "network": self.network,
            "memoryMb": self.memory_mb,
            "maxProcesses": self.max_processes,
            "image": self.image,
            "workspaceMount": self.workspace_mount,
            "timeoutMs": self.timeout_ms,
        }

    def label(self) -> str:
        """One line for a status bar or a chat header."""
        if not self.enabled:
            return "sandbox: off"
        parts = [self.backend, "network on" if self.network else "network off"]
        if self.memory_mb:
            parts.append(f"{self.memory_mb} MB")
        return f"sandbox: {', '.join(parts)}"


@runtime_checkable
class BashSandbox(Protocol):
    """Runs the ``bash`` tool's commands. Implementations: ``LocalBashExecutor`` (no containment)
    and ``BubblewrapSandbox``; pass your own with ``SessionOptions.with_bash_sandbox``."""

    def describe(self) -> SandboxInfo: ...

    async def exec(self, request: SandboxCommandRequest) -> ProcessResult:
        """Run ``request.command``; output streams to ``request.on_output``; timeout and cancel kill
        everything the command started. Raises SandboxError when it cannot start the command as
        configured."""
        ...


class LocalBashExecutor:
    """Today's behaviour: ``bash -c`` in the workspace with the daemon's environment and rights."""

    def describe(self) -> SandboxInfo:
        return SandboxInfo(enabled=False, backend="local")

    async def exec(self, request: SandboxCommandRequest) -> ProcessResult:
        env = {**os.environ, **request.env}
        env.pop("BASH_ENV", None)  # a non-interactive bash would source it: keep the shell plain
        return await run_shell(
            ["bash", "-c", request.command],
            cwd=str(Path(request.cwd)),
            env=env,
            timeout_s=request.timeout_s,
            on_output=request.on_output,
        )
