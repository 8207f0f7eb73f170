"""Paths whose modification always needs a human, whatever the allow rules or mode say."""

from __future__ import annotations

from pathlib import Path

PROTECTED_DIRS = (".git", ".a3s", ".vscode", ".idea", ".zed")
PROTECTED_FILES = (
    "agent.hcl",
    ".nvim.lua",
    ".nvimrc",
    ".exrc",
    ".bashrc",
    ".bash_profile",
    ".zshrc",
    ".profile",
    ".envrc",
)


def protected_reason(path: Path, workspace: Path) -> str | None:
    """Why writing ``path`` (absolute, resolved) must be confirmed, or None."""
    home_config = Path.home() / ".a3s"
    if path == home_config or home_config in path.parents:
        return "it is the agent's own configuration (~/.a3s)"
    try:
        parts = path.relative_to(workspace).parts
    except ValueError:
        parts = path.parts[-2:]
    for part in parts[:-1]:
        if part in PROTECTED_DIRS:
            return f"it is inside {part}/ (tool settings or repository internals)"
    if parts and (parts[-1] in PROTECTED_FILES or parts[-1] in PROTECTED_DIRS):
        return f"{parts[-1]} can change what the agent or the editor is allowed to do"
    return None
