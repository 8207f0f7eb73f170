"""The agents a ``task`` call may delegate to: the built-ins, then ``agent_dirs`` (later wins)."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from .definition import AgentDefinition, AgentDefinitionError, parse_agent

log = logging.getLogger("a3s_code.subagents")


class AgentRegistry:
    def __init__(self) -> None:
        self._agents: dict[str, AgentDefinition] = {}
        self.warnings: list[str] = []
        """One line per skipped file or missing folder, naming the path."""

    def add(self, agent: AgentDefinition) -> None:
        self._agents[agent.name] = agent

    def get(self, name: str) -> AgentDefinition | None:
        return self._agents.get(name)

    def names(self) -> list[str]:
        return sorted(self._agents)

    def all(self) -> list[AgentDefinition]:
        return [self._agents[k] for k in sorted(self._agents)]

    def load_builtin(self) -> None:
        folder = resources.files(__package__).joinpath("builtin")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".md"):
                self.add(parse_agent(entry.read_text(encoding="utf-8"), f"builtin/{entry.name}"))

    def load_dir(self, directory: str | Path) -> int:
        """Load every ``*.md`` in ``directory``; a bad file is reported with its path and skipped."""
        root = Path(directory).expanduser()
        if not root.is_dir():
            self._warn(f"agent folder not found: {root}")
            return 0
        loaded = 0
        for path in sorted(root.glob("*.md")):
            try:
                self.add(parse_agent(path.read_text(encoding="utf-8"), path))
                loaded += 1
            except (AgentDefinitionError, OSError, UnicodeDecodeError) as exc:
                self._warn(f"skipped agent {path}: {exc}")
        return loaded

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)


def builtin_agents() -> list[AgentDefinition]:
    registry = AgentRegistry()
    registry.load_builtin()
    return registry.all()
