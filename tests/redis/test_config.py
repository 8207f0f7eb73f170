"""The ``queue`` block's Redis keys: nothing needs Redis unless asked; a missing URL is a clear error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from a3s_code import Agent
from a3s_code.config import parse_config
from a3s_code.errors import ConfigError
from tests.fakellm import FakeLLM

from .workers import ROOT


def test_the_in_process_default_never_loads_redis(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from a3s_code import Agent\n"
        'agent = Agent(\'default_model = "a/m"\\nproviders {\\n  name = "a"\\n}\\n\')\n'
        f"session = agent.session({str(tmp_path)!r})\n"
        "session.set_lane_handler('execute', 'external', 50)\n"
        "print(session.submit('execute', {'command': 'true'}).is_error, 'redis' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["True", "False"]  # the task timed out in process; no Redis client


def test_a_redis_backend_without_url_fails_when_a_session_needs_it(
    fake_llm_thread: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("A3S_REDIS_URL", raising=False)
    hcl = fake_llm_thread.config(extra='queue {\n  backend = "redis"\n  url = env("A3S_REDIS_URL")\n}\n')
    config = parse_config(hcl, "agent.hcl")  # loading is fine: another process may not need Redis
    assert config.queue is not None and config.queue.backend == "redis"
    with pytest.raises(
        ConfigError, match=r"queue.url is empty \(is the variable its env\(...\) names set\?\)"
    ):
        Agent(config).session(tmp_path)
    secret = 'queue {\n  backend = "redis"\n  url = "redis://:hunter2@10.0.0.1:6379/0"\n}\n'
    loaded = parse_config(fake_llm_thread.config(extra=secret), "agent.hcl")
    assert "hunter2" not in repr(loaded) and "hunter2" not in str(loaded.queue)
    with pytest.raises(ConfigError, match="not a Redis URL"):
        Agent(parse_config(fake_llm_thread.config(extra=secret.replace("redis://", "http://")), "x")).session(
            tmp_path
        )
