"""An agent definition: Markdown with YAML frontmatter; the body is the child's system prompt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import A3SError
from ..frontmatter import split_frontmatter

DEFAULT_MAX_STEPS = 50


class AgentDefinitionError(A3SError):
    code = "bad_agent_definition"


@dataclass(frozen=True)
class AgentDefinition:
    name: str
    description: str
    prompt: str
    model: str | None = None
    """``provider/model``; None runs the child on the parent's model."""
    allowed_tools: str | None = None
    """Permission rules like ``read, grep(*.py)``; None allows every tool (subject to the parent's policy)."""
    max_steps: int = DEFAULT_MAX_STEPS
    """Tool rounds the child may take before it must stop."""
    path: str | None = None


_KNOWN = {"name", "description", "model", "tools", "allowed-tools", "allowed_tools", "max_steps", "max-steps"}


def parse_agent(text: str, path: str | Path | None = None) -> AgentDefinition:
    """Parse one agent file; every problem names the file."""
    where = str(path) if path else "<agent>"
    meta, body = split_frontmatter(text, where, "an agent definition", AgentDefinitionError)
    unknown = sorted(set(meta) - _KNOWN)
    if unknown:
        raise AgentDefinitionError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN))}"
        )
    name = meta.get("name") or (Path(path).stem if path else None)
    if not isinstance(name, str) or not name.strip():
        raise AgentDefinitionError(f"{where}: 'name' must be text")
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        raise AgentDefinitionError(f"{where}: 'description' is required and must be text")
    if not body.strip():
        raise AgentDefinitionError(f"{where}: the body (the agent's system prompt) is empty")
    return AgentDefinition(
        name=name.strip(),
        description=description.strip(),
        prompt=body.strip(),
        model=_model(meta.get("model"), where),
        allowed_tools=_tools(meta.get("tools", meta.get("allowed-tools", meta.get("allowed_tools"))), where),
        max_steps=_steps(meta.get("max_steps", meta.get("max-steps", DEFAULT_MAX_STEPS)), where),
        path=str(path) if path else None,
    )


def _model(value: object, where: str) -> str | None:
    if value is None or value in ("inherit", ""):
        return None
    if not isinstance(value, str) or "/" not in value:
        raise AgentDefinitionError(f"{where}: 'model' must be \"provider/model\" (or inherit), got {value!r}")
    return value.strip()


def _tools(value: object, where: str) -> str | None:
    if value is None or value == "*":
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)
    if not isinstance(value, str):
        raise AgentDefinitionError(f"{where}: 'tools' must be a list or a comma-separated string of rules")
    from ..permissions import AllowedTools, RuleError

    try:
        AllowedTools.parse(value)
    except RuleError as exc:
        raise AgentDefinitionError(f"{where}: bad 'tools': {exc}") from None
    return value


def _steps(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AgentDefinitionError(f"{where}: 'max_steps' must be a positive integer, got {value!r}")
    return value
