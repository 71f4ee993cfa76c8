-- moonlab.autograd.nn: nn modules and criteria as differentiable functions.
--
--   local linear, p = autograd.nn.wrap(nn.Linear(4, 3))   -- or autograd.nn.Linear(4, 3)
--   local y = linear(p, x)              -- p: {weight, bias}; differentiable in p and x
--   local mse = autograd.nn.MSECriterion()
--   local loss = mse(y, target)         -- differentiable in y
--
-- The forward of the op is the module's forward (its output cloned); the
-- backward is the module's backward (zeroGradParameters, then backward),
-- re-running forward first when the module has run on other inputs since.
-- Not here: modules taking or returning tables of tensors.
local torch = require "torch"
local C = require "moonlab.autograd.core"

local N = {}

local function nnlib()
  local ok, nn = pcall(require, "moonlab.nn")
  if not ok then error("autograd.nn: moonlab.nn is not available", 3) end
  return nn
end

local function defop(forward, backward)
  return function(...)
    local n = select("#", ...)
    local args = { ... }
    local raw, need, any = {}, {}, false
    for i = 1, n do
      local a = args[i]
      if C.isnode(a) then any, raw[i], need[i] = true, a._v, true else raw[i], need[i] = a, false end
    end
    local y = forward(table.unpack(raw, 1, n))
    if not any then return y end
    return C.record(y, args, n, raw, need, backward)
  end
end

local function wrap_criterion(crit)
  local calls = 0
  local op = defop(function(input, target)
    calls = calls + 1
    return crit:forward(input, target)
  end, function(g, _, _, input, target)
    return crit:backward(input, target):clone():mul(g)
  end)
  return function(input, target)
    if C.isnode(target) then
      error("autograd.nn: " .. torch.typename(crit) .. ": the target cannot be differentiated", 2)
    end
    return op(input, target)
  end
end

local function wrap_module(m)
  local weights = m:parameters() or {}
  local last = 0        -- id of the call whose forward the module holds
  local calls = 0
  local function set(ps)
    for i, w in ipairs(weights) do
      local v = ps[i]
      if v ~= w then w:copy(v) end
    end
  end
  local op = defop(function(input, ...)
    local ps = { ... }
    set(ps)
    calls = calls + 1
    last = calls
    return m:forward(input):clone(), calls
  end, nil)
  local function fn(p, input)
    if p == nil then p = {} end
    if type(p) ~= "table" or #p ~= #weights then
      error(string.format("autograd.nn: %s expects a list of %d parameter tensors", torch.typename(m), #weights), 2)
    end
    local id = calls + 1
    local backward = function(g, _, need, inp, ...)
      local ps = { ... }
      if last ~= id then
        set(ps)
        m:forward(inp)
        last = id
      end
      set(ps)
      m:zeroGradParameters()
      local gi = m:backward(inp, g)
      local _, gws = m:parameters()
      local out = { need[1] and gi:clone() or nil }
      for i = 1, #weights do out[i + 1] = need[i + 1] and gws[i]:clone() or nil end
      return table.unpack(out, 1, #weights + 1)
    end
    local y = op(input, table.unpack(p, 1, #weights))
    if C.isnode(y) then rawset(y, "_bw", backward) end
    return y
  end
  return fn, weights
end

--- autograd.nn.wrap(module) -> fn, params: fn(params, input) runs the
-- module with params (a list shaped as module:parameters(), by default the
-- module's own tensors); for a criterion, wrap returns fn(input, target).
function N.wrap(m)
  local nn = nnlib()
  if type(m) ~= "table" or type(m.forward) ~= "function" then
    error("autograd.nn.wrap: expected an nn module or criterion, got " .. C.describe(m), 2)
  end
  if torch.isTypeOf(m, nn.Criterion) then return wrap_criterion(m) end
  return wrap_module(m)
end

-- autograd.nn.Name(...) = autograd.nn.wrap(nn.Name(...))
return setmetatable(N, {
  __index = function(_, name)
    local nn = nnlib()
    local cls = rawget(nn, name)
    if cls == nil then error("autograd.nn: nn." .. tostring(name) .. " does not exist", 2) end
    return function(...) return N.wrap(cls(...)) end
  end,
})
