"""A real ``redis-server`` for the tests: a free loopback port, a throw-away data directory, a password.

Off CI, a machine without ``redis-server`` skips these tests with a message; on CI (``CI=true``)
that is a failure, since ``.ci/run`` installs it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_redis_server() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server); the Redis tests need one"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


@dataclass
class RedisServer:
    directory: Path
    aof: bool = False
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    tls: Path | None = None
    """A folder with ``ca.pem``, ``server.pem`` and ``server.key``: serve TLS only (``rediss://``)."""

    @property
    def url(self) -> str:
        if self.tls is not None:
            return f"rediss://:{self.password}@127.0.0.1:{self.port}/0?ssl_ca_certs={self.tls / 'ca.pem'}"
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = require_redis_server()
        for _attempt in range(5):
            self.port = self.port or _free_port()
            args = [
                binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--requirepass", self.password,
                "--save", "",
                "--appendonly", "yes" if self.aof else "no",
                "--appendfsync", "always",
                "--logfile", str(self.directory / "redis.log"),
            ]  # fmt: skip
            if self.tls is not None:
                args[2] = "0"  # no plain port
                args += ["--tls-port", str(self.port), "--tls-auth-clients", "no"]
                args += [
                    "--tls-cert-file",
                    str(self.tls / "server.pem"),
                    "--tls-key-file",
                    str(self.tls / "server.key"),
                ]
                args += ["--tls-ca-cert-file", str(self.tls / "ca.pem")]
            self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready():
                return self
            self.stop()
            self.port = 0  # taken meanwhile by another test process: try another
        log = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"redis-server did not start:\n{log}")

    def _wait_ready(self, timeout: float = 10.0) -> bool:
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            with contextlib.suppress(redis.exceptions.RedisError):
                if client.ping():
                    client.close()
                    return True
            time.sleep(0.02)
        return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM is Redis's clean shutdown (the AOF is flushed); SIGKILL is a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        """Same port, same data directory: what survives is what the AOF kept."""
        self.stop()
        self.start()


def make_certificates(folder: Path) -> Path:
    """A throw-away CA and a server certificate for 127.0.0.1, made with the ``openssl`` command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed; the TLS test needs it to make certificates")
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-keyout", "ca.key", "-out", "ca.pem")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
            "-out", "server.csr")  # fmt: skip
    (folder / "san.cnf").write_text("subjectAltName = IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "1", "-extfile", "san.cnf", "-out", "server.pem")  # fmt: skip
    return folder
