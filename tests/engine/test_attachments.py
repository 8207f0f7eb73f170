"""Image attachments: sniffed, validated, and delivered to the provider."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from a3s_code import A3SError, Agent, Attachment
from tests.fakellm import FakeLLM, Turn

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SAMPLES = {
    "png": PNG,
    "jpeg": b"\xff\xd8\xff\xe0" + b"\0" * 16,
    "gif": b"GIF89a" + b"\0" * 16,
    "webp": b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 8,
}


@pytest.mark.parametrize(("kind", "data"), SAMPLES.items())
def test_formats_are_detected_from_their_bytes(tmp_path: Path, kind: str, data: bytes) -> None:
    path = tmp_path / f"image.{kind}"
    path.write_bytes(data)
    assert Attachment.from_file(path).media_type == f"image/{kind}"


def test_bad_attachments_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(A3SError, match="only JPEG, PNG, GIF and WebP"):
        Attachment.from_file(tmp_path / "notes.txt")
    with pytest.raises(A3SError, match="not found"):
        Attachment.from_file(tmp_path / "missing.png")
    with pytest.raises(A3SError, match="claims image/jpeg but its bytes are image/png"):
        Attachment.jpeg(PNG)


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_send_with_attachments_reaches_the_model(
    fake_llm_thread: FakeLLM, tmp_path: Path, provider: str
) -> None:
    (tmp_path / "shot.png").write_bytes(PNG)
    fake_llm_thread.add(Turn.text("one pixel"))
    model = "claude-sonnet-4-20250514" if provider == "anthropic" else "gpt-4o"
    session = Agent(fake_llm_thread.config(provider, model)).session(tmp_path)
    result = session.send_with_attachments(
        "What is in this screenshot?", [Attachment.from_file(tmp_path / "shot.png")]
    )
    assert result.text == "one pixel"
    sent = str(fake_llm_thread.requests[0]["messages"][-1]["content"])
    assert base64.b64encode(PNG).decode() in sent


def test_a_tool_can_return_an_image_to_the_model(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    fake_llm_thread.add(Turn.tool_call("read", {"file_path": "logo.png"}), Turn.text("a logo"))
    Agent(fake_llm_thread.config()).session(tmp_path).send("look at logo.png")
    result_block = fake_llm_thread.requests[1]["messages"][-1]["content"][0]
    assert result_block["type"] == "tool_result"
    assert {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()} in [
        part.get("source") for part in result_block["content"]
    ]
