"""``a3s-code doctor`` reports whether the sandbox works here, with the fix when it does not."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import cli_env, run_cli
from tests.engine.sandbox.helpers import CONFIG, needs_bwrap
from tests.engine.sandbox.test_session import CONTAINER_FAILURES, fake_bwrap

pytestmark = needs_bwrap


def doctor(tmp_path: Path, extra: str) -> tuple[int, str]:
    config = tmp_path / "agent.hcl"
    config.write_text(CONFIG + extra)
    done = run_cli(["doctor", "--offline"], cli_env(tmp_path, config), tmp_path)
    return done.returncode, done.stdout


def test_a_configured_sandbox_that_works_is_reported_with_its_settings(tmp_path: Path) -> None:
    code, out = doctor(tmp_path, "sandbox {\n  network = true\n  memory_mb = 300\n}\n")
    assert code == 0, out
    assert "✓ sandbox: bubblewrap, network on, 300 MB (bubblewrap " in out


def test_a_configured_sandbox_that_cannot_run_is_a_problem_with_its_fix(tmp_path: Path) -> None:
    binary = fake_bwrap(tmp_path, CONTAINER_FAILURES[0])
    code, out = doctor(tmp_path, f'sandbox {{\n  bwrap = "{binary}"\n}}\n')
    assert code == 1
    assert "✗ sandbox: bubblewrap cannot create its namespaces" in out
    assert "fix: one of: 'sysctl -w kernel.unprivileged_userns_clone=1'" in out
    code, out = doctor(tmp_path, 'sandbox {\n  bwrap = "/nonexistent/bwrap"\n}\n')
    assert code == 1 and "fix: install it (apt-get install bubblewrap" in out


def test_without_a_sandbox_block_support_is_reported_but_never_a_failure(tmp_path: Path) -> None:
    code, out = doctor(tmp_path, "")
    assert code == 0, out
    assert "✓ sandbox: not configured, bash runs unsandboxed; bubblewrap " in out and "works here" in out
