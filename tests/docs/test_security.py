"""docs/security.md's permission tables hold: every wrapper of the table is documented and each
documented example is decided as the page says; the guardrail's examples are refused in bypass mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from a3s_code.permissions import PermissionPolicy
from a3s_code.permissions.rules import canonical_tool
from a3s_code.permissions.wrappers import BY_NAME, SUBCOMMAND_WRAPPERS
from tests.docs.blocks import ROOT

PAGE = (ROOT / "docs" / "security.md").read_text()


def table(heading: str) -> list[list[str]]:
    """The rows (cells, ``\\|`` unescaped) of the first table after ``heading``."""
    section = PAGE.split(heading, 1)[1]
    rows: list[list[str]] = []
    for line in section.splitlines():
        if line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif rows:
            break
    return rows[1:]


def code(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


WRAPPERS = table("### The wrapper table")
GUARDRAIL = table("### The guardrail")


def test_the_wrapper_table_documents_every_wrapper_and_only_those() -> None:
    documented = {name for row in WRAPPERS for name in code(row[0])}
    known = set(BY_NAME) | {f"{a} {b}" for a, b in SUBCOMMAND_WRAPPERS}
    assert documented == known


@pytest.mark.parametrize("example", [code(row[-1])[0] for row in WRAPPERS])
def test_each_wrapper_example_is_denied_by_rm_star(example: str, tmp_path: Path) -> None:
    policy = PermissionPolicy.from_config(allow=["bash(*)"], deny=["bash(rm *)"])
    assert policy.check("bash", {"command": example}, tmp_path, env={"HOME": "/home/u"}).verdict == "deny"


@pytest.mark.parametrize("example", [code(row[-1])[0] for row in GUARDRAIL])
def test_each_guardrail_example_is_refused_in_bypass_mode(example: str, tmp_path: Path) -> None:
    decision = PermissionPolicy("bypass").check(
        "bash", {"command": example}, tmp_path, env={"HOME": "/home/u"}
    )
    assert decision.verdict == "deny" and "guardrail" in decision.reason


def test_claude_code_tool_names_map_as_documented() -> None:
    rows = table("| Claude Code name | our tool |")
    assert rows
    for claude_cell, ours_cell in ([r[0], r[1]] for r in rows):
        theirs, ours = code(claude_cell), code(ours_cell)
        if ours_cell.startswith("the same"):
            continue
        targets = ours if len(ours) == len(theirs) else ours * len(theirs)
        for name, target in zip(theirs, targets, strict=False):
            assert canonical_tool(name) == canonical_tool(target), name
