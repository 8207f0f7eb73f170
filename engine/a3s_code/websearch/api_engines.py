"""Engines with a JSON API: Wikipedia (MediaWiki), Brave, Google Programmable Search, URL templates."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, quote_plus

from .base import SearchResult, plain
from .http import HttpClient, SearchEngineError, check_status


def _items(data: Any, *path: str) -> list[dict[str, Any]]:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


class _ApiEngine:
    base_url: str

    def __init__(self, http: HttpClient, name: str, weight: float = 1.0, base_url: str | None = None) -> None:
        self.http, self.name, self.weight = http, name, weight
        if base_url:
            self.base_url = base_url.rstrip("/")


class Wikipedia(_ApiEngine):
    """MediaWiki's search API (``action=query&list=search``; mediawiki.org, "API:Search").

    Answers ``{"query": {"search": [{"title", "pageid", "snippet"}, ...]}}``; the snippet marks
    matches with ``<span class="searchmatch">``. Errors come with HTTP 200 as ``{"error": {"code",
    "info"}}``. A page's address is ``{base}/wiki/{title with _ for spaces}``.
    """

    def __init__(
        self,
        http: HttpClient,
        name: str = "wiki",
        weight: float = 1.0,
        base_url: str | None = None,
        lang: str = "en",
    ) -> None:
        self.base_url = f"https://{lang}.wikipedia.org"
        super().__init__(http, name, weight, base_url)

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        params = {
            "action": "query",
            "list": "search",
            "srsearch": query,
            "srlimit": str(min(limit, 50)),
            "srprop": "snippet",
            "format": "json",
            "utf8": "1",
        }
        resp = await self.http.request(
            "GET", f"{self.base_url}/w/api.php", params=params, timeout_s=timeout_s
        )
        check_status(resp, self.name)
        data = resp.json()
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            err = data["error"]
            raise SearchEngineError(
                f"{self.name}: {err.get('code', 'error')}: {err.get('info', '')}".rstrip(": ")
            )
        out = []
        for item in _items(data, "query", "search"):
            title = str(item.get("title", ""))
            if title:
                url = f"{self.base_url}/wiki/{quote(title.replace(' ', '_'), safe='/:()_,')}"
                out.append(SearchResult(title, url, plain(str(item.get("snippet", ""))), self.name))
        return out[:limit]


class Brave(_ApiEngine):
    """Brave Search API, web search (``GET /res/v1/web/search``, header ``X-Subscription-Token``;
    api-dashboard.search.brave.com). Answers ``{"web": {"results": [{"title", "url",
    "description"}]}}``; ``count`` is at most 20. Errors: ``{"error": {"code", "detail"}}``."""

    base_url = "https://api.search.brave.com"

    def __init__(
        self,
        http: HttpClient,
        name: str = "brave",
        weight: float = 1.0,
        base_url: str | None = None,
        *,
        api_key: str,
    ) -> None:
        super().__init__(http, name, weight, base_url)
        self.api_key = api_key

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        resp = await self.http.request(
            "GET",
            f"{self.base_url}/res/v1/web/search",
            params={"q": query, "count": str(min(limit, 20)), "text_decorations": "false"},
            headers={"Accept": "application/json", "X-Subscription-Token": self.api_key},
            timeout_s=timeout_s,
        )
        if resp.status >= 400:
            error = _error_of(resp.text, "detail")
            check_status(resp, self.name, error)
        out = []
        for item in _items(resp.json(), "web", "results"):
            if item.get("url"):
                out.append(
                    SearchResult(
                        plain(str(item.get("title", ""))) or str(item["url"]),
                        str(item["url"]),
                        plain(str(item.get("description", ""))),
                        self.name,
                    )
                )
        return out[:limit]


class Google(_ApiEngine):
    """Google Programmable Search (Custom Search JSON API, ``GET /customsearch/v1?key&cx&q&num``;
    developers.google.com/custom-search/v1). Answers ``{"items": [{"title", "link", "snippet"}]}``,
    without ``items`` when nothing matched; ``num`` is 1 to 10. Errors: ``{"error": {"code",
    "message"}}``."""

    base_url = "https://www.googleapis.com"

    def __init__(
        self,
        http: HttpClient,
        name: str = "google",
        weight: float = 1.0,
        base_url: str | None = None,
        *,
        api_key: str,
        cx: str,
    ) -> None:
        super().__init__(http, name, weight, base_url)
        self.api_key, self.cx = api_key, cx

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        params = {"key": self.api_key, "cx": self.cx, "q": query, "num": str(max(1, min(limit, 10)))}
        resp = await self.http.request(
            "GET", f"{self.base_url}/customsearch/v1", params=params, timeout_s=timeout_s
        )
        if resp.status >= 400:
            check_status(resp, self.name, _error_of(resp.text, "message"))
        out = []
        for item in _items(resp.json(), "items"):
            if item.get("link"):
                out.append(
                    SearchResult(
                        str(item.get("title") or item["link"]),
                        str(item["link"]),
                        plain(str(item.get("snippet", ""))),
                        self.name,
                    )
                )
        return out[:limit]


class UrlTemplateEngine:
    """Any engine with a JSON API: a URL template with ``{query}`` answering ``{"results": [...]}``
    (or a bare list). Each result needs ``url`` and may have ``title`` and ``snippet`` /
    ``content`` / ``description``; SearXNG's ``format=json`` works as it is."""

    def __init__(self, http: HttpClient, name: str, url_template: str, weight: float = 1.0) -> None:
        self.http, self.name, self.url_template, self.weight = http, name, url_template, weight

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        url = self.url_template.replace("{query}", quote_plus(query))
        resp = await self.http.request(
            "GET", url, headers={"Accept": "application/json"}, timeout_s=timeout_s
        )
        check_status(resp, self.name)
        data = resp.json()
        items = data.get("results", []) if isinstance(data, dict) else data
        out = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("url"):
                snippet = item.get("snippet") or item.get("content") or item.get("description") or ""
                title = plain(str(item.get("title") or "")) or str(item["url"])
                out.append(SearchResult(title, str(item["url"]), plain(str(snippet)), self.name))
        return out[:limit]


def _error_of(text: str, field: str) -> str:
    """The message of an API's ``{"error": {...}}`` body, or the start of the body."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return plain(text)[:200]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get(field) or error.get("message") or error.get("code") or error)[:300]
    return plain(text)[:200]
