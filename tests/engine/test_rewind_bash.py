"""Files a ``bash`` call changed are checkpointed, so rewind puts them back (``shellwatch``)."""

from __future__ import annotations

import asyncio
import hashlib
import shlex
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import Agent, SessionOptions, SessionQueueConfig
from a3s_code.events import AgentEvent, ExternalTaskPending
from a3s_code.sandbox import SandboxConfig
from a3s_code.shellwatch import read_only
from tests.engine.sandbox.helpers import needs_bwrap
from tests.engine.test_rewind import CONFIG, session_for, tree
from tests.fakellm import FakeLLM, Turn

EDITED = "caf\xe9 = 1\r\nx = 2\r\n".encode("latin-1")  # Latin-1 and CRLF: bytes, not text, come back
DELETED = b"\xff\xfe binary \x00 bytes\n"
SCRIPT = "printf 'x = 3\\r\\n' >> edited.py && printf '\\xe9t\\xe9\\r\\n' > created.txt && rm gone.bin"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "t")
    git(root, "config", "core.autocrlf", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "start")


def git_state(root: Path) -> dict[str, bytes]:
    """What a user's git holds that a checkpoint must never touch: index, HEAD, refs."""
    found = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in (root / ".git" / "refs").rglob("*")
        if p.is_file()
    }
    for name in ("index", "HEAD"):
        found[name] = (root / ".git" / name).read_bytes()
    return found


@pytest.mark.parametrize("kind", ["git", "plain", "git-dirty"])
async def test_rewind_puts_back_what_bash_edited_created_and_deleted(
    fake_llm: FakeLLM, tmp_path: Path, kind: str
) -> None:
    (tmp_path / "edited.py").write_bytes(EDITED)
    (tmp_path / "gone.bin").write_bytes(DELETED)
    (tmp_path / "kept.txt").write_text("untouched\n")
    if kind != "plain":
        make_repo(tmp_path)
    if kind == "git-dirty":  # uncommitted changes: the content store, not the index, has them
        (tmp_path / "edited.py").write_bytes(EDITED + b"# dirty\r\n")
        (tmp_path / "gone.bin").write_bytes(DELETED + b"\x80 dirty")
    start = tree(tmp_path)
    repo = git_state(tmp_path) if kind != "plain" else {}
    fake_llm.add(Turn.tool_call("bash", {"command": SCRIPT}), Turn.text("done"))
    session = session_for(fake_llm, tmp_path)
    await session.send_async("change the files with the shell")
    assert (tmp_path / "created.txt").read_bytes() == b"\xe9t\xe9\r\n" and not (
        tmp_path / "gone.bin"
    ).exists()

    (record,) = session.checkpoints.turns
    assert sorted(session.relative_path(p) for p in record.files) == ["created.txt", "edited.py", "gone.bin"]
    report = await session.rewind_async(1)
    assert sorted(report.restored) == ["created.txt", "edited.py", "gone.bin"]
    assert not report.conflicts and not report.failed
    assert tree(tmp_path) == start
    if kind != "plain":
        assert git_state(tmp_path) == repo  # index, HEAD and refs as they were


async def test_a_file_the_user_changed_after_bash_is_reported_and_left_alone(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "edited.py").write_bytes(EDITED)
    (tmp_path / "gone.bin").write_bytes(DELETED)
    make_repo(tmp_path)
    fake_llm.add(Turn.tool_call("bash", {"command": SCRIPT}), Turn.text("done"))
    session = session_for(fake_llm, tmp_path)
    await session.send_async("shell")
    (tmp_path / "edited.py").write_bytes(b"the user's own text\n")
    report = await session.rewind_async(1)
    assert report.conflicts == ["edited.py"] and sorted(report.restored) == ["created.txt", "gone.bin"]
    assert (tmp_path / "edited.py").read_bytes() == b"the user's own text\n"
    assert (tmp_path / "gone.bin").read_bytes() == DELETED and not (tmp_path / "created.txt").exists()


async def test_a_before_state_that_was_not_kept_is_reported_as_not_restorable(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "big.log").write_bytes(b"x" * 4096)
    (tmp_path / "small.txt").write_text("small\n")
    fake_llm.add(
        Turn.tool_call("bash", {"command": "echo more >> big.log && echo more >> small.txt"}),
        Turn.text("done"),
    )
    options = SessionOptions(llm_max_retries=0).with_checkpoints(max_file_bytes=1024)
    session = Agent(fake_llm.config("anthropic", "claude-sonnet-4-20250514")).session(tmp_path, options)
    await session.send_async("append")
    report = await session.rewind_async(1, conversation=False)
    assert report.restored == ["small.txt"] and (tmp_path / "small.txt").read_text() == "small\n"
    assert list(report.failed) == ["big.log"] and "cannot be restored" in report.failed["big.log"]
    assert (tmp_path / "big.log").read_bytes().endswith(b"more\n")  # left as bash made it


async def test_a_command_an_external_worker_ran_is_checkpointed(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "edited.py").write_bytes(EDITED)
    (tmp_path / "gone.bin").write_bytes(DELETED)
    start = tree(tmp_path)
    fake_llm.add(Turn.tool_call("bash", {"command": SCRIPT}), Turn.text("done"))
    session = session_for(fake_llm, tmp_path)
    session.set_lane_handler("execute", "external", timeout_ms=10_000)

    def worker(event: AgentEvent) -> None:  # a worker process sharing the workspace, in-process here
        if isinstance(event, ExternalTaskPending):
            (task,) = session.pending_external_tasks()
            ran = subprocess.run(["bash", "-c", task["payload"]["command"]], cwd=tmp_path, check=False)
            assert session.complete_external_task(
                event.task_id, True, {"output": "", "exit_code": ran.returncode}
            )

    session.queue.observers.append(worker)
    await session.send_async("shell, elsewhere")
    assert (tmp_path / "created.txt").exists()
    report = await session.rewind_async(1)
    assert sorted(report.restored) == ["created.txt", "edited.py", "gone.bin"]
    assert tree(tmp_path) == start


async def test_checkpoints_of_bash_changes_survive_save_and_resume(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "edited.py").write_bytes(EDITED)
    (tmp_path / "gone.bin").write_bytes(DELETED)
    start = tree(tmp_path)
    fake_llm.add(Turn.tool_call("bash", {"command": SCRIPT}), Turn.text("done"))
    store = str(tmp_path / ".sessions")
    session = session_for(fake_llm, tmp_path, session_store_dir=store)
    await session.send_async("shell")
    await session.save_async()
    resumed = Agent(fake_llm.config("anthropic", "claude-sonnet-4-20250514")).resume_session(
        session.session_id, SessionOptions(session_store_dir=store)
    )
    report = await resumed.rewind_async(1)
    assert sorted(report.restored) == ["created.txt", "edited.py", "gone.bin"]
    assert {k: v for k, v in tree(tmp_path).items() if not k.startswith(".sessions/")} == start


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("ls -la && cat a.txt | grep x", True),
        ("git status && git diff HEAD", True),
        ("find . -name '*.py' 2>/dev/null | wc -l", True),
        ("echo hi > out.txt", False),
        ("sed -i s/a/b/ f", False),
        ("git diff --output=x.patch", False),
        ("git commit -am x", False),
        ("find . -delete", False),
        ("f() { rm x; }; f", False),
        ("$CMD", False),
        ('python -c \'open("x","w")\'', False),
        ("cat a | tee b", False),
    ],
)
def test_only_commands_that_surely_only_read_skip_the_scans(command: str, expected: bool) -> None:
    assert read_only(command, {}) is expected


NAMES = ["a.txt", "b.bin", "sub/c.py", "sub/deeper/d"]
CONTENTS = st.binary(max_size=40) | st.sampled_from([b"crlf\r\nline\r\n", "\xe9\xe8".encode("latin-1")])
OPS = st.lists(
    st.tuples(st.sampled_from(NAMES), st.none() | CONTENTS),  # None: delete
    min_size=1,
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.dictionaries(st.sampled_from(NAMES), CONTENTS, max_size=4),
    turns=st.lists(OPS, min_size=1, max_size=4),
    use_git=st.booleans(),
    data=st.data(),
)
def test_rewinding_to_any_turn_gives_back_the_tree_bash_found_there(
    initial: dict[str, bytes], turns: list[list[tuple[str, bytes | None]]], use_git: bool, data: st.DataObject
) -> None:
    """Any files and any shell creates, rewrites and deletes over any turns: rewind to turn N gives the
    tree as it was when turn N started."""
    with tempfile.TemporaryDirectory() as tmp:
        root = make_tree(Path(tmp), initial, use_git)
        session = Agent(CONFIG).session(root)
        before_turn: list[dict[str, bytes]] = []

        async def run() -> None:
            for number, ops in enumerate(turns, 1):
                before_turn.append(tree_without_git(root))
                session.rewinder.begin_turn(number, f"turn {number}")
                for name, content in ops:
                    await session.tool_async("bash", {"command": shell_op(name, content)})

        asyncio.run(run())
        target = data.draw(st.integers(1, len(turns)))
        report = session.rewind(target, conversation=False)
        assert not report.conflicts and not report.failed
        assert tree_without_git(root) == before_turn[target - 1]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.dictionaries(st.sampled_from(NAMES), CONTENTS, max_size=4),
    turns=st.lists(
        st.lists(st.tuples(st.sampled_from([0, 0.05, 0.1]), OPS), min_size=1, max_size=4), max_size=3
    ),
    use_git=st.booleans(),
    data=st.data(),
)
def test_rewinding_concurrent_shell_calls_gives_back_the_tree_of_the_turn(
    initial: dict[str, bytes],
    turns: list[list[tuple[float, list[tuple[str, bytes | None]]]]],
    use_git: bool,
    data: st.DataObject,
) -> None:
    """Turns whose shell calls run at once (submit_batch: they share one scan before and one after)
    and may touch the same files in any order: rewind to turn N still gives the tree as it was when
    turn N started."""
    turns = turns or [[(0, [("a.txt", b"x")])]]
    with tempfile.TemporaryDirectory() as tmp:
        root = make_tree(Path(tmp), initial, use_git)
        options = SessionOptions(queue_config=SessionQueueConfig(execute_max_concurrency=4))
        session = Agent(CONFIG).session(root, options)
        before_turn: list[dict[str, bytes]] = []

        async def run() -> None:
            for number, calls in enumerate(turns, 1):
                before_turn.append(tree_without_git(root))
                session.rewinder.begin_turn(number, f"turn {number}")
                commands = [
                    {"command": " && ".join([f"sleep {delay}", *(shell_op(n, c) for n, c in ops)])}
                    for delay, ops in calls
                ]
                results = await session.submit_batch_async("execute", commands)
                assert not any(r.is_error for r in results), [r.output for r in results]

        asyncio.run(run())
        target = data.draw(st.integers(1, len(turns)))
        report = session.rewind(target, conversation=False)
        assert not report.conflicts and not report.failed
        assert tree_without_git(root) == before_turn[target - 1]


def make_tree(folder: Path, files: dict[str, bytes], use_git: bool) -> Path:
    root = folder.resolve()
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    if use_git:
        make_repo(root)
    return root


def shell_op(name: str, content: bytes | None) -> str:
    if content is None:
        return f"rm -f {name}"
    octal = "".join(f"\\{b:03o}" for b in content)
    folder = name.rsplit("/", 1)[0] if "/" in name else "."
    return f"mkdir -p {folder} && printf {shlex.quote(octal)} > {name}"


def tree_without_git(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(root).items() if not k.startswith(".git/")}


def test_the_shell_op_writes_exactly_the_bytes(tmp_path: Path) -> None:
    content = bytes(range(256))
    subprocess.run(["bash", "-c", shell_op("sub/x", content)], cwd=tmp_path, check=True)
    assert hashlib.sha256((tmp_path / "sub" / "x").read_bytes()).digest() == hashlib.sha256(content).digest()


async def test_a_change_bash_committed_itself_is_still_rewound(fake_llm: FakeLLM, tmp_path: Path) -> None:
    """The index moved under the command (``git commit``): the file is back as it was, and the
    commit is the user's own business (the checkpoint never moves refs)."""
    (tmp_path / "edited.py").write_bytes(EDITED)
    make_repo(tmp_path)
    command = "printf 'y\\r\\n' >> edited.py && git add edited.py && git -c user.name=a -c user.email=a@b commit -qm m"
    fake_llm.add(Turn.tool_call("bash", {"command": command}), Turn.text("done"))
    session = session_for(fake_llm, tmp_path)
    await session.send_async("commit")
    head = git(tmp_path, "rev-parse", "HEAD")
    report = await session.rewind_async(1)
    assert report.restored == ["edited.py"] and (tmp_path / "edited.py").read_bytes() == EDITED
    assert git(tmp_path, "rev-parse", "HEAD") == head


@needs_bwrap
@pytest.mark.parametrize("tool", ["bash", "sandbox"])
async def test_a_command_run_in_the_bubblewrap_sandbox_is_checkpointed(
    fake_llm: FakeLLM, tmp_path: Path, tool: str
) -> None:
    (tmp_path / "edited.py").write_bytes(EDITED)
    (tmp_path / "gone.bin").write_bytes(DELETED)
    start = tree(tmp_path)
    fake_llm.add(Turn.tool_call(tool, {"command": SCRIPT}), Turn.text("done"))
    options = SessionOptions(llm_max_retries=0).with_sandbox(SandboxConfig(network=False))
    session = Agent(fake_llm.config("anthropic", "claude-sonnet-4-20250514")).session(tmp_path, options)
    await session.send_async("shell, sandboxed")
    assert (tmp_path / "created.txt").exists() and not (tmp_path / "gone.bin").exists()
    report = await session.rewind_async(1)
    assert sorted(report.restored) == ["created.txt", "edited.py", "gone.bin"]
    assert tree(tmp_path) == start


@pytest.mark.parametrize("kind", ["git", "plain"])
async def test_overlapping_bash_calls_are_all_rewound(fake_llm: FakeLLM, tmp_path: Path, kind: str) -> None:
    """Shell calls that run at once (submit_batch on the execute lane) share their scans; every file
    any of them changed still comes back."""
    for i in range(6):
        (tmp_path / f"f{i}.txt").write_bytes(f"before {i}\r\n".encode())
    if kind == "git":
        make_repo(tmp_path)
    start = tree(tmp_path)
    session = session_for(fake_llm, tmp_path, queue_config=SessionQueueConfig(execute_max_concurrency=6))
    session.rewinder.begin_turn(1, "change six files at once")
    commands = [
        {"command": f"sleep 0.{i % 3}; printf 'after\\n' > f{i}.txt; printf 'new\\n' > n{i}.txt"}
        for i in range(6)
    ]
    results = await session.submit_batch_async("execute", commands)
    assert not any(r.is_error for r in results)
    assert all((tmp_path / f"n{i}.txt").exists() for i in range(6))
    report = await session.rewind_async(1, conversation=False)
    assert not report.conflicts and not report.failed
    assert tree(tmp_path) == start
