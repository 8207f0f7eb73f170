"""The daemon's mirror of the editor's open documents, with LSP's own line and position rules.

LSP 3.17 "Text Documents": a line ends at ``\\n``, ``\\r\\n`` or ``\\r`` and nowhere else, so a form
feed, ``\\v``, U+0085, U+2028 and U+2029 are ordinary characters (``str.splitlines``, which pygls
uses, splits at all of them and puts every later position on the wrong line). A position's
``character`` counts code units of the negotiated encoding (``utf-8``, ``utf-16`` or ``utf-32``) within
the line, not counting its terminator; a character past the line's end means the line's end, a
line past the last means the end of the document, and a position inside one character (half of a
surrogate pair, one byte of a UTF-8 sequence) means the start of that character.
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from .uris import path_to_uri, same_file_key, uri_to_path

LINE_END = re.compile(r"\r\n|\r|\n")
_UNIT_BYTES = {"utf-8": 1, "utf-16": 2, "utf-32": 4}


def lsp_lines(text: str) -> list[str]:
    """``text`` split after each LSP line terminator; terminators kept, no empty last item."""
    lines: list[str] = []
    start = 0
    for match in LINE_END.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def units(text: str, encoding: str) -> int:
    """The length of ``text`` in code units of ``encoding`` (``utf-8``, ``utf-16`` or ``utf-32``)."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-16":
        return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)
    return len(text.encode("utf-8", errors="surrogatepass"))


def chars_in(line: str, count: int, encoding: str) -> int:
    """How many characters of ``line`` the first ``count`` code units cover (a split character: none)."""
    if encoding == "utf-32":
        return min(count, len(line))
    seen = 0
    for index, char in enumerate(line):
        width = units(char, encoding)
        if seen + width > count:
            return index
        seen += width
    return len(line)


@dataclass
class Document:
    """One open document: its text as the editor has it, and the version the editor gave it."""

    uri: str
    text: str
    version: int | None
    encoding: str = "utf-16"
    language_id: str = ""
    path: Path | None = None
    pending: str | None = None
    """The text of an edit the client said it applied whose ``didChange`` has not arrived yet."""
    _starts: list[int] | None = field(default=None, repr=False)

    @property
    def current(self) -> str:
        """What the editor's buffer holds as far as the daemon knows (``pending`` counts)."""
        return self.text if self.pending is None else self.pending

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in LINE_END.finditer(self.text))]
        return self._starts

    def _content_end(self, line: int) -> int:
        """The offset where line ``line``'s content ends (before its terminator)."""
        starts = self._line_starts()
        if line + 1 >= len(starts):
            return len(self.text)
        end = starts[line + 1]
        return end - (2 if self.text[end - 2 : end] == "\r\n" else 1)

    def offset_at(self, position: types.Position) -> int:
        """The index into ``text`` that a client position names (clamped as the module doc says)."""
        starts = self._line_starts()
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        content = self.text[start : self._content_end(position.line)]
        return start + chars_in(content, position.character, self.encoding)

    def position_at(self, offset: int) -> types.Position:
        """The client position of index ``offset`` (at most ``len(text)``)."""
        offset = max(0, min(offset, len(self.text)))
        starts = self._line_starts()
        line = bisect.bisect_right(starts, offset) - 1
        return types.Position(line=line, character=units(self.text[starts[line] : offset], self.encoding))

    def end_position(self) -> types.Position:
        return self.position_at(len(self.text))

    def text_in(self, rng: types.Range) -> str:
        return self.text[self.offset_at(rng.start) : self.offset_at(rng.end)]

    def apply_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        """One ``contentChanges`` item of a ``didChange``: a ranged replacement or the whole text."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            start, end = self.offset_at(change.range.start), self.offset_at(change.range.end)
            start, end = min(start, end), max(start, end)
            self.text = self.text[:start] + change.text + self.text[end:]
        else:
            self.text = change.text
        self._starts = None


class DocumentStore:
    """Open documents by URI, found by path too (any spelling of the same file finds it).

    ``changed(uri)`` wakes whoever waits on that document (edit verification).
    """

    def __init__(self) -> None:
        self.encoding = "utf-16"
        """The position encoding agreed in ``initialize`` (LSP ``general.positionEncodings``)."""
        self._docs: dict[str, Document] = {}
        self._by_key: dict[str, str] = {}
        self._waiters: dict[str, list[asyncio.Event]] = {}

    def open(self, item: types.TextDocumentItem) -> Document:
        path = uri_to_path(item.uri)
        doc = Document(item.uri, item.text, item.version, self.encoding, item.language_id, path)
        self._docs[item.uri] = doc
        if path is not None:
            self._by_key[same_file_key(path)] = item.uri
        self._wake(item.uri)
        return doc

    def change(self, params: types.DidChangeTextDocumentParams) -> None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return  # a change to a document never opened: nothing to mirror
        for change in params.content_changes:
            doc.apply_change(change)
        doc.pending = None
        doc.version = params.text_document.version
        self._wake(doc.uri)

    def close(self, uri: str) -> None:
        doc = self._docs.pop(uri, None)
        if doc is not None and doc.path is not None:
            self._by_key.pop(same_file_key(doc.path), None)
        self._wake(uri)

    def get(self, uri: str) -> Document | None:
        found = self._docs.get(uri)
        if found is None and (path := uri_to_path(uri)) is not None:
            return self.by_path(path)
        return found

    def by_path(self, path: Path) -> Document | None:
        uri = self._by_key.get(same_file_key(path))
        return self._docs.get(uri) if uri is not None else None

    def files(self) -> Iterator[tuple[Path, Document]]:
        """Every open document that is a local file, with its path."""
        for doc in list(self._docs.values()):
            if doc.path is not None:
                yield doc.path, doc

    def uri_for(self, path: Path) -> str:
        """The URI the editor uses for ``path`` when it is open, else ours."""
        doc = self.by_path(path)
        return doc.uri if doc is not None else path_to_uri(path)

    # -- waiting for the editor -----------------------------------------------------------------

    def _wake(self, uri: str) -> None:
        for event in self._waiters.pop(uri, []):
            event.set()

    async def next_change(self, uri: str, within: float) -> bool:
        """Wait for the next didOpen/didChange/didClose of ``uri``; False after ``within`` seconds."""
        event = asyncio.Event()
        self._waiters.setdefault(uri, []).append(event)
        try:
            await asyncio.wait_for(event.wait(), max(within, 0))
        except TimeoutError:
            waiting = self._waiters.get(uri, [])
            if event in waiting:
                waiting.remove(event)
            return False
        return True
