"""``a3s/session/*``: create, list, resume, save, close, cancel, send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import protocol as m
from ..errors import A3SLspError
from ..params import Params

if TYPE_CHECKING:
    from ..server import A3SLanguageServer


def register(server: A3SLanguageServer) -> None:
    @server.feature(m.SESSION_CREATE)
    async def create(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_CREATE)
        hosted = await ls.sessions.create(p.opt_str("workspace"), p.opt_str("model"), p.opt_str("sessionId"))
        return {**hosted.summary(), "tools": hosted.session.tool_names()}

    @server.feature(m.SESSION_LIST)
    def list_(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        return {"sessions": [h.summary() for h in ls.sessions.list()]}

    @server.feature(m.SESSION_RESUME)
    async def resume(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_RESUME)
        hosted = await ls.sessions.resume(p.string("sessionId"), p.opt_str("workspace"))
        return {**hosted.summary(), "tools": hosted.session.tool_names()}

    @server.feature(m.SESSION_SAVE)
    async def save(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_SAVE)
        return await ls.sessions.save(p.string("sessionId"))

    @server.feature(m.SESSION_CLOSE)
    async def close(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_CLOSE)
        return {"closed": await ls.sessions.close(p.string("sessionId"))}

    @server.feature(m.SESSION_CANCEL)
    def cancel(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_CANCEL)
        return {"cancelled": ls.sessions.cancel(p.string("sessionId"))}

    @server.feature(m.SESSION_SEND)
    async def send(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_SEND)
        prompt = p.string("prompt")
        if not prompt.strip():
            raise A3SLspError("prompt is empty")
        return await ls.sessions.send(p.string("sessionId"), prompt, p.opt_str("turnId"))
