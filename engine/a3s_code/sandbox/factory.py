"""Which ``BashSandbox`` a session gets: the options' engine, else the options' or the config's
``SandboxConfig``, else the local executor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import BashSandbox, LocalBashExecutor
from .bwrap import BubblewrapSandbox, SecretEnv
from .config import PROVIDER_KEY_VARIABLES, SandboxConfig

if TYPE_CHECKING:
    from ..config import AgentConfig
    from ..options import SessionOptions


def secret_env(config: AgentConfig) -> SecretEnv:
    """Provider key variables (well-known and the config's ``env("...")`` ones) and the keys themselves."""
    names = set(PROVIDER_KEY_VARIABLES)
    values: set[str] = set()
    for provider in config.providers:
        pairs = [(provider.api_key_env, provider.api_key)] + [
            (m.api_key_env, m.api_key) for m in provider.models
        ]
        for variable, key in pairs:
            if variable:
                names.add(variable)
            if key and len(key) >= 8:  # short placeholders would match too much
                values.add(key)
    return SecretEnv(frozenset(names), frozenset(values))


def build_sandbox(sandbox: SandboxConfig, config: AgentConfig, workspace: Path) -> BubblewrapSandbox:
    """A bubblewrap sandbox for ``workspace``; raises SandboxUnavailableError / SandboxConfigError."""
    source = config.source_path
    return BubblewrapSandbox(
        sandbox,
        workspace,
        base_dir=source.parent if source else None,
        hidden=[source] if source else [],
        secret_env=secret_env(config),
    )


def session_sandbox(config: AgentConfig, options: SessionOptions, workspace: Path) -> BashSandbox:
    """The session's shell: never silently less contained than configured (errors propagate)."""
    if options.bash_sandbox is not None:
        return options.bash_sandbox
    chosen = options.sandbox if options.sandbox is not None else config.sandbox
    if chosen is None or not chosen.enabled:
        return LocalBashExecutor()
    return build_sandbox(chosen, config, workspace)
