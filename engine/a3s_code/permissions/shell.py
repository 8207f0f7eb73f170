"""Every command a shell command line would run, read with a real parser (tree-sitter-bash).

Permission rules must see each sub-command of ``&&``, ``||``, ``;``, ``|``, ``&``, newlines, ``$(...)``,
backticks, ``<(...)``, subshells, groups, ``if``/``while``/``for``/``case`` bodies, functions, aliases,
``trap`` and ``eval`` strings, here-documents and here-strings fed to a shell, and the command inside
every wrapper of the wrapper table (``wrappers.py``). ``analyse`` returns them as ``SimpleCommand``s
plus the files the line writes; the policy decides each one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from . import parser
from .commands import CODE_VARIABLES, COMMAND_VARIABLES, Script, SimpleCommand, Unparseable, Write
from .unwrap import invoke
from .words import Env, Word, assemble, words_of

MAX_DEPTH = 8
MAX_COMMANDS = 2000
_FD_DUP = {">&", "<&", ">&-", "<&-"}
_STATEMENTS = frozenset(
    {
        "subshell",
        "compound_statement",
        "command",
        "pipeline",
        "list",
        "negated_command",
        "redirected_statement",
        "if_statement",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "case_statement",
        "function_definition",
    }
)
"""Node types the shell runs: found among a command's arguments, they are walked as commands."""
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
        self.env: dict[str, str | None] = {**env, "IFS": " \t\n"}  # bash never takes IFS from its environment
        self.out = Script()
        self.aliases: dict[str, str] = {}
        self.assigned: set[str] = set()
        self.bodies: list[tuple[int, int]] = []
        """Here-document bodies of the line being walked: no word of a command lies in them."""
        self.depth = 0
        self.expanding: set[str] = set()
        self.links: dict[str, str] = {}
        """``ln -s /bin/rm x`` earlier in the line: ``x`` and ``./x`` run ``rm``."""

    # -- entry points ----------------------------------------------------------------------------

    def script(
        self, text: str, stdin: str | None = None, *, privileged: bool = False, outer: str = ""
    ) -> None:
        """Parse and walk a command line; nested ones (``bash -c``) come back here."""
        if self.depth >= MAX_DEPTH:
            self.out.problems.append("commands nested too deeply")
            return
        source = join_continued_lines(text).encode("utf-8", "surrogateescape")
        tree = parser.parse(source)
        if tree.root_node.has_error:
            self.out.problems.append(f"syntax error in {text[:80]!r}")
            self.out.unreadable.append(text)
        self.depth += 1
        before = len(self.out.commands)
        spans = self.bodies
        try:
            self.bodies = self._collect(tree.root_node, source)
            self.walk(tree.root_node, source, stdin)
        finally:
            self.depth -= 1
            self.bodies = spans
        for command in self.out.commands[before:]:
            command.privileged = command.privileged or privileged
            if outer:
                command.outer.append(outer)

    def _collect(self, root: Any, source: bytes) -> list[tuple[int, int]]:
        """First pass: names assigned in the line (their value is the line's, not the environment's);
        returns the byte spans of here-document bodies."""
        bodies: list[tuple[int, int]] = []
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.named_children)
            if node.type == "heredoc_redirect":
                begin, end = heredoc_span(node, source)
                bodies.append((begin - 1, end))  # from the newline that opens the body
            elif node.type == "variable_assignment":
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
        return bodies

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
            body = node.child_by_field_name("body")
            if name is not None and body is not None:
                self.out.functions[_text(name, source)] = _text(body, source)
            for child in node.named_children:
                self.walk(child, source)
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
        extra: list[Any] = []
        for child in node.named_children:
            if body is not None and child.id == body.id:
                continue
            feed = self.redirect(child, source, writes, feed, later)
            if child.type == "file_redirect":  # `echo > f x`: tree-sitter reads x as a second target
                extra += [c for c in child.named_children if c.type != "file_descriptor"][1:]
        if body is not None and body.type == "command":
            self.command(body, source, writes, feed, extra)
        else:
            if (
                body is not None
                and body.type in ("list", "pipeline", "negated_command")
                and feed is not stdin
            ):
                self.feed_last(body, source, feed)
            elif body is not None:
                self.walk(body, source, feed)
            self.out.writes.extend(Write(w, len(self.out.cds)) for w in writes)
        piped = known_output(node, source, self.env)
        last = _last_command(body) if body is not None else None
        if piped is None and last is not None and _command_words(last, source, self.env) == ["cat"]:
            piped = feed  # `ls && cat <<EOF | sh`: cat passes the here-document on
        for node_after in later:
            self.walk(node_after, source, piped)

    def feed_last(self, node: Any, source: bytes, feed: str | None) -> None:
        """tree-sitter-bash hangs ``ls && sh <<EOF`` 's here-document on the whole list: it feeds
        only the last command."""
        children = node.named_children
        if node.type == "command":
            self.command(node, source, [], feed)
            return
        if node.type not in ("list", "pipeline", "negated_command") or not children:
            self.walk(node, source, feed)
            return
        previous: str | None = None
        for child in children[:-1]:
            self.walk(child, source, previous)
            previous = known_output(child, source, self.env) if node.type == "pipeline" else None
        self.feed_last(children[-1], source, feed)

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
            body = heredoc_text(node, source)
            for child in node.named_children:
                if child.type == "heredoc_body":
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
        if name in COMMAND_VARIABLES:
            self.script(" ".join(w.text for w in words), outer=f"{name}=")
        elif name in CODE_VARIABLES:
            self.out.commands.append(
                SimpleCommand([Word(f"{name}=", f"{name}=", False, False), *words], opaque=f"it sets {name}")
            )

    # -- one simple command ------------------------------------------------------------------------

    def command(
        self, node: Any, source: bytes, writes: list[Word], stdin: str | None, extra: list[Any] | None = None
    ) -> None:
        """One simple command: its words (``extra``: word nodes tree-sitter put in redirections)."""
        items: list[tuple[int, int, Any]] = [(c.start_byte, c.end_byte, c) for c in extra or []]
        later: list[Any] = []
        for child in node.named_children:
            if child.type == "variable_assignment":
                self.walk_words(child, source)
                self._assignment(child, source)
                items.append((child.start_byte, child.end_byte, None))
            elif child.type == "command_name":
                items.extend((c.start_byte, c.end_byte, c) for c in child.named_children)
            elif child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                stdin = self.redirect(child, source, writes, stdin, later)
                targets = [c for c in child.named_children if c.type != "file_descriptor"]
                extra = targets[1:] if child.type == "file_redirect" else []
                barrier_end = targets[0].end_byte if targets and extra else child.end_byte
                items.append((child.start_byte, barrier_end, None))
                items.extend((c.start_byte, c.end_byte, c) for c in extra)
            elif child.type in _STATEMENTS:
                # Not a word but something the shell runs: tree-sitter-bash reads `! { (rm x); }`
                # in a case arm as a command `{` whose argument is the subshell.
                later.append(child)
            elif child.type != "comment":
                items.append((child.start_byte, child.end_byte, child))
        outside = not any(a <= node.start_byte < b for a, b in self.bodies)
        count = len(items)
        items = sorted(
            (i for i in items if not (outside and any(a <= i[0] < b for a, b in self.bodies))),
            key=lambda item: item[0],
        )
        first = items[0][0] if items else 0
        if first > 0 and source[first - 1 : first] == b"{" and items[0][2] is not None:
            items.insert(0, (first - 1, first, "{"))  # tree-sitter-bash drops the `{` of `{rm,} x`
        for _, _, word_node in items:
            if word_node is not None and not isinstance(word_node, str):
                self.walk_words(word_node, source)
        end = (
            max([node.end_byte, *(i[1] for i in items)]) if len(items) == count else max(i[1] for i in items)
        )
        words = assemble(items, end, source, self.env)
        self.out.writes.extend(Write(w, len(self.out.cds)) for w in writes)
        if words:
            invoke(self, words, stdin)
        for node_after in later:
            self.walk(node_after, source)

    def add(self, command: SimpleCommand) -> None:
        command.cds = len(self.out.cds)
        self.out.commands.append(command)


_NEGATION_AT = re.compile(r"(?:^|[;&|({\n]|(?<![\w-])(?:if|then|else|elif|do|while|until|time))[ \t]*$")


def join_continued_lines(text: str) -> str:
    """The line as bash reads it before the parser sees it.

    Backslash-newline pairs go (outside single quotes and comments): ``r\\<newline>m`` is ``rm``;
    tree-sitter-bash reads the pair as a word break, which would hide the command. A pipeline's
    ``!`` goes too: it changes only the exit status, and tree-sitter-bash misreads a compound
    command after it (``! { rm x; }`` becomes a command named ``{``).
    """
    if "\\\n" not in text and "!" not in text:
        return text
    out: list[str] = []
    i, quote, comment = 0, "", False
    while i < len(text):
        ch = text[i]
        if comment:
            comment = ch != "\n"
        elif quote == "'":
            quote = "" if ch == "'" else quote
        elif ch == "\\" and i + 1 < len(text):
            if text[i + 1] != "\n":
                out.append(text[i : i + 2])
            i += 2
            continue
        elif ch == '"':
            quote = "" if quote == '"' else '"'
        elif ch == "'" and not quote:
            quote = "'"
        elif ch == "#" and not quote and (not out or out[-1][-1:] in " \t\n;&|()"):
            comment = True
        elif (
            ch == "!"
            and not quote
            and text[i + 1 : i + 2] in (" ", "\t")
            and _NEGATION_AT.search("".join(out[-12:]))
        ):
            ch = " "
        out.append(ch)
        i += 1
    return "".join(out)


def known_output(node: Any, source: bytes, env: Env) -> str | None:
    """What a command prints when the line shows it (``echo``/``printf`` words, ``cat`` of a
    here-document or here-string): a shell reading it from a pipe runs that text."""
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        for child in node.named_children:
            if (
                child.type in ("heredoc_redirect", "herestring_redirect")
                and body is not None
                and body.type == "command"
                and _command_words(body, source, env) == ["cat"]
            ):
                return _fed_text(child, source, env)
        return known_output(body, source, env) if body is not None else None
    if node.type == "negated_command" and node.named_children:
        return known_output(node.named_children[0], source, env)
    if node.type != "command":
        return None
    words = _command_words(node, source, env)
    fed = [c for c in node.named_children if c.type in ("heredoc_redirect", "herestring_redirect")]
    if words == ["cat"] and fed:
        return _fed_text(fed[0], source, env)
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


def _fed_text(node: Any, source: bytes, env: Env) -> str:
    if node.type == "herestring_redirect":
        return " ".join(w.text for c in node.named_children for w in words_of(c, source, env)) + "\n"
    return heredoc_text(node, source)


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


def _last_command(node: Any) -> Any:
    while node is not None and node.type in ("list", "pipeline", "negated_command"):
        node = node.named_children[-1] if node.named_children else None
    return node if node is not None and node.type == "command" else None


def heredoc_span(node: Any, source: bytes) -> tuple[int, int]:
    """Byte offsets of a here-document's body, found by its delimiter line (Bash manual 3.6.6).

    tree-sitter-bash loses a body whose first line starts with a backslash (it reads the body's
    words as arguments), so the body is found from the source, not from the tree.
    """
    start = next((c for c in node.named_children if c.type == "heredoc_start"), None)
    if start is None:
        return (node.end_byte, node.end_byte)
    delimiter = re.sub(rb"[\\'\"]", b"", source[start.start_byte : start.end_byte])
    strip_tabs = _operator(node, source) == "<<-"
    begin = source.find(b"\n", start.end_byte)
    if begin < 0:
        return (len(source), len(source))
    pos = begin + 1
    while pos < len(source):
        stop = source.find(b"\n", pos)
        stop = len(source) if stop < 0 else stop
        line = source[pos:stop]
        if (line.lstrip(b"\t") if strip_tabs else line) == delimiter:
            return (begin + 1, pos)
        pos = stop + 1
    return (begin + 1, len(source))


def heredoc_text(node: Any, source: bytes) -> str:
    begin, end = heredoc_span(node, source)
    return source[begin:end].decode("utf-8", "surrogateescape")


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")


def _operator(node: Any, source: bytes) -> str:
    for child in node.children:
        if not child.is_named:
            return _text(child, source)
    return ""
