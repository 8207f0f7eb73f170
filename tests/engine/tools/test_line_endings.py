"""Line endings are the file's: write keeps them, edit matches LF text against CRLF (or mixed) files and
gives the new text the endings of the text it replaces, and nothing else in the file changes."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from a3s_code.tools.base import ToolContext
from a3s_code.tools.edit import EditTool
from a3s_code.tools.registry import ToolRegistry
from a3s_code.tools.write import keep_line_endings

from .conftest import Harness


async def test_write_over_an_all_crlf_file_keeps_crlf(ws: Harness) -> None:
    path = ws.file("win.txt", b"one\r\ntwo\r\n")
    result = await ws.run("write", file_path="win.txt", content="one\nTWO\nthree\n")
    assert not result.is_error, result.output
    assert path.read_bytes() == b"one\r\nTWO\r\nthree\r\n"


async def test_write_over_a_mixed_file_keeps_each_unchanged_lines_ending(ws: Harness) -> None:
    path = ws.file("mixed.txt", b"a\r\nb\nc\r\nd\r\n")
    await ws.run("write", file_path="mixed.txt", content="a\nb\nnew\nc\nd\n")
    assert path.read_bytes() == b"a\r\nb\nnew\r\nc\r\nd\r\n"


async def test_write_keeps_what_the_content_spells_and_lf_files(ws: Harness) -> None:
    lf = ws.file("lf.txt", b"x\ny\n")
    await ws.run("write", file_path="lf.txt", content="x\nz\n")
    assert lf.read_bytes() == b"x\nz\n"
    crlf = ws.file("crlf.txt", b"x\r\ny\r\n")
    await ws.run("write", file_path="crlf.txt", content="x\r\nz\n")
    assert crlf.read_bytes() == b"x\r\nz\n"  # content with its own CRLF is written as given


async def test_lf_old_string_matches_in_a_mixed_file(ws: Harness) -> None:
    path = ws.file("mixed.py", b"def f():\r\n    a = 1\n    return a\r\n\r\nx = 2\n")
    result = await ws.run(
        "edit",
        file_path="mixed.py",
        old_string="    a = 1\n    return a\n",
        new_string="    a = 3\n    return a\n",
    )
    assert not result.is_error, result.output
    assert path.read_bytes() == b"def f():\r\n    a = 3\n    return a\r\n\r\nx = 2\n"


async def test_new_lines_inside_a_crlf_line_get_crlf(ws: Harness) -> None:
    path = ws.file("w.ini", b"[a]\r\nkey=1\r\n")
    result = await ws.run("edit", file_path="w.ini", old_string="key=1", new_string="key=1\nother=2")
    assert not result.is_error, result.output
    assert path.read_bytes() == b"[a]\r\nkey=1\r\nother=2\r\n"


async def test_a_near_miss_names_the_real_difference(ws: Harness) -> None:
    ws.file("t.py", b"if x:\r\n    y = 1\r\n")
    result = await ws.run("edit", file_path="t.py", old_string="if x:\n  y = 1\n", new_string="z")
    assert result.is_error
    assert "differ only in whitespace" in result.output and "     2\t    y = 1" in result.output


LINE = st.text(st.sampled_from("ab =#\t\f\u2028é"), max_size=6)


@st.composite
def files(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    lines = draw(st.lists(LINE, min_size=1, max_size=12, unique=True).filter(lambda ls: all(ls)))
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines), max_size=len(lines)))
    return lines, endings


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=files(), data=st.data())
def test_an_lf_edit_of_any_mixed_file_changes_only_its_lines(
    tmp_path_factory: pytest.TempPathFactory, doc: tuple[list[str], list[str]], data: st.DataObject
) -> None:
    lines, endings = doc
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start + 1, len(lines)))
    replacement = data.draw(st.lists(LINE.map(lambda s: "NEW" + s), min_size=1, max_size=3))
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    old = "".join(line + "\n" for line in lines[start:stop])
    new = "".join(line + "\n" for line in replacement)
    assume(text.replace("\r\n", "\n").count(old) == 1)
    root = tmp_path_factory.mktemp("eol")
    (root / "f.txt").write_bytes(text.encode())
    ctx = ToolContext(workspace=root)
    result = asyncio.run(
        ToolRegistry([EditTool()]).execute(
            "edit", {"file_path": "f.txt", "old_string": old, "new_string": new}, ctx
        )
    )
    assert not result.is_error, result.output
    replaced = endings[start:stop]
    expected = (
        "".join(line + end for line, end in zip(lines[:start], endings[:start], strict=True))
        + "".join(line + replaced[min(k, len(replaced) - 1)] for k, line in enumerate(replacement))
        + "".join(line + end for line, end in zip(lines[stop:], endings[stop:], strict=True))
    )
    assert (root / "f.txt").read_bytes() == expected.encode()


def test_keep_line_endings_leaves_new_and_lf_files_alone() -> None:
    assert keep_line_endings("a\nb\n", None) == "a\nb\n"
    assert keep_line_endings("a\nb\n", "x\ny\n") == "a\nb\n"
    assert keep_line_endings("a\nb", "x\r\ny\r\n") == "a\r\nb"
