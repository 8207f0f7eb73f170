"""ls: folders first, then files; type, size and name per line."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Harness


async def test_lists_folders_first_with_type_and_size(ws: Harness) -> None:
    ws.file("b.txt", "12345")
    ws.file("A.md", "")
    ws.file("zdir/x", "x")
    ws.file("adir/y", "y")
    lines = (await ws.run("ls")).output.splitlines()
    assert lines == [
        f"d {(ws.root / 'adir').stat().st_size:>10} adir/",
        f"d {(ws.root / 'zdir').stat().st_size:>10} zdir/",
        "-          0 A.md",
        "-          5 b.txt",
        f"l {len(str(ws.outside)):>10} link_out -> {ws.outside}",
        f"l {len(str(ws.outside / 'secret.txt')):>10} secret_link.txt -> {ws.outside / 'secret.txt'}",
    ]


async def test_subfolder_and_errors(ws: Harness) -> None:
    ws.file("sub/inner.txt", "abc")
    assert (await ws.run("ls", path="sub")).output == "-          3 inner.txt"
    not_dir = await ws.run("ls", path="sub/inner.txt")
    assert not_dir.is_error and not_dir.output == "sub/inner.txt is not a directory"
    missing = await ws.run("ls", path="nope")
    assert missing.is_error and "nope" in missing.output


@pytest.mark.parametrize("args", [{"path": 3}, {"path": ".", "all": True}])
async def test_bad_arguments_are_explained(ws: Harness, args: dict[str, Any]) -> None:
    result = await ws.registry.execute("ls", args, ws.ctx)
    assert result.is_error and result.output.startswith("Invalid arguments for tool 'ls'")


@pytest.mark.parametrize("target", ["..", "../outside", "ABS", "link_out"])
async def test_paths_outside_the_workspace_are_refused(ws: Harness, target: str) -> None:
    if target == "ABS":
        target = str(ws.outside)
    result = await ws.run("ls", path=target)
    assert result.is_error and "outside the workspace" in result.output
    assert "secret.txt" not in result.output
