import { describe, expect, it } from "vitest";
import { applyUnifiedDiff } from "../src/patch";

describe("applyUnifiedDiff", () => {
  it("applies the daemon's diff for an edit", () => {
    const diff = "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = 3\n";
    expect(applyUnifiedDiff("x = 1\ny = 2\n", diff)).toBe("x = 1\ny = 3\n");
  });
  it("keeps the text outside the hunks", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const diff = "--- a/f\n+++ b/f\n@@ -9,3 +9,4 @@\n line 9\n line 10\n+inserted\n line 11\n@@ -18,3 +19,2 @@\n line 18\n-line 19\n line 20\n";
    const after = applyUnifiedDiff(before, diff)!;
    expect(after.split("\n")).toContain("inserted");
    expect(after).not.toContain("line 19\n");
    expect(after.startsWith("line 1\nline 2\n")).toBe(true);
    expect(after.endsWith("line 18\nline 20\n")).toBe(true);
  });
  it("creates a new file from /dev/null", () => {
    const diff = "--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+a = 1\n+b = 2\n";
    expect(applyUnifiedDiff(undefined, diff)).toBe("a = 1\nb = 2\n");
  });
  it("honours 'No newline at end of file'", () => {
    const diff = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n";
    expect(applyUnifiedDiff("old", diff)).toBe("new");
  });
  it("refuses a diff that does not match the text (the buffer changed meanwhile)", () => {
    const diff = "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = 3\n";
    expect(applyUnifiedDiff("x = 1\ny = 5\n", diff)).toBeUndefined();
  });
});
