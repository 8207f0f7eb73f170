"""``a3s/turn/diff`` and ``a3s/turn/diffReady``: the aggregate diff of everything a turn changed.

Each hosted session's file system is wrapped in the engine's ``review.TurnChangeRecorder``; the turn
runner starts and ends its recording, and at the end of a turn that changed files the client gets
``a3s/turn/diffReady`` (the same shape as ``a3s/turn/diff``'s result), which VS Code offers as one
multi-file review.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidParamsError
from .protocol import TURN_DIFF, TURN_DIFF_READY
from .uris import path_to_uri
from .wire import TurnDiff, TurnFileDiff, dump

if TYPE_CHECKING:
    from a3s_code.review import TurnChangeRecorder

    from .server import A3SLanguageServer


def recording(inner: Any) -> TurnChangeRecorder:
    """``inner`` (the daemon's file system) with each turn's changes recorded."""
    from a3s_code.review import TurnChangeRecorder

    return TurnChangeRecorder(inner)


def turn_diff(session: Any, turn_id: str | None) -> TurnDiff:
    """What ``turn_id`` (default: the latest turn) of ``session`` changed, per file.

    Raises InvalidParamsError for a turn the session has not run or no longer keeps (the last 20).
    """
    from a3s_code.review import TurnChangeRecorder, UnknownTurnError

    recorder = session.fs
    if not isinstance(recorder, TurnChangeRecorder):
        raise InvalidParamsError(f"{TURN_DIFF}: this session does not record its turns' changes")
    key = turn_id if turn_id is not None else recorder.last_turn
    try:
        files = recorder.changes(Path(session.workspace), key)
    except UnknownTurnError as exc:
        raise InvalidParamsError(f"{TURN_DIFF}: {exc}") from None
    return TurnDiff(
        session_id=session.session_id,
        turn_id=key or "",
        files=[
            TurnFileDiff(
                file=f.shown,
                uri=path_to_uri(f.path),
                diff=f.diff,
                created=f.created,
                deleted=f.deleted,
                before=f.before,
                after=f.after,
            )
            for f in files
        ],
    )


def begin(session: Any, turn_id: str) -> None:
    from a3s_code.review import TurnChangeRecorder

    if isinstance(session.fs, TurnChangeRecorder):
        session.fs.begin(turn_id)


def finish(server: A3SLanguageServer, session: Any, turn_id: str) -> None:
    """End the turn's recording; tell the client what it changed, if anything."""
    from a3s_code.review import TurnChangeRecorder

    if not isinstance(session.fs, TurnChangeRecorder):
        return
    session.fs.end()
    result = turn_diff(session, turn_id)
    if result.files:
        server.protocol.notify(TURN_DIFF_READY, dump(result))
