"""``WebSearch``: ask the chosen engines at once, each within its timeout, skip suspended ones,
merge what came back (``aggregate.merge``) and say which engines failed and why."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..config.models import SearchConfig, SearchEngineConfig
from .aggregate import merge
from .api_engines import Brave, Google, UrlTemplateEngine, Wikipedia
from .base import SearchEngine, SearchResult
from .health import HealthMonitor
from .html_engines import Bing, DuckDuckGo
from .http import HttpClient, Httpx2Client, SearchEngineError

FailureKind = Literal["error", "timeout", "suspended", "unavailable", "unknown"]


@dataclass(frozen=True)
class EngineFailure:
    engine: str
    kind: FailureKind
    reason: str

    def __str__(self) -> str:
        return f"{self.engine}: {self.reason}"


@dataclass
class SearchAnswer:
    results: list[SearchResult]
    failures: list[EngineFailure] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    """The engines that were sent the query."""


class WebSearch:
    """``WebSearch(engines, timeout_s=10)``; ``await ws.search("query", limit=10)``.

    ``timeouts`` gives an engine its own limit in seconds; ``unavailable`` names engines that are
    configured but cannot run (a missing key), with the reason, so answers can say so.
    """

    def __init__(
        self,
        engines: Sequence[SearchEngine],
        timeout_s: float = 10.0,
        health: HealthMonitor | None = None,
        timeouts: Mapping[str, float] | None = None,
        unavailable: Mapping[str, str] | None = None,
    ) -> None:
        self.engines = {e.name: e for e in engines}
        self.timeout_s = timeout_s
        self.health = health or HealthMonitor()
        self.timeouts = dict(timeouts or {})
        self.unavailable = dict(unavailable or {})

    def names(self) -> list[str]:
        return [*self.engines, *self.unavailable]

    async def search(
        self,
        query: str,
        limit: int = 10,
        engines: Sequence[str] | None = None,
        timeout_s: float | None = None,
    ) -> SearchAnswer:
        """Results best first (at most ``limit``). ``engines`` picks some by name; ``timeout_s``
        caps every engine's time (seconds)."""
        wanted = list(engines) if engines else self.names()
        failures: list[EngineFailure] = []
        chosen: list[SearchEngine] = []
        for name in wanted:
            if name in self.unavailable:
                failures.append(EngineFailure(name, "unavailable", self.unavailable[name]))
            elif name not in self.engines:
                failures.append(EngineFailure(name, "unknown", f"no engine named {name!r} is configured"))
            elif (left := self.health.suspended_for(name)) > 0:
                why = self.health.last_error(name)
                failures.append(
                    EngineFailure(
                        name,
                        "suspended",
                        f"suspended for {left:.0f}s more after {self.health.failures(name)} failures in a row"
                        + (f" (last: {why})" if why else ""),
                    )
                )
            else:
                chosen.append(self.engines[name])
        answers = await asyncio.gather(*(self._ask(e, query, limit, timeout_s) for e in chosen))
        good: list[tuple[str, list[SearchResult]]] = []
        for engine, answer in zip(chosen, answers, strict=True):
            if isinstance(answer, EngineFailure):
                failures.append(answer)
                self.health.record_failure(engine.name, answer.reason)
            else:
                good.append((engine.name, answer))
                self.health.record_success(engine.name)
        weights = {e.name: e.weight for e in chosen}
        return SearchAnswer(merge(good, weights)[:limit], failures, [e.name for e in chosen])

    async def _ask(
        self, engine: SearchEngine, query: str, limit: int, cap: float | None
    ) -> list[SearchResult] | EngineFailure:
        limit_s = self.timeouts.get(engine.name, self.timeout_s)
        if cap is not None:
            limit_s = min(limit_s, cap)
        try:
            async with asyncio.timeout(limit_s):
                return await engine.search(query, limit, limit_s)
        except TimeoutError:
            return EngineFailure(engine.name, "timeout", f"timed out after {limit_s:g}s")
        except SearchEngineError as exc:
            return EngineFailure(engine.name, "error", str(exc).removeprefix(f"{engine.name}: "))
        except Exception as exc:  # an adapter's bug or a surprise answer must not sink the others
            return EngineFailure(engine.name, "error", f"{type(exc).__name__}: {exc}")

    @classmethod
    def from_config(cls, config: SearchConfig, http: HttpClient | None = None) -> WebSearch:
        """The engines of a ``search`` block; ``http`` defaults to ``Httpx2Client(config.proxy)``."""
        client = http or Httpx2Client(config.proxy)
        engines: list[SearchEngine] = []
        unavailable: dict[str, str] = {}
        timeouts: dict[str, float] = {}
        for name, cfg in config.engine.items():
            if not cfg.enabled:
                continue
            try:
                engines.append(build_engine(name, cfg, client))
            except SearchEngineError as exc:
                unavailable[name] = str(exc)
            if cfg.timeout is not None:
                timeouts[name] = cfg.timeout
        health = config.health
        monitor = HealthMonitor(health.max_failures, health.suspend_seconds) if health else HealthMonitor()
        return cls(engines, config.timeout, monitor, timeouts, unavailable)


def build_engine(name: str, cfg: SearchEngineConfig, http: HttpClient) -> SearchEngine:
    """The adapter for one ``engine`` block; raises ``SearchEngineError`` when a key is missing."""
    kind = cfg.kind(name)
    if kind == "ddg":
        return DuckDuckGo(http, name, cfg.weight, cfg.base_url)
    if kind == "bing":
        return Bing(http, name, cfg.weight, cfg.base_url)
    if kind == "wiki":
        return Wikipedia(http, name, cfg.weight, cfg.base_url, cfg.lang)
    if kind == "brave":
        if not cfg.api_key:
            raise SearchEngineError(_missing(name, cfg, "api_key", "a Brave Search API key", "BRAVE_API_KEY"))
        return Brave(http, name, cfg.weight, cfg.base_url, api_key=cfg.api_key)
    if kind == "google":
        if not cfg.api_key or not cfg.cx:
            what = "api_key" if not cfg.api_key else "cx"
            hint = "an API key" if not cfg.api_key else "the Programmable Search Engine ID"
            raise SearchEngineError(_missing(name, cfg, what, hint, "GOOGLE_API_KEY"))
        return Google(http, name, cfg.weight, cfg.base_url, api_key=cfg.api_key, cx=cfg.cx)
    if cfg.url:
        return UrlTemplateEngine(http, name, cfg.url, cfg.weight)
    raise SearchEngineError(f"unknown engine type {kind!r}")


def _missing(name: str, cfg: SearchEngineConfig, key: str, what: str, variable: str) -> str:
    if key == "api_key" and cfg.api_key_env:
        return f"needs {what}: the variable {cfg.api_key_env} (from api_key = env(...)) is not set"
    example = f'api_key = env("{variable}")' if key == "api_key" else 'cx = "<engine id>"'
    return f"needs {what}: add {example} to its block (search {{ engine {{ {name} {{ ... }} }} }})"
