import { describe, expect, it } from "vitest";
import { BUILTIN_COMMANDS, complete, isSlash, parseHelp } from "../src/slash";

describe("slash commands", () => {
  it("reads the server's /help listing, custom commands included", () => {
    const help = "Available commands:\n  /help     List commands\n  /cost     Show cost\n  /deploy   Ship it to staging\n";
    const commands = parseHelp(help);
    expect(commands.map((c) => c.name)).toEqual([...BUILTIN_COMMANDS.map((c) => c.name), "deploy"]);
    expect(commands.find((c) => c.name === "deploy")!.description).toBe("Ship it to staging");
  });
  it("completes a prefix and stops once an argument is typed", () => {
    expect(complete("/co", BUILTIN_COMMANDS).map((c) => c.name)).toEqual(["cost", "compact"]);
    expect(complete("/", BUILTIN_COMMANDS)).toHaveLength(BUILTIN_COMMANDS.length);
    expect(complete("/model anthropic", BUILTIN_COMMANDS)).toEqual([]);
    expect(complete("hello", BUILTIN_COMMANDS)).toEqual([]);
  });
  it("tells commands from prompts", () => {
    expect(isSlash("/cost")).toBe(true);
    expect(isSlash(" /model openai/gpt-4o")).toBe(true);
    expect(isSlash("/ not a command")).toBe(false);
    expect(isSlash("use a/b path")).toBe(false);
  });
});
