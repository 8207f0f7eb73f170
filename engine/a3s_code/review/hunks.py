"""A proposed file change as hunks with stable ids, and the text that accepting some of them gives.

A file's change is compared line by line (lines keep their own ``\\n``/``\\r\\n``, so line endings
survive any choice of hunks) and grouped the way ``git diff`` groups it: changes less than
2 x ``CONTEXT`` lines apart share a hunk, each hunk shows up to ``CONTEXT`` lines around it. A hunk's
id is a digest of the file's display path, where the hunk starts in the old file and the lines it
removes and adds: the same proposal always gets the same ids, and ids never depend on other hunks.

A new file is one hunk (accepting it creates the file), a deleted file is one hunk (accepting it
deletes the file). Applying a subset: every line the accepted hunks change takes its new form, every
other line stays as it was (``FileProposal.apply``).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..tools._text import keep_lines

CONTEXT = 3
"""Lines of unchanged text shown around each hunk (``git diff``'s default)."""

Op = tuple[int, int, int, int]
"""One change: old lines ``[i1, i2)`` become new lines ``[j1, j2)`` (0-based line indexes)."""


@dataclass(frozen=True)
class Hunk:
    """One reviewable part of a file's change.

    ``old_start``/``new_start`` are 1-based line numbers as a unified diff header gives them (the line
    before, for an empty side); ``text`` is the hunk as it appears in a unified diff, header included.
    """

    id: str
    file: str
    """The file's path as shown to the user (workspace-relative)."""
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    text: str
    ops: tuple[Op, ...] = field(repr=False)


@dataclass
class FileProposal:
    """One file a tool proposes to change: its text before (None: new) and after (None: deleted)."""

    path: Path
    shown: str
    before: str | None
    after: str | None
    hunks: list[Hunk]
    template: Path | None = None
    """For a moved file: the file whose encoding the new one takes (``fs.TemplateWriter``)."""

    def apply(self, accepted: Collection[str]) -> str | None:
        """The file's text with exactly the hunks whose ids are in ``accepted`` applied.

        None means the file does not exist afterwards (a deletion accepted, or a creation rejected).
        """
        if self.before is None or self.after is None:
            whole = bool(self.hunks) and self.hunks[0].id in accepted
            return self.after if whole else self.before
        old, new = keep_lines(self.before), keep_lines(self.after)
        out: list[str] = []
        at = 0
        for hunk in self.hunks:
            take = hunk.id in accepted
            for i1, i2, j1, j2 in hunk.ops:
                out.extend(old[at:i1])
                out.extend(new[j1:j2] if take else old[i1:i2])
                at = i2
        out.extend(old[at:])
        return "".join(out)


@dataclass
class Proposal:
    """Everything one call proposes: its files in order, and all their hunks."""

    files: list[FileProposal]

    @property
    def hunks(self) -> list[Hunk]:
        return [hunk for f in self.files for hunk in f.hunks]

    @property
    def splittable(self) -> bool:
        """Whether hunks may be accepted one by one: more than one hunk, and no moved file (a move
        deletes one file and creates another; half of it would lose text)."""
        return len(self.hunks) > 1 and all(f.template is None for f in self.files)


def propose_files(
    changes: Sequence[tuple[Path, str, str | None, str | None, Path | None]],
) -> Proposal:
    """``(path, shown, before, after, template)`` for each file a call changes -> its hunks."""
    files = [
        FileProposal(path, shown, before, after, file_hunks(shown, before, after), template)
        for path, shown, before, after, template in changes
        if before != after
    ]
    return Proposal(files)


def file_hunks(shown: str, before: str | None, after: str | None, context: int = CONTEXT) -> list[Hunk]:
    """The hunks of one file's change (none when nothing changes)."""
    old = keep_lines(before or "")
    new = keep_lines(after or "")
    if before is None or after is None:
        if before == after:
            return []
        return [_hunk(shown, old, new, [(0, len(old), 0, len(new))], [("replace", 0, len(old), 0, len(new))])]
    hunks = []
    for group in _grouped(old, new, context):
        ops = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in group if tag != "equal"]
        hunks.append(_hunk(shown, old, new, ops, group))
    return hunks


def _grouped(old: list[str], new: list[str], context: int) -> list[list[tuple[str, int, int, int, int]]]:
    """``SequenceMatcher.get_grouped_opcodes`` of the whole file, but only the region between the
    common first and last lines is compared, so a small change to a big file costs about one pass.

    The changes stay inside that region (with the whole file around it as context), so a change is
    never put at the edge of a window where a hunk would lack the context that follows it.
    """
    n = min(len(old), len(new))
    head = 0
    while head < n and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < n - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = difflib.SequenceMatcher(
        None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    ).get_opcodes()
    codes: list[tuple[str, int, int, int, int]] = [
        (tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle
    ]
    if head:
        codes.insert(0, ("equal", 0, head, 0, head))
    if tail:
        codes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return list(_Opcodes(codes).get_grouped_opcodes(context))


class _Opcodes(difflib.SequenceMatcher[str]):
    """difflib's grouping of opcodes into hunks, over opcodes computed elsewhere."""

    def __init__(self, codes: list[tuple[str, int, int, int, int]]) -> None:
        super().__init__(None, [], [])
        self._codes = codes

    def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:  # type: ignore[override]
        return list(self._codes)


def _hunk(
    shown: str, old: list[str], new: list[str], ops: list[Op], group: list[tuple[str, int, int, int, int]]
) -> Hunk:
    i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
    lines = [f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@\n"]
    for tag, a1, a2, b1, b2 in group:
        if tag == "equal":
            lines.extend(_marked(" ", old[a1:a2]))
        else:
            lines.extend(_marked("-", old[a1:a2]))
            lines.extend(_marked("+", new[b1:b2]))
    digest = hashlib.blake2s(digest_size=6)
    digest.update(f"{shown}\0{i1}\0".encode("utf-8", "surrogatepass"))
    for a1, a2, b1, b2 in ops:
        removed, added = "".join(old[a1:a2]), "".join(new[b1:b2])
        digest.update(
            f"{a1}\0{len(removed)}\0{removed}\0{len(added)}\0{added}\0".encode("utf-8", "surrogatepass")
        )
    return Hunk(
        id=f"h{digest.hexdigest()}",
        file=shown,
        old_start=_start(i1, i2 - i1),
        old_lines=i2 - i1,
        new_start=_start(j1, j2 - j1),
        new_lines=j2 - j1,
        text="".join(lines),
        ops=tuple(ops),
    )


def _start(index: int, length: int) -> int:
    return index + 1 if length else index


def _range(index: int, length: int) -> str:
    """A hunk range as diff prints it: 1-based start, ``,length`` unless 1, start-1 for an empty side."""
    return str(index + 1) if length == 1 else f"{_start(index, length)},{length}"


def _marked(sign: str, lines: list[str]) -> list[str]:
    return [
        sign + line if line.endswith("\n") else f"{sign}{line}\n\\ No newline at end of file\n"
        for line in lines
    ]


def file_header(proposal: FileProposal) -> str:
    """The ``---``/``+++`` lines of a file's unified diff (``/dev/null`` for a new or deleted side)."""
    old = "/dev/null" if proposal.before is None else f"a/{proposal.shown}"
    new = "/dev/null" if proposal.after is None else f"b/{proposal.shown}"
    return f"--- {old}\n+++ {new}\n"


def hunks_diff(proposal: FileProposal, hunks: Sequence[Hunk]) -> str:
    """A unified diff of ``proposal``'s file holding only ``hunks`` (each at its proposed place)."""
    if not hunks:
        return ""
    return file_header(proposal) + "".join(h.text for h in hunks)
