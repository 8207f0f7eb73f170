"""Applying the hunks a user accepted of a proposed change, and telling the model exactly what landed.

The files are written through the session's file system (each keeps its encoding, BOM and line
endings), all of them or none (``tools._changes.Plan``: a failed write undoes the ones before it).
If a file changed while the user was reviewing, nothing is written and the model is told why: the
accepted hunks were reviewed against text that is no longer there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ToolError
from ..ports import PartialApproval
from ..tools._changes import Plan
from ..tools._text import unified_diff
from ..tools.base import Tool, ToolContext, ToolParams, ToolResult
from .hunks import Hunk, Proposal, hunks_diff, propose_files

__all__ = [
    "AcceptedHunks",
    "Override",
    "PartialApproval",
    "apply_partial",
    "partial_override",
    "partial_refusal",
    "propose",
]


def partial_refusal(tool_name: str, proposal: Proposal) -> str:
    """What the model is told when the user accepted none of the hunks."""
    listed = "".join(hunks_diff(f, f.hunks) for f in proposal.files)
    return (
        f"The user reviewed your proposed {tool_name} hunk by hunk and rejected every hunk; "
        f"no file was changed. The rejected change was:\n{listed}"
        "Do not retry it as it was; ask or take another approach."
    )


async def apply_partial(
    ctx: ToolContext, tool_name: str, proposal: Proposal, accepted: Collection[str]
) -> ToolResult:
    """Write ``proposal``'s files with exactly the ``accepted`` hunks applied; the result tells the
    model which hunks were applied and rejected, and the diff of what was written.

    Raises ToolError (nothing written) when a file no longer holds the text the hunks were made from.
    """
    plan = Plan(ctx)
    results = {f.path: f.apply(accepted) for f in proposal.files}
    for f in proposal.files:
        current = await plan.text(f.path)
        if current != f.before:
            raise ToolError(
                f"{f.shown} changed while the user was reviewing your proposed {tool_name}; "
                "no file was changed. Read it again and propose the change anew."
            )
    for f in proposal.files:
        known = plan.known.get(f.path, False) or f.before is None
        plan.set(f.path, results[f.path], known=known)
    await plan.commit()
    applied = [h for h in proposal.hunks if h.id in accepted]
    rejected = [h for h in proposal.hunks if h.id not in accepted]
    written = "".join(_written(f.shown, f.before, results[f.path]) for f in proposal.files)
    rejected_diff = "".join(
        hunks_diff(f, [h for h in f.hunks if h.id not in accepted]) for f in proposal.files
    )
    note = (
        f"The user reviewed your proposed {tool_name} hunk by hunk: applied {len(applied)} of "
        f"{len(applied) + len(rejected)} hunks ({_ids(applied)}); rejected {_ids(rejected)}, which "
        f"were NOT applied:\n{rejected_diff}"
        f"What was applied (diff against the file before):\n{written or '(nothing)'}"
        "Take this into account: the files now hold exactly this, not your whole proposal."
    )
    first = proposal.files[0]
    return ToolResult(
        note,
        metadata={
            "file_path": first.shown,
            "files": [f.shown for f in proposal.files],
            "diff": written,
            "applied_hunks": [h.id for h in applied],
            "rejected_hunks": [h.id for h in rejected],
        },
    )


def _written(shown: str, before: str | None, after: str | None) -> str:
    if after is None:
        return "" if before is None else f"--- a/{shown}\n+++ /dev/null\n(the file was deleted)\n"
    return unified_diff(shown, before, after)


def _ids(hunks: list[Hunk]) -> str:
    return ", ".join(h.id for h in hunks) or "none"


async def propose(
    tool: Tool[Any], params: ToolParams, ctx: ToolContext
) -> tuple[str | None, Proposal | None]:
    """What a confirmation shows for a call: its unified diff, and its change as hunks (None for a
    tool that changes no files). A call that cannot apply shows no diff; running it reports why."""
    try:
        planned = await tool.changes(params, ctx)
    except Exception:  # a preview is a courtesy; the real call reports real errors
        return None, None
    if planned is None:
        try:
            return await tool.preview(params, ctx), None
        except Exception:
            return None, None
    proposal = propose_files(planned)
    diff = "".join(unified_diff(f.shown, f.before, f.after or "") for f in proposal.files)
    return diff, proposal


@dataclass(frozen=True)
class AcceptedHunks:
    """What to apply instead of a call's whole proposal: the hunks the user accepted."""

    proposal: Proposal
    accepted: frozenset[str]


Override = str | AcceptedHunks
"""What the pipeline applies instead of running the call: the whole file text the user wrote
(``AmendedApproval``), or some of the proposal's hunks (``PartialApproval``)."""


def partial_override(
    tool_name: str, proposal: Proposal | None, offered: Sequence[Hunk], accepted: frozenset[str]
) -> tuple[str | None, AcceptedHunks | None]:
    """Read a ``PartialApproval``: (a refusal for the model, or None) and the hunks to apply (None:
    every hunk was accepted, so the call runs as proposed).

    Ids of hunks that were not offered are refused (nothing is written): the editor answered a
    question it was not asked. Accepting none of the hunks is a refusal that shows them.
    """
    if proposal is None or not offered:
        return (
            f"The editor answered with accepted hunks, but '{tool_name}' was not offered hunk by hunk; "
            "nothing was changed.",
            None,
        )
    strange = sorted(set(accepted) - {h.id for h in offered})
    if strange:
        return (
            f"The editor's answer named hunks that are not part of this proposal ({', '.join(strange)}); "
            "nothing was changed.",
            None,
        )
    if not accepted:
        return partial_refusal(tool_name, proposal), None
    if len(accepted) == len(offered):
        return None, None
    return None, AcceptedHunks(proposal, accepted)
