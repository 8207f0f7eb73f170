"""The interactive loop and one-shot runs: stream a turn, ask confirmations at the prompt, Ctrl+C cancels."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import IO

from .._stream import events_delivered
from ..errors import A3SError
from ..events import TurnEnd
from ..ports import ConfirmationDecision, ConfirmationRequest
from ..session import Session
from .render import Renderer, short_args

EXIT_COMMANDS = {"/exit", "/quit", "/q"}
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class LineReader:
    """Reads stdin on a daemon thread, one line at a time; a read interrupted by Ctrl+C is kept.

    Only one read is ever pending, so the REPL prompt and a confirmation never race for the same
    line, and a thread blocked on the terminal never keeps the process alive at exit.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stdin
        self._pending: asyncio.Future[str] | None = None

    async def read(self) -> str | None:
        """The next line without its newline; None at end of input."""
        if self._pending is None:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[str] = loop.create_future()

            def work() -> None:
                try:
                    line = self._stream.readline()
                except (OSError, ValueError):
                    line = ""
                loop.call_soon_threadsafe(_settle, future, line)

            threading.Thread(target=work, name="a3s-stdin", daemon=True).start()
            self._pending = future
        line = await asyncio.shield(self._pending)
        self._pending = None
        return None if line == "" else line.rstrip("\r\n")


def _settle(future: asyncio.Future[str], line: str) -> None:
    if not future.done():
        future.set_result(line)


class PromptConfirmation:
    """The CLI's ConfirmationProvider: shows the call (and diff) and reads y / a / N from stdin."""

    def __init__(self, reader: LineReader, renderer: Renderer, assume_yes: bool = False) -> None:
        self.reader = reader
        self.renderer = renderer
        self.assume_yes = assume_yes

    async def confirm(self, request: ConfirmationRequest) -> ConfirmationDecision:
        await events_delivered()  # the text and the tool line that led here are printed first
        r = self.renderer
        if self.assume_yes:
            r.line(r.style(f"auto-allowed {request.tool_name} (--yes)", "dim"))
            return "allow"
        r.line(r.style("? ", "yellow", "bold") + f"{request.tool_name}: {short_args(request.args, 200)}")
        if request.reason:
            r.line(r.style(f"  {request.reason}", "dim"))
        for diff_line in (request.diff or "").splitlines():
            if diff_line.startswith(("+++", "---")):
                color = "bold"
            else:
                color = {"+": "green", "-": "red"}.get(diff_line[:1], "dim")
            r.line("  " + r.style(diff_line, color))
        r.write(r.style("  Allow? [y]es / [a]lways this session / [N]o: ", "yellow"), r.status)
        answer = await self.reader.read()
        r.input_done()
        r.write("\n" if answer is None else "", r.status)
        choice = (answer or "").strip().lower()
        if choice in ("y", "yes"):
            return "allow"
        if choice in ("a", "always"):
            return "allow_session"
        return "deny"


@contextlib.contextmanager
def _on_sigint(handler: object) -> Iterator[None]:
    """Route Ctrl+C to ``handler`` instead of KeyboardInterrupt while the block runs."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, handler)  # type: ignore[arg-type]
    except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def _spin(renderer: Renderer, activity: list[float]) -> None:
    """A spinner on the status line while nothing has arrived for a moment (terminal only)."""
    loop = asyncio.get_running_loop()
    frame = 0
    while True:
        await asyncio.sleep(0.1)
        idle = loop.time() - activity[0]
        if idle < 0.6 or renderer.line_open():
            continue
        frame += 1
        renderer.spinner(f"{_SPINNER[frame % len(_SPINNER)]} working… (Ctrl+C cancels)")


async def run_turn(session: Session, prompt: str, renderer: Renderer) -> str:
    """Stream one turn to the terminal; returns its stop reason (``error`` when it could not run)."""
    loop = asyncio.get_running_loop()
    activity = [loop.time()]

    def interrupt() -> None:
        if session.cancel():
            renderer.line(renderer.style("^C cancelling the turn…", "yellow"))

    spinner = asyncio.create_task(_spin(renderer, activity)) if renderer.animate else None
    stop = "error"
    try:
        with _on_sigint(interrupt):
            async for event in session.stream_async(prompt):
                activity[0] = loop.time()
                renderer.clear_spinner()
                renderer.event(event)
                if isinstance(event, TurnEnd):
                    stop = event.stop_reason
    except A3SError as exc:
        renderer.clear_spinner()
        renderer.error(str(exc))
    finally:
        if spinner is not None:
            spinner.cancel()
            await asyncio.gather(spinner, return_exceptions=True)
        renderer.clear_spinner()
    return stop


async def repl(session: Session, reader: LineReader, renderer: Renderer) -> int:
    """Read prompts until Ctrl+D or /exit; Ctrl+C at the prompt only reminds how to leave."""
    r = renderer
    r.line(
        r.style("a3s-code", "bold")
        + r.style(f"  {session.model} · {session.workspace}", "dim")
        + r.style("\n/help for commands, Ctrl+C cancels a turn, Ctrl+D or /exit quits", "dim")
    )
    prompt = r.style("› ", "blue", "bold")

    def idle_interrupt() -> None:
        r.write("\n" + r.style("(Ctrl+D or /exit to quit)", "dim") + "\n" + prompt, r.status)

    while True:
        r.write(prompt, r.status)
        with _on_sigint(idle_interrupt):
            line = await reader.read()
        r.input_done()
        if line is None:
            r.write("\n", r.status)
            return 0
        text = line.strip()
        if not text:
            continue
        if text in EXIT_COMMANDS:
            return 0
        await run_turn(session, text, r)
        if text == "/help":
            r.line("  /exit     Quit (also Ctrl+D)")


async def one_shot(session: Session, prompt: str, renderer: Renderer) -> int:
    """Exit status: 0 answered, 1 failed, 130 cancelled with Ctrl+C (the shell convention)."""
    stop = await run_turn(session, prompt, renderer)
    return {"error": 1, "cancelled": 130, "max_tool_rounds": 1}.get(stop, 0)
