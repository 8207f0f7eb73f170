"""``/rewind`` in the REPL: list the turns that changed files, or rewind to before one (docs/rewind.md).

Handled by the REPL itself, not as a session slash command: those run inside a turn, and a
session is not rewound while a turn runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..rewind import RewindError

if TYPE_CHECKING:
    from ..session import Session
    from .render import Renderer

USAGE = "  /rewind [N] [files|chat]  List turns, or undo turn N and later ones (files and conversation)"
_SCOPES = {"": (True, True), "files": (True, False), "chat": (False, True), "conversation": (False, True)}


def is_rewind(text: str) -> bool:
    return text == "/rewind" or text.startswith("/rewind ")


async def rewind_command(session: Session, text: str, r: Renderer) -> None:
    """``/rewind`` lists; ``/rewind 3`` undoes turn 3 on; ``files`` or ``chat`` limits what is undone."""
    args = text.split()[1:]
    if not args:
        _list(session, r)
        return
    scope = args[1] if len(args) > 1 else ""
    if scope not in _SCOPES or len(args) > 2:
        r.line(r.style("usage: /rewind [N] [files|chat]", "yellow"))
        return
    files, conversation = _SCOPES[scope]
    try:
        report = await session.rewind_async(args[0], files=files, conversation=conversation)
    except RewindError as exc:
        r.line(r.style(str(exc), "red"))
        return
    r.line(f"Rewound to before turn {report.turn}.")
    for path in report.restored:
        r.line(f"  restored  {path}")
    for path in report.conflicts:
        r.line(r.style(f"  kept      {path} (changed after the agent's edit)", "yellow"))
    for path, why in report.failed.items():
        r.line(r.style(f"  failed    {path}: {why}", "red"))
    if conversation:
        r.line(r.style(f"  {report.messages_removed} message(s) removed from the conversation", "dim"))


def _list(session: Session, r: Renderer) -> None:
    turns = session.checkpoints.turns
    if not turns:
        r.line("No checkpoints yet.")
        return
    for record in turns:
        when = datetime.fromtimestamp(record.started_at).strftime("%H:%M:%S")
        prompt = " ".join(record.prompt.split())[:60]
        files = ", ".join(session.relative_path(p) for p in record.files) or "no files"
        r.line(f"  {record.turn:>3}  {when}  {prompt}  " + r.style(f"({files})", "dim"))
    r.line(r.style("/rewind N undoes turn N and later ones", "dim"))
