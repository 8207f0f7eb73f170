"""``textDocument/inlineCompletion`` (LSP 3.18): ghost text from the configured ``completion_model``.

The engine's ``InlineCompleter`` does the work (cache, debounce, prompt, model); this adapts LSP to
it. The request runs as its own task, so ``$/cancelRequest`` cancels it wherever it waits; a
request whose document changed before its debounce ended (the user typed on) or that a newer
request for the same document replaced never reaches the model. The context is the editor's text
as the daemon mirrors it (unsaved edits included) and the other open documents.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from a3s_code.completion import InlineCompleter, OpenText

    from ..server import A3SLanguageServer


log = logging.getLogger(__name__)


class _Completers:
    """The completer of the current agent; rebuilt when a config reload replaced the agent."""

    def __init__(self) -> None:
        self._agent: Any = None
        self._completer: InlineCompleter | None = None
        self._lock = asyncio.Lock()

    async def get(self, ls: A3SLanguageServer) -> InlineCompleter | None:
        agent = await ls.sessions.agent()
        if agent is self._agent:
            return self._completer
        async with self._lock:
            if agent is not self._agent:
                from a3s_code.completion import build_completer

                self._completer = await asyncio.to_thread(build_completer, agent)
                self._agent = agent
        return self._completer


def register(server: A3SLanguageServer) -> None:
    completers = _Completers()
    warming: list[asyncio.Task[Any]] = []

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: A3SLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        """The first open document builds the completer (config, provider SDK import: seconds) in
        the background, so the first ghost text does not wait for it: an editor such as VS Code
        gives up on a slow first request and asks again only at the next keystroke."""
        if not warming:
            warming.append(asyncio.ensure_future(_warm(ls, completers)))

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: A3SLanguageServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        from a3s_code.completion import CompletionRequest

        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if doc is None:
            return None  # not open: nothing the user sees to complete
        version, text = doc.version, doc.text
        offset = doc.offset_at(params.position)
        completer = await completers.get(ls)
        if completer is None:
            return None  # no completion_model configured
        request = CompletionRequest(
            key=doc.uri,
            text=text,
            offset=offset,
            path=_display(ls, doc.path) if doc.path is not None else uri,
            language=doc.language_id,
            invoked=params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked,
        )

        def still_current() -> bool:
            now = ls.documents.get(uri)
            return now is doc and now.version == version and now.text is text

        completion = await completer.complete(request, still_current, lambda: _others(ls, doc.uri))
        if not completion:
            return None
        here = doc.position_at(offset) if doc.text is text else params.position
        return types.InlineCompletionList(
            items=[
                types.InlineCompletionItem(insert_text=completion, range=types.Range(start=here, end=here))
            ]
        )


def _display(ls: A3SLanguageServer, path: Path) -> str:
    """``path`` relative to the workspace folder holding it (as the model should see it)."""
    for folder in ls.folders:
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return path.as_posix()


def _others(ls: A3SLanguageServer, uri: str) -> list[OpenText]:
    from a3s_code.completion import OpenText

    return [
        OpenText(_display(ls, path), doc.language_id, doc.text)
        for path, doc in ls.open_paths()
        if doc.uri != uri
    ]


async def _warm(ls: A3SLanguageServer, completers: _Completers) -> None:
    try:
        await completers.get(ls)
    except Exception as exc:  # a bad completion_model is reported on the first request instead
        log.debug("inline completion warm-up: %s", exc)
