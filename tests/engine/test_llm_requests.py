"""Requests are built for the installed SDKs' real signatures, for every kind of request, and each
provider is sent only what its API takes (sampling settings, reasoning, other providers' blocks)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import Agent
from a3s_code.llm import LLMRequest, ToolSpec, create_client
from a3s_code.llm._openai_common import ModelTraits
from a3s_code.messages import (
    Message,
    ReasoningBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from tests.fakellm import FakeLLM, Thinking, ToolCall, Turn

HISTORY = [
    Message.user("look"),
    Message(
        role="assistant",
        content=[
            ThinkingBlock(thinking="unsigned, from reasoning_content"),
            ThinkingBlock(thinking="signed", signature="sig-1"),
            ReasoningBlock(provider="openai", id="rs_1", summary=("s",), encrypted_content="enc-openai"),
            ReasoningBlock(provider="anthropic", encrypted_content="enc-anthropic"),
            TextBlock(text="reading"),
            ToolUseBlock(id="t1", name="read", input={"file_path": "a"}),
        ],
    ),
    Message(role="user", content=[ToolResultBlock(tool_use_id="t1", content="hello")]),
]
TOOLS = [ToolSpec(name="read", description="Read", input_schema={"type": "object", "properties": {}})]

REQUESTS = st.builds(
    LLMRequest,
    model=st.sampled_from(
        ["claude-sonnet-4-20250514", "claude-opus-4-6", "gpt-4.1", "gpt-5", "o4-mini", "qwen3"]
    ),
    system=st.just("sys"),
    messages=st.just(HISTORY),
    tools=st.sampled_from([[], TOOLS]),
    max_tokens=st.integers(1, 64_000),
    thinking_budget=st.one_of(st.none(), st.integers(1024, 40_000)),
    temperature=st.one_of(st.none(), st.floats(0, 2)),
)


def clients() -> dict[str, Any]:
    return {
        "anthropic": create_client("anthropic", api_key="k", base_url=None),
        "chat": create_client("openai", api_key="k", base_url=None, api="chat"),
        "chat-compatible": create_client("vllm", api_key="k", base_url="http://127.0.0.1:8000/v1"),
        "responses": create_client("openai", api_key="k", base_url=None),
        "responses-reasoning": create_client(
            "openai", api_key="k", base_url=None, traits=ModelTraits(declared_reasoning=True)
        ),
    }


CLIENTS = clients()


def signature_of(name: str) -> set[str]:
    create = CLIENTS[name]._create
    return {
        p
        for p in inspect.signature(create).parameters
        if p not in ("extra_headers", "extra_query", "extra_body")
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=REQUESTS, name=st.sampled_from(sorted(CLIENTS)))
def test_every_request_uses_only_the_sdks_parameters(request: LLMRequest, name: str) -> None:
    params = CLIENTS[name].build_params(request)
    assert set(params) <= signature_of(name), set(params) - signature_of(name)
    if name == "anthropic":
        assert "temperature" not in params  # AsyncMessages.create no longer takes it
        if request.thinking_budget and request.model == "claude-opus-4-6":
            assert params["thinking"] == {"type": "adaptive"}
        elif request.thinking_budget:
            assert params["thinking"]["budget_tokens"] == request.thinking_budget < params["max_tokens"]
    else:
        reasoning = name == "responses-reasoning" or ModelTraits().reasoning(request.model)
        assert ("temperature" in params) == (request.temperature is not None and not reasoning)
    if name == "chat":
        assert "max_completion_tokens" in params and "max_tokens" not in params
    if name == "chat-compatible":
        assert "max_tokens" in params


def wire_text(name: str) -> str:
    request = LLMRequest(model="m", system="s", messages=HISTORY)
    return str(CLIENTS[name].build_params(request))


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_each_provider_gets_only_the_reasoning_it_can_read(name: str) -> None:
    sent = wire_text(name)
    assert "unsigned, from reasoning_content" not in sent  # Anthropic refuses unsigned thinking
    assert ("sig-1" in sent) == (name == "anthropic")
    assert ("enc-anthropic" in sent) == (name == "anthropic")
    assert ("enc-openai" in sent) == name.startswith("responses")


async def test_the_fake_server_refuses_what_the_api_no_longer_takes(fake_llm: FakeLLM) -> None:
    body = {"model": "m", "max_tokens": 10, "messages": [], "temperature": 0.2}
    async with httpx2.AsyncClient() as http:
        answer = await http.post(f"{fake_llm.url}/v1/messages", json=body)
    assert answer.status_code == 400 and "temperature: Extra inputs are not permitted" in answer.text


async def test_switching_provider_mid_session_keeps_the_history_sendable(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    """Chat Completions thinking (no signature) and tool ids reused per turn, then Anthropic."""
    first = Turn(items=[Thinking("hmm"), ToolCall("ls", {"path": "."})], quirks=frozenset({"reused_ids"}))
    fake_llm.add(first, Turn.text("listed")).text("hello from claude")
    anthropic = (
        f'providers {{\n  name = "anthropic"\n  api_key = "k"\n  base_url = "{fake_llm.anthropic_url}"\n}}\n'
    )
    session = Agent(fake_llm.config("openai", "deepseek-reasoner", anthropic, api="chat")).session(tmp_path)
    assert (await session.send_async("list")).text == "listed"
    session.set_model("anthropic/claude-sonnet-4-20250514")
    assert (await session.send_async("hi")).text == "hello from claude"
    sent = fake_llm.last_request()["messages"]
    assert not [b for m in sent for b in m["content"] if b["type"] == "thinking"]


SAME_HEADERS = ("content-type", "accept", "authorization", "x-api-key", "anthropic-version")


@pytest.mark.parametrize("name", ["anthropic", "chat", "chat-compatible", "responses", "responses-reasoning"])
async def test_the_body_sent_is_the_one_the_sdks_create_sends(fake_llm: FakeLLM, name: str) -> None:
    """We post each history message's JSON encoded once; the SDK's own ``create`` is the oracle."""
    kind = {"anthropic": "anthropic", "chat-compatible": "vllm"}.get(name, "openai")
    base = fake_llm.anthropic_url if kind == "anthropic" else fake_llm.openai_url
    api = "chat" if name.startswith("chat") else "responses" if name.startswith("responses") else None
    traits = ModelTraits(declared_reasoning=name.endswith("reasoning"))
    client = create_client(kind, api_key="k", base_url=base, api=api, traits=traits)
    request = LLMRequest(
        model="gpt-4.1", system="sys ü", messages=HISTORY, tools=TOOLS, thinking_budget=2048, temperature=0.5
    )
    fake_llm.text("one").text("two")
    [event async for event in client.stream(request)]
    extra = {"stream": True} if kind == "anthropic" else {}
    stream = await client._create(**client.build_params(request), **extra)  # type: ignore[attr-defined]
    async for _ in stream:
        pass
    ours, sdk = fake_llm.requests
    assert ours == sdk
    headers = [{k.lower(): v for k, v in h.items() if k.lower() in SAME_HEADERS} for h in fake_llm.headers]
    assert headers[0] == headers[1] and headers[0]["content-type"] == "application/json"
