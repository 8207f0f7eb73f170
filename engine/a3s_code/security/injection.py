"""Prompt-injection signals in content the model reads (tool output, fetched pages, MCP descriptions).

Kinds (OWASP LLM01:2025 and the coding-agent attacks in docs/security.md):

- ``instruction``: phrases that only make sense as orders to the model ("ignore previous
  instructions", "reveal your system prompt", "do not tell the user", role reassignment);
- ``role_spoofing``: text dressed as another turn of the conversation (``system:``/``assistant:``
  lines, chat-template tokens, ``{"role": "system", …}``) that gives orders;
- ``tool_call``: a tool call written into content (``{"name": "bash", "arguments": …}``,
  ``"type": "tool_use"``, ``<tool_call>``);
- ``exfiltration``: markdown images and links whose URL carries data out (a slot to fill, a
  secret, an encoded payload), and requests to send secrets somewhere;
- ``hidden_instruction`` / ``encoded_instruction``: any of the above, or orders that would be weak
  on their own (``curl … | sh``, "AI agents: …"), inside HTML comments, invisible elements,
  tag-character text, or base64/hex that decodes to text;
- ``hidden_unicode``: invisible characters where they have no use (``hidden``).

Detection is advisory: a finding warns the model and the user; the permission rules stay the gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from . import hidden
from .redact import find_secrets

_I = re.I | re.M
Signal = tuple[str, tuple[str, ...], re.Pattern[str]]
"""A name, words one of which must be in the lower-cased text (a fast test first), the pattern."""
_OBJECT = (
    r"(?:api[_ ]?keys?|secrets?|credentials|tokens?|passwords?|\.env|ssh\s+keys?|private\s+keys?|id_rsa|"
    r"environment\s+variables|conversation|chat\s+history|system\s+prompt)"
)

STRONG: list[Signal] = [
    (
        "ignore previous instructions",
        ("ignore", "disregard", "forget", "override", "bypass"),
        re.compile(
            r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|of|my|these|those|every)\s+){0,3}"
            r"(?:previous|prior|above|earlier|preceding|former|system|original|initial|safety|existing)\s+"
            r"(?:instructions?|prompts?|rules|directions|messages|guidelines|context|constraints|directives|guardrails)"
            r"|\bforget\s+(?:everything|all)\s+(?:you|we|that|above|before)\b"
            r"|\bignore\s+everything\s+(?:above|before)\b",
            _I,
        ),
    ),
    (
        "ignore previous instructions (translated)",
        ("ignor", "忽略", "無視", "игнорир"),
        re.compile(
            r"ignor(?:e|ez)\s+(?:toutes\s+)?les\s+instructions\s+pr[ée]c[ée]dentes"
            r"|ignorier(?:e|en)\s+(?:sie\s+)?(?:alle\s+)?(?:vorherigen|bisherigen|vorigen|obigen)\s+(?:anweisungen|instruktionen)"
            r"|ignora(?:r)?\s+(?:todas\s+)?las\s+instrucciones\s+anteriores"
            r"|忽略(?:之前|以上|先前|上面|前面)(?:的)?(?:所有)?(?:指令|指示|说明)"
            r"|(?:以前|前|上記)の(?:すべての)?指示を無視"
            r"|игнорируй(?:те)?\s+(?:все\s+)?(?:предыдущие|прежние)\s+инструкции",
            _I,
        ),
    ),
    (
        "role reassignment",
        ("you are now", "act as", "pretend", " mode", "from now on"),
        re.compile(
            r"\byou\s+are\s+now\s+(?:a|an|the|in|my|no\s+longer|DAN|free)\b"
            r"|\bact\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|jailbroken|evil|DAN)\b"
            r"|\bpretend\s+(?:that\s+)?you\s+(?:are|have)\s+(?:no\s+(?:rules|restrictions|limits)|an?\s+unrestricted)"
            r"|\b(?:developer|god|jailbreak|DAN)\s+mode\s+(?:is\s+)?(?:enabled|activated|on|engaged)\b"
            r"|\bfrom\s+now\s+on,?\s+you\s+(?:will|must|are|should|shall)\b",
            _I,
        ),
    ),
    (
        "new instructions",
        ("instruction", "override"),
        re.compile(
            r"^[ \t>#*_]*(?:new|updated|real|actual|revised|additional|hidden|secret)\s+(?:system\s+)?"
            r"instructions?[ \t*_]*[:：]|\bsystem\s+prompt\s+override\b",
            _I,
        ),
    ),
    (
        "reveal the system prompt",
        ("system prompt", "instructions", "developer message", "initial prompt"),
        re.compile(
            r"\b(?:reveal|print|output|repeat|leak|dump|disclose)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|"
            r"original\s+|hidden\s+)?(?:system\s+prompt|initial\s+(?:prompt|instructions)|hidden\s+instructions|"
            r"instructions\s+above|developer\s+message)",
            _I,
        ),
    ),  # fmt: skip
    (
        "chat-template tokens",
        ("<|", "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "_of_turn>"),
        re.compile(
            r"<\|(?:im_start|im_end|system|user|assistant|endoftext|start_header_id|end_header_id|eot_id|begin_of_text)\|>"
            r"|\[/?INST\]|<</?SYS>>|<start_of_turn>|<end_of_turn>"
        ),
    ),
    (
        "tool-call smuggling",
        (" tool",),
        re.compile(
            r"\b(?:call|use|run|invoke|execute)\s+the\s+[`'\"]?(?:bash|shell|write|edit|patch|web_fetch|terminal)"
            r"[`'\"]?\s+tool\b",
            _I,
        ),
    ),
    (
        "exfiltration request",
        ("send", "post", "upload", "exfiltrat", "leak", "transmit", "forward", "email"),
        re.compile(
            r"\b(?:send|post|upload|exfiltrate|leak|transmit|forward|email)\b[^\n]{0,60}\b" + _OBJECT + r"\b"
            r"[^\n]{0,60}?\b(?:to|into|at)\s+(?:https?://|[\w.+-]+@|[\w-]+(?:\.[\w-]+)+\b|me\b|us\b|"
            r"this\s+(?:url|address|endpoint)|the\s+(?:following|url|address|endpoint|server|webhook))",
            _I,
        ),
    ),
    (
        "sensitive-file request",
        (
            "~/.ssh",
            "id_rsa",
            "id_ed25519",
            "id_ecdsa",
            ".aws/credentials",
            ".npmrc",
            ".netrc",
            ".pypirc",
            "/etc/shadow",
            ".git-credentials",
            ".docker/config",
            "mcp.json",
            ".kube/config",
        ),
        re.compile(
            r"\b(?:read|cat|print|output|display|dump|send|upload|leak|exfiltrate|base64)\b[^\n]{0,40}"
            r"(?:~/\.ssh|\bid_(?:rsa|ed25519|ecdsa)\b|\.aws/credentials|\.npmrc\b|\.netrc\b|\.pypirc\b|/etc/shadow\b|"
            r"\.git-credentials\b|\.docker/config\.json|\bmcp\.json\b|\.kube/config\b)",
            _I,
        ),
    ),
    (
        "hide from the user",
        ("the user", "silently", "secretly", "covertly"),
        re.compile(
            r"\bdo\s+not\s+(?:tell|inform|show|alert|notify|mention\s+(?:this\s+|it\s+)?to)\s+the\s+user\b"
            r"|\b(?:without|never)\s+(?:telling|informing|alerting|notifying)\s+the\s+user\b"
            r"|\bkeep\s+(?:this|it)\s+(?:a\s+)?(?:secret|hidden)\s+from\s+the\s+user\b"
            r"|\bthe\s+user\s+(?:must|should|will)\s+not\s+(?:know|see|notice|be\s+told)\b"
            r"|\b(?:silently|secretly|covertly)\s+(?:run|execute|delete|remove|send|upload|install|modify|exfiltrate|curl)\b",
            _I,
        ),
    ),
    (
        "decode and follow",
        ("decode", "base64 -d", "atob"),
        re.compile(
            r"\b(?:decode|base64\s+-d|atob)\b[^\n]{0,60}\b(?:and|then)\s+(?:follow|execute|run|obey)\b", _I
        ),
    ),
]
"""Each is an injection on its own, wherever it stands."""

WEAK: list[Signal] = [
    (
        "addressed to the AI",
        (
            "you are a",
            "note ",
            "message ",
            "instruction",
            "attention",
            "notice ",
            "reminder ",
            "ai:",
            "ai,",
            "ai!",
            "ais:",
            "llm",
            "ai agent",
            "ai assistant",
            "ai model",
            "hey",
            "hi ",
            "dear",
            "yo ",
        ),
        re.compile(
            r"\b(?:if|when)\s+you\s+are\s+an?\s+(?:AI|LLM|large\s+language\s+model|language\s+model|AI\s+assistant|"
            r"assistant|coding\s+agent|agent|bot|chatbot)\b"
            r"|\b(?:note|message|instructions?|attention|notice|reminder)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?"
            r"(?:AI|LLMs?|assistants?|agents?|AI\s+(?:assistants?|agents?|models?)|language\s+models?|Claude|Copilot|"
            r"ChatGPT|GPT|Codex|Cursor|Gemini)\b"
            r"|^[ \t>#*_-]*(?:attention\s+)?(?:AI|LLM)s?(?:\s+(?:agents?|assistants?|models?))?\s*[:,!]"
            r"|\b(?:hey|hi|dear|yo),?\s+(?:AI|LLM|assistant|agent|Claude|Copilot|ChatGPT|GPT|Codex|Cursor|Gemini|bot)\b",
            _I,
        ),
    ),
    (
        "orders for whoever reads this",
        ("when", "if ", "before", "after", "while"),
        re.compile(
            r"\b(?:when|if|before|after|while)\s+(?:you\s+(?:are\s+)?)?(?:summari[sz]|answer|respond|repl|process|"
            r"review|read|analy[sz]|translat)\w*\s+(?:this|the)\s+(?:page|document|repo(?:sitory)?|file|issue|pr|"
            r"pull\s+request|e-?mail|message|content|text|tool|website|site)\b",
            _I,
        ),
    ),
    (
        "pseudo-tag",
        ("<",),
        re.compile(r"<\s*/?\s*(?:important|instructions?|admin|secret|hidden|system_note)\s*>", _I),
    ),
    (
        "pipe to a shell",
        ("curl", "wget"),
        re.compile(r"\b(?:curl|wget)\b[^\n|]{0,200}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b", _I),
    ),
    (
        "permission tampering",
        (
            "autoapprove",
            "dangerously",
            "bypasspermissions",
            "--yolo",
            "confirmation",
            "approval",
            "permission",
            "sandbox",
            "safety check",
        ),
        re.compile(
            r"chat\.tools\.autoApprove|--dangerously-skip-permissions|\bbypassPermissions\b|--yolo\b"
            r"|\b(?:disable|turn\s+off|skip)\s+(?:all\s+)?(?:the\s+)?(?:confirmations?|approvals?|permission\s+"
            r"(?:checks?|prompts?)|sandbox(?:ing)?|safety\s+checks?)\b",
            _I,
        ),
    ),
]
"""Ordinary in visible docs (install scripts, agent docs); injections when hidden or together."""
HIDDEN_ONLY: list[Signal] = [
    (
        "command for the reader",
        ("run", "execute", "call", "invoke", "rm -rf"),
        re.compile(
            r"\b(?:run|execute|call|invoke)\s+[`'\"]?(?:curl|wget|bash|sh|rm|python3?|node|npm|pip|git|ssh|scp|nc)\b"
            r"|\brm\s+-rf\s+[~/]",
            _I,
        ),
    ),
]
"""A command for the reader is everyday text in agent docs (``AGENTS.md``: "run `npm test`"); hidden, it is an order."""
WEAK_WINDOW = 400
"""Two different weak signals this close (in characters) are flagged together."""

_AUTHORITY = re.compile(
    r"\byou\s+(?:must|will|should|shall|are\s+(?:now|authori[sz]ed|allowed|permitted|required))\b"
    r"|\bthe\s+user\s+(?:has|is|already|wants|approved|authori[sz]ed)\b|\b(?:is|are|been)\s+(?:authori[sz]ed|"
    r"approved|pre-?approved|whitelisted)\b|\bnew\s+(?:rules|instructions|policy|directives|task)\b|\boverride\b"
    r"|\b(?:run|execute|delete|remove|send|upload|download|install|push|reveal|print|ignore|disable)\s"
    r"|\brm\s+-rf\b|\bcurl\s|\bwget\s|\bsudo\s|\bI(?:\s+will|'ll)\s+now\b",
    re.I,
)
_ROLE_LINE = re.compile(r"^[ \t>*_#]*(?:system|assistant|developer)[ \t*_]*:[ \t]*(?P<rest>[^\n]+)", _I)
_ROLE_TAG = re.compile(r"<(?P<role>system|assistant|developer)(?:_message)?>(?P<rest>[^<]{0,500})", re.I)
_ROLE_JSON = re.compile(
    r"\"role\"\s*:\s*\"(?:system|assistant|developer)\"\s*,\s*\"content\"\s*:\s*\"(?P<rest>[^\"]{0,500})"
)

AGENT_TOOLS = frozenset(
    {
        "bash", "shell", "sh", "exec", "execute", "run", "run_command", "run_shell_command", "terminal",
        "cmd", "powershell", "write", "write_file", "create_file", "edit", "edit_file", "str_replace_editor",
        "str_replace_based_edit_tool", "patch", "apply_patch", "read", "read_file", "web_fetch", "fetch",
        "http_request", "git", "git_worktree", "python", "computer", "task", "batch",
    }
)  # fmt: skip
_TOOL_JSON = re.compile(
    r"\{\s*\"(?:name|tool|tool_name|function|recipient_name)\"\s*:\s*\"(?P<name>[\w.\-/]+)\"\s*,\s*"
    r"\"(?:arguments|input|args|parameters|params|tool_input)\"\s*:"
    r"|\"function\"\s*:\s*\{\s*\"name\"\s*:\s*\"(?P<fname>[\w.\-/]+)\""
)
_TOOL_MARKUP = re.compile(
    r"\"type\"\s*:\s*\"(?:tool_use|function_call|tool_call|server_tool_use)\""
    r"|<(?:tool_call|tool_use|function_call|function_calls|invoke)\b[^>]*>"
)

_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,300}\]\(\s*<?(?P<url>[^)\s>]+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?(?P<url>[^\"'\s>]+)", re.I)
_MD_LINK = re.compile(
    r"(?<!!)\[[^\]\n]{0,300}\]\(\s*<?(?P<url>[^)\s>]+)|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?(?P<ref>\S+?)>?(?:\s|$)",
    re.M,
)
_SLOT = re.compile(
    r"(?:[{\[<]|\$\{?|%7B|%5B|%3C)[^}\]>]{0,40}?(?:secret|token|key|password|passwd|data|conversation|history|"
    r"summary|chat|context|prompt|env|credential|memory|info|message|answer|response|content|file|code|repo)",
    re.I,
)
_CAPS_SLOT = re.compile(
    r"(?<![A-Za-z])(?:INSERT|DATA|SECRET|TOKEN|API_?KEY|PASSWORD|CONVERSATION|HISTORY|SUMMARY|CHAT|CONTEXT|PROMPT|"
    r"CREDENTIALS|MEMORY|USER_?INFO|PERSONAL)(?![a-z])"
)
_FILL_IN = re.compile(
    r"\b(?:replace|substitute|fill\s+in|append|add|include|encode|put|insert)\b[^\n]{0,80}\b(?:url|link|image|"
    r"query|parameter|placeholder)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class InjectionFinding:
    """One signal: its kind (see the module docstring), offset in characters, and what was seen."""

    kind: str
    offset: int
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} at offset {self.offset}: {self.detail}"


def scan(text: str) -> list[str]:
    """Every finding as text (``"<kind> at offset <n>: <detail>"``), so a payload deep in a long output is visible."""
    return [str(f) for f in detect(text)]


def detect(text: str) -> list[InjectionFinding]:
    """Every injection signal in ``text``, in the order of the kinds above (empty when clean)."""
    found: list[InjectionFinding] = []
    found += _instructions(text, 0)
    cleaned, where = _visible(text)
    if cleaned != text:  # words split by invisible characters ("ig\u200bnore previous instructions")
        known = {(f.kind, f.detail) for f in found}
        found += [
            InjectionFinding(f.kind, where[f.offset], f.detail + " (split by invisible characters)")
            for f in _instructions(cleaned, 0)
            if (f.kind, f.detail) not in known
        ]
    found += _roles(text)
    found += _tool_calls(text)
    found += _exfiltration(text)
    found += _hidden_content(text)
    for h in hidden.invisible_unicode(text):
        found.append(InjectionFinding(h.kind, h.offset, h.detail))
        if h.revealed:
            found += _hidden_orders(h.revealed, h.offset, "tag or variation characters", "hidden_instruction")
    return _dedupe(found)


def _instructions(text: str, base: int) -> list[InjectionFinding]:
    found = []
    lowered = text.lower()
    for name, words, pattern in STRONG:
        m = pattern.search(text) if any(w in lowered for w in words) else None
        if m:
            found.append(InjectionFinding("instruction", base + m.start(), f"{name}: {_quote(m.group(0))}"))
    weak = [
        (m.start(), n, m.group(0))
        for n, ws, p in WEAK
        if any(w in lowered for w in ws)
        for m in p.finditer(text)
    ]
    weak.sort()
    for (a, name_a, seen_a), (b, name_b, _seen) in zip(weak, weak[1:], strict=False):
        if name_a != name_b and b - a <= WEAK_WINDOW:
            found.append(
                InjectionFinding("instruction", base + a, f"{name_a} with {name_b}: {_quote(seen_a)}")
            )
            break
    return found


def _visible(text: str) -> tuple[str, list[int]]:
    """The text without invisible characters, and for each of its characters the offset in ``text``."""
    if hidden.SPLITTERS.search(text) is None:
        return text, []
    where: list[int] = []
    at = 0
    for m in hidden.SPLITTERS.finditer(text):
        where.extend(range(at, m.start()))
        at = m.end()
    where.extend(range(at, len(text)))
    return hidden.without_invisible(text), where


def _roles(text: str) -> list[InjectionFinding]:
    lowered = text.lower()
    if not any(role in lowered for role in ("system", "assistant", "developer")):
        return []
    for pattern in (_ROLE_LINE, _ROLE_TAG, _ROLE_JSON):
        for m in pattern.finditer(text):
            rest = m.group("rest")
            if _AUTHORITY.search(rest) or any(p.search(rest) for _n, _w, p in STRONG):
                return [
                    InjectionFinding(
                        "role_spoofing", m.start(), f"a turn written into the content: {_quote(m.group(0))}"
                    )
                ]
    return []


def _tool_calls(text: str) -> list[InjectionFinding]:
    for m in _TOOL_JSON.finditer(text):
        name = (m.group("name") or m.group("fname") or "").lower()
        if name in AGENT_TOOLS:
            return [
                InjectionFinding(
                    "tool_call", m.start(), f"a call of the {name!r} tool written into the content"
                )
            ]
    m2 = _TOOL_MARKUP.search(text)
    if m2:
        return [InjectionFinding("tool_call", m2.start(), f"tool-call markup: {_quote(m2.group(0))}")]
    return []


def _exfiltration(text: str) -> list[InjectionFinding]:
    found = []
    images = (
        [(m.start(), m.group("url"), True) for p in (_MD_IMAGE, _HTML_IMAGE) for m in p.finditer(text)]
        if "![" in text or "<img" in text.lower()
        else []
    )
    links = (
        [(m.start(), m.group("url") or m.group("ref"), False) for m in _MD_LINK.finditer(text)]
        if "](" in text or "]:" in text
        else []
    )
    for offset, url, is_image in images + links:
        why = _leaky_url(url, is_image, text[max(0, offset - 300) : offset])
        if why:
            what = "markdown image" if is_image else "link"
            found.append(
                InjectionFinding("exfiltration", offset, f"{what} to {urlsplit(url).hostname}: {why}")
            )
    return found[:3]


def _leaky_url(url: str, is_image: bool, before: str) -> str | None:
    """Why this URL would carry data out, or None. Images load by themselves; links need a click."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", "") or not parts.hostname:
        return None
    tail = unquote(parts.path + "?" + parts.query)
    if _SLOT.search(tail) or _CAPS_SLOT.search(tail):
        return "its URL has a slot for data to fill in"
    if not is_image:
        return None
    if find_secrets(unquote(url)):
        return "its URL carries a secret or personal data"
    for _name, value in parse_qsl(parts.query, keep_blank_values=True):
        if len(value) >= 24 and any(True for _ in hidden.encoded_text(value)):
            return "a query value decodes to text"
        if len(value) >= 24 and value.count(" ") >= 3:
            return "a query value carries text"
    if _FILL_IN.search(before):
        return "the text before it asks for the URL to be filled in"
    return None


def _hidden_content(text: str) -> list[InjectionFinding]:
    found: list[InjectionFinding] = []
    for offset, where, body in hidden.hidden_markup(text):
        found += _hidden_orders(body, offset, where, "hidden_instruction")
    for offset, encoding, decoded in hidden.encoded_text(text):
        found += _hidden_orders(decoded, offset, f"{encoding} text", "encoded_instruction")
        for _inner_offset, inner_encoding, inner in hidden.encoded_text(decoded):
            found += _hidden_orders(
                inner, offset, f"{inner_encoding} inside {encoding}", "encoded_instruction"
            )
    return found


def _hidden_orders(body: str, offset: int, where: str, kind: str) -> list[InjectionFinding]:
    """Orders in text a reader does not see: the strong signals, the weak ones alone, role lines."""
    signals = [name for name, _w, p in STRONG + WEAK + HIDDEN_ONLY if p.search(body)]
    if not signals and (_ROLE_LINE.search(body) and _AUTHORITY.search(body)):
        signals.append("role line")
    if not signals:
        return []
    return [InjectionFinding(kind, offset, f"{', '.join(signals)} in {where}: {_quote(body.strip())}")]


def _quote(text: str) -> str:
    return repr(text[:60])


def _dedupe(found: Iterable[InjectionFinding]) -> list[InjectionFinding]:
    seen: set[tuple[str, int]] = set()
    out = []
    for f in found:
        if (f.kind, f.offset) not in seen:
            seen.add((f.kind, f.offset))
            out.append(f)
    return out
