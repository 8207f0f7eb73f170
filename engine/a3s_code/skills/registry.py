"""The skills a session knows: built-ins, folders, and the ones chosen for a turn.

Folders are read as Claude Code lays them out (``<name>/SKILL.md`` beside its supporting files,
nested in category folders or not) and as the seed does (single ``*.md`` files).
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from .model import Skill, SkillError, parse_skill
from .scorer import DefaultSkillScorer, SkillScorer
from .validator import DefaultSkillValidator, SkillValidator

log = logging.getLogger("a3s_code.skills")
SKILL_FILE = "SKILL.md"
MAX_DEPTH = 4
"""Folder levels searched below a skill folder for ``SKILL.md`` files."""
MAX_RESOURCES = 50
"""Supporting files listed per folder skill."""
IGNORED = frozenset({"readme.md", "changelog.md", "license.md", "contributing.md"})
"""Top-level files in a skills folder that are about the folder, not skills."""


class SkillRegistry:
    def __init__(self, scorer: SkillScorer | None = None, validator: SkillValidator | None = None) -> None:
        self.scorer: SkillScorer = scorer or DefaultSkillScorer()
        self.validator: SkillValidator = validator or DefaultSkillValidator()
        self._skills: dict[str, Skill] = {}
        self.warnings: list[str] = []

    def add(self, skill: Skill) -> None:
        """Register ``skill`` (replacing one of the same name); raises ``SkillError`` if the
        validator refuses it."""
        self.validator.validate(skill)
        self._skills[skill.name] = skill

    register = add
    """The seed's name (``registry.register(skill)``)."""

    def get(self, name: str) -> Skill | None:
        return self._skills.get(name)

    def all(self) -> list[Skill]:
        return [self._skills[k] for k in sorted(self._skills)]

    def load_builtin(self) -> None:
        for entry in sorted(resources.files(__package__).joinpath("builtin").iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".md"):
                self.add(parse_skill(entry.read_text(encoding="utf-8"), f"builtin/{entry.name}"))

    def load_dir(self, directory: str | Path) -> int:
        """Load the skills under ``directory``: every ``*.md`` directly in it, and every
        ``SKILL.md`` in a folder below it (up to ``MAX_DEPTH`` levels; a folder with a
        ``SKILL.md`` is one skill, and its other files are its resources). Bad files are reported
        in ``warnings`` and skipped; returns how many skills loaded."""
        root = Path(directory).expanduser()
        if not root.is_dir():
            self._warn(f"skill folder not found: {root}")
            return 0
        loaded = 0
        for path, folder in _candidates(root):
            try:
                text = path.read_text(encoding="utf-8")
                skill = parse_skill(text, path, default_name=folder.name if folder else None)
                if folder is not None:
                    skill = _with_resources(skill, folder)
                if skill.name in self._skills and self._skills[skill.name].path != skill.path:
                    self._warn(
                        f"skill {skill.name!r} in {path} replaces the one in {self._skills[skill.name].path}"
                    )
                self.add(skill)
                loaded += 1
            except (SkillError, OSError, UnicodeDecodeError) as exc:
                self._warn(f"skipped skill {path}: {exc}")
        return loaded

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)

    def select(self, prompt: str, limit: int = 2) -> list[Skill]:
        """The skills worth injecting for this prompt: never those with disable-model-invocation,
        and not a skill that forbids editing files when the prompt asks for a change ("fix the
        bug" must not switch on ``find-bugs``, which only reads, and so forbid the fix)."""
        candidates = [s for s in self._skills.values() if not s.disable_model_invocation]
        if asks_for_change(prompt):
            candidates = [s for s in candidates if not read_only(s)]
        return [skill for skill, _ in self.scorer.rank(prompt, candidates)[:limit]]

    def list(self) -> list[str]:
        """Names of every registered skill, sorted (the seed's ``registry.list()``)."""
        return sorted(self._skills)


_CHANGE_WORDS = """fix change edit modify update write implement refactor rename add remove delete create
replace patch install migrate upgrade convert move apply make"""
CHANGE_VERBS = frozenset(_CHANGE_WORDS.split())
"""Words that ask the agent to change files (compared as Snowball stems)."""


def asks_for_change(prompt: str) -> bool:
    from ..tool_search.text import default_analyzer

    analyzer = default_analyzer()
    verbs = {analyzer.stem(v) for v in CHANGE_VERBS}
    return any(term in verbs for term in analyzer.terms(prompt))


def read_only(skill: Skill) -> bool:
    """True when the skill's allowed-tools let no file-changing tool run."""
    if not skill.allowed_tools:
        return False
    from ..permissions import Rule

    rules = [Rule.parse(r) for r in skill.allowed_rules]
    return not any(rule.covers_tool(tool) for rule in rules for tool in ("write", "edit", "patch"))


def _candidates(root: Path) -> list[tuple[Path, Path | None]]:
    """(skill file, its folder for a ``SKILL.md`` skill) under ``root``, sorted, symlinks that
    lead outside ``root`` and hidden folders left out."""
    real_root = root.resolve()
    found: list[tuple[Path, Path | None]] = []
    for path in sorted(root.glob("*.md")):
        if path.is_file() and path.name != SKILL_FILE and path.name.lower() not in IGNORED:
            found.append((path, None))
    if (root / SKILL_FILE).is_file():
        found.append((root / SKILL_FILE, root))
        return found

    def walk(folder: Path, depth: int) -> None:
        for child in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if not child.resolve().is_relative_to(real_root):
                continue
            if (child / SKILL_FILE).is_file():
                found.append((child / SKILL_FILE, child))
            elif depth < MAX_DEPTH:
                walk(child, depth + 1)

    walk(root, 1)
    return found


def _with_resources(skill: Skill, folder: Path) -> Skill:
    from dataclasses import replace

    files = sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != SKILL_FILE
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return replace(skill, base_dir=str(folder), resources=tuple(files[:MAX_RESOURCES]))


def render(skills: list[Skill]) -> str:
    """The system-prompt section for the active skills."""
    if not skills:
        return ""
    parts = ["## Active skills", "Follow these instructions where they apply to the task."]
    for skill in skills:
        head = f"### {skill.name}: {skill.description}"
        if skill.allowed_tools:
            head += f"\n(Allowed tools while this skill is active: {skill.allowed_tools})"
        if skill.base_dir:
            head += f"\n(Skill folder: {skill.base_dir}"
            head += f"; its files: {', '.join(skill.resources)})" if skill.resources else ")"
        parts.append(f"{head}\n\n{skill.content}")
    return "\n\n".join(parts)


def builtin_skills() -> list[Skill]:
    registry = SkillRegistry()
    registry.load_builtin()
    return registry.all()
