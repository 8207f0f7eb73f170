"""Merging engines' answers: properties over any URLs and any weights."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from a3s_code.websearch import SearchResult, merge, normalize_url

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,8}\.(com|org|example)", fullmatch=True)
segments = st.lists(st.from_regex(r"[A-Za-z0-9_~-]{1,6}", fullmatch=True), max_size=3)
params = st.lists(
    st.tuples(st.from_regex(r"[a-z]{1,4}", fullmatch=True), st.from_regex(r"[a-z0-9]{0,4}", fullmatch=True)),
    max_size=3,
    unique_by=lambda kv: kv[0],
)


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[str, str]]]:
    return draw(hosts), draw(segments), [(k, v) for k, v in draw(params) if not k.startswith("utm")]


def spell(page: tuple[str, list[str], list[tuple[str, str]]], variant: int) -> str:
    """One page written as different engines write it."""
    host, path, query = page
    scheme = "https" if variant % 2 else "http"
    host = ("www." + host if variant % 3 == 0 else host).upper() if variant % 4 == 0 else host
    slash = "/" if variant % 5 else ""
    pairs = list(reversed(query)) if variant % 2 else list(query)
    if variant % 3 == 1:
        pairs.append(("utm_source", "engine"))
    q = "&".join(f"{k}={v}" for k, v in pairs)
    port = ":443" if scheme == "https" and variant % 7 == 0 else ""
    return f"{scheme}://{host}{port}/{'/'.join(path)}{slash}{'?' + q if q else ''}{'#frag' if variant % 2 else ''}"


@settings(max_examples=200)
@given(pages(), st.integers(0, 100), st.integers(0, 100))
def test_every_spelling_of_a_page_normalises_alike_and_normalising_is_stable(
    page: tuple[str, list[str], list[tuple[str, str]]], a: int, b: int
) -> None:
    one, two = normalize_url(spell(page, a)), normalize_url(spell(page, b))
    assert one == two
    assert normalize_url("https://" + one) == one


@given(pages(), pages())
def test_different_pages_stay_different(
    p: tuple[str, list[str], list[tuple[str, str]]], q: tuple[str, list[str], list[tuple[str, str]]]
) -> None:
    assume((p[0], [s for s in p[1] if s], sorted(p[2])) != (q[0], [s for s in q[1] if s], sorted(q[2])))
    assume(p[1] == [s for s in p[1] if s] and q[1] == [s for s in q[1] if s])
    assert normalize_url(spell(p, 1)) != normalize_url(spell(q, 1))


answers = st.lists(
    st.tuples(
        st.sampled_from(["ddg", "wiki", "brave", "google", "bing"]),
        st.lists(st.integers(0, 12).map(lambda i: f"https://site{i}.example/page"), max_size=8),
    ),
    max_size=5,
    unique_by=lambda a: a[0],
)
weights = st.dictionaries(st.sampled_from(["ddg", "wiki", "brave", "google", "bing"]), st.floats(0.1, 5))


def as_results(engine: str, urls: list[str]) -> list[SearchResult]:
    return [SearchResult(u, u, "", engine) for u in urls]


def run(data: list[tuple[str, list[str]]], w: dict[str, float]) -> list[SearchResult]:
    return merge([(e, as_results(e, urls)) for e, urls in data], w)


@given(answers, weights)
def test_one_entry_per_page_and_none_lost(data: list[tuple[str, list[str]]], w: dict[str, float]) -> None:
    merged = run(data, w)
    keys = [normalize_url(r.url) for r in merged]
    assert len(keys) == len(set(keys))
    assert set(keys) == {normalize_url(u) for _e, urls in data for u in urls}
    scores = [r.score for r in merged]
    assert scores == sorted(scores, reverse=True)


@given(answers, weights, st.floats(0.5, 4))
def test_scaling_every_weight_alike_keeps_the_order(
    data: list[tuple[str, list[str]]], w: dict[str, float], factor: float
) -> None:
    full = {e: w.get(e, 1.0) for e, _ in data}
    scaled = {e: v * factor for e, v in full.items()}
    assert [r.url for r in run(data, full)] == [r.url for r in run(data, scaled)]


@given(answers, weights, st.floats(1.1, 4))
def test_a_heavier_engine_lifts_its_pages_over_pages_it_did_not_return(
    data: list[tuple[str, list[str]]], w: dict[str, float], boost: float
) -> None:
    assume(data)
    engine = data[0][0]
    base = {e: w.get(e, 1.0) for e, _ in data}
    heavier = {**base, engine: base[engine] * boost}
    before = [r.url for r in run(data, base)]
    after = [r.url for r in run(data, heavier)]
    mine = set(data[0][1])
    for p in mine:
        for q in set(before) - mine:
            if before.index(p) < before.index(q):
                assert after.index(p) < after.index(q)
