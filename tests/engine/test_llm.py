"""Provider clients through the real SDKs against the fake server: retries, errors, cancellation."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest

from a3s_code.errors import LLMError, LLMTimeoutError, MissingAPIKeyError
from a3s_code.llm import LLMRequest, RetryPolicy, ToolSpec, create_client
from a3s_code.llm.base import LLMClient, LLMResponse, LLMTextDelta, LLMToolCallStart
from a3s_code.llm.retry import Timeouts
from a3s_code.messages import Message
from tests.fakellm import FakeLLM, Text, ToolCall, Turn

PROVIDERS = ["anthropic", "openai", "responses"]
"""Anthropic Messages, OpenAI Chat Completions, OpenAI Responses."""
FAST = RetryPolicy(max_retries=2, base_delay_s=0.001)
REQUEST = LLMRequest(
    model="m",
    system="be brief",
    messages=[Message.user("hi")],
    tools=[
        ToolSpec(name="read", description="Read a file", input_schema={"type": "object", "properties": {}})
    ],
)


def client(fake: FakeLLM, provider: str, **kw: Any) -> LLMClient:
    base = fake.anthropic_url if provider == "anthropic" else fake.openai_url
    retry = kw.pop("retry", FAST)
    if provider == "responses":
        return create_client("openai", api_key="k", base_url=base, api="responses", retry=retry, **kw)
    return create_client(
        provider,
        api_key="k",
        base_url=base,
        api="chat" if provider != "anthropic" else None,
        retry=retry,
        **kw,
    )


async def collect(c: LLMClient, request: LLMRequest = REQUEST) -> list[object]:
    return [event async for event in c.stream(request)]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_several_tool_calls_in_one_reply(fake_llm: FakeLLM, provider: str) -> None:
    fake_llm.add(
        Turn(
            items=[
                Text("two reads"),
                ToolCall("read", {"file_path": "a"}),
                ToolCall("read", {"file_path": "b"}),
            ]
        )
    )
    events = await collect(client(fake_llm, provider))
    starts = [e for e in events if isinstance(e, LLMToolCallStart)]
    final = events[-1]
    assert isinstance(final, LLMResponse)
    assert [u.input for u in final.message.tool_uses()] == [{"file_path": "a"}, {"file_path": "b"}]
    assert len(starts) == 2 and final.stop_reason == "tool_use"
    assert "".join(e.text for e in events if isinstance(e, LLMTextDelta)) == "two reads"
    headers = {k.lower(): v for k, v in fake_llm.headers[0].items()}
    assert headers.get("x-api-key") == "k" or headers.get("authorization") == "Bearer k"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_retries_exhausted_is_an_error_naming_the_status(fake_llm: FakeLLM, provider: str) -> None:
    fake_llm.add(*[Turn.error(529) for _ in range(3)], Turn.text("unreached"))
    with pytest.raises(LLMError) as info:
        await collect(client(fake_llm, provider))
    assert info.value.status == 529 and "gave up after 3 attempts" in str(info.value)
    assert len(fake_llm.requests) == 3


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_bad_api_key_is_not_retried(fake_llm: FakeLLM, provider: str) -> None:
    fake_llm.add(Turn.error(401), Turn.text("unreached"))
    with pytest.raises(LLMError, match="rejected the API key"):
        await collect(client(fake_llm, provider))
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_request_timeout(fake_llm: FakeLLM, provider: str) -> None:
    fake_llm.add(Turn(hang=True))
    with pytest.raises(LLMTimeoutError, match="first_byte_timeout"):
        limits = Timeouts(first_byte_s=0.3)
        await collect(client(fake_llm, provider, timeouts=limits, retry=RetryPolicy(max_retries=0)))


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_cancelling_the_consumer_closes_the_http_stream(fake_llm: FakeLLM, provider: str) -> None:
    fake_llm.add(Turn(items=[Text("x" * 400)], chunk_delay_s=0.2))
    c = client(fake_llm, provider)

    async def consume() -> None:
        async for _ in c.stream(REQUEST):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(50):
        if fake_llm.disconnects:
            break
        await asyncio.sleep(0.05)
    assert fake_llm.disconnects == 1


def test_missing_api_key_names_the_variable() -> None:
    with pytest.raises(MissingAPIKeyError, match="OPENROUTER_API_KEY"):
        create_client("openrouter", api_key=None, base_url="https://openrouter.example/api/v1")
    with pytest.raises(MissingAPIKeyError, match="MY_KEY"):
        create_client("anthropic", api_key="", base_url=None, api_key_env="MY_KEY")
    # a local server (Ollama, vLLM) needs no key
    assert create_client("ollama", api_key=None, base_url="http://127.0.0.1:11434/v1").provider == "ollama"


def test_provider_sdks_load_only_when_a_client_is_made() -> None:
    code = (
        "import sys\nfrom a3s_code.llm import create_client\n"
        "assert 'anthropic' not in sys.modules and 'openai' not in sys.modules\n"
        "create_client('anthropic', api_key='k', base_url=None)\n"
        "print('anthropic' in sys.modules, 'openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True False"


PRELOAD = """
import sys
from a3s_code import Agent
from a3s_code.llm.deferred import preload
session = Agent(sys.argv[1]).session(".")
client = session.llm()
assert "anthropic" not in sys.modules, "session.llm() defers the SDK"
real = preload(client)
assert "anthropic" in sys.modules and type(real).__name__ == "AnthropicClient"
assert session.llm().client() is real, "the first request uses the client built ahead"
print("ok")
"""


def test_preload_loads_the_sdk_a_session_would_load_on_its_first_request(
    fake_llm: FakeLLM, tmp_path: Any
) -> None:
    """What a team member or a worker calls before joining, so its first task does not pay for the
    provider SDK's import (seconds with several members starting at once)."""
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config())
    done = subprocess.run(
        [sys.executable, "-c", PRELOAD, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


WARM = """
import gc, sys, threading
from a3s_code.llm.deferred import warm_up_all
if sys.argv[1] == "off":
    gc.disable()
frozen = gc.get_freeze_count()
workers = [threading.Thread(target=warm_up_all) for _ in range(2)]  # two hosts' warm-ups at once
for w in workers:
    w.start()
for w in workers:
    w.join()
print(gc.isenabled(), gc.get_freeze_count() > frozen + 10000)
"""


@pytest.mark.parametrize(("collector", "after"), [("on", "True"), ("off", "False")])
def test_warming_up_leaves_the_collector_as_the_host_set_it(collector: str, after: str) -> None:
    """The warm-up imports the SDKs with the garbage collector paused (a full collection inside
    ``import anthropic`` held the GIL ~70 ms and stalled the daemon's event loop); afterwards the
    collector is on or off as the host had it, and the imports' objects are frozen out of its way."""
    out = subprocess.run(
        [sys.executable, "-c", WARM, collector], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == [after, "True"]
