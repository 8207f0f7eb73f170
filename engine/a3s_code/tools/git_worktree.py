"""git_worktree: create, list, remove and inspect git worktrees, for parallel work on branches.

Arguments never reach git as options: branch names are checked against git's own rules for a
branch (``git check-ref-format --branch``: see ``valid_branch``), every positional argument follows
``--``, and a worktree lives beside the repository (a sibling folder), nowhere else on disk.
``list`` and ``status`` only read, so with no rule naming them they run without asking.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator

from ..errors import ToolError
from .base import Tool, ToolContext, ToolParams, ToolResult

_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def valid_branch(name: str) -> str | None:
    """None when ``name`` is a branch name git accepts, else why not.

    The rules of ``git check-ref-format`` (git-check-ref-format(1)) applied to ``refs/heads/<name>``,
    plus what ``--branch`` adds: a branch never starts with ``-`` (git would read it as an option:
    ``-Bfeature`` is ``-B feature``) and is never ``HEAD``.
    """
    if not name:
        return "a branch name cannot be empty"
    if name.startswith("-"):
        return "a branch name cannot start with '-'"
    if name == "HEAD" or name == "@":
        return f"{name!r} is not a branch name"
    if _REF_FORBIDDEN.search(name):
        return "a branch name cannot contain spaces, control characters or any of ~ ^ : ? * [ \\"
    if ".." in name or "@{" in name or "//" in name:
        return "a branch name cannot contain '..', '@{' or '//'"
    if name.endswith(("/", ".")) or name.startswith("/"):
        return "a branch name cannot start with '/' or end with '/' or '.'"
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "no part of a branch name may start with '.' or end with '.lock'"
    return None


class GitWorktreeParams(ToolParams):
    command: Literal["create", "list", "remove", "status"] = Field(description="What to do")
    branch: str | None = Field(
        None,
        validation_alias=AliasChoices("branch", "name"),
        description="create: the branch to check out (new unless new_branch is false); "
        "remove: the worktree's branch or folder name (instead of path). Also accepted as 'name'.",
    )
    path: str | None = Field(
        None,
        description="The worktree folder, beside the repository; create defaults to ../<repo>-<branch>",
    )
    new_branch: bool = Field(True, description="create: make a new branch (git worktree add -b)")
    base: str = Field("HEAD", description="create: the commit the new branch starts from")
    force: bool = Field(False, description="remove: remove even with uncommitted changes")

    @field_validator("branch")
    @classmethod
    def _branch_is_a_ref(cls, value: str | None) -> str | None:
        if value is not None and (why := valid_branch(value)):
            raise ValueError(f"{why} (got {value!r})")
        return value

    @field_validator("base")
    @classmethod
    def _base_is_no_option(cls, value: str) -> str:
        if not value or value.startswith("-") or re.search(r"[\x00-\x20\x7f]", value):
            raise ValueError(f"base must name a commit (a branch, tag or hash), not {value!r}")
        return value


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


def _resolved(path: str) -> Path:
    return Path(path).resolve()


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
        "Manage git worktrees: create (a branch checked out in a folder beside the repository), list, "
        "remove (by branch or path), status. Worktrees live beside the repository, never elsewhere."
    )
    Params = GitWorktreeParams

    def read_only(self, params: GitWorktreeParams) -> bool:
        return params.command in ("list", "status")

    async def run(self, params: GitWorktreeParams, ctx: ToolContext) -> ToolResult:
        root = ctx.workspace
        code, top, _ = await git(root, "rev-parse", "--show-toplevel")
        if code != 0:
            raise ToolError(f"Not a git repository: {root}")
        repo = _resolved(top.strip())
        if params.command == "list":
            return await self._list(repo)
        if params.command == "status":
            return await self._status(root)
        if params.command == "create":
            return await self._create(repo, params)
        return await self._remove(repo, params)

    @staticmethod
    def _beside(repo: Path, raw: str) -> Path:
        """``raw`` (relative to the repository) resolved; refused unless it is a sibling of it."""
        if "\0" in raw:
            raise ToolError("the worktree path contains a NUL byte")
        path = Path(raw).expanduser()
        path = (path if path.is_absolute() else repo / path).resolve()
        if path.parent != repo.parent or path == repo:
            raise ToolError(
                f"refusing worktree path {path}: worktrees live beside the repository, "
                f"directly in {repo.parent} (for example ../{repo.name}-feature)"
            )
        return path

    async def _create(self, repo: Path, params: GitWorktreeParams) -> ToolResult:
        if not params.branch:
            raise ToolError("create needs a branch (or name)")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", params.branch).strip("-.") or "worktree"
        path = self._beside(repo, params.path or f"../{repo.name}-{safe}")
        if params.new_branch:
            args = ["worktree", "add", "-b", params.branch, "--", str(path), params.base]
        else:
            args = ["worktree", "add", "--", str(path), params.branch]
        await _checked(repo, *args)
        return ToolResult(
            f"Created worktree at: {path}\nBranch: {params.branch}",
            metadata={"path": str(path), "branch": params.branch},
        )

    async def _remove(self, repo: Path, params: GitWorktreeParams) -> ToolResult:
        trees = parse_worktrees(await _checked(repo, "worktree", "list", "--porcelain"))
        main, linked = (trees[0] if trees else None), trees[1:]
        if params.path:
            path = self._beside(repo, params.path)
            found = [t for t in linked if _resolved(t["path"]) == path]
        elif params.branch:
            name = params.branch
            found = [t for t in linked if name in (t["branch"], Path(t["path"]).name)]
            found = found or [t for t in linked if Path(t["path"]).name == f"{repo.name}-{name}"]
        else:
            raise ToolError("remove needs the worktree's branch (or name) or its path")
        if not found:
            known = ", ".join(f"{t['path']} [{t['branch'] or 'detached'}]" for t in linked) or "none"
            main_note = f" ({main['path']} is the main worktree and is never removed)" if main else ""
            raise ToolError(f"no linked worktree matches; linked worktrees: {known}{main_note}")
        target = str(found[0]["path"])
        await _checked(repo, "worktree", "remove", *(["--force"] if params.force else []), "--", target)
        return ToolResult(f"Removed worktree: {target}", metadata={"path": target})

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
