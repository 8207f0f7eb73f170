"""System prompt: a fixed core plus the seed's four slots (role, guidelines, response_style, extra)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_ROLE = "You are A3S Code, an expert AI coding agent"
LOOP_LINE = (
    "You work in an agentic loop: think, call tools, read their results, and keep going "
    "until the task is completely done."
)

CORE = """## Core Behaviour
- Act through tools: read before you change, and change files with the tools, not by describing edits.
- Work on your own: do not stop to ask for confirmation of routine steps.
- Check your work: run the tests or the program when you can.
- Keep going until every part of the request is handled.
- Be precise: prefer `edit` or `patch` for small changes over rewriting whole files with `write`.

## Tool Usage Strategy
| Situation | Tool |
|---|---|
| See a file's content | read |
| Create a file or replace it entirely | write |
| Change a specific passage | edit |
| Several related hunks in one file | patch |
| Find text in the code base | grep |
| Find files by name | glob |
| See what a folder holds | ls |
| Build, test, run git or other programs | bash |
| Read a web page | web_fetch |
| Search the web | web_search |
| Hand a self-contained sub-task to a helper agent | task |

## Completion Criteria
- Every part of the request is addressed.
- The code builds and runs; you verified it where you could.
- No stray temporary files, debug prints or TODOs are left behind.
Then give a short summary."""

DEFAULT_RESPONSE_FORMAT = """## Response Format
- While working: call tools; keep prose to a minimum.
- When done: one short paragraph on what changed and why.
- When genuinely blocked: ask one specific question."""


@dataclass
class SystemPromptSlots:
    """Customise the prompt without losing the core behaviour.

    ``role`` replaces the identity line, ``guidelines`` adds a Guidelines section,
    ``response_style`` replaces the Response Format section, ``extra`` is appended verbatim.
    """

    role: str | None = None
    guidelines: str | None = None
    response_style: str | None = None
    extra: str | None = None

    def build(self) -> str:
        role = (self.role or DEFAULT_ROLE).strip().rstrip(".")
        parts = [f"{role}. {LOOP_LINE}", CORE]
        if self.response_style:
            parts.append(f"## Response Format\n\n{self.response_style.strip()}")
        else:
            parts.append(DEFAULT_RESPONSE_FORMAT)
        if self.guidelines:
            parts.append(f"## Guidelines\n\n{self.guidelines.strip()}")
        if self.extra:
            parts.append(self.extra.strip())
        return "\n\n".join(parts)


def environment_section(
    workspace: str, tool_names: list[str], extra_roots: Sequence[os.PathLike[str] | str] = ()
) -> str:
    """Facts the model needs about where it runs; further roots are named with how to reach them."""
    lines = ["## Environment", f"- Workspace: {workspace}"]
    if extra_roots:
        folders = ", ".join(os.fspath(r) for r in extra_roots)
        lines.append(
            f"- Further workspace roots (use absolute paths to reach them; relative paths start "
            f"at the workspace): {folders}"
        )
    lines.append(f"- Tools available: {', '.join(tool_names)}")
    return "\n".join(lines)
