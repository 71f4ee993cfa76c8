-- moonlab.tutorial: stepping through a tutorial notebook in the REPL.  Each
-- step shows the prose before a code cell, formatted for the terminal, and
-- offers the cell: a one-line cell is put on the prompt, ready to run or
-- edit; a longer one runs when you enter an empty line (and is then in the
-- history, to recall and edit).  Running the offered code moves on.  Commands
-- :next, :back, :goto N, :list, :restart and :quit; the step reached is
-- remembered per tutorial.  Tutorials are the notebooks in tutorials/ (the
-- source tree, or share/moonlab/tutorials once installed), named
-- NN-name.lua.  This module does not run notebooks to pages (see
-- moonlab.notebook).
local nb = require "moonlab.notebook"

local M = {}

-- ---------------------------------------------------------------- finding tutorials

--- tutorial.dir() -> the folder holding the tutorials: $MOONLAB_TUTORIALS,
-- else tutorials/ beside the stdlib folder.
function M.dir()
  local env = os.getenv("MOONLAB_TUTORIALS")
  if env and env ~= "" then return env end
  local here = package.searchpath("moonlab.tutorial", package.path) or ""
  local stdlib = here:match("^(.*)/moonlab/tutorial%.lua$") or "."
  return stdlib .. "/../tutorials"
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- Title and summary of a notebook: its first heading and the first line of
-- prose after it.
local function describe(book)
  for _, c in ipairs(book.cells) do
    if c.kind == "markdown" then
      local title = c.source:match("^#+%s*([^\n]+)") or c.source:match("\n#+%s*([^\n]+)")
      local after = title and c.source:match("#+%s*[^\n]+\n+([^#\n][^\n]*)") or c.source:match("^([^\n]+)")
      return title, after
    end
  end
  return nil, nil
end

--- tutorial.list() -> {{name, number, title, summary, path}...} sorted by number.
function M.list()
  local dir = M.dir()
  local out = {}
  local files = require("torch")._notebook.files(dir)
  if files then
    table.sort(files)
    for _, file in ipairs(files) do
      local num, name = file:match("^(%d+)%-([%w_%-]+)%.lua$")
      if num then
        local text = read(dir .. "/" .. file)
        local title, summary = describe(nb.parse(text or "", file))
        out[#out + 1] = { name = name, number = tonumber(num), title = title or name,
          summary = summary or "", path = dir .. "/" .. file }
      end
    end
  end
  table.sort(out, function(a, b) return a.number < b.number end)
  return out
end

--- tutorial.find(name) -> the entry of tutorial name (or its number), or
-- nil, message listing the known names.
function M.find(name)
  local all = M.list()
  for _, t in ipairs(all) do
    if t.name == name or tostring(t.number) == tostring(name) then return t end
  end
  local names = {}
  for _, t in ipairs(all) do names[#names + 1] = t.name end
  return nil, string.format("no tutorial named '%s' (there are: %s)", tostring(name),
    #names > 0 and table.concat(names, ", ") or "none, in " .. M.dir())
end

-- ---------------------------------------------------------------- terminal text

local function colors()
  local P = require("torch")._proc
  local nc = os.getenv("NO_COLOR")
  return P and P.isatty and P.isatty(1) and (nc == nil or nc == "") and os.getenv("TERM") ~= "dumb"
end

local function width()
  local P = require("torch")._proc
  local c = P and P.termsize and P.termsize(1)
  return math.max(40, math.min(c or 80, 100))
end

local function wrap(text, w, indent)
  local out, line = {}, indent
  for word in text:gmatch("%S+") do
    if #line > #indent and #line + 1 + #word > w then
      out[#out + 1] = line
      line = indent .. word
    else
      line = line .. (#line > #indent and " " or "") .. word
    end
  end
  if #line > #indent then out[#out + 1] = line end
  return table.concat(out, "\n")
end

--- tutorial.format(markdown [, color, width]) -> the prose as terminal text:
-- headings marked, paragraphs wrapped, code blocks indented, `code` and
-- **strong** coloured (when color).
function M.format(md, color, w)
  w = w or 80
  local function paint(code, s) return color and ("\27[" .. code .. "m" .. s .. "\27[0m") or s end
  local function inline(s)
    s = s:gsub("`([^`]+)`", function(c) return paint("36", c) end)
    s = s:gsub("%*%*([^*]+)%*%*", function(c) return paint("1", c) end)
    s = s:gsub("%[([^%]]+)%]%(([^)]+)%)", "%1 <%2>")
    return s
  end
  local out, para, in_code = {}, {}, false
  local function flush()
    if #para > 0 then
      local text = table.concat(para, " ")
      local bullet = text:match("^([-*]%s+)") or text:match("^(%d+%.%s+)")
      if bullet then
        out[#out + 1] = inline(wrap(text, w, "")):gsub("\n", "\n" .. string.rep(" ", #bullet))
      else
        out[#out + 1] = inline(wrap(text, w, ""))
      end
      para = {}
    end
  end
  for line in (md .. "\n"):gmatch("(.-)\n") do
    if line:match("^```") then
      flush()
      in_code = not in_code
    elseif in_code then
      out[#out + 1] = paint("36", "    " .. line)
    elseif line:match("^#+%s") then
      flush()
      local level, title = line:match("^(#+)%s+(.*)$")
      out[#out + 1] = paint(#level == 1 and "1;4" or "1", title)
    elseif line:match("^%s*$") then
      flush()
      if out[#out] ~= "" then out[#out + 1] = "" end
    elseif line:match("^%s*[-*]%s") or line:match("^%s*%d+%.%s") then
      flush()
      para[1] = line:gsub("^%s+", "")
    else
      para[#para + 1] = line:gsub("^%s+", "")
    end
  end
  flush()
  while out[#out] == "" do out[#out] = nil end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- progress

local function state_file()
  local dir = os.getenv("MOONLAB_STATE_DIR")
  if not dir or dir == "" then
    local xdg = os.getenv("XDG_STATE_HOME")
    dir = (xdg and xdg ~= "" and xdg or ((os.getenv("HOME") or ".") .. "/.local/state")) .. "/moonlab"
  end
  return dir, dir .. "/tutorials.lua"
end

--- tutorial.progress() -> {name = step reached} (empty when none saved).
function M.progress()
  local _, file = state_file()
  local text = read(file)
  local f = text and load(text, "=progress", "t", {})
  local ok, t = pcall(f or function() return {} end)
  return ok and type(t) == "table" and t or {}
end

local function save_progress(name, step)
  local dir, file = state_file()
  local t = M.progress()
  t[name] = step
  local names = {}
  for k in pairs(t) do names[#names + 1] = k end
  table.sort(names)
  local lines = { "return {" }
  for _, k in ipairs(names) do
    if type(t[k]) == "number" then lines[#lines + 1] = string.format("  [%q] = %d,", k, t[k]) end
  end
  lines[#lines + 1] = "}\n"
  if not require("torch")._notebook.mkdirs(dir) then return end
  local tmp = file .. ".tmp"
  local f = io.open(tmp, "w")
  if not f then return end
  f:write(table.concat(lines, "\n"))
  f:close()
  os.rename(tmp, file)
end

-- ---------------------------------------------------------------- stepping

-- Steps: each code cell with the prose cells before it; prose after the last
-- code cell is a last step without code.
local function steps_of(book)
  local steps, prose = {}, {}
  for _, c in ipairs(book.cells) do
    if c.kind == "markdown" then
      prose[#prose + 1] = c.source
    elseif c.kind == "code" then
      steps[#steps + 1] = { prose = prose, code = c.source, title = c.title }
      prose = {}
    end
  end
  if #prose > 0 then steps[#steps + 1] = { prose = prose } end
  return steps
end

local function step_title(s)
  if s.title then return s.title end
  for _, p in ipairs(s.prose) do
    local h = p:match("^#+%s*([^\n]+)") or p:match("\n#+%s*([^\n]+)")
    if h then return h end
  end
  local first = (s.prose[1] or s.code or ""):match("^%s*([^\n]*)")
  return #first > 60 and first:sub(1, 57) .. "..." or first
end

local function squash(code) return (code:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

local active -- the running tutorial: {entry, steps, pos, pending, offered, started_here}

local function show(t)
  local s = t.steps[t.pos]
  local color = colors()
  local w = width()
  local function paint(code, x) return color and ("\27[" .. code .. "m" .. x .. "\27[0m") or x end
  io.write("\n", paint("2", string.format("── %s · step %d of %d ", t.entry.title, t.pos, #t.steps)), "\n")
  for _, p in ipairs(s.prose) do io.write(M.format(p, color, w), "\n\n") end
  t.pending, t.offered = s.code, false
  if s.code then
    if s.code:find("\n", 1, true) then
      for line in (s.code .. "\n"):gmatch("(.-)\n") do io.write(paint("36", "  " .. line), "\n") end
      io.write(paint("2", "(an empty line runs this cell; edit it with the up arrow afterwards)"), "\n")
    else
      io.write(paint("2", "(the next line is ready: Enter runs it; edit it first, or Ctrl-U clears it)"), "\n")
    end
  else
    io.write(paint("2", t.pos == #t.steps and "The end of this tutorial. :restart to go again, :quit to leave."
      or ":next goes on."), "\n")
  end
  save_progress(t.entry.name, t.pos)
  io.flush()
end

local function go(t, pos)
  if pos < 1 or pos > #t.steps then
    io.write(string.format("no step %s (1 to %d)\n", tostring(pos), #t.steps))
    return
  end
  t.pos = pos
  show(t)
end

local function commands(repl)
  repl.add_command("next", ":next", "tutorial: go to the next step", function()
    if not active then return io.write("no tutorial is running: tutorial() lists them\n") end
    if active.pos >= #active.steps then return io.write("this is the last step (:restart to go again)\n") end
    go(active, active.pos + 1)
  end)
  repl.add_command("back", ":back", "tutorial: go back one step", function()
    if not active then return io.write("no tutorial is running\n") end
    go(active, active.pos - 1)
  end)
  repl.add_command("goto", ":goto N", "tutorial: go to step N", function(rest)
    if not active then return io.write("no tutorial is running\n") end
    local n = math.tointeger(tonumber(rest))
    if not n then return io.write(":goto needs a step number\n") end
    go(active, n)
  end)
  repl.add_command("list", ":list", "tutorial: list the steps", function()
    if not active then
      for _, t in ipairs(M.list()) do io.write(string.format("%2d %-14s %s\n", t.number, t.name, t.title)) end
      return
    end
    for i, s in ipairs(active.steps) do
      io.write(string.format("%s%2d  %s\n", i == active.pos and ">" or " ", i, step_title(s)))
    end
  end)
  repl.add_command("restart", ":restart", "tutorial: start again at step 1", function()
    if not active then return io.write("no tutorial is running\n") end
    go(active, 1)
  end)
  repl.add_command("quit", ":quit", "leave the tutorial (or moonlab)", function()
    if active and not active.started_here then
      io.write("left the tutorial '", active.entry.name, "' at step ", active.pos, "\n")
      active = nil
      repl.set_source(nil)
      return
    end
    return "quit"
  end)
end

--- tutorial.start(name [, opts]) -> true, or nil, message.  Starts stepping
-- through tutorial name at the step last reached (opts.step: at that step;
-- opts.from_command_line: :quit leaves moonlab).  Needs the REPL.
function M.start(name, opts)
  opts = opts or {}
  local entry, err = M.find(name)
  if not entry then return nil, err end
  local book = nb.load(entry.path)
  local steps = steps_of(book)
  if #steps == 0 then return nil, "tutorial '" .. entry.name .. "' has no steps" end
  local pos = opts.step or M.progress()[entry.name] or 1
  if pos < 1 or pos > #steps then pos = 1 end
  local repl = require "moonlab.repl"
  commands(repl)
  active = { entry = entry, steps = steps, pos = pos, started_here = opts.from_command_line }
  repl.set_source({
    prefill = function()
      local t = active
      if t and t.pending and not t.offered and not t.pending:find("\n", 1, true) then
        t.offered = true
        return t.pending
      end
    end,
    empty = function()
      local t = active
      if t and t.pending and t.pending:find("\n", 1, true) then return t.pending end
    end,
    ran = function(code)
      local t = active
      if t and t.pending and squash(code) == squash(t.pending) then
        t.pending = nil
        if t.pos < #t.steps then go(t, t.pos + 1) else
          io.write("\nThat was the last step of '", t.entry.title, "'.\n")
        end
      elseif t and t.pending then
        t.offered = false -- offer the cell again on the next prompt
      end
    end,
  })
  if pos > 1 and not opts.step then io.write("(resuming at step ", pos, "; :restart starts over)\n") end
  show(active)
  return true
end

--- tutorial.print_list(): writes the tutorials with their summaries.
function M.print_list()
  local all = M.list()
  if #all == 0 then
    io.write("no tutorials found in ", M.dir(), "\n")
    return
  end
  local done = M.progress()
  io.write("Tutorials (moonlab tutorial NAME, or tutorial(\"NAME\") in the REPL):\n")
  for _, t in ipairs(all) do
    io.write(string.format("  %2d %-16s %s%s\n", t.number, t.name, t.title,
      done[t.name] and string.format(" (at step %d)", done[t.name]) or ""))
    if t.summary ~= "" then io.write(string.format("     %-16s %s\n", "", t.summary)) end
  end
end

--- tutorial.main(args) -> exit status, open_repl: the `moonlab tutorial
-- [NAME]` command.
function M.main(args)
  local name = args[1]
  if name == nil or name == "--list" or name == "list" then
    M.print_list()
    return 0, false
  end
  if name == "-h" or name == "--help" then
    io.write("usage: moonlab tutorial [NAME]\nWithout NAME, lists the tutorials; with it, steps through one in the REPL.\n")
    return 0, false
  end
  local found, ferr = M.find(name)
  if not found then
    io.stderr:write("moonlab tutorial: ", ferr, "\n")
    return 1, false
  end
  local P = require("torch")._proc
  if not (P and P.isatty and P.isatty(0)) then
    io.stderr:write("moonlab tutorial: stepping needs a terminal; run the notebook with `moonlab notebook run`\n")
    return 1, false
  end
  local ok, err = M.start(name, { from_command_line = true })
  if not ok then
    io.stderr:write("moonlab tutorial: ", err, "\n")
    return 1, false
  end
  return 0, true
end

return M
