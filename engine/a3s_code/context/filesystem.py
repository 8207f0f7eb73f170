"""FileSystemContextProvider: the workspace files (in chunks) most relevant to the prompt, by BM25.

Path words count three times: a prompt naming ``parser`` should find ``src/parser.py`` first.
The index is rebuilt only when a file's size or modification time changes.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import ContextItem, ContextQuery
from .bm25 import Bm25, tokens

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "dist", "build", "target"}
)
CHUNK_CHARS = 1500


@dataclass(frozen=True)
class Chunk:
    path: str
    start_line: int
    text: str


class FileSystemContextProvider:
    def __init__(
        self,
        root: str | Path = ".",
        *,
        max_file_bytes: int = 256 * 1024,
        max_files: int = 5000,
        chunk_chars: int = CHUNK_CHARS,
        min_score: float = 0.5,
    ) -> None:
        self.root = Path(root).expanduser().resolve()
        self.max_file_bytes, self.max_files = max_file_bytes, max_files
        self.chunk_chars, self.min_score = chunk_chars, min_score
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._chunks: list[Chunk] = []
        self._bm25: Bm25 | None = None

    @property
    def name(self) -> str:
        return "filesystem"

    async def query(self, query: ContextQuery) -> list[ContextItem]:
        return await asyncio.to_thread(self.search, query.query, query.max_results, query.max_tokens)

    def search(self, text: str, limit: int = 5, max_tokens: int = 4000) -> list[ContextItem]:
        self._refresh()
        if self._bm25 is None:
            return []
        items: list[ContextItem] = []
        budget = max_tokens * 4
        for index, score in self._bm25.top(tokens(text), limit, self.min_score):
            chunk = self._chunks[index]
            body = f"{chunk.path} (from line {chunk.start_line}):\n{chunk.text}"[:budget]
            if not body:
                break
            budget -= len(body)
            items.append(ContextItem(f"{chunk.path}:{chunk.start_line}", body, chunk.path, score))
        return items

    def _files(self) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        ignore = _gitignore(self.root)
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                path = Path(folder, name)
                rel = path.relative_to(self.root).as_posix()
                if name.startswith(".") or (ignore is not None and ignore.match_file(rel)):
                    continue
                try:
                    st = path.stat()
                except OSError:
                    continue
                if 0 < st.st_size <= self.max_file_bytes:
                    found.append((rel, st.st_size, st.st_mtime_ns))
                if len(found) >= self.max_files:
                    return found
        return found

    def _refresh(self) -> None:
        signature = tuple(self._files())
        if signature == self._signature:
            return
        self._signature = signature
        self._chunks = []
        for rel, _size, _mtime in signature:
            try:
                data = (self.root / rel).read_bytes()
            except OSError:
                continue
            if b"\0" in data[:1024]:
                continue
            self._chunks += _chunk(rel, data.decode("utf-8", errors="replace"), self.chunk_chars)
        docs = [tokens(c.path) * 3 + tokens(c.text) for c in self._chunks]
        self._bm25 = Bm25(docs) if docs else None


def _chunk(path: str, text: str, size: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    lines = text.splitlines(keepends=True)
    start, buf = 1, ""
    for number, line in enumerate(lines, 1):
        if buf and len(buf) + len(line) > size:
            chunks.append(Chunk(path, start, buf))
            start, buf = number, ""
        buf += line[: size * 2]
    if buf.strip() or not chunks:
        chunks.append(Chunk(path, start, buf))
    return chunks


def _gitignore(root: Path) -> Any:
    file = root / ".gitignore"
    if not file.is_file():
        return None
    import pathspec

    try:
        return pathspec.PathSpec.from_lines("gitwildmatch", file.read_text(encoding="utf-8").splitlines())
    except (OSError, ValueError):
        return None
