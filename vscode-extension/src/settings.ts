/** How the daemon is started, from the `a3s.*` settings. Pure: no `vscode` import, unit tested. */

export interface ServerSettings {
  serverCommand: string[];
  pythonPath: string;
  configPath: string;
}

export interface ServerLaunch {
  command: string;
  args: string[];
}

/**
 * `a3s.serverCommand` wins; else `python -m a3s_lsp` with `a3s.pythonPath`; else `a3s-lsp` on PATH.
 * `a3s.configPath` becomes `--config` unless the command already names one.
 */
export function serverLaunch(settings: ServerSettings): ServerLaunch {
  const explicit = settings.serverCommand.map((part) => part.trim()).filter((part) => part.length > 0);
  let argv: string[];
  if (explicit.length > 0) {
    argv = explicit;
  } else if (settings.pythonPath.trim()) {
    argv = [settings.pythonPath.trim(), "-m", "a3s_lsp"];
  } else {
    argv = ["a3s-lsp"];
  }
  const config = settings.configPath.trim();
  if (config && !argv.includes("--config")) {
    argv = [...argv, "--config", config];
  }
  return { command: argv[0], args: argv.slice(1) };
}

export function describeLaunch(launch: ServerLaunch): string {
  return [launch.command, ...launch.args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ");
}
