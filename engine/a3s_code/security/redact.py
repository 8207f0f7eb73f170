"""Redaction of secrets and personal data, tuned to leave UUIDs, git SHAs and plain numbers alone."""

from __future__ import annotations

import re
from collections.abc import Callable

Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool] | None]


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> bool:
    return luhn_ok(match.group(0))


def _phone(match: re.Match[str]) -> bool:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    # A phone number is written with separators or a leading +; a bare run of digits is just a number.
    return 10 <= digits <= 15 and (text.startswith("+") or any(c in text for c in " -.()"))


RULES: list[Rule] = [
    (
        "private_key",
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"),
        None,
    ),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}"), None),
    ("openai_key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"), None),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"), None),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b"), None),
    (
        "aws_secret_key",
        re.compile(r"(?i)(?<=aws_secret_access_key)(\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{40}\b"),
        None,
    ),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"), None),
    ("stripe_key", re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{20,}"), None),
    ("slack_token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), None),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), None),
    ("email", re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b"), None),
    ("ssn", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"), None),
    ("card_number", re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])"), _card),
    ("phone", re.compile(r"(?<![\w+])\+\d{1,3}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,4}(?![\w.])"), _phone),
    ("phone", re.compile(r"(?<![\w.\-])\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}(?![\w.\-])"), _phone),
]


def redact(text: str) -> tuple[str, dict[str, int]]:
    """The text with findings replaced by ``[REDACTED:kind]``, and a count per kind."""
    counts: dict[str, int] = {}
    for kind, pattern, check in RULES:

        def replace(
            match: re.Match[str], kind: str = kind, check: Callable[[re.Match[str]], bool] | None = check
        ) -> str:
            if check is not None and not check(match):
                return match.group(0)
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "aws_secret_key":
                return f"{match.group(1)}[REDACTED:{kind}]"
            return f"[REDACTED:{kind}]"

        text = pattern.sub(replace, text)
    return text, counts
