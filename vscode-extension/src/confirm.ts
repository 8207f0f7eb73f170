/**
 * Answers the daemon's `a3s/confirm`: a prompt naming the tool and its arguments (a notification and a card
 * in the chat), and for file changes a diff editor whose right side is the proposed file, editable: what it
 * holds when the user allows is what gets applied (`content` in the answer when it differs). A change of
 * several hunks is then offered hunk by hunk: the user unticks the hunks to reject (`acceptedHunks`).
 */

import * as path from "path";
import * as vscode from "vscode";
import { describeCall } from "./format";
import { hunkAnswer, hunkItem, hunkSummary } from "./hunks";
import { applyUnifiedDiff } from "./patch";
import type { ConfirmAnswer, ConfirmParams, Decision } from "./protocol";

export const ORIGINAL_SCHEME = "a3s-original";
const LABELS: Record<string, Decision> = { Allow: "allow", "Allow for this session": "allow_session", Deny: "deny" };
const ANSWER_TEXT: Record<Decision, string> = { allow: "allowed", allow_session: "allowed for this session", deny: "denied" };

/** Where the confirmation is also shown (the chat view). */
export interface ConfirmSurface {
  /** Whether the user can see the surface now; when not, a notification asks instead. */
  readonly visible: boolean;
  showConfirm(id: string, tool: string, call: string, hasDiff: boolean): void;
  confirmDone(id: string, answer: string): void;
}

interface Review {
  proposed: string;
  proposedUri: vscode.Uri;
  text(): Promise<string>;
  close(): Promise<void>;
}

export class Confirmations implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly originals = new Map<string, string>();
  private readonly waiting = new Map<string, (decision: Decision) => void>();
  private readonly registration: vscode.Disposable;
  surface: ConfirmSurface | undefined;

  constructor(private readonly storage: vscode.Uri) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(ORIGINAL_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.originals.get(uri.query) ?? "";
  }

  /** The chat card's buttons land here. */
  answer(id: string, decision: Decision): void {
    this.waiting.get(id)?.(decision);
  }

  async ask(params: ConfirmParams, token: vscode.CancellationToken): Promise<ConfirmAnswer> {
    const id = params.toolId || `confirm-${Date.now()}`;
    const call = describeCall(params.tool, params.args ?? {});
    const review = params.diff ? await this.openReview(id, params).catch(() => undefined) : undefined;
    this.surface?.showConfirm(id, params.tool, call, review !== undefined);
    let decision: Decision;
    try {
      decision = await new Promise<Decision>((resolve) => {
        this.waiting.set(id, resolve);
        token.onCancellationRequested(() => resolve("deny"));
        if (!this.surface?.visible) {
          const hint = review ? " Review the diff: you may change the proposed (right) side before allowing." : "";
          void vscode.window
            .showWarningMessage(`A3S wants to run ${call}.${hint}`, ...Object.keys(LABELS))
            .then((choice) => resolve(choice ? LABELS[choice] : "deny"));
        }
      });
    } finally {
      this.waiting.delete(id);
    }
    let answer: ConfirmAnswer = { decision };
    if (review && decision !== "deny") {
      const text = await review.text();
      if (text !== review.proposed) {
        answer.content = text;
      }
    }
    if (answer.content === undefined && decision !== "deny" && params.hunks && params.hunks.length > 1 && !token.isCancellationRequested) {
      const kept = await pickHunks(params, token);
      // A dismissed picker applies nothing.
      answer = kept === undefined ? { decision: "deny" } : hunkAnswer(decision, params.hunks, kept);
    }
    await review?.close();
    const changed = answer.content !== undefined ? " (with your changes)" : hunkSummary(answer, params.hunks);
    const shown = token.isCancellationRequested ? "withdrawn" : ANSWER_TEXT[answer.decision] + changed;
    this.surface?.confirmDone(id, shown);
    return answer;
  }

  private async openReview(id: string, params: ConfirmParams): Promise<Review | undefined> {
    const filePath = params.args?.["file_path"];
    if (typeof filePath !== "string" || !params.diff) {
      return undefined;
    }
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
    const target = vscode.Uri.file(path.isAbsolute(filePath) ? filePath : path.join(root, filePath));
    const before = await currentText(target);
    const content = params.args?.["content"];
    const proposed = params.tool === "write" && typeof content === "string" ? content : applyUnifiedDiff(before, params.diff);
    if (proposed === undefined) {
      return undefined;
    }
    const name = path.basename(target.fsPath);
    this.originals.set(id, before ?? "");
    const original = vscode.Uri.from({ scheme: ORIGINAL_SCHEME, path: `/${name}`, query: id });
    const proposedUri = vscode.Uri.joinPath(this.storage, "review", id.replace(/[^\w.-]/g, "_"), name);
    await vscode.workspace.fs.writeFile(proposedUri, new TextEncoder().encode(proposed));
    await vscode.commands.executeCommand("vscode.diff", original, proposedUri, `A3S: ${name} (proposed, editable)`, { preview: false });
    return {
      proposed,
      proposedUri,
      text: async () => {
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === proposedUri.toString());
        return open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(proposedUri));
      },
      close: async () => {
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === proposedUri.toString());
        if (open?.isDirty) {
          await open.save();
        }
        const tabs = vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposedUri.toString());
        await vscode.window.tabGroups.close(tabs);
        this.originals.delete(id);
        await vscode.workspace.fs.delete(proposedUri).then(undefined, () => undefined);
      },
    };
  }

  dispose(): void {
    this.registration.dispose();
    this.waiting.forEach((resolve) => resolve("deny"));
  }
}

/** The hunk picker: every hunk ticked; the user unticks the ones to reject. Undefined: dismissed. */
async function pickHunks(params: ConfirmParams, token: vscode.CancellationToken): Promise<string[] | undefined> {
  const items = (params.hunks ?? []).map((hunk) => ({ ...hunkItem(hunk), picked: true }));
  const picked = await vscode.window.showQuickPick(
    items,
    { canPickMany: true, title: `A3S: apply which hunks of ${params.tool}?`, placeHolder: "Untick the hunks to reject, then press Enter", ignoreFocusOut: true },
    token,
  );
  return picked?.map((item) => item.id);
}

async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    return open.getText();
  }
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
