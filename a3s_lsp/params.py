"""Typed access to the plain-dict params of custom methods; a wrong field is an InvalidParams error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from .errors import InvalidParamsError

T = TypeVar("T")


class Params:
    """Wraps a request's params (a JSON object) so handlers read fields with their expected types."""

    def __init__(self, raw: Any, method: str = "") -> None:
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise InvalidParamsError(f"{method or 'params'}: expected an object, got {type(raw).__name__}")
        self.raw: Mapping[str, Any] = raw
        self.method = method

    def _get(self, name: str, kind: type[T] | tuple[type, ...], required: bool) -> Any:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise InvalidParamsError(f"{self.method}: missing required field {name!r}")
            return None
        if isinstance(value, bool) and kind in (int, float):
            raise InvalidParamsError(f"{self.method}: field {name!r} must be a number")
        if not isinstance(value, kind):
            label = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise InvalidParamsError(f"{self.method}: field {name!r} must be {label}")
        return value

    def string(self, name: str) -> str:
        return str(self._get(name, str, True))

    def opt_str(self, name: str) -> str | None:
        value = self._get(name, str, False)
        return None if value is None else str(value)

    def opt_int(self, name: str) -> int | None:
        value = self._get(name, int, False)
        return None if value is None else int(value)

    def opt_bool(self, name: str, default: bool = False) -> bool:
        value = self._get(name, bool, False)
        return default if value is None else bool(value)

    def dict(self, name: str) -> dict[str, Any]:
        value = self._get(name, Mapping, False)
        return {} if value is None else dict(value)

    def opt_list(self, name: str) -> list[Any]:
        value = self._get(name, list, False)
        return [] if value is None else list(value)
