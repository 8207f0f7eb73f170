"""Where the secrets and personal data in a text are (``find_secrets``), and the text without them.

A secret is recognised in one of four ways (the families of detect-secrets and gitleaks):

1. by its own format: ``AKIA…``, ``ghp_…``, ``sk-ant-…``, a PEM private key (``patterns.SHAPES``);
2. by the name it is assigned to: ``password=…``, ``"api_key": "…"``, ``DB_PASSWORD: …``,
   ``--token …``, ``<password>…</password>``, a Kubernetes ``name: X_TOKEN`` / ``value: …`` pair;
3. by where it stands: ``Authorization: Bearer …``, ``curl -u user:…``, a ``Cookie:`` header,
   ``postgres://user:…@host``, a ``.netrc`` ``login … password …`` entry;
4. by a key id or secret word just before it: a random-looking value after ``AKIA…`` on the same
   or the next line (``aws AKIA… secret wJal…``), or right after ``secret``/``token``/``password``.

Personal data (e-mail, US SSN, card number with Luhn and issuer prefix, phone) is found by shape.
Every rule looks only backwards for context (never at text after the value), so a stream can be
redacted with a small look-behind window (``stream.StreamSanitizer``) and give the same result.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .patterns import (
    SHAPES,
    card_ok,
    has_letter_and_digit,
    looks_random,
    luhn_ok,
    name_is_secret,
    phone_ok,
    value_is_secret,
)

__all__ = ["SecretFinding", "find_secrets", "luhn_ok", "redact"]


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """One secret: its kind (``aws_secret_key``, ``password``, ``email``…) and where it is.

    ``start``/``end`` index ``text`` (a Python slice, in characters); the value itself is never kept,
    so a finding can be logged. ``personal`` marks personal data (e-mail, phone, SSN, card number)
    rather than a credential.
    """

    kind: str
    start: int
    end: int
    personal: bool = False


# -- 2. named ------------------------------------------------------------------------------------

_VALUE = r"""(?:(?P<quote>["'`])(?P<qv>[^"'`\n]{0,400}?)(?P=quote)|(?P<uv>[^\s"'`,;)}\]<>&|]{1,400}))"""
_ASSIGNMENT = re.compile(
    r"""(?<![A-Za-z0-9_])(?P<nq>["']?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,80})(?P=nq)"""
    r"""[ \t]*(?P<sep>:=|=>|===|==|!=|=|:|->)[ \t]*""" + _VALUE
)
_FLAG = re.compile(r"(?<![\w-])--?(?P<name>[A-Za-z][\w-]{1,60})(?:=|[ \t]+)" + _VALUE)
_XML = re.compile(r"<(?P<name>[A-Za-z_][\w.\-]{0,60})>(?P<uv>[^<\n]{1,400})</(?P=name)>")
_K8S = re.compile(
    r"""name:[ \t]*["']?(?P<name>[A-Za-z_][\w.\-]{0,80})["']?[ \t]*\r?\n[ \t]*(?:-[ \t]*)?value:[ \t]*"""
    + _VALUE
)
_PROSE = re.compile(
    r"(?i)\b(?P<name>password|passphrase|passcode|pin)\s+(?:is|was)\s*:?\s+[\"']?(?P<uv>[^\s\"']{4,200})"
)


def _named(text: str, pos: int, out: list[SecretFinding]) -> None:
    for pattern in (_ASSIGNMENT, _FLAG, _K8S, _XML):
        for m in pattern.finditer(text, pos):
            name = m.group("name")
            if not name_is_secret(name):
                continue
            quoted = m.groupdict().get("qv") is not None
            group = "qv" if quoted else "uv"
            value = m.group(group)
            after = text[m.end() : m.end() + 8].lstrip(" \t")[:1]
            spaced = " " in text[m.end("name") : m.start(group)]
            if value_is_secret(value, quoted=quoted, followed_by=after, name=name, spaced=spaced):
                out.append(SecretFinding(_kind_of(name), m.start(group), m.end(group)))
    for m in _PROSE.finditer(text, pos) if " is" in text[pos:] or " was" in text[pos:] else ():
        value = m.group("uv").rstrip(".,;:!?")
        if has_letter_and_digit(value):
            out.append(SecretFinding("password", m.start("uv"), m.start("uv") + len(value)))


def _kind_of(name: str) -> str:
    lowered = name.lower().replace("-", "_")
    if "aws_secret" in lowered or "secret_access_key" in lowered:
        return "aws_secret_key"
    for kind in ("password", "passwd", "passphrase", "pwd", "token", "secret", "key", "credential"):
        if kind in lowered:
            return {"passwd": "password", "pwd": "password", "key": "api_key"}.get(kind, kind)
    return "password" if lowered.endswith("pass") else "secret"


# -- 3. positional ---------------------------------------------------------------------------------

_AUTH_SCHEMES = r"(?:bearer|basic|token|digest|bot|apikey|api-key|sso-key|negotiate|ntlm|hmac)"
_AUTHORIZATION = re.compile(
    r"(?i)\b(?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:" + _AUTH_SCHEMES + r"[ \t]+)?"
    r"(?P<v>[^\s\"',;]{8,})"
)
_BEARER = re.compile(r"(?i)(?<![\w-])bearer[ \t]+(?P<v>[A-Za-z0-9._~+/\-]{16,}=*)")
_CURL_USER = re.compile(r"""(?:^|(?<=[\s'"]))(?:-u|--user)(?:=|[ \t]+)["']?[^\s:'"]+:(?P<v>[^\s'"]{1,200})""")
_COOKIE = re.compile(r"(?im)(?<![\w-])(?P<set>set-)?cookie[ \t]*:[ \t]*(?P<rest>[^\r\n\"']*)")
_COOKIE_PAIR = re.compile(r"[^=;\s]+=(?P<v>[^;\s]{8,})")
_URL_CREDENTIALS = re.compile(
    r"(?i)\b[a-z][a-z0-9+.\-]*://(?P<user>[^\s:/@'\"<>]*):(?P<v>[^\s@/'\"<>]+)@[A-Za-z0-9\[]"
)
_CLI_PASSWORD = re.compile(
    r"(?<![\w-])(?:(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?[ \t]-p(?P<attached>[^\s'\"][^\s'\"]*)"
    r"|sshpass[ \t]+-p[ \t]*[\"']?(?P<sshpass>[^\s'\"]+))"
)
"""Passwords glued to a flag: ``mysql -u root -pS3cret``, ``sshpass -p S3cret ssh host``."""
_NETRC = re.compile(r"(?<![\w-])(?:machine|login|account)[ \t]+\S+\s+password[ \t]+(?P<v>\S+)")


def _positional(text: str, pos: int, lowered: str, out: list[SecretFinding]) -> None:
    """``lowered`` is ``text[pos:].lower()``: literal tests skip the patterns that cannot match."""
    for hint, pattern in (("authorization", _AUTHORIZATION), ("bearer", _BEARER)):
        if hint not in lowered:
            continue
        for m in pattern.finditer(text, pos):
            if value_is_secret(m.group("v"), quoted=True, followed_by="", name="authorization"):
                out.append(SecretFinding("authorization", m.start("v"), m.end("v")))
    for m in _CURL_USER.finditer(text, pos) if "-u" in lowered else ():
        if value_is_secret(m.group("v"), quoted=True, followed_by="", name="password", min_length=1):
            out.append(SecretFinding("password", m.start("v"), m.end("v")))
    for m in _COOKIE.finditer(text, pos) if "cookie" in lowered else ():
        for pair in _COOKIE_PAIR.finditer(m.group("rest")):
            start = m.start("rest") + pair.start("v")
            out.append(SecretFinding("cookie", start, start + len(pair.group("v"))))
            if m.group("set"):
                break  # Set-Cookie: only the first pair is the cookie; the rest are attributes
    for m in _URL_CREDENTIALS.finditer(text, pos) if "://" in lowered else ():
        if value_is_secret(m.group("v"), quoted=True, followed_by="", name="password", min_length=1):
            out.append(SecretFinding("url_password", m.start("v"), m.end("v")))
    for m in _CLI_PASSWORD.finditer(text, pos) if "-p" in lowered else ():
        group = "attached" if m.group("attached") else "sshpass"
        if value_is_secret(m.group(group), quoted=True, followed_by="", name="password", min_length=1):
            out.append(SecretFinding("password", m.start(group), m.end(group)))
    for m in _NETRC.finditer(text, pos) if "password" in lowered else ():
        if value_is_secret(m.group("v"), quoted=True, followed_by="", name="password"):
            out.append(SecretFinding("password", m.start("v"), m.end("v")))


# -- 4. near a key id or a secret word ---------------------------------------------------------------

_SECRET_WORD = re.compile(
    r"(?i)(?<![\w.])(?:secret|password|passwd|passphrase|token|api[ _-]?key|access[ _-]?key|"
    r"secret[ _-]?key|credentials?)(?![\w.])"
)
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/=_\-])[A-Za-z0-9+/_\-]{16,}={0,2}(?![A-Za-z0-9+/=_\-])")
_NOT_SECRET_BEFORE = re.compile(
    r"(?i)(?:sha\d+[-:]|md5[-:]|base64,|(?:ssh-\w+|ecdsa-sha2-nistp\d+|sk-ssh-\S+)[ \t]+|/|\.|@|#)$"
)
_DIGEST_PREFIX = re.compile(r"(?i)(?:sha\d+|md5|blake2b?)[-:]")
NEAR_ID_CHARS = 200
"""How far after a key id (``AKIA…``) its secret may stand: the same or the next line, this many characters."""
_NEAR_HINTS = ("secret", "passw", "passphrase", "token", "key", "credential")
NEAR_WORD_CHARS = 40
"""How far after ``secret``/``token``/``password`` a random-looking value is taken as the secret."""


def _near(text: str, pos: int, ids: list[SecretFinding], out: list[SecretFinding]) -> None:
    anchors: list[tuple[int, int, str]] = [
        (f.end, NEAR_ID_CHARS, "aws_secret_key") for f in ids if f.kind == "aws_access_key"
    ]
    anchors += [(m.end(), NEAR_WORD_CHARS, "secret") for m in _SECRET_WORD.finditer(text, pos)]
    for end, reach, kind in anchors:
        stop = text.find("\n", end)
        if kind == "aws_secret_key" and stop != -1:
            stop = text.find("\n", stop + 1)  # the next line too: a CSV of id and secret
        limit = min(end + reach, len(text) if stop == -1 else stop)
        for m in _CANDIDATE.finditer(text, end):
            if m.start() > limit:
                break
            token_start = max(
                text.rfind(" ", 0, m.start()), text.rfind("\n", 0, m.start()), text.rfind("\t", 0, m.start())
            )
            token = text[token_start + 1 : m.end()]
            if "://" in token or _NOT_SECRET_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
                continue
            if _DIGEST_PREFIX.match(m.group(0)):
                continue  # sha512-…, sha256:… (subresource integrity, OCI digests)
            if re.match(r"\.[A-Za-z]{1,5}\b", text[m.end() : m.end() + 6]):
                continue  # a file name
            if looks_random(m.group(0).rstrip("=")):
                out.append(SecretFinding(kind, m.start(), m.end()))


# -- personal data -----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-!#$&*=?^~])(?P<local>[A-Za-z0-9._%+\-!#$&*=?^~]+)@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.(?P<tld>[A-Za-z]{2,})(?![\w\-])"
)
FILE_SUFFIXES = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "avif", "js", "mjs", "cjs", "ts", "tsx",
        "jsx", "css", "scss", "less", "json", "md", "py", "rs", "go", "java", "rb", "html", "htm", "txt",
        "lock", "yaml", "yml", "toml", "xml", "vue", "svelte", "php", "swift", "kt", "c", "h", "cpp", "hpp",
        "sh", "zip", "tgz", "gz", "pdf",
    }
)  # fmt: skip
"""``logo@2x.png`` and ``lodash@4.17.21`` are file and package names, not e-mail addresses."""
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
_CARD = re.compile(r"(?<![0-9A-Za-z-])(?:\d[ -]?){12,18}\d(?![0-9A-Za-z-])")
_CARD_WORD = re.compile(r"(?i)card|visa|master|amex|discover|\bpan\b|\bcc\b|credit|debit|payment")
"""An ungrouped run of digits is a card only after one of these words (else it is an ID or a count);
a grouped one (``4111 1111 1111 1111``) is a card by its shape. A run touching a letter or a dash is part
of an ID (a UUID's ``3d47-3759-87441543028b`` holds a Luhn-valid run), not a card."""
_PHONES = (
    re.compile(r"(?<![\w+])\+\d{1,3}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,4}(?![\w.])"),
    re.compile(r"(?<![\w.\-])\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}(?![\w.\-])"),
)


def _personal(text: str, pos: int, out: list[SecretFinding]) -> None:
    for m in _EMAIL.finditer(text, pos) if text.find("@", pos) != -1 else ():
        before = text[max(0, m.start() - 3) : m.start()]
        if m.group("tld").lower() in FILE_SUFFIXES or m.group("local") == "git" or before.endswith("://"):
            continue
        out.append(SecretFinding("email", m.start(), m.end(), True))
    out.extend(SecretFinding("ssn", m.start(), m.end(), True) for m in _SSN.finditer(text, pos))
    out.extend(
        SecretFinding("card_number", m.start(), m.end(), True)
        for m in _CARD.finditer(text, pos)
        if card_ok(m.group(0))
        and (not m.group(0).isdigit() or _CARD_WORD.search(text, max(0, m.start() - 40), m.start()))
    )
    for pattern in _PHONES:
        out.extend(
            SecretFinding("phone", m.start(), m.end(), True)
            for m in pattern.finditer(text, pos)
            if phone_ok(m.group(0))
        )


# -- all together -------------------------------------------------------------------------------------


_SHAPE_HINTS = re.compile(
    "(?=(" + "|".join(sorted({re.escape(h) for s in SHAPES for h in s.hints}, key=len, reverse=True)) + "))"
)
"""Every shape's hints, found where they overlap too (a lookahead): which shapes are worth running."""
_NAME_HINTS = ("pass", "pwd", "secret", "token", "credential", "key", "pin")
"""Every secret name (``patterns.SECRET_WORDS``) and the prose rule's words contain one of these."""
REACH = 128
"""How far before ``start`` a token-shaped finding (a key format, a name and its value) is looked for."""
LINE_REACH = 320
"""How far before ``start`` rules reading a line's head (a ``Cookie:`` header, a key id) look."""


def find_secrets(text: str, start: int = 0) -> list[SecretFinding]:
    """Every secret and piece of personal data in ``text``, by position, without overlaps.

    With ``start``, only what can reach into ``text[start:]`` is looked for (the text before it
    serves as look-behind context): ``stream.StreamSanitizer`` passes what it has already shown.

    Where two findings overlap, the more specific rule wins (a format over a name, a name over a
    nearby word, credentials over personal data). The values never leave this function: callers
    get kinds and spans (``text[f.start:f.end]`` is the value, for hashing it as taint).
    """
    found: list[SecretFinding] = []
    near, line = max(0, start - REACH), max(0, start - LINE_REACH)
    present = {m.group(1) for m in _SHAPE_HINTS.finditer(text, near)}
    for shape in SHAPES:
        if shape.hints and present.isdisjoint(shape.hints):
            continue
        for m in shape.pattern.finditer(text, near):
            if shape.check is None or shape.check(m.group(0)):
                found.append(SecretFinding(shape.kind, m.start(), m.end()))
    ids = list(found)
    lowered = text[line:].lower()
    if any(w in lowered for w in _NAME_HINTS):
        _named(text, near, found)
    _positional(text, line, lowered, found)
    if ids or any(w in lowered for w in _NEAR_HINTS):
        _near(text, line, ids, found)
    _personal(text, near, found)
    return _without_overlaps(found)


def _without_overlaps(found: list[SecretFinding]) -> list[SecretFinding]:
    starts: list[int] = []
    kept: list[SecretFinding] = []
    for finding in found:  # in priority order
        if finding.end <= finding.start:
            continue
        i = bisect.bisect_left(starts, finding.start)
        if i > 0 and kept[i - 1].end > finding.start:
            continue
        if i < len(kept) and kept[i].start < finding.end:
            continue
        starts.insert(i, finding.start)
        kept.insert(i, finding)
    return kept


def redact(text: str) -> tuple[str, dict[str, int]]:
    """The text with each finding replaced by ``[REDACTED:kind]``, and a count per kind.

    Idempotent: a redacted text has nothing left to redact.
    """
    return apply(text, find_secrets(text))


def apply(text: str, findings: list[SecretFinding]) -> tuple[str, dict[str, int]]:
    """``text`` with ``findings`` (sorted, non-overlapping, as ``find_secrets`` returns them) replaced."""
    if not findings:
        return text, {}
    counts: dict[str, int] = {}
    parts: list[str] = []
    at = 0
    for f in findings:
        parts.append(text[at : f.start])
        parts.append(f"[REDACTED:{f.kind}]")
        counts[f.kind] = counts.get(f.kind, 0) + 1
        at = f.end
    parts.append(text[at:])
    return "".join(parts), counts
