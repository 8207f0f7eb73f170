"""Helpers for the sandbox tests: the real bubblewrap, called through the real tools."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from a3s_code.sandbox import BashSandbox, BubblewrapSandbox, SandboxConfig
from a3s_code.tools.base import ToolContext, ToolResult
from a3s_code.tools.bash import BashTool
from a3s_code.tools.registry import ToolRegistry
from a3s_code.tools.sandbox import SandboxTool

NO_BWRAP = shutil.which("bwrap") is None and os.environ.get("CI") != "true"
"""Off CI a machine without bubblewrap skips these tests; on CI (``CI=true``) they run and fail."""
needs_bwrap = pytest.mark.skipif(
    NO_BWRAP, reason="needs bubblewrap: apt-get install bubblewrap (.ci/run installs it)"
)

API_KEY = "sk-ant-test-0123456789abcdef"
CONFIG = f'default_model = "anthropic/claude-sonnet-4-20250514"\nproviders {{\n  name = "anthropic"\n  api_key = "{API_KEY}"\n}}\n'


class Shell:
    """A BubblewrapSandbox for ``workspace`` and the bash/sandbox tools wired to it."""

    def __init__(self, workspace: Path, config: SandboxConfig | BashSandbox, **kwargs: Any) -> None:
        self.workspace = workspace
        self.sandbox = (
            config if isinstance(config, BashSandbox) else BubblewrapSandbox(config, workspace, **kwargs)
        )
        self.registry = ToolRegistry([BashTool(self.sandbox), SandboxTool(self.sandbox)])
        self.chunks: list[str] = []

    async def bash(self, command: str, **args: Any) -> ToolResult:
        ctx = ToolContext(workspace=self.workspace, emit_output=self.chunks.append)
        return await self.registry.execute("bash", {"command": command, **args}, ctx)

    async def tool(self, **args: Any) -> ToolResult:
        ctx = ToolContext(workspace=self.workspace, emit_output=self.chunks.append)
        return await self.registry.execute("sandbox", args, ctx)


def marker() -> str:
    """A unique string to find a test's processes and files by."""
    return f"a3s-sandbox-test-{uuid.uuid4().hex[:12]}"
