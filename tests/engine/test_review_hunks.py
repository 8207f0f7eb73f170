"""Per-hunk review: whatever the file, the edit and the hunks accepted, exactly those hunks land.

The oracle is ``git apply`` of the accepted hunks onto the original text, each hunk's ``+start``
renumbered for the hunks left out before it, as ``git add -p`` does when it stages some hunks
(git's add-patch.c ``reassemble_patch``): ``git apply`` starts looking for a hunk at its ``+start``
line, so with the unrenumbered header a hunk among repeated lines lands where the skipped hunks would
have moved it, not where the user saw it. The session writes through its real file system, so the
file must also keep its encoding and line endings.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from a3s_code import Agent, SessionOptions
from a3s_code.events import ConfirmationRequired
from a3s_code.permissions import PermissionPolicy
from a3s_code.ports import ConfirmationRequest, PartialApproval, ReviewHunk
from a3s_code.review.hunks import file_hunks, propose_files
from tests.fakellm import FakeLLM

WORDS = ["alpha", "beta", "gamma", "délta", "  indented", "", "x = 1", "end"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


@st.composite
def texts(draw: st.DrawFn, min_lines: int = 0, min_edits: int = 0) -> tuple[str, str]:
    """An original text and an edited one: random line edits, LF or CRLF (or both), with or without
    a final newline."""
    before = draw(st.lists(st.sampled_from(WORDS), min_size=min_lines, max_size=60))
    after = list(before)
    for _ in range(draw(st.integers(min_edits, 8))):
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        at = draw(st.integers(0, len(after)))
        if op == "insert":
            after.insert(at, draw(st.sampled_from(WORDS)) + "+")
        elif after and at < len(after):
            if op == "delete":
                del after[at]
            else:
                after[at] = after[at] + " changed"
    eol = draw(st.sampled_from(["\n", "\r\n", "mixed"]))

    def join(lines: list[str], final: bool) -> str:
        if eol == "mixed":
            ends = ["\r\n" if (i % 3 == 0) else "\n" for i in range(len(lines))]
        else:
            ends = [eol] * len(lines)
        text = "".join(line + end for line, end in zip(lines, ends, strict=True))
        if lines and not final:
            text = text[: -len(ends[-1])]
        return text

    return join(before, draw(st.booleans())), join(after, draw(st.booleans()))


def git_apply(original: str, patch: str) -> str:
    """``git apply`` of ``patch`` onto a file ``f.txt`` holding ``original`` (UTF-8 bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "f.txt"
        target.write_bytes(original.encode())
        if patch:
            (Path(folder) / "p.diff").write_bytes(patch.encode())
            subprocess.run(
                ["git", "apply", "--whitespace=nowarn", "p.diff"], cwd=folder, check=True, capture_output=True
            )
        return target.read_bytes().decode()


def staged(hunks: Sequence[ReviewHunk], accepted: set[str]) -> str:
    """The patch of the ``accepted`` hunks as ``git add -p`` builds it: each kept hunk's new-side
    start moves back by the lines the skipped hunks before it would have added."""
    if not accepted:
        return ""
    out, delta = ["--- a/f.txt\n+++ b/f.txt\n"], 0
    for hunk in hunks:
        if hunk.id not in accepted:
            delta += hunk.old_lines - hunk.new_lines
            continue
        header, body = hunk.text.split("\n", 1)
        start = hunk.new_start + delta
        header = re.sub(r"\+\d+", f"+{start}", header, count=1)
        out.append(f"{header}\n{body}")
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(pair=texts(), choice=st.data())
def test_any_subset_of_hunks_gives_what_git_apply_gives(pair: tuple[str, str], choice: st.DataObject) -> None:
    before, after = pair
    proposal = propose_files([(Path("/w/f.txt"), "f.txt", before, after, None)])
    if before == after:
        assert proposal.files == []
        return
    (file,) = proposal.files
    ids = [h.id for h in file.hunks]
    assert len(set(ids)) == len(ids)
    assert [h.id for h in file_hunks("f.txt", before, after)] == ids  # stable
    accepted = choice.draw(st.sets(st.sampled_from(ids)) if ids else st.just(set()))
    assert file.apply(accepted) == git_apply(before, staged(file.hunks, accepted))
    assert file.apply(set(ids)) == after
    assert file.apply(set()) == before


@pytest.mark.parametrize("changed", range(8, 20))
def test_a_hunk_among_repeated_lines_lands_where_the_user_saw_it(changed: int) -> None:
    """Twenty identical lines; the model adds one on top and changes one further down. Accepting only
    the change must change the line its hunk showed, not the line below it (where the unaccepted
    insertion would have moved it, and where a plain ``git apply`` of that hunk puts it)."""
    old = ["alpha"] * 20
    new = ["alpha+", *old]
    new[changed] = "alpha changed"
    before, after = "\n".join(old), "\n".join(new)
    (file,) = propose_files([(Path("/w/f.txt"), "f.txt", before, after, None)]).files
    assert len(file.hunks) == 2
    change = file.hunks[1]
    expected = list(old)
    expected[changed - 1] = "alpha changed"
    assert file.apply({change.id}) == "\n".join(expected)
    assert git_apply(before, staged(file.hunks, {change.id})) == "\n".join(expected)


class Reviewer:
    """A confirmation channel that accepts a chosen subset of the offered hunks."""

    def __init__(self, pick: Any) -> None:
        self.pick = pick
        self.asked: list[ConfirmationRequest] = []

    async def confirm(self, request: ConfirmationRequest) -> Any:
        self.asked.append(request)
        if not request.hunks:
            return "allow"
        return PartialApproval("allow", frozenset(self.pick([h.id for h in request.hunks])))


@pytest.fixture
def agent(fake_llm: FakeLLM) -> Agent:
    return Agent(fake_llm.config())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=texts(min_lines=20, min_edits=3), encoding=st.sampled_from(ENCODINGS), choice=st.data())
async def test_the_written_file_holds_exactly_the_accepted_hunks_in_its_own_encoding(
    agent: Agent,
    tmp_path_factory: pytest.TempPathFactory,
    pair: tuple[str, str],
    encoding: str,
    choice: st.DataObject,
) -> None:
    before, after = pair
    if encoding in ("latin-1", "cp1252"):  # a legacy encoding shows only in non-ASCII text
        eol = "\r\n" if "\r\n" in before else "\n"
        before, after = f"# délta{eol}{before}", f"# délta{eol}{after}"
    workspace = tmp_path_factory.mktemp("ws")
    target = workspace / "f.txt"
    target.write_bytes(before.encode(encoding))
    picked: list[set[str]] = []

    def pick(ids: list[str]) -> set[str]:
        flags = choice.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
        picked.append({i for i, take in zip(ids, flags, strict=True) if take})
        return picked[-1]

    reviewer = Reviewer(pick)
    events: list[Any] = []
    session = agent.session(
        workspace,
        SessionOptions(
            permission_checker=PermissionPolicy().allow("read(*)").ask("write(*)"), confirmation=reviewer
        ),
    )
    session.add_event_listener(events.append)
    await session.tool_async("read", {"file_path": "f.txt"})
    result = await session.tool_async("write", {"file_path": "f.txt", "content": after})
    if not reviewer.asked:  # nothing to change: the write itself says so
        return
    request = reviewer.asked[0]
    if not request.hunks:  # a one-hunk change is taken whole
        assert target.read_bytes() == after.encode(encoding)
        return
    accepted = picked[0]
    event("some hunks" if 0 < len(accepted) < len(request.hunks) else "all or none")
    assert [r.tool_name for r in reviewer.asked] == ["write"]
    expected = git_apply(before, staged(request.hunks, accepted))
    assert target.read_bytes() == expected.encode(encoding)  # same BOM, same line endings
    rejected = [h.id for h in request.hunks if h.id not in accepted]
    if not accepted:
        assert result.is_error and "rejected every hunk" in result.output
    elif rejected:
        assert not result.is_error
        assert all(h in result.output for h in rejected)
        assert result.metadata["rejected_hunks"] == rejected
    asked = [e for e in events if isinstance(e, ConfirmationRequired)]
    assert asked and asked[0].diff == request.diff


async def test_a_file_changed_during_review_is_left_alone(agent: Agent, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n")

    class TypesMeanwhile:
        async def confirm(self, request: ConfirmationRequest) -> Any:
            target.write_text("the user typed this\n")
            return PartialApproval("allow", frozenset([request.hunks[0].id]))

    session = agent.session(
        tmp_path,
        SessionOptions(
            permission_checker=PermissionPolicy().allow("read(*)").ask("write(*)"),
            confirmation=TypesMeanwhile(),
        ),
    )
    await session.tool_async("read", {"file_path": "f.txt"})
    result = await session.tool_async(
        "write", {"file_path": "f.txt", "content": "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n"}
    )
    assert result.is_error and "changed while the user was reviewing" in result.output
    assert target.read_text() == "the user typed this\n"


async def test_hunk_ids_that_were_not_offered_change_nothing(agent: Agent, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n")

    class Confused:
        async def confirm(self, request: ConfirmationRequest) -> Any:
            return PartialApproval("allow", frozenset(["h000000000000"]))

    session = agent.session(
        tmp_path,
        SessionOptions(
            permission_checker=PermissionPolicy().allow("read(*)").ask("write(*)"), confirmation=Confused()
        ),
    )
    await session.tool_async("read", {"file_path": "f.txt"})
    result = await session.tool_async(
        "write", {"file_path": "f.txt", "content": "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n"}
    )
    assert result.is_error and "h000000000000" in result.output
    assert target.read_text() == "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"


async def test_a_patch_over_two_files_is_reviewed_hunk_by_hunk(agent: Agent, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one\ntwo\n")
    (tmp_path / "b.txt").write_text("three\nfour\n")
    diff = (
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-one\n+ONE\n two\n"
        "--- a/b.txt\n+++ b/b.txt\n@@ -1,2 +1,2 @@\n three\n-four\n+FOUR\n"
        "--- /dev/null\n+++ b/c.txt\n@@ -0,0 +1 @@\n+new\n"
    )

    class OnlyB:
        async def confirm(self, request: ConfirmationRequest) -> Any:
            assert [h.file for h in request.hunks] == ["a.txt", "b.txt", "c.txt"]
            return PartialApproval("allow", frozenset([request.hunks[1].id]))

    session = agent.session(
        tmp_path,
        SessionOptions(
            permission_checker=PermissionPolicy().allow("read(*)").ask("patch(*)"), confirmation=OnlyB()
        ),
    )
    result = await session.tool_async("patch", {"diff": diff})
    assert not result.is_error, result.output
    assert (tmp_path / "a.txt").read_text() == "one\ntwo\n"
    assert (tmp_path / "b.txt").read_text() == "three\nFOUR\n"
    assert not (tmp_path / "c.txt").exists()
    assert "applied 1 of 3 hunks" in result.output and "+ONE" in result.output
