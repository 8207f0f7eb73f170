"""patch: unified diffs applied all-or-nothing, tolerant of shifted lines and whitespace."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import SECRET, Harness

LINES = "".join(f"line {i}\n" for i in range(1, 21))


async def test_applies_several_hunks(ws: Harness) -> None:
    path = ws.file("f.txt", LINES)
    diff = (
        "--- a/f.txt\n+++ b/f.txt\n"
        "@@ -2,3 +2,3 @@\n line 2\n-line 3\n+LINE THREE\n line 4\n"
        "@@ -15,2 +15,3 @@\n line 15\n+inserted\n line 16\n"
    )
    result = await ws.run("patch", file_path="f.txt", diff=diff)
    assert not result.is_error, result.output
    assert result.output == "Applied 2 hunk(s) to f.txt"
    expected = LINES.replace("line 3\n", "LINE THREE\n").replace("line 16\n", "inserted\nline 16\n")
    assert path.read_text() == expected
    assert "+LINE THREE" in result.metadata["diff"]


async def test_one_bad_hunk_means_nothing_is_written(ws: Harness) -> None:
    path = ws.file("f.txt", LINES)
    diff = (
        "@@ -2,3 +2,3 @@\n line 2\n-line 3\n+changed\n line 4\n"
        "@@ -10,2 +10,2 @@\n line 10\n-line that is not there\n+x\n"
    )
    result = await ws.run("patch", file_path="f.txt", diff=diff)
    assert result.is_error
    assert "Hunk 2 of 2" in result.output
    assert "line that is not there" in result.output
    assert "    10\tline 10" in result.output
    assert "No changes were made" in result.output
    assert path.read_text() == LINES


async def test_wrong_line_numbers_are_tolerated(ws: Harness) -> None:
    path = ws.file("f.txt", LINES)
    result = await ws.run("patch", file_path="f.txt", diff="@@ -4,2 +4,2 @@\n line 7\n-line 8\n+eight\n")
    assert not result.is_error, result.output
    assert "Hunk 1 applied at line 7 (the header said 4)" in result.output
    assert path.read_text() == LINES.replace("line 8\n", "eight\n")


async def test_nearest_occurrence_to_the_stated_line_wins(ws: Harness) -> None:
    path = ws.file("r.txt", "x\nsame\nx\nx\nx\nx\nsame\nx\n")
    await ws.run("patch", file_path="r.txt", diff="@@ -7,1 +7,1 @@\n-same\n+changed\n")
    assert path.read_text() == "x\nsame\nx\nx\nx\nx\nchanged\nx\n"


async def test_whitespace_differences_in_context_are_tolerated(ws: Harness) -> None:
    path = ws.file("p.py", "def f():\n    a = 1\n    return a\n")
    diff = "@@ -1,3 +1,3 @@\n def f():\n-  a = 1\n+    a = 2\n return a\n"
    result = await ws.run("patch", file_path="p.py", diff=diff)
    assert not result.is_error, result.output
    assert "whitespace" in result.output
    assert path.read_text() == "def f():\n    a = 2\n    return a\n"


async def test_crlf_file_stays_crlf(ws: Harness) -> None:
    path = ws.file("w.txt", "a\r\nb\r\nc\r\n")
    result = await ws.run("patch", file_path="w.txt", diff="@@ -2 +2,2 @@\n-b\n+B\n+B2\n")
    assert not result.is_error, result.output
    assert path.read_bytes() == b"a\r\nB\r\nB2\r\nc\r\n"


async def test_creates_a_file_from_dev_null(ws: Harness) -> None:
    diff = "--- /dev/null\n+++ b/new/n.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n"
    result = await ws.run("patch", file_path="new/n.txt", diff=diff)
    assert not result.is_error, result.output
    assert (ws.root / "new/n.txt").read_text() == "hello\nworld\n"
    assert result.metadata["created"] is True


async def test_diff_without_hunks(ws: Harness) -> None:
    ws.file("f.txt", LINES)
    result = await ws.run("patch", file_path="f.txt", diff="just some text\n")
    assert result.is_error and result.output == "No @@ hunk headers found in diff"


async def test_missing_file_is_not_created_without_dev_null(ws: Harness) -> None:
    result = await ws.run("patch", file_path="nope.txt", diff="@@ -1 +1 @@\n-a\n+b\n")
    assert result.is_error and result.output.startswith("File not found: nope.txt")
    assert not (ws.root / "nope.txt").exists()


@pytest.mark.parametrize(
    "args",
    [
        {"file_path": "f.txt"},
        {"diff": "@@ -1 +1 @@\n-a\n+b\n"},
        {"file_path": "f.txt", "diff": 3},
        {"file_path": "f.txt", "diff": "", "strip": 1},
    ],
)
async def test_bad_arguments_are_explained(ws: Harness, args: dict[str, Any]) -> None:
    ws.file("f.txt", LINES)
    result = await ws.run("patch", **args)
    assert result.is_error
    assert result.output.startswith("Invalid arguments for tool 'patch'")


@pytest.mark.parametrize("target", ["../outside/secret.txt", "ABS", "link_out/secret.txt", "secret_link.txt"])
async def test_paths_outside_the_workspace_are_refused(ws: Harness, target: str) -> None:
    if target == "ABS":
        target = str(ws.outside / "secret.txt")
    diff = "@@ -1 +1 @@\n-top secret outside the workspace\n+public\n"
    result = await ws.run("patch", file_path=target, diff=diff)
    assert result.is_error and "outside the workspace" in result.output
    assert (ws.outside / "secret.txt").read_text() == SECRET
