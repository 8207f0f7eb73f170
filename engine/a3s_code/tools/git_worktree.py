"""git_worktree: create, list, remove and inspect git worktrees, for parallel work on branches."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from ..errors import ToolError
from .base import Tool, ToolContext, ToolParams, ToolResult


class GitWorktreeParams(ToolParams):
    command: Literal["create", "list", "remove", "status"] = Field(description="What to do")
    branch: str | None = Field(None, description="Branch for create (required there)")
    path: str | None = Field(
        None, description="Worktree folder; create defaults to ../<repo>-<branch>, remove requires it"
    )
    new_branch: bool = Field(True, description="create: make a new branch (git worktree add -b)")
    base: str = Field("HEAD", description="create: the commit the new branch starts from")
    force: bool = Field(False, description="remove: remove even with uncommitted changes")


async def git(cwd: Path, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        "git",
        *args,
        cwd=str(cwd),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace")


async def _checked(cwd: Path, *args: str) -> str:
    code, out, err = await git(cwd, *args)
    if code != 0:
        raise ToolError(f"git {' '.join(args)} failed: {err.strip() or out.strip()}")
    return out


def parse_worktrees(porcelain: str) -> list[dict[str, Any]]:
    trees: list[dict[str, Any]] = []
    for chunk in porcelain.strip().split("\n\n"):
        entry: dict[str, Any] = {"path": "", "branch": None, "head": None, "bare": False, "detached": False}
        for line in chunk.splitlines():
            key, _, value = line.partition(" ")
            if key == "worktree":
                entry["path"] = value
            elif key == "HEAD":
                entry["head"] = value
            elif key == "branch":
                entry["branch"] = value.removeprefix("refs/heads/")
            elif key in ("bare", "detached"):
                entry[key] = True
        if entry["path"]:
            trees.append(entry)
    return trees


class GitWorktreeTool(Tool[GitWorktreeParams]):
    name = "git_worktree"
    description = (
        "Manage git worktrees: create (a new branch checked out in a sibling folder), list, remove, status. "
        "Worktrees live outside the workspace by design; paths inside .git are refused."
    )
    Params = GitWorktreeParams

    async def run(self, params: GitWorktreeParams, ctx: ToolContext) -> ToolResult:
        root = ctx.workspace
        code, top, _ = await git(root, "rev-parse", "--show-toplevel")
        if code != 0:
            raise ToolError(f"Not a git repository: {root}")
        repo = Path(top.strip())
        if params.command == "list":
            return await self._list(repo)
        if params.command == "status":
            return await self._status(root)
        if params.command == "create":
            return await self._create(repo, params)
        return await self._remove(repo, params)

    @staticmethod
    def _target(repo: Path, raw: str) -> Path:
        path = Path(raw).expanduser()
        path = (path if path.is_absolute() else repo / path).resolve()
        if ".git" in path.parts:
            raise ToolError(f"refusing a worktree path inside .git: {path}")
        return path

    async def _create(self, repo: Path, params: GitWorktreeParams) -> ToolResult:
        if not params.branch:
            raise ToolError("create needs a branch")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", params.branch).strip("-") or "worktree"
        path = self._target(repo, params.path or f"../{repo.name}-{safe}")
        args = ["worktree", "add"]
        args += (
            ["-b", params.branch, str(path), params.base] if params.new_branch else [str(path), params.branch]
        )
        await _checked(repo, *args)
        return ToolResult(
            f"Created worktree at: {path}\nBranch: {params.branch}",
            metadata={"path": str(path), "branch": params.branch},
        )

    async def _remove(self, repo: Path, params: GitWorktreeParams) -> ToolResult:
        if not params.path:
            raise ToolError("remove needs the worktree path")
        path = self._target(repo, params.path)
        await _checked(repo, "worktree", "remove", *(["--force"] if params.force else []), str(path))
        return ToolResult(f"Removed worktree: {path}", metadata={"path": str(path)})

    async def _list(self, repo: Path) -> ToolResult:
        trees = parse_worktrees(await _checked(repo, "worktree", "list", "--porcelain"))
        lines = [f"Worktrees ({len(trees)}):"]
        lines += [
            f"  {t['path']}  [{t['branch'] or ('detached' if t['detached'] else 'bare')}]" for t in trees
        ]
        return ToolResult("\n".join(lines), metadata={"worktrees": trees})

    async def _status(self, cwd: Path) -> ToolResult:
        branch = (await _checked(cwd, "rev-parse", "--abbrev-ref", "HEAD")).strip()
        _, commit, _ = await git(cwd, "rev-parse", "--short", "HEAD")
        dirty = [line for line in (await _checked(cwd, "status", "--porcelain")).splitlines() if line.strip()]
        git_dir = (await _checked(cwd, "rev-parse", "--absolute-git-dir")).strip()
        is_worktree = "/worktrees/" in git_dir.replace("\\", "/")
        text = (
            f"Workspace: {cwd}\nBranch: {branch}\nCommit: {commit.strip() or '(none)'}\n"
            f"Status: {'clean' if not dirty else f'{len(dirty)} changed'}\nWorktree: {'yes' if is_worktree else 'no'}"
        )
        meta = {
            "branch": branch,
            "commit": commit.strip(),
            "is_worktree": is_worktree,
            "dirty_count": len(dirty),
        }
        return ToolResult(text, metadata=meta)
