"""Benchmark: permission decision time per bash command, tree-sitter-bash analysis against the
bashlex path it replaced (the permissions package as of commit ``BASELINE``, loaded from git).

Run: ``.venv/bin/python -m tests.bench.bench_shell [--rounds 5] [--baseline deb986a]``. Prints markdown:
the per-command decision time (median and p99 over 500 commands, each the median of ``rounds``
runs), the first check in a fresh process, and how many corpus cases each path decides right.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.security.corpus import load
from tests.security.test_shell_properties import AROUND, PREFIXES, SCRIPTED

ROOT = Path(__file__).resolve().parents[2]
BASELINE = "deb986a"
MODULES = ("protected", "rules", "shell", "policy", "allowed", "__init__")
RULES = {
    "allow": [
        "bash(git status*)",
        "bash(git log*)",
        "bash(ls*)",
        "bash(echo *)",
        "bash(cat *)",
        "bash(npm run *)",
    ],
    "deny": ["bash(rm *)", "bash(curl *)", "write(secrets/**)"],
}
EVERYDAY = [
    "git status --short",
    "git log --oneline -20 | cat",
    "git diff HEAD~1 -- src/app.py",
    "ls -la src",
    "npm run test -- --watch=false",
    "python -m pytest -q tests/unit",
    "grep -rn 'TODO' src | head -20",
    "find . -name '*.py' -newer setup.cfg",
    "cat package.json | jq .scripts",
    "make -j4 build 2>&1 | tail -5",
    "echo $PATH",
    "cd src && npm run lint",
    "docker compose up -d db",
    "cargo test --workspace",
    "go test ./... -run TestParse",
    "git commit -m \"$(cat <<'EOF'\nFix parsing\n\nDetails here.\nEOF\n)\"",
    'for f in src/*.ts; do wc -l "$f"; done',
    "if [ -f .env ]; then source .env; fi",
    "sed -n '1,40p' README.md",
    "awk -F, '{ print $2 }' data.csv | sort | uniq -c",
]


def corpus(size: int = 500) -> list[str]:
    """The hostile corpus's commands, everyday commands, and wrapped/nested mixes of both: ``size`` lines."""
    commands = [str(c.args["command"]) for c in load() if c.tool == "bash"]
    commands += EVERYDAY
    rng = random.Random(7)
    while len(commands) < size:
        command = rng.choice(EVERYDAY + ["rm -rf build"])
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["prefix", "script", "around"])
            if kind == "prefix":
                command = f"{rng.choice(PREFIXES)} {command}"
            elif kind == "script":
                command = rng.choice(SCRIPTED).replace("{}", shlex.quote(command))
            else:
                template = rng.choice(AROUND).replace("{{", "\0").replace("}}", "\1")
                command = template.replace("{}", command).replace("\0", "{").replace("\1", "}")
        commands.append(command)
    return commands[:size]


def baseline_package(commit: str) -> ModuleType:
    """The permissions package as it was at ``commit``, importable beside the current one."""
    folder = Path(tempfile.mkdtemp(prefix="a3s-baseline-"))
    for name in MODULES:
        text = subprocess.run(
            ["git", "show", f"{commit}:engine/a3s_code/permissions/{name}.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (folder / f"{name}.py").write_text(text)
    import a3s_code  # noqa: F401  (the parent package for the baseline's relative imports)

    name = "a3s_code._baseline_permissions"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def timings(policy: Any, commands: list[str], workspace: Path, rounds: int, **kwargs: Any) -> list[float]:
    """Per command: the median of ``rounds`` decision times, in milliseconds (after one warm-up pass)."""
    for command in commands:
        policy.check("bash", {"command": command}, workspace, **kwargs)
    per_command: list[list[float]] = [[] for _ in commands]
    for _ in range(rounds):
        for i, command in enumerate(commands):
            start = time.perf_counter()
            policy.check("bash", {"command": command}, workspace, **kwargs)
            per_command[i].append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in per_command]


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


FIRST_CHECK = """
import sys, time
sys.path.insert(0, {root!r})
{setup}
from pathlib import Path
policy = Policy.from_config(allow=["bash(*)"], deny=["bash(rm *)"])
time.sleep({idle})
start = time.perf_counter()
policy.check("bash", {{"command": "git status && rm -rf build"}}, Path("/tmp"))
print((time.perf_counter() - start) * 1000)
"""


def first_check(setup: str, idle: float, runs: int = 5) -> list[float]:
    """The first bash check in a fresh process, ``idle`` seconds after the policy is built (ms)."""
    out = []
    for _ in range(runs):
        code = FIRST_CHECK.format(root=str(ROOT), setup=setup, idle=idle)
        ran = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        out.append(float(ran.stdout.strip().splitlines()[-1]))
    return out


def right(policy: Any, workspace: Path, new: bool) -> tuple[int, int]:
    cases = [c for c in load() if c.layer == "permission" and c.tool == "bash"]
    good = 0
    for case in cases:
        p = type(policy).from_config(**case.policy)
        kwargs = {"env": case.env or {}} if new else {}
        try:
            verdict = p.check("bash", case.args, workspace, **kwargs).verdict
        except Exception:
            verdict = "raised"
        good += verdict in case.expect
    return good, len(cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE)
    args = parser.parse_args()
    from a3s_code.permissions import PermissionPolicy

    old = baseline_package(args.baseline)
    workspace = Path(tempfile.mkdtemp(prefix="a3s-bench-"))
    commands = corpus()
    new_times = timings(PermissionPolicy.from_config(**RULES), commands, workspace, args.rounds, env={})
    old_times = timings(old.PermissionPolicy.from_config(**RULES), commands, workspace, args.rounds)
    print(f"{len(commands)} commands, {args.rounds} rounds; baseline: bashlex path at {args.baseline}\n")
    print("| path | median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, values in (("tree-sitter-bash (now)", new_times), (f"bashlex ({args.baseline})", old_times)):
        print(f"| {name} | {statistics.median(values):.3f} | {p99(values):.3f} | {max(values):.3f} |")
    print(
        f"\nratio now/baseline: median {statistics.median(new_times) / statistics.median(old_times):.2f}x, "
        f"p99 {p99(new_times) / p99(old_times):.2f}x"
    )
    new_setup = "from a3s_code.permissions import PermissionPolicy as Policy"
    old_setup = (
        "from tests.bench.bench_shell import baseline_package\n"
        f"Policy = baseline_package({args.baseline!r}).PermissionPolicy"
    )
    print("\n| first bash check in a fresh process | ms (min / median / max of 5) |")
    print("|---|---|")
    for label, setup, idle in (
        ("now, at once after the policy is built", new_setup, 0.0),
        ("now, 0.2 s after (session start-up in between)", new_setup, 0.2),
        (f"bashlex ({args.baseline})", old_setup, 0.2),
    ):
        values = first_check(setup, idle)
        print(f"| {label} | {min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f} |")
    good_new = right(PermissionPolicy(), workspace, True)
    good_old = right(old.PermissionPolicy(), workspace, False)
    print(
        f"\ncorpus bash cases decided right: now {good_new[0]}/{good_new[1]}, baseline {good_old[0]}/{good_old[1]}"
    )


if __name__ == "__main__":
    main()
