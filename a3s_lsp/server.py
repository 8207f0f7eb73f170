"""The language server: state lives here (settings, open-document waiters, sessions), features elsewhere."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import __version__
from .documents import Document, DocumentStore
from .framing import DEFAULT_MAX_MESSAGE_BYTES
from .protocol import CONFIRMATIONS_CAPABILITY, A3SProtocol, plain_converter
from .sessions import SessionManager
from .uris import uri_to_path
from .workers import WorkerHub


@dataclass
class DaemonSettings:
    """Everything the command line (and ``initializationOptions``) can set."""

    config: str | None = None
    """Agent config: a path to an HCL file, or None for the engine's discovery."""
    coalesce_ms: int = 30
    """Text and thinking deltas are batched for this long before an ``a3s/event`` goes out."""
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    edit_verify_timeout_s: float = 3.0
    """How long to wait for the editor's didChange after it says an edit was applied."""


class A3SLanguageServer(LanguageServer):
    """pygls server carrying the daemon's state; handlers in ``features/`` stay thin."""

    protocol: A3SProtocol

    def __init__(self, settings: DaemonSettings) -> None:
        super().__init__(
            "a3s-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=A3SProtocol,
            converter_factory=plain_converter,
        )
        self.settings = settings
        self.sessions = SessionManager(self)
        self.workers = WorkerHub(self)
        self.documents = DocumentStore()
        self.client_info: types.ClientInfo | None = None
        self.folders: list[Path] = []
        """Workspace folders from ``initialize`` and ``workspace/didChangeWorkspaceFolders``."""
        self.initialized = False
        """``initialized`` was received (a second one changes nothing)."""
        self._config_watch: asyncio.Task[None] | None = None
        self.warm: asyncio.Event | None = None
        """Set once the warm-up thread started at ``initialized`` has imported what a first prompt
        needs (wire models, engine); ``None`` when no warm-up runs. See ``until_warm``."""

    async def until_warm(self) -> None:
        """Wait, without blocking the loop, for the warm-up imports. A handler that imported a
        module the warm-up thread is importing would block the whole loop on the module's lock."""
        if self.warm is not None and not self.warm.is_set():
            await self.warm.wait()

    # -- config reload ----------------------------------------------------------------------------

    def start_config_watch(self) -> None:
        """Reload the agent when the config file changes (only for a config given as a file)."""
        config = self.settings.config
        if not config or self._config_watch is not None or not Path(config).is_file():
            return
        self._config_watch = asyncio.get_running_loop().create_task(
            self._watch_config(Path(config).resolve())
        )

    async def _watch_config(self, path: Path) -> None:
        await self.until_warm()  # watchfiles loads anyio's backend: let the warm-up thread do it
        from .reload import watch_config

        await watch_config(self, path)

    def stop_config_watch(self) -> None:
        if self._config_watch is not None:
            self._config_watch.cancel()
            self._config_watch = None

    # -- documents ------------------------------------------------------------------------------

    def open_document(self, path: Path) -> Document | None:
        """The editor's buffer for ``path`` if the client has it open (never a disk-backed stand-in)."""
        return self.documents.by_path(path)

    def open_paths(self) -> list[tuple[Path, Document]]:
        return list(self.documents.files())

    def default_workspace(self) -> str:
        """The first workspace folder (LSP ``workspaceFolders``, else ``rootUri``), else the cwd."""
        return str(self.folders[0]) if self.folders else os.getcwd()

    def set_folders(self, uris: list[str]) -> None:
        """The client's workspace folders, in its order (non-file URIs are left out)."""
        found = [p for p in (uri_to_path(u) for u in uris) if p is not None]
        self.folders = list(dict.fromkeys(found))

    def in_folders(self, path: str) -> bool:
        """Whether ``path`` is one of the workspace folders or inside one. Blocking (resolves)."""
        target = Path(path).resolve()
        return any(target.is_relative_to(f.resolve()) for f in self.folders)

    def folder_for(self, workspace: str | None = None, uri: str | None = None) -> Path:
        """``workspace`` resolved; else the innermost folder holding document ``uri``; else the first.

        Blocking (resolves paths): call it off the event loop."""
        if workspace:
            return Path(workspace).resolve()
        path = uri_to_path(uri) if uri else None
        if path is not None:
            target = path.resolve()
            holding = [f.resolve() for f in self.folders if target.is_relative_to(f.resolve())]
            if holding:
                return max(holding, key=lambda f: len(f.parts))
        return Path(self.default_workspace()).resolve()

    # -- client capabilities --------------------------------------------------------------------

    def _caps(self) -> types.ClientCapabilities:
        caps = getattr(self.protocol, "client_capabilities", None)
        return caps if caps is not None else types.ClientCapabilities()

    def _edit_caps(self) -> types.WorkspaceEditClientCapabilities | None:
        workspace = self._caps().workspace
        return workspace.workspace_edit if workspace is not None else None

    def supports_document_changes(self) -> bool:
        """documentChanges, or resource operations (which only exist inside documentChanges)."""
        edit = self._edit_caps()
        return bool(edit and (edit.document_changes or edit.resource_operations))

    def supports_change_annotations(self) -> bool:
        edit = self._edit_caps()
        return bool(edit and edit.change_annotation_support is not None)

    def supports_progress(self) -> bool:
        window = self._caps().window
        return bool(window and window.work_done_progress)

    def supports_show_document(self) -> bool:
        window = self._caps().window
        return bool(window and window.show_document and window.show_document.support)

    def client_drops_stale_edits(self) -> bool:
        """Neovim answers ``applied: true`` for a versioned edit it dropped as stale (``docedit``)."""
        return self.client_info is not None and self.client_info.name == "Neovim"

    def supports_a3s_confirm(self) -> bool:
        experimental: Any = self._caps().experimental
        return isinstance(experimental, dict) and bool(experimental.get(CONFIRMATIONS_CAPABILITY))


def create_server(settings: DaemonSettings) -> A3SLanguageServer:
    from .features import register_all

    server = A3SLanguageServer(settings)
    register_all(server)
    return server
