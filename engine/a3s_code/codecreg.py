"""Registering a codec the engine defines, from its two stateless functions, with Python's codec
registry (https://docs.python.org/3/library/codecs.html#codecs.register): one-shot, incremental and
stream forms alike."""

from __future__ import annotations

import codecs
from collections.abc import Callable

Encode = Callable[[str, str], tuple[bytes, int]]
"""``encode(text, errors)`` -> (bytes, characters consumed)."""
Decode = Callable[[bytes, str, bool], tuple[str, int]]
"""``decode(data, errors, final)`` -> (text, bytes consumed); with ``final`` False an incomplete
sequence at the end may be left unconsumed (the incremental decoder keeps it for the next call)."""


def register(name: str, encode: Encode, decode: Decode) -> None:
    """Make ``codecs.lookup(name)`` (with hyphens or underscores) find the codec ``encode``/``decode``
    define."""

    class _Codec(codecs.Codec):
        def encode(self, input: str, errors: str = "strict") -> tuple[bytes, int]:
            return encode(input, errors)

        def decode(self, input: bytes, errors: str = "strict") -> tuple[str, int]:
            return decode(input, errors, True)

    class _IncrementalEncoder(codecs.IncrementalEncoder):
        def encode(self, input: str, final: bool = False) -> bytes:
            return encode(input, self.errors)[0]

    class _IncrementalDecoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, input: bytes, errors: str, final: bool) -> tuple[str, int]:  # type: ignore[override]
            return decode(input, errors, final)

    class _StreamWriter(_Codec, codecs.StreamWriter):
        pass

    class _StreamReader(_Codec, codecs.StreamReader):
        pass

    info = codecs.CodecInfo(
        name=name,
        encode=_Codec().encode,
        decode=_Codec().decode,  # type: ignore[arg-type]  # typeshed wants a Buffer; bytes is what comes
        incrementalencoder=_IncrementalEncoder,
        incrementaldecoder=_IncrementalDecoder,
        streamreader=_StreamReader,
        streamwriter=_StreamWriter,
    )
    codecs.register(lambda wanted: info if wanted.replace("-", "_") == name else None)
