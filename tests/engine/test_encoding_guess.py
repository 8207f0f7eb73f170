"""A source file saved in a legacy encoding is read with the characters its author wrote.

Detection can only guess (the same bytes are valid Windows-1252 and Windows-1250), so these tests hold
it to what a reader would see: three different non-ASCII words of a language in comments are enough. The languages and
encodings below are the ones it always gets right with three such words; the measured rates for all of
them are in docs/files.md (``tests/bench/bench_encodings.py``).
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a3s_code import textcodec, textguess
from a3s_code.textcodec import decode
from tests.bench.bench_encodings import CODE, LANGUAGES

HOLDS = [
    ("de", "cp1252"),
    ("de", "iso8859_1"),
    ("fr", "cp1252"),
    ("fr", "iso8859_1"),
    ("es", "cp1252"),
    ("pt", "iso8859_1"),
    ("sv", "cp1252"),
    ("it", "cp1252"),
    ("el", "cp1253"),
    ("el", "iso8859_7"),
    ("ko", "euc_kr"),
    ("ja", "cp932"),
    ("ja", "shift_jis"),
    ("pl", "cp1250"),
]


@st.composite
def source_files(draw: st.DrawFn) -> tuple[str, str]:
    """(codec, text): code lines and comments, three or more different non-ASCII words of the codec's
    language."""
    language, codec = draw(st.sampled_from(HOLDS))
    words = LANGUAGES[language][1]
    code = st.lists(st.sampled_from(CODE), max_size=6).map(" ".join)
    comment = st.lists(st.sampled_from(words) | st.sampled_from(CODE), min_size=1, max_size=6).map(
        lambda picked: "# " + " ".join(picked)
    )
    lines = draw(st.lists(code | comment, max_size=20))
    at = draw(st.integers(0, len(lines)))
    accented = [word for word in words if not word.isascii()]
    signal = draw(st.lists(st.sampled_from(accented), min_size=3, max_size=3, unique=True))
    lines.insert(at, "# " + " ".join(signal))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return codec, eol.join(lines) + eol


@settings(max_examples=300, deadline=None)
@given(source=source_files())
def test_a_legacy_encoded_source_file_reads_as_its_author_wrote_it(source: tuple[str, str]) -> None:
    codec, text = source
    data = text.encode(codec)
    textcodec._CACHE.clear()  # judge the bytes afresh, as a new process would
    assert decode(data)[0] == text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        # the per-hunk review test's file: mac_latin2 won on one accented word, and "é" became "\x8e"
        ("# délta\nbeta\nbeta\ngamma\ngamma\ndélta\n  indented\nalpha\nx = 1\nbeta", "latin-1"),
        ("# la città, perché più\nx = 1\n", "cp1252"),  # read as Windows-1251: "cittа" with a Cyrillic "а"
        ("# è però già università così\n", "cp1252"),  # only Windows-1251 was offered for it
        ("# zażółć gęślą jaźń\nx = 1\n", "iso8859_2"),  # as Windows-1258: "ksi±¿ka"-like symbols
        ("# ファイル 値 エラー\nx = 1\n", "cp932"),  # as ISO-8859-1: C1 control characters
        ("# 文件 错误 函数 用户\n", "gb18030"),  # as Windows-949: Hangul and Han in one word
    ],
)
def test_words_no_one_writes_give_the_guess_away(text: str, codec: str) -> None:
    data = text.encode(codec)
    textcodec._CACHE.clear()
    assert decode(data)[0] == text


CJK = Path(__file__).parent / "data" / "cjkencodings"


@pytest.mark.parametrize("name", sorted(p.stem for p in CJK.glob("*.txt") if not p.stem.endswith("-utf8")))
def test_cpythons_own_cjk_test_texts_read_as_written(name: str) -> None:
    """Natural prose from CPython's codec tests (data/cjkencodings/README.md), in the encoding each
    is named after, must read as its UTF-8 original: Japanese with 「」 and 、 around Latin words,
    Korean with hanja in parentheses, Chinese in three GB encodings and Big5."""
    data = (CJK / f"{name}.txt").read_bytes()
    textcodec._CACHE.clear()
    assert decode(data)[0] == (CJK / f"{name}-utf8.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("# -*- coding: iso-8859-2 -*-\n# příliš žluťoučký kůň\n", "iso8859_2"),  # PEP 263
        (";; -*- mode: lisp; coding: windows-1250 -*-\n;; ďábelské ódy\n", "cp1250"),  # Emacs
        ("# vim: set fileencoding=cp1251 :\n# мир\n", "cp1251"),  # a Vim modeline
        ('<?xml version="1.0" encoding="KOI8-R"?>\n<a>мир</a>\n', "koi8_r"),  # the XML declaration
        ('<html><head><meta charset="windows-1254"></head>\n<p>değer işlev</p>\n', "cp1254"),  # HTML
        ('<meta charset="iso-8859-1">\n<p>“quoted” café</p>\n', "cp1252"),  # WHATWG: latin1 is 1252
    ],
)
def test_a_file_that_names_its_encoding_is_read_in_it(text: str, codec: str) -> None:
    """Short texts whose few words the statistics could read otherwise (Czech as Windows-1252, one
    Russian word as anything): the file says what it is, as Python, Emacs, Vim, XML and HTML read it."""
    data = text.encode(codec)
    textcodec._CACHE.clear()
    assert decode(data) == (text, textcodec.TextEncoding(codec))


def test_a_declaration_the_bytes_do_not_fit_is_passed_over() -> None:
    data = "# coding: shift_jis\n# café\n".encode("cp1252")  # 0xE9 then a newline: not Shift_JIS
    textcodec._CACHE.clear()
    text, encoding = decode(data)
    assert text == "# coding: shift_jis\n# café\n" and encoding.codec != "shift_jis"


def test_a_windows_1252_file_with_an_undefined_byte_past_the_sample_stays_windows_1252() -> None:
    """Windows-1252 as the WHATWG Encoding Standard defines it decodes 0x81, 0x8D, 0x8F, 0x90 and 0x9D
    (Python's cp1252 refuses them): such a byte past the 512 KB the ranking judges neither hands the
    file to an unrelated next guess (KOI8-U: "€" shown as "─") nor to ISO-8859-1 ("€" as U+0080)."""
    data = "# café € 5\n".encode("cp1252") + b"x = 1;\n" * 100_000 + b"# \x81 stray\n"
    textcodec._CACHE.clear()
    text, encoding = decode(data)
    assert encoding.label == "Windows-1252"
    assert text.startswith("# café € 5\n") and text.endswith("# \x81 stray\n")
    assert encoding.encode(text) == data


def _whole_fits(data: bytes, codec: str) -> bool:
    try:
        return codecs.encode(codecs.decode(data, codec, "strict"), codec, "strict") == data
    except UnicodeError:
        return False


@st.composite
def _pieces(draw: st.DrawFn) -> tuple[bytes, str]:
    """Bytes mixing text encoded in ``codec`` (multi-byte characters whose trail bytes may be ASCII),
    ASCII runs, line breaks and random bytes."""
    codec = draw(st.sampled_from(["utf-8", *textguess.CANDIDATES]))
    text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8).map(
        lambda t: codecs.encode(t, codec, "ignore")
    )
    part = text | st.binary(max_size=6) | st.sampled_from([b"\n", b"abc\n", b"x09" * 3])
    return b"".join(draw(st.lists(part, max_size=30))), codec


@settings(max_examples=500, deadline=None)
@given(case=_pieces(), chunk=st.integers(min_value=1, max_value=16))
def test_the_streamed_check_is_the_whole_file_check(case: tuple[bytes, str], chunk: int) -> None:
    """``detect_stream`` checks a candidate in line-aligned blocks and skips ASCII chunks; for every
    encoding it may choose that is exactly a strict decode of the whole file that encodes back."""
    data, codec = case
    original = textcodec._CHUNK
    textcodec._CHUNK = chunk  # tiny chunks: every boundary case in a few bytes
    try:
        assert textcodec._fits(io.BytesIO(data), codec) == _whole_fits(data, codec)
    finally:
        textcodec._CHUNK = original
