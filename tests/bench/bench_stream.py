"""Streamed text with and without the stream sanitizer: deltas per second, and how much text is held back.

A 12 KB assistant answer (markdown prose, a code block, a config snippet with two secrets, an
e-mail address) is cut into deltas of 1-12 characters, as providers stream them, and handed to a
turn's ``emit`` the way the session does: once bare (no security provider: the events go straight
to the consumer), once through ``SanitizingEmit`` with ``DefaultSecurityProvider``. Alternating
rounds, median of each. Baseline: the bare emit. For scale, one run of the naive alternative:
redacting everything received so far on every delta.

Run: ``.venv/bin/python -m tests.bench.bench_stream``.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from a3s_code.events import AgentEvent, TextDelta, TurnEnd
from a3s_code.messages import Usage
from a3s_code.security import DefaultSecurityProvider
from a3s_code.security.stream import SanitizingEmit, StreamSanitizer

ROUNDS = 7
PARAGRAPH = (
    "The loader reads the configuration once at start-up and validates it against the schema; "
    "unknown keys are refused with the file, line and the keys that were expected. Relative paths "
    "are resolved against the folder of the config file, so the same file works from any directory. "
)
CODE = "```python\ndef load(path: str) -> Config:\n    with open(path) as fh:\n        return Config.parse(fh.read())\n```\n"
CONFIG = (
    "```ini\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nregion = eu-west-1\n```\n"
    "Write to ops@example.com if the key must be rotated.\n\n"
)


def answer() -> str:
    parts = []
    for i in range(20):
        parts.append(f"## Step {i + 1}\n\n" + PARAGRAPH * 2 + "\n\n")
        parts.append(CODE if i % 3 else CONFIG)
    return "".join(parts)


def deltas(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    out, at = [], 0
    while at < len(text):
        step = rng.randint(1, 12)
        out.append(text[at : at + step])
        at += step
    return out


def run(
    chunks: list[str], make_emit: Callable[[Callable[[AgentEvent], None]], Callable[[AgentEvent], None]]
) -> float:
    seen: list[AgentEvent] = []
    emit = make_emit(seen.append)
    start = time.perf_counter()
    for chunk in chunks:
        emit(TextDelta(text=chunk))
    emit(TurnEnd(turn=1, text="", stop_reason="end_turn", usage=Usage(), cost_usd=0.0, tool_calls=0))
    return len(chunks) / (time.perf_counter() - start)


def whole_text(chunks: list[str]) -> float:
    """The naive way: redact everything received so far on every delta (quadratic in the answer)."""
    from a3s_code.security.redact import redact

    start = time.perf_counter()
    so_far = ""
    for chunk in chunks:
        so_far += chunk
        redact(so_far)
    return len(chunks) / (time.perf_counter() - start)


def held_back(chunks: list[str]) -> tuple[float, int]:
    """Characters fed but not yet shown, after each delta: mean and max."""
    stream = StreamSanitizer()
    fed = shown = 0
    held: list[int] = []
    for chunk in chunks:
        fed += len(chunk)
        shown += len(stream.feed(chunk))
        held.append(fed - shown)
    return statistics.mean(held), max(held)


def main() -> None:
    text = answer()
    chunks = deltas(text, 1)
    provider = DefaultSecurityProvider()
    bare: list[float] = []
    sanitized: list[float] = []
    for _ in range(ROUNDS):
        bare.append(run(chunks, lambda e: e))
        sanitized.append(run(chunks, lambda e: SanitizingEmit(e, provider)))
    b, s = statistics.median(bare), statistics.median(sanitized)
    naive = whole_text(chunks)
    mean_held, max_held = held_back(chunks)
    print(f"answer: {len(text)} chars in {len(chunks)} deltas ({len(text) / len(chunks):.1f} chars each)")
    print("| emit | deltas/s (median of 7) | vs bare |")
    print("|---|---:|---:|")
    print(f"| bare (no security provider) | {b:,.0f} | 1.00x |")
    print(f"| SanitizingEmit + DefaultSecurityProvider | {s:,.0f} | {s / b:.2f}x |")
    print(f"| redact the whole answer so far on each delta | {naive:,.0f} | {naive / b:.4f}x |")
    print(f"per delta: bare {1e6 / b:.1f} µs, sanitised {1e6 / s:.1f} µs")
    print(f"held back after a delta: mean {mean_held:.1f} chars, max {max_held} chars")


if __name__ == "__main__":
    main()
