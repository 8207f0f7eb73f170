/** Messages between the chat webview and the extension host (both directions), as typed unions. */

import type { SlashCommand } from "../slash";
import type { AgentEvent, Attachment, Decision } from "../protocol";

export interface SessionChoice {
  sessionId: string;
  label: string;
}

export type ToWebview =
  | { type: "session"; sessionId: string | undefined; sessions: SessionChoice[]; model: string }
  | { type: "reset" }
  | { type: "user"; text: string; images: number }
  | { type: "event"; event: AgentEvent }
  | { type: "busy"; busy: boolean }
  | { type: "notice"; text: string; level: "info" | "error" }
  | { type: "commands"; commands: SlashCommand[] }
  | { type: "confirm"; id: string; tool: string; call: string; hasDiff: boolean }
  | { type: "confirmDone"; id: string; answer: string };

export type FromWebview =
  | { type: "ready" }
  | { type: "send"; text: string; attachments: Attachment[] }
  | { type: "steer"; text: string }
  | { type: "cancel" }
  | { type: "newSession" }
  | { type: "resume"; sessionId: string }
  | { type: "confirmAnswer"; id: string; decision: Decision };
