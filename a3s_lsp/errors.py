"""The daemon's one root exception, and the single place errors become JSON-RPC error objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lsprotocol.types import ResponseError

INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
PARSE_ERROR = -32700
SERVER_NOT_INITIALIZED = -32002
REQUEST_CANCELLED = -32800

# Daemon-specific codes live in the JSON-RPC "server error" range (-32000..-32099).
ENGINE_ERROR = -32010
SESSION_NOT_FOUND = -32011
SESSION_BUSY = -32012
CONFIG_ERROR = -32013
TOOL_ERROR = -32014
LLM_ERROR = -32015
TASK_REFUSED = -32016
UNAUTHORIZED = -32020
MESSAGE_TOO_LARGE = -32021

_ENGINE_CODES = {
    "session_not_found": SESSION_NOT_FOUND,
    "session_busy": SESSION_BUSY,
    "config_error": CONFIG_ERROR,
    "tool_error": TOOL_ERROR,
    "unknown_tool": TOOL_ERROR,
    "outside_workspace": TOOL_ERROR,
    "permission_denied": TOOL_ERROR,
    "external_task_refused": TASK_REFUSED,
    "queue_error": INVALID_PARAMS,
}


class A3SLspError(Exception):
    """Root of the errors the daemon raises on purpose; each carries its JSON-RPC code."""

    rpc_code: int = ENGINE_ERROR

    def __init__(self, message: str, *, data: Any = None) -> None:
        super().__init__(message)
        self.data = data

    def to_response_error(self) -> ResponseError:
        from lsprotocol.types import ResponseError

        return ResponseError(code=self.rpc_code, message=str(self), data=self.data)


class InvalidParamsError(A3SLspError):
    """The request's params are missing a field or have the wrong type."""

    rpc_code = INVALID_PARAMS


class SessionNotFoundError(A3SLspError):
    rpc_code = SESSION_NOT_FOUND


class SessionBusyError(A3SLspError):
    rpc_code = SESSION_BUSY


class UnauthorizedError(A3SLspError):
    """A TCP client did not present the daemon's token."""

    rpc_code = UNAUTHORIZED


def short(exc: BaseException, limit: int = 300) -> str:
    """One line naming an unexpected exception, for an -32603 answer (no traceback, no paths)."""
    text = " ".join(str(exc).split()) or "no details"
    line = f"Internal error: {type(exc).__name__}: {text}"
    return line if len(line) <= limit else line[: limit - 1] + "…"


def to_response_error(exc: BaseException) -> ResponseError | None:
    """Our errors and the engine's ``A3SError`` tree as JSON-RPC errors; None for anything else."""
    if isinstance(exc, A3SLspError):
        return exc.to_response_error()
    code = _engine_error_code(exc)
    if code is None:
        return None
    from lsprotocol.types import ResponseError

    if code.startswith("llm") or code in ("missing_api_key", "circuit_open"):
        rpc = LLM_ERROR
    else:
        rpc = _ENGINE_CODES.get(code, ENGINE_ERROR)
    return ResponseError(code=rpc, message=str(exc), data={"code": code})


def _engine_error_code(exc: BaseException) -> str | None:
    """The engine error's ``code`` without importing the engine when no engine error can exist."""
    import sys

    errors = sys.modules.get("a3s_code.errors")
    if errors is None or not isinstance(exc, errors.A3SError):
        return None
    return str(exc.code)
