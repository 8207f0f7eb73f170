"""LLM providers behind one interface. Importing this package loads no provider SDK."""

from .base import LLMClient, LLMRequest, LLMResponse, LLMStreamEvent, LLMTextDelta, LLMThinkingDelta, ToolSpec
from .factory import create_client
from .retry import RetryPolicy

__all__ = [
    "LLMClient",
    "LLMRequest",
    "LLMResponse",
    "LLMStreamEvent",
    "LLMTextDelta",
    "LLMThinkingDelta",
    "RetryPolicy",
    "ToolSpec",
    "create_client",
]
