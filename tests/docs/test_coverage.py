"""The meta-test: every fenced block in README.md and docs/**/*.md is exercised by some checker.

A new sample with no test fails here, named by page and line. Blocks tagged ``text`` are exempt:
they show program output or diagrams, not something a reader runs.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.docs import (
    test_editors,
    test_hcl,
    test_json,
    test_markdown,
    test_protocol,
    test_python,
    test_shell,
)
from tests.docs.blocks import Block, all_blocks

EXEMPT = {"text"}
"""Output and diagrams only."""
HINTS = {
    "python": "add a Spec to SPECS in tests/docs/test_python.py",
    "bash": "add its commands to COMMANDS (or a here-document to SCRIPTS) in tests/docs/test_shell.py",
    "sh": "add its commands to COMMANDS in tests/docs/test_shell.py",
    "console": "add its `$ ` commands to COMMANDS in tests/docs/test_shell.py",
    "lua": "add a Lua spec to LUA in tests/docs/test_editors.py",
    "json": "a protocol sample needs a section named after its method (tests/docs/test_protocol.py)",
    "markdown": "put it under a heading that says agent or skill (tests/docs/test_markdown.py)",
}
CHECKERS: list[tuple[str, Callable[[Block], bool]]] = [
    ("tests/docs/test_hcl.py", test_hcl.claims),
    ("tests/docs/test_python.py", test_python.claims),
    ("tests/docs/test_shell.py", test_shell.claims),
    ("tests/docs/test_protocol.py", test_protocol.claims),
    ("tests/docs/test_json.py", test_json.claims),
    ("tests/docs/test_editors.py", test_editors.claims),
    ("tests/docs/test_markdown.py", test_markdown.claims),
]


def unclaimed(blocks: list[Block]) -> list[str]:
    problems = []
    for block in blocks:
        if not block.lang:
            problems.append(f"{block.where}: no language tag (use `text` for output or diagrams)")
        elif block.lang not in EXEMPT and not any(claims(block) for _, claims in CHECKERS):
            hint = HINTS.get(block.lang, "add a checker in tests/docs/ and list it in CHECKERS")
            problems.append(f"{block.where}: ```{block.lang} block that no test runs: {hint}")
    return problems


def test_every_doc_sample_is_exercised() -> None:
    problems = unclaimed(all_blocks())
    assert not problems, "doc samples without a test:\n" + "\n".join(problems)


def test_the_meta_test_sees_every_kind_of_block() -> None:
    """Guards the guard: the scan finds samples of each language the docs use, with their lines."""
    langs = {b.lang for b in all_blocks()}
    assert {"hcl", "python", "bash", "json", "lua", "elisp", "text"} <= langs
    fake = Block("docs/new.md", 7, "python", "print('hi')\n", "New")
    untagged = Block("docs/new.md", 9, "", "x\n", "New")
    assert unclaimed([fake, untagged]) == [
        "docs/new.md:7: ```python block that no test runs: add a Spec to SPECS in tests/docs/test_python.py",
        "docs/new.md:9: no language tag (use `text` for output or diagrams)",
    ]
