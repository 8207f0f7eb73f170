/**
 * The Worktrees view and its commands. Listing reads git directly (a read needs no agent session and no
 * confirmation); creating and removing go through the daemon, with its permission checks.
 */

import { execFile } from "child_process";
import * as vscode from "vscode";
import type { Daemon } from "./daemon";
import { Methods, parseWorktrees, type ToolResultPayload, type WorktreeInfo } from "./protocol";
import type { Sessions } from "./sessions";

class WorktreeItem extends vscode.TreeItem {
  constructor(readonly info: WorktreeInfo) {
    super(info.branch || (info.detached ? "(detached)" : info.path), vscode.TreeItemCollapsibleState.None);
    this.description = info.path;
    this.tooltip = `${info.path}\n${info.branch ? "branch " + info.branch : ""}`;
    this.contextValue = "worktree";
    this.iconPath = new vscode.ThemeIcon("git-branch");
    this.command = { command: "a3s.openWorktree", title: "Open Worktree", arguments: [this] };
  }
}

export class Worktrees implements vscode.TreeDataProvider<WorktreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private items: WorktreeInfo[] = [];

  constructor(
    private readonly daemon: Daemon,
    private readonly sessions: Sessions,
  ) {}

  getTreeItem(item: WorktreeItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<WorktreeItem[]> {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    this.items = root ? parseWorktrees(await gitWorktreeList(root)) : [];
    return this.items.map((info) => new WorktreeItem(info));
  }

  refresh(): void {
    this.changed.fire();
  }

  async create(): Promise<void> {
    const branch = await vscode.window.showInputBox({ prompt: "New worktree: branch name", placeHolder: "feature-x" });
    if (!branch) {
      return;
    }
    const result = await this.call(Methods.worktreeCreate, { branch });
    this.report(result, `Created worktree ${result.metadata?.["path"] ?? branch}`);
    this.refresh();
  }

  async remove(item?: WorktreeItem): Promise<void> {
    const info = item?.info ?? (await this.pick("Remove which worktree?"));
    if (!info) {
      return;
    }
    let result = await this.call(Methods.worktreeRemove, { path: info.path });
    if (result.isError) {
      const force = await vscode.window.showWarningMessage(`${result.output}\nRemove it anyway, losing its changes?`, { modal: true }, "Force remove");
      if (force !== "Force remove") {
        return;
      }
      result = await this.call(Methods.worktreeRemove, { path: info.path, force: true });
    }
    this.report(result, `Removed worktree ${info.path}`);
    this.refresh();
  }

  async open(item?: WorktreeItem): Promise<void> {
    const info = item?.info ?? (await this.pick("Open which worktree?"));
    if (info) {
      await vscode.commands.executeCommand("vscode.openFolder", vscode.Uri.file(info.path), { forceNewWindow: true });
    }
  }

  private async pick(title: string): Promise<WorktreeInfo | undefined> {
    await this.getChildren();
    const choice = await vscode.window.showQuickPick(
      this.items.map((info) => ({ label: info.branch || info.path, description: info.path, info })),
      { title },
    );
    return choice?.info;
  }

  private async call(method: string, params: object): Promise<ToolResultPayload> {
    const session = await this.sessions.ensure();
    return this.daemon.request<ToolResultPayload>(method, { sessionId: session.sessionId, ...params });
  }

  private report(result: ToolResultPayload, success: string): void {
    if (result.isError) {
      void vscode.window.showErrorMessage(`A3S: ${result.output}`);
    } else {
      void vscode.window.showInformationMessage(`A3S: ${success}`);
    }
  }
}

function gitWorktreeList(cwd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile("git", ["worktree", "list", "--porcelain"], { cwd, timeout: 10_000 }, (error, stdout) => resolve(error ? "" : stdout));
  });
}
