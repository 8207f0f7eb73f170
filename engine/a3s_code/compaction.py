"""Context compaction: prune old tool outputs first, then summarise the middle of the history.

What survives: the first request, the most recent turns (whole: a tool call is never separated
from its result), and a summary of everything between, written by the model itself.
"""

from __future__ import annotations

from .llm.base import LLMClient, LLMRequest, LLMResponse
from .messages import ContentBlock, Message, TextBlock, ToolResultBlock, ToolUseBlock

PRUNED = "[output pruned to save context; re-read the file or re-run the command if needed]"
SUMMARY_PROMPT = """Summarise this conversation between a user and a coding agent so the agent can continue the work
without it. Keep: the user's goals and constraints, decisions made, files created or changed (with paths),
commands run and their outcome, errors still open, and what was about to happen next. Be factual and compact.

{conversation}"""


def estimate_tokens(messages: list[Message]) -> int:
    """About four characters per token: enough to decide when to compact."""
    return sum(len(m.model_dump_json()) for m in messages) // 4


def prune_tool_outputs(history: list[Message], keep_recent: int = 6, min_chars: int = 200) -> list[Message]:
    """Replace tool outputs older than the last ``keep_recent`` messages with a short marker."""
    cut = max(0, len(history) - keep_recent)
    out: list[Message] = []
    for i, msg in enumerate(history):
        if i >= cut or msg.role != "user":
            out.append(msg)
            continue
        blocks: list[ContentBlock] = []
        for block in msg.content:
            if isinstance(block, ToolResultBlock) and len(block.content) > min_chars:
                block = ToolResultBlock(
                    tool_use_id=block.tool_use_id, content=PRUNED, is_error=block.is_error
                )
            blocks.append(block)
        out.append(Message(role=msg.role, content=blocks))
    return out


def compact_history(history: list[Message], keep_recent: int = 6, min_chars: int = 200) -> list[Message]:
    """The cheap step alone (no model call)."""
    return prune_tool_outputs(history, keep_recent, min_chars)


def _is_prompt(message: Message) -> bool:
    """A user message that starts a turn (not a batch of tool results)."""
    return message.role == "user" and not any(isinstance(b, ToolResultBlock) for b in message.content)


def recent_start(history: list[Message], keep_recent: int) -> int:
    """Index where the kept tail begins: at a user prompt, so no tool call loses its result."""
    start = max(1, len(history) - keep_recent)
    while start < len(history) and not _is_prompt(history[start]):
        start += 1
    return start


def render(messages: list[Message]) -> str:
    lines = []
    for msg in messages:
        for block in msg.content:
            if isinstance(block, TextBlock) and block.text.strip():
                lines.append(f"{msg.role}: {block.text.strip()}")
            elif isinstance(block, ToolUseBlock):
                lines.append(f"assistant called {block.name}({block.input})")
            elif isinstance(block, ToolResultBlock):
                lines.append(f"tool result: {block.content[:2000]}")
    return "\n".join(lines)


async def summarise(llm: LLMClient, model_id: str, messages: list[Message]) -> str:
    request = LLMRequest(
        model=model_id,
        system="You write faithful, compact summaries of work sessions.",
        messages=[Message.user(SUMMARY_PROMPT.format(conversation=render(messages)))],
        max_tokens=2048,
    )
    text = ""
    async for event in llm.stream(request):
        if isinstance(event, LLMResponse):
            text = event.message.text()
    return text.strip()


async def compact(
    history: list[Message],
    llm: LLMClient,
    model_id: str,
    *,
    keep_recent: int = 8,
    target_tokens: int | None = None,
) -> list[Message]:
    """Prune, then (if still over ``target_tokens``, or always when it is None) summarise the middle."""
    pruned = prune_tool_outputs(history, keep_recent)
    if target_tokens is not None and estimate_tokens(pruned) <= target_tokens:
        return pruned
    start = recent_start(pruned, keep_recent)
    middle = pruned[1:start]
    if len(middle) < 2:
        return pruned
    summary = await summarise(llm, model_id, middle)
    bridge = Message(
        role="assistant",
        content=[TextBlock(text=f"[Summary of the conversation so far, to save context]\n\n{summary}")],
    )
    return [pruned[0], bridge, *pruned[start:]]
