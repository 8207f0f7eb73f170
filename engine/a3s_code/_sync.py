"""The seed's Python API is synchronous; this runs the async engine on one background loop thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

from .errors import A3SError

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="a3s-code-sync", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def _refuse_inside_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise A3SError(f"{name}() blocks; inside asyncio code use {name}_async() instead")


def run_sync(coro: Coroutine[Any, Any, T], name: str = "call") -> T:
    """Run ``coro`` on the background loop and wait; Ctrl+C cancels it there too."""
    try:
        _refuse_inside_loop(name)
    except A3SError:
        coro.close()
        raise
    future = asyncio.run_coroutine_threadsafe(coro, _background_loop())
    try:
        return future.result()
    except KeyboardInterrupt:
        future.cancel()
        raise


def iterate_sync(agen: AsyncIterator[T], name: str = "stream") -> Iterator[T]:
    """Drive an async iterator from sync code, one item at a time."""
    _refuse_inside_loop(name)
    loop = _background_loop()
    try:
        while True:
            step: Coroutine[Any, Any, T] = agen.__anext__()  # type: ignore[assignment]
            future = asyncio.run_coroutine_threadsafe(step, loop)
            try:
                yield future.result()
            except StopAsyncIteration:
                return
    finally:
        aclose = getattr(agen, "aclose", None)
        if aclose is not None:
            asyncio.run_coroutine_threadsafe(aclose(), loop).result()
