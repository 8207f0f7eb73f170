"""Security: secret/PII redaction and prompt-injection detection behind a replaceable interface.

The provider loads on first use, so the daemon can import ``security.private`` and
``security.logs`` at start-up without the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .provider import DefaultSecurityProvider, SecurityProvider

__all__ = ["DefaultSecurityProvider", "SecurityProvider"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import provider

        return getattr(provider, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
