"""web_fetch and web_search against local HTTP servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from a3s_code import Agent
from a3s_code.tools import ToolContext, ToolRegistry
from a3s_code.tools.web_fetch import WebFetchTool
from a3s_code.tools.web_search import JsonHttpEngine, WebSearchTool

PAGE = """<html><head><title>Release notes</title><style>.x{color:red}</style><script>steal()</script></head>
<body><nav>Home | About</nav><h1>Version 2.0</h1><p>Faster <b>parsing</b> and a <a href="/docs">new guide</a>.</p>
<ul><li>one</li><li>two</li></ul><pre>code  block</pre></body></html>"""


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def page(_r: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def hop(_r: web.Request) -> web.Response:
        raise web.HTTPFound("/page")

    async def evil(_r: web.Request) -> web.Response:
        raise web.HTTPFound("file:///etc/passwd")

    async def huge(_r: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await resp.prepare(_r)
        for _ in range(7):
            await resp.write(b"z" * (1024 * 1024))
        return resp

    async def missing(_r: web.Request) -> web.Response:
        return web.Response(status=404, text="no such page")

    async def search_a(r: web.Request) -> web.Response:
        q = r.query["q"]
        return web.json_response(
            {
                "results": [
                    {"title": f"A1 {q}", "url": "https://one.example/", "content": "first"},
                    {"title": "A2", "url": "https://two.example"},
                ]
            }
        )

    async def search_b(_r: web.Request) -> web.Response:
        return web.json_response(
            {"results": [{"title": "B1", "url": "https://two.example/", "snippet": "shared"}]}
        )

    app = web.Application()
    for path, handler in {
        "/page": page,
        "/hop": hop,
        "/evil": evil,
        "/huge": huge,
        "/missing": missing,
        "/a": search_a,
        "/b": search_b,
    }.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def fetch(tmp_path: Path, **args: object):  # type: ignore[no-untyped-def]
    return await ToolRegistry([WebFetchTool()]).execute(
        "web_fetch", dict(args), ToolContext(workspace=tmp_path)
    )


async def test_html_becomes_readable_markdown(site: str, tmp_path: Path) -> None:
    result = await fetch(tmp_path, url=f"{site}/hop")
    assert not result.is_error, result.output
    text = result.output
    assert text.startswith("# Release notes") and "# Version 2.0" in text
    assert "Faster **parsing** and a [new guide](/docs)." in text and "- one\n- two" in text
    assert "```\ncode  block\n```" in text
    assert "steal()" not in text and "color:red" not in text and "Home | About" not in text
    plain = await fetch(tmp_path, url=f"{site}/page", format="text")
    assert "[new guide]" not in plain.output and "new guide" in plain.output


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "/relative"]
)
async def test_only_http_and_https(tmp_path: Path, url: str) -> None:
    result = await fetch(tmp_path, url=url)
    assert result.is_error and "only fetches http:// and https://" in result.output


async def test_limits_errors_and_redirect_targets(site: str, tmp_path: Path) -> None:
    big = await fetch(tmp_path, url=f"{site}/huge", format="text")
    assert "[content cut" in big.output and len(big.output) < 200_000
    assert (await fetch(tmp_path, url=f"{site}/missing")).output.startswith("HTTP 404")
    assert "only fetches http" in (await fetch(tmp_path, url=f"{site}/evil")).output
    closed = await fetch(tmp_path, url="http://127.0.0.1:9/", timeout=2)
    assert closed.is_error and "could not fetch" in closed.output


async def test_search_merges_engines_and_ranks_shared_results_first(site: str, tmp_path: Path) -> None:
    tool = WebSearchTool(
        [
            JsonHttpEngine("a", f"{site}/a?q={{query}}"),
            JsonHttpEngine("b", f"{site}/b?q={{query}}", weight=1.0),
        ]
    )
    result = await ToolRegistry([tool]).execute(
        "web_search", {"query": "rust async"}, ToolContext(workspace=tmp_path)
    )
    lines = result.output.splitlines()
    assert lines[0] == "1. A1 rust async" or lines[0].startswith("1. A2")
    assert result.metadata["count"] == 2  # two.example from both engines counted once
    assert "https://two.example" in result.output


async def test_search_engines_come_from_the_config(site: str, tmp_path: Path) -> None:
    config = (
        'default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n'
        f'search {{\n  timeout = 5\n  engine {{\n    mine {{ url = "{site}/a?q={{query}}" }}\n  }}\n}}\n'
    )
    session = Agent(config).session(tmp_path)
    result = await session.tool_async("web_search", {"query": "hello"})
    assert "A1 hello" in result.output
    bare = Agent(
        'default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n'
    ).session(tmp_path)
    missing = await bare.tool_async("web_search", {"query": "x"})
    assert missing.is_error and "no web search engine is configured" in missing.output
