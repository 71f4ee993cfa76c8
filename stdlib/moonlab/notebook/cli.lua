-- moonlab.notebook.cli: the `moonlab notebook ...` command (run, check) and
-- `moonlab tutorial ...` (list, step through).  main() returns the exit
-- status and, for a tutorial, asks the host to open the REPL.
local M = {}

local USAGE = [[
usage: moonlab notebook run NB.lua [-o OUT.html|OUT.md] [options]
       moonlab notebook check NB.lua [options]
Runs a notebook in Jupytext's percent format (-- %% cells) in one Lua state.
run writes a page with every cell's code, output, value, plots and errors
(default OUT: NB.html beside the notebook); check only runs it, as a test.
The exit status is 0 when every cell succeeded.
options:
  -o FILE            the page to write: .html (self-contained) or .md
  --continue         run the cells after an error too (default: stop there)
  --timeout SECONDS  stop a cell that runs longer (Lua code only)
  --param NAME=VALUE set a global before the first cell (and after a cell
                     titled "parameters"); numbers and booleans as Lua reads them
  --seed N           seed torch's and Lua's generators before the first cell
  --cache [DIR]      restore unchanged cells from DIR (default
                     .moonlab-cache/NB/ beside the notebook)
  -q, --quiet        no progress lines on stderr
]]

local function fail(msg)
  io.stderr:write("moonlab notebook: ", msg, "\n")
  return 2
end

-- Parses the options of run/check; returns opts or nil, message.
local function parse(args)
  local nb = require "moonlab.notebook"
  local o = { params = {} }
  local i = 1
  local function value(name)
    i = i + 1
    if args[i] == nil then error({ msg = name .. " needs a value" }) end
    return args[i]
  end
  local ok, err = pcall(function()
    while i <= #args do
      local a = args[i]
      if a == "-o" or a == "--output" then o.output = value(a)
      elseif a == "--continue" then o.continue = true
      elseif a == "--timeout" then
        o.timeout = tonumber(value(a))
        if not o.timeout or o.timeout <= 0 then error({ msg = "--timeout wants a positive number of seconds" }) end
      elseif a == "--param" then
        local okp, name, v = pcall(nb.parse_param, value(a))
        if not okp then error({ msg = tostring(name):gsub("^notebook: ", "") }) end
        o.params[#o.params + 1] = { name, v }
      elseif a == "--seed" then
        o.seed = math.tointeger(tonumber(value(a)))
        if not o.seed then error({ msg = "--seed wants an integer" }) end
      elseif a == "--cache" then
        o.cache = true
        if args[i + 1] and not args[i + 1]:match("^%-") and not args[i + 1]:match("%.lua$") then o.cache_dir = value(a) end
      elseif a == "-q" or a == "--quiet" then o.quiet = true
      elseif a:match("^%-") then error({ msg = "unknown option " .. a })
      elseif not o.path then o.path = a
      else error({ msg = "more than one notebook given (" .. o.path .. ", " .. a .. ")" }) end
      i = i + 1
    end
  end)
  if not ok then return nil, type(err) == "table" and err.msg or tostring(err) end
  if not o.path then return nil, "no notebook given" end
  return o
end

local function dirname(path) return path:match("^(.*)/[^/]*$") or "." end
local function basename(path) return path:match("([^/]+)$") or path end

local function progress(quiet)
  if quiet then return nil end
  local P = require("torch")._proc
  local tty = P and P.isatty and P.isatty(2)
  return function(cell, r)
    if not r.index then return end
    local what = r.status
    if r.error then what = "error: " .. r.error.message:gsub("\n.*", "") end
    local line = string.format("[%d] %s%s", r.index, what, r.time and r.time >= 0.01 and string.format(" (%.2f s)", r.time) or "")
    if tty then io.stderr:write("\27[2K\r", line, "\n") else io.stderr:write(line, "\n") end
  end
end

local function run(cmd, args)
  if args[1] == "-h" or args[1] == "--help" then io.write(USAGE); return 0 end
  local o, err = parse(args)
  if not o then io.stderr:write(USAGE); return fail(err) end
  local nb = require "moonlab.notebook"
  local export = require "moonlab.notebook.export"
  local okl, book = pcall(nb.load, o.path)
  if not okl then return fail(tostring(book):gsub("^notebook%.load: ", "")) end
  local store
  if o.cache then
    local dir = o.cache_dir or (dirname(o.path) .. "/.moonlab-cache/" .. basename(o.path):gsub("%.lua$", ""))
    store = require("moonlab.notebook.cache").new(dir)
  end
  local out = o.output
  if cmd == "run" and not out then out = o.path:gsub("%.lua$", "") .. ".html" end
  if out and not (out:match("%.html?$") or out:match("%.md$")) then
    return fail("the output must end in .html or .md (got " .. out .. ")")
  end
  local results = nb.run(book, { continue = o.continue, timeout = o.timeout, params = o.params, seed = o.seed,
    cache = store, on_cell = progress(o.quiet or cmd == "check" and false) })
  if store then store:finish() end
  if out then
    local text, files
    if out:match("%.md$") then
      local figdir = basename(out):gsub("%.md$", "") .. "_files"
      text, files = export.markdown(book, results, figdir)
      if #files > 0 then
        local okd, derr = require("torch")._notebook.mkdirs(dirname(out) .. "/" .. figdir)
        if not okd then return fail(derr) end
      end
      for _, f in ipairs(files) do
        local okw, werr = export.write_file(dirname(out) .. "/" .. f[1], f[2])
        if not okw then return fail("cannot write " .. f[1] .. " (" .. tostring(werr) .. ")") end
      end
    else
      text = export.html(book, results)
    end
    local okw, werr = export.write_file(out, text)
    if not okw then return fail("cannot write " .. out .. " (" .. tostring(werr) .. ")") end
  end
  local ncode, nerr, nskip, ncached = 0, 0, 0, 0
  for _, r in ipairs(results.cells) do
    if r.index then ncode = ncode + 1 end
    if r.status == "error" then nerr = nerr + 1 end
    if r.status == "not run" then nskip = nskip + 1 end
    if r.status == "cached" then ncached = ncached + 1 end
  end
  if not o.quiet then
    io.stderr:write(string.format("%s: %d code cells, %d failed%s%s, %.2f s%s\n", o.path, ncode, nerr,
      nskip > 0 and (", " .. nskip .. " not run") or "", ncached > 0 and (", " .. ncached .. " cached") or "",
      results.time, out and (" -> " .. out) or ""))
  end
  if cmd == "check" then
    for _, r in ipairs(results.cells) do
      if r.error then io.stderr:write(export.error_text(r.error), "\n") end
    end
  end
  return results.ok and 0 or 1
end

--- cli.main(command, args) -> exit status, open_repl.  command is
-- "notebook" or "tutorial"; args the words after it.
function M.main(command, args)
  if command == "tutorial" then
    return require("moonlab.tutorial").main(args)
  end
  local sub = table.remove(args, 1)
  if sub == "run" or sub == "check" then return run(sub, args) end
  if sub == nil or sub == "-h" or sub == "--help" or sub == "help" then
    io.write(USAGE)
    return sub == nil and 2 or 0
  end
  io.stderr:write(USAGE)
  return fail("unknown command '" .. sub .. "' (run or check)")
end

return M
