"""write: new files with parents, replacements with a diff, atomic and mode-preserving, confined."""

from __future__ import annotations

import os
from typing import Any

import pytest

from .conftest import SECRET, Harness, OverlayFS


async def test_creates_file_and_parents(ws: Harness) -> None:
    result = await ws.run("write", file_path="a/b/c.txt", content="one\ntwo\n")
    assert not result.is_error
    assert result.output == "Wrote 8 bytes (2 lines) to a/b/c.txt"
    assert (ws.root / "a/b/c.txt").read_text() == "one\ntwo\n"
    assert result.metadata["created"] is True
    assert result.metadata["file_path"] == "a/b/c.txt"
    assert result.metadata["diff"].startswith("--- /dev/null\n+++ b/a/b/c.txt\n")


async def test_replacing_reports_a_diff(ws: Harness) -> None:
    ws.file("f.txt", "old line\nsame\n")
    result = await ws.run("write", file_path="f.txt", content="new line\nsame\n")
    assert result.metadata["created"] is False
    diff = result.metadata["diff"]
    assert "-old line\n" in diff and "+new line\n" in diff
    assert (ws.root / "f.txt").read_text() == "new line\nsame\n"


async def test_counts_bytes_not_characters(ws: Harness) -> None:
    result = await ws.run("write", file_path="u.txt", content="héllo")
    assert result.output == "Wrote 6 bytes (1 lines) to u.txt"


async def test_keeps_file_mode_and_leaves_no_temp_files(ws: Harness) -> None:
    script = ws.file("run.sh", "#!/bin/sh\necho old\n")
    os.chmod(script, 0o751)
    await ws.run("write", file_path="run.sh", content="#!/bin/sh\necho new\n")
    assert script.stat().st_mode & 0o7777 == 0o751
    assert script.read_text() == "#!/bin/sh\necho new\n"
    assert sorted(p.name for p in ws.root.iterdir()) == ["link_out", "run.sh", "secret_link.txt"]


async def test_goes_through_the_session_file_system(ws: Harness) -> None:
    path = ws.file("open.txt", "disk\n")
    fs = OverlayFS({path: "unsaved\n"})
    ws.ctx.fs = fs
    result = await ws.run("write", file_path="open.txt", content="from the model\n")
    assert fs.buffers[path] == "from the model\n"
    assert path.read_text() == "disk\n"
    assert "-unsaved\n" in result.metadata["diff"]


async def test_directory_target_is_refused(ws: Harness) -> None:
    ws.file("sub/x.txt", "x")
    result = await ws.run("write", file_path="sub", content="x")
    assert result.is_error and "directory" in result.output


async def test_preview_shows_the_diff_without_writing(ws: Harness) -> None:
    ws.file("p.txt", "a\n")
    tool = ws.registry.get("write")
    params = tool.Params.model_validate({"file_path": "p.txt", "content": "b\n"})
    diff = await tool.preview(params, ws.ctx)
    assert diff is not None and "-a\n+b\n" in diff
    assert (ws.root / "p.txt").read_text() == "a\n"


@pytest.mark.parametrize(
    "args",
    [
        {"file_path": "x.txt"},
        {"content": "x"},
        {"file_path": "x.txt", "content": ["x"]},
        {"file_path": "x.txt", "content": "x", "mode": "a"},
    ],
)
async def test_bad_arguments_are_explained(ws: Harness, args: dict[str, Any]) -> None:
    result = await ws.run("write", **args)
    assert result.is_error
    assert result.output.startswith("Invalid arguments for tool 'write'")
    assert not (ws.root / "x.txt").exists()


@pytest.mark.parametrize("target", ["../outside/new.txt", "ABS", "link_out/new.txt", "secret_link.txt"])
async def test_paths_outside_the_workspace_are_refused(ws: Harness, target: str) -> None:
    if target == "ABS":
        target = str(ws.outside / "new.txt")
    result = await ws.run("write", file_path=target, content="pwned\n")
    assert result.is_error
    assert "outside the workspace" in result.output
    assert sorted(p.name for p in ws.outside.iterdir()) == ["secret.txt"]
    assert (ws.outside / "secret.txt").read_text() == SECRET
