"""git_worktree against a real repository: create, list, status, remove, and the errors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a3s_code.tools.base import ToolContext
from a3s_code.tools.git_worktree import GitWorktreeTool, valid_branch
from a3s_code.tools.registry import ToolRegistry

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@e",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@e",
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "proj"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env={**os.environ})
    (root / "a.txt").write_text("a\n")
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=root, check=True)
    return root


async def call(workspace: Path, **args: object):  # type: ignore[no-untyped-def]
    return await ToolRegistry([GitWorktreeTool()]).execute(
        "git_worktree", dict(args), ToolContext(workspace=workspace)
    )


async def test_create_list_status_remove_round_trip(repo: Path) -> None:
    created = await call(repo, command="create", branch="feature/x")
    target = repo.parent / "proj-feature-x"
    assert not created.is_error, created.output
    assert created.output == f"Created worktree at: {target}\nBranch: feature/x"
    assert (target / "a.txt").read_text() == "a\n"
    listed = await call(repo, command="list")
    assert listed.output.startswith("Worktrees (2):") and f"{target}  [feature/x]" in listed.output
    inside = await call(target, command="status")
    assert "Branch: feature/x" in inside.output and "Worktree: yes" in inside.output
    (target / "a.txt").write_text("changed\n")
    assert (await call(target, command="status")).metadata["dirty_count"] == 1
    refused = await call(repo, command="remove", path=str(target))
    assert refused.is_error and target.exists()
    removed = await call(repo, command="remove", path=str(target), force=True)
    assert not removed.is_error and not target.exists()
    assert (await call(repo, command="status")).output.endswith("Worktree: no")


async def test_errors_are_explained(repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert (await call(plain, command="list")).output == f"Not a git repository: {plain}"
    await call(repo, command="create", branch="dup")
    again = await call(repo, command="create", branch="dup", path="../other")
    assert again.is_error and "already exists" in again.output
    assert "needs a branch" in (await call(repo, command="create")).output
    assert (await call(repo, command="create", branch="b", path=".git/wt")).is_error
    assert "command" in (await call(repo, command="rebase")).output


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


async def test_an_option_shaped_branch_never_reaches_git_and_resets_nothing(repo: Path) -> None:
    """``-Bfeature`` once read as ``-B feature``: the existing branch was reset and its commit dropped."""
    _git(repo, "branch", "feature")
    _git(repo, "checkout", "-q", "feature")
    (repo / "b.txt").write_text("work\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "work on feature")
    tip = _git(repo, "rev-parse", "feature")
    _git(repo, "checkout", "-q", "main")
    for branch in ("-Bfeature", "-b", "--force", "-", "feat x", "a..b", "x.lock", "HEAD", "@", "a@{1}", "/x"):
        result = await call(repo, command="create", branch=branch)
        assert result.is_error and "Invalid arguments" in result.output, (branch, result.output)
    bad_base = await call(repo, command="create", branch="ok", base="--orphan")
    assert bad_base.is_error and "base must name a commit" in bad_base.output
    assert _git(repo, "rev-parse", "feature") == tip
    assert _git(repo, "worktree", "list").count("\n") == 0


@pytest.mark.parametrize(
    "path", ["/tmp/elsewhere", "../../far", "sub/dir", ".git/wt", ".", "~/wt", "../proj"]
)
async def test_worktree_paths_only_beside_the_repository(repo: Path, path: str) -> None:
    result = await call(repo, command="create", branch="topic", path=path)
    assert result.is_error and ("beside the repository" in result.output or "NUL" in result.output), (
        result.output
    )
    assert _git(repo, "worktree", "list").count("\n") == 0


async def test_the_editor_plugin_shape_create_and_remove_by_name(repo: Path) -> None:
    """``:A3SWorktree create feat-x`` sends ``{name}``; ``remove feat-x`` the same."""
    created = await call(repo, command="create", name="feat-x")
    target = repo.parent / "proj-feat-x"
    assert not created.is_error, created.output
    assert _git(target, "rev-parse", "--abbrev-ref", "HEAD") == "feat-x"
    removed = await call(repo, command="remove", name="feat-x")
    assert not removed.is_error and not target.exists()
    assert "feat-x" in _git(repo, "branch", "--list", "feat-x")  # the branch stays; only the folder goes
    main = await call(repo, command="remove", path=str(repo))
    assert main.is_error and repo.exists()
    unknown = await call(repo, command="remove", name="nope")
    assert unknown.is_error and "no linked worktree matches" in unknown.output


def _git_accepts_branch(name: str) -> bool:
    """git's own answer: ``check-ref-format`` on ``refs/heads/<name>``, plus what ``--branch`` adds."""
    ok = (
        subprocess.run(["git", "check-ref-format", f"refs/heads/{name}"], capture_output=True).returncode == 0
    )
    return ok and not name.startswith("-") and name != "HEAD"


_REF_CHARS = st.sampled_from(list("ab-._/@{}~^:?*[\\ \t\x7fé") + ["lock", ".lock", "..", "HEAD", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_REF_CHARS, min_size=1, max_size=8).map("".join))
def test_branch_names_are_judged_as_git_judges_them(name: str) -> None:
    if name == "@":
        return  # git's --branch reads "@" as HEAD's branch; we refuse it outright
    assert (valid_branch(name) is None) == _git_accepts_branch(name), name
