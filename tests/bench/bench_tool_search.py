"""Tool search on 200 generated MCP tools: prompt tokens spent on tool descriptions, and recall.

The catalogue (``tool_catalog.py``) has 200 tools over 20 servers and 80 labelled queries, each
naming the tool(s) that answer it. Measured:

- tokens of the ``tools`` array per request (name, description, JSON schema, as the Anthropic
  wire format sends them), counted as JSON characters / 4 (the engine's estimate, as in
  compaction), for the built-ins + all 200 MCP tools (the baseline: no tool search) and for
  the built-ins + the tools ``ToolSelector`` picks for each query (default ``ToolSearchConfig``);
- recall@k of ``ToolIndex.search`` (share of a query's expected tools in the top k) and hit@k
  (at least one expected tool in the top k), and how often the default selection carries one;
- the same recall for a plain keyword-overlap ranker (how many query words occur in the tool's
  name or description; the upstream README describes its tool search as keyword matching);
- the time to rank (index build once, then per query), for scale only.

Run: ``.venv/bin/python -m tests.bench.bench_tool_search``.
"""

from __future__ import annotations

import json
import statistics
import time

from a3s_code.context.bm25 import tokens
from a3s_code.llm.base import ToolSpec
from a3s_code.tool_search import ToolIndex, ToolSearchConfig, ToolSelector
from a3s_code.tools import builtin_tools
from tests.bench.tool_catalog import QUERIES, all_tools


def tokens_of(specs: list[ToolSpec]) -> int:
    wire = [{"name": s.name, "description": s.description, "input_schema": s.input_schema} for s in specs]
    return len(json.dumps(wire)) // 4


def keyword_rank(query: str, specs: list[ToolSpec]) -> list[str]:
    """Baseline: tools ordered by how many distinct query words their name or description contains."""
    words = set(tokens(query))
    scored = []
    for spec in specs:
        doc = set(tokens(spec.name + " " + spec.description))
        overlap = len(words & doc)
        if overlap:
            scored.append((overlap, spec.name))
    return [name for _overlap, name in sorted(scored, key=lambda p: -p[0])]


def main() -> None:
    builtins = [t.spec() for t in builtin_tools()]
    mcp = [ToolSpec(name=n, description=d, input_schema=s) for n, d, s in all_tools()]
    every = builtins + mcp

    start = time.perf_counter()
    index = ToolIndex(ToolSearchConfig())
    for spec in mcp:
        index.add_spec(spec)
    index.search("warm up")  # builds the BM25 tables
    build_ms = (time.perf_counter() - start) * 1000

    ks = (1, 3, 5, 8)
    recall = dict.fromkeys(ks, 0.0)
    keyword_recall = dict.fromkeys(ks, 0.0)
    hits = dict.fromkeys(ks, 0)
    search_ms: list[float] = []
    for query, expected in QUERIES:
        t0 = time.perf_counter()
        ranked = [m.name for m in index.search(query)]
        search_ms.append((time.perf_counter() - t0) * 1000)
        keyword = keyword_rank(query, mcp)
        for k in ks:
            found = [e for e in expected if e in ranked[:k]]
            recall[k] += len(found) / len(expected)
            hits[k] += bool(found)
            keyword_recall[k] += len([e for e in expected if e in keyword[:k]]) / len(expected)

    selector = ToolSelector(ToolIndex(ToolSearchConfig()))
    sent_tokens: list[int] = []
    sent_mcp: list[int] = []
    carried = 0
    for query, expected in QUERIES:
        chosen = selector.select(every, query)
        sent_tokens.append(tokens_of(chosen))
        names = {s.name for s in chosen}
        sent_mcp.append(len(names) - len(builtins))
        carried += any(e in names for e in expected)

    n = len(QUERIES)
    baseline = tokens_of(every)
    mean_sent = statistics.mean(sent_tokens)
    print(f"tools: {len(builtins)} built-in + {len(mcp)} MCP; {n} labelled queries")
    print(f"tool tokens per request, no tool search (baseline): {baseline}")
    print(f"  of which built-ins: {tokens_of(builtins)}, MCP: {tokens_of(mcp)}")
    print(
        f"tool tokens per request, tool search: mean {mean_sent:.0f}, max {max(sent_tokens)} "
        f"({baseline / mean_sent:.1f}x fewer); MCP tools sent: mean {statistics.mean(sent_mcp):.1f}, "
        f"max {max(sent_mcp)}"
    )
    for k in ks:
        print(
            f"recall@{k}: {recall[k] / n:.3f}   hit@{k}: {hits[k] / n:.3f}   "
            f"keyword-overlap baseline recall@{k}: {keyword_recall[k] / n:.3f}"
        )
    print(f"default selection carries an expected tool: {carried}/{n} ({carried / n:.3f})")
    print(f"index build (200 tools): {build_ms:.1f} ms; search: median {statistics.median(search_ms):.2f} ms")


if __name__ == "__main__":
    main()
