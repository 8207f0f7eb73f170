"""Code actions offered to editors, by context: no engine needed to list them."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.editor import Editor


def _params(
    uri: str, rng: types.Range, diagnostics: list[types.Diagnostic], only: list[str] | None = None
) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=rng,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only),
    )


async def test_actions_follow_the_selection_and_the_diagnostics(editor: Editor, project) -> None:  # type: ignore[no-untyped-def]
    uri = editor.open(project / "app.py")
    editor.type(uri, "x = 1\ny = 2\n# unsaved\n")
    selection = types.Range(
        start=types.Position(line=1, character=0), end=types.Position(line=1, character=5)
    )
    caret = types.Range(start=selection.start, end=selection.start)
    warning = types.Diagnostic(range=selection, message="y is never used")

    full = await editor.client.text_document_code_action_async(_params(uri, selection, [warning]))
    assert [a.title for a in full or []] == [
        "A3S: Explain",
        "A3S: Fix these diagnostics",
        "A3S: Refactor selection",
    ]
    fix = (full or [])[1]
    assert isinstance(fix, types.CodeAction) and fix.command is not None
    assert fix.command.command == "a3s.codeAction" and list(fix.diagnostics or []) == [warning]

    bare = await editor.client.text_document_code_action_async(_params(uri, caret, []))
    assert [a.title for a in bare or []] == ["A3S: Explain"]

    only_fixes = await editor.client.text_document_code_action_async(
        _params(uri, selection, [warning], ["quickfix"])
    )
    assert [a.title for a in only_fixes or []] == ["A3S: Fix these diagnostics"]
