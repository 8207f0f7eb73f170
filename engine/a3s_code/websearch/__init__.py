"""Web search engines behind one ``HttpClient``: DuckDuckGo, Wikipedia, Brave, Google Programmable
Search, Bing and URL templates (SearXNG); merged and ranked by weight, with failing engines
suspended for a while. The ``web_search`` tool (``tools/web_search.py``) is their user."""

from .aggregate import merge, normalize_url
from .api_engines import Brave, Google, UrlTemplateEngine, Wikipedia
from .base import SearchEngine, SearchResult
from .health import HealthMonitor
from .html_engines import Bing, DuckDuckGo
from .http import HttpClient, HttpResponse, Httpx2Client, SearchEngineError
from .service import EngineFailure, SearchAnswer, WebSearch, build_engine

__all__ = [
    "Bing",
    "Brave",
    "DuckDuckGo",
    "EngineFailure",
    "Google",
    "HealthMonitor",
    "HttpClient",
    "HttpResponse",
    "Httpx2Client",
    "SearchAnswer",
    "SearchEngine",
    "SearchEngineError",
    "SearchResult",
    "UrlTemplateEngine",
    "WebSearch",
    "Wikipedia",
    "build_engine",
    "merge",
    "normalize_url",
]
