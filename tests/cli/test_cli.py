"""The ``a3s-code`` executable, driven as a user would, against the fake LLM server."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import A3S_CODE, ANSI, PtyProcess, cli_env, run_cli
from tests.fakellm import FakeLLM, Turn

# Every test here runs in the a3s-code process and through the resident server (tests/cli/conftest.py).
pytestmark = pytest.mark.usefixtures("resident_mode")


@pytest.fixture
def setup(tmp_path: Path, fake_llm_thread: FakeLLM) -> tuple[FakeLLM, Path, dict[str, str]]:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return fake_llm_thread, workspace, cli_env(tmp_path, config)


def test_one_shot_prints_the_answer_alone_on_stdout(setup: tuple[FakeLLM, Path, dict[str, str]]) -> None:
    fake, ws, env = setup
    fake.text("The auth code lives in src/auth.py.")
    done = run_cli(["where is auth handled?"], env, ws)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "The auth code lives in src/auth.py.\n"
    assert fake.last_request()["messages"][-1]["content"][0]["text"] == "where is auth handled?"


def test_one_shot_slash_command_answers_without_the_model(
    setup: tuple[FakeLLM, Path, dict[str, str]],
) -> None:
    fake, ws, env = setup
    done = run_cli(["/tools"], env, ws)
    assert done.returncode == 0, done.stderr
    assert "bash" in done.stdout and "read" in done.stdout
    assert fake.requests == []


def test_confirmation_answered_yes_on_stdin_lets_the_write_happen(
    setup: tuple[FakeLLM, Path, dict[str, str]],
) -> None:
    fake, ws, env = setup
    fake.tool_call("write", {"file_path": "notes.txt", "content": "hello\n"}).text("Wrote it.")
    done = run_cli(["write notes"], env, ws, stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert "Allow?" in done.stderr and "notes.txt" in done.stderr
    assert (ws / "notes.txt").read_text() == "hello\n"
    assert done.stdout.strip().endswith("Wrote it.")


def test_confirmation_refused_on_stdin_leaves_the_disk_alone(
    setup: tuple[FakeLLM, Path, dict[str, str]],
) -> None:
    fake, ws, env = setup
    fake.tool_call("write", {"file_path": "notes.txt", "content": "hello\n"}).text("Okay, not writing.")
    done = run_cli(["write notes"], env, ws, stdin="n\n")
    assert done.returncode == 0, done.stderr
    assert not (ws / "notes.txt").exists()
    tool_result = fake.last_request()["messages"][-1]["content"][0]
    assert tool_result["type"] == "tool_result" and tool_result.get("is_error")


def test_model_flag_overrides_default_model(setup: tuple[FakeLLM, Path, dict[str, str]]) -> None:
    fake, ws, env = setup
    fake.text("ok")
    done = run_cli(["-m", "anthropic/claude-other", "hi"], env, ws)
    assert done.returncode == 0, done.stderr
    assert fake.last_request()["model"] == "claude-other"


def test_config_flag_beats_a3s_config_and_agent_hcl_is_the_last_resort(
    tmp_path: Path, fake_llm_thread: FakeLLM
) -> None:
    good = tmp_path / "good.hcl"
    good.write_text(fake_llm_thread.config())
    broken = tmp_path / "broken.hcl"
    broken.write_text("default_model = \n")
    ws = tmp_path / "ws"
    ws.mkdir()
    fake_llm_thread.text("from -c").text("from agent.hcl")
    done = run_cli(["-c", str(good), "hi"], cli_env(tmp_path, broken), ws)
    assert done.stdout == "from -c\n", done.stderr
    (ws / "agent.hcl").write_text(fake_llm_thread.config())
    done = run_cli(["hi"], cli_env(tmp_path), ws)
    assert done.stdout == "from agent.hcl\n", done.stderr


def test_bad_config_is_reported_with_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "agent.hcl"
    config.write_text('default_model = "anthropic/x"\nprovidrs {\n  name = "anthropic"\n}\n')
    done = run_cli(["hi"], cli_env(tmp_path, config), tmp_path)
    assert done.returncode == 2
    assert f"{config}:2" in done.stderr and "providrs" in done.stderr
    assert "a3s-code doctor" in done.stderr


def test_no_config_anywhere_says_where_it_looked(tmp_path: Path) -> None:
    done = run_cli(["hi"], cli_env(tmp_path), tmp_path)
    assert done.returncode == 2
    assert "A3S_CONFIG" in done.stderr and "agent.hcl" in done.stderr


def test_piped_output_is_plain_and_color_always_is_not(setup: tuple[FakeLLM, Path, dict[str, str]]) -> None:
    fake, ws, env = setup
    fake.tool_call("ls", {"path": "."}).text("listed").tool_call("ls", {"path": "."}).text("listed")
    plain = run_cli(["list"], env, ws)
    assert "⚙ ls" in plain.stderr and not ANSI.search(plain.stderr + plain.stdout)
    colored = run_cli(["--color", "always", "list"], env, ws)
    assert ANSI.search(colored.stderr)


def test_doctor_passes_on_a_working_setup(setup: tuple[FakeLLM, Path, dict[str, str]]) -> None:
    _fake, ws, env = setup
    done = run_cli(["doctor"], env, ws)
    assert done.returncode == 0, done.stdout
    assert "Everything looks ready" in done.stdout and "✗" not in done.stdout


def test_doctor_names_each_problem_and_its_fix(tmp_path: Path) -> None:
    config = tmp_path / "agent.hcl"
    config.write_text(
        'default_model = "anthropic/claude-x"\n'
        'providers {\n  name = "anthropic"\n  api_key = env("A3S_TEST_MISSING_KEY")\n'
        '  base_url = "http://a3s-doctor.invalid:9"\n}\n'
        'mcp_servers {\n  name = "files"\n  command = "no-such-mcp-server-binary"\n}\n'
    )
    done = run_cli(["doctor", "--timeout", "2"], cli_env(tmp_path, config), tmp_path)
    assert done.returncode == 1
    out = done.stdout
    assert "A3S_TEST_MISSING_KEY" in out and "export A3S_TEST_MISSING_KEY" in out
    assert "reachable" in out and "a3s-doctor.invalid" in out
    assert "no-such-mcp-server-binary" in out
    assert "3 problem(s)" in out


def test_doctor_reports_an_invalid_config_clearly(tmp_path: Path) -> None:
    config = tmp_path / "agent.hcl"
    config.write_text("max_tool_rounds = 0\n")
    done = run_cli(["doctor", "--offline"], cli_env(tmp_path, config), tmp_path)
    assert done.returncode == 1
    assert "max_tool_rounds" in done.stdout and "fix:" in done.stdout


def test_repl_streams_answers_and_ctrl_c_cancels_only_the_turn(
    setup: tuple[FakeLLM, Path, dict[str, str]],
) -> None:
    fake, ws, env = setup
    slow = Turn.text("this answer takes far too long to arrive", chunk_delay_s=2)
    fake.text("first answer here").add(slow).text("still alive")
    term = PtyProcess([A3S_CODE], env, ws)
    try:
        term.expect("› ")
        term.send("hello\r")
        term.expect("first answer here")
        term.expect("› ")
        term.send("/cost\r")
        term.expect("Tokens:")
        term.expect("› ")
        term.send("slow one\r")
        term.wait_until(lambda: len(fake.requests) == 2)
        term.expect("this answe")  # the first words arrived: the request is being billed
        term.send("\x03")
        term.expect(r"\(cancelled\)")
        assert "to arrive" not in term.buffer
        # tokens already spent are counted: the input the provider reported, the words streamed
        shown = term.expect(r"\[100 in / [1-9]\d* out tokens, \$0\.0\d*[1-9]\d*\]")
        spent = re.findall(r"\[100 in / (\d+) out tokens", shown)[-1]
        term.expect("› ")
        term.send("/cost\r")
        term.expect(rf"Tokens:\s+{120 + 100 + int(spent)}\b")
        term.expect("› ")
        term.send("again\r")
        term.expect("still alive")
        term.expect("› ")
        term.send("\x04")
        assert term.wait() == 0
    finally:
        term.close()


def test_a_call_nobody_runs_on_an_external_lane_is_shown_waiting_then_given_up(
    tmp_path: Path, fake_llm_thread: FakeLLM
) -> None:
    queue = 'queue {\n  enable_dlq = true\n  lane_handlers {\n    execute {\n      mode = "external"\n      timeout_ms = 300\n    }\n  }\n}\n'
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra=queue + 'permissions {\n  allow = ["bash(*)"]\n}\n'))
    (tmp_path / "ws").mkdir()
    fake_llm_thread.tool_call("bash", {"command": "touch built"}).text("No worker picked it up.")
    done = run_cli(["build it"], cli_env(tmp_path, config), tmp_path / "ws")
    assert done.returncode == 0, done.stderr
    assert "bash waits for an external worker" in done.stderr
    assert "dead letter: bash: no external worker completed it within 300 ms" in done.stderr
    assert (
        done.stdout.strip().endswith("No worker picked it up.") and not (tmp_path / "ws" / "built").exists()
    )


def test_repl_rewind_lists_turns_and_puts_files_back(setup: tuple[FakeLLM, Path, dict[str, str]]) -> None:
    fake, ws, env = setup
    (ws / "app.py").write_bytes(b"x = 1\r\n")
    fake.tool_call("read", {"file_path": "app.py"})
    fake.tool_call("write", {"file_path": "app.py", "content": "x = 2\n"}).text("Changed it.")
    term = PtyProcess([A3S_CODE, "--yes"], env, ws)
    try:
        term.expect("› ")
        term.send("change x\r")
        term.expect("Changed it.")
        term.expect("› ")
        term.send("/rewind\r")
        term.expect(r"1  \d\d:\d\d:\d\d  change x")
        term.expect("› ")
        term.send("/rewind 9\r")
        term.expect("no checkpoint for turn '9'")
        term.expect("› ")
        term.send("/rewind 1\r")
        term.expect("restored  app.py")
        term.expect("› ")
        assert (ws / "app.py").read_bytes() == b"x = 1\r\n"
        term.send("\x04")
        assert term.wait() == 0
    finally:
        term.close()


def test_continue_and_resume_pick_up_the_saved_conversation(
    setup: tuple[FakeLLM, Path, dict[str, str]],
) -> None:
    fake, ws, env = setup
    other = ws.parent / "other"
    other.mkdir()
    fake.text("First answer.").text("Elsewhere.").text("Second answer.").text("Third answer.")
    assert run_cli(["first question"], env, ws).returncode == 0
    assert run_cli(["unrelated"], env, other).returncode == 0  # saved too, for another folder
    done = run_cli(["--continue", "second question"], env, ws)
    assert done.returncode == 0 and done.stdout == "Second answer.\n", done.stderr
    said = [m["content"][0]["text"] for m in fake.last_request()["messages"] if m["content"][0].get("text")]
    assert said == ["first question", "First answer.", "second question"]
    saved = [json.loads(p.read_text()) for p in (ws.parent / ".a3s" / "sessions").glob("*.json")]
    ours = next(s for s in saved if s["workspace"] == str(ws.resolve()))
    done = run_cli(["--resume", ours["id"], "third question"], env, other)  # its own folder, not the caller's
    assert done.returncode == 0 and done.stdout == "Third answer.\n", done.stderr
    said = [m["content"][0]["text"] for m in fake.last_request()["messages"] if m["content"][0].get("text")]
    assert said == ["first question", "First answer.", "second question", "Second answer.", "third question"]


def test_continue_without_a_saved_session_says_so(setup: tuple[FakeLLM, Path, dict[str, str]]) -> None:
    fake, ws, env = setup
    done = run_cli(["--continue", "hello?"], env, ws)
    assert done.returncode == 1 and "no saved session" in done.stderr and str(ws.resolve()) in done.stderr
    done = run_cli(["--resume", "no-such-id", "hello?"], env, ws)
    assert done.returncode == 1 and "no-such-id" in done.stderr
    assert fake.requests == []


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_files_the_agent_creates_follow_the_callers_umask(
    setup: tuple[FakeLLM, Path, dict[str, str]], umask: int
) -> None:
    fake, ws, env = setup
    fake.tool_call("write", {"file_path": "notes.txt", "content": "private\n"}).text("Wrote it.")
    done = subprocess.run(
        [A3S_CODE, "--yes", "write notes"],
        env=env,
        cwd=ws,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(umask),  # noqa: PLW1509 - the caller's umask is the point
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((ws / "notes.txt").stat().st_mode) == 0o666 & ~umask
