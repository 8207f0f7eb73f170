"""Attachments through the async streaming API, to the OpenAI wire format as well."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent, Attachment
from a3s_code.events import TurnEnd
from tests.fakellm import FakeLLM, Turn

GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


async def test_stream_with_attachments_async_sends_the_image_to_openai(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "anim.gif").write_bytes(GIF)
    session = Agent(fake_llm.config("openai", "gpt-4o")).session(tmp_path)
    fake_llm.add(Turn.text("A one-pixel GIF."))
    events = [
        e
        async for e in session.stream_with_attachments_async(
            "what is this?", [Attachment.from_file(tmp_path / "anim.gif")]
        )
    ]
    assert isinstance(events[-1], TurnEnd) and events[-1].text == "A one-pixel GIF."
    content = fake_llm.requests[0]["messages"][-1]["content"]
    urls = [part["image_url"]["url"] for part in content if part.get("type") == "image_url"]
    assert urls and urls[0].startswith("data:image/gif;base64,R0lGODlh")
