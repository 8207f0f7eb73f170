/** The palette commands: each a few lines that read the editor and hand off to the chat or the daemon. */

import * as path from "path";
import * as vscode from "vscode";
import type { ChatViewProvider } from "./chatView";
import type { Daemon } from "./daemon";
import { explainPrompt, fixPrompt, selectionPrompt, type CodeContext } from "./prompts";
import { Methods, type TurnDiff } from "./protocol";
import { fork, rewind } from "./rewind";
import type { Sessions } from "./sessions";
import type { TurnReview } from "./turnReview";
import type { Worktrees } from "./worktrees";

export interface CommandDeps {
  output: vscode.OutputChannel;
  daemon: Daemon;
  sessions: Sessions;
  chat: ChatViewProvider;
  worktrees: Worktrees;
  turns: TurnReview;
}

function codeContext(editor: vscode.TextEditor, wholeFileIfEmpty: boolean): CodeContext | undefined {
  let range: vscode.Range = editor.selection;
  if (editor.selection.isEmpty) {
    if (!wholeFileIfEmpty) {
      return undefined;
    }
    range = new vscode.Range(0, 0, editor.document.lineCount, 0);
  }
  const whole = editor.selection.isEmpty;
  return {
    path: workspacePath(editor.document.uri),
    language: editor.document.languageId,
    startLine: range.start.line + 1,
    endLine: whole ? editor.document.lineCount : range.end.line + 1,
    text: editor.document.getText(range),
  };
}

/** The path as the agent sees it: relative to the workspace folder when inside it. */
function workspacePath(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const relative = path.relative(folder.uri.fsPath, uri.fsPath);
    if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) {
      return relative;
    }
  }
  return uri.fsPath;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { chat, sessions, worktrees } = deps;
  const withEditor = (run: (editor: vscode.TextEditor) => Promise<void>) => async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage("A3S: open a file first.");
      return;
    }
    await run(editor);
  };
  const commands: Record<string, (...args: never[]) => unknown> = {
    "a3s.newSession": () => chat.newSession(),
    "a3s.resumeSession": async () => {
      const list = await sessions.list();
      const choice = await vscode.window.showQuickPick(
        list.map((s) => ({ label: s.sessionId.slice(0, 8), description: `${s.turns} turn(s) · ${s.model}`, detail: s.workspace, id: s.sessionId })),
        { title: "Resume an A3S session" },
      );
      if (choice) {
        await chat.resume(choice.id);
      }
    },
    "a3s.sendSelection": withEditor(async (editor) => {
      const context = codeContext(editor, false);
      if (!context) {
        void vscode.window.showWarningMessage("A3S: select some code first.");
        return;
      }
      const question = await vscode.window.showInputBox({ prompt: "What should A3S do with the selection?", value: "" });
      if (question === undefined) {
        return;
      }
      await chat.submit(`${question}\n\n${selectionPrompt(context)}`.trim());
    }),
    "a3s.explain": withEditor(async (editor) => chat.submit(explainPrompt(codeContext(editor, true)!))),
    "a3s.fixDiagnostics": withEditor(async (editor) => {
      const all = vscode.languages.getDiagnostics(editor.document.uri);
      const picked = editor.selection.isEmpty ? all : all.filter((d) => d.range.intersection(editor.selection));
      if (picked.length === 0) {
        void vscode.window.showInformationMessage("A3S: no diagnostics here to fix.");
        return;
      }
      const severity = ["error", "warning", "info", "hint"];
      await chat.submit(
        fixPrompt(
          workspacePath(editor.document.uri),
          picked.map((d) => ({ line: d.range.start.line + 1, severity: severity[d.severity], message: d.message, source: d.source })),
        ),
      );
    }),
    "a3s.runSlashCommand": async () => {
      const choice = await vscode.window.showQuickPick(
        sessions.commands.map((c) => ({ label: `/${c.name}`, description: c.description })),
        { title: "A3S slash command" },
      );
      if (!choice) {
        return;
      }
      const args = choice.label === "/model" ? await vscode.window.showInputBox({ prompt: "provider/model (empty: show the current one)" }) : "";
      if (args === undefined) {
        return;
      }
      await chat.submit(`${choice.label} ${args}`.trim());
    },
    "a3s.cancel": () => sessions.cancel(),
    "a3s.reviewTurn": async () => {
      const session = sessions.state.session;
      if (!session) {
        void vscode.window.showInformationMessage("A3S: no session yet.");
        return;
      }
      const diff = await deps.daemon.request<TurnDiff>(Methods.turnDiff, { sessionId: session.sessionId });
      if (diff.files.length === 0) {
        void vscode.window.showInformationMessage("A3S: the last turn changed no file.");
        return;
      }
      await deps.turns.show(diff);
    },
    "a3s.rewind": () => rewind(deps.daemon, sessions, (id) => chat.resume(id)),
    "a3s.fork": () => fork(deps.daemon, sessions, (id) => chat.resume(id)),
    "a3s.createWorktree": () => worktrees.create(),
    "a3s.removeWorktree": (item?: never) => worktrees.remove(item),
    "a3s.openWorktree": (item?: never) => worktrees.open(item),
    "a3s.refreshWorktrees": () => worktrees.refresh(),
    "a3s.restartServer": async () => {
      if (await deps.daemon.restart()) {
        void vscode.window.showInformationMessage("A3S: the daemon restarted.");
        worktrees.refresh();
      }
    },
    "a3s.showLog": () => deps.output.show(true),
  };
  return Object.entries(commands).map(([id, run]) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await run(...args);
      } catch (error) {
        deps.output.appendLine(`${id} failed: ${String(error)}`);
        void vscode.window.showErrorMessage(`A3S: ${error instanceof Error ? error.message : String(error)}`, "Show log").then((c) => {
          if (c) {
            deps.output.show(true);
          }
        });
        return undefined;
      }
    }),
  );
}
