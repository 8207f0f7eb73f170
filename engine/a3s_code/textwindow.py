"""A window of a text file's lines for ``read``: from text in memory, or streamed from a file of any size.

Lines end at ``\\n`` only (a ``\\r`` before it is dropped), like ``tools._text.split_lines``: form
feeds and Unicode separators are ordinary characters, so line numbers match editors and ripgrep.

A window stops at ``limit`` lines or when its rendering (``cat -n`` style: a 6-column number, a tab,
the line cut at ``max_line`` characters, a newline) would pass ``max_bytes`` UTF-8 bytes, whichever
comes first. A streamed window reads the file in 1 MB chunks, keeps at most ``max_line`` characters of
any line, and stops at the window's end, so memory is bounded by the window, not the file.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .textcodec import TextEncoding

CHUNK = 1 << 20


@dataclass(frozen=True)
class TextWindow:
    lines: list[str]
    """The window's lines without line endings, each cut to ``max_line`` characters + "..." if longer."""
    offset: int
    """0-based index of ``lines[0]`` in the file."""
    total_lines: int | None
    """Lines in the whole file; None when a streamed read stopped before the end."""
    capped: bool
    """The byte cap stopped the window before ``limit`` lines."""
    digest: str | None = None
    """``text_digest`` of the whole text when it was read whole (what read tracking records)."""
    encoding: TextEncoding | None = None
    """How the file is stored on disk; None for an editor buffer (the editor owns its encoding), and
    for a streamed window of ASCII lines (they read the same in every encoding; the file is not judged)."""
    size: int | None = None
    """Bytes on disk; None for an editor buffer."""

    @property
    def end(self) -> int:
        """0-based index just past the window: the ``offset`` that reads on."""
        return self.offset + len(self.lines)


def text_digest(text: str) -> str:
    """A content hash of ``text`` (BLAKE2b, 128 bits, hex); equal texts give equal digests."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def cut(line: str, limit: int) -> str:
    """The line, or its first ``limit`` characters followed by "..." (idempotent)."""
    return line if len(line) <= limit else line[:limit] + "..."


def _cost(line: str, number: int) -> int:
    """UTF-8 bytes the line takes in ``cat -n`` output: number column, tab, text, newline."""
    return max(6, len(str(number))) + 2 + len(line.encode("utf-8", "surrogatepass"))


def take(
    lines: Iterable[str], offset: int, limit: int, max_bytes: int, max_line: int
) -> tuple[list[str], bool]:
    """Up to ``limit`` cut lines of ``lines`` (which start at ``offset``) within ``max_bytes``; (lines,
    capped). The first line is always taken, so a window is never empty when lines remain."""
    taken: list[str] = []
    used = 0
    for line in lines:
        if len(taken) >= limit:
            break
        shown = cut(line, max_line)
        used += _cost(shown, offset + len(taken) + 1)
        if taken and used > max_bytes:
            return taken, True
        taken.append(shown)
    return taken, False


def window_of_text(
    text: str,
    offset: int,
    limit: int,
    max_bytes: int,
    max_line: int,
    *,
    encoding: TextEncoding | None = None,
    size: int | None = None,
) -> TextWindow:
    """A window of text held in memory (an editor buffer, or a file small enough to read whole)."""
    all_lines = split_lines(text)
    taken, capped = take(all_lines[offset:], offset, limit, max_bytes, max_line)
    return TextWindow(taken, offset, len(all_lines), capped, text_digest(text), encoding, size)


def split_lines(text: str) -> list[str]:
    """Lines without their ``\\n``/``\\r\\n``; a final newline does not add an empty line.

    ``str.splitlines`` is not used: it also splits on form feeds and Unicode separators, which would
    shift line numbers away from what editors and ripgrep report.
    """
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def stream_window(
    fh: BinaryIO,
    encoding: TextEncoding,
    offset: int,
    limit: int,
    max_bytes: int,
    max_line: int,
    *,
    size: int | None = None,
) -> TextWindow:
    """A window read from ``fh`` (positioned at the file's start) without reading past the window.

    Bytes that do not decode show as U+FFFD here: this is a view for reading only; the tools that change
    a file decode it whole and strictly.
    """
    codec = "utf-8" if _wide(encoding) else encoding.codec
    keep = max_line * 4 + 8  # bytes enough for more than max_line characters in any supported encoding
    taken: list[str] = []
    used = 0
    capped = False
    reached_end = True
    skip = [offset]
    for raw, longer in _lines(_byte_chunks(fh, encoding), skip, keep):
        if len(taken) >= limit:
            reached_end = False
            break
        line = codecs.decode(raw, codec, "replace")
        if line.endswith("\r") and not longer:
            line = line[:-1]
        shown = cut(line, max_line)
        used += _cost(shown, offset + len(taken) + 1)
        if taken and used > max_bytes:
            capped, reached_end = True, False
            break
        taken.append(shown)
    total = offset - skip[0] + len(taken) if reached_end else None
    return TextWindow(taken, offset, total, capped, None, encoding, size)


def _wide(encoding: TextEncoding) -> bool:
    return encoding.codec.startswith(("utf-16", "utf-32"))


def _byte_chunks(fh: BinaryIO, encoding: TextEncoding) -> Iterator[bytes]:
    """The file's bytes after its BOM; UTF-16/32 are re-encoded as UTF-8 so lines split on b"\\n"."""
    if encoding.bom:
        fh.read(len(encoding.bom))
    decoder = codecs.getincrementaldecoder(encoding.codec)("replace") if _wide(encoding) else None
    while chunk := fh.read(CHUNK):
        yield decoder.decode(chunk).encode("utf-8", "surrogatepass") if decoder else chunk
    if decoder is not None:
        yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")


def _lines(chunks: Iterator[bytes], to_skip: list[int], keep: int) -> Iterator[tuple[bytes, bool]]:
    """(first ``keep`` bytes of the line, whether it was longer) for each line from index ``to_skip[0]``.

    Skipped lines are only counted (``bytes.count`` per chunk); no line is held beyond ``keep`` bytes.
    ``to_skip[0]`` is left at the number of lines the file was short of the offset (0 when reached).
    """
    skip = to_skip[0]
    pending = bytearray()
    longer = False
    last_open = False
    for chunk in chunks:
        if not chunk:
            continue  # a decoder waiting for the rest of a character
        last_open = not chunk.endswith(b"\n")
        start = 0
        if skip:
            newlines = chunk.count(b"\n")
            if newlines < skip:
                skip -= newlines
                to_skip[0] = skip
                continue
            pos = -1
            for _ in range(skip):
                pos = chunk.index(b"\n", pos + 1)
            start, skip = pos + 1, 0
            to_skip[0] = 0
        while True:
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            room = keep - len(pending)
            if len(piece) > room:
                longer = True
            if room > 0:
                pending += piece[:room]
            if end < 0:
                break
            yield bytes(pending), longer
            pending.clear()
            longer = False
            start = end + 1
    if skip:
        # the last line has no newline: it counts as a line the offset may still need to pass
        to_skip[0] = skip - (1 if last_open else 0)
    elif pending or longer:
        yield bytes(pending), longer
