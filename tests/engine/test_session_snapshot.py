"""``session.persistence``: whatever a session holds comes back from its typed snapshot, and the
data a store receives is plain JSON that validates as a ``SessionSnapshot`` again."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import Agent, SessionOptions
from a3s_code.messages import Message, TextBlock, Usage
from a3s_code.session.persistence import SessionSnapshot
from a3s_code.store import MemorySessionStore

CONFIG = (
    'default_model = "anthropic/claude-sonnet-4-20250514"\n'
    'providers {\n  name = "anthropic"\n  api_key = "test-key"\n  base_url = "http://127.0.0.1:9"\n}\n'
)
texts = st.text(min_size=1, max_size=40)
exchanges = st.lists(st.tuples(texts, texts), max_size=4)
counts = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    exchanges=exchanges,
    usage=st.builds(Usage, input_tokens=counts, output_tokens=counts, cache_read_tokens=counts),
    cost=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    allowed=st.sets(texts.map(lambda t: "bash:" + json.dumps({"command": t})), max_size=3),
    roots=st.lists(st.sampled_from(["a", "b", "ü c"]), unique=True, max_size=3),
)
def test_a_resumed_session_holds_what_was_saved(
    exchanges: list[tuple[str, str]], usage: Usage, cost: float, allowed: set[str], roots: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        for name in roots:
            (workspace / name).mkdir()
        store = MemorySessionStore()
        agent = Agent(CONFIG)
        session = agent.session(workspace, SessionOptions().with_session_store(store))
        for question, answer in exchanges:
            session.history += [
                Message.user(question),
                Message(role="assistant", content=[TextBlock(text=answer)]),
            ]
        session.usage, session.cost_usd, session.turns = usage, cost, len(exchanges)
        session.session_allowed.update(allowed)
        for name in roots:
            session.add_root(workspace / name)
        session.save()

        data = store.load(session.session_id)
        assert data is not None and json.loads(json.dumps(data)) == data
        assert SessionSnapshot.from_data(data).to_data() == data

        again = agent.resume_session(
            session.session_id, SessionOptions().with_session_store(store), workspace
        )
        assert again.history == session.history and again.usage == usage and again.cost_usd == cost
        assert again.turns == len(exchanges) and again.session_allowed == allowed
        assert again.roots.all() == session.roots.all() and again.created_at == session.created_at
