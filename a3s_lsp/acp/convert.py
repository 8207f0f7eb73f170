"""Engine events and history as ACP ``session/update`` payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from acp import (
    start_tool_call,
    text_block,
    tool_content,
    tool_diff_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_tool_call,
    update_user_message_text,
)
from acp.schema import PlanEntry, ToolCallLocation, ToolKind

from a3s_code.events import (
    AgentEvent,
    ConfirmationReceived,
    ConfirmationRequired,
    ErrorEvent,
    PlanningEnd,
    StepEnd,
    StepStart,
    SubagentEvent,
    TextDelta,
    ThinkingDelta,
    ToolEnd,
    ToolStart,
)
from a3s_code.messages import Message, TextBlock, ToolResultBlock, ToolUseBlock

_KINDS: dict[str, ToolKind] = {
    "read": "read",
    "write": "edit",
    "edit": "edit",
    "patch": "edit",
    "grep": "search",
    "glob": "search",
    "ls": "search",
    "bash": "execute",
    "web_fetch": "fetch",
    "web_search": "fetch",
}
STOP_REASONS = {"end_turn": "end_turn", "command": "end_turn", "cancelled": "cancelled"}
STOP_REASONS["max_tool_rounds"] = "max_turn_requests"


def tool_kind(name: str) -> ToolKind:
    return _KINDS.get(name, "other")


def tool_title(name: str, args: dict[str, Any]) -> str:
    for key in ("command", "file_path", "path", "pattern", "url", "query"):
        if isinstance(args.get(key), str):
            return f"{name} {' '.join(str(args[key]).split())[:120]}"
    return f"{name} {json.dumps(args)[:120]}"


def _locations(args: dict[str, Any], workspace: Path) -> list[ToolCallLocation] | None:
    raw = args.get("file_path") or args.get("path")
    if not isinstance(raw, str):
        return None
    return [ToolCallLocation(path=str((workspace / raw).resolve()))]


def event_updates(
    event: AgentEvent, workspace: Path, writes: dict[Path, tuple[str | None, str]]
) -> list[Any]:
    """The updates one engine event becomes (often none)."""
    if isinstance(event, TextDelta):
        return [update_agent_message_text(event.text)]
    if isinstance(event, ThinkingDelta):
        return [update_agent_thought_text(event.text)]
    if isinstance(event, ToolStart):
        return [
            start_tool_call(
                event.tool_id,
                tool_title(event.tool_name, event.args),
                kind=tool_kind(event.tool_name),
                status="in_progress",
                locations=_locations(event.args, workspace),
                raw_input=event.args,
            )
        ]
    if isinstance(event, ToolEnd):
        content: list[Any] = [tool_content(text_block(event.output))]
        shown = event.metadata.get("file_path")
        if isinstance(shown, str):
            path = (workspace / shown).resolve()
            if path in writes:
                before, after = writes.pop(path)
                content.insert(0, tool_diff_content(str(path), after, before))
        return [
            update_tool_call(
                event.tool_id,
                status="completed" if event.exit_code == 0 else "failed",
                content=content,
                raw_output=event.output,
            )
        ]
    if isinstance(event, SubagentEvent) and isinstance(event.event, (ToolStart, ToolEnd)):
        return event_updates(event.event, workspace, writes)  # a sub-agent's tools, as tool calls of the turn
    if isinstance(event, ErrorEvent) and not event.recoverable:
        return [update_agent_message_text(f"\n\nerror: {event.message}")]
    if isinstance(event, PlanningEnd):
        return [_plan(list(event.plan.get("steps", [])))]
    return []


class OpenCalls:
    """The tool calls of a turn announced to the client and not yet finished.

    ACP clients show a call as running until a ``tool_call_update`` with a final status arrives; a
    call waiting for the user's permission is ``pending``, and goes back to ``in_progress`` once
    allowed."""

    def __init__(self) -> None:
        self.open: set[str] = set()

    def track(self, event: AgentEvent, updates: list[Any]) -> list[Any]:
        inner = event.event if isinstance(event, SubagentEvent) else event
        if isinstance(inner, ToolStart):
            self.open.add(inner.tool_id)
        elif isinstance(inner, ToolEnd):
            self.open.discard(inner.tool_id)
        elif isinstance(inner, ConfirmationRequired) and inner.tool_id in self.open:
            updates = [*updates, update_tool_call(inner.tool_id, status="pending")]
        elif (
            isinstance(inner, ConfirmationReceived)
            and inner.tool_id in self.open
            and inner.decision in ("allow", "allow_session")
        ):
            updates = [*updates, update_tool_call(inner.tool_id, status="in_progress")]
        return updates

    def close(self, why: str) -> list[Any]:
        """A final ``failed`` update for every call still open (the turn was cancelled or failed)."""
        ends = [
            update_tool_call(tool_id, status="failed", content=[tool_content(text_block(f"not run: {why}"))])
            for tool_id in sorted(self.open)
        ]
        self.open.clear()
        return ends


def _plan(steps: list[Any]) -> Any:
    return PlanTracker().start(steps)


class PlanTracker:
    """The turn's plan as ACP ``plan`` updates (each one the whole plan, as the spec asks): all steps
    pending when planning ends, a step ``in_progress`` at ``step_start``, ``completed`` at
    ``step_end`` (a failed step is ``completed`` with "(failed)" after its text: ACP has no failed
    status for plan entries)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.entries: dict[str, PlanEntry] = {}

    def start(self, steps: list[Any]) -> Any:
        from acp import update_plan

        self.ids, self.entries = [], {}
        for n, step in enumerate(steps):  # the planner's steps as JSON (``planning.PlanStep``)
            text = step.get("description") or str(step) if isinstance(step, dict) else str(step)
            status = str(step.get("status", "pending")) if isinstance(step, dict) else "pending"
            status = {"done": "completed", "running": "in_progress"}.get(status, status)
            if status not in ("pending", "in_progress", "completed"):
                status = "pending"
            key = str(step.get("id", n)) if isinstance(step, dict) else str(n)
            self.ids.append(key)
            self.entries[key] = PlanEntry(content=str(text), priority="medium", status=status)  # type: ignore[arg-type]
        return update_plan([self.entries[k] for k in self.ids])

    def updates(self, event: AgentEvent) -> list[Any]:
        from acp import update_plan

        if isinstance(event, PlanningEnd):  # ``event_updates`` sends this plan; remember it
            self.start(list(event.plan.get("steps", [])))
            return []
        if isinstance(event, (StepStart, StepEnd)) and event.step_id in self.entries:
            entry = self.entries[event.step_id]
            if isinstance(event, StepStart):
                entry = entry.model_copy(update={"status": "in_progress"})
            else:
                suffix = " (failed)" if event.status == "failed" else ""
                entry = entry.model_copy(update={"status": "completed", "content": entry.content + suffix})
            self.entries[event.step_id] = entry
            return [update_plan([self.entries[k] for k in self.ids])]
        return []


def history_updates(history: list[Message]) -> list[Any]:
    """Replay for ``session/load``: user and agent text, and each tool call with its result."""
    updates: list[Any] = []
    for message in history:
        for block in message.content:
            if isinstance(block, TextBlock):
                make = update_user_message_text if message.role == "user" else update_agent_message_text
                updates.append(make(block.text))
            elif isinstance(block, ToolUseBlock):
                updates.append(
                    start_tool_call(
                        block.id,
                        tool_title(block.name, block.input),
                        kind=tool_kind(block.name),
                        status="in_progress",
                        raw_input=block.input,
                    )
                )
            elif isinstance(block, ToolResultBlock):
                updates.append(
                    update_tool_call(
                        block.tool_use_id,
                        status="failed" if block.is_error else "completed",
                        content=[tool_content(text_block(block.content))],
                    )
                )
    return updates
