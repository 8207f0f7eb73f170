"""Run one delegated task in a child session: its own prompt, model, allowed tools and step limit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..events import AgentEvent, SubagentEnd, SubagentEvent, SubagentStart, TurnEnd
from ..messages import Usage
from ..options import SessionOptions
from ..ports import PermissionChecker, PermissionDecision
from .definition import AgentDefinition

if TYPE_CHECKING:
    from ..session import Session, SessionCore
    from .registry import AgentRegistry

NESTED_TOOLS = ("task",)
"""Never handed to a child: delegation is one level deep, so a child cannot fan out without bound."""

CHILD_STYLE = (
    "You were delegated this task by another agent, which sees only your final answer. "
    "End with a concise report of what you found or changed."
)


class AgentToolChecker:
    """A child's ``tools`` rules first (the permission matcher), then the parent's own policy."""

    def __init__(self, agent: str, rules: str, base: PermissionChecker | None) -> None:
        from ..permissions import AllowedTools

        self.agent = agent
        self.allowed = AllowedTools.parse(rules)
        self.base = base

    def check(self, tool_name: str, args: dict[str, Any], workspace: Path) -> PermissionDecision:
        if not self.allowed.permits(tool_name, args, workspace):
            rules = ", ".join(self.allowed.rules)
            return PermissionDecision(
                "deny", f"'{tool_name}' is outside agent '{self.agent}' tools ({rules})"
            )
        if self.base is None:
            return PermissionDecision("allow", f"allowed by agent '{self.agent}' tools")
        decision: PermissionDecision = self.base.check(tool_name, args, workspace)
        return decision


@dataclass
class SubagentResult:
    task_id: str
    agent: str
    session_id: str
    output: str
    stop_reason: str
    success: bool
    tool_calls: int
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0


def child_session(parent: SessionCore, agent: AgentDefinition, max_steps: int) -> Session:
    """A fresh session in the parent's workspace that shares its file system, confirmations and policy."""
    popts = parent.options
    base_checker = parent.permission_checker
    checker = AgentToolChecker(agent.name, agent.allowed_tools, base_checker) if agent.allowed_tools else None
    options = SessionOptions(
        model=agent.model or parent.model,
        role=f"You are the '{agent.name}' agent: {agent.description}",
        extra=agent.prompt,
        response_style=CHILD_STYLE,
        max_tool_rounds=max_steps,
        max_tokens=popts.max_tokens,
        llm_max_retries=popts.llm_max_retries,
        llm_retry_delay_ms=popts.llm_retry_delay_ms,
        llm_timeout_s=popts.llm_timeout_s,
        confirmation_timeout_ms=popts.confirmation_timeout_ms,
        max_parse_retries=popts.max_parse_retries,
        tool_timeout_ms=popts.tool_timeout_ms,
        permission_checker=checker or base_checker,
        confirmation=parent.confirmation,
        security_provider=parent.security,
        file_system=parent.fs,
        env=dict(popts.env),
        bash_sandbox=parent.sandbox.bash_sandbox,
        roots=[str(r) for r in parent.roots.extra()],
    )
    child: Session = parent.agent.session(parent.workspace, options)
    child.pipeline.approvals = (
        parent.pipeline.approvals
    )  # one conversation to the user: one allow-for-session set
    for name in child.tools.names():
        if name in NESTED_TOOLS or (checker is not None and not _named(checker, name)):
            child.tools.remove(name)
    return child


def _named(checker: AgentToolChecker, tool: str) -> bool:
    """Whether any rule names this tool (so the model is not offered tools it may never call)."""
    from ..permissions import Rule

    return any(Rule.parse(r).covers_tool(tool) for r in checker.allowed.rules)


async def run_subagent(
    parent: SessionCore,
    agent: AgentDefinition,
    prompt: str,
    *,
    description: str,
    max_steps: int | None = None,
    emit: Callable[[AgentEvent], None] | None = None,
) -> SubagentResult:
    """Stream the child's turn as ``subagent_*`` events; the child's spending counts to the parent."""
    steps = min(max_steps, agent.max_steps) if max_steps else agent.max_steps
    child = child_session(parent, agent, steps)
    task_id = f"task-{uuid.uuid4().hex[:12]}"
    send = emit or (lambda _event: None)
    send(
        SubagentStart(
            task_id=task_id,
            agent=agent.name,
            description=description,
            session_id=child.session_id,
            max_steps=steps,
        )
    )
    end: TurnEnd | None = None
    try:
        async for event in child.stream_async(prompt):
            send(SubagentEvent(task_id=task_id, agent=agent.name, event=event))
            if isinstance(event, TurnEnd):
                end = event
    finally:
        await child.close_async()
        parent.usage = parent.usage + child.usage
        parent.cost_usd += child.cost_usd
    assert end is not None
    result = SubagentResult(
        task_id=task_id,
        agent=agent.name,
        session_id=child.session_id,
        output=end.text,
        stop_reason=end.stop_reason,
        success=end.stop_reason == "end_turn",
        tool_calls=end.tool_calls,
        usage=child.usage,
        cost_usd=child.cost_usd,
    )
    send(
        SubagentEnd(
            task_id=task_id,
            agent=agent.name,
            success=result.success,
            stop_reason=result.stop_reason,
            output=result.output,
            tool_calls=result.tool_calls,
            usage=result.usage,
            cost_usd=result.cost_usd,
        )
    )
    return result


def agent_registry(parent: SessionCore) -> AgentRegistry:
    """Built-ins, then the config's ``agent_dirs``, then the session options' (later names win)."""
    from .registry import AgentRegistry

    registry = AgentRegistry()
    registry.load_builtin()
    config = parent.agent.config
    for folder in config.agent_dirs:
        registry.load_dir(config.resolve_dir(folder))
    for folder in parent.options.agent_dirs:
        registry.load_dir(folder)
    return registry
