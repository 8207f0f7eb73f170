"""Each web search engine against a local stand-in answering in that service's own shape, the
seed's ``search`` block, weighted merging, suspension after failures, timeouts, and the tool."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest

from a3s_code import Agent
from a3s_code.config import parse_config
from a3s_code.errors import ConfigError
from a3s_code.websearch import HttpResponse, WebSearch
from tests.engine.websearch.fakes import BRAVE_TOKEN, GOOGLE_CX, GOOGLE_KEY, FakeEngines

ASYNCIO = [
    (
        "asyncio — Asynchronous I/O",
        "https://docs.python.org/3/library/asyncio.html",
        "asyncio is a library to write concurrent code using the async/await syntax.",
    ),
    (
        "Trio: a friendly Python library for async",
        "https://trio.readthedocs.io/en/stable/",
        "Trio & friends.",
    ),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeEngines]:
    engines = FakeEngines()
    await engines.start()
    yield engines
    await engines.stop()


def block(fake: FakeEngines, name: str, extra: str = "") -> str:
    keys = {
        "brave": f'api_key = "{BRAVE_TOKEN}"',
        "google": f'api_key = "{GOOGLE_KEY}"\n      cx = "{GOOGLE_CX}"',
    }
    where = (
        f'url = "{fake.url}/searxng/search?q={{query}}&format=json"'
        if name == "searxng"
        else f'base_url = "{fake.url}"'
    )
    return f"    {name} {{\n      {where}\n      {keys.get(name, '')}\n      {extra}\n    }}\n"


def search_config(
    fake: FakeEngines, *names: str, extra: Mapping[str, str] | None = None, head: str = ""
) -> str:
    blocks = "".join(block(fake, n, (extra or {}).get(n, "")) for n in names)
    return f"search {{\n  timeout = 5\n{head}  engine {{\n{blocks}  }}\n}}\n"


def service(text: str) -> WebSearch:
    config = parse_config(text).search
    assert config is not None
    return WebSearch.from_config(config)


@pytest.mark.parametrize("engine", ["ddg", "bing", "wiki", "brave", "google", "searxng"])
async def test_each_engine_reads_its_services_answer(fake: FakeEngines, engine: str) -> None:
    fake.pages[engine] = ASYNCIO
    answer = await service(search_config(fake, engine)).search("asyncio library", limit=10)
    assert answer.failures == []
    got = [(r.title, r.url, r.snippet) for r in answer.results]
    if engine == "wiki":  # Wikipedia's own page addresses, snippets without the match markup
        assert [t for t, _u, _s in got] == [t for t, _u, _s in ASYNCIO]
        assert got[0][1] == f"{fake.url}/wiki/asyncio_%E2%80%94_Asynchronous_I/O"
        assert got[0][2] == ASYNCIO[0][2]
    else:
        assert got == ASYNCIO  # ads, answer boxes, labels, <b> and redirect wrappers gone
    assert all(r.engines == (engine,) for r in answer.results)
    sent = fake.requests[engine][0]
    expected_query = {
        "ddg": lambda s: s["form"]["q"] == "asyncio library",
        "bing": lambda s: s["query"]["q"] == "asyncio library",
        "wiki": lambda s: s["query"]["srsearch"] == "asyncio library" and s["query"]["format"] == "json",
        "brave": lambda s: s["query"]["q"] == "asyncio library" and s["headers"]["X-Subscription-Token"],
        "google": lambda s: s["query"]["q"] == "asyncio library" and s["query"]["cx"] == GOOGLE_CX,
        "searxng": lambda s: s["query"]["q"] == "asyncio library",
    }[engine]
    assert expected_query(sent)


async def test_limits_stay_within_what_each_api_accepts(fake: FakeEngines) -> None:
    many = [(f"Page {i}", f"https://site{i}.example/", f"about {i}") for i in range(30)]
    fake.pages.update(google=many, brave=many, wiki=many)
    answer = await service(search_config(fake, "google", "brave", "wiki")).search("pages", limit=50)
    assert answer.failures == []
    assert fake.requests["google"][0]["query"]["num"] == "10"
    assert fake.requests["brave"][0]["query"]["count"] == "20"
    assert fake.requests["wiki"][0]["query"]["srlimit"] == "50"
    assert len(answer.results) == 50  # 30 pages google and brave share, 20 of Wikipedia's 30


async def test_engine_errors_are_reported_in_the_services_own_words(fake: FakeEngines) -> None:
    fake.pages["wiki"] = ASYNCIO
    text = (
        search_config(fake, "brave", "google", "wiki")
        .replace(BRAVE_TOKEN, "wrong")
        .replace(GOOGLE_KEY, "bad")
    )
    answer = await service(text).search("asyncio", limit=5)
    reasons = {f.engine: f.reason for f in answer.failures}
    assert reasons["brave"] == "HTTP 401: The provided subscription token is invalid."
    assert reasons["google"] == "HTTP 400: API key not valid. Please pass a valid API key."
    assert [r.engines for r in answer.results] == [("wiki",), ("wiki",)]

    fake.captcha = True
    blocked = await service(search_config(fake, "ddg")).search("x")
    assert "bot check" in blocked.failures[0].reason


async def test_the_seeds_search_block_searches(fake: FakeEngines, tmp_path: Path) -> None:
    fake.pages["bing"] = ASYNCIO
    seed = (
        "search {\n  timeout = 30\n  engine {\n    google { enabled = true, weight = 1.5 }\n"
        f'    bing {{ enabled = true, weight = 1.0, base_url = "{fake.url}" }}\n  }}\n}}\n'
    )
    agent = Agent(
        'default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n' + seed
    )
    result = await agent.session(tmp_path).tool_async("web_search", {"query": "asyncio"})
    assert not result.is_error
    assert result.output.startswith(
        "1. asyncio — Asynchronous I/O\n   https://docs.python.org/3/library/asyncio.html"
    )
    assert 'google: needs an API key: add api_key = env("GOOGLE_API_KEY")' in result.output
    assert fake.count("bing") == 1


async def test_results_are_ranked_by_engine_weight(fake: FakeEngines) -> None:
    fake.pages["wiki"] = [("W1", "https://w1.example/", ""), ("W2", "https://w2.example/", "")]
    fake.pages["brave"] = [("B1", "https://b1.example/", ""), ("B2", "https://b2.example/", "")]
    text = search_config(fake, "wiki", "brave", extra={"brave": "weight = 3"})
    answer = await service(text).search("anything", limit=10)
    # weight / position: B1 3, B2 1.5, W1 1, W2 0.5 (equal weights would put W1 beside B1, and B2 after W1)
    assert [r.title for r in answer.results] == ["B1", "B2", "W1", "W2"]
    assert [r.score for r in answer.results] == [3.0, 1.5, 1.0, 0.5]


async def test_the_same_page_from_several_engines_is_one_result_ranked_up(fake: FakeEngines) -> None:
    fake.pages["ddg"] = [
        ("Only DDG", "https://only.example/", "x"),
        ("Guide", "https://www.Guide.example/intro/?utm_source=ddg#top", "short"),
    ]
    fake.pages["brave"] = [
        ("Only Brave", "https://brave-only.example/", "y"),
        ("The Guide, longer title", "http://guide.example/intro", "a longer snippet"),
    ]
    answer = await service(search_config(fake, "ddg", "brave")).search("guide")
    guide = answer.results[0]
    assert (guide.engines, guide.score) == (("ddg", "brave"), 1.0)
    assert guide.title == "The Guide, longer title" and guide.snippet == "a longer snippet"
    assert guide.url.startswith("https://")
    assert len(answer.results) == 3


async def test_an_engine_failing_repeatedly_is_suspended_then_probed_again(fake: FakeEngines) -> None:
    fake.pages["wiki"] = ASYNCIO
    fake.status["bing"] = 500
    text = search_config(
        fake, "bing", "wiki", head="  health {\n    max_failures = 2\n    suspend_seconds = 30\n  }\n"
    )
    ws = service(text)
    now = [1000.0]
    ws.health.clock = lambda: now[0]
    for _ in range(2):
        answer = await ws.search("asyncio")
        assert answer.failures[0].reason == "HTTP 500" and answer.results
    assert fake.count("bing") == 2
    suspended = await ws.search("asyncio")
    assert fake.count("bing") == 2  # not asked while suspended
    assert suspended.failures[0].kind == "suspended"
    assert "suspended for 30s more after 2 failures in a row (last: HTTP 500)" in suspended.failures[0].reason
    assert len(suspended.results) == 2

    now[0] += 31
    del fake.status["bing"]
    fake.pages["bing"] = ASYNCIO
    probe = await ws.search("asyncio")
    assert fake.count("bing") == 3 and probe.failures == []
    assert ws.health.failures("bing") == 0


async def test_a_slow_engine_times_out_alone(fake: FakeEngines) -> None:
    fake.pages.update(wiki=ASYNCIO, brave=ASYNCIO[:1])
    fake.delay["wiki"] = 3.0
    answer = await service(search_config(fake, "wiki", "brave", extra={"wiki": "timeout = 0.2"})).search("x")
    assert [(f.engine, f.kind, f.reason) for f in answer.failures] == [
        ("wiki", "timeout", "timed out after 0.2s")
    ]
    assert [r.engines for r in answer.results] == [("brave",)]


class CannedGoogle:
    """A host's own HTTP client: here it answers from memory, as a cache or a recording would."""

    def __init__(self) -> None:
        self.urls: list[str] = []

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
        self.urls.append(url)
        body = '{"kind": "customsearch#search", "items": [{"title": "Cached", "link": "https://c.example/", "snippet": "s"}]}'
        return HttpResponse(200, body, {"content-type": "application/json"}, url)


async def test_every_engine_talks_through_the_injected_http_client() -> None:
    config = parse_config(
        'search {\n  engine {\n    google {\n      api_key = "k"\n      cx = "c"\n    }\n  }\n}\n'
    )
    assert config.search is not None
    client = CannedGoogle()
    answer = await WebSearch.from_config(config.search, http=client).search("q")
    assert [r.title for r in answer.results] == ["Cached"]
    assert client.urls == ["https://www.googleapis.com/customsearch/v1"]


async def test_the_tool_picks_engines_formats_json_and_names_unknown_engines(
    fake: FakeEngines, tmp_path: Path
) -> None:
    fake.pages.update(wiki=ASYNCIO, ddg=ASYNCIO[1:])
    config = 'default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n'
    session = Agent(config + search_config(fake, "wiki", "ddg")).session(tmp_path)
    only_wiki = await session.tool_async(
        "web_search", {"query": "asyncio", "engines": "wiki", "format": "json"}
    )
    assert '"engines": [\n   "wiki"\n  ]' in only_wiki.output and fake.count("ddg") == 0
    unknown = await session.tool_async("web_search", {"query": "x", "engines": "yahoo"})
    assert unknown.is_error and "configured: wiki, ddg" in unknown.output


def test_engine_blocks_must_name_a_known_engine_or_a_url() -> None:
    with pytest.raises(ConfigError, match="unknown search engine 'yahoo'"):
        parse_config("search {\n  engine {\n    yahoo {}\n  }\n}\n")
    config = parse_config(
        'search {\n  engine {\n    dewiki {\n      type = "wikipedia"\n      lang = "de"\n    }\n  }\n}\n'
    )
    assert config.search is not None
    ws = WebSearch.from_config(config.search)
    assert getattr(ws.engines["dewiki"], "base_url", "") == "https://de.wikipedia.org"
