"""Tool registry: lookup, argument validation and error shaping in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from ..errors import A3SError, ToolError, UnknownToolError, WorkspaceError
from ..llm.base import ToolSpec
from .base import Tool, ToolContext, ToolParams, ToolResult


def format_validation_error(tool: str, exc: ValidationError) -> str:
    """A short message the model can act on: which argument, what was wrong."""
    lines = [f"Invalid arguments for tool '{tool}':"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(arguments)"
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required argument is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown argument"
        lines.append(f"  - {loc}: {msg}")
    return "\n".join(lines)


class ToolRegistry:
    def __init__(self, tools: Iterable[Tool[Any]] = ()) -> None:
        self._tools: dict[str, Tool[Any]] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool[Any], *, replace: bool = False) -> None:
        if tool.name in self._tools and not replace:
            raise ValueError(f"tool {tool.name!r} is already registered")
        self._tools[tool.name] = tool

    def remove(self, name: str) -> bool:
        return self._tools.pop(name, None) is not None

    def get(self, name: str) -> Tool[Any]:
        try:
            return self._tools[name]
        except KeyError:
            known = ", ".join(sorted(self._tools))
            raise UnknownToolError(f"Unknown tool: {name}. Available tools: {known}") from None

    def find(self, name: str) -> Tool[Any] | None:
        """The tool, or None for a name the model made up (the caller reports it later)."""
        return self._tools.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def names(self) -> list[str]:
        return sorted(self._tools)

    def specs(self, model: str | None = None) -> list[ToolSpec]:
        """Every tool's spec, descriptions suited to ``model`` ("provider/model-id") when given."""
        return [t.spec(model) for t in self._tools.values()]

    async def execute(self, name: str, args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        """Run a tool; every expected failure becomes an error result, never an exception."""
        try:
            tool = self.get(name)
        except UnknownToolError as exc:
            return ToolResult.error(str(exc))
        try:
            params = tool.Params.model_validate(args)
        except ValidationError as exc:
            return ToolResult.error(format_validation_error(name, exc))
        return await self.run(tool, params, ctx)

    @staticmethod
    async def run(tool: Tool[Any], params: ToolParams, ctx: ToolContext) -> ToolResult:
        """Run a tool on validated parameters; expected failures become error results.

        Anything else (a bug: ``TypeError``...) propagates, for the caller to contain (the lane
        queue retries and dead-letters it; the pipeline turns it into an error result).
        """
        try:
            return await tool.run(params, ctx)
        except (ToolError, WorkspaceError) as exc:
            return ToolResult.error(str(exc))
        except FileNotFoundError as exc:
            return ToolResult.error(f"File not found: {exc.filename or exc}")
        except IsADirectoryError as exc:
            return ToolResult.error(f"{exc.filename} is a directory, not a file")
        except PermissionError as exc:
            return ToolResult.error(f"Permission denied by the operating system: {exc.filename or exc}")
        except A3SError as exc:
            return ToolResult.error(str(exc))
