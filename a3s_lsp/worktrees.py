"""``a3s/worktree/*`` (and their commands) on the engine's ``git_worktree`` tool.

The wire names (``branch``, ``path``, ``base``, ``newBranch``, ``force``) are mapped to the tool's
arguments here, in one place, so a change to the tool's parameters touches only this module.
``remove`` also takes the branch, and finds the worktree that has it checked out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import convert
from .errors import InvalidParamsError

if TYPE_CHECKING:
    from . import wire
else:
    from ._lazy import wire

TOOL = "git_worktree"


async def create(session: Any, p: wire.WorktreeCreateParams) -> wire.ToolResult:
    args: dict[str, Any] = {"command": "create", "branch": p.branch, "new_branch": p.new_branch}
    if p.path is not None:
        args["path"] = p.path
    if p.base is not None:
        args["base"] = p.base
    return convert.tool_result(await session.tool_async(TOOL, args))


async def remove(session: Any, p: wire.WorktreeRemoveParams) -> wire.ToolResult:
    path = p.path
    if path is None:
        if p.branch is None:
            raise InvalidParamsError("a3s/worktree/remove: give the worktree's path or its branch")
        listed = await session.tool_async(TOOL, {"command": "list"})
        trees = [t for t in listed.metadata.get("worktrees", []) if t.get("branch") == p.branch]
        if listed.is_error or not trees:
            return convert.tool_result(listed) if listed.is_error else _no_worktree(p.branch)
        path = str(trees[-1]["path"])
    return convert.tool_result(
        await session.tool_async(TOOL, {"command": "remove", "path": path, "force": p.force})
    )


async def simple(session: Any, command: str) -> wire.ToolResult:
    """``list`` and ``status``: no arguments."""
    return convert.tool_result(await session.tool_async(TOOL, {"command": command}))


def _no_worktree(branch: str) -> wire.ToolResult:
    return wire.ToolResult(
        output=f"No worktree has branch {branch} checked out", is_error=True, exit_code=1, metadata={}
    )
