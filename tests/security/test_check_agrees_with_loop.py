"""``session.check`` and a real agent-loop turn agree on every corpus case (one test runs both).

Each case names permission rules, a tool call and the expected verdict (``allow``, ``ask`` or
``deny``, optionally the deciding ``stage``). The test asks ``session.check`` and then plays the
same call in a real turn: the fake LLM makes the call, a confirmation channel answers ``deny`` and
records questions, and both lanes are handed to an external worker (this test) that records the
calls reaching execution and answers them without running anything. So:

- ``allow``: the call reached its lane without a question;
- ``ask``: the user was asked (and, answering no, nothing ran);
- ``deny``: neither; the model got a tool error (with the same reason ``check`` gave).

The hostile corpus (``corpus/shell.yaml``, ``corpus/paths.yaml``, 350 cases) runs through the same
harness: there ``expect`` is a set of right verdicts, ``refused`` meaning a ``deny`` by the
``boundary`` stage; whatever ``check`` says must be in the set and the loop must do the same.

Corpus files (JSON, ``{"cases": [...]}`` or a bare list) are listed in ``CORPORA``. A case is
``{"id", "tool", "args", "verdict", "stage"?, "rules"?: {"allow", "deny", "ask", "mode"}}``
(``allow``/``deny``/``ask``/``mode`` may also sit at the top level; ``expected`` is read as
``verdict``). In string arguments ``{ws}``, ``{outside}`` and ``{home}`` stand for the workspace,
the folder beside it and the home folder. Cases naming a delegating tool (``batch``, ``task``)
are skipped: their own call never takes a lane.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.events import AgentEvent, ConfirmationRequired, ExternalTaskPending, PermissionDenied, ToolEnd
from a3s_code.permissions import PermissionPolicy
from a3s_code.ports import ConfirmationRequest
from tests.fakellm import FakeLLM, Turn
from tests.security import corpus

HERE = Path(__file__).parent
CORPORA = [HERE / "pipeline_cases.json"]
DELEGATING = {"batch", "task"}


def load(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    cases = data["cases"] if isinstance(data, dict) else data
    out = []
    for case in cases:
        rules = {
            **{k: case[k] for k in ("allow", "deny", "ask", "mode") if k in case},
            **case.get("rules", {}),
        }
        verdict = case.get("verdict", case.get("expected"))
        out.append({**case, "rules": rules, "verdict": verdict, "source": path.name})
    return out


CASES = [c for path in CORPORA if path.exists() for c in load(path) if c["tool"] not in DELEGATING]


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """The workspace every case runs in, beside a folder that must stay untouched."""
    ws, outside = tmp_path / "ws", tmp_path / "outside"
    for folder in (ws / "src" / "sub", ws / "secrets", ws / ".git", outside):
        folder.mkdir(parents=True)
    (ws / "src" / "app.py").write_text("x = 1\n")
    (ws / "secrets" / "key.txt").write_text("s3cret\n")
    (outside / "victim.txt").write_text("untouched\n")
    (ws / "src" / "link_out").symlink_to(outside)
    (ws / "src" / "victim_link.txt").symlink_to(outside / "victim.txt")
    (ws / "src" / "alias.txt").symlink_to(ws / "secrets" / "key.txt")
    return {"ws": ws, "outside": outside, "home": Path.home()}


def _fill(value: Any, places: dict[str, Path]) -> Any:
    if isinstance(value, str):
        for name, path in places.items():
            value = value.replace("{" + name + "}", str(path))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, places) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, places) for v in value]
    return value


class SaysNo:
    def __init__(self) -> None:
        self.asked: list[ConfirmationRequest] = []

    async def confirm(self, request: ConfirmationRequest) -> str:
        self.asked.append(request)
        return "deny"


def _policy(rules: dict[str, Any]) -> PermissionPolicy:
    return PermissionPolicy.from_config(
        allow=rules.get("allow", ()),
        deny=rules.get("deny", ()),
        ask=rules.get("ask", ()),
        mode=rules.get("mode", "default"),
    )


def _loop_verdict(events: list[AgentEvent], ran: list[str], human: SaysNo) -> str:
    if any(isinstance(e, ConfirmationRequired) for e in events) or human.asked:
        return "ask" if not ran else "ran-after-no"
    return "allow" if ran else "deny"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['source']}:{c.get('id', i)}" for i, c in enumerate(CASES)])
async def test_check_and_the_loop_agree(
    fake_llm: FakeLLM, layout: dict[str, Path], case: dict[str, Any]
) -> None:
    ws, outside = layout["ws"], layout["outside"]
    args = _fill(case["args"], layout)
    human = SaysNo()
    session = Agent(fake_llm.config()).session(
        ws, SessionOptions(permission_checker=_policy(case["rules"]), confirmation=human)
    )
    decision = session.check(case["tool"], args)

    ran: list[str] = []

    def worker(event: AgentEvent) -> None:
        if isinstance(event, ExternalTaskPending):
            ran.append(event.command_type)
            session.complete_external_task(event.task_id, True, "done by the test's worker")

    for lane in ("query", "execute"):
        session.set_lane_handler(lane, "external", timeout_ms=5_000)
    session.queue.observers.append(worker)
    fake_llm.add(Turn.tool_call(case["tool"], args), Turn.text("ok"))
    events = [e async for e in session.stream_async("go")]

    in_loop = _loop_verdict(events, ran, human)
    assert (decision.verdict, in_loop) == (case["verdict"], case["verdict"]), (decision, in_loop)
    _same_refusal(decision, events, human)
    if "stage" in case:
        assert decision.stage == case["stage"], decision
    assert (outside / "victim.txt").read_text() == "untouched\n"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]


def _same_refusal(decision: Any, events: list[AgentEvent], human: SaysNo) -> None:
    """A deny reaches the model as a tool error with ``check``'s reason; an ask asks with it."""
    if decision.verdict == "deny":
        end = next(e for e in events if isinstance(e, ToolEnd))
        assert end.exit_code == 1 and decision.reason in end.output
        denied = [e.reason for e in events if isinstance(e, PermissionDenied)]
        assert denied == ([] if decision.stage == "arguments" else [decision.reason])
    if decision.verdict == "ask":
        assert human.asked[0].reason == decision.reason


HOSTILE = corpus.load()


@pytest.mark.parametrize("case", HOSTILE, ids=[c.id for c in HOSTILE])
async def test_check_and_the_loop_agree_on_the_hostile_corpus(
    fake_llm: FakeLLM, tmp_path: Path, case: corpus.Case
) -> None:
    ws = case.lay_out(tmp_path)
    outside = tmp_path / "outside"
    before = sorted(p.name for p in outside.iterdir())
    args = case.concrete_args(ws)
    human = SaysNo()
    options = SessionOptions(
        permission_checker=_policy(case.policy), confirmation=human, env=dict(case.env or {})
    )
    session = Agent(fake_llm.config()).session(ws, options)
    decision = session.check(case.tool, args)
    # An unknown tool or a NUL byte is refused before any rule: that is both a refusal and a deny.
    said = {"boundary": {"refused"}, "arguments": {"refused", "deny"}}.get(decision.stage, {decision.verdict})
    assert said & case.expect, f"{case.id}: {case.why}; check said {decision}"

    ran: list[str] = []

    def worker(event: AgentEvent) -> None:
        if isinstance(event, ExternalTaskPending):
            ran.append(event.command_type)
            session.complete_external_task(event.task_id, True, "done by the test's worker")

    for lane in ("query", "execute"):
        session.set_lane_handler(lane, "external", timeout_ms=5_000)
    session.queue.observers.append(worker)
    fake_llm.add(Turn.tool_call(case.tool, args), Turn.text("ok"))
    events = [e async for e in session.stream_async("go")]

    assert _loop_verdict(events, ran, human) == decision.verdict, (case.id, decision, ran)
    _same_refusal(decision, events, human)
    assert (outside / "victim.txt").read_text() == "untouched\n"
    assert sorted(p.name for p in outside.iterdir()) == before
