"""The edits sent to editors: minimal, whole-line, and they turn the buffer into exactly the new text."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from a3s_lsp.convert import ANNOTATION_ID, text_edits, workspace_edit
from tests.lsp.editor import apply_text_edits

CASES = [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc", "a\nb\nc\nd"),
    ("a\nb\nc", "a\nb\nC"),
    ("", "new file\n"),
    ("x\n", ""),
    ("one\ntwo\nthree\nfour\n", "zero\none\nthree\nfour\nfive\n"),
    ("keep\n\r\nwin\r\n", "keep\r\nwin\r\nmore\r\n"),
]


def _doc(text: str) -> TextDocument:
    return TextDocument(
        "file:///t.py", text, version=3, position_codec=PositionCodec(types.PositionEncodingKind.Utf16)
    )


def _as_edits(doc: TextDocument, new: str) -> list[types.TextEdit]:
    return [types.TextEdit(range=r, new_text=t) for r, t in text_edits(doc, new)]


@pytest.mark.parametrize(("old", "new"), CASES)
def test_edits_turn_the_old_text_into_the_new(old: str, new: str) -> None:
    assert apply_text_edits(old, _as_edits(_doc(old), new)) == new


def test_only_changed_lines_are_sent() -> None:
    old = "".join(f"line {i}\n" for i in range(200))
    new = old.replace("line 100\n", "line one hundred\n")
    edits = text_edits(_doc(old), new)
    assert len(edits) == 1
    rng, text = edits[0]
    assert (rng.start.line, rng.end.line, text) == (100, 101, "line one hundred\n")


def test_the_end_of_a_last_line_without_newline_is_counted_in_utf16_units() -> None:
    old = "x\n😀é"
    rng, _ = text_edits(_doc(old), "x\n")[0]
    assert rng.end == types.Position(line=1, character=3)


def test_a_versioned_annotated_edit_defines_every_annotation_it_uses() -> None:
    doc = _doc("a\nb\n")
    edit = workspace_edit(doc, "a\nc\n", versioned=True, annotate=True, label="A3S agent edit")
    (change,) = edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 3
    used = {e.annotation_id for e in change.edits if isinstance(e, types.AnnotatedTextEdit)}
    assert used == {ANNOTATION_ID} and set(edit.change_annotations or {}) == used


def test_clients_without_document_changes_get_plain_changes() -> None:
    edit = workspace_edit(_doc("a\n"), "b\n", versioned=False, annotate=False, label="x")
    assert edit.document_changes is None and list(edit.changes or {}) == ["file:///t.py"]
