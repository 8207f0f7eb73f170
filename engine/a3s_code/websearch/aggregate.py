"""Merging several engines' answers: one entry per page, ranked by weighted reciprocal rank.

A page at position ``p`` (1-based) of an engine with weight ``w`` earns ``w / p``; a page several
engines return adds up their shares, so agreement and heavier engines both lift it (upstream's
aggregator, a3s-search ``Aggregator``, scores the same way). Pages are the same when their
normalised URLs are (``normalize_url``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

from .base import SearchResult

TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "dclid", "yclid", "mc_cid", "mc_eid", "ref_src"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """The key two results share when they are the same page: ``HTTPS://WWW.Example.com:443/a/?
    utm_source=x&b=2&a=1#top`` and ``http://example.com/a?a=1&b=2`` are both ``example.com/a?a=1&b=2``.

    Scheme (http and https are one page), ``www.``, default ports, fragments, a trailing ``/``,
    tracking parameters (``utm_*``, ``gclid``, ``fbclid``...) and parameter order do not count;
    the host compares without case, the path with case."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    )
    tail = f"?{urlencode(query)}" if query else ""
    return f"{host}{path}{tail}"


def merge(
    answers: Sequence[tuple[str, Sequence[SearchResult]]], weights: Mapping[str, float]
) -> list[SearchResult]:
    """``answers``: (engine name, its results best first). Returns one result per page, best first;
    ties go to the page more engines returned, then to the address."""
    scores: dict[str, float] = {}
    engines: dict[str, list[str]] = {}
    best: dict[str, SearchResult] = {}
    for engine, results in answers:
        weight = weights.get(engine, 1.0)
        seen: set[str] = set()
        for position, result in enumerate(results, 1):
            key = normalize_url(result.url)
            if not key or key in seen:
                continue
            seen.add(key)
            scores[key] = scores.get(key, 0.0) + weight / position
            engines.setdefault(key, []).append(engine)
            best[key] = _richer(best.get(key), result)
    ranked = sorted(best, key=lambda k: (-scores[k], -len(engines[k]), k))
    return [
        SearchResult(
            best[k].title, best[k].url, best[k].snippet, engines[k][0], tuple(engines[k]), round(scores[k], 6)
        )
        for k in ranked
    ]


def _richer(current: SearchResult | None, new: SearchResult) -> SearchResult:
    """Keep the https address and the longer title and snippet of two answers for one page."""
    if current is None:
        return new
    url = (
        new.url if new.url.startswith("https://") and not current.url.startswith("https://") else current.url
    )
    title = new.title if len(new.title) > len(current.title) else current.title
    snippet = new.snippet if len(new.snippet) > len(current.snippet) else current.snippet
    return SearchResult(title, url, snippet, current.engine)
