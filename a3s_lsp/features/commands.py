"""``workspace/executeCommand`` mirrors of the ``a3s/*`` methods, for clients without a plugin.

Each command takes one argument: an object with the same fields as the matching method, or, for
``a3s.prompt`` and ``a3s.slash``, just the text. Without ``sessionId`` the workspace's default
session is used (created on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import convert
from ..params import Params
from .tools import WORKTREE_TOOL

if TYPE_CHECKING:
    from ..server import A3SLanguageServer
    from ..sessions import HostedSession

CREATE, LIST, CANCEL, CLOSE = (
    "a3s.session.create",
    "a3s.session.list",
    "a3s.session.cancel",
    "a3s.session.close",
)
PROMPT, SLASH, TOOL = "a3s.prompt", "a3s.slash", "a3s.tool"
WORKTREE = {f"a3s.worktree.{action}": action for action in ("create", "list", "remove", "status")}
ALL = [CREATE, LIST, CANCEL, CLOSE, PROMPT, SLASH, TOOL, *WORKTREE]


def _params(args: tuple[Any, ...], command: str, text_field: str | None = None) -> Params:
    first = args[0] if args else None
    if isinstance(first, str) and text_field is not None:
        first = {text_field: first}
    return Params(first, command)


async def _session(ls: A3SLanguageServer, p: Params) -> HostedSession:
    session_id = p.opt_str("sessionId")
    if session_id is not None:
        return ls.sessions.get(session_id)
    return await ls.sessions.default(p.opt_str("workspace"))


def register(server: A3SLanguageServer) -> None:
    @server.command(CREATE)
    async def create(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        p = _params(args, CREATE)
        hosted = await ls.sessions.create(p.opt_str("workspace"), p.opt_str("model"), p.opt_str("sessionId"))
        return hosted.summary()

    @server.command(LIST)
    def list_(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        return {"sessions": [h.summary() for h in ls.sessions.list()]}

    @server.command(CANCEL)
    def cancel(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        session_id = _params(args, CANCEL, "sessionId").opt_str("sessionId")
        targets = [session_id] if session_id else [h.session.session_id for h in ls.sessions.list()]
        return {"cancelled": any(ls.sessions.cancel(s) for s in targets)}

    @server.command(CLOSE)
    async def close(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        return {"closed": await ls.sessions.close(_params(args, CLOSE, "sessionId").string("sessionId"))}

    @server.command(PROMPT)
    async def prompt(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        p = _params(args, PROMPT, "prompt")
        hosted = await _session(ls, p)
        return await ls.sessions.send(hosted.session.session_id, p.string("prompt"))

    @server.command(SLASH)
    async def slash(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        p = _params(args, SLASH, "command")
        hosted = await _session(ls, p)
        text = p.string("command")
        out = await hosted.session.command_async(text if text.startswith("/") else f"/{text}")
        return {"sessionId": hosted.session.session_id, "text": out.text, "action": out.action}

    @server.command(TOOL)
    async def tool(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        p = _params(args, TOOL)
        hosted = await _session(ls, p)
        return convert.tool_result(await hosted.session.tool_async(p.string("tool"), p.dict("args")))

    for name, action in WORKTREE.items():
        server.command(name)(_worktree(name, action))


def _worktree(name: str, action: str) -> Any:
    async def worktree(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        p = _params(args, name)
        hosted = await _session(ls, p)
        fields = {k: v for k, v in p.raw.items() if k not in ("sessionId", "workspace")}
        result = await hosted.session.tool_async(WORKTREE_TOOL, {**fields, "command": action})
        return convert.tool_result(result)

    return worktree
