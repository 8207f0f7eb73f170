"""Session persistence: one JSON file per session, written atomically; bad files are set aside."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Protocol

from .errors import A3SError
from .security.private import write_private

FORMAT_VERSION = 1
log = logging.getLogger("a3s_code.store")


class SessionStoreError(A3SError):
    code = "session_store_error"


class SessionStore(Protocol):
    def save(self, data: dict[str, Any]) -> str | None:
        """Persist a session snapshot; returns where it went (a path), if anywhere."""
        ...

    def load(self, session_id: str) -> dict[str, Any] | None: ...

    def list(self) -> list[dict[str, Any]]:
        """Summaries (id, workspace, model, updated_at), newest first."""
        ...

    def delete(self, session_id: str) -> bool: ...


class MemorySessionStore:
    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    def save(self, data: dict[str, Any]) -> str | None:
        self._data[data["id"]] = json.dumps(data)
        return None

    def load(self, session_id: str) -> dict[str, Any] | None:
        raw = self._data.get(session_id)
        return None if raw is None else dict(json.loads(raw))

    def list(self) -> list[dict[str, Any]]:
        items = [json.loads(v) for v in self._data.values()]
        return sorted((_summary(d) for d in items), key=lambda d: -float(d.get("updated_at", 0)))

    def delete(self, session_id: str) -> bool:
        return self._data.pop(session_id, None) is not None


class FileSessionStore:
    """``<dir>/<session_id>.json``; a corrupt or newer-format file is renamed and reported.

    Files are written 0600 in a 0700 folder (``security.private``): a session holds prompts and
    tool output, which no other local user should read.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).expanduser()

    def _path(self, session_id: str) -> Path:
        if not session_id or "/" in session_id or "\\" in session_id or session_id.startswith("."):
            raise SessionStoreError(f"invalid session id {session_id!r}")
        return self.directory / f"{session_id}.json"

    def save(self, data: dict[str, Any]) -> str | None:
        path = self._path(str(data["id"]))
        write_private(path, json.dumps(data, indent=1).encode("utf-8"))
        return str(path)

    def load(self, session_id: str) -> dict[str, Any] | None:
        path = self._path(session_id)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or "id" not in data:
                raise ValueError("not a session snapshot")
        except (ValueError, UnicodeDecodeError) as exc:
            aside = self._set_aside(path, "corrupt")
            raise SessionStoreError(f"session file {path} is corrupt ({exc}); moved to {aside}") from None
        version = data.get("format_version", 0)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            aside = self._set_aside(path, "newer")
            raise SessionStoreError(
                f"session file {path} has format {version}, newer than this version reads ({FORMAT_VERSION}); "
                f"moved to {aside}"
            )
        return data

    def _set_aside(self, path: Path, why: str) -> Path:
        aside = path.with_name(f"{path.name}.{why}-{int(time.time())}")
        path.rename(aside)
        log.warning("session file %s set aside as %s", path, aside)
        return aside

    def list(self) -> list[dict[str, Any]]:
        out = []
        for path in self.directory.glob("*.json"):
            try:
                out.append(_summary(json.loads(path.read_text(encoding="utf-8"))))
            except (ValueError, OSError, KeyError):
                continue
        return sorted(out, key=lambda d: -float(d.get("updated_at", 0)))

    def delete(self, session_id: str) -> bool:
        path = self._path(session_id)
        if not path.exists():
            return False
        path.unlink()
        return True


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data["id"],
        "workspace": data.get("workspace"),
        "model": data.get("model"),
        "turns": data.get("turns", 0),
        "updated_at": data.get("updated_at", 0),
    }
