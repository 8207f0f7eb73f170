"""Tool calls rebuilt from Chat Completions stream deltas, as each server family sends them.

OpenAI sends ``index`` on every fragment, ``id`` and ``name`` on the first. Compatible servers
differ: Ollama sends every call whole (id, name, arguments) in one delta without ``index``, often
several calls in the same delta; others reuse ``index`` 0 for each new call but give each its own
``id``; some send arguments as a JSON object instead of a string. Fragments are matched to calls
by ``id`` first, then by ``index``, then by position, and a fragment that names a tool where
nothing says it continues a call starts a new one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..messages import Message, ToolUseBlock
from ._convert import parse_arguments


@dataclass
class _Call:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ToolCallAccumulator:
    """Feed each delta's ``tool_calls`` to ``add``; ``blocks`` gives the finished calls in order."""

    def __init__(self) -> None:
        self._calls: list[_Call] = []
        self._by_id: dict[str, _Call] = {}
        self._by_index: dict[int, _Call] = {}

    def add(self, fragments: list[Any]) -> list[tuple[str, str]]:
        """Take one delta's fragments (SDK objects or dicts); returns (id, name) of calls started."""
        started: list[tuple[str, str]] = []
        count = len(fragments)
        for position, fragment in enumerate(fragments):
            index = _field(fragment, "index")
            call_id = _field(fragment, "id") or ""
            function = _field(fragment, "function")
            name = (_field(function, "name") or "") if function is not None else ""
            arguments = _field(function, "arguments") if function is not None else None
            call = self._find(index, call_id, name, position, count)
            if call is None or (name and call.name and name != call.name and call.arguments):
                call = _Call()
                self._calls.append(call)
            if isinstance(index, int):
                self._by_index[index] = call
            if call_id:
                call.id = call.id or call_id
                self._by_id[call_id] = call
            if name and not call.name:
                call.name = name
                started.append((call.id, name))
            if arguments is not None and arguments != "":
                call.arguments.append(arguments if isinstance(arguments, str) else json.dumps(arguments))
        return started

    def _find(self, index: Any, call_id: str, name: str, position: int, count: int) -> _Call | None:
        if call_id:
            known = self._by_id.get(call_id)
            if known is not None:
                return known
        if isinstance(index, int):
            known = self._by_index.get(index)
            if known is not None and not (call_id and known.id and known.id != call_id):
                return known
            return None
        if call_id or name or not self._calls:
            return None  # a new call: it has its own id, or it names a tool with nothing to continue
        # No id, no index, no name: a continuation, matched by its position among the delta's
        # fragments to the calls most recently started.
        return self._calls[max(0, len(self._calls) - count + position)]

    def __bool__(self) -> bool:
        return bool(self._calls)

    def blocks(self, taken: set[str]) -> list[ToolUseBlock]:
        """The calls as blocks; an id missing, repeated, or already used earlier in the history
        (servers that number calls ``call_0`` every turn) is replaced by a fresh one."""
        out: list[ToolUseBlock] = []
        used = set(taken)
        for n, call in enumerate(self._calls):
            if not call.name:
                continue
            call_id = call.id or f"call_{n}"
            if call_id in used:
                base, k = call_id, 2
                while f"{base}_{k}" in used:
                    k += 1
                call_id = f"{base}_{k}"
            used.add(call_id)
            out.append(
                ToolUseBlock(id=call_id, name=call.name, input=parse_arguments("".join(call.arguments)))
            )
        return out


def used_tool_ids(messages: Iterable[Message]) -> set[str]:
    """Ids of the tool calls already in a history."""
    return {b.id for m in messages if m.role == "assistant" for b in m.content if isinstance(b, ToolUseBlock)}


def _field(obj: Any, name: str) -> Any:
    """A fragment's field, whether the SDK built an object (missing fields absent) or a dict."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)
