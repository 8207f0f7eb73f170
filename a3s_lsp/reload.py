"""Watches the config file and reloads the agent on change; a bad new config is reported, the old kept."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from .server import A3SLanguageServer

log = logging.getLogger(__name__)


async def watch_config(server: A3SLanguageServer, path: Path) -> None:
    """Runs until cancelled; each change re-parses the config off the event loop."""
    from watchfiles import awatch

    async for _changes in awatch(path.parent, watch_filter=lambda _c, p: Path(p) == path):
        if not await asyncio.to_thread(path.exists):
            continue
        try:
            agent = await asyncio.to_thread(server.sessions.load_agent, str(path))
        except Exception as exc:
            message = f"A3S: the new config is invalid, keeping the previous one: {exc}"
            log.warning("%s", message)
            server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
            continue
        server.sessions.replace_agent(agent)
        log.info("config %s reloaded", path)
