"""A turn with planning and goal tracking: plan, run the steps in waves, check the goal.

Steps whose dependencies are met form a wave. A wave of one step runs on the session's history,
so its work carries forward. A wave of several runs them at the same time (an asyncio
``TaskGroup``), each on its own copy of the history; only their final texts are merged back, as
part of the next prompt on the shared history. If planning fails, the turn still runs, without
a plan, and an ``error`` event (recoverable) says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from ..errors import A3SError
from ..events import (
    AgentEvent,
    ErrorEvent,
    GoalAchieved,
    GoalExtracted,
    GoalProgress,
    PlanningEnd,
    PlanningStart,
    StepEnd,
    StepStart,
    UsageEvent,
)
from ..messages import ImageBlock, Message, TextBlock, Usage
from .model import Goal, GoalState, Plan, PlanStep
from .planner import LlmPlanner, Planner

if TYPE_CHECKING:
    from ..loop import AgentLoop, TurnOutcome
    from ..options import SessionOptions
    from ..services import SessionServices

Emit = Callable[[AgentEvent], None]


class PlanningHost(Protocol):
    """What of its session a planned turn reads (the planner, the options) and writes (plan, goal)."""

    services: SessionServices
    options: SessionOptions
    plan: Plan | None
    goal: GoalState | None


DONE = "All steps of the plan are done. Tell the user what was done and what came out of it."


def fallback_plan(prompt: str) -> Plan:
    return Plan(goal=prompt[:200], complexity="Simple", steps=[PlanStep(id="step-1", description=prompt)])


def heuristic_goal(prompt: str) -> Goal:
    """The request's first line, when the model gives no usable goal."""
    first = prompt.strip().splitlines()[0] if prompt.strip() else "the user's request"
    return Goal(description=first[:300])


class PlannedTurn:
    """One turn of a session with ``planning`` and/or ``goal_tracking`` on.

    ``new_loop`` makes another ``AgentLoop`` like ``loop`` (same tools, prompt, permissions) for
    the branches of a parallel wave; their usage and tool calls are added to ``loop``'s.
    """

    def __init__(
        self, session: PlanningHost, loop: AgentLoop, new_loop: Callable[[], AgentLoop], emit: Emit
    ) -> None:
        self.session = session
        self.loop = loop
        self.new_loop = new_loop
        self.emit = emit
        chosen: Planner | None = session.services.planner
        self.planner: Planner = (
            chosen
            if chosen is not None
            else LlmPlanner(
                loop.llm,
                loop.settings.model_id,
                max_attempts=1 + max(0, loop.settings.max_parse_retries),
                on_usage=self._account,
            )
        )

    async def run(self, prompt: str, images: list[ImageBlock] | None = None) -> TurnOutcome:
        before = len(self.loop.history)
        try:
            return await self._run(prompt, images)
        except asyncio.CancelledError:
            if len(self.loop.history) == before:  # cancelled before a step ran on it: keep the request
                self._record([prompt], images, "[cancelled by the user]")
            raise

    async def _run(self, prompt: str, images: list[ImageBlock] | None) -> TurnOutcome:
        options = self.session.options
        state: GoalState | None = self.session.goal if options.goal_tracking else None
        if options.goal_tracking and (state is None or state.achieved):
            state = await self._new_goal(prompt)
        if options.planning:
            outcome = await self._planned(prompt, images, state)
        else:
            outcome = await self.loop.run(prompt, images)
        if state is not None:
            state.turns += 1
            if outcome.stop_reason == "end_turn":
                await self._check_goal(state, outcome.text)
        return outcome

    # -- goal ----------------------------------------------------------------------------------

    async def _new_goal(self, prompt: str) -> GoalState:
        try:
            goal = await self.planner.extract_goal(prompt)
        except A3SError as exc:
            self._report(f"goal extraction failed, using the request as the goal: {exc}")
            goal = heuristic_goal(prompt)
        state = GoalState(goal=goal)
        self.session.goal = state
        self.emit(GoalExtracted(goal=goal.description, success_criteria=goal.success_criteria))
        return state

    async def _check_goal(self, state: GoalState, result: str) -> None:
        plan: Plan | None = self.session.plan if self.session.options.planning else None
        try:
            check = await self.planner.check_goal(state.goal, result[-4000:])
        except A3SError as exc:
            self._report(f"goal check failed: {exc}")
            return
        state.progress, state.achieved = check.progress, check.achieved
        state.remaining_criteria = list(check.remaining_criteria)
        self.emit(
            GoalProgress(
                goal=state.goal.description,
                progress=state.progress,
                completed_steps=plan.completed() if plan else None,
                total_steps=len(plan.steps) if plan else None,
                remaining_criteria=state.remaining_criteria,
            )
        )
        if state.achieved:
            self.emit(
                GoalAchieved(
                    goal=state.goal.description,
                    total_steps=len(plan.steps) if plan else 0,
                    turns=state.turns,
                    duration_ms=int((time.time() - state.started_at) * 1000),
                )
            )

    # -- plan ----------------------------------------------------------------------------------

    async def _planned(
        self, prompt: str, images: list[ImageBlock] | None, state: GoalState | None
    ) -> TurnOutcome:
        self.emit(PlanningStart(prompt=prompt))
        context = f"The overall goal: {state.goal.description}" if state is not None else ""
        try:
            plan = await self.planner.create_plan(prompt, context)
        except A3SError as exc:
            self._report(f"planning failed, running the request without a plan: {exc}")
            plan = fallback_plan(prompt)
        waves = plan.waves()
        self.session.plan = plan
        self.emit(
            PlanningEnd(
                plan=plan.model_dump(mode="json"),
                estimated_steps=len(plan.steps),
                waves=[[s.id for s in wave] for wave in waves],
            )
        )
        if len(plan.steps) == 1 and plan.steps[0].description == prompt:
            return await self._step(plan, plan.steps[0], 1, self.loop, prompt, images)
        intro = f"{prompt}\n\nThe plan (goal: {plan.goal or prompt[:200]}):\n{plan.outline()}"
        return await self._execute(plan, waves, [intro], images)

    async def _execute(
        self, plan: Plan, waves: list[list[PlanStep]], pending: list[str], images: list[ImageBlock] | None
    ) -> TurnOutcome:
        """Run the waves; ``pending`` is text the shared history has not seen yet (the request, merged results)."""
        outcome: TurnOutcome | None = None
        for number, wave in enumerate(waves, 1):
            if len(wave) == 1:
                text = "\n\n".join([*pending, self._instruction(plan, wave[0])])
                outcome = await self._step(plan, wave[0], number, self.loop, text, images)
                pending, images = [], None
            else:
                outcomes = await self._parallel(plan, wave, number, pending, images)
                failed = [o for o in outcomes if o.stop_reason != "end_turn"]
                outcome = failed[0] if failed else outcomes[-1]
                lines = [
                    f"- Step {plan.number(s)} ({s.id}): {o.text.strip() or '(no text)'}"
                    for s, o in zip(wave, outcomes, strict=True)
                ]
                pending = [
                    *pending,
                    "The following steps were executed in parallel:\n" + "\n".join(lines),
                ]
            self._wave_progress(plan)
            if outcome.stop_reason != "end_turn":
                if pending:  # the shared history has not seen the request yet
                    self._record(
                        pending, images, f"[the plan stopped: a step ended with {outcome.stop_reason}]"
                    )
                return self._total(outcome)
        if pending:
            outcome = await self.loop.run("\n\n".join([*pending, DONE]), images)
        assert outcome is not None
        return self._total(outcome)

    async def _parallel(
        self,
        plan: Plan,
        wave: list[PlanStep],
        number: int,
        pending: list[str],
        images: list[ImageBlock] | None,
    ) -> list[TurnOutcome]:
        branches = [self.new_loop() for _ in wave]
        for branch in branches:
            branch.history = list(self.loop.history)
        queue = self.loop.queue
        wide = queue.slots.widened("generate", len(wave)) if queue is not None else contextlib.nullcontext()
        with wide:
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(
                        self._step(
                            plan,
                            step,
                            number,
                            branch,
                            "\n\n".join([*pending, self._instruction(plan, step)]),
                            images,
                        )
                    )
                    for step, branch in zip(wave, branches, strict=True)
                ]
        for branch in branches:
            self.loop.usage = self.loop.usage + branch.usage
            self.loop.cost += branch.cost
            self.loop.calls += branch.calls
        return [t.result() for t in tasks]

    async def _step(
        self,
        plan: Plan,
        step: PlanStep,
        wave: int,
        loop: AgentLoop,
        prompt: str,
        images: list[ImageBlock] | None,
    ) -> TurnOutcome:
        start = StepStart(
            step_id=step.id,
            description=step.description,
            step_number=plan.number(step),
            total_steps=len(plan.steps),
            wave=wave,
        )
        step.status = "in_progress"
        self.emit(start)
        outcome = await loop.run(prompt, images)
        status: Literal["completed", "failed"] = (
            "completed" if outcome.stop_reason == "end_turn" else "failed"
        )
        step.status, step.result = status, outcome.text[:2000]
        self.emit(StepEnd(**start.model_dump(exclude={"type"}), status=status, text=outcome.text[:500]))
        return outcome

    def _record(self, texts: list[str], images: list[ImageBlock] | None, note: str) -> None:
        self.loop.history += [
            Message.user("\n\n".join(texts), images),
            Message(role="assistant", content=[TextBlock(text=note)]),
        ]

    @staticmethod
    def _instruction(plan: Plan, step: PlanStep) -> str:
        done = f"\nDone when: {step.success_criteria}" if step.success_criteria else ""
        return f"Execute step {plan.number(step)} of {len(plan.steps)} ({step.id}): {step.description}{done}"

    def _wave_progress(self, plan: Plan) -> None:
        state: GoalState | None = self.session.goal
        if state is None or not self.session.options.goal_tracking:
            return
        self.emit(
            GoalProgress(
                goal=state.goal.description,
                progress=plan.completed() / len(plan.steps),
                completed_steps=plan.completed(),
                total_steps=len(plan.steps),
                remaining_criteria=state.remaining_criteria,
            )
        )

    # -- accounting ----------------------------------------------------------------------------

    def _total(self, last: TurnOutcome) -> TurnOutcome:
        """The turn's outcome: the last step's text and stop reason, everything's usage and calls."""
        from ..loop import TurnOutcome

        loop = self.loop
        return TurnOutcome(
            last.text, last.stop_reason, loop.usage, loop.cost, loop.calls, last.error, last.last_input_tokens
        )

    def _account(self, usage: Usage) -> None:
        loop = self.loop
        cost = loop.pricing.cost(usage) if loop.pricing else 0.0
        loop.usage = loop.usage + usage
        loop.cost += cost
        self.emit(UsageEvent(usage=usage, cost_usd=cost, model=loop.settings.model_id))

    def _report(self, message: str) -> None:
        self.emit(ErrorEvent(message=message, code="planning_failed", recoverable=True))
