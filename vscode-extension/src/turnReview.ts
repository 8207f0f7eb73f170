/**
 * The turn's aggregate diff (`a3s/turn/diffReady`, `a3s/turn/diff`) as one multi-file review: VS Code's
 * multi-diff editor (`vscode.changes`) with each file's text before the turn against its text now.
 */

import * as vscode from "vscode";
import { turnTitle } from "./hunks";
import type { TurnDiff } from "./wire";

export const BEFORE_SCHEME = "a3s-turn-before";

export class TurnReview implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  /** The latest turn's diff per session. */
  readonly latest = new Map<string, TurnDiff>();

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(BEFORE_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? "";
  }

  /** A turn changed files: remember it and offer the review. */
  async ready(diff: TurnDiff): Promise<void> {
    this.latest.set(diff.sessionId, diff);
    const choice = await vscode.window.showInformationMessage(`${turnTitle(diff)} changed.`, "Review changes");
    if (choice === "Review changes") {
      await this.show(diff);
    }
  }

  /** Opens every file of `diff` in one multi-diff editor: before the turn (left), now (right). */
  async show(diff: TurnDiff): Promise<void> {
    const resources: [vscode.Uri, vscode.Uri, vscode.Uri][] = diff.files.map((file, index) => {
      const now = vscode.Uri.parse(file.uri);
      const key = `${diff.turnId}-${index}`;
      this.texts.set(`${key}-before`, file.before ?? "");
      this.texts.set(`${key}-after`, file.after ?? "");
      const before = vscode.Uri.from({ scheme: BEFORE_SCHEME, path: now.path, query: `${key}-before` });
      const after = file.deleted ? vscode.Uri.from({ scheme: BEFORE_SCHEME, path: now.path, query: `${key}-after` }) : now;
      return [now, before, after];
    });
    await vscode.commands.executeCommand("vscode.changes", `A3S turn ${diff.turnId.slice(0, 6)}`, resources);
  }

  dispose(): void {
    this.registration.dispose();
  }
}
