"""Context providers: BM25 over workspace files, custom providers, and embeddings + a vector store."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from a3s_code import Agent, SessionOptions
from a3s_code.context import (
    ContextItem,
    ContextQuery,
    FileSystemContextProvider,
    InMemoryVectorStore,
    OpenAiEmbeddingProvider,
    VectorContextProvider,
)
from a3s_code.events import ContextResolved, ContextResolving, ErrorEvent
from tests.fakellm import FakeLLM, Turn


def workspace(root: Path) -> Path:
    (root / "src").mkdir()
    (root / "src" / "parser.py").write_text("def parse_expression(tokens):\n    return build_ast(tokens)\n")
    (root / "src" / "billing.py").write_text("def charge_card(amount):\n    return gateway.charge(amount)\n")
    (root / "README.md").write_text("A tiny calculator.\n")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "parser.js").write_text("parse expression parser parser")
    return root


def test_files_are_ranked_by_path_and_content(tmp_path: Path) -> None:
    provider = FileSystemContextProvider(workspace(tmp_path))
    hits = provider.search("where is the expression parser?", 5)
    assert hits[0].source == "src/parser.py" and "parse_expression" in hits[0].content
    assert all(h.source != "src/billing.py" and "node_modules" not in h.source for h in hits)
    (tmp_path / "src" / "billing.py").write_text("def parse_invoice(expression):\n    ...\n")
    assert "src/billing.py" in [h.source for h in provider.search("parse expression", 5)]


async def test_fs_context_goes_into_the_system_prompt(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = Agent(fake_llm.config()).session(
        workspace(tmp_path), SessionOptions().with_fs_context(str(tmp_path))
    )
    fake_llm.add(Turn.text("It is in src/parser.py."))
    events = [e async for e in session.stream_async("where is parse_expression defined?")]
    resolving = next(e for e in events if isinstance(e, ContextResolving))
    resolved = next(e for e in events if isinstance(e, ContextResolved))
    assert resolving.providers == ["filesystem"] and resolved.total_items >= 1
    system = fake_llm.requests[0]["system"][0]["text"]
    assert '<context source="src/parser.py"' in system and "build_ast" in system
    assert "charge_card" not in system


class Notes:
    name = "notes"

    async def query(self, query: ContextQuery) -> list[ContextItem]:
        return [ContextItem("n1", f"Team note about {query.query}: deploys freeze on Fridays.", "wiki", 0.9)]


class Broken:
    name = "broken"

    async def query(self, query: ContextQuery) -> list[ContextItem]:
        raise RuntimeError("index unavailable")


async def test_custom_providers_and_a_failing_one(fake_llm: FakeLLM, tmp_path: Path) -> None:
    opts = SessionOptions().with_context_provider(Notes()).with_context_provider(Broken())
    session = Agent(fake_llm.config()).session(tmp_path, opts)
    fake_llm.add(Turn.text("Not on a Friday."))
    events = [e async for e in session.stream_async("can we deploy?")]
    assert any(isinstance(e, ErrorEvent) and "broken" in e.message and e.recoverable for e in events)
    assert "deploys freeze on Fridays" in fake_llm.requests[0]["system"][0]["text"]
    assert events[-1].text == "Not on a Friday."  # type: ignore[union-attr]


STOP = {"the", "are", "is", "by", "when", "how", "do", "get", "every", "an", "a"}


def embed_text(text: str, dims: int = 512) -> list[float]:
    """A deterministic stand-in for a real embedding model: hashed bag of word stems."""
    vec = [0.0] * dims
    for word in set(re.findall(r"[a-z]+", text.lower())) - STOP:
        vec[int(hashlib.md5(word[:5].encode()).hexdigest(), 16) % dims] += 1.0
    return vec


@pytest.fixture
async def embeddings() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append({"body": body, "auth": request.headers.get("Authorization")})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"object": "embedding", "index": i, "embedding": embed_text(t)} for i, t in enumerate(inputs)]
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )

    app = web.Application()
    app.router.add_post("/v1/embeddings", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/v1", seen
    await runner.cleanup()


async def test_vector_search_through_an_openai_compatible_endpoint(
    fake_llm: FakeLLM, tmp_path: Path, embeddings: tuple[str, list[dict[str, Any]]]
) -> None:
    url, seen = embeddings
    agent = Agent(
        fake_llm.config()
        + f'providers {{\n  name = "openai"\n  api_key = "emb-key"\n  base_url = "{url}"\n}}\n'
    )
    embedder = OpenAiEmbeddingProvider.for_agent(agent, "openai")
    provider = VectorContextProvider(embedder, InMemoryVectorStore())
    await provider.add_document("auth", "Tokens are refreshed by the authentication middleware every hour.")
    await provider.add_document("cache", "The cache evicts least recently used entries when full.")
    assert seen[0]["auth"] == "Bearer emb-key" and seen[0]["body"]["model"] == "text-embedding-3-small"
    hits = await provider.query(ContextQuery("how are authentication tokens refreshed?"))
    assert hits[0].source == "auth"

    session = agent.session(tmp_path, SessionOptions().with_context_provider(provider))
    fake_llm.add(Turn.text("Hourly."))
    await session.send_async("when do authentication tokens get refreshed?")
    system = fake_llm.requests[0]["system"][0]["text"]
    assert "authentication middleware" in system and "least recently used" not in system
    await embedder.aclose()
