"""``a3s/team/run``: an agent team on the daemon's sessions, progress as ``a3s/team/progress``."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from .. import protocol as m
from ..errors import InvalidParamsError
from ._wire import method

if TYPE_CHECKING:
    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire


def register(server: A3SLanguageServer) -> None:
    @method(server, m.TEAM_RUN, "TeamRunParams")
    async def team_run(ls: A3SLanguageServer, p: wire.TeamRunParams) -> dict[str, Any]:
        members = [("lead", "lead")] + [(f"worker-{n}", "worker") for n in range(1, p.workers + 1)]
        if p.reviewer:
            members.append(("reviewer", "reviewer"))
        return await _run(ls, p, p.run_id or uuid.uuid4().hex[:12], _config(p.config), members)


async def _run(
    ls: A3SLanguageServer, p: wire.TeamRunParams, run_id: str, config: Any, members: list[tuple[str, str]]
) -> dict[str, Any]:
    from a3s_code.team import AgentTeam, TeamRunner

    from ..turns import EventForwarder

    models = p.models.model_dump(exclude_none=True)
    team = AgentTeam(p.name or "team", config)
    runner = TeamRunner(team, worktrees=p.worktrees)
    hosted: list[Any] = []
    roster = []
    forwarders: list[EventForwarder] = []
    try:
        for member, role in members:
            team.add_member(member, role)
            created = await ls.sessions.create(p.workspace, models.get(role))
            hosted.append(created)
            runner.bind_session(member, created.session)
            roster.append({"id": member, "role": role, "sessionId": created.session.session_id})
            # The members' own turns stream as a3s/event under their session, with the run as turnId.
            forwarder = EventForwarder(ls, created.session.session_id, run_id, ls.settings.coalesce_ms)
            forwarders.append(forwarder)
            created.session.add_event_listener(forwarder.push)
        await _drive(ls, runner, p.goal, run_id)
    finally:
        for forwarder in forwarders:
            forwarder.flush()
        for created in hosted:
            await ls.sessions.close(created.session.session_id)
            await created.session.close_async()
    result = runner.last_result
    assert result is not None
    return {
        "runId": run_id,
        "stopReason": result.stop_reason,
        "rounds": result.rounds,
        "error": result.error,
        "doneTasks": [_task(t) for t in result.done_tasks],
        "rejectedTasks": [_task(t) for t in result.rejected_tasks],
        "members": roster,
        "worktrees": result.worktrees,
    }


async def _drive(ls: A3SLanguageServer, runner: Any, goal: str, run_id: str) -> None:
    """Forward the run's events; ``$/cancelRequest`` stops it and still answers with its state."""

    from ..wire_events import TeamProgressNotification

    def notify(event: Any) -> None:
        ls.protocol.notify(m.TEAM_PROGRESS, wire.dump(TeamProgressNotification(run_id=run_id, event=event)))

    async def forward() -> None:
        async for event in runner.stream_async(goal):
            notify(event)

    task = asyncio.create_task(forward())
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None:
            current.uncancel()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        result = runner.last_result
        if result is None or result.stop_reason != "cancelled":
            raise
        from a3s_code.team.events import TeamEnd

        done, rejected = len(result.done_tasks), len(result.rejected_tasks)
        notify(TeamEnd(stop_reason="cancelled", rounds=result.rounds, done=done, rejected=rejected))


def _task(task: Any) -> dict[str, Any]:
    return {
        "id": task.id,
        "description": task.description,
        "result": task.result,
        "assignedTo": task.assigned_to,
        "attempts": task.attempts,
        "feedback": task.feedback,
    }


def _config(raw: wire.TeamConfigParams) -> Any:
    from pydantic import ValidationError
    from pydantic.alias_generators import to_camel

    from a3s_code.team import TeamConfig

    try:
        return TeamConfig(**raw.model_dump(exclude_none=True))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(to_camel(str(p)) for p in first["loc"])
        raise InvalidParamsError(f"{m.TEAM_RUN}: invalid params: config.{where}: {first['msg']}") from None
