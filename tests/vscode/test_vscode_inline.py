"""Inline completions in a real VS Code (code-server in headless Chromium) with the packaged extension:
typing shows the daemon's ghost text, Tab accepts it. Screenshots go to ``$A3S_VSCODE_SHOTS``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.vscode.tooling import run_in_code_server


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_typing_in_vscode_shows_the_ghost_text_and_tab_accepts_it(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    fake_llm_thread.add(*[Turn.text("urn a + b") for _ in range(40)])
    found = run_in_code_server(
        tmp_path,
        fake_llm_thread,
        "e2e_inline.js",
        files={"app.py": "def add(a, b):\n\nprint(add(1, 2))\n"},
        config=fake_llm_thread.config(
            "openai", "gpt-4o", extra='completion_model = "openai/qwen2.5-coder"\n'
        ),
        # as before this harness: VS Code's own AI setting left at its default, inline suggestions on
        settings={"chat.disableAIFeatures": False, "editor.inlineSuggest.enabled": True},
    ).found
    assert found["ghost"].startswith("urn a + b")
    assert "    return a + b" in found["lines"]
    completions = [
        r
        for r, api in zip(fake_llm_thread.requests, fake_llm_thread.apis, strict=True)
        if api == "completions"
    ]
    # the request behind the ghost text (VS Code asks again after Tab, at the new cursor)
    assert any(
        "<|fim_prefix|>def add(a, b):\n    ret<|fim_suffix|>\n\nprint" in r["prompt"] for r in completions
    )
