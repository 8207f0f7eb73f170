"""docs/protocol.md against the real daemon: every documented ``a3s/*`` method is served, and every
JSON sample has the shape of a message the daemon really sends.

One daemon (``a3s-lsp --config agent.hcl`` on stdio, fake LLM) runs one scenario for the module:
a session, a turn whose ``bash`` call asks for confirmation, a team run, then a call to every
method the page names. A sample is matched to its method by its own ``method`` field or by the
section it sits in; ``…`` in a sample stands for elided keys, list items or values.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from a3s_lsp.client import A3SClient, RpcError
from tests.docs.blocks import ROOT, Block, all_blocks, ids
from tests.docs.samples import BIN, sample_env, workspace
from tests.fakellm import FakeLLM, Turn
from tests.fakellm.team import TeamScript

PAGE = "docs/protocol.md"
METHOD = re.compile(r"`(a3s/[a-z][\w/]*[a-z])`")
ELIDED = "…"


def sample_kind(block: Block) -> tuple[str, str] | None:
    """(method, "result" | "notification" | "request") the sample shows, or None."""
    if block.lang != "json":
        return None
    data = json.loads(block.code)
    if isinstance(data, dict) and "jsonrpc" in data and str(data.get("method")).startswith("a3s/"):
        return data["method"], "request" if "id" in data else "notification"
    if block.page != PAGE:
        return None
    named = METHOD.search(block.heading)
    if named is None:
        return None
    return named.group(1), "notification" if "notification" in block.heading else "result"


def claims(block: Block) -> bool:
    return sample_kind(block) is not None


def documented_methods() -> tuple[list[str], set[str]]:
    """Client-to-server methods named in the page's headings and text; server-to-client ones apart."""
    text = (ROOT / PAGE).read_text()
    requests: list[str] = []
    pushed: set[str] = set()
    for line in text.splitlines():
        names = METHOD.findall(line)
        if line.startswith("#") and " · " in line and names:  # `a3s/worktree/create` · `list` · ...
            stem = names[0].rsplit("/", 1)[0]
            names += [f"{stem}/{w}" for w in re.findall(r"· `(\w+)`", line)]
        if line.startswith("#") and "server → client" in line:
            pushed.update(names)
            continue
        requests += [n for n in names if n not in requests]
    for block in all_blocks("json"):
        kind = sample_kind(block)
        if kind and kind[1] in ("notification", "request"):
            pushed.add(kind[0])
    return [m for m in requests if m not in pushed], pushed


def documented_commands() -> list[str]:
    """``a3s.*`` commands of the workspace/executeCommand table (``.list`` etc. expanded)."""
    text = (ROOT / PAGE).read_text().split("## Commands", 1)[1].split("\n## ", 1)[0]
    found: list[str] = []
    for row in text.splitlines():
        if not row.startswith("| `a3s."):
            continue
        cell = row.split("|")[1]
        names = re.findall(r"`(a3s\.[\w.]+)`", cell)
        stem = names[0].rsplit(".", 1)[0]
        found += names + [f"{stem}{w}" for w in re.findall(r"`(\.\w+)`", cell)]
    return found


@dataclass
class Observed:
    """What the daemon sent during the scenario."""

    init: dict[str, Any] = field(default_factory=dict)
    messages: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    codes: dict[str, int | None] = field(default_factory=dict)
    """Documented method -> JSON-RPC error code it answered with (None: a result)."""

    def add(self, method: str, kind: str, payload: Any) -> None:
        self.messages.setdefault((method, kind), []).append(payload)


async def scenario(root: Path, fake: FakeLLM) -> Observed:
    seen = Observed()
    client = await A3SClient.spawn(
        command=[str(BIN / "a3s-lsp"), "--config", "agent.hcl", "--log-file", "daemon.log"],
        env=sample_env(root),
        cwd=str(root),
    )

    def confirm(params: Any) -> dict[str, str]:
        seen.add("a3s/confirm", "request", params)
        return {"decision": "allow"}

    client.on_request("a3s/confirm", confirm)
    async with client:
        seen.init = await client.initialize(root=root)

        async def call(method: str, params: dict[str, Any]) -> Any:
            try:
                result = await asyncio.wait_for(client.request(method, params), 60)
            except RpcError as exc:
                seen.codes[method] = exc.code
                return None
            seen.codes[method] = None
            seen.add(method, "result", result)
            return result

        session = (await call("a3s/session/create", {}))["sessionId"]
        fake.add(Turn.tool_call("bash", {"command": "rm -rf build"}), Turn.text("Removed the build folder."))
        await call("a3s/session/send", {"sessionId": session, "prompt": "Remove the build folder"})
        fake.add(
            Turn.tool_call("write", {"file_path": "notes.md", "content": "# Notes\n"}), Turn.text("Done.")
        )
        await call("a3s/session/send", {"sessionId": session, "prompt": "Start the notes"})
        await call("a3s/turn/diff", {"sessionId": session})
        TeamScript(["Add a User model", "Add a login endpoint"]).install(fake, replies=60)
        await call("a3s/team/run", {"goal": "Add user accounts", "workers": 1})
        fake.script.clear()
        await external_lane(client, call, fake, session)
        requests, _ = documented_methods()
        for method in requests:
            if method not in seen.codes and method != "a3s/session/close":
                await call(method, {"sessionId": session, "names": ["mcp"], "command": "/cost"})
        await call("a3s/session/close", {"sessionId": session})
        await asyncio.sleep(0.2)
    for method, params in client.notifications:
        seen.add(method, "notification", params)
    return seen


async def external_lane(client: A3SClient, call: Any, fake: FakeLLM, session: str) -> None:
    """A bash call routed to an external lane: this client acts as the worker and answers it; then
    one nobody answers, which becomes a dead letter."""
    lane = {"sessionId": session, "lane": "execute", "mode": "external", "timeoutMs": 30000}
    await call("a3s/queue/setLaneHandler", lane)
    fake.add(Turn.tool_call("bash", {"command": "make test"}), Turn.text("Tests pass."))
    turn = asyncio.ensure_future(call("a3s/session/send", {"sessionId": session, "prompt": "Run the tests"}))
    for _ in range(600):
        pending = await client.request("a3s/queue/pending", {"sessionId": session})
        if pending["tasks"]:
            break
        await asyncio.sleep(0.05)
    await call("a3s/queue/pending", {"sessionId": session})
    task_id = pending["tasks"][0]["taskId"]
    await call("a3s/queue/claim", {"taskId": task_id})
    await call("a3s/queue/complete", {"taskId": task_id, "result": {"output": "12 passed", "exit_code": 0}})
    await turn
    await call("a3s/queue/setLaneHandler", {**lane, "timeoutMs": 200})
    fake.add(Turn.tool_call("bash", {"command": "make deploy"}), Turn.text("The deploy did not run."))
    await call("a3s/session/send", {"sessionId": session, "prompt": "Deploy"})
    await call("a3s/queue/stats", {"sessionId": session})


def run_scenario(tmp: Path) -> Observed:
    fake = FakeLLM()
    fake.start_in_thread()
    try:
        root = workspace(tmp, fake, extra="queue {\n  enable_dlq = true\n}\n")
        (root / "build").mkdir()
        return asyncio.run(scenario(root, fake))
    finally:
        fake.stop_thread()


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Observed:
    """Once per test run: under xdist the first worker runs the scenario, the other reads its record."""
    if worker_id == "master":
        return run_scenario(tmp_path_factory.mktemp("protocol"))
    shared = tmp_path_factory.getbasetemp().parent
    record = shared / "docs-protocol.json"
    with open(shared / "docs-protocol.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            seen = run_scenario(tmp_path_factory.mktemp("protocol"))
            messages = [[method, kind, payloads] for (method, kind), payloads in seen.messages.items()]
            record.write_text(json.dumps({"init": seen.init, "messages": messages, "codes": seen.codes}))
    data = json.loads(record.read_text())
    messages = {(method, kind): payloads for method, kind, payloads in data["messages"]}
    return Observed(data["init"], messages, data["codes"])


def shape_problems(doc: Any, real: Any, path: str = "") -> list[str]:
    """Where the documented value differs in shape from the real one (keys, nesting, JSON types)."""
    if doc == ELIDED or doc is None or real is None:
        return []
    if isinstance(doc, dict):
        if not isinstance(real, dict):
            return [f"{path or '.'}: documented an object, the daemon sent {json.dumps(real)[:80]}"]
        problems = [f"{path}.{k}: documented, never sent" for k in doc if k != ELIDED and k not in real]
        if ELIDED not in doc:
            problems += [f"{path}.{k}: sent, not documented" for k in real if k not in doc]
        for key in doc.keys() & real.keys():
            problems += shape_problems(doc[key], real[key], f"{path}.{key}")
        return problems
    if isinstance(doc, list):
        if not isinstance(real, list):
            return [f"{path}: documented a list"]
        items = [d for d in doc if d != ELIDED]
        return shape_problems(items[0], real[0], f"{path}[0]") if items and real else []
    number = (int, float)
    same = isinstance(doc, number) and isinstance(real, number) and not isinstance(real, bool)
    if not same and type(doc) is not type(real):
        return [f"{path}: documented {type(doc).__name__}, the daemon sent {type(real).__name__}"]
    return []


SAMPLES = [b for b in all_blocks("json") if claims(b)]


@pytest.mark.parametrize("block", SAMPLES, ids=ids(SAMPLES))
def test_sample_has_the_shape_the_daemon_sends(block: Block, observed: Observed) -> None:
    kind = sample_kind(block)
    assert kind is not None
    data = json.loads(block.code)
    doc = data["params"] if "jsonrpc" in data else data
    real = observed.messages.get(kind)
    assert real, f"{block.where}: the scenario never saw a {kind[1]} of {kind[0]} (extend scenario())"
    best = min((shape_problems(doc, r) for r in real), key=len)
    assert not best, f"{block.where} ({kind[0]} {kind[1]}) differs from the daemon:\n" + "\n".join(best)


def test_every_documented_method_is_served(observed: Observed) -> None:
    requests, pushed = documented_methods()
    assert {"a3s/session/create", "a3s/session/send", "a3s/worktree/status", "a3s/debug/modules"} <= set(
        requests
    )
    unknown = [m for m in requests if observed.codes.get(m, -32601) == -32601]
    assert not unknown, f"documented in {PAGE} but not served (-32601): {unknown}"
    assert {"a3s/event", "a3s/confirm"} <= pushed
    for method in pushed:
        assert (method, "notification") in observed.messages or (method, "request") in observed.messages, (
            method
        )


def test_every_documented_command_is_advertised(observed: Observed) -> None:
    commands = documented_commands()
    assert "a3s.worktree.status" in commands and "a3s.prompt" in commands
    advertised = observed.init["capabilities"]["executeCommandProvider"]["commands"]
    assert sorted(set(commands) - set(advertised)) == []


def test_shape_check_catches_what_it_should() -> None:
    real = {"sessionId": "s1", "usage": {"input_tokens": 3, "output_tokens": 4}, "costUsd": 0, "extra": True}
    assert shape_problems({"sessionId": "…", "usage": {"…": 0}, "costUsd": 0.5, "…": 0}, real) == []
    assert shape_problems({"sessionId": "x", "usage": {"input_tokens": 1}, "costUsd": 0.0}, real) == [
        ".extra: sent, not documented",
        ".usage.output_tokens: sent, not documented",
    ]
    assert shape_problems({"session_id": "x", "…": 0}, real) == [".session_id: documented, never sent"]
    assert shape_problems({"costUsd": "0", "…": 0}, real) == [".costUsd: documented str, the daemon sent int"]
