"""Positions, edits and the document mirror against the LSP rules (tests/lsp/lsp_reference.py).

The texts mix every character ``str.splitlines`` wrongly treats as a line break (form feed, ``\\v``,
U+001C..U+001E, U+0085, U+2028, U+2029) with the three real ones (``\\n``, ``\\r\\n``, a lone ``\\r``),
emoji (two UTF-16 units, four UTF-8 bytes), CJK and accented letters, in all three encodings.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from a3s_lsp.convert import text_edits, workspace_edit
from a3s_lsp.documents import Document, lsp_lines
from tests.lsp import lsp_reference as ref

PIECES = ["a", "b", "x = 1", " ", "\t", "\n", "\r\n", "\r", "\f", "\v", "\x1c", "\x1d", "\x1e", "\x85"]
PIECES += ["\u2028", "\u2029", "😀", "👍🏽", "中文", "é", "e\u0301", "𝔘"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
encodings = st.sampled_from(ref.ENCODINGS)


def _doc(text: str, encoding: str) -> Document:
    return Document("file:///t.py", text, 7, encoding)


@settings(max_examples=300, deadline=None)
@given(old=texts, new=texts, encoding=encodings)
def test_our_edits_turn_the_buffer_into_the_new_text_under_the_lsp_rules(
    old: str, new: str, encoding: str
) -> None:
    edits = [types.TextEdit(range=r, new_text=t) for r, t in text_edits(_doc(old, encoding), new)]
    assert ref.apply_edits(old, edits, encoding) == new


@settings(max_examples=300, deadline=None)
@given(text=texts, encoding=encodings, data=st.data())
def test_positions_and_offsets_agree_with_the_reference(
    text: str, encoding: str, data: st.DataObject
) -> None:
    doc = _doc(text, encoding)
    line = data.draw(st.integers(0, len(ref.rows(text)) + 1))
    character = data.draw(st.integers(0, 12))
    at = doc.offset_at(types.Position(line=line, character=character))
    assert at == ref.offset(text, line, character, encoding)
    boundary = data.draw(st.integers(0, len(text)))
    if ref.position(text, boundary, encoding) is not None and _is_boundary(text, boundary):
        pos = doc.position_at(boundary)
        assert (pos.line, pos.character) == ref.position(text, boundary, encoding)


def _is_boundary(text: str, at: int) -> bool:
    """Not between the two halves of a ``\\r\\n`` (no position names that offset)."""
    return not (0 < at < len(text) and text[at - 1] == "\r" and text[at] == "\n")


@st.composite
def changes(draw: st.DrawFn, text: str, encoding: str) -> tuple[types.Range, str]:
    """A client's ranged change: any two positions (past line ends too), any replacement text."""
    count = len(ref.rows(text))

    def pos() -> types.Position:
        return types.Position(line=draw(st.integers(0, count)), character=draw(st.integers(0, 10)))

    a, b = pos(), pos()
    if ref.offset(text, a.line, a.character, encoding) > ref.offset(text, b.line, b.character, encoding):
        a, b = b, a
    return types.Range(start=a, end=b), draw(texts)


@settings(max_examples=300, deadline=None)
@given(start=texts, encoding=encodings, data=st.data())
def test_the_mirror_applies_a_clients_incremental_changes_like_the_reference(
    start: str, encoding: str, data: st.DataObject
) -> None:
    doc, expected = _doc(start, encoding), start
    for _ in range(data.draw(st.integers(1, 5))):
        rng, new = data.draw(changes(expected, encoding))
        doc.apply_change(types.TextDocumentContentChangePartial(range=rng, text=new))
        expected = ref.apply_edits(expected, [types.TextEdit(range=rng, new_text=new)], encoding)
        assert doc.text == expected


def test_the_form_feed_example_from_the_issue() -> None:
    doc = _doc("a = 1\n\f\nb = 2\nc = 3\n", "utf-16")
    ((rng, new),) = text_edits(doc, "a = 1\n\f\nb = 2\nc = 30\n")
    assert (rng.start.line, rng.end.line, new) == (3, 4, "c = 30\n")
    # a keystroke on the last line lands there in the mirror
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=3, character=5), end=types.Position(line=3, character=5)
            ),
            text="0",
        )
    )
    assert doc.text == "a = 1\n\f\nb = 2\nc = 30\n"


def test_only_changed_lines_are_sent() -> None:
    old = "".join(f"line {i}\n" for i in range(200))
    edits = text_edits(_doc(old, "utf-16"), old.replace("line 100\n", "line one hundred\n"))
    assert [(r.start.line, r.end.line, t) for r, t in edits] == [(100, 101, "line one hundred\n")]


def test_lines_end_only_at_lsp_terminators() -> None:
    assert lsp_lines("a\fb\u2028c\x85d\re\r\nf\ng") == ["a\fb\u2028c\x85d\r", "e\r\n", "f\n", "g"]


def test_an_edit_is_always_versioned_and_defines_its_annotations() -> None:
    edit = workspace_edit(
        _doc("a\nb\n", "utf-16"), "a\nc\n", version=3, annotate=True, label="A3S agent edit"
    )
    (change,) = edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 3
    used = {e.annotation_id for e in change.edits if isinstance(e, types.AnnotatedTextEdit)}
    assert used and set(edit.change_annotations or {}) == used
    assert edit.changes is None
