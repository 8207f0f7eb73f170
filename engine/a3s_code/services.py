"""The composition root: every replaceable policy of one session, resolved once.

The seed lists 19 extension points ("All policies are replaceable via traits with working
defaults"). Each is a ``Protocol`` in the engine with a default implementation, settable through a
``SessionOptions`` field (and its ``with_*`` builder). ``Agent.session()`` calls ``resolve`` once:
an option wins, else the agent's HCL config, else the default; the session and its components then
take their collaborators from the ``SessionServices`` it returns and never look them up again.
``EXTENSION_POINTS`` is the table (also in docs/state-and-extensions.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .agent import Agent
    from .commands import CommandRegistry
    from .context import ContextProvider
    from .fs import FileSystem
    from .hooks import HookExecutor
    from .llm.base import LLMClient
    from .mcp.transport import McpTransport
    from .memory import AgentMemory
    from .options import SessionOptions
    from .planning.planner import Planner
    from .ports import ConfirmationProvider, PermissionChecker
    from .queue.commands import CommandFactory
    from .security import SecurityProvider
    from .skills import SkillRegistry
    from .store import SessionStore
    from .tools.registry import ToolRegistry


@dataclass(frozen=True)
class ExtensionPoint:
    name: str
    """The seed's name of the interface."""
    protocol: str
    """Where the engine's ``Protocol`` lives (``module:Class``)."""
    default: str
    option: str
    """The ``SessionOptions`` builder that replaces it."""


EXTENSION_POINTS: tuple[ExtensionPoint, ...] = (
    ExtensionPoint(
        "SecurityProvider",
        "a3s_code.security:SecurityProvider",
        "DefaultSecurityProvider",
        "with_security_provider",
    ),
    ExtensionPoint(
        "PermissionChecker", "a3s_code.ports:PermissionChecker", "PermissionPolicy", "with_permission_checker"
    ),
    ExtensionPoint(
        "ConfirmationProvider",
        "a3s_code.ports:ConfirmationProvider",
        "ConfirmationManager",
        "with_confirmation_manager",
    ),
    ExtensionPoint(
        "ContextProvider",
        "a3s_code.context:ContextProvider",
        "FileSystemContextProvider",
        "with_context_provider",
    ),
    ExtensionPoint(
        "EmbeddingProvider",
        "a3s_code.context.vector:EmbeddingProvider",
        "OpenAiEmbeddingProvider",
        "with_embedding_provider",
    ),
    ExtensionPoint(
        "VectorStore", "a3s_code.context.vector:VectorStore", "InMemoryVectorStore", "with_vector_store"
    ),
    ExtensionPoint("SessionStore", "a3s_code.store:SessionStore", "FileSessionStore", "with_session_store"),
    ExtensionPoint("MemoryStore", "a3s_code.memory:MemoryStore", "InMemoryStore", "with_memory_store"),
    ExtensionPoint("Tool", "a3s_code.tools.base:Tool", "the built-in tools", "with_tool"),
    ExtensionPoint("Planner", "a3s_code.planning.planner:Planner", "LlmPlanner", "with_planner"),
    ExtensionPoint("HookHandler", "a3s_code.hooks:HookHandler", "HookEngine", "with_hook"),
    ExtensionPoint("HookExecutor", "a3s_code.hooks:HookExecutor", "HookEngine", "with_hook_engine"),
    ExtensionPoint(
        "McpTransport", "a3s_code.mcp.transport:McpTransport", "StdioTransport", "with_mcp_transport"
    ),
    ExtensionPoint("HttpClient", "a3s_code.websearch.http:HttpClient", "Httpx2Client", "with_http_client"),
    ExtensionPoint(
        "SessionCommand", "a3s_code.queue.commands:SessionCommand", "ToolCommand", "with_command_factory"
    ),
    ExtensionPoint("LlmClient", "a3s_code.llm.base:LLMClient", "Anthropic/OpenAI", "with_llm_client"),
    ExtensionPoint("BashSandbox", "a3s_code.sandbox:BashSandbox", "LocalBashExecutor", "with_bash_sandbox"),
    ExtensionPoint(
        "SkillValidator", "a3s_code.skills:SkillValidator", "DefaultSkillValidator", "with_skill_validator"
    ),
    ExtensionPoint("SkillScorer", "a3s_code.skills:SkillScorer", "DefaultSkillScorer", "with_skill_scorer"),
)


@dataclass
class SessionServices:
    """A session's collaborators. ``None`` means the feature is off (no store, no memory, …)."""

    tools: ToolRegistry
    hooks: HookExecutor
    commands: CommandRegistry
    file_system: FileSystem
    command_factory: CommandFactory
    mcp_transport: McpTransport
    security: SecurityProvider | None = None
    permission: PermissionChecker | None = None
    confirmation: ConfirmationProvider | None = None
    context_providers: list[ContextProvider] = field(default_factory=list)
    session_store: SessionStore | None = None
    memory: AgentMemory | None = None
    planner: Planner | None = None
    """None: an ``LlmPlanner`` on the session's model, made per turn."""
    llm: LLMClient | None = None
    """None: the agent's provider client for the session's current model."""
    skills: SkillRegistry | None = None


def resolve(agent: Agent, workspace: Path, options: SessionOptions) -> SessionServices:
    """The one place a session's extension points are chosen: option, else config, else default.

    An option is "set" when it is not None; an empty object (a ``HookEngine`` with no hooks yet) is
    set too. Raises what the config's pieces raise (``ConfigError``) before the session exists.
    """
    from .commands import CommandRegistry
    from .fs import LocalFileSystem
    from .hooks import HookEngine
    from .mcp.transport import StdioTransport
    from .queue.commands import ToolCommand

    permission = options.permission_checker
    if permission is None:
        permission = agent.permission_checker()
    confirmation = agent.confirmation_manager(options)
    if permission is None and confirmation is not None:
        # Someone can answer: ask before anything but reading (the interactive default).
        from .permissions import PermissionPolicy

        permission = PermissionPolicy.interactive_default()
    security = options.security_provider
    if security is None and (options.default_security or agent.security_default()):
        security = agent.default_security()
    tools = agent.tool_registry()
    search = agent.web_search(options.http_client)
    if search is not None:
        from .tools.web_search import WebSearchTool

        tools.add(WebSearchTool(search=search), replace=True)
    for tool in options.tools:
        tools.add(tool, replace=True)
    commands = CommandRegistry()
    for command in options.commands:
        commands.register(command)
    hooks: HookExecutor = options.hook_engine if options.hook_engine is not None else HookEngine()
    for name, event, handler in options.hooks:
        hooks.register(name, event, handler)
    providers: list[ContextProvider] = list(options.context_providers)
    if options.embedding_provider is not None or options.vector_store is not None:
        providers.append(agent.vector_context(options))
    return SessionServices(
        tools=tools,
        hooks=hooks,
        commands=commands,
        file_system=options.file_system if options.file_system is not None else LocalFileSystem(),
        command_factory=options.command_factory or ToolCommand.from_payload,
        mcp_transport=options.mcp_transport if options.mcp_transport is not None else StdioTransport(),
        security=security,
        permission=permission,
        confirmation=confirmation,
        context_providers=providers,
        session_store=agent.session_store(options),
        memory=agent.agent_memory(options),
        planner=options.planner,
        llm=options.llm_client,
        skills=agent.skill_registry(options),
    )
