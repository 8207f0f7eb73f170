"""Tool search ranking: recall on the labelled catalogues, and properties of the ranker on any input."""

from __future__ import annotations

import random
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a3s_code.llm.base import ToolSpec
from a3s_code.tool_search import Analyzer, ToolIndex, ToolSearchConfig, ToolSelector
from a3s_code.tool_search.text import SYNONYM_GROUPS
from tests.bench import tool_catalog, tool_catalog2, tool_queries_heldout
from tests.bench.bench_tool_search import keyword_rank, recall_at

CATALOGUES = {"first": tool_catalog, "second": tool_catalog2}
_INDEXES: dict[str, ToolIndex] = {}


def specs_of(catalogue: ModuleType) -> list[ToolSpec]:
    return [ToolSpec(name=n, description=d, input_schema=s) for n, d, s in catalogue.all_tools()]


def index_of(name: str) -> ToolIndex:
    if name not in _INDEXES:
        index = ToolIndex()
        for spec in specs_of(CATALOGUES[name]):
            index.add_spec(spec)
        _INDEXES[name] = index
    return _INDEXES[name]


@pytest.mark.parametrize("name", ["first", "second"])
def test_recall_at_5_is_at_least_095_and_beats_keyword_overlap(name: str) -> None:
    catalogue = CATALOGUES[name]
    index, specs = index_of(name), specs_of(catalogue)
    ours = recall_at(5, catalogue.QUERIES, lambda q: [m.name for m in index.search(q, 5)])
    keyword = recall_at(5, catalogue.QUERIES, lambda q: keyword_rank(q, specs))
    assert ours >= 0.95
    assert ours > keyword


@pytest.mark.parametrize(
    ("name", "queries"),
    [("first", tool_queries_heldout.QUERIES_1), ("second", tool_queries_heldout.QUERIES_2)],
)
def test_on_held_out_queries_the_ranker_still_beats_keyword_overlap(
    name: str, queries: list[tuple[str, list[str]]]
) -> None:
    index, specs = index_of(name), specs_of(CATALOGUES[name])
    ours = recall_at(5, queries, lambda q: [m.name for m in index.search(q, 5)])
    keyword = recall_at(5, queries, lambda q: keyword_rank(q, specs))
    assert ours > keyword
    assert ours >= 0.85


@pytest.mark.parametrize("name", ["first", "second"])
def test_every_tool_is_found_by_its_own_description(name: str) -> None:
    index = index_of(name)
    for spec in specs_of(CATALOGUES[name]):
        assert spec.name in [m.name for m in index.search(spec.description, 3)], spec.name


words = st.sampled_from(
    sorted({w for n, d, _ in tool_catalog.all_tools() for w in (d.split() + n.split("__")[1:])})
)
queries = st.lists(words, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(queries)
def test_case_does_not_change_the_ranking(query: str) -> None:
    index = index_of("first")
    assert index.search(query.lower(), 8) == index.search(query.upper(), 8)


@settings(max_examples=30, deadline=None)
@given(queries, st.randoms(use_true_random=False))
def test_the_order_tools_were_added_in_does_not_change_the_ranking(query: str, rnd: random.Random) -> None:
    specs = specs_of(tool_catalog)
    shuffled = ToolIndex()
    for spec in rnd.sample(specs, len(specs)):
        shuffled.add_spec(spec)
    assert shuffled.search(query, 10) == index_of("first").search(query, 10)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_scores_above_the_threshold_best_first(text: str) -> None:
    matches = index_of("second").search(text)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(s >= ToolSearchConfig().min_score for s in scores)


def test_synonyms_are_symmetric_and_count_less_than_the_word_itself() -> None:
    analyzer = Analyzer()
    for group in SYNONYM_GROUPS:
        for word in group:
            weights = analyzer.expand(analyzer.terms(word))
            stem = analyzer.stem(word)
            assert weights[stem] == 1.0
            for other in group:
                if analyzer.stem(other) != stem:
                    assert 0 < weights[analyzer.stem(other)] < 1.0


def test_phrasal_verbs_values_and_names_are_read_as_api_words() -> None:
    analyzer = Analyzer()
    assert analyzer.words("Sign bob@example.com up") == ["signup", "bob", "example", "com", "email"]
    assert "revoke" in analyzer.words("cut off her access")
    assert "time" in analyzer.words("Push my 3pm call")
    assert analyzer.words("listMyIssues") == ["list", "my", "issues"]


def test_a_named_server_outranks_a_same_worded_tool_elsewhere() -> None:
    index = ToolIndex()
    index.add("mcp__gitlab__create_issue", "Create an issue in a project.")
    index.add("mcp__linear__create_issue", "Create an issue in a team.")
    assert index.search("create an issue in linear")[0].name == "mcp__linear__create_issue"
    assert index.search("create an issue in gitlab")[0].name == "mcp__gitlab__create_issue"


def test_the_selector_keeps_loaded_tools_and_forgets_tools_that_went_away() -> None:
    specs = specs_of(tool_catalog)
    selector = ToolSelector(ToolIndex(ToolSearchConfig(max_tools=2)))
    first = {s.name for s in selector.select(specs, "scale the web deployment")}
    assert "mcp__slack__post_message" not in first
    assert selector.load(["mcp__slack__post_message", "mcp__nope__missing"]) == ["mcp__slack__post_message"]
    again = {s.name for s in selector.select(specs, "scale the web deployment")}
    assert again == first | {"mcp__slack__post_message"}
    fewer = [s for s in specs if not s.name.startswith("mcp__slack__")]
    assert "mcp__slack__post_message" not in {s.name for s in selector.select(fewer, "post to slack")}
    assert all(not m.name.startswith("mcp__slack__") for m in selector.search("post to slack", 10))
