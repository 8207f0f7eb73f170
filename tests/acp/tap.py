"""``python -m tests.acp.tap LOG CMD...``: run CMD with stdio passed through, and write every line
each way to LOG as ``{"dir": "in"|"out", "line": ...}`` (``in``: client to agent)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from typing import IO


def main() -> None:
    log_path, *cmd = sys.argv[1:]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    lock = threading.Lock()
    with open(log_path, "a", encoding="utf-8") as log:

        def record(direction: str, line: bytes) -> None:
            with lock:
                log.write(json.dumps({"dir": direction, "line": line.decode("utf-8", "replace")}) + "\n")
                log.flush()

        def pump(source: IO[bytes], sink: IO[bytes], direction: str) -> None:
            for line in iter(source.readline, b""):
                record(direction, line)
                try:
                    sink.write(line)
                    sink.flush()
                except (BrokenPipeError, ValueError):
                    break
            with contextlib.suppress(BrokenPipeError, OSError):
                sink.close()

        inbound = threading.Thread(target=pump, args=(sys.stdin.buffer, child.stdin, "in"), daemon=True)
        inbound.start()
        pump(child.stdout, sys.stdout.buffer, "out")
        sys.exit(child.wait())


if __name__ == "__main__":
    main()
