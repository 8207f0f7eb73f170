"""Tool search on 200 generated MCP tools: prompt tokens spent on tool descriptions, and recall.

The first catalogue (``tool_catalog.py``) has 200 tools over 20 servers and 80 labelled queries,
each naming the tool(s) that answer it; the second (``tool_catalog2.py``) 200 tools over 20 other
servers and 112 queries, written before the ranker was tuned; ``tool_queries_heldout.py`` has 84
more queries over both, never used for tuning. Measured:

- tokens of the ``tools`` array per request (name, description, JSON schema, as the Anthropic
  wire format sends them), counted as JSON characters / 4 (the engine's estimate, as in
  compaction), for the built-ins + all 200 MCP tools (the baseline: no tool search) and for
  the built-ins + ``tool_search`` + the tools ``ToolSelector`` picks for each query (default
  ``ToolSearchConfig``);
- recall@k of ``ToolIndex.search`` (share of a query's expected tools in the top k) and hit@k
  (at least one expected tool in the top k), and how often the default selection carries one;
- the same recall for a plain keyword-overlap ranker (how many query words occur in the tool's
  name or description; the upstream README describes its tool search as keyword matching);
- the time to rank (index build once, then per query), for scale only.

Recall figures of every query set come from the same run.

Run: ``.venv/bin/python -m tests.bench.bench_tool_search``.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from types import ModuleType

from a3s_code.context.bm25 import tokens
from a3s_code.llm.base import ToolSpec
from a3s_code.tool_search import ToolIndex, ToolSearchConfig, ToolSelector
from a3s_code.tools import builtin_tools
from a3s_code.tools.tool_search import ToolSearchTool
from tests.bench import tool_catalog, tool_catalog2, tool_queries_heldout


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


def recall_at(k: int, queries: list[tuple[str, list[str]]], rank: Callable[[str], list[str]]) -> float:
    """Mean share of each query's expected tools among the first ``k`` names ``rank`` gives."""
    total = 0.0
    for query, expected in queries:
        top = rank(query)[:k]
        total += len([e for e in expected if e in top]) / len(expected)
    return total / len(queries)


def specs_of(catalogue: ModuleType) -> list[ToolSpec]:
    return [ToolSpec(name=n, description=d, input_schema=s) for n, d, s in catalogue.all_tools()]


def recall_table(name: str, catalogue: ModuleType, queries: list[tuple[str, list[str]]]) -> None:
    mcp = specs_of(catalogue)
    index = ToolIndex(ToolSearchConfig())
    for spec in mcp:
        index.add_spec(spec)
    ks = (1, 3, 5, 8)
    ours = {k: recall_at(k, queries, lambda q: [m.name for m in index.search(q, 8)]) for k in ks}
    keyword = {k: recall_at(k, queries, lambda q: keyword_rank(q, mcp)) for k in ks}
    cells = "  ".join(f"@{k} {ours[k]:.3f} vs {keyword[k]:.3f} ({ours[k] / keyword[k]:.2f}x)" for k in ks)
    print(f"{name} ({len(queries)} queries) recall ToolIndex vs keyword overlap: {cells}")


def main() -> None:
    builtins = [t.spec() for t in builtin_tools()]
    mcp = specs_of(tool_catalog)
    every = builtins + mcp

    start = time.perf_counter()
    index = ToolIndex(ToolSearchConfig())
    for spec in mcp:
        index.add_spec(spec)
    index.search("warm up")  # builds the BM25 tables
    build_ms = (time.perf_counter() - start) * 1000
    search_ms: list[float] = []
    hits5 = 0
    for query, expected in tool_catalog.QUERIES:
        t0 = time.perf_counter()
        ranked = [m.name for m in index.search(query, 5)]
        search_ms.append((time.perf_counter() - t0) * 1000)
        hits5 += any(e in ranked for e in expected)

    selector = ToolSelector(ToolIndex(ToolSearchConfig()))
    search_tool = ToolSearchTool(selector).spec()  # sent with every request while tool search is on
    sent_tokens: list[int] = []
    sent_mcp: list[int] = []
    carried = 0
    for query, expected in tool_catalog.QUERIES:
        chosen = selector.select(every, query)
        sent_tokens.append(tokens_of([*chosen, search_tool]))
        names = {s.name for s in chosen}
        sent_mcp.append(len(names) - len(builtins))
        carried += any(e in names for e in expected)

    n = len(tool_catalog.QUERIES)
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
    recall_table("first catalogue", tool_catalog, tool_catalog.QUERIES)
    recall_table("second catalogue", tool_catalog2, tool_catalog2.QUERIES)
    recall_table("held-out, first catalogue", tool_catalog, tool_queries_heldout.QUERIES_1)
    recall_table("held-out, second catalogue", tool_catalog2, tool_queries_heldout.QUERIES_2)
    print(f"first catalogue hit@5: {hits5 / n:.3f}")
    print(f"default selection carries an expected tool: {carried}/{n} ({carried / n:.3f})")
    print(f"index build (200 tools): {build_ms:.1f} ms; search: median {statistics.median(search_ms):.2f} ms")


if __name__ == "__main__":
    main()
