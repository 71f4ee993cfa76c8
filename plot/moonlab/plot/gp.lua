-- moonlab.plot.gp: talking to gnuplot.  One session is one gnuplot process
-- (torch._proc, vm/l_proc.c) fed scripts on its stdin; each script ends with
-- a marker line printed on stderr, so we know when gnuplot is done, what it
-- wrote on stdout (text or image output) and what it complained about.
--
-- Also here: the quoting of every string that enters a script, number
-- formatting at full precision, finding the gnuplot executable and asking it
-- which terminals it has.  Not here: what a plot looks like (kinds.lua),
-- figures and output targets (figure.lua).
local torch = require "torch"

local P = torch._proc
local gp = {}

gp.timeout_ms = 120000      -- longest wait for one script (a huge surface can take a while)
gp.exe = nil                -- path of gnuplot set by gp.set_exe, else found on $PATH
gp.program = "gnuplot"      -- the name looked up on $PATH

local INSTALL_HINT = "install the Debian package gnuplot-x11 or gnuplot-nox (sudo apt-get install gnuplot-x11, "
  .. "or `make deps`; gnuplot-qt adds plot windows), or give its path with plot.set_gnuplot(path)"

-- A gnuplot string literal holding exactly the bytes of s.  Double quotes,
-- because single-quoted strings cannot hold a newline (a newline would end
-- the command and start another one).  Backslash and double quote are
-- escaped; backquote (command substitution, done even inside double quotes)
-- and @ (macro expansion) are written as octal escapes so they never appear
-- in the command line; control characters become \n, \t or octal; NUL is dropped.
function gp.quote(s)
  s = tostring(s)
  return '"' .. s:gsub('[%c"\\`@]', function(c)
    if c == "\n" then return "\\n"
    elseif c == "\t" then return "\\t"
    elseif c == '"' or c == "\\" then return "\\" .. c
    elseif c == "\0" then return ""
    else return string.format("\\%03o", c:byte()) end
  end) .. '"'
end

-- A finite number written so that gnuplot reads back the same double.
function gp.num(v, who, what)
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    error(string.format("%s: %s must be a finite number, got %s", who or "plot", what or "value",
      v ~= v and "nan" or tostring(v)), 0)
  end
  if math.type(v) == "integer" then return string.format("%d", v) end
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%.1f", v) end
  -- the shortest of %.15g, %.16g, %.17g that reads back as v
  for _, f in ipairs({ "%.15g", "%.16g" }) do
    local s = string.format(f, v)
    if tonumber(s) == v then return s end
  end
  return string.format("%.17g", v)
end

-- The gnuplot executable, or an error saying how to install it.
function gp.find_exe(who)
  if gp.exe then return gp.exe end
  local path = P.which(gp.program)
  if not path then
    error((who or "plot") .. ": gnuplot is not installed (no " .. gp.program .. " on $PATH); "
      .. INSTALL_HINT, 0)
  end
  return path
end

-- Uses the gnuplot at path from now on (checked to be executable).
function gp.set_exe(path, who)
  local found = P.which(path)
  if not found then
    error(string.format("%s: %s is not an executable file", who or "plot.set_gnuplot", tostring(path)), 0)
  end
  gp.exe = found
  gp.terminal_cache = nil
end

-- Splits what gnuplot wrote on stderr into errors and warnings.  Each of its
-- messages is a block of lines ended by a blank line, such as
-- "         line 0: undefined variable: foo", sometimes after an echo of the
-- command and a caret line; a warning's first line says "warning:".
local function parse_messages(text)
  local errors, warnings = {}, {}
  local block = {}
  local function flush()
    if #block == 0 then return end
    local msg = table.concat(block, " ")
    if msg:lower():match("warning:") then
      warnings[#warnings + 1] = msg
    else
      errors[#errors + 1] = msg
    end
    block = {}
  end
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local msg = line:match("^%s*(.-)%s*$")
    if msg == "" then
      flush()
    elseif not msg:match("^%^$") then
      msg = msg:gsub("^line %d+: ", ""):gsub('^"[^"]*", line %d+: ', "")
      block[#block + 1] = msg
    end
  end
  flush()
  return errors, warnings
end
gp.parse_messages = parse_messages

-- ---------------------------------------------------------------- sessions

local Session = {}
Session.__index = Session

-- A session that starts its gnuplot at the first script.
function gp.session()
  return setmetatable({ proc = nil, seq = 0, runs = 0 }, Session)
end

-- Starts gnuplot if it is not running (again, after it died).
-- A gnuplot that died since the last script (killed, crashed) is reported
-- once, as an error; the call after that starts a new one.
function Session:ensure(who)
  if self.proc then
    if self.proc:alive() then return end
    local how = self.proc:close()
    self.proc = nil
    local what = how:match("^exited") and how:gsub("^exited ", "exited (") .. ")" or ("exited (" .. how .. ")")
    error(string.format("%s: gnuplot %s since the last plot; the next plot starts a new gnuplot", who, what), 0)
  end
  local exe = gp.find_exe(who)
  local ok, p = pcall(P.spawn, { exe })
  if not ok then error(who .. ": cannot start gnuplot: " .. tostring(p), 0) end
  self.proc = p
end

-- Sends script and waits for gnuplot to finish it (timeout_ms, default gp.timeout_ms).  Returns what gnuplot
-- wrote on stdout and on stderr, or raises (naming `who`) when gnuplot died
-- or did not answer in time; the dead process is then closed, and the next
-- script starts a new one.
function Session:exchange(script, who, timeout_ms)
  self:ensure(who)
  self.seq = self.seq + 1
  self.runs = self.runs + 1
  local marker = string.format("moonlab-plot-done-%d", self.seq)
  local input = script .. "\nprinterr " .. gp.quote(marker) .. "\n"
  local out, err, out2, err2 = self.proc:exchange(input, marker, timeout_ms or gp.timeout_ms)
  if out == nil then
    local how = err:gsub("^proc%.exchange: ", "")
    local said = parse_messages(err2 or "")
    self.proc:close()
    self.proc = nil
    local msg = how:match("exited") and ("gnuplot " .. how:gsub("^the process ", ""))
      or ("gnuplot " .. how)
    if #said > 0 then msg = msg .. " after: " .. table.concat(said, "; ") end
    error(string.format("%s: %s; the next plot starts a new gnuplot", who, msg), 0)
  end
  return out, err
end

-- Runs script; raises "<who>: gnuplot: <its error messages>" when gnuplot
-- reported errors.  Returns stdout and the list of warnings.
-- timeout_ms < 0 waits as long as it takes.
function Session:run(script, who, timeout_ms)
  local out, err = self:exchange(script, who, timeout_ms)
  local errors, warnings = parse_messages(err)
  if #errors > 0 then
    error(string.format("%s: gnuplot: %s", who, table.concat(errors, "; ")), 0)
  end
  return out, warnings
end

-- The process id of the running gnuplot, or nil.
function Session:pid()
  return self.proc and self.proc:pid() or nil
end

-- Ends the gnuplot process (reaped; killed if it does not quit within a second).
function Session:close()
  if self.proc then
    self.proc:close()
    self.proc = nil
  end
end

Session.__gc = Session.close
Session.__close = Session.close

-- The set of gnuplot's terminals ({pngcairo = true, ...}), asked once per
-- executable through the given session.
function gp.terminals(session, who)
  if gp.terminal_cache then return gp.terminal_cache end
  local _, err = session:exchange("printerr GPVAL_TERMINALS", who)
  local set = {}
  for name in err:gmatch("%S+") do set[name] = true end
  gp.terminal_cache = set
  return set
end

return gp
