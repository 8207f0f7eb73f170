"""Context compaction: drop the bulk of old tool outputs, keep the conversation's shape."""

from __future__ import annotations

from .messages import ContentBlock, Message, ToolResultBlock

PRUNED = "[output pruned to save context; re-read the file or re-run the command if needed]"


def estimate_tokens(messages: list[Message]) -> int:
    """About four characters per token: enough to decide when to compact."""
    return sum(len(m.model_dump_json()) for m in messages) // 4


def compact_history(history: list[Message], keep_recent: int = 6, min_chars: int = 200) -> list[Message]:
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
