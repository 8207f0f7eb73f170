"""sandbox: the seed's explicit sandbox tool: a command run in the session's sandbox from ``/workspace``.

Registered only when the session has a real sandbox (``with_sandbox`` or an HCL ``sandbox {}`` block).
The seed's optional ``image``, ``memory_mb`` and ``network`` arguments may narrow the session's sandbox
for one call, never widen it: the configuration, not the model, decides how much a command may do.
"""

from __future__ import annotations

from pydantic import Field

from ..errors import ToolError
from ..sandbox.base import BashSandbox, SandboxCommandRequest
from .base import Tool, ToolContext, ToolParams, ToolResult
from .bash import DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, effective_timeout_ms, shell_result


class SandboxParams(ToolParams):
    command: str = Field(min_length=1, description="Shell command to execute inside the sandbox (bash -c)")
    timeout: int = Field(
        DEFAULT_TIMEOUT_MS, ge=1, le=MAX_TIMEOUT_MS, description="Timeout in milliseconds (default 120000)"
    )
    image: str | None = Field(
        None, description="Must be omitted or name the session's configured root file-system folder"
    )
    memory_mb: int | None = Field(
        None, ge=16, description="Lower memory limit in MB for this call (at most the session's)"
    )
    network: bool | None = Field(
        None, description="false turns networking off for this call; true only where the session allows it"
    )


class SandboxTool(Tool[SandboxParams]):
    name = "sandbox"
    shell = True
    description = (
        "Execute a shell command inside the session's isolated sandbox, starting in /workspace (the "
        "session workspace, read-write). The rest of the file system is read-only, /tmp is private, "
        "credential folders are hidden, and memory, processes and time are limited. stdout and stderr "
        "are merged."
    )
    Params = SandboxParams

    def __init__(self, sandbox: BashSandbox) -> None:
        self.sandbox = sandbox

    async def run(self, params: SandboxParams, ctx: ToolContext) -> ToolResult:
        info = self.sandbox.describe()
        if params.image is not None and params.image != info.image:
            configured = info.image or "the host's root, read-only"
            raise ToolError(
                f"image {params.image!r} is not this session's sandbox image ({configured}); the image is "
                "chosen in the sandbox configuration, not per call"
            )
        result = await self.sandbox.exec(
            SandboxCommandRequest(
                command=params.command,
                cwd=info.workspace_mount or str(ctx.workspace),
                env=ctx.env,
                timeout_s=params.timeout / 1000,
                on_output=ctx.emit_output,
                memory_mb=params.memory_mb,
                network=params.network,
            )
        )
        return shell_result(result, effective_timeout_ms(self.sandbox, params.timeout))
