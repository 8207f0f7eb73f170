import { describe, expect, it } from "vitest";
import { Transcript } from "../src/webview/transcript";

describe("Transcript", () => {
  it("joins streamed text and thinking into one answer", () => {
    const t = new Transcript();
    t.apply({ type: "thinking_delta", text: "Let me " });
    t.apply({ type: "thinking_delta", text: "look." });
    t.apply({ type: "text_delta", text: "Hel" });
    expect(t.apply({ type: "text_delta", text: "lo" })).toEqual([0]);
    expect(t.items).toEqual([{ kind: "assistant", text: "Hello", thinking: "Let me look." }]);
  });
  it("gives each tool call a card that follows its status", () => {
    const t = new Transcript();
    t.apply({ type: "text_delta", text: "Editing." });
    t.apply({ type: "tool_start", tool_id: "t1", tool_name: "edit", args: { file_path: "app.py" } });
    t.apply({ type: "confirmation_required", tool_id: "t1", tool_name: "edit", args: {}, timeout_ms: 30000 });
    expect(t.items[1]).toMatchObject({ kind: "tool", status: "waiting", call: "edit(file_path=app.py)" });
    t.apply({ type: "confirmation_received", tool_id: "t1", decision: "allow" });
    t.apply({ type: "tool_output", tool_id: "t1", tool_name: "edit", delta: "partial" });
    t.apply({ type: "tool_end", tool_id: "t1", tool_name: "edit", output: "Replaced 1 occurrence(s)", exit_code: 0 });
    expect(t.items[1]).toMatchObject({ status: "done", output: "Replaced 1 occurrence(s)" });
    t.apply({ type: "text_delta", text: "Done." });
    expect(t.items.map((i) => i.kind)).toEqual(["assistant", "tool", "assistant"]);
  });
  it("marks denied and failed calls", () => {
    const t = new Transcript();
    t.apply({ type: "tool_start", tool_id: "a", tool_name: "bash", args: { command: "rm x" } });
    t.apply({ type: "confirmation_received", tool_id: "a", decision: "deny" });
    t.apply({ type: "tool_end", tool_id: "a", tool_name: "bash", output: "The user denied", exit_code: 1 });
    t.apply({ type: "tool_start", tool_id: "b", tool_name: "bash", args: { command: "false" } });
    t.apply({ type: "tool_end", tool_id: "b", tool_name: "bash", output: "", exit_code: 1 });
    expect(t.items.map((i) => (i.kind === "tool" ? i.status : i.kind))).toEqual(["denied", "failed"]);
  });
  it("ends a turn with its usage and cost, and says when it was cancelled", () => {
    const t = new Transcript();
    t.apply({ type: "turn_end", turn: 1, text: "", stop_reason: "cancelled", usage: { input_tokens: 812, output_tokens: 64 }, cost_usd: 0.0034, tool_calls: 0 });
    expect(t.items).toEqual([
      { kind: "notice", text: "Cancelled.", level: "info" },
      { kind: "usage", text: "in 812 · out 64 · $0.0034" },
    ]);
  });
});
