"""Lifecycle hooks: handlers that observe, change, block, retry or skip what the agent does."""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

HookEvent = Literal[
    "pre_tool_use",
    "post_tool_use",
    "generate_start",
    "generate_end",
    "session_start",
    "session_end",
    "skill_load",
    "skill_unload",
    "pre_prompt",
    "post_response",
    "on_error",
]
HOOK_EVENTS: tuple[str, ...] = HookEvent.__args__  # type: ignore[attr-defined]
HookAction = Literal["continue", "modify", "block", "retry", "skip"]
OnError = Literal["block", "continue"]
FAIL_CLOSED: frozenset[str] = frozenset({"pre_tool_use"})
"""Events whose failing handler (it raises or times out) blocks what it guards, unless the hook was
registered with ``on_error="continue"``: a guard that cannot answer must not let the call through."""
log = logging.getLogger("a3s_code.hooks")


@dataclass(frozen=True)
class HookResult:
    action: HookAction = "continue"
    data: dict[str, Any] | None = None
    """For ``modify``: the keys to replace (``args`` for tools, ``prompt``, ``output``)."""
    reason: str = ""

    @classmethod
    def proceed(cls) -> HookResult:
        return cls()

    @classmethod
    def modify(cls, **data: Any) -> HookResult:
        return cls("modify", data)

    @classmethod
    def block(cls, reason: str) -> HookResult:
        return cls("block", reason=reason)

    @classmethod
    def skip(cls, reason: str = "") -> HookResult:
        return cls("skip", reason=reason)

    @classmethod
    def retry(cls, reason: str = "") -> HookResult:
        return cls("retry", reason=reason)


HookReply = HookResult | dict[str, Any] | None
Handler = Callable[[str, dict[str, Any]], HookReply | Awaitable[HookReply]]
"""The engine's own shape: ``handler(event, payload)``."""


class HookHandler(Protocol):
    """The seed's ``HookHandler`` extension point: an object whose ``handle(event)`` gets one dict,
    ``{"event_type": "pre_tool_use", **payload}``, and returns a ``HookResult``, a dict such as
    ``{"action": "block", "reason": "..."}``, or None (continue); it may be async."""

    def handle(self, event: dict[str, Any]) -> HookReply | Awaitable[HookReply]: ...


AnyHandler = Handler | HookHandler | Callable[[dict[str, Any]], Any] | Callable[[], Any]
"""What ``register`` accepts: ``handler(event, payload)``, the seed's one-argument
``handler_fn(event)`` (the dict above), a no-argument callable, or a ``HookHandler`` object."""


def as_handler(handler: AnyHandler) -> Handler:
    """``handler`` in the engine's two-argument shape; raises ``TypeError`` naming the shapes accepted
    when it takes none of them (at registration, not silently when the event fires)."""
    handle = getattr(handler, "handle", None)
    if not callable(handler) and callable(handle):
        return lambda event, payload: handle({"event_type": event, **payload})
    if not callable(handler):
        raise TypeError(f"a hook handler must be callable or have handle(event), not {handler!r}")
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: assume the engine's shape
        return handler  # type: ignore[return-value]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if any(p.kind is p.VAR_POSITIONAL for p in params) or len(required) <= 2 <= len(positional):
        return handler  # type: ignore[return-value]
    if len(required) <= 1 <= len(positional):
        one: Callable[[dict[str, Any]], Any] = handler  # type: ignore[assignment]
        return lambda event, payload: one({"event_type": event, **payload})
    if not required:
        none: Callable[[], Any] = handler  # type: ignore[assignment]
        return lambda _event, _payload: none()
    raise TypeError(
        f"hook handler {getattr(handler, '__name__', handler)!r} takes {len(required)} arguments; "
        "use handler(event), handler(event, payload) or an object with handle(event)"
    )


def _reply(out: object) -> HookResult | None:
    if isinstance(out, HookResult) or out is None:
        return out
    if isinstance(out, dict):
        action = out.get("action", "continue")
        if action not in HookAction.__args__:  # type: ignore[attr-defined]
            raise ValueError(f"hook returned unknown action {action!r}")
        return HookResult(action, out.get("data"), str(out.get("reason", "")))
    return None


@dataclass(order=True)
class _Registration:
    priority: int
    name: str = field(compare=False)
    event: str = field(compare=False)
    handler: Handler = field(compare=False)
    matcher: str | None = field(compare=False, default=None)
    timeout_s: float = field(compare=False, default=5.0)
    on_error: OnError = field(compare=False, default="block")


@dataclass
class HookOutcome:
    action: HookAction
    payload: dict[str, Any]
    reason: str = ""
    by: str | None = None


class HookExecutor(Protocol):
    """The seed's ``HookExecutor`` extension point: what a session fires its lifecycle events
    through (default ``HookEngine``). ``fire`` returns the combined outcome of the handlers."""

    def register(
        self,
        name: str,
        event: str,
        handler: AnyHandler,
        *,
        priority: int = 100,
        matcher: str | None = None,
        timeout_ms: int = 5000,
        on_error: OnError = "block",
    ) -> None: ...

    def unregister(self, name: str) -> bool: ...

    def __len__(self) -> int: ...

    async def fire(self, event: str, payload: dict[str, Any]) -> HookOutcome: ...


class HookEngine:
    """Handlers run by priority (lower first); a block/skip/retry stops the chain, modify feeds the next."""

    def __init__(self) -> None:
        self._hooks: list[_Registration] = []

    def register(
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
        """Add (or replace, by ``name``) a handler of any ``AnyHandler`` shape. ``on_error`` matters for ``pre_tool_use``:
        ``block`` (the default) refuses the call when the handler raises or times out."""
        if event not in HOOK_EVENTS:
            raise ValueError(f"unknown hook event {event!r}; one of: {', '.join(HOOK_EVENTS)}")
        if on_error not in ("block", "continue"):
            raise ValueError(f"on_error must be 'block' or 'continue', not {on_error!r}")
        self.unregister(name)
        self._hooks.append(
            _Registration(priority, name, event, as_handler(handler), matcher, timeout_ms / 1000, on_error)
        )
        self._hooks.sort()

    def unregister(self, name: str) -> bool:
        before = len(self._hooks)
        self._hooks = [h for h in self._hooks if h.name != name]
        return len(self._hooks) != before

    def __len__(self) -> int:
        return len(self._hooks)

    async def fire(self, event: str, payload: dict[str, Any]) -> HookOutcome:
        current = dict(payload)
        action: HookAction = "continue"
        for hook in [h for h in self._hooks if h.event == event]:
            if hook.matcher and not fnmatch.fnmatchcase(str(current.get("tool", "")), hook.matcher):
                continue
            result = await self._call(hook, event, current)
            if result is None or result.action == "continue":
                continue
            if result.action == "modify":
                current.update(result.data or {})
                action = "modify"
                continue
            return HookOutcome(result.action, current, result.reason or f"hook {hook.name}", hook.name)
        return HookOutcome(action, current)

    async def _call(self, hook: _Registration, event: str, payload: dict[str, Any]) -> HookResult | None:
        try:
            async with asyncio.timeout(hook.timeout_s):
                out = hook.handler(event, dict(payload))
                if inspect.isawaitable(out):
                    out = await out
                result = _reply(out)
        except TimeoutError:
            return self._failed(hook, event, f"timed out after {hook.timeout_s:g}s")
        except Exception as exc:
            log.debug("hook %s raised", hook.name, exc_info=True)
            return self._failed(hook, event, f"raised {type(exc).__name__}: {exc}")
        return result

    @staticmethod
    def _failed(hook: _Registration, event: str, what: str) -> HookResult | None:
        if event in FAIL_CLOSED and hook.on_error == "block":
            log.warning("hook %s %s on %s; the call is blocked (fail closed)", hook.name, what, event)
            return HookResult.block(
                f"hook {hook.name} {what}, so the call was refused (a failing guard blocks; "
                'register it with on_error="continue" to let calls run when it fails)'
            )
        log.warning("hook %s %s on %s; continuing", hook.name, what, event)
        return None


__all__ = [
    "FAIL_CLOSED",
    "AnyHandler",
    "HookHandler",
    "HookExecutor",
    "as_handler",
    "HOOK_EVENTS",
    "HookAction",
    "HookEngine",
    "HookEvent",
    "HookOutcome",
    "HookResult",
    "OnError",
]
