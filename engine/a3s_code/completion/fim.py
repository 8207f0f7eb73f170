"""Fill-in-the-middle prompts: the model's own sentinel tokens, a server-side ``suffix``, or a chat.

Formats (``CompletionConfig.format``) and where each comes from:

- ``suffix``: an OpenAI-compatible ``/v1/completions`` request with ``prompt`` (text before the
  cursor) and ``suffix`` (text after it); the server applies the model's template. DeepSeek's
  API (``https://api.deepseek.com/beta``), Ollama and llama.cpp's server take it.
- ``codestral``: ``[SUFFIX]{suffix}[PREFIX]{prefix}`` (Mistral tokenizer v3, ``mistral-common``
  ``encode_fim``), completion follows the prefix.
- ``deepseek``: ``<｜fim▁begin｜>{prefix}<｜fim▁hole｜>{suffix}<｜fim▁end｜>`` (DeepSeek-Coder model
  card; full-width bars and U+2581).
- ``qwen``: ``<|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>``, related files as
  ``<|repo_name|>`` / ``<|file_sep|>{path}`` blocks first (Qwen2.5-Coder README, repository-level
  completion).
- ``starcoder``: ``<fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>``, related files as
  ``<file_sep>{path}`` blocks (StarCoder2).
- ``chat``: any chat model is asked for the text at a ``<CURSOR>`` marker (the fallback for
  providers without a completions endpoint, Anthropic's included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import FimFormat

CURSOR = "<CURSOR>"


@dataclass(frozen=True)
class Snippet:
    """Text from another open document: ``path`` as shown to the model (relative when possible)."""

    path: str
    text: str


@dataclass(frozen=True)
class FimContext:
    """What the model sees: text before and after the cursor, and snippets of related files."""

    prefix: str
    suffix: str
    path: str = ""
    language: str = ""
    related: tuple[Snippet, ...] = ()


@dataclass(frozen=True)
class FimPrompt:
    """A ``/v1/completions`` request's ``prompt`` and ``suffix`` (None: not sent), and where to stop."""

    prompt: str
    suffix: str | None
    stop: tuple[str, ...]


_TOKENS: dict[str, tuple[str, ...]] = {
    "codestral": ("[SUFFIX]", "[PREFIX]", "[MIDDLE]"),
    "deepseek": ("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<｜end▁of▁sentence｜>"),
    "qwen": (
        "<|endoftext|>",
        "<|file_sep|>",
        "<|fim_prefix|>",
        "<|fim_suffix|>",
        "<|fim_middle|>",
        "<|fim_pad|>",
        "<|repo_name|>",
        "<|im_start|>",
        "<|im_end|>",
    ),
    "starcoder": ("<|endoftext|>", "<file_sep>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    "suffix": (),
    "chat": (),
}
"""Sentinels per format: the model stops at any of them, and none ever reaches the editor."""

MAX_STOP = 4
"""OpenAI's ``/v1/completions`` takes at most four stop sequences; the rest are cut client-side."""

_LINE_COMMENT = {
    "python": "#",
    "shellscript": "#",
    "sh": "#",
    "bash": "#",
    "ruby": "#",
    "perl": "#",
    "r": "#",
    "yaml": "#",
    "toml": "#",
    "dockerfile": "#",
    "makefile": "#",
    "elixir": "#",
    "lua": "--",
    "sql": "--",
    "haskell": "--",
}


def detect_format(provider: str, model_id: str) -> FimFormat:
    """``auto`` resolved from the model id; Anthropic and unknown models get ``chat``."""
    name = model_id.lower()
    if provider == "anthropic":
        return "chat"
    if "codestral" in name:
        return "codestral"
    if "deepseek" in name and "coder" in name:
        return "deepseek"
    if "qwen" in name and "coder" in name:
        return "qwen"
    if "starcoder" in name:
        return "starcoder"
    return "chat"


def stop_tokens(fmt: FimFormat, extra: list[str] | tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*_TOKENS.get(fmt, ()), *extra)))


def build_prompt(fmt: FimFormat, ctx: FimContext, extra_stop: tuple[str, ...] = ()) -> FimPrompt:
    """The ``/v1/completions`` prompt for a FIM format (not ``chat``/``auto``: ValueError)."""
    stop = stop_tokens(fmt, extra_stop)
    if fmt == "qwen":
        files = "".join(f"<|file_sep|>{s.path}\n{s.text}\n" for s in ctx.related)
        head = f"<|repo_name|>workspace\n{files}<|file_sep|>{ctx.path}\n" if ctx.related else ""
        return FimPrompt(
            f"{head}<|fim_prefix|>{ctx.prefix}<|fim_suffix|>{ctx.suffix}<|fim_middle|>", None, stop
        )
    if fmt == "starcoder":
        files = "".join(f"<file_sep>{s.path}\n{s.text}\n" for s in ctx.related)
        head = f"{files}<file_sep>{ctx.path}\n" if ctx.related else ""
        return FimPrompt(f"{head}<fim_prefix>{ctx.prefix}<fim_suffix>{ctx.suffix}<fim_middle>", None, stop)
    context = _commented_context(ctx)
    if fmt == "codestral":
        return FimPrompt(f"[SUFFIX]{ctx.suffix}[PREFIX]{context}{ctx.prefix}", None, stop)
    if fmt == "deepseek":
        return FimPrompt(
            f"<｜fim▁begin｜>{context}{ctx.prefix}<｜fim▁hole｜>{ctx.suffix}<｜fim▁end｜>", None, stop
        )
    if fmt == "suffix":
        return FimPrompt(f"{context}{ctx.prefix}", ctx.suffix, stop)
    raise ValueError(f"{fmt!r} is not a fill-in-the-middle format")


def _commented_context(ctx: FimContext) -> str:
    """Related files as line comments before the prefix (formats without a file separator)."""
    if not ctx.related:
        return ""
    mark = _LINE_COMMENT.get(ctx.language, "//")
    parts = []
    for snippet in ctx.related:
        body = "\n".join(f"{mark} {line}" for line in snippet.text.splitlines())
        parts.append(f"{mark} Path: {snippet.path}\n{body}\n")
    return "".join(parts) + (f"{mark} Path: {ctx.path}\n" if ctx.path else "")


CHAT_SYSTEM = (
    "You are a code completion engine. The user shows a file with the marker <CURSOR> where the "
    "caret is. Reply with exactly the text to insert at <CURSOR>: no explanation, no code fences, "
    "nothing that is already before or after the cursor. Reply with nothing if nothing fits."
)


def chat_prompt(ctx: FimContext) -> str:
    """The chat fallback's user message: related files, then the file with ``<CURSOR>``."""
    parts = [f"File {s.path} (for reference):\n{s.text}" for s in ctx.related]
    name = ctx.path or "the file"
    parts.append(f"Complete {name} at {CURSOR}:\n{ctx.prefix}{CURSOR}{ctx.suffix}")
    return "\n\n".join(parts)


_FENCE = re.compile(r"^\s*```[\w+-]*[ \t]*\n?|\n?```\s*$")


def clean(fmt: FimFormat, text: str, ctx: FimContext, extra_stop: tuple[str, ...] = ()) -> str:
    """The model's answer as text to insert: cut at the first stop sequence, no sentinel left, a
    chat answer's code fence and ``<CURSOR>`` marker removed, and a last line that repeats the next
    line after the cursor (the rest of the cursor's line, else the one below) dropped."""
    for token in (*stop_tokens(fmt, extra_stop), *_ALL_SENTINELS):
        at = text.find(token)
        if at >= 0:
            text = text[:at]
    if fmt == "chat":
        text = _FENCE.sub("", text).replace(CURSOR, "")
    following = next((line.strip() for line in ctx.suffix.split("\n")[:2] if line.strip()), "")
    lines = text.split("\n")
    if following and len(lines) > 1 and lines[-1].strip() == following:
        text = "\n".join(lines[:-1])
    elif following and len(lines) > 1 and lines[-1].strip() == "" and lines[-2].strip() == following:
        text = "\n".join(lines[:-2])
    return text


_ALL_SENTINELS = tuple(dict.fromkeys(t for tokens in _TOKENS.values() for t in tokens))
