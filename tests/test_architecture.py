"""The layering rules, checked on the real package: the engine stays protocol-free and light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "engine" / "a3s_code"
FORBIDDEN_IN_ENGINE = {"pygls", "lsprotocol", "a3s_lsp"}
HEAVY = {"anthropic", "openai", "mcp"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_engine_never_imports_the_daemon_side() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imported_roots(p) & FORBIDDEN_IN_ENGINE)
        for p in ENGINE.rglob("*.py")
        if _imported_roots(p) & FORBIDDEN_IN_ENGINE
    }
    assert offenders == {}


def _prints(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


def _uses_stdout(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and ast.unparse(node) == "sys.stdout"


def test_engine_never_prints() -> None:
    """print() defaults to stdout, the daemon's protocol channel: nowhere in the engine, CLI included."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ENGINE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if _prints(node)
    ]
    assert offenders == []


def test_engine_never_writes_to_stdout() -> None:
    """The terminal CLI (a3s_code.cli) owns its own stdout and is never loaded by the daemon
    (checked below), so it is the one place that may write there."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ENGINE.rglob("*.py")
        if "cli" not in path.relative_to(ENGINE).parts
        for node in ast.walk(ast.parse(path.read_text()))
        if _uses_stdout(node)
    ]
    assert offenders == []


def test_the_daemon_never_loads_the_terminal_cli() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "a3s_lsp").rglob("*.py")
        if "a3s_code.cli" in p.read_text() or "from a3s_code import cli" in p.read_text()
    ]
    assert offenders == []


def test_importing_the_engine_loads_no_provider_sdk() -> None:
    code = (
        "import sys, a3s_code\n"
        "from a3s_code import Agent, SessionOptions\n"
        "import a3s_code.session, a3s_code.tools, a3s_code.llm\n"
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_over_600_lines() -> None:
    big = [
        f"{p.relative_to(ROOT)} ({n})"
        for base in (ENGINE, ROOT / "a3s_lsp")
        for p in base.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 600
    ]
    assert big == []
