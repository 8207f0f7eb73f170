-- a3s.nvim: the A3S Code agent in Neovim 0.10+ through the a3s-lsp daemon.
--
--   require("a3s").setup{}            -- starts `a3s-lsp` with vim.lsp.start for file buffers
--   :A3S <prompt>                     -- run a turn; the answer streams into the a3s://chat buffer
--   :A3SSlash <command>               -- /cost, /model openai/gpt-4o, /tools, ...
--   :A3SWorktree create <branch>      -- a new branch in a worktree beside the repository
--   :A3SWorktree remove <branch|path>
--   :A3SWorktree list | status
--   :A3SCancel                        -- stop the running turn
--   :A3SRewind [N] [files|chat]       -- undo turn N and later ones (no N: pick a turn)
--   :A3SFork [N]                      -- a new session from before turn N (no N: pick a turn)
--   <M-l> in insert mode              -- accept the inline completion (ghost text; a3s.inline)
--
-- Confirmations arrive as the daemon's `a3s/confirm` request and are asked with vim.ui.select;
-- turn progress arrives as LSP work-done progress (the LspProgress autocmd).
local M = {}

M.config = {
  cmd = { 'a3s-lsp' },
  config = nil, -- path to agent.hcl, passed as --config
  name = 'a3s',
  root_markers = { 'agent.hcl', '.git' },
  open_chat = true, -- show the chat buffer when a turn starts
  -- ghost text from the config's completion_model (vim.lsp.inline_completion on 0.12+)
  inline = { enabled = true, accept_key = '<M-l>' },
}

local state = { client_id = nil, chat = nil, busy = false, progress = nil, headed = {}, session_id = nil }

-- chat buffer -------------------------------------------------------------------------------------

local function chat_buf()
  if state.chat and vim.api.nvim_buf_is_valid(state.chat) then
    return state.chat
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(buf, 'a3s://chat')
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  vim.bo[buf].filetype = 'markdown'
  state.chat = buf
  return buf
end

local function show_chat()
  local buf = chat_buf()
  if vim.fn.bufwinid(buf) == -1 then
    local current = vim.api.nvim_get_current_win()
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_set_current_win(current)
  end
end

local function scroll(buf)
  local win = vim.fn.bufwinid(buf)
  if win ~= -1 then
    vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(buf), 0 })
  end
end

--- Append text to the chat; it may continue the last line and may contain newlines.
local function append(text)
  local buf = chat_buf()
  local parts = vim.split(text, '\n', { plain = true })
  local last = vim.api.nvim_buf_line_count(buf)
  local tail = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1] or ''
  parts[1] = tail .. parts[1]
  vim.api.nvim_buf_set_lines(buf, last - 1, last, false, parts)
  scroll(buf)
end

--- Append whole lines, starting on a fresh line.
local function append_lines(lines)
  local buf = chat_buf()
  local last = vim.api.nvim_buf_line_count(buf)
  local tail = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1] or ''
  local at = tail == '' and last - 1 or last
  vim.api.nvim_buf_set_lines(buf, at, -1, false, vim.list_extend(vim.deepcopy(lines), { '' }))
  scroll(buf)
end

local function short(args)
  if type(args) ~= 'table' then
    return ''
  end
  for _, key in ipairs({ 'command', 'file_path', 'path', 'pattern', 'url', 'query' }) do
    if type(args[key]) == 'string' then
      return args[key]:gsub('\n', ' ')
    end
  end
  return vim.json.encode(args)
end

--- `sandbox: bubblewrap, network off, 512 MB` or `sandbox: off`, from the session summary's `sandbox`.
function M.sandbox_label(sandbox)
  if type(sandbox) ~= 'table' or not sandbox.enabled then
    return 'sandbox: off'
  end
  local parts = { sandbox.backend, sandbox.network and 'network on' or 'network off' }
  if type(sandbox.memoryMb) == 'number' then
    table.insert(parts, ('%d MB'):format(sandbox.memoryMb))
  end
  return 'sandbox: ' .. table.concat(parts, ', ')
end

local execute

--- The chat's first line names the session's model and what its shell runs in.
local function set_header(session_id)
  if state.headed[session_id] then
    return
  end
  state.headed[session_id] = true
  execute('a3s.session.list', vim.empty_dict(), function(_, result)
    for _, s in ipairs(result and result.sessions or {}) do
      if s.sessionId == session_id then
        local buf = chat_buf()
        local line = ('A3S · %s · %s'):format(s.model, M.sandbox_label(s.sandbox))
        local first = vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1] or ''
        local replace = vim.startswith(first, 'A3S · ') and 1 or 0
        vim.api.nvim_buf_set_lines(buf, 0, replace, false, { line })
      end
    end
  end)
end

-- daemon → editor -------------------------------------------------------------------------------

local function on_event(_, params)
  local ev = params and params.event
  if not ev then
    return
  end
  local t = ev.type
  if t == 'turn_start' and params.sessionId then
    set_header(params.sessionId)
  elseif t == 'text_delta' then
    append(ev.text)
  elseif t == 'tool_start' then
    append_lines({ ('⚙ %s %s'):format(ev.tool_name, short(ev.args)) })
  elseif t == 'tool_end' then
    local first = (ev.output or ''):match('[^\n]*') or ''
    append_lines({ ('%s %s %s'):format(ev.exit_code == 0 and '✓' or '✗', ev.tool_name, first) })
  elseif t == 'permission_denied' then
    append_lines({ ('⛔ %s denied: %s'):format(ev.tool_name, ev.reason) })
  elseif t == 'error' then
    append_lines({ (ev.recoverable and 'warning: ' or 'error: ') .. ev.message })
  elseif t == 'turn_end' and ev.stop_reason ~= 'command' then
    local u = ev.usage or {}
    append_lines({
      ('[%s · %d in / %d out tokens · %d tool calls]'):format(
        ev.stop_reason,
        u.input_tokens or 0,
        u.output_tokens or 0,
        ev.tool_calls or 0
      ),
    })
  end
end

local CHOICES = { 'Allow', 'Allow for this session', 'Deny' }
local DECISIONS = { Allow = 'allow', ['Allow for this session'] = 'allow_session', Deny = 'deny' }

local function ask(params, done)
  local lines = { ('? %s: %s'):format(params.tool, short(params.args)) }
  if params.diff and params.diff ~= vim.NIL then
    vim.list_extend(lines, vim.split(params.diff, '\n', { plain = true, trimempty = true }))
  end
  append_lines(lines)
  vim.ui.select(CHOICES, { prompt = ('A3S: allow %s?'):format(params.tool), kind = 'a3s_confirm' }, function(choice)
    local decision = DECISIONS[choice] or 'deny'
    append_lines({ '  → ' .. decision })
    done(decision)
  end)
end

--- `a3s/confirm`: answered from a coroutine (0.10+ runs server requests in one) so the editor stays live.
local function on_confirm(_, params)
  local co, is_main = coroutine.running()
  if co and not is_main then
    ask(params, function(decision)
      vim.schedule(function()
        coroutine.resume(co, decision)
      end)
    end)
    return { decision = coroutine.yield() }
  end
  local pick = vim.fn.confirm(('A3S: allow %s?'):format(params.tool), '&Allow\nAllow for &session\n&Deny', 3)
  return { decision = ({ 'allow', 'allow_session', 'deny' })[pick] or 'deny' }
end

-- client ----------------------------------------------------------------------------------------

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.experimental = caps.experimental or {}
  caps.experimental['a3s.confirmations'] = true
  return caps
end

local function command_line()
  local cmd = vim.deepcopy(M.config.cmd)
  if M.config.config then
    vim.list_extend(cmd, { '--config', M.config.config })
  end
  return cmd
end

--- Start (or reuse) the daemon and attach `bufnr` so the agent sees its unsaved text.
function M.start(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local root = M.config.root_dir or vim.fs.root(bufnr, M.config.root_markers) or vim.fn.getcwd()
  local attach = vim.bo[bufnr].buftype == '' and vim.api.nvim_buf_get_name(bufnr) ~= ''
  local id = vim.lsp.start({
    name = M.config.name,
    cmd = command_line(),
    root_dir = root,
    capabilities = capabilities(),
    handlers = { ['a3s/event'] = on_event, ['a3s/confirm'] = on_confirm },
    on_init = function(client)
      if M.config.inline and M.config.inline.enabled then
        state.inline = require('a3s.inline').enable(client, M.config.inline)
      end
    end,
  }, { bufnr = bufnr, attach = attach })
  state.client_id = id or state.client_id
  return state.client_id
end

function M.client()
  local client = state.client_id and vim.lsp.get_client_by_id(state.client_id)
  if client and not client:is_stopped() then
    return client
  end
  state.client_id = nil
  M.start()
  return state.client_id and vim.lsp.get_client_by_id(state.client_id)
end

execute = function(command, argument, on_result)
  local client = M.client()
  if not client then
    vim.notify('a3s: the daemon is not running', vim.log.levels.ERROR)
    return
  end
  if state.session_id and command ~= 'a3s.session.list' and type(argument) == 'table' and argument.sessionId == nil then
    argument.sessionId = state.session_id -- a forked session, once :A3SFork made one
  end
  client:request('workspace/executeCommand', { command = command, arguments = { argument } }, function(err, result)
    on_result(err, result)
  end)
end

local function finished(kind, err, result)
  state.busy = false
  if err then
    append_lines({ 'error: ' .. (err.message or vim.inspect(err)) })
  end
  vim.api.nvim_exec_autocmds('User', { pattern = 'A3SDone', data = { kind = kind, error = err, result = result } })
end

function M.prompt(text)
  if text == nil or vim.trim(text) == '' then
    vim.notify('a3s: usage :A3S <prompt>', vim.log.levels.WARN)
    return
  end
  if M.config.open_chat then
    show_chat()
  end
  append_lines({ '## ' .. text })
  state.busy = true
  execute('a3s.prompt', { prompt = text }, function(err, result)
    finished('prompt', err, result)
  end)
end

function M.slash(text)
  local command = vim.trim(text or '')
  if not vim.startswith(command, '/') then
    command = '/' .. command
  end
  append_lines({ '## ' .. command })
  execute('a3s.slash', { command = command }, function(err, result)
    if result and result.text then
      append_lines(vim.split(result.text, '\n', { plain = true }))
    end
    finished('slash', err, result)
  end)
end

function M.worktree(args)
  local sub, name = (args or ''):match('^%s*(%S+)%s*(.-)%s*$')
  local valid = { create = true, list = true, remove = true, status = true }
  if not valid[sub or ''] then
    vim.notify('a3s: usage :A3SWorktree create|remove <branch>, or list|status', vim.log.levels.WARN)
    return
  end
  local argument = vim.empty_dict() -- an object on the wire even without a name
  if name ~= '' then
    -- `create feat-x`: a new branch feat-x in a worktree beside the repository; `remove feat-x`: the
    -- worktree that has feat-x checked out (or `remove ../path/to/worktree`)
    local is_path = sub == 'remove' and name:find('/', 1, true) ~= nil
    argument[is_path and 'path' or 'branch'] = name
  elseif sub == 'create' or sub == 'remove' then
    vim.notify(('a3s: usage :A3SWorktree %s <branch>'):format(sub), vim.log.levels.WARN)
    return
  end
  append_lines({ '## worktree ' .. vim.trim(args) })
  execute('a3s.worktree.' .. sub, argument, function(err, result)
    if result and result.output then
      append_lines(vim.split(result.output, '\n', { plain = true, trimempty = true }))
    end
    finished('worktree', err, result)
  end)
end

function M.cancel()
  execute('a3s.session.cancel', vim.empty_dict(), function() end)
end

-- A turn from a3s.session.checkpoints, picked with vim.ui.select; on_turn(number).
local function pick_turn(prompt, on_turn)
  execute('a3s.session.checkpoints', vim.empty_dict(), function(err, result)
    if err or not result or #result.turns == 0 then
      vim.notify('a3s: ' .. (err and err.message or 'no turns to go back to yet'), vim.log.levels.WARN)
      return
    end
    local turns = {}
    for i = #result.turns, 1, -1 do
      table.insert(turns, result.turns[i])
    end
    vim.ui.select(turns, {
      prompt = prompt,
      kind = 'a3s_turn',
      format_item = function(t)
        local files = #t.files > 0 and table.concat(t.files, ', ') or 'no files'
        return ('%d: %s (%s)'):format(t.turn, t.prompt:gsub('%s+', ' '):sub(1, 60), files)
      end,
    }, function(choice)
      if choice then
        on_turn(choice.turn)
      end
    end)
  end)
end

local SCOPES = { [''] = { true, true }, files = { true, false }, chat = { false, true } }

--- :A3SRewind [N] [files|chat]: put back the files turn N and later ones changed and/or cut the
--- conversation back to before turn N. Open buffers change through versioned edits; a file the user
--- changed after the agent is reported and left alone.
function M.rewind(args)
  local turn, scope = (args or ''):match('^%s*(%d*)%s*(%a*)%s*$')
  if turn == nil or SCOPES[scope] == nil then
    vim.notify('a3s: usage :A3SRewind [N] [files|chat]', vim.log.levels.WARN)
    return
  end
  local files, conversation = SCOPES[scope][1], SCOPES[scope][2]
  local function go(number)
    append_lines({ ('## rewind to before turn %d'):format(number) })
    local argument = { turnId = number, files = files, conversation = conversation }
    execute('a3s.session.rewind', argument, function(err, result)
      if result then
        for _, path in ipairs(result.restored) do
          append_lines({ 'restored ' .. path })
        end
        for _, path in ipairs(result.conflicts) do
          append_lines({ 'kept ' .. path .. " (changed after the agent's edit)" })
        end
        for path, why in pairs(result.failed) do
          append_lines({ 'failed ' .. path .. ': ' .. why })
        end
      end
      finished('rewind', err, result)
    end)
  end
  if turn ~= '' then
    go(tonumber(turn))
  else
    pick_turn('A3S: rewind to before which turn?', go)
  end
end

--- :A3SFork [N]: a new session holding the conversation from before turn N; later prompts go to it.
function M.fork(args)
  local turn = vim.trim(args or '')
  local function go(number)
    execute('a3s.session.fork', { turnId = number }, function(err, result)
      if result then
        state.session_id = result.sessionId
        append_lines({ ('## forked session %s from before turn %d'):format(result.sessionId:sub(1, 8), number) })
      end
      finished('fork', err, result)
    end)
  end
  if turn:match('^%d+$') then
    go(tonumber(turn))
  else
    pick_turn('A3S: fork from before which turn?', go)
  end
end

--- For a statusline: the latest progress message of a running turn, or ''.
function M.status()
  return state.progress or ''
end

--- How inline completions run: 'builtin' (vim.lsp.inline_completion), 'plugin' (a3s.inline), or nil.
function M.inline_mode()
  return state.inline
end

function M.is_busy()
  return state.busy
end

function M.chat_buffer()
  return chat_buf()
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  vim.api.nvim_create_user_command('A3S', function(c) M.prompt(c.args) end, { nargs = '+', desc = 'Ask the A3S agent' })
  vim.api.nvim_create_user_command('A3SSlash', function(c) M.slash(c.args) end, { nargs = '+', desc = 'A3S slash command' })
  vim.api.nvim_create_user_command('A3SWorktree', function(c) M.worktree(c.args) end, {
    nargs = '+',
    desc = 'A3S git worktrees',
    complete = function() return { 'create', 'list', 'remove', 'status' } end,
  })
  vim.api.nvim_create_user_command('A3SCancel', M.cancel, { desc = 'Cancel the running A3S turn' })
  vim.api.nvim_create_user_command('A3SRewind', function(c) M.rewind(c.args) end, {
    nargs = '*',
    desc = 'Undo an A3S turn and later ones',
    complete = function() return { 'files', 'chat' } end,
  })
  vim.api.nvim_create_user_command('A3SFork', function(c) M.fork(c.args) end, { nargs = '?', desc = 'Fork the A3S session' })
  local group = vim.api.nvim_create_augroup('a3s', { clear = true })
  vim.api.nvim_create_autocmd('LspProgress', {
    group = group,
    callback = function(ev)
      local value = ev.data and ev.data.params and ev.data.params.value or {}
      if ev.data.client_id ~= state.client_id then
        return
      end
      state.progress = value.kind ~= 'end' and (value.message or value.title) or nil
      vim.cmd.redrawstatus()
    end,
  })
  vim.api.nvim_create_autocmd('BufReadPost', {
    group = group,
    callback = function(ev)
      if state.client_id then
        M.start(ev.buf)
      end
    end,
  })
  M.start()
end

return M
