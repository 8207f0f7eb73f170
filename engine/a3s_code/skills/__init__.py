"""Skills: Markdown instructions chosen per turn, optionally restricting the tools that may run."""

from .model import Skill, SkillError, parse_skill
from .registry import SkillRegistry, builtin_skills, render
from .scorer import DefaultSkillScorer, SkillScorer

__all__ = [
    "DefaultSkillScorer",
    "Skill",
    "SkillError",
    "SkillRegistry",
    "SkillScorer",
    "builtin_skills",
    "parse_skill",
    "render",
]
