"""SessionOptions: the seed's per-session settings, as fields and as chainable ``with_*`` builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .fs import FileSystem
from .ports import ConfirmationProvider, PermissionChecker
from .prompt import SystemPromptSlots

if TYPE_CHECKING:
    from .checkpoints import CheckpointSettings
    from .commands import SlashCommand
    from .context import ContextProvider
    from .context.vector import EmbeddingProvider, VectorStore
    from .hooks import AnyHandler, HookExecutor
    from .llm.base import LLMClient
    from .mcp.transport import McpTransport
    from .memory import AgentMemory, MemoryStore
    from .planning.planner import Planner
    from .queue import SessionQueueConfig
    from .queue.commands import CommandFactory
    from .sandbox import BashSandbox, SandboxConfig
    from .security import SecurityProvider
    from .skills import SkillRegistry, SkillScorer, SkillValidator
    from .store import SessionStore
    from .tool_search import ToolIndex, ToolSearchConfig
    from .tools.base import Tool
    from .websearch import HttpClient


@dataclass
class SessionOptions:
    """Everything optional; unset fields fall back to the agent's HCL config, then to defaults."""

    model: str | None = None
    """``provider/model``; must name a configured provider."""
    session_id: str | None = None
    role: str | None = None
    guidelines: str | None = None
    response_style: str | None = None
    extra: str | None = None
    max_tool_rounds: int | None = None
    thinking_budget: int | None = None
    temperature: float | None = None
    max_tokens: int = 8192
    # LLM transport
    llm_max_retries: int = 3
    """Retries of one LLM request on 429 / 5xx / overloaded / dropped connections."""
    llm_retry_delay_ms: int = 500
    llm_timeout_s: float = 600.0
    confirmation_timeout_ms: int | None = None
    """Unanswered confirmations are denied after this; default: the config's, else 30 s."""
    # error recovery
    max_parse_retries: int = 2
    tool_timeout_ms: int | None = None
    circuit_breaker_threshold: int = 3
    # safety
    permission_checker: PermissionChecker | None = None
    confirmation: ConfirmationProvider | None = None
    default_security: bool = False
    security_provider: SecurityProvider | None = None
    """A ``security.SecurityProvider``: ``sanitize(text)`` and ``scan(text, source)``."""
    # host integration
    roots: list[str] = field(default_factory=list)
    """Further folders the session may read and change besides its workspace (``roots``): an
    editor's other workspace folders. Relative paths still start at the workspace."""
    file_system: FileSystem | None = None
    env: dict[str, str] = field(default_factory=dict)
    commands: list[SlashCommand] = field(default_factory=list)
    # features configured by later layers
    builtin_skills: bool = False
    skill_dirs: list[str] = field(default_factory=list)
    agent_dirs: list[str] = field(default_factory=list)
    planning: bool = False
    goal_tracking: bool = False
    auto_compact: bool = False
    auto_compact_threshold: float = 0.80
    session_store_dir: str | None = None
    memory_dir: str | None = None
    memory: AgentMemory | None = None
    """A ``memory.AgentMemory`` to use instead of one built from ``memory_dir`` or the config."""
    memory_store: MemoryStore | None = None
    """The long-term memory backend (``memory.MemoryStore``) an ``AgentMemory`` is built on."""
    context_providers: list[ContextProvider] = field(default_factory=list)
    """``context.ContextProvider`` objects queried in parallel before each prompt."""
    auto_save: bool = False
    """Save to the session store after every turn."""
    tool_search: ToolSearchConfig | ToolIndex | None = None
    """Send only the MCP tools relevant to each request (``tool_search.ToolIndex``); built-ins always go."""
    queue_config: SessionQueueConfig | Any | None = None
    """A ``queue.SessionQueueConfig`` (or the HCL ``QueueConfig``); default: the config's ``queue`` block."""
    hook_engine: HookExecutor | None = None
    """A ``hooks.HookEngine`` (or any ``HookExecutor``) shared with other sessions; each session gets
    its own otherwise. Used as given, even while it has no hooks yet."""
    hooks: list[tuple[str, str, AnyHandler]] = field(default_factory=list)
    """``(name, event, handler)`` registered on the session's hook engine when it starts."""
    sandbox: SandboxConfig | None = None
    """Run ``bash`` in a bubblewrap sandbox so configured (default: the config's ``sandbox`` block)."""
    bash_sandbox: BashSandbox | None = None
    """The ``BashSandbox`` engine itself (wins over ``sandbox``): ``LocalBashExecutor()``, a
    ``BubblewrapSandbox``, or your own implementation."""
    # extension points (docs/state-and-extensions.md, "Extension points")
    llm_client: LLMClient | None = None
    """Used for every model call instead of the configured provider's client."""
    session_store: SessionStore | None = None
    """Where ``save`` writes and ``Agent.resume_session`` reads (wins over ``session_store_dir``)."""
    skill_registry: SkillRegistry | None = None
    """The skills offered (wins over ``builtin_skills`` and ``skill_dirs``)."""
    skill_scorer: SkillScorer | None = None
    """Ranks skills against each prompt (default ``DefaultSkillScorer``, BM25)."""
    skill_validator: SkillValidator | None = None
    """Accepts or refuses each skill a registry loads (default ``DefaultSkillValidator``)."""
    http_client: HttpClient | None = None
    """What the ``web_search`` engines send their requests through (default ``Httpx2Client``)."""
    planner: Planner | None = None
    """Makes plans and goals for ``with_planning`` / ``with_goal_tracking`` (default ``LlmPlanner``)."""
    mcp_transport: McpTransport | None = None
    """How this session reaches the MCP servers it adds (default ``StdioTransport``)."""
    command_factory: CommandFactory | None = None
    """Turns ``submit(lane, payload)`` payloads into ``SessionCommand`` objects (default ``ToolCommand``)."""
    tools: list[Tool[Any]] = field(default_factory=list)
    """Extra tools (a ``Tool`` subclass instance each); one named like a built-in replaces it."""
    embedding_provider: EmbeddingProvider | None = None
    vector_store: VectorStore | None = None
    """Either one adds a ``VectorContextProvider`` (embedder default ``OpenAiEmbeddingProvider``,
    store default ``InMemoryVectorStore``), reachable as ``session.vector_context``."""
    checkpoints: CheckpointSettings | None = None
    """Per-turn file checkpoints for ``rewind`` (``checkpoints.CheckpointSettings``: on/off, age and
    size limits); default: the config's ``checkpoints`` block, else on, 7 days, 64 MB."""

    @classmethod
    def new(cls) -> SessionOptions:
        return cls()

    def prompt_slots(self) -> SystemPromptSlots:
        return SystemPromptSlots(self.role, self.guidelines, self.response_style, self.extra)

    def with_prompt_slots(self, slots: SystemPromptSlots) -> SessionOptions:
        self.role, self.guidelines = slots.role, slots.guidelines
        self.response_style, self.extra = slots.response_style, slots.extra
        return self

    def with_model(self, model: str) -> SessionOptions:
        self.model = model
        return self

    def with_parse_retries(self, n: int) -> SessionOptions:
        self.max_parse_retries = n
        return self

    def with_tool_timeout(self, ms: int) -> SessionOptions:
        self.tool_timeout_ms = ms
        return self

    def with_circuit_breaker(self, threshold: int) -> SessionOptions:
        self.circuit_breaker_threshold = threshold
        return self

    def with_checkpoints(
        self,
        enabled: bool = True,
        *,
        max_age_s: float | None = None,
        max_bytes: int | None = None,
        max_file_bytes: int | None = None,
    ) -> SessionOptions:
        """Checkpoint limits: ``max_age_s`` seconds, ``max_bytes`` of kept contents, ``max_file_bytes``
        per file (unset ones keep the defaults of ``checkpoints.CheckpointSettings``)."""
        from .checkpoints import CheckpointSettings

        base = CheckpointSettings(enabled=enabled)
        self.checkpoints = CheckpointSettings(
            enabled,
            base.max_age_s if max_age_s is None else max_age_s,
            base.max_bytes if max_bytes is None else max_bytes,
            base.max_file_bytes if max_file_bytes is None else max_file_bytes,
        )
        return self

    def with_resilience_defaults(self) -> SessionOptions:
        return self.with_parse_retries(2).with_tool_timeout(120_000).with_circuit_breaker(3)

    def with_permission_checker(self, checker: PermissionChecker) -> SessionOptions:
        self.permission_checker = checker
        return self

    def with_confirmation_manager(self, manager: ConfirmationProvider) -> SessionOptions:
        self.confirmation = manager
        return self

    def with_default_security(self) -> SessionOptions:
        self.default_security = True
        return self

    def with_security_provider(self, provider: SecurityProvider) -> SessionOptions:
        self.security_provider = provider
        return self

    def with_file_system(self, fs: FileSystem) -> SessionOptions:
        self.file_system = fs
        return self

    def with_root(self, path: str) -> SessionOptions:
        self.roots.append(path)
        return self

    def with_builtin_skills(self) -> SessionOptions:
        self.builtin_skills = True
        return self

    def with_skills_from_dir(self, path: str) -> SessionOptions:
        self.skill_dirs.append(path)
        return self

    def with_planning(self, enabled: bool = True) -> SessionOptions:
        self.planning = enabled
        return self

    def with_goal_tracking(self, enabled: bool = True) -> SessionOptions:
        self.goal_tracking = enabled
        return self

    def with_auto_compact(self, enabled: bool = True) -> SessionOptions:
        self.auto_compact = enabled
        return self

    def with_auto_compact_threshold(self, threshold: float) -> SessionOptions:
        self.auto_compact_threshold = threshold
        return self

    def with_file_session_store(self, path: str) -> SessionOptions:
        self.session_store_dir = path
        return self

    def with_hook_engine(self, engine: HookExecutor) -> SessionOptions:
        self.hook_engine = engine
        return self

    def with_file_memory(self, path: str) -> SessionOptions:
        self.memory_dir = path
        return self

    def with_memory(self, memory: AgentMemory) -> SessionOptions:
        self.memory = memory
        return self

    def with_fs_context(self, root: str = ".") -> SessionOptions:
        from .context import FileSystemContextProvider

        self.context_providers.append(FileSystemContextProvider(root))
        return self

    def with_context_provider(self, provider: ContextProvider) -> SessionOptions:
        self.context_providers.append(provider)
        return self

    def with_tool_search(self, config: ToolSearchConfig | ToolIndex | None = None) -> SessionOptions:
        """A config (default ``ToolSearchConfig()``) or a ``ToolIndex`` with your own tags."""
        from .tool_search import ToolSearchConfig

        self.tool_search = config if config is not None else ToolSearchConfig()
        return self

    def with_queue_config(self, config: SessionQueueConfig | Any) -> SessionOptions:
        self.queue_config = config
        return self

    def with_sandbox(self, config: SandboxConfig) -> SessionOptions:
        """The seed's ``with_sandbox(SandboxConfig { .. })``: ``bash`` and ``submit("execute", ..)`` run
        in the sandbox and the ``sandbox`` tool is offered. The session refuses to start (raising
        ``SandboxUnavailableError``) where bubblewrap cannot run."""
        self.sandbox = config
        return self

    def with_bash_sandbox(self, sandbox: BashSandbox) -> SessionOptions:
        self.bash_sandbox = sandbox
        return self

    def with_auto_save(self, enabled: bool = True) -> SessionOptions:
        self.auto_save = enabled
        return self

    # -- extension points ----------------------------------------------------------------------

    def with_llm_client(self, client: LLMClient) -> SessionOptions:
        self.llm_client = client
        return self

    def with_session_store(self, store: SessionStore) -> SessionOptions:
        self.session_store = store
        return self

    def with_memory_store(self, store: MemoryStore) -> SessionOptions:
        self.memory_store = store
        return self

    def with_skill_registry(self, registry: SkillRegistry) -> SessionOptions:
        self.skill_registry = registry
        return self

    def with_skill_scorer(self, scorer: SkillScorer) -> SessionOptions:
        self.skill_scorer = scorer
        return self

    def with_skill_validator(self, validator: SkillValidator) -> SessionOptions:
        self.skill_validator = validator
        return self

    def with_http_client(self, client: HttpClient) -> SessionOptions:
        self.http_client = client
        return self

    def with_planner(self, planner: Planner) -> SessionOptions:
        self.planner = planner
        return self

    def with_mcp_transport(self, transport: McpTransport) -> SessionOptions:
        self.mcp_transport = transport
        return self

    def with_command_factory(self, factory: CommandFactory) -> SessionOptions:
        self.command_factory = factory
        return self

    def with_tool(self, tool: Tool[Any]) -> SessionOptions:
        self.tools.append(tool)
        return self

    def with_hook(self, name: str, event: str, handler: AnyHandler) -> SessionOptions:
        """A ``HookHandler`` object, ``handler(event)`` or ``handler(event, payload)`` on ``event``."""
        self.hooks.append((name, event, handler))
        return self

    def with_embedding_provider(self, provider: EmbeddingProvider) -> SessionOptions:
        self.embedding_provider = provider
        return self

    def with_vector_store(self, store: VectorStore) -> SessionOptions:
        self.vector_store = store
        return self
