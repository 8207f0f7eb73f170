"""A skill: Markdown with YAML frontmatter (Claude Code compatible)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import A3SError
from ..frontmatter import split_frontmatter


class SkillError(A3SError):
    code = "bad_skill"


@dataclass(frozen=True)
class Skill:
    name: str
    description: str
    content: str
    allowed_tools: str | None = None
    """Rules like ``read(*.rs), grep(*)``: while the skill is active, only these tools run."""
    disable_model_invocation: bool = False
    """Only loaded on request (``/skill name``), never chosen automatically."""
    kind: str = "instruction"
    tags: tuple[str, ...] = ()
    version: str | None = None
    path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_skill(text: str, path: str | Path | None = None) -> Skill:
    """Parse one skill file; every problem names the file."""
    where = str(path) if path else "<skill>"
    meta, body = split_frontmatter(text, where, "a skill", SkillError)
    for key in ("name", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise SkillError(f"{where}: '{key}' is required and must be text")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    allowed = meta.get("allowed-tools", meta.get("allowed_tools"))
    if isinstance(allowed, list):
        allowed = ", ".join(str(a) for a in allowed)
    known = {
        "name",
        "description",
        "allowed-tools",
        "allowed_tools",
        "disable-model-invocation",
        "kind",
        "tags",
        "version",
    }
    return Skill(
        name=meta["name"].strip(),
        description=meta["description"].strip(),
        content=body.strip(),
        allowed_tools=str(allowed) if allowed else None,
        disable_model_invocation=bool(meta.get("disable-model-invocation", False)),
        kind=str(meta.get("kind", "instruction")),
        tags=tuple(str(t) for t in tags),
        version=str(meta["version"]) if meta.get("version") is not None else None,
        path=str(path) if path else None,
        extra={k: v for k, v in meta.items() if k not in known},
    )
