"""Translations between engine values and LSP/wire values: edits, positions, events, results."""

from __future__ import annotations

import difflib
import itertools
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .documents import Document, lsp_lines

if TYPE_CHECKING:
    from a3s_code.events import TurnEnd
    from a3s_code.tools.base import ToolResult as EngineToolResult

    from . import wire
else:
    from ._lazy import wire

ANNOTATION_ID = "a3s-agent-edit"


def text_edits(doc: Document, new_text: str) -> list[tuple[types.Range, str]]:
    """Minimal whole-line edits turning the document into ``new_text`` (ranges in the client's units).

    Lines are LSP lines (``documents.lsp_lines``); each range runs from the start of a line to the
    start of another, or to the end of the document.
    """
    old_lines = lsp_lines(doc.text)
    new_lines = lsp_lines(new_text)
    starts = list(itertools.accumulate((len(line) for line in old_lines), initial=0))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        rng = types.Range(start=doc.position_at(starts[i1]), end=doc.position_at(starts[i2]))
        edits.append((rng, "".join(new_lines[j1:j2])))
    return edits


def workspace_edit(
    doc: Document, new_text: str, *, version: int | None, annotate: bool, label: str
) -> types.WorkspaceEdit:
    """A versioned ``TextDocumentEdit`` (``documentChanges``) turning ``doc`` into ``new_text``.

    There is no unversioned form: an edit without a version lands on whatever lines the buffer has
    when it arrives, and the user may have moved them meanwhile (``docedit`` refuses such clients).
    """
    ranges = text_edits(doc, new_text)
    edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit]
    annotations = None
    if annotate:
        edits = [types.AnnotatedTextEdit(range=r, new_text=t, annotation_id=ANNOTATION_ID) for r, t in ranges]
        annotations = {ANNOTATION_ID: types.ChangeAnnotation(label=label, needs_confirmation=False)}
    else:
        edits = [types.TextEdit(range=r, new_text=t) for r, t in ranges]
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)],
        change_annotations=annotations,
    )


def turn_result(
    session_id: str, turn_id: str, end: TurnEnd | None, stop_reason: wire.StopReason = "error"
) -> wire.TurnResult:
    """``a3s/session/send``'s result from the turn's final ``TurnEnd`` (none: it never ended)."""
    if end is None:
        return wire.TurnResult(
            session_id=session_id,
            turn_id=turn_id,
            text="",
            stop_reason=stop_reason,
            usage={},
            cost_usd=0.0,
            tool_calls=0,
        )
    return wire.TurnResult(
        session_id=session_id,
        turn_id=turn_id,
        text=end.text,
        stop_reason=end.stop_reason,
        usage=end.usage.model_dump(mode="json"),
        cost_usd=end.cost_usd,
        tool_calls=end.tool_calls,
    )


def tool_result(result: EngineToolResult) -> wire.ToolResult:
    """An engine ToolResult as the wire object of ``a3s/tool`` and ``a3s/worktree/*``."""
    return wire.ToolResult(
        output=result.output,
        is_error=bool(result.is_error),
        exit_code=result.code,
        metadata=_jsonable(result.metadata),
    )


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
