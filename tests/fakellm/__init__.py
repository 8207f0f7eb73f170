"""A fake LLM server for tests: Anthropic Messages, OpenAI Chat Completions (with compatible
servers' quirks) and OpenAI Responses over real HTTP."""

from .script import Responder, Text, Thinking, ToolCall, Turn
from .server import NO_TURN_LEFT, FakeLLM

__all__ = ["NO_TURN_LEFT", "FakeLLM", "Responder", "Text", "Thinking", "ToolCall", "Turn"]
