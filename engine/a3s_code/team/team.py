"""A team: named members with roles, a shared task board, and bounded message channels between them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .board import TeamError, TeamTaskBoard

TeamRole = Literal["lead", "worker", "reviewer"]
ROLES: tuple[TeamRole, ...] = ("lead", "worker", "reviewer")


class TeamConfig(BaseModel):
    """The seed's defaults; ``parse_retries`` is how often malformed lead or reviewer output is asked again."""

    model_config = ConfigDict(extra="forbid")

    max_tasks: Annotated[int, Field(ge=1)] = 50
    channel_buffer: Annotated[int, Field(ge=1)] = 128
    max_rounds: Annotated[int, Field(ge=1)] = 10
    poll_interval_ms: Annotated[int, Field(ge=1)] = 200
    parse_retries: Annotated[int, Field(ge=0)] = 2


@dataclass(frozen=True)
class TeamMember:
    id: str
    role: TeamRole


@dataclass(frozen=True)
class TeamMessage:
    sender: str
    to: str | None
    """None for a broadcast."""
    content: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def from_(self) -> str:
        return self.sender


class AgentTeam:
    """``AgentTeam("refactor-auth", TeamConfig())``; the seed's Python SDK calls it ``Team``."""

    def __init__(self, name: str, config: TeamConfig | None = None) -> None:
        self.name = name
        self.config = config or TeamConfig()
        self.members: dict[str, TeamMember] = {}
        self._board = TeamTaskBoard(self.config.max_tasks)
        self._inboxes: dict[str, asyncio.Queue[TeamMessage]] = {}
        self._taken: set[str] = set()

    def add_member(self, member_id: str, role: TeamRole | str) -> TeamMember:
        if role not in ROLES:
            raise TeamError(f"unknown role {role!r} for {member_id!r}; one of {', '.join(ROLES)}")
        if member_id in self.members:
            raise TeamError(f"{member_id!r} is already a member of team {self.name!r}")
        member = TeamMember(member_id, role)
        self.members[member_id] = member
        self._inboxes[member_id] = asyncio.Queue(self.config.channel_buffer)
        return member

    def remove_member(self, member_id: str) -> bool:
        self._inboxes.pop(member_id, None)
        self._taken.discard(member_id)
        return self.members.pop(member_id, None) is not None

    def member_count(self) -> int:
        return len(self.members)

    def members_with(self, role: TeamRole) -> list[TeamMember]:
        return [m for m in self.members.values() if m.role == role]

    def task_board(self) -> TeamTaskBoard:
        return self._board

    async def send_message(
        self, sender: str, to: str, content: str, meta: dict[str, Any] | None = None
    ) -> None:
        """Waits while the recipient's inbox holds ``channel_buffer`` unread messages."""
        self._require(sender)
        await self._inbox(to).put(TeamMessage(sender, to, content, dict(meta or {})))

    async def broadcast(self, sender: str, content: str, meta: dict[str, Any] | None = None) -> int:
        """To every other member; returns how many received it."""
        self._require(sender)
        others = [m for m in self.members if m != sender]
        for member in others:
            await self._inbox(member).put(TeamMessage(sender, None, content, dict(meta or {})))
        return len(others)

    def take_receiver(self, member_id: str) -> asyncio.Queue[TeamMessage] | None:
        """The member's inbox, handed out once (like an mpsc receiver); None after the first time."""
        if member_id in self._taken:
            return None
        queue = self._inbox(member_id)
        self._taken.add(member_id)
        return queue

    def unread(self, member_id: str) -> list[TeamMessage]:
        """Empty the member's inbox, unless someone took its receiver (then they read it)."""
        if member_id in self._taken:
            return []
        inbox = self._inbox(member_id)
        out: list[TeamMessage] = []
        while not inbox.empty():
            out.append(inbox.get_nowait())
        return out

    def _require(self, member_id: str) -> None:
        if member_id not in self.members:
            raise TeamError(f"{member_id!r} is not a member of team {self.name!r}")

    def _inbox(self, member_id: str) -> asyncio.Queue[TeamMessage]:
        self._require(member_id)
        return self._inboxes[member_id]


Team = AgentTeam
"""The seed's Python SDK name."""
