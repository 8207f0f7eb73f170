"""Changing an open buffer through ``workspace/applyEdit``, and telling the agent what really happened.

Rules, each from a real client's behaviour:

- Only versioned edits (``documentChanges``). An unversioned edit lands on whatever lines the buffer
  has when it arrives; if the user typed meanwhile it corrupts the buffer. A client that takes no
  versioned edits gets no edit to an open buffer: the tool call fails and says why.
- Neovim (0.7 to 0.11) answers ``applied: true`` for an edit it dropped as stale, and skips its
  staleness check for version 0 (0.7 sends 0 in ``didOpen``). Its edits carry ``max(version, 1)``:
  an untouched buffer (Neovim's version 0) takes it, a typed-in one (version = changedtick > 1)
  drops it. Its ``applied: true`` counts only once a ``didChange`` brings the intended text.
- Other clients refuse stale edits themselves (VS Code ``applied: false``, eglot a JSON-RPC error),
  so their ``applied: true`` is the truth even when the ``didChange`` comes late (eglot sends it
  from an idle timer). Until it comes the document reads as the applied text (``Document.pending``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from a3s_code.errors import ToolError

from .convert import workspace_edit

if TYPE_CHECKING:
    from pathlib import Path

    from .documents import Document
    from .server import A3SLanguageServer


class EditRefused(ToolError):
    """The edit did not (certainly) land; the message says what is known, for the agent and the user."""


async def apply_to_open_document(
    server: A3SLanguageServer, doc: Document, path: Path, content: str, label: str
) -> None:
    """Make the open buffer ``doc`` hold ``content``; returns once that is known, else raises EditRefused."""
    if not server.supports_document_changes():
        raise EditRefused(
            f"{path.name} is open in an editor that takes no versioned edits "
            "(workspace.workspaceEdit.documentChanges), so an edit could land on lines the user has "
            "moved; close the file in the editor (or save it and let the agent write it) and retry"
        )
    timeout = server.settings.edit_verify_timeout_s
    if doc.pending is not None and not await server.documents.next_change(doc.uri, timeout):
        raise EditRefused(
            f"The editor has not yet reported the previous edit to {path.name} (it sends changes when "
            "idle); retry in a moment"
        )
    if doc.text == content:
        return
    lies = server.client_drops_stale_edits()
    base_version, base_text = doc.version, doc.text
    version = max(base_version or 0, 1) if lies else base_version
    edit = workspace_edit(
        doc, content, version=version, annotate=server.supports_change_annotations(), label=label
    )
    try:
        result = await server.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=label)
        )
    except Exception as exc:  # eglot answers a stale edit with an error
        raise EditRefused(_refusal(path, str(exc), doc.version != base_version)) from exc
    if not result.applied:
        moved = doc.version != base_version
        raise EditRefused(_refusal(path, result.failure_reason or "no reason given", moved))
    if doc.text == content:
        return
    if not lies:
        if doc.version == base_version:
            doc.pending = content  # applied; its didChange is on the way
        return  # (a moved version: the user typed after the edit; the next write sees it as stale)
    clock = asyncio.get_running_loop().time
    deadline = clock() + timeout
    while doc.text != content:
        if not await server.documents.next_change(doc.uri, deadline - clock()):
            break
    if doc.text == content:
        return
    if doc.version == base_version and doc.text == base_text:
        raise EditRefused(
            f"The editor reported the edit to {path.name} as applied, but the document did not change; "
            "read it again and retry"
        )
    raise _moved(path, base_version, doc.version)


def _refusal(path: Path, reason: str, moved: bool) -> str:
    hint = "; the buffer changed meanwhile: read the file again and redo the edit" if moved else ""
    return f"The editor refused the edit to {path.name}: {reason}{hint}"


def _moved(path: Path, before: int | None, after: int | None) -> EditRefused:
    return EditRefused(
        f"{path.name} changed in the editor while the edit was being applied (version {before} -> "
        f"{after}) and does not hold the intended text, so the edit was not applied; read the file "
        "again and redo the edit"
    )
