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
    (checked below), so it is the one place that may write there. The resident servers' package
    (a3s_code.resident) sets processes' standard streams up (a worker takes its client's; the thin
    client reads their encodings) before the program runs, and prints `server status` for a person;
    it writes nothing to a stdout that carries the protocol."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ENGINE.rglob("*.py")
        if not {"cli", "resident"} & set(path.relative_to(ENGINE).parts)
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


def test_a_session_is_a_package_of_components(tmp_path: Path) -> None:
    """``a3s_code.session`` is a package; each part of a session is a component of a documented
    class, reachable as an attribute, and the seed's names on the session act on it."""
    import a3s_code.session as package
    from a3s_code import Agent
    from a3s_code.hooks import HookEngine
    from a3s_code.pipeline import ToolPipeline
    from a3s_code.rewind import SessionRewind
    from a3s_code.roots import WorkspaceRoots
    from a3s_code.sandbox.session import SessionSandbox
    from a3s_code.session.context import SessionContext
    from a3s_code.session.mcp import SessionMcp
    from a3s_code.session.memory import SessionMemory
    from a3s_code.session.persistence import SessionPersistence, SessionSnapshot
    from a3s_code.session.queue import SessionQueue
    from a3s_code.session.turn import TurnRunner
    from a3s_code.steering import SteerQueue

    assert hasattr(package, "__path__") and Path(package.__file__).name == "__init__.py"
    config = (
        'default_model = "anthropic/claude-sonnet-4-20250514"\n'
        'providers {\n  name = "anthropic"\n  api_key = "test-key"\n  base_url = "http://127.0.0.1:9"\n}\n'
    )
    session = Agent(config).session(tmp_path)
    assert isinstance(session, package.Session) and isinstance(session, package.SessionCore)
    components = {
        "roots": WorkspaceRoots,
        "sandbox": SessionSandbox,
        "mcp": SessionMcp,
        "memory": SessionMemory,
        "context": SessionContext,
        "queue": SessionQueue,
        "steering": SteerQueue,
        "rewinder": SessionRewind,
        "persistence": SessionPersistence,
        "pipeline": ToolPipeline,
        "runner": TurnRunner,
    }
    wrong = {
        name: type(getattr(session, name)).__name__
        for name, kind in components.items()
        if not isinstance(getattr(session, name), kind)
    }
    assert wrong == {}
    assert isinstance(session.hooks, HookEngine) and session.hooks is session.services.hooks
    assert session.pipeline.queue is session.queue and session.checkpoints is session.rewinder.checkpoints

    extra = tmp_path / "extra"
    extra.mkdir()
    assert session.add_root(extra) in session.roots.all()
    session.register_hook("audit", "pre_tool_use", lambda event: None)
    assert session.hook_count() == len(session.hooks) == 1
    assert session.queue_stats() == session.queue.stats() and session.dead_letters() == []
    assert session.mcp_status() == session.mcp.status() == {} and not session.memory.enabled
    snapshot = session.persistence.snapshot()
    assert isinstance(snapshot, SessionSnapshot) and snapshot.roots == [str(extra.resolve())]
    assert SessionSnapshot.from_data(snapshot.to_data()).id == session.session_id


def test_the_session_package_has_no_untyped_stubs() -> None:
    """No ``type: ignore`` and no ``agent: Any`` back-references in the session's modules."""
    modules = [*(ENGINE / "session").glob("*.py"), ENGINE / "rewind.py", ENGINE / "sandbox" / "session.py"]
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in modules
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if "type: ignore" in line or "agent: Any" in line
    ]
    assert offenders == []
