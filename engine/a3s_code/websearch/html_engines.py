"""Engines read from their HTML results page: DuckDuckGo (the no-JavaScript endpoint) and Bing.

Neither offers a keyless API (Microsoft retired the Bing Search APIs on 11 August 2025), so these
read the same page a browser gets, with ``lxml``. The markup they expect is the one SearXNG's
engines read (searx/engines/duckduckgo.py and bing.py): it changes now and then, and a page with
no recognisable results is an error, never a silent empty answer.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, urlparse

from .base import SearchResult, plain
from .http import HttpClient, SearchEngineError, check_status


def _document(text: str) -> Any:
    import lxml.html

    try:
        return lxml.html.fromstring(text or "<html></html>")
    except (ValueError, Exception) as exc:  # lxml raises ParserError (an Exception) on junk
        raise SearchEngineError(f"could not read the results page: {exc}") from None


def _text(node: Any) -> str:
    return plain(" ".join(node.itertext())) if node is not None else ""


def _class_test(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


class DuckDuckGo:
    """DuckDuckGo's no-JavaScript page (``POST https://html.duckduckgo.com/html/`` with the form
    field ``q``). Results are ``div.web-result`` (ads carry ``result--ad`` and are skipped) with
    the link in ``h2 a`` (sometimes ``//duckduckgo.com/l/?uddg=<target>``) and the snippet in
    ``a.result__snippet``. A bot check answers with ``form#challenge-form``."""

    base_url = "https://html.duckduckgo.com"

    def __init__(
        self, http: HttpClient, name: str = "ddg", weight: float = 1.0, base_url: str | None = None
    ) -> None:
        self.http, self.name, self.weight = http, name, weight
        if base_url:
            self.base_url = base_url.rstrip("/")

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        if len(query) >= 500:
            raise SearchEngineError(f"{self.name}: DuckDuckGo takes queries of at most 499 characters")
        resp = await self.http.request(
            "POST",
            f"{self.base_url}/html/",
            data={"q": query, "b": "", "kl": "wt-wt"},
            headers={"Referer": f"{self.base_url}/", "Content-Type": "application/x-www-form-urlencoded"},
            timeout_s=timeout_s,
        )
        check_status(resp, self.name)
        return self.parse(resp.text)[:limit]

    def parse(self, page: str) -> list[SearchResult]:
        doc = _document(page)
        if doc.xpath("//form[@id='challenge-form']"):
            raise SearchEngineError(f"{self.name}: DuckDuckGo answered with a bot check (CAPTCHA)")
        out = []
        blocks = doc.xpath(f"//div[{_class_test('result')}][not({_class_test('result--ad')})]")
        for block in blocks:
            links = block.xpath(".//h2//a[@href]")
            if not links:
                continue
            url = _ddg_target(str(links[0].get("href")))
            title = _text(links[0])
            snippets = block.xpath(f".//*[{_class_test('result__snippet')}]")
            if url.startswith(("http://", "https://")) and title:
                out.append(SearchResult(title, url, _text(snippets[0]) if snippets else "", self.name))
        if not out and not doc.xpath("//div[@id='links']"):
            raise SearchEngineError(f"{self.name}: the page has no result list (did DuckDuckGo change it?)")
        return out


def _ddg_target(href: str) -> str:
    """``//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.com&rut=...`` is ``https://example.com``."""
    parsed = urlparse(href if "://" in href else "https:" + href if href.startswith("//") else href)
    if parsed.path.startswith("/l/") and "uddg" in parse_qs(parsed.query):
        return parse_qs(parsed.query)["uddg"][0]
    return href


class Bing:
    """Bing's results page (``GET https://www.bing.com/search?q=...``): ``ol#b_results >
    li.b_algo``, the link in ``h2 a``, the snippet in the ``p`` elements (without the
    ``span.algoSlug_icon`` label). Links may go through ``https://www.bing.com/ck/a?...&u=a1<url
    in URL-safe base64>``, which is decoded to the target."""

    base_url = "https://www.bing.com"

    def __init__(
        self, http: HttpClient, name: str = "bing", weight: float = 1.0, base_url: str | None = None
    ) -> None:
        self.http, self.name, self.weight = http, name, weight
        if base_url:
            self.base_url = base_url.rstrip("/")

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]:
        resp = await self.http.request(
            "GET",
            f"{self.base_url}/search",
            params={"q": query, "pq": query},
            headers={"Accept": "text/html", "Accept-Language": "en-US,en;q=0.5"},
            timeout_s=timeout_s,
        )
        check_status(resp, self.name)
        return self.parse(resp.text)[:limit]

    def parse(self, page: str) -> list[SearchResult]:
        doc = _document(page)
        out = []
        for item in doc.xpath(f"//ol[@id='b_results']/li[{_class_test('b_algo')}]"):
            links = item.xpath(".//h2/a[@href]")
            if not links:
                continue
            for label in item.xpath(f".//p//span[{_class_test('algoSlug_icon')}]"):
                label.drop_tree()  # keeps the text after it, the snippet itself
            snippet = " ".join(_text(p) for p in item.xpath(".//p"))
            url = _bing_target(str(links[0].get("href")))
            title = _text(links[0])
            if url.startswith(("http://", "https://")) and title:
                out.append(SearchResult(title, url, plain(snippet), self.name))
        if not out and not doc.xpath("//ol[@id='b_results']"):
            raise SearchEngineError(f"{self.name}: the page has no result list (did Bing change it?)")
        return out


def _bing_target(href: str) -> str:
    parsed = urlparse(href)
    if parsed.netloc.endswith("bing.com") and parsed.path == "/ck/a":
        u = parse_qs(parsed.query).get("u", [""])[0]
        if u.startswith("a1"):
            encoded = u[2:]
            try:
                return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            except (binascii.Error, UnicodeDecodeError):
                return href
    return href
