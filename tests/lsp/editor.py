"""A pytest-lsp client that behaves like an editor: it keeps buffers, applies the daemon's edits the
way VS Code or Neovim do (including Neovim's "stale edit dropped, applied: true"), answers
confirmations, and records ``a3s/event`` notifications as plain dicts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests import resident
from tests.lsp import lsp_reference

CLIENTS = ["visual-studio-code", "neovim@v0.7.0"]
CLIENT_NAMES = {"visual-studio-code": "Visual Studio Code", "neovim": "Neovim", "emacs": "Eglot"}


def plain(value: Any) -> Any:
    """pygls hands custom payloads over as namedtuples; turn them back into JSON values."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def apply_text_edits(text: str, edits: list[Any], encoding: str = "utf-16") -> str:
    """Apply edits as an LSP client does (tests/lsp/lsp_reference.py: LSP lines, code units)."""
    return lsp_reference.apply_edits(text, edits, encoding)


class Editor:
    """Buffers by URI, driven through a pytest-lsp LanguageClient."""

    def __init__(self, client: LanguageClient, flavour: str) -> None:
        self.client = client
        self.flavour = flavour
        self.buffers: dict[str, tuple[str, int]] = {}
        self.events: list[dict[str, Any]] = []
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.confirmations: list[dict[str, Any]] = []
        self.decide: Callable[[dict[str, Any]], str] = lambda _p: "allow"
        self.refuse: str | None = None
        """When set, edits are answered ``applied: false`` with this reason (the user said no)."""
        self.before_edit: Callable[[], None] | None = None
        """Runs when an applyEdit arrives, before it is applied: the user typing while it is in flight."""
        self.late_did_change: float | None = None
        """eglot: the buffer changes at once but its didChange goes out this many seconds later."""
        self.server_capabilities: types.ServerCapabilities | None = None
        """What the daemon advertised in its ``initialize`` result."""
        self._arrived = asyncio.Event()
        _fix_code_action_union(client)
        # pygls cannot register bound methods (it sets attributes on the handler): wrap them.
        client.feature("a3s/event")(lambda params: self._event(params))
        client.feature(types.WORKSPACE_APPLY_EDIT)(lambda params: self._apply_edit(params))
        self.hold: asyncio.Event | None = None
        """When set, ``a3s/confirm`` is answered only once it is set: a user who has not clicked yet."""
        self.withdrawn: list[dict[str, Any]] = []
        """Questions the daemon took back with ``$/cancelRequest`` while the user had not answered."""

        async def confirm(params: Any) -> dict[str, Any]:
            if self.hold is not None:
                try:
                    await self.hold.wait()
                except asyncio.CancelledError:  # pygls cancels the handler on $/cancelRequest
                    self.withdrawn.append(plain(params))
                    raise
            return self._confirm(params)

        client.feature("a3s/confirm")(confirm)
        client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)(lambda params: self._message_request(params))

    def _event(self, params: Any) -> None:
        self.events.append(plain(params))
        self._arrived.set()

    async def wait_for_event(self, session_id: str, kind: str) -> None:
        async with asyncio.timeout(20):
            while kind not in self.event_types(session_id):
                self._arrived.clear()
                await self._arrived.wait()

    # -- buffers --------------------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        """``version=0`` is what Neovim 0.7 and eglot send in didOpen."""
        uri = path.as_uri()
        text = path.read_text() if text is None else text
        self.buffers[uri] = (text, version)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=version, text=text
                )
            )
        )
        return uri

    def type(self, uri: str, text: str) -> None:
        """The user edits the buffer (unsaved)."""
        self._set(uri, text)

    def text(self, uri: str) -> str:
        return self.buffers[uri][0]

    def _set(self, uri: str, text: str, delay: float | None = None) -> None:
        version = self.buffers[uri][1] + (3 if self.flavour.startswith("neovim") else 1)  # a changedtick
        self.buffers[uri] = (text, version)
        params = types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
        if delay is None:
            self.client.text_document_did_change(params)
        else:
            asyncio.get_running_loop().call_later(delay, self.client.text_document_did_change, params)

    def _apply_edit(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        self.edits.append(params)
        if self.before_edit is not None:
            self.before_edit()
        if self.refuse is not None:
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason=self.refuse)
        edit = params.edit
        for change in edit.document_changes or []:
            if not isinstance(change, types.TextDocumentEdit):
                continue
            uri, version = change.text_document.uri, change.text_document.version
            text, current = self.buffers[uri]
            if self.flavour.startswith("neovim"):
                # runtime/lua/vim/lsp/util.lua: skips the check for version 0, drops a stale edit and
                # still reports success
                if version is not None and version > 0 and current > version:
                    return types.ApplyWorkspaceEditResult(applied=True)
            elif version is not None and version != current:
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="version mismatch")
            self._set(uri, apply_text_edits(text, list(change.edits)), self.late_did_change)
        for uri, edits in (edit.changes or {}).items():
            self._set(uri, apply_text_edits(self.buffers[uri][0], list(edits)), self.late_did_change)
        return types.ApplyWorkspaceEditResult(applied=True)

    def _confirm(self, params: Any) -> dict[str, Any]:
        request = plain(params)
        request["events_before"] = [e["event"]["type"] for e in self.events]  # what the user saw first
        self.confirmations.append(request)
        return {"decision": self.decide(request)}

    def _message_request(self, params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
        request = {"tool": params.message, "message": params.message}
        self.confirmations.append(request)
        titles = {"allow": "Allow", "allow_session": "Allow for this session", "deny": "Deny"}
        decision = self.decide(request)
        return types.MessageActionItem(title=titles[decision]) if decision in titles else None

    # -- requests -------------------------------------------------------------------------------

    async def request(self, method: str, params: Any) -> Any:
        return plain(await self.client.protocol.send_request_async(method, params))

    async def command(self, name: str, *arguments: Any) -> Any:
        result = await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(arguments))
        )
        return plain(result)

    def event_types(self, session_id: str | None = None) -> list[str]:
        return [e["event"]["type"] for e in self.events if session_id in (None, e["sessionId"])]


def _fix_code_action_union(client: LanguageClient) -> None:
    """lsprotocol reads any item with a ``command`` key as a Command, even a CodeAction whose
    ``command`` is an object; editors tell them apart by ``command`` being a string."""
    converter = client.protocol._converter

    def hook(obj: Any, _type: Any) -> Any:
        kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, kind)

    converter.register_structure_hook(types.Command | types.CodeAction, hook)
    converter.register_structure_hook(Union[types.Command, types.CodeAction], hook)  # noqa: UP007


async def start_editor(
    flavour: str,
    root: Path,
    config: Path,
    confirmations: bool | None = None,
    capabilities: types.ClientCapabilities | None = None,
    folders: list[Path] | None = None,
) -> Editor:
    """Launch ``python -m a3s_lsp --config CONFIG`` (forked from the worker's fork server:
    ``tests/resident.py``) and initialize it with a real client's capabilities
    (and its ``clientInfo``: the daemon knows Neovim's quirks by name)."""
    server = ClientServerConfig(server_command=resident.command(["-m", "a3s_lsp", "--config", str(config)]))
    client = await server.start()
    editor = Editor(client, flavour)
    capabilities = capabilities or client_capabilities(flavour)
    if confirmations if confirmations is not None else flavour.startswith("visual"):
        capabilities.experimental = {"a3s.confirmations": True}
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            client_info=types.ClientInfo(name=CLIENT_NAMES.get(flavour.split("@")[0], flavour)),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders or [root]],
        )
    )
    editor.server_capabilities = result.capabilities
    return editor


async def stop_editor(editor: Editor) -> None:
    await asyncio.wait_for(editor.client.shutdown_session(), 20)
    await editor.client.stop()
