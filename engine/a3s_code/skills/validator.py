"""``SkillValidator``: the gate every skill passes before a registry accepts it (the seed's
extension point, default ``DefaultSkillValidator``)."""

from __future__ import annotations

import re
from typing import Protocol

from .model import Skill, SkillError

MAX_NAME = 64
MAX_DESCRIPTION = 1024
MAX_CONTENT = 200_000
_NAME = re.compile(r"^[^\s/\\]+$")


class SkillValidator(Protocol):
    def validate(self, skill: Skill) -> None:
        """Raise ``SkillError`` (naming the skill and what is wrong) to refuse it."""
        ...


class DefaultSkillValidator:
    """Names are one word of at most 64 characters and descriptions at most 1024 (Claude Code's
    limits for ``SKILL.md``); content at most 200 000 characters; every ``allowed-tools`` entry
    is a valid permission rule (``Tool`` or ``Tool(pattern)``, any case)."""

    def validate(self, skill: Skill) -> None:
        where = skill.path or skill.name
        if not _NAME.match(skill.name) or len(skill.name) > MAX_NAME:
            raise SkillError(
                f"{where}: skill name {skill.name!r} must be one word of at most {MAX_NAME} characters"
            )
        if len(skill.description) > MAX_DESCRIPTION:
            raise SkillError(f"{where}: description is longer than {MAX_DESCRIPTION} characters")
        if len(skill.content) > MAX_CONTENT:
            raise SkillError(f"{where}: content is longer than {MAX_CONTENT} characters")
        from ..permissions import Rule, RuleError

        for rule in skill.allowed_rules:
            try:
                Rule.parse(rule)
            except RuleError as exc:
                raise SkillError(f"{where}: allowed-tools: {exc}") from None
