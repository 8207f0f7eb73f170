"""``a3s/session/*``: create, list, resume, save, close, cancel, send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import protocol as m
from ..errors import InvalidParamsError
from ..params import Params

if TYPE_CHECKING:
    from a3s_code.messages import ImageBlock

    from ..server import A3SLanguageServer


def register(server: A3SLanguageServer) -> None:
    @server.feature(m.SESSION_CREATE)
    async def create(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.SESSION_CREATE)
        hosted = await ls.sessions.create(
            p.opt_str("workspace"),
            p.opt_str("model"),
            p.opt_str("sessionId"),
            planning=p.opt_bool("planning"),
            goal_tracking=p.opt_bool("goalTracking"),
        )
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
            raise InvalidParamsError(f"{m.SESSION_SEND}: prompt is empty")
        images = _images(params.get("attachments") if isinstance(params, dict) else None)
        return await ls.sessions.send(p.string("sessionId"), prompt, p.opt_str("turnId"), images)


def _images(raw: Any) -> list[ImageBlock] | None:
    """``attachments: [{mediaType?, data}]`` (base64 images, as pasted in an editor) -> image blocks."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InvalidParamsError(f"{m.SESSION_SEND}: field 'attachments' must be an array")
    import base64
    import binascii

    from a3s_code.attachments import Attachment

    blocks = []
    for index, item in enumerate(raw):
        data = item.get("data") if isinstance(item, dict) else None
        if not isinstance(data, str):
            raise InvalidParamsError(f"{m.SESSION_SEND}: attachments[{index}] needs base64 'data'")
        try:
            decoded = base64.b64decode(data, validate=True)
        except binascii.Error as exc:
            raise InvalidParamsError(f"{m.SESSION_SEND}: attachments[{index}] is not base64: {exc}") from None
        media_type = item.get("mediaType")
        blocks.append(Attachment(decoded, media_type if isinstance(media_type, str) else None).to_block())
    return blocks or None
