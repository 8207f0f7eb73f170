"""Markdown files that start with YAML frontmatter: skills and agent definitions share this format."""

from __future__ import annotations

from typing import Any

from .errors import A3SError


def split_frontmatter(text: str, where: str, what: str, error: type[A3SError]) -> tuple[dict[str, Any], str]:
    """The frontmatter mapping and the body; ``error`` names ``where`` and says what is wrong."""
    import yaml

    if not text.startswith("---"):
        raise error(f"{where}: {what} starts with YAML frontmatter between --- lines")
    try:
        _, front, body = text.split("---", 2)
    except ValueError:
        raise error(f"{where}: the frontmatter is not closed with ---") from None
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        raise error(f"{where}: invalid YAML frontmatter: {exc}") from None
    if not isinstance(meta, dict):
        raise error(f"{where}: the frontmatter must be a mapping of keys")
    return meta, body
