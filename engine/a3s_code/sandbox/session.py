"""The session's side of sandboxing: which shell its ``bash`` uses, and what it reports about it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import BashSandbox, SandboxError, SandboxInfo

if TYPE_CHECKING:
    from ..options import SessionOptions
    from ..tools.registry import ToolRegistry


class SessionSandbox:
    """Mixed into ``Session``: ``bash`` (and ``submit("execute", ...)``, which calls it) go through
    ``bash_sandbox``; the ``sandbox`` tool exists only when that sandbox really contains something."""

    # Provided by Session.
    agent: Any
    options: SessionOptions
    tools: ToolRegistry
    permission_checker: Any
    bash_sandbox: BashSandbox

    def _init_sandbox(self, workspace: Path) -> None:
        """Raises SandboxUnavailableError / SandboxConfigError: never silently unsandboxed."""
        from ..tools.bash import BashTool
        from ..tools.sandbox import SandboxTool
        from .factory import session_sandbox

        self.bash_sandbox = session_sandbox(self.agent.config, self.options, workspace)
        self.tools.add(BashTool(self.bash_sandbox), replace=True)
        if self.sandboxed:
            self.tools.add(SandboxTool(self.bash_sandbox), replace=True)

    def _check_sandbox_mode(self) -> None:
        checker, modes = self.permission_checker, set[object]()
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

    def sandbox_info(self) -> SandboxInfo:
        """What the session's shell runs in (``to_json()`` is what the daemon reports)."""
        return self.bash_sandbox.describe()
