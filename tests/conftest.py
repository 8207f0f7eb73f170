"""Shared fixtures: a fake LLM server on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fakellm import FakeLLM


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeLLM]:
    """For async tests: served on the test's own event loop."""
    fake = FakeLLM()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def fake_llm_thread() -> Iterator[FakeLLM]:
    """For sync tests and subprocesses (the daemon): served from a background thread."""
    fake = FakeLLM()
    fake.start_in_thread()
    yield fake
    fake.stop_thread()
