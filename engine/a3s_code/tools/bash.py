"""bash: run a shell command in the workspace, streaming its output; the process group dies with it.

The command runs through the session's ``BashSandbox``: the local executor by default, bubblewrap
when a sandbox is configured (then the tool says so in its description).
"""

from __future__ import annotations

from pydantic import Field

from ..sandbox.base import BashSandbox, LocalBashExecutor, SandboxCommandRequest
from ._proc import ProcessResult
from .base import Tool, ToolContext, ToolParams, ToolResult

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000


class BashParams(ToolParams):
    command: str = Field(min_length=1, description="The command line, run with bash -c in the workspace")
    timeout: int = Field(
        DEFAULT_TIMEOUT_MS, ge=1, le=MAX_TIMEOUT_MS, description="Timeout in milliseconds (default 120000)"
    )
    description: str | None = Field(None, description="A few words saying what the command does")


def shell_result(result: ProcessResult, timeout_ms: int) -> ToolResult:
    """The seed's bash output shape: the text, then ``[exit code: N]`` or the timeout notice."""
    text = result.output.rstrip("\n") or "(no output)"
    if result.timed_out:
        text += f"\n\n[Command timed out after {timeout_ms}ms]"
    elif result.exit_code != 0:
        text += f"\n[exit code: {result.exit_code}]"
    return ToolResult(
        text,
        is_error=result.exit_code != 0,
        exit_code=result.exit_code,
        metadata={"exit_code": result.exit_code, "timed_out": result.timed_out},
    )


def effective_timeout_ms(sandbox: BashSandbox, asked_ms: int) -> int:
    """What really bounds the call: the asked timeout or the sandbox's own cap, whichever is lower."""
    cap = sandbox.describe().timeout_ms
    return min(asked_ms, cap) if cap is not None else asked_ms


class BashTool(Tool[BashParams]):
    name = "bash"
    shell = True
    description = (
        "Run a shell command with bash -c (non-login, non-interactive) in the workspace. stdout and stderr "
        "are merged; long output keeps its beginning and end. On timeout or cancel the whole process group "
        "is killed, background jobs included."
    )
    Params = BashParams

    def __init__(self, sandbox: BashSandbox | None = None) -> None:
        self.sandbox: BashSandbox = sandbox or LocalBashExecutor()
        info = self.sandbox.describe()
        if info.enabled:
            network = "with network access" if info.network else "without network access"
            self.description = (  # type: ignore[misc]  # per instance: says what contains this shell
                f"{BashTool.description} Runs inside a {info.backend} sandbox {network}: the workspace is "
                "writable, /tmp is private, the rest of the file system is read-only and credential "
                "folders are hidden."
            )

    async def run(self, params: BashParams, ctx: ToolContext) -> ToolResult:
        result = await self.sandbox.exec(
            SandboxCommandRequest(
                command=params.command,
                cwd=str(ctx.workspace),
                env=ctx.env,
                timeout_s=params.timeout / 1000,
                on_output=ctx.emit_output,
            )
        )
        return shell_result(result, effective_timeout_ms(self.sandbox, params.timeout))
