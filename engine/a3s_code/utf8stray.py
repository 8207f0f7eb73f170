"""UTF-8 with stray bytes: a file that is UTF-8 but for a few bytes UTF-8 cannot spell (a Latin-1 "é"
pasted into a UTF-8 file), read as UTF-8 and written back byte for byte.

Each byte that is not part of a valid UTF-8 sequence (always 0x80-0xFF) decodes to the private-use
character U+F780 + (byte - 0x80), in U+F780..U+F7FF, the block MirBSD's OPTU-8 uses for the same job,
and those characters encode back to the single byte. They are ordinary characters to JSON, editors and
models (a lone surrogate, as Python's ``surrogateescape`` makes, is not). A file that spells one of
those characters in real UTF-8 (``EF 9E 80`` to ``EF 9F BF``) does not encode back to its bytes, and
``textcodec`` never reads a file in an encoding its bytes do not round-trip through.

Importing this module registers the codec ``NAME`` (``codecs.lookup(NAME)``).
"""

from __future__ import annotations

import codecs
import re

from .codecreg import register

NAME = "utf_8_stray_bytes"
FIRST = 0xF780
"""The character byte 0x80 decodes to; byte ``b`` decodes to ``chr(FIRST + b - 0x80)``."""
STRAY = re.compile("[\uf780-\uf7ff]")
_ERRORS = "a3s-stray-bytes"


def _keep_stray_byte(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return chr(FIRST + exc.object[exc.start] - 0x80), exc.start + 1


codecs.register_error(_ERRORS, _keep_stray_byte)


def decode(data: bytes, errors: str = "strict", final: bool = True) -> tuple[str, int]:
    """UTF-8 with every stray byte as its private-use character (``errors`` is not used: every byte
    decodes). Returns (text, bytes consumed); with ``final`` False an incomplete sequence at the end is
    left for the next call."""
    return codecs.utf_8_decode(data, _ERRORS, final)


def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    """UTF-8, with U+F780..U+F7FF as the single bytes they stand for. Raises UnicodeEncodeError (with
    positions in ``text``) for what UTF-8 cannot encode (lone surrogates) under ``errors``."""
    if not STRAY.search(text):
        return text.encode("utf-8", errors), len(text)
    out = bytearray()
    start = 0
    for found in STRAY.finditer(text):
        out += _utf8(text, start, found.start(), errors)
        out.append(ord(found.group()) - FIRST + 0x80)
        start = found.end()
    out += _utf8(text, start, len(text), errors)
    return bytes(out), len(text)


def _utf8(text: str, start: int, end: int, errors: str) -> bytes:
    try:
        return text[start:end].encode("utf-8", errors)
    except UnicodeEncodeError as exc:
        raise UnicodeEncodeError(NAME, text, start + exc.start, start + exc.end, exc.reason) from None


register(NAME, encode, decode)
