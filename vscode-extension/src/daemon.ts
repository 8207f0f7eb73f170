/** The connection to `a3s-lsp` over stdio: start, restart, a clear failure message, typed requests. */

import * as vscode from "vscode";
import {
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { toProtocolInlineContext } from "./inlineContext";
import { describeLaunch, serverLaunch, type ServerLaunch } from "./settings";
import { CONFIRMATIONS_CAPABILITY, Methods, type ConfirmAnswer, type ConfirmParams, type EventNotification, type TurnDiff } from "./protocol";

export type ConfirmHandler = (params: ConfirmParams, token: vscode.CancellationToken) => Promise<ConfirmAnswer>;

/** Advertises `experimental["a3s.confirmations"]` so the daemon asks through `a3s/confirm`. */
class ConfirmationsFeature {
  fillClientCapabilities(capabilities: { experimental?: Record<string, unknown> }): void {
    capabilities.experimental = { ...(capabilities.experimental ?? {}), [CONFIRMATIONS_CAPABILITY]: true };
  }
  getState(): { kind: "static" } {
    return { kind: "static" };
  }
  initialize(): void {}
  dispose(): void {}
}

export function readLaunch(): ServerLaunch {
  const config = vscode.workspace.getConfiguration("a3s");
  return serverLaunch({
    serverCommand: config.get<string[]>("serverCommand", []),
    pythonPath: config.get<string>("pythonPath", ""),
    configPath: config.get<string>("configPath", ""),
  });
}

export class Daemon implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly events = new vscode.EventEmitter<EventNotification>();
  private readonly ready = new vscode.EventEmitter<boolean>();
  private readonly turnDiffs = new vscode.EventEmitter<TurnDiff>();
  /** Every `a3s/turn/diffReady`: a turn that changed files ended. */
  readonly onTurnDiff = this.turnDiffs.event;
  /** Every `a3s/event` notification, for whichever session. */
  readonly onEvent = this.events.event;
  /** Fires true when the daemon is up, false when it stopped or failed. */
  readonly onReady = this.ready.event;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly confirm: ConfirmHandler,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<boolean> {
    const launch = readLaunch();
    const folder = vscode.workspace.workspaceFolders?.[0];
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      transport: TransportKind.stdio,
      options: { cwd: folder?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file" }],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: () => false,
      middleware: {
        // the client sends VS Code's context as it is; the daemon wants LSP's enum and range (inlineContext.ts)
        provideInlineCompletionItems: (document, position, context, token, next) =>
          next(document, position, toProtocolInlineContext(context) as unknown as vscode.InlineCompletionContext, token),
      },
    };
    this.output.appendLine(`Starting the daemon: ${describeLaunch(launch)}`);
    const client = new LanguageClient("a3s", "A3S", serverOptions, clientOptions);
    client.registerFeature(new ConfirmationsFeature() as never);
    if (vscode.workspace.getConfiguration("a3s").get<boolean>("inlineCompletions", true)) {
      // vscode-languageclient 9 ships textDocument/inlineCompletion (LSP 3.18) as its one proposed
      // feature: it registers an InlineCompletionItemProvider for the daemon's documentSelector.
      client.registerProposedFeatures();
    }
    client.onNotification(Methods.event, (params: EventNotification) => this.events.fire(params));
    client.onNotification(Methods.turnDiffReady, (params: TurnDiff) => this.turnDiffs.fire(params));
    client.onRequest(Methods.confirm, (params: ConfirmParams, token: vscode.CancellationToken) => this.confirm(params, token));
    client.onDidChangeState((change) => {
      if (change.newState === State.Stopped) {
        this.ready.fire(false);
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.appendLine(`The daemon could not start: ${String(error)}`);
      this.client = undefined;
      void client.dispose().catch(() => undefined);
      this.ready.fire(false);
      void this.reportFailure(launch, error);
      return false;
    }
    this.output.appendLine("The daemon is running.");
    this.ready.fire(true);
    return true;
  }

  async restart(): Promise<boolean> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(2000);
      } catch (error) {
        this.output.appendLine(`Stopping the daemon: ${String(error)}`);
      }
    }
  }

  async request<R>(method: string, params: object): Promise<R> {
    if (!this.client || !this.running) {
      throw new Error("The A3S daemon is not running (A3S: Restart Daemon, or check A3S: Show Log).");
    }
    return this.client.sendRequest<R>(method, params);
  }

  private async reportFailure(launch: ServerLaunch, error: unknown): Promise<void> {
    const message =
      `A3S: the daemon could not start with \`${describeLaunch(launch)}\` (${String(error).split("\n")[0]}). ` +
      "Install a3s-lsp, or set a3s.serverCommand / a3s.pythonPath.";
    const choice = await vscode.window.showErrorMessage(message, "Show log", "Open settings");
    if (choice === "Show log") {
      this.output.show(true);
    } else if (choice === "Open settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "a3s.");
    }
  }

  dispose(): void {
    void this.stop();
    this.events.dispose();
    this.ready.dispose();
    this.turnDiffs.dispose();
  }
}
