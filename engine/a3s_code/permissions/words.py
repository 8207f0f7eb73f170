"""What a shell word means: quote removal, ANSI-C escapes, brace expansion, ``~`` and ``$VAR``.

The rules of the Bash manual (3.1.2 Quoting, 3.5 Shell Expansions) applied to one tree-sitter-bash
word node. A word keeps two readings: ``text`` (quotes removed, expansions kept as written, what
rules match) and ``value`` (expansions filled in from the environment the command will run in, or
None when only running it would tell: command substitutions, positional parameters, ``$RANDOM``).
"""

from __future__ import annotations

import pwd
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Env = Mapping[str, "str | None"]
"""Variables the command will see. None: assigned in the command itself to something unknown."""

MAX_BRACE_WORDS = 256
_DQ_ESCAPES = {'"', "\\", "$", "`"}
_ANSI = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_ANSI |= {"v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)", re.S)
_UNKNOWN_PARAMS = {"RANDOM", "SRANDOM", "LINENO", "SECONDS", "BASHPID", "EPOCHREALTIME", "EPOCHSECONDS"}


@dataclass(frozen=True)
class Piece:
    """A run of one word: ``lit`` (unquoted), ``quoted``, ``var`` (``$NAME``), ``dyn`` or ``tilde``."""

    kind: str
    text: str
    """Literal text, the variable's name, the source of a substitution, or the ``~user`` prefix."""
    default: str | None = None
    """``${NAME:-default}``: what an empty or unset variable becomes."""


@dataclass(frozen=True)
class Word:
    text: str
    """Quotes removed, expansions as written: ``r""m`` is ``rm``, ``"$HOME/x"`` is ``$HOME/x``."""
    value: str | None
    """Expanded from the environment; None when it cannot be known before the command runs."""
    dynamic: bool
    """Holds an expansion or substitution."""
    glob: bool
    """Holds an unquoted ``*``, ``?`` or ``[``: pathname expansion decides the final words."""


def pieces(node: Any, source: bytes, first: bool = True) -> list[Piece]:
    """The runs of one word node (``word``, ``string``, ``concatenation``, expansions...).

    ``first``: the node starts the word, so a leading ``~`` is a tilde prefix.
    """
    kind = node.type
    text = source[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")
    if kind in ("word", "number", "brace_expression", "variable_name", "file_descriptor"):
        return _unquoted(text, first)
    if kind == "raw_string":
        return [Piece("quoted", text[1:-1])]
    if kind == "ansi_c_string":
        return [Piece("quoted", decode_ansi_c(text[2:-1]))]
    if kind == "translated_string":  # $"..." is a double-quoted string looked up in a catalogue
        return [Piece("quoted" if p.kind == "lit" else p.kind, p.text, p.default) for p in _dq(node, source)]
    if kind == "string":
        return _dq(node, source)
    if kind == "concatenation":
        return [p for i, child in enumerate(node.children) for p in pieces(child, source, first and i == 0)]
    if kind == "simple_expansion":
        name = text[1:]
        return [Piece("var", name)] if _plain_name(name) else [Piece("dyn", text)]
    if kind == "expansion":
        return [_braced(text)]
    return [Piece("dyn", text)]


def _unquoted(text: str, first: bool) -> list[Piece]:
    out: list[Piece] = []
    i, run = 0, ""
    if first and text.startswith("~"):
        end = text.find("/")
        end = len(text) if end < 0 else end
        out.append(Piece("tilde", text[1:end]))
        i = end
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            if run:
                out.append(Piece("lit", run))
                run = ""
            if text[i + 1] != "\n":  # backslash-newline is a line continuation: both vanish
                out.append(Piece("quoted", text[i + 1]))
            i += 2
            continue
        run += text[i]
        i += 1
    if run:
        out.append(Piece("lit", run))
    return out


def _dq(node: Any, source: bytes) -> list[Piece]:
    """A double-quoted string: gaps between child nodes are literal, with the four escapes."""
    out: list[Piece] = []
    pos = node.start_byte + 1
    for child in node.children:
        if not child.is_named:
            continue
        if child.start_byte > pos:
            out.append(Piece("quoted", _dq_text(source[pos : child.start_byte])))
        if child.type == "string_content":
            out.append(Piece("quoted", _dq_text(source[child.start_byte : child.end_byte])))
        else:
            out.extend(
                Piece(p.kind if p.kind != "lit" else "quoted", p.text, p.default)
                for p in pieces(child, source)
            )
        pos = child.end_byte
    if node.end_byte - 1 > pos:
        out.append(Piece("quoted", _dq_text(source[pos : node.end_byte - 1])))
    return out or [Piece("quoted", "")]


def _dq_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "surrogateescape")
    return re.sub(
        r"\\(.)", lambda m: m.group(1) if m.group(1) in _DQ_ESCAPES else m.group(0), text.replace("\\\n", "")
    )


def _plain_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)) and name not in _UNKNOWN_PARAMS


def _braced(text: str) -> Piece:
    inner = text[2:-1]
    if _plain_name(inner):
        return Piece("var", inner)
    found = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*):?-(.*)", inner, re.S)
    if found and _plain_name(found.group(1)) and not re.search(r"[$`\\'\"]", found.group(2)):
        return Piece("var", found.group(1), found.group(2))
    return Piece("dyn", text)


def decode_ansi_c(body: str) -> str:
    """``$'...'`` escapes (Bash manual 3.1.2.4): ``\\x72`` is ``r``, ``\\u00e9`` is ``é``."""

    def one(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc[0] in "xuU" and len(esc) > 1:
            return chr(min(int(esc[1:], 16), 0x10FFFF))
        if esc[0] in "01234567":
            return chr(int(esc, 8) & 0xFF)
        if esc[0] == "c" and len(esc) == 2:
            return chr(ord(esc[1].upper()) ^ 0x40)
        return _ANSI.get(esc, "\\" + esc)

    return _ANSI_RE.sub(one, body)


def home_of(user: str, env: Env) -> str | None:
    """``~`` is ``$HOME`` of the environment the command runs in; ``~name`` that user's home."""
    if not user:
        return env.get("HOME")
    try:
        return pwd.getpwnam(user).pw_dir
    except KeyError:
        return "~" + user  # bash leaves an unknown ~name as written


def to_word(parts: list[Piece], env: Env) -> Word:
    text: list[str] = []
    value: list[str] | None = []
    dynamic = glob = False
    for part in parts:
        if part.kind in ("lit", "quoted"):
            text.append(part.text)
            glob = glob or (part.kind == "lit" and any(c in part.text for c in "*?["))
            if value is not None:
                value.append(part.text)
            continue
        if part.kind == "tilde":
            text.append("~" + part.text)
            known = home_of(part.text, env)
        elif part.kind == "var":
            dynamic = True
            text.append("${" + part.text + "}" if part.default is not None else "$" + part.text)
            known = env.get(part.text, "")
            if known == "" and part.default is not None:
                known = part.default
        else:
            dynamic = True
            text.append(part.text)
            known = None
        if value is not None and known is not None:
            value.append(known)
        else:
            value = None
    return Word("".join(text), None if value is None else "".join(value), dynamic, glob)


def words_of(node: Any, source: bytes, env: Env) -> list[Word]:
    """One node as the words it becomes: several when an unquoted brace expansion is in it."""
    parts = pieces(node, source)
    return [to_word(p, env) for p in expand_braces(parts) if _kept(p)]


def _kept(parts: list[Piece]) -> bool:
    """An unquoted word that expands to nothing (``{rm,}``'s second word) is removed."""
    return any(p.kind != "lit" or p.text for p in parts)


def assemble(items: list[tuple[int, int, Any]], end: int, source: bytes, env: Env) -> list[Word]:
    """The words of a simple command from its nodes in source order (``node`` None: a redirection,
    which separates words; a string: unquoted source text no node holds). tree-sitter-bash splits ``''\\a`` in two and drops an escaped space
    between nodes; bash reads one word wherever no unescaped blank separates them, so the gaps
    between nodes are read here too."""
    groups: list[list[Piece]] = []
    current: list[Piece] | None = None
    pos = items[0][0] if items else end
    for start, stop, node in [*items, (end, end, None)]:
        gap = source[pos:start].decode("utf-8", "surrogateescape")
        i = 0
        while i < len(gap):
            if gap[i] == "\\" and i + 1 < len(gap):
                if gap[i + 1] != "\n":
                    current = [*(current or []), Piece("quoted", gap[i + 1])]
                i += 2
                continue
            if gap[i] in " \t\n" and current is not None:
                groups.append(current)
                current = None
            i += 1
        if node is None:
            if current is not None:
                groups.append(current)
            current = None
        else:
            found = (
                _unquoted(node, current is None)
                if isinstance(node, str)
                else pieces(node, source, current is None)
            )
            current = [*(current or []), *found]
        pos = max(pos, stop)
    return [to_word(p, env) for group in groups for p in expand_braces(group) if _kept(p)]


# -- brace expansion (Bash manual 3.5.1) -----------------------------------------------------------


def expand_braces(parts: list[Piece]) -> list[list[Piece]]:
    """``{rm,-rf,x}`` is three words, ``a{b,c}d`` two; quoted braces are plain text."""
    atoms: list[Piece | str] = []
    for part in parts:
        if part.kind == "lit":
            atoms.extend(part.text)
        else:
            atoms.append(part)
    if "{" not in atoms:
        return [parts]
    results = _expand(atoms)
    if len(results) > MAX_BRACE_WORDS:
        results = results[:MAX_BRACE_WORDS]
    return [_merge(r) for r in results]


def _expand(atoms: list[Piece | str]) -> list[list[Piece | str]]:
    for start, atom in enumerate(atoms):
        if atom != "{":
            continue
        depth, commas = 0, []
        for end in range(start, len(atoms)):
            if atoms[end] == "{":
                depth += 1
            elif atoms[end] == "}":
                depth -= 1
                if depth == 0:
                    break
            elif atoms[end] == "," and depth == 1:
                commas.append(end)
        else:
            return [atoms]
        inner = atoms[start + 1 : end]
        if commas:
            bounds = [start, *commas, end]
            options = [atoms[a + 1 : b] for a, b in zip(bounds, bounds[1:], strict=False)]
        else:
            sequence = _sequence(inner)
            if sequence is None:
                rest = _expand(atoms[start + 1 :])
                return [atoms[: start + 1] + r for r in rest]
            options = [list(s) for s in sequence]
        out: list[list[Piece | str]] = []
        for option in options:
            out.extend(_expand(atoms[:start] + option + atoms[end + 1 :]))
            if len(out) > MAX_BRACE_WORDS:
                break
        return out
    return [atoms]


def _sequence(inner: list[Piece | str]) -> list[str] | None:
    if not all(isinstance(a, str) for a in inner):
        return None
    found = re.fullmatch(r"(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?", "".join(map(str, inner)))
    if not found:
        return None
    a, b, step = found.group(1), found.group(2), abs(int(found.group(3) or 1)) or 1
    if a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        lo, hi = int(a), int(b)
        seq = range(lo, hi + 1, step) if lo <= hi else range(lo, hi - 1, -step)
        return [str(n) for n in seq][: MAX_BRACE_WORDS + 1]
    if a.isalpha() and b.isalpha():
        lo, hi = ord(a), ord(b)
        seq = range(lo, hi + 1, step) if lo <= hi else range(lo, hi - 1, -step)
        return [chr(n) for n in seq]
    return None


def _merge(atoms: list[Piece | str]) -> list[Piece]:
    out: list[Piece] = []
    for atom in atoms:
        if isinstance(atom, str):
            if out and out[-1].kind == "lit":
                out[-1] = Piece("lit", out[-1].text + atom)
            else:
                out.append(Piece("lit", atom))
        else:
            out.append(atom)
    return out
