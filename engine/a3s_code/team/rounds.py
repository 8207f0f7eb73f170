"""One round of a team run: workers drain the board concurrently while reviewers judge what they finish."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from .board import TeamError, TeamTask
from .events import TeamTaskClaimed, TeamTaskCompleted
from .prompts import parse_verdict, reviewer_prompt
from .team import TeamMember

if TYPE_CHECKING:
    from .runner import Emit, TeamRunner


class Round:
    """A task rejected in this round waits for the next one, so ``max_rounds`` bounds the attempts.

    Several reviewers share the work: each takes the next finished task nobody is reviewing yet.
    """

    def __init__(self, runner: TeamRunner, number: int, emit: Emit) -> None:
        self.runner = runner
        self.number = number
        self.emit = emit
        self.board = runner.task_board()
        self.rejected: set[str] = set()
        self._reviewing: set[str] = set()
        self._wakeups: list[asyncio.Event] = []
        self._finished = False

    async def run(self, workers: list[TeamMember], reviewers: list[TeamMember]) -> None:
        self._wakeups = [asyncio.Event() for _ in reviewers]
        reviewing = [
            asyncio.create_task(self._review(r, w)) for r, w in zip(reviewers, self._wakeups, strict=True)
        ]
        try:
            async with asyncio.TaskGroup() as group:
                for member in workers:
                    group.create_task(self._work(member, judge=not reviewers))
        except BaseException:
            for task in reviewing:
                task.cancel()
            await asyncio.gather(*reviewing, return_exceptions=True)
            raise
        self._finished = True
        self._wake()
        await asyncio.gather(*reviewing)

    async def _work(self, member: TeamMember, *, judge: bool) -> None:
        session = self.runner.session_of(member.id)
        while (task := self.board.claim(member.id, skip=self.rejected)) is not None:
            self.emit(
                TeamTaskClaimed(
                    task_id=task.id,
                    member=member.id,
                    description=task.description,
                    round=self.number,
                    attempt=task.attempts,
                )
            )
            text, stop = await self.runner.execute(session, task, self.runner.drain(member.id))
            self.board.complete(task.id, text)
            self.emit(TeamTaskCompleted(task_id=task.id, member=member.id, result=text, stop_reason=stop))
            if judge:  # no reviewer: a turn that ended normally passes
                self.runner.judge(
                    task.id, "(no reviewer)", stop == "end_turn", f"the worker stopped: {stop}", self
                )
            self._wake()

    async def _review(self, reviewer: TeamMember, wakeup: asyncio.Event) -> None:
        interval = self.runner.team.config.poll_interval_ms / 1000
        while True:
            wakeup.clear()
            while (task := self._next_for_review()) is not None:
                self._reviewing.add(task.id)
                try:
                    prompt = reviewer_prompt(task)
                    verdict = await self.runner.ask(reviewer, prompt, parse_verdict, "reviewer", self.emit)
                    approved, feedback = verdict.approved, verdict.feedback
                except TeamError as exc:
                    approved, feedback = False, f"review failed: {exc}"
                self.runner.judge(task.id, reviewer.id, approved, feedback, self)
            if self._finished and self._next_for_review() is None:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), interval)

    def _next_for_review(self) -> TeamTask | None:
        return next((t for t in self.board.by_status("in_review") if t.id not in self._reviewing), None)

    def _wake(self) -> None:
        for event in self._wakeups:
            event.set()
