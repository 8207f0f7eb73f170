"""The HTTP client search engines talk through (``HttpClient``), and its default on ``httpx2``.

Engines never open connections themselves: a host injects an ``HttpClient`` (a proxy, a cache,
recorded answers in tests, another library) and every adapter uses it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import A3SError

MAX_BODY = 4 * 1024 * 1024
"""Bytes read from one answer at most; a results page is far smaller."""
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) a3s-code web_search"


class SearchEngineError(A3SError):
    """One engine could not answer: network, HTTP status, an error body, or a page it cannot read."""

    code = "search_engine_error"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased header names."""
    url: str = ""

    def json(self) -> Any:
        """The body as JSON; raises ``SearchEngineError`` naming the URL when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            raise SearchEngineError(f"expected JSON from {self.url}, got {self.text[:120]!r}") from None


class HttpClient(Protocol):
    """One HTTP exchange. Raises ``SearchEngineError`` for transport failures and ``TimeoutError``
    when ``timeout_s`` (seconds) passes; an HTTP error status is a normal ``HttpResponse``."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        timeout_s: float,
    ) -> HttpResponse: ...


class Httpx2Client:
    """The default ``HttpClient``: ``httpx2`` with redirects followed, an optional proxy
    (``http://host:port`` or ``socks5://host:port``), and bodies capped at ``MAX_BODY``."""

    def __init__(self, proxy: str | None = None) -> None:
        self.proxy = proxy

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        timeout_s: float,
    ) -> HttpResponse:
        import httpx2

        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        try:
            async with (
                httpx2.AsyncClient(timeout=timeout_s, follow_redirects=True, proxy=self.proxy) as client,
                client.stream(
                    method, url, params=dict(params) if params else None, headers=sent, data=data
                ) as resp,
            ):
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_BODY:
                        break
                body = b"".join(chunks)[:MAX_BODY]
                return HttpResponse(
                    resp.status_code,
                    body.decode(resp.encoding or "utf-8", errors="replace"),
                    {k.lower(): v for k, v in resp.headers.items()},
                    str(resp.url),
                )
        except httpx2.TimeoutException:
            raise TimeoutError(f"no answer from {url} within {timeout_s:g}s") from None
        except httpx2.HTTPError as exc:
            raise SearchEngineError(f"could not reach {url}: {exc}") from None


def check_status(resp: HttpResponse, engine: str, detail: str = "") -> None:
    """Raise ``SearchEngineError`` for an HTTP error status, with the engine's own message."""
    if resp.status < 400:
        return
    what = "rate limited" if resp.status == 429 else f"HTTP {resp.status}"
    raise SearchEngineError(f"{engine}: {what}{': ' + detail if detail else ''}")
