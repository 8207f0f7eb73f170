"""Skills: the built-ins, folders with bad files, per-turn selection, and allowed-tools enforced."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent, SessionOptions
from a3s_code.permissions import AllowedTools
from a3s_code.skills import SkillRegistry, builtin_skills
from tests.fakellm import FakeLLM, Turn

RUST_ONLY = """---
name: rust-reader
description: Read and summarise Rust source files
allowed-tools: "read(*.rs), grep(*)"
kind: instruction
tags: [rust, summarise]
version: 1.0.0
---
Summarise Rust modules: their public types first.
"""


def test_seven_builtin_skills_four_instruction_three_tool() -> None:
    skills = builtin_skills()
    assert len(skills) == 7
    assert sorted(s.kind for s in skills) == ["instruction"] * 4 + ["tool"] * 3
    assert all(s.description and s.content for s in skills)


def test_bad_skill_files_are_reported_with_their_path_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(RUST_ONLY)
    (tmp_path / "no_front.md").write_text("# just markdown\n")
    (tmp_path / "bad_yaml.md").write_text("---\nname: [unclosed\n---\nbody\n")
    (tmp_path / "no_description.md").write_text("---\nname: quiet\n---\n\n# Only a heading\n")
    (tmp_path / "bad_rule.md").write_text(
        "---\nname: r\ndescription: x\nallowed-tools: read(*.rs, grep\n---\nb\n"
    )
    (tmp_path / "bad_kind.md").write_text("---\nname: k\ndescription: x\nkind: robot\n---\nb\n")
    registry = SkillRegistry()
    assert registry.load_dir(tmp_path) == 1
    assert [s.name for s in registry.all()] == ["rust-reader"]
    assert len(registry.warnings) == 5
    for name in ("no_front.md", "bad_yaml.md", "no_description.md", "bad_rule.md", "bad_kind.md"):
        assert any(name in w for w in registry.warnings)
    assert any("'(' without ')'" in w for w in registry.warnings)


def test_allowed_tools_uses_the_permission_matcher(tmp_path: Path) -> None:
    allowed = AllowedTools.parse("read(*.rs), grep(*)")
    assert allowed.permits("read", {"file_path": "lib.rs"}, tmp_path)
    assert not allowed.permits("read", {"file_path": "main.py"}, tmp_path)
    assert allowed.permits("grep", {"pattern": "fn "}, tmp_path)
    assert not allowed.permits("bash", {"command": "ls"}, tmp_path)


async def test_a_relevant_skill_is_injected_and_restricts_tools(fake_llm: FakeLLM, tmp_path: Path) -> None:
    skills = tmp_path / "skills"
    skills.mkdir()
    (skills / "rust.md").write_text(RUST_ONLY)
    (tmp_path / "lib.rs").write_text("pub struct Parser;\n")
    (tmp_path / "notes.py").write_text("x = 1\n")
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "lib.rs"}),
        Turn.tool_call("read", {"file_path": "notes.py"}),
        Turn.tool_call("bash", {"command": "cat notes.py"}),
        Turn.text("Parser is the only public type."),
    )
    session = Agent(fake_llm.config()).session(tmp_path, SessionOptions().with_skills_from_dir(str(skills)))
    result = await session.send_async("Summarise the rust modules here")
    system = fake_llm.requests[0]["system"][0]["text"]
    assert "## Active skills" in system and "Summarise Rust modules" in system
    codes = [c.exit_code for c in result.tool_calls]
    assert codes == [0, 1, 1]
    assert "outside the allowed tools of the active skill(s) rust-reader" in result.tool_calls[1].output
    assert "pub struct Parser" in result.tool_calls[0].output

    fake_llm.add(Turn.tool_call("bash", {"command": "echo free"}), Turn.text("ok"))
    unrelated = await session.send_async("what is the weather like")
    assert "## Active skills" not in fake_llm.requests[-1]["system"][0]["text"]
    assert unrelated.tool_calls[0].output == "free"


async def test_manual_only_skills_are_never_chosen_automatically(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "deploy.md").write_text(
        "---\nname: deploy\ndescription: Deploy the service to production\ndisable-model-invocation: true\n---\nRun make deploy.\n"
    )
    fake_llm.add(Turn.text("a"), Turn.text("b"))
    session = Agent(fake_llm.config()).session(tmp_path, SessionOptions(skill_dirs=[str(tmp_path)]))
    await session.send_async("deploy the service to production")
    assert "Run make deploy." not in fake_llm.requests[0]["system"][0]["text"]
    assert session.load_skill("deploy") is True
    await session.send_async("go on")
    assert "Run make deploy." in fake_llm.requests[1]["system"][0]["text"]
