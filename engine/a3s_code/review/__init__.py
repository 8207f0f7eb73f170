"""Per-hunk review of a proposed file change, and the record of what a turn changed.

``hunks``: a change a write/edit/patch proposes, split into hunks with stable ids, and the text that
results from applying only some of them. ``partial``: applying the hunks the user accepted and telling
the model what was applied. ``turns``: a file-system wrapper that records each turn's changed files
(content before and after) for ``a3s/turn/diff``.
"""

from .hunks import FileProposal, Hunk, Proposal, propose_files
from .partial import PartialApproval, apply_partial, partial_refusal
from .turns import FileDiff, TurnChangeRecorder, UnknownTurnError

__all__ = [
    "FileDiff",
    "FileProposal",
    "Hunk",
    "PartialApproval",
    "Proposal",
    "TurnChangeRecorder",
    "UnknownTurnError",
    "apply_partial",
    "partial_refusal",
    "propose_files",
]
