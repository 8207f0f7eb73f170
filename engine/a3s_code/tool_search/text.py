"""How tool search reads text: words, Snowball stems, and the words API tools use for the same thing.

A user says "shut down the box", a tool says "Stop running instances". Stemming (the Snowball
English stemmer, ``snowballstemmer``) joins "deployments" and "deploy"; the synonym groups below
join the verbs and nouns that API catalogues use interchangeably, so a query's word also reaches
tools described with its synonyms, at a lower weight than an exact match. The groups follow the
standard method vocabulary of API design (Google AIP-131..136: list, get, create, update, delete,
plus custom verbs such as cancel, move, undelete) and the nouns that SaaS APIs name differently
for the same object (ticket / issue, chat / conversation, member / user); they are not fitted to
particular queries.
"""

from __future__ import annotations

import re

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_STOP_WORDS = """a an and are as at be been by can could do does for from has have her his i if in into is it
its of on or our please should so than that the their them then there these they this those to us was we
were what when where who will with would you your"""
STOP = frozenset(_STOP_WORDS.split())
"""Words that say nothing about which tool is meant. ``my``, ``which``, ``any`` and ``all`` are not
among them: they do tell (``list_my_issues``, "which ... are running" asks to list)."""

# Each group: words (any form; they are stemmed) that name the same operation or object.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # standard methods
    ("create", "make", "new", "add", "open", "file", "start", "setup", "generate", "register", "raise"),
    ("delete", "remove", "drop", "erase", "destroy", "trash", "discard", "wipe", "purge"),
    ("update", "change", "edit", "modify", "set", "adjust", "bump", "alter", "rename"),
    ("get", "fetch", "retrieve", "read", "show", "view", "see", "display", "describe", "inspect", "detail"),
    ("list", "show", "which", "all", "enumerate", "browse"),
    ("search", "find", "look", "lookup", "query", "any", "locate", "filter"),
    ("cancel", "abort", "stop", "halt", "kill", "terminate", "end", "shut", "shutdown"),
    ("start", "launch", "run", "boot", "resume", "spin", "execute", "invoke", "trigger", "call"),
    ("restore", "revert", "undo", "rollback", "recover", "undelete", "back"),
    ("move", "transfer", "relocate", "push", "reschedule"),
    ("copy", "duplicate", "clone"),
    ("merge", "combine", "join", "dedupe", "consolidate"),
    ("sort", "order", "rank", "arrange"),
    ("count", "many", "number", "total", "tally"),
    ("append", "add", "insert", "attach"),
    ("group", "aggregate", "aggregation", "summarize", "breakdown", "per"),
    ("priority", "urgent", "urgency", "severity", "important", "critical"),
    # messaging and people
    ("send", "post", "tell", "announce", "notify", "message", "text", "ping", "broadcast"),
    ("message", "said", "say", "talk", "discuss", "mention", "history"),
    ("comment", "note", "reply", "respond", "answer"),
    ("assign", "give", "hand", "delegate", "reassign", "owner"),
    ("invite", "invitation"),
    ("user", "member", "person", "people", "employee", "account", "teammate", "staff"),
    ("customer", "client", "buyer", "shopper", "requester"),
    ("contact", "lead", "person"),
    ("conversation", "chat", "thread", "discussion"),
    ("meeting", "call", "event", "appointment", "session"),
    ("schedule", "book", "plan", "later", "remind", "snooze", "reschedule"),
    ("satisfaction", "happy", "satisfied", "csat", "nps", "rating", "feedback"),
    # work items and code
    ("issue", "ticket", "bug", "task", "story", "item"),
    ("pull", "merge", "mr", "pr"),
    ("deploy", "deployment", "release", "ship", "publish", "rollout", "live"),
    ("build", "compile", "pipeline", "job", "ci"),
    ("log", "logs", "trace", "output", "console"),
    ("error", "exception", "crash", "failure", "fail", "broken"),
    ("metric", "graph", "chart", "plot", "stat", "statistic", "rate", "latency"),
    ("alert", "alarm", "monitor", "page", "firing", "incident"),
    ("silence", "mute", "snooze", "ignore", "quiet", "suppress"),
    ("approve", "accept", "lgtm", "confirm"),
    # access
    ("access", "permission", "share", "role", "grant", "allow", "privilege"),
    ("deactivate", "disable", "revoke", "suspend", "block", "ban", "offboard", "lock"),
    ("activate", "enable", "unlock", "unblock", "reactivate", "onboard"),
    ("password", "credential", "login", "signin", "sign"),
    ("mfa", "2fa", "factor", "otp", "verification"),
    # storage and money
    ("file", "document", "doc", "attachment", "upload"),
    ("folder", "directory", "dir"),
    ("link", "url"),
    ("size", "space", "disk", "storage", "quota", "full", "usage"),
    ("cost", "spend", "spent", "billing", "bill", "credit", "price", "charge", "money"),
    ("refund", "reimburse", "chargeback"),
    ("discount", "coupon", "promo", "voucher"),
    ("subscribe", "subscriber", "signup", "enroll", "optin"),
    ("unsubscribe", "optout", "remove"),
    ("newsletter", "campaign", "mailing", "audience", "mailshot"),
    ("cart", "checkout", "basket"),
    ("stock", "inventory", "quantity"),
    ("backup", "snapshot"),
    ("version", "revision", "history"),
    ("transcript", "recording", "minutes"),
)
PHRASES: dict[str, str] = {
    "sign up": "signup",
    "sign in": "signin",
    "signed in": "signin",
    "log in": "login",
    "logged in": "login",
    "sign out": "logout",
    "log out": "logout",
    "set up": "setup",
    "shut down": "shutdown",
    "roll back": "rollback",
    "look up": "lookup",
    "clean up": "cleanup",
    "back up": "backup",
    "cut off": "revoke",
    "turn off": "disable",
    "switch off": "disable",
    "turn on": "enable",
    "switch on": "enable",
    "spin up": "start",
    "wake up": "resume",
    "tear down": "destroy",
    "take down": "stop",
    "opt out": "optout",
    "opt in": "optin",
    "bring back": "restore",
    "free up": "cleanup",
    "follow up": "followup",
    "on call": "oncall",
    "to do": "todo",
}
"""English phrasal verbs and split compounds, read as the one word APIs use for them."""
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b")
_PARTICLES = ("up", "in", "out", "off", "on", "down", "back")
_SPLIT_PHRASE = re.compile(
    r"\b("
    + "|".join(sorted({re.escape(p.split()[0]) for p in PHRASES if p.split()[-1] in _PARTICLES}))
    + r")((?:\s+(?!(?:"
    + "|".join(_PARTICLES)
    + r")\b)\S+){1,2})\s+("
    + "|".join(_PARTICLES)
    + r")\b"
)
"""A separable phrasal verb with its object between (``sign bob@x.com up``, ``cut them off``)."""


ENTITIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), " email "),
    (re.compile(r"https?://\S+"), " url "),
    (re.compile(r"\+\d[\d\s().-]{6,}\d"), " phone "),
    (re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b"), " time "),
    (
        re.compile(
            r"\b(?:today|tonight|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|weekend|\d{4}-\d{2}-\d{2})\b"
        ),
        " date ",
    ),
)
"""Values a user writes in place of naming them: an address is an ``email``, ``3pm`` a ``time``.
The word is added beside the value, so a tool whose description says "email" or "time" matches."""


def _join_split_phrase(match: re.Match[str]) -> str:
    phrase = f"{match.group(1)} {match.group(3)}"
    return f"{PHRASES[phrase]}{match.group(2)}" if phrase in PHRASES else match.group(0)


SYNONYM_WEIGHT = 0.45
"""A synonym's share of an exact match's score: enough to surface the tool, not to outrank a tool
that uses the user's own word."""


class Analyzer:
    """``analyzer.terms(text)`` gives the stemmed words; ``expand(terms)`` adds weighted synonyms."""

    def __init__(self, groups: tuple[tuple[str, ...], ...] = SYNONYM_GROUPS) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}
        self._related: dict[str, set[str]] = {}
        for group in groups:
            stems = {self.stem(w) for w in group}
            for s in stems:
                self._related.setdefault(s, set()).update(stems - {s})

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = str(self._stemmer.stemWord(word))
        return stem

    def words(self, text: str) -> list[str]:
        """Lower-cased words without stop words; ``snake_case``, ``camelCase`` and paths split,
        phrasal verbs joined (``sign up`` is ``signup``), values named (``a@b.c`` adds ``email``)."""
        spaced = _CAMEL.sub(r"\1 \2", text).lower()
        for pattern, word in ENTITIES:
            spaced = pattern.sub(rf"\g<0>{word}", spaced)
        spaced = re.sub(r"[_\-]+", " ", spaced)
        spaced = _PHRASE.sub(lambda m: PHRASES[m.group(1)], _SPLIT_PHRASE.sub(_join_split_phrase, spaced))
        return [w for w in _WORD.findall(spaced) if w not in STOP]

    def terms(self, text: str) -> list[str]:
        return [self.stem(w) for w in self.words(text)]

    def expand(self, terms: list[str]) -> dict[str, float]:
        """Query weights: each term 1.0, its synonyms ``SYNONYM_WEIGHT`` (an exact use wins)."""
        weights: dict[str, float] = {}
        for term in terms:
            weights[term] = 1.0
        for term in terms:
            for other in self._related.get(term, ()):
                weights.setdefault(other, SYNONYM_WEIGHT)
        return weights


_DEFAULT: Analyzer | None = None


def default_analyzer() -> Analyzer:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Analyzer()
    return _DEFAULT
