"""Checkpoints and rewind in the engine: what the files and the conversation look like afterwards."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import A3SError, Agent, SessionOptions
from a3s_code.checkpoints import CheckpointSettings, CheckpointStore, RecordingFileSystem
from a3s_code.rewind import RewindError
from tests.fakellm import FakeLLM, Turn

CONFIG = 'default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n'


def session_for(fake: FakeLLM, workspace: Path, **opts: object):  # type: ignore[no-untyped-def]
    agent = Agent(fake.config("anthropic", "claude-sonnet-4-20250514"))
    return agent.session(workspace, SessionOptions(llm_max_retries=0, **opts))  # type: ignore[arg-type]


async def test_rewind_puts_back_exact_bytes_and_removes_what_the_agent_created(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    original = "caf\xe9 = 1\r\nx = 2\r\n".encode("latin-1")  # Latin-1 and CRLF: bytes, not text, come back
    (tmp_path / "app.py").write_bytes(original)
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "app.py"}),
        Turn.tool_calls(
            ("edit", {"file_path": "app.py", "old_string": "x = 2", "new_string": "x = 3"}),
            ("write", {"file_path": "pkg/new.py", "content": "print('new')\n"}),
        ),
        Turn.text("done"),
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "x = 3", "new_string": "x = 4"}),
        Turn.text("done again"),
    )
    session = session_for(fake_llm, tmp_path)
    await session.send_async("first")
    after_first = (tmp_path / "app.py").read_bytes()
    await session.send_async("second")
    assert b"x = 4" in (tmp_path / "app.py").read_bytes()

    report = await session.rewind_async(2, conversation=False)
    assert report.restored == ["app.py"] and not report.conflicts
    assert (tmp_path / "app.py").read_bytes() == after_first
    assert len(session.history) > 4  # the conversation was left as it was

    report = await session.rewind_async(1)
    assert sorted(report.restored) == ["app.py", "pkg/new.py"]
    assert (tmp_path / "app.py").read_bytes() == original
    assert not (tmp_path / "pkg" / "new.py").exists()
    assert session.history == [] and report.messages_removed > 0
    assert session.checkpoints.turns == []


async def test_a_file_the_user_changed_after_the_agent_is_reported_and_left_alone(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(
        Turn.tool_calls(
            ("write", {"file_path": "a.txt", "content": "agent a\n"}),
            ("write", {"file_path": "b.txt", "content": "agent b\n"}),
        ),
        Turn.text("ok"),
    )
    session = session_for(fake_llm, tmp_path)
    await session.send_async("write two files")
    (tmp_path / "b.txt").write_text("the user's own text\n")
    report = await session.rewind_async(1)
    assert report.restored == ["a.txt"] and report.conflicts == ["b.txt"]
    assert not (tmp_path / "a.txt").exists()
    assert (tmp_path / "b.txt").read_text() == "the user's own text\n"
    # the conflict stays checkpointed: once the user puts the agent's text back, it can be rewound
    (tmp_path / "b.txt").write_text("agent b\n")
    assert (await session.rewind_async(1, conversation=False)).restored == ["b.txt"]
    assert not (tmp_path / "b.txt").exists()


async def test_checkpoints_survive_save_and_resume(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_bytes(b"\xef\xbb\xbf# notes\n")  # a BOM is part of the bytes
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "notes.md"}),
        Turn.tool_call("write", {"file_path": "notes.md", "content": "# rewritten\n"}),
        Turn.text("ok"),
        Turn.text("after resume"),
    )
    store = str(tmp_path / ".sessions")
    session = session_for(fake_llm, tmp_path / ".", session_store_dir=store)
    await session.send_async("rewrite the notes")
    await session.save_async()
    saved = json.loads(Path(store, f"{session.session_id}.json").read_text())
    assert [t["turn"] for t in saved["checkpoints"]["turns"]] == [1]

    resumed = Agent(fake_llm.config("anthropic", "claude-sonnet-4-20250514")).resume_session(
        session.session_id, SessionOptions(session_store_dir=store)
    )
    report = await resumed.rewind_async(1)
    assert report.restored == ["notes.md"] and resumed.history == []
    assert (tmp_path / "notes.md").read_bytes() == b"\xef\xbb\xbf# notes\n"
    assert (await resumed.send_async("again")).text == "after resume"


async def test_fork_starts_a_session_from_before_a_turn_and_leaves_files(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(
        Turn.text("one"),
        Turn.tool_call("write", {"file_path": "f.txt", "content": "two\n"}),
        Turn.text("two"),
        Turn.text("forked answer"),
    )
    session = session_for(fake_llm, tmp_path)
    await session.send_async("first")
    await session.send_async("second")
    forked = await session.fork_async(2)
    assert forked.session_id != session.session_id
    assert [m.role for m in forked.history] == ["user", "assistant"]
    assert (tmp_path / "f.txt").read_text() == "two\n"  # a fork changes no file
    result = await forked.send_async("another second")
    assert result.text == "forked answer" and result.turn == 2
    assert "second" not in json.dumps(fake_llm.requests[-1]["messages"]).replace("another second", "")
    assert len(session.history) == 6  # the original goes on untouched


async def test_unknown_turns_and_a_compacted_conversation_are_refused_with_nothing_changed(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(
        Turn.text("hello"), Turn.tool_call("write", {"file_path": "f.txt", "content": "x\n"}), Turn.text("ok")
    )
    session = session_for(fake_llm, tmp_path)
    await session.send_async("hi")
    await session.send_async("go")
    with pytest.raises(RewindError, match="no checkpoint for turn 7"):
        await session.rewind_async(7)
    del session.history[:2]  # as compaction rewrites the older part
    kept = list(session.history)
    with pytest.raises(RewindError, match="compacted or cleared"):
        await session.rewind_async(2)
    assert (tmp_path / "f.txt").exists() and session.history == kept
    assert (await session.rewind_async("2", conversation=False)).restored == ["f.txt"]


def test_prune_drops_the_oldest_turns_by_age_and_size() -> None:
    store = CheckpointStore(CheckpointSettings(max_age_s=100, max_bytes=15, max_file_bytes=20))
    for turn in range(1, 5):
        store.begin_turn(turn, f"p{turn}", 0, "0:")
        store.note_before(Path(f"/w/f{turn}"), None)
        store.note_after(Path(f"/w/f{turn}"), bytes([turn]) * 10)
    store.turns[0].started_at -= 1000
    assert store.prune() == 3  # turn 1 by age, then turns 2 and 3 until the 10 bytes left fit in 15
    assert [t.turn for t in store.turns] == [4] and sum(map(len, store.blobs.values())) == 10
    store.begin_turn(5, "big", 0, "0:")
    store.note_before(Path("/w/big"), b"y" * 21)  # over max_file_bytes: noted, not kept
    assert not store.turns[-1].files["/w/big"].kept and len(store.blobs) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.dictionaries(st.sampled_from(["a", "b", "d/c"]), st.binary(max_size=40), max_size=3),
    turns=st.lists(
        st.lists(
            st.tuples(st.sampled_from(["a", "b", "d/c", "e"]), st.one_of(st.none(), st.text(max_size=30))),
            max_size=4,
        ),
        min_size=1,
        max_size=4,
    ),
    data=st.data(),
)
def test_rewinding_to_any_turn_gives_back_every_file_as_it_was_before_it(
    initial: dict[str, bytes], turns: list[list[tuple[str, str | None]]], data: st.DataObject
) -> None:
    """Any files (any bytes), any writes and deletes over any turns: the tree is as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        session = Agent(CONFIG).session(root)
        for name, content in initial.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(content)
        fs = RecordingFileSystem(session.fs, session.checkpoints)
        before_turn: list[dict[str, bytes]] = []

        async def run() -> None:
            for number, writes in enumerate(turns, 1):
                before_turn.append(tree(root))
                session.rewinder.begin_turn(number, f"turn {number}")
                for name, text in writes:
                    try:
                        if text is None:
                            await fs.delete(root / name)
                        else:
                            await fs.write_text(root / name, text)
                    except (A3SError, FileNotFoundError, OSError):
                        pass  # a write the file system refused (no file to delete, unencodable): no change

        asyncio.run(run())
        target = data.draw(st.integers(1, len(turns)))
        report = session.rewind(target, conversation=False)
        assert not report.conflicts and not report.failed
        assert tree(root) == before_turn[target - 1]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
