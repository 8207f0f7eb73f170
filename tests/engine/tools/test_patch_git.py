"""patch against the oracle: random file pairs, diffed by ``git diff --no-index``, applied by ``git apply``
and by the patch tool, must give identical bytes. Also the other way: the diffs our tools report apply
with ``git apply``. Each example is a batch of files handled by one git call, so a run covers well over
a thousand cases while starting git only a few dozen times."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from a3s_code.tools._text import unified_diff
from a3s_code.tools.base import ToolContext
from a3s_code.tools.patch import PatchTool
from a3s_code.tools.registry import ToolRegistry

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed as the oracle")

BATCH = 48
EXAMPLES = 24  # 48 x 24 = 1152 file pairs per run
# No shrinking: a batch is big, and the failing file's diff is in the assertion message already.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "LC_ALL": "C",
}

# Lines that trip parsers: diff syntax inside the text, whitespace, CR inside a line, separators that
# are not line breaks (form feed, U+2028), non-ASCII.
WORDS = ["a", "b", "x = 1", "", " ", "\t", "-- x", "++ y", "--- a/f", "+++ b/f", "@@ -1 +1 @@", "\\ n"]
WORDS += ["\r", "a\rb", "\f", "\u2028", "é", "日本語", "🙂", "}"]


def _line(rnd: random.Random) -> str:
    return "".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 3)))


def _text(rnd: random.Random) -> str:
    text = "".join(_line(rnd) + rnd.choice(["\n", "\n", "\n", "\r\n"]) for _ in range(rnd.randint(0, 14)))
    if text and rnd.random() < 0.5:
        text = text.removesuffix("\n").removesuffix("\r")  # no newline at the end of the file
    return text


def _edited(rnd: random.Random, old: str) -> str:
    """A nearby version of ``old`` (so hunks have context), or an unrelated text now and then."""
    if rnd.random() < 0.1:
        return _text(rnd)
    lines = old.split("\n")
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randint(0, len(lines))
        kind = rnd.choice(["insert", "delete", "change", "ending"])
        if kind == "insert":
            lines.insert(at, _line(rnd) + rnd.choice(["", "\r"]))
        elif lines and kind == "delete":
            lines.pop(min(at, len(lines) - 1))
        elif lines and kind == "change":
            lines[min(at, len(lines) - 1)] = _line(rnd)
        elif lines:
            i = min(at, len(lines) - 1)
            lines[i] = lines[i][:-1] if lines[i].endswith("\r") else lines[i] + "\r"
    new = "\n".join(lines)
    if rnd.random() < 0.2:
        new = new + "\n" if not new.endswith("\n") else new.removesuffix("\n")
    return new


def _pair(rnd: random.Random) -> tuple[str | None, str | None]:
    """(old, new); None for a file that does not exist on that side (creation, deletion)."""
    kind = rnd.randint(0, 19)
    if kind == 0:
        return None, _text(rnd)
    old = _text(rnd)
    return (old, None) if kind == 1 else (old, _edited(rnd, old))


# One seed per file pair: hypothesis draws (and reports, and replays) the seeds; drawing every character
# through hypothesis instead would cost more time than git and the tool together.
_SEEDS = st.integers(0, 2**32 - 1)
pairs = _SEEDS.map(lambda seed: _pair(random.Random(seed)))
texts = _SEEDS.map(lambda seed: _text(random.Random(seed)))


def _write(folder: Path, name: str, text: str | None) -> None:
    if text is not None:
        (folder / name).write_bytes(text.encode())


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=GIT_ENV, check=False)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _sections(diff: str) -> dict[str, str]:
    """The diff split per file, keyed by file name."""
    out: dict[str, str] = {}
    for part in diff.split("\ndiff --git ")[0:]:
        text = part if part.startswith("diff --git ") else "diff --git " + part
        name = text.split("\n", 1)[0].rsplit("/", 1)[-1]
        out[name] = text if text.endswith("\n") else text + "\n"
    return out


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(pairs, min_size=BATCH, max_size=BATCH))
def test_patch_applies_git_diffs_exactly_as_git_apply(
    tmp_path_factory: pytest.TempPathFactory, batch: list[tuple[str | None, str | None]]
) -> None:
    root = tmp_path_factory.mktemp("oracle")
    for folder in ("a", "b", "ours"):
        (root / folder).mkdir()
    names = [f"f{i:03}" for i in range(len(batch))]
    for name, (old, new) in zip(names, batch, strict=True):
        _write(root / "a", name, old)
        _write(root / "b", name, new)
        _write(root / "ours", name, old)
    made = _git(["diff", "--no-index", "--no-color", "--no-ext-diff", "--no-renames", "a", "b"], root)
    assert made.returncode in (0, 1), made.stderr
    diff = made.stdout.decode()
    applied = _git(["apply", "-p2", "--whitespace=nowarn", "-"], root / "a", made.stdout)
    assert applied.returncode == 0, applied.stderr

    registry = ToolRegistry([PatchTool()])
    ctx = ToolContext(workspace=root / "ours")
    sections = _sections(diff) if diff else {}

    async def apply_all() -> None:
        for name, section in sections.items():
            result = await registry.execute("patch", {"file_path": name, "diff": section}, ctx)
            assert not result.is_error, f"{name}: {result.output}\n{section}"

    asyncio.run(apply_all())
    for name, (_old, new) in zip(names, batch, strict=True):
        theirs, ours = _read(root / "a" / name), _read(root / "ours" / name)
        expected = None if new is None else new.encode()
        assert theirs == expected, f"git apply itself disagrees for {name}"
        assert ours == theirs, f"{name}:\n{sections.get(name)}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(batch=st.lists(st.tuples(texts, texts), min_size=BATCH, max_size=BATCH))
def test_the_diffs_tools_report_apply_with_git(
    tmp_path_factory: pytest.TempPathFactory, batch: list[tuple[str, str]]
) -> None:
    root = tmp_path_factory.mktemp("reported")
    patch = []
    for i, (old, new) in enumerate(batch):
        (root / f"f{i:03}").write_bytes(old.encode())
        patch.append(unified_diff(f"f{i:03}", old, new))
    applied = _git(["apply", "--allow-empty", "--whitespace=nowarn", "-"], root, "".join(patch).encode())
    assert applied.returncode == 0, applied.stderr
    for i, (_old, new) in enumerate(batch):
        assert (root / f"f{i:03}").read_bytes() == new.encode()


async def test_no_newline_marker_speaks_for_the_side_it_follows(tmp_path: Path) -> None:
    """The issue's case: file 'a\\nb', the diff replaces b (which had no newline) and adds c."""
    (tmp_path / "f.txt").write_bytes(b"a\nb")
    diff = "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n"
    registry = ToolRegistry([PatchTool()])
    result = await registry.execute(
        "patch", {"file_path": "f.txt", "diff": diff}, ToolContext(workspace=tmp_path)
    )
    assert not result.is_error, result.output
    assert (tmp_path / "f.txt").read_bytes() == b"a\nb\nc\n"
    assert _git(["apply", "--check", "-R", "-"], tmp_path, diff.encode()).returncode == 0
