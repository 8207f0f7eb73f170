"""Sessions with a sandbox: routing, the sandbox tool, sandbox_auto_allow, refusing to start, images."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.permissions import PermissionPolicy
from a3s_code.sandbox import (
    LocalBashExecutor,
    SandboxConfig,
    SandboxConfigError,
    SandboxError,
    SandboxUnavailableError,
)
from a3s_code.subagents.definition import AgentDefinition
from a3s_code.subagents.runner import child_session
from tests.engine.sandbox.helpers import CONFIG, Shell, marker, needs_bwrap

pytestmark = needs_bwrap
IN_SANDBOX = "cat /proc/1/comm"
"""In the sandbox's PID namespace, process 1 is bubblewrap's init."""


def agent(extra: str = "") -> Agent:
    return Agent(CONFIG + extra)


async def test_an_hcl_sandbox_block_routes_bash_and_adds_the_sandbox_tool(workspace: Path) -> None:
    session = agent("sandbox {\n  memory_mb = 256\n}\n").session(workspace)
    assert session.sandboxed and "sandbox" in session.tool_names()
    assert (await session.tool_async("bash", {"command": IN_SANDBOX})).output == "bwrap"
    assert (await session.tool_async("sandbox", {"command": "pwd"})).output == "/workspace"
    info = session.sandbox_info().to_json()
    assert info["enabled"] is True and info["backend"] == "bubblewrap" and info["network"] is False
    assert info["memoryMb"] == 256 and info["workspaceMount"] == "/workspace"
    assert "sandbox" in next(s.description for s in session.tools.specs() if s.name == "bash")


async def test_without_a_sandbox_bash_is_local_and_there_is_no_sandbox_tool(workspace: Path) -> None:
    session = agent().session(workspace)
    assert not session.sandboxed and "sandbox" not in session.tool_names()
    assert (await session.tool_async("bash", {"command": IN_SANDBOX})).output != "bwrap"
    assert session.sandbox_info().to_json()["enabled"] is False
    assert agent("sandbox {\n  enabled = false\n}\n").session(workspace).sandboxed is False


async def test_with_sandbox_routes_bash_and_submit_execute(workspace: Path) -> None:
    session = agent().session(workspace, SessionOptions().with_sandbox(SandboxConfig(network=False)))
    assert (await session.submit_async("execute", {"command": IN_SANDBOX})).output == "bwrap"
    routed = await session.submit_async("execute", {"tool": "bash", "args": {"command": IN_SANDBOX}})
    assert routed.output == "bwrap"
    explicit = SessionOptions().with_bash_sandbox(LocalBashExecutor())
    assert not agent("sandbox {\n}\n").session(workspace, explicit).sandboxed


@pytest.mark.parametrize(
    ("policy", "write"),
    [
        (PermissionPolicy().allow("bash(*)"), "echo x | tee /etc/{name}; touch ~/{name}"),
        (PermissionPolicy("sandbox_auto_allow"), "echo x > /etc/{name}; touch ~/{name}"),
    ],
)
async def test_writes_outside_fail_even_when_the_rules_allow_them(
    workspace: Path, policy: PermissionPolicy, write: str
) -> None:
    name = marker()
    session = agent("sandbox {\n}\n").session(workspace, SessionOptions(permission_checker=policy))
    command = write.format(name=name) + f"; echo ok > {name}"
    result = await session.tool_async("bash", {"command": command})
    assert result.output.count("Read-only file system") == 2, result.output
    assert not Path(f"/etc/{name}").exists() and not (Path.home() / name).exists()
    assert (workspace / name).read_text() == "ok\n"


async def test_a_subagent_runs_its_bash_in_the_parents_sandbox(workspace: Path) -> None:
    parent = agent().session(workspace, SessionOptions().with_sandbox(SandboxConfig()))
    child = child_session(parent, AgentDefinition("helper", "helps", "Help."), 3)
    assert child.bash_sandbox is parent.bash_sandbox
    assert (await child.tool_async("bash", {"command": IN_SANDBOX})).output == "bwrap"


AUTO = 'permissions {\n  mode = "sandbox_auto_allow"\n  deny = ["bash(rm -rf /*)"]\n  ask = ["bash(git push*)"]\n}\nsandbox {\n}\n'


async def test_sandbox_auto_allow_runs_contained_commands_unasked_but_rules_still_hold(
    workspace: Path,
) -> None:
    session = agent(AUTO).session(workspace)  # no confirmation channel: an ask would fail the call
    (workspace / "build").mkdir()
    for command in ("rm -rf build", "echo $(whoami) > who.txt", "cat ../outside > /tmp/x; echo ran"):
        result = await session.tool_async("bash", {"command": command})
        assert "needs confirmation" not in result.output, (command, result.output)
    assert not (workspace / "build").exists() and (workspace / "who.txt").exists()
    denied = await session.tool_async("bash", {"command": "rm -rf /opt/data"})
    assert denied.is_error and "denied by rule" in denied.output
    guarded = await session.tool_async("bash", {"command": "rm -rf /home"})
    assert guarded.is_error and "guardrail" in guarded.output
    asked = await session.tool_async("sandbox", {"command": "git push origin main"})
    assert asked.is_error and "needs confirmation" in asked.output
    named = PermissionPolicy("sandbox_auto_allow").deny("sandbox")
    assert named.check("sandbox", {"command": "ls"}, workspace).verdict == "deny"
    assert named.check("write", {"file_path": "a.txt", "content": ""}, workspace).verdict == "ask"


def test_sandbox_auto_allow_without_a_sandbox_refuses_to_start(workspace: Path) -> None:
    with pytest.raises(SandboxError, match="sandbox_auto_allow lets bash run unasked only inside a sandbox"):
        agent('permissions {\n  mode = "sandbox_auto_allow"\n}\n').session(workspace)


def fake_bwrap(tmp_path: Path, message: str) -> Path:
    script = tmp_path / "bwrap"
    script.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit 1\n")
    script.chmod(0o755)
    return script


CONTAINER_FAILURES = [
    "bwrap: No permissions to creating new namespace, likely because the kernel does not allow "
    "non-privileged user namespaces. On e.g. debian this can be enabled with "
    "sysctl kernel.unprivileged_userns_clone=1.",
    "bwrap: setting up uid map: Permission denied",
    "bwrap: Creating new namespace failed: Operation not permitted",
]


@pytest.mark.parametrize("message", CONTAINER_FAILURES)
def test_where_namespaces_are_not_permitted_the_session_refuses_and_says_how_to_fix_it(
    workspace: Path, tmp_path: Path, message: str
) -> None:
    binary = fake_bwrap(tmp_path, message)
    with pytest.raises(SandboxUnavailableError) as caught:
        agent(f'sandbox {{\n  bwrap = "{binary}"\n}}\n').session(workspace)
    text = str(caught.value)
    assert message in text and "cannot create its namespaces" in text
    assert "kernel.unprivileged_userns_clone=1" in text and "outside the container" in text


@pytest.mark.parametrize("where", ["/nonexistent/bin/bwrap", "no-such-bwrap"])
def test_a_missing_bubblewrap_refuses_the_session_and_says_how_to_install_it(
    workspace: Path, where: str
) -> None:
    with pytest.raises(SandboxUnavailableError, match=r"apt-get install bubblewrap"):
        agent().session(workspace, SessionOptions().with_sandbox(SandboxConfig(bwrap=where)))


def minimal_rootfs(root: Path, programs: list[str]) -> Path:
    """A root folder holding ``programs`` and the shared libraries ``ldd`` says they load."""
    for program in programs:
        source = Path(shutil.which(program) or program).resolve()
        files = [(source, Path("usr/bin") / program)]
        listing = subprocess.run(["ldd", str(source)], capture_output=True, text=True, check=True).stdout
        for lib in re.findall(r"(/\S+) \(0x", listing):
            files.append((Path(lib).resolve(), Path(lib.lstrip("/"))))
        for src, rel in files:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / rel)
    (root / "bin").symlink_to("usr/bin")
    (root / "etc").mkdir()
    (root / "etc" / "marker").write_text("from the image\n")
    return root


async def test_an_image_folder_replaces_the_host_root(workspace: Path, tmp_path: Path) -> None:
    image = minimal_rootfs(tmp_path / "rootfs", ["bash", "cat"])
    (workspace / "data.txt").write_text("workspace data\n")
    config = SandboxConfig(image=str(image), env={"PATH": "/usr/bin"}, memory_mb=128, max_processes=50)
    sh = Shell(workspace, config)
    result = await sh.bash(
        "cat /etc/marker data.txt /workspace/data.txt; [ -e /etc/passwd ] || echo no-host-etc; ulimit -d -u"
    )
    # no prlimit in this image: bash's own ulimit set the limits before the command ran (as root the
    # memory limit is set before bwrap starts and the process cap is a cgroup instead)
    lines = result.output.splitlines()
    assert lines[:5] == [
        "from the image",
        "workspace data",
        "workspace data",
        "no-host-etc",
        "data seg size               (kbytes, -d) 131072",
    ]
    if os.geteuid() != 0:
        assert lines[5] == "max user processes                  (-u) 50"
    assert sh.sandbox.describe().image == str(image)


@pytest.mark.parametrize(
    "name",
    [
        "ubuntu:22.04",
        "alpine",
        "alpine:latest",
        "docker.io/library/debian:bookworm",
        "ghcr.io/org/tool@sha256:" + "a" * 64,
    ],
)
def test_an_oci_image_name_is_refused_naming_the_folder_alternative(workspace: Path, name: str) -> None:
    with pytest.raises(SandboxConfigError) as caught:
        Shell(workspace, SandboxConfig(image=name))
    assert "OCI image name" in str(caught.value) and 'image = "/path/to/rootfs"' in str(caught.value)


def test_image_folders_that_cannot_work_are_refused(workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(SandboxConfigError, match="image folder not found"):
        Shell(workspace, SandboxConfig(image=str(tmp_path / "missing")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SandboxConfigError, match="has no bin/bash"):
        Shell(workspace, SandboxConfig(image=str(tmp_path / "empty")))
    with pytest.raises(SandboxConfigError, match="ro_mounts entry"):
        Shell(workspace, SandboxConfig(ro_mounts=[str(tmp_path / "nope")]))


async def test_a_mount_that_vanished_fails_the_call_with_bubblewraps_reason(
    workspace: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    sh = Shell(workspace, SandboxConfig(rw_mounts=[str(cache)]))
    cache.rmdir()
    result = await sh.bash("echo ran > ran.txt")
    assert result.is_error and "bwrap:" in result.output and str(cache) in result.output, result.output
    assert not (workspace / "ran.txt").exists()
