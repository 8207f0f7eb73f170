"""Agent: the parsed configuration plus what sessions share (tools, provider clients, pricing)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import AgentConfig, load_config
from .errors import ConfigError
from .llm.base import LLMClient
from .options import SessionOptions
from .ports import ConfirmationProvider, PermissionChecker
from .pricing import ModelPricing, pricing_for
from .session import Session
from .tools.registry import ToolRegistry

if TYPE_CHECKING:
    from .context.vector import VectorContextProvider
    from .mcp import McpManager
    from .memory import AgentMemory
    from .security import SecurityProvider
    from .services import SessionServices
    from .skills import SkillRegistry
    from .store import MemorySessionStore, SessionStore
    from .websearch import HttpClient, WebSearch


class Agent:
    """``Agent("agent.hcl")``, ``Agent(hcl_string)``, ``Agent()`` (discovery) or ``Agent.from_config(cfg)``."""

    def __init__(self, source: str | os.PathLike[str] | AgentConfig | None = None) -> None:
        self.config = source if isinstance(source, AgentConfig) else load_config(source)
        self._memory_store: MemorySessionStore | None = None
        self._mcp: McpManager | None = None
        self._web_search: WebSearch | None = None
        self._memories: dict[str, AgentMemory] = {}
        if self.security_default():
            from .security.logs import install_log_redaction

            install_log_redaction()  # before any session logs a prompt

    @classmethod
    def create(cls, source: str | os.PathLike[str] | None = None) -> Agent:
        return cls(source)

    @classmethod
    def from_config(cls, config: AgentConfig) -> Agent:
        return cls(config)

    def session(
        self, workspace: str | Path = ".", options: SessionOptions | None = None, **overrides: Any
    ) -> Session:
        """A new session in ``workspace``; keyword overrides set SessionOptions fields."""
        opts = options or SessionOptions()
        for key, value in overrides.items():
            if not hasattr(opts, key):
                raise TypeError(f"unknown session option {key!r}")
            setattr(opts, key, value)
        return Session(self, workspace, opts, self.services(workspace, opts))

    def services(self, workspace: str | Path, options: SessionOptions) -> SessionServices:
        """The composition root: every extension point of a session in ``workspace``, resolved once
        (option, else config, else default). See ``a3s_code.services``."""
        from .services import resolve

        return resolve(self, Path(workspace), options)

    def resume_session(
        self,
        session_id: str,
        options: SessionOptions | str | os.PathLike[str] | None = None,
        workspace: str | os.PathLike[str] | SessionOptions | None = None,
    ) -> Session:
        """Restore a saved session: history, usage, cost, remembered permissions, plan and goal.

        Accepts ``(id, options)`` as in the seed, and ``(id, workspace, options)``.
        """
        from .session.persistence import SessionSnapshot
        from .store import SessionStoreError

        if isinstance(options, (str, os.PathLike)):
            options, workspace = (workspace if isinstance(workspace, SessionOptions) else None), options
        opts = options if isinstance(options, SessionOptions) else SessionOptions()
        store = self.session_store(opts)
        if store is None:
            raise SessionStoreError("no session store configured, so nothing can be resumed")
        data = store.load(session_id)
        if data is None:
            from .errors import SessionNotFoundError

            raise SessionNotFoundError(f"no saved session {session_id!r}")
        opts.session_id = session_id
        root = workspace if isinstance(workspace, (str, os.PathLike)) else data.get("workspace", ".")
        session = Session(self, Path(root), opts, self.services(Path(root), opts))
        if not opts.model and data.get("model"):
            session.set_model(str(data["model"]))
        session.persistence.restore(SessionSnapshot.from_data(data))
        return session

    def skill_registry(self, options: SessionOptions) -> SkillRegistry | None:
        """The options' registry, else built-in skills if asked for, then the config's skill_dirs,
        then the options' folders; ranked by the options' ``skill_scorer`` when given."""
        if options.skill_registry is not None:
            if options.skill_scorer is not None:
                options.skill_registry.scorer = options.skill_scorer
            if options.skill_validator is not None:
                options.skill_registry.validator = options.skill_validator
            return options.skill_registry
        if not (options.builtin_skills or options.skill_dirs or self.config.skill_dirs):
            return None
        from .skills import SkillRegistry

        registry = SkillRegistry(options.skill_scorer, options.skill_validator)
        if options.builtin_skills:
            registry.load_builtin()
        for folder in self.config.skill_dirs:
            registry.load_dir(self.config.resolve_dir(folder))
        for folder in options.skill_dirs:
            registry.load_dir(folder)
        return registry

    def session_store(self, options: SessionOptions) -> SessionStore | None:
        """The store sessions save to: the options' store or folder, else the config's, else none."""
        from .store import FileSessionStore, MemorySessionStore

        if options.session_store is not None:
            return options.session_store
        if options.session_store_dir:
            return FileSessionStore(options.session_store_dir)
        if self.config.storage_backend == "memory":
            if self._memory_store is None:
                self._memory_store = MemorySessionStore()
            return self._memory_store
        if self.config.sessions_dir:
            return FileSessionStore(self.config.resolve_dir(self.config.sessions_dir))
        return None

    def web_search(self, http: HttpClient | None = None) -> WebSearch | None:
        """The ``search`` block's engines (``websearch.WebSearch``; None without one), shared by this
        agent's sessions so an engine suspended after failures stays suspended for all of them.
        With ``http`` (a session's ``SessionOptions.http_client``) the engines are that session's own."""
        if self.config.search is None:
            return None
        from .websearch import WebSearch

        if http is not None:
            return WebSearch.from_config(self.config.search, http)
        if self._web_search is None:
            self._web_search = WebSearch.from_config(self.config.search)
        return self._web_search

    def mcp_manager(self) -> McpManager | None:
        """The config's ``mcp_servers`` (None without any), shared by this agent's sessions."""
        if self._mcp is None and any(s.enabled for s in self.config.mcp_servers):
            from .mcp import McpManager

            self._mcp = McpManager.from_config(self.config)
        return self._mcp

    def agent_memory(self, options: SessionOptions) -> AgentMemory | None:
        """The options' memory, else one on the options' ``memory_store``, else one per memory folder
        (options, then config), shared by sessions."""
        if options.memory is not None:
            return options.memory
        cfg = self.config.memory
        if options.memory_store is not None:
            from .memory import AgentMemory

            limits = {"max_working": cfg.max_working, "max_short_term": cfg.max_short_term} if cfg else {}
            return AgentMemory(options.memory_store, **limits)
        folder = options.memory_dir or (cfg.dir if cfg is not None and cfg.enabled and cfg.dir else None)
        if folder is None and (cfg is None or not cfg.enabled):
            return None
        key = str(self.config.resolve_dir(folder)) if folder else ":memory:"
        if key not in self._memories:
            from .memory import AgentMemory, FileMemoryStore, InMemoryStore

            store = FileMemoryStore(key) if folder else InMemoryStore()
            limits = {"max_working": cfg.max_working, "max_short_term": cfg.max_short_term} if cfg else {}
            self._memories[key] = AgentMemory(store, **limits)
        return self._memories[key]

    # -- what sessions share -------------------------------------------------------------------

    def default_model(self) -> str:
        if not self.config.default_model:
            raise ConfigError(
                'no model: set default_model = "provider/model" in the config or pass a model',
                file=_source(self.config),
                key="default_model",
            )
        return self.config.default_model

    def check_model(self, model: str) -> None:
        """Raises ConfigError unless ``model`` is ``provider/model`` with a configured provider."""
        self.config.resolve_model(model)

    def llm_client(self, model: str, options: SessionOptions | None = None) -> LLMClient:
        from .llm.factory import create_client
        from .llm.settings import limits_for, traits_for

        opts = options or SessionOptions()
        provider, model_cfg = self.config.resolve_model(model)
        timeouts, retry = limits_for(provider, opts)
        return create_client(
            provider.name,
            api_key=self.config.effective_api_key(provider, model_cfg),
            base_url=self.config.effective_base_url(provider, model_cfg),
            api_key_env=self.config.api_key_variable(provider, model_cfg),
            api=provider.api,
            timeouts=timeouts,
            retry=retry,
            traits=traits_for(model_cfg),
            deferred=True,
        )

    def pricing(self, model: str) -> ModelPricing | None:
        provider, model_cfg = self.config.resolve_model(model)
        override = None
        if model_cfg is not None and model_cfg.cost is not None:
            c = model_cfg.cost
            override = ModelPricing(c.input, c.output, c.cache_read, c.cache_write)
        return pricing_for(model.split("/", 1)[1], override)

    def tool_registry(self) -> ToolRegistry:
        from .tools import builtin_tools

        return ToolRegistry(builtin_tools())

    def permission_checker(self) -> PermissionChecker | None:
        perms = getattr(self.config, "permissions", None)
        if perms is None:
            return None
        from .permissions import PermissionPolicy

        policy: PermissionChecker = PermissionPolicy.from_config(
            allow=perms.allow, deny=perms.deny, ask=perms.ask, mode=perms.mode
        )
        return policy

    def confirmation_timeout_ms(self, options: SessionOptions) -> int:
        if options.confirmation_timeout_ms is not None:
            return options.confirmation_timeout_ms
        return self.config.confirmation.timeout_ms if self.config.confirmation else 30_000

    def confirmation_manager(self, options: SessionOptions) -> ConfirmationProvider | None:
        """The session's channel to a human, wrapped with the configured policy (timeout, audit)."""
        from .hitl import ConfirmationManager, ConfirmationPolicy

        channel = options.confirmation
        if channel is None or isinstance(channel, ConfirmationManager):
            return channel
        cfg = self.config.confirmation
        policy = ConfirmationPolicy(
            enabled=cfg.enabled if cfg else True,
            timeout_ms=self.confirmation_timeout_ms(options),
            timeout_action=cfg.timeout_action if cfg else "deny",
            yolo_lanes=set(cfg.yolo_lanes) if cfg else set(),
        )
        return ConfirmationManager(policy, channel)

    def security_default(self) -> bool:
        """``security { default = true }`` in the config: every session gets the default provider."""
        return self.config.security is not None and self.config.security.default

    def vector_context(self, options: SessionOptions) -> VectorContextProvider:
        """Retrieval by meaning over the options' ``vector_store`` (default in memory), embedded by
        the options' ``embedding_provider`` (default: OpenAI's, with the config's ``openai`` key)."""
        from .context.vector import OpenAiEmbeddingProvider, VectorContextProvider

        embedder = options.embedding_provider
        if embedder is None:
            embedder = OpenAiEmbeddingProvider.for_agent(self)
        return VectorContextProvider(embedder, options.vector_store)

    def default_security(self) -> SecurityProvider:
        from .security import DefaultSecurityProvider

        return DefaultSecurityProvider()


def _source(config: AgentConfig) -> str | None:
    path = getattr(config, "source_path", None)
    return str(path) if path else None
