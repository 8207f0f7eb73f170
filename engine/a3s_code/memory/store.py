"""Long-term memory stores: in memory, or one JSON file per item plus an index, written atomically."""

from __future__ import annotations

import json
import logging
import time
import uuid
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field, ValidationError

from ..fs import atomic_write_bytes

log = logging.getLogger("a3s_code.memory")
MemoryKind = Literal["success", "failure", "note"]


class MemoryItem(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    kind: MemoryKind = "note"
    content: str
    task: str = ""
    tools: list[str] = []
    tags: list[str] = []
    importance: float = 0.5
    created_at: float = Field(default_factory=time.time)
    session_id: str | None = None


class MemoryStore(Protocol):
    def add(self, item: MemoryItem) -> None: ...

    def get(self, item_id: str) -> MemoryItem | None: ...

    def all(self) -> list[MemoryItem]: ...

    def delete(self, item_id: str) -> bool: ...

    def count(self) -> int: ...


class InMemoryStore:
    def __init__(self) -> None:
        self._items: dict[str, MemoryItem] = {}

    def add(self, item: MemoryItem) -> None:
        self._items[item.id] = item

    def get(self, item_id: str) -> MemoryItem | None:
        return self._items.get(item_id)

    def all(self) -> list[MemoryItem]:
        return list(self._items.values())

    def delete(self, item_id: str) -> bool:
        return self._items.pop(item_id, None) is not None

    def count(self) -> int:
        return len(self._items)


class FileMemoryStore:
    """``<dir>/items/<id>.json`` plus ``<dir>/index.json``; unreadable items are skipped and logged."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).expanduser()
        self._cache: dict[str, MemoryItem] | None = None

    def _item_path(self, item_id: str) -> Path:
        if not item_id.replace("-", "").isalnum():
            raise ValueError(f"invalid memory id {item_id!r}")
        return self.directory / "items" / f"{item_id}.json"

    def _load(self) -> dict[str, MemoryItem]:
        if self._cache is None:
            self._cache = {}
            for path in sorted((self.directory / "items").glob("*.json")):
                try:
                    item = MemoryItem.model_validate_json(path.read_bytes())
                except (OSError, ValidationError, ValueError) as exc:
                    log.warning("skipping unreadable memory item %s: %s", path, exc)
                    continue
                self._cache[item.id] = item
        return self._cache

    def _write_index(self) -> None:
        index = [
            {"id": i.id, "kind": i.kind, "tags": i.tags, "created_at": i.created_at}
            for i in self._load().values()
        ]
        atomic_write_bytes(self.directory / "index.json", json.dumps(index).encode())

    def add(self, item: MemoryItem) -> None:
        atomic_write_bytes(self._item_path(item.id), item.model_dump_json().encode())
        self._load()[item.id] = item
        self._write_index()

    def get(self, item_id: str) -> MemoryItem | None:
        return self._load().get(item_id)

    def all(self) -> list[MemoryItem]:
        return list(self._load().values())

    def delete(self, item_id: str) -> bool:
        if self._load().pop(item_id, None) is None:
            return False
        self._item_path(item_id).unlink(missing_ok=True)
        self._write_index()
        return True

    def count(self) -> int:
        return len(self._load())
