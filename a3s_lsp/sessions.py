"""Sessions the daemon hosts: the engine loads on first use; each turn runs as its own task.

Nothing here imports the engine at module level, so ``initialize`` is answered before any
provider SDK is loaded.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import convert
from .errors import A3SLspError, SessionBusyError, SessionNotFoundError

if TYPE_CHECKING:
    from a3s_code.messages import ImageBlock

    from . import wire
    from .server import A3SLanguageServer
    from .turns import EventForwarder

    Images = list[ImageBlock]  # an alias: inside SessionManager, ``list`` is a method
    Texts = list[str]
else:
    from ._lazy import wire

log = logging.getLogger(__name__)


@dataclass
class HostedSession:
    """An engine Session plus what the daemon tracks about it."""

    session: Any
    turn: asyncio.Task[wire.TurnResult] | None = None
    turn_id: str | None = None
    cancel_requested: bool = False
    follows_folders: bool = False
    """The session's further roots are the client's other workspace folders, kept in step with
    ``workspace/didChangeWorkspaceFolders`` (its workspace itself never changes)."""
    line: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held by the running turn; prompts sent meanwhile wait here in order (asyncio.Lock is FIFO)."""
    queued: int = 0
    closed: bool = False

    def cancel(self) -> bool:
        """Cancel the running turn, even one whose engine task has not started yet."""
        if not self.running:
            return False
        self.cancel_requested = True
        self.session.cancel()
        return True

    @property
    def running(self) -> bool:
        return self.turn is not None and not self.turn.done()

    def summary(self) -> wire.SessionSummary:
        s = self.session
        return wire.SessionSummary(
            session_id=s.session_id,
            workspace=str(s.workspace),
            roots=[str(r) for r in s.roots.all()],
            model=s.model,
            running=self.running,
            turn_id=self.turn_id if self.running else None,
            turns=s.turns,
            messages=len(s.history),
            usage=s.usage.model_dump(mode="json"),
            cost_usd=s.cost_usd,
            sandbox=wire.SandboxState(**asdict(s.sandbox_info())),
        )

    def opened(self) -> wire.SessionOpened:
        """The summary plus the session's tools: the answer to create and resume."""
        return wire.SessionOpened(**dict(self.summary()), tools=self.session.tool_names())


class SessionManager:
    """Creates, finds and drives sessions; several run turns at once without blocking each other."""

    def __init__(self, server: A3SLanguageServer) -> None:
        self._server = server
        self._agent: Any = None
        self._agent_lock: asyncio.Lock | None = None
        self._sessions: dict[str, HostedSession] = {}
        self.forwarders: dict[str, EventForwarder] = {}
        self._background: set[asyncio.Task[None]] = set()
        """The running turn's event forwarder per session (a confirmation flushes it first)."""

    # -- the engine, lazily ---------------------------------------------------------------------

    async def agent(self) -> Any:
        """The engine's Agent, built off the event loop on first use (imports and config parsing)."""
        if self._agent is None:
            if self._agent_lock is None:
                self._agent_lock = asyncio.Lock()
            async with self._agent_lock:
                if self._agent is None:
                    self._agent = await asyncio.to_thread(self.load_agent, self._server.settings.config)
        return self._agent

    @staticmethod
    def load_agent(config: str | None) -> Any:
        from a3s_code import Agent

        return Agent(config)

    def replace_agent(self, agent: Any) -> None:
        """A reloaded config: sessions created from now on use it, running ones keep theirs."""
        self._agent = agent

    def reload_skills(self) -> int:
        """A skill folder changed: every open session re-reads its skills (next turn sees them)."""
        for hosted in self._sessions.values():
            hosted.session.reload_skills()
        return len(self._sessions)

    # -- lifecycle ------------------------------------------------------------------------------

    async def create(
        self,
        workspace: str | None = None,
        model: str | None = None,
        session_id: str | None = None,
        *,
        planning: bool = False,
        goal_tracking: bool = False,
        roots: list[str] | None = None,
    ) -> HostedSession:
        """A new session in ``workspace`` (default: the first workspace folder).

        ``roots``: further folders it may use; None gives a session whose workspace is one of the
        client's workspace folders (or inside one) the other folders, following later changes.
        Raises the engine's ``A3SError`` (a workspace or root that is not a folder, a sandbox that
        cannot run)."""
        if session_id is not None and session_id in self._sessions:
            raise SessionBusyError(f"a session with id {session_id} already exists")
        agent = await self.agent()
        from a3s_code import SessionOptions

        from .confirm import LspConfirmationProvider
        from .lspfs import LspFileSystem
        from .turndiff import recording

        options = SessionOptions(
            model=model,
            session_id=session_id,
            file_system=recording(LspFileSystem(self._server)),
            confirmation=LspConfirmationProvider(self._server),
            planning=planning,
            goal_tracking=goal_tracking,
        )
        root = workspace or self._server.default_workspace()
        follows = roots is None and await asyncio.to_thread(self._server.in_folders, root)
        options.roots = list(roots or [])
        session = await asyncio.to_thread(agent.session, Path(root), options)
        self._server.workers.attach(session)
        hosted = HostedSession(session, follows_folders=follows)
        if follows:
            await asyncio.to_thread(self.follow_folders, hosted)
        self._sessions[session.session_id] = hosted
        log.info("session %s created in %s (%s)", session.session_id, session.workspace, session.model)
        return hosted

    def get(self, session_id: str) -> HostedSession:
        hosted = self._sessions.get(session_id)
        if hosted is None:
            raise SessionNotFoundError(f"no session with id {session_id!r}")
        return hosted

    async def resume(self, session_id: str, workspace: str | None = None) -> HostedSession:
        """A live session as it is, else one restored from the engine's session store."""
        hosted = self._sessions.get(session_id)
        if hosted is not None:
            return hosted
        agent = await self.agent()
        if not hasattr(agent, "resume_session"):
            raise SessionNotFoundError(f"no session with id {session_id!r} (and no session store)")
        from a3s_code import SessionOptions

        from .confirm import LspConfirmationProvider
        from .lspfs import LspFileSystem
        from .turndiff import recording

        options = SessionOptions(
            file_system=recording(LspFileSystem(self._server)),
            confirmation=LspConfirmationProvider(self._server),
        )
        root = Path(workspace or self._server.default_workspace())
        session = await asyncio.to_thread(agent.resume_session, session_id, root, options)
        self._server.workers.attach(session)
        follows = await asyncio.to_thread(self._server.in_folders, str(session.workspace))
        hosted = HostedSession(session, follows_folders=follows)
        if follows:
            await asyncio.to_thread(self.follow_folders, hosted)
        self._sessions[session.session_id] = hosted
        return hosted

    def follow_folders(self, hosted: HostedSession, removed: list[Path] | None = None) -> None:
        """Give a folder-following session every current workspace folder as a root and drop
        ``removed`` ones (never its own workspace). Blocking (resolves paths)."""
        session = hosted.session
        for folder in removed or []:
            if folder.resolve() != session.workspace:
                session.remove_root(folder)
        for folder in self._server.folders:
            if folder.is_dir():
                session.add_root(folder)

    def folders_changed(self, removed: list[Path]) -> None:
        """``workspace/didChangeWorkspaceFolders``: folder-following sessions follow. Called on the
        event loop (so no tool call sees half a change); it only resolves a few local paths."""
        for hosted in self._sessions.values():
            if hosted.follows_folders:
                self.follow_folders(hosted, removed)

    async def fork(self, session_id: str, turn: int | str | None, new_id: str | None = None) -> HostedSession:
        """A new hosted session holding ``session_id``'s conversation from before ``turn`` (all of it
        when None); files are not touched (``Session.fork_async``)."""
        hosted = self.get(session_id)
        if new_id is not None and new_id in self._sessions:
            raise SessionBusyError(f"a session with id {new_id} already exists")
        if turn is None and hosted.running:
            raise SessionBusyError(f"session {session_id} is running a turn; name a turn or wait")
        from dataclasses import replace

        from .confirm import LspConfirmationProvider
        from .lspfs import LspFileSystem

        options = replace(
            hosted.session.options,
            session_id=new_id or uuid.uuid4().hex,
            file_system=LspFileSystem(self._server),
            confirmation=LspConfirmationProvider(self._server),
        )
        session = await hosted.session.fork_async(turn, options=options)
        self._server.workers.attach(session)
        forked = HostedSession(session)
        self._sessions[session.session_id] = forked
        return forked

    async def save(self, session_id: str) -> wire.SessionSaved:
        hosted = self.get(session_id)
        save = getattr(hosted.session, "save_async", None)
        if save is None:
            raise A3SLspError("this engine build has no session store; sessions live in memory only")
        where = await save()
        return wire.SessionSaved(
            session_id=session_id, saved=True, location=None if where is None else str(where)
        )

    def list(self) -> list[HostedSession]:
        return list(self._sessions.values())

    async def default(self, workspace: str | None = None, uri: str | None = None) -> HostedSession:
        """The first session in ``workspace``, else in the workspace folder holding document ``uri``,
        else in the first folder (created when there is none): for commands and code actions."""
        root = await asyncio.to_thread(self._server.folder_for, workspace, uri)
        for hosted in self._sessions.values():
            if Path(hosted.session.workspace) == root:
                return hosted
        return await self.create(str(root))

    async def close(self, session_id: str) -> bool:
        hosted = self.get(session_id)
        turn = hosted.turn
        if turn is not None and not turn.done():
            hosted.cancel()
            await asyncio.gather(turn, return_exceptions=True)
        hosted.closed = True  # prompts still queued are refused
        self._sessions.pop(session_id, None)
        return True

    def cancel(self, session_id: str) -> bool:
        """Stop the running turn (it ends with stop reason ``cancelled``); harmless when idle."""
        return self.get(session_id).cancel()

    def cancel_all(self) -> None:
        for hosted in self._sessions.values():
            hosted.cancel()

    async def shutdown(self) -> None:
        turns = [h.turn for h in self._sessions.values() if h.turn is not None and not h.turn.done()]
        for hosted in self._sessions.values():
            hosted.cancel()
        await asyncio.gather(*turns, return_exceptions=True)

    # -- turns ----------------------------------------------------------------------------------

    async def send(
        self,
        session_id: str,
        prompt: str,
        turn_id: str | None = None,
        images: Images | None = None,
    ) -> wire.TurnResult:
        """Run one turn and return its result; cancelling this call cancels the turn, not the answer.

        A prompt sent while a turn runs is queued: it runs after that turn (and the prompts queued
        before it) ends. Cancelling a queued call drops it; ``a3s/session/cancel`` stops only the
        running turn."""
        hosted = self.get(session_id)
        hosted.queued += 1
        try:
            await hosted.line.acquire()
        finally:
            hosted.queued -= 1
        try:
            if hosted.closed:
                raise SessionNotFoundError(f"session {session_id} was closed before this prompt ran")
            turn_id = turn_id or uuid.uuid4().hex[:12]
            hosted.session.steering.open()  # a steer sent while the turn starts reaches it
            task = asyncio.create_task(self._run_turn(hosted, prompt, turn_id, images))
            hosted.turn, hosted.turn_id, hosted.cancel_requested = task, turn_id, False
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None:
                    current.uncancel()
                hosted.cancel()
                return await task
        finally:
            hosted.session.steering.close(drop=hosted.cancel_requested)
            hosted.line.release()
            self._send_unsent_steers(hosted)

    def steer(self, session_id: str, text: str) -> wire.Steered:
        """Add ``text`` to the running turn (the engine's ``Session.steer``). A turn that is starting
        or past its last model call cannot take it: the text is queued as the next prompt instead."""
        hosted = self.get(session_id)
        if not hosted.running:
            return wire.Steered(steered=False)
        if hosted.session.steer(text):
            return wire.Steered(steered=True)
        self._in_background(hosted, [text])
        return wire.Steered(steered=False, queued=True)

    def _send_unsent_steers(self, hosted: HostedSession) -> None:
        texts = hosted.session.take_unsent_steers()
        if texts and not hosted.closed:
            self._in_background(hosted, texts)

    def _in_background(self, hosted: HostedSession, texts: Texts) -> None:
        """Send ``texts`` as one queued prompt no request waits for (its events stream as usual)."""

        async def run() -> None:
            try:
                await self.send(hosted.session.session_id, "\n\n".join(texts))
            except A3SLspError as exc:
                log.info("a steer sent as a prompt was not run: %s", exc)

        task = asyncio.get_running_loop().create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _run_turn(
        self, hosted: HostedSession, prompt: str, turn_id: str, images: Images | None = None
    ) -> wire.TurnResult:
        from a3s_code.events import TurnEnd, TurnStart

        from . import turndiff
        from .turns import EventForwarder, TurnProgress

        session = hosted.session
        forwarder = EventForwarder(
            self._server, session.session_id, turn_id, self._server.settings.coalesce_ms
        )
        progress = TurnProgress(self._server, turn_id, hosted.cancel)
        await progress.begin(f"A3S: {prompt.strip()[:60]}")
        end: TurnEnd | None = None
        if hosted.cancel_requested:
            progress.end("cancelled")
            return convert.turn_result(session.session_id, turn_id, None, "cancelled")
        self.forwarders[session.session_id] = forwarder
        turndiff.begin(session, turn_id)
        try:
            async for event in session.stream_async(prompt, images):
                if isinstance(event, TurnStart):
                    session.checkpoints.name_turn(event.turn, turn_id)  # rewind can name it so
                forwarder.push(event)
                progress.on_event(event)
                if isinstance(event, TurnEnd):
                    end = event
        finally:
            self.forwarders.pop(session.session_id, None)
            forwarder.flush()
            try:
                turndiff.finish(self._server, session, turn_id)
            except Exception:  # the turn's result still reaches the client
                log.exception("could not send the diff of turn %s", turn_id)
            progress.end(end.stop_reason if end else "failed")
        return convert.turn_result(session.session_id, turn_id, end)
