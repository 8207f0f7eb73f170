"""The root scan is reused between calls only while it is still true: any change to the root's top
level (or to a folder that was empty) shows in the next call, in the plan and inside the sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from a3s_code.sandbox import SandboxConfig
from a3s_code.sandbox.rootscan import MountTable, RootScanner, parse_mount_points
from a3s_code.sandbox.view import Bind, plan
from tests.engine.sandbox.helpers import Shell, needs_bwrap
from tests.engine.sandbox.test_session import minimal_rootfs

NAMES = ["a", "b", "etc", "opt", "data"]
changes = st.lists(
    st.tuples(
        st.sampled_from(["file", "dir", "symlink", "remove", "fill", "empty", "chmod"]),
        st.sampled_from(NAMES),
    ),
    min_size=1,
    max_size=12,
)


def apply(root: Path, kind: str, name: str) -> list[Path]:
    """One change to ``root``'s top level; returns the folders whose timestamps it moves."""
    path = root / name
    if kind == "remove" or (kind in ("file", "dir", "symlink") and os.path.lexists(path)):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif os.path.lexists(path):
            path.unlink()
        if kind == "remove":
            return [root]
    if kind == "file":
        path.write_text("x")
    elif kind == "dir":
        path.mkdir()
    elif kind == "symlink":
        path.symlink_to("usr/" + name)
    elif kind in ("fill", "empty", "chmod"):
        if not path.is_dir() or path.is_symlink():
            return []
        if kind == "fill":
            (path / "inner").write_text("x")
        elif kind == "empty":
            for child in path.iterdir():
                child.unlink()
        else:  # a chmod moves the ctime alone
            path.chmod(0o700 if path.stat().st_mode & 0o777 == 0o755 else 0o755)
            return []
        return [path]
    return [root]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=changes)
@example(steps=[("dir", "a"), ("chmod", "a")])
@example(steps=[("dir", "a"), ("fill", "a"), ("empty", "a"), ("remove", "a"), ("symlink", "a")])
def test_a_reused_scan_always_equals_a_fresh_one(tmp_path: Path, steps: list[tuple[str, str]]) -> None:
    root = Path(os.path.realpath(tmp_path)) / f"root-{time.monotonic_ns()}"
    root.mkdir()
    (root / "usr").mkdir()
    (root / "usr" / "bin").mkdir()
    scanner = RootScanner(settled_s=0)
    # Timestamps as the kernel would set them, but from the past: scans count as settled and are
    # reused, so only the stamps can tell a change (each step gets its own second).
    clock = time.time_ns() - 10_000 * 10**9
    for folder in (root, root / "usr"):
        os.utime(folder, ns=(clock, clock))
    scanner.ops(root)
    for step, (kind, name) in enumerate(steps, 1):
        for folder in apply(root, kind, name):
            os.utime(folder, ns=(clock + step * 10**9, clock + step * 10**9))
        assert scanner.ops(root) == RootScanner(settled_s=0).ops(root), (step, kind, name)


def test_mount_points_are_decoded_and_this_namespace_has_a_root() -> None:
    text = "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 - ext3 /dev/root rw\n"
    text += "37 35 98:0 / /sys/fs/cgroup rw - tmpfs tmpfs rw\nbroken line\n"
    assert parse_mount_points(text) == ["/mnt/with space", "/sys/fs/cgroup"]
    table = MountTable()
    assert "/" in table.points() and table.points() == table.points()
    assert MountTable("/nonexistent/mountinfo").points() == []


def test_the_root_ops_name_empty_folders_submounts_and_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("empty", "full", "mounted/deep"):
        (root / folder).mkdir(parents=True)
    (root / "full" / "f").write_text("x")
    (root / "empty").chmod(0o711)
    (root / "bin").symlink_to("usr/bin")
    (root / "file").write_text("x")
    (root / "proc").mkdir()
    mounts = tmp_path / "mountinfo"
    mounts.write_text(f"1 0 0:1 / / rw - ext4 /dev/x rw\n2 1 0:2 / {root}/mounted/deep rw - tmpfs t rw\n")
    ops = RootScanner(MountTable(str(mounts))).ops(root)
    assert ops.early == (
        ("--symlink", "usr/bin", "/bin"),
        ("--perms", "0711", "--dir", "/empty"),
        ("--ro-bind", f"{root}/file", "/file"),
        ("--ro-bind", f"{root}/full", "/full"),
    )
    assert ops.late == (("--ro-bind", f"{root}/mounted", "/mounted"),)


@needs_bwrap
async def test_an_empty_top_level_folder_is_empty_read_only_and_fills_on_the_next_call(
    workspace: Path, tmp_path: Path
) -> None:
    image = minimal_rootfs(tmp_path / "rootfs", ["bash", "cat", "ls", "touch"])
    (image / "srv").mkdir(mode=0o750)
    config = SandboxConfig(image=str(image), env={"PATH": "/usr/bin"}, max_processes=50)
    sh = Shell(workspace, config)
    script = (
        "ls -A /srv; echo end; touch /srv/new 2>/dev/null || echo read-only; cat /srv/later 2>&1; ls -ld /srv"
    )
    first = (await sh.bash(script)).output.splitlines()
    assert first[:3] == ["end", "read-only", "cat: /srv/later: No such file or directory"]
    assert first[3].startswith("drwxr-x---")  # the host folder's mode
    (image / "srv" / "later").write_text("arrived\n")
    second = (await sh.bash(script)).output.splitlines()
    assert second[:4] == ["later", "end", "read-only", "arrived"]
    assert not (image / "srv" / "new").exists()


MOUNT_PROBE = """
import subprocess, sys
from a3s_code.sandbox.rootscan import MountTable
table = MountTable()
before = list(table.points())
subprocess.run(["mount", "-t", "tmpfs", "none", sys.argv[1]], check=True)
print(sys.argv[1] in before, sys.argv[1] in table.points(), table.points() == table.points())
"""


def test_a_mount_made_after_the_first_read_is_seen(tmp_path: Path) -> None:
    """In a private mount namespace (a user namespace maps us to root there), so the host's mount
    table is untouched."""
    target = tmp_path / "mnt"
    target.mkdir()
    argv = ["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-c", MOUNT_PROBE, str(target)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 and "unshare" in done.stderr:
        pytest.skip(f"no user namespaces here: {done.stderr.strip()}")
    assert done.stdout.split() == ["False", "True", "True"], done.stderr


def test_what_lies_inside_a_folder_bound_last_is_mounted_after_it(tmp_path: Path, workspace: Path) -> None:
    """/etc holding a (pretend) host submount is bound after the other top-level folders; the hide
    of a file in it and a mount into it must still land on top of that bind, not under it."""
    mounts = tmp_path / "mountinfo"
    mounts.write_text("1 0 0:1 / / rw - ext4 /dev/x rw\n2 1 0:2 / /etc/pretend/sub rw - tmpfs t rw\n")
    scanner = RootScanner(MountTable(str(mounts)))
    extra = [Bind(workspace, "/etc/extra", False)]
    args = plan(
        SandboxConfig(),
        workspace,
        image=None,
        extra=extra,
        secrets=[Path("/etc/passwd")],
        user_hidden=[],
        scanner=scanner,
    )
    etc = next(i for i in range(len(args)) if args[i : i + 3] == ["--ro-bind", "/etc", "/etc"])
    assert args.index("/etc/passwd") > etc and args.index("/etc/extra") > etc
    assert args.index("/usr") < etc and args[-2:] == ["--remount-ro", "/"]
