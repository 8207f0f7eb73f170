"""The engine behind the Agent Client Protocol: one ACP session is one engine session."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from acp import PROTOCOL_VERSION, RequestError, update_agent_message_text
from acp.schema import (
    AgentCapabilities,
    ClientCapabilities,
    CloseSessionResponse,
    Implementation,
    InitializeResponse,
    ListSessionsResponse,
    LoadSessionResponse,
    NewSessionResponse,
    PromptCapabilities,
    PromptResponse,
    ResumeSessionResponse,
    SessionCapabilities,
    SessionCloseCapabilities,
    SessionListCapabilities,
    SessionResumeCapabilities,
    SetSessionConfigOptionResponse,
    SetSessionModeResponse,
)

from a3s_code.errors import A3SError

from . import state
from .convert import STOP_REASONS, OpenCalls, PlanTracker, event_updates, history_updates
from .fs import EditorConfirmation, EditorFileSystem, RecordingFileSystem
from .listing import list_sessions

log = logging.getLogger("a3s_lsp.acp")


def prompt_text(blocks: list[Any]) -> str:
    """Text blocks joined; resource links and embedded resources become context the model can see."""
    parts: list[str] = []
    for block in blocks:
        kind = getattr(block, "type", None)
        if kind == "text":
            parts.append(block.text)
        elif kind == "resource_link":
            parts.append(f"@{block.uri}")
        elif kind == "resource":
            resource = block.resource
            text = getattr(resource, "text", None)
            if text is not None:
                parts.append(f'<context uri="{resource.uri}">\n{text}\n</context>')
    return "\n".join(parts)


class A3SAcpAgent:
    """Implements the SDK's ``acp.Agent`` protocol over ``a3s_code`` sessions."""

    def __init__(self, config: str | None = None) -> None:
        self.config = config
        self.conn: Any = None
        self.client_caps = ClientCapabilities()
        self.sessions: dict[str, Any] = {}
        self._engine: Any = None
        self._lines: dict[str, asyncio.Lock] = {}
        """Per session: held by the running turn; prompts sent meanwhile wait in order (FIFO)."""
        self._cancels: dict[str, int] = {}
        """Per session: how many ``session/cancel`` arrived (a queued prompt older than one is dropped)."""
        self._announcers: dict[str, state.CommandsAnnouncer] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._active: dict[str, float] = {}
        """Per session: when its last turn started (``updatedAt`` in ``session/list``)."""

    def on_connect(self, conn: Any) -> None:
        self.conn = conn

    def engine(self) -> Any:
        """The engine's Agent, loaded on first use so ``initialize`` stays instant."""
        if self._engine is None:
            from a3s_code import Agent

            self._engine = Agent(self.config)
        return self._engine

    async def initialize(
        self, protocol_version: int, client_capabilities: Any = None, client_info: Any = None, **_: Any
    ) -> InitializeResponse:
        if client_capabilities is not None:
            self.client_caps = client_capabilities
        return InitializeResponse(
            protocol_version=min(protocol_version, PROTOCOL_VERSION),
            agent_capabilities=AgentCapabilities(
                load_session=True,
                prompt_capabilities=PromptCapabilities(image=False, audio=False, embedded_context=True),
                session_capabilities=SessionCapabilities(
                    list=SessionListCapabilities(),
                    resume=SessionResumeCapabilities(),
                    close=SessionCloseCapabilities(),
                ),
            ),
            agent_info=Implementation(name="a3s-code", title="A3S Code", version=_version()),
        )

    async def authenticate(self, method_id: str, **_: Any) -> None:
        return None

    def _open(self, cwd: str, session_id: str | None = None) -> Any:
        from a3s_code import SessionOptions

        fs_caps = self.client_caps.fs
        engine_fs = EditorFileSystem(
            self.conn,
            "",
            read=bool(fs_caps and fs_caps.read_text_file),
            write=bool(fs_caps and fs_caps.write_text_file),
        )
        options = SessionOptions(session_id=session_id, file_system=RecordingFileSystem(engine_fs))
        # With a session store configured, every turn is saved so session/load works after a restart.
        options.auto_save = self.engine().session_store(options) is not None
        try:
            if session_id is not None:
                session = self.engine().resume_session(session_id, options, cwd)
            else:
                session = self.engine().session(cwd, options)
        except A3SError as exc:
            raise RequestError.invalid_params({"message": str(exc), "code": exc.code}) from None
        engine_fs.session_id = session.session_id
        confirmation = EditorConfirmation(self.conn, session.session_id)
        session.options.confirmation = confirmation
        session.confirmation = self.engine().confirmation_manager(session.options)
        if session.permission_checker is None:
            from a3s_code.permissions import PermissionPolicy

            session.permission_checker = PermissionPolicy.interactive_default()
        state.restore_mode(session)
        self.sessions[session.session_id] = session
        return session

    async def new_session(self, cwd: str, mcp_servers: Any = None, **_: Any) -> NewSessionResponse:
        session = self._open(cwd)
        self._after_open(session)
        return NewSessionResponse(
            session_id=session.session_id,
            modes=state.mode_state(session),
            config_options=state.config_options(session),
        )

    async def load_session(
        self, cwd: str, session_id: str, mcp_servers: Any = None, **_: Any
    ) -> LoadSessionResponse:
        """Replays the history as ``session/update``s, then answers."""
        session = self._find_or_restore(cwd, session_id)
        for update in history_updates(session.history):
            await self.conn.session_update(session_id=session_id, update=update)
        self._after_open(session)
        return LoadSessionResponse(
            modes=state.mode_state(session), config_options=state.config_options(session)
        )

    async def resume_session(self, session_id: str, cwd: str, **_: Any) -> ResumeSessionResponse:
        """Like ``session/load`` without the replay: the client already shows the conversation."""
        session = self._find_or_restore(cwd, session_id)
        self._after_open(session)
        return ResumeSessionResponse(
            modes=state.mode_state(session), config_options=state.config_options(session)
        )

    async def list_sessions(
        self, cwd: str | None = None, cursor: str | None = None, **_: Any
    ) -> ListSessionsResponse:
        return list_sessions(self.engine(), self.sessions, self._active, cwd, cursor)

    async def close_session(self, session_id: str, **_: Any) -> CloseSessionResponse:
        """Cancels the running turn, refuses the queued prompts, frees the session (it stays saved)."""
        session = self._session(session_id)
        self._cancels[session_id] = self._cancels.get(session_id, 0) + 1
        self.sessions.pop(session_id, None)
        self._announcers.pop(session_id, None)
        await session.close_async()
        return CloseSessionResponse()

    def _find_or_restore(self, cwd: str, session_id: str) -> Any:
        session = self.sessions.get(session_id)
        if session is None:
            try:
                session = self._open(cwd, session_id)
            except RequestError:
                raise RequestError.resource_not_found(session_id) from None
        return session

    def _after_open(self, session: Any) -> None:
        """The commands, once the response naming the session is out."""
        self._announcers[session.session_id] = state.CommandsAnnouncer()
        update = self._announcers[session.session_id].update(session)
        self._later(session.session_id, [update] if update is not None else [])

    def _later(self, session_id: str, updates: list[Any]) -> None:
        async def send() -> None:
            await asyncio.sleep(0)  # after the response that names the session
            for update in updates:
                await self.conn.session_update(session_id=session_id, update=update)

        task = asyncio.get_running_loop().create_task(send())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _session(self, session_id: str) -> Any:
        session = self.sessions.get(session_id)
        if session is None:
            raise RequestError.resource_not_found(session_id)
        return session

    async def prompt(self, prompt: list[Any], session_id: str, **_: Any) -> PromptResponse:
        """One turn. A prompt sent while a turn runs waits for it (in order) and then runs; a
        ``session/cancel`` meanwhile cancels it too. Every tool call announced gets a final
        ``tool_call_update`` (a call stopped by ``session/cancel`` ends ``failed``), and a cancelled
        turn is saved like any other."""
        session = self._session(session_id)
        cancels = self._cancels.get(session_id, 0)
        line = self._lines.setdefault(session_id, asyncio.Lock())
        async with line:
            if self._cancels.get(session_id, 0) != cancels:
                return PromptResponse(stop_reason="cancelled")
            return await self._turn(session, prompt_text(prompt))

    async def _turn(self, session: Any, said: str) -> PromptResponse:
        session_id = session.session_id
        self._active[session_id] = time.time()
        text = await self._skill_prefix(session, said)
        if text is None:
            return PromptResponse(stop_reason="end_turn")
        writes = session.fs.writes if isinstance(session.fs, RecordingFileSystem) else {}
        calls, plans = OpenCalls(), PlanTracker()
        stop, cost = "end_turn", session.cost_usd  # events can trail the session's own totals
        send = self.conn.session_update
        try:
            async for event in session.stream_async(text):
                updates = event_updates(event, session.workspace, writes) + plans.updates(event)
                for update in calls.track(event, updates):
                    await send(session_id=session_id, update=update)
                if event.type == "usage":  # after each model call: context used, cost so far
                    cost += event.cost_usd
                    await send(session_id=session_id, update=state.usage_update(session, event.usage, cost))
                if event.type == "turn_end":
                    stop = STOP_REASONS.get(event.stop_reason, "end_turn")
        except A3SError as exc:
            raise RequestError.internal_error({"message": str(exc), "code": exc.code}) from None
        finally:
            for update in calls.close("cancelled" if stop == "cancelled" else "not finished"):
                await send(session_id=session_id, update=update)
        if stop == "cancelled" and session.options.auto_save:
            await session.save_async()  # the turn's own save is skipped when it is cancelled
        await asyncio.to_thread(session.reload_skills)  # a skill file added or changed meanwhile
        announcer = self._announcers.setdefault(session_id, state.CommandsAnnouncer())
        if (commands := announcer.update(session)) is not None:
            await send(session_id=session_id, update=commands)
        leftovers = session.take_unsent_steers()  # steered after the turn's last model call
        if leftovers and stop != "cancelled":
            return await self._turn(session, "\n\n".join(leftovers))
        return PromptResponse(stop_reason=stop)  # type: ignore[arg-type]

    async def _skill_prefix(self, session: Any, text: str) -> str | None:
        """``/<skill> task``: load the skill for this and later turns, and run ``task`` (or just say
        the skill is on). Other ``/`` text goes to the session's slash commands."""
        name, _, rest = text.strip().partition(" ")
        skill = state.skill_commands(session).get(name[1:]) if name.startswith("/") else None
        if skill is None:
            return text
        session.load_skill(skill.name)
        if rest.strip():
            return rest
        said = f"Skill {skill.name} is on for the next turns."
        await self.conn.session_update(session_id=session.session_id, update=update_agent_message_text(said))
        return None

    async def cancel(self, session_id: str, **_: Any) -> None:
        session = self.sessions.get(session_id)
        if session is not None:
            self._cancels[session_id] = self._cancels.get(session_id, 0) + 1
            session.cancel()

    async def set_session_mode(self, session_id: str, mode_id: str, **_: Any) -> SetSessionModeResponse:
        """Our permission modes; an unknown one is -32602. The mode config option follows."""
        session = self._session(session_id)
        state.set_mode(session, mode_id)
        await state.save_mode(session)
        self._later(session_id, [state.config_update(session)])
        return SetSessionModeResponse()

    async def set_config_option(
        self, config_id: str, session_id: str, value: str | bool, **_: Any
    ) -> SetSessionConfigOptionResponse:
        session = self._session(session_id)
        self._later(session_id, state.set_config_option(session, config_id, value))
        if config_id == "mode":
            await state.save_mode(session)
        return SetSessionConfigOptionResponse(config_options=state.config_options(session))

    async def ext_method(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """``_a3s/session/steer {sessionId, text}`` -> ``{steered}``: ACP v1 has no steering of its own
        (``docs/steer.md``)."""
        if method != "a3s/session/steer":
            raise RequestError.method_not_found(f"_{method}")
        session_id, text = params.get("sessionId"), params.get("text")
        if not isinstance(session_id, str) or not isinstance(text, str) or not text.strip():
            raise RequestError.invalid_params({"message": "_a3s/session/steer takes {sessionId, text}"})
        return {"steered": bool(self._session(session_id).steer(text))}

    async def ext_notification(self, method: str, params: dict[str, Any]) -> None:
        return None

    async def shutdown(self) -> None:
        for session in list(self.sessions.values()):
            try:
                await session.close_async()
            except Exception:  # noqa: BLE001 - closing must not stop the others
                log.exception("closing session %s", session.session_id)


def _version() -> str:
    from a3s_code import __version__

    return __version__
