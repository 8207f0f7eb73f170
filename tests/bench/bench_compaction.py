"""Compaction on a replayed long session: tokens before and after, and what the next turn still has.

A 40-turn session is replayed through a real ``Session`` and the fake LLM: each turn the user
states a fact (``FACT-i = value``), the model reads a large workspace file (~24 KB of output), then
acknowledges. Then ``/compact`` runs and one more turn is sent. Measured on that next request:

- its size (JSON characters / 4, the engine's token estimate) against the same turn uncompacted;
- whether the first request (the goal and its constraint) is there verbatim;
- how many of the last turns' facts are there verbatim (kept turns, no summary needed);
- how many older facts survive only through the summary (this depends on the model; the fake
  summariser keeps every ``FACT-`` line it is shown, i.e. a faithful model).

Run: ``.venv/bin/python -m tests.bench.bench_compaction``.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from a3s_code import Agent, SessionOptions
from a3s_code.compaction import estimate_tokens, prune_tool_outputs
from a3s_code.session import Session
from tests.fakellm import FakeLLM, Turn

TURNS = 40
FILE_LINES = 600
GOAL = "GOAL: migrate the billing module to the v2 payments API; CONSTRAINT: stay compatible with Python 3.9"


def fact(i: int) -> str:
    return f"FACT-{i} = value-{i * 7919 % 10007}"


def summariser(body: dict[str, Any]) -> Turn:
    """A faithful summary: the goal and every fact line the conversation rendering shows."""
    text = json.dumps(body["messages"])
    facts = sorted(set(re.findall(r"FACT-\d+ = value-\d+", text)), key=lambda f: int(f[5:].split()[0]))
    goal = "Goal: migrate billing to the v2 payments API, Python 3.9 compatible."
    return Turn.text(goal + "\nFacts stated so far: " + "; ".join(facts))


async def replay(fake: FakeLLM, root: Path) -> Session:
    for k in range(8):
        (root / f"module_{k}.py").write_text(
            "".join(f"def handler_{k}_{n}(payload):  # routes payload {n}\n" for n in range(FILE_LINES))
        )
    session = Agent(fake.config()).session(root, SessionOptions())
    fake.add(Turn.text("Understood, I will keep Python 3.9 compatibility."))
    await session.send_async(GOAL)
    for i in range(1, TURNS + 1):
        fake.add(
            Turn.tool_call("read", {"file_path": f"module_{i % 8}.py"}),
            Turn.text(f"Noted {fact(i)} after reading module_{i % 8}.py."),
        )
        await session.send_async(f"Turn {i}: remember {fact(i)}, then look at module_{i % 8}.py")
    return session


def request_tokens(body: dict[str, Any]) -> int:
    return len(json.dumps(body.get("messages", []))) // 4


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fake = FakeLLM()
        await fake.start()
        try:
            session = await replay(fake, root)
            history_before = estimate_tokens(session.history)
            pruned_only = estimate_tokens(prune_tool_outputs(session.history, 8))
            fake.add(Turn.text("continuing"))
            await session.send_async("Which facts have I given you? Continue the migration.")
            uncompacted_next = request_tokens(fake.requests[-1])
            session.history[:] = session.history[:-2]  # replay the same next turn after compaction
            fake.add(summariser)
            event = await session.compact_async()
            assert event is not None
            fake.add(Turn.text("continuing"))
            await session.send_async("Which facts have I given you? Continue the migration.")
            body = fake.requests[-1]
            sent = json.dumps(body["messages"])
            kept_msgs = json.dumps(body["messages"][2:])
            recent = [i for i in range(1, TURNS + 1) if fact(i) in kept_msgs]
            via_summary = [i for i in range(1, TURNS + 1) if fact(i) in sent and i not in recent]
        finally:
            await fake.stop()
    print(f"replayed session: {TURNS + 1} turns, {event.before_messages} messages")
    print(f"history tokens (estimate)          : {history_before:>8}")
    print(f"  after pruning old tool outputs   : {pruned_only:>8}")
    print(f"  after prune + summary (/compact) : {event.after_tokens:>8}  ({event.after_messages} messages)")
    print(f"next request, uncompacted          : {uncompacted_next:>8} tokens")
    print(f"next request, after compaction     : {request_tokens(body):>8} tokens")
    print(f"first request verbatim             : {GOAL in sent}")
    print(f"facts verbatim in kept turns       : {len(recent)} (turns {min(recent)}-{max(recent)})")
    print(f"older facts only via the summary   : {len(via_summary)} of {TURNS - len(recent)}")
    print(f"facts missing from the next turn   : {TURNS - len(recent) - len(via_summary)}")


if __name__ == "__main__":
    asyncio.run(main())
