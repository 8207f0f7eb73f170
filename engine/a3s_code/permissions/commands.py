"""What the shell analysis finds: the simple commands a line runs and the files it writes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .words import Word

COMMAND_VARIABLES = frozenset(
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
"""Variables whose value a program runs as a command line: the value is checked like one."""
CODE_VARIABLES = frozenset(
    [
        "LD_PRELOAD",
        "LD_AUDIT",
        "LD_LIBRARY_PATH",
        "BASH_ENV",
        "ENV",
        "PERL5OPT",
        "NODE_OPTIONS",
        "PYTHONSTARTUP",
        "PATH",
    ]
)
"""Variables that make a program load code the command line does not show: such a command is asked."""


class Unparseable(Exception):
    """The command could not be read completely; callers must ask, never allow."""


@dataclass
class SimpleCommand:
    words: list[Word]
    dynamic: bool = False
    """The program's name is only known when it runs (``$CMD``, ``$(echo rm)``, ``/bin/r?``)."""
    opaque: str | None = None
    """Why it runs code this analysis cannot read (``python -c``, a shell reading a pipe), or None."""
    privileged: bool = False
    """Run through ``sudo``, ``doas``, ``su``, ``pkexec`` and the like."""
    open_args: bool = False
    """More arguments are appended when it runs (``xargs``, ``find -exec … +``)."""
    outer: list[str] = field(default_factory=list)
    """The command as written around its wrappers (``sudo rm -rf x``): what deny rules on wrappers see."""
    cds: int = 0
    """How many ``cd``s came before it (its relative paths may be relative to another folder)."""

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def name(self) -> str:
        return self.words[0].text.rsplit("/", 1)[-1] if self.words else ""

    @property
    def spellings(self) -> list[str]:
        """The text; without the program's directory (``/bin/rm`` is ``rm``); with variables filled in."""
        out = [self.text]
        if self.words and self.name != self.words[0].text:
            out.append(" ".join([self.name, *(w.text for w in self.words[1:])]))
        if all(w.value is not None for w in self.words):
            values = " ".join(str(w.value) for w in self.words).split()  # unquoted $X splits on blanks
            if values:
                values[0] = values[0].rsplit("/", 1)[-1]
                out.append(" ".join(values))
        return list(dict.fromkeys(nfc(s) for s in out))


@dataclass
class Write:
    """A file the command line writes: a redirection target or an option such as ``time -o FILE``."""

    target: Word
    cds: int
    """How many ``cd``s came before it: the working directory it is relative to may have moved."""


@dataclass
class Script:
    commands: list[SimpleCommand] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    cds: list[Word] = field(default_factory=list)
    """``cd``/``pushd``/``popd`` targets in order (an empty text is ``cd`` alone: ``$HOME``)."""
    problems: list[str] = field(default_factory=list)
    """Parts that could not be read (syntax errors, nesting too deep)."""
    unreadable: list[str] = field(default_factory=list)
    """The command lines (nested ones too) the parser could not read completely."""
    functions: dict[str, str] = field(default_factory=dict)
    """Functions defined in the line, with the source of their bodies."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
