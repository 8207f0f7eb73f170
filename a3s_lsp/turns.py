"""One running turn as the client sees it: coalesced ``a3s/event`` notifications and ``$/progress``.

Imported with the first turn (it loads the engine's event models), not with ``initialize``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from a3s_code.events import (
    AgentEvent,
    ConfirmationRequired,
    ExternalTaskPending,
    StepStart,
    SubagentStart,
    TextDelta,
    ThinkingDelta,
    ToolEnd,
    ToolStart,
)

from .protocol import EVENT
from .wire import dump
from .wire_events import EventNotification

if TYPE_CHECKING:
    from .server import A3SLanguageServer

log = logging.getLogger(__name__)


class EventForwarder:
    """Sends each engine event as ``a3s/event``; runs of deltas are joined for ``coalesce_ms``.

    Events stay the engine's typed models until ``_send`` serialises them.
    """

    def __init__(self, server: A3SLanguageServer, session_id: str, turn_id: str, coalesce_ms: int) -> None:
        self._server = server
        self._session_id = session_id
        self._turn_id = turn_id
        self._delay = max(coalesce_ms, 0) / 1000
        self._kind: type[TextDelta] | type[ThinkingDelta] | None = None
        self._parts: list[str] = []
        self._timer: asyncio.TimerHandle | None = None

    def push(self, event: AgentEvent) -> None:
        if isinstance(event, (TextDelta, ThinkingDelta)):
            if self._kind is not type(event):
                self.flush()
            self._kind = type(event)
            self._parts.append(event.text)
            if self._delay == 0:
                self.flush()
            elif self._timer is None:
                self._timer = asyncio.get_running_loop().call_later(self._delay, self.flush)
            return
        self.flush()
        self._send(event)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._kind is not None and self._parts:
            self._send(self._kind(text="".join(self._parts)))
        self._kind, self._parts = None, []

    def _send(self, event: AgentEvent) -> None:
        notification = EventNotification(session_id=self._session_id, turn_id=self._turn_id, event=event)
        self._server.protocol.notify(EVENT, dump(notification))


class TurnProgress:
    """Work-done progress for a turn: begin, a report naming each tool at work, end.

    Cancelling the progress in the editor cancels the turn.
    """

    def __init__(self, server: A3SLanguageServer, turn_id: str, on_cancel: Any) -> None:
        self._server = server
        self._token = f"a3s-turn-{turn_id}"
        self._on_cancel = on_cancel
        self._active = False

    async def begin(self, title: str) -> None:
        if not self._server.supports_progress():
            return
        progress = self._server.work_done_progress
        try:
            await asyncio.wait_for(progress.create_async(self._token), 5)
        except Exception as exc:
            log.info("the client did not create progress %s: %s", self._token, exc)
            return
        self._active = True
        future = progress.tokens.get(self._token)
        if future is not None:
            future.add_done_callback(lambda f: self._on_cancel() if f.cancelled() else None)
        progress.begin(self._token, types.WorkDoneProgressBegin(title=title, cancellable=True))

    def on_event(self, event: AgentEvent) -> None:
        if not self._active:
            return
        if isinstance(event, ToolStart):
            message = f"Running {event.tool_name}"
        elif isinstance(event, ToolEnd):
            message = "Thinking"
        elif isinstance(event, ConfirmationRequired):
            message = f"Waiting for confirmation: {event.tool_name}"
        elif isinstance(event, StepStart):
            message = f"Step {event.step_number}/{event.total_steps}: {event.description}"
        elif isinstance(event, SubagentStart):
            message = f"Delegated to {event.agent}: {event.description}"
        elif isinstance(event, ExternalTaskPending) and event.mode == "external":
            message = f"Waiting for an external worker: {event.command_type}"
        else:
            return
        self._server.work_done_progress.report(self._token, types.WorkDoneProgressReport(message=message))

    def end(self, message: str) -> None:
        if not self._active:
            return
        self._active = False
        progress = self._server.work_done_progress
        progress.end(self._token, types.WorkDoneProgressEnd(message=message))
        progress.tokens.pop(self._token, None)
