"""Side by side with OpenAI Codex against one local fake Responses server.

Run: ``.venv/bin/python -m tests.bench.bench_codex [--rounds 400] [--runs 5]``. Codex comes from npm
(``@openai/codex``), installed into ``~/.cache/a3s-bench/codex`` on first run; when it cannot be
installed or run, its side is skipped with a message and only our figures print. Both talk to the
same ``tests.fakellm`` server (Responses API, loopback), which timestamps every request's arrival
and every reply's last byte. Figures:

1. spawn → first model request: ``codex exec "say hi"`` against ``a3s-code "say hi"`` (and the
   daemon: spawn, initialize, create a session, send).
2. resume of a ``--rounds``-round session: ``codex exec resume --last`` against a fresh process that
   resumes ours through the public API and sends one prompt; spawn → first model request.
3. per-round time (server side: reply written → next request arrived) near the start (rounds 5-35) and at the
   end of the long session, ours and Codex's, and our ratio of the two.
4. the daemon's event loop during the first prompt: the slowest answer to a request sent every
   10 ms from ``initialized`` to the end of the turn (goal: under 50 ms).
5. streamed text deltas per second through the daemon against the ``anthropic`` SDK alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from a3s_lsp.client import A3SClient
from tests.fakellm import FakeLLM, Text, ToolCall, Turn

CACHE = Path.home() / ".cache" / "a3s-bench"
CODEX = CACHE / "codex" / "node_modules" / ".bin" / "codex"
BIN = Path(sys.executable).parent
MODEL = "gpt-5.5"


def ensure_codex() -> Path | None:
    if not CODEX.exists():
        try:
            subprocess.run(
                ["npm", "install", "--prefix", str(CODEX.parents[2]), "@openai/codex"],
                check=True,
                capture_output=True,
                timeout=900,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"Codex side skipped: cannot install @openai/codex ({exc})")
            return None
    try:
        subprocess.run([str(CODEX), "--version"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"Codex side skipped: {CODEX} does not run ({exc})")
        return None
    return CODEX


def codex_env(fake: FakeLLM) -> dict[str, str]:
    home = CACHE / "codex-home"  # outside /tmp: Codex warns about PATH aliases under /tmp
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'model = "{MODEL}"\nmodel_provider = "fake"\napproval_policy = "never"\n'
        'sandbox_mode = "danger-full-access"\n[model_providers.fake]\nname = "Fake local"\n'
        f'base_url = "{fake.openai_url}"\nenv_key = "FAKE_OPENAI_KEY"\nwire_api = "responses"\n'
        "request_max_retries = 0\nstream_max_retries = 0\n"
    )
    return {**os.environ, "CODEX_HOME": str(home), "FAKE_OPENAI_KEY": "sk-fake"}


def our_config(fake: FakeLLM, root: Path) -> Path:
    config = root / "agent.hcl"
    config.write_text(fake.config("openai", MODEL, api="responses"))
    return config


async def first_request_ms(fake: FakeLLM, argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Spawn ``argv`` and wait for it; milliseconds from spawn to its first model request."""
    seen = len(fake.arrivals)
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    _, err = await proc.communicate()
    if proc.returncode != 0 or len(fake.arrivals) <= seen:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {err.decode()[-500:]}")
    return (fake.arrivals[seen] - start) * 1000


def rounds_ms(fake: FakeLLM, first: int, last: int) -> tuple[float, float]:
    """Median server-side round (reply k written → request k+1 arrived) near the start (rounds 5
    to 35: history 10 to 70 messages) and over the last 30 rounds of the session whose requests
    are ``first..last`` in the fake's log."""
    gaps = [(fake.arrivals[k + 1] - fake.finished[k]) * 1000 for k in range(first, last)]
    # 30 rounds each side: a 10-round window's median moved by 2x with one burst of load
    return statistics.median(gaps[5:35]), statistics.median(gaps[-30:])


async def slowest_answer_during(client: A3SClient, session_id: str, prompt: str) -> float:
    """Run one prompt while a request goes to the daemon every 10 ms; the slowest answer, in ms."""
    worst = 0.0
    done = asyncio.Event()

    async def ping() -> None:
        nonlocal worst
        while not done.is_set():
            sent = time.perf_counter()
            await client.request("a3s/session/list", {})
            worst = max(worst, (time.perf_counter() - sent) * 1000)
            await asyncio.sleep(0.01)

    pinger = asyncio.create_task(ping())
    async for _ in client.turn(session_id, prompt):
        pass
    done.set()
    await pinger
    return worst


async def daemon_first_prompt(
    fake: FakeLLM, config: Path, root: Path, settle_s: float = 0.0, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """(spawn → first model request ms, slowest answer during the first prompt, the same during
    a second prompt: this machine's noise). ``settle_s``: wait that long after ``initialized``.
    The daemon is the ``a3s-lsp`` executable, as editors start it, with ``env`` added."""
    seen = len(fake.arrivals)
    start = time.perf_counter()
    client = await A3SClient.spawn(command=[str(BIN / "a3s-lsp"), "--config", str(config)], env=env)
    await client.initialize(root=root)
    await asyncio.sleep(settle_s)
    session = await client.request("a3s/session/create", {})
    first = await slowest_answer_during(client, session["sessionId"], "say hi")
    second = await slowest_answer_during(client, session["sessionId"], "say hi again")
    await client.close()
    return (fake.arrivals[seen] - start) * 1000, first, second


async def deltas_per_second(fake: FakeLLM, root: Path, deltas: int) -> tuple[float, float]:
    """(through the daemon, with the anthropic SDK alone): text deltas per second, from the
    request's arrival at the server to the last delta at the client."""
    text = "x" * (deltas * 4)
    import anthropic

    sdk = anthropic.AsyncAnthropic(api_key="k", base_url=fake.anthropic_url, max_retries=0)
    fake.add(Turn(items=[Text(text)], text_chunk=4))
    seen = len(fake.arrivals)
    stream = await sdk.messages.create(
        model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}], stream=True
    )
    count = 0
    async for event in stream:
        count += event.type == "content_block_delta"
    alone = count / (time.perf_counter() - fake.arrivals[seen])
    config = root / "anthropic.hcl"
    config.write_text(fake.config("anthropic"))
    client = await A3SClient.spawn("--config", str(config))
    await client.initialize(root=root)
    session = await client.request("a3s/session/create", {})
    fake.add(Turn.text("warm"), Turn(items=[Text(text)], text_chunk=4))
    async for _ in client.turn(session["sessionId"], "warm up"):
        pass
    seen = len(fake.arrivals)
    received = 0
    async for event in client.turn(session["sessionId"], "stream"):
        body = event.get("event", {})
        if body.get("type") == "text_delta":
            received += len(body["text"])
    through = deltas / (time.perf_counter() - fake.arrivals[seen])
    await client.close()
    assert received == len(text), (received, len(text))
    return through, alone


def long_session_turns(rounds: int, tool: str, args: dict[str, Any]) -> list[Turn]:
    return [Turn(items=[ToolCall(tool, args)]) for _ in range(rounds)] + [Turn.text("All done.")]


LONG = (
    "import sys\nfrom a3s_code import Agent, SessionOptions\n"
    "options = SessionOptions(max_tool_rounds=int(sys.argv[3]) + 1).with_file_session_store(sys.argv[2])\n"
    "session = Agent(sys.argv[1]).session('.', options)\n"
    "result = session.send('Read notes.txt again and again.')\n"
    "assert result.stop_reason == 'end_turn', result\n"
    "session.save()\nprint(session.session_id)\n"
)


async def ours_long_session(
    fake: FakeLLM, config: Path, root: Path, rounds: int, home: Path
) -> tuple[str, Path, int]:
    """A ``rounds``-round session (reading a 2 KB file each round) in its own process, as Codex's
    runs, saved where the CLI looks for it (``home``/.a3s/sessions); (session id, store, index of
    its first request in the fake's log)."""
    (root / "notes.txt").write_text("".join(f"line {i}: some notes about the project\n" for i in range(50)))
    store = home / ".a3s" / "sessions"
    fake.add(*long_session_turns(rounds, "read", {"file_path": "notes.txt"}))
    first = len(fake.arrivals)
    done = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LONG,
        str(config),
        str(store),
        str(rounds),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=root,
    )
    out, err = await done.communicate()
    if done.returncode != 0:
        raise RuntimeError(err.decode()[-800:])
    return out.decode().split()[-1], store, first


RESUME = (
    "import sys\nfrom a3s_code import Agent, SessionOptions\n"
    "options = SessionOptions().with_file_session_store(sys.argv[3])\n"
    "session = Agent(sys.argv[1]).resume_session(sys.argv[2], options)\n"
    "print(session.send('One more thing.').text)\n"
)


def row(name: str, ours: float, theirs: float | None, unit: str = "ms") -> str:
    ratio = f"**{ours / theirs:.2f}x**" if theirs else "n/a"
    shown = f"{theirs:.0f}" if theirs is not None else "skipped"
    return f"| {name} | {ours:.0f} {unit} | {shown} | {ratio} |"


async def main(rounds: int, runs: int) -> None:
    codex = ensure_codex()
    fake = FakeLLM(strict=False)
    fake.start_in_thread()
    with tempfile.TemporaryDirectory(dir=CACHE if CACHE.exists() else None) as tmp:
        root = Path(tmp)
        work = root / "work"
        work.mkdir()
        config = our_config(fake, root)
        home = root / "home"  # the CLI saves sessions in ~/.a3s/sessions: the long session goes there
        server_dir = Path(tempfile.mkdtemp(prefix="a3s-bench-", dir="/tmp"))  # a socket path stays short
        base_env = {
            **os.environ,
            "A3S_CONFIG": str(config),
            "HOME": str(home),
            "A3S_SERVER_DIR": str(server_dir),
        }
        ours_env = {**base_env, "A3S_CLI_SERVER": "0", "A3S_LSP_SERVER": "0"}
        served_env = {**base_env, "A3S_CLI_SERVER": "require", "A3S_LSP_SERVER": "require"}
        for program in ("a3s-code", "a3s-lsp"):
            start_server = [str(BIN / program), "server", "start"]
            await asyncio.to_thread(
                subprocess.run, start_server, env=served_env, check=True, capture_output=True
            )
        spawn_ours: list[float] = []
        spawn_served: list[float] = []
        spawn_codex: list[float] = []
        spawn_daemon: list[float] = []
        spawn_daemon_served: list[float] = []
        stalls: list[float] = []
        stalls_served: list[float] = []
        floors: list[float] = []
        settled: list[float] = []
        for _ in range(runs):
            fake.add(Turn.text("Hello."), Turn.text("Hello."), Turn.text("Hello."), Turn.text("Again."))
            fake.add(Turn.text("Hello."), Turn.text("Again."), Turn.text("Hello."))
            spawn_ours.append(await first_request_ms(fake, [str(BIN / "a3s-code"), "say hi"], ours_env, work))
            spawn_served.append(
                await first_request_ms(fake, [str(BIN / "a3s-code"), "say hi"], served_env, work)
            )
            if codex is not None:
                argv = [str(codex), "exec", "--skip-git-repo-check", "say hi"]
                spawn_codex.append(await first_request_ms(fake, argv, codex_env(fake), work))
            else:
                fake.script.popleft()
            first, stall, floor = await daemon_first_prompt(fake, config, work, env=ours_env)
            spawn_daemon.append(first)
            stalls.append(stall)
            floors.append(floor)
            settled.append((await daemon_first_prompt(fake, config, work, settle_s=3.0, env=ours_env))[1])
            fake.add(Turn.text("Hello."), Turn.text("Again."))
            first, stall, _ = await daemon_first_prompt(fake, config, work, env=served_env)
            spawn_daemon_served.append(first)
            stalls_served.append(stall)

        anthropic_config = root / "anthropic-long.hcl"
        anthropic_config.write_text(fake.config("anthropic"))
        anthropic_work = root / "anthropic-work"
        anthropic_work.mkdir()
        anthropic_ratios, anthropic_rounds = [], []
        for _ in range(runs):  # one session's ratio of two 10-round medians is noisy: take several
            _, _, start = await ours_long_session(fake, anthropic_config, anthropic_work, rounds, home)
            anthropic_rounds.append(rounds_ms(fake, start, start + rounds))
            anthropic_ratios.append(anthropic_rounds[-1][1] / anthropic_rounds[-1][0])
        anthropic_round = (
            statistics.median(r[0] for r in anthropic_rounds),
            statistics.median(r[1] for r in anthropic_rounds),
        )
        session_id, store, start = await ours_long_session(fake, config, work, rounds, home)
        ours_round = rounds_ms(fake, start, start + rounds)
        resume_ours, resume_cli, resume_served = [], [], []
        for _ in range(runs):
            fake.add(Turn.text("Resumed."), Turn.text("Resumed."), Turn.text("Resumed."))
            argv = [sys.executable, "-c", RESUME, str(config), session_id, str(store)]
            resume_ours.append(await first_request_ms(fake, argv, ours_env, work))
            argv = [str(BIN / "a3s-code"), "--resume", session_id, "One more thing."]
            resume_cli.append(await first_request_ms(fake, argv, ours_env, work))
            resume_served.append(await first_request_ms(fake, argv, served_env, work))
        resume_codex: list[float] = []
        codex_round: tuple[float, float] | None = None
        if codex is not None:
            codex_work = root / "codex-work"
            codex_work.mkdir()
            fake.add(*long_session_turns(rounds, "exec_command", {"cmd": "true"}))
            start = len(fake.arrivals)
            argv = [str(codex), "exec", "--skip-git-repo-check", "Run true again and again."]
            await first_request_ms(fake, argv, codex_env(fake), codex_work)
            codex_round = rounds_ms(fake, start, start + rounds)
            for _ in range(runs):
                fake.add(Turn.text("Resumed."))
                argv = [str(codex), "exec", "resume", "--last", "--skip-git-repo-check", "One more thing."]
                resume_codex.append(await first_request_ms(fake, argv, codex_env(fake), codex_work))
        through, alone = await deltas_per_second(fake, root, 2000)
        for program in ("a3s-code", "a3s-lsp"):
            stop_server = [str(BIN / program), "server", "stop"]
            await asyncio.to_thread(subprocess.run, stop_server, env=served_env, capture_output=True)
        shutil.rmtree(server_dir, ignore_errors=True)
    fake.stop_thread()

    def med(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    print(f"Medians of {runs} runs; {rounds}-round sessions.\n")
    print("| measure | a3s | Codex | a3s / Codex |\n|---|---:|---:|---:|")
    print(
        row(
            "spawn → first model request (a3s-code CLI, no server, vs codex exec)",
            med(spawn_ours) or 0,
            med(spawn_codex),
        )
    )
    print(
        row(
            "spawn → first model request (a3s-code CLI, resident server running, vs codex exec)",
            med(spawn_served) or 0,
            med(spawn_codex),
        )
    )
    print(
        row(
            "spawn → first model request (a3s-lsp daemon, no server, vs codex exec)",
            med(spawn_daemon) or 0,
            med(spawn_codex),
        )
    )
    print(
        row(
            "spawn → first model request (a3s-lsp daemon, resident server running, vs codex exec)",
            med(spawn_daemon_served) or 0,
            med(spawn_codex),
        )
    )
    for name, values in (
        ("Python API in a fresh process", resume_ours),
        ("a3s-code --resume, no server", resume_cli),
        ("a3s-code --resume, resident server running", resume_served),
    ):
        print(
            row(
                f"resume a {rounds}-round session → first model request ({name} vs codex exec resume --last)",
                med(values) or 0,
                med(resume_codex),
            )
        )
    print(row("per-round time at rounds 5-35", ours_round[0], codex_round[0] if codex_round else None))
    print(
        row(
            f"per-round time over the last 30 of {rounds} rounds",
            ours_round[1],
            codex_round[1] if codex_round else None,
        )
    )
    print(
        f"| per-round time, Anthropic path, rounds 5-35 / {rounds} | {anthropic_round[0]:.1f} / {anthropic_round[1]:.1f} ms | | |"
    )
    print("\n| goal | measured | target |\n|---|---:|---:|")
    print(
        f"| our round over the last 30 of {rounds} rounds / at rounds 5-35, Responses | {ours_round[1] / ours_round[0]:.2f}x | ≤ 1.3x |"
    )
    ratio = statistics.median(anthropic_ratios)
    each = ", ".join(f"{r:.2f}" for r in anthropic_ratios)
    print(
        f"| our round over the last 30 of {rounds} rounds / at rounds 5-35, Anthropic (median of {runs} sessions: {each}) "
        f"| {ratio:.2f}x | ≤ 1.3x |"
    )
    if codex_round:
        print(
            f"| Codex's round over the last 30 of {rounds} rounds / at rounds 5-35 | {codex_round[1] / codex_round[0]:.2f}x | |"
        )
    print(
        f"| slowest daemon answer during the first prompt (median of runs) | {med(stalls):.0f} ms | ≤ 50 ms |"
    )
    print(
        f"| the same, first prompt 3 s after initialized (warm-up done) | {med(settled):.0f} ms | ≤ 50 ms |"
    )
    print(
        f"| the same, daemon started by the resident server (median of runs) | {med(stalls_served):.0f} ms | ≤ 50 ms |"
    )
    print(f"| the same during a second prompt (this machine's noise floor) | {med(floors):.0f} ms | |")
    print(f"| text deltas/s through the daemon / anthropic SDK alone | {through / alone:.2f}x | ≥ 0.8x |")
    print(
        f"\n(deltas/s: daemon {through:.0f}, SDK alone {alone:.0f}; daemon stalls per run: "
        + ", ".join(f"{s:.0f}" for s in stalls)
        + " ms)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.runs))
