-- torch.CmdLine: command-line options for scripts, following Torch7's
-- doc/cmdline.md: option(), argument(), text(), parse(arg), help(), string(),
-- log(), addTime(), silent().
--
--   local cmd = torch.CmdLine()
--   cmd:text("Train a model")
--   cmd:option("-lr", 0.1, "learning rate")
--   cmd:option("-cuda", false, "use the GPU")
--   cmd:argument("data", "training file")
--   local opt = cmd:parse(arg)     -- opt.lr, opt.cuda, opt.data
--
-- An option's type is its default's (number, string or boolean) unless given;
-- a boolean option takes no value: naming it flips its default.  Positional
-- arguments are required, in the order declared.  Parameters are keyed by the
-- option name without its leading dashes.
--
-- As in Torch7, a command-line mistake (unknown option, missing or bad value,
-- missing argument) prints the message and the help to stderr and exits with
-- status 1, and -h / --help prints the help and exits with status 0: this is
-- for scripts.  Code that must not exit replaces the method:
-- `function cmd:error(msg) error(msg, 0) end`.  log() replaces the global
-- `print`, as Torch7 documents, so that everything printed also goes to the
-- log file.
--
-- Deliberately not done: options of other types (tables), "-opt=value"
-- spellings, abbreviations.
local torch = require "torch"

local CmdLine = torch.class("torch.CmdLine")

local function fail(who, fmt, ...)
  error("torch.CmdLine." .. who .. ": " .. string.format(fmt, ...), 3)
end

local function bare(name) return (name:gsub("^%-+", "")) end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local TYPES = { number = true, string = true, boolean = true }

-- print functions installed by log() -> the screen print each one wraps
local screens = setmetatable({}, { __mode = "k" })

--- torch.CmdLine() -> a parser with no options, arguments or help text.
function CmdLine:__init()
  self.options = {}     -- "-name" -> {key, default, help, type}
  self.arguments = {}   -- positional arguments in order: {key, help, type}
  self.helplines = {}   -- help text lines and option/argument records, in declaration order
  self.dateformat = "%F %T"
  self.addtime = false
  self.silentio = false
end

--- cmd:text([txt]) -> cmd.  Adds a line of help text (an empty line without txt).
function CmdLine:text(txt)
  if txt ~= nil and type(txt) ~= "string" then fail("text", "expected a string, got a %s", type(txt)) end
  self.helplines[#self.helplines + 1] = txt or ""
  return self
end

local function check_new(self, who, key)
  if self.options[key] or self.options["-" .. key] then fail(who, "'%s' is declared twice", key) end
  for _, a in ipairs(self.arguments) do
    if a.key == bare(key) or bare(a.key) == bare(key) then fail(who, "'%s' is declared twice", key) end
  end
  for k in pairs(self.options) do
    if bare(k) == bare(key) then fail(who, "'%s' is declared twice (as %s)", key, k) end
  end
end

--- cmd:option(name, default, help [, type]) -> cmd.  Declares an option;
-- name starts with '-' ("-lr", "--lr").  type ("number", "string", "boolean")
-- defaults to the type of default, or "string" when default is nil.
function CmdLine:option(name, default, help, ty)
  if type(name) ~= "string" or not name:match("^%-+[^-]") then
    fail("option", "option name %s must be a string starting with '-'", string.format("%q", tostring(name)))
  end
  check_new(self, "option", name)
  ty = ty or (default == nil and "string" or type(default))
  if not TYPES[ty] then fail("option", "%s: type must be number, string or boolean, not %s", name, ty) end
  if default ~= nil and type(default) ~= ty then
    fail("option", "%s: default %s is not a %s", name, tostring(default), ty)
  end
  local rec = { key = name, default = default, help = help or "", type = ty, kind = "option" }
  self.options[name] = rec
  self.helplines[#self.helplines + 1] = rec
  return self
end

--- cmd:argument(name, help [, type]) -> cmd.  Declares a required positional
-- argument (type "string" by default, or "number").
function CmdLine:argument(name, help, ty)
  if type(name) ~= "string" or name == "" or name:match("^%-") then
    fail("argument", "argument name %s must be a string not starting with '-'",
      string.format("%q", tostring(name)))
  end
  check_new(self, "argument", name)
  ty = ty or "string"
  if ty ~= "string" and ty ~= "number" then fail("argument", "%s: type must be string or number, not %s", name, ty) end
  local rec = { key = name, help = help or "", type = ty, kind = "argument" }
  self.arguments[#self.arguments + 1] = rec
  self.helplines[#self.helplines + 1] = rec
  return self
end

--- cmd:error(msg): reports a command-line mistake: msg and the help on stderr,
-- then exits with status 1.  Replace it to raise instead.
function CmdLine:error(msg)
  io.stderr:write(msg, "\n\n", self:helpText(), "\n")
  os.exit(1)
end

local function convert(self, rec, value, what)
  if value == nil then
    return self:error(string.format("%s %s needs a %s value", what, rec.key, rec.type))
  end
  if rec.type == "number" then
    local n = tonumber(value)
    if n == nil then
      return self:error(string.format("%s %s expects a number, got '%s'", what, rec.key, value))
    end
    return n
  end
  return value
end

--- cmd:parse([arg]) -> params.  Parses the list of strings arg (the script's
-- global `arg` by default) and returns a table: every option's value (given or
-- default) and every positional argument, keyed by name without dashes.
function CmdLine:parse(argv)
  argv = argv or rawget(_G, "arg") or {}
  if type(argv) ~= "table" then fail("parse", "expected a table of strings, got a %s", type(argv)) end
  local params = {}
  for name, rec in pairs(self.options) do params[bare(name)] = rec.default end
  local npos, i = 0, 1
  while i <= #argv do
    local a = tostring(argv[i])
    local rec = self.options[a]
    if a == "-h" or a == "--help" then
      io.stdout:write(self:helpText(), "\n")
      os.exit(0)
    elseif rec then
      if rec.type == "boolean" then
        params[bare(a)] = not rec.default
      else
        params[bare(a)] = convert(self, rec, argv[i + 1], "option")
        i = i + 1
      end
    elseif a:match("^%-") and not tonumber(a) then
      return self:error("unknown option " .. a)
    else
      npos = npos + 1
      local arg_rec = self.arguments[npos]
      if not arg_rec then return self:error("unexpected argument '" .. a .. "'") end
      params[arg_rec.key] = convert(self, arg_rec, a, "argument")
    end
    i = i + 1
  end
  if npos < #self.arguments then
    return self:error("missing argument: " .. self.arguments[npos + 1].key)
  end
  return params
end

local function show(v)
  if type(v) == "string" then return v end
  return tostring(v)
end

--- cmd:helpText() -> the help as a string: a usage line, then the text lines,
-- options (with their defaults) and arguments in declaration order.
function CmdLine:helpText()
  local prog = rawget(_G, "arg") and arg[0] or "script"
  local usage = { "Usage: " .. tostring(prog) .. " [options]" }
  for _, a in ipairs(self.arguments) do usage[#usage + 1] = "<" .. a.key .. ">" end
  local width = 0
  for _, line in ipairs(self.helplines) do
    if type(line) == "table" then width = math.max(width, #line.key) end
  end
  local out = { table.concat(usage, " "), "" }
  for _, line in ipairs(self.helplines) do
    if type(line) == "string" then
      out[#out + 1] = line
    else
      local s = "  " .. line.key .. string.rep(" ", width - #line.key) .. "  " .. line.help
      if line.kind == "option" and line.default ~= nil then s = s .. " [" .. show(line.default) .. "]" end
      out[#out + 1] = s
    end
  end
  return table.concat(out, "\n")
end

--- cmd:help() prints the help (helpText) on standard output.
function CmdLine:help()
  io.stdout:write(self:helpText(), "\n")
end

--- cmd:string(prefix, params [, ignore]) -> prefix followed by ",key=value"
-- for each option whose value in params differs from its default, sorted by
-- key; options named in the set ignore ({dir = true}) are left out.
-- Useful to name an experiment's folder after its settings.
function CmdLine:string(prefix, params, ignore)
  if type(params) ~= "table" then fail("string", "params must be a table, got a %s", type(params)) end
  ignore = ignore or {}
  local parts = { tostring(prefix or "") }
  local defaults = {}
  for name, rec in pairs(self.options) do defaults[bare(name)] = rec end
  for _, k in ipairs(sorted_keys(params)) do
    local rec = defaults[k]
    if rec and not ignore[k] and params[k] ~= rec.default then
      parts[#parts + 1] = k .. "=" .. show(params[k])
    end
  end
  return table.concat(parts, ",")
end

--- cmd:addTime([name] [, format]) -> cmd.  Prefixes every line written to
-- the log file (not the screen) with os.date(format) (default "%F %T") and
-- "[name]" when given: "2012-02-07 08:21:56[name]: message".
function CmdLine:addTime(name, format)
  self.addtime = true
  self.timename = name
  self.dateformat = format or "%F %T"
  return self
end

--- cmd:silent() -> cmd.  After log(), print writes to the log file only.
function CmdLine:silent()
  self.silentio = true
  return self
end

--- cmd:log(file [, params]) -> cmd.  Sends everything printed from now on
-- to file (a path, created or truncated, or an open file handle) as well as
-- the screen (see silent), by replacing the global print; then prints a
-- "[program started on DATE]" header and params, one "key<TAB>value" per
-- line, sorted.
function CmdLine:log(file, params)
  local f
  if io.type(file) == "file" then
    f = file
  elseif type(file) == "string" then
    local err
    f, err = io.open(file, "w")
    if not f then fail("log", "cannot open the log file: %s", err) end
  else
    fail("log", "expected a file name or an open file, got a %s", type(file))
  end
  self.logfile = f
  -- the screen's print: the one this log() replaces, unless that is itself
  -- an earlier log()'s (then the same screen, not both log files)
  local screen = screens[print] or print
  local cmd = self
  local function logprint(...)
    local n = select("#", ...)
    local parts = {}
    for k = 1, n do parts[k] = tostring((select(k, ...))) end
    if not cmd.silentio then screen(...) end
    local line = table.concat(parts, "\t")
    if cmd.addtime then
      line = os.date(cmd.dateformat) .. (cmd.timename and ("[" .. cmd.timename .. "]") or "") .. ": " .. line
    end
    f:write(line, "\n")
    f:flush()
  end
  screens[logprint] = screen
  _G.print = logprint
  print("[program started on " .. os.date() .. "]")
  print("[command line arguments]")
  if params then
    for _, k in ipairs(sorted_keys(params)) do print(k, params[k]) end
  end
  print("[----------------------]")
  return self
end

return CmdLine
