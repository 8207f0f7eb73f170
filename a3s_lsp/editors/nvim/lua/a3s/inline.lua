-- a3s.inline: ghost-text completions from the daemon's textDocument/inlineCompletion (LSP 3.18).
--
-- Neovim 0.12+ has vim.lsp.inline_completion: it is enabled for the a3s client and does the rest.
-- Neovim 0.10/0.11 get this module's own: on every change in insert mode the previous request is
-- cancelled ($/cancelRequest) and a new one sent; the first item shows as virtual text at the
-- cursor; accept() (default <M-l>) inserts it, leaving insert mode or moving away clears it.
-- The daemon debounces and answers superseded requests empty, so no typing speed costs model calls.
local M = {}

local ns = vim.api.nvim_create_namespace('a3s.inline')
local state = { request = nil, client = nil, shown = nil }

--- The suggestion on display: { bufnr, row, col, text } (0-based row/col), or nil.
function M.current()
  return state.shown
end

function M.clear()
  if state.shown then
    pcall(vim.api.nvim_buf_clear_namespace, state.shown.bufnr, ns, 0, -1)
  end
  state.shown = nil
end

local function cancel()
  if state.request and state.client then
    state.client:cancel_request(state.request)
  end
  state.request = nil
end

local function show(bufnr, row, col, text)
  M.clear()
  if text == '' then
    return
  end
  local lines = vim.split(text, '\n', { plain = true })
  local opts = { virt_text = { { lines[1], 'Comment' } }, virt_text_pos = 'inline', hl_mode = 'combine' }
  if #lines > 1 then
    opts.virt_lines = vim.tbl_map(function(l) return { { l, 'Comment' } } end, vim.list_slice(lines, 2))
  end
  vim.api.nvim_buf_set_extmark(bufnr, ns, row, col, opts)
  state.shown = { bufnr = bufnr, row = row, col = col, text = text }
end

--- Ask for a completion at the cursor of the current window (cancelling the one in flight).
--- `invoked`: the user asked explicitly (the daemon skips its debounce).
function M.request(client, invoked)
  cancel()
  M.clear()
  local bufnr = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  local params = vim.lsp.util.make_position_params(win, client.offset_encoding)
  params.context = { triggerKind = invoked and 1 or 2 }
  local cursor = vim.api.nvim_win_get_cursor(win)
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local ok, id
  ok, id = client:request('textDocument/inlineCompletion', params, function(err, result)
    if state.request == id then
      state.request = nil
    end
    if err or not result or vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
      return -- failed, empty, or the buffer moved on meanwhile
    end
    local items = result.items or result
    local first = items[1]
    local text = first and (type(first.insertText) == 'table' and first.insertText.value or first.insertText)
    if type(text) == 'string' then
      show(bufnr, cursor[1] - 1, cursor[2], text)
    end
  end, bufnr)
  if ok then
    state.request, state.client = id, client
  end
  return ok
end

--- Insert the suggestion on display at its position; false when there is none.
function M.accept()
  local shown = state.shown
  if not shown then
    return false
  end
  M.clear()
  local lines = vim.split(shown.text, '\n', { plain = true })
  vim.api.nvim_buf_set_text(shown.bufnr, shown.row, shown.col, shown.row, shown.col, lines)
  local last_row = shown.row + #lines - 1
  local last_col = (#lines == 1 and shown.col or 0) + #lines[#lines]
  pcall(vim.api.nvim_win_set_cursor, 0, { last_row + 1, last_col })
  return true
end

--- Turn inline completions on for `client` (an a3s vim.lsp client) in the buffers it attaches to.
function M.enable(client, opts)
  opts = opts or {}
  if vim.lsp.inline_completion and vim.lsp.inline_completion.enable then
    vim.lsp.inline_completion.enable(true, { client_id = client.id })
    return 'builtin'
  end
  local group = vim.api.nvim_create_augroup('a3s.inline', { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChangedI', 'TextChangedP' }, {
    group = group,
    callback = function(ev)
      if vim.lsp.get_clients({ bufnr = ev.buf, id = client.id })[1] then
        M.request(client, false)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave', 'CursorMoved' }, {
    group = group,
    callback = function()
      cancel()
      M.clear()
    end,
  })
  if opts.accept_key then
    vim.keymap.set('i', opts.accept_key, function()
      if not M.accept() then
        M.request(client, true)
      end
    end, { desc = 'A3S: accept the inline completion (or ask for one)' })
  end
  return 'plugin'
end

return M
