"""read: numbered lines, windows, long lines, images, binary, and refusals."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from .conftest import SECRET, Harness, OverlayFS

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_numbers_lines_cat_n_style(ws: Harness) -> None:
    ws.file("a.py", "def f():\n    return 1\n")
    result = await ws.run("read", file_path="a.py")
    assert not result.is_error
    assert result.output == "     1\tdef f():\n     2\t    return 1"


async def test_window_with_footer_when_more_remains(ws: Harness) -> None:
    ws.file("ten.txt", "".join(f"line {i}\n" for i in range(1, 11)))
    result = await ws.run("read", file_path="ten.txt", offset=2, limit=3)
    assert result.output.splitlines()[:3] == ["     3\tline 3", "     4\tline 4", "     5\tline 5"]
    assert result.output.endswith("[Showing lines 3-5 of 10. Use offset/limit for more.]")
    last = await ws.run("read", file_path="ten.txt", offset=8)
    assert "Showing" not in last.output
    assert last.output.splitlines() == ["     9\tline 9", "    10\tline 10"]


async def test_offset_past_the_end_is_an_error(ws: Harness) -> None:
    ws.file("two.txt", "a\nb\n")
    result = await ws.run("read", file_path="two.txt", offset=5)
    assert result.is_error
    assert "2 lines" in result.output


async def test_long_lines_are_cut(ws: Harness) -> None:
    ws.file("long.txt", "x" * 2500 + "\nshort\n")
    lines = (await ws.run("read", file_path="long.txt")).output.splitlines()
    assert lines[0] == "     1\t" + "x" * 2000 + "..."
    assert lines[1] == "     2\tshort"


async def test_crlf_is_not_shown_as_part_of_the_line(ws: Harness) -> None:
    ws.file("win.txt", "a\r\nb\r\n")
    assert (await ws.run("read", file_path="win.txt")).output == "     1\ta\n     2\tb"


async def test_image_comes_back_as_an_image_block(ws: Harness) -> None:
    ws.file("pic.png", PNG)
    result = await ws.run("read", file_path="pic.png")
    assert not result.is_error
    assert len(result.images) == 1
    assert result.images[0].media_type == "image/png"
    assert base64.b64decode(result.images[0].data) == PNG


async def test_binary_file_is_refused(ws: Harness) -> None:
    ws.file("blob.bin", b"\x00\x01\x02binary")
    result = await ws.run("read", file_path="blob.bin")
    assert result.is_error
    assert "binary" in result.output


async def test_empty_file_says_so(ws: Harness) -> None:
    ws.file("empty.txt", "")
    result = await ws.run("read", file_path="empty.txt")
    assert not result.is_error
    assert "empty" in result.output


async def test_directory_and_missing_file(ws: Harness) -> None:
    ws.file("sub/x.txt", "x")
    folder = await ws.run("read", file_path="sub")
    assert folder.is_error and folder.output == "sub is a directory, not a file"
    missing = await ws.run("read", file_path="nope.txt")
    assert missing.is_error and missing.output == "File not found: nope.txt"


async def test_absolute_path_inside_workspace_works(ws: Harness) -> None:
    path = ws.file("abs.txt", "hello\n")
    assert (await ws.run("read", file_path=str(path))).output == "     1\thello"


async def test_unsaved_editor_buffer_wins_over_disk(ws: Harness) -> None:
    path = ws.file("open.py", "on disk\n")
    ws.ctx.fs = OverlayFS({path: "unsaved\ntext\n"})
    assert (await ws.run("read", file_path="open.py")).output == "     1\tunsaved\n     2\ttext"


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"file_path": 5},
        {"file_path": "a.txt", "limit": "many"},
        {"file_path": "a.txt", "offset": -1},
        {"file_path": "a.txt", "limit": 0},
        {"file_path": "a.txt", "lines": 3},
    ],
)
async def test_bad_arguments_are_explained(ws: Harness, args: dict[str, Any]) -> None:
    ws.file("a.txt", "a\n")
    result = await ws.run("read", **args)
    assert result.is_error
    assert result.output.startswith("Invalid arguments for tool 'read'")


@pytest.mark.parametrize("target", ["../outside/secret.txt", "ABS", "link_out/secret.txt", "secret_link.txt"])
async def test_paths_outside_the_workspace_are_refused(ws: Harness, target: str) -> None:
    if target == "ABS":
        target = str(ws.outside / "secret.txt")
    result = await ws.run("read", file_path=target)
    assert result.is_error
    assert "outside the workspace" in result.output
    assert SECRET.strip() not in result.output
