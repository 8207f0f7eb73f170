"""A file over the streaming threshold that is ASCII for a long while and in a legacy encoding later:
every window ``read`` shows is the text ``edit`` matches (one judgement of the file's bytes), with the
right characters, and a line copied from ``read`` is found by ``edit``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import fs, textcodec
from a3s_code.textcodec import decode
from a3s_code.textwindow import split_lines
from a3s_code.tools.base import ToolResult

from .conftest import run_calls

TAILS = {
    "cp1252": ["# Prix : 5 € — le café, un résumé « naïf », déjà vu", "s = 'Grüße aus Köln'"],
    "latin-1": ["# Straße, Größe, Übermaß, schön", "# ¿Qué tal? Añadir la canción"],
    "shift_jis": ["# 日本語の文字列を表示します", "msg = 'ファイルが見つかりません'"],
    "koi8_r": ["# Привет, мир! Это строка", "msg = 'файл не найден'"],
    "gb18030": ["# 这是一个中文注释，用于测试", "msg = '文件没有找到'"],
}
STRAY = b"# stray \x81\x9d bytes\n"


def _shown(result: ToolResult) -> list[str]:
    """The text of the lines a read showed (its cat -n numbers dropped)."""
    return [line.split("\t", 1)[1] for line in result.output.split("\n\n")[0].splitlines()]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    codec=st.sampled_from(sorted(TAILS)),
    ascii_lines=st.integers(min_value=800, max_value=3000),
    stray=st.booleans(),
    crlf=st.booleans(),
)
def test_every_window_of_a_big_file_is_what_edit_matches(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    codec: str,
    ascii_lines: int,
    stray: bool,
    crlf: bool,
) -> None:
    # the threshold made small so examples stay fast; the ASCII head (50-200 KB) is longer than the
    # 64 KB the streamed read judged before
    monkeypatch.setattr(fs, "STREAM_ABOVE", 32 * 1024)
    textcodec._CACHE.clear()
    eol = "\r\n" if crlf else "\n"
    head = "".join(f"log line {n:06} ok value={n * 7}{eol}" for n in range(ascii_lines))
    tail = eol.join(TAILS[codec]) + eol
    data = head.encode("ascii") + tail.encode(codec) + (STRAY if stray and codec == "cp1252" else b"")
    root = tmp_path_factory.mktemp("big")
    (root / "big.log").write_bytes(data)
    text, encoding = decode(data)  # what edit matches
    lines = split_lines(text)
    first_tail = ascii_lines
    reads = run_calls(
        root,
        [
            ("read", {"file_path": "big.log", "limit": 20}),
            ("read", {"file_path": "big.log", "offset": first_tail - 3}),
        ],
    )
    for result, offset in zip(reads, [0, first_tail - 3], strict=True):
        assert not result.is_error, result.output
        shown = _shown(result)
        assert shown == lines[offset : offset + len(shown)]
    tail_read = reads[1]
    if not encoding.is_utf8:
        assert f"[Encoding: {encoding.label}; edits keep it.]" in tail_read.output
    assert "\ufffd" not in tail_read.output
    if codec != "latin-1":  # Latin-1 bytes are also Windows-1252; the others read as written
        assert _shown(tail_read)[3 : 3 + len(TAILS[codec])] == TAILS[codec]
    copied = _shown(tail_read)[3]
    edit = run_calls(
        root,
        [("edit", {"file_path": "big.log", "old_string": copied, "new_string": copied + " (seen)"})],
    )[0]
    assert not edit.is_error, edit.output
    assert (root / "big.log").read_bytes() == data.replace(
        copied.encode(encoding.codec), (copied + " (seen)").encode(encoding.codec), 1
    )


def test_a_file_over_4_mb_that_turns_windows_1252_past_its_head(tmp_path: Path) -> None:
    """The real threshold: 4 MB of ASCII log, then a Western line."""
    line = b"2026-12-03T10:00:00Z INFO request served in 3 ms\n"
    count = fs.STREAM_ABOVE // len(line) + 10
    western = "# Prix : 5 € — le café, un résumé « naïf », déjà vu"
    (tmp_path / "big.log").write_bytes(line * count + western.encode("cp1252") + b"\n")
    textcodec._CACHE.clear()
    first, tail = run_calls(
        tmp_path,
        [
            ("read", {"file_path": "big.log", "limit": 5}),
            ("read", {"file_path": "big.log", "offset": count}),
        ],
    )
    assert "Encoding" not in first.output and "more follows" in first.output  # ASCII: judged lazily
    assert _shown(tail) == [western]
    assert "[Encoding: Windows-1252; edits keep it.]" in tail.output


def test_a_big_utf8_file_is_shown_as_utf8_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window that is UTF-8, of a file whose judged sample is UTF-8, is shown as UTF-8 at once; a
    stray byte past the sample does not change what the first window shows, and edit reads the file
    the same way (UTF-8 with a stray byte), so a line copied from it is found."""
    monkeypatch.setattr(fs, "STREAM_ABOVE", 32 * 1024)
    textcodec._CACHE.clear()
    line = "2026-12-03 café déjà vu: naïve façade → ok\n".encode()
    count = textcodec.SAMPLE_BYTES // len(line) + 100
    (tmp_path / "big.log").write_bytes(line * count + b"# stray \xe9 byte\n")
    (first,) = run_calls(tmp_path, [("read", {"file_path": "big.log", "limit": 3})])
    assert _shown(first) == ["2026-12-03 café déjà vu: naïve façade → ok"] * 3
    assert "Encoding" not in first.output
    (last,) = run_calls(tmp_path, [("read", {"file_path": "big.log", "offset": count})])
    assert _shown(last) == ["# stray \uf7e9 byte"]
    (edit,) = run_calls(
        tmp_path,
        [("edit", {"file_path": "big.log", "old_string": "# stray \uf7e9 byte", "new_string": "# é"})],
    )
    assert not edit.is_error, edit.output
    assert (tmp_path / "big.log").read_bytes() == line * count + "# é\n".encode()
