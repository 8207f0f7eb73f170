"""grep: ripgrep results, .gitignore, filters, context, caps, errors, and unsaved buffers."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from a3s_code.tools.grep import GrepTool

from .conftest import Harness, OverlayFS


@pytest.fixture
def tree(ws: Harness) -> Harness:
    ws.file("src/app.py", "import os\n\ndef main():\n    return os.getcwd()\n")
    ws.file("src/util.py", "def helper():\n    return 'Main thing'\n")
    ws.file("docs/readme.md", "call main() to start\n")
    ws.file(".gitignore", "build/\n*.log\n")
    ws.file("build/gen.py", "def main(): pass\n")
    ws.file("debug.log", "main crashed\n")
    return ws


async def test_lists_matches_as_path_line_text_in_path_order(tree: Harness) -> None:
    result = await tree.run("grep", pattern=r"main\(")
    assert not result.is_error, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["docs/readme.md:1:call main() to start", "src/app.py:3:def main():"]
    assert lines[-1] == "2 matching line(s) in 2 file(s)"


async def test_gitignored_files_are_skipped_without_a_git_repo(tree: Harness) -> None:
    result = await tree.run("grep", pattern="main")
    assert "build/gen.py" not in result.output
    assert "debug.log" not in result.output
    assert "src/app.py:3:" in result.output


async def test_glob_and_path_narrow_the_search(tree: Harness) -> None:
    only_py = await tree.run("grep", pattern="main", glob="*.py")
    assert "docs/readme.md" not in only_py.output and "src/app.py" in only_py.output
    only_docs = await tree.run("grep", pattern="main", path="docs")
    assert only_docs.output.splitlines()[0] == "docs/readme.md:1:call main() to start"
    assert "src/" not in only_docs.output


async def test_case_insensitive_flag_is_named_dash_i(tree: Harness) -> None:
    assert "-i" in GrepTool().spec().input_schema["properties"]
    sensitive = await tree.run("grep", pattern="Main")
    assert "src/app.py" not in sensitive.output
    insensitive = await tree.registry.execute("grep", {"pattern": "Main", "-i": True}, tree.ctx)
    assert "src/app.py:3:def main():" in insensitive.output
    assert "src/util.py:2:" in insensitive.output


async def test_context_lines(tree: Harness) -> None:
    result = await tree.run("grep", pattern="getcwd", context=1, path="src")
    assert result.output.splitlines()[:2] == [
        "src/app.py-3-def main():",
        "src/app.py:4:    return os.getcwd()",
    ]


async def test_no_matches(tree: Harness) -> None:
    result = await tree.run("grep", pattern="nothing_like_this")
    assert not result.is_error
    assert result.output == "No matches found for pattern: nothing_like_this"


async def test_invalid_regex_reports_ripgreps_error(tree: Harness) -> None:
    result = await tree.run("grep", pattern="main(")
    assert result.is_error
    assert "regex parse error" in result.output


async def test_many_matches_are_capped_with_a_count(ws: Harness) -> None:
    ws.file("big.txt", "".join(f"hit {i}\n" for i in range(300)))
    result = await ws.run("grep", pattern="hit")
    assert sum(1 for line in result.output.splitlines() if line.startswith("big.txt:")) == 200
    assert "[Showing 200 of 300 matching lines." in result.output


async def test_unsaved_buffer_replaces_the_disk_copy(tree: Harness) -> None:
    path = tree.root / "src/util.py"
    tree.ctx.fs = OverlayFS({path: "# edited\ndef helper():\n    return 'unsaved needle'\n"})
    found = await tree.run("grep", pattern="needle")
    assert found.output.splitlines()[0] == "src/util.py:3:    return 'unsaved needle'"
    stale = await tree.run("grep", pattern="Main thing")
    assert stale.output == "No matches found for pattern: Main thing"


async def test_unsaved_buffer_of_an_ignored_file_stays_hidden(tree: Harness) -> None:
    tree.ctx.fs = OverlayFS({tree.root / "build/gen.py": "needle\n"})
    result = await tree.run("grep", pattern="needle")
    assert result.output == "No matches found for pattern: needle"


@pytest.mark.parametrize(
    "args", [{}, {"pattern": 3}, {"pattern": "x", "context": "lots"}, {"pattern": "x", "-n": True}]
)
async def test_bad_arguments_are_explained(tree: Harness, args: dict[str, Any]) -> None:
    result = await tree.registry.execute("grep", args, tree.ctx)
    assert result.is_error
    assert result.output.startswith("Invalid arguments for tool 'grep'")


@pytest.mark.parametrize("target", ["../outside", "ABS", "link_out"])
async def test_paths_outside_the_workspace_are_refused(tree: Harness, target: str) -> None:
    if target == "ABS":
        target = str(tree.outside)
    result = await tree.run("grep", pattern="secret", path=target)
    assert result.is_error and "outside the workspace" in result.output


async def test_symlinks_to_outside_are_not_followed(tree: Harness) -> None:
    result = await tree.run("grep", pattern="top secret")
    assert result.output == "No matches found for pattern: top secret"


async def test_huge_result_stops_rg_and_still_counts_everything(ws: Harness) -> None:
    ws.file("huge.txt", "".join(f"a fairly common line of text number {i}\n" for i in range(30_000)))
    ws.file("small.txt", "common line\n")
    result = await ws.run("grep", pattern="common line")
    assert "[Showing 200 of 30001 matching lines." in result.output
    assert result.metadata["matches"] == 30_001


def _rg_children() -> list[int]:
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if fields[1] == me and cmd.endswith(b"rg") and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
async def test_cancelling_the_search_kills_ripgrep(ws: Harness) -> None:
    fifo = ws.root / "pipe"
    os.mkfifo(fifo)  # rg blocks reading it until a writer appears: a search that never ends
    task = asyncio.ensure_future(ws.run("grep", pattern="x", path="pipe"))
    for _ in range(1000):  # wait until rg is running (bounded by the test timeout anyway)
        if pids := _rg_children():
            break
        await asyncio.sleep(0.01)
    assert pids
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [pid for pid in pids if pid in _rg_children()] == []


async def test_null_for_optional_arguments_means_default(tree: Harness) -> None:
    args = {"pattern": "getcwd", "path": None, "glob": None, "context": None, "-i": None}
    result = await tree.registry.execute("grep", args, tree.ctx)
    assert result.output.startswith("src/app.py:4:")
