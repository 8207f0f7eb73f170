"""Allow-for-session: the one set of calls a user allowed "for this session".

One per session (a ``task`` child shares its parent's: it is the same conversation to the user).
A call matches an approval when the tool and its arguments are the same, compared as canonical
JSON, so allowing ``bash {"command": "make"}`` never allows ``bash {"command": "make; rm -rf ~"}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def call_key(tool: str, args: dict[str, Any]) -> str:
    """``tool:{canonical JSON args}``: the form saved sessions hold (``session_allowed``)."""
    return tool + ":" + json.dumps(args, sort_keys=True, default=str)


class SessionApprovals:
    """The calls allowed for the rest of the session; ``keys`` is saved and restored with it."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys: set[str] = set(keys)

    def allows(self, tool: str, args: dict[str, Any]) -> bool:
        return call_key(tool, args) in self.keys

    def add(self, tool: str, args: dict[str, Any]) -> None:
        self.keys.add(call_key(tool, args))

    def __len__(self) -> int:
        return len(self.keys)
