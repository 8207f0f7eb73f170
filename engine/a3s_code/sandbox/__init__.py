"""Sandboxed execution: the ``BashSandbox`` extension point, the local executor, and bubblewrap.

``SessionOptions().with_sandbox(SandboxConfig(network=False, memory_mb=512))`` (or an HCL
``sandbox { }`` block) routes ``bash`` through ``BubblewrapSandbox`` and registers the ``sandbox``
tool. See docs/security.md, "The sandbox".
"""

from __future__ import annotations

from .base import (
    BashSandbox,
    LocalBashExecutor,
    SandboxCommandRequest,
    SandboxError,
    SandboxInfo,
    SandboxUnavailableError,
)
from .bwrap import BubblewrapSandbox, SecretEnv, bwrap_version, find_bwrap
from .config import SandboxConfig, SandboxConfigError
from .factory import build_sandbox, session_sandbox

__all__ = [
    "BashSandbox",
    "BubblewrapSandbox",
    "LocalBashExecutor",
    "SandboxCommandRequest",
    "SandboxConfig",
    "SandboxConfigError",
    "SandboxError",
    "SandboxInfo",
    "SandboxUnavailableError",
    "SecretEnv",
    "build_sandbox",
    "bwrap_version",
    "find_bwrap",
    "session_sandbox",
]
