"""read of files of any size: a window capped in lines and bytes, a footer that says how to read on, and
streamed windows that show exactly what a whole read would."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import textwindow
from a3s_code.fs import STREAM_ABOVE
from a3s_code.textcodec import UTF8, TextEncoding
from a3s_code.textwindow import stream_window, window_of_text
from a3s_code.tools.read import MAX_READ_BYTES

from .conftest import Harness


async def test_the_window_is_capped_in_bytes_with_a_footer(ws: Harness) -> None:
    ws.file("wide.txt", "".join(f"{i:05} " + "x" * 200 + "\n" for i in range(3000)))
    result = await ws.run("read", file_path="wide.txt")
    assert len(result.output.encode()) <= MAX_READ_BYTES + 200
    shown = [line for line in result.output.splitlines() if "\t" in line]
    last = int(shown[-1].split("\t")[0])
    assert last < 2000
    assert result.output.endswith(f"Use offset={last} to read on.]")
    assert f"showing lines 1-{last} of 3000" in result.output
    follow = await ws.run("read", file_path="wide.txt", offset=last, limit=1)
    assert follow.output.startswith(f"{last + 1:>6}\t{last:05} ")


async def test_a_file_bigger_than_the_stream_limit_is_read_in_a_window(ws: Harness) -> None:
    line = "0123456789" * 9 + "\n"
    count = STREAM_ABOVE // len(line) + 1000
    ws.file("big.log", line * count)
    head = await ws.run("read", file_path="big.log", limit=5)
    assert head.output.splitlines()[:5] == [f"{n:>6}\t{line[:-1]}" for n in range(1, 6)]
    assert head.output.endswith(" MB file; more follows. Use offset=5 to read on.]")
    assert head.metadata["total_lines"] is None
    tail = await ws.run("read", file_path="big.log", offset=count - 2)
    assert tail.output.splitlines() == [f"{count - 1:>6}\t{line[:-1]}", f"{count:>6}\t{line[:-1]}"]
    past = await ws.run("read", file_path="big.log", offset=count + 5)
    assert past.is_error and f"which has {count} lines" in past.output


async def test_one_huge_line_costs_one_cut_line(ws: Harness) -> None:
    ws.file("min.js", "x" * (STREAM_ABOVE + 10) + "\nend\n")
    result = await ws.run("read", file_path="min.js")
    assert result.output.splitlines() == ["     1\t" + "x" * 2000 + "...", "     2\tend"]


_LINES = st.lists(
    st.tuples(st.text(st.sampled_from("ab\r\f\u2028é日"), max_size=12), st.sampled_from(["\n", "\r\n"])),
    max_size=30,
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=_LINES,
    open_end=st.booleans(),
    encoding=st.sampled_from([UTF8, TextEncoding("utf-16-le", b"\xff\xfe"), TextEncoding("cp932")]),
    offset=st.integers(0, 35),
    limit=st.integers(1, 12),
    max_bytes=st.integers(1, 300),
    max_line=st.integers(1, 20),
    chunk=st.integers(1, 40),
)
def test_a_streamed_window_shows_what_a_whole_read_shows(
    lines: list[tuple[str, str]],
    open_end: bool,
    encoding: TextEncoding,
    offset: int,
    limit: int,
    max_bytes: int,
    max_line: int,
    chunk: int,
) -> None:
    text = "".join(a + b for a, b in lines)
    if open_end and text:
        text = text.removesuffix("\n").removesuffix("\r") + "z"
    if encoding.codec == "cp932":
        text = text.replace("\u2028", " ").replace("é", "e")
    data = encoding.encode(text)
    whole = window_of_text(text, offset, limit, max_bytes, max_line)
    saved = textwindow.CHUNK
    textwindow.CHUNK = chunk  # small chunks: lines and characters split across reads
    try:
        streamed = stream_window(io.BytesIO(data), encoding, offset, limit, max_bytes, max_line)
    finally:
        textwindow.CHUNK = saved
    assert streamed.lines == whole.lines
    assert streamed.capped == whole.capped
    if streamed.total_lines is None:
        assert whole.total_lines is not None and whole.end < whole.total_lines
    else:
        assert streamed.total_lines == whole.total_lines
