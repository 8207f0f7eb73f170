"""Skills as users write them: Claude Code's tool names and list forms, its folder layout, the
seed's built-in names and tags, and built-ins that never forbid the change a prompt asks for."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a3s_code import Agent, SessionOptions
from a3s_code.permissions import AllowedTools
from a3s_code.skills import Skill, SkillError, SkillRegistry, builtin_skills, parse_skill
from tests.fakellm import FakeLLM, Turn

CLAUDE_TO_OURS = {
    "Read": "read",
    "Grep": "grep",
    "Glob": "glob",
    "LS": "ls",
    "Bash": "bash",
    "Edit": "edit",
    "MultiEdit": "edit",
    "Write": "write",
    "WebFetch": "web_fetch",
    "WebSearch": "web_search",
}
ARGS = {
    "read": {"file_path": "src/a.py"},
    "grep": {"pattern": "TODO", "path": "."},
    "glob": {"pattern": "**/*.py"},
    "ls": {"path": "."},
    "bash": {"command": "ls -la"},
    "edit": {"file_path": "src/a.py", "old_string": "a", "new_string": "b"},
    "write": {"file_path": "src/b.py", "content": "x"},
    "web_fetch": {"url": "https://example.com/"},
    "web_search": {"query": "python"},
}


def recase(name: str, style: int) -> str:
    return [name, name.lower(), name.upper(), name.swapcase()][style]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(CLAUDE_TO_OURS)), min_size=1, max_size=6, unique=True),
    st.sampled_from(["comma", "space", "list", "quoted", "mixed"]),
    st.integers(0, 3),
)
def test_any_claude_code_tool_list_permits_exactly_those_tools(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], form: str, style: int
) -> None:
    spelled = [recase(n, style) for n in names]
    value = {
        "comma": ", ".join(spelled),
        "space": " ".join(spelled),
        "list": "\n" + "".join(f"  - {n}\n" for n in spelled),
        "quoted": '"' + ", ".join(spelled) + '"',
        "mixed": ",  ".join(" ".join(spelled[i : i + 2]) for i in range(0, len(spelled), 2)),
    }[form]
    skill = parse_skill(f"---\nname: s\ndescription: d\nallowed-tools: {value}\n---\nbody\n")
    allowed = AllowedTools(skill.allowed_rules)
    workspace = tmp_path_factory.getbasetemp()
    wanted = {CLAUDE_TO_OURS[n] for n in names}
    for tool, args in ARGS.items():
        assert allowed.permits(tool, args, workspace) == (tool in wanted), (value, tool)


def test_patterns_survive_the_space_separated_form(tmp_path: Path) -> None:
    skill = parse_skill("---\nname: s\ndescription: d\nallowed-tools: Read Bash(git diff:*) Grep\n---\nb\n")
    assert skill.allowed_rules == ["Read", "Bash(git diff:*)", "Grep"]
    allowed = AllowedTools(skill.allowed_rules)
    assert allowed.permits("bash", {"command": "git diff HEAD~1"}, tmp_path)
    assert not allowed.permits("bash", {"command": "rm -rf build"}, tmp_path)
    spaced = parse_skill("---\nname: s\ndescription: d\nallowed-tools: Bash (git status), Read\n---\nb\n")
    assert spaced.allowed_rules == ["Bash(git status)", "Read"]
    with pytest.raises(SkillError, match=r"'\(' without '\)'"):
        parse_skill("---\nname: s\ndescription: d\nallowed-tools: Read(*.py\n---\nb\n")


def test_the_built_ins_are_the_seeds_seven_with_its_tags(tmp_path: Path) -> None:
    skills = {s.name: s for s in builtin_skills()}
    assert sorted(skills) == sorted(
        [
            "code-search",
            "code-review",
            "explain-code",
            "find-bugs",
            "builtin-tools",
            "delegate-task",
            "find-skills",
        ]
    )
    assert {"bugs", "security"} <= set(skills["find-bugs"].tags)
    assert "explain" in skills["explain-code"].tags
    search = AllowedTools(skills["code-search"].allowed_rules)
    assert all(search.permits(t, ARGS[t], tmp_path) for t in ("read", "grep", "glob"))
    assert not search.permits("write", ARGS["write"], tmp_path)
    delegate = AllowedTools(skills["delegate-task"].allowed_rules)
    task = {"agent": "explore", "description": "d", "prompt": "p"}
    assert delegate.permits("task", task, tmp_path) and not delegate.permits("write", ARGS["write"], tmp_path)
    assert skills["builtin-tools"].allowed_tools is None
    assert "web_search" in skills["builtin-tools"].content


def test_a_prompt_asking_for_a_change_never_switches_on_a_skill_that_only_reads() -> None:
    registry = SkillRegistry()
    registry.load_builtin()
    assert "find-bugs" in [s.name for s in registry.select("find bugs and security holes in auth.py")]
    for prompt in (
        "fix the bugs in auth.py",
        "Fix this security bug",
        "refactor and rename the buggy parser",
    ):
        assert "find-bugs" not in [s.name for s in registry.select(prompt)], prompt


def write_claude_layout(root: Path) -> None:
    pdf = root / "pdf-forms"
    (pdf / "scripts").mkdir(parents=True)
    (pdf / "SKILL.md").write_text(
        "---\ndescription: Fill in PDF forms from a JSON file of field values\n"
        "allowed-tools: Read Grep Glob\nlicense: Apache-2.0\n---\n"
        "# PDF forms\n\nRead reference.md for the field names, then run scripts/fill.py.\n",
        encoding="utf-8",
    )
    (pdf / "reference.md").write_text("field names: name, date\n")
    (pdf / "scripts" / "fill.py").write_text("print('fill')\n")
    (pdf / ".cache").mkdir()
    (pdf / ".cache" / "x").write_text("hidden\n")
    nested = root / "writing" / "changelog-writer"
    nested.mkdir(parents=True)
    (nested / "SKILL.md").write_text(
        "---\nname: changelog\ndescription: Write changelog entries\n---\nKeep a Changelog.\n"
    )
    (root / "README.md").write_text("# My skills\n\nThese are my skills.\n")


def test_a_claude_code_skills_folder_loads_with_its_supporting_files(tmp_path: Path) -> None:
    write_claude_layout(tmp_path)
    registry = SkillRegistry()
    assert registry.load_dir(tmp_path) == 2
    assert registry.warnings == []
    pdf = registry.get("pdf-forms")
    assert pdf is not None and pdf.base_dir == str(tmp_path / "pdf-forms")
    assert pdf.resources == ("reference.md", "scripts/fill.py")
    assert pdf.allowed_rules == ["Read", "Grep", "Glob"] and pdf.extra == {"license": "Apache-2.0"}
    assert registry.list() == ["changelog", "pdf-forms"]


async def test_a_claude_code_skill_guides_the_turn_and_its_tool_list_is_enforced(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    skills = tmp_path / ".claude" / "skills"
    write_claude_layout(skills)
    fake_llm.add(
        Turn.tool_call("read", {"file_path": ".claude/skills/pdf-forms/reference.md"}),
        Turn.tool_call("bash", {"command": "python .claude/skills/pdf-forms/scripts/fill.py"}),
        Turn.text("The fields are name and date."),
    )
    session = Agent(fake_llm.config()).session(tmp_path, SessionOptions().with_skills_from_dir(str(skills)))
    result = await session.send_async("Fill in the PDF forms from values.json")
    system = fake_llm.requests[0]["system"][0]["text"]
    assert "### pdf-forms: Fill in PDF forms from a JSON file of field values" in system
    assert f"(Skill folder: {skills / 'pdf-forms'}; its files: reference.md, scripts/fill.py)" in system
    assert [c.exit_code for c in result.tool_calls] == [0, 1]
    assert "field names: name, date" in result.tool_calls[0].output
    assert "outside the allowed tools of the active skill(s) pdf-forms" in result.tool_calls[1].output


class NoBashSkills:
    """A host's validator: refuses any skill that may run shell commands."""

    def validate(self, skill: Skill) -> None:
        if any(r.lower().startswith("bash") for r in skill.allowed_rules):
            raise SkillError(f"{skill.name}: skills here may not run bash")


def test_a_replacement_validator_decides_which_skills_load(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text("---\nname: ok\ndescription: d\nallowed-tools: Read\n---\nb\n")
    (tmp_path / "shell.md").write_text(
        "---\nname: shell\ndescription: d\nallowed-tools: Read, Bash\n---\nb\n"
    )
    registry = SkillRegistry(validator=NoBashSkills())
    assert registry.load_dir(tmp_path) == 1 and registry.list() == ["ok"]
    assert registry.warnings == [
        f"skipped skill {tmp_path / 'shell.md'}: shell: skills here may not run bash"
    ]
    default = SkillRegistry()
    with pytest.raises(SkillError, match="must be one word"):
        default.register(Skill(name="two words", description="d", content="c"))
