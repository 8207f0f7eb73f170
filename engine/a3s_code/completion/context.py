"""What goes around the cursor: the document's own text (as the editor has it, unsaved) and the
windows of other open documents most like the code being written.

Related windows are ranked by Jaccard similarity of identifier sets between a window of the other
document and the lines just before the cursor (the "neighbouring tabs" heuristic of Copilot-style
completers), same-language documents first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .config import CompletionConfig
from .fim import FimContext, Snippet

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
WINDOW_LINES = 30
"""Lines per window of a related document (and lines before the cursor it is compared with)."""


@dataclass(frozen=True)
class OpenText:
    """Another open document: its path as shown to the model, language id and current text."""

    path: str
    language: str
    text: str


def split_at(text: str, offset: int, prefix_chars: int, suffix_chars: int) -> tuple[str, str]:
    """Text before ``offset`` (at most ``prefix_chars``, cut at a line start when it had to be cut)
    and after it (at most ``suffix_chars``, cut at a line end likewise)."""
    offset = max(0, min(offset, len(text)))
    before, after = text[:offset], text[offset:]
    if len(before) > prefix_chars:
        before = before[len(before) - prefix_chars :]
        newline = before.find("\n")
        if 0 <= newline < len(before) - 1:
            before = before[newline + 1 :]
    if len(after) > suffix_chars:
        after = after[:suffix_chars]
        newline = after.rfind("\n")
        if newline > 0:
            after = after[: newline + 1]
    return before, after


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def best_window(text: str, probe: set[str], max_chars: int) -> tuple[float, str]:
    """The window of ``text`` whose identifiers overlap ``probe`` most (score, window text)."""
    lines = text.splitlines()
    best = (0.0, "")
    step = max(1, WINDOW_LINES // 2)
    for start in range(0, max(1, len(lines)), step):
        window = "\n".join(lines[start : start + WINDOW_LINES])
        words = _words(window)
        union = len(words | probe)
        score = len(words & probe) / union if union else 0.0
        if score > best[0]:
            best = (score, window[:max_chars])
    return best


def gather(
    text: str,
    offset: int,
    settings: CompletionConfig,
    *,
    path: str = "",
    language: str = "",
    others: Iterable[OpenText] = (),
) -> FimContext:
    """The context for a completion at ``offset`` (a character index into ``text``)."""
    prefix, suffix = split_at(text, offset, settings.prefix_chars, settings.suffix_chars)
    related: list[Snippet] = []
    if settings.related_files and settings.related_chars:
        probe = _words("\n".join(prefix.splitlines()[-WINDOW_LINES:]))
        scored = []
        for other in others:
            if other.path == path or not other.text.strip():
                continue
            score, window = best_window(other.text, probe, settings.related_chars)
            if score > 0:
                scored.append((other.language == language, score, other.path, window))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        related = [Snippet(p, w) for _, _, p, w in scored[: settings.related_files]]
    return FimContext(prefix, suffix, path, language, tuple(related))
