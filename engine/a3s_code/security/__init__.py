"""Security: secret/PII redaction and prompt-injection detection behind a replaceable interface."""

from .provider import DefaultSecurityProvider, SecurityProvider

__all__ = ["DefaultSecurityProvider", "SecurityProvider"]
