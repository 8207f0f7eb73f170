"""TeamRunner: the lead plans, workers claim and execute concurrently, the reviewer approves or re-queues."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from .._stream import stream_events
from .._sync import iterate_sync, run_sync
from ..errors import A3SError
from .board import TaskBoard, TeamError, TeamTask
from .events import (
    PlannedTask,
    TeamEnd,
    TeamEvent,
    TeamOutputRetry,
    TeamPlanned,
    TeamRoundEnd,
    TeamStopReason,
    TeamTaskReviewed,
)
from .prompts import (
    MalformedOutput,
    correction,
    lead_prompt,
    parse_plan,
    worker_prompt,
)
from .rounds import Round
from .team import AgentTeam, TeamMember, TeamRole

if TYPE_CHECKING:
    from ..session import Session

T = TypeVar("T")
Emit = Callable[[TeamEvent], None]


@dataclass
class TeamRunResult:
    done_tasks: list[TeamTask]
    rejected_tasks: list[TeamTask]
    """Tasks that did not pass review within ``max_rounds``."""
    rounds: int
    stop_reason: TeamStopReason = "done"
    error: str | None = None
    worktrees: dict[str, str] = field(default_factory=dict)
    """Worker -> the git worktree it worked in (left in place for you to merge)."""


class TeamRunner:
    """``TeamRunner(team)`` then ``bind_session(member, session)`` for each member, then ``run_until_done``."""

    def __init__(self, team: AgentTeam, *, worktrees: bool = False) -> None:
        self.team = team
        self.use_worktrees = worktrees
        """Give each worker its own git worktree (a branch beside the repository) to work in."""
        self._sessions: dict[str, Session] = {}
        self.worktrees: dict[str, str] = {}
        self.last_result: TeamRunResult | None = None
        self._rounds = 0

    def bind_session(self, member_id: str, session: Session) -> None:
        if member_id not in self.team.members:
            raise TeamError(f"{member_id!r} is not a member of team {self.team.name!r}; add_member first")
        for other, bound in self._sessions.items():
            if bound is session and other != member_id:
                raise TeamError(f"this session is already bound to {other!r}; each member needs its own")
        self._sessions[member_id] = session

    def task_board(self) -> TaskBoard:
        return self.team.task_board()

    # -- running -------------------------------------------------------------------------------

    def run_until_done(self, goal: str) -> TeamRunResult:
        return run_sync(self.run_until_done_async(goal), "run_until_done")

    def stream(self, goal: str) -> Iterator[TeamEvent]:
        return iterate_sync(self.stream_async(goal), "stream")

    async def run_until_done_async(self, goal: str) -> TeamRunResult:
        async for _event in self.stream_async(goal):
            pass
        assert self.last_result is not None
        return self.last_result

    async def stream_async(self, goal: str) -> AsyncIterator[TeamEvent]:
        """The run's events as they happen; the last is ``team_end``; ``last_result`` holds the result."""
        async for event in stream_events(partial(self._run, goal)):
            yield event

    async def _run(self, goal: str, emit: Emit) -> None:
        self._rounds = 0
        try:
            await self._drive(goal, emit)
        except asyncio.CancelledError:
            self._finish(emit, "cancelled", self._rounds)
            raise

    async def _drive(self, goal: str, emit: Emit) -> None:
        board = self.task_board()
        lead = self._bound("lead")
        workers = self._bound("worker")
        reviewers = self._bound("reviewer")
        if not workers:
            raise TeamError("the team needs at least one worker with a bound session")
        if self.use_worktrees:
            await self._prepare_worktrees(workers)
        if lead:
            try:
                plan = await self.ask(lead[0], lead_prompt(goal), parse_plan, "lead", emit)
            except TeamError as exc:
                self._finish(emit, "error", 0, str(exc))
                return
            posted = [(board.post(text, lead[0].id), text) for text in plan.tasks]
            planned = [PlannedTask(id=i, description=t) for i, t in posted if i is not None]
            emit(TeamPlanned(goal=goal, tasks=planned, dropped=len(posted) - len(planned)))
        elif not board.by_status("open"):
            raise TeamError("without a bound lead, post tasks to the board before running")
        for rnd in range(1, self.team.config.max_rounds + 1):
            if not board.by_status("open") and not board.by_status("rejected"):
                break
            self._rounds = rnd
            await Round(self, rnd, emit).run(workers, reviewers)
            o, p, r, d, x = board.stats()
            emit(TeamRoundEnd(round=rnd, open=o, in_progress=p, in_review=r, done=d, rejected=x))
        all_done = len(board.by_status("done")) == len(board)
        self._finish(emit, "done" if all_done else "max_rounds", self._rounds)

    # -- what a round uses -----------------------------------------------------------------------

    def session_of(self, member_id: str) -> Session:
        return self._sessions[member_id]

    def judge(self, task_id: str, reviewer: str, approved: bool, feedback: str, round_: Round) -> None:
        board = self.task_board()
        if approved:
            board.approve(task_id)
        else:
            board.reject(task_id, feedback)
            round_.rejected.add(task_id)
        verdict: Literal["approved", "rejected"] = "approved" if approved else "rejected"
        round_.emit(TeamTaskReviewed(task_id=task_id, reviewer=reviewer, verdict=verdict, feedback=feedback))

    async def execute(self, session: Session, task: TeamTask, messages: list[str]) -> tuple[str, str]:
        try:
            result = await session.send_async(worker_prompt(task, messages))
        except A3SError as exc:
            return f"[the worker failed: {exc}]", "error"
        text = result.text or f"[no answer: {result.error or result.stop_reason}]"
        return text, result.stop_reason

    async def ask(
        self,
        member: TeamMember,
        prompt: str,
        parse: Callable[[str], T],
        role: Literal["lead", "reviewer"],
        emit: Emit,
    ) -> T:
        """Send, parse; on malformed output say what was wrong and ask again, ``parse_retries`` times."""
        session = self._sessions[member.id]
        attempts = self.team.config.parse_retries + 1
        error = ""
        for attempt in range(1, attempts + 1):
            result = await session.send_async(prompt)
            try:
                return parse(result.text)
            except MalformedOutput as exc:
                error = str(exc) if result.text else f"no answer ({result.error or result.stop_reason})"
            if attempt < attempts:
                emit(TeamOutputRetry(member=member.id, role=role, attempt=attempt, error=error))
                prompt = correction(error, role)
        raise TeamError(f"the {role} {member.id!r} gave malformed output {attempts} times: {error}")

    def drain(self, member_id: str) -> list[str]:
        """Unread peer messages for this worker, as lines for its prompt."""
        return [f"{msg.sender}: {msg.content}" for msg in self.team.unread(member_id)]

    def _bound(self, role: TeamRole) -> list[TeamMember]:
        """The members of ``role``. A worker or reviewer without a bound session gets its own, a new
        session of the lead's agent in the lead's workspace (the seed binds only the lead)."""
        members = self.team.members_with(role)
        leads = [self._sessions[m.id] for m in self.team.members_with("lead") if m.id in self._sessions]
        if role != "lead" and leads:
            for member in members:
                if member.id not in self._sessions:
                    self._sessions[member.id] = leads[0].agent.session(leads[0].workspace)
        missing = [m.id for m in members if m.id not in self._sessions]
        if missing:
            raise TeamError(f"no session bound for {', '.join(missing)}; call bind_session first")
        return members

    def _finish(self, emit: Emit, stop: TeamStopReason, rounds: int, error: str | None = None) -> None:
        board = self.task_board()
        done, rejected = board.by_status("done"), board.by_status("rejected")
        self.last_result = TeamRunResult(done, rejected, rounds, stop, error, dict(self.worktrees))
        emit(TeamEnd(stop_reason=stop, rounds=rounds, done=len(done), rejected=len(rejected), error=error))

    async def _prepare_worktrees(self, workers: list[TeamMember]) -> None:
        """One branch and worktree per worker beside the repository; its session moves there."""
        from ..tools.git_worktree import git

        for member in workers:
            if member.id in self.worktrees:
                continue
            session = self._sessions[member.id]
            code, top, err = await git(session.workspace, "rev-parse", "--show-toplevel")
            if code != 0:
                raise TeamError(f"worktrees need a git repository; {session.workspace}: {err.strip()}")
            repo = Path(top.strip())
            name = f"{_slug(self.team.name)}-{_slug(member.id)}"
            path = repo.parent / f"{repo.name}-{name}"
            code, _out, err = await git(repo, "worktree", "add", "-b", f"team/{name}", str(path), "HEAD")
            if code != 0:
                raise TeamError(f"git worktree add for {member.id} failed: {err.strip()}")
            inner = path / session.workspace.relative_to(repo)
            options = replace(session.options, session_id=None)
            self._sessions[member.id] = session.agent.session(inner, options)
            self.worktrees[member.id] = str(path)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"
