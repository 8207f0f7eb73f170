"""Python's cyclic garbage collector paused while a process loads what it needs.

Start-up makes hundreds of thousands of objects that live as long as the process (modules, classes,
pydantic validators). The collector keeps scanning them as they come: a full collection inside
``import anthropic`` is one C call that holds the GIL ~70 ms (so an import moved to a worker thread
still stalled the daemon's event loop: 170 ms at the first prompt, 12 ms paused), and the scans
cost a cold ``a3s-code`` prompt about a tenth of its start (spawn to first model request 0.91x
with the CLI's set-up paused too, 12 paired runs).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator

_lock = threading.Lock()
_pauses = 0
_was_enabled = True


def pause_collector() -> Callable[[], None]:
    """Turn the collector off; the returned callable (call it once) ends this pause. After the last
    of nested or concurrent pauses ends, ``gc.freeze()`` moves everything made so far out of later
    collections' way and the collector is on again if it was on before the first."""
    global _pauses, _was_enabled
    with _lock:
        _pauses += 1
        if _pauses == 1:
            _was_enabled = gc.isenabled()
            gc.disable()
    ended = False

    def resume() -> None:
        global _pauses
        nonlocal ended
        with _lock:
            if ended:
                return
            ended = True
            _pauses -= 1
            if _pauses == 0:
                gc.freeze()
                if _was_enabled:
                    gc.enable()

    return resume


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """``pause_collector`` for the block."""
    resume = pause_collector()
    try:
        yield
    finally:
        resume()
