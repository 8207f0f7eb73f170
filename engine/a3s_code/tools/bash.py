"""bash: run a shell command in the workspace, streaming its output; the process group dies with it."""

from __future__ import annotations

import os

from pydantic import Field

from ._proc import run_shell
from .base import Tool, ToolContext, ToolParams, ToolResult

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000


class BashParams(ToolParams):
    command: str = Field(min_length=1, description="The command line, run with bash -c in the workspace")
    timeout: int = Field(
        DEFAULT_TIMEOUT_MS, ge=1, le=MAX_TIMEOUT_MS, description="Timeout in milliseconds (default 120000)"
    )
    description: str | None = Field(None, description="A few words saying what the command does")


class BashTool(Tool[BashParams]):
    name = "bash"
    description = (
        "Run a shell command with bash -c (non-login, non-interactive) in the workspace. stdout and stderr "
        "are merged; long output keeps its beginning and end. On timeout or cancel the whole process group "
        "is killed, background jobs included."
    )
    Params = BashParams

    async def run(self, params: BashParams, ctx: ToolContext) -> ToolResult:
        env = {**os.environ, **ctx.env}
        env.pop("BASH_ENV", None)  # a non-interactive bash would source it: keep the shell plain
        result = await run_shell(
            ["bash", "-c", params.command],
            cwd=str(ctx.workspace),
            env=env,
            timeout_s=params.timeout / 1000,
            on_output=ctx.emit_output,
        )
        text = result.output.rstrip("\n") or "(no output)"
        if result.timed_out:
            text += f"\n\n[Command timed out after {params.timeout}ms]"
        elif result.exit_code != 0:
            text += f"\n[exit code: {result.exit_code}]"
        return ToolResult(
            text,
            is_error=result.exit_code != 0,
            exit_code=result.exit_code,
            metadata={"exit_code": result.exit_code, "timed_out": result.timed_out},
        )
