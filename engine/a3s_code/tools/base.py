"""What a tool is: typed parameters (their JSON schema goes to the model), an async ``run``, a result."""

from __future__ import annotations

import copy
import functools
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from ..fs import FileSystem, LocalFileSystem
from ..llm.base import ToolSpec
from ..messages import ImageBlock
from ..paths import display_path, resolve_in_workspace
from .seen import SeenFiles

if TYPE_CHECKING:
    from ..events import AgentEvent

Lane = Literal["query", "execute"]
PlannedChange = tuple[Path, str, str | None, str | None, Path | None]
"""One file a call would change: ``(path, shown, before, after, template)``; ``before`` None for a new
file, ``after`` None for a deleted one, ``template`` the file whose encoding a moved file keeps."""


class ToolParams(BaseModel):
    """Base of every tool's parameter model: unknown arguments are an error the model sees."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class ToolResult:
    output: str
    is_error: bool = False
    exit_code: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    images: list[ImageBlock] = field(default_factory=list)

    @classmethod
    def error(cls, message: str, **metadata: Any) -> ToolResult:
        return cls(output=message, is_error=True, exit_code=1, metadata=dict(metadata))

    def __str__(self) -> str:
        return self.output

    @property
    def code(self) -> int:
        """Exit code as events report it: the process's for bash, else 0 or 1."""
        if self.exit_code is not None:
            return self.exit_code
        return 1 if self.is_error else 0


class InnerCalls(Protocol):
    """How a delegating tool (``batch``) makes tool calls: each goes through the whole pipeline
    (checks, hooks, confirmation, its lane, events) exactly as if the model had made it."""

    async def call(self, tool_id: str, name: str, args: dict[str, Any]) -> ToolResult: ...


class Delegator(Protocol):
    """How ``task`` delegates: runs ``prompt`` with the named agent and returns its final report
    (an error result when it stopped short); raises ``ToolError`` for an unknown agent."""

    async def delegate(
        self,
        agent: str,
        prompt: str,
        *,
        description: str = "",
        max_steps: int | None = None,
        emit: Callable[[AgentEvent], None] | None = None,
    ) -> ToolResult: ...


@dataclass
class ToolContext:
    """What a running tool may touch: its workspace (through ``fs``) and an output stream."""

    workspace: Path
    fs: FileSystem = field(default_factory=LocalFileSystem)
    tool_id: str = ""
    emit_output: Callable[[str], None] = lambda _chunk: None
    env: dict[str, str] = field(default_factory=dict)
    delegator: Delegator | None = None
    """How ``task`` hands work to a sub-agent (the session's ``SessionDelegator``); None outside a session."""
    emit_event: Callable[[Any], None] | None = None
    """The running turn's event sink (an ``AgentEvent`` each), for tools that stream typed events
    (``task`` forwards its child agent's); None outside a turn."""
    inner_calls: InnerCalls | None = None
    """Set by the tool-call pipeline: the way a delegating tool makes its own calls."""
    seen: SeenFiles | None = None
    """The session's record of the file versions the agent has read (``tools.seen``); None leaves the
    rule that a whole file may only be replaced once its current text was read unchecked."""
    extra_roots: tuple[Path, ...] = ()
    """The session's further roots (resolved; ``paths``): paths inside them are inside the workspace."""

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """Absolute, symlink-resolved path; raises WorkspaceError outside the workspace."""
        return resolve_in_workspace(self.workspace, path, self.extra_roots)

    def root_of(self, path: Path) -> Path:
        """The root holding the resolved ``path``: the workspace when it does, else the innermost
        further root, else the workspace (a path ``resolve`` would refuse)."""
        workspace = self.workspace.resolve()
        if path == workspace or workspace in path.parents:
            return workspace
        holding = [r for r in self.extra_roots if path == r or r in path.parents]
        return max(holding, key=lambda r: len(r.parts)) if holding else workspace

    def show(self, path: Path) -> str:
        return display_path(self.workspace, path)


P = TypeVar("P", bound=ToolParams)


class Tool(ABC, Generic[P]):
    """Subclass with ``name``, ``description``, ``Params`` and ``run``."""

    name: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[ToolParams]]
    lane: ClassVar[Lane] = "execute"
    """query tools only read and may run in parallel; execute tools change things."""
    shell: ClassVar[bool] = False
    """True for tools that run a shell command (``bash``, ``sandbox``): they write files behind the
    ``FileSystem``'s back, so the pipeline checkpoints them by comparing the workspace before and
    after (``shellwatch``); their ``command`` parameter is read to skip commands that only read."""
    delegates: ClassVar[bool] = False
    """True for tools that make other tool calls (``batch``): those calls are each checked, confirmed
    and queued on their own, so the delegating call itself takes no lane slot and asks nothing."""
    path_args: ClassVar[tuple[str, ...]] = ()
    """Parameters that name a file or folder: the pipeline resolves each (``~``, ``..``, symlinks)
    and refuses a call whose path leaves the workspace, before any rule or question."""
    text_args: ClassVar[tuple[str, ...]] = ()
    """Free-text parameters (file contents) that may hold any character, NUL included; a NUL byte
    in any other argument is refused before the call is checked further."""
    pattern_args: ClassVar[Mapping[str, str]] = {}
    """Glob-pattern parameters, each mapped to the path parameter it is relative to (``""`` for the
    workspace root); confined like paths (``../../**/*`` is refused)."""

    def read_only(self, params: P) -> bool:
        """Whether this call only reads (``git_worktree list``): with no rule naming it, it runs
        without asking. Tools whose every call reads are named by the permission policy instead."""
        return False

    @abstractmethod
    async def run(self, params: P, ctx: ToolContext) -> ToolResult: ...

    async def preview(self, params: P, ctx: ToolContext) -> str | None:
        """For tools that change files: the unified diff a confirmation shows. None if not applicable."""
        return None

    async def changes(self, params: P, ctx: ToolContext) -> list[PlannedChange] | None:
        """For tools that change files: every file the call would change, nothing written (so a
        confirmation can offer the change hunk by hunk, ``review.hunks``). None if not applicable;
        raises what ``run`` would raise for a call that cannot apply."""
        return None

    def description_for(self, model: str | None) -> str:
        """The description ``model`` ("provider/model-id") sees; a tool may suit it to the model family
        (``patch`` offers OpenAI models the envelope format they are trained on)."""
        return self.description

    def spec(self, model: str | None = None) -> ToolSpec:
        schema = copy.deepcopy(_input_schema(self.Params))  # a copy: callers may adjust theirs
        return ToolSpec(name=self.name, description=self.description_for(model), input_schema=schema)


@functools.cache
def _input_schema(params: type[BaseModel]) -> dict[str, Any]:
    """``params``' JSON schema without pydantic's titles, made once per class (pydantic builds it
    anew on every call: 1 to 2 ms per tool, for every tool of every session's first request)."""
    schema = params.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    return schema
