"""glob: sorted workspace-relative paths, '**', braces, .gitignore, caps."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Harness


@pytest.fixture
def tree(ws: Harness) -> Harness:
    for rel in ["setup.py", "src/a.py", "src/pkg/b.py", "src/pkg/c.ts", "src/pkg/d.tsx", "tests/test_a.py"]:
        ws.file(rel, "x\n")
    ws.file(".gitignore", "node_modules/\n*.gen.py\n")
    ws.file("node_modules/lib/index.py", "x\n")
    ws.file("src/skip.gen.py", "x\n")
    ws.file("src/pkg/.gitignore", "b.py\n")
    ws.file(".git/hooks/hook.py", "x\n")
    return ws


async def test_double_star_finds_nested_files_sorted(tree: Harness) -> None:
    result = await tree.run("glob", pattern="**/*.py")
    assert result.output == "setup.py\nsrc/a.py\ntests/test_a.py\n\n3 file(s) found"


async def test_single_star_stays_in_one_folder(tree: Harness) -> None:
    assert (await tree.run("glob", pattern="*.py")).output == "setup.py\n\n1 file(s) found"
    assert (await tree.run("glob", pattern="src/*.py")).output == "src/a.py\n\n1 file(s) found"


async def test_braces_and_base_path(tree: Harness) -> None:
    result = await tree.run("glob", pattern="**/*.{ts,tsx}", path="src")
    assert result.output == "src/pkg/c.ts\nsrc/pkg/d.tsx\n\n2 file(s) found"


async def test_gitignore_rules_and_git_folder_are_respected(tree: Harness) -> None:
    listed = (await tree.run("glob", pattern="**/*")).output
    assert "node_modules" not in listed
    assert "skip.gen.py" not in listed
    assert "src/pkg/b.py" not in listed
    assert ".git/" not in listed
    assert "src/pkg/c.ts" in listed


async def test_negation_in_a_nested_gitignore(ws: Harness) -> None:
    ws.file(".gitignore", "*.txt\n")
    ws.file("keep/.gitignore", "!wanted.txt\n")
    ws.file("keep/wanted.txt", "x")
    ws.file("keep/other.txt", "x")
    assert (await ws.run("glob", pattern="**/*.txt")).output == "keep/wanted.txt\n\n1 file(s) found"


async def test_no_match_message(tree: Harness) -> None:
    result = await tree.run("glob", pattern="**/*.rs")
    assert not result.is_error
    assert result.output.startswith("No files found matching pattern: **/*.rs")


async def test_results_are_capped(ws: Harness) -> None:
    for i in range(1005):
        ws.file(f"many/f{i:04}.txt", "")
    result = await ws.run("glob", pattern="many/*.txt")
    shown = result.output.split("\n\n")[0].splitlines()
    assert shown == [f"many/f{i:04}.txt" for i in range(1000)]
    assert "1005 file(s) found (showing the first 1000" in result.output


@pytest.mark.parametrize("args", [{}, {"pattern": ["*.py"]}, {"pattern": "*.py", "limit": 3}])
async def test_bad_arguments_are_explained(tree: Harness, args: dict[str, Any]) -> None:
    result = await tree.registry.execute("glob", args, tree.ctx)
    assert result.is_error and result.output.startswith("Invalid arguments for tool 'glob'")


@pytest.mark.parametrize("target", ["../outside", "ABS", "link_out"])
async def test_paths_outside_the_workspace_are_refused(tree: Harness, target: str) -> None:
    if target == "ABS":
        target = str(tree.outside)
    result = await tree.run("glob", pattern="**/*", path=target)
    assert result.is_error and "outside the workspace" in result.output


@pytest.mark.parametrize("pattern", ["../**/*", "../../outside/*", "src/../../**/*.txt", "**/../../*"])
async def test_patterns_that_climb_out_are_refused(tree: Harness, pattern: str) -> None:
    result = await tree.run("glob", pattern=pattern)
    assert result.is_error and "outside the workspace" in result.output
    assert "secret" not in result.output


async def test_nothing_outside_is_listed_through_symlinks(tree: Harness) -> None:
    listed = (await tree.run("glob", pattern="**/*")).output
    assert "secret" not in listed and "link_out" not in listed
    through = await tree.run("glob", pattern="link_out/*")
    assert through.is_error and "outside the workspace" in through.output


async def test_hidden_files_are_listed_like_grep_searches_them(tree: Harness) -> None:
    tree.file(".config/tool.py", "x\n")
    assert ".config/tool.py" in (await tree.run("glob", pattern="**/*.py")).output
