"""Every ```python block of the docs runs as a script against the fake LLM and shows its effect.

A sample is matched to its spec by a marker (a piece of its code). Samples on a page that says
they "continue from the quick start" get the same three lines in front of them (``PRELUDE``).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.docs.blocks import ROOT, Block, all_blocks
from tests.docs.samples import MCP_SERVERS, free_port, run, workspace
from tests.fakellm import FakeLLM, Turn
from tests.mcpservers.good import PNG

PROMISE = "The Python samples continue from the [quick start](quickstart.md)"
PRELUDE = 'from a3s_code import Agent, SessionOptions\nagent = Agent()\nsession = agent.session(".")\n'


@dataclass(frozen=True)
class Spec:
    page: str
    marker: str
    expect: tuple[str, ...] = ()
    """Each must appear in the sample's stdout."""
    prelude: bool = False
    files: dict[str, str | bytes] = field(default_factory=dict)
    after: str = ""
    """Python run after the sample in the same process: asserts effects the sample does not print."""
    in_request: tuple[str, ...] = ()
    """Each must appear in some request the model received."""
    mcp_http: bool = False
    """Serve tests/mcpservers/good.py over streamable HTTP where the sample says 127.0.0.1:8000."""
    script: Callable[[FakeLLM], None] | None = None
    """What the model answers; default: "Sample answer." to every request."""


def planner(fake: FakeLLM) -> None:
    """A model that plans, sets the goal and judges it achieved, answering each by its system prompt."""
    from a3s_code.planning.planner import CHECK_SYSTEM, GOAL_SYSTEM, PLAN_SYSTEM

    steps = [
        {"id": "validate", "description": "Validate the signup form"},
        {"id": "tests", "description": "Test it"},
    ]
    replies = {
        PLAN_SYSTEM: {"goal": "Signup input is validated", "steps": steps},
        GOAL_SYSTEM: {"description": "Signup input is validated", "success_criteria": ["tests pass"]},
        CHECK_SYSTEM: {"achieved": True, "progress": 1.0, "remaining_criteria": []},
    }

    def answer(body: dict[str, Any]) -> Turn:
        for system, reply in replies.items():
            if system.splitlines()[0] in json.dumps(body.get("system")):
                return Turn.text(json.dumps(reply))
        return Turn.text("Sample answer.")

    fake.add(*[answer] * 12)


GOOD = (MCP_SERVERS / "good.py").read_text()
SPECS = [
    Spec(
        "README.md",
        'SessionOptions(role="You are a Python expert")',
        expect=("Sample answer.",),
        in_request=("You are a Python expert",),
    ),
    Spec("docs/quickstart.md", "agent = Agent()  # discovery", expect=("Sample answer.",)),
    Spec(
        "docs/python-api.md",
        "builtin_skills=True",
        expect=("Sample answer.", "agent.hcl", "$"),
    ),
    Spec(
        "docs/python-api.md",
        'SessionOptions(roots=["backend"])',
        files={"frontend/f.py": "front = 1\n", "backend/b.py": "API = 'v2'\n", "shared/s.py": ""},
        expect=("API = 'v2'", "['frontend', 'shared']"),
        after="assert session.tool('read', {'file_path': '../backend/b.py'}).is_error\n",
    ),
    Spec(
        "docs/security.md",
        "decision = session.check(tool, args)",
        expect=(
            "deny boundary - path '../elsewhere",
            "deny boundary - pattern",
            "allow rules",
            "deny rules",
            "ask rules",
        ),
    ),
    Spec(
        "docs/state-and-extensions.md",
        'add_mcp_server("calc"',
        prelude=True,
        files={"calc_server.py": GOOD, "notes_server.py": GOOD},
        mcp_http=True,
        expect=("'state': 'running'", "'transport': 'stdio'"),
        after=(
            "names = session.tool_names()\n"
            "assert count == 4, count\n"
            "assert 'mcp__calc__add' not in names, names\n"
            "assert {'mcp__docs__add', 'mcp__notes__shout'} <= set(names), names\n"
            "assert session.tool('mcp__notes__add', {'a': 2, 'b': 3}).output.strip() == '5'\n"
        ),
    ),
    Spec(
        "docs/state-and-extensions.md",
        "index = ToolIndex(ToolSearchConfig())",
        expect=("['mcp__github__create_issue']",),
    ),
    Spec(
        "docs/state-and-extensions.md",
        "with_file_session_store",
        prelude=True,
        after=(
            "from pathlib import Path\n"
            "assert again.session_id == session.session_id\n"
            "assert Path('sessions', session.session_id + '.json').is_file()\n"
        ),
    ),
    Spec(
        "docs/state-and-extensions.md",
        "with_file_memory",
        prelude=True,
        expect=("fix the flaky parser test",),
        after="from pathlib import Path\nassert (Path('memory') / 'index.json').is_file()\n",
    ),
    Spec(
        "docs/state-and-extensions.md",
        "class Glossary",
        prelude=True,
        files={"auth.md": "Logins are signed in auth.py with the key from the environment.\n"},
        expect=("Sample answer.",),
        in_request=("Logins are signed JWTs (HS256).", "Logins are signed in auth.py"),
    ),
    Spec(
        "docs/state-and-extensions.md",
        "send_with_attachments",
        prelude=True,
        files={"shot.png": PNG},
        expect=("Sample answer.\nSample answer.",),
        in_request=('"media_type": "image/png"',),
    ),
    Spec(
        "docs/security.md",
        'policy.check("bash", {"command": command}',
        expect=(
            "git status 2>/dev/null -> allow",
            "bash -lc 'rm -fr build' -> deny",
            "find . -exec rm -rf {} + -> deny",
            "refused in every mode (guardrail): rm -r on ~",
        ),
    ),
    Spec(
        "docs/security.md",
        "with_sandbox(SandboxConfig(",
        expect=("sandbox: bubblewrap, network off, 512 MB", "'/etc/x': Read-only file system", "kept"),
        after="from pathlib import Path\nassert Path('note.txt').read_text() == 'kept\\n'\n",
    ),
    Spec(
        "docs/files.md",
        'session.tool("patch", {"diff": patch})',
        files={"notes.txt": "first draft\n"},
        expect=(
            "Refused to overwrite notes.txt: you have not read it",
            "Applied the patch:\nM notes.txt\nA todo.txt",
        ),
        after=(
            "from pathlib import Path\n"
            "assert Path('notes.txt').read_text() == 'second draft\\n'\n"
            "assert Path('todo.txt').read_text() == 'ship it\\n'\n"
        ),
    ),
    Spec(
        "docs/planning.md",
        "with_planning(True).with_goal_tracking(True)",
        script=planner,
        expect=("'type': 'planning_end'", "'type': 'step_start'", "'type': 'goal_achieved'", "Signup input"),
    ),
    Spec(
        "docs/state-and-extensions.md",
        "class Redactor:",
        expect=(
            "SecurityProvider: [redacted] answer.",
            "PermissionChecker: ",
            "no web here",
            "ConfirmationProvider: True",
            "ContextProvider: True",
            "EmbeddingProvider, VectorStore: True 1",
            "SessionStore: True",
            "MemoryStore: 1",
            "Tool: rolled 20",
            "Planner: ['one']",
            "HookHandler: ",
            "no rm",
            "HookExecutor: ['session_start', 'pre_prompt']",
            "SessionCommand: 1",
            "SkillScorer: ['house-style']",
            "BashSandbox: would run: rm -rf /",
            "LlmClient: canned",
            "SkillValidator: a-much-longer-name: names here are at most 12 characters",
            "HttpClient: 1. Recorded page",
        ),
    ),
]

EXTERNAL = {
    ("docs/teams.md", "runner = TeamRunner(team)"): "tests/engine/test_team_docs.py",
    ("docs/teams.md", "board = team.task_board()"): "tests/engine/test_team_docs.py",
    ("docs/teams.md", "team = redis_team("): "tests/redis/test_team.py",
}
"""Samples another test already runs with a scripted model of their own."""


def spec_for(block: Block) -> Spec | None:
    found = [s for s in SPECS if s.page == block.page and s.marker in block.code]
    return found[0] if len(found) == 1 else None


def claims(block: Block) -> bool:
    external = any(page == block.page and marker in block.code for page, marker in EXTERNAL)
    return block.lang == "python" and (spec_for(block) is not None or external)


BLOCKS = [b for b in all_blocks("python") if spec_for(b) is not None]


def test_every_spec_matches_one_sample() -> None:
    blocks = all_blocks("python")
    for spec in SPECS:
        matching = [b.where for b in blocks if b.page == spec.page and spec.marker in b.code]
        assert len(matching) == 1, f"{spec.page}: marker {spec.marker!r} matches {matching}"
    for spec in SPECS:
        if spec.prelude:  # the page must tell the reader what the sample continues from
            assert PROMISE in (ROOT / spec.page).read_text(), f"{spec.page} does not say: {PROMISE}"
    for (page, marker), test in EXTERNAL.items():
        assert [b for b in blocks if b.page == page and marker in b.code], f"{page}: {marker!r} not found"
        assert Path(page).name in (ROOT / test).read_text(), f"{test} does not read {page}"


@pytest.fixture
def http_mcp() -> Iterator[int]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(MCP_SERVERS / "good.py"), "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize("block", BLOCKS, ids=[b.where for b in BLOCKS])
def test_python_sample_runs(
    block: Block, fake_llm_thread: FakeLLM, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    spec = spec_for(block)
    assert spec is not None
    if spec.script is not None:
        spec.script(fake_llm_thread)
    else:
        fake_llm_thread.add(*[Turn.text("Sample answer.") for _ in range(6)])
    root = workspace(tmp_path, fake_llm_thread)
    for name, content in spec.files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content)
    code = block.code
    if spec.mcp_http:
        port = request.getfixturevalue("http_mcp")
        code = code.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    script = (PRELUDE if spec.prelude else "") + code + spec.after
    (root / "sample.py").write_text(script)
    done = run(["python", "sample.py"], root)
    assert done.returncode == 0, f"{block.where} failed:\n{done.stderr[-3000:]}"
    for text in spec.expect:
        assert text in done.stdout, f"{block.where}: {text!r} not in output:\n{done.stdout}"
    sent = json.dumps(fake_llm_thread.requests)
    for text in spec.in_request:
        assert text in sent, f"{block.where}: the model never saw {text!r}"


def test_python_is_on_path() -> None:
    """Samples say ``python`` (not ``sys.executable``): the venv's interpreter is what they get."""
    assert shutil.which("python", path=str(Path(sys.executable).parent)) is not None
