"""Skills: Markdown instructions chosen per turn, optionally restricting the tools that may run."""

from .model import Skill, SkillError, parse_skill, split_allowed_tools
from .registry import SkillRegistry, builtin_skills, render
from .scorer import DefaultSkillScorer, SkillScorer
from .validator import DefaultSkillValidator, SkillValidator

__all__ = [
    "DefaultSkillScorer",
    "DefaultSkillValidator",
    "Skill",
    "SkillError",
    "SkillRegistry",
    "SkillScorer",
    "SkillValidator",
    "builtin_skills",
    "parse_skill",
    "render",
    "split_allowed_tools",
]
