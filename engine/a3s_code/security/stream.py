"""Redaction of streamed text on a small look-behind window, and the turn's emit wrapped with it.

``StreamSanitizer.feed(delta)`` returns what is safe to show now and holds back only a tail that
could still become (part of) a secret: the last word (until the next one starts), a run of digits that could grow
into a phone or card number, a quoted value opened after a secret name, an unfinished PEM private
key. The rules of ``redact`` look only backwards for context, so with the last ``CONTEXT_CHARS``
characters already shown kept as context, ``feed``s followed by ``flush()`` give exactly
``redact(whole_text)`` (a property test checks this over random splits).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..events import AgentEvent, TextDelta, ThinkingDelta, ToolEnd, ToolOutput, TurnEnd, TurnStart
from .patterns import name_is_secret
from .redact import SecretFinding, apply, find_secrets

if TYPE_CHECKING:
    from .provider import SecurityProvider

CONTEXT_CHARS = 320
"""Characters already shown that stay in the window: the rules' look-behind (``NEAR_ID_CHARS`` and a name)."""
MAX_HOLD = 8192
"""A held tail longer than this (one enormous word) is let go but for its last ``CONTEXT_CHARS``."""

_DIGIT_RUN = frozenset("0123456789+(). -\t")
_OPEN_XML = re.compile(r"<(?P<name>[A-Za-z_][\w.\-]{0,60})>[^<\n]*(?:<(?:/[\w.\-]*)?)?$")
_K8S_VALUE = re.compile(r"[ \t]*(?:-[ \t]*)?value:[ \t]*")
_QUOTE = re.compile("[\"'`]")
_WORD = re.compile(r"[A-Za-z_][\w.\-]*")
_BEGIN = "-----BEGIN"
_HEADER = re.compile(r"[A-Z0-9 ]*-{0,4}")
_FOOTER = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")


class StreamSanitizer:
    """``feed(delta) -> text safe to show now``; ``flush() -> the held-back rest``, both redacted.

    ``counts`` adds up the redactions per kind. ``find(window, start)`` is ``redact.find_secrets``
    unless replaced.
    """

    def __init__(self, find: Callable[[str, int], list[SecretFinding]] = find_secrets) -> None:
        self._find = find
        self._shown = ""
        """The raw tail of what was shown: look-behind context, never shown again."""
        self._pending = ""
        self.counts: dict[str, int] = {}

    def feed(self, delta: str) -> str:
        if not delta:
            return ""
        self._pending += delta
        window = self._shown + self._pending
        base = len(self._shown)
        cut = base + _hold_point(self._pending, window, base)
        if cut - base > MAX_HOLD:
            cut = len(window) - CONTEXT_CHARS
        if cut <= base:
            return ""  # all of it may still become a secret: nothing to look at yet
        return self._emit(window, base, cut, self._find(window, base))

    def flush(self) -> str:
        """Everything held back, redacted: call when the stream ends (or another event interrupts it)."""
        if not self._pending:
            return ""
        window = self._shown + self._pending
        return self._emit(window, len(self._shown), len(window), self._find(window, len(self._shown)))

    def _emit(self, window: str, base: int, cut: int, findings: list[SecretFinding]) -> str:
        mine: list[SecretFinding] = []
        for f in findings:
            if f.end <= base:
                continue
            if f.start < cut < f.end:
                cut = max(base, f.start)  # never show part of a secret: hold it all
                break
            if f.start >= cut:
                break
            mine.append(SecretFinding(f.kind, max(f.start, base) - base, f.end - base, f.personal))
        if cut <= base:
            return ""
        raw = window[base:cut]
        text, counts = apply(raw, mine)
        for kind, n in counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + n
        self._pending = window[cut:]
        shown = window[:cut]
        self._shown = shown[-CONTEXT_CHARS:] if len(shown) > CONTEXT_CHARS else shown
        return text


def _hold_point(pending: str, window: str, base: int) -> int:
    """Where in ``pending`` the tail that could still become a secret starts (``len(pending)``: none)."""
    end = len(pending)
    hold = end
    while hold > 0 and pending[hold - 1].isspace():
        hold -= 1
    while hold > 0 and not pending[hold - 1].isspace():
        hold -= 1  # the last word: unfinished, or a value whose next character (code or not) is not in yet
    run = hold
    while run > 0 and pending[run - 1] in _DIGIT_RUN:
        run -= 1
    if any(c.isdigit() for c in pending[run:end]):
        hold = run  # digits that may still grow into a phone or card number
    line_start = window.rfind("\n") + 1
    at = _open_value(window, max(line_start, len(window) - 600))
    if at is not None:
        hold = min(hold, max(0, at - base))
    return min(hold, _open_private_key(pending))


def _open_value(window: str, line_start: int) -> int | None:
    """Where a value that may hold spaces opened on the last line after a secret name, if it is still open.

    A quote not yet closed (``password = "correct horse…``, ``--token 'a b``, a Kubernetes
    ``value: "…`` under ``name: X_TOKEN``) or an element (``<password>a b…``).
    """
    line = window[line_start:]
    xml = _OPEN_XML.search(line) if "<" in line else None
    if xml is not None and name_is_secret(xml.group("name")):
        return line_start + xml.end("name") + 1
    quote, opened = "", -1
    for m in _QUOTE.finditer(line):
        if not quote:
            quote, opened = m.group(0), m.start()
        elif m.group(0) == quote:
            quote = ""
    if not quote:
        return None
    before = line[:opened]
    if _K8S_VALUE.fullmatch(before):
        previous = window[window.rfind("\n", 0, max(0, line_start - 1)) + 1 : max(0, line_start - 1)]
        before = previous
    if any(name_is_secret(word) for word in _WORD.findall(before)):
        return line_start + opened
    return None


def _open_private_key(pending: str) -> int:
    at = pending.find(_BEGIN)
    while at != -1:
        rest = pending[at + len(_BEGIN) :]
        close = rest.find("-----")
        header = rest if close == -1 else rest[:close]
        if close == -1 and _HEADER.fullmatch(header):
            return at  # the header is still arriving
        if close != -1 and "PRIVATE KEY" in header and not _FOOTER.search(rest, close + 5):
            return at
        at = pending.find(_BEGIN, at + 1)
    return len(pending)


class LineSanitizer:
    """For a provider with ``sanitize_output`` but no stream sanitizer: shows whole lines, each sanitised."""

    def __init__(self, sanitize: Callable[[str], str]) -> None:
        self._sanitize = sanitize
        self._pending = ""

    def feed(self, delta: str) -> str:
        self._pending += delta
        cut = self._pending.rfind("\n") + 1
        if not cut:
            return ""
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._sanitize(ready)

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return self._sanitize(ready) if ready else ""


class PassThrough:
    """For a provider whose ``stream_sanitizer()`` says None: it redacts nothing, so nothing is held."""

    def feed(self, delta: str) -> str:
        return delta

    def flush(self) -> str:
        return ""


Sanitizer = StreamSanitizer | LineSanitizer | PassThrough


def stream_sanitizer(security: SecurityProvider | None) -> Sanitizer:
    """The provider's own (``stream_sanitizer()``; None: pass through), else whole lines via ``sanitize_output``."""
    if security is None:
        return PassThrough()
    make = getattr(security, "stream_sanitizer", None)
    if callable(make):
        made = make()
        if made is None:
            return PassThrough()
        if isinstance(made, (StreamSanitizer, LineSanitizer)):
            return made
    sanitize = getattr(security, "sanitize_output", None) or security.sanitize
    return LineSanitizer(lambda text: str(sanitize(text)))


class SanitizingEmit:
    """A turn's ``emit`` with what the user sees redacted: streamed text, thinking, tool output, the answer.

    Deltas go through one stream sanitizer per stream (text, thinking, each tool's output); any
    other event first lets the held-back text out, so the order of events is kept. ``TurnEnd.text``
    (which becomes ``AgentResult.text``) and the prompt echoed in ``TurnStart`` (as the model gets
    it) go through ``sanitize_output`` whole.
    """

    def __init__(self, emit: Callable[[AgentEvent], None], security: SecurityProvider | None) -> None:
        self._emit = emit
        self._security = security
        self._text: Sanitizer | None = None
        self._thinking: Sanitizer | None = None
        self._tools: dict[str, tuple[str, Sanitizer]] = {}

    def __call__(self, event: AgentEvent) -> None:
        if isinstance(event, TextDelta):
            self._flush_thinking()
            self._text = self._text or stream_sanitizer(self._security)
            if out := self._text.feed(event.text):
                self._emit(TextDelta(text=out))
            return
        if isinstance(event, ThinkingDelta):
            self._flush_text()
            self._thinking = self._thinking or stream_sanitizer(self._security)
            if out := self._thinking.feed(event.text):
                self._emit(ThinkingDelta(text=out))
            return
        self._flush_text()
        self._flush_thinking()
        if isinstance(event, ToolOutput):
            if event.tool_id not in self._tools:
                self._tools[event.tool_id] = (event.tool_name, stream_sanitizer(self._security))
            if out := self._tools[event.tool_id][1].feed(event.delta):
                self._emit(event.model_copy(update={"delta": out}))
            return
        if isinstance(event, ToolEnd) and event.tool_id in self._tools:
            self._flush_tool(event.tool_id)
        if isinstance(event, TurnStart):
            event = event.model_copy(update={"prompt": sanitize_output(self._security, event.prompt)})
        if isinstance(event, TurnEnd):
            for tool_id in list(self._tools):
                self._flush_tool(tool_id)  # a tool whose ToolEnd never came (the turn was cancelled)
            event = event.model_copy(update={"text": sanitize_output(self._security, event.text)})
        self._emit(event)

    def _flush_tool(self, tool_id: str) -> None:
        name, stream = self._tools.pop(tool_id)
        if out := stream.flush():
            self._emit(ToolOutput(tool_id=tool_id, tool_name=name, delta=out))

    def _flush_text(self) -> None:
        if self._text is not None and (out := self._text.flush()):
            self._emit(TextDelta(text=out))

    def _flush_thinking(self) -> None:
        if self._thinking is not None and (out := self._thinking.flush()):
            self._emit(ThinkingDelta(text=out))


def sanitize_output(security: SecurityProvider | None, text: str) -> str:
    """``security.sanitize_output(text)`` (the seed's name), or ``sanitize`` for older providers."""
    if not text or security is None:
        return text
    method = getattr(security, "sanitize_output", None) or security.sanitize
    return str(method(text))


def sanitizing_emit(
    emit: Callable[[AgentEvent], None], security: SecurityProvider | None
) -> Callable[[AgentEvent], None]:
    """``emit`` unchanged when ``security`` is None, else wrapped in ``SanitizingEmit``."""
    return emit if security is None else SanitizingEmit(emit, security)
