"""A team: named members with roles, a shared task board, and bounded message channels between them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from .board import TaskBoard, TeamError, TeamTaskBoard

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


class Mailbox(Protocol):
    """Members' inboxes: in this process (``LocalMailbox``) or in Redis (``RedisMailbox``)."""

    def open(self, member_id: str) -> None: ...

    def close(self, member_id: str) -> None: ...

    async def put(self, to: str, message: TeamMessage) -> None:
        """Waits while ``to`` holds ``channel_buffer`` unread messages."""

    def take(self, member_id: str) -> asyncio.Queue[TeamMessage] | None: ...

    def drain(self, member_id: str) -> list[TeamMessage]: ...


class Roster(Protocol):
    """Who is in the team, shared by every process of a team on Redis."""

    def load(self) -> dict[str, str]: ...

    def add(self, member_id: str, role: str) -> bool:
        """False when the member is already there with another role."""

    def remove(self, member_id: str) -> bool: ...


class LocalMailbox:
    """``asyncio.Queue`` inboxes, each handed out once by ``take`` (like an mpsc receiver)."""

    def __init__(self, buffer: int) -> None:
        self.buffer = buffer
        self._inboxes: dict[str, asyncio.Queue[TeamMessage]] = {}
        self._taken: set[str] = set()

    def open(self, member_id: str) -> None:
        self._inboxes.setdefault(member_id, asyncio.Queue(self.buffer))

    def close(self, member_id: str) -> None:
        self._inboxes.pop(member_id, None)
        self._taken.discard(member_id)

    async def put(self, to: str, message: TeamMessage) -> None:
        await self._inboxes[to].put(message)

    def take(self, member_id: str) -> asyncio.Queue[TeamMessage] | None:
        if member_id in self._taken:
            return None
        self._taken.add(member_id)
        return self._inboxes[member_id]

    def drain(self, member_id: str) -> list[TeamMessage]:
        if member_id in self._taken:
            return []
        inbox = self._inboxes[member_id]
        out: list[TeamMessage] = []
        while not inbox.empty():
            out.append(inbox.get_nowait())
        return out


class AgentTeam:
    """``AgentTeam("refactor-auth", TeamConfig())``; the seed's Python SDK calls it ``Team``.

    The board, inboxes and roster live in this process unless given (``redis_team`` gives Redis ones,
    so members in other processes or machines share them).
    """

    def __init__(
        self,
        name: str,
        config: TeamConfig | None = None,
        *,
        board: TaskBoard | None = None,
        mailbox: Mailbox | None = None,
        roster: Roster | None = None,
    ) -> None:
        self.name = name
        self.config = config or TeamConfig()
        self.members: dict[str, TeamMember] = {}
        # ``is None``, not ``or``: an empty board has len() 0 and would be replaced
        self._board: TaskBoard = TeamTaskBoard(self.config.max_tasks) if board is None else board
        self._mailbox: Mailbox = LocalMailbox(self.config.channel_buffer) if mailbox is None else mailbox
        self._roster = roster
        self.refresh_members()

    def refresh_members(self) -> None:
        """Read the shared roster again (members that joined from other processes); no-op in process."""
        if self._roster is None:
            return
        for member_id, role in self._roster.load().items():
            if role in ROLES and member_id not in self.members:
                self.members[member_id] = TeamMember(member_id, role)
                self._mailbox.open(member_id)

    def add_member(self, member_id: str, role: TeamRole | str) -> TeamMember:
        if role not in ROLES:
            raise TeamError(f"unknown role {role!r} for {member_id!r}; one of {', '.join(ROLES)}")
        if member_id in self.members:
            raise TeamError(f"{member_id!r} is already a member of team {self.name!r}")
        if self._roster is not None and not self._roster.add(member_id, role):
            raise TeamError(f"{member_id!r} is already a member of team {self.name!r} with another role")
        member = TeamMember(member_id, role)
        self.members[member_id] = member
        self._mailbox.open(member_id)
        return member

    def remove_member(self, member_id: str) -> bool:
        self._mailbox.close(member_id)
        if self._roster is not None:
            self._roster.remove(member_id)
        return self.members.pop(member_id, None) is not None

    def member_count(self) -> int:
        return len(self.members)

    def members_with(self, role: TeamRole) -> list[TeamMember]:
        self.refresh_members()
        return [m for m in self.members.values() if m.role == role]

    def task_board(self) -> TaskBoard:
        return self._board

    async def send_message(
        self, sender: str, to: str, content: str, meta: dict[str, Any] | None = None
    ) -> None:
        """Waits while the recipient's inbox holds ``channel_buffer`` unread messages."""
        self._require(sender)
        self._require(to)
        await self._mailbox.put(to, TeamMessage(sender, to, content, dict(meta or {})))

    async def broadcast(self, sender: str, content: str, meta: dict[str, Any] | None = None) -> int:
        """To every other member; returns how many received it."""
        self._require(sender)
        others = [m for m in self.members if m != sender]
        for member in others:
            await self._mailbox.put(member, TeamMessage(sender, None, content, dict(meta or {})))
        return len(others)

    def take_receiver(self, member_id: str) -> asyncio.Queue[TeamMessage] | None:
        """The member's inbox, handed out once (like an mpsc receiver); None after the first time."""
        self._require(member_id)
        return self._mailbox.take(member_id)

    def unread(self, member_id: str) -> list[TeamMessage]:
        """Empty the member's inbox, unless someone took its receiver (then they read it)."""
        self._require(member_id)
        return self._mailbox.drain(member_id)

    def _require(self, member_id: str) -> None:
        if member_id not in self.members:
            self.refresh_members()
        if member_id not in self.members:
            raise TeamError(f"{member_id!r} is not a member of team {self.name!r}")


Team = AgentTeam
"""The seed's Python SDK name."""
