-- Driven by tests/editors/test_nvim_encodings.py, headless, Neovim 0.7 and 0.11 (start_client API).
-- Globals set by the test: A3S_CMD (list), A3S_ROOT, A3S_FILES (list of paths), A3S_RESULT.
-- Opens every file the way a user does (Neovim picks its encoding and line format), lets the agent edit
-- them through the daemon, saves them with :write, and reports what Neovim decided.
local out = { files = {} }

vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
  for _, action in ipairs(params.actions or {}) do
    if action.title == 'Allow' then return action end
  end
  return vim.NIL
end

local bufs = {}
for _, path in ipairs(A3S_FILES) do
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  table.insert(bufs, vim.api.nvim_get_current_buf())
end

local id = vim.lsp.start_client({ name = 'a3s', cmd = A3S_CMD, root_dir = A3S_ROOT })
for _, buf in ipairs(bufs) do vim.lsp.buf_attach_client(buf, id) end
vim.wait(30000, function()
  local c = vim.lsp.get_client_by_id(id)
  return c ~= nil and c.initialized
end, 20)
local client = vim.lsp.get_client_by_id(id)

local done, result, err = false, nil, nil
client.request('workspace/executeCommand', {
  command = 'a3s.prompt',
  arguments = { { prompt = 'Raise every limit to 20' } },
}, function(e, r) err, result, done = e, r, true end, bufs[1])
vim.wait(60000, function() return done end, 20)

out.error = err and err.message or nil
out.stop_reason = result and result.stopReason or nil
for i, buf in ipairs(bufs) do
  vim.api.nvim_buf_call(buf, function() vim.cmd('silent write') end)
  table.insert(out.files, {
    path = A3S_FILES[i],
    fileencoding = vim.bo[buf].fileencoding,
    fileformat = vim.bo[buf].fileformat,
    bomb = vim.bo[buf].bomb,
    lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
  })
end
vim.fn.writefile({ vim.fn.json_encode(out) }, A3S_RESULT)
client.stop()
vim.wait(3000, function() return client.is_stopped() end, 20)
vim.cmd('qa!')
