"""Provider limits: connect, first-byte and idle timeouts and the per-turn retry budget, set per
provider in HCL, against servers that never answer, trickle bytes, or keep failing. Limits are
scaled down; each test asserts only which limit ended the turn, never how long it took."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from a3s_code import Agent
from a3s_code.config import parse_config
from a3s_code.errors import ConfigError
from a3s_code.events import AgentEvent, ErrorEvent, TextDelta
from a3s_code.llm.settings import limits_for
from a3s_code.options import SessionOptions
from tests.fakellm import FakeLLM, Text, Turn

PATHS = ["anthropic", "chat", "responses"]


def config(fake: FakeLLM, path: str, limits: str) -> str:
    block = f"  timeouts {{\n{limits}\n  }}\n"
    if path == "anthropic":
        return fake.config("anthropic", provider_extra=block)
    return fake.config("openai", "gpt-4.1", api=path, provider_extra=block)


async def turn(hcl: str, tmp_path: Path, prompt: str = "hi") -> tuple[list[AgentEvent], object]:
    session = Agent(hcl).session(tmp_path)
    events = [e async for e in session.stream_async(prompt)]
    return events, session


def errors(events: list[AgentEvent]) -> tuple[list[str], list[str]]:
    """(retry notices, the error that ended the turn)."""
    retries = [e.message for e in events if isinstance(e, ErrorEvent) and e.recoverable]
    final = [e.message for e in events if isinstance(e, ErrorEvent) and not e.recoverable]
    return retries, final


@pytest.mark.parametrize("path", PATHS)
async def test_a_silent_server_ends_the_turn_with_first_byte_timeout(
    fake_llm: FakeLLM, tmp_path: Path, path: str
) -> None:
    fake_llm.add(Turn(hang=True), Turn(hang=True), Turn.text("I am back."))
    limits = "    first_byte_ms = 300\n    max_retries = 1"
    session = Agent(config(fake_llm, path, limits)).session(tmp_path)
    events = [e async for e in session.stream_async("hi")]
    retries, final = errors(events)
    assert len(retries) == 1 and "first_byte_timeout" in retries[0]
    assert len(final) == 1 and "first_byte_timeout" in final[0] and "max_retries" in final[0]
    assert events[-1].stop_reason == "error" and len(fake_llm.requests) == 2
    # The history stayed consistent: the next prompt works.
    result = await session.send_async("again")
    assert result.stop_reason == "end_turn" and result.text == "I am back."


@pytest.mark.parametrize("path", PATHS)
async def test_bytes_trickling_forever_without_an_event_still_time_out(
    fake_llm: FakeLLM, tmp_path: Path, path: str
) -> None:
    fake_llm.add(Turn(trickle_s=0.05))
    events, _ = await turn(config(fake_llm, path, "    first_byte_ms = 400\n    max_retries = 0"), tmp_path)
    _, final = errors(events)
    assert "first_byte_timeout" in final[0] and events[-1].stop_reason == "error"


@pytest.mark.parametrize("path", PATHS)
async def test_a_stream_that_stalls_after_output_ends_with_idle_timeout(
    fake_llm: FakeLLM, tmp_path: Path, path: str
) -> None:
    first_text = {"anthropic": 3, "chat": 2, "responses": 5}[path]  # chunks up to the first text delta
    fake_llm.add(Turn(items=[Text("The answer begins here and")], trickle_s=0.05, trickle_after=first_text))
    events, _ = await turn(config(fake_llm, path, "    idle_ms = 400"), tmp_path)
    retries, final = errors(events)
    assert "idle_timeout" in final[0] and not retries  # output was shown: not silently retried
    assert any(isinstance(e, TextDelta) for e in events) and len(fake_llm.requests) == 1


@pytest.mark.parametrize("path", PATHS)
async def test_the_retry_budget_bounds_a_turn_of_failures(
    fake_llm: FakeLLM, tmp_path: Path, path: str
) -> None:
    fake_llm.add(*[Turn.error(529, retry_after=0.15) for _ in range(30)])
    limits = "    retry_budget_ms = 400\n    max_retries = 25"
    events, _ = await turn(config(fake_llm, path, limits), tmp_path)
    _, final = errors(events)
    assert "retry_budget" in final[0] and "529" in final[0]
    assert len(fake_llm.requests) < 25


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose listen backlog is full: a new connection attempt waits, unanswered."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    filler = socket.socket()
    filler.connect(("127.0.0.1", port))
    yield port
    filler.close()
    server.close()


@pytest.mark.parametrize("path", PATHS)
async def test_a_connection_that_never_opens_ends_with_connect_timeout(
    unanswered_port: int, tmp_path: Path, path: str
) -> None:
    provider = "anthropic" if path == "anthropic" else "openai"
    api = "" if path == "anthropic" else f'  api = "{path}"\n'
    base = f"http://127.0.0.1:{unanswered_port}" + ("" if path == "anthropic" else "/v1")
    hcl = (
        f'default_model = "{provider}/m"\nproviders {{\n  name = "{provider}"\n  api_key = "k"\n'
        f'  base_url = "{base}"\n{api}  timeouts {{\n    connect_ms = 200\n    max_retries = 0\n  }}\n}}\n'
    )
    events, _ = await turn(hcl, tmp_path)
    _, final = errors(events)
    assert "connect_timeout" in final[0] and events[-1].stop_reason == "error"


def test_hcl_timeouts_reach_the_client_settings() -> None:
    hcl = (
        'default_model = "ollama/qwen3"\nproviders {\n  name = "ollama"\n  base_url = "http://127.0.0.1:11434/v1"\n'
        "  timeouts {\n    connect_ms = 2500\n    first_byte_ms = 0\n    idle_ms = 45000\n"
        "    retry_budget_ms = 60000\n    max_retries = 5\n  }\n}\n"
    )
    provider = parse_config(hcl).providers[0]
    timeouts, retry = limits_for(provider, SessionOptions())
    # 0 turns first_byte off; the session's llm_timeout_s (default 600 s) still caps it.
    assert (timeouts.connect_s, timeouts.first_byte_s, timeouts.idle_s) == (2.5, 600, 45.0)
    assert (retry.max_retries, retry.budget_s) == (5, 60.0)
    # A session's llm_timeout_s only ever shortens the waits.
    short, _ = limits_for(provider, SessionOptions(llm_timeout_s=10))
    assert (short.first_byte_s, short.idle_s) == (10, 10)
    defaults, retry = limits_for(
        parse_config(hcl.split("  timeouts")[0] + "}\n").providers[0], SessionOptions()
    )
    assert (defaults.connect_s, defaults.first_byte_s, defaults.idle_s, retry.budget_s) == (10, 120, 120, 300)


def test_a_misspelt_limit_is_a_config_error_listing_the_keys() -> None:
    hcl = 'providers {\n  name = "openai"\n  timeouts {\n    idle_timeout_ms = 5\n  }\n}\n'
    with pytest.raises(ConfigError) as info:
        parse_config(hcl)
    message = str(info.value)
    assert "idle_timeout_ms" in message and "first_byte_ms" in message and ":4" in message
