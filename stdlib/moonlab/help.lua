-- moonlab.help: the docstring registry behind help(x), ?name and apropos().
--
-- A docstring is plain text keyed by the full name of what it describes:
-- "torch.add" for a function of the torch table, "Tensor:narrow" for a tensor
-- method, "Storage:size", "Timer:time", "File:readDouble", "Tester:eq" for
-- methods of the other classes, "torch" for the module itself.  Its first line
-- is the signature (all call forms), the second a one-line summary; then the
-- arguments, and an example after a line "Example:".  C functions cannot carry
-- text, so the docstrings of the torch namespace live in moonlab/docs/<area>.lua
-- (one file per binding area, loaded on the first help request); Lua modules
-- can register theirs next to the function with help.register(name, text).
-- A tensor method without its own entry shares the docstring of the torch
-- function of the same name (which documents both forms).
--
-- Deliberately not here: the REPL's display (moonlab.repl) and any doc for
-- Lua's standard library (help points to the Lua manual instead).
local M = {}

--- The docs areas: moonlab/docs/<area>.lua, in the order help(torch) lists them.
M.AREAS = { "tensor", "shape", "index", "math", "reduce", "sort", "blas", "linalg", "conv",
  "random", "sys", "print", "class", "serialize", "npy", "file", "cmdline", "tester", "image", "csv", "data", "repl",
  "plot",
  "notebook",
  "ml_select",
  "ml_linear",
  "datasets",
  "ml_naive_bayes",
  "ml_tree",
  "ml_neighbors",
  "ml_svm",
  "nn",
  "nn_nncore",
  "nn_nnvol",
  "nn_nnspatial",
  "optim",
  "stats",
  "ml_cluster",
  "ml_decomposition",
  "autograd",
  "nn_nntable",
  "nn_nndist",
}

local docs      -- name -> docstring, once loaded
local area_of   -- name -> area
local titles = {}
local pending = {} -- registered before the areas were loaded

local function load_all()
  if docs then return end
  docs, area_of = {}, {}
  for _, a in ipairs(M.AREAS) do
    local t = require("moonlab.docs." .. a)
    titles[a] = t.title
    for name, d in pairs(t.docs) do
      docs[name], area_of[name] = d, a
    end
  end
  for name, d in pairs(pending) do
    docs[name], area_of[name] = d, area_of[name] or "other"
  end
end

--- help.register(name, text): makes text the docstring of name (its full
-- name, "moonlab.data.read_csv"); the later registration wins.
function M.register(name, text)
  if type(name) ~= "string" or type(text) ~= "string" then
    error("help.register: expected a name and a docstring (strings)", 2)
  end
  pending[name] = text
  if docs then
    docs[name] = text
    area_of[name] = area_of[name] or "other"
  end
end

--- help.get(name) -> the docstring of name, or nil.  "Tensor:f" falls back to
-- "torch.f".
function M.get(name)
  load_all()
  local d = docs[name]
  if d then return d end
  local m = name:match("^Tensor:([%w_]+)$")
  if m then return docs["torch." .. m] end
  m = name:match("^Figure:([%w_]+)$") -- plot figures' methods share moonlab.plot's docstrings
  if m then return docs["moonlab.plot." .. m] end
end

--- help.names() -> sorted list of every documented name.
function M.names()
  load_all()
  local out = {}
  for k in pairs(docs) do out[#out + 1] = k end
  table.sort(out)
  return out
end

--- help.summary(name) -> the one-line summary of name's docstring, or nil.
function M.summary(name)
  local d = M.get(name)
  if not d then return nil end
  local lines = {}
  for line in d:gmatch("[^\n]+") do
    lines[#lines + 1] = line
    if #lines == 2 then break end
  end
  return lines[2]
end

-- ---------------------------------------------------------------- finding names

local STD = { "string", "table", "math", "io", "os", "coroutine", "utf8", "debug", "package" }

-- value -> list of its names (a function may have several: aliases, method forms)
local function reverse_index()
  local torch = rawget(_G, "torch") or require "torch"
  local idx = {}
  local function add(v, name)
    if v == nil then return end
    local l = idx[v]
    if not l then l = {}; idx[v] = l end
    l[#l + 1] = name
  end
  for k, v in pairs(torch) do
    if type(k) == "string" then add(v, "torch." .. k) end
  end
  add(torch, "torch")
  for k, v in pairs(torch._tensor_methods or {}) do add(v, "Tensor:" .. k) end
  for k, v in pairs(torch._storage_methods or {}) do add(v, "Storage:" .. k) end
  local function class_methods(prefix, mt)
    if type(mt) ~= "table" then return end
    local index = rawget(mt, "__index")
    for _, t in ipairs { mt, type(index) == "table" and index or {} } do
      for k, v in pairs(t) do
        if type(k) == "string" and type(v) == "function" and not k:match("^__") then add(v, prefix .. k) end
      end
    end
  end
  local dbg = debug.getregistry and debug.getregistry() or {}
  class_methods("Timer:", dbg["torch.Timer"])
  class_methods("File:", dbg["torch.File"])
  for _, n in ipairs { "torch.DiskFile", "torch.MemoryFile", "torch.PipeFile" } do
    class_methods("File:", dbg[n])
  end
  class_methods("Tester:", dbg["torch.Tester"])
  class_methods("CmdLine:", dbg["torch.CmdLine"])
  local pf = package.loaded["moonlab.plot.figure"]
  if type(pf) == "table" then class_methods("Figure:", pf.Figure) end
  local dfm, dfo = package.loaded["moonlab.data.frame"], package.loaded["moonlab.data.ops"]
  if type(dfm) == "table" then class_methods("DataFrame:", dfm.methods) end
  if type(dfo) == "table" then class_methods("GroupBy:", dfo.GroupBy) end
  for _, g in ipairs { "help", "apropos" } do add(rawget(_G, g), g) end
  for name, mod in pairs(package.loaded) do
    if type(mod) == "table" and mod ~= _G and mod ~= torch then
      add(mod, name)
      for k, v in pairs(mod) do
        if type(k) == "string" and type(v) == "function" then add(v, name .. "." .. k) end
        -- estimator classes of moonlab.ml (base.estimator tables, or any
        -- documented class): the class and its methods
        if type(k) == "string" and type(v) == "table" and (rawget(v, "_defaults") ~= nil or M.get(name .. "." .. k)) then
          add(v, name .. "." .. k)
          for mk, mv in pairs(v) do
            if type(mk) == "string" and type(mv) == "function" then add(mv, name .. "." .. k .. ":" .. mk) end
          end
        end
      end
    end
  end
  -- nn and optim are documented under Torch7's names (nn.Linear, nn.Module:forward,
  -- optim.sgd, nn.init.xavier_uniform), whichever way they were required
  for modname, alias in pairs { ["moonlab.nn"] = "nn", ["moonlab.optim"] = "optim" } do
    local mod = package.loaded[modname]
    if type(mod) == "table" then
      for k, v in pairs(mod) do
        if type(k) == "string" then
          add(v, alias .. "." .. k)
          if type(v) == "table" and getmetatable(v) == nil then
            for k2, v2 in pairs(v) do
              if type(k2) == "string" and type(v2) == "function" then add(v2, alias .. "." .. k .. "." .. k2) end
            end
          end
        end
      end
    end
  end
  for name, mt in pairs(dbg) do
    if type(name) == "string" and name:match("^nn%.%w+$") then class_methods(name .. ":", mt) end
  end
  return idx
end

-- The documented name among names (torch.* first), or the first one.
local function best(names)
  table.sort(names, function(a, b)
    local da, db = M.get(a) ~= nil, M.get(b) ~= nil
    if da ~= db then return da end
    local ta, tb = a:match("^torch%.") ~= nil, b:match("^torch%.") ~= nil
    if ta ~= tb then return ta end
    if #a ~= #b then return #a < #b end
    return a < b
  end)
  return names[1]
end

local function std_name(name)
  local head = name:match("^([%w_]+)")
  for _, lib in ipairs(STD) do if head == lib then return true end end
  return type(rawget(_G, name)) == "function" and not name:find("[.:]")
    and ({ help = 1, apropos = 1 })[name] == nil and rawget(_G, "torch")[name] == nil
end

-- Value at a dotted path from the globals, or nil (field reads protected).
local function lookup_path(path)
  local v = _G
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    local ok, x = pcall(function() return v[part] end)
    if not ok then return nil end
    v = x
  end
  return v
end

-- Canonical documented name for a string the user typed, or nil.
local function name_for_string(s)
  s = s:gsub("%(%)$", "")
  if M.get(s) then return s end
  -- "torch.Tensor.narrow", "torch.DoubleTensor:narrow", "Tensor.narrow"
  local m = s:match("^torch%.%a*Tensor[.:]([%w_]+)$") or s:match("^Tensor%.([%w_]+)$")
  if m and M.get("Tensor:" .. m) then return "Tensor:" .. m end
  -- "x:narrow" / "x.narrow" with x a global value
  local obj, sep, meth = s:match("^([%w_.]+)([.:])([%w_]+)$")
  if obj then
    local v = lookup_path(obj)
    local torch = rawget(_G, "torch")
    if torch and torch.isTensor(v) and M.get("Tensor:" .. meth) then return "Tensor:" .. meth end
    local tn = torch and torch.typename(v)
    if tn then
      local short = tn:match("^torch%.(%a+)$")
      if short and M.get(short .. ":" .. meth) then return short .. ":" .. meth end
    end
    if sep == ":" then return nil end
  end
  -- a bare name: torch.f, a method, or any entry ending in it
  if s:match("^[%w_]+$") and not std_name(s) then -- Lua's print/select before any method
    for _, cand in ipairs { "torch." .. s, "Tensor:" .. s } do
      if M.get(cand) then return cand end
    end
    local found = {}
    for _, n in ipairs(M.names()) do
      if n:match("[.:]" .. s .. "$") then found[#found + 1] = n end
    end
    if #found > 0 then return best(found) end
  end
  return nil
end

-- ---------------------------------------------------------------- texts

local function listing(names, indent)
  local out = {}
  local w = 0
  for _, n in ipairs(names) do w = math.max(w, #n) end
  w = math.min(w, 26)
  for _, n in ipairs(names) do
    out[#out + 1] = string.format("%s%-" .. w .. "s  %s", indent, n, M.summary(n) or "")
  end
  return table.concat(out, "\n")
end

-- Help text of the torch module: its overview, then every function by area.
local function module_text(prefix, overview_name)
  load_all()
  local out = { M.get(overview_name) or overview_name }
  local by_area = {}
  for name in pairs(docs) do
    if name:sub(1, #prefix) == prefix and name ~= overview_name then
      local a = area_of[name]
      by_area[a] = by_area[a] or {}
      table.insert(by_area[a], name)
    end
  end
  local areas = {}
  for _, a in ipairs(M.AREAS) do areas[#areas + 1] = a end
  areas[#areas + 1] = "other"
  for _, a in ipairs(areas) do
    local names = by_area[a]
    if names then
      table.sort(names)
      out[#out + 1] = ""
      out[#out + 1] = (titles[a] or a) .. ":"
      out[#out + 1] = listing(names, "  ")
    end
  end
  return table.concat(out, "\n")
end

-- Help text of a table that is not torch: its docstring if it has one, then
-- its documented (or not) functions.
local function table_text(t, name)
  local out = {}
  if name and M.get(name) then out[#out + 1] = M.get(name) end
  local names, bare = {}, {}
  for k, v in pairs(t) do
    if type(k) == "string" and type(v) == "function" and not k:match("^_") then
      local full = name and (name .. "." .. k) or k
      if M.get(full) then names[#names + 1] = full else bare[#bare + 1] = full end
    end
  end
  table.sort(names)
  table.sort(bare)
  if #names > 0 then
    if #out > 0 then out[#out + 1] = "" end
    out[#out + 1] = (name or "this table") .. " functions:"
    out[#out + 1] = listing(names, "  ")
  end
  if #bare > 0 then
    out[#out + 1] = "Without a docstring: " .. table.concat(bare, ", ")
  end
  if #out == 0 then return nil end
  return table.concat(out, "\n")
end

local GENERAL = [[
Moonlab help
  ?name, name?, help(f)   the docstring of a function or module: ?torch.add, help(torch.mm)
  help(torch)             the torch namespace, function by function
  apropos("word")         names and docstrings that mention word
  :help                   the REPL's commands (:time, :timeit, :who, :run, :save ...)
Areas: ]]

--- help.text(x) -> the help text for x (a value or a name), or nil and a message.
function M.text(x)
  load_all()
  local torch = rawget(_G, "torch") or require "torch"
  if x == nil then
    local t = {}
    for _, a in ipairs(M.AREAS) do t[#t + 1] = titles[a] or a end
    return GENERAL .. table.concat(t, ", ") .. "."
  end
  if type(x) == "string" then
    if x == "torch" then return module_text("torch.", "torch") end
    if x == "torch.Tensor" or x == "Tensor" then
      return module_text("Tensor:", "torch.Tensor")
    end
    local name = name_for_string(x)
    if name then return M.get(name) end
    local v = lookup_path(x)
    if v ~= nil and type(v) ~= "string" then return M.text(v) end
    if std_name(x) then
      return x .. " is part of Lua's standard library: https://www.lua.org/manual/5.4/manual.html#pdf-" .. x
    end
    return nil, "no help for '" .. x .. "' (apropos(\"" .. x .. "\") searches the docstrings)"
  end
  if x == torch then return module_text("torch.", "torch") end
  if torch.isTensor(x) then
    local sizes = {}
    for d = 1, x:dim() do sizes[d] = x:size(d) end
    return "A " .. torch.typename(x) .. " of size " .. (#sizes > 0 and table.concat(sizes, "x") or "0")
      .. ".  Its methods (help(\"Tensor:name\") for one):\n\n" .. module_text("Tensor:", "torch.Tensor")
  end
  local idx = reverse_index()
  local names = idx[x]
  if names then
    local name = best(names)
    if type(x) == "table" and name:match("^torch%.%a*Tensor$") then
      return (M.get(name) or name) .. "\n\n" .. module_text("Tensor:", "-")
    end
    if type(x) == "table" and not getmetatable(x) then -- a module: its doc and functions
      local t = table_text(x, name)
      if t then return t end
    end
    if M.get(name) then return M.get(name) end
    if type(x) == "table" then
      local t = table_text(x, name)
      if t then return t end
    end
    if std_name(name) then
      return name .. " is part of Lua's standard library: https://www.lua.org/manual/5.4/manual.html#pdf-" .. name
    end
    return nil, "no docstring for " .. name
  end
  -- Lua's own functions
  for _, lib in ipairs(STD) do
    local t = rawget(_G, lib)
    if type(t) == "table" then
      for k, v in pairs(t) do
        if v == x then
          return lib .. "." .. k .. " is part of Lua's standard library: "
            .. "https://www.lua.org/manual/5.4/manual.html#pdf-" .. lib .. "." .. k
        end
      end
    end
  end
  for k, v in pairs(_G) do
    if v == x and type(k) == "string" and type(v) == "function" then
      if rawget(_G, "torch")[k] == nil and M.get(k) == nil then
        local std = { "assert", "collectgarbage", "dofile", "error", "getmetatable", "ipairs", "load",
          "loadfile", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset",
          "require", "select", "setmetatable", "tonumber", "tostring", "type", "warn", "xpcall" }
        for _, s in ipairs(std) do
          if s == k then
            return k .. " is part of Lua's standard library: https://www.lua.org/manual/5.4/manual.html#pdf-" .. k
          end
        end
      end
    end
  end
  if type(x) == "table" then
    local t = table_text(x, nil)
    if t then return t end
  end
  return nil, "no docstring for this " .. type(x)
end

--- help(x): prints the docstring of x (a function, module, tensor or name;
-- nothing: an overview).
function M.help(x)
  local text, err = M.text(x)
  io.write(text or err, "\n")
end

--- apropos(word): prints the documented names whose name or docstring
-- mentions word (case-insensitive), with their summaries.
function M.apropos(word)
  if type(word) ~= "string" or word == "" then
    error("apropos: expected a word to search for (a string)", 2)
  end
  load_all()
  local w = word:lower()
  local found = {}
  for name, d in pairs(docs) do
    if name:lower():find(w, 1, true) or d:lower():find(w, 1, true) then found[#found + 1] = name end
  end
  table.sort(found)
  if #found == 0 then
    io.write("nothing mentions '", word, "'\n")
  else
    io.write(listing(found, ""), "\n")
  end
end

return M
