"""Tool search: with 200 MCP tools (20 real stdio servers), each request carries the built-ins and
only the MCP tools relevant to the user's message, and the model can call the ones it was sent."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.session import Session
from a3s_code.tool_search import ToolIndex, ToolSearchConfig
from a3s_code.tools import builtin_tools
from tests.bench.tool_catalog import CATALOG
from tests.fakellm import FakeLLM, Turn

CATALOG_SERVER = Path(__file__).resolve().parents[1] / "mcpservers" / "catalog.py"


def servers_hcl() -> str:
    return "".join(
        f'mcp_servers {{\n  name = "{domain}"\n  command = {json.dumps(sys.executable)}\n'
        f"  args = [{json.dumps(str(CATALOG_SERVER))}, {json.dumps(domain)}]\n}}\n"
        for domain in CATALOG
    )


@pytest.fixture
async def open_sessions() -> AsyncIterator[list[Session]]:
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        await session.close_async()
        manager = session.agent.mcp_manager()
        if manager is not None:
            await manager.close()


def new_session(
    fake: FakeLLM,
    tmp_path: Path,
    opened: list[Session],
    extra: str = "",
    options: SessionOptions | None = None,
) -> Session:
    session = Agent(fake.config(extra=servers_hcl() + extra)).session(tmp_path, options or SessionOptions())
    opened.append(session)
    return session


def sent_tools(request: dict[str, Any]) -> set[str]:
    return {t["name"] for t in request["tools"]}


BUILTINS = {t.name for t in builtin_tools()} | {"tool_search"}
"""Sent with every request: the built-ins, and with tool search on, the tool_search tool."""


def test_the_seed_example_ranks_by_name_description_and_tags() -> None:
    index = ToolIndex(ToolSearchConfig())
    index.add("mcp__github__create_issue", "Create a GitHub issue", ["github", "issue"])
    index.add("mcp__postgres__query", "Run a SQL query", ["sql", "database"])
    assert [m.name for m in index.search("file an issue for the crash")] == ["mcp__github__create_issue"]
    assert [m.name for m in index.search("how many rows are in the database?")] == ["mcp__postgres__query"]
    assert index.search("good morning") == []


async def test_only_relevant_mcp_tools_and_all_builtins_reach_the_model_and_a_sent_tool_runs(
    fake_llm: FakeLLM, tmp_path: Path, open_sessions: list[Session]
) -> None:
    options = SessionOptions().with_tool_search(ToolSearchConfig(max_tools=5))
    session = new_session(fake_llm, tmp_path, open_sessions, options=options)
    fake_llm.add(
        Turn.tool_call(
            "mcp__kubernetes__scale_deployment", {"namespace": "prod", "deployment": "web", "replicas": "5"}
        ),
        Turn.text("Scaled web to 5 replicas."),
        Turn.text("Texted the customer."),
    )
    result = await session.send_async("Scale the web deployment in prod to 5 replicas")
    assert result.text == "Scaled web to 5 replicas."
    assert len([n for n in session.tool_names() if n.startswith("mcp__")]) == 200

    first, after_tool = fake_llm.requests[0], fake_llm.requests[1]
    mcp_sent = sent_tools(first) - BUILTINS
    assert sent_tools(first) >= BUILTINS
    assert "mcp__kubernetes__scale_deployment" in mcp_sent
    assert 1 <= len(mcp_sent) <= 5
    assert all(n.startswith("mcp__") for n in mcp_sent)
    assert sent_tools(after_tool) == sent_tools(first)  # same user message, same selection
    tool_result = json.dumps(after_tool["messages"][-1]["content"])
    assert "kubernetes.scale_deployment done" in tool_result and '\\"replicas\\": \\"5\\"' in tool_result

    await session.send_async("Text +15551234567 that the order shipped")
    second_turn = sent_tools(fake_llm.requests[2]) - BUILTINS
    assert "mcp__twilio__send_sms" in second_turn
    assert "mcp__kubernetes__scale_deployment" not in second_turn  # last turn's call is not carried over


async def test_without_tool_search_every_tool_is_sent_and_the_config_block_turns_it_on(
    fake_llm: FakeLLM, tmp_path: Path, open_sessions: list[Session]
) -> None:
    fake_llm.add(Turn.text("ok"), Turn.text("ok"))
    plain = new_session(fake_llm, tmp_path, open_sessions)
    await plain.send_async("Show the logs of the api pod")
    assert len(sent_tools(fake_llm.requests[0]) - BUILTINS) == 200

    hcl = 'tool_search {\n  max_tools = 3\n  always_include = ["mcp__slack__post_message"]\n}\n'
    searched = new_session(fake_llm, tmp_path, open_sessions, extra=hcl)
    await searched.send_async("Show the logs of the api pod in the prod namespace")
    mcp_sent = sent_tools(fake_llm.requests[1]) - BUILTINS
    assert "mcp__kubernetes__get_pod_logs" in mcp_sent and "mcp__slack__post_message" in mcp_sent
    assert len(mcp_sent) <= 4


async def test_a_custom_index_adds_tags_and_makes_a_plain_tool_searchable(
    fake_llm: FakeLLM, tmp_path: Path, open_sessions: list[Session]
) -> None:
    index = ToolIndex(ToolSearchConfig(max_tools=2))
    index.add("mcp__redis__info", "Show Redis server info", tags=["cache", "memory", "health"])
    index.add("bash", "Run a shell command", tags=["shell"])
    session = new_session(fake_llm, tmp_path, open_sessions, options=SessionOptions().with_tool_search(index))
    fake_llm.add(Turn.text("ok"))
    await session.send_async("is the cache healthy?")
    sent = sent_tools(fake_llm.requests[0])
    assert "mcp__redis__info" in sent
    assert "bash" not in sent and "read" in sent  # indexed built-ins become searchable; others always go


async def test_the_model_finds_a_tool_it_was_not_sent_and_calls_it_in_the_same_turn(
    fake_llm: FakeLLM, tmp_path: Path, open_sessions: list[Session]
) -> None:
    options = SessionOptions().with_tool_search(ToolSearchConfig(max_tools=3))
    session = new_session(fake_llm, tmp_path, open_sessions, options=options)
    fake_llm.add(
        Turn.tool_call("mcp__kubernetes__rollout_undo", {"namespace": "prod", "deployment": "checkout"}),
        Turn.tool_call("tool_search", {"query": "post a message to a slack channel", "limit": 3}),
        Turn.tool_call("mcp__slack__post_message", {"channel": "#deploys", "text": "checkout rolled back"}),
        Turn.text("Rolled back checkout and told #deploys."),
        Turn.text("ok"),
    )
    result = await session.send_async("The last deploy broke checkout; roll the deployment back")
    assert result.text == "Rolled back checkout and told #deploys."
    assert [c.name for c in result.tool_calls] == [
        "mcp__kubernetes__rollout_undo",
        "tool_search",
        "mcp__slack__post_message",
    ]
    assert [c.exit_code for c in result.tool_calls] == [0, 0, 0]

    first, after_undo, after_search, _last = fake_llm.requests[:4]
    for before in (first, after_undo):
        assert "tool_search" in sent_tools(before)
        assert "mcp__slack__post_message" not in sent_tools(before)
    assert "mcp__kubernetes__rollout_undo" in sent_tools(first)
    found = result.tool_calls[1].output
    assert "mcp__slack__post_message: Post a message to a Slack channel." in found
    assert "mcp__slack__post_message" in sent_tools(after_search)
    assert "mcp__kubernetes__rollout_undo" in sent_tools(after_search)  # called this turn: still sent
    assert "slack.post_message done" in result.tool_calls[2].output

    # A loaded tool stays for the rest of the conversation, as deferred tools do.
    await session.send_async("thanks")
    assert "mcp__slack__post_message" in sent_tools(fake_llm.requests[4])


async def test_tool_search_finds_nothing_for_unrelated_words_and_loads_nothing(
    fake_llm: FakeLLM, tmp_path: Path, open_sessions: list[Session]
) -> None:
    options = SessionOptions().with_tool_search(ToolSearchConfig(max_tools=3))
    session = new_session(fake_llm, tmp_path, open_sessions, options=options)
    fake_llm.add(Turn.tool_call("tool_search", {"query": "zzyzx qwxv"}), Turn.text("none"))
    result = await session.send_async("look for a tool")
    assert result.tool_calls[0].exit_code == 0
    assert "No tool matches 'zzyzx qwxv'" in result.tool_calls[0].output
    assert sent_tools(fake_llm.requests[1]) == sent_tools(fake_llm.requests[0])
