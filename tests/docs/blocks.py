"""Every fenced code block of README.md and docs/**/*.md, with its page, line and nearest heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
HEADING = re.compile(r"^#{1,6}\s+(.*)")


@dataclass(frozen=True)
class Block:
    page: str
    """Relative to the repository root, e.g. ``docs/protocol.md``."""
    line: int
    """Line of the opening fence (1-based)."""
    lang: str
    code: str
    heading: str
    """The nearest heading above the block: tells a protocol sample which method it shows."""

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    return sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def parse(path: Path) -> list[Block]:
    page = path.relative_to(ROOT).as_posix()
    lines = path.read_text().splitlines()
    blocks: list[Block] = []
    heading = ""
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            if found := HEADING.match(lines[i]):
                heading = found.group(1).strip()
            i += 1
            continue
        indent, fence, lang = opening.groups()
        start, body = i, []
        i += 1
        while i < len(lines) and not re.match(rf"^\s*{re.escape(fence)}\s*$", lines[i]):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        blocks.append(Block(page, start + 1, lang.lower(), "\n".join(body) + "\n", heading))
        i += 1
    return blocks


def all_blocks(lang: str | None = None) -> list[Block]:
    found = [b for p in pages() for b in parse(p)]
    return [b for b in found if lang is None or b.lang == lang]


def ids(blocks: list[Block]) -> list[str]:
    return [b.where for b in blocks]
