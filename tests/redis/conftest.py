"""Fixtures for the Redis backend: a real server per test (its own port, data and password)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    directory = tmp_path / "redis-data"
    directory.mkdir()
    server = RedisServer(directory).start()
    yield server
    server.stop()


@pytest.fixture
def redis_aof(tmp_path: Path) -> Iterator[RedisServer]:
    directory = tmp_path / "redis-aof"
    directory.mkdir()
    server = RedisServer(directory, aof=True).start()
    yield server
    server.stop()
