"""``a3s/command`` (slash commands), ``a3s/tool`` (direct tool calls) and ``a3s/worktree/*``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import convert
from .. import protocol as m
from ..params import Params

if TYPE_CHECKING:
    from ..server import A3SLanguageServer

WORKTREE_TOOL = "git_worktree"


def register(server: A3SLanguageServer) -> None:
    @server.feature(m.COMMAND)
    async def command(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.COMMAND)
        text = p.string("command")
        hosted = ls.sessions.get(p.string("sessionId"))
        out = await hosted.session.command_async(text if text.startswith("/") else f"/{text}")
        return {"text": out.text, "action": out.action}

    @server.feature(m.TOOL)
    async def tool(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.TOOL)
        hosted = ls.sessions.get(p.string("sessionId"))
        result = await hosted.session.tool_async(p.string("tool"), p.dict("args"))
        return convert.tool_result(result)

    for method, action in (
        (m.WORKTREE_CREATE, "create"),
        (m.WORKTREE_LIST, "list"),
        (m.WORKTREE_REMOVE, "remove"),
        (m.WORKTREE_STATUS, "status"),
    ):
        server.feature(method)(_worktree_handler(method, action))


def _worktree_handler(method: str, action: str) -> Any:
    async def worktree(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, method)
        hosted = ls.sessions.get(p.string("sessionId"))
        args = {k: v for k, v in p.raw.items() if k != "sessionId"}
        result = await hosted.session.tool_async(WORKTREE_TOOL, {**args, "command": action})
        return convert.tool_result(result)

    return worktree
