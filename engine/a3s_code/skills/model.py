"""A skill: Markdown with YAML frontmatter, as Claude Code and the seed write them.

Frontmatter keys (Claude Code, "Agent Skills": ``name``, ``description``, ``allowed-tools``; the
seed adds ``kind``, ``tags``, ``version``; ``disable-model-invocation`` is both's). Claude Code's
``name`` may be left out: a ``<name>/SKILL.md`` skill is named after its folder, a single file
after its stem. ``allowed-tools`` is a YAML list, a comma-separated string (``Read, Grep,
Bash(git diff:*)``) or a space-separated one (``Read Grep Glob``); tool names match without regard
to case, as permission rules do (``permissions.rules.canonical_tool``).
"""

from __future__ import annotations

import re
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
    """Rules like ``read(*.rs), grep(*)``: while the skill is active, only these tools run. Stored
    comma-separated, whatever form the file used."""
    disable_model_invocation: bool = False
    """Only loaded on request (``/skill name``), never chosen automatically."""
    kind: str = "instruction"
    tags: tuple[str, ...] = ()
    version: str | None = None
    path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    base_dir: str | None = None
    """For a ``<name>/SKILL.md`` skill: its folder, where its supporting files are."""
    resources: tuple[str, ...] = ()
    """Supporting files of a folder skill, relative to ``base_dir`` (``reference.md``, ``scripts/x.py``)."""

    @property
    def allowed_rules(self) -> list[str]:
        """``allowed_tools`` as a list of permission rules (empty when unrestricted)."""
        return split_allowed_tools(self.allowed_tools) if self.allowed_tools else []


KNOWN_KEYS = frozenset(
    {
        "name",
        "description",
        "allowed-tools",
        "allowed_tools",
        "disable-model-invocation",
        "kind",
        "tags",
        "version",
    }
)
KINDS = ("instruction", "tool", "agent", "persona")


def split_allowed_tools(value: str | list[Any]) -> list[str]:
    """The rules of an ``allowed-tools`` value (``permissions.allowed.split_rules``); raises
    ``SkillError`` for unbalanced parentheses."""
    from ..permissions.allowed import split_rules
    from ..permissions.rules import RuleError

    try:
        return split_rules(value)
    except RuleError as exc:
        raise SkillError(str(exc)) from None


def parse_skill(text: str, path: str | Path | None = None, *, default_name: str | None = None) -> Skill:
    """Parse one skill file; every problem names the file. ``default_name`` is used when the
    frontmatter has no ``name`` (the folder of a ``SKILL.md``; else the file's stem)."""
    where = str(path) if path else "<skill>"
    meta, body = split_frontmatter(text.lstrip("\ufeff"), where, "a skill", SkillError)
    name = meta.get("name", default_name or (Path(path).stem if path else None))
    if not isinstance(name, str) or not name.strip():
        raise SkillError(f"{where}: 'name' is required and must be text")
    description = meta.get("description") or _first_paragraph(body)
    if not isinstance(description, str) or not description.strip():
        raise SkillError(f"{where}: 'description' is required and must be text")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    if not isinstance(tags, list):
        raise SkillError(f"{where}: 'tags' must be a list or a comma-separated string")
    allowed = meta.get("allowed-tools", meta.get("allowed_tools"))
    rules: list[str] = []
    if allowed is not None:
        if not isinstance(allowed, (str, list)):
            raise SkillError(f"{where}: 'allowed-tools' must be a list or a string of tool rules")
        try:
            rules = split_allowed_tools(allowed)
        except SkillError as exc:
            raise SkillError(f"{where}: {exc}") from None
    kind = str(meta.get("kind", "instruction")).strip().lower()
    if kind not in KINDS:
        raise SkillError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    return Skill(
        name=name.strip(),
        description=" ".join(description.split()),
        content=body.strip(),
        allowed_tools=", ".join(rules) if rules else None,
        disable_model_invocation=_flag(meta.get("disable-model-invocation", False)),
        kind=kind,
        tags=tuple(str(t) for t in tags),
        version=str(meta["version"]) if meta.get("version") is not None else None,
        path=str(path) if path else None,
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
    )


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


_HEADING = re.compile(r"^\s*(#|```|<!--)")


def _first_paragraph(body: str) -> str:
    """Claude Code's fallback for a missing description: the first paragraph of the content."""
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = [line for line in block.splitlines() if line.strip() and not _HEADING.match(line)]
        if lines:
            return " ".join(line.strip() for line in lines)
    return ""
