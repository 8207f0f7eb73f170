"""The notifications that carry engine events (``a3s/event``, ``a3s/team/progress``).

Apart from ``wire.py`` because the engine's event models take a while to import: they load with the
first turn, not with ``initialize``.
"""

from __future__ import annotations

from a3s_code.events import AgentEvent
from a3s_code.team.events import TeamEvent

from .wire import Wire


class EventNotification(Wire):
    """``a3s/event``: one engine event of a session's turn (the event keeps its snake_case fields)."""

    session_id: str
    turn_id: str
    event: AgentEvent


class TeamProgressNotification(Wire):
    """``a3s/team/progress``: one event of an agent team's run."""

    run_id: str
    event: TeamEvent
