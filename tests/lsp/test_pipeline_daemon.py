"""The daemon's direct tool calls (``a3s/tool``, ``a3s/worktree/*``) go through the same pipeline as turns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.lsp.editor import Editor


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(project: Path) -> Path:
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", ".")
    _git(project, "commit", "-qm", "init")
    return project


async def test_worktree_requests_as_the_neovim_plugin_sends_them(editor: Editor, repo: Path) -> None:
    """``:A3SWorktree create feat-x`` / ``list`` / ``remove feat-x``: only ``create`` and ``remove`` ask."""
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    listed = await editor.request("a3s/worktree/list", {"sessionId": session})
    status = await editor.request("a3s/worktree/status", {"sessionId": session})
    assert not listed["isError"] and not status["isError"] and editor.confirmations == []
    created = await editor.request("a3s/worktree/create", {"sessionId": session, "branch": "feat-x"})
    assert not created["isError"], created["output"]
    target = repo.parent / f"{repo.name}-feat-x"
    assert Path(created["metadata"]["path"]) == target and len(editor.confirmations) == 1
    assert _git(target, "rev-parse", "--abbrev-ref", "HEAD") == "feat-x"
    removed = await editor.command("a3s.worktree.remove", {"sessionId": session, "branch": "feat-x"})
    assert not removed["isError"], removed["output"]
    assert not target.exists()  # noqa: ASYNC240


async def test_worktree_arguments_never_become_git_options_or_far_paths(editor: Editor, repo: Path) -> None:
    _git(repo, "branch", "feature")
    _git(repo, "checkout", "-q", "feature")
    (repo / "b.txt").write_text("work\n")  # noqa: ASYNC240
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "feature work")
    tip = _git(repo, "rev-parse", "feature")
    _git(repo, "checkout", "-q", "main")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    reset = await editor.request("a3s/worktree/create", {"sessionId": session, "branch": "-Bfeature"})
    assert reset["isError"] and "cannot start with '-'" in reset["output"]
    far = await editor.request(
        "a3s/worktree/create", {"sessionId": session, "branch": "x", "path": "/tmp/far-away"}
    )
    assert far["isError"] and "beside the repository" in far["output"]
    assert _git(repo, "rev-parse", "feature") == tip
    assert _git(repo, "worktree", "list").count("\n") == 0


async def test_a3s_tool_refuses_outside_paths_without_asking_and_remembers_allow_for_session(
    editor: Editor, project: Path
) -> None:
    (project.parent / "outside.txt").write_text("private\n")  # noqa: ASYNC240
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    outside = await editor.request(
        "a3s/tool", {"sessionId": session, "tool": "read", "args": {"file_path": "../outside.txt"}}
    )
    assert outside["isError"] and "outside the workspace" in outside["output"]
    assert "private" not in outside["output"] and editor.confirmations == []
    editor.decide = lambda _p: "allow_session"
    call = {"sessionId": session, "tool": "bash", "args": {"command": "echo once"}}
    first, second = await editor.request("a3s/tool", call), await editor.request("a3s/tool", call)
    assert first["output"].strip() == second["output"].strip() == "once"
    assert len(editor.confirmations) == 1
