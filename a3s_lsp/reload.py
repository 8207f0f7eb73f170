"""Watches the config file and the skill folders, so edits take effect without a restart.

A changed config rebuilds the agent for sessions created from then on (a bad new config is reported
and the old one kept); a changed skill folder re-reads the skills of every open session.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from .server import A3SLanguageServer

log = logging.getLogger(__name__)


def skill_dirs(agent: Any) -> list[Path]:
    """The agent's configured skill folders that exist (watchfiles cannot watch a missing path)."""
    config = agent.config
    return [d for d in (config.resolve_dir(f) for f in config.skill_dirs) if d.is_dir()]


async def watch_config(server: A3SLanguageServer, path: Path) -> None:
    """Runs until cancelled; re-arms itself when a reloaded config names other skill folders."""
    try:
        agent = await server.sessions.agent()
    except Exception as exc:  # the daemon reports a bad config on first use; keep watching for a fix
        log.info("config %s not loaded yet (%s); watching for changes", path, exc)
        agent = None
    dirs = await asyncio.to_thread(skill_dirs, agent) if agent is not None else []
    while True:
        restart = asyncio.Event()
        changes: asyncio.Queue[set[Path]] = asyncio.Queue()
        # The config's own folder is watched without its subfolders: an agent.hcl kept in a
        # project's root must not put the whole project under watch (one inotify watch per folder).
        pumps = [_pump(changes, [path.parent], False, lambda name: Path(name) == path, restart)]
        if dirs:
            pumps.append(
                _pump(
                    changes,
                    dirs,
                    True,
                    functools.partial(_under, list(dirs)),
                    restart,
                )
            )
        log.info("watching %s and %d skill folder(s)", path, len(dirs))
        try:
            while not restart.is_set():
                changed = await changes.get()
                if path in changed and await asyncio.to_thread(path.exists):
                    agent = await _reload_config(server, path)
                    if agent is not None:
                        new_dirs = await asyncio.to_thread(skill_dirs, agent)
                        if new_dirs != dirs:
                            dirs = new_dirs
                            restart.set()
                if any(p != path for p in changed):
                    count = await asyncio.to_thread(server.sessions.reload_skills)
                    log.info("skills reloaded in %d open session(s)", count)
        finally:
            restart.set()
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)


def _under(folders: list[Path], name: str) -> bool:
    return any(Path(name).is_relative_to(d) for d in folders)


def _pump(
    into: asyncio.Queue[set[Path]],
    paths: list[Path],
    recursive: bool,
    wanted: Callable[[str], bool],
    stop: asyncio.Event,
) -> asyncio.Task[None]:
    """A task putting each batch of changed paths under ``paths`` that ``wanted`` accepts in ``into``."""
    from watchfiles import awatch

    async def pump() -> None:
        async for batch in awatch(
            *paths, watch_filter=lambda _change, name: wanted(name), stop_event=stop, recursive=recursive
        ):
            into.put_nowait({Path(name) for _kind, name in batch})

    def report(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("stopped watching %s", ", ".join(map(str, paths)), exc_info=task.exception())

    task = asyncio.get_running_loop().create_task(pump())
    task.add_done_callback(report)
    return task


async def _reload_config(server: A3SLanguageServer, path: Path) -> Any:
    try:
        agent = await asyncio.to_thread(server.sessions.load_agent, str(path))
    except Exception as exc:
        message = f"A3S: the new config is invalid, keeping the previous one: {exc}"
        log.warning("%s", message)
        server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
        return None
    server.sessions.replace_agent(agent)
    log.info("config %s reloaded", path)
    server.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Info, message=f"A3S: reloaded {path.name}")
    )
    return agent
