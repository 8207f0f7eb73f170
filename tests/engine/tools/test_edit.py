"""edit: unique replacement, errors that show what the file really has, CRLF kept."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import SECRET, Harness, OverlayFS

SOURCE = "def f():\n    return 1\n\n\ndef g():\n    return 1\n\n\ndef h():\n    return 1\n"


async def test_replaces_a_unique_string(ws: Harness) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run(
        "edit", file_path="m.py", old_string="def g():\n    return 1", new_string="def g():\n    return 2"
    )
    assert not result.is_error
    assert result.output == "Replaced 1 occurrence(s) in m.py"
    assert (ws.root / "m.py").read_text() == SOURCE.replace(
        "def g():\n    return 1", "def g():\n    return 2"
    )
    assert "-    return 1\n+    return 2\n" in result.metadata["diff"]


async def test_ambiguous_string_names_count_and_lines(ws: Harness) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run("edit", file_path="m.py", old_string="return 1", new_string="return 2")
    assert result.is_error
    assert "found 3 times in m.py" in result.output
    assert "lines 2, 6, 10" in result.output
    assert "replace_all" in result.output
    assert (ws.root / "m.py").read_text() == SOURCE


async def test_replace_all(ws: Harness) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run(
        "edit", file_path="m.py", old_string="return 1", new_string="return 0", replace_all=True
    )
    assert result.output == "Replaced 3 occurrence(s) in m.py"
    assert (ws.root / "m.py").read_text().count("return 0") == 3


async def test_not_found_points_at_a_whitespace_near_match(ws: Harness) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run("edit", file_path="m.py", old_string="def h():\n  return 1", new_string="x")
    assert result.is_error
    assert result.output.startswith("old_string not found in m.py")
    assert "     9\tdef h():\n    10\t    return 1" in result.output
    assert (ws.root / "m.py").read_text() == SOURCE


async def test_not_found_without_anything_close(ws: Harness) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run("edit", file_path="m.py", old_string="zzzz qqqq 12345", new_string="x")
    assert result.is_error
    assert result.output.startswith("old_string not found in m.py")
    assert "\t" not in result.output


async def test_identical_strings_are_refused(ws: Harness) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run("edit", file_path="m.py", old_string="def f", new_string="def f")
    assert result.is_error and "identical" in result.output


async def test_crlf_line_endings_are_kept(ws: Harness) -> None:
    path = ws.file("win.txt", "alpha\r\nbeta\r\ngamma\r\n")
    result = await ws.run("edit", file_path="win.txt", old_string="alpha\nbeta", new_string="one\ntwo\nthree")
    assert not result.is_error, result.output
    assert path.read_bytes() == b"one\r\ntwo\r\nthree\r\ngamma\r\n"


async def test_edits_the_unsaved_buffer(ws: Harness) -> None:
    path = ws.file("open.py", "x = 1\n")
    fs = OverlayFS({path: "x = 2\n"})
    ws.ctx.fs = fs
    result = await ws.run("edit", file_path="open.py", old_string="x = 2", new_string="x = 3")
    assert not result.is_error
    assert fs.buffers[path] == "x = 3\n"


async def test_missing_file(ws: Harness) -> None:
    result = await ws.run("edit", file_path="nope.py", old_string="a", new_string="b")
    assert result.is_error and result.output == "File not found: nope.py"


@pytest.mark.parametrize(
    "args",
    [
        {"file_path": "m.py", "old_string": "a"},
        {"file_path": "m.py", "old_string": 1, "new_string": "b"},
        {"file_path": "m.py", "old_string": "a", "new_string": "b", "replace_all": "maybe"},
        {"file_path": "m.py", "old_string": "a", "new_string": "b", "regex": True},
    ],
)
async def test_bad_arguments_are_explained(ws: Harness, args: dict[str, Any]) -> None:
    ws.file("m.py", SOURCE)
    result = await ws.run("edit", **args)
    assert result.is_error
    assert result.output.startswith("Invalid arguments for tool 'edit'")
    assert (ws.root / "m.py").read_text() == SOURCE


@pytest.mark.parametrize("target", ["../outside/secret.txt", "ABS", "link_out/secret.txt", "secret_link.txt"])
async def test_paths_outside_the_workspace_are_refused(ws: Harness, target: str) -> None:
    if target == "ABS":
        target = str(ws.outside / "secret.txt")
    result = await ws.run("edit", file_path=target, old_string="secret", new_string="public")
    assert result.is_error and "outside the workspace" in result.output
    assert (ws.outside / "secret.txt").read_text() == SECRET
