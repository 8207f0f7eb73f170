/**
 * Per-hunk review (docs/review.md): how a proposed change's hunks are listed for the user to pick from,
 * and the `a3s/confirm` answer their choice makes. Pure, unit tested.
 */

import type { ConfirmAnswer, Decision } from "./protocol";
import type { ReviewHunk, TurnDiff } from "./wire";

/** One row of the hunk picker: where the hunk is and what it changes. */
export interface HunkItem {
  id: string;
  label: string;
  description: string;
  detail: string;
}

/** `notes.txt @@ -1,4 +1,4 @@` and the hunk's first changed lines. */
export function hunkItem(hunk: ReviewHunk): HunkItem {
  const lines = hunk.text.split("\n");
  const changed = lines.filter((line) => line.startsWith("+") || line.startsWith("-"));
  const added = changed.filter((line) => line.startsWith("+")).length;
  const removed = changed.length - added;
  return {
    id: hunk.id,
    label: `${hunk.file}:${hunk.oldStart || hunk.newStart}`,
    description: `+${added} −${removed}`,
    detail: changed.slice(0, 3).join("  ⏎ ") + (changed.length > 3 ? "  …" : ""),
  };
}

/**
 * The answer for a decision and the hunks the user kept. Keeping every hunk (or a change offered whole)
 * is a plain answer; otherwise `acceptedHunks` names exactly the kept ones (none kept: the daemon applies
 * nothing and tells the agent every hunk was rejected).
 */
export function hunkAnswer(decision: Decision, offered: readonly ReviewHunk[] | null | undefined, kept: readonly string[] | undefined): ConfirmAnswer {
  if (decision === "deny" || !offered || offered.length === 0 || kept === undefined) {
    return { decision };
  }
  const keep = new Set(kept);
  const accepted = offered.filter((hunk) => keep.has(hunk.id)).map((hunk) => hunk.id);
  if (accepted.length === offered.length) {
    return { decision };
  }
  return { decision, acceptedHunks: accepted };
}

/** What the chat card says about the answer: `allowed (2 of 3 hunks)`. */
export function hunkSummary(answer: ConfirmAnswer, offered: readonly ReviewHunk[] | null | undefined): string {
  if (!answer.acceptedHunks || !offered) {
    return "";
  }
  return ` (${answer.acceptedHunks.length} of ${offered.length} hunks)`;
}

/** The multi-file review's title and counts: `A3S turn 9a1b2c: 3 files (1 new, 1 deleted)`. */
export function turnTitle(diff: TurnDiff): string {
  const created = diff.files.filter((f) => f.created).length;
  const deleted = diff.files.filter((f) => f.deleted).length;
  const extra = [created ? `${created} new` : "", deleted ? `${deleted} deleted` : ""].filter(Boolean).join(", ");
  const count = `${diff.files.length} file${diff.files.length === 1 ? "" : "s"}`;
  return `A3S turn ${diff.turnId.slice(0, 6)}: ${count}${extra ? ` (${extra})` : ""}`;
}
