"""The engine behind the Agent Client Protocol: one ACP session is one engine session."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from acp import PROTOCOL_VERSION, RequestError
from acp.helpers import update_available_commands
from acp.schema import (
    AgentCapabilities,
    AvailableCommand,
    ClientCapabilities,
    Implementation,
    InitializeResponse,
    LoadSessionResponse,
    NewSessionResponse,
    PromptCapabilities,
    PromptResponse,
)

from a3s_code.errors import A3SError

from .convert import STOP_REASONS, OpenCalls, event_updates, history_updates
from .fs import EditorConfirmation, EditorFileSystem, RecordingFileSystem

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
        self.sessions[session.session_id] = session
        return session

    async def new_session(self, cwd: str, mcp_servers: Any = None, **_: Any) -> NewSessionResponse:
        session = self._open(cwd)
        self._announce_commands(session)
        return NewSessionResponse(session_id=session.session_id)

    async def load_session(
        self, cwd: str, session_id: str, mcp_servers: Any = None, **_: Any
    ) -> LoadSessionResponse:
        session = self.sessions.get(session_id)
        if session is None:
            try:
                session = self._open(cwd, session_id)
            except RequestError:
                raise RequestError.resource_not_found(session_id) from None
        for update in history_updates(session.history):
            await self.conn.session_update(session_id=session_id, update=update)
        self._announce_commands(session)
        return LoadSessionResponse()

    def _announce_commands(self, session: Any) -> None:
        commands = [AvailableCommand(name=c.name, description=c.description) for c in session.commands.list()]

        async def send() -> None:
            await asyncio.sleep(0)  # after the response that names the session
            await self.conn.session_update(
                session_id=session.session_id, update=update_available_commands(commands)
            )

        task = asyncio.get_running_loop().create_task(send())
        self._background = task

    def _session(self, session_id: str) -> Any:
        session = self.sessions.get(session_id)
        if session is None:
            raise RequestError.resource_not_found(session_id)
        return session

    async def prompt(self, prompt: list[Any], session_id: str, **_: Any) -> PromptResponse:
        """One turn. Every tool call announced gets a final ``tool_call_update`` (a call stopped by
        ``session/cancel`` ends ``failed``), and a cancelled turn is saved like any other."""
        session = self._session(session_id)
        text = prompt_text(prompt)
        writes = session.fs.writes if isinstance(session.fs, RecordingFileSystem) else {}
        calls = OpenCalls()
        stop = "end_turn"
        try:
            async for event in session.stream_async(text):
                for update in calls.track(event, event_updates(event, session.workspace, writes)):
                    await self.conn.session_update(session_id=session_id, update=update)
                if event.type == "turn_end":
                    stop = STOP_REASONS.get(event.stop_reason, "end_turn")
        except A3SError as exc:
            raise RequestError.internal_error({"message": str(exc), "code": exc.code}) from None
        finally:
            for update in calls.close("cancelled" if stop == "cancelled" else "not finished"):
                await self.conn.session_update(session_id=session_id, update=update)
        if stop == "cancelled" and session.options.auto_save:
            await session.save_async()  # the turn's own save is skipped when it is cancelled
        return PromptResponse(stop_reason=stop)  # type: ignore[arg-type]

    async def cancel(self, session_id: str, **_: Any) -> None:
        session = self.sessions.get(session_id)
        if session is not None:
            session.cancel()

    async def set_session_mode(self, session_id: str, mode_id: str, **_: Any) -> None:
        return None

    async def ext_method(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        raise RequestError.method_not_found(method)

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
