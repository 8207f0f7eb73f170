"""``textDocument/inlineCompletion`` through the real daemon, against the fake model's /v1/completions
(and its chat API for the fallback): what the editor shows, what the model is sent, and which
requests never reach the model (cancelled, superseded by typing on, answered from the cache)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor, start_editor, stop_editor

COMPLETION = "return a + b\n"
SOURCE = "def add(a, b):\n    \n\nprint(add(1, 2))\n"
CURSOR = types.Position(line=1, character=4)


def _config(fake: FakeLLM, completion: str) -> str:
    return fake.config("openai", "gpt-4o", extra=completion)


@pytest.fixture
def agent_config(tmp_path: Path, fake_llm: FakeLLM) -> Path:
    path = tmp_path / "agent.hcl"
    path.write_text(
        _config(
            fake_llm, 'completion_model = "openai/qwen2.5-coder-1.5b"\ncompletion {\n  debounce_ms = 0\n}\n'
        )
    )
    return path


def _params(
    uri: str, position: types.Position = CURSOR, invoked: bool = False
) -> types.InlineCompletionParams:
    kind = (
        types.InlineCompletionTriggerKind.Invoked if invoked else types.InlineCompletionTriggerKind.Automatic
    )
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(trigger_kind=kind),
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=position,
    )


def _texts(result: object) -> list[str]:
    assert isinstance(result, types.InlineCompletionList), result
    return [item.insert_text for item in result.items if isinstance(item.insert_text, str)]


async def test_the_unsaved_text_and_a_related_file_reach_the_model_and_its_answer_the_editor(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    caps = editor.server_capabilities
    assert caps is not None and caps.inline_completion_provider is not None
    (project / "mathutil.py").write_text("def add_all(values):\n    return sum(values)\n")
    other = editor.open(project / "mathutil.py")
    uri = editor.open(project / "app.py")
    editor.type(uri, SOURCE)  # unsaved: app.py on disk still says x = 1
    fake_llm.add(Turn.text(COMPLETION + "<|endoftext|>junk"))

    result = await editor.client.text_document_inline_completion_async(_params(uri))

    assert _texts(result) == [COMPLETION]
    assert isinstance(result, types.InlineCompletionList)
    assert result.items[0].range == types.Range(start=CURSOR, end=CURSOR)
    assert fake_llm.apis == ["completions"]
    prompt = fake_llm.last_request()["prompt"]
    assert "<|file_sep|>mathutil.py\ndef add_all(values):" in prompt
    assert prompt.endswith(
        "<|file_sep|>app.py\n<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>"
    )
    assert "<|endoftext|>" in fake_llm.last_request()["stop"]
    assert other != uri


async def test_the_cache_answers_a_repeat_and_the_rest_of_a_suggestion_being_typed(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    editor.type(uri, SOURCE)
    fake_llm.text(COMPLETION)
    assert _texts(await editor.client.text_document_inline_completion_async(_params(uri))) == [COMPLETION]
    assert _texts(await editor.client.text_document_inline_completion_async(_params(uri))) == [COMPLETION]

    editor.type(uri, SOURCE.replace("    \n", "    retu\n", 1))  # the user types the suggestion
    typed_on = types.Position(line=1, character=8)
    rest = await editor.client.text_document_inline_completion_async(_params(uri, typed_on))

    assert _texts(rest) == ["rn a + b\n"]
    assert len(fake_llm.requests) == 1


async def test_a_cancelled_request_never_calls_the_model(
    tmp_path: Path, fake_llm: FakeLLM, project: Path
) -> None:
    config = tmp_path / "slow.hcl"
    config.write_text(
        _config(
            fake_llm, 'completion_model = "openai/qwen2.5-coder"\ncompletion {\n  debounce_ms = 60000\n}\n'
        )
    )
    editor = await start_editor("visual-studio-code", project, config)
    try:
        uri = editor.open(project / "app.py")
        fake_llm.text("never shown")
        # written at once, then the cancel right behind it: what an editor sends for one keystroke
        pending = asyncio.wrap_future(
            editor.client.protocol.send_request(
                types.TEXT_DOCUMENT_INLINE_COMPLETION, _params(uri), msg_id="ghost-1"
            )
        )
        editor.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="ghost-1"))
        with pytest.raises(Exception, match="cancel"):
            await asyncio.wait_for(pending, 20)
        # a newer request still works: invoked explicitly, it skips the debounce
        assert _texts(await editor.client.text_document_inline_completion_async(_params(uri, invoked=True)))
        assert len(fake_llm.requests) == 1
    finally:
        await stop_editor(editor)


async def test_typing_on_supersedes_a_waiting_request_without_a_model_call(
    tmp_path: Path, fake_llm: FakeLLM, project: Path
) -> None:
    config = tmp_path / "typing.hcl"
    config.write_text(
        _config(
            fake_llm, 'completion_model = "openai/qwen2.5-coder"\ncompletion {\n  debounce_ms = 3000\n}\n'
        )
    )
    editor = await start_editor("neovim@v0.7.0", project, config)
    try:
        uri = editor.open(project / "app.py", SOURCE)
        fake_llm.text(COMPLETION)
        # keystrokes, each with its own request and no $/cancelRequest: every older one is superseded
        requests = []
        for n in range(3):
            editor.type(uri, SOURCE.replace("    \n", "    " + "ret"[: n + 1] + "\n", 1))
            position = types.Position(line=1, character=5 + n)
            requests.append(
                asyncio.wrap_future(editor.client.text_document_inline_completion(_params(uri, position)))
            )
        results = await asyncio.wait_for(asyncio.gather(*requests), 20)
        assert results[:-1] == [None, None]
        assert _texts(results[-1]) == [COMPLETION]
        # a request whose document changes while it waits (the user typed on) ends empty too
        editor.type(uri, SOURCE.replace("    \n", "    z\n", 1))
        waiting = asyncio.wrap_future(
            editor.client.text_document_inline_completion(_params(uri, types.Position(line=1, character=5)))
        )
        await asyncio.sleep(0.5)  # the next keystroke (the request's handler has started by then)
        editor.type(uri, SOURCE.replace("    \n", "    zz\n", 1))
        assert await asyncio.wait_for(waiting, 20) is None
        assert len(fake_llm.requests) == 1
    finally:
        await stop_editor(editor)


async def test_the_chat_fallback_strips_the_fence_and_anthropic_works_through_it(
    tmp_path: Path, fake_llm: FakeLLM, project: Path
) -> None:
    config = tmp_path / "chat.hcl"
    config.write_text(
        fake_llm.config(
            extra='completion_model = "anthropic/claude-haiku-4-5"\ncompletion {\n  debounce_ms = 0\n}\n'
        )
    )
    editor = await start_editor("visual-studio-code", project, config)
    try:
        uri = editor.open(project / "app.py", SOURCE)
        fake_llm.text("```python\n" + COMPLETION + "```")
        # the fence's own line breaks go with it
        assert _texts(await editor.client.text_document_inline_completion_async(_params(uri))) == [
            COMPLETION.rstrip("\n")
        ]
        body = fake_llm.last_request()
        assert fake_llm.apis == ["anthropic"] and body["model"] == "claude-haiku-4-5"
        assert "def add(a, b):\n    <CURSOR>\n\nprint(add(1, 2))" in body["messages"][0]["content"][0]["text"]
    finally:
        await stop_editor(editor)


async def test_without_a_completion_model_nothing_is_asked(
    tmp_path: Path, fake_llm: FakeLLM, project: Path
) -> None:
    config = tmp_path / "plain.hcl"
    config.write_text(fake_llm.config())
    editor = await start_editor("visual-studio-code", project, config)
    try:
        uri = editor.open(project / "app.py")
        assert await editor.client.text_document_inline_completion_async(_params(uri)) is None
        unopened = (project / "nowhere.py").as_uri()
        assert await editor.client.text_document_inline_completion_async(_params(unopened)) is None
        assert fake_llm.requests == []
    finally:
        await stop_editor(editor)


async def test_a_completion_model_on_an_unknown_provider_is_a_clear_error(
    tmp_path: Path, fake_llm: FakeLLM, project: Path
) -> None:
    config = tmp_path / "bad.hcl"
    config.write_text(fake_llm.config(extra='completion_model = "ollama/qwen2.5-coder"\n'))
    editor = await start_editor("visual-studio-code", project, config)
    try:
        uri = editor.open(project / "app.py")
        with pytest.raises(Exception, match="provider 'ollama' not found"):
            await editor.client.text_document_inline_completion_async(_params(uri))
        # the daemon lives on
        assert await editor.request("a3s/session/list", {}) is not None
    finally:
        await stop_editor(editor)
