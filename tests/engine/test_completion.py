"""The completion engine's pure parts over the whole kind of input: FIM prompts, the context window,
answer cleaning and the typed-ahead cache; and the completer's order (cache, debounce, model)."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from a3s_code.completion import CompletionConfig, CompletionRequest, FimContext, InlineCompleter, Snippet
from a3s_code.completion.cache import CompletionCache
from a3s_code.completion.context import split_at
from a3s_code.completion.fim import _ALL_SENTINELS, build_prompt, clean, detect_format

code = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
FIM_FORMATS = ["codestral", "deepseek", "qwen", "starcoder"]


@given(prefix=code, suffix=code, fmt=st.sampled_from(FIM_FORMATS), related=st.booleans())
def test_a_token_prompt_holds_prefix_then_suffix_in_the_models_order(
    prefix: str, suffix: str, fmt: str, related: bool
) -> None:
    ctx = FimContext(
        prefix, suffix, "app.py", "python", (Snippet("lib.py", "def f(): pass"),) if related else ()
    )
    prompt = build_prompt(fmt, ctx)  # type: ignore[arg-type]
    assert prompt.suffix is None
    if fmt == "codestral":
        assert prompt.prompt.startswith(f"[SUFFIX]{suffix}[PREFIX]") and prompt.prompt.endswith(prefix)
    else:
        middle = {"deepseek": "<｜fim▁end｜>", "qwen": "<|fim_middle|>", "starcoder": "<fim_middle>"}[fmt]
        assert prompt.prompt.endswith(f"{suffix}{middle}")
        assert prefix in prompt.prompt
    assert ("lib.py" in prompt.prompt) == related


@given(prefix=code, suffix=code)
def test_the_suffix_format_sends_the_suffix_apart(prefix: str, suffix: str) -> None:
    prompt = build_prompt("suffix", FimContext(prefix, suffix))
    assert (prompt.prompt, prompt.suffix) == (prefix, suffix)


@given(text=code, offset=st.integers(0, 400), before=st.integers(0, 200), after=st.integers(0, 200))
def test_the_window_is_the_text_next_to_the_cursor(text: str, offset: int, before: int, after: int) -> None:
    prefix, suffix = split_at(text, offset, before, after)
    at = min(offset, len(text))
    assert text[:at].endswith(prefix) and len(prefix) <= before
    assert text[at:].startswith(suffix) and len(suffix) <= after
    if at <= before:
        assert prefix == text[:at]


@given(
    answer=code, junk=st.sampled_from(_ALL_SENTINELS), fmt=st.sampled_from([*FIM_FORMATS, "suffix", "chat"])
)
def test_no_sentinel_ever_reaches_the_editor(answer: str, junk: str, fmt: str) -> None:
    cleaned = clean(fmt, answer + junk + answer, FimContext("x = ", ""))  # type: ignore[arg-type]
    assert not any(token in cleaned for token in _ALL_SENTINELS)


def test_a_last_line_repeating_the_line_after_the_cursor_is_dropped() -> None:
    ctx = FimContext("def f():\n    ", "\nprint(f())\n")
    assert clean("qwen", "return 1\nprint(f())", ctx) == "return 1"


def test_formats_are_detected_from_the_model_id() -> None:
    assert detect_format("mistral", "codestral-latest") == "codestral"
    assert detect_format("ollama", "deepseek-coder:1.3b-base") == "deepseek"
    assert detect_format("ollama", "qwen2.5-coder:1.5b") == "qwen"
    assert detect_format("local", "starcoder2-3b") == "starcoder"
    assert detect_format("anthropic", "claude-haiku-4-5") == "chat"
    assert detect_format("openai", "gpt-4o-mini") == "chat"


@given(prefix=code, suffix=code, completion=st.text(min_size=1, max_size=60), data=st.data())
def test_typing_a_suggestion_leaves_the_rest_of_it_in_the_cache(
    prefix: str, suffix: str, completion: str, data: st.DataObject
) -> None:
    cache = CompletionCache(8)
    cache.put(prefix, suffix, completion)
    assert cache.get(prefix, suffix) == completion
    typed = data.draw(st.integers(1, len(completion)))
    rest = cache.get(prefix + completion[:typed], suffix)
    if typed < len(completion):
        assert rest == completion[typed:]
    else:
        assert rest is None or completion.endswith(rest)


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache = CompletionCache(2)
    cache.put("a", "", "1")
    cache.put("b", "", "2")
    cache.get("a", "")
    cache.put("c", "", "3")
    assert (cache.get("a", ""), cache.get("b", ""), len(cache)) == ("1", None, 2)


class _Model:
    format = "qwen"
    label = "fake/model"

    def __init__(self) -> None:
        self.calls: list[FimContext] = []

    async def complete(self, ctx: FimContext) -> str:
        self.calls.append(ctx)
        return "42"


async def test_only_the_last_of_a_burst_reaches_the_model_and_a_cancel_costs_nothing() -> None:
    model = _Model()
    completer = InlineCompleter(model, CompletionConfig(debounce_ms=50_000))  # type: ignore[arg-type]
    burst = [
        asyncio.ensure_future(completer.complete(CompletionRequest("doc", "x = " + "1" * n, 4 + n)))
        for n in range(5)
    ]
    await asyncio.sleep(0)
    burst[-1].cancel()  # the newest one: $/cancelRequest
    assert await asyncio.gather(*burst[:-1]) == [None] * 4  # each replaced by the next keystroke
    await asyncio.gather(burst[-1], return_exceptions=True)
    assert (completer.stats.superseded, completer.stats.cancelled_before_model) == (4, 1)
    assert model.calls == []
    invoked = CompletionRequest("doc", "x = ", 4, invoked=True)
    assert await completer.complete(invoked, others=lambda: []) == "42"
    assert len(model.calls) == 1 and model.calls[0].prefix == "x = "
