"""```markdown blocks that show an agent or skill file load with the engine's own loaders.

Which loader is told by the section the block sits in ("agents" or "skills"), as a reader would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from a3s_code.skills.registry import SkillRegistry
from a3s_code.subagents.registry import AgentRegistry
from tests.docs.blocks import Block, all_blocks, ids


def kind(block: Block) -> str | None:
    if block.lang != "markdown" or not block.code.startswith("---\n"):
        return None
    heading = block.heading.lower()
    return "agent" if "agent" in heading else "skill" if "skill" in heading else None


def claims(block: Block) -> bool:
    return kind(block) is not None


BLOCKS = [b for b in all_blocks("markdown") if claims(b)]


@pytest.mark.parametrize("block", BLOCKS, ids=ids(BLOCKS))
def test_definition_file_loads(block: Block, tmp_path: Path) -> None:
    front = yaml.safe_load(block.code.split("---\n")[1])
    (tmp_path / f"{front['name']}.md").write_text(block.code)
    registry: AgentRegistry | SkillRegistry = AgentRegistry() if kind(block) == "agent" else SkillRegistry()
    assert registry.load_dir(tmp_path) == 1, registry.warnings
    loaded = registry.get(front["name"])
    assert loaded is not None and not registry.warnings
    assert loaded.description == front["description"]
    if isinstance(registry, AgentRegistry):
        agent = registry.get(front["name"])
        assert agent is not None
        assert agent.model == front.get("model") and agent.max_steps == front.get("max_steps", 50)
        assert agent.prompt.strip() == block.code.split("---\n", 2)[2].strip()
