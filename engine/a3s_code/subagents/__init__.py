"""Sub-agents for the ``task`` tool: Markdown definitions (built-ins and ``agent_dirs``) and their runs."""

from __future__ import annotations

from .definition import AgentDefinition, AgentDefinitionError, parse_agent
from .registry import AgentRegistry, builtin_agents
from .runner import AgentToolChecker, SubagentResult, agent_registry, child_session, run_subagent

__all__ = [
    "AgentDefinition",
    "AgentDefinitionError",
    "AgentRegistry",
    "AgentToolChecker",
    "SubagentResult",
    "agent_registry",
    "builtin_agents",
    "child_session",
    "parse_agent",
    "run_subagent",
]
