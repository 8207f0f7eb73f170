"""One member of a team on Redis, in its own process: ``a3s-code team-member`` runs ``serve_member``.

- The lead posts the goal's plan on the board, then waits until every task is done or used up its
  attempts (``max_rounds``), and marks the run finished.
- A worker claims tasks (the oldest open one, a rejected one with attempts left, or one whose member
  stopped heartbeating), runs each as a turn of its session, and completes it for review.
- A reviewer claims finished tasks one at a time and approves or rejects them. Without any reviewer
  in the team, a worker approves its own task when its turn ended normally (as ``TeamRunner`` does).

Workers and reviewers stop once the lead marks the run finished, or on ``stop``. Members heartbeat
while they run, so a task or review held by a member that died is claimed again by another.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, ParamSpec, TypeVar

from .board import TeamError, TeamTask
from .events import (
    PlannedTask,
    TeamEnd,
    TeamPlanned,
    TeamStopReason,
    TeamTaskClaimed,
    TeamTaskCompleted,
    TeamTaskReviewed,
)
from .prompts import lead_prompt, parse_plan, parse_verdict, reviewer_prompt
from .redis_board import RedisTeamBoard
from .runner import Emit, TeamRunner, TeamRunResult

if TYPE_CHECKING:
    from .team import TeamMember

P = ParamSpec("P")
T = TypeVar("T")


class MemberLoop:
    def __init__(
        self, runner: TeamRunner, member_id: str, emit: Emit, stop: asyncio.Event | None = None
    ) -> None:
        board = runner.task_board()
        if not isinstance(board, RedisTeamBoard):
            raise TeamError("a member in its own process needs a team on Redis (redis_team)")
        self.runner = runner
        self.board = board
        self.member: TeamMember = runner.team.members[member_id]
        self.emit = emit
        self.stop = stop or asyncio.Event()
        self.poll_s = runner.team.config.poll_interval_ms / 1000
        self._run_key = f"{board.base}:run"
        self._seen_run = False

    async def serve(self, goal: str | None = None) -> TeamRunResult | None:
        """Until the run ends (or ``stop``); the lead returns the run's result, others None."""
        beat = asyncio.create_task(self._heartbeat())
        try:
            if self.member.role == "lead":
                if goal is None:
                    raise TeamError("the lead needs the goal (--goal)")
                return await self._lead(goal)
            if self.member.role == "worker":
                await self._work()
            else:
                await self._review()
            return None
        finally:
            beat.cancel()
            await asyncio.gather(beat, return_exceptions=True)

    # -- the lead ------------------------------------------------------------------------------

    async def _lead(self, goal: str) -> TeamRunResult:
        run = await self._call(self.board.client.hgetall, self._run_key)
        if run.get("state") == "running" and run.get("goal") == goal:
            pass  # a lead that restarted: the plan is on the board, wait for it
        else:  # a new run (a finished one, or a lead that died while planning, is cleared first)
            await self._call(self.board.clear)
            await self._call(
                self.board.client.hset, self._run_key, mapping={"goal": goal, "state": "planning"}
            )
            try:
                plan = await self.runner.ask(self.member, lead_prompt(goal), parse_plan, "lead", self.emit)
            except TeamError as exc:
                return await self._end("error", str(exc))
            posted = [(await self._call(self.board.post, text, self.member.id), text) for text in plan.tasks]
            planned = [PlannedTask(id=i, description=t) for i, t in posted if i is not None]
            self.emit(TeamPlanned(goal=goal, tasks=planned, dropped=len(posted) - len(planned)))
            await self._call(self.board.client.hset, self._run_key, "state", "running")
        while not self.stop.is_set():
            tasks = await self._call(self.board.tasks)
            if all(t.status == "done" or self.board.exhausted(t) for t in tasks):
                return await self._end("done" if all(t.status == "done" for t in tasks) else "max_rounds")
            await self._pause()
        return await self._end("cancelled")

    async def _end(self, stop: TeamStopReason, error: str | None = None) -> TeamRunResult:
        tasks = await self._call(self.board.tasks)
        done = [t for t in tasks if t.status == "done"]
        rejected = [t for t in tasks if t.status == "rejected"]
        rounds = max((t.attempts for t in tasks), default=0)
        await self._call(
            self.board.client.hset, self._run_key, mapping={"state": "finished", "stop_reason": stop}
        )
        self.emit(
            TeamEnd(stop_reason=stop, rounds=rounds, done=len(done), rejected=len(rejected), error=error)
        )
        result = TeamRunResult(done, rejected, rounds, stop, error)
        self.runner.last_result = result
        return result

    # -- workers and reviewers -----------------------------------------------------------------

    async def _work(self) -> None:
        session = self.runner.session_of(self.member.id)
        while not self.stop.is_set():
            task = await self._call(self.board.claim, self.member.id)
            self._seen_run = self._seen_run or task is not None
            if task is None:
                if await self._finished():
                    return
                await self._pause()
                continue
            self.emit(
                TeamTaskClaimed(
                    task_id=task.id, member=self.member.id, description=task.description, round=task.attempts,
                    attempt=task.attempts,
                )
            )  # fmt: skip
            text, stop = await self.runner.execute(session, task, self.runner.drain(self.member.id))
            if not await self._call(self.board.complete, task.id, text, self.member.id):
                continue  # taken over meanwhile (we were thought dead): the other member's answer counts
            self.emit(
                TeamTaskCompleted(task_id=task.id, member=self.member.id, result=text, stop_reason=stop)
            )
            if not self.runner.team.members_with("reviewer"):
                await self._judge(task, "(no reviewer)", stop == "end_turn", f"the worker stopped: {stop}")

    async def _review(self) -> None:
        while not self.stop.is_set():
            task = await self._call(self.board.claim_review, self.member.id)
            self._seen_run = self._seen_run or task is not None
            if task is None:
                if await self._finished():
                    return
                await self._pause()
                continue
            try:
                verdict = await self.runner.ask(
                    self.member, reviewer_prompt(task), parse_verdict, "reviewer", self.emit
                )
                approved, feedback = verdict.approved, verdict.feedback
            except TeamError as exc:
                approved, feedback = False, f"review failed: {exc}"
            await self._judge(task, self.member.id, approved, feedback)

    async def _judge(self, task: TeamTask, reviewer: str, approved: bool, feedback: str) -> None:
        if approved:
            moved = await self._call(self.board.approve, task.id)
        else:
            moved = await self._call(self.board.reject, task.id, feedback)
        if moved:
            verdict: Literal["approved", "rejected"] = "approved" if approved else "rejected"
            self.emit(
                TeamTaskReviewed(task_id=task.id, reviewer=reviewer, verdict=verdict, feedback=feedback)
            )

    # -- plumbing ------------------------------------------------------------------------------

    async def _finished(self) -> bool:
        """The run this member took part in is over (a finished run from before it joined is not)."""
        state = await self._call(self.board.client.hget, self._run_key, "state")
        if state in ("planning", "running"):
            self._seen_run = True
        return state == "finished" and self._seen_run

    async def _pause(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), self.poll_s)

    async def _heartbeat(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # a missed beat is made up by the next
                await self._call(self.board.heartbeat, self.member.id)
            await asyncio.sleep(self.board.ttl_ms / 3000)

    @staticmethod
    async def _call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Redis calls are synchronous (the board's API); run them off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)
