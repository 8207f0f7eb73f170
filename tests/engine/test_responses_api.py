"""The OpenAI Responses API path through the real ``openai`` SDK and the fake server: reasoning
items kept across rounds and across save/resume, usage with cached and reasoning tokens, images,
and which API a provider speaks by default."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from a3s_code import Agent, SessionOptions
from a3s_code.events import ThinkingDelta
from a3s_code.llm.factory import default_api
from a3s_code.messages import ImageBlock, ReasoningBlock
from tests.fakellm import FakeLLM, Text, Thinking, ToolCall, Turn
from tests.fakellm.responses_wire import decrypt

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def thoughts(body: dict[str, Any]) -> list[str]:
    """The reasoning items a request sent back, as the server issued them."""
    return [decrypt(i["encrypted_content"])["thought"] for i in body["input"] if i.get("type") == "reasoning"]


def kinds(body: dict[str, Any]) -> list[str]:
    return [i.get("type", "message") + (f":{i['role']}" if "role" in i else "") for i in body["input"]]


async def test_reasoning_items_go_back_every_round_and_after_resume(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "notes.md").write_text("hello\n")
    fake_llm.add(
        Turn(items=[Thinking("Look at the folder first."), ToolCall("ls", {"path": "."})]),
        Turn(items=[Thinking("One file; answer."), Text("One file: notes.md.")]),
        Turn.text("Still one file."),
    )
    hcl = fake_llm.config("openai", "gpt-5", api="responses")
    store = str(tmp_path / "sessions")
    session = Agent(hcl).session(tmp_path / "ws", SessionOptions().with_file_session_store(store))
    events = [e async for e in session.stream_async("What is here?")]
    assert events[-1].text == "One file: notes.md."
    assert "".join(e.text for e in events if isinstance(e, ThinkingDelta)).startswith("Look at the folder")
    first, second = fake_llm.requests
    assert fake_llm.apis == ["responses", "responses"]
    assert first["include"] == ["reasoning.encrypted_content"] and first["store"] is False
    assert "temperature" not in first and first["reasoning"]["summary"] == "auto"
    assert thoughts(second) == ["Look at the folder first."]
    assert kinds(second) == ["message:user", "reasoning", "function_call", "function_call_output"]
    await session.save_async()

    resumed = Agent(hcl).resume_session(session.session_id, SessionOptions().with_file_session_store(store))
    assert any(isinstance(b, ReasoningBlock) for m in resumed.history for b in m.content)
    result = await resumed.send_async("And now?")
    assert result.text == "Still one file."
    third = fake_llm.requests[2]
    assert thoughts(third) == ["Look at the folder first.", "One file; answer."]
    assert kinds(third) == [
        "message:user",
        "reasoning",
        "function_call",
        "function_call_output",
        "reasoning",
        "message:assistant",
        "message:user",
    ]


async def test_usage_counts_cached_and_reasoning_tokens(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(
        Turn(items=[Text("ok")], input_tokens=1000, cached_tokens=800, output_tokens=50, reasoning_tokens=30)
    )
    result = (
        await Agent(fake_llm.config("openai", "o4-mini", api="responses")).session(tmp_path).send_async("hi")
    )
    usage = result.usage
    assert (usage.input_tokens, usage.cache_read_tokens, usage.output_tokens, usage.reasoning_tokens) == (
        200,
        800,
        50,
        30,
    )


async def test_images_from_the_user_and_from_tools(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "dot.png").write_bytes(base64.b64decode(PNG))
    fake_llm.add(Turn.tool_call("read", {"file_path": "dot.png"}), Turn.text("A single pixel."))
    session = Agent(fake_llm.config("openai", "gpt-4.1", api="responses")).session(tmp_path)
    result = await session.send_async("Compare", [ImageBlock(media_type="image/png", data=PNG)])
    assert result.text == "A single pixel."
    user, _call, output = fake_llm.requests[1]["input"]
    assert user["content"][0] == {
        "type": "input_image",
        "image_url": f"data:image/png;base64,{PNG}",
        "detail": "auto",
    }
    images = [p for p in output["output"] if p["type"] == "input_image"]
    assert output["type"] == "function_call_output" and images[0]["image_url"].startswith(
        "data:image/png;base64,"
    )


async def test_a_non_reasoning_model_gets_temperature_and_no_reasoning_settings(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.text("hi")
    hcl = fake_llm.config("openai", "gpt-4.1", api="responses")
    await Agent(hcl).session(tmp_path, temperature=0.3).send_async("hi")
    body = fake_llm.last_request()
    assert body["temperature"] == 0.3 and "reasoning" not in body and "include" not in body


def test_which_api_a_provider_speaks_by_default() -> None:
    assert default_api("openai", None) == "responses"
    assert default_api("openai", "https://api.openai.com/v1") == "responses"
    assert default_api("openai", "http://127.0.0.1:11434/v1") == "chat"  # Ollama under the name openai
    assert default_api("deepseek", "https://api.deepseek.com") == "chat"
    assert default_api("openrouter", "https://openrouter.ai/api/v1") == "chat"
