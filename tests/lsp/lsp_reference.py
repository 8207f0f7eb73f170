"""LSP 3.17's text-document rules written a second, independent way, as the oracle for property tests.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` only (spec: "Text Documents"). A position's ``character``
counts code units of the position encoding inside the line's content; past the content's end it
means the end of the line, past the last line the end of the document, and inside a character the
start of that character. Here units come from really encoding the line (``str.encode``) and cutting
the bytes, not from counting characters as ``a3s_lsp.documents`` does.
"""

from __future__ import annotations

import re
from typing import Any

TERMINATOR = re.compile(r"(\r\n|\r|\n)")
CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}
ENCODINGS = list(CODECS)


def rows(text: str) -> list[tuple[str, str]]:
    """(content, terminator) per line; the last line's terminator is ''."""
    pieces = TERMINATOR.split(text)
    return list(zip(pieces[0::2], [*pieces[1::2], ""], strict=True))


def offset(text: str, line: int, character: int, encoding: str) -> int:
    lines = rows(text)
    if line >= len(lines):
        return len(text)
    start = sum(len(c) + len(t) for c, t in lines[:line])
    codec, width = CODECS[encoding]
    cut = lines[line][0].encode(codec)[: character * width]
    return start + len(cut.decode(codec, "ignore"))


def position(text: str, at: int, encoding: str) -> tuple[int, int]:
    codec, width = CODECS[encoding]
    start = 0
    for number, (content, term) in enumerate(rows(text)):
        if at <= start + len(content):
            return number, len(content[: at - start].encode(codec)) // width
        start += len(content) + len(term)
    raise AssertionError("offset past the end")


def apply_edits(text: str, edits: list[Any], encoding: str) -> str:
    """LSP TextEdits (objects with ``range`` and ``new_text``), all relative to ``text``."""
    spans = []
    for edit in edits:
        s, e = edit.range.start, edit.range.end
        spans.append(
            (offset(text, s.line, s.character, encoding), offset(text, e.line, e.character, encoding))
        )
    for (start, end), edit in sorted(zip(spans, edits, strict=True), key=lambda p: p[0], reverse=True):
        text = text[:start] + edit.new_text + text[end:]
    return text
