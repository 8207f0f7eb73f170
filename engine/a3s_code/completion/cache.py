"""Completions remembered by the text around the cursor, reused while the user types them.

A hit is either the same prefix and suffix, or a prefix that grew by exactly the first characters
of a remembered completion with the same suffix (the user typed what was suggested): the rest of
that completion is the answer, with no model call.
"""

from __future__ import annotations

from collections import OrderedDict

KEY_PREFIX_CHARS = 4096
"""How much of the prefix tells two requests apart (the end of it, nearest the cursor)."""
KEY_SUFFIX_CHARS = 1024


class CompletionCache:
    """LRU of ``(prefix tail, suffix head) -> completion``, at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._by_suffix: dict[str, list[tuple[str, str]]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, prefix: str, suffix: str, completion: str) -> None:
        if self.size <= 0:
            return
        key = (prefix[-KEY_PREFIX_CHARS:], suffix[:KEY_SUFFIX_CHARS])
        if key not in self._entries:
            self._by_suffix.setdefault(key[1], []).append(key)
        self._entries[key] = completion
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            old, _ = self._entries.popitem(last=False)
            keys = self._by_suffix.get(old[1], [])
            keys.remove(old)
            if not keys:
                del self._by_suffix[old[1]]

    def get(self, prefix: str, suffix: str) -> str | None:
        """The completion for this cursor, or None; a typed-ahead hit returns what is left of it."""
        tail, head = prefix[-KEY_PREFIX_CHARS:], suffix[:KEY_SUFFIX_CHARS]
        found = self._entries.get((tail, head))
        if found is not None:
            self._entries.move_to_end((tail, head))
            return found
        for key in reversed(self._by_suffix.get(head, [])):
            completion = self._entries[key]
            for typed in range(1, min(len(completion), len(prefix) + 1)):
                if (
                    prefix.endswith(completion[:typed])
                    and prefix[: len(prefix) - typed][-KEY_PREFIX_CHARS:] == key[0]
                ):
                    self._entries.move_to_end(key)
                    return completion[typed:]
        return None
