"""Plans and goals as validated data: what the planner must return and what the session remembers."""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Complexity = Literal["Simple", "Medium", "Complex", "VeryComplex"]
StepStatus = Literal["pending", "in_progress", "completed", "failed"]


class _Lenient(BaseModel):
    # Models add keys of their own; ignoring them beats retrying a plan that is otherwise fine.
    model_config = ConfigDict(extra="ignore")


class PlanStep(_Lenient):
    id: str = Field(min_length=1)
    description: str = Field(min_length=1)
    tool: str | None = None
    dependencies: list[str] = []
    success_criteria: str | None = None
    status: StepStatus = "pending"
    result: str | None = None


class Plan(_Lenient):
    """Steps with dependencies; ``waves()`` orders them into groups that may run at the same time."""

    goal: str = ""
    complexity: Complexity = "Medium"
    steps: list[PlanStep] = Field(min_length=1)
    required_tools: list[str] = []

    @field_validator("complexity", mode="before")
    @classmethod
    def _known_complexity(cls, value: object) -> object:
        return value if value in ("Simple", "Medium", "Complex", "VeryComplex") else "Medium"

    @model_validator(mode="after")
    def _dependencies_resolve(self) -> Plan:
        ids = [s.id for s in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError(f"step ids must be unique, got {ids}")
        for step in self.steps:
            unknown = [d for d in step.dependencies if d not in ids]
            if unknown:
                raise ValueError(f"step {step.id!r} depends on unknown step(s) {unknown}")
        self.waves()  # raises on a cycle
        return self

    def waves(self) -> list[list[PlanStep]]:
        """Dependency levels: every step of a wave depends only on steps of earlier waves."""
        done: set[str] = set()
        left = list(self.steps)
        out: list[list[PlanStep]] = []
        while left:
            ready = [s for s in left if all(d in done for d in s.dependencies)]
            if not ready:
                raise ValueError(f"dependency cycle among steps {[s.id for s in left]}")
            out.append(ready)
            done.update(s.id for s in ready)
            left = [s for s in left if s.id not in done]
        return out

    def number(self, step: PlanStep) -> int:
        return self.steps.index(step) + 1

    def completed(self) -> int:
        return sum(s.status == "completed" for s in self.steps)

    def outline(self) -> str:
        lines = []
        for n, step in enumerate(self.steps, 1):
            after = f" (after {', '.join(step.dependencies)})" if step.dependencies else ""
            lines.append(f"{n}. [{step.id}] {step.description}{after}")
        return "\n".join(lines)


class Goal(_Lenient):
    description: str = Field(min_length=1)
    success_criteria: list[str] = []


class GoalCheck(_Lenient):
    """The model's verdict on a goal after a turn."""

    achieved: bool
    progress: float = Field(ge=0.0, le=1.0)
    remaining_criteria: list[str] = []


class GoalState(BaseModel):
    """The session's goal across turns (saved with the session)."""

    goal: Goal
    progress: float = 0.0
    achieved: bool = False
    remaining_criteria: list[str] = []
    turns: int = 0
    started_at: float = Field(default_factory=time.time)
