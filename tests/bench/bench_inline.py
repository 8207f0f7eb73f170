"""Inline completions through the real daemon against the zero-latency fake model.

1. Time from ``textDocument/inlineCompletion`` to the completion at the client (debounce 0 and the
   default 75 ms), each request at a new cursor so the cache never answers; the baseline is the
   same ``/v1/completions`` call made directly with the ``openai`` SDK (the model round trip alone).
2. Fast typing: a line typed at a steady keystroke interval, each keystroke a ``didChange`` and a
   request; run with the previous request cancelled (``$/cancelRequest``, as VS Code and the
   Neovim plugin do) and without (a client that only sends new requests). Reported: the share of requests
   that ended before the model was called (1 - model calls / requests), against debounce 0.

Run: ``.venv/bin/python -m tests.bench.bench_inline [--requests 60] [--interval-ms 30]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from lsprotocol import types

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor, start_editor, stop_editor

LINE = "    total = sum(value * weight for value, weight in pairs)"


def _config(fake: FakeLLM, debounce_ms: int) -> str:
    extra = f'completion_model = "openai/qwen2.5-coder"\ncompletion {{\n  debounce_ms = {debounce_ms}\n}}\n'
    return fake.config("openai", "gpt-4o", extra=extra)


def _params(uri: str, line: int, character: int) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
    )


async def _editor(root: Path, fake: FakeLLM, debounce_ms: int) -> Editor:
    config = root / f"agent-{debounce_ms}.hcl"
    config.write_text(_config(fake, debounce_ms))
    return await start_editor("visual-studio-code", root, config)


async def latency(root: Path, fake: FakeLLM, debounce_ms: int, count: int) -> list[float]:
    """Seconds from request to completion, ``count`` times at new cursors (no cache hits)."""
    editor = await _editor(root, fake, debounce_ms)
    try:
        uri = editor.open(root / "app.py", "def f():\n    \n")
        fake.add(*[Turn.text("return 1") for _ in range(count + 1)])
        await editor.client.text_document_inline_completion_async(
            _params(uri, 1, 4)
        )  # warm: loads the engine
        times = []
        for n in range(count):
            editor.type(uri, f"def f():\n    x{n} = {n}\n    \n")
            started = time.perf_counter()
            result = await editor.client.text_document_inline_completion_async(_params(uri, 2, 4))
            times.append(time.perf_counter() - started)
            assert isinstance(result, types.InlineCompletionList) and result.items
        assert len(fake.requests) >= count + 1  # every one was a model call, none a cache hit
        return times
    finally:
        await stop_editor(editor)


async def direct(fake: FakeLLM, count: int) -> list[float]:
    """The baseline: the same request straight to the fake server with the ``openai`` SDK."""
    import openai

    client = openai.AsyncOpenAI(api_key="k", base_url=fake.openai_url, max_retries=0)
    fake.add(*[Turn.text("return 1") for _ in range(count + 1)])
    await client.completions.create(model="m", prompt="x", max_tokens=8)
    times = []
    for n in range(count):
        started = time.perf_counter()
        await client.completions.create(
            model="qwen2.5-coder", prompt=f"<|fim_prefix|>x{n}<|fim_suffix|><|fim_middle|>", max_tokens=128
        )
        times.append(time.perf_counter() - started)
    await client.close()
    return times


async def typing(
    root: Path, fake: FakeLLM, debounce_ms: int, interval_s: float, cancel: bool
) -> tuple[int, int]:
    """Type ``LINE`` one character per ``interval_s``; (requests sent, model calls)."""
    editor = await _editor(root, fake, debounce_ms)
    try:
        uri = editor.open(root / "app.py", "def f(pairs):\n\n")
        fake.add(*[Turn.text("  # done") for _ in range(len(LINE) + 2)])
        await editor.client.text_document_inline_completion_async(_params(uri, 0, 0))  # warm
        before = len(fake.requests)
        pending: list[asyncio.Future[object]] = []
        last_id: str | None = None
        for n in range(1, len(LINE) + 1):
            editor.type(uri, f"def f(pairs):\n{LINE[:n]}\n")
            if cancel and last_id is not None:
                editor.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=last_id))
            last_id = f"k{debounce_ms}-{cancel}-{n}"
            future = editor.client.protocol.send_request(
                types.TEXT_DOCUMENT_INLINE_COMPLETION, _params(uri, 1, n), msg_id=last_id
            )
            pending.append(asyncio.wrap_future(future))
            await asyncio.sleep(interval_s)
        await asyncio.gather(*pending, return_exceptions=True)
        return len(LINE), len(fake.requests) - before
    finally:
        await stop_editor(editor)


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"median {statistics.median(values) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms"


async def main(count: int, interval_ms: int) -> None:
    fake = FakeLLM()
    fake.start_in_thread()  # its own loop: the baseline client does not share one with the server
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "app.py").write_text("")
            base = await direct(fake, count)
            print(f"direct openai SDK /v1/completions (baseline): {_ms(base)}")
            for debounce in (0, 75):
                times = await latency(root, fake, debounce, count)
                ratio = statistics.median(times) / statistics.median(base)
                print(f"daemon, debounce {debounce} ms: {_ms(times)} ({ratio:.1f}x the baseline median)")
            interval = interval_ms / 1000
            for debounce, cancel in ((0, False), (0, True), (75, False), (75, True)):
                sent, called = await typing(root, fake, debounce, interval, cancel)
                share = 1 - called / sent
                how = "with $/cancelRequest" if cancel else "no cancel"
                print(
                    f"typing {sent} keys every {interval_ms} ms, debounce {debounce} ms, {how}: "
                    f"{called} model calls, {share:.0%} of requests never reached the model"
                )
    finally:
        fake.stop_thread()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--interval-ms", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.interval_ms))
