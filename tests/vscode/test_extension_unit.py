"""The extension's own unit tests (vitest), strict type check and ESLint, run from the Python suite."""

from __future__ import annotations

import subprocess

import pytest

from tests.vscode.tooling import EXTENSION, ensure_dependencies, node_env


@pytest.mark.timeout(900)
def test_the_extension_type_checks_and_its_unit_tests_pass() -> None:
    ensure_dependencies()
    typecheck = subprocess.run(
        ["npm", "run", "typecheck"],
        cwd=EXTENSION,
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert typecheck.returncode == 0, typecheck.stdout + typecheck.stderr
    lint = subprocess.run(
        ["npm", "run", "lint"], cwd=EXTENSION, env=node_env(), capture_output=True, text=True, timeout=300
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    unit = subprocess.run(
        ["npx", "vitest", "run", "--reporter=dot"],
        cwd=EXTENSION,
        env=node_env(NO_COLOR="1", CI="true"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert unit.returncode == 0, unit.stdout + unit.stderr
    assert " failed" not in unit.stdout and "passed" in unit.stdout, unit.stdout
