"""Code actions "Explain", "Fix these diagnostics", "Refactor selection": each runs an agent turn.

The action carries a command (``a3s.codeAction``) rather than an edit: the turn's edits come back
to the editor as ``workspace/applyEdit`` through the session's file system.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..errors import InvalidParamsError
from ..uris import uri_to_path
from .commands import argument

if TYPE_CHECKING:
    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire

COMMAND = "a3s.codeAction"
_ACTIONS = [
    ("explain", "A3S: Explain", types.CodeActionKind.Empty),
    ("fix", "A3S: Fix these diagnostics", types.CodeActionKind.QuickFix),
    ("refactor", "A3S: Refactor selection", types.CodeActionKind.RefactorRewrite),
]


def register(server: A3SLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[k for _, _, k in _ACTIONS], resolve_provider=False),
    )
    def code_action(ls: A3SLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        diagnostics = [ls.protocol._converter.unstructure(d) for d in params.context.diagnostics]
        rng = params.range
        empty = rng.start == rng.end
        only = params.context.only
        found = []
        for action, title, kind in _ACTIONS:
            if (action == "fix" and not diagnostics) or (action == "refactor" and empty):
                continue
            if only and not any(kind == o or kind.startswith(f"{o}.") for o in only):
                continue
            argument = {
                "action": action,
                "uri": params.text_document.uri,
                "range": ls.protocol._converter.unstructure(rng),
                "diagnostics": diagnostics,
            }
            found.append(
                types.CodeAction(
                    title=title,
                    kind=kind,
                    diagnostics=list(params.context.diagnostics) if action == "fix" else None,
                    command=types.Command(title=title, command=COMMAND, arguments=[argument]),
                )
            )
        return found

    @server.command(COMMAND)
    async def run_code_action(ls: A3SLanguageServer, *args: Any) -> dict[str, Any]:
        p: wire.CodeActionCommand = argument("CodeActionCommand", args, COMMAND)
        try:
            rng = ls.protocol._converter.structure(p.range, types.Range)
        except Exception as exc:
            raise InvalidParamsError(f"{COMMAND}: invalid params: range: {exc}") from None
        doc = ls.documents.get(p.uri)
        path = uri_to_path(p.uri)
        hosted = await ls.sessions.default(None, p.uri)  # the session of the folder holding the document
        prompt = build_prompt(
            p.action,
            _display(str(path) if path is not None else p.uri, str(hosted.session.workspace)),
            rng,
            doc.text_in(rng) if doc is not None and rng.start != rng.end else "",
            p.diagnostics,
        )
        return wire.dump(await ls.sessions.send(hosted.session.session_id, prompt))


def build_prompt(
    action: str, path: str, rng: types.Range, selection: str, diagnostics: list[dict[str, Any]]
) -> str:
    """The turn's prompt: what to do, where, the selected text and the diagnostics."""
    where = f"{path} lines {rng.start.line + 1}-{rng.end.line + 1}"
    task = {
        "explain": f"Explain the code at {where}. Do not change any file.",
        "fix": f"Fix the diagnostics below in {path}, editing the file.",
        "refactor": f"Refactor the selected code at {where}, editing the file. Keep its behaviour.",
    }.get(action, f"Look at {where}.")
    parts = [task]
    if selection:
        parts.append(f"Selected text:\n```\n{selection}\n```")
    if diagnostics:
        listed = [
            f"- line {d.get('range', {}).get('start', {}).get('line', 0) + 1}: {d.get('message', '')}"
            for d in diagnostics
        ]
        parts.append("Diagnostics:\n" + "\n".join(listed))
    return "\n\n".join(parts)


def _display(path: str, workspace: str) -> str:
    try:
        return str(Path(path).relative_to(workspace))
    except ValueError:
        return path
