"""Files keep their encoding: read decodes in it, edit/write/patch write it back, bytes outside the change
stay as they were; text that cannot be stored, or bytes that no encoding explains, change nothing."""

from __future__ import annotations

import asyncio
import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code.textcodec import decode
from a3s_code.tools.base import ToolContext
from a3s_code.tools.edit import EditTool
from a3s_code.tools.read import ReadTool
from a3s_code.tools.registry import ToolRegistry
from a3s_code.tools.seen import SeenFiles

from .conftest import Harness


async def test_latin1_edit_changes_only_the_edited_bytes(ws: Harness) -> None:
    original = "limit = 10\n# résumé naïve\n".encode("latin-1")
    path = ws.file("conf.py", original)
    read = await ws.run("read", file_path="conf.py")
    assert "# résumé naïve" in read.output and "Encoding: Windows-1252" in read.output
    result = await ws.run("edit", file_path="conf.py", old_string="limit = 10", new_string="limit = 20")
    assert not result.is_error, result.output
    assert path.read_bytes() == original.replace(b"10", b"20")
    assert "\ufffd" not in result.metadata["diff"]


async def test_new_text_the_encoding_cannot_store_is_refused(ws: Harness) -> None:
    original = "# café\nx = 1\n".encode("latin-1")
    path = ws.file("c.py", original)
    result = await ws.run("edit", file_path="c.py", old_string="x = 1", new_string="x = '→'")
    assert result.is_error
    assert "cannot represent '→'" in result.output and "left unchanged" in result.output
    assert path.read_bytes() == original


async def test_stray_bytes_survive_an_edit(ws: Harness) -> None:
    # Not UTF-8; Windows-1252 as the WHATWG defines it maps the five bytes Python's cp1252 leaves
    # undefined to C1 controls, so "€" still reads as "€" and every byte comes back.
    original = b"x = 1\n" + "caf\u00e9 \u20ac".encode("cp1252") + b" \x81\x8d\x8f\x90\x9d\xff\xfe\n"
    path = ws.file("weird.txt", original)
    read = await ws.run("read", file_path="weird.txt")
    assert "café €" in read.output and "Encoding: Windows-1252" in read.output, read.output
    edit = await ws.run("edit", file_path="weird.txt", old_string="x = 1", new_string="x = 2")
    assert not edit.is_error, edit.output
    assert path.read_bytes() == original.replace(b"x = 1", b"x = 2")


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"x = 1\n\xff\xfe\n",
        codecs.BOM_UTF16_LE + "x = 1\n".encode("utf-16-le") + b"\x00\xd8",
    ],
)
async def test_bytes_their_bom_does_not_explain_are_never_edited(ws: Harness, data: bytes) -> None:
    path = ws.file("broken.txt", data)
    edit = await ws.run("edit", file_path="broken.txt", old_string="x = 1", new_string="x = 2")
    assert edit.is_error and "no text encoding decodes it without loss" in edit.output
    read = await ws.run("read", file_path="broken.txt")
    assert read.is_error and "broken.txt is not valid UTF-8" in read.output
    assert path.read_bytes() == data


async def test_write_over_a_bom_file_keeps_the_bom_and_encoding(ws: Harness) -> None:
    path = ws.file("bom.txt", codecs.BOM_UTF16_BE + "old\n".encode("utf-16-be"))
    await ws.run("read", file_path="bom.txt")
    result = await ws.run("write", file_path="bom.txt", content="new ünïcode\n")
    assert not result.is_error, result.output
    assert path.read_bytes() == codecs.BOM_UTF16_BE + "new ünïcode\n".encode("utf-16-be")


async def test_a_new_file_is_utf8_without_bom(ws: Harness) -> None:
    await ws.run("write", file_path="new.txt", content="héllo\n")
    assert (ws.root / "new.txt").read_bytes() == "héllo\n".encode()


ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("latin-1", b""),
    ("cp1252", b""),
    ("shift_jis", b""),
]
_ALPHABETS = {
    "utf-8": st.characters(exclude_categories=["Cs", "Cc"]),
    "latin-1": st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_categories=["Cc"]),
    "cp1252": st.sampled_from([chr(c) for c in range(0x20, 0x100) if c != 0x7F]).filter(
        lambda c: _encodable(c, "cp1252")
    )
    | st.sampled_from("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"),
    "shift_jis": st.sampled_from(
        "あいうえおかきくけこさしすせそアイウエオカキクケコ日本語漢字文字化けソ表能申"
    ),
}


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _alphabet(codec: str) -> st.SearchStrategy[str]:
    return _ALPHABETS.get(codec, _ALPHABETS["utf-8"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bytes, str, bytes]:
    """(codec, BOM, text, file bytes): random lines in the encoding's repertoire around a marker line."""
    codec, bom = draw(st.sampled_from(ENCODINGS))
    line = st.text(_alphabet(codec) | st.sampled_from(" =#.,;:()abcxyz0123456789"), max_size=30)
    before = draw(st.lists(line, max_size=6))
    after = draw(st.lists(line, max_size=6))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join([*before, "limit = 10", *after]) + eol
    return codec, bom, text, bom + text.encode(codec)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), new_value=st.sampled_from(["20", "limit = 20", "x", ""]))
def test_read_then_edit_keeps_every_other_byte(
    tmp_path_factory: pytest.TempPathFactory, doc: tuple[str, bytes, str, bytes], new_value: str
) -> None:
    codec, bom, text, data = doc
    root = tmp_path_factory.mktemp("enc")
    path = root / "doc.txt"
    path.write_bytes(data)
    registry = ToolRegistry([ReadTool(), EditTool()])
    ctx = ToolContext(workspace=root, seen=SeenFiles())

    async def go() -> tuple[str, bool]:
        read = await registry.execute("read", {"file_path": "doc.txt", "limit": 100000}, ctx)
        assert not read.is_error, read.output
        edit = await registry.execute(
            "edit", {"file_path": "doc.txt", "old_string": "limit = 10", "new_string": new_value}, ctx
        )
        return edit.output, edit.is_error

    output, failed = asyncio.run(go())
    occurrences = text.count("limit = 10")
    if occurrences > 1:
        assert failed and "found" in output
        assert path.read_bytes() == data
        return
    assert not failed, output
    assert path.read_bytes() == bom + text.replace("limit = 10", new_value).encode(codec)
    if bom or codec == "utf-8":  # unambiguous encodings are also shown with the right characters
        assert decode(data)[0] == text


def test_detection_is_what_read_and_write_agree_on(tmp_path: Path) -> None:
    """A file read as Windows-1252 is written back as Windows-1252, BOMs are kept, UTF-8 stays UTF-8."""
    for name, data in {
        "w.txt": "price = 10 € — “quoted”\n".encode("cp1252"),
        "j.txt": "こんにちは世界\nlimit = 10\n".encode("shift_jis"),
        "b.txt": codecs.BOM_UTF8 + b"plain\n",
    }.items():
        text, encoding = decode(data)
        assert encoding.encode(text) == data, name


@settings(max_examples=60, deadline=None, database=None)
@given(
    lines_before=st.integers(min_value=1, max_value=40),
    new_lines=st.lists(st.sampled_from(["x = 1", "# café", "", "  y"]), max_size=5),
    at=st.integers(min_value=0),
    char=st.sampled_from("→😀őЖ"),
    crlf=st.booleans(),
)
def test_an_unencodable_character_is_located_in_new_string(
    tmp_path_factory: pytest.TempPathFactory,
    lines_before: int,
    new_lines: list[str],
    at: int,
    char: str,
    crlf: bool,
) -> None:
    """The refusal names the line of ``new_string`` the character is on (it counted lines of the whole
    new file, while calling them lines of the new text)."""
    root = tmp_path_factory.mktemp("enc")
    eol = "\r\n" if crlf else "\n"
    text = eol.join([f"line {n} é" for n in range(lines_before)] + ["target", "tail"]) + eol
    data = text.encode("latin-1")
    (root / "f.txt").write_bytes(data)
    at %= len(new_lines) + 1
    new_lines = [*new_lines[:at], f"bad {char} here", *new_lines[at:]]
    registry = ToolRegistry([EditTool()])
    ctx = ToolContext(workspace=root)
    params = {"file_path": "f.txt", "old_string": "target", "new_string": "\n".join(new_lines)}
    result = asyncio.run(registry.execute("edit", params, ctx))
    assert result.is_error
    assert f"cannot represent {char!r}" in result.output
    assert f"line {at + 1} of new_string" in result.output, result.output
    assert (root / "f.txt").read_bytes() == data
