"""Text a reader does not see but a model reads: invisible Unicode, comments, encoded payloads.

Invisible characters are judged by where they stand, because several have real uses: a zero-width
joiner builds emoji (👨‍👩‍👧) and joins letters in Indic and Arabic scripts, a zero-width non-joiner is
part of Persian spelling, a zero-width space breaks words in Thai, tag characters spell the
subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿), bidi controls belong in right-to-left text, variation selectors follow
emoji and CJK ideographs. Anywhere else they hide text ("ASCII smuggling" with tag characters,
Trojan Source bidi overrides, CVE-2021-42574) or split words so filters miss them.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u115f\u1160\u3164\uffa0")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TAGS = range(0xE0000, 0xE0080)
_SKIN_TONES = range(0x1F3FB, 0x1F400)


def _pictographic(ch: str) -> bool:
    """Extended_Pictographic, approximately (Python's unicodedata has no such property)."""
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B00 <= cp <= 0x2BFF
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
        or 0x2190 <= cp <= 0x21FF
    )


def _joining_script(ch: str) -> bool:
    """A letter or mark of a script that uses ZWJ/ZWNJ in spelling (Arabic, Indic, Sinhala, Myanmar…)."""
    cp = ord(ch)
    return (
        0x0590 <= cp <= 0x1CFF or 0xA800 <= cp <= 0xABFF or 0xFB1D <= cp <= 0xFEFC
    ) and unicodedata.category(ch)[0] in "LM"


def _spaceless_script(ch: str) -> bool:
    """Scripts written without spaces, where a zero-width space marks word breaks (Thai, Khmer, CJK…)."""
    cp = ord(ch)
    return (
        0x0E00 <= cp <= 0x0FFF or 0x1000 <= cp <= 0x109F or 0x1780 <= cp <= 0x17FF or 0x3000 <= cp <= 0x9FFF
    )


def _rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _base(text: str, i: int) -> str:
    """The character a joiner at ``i`` follows, skipping variation selectors and skin tones."""
    j = i - 1
    while j >= 0 and (ord(text[j]) in _SKIN_TONES or text[j] == "\ufe0f" or ord(text[j]) in _TAGS):
        j -= 1
    return text[j] if j >= 0 else ""


def _legit_invisible(text: str, i: int) -> bool:
    ch = text[i]
    before = _base(text, i)
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch == "\u200d":
        if (
            before
            and after
            and _pictographic(before)
            and (_pictographic(after) or ord(after) in range(0x2640, 0x2643))
        ):
            return True
        return bool(before and _joining_script(before) or after and _joining_script(after))
    if ch == "\u200c":
        return bool(before and _joining_script(before) or after and _joining_script(after))
    if ch == "\u200b":
        return bool(before and _spaceless_script(before) or after and _spaceless_script(after))
    if ch == "\ufeff":
        return i == 0 or text[i - 1] in "\n\t"
    return False


@dataclass(frozen=True, slots=True)
class Hidden:
    """A finding about hidden content: what kind, where (offset in characters), and a short detail."""

    kind: str
    offset: int
    detail: str
    revealed: str = ""
    """Text that was hidden (tag characters spelled out, a decoded payload), to scan for instructions."""


INVISIBLE = re.compile(
    "["
    + "".join(sorted(ZERO_WIDTH | BIDI_CONTROLS))
    + "\U000e0000-\U000e007f\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
_ZERO_WIDTH = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_TAG_RUN = re.compile("[\U000e0000-\U000e007f]+")
_VARIATION_RUN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]{2,}")


SPLITTERS = re.compile(INVISIBLE.pattern[:-1] + "\u00ad\u034f]")
"""Invisible characters plus soft hyphens and combining grapheme joiners: all that can split a word unseen."""


def has_invisible(text: str) -> bool:
    return INVISIBLE.search(text) is not None


def invisible_unicode(text: str) -> list[Hidden]:
    """Zero-width, bidi, tag and variation-selector characters that stand where they have no use."""
    found: list[Hidden] = []
    if not has_invisible(text):
        return found
    zero_width = [m.start() for m in _ZERO_WIDTH.finditer(text) if not _legit_invisible(text, m.start())]
    if zero_width:
        found.append(
            Hidden("hidden_unicode", zero_width[0], f"{len(zero_width)} zero-width character(s) out of place")
        )
    bidi = [m.start() for m in _BIDI.finditer(text)]
    bidi = [i for i in bidi if not any(_rtl(c) for c in _line_around(text, i))]
    if bidi:
        found.append(
            Hidden("hidden_unicode", bidi[0], f"{len(bidi)} bidi control(s) outside right-to-left text")
        )
    found.extend(_tag_runs(text))
    found.extend(_variation_runs(text))
    return found


def _line_around(text: str, i: int) -> str:
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    return text[start : len(text) if end == -1 else end]


def _tag_runs(text: str) -> Iterator[Hidden]:
    for m in _TAG_RUN.finditer(text):
        start, run = m.start(), m.group(0)
        flag = start > 0 and text[start - 1] == "\U0001f3f4" and run[-1] == "\U000e007f"
        if flag and all(0xE0030 <= ord(c) <= 0xE007A for c in run[:-1]):
            continue  # a subdivision flag: black flag, region code in tags, cancel tag
        spelled = "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)
        yield Hidden(
            "hidden_unicode", start, f"{len(run)} tag character(s) spelling {spelled[:60]!r}", spelled
        )


def _variation_runs(text: str) -> Iterator[Hidden]:
    """Two or more variation selectors in a row carry bytes (one per selector), not a glyph variant."""
    for m in _VARIATION_RUN.finditer(text):
        data = bytes(_selector_byte(ord(c)) for c in m.group(0))
        yield Hidden(
            "hidden_unicode",
            m.start(),
            f"{len(m.group(0))} variation selectors in a row (bytes hidden after a character)",
            data.decode("utf-8", "replace"),
        )


def _selector_byte(cp: int) -> int:
    return cp - 0xFE00 if cp < 0xE0100 else cp - 0xE0100 + 16


def without_invisible(text: str) -> str:
    """The text with every character that can split a word unseen removed (``SPLITTERS``), to match the words."""
    return SPLITTERS.sub("", text)


# -- hidden markup -------------------------------------------------------------------------------

_COMMENTS = re.compile(r"<!--(?P<body>[\s\S]*?)-->|^\[(?://|comment)\]:\s*#\s*\((?P<md>[^)\n]*)\)", re.M)
_HIDDEN_ELEMENT = re.compile(
    r"<(?P<tag>\w+)\b[^>]*(?:\bhidden\b|display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px)?\b|"
    r"opacity\s*:\s*0(?:\.0+)?\b|color\s*:\s*(?:#fff(?:fff)?|white)\b)[^>]*>(?P<body>[\s\S]{0,4000}?)</(?P=tag)>",
    re.I,
)


def hidden_markup(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, where, text) for HTML comments, markdown comments and elements styled invisible."""
    for m in _COMMENTS.finditer(text):
        body = m.group("body") if m.group("body") is not None else m.group("md")
        yield m.start(), "an HTML comment" if m.group("body") is not None else "a markdown comment", body
    for m in _HIDDEN_ELEMENT.finditer(text):
        yield m.start(), "an invisible HTML element", m.group("body")


# -- encoded payloads --------------------------------------------------------------------------------

_BASE64 = re.compile(
    r"(?<![A-Za-z0-9+/=_\-])(?:[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9_\-]{24,}={0,2})(?![A-Za-z0-9+/=_\-])"
)
_HEX_TEXT = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])")
MAX_DECODED = 64
"""Encoded runs decoded per text: bounded work on large outputs full of hashes."""


def encoded_text(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, encoding, decoded text) for base64 and hex runs that decode to readable text."""
    count = 0
    for m in _BASE64.finditer(text):
        run = m.group(0)
        if re.fullmatch(r"[0-9a-fA-F]+", run):
            continue  # hex digests are valid base64 too; they are handled below
        decoded = _b64(run)
        if decoded is not None:
            yield m.start(), "base64", decoded
        count += 1
        if count >= MAX_DECODED:
            return
    for m in _HEX_TEXT.finditer(text):
        try:
            decoded = bytes.fromhex(m.group(0)).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if _readable(decoded):
            yield m.start(), "hex", decoded
        count += 1
        if count >= MAX_DECODED:
            return


def _b64(run: str) -> str | None:
    padded = run.rstrip("=")
    padded += "=" * (-len(padded) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_" if ("-" in run or "_" in run) else None, validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return decoded if _readable(decoded) else None


def _readable(text: str) -> bool:
    """Mostly printable, with spaces between words: prose or commands, not binary or an identifier."""
    if len(text) < 12:
        return False
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in text)
    return printable / len(text) >= 0.95 and text.count(" ") >= 2
