"""Images pasted or dropped in an editor's chat reach the model with the prompt (``attachments``)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor, start_editor, stop_editor

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()


@pytest.fixture
async def vscode(project: Path, agent_config: Path) -> AsyncIterator[Editor]:
    editor = await start_editor("visual-studio-code", project, agent_config)
    yield editor
    await stop_editor(editor)


async def test_an_attached_image_is_sent_with_the_prompt(vscode: Editor, fake_llm: FakeLLM) -> None:
    fake_llm.text("It is a tiny PNG.")
    session = (await vscode.request("a3s/session/create", {}))["sessionId"]
    result = await vscode.request(
        "a3s/session/send",
        {
            "sessionId": session,
            "prompt": "What is this?",
            "attachments": [{"mediaType": "image/png", "data": PNG}],
        },
    )
    assert result["text"] == "It is a tiny PNG."
    content = fake_llm.requests[-1]["messages"][-1]["content"]
    images = [block for block in content if block["type"] == "image"]
    assert images == [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}]
    assert any(block.get("text") == "What is this?" for block in content)


@pytest.mark.parametrize(
    ("attachments", "message"),
    [
        ("not a list", "attachments: Input should be a valid list"),
        ([{"mediaType": "image/png"}], "attachments.0.data: Field required"),
        ([{"data": "***"}], "attachments.0.data is not base64"),
    ],
)
async def test_a_malformed_attachment_is_an_invalid_params_error(
    vscode: Editor, attachments: object, message: str
) -> None:
    session = (await vscode.request("a3s/session/create", {}))["sessionId"]
    with pytest.raises(JsonRpcException) as raised:
        await vscode.request(
            "a3s/session/send", {"sessionId": session, "prompt": "x", "attachments": attachments}
        )
    assert raised.value.code == -32602 and message in raised.value.message
