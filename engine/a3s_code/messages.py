"""Provider-neutral conversation model: what the history holds and what the LLM adapters translate."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextBlock(_Block):
    type: Literal["text"] = "text"
    text: str


class ImageBlock(_Block):
    """An image, base64-encoded, as both providers accept it."""

    type: Literal["image"] = "image"
    media_type: Literal["image/jpeg", "image/png", "image/gif", "image/webp"]
    data: str


class ThinkingBlock(_Block):
    """Extended thinking; Anthropic needs the signature echoed back on the next request."""

    type: Literal["thinking"] = "thinking"
    thinking: str
    signature: str = ""


class ReasoningBlock(_Block):
    """Reasoning the provider keeps opaque, sent back on later requests so the model keeps its
    chain of thought across tool calls and across save/resume.

    ``provider="openai"``: a Responses API ``reasoning`` output item (``id``, summary texts,
    ``encrypted_content`` when requested with ``include=["reasoning.encrypted_content"]``).
    ``provider="anthropic"``: a ``redacted_thinking`` block, its ``data`` in ``encrypted_content``.
    Each provider adapter sends only its own kind and drops the other.
    """

    type: Literal["reasoning"] = "reasoning"
    provider: Literal["openai", "anthropic"]
    id: str = ""
    summary: tuple[str, ...] = ()
    encrypted_content: str | None = None


class ToolUseBlock(_Block):
    type: Literal["tool_use"] = "tool_use"
    id: str
    name: str
    input: dict[str, Any]


class ToolResultBlock(_Block):
    type: Literal["tool_result"] = "tool_result"
    tool_use_id: str
    content: str
    is_error: bool = False
    images: tuple[ImageBlock, ...] = ()


ContentBlock = Annotated[
    TextBlock | ImageBlock | ThinkingBlock | ReasoningBlock | ToolUseBlock | ToolResultBlock,
    Field(discriminator="type"),
]


class Message(BaseModel):
    """One turn of the conversation: user text, assistant text/tool calls, or tool results (role user)."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: list[ContentBlock]

    @classmethod
    def user(cls, text: str, images: list[ImageBlock] | None = None) -> Message:
        blocks: list[ContentBlock] = list(images or [])
        blocks.append(TextBlock(text=text))
        return cls(role="user", content=blocks)

    def text(self) -> str:
        """The concatenated text blocks."""
        return "".join(b.text for b in self.content if isinstance(b, TextBlock))

    def tool_uses(self) -> list[ToolUseBlock]:
        return [b for b in self.content if isinstance(b, ToolUseBlock)]


class Usage(BaseModel):
    """Token counts; adds up across LLM calls."""

    model_config = ConfigDict(extra="forbid")

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    """Of ``output_tokens``, those spent on hidden reasoning (OpenAI reasoning models)."""

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
        )
