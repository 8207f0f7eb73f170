"""``a3s/team/run``: an agent team on the daemon's sessions, progress as ``a3s/team/progress``."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from .. import protocol as m
from ..errors import InvalidParamsError
from ..params import Params
from ..turns import EventForwarder

if TYPE_CHECKING:
    from ..server import A3SLanguageServer

CONFIG_KEYS = {
    "maxTasks": "max_tasks",
    "channelBuffer": "channel_buffer",
    "maxRounds": "max_rounds",
    "pollIntervalMs": "poll_interval_ms",
    "parseRetries": "parse_retries",
}
ROLES = ("lead", "worker", "reviewer")
MAX_WORKERS = 16


def register(server: A3SLanguageServer) -> None:
    @server.feature(m.TEAM_RUN)
    async def team_run(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        p = Params(params, m.TEAM_RUN)
        goal = p.string("goal")
        if not goal.strip():
            raise InvalidParamsError(f"{m.TEAM_RUN}: goal is empty")
        workers = p.opt_int("workers")
        workers = 2 if workers is None else workers
        if not 1 <= workers <= MAX_WORKERS:
            raise InvalidParamsError(f"{m.TEAM_RUN}: workers must be between 1 and {MAX_WORKERS}")
        models = _models(p.dict("models"))
        config = _config(p.dict("config"))
        run_id = p.opt_str("runId") or uuid.uuid4().hex[:12]
        members = [("lead", "lead")] + [(f"worker-{n}", "worker") for n in range(1, workers + 1)]
        if p.opt_bool("reviewer", True):
            members.append(("reviewer", "reviewer"))
        return await _run(ls, p, goal, run_id, config, members, models)


async def _run(
    ls: A3SLanguageServer,
    p: Params,
    goal: str,
    run_id: str,
    config: Any,
    members: list[tuple[str, str]],
    models: dict[str, str],
) -> dict[str, Any]:
    from a3s_code.team import AgentTeam, TeamRunner

    team = AgentTeam(p.opt_str("name") or "team", config)
    runner = TeamRunner(team, worktrees=p.opt_bool("worktrees"))
    hosted: list[Any] = []
    roster = []
    forwarders: list[EventForwarder] = []
    try:
        for member, role in members:
            team.add_member(member, role)
            created = await ls.sessions.create(p.opt_str("workspace"), models.get(role))
            hosted.append(created)
            runner.bind_session(member, created.session)
            roster.append({"id": member, "role": role, "sessionId": created.session.session_id})
            # The members' own turns stream as a3s/event under their session, with the run as turnId.
            forwarder = EventForwarder(ls, created.session.session_id, run_id, ls.settings.coalesce_ms)
            forwarders.append(forwarder)
            created.session.add_event_listener(lambda e, f=forwarder: f.push(e.model_dump(mode="json")))
        await _drive(ls, runner, goal, run_id)
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

    def notify(event: Any) -> None:
        ls.protocol.notify(m.TEAM_PROGRESS, {"runId": run_id, "event": event.model_dump(mode="json")})

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


def _models(raw: dict[str, Any]) -> dict[str, str]:
    unknown = sorted(set(raw) - set(ROLES))
    if unknown or not all(isinstance(v, str) for v in raw.values()):
        raise InvalidParamsError(f'{m.TEAM_RUN}: models maps lead/worker/reviewer to "provider/model"')
    return dict(raw)


def _config(raw: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from a3s_code.team import TeamConfig

    unknown = sorted(set(raw) - set(CONFIG_KEYS))
    if unknown:
        known = ", ".join(CONFIG_KEYS)
        raise InvalidParamsError(f"{m.TEAM_RUN}: unknown config key(s) {', '.join(unknown)}; known: {known}")
    try:
        return TeamConfig(**{CONFIG_KEYS[k]: v for k, v in raw.items()})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = next(k for k, v in CONFIG_KEYS.items() if v == first["loc"][0])
        raise InvalidParamsError(f"{m.TEAM_RUN}: config.{key}: {first['msg']}") from None
