"""What the lead and reviewer are asked, and strict parsing of their answers (retried when malformed)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .board import TeamTask


class MalformedOutput(ValueError):
    """The answer did not have the required shape; the message says what to fix."""


class LeadPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[str] = Field(min_length=1)

    @field_validator("tasks")
    @classmethod
    def _non_empty(cls, tasks: list[str]) -> list[str]:
        cleaned = [t.strip() for t in tasks]
        if any(not t for t in cleaned):
            raise ValueError("every task must be non-empty text")
        return cleaned


def lead_prompt(goal: str) -> str:
    return (
        f"You are the lead agent in a team. Your goal is: {goal}\n"
        "Decompose this goal into concrete, self-contained tasks for your team workers.\n"
        'Respond with ONLY valid JSON: {"tasks": ["task 1", "task 2", ...]}'
    )


def reviewer_prompt(task: TeamTask) -> str:
    return (
        f"Review the following completed task:\nTask: {task.description}\nResult: {task.result}\n\n"
        'Respond with "APPROVED: <reason>" or "REJECTED: <specific feedback>".'
    )


def worker_prompt(task: TeamTask, messages: list[str]) -> str:
    parts = [task.description]
    if task.feedback:
        parts.append(
            f"A reviewer rejected the previous attempt at this task. Their feedback:\n{task.feedback}"
        )
    if messages:
        parts.append("Messages from your team:\n" + "\n".join(f"- {m}" for m in messages))
    return "\n\n".join(parts)


def correction(error: str, role: Literal["lead", "reviewer"]) -> str:
    shape = (
        '{"tasks": ["task 1", ...]}' if role == "lead" else '"APPROVED: <reason>" or "REJECTED: <feedback>"'
    )
    return f"Your answer could not be used: {error}\nRespond again with ONLY {shape}."


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_plan(text: str) -> LeadPlan:
    """The lead's JSON (a code fence around it is tolerated; anything else is malformed)."""
    fenced = _FENCE.search(text)
    body = (fenced.group(1) if fenced else text).strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise MalformedOutput(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    try:
        return LeadPlan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the object"
        raise MalformedOutput(
            f'wrong shape: {where}: {first["msg"]}; expected {{"tasks": [<text>, ...]}}'
        ) from None


@dataclass(frozen=True)
class Verdict:
    approved: bool
    feedback: str


_VERDICT = re.compile(r"^\W*(APPROVED|REJECTED)\b\W*(.*)", re.S | re.I)


def parse_verdict(text: str) -> Verdict:
    match = _VERDICT.match(text.strip())
    if match is None:
        raise MalformedOutput('the answer must start with "APPROVED:" or "REJECTED:"')
    return Verdict(match.group(1).upper() == "APPROVED", match.group(2).strip())
