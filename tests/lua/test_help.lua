-- test_help.lua: docstrings cannot drift from the code.  Every public function
-- of torch, every tensor method and the methods of storages, timers, files and
-- testers have a docstring in the one layout (signature, summary, arguments,
-- example); every documented name exists; every example runs; help() and
-- apropos() find them by value and by name.
local H = dofile("tests/lua/harness.lua")
local help = require "moonlab.help"
local U = require "moonlab.docs.util"
local image = require "image"

local reg = debug.getregistry()

-- public names: string keys not starting with "_"
local function public(t, fn_only)
  local out = {}
  for k, v in pairs(t) do
    if type(k) == "string" and not k:match("^_") and (not fn_only or type(v) == "function") then
      out[#out + 1] = k
    end
  end
  table.sort(out)
  return out
end

local function methods(mt)
  local set = {}
  for _, t in ipairs { mt, type(mt.__index) == "table" and mt.__index or {} } do
    for k, v in pairs(t) do
      if type(k) == "string" and type(v) == "function" and not k:match("^_") then set[k] = true end
    end
  end
  return public(set)
end

-- every name that must have a docstring, and where it lives
local required = {}
for _, k in ipairs(public(torch)) do required[#required + 1] = "torch." .. k end
for _, k in ipairs(public(torch._tensor_methods)) do required[#required + 1] = "Tensor:" .. k end
for _, k in ipairs(public(torch._storage_methods)) do required[#required + 1] = "Storage:" .. k end
for _, k in ipairs(methods(reg["torch.Timer"])) do required[#required + 1] = "Timer:" .. k end
for _, k in ipairs(methods(reg["torch.File"])) do required[#required + 1] = "File:" .. k end
for _, k in ipairs(methods(reg["torch.Tester"])) do required[#required + 1] = "Tester:" .. k end
for _, k in ipairs(methods(reg["torch.CmdLine"])) do required[#required + 1] = "CmdLine:" .. k end
for _, k in ipairs(public(image, true)) do required[#required + 1] = "image." .. k end
local csv = require "moonlab.csv"
for _, k in ipairs(public(csv, true)) do required[#required + 1] = "moonlab.csv." .. k end
local plot = require "moonlab.plot"
for _, k in ipairs(public(plot, true)) do required[#required + 1] = "moonlab.plot." .. k end
local datasets = require "moonlab.datasets"
for _, k in ipairs(public(datasets, true)) do required[#required + 1] = "moonlab.datasets." .. k end
local gnuplot = require "gnuplot"
for _, k in ipairs(public(gnuplot, true)) do required[#required + 1] = "gnuplot." .. k end
for _, k in ipairs(public(require "moonlab.notebook", true)) do required[#required + 1] = "moonlab.notebook." .. k end
for _, k in ipairs(public(require "moonlab.tutorial", true)) do required[#required + 1] = "moonlab.tutorial." .. k end
-- moonlab.ml areas (all of them, as moonlab.ml lists them): every public
-- function and class, and every method a class defines itself
for _, area in ipairs(require("moonlab.ml")._areas) do
  local mod = require("moonlab.ml." .. area)
  for _, k in ipairs(public(mod)) do
    required[#required + 1] = "moonlab.ml." .. k
    if type(mod[k]) == "table" and rawget(mod[k], "_name") then
      for _, meth in ipairs(public(mod[k], true)) do required[#required + 1] = "moonlab.ml." .. k .. ":" .. meth end
    end
  end
end
local data = require "moonlab.data"
for _, k in ipairs(public(data, true)) do required[#required + 1] = "moonlab.data." .. k end
for _, k in ipairs(public(data.DataFrame.methods, true)) do required[#required + 1] = "DataFrame:" .. k end
for _, k in ipairs(methods(data.GroupBy)) do required[#required + 1] = "GroupBy:" .. k end
required[#required + 1] = "moonlab.data.DataFrame.from_columns"

-- nn: every class (its constructor), the Module and Criterion API once, each
-- class's own extra methods, and the functions of nn, nn.Jacobian, nn.init, nn.utils
local nn = require "moonlab.nn"
local optim = require "moonlab.optim"
local nn_base = {}
for _, c in ipairs { "nn.Module", "nn.Criterion" } do
  for k, v in pairs(reg[c]) do if type(v) == "function" then nn_base[k] = true end end
end
for name, mt in pairs(reg) do
  if type(name) == "string" and name:match("^nn%.%w+$") and type(mt) == "table" and rawget(mt, "__typename") == name then
    required[#required + 1] = name
    local base = (name == "nn.Module" or name == "nn.Criterion") and {} or nn_base
    for k, v in pairs(mt) do
      if type(k) == "string" and type(v) == "function" and not k:match("^_") and k ~= "new" and not base[k] then
        required[#required + 1] = name .. ":" .. k
      end
    end
  end
end
for _, k in ipairs { "fit", "summary" } do required[#required + 1] = "nn." .. k end
for _, sub in ipairs { "Jacobian", "SparseJacobian", "init", "utils" } do
  for _, k in ipairs(public(nn[sub], true)) do required[#required + 1] = "nn." .. sub .. "." .. k end
end
required[#required + 1] = "moonlab.nn"
-- optim: its functions, the schedules, and the methods of its classes
for _, k in ipairs(public(optim, true)) do required[#required + 1] = "optim." .. k end
for _, k in ipairs(public(optim.schedules, true)) do required[#required + 1] = "optim.schedules." .. k end
local optim_classes = { ConfusionMatrix = getmetatable(optim.ConfusionMatrix(2)),
  Logger = getmetatable(optim.Logger()), ReduceLROnPlateau = getmetatable(optim.schedules.ReduceLROnPlateau(1)) }
for cls, mt in pairs(optim_classes) do
  for _, k in ipairs(public(mt, true)) do required[#required + 1] = cls .. ":" .. k end
end
required[#required + 1] = "moonlab.optim"
local stats = require "moonlab.stats"
for _, k in ipairs(public(stats)) do required[#required + 1] = "moonlab.stats." .. k end
for _, k in ipairs(public(stats.special, true)) do required[#required + 1] = "moonlab.stats.special." .. k end
local autograd = require "moonlab.autograd"
required[#required + 1] = "moonlab.autograd"
for _, k in ipairs(public(autograd)) do required[#required + 1] = "moonlab.autograd." .. k end
for _, sub in ipairs { "torch", "functional" } do
  for _, k in ipairs(public(autograd[sub], true)) do required[#required + 1] = "moonlab.autograd." .. sub .. "." .. k end
end
required[#required + 1] = "moonlab.autograd.nn.wrap"

H.test("every public function and method has a docstring", function()
  local missing = {}
  for _, name in ipairs(required) do
    if not help.get(name) then missing[#missing + 1] = name end
  end
  H.eq(table.concat(missing, " "), "", "undocumented")
  H.ok(#required > 300, "the inventory is complete (" .. #required .. " names)")
end)

H.test("every documented name exists", function()
  local function exists(name)
    local m = name:match("^torch%.(.+)$")
    if m then return rawget(torch, m) ~= nil end
    m = name:match("^Tensor:(.+)$")
    if m then return torch._tensor_methods[m] ~= nil end
    m = name:match("^Storage:(.+)$")
    if m then return torch._storage_methods[m] ~= nil end
    for cls, reg_name in pairs { Timer = "torch.Timer", File = "torch.File", Tester = "torch.Tester",
      CmdLine = "torch.CmdLine" } do
      m = name:match("^" .. cls .. ":(.+)$")
      if m then
        local mt = reg[reg_name]
        return mt[m] ~= nil or (type(mt.__index) == "table" and mt.__index[m] ~= nil)
      end
    end
    m = name:match("^image%.(.+)$")
    if m then return image[m] ~= nil end
    if name == "torch" or name == "image" or name == "help" or name == "apropos" then return true end
    if name == "moonlab.csv" or name == "moonlab.plot" or name == "gnuplot" then return true end
    if name == "moonlab.notebook" or name == "moonlab.tutorial" or name == "tutorial" then return true end
    if name == "moonlab.datasets" or name == "moonlab.ml" or name == "moonlab.data" then return true end
    m = name:match("^DataFrame:(.+)$")
    if m then return data.DataFrame.methods[m] ~= nil end
    m = name:match("^GroupBy:(.+)$")
    if m then return data.GroupBy[m] ~= nil end
    if name == "moonlab.data.DataFrame.from_columns" then return true end
    if name == "moonlab.csv" or name == "moonlab.plot" or name == "gnuplot" or name == "moonlab.stats" then return true end
    if name == "moonlab.autograd" then return true end
    m = name:match("^moonlab%.autograd%.(.+)$")
    if m then
      local v = require "moonlab.autograd"
      for part in m:gmatch("[^.]+") do v = type(v) == "table" and rawget(v, part) or nil end
      return v ~= nil
    end
    m = name:match("^moonlab%.stats%.special%.(.+)$")
    if m then return require("moonlab.stats").special[m] ~= nil end
    m = name:match("^gnuplot%.(.+)$")
    if m then return gnuplot[m] ~= nil end
    local cls, meth = name:match("^moonlab%.ml%.([%w_]+):([%w_]+)$")
    if cls then
      local c = require("moonlab.ml")[cls]
      return type(c) == "table" and c[meth] ~= nil
    end
    if name == "moonlab.nn" or name == "moonlab.optim" then return true end
    if name == "moonlab.nn" or name == "moonlab.optim" or name == "moonlab.autograd" then return true end
    m = name:match("^moonlab%.autograd%.nn%.(.+)$")
    if m then return autograd.nn[m] ~= nil end
    m = name:match("^nn%.(%w+)$")
    if m then return nn[m] ~= nil end
    local cls, meth = name:match("^(nn%.%w+):([%w_]+)$")
    if cls then return reg[cls] ~= nil and reg[cls][meth] ~= nil end
    local a, b = name:match("^nn%.(%w+)%.([%w_]+)$")
    if a then return type(nn[a]) == "table" and nn[a][b] ~= nil end
    m = name:match("^optim%.(.+)$")
    if m then
      local v = optim
      for part in m:gmatch("[^.]+") do v = type(v) == "table" and v[part] or nil end
      return v ~= nil
    end
    cls, meth = name:match("^(%w+):([%w_]+)$")
    if cls and optim_classes[cls] then return optim_classes[cls][meth] ~= nil end
    local mod, fn = name:match("^(moonlab%.%a+)%.(.+)$")
    if mod then return require(mod)[fn] ~= nil end
    return false
  end
  local stale = {}
  for _, name in ipairs(help.names()) do
    if not exists(name) then stale[#stale + 1] = name end
  end
  H.eq(table.concat(stale, " "), "", "documented but missing")
end)

H.test("every docstring has a signature, a summary, arguments and an example", function()
  local bad = {}
  for _, name in ipairs(help.names()) do
    local d = help.get(name)
    local sig, summary = d:match("^([^\n]+)\n([^\n]+)")
    local short = name:match("[.:]([%w_]+)$") or name
    local ok = sig and summary and sig:find(short, 1, true) and summary:match("%.$")
      and d:find("\nArguments:\n", 1, true) and U.example(d) and #U.example(d) > 0
    if not ok then bad[#bad + 1] = name end
  end
  H.eq(table.concat(bad, " "), "", "malformed docstrings")
end)

H.test("every example runs", function()
  local failures = {}
  local quiet = function() end
  local real_write = io.write
  for _, name in ipairs(help.names()) do
    local code = U.example(help.get(name))
    if code and not code:match("^%-%-norun") then
      local env = setmetatable({ print = quiet, help = quiet, apropos = help.apropos }, { __index = _G })
      local f, err = load(code, "=example of " .. name, "t", env)
      if f then
        io.write = quiet
        local ok, e = pcall(f)
        io.write = real_write
        err = not ok and e or nil
      end
      if err then failures[#failures + 1] = name .. ": " .. tostring(err) end
    end
  end
  io.write = real_write
  H.eq(table.concat(failures, "\n"), "", "examples that fail")
end)

H.test("help finds nn and optim by value under Torch7's names", function()
  H.eq(help.text(nn.fit), help.get("nn.fit"))
  H.eq(help.text(nn.Linear), help.get("nn.Linear"))
  H.eq(help.text(nn.Linear(2, 2).forward), help.get("nn.Module:forward"))
  H.eq(help.text(nn.init.kaiming_normal), help.get("nn.init.kaiming_normal"))
  H.eq(help.text(optim.adam), help.get("optim.adam"))
  H.eq(help.text("nn.Sequential:insert"), help.get("nn.Sequential:insert"))
end)

H.test("help finds C functions, methods, Lua functions and modules by value", function()
  H.eq(help.text(torch.mm), help.get("torch.mm"))
  H.ok(help.text(torch.mm):find("torch.mm([res,] a, b)", 1, true))
  local x = torch.Tensor(2)
  H.ok(help.text(x.narrow):find("x:narrow(dim, index, size)", 1, true))
  H.eq(help.text(torch.save), help.get("torch.save"))
  H.eq(help.text(torch.Timer), help.get("torch.Timer"))
  H.ok(help.text(torch):find("torch.zeros", 1, true), "module help lists functions")
  H.ok(help.text(torch):find("Linear algebra", 1, true), "module help groups by area")
  H.ok(help.text(x):find("Tensor:narrow", 1, true), "a tensor's help lists its methods")
  H.ok(help.text(image):find("image.scale", 1, true), "the image module lists its functions")
  H.ok(not help.text(plot):find("Without a docstring", 1, true), "moonlab.plot is fully documented")
  H.ok(help.text(gnuplot):find("gnuplot.imagesc", 1, true), "the gnuplot module lists its functions")
  H.eq(help.text(plot.line), help.get("moonlab.plot.line"))
  local fig = plot.figure({output = "none"})
  H.eq(help.text(fig.line), help.get("moonlab.plot.line"), "a figure method shares its plot function's docstring")
  fig:close()
  H.ok(help.text(x.abs):find("torch.abs", 1, true), "a method shares its torch function's docstring")
  local ml = require "moonlab.ml"
  H.eq(help.text(ml.GaussianNB), help.get("moonlab.ml.GaussianNB"), "an ml class by value")
  H.eq(help.text(datasets.make_moons), help.get("moonlab.datasets.make_moons"))
end)

H.test("help finds names", function()
  H.eq(help.text("torch.mm"), help.get("torch.mm"))
  H.eq(help.text("mm"), help.get("torch.mm"))
  H.eq(help.text("narrow"), help.get("Tensor:narrow"))
  H.eq(help.text("Tensor:abs"), help.get("torch.abs"))
  H.eq(help.text("torch.Tensor.narrow"), help.get("Tensor:narrow"))
  H.eq(help.text("torch.DoubleTensor:narrow"), help.get("Tensor:narrow"))
  rawset(_G, "helptest_x", torch.Tensor(2))
  H.eq(help.text("helptest_x:narrow"), help.get("Tensor:narrow"))
  H.eq(help.text("helptest_x.fill"), help.get("Tensor:fill"))
  rawset(_G, "helptest_x", nil)
  H.eq(help.text("readDouble"), help.get("File:readDouble"))
  local t, err = help.text("no_such_thing")
  H.eq(t, nil)
  H.ok(err:find("no help for 'no_such_thing'", 1, true))
  H.ok(help.text("print"):find("manual.html#pdf-print", 1, true))
  H.ok(help.text(string.format):find("pdf-string.format", 1, true))
  H.ok(help.text():find("apropos", 1, true), "help() gives an overview")
end)

H.test("summaries and apropos", function()
  H.eq(help.summary("torch.mm"), "Matrix product of a (n x m) and b (m x p): n x p (also a * b for two matrices).")
  local out = {}
  local real = io.write
  io.write = function(...) for _, s in ipairs { ... } do out[#out + 1] = s end end
  help.apropos("CHOLESKY")
  io.write = real
  local text = table.concat(out)
  H.ok(text:find("torch.potrf", 1, true) and text:find("torch.cholesky", 1, true), text)
  H.check_error("apropos: expected a word", help.apropos, 3)
end)

H.test("register", function()
  help.register("helptest.fn", "helptest.fn(x)\nDoes nothing.\n\nArguments:\n  x  anything\n\nExample:\n  helptest.fn(1)")
  H.eq(help.summary("helptest.fn"), "Does nothing.")
  H.check_error("help.register: expected a name and a docstring", help.register, "x")
end)

H.done()
