import { describe, expect, it } from "vitest";
import { describeLaunch, serverLaunch } from "../src/settings";

const none = { serverCommand: [], pythonPath: "", configPath: "" };

describe("serverLaunch", () => {
  it("runs a3s-lsp from PATH when nothing is set", () => {
    expect(serverLaunch(none)).toEqual({ command: "a3s-lsp", args: [] });
  });
  it("runs the module with the configured interpreter", () => {
    expect(serverLaunch({ ...none, pythonPath: " /venv/bin/python " })).toEqual({ command: "/venv/bin/python", args: ["-m", "a3s_lsp"] });
  });
  it("prefers an explicit command and appends the config", () => {
    const launch = serverLaunch({ serverCommand: ["/opt/a3s-lsp", "--log-level", "DEBUG"], pythonPath: "/x/python", configPath: "/etc/agent.hcl" });
    expect(launch).toEqual({ command: "/opt/a3s-lsp", args: ["--log-level", "DEBUG", "--config", "/etc/agent.hcl"] });
  });
  it("does not add a second --config", () => {
    const launch = serverLaunch({ serverCommand: ["a3s-lsp", "--config", "a.hcl"], pythonPath: "", configPath: "b.hcl" });
    expect(launch.args).toEqual(["--config", "a.hcl"]);
  });
  it("quotes arguments with spaces when describing the command", () => {
    expect(describeLaunch({ command: "/my tools/py", args: ["-m", "a3s_lsp"] })).toBe('"/my tools/py" -m a3s_lsp');
  });
});
