"""What ``session.send`` returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from .loop import ToolCallRecord
from .messages import Usage


@dataclass
class AgentResult:
    text: str
    stop_reason: str
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    turn: int = 0
    error: str | None = None

    @property
    def tool_calls_count(self) -> int:
        return len(self.tool_calls)

    @property
    def prompt_tokens(self) -> int:
        return self.usage.input_tokens

    @property
    def completion_tokens(self) -> int:
        return self.usage.output_tokens

    @property
    def total_tokens(self) -> int:
        return self.usage.total_tokens

    def __str__(self) -> str:
        return self.text
