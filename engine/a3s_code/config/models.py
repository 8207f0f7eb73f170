"""The HCL configuration as pydantic models: parsed once, unknown keys refused."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator

from ..completion.config import CompletionConfig
from ..errors import ConfigError
from ..sandbox.config import SandboxConfig


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelCost(_Model):
    """USD per million tokens."""

    input: float = 0.0
    output: float = 0.0
    cache_read: float | None = None
    cache_write: float | None = None


class ModelLimit(_Model):
    context: int = 200_000
    output: int = 8192


class Modalities(_Model):
    input: list[str] = ["text"]
    output: list[str] = ["text"]


class ModelConfig(_Model):
    id: str
    name: str | None = None
    family: str | None = None
    api_key: str | None = None
    api_key_env: str | None = None
    """Set by the loader when ``api_key`` came from ``env("NAME")``: the variable to tell users about."""
    base_url: str | None = None
    attachment: bool = False
    reasoning: bool = False
    tool_call: bool = True
    temperature: bool = True
    release_date: str | None = None
    modalities: Modalities | None = None
    cost: ModelCost | None = None
    limit: ModelLimit | None = None


class ProviderTimeouts(_Model):
    """``timeouts { ... }`` in a provider block: how long a model request may wait, and how much
    a turn may retry. Milliseconds; 0 turns a limit off.

    ``connect_ms``: opening the connection. ``first_byte_ms``: from sending a request to the
    first streamed event. ``idle_ms``: between two events of a started stream (keep-alive
    comments do not count). ``retry_budget_ms``: time one turn may lose to failed requests and
    the waits before retrying them. ``max_retries``: retries of one request.
    """

    connect_ms: int = Field(10_000, ge=0)
    first_byte_ms: int = Field(120_000, ge=0)
    idle_ms: int = Field(120_000, ge=0)
    retry_budget_ms: int = Field(300_000, ge=0)
    max_retries: int | None = Field(None, ge=0)
    """Default: the session's ``llm_max_retries`` (3)."""


class ProviderConfig(_Model):
    name: str
    api_key: str | None = None
    api_key_env: str | None = None
    base_url: str | None = None
    api: Literal["responses", "chat"] | None = None
    """Which OpenAI API to speak: ``responses`` (the default on OpenAI's own endpoint) or ``chat``
    (Chat Completions, the default for compatible servers: Ollama, vLLM, LM Studio...)."""
    timeouts: ProviderTimeouts = Field(default_factory=lambda: ProviderTimeouts.model_validate({}))
    models: list[ModelConfig] = []

    @model_validator(mode="after")
    def _api_for_openai_only(self) -> ProviderConfig:
        if self.api is not None and self.name == "anthropic":
            raise ValueError(
                "'api' applies to OpenAI-compatible providers; anthropic speaks the Messages API"
            )
        return self

    def find_model(self, model_id: str) -> ModelConfig | None:
        return next((m for m in self.models if m.id == model_id), None)


class RetryPolicy(_Model):
    strategy: Literal["exponential", "fixed", "none"] = "exponential"
    max_retries: int = Field(3, ge=0)
    initial_delay_ms: int = Field(100, ge=0)
    max_delay_ms: int = Field(30_000, ge=0)
    fixed_delay_ms: int = Field(1000, ge=0)


class RateLimit(_Model):
    limit_type: Literal["per_second", "per_minute", "per_hour", "unlimited"] = "unlimited"
    max_operations: int = Field(100, ge=1)


class PriorityBoost(_Model):
    strategy: Literal["standard", "aggressive", "disabled"] = "standard"
    deadline_ms: int = Field(300_000, ge=0)


class LaneHandlerSettings(_Model):
    """Where a lane's tool calls run: here, on external workers (waiting ``timeout_ms``), or both."""

    mode: Literal["internal", "external", "hybrid"] = "internal"
    timeout_ms: int = Field(60_000, ge=1)


class QueueConfig(_Model):
    query_max_concurrency: int = Field(4, ge=1)
    execute_max_concurrency: int = Field(2, ge=1)
    generate_max_concurrency: int = Field(1, ge=1)
    enable_metrics: bool = False
    enable_dlq: bool = False
    dlq_max_size: int | None = None
    enable_alerts: bool = False
    default_timeout_ms: int | None = None
    retry_policy: RetryPolicy | None = None
    rate_limit: RateLimit | None = None
    priority_boost: PriorityBoost | None = None
    pressure_threshold: int | None = None
    lane_handlers: dict[Literal["query", "execute"], LaneHandlerSettings] = {}
    """``lane_handlers { execute { mode = "external", timeout_ms = 120000 } }``"""
    backend: Literal["local", "redis"] = "local"
    """Where external lanes wait: ``local`` (this process) or ``redis`` (streams any worker can read)."""
    url: SecretStr | None = None
    """``redis://[user:password@]host:port/db`` or ``rediss://`` (TLS); kept secret in reprs and logs.
    Checked when a session needs it, so ``env("A3S_REDIS_URL")`` may be unset where nothing does."""
    stream_prefix: str = Field("a3s", pattern=r"^[A-Za-z0-9_.:-]+$")
    idempotent_tools: list[str] = []
    """Execute-lane tools safe to run again when their worker died mid-task; reads always are."""


SEARCH_ENGINE_TYPES = ("ddg", "wiki", "brave", "google", "bing", "url")
"""Built-in web search engines; an ``engine`` block named otherwise needs ``type`` or ``url``."""
_ENGINE_ALIASES = {"duckduckgo": "ddg", "wikipedia": "wiki"}


class SearchEngineConfig(_Model):
    """One ``search { engine { <name> { ... } } }`` block (upstream's fields plus what adapters need)."""

    enabled: bool = True
    weight: float = Field(1.0, ge=0)
    """How much this engine's results count when results are merged."""
    timeout: float | None = Field(None, gt=0)
    """Seconds for this engine (default: the block's ``timeout``)."""
    type: str | None = None
    """``ddg``, ``wiki``, ``brave``, ``google``, ``bing`` or ``url``; default: the block's name."""
    url: str | None = None
    """For a URL-template engine: a URL with ``{query}`` answering JSON (SearXNG's format works)."""
    api_key: str | None = None
    """``brave`` (X-Subscription-Token), ``google`` (API key); usually ``env("...")``."""
    api_key_env: str | None = None
    cx: str | None = None
    """``google``: the Programmable Search Engine ID."""
    base_url: str | None = None
    """Another address for the engine's API or page (a mirror, a proxy, another MediaWiki)."""
    lang: str = "en"
    """``wiki``: which Wikipedia (``https://{lang}.wikipedia.org``)."""

    def kind(self, name: str) -> str:
        """The adapter this block selects: ``type``, else the name, else ``url`` when a URL is set."""
        if self.type:
            return _ENGINE_ALIASES.get(self.type.lower(), self.type.lower())
        low = _ENGINE_ALIASES.get(name.lower(), name.lower())
        return low if low in SEARCH_ENGINE_TYPES else "url" if self.url else low


class SearchHealth(_Model):
    max_failures: int = Field(3, ge=1)
    suspend_seconds: float = Field(60, ge=0)


class SearchConfig(_Model):
    timeout: float = Field(10, gt=0)
    """Seconds each engine may take (an engine's own ``timeout`` wins)."""
    proxy: str | None = None
    """``http://host:port`` or ``socks5://host:port`` for every engine's requests."""
    health: SearchHealth | None = None
    engine: dict[str, SearchEngineConfig] = {}

    @model_validator(mode="after")
    def _known_engines(self) -> SearchConfig:
        for name, cfg in self.engine.items():
            kind = cfg.kind(name)
            if kind not in SEARCH_ENGINE_TYPES:
                raise ValueError(
                    f"unknown search engine '{name}': name it (or set type =) one of "
                    f'{", ".join(SEARCH_ENGINE_TYPES[:-1])}, or give it url = "https://...{{query}}..."'
                )
            if kind == "url" and not cfg.url:
                raise ValueError(f"search engine '{name}' has type url but no url")
        return self


class McpServerConfig(_Model):
    name: str
    command: str | None = None
    args: list[str] = []
    env: dict[str, str] = {}
    url: str | None = None
    headers: dict[str, str] = {}
    enabled: bool = True
    tool_timeout_secs: int = 60

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerConfig:
        if bool(self.command) == bool(self.url):
            raise ValueError("exactly one of 'command' (stdio) or 'url' (streamable HTTP) must be set")
        return self


class MemoryConfig(_Model):
    enabled: bool = True
    dir: str | None = None
    max_short_term: int = 100
    max_working: int = 10


class PermissionsConfig(_Model):
    allow: list[str] = []
    deny: list[str] = []
    ask: list[str] = []
    mode: Literal["default", "accept_edits", "read_only", "bypass", "sandbox_auto_allow"] = "default"


class ConfirmationConfig(_Model):
    enabled: bool = True
    timeout_ms: int = Field(30_000, ge=0)
    timeout_action: Literal["deny", "allow"] = "deny"
    yolo_lanes: list[str] = []


class ToolSearchSettings(_Model):
    """Per-request tool filtering for large MCP tool sets (``tool_search.ToolSearchConfig``)."""

    enabled: bool = True
    max_tools: int = Field(8, ge=1)
    min_score: float = Field(0.5, ge=0)
    always_include: list[str] = []


class SecurityConfig(_Model):
    """``security { default = true }``: every session of this agent gets ``DefaultSecurityProvider``.

    Then the model and the user see secrets and personal data redacted, saved sessions and log
    lines hold none the provider recognises, and tool output is scanned for prompt injection.
    """

    default: bool = False


class CheckpointConfig(_Model):
    """``checkpoints { max_age_days = 7  max_mb = 64  max_file_mb = 8 }``: the per-turn file
    checkpoints ``rewind`` restores from (``checkpoints.CheckpointSettings``); oldest turns are
    dropped first past either limit."""

    enabled: bool = True
    max_age_days: float = Field(7.0, gt=0)
    max_mb: float = Field(64.0, gt=0)
    max_file_mb: float = Field(8.0, gt=0)


class AgentConfig(_Model):
    default_model: str | None = None
    """``provider/model``, for example ``anthropic/claude-sonnet-4-20250514``."""
    providers: list[ProviderConfig] = []
    queue: QueueConfig | None = None
    search: SearchConfig | None = None
    storage_backend: Literal["memory", "file", "custom"] = "file"
    sessions_dir: str | None = None
    storage_url: str | None = None
    skill_dirs: list[str] = []
    agent_dirs: list[str] = []
    max_tool_rounds: int = Field(50, ge=1)
    thinking_budget: int | None = Field(None, ge=1024)
    mcp_servers: list[McpServerConfig] = []
    memory: MemoryConfig | None = None
    permissions: PermissionsConfig | None = None
    confirmation: ConfirmationConfig | None = None
    tool_search: ToolSearchSettings | None = None
    security: SecurityConfig | None = None
    checkpoints: CheckpointConfig | None = None
    sandbox: SandboxConfig | None = None
    """``sandbox { network = false  memory_mb = 512 }``: run bash in bubblewrap (``sandbox.SandboxConfig``)."""
    completion_model: str | None = None
    """``provider/model`` for inline completions (a small fast model or a local server); unset: off."""
    completion: CompletionConfig | None = None
    """``completion { format = "qwen"  debounce_ms = 75 }`` (``completion.config.CompletionConfig``)."""

    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> Path | None:
        """The file this config came from (None for inline HCL or a struct)."""
        return self._source_path

    def resolve_dir(self, value: str) -> Path:
        """Relative directories are relative to the config file (or the current directory)."""
        path = Path(value).expanduser()
        if path.is_absolute():
            return path
        base = self._source_path.parent if self._source_path else Path.cwd()
        return (base / path).resolve()

    def find_provider(self, name: str) -> ProviderConfig | None:
        return next((p for p in self.providers if p.name == name), None)

    def resolve_model(self, ref: str) -> tuple[ProviderConfig, ModelConfig | None]:
        """Split ``provider/model`` (the model id may itself contain ``/``) and find the provider."""
        provider_name, sep, model_id = ref.partition("/")
        if not sep or not provider_name or not model_id:
            raise ConfigError(
                f"model format must be 'provider/model' (e.g., 'openai/gpt-4o'), got {ref!r}",
                file=str(self._source_path) if self._source_path else None,
                key="model",
            )
        provider = self.find_provider(provider_name)
        if provider is None:
            known = ", ".join(p.name for p in self.providers) or "none"
            raise ConfigError(
                f"provider '{provider_name}' not found in config; configured providers: {known}",
                file=str(self._source_path) if self._source_path else None,
                key="providers",
                expected=f'a providers {{ name = "{provider_name}" ... }} block',
            )
        return provider, provider.find_model(model_id)

    @staticmethod
    def effective_api_key(provider: ProviderConfig, model: ModelConfig | None) -> str | None:
        return (model.api_key if model and model.api_key else None) or provider.api_key

    @staticmethod
    def effective_base_url(provider: ProviderConfig, model: ModelConfig | None) -> str | None:
        return (model.base_url if model and model.base_url else None) or provider.base_url

    @staticmethod
    def api_key_variable(provider: ProviderConfig, model: ModelConfig | None) -> str | None:
        return (model.api_key_env if model else None) or provider.api_key_env
