"""Secrets at rest: saved sessions, logs and checkpoints are private files, and hold no secret with default security."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.security.logs import PrivateFileHandler
from a3s_code.security.private import open_private, private_dir, write_private
from a3s_lsp.client import A3SClient
from tests.fakellm import FakeLLM, Turn

AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GITHUB = "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
PROMPT = f"deploy with aws {AWS_ID} secret {AWS_SECRET} and push with {GITHUB}"
SECRETS = (AWS_ID, AWS_SECRET, GITHUB)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> object:
    """The usual 022 umask: what the files would get if we did not set their modes."""
    old = os.umask(0o022)
    yield None
    os.umask(old)


def test_private_files_and_folders_are_created_private(tmp_path: Path, loose_umask: object) -> None:
    folder = private_dir(tmp_path / "a" / "b")
    assert mode(tmp_path / "a") == 0o700 and mode(folder) == 0o700
    saved = write_private(folder / "cp.json", b"{}")
    assert mode(saved) == 0o600 and saved.read_bytes() == b"{}"
    with open_private(folder / "x.log") as fh:
        fh.write("line\n")
    assert mode(folder / "x.log") == 0o600
    assert [p.name for p in folder.iterdir()] == sorted(["cp.json", "x.log"]) or len(
        list(folder.iterdir())
    ) == 2


def test_existing_files_and_folders_of_ours_are_narrowed(tmp_path: Path, loose_umask: object) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir(mode=0o755)
    old = folder / "s1.json"
    old.write_text("{}")
    old.chmod(0o644)
    write_private(old, b'{"id": "s1"}')
    assert mode(folder) == 0o700 and mode(old) == 0o600
    log = tmp_path / "daemon.log"
    log.write_text("old line\n")
    log.chmod(0o644)
    handler = PrivateFileHandler(str(log))
    handler.emit(logging.LogRecord("a3s_code", logging.INFO, __file__, 1, "new line", None, None))
    handler.close()
    assert mode(log) == 0o600 and log.read_text() == "old line\nnew line\n"


async def test_saved_sessions_are_private_without_security_too(
    fake_llm: FakeLLM, tmp_path: Path, loose_umask: object
) -> None:
    fake_llm.add(Turn.text("noted"))
    config = fake_llm.config(extra=f'sessions_dir = "{tmp_path / "state" / "sessions"}"\n')
    session = Agent(config).session(tmp_path)
    await session.send_async(PROMPT)
    saved = Path(str(await session.save_async()))
    assert mode(saved) == 0o600 and mode(saved.parent) == 0o700 and mode(saved.parent.parent) == 0o700
    assert AWS_SECRET in saved.read_text()  # no redaction asked for: the history is kept as it was


async def test_with_default_security_no_saved_string_holds_a_secret(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": f"echo {GITHUB}"}), Turn.text(f"done; key {AWS_ID}"))
    opts = SessionOptions(default_security=True).with_file_session_store(str(tmp_path / "s"))
    session = Agent(fake_llm.config()).session(tmp_path, opts)
    await session.send_async(PROMPT)
    text = Path(str(await session.save_async())).read_text()
    assert not [s for s in SECRETS if s in text]
    json.loads(text)  # still valid JSON: strings are redacted one by one
    resumed = Agent(fake_llm.config()).resume_session(session.session_id, tmp_path, opts)
    assert len(resumed.history) == len(session.history)


async def test_the_daemon_keeps_secrets_out_of_its_log_and_saved_sessions(
    fake_llm_thread: FakeLLM, tmp_path: Path, loose_umask: object
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "agent.hcl").write_text(
        fake_llm_thread.config(extra='sessions_dir = "./state/sessions"\nsecurity {\n  default = true\n}\n')
    )
    fake_llm_thread.add(Turn.text(f"Stored {AWS_ID} for you, mail ops@example.com"))
    log = tmp_path / "logs" / "daemon.log"
    args = ("--config", str(tmp_path / "agent.hcl"), "--log-file", str(log), "--log-level", "DEBUG")
    async with await A3SClient.spawn(*args, cwd=str(tmp_path)) as client:
        await client.initialize(root=project)
        created = await client.request("a3s/session/create", {"workspace": str(project)})
        events = [e async for e in client.turn(created["sessionId"], PROMPT)]
        saved = await client.request("a3s/session/save", {"sessionId": created["sessionId"]})
    shown = json.dumps(events)
    assert AWS_ID not in shown and "ops@example.com" not in shown and "[REDACTED:aws_access_key]" in shown
    saved_file = Path(saved["location"])
    assert mode(saved_file) == 0o600 and mode(saved_file.parent) == 0o700
    assert not [s for s in SECRETS if s in saved_file.read_text()]
    assert mode(log) == 0o600 and mode(log.parent) == 0o700
    logged = log.read_text()
    assert "a3s/session/send" in logged  # DEBUG logs every frame: the prompt went through the log
    assert not [s for s in SECRETS if s in logged]


async def test_without_the_security_block_the_daemon_log_is_private_but_verbatim(
    fake_llm_thread: FakeLLM, tmp_path: Path, loose_umask: object
) -> None:
    (tmp_path / "agent.hcl").write_text(fake_llm_thread.config())
    fake_llm_thread.add(Turn.text("ok"))
    log = tmp_path / "daemon.log"
    args = ("--config", str(tmp_path / "agent.hcl"), "--log-file", str(log), "--log-level", "DEBUG")
    async with await A3SClient.spawn(*args, cwd=str(tmp_path)) as client:
        await client.initialize(root=tmp_path)
        created = await client.request("a3s/session/create", {"workspace": str(tmp_path)})
        [e async for e in client.turn(created["sessionId"], PROMPT)]
    assert mode(log) == 0o600 and GITHUB in log.read_text()
