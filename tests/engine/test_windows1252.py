"""Windows-1252 as browsers read it (the WHATWG Encoding Standard): all 256 bytes decode, and back."""

from __future__ import annotations

import codecs

from hypothesis import given
from hypothesis import strategies as st

from a3s_code import textcodec
from a3s_code.textcodec import TextEncoding, decode
from a3s_code.windows1252 import NAME, UNDEFINED_IN_CP1252


@given(data=st.binary(max_size=2000))
def test_every_byte_string_decodes_and_encodes_back_unchanged(data: bytes) -> None:
    text = codecs.decode(data, NAME, "strict")
    assert codecs.encode(text, NAME, "strict") == data
    decoder = codecs.getincrementaldecoder(NAME)("strict")
    encoder = codecs.getincrementalencoder(NAME)("strict")
    half = len(data) // 2
    assert decoder.decode(data[:half]) + decoder.decode(data[half:], final=True) == text
    assert encoder.encode(text, final=True) == data


def test_it_is_the_whatwg_index() -> None:
    """https://encoding.spec.whatwg.org/index-windows-1252.txt: cp1252's table plus five C1 controls."""
    text = codecs.decode(bytes(range(256)), NAME)
    for byte in range(256):
        expected = chr(byte) if byte in UNDEFINED_IN_CP1252 else bytes([byte]).decode("cp1252")
        assert text[byte] == expected
    assert text[0x80] == "€" and text[0x9F] == "Ÿ"


WESTERN = "# Prix : 5 € — le café, un résumé « naïf », déjà vu\n"


@given(
    lines=st.lists(st.text(st.sampled_from("abc xyz=1;\t"), max_size=20), max_size=8),
    stray=st.lists(st.sampled_from(UNDEFINED_IN_CP1252), min_size=1, max_size=5),
    at=st.integers(min_value=0),
)
def test_a_western_file_with_an_undefined_byte_keeps_its_euro_sign(
    lines: list[str], stray: list[int], at: int
) -> None:
    """Was read as ISO-8859-1 (Python's cp1252 refuses the byte): "€" showed as U+0080."""
    body = bytearray("\n".join([WESTERN, *lines]).encode("cp1252"))
    at = len(WESTERN) + at % (len(body) - len(WESTERN) + 1)
    data = bytes(body[:at] + bytes(stray) + body[at:])
    textcodec._CACHE.clear()
    text, encoding = decode(data)
    assert encoding == TextEncoding("cp1252") and encoding.label == "Windows-1252"
    assert text.startswith(WESTERN)
    assert encoding.encode(text) == data
