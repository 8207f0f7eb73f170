"""From the words of one simple command to the command(s) it really runs (the wrapper table applied).

``invoke`` peels wrappers (``sudo``, ``env``, ``timeout``, ``xargs``...), hands shell strings
(``bash -lc '...'``, ``eval``, ``trap``, ``alias``, ``su -c``, ``ssh host cmd``) back to the analyser
as scripts, expands aliases defined in the same line, and marks what cannot be read (inline code of
an interpreter, a shell reading an unknown pipe, a name built from variables).
"""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

from .commands import CODE_VARIABLES, COMMAND_VARIABLES, SimpleCommand, Write
from .words import Word
from .wrappers import AWK, BY_NAME, CD, INTERPRETERS, SUBCOMMAND_WRAPPERS, Wrapper

if TYPE_CHECKING:
    from .shell import Analyser

RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case", "esac"}
    | {"select", "function", "[[", "]]"}
)
"""Bash's reserved words (manual 2, "Definitions"): never a program's name where tree-sitter-bash
misreads a compound command as a simple one (it does after ``!``)."""
_OPAQUE_BUILTINS = {"enable": {"-f"}, "hash": {"-p"}}
"""``enable -f lib.so name`` loads a builtin from a library; ``hash -p /bin/rm ls`` makes ``ls`` run rm."""
_AWK_RUNS = re.compile(r"\bsystem\s*\(|\|\s*(getline|&)|\|\s*\"|\"\s*\||\bprint[^;}]*\|")
_SED_RUNS = re.compile(r"(^|[;\n{}]\s*)(\d+|/[^/]*/)?\s*e(\s|;|$)|s(.).*?\4.*?\4[gpIiMm0-9]*e")
_SHELL_VALUES = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_PY = re.compile(r"^(python|pypy)(\d+(\.\d+)?)?$")


def _word(text: str) -> Word:
    return Word(text, text, False, False)


def _texts(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def invoke(
    an: Analyser,
    words: list[Word],
    stdin: str | None,
    *,
    privileged: bool = False,
    open_args: bool = False,
    outer: list[str] | None = None,
) -> None:
    """Record what ``words`` runs: the wrapped command, nested scripts, or the command itself."""
    Invocation(an, privileged, open_args, list(outer or [])).run(words, stdin)


class Invocation:
    """One simple command being unwrapped; what it finds carries the wrappers' marks."""

    def __init__(self, an: Analyser, privileged: bool, open_args: bool, outer: list[str]) -> None:
        self.an = an
        self.privileged = privileged
        self.open_args = open_args
        self.outer = outer

    def add(self, words: list[Word], *, dynamic: bool = False, opaque: str | None = None) -> None:
        self.an.add(
            SimpleCommand(words, dynamic, opaque, self.privileged, self.open_args, outer=list(self.outer))
        )

    def nested(self, text: str, feed: str | None = None) -> None:
        """A command line inside this one (``bash -c``, ``eval``, ``su -c``): parsed and walked."""
        before = len(self.an.out.commands)
        self.an.script(text, feed, privileged=self.privileged)
        for command in self.an.out.commands[before:]:
            command.outer.extend(self.outer)
            command.open_args = command.open_args or self.open_args

    def write(self, word: Word) -> None:
        self.an.out.writes.append(Write(word, len(self.an.out.cds)))

    def from_stdin(self, name: str, stdin: str | None) -> None:
        """A shell reading commands from standard input: known text is read, anything else is asked."""
        if stdin is not None:
            self.nested(stdin)
        else:
            self.add([_word(name)], opaque=f"{name} reads commands from standard input")

    def run(self, words: list[Word], stdin: str | None) -> None:
        an = self.an
        for _ in range(64):
            if not words:
                return
            first = words[0]
            if first.dynamic or first.glob:
                self.add(words, dynamic=True)
                return
            name = first.text.rsplit("/", 1)[-1]
            rest = words[1:]
            if not first.text.strip("{}! \t\n") or first.text in RESERVED:
                words = rest  # tree-sitter-bash reads `! { cmd; }`, `! if …; then cmd; fi` as commands
                continue
            if name in an.aliases and name not in an.expanding and first.text == name:
                an.expanding.add(name)
                try:
                    self.nested(an.aliases[name] + " " + " ".join(shlex.quote(w.text) for w in rest), stdin)
                finally:
                    an.expanding.discard(name)
                return
            wrapper = BY_NAME.get(name)
            if wrapper is not None and wrapper.how != "self":
                self.outer.append(_texts(words))
                self.privileged = self.privileged or wrapper.privileged
                found = self.unwrap(wrapper, name, rest, stdin)
                if found is None:
                    return
                words, self.open_args = found, self.open_args or wrapper.how in ("xargs", "find")
                continue
            sub = SUBCOMMAND_WRAPPERS.get((name, rest[0].text)) if rest else None
            if sub is not None:
                self.outer.append(_texts(words))
                words = rest[1 + _skip(rest[1:], sub, Wrapper(()))[0] :]
                continue
            self.program(name, words, stdin, wrapper)
            return
        an.out.problems.append("too many wrappers")

    def program(self, name: str, words: list[Word], stdin: str | None, wrapper: Wrapper | None) -> None:
        """A command that is not a wrapper: builtins that take code, interpreters, or a plain program."""
        rest = words[1:]
        linked = self.an.links.get(words[0].text.removeprefix("./"))
        if linked is not None:  # `ln -s /bin/rm x; ./x -rf build` runs rm
            self.outer.append(" ".join([linked, *(w.text for w in rest)]))
        if name in ("ln", "cp", "mv", "install"):
            operands = [w for w in rest if not w.text.startswith("-")]
            if len(operands) == 2 and operands[0].value and operands[1].value:
                program = operands[0].value.rsplit("/", 1)[-1]
                self.an.links[operands[1].value.removeprefix("./")] = program
        if name == "eval" or (name == "trap" and rest and rest[0].text not in ("-p", "-l", "-P")):
            self.add(words)
            self.nested(_texts(rest if name == "eval" else rest[:1]))
            return
        if name in ("source", "."):
            feed = stdin if rest and rest[0].text in ("/dev/stdin", "-") else None
            if feed is not None:
                self.nested(feed)
            unknown = feed is None and (not rest or rest[0].dynamic or rest[0].text in ("/dev/stdin", "-"))
            self.add(words, opaque="it runs code it reads from a pipe" if unknown else None)
            return
        if name == "alias":
            self.add(words)
            for word in rest:
                key, eq, value = word.text.partition("=")
                if eq:
                    self.an.aliases[key] = value
                    self.nested(value)
            return
        if name in CD:
            target = rest[0] if rest and name != "popd" else _word("~" if name == "cd" else "-")
            self.an.out.cds.append(target)
            self.add(words)
            return
        if name in _OPAQUE_BUILTINS and any(w.text in _OPAQUE_BUILTINS[name] for w in rest):
            self.add(words, opaque=f"`{name}` with these options changes what a name runs")
            return
        if wrapper is not None:  # how == "self": the program runs, some option values are command lines
            for script in _scripts_in_options(wrapper, rest):
                self.nested(script)
        if name in AWK:
            program = next((w.text for w in rest if not w.text.startswith("-")), "")
            self.add(words, opaque="awk can run commands" if _AWK_RUNS.search(program) else None)
            return
        if name in ("sed", "gsed") and any(
            _SED_RUNS.search(w.text) for w in rest if not w.text.startswith("-")
        ):
            self.add(words, opaque="sed's `e` runs commands")
            return
        stem = "python" if _PY.match(name) else name.lower()
        self.add(words, opaque=_interpreter(stem, rest) if stem in INTERPRETERS else None)

    # -- wrappers ------------------------------------------------------------------------------------

    def unwrap(self, w: Wrapper, name: str, rest: list[Word], stdin: str | None) -> list[Word] | None:
        """The words a wrapper runs, or None when it runs nothing more (or it was handled here)."""
        if w.how in ("shell", "find", "parallel"):
            if w.how == "shell":
                self.shell(rest, stdin)
            elif w.how == "find":
                self.find(rest)
            else:
                self.parallel(w, rest)
            return None
        if w.how == "su":
            return self.su(w, name, rest, stdin)
        if w.how == "env":
            return self.env(w, rest)
        i, scripts, none, joined = _skip(rest, w.values, w)
        for script in [*scripts, *_scripts_in_options(w, rest[:i])] if w.config else scripts:
            self.nested(script)
        for k, word in enumerate(rest[:i]):
            if word.text in w.writes and k + 1 < len(rest):
                self.write(rest[k + 1])
        if none or (scripts and name in ("flock", "script")):
            return None
        operands = rest[i:]
        if name == "flock" and (not operands[1:] or operands[0].text.isdigit()):
            return None
        if name == "flock" and len(operands) > 2 and operands[1].text in ("-c", "--command"):
            self.nested(operands[2].text)
            return None
        if name == "script":
            for operand in operands[:1]:
                self.write(operand)
            return None
        if name == "nice" and operands and re.fullmatch(r"-?\d+", operands[0].text):
            operands = operands[1:]
        if name == "sudo":  # sudo [VAR=value]... CMD
            operands = self.assignments(operands)
        operands = operands[w.operands :]
        if w.how == "joined" or joined:
            if name == "watch" and any(x.text in ("-x", "--exec") for x in rest[:i]):
                return operands
            if operands:
                self.nested(_texts(operands))
            elif joined:
                self.from_stdin(name, stdin)
            return None
        return operands or [_word(x) for x in w.default] or None

    def shell(self, rest: list[Word], stdin: str | None) -> None:
        """``bash -lc 'script'``: any short-option group holding ``c`` makes the first operand a script."""
        i, has_c = 0, False
        while i < len(rest):
            text = rest[i].text
            if text in ("--", "-"):
                i += 1
                break
            if text in _SHELL_VALUES:
                i += 2
                continue
            if text.startswith("--command="):
                self.nested(text.split("=", 1)[1])
                return None
            if text in ("--command", "-command"):
                has_c = True
            elif text[:1] in "-+" and len(text) > 1 and not text.startswith("--"):
                has_c = has_c or (text[0] == "-" and "c" in text[1:])
            elif not text.startswith("--"):
                break
            i += 1
        operands = rest[i:]
        if has_c:
            if operands and operands[0].dynamic:
                self.add(operands, dynamic=True)
            elif operands:
                self.nested(operands[0].text)
            return None
        if not operands or operands[0].text == "/dev/stdin":
            self.from_stdin("sh", stdin)
            return None
        self.add(
            [_word("sh"), *operands],
            opaque="it runs code from a substitution" if operands[0].dynamic else None,
        )
        return None

    def find(self, rest: list[Word]) -> None:
        """``find … -exec CMD {} +``: each ``-exec``/``-execdir``/``-ok``/``-okdir`` command is checked."""
        self.add([_word("find"), *rest])
        i = 0
        while i < len(rest):
            text = rest[i].text
            if text in ("-exec", "-execdir", "-ok", "-okdir"):
                j = i + 1
                while j < len(rest) and rest[j].text not in (";", "+"):
                    j += 1
                Invocation(self.an, self.privileged, True, [*self.outer, f"find {text}"]).run(
                    rest[i + 1 : j], None
                )
                i = j
            elif text in ("-fprint", "-fprint0", "-fprintf", "-fls") and i + 1 < len(rest):
                self.write(rest[i + 1])
            i += 1
        return None

    def parallel(self, w: Wrapper, rest: list[Word]) -> None:
        """``parallel CMD ::: args`` runs CMD through a shell; ``parallel ::: 'cmd1' 'cmd2'`` runs each."""
        i, _, _, _ = _skip(rest, w.values, w)
        operands = rest[i:]
        marks = [k for k, x in enumerate(operands) if x.text in (":::", "::::", ":::+", "::::+")]
        template = operands[: marks[0]] if marks else operands
        if template:
            self.nested(_texts(template))
        elif marks and operands[marks[0]].text in (":::", ":::+"):
            end = marks[1] if len(marks) > 1 else len(operands)
            for arg in operands[marks[0] + 1 : end]:
                self.nested(arg.text)
        else:
            self.add([_word("parallel"), *rest], opaque="parallel runs commands it reads from its input")
        return None

    def su(self, w: Wrapper, name: str, rest: list[Word], stdin: str | None) -> list[Word] | None:
        """``su [-] [user] [-c CMD]`` (options anywhere); ``runuser -u USER [--] CMD``."""
        scripts: list[str] = []
        argv_mode = any(x.text in ("-u", "--user") for x in rest[: _skip(rest, w.values, w)[0]])
        for k, word in enumerate(rest):
            text = word.text
            if text == "--" or argv_mode:
                break
            if text.startswith(("--command=", "--session-command=")):
                scripts.append(text.split("=", 1)[1])
            elif text in ("--command", "--session-command") or (
                text.startswith("-") and not text.startswith("--") and text.endswith("c")
            ):
                scripts.append(rest[k + 1].text if k + 1 < len(rest) else "")
        for script in scripts:
            self.nested(script)
        if scripts:
            return None
        i, _, _, _ = _skip(rest, w.values, w)
        if any(x.text in ("-u", "--user") for x in rest[:i]) and rest[i:]:
            return rest[i:]
        self.from_stdin(name, stdin)
        return None

    def env(self, w: Wrapper, rest: list[Word]) -> list[Word]:
        """``env [-i] [-u NAME] [-S 'cmd args'] [NAME=value]... CMD``."""
        words = list(rest)
        i = 0
        while i < len(words):
            text = words[i].text
            split = _split_string(text)
            if split is not None:
                value = split or (words[i + 1].text if i + 1 < len(words) else "")
                words[i : i + (1 if split else 2)] = [_word(p) for p in _split(value)]
                continue
            if text == "--":
                i += 1
            elif text.startswith("-") and text != "-":
                i += 2 if text in w.values else 1
            elif "=" in text and not text.startswith("="):
                self.assignments(words[i : i + 1])
                i += 1
            else:
                break
        return words[i:]

    def assignments(self, words: list[Word]) -> list[Word]:
        """``NAME=value`` words before a command (``env``, ``sudo``): checked as the shell's own
        assignments are; returns the words after them."""
        i = 0
        while i < len(words) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[i].text):
            key, _, value = words[i].text.partition("=")
            if key in COMMAND_VARIABLES:
                self.nested(value)
            elif key in CODE_VARIABLES:
                self.add(words[i:], opaque=f"it sets {key}")
            i += 1
        return words[i:]


def _split_string(text: str) -> str | None:
    """``env -S``: the string to split ('' when it is the next word), or None for another option."""
    if text in ("-S", "--split-string"):
        return ""
    if text.startswith("--split-string="):
        return text.split("=", 1)[1]
    if text.startswith("-S"):
        return text[2:]
    return None


def _interpreter(stem: str, rest: list[Word]) -> str | None:
    """Why an interpreter runs code the line does not show as a script, or None. Options are read
    up to the script's name (``python tool.py -c x`` passes ``-c`` to the script)."""
    code = INTERPRETERS[stem]
    letters = {o[1] for o in code if len(o) == 2 and o[0] == "-"}
    for word in rest:
        text = word.text
        if text.lower() in code or text.lower().split("=", 1)[0] in code:
            return f"{stem} runs inline code"
        if text.startswith("-") and not text.startswith("--") and letters & set(text[1:]):
            return f"{stem} runs inline code"
        if stem in ("vim", "nvim", "vi", "ex") and text.startswith("+"):
            return f"{stem} runs an editor command"
        if text == "-m" or (not text.startswith(("-", "+")) and stem not in ("vim", "nvim", "vi", "ex")):
            return None  # a module or a script file: it runs like any program
    if stem in ("python", "perl", "ruby", "node", "nodejs", "php", "lua", "tclsh"):
        return f"{stem} reads code from standard input"
    return None


def _skip(words: list[Word], values: frozenset[str], wrapper: Wrapper) -> tuple[int, list[str], bool, bool]:
    """getopt over ``words``: (index of the first operand, script option values, a no-command
    option seen, a joined-by option seen)."""
    i, none, joined = 0, False, False
    scripts: list[str] = []
    while i < len(words):
        text = words[i].text
        if text == "--":
            return i + 1, scripts, none, joined
        if not text.startswith("-") or text == "-":
            break
        if text.startswith("--"):
            key, eq, value = text.partition("=")
            none = none or key in wrapper.no_command
            joined = joined or key in wrapper.joined_by
            if key in wrapper.scripts:
                scripts.append(value if eq else (words[i + 1].text if i + 1 < len(words) else ""))
                i += 1 if eq else 2
                continue
            i += 2 if (key in values or key in wrapper.writes or key in wrapper.config) and not eq else 1
            continue
        for k in range(1, len(text)):
            opt = "-" + text[k]
            none = none or opt in wrapper.no_command
            joined = joined or opt in wrapper.joined_by
            if opt in values or opt in wrapper.scripts or opt in wrapper.writes or opt in wrapper.config:
                attached = text[k + 1 :]
                value = attached or (words[i + 1].text if i + 1 < len(words) else "")
                if opt in wrapper.scripts:
                    scripts.append(value)
                i += 0 if attached else 1
                break
        i += 1
    return i, scripts, none, joined


def _scripts_in_options(wrapper: Wrapper, rest: list[Word]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(rest):
        text = rest[i].text
        key, eq, value = text.partition("=")
        if key in wrapper.scripts:
            out.append(value if eq else (rest[i + 1].text if i + 1 < len(rest) else ""))
        elif text in wrapper.config and i + 1 < len(rest):
            out.extend(_config_script(wrapper, rest[i + 1].text))
        elif any(text.startswith(c) and len(text) > len(c) for c in wrapper.config):
            out.extend(_config_script(wrapper, text[2:]))
        elif text.startswith("--checkpoint-action=exec="):
            out.append(text.split("=", 2)[2])
        i += 1
    return out


def _config_script(wrapper: Wrapper, setting: str) -> list[str]:
    found = re.match(r"([^=\s]*)[=\s]?(.*)", setting, re.S)
    key, value = (found.group(1).lower(), found.group(2)) if found else (setting.lower(), "")
    if not any(key == k or (k.endswith(".") and key.startswith(k)) for k in wrapper.config_keys):
        return []
    if key.startswith("alias."):
        return [value[1:]] if value.startswith("!") else []
    return [value.lstrip("!")]


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
