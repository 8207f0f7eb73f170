"""One root exception for the engine; the daemon converts it to JSON-RPC errors at its boundary."""

from __future__ import annotations


class A3SError(Exception):
    """Root of every error the engine raises on purpose."""

    code: str = "a3s_error"


class ConfigError(A3SError):
    """The configuration is invalid: names the file, line, key and what was expected."""

    code = "config_error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.key = key
        self.expected = expected
        where = file or "<config>"
        if line is not None:
            where = f"{where}:{line}"
        parts = [f"{where}: {message}"]
        if key:
            parts.append(f"key: {key}")
        if expected:
            parts.append(f"expected: {expected}")
        super().__init__("; ".join(parts))


class WorkspaceError(A3SError):
    """A path resolves outside the session's workspace."""

    code = "outside_workspace"


class ToolError(A3SError):
    """A tool failed in a way the model should be told about (bad arguments, missing file...)."""

    code = "tool_error"


class UnknownToolError(ToolError):
    """No tool of that name is registered."""

    code = "unknown_tool"


class PermissionDeniedError(A3SError):
    """A permission rule or the user refused a tool call."""

    code = "permission_denied"


class LLMError(A3SError):
    """The LLM provider failed (after retries where they apply)."""

    code = "llm_error"

    def __init__(
        self, message: str, *, status: int | None = None, retryable: bool = False, limit: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.limit = limit
        """The configured limit that ended the request (``first_byte_timeout``, ``retry_budget``...), if any."""


class MissingAPIKeyError(LLMError):
    """The provider has no API key; the message names the variable to set."""

    code = "missing_api_key"


class LLMTimeoutError(LLMError):
    """The request to the provider timed out."""

    code = "llm_timeout"


class CircuitOpenError(LLMError):
    """Repeated LLM failures tripped the circuit breaker."""

    code = "circuit_open"


class TurnCancelledError(A3SError):
    """The running turn was cancelled by the user."""

    code = "cancelled"


class SessionNotFoundError(A3SError):
    """No session with that id exists (in memory or in the store)."""

    code = "session_not_found"
