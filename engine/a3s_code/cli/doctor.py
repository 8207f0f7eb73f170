"""``a3s-code doctor``: check what a first run needs and say how to fix each problem."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..config import AgentConfig, ProviderConfig, discover_config_path, load_file
from ..errors import ConfigError
from .render import Renderer, wants_color

DEFAULT_URLS = {"anthropic": "https://api.anthropic.com", "openai": "https://api.openai.com/v1"}
_LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False
    """Worth knowing, not a reason to fail (for example no MCP servers configured)."""


def check_config(explicit: str | None) -> tuple[list[Check], AgentConfig | None]:
    path = discover_config_path(explicit)
    if path is None:
        return [
            Check(
                "config",
                False,
                "no configuration found (searched -c, $A3S_CONFIG, ~/.a3s/config.hcl, ./agent.hcl)",
                'create ./agent.hcl with default_model = "anthropic/claude-sonnet-4-20250514" and a '
                'providers { name = "anthropic" api_key = env("ANTHROPIC_API_KEY") } block',
            )
        ], None
    try:
        config = load_file(path)
    except ConfigError as exc:
        return [Check("config", False, str(exc), "correct the file at the place named above")], None
    checks = [Check("config", True, str(path.resolve()))]
    if not config.default_model:
        checks.append(
            Check("model", False, "no default_model", 'add default_model = "provider/model", or pass -m')
        )
    else:
        try:
            config.resolve_model(config.default_model)
            checks.append(Check("model", True, config.default_model))
        except ConfigError as exc:
            checks.append(Check("model", False, str(exc), "add the provider block or fix default_model"))
    if not config.providers:
        checks.append(Check("providers", False, "no providers configured", "add a providers { } block"))
    return checks, config


def _base_url(provider: ProviderConfig) -> str:
    url = provider.base_url or DEFAULT_URLS.get(provider.name)
    return url or ""


def check_key(provider: ProviderConfig) -> Check:
    name = f"provider {provider.name}: key"
    if provider.api_key or any(m.api_key for m in provider.models):
        return Check(name, True, "set")
    if urlparse(_base_url(provider)).hostname in _LOCAL:
        return Check(name, True, "not needed for a local server")
    variable = provider.api_key_env or f"{provider.name.upper().replace('-', '_')}_API_KEY"
    how = f"export {variable}=..." + (
        "" if provider.api_key_env else f' and set api_key = env("{variable}") in the provider block'
    )
    return Check(name, False, f"no API key ({variable} is not set)", how)


def _probe(url: str, timeout: float) -> str | None:
    """None when the server answered at all (any HTTP status counts), else why not."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return str(reason) or type(exc).__name__


async def check_reachable(provider: ProviderConfig, probe_s: float) -> Check:
    name = f"provider {provider.name}: reachable"
    url = _base_url(provider)
    if not url:
        return Check(name, False, "no base_url", f"set base_url in the {provider.name} provider block")
    problem = await asyncio.to_thread(_probe, url, probe_s)
    if problem is None:
        return Check(name, True, url)
    return Check(
        name,
        False,
        f"{url}: {problem}",
        "check the network, a proxy (HTTPS_PROXY) or base_url; --offline skips this check",
    )


def check_mcp(config: AgentConfig) -> list[Check]:
    checks = []
    for server in config.mcp_servers:
        name = f"mcp {server.name}"
        if not server.enabled:
            checks.append(Check(name, True, "disabled", warning=True))
        elif server.command:
            found = shutil.which(server.command)
            if found:
                checks.append(Check(name, True, found))
            else:
                checks.append(
                    Check(
                        name,
                        False,
                        f"command not found: {server.command}",
                        "install it or put its folder on PATH",
                    )
                )
        else:
            checks.append(Check(name, True, f"HTTP {server.url}"))
    return checks


def check_rg() -> Check:
    from ..tools._text import find_rg

    found = find_rg()
    if found:
        return Check("ripgrep", True, found)
    return Check("ripgrep", False, "rg not found (the grep tool needs it)", "pip install ripgrep")


def check_sandbox(config: AgentConfig | None, workspace: Path) -> Check:
    """With a ``sandbox`` block: a trial sandbox exactly as sessions in ``workspace`` get it (a
    failure is a problem). Without one: whether bubblewrap works here (worth knowing, never a failure)."""
    from ..sandbox import (
        SandboxConfig,
        SandboxConfigError,
        SandboxUnavailableError,
        build_sandbox,
        bwrap_version,
    )

    wanted = config.sandbox if config is not None else None
    configured = wanted is not None and wanted.enabled
    trial = wanted if configured and wanted is not None else SandboxConfig()
    try:
        with tempfile.TemporaryDirectory(prefix="a3s-doctor-") as scratch:
            root = workspace if configured and workspace != Path("/") else Path(scratch)
            sandbox = build_sandbox(trial, config or AgentConfig.model_validate({}), root)
    except (SandboxUnavailableError, SandboxConfigError) as exc:
        fix = getattr(exc, "fix", "") or "correct the sandbox block"
        if configured:
            return Check("sandbox", False, getattr(exc, "reason", str(exc)), fix)
        return Check("sandbox", True, f"not configured; bubblewrap would not work here: {exc}", warning=True)
    label = sandbox.describe().label().removeprefix("sandbox: ")
    found = f"{bwrap_version(sandbox.binary)} at {sandbox.binary}"
    if configured:
        return Check("sandbox", True, f"{label} ({found})")
    return Check("sandbox", True, f"not configured, bash runs unsandboxed; {found} works here", warning=True)


async def run_checks(explicit: str | None, offline: bool, probe_s: float) -> list[Check]:
    checks, config = check_config(explicit)
    if config is not None:
        checks += [check_key(p) for p in config.providers]
        if not offline:
            checks += await asyncio.gather(*(check_reachable(p, probe_s) for p in config.providers))
        checks += check_mcp(config)
    checks.append(check_rg())
    checks.append(await asyncio.to_thread(check_sandbox, config, Path.cwd()))
    return checks


def report(checks: list[Check], renderer: Renderer) -> int:
    r = renderer
    problems = [c for c in checks if not c.ok]
    for check in checks:
        mark = r.style("✓", "green") if check.ok else r.style("✗", "red", "bold")
        r.line(f"{mark} {check.name}: {check.detail}")
        if not check.ok and check.fix:
            r.line(r.style(f"    fix: {check.fix}", "yellow"))
    if problems:
        r.line(r.style(f"{len(problems)} problem(s) found.", "red", "bold"))
        return 1
    r.line(r.style("Everything looks ready.", "green"))
    return 0


def doctor(explicit: str | None, *, offline: bool = False, timeout: float = 3.0, color: str = "auto") -> int:
    """Print every check; the exit status is 1 when anything needs fixing."""
    renderer = Renderer(sys.stdout, wants_color(sys.stdout, color))
    checks = asyncio.run(run_checks(explicit, offline, timeout))
    return report(checks, renderer)
