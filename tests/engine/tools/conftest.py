"""Fixtures for the file tools: a workspace next to an "outside" folder, and a registry to call through."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from a3s_code.fs import LocalFileSystem
from a3s_code.tools.base import ToolContext, ToolResult
from a3s_code.tools.edit import EditTool
from a3s_code.tools.glob import GlobTool
from a3s_code.tools.grep import GrepTool
from a3s_code.tools.ls import LsTool
from a3s_code.tools.patch import PatchTool
from a3s_code.tools.read import ReadTool
from a3s_code.tools.registry import ToolRegistry
from a3s_code.tools.seen import SeenFiles
from a3s_code.tools.write import WriteTool

SECRET = "top secret outside the workspace\n"


class OverlayFS:
    """A FileSystem double: the disk, except paths in ``buffers`` read as unsaved editor text."""

    def __init__(self, buffers: dict[Path, str] | None = None) -> None:
        self.buffers = buffers or {}
        self.disk = LocalFileSystem()
        self.writes: list[Path] = []

    async def read_text(self, path: Path) -> str:
        if path in self.buffers:
            return self.buffers[path]
        return await self.disk.read_text(path)

    async def read_bytes(self, path: Path) -> bytes:
        if path in self.buffers:
            return self.buffers[path].encode()
        return await self.disk.read_bytes(path)

    async def write_text(self, path: Path, content: str) -> None:
        self.writes.append(path)
        if path in self.buffers:
            self.buffers[path] = content
        else:
            await self.disk.write_text(path, content)

    async def delete(self, path: Path) -> None:
        await self.disk.delete(path)

    def overlays(self) -> Mapping[Path, str]:
        return dict(self.buffers)


class Harness:
    def __init__(self, root: Path, outside: Path) -> None:
        self.root = root
        self.outside = outside
        self.registry = ToolRegistry(
            [ReadTool(), WriteTool(), EditTool(), PatchTool(), GrepTool(), GlobTool(), LsTool()]
        )
        self.ctx = ToolContext(workspace=root)

    async def run(self, tool: str, **args: Any) -> ToolResult:
        return await self.registry.execute(tool, args, self.ctx)

    def file(self, rel: str, content: str | bytes = "") -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode())
        return path


@pytest.fixture
def ws(tmp_path: Path) -> Harness:
    root = tmp_path / "ws"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (root / "link_out").symlink_to(outside, target_is_directory=True)
    (root / "secret_link.txt").symlink_to(outside / "secret.txt")
    return Harness(root, outside)


def run_calls(root: Path, calls: list[tuple[str, dict[str, object]]]) -> list[ToolResult]:
    """Tool calls in order, in one session of ``read`` and ``edit`` on ``root`` (what it has read counts
    for the edits after), from synchronous (hypothesis) tests."""
    registry = ToolRegistry([ReadTool(), EditTool()])
    ctx = ToolContext(workspace=root, seen=SeenFiles())

    async def go() -> list[ToolResult]:
        return [await registry.execute(name, args, ctx) for name, args in calls]

    return asyncio.run(go())
