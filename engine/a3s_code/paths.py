"""Workspace confinement: every path is resolved (symlinks, ``..``) before it is checked."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import WorkspaceError


def resolve_in_workspace(workspace: Path, path: str | os.PathLike[str]) -> Path:
    """Resolve ``path`` (relative to ``workspace`` or absolute) and refuse anything outside it.

    Symlinks are followed for the existing part of the path, so a link pointing out of the
    workspace is refused even when the final file does not exist yet.
    """
    root = workspace.resolve()
    raw = Path(os.path.expanduser(os.fspath(path)))
    candidate = raw if raw.is_absolute() else root / raw
    try:
        resolved = candidate.resolve(strict=False)
    except OSError as exc:  # a component changed while it was being resolved (a symlink swapped)
        raise WorkspaceError(f"path {os.fspath(path)!r} could not be resolved: {exc.strerror}") from None
    if resolved != root and root not in resolved.parents:
        raise WorkspaceError(f"path {os.fspath(path)!r} resolves to {resolved}, outside the workspace {root}")
    return resolved


def display_path(workspace: Path, path: Path) -> str:
    """Workspace-relative, forward slashes; what tool output shows the model."""
    try:
        return path.relative_to(workspace.resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()
