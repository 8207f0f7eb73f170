"""The tool-call pipeline through real sessions: every caller gets the same stages, in order.

Real turns run the real Anthropic SDK against the fake LLM server; the tools run on a temp
workspace. Each test says what a user would notice.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import Agent, Allow, Ask, Deny, SessionOptions
from a3s_code.events import (
    AgentEvent,
    ConfirmationRequired,
    PermissionDenied,
    ToolEnd,
    ToolStart,
    TurnEnd,
)
from a3s_code.hooks import HookResult
from a3s_code.permissions import PermissionPolicy
from a3s_code.ports import ConfirmationRequest
from a3s_code.session import Session
from tests.fakellm import FakeLLM, Turn


class Human:
    """A confirmation channel answering from a script (then ``deny``), remembering each question."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[ConfirmationRequest] = []

    async def confirm(self, request: ConfirmationRequest) -> Any:
        self.asked.append(request)
        return self.answers.pop(0) if self.answers else "deny"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """``ws`` (the workspace) beside ``outside``, which nothing may read or change."""
    ws, outside = tmp_path / "ws", tmp_path / "outside"
    (ws / "src").mkdir(parents=True)
    outside.mkdir()
    (ws / "src" / "app.py").write_text("x = 1\n")
    (outside / "outside.txt").write_text("private\n")
    (ws / "src" / "link_out").symlink_to(outside)
    return ws, outside


def session_for(fake: FakeLLM, ws: Path, **opts: Any) -> Session:
    return Agent(fake.config()).session(ws, SessionOptions(**opts))


async def turn(session: Session, fake: FakeLLM, *turns: Turn) -> list[AgentEvent]:
    fake.add(*turns)
    return [e async for e in session.stream_async("go")]


def sent_results(fake: FakeLLM) -> list[str]:
    """Every tool-result text the model was sent in the last request."""
    out: list[str] = []
    for msg in fake.requests[-1]["messages"]:
        if isinstance(msg["content"], list):
            out += [b["content"][0]["text"] for b in msg["content"] if b.get("type") == "tool_result"]
    return out


# -- arguments and the workspace boundary ------------------------------------------------------


async def test_a_nul_byte_in_a_path_is_a_tool_error_and_the_turn_goes_on(
    fake_llm: FakeLLM, layout: tuple[Path, Path]
) -> None:
    ws, _ = layout
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy().allow("read"))
    events = await turn(
        session,
        fake_llm,
        Turn.tool_call("read", {"file_path": "src/app.py\x00.txt"}),
        Turn.tool_call("read", {"file_path": "src/app.py"}),
        Turn.text("done"),
    )
    ends = [e for e in events if isinstance(e, ToolEnd)]
    assert ends[0].exit_code == 1 and "NUL byte" in ends[0].output
    assert ends[1].exit_code == 0 and "x = 1" in ends[1].output
    assert isinstance(events[-1], TurnEnd) and events[-1].stop_reason == "end_turn"
    assert "NUL byte" in sent_results(fake_llm)[0]


def _path_arguments() -> list[tuple[str, str]]:
    from a3s_code.tools import builtin_tools

    return [(t.name, a) for t in builtin_tools() for a in (*t.path_args, *t.pattern_args)]


@pytest.mark.parametrize(("tool", "arg"), _path_arguments())
def test_every_declared_path_argument_refuses_nul_wherever_it_is(
    fake_llm: FakeLLM, layout: tuple[Path, Path], tool: str, arg: str
) -> None:
    ws, _ = layout
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy("bypass"))
    base: dict[str, dict[str, str]] = {
        "write": {"content": ""},
        "edit": {"old_string": "a", "new_string": "b"},
        "patch": {"diff": "@@ -1 +1 @@\n-a\n+b\n"},
        "glob": {"pattern": "*"},
        "grep": {"pattern": "x"},
    }
    for value in ("\x00", "src/\x00", "a\x00b", "src/app.py\x00"):
        args = {**base.get(tool, {}), arg: value}
        decision = session.check(tool, args)
        assert isinstance(decision, Deny) and decision.stage == "arguments", (tool, arg, value, decision)
        assert "NUL byte" in decision.reason


ESCAPES = [
    "../outside/outside.txt",
    "src/../../outside/outside.txt",
    "{outside}/outside.txt",
    "src/link_out/outside.txt",
    "~/.ssh/id_rsa",
    "$HOME/.ssh/id_rsa",
    "${HOME}/x",
    "/etc/passwd",
]


@pytest.mark.parametrize("spelling", ESCAPES)
@pytest.mark.parametrize(
    "policy",
    [
        PermissionPolicy().ask("read").ask("write"),
        PermissionPolicy().allow("read").allow("write"),
        PermissionPolicy("bypass"),
        PermissionPolicy("accept_edits"),
    ],
    ids=["ask", "allow", "bypass", "accept_edits"],
)
def test_outside_paths_are_refused_before_rules_in_every_mode(
    fake_llm: FakeLLM, layout: tuple[Path, Path], spelling: str, policy: PermissionPolicy
) -> None:
    ws, outside = layout
    session = session_for(fake_llm, ws, permission_checker=policy, confirmation=Human("allow"))
    path = spelling.replace("{outside}", str(outside))
    for tool, args in (("read", {"file_path": path}), ("write", {"file_path": path, "content": "x"})):
        decision = session.check(tool, args)
        assert isinstance(decision, Deny) and decision.stage == "boundary", (tool, path, decision)


async def test_an_ask_rule_on_an_outside_path_refuses_at_once_and_never_asks(
    fake_llm: FakeLLM, layout: tuple[Path, Path]
) -> None:
    ws, outside = layout
    human = Human("allow")
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy().ask("read"), confirmation=human)
    events = await turn(
        session, fake_llm, Turn.tool_call("read", {"file_path": "../outside/outside.txt"}), Turn.text("ok")
    )
    assert human.asked == []
    assert not any(isinstance(e, ConfirmationRequired) for e in events)
    denied = next(e for e in events if isinstance(e, PermissionDenied))
    assert "outside the workspace" in denied.reason
    assert "private" not in str(fake_llm.requests[-1])
    assert session.audit[-1].stage == "boundary" and session.audit[-1].decision == "deny"


async def test_glob_pattern_climbing_out_is_refused_and_lists_nothing_outside(
    fake_llm: FakeLLM, layout: tuple[Path, Path]
) -> None:
    ws, _ = layout
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy().allow("glob"))
    events = await turn(
        session,
        fake_llm,
        Turn.tool_call("glob", {"pattern": "../../**/*"}),
        Turn.tool_call("glob", {"pattern": "**/*.py"}),
        Turn.text("ok"),
    )
    ends = [e for e in events if isinstance(e, ToolEnd)]
    assert ends[0].exit_code == 1 and "confined like paths" in ends[0].output
    assert "outside.txt" not in str(fake_llm.requests[-1])
    assert ends[1].output.startswith("src/app.py")


@pytest.mark.parametrize(
    "pattern",
    ["../../**/*", "../*", "../outside/*", "src/../../**", "src/*/../../..", "src/{a,..}/*", "**/../../*"]
    + ["/etc/*", "~/*", "src/link_out/*", "$HOME/*", "{outside}/*"],
)
def test_glob_patterns_are_confined_like_paths(
    fake_llm: FakeLLM, layout: tuple[Path, Path], pattern: str
) -> None:
    ws, outside = layout
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy("bypass"))
    decision = session.check("glob", {"pattern": pattern.replace("{outside}", str(outside))})
    assert isinstance(decision, Deny) and decision.stage == "boundary", decision
    assert isinstance(
        session.check("grep", {"pattern": "x", "glob": pattern.replace("{outside}", str(outside))}), Deny
    )


@pytest.mark.parametrize("pattern", ["**/*.py", "src/*", "./src/**", "src/../src/*.py", "{ws}/src/*", "*"])
def test_glob_patterns_inside_run(fake_llm: FakeLLM, layout: tuple[Path, Path], pattern: str) -> None:
    ws, _ = layout
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy("bypass"))
    assert isinstance(session.check("glob", {"pattern": pattern.replace("{ws}", str(ws))}), Allow)


# -- one allow-for-session set, one pipeline for every caller ----------------------------------


async def test_allow_for_session_is_one_set_for_the_loop_direct_calls_and_task_children(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    human = Human("allow_session")
    session = session_for(fake_llm, tmp_path, confirmation=human)
    call = {"command": "echo hi"}
    await turn(session, fake_llm, Turn.tool_call("bash", call), Turn.text("ok"))
    assert len(human.asked) == 1
    direct = await session.tool_async("bash", call)  # the same call, made directly: not asked again
    assert direct.output.strip() == "hi" and len(human.asked) == 1
    assert isinstance(session.check("bash", call), Allow)
    assert isinstance(session.check("bash", {"command": "echo hi; rm -rf x"}), Ask)
    from a3s_code.subagents.definition import AgentDefinition
    from a3s_code.subagents.runner import child_session

    child = child_session(session, AgentDefinition(name="helper", description="d", prompt="p"), 3)
    assert isinstance(child.check("bash", call), Allow)
    assert session.session_allowed == {'bash:{"command": "echo hi"}'}


async def test_direct_calls_get_hooks_confirmation_events_and_audit(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    human = Human("deny")
    session = session_for(fake_llm, tmp_path, confirmation=human)
    seen: list[AgentEvent] = []
    session.add_event_listener(seen.append)
    fired: list[str] = []
    session.register_hook("audit", "pre_tool_use", lambda _e, p: fired.append(p["tool"]))
    result = await session.tool_async("write", {"file_path": "a.txt", "content": "x"})
    assert result.is_error and "The user denied running 'write'" in result.output
    assert not (tmp_path / "a.txt").exists()
    assert fired == ["write"] and [r.tool_name for r in human.asked] == ["write"]
    kinds = [e.type for e in seen]
    assert kinds == ["tool_start", "confirmation_required", "confirmation_received", "tool_end"]
    assert session.audit[-1].decision == "deny" and session.audit[-1].tool == "write"


async def test_batch_inner_calls_meet_the_boundary_and_the_rules(
    fake_llm: FakeLLM, layout: tuple[Path, Path]
) -> None:
    ws, _ = layout
    policy = PermissionPolicy().allow("read").allow("batch").deny("read(src/secret*)")
    (ws / "src" / "secret.txt").write_text("s3cret\n")
    session = session_for(fake_llm, ws, permission_checker=policy)
    inner = [
        {"tool": "read", "args": {"file_path": "src/app.py"}},
        {"tool": "read", "args": {"file_path": "../outside/outside.txt"}},
        {"tool": "read", "args": {"file_path": "src/secret.txt"}},
    ]
    for result in (await session.tool_async("batch", {"invocations": inner}),):
        assert "x = 1" in result.output
        assert "private" not in result.output and "s3cret" not in result.output
        assert "1 of 3 calls succeeded" in result.output
    events = await turn(session, fake_llm, Turn.tool_call("batch", {"invocations": inner}), Turn.text("ok"))
    starts = [e.tool_id for e in events if isinstance(e, ToolStart)]
    assert [s.rsplit(".", 1)[-1] for s in starts[1:]] == ["1", "2", "3"]
    assert sum(isinstance(e, PermissionDenied) for e in events) == 2


# -- hooks fail closed -------------------------------------------------------------------------


async def test_a_pre_tool_use_hook_that_raises_blocks_the_call(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)

    def guard(_event: str, payload: dict[str, Any]) -> HookResult:
        return HookResult.block("no") if payload["args"].get("broken") else payload["missing"]

    session.register_hook("guard", "pre_tool_use", guard)
    events = await turn(
        session, fake_llm, Turn.tool_call("write", {"file_path": "a.txt", "content": "x"}), Turn.text("ok")
    )
    assert not (tmp_path / "a.txt").exists()
    end = next(e for e in events if isinstance(e, ToolEnd))
    assert end.exit_code == 1 and "hook guard raised KeyError" in end.output
    session.register_hook("guard", "pre_tool_use", guard, on_error="continue")
    await turn(
        session, fake_llm, Turn.tool_call("write", {"file_path": "a.txt", "content": "x"}), Turn.text("ok")
    )
    assert (tmp_path / "a.txt").read_text() == "x"


async def test_hook_modified_arguments_meet_the_boundary_again(
    fake_llm: FakeLLM, layout: tuple[Path, Path]
) -> None:
    ws, _ = layout
    session = session_for(fake_llm, ws)
    session.register_hook(
        "redirect",
        "pre_tool_use",
        lambda _e, p: HookResult.modify(args={"file_path": "../outside/outside.txt"}),
    )
    result = await session.tool_async("read", {"file_path": "src/app.py"})
    assert result.is_error and "outside the workspace" in result.output and "private" not in result.output


async def test_check_runs_nothing_and_fires_no_hook(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path, permission_checker=PermissionPolicy().allow("write"))
    fired: list[str] = []
    session.register_hook("h", "pre_tool_use", lambda _e, _p: fired.append("x"))
    decision = session.check("write", {"file_path": "a.txt", "content": "x"})
    assert isinstance(decision, Allow) and decision.rule == "write"
    assert not (tmp_path / "a.txt").exists() and fired == []
    unknown = session.check("nope", {})
    assert (
        isinstance(unknown, Deny) and unknown.stage == "arguments" and "Unknown tool: nope" in unknown.reason
    )
    invalid = session.check("read", {"path": "a"})
    assert isinstance(invalid, Deny) and "file_path: required argument is missing" in invalid.reason
    no_channel = session_for(fake_llm, tmp_path, permission_checker=PermissionPolicy()).check(
        "bash", {"command": "ls"}
    )
    assert (
        isinstance(no_channel, Deny)
        and no_channel.stage == "confirmation"
        and "allow = [" in no_channel.reason
    )


class Explodes:
    """A user-written permission checker with a bug."""

    def check(self, tool_name: str, args: dict[str, Any], workspace: Path) -> Any:
        raise ValueError("cannot decide")


async def test_a_failing_permission_checker_refuses_and_the_turn_goes_on(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = session_for(fake_llm, tmp_path, permission_checker=Explodes())
    events = await turn(
        session, fake_llm, Turn.tool_call("write", {"file_path": "a", "content": "x"}), Turn.text("ok")
    )
    assert not (tmp_path / "a").exists()
    assert "ValueError: cannot decide" in next(e for e in events if isinstance(e, ToolEnd)).output
    assert isinstance(events[-1], TurnEnd) and events[-1].stop_reason == "end_turn"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@e"
    root = tmp_path / "proj"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "i"], cwd=root, check=True, env=env)
    return root


async def test_git_worktree_list_and_status_do_not_ask_but_create_does(fake_llm: FakeLLM, repo: Path) -> None:
    human = Human("deny")
    session = session_for(fake_llm, repo, confirmation=human)
    assert not (await session.tool_async("git_worktree", {"command": "list"})).is_error
    assert not (await session.tool_async("git_worktree", {"command": "status"})).is_error
    assert human.asked == []
    assert isinstance(session.check("git_worktree", {"command": "create", "name": "feat-x"}), Ask)
    asks = PermissionPolicy().ask("git_worktree")
    asked = session_for(fake_llm, repo, confirmation=Human(), permission_checker=asks)
    assert isinstance(asked.check("git_worktree", {"command": "list"}), Ask)
    denied = session_for(fake_llm, repo, permission_checker=PermissionPolicy().deny("git_worktree"))
    assert isinstance(denied.check("git_worktree", {"command": "list"}), Deny)


# -- the kind, as properties -------------------------------------------------------------------

_SEGMENTS = st.sampled_from(
    ["..", ".", "src", "link_out", "app.py", "outside", "outside.txt", "~", "sub", ""]
)


def _inside(ws: Path, raw: str) -> bool:
    """The oracle: ``os.path.realpath`` of the path as the tools read it, compared with the workspace."""
    real = os.path.realpath(os.path.join(ws, os.path.expanduser(raw)))
    root = os.path.realpath(ws)
    return real == root or real.startswith(root + os.sep)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(_SEGMENTS, min_size=1, max_size=6), absolute=st.sampled_from(["", "ws", "outside"]))
def test_a_path_is_refused_exactly_when_it_resolves_outside(
    fake_llm: FakeLLM, layout: tuple[Path, Path], segments: list[str], absolute: str
) -> None:
    ws, outside = layout
    prefix = {"": "", "ws": f"{ws}/", "outside": f"{outside}/"}[absolute]
    raw = prefix + "/".join(segments)
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy("bypass"))
    decision = session.check("read", {"file_path": raw})
    assert (decision.stage == "boundary") == (not _inside(ws, raw)), (raw, decision)


_PATTERN_PARTS = st.sampled_from(
    ["..", "../..", ".", "src", "*", "**", "**/*", "*.txt", "{src,..}", "link_out", "outside", "[a-z]*", "~"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(_PATTERN_PARTS, min_size=1, max_size=4), lead=st.sampled_from(["", "./", "src/"]))
def test_a_glob_that_is_allowed_lists_only_files_inside(
    fake_llm: FakeLLM, layout: tuple[Path, Path], parts: list[str], lead: str
) -> None:
    """Whatever the pattern: either the boundary refuses it, or the real glob finds nothing outside."""
    ws, _ = layout
    session = session_for(fake_llm, ws, permission_checker=PermissionPolicy("bypass"))
    pattern = lead + "/".join(parts)
    if session.check("glob", {"pattern": pattern}).stage == "boundary":
        return
    result = session.tool("glob", {"pattern": pattern})
    listed = [] if result.is_error or result.output.startswith("No files") else result.output.split("\n\n")[0]
    for line in listed.splitlines() if listed else []:
        # A listed symlink is a name inside the workspace; what matters is the folder it was found in.
        assert _inside(ws, os.path.dirname(line) or "."), (pattern, line)
