"""Document sync: the protocol keeps the mirror (``documents.py``); saving needs nothing from us."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from ..server import A3SLanguageServer


def register(server: A3SLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: A3SLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        """Advertised so clients send it; the text was already mirrored by didChange."""
