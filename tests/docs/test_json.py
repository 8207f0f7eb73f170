"""```json blocks outside the protocol page: each parses, and a tool's arguments really run that tool.

A block in a section titled "... the `X` tool" shows the arguments of built-in tool ``X``; it is
called with exactly those arguments (against the fake LLM where the tool needs a model).
A VS Code ``settings.json`` sample (only ``a3s.*`` keys) uses settings the extension contributes,
with values of the declared type. Protocol samples are checked against the daemon in test_protocol.py, Zed's settings in
test_editors.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from a3s_code import Agent
from tests.docs import test_editors, test_protocol
from tests.docs.blocks import ROOT, Block, all_blocks, ids
from tests.fakellm import FakeLLM, Turn

TOOL_SECTION = re.compile(r"the `(\w+)` tool")


def tool_of(block: Block) -> str | None:
    found = TOOL_SECTION.search(block.heading)
    return found.group(1) if found else None


def claims(block: Block) -> bool:
    """Any JSON that is not a protocol or editor sample: parsing it is its check, plus a tool call."""
    return block.lang == "json" and not test_protocol.claims(block) and not test_editors.claims(block)


JSON_BLOCKS = all_blocks("json")
TOOL_BLOCKS = [b for b in JSON_BLOCKS if claims(b) and tool_of(b)]


@pytest.mark.parametrize("block", JSON_BLOCKS, ids=ids(JSON_BLOCKS))
def test_json_sample_parses(block: Block) -> None:
    json.loads(block.code)


@pytest.mark.parametrize("block", TOOL_BLOCKS, ids=ids(TOOL_BLOCKS))
async def test_tool_arguments_run_the_tool(block: Block, fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(*[Turn.text("Sample answer.") for _ in range(4)])
    session = Agent(fake_llm.config()).session(str(tmp_path))
    name = tool_of(block)
    assert name in session.tool_names()
    result = await session.tool_async(str(name), json.loads(block.code))
    assert not result.is_error, result.output
    assert "Sample answer." in result.output


def vscode_settings(block: Block) -> bool:
    data = json.loads(block.code)
    return isinstance(data, dict) and bool(data) and all(k.startswith("a3s.") for k in data)


SETTINGS_BLOCKS = [b for b in JSON_BLOCKS if claims(b) and vscode_settings(b)]
JSON_TYPES = {"string": str, "array": list, "boolean": bool, "number": (int, float), "object": dict}


@pytest.mark.parametrize("block", SETTINGS_BLOCKS, ids=ids(SETTINGS_BLOCKS))
def test_vscode_settings_are_contributed(block: Block) -> None:
    manifest = json.loads((ROOT / "vscode-extension" / "package.json").read_text())
    declared = manifest["contributes"]["configuration"]["properties"]
    for key, value in json.loads(block.code).items():
        assert key in declared, f"{block.where}: {key} is not a setting of the extension"
        kinds = declared[key]["type"]
        kinds = kinds if isinstance(kinds, list) else [kinds]
        assert any(isinstance(value, JSON_TYPES[k]) for k in kinds), f"{block.where}: {key} should be {kinds}"
