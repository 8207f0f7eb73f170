"""Limits in the sandbox: memory, processes, time, cancel; output and exit codes as the local shell has them."""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from a3s_code.sandbox.bwrap import NAMESPACES
from a3s_code.sandbox.limits import Limiter, Limits, find_pids_hierarchy, sweep
from tests.engine.sandbox.helpers import Shell, marker, needs_bwrap

pytestmark = needs_bwrap
PY = sys.executable
SANDBOX_PY = os.path.realpath(sys.executable)
"""The interpreter itself, not the venv's link to it: a checkout under /tmp (a fresh clone) keeps its
venv out of the sandbox, whose /tmp is private. The commands run here need only the standard library."""


def running(tag: str) -> list[str]:
    """Host processes whose command line contains ``tag``."""
    done = subprocess.run(["pgrep", "-f", tag], capture_output=True, text=True, check=False)
    return done.stdout.split()


@pytest.mark.parametrize("memory_mb", [64, 200])
async def test_memory_beyond_the_limit_is_refused_and_below_it_works(
    shell: Callable[..., Shell], memory_mb: int
) -> None:
    sh = shell(memory_mb=memory_mb)
    hog = await sh.bash(
        f"{SANDBOX_PY} -c 'b = bytearray({2 * memory_mb} * 1024 * 1024); print(\"allocated\")'"
    )
    assert hog.is_error and "MemoryError" in hog.output and "allocated" not in hog.output
    fits = await sh.bash(
        f"{SANDBOX_PY} -c 'b = bytearray({memory_mb // 4} * 1024 * 1024); print(\"allocated\")'"
    )
    assert not fits.is_error and fits.output == "allocated"
    shell_hog = await sh.bash(f"head -c {2 * memory_mb}M /dev/zero | tr '\\0' x | sort > /dev/null")
    assert shell_hog.is_error


FORKS = """
import os, time
n = 0
try:
    for _ in range(400):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError as exc:
    print("stopped after", n, "forks:", exc.strerror)
"""


@pytest.mark.parametrize("cap", [12, 40])
async def test_the_process_cap_stops_forking_at_the_cap(
    shell: Callable[..., Shell], workspace: Path, cap: int
) -> None:
    (workspace / "forks.py").write_text(FORKS)
    result = await shell(max_processes=cap).bash(f"{SANDBOX_PY} forks.py", timeout=20_000)
    assert "stopped after" in result.output and "Resource temporarily unavailable" in result.output
    forks = int(result.output.split("stopped after ")[1].split()[0])
    # The cap counts everything in the call: bwrap's init, python itself, and the children.
    assert cap - 4 <= forks < cap


async def test_a_fork_bomb_is_contained_and_leaves_nothing_behind(shell: Callable[..., Shell]) -> None:
    tag = marker().replace("-", "_")
    bomb = f"{tag}() {{ {tag} | {tag} & }}; {tag}"
    result = await shell(max_processes=64).bash(f"{bomb}; sleep 2; echo survived", timeout=3_000)
    assert "Resource temporarily unavailable" in result.output
    await asyncio.sleep(0.3)
    assert running(tag) == []
    hierarchy = find_pids_hierarchy() if os.geteuid() == 0 else None
    if hierarchy is not None:  # as root the cap is a cgroup per call: none is left behind
        assert list(hierarchy.glob(f"a3s-sandbox-{os.getpid()}-*")) == []


async def test_the_limits_are_visible_inside(shell: Callable[..., Shell]) -> None:
    result = await shell(memory_mb=300, max_processes=77).bash("cat /proc/self/limits")
    lines = {line[:26].strip(): line[26:].split() for line in result.output.splitlines()[1:]}
    if os.geteuid() != 0:  # as root the kernel ignores RLIMIT_NPROC: the cap is a cgroup (tested above)
        assert lines["Max processes"][:2] == ["77", "77"]
    assert lines["Max data size"][:2] == [str(300 * 1024 * 1024)] * 2
    assert lines["Max core file size"][:2] == ["0", "0"]


async def test_a_timeout_kills_the_whole_tree(shell: Callable[..., Shell]) -> None:
    tag = marker()
    result = await shell().bash(f"bash -c 'exec -a {tag} sleep 60' & sleep 60", timeout=700)
    assert result.exit_code == 124 and "[Command timed out after 700ms]" in result.output
    await asyncio.sleep(0.3)
    assert running(tag) == []


async def test_the_sandbox_timeout_caps_a_longer_tool_timeout(shell: Callable[..., Shell]) -> None:
    result = await shell(timeout_ms=500).bash("sleep 30", timeout=60_000)
    assert result.exit_code == 124 and "[Command timed out after 500ms]" in result.output


async def test_cancel_stops_the_sandboxed_command(shell: Callable[..., Shell]) -> None:
    tag = marker()
    sh = shell()
    task = asyncio.create_task(sh.bash(f"bash -c 'exec -a {tag} sleep 60' & echo started; wait"))
    while not sh.chunks:  # noqa: ASYNC110 - waiting for the command's first output
        await asyncio.sleep(0.02)
    assert running(tag) != []
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.3)
    assert running(tag) == []


async def test_output_streams_while_the_command_runs(shell: Callable[..., Shell]) -> None:
    sh = shell()
    result = await sh.bash("echo one; sleep 0.4; echo two >&2")
    assert "".join(sh.chunks) == "one\ntwo\n" and len(sh.chunks) >= 2
    assert result.output == "one\ntwo" and result.exit_code == 0


@pytest.mark.parametrize(("command", "code"), [("exit 3", 3), ("kill -9 $$", 137), ("false", 1), ("true", 0)])
async def test_exit_codes_are_reported(shell: Callable[..., Shell], command: str, code: int) -> None:
    result = await shell().bash(command)
    assert result.exit_code == code and result.is_error == (code != 0)
    if code:
        assert result.output.endswith(f"[exit code: {code}]")


async def test_the_sandbox_tool_starts_in_workspace_and_may_lower_memory(
    shell: Callable[..., Shell], workspace: Path
) -> None:
    sh = shell(memory_mb=256)
    result = await sh.tool(command="pwd; echo hi > made.txt; ulimit -d", memory_mb=64)
    assert result.output.splitlines() == ["/workspace", str(64 * 1024)]
    assert (workspace / "made.txt").read_text() == "hi\n"
    refused = await sh.tool(command="true", memory_mb=1024)
    assert refused.is_error and "above this session's sandbox limit of 256 MB" in refused.output


def test_cgroups_left_by_exited_daemons_are_swept(tmp_path: Path) -> None:
    dead = 2**22 + 7  # above the largest pid_max Linux allows: never a live process
    stale, ours = tmp_path / f"a3s-sandbox-{dead}-3", tmp_path / f"a3s-sandbox-{os.getpid()}-1"
    stale.mkdir()
    ours.mkdir()
    (tmp_path / "a3s-sandbox-odd").mkdir()
    sweep(tmp_path)
    assert not stale.exists() and ours.exists() and (tmp_path / "a3s-sandbox-odd").exists()


V1 = "32 31 0:29 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
V2 = "30 23 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"


def test_the_pids_hierarchy_is_found_in_mountinfo(tmp_path: Path) -> None:
    assert find_pids_hierarchy("") is None
    assert find_pids_hierarchy("1 0 8:1 / / rw - ext4 /dev/sda rw\n") is None
    fake = tmp_path / "cg"
    fake.mkdir()
    assert find_pids_hierarchy(V1.replace("/sys/fs/cgroup/pids", str(fake))) == fake
    (fake / "cgroup.controllers").write_text("cpu memory pids\n")
    (fake / "cgroup.subtree_control").write_text("cpu\n")
    assert find_pids_hierarchy(V2.replace("/sys/fs/cgroup", str(fake))) == fake
    assert (fake / "cgroup.subtree_control").read_text() == "+pids"  # the controller was enabled
    (fake / "cgroup.controllers").write_text("cpu memory\n")
    assert find_pids_hierarchy(V2.replace("/sys/fs/cgroup", str(fake))) is None


async def test_background_jobs_end_with_the_command(shell: Callable[..., Shell]) -> None:
    tag = marker()
    started = time.monotonic()
    result = await shell().bash(f"(exec -a {tag} sleep 30) & echo done")
    assert result.output == "done" and time.monotonic() - started < 10
    await asyncio.sleep(0.3)
    assert running(tag) == []


DAEMON = """
import asyncio, sys
from pathlib import Path
from a3s_code.sandbox import BubblewrapSandbox, SandboxCommandRequest, SandboxConfig
sandbox = BubblewrapSandbox(SandboxConfig(), Path(sys.argv[1]))
asyncio.run(sandbox.exec(SandboxCommandRequest(sys.argv[2], sys.argv[1], timeout_s=60)))
"""


def test_the_sandbox_dies_with_the_daemon(workspace: Path) -> None:
    tag = marker()
    daemon = subprocess.Popen([PY, "-c", DAEMON, str(workspace), f"exec -a {tag} sleep 60"])
    try:
        deadline = time.monotonic() + 20
        while not running(tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running(tag), "the sandboxed command never started"
    finally:
        daemon.kill()  # SIGKILL: no cleanup code runs in the daemon
        daemon.wait()
    time.sleep(0.5)
    assert running(tag) == []


async def test_cpus_pins_the_command(shell: Callable[..., Shell]) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: nothing to pin")
    assert (await shell(cpus=1).bash("nproc")).output == "1"
    assert (await shell().bash("nproc")).output == str(len(os.sched_getaffinity(0)))


SYSTEM_PY = "/usr/bin/python3"


@pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists(SYSTEM_PY), reason="as root, to try an ordinary user"
)
@pytest.mark.parametrize("image_has_prlimit", [True, False])
def test_for_an_ordinary_user_the_limits_hold_inside_the_user_namespace(image_has_prlimit: bool) -> None:
    """The suite runs as root in CI; a user's daemon takes the other path (RLIMIT_NPROC set inside the
    sandbox's user namespace, by prlimit or by bash's ulimit): run that path as nobody."""
    limiter = Limiter("/usr/bin/prlimit" if image_has_prlimit else None, None)
    code = FORKS + "\nprint(bytearray(200 * 1024 * 1024) and 'allocated')\n"
    command = limiter.command(Limits(memory_mb=64, max_processes=20), f"{SYSTEM_PY} -c {shlex.quote(code)}")
    nobody = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    argv = [*nobody, "bwrap", "--ro-bind", "/", "/"]
    argv += ["--dev", "/dev", "--proc", "/proc", *NAMESPACES, "--", *command]
    done = subprocess.run(argv, cwd="/", capture_output=True, text=True, timeout=60, check=False)
    out = done.stdout + done.stderr
    assert "stopped after" in out and "MemoryError" in out and "allocated" not in out, out
    forks = int(out.split("stopped after ")[1].split()[0])
    assert 20 - 4 <= forks < 20
