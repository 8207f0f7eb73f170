"""patch: a unified diff or an OpenAI ``*** Begin Patch`` envelope, applied to all its files or none.

The format is detected from the text. Unified diffs (``_unidiff``) apply to ``file_path``, or to the
files their ``---``/``+++`` headers name; envelopes (``_envelope``) name their files in their headers.
Every operation is planned in memory first (``_changes.Plan``); only when all of them fit is anything
written, and a failed write undoes the ones before it. Paths are confined to the workspace like every
tool path. Deleting a file, adding one over an existing file and moving onto an existing file replace
text the diff does not quote, so they need a version the agent has read (``tools.seen``).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator

from ..errors import ToolError
from . import _envelope, _unidiff
from ._changes import Change, Plan
from .base import PlannedChange, Tool, ToolContext, ToolParams, ToolResult
from .write import keep_line_endings

_OPENAI_MODELS = re.compile(r"^(gpt-4\.1|gpt-5|gpt-oss|o[134](-|$)|codex)", re.IGNORECASE)

UNIFIED_DESCRIPTION = (
    "Apply a patch to files: a unified diff ('--- a/f' / '+++ b/f' headers and '@@ -a,b +c,d @@' "
    "hunks whose lines start with ' ', '-' or '+'; '--- /dev/null' creates a file, '+++ /dev/null' "
    "deletes one) or a '*** Begin Patch' envelope. Use it for multi-line or multi-file edits. All "
    "changes apply or none do."
)
ENVELOPE_DESCRIPTION = """\
Edit files with a patch in this format (a unified diff also works):

*** Begin Patch
[ one or more file sections ]
*** End Patch

Each file section starts with one of:
*** Add File: <path> - create a file; every following line is a + line (its content).
*** Delete File: <path> - remove a file. Nothing follows.
*** Update File: <path> - change a file in place, optionally followed by *** Move to: <new path>.
Then one or more hunks, each introduced by @@ (optionally followed by a line such as a class or \
function definition to locate it: @@ class Foo, then @@ def bar(): to narrow further). Hunk lines \
start with ' ' (context), '-' (remove) or '+' (add). Show 3 lines of context above and below each \
change; end a hunk that reaches the end of the file with *** End of File.
Paths are relative to the workspace. All changes apply or none do."""


def is_openai_model(model: str | None) -> bool:
    """Whether ``model`` ("provider/model-id") is one of OpenAI's, trained on the envelope format."""
    if not model:
        return False
    return bool(_OPENAI_MODELS.match(model.rsplit("/", 1)[-1]))


class PatchParams(ToolParams):
    file_path: str | None = Field(
        default=None,
        description="The file a unified diff of one file applies to. Leave it out when the diff's "
        "---/+++ headers name the files, and for a '*** Begin Patch' envelope.",
    )
    diff: str = Field(
        description="The patch: a unified diff (@@ hunks; lines start with ' ', '-' or '+') or a "
        "'*** Begin Patch' ... '*** End Patch' envelope."
    )

    @field_validator("file_path", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


def _summary(done: list[Change], moved: dict[Path, Path], ctx: ToolContext) -> str:
    lines = []
    for change in done:
        kind = "D" if change.after is None else "A" if change.before is None else "M"
        if change.path in moved and change.after is not None:
            lines.append(f"{kind} {change.shown} (moved from {ctx.show(moved[change.path])})")
        elif change.after is None and change.path in moved.values():
            continue
        else:
            lines.append(f"{kind} {change.shown}")
    return "Applied the patch:\n" + "\n".join(lines)


class PatchTool(Tool[PatchParams]):
    name = "patch"
    description = UNIFIED_DESCRIPTION
    Params = PatchParams
    lane = "execute"
    path_args = ("file_path",)
    text_args = ("diff",)

    def description_for(self, model: str | None) -> str:
        return ENVELOPE_DESCRIPTION if is_openai_model(model) else UNIFIED_DESCRIPTION

    async def _plan(self, params: PatchParams, ctx: ToolContext) -> tuple[Plan, str, dict[Path, Path]]:
        """The planned changes, a summary of how hunks matched, and moves (new path -> old path)."""
        plan = Plan(ctx)
        moved: dict[Path, Path] = {}
        if _envelope.is_envelope(params.diff):
            notes = await self._plan_envelope(params, plan, moved)
        else:
            notes = await self._plan_unified(params, plan, moved)
        return plan, notes, moved

    async def _plan_envelope(self, params: PatchParams, plan: Plan, moved: dict[Path, Path]) -> str:
        ctx = plan.ctx
        ops = _envelope.parse(params.diff)
        if not ops:
            raise ToolError("The patch has no file sections; nothing to apply.")
        notes: list[str] = []
        for op in ops:
            path = ctx.resolve(op.path)
            shown = ctx.show(path)
            current = await plan.text(path)
            if isinstance(op, _envelope.AddFile):
                plan.require_seen(path, "replace (*** Add File)")
                plan.set(path, keep_line_endings(op.content, current), known=True)
            elif isinstance(op, _envelope.DeleteFile):
                if current is None:
                    raise ToolError(f"File not found: {shown} (*** Delete File needs an existing file)")
                plan.require_seen(path, "delete")
                plan.set(path, None, known=False)
            else:
                if current is None:
                    raise ToolError(
                        f"File not found: {shown} (*** Update File changes an existing file; "
                        "use *** Add File to create one)"
                    )
                new, found = _envelope.apply_update(current, op, shown)
                notes.extend(found)
                known = plan.known.get(path, False) or plan.touched(path)
                if op.move_to is None:
                    plan.set(path, new, known=known)
                    continue
                target = ctx.resolve(op.move_to)
                if target != path:
                    await plan.text(target)
                    plan.require_seen(target, "overwrite (*** Move to)")
                    plan.set(path, None, known=False)
                    moved[target] = path
                plan.set(target, new, known=known, template=path)
        return "".join(f"\n{note}." for note in notes)

    async def _plan_unified(self, params: PatchParams, plan: Plan, moved: dict[Path, Path]) -> str:
        ctx = plan.ctx
        files = _unidiff.parse(params.diff)
        if params.file_path is not None and len(files) > 1:
            raise ToolError("The diff changes more than one file; patch applies to file_path only.")
        notes: list[str] = []
        for fd in files:
            if params.file_path is not None:
                old_path = new_path = ctx.resolve(params.file_path)
            else:
                named = fd.new_path or fd.old_path
                if named is None:
                    raise ToolError(
                        "Invalid arguments for tool 'patch':\n  - file_path: required argument is missing "
                        "(the diff has no ---/+++ headers naming its file)"
                    )
                new_path = ctx.resolve(named)
                old_path = ctx.resolve(fd.old_path) if fd.old_path else new_path
            shown = ctx.show(new_path)
            current = await plan.text(old_path)
            if fd.creates and not fd.deletes:
                if current:
                    raise ToolError(
                        f"The diff creates {shown} ('--- /dev/null'), but that file already exists"
                    )
                current = ""
            elif current is None:
                raise ToolError(f"File not found: {shown} (use '--- /dev/null' to create a file)")
            new, placements = _unidiff.apply(current, fd, shown)
            notes.extend(_placement_notes(placements, shown, len(files) > 1))
            if fd.deletes and not fd.creates:
                if new:
                    raise ToolError(
                        f"The diff deletes {shown} ('+++ /dev/null'), but its removed lines are not the "
                        "whole file; no changes were made"
                    )
                plan.set(old_path, None, known=False)
                continue
            known = plan.known.get(old_path, False) or plan.touched(old_path) or fd.creates
            if old_path != new_path:
                await plan.text(new_path)
                plan.require_seen(new_path, "overwrite (rename)")
                plan.set(old_path, None, known=False)
                moved[new_path] = old_path
            plan.set(new_path, new, known=known, template=old_path if old_path != new_path else None)
        return "".join(f"\n{note}." for note in notes)

    async def preview(self, params: PatchParams, ctx: ToolContext) -> str | None:
        plan, _, _ = await self._plan(params, ctx)
        return plan.diff()

    async def changes(self, params: PatchParams, ctx: ToolContext) -> list[PlannedChange] | None:
        plan, _, _ = await self._plan(params, ctx)
        return [(c.path, c.shown, c.before, c.after, c.template) for c in plan.changes()]

    async def run(self, params: PatchParams, ctx: ToolContext) -> ToolResult:
        plan, notes, moved = await self._plan(params, ctx)
        diff = plan.diff()
        changes = plan.changes()
        if not changes:
            return ToolResult(output="The patch changes nothing; no file was written." + notes)
        done = await plan.commit()
        single = len(done) == 1 and not _envelope.is_envelope(params.diff)
        if single:
            hunks = sum(len(fd.hunks) for fd in _unidiff.parse(params.diff))
            output = f"Applied {hunks} hunk(s) to {done[0].shown}"
        else:
            output = _summary(done, moved, ctx)
        return ToolResult(
            output=output + notes,
            metadata={
                "file_path": done[0].shown,
                "files": [c.shown for c in done],
                "diff": diff,
                "created": done[0].before is None,
            },
        )


def _placement_notes(placements: list[_unidiff.Placement], shown: str, name: bool) -> list[str]:
    notes = []
    for p in placements:
        moved = p.hunk.old and p.hunk.old_start and p.hunk.old_start != p.at + 1
        if not (p.how or moved):
            continue
        note = f"Hunk {p.hunk.number}" + (f" of {shown}" if name else "") + f" applied at line {p.at + 1}"
        if moved:
            note += f" (the header said {p.hunk.old_start})"
        if p.how:
            note += f", matching lines that differ only in {p.how}"
        notes.append(note)
    return notes
