"""SecurityProvider: what the loop calls on text going to the model, logs and saved sessions."""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol

from . import injection, redact
from .stream import StreamSanitizer

log = logging.getLogger("a3s_code.security")


class SecurityProvider(Protocol):
    """What a session calls on text: ``sanitize_output`` (the seed's name; ``sanitize`` is the same) and ``scan``.

    A provider may also offer ``stream_sanitizer()`` (a ``stream.StreamSanitizer``) for streamed
    text; without one, streamed text is shown line by line through ``sanitize_output``.
    """

    def sanitize(self, text: str) -> str:
        """The text with secrets and personal data redacted."""
        ...

    def sanitize_output(self, text: str) -> str:
        """The seed's name for ``sanitize``: what the user sees (the answer, streamed text) goes through it."""
        ...

    def scan(self, text: str, source: str) -> list[str]:
        """Prompt-injection findings (empty when clean). Findings warn; they never change permissions."""
        ...


class DefaultSecurityProvider:
    """Redacts secrets and PII and flags prompt injection; ``with_default_security()`` enables it."""

    def __init__(self, *, redact_pii: bool = True, detect_injection: bool = True) -> None:
        self.redact_pii = redact_pii
        self.detect_injection = detect_injection
        self.redactions: dict[str, int] = {}
        self._tainted: set[str] = set()
        self._tainted_lengths: set[int] = set()
        if redact_pii:
            from .logs import install_log_redaction

            install_log_redaction()

    def sanitize(self, text: str) -> str:
        if not self.redact_pii or not text:
            return text
        cleaned, counts = redact.redact(text)
        for kind, n in counts.items():
            self.redactions[kind] = self.redactions.get(kind, 0) + n
        return cleaned

    def sanitize_output(self, text: str) -> str:
        """What the user sees (the answer, streamed text): ``sanitize`` under the seed's name."""
        return self.sanitize(text)

    def stream_sanitizer(self) -> StreamSanitizer | None:
        """A fresh ``feed``/``flush`` redactor for one stream of text, or None when redaction is off."""
        return StreamSanitizer() if self.redact_pii else None

    def scan(self, text: str, source: str) -> list[str]:
        if not self.detect_injection:
            return []
        findings = injection.scan(text)
        if findings:
            log.warning("possible prompt injection in %s: %s", source, "; ".join(findings))
        return findings

    def taint_input(self, text: str) -> str:
        """Remember ``text`` as tainted (a secret seen in the prompt or a tool's output).

        Only its SHA-256 hex digest is kept, and returned; ``is_tainted`` answers for later text.
        """
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        self._tainted.add(digest)
        self._tainted_lengths.add(len(text))
        return digest

    def is_tainted(self, text: str) -> bool:
        """Whether exactly ``text`` was passed to ``taint_input`` before."""
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() in self._tainted

    def tainted_lengths(self) -> frozenset[int]:
        """The lengths of the tainted values, so callers know which stretches of text to test."""
        return frozenset(self._tainted_lengths)
