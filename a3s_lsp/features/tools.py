"""``a3s/command`` (slash commands), ``a3s/tool`` (direct tool calls) and ``a3s/worktree/*``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import convert, worktrees
from .. import protocol as m
from ._wire import method

if TYPE_CHECKING:
    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire


def register(server: A3SLanguageServer) -> None:
    @method(server, m.COMMAND, "CommandParams")
    async def command(ls: A3SLanguageServer, p: wire.CommandParams) -> wire.CommandResult:
        hosted = ls.sessions.get(p.session_id)
        text = p.command if p.command.startswith("/") else f"/{p.command}"
        out = await hosted.session.command_async(text)
        return wire.CommandResult(text=out.text, action=out.action)

    @method(server, m.TOOL, "ToolParams")
    async def tool(ls: A3SLanguageServer, p: wire.ToolParams) -> wire.ToolResult:
        hosted = ls.sessions.get(p.session_id)
        return convert.tool_result(await hosted.session.tool_async(p.tool, p.args))

    @method(server, m.WORKTREE_CREATE, "WorktreeCreateParams")
    async def worktree_create(ls: A3SLanguageServer, p: wire.WorktreeCreateParams) -> wire.ToolResult:
        return await worktrees.create(ls.sessions.get(p.session_id).session, p)

    @method(server, m.WORKTREE_REMOVE, "WorktreeRemoveParams")
    async def worktree_remove(ls: A3SLanguageServer, p: wire.WorktreeRemoveParams) -> wire.ToolResult:
        return await worktrees.remove(ls.sessions.get(p.session_id).session, p)

    @method(server, m.WORKTREE_LIST, "SessionRef")
    async def worktree_list(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.ToolResult:
        return await worktrees.simple(ls.sessions.get(p.session_id).session, "list")

    @method(server, m.WORKTREE_STATUS, "SessionRef")
    async def worktree_status(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.ToolResult:
        return await worktrees.simple(ls.sessions.get(p.session_id).session, "status")
