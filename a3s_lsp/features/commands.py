"""``workspace/executeCommand`` mirrors of the ``a3s/*`` methods, for clients without a plugin.

Each command takes one argument: an object with the same fields as the matching method, or, for
``a3s.prompt``, ``a3s.slash`` and ``a3s.session.cancel``/``close``, just the text. Without
``sessionId`` the default session of the workspace folder holding ``uri`` (or ``workspace``, else
the first folder) is used, created on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import convert, worktrees

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .. import wire
    from ..server import A3SLanguageServer
    from ..sessions import HostedSession
else:
    from .._lazy import wire

CREATE, LIST, CANCEL, CLOSE = (
    "a3s.session.create",
    "a3s.session.list",
    "a3s.session.cancel",
    "a3s.session.close",
)
PROMPT, SLASH, TOOL = "a3s.prompt", "a3s.slash", "a3s.tool"
WORKTREE = {f"a3s.worktree.{action}": action for action in ("create", "list", "remove", "status")}
ALL = [CREATE, LIST, CANCEL, CLOSE, PROMPT, SLASH, TOOL, *WORKTREE]
P = TypeVar("P", bound="BaseModel")


def argument(model: str, args: tuple[Any, ...], command: str, text_field: str | None = None) -> Any:
    """The command's one argument as ``model`` (a plain string fills ``text_field``)."""
    first = args[0] if args else None
    if isinstance(first, str) and text_field is not None:
        first = {text_field: first}
    return wire.params_of(getattr(wire, model), first, command)


async def session_for(ls: A3SLanguageServer, target: wire.Target) -> HostedSession:
    if target.session_id is not None:
        return ls.sessions.get(target.session_id)
    return await ls.sessions.default(target.workspace, target.uri)


def command(
    server: A3SLanguageServer, name: str, model: str, text_field: str | None = None
) -> Callable[[Callable[[A3SLanguageServer, P], Any]], None]:
    def register(handler: Callable[[A3SLanguageServer, P], Any]) -> None:
        async def run(ls: A3SLanguageServer, *args: Any) -> Any:
            result = await handler(ls, argument(model, args, name, text_field))
            return wire.dump(result) if isinstance(result, wire.Wire) else result

        server.command(name)(run)

    return register


def register(server: A3SLanguageServer) -> None:
    @command(server, CREATE, "SessionCreateParams")
    async def create(ls: A3SLanguageServer, p: wire.SessionCreateParams) -> wire.SessionSummary:
        hosted = await ls.sessions.create(
            p.workspace, p.model, p.session_id, planning=p.planning, goal_tracking=p.goal_tracking
        )
        return hosted.summary()

    @command(server, LIST, "Empty")
    async def list_(ls: A3SLanguageServer, p: wire.Empty) -> wire.SessionList:
        return wire.SessionList(sessions=[h.summary() for h in ls.sessions.list()])

    @command(server, CANCEL, "CancelCommand", "sessionId")
    async def cancel(ls: A3SLanguageServer, p: wire.CancelCommand) -> wire.Cancelled:
        targets = [p.session_id] if p.session_id else [h.session.session_id for h in ls.sessions.list()]
        stopped = [ls.sessions.cancel(s) for s in targets]  # every one, not up to the first
        return wire.Cancelled(cancelled=any(stopped))

    @command(server, CLOSE, "SessionRef", "sessionId")
    async def close(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.Closed:
        return wire.Closed(closed=await ls.sessions.close(p.session_id))

    @command(server, PROMPT, "PromptCommand", "prompt")
    async def prompt(ls: A3SLanguageServer, p: wire.PromptCommand) -> wire.TurnResult:
        hosted = await session_for(ls, p)
        return await ls.sessions.send(hosted.session.session_id, p.prompt)

    @command(server, SLASH, "SlashCommand", "command")
    async def slash(ls: A3SLanguageServer, p: wire.SlashCommand) -> wire.SlashResult:
        hosted = await session_for(ls, p)
        out = await hosted.session.command_async(p.command if p.command.startswith("/") else f"/{p.command}")
        return wire.SlashResult(session_id=hosted.session.session_id, text=out.text, action=out.action)

    @command(server, TOOL, "ToolCommand")
    async def tool(ls: A3SLanguageServer, p: wire.ToolCommand) -> wire.ToolResult:
        hosted = await session_for(ls, p)
        return convert.tool_result(await hosted.session.tool_async(p.tool, p.args))

    @command(server, "a3s.worktree.create", "WorktreeCreateCommand")
    async def worktree_create(ls: A3SLanguageServer, p: wire.WorktreeCreateCommand) -> wire.ToolResult:
        fields = p.model_dump(exclude={"session_id", "workspace", "uri"})
        hosted = await session_for(ls, p)
        return await worktrees.create(hosted.session, wire.WorktreeCreateParams(session_id="", **fields))

    @command(server, "a3s.worktree.remove", "WorktreeRemoveCommand")
    async def worktree_remove(ls: A3SLanguageServer, p: wire.WorktreeRemoveCommand) -> wire.ToolResult:
        fields = p.model_dump(exclude={"session_id", "workspace", "uri"})
        hosted = await session_for(ls, p)
        return await worktrees.remove(hosted.session, wire.WorktreeRemoveParams(session_id="", **fields))

    @command(server, "a3s.worktree.list", "Target")
    async def worktree_list(ls: A3SLanguageServer, p: wire.Target) -> wire.ToolResult:
        return await worktrees.simple((await session_for(ls, p)).session, "list")

    @command(server, "a3s.worktree.status", "Target")
    async def worktree_status(ls: A3SLanguageServer, p: wire.Target) -> wire.ToolResult:
        return await worktrees.simple((await session_for(ls, p)).session, "status")
