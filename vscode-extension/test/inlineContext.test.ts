import { describe, expect, it } from "vitest";
import { toProtocolInlineContext } from "../src/inlineContext";

/** Serialises like `vscode.Range` in the extension host: `toJSON` gives `[start, end]`, not an LSP range. */
class EditorRange {
  constructor(
    readonly start: { line: number; character: number },
    readonly end: { line: number; character: number },
  ) {}
  toJSON(): unknown {
    return [this.start, this.end];
  }
}

describe("toProtocolInlineContext", () => {
  it("maps VS Code's Invoke (0) to LSP Invoked (1) and Automatic (1) to Automatic (2)", () => {
    expect(toProtocolInlineContext({ triggerKind: 0 })).toEqual({ triggerKind: 1 });
    expect(toProtocolInlineContext({ triggerKind: 1 })).toEqual({ triggerKind: 2 });
  });
  it("always gives an LSP trigger kind, whatever VS Code sends", () => {
    for (let kind = -2; kind <= 5; kind++) {
      expect([1, 2]).toContain(toProtocolInlineContext({ triggerKind: kind }).triggerKind);
    }
  });
  it("sends the selected suggestion's range as a plain LSP range", () => {
    const range = new EditorRange({ line: 1, character: 4 }, { line: 1, character: 7 });
    const wire = JSON.parse(JSON.stringify(toProtocolInlineContext({ triggerKind: 1, selectedCompletionInfo: { range, text: "return" } })));
    expect(wire).toEqual({
      triggerKind: 2,
      selectedCompletionInfo: { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 7 } }, text: "return" },
    });
  });
});
