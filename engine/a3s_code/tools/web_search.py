"""web_search: query the engines configured in the ``search`` block, merge and rank their results."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import quote_plus

from pydantic import Field

from ..errors import ToolError
from .base import Tool, ToolContext, ToolParams, ToolResult

if TYPE_CHECKING:
    from ..config.models import SearchConfig

NO_ENGINE = (
    "no web search engine is configured: add one to the config, for example\n"
    'search {\n  engine {\n    searxng { url = "https://searx.example/search?q={query}&format=json" }\n  }\n}'
)


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    snippet: str
    engine: str


class SearchEngine(Protocol):
    name: str
    weight: float

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]: ...


class JsonHttpEngine:
    """Any engine with a JSON API: a URL template with ``{query}`` answering ``{"results": [...]}``.

    Each result needs ``url`` and may have ``title`` and ``snippet`` / ``content`` / ``description``
    (SearxNG's ``format=json`` works as is).
    """

    def __init__(self, name: str, url_template: str, weight: float = 1.0) -> None:
        self.name, self.url_template, self.weight = name, url_template, weight

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        import httpx2

        url = self.url_template.replace("{query}", quote_plus(query))
        async with httpx2.AsyncClient(timeout=timeout_s, follow_redirects=True) as client:
            resp = await client.get(url, headers={"Accept": "application/json"})
            resp.raise_for_status()
            data: Any = resp.json()
        items = data.get("results", []) if isinstance(data, dict) else data
        out = []
        for item in items[:limit]:
            if isinstance(item, dict) and item.get("url"):
                snippet = item.get("snippet") or item.get("content") or item.get("description") or ""
                out.append(
                    SearchResult(
                        str(item.get("title", item["url"])), str(item["url"]), str(snippet), self.name
                    )
                )
        return out


class WebSearchParams(ToolParams):
    query: str = Field(min_length=1, description="What to search for")
    limit: int = Field(10, ge=1, le=50, description="How many results (default 10, max 50)")
    engines: str | None = Field(
        None, description="Comma-separated engine names to use (default: all enabled)"
    )
    format: Literal["text", "json"] = Field("text", description="text (readable list) or json")


class WebSearchTool(Tool[WebSearchParams]):
    name = "web_search"
    description = "Search the web with the configured engines; returns titles, URLs and snippets, best first."
    Params = WebSearchParams
    lane = "query"

    def __init__(self, engines: list[SearchEngine] | None = None, timeout_s: float = 10.0) -> None:
        self.engines = engines
        self.timeout_s = timeout_s

    @classmethod
    def for_config(cls, search: SearchConfig) -> WebSearchTool:
        """The ``search`` block's URL-template engines (the composition root hands them over)."""
        engines: list[SearchEngine] = [
            JsonHttpEngine(name, cfg.url, cfg.weight)
            for name, cfg in search.engine.items()
            if cfg.enabled and cfg.url
        ]
        return cls(engines, float(search.timeout))

    def _configured(self, ctx: ToolContext) -> tuple[list[SearchEngine], float]:
        return list(self.engines or []), self.timeout_s

    async def run(self, params: WebSearchParams, ctx: ToolContext) -> ToolResult:
        engines, timeout_s = self._configured(ctx)
        if params.engines:
            wanted = {e.strip() for e in params.engines.split(",")}
            engines = [e for e in engines if e.name in wanted]
        if not engines:
            raise ToolError(NO_ENGINE)
        answers = await asyncio.gather(
            *(e.search(params.query, params.limit, timeout_s) for e in engines), return_exceptions=True
        )
        scores: dict[str, float] = {}
        best: dict[str, SearchResult] = {}
        failures = []
        for engine, answer in zip(engines, answers, strict=True):
            if isinstance(answer, BaseException):
                failures.append(f"{engine.name}: {answer}")
                continue
            for rank, result in enumerate(answer):
                key = result.url.rstrip("/")
                scores[key] = scores.get(key, 0.0) + engine.weight / (rank + 1)
                best.setdefault(key, result)
        if not best:
            detail = "; ".join(failures) or "no results"
            return ToolResult.error(f"No results for {params.query!r} ({detail})")
        ranked = sorted(best, key=lambda k: -scores[k])[: params.limit]
        results = [best[k] for k in ranked]
        if params.format == "json":
            import json

            text = json.dumps([r.__dict__ for r in results], indent=1)
        else:
            text = "\n\n".join(
                f"{i}. {r.title}\n   {r.url}\n   {r.snippet}".rstrip() for i, r in enumerate(results, 1)
            )
        if failures:
            text += "\n\n(engines that failed: " + "; ".join(failures) + ")"
        return ToolResult(text, metadata={"count": len(results)})
