"""Terminal output for the CLI: ANSI colours on a TTY, plain text when piped (logs, CI, pipes)."""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from ..events import (
    AgentEvent,
    CommandDeadLettered,
    CommandRetry,
    ConfirmationReceived,
    ContextCompacted,
    ErrorEvent,
    ExternalTaskPending,
    GoalAchieved,
    GoalExtracted,
    GoalProgress,
    PermissionDenied,
    PlanningEnd,
    QueueAlert,
    SecurityWarning,
    StepEnd,
    StepStart,
    SubagentEnd,
    SubagentEvent,
    SubagentStart,
    TextDelta,
    ThinkingDelta,
    ToolEnd,
    ToolOutput,
    ToolStart,
    TurnEnd,
)

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "cyan": "36"}


def wants_color(stream: IO[str], choice: str = "auto") -> bool:
    """``auto`` follows the terminal and the NO_COLOR / FORCE_COLOR conventions."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def _isatty(stream: IO[str]) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def short_args(args: dict[str, Any], limit: int = 80) -> str:
    """One line for a tool call: the main argument when there is one, else compact JSON."""
    for key in ("command", "file_path", "path", "pattern", "url", "query"):
        value = args.get(key)
        if isinstance(value, str):
            text = value
            break
    else:
        text = json.dumps(args, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Renderer:
    """Writes a turn's events as they arrive, so the answer streams rather than appearing at the end."""

    def __init__(
        self, out: IO[str] | None = None, color: bool | None = None, status: IO[str] | None = None
    ) -> None:
        self.out = out or sys.stdout
        self.status = status or self.out
        """Tool progress and statistics; one-shot mode sends them to stderr so stdout is the answer."""
        self.color = wants_color(self.status) if color is None else color
        self._open: set[int] = set()
        self._thinking = False
        self.animate = self.color and _isatty(self.status)
        """Spinners only on a real terminal: piped output stays free of carriage returns."""
        self._spinning = False

    def input_done(self) -> None:
        """The user pressed Enter after a prompt we wrote: the terminal's cursor is on a new line."""
        self._open.discard(id(self.status))

    def line_open(self) -> bool:
        return bool(self._open)

    def spinner(self, text: str) -> None:
        self.status.write("\r\x1b[K" + self.style(text, "dim"))
        self.status.flush()
        self._spinning = True

    def clear_spinner(self) -> None:
        if self._spinning:
            self.status.write("\r\x1b[K")
            self.status.flush()
            self._spinning = False

    def style(self, text: str, *names: str) -> str:
        if not self.color or not names:
            return text
        codes = ";".join(_CODES[n] for n in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def write(self, text: str, stream: IO[str] | None = None) -> None:
        target = stream or self.out
        target.write(text)
        target.flush()
        if text.endswith("\n"):
            self._open.discard(id(target))
        elif text:
            self._open.add(id(target))

    def line(self, text: str = "") -> None:
        """A status line of its own, after any streamed text that did not end its line."""
        if id(self.status) in self._open:
            self.write("\n", self.status)
        elif id(self.out) in self._open and _isatty(self.out):  # same terminal: keep lines apart
            self.write("\n")
        self.write(text + "\n", self.status)

    def finish(self) -> None:
        """End the answer's last line."""
        if id(self.out) in self._open:
            self.write("\n")

    def error(self, text: str) -> None:
        self.line(self.style(f"error: {text}", "red", "bold"))

    def event(self, event: AgentEvent) -> None:
        if isinstance(event, TextDelta):
            if self._thinking:
                self._thinking = False
                self.line()
            self.write(event.text)
        elif isinstance(event, ThinkingDelta):
            self._thinking = True
            self.write(self.style(event.text, "dim"), self.status)
        elif isinstance(event, ToolStart):
            self.line(self.style(f"⚙ {event.tool_name}", "cyan", "bold") + " " + short_args(event.args))
        elif isinstance(event, ToolOutput):
            self.write(self.style(event.delta, "dim"), self.status)
        elif isinstance(event, ToolEnd):
            self._tool_end(event)
        elif isinstance(event, ConfirmationReceived):
            if event.decision not in ("allow", "allow_session"):
                self.line(self.style(f"  not allowed ({event.decision})", "yellow"))
        elif isinstance(event, PermissionDenied):
            self.line(self.style(f"⛔ {event.tool_name} denied: {event.reason}", "yellow"))
        elif isinstance(event, SecurityWarning):
            self.line(self.style(f"⚠ {event.source}: {', '.join(event.findings)}", "yellow"))
        elif isinstance(event, ContextCompacted):
            self.line(
                self.style(
                    f"context compacted: {event.before_messages} → {event.after_messages} messages", "dim"
                )
            )
        elif isinstance(event, ErrorEvent):
            if event.recoverable:
                self.line(self.style(f"warning: {event.message}", "yellow"))
            else:
                self.error(event.message)
        elif isinstance(event, TurnEnd):
            self._turn_end(event)
        elif isinstance(event, (SubagentStart, SubagentEvent, SubagentEnd)):
            self._subagent(event)
        elif isinstance(event, (PlanningEnd, StepStart, StepEnd, GoalExtracted, GoalProgress, GoalAchieved)):
            self._planning(event)
        elif isinstance(event, (ExternalTaskPending, CommandRetry, CommandDeadLettered, QueueAlert)):
            self._queue(event)

    def _queue(self, event: ExternalTaskPending | CommandRetry | CommandDeadLettered | QueueAlert) -> None:
        """The lane queue speaks up only when something waits, repeats or is given up."""
        if isinstance(event, ExternalTaskPending):
            if event.mode == "external":
                text = f"  ⏳ {event.command_type} waits for an external worker (task {event.task_id})"
                self.line(self.style(text, "dim"))
        elif isinstance(event, CommandRetry):
            text = f"  retrying {event.command_type} in {event.delay_ms} ms ({event.error})"
            self.line(self.style(text, "yellow"))
        elif isinstance(event, CommandDeadLettered):
            self.line(self.style(f"  dead letter: {event.command_type}: {event.error}", "yellow"))
        else:
            self.line(self.style(f"queue: {event.message}", "yellow" if event.level == "warning" else "dim"))

    def _planning(
        self, event: PlanningEnd | StepStart | StepEnd | GoalExtracted | GoalProgress | GoalAchieved
    ) -> None:
        """The plan once, then a line as each step starts (or fails) and as the goal moves."""
        if isinstance(event, PlanningEnd):
            steps = event.plan.get("steps", [])
            self.line(self.style(f"plan: {len(steps)} step(s) in {len(event.waves)} wave(s)", "blue", "bold"))
            for n, step in enumerate(steps, 1):
                after = f" (after {', '.join(step['dependencies'])})" if step.get("dependencies") else ""
                self.line(self.style(f"  {n}. {step.get('description', '')}{after}", "blue"))
        elif isinstance(event, StepStart):
            text = f"▸ step {event.step_number}/{event.total_steps}: {event.description}"
            self.line(self.style(text, "blue", "bold"))
        elif isinstance(event, StepEnd):
            if event.status == "failed":
                self.line(self.style(f"✗ step {event.step_number} failed", "red"))
        elif isinstance(event, GoalExtracted):
            self.line(self.style(f"goal: {event.goal}", "dim"))
        elif isinstance(event, GoalProgress):
            self.line(self.style(f"goal: {event.progress:.0%} done", "dim"))
        else:
            self.line(self.style(f"goal achieved: {event.goal}", "green"))

    def _subagent(self, event: SubagentStart | SubagentEvent | SubagentEnd) -> None:
        """A child agent's tools, indented under the ``task`` call; its answer arrives as the task's output."""
        if isinstance(event, SubagentStart):
            self.line(self.style(f"  ↳ {event.agent}: {event.description}", "blue"))
        elif isinstance(event, SubagentEnd):
            mark = self.style("✓", "green") if event.success else self.style("✗", "red")
            self.line(f"  {mark} {event.agent} " + self.style(f"({event.tool_calls} tool call(s))", "dim"))
        elif isinstance(event.event, ToolStart):
            inner = event.event
            self.line("    " + self.style(f"⚙ {inner.tool_name}", "cyan") + " " + short_args(inner.args))
        elif isinstance(event.event, PermissionDenied):
            self.line(self.style(f"    ⛔ {event.event.tool_name} denied: {event.event.reason}", "yellow"))

    def _tool_end(self, event: ToolEnd) -> None:
        ok = event.exit_code == 0
        mark = self.style("✓", "green") if ok else self.style("✗", "red")
        lines = event.output.strip().splitlines()
        summary = lines[0] if lines else ""
        if len(summary) > 100:
            summary = summary[:99] + "…"
        more = f" (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
        self.line(f"{mark} {event.tool_name} " + self.style(summary + more, "dim"))

    def _turn_end(self, event: TurnEnd) -> None:
        self.finish()
        if event.stop_reason == "command":
            return
        if event.stop_reason == "cancelled":
            self.line(self.style("(cancelled)", "yellow"))
        elif event.stop_reason == "max_tool_rounds":
            self.line(self.style("(stopped: too many tool rounds)", "yellow"))
        usage = event.usage
        stats = f"{usage.input_tokens} in / {usage.output_tokens} out tokens"
        if event.tool_calls:
            stats += f", {event.tool_calls} tool call(s)"
        if event.cost_usd:
            stats += f", ${event.cost_usd:.4f}"
        self.line(self.style(f"[{stats}]", "dim"))
