"""``a3s/session/*``: create, list, resume, save, close, cancel, send, steer; ``a3s/turn/diff``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import protocol as m
from ..errors import InvalidParamsError
from ._wire import method

if TYPE_CHECKING:
    from a3s_code.messages import ImageBlock

    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire


def register(server: A3SLanguageServer) -> None:
    @method(server, m.SESSION_CREATE, "SessionCreateParams")
    async def create(ls: A3SLanguageServer, p: wire.SessionCreateParams) -> wire.SessionOpened:
        hosted = await ls.sessions.create(
            p.workspace,
            p.model,
            p.session_id,
            planning=p.planning,
            goal_tracking=p.goal_tracking,
            roots=p.roots,
        )
        return hosted.opened()

    @method(server, m.SESSION_LIST, "Empty")
    def list_(ls: A3SLanguageServer, p: wire.Empty) -> wire.SessionList:
        return wire.SessionList(sessions=[h.summary() for h in ls.sessions.list()])

    @method(server, m.SESSION_RESUME, "SessionResumeParams")
    async def resume(ls: A3SLanguageServer, p: wire.SessionResumeParams) -> wire.SessionOpened:
        return (await ls.sessions.resume(p.session_id, p.workspace)).opened()

    @method(server, m.SESSION_SAVE, "SessionRef")
    async def save(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.SessionSaved:
        return await ls.sessions.save(p.session_id)

    @method(server, m.SESSION_CLOSE, "SessionRef")
    async def close(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.Closed:
        return wire.Closed(closed=await ls.sessions.close(p.session_id))

    @method(server, m.SESSION_CANCEL, "SessionRef")
    def cancel(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.Cancelled:
        return wire.Cancelled(cancelled=ls.sessions.cancel(p.session_id))

    @method(server, m.TURN_DIFF, "TurnDiffParams")
    def turn_diff(ls: A3SLanguageServer, p: wire.TurnDiffParams) -> wire.TurnDiff:
        from ..turndiff import turn_diff as diff_of

        return diff_of(ls.sessions.get(p.session_id).session, p.turn_id)

    @method(server, m.SESSION_SEND, "SessionSendParams")
    async def send(ls: A3SLanguageServer, p: wire.SessionSendParams) -> wire.TurnResult:
        return await ls.sessions.send(p.session_id, p.prompt, p.turn_id, images(p.attachments))

    @method(server, m.SESSION_STEER, "SessionSteerParams")
    def steer(ls: A3SLanguageServer, p: wire.SessionSteerParams) -> wire.Steered:
        return ls.sessions.steer(p.session_id, p.text)


def images(attachments: list[wire.Attachment] | None) -> list[ImageBlock] | None:
    """``attachments: [{mediaType?, data}]`` (base64 images, as pasted in an editor) -> image blocks."""
    if not attachments:
        return None
    import base64
    import binascii

    from a3s_code.attachments import Attachment

    blocks = []
    for index, item in enumerate(attachments):
        try:
            decoded = base64.b64decode(item.data, validate=True)
        except binascii.Error as exc:
            raise InvalidParamsError(
                f"{m.SESSION_SEND}: attachments.{index}.data is not base64: {exc}"
            ) from None
        blocks.append(Attachment(decoded, item.media_type).to_block())
    return blocks
