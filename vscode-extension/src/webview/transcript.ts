/**
 * The chat's model: a list of items that `a3s/event`s update in place (streamed text grows, a tool card
 * changes status). Pure, so the ordering rules are unit tested without a browser.
 */

import { describeCall, usageLine, type Usage } from "../format";
import type { AgentEvent } from "../protocol";

export type ToolStatus = "running" | "waiting" | "done" | "failed" | "denied";

export type Item =
  | { kind: "user"; text: string; images: number }
  | { kind: "assistant"; text: string; thinking: string }
  | { kind: "tool"; id: string; name: string; call: string; status: ToolStatus; output: string }
  | { kind: "usage"; text: string }
  | { kind: "notice"; text: string; level: "info" | "error" }
  | { kind: "confirm"; id: string; tool: string; call: string; state: "pending" | "answered"; answer: string };

export class Transcript {
  readonly items: Item[] = [];

  /** Appends an item and returns its index. */
  push(item: Item): number {
    this.items.push(item);
    return this.items.length - 1;
  }

  clear(): void {
    this.items.length = 0;
  }

  /** Applies one event; returns the indexes of the items that changed or were added. */
  apply(event: AgentEvent): number[] {
    switch (event.type) {
      case "text_delta":
      case "thinking_delta": {
        const index = this.currentAssistant();
        const item = this.items[index] as Extract<Item, { kind: "assistant" }>;
        const text = String((event as { text: string }).text ?? "");
        if (event.type === "text_delta") {
          item.text += text;
        } else {
          item.thinking += text;
        }
        return [index];
      }
      case "tool_start": {
        const e = event as Extract<AgentEvent, { type: "tool_start" }>;
        return [this.push({ kind: "tool", id: e.tool_id, name: e.tool_name, call: describeCall(e.tool_name, e.args ?? {}), status: "running", output: "" })];
      }
      case "tool_output":
        return this.updateTool(String(event["tool_id"]), (t) => {
          t.output += String(event["delta"] ?? "");
        });
      case "confirmation_required":
        return this.updateTool(String(event["tool_id"]), (t) => {
          t.status = "waiting";
        });
      case "confirmation_received":
        return this.updateTool(String(event["tool_id"]), (t) => {
          const decision = String(event["decision"]);
          t.status = decision === "allow" || decision === "allow_session" ? "running" : "denied";
        });
      case "permission_denied":
        return this.updateTool(String(event["tool_id"]), (t) => {
          t.status = "denied";
          t.output = String(event["reason"] ?? "");
        });
      case "tool_end": {
        const e = event as Extract<AgentEvent, { type: "tool_end" }>;
        return this.updateTool(e.tool_id, (t) => {
          t.output = e.output;
          t.status = t.status === "denied" ? "denied" : e.exit_code === 0 ? "done" : "failed";
        });
      }
      case "error":
        return [this.push({ kind: "notice", text: String(event["message"] ?? "error"), level: "error" })];
      case "turn_end": {
        const e = event as Extract<AgentEvent, { type: "turn_end" }>;
        const changed: number[] = [];
        if (e.stop_reason === "cancelled") {
          changed.push(this.push({ kind: "notice", text: "Cancelled.", level: "info" }));
        }
        changed.push(this.push({ kind: "usage", text: usageLine(e.usage as Usage, e.cost_usd) }));
        return changed;
      }
      default:
        return [];
    }
  }

  private currentAssistant(): number {
    const last = this.items[this.items.length - 1];
    if (last && last.kind === "assistant") {
      return this.items.length - 1;
    }
    return this.push({ kind: "assistant", text: "", thinking: "" });
  }

  private updateTool(id: string, change: (tool: Extract<Item, { kind: "tool" }>) => void): number[] {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i];
      if (item.kind === "tool" && item.id === id) {
        change(item);
        return [i];
      }
    }
    return [];
  }
}
