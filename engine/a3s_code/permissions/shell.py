"""Split a shell command line into every simple command it would run, with a real parser (bashlex).

Permission rules must see each sub-command of ``&&``, ``||``, ``;``, ``|``, ``&``, newlines,
``$(...)``, backticks, subshells and process substitution, and the command inside wrappers like
``env``, ``timeout``, ``xargs``, ``bash -c`` or ``eval``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

WRAPPERS_WITH_ARG = {
    "timeout": 1,
    "nice": 0,
    "nohup": 0,
    "time": 0,
    "command": 0,
    "exec": 0,
    "stdbuf": 0,
    "xargs": 0,
}
OPTIONS_WITH_VALUE = {
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "nice": {"-n", "--adjustment"},
    "xargs": {"-I", "-n", "-P", "-L", "-d", "-s", "-E", "-a", "--max-args", "--max-procs", "--delimiter"},
    "env": {"-u", "-C", "--unset", "--chdir"},
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-U", "--user", "--group"},
    "doas": {"-u", "-C"},
    "stdbuf": {"-i", "-o", "-e"},
}
SHELLS = {"sh", "bash", "zsh", "dash", "ksh"}
MAX_DEPTH = 8


@dataclass
class SimpleCommand:
    words: list[str]
    dynamic: bool = False
    """The command name comes from a variable or substitution: its meaning is unknown until run."""
    redirects: list[str] = field(default_factory=list)
    """Targets of ``>``/``>>`` redirections (files the command writes)."""
    privileged: bool = False
    """Run through ``sudo``/``doas``."""

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def spellings(self) -> list[str]:
        """The text, and without the program's directory (``/bin/rm -rf`` is also ``rm -rf``)."""
        base = self.words[0].rsplit("/", 1)[-1]
        if base == self.words[0]:
            return [self.text]
        return [self.text, " ".join([base, *self.words[1:]])]


class Unparseable(Exception):
    """The command could not be parsed; callers must ask, never allow."""


def split_commands(command: str, depth: int = 0) -> list[SimpleCommand]:
    import bashlex

    if depth > MAX_DEPTH:
        raise Unparseable("nested too deeply")
    try:
        trees = bashlex.parse(command)
    except Exception as exc:  # bashlex raises several unrelated types
        raise Unparseable(str(exc)) from None
    found: list[SimpleCommand] = []
    for tree in trees:
        _walk(tree, found, depth)
    return found


def _walk(node: Any, found: list[SimpleCommand], depth: int) -> None:
    kind = getattr(node, "kind", "")
    if kind == "command":
        _command(node, found, depth)
        return
    if kind in ("commandsubstitution", "processsubstitution"):
        _walk(node.command, found, depth)
        return
    for attr in ("parts", "list"):
        for child in getattr(node, attr, None) or []:
            _walk(child, found, depth)
    for attr in ("command", "output"):
        child = getattr(node, attr, None)
        if child is not None and hasattr(child, "kind"):
            _walk(child, found, depth)


def _command(node: Any, found: list[SimpleCommand], depth: int) -> None:
    words: list[str] = []
    dynamic_at: set[int] = set()
    redirects: list[str] = []
    for part in node.parts:
        if part.kind == "word":
            for sub in getattr(part, "parts", None) or []:
                if sub.kind in ("commandsubstitution", "processsubstitution"):
                    _walk(sub.command, found, depth)
                    dynamic_at.add(len(words))
                elif sub.kind == "parameter":
                    dynamic_at.add(len(words))
            words.append(part.word)
        elif part.kind == "redirect":
            target: Any = getattr(part, "output", None)
            if (
                getattr(part, "type", "") in (">", ">>", ">|", "&>", "<>")
                and getattr(target, "kind", "") == "word"
            ):
                redirects.append(target.word)
                for sub in getattr(target, "parts", None) or []:
                    if sub.kind in ("commandsubstitution", "processsubstitution"):
                        _walk(sub.command, found, depth)
    if not words:
        if redirects:
            found.append(SimpleCommand(words=[":"], redirects=redirects))
        return
    found.extend(_unwrap(words, dynamic_at, redirects, depth))


def _unwrap(words: list[str], dynamic_at: set[int], redirects: list[str], depth: int) -> list[SimpleCommand]:
    """Peel wrappers off the front; the command they run is what rules must see."""
    privileged = False
    i = 0
    while i < len(words):
        name = words[i].rsplit("/", 1)[-1]
        if i in dynamic_at:
            return [SimpleCommand(words[i:], dynamic=True, redirects=redirects, privileged=privileged)]
        if name in ("sudo", "doas"):
            privileged = True
            i = _skip_options(words, i + 1, name)
        elif name == "env":
            i = _skip_options(words, i + 1, name)
            while i < len(words) and "=" in words[i]:
                i += 1
        elif name in WRAPPERS_WITH_ARG:
            i = _skip_options(words, i + 1, name) + WRAPPERS_WITH_ARG[name]
        elif name in SHELLS and "-c" in words[i + 1 :]:
            script = words[words.index("-c", i + 1) + 1 :]
            inner = split_commands(script[0], depth + 1) if script else []
            return _mark(inner, redirects, privileged)
        elif name == "eval":
            return _mark(split_commands(" ".join(words[i + 1 :]), depth + 1), redirects, privileged)
        else:
            return [SimpleCommand(words[i:], redirects=redirects, privileged=privileged)]
    return [SimpleCommand(words, redirects=redirects, privileged=privileged)]


def _skip_options(words: list[str], i: int, wrapper: str) -> int:
    takes_value = OPTIONS_WITH_VALUE.get(wrapper, set())
    while i < len(words) and words[i].startswith("-") and words[i] != "--":
        i += 2 if words[i] in takes_value else 1
    if i < len(words) and words[i] == "--":
        i += 1
    return i


def _mark(commands: list[SimpleCommand], redirects: list[str], privileged: bool) -> list[SimpleCommand]:
    if commands:
        commands[0].redirects += redirects
    for command in commands:
        command.privileged = command.privileged or privileged
    return commands


def quote(words: list[str]) -> str:
    return shlex.join(words)
