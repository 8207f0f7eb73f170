"""Windows-1252 as the WHATWG Encoding Standard defines it, registered as the codec ``NAME``.

Python's ``cp1252`` leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), so a strict decode of a
Western European file holding one fails. The Encoding Standard's index
(https://encoding.spec.whatwg.org/index-windows-1252.txt), which browsers use for every page labelled
"windows-1252", "iso-8859-1" or "us-ascii", maps them to the C1 controls U+0081, U+008D, U+008F,
U+0090 and U+009D. With those five this codec decodes every byte to a distinct character and encodes
it back: any byte string round-trips, and 0x80 is still "€".

Importing this module registers the codec (``codecs.register``); ``codecs.lookup(NAME)`` then finds it.
"""

from __future__ import annotations

import codecs
from encodings import cp1252

from .codecreg import register

NAME = "whatwg_windows_1252"
"""The codec's Python name (``codecs.lookup`` also accepts it with hyphens)."""
UNDEFINED_IN_CP1252 = (0x81, 0x8D, 0x8F, 0x90, 0x9D)

_DECODING_TABLE = "".join(
    chr(byte) if byte in UNDEFINED_IN_CP1252 else char for byte, char in enumerate(cp1252.decoding_table)
)
_ENCODING_TABLE = codecs.charmap_build(_DECODING_TABLE)


def _encode(text: str, errors: str) -> tuple[bytes, int]:
    return codecs.charmap_encode(text, errors, _ENCODING_TABLE)


def _decode(data: bytes, errors: str, final: bool) -> tuple[str, int]:
    return codecs.charmap_decode(data, errors, _DECODING_TABLE)


register(NAME, _encode, _decode)
