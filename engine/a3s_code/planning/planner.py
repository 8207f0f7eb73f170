"""The LLM planner: a plan, a goal and a goal check, each as JSON validated with pydantic.

A reply that is not valid JSON for the model it should fill is sent back to the model with the
validation error, up to ``max_attempts`` times; then ``PlanningError`` says what was wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import A3SError, LLMError
from ..llm.base import LLMClient, LLMRequest, LLMResponse
from ..messages import Message, TextBlock, Usage
from .model import Goal, GoalCheck, Plan

M = TypeVar("M", bound=BaseModel)

PLAN_SYSTEM = """You plan the work of a coding agent. Split the user's task into concrete steps the
agent can carry out with its tools. Steps run in parallel unless one lists another in its
"dependencies", so add a dependency only when a step needs another step's result. A trivial task
is one step; use at most 8.

Reply with one JSON object and nothing else:
{"goal": "<the outcome the user wants>",
 "complexity": "Simple" | "Medium" | "Complex" | "VeryComplex",
 "steps": [{"id": "step-1", "description": "<what to do>", "dependencies": [],
            "success_criteria": "<how to tell it is done>"}],
 "required_tools": ["<tool name>", ...]}"""

GOAL_SYSTEM = """Name the goal behind the user's request and how to tell it has been reached.
Reply with one JSON object and nothing else:
{"description": "<the goal in one sentence>", "success_criteria": ["<checkable criterion>", ...]}"""

CHECK_SYSTEM = """Judge whether a goal has been reached from the work done so far.
Reply with one JSON object and nothing else:
{"achieved": true | false, "progress": <0.0 to 1.0>, "remaining_criteria": ["<criterion not met yet>", ...]}"""

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


class PlanningError(A3SError):
    code = "planning_failed"


def parse_reply(text: str, model: type[M]) -> M:
    """The JSON object in ``text`` (code fences and prose around it are tolerated), validated."""
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end < start:
        raise ValueError("the reply contains no JSON object")
    try:
        data = json.loads(body[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the JSON does not parse: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(object)'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"the JSON does not fit: {problems}") from None


class Planner(Protocol):
    """The seed's ``Planner`` extension point (task decomposition; default ``LlmPlanner``).

    Raise ``A3SError`` when no plan or goal can be made: the turn then runs unplanned."""

    async def create_plan(self, task: str, context: str = "") -> Plan: ...

    async def extract_goal(self, request: str) -> Goal: ...

    async def check_goal(self, goal: Goal, state: str) -> GoalCheck: ...


class LlmPlanner:
    """Asks the session's model, without tools; ``on_usage`` gets each call's token counts."""

    def __init__(
        self,
        llm: LLMClient,
        model_id: str,
        *,
        max_attempts: int = 3,
        on_usage: Callable[[Usage], None] | None = None,
    ) -> None:
        self.llm = llm
        self.model_id = model_id
        self.max_attempts = max(1, max_attempts)
        self.on_usage = on_usage
        self.failures: list[str] = []
        """Why each rejected reply was rejected (the latest call's)."""

    async def create_plan(self, task: str, context: str = "") -> Plan:
        prompt = f"{context}\n\nTask: {task}" if context else task
        return await self._ask_json(PLAN_SYSTEM, prompt, Plan)

    async def extract_goal(self, request: str) -> Goal:
        return await self._ask_json(GOAL_SYSTEM, request, Goal)

    async def check_goal(self, goal: Goal, state: str) -> GoalCheck:
        criteria = "; ".join(goal.success_criteria) or "(none given)"
        prompt = f"Goal: {goal.description}\nSuccess Criteria: {criteria}\nCurrent State: {state}"
        return await self._ask_json(CHECK_SYSTEM, prompt, GoalCheck)

    async def _ask_json(self, system: str, prompt: str, model: type[M]) -> M:
        self.failures = []
        messages = [Message.user(prompt)]
        for _attempt in range(self.max_attempts):
            reply = await self._complete(system, messages)
            try:
                return parse_reply(reply, model)
            except ValueError as exc:
                self.failures.append(str(exc))
                messages += [
                    Message(role="assistant", content=[TextBlock(text=reply or "(empty)")]),
                    Message.user(f"That reply was not usable: {exc}. Reply again with only the JSON object."),
                ]
        raise PlanningError(
            f"the model gave no valid {model.__name__} in {self.max_attempts} attempt(s); "
            f"last problem: {self.failures[-1]}"
        )

    async def _complete(self, system: str, messages: list[Message]) -> str:
        request = LLMRequest(model=self.model_id, system=system, messages=messages, max_tokens=4096)
        response: LLMResponse | None = None
        async for event in self.llm.stream(request):
            if isinstance(event, LLMResponse):
                response = event
        if response is None:
            raise LLMError("the model's stream ended without a final message")
        if self.on_usage is not None:
            self.on_usage(response.usage)
        return response.message.text()
