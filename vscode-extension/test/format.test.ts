import { describe, expect, it } from "vitest";
import { describeCall, formatCost, formatTokens, sandboxStatus, statusText, totalTokens, usageLine } from "../src/format";

describe("figures", () => {
  it("shortens token counts", () => {
    expect([formatTokens(812), formatTokens(1234), formatTokens(45_600), formatTokens(2_500_000)]).toEqual(["812", "1.2k", "46k", "2.5M"]);
  });
  it("shows small costs with four decimals", () => {
    expect([formatCost(0), formatCost(0.0034), formatCost(1.5)]).toEqual(["$0.00", "$0.0034", "$1.50"]);
  });
  it("adds up every kind of token", () => {
    expect(totalTokens({ input_tokens: 10, output_tokens: 5, cache_read_tokens: 2, cache_write_tokens: 1 })).toBe(18);
    expect(totalTokens(undefined)).toBe(0);
  });
  it("writes the per-turn usage line and the status bar text", () => {
    expect(usageLine({ input_tokens: 812, output_tokens: 64 }, 0.0034)).toBe("in 812 · out 64 · $0.0034");
    expect(statusText("anthropic/claude-sonnet-4", 1500, 0.02)).toBe("A3S: claude-sonnet-4 · 1.5k tok · $0.02");
    expect(statusText(undefined, 0, 0)).toBe("A3S: no session · 0 tok · $0.00");
  });
  it("names the tool and its arguments, cutting long values", () => {
    expect(describeCall("bash", { command: "rm -rf build" })).toBe('bash(command="rm -rf build")');
    const long = describeCall("write", { file_path: "a.py", content: "x".repeat(200) }, 20);
    expect(long).toBe(`write(file_path=a.py, content=${"x".repeat(19)}…)`);
  });
  it("shows whether the session's shell is sandboxed", () => {
    const on = { enabled: true, backend: "bubblewrap", network: false, memoryMb: 512, maxProcesses: 1024, image: null, workspaceMount: "/workspace", timeoutMs: null };
    expect(sandboxStatus(on)).toEqual({ icon: "$(shield)", tooltip: "Sandbox: bubblewrap, network off, 512 MB" });
    expect(sandboxStatus({ ...on, network: true, image: "/srv/rootfs" }).tooltip).toBe("Sandbox: bubblewrap, network on, 512 MB, image /srv/rootfs");
    const off = { ...on, enabled: false, backend: "local", memoryMb: null, workspaceMount: null };
    expect(sandboxStatus(off)).toEqual({ icon: "$(unlock)", tooltip: "Sandbox: off (bash runs with your user's rights)" });
    expect(sandboxStatus(undefined)).toEqual({ icon: "", tooltip: "" });
  });
});
