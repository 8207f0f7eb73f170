"""The agent replaces only a version of a file it has read: the rules of tools.seen, tool by tool, and
through a session whose model calls the tools (only the model's own reads count)."""

from __future__ import annotations

from pathlib import Path

import pytest

from a3s_code import Agent, Session, SessionOptions
from a3s_code.tools.seen import SeenFiles
from tests.fakellm import FakeLLM, Turn

from .conftest import Harness, OverlayFS

BIG = "".join(f"line {i}\n" for i in range(1, 3001))


@pytest.fixture
def tracked(ws: Harness) -> Harness:
    ws.ctx.seen = SeenFiles()
    return ws


async def test_write_without_a_read_is_refused(tracked: Harness) -> None:
    path = tracked.file("app.py", "x = 1\n")
    result = await tracked.run("write", file_path="app.py", content="replaced\n")
    assert result.is_error
    assert "you have not read it in this session" in result.output and "Read it first" in result.output
    assert path.read_text() == "x = 1\n"


async def test_write_after_a_read_and_again_after_its_own_write(tracked: Harness) -> None:
    path = tracked.file("app.py", "x = 1\n")
    await tracked.run("read", file_path="app.py")
    assert not (await tracked.run("write", file_path="app.py", content="x = 2\n")).is_error
    assert not (await tracked.run("write", file_path="app.py", content="x = 3\n")).is_error
    assert path.read_text() == "x = 3\n"


async def test_a_change_after_the_read_is_refused(tracked: Harness) -> None:
    path = tracked.file("app.py", "x = 1\n")
    await tracked.run("read", file_path="app.py")
    path.write_text("x = 1\n# typed by the user\n")
    result = await tracked.run("write", file_path="app.py", content="x = 2\n")
    assert result.is_error and "changed since you last read it" in result.output
    assert path.read_text() == "x = 1\n# typed by the user\n"


async def test_an_unsaved_buffer_counts_as_the_current_text(tracked: Harness) -> None:
    path = tracked.file("app.py", "x = 1\n")
    fs = OverlayFS()
    tracked.ctx.fs = fs
    await tracked.run("read", file_path="app.py")
    fs.buffers[path] = "x = 1\ny = 'unsaved'\n"
    result = await tracked.run("write", file_path="app.py", content="x = 2\n")
    assert result.is_error and fs.buffers[path] == "x = 1\ny = 'unsaved'\n"
    await tracked.run("read", file_path="app.py")
    assert not (await tracked.run("write", file_path="app.py", content="x = 2\n")).is_error
    assert fs.buffers[path] == "x = 2\n"


async def test_windows_of_one_version_add_up_and_a_partial_read_does_not(tracked: Harness) -> None:
    tracked.file("big.txt", BIG)
    await tracked.run("read", file_path="big.txt")  # lines 1-2000
    partial = await tracked.run("write", file_path="big.txt", content="short\n")
    assert partial.is_error
    await tracked.run("read", file_path="big.txt", offset=2000)
    assert not (await tracked.run("write", file_path="big.txt", content="short\n")).is_error


async def test_a_cut_line_was_not_seen(tracked: Harness) -> None:
    tracked.file("wide.txt", "x" * 5000 + "\n")
    await tracked.run("read", file_path="wide.txt")
    result = await tracked.run("write", file_path="wide.txt", content="narrow\n")
    assert result.is_error


async def test_edit_and_patch_need_no_read_and_keep_text_typed_elsewhere(tracked: Harness) -> None:
    path = tracked.file("app.py", "x = 1\ny = 2\n")
    assert not (
        await tracked.run("edit", file_path="app.py", old_string="y = 2", new_string="y = 3")
    ).is_error
    path.write_text("# typed\n" + path.read_text())
    diff = "@@ -1,2 +1,2 @@\n x = 1\n-y = 3\n+y = 4\n"
    assert not (await tracked.run("patch", file_path="app.py", diff=diff)).is_error
    assert path.read_text() == "# typed\nx = 1\ny = 4\n"
    # the agent never saw the whole file: replacing all of it is still refused
    assert (await tracked.run("write", file_path="app.py", content="")).is_error


async def test_an_edit_of_a_seen_version_keeps_it_seen(tracked: Harness) -> None:
    tracked.file("app.py", "x = 1\n")
    await tracked.run("read", file_path="app.py")
    await tracked.run("edit", file_path="app.py", old_string="x = 1", new_string="x = 2")
    assert not (await tracked.run("write", file_path="app.py", content="x = 3\n")).is_error


async def test_deleting_needs_a_read_unless_the_diff_quotes_the_whole_file(tracked: Harness) -> None:
    path = tracked.file("gone.txt", "a\nb\n")
    envelope = "*** Begin Patch\n*** Delete File: gone.txt\n*** End Patch"
    assert (await tracked.run("patch", diff=envelope)).is_error and path.exists()
    unified = "--- a/gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"
    assert not (await tracked.run("patch", diff=unified)).is_error
    assert not path.exists()


async def test_new_files_need_no_read(tracked: Harness) -> None:
    assert not (await tracked.run("write", file_path="fresh.txt", content="new\n")).is_error


MODEL_CONFIG_PROVIDER = "openai"


def _session(fake: FakeLLM, workspace: Path, model: str = "gpt-5") -> Session:
    agent = Agent(fake.config(MODEL_CONFIG_PROVIDER, model))
    return agent.session(workspace, SessionOptions(llm_max_retries=1, llm_retry_delay_ms=1))


async def test_only_the_models_own_reads_count(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    fake_llm.add(
        Turn.tool_call("write", {"file_path": "app.py", "content": "clobbered\n"}),
        Turn.tool_call("read", {"file_path": "app.py"}),
        Turn.tool_call("write", {"file_path": "app.py", "content": "x = 2\n"}),
        Turn.text("done"),
    )
    session = _session(fake_llm, tmp_path)
    result = await session.send_async("rewrite app.py")
    codes = [call.exit_code for call in result.tool_calls]
    assert codes == [1, 0, 0]
    assert "Read it first" in result.tool_calls[0].output
    assert (tmp_path / "app.py").read_text() == "x = 2\n"


async def test_an_openai_session_offers_the_envelope(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("ok"))
    await _session(fake_llm, tmp_path).send_async("hi")
    tools = {t["function"]["name"]: t["function"]["description"] for t in fake_llm.requests[0]["tools"]}
    assert tools["patch"].startswith("Edit files with a patch in this format")
    fake_llm.add(Turn.text("ok"))
    await _session(fake_llm, tmp_path, "gpt-4o").send_async("hi")
    tools = {t["function"]["name"]: t["function"]["description"] for t in fake_llm.requests[1]["tools"]}
    assert tools["patch"].startswith("Apply a patch to files: a unified diff")


async def test_a_file_too_big_to_read_whole_is_changed_by_parts(tracked: Harness) -> None:
    from a3s_code.fs import STREAM_ABOVE

    path = tracked.root / "huge.log"
    path.write_text("".join(f"{i:099}\n" for i in range(STREAM_ABOVE // 100 + 10)))
    await tracked.run("read", file_path="huge.log")
    result = await tracked.run("write", file_path="huge.log", content="small\n")
    assert (
        result.is_error and "too big to be read whole" in result.output and "edit or patch" in result.output
    )
