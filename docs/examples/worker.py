"""An external worker: runs the tool calls a3s-lsp routes to an external lane, on this machine.

Start the daemon on TCP, route a lane to workers, then start as many workers as you like:

    a3s-lsp --tcp 127.0.0.1:7700 --token "$T" --config agent.hcl
    # from the editor: a3s/queue/setLaneHandler {"sessionId": ..., "lane": "execute", "mode": "external"}
    python worker.py 127.0.0.1:7700 --token "$T" --name build-box --workdir /src/project

The worker waits for ``a3s/queue/taskPending``, claims one task at a time with
``a3s/queue/pending {"claim": 1}`` (so two workers never run the same task), runs it, and posts
the result with ``a3s/queue/complete``. It runs ``bash`` and ``read``; anything else is reported
as a failure. See docs/protocol.md, "External workers".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from a3s_lsp.client import A3SClient, RpcError


async def run_task(task: dict[str, Any], workdir: Path, name: str) -> dict[str, Any]:
    """The ``a3s/queue/complete`` params for one task."""
    tool, args = task["commandType"], task["payload"]
    done = {"taskId": task["taskId"], "sessionId": task["sessionId"]}
    if tool == "bash":
        proc = await asyncio.create_subprocess_shell(
            str(args.get("command", "")),
            cwd=workdir,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        result = {
            "output": out.decode(errors="replace"),
            "exit_code": proc.returncode,
            "metadata": {"worker": name},
        }
        return {**done, "success": True, "result": result}
    if tool == "read":
        path = workdir / str(args.get("file_path") or args.get("path"))
        try:
            return {
                **done,
                "success": True,
                "result": {"output": path.read_text(), "metadata": {"worker": name}},
            }
        except OSError as exc:
            return {**done, "success": False, "error": f"{name} could not read {path}: {exc}"}
    return {**done, "success": False, "error": f"worker {name} does not run '{tool}'"}


async def work(address: str, token: str, name: str, workdir: Path, delay_ms: int) -> None:
    host, _, port = address.rpartition(":")
    client = await A3SClient.connect(host or "127.0.0.1", int(port))
    wake = asyncio.Event()
    client.on_notification("a3s/queue/taskPending", lambda _params: wake.set())
    joined = await client.initialize(options={"token": token, "worker": name})
    print(f"{joined['worker']} ready", flush=True)
    try:
        while True:
            wake.clear()
            tasks = (await client.request("a3s/queue/pending", {"claim": 1}))["tasks"]
            if not tasks:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), 1.0)  # the notification, or a poll now and then
                continue
            task = tasks[0]
            print(f"{name} runs {task['taskId']}: {task['commandType']}", flush=True)
            await asyncio.sleep(delay_ms / 1000)
            try:
                await client.request("a3s/queue/complete", await run_task(task, workdir, name))
            except RpcError as exc:  # timed out meanwhile: the agent has moved on
                print(f"{name}: answer refused: {exc.message}", flush=True)
    except ConnectionError:
        print(f"{name}: the daemon closed the connection", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="HOST:PORT of a3s-lsp --tcp")
    parser.add_argument("--token", default=os.environ.get("A3S_LSP_TOKEN"), help="the daemon's token")
    parser.add_argument("--name", default=f"worker-{os.getpid()}")
    parser.add_argument("--workdir", default=".", help="where bash runs and read reads")
    parser.add_argument("--delay-ms", type=int, default=0, help="pause before each task (demos, tests)")
    args = parser.parse_args()
    if not args.token:
        sys.exit("worker: pass --token or set A3S_LSP_TOKEN")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(work(args.address, args.token, args.name, Path(args.workdir).resolve(), args.delay_ms))


if __name__ == "__main__":
    main()
