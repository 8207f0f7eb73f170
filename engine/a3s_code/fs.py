"""The file-system interface the tools use, so the daemon can overlay unsaved buffers and route writes.

The engine's default, ``LocalFileSystem``, reads and writes the disk: text in each file's own encoding
(``textcodec``), atomic writes, and no symlink followed at the moment of the read or write
(``nofollow``). The daemon wraps it: reads see unsaved editor text, writes to open documents become
``workspace/applyEdit``.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from . import nofollow
from .textcodec import (
    UTF8,
    BinaryFileError,
    NotTextError,
    TextEncoding,
    UnencodableTextError,
    bom_encoding,
    decode,
    detect,
    detect_stream,
    judged_sample,
    looks_binary,
)
from .textwindow import TextWindow, stream_window, window_of_text

STREAM_ABOVE = 4 * 1024 * 1024
"""Files bigger than this (bytes) are read in windows, never whole, by ``read_window``."""


class FileSystem(Protocol):
    """All paths given are absolute, symlink-free and already confined to the workspace."""

    async def read_text(self, path: Path) -> str:
        """The current text of ``path`` (unsaved editor content wins), decoded in the file's own encoding.

        Raises FileNotFoundError, IsADirectoryError, and ``textcodec.NotTextError`` (binary, or no
        encoding decodes it without loss).
        """
        ...

    async def read_bytes(self, path: Path) -> bytes: ...

    async def write_text(self, path: Path, content: str) -> None:
        """Replace the whole text of ``path``, creating parents; an existing file keeps its encoding (and
        BOM), a new one is UTF-8. Raises ToolError if refused, ``textcodec.UnencodableTextError`` when the
        file's encoding cannot store ``content`` (nothing is written then)."""
        ...

    async def delete(self, path: Path) -> None: ...

    def overlays(self) -> Mapping[Path, str]:
        """Documents whose current text differs from disk (unsaved editor buffers)."""
        ...


@runtime_checkable
class WindowReader(Protocol):
    """Optional: a FileSystem that can read a window of a big file without reading all of it."""

    async def read_window(
        self, path: Path, offset: int, limit: int, max_bytes: int, max_line: int
    ) -> TextWindow: ...


@runtime_checkable
class TemplateWriter(Protocol):
    """Optional: a FileSystem that can write a new file in another file's encoding (a moved file)."""

    async def write_text_like(self, path: Path, content: str, template: Path) -> None: ...


async def read_window(
    fs: FileSystem, path: Path, offset: int, limit: int, max_bytes: int, max_line: int
) -> TextWindow:
    """``fs.read_window`` when the file system has it, else a window of ``fs.read_text``.

    ``offset`` is the 0-based first line, ``limit`` the most lines, ``max_bytes`` the most UTF-8 bytes of
    ``cat -n`` output, ``max_line`` the characters kept per line. Raises like ``read_text``.
    """
    if isinstance(fs, WindowReader):
        return await fs.read_window(path, offset, limit, max_bytes, max_line)
    text = await fs.read_text(path)
    return window_of_text(text, offset, limit, max_bytes, max_line)


class WrappingFileSystem:
    """Base of a ``FileSystem`` that wraps ``inner`` to watch its writes (checkpoints, a turn's
    diff): reads, windows and overlays pass straight through; subclasses give ``write_text``,
    ``write_text_like`` and ``delete``. ``inner`` is public so callers can look through wrappers
    (``rewind.restore`` does, to reach one that restores bytes)."""

    def __init__(self, inner: FileSystem) -> None:
        self.inner = inner

    async def read_text(self, path: Path) -> str:
        return await self.inner.read_text(path)

    async def read_bytes(self, path: Path) -> bytes:
        return await self.inner.read_bytes(path)

    async def read_window(
        self, path: Path, offset: int, limit: int, max_bytes: int, max_line: int
    ) -> TextWindow:
        return await read_window(self.inner, path, offset, limit, max_bytes, max_line)

    def overlays(self) -> Mapping[Path, str]:
        return self.inner.overlays()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename; the file's mode is kept (for the engine's own files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".a3s-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


CHUNK = 1 << 20


def read_disk_text(path: Path) -> tuple[str, TextEncoding]:
    """A file's text and encoding, read without following symlinks (blocking; run it in a thread).

    UTF-8, the common case, is decoded 1 MB at a time as it is read, so a big file is never held as
    bytes and text at once, and the event loop gets the interpreter back between chunks.
    """
    with nofollow.open_read(path) as fh:
        head = fh.read(CHUNK)
        if bom_encoding(head) is None and not looks_binary(head):
            decoder = codecs.getincrementaldecoder("utf-8")("strict")
            parts: list[str] = []
            try:
                chunk = head
                while chunk:
                    parts.append(decoder.decode(chunk))
                    chunk = fh.read(CHUNK)
                parts.append(decoder.decode(b"", final=True))
                return "".join(parts), UTF8
            except UnicodeDecodeError:
                del parts
        fh.seek(0)
        data = fh.read()
    return decode(data, path.name)


def disk_encoding(path: Path) -> TextEncoding:
    """The encoding to write ``path`` back in: the existing file's, UTF-8 for a new (or binary) file."""
    try:
        fh = nofollow.open_read(path)
    except FileNotFoundError:
        return UTF8
    with fh:
        head = fh.read(8192)
        if bom_encoding(head) is None and not looks_binary(head):
            # The common case, checked in slices so a big file is never held as text; only a file that
            # is not UTF-8 is read whole for detection.
            decoder = codecs.getincrementaldecoder("utf-8")("strict")
            try:
                chunk = head
                while chunk:
                    decoder.decode(chunk)
                    chunk = fh.read(1 << 20)
                decoder.decode(b"", final=True)
                return UTF8
            except UnicodeDecodeError:
                pass
        fh.seek(0)
        data = fh.read()
    try:
        return detect(data, path.name)
    except NotTextError:
        return bom_encoding(data[:4]) or UTF8


def write_disk_text(path: Path, content: str, encoding: TextEncoding | None = None) -> None:
    """Write ``content`` atomically in the file's own encoding, or ``encoding`` when given (blocking;
    run it in a thread). Raises UnencodableTextError (the file is left as it was), SymlinkSwapError.
    """
    encoding = encoding or disk_encoding(path)
    if encoding.bom and content.startswith("\ufeff"):
        content = content[1:]  # the BOM is written from the encoding; one in the text would double it
    nofollow.write_atomic(path, _encoded(content, encoding, path.name))


def _encoded(content: str, encoding: TextEncoding, name: str) -> Iterator[bytes]:
    """``content`` encoded 1M characters at a time (never all of it as bytes at once)."""
    yield encoding.bom
    encoder = codecs.getincrementalencoder(encoding.codec)("strict")
    for start in range(0, len(content), CHUNK):
        try:
            yield encoder.encode(content[start : start + CHUNK])
        except UnicodeEncodeError as exc:
            raise UnencodableTextError(name, encoding, content, start + exc.start) from None
    yield encoder.encode("", final=True)


def write_disk_text_like(path: Path, content: str, template: Path) -> None:
    """Write ``content`` to ``path`` in ``template``'s encoding when ``path`` is new (a moved file keeps
    its encoding); an existing ``path`` keeps its own."""
    encoding = disk_encoding(path if nofollow.file_size(path) is not None else template)
    write_disk_text(path, content, encoding)


def read_disk_window(path: Path, offset: int, limit: int, max_bytes: int, max_line: int) -> TextWindow:
    """A window of a file on disk: read whole (and decoded strictly) up to ``STREAM_ABOVE`` bytes,
    streamed beyond that (blocking; run it in a thread).

    A streamed window whose lines are all ASCII reads the same in every encoding the tools use, so it
    is shown without judging the file (``encoding`` None: a 2 GB log costs one window). A window that
    is UTF-8, in a file whose judged sample (``textcodec.judged_sample``) is UTF-8 too, is shown as
    UTF-8 without reading the rest. Any other window is decoded in the encoding
    ``textcodec.detect_stream`` judges for the whole file, the rule ``edit`` uses too (it reads the
    whole file once; the result is kept per file version). A file UTF-8 where it is judged but with a
    stray byte elsewhere is UTF-8 with stray bytes to that rule, so the UTF-8 window agrees with it.
    """
    with nofollow.open_read(path) as fh:
        stat = os.fstat(fh.fileno())
        size = stat.st_size
        if size <= STREAM_ABOVE:
            text, encoding = decode(fh.read(), path.name)
            return window_of_text(text, offset, limit, max_bytes, max_line, encoding=encoding, size=size)
        head = fh.read(8192)
        fh.seek(0)
        announced = bom_encoding(head)
        if announced is not None:
            return stream_window(fh, announced, offset, limit, max_bytes, max_line, size=size)
        if looks_binary(head):
            raise BinaryFileError(path.name)
        window = stream_window(fh, UTF8, offset, limit, max_bytes, max_line, size=size)
        if all(line.isascii() for line in window.lines):
            return dataclasses.replace(window, encoding=None)
        if not any("\ufffd" in line for line in window.lines) and _utf8_prefix(judged_sample(fh)):
            return window  # UTF-8 where the file is judged and here: not worth reading gigabytes to confirm
        key = (stat.st_dev, stat.st_ino, size, stat.st_mtime_ns)
        if key not in _JUDGED:
            fh.seek(0)
            _JUDGED[key] = detect_stream(fh, path.name)
            if len(_JUDGED) > 16:
                del _JUDGED[next(iter(_JUDGED))]
        encoding = _JUDGED[key]
        if encoding == UTF8:
            return window
        fh.seek(0)
        return stream_window(fh, encoding, offset, limit, max_bytes, max_line, size=size)


def _utf8_prefix(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, allowing a character cut off at its end."""
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


_JUDGED: dict[tuple[int, int, int, int], TextEncoding] = {}
"""Encodings of big files judged for ``read_disk_window``, per (device, inode, size, mtime)."""


class LocalFileSystem:
    """Plain disk access: each file's own encoding, atomic writes, no symlink followed."""

    async def read_text(self, path: Path) -> str:
        text, _ = await asyncio.to_thread(read_disk_text, path)
        return text

    async def read_bytes(self, path: Path) -> bytes:
        return await asyncio.to_thread(nofollow.read_bytes, path)

    async def read_window(
        self, path: Path, offset: int, limit: int, max_bytes: int, max_line: int
    ) -> TextWindow:
        return await asyncio.to_thread(read_disk_window, path, offset, limit, max_bytes, max_line)

    async def write_text(self, path: Path, content: str) -> None:
        await asyncio.to_thread(write_disk_text, path, content)

    async def write_text_like(self, path: Path, content: str, template: Path) -> None:
        """Like ``write_text``; a new file takes ``template``'s encoding (a moved file)."""
        await asyncio.to_thread(write_disk_text_like, path, content, template)

    async def delete(self, path: Path) -> None:
        await asyncio.to_thread(nofollow.unlink, path)

    def overlays(self) -> Mapping[Path, str]:
        return {}
