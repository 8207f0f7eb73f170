"""A local HTTP server speaking the Anthropic Messages, OpenAI Chat Completions, OpenAI Responses and
OpenAI (legacy) Completions wire formats, replaying scripted turns.

The real ``anthropic`` and ``openai`` SDKs talk to it over HTTP; it records every request, refuses
top-level request keys the API does not define (as the real APIs do: 400 "Extra inputs are not
permitted"), replays compatible servers' quirks (``script.QUIRKS``, per ``family``) and injects
faults (error statuses, cut streams, delays, silence, trickled bytes).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import ssl
import threading
import time
from collections import deque
from typing import Any

from aiohttp import web

from .completions_wire import completion_object, completion_stream
from .responses_wire import response_object, responses_stream
from .script import FAMILIES, Responder, Turn
from .strict import load as load_api_keys
from .strict import unknown_keys
from .wire import anthropic_message, anthropic_stream, error_body, openai_message, openai_stream

NO_TURN_LEFT = "(fake llm: no scripted turn left)"


class FakeLLM:
    def __init__(self, family: str = "openai", *, strict: bool = True) -> None:
        self.family = family
        """Which server family's Chat Completions quirks to replay (``script.FAMILIES``)."""
        self.strict = strict
        """Refuse top-level keys the API does not define (off for lenient compatible servers)."""
        self.script: deque[Turn | Responder] = deque()
        self.requests: list[dict[str, Any]] = []
        self.path = ""
        """Free label: which provider path a parametrised test aims at this server."""
        self.apis: list[str] = []
        """Which API each request used: ``anthropic``, ``openai`` (Chat Completions), ``responses``,
        ``completions`` (``/v1/completions``: fill-in-the-middle prompts)."""
        self.headers: list[dict[str, str]] = []
        self.arrivals: list[float] = []
        """``time.perf_counter()`` when each request arrived (benchmarks)."""
        self.chunk_times: list[tuple[float, bytes]] = []
        """When each streamed chunk was written (benchmarks: latency to the client)."""
        self.finished: list[float] = []
        """``time.perf_counter()`` when each streamed reply was fully written (benchmarks)."""
        self.disconnects = 0
        """Streams the client closed before the end (cancellation)."""
        self.url = ""
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None

    # -- scripting -----------------------------------------------------------------------------

    def add(self, *turns: Turn | Responder) -> FakeLLM:
        self.script.extend(turns)
        return self

    def text(self, text: str) -> FakeLLM:
        return self.add(Turn.text(text))

    def tool_call(self, name: str, args: dict[str, Any], text: str = "") -> FakeLLM:
        return self.add(Turn.tool_call(name, args, text=text))

    @property
    def anthropic_url(self) -> str:
        return self.url

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    def config(
        self,
        provider: str = "anthropic",
        model: str = "claude-sonnet-4-20250514",
        extra: str = "",
        *,
        api: str | None = None,
        provider_extra: str = "",
    ) -> str:
        """An agent HCL config pointing ``provider`` at this server (``api``: ``responses`` or
        ``chat`` for an OpenAI-compatible provider; ``provider_extra``: more lines in its block)."""
        base = self.anthropic_url if provider == "anthropic" else self.openai_url
        lines = f'  api = "{api}"\n' if api else ""
        return (
            f'default_model = "{provider}/{model}"\n'
            f'providers {{\n  name = "{provider}"\n  api_key = "test-key"\n  base_url = "{base}"\n'
            f"{lines}{provider_extra}}}\n{extra}"
        )

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, port: int = 0, tls: ssl.SSLContext | None = None) -> str:
        """Serve on loopback; with ``tls``, over HTTPS (the URL then names ``localhost``)."""
        if self.strict:
            await load_api_keys()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/messages", self._anthropic)
        app.router.add_post("/v1/chat/completions", self._openai)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_post("/v1/completions", self._completions)
        # Handlers a test left hanging (a server that never answers) must not hold its teardown for
        # aiohttp's default 60 s.
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port, ssl_context=tls)
        await site.start()
        server = site._server
        assert server is not None
        bound = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"https://localhost:{bound}" if tls else f"http://127.0.0.1:{bound}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self, port: int = 0) -> str:
        """For sync tests and other processes: serve from a background thread."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failed: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start(port))
            except BaseException as exc:
                failed.append(exc)
                raise
            finally:
                ready.set()
            loop.run_forever()

        threading.Thread(target=run, name="fake-llm", daemon=True).start()
        # Starting imports the SDKs (strict mode reads their API shapes): seconds on a loaded
        # machine. Wait for it, however long: a config written before the URL is known points nowhere.
        ready.wait()
        if failed:
            raise RuntimeError("the fake LLM server did not start") from failed[0]
        self._thread_loop = loop
        return self.url

    def stop_thread(self) -> None:
        loop = self._thread_loop
        if loop is not None:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            self._thread_loop = None

    # -- handlers ------------------------------------------------------------------------------

    def _next_turn(self, body: dict[str, Any]) -> Turn:
        if not self.script:
            return Turn.text(NO_TURN_LEFT)
        entry = self.script.popleft()
        return entry if isinstance(entry, Turn) else entry(body)

    async def _anthropic(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "anthropic")

    async def _openai(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "openai")

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "responses")

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "completions")

    async def _serve(self, request: web.Request, api: str) -> web.StreamResponse:
        self.arrivals.append(time.perf_counter())
        body = await request.json()
        self.requests.append(body)
        self.apis.append(api)
        self.headers.append(dict(request.headers))
        if self.strict and (extra := unknown_keys(api, body)):
            detail = ", ".join(f"{k}: Extra inputs are not permitted" for k in extra)
            return web.json_response(error_body(api, 400, detail), status=400)
        turn = self._next_turn(body)
        if turn.delay_s:
            await asyncio.sleep(turn.delay_s)
        if turn.hang:
            await self._pass_gate(request, asyncio.Event())
            self.disconnects += 1
            return web.Response(status=499)
        if turn.gate is not None and not await self._pass_gate(request, turn.gate):
            self.disconnects += 1
            return web.Response(status=499)
        if turn.status is not None:
            headers = {"retry-after": str(turn.retry_after)} if turn.retry_after is not None else {}
            return web.json_response(error_body(api, turn.status), status=turn.status, headers=headers)
        model = str(body.get("model", "fake"))
        msg_id = f"msg_{next(self._ids)}"
        if not body.get("stream"):
            return web.json_response(self._whole(api, turn, model, msg_id, body))
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        chunks = self._chunks(api, turn, model, msg_id, body)
        if turn.trickle_s is not None:
            for chunk in chunks[: turn.trickle_after]:
                await response.write(chunk)
            return await self._trickle(request, response, turn.trickle_s)
        try:
            for n, chunk in enumerate(chunks):
                if turn.cut_after is not None and n >= turn.cut_after:
                    assert request.transport is not None
                    request.transport.close()
                    return response
                if turn.chunk_delay_s:
                    await asyncio.sleep(turn.chunk_delay_s)
                await response.write(chunk)
                self.chunk_times.append((time.perf_counter(), chunk))
            await response.write_eof()
            self.finished.append(time.perf_counter())
        except (ConnectionResetError, asyncio.CancelledError):
            self.disconnects += 1
            raise
        return response

    def _chunks(self, api: str, turn: Turn, model: str, msg_id: str, body: dict[str, Any]) -> list[bytes]:
        if api == "anthropic":
            return anthropic_stream(turn, model, msg_id)
        if api == "responses":
            return responses_stream(turn, model, msg_id, body)
        if api == "completions":
            return completion_stream(turn, model, msg_id)
        quirks = turn.quirks if turn.quirks is not None else FAMILIES[self.family]
        return openai_stream(turn, model, msg_id, frozenset(quirks))

    @staticmethod
    def _whole(api: str, turn: Turn, model: str, msg_id: str, body: dict[str, Any]) -> dict[str, Any]:
        if api == "anthropic":
            return anthropic_message(turn, model, msg_id)
        if api == "responses":
            return response_object(turn, model, msg_id, body, "completed")
        if api == "completions":
            return completion_object(turn, model, msg_id)
        return openai_message(turn, model, msg_id)

    async def _trickle(
        self, request: web.Request, response: web.StreamResponse, every_s: float
    ) -> web.StreamResponse:
        """One byte of an endless SSE comment line every ``every_s`` seconds: bytes keep coming,
        no event ever completes."""
        try:
            await response.write(b":")
            while request.transport is not None and not request.transport.is_closing():
                await asyncio.sleep(every_s)
                await response.write(b" ")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        self.disconnects += 1
        return response

    @staticmethod
    async def _pass_gate(request: web.Request, gate: asyncio.Event | threading.Event) -> bool:
        """Wait for the gate (either kind of event); False if the client disconnected first."""
        while not gate.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                return False
            await asyncio.sleep(0.01)
        return True

    def last_request(self) -> dict[str, Any]:
        return self.requests[-1]

    def dump_requests(self) -> str:
        return json.dumps(self.requests, indent=2)
