/** Short human figures for the status bar, the chat's per-turn line and confirmation prompts. Pure. */

import type { SandboxState } from "./protocol";

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
}

export function totalTokens(usage: Usage | undefined): number {
  if (!usage) {
    return 0;
  }
  return (
    (usage.input_tokens ?? 0) +
    (usage.output_tokens ?? 0) +
    (usage.cache_read_tokens ?? 0) +
    (usage.cache_write_tokens ?? 0)
  );
}

export function formatTokens(count: number): string {
  if (count < 1000) {
    return `${count}`;
  }
  if (count < 1_000_000) {
    return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  }
  return `${(count / 1_000_000).toFixed(1)}M`;
}

export function formatCost(usd: number | undefined): string {
  const value = usd ?? 0;
  return value > 0 && value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** "in 812 · out 64 · $0.0034": one turn's usage line in the chat. */
export function usageLine(usage: Usage | undefined, costUsd: number | undefined): string {
  const parts = [`in ${formatTokens(usage?.input_tokens ?? 0)}`, `out ${formatTokens(usage?.output_tokens ?? 0)}`];
  const cached = usage?.cache_read_tokens ?? 0;
  if (cached > 0) {
    parts.push(`cached ${formatTokens(cached)}`);
  }
  parts.push(formatCost(costUsd));
  return parts.join(" · ");
}

export function statusText(model: string | undefined, tokens: number, costUsd: number): string {
  const name = model ? model.split("/").pop() ?? model : "no session";
  return `A3S: ${name} · ${formatTokens(tokens)} tok · ${formatCost(costUsd)}`;
}

/** The status bar's sandbox parts: an icon for the text and a line for the tooltip. */
export function sandboxStatus(sandbox: SandboxState | undefined): { icon: string; tooltip: string } {
  if (!sandbox) {
    return { icon: "", tooltip: "" };
  }
  if (!sandbox.enabled) {
    return { icon: "$(unlock)", tooltip: "Sandbox: off (bash runs with your user's rights)" };
  }
  const parts = [sandbox.backend, sandbox.network ? "network on" : "network off"];
  if (sandbox.memoryMb) {
    parts.push(`${sandbox.memoryMb} MB`);
  }
  if (sandbox.image) {
    parts.push(`image ${sandbox.image}`);
  }
  return { icon: "$(shield)", tooltip: `Sandbox: ${parts.join(", ")}` };
}

/** `edit(file_path=app.py, old_string="y = 2", …)` with long values cut, for prompts. */
export function describeCall(tool: string, args: Record<string, unknown>, width = 60): string {
  const parts = Object.entries(args).map(([key, value]) => {
    let text = typeof value === "string" ? value : JSON.stringify(value);
    text = (text ?? "").replace(/\s+/g, " ");
    if (text.length > width) {
      text = text.slice(0, width - 1) + "…";
    }
    return `${key}=${typeof value === "string" && /[\s,]/.test(text) ? JSON.stringify(text) : text}`;
  });
  return `${tool}(${parts.join(", ")})`;
}
