"""HCL text -> plain dicts: blocks normalised, strings unquoted, ``env("NAME")`` evaluated."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ..errors import ConfigError

REPEATED_BLOCKS = {"providers", "models", "mcp_servers"}
"""Blocks that may appear several times and become lists; every other block appears once."""
NAMED_BLOCK_MAPS = {"engine"}
"""Blocks whose children are named sub-blocks (``engine { google { ... } }``) and become a dict."""

_ENV_CALL = re.compile(r'^\$\{\s*env\(\s*"([^"]*)"\s*\)\s*\}$')
_INTERP = re.compile(r"^\$\{(.*)\}$", re.S)
_ONE_LINE_BLOCK = re.compile(r'^(\s*)([A-Za-z_][\w-]*(?:\s+"[^"]*")*)\s*\{(.*)\}\s*$')


def split_one_line_blocks(text: str) -> tuple[str, list[int]]:
    """Rewrite ``name { a = 1, b = 2 }`` (accepted by the seed, not by python-hcl2) onto several lines.

    Returns the new text and, for each of its lines, the original line number, so parser errors
    still point at the line the user wrote.
    """
    out: list[str] = []
    origin: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ONE_LINE_BLOCK.match(line)
        parts = _split_top_level(match.group(3)) if match else []
        if match and len(parts) > 1:
            indent, head = match.group(1), match.group(2)
            rewritten = [f"{indent}{head} {{"] + [f"{indent}  {p.strip()}" for p in parts if p.strip()]
            rewritten.append(f"{indent}}}")
            out.extend(rewritten)
            origin.extend([number] * len(rewritten))
        else:
            out.append(line)
            origin.append(number)
    return "\n".join(out) + "\n", origin


def _split_top_level(body: str) -> list[str]:
    parts, depth, current, quoted = [], 0, [], False
    i = 0
    while i < len(body):
        ch = body[i]
        if quoted:
            if ch == "\\" and i + 1 < len(body):
                current.append(body[i : i + 2])
                i += 2
                continue
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def parse_hcl(text: str, source: str) -> dict[str, Any]:
    """Parse and normalise; syntax errors become ConfigError with the user's line and column."""
    import hcl2
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    prepared, origin = split_one_line_blocks(text)
    try:
        raw = hcl2.loads(prepared)
    except (UnexpectedToken, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput) as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        if isinstance(line, int) and 0 < line <= len(origin):
            line = origin[line - 1]
        expected = sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or [])
        what = "invalid HCL syntax"
        token = getattr(exc, "token", None)
        if token is not None:
            what = f"unexpected {str(token)!r}" if str(token).strip() else "unexpected end of input"
        if isinstance(column, int) and column > 0:
            what += f" at column {column}"
        expect_text = _describe_expected(expected)
        raise ConfigError(
            what, file=source, line=line if isinstance(line, int) else None, expected=expect_text
        ) from None
    except Exception as exc:
        raise ConfigError(f"cannot parse HCL: {exc}", file=source) from None
    return _normalise_body(raw, source, path="")


def _describe_expected(tokens: list[str]) -> str | None:
    names = {
        "RBRACE": "'}'",
        "LBRACE": "'{'",
        "EQ": "'='",
        "NAME": "a key",
        "STRING_LIT": "a string",
        "NL_OR_COMMENT": "a new line",
        "RSQB": "']'",
        "COMMA": "','",
    }
    picked = [names[t] for t in tokens if t in names]
    return " or ".join(dict.fromkeys(picked)) if picked else None


def _normalise_body(body: dict[str, Any], source: str, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.startswith("__") and key.endswith("__"):  # parser bookkeeping: __is_block__, __comments__
            continue
        here = f"{path}.{key}" if path else key
        if _is_block_list(value):
            blocks = [_normalise_body(b, source, f"{here}[{i}]") for i, b in enumerate(value)]
            if key in REPEATED_BLOCKS:
                out[key] = blocks
            elif key in NAMED_BLOCK_MAPS:
                merged: dict[str, Any] = {}
                for block in blocks:
                    for name, sub in block.items():
                        merged[name] = sub[0] if isinstance(sub, list) and len(sub) == 1 else sub
                out[key] = merged
            elif len(blocks) == 1:
                out[key] = blocks[0]
            else:
                raise ConfigError(f"block '{key}' may appear only once", file=source, key=here)
        else:
            out[key] = _value(value, source, here)
    return out


def _is_block_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and v.get("__is_block__") for v in value)
    )


def _value(value: Any, source: str, key: str) -> Any:
    if isinstance(value, str):
        return _string(value, source, key)
    if isinstance(value, list):
        return [_value(v, source, key) for v in value]
    if isinstance(value, dict):
        return {
            k.strip('"'): _value(v, source, f"{key}.{k}") for k, v in value.items() if k != "__is_block__"
        }
    return value


def _string(value: str, source: str, key: str) -> Any:
    env = _ENV_CALL.match(value)
    if env:
        return EnvRef(env.group(1), os.environ.get(env.group(1)))
    if _INTERP.match(value):
        raise ConfigError(
            f"unsupported expression {value}", file=source, key=key, expected='a literal or env("NAME")'
        )
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded: str = json.loads(value)
            return decoded
        except ValueError:
            return value[1:-1]
    return value


class EnvRef(str):
    """A string read from ``env("NAME")``; remembers the variable so errors can name it."""

    variable: str
    present: bool

    def __new__(cls, variable: str, value: str | None) -> EnvRef:
        obj = super().__new__(cls, value or "")
        obj.variable = variable
        obj.present = value is not None and value != ""
        return obj
