"""A file's text encoding: detected from its bytes, and used again to write it back byte-for-byte.

Detection order (the same for reading and for writing back):

1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE (the BOM is kept on write);
2. a NUL byte in the first 8 KB without a BOM: binary, as git and ripgrep decide;
3. strict UTF-8;
4. otherwise ``charset-normalizer`` on a sample, its equally good candidates ordered by how common they
   are (Windows-1252 before Windows-1250, Shift_JIS before EUC-KR, ...); then Windows-1252 and
   ISO-8859-1 as the last resort.

A legacy encoding is accepted only when its strict decode of the *whole* file encodes back to the same
bytes, so text decoded here and changed in one place writes every other byte back unchanged. Bytes that
no candidate decodes that way (a file whose BOM announces an encoding its bytes break) are refused
(``UndecodableFileError``), never replaced by U+FFFD.
"""

from __future__ import annotations

import codecs
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from .errors import ToolError

SAMPLE_BYTES = 512 * 1024
"""How much of a non-UTF-8 file the detector looks at; the chosen codec is then checked on all of it."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PREFERRED = (
    "cp1252",
    "iso8859_1",
    "iso8859_15",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "gbk",
    "big5",
    "cp949",
    "euc_kr",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_2",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
)
"""Tie-break between candidates the detector scores alike: the encodings met most often first."""
_FALLBACK = ("cp1252", "iso8859_1")
"""Tried last, when the detector finds nothing it trusts (short texts): Windows-1252, then ISO-8859-1,
which decodes any byte one-to-one (the last resort Neovim's default 'fileencodings' uses too)."""
_LABELS = {
    "utf_8": "UTF-8",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
    "utf_32_le": "UTF-32LE",
    "utf_32_be": "UTF-32BE",
    "iso8859_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "cp932": "Shift_JIS (Windows-31J)",
    "shift_jis": "Shift_JIS",
    "euc_jp": "EUC-JP",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "big5": "Big5",
    "cp949": "EUC-KR (Windows-949)",
    "euc_kr": "EUC-KR",
    "koi8_r": "KOI8-R",
}


class NotTextError(ToolError):
    """The bytes are not text the tools can change safely (binary, or no encoding fits them)."""


class BinaryFileError(NotTextError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is a binary file")


class UndecodableFileError(NotTextError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} is not valid UTF-8 and no text encoding decodes it without loss; it is left as it is"
        )


class UnencodableTextError(ToolError):
    """New text has a character the file's encoding cannot store; nothing was written."""

    def __init__(self, name: str, encoding: TextEncoding, text: str, index: int) -> None:
        line = text.count("\n", 0, index) + 1
        char = text[index]
        super().__init__(
            f"{name} is stored as {encoding.label}, which cannot represent {char!r} "
            f"(U+{ord(char):04X}, line {line} of the new text); the file was left unchanged. "
            f"Use only characters {encoding.label} has (or an escape the file's language understands)."
        )


@dataclass(frozen=True)
class TextEncoding:
    """A Python codec name plus the byte-order mark the file starts with (empty when it has none)."""

    codec: str
    bom: bytes = b""

    @property
    def label(self) -> str:
        """A human name: "UTF-8", "UTF-8 with BOM", "Windows-1252", "Shift_JIS", ..."""
        name = _norm(self.codec)
        if name in _LABELS:
            label = _LABELS[name]
        elif name.startswith("cp125") or name == "cp874":
            label = "Windows-" + name[2:]
        else:
            label = name.upper().replace("_", "-")
        return label + (" with BOM" if self.bom else "")

    @property
    def is_utf8(self) -> bool:
        return self.codec == "utf-8" and not self.bom

    def decode(self, data: bytes) -> str:
        """Strict decode of the whole file (BOM included in ``data``). Raises UnicodeDecodeError."""
        return codecs.decode(data[len(self.bom) :], self.codec, "strict")

    def encode(self, text: str, name: str = "the file") -> bytes:
        """BOM + strict encode. Raises UnencodableTextError naming the first character that does not fit."""
        try:
            return self.bom + codecs.encode(text, self.codec, "strict")
        except UnicodeEncodeError as exc:
            raise UnencodableTextError(name, self, text, exc.start) from None


UTF8 = TextEncoding("utf-8")


def bom_encoding(head: bytes) -> TextEncoding | None:
    """The encoding a byte-order mark at the start of ``head`` announces, if any."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return TextEncoding(codec, bom)
    return None


def looks_binary(head: bytes) -> bool:
    """NUL in the first 8 KB, the heuristic git and ripgrep use (only asked when there is no BOM)."""
    return b"\0" in head[:8192]


def valid_utf8_prefix(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, allowing a character cut off at its end (a sample of a bigger file)."""
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, name: str = "the file") -> tuple[str, TextEncoding]:
    """The text of a whole file and the encoding it is stored in.

    Raises BinaryFileError or UndecodableFileError (with ``name`` in the message); never returns text
    holding U+FFFD that the bytes did not spell.
    """
    announced = bom_encoding(data[:4])
    if announced is not None:
        try:
            return announced.decode(data), announced
        except UnicodeDecodeError:
            raise UndecodableFileError(name) from None
    if looks_binary(data):
        raise BinaryFileError(name)
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        pass
    for encoding in legacy_candidates(data):
        try:
            text = encoding.decode(data)
        except UnicodeDecodeError:
            continue
        if one_to_one(encoding.codec) or encoding.encode(text) == data:  # safe to edit: bytes come back
            return text, encoding
    raise UndecodableFileError(name)


def detect(data: bytes, name: str = "the file") -> TextEncoding:
    """The encoding ``decode`` would choose for ``data``, holding at most a slice of its text at a time."""
    announced = bom_encoding(data[:4])
    if announced is not None:
        if not _decodes(data[len(announced.bom) :], announced.codec):
            raise UndecodableFileError(name)
        return announced
    if looks_binary(data):
        raise BinaryFileError(name)
    if _decodes(data, "utf-8"):
        return UTF8
    for encoding in legacy_candidates(data):
        if _decodes(data, encoding.codec) and (
            one_to_one(encoding.codec) or encoding.encode(encoding.decode(data)) == data
        ):
            return encoding
    raise UndecodableFileError(name)


def _decodes(data: bytes, codec: str, step: int = 1 << 20) -> bool:
    """Strict decode in 1 MB slices, so checking a big file never holds all of its text."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    view = memoryview(data)
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@cache
def one_to_one(codec: str) -> bool:
    """A single-byte codec where no two bytes decode to the same character: a strict decode then always
    encodes back to the same bytes, so the (slow) re-encode check can be skipped."""
    seen: set[str] = set()
    for byte in range(256):
        try:
            pair = codecs.decode(bytes([byte, 0x41]), codec, "strict")
        except UnicodeDecodeError:
            continue  # a byte the codec leaves undefined: the strict decode refuses it
        if len(pair) != 2 or pair[0] in seen:
            return False  # a multi-byte lead, or a duplicate
        seen.add(pair[0])
    return True


def detect_head(head: bytes, name: str = "the file") -> TextEncoding:
    """The encoding of a file judged from its first bytes only (streamed reads of very big files)."""
    announced = bom_encoding(head[:4])
    if announced is not None:
        return announced
    if looks_binary(head):
        raise BinaryFileError(name)
    if valid_utf8_prefix(head):
        return UTF8
    sample = head[: head.rfind(b"\n") + 1] or head
    for encoding in legacy_candidates(sample):
        try:
            codecs.getincrementaldecoder(encoding.codec)("strict").decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UndecodableFileError(name)


_CACHE: OrderedDict[bytes, tuple[TextEncoding, ...]] = OrderedDict()
_CACHE_SIZE = 64


def legacy_candidates(data: bytes) -> tuple[TextEncoding, ...]:
    """Single- and multi-byte legacy encodings that may fit ``data``, best first (cached per content).

    Only the first ``SAMPLE_BYTES`` are judged, so the ranking is cached under their hash: a file read and
    then written back is judged once.
    """
    key = hashlib.blake2b(data[:SAMPLE_BYTES], digest_size=16).digest()
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    ranked = _ranked(data[:SAMPLE_BYTES])
    ranked += [codec for codec in _FALLBACK if codec not in ranked]
    found = tuple(TextEncoding(codec) for codec in ranked)
    _CACHE[key] = found
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def _ranked(sample: bytes) -> list[str]:
    from charset_normalizer import from_bytes  # imported on first non-UTF-8 file only: it is slow to load

    if len(sample) == SAMPLE_BYTES:
        sample = sample[: sample.rfind(b"\n") + 1] or sample  # do not cut a multi-byte character
    matches = list(from_bytes(sample))
    ranked: list[str] = []
    tiers: dict[tuple[float, float], list[str]] = {}
    for match in matches:
        # A language guess from a few non-ASCII bytes is weak (one "é" in code gives mac_latin2 0.3
        # against cp1252 0.2): coherence only ranks when it is substantial; below, our preference does.
        coherence = round(match.coherence, 3) if match.coherence >= 0.5 else 0.0
        key = (round(match.chaos, 3), -coherence)
        tiers.setdefault(key, []).extend(match.could_be_from_charset)
    for key in sorted(tiers):
        names = [_norm(n) for n in tiers[key]]
        names = [n for n in dict.fromkeys(names) if _ascii_compatible(n)]
        names.sort(key=lambda n: _PREFERRED.index(n) if n in _PREFERRED else len(_PREFERRED))
        ranked.extend(n for n in names if n not in ranked)
    return ranked


def _norm(codec: str) -> str:
    """Python's canonical codec name with underscores: "latin-1" -> "iso8859_1"."""
    return codecs.lookup(codec).name.replace("-", "_")


def _ascii_compatible(codec: str) -> bool:
    """Line breaks and ASCII letters keep their bytes, and the codec has no shift states.

    Tools split lines on b"\\n" and match ASCII text; EBCDIC, UTF-7, ISO-2022 and HZ do not allow that.
    """
    if codec.startswith(("iso2022", "utf_7", "hz", "utf_16", "utf_32")):
        return False
    probe = "\t\n\r azAZ09#=\"'"
    try:
        return codecs.encode(probe, codec) == probe.encode("ascii")
    except (UnicodeError, LookupError):
        return False
