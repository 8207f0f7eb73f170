"""``completion { ... }``: how inline (fill-in-the-middle) completions are asked for.

The model itself is the top-level ``completion_model = "provider/model"``; without it inline
completions are off (a keystroke never costs a request to the chat model by surprise).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FimFormat = Literal["auto", "suffix", "codestral", "deepseek", "qwen", "starcoder", "chat"]
"""How the prompt is put to the model (``fim.py`` documents each and its source)."""


class CompletionConfig(BaseModel):
    """Inline-completion settings; every field optional in HCL.

    Sizes are in characters, times in milliseconds.
    """

    model_config = ConfigDict(extra="forbid")

    format: FimFormat = "auto"
    """``auto`` picks from the model id (``fim.detect_format``)."""
    debounce_ms: int = Field(75, ge=0)
    """Wait this long after a request before calling the model; a newer request or an edit of the
    document meanwhile supersedes it, and it never reaches the model."""
    max_tokens: int = Field(128, ge=1)
    temperature: float = Field(0.0, ge=0)
    timeout_ms: int = Field(5000, ge=1)
    prefix_chars: int = Field(6000, ge=0)
    """Text before the cursor sent to the model (cut at a line start)."""
    suffix_chars: int = Field(2000, ge=0)
    related_files: int = Field(3, ge=0)
    """How many other open documents lend context (the most similar windows)."""
    related_chars: int = Field(1500, ge=0)
    """At most this much text from each related document."""
    cache_size: int = Field(256, ge=0)
    """Completions remembered (0: no cache)."""
    stop: list[str] = []
    """More stop sequences, after the format's own."""
