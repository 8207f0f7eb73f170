"""Real Neovim (0.7 from Debian, 0.11 from PyPI): files in Latin-1, UTF-16 with a BOM and CRLF are opened
as a user opens them, edited by the agent through the daemon, saved with :write, and keep their bytes
except for the edit. Neovim decodes and encodes them itself; the daemon must send the right text."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import resident
from tests.fakellm import FakeLLM, Turn

HERE = Path(__file__).resolve().parent
NVIMS = [
    p
    for p in (shutil.which("nvim", path="/usr/bin:/usr/local/bin"), str(Path(sys.executable).parent / "nvim"))
    if p and Path(p).exists()
]

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        not NVIMS, reason="no Neovim installed (.ci/run installs Debian's, the test extra 0.11)"
    ),
]

FILES = {
    "latin1.py": "limit = 10\n# résumé naïve\n".encode("latin-1"),
    "utf16.txt": codecs.BOM_UTF16_LE + "limit = 10\nnaïve ☃\n".encode("utf-16-le"),
    "dos.ini": b"[main]\r\nlimit = 10\r\nname = caf\xc3\xa9\r\n",
}


def _lua(value: object) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    return json.dumps(value)


@pytest.mark.parametrize("nvim", NVIMS)
def test_files_keep_their_encoding_through_an_agent_edit_and_a_save(
    nvim: str, fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name, data in FILES.items():
        (project / name).write_bytes(data)
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    for name in FILES:
        fake_llm_thread.add(
            Turn.tool_call(
                "edit", {"file_path": name, "old_string": "limit = 10", "new_string": "limit = 20"}
            )
        )
    fake_llm_thread.add(Turn.text("All limits are 20."))
    result = tmp_path / "result.json"
    cmd = resident.command(["-m", "a3s_lsp", "--config", str(config), "--log-file", str(tmp_path / "d.log")])
    setup = (
        f"A3S_CMD = {_lua(cmd)}\nA3S_ROOT = {_lua(str(project))}\n"
        f"A3S_FILES = {_lua([str(project / n) for n in FILES])}\nA3S_RESULT = {_lua(str(result))}\n"
    )
    (tmp_path / "setup.lua").write_text(setup)
    run = subprocess.run(
        [
            nvim,
            "--headless",
            "--clean",
            "-u",
            "NONE",
            "-c",
            f"luafile {tmp_path / 'setup.lua'}",
            "-c",
            f"luafile {HERE / 'nvim_encodings.lua'}",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.exists(), f"nvim wrote no result (rc={run.returncode}): {run.stderr[-2000:]}"
    out = json.loads(result.read_text())
    assert out.get("error") is None and out.get("stop_reason") == "end_turn", out
    decided = {Path(f["path"]).name: (f["fileencoding"], f["fileformat"]) for f in out["files"]}
    assert decided["latin1.py"] == ("latin1", "unix")
    assert decided["utf16.txt"][0] in ("utf-16le", "ucs-2le")
    assert decided["dos.ini"] == ("utf-8", "dos")
    for name, data in FILES.items():
        assert (project / name).read_bytes() == data.replace(
            "10".encode("utf-16-le") if name == "utf16.txt" else b"10",
            "20".encode("utf-16-le") if name == "utf16.txt" else b"20",
        ), name
