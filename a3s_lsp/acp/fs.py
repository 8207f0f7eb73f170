"""The engine's FileSystem and ConfirmationProvider over ACP: the editor reads, writes and asks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from acp import RequestError
from acp.schema import PermissionOption, ToolCallUpdate

from a3s_code.errors import ToolError
from a3s_code.fs import FileSystem, LocalFileSystem, TemplateWriter, WrappingFileSystem
from a3s_code.ports import ConfirmationDecision, ConfirmationRequest

from .convert import tool_kind, tool_title


class RecordingFileSystem(WrappingFileSystem):
    """Wraps the real file system and remembers each write's before/after, for ACP diff content."""

    def __init__(self, inner: FileSystem) -> None:
        super().__init__(inner)
        self.writes: dict[Path, tuple[str | None, str]] = {}

    async def snapshot_bytes(self, path: Path) -> bytes:
        """For checkpoints (``a3s_code.checkpoints.SnapshotReader``): the editor's view of the file."""
        reader = getattr(self.inner, "snapshot_bytes", None) or self.inner.read_bytes
        return bytes(await reader(path))

    async def write_text(self, path: Path, content: str) -> None:
        await self._write(path, content, None)

    async def write_text_like(self, path: Path, content: str, template: Path) -> None:
        await self._write(path, content, template)

    async def _write(self, path: Path, content: str, template: Path | None) -> None:
        try:
            before: str | None = await self.inner.read_text(path)
        except (FileNotFoundError, ToolError):
            before = None
        if template is not None and isinstance(self.inner, TemplateWriter):
            await self.inner.write_text_like(path, content, template)
        else:
            await self.inner.write_text(path, content)
        self.writes[path] = (before, content)

    async def delete(self, path: Path) -> None:
        await self.inner.delete(path)


class EditorFileSystem:
    """``fs/read_text_file`` and ``fs/write_text_file``: the editor's buffers, unsaved text included."""

    def __init__(self, conn: Any, session_id: str, read: bool, write: bool) -> None:
        self.conn = conn
        self.session_id = session_id
        self.can_read = read
        self.can_write = write
        self.local = LocalFileSystem()

    async def read_text(self, path: Path) -> str:
        if not self.can_read:
            return await self.local.read_text(path)
        try:
            response = await self.conn.read_text_file(session_id=self.session_id, path=str(path))
        except RequestError as exc:
            if not path.exists():  # noqa: ASYNC240 - one stat, on a failure path
                raise FileNotFoundError(str(path)) from None
            raise ToolError(f"the editor could not read {path}: {exc}") from None
        return str(response.content)

    async def read_bytes(self, path: Path) -> bytes:
        return await self.local.read_bytes(path)

    async def snapshot_bytes(self, path: Path) -> bytes:
        """The buffer's text as UTF-8 where the editor reads for us (agent writes land there, not on
        disk), else the disk's bytes; checkpoints record and compare this."""
        if self.can_read:
            try:
                return (await self.read_text(path)).encode("utf-8")
            except ToolError:
                pass  # not text the editor serves: the bytes on disk
        return await self.local.read_bytes(path)

    async def write_text(self, path: Path, content: str) -> None:
        if not self.can_write:
            await self.local.write_text(path, content)
            return
        try:
            await self.conn.write_text_file(session_id=self.session_id, path=str(path), content=content)
        except RequestError as exc:
            raise ToolError(f"the editor refused to write {path}: {exc}") from None

    async def delete(self, path: Path) -> None:
        await self.local.delete(path)

    def overlays(self) -> Mapping[Path, str]:
        return {}


_OPTIONS = [
    PermissionOption(option_id="allow", name="Allow", kind="allow_once"),
    PermissionOption(option_id="allow_session", name="Allow for this session", kind="allow_always"),
    PermissionOption(option_id="deny", name="Deny", kind="reject_once"),
]


class EditorConfirmation:
    """``session/request_permission``; a cancelled or failed request is never an allow."""

    def __init__(self, conn: Any, session_id: str) -> None:
        self.conn = conn
        self.session_id = session_id

    async def confirm(self, request: ConfirmationRequest) -> ConfirmationDecision:
        call = ToolCallUpdate(
            tool_call_id=request.tool_id,
            title=tool_title(request.tool_name, request.args),
            kind=tool_kind(request.tool_name),
            status="pending",
            raw_input=request.args,
        )
        try:
            response = await self.conn.request_permission(
                session_id=self.session_id, tool_call=call, options=_OPTIONS
            )
        except RequestError:
            return "deny"
        outcome = response.outcome
        if outcome.outcome == "cancelled":
            return "cancelled"
        chosen = outcome.option_id
        if chosen == "allow":
            return "allow"
        if chosen == "allow_session":
            return "allow_session"
        return "deny"
