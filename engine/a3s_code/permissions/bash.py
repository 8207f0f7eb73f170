"""Deciding one ``bash`` call: every command it runs and every file it writes must pass.

The verdict is the most restrictive of: the guardrail (deny in every mode), the rules on each
simple command, the rules on each written file, and what the analysis could not read (asked).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from ..ports import PermissionDecision
from .commands import Script, SimpleCommand, Write, nfc
from .guardrail import catastrophic, catastrophic_write, fork_bomb
from .protected import protected_reason
from .shell import analyse
from .unwrap import RESERVED
from .words import Piece, Word, expand_braces

if TYPE_CHECKING:
    from .policy import PermissionPolicy

_RANK = {"allow": 0, "ask": 1, "deny": 2}
HARMLESS_DEVICES = re.compile(r"^/dev/(null|zero|full|stdout|stderr|stdin|tty|fd/\d+)$|^/proc/self/fd/\d+$")
"""Redirecting to these writes no file: ``2>/dev/null`` is not a write outside the workspace."""


def worst(decisions: list[PermissionDecision]) -> PermissionDecision:
    return max(decisions, key=lambda d: _RANK[d.verdict])


class BashChecker:
    def __init__(self, policy: PermissionPolicy, root: Path, env: dict[str, str]) -> None:
        self.policy = policy
        self.root = root
        self.env = env

    def check(self, command: str) -> PermissionDecision:
        if not command.strip():
            return self.policy.decide("bash", [""], "text")
        script = analyse(command, self.env)
        refused = self.guardrail(script)
        if refused is not None:
            return refused
        decisions: list[PermissionDecision] = []
        cwds = self.cwds(script)
        decisions += [self.simple(c, cwds[: c.cds + 1]) for c in script.commands]
        decisions += [self.write(w, cwds[: w.cds + 1]) for w in script.writes]
        if script.problems:
            roughs = [c for text in script.unreadable for c in rough_commands(text)]
            for rough_command in roughs:
                why = catastrophic(rough_command, self.env)
                if why:
                    return PermissionDecision("deny", f"refused in every mode (guardrail): {why}")
            spellings = [s for c in roughs for s in c.spellings]
            rough = self.policy.decide("bash", [command], "text", deny_subjects=spellings)
            if rough.verdict == "deny":
                return rough
            decisions.append(
                PermissionDecision("ask", f"part of the command could not be read ({script.problems[0]})")
            )
        if not decisions:
            return self.policy.decide("bash", [command], "text")
        return worst(decisions)

    def guardrail(self, script: Script) -> PermissionDecision | None:
        cwds = self.cwds(script)
        for command in script.commands:
            why = catastrophic(command, self.env) or self._relative_catastrophe(
                command, cwds[: command.cds + 1]
            )
            if why:
                return PermissionDecision("deny", f"refused in every mode (guardrail): {why}")
        for write in script.writes:
            why = catastrophic_write(write.target)
            if why:
                return PermissionDecision("deny", f"refused in every mode (guardrail): {why}")
        why = fork_bomb(script.functions)
        return PermissionDecision("deny", f"refused in every mode (guardrail): {why}") if why else None

    def _relative_catastrophe(self, command: SimpleCommand, cwds: list[Path | None]) -> str | None:
        """``cd ~ && rm -rf *``: a relative target is read from every folder the line may be in."""
        if command.name not in ("rm", "chmod", "chown", "chgrp", "find", "mv"):
            return None
        for cwd in cwds:
            if cwd is None:
                continue
            moved = [
                w
                if w.value is None or w.value.startswith(("/", "-"))
                else type(w)(w.text, f"{cwd}/{w.value}", w.dynamic, w.glob)
                for w in command.words
            ]
            why = catastrophic(SimpleCommand(moved), self.env)
            if why:
                return why
        return None

    def simple(self, command: SimpleCommand, cwds: list[Path | None]) -> PermissionDecision:
        policy = self.policy
        spellings = command.spellings + self._on_disk(command, cwds)
        outer = [nfc(o) for o in command.outer]
        words = [w.value if w.value is not None else w.text for w in command.words]
        # Allow rules see the command that runs; deny and ask rules also see it as written around
        # its wrappers, so `bash(sudo *)` denies `sudo rm x` but `bash(bash *)` allows no `bash -c` script.
        decision = policy.decide(
            "bash", spellings[:1], "text", deny_subjects=spellings[1:] + outer, words=words
        )
        if decision.verdict == "ask" and decision.rule is None and self.policy.mode != "read_only":
            return PermissionDecision("ask", f"no rule allows '{command.text}'")
        if decision.verdict != "allow":
            return decision
        if command.dynamic:
            return PermissionDecision("ask", f"'{command.text}' is built from variables or substitutions")
        if command.opaque and not self._names(decision, command):
            return PermissionDecision("ask", f"'{command.text}' needs confirmation: {command.opaque}")
        if command.privileged:
            return PermissionDecision("ask", f"'{command.text}' runs with elevated privileges")
        return decision

    def _on_disk(self, command: SimpleCommand, cwds: list[Path | None]) -> list[str]:
        """A program named by a path that is a symlink (made by an earlier call): what it points to."""
        first = command.words[0].value if command.words else None
        if not first or "/" not in first:
            return []
        base = cwds[-1] if cwds and cwds[-1] is not None else self.root
        try:
            target = os.path.realpath(first if first.startswith("/") else base / first)
        except (OSError, ValueError):
            return []
        name = os.path.basename(target)
        if name == command.name:
            return []
        return [nfc(" ".join([name, *(w.text for w in command.words[1:])]))]

    @staticmethod
    def _names(decision: PermissionDecision, command: SimpleCommand) -> bool:
        """An allow rule that names the program (``bash(python3 -c *)``) allows its inline code;
        ``bash(*)`` does not."""
        if decision.rule is None:
            return False
        from .rules import Rule

        return Rule.parse(decision.rule).names_program == command.name

    def write(self, write: Write, cwds: list[Path | None]) -> PermissionDecision:
        target = write.target
        if target.value is not None and HARMLESS_DEVICES.match(target.value):
            return PermissionDecision("allow", "not a file")
        if target.value is None:
            return PermissionDecision("ask", f"the command writes to {target.text}, known only when it runs")
        relative = not target.value.startswith("/")
        if relative and None in cwds:
            return PermissionDecision("ask", f"the command writes to {target.text} after changing folder")
        decisions = []
        for cwd in cwds if relative else [self.root]:
            decisions.append(self._write_at(target.text, (cwd or self.root) / target.value))
        return worst(decisions)

    def _write_at(self, shown: str, raw: Path) -> PermissionDecision:
        from .policy import path_subjects

        path = raw.resolve(strict=False)
        written = self.policy.decide("write", path_subjects(path, self.root), "path", edit=True)
        if written.verdict == "deny":
            return PermissionDecision("deny", f"redirect to {shown}: {written.reason}", written.rule)
        if self.root != path and self.root not in path.parents:
            return PermissionDecision("ask", f"the command writes to {shown}, outside the workspace")
        reason = protected_reason(path, self.root)
        if reason:
            return PermissionDecision("ask", f"the command writes to {shown}: {reason}")
        return PermissionDecision("allow", "a write inside the workspace")

    def cwds(self, script: Script) -> list[Path | None]:
        """The folder after each ``cd`` (None: unknown), the workspace first."""
        out: list[Path | None] = [self.root]
        current: Path | None = self.root
        for word in script.cds:
            value = word.value
            if value is None or value == "-" or current is None:
                current = None
            else:
                home = self.env.get("HOME") or os.path.expanduser("~")
                value = home if value in ("", "~") else value
                current = (current / value).resolve(strict=False)
            out.append(current)
        return out


def rough_commands(command: str) -> list[SimpleCommand]:
    """When the parser gives up, each ``;``/``|``/``&``-separated piece, shlex-split with brace
    expansion (``{rm,-rf,/}`` is ``rm -rf /``): deny rules and the guardrail still see them."""
    out: list[SimpleCommand] = []
    pieces = re.split(r"[;&|\n()`]|\$\(|\{(?=\s)|(?<=[\s;])\}", command)
    for piece in pieces:
        try:
            texts = shlex.split(piece)
        except ValueError:
            texts = piece.split()
        words: list[Word] = []
        for text in texts:
            for alt in expand_braces(_unquoted_pieces(text)):
                value = "".join(p.text for p in alt)
                if value:
                    words.append(Word(value, value, False, any(c in value for c in "*?[")))
        while words and (words[0].text in RESERVED or not words[0].text.strip("{}!")):
            words = words[1:]
        if words:
            out.append(SimpleCommand(words))
    return out


def _unquoted_pieces(text: str) -> list[Piece]:
    return [Piece("lit", text)]
