"""Every command in the docs' ```bash / ```sh / ```console blocks runs, as typed, in a workspace
whose ``agent.hcl`` points at the fake LLM (and ``a3s-code``/``a3s-lsp``/``python`` are the venv's).

A block with a here-document is one script and is pasted into ``bash`` whole. Other blocks are
one command per line (``# comments`` dropped, ``$ `` prompts of ``console`` blocks stripped), and
each command has a spec below: what to type into it and what it must print. Daemons are started
and must answer LSP ``initialize``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from a3s_lsp.client import frame
from tests.docs.blocks import ROOT, Block, all_blocks
from tests.docs.samples import run, sample_env, workspace
from tests.fakellm import FakeLLM, Turn

SHELLS = {"bash", "sh", "shell", "console"}


@dataclass(frozen=True)
class Cmd:
    expect: tuple[str, ...] = ()
    """Each must appear in stdout."""
    stdin: str = ""
    """What the user types (interactive commands end with ``/exit``)."""
    daemon: bool = False
    """Long-running: start it, check it answers ``initialize``, stop it."""
    by_ci: bool = False
    """The command that runs this very suite (``.ci/run`` calls it): running it here would recurse."""
    resident: bool = False
    """Looks after resident servers: run with a private socket folder, its servers stopped after."""


COMMANDS: dict[tuple[str, str], Cmd] = {
    ("README.md", ".ci/daemon --config agent.hcl"): Cmd(daemon=True),
    ("README.md", ".ci/test"): Cmd(by_ci=True),
    ("docs/cli.md", "a3s-code"): Cmd(stdin="Hello\n/cost\n/exit\n", expect=("Sample answer.", "Cost:")),
    ("docs/cli.md", 'a3s-code "explain src/auth.py"'): Cmd(expect=("Sample answer.",)),
    ("docs/cli.md", "a3s-code -c agent.hcl -m openai/gpt-4o -w ../repo"): Cmd(
        stdin="Hello\n/exit\n", expect=("openai/gpt-4o", "Sample answer.")
    ),
    ("docs/cli.md", "a3s-code doctor"): Cmd(expect=("✓ config:", "reachable")),
    ("docs/cli.md", "a3s-code server status"): Cmd(expect=("not running",), resident=True),
    ("docs/cli.md", "a3s-code server start"): Cmd(expect=("running:", "a3s-code-"), resident=True),
    ("docs/cli.md", "a3s-code server stop"): Cmd(expect=("stopped 0 server(s)",), resident=True),
    ("docs/cli.md", "a3s-lsp server status"): Cmd(expect=("not running",), resident=True),
}
SCRIPTS: dict[tuple[str, str], tuple[str, ...]] = {
    # (page, words of the section heading) -> what stdout must show
    ("docs/protocol.md", "A raw stdio session"): ("'name': 'a3s-lsp'", "Hello from the fake model.", "Cost:"),
    ("docs/queue.md", "A round trip on one machine"): (
        "hello from a worker | ran on box-1",
        ":***@127.0.0.1:",
    ),
}


def commands(block: Block) -> list[str]:
    found = []
    for line in block.code.splitlines():
        if block.lang == "console":
            if not line.startswith("$ "):
                continue  # output
            line = line[2:]
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            found.append(line)
    return found


def is_script(block: Block) -> bool:
    return "<<" in block.code


def script_expect(block: Block) -> tuple[str, ...] | None:
    found = [v for (page, words), v in SCRIPTS.items() if page == block.page and words in block.heading]
    return found[0] if len(found) == 1 else None


def claims(block: Block) -> bool:
    if block.lang not in SHELLS:
        return False
    if is_script(block):
        return script_expect(block) is not None
    return all((block.page, c) in COMMANDS for c in commands(block))


BLOCKS = [b for b in all_blocks() if b.lang in SHELLS and claims(b)]
CASES = [(b, c) for b in BLOCKS if not is_script(b) for c in commands(b)]
SCRIPT_BLOCKS = [b for b in BLOCKS if is_script(b)]


def openai_provider(fake: FakeLLM) -> str:
    """Beside the anthropic one: the second provider the docs name, also aimed at the fake server."""
    return (
        f'providers {{\n  name = "openai"\n  api_key = "test-key"\n  base_url = "{fake.openai_url}"\n'
        '  models { id = "gpt-4o" }\n}\n'
    )


def answers_initialize(argv: list[str], root: Path) -> dict[str, object]:
    """Start a daemon, send ``initialize`` on stdio, read the answer, then end it politely."""
    daemon = subprocess.Popen(
        argv,
        cwd=root,
        env=sample_env(root),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert daemon.stdin is not None and daemon.stdout is not None
    try:
        init = {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}
        daemon.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}))
        daemon.stdin.flush()
        length = 0
        while line := daemon.stdout.readline().strip():
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        reply: dict[str, object] = json.loads(daemon.stdout.read(length))
        daemon.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        daemon.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        daemon.stdin.close()
        assert daemon.wait(30) == 0
        return reply
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()


@pytest.mark.parametrize(("block", "command"), CASES, ids=[f"{b.where}:{c}" for b, c in CASES])
def test_command_runs(block: Block, command: str, fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    spec = COMMANDS[(block.page, command)]
    if spec.by_ci:
        ci = (ROOT / ".ci" / "run").read_text()
        assert command in ci.splitlines()[-1], ".ci/run must end by running it"
        assert (ROOT / command).stat().st_mode & 0o111
        return
    fake_llm_thread.add(*[Turn.text("Sample answer.") for _ in range(4)])
    root = workspace(tmp_path, fake_llm_thread, extra=openai_provider(fake_llm_thread))
    (root / "src").mkdir()
    (root / "src" / "auth.py").write_text("def login(user, password):\n    return user == 'admin'\n")
    (tmp_path / "repo").mkdir()
    if command.startswith(".ci/"):
        stamp = ROOT / ".venv" / ".a3s-installed"
        if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
            pytest.skip(".ci/setup would reinstall the venv the tests run from (pyproject.toml is newer)")
        command = f"{ROOT}/{command}"  # the repository's script, run from the user's folder
    if spec.daemon:
        reply = answers_initialize(["bash", "-c", f"exec {command}"], root)
        assert reply["result"]["serverInfo"]["name"] == "a3s-lsp", reply  # type: ignore[index]
        return
    extra = {}
    if spec.resident:  # under /tmp directly: a socket path must stay under 108 bytes
        extra["A3S_SERVER_DIR"] = tempfile.mkdtemp(prefix="a3s-doc-", dir="/tmp")
    try:
        done = run(["bash", "-c", command], root, stdin=spec.stdin, **extra)
    finally:
        if spec.resident:
            for program in ("a3s-code", "a3s-lsp"):
                run([program, "server", "stop"], root, **extra)
            shutil.rmtree(extra["A3S_SERVER_DIR"], ignore_errors=True)
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr[-2000:]}"
    for text in spec.expect:
        assert text in done.stdout, f"{command}: {text!r} not in\n{done.stdout}"
    if "openai/" in command:
        assert fake_llm_thread.requests[-1]["model"] == "gpt-4o"


@pytest.mark.parametrize("block", SCRIPT_BLOCKS, ids=[b.where for b in SCRIPT_BLOCKS])
def test_script_pasted_into_bash_works(block: Block, fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    if "redis-server" in block.code:
        from tests.redis.server import require_redis_server

        require_redis_server()
    fake_llm_thread.add(Turn.text("Hello from the fake model."))
    root = workspace(tmp_path, fake_llm_thread)
    done = run(["bash"], root, stdin=block.code)
    assert done.returncode == 0, done.stderr[-3000:]
    for text in script_expect(block) or ():
        assert text in done.stdout, f"{block.where}: {text!r} not in\n{done.stdout}"
    if block.page == "docs/protocol.md":
        assert "turn_end" in done.stderr  # the a3s/event stream was read along the way
