"""git_worktree against a real repository: create, list, status, remove, and the errors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from a3s_code.tools.base import ToolContext
from a3s_code.tools.git_worktree import GitWorktreeTool
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
