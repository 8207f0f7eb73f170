"""Prompt-injection signals in content the model reads: instruction patterns and hidden Unicode."""

from __future__ import annotations

import re

INSTRUCTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ignore previous instructions",
        re.compile(
            r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|preceding)\s+(?:instructions|prompts|rules|directions|messages)",
            re.I,
        ),
    ),
    (
        "role reassignment",
        re.compile(
            r"\byou\s+are\s+now\s+(?:a|an|the|in)\b|\bact\s+as\s+(?:an?\s+)?(?:unrestricted|jailbroken|DAN)\b",
            re.I,
        ),
    ),
    (
        "fake system prompt",
        re.compile(r"(?:^|\n)\s*(?:#+\s*)?(?:system(?:\s+prompt)?|new\s+instructions)\s*:", re.I),
    ),
    ("chat-template tokens", re.compile(r"<\|(?:im_start|im_end|system|endoftext)\|>|\[/?INST\]|<</?SYS>>")),
    (
        "tool-call smuggling",
        re.compile(r"\b(?:call|use|run|invoke)\s+the\s+(?:bash|write|edit|patch|web_fetch)\s+tool\b", re.I),
    ),
    (
        "exfiltration request",
        re.compile(
            r"\b(?:send|post|upload|exfiltrate)\b[^\n]{0,60}\b(?:api[_ ]?keys?|secrets?|credentials|tokens?|\.env|ssh keys?)\b",
            re.I,
        ),
    ),
    (
        "hide from the user",
        re.compile(r"\bdo\s+not\s+(?:tell|inform|show|mention\s+(?:this\s+)?to)\s+the\s+user\b", re.I),
    ),
]

HIDDEN_RANGES: list[tuple[str, str]] = [
    ("zero-width", "\u200b-\u200f\u2060-\u2064\ufeff"),
    ("bidi control", "\u202a-\u202e\u2066-\u2069"),
    ("tag character", "\U000e0000-\U000e007f"),
]
_HIDDEN = {name: re.compile(f"[{chars}]") for name, chars in HIDDEN_RANGES}


def scan(text: str) -> list[str]:
    """Every finding, with where it is (an offset), so a payload deep in a long output is visible."""
    findings: list[str] = []
    for name, pattern in INSTRUCTION_PATTERNS:
        match = pattern.search(text)
        if match:
            findings.append(f"{name} at offset {match.start()}: {match.group(0)[:60]!r}")
    for name, pattern in _HIDDEN.items():
        hits = pattern.findall(text)
        if hits:
            first = pattern.search(text)
            assert first is not None
            findings.append(
                f"hidden unicode: {len(hits)} {name} character(s), first at offset {first.start()}"
            )
    return findings
