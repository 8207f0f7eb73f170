"""One URI <-> path conversion: every name survives, whichever client spelled the URI.

And end to end: a workspace folder whose name needs escaping (``C# app``, ``50%25 off``), with
unsaved text in an open buffer: ``read`` and ``grep`` both see it.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a3s_lsp.uris import path_to_uri, uri_to_path
from tests.fakellm import FakeLLM
from tests.lsp.editor import CLIENTS, start_editor, stop_editor

NAMES = st.text(
    alphabet=st.sampled_from(
        list(string.ascii_letters + string.digits + " #%?&;=+@!$'()[],~:-._") + ["é", "中", "😀", "\u00a0"]
    ),
    min_size=1,
    max_size=12,
).filter(lambda n: n not in (".", ".."))
PATHS = st.lists(NAMES, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))

# How other clients spell a file URI: VS Code encodes all but unreserved characters, Neovim leaves
# RFC 3986's sub-delimiters, ':' and '@' alone, and some clients use lower-case hex digits.
SPELLINGS = [
    lambda p: "file://" + quote(p, safe="/-._~"),
    lambda p: "file://" + quote(p, safe="/-._~!$&'()*+,;=:@"),
    lambda p: "file://" + re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(p, safe="/")),
    lambda p: "file://localhost" + quote(p, safe="/"),
    lambda p: "file:" + quote(p, safe="/"),
]


@settings(max_examples=300, deadline=None)
@given(path=PATHS)
def test_a_path_round_trips_through_its_uri(path: str) -> None:
    uri = path_to_uri(path)
    assert uri.startswith("file:///") and "#" not in uri and " " not in uri and "?" not in uri
    assert uri_to_path(uri) == Path(path)


@settings(max_examples=300, deadline=None)
@given(path=PATHS, spelling=st.sampled_from(SPELLINGS))
def test_other_clients_spellings_name_the_same_path(path: str, spelling: object) -> None:
    uri = spelling(path)  # type: ignore[operator]
    assert uri_to_path(uri) == Path(path), uri


def test_a_raw_hash_is_part_of_the_path_not_a_fragment() -> None:
    assert uri_to_path("file:///tmp/C# app/a.py") == Path("/tmp/C# app/a.py")
    assert uri_to_path("untitled:Untitled-1") is None
    assert uri_to_path("file://otherhost/share/a.py") is None


@pytest.mark.parametrize("folder", ["C# app", "50%25 off", "naïve 中文 dir"])
@pytest.mark.parametrize("flavour", CLIENTS)
async def test_read_and_grep_both_see_unsaved_text_in_an_escaped_folder(
    tmp_path: Path, fake_llm: FakeLLM, agent_config: Path, folder: str, flavour: str
) -> None:
    root = tmp_path / folder
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    editor = await start_editor(flavour, root, agent_config)
    try:
        uri = editor.open(root / "app.py")
        editor.type(uri, "x = 1\nneedle = 'unsaved'\n")
        fake_llm.tool_call("read", {"file_path": "app.py"})
        fake_llm.tool_call("grep", {"pattern": "needle"})
        fake_llm.text("found")
        session = (await editor.request("a3s/session/create", {}))["sessionId"]
        await editor.request("a3s/session/send", {"sessionId": session, "prompt": "find it"})
        outputs = {
            e["event"]["tool_name"]: e["event"]["output"]
            for e in editor.events
            if e["event"]["type"] == "tool_end"
        }
        assert "needle = 'unsaved'" in outputs["read"]
        assert "needle" in outputs["grep"] and "app.py" in outputs["grep"], outputs["grep"]
    finally:
        await stop_editor(editor)
