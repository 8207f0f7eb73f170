"""Which legacy encoding a non-UTF-8 file is most likely in, best first.

``chardet`` (7.x) scores the candidates from byte and language statistics. On the short non-ASCII runs
of source files (a few accented words in comments) its scores are weak and often nearly tied, so the
ranking adds what a reader would notice first: a decode that spells words no one writes is worse.
A word is implausible when it mixes two alphabets ("cittа" with a Cyrillic "а": the mixed-script test
of Unicode TS #39, section 5.1), holds one of the Hangul syllables Korean almost never writes (the
8,822 only Windows-949 has, "믤"), starts with a combining mark,
holds a control character, puts a non-ASCII capital after a small letter ("dÉlta"), or has a
symbol touching the letters of an alphabet ("ksi±¿ka") other than opening or closing punctuation
("¿qué", "«mot»"); CJK text, which has no spaces between words, may put any punctuation or symbol
next to its characters.

Rank: fewest implausible words, then chardet's confidence (Western European encodings weighted up),
then how common the encoding is. Only
encodings in use today are candidates (no Mac, DOS or EBCDIC code pages): a file in one of those is
read as its closest modern relative, and every byte still comes back as it was (``textcodec.detect``
accepts a candidate only when it decodes the whole file and encodes it back to the same bytes).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from functools import cache

from .windows1252 import NAME as WINDOWS_1252

CANDIDATES = (
    WINDOWS_1252,
    "iso8859_1",
    "iso8859_15",
    "cp932",
    "shift_jis_2004",
    "euc_jis_2004",
    "gb18030",
    "big5hkscs",
    "euc_kr",  # before its superset Windows-949: EUC-KR also reads KS X 1001's 8-byte syllables
    "cp949",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "cp1250",
    "iso8859_2",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "iso8859_9",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
)
"""Python codec names, the encodings met most often first (the tie-break). Windows-1252 is the WHATWG
Encoding Standard's (``windows1252``): unlike Python's ``cp1252`` it decodes all 256 bytes."""
FALLBACK = (WINDOWS_1252, "iso8859_1")
"""Always candidates: Windows-1252, then ISO-8859-1; each decodes any byte one-to-one."""
CHECKED_BYTES = 8 * 1024
"""How many bytes of non-ASCII lines each candidate's decode is checked for implausible words."""

_WESTERN = frozenset({WINDOWS_1252, "iso8859_1", "iso8859_15"})
_WESTERN_WEIGHT = 1.75
"""chardet's confidence for the Western European encodings counts this much more. They hold most of
the world's legacy text, and on a few words chardet's scores are thin and often favour a Central
European reading ("résumé naïve" in Latin-1: Windows-1250 0.053, Windows-1252 0.032, so "naďve").
Measured with tests/bench/bench_encodings.py (5,600 generated files): 1.75 reads every Western file
right; Czech files with a few words are read as Windows-1252 more often (12% instead of 7% at 1.15)."""
_ICELANDIC = "ðþýÐÞÝ"
"""Letters a Western European decode shows almost only by mistake: Icelandic and Faroese use them, and
they are the bytes of Turkish ğ ş ı (Windows-1254, ISO-8859-9). Each one counts as an implausible word."""
_ALPHABETS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "HEBREW", "ARABIC", "THAI", "GEORGIAN"})
_OPENERS = frozenset("¿¡«„“‘‚‹")
_CLOSERS = frozenset("»”’›°")
CHARDET_MIN_BYTES = 32
"""Fewer bytes of non-ASCII lines than this, and chardet reads the whole sample (see ``_ranked``)."""
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_DECLARATIONS = (
    # PEP 263 (Python, also Ruby's magic comment) and Emacs's file variables (-*- coding: x -*-)
    (re.compile(rb"\A(?:[^\n]*\n)?[ \t\f]*(?:#|[^\n]*-\*-)[^\n]*?coding[:=][ \t]*([-\w.]+)"), False),
    # a Vim modeline near the top: vim: set fileencoding=latin1 :
    (
        re.compile(rb"\A(?:[^\n]*\n){0,4}[^\n]*\b(?:vi|vim|ex):[^\n]*\bf(?:ile)?enc(?:oding)?=([-\w.]+)"),
        False,
    ),
    # the XML declaration (XML 1.0 section 4.3.3)
    (re.compile(rb"\A<\?xml[^>]*\bencoding=[\"']([-\w.]+)[\"']"), False),
    # HTML's <meta charset> in the first 1,024 bytes (WHATWG HTML, "prescan a byte stream")
    (re.compile(rb"<meta[^>]+charset=[\"']?([-\w.]+)", re.IGNORECASE), True),
)
_WHATWG_WINDOWS_1252 = frozenset({"iso8859_1", "ascii", "latin_1"})
"""Labels the WHATWG Encoding Standard reads as windows-1252 in HTML ("iso-8859-1", "us-ascii")."""
_WORD = re.compile(r"\S+")
_UNDEFINED_IN_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def ranked(sample: bytes) -> list[str]:
    """Candidate codecs for ``sample`` (the start of a file, cut after a line), best first.

    The encoding the file declares (``declared``) comes first. Every candidate that decodes the
    sample's non-ASCII lines is ranked (chardet leaves out some that fit, then scored 0);
    ``FALLBACK`` always is.
    """
    first = declared(sample)
    ranking = _ranked(sample)
    if first is not None:
        ranking = [first, *(c for c in ranking if c != first)]
    return ranking


def declared(head: bytes) -> str | None:
    """The encoding the file names itself, as a Python codec name: a PEP 263 or Emacs ``coding:``
    in its first two lines, a Vim ``fileencoding=`` modeline in its first five, an XML declaration,
    or an HTML ``<meta charset>`` in its first 1,024 bytes. None when it names none, or one Python
    does not know or the tools cannot edit (UTF-16/32, ISO-2022 and other encodings that change
    the bytes of ASCII text)."""
    for pattern, html in _DECLARATIONS:
        found = pattern.search(head[:1024] if html else head[:4096])
        if found is None:
            continue
        label = found.group(1).decode("ascii").lower()
        label = re.sub(r"-(?:unix|dos|mac)$", "", label)  # Emacs adds the line-ending style
        try:
            codec = norm(label)
        except LookupError:
            continue
        if (html and codec in _WHATWG_WINDOWS_1252) or codec == "cp1252":
            codec = WINDOWS_1252
        if codec != "utf_8" and _ascii_compatible(codec):
            return codec
    return None


def _ascii_compatible(codec: str) -> bool:
    """Line breaks and ASCII text keep their bytes and there are no shift states (tools split lines
    on b"\\n" and match ASCII text; EBCDIC, UTF-7, UTF-16/32, ISO-2022 and HZ do not allow that)."""
    if codec.startswith(("iso2022", "utf_7", "hz", "utf_16", "utf_32", "utf_8_sig")):
        return False
    probe = "\t\n\r azAZ09#=\"'<>-*:"
    try:
        return codecs.encode(probe, codec) == probe.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _ranked(sample: bytes) -> list[str]:
    import chardet  # imported on the first non-UTF-8 file only

    lines = b"\n".join(_NON_ASCII_LINE.findall(sample))
    # chardet reads only the lines with non-ASCII bytes when they are enough to go on: a source file's
    # ASCII lines are code, whose letter pairs pull its language guess about (a 'zycz' identifier made
    # a French comment Czech). Encoding benchmark: 78 -> 53 wrong of 8,400 (38 with no minimum, but
    # then one short comment alone decides: "limit = 10 / # résumé naïve" read as Windows-1250).
    found = chardet.detect_all(
        lines if len(lines) >= CHARDET_MIN_BYTES else sample,
        ignore_threshold=True,
        compat_names=False,
        include_encodings=_CHARDET_NAMES,
    )
    confidence = dict.fromkeys(CANDIDATES, 0.0)
    for guess in reversed(found):  # the best guess for a name wins
        name = guess["encoding"]
        codec = norm(name) if name is not None else ""
        codec = WINDOWS_1252 if codec == "cp1252" else codec
        if codec in confidence:
            confidence[codec] = guess["confidence"]
    if _UNDEFINED_IN_CP1252.search(lines):
        # chardet scores Python's cp1252, which refuses these bytes, so it is scored on the lines
        # without them: to Windows-1252 they are stray bytes, not letters (ISO-8859-1's score, as a
        # floor, stands in when chardet still leaves it out)
        stripped = chardet.detect_all(
            _UNDEFINED_IN_CP1252.sub(b"", lines),
            ignore_threshold=True,
            compat_names=False,
            include_encodings=("windows-1252",),
        )
        scores = [g["confidence"] for g in stripped if g["encoding"] and norm(g["encoding"]) == "cp1252"]
        confidence[WINDOWS_1252] = max(confidence[WINDOWS_1252], confidence["iso8859_1"], *scores)
    checked = lines
    if len(checked) > CHECKED_BYTES:
        checked = checked[: checked.rfind(b"\n", 0, CHECKED_BYTES) + 1] or checked[:CHECKED_BYTES]
    scored = []
    for codec, score in confidence.items():
        # Windows-1252's five undefined bytes are stray bytes, not C1 controls: they do not count
        judged = _UNDEFINED_IN_CP1252.sub(b"", checked) if codec == WINDOWS_1252 else checked
        try:  # not final: the checked bytes may end inside a character of a very long line
            text = codecs.getincrementaldecoder(codec)("strict").decode(judged, final=False)
        except UnicodeDecodeError:
            if codec not in FALLBACK:
                continue
            text = codecs.decode(judged, codec, "replace")
        odd = implausible_words(text)
        weight = 1.0
        if codec in _WESTERN:
            weight = _WESTERN_WEIGHT
            odd += sum(text.count(c) for c in _ICELANDIC)
        scored.append((odd, -score * weight, CANDIDATES.index(codec), codec))
    return [codec for *_, codec in sorted(scored)]


def implausible_words(text: str) -> int:
    """How many whitespace-separated words of ``text`` a person would not write (see the module)."""
    words = Counter(word for word in _WORD.findall(text) if not word.isascii())
    return sum(n for word, n in words.items() if _implausible(word))


def _implausible(word: str) -> bool:
    if len({_script(c) for c in word if c.isalpha()} & _ALPHABETS) > 1:
        return True
    if unicodedata.combining(word[0]) or any(unicodedata.category(c) == "Cc" for c in word):
        return True  # a mark on nothing, or a control character (C1 from a Latin-1 decode)
    last = len(word) - 1
    for i, c in enumerate(word):
        if c.isascii():
            continue
        before = i > 0 and _alphabetic(word[i - 1])
        after = i < last and _alphabetic(word[i + 1])
        if _letter(c):
            if c.isupper() and before and word[i - 1].islower():
                return True
            if _rare_hangul(c) or (_script(c) == "HANGUL" and i < last and _script(word[i + 1]) == "CJK"):
                return True
        elif _cjk_punctuation(c):
            continue
        elif (before and after) or (after and c not in _OPENERS) or (before and c not in _CLOSERS):
            return True
    return False


def _alphabetic(char: str) -> bool:
    """A letter of an alphabet (Latin, Cyrillic, Greek...): the words a symbol must not touch. CJK
    text has no spaces between words, so its punctuation and symbols touch letters all the time."""
    return _letter(char) and _script(char) in _ALPHABETS


def _cjk_punctuation(char: str) -> bool:
    """CJK Symbols and Punctuation ("、", "。", "「"), the Katakana middle dot, fullwidth forms."""
    return "\u3000" <= char <= "\u303f" or char == "\u30fb" or "\uff00" <= char <= "\uffef"


@cache
def _rare_hangul(char: str) -> bool:
    """A Hangul syllable outside KS X 1001's 2,350 (EUC-KR cannot store it): Windows-949 adds 8,822
    such syllables that Korean text almost never uses, and that decoding GBK bytes as Windows-949
    lands on all the time ("패믤릔궈")."""
    if not "\uac00" <= char <= "\ud7a3":
        return False
    try:
        char.encode("euc_kr")
    except UnicodeEncodeError:
        return True
    return False


def _letter(char: str) -> bool:
    """A letter, not a spacing accent ("ˇ", "˘", "˝": Unicode calls some of them letters, but no one
    writes them inside a word)."""
    return char.isalpha() and not "\u02c2" <= char <= "\u02df"


@cache
def _script(char: str) -> str:
    """The script a letter's Unicode name starts with ("LATIN SMALL LETTER E" -> "LATIN")."""
    if char.isascii():
        return "LATIN"
    return unicodedata.name(char, "?").split(" ", 1)[0]


def norm(codec: str) -> str:
    """Python's canonical codec name with underscores: "latin-1" -> "iso8859_1"."""
    return codecs.lookup(codec).name.replace("-", "_")


_CHARDET_NAMES = [
    "cp1252"
    if codec == WINDOWS_1252
    else codec.replace("_", "-")
    if codec.startswith(("iso8859", "koi8"))
    else codec
    for codec in CANDIDATES
]
"""The candidates as chardet's registry names them ("iso8859-1", "koi8-r")."""
