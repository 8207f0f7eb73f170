-- Driven by tests/editors/test_neovim.py with Neovim 0.7+ (start_client API), headless.
-- Globals set by the test: A3S_CMD (list), A3S_ROOT, A3S_FILE, A3S_RESULT.
local out = { asked = {} }

vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
  table.insert(out.asked, params.message)
  for _, action in ipairs(params.actions or {}) do
    if action.title == 'Allow' then return action end
  end
  return vim.NIL
end

vim.cmd('edit ' .. vim.fn.fnameescape(A3S_FILE))
local buf = vim.api.nvim_get_current_buf()
-- the user types, and does not save
vim.api.nvim_buf_set_lines(buf, -1, -1, false, { '# unsaved note' })

local id = vim.lsp.start_client({ name = 'a3s', cmd = A3S_CMD, root_dir = A3S_ROOT })
vim.lsp.buf_attach_client(buf, id)
vim.wait(30000, function()
  local c = vim.lsp.get_client_by_id(id)
  return c ~= nil and c.initialized
end, 20)
local client = vim.lsp.get_client_by_id(id)

local done, result, err = false, nil, nil
client.request('workspace/executeCommand', {
  command = 'a3s.prompt',
  arguments = { { prompt = 'Change y to 3 in app.py' } },
}, function(e, r) err, result, done = e, r, true end, buf)
vim.wait(60000, function() return done end, 20)

out.done = done
out.error = err and err.message or nil
out.text = result and result.text or nil
out.stop_reason = result and result.stopReason or nil
out.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
out.modified = vim.bo[buf].modified
vim.fn.writefile({ vim.fn.json_encode(out) }, A3S_RESULT)
client.stop()
vim.wait(3000, function() return client.is_stopped() end, 20)
vim.cmd('qa!')
