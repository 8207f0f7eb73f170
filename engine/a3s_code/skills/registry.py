"""The skills a session knows: built-ins, folders, and the ones chosen for a turn."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from .model import Skill, SkillError, parse_skill
from .scorer import DefaultSkillScorer, SkillScorer

log = logging.getLogger("a3s_code.skills")


class SkillRegistry:
    def __init__(self, scorer: SkillScorer | None = None) -> None:
        self.scorer: SkillScorer = scorer or DefaultSkillScorer()
        self._skills: dict[str, Skill] = {}
        self.warnings: list[str] = []

    def add(self, skill: Skill) -> None:
        self._skills[skill.name] = skill

    def get(self, name: str) -> Skill | None:
        return self._skills.get(name)

    def all(self) -> list[Skill]:
        return [self._skills[k] for k in sorted(self._skills)]

    def load_builtin(self) -> None:
        for entry in sorted(resources.files(__package__).joinpath("builtin").iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".md"):
                self.add(parse_skill(entry.read_text(encoding="utf-8"), f"builtin/{entry.name}"))

    def load_dir(self, directory: str | Path) -> int:
        """Load every ``*.md`` (and ``*/SKILL.md``) under ``directory``; bad files are reported and skipped."""
        root = Path(directory).expanduser()
        if not root.is_dir():
            self._warn(f"skill folder not found: {root}")
            return 0
        loaded = 0
        for path in sorted({*root.glob("*.md"), *root.glob("*/SKILL.md")}):
            try:
                self.add(parse_skill(path.read_text(encoding="utf-8"), path))
                loaded += 1
            except (SkillError, OSError, UnicodeDecodeError) as exc:
                self._warn(f"skipped skill {path}: {exc}")
        return loaded

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)

    def select(self, prompt: str, limit: int = 2) -> list[Skill]:
        """The skills worth injecting for this prompt (never those with disable-model-invocation)."""
        candidates = [s for s in self._skills.values() if not s.disable_model_invocation]
        return [skill for skill, _ in self.scorer.rank(prompt, candidates)[:limit]]


def render(skills: list[Skill]) -> str:
    """The system-prompt section for the active skills."""
    if not skills:
        return ""
    parts = ["## Active skills", "Follow these instructions where they apply to the task."]
    for skill in skills:
        head = f"### {skill.name}: {skill.description}"
        if skill.allowed_tools:
            head += f"\n(Allowed tools while this skill is active: {skill.allowed_tools})"
        parts.append(f"{head}\n\n{skill.content}")
    return "\n\n".join(parts)


def builtin_skills() -> list[Skill]:
    registry = SkillRegistry()
    registry.load_builtin()
    return registry.all()
