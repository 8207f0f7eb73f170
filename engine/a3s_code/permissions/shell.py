"""Every command a shell command line would run, read with a real parser (tree-sitter-bash).

Permission rules must see each sub-command of ``&&``, ``||``, ``;``, ``|``, ``&``, newlines, ``$(...)``,
backticks, ``<(...)``, subshells, groups, ``if``/``while``/``for``/``case`` bodies, functions, aliases,
``trap`` and ``eval`` strings, here-documents and here-strings fed to a shell, and the command inside
every wrapper of the wrapper table (``wrappers.py``). ``analyse`` returns them as ``SimpleCommand``s
plus the files the line writes; the policy decides each one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from . import parser
from .commands import Script, SimpleCommand, Unparseable, Write
from .unwrap import invoke
from .words import Env, Word, words_of

MAX_DEPTH = 8
MAX_COMMANDS = 2000
_COMMAND_ENV = frozenset(
    [
        "GIT_SSH_COMMAND",
        "GIT_SSH",
        "GIT_PAGER",
        "GIT_EDITOR",
        "GIT_EXTERNAL_DIFF",
        "GIT_ASKPASS",
        "SSH_ASKPASS",
        "PAGER",
        "MANPAGER",
        "EDITOR",
        "VISUAL",
        "PROMPT_COMMAND",
    ]
)
"""Variables whose value some program runs as a command line: the value is checked like one."""
_CODE_ENV = frozenset(
    [
        "LD_PRELOAD",
        "LD_AUDIT",
        "LD_LIBRARY_PATH",
        "BASH_ENV",
        "ENV",
        "PERL5OPT",
        "NODE_OPTIONS",
        "PYTHONSTARTUP",
    ]
)
"""Variables that make a program load code the command line does not show."""
_FD_DUP = {">&", "<&", ">&-", "<&-"}
_WRITE_OPS = {">", ">>", ">|", "&>", "&>>", "<>", ">&"}


def analyse(command: str, env: Mapping[str, str] | None = None) -> Script:
    """Read ``command`` as bash would; ``env``: the environment it will run in (default: this process's)."""
    analyser = Analyser(dict(os.environ if env is None else env))
    analyser.script(command)
    return analyser.out


def split_commands(command: str, env: Mapping[str, str] | None = None) -> list[SimpleCommand]:
    """The simple commands of ``command``; raises ``Unparseable`` when some part cannot be read."""
    script = analyse(command, env)
    if script.problems:
        raise Unparseable("; ".join(script.problems))
    return script.commands


class Analyser:
    def __init__(self, env: dict[str, str]) -> None:
        self.env: dict[str, str | None] = dict(env)
        self.out = Script()
        self.aliases: dict[str, str] = {}
        self.assigned: set[str] = set()
        self.depth = 0
        self.expanding: set[str] = set()

    # -- entry points ----------------------------------------------------------------------------

    def script(
        self, text: str, stdin: str | None = None, *, privileged: bool = False, outer: str = ""
    ) -> None:
        """Parse and walk a command line; nested ones (``bash -c``) come back here."""
        if self.depth >= MAX_DEPTH:
            self.out.problems.append("commands nested too deeply")
            return
        source = text.encode("utf-8", "surrogateescape")
        tree = parser.parse(source)
        if tree.root_node.has_error:
            self.out.problems.append(f"syntax error in {text[:80]!r}")
        self.depth += 1
        before = len(self.out.commands)
        try:
            self._collect(tree.root_node, source)
            self.walk(tree.root_node, source, stdin)
        finally:
            self.depth -= 1
        for command in self.out.commands[before:]:
            command.privileged = command.privileged or privileged
            if outer:
                command.outer.append(outer)

    def _collect(self, root: Any, source: bytes) -> None:
        """First pass: names assigned in the line (their value is the line's, not the environment's)."""
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.named_children)
            if node.type == "variable_assignment":
                name = node.child_by_field_name("name")
                value = node.child_by_field_name("value")
                key = _text(name, source) if name is not None else ""
                words = words_of(value, source, self.env) if value is not None else []
                known = words[0].value if len(words) == 1 and value.type != "array" else None
                if key in self.assigned and self.env.get(key) != known:
                    known = None
                self.env[key] = known
                self.assigned.add(key)
            elif node.type in ("for_statement", "c_style_for_statement"):
                variable = node.child_by_field_name("variable")
                if variable is not None:
                    self.env[_text(variable, source)] = None

    # -- the tree --------------------------------------------------------------------------------

    def walk(self, node: Any, source: bytes, stdin: str | None = None) -> None:
        kind = node.type
        if len(self.out.commands) > MAX_COMMANDS:
            self.out.problems.append("too many commands")
            return
        if kind == "command":
            self.command(node, source, [], stdin)
        elif kind == "redirected_statement":
            self.redirected(node, source, stdin)
        elif kind in ("pipeline", "list"):
            self.sequence(node, source, stdin, piped=kind == "pipeline")
        elif kind == "function_definition":
            name = node.child_by_field_name("name")
            before = len(self.out.commands)
            for child in node.named_children:
                self.walk(child, source)
            if name is not None:
                self.out.functions[_text(name, source)] = self.out.commands[before:]
        elif kind in ("comment", "heredoc_start", "heredoc_end"):
            return
        else:
            if kind == "variable_assignment":
                self._assignment(node, source)
            for child in node.named_children:
                self.walk(child, source)

    def sequence(self, node: Any, source: bytes, stdin: str | None, *, piped: bool) -> None:
        feed = stdin
        for child in node.named_children:
            self.walk(child, source, feed)
            feed = known_output(child, source, self.env) if piped else None

    def redirected(self, node: Any, source: bytes, stdin: str | None) -> None:
        body = node.child_by_field_name("body")
        writes: list[Word] = []
        feed = stdin
        later: list[Any] = []
        for child in node.named_children:
            if body is not None and child.id == body.id:
                continue
            feed = self.redirect(child, source, writes, feed, later)
        if body is not None and body.type == "command":
            self.command(body, source, writes, feed)
        else:
            if body is not None:
                self.walk(body, source, feed)
            self.out.writes.extend(Write(w, len(self.out.cds)) for w in writes)
        piped = known_output(node, source, self.env)
        for node_after in later:
            self.walk(node_after, source, piped)

    def redirect(
        self, node: Any, source: bytes, writes: list[Word], stdin: str | None, later: list[Any]
    ) -> str | None:
        """One redirection: records written files, returns what standard input becomes.

        ``later``: commands tree-sitter hangs off a here-document (``cat <<EOF | sh``), walked after.
        """
        if node.type == "file_redirect":
            op = _operator(node, source)
            targets = [c for c in node.named_children if c.type != "file_descriptor"]
            for target in targets:
                self.walk_words(target, source)
            if targets and op in _WRITE_OPS and targets[0].type not in ("number", "process_substitution"):
                writes.extend(words_of(targets[0], source, self.env))
            return None if op in ("<", "<>") else stdin
        if node.type == "herestring_redirect":
            for child in node.named_children:
                self.walk_words(child, source)
            text = " ".join(w.text for c in node.named_children for w in words_of(c, source, self.env))
            return text + "\n"
        if node.type == "heredoc_redirect":
            body = ""
            for child in node.named_children:
                if child.type == "heredoc_body":
                    body = _text(child, source)
                    self.walk_words(child, source)
                elif child.type in ("file_redirect", "herestring_redirect"):
                    self.redirect(child, source, writes, stdin, later)
                elif child.type not in ("heredoc_start", "heredoc_end"):
                    later.append(child)
            return body
        self.walk(node, source)
        return stdin

    def walk_words(self, node: Any, source: bytes) -> None:
        """Substitutions inside a word run before the command: walk them as commands of their own."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("command_substitution", "process_substitution"):
                for child in current.named_children:
                    self.walk(child, source)
            else:
                stack.extend(current.named_children)

    def _assignment(self, node: Any, source: bytes) -> None:
        name_node = node.child_by_field_name("name")
        name = _text(name_node, source) if name_node is not None else ""
        value = node.child_by_field_name("value")
        if value is None:
            return
        words = words_of(value, source, self.env)
        if name in _COMMAND_ENV:
            self.script(" ".join(w.text for w in words), outer=f"{name}=")
        elif name in _CODE_ENV or name == "PATH":
            self.out.commands.append(
                SimpleCommand([Word(f"{name}=", f"{name}=", False, False), *words], opaque=f"it sets {name}")
            )

    # -- one simple command ------------------------------------------------------------------------

    def command(self, node: Any, source: bytes, writes: list[Word], stdin: str | None) -> None:
        word_nodes: list[Any] = []
        for child in node.named_children:
            if child.type == "variable_assignment":
                self.walk_words(child, source)
                self._assignment(child, source)
            elif child.type == "command_name":
                word_nodes.extend(child.named_children)
            elif child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                stdin = self.redirect(child, source, writes, stdin, [])
                extra = [c for c in child.named_children if c.type != "file_descriptor"][1:]
                word_nodes.extend(extra if child.type == "file_redirect" else [])
            elif child.type != "comment":
                word_nodes.append(child)
        word_nodes.sort(key=lambda n: n.start_byte)
        words: list[Word] = []
        for word_node in word_nodes:
            self.walk_words(word_node, source)
            words.extend(words_of(word_node, source, self.env))
        self.out.writes.extend(Write(w, len(self.out.cds)) for w in writes)
        if words:
            invoke(self, words, stdin)

    def add(self, command: SimpleCommand) -> None:
        command.cds = len(self.out.cds)
        self.out.commands.append(command)


def known_output(node: Any, source: bytes, env: Env) -> str | None:
    """What a command prints when the line shows it (``echo``/``printf`` words, ``cat`` of a
    here-document): a shell reading it from a pipe runs that text."""
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        for child in node.named_children:
            if (
                child.type in ("heredoc_redirect", "herestring_redirect")
                and body is not None
                and body.type == "command"
                and _command_words(body, source, env)[:1] == ["cat"]
            ):
                if child.type == "herestring_redirect":
                    return " ".join(_text(c, source) for c in child.named_children) + "\n"
                found = [_text(c, source) for c in child.named_children if c.type == "heredoc_body"]
                return found[0] if found else None
        return known_output(body, source, env) if body is not None else None
    if node.type != "command":
        return None
    words = _command_words(node, source, env)
    if not words or words[0] not in ("echo", "printf"):
        return None
    args = words[1:]
    if words[0] == "echo":
        while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
            args = args[1:]
        return " ".join(args) + "\n"
    if not args:
        return None
    fmt = args[0].replace("\\n", "\n")
    return "\n".join(args[1:]) + "\n" if "%" in fmt else fmt


def _command_words(node: Any, source: bytes, env: Env) -> list[str]:
    out: list[str] = []
    for child in node.named_children:
        nodes = child.named_children if child.type == "command_name" else [child]
        if child.type in ("variable_assignment", "file_redirect", "heredoc_redirect", "herestring_redirect"):
            continue
        for word_node in nodes:
            for word in words_of(word_node, source, env):
                if word.dynamic:
                    return []
                out.append(word.text)
    return out


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")


def _operator(node: Any, source: bytes) -> str:
    for child in node.children:
        if not child.is_named:
            return _text(child, source)
    return ""
