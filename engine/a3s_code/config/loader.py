"""Find, read and validate the configuration; every failure is a ConfigError a user can act on."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ConfigError
from .hcl import EnvRef, parse_hcl
from .models import AgentConfig

INLINE = "<inline>"


def discover_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Explicit path, then ``$A3S_CONFIG``, then ``~/.a3s/config.hcl``, then ``./agent.hcl``."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("A3S_CONFIG")
    if env:
        return Path(env).expanduser()
    for candidate in (Path.home() / ".a3s" / "config.hcl", Path.cwd() / "agent.hcl"):
        if candidate.is_file():
            return candidate
    return None


def _looks_inline(text: str) -> bool:
    return "\n" in text or "=" in text or "{" in text


def load_config(source: str | os.PathLike[str] | None = None) -> AgentConfig:
    """Load from a file path, an inline HCL string, or (None) the discovery order."""
    if source is None:
        path = discover_config_path()
        if path is None:
            raise ConfigError(
                "no configuration found; searched $A3S_CONFIG, ~/.a3s/config.hcl and ./agent.hcl",
                expected="a config file, or pass a path or an HCL string",
            )
        return load_file(path)
    if isinstance(source, str) and _looks_inline(source) and not Path(source).expanduser().is_file():
        return parse_config(source, INLINE)
    return load_file(Path(source).expanduser())


def load_file(path: Path) -> AgentConfig:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", file=str(path)) from None
    config = parse_config(text, str(path))
    config._source_path = path.resolve()
    return config


def parse_config(text: str, source: str = INLINE) -> AgentConfig:
    data = _lift_env_refs(parse_hcl(text, source))
    try:
        return AgentConfig.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, text, source) from None


def _lift_env_refs(data: Any) -> Any:
    """``api_key = env("X")`` keeps X as ``api_key_env``; an unset variable leaves the key empty."""
    if isinstance(data, dict):
        out = {k: _lift_env_refs(v) for k, v in data.items()}
        key = data.get("api_key")
        if isinstance(key, EnvRef):
            out["api_key"] = str(key) if key.present else None
            out["api_key_env"] = key.variable
        return out
    if isinstance(data, list):
        return [_lift_env_refs(v) for v in data]
    if isinstance(data, EnvRef):
        return str(data)
    return data


def _validation_error(exc: ValidationError, text: str, source: str) -> ConfigError:
    err = exc.errors()[0]
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    key = _dotted(loc)
    leaf = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(sorted(_fields_at(AgentConfig, loc[:-1])))
        message = f"unknown key '{leaf}'"
        expected = f"one of: {allowed}" if allowed else None
    elif err["type"] == "missing":
        message = f"missing required key '{leaf}'"
        expected = "a value for it"
    else:
        message = f"invalid value for '{key}'" if key else "invalid configuration"
        expected = err["msg"].removeprefix("Value error, ")
        if "input" in err and not isinstance(err["input"], dict | list):
            message += f": {err['input']!r}"
    extra = f" ({len(exc.errors()) - 1} more problem(s) after this one)" if len(exc.errors()) > 1 else ""
    return ConfigError(
        message + extra, file=source, line=_find_line(text, leaf), key=key or None, expected=expected
    )


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type[BaseModel], loc: list[Any]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = (
            current.model_fields.get(part)
            if isinstance(current, type) and issubclass(current, BaseModel)
            else None
        )
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f for f in current.model_fields if not f.endswith("_env")]
    return []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _find_line(text: str, key: str | None) -> int | None:
    """Best effort: the first line that assigns or opens ``key``."""
    if not key:
        return None
    pattern = re.compile(rf"(^|[\s{{,]){re.escape(key)}\s*(=|\{{|\")")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None
