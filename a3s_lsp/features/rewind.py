"""``a3s/session/rewind``, ``a3s/session/fork`` and ``a3s/session/checkpoints``, and their
``workspace/executeCommand`` mirrors ``a3s.session.rewind``/``fork``/``checkpoints`` (docs/rewind.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import protocol as m
from ..errors import SessionBusyError
from ._wire import method
from .commands import command, session_for

if TYPE_CHECKING:
    from .. import wire
    from ..server import A3SLanguageServer
    from ..sessions import HostedSession
else:
    from .._lazy import wire


def register(server: A3SLanguageServer) -> None:
    @method(server, m.SESSION_REWIND, "SessionRewindParams")
    async def rewind(ls: A3SLanguageServer, p: wire.SessionRewindParams) -> wire.RewindResult:
        return await _rewind(ls.sessions.get(p.session_id), p.turn_id, p.files, p.conversation)

    @method(server, m.SESSION_FORK, "SessionForkParams")
    async def fork(ls: A3SLanguageServer, p: wire.SessionForkParams) -> wire.SessionOpened:
        hosted = await ls.sessions.fork(p.session_id, p.turn_id, p.new_session_id)
        return hosted.opened()

    @method(server, m.SESSION_CHECKPOINTS, "SessionRef")
    def checkpoints(ls: A3SLanguageServer, p: wire.SessionRef) -> wire.CheckpointList:
        return _checkpoints(ls.sessions.get(p.session_id))

    @command(server, "a3s.session.rewind", "RewindCommand")
    async def rewind_command(ls: A3SLanguageServer, p: wire.RewindCommand) -> wire.RewindResult:
        return await _rewind(await session_for(ls, p), p.turn_id, p.files, p.conversation)

    @command(server, "a3s.session.fork", "ForkCommand")
    async def fork_command(ls: A3SLanguageServer, p: wire.ForkCommand) -> wire.SessionOpened:
        hosted = await session_for(ls, p)
        return (await ls.sessions.fork(hosted.session.session_id, p.turn_id)).opened()

    @command(server, "a3s.session.checkpoints", "Target")
    async def checkpoints_command(ls: A3SLanguageServer, p: wire.Target) -> wire.CheckpointList:
        return _checkpoints(await session_for(ls, p))


async def _rewind(
    hosted: HostedSession, turn: int | str, files: bool, conversation: bool
) -> wire.RewindResult:
    session = hosted.session
    if hosted.running:
        raise SessionBusyError(f"session {session.session_id} is running a turn; cancel it first")
    report = await session.rewind_async(turn, files=files, conversation=conversation)
    return wire.RewindResult(
        session_id=session.session_id,
        turn=report.turn,
        turn_id=report.turn_id,
        restored=report.restored,
        conflicts=report.conflicts,
        failed=report.failed,
        messages_removed=report.messages_removed,
    )


def _checkpoints(hosted: HostedSession) -> wire.CheckpointList:
    session = hosted.session
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
    return wire.CheckpointList(session_id=session.session_id, turns=turns)
