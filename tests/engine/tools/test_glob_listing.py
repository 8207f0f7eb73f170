"""glob lists exactly what one ripgrep run under the workspace rules lists, whatever the ignore files say.

The tool splits its listing in two rg runs (see ``a3s_code.tools._listing``); the oracle is the single
run ``rg --files --hidden --no-require-git --glob '!.git'`` on the same tree, with the same ignore
files in the tree, above it, in ``.git/info/exclude`` and in the global excludes file.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from a3s_code.tools import _listing
from a3s_code.tools._text import find_rg
from a3s_code.tools.base import ToolContext
from a3s_code.tools.glob import GlobTool, first_sorted
from a3s_code.tools.registry import ToolRegistry

FOLDERS = ["src", "build", "node_modules", ".github", "docs", "a b", "Build", "vendor", "x.py"]
FILES = ["m.py", "m.txt", ".h.py", "d.log", "sub/n.py", "sub/deep/o.py", "build/p.py", "Keep.py"]
PATTERNS = [
    *FOLDERS,
    *(f"{name}/" for name in FOLDERS),
    *(f"/{name}" for name in FOLDERS),
    *(f"!{name}" for name in FOLDERS),
    *(f"{name}/**" for name in FOLDERS[:4]),
    *(f"**/{name}" for name in FOLDERS[:4]),
    "*.log", "*", "!*/", "!*.py", "b*", "?uild", "[bn]*", "\\#x", "{build,docs}", "src/*.py",
    "/src/sub", "sub", "*/sub/", "**/lib/*.py", "**/sub/*.py", "lib/*.py", "# comment", "", "!/src/sub/deep", "**", "b**d", "*.PY", "Keep.py",
]  # fmt: skip


def lines(draw_from: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(draw_from), max_size=5).map(lambda found: "\n".join(found) + "\n")


@st.composite
def trees(draw: st.DrawFn) -> dict[str, str]:
    """A workspace: relative path -> content; paths under '../' are written above it, '~' in the home."""
    files: dict[str, str] = {}
    for folder in draw(st.lists(st.sampled_from(FOLDERS), min_size=1, max_size=5, unique=True)):
        for name in draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=4, unique=True)):
            files[f"{folder}/{name}"] = "x\n"
    for name in draw(st.lists(st.sampled_from(["top.py", ".top.py", "t.log"]), max_size=3, unique=True)):
        files[name] = "x\n"
    for source in draw(st.lists(st.sampled_from(SOURCES), max_size=4, unique=True)):
        files[source] = draw(lines(PATTERNS))
    if draw(st.booleans()):  # a repository: its own objects, which are never listed
        files[".git/HEAD"] = "ref: refs/heads/main\n"
        files[".git/hooks/pre-commit.py"] = "x\n"
    if draw(st.booleans()):  # a vendored clone inside a folder
        folder = draw(st.sampled_from(FOLDERS))
        files[f"{folder}/lib/.git/hooks/post.py"] = "x\n"
        files[f"{folder}/lib/.git/config"] = "x\n"
        files[f"{folder}/lib/code.py"] = "x\n"
        files[f"{folder}/lib/sub/n.py"] = "x\n"
    return files


SOURCES = [
    ".gitignore",
    ".ignore",
    ".rgignore",
    "src/.gitignore",
    "../.gitignore",  # a folder above the workspace
    ".git/info/exclude",
    "~/.config/git/ignore",  # the global excludes file
]


@contextmanager
def written(files: dict[str, str]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root, home = Path(tmp) / "outer" / "ws", Path(tmp) / "home"
        root.mkdir(parents=True)
        home.mkdir()
        for rel, text in files.items():
            path = home / rel[2:] if rel.startswith("~/") else root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        isolated = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": "",
            "GIT_CONFIG_GLOBAL": "",
            "RIPGREP_CONFIG_PATH": "",
        }
        # every tree here is split as a big repository's is (a small one is listed in one run)
        with mock.patch.dict(os.environ, isolated), mock.patch.object(_listing, "SPLIT_FROM_TRACKED", 0):
            yield root


def oracle(root: Path, *args: str) -> list[str]:
    rg = find_rg()
    assert rg is not None
    rules = ["--files", "--hidden", "--no-require-git", "--glob", "!.git", *args]
    out = subprocess.run([rg, *rules], cwd=root, capture_output=True, check=False).stdout
    return sorted(out.decode().splitlines())


def listed(root: Path, pattern: str) -> list[str]:
    result = asyncio.run(
        ToolRegistry([GlobTool()]).execute("glob", {"pattern": pattern}, ToolContext(workspace=root))
    )
    assert not result.is_error, result.output
    if result.output.startswith("No files found"):
        return []
    return result.output.split("\n\n")[0].split("\n")


PY = ("--type-add", "x:*.py", "--type", "x")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
@example({"node_modules/m.py": "x\n", "src/m.py": "x\n", ".gitignore": "node_modules/\n"})
@example({"vendor/lib/.git/hooks/post.py": "x\n", "vendor/lib/code.py": "x\n", "src/m.py": "x\n"})
@example({"build/m.py": "x\n", "src/m.py": "x\n", "~/.config/git/ignore": "build\n"})
@example({"build/m.py": "x\n", "src/m.py": "x\n", "../.gitignore": "/ws/build\n"})
@example({"build/m.py": "x\n", "docs/m.py": "x\n", ".git/info/exclude": "{build,docs}\n"})
@example({"build/m.py": "x\n", "src/m.py": "x\n", ".gitignore": "\ufeffbuild\n"})
@example({"vendor/lib/.git/config": "x\n", "vendor/lib/code.py": "x\n", ".gitignore": "**/lib/*.py\n"})
@example(
    {"src/m.py": "x\n", "src/lib/.git/config": "x\n", "src/lib/code.py": "x\n", ".gitignore": "src/*.py\n"}
)
def test_glob_lists_what_one_rg_run_under_the_rules_lists(files: dict[str, str]) -> None:
    with written(files) as root:
        assert listed(root, "**/*.py") == oracle(root, *PY)
        assert listed(root, "**") == oracle(root)
        if (root / "src").is_dir():
            assert listed(root, "src/**/*.py") == oracle(root, *PY, "--", "src")


@given(st.lists(st.text(max_size=4) | st.sampled_from(["a", "a/b", "b"])), st.integers(1, 30))
def test_the_shown_paths_are_the_first_in_path_order(items: list[str], k: int) -> None:
    """The tool shows the first MAX_RESULTS paths without sorting them all: the same as sorting all."""
    assert first_sorted(items, k) == sorted(items)[:k]


def test_a_repository_s_size_is_read_from_its_index(tmp_path: Path) -> None:
    """The split is chosen by the count of files git tracks; outside a repository the count is 0."""
    repo = tmp_path / "repo"
    repo.mkdir()
    assert _listing.tracked_files(repo) == 0
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    for name in ("a.py", "b.py", "sub/c.py"):
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_text(name)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    assert _listing.tracked_files(repo / "sub") == 3
    subprocess.run([*git, "commit", "-qm", "three"], cwd=repo, check=True)
    subprocess.run([*git, "worktree", "add", "-q", "--detach", str(tmp_path / "wt")], cwd=repo, check=True)
    subprocess.run([*git, "rm", "-q", "b.py"], cwd=repo, check=True)
    assert _listing.tracked_files(repo) == 2
    assert _listing.tracked_files(tmp_path / "wt") == 3  # a worktree has its own index
