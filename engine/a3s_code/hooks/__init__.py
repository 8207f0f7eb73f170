"""Lifecycle hooks: handlers that observe, change, block, retry or skip what the agent does."""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

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


Handler = Callable[[str, dict[str, Any]], HookResult | None | Awaitable[HookResult | None]]


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


class HookEngine:
    """Handlers run by priority (lower first); a block/skip/retry stops the chain, modify feeds the next."""

    def __init__(self) -> None:
        self._hooks: list[_Registration] = []

    def register(
        self,
        name: str,
        event: str,
        handler: Handler,
        *,
        priority: int = 100,
        matcher: str | None = None,
        timeout_ms: int = 5000,
        on_error: OnError = "block",
    ) -> None:
        """Add (or replace, by ``name``) a handler. ``on_error`` matters for ``pre_tool_use``:
        ``block`` (the default) refuses the call when the handler raises or times out."""
        if event not in HOOK_EVENTS:
            raise ValueError(f"unknown hook event {event!r}; one of: {', '.join(HOOK_EVENTS)}")
        if on_error not in ("block", "continue"):
            raise ValueError(f"on_error must be 'block' or 'continue', not {on_error!r}")
        self.unregister(name)
        self._hooks.append(
            _Registration(priority, name, event, handler, matcher, timeout_ms / 1000, on_error)
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
        except TimeoutError:
            return self._failed(hook, event, f"timed out after {hook.timeout_s:g}s")
        except Exception as exc:
            log.debug("hook %s raised", hook.name, exc_info=True)
            return self._failed(hook, event, f"raised {type(exc).__name__}: {exc}")
        return out if isinstance(out, HookResult) else None

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
    "HOOK_EVENTS",
    "HookAction",
    "HookEngine",
    "HookEvent",
    "HookOutcome",
    "HookResult",
    "OnError",
]
