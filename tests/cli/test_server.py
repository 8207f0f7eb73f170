"""The resident ``a3s-code`` server (engine/a3s_code/cli/server.py): each invocation runs in a worker
forked from it, as the invoking process would have run it (folder, environment, standard streams),
only by the invoking user, and nothing outlives its client."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import server, server_pid
from tests.cli.helpers import A3S_CODE, PtyProcess, cli_env, run_cli
from tests.fakellm import FakeLLM, Turn

ALLOW_BASH = 'permissions {\n  allow = ["bash(*)"]\n}\n'


@pytest.fixture
def project(tmp_path: Path, fake_llm_thread: FakeLLM) -> tuple[FakeLLM, Path, Path]:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra=ALLOW_BASH))
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return fake_llm_thread, workspace, config


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _gone(worker: int, server: int, timeout: float = 20) -> bool:
    """Whether ``worker`` stops being a child of ``server`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while worker in children_of(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    return worker not in children_of(server)


def test_a_served_prompt_runs_in_a_worker_of_the_server_with_the_callers_folder_and_environment(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    fake.tool_call("bash", {"command": 'echo "$A3S_PROBE|$(pwd)|$(ps -o ppid= -p $PPID)"'}).text("Done.")
    env = cli_env(ws.parent, config, A3S_PROBE="from the caller")
    done = run_cli(["probe"], env, ws)
    assert done.returncode == 0, done.stderr
    result = fake.last_request()["messages"][-1]["content"][0]["content"]
    probe = "".join(part["text"] for part in result) if isinstance(result, list) else result
    value, folder, grandparent = probe.strip().splitlines()[0].split("|")
    assert value == "from the caller" and Path(folder) == ws.resolve()
    # bash's parent is the worker, whose parent is the resident server
    assert int(grandparent) == server_pid(served_dir)
    assert done.stdout == "Done.\n"


def test_concurrent_invocations_each_get_their_own_answer(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    answers = [f"answer number {i}" for i in range(6)]
    for text in answers:
        fake.add(Turn.text(text))
    env = cli_env(ws.parent, config)
    procs = [
        subprocess.Popen([A3S_CODE, f"question {i}"], env=env, cwd=ws, stdout=subprocess.PIPE, text=True)
        for i in range(6)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 6
    assert sorted(o.strip() for o in outputs) == sorted(answers)


def test_a_killed_client_takes_its_worker_with_it(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    server = server_pid(served_dir)
    before = children_of(server)
    client = _slow_client(fake, ws, config, "a very slow answer that never finishes in time", 5)
    workers = children_of(server) - before
    assert len(workers) == 1
    client.kill()
    client.wait()
    (worker,) = workers
    assert _gone(worker, server)


@pytest.fixture
def own_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="a3s-own-", dir="/tmp"))
    yield folder
    server("stop", folder)
    shutil.rmtree(folder, ignore_errors=True)


def _as_under_nohup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # nohup, or a CI runner started that way
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)  # a job a non-interactive shell put in the background


def test_a_server_started_under_nohup_still_lets_a_killed_client_take_its_worker(
    own_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    """The first client may start the server from anywhere (under nohup, in a background job): the
    dispositions it ignores must not reach every later worker, or a killed client's worker would
    ignore its hang-up and run on for ever (found: a CI run started with nohup)."""
    fake, ws, config = project
    env = {"A3S_SERVER_DIR": str(own_dir), "A3S_CLI_SERVER": "require"}
    subprocess.run(
        [A3S_CODE, "server", "start"],
        env={**os.environ, **env},
        preexec_fn=_as_under_nohup,
        check=True,
        capture_output=True,
        timeout=90,
    )
    server = server_pid(own_dir)
    before = children_of(server)
    client = _slow_client(fake, ws, config, "an answer nobody waits for any more", 5, **env)
    (worker,) = children_of(server) - before
    client.kill()
    client.wait()
    assert _gone(worker, server)


def test_a_client_under_nohup_keeps_its_worker_through_a_hang_up(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    """``nohup a3s-code ...``: the terminal closing (SIGHUP) must not end the served run, as it
    would not end the program run in-process; the answer still arrives."""
    fake, ws, config = project
    client = _slow_client(fake, ws, config, "still answered after the hang-up", 2, preexec=_as_under_nohup)
    client.send_signal(signal.SIGHUP)
    out, _ = client.communicate(timeout=60)
    assert client.returncode == 0 and out == "still answered after the hang-up\n"


def test_an_idle_server_exits_and_removes_its_socket(
    own_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    fake.text("hello")
    env = cli_env(ws.parent, config, A3S_CLI_SERVER="require", A3S_SERVER_DIR=str(own_dir))
    done = run_cli(["hi"], {**env, "A3S_SERVER_IDLE": "1"}, ws)
    assert done.returncode == 0 and done.stdout == "hello\n", done.stderr
    assert list(own_dir.glob("*.sock"))
    deadline = time.monotonic() + 20
    while list(own_dir.glob("*.sock")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(own_dir.glob("*.sock"))


def test_a_socket_folder_others_can_enter_is_never_used(
    own_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    own_dir.chmod(0o755)
    fake.text("answered in process")
    env = cli_env(ws.parent, config, A3S_SERVER_DIR=str(own_dir))
    required = run_cli(["hi"], {**env, "A3S_CLI_SERVER": "require"}, ws)
    assert required.returncode == 2 and "mode 0700" in required.stderr
    auto = run_cli(["hi"], {**env, "A3S_CLI_SERVER": "auto"}, ws)
    assert auto.returncode == 0 and auto.stdout == "answered in process\n", auto.stderr
    assert list(own_dir.iterdir()) == []  # no server was started in it either


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_another_user_is_refused(served_dir: Path, project: tuple[FakeLLM, Path, Path]) -> None:
    _fake, ws, config = project
    server_pid(served_dir)  # running
    (sock,) = served_dir.glob("a3s-code-*.sock")
    os.chmod(served_dir, 0o711)  # let the other user reach the socket file itself
    try:
        probe = (
            "import os, socket, sys\n"
            "os.setgid(65534); os.setuid(65534)\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            "try:\n    s.connect(sys.argv[1])\nexcept OSError as e:\n    print('refused at connect', e); sys.exit(0)\n"
            "socket.send_fds(s, [b'\\x00\\x00\\x00\\x02{}'], [0, 1, 2])\n"
            "print('reply', s.recv(100))\n"
        )
        done = subprocess.run(
            [shutil.which("python3") or "python3", "-c", probe, str(sock)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        os.chmod(served_dir, 0o700)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused at connect") or done.stdout.strip() == "reply b''"


def test_server_status_start_and_stop(own_dir: Path) -> None:
    def said(action: str) -> str:
        done = server(action, own_dir)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert said("status").startswith("not running")
    started = said("start")
    pid = int(started.rsplit("pid ", 1)[1].rstrip(")\n"))
    assert said("status") == started
    assert said("stop") == f"stopped 1 server(s): pid {pid}\n"
    with pytest.raises(ProcessLookupError):
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    assert said("status").startswith("not running")
    assert not list(own_dir.glob("*.sock"))  # the server removed its socket on SIGTERM


def test_a_server_that_could_not_start_is_not_started_again_for_an_hour(
    own_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    fake.text("answered in process")
    env = cli_env(ws.parent, config, A3S_SERVER_DIR=str(own_dir))
    status = server("status", own_dir)
    socket_path = Path(status.stdout.rsplit("would be ", 1)[1].rstrip(")\n"))
    socket_path.with_suffix(".failed").write_text("warming up failed: ImportError: no module named x\n")
    required = run_cli(["hi"], {**env, "A3S_CLI_SERVER": "require"}, ws)
    assert required.returncode == 2 and "ImportError: no module named x" in required.stderr
    auto = run_cli(["hi"], {**env, "A3S_CLI_SERVER": "auto"}, ws)
    assert auto.returncode == 0 and auto.stdout == "answered in process\n", auto.stderr
    time.sleep(1)
    assert not list(own_dir.glob("*.lock"))  # no server was started


def _slow_client(
    fake: FakeLLM,
    ws: Path,
    config: Path,
    answer: str,
    delay: float,
    preexec: Callable[[], None] | None = None,
    **env: str,
) -> subprocess.Popen[str]:
    fake.add(Turn.text(answer, chunk_delay_s=delay))
    seen = len(fake.requests)
    client = subprocess.Popen(
        [A3S_CODE, "slow"],
        env=cli_env(ws.parent, config, **env),
        preexec_fn=preexec,
        cwd=ws,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while len(fake.requests) == seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake.requests) > seen, "the served prompt never reached the model"
    return client


def test_a_worker_killed_by_a_signal_reports_it_as_a_shell_does(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    server = server_pid(served_dir)
    before = children_of(server)
    client = _slow_client(fake, ws, config, "never finished because the worker is killed", 5)
    (worker,) = children_of(server) - before
    os.kill(worker, signal.SIGKILL)
    assert client.wait(timeout=30) == 128 + signal.SIGKILL


def test_stopping_the_server_lets_running_work_finish_and_the_next_call_starts_a_new_one(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    fake, ws, config = project
    old = server_pid(served_dir)
    client = _slow_client(fake, ws, config, "finished after the stop", 1)
    stop = server("stop", served_dir)
    assert stop.stdout == f"stopped 1 server(s): pid {old}\n", stop.stderr
    out, err = client.communicate(timeout=60)
    assert client.returncode == 0 and out == "finished after the stop\n", err
    fake.text("from a new server")
    done = run_cli(["again"], cli_env(ws.parent, config), ws)
    assert done.returncode == 0 and done.stdout == "from a new server\n", done.stderr
    assert server_pid(served_dir) != old


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _repl_answering_slowly(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> tuple[PtyProcess, int, int]:
    """A served REPL on a terminal whose answer is streaming: (the terminal, the server's pid, the
    worker's pid)."""
    fake, ws, config = project
    fake.add(Turn.text("one two three four five six", chunk_delay_s=0.3))
    server = server_pid(served_dir)
    before = children_of(server)
    term = PtyProcess([A3S_CODE], cli_env(ws.parent, config), ws)
    try:
        term.expect("› ")
        term.send("count\r")
        term.wait_until(lambda: bool(fake.requests))
        (worker,) = children_of(server) - before
    except BaseException:
        term.close()
        raise
    return term, server, worker


def test_ctrl_z_stops_the_worker_with_the_client_and_fg_resumes_both(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    term, server, worker = _repl_answering_slowly(served_dir, project)
    try:
        term.send("\x1a")  # Ctrl+Z: the terminal stops its foreground job, the client
        term.wait_until(lambda: _state(term.proc.pid) == "T" and _state(worker) == "T")
        term._pump(0.5)  # the terminal's own echo of ^Z
        shown = len(term.buffer)
        time.sleep(1)  # stopped: nothing more arrives on the terminal
        term._pump(0.1)
        assert len(term.buffer) == shown
        os.kill(term.proc.pid, signal.SIGCONT)  # what a shell's `fg` sends
        term.expect("six")
        assert _state(worker) != "T"
        term.expect("› ")
        term.send("\x04")
        assert term.wait() == 0
    finally:
        term.close()


def test_a_new_state_of_the_installation_stops_the_stale_server(own_dir: Path) -> None:
    """A server started after the sources or packages changed (here: a variable read at import)
    stops the one of the older state, which no client would reach any more."""

    old = server_pid(own_dir, DEFER_PYDANTIC_BUILD="true")
    new = server_pid(own_dir, DEFER_PYDANTIC_BUILD="1")
    assert new != old
    deadline = time.monotonic() + 20
    while Path(f"/proc/{old}").exists() and _state(old) != "Z" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{old}").exists() or _state(old) == "Z"
    assert len(list(own_dir.glob("a3s-code-*.sock"))) == 1


def test_a_worker_stopped_with_its_client_does_not_outlive_it(
    served_dir: Path, project: tuple[FakeLLM, Path, Path]
) -> None:
    """Ctrl+Z, then the terminal is closed (the client is killed while stopped): the stopped worker
    is woken to take its hang-up, and the server is not left waiting for it."""
    term, server, worker = _repl_answering_slowly(served_dir, project)
    try:
        term.send("\x1a")
        term.wait_until(lambda: _state(worker) == "T")
    finally:
        term.close()  # SIGKILL
    assert _gone(worker, server)
