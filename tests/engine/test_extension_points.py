"""Every extension point of the seed's table, replaced by a user-written class through
``SessionOptions``, and the replacement is what the session uses (something a user notices)."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.context import ContextItem, ContextQuery
from a3s_code.context.vector import VectorRecord
from a3s_code.hooks import HookEngine, HookOutcome, HookResult
from a3s_code.llm.base import LLMRequest, LLMResponse, LLMStreamEvent, LLMTextDelta
from a3s_code.mcp import McpServerSpec, StdioTransport
from a3s_code.memory import MemoryItem
from a3s_code.messages import Message, TextBlock, Usage
from a3s_code.planning import Goal, GoalCheck, Plan, PlanStep
from a3s_code.ports import ConfirmationRequest, PermissionDecision
from a3s_code.queue.commands import RunTool, ToolCommand
from a3s_code.queue.lanes import SessionLane
from a3s_code.sandbox import SandboxInfo
from a3s_code.sandbox.base import SandboxCommandRequest
from a3s_code.services import EXTENSION_POINTS
from a3s_code.skills import Skill, SkillError, SkillRegistry
from a3s_code.tools._proc import ProcessResult
from a3s_code.tools.base import Tool, ToolContext, ToolParams, ToolResult
from a3s_code.websearch import HttpResponse
from tests.fakellm import FakeLLM, Turn

GOOD_SERVER = Path(__file__).resolve().parents[1] / "mcpservers" / "good.py"


def session_with(fake: FakeLLM, workspace: Path, options: SessionOptions) -> Any:
    return Agent(fake.config()).session(workspace, options)


def last_tool_result(fake: FakeLLM) -> str:
    return json.dumps(fake.requests[-1]["messages"][-1]["content"])


def test_the_table_names_the_seeds_19_extension_points_and_each_builder_exists() -> None:
    assert len(EXTENSION_POINTS) == 19
    for point in EXTENSION_POINTS:
        assert callable(getattr(SessionOptions(), point.option)), point
        module, name = point.protocol.split(":")
        assert hasattr(__import__(module, fromlist=[name]), name), point


# -- SecurityProvider ------------------------------------------------------------------------------


class ShoutingRedactor:
    def sanitize(self, text: str) -> str:
        return text.replace("hunter2", "[MINE]")

    def sanitize_output(self, text: str) -> str:
        return self.sanitize(text)

    def scan(self, text: str, source: str) -> list[str]:
        return []


async def test_security_provider(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_security_provider(ShoutingRedactor()))
    fake_llm.add(Turn.text("the password is hunter2"))
    result = await session.send_async("what is it?")
    assert "[MINE]" in result.text and "hunter2" not in result.text


# -- PermissionChecker and ConfirmationProvider ------------------------------------------------------


class NoBash:
    def check(self, tool_name: str, args: dict[str, Any], workspace: Path) -> PermissionDecision:
        if tool_name == "bash":
            return PermissionDecision("deny", "my checker says no shell")
        return PermissionDecision("ask" if tool_name == "write" else "allow", "mine")


async def test_permission_checker(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_permission_checker(NoBash()))
    result = await session.tool_async("bash", {"command": "echo hi"})
    assert result.is_error and "my checker says no shell" in result.output


class RecordingConfirmer:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def confirm(self, request: ConfirmationRequest) -> str:
        self.asked.append(request.tool_name)
        return "deny"


async def test_confirmation_provider(fake_llm: FakeLLM, tmp_path: Path) -> None:
    confirmer = RecordingConfirmer()
    options = SessionOptions().with_permission_checker(NoBash()).with_confirmation_manager(confirmer)
    session = session_with(fake_llm, tmp_path, options)
    result = await session.tool_async("write", {"file_path": "a.txt", "content": "x"})
    assert confirmer.asked == ["write"] and result.is_error and not (tmp_path / "a.txt").exists()


# -- ContextProvider, EmbeddingProvider, VectorStore -----------------------------------------------


class Glossary:
    name = "glossary"

    async def query(self, query: ContextQuery) -> list[ContextItem]:
        return [ContextItem("g1", "A frobnicator turns widgets blue.", "glossary", 0.9)]


async def test_context_provider(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_context_provider(Glossary()))
    await session.send_async("what is a frobnicator?")
    assert "turns widgets blue" in json.dumps(fake_llm.requests[0]["system"])


class LetterEmbedder:
    """Counts of a..z: texts sharing words land near each other."""

    def __init__(self) -> None:
        self.calls = 0

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        return [[float(t.lower().count(c)) + 0.01 for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts]


class OneDocStore:
    """Whatever is asked, the record it was last given (a store with its own idea of similarity)."""

    def __init__(self) -> None:
        self.records: list[VectorRecord] = []

    def upsert(self, records: Sequence[VectorRecord]) -> None:
        self.records = list(records)

    def search(self, vector: Sequence[float], limit: int) -> list[tuple[VectorRecord, float]]:
        return [(r, 0.99) for r in self.records[:limit]]

    def delete(self, ids: Sequence[str]) -> int:
        return 0

    def __len__(self) -> int:
        return len(self.records)


async def test_embedding_provider_and_vector_store(fake_llm: FakeLLM, tmp_path: Path) -> None:
    embedder, store = LetterEmbedder(), OneDocStore()
    options = SessionOptions().with_embedding_provider(embedder).with_vector_store(store)
    session = session_with(fake_llm, tmp_path, options)
    await session.vector_context.add_document("runbook", "Restart the queue with qctl bounce.")
    await session.send_async("how do I restart?")
    assert embedder.calls == 2 and [r.id for r in store.records] == ["runbook#0"]
    assert "qctl bounce" in json.dumps(fake_llm.requests[0]["system"])


# -- SessionStore and MemoryStore --------------------------------------------------------------------


class DictStore:
    def __init__(self) -> None:
        self.saved: dict[str, dict[str, Any]] = {}

    def save(self, data: dict[str, Any]) -> str | None:
        self.saved[data["id"]] = json.loads(json.dumps(data))
        return None

    def load(self, session_id: str) -> dict[str, Any] | None:
        return self.saved.get(session_id)

    def list(self) -> list[dict[str, Any]]:
        return [{"session_id": k} for k in self.saved]

    def delete(self, session_id: str) -> bool:
        return self.saved.pop(session_id, None) is not None


async def test_session_store(fake_llm: FakeLLM, tmp_path: Path) -> None:
    store = DictStore()
    agent = Agent(fake_llm.config())
    session = agent.session(tmp_path, SessionOptions().with_session_store(store))
    await session.send_async("remember me")
    await session.save_async()
    assert list(store.saved) == [session.session_id]
    resumed = agent.resume_session(session.session_id, SessionOptions().with_session_store(store), tmp_path)
    assert [m.role for m in resumed.history] == ["user", "assistant"]


class ListMemory:
    def __init__(self) -> None:
        self.items: list[MemoryItem] = []

    def add(self, item: MemoryItem) -> None:
        self.items.append(item)

    def get(self, item_id: str) -> MemoryItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def all(self) -> list[MemoryItem]:
        return list(self.items)

    def delete(self, item_id: str) -> bool:
        before = len(self.items)
        self.items = [i for i in self.items if i.id != item_id]
        return len(self.items) != before

    def count(self) -> int:
        return len(self.items)


async def test_memory_store(fake_llm: FakeLLM, tmp_path: Path) -> None:
    backend = ListMemory()
    session = session_with(fake_llm, tmp_path, SessionOptions().with_memory_store(backend))
    fake_llm.add(Turn.text("Deployed."))
    await session.send_async("deploy the staging build")
    assert any("deploy the staging build" in i.content for i in backend.items)
    assert session.recall_similar("staging deploy")[0].id == backend.items[0].id


# -- Tool ----------------------------------------------------------------------------------------------


class DiceParams(ToolParams):
    sides: int = 6


class LoadedDice(Tool[DiceParams]):
    name = "roll_dice"
    description = "Roll a die"
    Params = DiceParams
    lane = "query"

    async def run(self, params: DiceParams, ctx: ToolContext) -> ToolResult:
        return ToolResult(f"rolled {params.sides} (always)")


async def test_tool(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_tool(LoadedDice()))
    fake_llm.add(Turn.tool_call("roll_dice", {"sides": 20}), Turn.text("ok"))
    await session.send_async("roll a d20")
    assert "roll_dice" in session.tool_names() and "rolled 20 (always)" in last_tool_result(fake_llm)


# -- Planner -------------------------------------------------------------------------------------------


class ChecklistPlanner:
    async def create_plan(self, task: str, context: str = "") -> Plan:
        return Plan(goal=task, steps=[PlanStep(id="only", description="Do the one thing from my checklist")])

    async def extract_goal(self, request: str) -> Goal:
        return Goal(description=request)

    async def check_goal(self, goal: Goal, state: str) -> GoalCheck:
        return GoalCheck(achieved=True, progress=1.0)


async def test_planner(fake_llm: FakeLLM, tmp_path: Path) -> None:
    options = SessionOptions().with_planning().with_planner(ChecklistPlanner())
    session = session_with(fake_llm, tmp_path, options)
    fake_llm.add(*[Turn.text("done")] * 4)
    await session.send_async("ship it")
    assert session.plan is not None and [s.id for s in session.plan.steps] == ["only"]
    assert "from my checklist" in json.dumps(fake_llm.requests)


# -- HookHandler and HookExecutor --------------------------------------------------------------------


class NoRm:
    def handle(self, event: dict[str, Any]) -> dict[str, Any] | None:
        if "rm " in str(event.get("args", {}).get("command", "")):
            return {"action": "block", "reason": "no rm, says my handler"}
        return None


async def test_hook_handler(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_hook("no-rm", "pre_tool_use", NoRm()))
    (tmp_path / "keep.txt").write_text("x")
    result = await session.tool_async("bash", {"command": "rm keep.txt"})
    assert result.is_error and "no rm, says my handler" in result.output and (tmp_path / "keep.txt").exists()


class CountingExecutor(HookEngine):
    def __init__(self) -> None:
        super().__init__()
        self.fired: list[str] = []

    async def fire(self, event: str, payload: dict[str, Any]) -> HookOutcome:
        self.fired.append(event)
        return await super().fire(event, payload)


async def test_hook_executor(fake_llm: FakeLLM, tmp_path: Path) -> None:
    executor = CountingExecutor()
    session = session_with(fake_llm, tmp_path, SessionOptions().with_hook_engine(executor))
    await session.send_async("hi")
    assert executor.fired[:2] == ["session_start", "pre_prompt"] and session.hooks is executor


async def test_an_empty_hook_engine_is_used_and_hooks_added_later_fire(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    engine = HookEngine()
    session = session_with(fake_llm, tmp_path, SessionOptions(hook_engine=engine))
    engine.register("late", "pre_tool_use", lambda _e, _p: HookResult.block("registered after the session"))
    result = await session.tool_async("ls", {})
    assert session.hooks is engine and "registered after the session" in result.output


@pytest.mark.parametrize("shape", ["one", "two", "none", "async-one", "object"])
async def test_the_seeds_hook_handler_shapes_all_fire(fake_llm: FakeLLM, tmp_path: Path, shape: str) -> None:
    seen: list[Any] = []

    async def async_one(event: dict[str, Any]) -> None:
        seen.append(event["tool"])

    class Obj:
        def handle(self, event: dict[str, Any]) -> None:
            seen.append(event["tool"])

    handlers: dict[str, Any] = {
        "one": lambda event: seen.append(event["tool"]),
        "two": lambda event, payload: seen.append(payload["tool"]),
        "none": lambda: seen.append("ls"),
        "async-one": async_one,
        "object": Obj(),
    }
    session = session_with(fake_llm, tmp_path, SessionOptions())
    session.register_hook("audit", "pre_tool_use", handlers[shape])
    await session.tool_async("ls", {})
    assert seen == ["ls"]


def test_a_handler_of_no_accepted_shape_is_refused_when_registered(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    session = session_with(fake_llm_thread, tmp_path, SessionOptions())
    with pytest.raises(TypeError, match="handler\\(event\\)"):
        session.register_hook("bad", "pre_tool_use", lambda a, b, c: None)


# -- McpTransport ------------------------------------------------------------------------------------


class LocalServers:
    """Every server name maps to one local Python script, whatever command the caller gave."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, spec: McpServerSpec, errlog: TextIO) -> Any:
        self.opened.append(spec.name)
        local = McpServerSpec(spec.name, sys.executable, [str(GOOD_SERVER)])
        return StdioTransport().open(local, errlog)


async def test_mcp_transport(fake_llm: FakeLLM, tmp_path: Path) -> None:
    transport = LocalServers()
    session = session_with(fake_llm, tmp_path, SessionOptions().with_mcp_transport(transport))
    try:
        count = await session.add_mcp_server_async("calc", "no-such-program")
        assert count > 0 and transport.opened == ["calc"]
        assert (await session.tool_async("mcp__calc__add", {"a": 2, "b": 3})).output.strip() == "5"
    finally:
        await session.close_async()


# -- HttpClient --------------------------------------------------------------------------------------


class RecordedWeb:
    """Answers every request from a recording instead of the network."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        timeout_s: float,
    ) -> HttpResponse:
        self.urls.append(url)
        body = {
            "query": {"search": [{"title": "Recorded page", "pageid": 7, "snippet": "from my recording"}]}
        }
        return HttpResponse(200, json.dumps(body), {"content-type": "application/json"}, url)


async def test_http_client(fake_llm: FakeLLM, tmp_path: Path) -> None:
    web = RecordedWeb()
    agent = Agent(fake_llm.config(extra="search {\n  engine {\n    wiki {}\n  }\n}\n"))
    session = agent.session(tmp_path, SessionOptions().with_http_client(web))
    result = await session.tool_async("web_search", {"query": "rust"})
    assert "Recorded page" in result.output and web.urls and "wikipedia.org" in web.urls[0]


# -- SessionCommand ------------------------------------------------------------------------------------


class Macro:
    def __init__(self, steps: list[str]) -> None:
        self.steps = steps

    def command_type(self) -> str:
        return "macro"

    async def execute(self, run: RunTool) -> ToolResult:
        outputs = [(await run("bash", {"command": s}, "execute", None)).output.strip() for s in self.steps]
        return ToolResult(" | ".join(outputs))


def macros(lane: SessionLane, payload: dict[str, Any]) -> Any:
    if "macro" in payload:
        return Macro(list(payload["macro"]))
    return ToolCommand.from_payload(lane, payload)


async def test_session_command(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_command_factory(macros))
    result = await session.submit_async("execute", {"macro": ["echo one", "echo two"]})
    assert result.output == "one | two"
    assert (await session.submit_async("execute", {"command": "echo plain"})).output.strip() == "plain"


# -- LlmClient -----------------------------------------------------------------------------------------


class CannedModel:
    provider = "mine"

    def __init__(self) -> None:
        self.requests: list[LLMRequest] = []

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        self.requests.append(request)
        yield LLMTextDelta(text="from my own client")
        message = Message(role="assistant", content=[TextBlock(text="from my own client")])
        yield LLMResponse(
            message=message, usage=Usage(input_tokens=1, output_tokens=1), stop_reason="end_turn"
        )


async def test_llm_client(fake_llm: FakeLLM, tmp_path: Path) -> None:
    client = CannedModel()
    session = session_with(fake_llm, tmp_path, SessionOptions().with_llm_client(client))
    result = await session.send_async("hello")
    assert result.text == "from my own client" and len(client.requests) == 1 and fake_llm.requests == []


# -- BashSandbox -----------------------------------------------------------------------------------------


class EchoSandbox:
    def describe(self) -> SandboxInfo:
        return SandboxInfo(enabled=False, backend="echo")

    async def exec(self, request: SandboxCommandRequest) -> ProcessResult:
        return ProcessResult(f"would run: {request.command}", 0, False)


async def test_bash_sandbox(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_with(fake_llm, tmp_path, SessionOptions().with_bash_sandbox(EchoSandbox()))
    assert (await session.tool_async("bash", {"command": "rm -rf build"})).output.startswith("would run: rm")


# -- SkillValidator, SkillScorer, skill registry ------------------------------------------------------


class OwnedOnly:
    def validate(self, skill: Skill) -> None:
        if "Owner:" not in skill.description:
            raise SkillError(f"{skill.name}: every skill here names its owner")


async def test_skill_validator(fake_llm: FakeLLM, tmp_path: Path) -> None:
    skills = tmp_path / "skills"
    skills.mkdir()
    (skills / "deploy.md").write_text(
        '---\nname: deploy\ndescription: "Deploy it. Owner: ops"\n---\nSteps.\n'
    )
    (skills / "yolo.md").write_text("---\nname: yolo\ndescription: Anything goes\n---\nGo.\n")
    options = SessionOptions().with_skills_from_dir(str(skills)).with_skill_validator(OwnedOnly())
    session = session_with(fake_llm, tmp_path, options)
    assert [s.name for s in session.skills.all()] == ["deploy"]
    assert any("names its owner" in w for w in session.skills.warnings)


class AlwaysReview:
    def rank(self, prompt: str, skills: Sequence[Skill]) -> list[tuple[Skill, float]]:
        return [(s, 1.0) for s in skills if s.name == "house-style"]


async def test_skill_registry_and_scorer(fake_llm: FakeLLM, tmp_path: Path) -> None:
    registry = SkillRegistry()
    registry.add(Skill("house-style", "Our style", "Always end answers with SIGNED-OFF."))
    registry.add(Skill("unused", "Never chosen", "UNUSED-SKILL-TEXT"))
    options = SessionOptions().with_skill_registry(registry).with_skill_scorer(AlwaysReview())
    session = session_with(fake_llm, tmp_path, options)
    await session.send_async("a prompt that shares no words with either skill")
    system = json.dumps(fake_llm.requests[0]["system"])
    assert "SIGNED-OFF" in system and "UNUSED-SKILL-TEXT" not in system


# -- the command registry --------------------------------------------------------------------------------


def test_command_registry(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    from a3s_code.commands import CommandContext, CommandOutput

    class Ping:
        name = "ping"
        description = "Answer pong"

        def execute(self, args: str, ctx: CommandContext) -> CommandOutput:
            return CommandOutput.of(f"pong {args}")

    session = session_with(fake_llm_thread, tmp_path, SessionOptions())
    session.command_registry().register(Ping())
    assert session.command("/ping twice").text == "pong twice"
