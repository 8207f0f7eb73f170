"""A3S Code: an embeddable AI coding agent. Importing this stays light: no provider SDKs load here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Agent": ".agent",
    "Attachment": ".attachments",
    "Session": ".session",
    "SessionOptions": ".options",
    "SessionQueueConfig": ".queue",
    "LaneHandlerConfig": ".queue",
    "SystemPromptSlots": ".prompt",
    "AgentResult": ".result",
    "AgentConfig": ".config",
    "load_config": ".config",
    "CommandContext": ".commands",
    "CommandOutput": ".commands",
    "SlashCommand": ".commands",
    "Tool": ".tools.base",
    "ToolParams": ".tools.base",
    "ToolContext": ".tools.base",
    "ToolResult": ".tools.base",
    "Message": ".messages",
    "Usage": ".messages",
    "ImageBlock": ".messages",
    "A3SError": ".errors",
    "ConfigError": ".errors",
    "ToolError": ".errors",
    "LLMError": ".errors",
    "FileSystem": ".fs",
    "LocalFileSystem": ".fs",
    "AgentTeam": ".team",
    "Team": ".team",
    "TeamConfig": ".team",
    "TeamRunner": ".team",
    "TeamRunResult": ".team",
    "TeamTask": ".team",
    "TeamTaskBoard": ".team",
    "builtin_skills": ".skills",
    "SkillRegistry": ".skills",
    "PermissionPolicy": ".permissions",
    "Allow": ".pipeline",
    "Ask": ".pipeline",
    "Deny": ".pipeline",
    "Decision": ".pipeline",
    "ToolPipeline": ".pipeline",
    "AmendedApproval": ".ports",
    "PartialApproval": ".ports",
    "ConfirmationDecision": ".ports",
    "ConfirmationRequest": ".ports",
    "PermissionDecision": ".ports",
    "ConfirmationPolicy": ".hitl",
    "ConfirmationManager": ".hitl",
    "DefaultSecurityProvider": ".security",
    "HookEngine": ".hooks",
    "ToolIndex": ".tool_search",
    "ToolSearchConfig": ".tool_search",
    "McpManager": ".mcp",
}

if TYPE_CHECKING:
    from .agent import Agent
    from .attachments import Attachment
    from .commands import CommandContext, CommandOutput, SlashCommand
    from .config import AgentConfig, load_config
    from .errors import A3SError, ConfigError, LLMError, ToolError
    from .fs import FileSystem, LocalFileSystem
    from .hitl import ConfirmationManager, ConfirmationPolicy
    from .hooks import HookEngine
    from .mcp import McpManager
    from .messages import ImageBlock, Message, Usage
    from .options import SessionOptions
    from .permissions import PermissionPolicy
    from .pipeline import Allow, Ask, Decision, Deny, ToolPipeline
    from .ports import (
        AmendedApproval,
        ConfirmationDecision,
        ConfirmationRequest,
        PartialApproval,
        PermissionDecision,
    )
    from .prompt import SystemPromptSlots
    from .queue import LaneHandlerConfig, SessionQueueConfig
    from .result import AgentResult
    from .security import DefaultSecurityProvider
    from .session import Session
    from .skills import SkillRegistry, builtin_skills
    from .team import AgentTeam, Team, TeamConfig, TeamRunner, TeamRunResult, TeamTask, TeamTaskBoard
    from .tool_search import ToolIndex, ToolSearchConfig
    from .tools.base import Tool, ToolContext, ToolParams, ToolResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'a3s_code' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "A3SError",
    "Agent",
    "Allow",
    "AmendedApproval",
    "PartialApproval",
    "Ask",
    "ConfirmationDecision",
    "ConfirmationRequest",
    "Decision",
    "Deny",
    "PermissionDecision",
    "ToolPipeline",
    "AgentConfig",
    "AgentResult",
    "AgentTeam",
    "Attachment",
    "CommandContext",
    "CommandOutput",
    "ConfigError",
    "ConfirmationManager",
    "ConfirmationPolicy",
    "DefaultSecurityProvider",
    "FileSystem",
    "HookEngine",
    "ImageBlock",
    "LLMError",
    "LaneHandlerConfig",
    "LocalFileSystem",
    "McpManager",
    "Message",
    "PermissionPolicy",
    "Session",
    "SessionOptions",
    "SessionQueueConfig",
    "SkillRegistry",
    "SlashCommand",
    "SystemPromptSlots",
    "Team",
    "TeamConfig",
    "TeamRunResult",
    "TeamRunner",
    "TeamTask",
    "TeamTaskBoard",
    "Tool",
    "ToolContext",
    "ToolError",
    "ToolIndex",
    "ToolParams",
    "ToolResult",
    "ToolSearchConfig",
    "Usage",
    "builtin_skills",
    "load_config",
]
