"""A scripted Anthropic Messages endpoint (SSE) for the daemon's end-to-end tests.

Each POST /v1/messages pops the next scripted reply: text chunks and/or tool calls, optionally
after a delay (to test cancellation). With nothing scripted it answers "ok".
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    text: list[str] = field(default_factory=list)
    tools: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    delay: float = 0.0
    gate: asyncio.Event | None = None
    """When set, the reply waits for it (so a test can act at an exact point of the turn)."""


class FakeAnthropic:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def say(self, *chunks: str, delay: float = 0.0) -> None:
        self.replies.append(Reply(text=list(chunks), delay=delay))

    def call(
        self, name: str, args: dict[str, Any], *, text: str = "", gate: asyncio.Event | None = None
    ) -> None:
        self.replies.append(Reply(text=[text] if text else [], tools=[(name, args)], gate=gate))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def config(self, extra: str = "") -> str:
        return (
            'default_model = "anthropic/claude-test"\n'
            f'providers {{\n  name = "anthropic"\n  api_key = "test"\n  base_url = "{self.url}"\n}}\n{extra}'
        )

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.json())
        reply = self.replies.pop(0) if self.replies else Reply(text=["ok"])
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)

        async def send(kind: str, data: dict[str, Any]) -> None:
            await response.write(f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode())

        await send(
            "message_start",
            {
                "message": {
                    "id": f"msg_{next(self._ids)}",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-test",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 100, "output_tokens": 1},
                }
            },
        )
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.gate is not None:
            await reply.gate.wait()
        index = 0
        if reply.text:
            await send("content_block_start", {"index": index, "content_block": {"type": "text", "text": ""}})
            for chunk in reply.text:
                delta = {"type": "text_delta", "text": chunk}
                await send("content_block_delta", {"index": index, "delta": delta})
            await send("content_block_stop", {"index": index})
            index += 1
        for name, args in reply.tools:
            block = {"type": "tool_use", "id": f"toolu_{next(self._ids)}", "name": name, "input": {}}
            await send("content_block_start", {"index": index, "content_block": block})
            delta = {"type": "input_json_delta", "partial_json": json.dumps(args)}
            await send("content_block_delta", {"index": index, "delta": delta})
            await send("content_block_stop", {"index": index})
            index += 1
        stop = "tool_use" if reply.tools else "end_turn"
        await send(
            "message_delta",
            {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": {"output_tokens": 20}},
        )
        await send("message_stop", {})
        return response
