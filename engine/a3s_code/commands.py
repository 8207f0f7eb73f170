"""Slash commands: dispatched before the LLM when the input starts with ``/``."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Literal, Protocol

CommandAction = Literal["none", "compact", "clear_history", "switch_model"]


@dataclass
class CommandContext:
    session_id: str
    workspace: str
    model: str
    history_len: int
    total_tokens: int
    total_cost: float
    tool_names: list[str]
    mcp_servers: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class CommandOutput:
    text: str
    action: CommandAction = "none"
    argument: str | None = None
    """For ``switch_model``: the new ``provider/model``."""

    @classmethod
    def of(cls, text: str) -> CommandOutput:
        return cls(text=text)


class SlashCommand(Protocol):
    """A custom command; ``execute`` may be sync or async (return an awaitable)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def execute(self, args: str, ctx: CommandContext) -> CommandOutput | Awaitable[CommandOutput]: ...


@dataclass
class _Builtin:
    name: str
    description: str

    def execute(self, args: str, ctx: CommandContext) -> CommandOutput:
        return _BUILTIN_HANDLERS[self.name](args.strip(), ctx)


def _help(_args: str, _ctx: CommandContext) -> CommandOutput:  # replaced by the registry's own listing
    return CommandOutput.of("")


def _compact(_args: str, ctx: CommandContext) -> CommandOutput:
    return CommandOutput(
        f"Compacting context... ({ctx.history_len} messages, {ctx.total_tokens} tokens)", "compact"
    )


def _cost(_args: str, ctx: CommandContext) -> CommandOutput:
    return CommandOutput.of(
        f"Session: {ctx.session_id[:8]}\nModel:   {ctx.model}\nTokens:  {ctx.total_tokens}\n"
        f"Cost:    ${ctx.total_cost:.4f}"
    )


def _model(args: str, ctx: CommandContext) -> CommandOutput:
    if not args:
        return CommandOutput.of(f"Current model: {ctx.model}")
    if "/" not in args or args.startswith("/") or args.endswith("/"):
        return CommandOutput.of("Usage: /model <provider/model>, for example /model openai/gpt-4o")
    return CommandOutput(f"Switching model to: {args}", "switch_model", args)


def _clear(_args: str, ctx: CommandContext) -> CommandOutput:
    return CommandOutput(f"Cleared {ctx.history_len} messages.", "clear_history")


def _history(_args: str, ctx: CommandContext) -> CommandOutput:
    return CommandOutput.of(
        f"Messages: {ctx.history_len}\nTokens:   {ctx.total_tokens}\nSession:  {ctx.session_id}"
    )


def _tools(_args: str, ctx: CommandContext) -> CommandOutput:
    builtin = [t for t in ctx.tool_names if not t.startswith("mcp__")]
    mcp = [t for t in ctx.tool_names if t.startswith("mcp__")]
    lines = [f"Tools: {len(ctx.tool_names)} total", "", f"Built-in ({len(builtin)}):"]
    lines += [f"  • {t}" for t in builtin]
    if mcp:
        lines += ["", f"MCP ({len(mcp)}):"] + [f"  • {t}" for t in mcp]
    return CommandOutput.of("\n".join(lines))


_BUILTIN_HANDLERS = {
    "help": _help,
    "compact": _compact,
    "cost": _cost,
    "model": _model,
    "clear": _clear,
    "history": _history,
    "tools": _tools,
}
_DESCRIPTIONS = {
    "help": "List available commands",
    "compact": "Compact the conversation context now",
    "cost": "Show token usage and estimated cost",
    "model": "Show or switch the current model",
    "clear": "Clear the conversation history",
    "history": "Show message count and token totals",
    "tools": "List registered tools",
}


class CommandRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, SlashCommand] = {}
        for name, desc in _DESCRIPTIONS.items():
            self._commands[name] = _Builtin(name, desc)

    def register(self, command: SlashCommand) -> None:
        self._commands[command.name.lstrip("/")] = command

    def unregister(self, name: str) -> bool:
        return self._commands.pop(name.lstrip("/"), None) is not None

    def list(self) -> list[SlashCommand]:
        return [self._commands[k] for k in sorted(self._commands)]

    @staticmethod
    def is_command(text: str) -> bool:
        return text.strip().startswith("/")

    async def dispatch(self, text: str, ctx: CommandContext) -> CommandOutput:
        name, _, args = text.strip()[1:].partition(" ")
        if name == "help":
            width = max(len(c.name) for c in self.list()) + 1
            lines = ["Available commands:"]
            lines += [f"  /{c.name:<{width}} {c.description}" for c in self.list()]
            return CommandOutput.of("\n".join(lines))
        command = self._commands.get(name)
        if command is None:
            return CommandOutput.of(f"Unknown command: /{name}\nType /help for available commands.")
        out = command.execute(args, ctx)
        if isinstance(out, CommandOutput):
            return out
        return await out
