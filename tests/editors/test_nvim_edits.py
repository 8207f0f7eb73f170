"""Agent edits in real Neovims (Debian's 0.7: UTF-16, version 0 in didOpen; PyPI's 0.11: UTF-8).

A buffer with a form feed line gets the agent's edit on the right line, and a keystroke below the
form feed lands on the right line of the daemon's copy. A line the user types while the edit is in
flight is kept, nothing is corrupted, and the agent is told to read again (Neovim answers
``applied: true`` for the edit it dropped).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import resident
from tests.docs.test_editors import NVIMS
from tests.fakellm import FakeLLM, Turn

HERE = Path(__file__).resolve().parent
TEXT = ["a = 1", "\f", "b = 2", "c = 3"]
AVAILABLE = [v for v, path in NVIMS.items() if path is not None and Path(path).exists()]

pytestmark = [pytest.mark.editor, pytest.mark.skipif(not AVAILABLE, reason="no Neovim installed")]


def _run(nvim: str, fake: FakeLLM, tmp_path: Path, type_in_flight: bool) -> dict:  # type: ignore[type-arg]
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("a = 1\nb = 2\nc = 3\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake.config(extra='permissions {\n  allow = ["edit", "read"]\n}\n'))
    result = tmp_path / "result.json"
    cmd = resident.command(["-m", "a3s_lsp", "--config", str(config), "--log-file", str(tmp_path / "d.log")])
    setup = (
        f"A3S_CMD = {{{', '.join(json.dumps(c) for c in cmd)}}}\n"
        f"A3S_ROOT = {json.dumps(str(project))}\nA3S_FILE = {json.dumps(str(project / 'app.py'))}\n"
        f"A3S_RESULT = {json.dumps(str(result))}\n"
        f"A3S_TEXT = {{{', '.join(json.dumps(t) for t in TEXT)}}}\n"
        f"A3S_TYPE_IN_FLIGHT = {'true' if type_in_flight else 'false'}\n"
    )
    (tmp_path / "setup.lua").write_text(setup)
    done = subprocess.run(
        [
            nvim,
            "--headless",
            "--clean",
            "-u",
            "NONE",
            "-c",
            f"luafile {tmp_path / 'setup.lua'}",
            "-c",
            f"luafile {HERE / 'nvim_edits.lua'}",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert result.exists(), f"nvim wrote no result (rc={done.returncode}): {done.stderr[-2000:]}"
    return json.loads(result.read_text())  # type: ignore[no-any-return]


def _script(fake: FakeLLM) -> None:
    fake.add(
        Turn.tool_call("read", {"file_path": "app.py"}),
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "c = 3", "new_string": "c = 30"}),
        Turn.text("done"),
        Turn.tool_call("read", {"file_path": "app.py"}),
        Turn.text("read"),
    )


def _last_read(fake: FakeLLM) -> str:
    return json.dumps(fake.requests[-1]["messages"][-1]["content"])


@pytest.mark.parametrize("version", AVAILABLE)
def test_a_form_feed_line_does_not_shift_edits_or_keystrokes(
    fake_llm_thread: FakeLLM, tmp_path: Path, version: str
) -> None:
    _script(fake_llm_thread)
    out = _run(str(NVIMS[version]), fake_llm_thread, tmp_path, type_in_flight=False)
    assert out["after_edit"] == ["a = 1", "\f", "b = 2", "c = 30"], out
    assert out["lines"] == ["a = 1", "\f", "b = 2", "c = 300"]
    seen = _last_read(fake_llm_thread)
    assert "c = 300" in seen and "b = 2" in seen and "c = 3\\n" not in seen, (
        seen
    )  # the mirror matches the buffer


@pytest.mark.parametrize("version", AVAILABLE)
def test_a_line_typed_while_the_edit_is_in_flight_is_kept(
    fake_llm_thread: FakeLLM, tmp_path: Path, version: str
) -> None:
    _script(fake_llm_thread)
    out = _run(str(NVIMS[version]), fake_llm_thread, tmp_path, type_in_flight=True)
    assert out["after_edit"] == ["# typed meanwhile", "a = 1", "\f", "b = 2", "c = 3"], out
    edit_result = json.dumps(fake_llm_thread.requests[2]["messages"][-1]["content"])
    assert "read the file again" in edit_result, edit_result
