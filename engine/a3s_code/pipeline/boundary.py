"""The workspace boundary: every path-like argument is resolved, then confined, before any rule is asked.

A tool names its path parameters (``Tool.path_args``) and its glob-pattern parameters
(``Tool.pattern_args``, each relative to one of its path parameters). For each the pipeline:

- refuses a NUL byte, in these and in every other argument but declared free text (no operating
  system accepts one in a path, a command line or a name; it is an invalid argument);
- refuses a ``$NAME`` / ``${NAME}`` reference: paths are taken literally, never shell-expanded, so
  ``$HOME/.ssh/id_rsa`` cannot mean one file to the check and another to the tool;
- resolves the path exactly as the tools do (``paths.resolve_in_workspace``: ``~``, ``..``,
  absolute paths and symlinks of the existing part followed) and refuses one outside the workspace;
- for a glob pattern, resolves its fixed leading folders the same way (``../../**/*`` starts two
  folders up, so it is refused), and refuses ``..`` after a wildcard or inside braces, where no
  static check can tell where it leads.

The refusal is final: it is decided before permission rules and before anyone is asked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WorkspaceError
from ..paths import resolve_in_workspace
from ..tools.base import Tool, ToolParams

_VARIABLE = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{)")
_WILDCARD = frozenset("*?[{")
_DOTDOT = re.compile(r"(?:^|[/{,])\.\.(?=$|[/},])")


@dataclass(frozen=True)
class Refusal:
    """Why a call is refused at the boundary; ``invalid`` marks a malformed argument (NUL byte)."""

    message: str
    invalid: bool = False


def check_boundary(
    tool: Tool[Any], params: ToolParams, workspace: Path, args: dict[str, Any] | None = None
) -> Refusal | None:
    """None when every path and pattern argument of ``params`` stays inside ``workspace``.

    ``args`` (the raw arguments) are also searched for a NUL byte: no path, command line, URL or
    pattern can hold one, so only the parameters a tool declares as free text (``Tool.text_args``:
    file contents) may.
    """
    for name, value in (args or {}).items():
        if name not in tool.text_args and _has_nul(value):
            return Refusal(
                f"{name} contains a NUL byte, which no path, command or name can hold", invalid=True
            )
    root = workspace.resolve()
    bases: dict[str, Path] = {}
    for name in tool.path_args:
        value = getattr(params, name, None)
        if not isinstance(value, str):
            continue
        resolved = _path(name, value, root)
        if isinstance(resolved, Refusal):
            return resolved
        bases[name] = resolved
    for name, base_arg in tool.pattern_args.items():
        value = getattr(params, name, None)
        if isinstance(value, str) and value:
            refusal = _pattern(name, value, bases.get(base_arg, root), root)
            if refusal is not None:
                return refusal
    return None


def _path(name: str, raw: str, root: Path) -> Path | Refusal:
    if "\0" in raw:
        return Refusal(f"{name} contains a NUL byte, which no file name can hold", invalid=True)
    if _VARIABLE.search(raw):
        return Refusal(
            f"{name} {raw!r} uses a shell variable; paths are taken literally and never expanded. "
            "Give the path itself, inside the workspace."
        )
    try:
        return resolve_in_workspace(root, raw or ".")
    except WorkspaceError as exc:
        return Refusal(f"{exc}. Only paths inside the workspace can be used.")
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a name too long
        return Refusal(f"{name} {raw!r} cannot be resolved: {exc}")


def _pattern(name: str, raw: str, base: Path, root: Path) -> Refusal | None:
    pattern = raw.strip().removeprefix("!")  # ripgrep's negated globs
    if "\0" in pattern:
        return Refusal(f"{name} contains a NUL byte", invalid=True)
    if _VARIABLE.search(pattern):
        return Refusal(f"{name} {raw!r} uses a shell variable; patterns are taken literally")
    fixed: list[str] = []
    wild = False
    for segment in pattern.split("/"):
        if wild or any(c in _WILDCARD for c in segment):
            wild = True
            if _DOTDOT.search(segment) or segment == "..":
                return Refusal(
                    f"{name} {raw!r} has '..' after a wildcard or inside braces, which could lead "
                    "outside the workspace; write the folder out before the first wildcard"
                )
            continue
        fixed.append(segment)
    start = "/".join(fixed) if fixed and fixed != [""] else "/" if pattern.startswith("/") else "."
    candidate = Path(os.path.expanduser(start))
    try:
        resolved = (candidate if candidate.is_absolute() else base / candidate).resolve(strict=False)
    except (OSError, RuntimeError, ValueError) as exc:
        return Refusal(f"{name} {raw!r} cannot be resolved: {exc}")
    if resolved != root and root not in resolved.parents:
        return Refusal(
            f"{name} {raw!r} reaches {resolved}, outside the workspace {root}; "
            "patterns are confined like paths"
        )
    return None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\0" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False
