"""Sessions with several roots: an editor's workspace folders are all inside one session's boundary.

Real sessions, real tools, the real pipeline; turns run the real Anthropic SDK against the fake LLM.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import Agent, SessionOptions
from a3s_code.permissions import PermissionPolicy
from a3s_code.roots import RootError
from a3s_code.session import Session
from tests.fakellm import FakeLLM, Turn


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """``frontend`` (the workspace), ``backend`` (a further root) and ``private`` (neither)."""
    frontend, backend, private = tmp_path / "frontend", tmp_path / "backend", tmp_path / "private"
    for folder in (frontend, backend, private):
        folder.mkdir()
    (frontend / "f.py").write_text("front = 1\n")
    (backend / "b.py").write_text("x = 1\ny = undefined_name\n")
    (private / "secret.txt").write_text("private\n")
    (backend / "link_out").symlink_to(private)
    return frontend, backend, private


def two_roots(fake: FakeLLM, frontend: Path, backend: Path, **opts: object) -> Session:
    return Agent(fake.config()).session(frontend, SessionOptions(roots=[str(backend)], **opts))  # type: ignore[arg-type]


def test_every_file_tool_works_in_a_further_root(
    fake_llm_thread: FakeLLM, folders: tuple[Path, Path, Path]
) -> None:
    frontend, backend, private = folders
    session = two_roots(fake_llm_thread, frontend, backend)
    assert session.roots.all() == [frontend.resolve(), backend.resolve()]
    b = str(backend / "b.py")
    assert session.read_file(b) == "x = 1\ny = undefined_name\n"
    assert session.read_file("f.py") == "front = 1\n"  # relative paths start at the workspace
    edited = session.tool("edit", {"file_path": b, "old_string": "undefined_name", "new_string": "x"})
    assert not edited.is_error, edited.output
    assert (backend / "b.py").read_text() == "x = 1\ny = x\n"
    found = session.tool("grep", {"pattern": "y = x", "path": str(backend)})
    assert f"{backend.resolve()}/b.py:2:y = x" in found.output, found.output
    globbed = session.tool("glob", {"pattern": "*.py", "path": str(backend)})
    assert str(backend.resolve() / "b.py") in globbed.output, globbed.output
    listed = session.tool("ls", {"path": str(backend)})
    assert "b.py" in listed.output
    # ``..`` from the workspace into the sibling root is the same folder
    assert session.read_file("../backend/b.py") == "x = 1\ny = x\n"
    # what is in neither root stays out, by path, by ``..`` and through a symlink in a root
    for path in (str(private / "secret.txt"), "../private/secret.txt", str(backend / "link_out/secret.txt")):
        result = session.tool("read", {"file_path": path})
        assert result.is_error and "outside the workspace" in result.output, path
    result = session.tool("glob", {"pattern": "../private/*", "path": str(backend)})
    assert result.is_error and "outside the workspace" in result.output


def test_roots_are_added_and_removed_while_the_session_lives(
    fake_llm_thread: FakeLLM, folders: tuple[Path, Path, Path]
) -> None:
    frontend, backend, _ = folders
    session = Agent(fake_llm_thread.config()).session(frontend)
    b = str(backend / "b.py")
    assert session.tool("read", {"file_path": b}).is_error
    assert session.add_root(backend) == backend.resolve()
    assert session.add_root(str(backend) + "/") == backend.resolve()  # twice: one root
    assert session.roots.all() == [frontend.resolve(), backend.resolve()]
    assert not session.tool("read", {"file_path": b}).is_error
    assert (
        "Further workspace roots" in session.system_prompt()
        and str(backend.resolve()) in session.system_prompt()
    )
    assert session.remove_root(backend) is True
    assert session.remove_root(backend) is False
    refused = session.tool("read", {"file_path": b})
    assert refused.is_error and "outside the workspace" in refused.output
    with pytest.raises(RootError, match="cannot be removed"):
        session.remove_root(frontend)
    with pytest.raises(RootError, match="not a folder"):
        session.add_root(backend / "b.py")
    assert session.roots.all() == [frontend.resolve()]


def test_permission_rules_judge_a_file_in_a_root_as_inside_it(
    fake_llm_thread: FakeLLM, folders: tuple[Path, Path, Path]
) -> None:
    """accept_edits lets edits in any root run unasked, and the protected folders (.git) of each
    root still ask."""
    frontend, backend, _ = folders
    (backend / ".git").mkdir()
    (backend / ".git" / "config").write_text("[core]\n")
    session = two_roots(
        fake_llm_thread, frontend, backend, permission_checker=PermissionPolicy("accept_edits")
    )
    edit = {"file_path": str(backend / "b.py"), "old_string": "x = 1", "new_string": "x = 2"}
    decision = session.check("edit", edit)
    assert decision.verdict == "allow", decision.reason
    git = session.check("write", {"file_path": str(backend / ".git" / "config"), "content": "x"})
    assert git.verdict != "allow" and ".git/" in git.reason, git.reason  # asked (denied: nobody to ask)


def test_the_model_edits_a_file_in_the_second_root(
    fake_llm_thread: FakeLLM, folders: tuple[Path, Path, Path]
) -> None:
    frontend, backend, _ = folders
    b = str(backend / "b.py")
    fake_llm_thread.add(
        Turn.tool_call("read", {"file_path": b}),
        Turn.tool_call("edit", {"file_path": b, "old_string": "undefined_name", "new_string": "x"}),
        Turn.text("fixed"),
    )
    session = two_roots(fake_llm_thread, frontend, backend)
    result = session.send("fix backend/b.py")
    assert result.text == "fixed"
    assert (backend / "b.py").read_text() == "x = 1\ny = x\n"
    system = fake_llm_thread.requests[0]["system"]
    assert str(backend.resolve()) in (system if isinstance(system, str) else str(system))


def test_roots_survive_save_and_resume(
    fake_llm_thread: FakeLLM, folders: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    frontend, backend, _ = folders
    store = str(tmp_path / "store")
    agent = Agent(fake_llm_thread.config())
    session = agent.session(frontend, SessionOptions(roots=[str(backend)]).with_file_session_store(store))
    asyncio.run(session.save_async())
    resumed = Agent(fake_llm_thread.config()).resume_session(
        session.session_id, SessionOptions().with_file_session_store(store)
    )
    assert resumed.roots.all() == [frontend.resolve(), backend.resolve()]
    assert resumed.read_file(str(backend / "b.py")).startswith("x = 1")


_SEGMENTS = st.sampled_from(
    ["..", ".", "backend", "frontend", "private", "b.py", "link_out", "secret.txt", "new"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(_SEGMENTS, min_size=1, max_size=6), absolute=st.booleans())
def test_a_path_is_usable_exactly_when_it_resolves_into_a_root(
    fake_llm_thread: FakeLLM, folders: tuple[Path, Path, Path], parts: list[str], absolute: bool
) -> None:
    """The pipeline's verdict for any spelling (``..``, ``.``, symlinks, absolute or relative)
    agrees with the rule: the resolved path is one of the roots or below one."""
    frontend, backend, _ = folders
    session = two_roots(fake_llm_thread, frontend, backend, permission_checker=PermissionPolicy("bypass"))
    raw = "/".join(parts)
    path = str(frontend.parent / raw) if absolute else raw
    resolved = (frontend / path).resolve() if not absolute else Path(path).resolve()
    roots = [frontend.resolve(), backend.resolve()]
    inside = any(resolved == r or r in resolved.parents for r in roots)
    decision = session.check("read", {"file_path": path})
    assert (decision.stage != "boundary") == inside, (path, decision)


async def test_grep_searches_unsaved_buffers_in_a_further_root(folders: tuple[Path, Path, Path]) -> None:
    from a3s_code.tools.base import ToolContext
    from a3s_code.tools.grep import GrepTool
    from a3s_code.tools.registry import ToolRegistry
    from tests.engine.tools.conftest import OverlayFS

    frontend, backend, _ = folders
    (backend / ".gitignore").write_text("gen/\n")
    (backend / "gen").mkdir()
    b, gen = backend.resolve() / "b.py", backend.resolve() / "gen" / "g.py"
    ctx = ToolContext(
        workspace=frontend.resolve(),
        extra_roots=(backend.resolve(),),
        fs=OverlayFS({b: "unsaved needle\n", gen: "needle\n"}),
    )
    result = await ToolRegistry([GrepTool()]).execute(
        "grep", {"pattern": "needle", "path": str(backend)}, ctx
    )
    assert result.output.splitlines()[0] == f"{b}:1:unsaved needle", result.output
    assert "g.py" not in result.output  # the further root's .gitignore applies to buffers too
