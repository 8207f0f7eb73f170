"""Configuration: the seed's examples load, env() is evaluated, discovery order, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from a3s_code import Agent
from a3s_code.config import discover_config_path, load_config, parse_config
from a3s_code.errors import ConfigError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "config"
MINIMAL = 'default_model = "anthropic/claude-sonnet-4-20250514"\nproviders {\n  name = "anthropic"\n  api_key = env("ANTHROPIC_API_KEY")\n}\n'


def test_seed_full_example_loads_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    cfg = load_config(FIXTURES / "full.hcl")
    assert cfg.default_model == "anthropic/claude-sonnet-4-20250514"
    assert [p.name for p in cfg.providers] == ["anthropic", "openai"]
    assert cfg.providers[0].api_key == "sk-ant-test"
    assert cfg.providers[1].api_key is None and cfg.providers[1].api_key_env == "OPENAI_API_KEY"
    assert cfg.queue is not None and cfg.queue.query_max_concurrency == 10
    assert cfg.queue.retry_policy is not None and cfg.queue.retry_policy.max_retries == 3
    assert cfg.queue.rate_limit is not None and cfg.queue.rate_limit.limit_type == "per_second"
    assert cfg.queue.priority_boost is not None and cfg.queue.priority_boost.deadline_ms == 300000
    assert cfg.queue.pressure_threshold == 50
    assert cfg.search is not None and cfg.search.engine["google"].weight == 1.5
    assert cfg.search.engine["bing"].enabled is True
    assert cfg.storage_backend == "file" and cfg.max_tool_rounds == 50 and cfg.thinking_budget == 10000
    assert cfg.resolve_dir(cfg.skill_dirs[0]) == (FIXTURES / "skills").resolve()
    assert cfg.resolve_dir(cfg.sessions_dir or "") == (FIXTURES / "sessions").resolve()


def test_providers_models_mcp_and_memory_blocks() -> None:
    cfg = parse_config(
        """
default_model = "local/qwen2.5-coder"
providers {
  name     = "local"
  base_url = "http://127.0.0.1:11434/v1"
  models {
    id   = "qwen2.5-coder"
    cost { input = 0.5, output = 1.5 }
    limit {
      context = 32768
      output  = 4096
    }
  }
}
mcp_servers {
  name    = "github"
  command = "npx"
  args    = ["-y", "@modelcontextprotocol/server-github"]
  env     = { GITHUB_TOKEN = "t0k" }
}
mcp_servers {
  name = "remote"
  url  = "http://127.0.0.1:9000/mcp"
}
memory {
  dir = "./memory"
}
"""
    )
    provider, model = cfg.resolve_model("local/qwen2.5-coder")
    assert provider.base_url == "http://127.0.0.1:11434/v1"
    assert model is not None and model.cost is not None and model.cost.output == 1.5
    assert model.limit is not None and model.limit.context == 32768
    assert cfg.mcp_servers[0].env == {"GITHUB_TOKEN": "t0k"}
    assert cfg.mcp_servers[1].url == "http://127.0.0.1:9000/mcp"
    assert cfg.memory is not None and cfg.memory.dir == "./memory"


def test_env_function_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    assert load_config(MINIMAL).providers[0].api_key == "from-env"


def test_missing_api_key_is_reported_at_first_use_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    agent = Agent(MINIMAL)  # loading is fine
    session = agent.session(tmp_path)
    with pytest.raises(Exception, match="ANTHROPIC_API_KEY"):
        session.llm()


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            'default_model = "a/b"\nqueue {\n  bogus = 1\n}\n',
            ["<inline>:3", "unknown key 'bogus'", "queue.bogus", "query_max_concurrency"],
        ),
        ('max_tool_rounds = "lots"\n', ["<inline>:1", "max_tool_rounds", "valid integer"]),
        ('storage_backend = "s3"\n', ["storage_backend", "'memory', 'file' or 'custom'"]),
        ('mcp_servers {\n  name = "x"\n}\n', ["mcp_servers[0]", "'command'", "'url'"]),
        ('providers {\n  name = "x"\n  api_key = upper("k")\n}\n', ["providers[0].api_key", 'env("NAME")']),
        (
            'providers {\n  name = "p"\n  models {\n    id = "m"\n    cost { input = "cheap", output = 2 }\n  }\n}\n',
            ["<inline>:5", "cost.input", "valid number"],
        ),
    ],
)
def test_bad_values_name_key_line_and_expectation(text: str, needles: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    for needle in needles:
        assert needle in str(info.value)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "agent.hcl"
    bad.write_text('default_model = "a/b"\nproviders {\n  name = "x"\n  api_key = \n}\n')
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert str(bad) in str(info.value)
    assert info.value.line in (4, 5)


def test_missing_file_and_bad_model_reference(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.hcl")
    cfg = parse_config(MINIMAL)
    with pytest.raises(ConfigError, match="provider/model"):
        cfg.resolve_model("claude")
    with pytest.raises(ConfigError, match="provider 'openai' not found"):
        cfg.resolve_model("openai/gpt-4o")


def test_discovery_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    (home / ".a3s").mkdir(parents=True)
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("A3S_CONFIG", raising=False)
    assert discover_config_path() is None
    (cwd / "agent.hcl").write_text('default_model = "x/local"\n')
    assert discover_config_path() == cwd / "agent.hcl"
    (home / ".a3s" / "config.hcl").write_text('default_model = "x/home"\n')
    assert load_config().default_model == "x/home"
    env_cfg = tmp_path / "env.hcl"
    env_cfg.write_text('default_model = "x/env"\n')
    monkeypatch.setenv("A3S_CONFIG", str(env_cfg))
    assert load_config().default_model == "x/env"
    explicit = tmp_path / "explicit.hcl"
    explicit.write_text('default_model = "x/explicit"\n')
    assert load_config(explicit).default_model == "x/explicit"


def test_nothing_found_lists_where_it_looked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("A3S_CONFIG", raising=False)
    with pytest.raises(ConfigError, match="A3S_CONFIG.*config.hcl.*agent.hcl"):
        load_config()
