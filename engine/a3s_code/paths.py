"""Workspace confinement: every path is resolved (symlinks, ``..``) before it is checked.

A session has one workspace (its primary root: relative paths start there, ``bash`` runs there)
and may have further roots (``SessionOptions.roots``, ``Session.add_root``): a path inside any of
them is inside the workspace, one outside all of them is refused.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .errors import WorkspaceError


def within(path: Path, roots: Sequence[Path]) -> bool:
    """Whether the resolved ``path`` is one of ``roots`` (resolved) or below one of them."""
    return any(path == root or root in path.parents for root in roots)


def resolve_in_workspace(
    workspace: Path, path: str | os.PathLike[str], extra_roots: Sequence[Path] = ()
) -> Path:
    """Resolve ``path`` (relative to ``workspace`` or absolute) and refuse anything outside it.

    ``extra_roots`` are the session's further roots (already resolved): an absolute path, or a
    relative one that ``..`` leads there, inside any of them is accepted too. Symlinks are followed
    for the existing part of the path, so a link pointing out of every root is refused even when
    the final file does not exist yet. Raises ``WorkspaceError`` naming the roots.
    """
    root = workspace.resolve()
    raw = Path(os.path.expanduser(os.fspath(path)))
    candidate = raw if raw.is_absolute() else root / raw
    try:
        resolved = candidate.resolve(strict=False)
    except OSError as exc:  # a component changed while it was being resolved (a symlink swapped)
        raise WorkspaceError(f"path {os.fspath(path)!r} could not be resolved: {exc.strerror}") from None
    if not within(resolved, (root, *extra_roots)):
        where = f"the workspace {root}"
        if extra_roots:
            where = f"the workspace roots {', '.join(str(r) for r in (root, *extra_roots))}"
        raise WorkspaceError(f"path {os.fspath(path)!r} resolves to {resolved}, outside {where}")
    return resolved


def display_path(workspace: Path, path: Path) -> str:
    """Workspace-relative, forward slashes; what tool output shows the model (absolute when the
    path is under another root)."""
    try:
        return path.relative_to(workspace.resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()
