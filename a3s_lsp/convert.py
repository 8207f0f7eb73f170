"""Translations between engine values and LSP/wire values: edits, positions, events, results."""

from __future__ import annotations

import difflib
from typing import Any

from lsprotocol import types
from pygls.workspace import TextDocument

ANNOTATION_ID = "a3s-agent-edit"


def _end_position(doc: TextDocument, lines: list[str], index: int) -> types.Position:
    """Start of line ``index``, or the true end of the document when that is past its last line."""
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return types.Position(line=index, character=0)
    last = lines[-1]
    return types.Position(line=len(lines) - 1, character=doc.position_codec.client_num_units(last))


def text_edits(doc: TextDocument, new_text: str) -> list[tuple[types.Range, str]]:
    """Minimal whole-line edits turning the document into ``new_text`` (ranges in the client's units)."""
    old_lines = doc.source.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = _end_position(doc, old_lines, i1)
        end = _end_position(doc, old_lines, i2)
        edits.append((types.Range(start=start, end=end), "".join(new_lines[j1:j2])))
    return edits


def workspace_edit(
    doc: TextDocument, new_text: str, *, versioned: bool, annotate: bool, label: str
) -> types.WorkspaceEdit:
    """A versioned TextDocumentEdit when the client takes documentChanges, else plain ``changes``."""
    ranges = text_edits(doc, new_text)
    if not versioned:
        return types.WorkspaceEdit(
            changes={doc.uri: [types.TextEdit(range=r, new_text=t) for r, t in ranges]}
        )
    edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit]
    annotations = None
    if annotate:
        edits = [types.AnnotatedTextEdit(range=r, new_text=t, annotation_id=ANNOTATION_ID) for r, t in ranges]
        annotations = {ANNOTATION_ID: types.ChangeAnnotation(label=label, needs_confirmation=False)}
    else:
        edits = [types.TextEdit(range=r, new_text=t) for r, t in ranges]
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)],
        change_annotations=annotations,
    )


def turn_result(session_id: str, turn_id: str, end: dict[str, Any] | None) -> dict[str, Any]:
    """``a3s/session/send``'s result from the turn's final ``turn_end`` event."""
    end = end or {}
    return {
        "sessionId": session_id,
        "turnId": turn_id,
        "text": end.get("text", ""),
        "stopReason": end.get("stop_reason", "error"),
        "usage": end.get("usage", {}),
        "costUsd": end.get("cost_usd", 0.0),
        "toolCalls": end.get("tool_calls", 0),
    }


def tool_result(result: Any) -> dict[str, Any]:
    """An engine ToolResult as the wire object of ``a3s/tool`` and ``a3s/worktree/*``."""
    return {
        "output": result.output,
        "isError": bool(result.is_error),
        "exitCode": result.code,
        "metadata": _jsonable(result.metadata),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def summarize_args(args: dict[str, Any], limit: int = 300) -> str:
    parts = []
    for key, value in args.items():
        text = value if isinstance(value, str) else repr(value)
        parts.append(f"{key}={text[:120]}")
    summary = ", ".join(parts)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"
