/**
 * Applies the daemon's unified diff (a confirmation's `diff`) to the current text, giving the proposed
 * file the user reviews and may change. Pure, unit tested. Returns undefined when a hunk does not fit,
 * so the caller can fall back to showing the diff as text.
 */

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

interface Hunk {
  oldStart: number;
  lines: string[];
}

function splitKeepingEnds(text: string): string[] {
  const parts = text.match(/[^\n]*\n|[^\n]+$/g);
  return parts ?? [];
}

function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  for (const raw of diff.split("\n")) {
    const header = HUNK.exec(raw);
    if (header) {
      current = { oldStart: Number(header[1]), lines: [] };
      hunks.push(current);
    } else if (current && (raw.startsWith(" ") || raw.startsWith("+") || raw.startsWith("-") || raw.startsWith("\\"))) {
      current.lines.push(raw);
    }
  }
  return hunks;
}

/** `before` is undefined for a new file (`--- /dev/null`). */
export function applyUnifiedDiff(before: string | undefined, diff: string): string | undefined {
  const source = splitKeepingEnds(before ?? "");
  const out: string[] = [];
  let cursor = 0;
  for (const hunk of parseHunks(diff)) {
    const start = Math.max(hunk.oldStart - 1, 0);
    if (start < cursor || start > source.length) {
      return undefined;
    }
    out.push(...source.slice(cursor, start));
    cursor = start;
    let last: "old" | "new" | "both" = "both";
    for (const line of hunk.lines) {
      const marker = line[0];
      const body = line.slice(1);
      if (marker === "\\") {
        // "\ No newline at end of file": the previous line has no newline.
        if (last !== "old" && out.length > 0) {
          out[out.length - 1] = out[out.length - 1].replace(/\n$/, "");
        }
        continue;
      }
      if (marker === " " || marker === "-") {
        const have = source[cursor];
        if (have === undefined || have.replace(/\n$/, "") !== body) {
          return undefined;
        }
        cursor += 1;
        if (marker === " ") {
          out.push(have);
        }
        last = marker === " " ? "both" : "old";
      } else {
        out.push(body + "\n");
        last = "new";
      }
    }
  }
  out.push(...source.slice(cursor));
  return out.join("");
}
