"""Start ``python -m a3s_lsp ...`` for a test without paying for the provider SDKs' import each time.

A daemon's first turn imports ``anthropic`` and ``openai`` (about 3,800 modules: ~2.5 s of CPU on the
2-core CI machine), and the suite starts a few hundred daemons. So each pytest(-xdist) worker keeps one
*fork server*: a Python process that imported those third-party packages (not ``a3s_lsp`` nor
``a3s_code``: the daemon's own imports, lazy ones included, still run in every daemon) and forks a
daemon per request. ``command(argv)`` is the command line to give a client instead of
``[sys.executable, *argv]``: a small launcher (``python -S``, a few ms) that hands its stdin, stdout
and stderr to the fork server over a Unix socket, and exits with the daemon's exit status once the
daemon process is gone. The forked daemon runs ``runpy`` on the same module with the launcher's
``argv``, environment and working directory, so the protocol, the files and the logs are the real
daemon's.

When a variable Python reads at start-up (``PYTHON*``) differs from the fork server's, or the server
cannot be reached, the launcher ``exec``s the plain command instead. A test about the daemon's own
start-up (``tests/lsp/test_lazy_import.py``, ``tests/lsp/test_protocol.py``) starts it the plain way.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRELOAD = ("anthropic", "openai", "pygls.lsp.server", "lsprotocol.types", "pydantic")

# Runs in the fork server (``python -c``): argv[1] is the socket path. Exits when its stdin closes
# (the pytest worker ended).
_SERVER = r"""
import array, gc, importlib, json, os, random, runpy, select, signal, socket, sys
for name in sys.argv[2].split(","):
    importlib.import_module(name)
gc.freeze()  # what is loaded stays out of the daemons' collections (and their pages stay shared)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked daemons are reaped by the kernel
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(16)
print("ready", flush=True)
while True:
    ready, _, _ = select.select([listener, sys.stdin], [], [])
    if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1):  # the worker is gone (or closed it)
        os.unlink(sys.argv[1])
        os.rmdir(os.path.dirname(sys.argv[1]))
        sys.exit(0)
    if listener not in ready:
        continue
    conn, _ = listener.accept()
    fds = array.array("i")
    msg, ancdata, _, _ = conn.recvmsg(1 << 20, socket.CMSG_LEN(3 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    size, msg = int(msg[:10]), msg[10:]  # the launcher sends a 10-digit length first
    while len(msg) < size and (more := conn.recv(size - len(msg))):
        msg += more
    request = json.loads(msg)
    startup = {k: v for k, v in os.environ.items() if k.startswith("PYTHON")}
    wanted = {k: v for k, v in request["env"].items() if k.startswith("PYTHON")}
    if len(fds) != 3 or startup != wanted:
        conn.sendall(b"exec\n")
        conn.close()
        for fd in fds:
            os.close(fd)
        continue
    if os.fork() == 0:
        break
    conn.close()
    for fd in fds:
        os.close(fd)

# A supervisor: forks the daemon, tells the launcher its pid, waits and reports its exit status.
listener.close()
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
pid = os.fork()
if pid:
    for fd in fds:
        os.close(fd)
    conn.sendall(b"forked %d\n" % pid)
    # The launcher sends nothing more: its end closing means it was killed (SIGKILL cannot be
    # forwarded), and so is the daemon, as if it had been the process killed.
    pidfd = os.pidfd_open(pid)
    if pidfd not in select.select([conn, pidfd], [], [])[0]:
        os.kill(pid, signal.SIGKILL)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    try:
        conn.sendall(b"exit %d\n" % (code if code >= 0 else 128 - code))
    finally:
        os._exit(0)

# The daemon: what `python -m MODULE ARGS` would do, with the launcher's stdio, environment and folder.
conn.close()
for target, fd in enumerate(fds):
    os.dup2(fd, target)
    os.close(fd)
os.environ.clear()
os.environ.update(request["env"])
os.chdir(request["cwd"])
sys.path[0] = os.getcwd()
random.seed()
module = request["module"]
sys.argv = ["-m", *request["args"]]  # runpy puts the module's file first, as `-m` does
del conn, listener, fds, ready, msg, ancdata, request, startup, wanted, pid, size
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""

# Runs as the client's "server command" (``python -S -c``): argv[1] is the socket path, the rest the
# daemon's arguments after the interpreter (``-m a3s_lsp ...``).
_LAUNCHER = r"""
import array, json, os, socket, sys
path, argv = sys.argv[1], sys.argv[2:]
def plain():
    os.execv(sys.executable, [sys.executable, *argv])
try:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    body = json.dumps({"module": argv[1], "args": argv[2:], "env": dict(os.environ), "cwd": os.getcwd()})
    body = b"%010d" % len(body.encode()) + body.encode()
    conn.sendmsg([body[:4096]], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0, 1, 2]))])
    conn.sendall(body[4096:])
    reply = conn.makefile("rb")
    first = reply.readline()
except OSError:
    plain()
if not first.startswith(b"forked"):
    plain()
import signal
daemon = int(first.split()[1])
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # a client ending "the server" ends the daemon
    signal.signal(sig, lambda number, _frame: os.kill(daemon, number))
for fd in (0, 1, 2):  # the daemon has them; the client sees EOF when the daemon ends
    os.close(fd)
code = 128 + 9  # gone without a word: killed
for line in reply:
    if line.startswith(b"exit "):
        code = int(line.split()[1]) & 0xFF
os._exit(code)
"""


class _ForkServer:
    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="a3s-fork-")
        self.path = os.path.join(self.folder, "fork.sock")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, self.path, ",".join(PRELOAD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if ready.strip() != b"ready":
            raise RuntimeError(f"the daemon fork server did not start: {ready!r}")
        atexit.register(self.close)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)  # it removes its socket and folder
        except subprocess.TimeoutExpired:
            self.proc.kill()


_server: _ForkServer | None = None


def command(argv: list[str]) -> list[str]:
    """The command line that runs ``[sys.executable, *argv]`` (``argv`` starts ``-m MODULE``) forked
    from this worker's fork server (started at the first call)."""
    global _server
    if argv[:1] != ["-m"]:
        return [sys.executable, *argv]
    if _server is None or _server.proc.poll() is not None:
        _server = _ForkServer()
    return [sys.executable, "-S", "-c", _LAUNCHER, _server.path, *argv]
