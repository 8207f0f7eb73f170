"""A UTF-8 file with a few bytes UTF-8 cannot spell (a Latin-1 line pasted into it) reads as UTF-8, the
stray bytes kept as private-use characters, and every edit leaves them, and every other byte, as they
were (it used to read whole as Windows-1252: mojibake on every UTF-8 line, and new text stored in
Windows-1252 inside a UTF-8 file)."""

from __future__ import annotations

import codecs
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from a3s_code import textcodec
from a3s_code.textcodec import UTF8_WITH_STRAY_BYTES, detect
from a3s_code.utf8stray import NAME

from .conftest import run_calls

HEADER = "Grüße → café déjà naïve Ωμέγα"
WORDS = ["café", "déjà", "naïve", "Grüße", "→", "日本語", "ok", "x = 1", "Ωμέγα"]


@given(st.binary(max_size=300), st.integers(0, 300))
def test_every_byte_string_round_trips_unless_it_spells_the_private_use_block(data: bytes, cut: int) -> None:
    text = codecs.decode(data, NAME)
    decoder = codecs.getincrementaldecoder(NAME)()
    assert decoder.decode(data[:cut]) + decoder.decode(data[cut:], final=True) == text
    if b"\xef\x9e" not in data and b"\xef\x9f" not in data:
        assert codecs.encode(text, NAME) == data


def test_a_file_spelling_the_private_use_block_is_not_read_with_it() -> None:
    """U+F7E9 written as real UTF-8 would come back as the byte 0xE9: such a file is read otherwise."""
    data = "café déjà vu naïve\n".encode() * 3 + "\uf7e9\n".encode() + b"r\xe9sum\xe9\n"
    encoding = detect(data)
    assert encoding != UTF8_WITH_STRAY_BYTES
    assert encoding.encode(encoding.decode(data)) == data


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=2, max_size=5).map(" ".join), min_size=2, max_size=12
    ),
    stray_at=st.integers(0, 11),
    stray=st.sampled_from([b"# r\xe9sum\xe9", b"\xa9 2009", b"caf\xe9 cr\xe8me", b"\xff"]),
    target=st.integers(0, 11),
    crlf=st.booleans(),
)
@example(lines=["café déjà vu", "naïve ok"], stray_at=1, stray=b"# r\xe9sum\xe9", target=0, crlf=False)
def test_read_shows_the_utf8_text_and_edit_keeps_the_stray_bytes(
    tmp_path_factory: object, lines: list[str], stray_at: int, stray: bytes, target: int, crlf: bool
) -> None:
    eol = b"\r\n" if crlf else b"\n"
    lines = [HEADER, *lines]  # mostly UTF-8: far more UTF-8 characters than stray bytes
    raw = [line.encode() for line in lines]
    raw.insert(min(stray_at, len(raw)), stray)
    data = eol.join(raw) + eol
    root = Path(str(tmp_path_factory.mktemp("stray")))  # type: ignore[attr-defined]
    (root / "mixed.txt").write_bytes(data)
    textcodec._CACHE.clear()
    old = lines[min(target, len(lines) - 1)]
    new = old + " — édité"
    (read,) = run_calls(root, [("read", {"file_path": "mixed.txt"})])
    assert "[Encoding: UTF-8 with stray non-UTF-8 bytes" in read.output
    shown = [line.split("\t", 1)[1] for line in read.output.split("\n\n")[0].splitlines()]
    assert shown == [codecs.decode(line, NAME) for line in raw]  # every UTF-8 line reads as written
    (edit,) = run_calls(root, [("edit", {"file_path": "mixed.txt", "old_string": old, "new_string": new})])
    if data.count(old.encode()) > 1:  # not unique: refused, and nothing changed
        assert edit.is_error
        assert (root / "mixed.txt").read_bytes() == data
    else:
        assert not edit.is_error, edit.output
        assert (root / "mixed.txt").read_bytes() == data.replace(old.encode(), new.encode())
