"""Fixtures for the sandbox tests: a workspace and a factory of sandboxed shells."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from a3s_code.sandbox import SandboxConfig
from tests.engine.sandbox.helpers import Shell


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def shell(workspace: Path) -> Callable[..., Shell]:
    """``shell(network=True, ...)``: SandboxConfig fields; ``kwargs={...}`` for BubblewrapSandbox."""

    def make(**config: Any) -> Shell:
        kwargs = config.pop("kwargs", {})
        return Shell(workspace, SandboxConfig(**config), **kwargs)

    return make
