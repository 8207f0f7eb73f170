-- Driven by tests/editors/test_nvim_edits.py in Neovim 0.7 (Debian) and 0.11 (PyPI), headless.
-- Globals: A3S_CMD, A3S_ROOT, A3S_FILE, A3S_RESULT, A3S_TEXT (the buffer's lines), A3S_TYPE_IN_FLIGHT.
local out = { turns = {} }
local new_api = vim.fn.has('nvim-0.10') == 1
local function req(client, ...)
  if new_api then return client:request(...) end
  return client.request(...)
end

vim.cmd('edit ' .. vim.fn.fnameescape(A3S_FILE))
local buf = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(buf, 0, -1, false, A3S_TEXT)  -- unsaved, with a form feed line

local default_apply = vim.lsp.handlers['workspace/applyEdit']
vim.lsp.handlers['workspace/applyEdit'] = function(err, params, ctx, config)
  if A3S_TYPE_IN_FLIGHT then
    A3S_TYPE_IN_FLIGHT = false
    -- the user types a new first line while the agent's edit is on its way
    vim.api.nvim_buf_set_lines(buf, 0, 0, false, { '# typed meanwhile' })
  end
  return default_apply(err, params, ctx, config)
end

local id = vim.lsp.start_client({ name = 'a3s', cmd = A3S_CMD, root_dir = A3S_ROOT })
vim.lsp.buf_attach_client(buf, id)
vim.wait(30000, function()
  local c = vim.lsp.get_client_by_id(id)
  return c ~= nil and c.initialized
end, 20)
local client = vim.lsp.get_client_by_id(id)
out.encoding = client.offset_encoding

local function prompt(text)
  local done, result
  req(client, 'workspace/executeCommand', { command = 'a3s.prompt', arguments = { { prompt = text } } },
    function(e, r) result, done = r or { error = e and e.message }, true end, buf)
  vim.wait(60000, function() return done end, 20)
  table.insert(out.turns, result)
end

prompt('Set c to 30')
out.after_edit = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
-- a keystroke on the last line, below the form feed: "c = 30" -> "c = 300"
local last = vim.api.nvim_buf_line_count(buf)
local line = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1]
vim.api.nvim_buf_set_text(buf, last - 1, #line, last - 1, #line, { '0' })
vim.wait(500)  -- past the didChange debounce
prompt('Read it again')
out.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
vim.fn.writefile({ vim.fn.json_encode(out) }, A3S_RESULT)
if new_api then client:stop() else client.stop() end
vim.wait(3000, function() return client.is_stopped and client.is_stopped() end, 20)
vim.cmd('qa!')
