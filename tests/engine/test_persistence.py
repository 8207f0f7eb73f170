"""Save and resume: what a user expects back after a restart, and bad files never crash anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from a3s_code import A3SError, Agent, SessionOptions
from a3s_code.errors import SessionNotFoundError
from tests.fakellm import FakeLLM, Turn


async def test_save_and_resume_keeps_history_usage_and_remembered_permissions(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    store = tmp_path / "sessions"
    fake_llm.add(Turn.text("first answer", input_tokens=500, output_tokens=50), Turn.text("second answer"))
    agent = Agent(fake_llm.config())
    session = agent.session(tmp_path, SessionOptions().with_file_session_store(str(store)))
    await session.send_async("remember the number 7")
    session.session_allowed.add('bash:{"command": "make"}')
    where = await session.save_async()
    assert where == str(store / f"{session.session_id}.json")

    restarted = Agent(fake_llm.config())  # a new agent, as after a daemon restart
    resumed = restarted.resume_session(
        session.session_id, SessionOptions().with_file_session_store(str(store))
    )
    assert resumed.session_id == session.session_id and resumed.workspace == tmp_path.resolve()
    assert resumed.usage.input_tokens == 500 and resumed.cost_usd == pytest.approx(session.cost_usd)
    assert 'bash:{"command": "make"}' in resumed.session_allowed
    await resumed.send_async("what number?")
    assert "remember the number 7" in json.dumps(fake_llm.requests[-1]["messages"])


async def test_sessions_dir_from_config_and_the_daemon_style_call(fake_llm: FakeLLM, tmp_path: Path) -> None:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config() + 'sessions_dir = "./saved"\n')
    fake_llm.add(Turn.text("hi"))
    session = Agent(str(config)).session(tmp_path)
    await session.send_async("hello")
    await session.save_async()
    assert (tmp_path / "saved" / f"{session.session_id}.json").exists()
    resumed = Agent(str(config)).resume_session(session.session_id, tmp_path, SessionOptions())
    assert len(resumed.history) == 2


async def test_saved_sessions_are_redacted_with_default_security(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("noted"))
    opts = SessionOptions(default_security=True).with_file_session_store(str(tmp_path / "s"))
    session = Agent(fake_llm.config()).session(tmp_path, opts)
    await session.send_async("my key is ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
    text = Path(str(await session.save_async())).read_text()
    assert "ghp_AbCd" not in text and "[REDACTED:github_token]" in text


@pytest.mark.parametrize(
    ("content", "why"), [("{not json", "corrupt"), ('{"id": "x", "format_version": 99}', "newer")]
)
def test_bad_files_are_reported_and_set_aside(tmp_path: Path, content: str, why: str) -> None:
    store = tmp_path / "s"
    store.mkdir()
    (store / "x.json").write_text(content)
    agent = Agent('default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n')
    with pytest.raises(A3SError, match=why):
        agent.resume_session("x", SessionOptions().with_file_session_store(str(store)))
    assert not (store / "x.json").exists()
    assert [p.name.split(".")[-1].split("-")[0] for p in store.iterdir()] == [why]
    with pytest.raises(SessionNotFoundError):
        agent.resume_session("x", SessionOptions().with_file_session_store(str(store)))


def test_save_without_a_store_says_how_to_configure_one(tmp_path: Path) -> None:
    agent = Agent('default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n')
    with pytest.raises(A3SError, match="sessions_dir"):
        agent.session(tmp_path).save()
