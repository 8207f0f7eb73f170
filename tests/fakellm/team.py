"""A scripted team for the fake LLM: answers by role, read from the prompt each member was sent.

Team members run concurrently, so replies cannot be a fixed sequence; this responder looks at the
last user message instead: the lead prompt, a reviewer prompt, or a worker's task.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .script import Turn
from .server import FakeLLM


def message_text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(str(b.get("text", "")) for b in content if b.get("type") == "text")


def last_user_text(body: dict[str, Any]) -> str:
    return message_text(body["messages"][-1])


def review_prompt_of(body: dict[str, Any]) -> str:
    """The latest review request in the conversation (a correction follows it)."""
    for message in reversed(body["messages"]):
        text = message_text(message)
        if message["role"] == "user" and text.startswith("Review the following completed task"):
            return text
    return ""


@dataclass
class TeamScript:
    tasks: list[str]
    lead_replies: list[str] = field(default_factory=list)
    """Replies before the valid plan (malformed ones, for retry tests)."""
    verdicts: dict[str, list[str]] = field(default_factory=dict)
    """Task text -> reviewer replies in order; after they run out, ``default_verdict``."""
    default_verdict: str = "APPROVED: looks right"
    delay_s: float = 0.0
    """Simulated model latency of every reply."""
    worker_turn: Callable[[str], Turn] | None = None
    """Custom worker reply for a worker prompt (tool calls...); default: a one-line report."""
    seen: dict[str, list[str]] = field(default_factory=lambda: {"lead": [], "reviewer": [], "worker": []})
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, fake: FakeLLM, replies: int = 400) -> TeamScript:
        fake.add(*[self.respond] * replies)
        return self

    def respond(self, body: dict[str, Any]) -> Turn:
        text = last_user_text(body)
        with self._lock:
            turn = self._reply(text, body)
        turn.delay_s = self.delay_s
        return turn

    def _reply(self, text: str, body: dict[str, Any]) -> Turn:
        if "You are the lead agent in a team" in text or 'Respond again with ONLY {"tasks"' in text:
            self.seen["lead"].append(text)
            if self.lead_replies:
                return Turn.text(self.lead_replies.pop(0))
            return Turn.text(json.dumps({"tasks": self.tasks}))
        if text.startswith("Review the following completed task") or "APPROVED: <reason>" in text:
            self.seen["reviewer"].append(text)
            prompt = review_prompt_of(body)
            task = next((t for t in self.verdicts if f"Task: {t}\n" in prompt), None)
            queue = self.verdicts.get(task, []) if task else []
            return Turn.text(queue.pop(0) if queue else self.default_verdict)
        self.seen["worker"].append(text)
        if self.worker_turn is not None:
            return self.worker_turn(text)
        return Turn.text(f"Done: {text.splitlines()[0] if text else ''}")
