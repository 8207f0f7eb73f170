"""A file's text encoding: detected from its bytes, and used again to write it back byte-for-byte.

Detection order (the same for reading and for writing back):

1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE (the BOM is kept on write);
2. a NUL byte in the first 8 KB without a BOM: binary, as git and ripgrep decide;
3. strict UTF-8; then UTF-8 with stray bytes (``utf8stray``) when the sample is mostly UTF-8
   (``mostly_utf8``): a Latin-1 byte in a UTF-8 file no longer turns the whole file into mojibake;
4. otherwise the encodings in use today, ranked on a sample by ``textguess.ranked`` (first the one
   the file declares, then ``chardet``'s scores checked for words no one writes); Windows-1252 and
   ISO-8859-1 are always among them. The sample (``judged_sample``) is the file's start, or, when
   its first non-ASCII line is past its first 4 KB, its first 4 KB followed by the text from that line
   on: a file ASCII for megabytes is judged on its non-ASCII text.

``detect_stream`` is that rule, reading a file a block at a time: ``read``'s windows of a big file,
``edit`` and ``write`` all judge a file's bytes with it, so text ``read`` shows is text ``edit`` matches.

A legacy encoding is accepted only when its strict decode of the *whole* file encodes back to the same
bytes, so text decoded here and changed in one place writes every other byte back unchanged. Bytes that
no candidate decodes that way (a file whose BOM announces an encoding its bytes break) are refused
(``UndecodableFileError``), never replaced by U+FFFD.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import BinaryIO, cast

from .errors import ToolError
from .textguess import norm, ranked
from .utf8stray import NAME as UTF8_STRAY_BYTES
from .utf8stray import STRAY
from .windows1252 import NAME as WINDOWS_1252

SAMPLE_BYTES = 512 * 1024
"""How much of a non-UTF-8 file the detector looks at (``judged_sample``); the chosen codec is then
checked on all of it."""
_CHUNK = 1 << 20

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
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
    "shift_jis_2004": "Shift_JIS-2004",
    "euc_jp": "EUC-JP",
    "euc_jis_2004": "EUC-JIS-2004",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "cp949": "EUC-KR (Windows-949)",
    "euc_kr": "EUC-KR",
    "koi8_r": "KOI8-R",
    WINDOWS_1252: "Windows-1252",
    UTF8_STRAY_BYTES: "UTF-8 with stray non-UTF-8 bytes (each shown as one character U+F780-U+F7FF)",
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
    """New text has a character the file's encoding cannot store; nothing was written.

    ``text[index]`` is the character; the message names its line in ``text``, called ``part`` ("the
    file's new text" when ``text`` is the whole file)."""

    def __init__(
        self, name: str, encoding: TextEncoding, text: str, index: int, part: str = "the file's new text"
    ) -> None:
        self.name, self.encoding = name, encoding
        line = text.count("\n", 0, index) + 1
        char = text[index]
        super().__init__(
            f"{name} is stored as {encoding.label}, which cannot represent {char!r} "
            f"(U+{ord(char):04X}, line {line} of {part}); the file was left unchanged. "
            f"Use only characters {encoding.label} has (or an escape the file's language understands)."
        )

    def within(self, part: str, text: str) -> UnencodableTextError:
        """The same refusal located in ``text``, the piece of the new file a tool call gave (an edit's
        ``new_string``, named ``part``): its first character the encoding cannot store. ``self`` when
        ``text`` has none."""
        try:
            codecs.encode(text, self.encoding.codec, "strict")
        except UnicodeEncodeError as exc:
            return UnencodableTextError(self.name, self.encoding, text, exc.start, part)
        return self


@dataclass(frozen=True)
class TextEncoding:
    """A Python codec name plus the byte-order mark the file starts with (empty when it has none).

    Python's ``cp1252`` (any spelling) is replaced by the WHATWG Windows-1252 (``windows1252``), which
    decodes the five bytes ``cp1252`` leaves undefined."""

    codec: str
    bom: bytes = b""

    def __post_init__(self) -> None:
        if self.codec != WINDOWS_1252 and norm(self.codec) == "cp1252":
            object.__setattr__(self, "codec", WINDOWS_1252)

    @property
    def label(self) -> str:
        """A human name: "UTF-8", "UTF-8 with BOM", "Windows-1252", "Shift_JIS", ..."""
        name = norm(self.codec)
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
UTF8_WITH_STRAY_BYTES = TextEncoding(UTF8_STRAY_BYTES)
"""A file UTF-8 but for a few bytes (``utf8stray``): those bytes are kept through every edit."""


def bom_encoding(head: bytes) -> TextEncoding | None:
    """The encoding a byte-order mark at the start of ``head`` announces, if any."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return TextEncoding(codec, bom)
    return None


def looks_binary(head: bytes) -> bool:
    """NUL in the first 8 KB, the heuristic git and ripgrep use (only asked when there is no BOM)."""
    return b"\0" in head[:8192]


def decode(data: bytes, name: str = "the file") -> tuple[str, TextEncoding]:
    """The text of a whole file and the encoding it is stored in (``detect``'s).

    Raises BinaryFileError or UndecodableFileError (with ``name`` in the message); never returns text
    holding U+FFFD that the bytes did not spell.
    """
    encoding = detect(data, name)
    return encoding.decode(data), encoding


def detect(data: bytes, name: str = "the file") -> TextEncoding:
    """The encoding of a file held in memory: ``detect_stream`` on its bytes."""
    return detect_stream(io.BytesIO(data), name)


def detect_stream(fh: BinaryIO, name: str = "the file") -> TextEncoding:
    """The encoding of the file ``fh`` reads (positioned at its start), holding one block of it at a
    time. The one rule every tool uses (``read``'s windows of a big file, ``edit``, ``write``):

    a BOM's encoding when the rest decodes strictly in it (else UndecodableFileError); binary when a
    NUL is in the first 8 KB (BinaryFileError); UTF-8 when the whole file is; else the first of
    ``legacy_candidates`` (ranked on ``judged_sample``) that decodes every byte strictly and encodes
    back to the same bytes.
    """
    head = fh.read(8192)
    announced = bom_encoding(head[:4])
    if announced is not None:
        fh.seek(len(announced.bom))
        if not _decodes(fh, announced.codec):
            raise UndecodableFileError(name)
        return announced
    if looks_binary(head):
        raise BinaryFileError(name)
    if _fits(fh, "utf-8"):
        return UTF8
    sample = judged_sample(fh)
    if mostly_utf8(sample) and _fits(fh, UTF8_STRAY_BYTES):
        return UTF8_WITH_STRAY_BYTES
    for encoding in legacy_candidates(sample):
        if _fits(fh, encoding.codec):
            return encoding
    raise UndecodableFileError(name)


_NON_ASCII_CHAR = re.compile("[^\x00-\x7f]")


def mostly_utf8(sample: bytes) -> bool:
    """Whether a file whose ``judged_sample`` is ``sample`` (and which is not UTF-8 as a whole) is UTF-8
    with stray bytes rather than a legacy encoding: the sample holds a valid multi-byte UTF-8 character,
    and four for each byte UTF-8 cannot spell. Text in a legacy encoding rarely forms even one valid
    multi-byte sequence, and where it does, far more of its bytes are invalid."""
    text = codecs.getincrementaldecoder(UTF8_STRAY_BYTES)().decode(sample)  # a cut character waits
    stray = len(STRAY.findall(text))
    valid = len(_NON_ASCII_CHAR.findall(text)) - stray
    return valid >= 1 and valid >= 4 * stray


def _decodes(fh: BinaryIO, codec: str) -> bool:
    """Strict decode of the rest of ``fh`` in 1 MB slices, so checking a big file never holds all of its
    text (for UTF-16/32, whose line breaks are not single bytes)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        while chunk := fh.read(_CHUNK):
            decoder.decode(chunk, final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _fits(fh: BinaryIO, codec: str) -> bool:
    """Whether every byte of the file decodes strictly in the ASCII-compatible ``codec`` and encodes
    back to the same bytes. Checked in blocks that end after a line break (no encoding here uses the
    byte 0x0A inside a character, so a block decodes as it would within the file); a 1 MB chunk of
    ASCII that starts at a character is skipped uncopied: every candidate reads ASCII as itself."""
    fh.seek(0)
    # UTF-8's strict decode always encodes back; a one-to-one single-byte codec's too. (The stray-bytes
    # codec passes one_to_one's byte test but a file spelling U+F780..U+F7FF does not encode back.)
    exact = codec == "utf-8" or (codec != UTF8_STRAY_BYTES and one_to_one(codec))
    buf = bytearray(_CHUNK)
    readinto = cast(io.BufferedIOBase, fh).readinto  # files and BytesIO have it; typing.BinaryIO does not
    carry = b""
    while True:
        n = readinto(buf)
        if not carry and n == _CHUNK and buf.isascii():
            continue
        block = carry + buf[:n]
        cut = block.rfind(b"\n") + 1 if n else len(block)
        block, carry = block[:cut], block[cut:]
        if block and not block.isascii():
            try:
                text = codecs.decode(block, codec, "strict")
            except UnicodeDecodeError:
                return False
            if not exact and codecs.encode(text, codec, "strict") != block:
                return False
        if not n:
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


HEAD_BYTES = 4096
"""The start of a file the judged sample always holds (where files declare their encoding)."""
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def judged_sample(fh: BinaryIO) -> bytes:
    """The bytes the ranking judges, the same for a file of any size and for every tool: the first
    ``SAMPLE_BYTES`` when the first line holding a non-ASCII byte starts within the first
    ``HEAD_BYTES``; otherwise those first ``HEAD_BYTES`` (cut after a line) followed by ``SAMPLE_BYTES``
    less that from the start of that line on. A file that is ASCII for its first megabytes is judged
    on its non-ASCII text, not on its ASCII head. Reads ``fh`` up to its first non-ASCII byte plus
    ``SAMPLE_BYTES``; ``b""`` for an ASCII file."""
    fh.seek(0)
    offset = 0
    while chunk := fh.read(_CHUNK):
        found = None if chunk.isascii() else _NON_ASCII.search(chunk)
        if found is not None:
            first = offset + found.start()
            break
        offset += len(chunk)
    else:
        return b""
    start = _line_start(fh, first)
    fh.seek(0)
    if start < HEAD_BYTES:
        return fh.read(SAMPLE_BYTES)
    head = fh.read(HEAD_BYTES)
    head = head[: head.rfind(b"\n") + 1]
    fh.seek(start)
    return head + fh.read(SAMPLE_BYTES - len(head))


def _line_start(fh: BinaryIO, at: int) -> int:
    """The offset of the start of the line holding byte ``at``."""
    end = at
    while end > 0:
        begin = max(0, end - 65536)
        fh.seek(begin)
        newline = fh.read(end - begin).rfind(b"\n")
        if newline >= 0:
            return begin + newline + 1
        end = begin
    return 0


_CACHE: OrderedDict[bytes, tuple[TextEncoding, ...]] = OrderedDict()
_CACHE_SIZE = 64


def legacy_candidates(sample: bytes) -> tuple[TextEncoding, ...]:
    """Single- and multi-byte legacy encodings that may fit a file whose ``judged_sample`` is
    ``sample``, best first (cached per sample: a file read and then written back is judged once)."""
    key = hashlib.blake2b(sample, digest_size=16).digest()
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    if len(sample) >= SAMPLE_BYTES:
        sample = sample[: sample.rfind(b"\n") + 1] or sample  # do not cut a multi-byte character
    found = tuple(TextEncoding(codec) for codec in ranked(sample))
    _CACHE[key] = found
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found
