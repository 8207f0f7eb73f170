"""OpenAI's ``*** Begin Patch`` envelope (GPT-4.1, GPT-5, Codex): parsing, and applying an update.

Follows the published grammar and the reference implementation, ``openai/codex``
``codex-rs/apply-patch`` (``parser.rs``, ``seek_sequence.rs``, ``lib.rs``, ``text_file.rs``)::

    Patch      := "*** Begin Patch" NEWLINE { FileOp } "*** End Patch" NEWLINE?
    FileOp     := AddFile | DeleteFile | UpdateFile
    AddFile    := "*** Add File: " path NEWLINE { "+" line NEWLINE }
    DeleteFile := "*** Delete File: " path NEWLINE
    UpdateFile := "*** Update File: " path NEWLINE [ "*** Move to: " path NEWLINE ] { Hunk }
    Hunk       := "@@" [ " " context ] NEWLINE { (" " | "-" | "+") line NEWLINE } [ "*** End of File" NEWLINE ]

As there: the text is trimmed; markers may carry surrounding whitespace; a ``<<EOF`` / ``<<'EOF'`` /
``<<"EOF"`` heredoc wrapper around the patch is dropped (lenient mode); the first hunk of an update may
omit its ``@@``; an empty line inside a hunk is an empty context line; a pure addition (only ``+``
lines) goes to the end of the file; ``old`` lines are sought from the previous hunk on, trying exact,
then trailing-whitespace-trimmed, then trimmed, then Unicode punctuation normalised; ``*** End of File``
seeks them at the end first; an updated file ends with a newline. Added lines take the file's first line
ending. Beyond the reference: several ``@@ context`` lines in a row narrow the position one after the
other, as the published instructions describe, and an ``apply_patch <<'EOF'`` first line is dropped
like the bare heredoc marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import ToolError
from ._text import nearest_text

BEGIN = "*** Begin Patch"
END = "*** End Patch"
ADD = "*** Add File: "
DELETE = "*** Delete File: "
UPDATE = "*** Update File: "
MOVE = "*** Move to: "
EOF_MARKER = "*** End of File"
_HEREDOC_STARTS = ("<<EOF", "<<'EOF'", '<<"EOF"')


@dataclass
class Chunk:
    contexts: list[str]
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    end_of_file: bool = False
    line: int = 0
    """1-based line of the chunk in the patch, for error messages."""


@dataclass
class AddFile:
    path: str
    content: str


@dataclass
class DeleteFile:
    path: str


@dataclass
class UpdateFile:
    path: str
    move_to: str | None
    chunks: list[Chunk]


Operation = AddFile | DeleteFile | UpdateFile


def is_envelope(text: str) -> bool:
    """Whether ``text`` is meant as an envelope: its first real line is ``*** Begin Patch`` (or a
    heredoc marker followed by it)."""
    lines = [line.strip() for line in text.strip().split("\n")[:3]]
    if lines and _is_heredoc_start(lines[0]):
        lines = lines[1:]
    return bool(lines) and lines[0] == BEGIN


def _is_heredoc_start(line: str) -> bool:
    words = line.split()
    if len(words) == 2 and words[0] in ("apply_patch", "applypatch"):
        line = words[1]
    return line in _HEREDOC_STARTS


def parse(text: str) -> list[Operation]:
    """The operations of an envelope, in order. Raises ToolError naming the patch line at fault."""
    lines = [line.removesuffix("\r") for line in text.strip().split("\n")]
    body = _boundaries(lines)
    first_line = 2 if lines[0].strip() == BEGIN else 3
    ops: list[Operation] = []
    i = 0
    while i < len(body):
        op, used = _operation(body, i, first_line + i)
        ops.append(op)
        i += used
    return ops


def _boundaries(lines: list[str]) -> list[str]:
    def strict(inner: list[str]) -> list[str]:
        first = inner[0].strip() if inner else ""
        last = inner[-1].strip() if inner else ""
        if first != BEGIN:
            raise ToolError("Invalid patch: the first line of the patch must be '*** Begin Patch'")
        if len(inner) < 2 or last != END:
            raise ToolError("Invalid patch: the last line of the patch must be '*** End Patch'")
        return inner[1:-1]

    try:
        return strict(lines)
    except ToolError:
        if len(lines) >= 4 and _is_heredoc_start(lines[0].strip()) and lines[-1].endswith("EOF"):
            return strict(lines[1:-1])
        raise


def _error(line: int, message: str) -> ToolError:
    return ToolError(f"Invalid patch hunk on line {line}: {message}")


def _operation(lines: list[str], i: int, number: int) -> tuple[Operation, int]:
    head = lines[i].strip()
    if head.startswith(ADD):
        content: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].startswith("+"):
            content.append(lines[j][1:] + "\n")
            j += 1
        return AddFile(head[len(ADD) :], "".join(content)), j - i
    if head.startswith(DELETE):
        return DeleteFile(head[len(DELETE) :]), 1
    if head.startswith(UPDATE):
        path = head[len(UPDATE) :]
        j = i + 1
        move_to = None
        if j < len(lines) and lines[j].strip().startswith(MOVE):
            move_to = lines[j].strip()[len(MOVE) :]
            j += 1
        chunks: list[Chunk] = []
        while j < len(lines):
            if not lines[j].strip():
                j += 1
                continue
            if lines[j].startswith("*"):
                break
            chunk, used = _chunk(lines, j, number + (j - i), first=not chunks)
            chunks.append(chunk)
            j += used
        if not chunks:
            raise _error(number, f"Update file hunk for path '{path}' is empty")
        return UpdateFile(path, move_to, chunks), j - i
    raise _error(
        number,
        f"'{head}' is not a valid hunk header. Valid hunk headers: '*** Add File: {{path}}', "
        "'*** Delete File: {path}', '*** Update File: {path}'",
    )


def _chunk(lines: list[str], i: int, number: int, *, first: bool) -> tuple[Chunk, int]:
    chunk = Chunk(contexts=[], line=number)
    j = i
    while j < len(lines) and (lines[j] == "@@" or lines[j].startswith("@@ ")):
        if lines[j] != "@@" and lines[j][3:]:
            chunk.contexts.append(lines[j][3:])
        j += 1
    if j == i and not first:
        raise _error(number, f"Expected update hunk to start with a @@ context marker, got: '{lines[i]}'")
    parsed = 0
    while j < len(lines):
        line = lines[j]
        if line.strip() == EOF_MARKER:
            if parsed == 0:
                break
            chunk.end_of_file = True
            j += 1
            break
        if line == "":
            chunk.old.append("")
            chunk.new.append("")
        elif line[0] == " ":
            chunk.old.append(line[1:])
            chunk.new.append(line[1:])
        elif line[0] == "+":
            chunk.new.append(line[1:])
        elif line[0] == "-":
            chunk.old.append(line[1:])
        else:
            if parsed == 0:
                raise _error(
                    number + (j - i),
                    f"Unexpected line found in update hunk: '{line}'. Every line should start with "
                    "' ' (context line), '+' (added line), or '-' (removed line)",
                )
            break
        parsed += 1
        j += 1
    if parsed == 0:
        raise _error(number + (j - i), "Update hunk does not contain any lines")
    return chunk, j - i


# --- applying an update ----------------------------------------------------------------------------

_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys(
            "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
        ),
    }
)
_PASSES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("", lambda s: s),
    ("trailing whitespace", str.rstrip),
    ("surrounding whitespace", str.strip),
    ("whitespace and Unicode punctuation", lambda s: s.strip().translate(_PUNCTUATION)),
)


def seek(lines: list[str], pattern: list[str], start: int, eof: bool) -> tuple[int, str]:
    """(index, what was ignored) of ``pattern`` in ``lines`` at or after ``start``; (-1, "") if absent.

    Each pass tries every position before the next, looser pass runs (``seek_sequence.rs``). With
    ``eof`` the search starts where the pattern would end the file.
    """
    if not pattern:
        return start, ""
    if len(pattern) > len(lines):
        return -1, ""
    begin = len(lines) - len(pattern) if eof else start
    for how, norm in _PASSES:
        wanted = [norm(p) for p in pattern]
        for i in range(begin, len(lines) - len(pattern) + 1):
            if all(norm(lines[i + k]) == wanted[k] for k in range(len(pattern))):
                return i, how
    return -1, ""


def apply_update(text: str, op: UpdateFile, shown: str) -> tuple[str, list[str]]:
    """The file's new text after ``op``'s chunks, and notes on fuzzy matches; raises ToolError naming
    the chunk that failed and the nearest text in the file."""
    from ._unidiff import text_lines

    source = text_lines(text)
    lines = [line for line, _ in source]
    preferred = next((eol for _, eol in source if eol), "\n")
    replacements: list[tuple[int, int, list[str]]] = []
    notes: list[str] = []
    index = 0
    for n, chunk in enumerate(op.chunks, 1):
        where = f"Hunk {n} of {len(op.chunks)} for {shown} (patch line {chunk.line})"
        for context in chunk.contexts:
            found, how = seek(lines, [context], index, False)
            if found < 0:
                near = nearest_text("\n".join(lines[index:]), context, index + 1)
                raise ToolError(
                    f"{where}: failed to find context '{context}' in {shown}.{near}\nNo changes were made."
                )
            index = found + 1
            if how:
                notes.append(f"{where}: context '{context}' matched ignoring {how}")
        if not chunk.old:
            replacements.append((len(lines), 0, chunk.new))
            continue
        old, new = chunk.old, chunk.new
        found, how = seek(lines, old, index, chunk.end_of_file)
        if found < 0 and old[-1] == "":
            old = old[:-1]
            new = new[:-1] if new and new[-1] == "" else new
            found, how = seek(lines, old, index, chunk.end_of_file)
        if found < 0:
            block = "\n".join(f"  {line}" for line in chunk.old)
            near = nearest_text("\n".join(lines[index:]), "\n".join(chunk.old), index + 1)
            raise ToolError(
                f"{where}: failed to find the expected lines in {shown}:\n{block}{near}\n"
                "No changes were made. Read the file and build the patch from its current text."
            )
        if how:
            notes.append(f"{where} matched ignoring {how}")
        replacements.append((found, len(old), new))
        index = found + len(old)
    replacements.sort(key=lambda r: r[0])
    out = list(source)
    for start, length, new in reversed(replacements):
        out[start : start + length] = [(line, preferred) for line in new]
    return "".join(line + (eol or preferred) for line, eol in out), notes
