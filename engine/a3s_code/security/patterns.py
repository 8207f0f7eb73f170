"""The shapes of credentials and personal data: data for ``redact.find_secrets``, one place.

Sources of the formats: the providers' own documentation of their token prefixes (GitHub's
"About authentication" token formats, AWS IAM identifier prefixes, Stripe, Slack, GitLab, npm,
PyPI, Hugging Face, SendGrid, Telegram, DigitalOcean, Shopify, age), and the plugin sets of
detect-secrets (Yelp) and gitleaks for the families recognised by a name next to the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

_B = r"(?<![A-Za-z0-9_\-])"
"""Start of a token: not in the middle of a longer identifier or token."""
_E = r"(?![A-Za-z0-9_\-])"


@dataclass(frozen=True)
class Shape:
    """A credential recognised by its own format; ``check`` (on the matched text) rejects look-alikes."""

    kind: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool] | None = None
    hints: tuple[str, ...] = ()
    """Literal parts one of which every match contains: a fast test before the pattern runs."""


def has_letter_and_digit(text: str) -> bool:
    """Random tokens mix both; hyphenated English words (``sk-learn-compatible-…``) do not."""
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


SHAPES: list[Shape] = [
    Shape(
        "private_key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
        ),
        hints=("-----BEGIN",),
    ),
    Shape(
        "anthropic_key",
        re.compile(_B + r"sk-ant-[A-Za-z0-9_\-]{20,}"),
        has_letter_and_digit,
        hints=("sk-ant-",),
    ),
    Shape(
        "openai_key",
        re.compile(_B + r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}"),
        has_letter_and_digit,
        hints=("sk-",),
    ),
    Shape(
        "github_token",
        re.compile(_B + r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
        hints=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    Shape(
        "gitlab_token",
        re.compile(_B + r"gl(?:pat|dt|rt|cbt|ptt|ft|imt|agent)-[A-Za-z0-9_\-]{20,}"),
        hints=("glpat-", "gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-"),
    ),
    Shape(
        "aws_access_key",
        re.compile(
            r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])"
        ),
        hints=("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA", "ABIA", "ACCA", "A3T"),
    ),
    Shape("google_api_key", re.compile(_B + r"AIza[0-9A-Za-z_\-]{35}" + _E), hints=("AIza",)),
    Shape(
        "google_oauth",
        re.compile(_B + r"(?:ya29\.[0-9A-Za-z_\-]{20,}|GOCSPX-[A-Za-z0-9_\-]{28})"),
        hints=("ya29.", "GOCSPX-"),
    ),
    Shape(
        "stripe_key", re.compile(_B + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}"), hints=("_live_", "_test_")
    ),
    Shape("slack_token", re.compile(_B + r"xox[abposre]-[A-Za-z0-9-]{10,}"), hints=("xox",)),
    Shape(
        "webhook_url",
        re.compile(
            r"https://(?:hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"
            r"|(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]{20,})"
        ),
        hints=("hooks.slack.com", "discord"),
    ),
    Shape(
        "jwt",
        re.compile(_B + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        hints=("eyJ",),
    ),
    Shape("npm_token", re.compile(_B + r"npm_[A-Za-z0-9]{36}" + _E), hints=("npm_",)),
    Shape("pypi_token", re.compile(_B + r"pypi-AgE[A-Za-z0-9_\-]{50,}"), hints=("pypi-AgE",)),
    Shape(
        "huggingface_token",
        re.compile(_B + r"hf_[A-Za-z0-9]{34,}" + _E),
        has_letter_and_digit,
        hints=("hf_",),
    ),
    Shape("sendgrid_key", re.compile(_B + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"), hints=("SG.",)),
    Shape("telegram_bot_token", re.compile(r"(?<![\w:])\d{8,10}:AA[A-Za-z0-9_\-]{33}" + _E), hints=(":AA",)),
    Shape("digitalocean_token", re.compile(_B + r"do[opr]_v1_[a-f0-9]{64}"), hints=("_v1_",)),
    Shape("shopify_token", re.compile(_B + r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"), hints=("shp",)),
    Shape(
        "age_secret_key",
        re.compile(r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
        hints=("AGE-SECRET-KEY-1",),
    ),
]

# -- secrets named by what stands before them --------------------------------------------------

SECRET_WORDS = frozenset(
    {
        "password", "passwd", "passphrase", "pwd", "pass", "secret", "token", "credential",
        "credentials", "apikey", "accesskey", "secretkey", "privatekey", "authtoken", "accesstoken",
        "refreshtoken", "accountkey", "sharedkey", "masterkey", "clientsecret", "apisecret",
        "signingkey", "encryptionkey", "sessionkey", "apitoken", "bearertoken", "idtoken",
    }
)  # fmt: skip
"""An assignment's name is secret when its last word is one of these (``DB_PASSWORD``, ``apiKey``)."""
KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "secret",
        "private",
        "signing",
        "encryption",
        "master",
        "account",
        "shared",
        "client",
        "app",
    }
)
"""``…_KEY`` is secret only after one of these words (``API_KEY``, ``secret-key``; not ``primary_key``)."""

_GLUED = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "secretkey",
    "accesskey",
    "privatekey",
)
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_is_secret(name: str) -> bool:
    """``password``, ``DB_PASSWORD``, ``clientSecret``, ``x-api-key``, ``aws_secret_access_key``: yes.

    ``max_tokens``, ``password_hash``, ``token_url``, ``primary_key``, ``secret_name``: no (the last
    word decides, as detect-secrets' KeywordDetector does with its denylist suffixes).
    """
    words = [w.lower() for part in re.split(r"[_\-.\s]+", name) for w in _CAMEL.findall(part)]
    if not words:
        return False
    last = words[-1]
    if last in SECRET_WORDS or last.endswith(_GLUED):
        return True  # DB_PASSWORD, and glued ones: PGPASSWORD, MYAPITOKEN
    if last == "key" and len(words) > 1:
        return words[-2] in KEY_QUALIFIERS or words[-2] + "key" in SECRET_WORDS
    return len(words) > 1 and words[-2] + last in SECRET_WORDS


PLACEHOLDERS = frozenset(
    {
        "password", "passwd", "secret", "token", "null", "none", "nil", "true", "false", "undefined",
        "empty", "example", "redacted", "hidden", "dummy", "placeholder", "required", "optional", "str",
        "string", "bytes", "int", "bool", "any", "text", "secretstr", "changeme", "foo", "bar", "test",
        "xxx", "todo", "tbd", "value", "your_password", "mypassword", "pass", "default",
    }
)  # fmt: skip
_REFERENCE = re.compile(
    r"^(?:\$|%\(|%[A-Za-z_]\w*%$|<|\{\{|\{%|\[REDACTED|[*&][A-Za-z_][A-Za-z_-]*$|!!?[A-Za-z]+$|os\.|process\.env|env\.|"
    r"ENV\[|getenv|secrets\.|vault:)",
    re.I,
)
_PLACEHOLDER_WORDS = re.compile(r"your|example|placeholder|changeme|redacted|xxxx", re.I)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])+\(?")


def value_is_secret(
    value: str, *, quoted: bool, followed_by: str, name: str, min_length: int = 4, spaced: bool = False
) -> bool:
    """Whether a value assigned to a secret name is a real value, not a reference or placeholder.

    Skipped (detect-secrets' ``is_indirect_reference`` family): empty or short values, ``${VAR}``,
    ``$VAR``, ``<your-token>``, ``{{ secrets.X }}``, YAML ``*alias`` and ``!tag``, ``os.environ[...]``,
    ``self.password``, calls,
    type annotations (``password: str``), repeated characters (``****``), the name itself, and in code
    an identifier passed on (``login(password=pw)``, ``{ token: userToken }``, ``password = pw;``;
    ``followed_by`` is the next character after spaces, ``spaced`` whether the assignment had spaces
    around its operator, as code has and ``Password=…;`` in a connection string has not).
    """
    stripped = value.strip()
    if len(stripped) < min_length or len(stripped) > 1 and len(set(stripped)) == 1:
        return False
    lowered = stripped.lower()
    if lowered in PLACEHOLDERS or _REFERENCE.search(stripped):
        return False
    if _PLACEHOLDER_WORDS.search(stripped) and not looks_random(stripped):
        return False  # your-api-key-here, example_password (but AWS's own example key is a key)
    if lowered == name.lower() or lowered.replace("-", "_") == name.lower().replace("-", "_"):
        return False
    if quoted:
        return True
    if followed_by[:1] in ("(", "[", ".") or "(" in stripped or "[" in stripped:
        return False  # a call, an index, a type or an attribute: code, not a value
    if _DOTTED.fullmatch(stripped):
        return False
    if stripped.startswith(("/", "./", "~/", "http://", "https://", "file:")) and not looks_random(stripped):
        return False  # a path or URL naming where the secret lives (base64 keys may start with "/")
    ends_code = followed_by[:1] in (")", ",", "}") or followed_by[:1] == ";" and spaced
    return not (_IDENTIFIER.fullmatch(stripped) and ends_code)


# -- randomness ----------------------------------------------------------------------------------


def shannon_entropy(text: str) -> float:
    """Bits per character over the text's own character frequencies (detect-secrets' measure)."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def looks_random(token: str) -> bool:
    """A generated secret rather than a word, identifier, hash, UUID or number.

    Needs 16+ characters, upper and lower case letters and a digit, and entropy near what random
    base64 of that length reaches (about 4.0 bits at 20 characters, 4.7 at 40); hex strings (git
    SHAs, digests) and UUIDs are never "random" here: they are named only by an assignment.
    """
    if len(token) < 16 or _HEX.fullmatch(token) or _UUID.search(token):
        return False
    if not (
        any(c.isdigit() for c in token)
        and any(c.islower() for c in token)
        and any(c.isupper() for c in token)
    ):
        return False
    return shannon_entropy(token) >= min(4.0, math.log2(len(token)) * 0.85)


def luhn_ok(number: str) -> bool:
    """The Luhn (mod 10) checksum of ISO/IEC 7812 card numbers, over the digits of ``number``."""
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


_ISSUER = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|2)|35|50|5[6-8]|6[39]")
"""Issuer prefixes (IIN) of Visa, Mastercard, Amex, Diners, Discover, UnionPay, JCB, Maestro."""


def card_ok(text: str) -> bool:
    digits = "".join(c for c in text if c.isdigit())
    return bool(_ISSUER.match(digits)) and luhn_ok(digits)


def phone_ok(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    # A phone number is written with separators or a leading +; a bare run of digits is just a number.
    return 10 <= digits <= 15 and (text.startswith("+") or any(c in text for c in " -.()"))
