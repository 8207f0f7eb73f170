"""The session's hook API (``register_hook``, ``unregister_hook``, ``hook_count``) over its
``HookExecutor`` (``SessionOptions.with_hook_engine``; default ``HookEngine``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hooks import AnyHandler, HookExecutor, OnError


class SessionHooksAPI:
    # Provided by Session.
    hooks: HookExecutor

    def register_hook(
        self,
        name: str,
        event: str,
        handler: AnyHandler,
        *,
        priority: int = 100,
        matcher: str | None = None,
        timeout_ms: int = 5000,
        on_error: OnError = "block",
    ) -> None:
        """``handler(event, payload)``, the seed's ``handler_fn(event)`` (one dict: ``event_type`` and
        the payload's keys) or a ``HookHandler`` object returns a ``HookResult``, a dict such as
        ``{"action": "block", "reason": ...}``, or None to continue; it may be async.

        A ``pre_tool_use`` handler that raises or times out blocks the call (fail closed) unless
        ``on_error="continue"``."""
        self.hooks.register(
            name, event, handler, priority=priority, matcher=matcher, timeout_ms=timeout_ms, on_error=on_error
        )

    def unregister_hook(self, name: str) -> bool:
        return self.hooks.unregister(name)

    def hook_count(self) -> int:
        return len(self.hooks)
