"""Local stand-ins for the search engines, each answering in its service's own shape.

- DuckDuckGo: ``POST /html/`` (form ``q``) -> the no-JavaScript results page: ``div#links``,
  ``div.result.web-result`` blocks, an ad block (``result--ad``), links through
  ``//duckduckgo.com/l/?uddg=...``, snippets in ``a.result__snippet``.
- Bing: ``GET /search?q=`` -> ``ol#b_results > li.b_algo`` with ``/ck/a?...&u=a1<base64>`` links,
  an ``algoSlug_icon`` label in the snippet, and a ``li.b_ans`` answer box to ignore.
- Wikipedia: ``GET /w/api.php?action=query&list=search&srsearch=`` -> ``{"batchcomplete",
  "continue", "query": {"searchinfo", "search": [{ns, title, pageid, size, wordcount, snippet,
  timestamp}]}}``; a bad request answers HTTP 200 with ``{"error": {"code", "info"}}``.
- Brave: ``GET /res/v1/web/search`` with ``X-Subscription-Token`` -> ``{"type": "search", "query",
  "web": {"type": "search", "results": [{title, url, description, ...}]}}``; a wrong token is 401
  with ``{"type": "ErrorResponse", "error": {"code", "detail", "status"}}``; ``count`` over 20 is 422.
- Google Programmable Search: ``GET /customsearch/v1?key&cx&q&num`` -> ``{"kind":
  "customsearch#search", "searchInformation", "items": [{kind, title, htmlTitle, link,
  displayLink, snippet, htmlSnippet}]}`` (no ``items`` when nothing matched); a bad key is 400/403
  with ``{"error": {"code", "message", "errors", "status"}}``; ``num`` over 10 is 400.

Shapes from the services' reference pages and SearXNG's engines (searx/engines/duckduckgo.py,
bing.py, braveapi.py). Each engine's answers, failures and delays are set per test; every request
is recorded.
"""

from __future__ import annotations

import asyncio
import base64
import html
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

Page = tuple[str, str, str]
"""(title, url, snippet)"""

BRAVE_TOKEN = "brave-test-token"
GOOGLE_KEY = "google-test-key"
GOOGLE_CX = "0123456789abcdef0"


@dataclass
class FakeEngines:
    pages: dict[str, list[Page]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    """Answer this HTTP status instead of results."""
    delay: dict[str, float] = field(default_factory=dict)
    requests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    captcha: bool = False
    url: str = ""
    _runner: web.AppRunner | None = None

    def count(self, engine: str) -> int:
        return len(self.requests.get(engine, []))

    async def _enter(self, engine: str, request: web.Request) -> web.Response | None:
        form = dict(await request.post()) if request.method == "POST" else {}
        self.requests.setdefault(engine, []).append(
            {"query": dict(request.query), "form": form, "headers": dict(request.headers)}
        )
        if engine in self.delay:
            await asyncio.sleep(self.delay[engine])
        if engine in self.status:
            return web.Response(status=self.status[engine], text=f"{engine} is down")
        return None

    # -- DuckDuckGo --------------------------------------------------------------------------

    async def ddg(self, request: web.Request) -> web.Response:
        if (early := await self._enter("ddg", request)) is not None:
            return early
        if request.method != "POST":
            return web.Response(status=405)
        if self.captcha:
            page = '<html><body><form id="challenge-form" action="/anomaly.js"></form></body></html>'
            return web.Response(text=page, content_type="text/html")
        form = self.requests["ddg"][-1]["form"]
        q = html.escape(str(form.get("q", "")))
        blocks = [
            '<div class="result results_links results_links_deep result--ad ">'
            '<div class="links_main links_deep result__body"><h2 class="result__title">'
            '<a class="result__a" href="https://duckduckgo.com/y.js?ad_domain=ads.example">Sponsored thing</a>'
            '</h2><a class="result__snippet" href="#">Buy now</a></div></div>'
        ]
        for title, url, snippet in self.pages.get("ddg", []):
            target = f"//duckduckgo.com/l/?uddg={quote(url, safe='')}&amp;rut=8d3c1f"
            blocks.append(
                '<div class="result results_links results_links_deep web-result ">'
                '<div class="links_main links_deep result__body">'
                f'<h2 class="result__title"><a rel="nofollow" class="result__a" href="{target}">'
                f"{html.escape(title)}</a></h2>"
                '<div class="result__extras"><div class="result__extras__url">'
                f'<a class="result__url" href="{target}">{html.escape(url)}</a></div></div>'
                f'<a class="result__snippet" href="{target}">{_bold(snippet, q)}</a>'
                '<div class="clear"></div></div></div>'
            )
        if not self.pages.get("ddg"):
            blocks.append('<div class="no-results">No results.</div>')
        page = (
            f"<!DOCTYPE html><html><head><title>{q} at DuckDuckGo</title></head><body>"
            '<div id="links" class="results">' + "".join(blocks) + "</div>"
            '<div class="nav-link"><form action="/html/" method="post">'
            f'<input type="hidden" name="q" value="{q}"><input type="hidden" name="vqd" value="4-123">'
            "</form></div></body></html>"
        )
        return web.Response(text=page, content_type="text/html")

    # -- Bing --------------------------------------------------------------------------------

    async def bing(self, request: web.Request) -> web.Response:
        if (early := await self._enter("bing", request)) is not None:
            return early
        items = [
            '<li class="b_ans"><div class="b_rs"><h2>Related searches</h2>'
            '<a href="/search?q=other">other</a></div></li>'
        ]
        for title, url, snippet in self.pages.get("bing", []):
            u = "a1" + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
            link = f"https://www.bing.com/ck/a?!&amp;&amp;p=5f1e2d&amp;ptn=3&amp;u={u}&amp;ntb=1"
            items.append(
                '<li class="b_algo" data-id="">'
                f'<div class="b_tpcn"><a class="tilk" href="{link}"><div class="tpmeta">{html.escape(url)}</div></a></div>'
                f'<h2><a href="{link}" h="ID=SERP,5123.1">{html.escape(title)}</a></h2>'
                '<div class="b_caption"><p class="b_lineclamp2 b_algoSlug">'
                f'<span class="algoSlug_icon" data-priority="2">Web</span>{html.escape(snippet)}</p></div></li>'
            )
        items.append('<li class="b_pag"><nav><a href="/search?q=x&amp;first=11">2</a></nav></li>')
        page = (
            '<!DOCTYPE html><html lang="en"><body><div id="b_content"><main>'
            '<ol id="b_results" class="">' + "".join(items) + "</ol></main></div></body></html>"
        )
        return web.Response(text=page, content_type="text/html")

    # -- Wikipedia (MediaWiki) ---------------------------------------------------------------

    async def wiki(self, request: web.Request) -> web.Response:
        if (early := await self._enter("wiki", request)) is not None:
            return early
        q = request.query
        if q.get("action") != "query" or q.get("list") != "search" or not q.get("srsearch"):
            error = {"code": "nosrsearch", "info": 'The "srsearch" parameter must be set.'}
            return web.json_response({"error": error, "servedby": "mw-api-ext.eqiad.main-1"})
        limit = int(q.get("srlimit", "10"))
        hits = [
            {
                "ns": 0,
                "title": title,
                "pageid": 1000 + i,
                "size": 12345,
                "wordcount": 2000,
                "snippet": _searchmatch(snippet, q["srsearch"]),
                "timestamp": "2026-01-02T03:04:05Z",
            }
            for i, (title, _url, snippet) in enumerate(self.pages.get("wiki", []))
        ][:limit]
        body = {
            "batchcomplete": "",
            "continue": {"sroffset": limit, "continue": "-||"},
            "query": {"searchinfo": {"totalhits": len(hits)}, "search": hits},
        }
        return web.json_response(body)

    # -- Brave -------------------------------------------------------------------------------

    async def brave(self, request: web.Request) -> web.Response:
        if (early := await self._enter("brave", request)) is not None:
            return early
        if request.headers.get("X-Subscription-Token") != BRAVE_TOKEN:
            error = {
                "id": "c1d2",
                "status": 401,
                "code": "SUBSCRIPTION_TOKEN_INVALID",
                "detail": "The provided subscription token is invalid.",
                "meta": {"component": "authentication"},
            }
            return web.json_response({"type": "ErrorResponse", "error": error, "time": 1}, status=401)
        count = int(request.query.get("count", "20"))
        if count > 20:
            error = {"status": 422, "code": "VALIDATION", "detail": "Unable to validate request parameter(s)"}
            return web.json_response({"type": "ErrorResponse", "error": error}, status=422)
        results = [
            {
                "title": title,
                "url": url,
                "is_source_local": False,
                "is_source_both": False,
                "description": snippet,
                "profile": {"name": "Example", "url": url, "long_name": "example"},
                "language": "en",
                "family_friendly": True,
                "type": "search_result",
                "subtype": "generic",
                "meta_url": {"scheme": "https", "netloc": "example", "path": "› page"},
                "age": "January 2, 2026",
            }
            for title, url, snippet in self.pages.get("brave", [])
        ][:count]
        body = {
            "query": {"original": request.query.get("q", ""), "more_results_available": False},
            "mixed": {"type": "mixed", "main": [{"type": "web", "index": i} for i in range(len(results))]},
            "type": "search",
            "web": {"type": "search", "results": results, "family_friendly": True},
        }
        return web.json_response(body)

    # -- Google Programmable Search -----------------------------------------------------------

    async def google(self, request: web.Request) -> web.Response:
        if (early := await self._enter("google", request)) is not None:
            return early
        q = request.query
        if q.get("key") != GOOGLE_KEY:
            return _google_error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")
        if q.get("cx") != GOOGLE_CX:
            return _google_error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
        num = int(q.get("num", "10"))
        if not 1 <= num <= 10:
            return _google_error(
                400, f"Invalid value '{num}'. Values must be between 1 and 10.", "INVALID_ARGUMENT"
            )
        items = [
            {
                "kind": "customsearch#result",
                "title": title,
                "htmlTitle": f"<b>{html.escape(title)}</b>",
                "link": url,
                "displayLink": url.split("/")[2],
                "snippet": snippet,
                "htmlSnippet": html.escape(snippet),
                "formattedUrl": url,
            }
            for title, url, snippet in self.pages.get("google", [])
        ][:num]
        body: dict[str, Any] = {
            "kind": "customsearch#search",
            "url": {
                "type": "application/json",
                "template": "https://www.googleapis.com/customsearch/v1?q={searchTerms}",
            },
            "queries": {"request": [{"title": "Google Custom Search", "count": len(items), "startIndex": 1}]},
            "context": {"title": "test engine"},
            "searchInformation": {
                "searchTime": 0.2,
                "formattedSearchTime": "0.20",
                "totalResults": str(len(items)),
            },
        }
        if items:
            body["items"] = items
        return web.json_response(body)

    # -- URL template (SearXNG's format=json) -------------------------------------------------

    async def searxng(self, request: web.Request) -> web.Response:
        if (early := await self._enter("searxng", request)) is not None:
            return early
        results = [
            {"title": t, "url": u, "content": s, "engine": "x"} for t, u, s in self.pages.get("searxng", [])
        ]
        return web.json_response({"query": request.query.get("q", ""), "results": results})

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/html/", self.ddg)
        app.router.add_get("/search", self.bing)
        app.router.add_get("/w/api.php", self.wiki)
        app.router.add_get("/res/v1/web/search", self.brave)
        app.router.add_get("/customsearch/v1", self.google)
        app.router.add_get("/searxng/search", self.searxng)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _bold(snippet: str, query: str) -> str:
    out = html.escape(snippet)
    for word in query.split():
        out = out.replace(word, f"<b>{word}</b>")
    return out


def _searchmatch(snippet: str, query: str) -> str:
    out = html.escape(snippet)
    for word in query.split():
        out = out.replace(word, f'<span class="searchmatch">{word}</span>')
    return out


def _google_error(code: int, message: str, status: str) -> web.Response:
    error = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": "badRequest"}],
        "status": status,
    }
    return web.json_response({"error": error}, status=code)
