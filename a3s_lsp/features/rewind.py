"""``a3s/session/rewind``, ``a3s/session/fork`` and ``a3s/session/checkpoints`` (docs/rewind.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import protocol as m
from ..errors import SessionBusyError
from ._wire import method

if TYPE_CHECKING:
    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire


def register(server: A3SLanguageServer) -> None:
    @method(server, m.SESSION_REWIND, "SessionRewindParams")
    async def rewind(ls: A3SLanguageServer, p: wire.SessionRewindParams) -> wire.RewindResult:
        hosted = ls.sessions.get(p.session_id)
        if hosted.running:
            raise SessionBusyError(f"session {p.session_id} is running a turn; cancel it first")
        report = await hosted.session.rewind_async(p.turn_id, files=p.files, conversation=p.conversation)
        return wire.RewindResult(
            session_id=p.session_id,
            turn=report.turn,
            turn_id=report.turn_id,
            restored=report.restored,
            conflicts=report.conflicts,
            failed=report.failed,
            messages_removed=report.messages_removed,
        )

    @method(server, m.SESSION_FORK, "SessionForkParams")
    async def fork(ls: A3SLanguageServer, p: wire.SessionForkParams) -> wire.SessionOpened:
        hosted = await ls.sessions.fork(p.session_id, p.turn_id, p.new_session_id)
        return hosted.opened()

    @method(server, m.SESSION_CHECKPOINTS, "SessionRef")
    def checkpoints(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.CheckpointList:
        session = ls.sessions.get(p.session_id).session
        turns = [
            wire.TurnCheckpoint(
                turn=record.turn,
                turn_id=record.turn_id,
                prompt=record.prompt,
                started_at=record.started_at,
                files=[session.relative_path(path) for path in record.files],
            )
            for record in session.checkpoints.turns
        ]
        return wire.CheckpointList(session_id=p.session_id, turns=turns)
