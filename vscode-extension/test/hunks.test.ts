import { describe, expect, it } from "vitest";
import { hunkAnswer, hunkItem, hunkSummary, turnTitle } from "../src/hunks";
import type { ReviewHunk } from "../src/wire";

const hunks: ReviewHunk[] = [
  { id: "h1", file: "notes.txt", oldStart: 1, oldLines: 4, newStart: 1, newLines: 4, text: "@@ -1,4 +1,4 @@\n-line 1\n+LINE ONE\n line 2\n line 3\n line 4\n" },
  { id: "h2", file: "notes.txt", oldStart: 9, oldLines: 4, newStart: 9, newLines: 4, text: "@@ -9,4 +9,4 @@\n line 9\n line 10\n line 11\n-line 12\n+LINE TWELVE\n" },
];

describe("hunkAnswer", () => {
  it("answers with exactly the kept hunks", () => {
    expect(hunkAnswer("allow", hunks, ["h2"])).toEqual({ decision: "allow", acceptedHunks: ["h2"] });
  });
  it("keeping every hunk is a plain allow", () => {
    expect(hunkAnswer("allow_session", hunks, ["h2", "h1"])).toEqual({ decision: "allow_session" });
  });
  it("keeping none names none, so the daemon tells the agent every hunk was rejected", () => {
    expect(hunkAnswer("allow", hunks, [])).toEqual({ decision: "allow", acceptedHunks: [] });
  });
  it("ignores ids that were not offered, and a deny stays a deny", () => {
    expect(hunkAnswer("allow", hunks, ["h1", "zz"])).toEqual({ decision: "allow", acceptedHunks: ["h1"] });
    expect(hunkAnswer("deny", hunks, ["h1"])).toEqual({ decision: "deny" });
  });
  it("a change offered whole is answered whole", () => {
    expect(hunkAnswer("allow", null, ["h1"])).toEqual({ decision: "allow" });
  });
});

describe("the picker and the card", () => {
  it("names each hunk's place and its changed lines", () => {
    const item = hunkItem(hunks[1]);
    expect(item.label).toBe("notes.txt:9");
    expect(item.description).toBe("+1 −1");
    expect(item.detail).toContain("-line 12");
    expect(item.detail).toContain("+LINE TWELVE");
  });
  it("says how many hunks were applied", () => {
    expect(hunkSummary({ decision: "allow", acceptedHunks: ["h1"] }, hunks)).toBe(" (1 of 2 hunks)");
    expect(hunkSummary({ decision: "allow" }, hunks)).toBe("");
  });
  it("titles the turn's review with its counts", () => {
    const file = { file: "a", uri: "file:///a", diff: "", before: null, after: "x", created: true, deleted: false };
    const gone = { ...file, file: "b", created: false, deleted: true, before: "y", after: null };
    expect(turnTitle({ sessionId: "s", turnId: "9a1b2c3d", files: [file, gone] })).toBe("A3S turn 9a1b2c: 2 files (1 new, 1 deleted)");
  });
});
