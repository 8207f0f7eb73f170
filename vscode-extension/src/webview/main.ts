/** The chat webview: renders the transcript, the prompt box with slash completion and image attachments. */

import { renderMarkdown, escapeHtml } from "./markdown";
import { Transcript, type Item } from "./transcript";
import { complete, type SlashCommand } from "../slash";
import type { Attachment } from "../protocol";
import type { FromWebview, ToWebview } from "./messages";

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const log = $<HTMLDivElement>("log");
const input = $<HTMLTextAreaElement>("prompt");
const sendButton = $<HTMLButtonElement>("send");
const cancelButton = $<HTMLButtonElement>("cancel");
const steerButton = $<HTMLButtonElement>("steer");
const sessions = $<HTMLSelectElement>("sessions");
const completions = $<HTMLUListElement>("completions");
const attachmentsRow = $<HTMLDivElement>("attachments");

const transcript = new Transcript();
const elements: HTMLElement[] = [];
let commands: SlashCommand[] = [];
let attachments: Attachment[] = [];
let selected = 0;

function renderItem(item: Item): string {
  switch (item.kind) {
    case "user":
      return `<div class="who">You</div><div class="body">${escapeHtml(item.text)}${item.images ? ` <span class="muted">(+${item.images} image${item.images > 1 ? "s" : ""})</span>` : ""}</div>`;
    case "assistant": {
      const thinking = item.thinking
        ? `<details class="thinking"><summary>Thinking</summary><div>${escapeHtml(item.thinking)}</div></details>`
        : "";
      return `<div class="who">A3S</div>${thinking}<div class="body markdown">${renderMarkdown(item.text)}</div>`;
    }
    case "tool":
      return `<div class="tool-head"><span class="status ${item.status}">${item.status}</span> <code>${escapeHtml(item.call)}</code></div>` +
        (item.output ? `<details class="tool-output"${item.status === "failed" ? " open" : ""}><summary>Output</summary><pre>${escapeHtml(item.output)}</pre></details>` : "");
    case "usage":
      return `<span class="muted">${escapeHtml(item.text)}</span>`;
    case "notice":
      return `<span>${escapeHtml(item.text)}</span>`;
    case "confirm":
      return item.state === "pending"
        ? `<div>Allow <code>${escapeHtml(item.call)}</code>?</div><div class="buttons">` +
            `<button data-decision="allow">Allow</button><button data-decision="allow_session">Allow for this session</button>` +
            `<button data-decision="deny" class="secondary">Deny</button></div>`
        : `<div class="muted">${escapeHtml(item.tool)}: ${escapeHtml(item.answer)}</div>`;
  }
}

function draw(index: number): void {
  const item = transcript.items[index];
  let element = elements[index];
  if (!element) {
    element = document.createElement("div");
    elements[index] = element;
    log.appendChild(element);
  }
  element.className = `item ${item.kind}${item.kind === "notice" ? " " + item.level : ""}`;
  element.innerHTML = renderItem(item);
  if (item.kind === "confirm" && item.state === "pending") {
    element.querySelectorAll<HTMLButtonElement>("button[data-decision]").forEach((button) => {
      button.addEventListener("click", () =>
        vscode.postMessage({ type: "confirmAnswer", id: item.id, decision: button.dataset["decision"] as "allow" }),
      );
    });
  }
  log.scrollTop = log.scrollHeight;
}

function reset(): void {
  transcript.clear();
  elements.length = 0;
  log.innerHTML = "";
}

/** While a turn runs the prompt box offers "Steer" (add to the running turn) beside "Queue" (run it next). */
function setBusy(busy: boolean): void {
  cancelButton.hidden = !busy;
  steerButton.hidden = !busy;
  sendButton.textContent = busy ? "Queue" : "Send";
  sendButton.title = busy ? "Run this prompt after the current turn" : "";
  document.body.classList.toggle("busy", busy);
}

function steer(): void {
  const text = input.value.trim();
  if (!text) {
    return;
  }
  vscode.postMessage({ type: "steer", text });
  input.value = "";
  completions.hidden = true;
}

function showCompletions(): void {
  const matches = complete(input.value, commands);
  completions.innerHTML = "";
  completions.hidden = matches.length === 0;
  selected = Math.min(selected, Math.max(matches.length - 1, 0));
  matches.forEach((command, i) => {
    const li = document.createElement("li");
    li.className = i === selected ? "selected" : "";
    li.innerHTML = `<b>/${escapeHtml(command.name)}</b> <span class="muted">${escapeHtml(command.description)}</span>`;
    li.addEventListener("mousedown", (e) => {
      e.preventDefault();
      pick(command);
    });
    completions.appendChild(li);
  });
}

function pick(command: SlashCommand): void {
  input.value = `/${command.name} `;
  completions.hidden = true;
  input.focus();
}

function send(): void {
  const text = input.value.trim();
  if (!text && attachments.length === 0) {
    return;
  }
  vscode.postMessage({ type: "send", text, attachments });
  input.value = "";
  attachments = [];
  drawAttachments();
  completions.hidden = true;
}

function drawAttachments(): void {
  attachmentsRow.innerHTML = "";
  attachments.forEach((a, i) => {
    const img = document.createElement("img");
    img.src = `data:${a.mediaType};base64,${a.data}`;
    img.title = "Click to remove";
    img.addEventListener("click", () => {
      attachments.splice(i, 1);
      drawAttachments();
    });
    attachmentsRow.appendChild(img);
  });
  attachmentsRow.hidden = attachments.length === 0;
}

function addImage(file: File): void {
  if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) {
    return;
  }
  const reader = new FileReader();
  reader.onload = () => {
    const url = String(reader.result);
    attachments.push({ mediaType: file.type, data: url.slice(url.indexOf(",") + 1) });
    drawAttachments();
  };
  reader.readAsDataURL(file);
}

input.addEventListener("input", () => showCompletions());
input.addEventListener("keydown", (e) => {
  const matches = completions.hidden ? [] : complete(input.value, commands);
  if (matches.length > 0 && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
    selected = (selected + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
    showCompletions();
    e.preventDefault();
  } else if (matches.length > 0 && (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey && input.value.trim() !== `/${matches[selected].name}`))) {
    pick(matches[selected]);
    e.preventDefault();
  } else if (e.key === "Escape") {
    completions.hidden = true;
  } else if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    send();
  }
});
input.addEventListener("paste", (e) => {
  for (const item of Array.from(e.clipboardData?.items ?? [])) {
    const file = item.kind === "file" ? item.getAsFile() : null;
    if (file) {
      addImage(file);
    }
  }
});
document.body.addEventListener("dragover", (e) => {
  e.preventDefault();
  document.body.classList.add("dragging");
});
document.body.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.body.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  Array.from(e.dataTransfer?.files ?? []).forEach(addImage);
});
sendButton.addEventListener("click", send);
cancelButton.addEventListener("click", () => vscode.postMessage({ type: "cancel" }));
steerButton.addEventListener("click", steer);
$<HTMLButtonElement>("new").addEventListener("click", () => vscode.postMessage({ type: "newSession" }));
sessions.addEventListener("change", () => vscode.postMessage({ type: "resume", sessionId: sessions.value }));

window.addEventListener("message", (e: MessageEvent<ToWebview>) => {
  const message = e.data;
  switch (message.type) {
    case "session":
      sessions.innerHTML = message.sessions
        .map((s) => `<option value="${escapeHtml(s.sessionId)}"${s.sessionId === message.sessionId ? " selected" : ""}>${escapeHtml(s.label)}</option>`)
        .join("");
      document.body.dataset["session"] = message.sessionId ?? "";
      break;
    case "reset":
      reset();
      break;
    case "user":
      draw(transcript.push({ kind: "user", text: message.text, images: message.images }));
      break;
    case "event":
      transcript.apply(message.event).forEach(draw);
      break;
    case "busy":
      setBusy(message.busy);
      break;
    case "notice":
      draw(transcript.push({ kind: "notice", text: message.text, level: message.level }));
      break;
    case "commands":
      commands = message.commands;
      break;
    case "confirm":
      draw(transcript.push({ kind: "confirm", id: message.id, tool: message.tool, call: message.call, state: "pending", answer: "" }));
      break;
    case "confirmDone": {
      const index = transcript.items.findIndex((i) => i.kind === "confirm" && i.id === message.id);
      const item = transcript.items[index];
      if (item && item.kind === "confirm") {
        item.state = "answered";
        item.answer = message.answer;
        draw(index);
      }
      break;
    }
  }
});
setBusy(false);
vscode.postMessage({ type: "ready" });
