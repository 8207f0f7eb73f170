import { describe, expect, it } from "vitest";
import { parseWorktrees } from "../src/protocol";
import { explainPrompt, fixPrompt } from "../src/prompts";

describe("parseWorktrees", () => {
  it("reads git's porcelain listing", () => {
    const porcelain = "worktree /p\nHEAD abc\nbranch refs/heads/main\n\nworktree /p-x\nHEAD def\nbranch refs/heads/feature-x\n\nworktree /p-d\nHEAD 123\ndetached\n";
    expect(parseWorktrees(porcelain)).toEqual([
      { path: "/p", branch: "main", detached: false, bare: false },
      { path: "/p-x", branch: "feature-x", detached: false, bare: false },
      { path: "/p-d", branch: null, detached: true, bare: false },
    ]);
    expect(parseWorktrees("")).toEqual([]);
  });
});

describe("fixPrompt", () => {
  it("lists each diagnostic with its line", () => {
    expect(fixPrompt("app.py", [{ line: 3, severity: "error", message: "undefined name 'z'", source: "pyflakes" }])).toBe(
      "Fix these diagnostics in app.py, editing the file:\n- line 3: error: undefined name 'z' (pyflakes)",
    );
  });
});

describe("explainPrompt", () => {
  it("fences the code once, with its path and lines", () => {
    expect(explainPrompt({ path: "app.py", language: "python", startLine: 1, endLine: 2, text: "x = 1\ny = 2\n" })).toBe(
      "Explain what this code does, and anything surprising in it:\napp.py:1-2\n```python\nx = 1\ny = 2\n```",
    );
  });
});
