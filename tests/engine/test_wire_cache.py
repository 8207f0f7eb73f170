"""The provider clients keep each history message's JSON and the joined message list from one
request to the next. Whatever a session does to its history between two requests (a new round,
compaction, rewind, a fork, the same request again), the bytes sent must be exactly those of
encoding the history afresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from a3s_code.llm import anthropic_client, openai_client, responses_client
from a3s_code.llm._convert import WireCache, dumps
from a3s_code.messages import Message, ReasoningBlock, TextBlock, ThinkingBlock, ToolResultBlock, ToolUseBlock

CONVERTERS: dict[str, Callable[[Message], Any]] = {
    "anthropic": anthropic_client.to_wire,
    "chat": openai_client.to_wire,
    "responses": responses_client.to_input,
}

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    kind = draw(st.sampled_from(["user", "assistant", "tool", "thinking", "reasoning"]))
    text = draw(TEXT)
    if kind == "user":
        return Message.user(text)
    if kind == "tool":
        return Message(role="user", content=[ToolResultBlock(tool_use_id="t1", content=text)])
    if kind == "thinking":  # nothing but unsigned thinking: some wire forms leave it out entirely
        return Message(role="assistant", content=[ThinkingBlock(thinking=text)])
    if kind == "reasoning":
        block = ReasoningBlock(provider="openai", id="rs_1", summary=(text,), encrypted_content="enc")
        return Message(role="assistant", content=[block])
    return Message(
        role="assistant",
        content=[TextBlock(text=text), ToolUseBlock(id="t1", name="read", input={"file_path": text})],
    )


# What a session does to its history between two requests.
STEPS = st.one_of(
    st.tuples(st.just("append"), st.lists(messages(), min_size=1, max_size=4)),
    st.tuples(st.just("same"), st.none()),
    st.tuples(st.just("rewind"), st.integers(0, 30)),
    st.tuples(st.just("compact"), st.tuples(st.integers(0, 30), messages())),
    st.tuples(st.just("fork"), st.none()),  # equal messages, but new objects
)


def afresh(convert: Callable[[Message], Any], history: list[Message]) -> bytes:
    texts = []
    for message in history:
        wire = convert(message)
        texts.append(",".join(map(dumps, wire)) if isinstance(wire, list) else dumps(wire))
    return ",".join(t for t in texts if t).encode()


@settings(max_examples=150, deadline=None)
@given(
    provider=st.sampled_from(sorted(CONVERTERS)),
    start=st.lists(messages(), max_size=6),
    steps=st.lists(st.tuples(STEPS, st.booleans()), min_size=1, max_size=12),
)
def test_each_request_sends_the_history_as_encoded_afresh(
    provider: str, start: list[Message], steps: list[tuple[tuple[str, Any], bool]]
) -> None:
    convert = CONVERTERS[provider]
    cache = WireCache(convert)
    history = list(start)
    assert cache.body(history, {}, "messages") == b'{"messages":[' + afresh(convert, history) + b"]}"
    for (step, arg), as_body in steps:
        if step == "append":
            history.extend(arg)  # the session appends to the same list object
        elif step == "rewind":
            del history[arg:]
        elif step == "compact":
            keep_from, summary = arg
            history = [summary, *history[keep_from:]]
        elif step == "fork":
            history = [m.model_copy(deep=True) for m in history]
        if as_body:  # the request body, as the clients post it, from the same carried bytes
            items = b",".join(x for x in (b'{"role":"system"}', afresh(convert, history)) if x)
            body = cache.body(history, {"model": "m", "stream": True}, "messages", head=b'{"role":"system"}')
            assert body == b'{"messages":[' + items + b'],"model":"m","stream":true}'
        else:
            assert cache.body(history, {}, "input") == b'{"input":[' + afresh(convert, history) + b"]}", step
        assert cache.convert(history) == [convert(m) for m in history], step


def test_a_long_append_only_session_encodes_each_message_once() -> None:
    """The point of the cache: round N converts only round N's new messages."""
    converted: list[Message] = []

    def counting(message: Message) -> Any:
        converted.append(message)
        return anthropic_client.to_wire(message)

    cache = WireCache(counting)
    history: list[Message] = []
    for i in range(200):
        history += [
            Message.user(f"question {i}"),
            Message(role="assistant", content=[TextBlock(text=f"answer {i}")]),
        ]
        body = cache.body(history, {}, "messages")
        assert body == b'{"messages":[' + afresh(anthropic_client.to_wire, history) + b"]}"
    assert len(converted) == len(history) == 400
