"""The task tool: sub-agents from agent_dirs with their own prompt, model, tools and step limit."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent, SessionOptions
from a3s_code.events import SubagentEnd, SubagentEvent, SubagentStart, ToolEnd
from a3s_code.subagents import AgentRegistry, builtin_agents
from tests.fakellm import FakeLLM, Turn

AUDITOR = """---
name: auditor
description: Reads Python files and reports risky code
model: anthropic/claude-haiku-4-5
tools: [read, grep]
max_steps: 3
---
You audit Python code for risky calls such as eval. Quote the line you found.
"""


def agents_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "auditor.md").write_text(AUDITOR)
    return folder


def test_builtin_agents_explore_plan_general() -> None:
    agents = {a.name: a for a in builtin_agents()}
    assert set(agents) == {"explore", "general", "plan"}
    assert (agents["explore"].max_steps, agents["explore"].allowed_tools) == (20, "read, grep, glob, ls")
    assert (agents["plan"].max_steps, agents["plan"].allowed_tools) == (30, "read, grep, glob")
    assert (agents["general"].max_steps, agents["general"].allowed_tools) == (50, None)


def test_bad_agent_files_are_reported_with_their_path_and_skipped(tmp_path: Path) -> None:
    folder = agents_dir(tmp_path)
    (folder / "no_front.md").write_text("just text\n")
    (folder / "bad_steps.md").write_text("---\nname: x\ndescription: d\nmax_steps: lots\n---\nbody\n")
    (folder / "bad_tools.md").write_text("---\nname: y\ndescription: d\ntools: 'read(('\n---\nbody\n")
    (folder / "typo.md").write_text("---\nname: z\ndescription: d\nmax_step: 3\n---\nbody\n")
    registry = AgentRegistry()
    assert registry.load_dir(folder) == 1
    assert registry.names() == ["auditor"]
    assert len(registry.warnings) == 4
    for name in ("no_front.md", "bad_steps.md", "bad_tools.md", "typo.md"):
        assert any(str(folder / name) in w for w in registry.warnings)
    assert any("max_step" in w and "unknown key" in w for w in registry.warnings)


async def test_task_runs_the_child_with_its_prompt_model_and_tools(fake_llm: FakeLLM, tmp_path: Path) -> None:
    folder = agents_dir(tmp_path)
    (tmp_path / "app.py").write_text("result = eval(user_input)\n")
    fake_llm.add(
        Turn.tool_call(
            "task", {"agent": "auditor", "description": "audit app.py", "prompt": "Audit app.py for eval"}
        ),
        Turn.tool_call("read", {"file_path": "app.py"}),
        Turn.tool_call("bash", {"command": "rm -rf /"}),
        Turn.text("app.py line 1 calls eval on user input."),
        Turn.text("The auditor found an eval on user input in app.py."),
    )
    agent = Agent(fake_llm.config(extra=f'agent_dirs = ["{folder}"]\n'))
    session = agent.session(tmp_path)
    events = [e async for e in session.stream_async("Is app.py safe?")]

    child_requests = fake_llm.requests[1:4]
    assert {r["model"] for r in child_requests} == {"claude-haiku-4-5"}
    assert fake_llm.requests[0]["model"] == fake_llm.requests[4]["model"] == "claude-sonnet-4-20250514"
    child_system = child_requests[0]["system"][0]["text"]
    assert "You audit Python code for risky calls" in child_system
    assert "'auditor' agent" in child_system
    assert sorted(t["name"] for t in child_requests[0]["tools"]) == ["grep", "read"]
    assert child_requests[0]["messages"][0]["content"][0]["text"] == "Audit app.py for eval"

    start = next(e for e in events if isinstance(e, SubagentStart))
    assert (start.agent, start.description, start.max_steps) == ("auditor", "audit app.py", 3)
    inner = [e.event for e in events if isinstance(e, SubagentEvent)]
    ends = [e for e in inner if isinstance(e, ToolEnd)]
    assert [(e.tool_name, e.exit_code) for e in ends] == [("read", 0), ("bash", 1)]
    assert "eval(user_input)" in ends[0].output
    # The child was never given bash: the pipeline's first stage says so, naming what it has.
    assert ends[1].output == "Unknown tool: bash. Available tools: grep, read"
    assert [e.type for e in inner][-1] == "turn_end"
    end = next(e for e in events if isinstance(e, SubagentEnd))
    assert end.success and end.output == "app.py line 1 calls eval on user input."
    parent_end = [e for e in events if isinstance(e, ToolEnd)][-1]
    assert parent_end.tool_name == "task" and parent_end.exit_code == 0
    assert parent_end.output == "app.py line 1 calls eval on user input."
    assert parent_end.metadata["agent"] == "auditor"
    assert events[-1].type == "turn_end"
    assert session.usage.total_tokens == 5 * 120  # the child's three calls count to the parent


async def test_the_step_limit_stops_the_child(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    fake_llm.add(
        Turn.tool_call("task", {"agent": "explore", "description": "look", "prompt": "look", "max_steps": 2}),
        *[Turn.tool_call("ls", {"path": "."}) for _ in range(3)],
        Turn.text("The helper ran out of steps."),
    )
    session = Agent(fake_llm.config()).session(tmp_path)
    result = await session.send_async("look around")
    task_call = result.tool_calls[0]
    assert task_call.name == "task" and task_call.exit_code == 1
    assert "stopped: max_tool_rounds" in task_call.output
    assert result.text == "The helper ran out of steps."


async def test_children_cannot_delegate_and_unknown_agents_are_listed(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "broken.md").write_text("no frontmatter\n")
    fake_llm.add(
        Turn.tool_call("task", {"agent": "nobody", "description": "x", "prompt": "x"}),
        Turn.tool_call("task", {"agent": "general", "description": "x", "prompt": "x"}),
        Turn.text("child done"),
        Turn.text("done"),
    )
    options = SessionOptions(agent_dirs=[str(tmp_path / "agents")])
    result = await Agent(fake_llm.config()).session(tmp_path, options).send_async("go")
    unknown = result.tool_calls[0].output
    assert "Unknown agent: nobody. Available agents: explore, general, plan" in unknown
    assert f"skipped agent {tmp_path / 'agents' / 'broken.md'}" in unknown
    child_tools = {t["name"] for t in fake_llm.requests[2]["tools"]}
    assert "task" not in child_tools and {"bash", "write", "read"} <= child_tools
    assert [e.exit_code for e in result.tool_calls] == [1, 0]


async def test_the_child_asks_for_its_own_risky_calls(fake_llm: FakeLLM, tmp_path: Path) -> None:
    from a3s_code.permissions import PermissionPolicy

    asked: list[str] = []

    class Human:
        async def confirm(self, request: object) -> str:
            asked.append(getattr(request, "tool_name", ""))
            return "deny"

    fake_llm.add(
        Turn.tool_call("task", {"agent": "general", "description": "clean", "prompt": "clean up"}),
        Turn.tool_call("bash", {"command": "rm -rf build"}),
        Turn.text("I was not allowed to delete build/."),
        Turn.text("The helper could not clean up."),
    )
    options = SessionOptions(confirmation=Human(), permission_checker=PermissionPolicy.interactive_default())
    result = await Agent(fake_llm.config()).session(tmp_path, options).send_async("tidy")
    assert asked == ["bash"]  # not the task call itself: the child's bash was asked about, and refused
    assert result.tool_calls[0].output == "I was not allowed to delete build/."
    assert result.text == "The helper could not clean up."

    fake_llm.add(
        Turn.tool_call("task", {"agent": "general", "description": "x", "prompt": "x"}), Turn.text("ok")
    )
    denied = SessionOptions(permission_checker=PermissionPolicy.from_config(deny=["task"]))
    blocked = await Agent(fake_llm.config()).session(tmp_path, denied).send_async("go")
    assert blocked.tool_calls[0].exit_code == 1 and "denied by rule task" in blocked.tool_calls[0].output


async def test_direct_task_calls_work_without_a_turn(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("nothing here"))
    session = Agent(fake_llm.config()).session(tmp_path)
    out = await session.tool_async("task", {"agent": "plan", "description": "p", "prompt": "plan it"})
    assert out.output == "nothing here" and not out.is_error
    assert out.metadata["agent"] == "plan"


def test_the_cli_shows_child_tools_indented_under_the_task() -> None:
    import io

    from a3s_code.cli.render import Renderer
    from a3s_code.events import ToolStart
    from a3s_code.messages import Usage

    out = io.StringIO()
    renderer = Renderer(out, color=False)
    for event in (
        SubagentStart(task_id="t", agent="explore", description="find auth", session_id="s", max_steps=20),
        SubagentEvent(
            task_id="t",
            agent="explore",
            event=ToolStart(tool_id="1", tool_name="grep", args={"pattern": "login"}),
        ),
        SubagentEnd(
            task_id="t",
            agent="explore",
            success=True,
            stop_reason="end_turn",
            output="x",
            tool_calls=1,
            usage=Usage(),
            cost_usd=0.0,
        ),
    ):
        renderer.event(event)
    assert out.getvalue() == "  ↳ explore: find auth\n    ⚙ grep login\n  ✓ explore (1 tool call(s))\n"
