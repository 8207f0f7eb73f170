"""What a sandboxed command sees: the file-system plan, as bubblewrap arguments.

- ``/`` is a tmpfs holding read-only binds of every top-level entry of the host root (or of ``image``)
  and its top-level symlinks; it is remounted read-only at the end. (A plain ``--ro-bind / /`` would
  leave no way to create ``/workspace``.)
- Fresh ``/proc`` (the new PID namespace's), a minimal ``/dev``, and private tmpfs ``/tmp``,
  ``/dev/shm`` and ``/run`` (``/run`` holds the host's service sockets: Docker, D-Bus).
- The workspace read-write at its own path and at ``/workspace``; extra ``ro_mounts``/``rw_mounts``.
- Credential files and folders hidden wherever a bind makes them visible: folders become an empty
  read-only tmpfs, files an empty read-only file.

Mounts are ordered parents first, so a hide always lands on top of the bind that exposed it.

Cost: bubblewrap re-reads ``/proc/self/mountinfo`` after every bind (bwrap.c ``bind_mount``, to
apply read-only and ``nosuid`` to submounts), so a bind costs in proportion to the mounts already
there. Hence the order: fresh ``/proc``, ``/dev`` and tmpfs mounts first, then the top-level binds
and hides, and last the top-level binds that bring host submounts along (``/sys`` with its cgroup
mounts); an empty top-level folder is made with ``--dir`` instead of bound (nothing to show).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import SandboxConfig, SandboxConfigError, host_path
from .rootscan import SCANNER, WORKSPACE_MOUNT, RootScanner

HIDDEN_IN_HOME = (
    ".ssh",
    ".gnupg",
    ".aws",
    ".azure",
    ".config/gcloud",
    ".a3s",
    ".docker",
    ".kube",
    ".netrc",
    ".git-credentials",
    ".password-store",
    ".local/share/keyrings",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    ".yarnrc.yml",
    ".gem/credentials",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".config/gh",
    ".config/hub",
    ".config/op",
    ".config/rclone",
    ".config/github-copilot",
    ".terraform.d",
    ".vault-token",
    ".s3cfg",
    ".boto",
    ".codex",
    ".claude",
    ".claude.json",
    ".mozilla",
    ".config/google-chrome",
    ".config/chromium",
    ".bash_history",
    ".zsh_history",
    ".python_history",
    ".psql_history",
    ".mysql_history",
    ".node_repl_history",
)
"""Credential stores under the user's home (cloud CLIs, SSH, GPG, package registries, coding agents,
browser profiles, shell histories)."""

READ_ONLY_IN_WORKSPACE = (
    ".git/hooks",
    ".git/config",
    ".a3s",
    ".vscode",
    ".idea",
    ".zed",
    "agent.hcl",
    ".nvim.lua",
    ".nvimrc",
    ".exrc",
    ".envrc",
    ".bashrc",
    ".bash_profile",
    ".zshrc",
    ".profile",
)
"""Workspace paths that would run code or widen permissions *outside* the sandbox later (git hooks,
``core.hooksPath``/``core.fsmonitor`` in .git/config, editor tasks, direnv, the agent's own config):
read-only inside it when they exist. The write tools can still change them, after asking
(permissions/protected.py lists the same paths)."""

HIDDEN_SYSTEM = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/ssl/private")
"""Readable only by root; a daemon running as root would otherwise show them to its commands."""


@dataclass(frozen=True)
class Bind:
    source: Path
    dest: str
    writable: bool


@dataclass(frozen=True)
class _Op:
    dest: str
    rank: int
    """Same depth: workspace (0), read-only workspace paths (1), built-in hides (2), explicit mounts
    (3), the config's ``hide`` (4)."""
    args: tuple[str, ...]


def parse_mount(entry: str, base: Path, writable: bool) -> Bind:
    """``"PATH"`` or ``"SOURCE:/dest"``; relative and ``~`` sources are resolved; raises when missing."""
    source_text, _, dest = entry.partition(":")
    source = host_path(source_text, base).resolve()
    if not source.exists():
        kind = "rw_mounts" if writable else "ro_mounts"
        raise SandboxConfigError(f"sandbox {kind} entry {entry!r}: {source} does not exist")
    return Bind(source, dest or str(source), writable)


def secret_paths(home: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The built-in credential paths that exist and that this process could read, resolved.

    The home folder is listed once, and only the entries under names it holds are looked up (about
    50 path lookups become a listing and a few lookups; this runs before every call)."""
    try:
        present: set[str] | None = set(os.listdir(home))
    except OSError:
        present = None  # look every candidate up
    rels = [rel for rel in HIDDEN_IN_HOME if present is None or rel.split("/", 1)[0] in present]
    candidates = [os.path.join(home, rel) for rel in rels] + list(HIDDEN_SYSTEM)
    candidates += [str(p) for p in extra]
    found: list[Path] = []
    for text in candidates:
        if not (os.path.exists(text) and os.access(text, os.R_OK)):
            continue
        real = Path(os.path.realpath(text))
        if real not in found:
            found.append(real)
    return found


def _depth(dest: str) -> int:
    return len(Path(dest).parts)


def _inside(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it (both absolute and normalised; cheaper than Path.parents)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _visible_at(path: Path, binds: Sequence[Bind]) -> list[str]:
    """Every place inside the sandbox where host ``path`` shows, through the binds that contain it."""
    places: list[str] = []
    text = str(path)
    for bind in binds:
        source = str(bind.source)
        if _inside(text, source):
            place = bind.dest.rstrip("/") + text[len(source.rstrip("/")) :] if text != source else bind.dest
            if place not in places:
                places.append(place)
    return places


def empty_file() -> Path:
    """An empty read-only file to bind over hidden files (``/dev/null`` cannot be used: bwrap binds
    with ``nodev``, so opening it would fail instead of reading nothing). Recreated if a temp
    cleaner removed it; private to this user."""
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = Path(tempfile.mkdtemp(prefix="a3s-sandbox-")) / "empty"
        atexit.register(shutil.rmtree, _EMPTY.parent, True)
    if not _EMPTY.is_file():
        _EMPTY.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _EMPTY.touch(mode=0o444)
    return _EMPTY


_EMPTY: Path | None = None


def read_only_paths(workspace: Path) -> list[Path]:
    """The ``READ_ONLY_IN_WORKSPACE`` entries that exist, resolved; symlinks only when they stay inside."""
    found: list[Path] = []
    top = str(workspace)
    for rel in READ_ONLY_IN_WORKSPACE:
        path = os.path.join(top, rel)
        if not os.path.lexists(path):
            continue
        real = os.path.realpath(path)
        if os.path.exists(real) and _inside(real, top) and Path(real) not in found:
            found.append(Path(real))
    return found


def _hide(path: Path, place: str) -> tuple[str, ...]:
    if path.is_dir():
        return ("--perms", "0500", "--tmpfs", place)
    return ("--ro-bind", str(empty_file()), place)


def plan(
    config: SandboxConfig,
    workspace: Path,
    *,
    image: Path | None,
    extra: Sequence[Bind],
    secrets: Sequence[Path],
    user_hidden: Sequence[Path],
    scanner: RootScanner = SCANNER,
) -> list[str]:
    """The bwrap mount arguments for this session (namespaces, limits and the command come later)."""
    if workspace == Path("/"):
        raise SandboxConfigError("a sandbox cannot use / as the workspace")
    root = image or Path("/")
    top = scanner.ops(root)
    root_binds = [Bind(Path(source), dest, False) for source, dest in top.binds]
    if image is not None:
        root_binds = []  # the host's files are not under an image root
    small = str(min(64, config.memory_mb) * 1024 * 1024)
    args: list[str] = [
        "--tmpfs",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        small,
        "--tmpfs",
        "/dev/shm",
    ]
    args += [
        "--size",
        str(config.memory_mb * 1024 * 1024),
        "--tmpfs",
        "/tmp",
        "--size",
        small,
        "--tmpfs",
        "/run",
    ]
    for op in top.early:
        args += op
    if image is None and config.network:
        resolv = Path("/etc/resolv.conf").resolve()
        if resolv.is_relative_to("/run") and resolv.is_file():  # systemd-resolved's stub file
            args += ["--ro-bind", str(resolv), str(resolv)]
    work = [Bind(workspace, str(workspace), True)]
    if str(workspace) != WORKSPACE_MOUNT:
        work.append(Bind(workspace, WORKSPACE_MOUNT, True))
    ops = [_Op(b.dest, 0, ("--bind", str(b.source), b.dest)) for b in work]
    ops += [_Op(b.dest, 3, ("--bind" if b.writable else "--ro-bind", str(b.source), b.dest)) for b in extra]
    for path in read_only_paths(workspace):
        ops += [_Op(place, 1, ("--ro-bind", str(path), place)) for place in _visible_at(path, work)]
    mounted = [op.dest for op in ops]
    binds = [*root_binds, *work, *extra]
    for rank, hidden in ((2, secrets), (4, user_hidden)):
        for path in hidden:
            for place in _visible_at(path, binds):
                if any(m != place and _inside(m, place) for m in mounted):
                    continue  # the workspace or a mount the config asked for lives inside: keep it reachable
                ops.append(_Op(place, rank, _hide(path, place)))
    ordered = sorted(ops, key=lambda o: (_depth(o.dest), o.rank))
    under_late = [o for o in ordered if any(_inside(o.dest, op[2]) for op in top.late)]
    for mount in ordered:
        if mount not in under_late:
            args += mount.args
    for op in top.late:
        args += op
    for mount in under_late:
        args += mount.args
    return [*args, "--remount-ro", "/"]
