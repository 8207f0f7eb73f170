/** Slash commands: the built-ins, the server's own (read from `/help`), and completion. Pure. */

export interface SlashCommand {
  name: string;
  description: string;
}

export const BUILTIN_COMMANDS: SlashCommand[] = [
  { name: "help", description: "List the available commands" },
  { name: "cost", description: "Tokens and cost of this session" },
  { name: "model", description: "Show or switch the model: /model provider/model" },
  { name: "compact", description: "Summarise the history to free context" },
  { name: "clear", description: "Forget the conversation" },
  { name: "history", description: "Show the conversation so far" },
  { name: "tools", description: "List the tools the agent may call" },
];

/** Parses the daemon's `/help` listing ("  /name   description" lines); keeps built-ins first. */
export function parseHelp(text: string): SlashCommand[] {
  const found = new Map<string, SlashCommand>();
  for (const command of BUILTIN_COMMANDS) {
    found.set(command.name, command);
  }
  for (const line of text.split("\n")) {
    const match = /^\s*\/(\S+)\s*(.*)$/.exec(line);
    if (match) {
      const description = match[2].trim() || found.get(match[1])?.description || "";
      found.set(match[1], { name: match[1], description });
    }
  }
  return [...found.values()];
}

/** The commands completing what is typed (`/co` → compact, cost); none once an argument is typed. */
export function complete(input: string, commands: SlashCommand[]): SlashCommand[] {
  if (!input.startsWith("/") || /\s/.test(input)) {
    return [];
  }
  const prefix = input.slice(1).toLowerCase();
  return commands.filter((c) => c.name.toLowerCase().startsWith(prefix));
}

export function isSlash(text: string): boolean {
  return /^\/\S/.test(text.trim());
}
