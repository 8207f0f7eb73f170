"""Streamed text is redacted on a look-behind window: same result as redacting the whole, little held back."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code import Agent, SessionOptions
from a3s_code.events import TextDelta, ThinkingDelta, ToolOutput, TurnEnd
from a3s_code.security.redact import redact
from a3s_code.security.stream import SanitizingEmit, StreamSanitizer
from tests.fakellm import FakeLLM, Turn
from tests.fakellm.script import Text, Thinking

PIECES = [
    "aws AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "password=hunter22",
    'DB_PASSWORD: "correct horse battery 9"',
    "  - name: API_TOKEN\n    value: 'x y z 123'",
    "<password>a b c1</password>",
    "postgres://admin:s3cr3t@db.example.com:5432/app",
    "Authorization: Bearer abcDEF123456ghiJKL789",
    "Cookie: sid=abcdef1234567890; theme=dark",
    "machine h login u\n password p4ssw0rd",
    "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc def\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    "mail bob.smith@example.com",
    "call +1 415-555-0132 or (415) 555-0199",
    "card 4111 1111 1111 1111",
    "ssn 078-05-1120",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "id 123e4567-e89b-12d3-a456-426614174000",
    "1 2 3 4 5 6 7 8 9 10 11 12",
    "the token is fine",
    "const auth = { apiKey: userApiKey };",
    "login(user, password=pw)",
    "password: hunter2\n",
    "Here is the plan:",
    "x" * 400,
]


@st.composite
def split_text(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
    glue = draw(
        st.lists(
            st.sampled_from([" ", "\n", ". ", ", ", "", "\n\n"]), min_size=len(parts), max_size=len(parts)
        )
    )
    text = "".join(p + g for p, g in zip(parts, glue, strict=True))
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=40))))
    bounds = [0, *cuts, len(text)]
    return text, [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(split_text())
def test_streaming_gives_what_redacting_the_whole_text_gives(case: tuple[str, list[str]]) -> None:
    text, deltas = case
    stream = StreamSanitizer()
    shown = "".join(stream.feed(d) for d in deltas) + stream.flush()
    assert shown == redact(text)[0]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=200), st.lists(st.integers(1, 199), max_size=20))
def test_streaming_arbitrary_text_matches_too(text: str, cuts: list[int]) -> None:
    bounds = [0, *sorted({c for c in cuts if c < len(text)}), len(text)]
    stream = StreamSanitizer()
    shown = "".join(stream.feed(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)) + stream.flush()
    assert shown == redact(text)[0]


WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "we", "stream"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1))
def test_prose_is_held_back_by_the_word_being_written_only(words: list[str]) -> None:
    stream = StreamSanitizer()
    shown = ""
    for i, word in enumerate(words):
        shown += stream.feed(word)
        assert shown == "".join(w + " " for w in words[:i])  # all but the word being written
        shown += stream.feed(" ")
    assert shown + stream.flush() == " ".join(words) + " "


def test_a_secret_split_across_deltas_never_shows_a_part() -> None:
    stream = StreamSanitizer()
    seen = [stream.feed(d) for d in ("key: ghp_AbCdEfGh", "IjKlMnOpQrSt", "UvWxYz0123456789", " done")]
    assert seen[1] == "" and seen[2] == ""
    assert "".join(seen) + stream.flush() == "key: [REDACTED:github_token] done"
    assert stream.counts == {"github_token": 1}


def test_the_emit_wrapper_keeps_event_order_and_redacts_every_stream() -> None:
    got: list[object] = []

    class Provider:
        @staticmethod
        def sanitize_output(text: str) -> str:
            return redact(text)[0]

        @staticmethod
        def stream_sanitizer() -> StreamSanitizer:
            return StreamSanitizer()

    emit = SanitizingEmit(got.append, Provider())
    emit(ThinkingDelta(text="user mail bob@exa"))
    emit(ThinkingDelta(text="mple.com"))
    emit(TextDelta(text="Write to bob@exa"))
    emit(TextDelta(text="mple.com"))
    emit(ToolOutput(tool_id="t1", tool_name="bash", delta="AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG"))
    emit(ToolOutput(tool_id="t1", tool_name="bash", delta="/bPxRfiCYEXAMPLEKEY\n"))
    text = "Write to bob@example.com"
    emit(TurnEnd(turn=1, text=text, stop_reason="end_turn", usage={}, cost_usd=0.0, tool_calls=0))
    kinds = [type(e).__name__ for e in got]
    runs = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert runs == ["ThinkingDelta", "TextDelta", "ToolOutput", "TurnEnd"]
    shown = "".join(getattr(e, "text", "") or getattr(e, "delta", "") for e in got)
    assert "bob@" not in shown and "wJalr" not in shown and "[REDACTED:aws_secret_key]" in shown
    assert got[-1].text == "Write to [REDACTED:email]"  # type: ignore[attr-defined]


ANSWER = "Sure. Her e-mail is jane.doe@example.org and her SSN is 078-05-1120; card 4111 1111 1111 1111."


async def test_the_user_never_sees_personal_data_from_the_model(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn(items=[Thinking("checking jane.doe@example.org"), Text(ANSWER)]))
    session = Agent(fake_llm.config()).session(tmp_path, SessionOptions(default_security=True))
    events = [e async for e in session.stream_async("who is jane?")]
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    thought = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    end = events[-1]
    assert isinstance(end, TurnEnd)
    for shown in (streamed, thought, end.text):
        assert "jane.doe@" not in shown and "078-05-1120" not in shown and "4111" not in shown
    assert streamed == end.text == redact(ANSWER)[0]
    fake_llm.add(Turn.text(ANSWER))
    result = await session.send_async("again")
    assert result.text == redact(ANSWER)[0]


async def test_the_config_turns_default_security_on(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text(ANSWER))
    agent = Agent(fake_llm.config(extra="security {\n  default = true\n}\n"))
    result = await agent.session(tmp_path).send_async("who?")
    assert "jane.doe@" not in result.text and "[REDACTED:email]" in result.text


async def test_without_security_the_answer_is_untouched(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text(ANSWER))
    result = await Agent(fake_llm.config()).session(tmp_path).send_async("who?")
    assert result.text == ANSWER


class Upper:
    """A provider of one's own with only the seed's method: its redaction is applied line by line."""

    @staticmethod
    def sanitize_output(text: str) -> str:
        return text.replace("hunter2", "*******")

    @staticmethod
    def sanitize(text: str) -> str:
        return text

    @staticmethod
    def scan(text: str, source: str) -> list[str]:
        return []


def test_a_provider_without_a_stream_sanitizer_gets_whole_lines() -> None:
    got: list[object] = []
    emit = SanitizingEmit(got.append, Upper())
    for delta in ("pass is hun", "ter2\nnext li", "ne"):
        emit(TextDelta(text=delta))
    emit(
        TurnEnd(turn=1, text="pass is hunter2", stop_reason="end_turn", usage={}, cost_usd=0.0, tool_calls=0)
    )
    assert [getattr(e, "text", None) for e in got] == ["pass is *******\n", "next line", "pass is *******"]


def test_a_provider_that_redacts_nothing_holds_nothing_back() -> None:
    from a3s_code.security import DefaultSecurityProvider

    got: list[object] = []
    emit = SanitizingEmit(got.append, DefaultSecurityProvider(redact_pii=False))
    emit(TextDelta(text="mail bob@exa"))
    assert [getattr(e, "text", None) for e in got] == ["mail bob@exa"]
