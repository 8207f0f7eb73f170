"""BubblewrapSandbox: each command in fresh Linux namespaces through ``bwrap`` (Debian ``bubblewrap``).

Per call: new user, mount, PID, IPC, UTS and cgroup namespaces (network too unless ``network``), no
capabilities, no nested user namespaces, a new session (no terminal to inject keystrokes into), and
``--die-with-parent``; the file-system view comes from ``view.plan`` and the limits from ``limits``.
The flags are bubblewrap's (bwrap(1), bubblewrap 0.8).
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..tools._proc import ProcessResult, run_shell
from . import limits as lim
from .base import SandboxCommandRequest, SandboxError, SandboxInfo, SandboxUnavailableError
from .config import PROVIDER_KEY_VARIABLES, SandboxConfig, SandboxConfigError, host_path, resolve_image
from .rootscan import WORKSPACE_MOUNT
from .view import empty_file, parse_mount, plan, secret_paths

PROBE_TIMEOUT_S = 15.0
NAMESPACES = (
    "--unshare-all",
    "--unshare-user",
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
)
_USERNS_FAILURES = (
    "no permissions to creat",
    "creating new namespace failed",
    "setting up uid map",
    "operation not permitted",
    "permission denied",
    "user namespace",
)
INSTALL_HINT = (
    "install it (apt-get install bubblewrap; dnf install bubblewrap; pacman -S bubblewrap), or set "
    'bwrap = "/path/to/bwrap" in the sandbox block'
)
USERNS_HINT = (
    "one of: 'sysctl -w kernel.unprivileged_userns_clone=1' (Debian kernels); "
    "'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0' or an AppArmor profile for bwrap "
    "(Ubuntu 23.10 and later); run the container with --security-opt seccomp=unconfined "
    "--security-opt apparmor=unconfined (or --privileged); or run the daemon outside the container"
)


@dataclass(frozen=True)
class SecretEnv:
    """Variables that never enter a sandbox: by name, and by value (a configured API key)."""

    names: frozenset[str] = PROVIDER_KEY_VARIABLES
    values: frozenset[str] = field(default_factory=frozenset)

    def forbids(self, name: str, value: str) -> bool:
        return name in self.names or any(key and key in value for key in self.values)


def _root() -> bool:
    """The kernel exempts the global root user from RLIMIT_NPROC: limits are then set differently."""
    return os.geteuid() == 0


def _valid_variable(name: str, value: str) -> bool:
    """What execve(2) can pass: no NUL anywhere, no ``=`` in the name."""
    return bool(name) and "=" not in name and "\0" not in name and "\0" not in value


def _name_patterns(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regular expression matching what ``fnmatchcase`` would for any of ``patterns`` (nothing
    when there are none): the allow-list is checked against every host variable on every call."""
    parts = [f"(?:{fnmatch.translate(p)})" for p in patterns]
    return re.compile("|".join(parts) if parts else r"(?!)")


def find_bwrap(name: str) -> str:
    """The bwrap executable's path; raises SandboxUnavailableError saying how to install it."""
    if "/" in name:
        path = host_path(name)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise SandboxUnavailableError(f"bubblewrap not found at {path}", INSTALL_HINT)
    found = shutil.which(name)
    if found is None:
        raise SandboxUnavailableError(f"bubblewrap is not installed (no {name!r} on PATH)", INSTALL_HINT)
    return found


def bwrap_version(binary: str) -> str:
    """``bubblewrap 0.8.0``, or what went wrong asking."""
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return (done.stdout or done.stderr).strip() or "unknown"


class BubblewrapSandbox:
    """``BashSandbox`` on bubblewrap. Construction checks that this machine can run it (one trial
    sandbox, a few milliseconds) and raises SandboxUnavailableError or SandboxConfigError otherwise.

    ``base_dir`` resolves relative ``image`` and mount paths (the config file's folder); ``home`` is
    whose credential folders are hidden (default: ``Path.home()``); ``hidden`` adds paths to hide
    (the agent's own config file, which may hold API keys).
    """

    def __init__(
        self,
        config: SandboxConfig,
        workspace: str | os.PathLike[str],
        *,
        base_dir: Path | None = None,
        home: Path | None = None,
        hidden: Iterable[Path] = (),
        secret_env: SecretEnv | None = None,
        check: bool = True,
    ) -> None:
        self.config = config
        self.workspace = Path(workspace).resolve()
        self.secret_env = secret_env or SecretEnv()
        self._check_env_settings()
        self._passthrough = _name_patterns(config.env_passthrough)
        base = base_dir or Path.cwd()
        self.binary = find_bwrap(config.bwrap)
        self.image = resolve_image(config.image, base) if config.image else None
        self._extra = [parse_mount(e, base, False) for e in config.ro_mounts]
        self._extra += [parse_mount(e, base, True) for e in config.rw_mounts]
        self._home = home or Path.home()
        self._hidden = list(hidden)
        self._mounts()  # a config the plan refuses fails here, not on the first command
        self._limits = lim.Limits(config.memory_mb, config.max_processes, config.cpus)
        self._limiter = lim.Limiter.find(self.image or Path("/"))
        if config.cpus and self._limiter.taskset is None:
            raise SandboxConfigError("cpus needs taskset (util-linux) in the sandbox image")
        self._cgroups = lim.check_process_cap(self._limits)
        if check:
            self.check()

    # -- BashSandbox ---------------------------------------------------------------------------

    def describe(self) -> SandboxInfo:
        return SandboxInfo(
            enabled=True,
            backend="bubblewrap",
            network=self.config.network,
            memory_mb=self.config.memory_mb,
            max_processes=self.config.max_processes or None,
            image=str(self.image) if self.image else None,
            workspace_mount=WORKSPACE_MOUNT,
            timeout_ms=self.config.timeout_ms,
        )

    async def exec(self, request: SandboxCommandRequest) -> ProcessResult:
        empty_file()  # what hidden files are bound to; a temp cleaner may have removed it
        limits = lim.Limits(
            self._narrow_memory(request.memory_mb), self.config.max_processes, self.config.cpus
        )
        network = self._narrow_network(request.network)
        timeout_s = request.timeout_s
        if self.config.timeout_ms is not None:
            timeout_s = min(timeout_s, self.config.timeout_ms / 1000)
        cgroup = lim.PidsCgroup(self._cgroups) if self._cgroups is not None else None
        argv = [self.binary, *self._namespace_args(network), *self._mounts(), "--chdir", request.cwd]
        argv += ["--", *self._limiter.command(limits, request.command, inside=not _root())]
        try:
            if cgroup is not None:
                cgroup.create(limits.max_processes)
            if _root():
                argv = lim.as_root(argv, limits, cgroup)
            return await run_shell(
                argv,
                cwd=str(self.workspace),
                env=self.environment(request.env),
                timeout_s=timeout_s,
                on_output=request.on_output,
            )
        finally:
            if cgroup is not None:
                cgroup.remove()

    # -- checks and settings -------------------------------------------------------------------

    def check(self) -> None:
        """Run one trial sandbox with this session's exact view; raises SandboxUnavailableError."""
        argv = [self.binary, *self._namespace_args(self.config.network), *self._mounts()]
        argv += [
            "--chdir",
            WORKSPACE_MOUNT,
            "--",
            *self._limiter.command(self._limits, "exit 0", inside=not _root()),
        ]
        if _root():
            argv = lim.as_root(argv, self._limits, None)
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False, cwd=self.workspace
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailableError(
                f"bubblewrap ({self.binary}) could not be run: {exc}", INSTALL_HINT
            ) from exc
        if done.returncode == 0:
            return
        said = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        if any(marker in said.lower() for marker in _USERNS_FAILURES):
            raise SandboxUnavailableError(
                f"bubblewrap cannot create its namespaces on this machine ({said}); this happens inside "
                "containers and on systems that restrict unprivileged user namespaces",
                USERNS_HINT,
            )
        raise SandboxUnavailableError(
            f"bubblewrap could not start the sandbox: {said}",
            "check the sandbox block's image and mounts; 'a3s-code doctor' runs the same check",
        )

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The variables a command sees: the allow-listed host ones, then ``extra`` (the session's
        ``env``), then the config's ``env``; provider API keys are always removed."""
        allowed = self._passthrough.match
        env = {k: v for k, v in os.environ.items() if allowed(k)}
        env.update(extra or {})
        env.update(self.config.env)
        for name in ("BASH_ENV", "ENV"):  # files a non-interactive shell would source
            env.pop(name, None)
        return {k: v for k, v in env.items() if _valid_variable(k, v) and not self.secret_env.forbids(k, v)}

    def _check_env_settings(self) -> None:
        named = [p for p in self.config.env_passthrough if p in self.secret_env.names]
        named += [k for k, v in self.config.env.items() if self.secret_env.forbids(k, v)]
        if named:
            raise SandboxConfigError(
                f"the sandbox's env settings name {', '.join(sorted(set(named)))}: provider API keys never "
                "enter the sandbox; remove them from env_passthrough / env"
            )

    def _narrow_memory(self, asked: int | None) -> int:
        if asked is None:
            return self.config.memory_mb
        if asked > self.config.memory_mb:
            raise SandboxError(
                f"memory_mb {asked} is above this session's sandbox limit of {self.config.memory_mb} MB"
            )
        return asked

    def _narrow_network(self, asked: bool | None) -> bool:
        if asked and not self.config.network:
            raise SandboxError(
                "network access is off in this session's sandbox (sandbox { network = false })"
            )
        return self.config.network if asked is None else asked

    def _mounts(self) -> list[str]:
        """The file-system plan, made per call (a fraction of a millisecond) so that paths created
        since the session started are covered: a new ``.git/hooks``, a new credential folder."""
        user_hidden = [p.resolve() for p in (host_path(h) for h in self.config.hide) if p.exists()]
        return plan(
            self.config,
            self.workspace,
            image=self.image,
            extra=self._extra,
            secrets=secret_paths(self._home, self._hidden),
            user_hidden=user_hidden,
        )

    @staticmethod
    def _namespace_args(network: bool) -> list[str]:
        return [*NAMESPACES, *(["--share-net"] if network else [])]
