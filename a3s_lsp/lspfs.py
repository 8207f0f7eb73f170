"""The engine's FileSystem over the editor: reads see unsaved buffers, writes to open ones are applyEdits.

Files that are not open go to disk atomically (and a new file is shown to the user). An open
buffer is only replaced through ``workspace/applyEdit``, and never when the user changed it since
the agent last read it, so unsaved user edits are not overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from a3s_code import nofollow
from a3s_code.errors import ToolError
from a3s_code.fs import read_disk_text, read_disk_window, write_disk_text, write_disk_text_like
from a3s_code.textcodec import NotTextError, decode
from a3s_code.textwindow import TextWindow, window_of_text

from .docedit import EditRefused, apply_to_open_document
from .documents import Document
from .uris import path_to_uri, same_file_key

if TYPE_CHECKING:
    from .server import A3SLanguageServer

log = logging.getLogger(__name__)
_UNREAD = object()


class LspFileSystem:
    """One per session: it remembers which buffer version the agent read, per path."""

    def __init__(self, server: A3SLanguageServer, label: str = "A3S agent edit") -> None:
        self._server = server
        self._label = label
        self._read_versions: dict[Path, int | None] = {}
        self._read_texts: dict[Path, str] = {}

    async def read_text(self, path: Path) -> str:
        doc = self._server.open_document(path)
        if doc is not None:
            self._read_versions[path] = doc.version
            self._read_texts[path] = doc.current
            return doc.current
        text, _ = await asyncio.to_thread(read_disk_text, path)
        return text

    async def read_bytes(self, path: Path) -> bytes:
        doc = self._server.open_document(path)
        if doc is not None:
            return doc.current.encode("utf-8")
        return await asyncio.to_thread(nofollow.read_bytes, path)

    async def read_window(
        self, path: Path, offset: int, limit: int, max_bytes: int, max_line: int
    ) -> TextWindow:
        """A window of the open buffer, else of the file on disk (streamed when it is big)."""
        doc = self._server.open_document(path)
        if doc is not None:
            self._read_versions[path] = doc.version
            self._read_texts[path] = doc.current
            return window_of_text(doc.current, offset, limit, max_bytes, max_line)
        return await asyncio.to_thread(read_disk_window, path, offset, limit, max_bytes, max_line)

    async def write_text(self, path: Path, content: str) -> None:
        await self._write(path, content, None)

    async def write_text_like(self, path: Path, content: str, template: Path) -> None:
        """Like ``write_text``; a new file on disk takes ``template``'s encoding (a moved file)."""
        await self._write(path, content, template)

    async def _write(self, path: Path, content: str, template: Path | None) -> None:
        doc = self._server.open_document(path)
        if doc is None:
            created = not await asyncio.to_thread(path.exists)
            if template is None:
                await asyncio.to_thread(write_disk_text, path, content)
            else:
                await asyncio.to_thread(write_disk_text_like, path, content, template)
            if created:
                await self._show(path)
            return
        await self._edit_open(doc, path, content)

    async def delete(self, path: Path) -> None:
        doc = self._server.open_document(path)
        if doc is not None and await self._dirty(doc, path):
            raise ToolError(f"{path.name} has unsaved changes in the editor; not deleting it")
        await asyncio.to_thread(nofollow.unlink, path)

    async def restore_bytes(self, path: Path, data: bytes | None) -> None:
        """Put ``path`` back to ``data`` for a rewind (``a3s_code.rewind``): an open document through a
        versioned ``workspace/applyEdit`` (the text ``data`` decodes to; saving writes it), any other
        file as exact bytes on disk; None removes the file (refused while its buffer holds unsaved
        text). Raises ToolError when the editor refuses the edit."""
        doc = self._server.open_document(path)
        if data is None:
            if doc is not None:
                await self.delete(path)
                return
            with contextlib.suppress(FileNotFoundError):
                await asyncio.to_thread(nofollow.unlink, path)
            return
        if doc is None:
            await asyncio.to_thread(nofollow.write_atomic, path, data)
            return
        try:
            await apply_to_open_document(self._server, doc, path, decode(data, path.name)[0], "A3S rewind")
        except EditRefused as exc:
            raise self._refused(str(exc)) from None

    def overlays(self) -> Mapping[Path, str]:
        """Open buffers whose text differs from the file on disk (or that have no file yet)."""
        found: dict[Path, str] = {}
        for path, doc in self._server.open_paths():
            if _disk_text(path) != doc.current:
                found[Path(same_file_key(path))] = doc.current  # resolved, as the engine's paths are
        return found

    # -- open documents -------------------------------------------------------------------------

    async def _edit_open(self, doc: Document, path: Path, content: str) -> None:
        if doc.current == content:
            return
        if "\ufffd" in doc.current and await asyncio.to_thread(_misdecoded, path):
            raise self._refused(
                f"{path.name} is open in the editor with replacement characters (U+FFFD): the editor "
                "read it as UTF-8, but it is stored in another encoding, so saving it would destroy "
                "those characters. Reopen it in its own encoding (VS Code: 'Reopen with Encoding'; "
                "Neovim: ':e ++enc=latin1'), then retry; nothing was changed"
            )
        read = self._read_versions.get(path, _UNREAD)
        if read is _UNREAD:
            if await self._dirty(doc, path):
                raise ToolError(
                    f"{path.name} has unsaved changes in the editor that the agent has not seen; "
                    "read the file first, then edit it"
                )
        elif read != doc.version and self._read_texts.get(path) != doc.current:
            raise ToolError(
                f"{path.name} changed in the editor since the agent read it (version {read} -> "
                f"{doc.version}); read it again and redo the edit"
            )
        try:
            await apply_to_open_document(self._server, doc, path, content, self._label)
        except EditRefused as exc:
            raise self._refused(str(exc)) from None
        self._read_versions[path] = doc.version
        self._read_texts[path] = content

    def _refused(self, message: str) -> ToolError:
        """The agent gets the error as its tool result; the user sees it too, as a warning."""
        self._server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"A3S: {message}")
        )
        return ToolError(message)

    async def _dirty(self, doc: Document, path: Path) -> bool:
        on_disk = await asyncio.to_thread(_disk_text, path)
        return bool(doc.current) if on_disk is None else on_disk != doc.current

    async def _show(self, path: Path) -> None:
        """Open a file the agent created, where the client can (best effort, never fails the write)."""
        uri = path_to_uri(path)
        if not self._server.supports_show_document():
            return
        try:
            await asyncio.wait_for(
                self._server.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=False)),
                5,
            )
        except Exception as exc:
            log.info("showDocument for %s failed: %s", path, exc)


def _disk_text(path: Path) -> str | None:
    """The file's text in its own encoding; None when it is missing or not text."""
    try:
        return read_disk_text(path)[0]
    except (OSError, NotTextError, ToolError):
        return None


def _misdecoded(path: Path) -> bool:
    """Whether the file on disk is not UTF-8: a buffer showing U+FFFD was then decoded wrongly."""
    try:
        nofollow.read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return True
    except OSError:
        return False
    return False
