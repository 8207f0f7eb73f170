"""What the agent has seen of each file in a session: the rule that keeps it from overwriting unseen text.

A *version* of a file is its whole current text (an unsaved editor buffer included), named by
``textwindow.text_digest``. A version counts as **seen** when

- the agent's ``read`` calls returned every line of it, uncut (one read, or several windows of the same
  version that together cover it), or
- the agent produced it itself: with ``write``, or with ``edit``/``patch`` applied to a version it had
  seen (an edit of a file it never read leaves the rest of the file unseen).

Only the model's own calls count; the reads a tool makes internally before changing a file do not.
``grep`` output, a window of a huge file that is streamed rather than read whole, and lines cut at the
display limit do not make a version seen.

What needs a seen version: replacing a whole existing file (``write``, ``*** Delete File``, a
``*** Move to`` onto an existing file, a unified diff that deletes a file). ``edit`` and ``patch``
hunks change only text the model quotes, applied to the current text, so text the user typed elsewhere
in the file meanwhile is kept; they need no seen version.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ToolError
from ..fs import STREAM_ABOVE
from ..textwindow import TextWindow, text_digest

KEEP_VERSIONS = 8


class NotSeenError(ToolError):
    """Refusal to replace text the agent has not read; the message tells the model what to do."""

    def __init__(self, shown: str, action: str, *, never_read: bool, too_big: bool = False) -> None:
        if too_big:
            super().__init__(
                f"Refused to {action} {shown}: it is too big to be read whole (over "
                f"{STREAM_ABOVE // (1 << 20)} MB), so its current text would be lost unseen. Change the "
                "parts you mean to change with edit or patch instead."
            )
            return
        why = (
            "you have not read it in this session"
            if never_read
            else "it changed since you last read it (the user or another program edited it)"
        )
        super().__init__(
            f"Refused to {action} {shown}: {why}, so its current text would be lost unseen. "
            f"Read it first (all of it, with the read tool), then retry; or change only part of it "
            f"with edit or patch."
        )


class SeenFiles:
    """One per session: the versions of each file the agent has seen in full (the last few per path)."""

    def __init__(self) -> None:
        self._full: dict[Path, list[str]] = {}
        self._partial: dict[Path, tuple[str, int, list[tuple[int, int]]]] = {}

    def saw_window(self, path: Path, window: TextWindow, max_line: int) -> None:
        """Record what a ``read`` returned. Windows of the same version add up; a cut line does not count."""
        if window.digest is None or window.total_lines is None:
            return
        total = window.total_lines
        if total == 0:
            self.saw_text_digest(path, window.digest)
            return
        if any(len(line) > max_line for line in window.lines):
            return
        digest, _, spans = self._partial.get(path, (window.digest, total, []))
        if digest != window.digest:
            spans = []
        spans = _merge([*spans, (window.offset, window.end)])
        if spans == [(0, total)]:
            self._partial.pop(path, None)
            self.saw_text_digest(path, window.digest)
        else:
            self._partial[path] = (window.digest, total, spans)

    def saw_text(self, path: Path, text: str) -> None:
        """The agent knows ``text`` in full (it wrote it, or derived it from a seen version)."""
        self.saw_text_digest(path, text_digest(text))

    def saw_text_digest(self, path: Path, digest: str) -> None:
        versions = self._full.setdefault(path, [])
        if digest in versions:
            versions.remove(digest)
        versions.append(digest)
        del versions[:-KEEP_VERSIONS]

    def has_seen(self, path: Path, text: str) -> bool:
        """Whether ``text`` is a version of ``path`` the agent has seen in full."""
        versions = self._full.get(path)
        return versions is not None and bool(versions) and text_digest(text) in versions

    def read_any(self, path: Path) -> bool:
        """Whether the agent has seen any version of ``path`` in full."""
        return bool(self._full.get(path))

    def check(self, path: Path, text: str, shown: str, action: str) -> None:
        """Raise NotSeenError unless ``text`` (the file's current text) is a version the agent has seen."""
        if not self.has_seen(path, text):
            too_big = (
                len(text) > STREAM_ABOVE // 4 and len(text.encode("utf-8", "surrogatepass")) > STREAM_ABOVE
            )
            raise NotSeenError(shown, action, never_read=not self.read_any(path), too_big=too_big)

    def forget(self, path: Path) -> None:
        """The file is gone (deleted, or moved away)."""
        self._full.pop(path, None)
        self._partial.pop(path, None)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
