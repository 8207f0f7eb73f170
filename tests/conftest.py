"""Shared fixtures: a fake LLM server on an ephemeral loopback port."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fakellm import FakeLLM

# `a3s-code` runs in its own process unless a test asks for the resident server (tests/cli/conftest.py):
# a suite must not leave servers behind in the user's runtime folder.
os.environ.setdefault("A3S_CLI_SERVER", "0")


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
