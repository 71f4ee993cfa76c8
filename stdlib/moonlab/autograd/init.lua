-- moonlab.autograd: reverse-mode automatic differentiation of Lua functions
-- over tensors, in the style of torch-autograd.
--
--   local autograd = require "moonlab.autograd"
--   local df = autograd(f)                -- f(params, ...) -> scalar loss [, extra ...]
--   local grads, loss = df(params, x, y)  -- grads has the shape of params
--
-- While f runs, the tensors of params are wrapped in Nodes; every
-- differentiable op applied to a Node (operators, the functions of
-- autograd.torch, which are also installed over torch.* and the tensor
-- operators for the duration of the call, Node methods, indexed reads)
-- computes its value with moonlab's kernels and appends a node to a tape.
-- The backward pass walks the tape once in reverse, summing gradients.
-- The ops live in ops.lua, the nn bridge in nn.lua.
-- Deliberately not here: higher-order gradients (backward closures compute on
-- plain tensors), in-place ops on Nodes (methods of Nodes return new values),
-- code generation (the tape is recorded afresh by each call).
local torch = require "torch"

local core = require "moonlab.autograd.core"
local ops = require "moonlab.autograd.ops"

local M = {}

M.torch = ops.torch
M.functional = ops.functional

local OPTIONS = { optimize = true, argnum = true }

-- wrap(p, path): p with every tensor replaced by a leaf Node; leaves[] gets
-- {node, path}.  Raises on anything that is not a float tensor or a table.
local function wrap(p, path, leaves, seen)
  if core.isnode(p) then
    error("autograd: " .. path .. " is an autograd value: nested differentiation (higher-order gradients) is not supported", 0)
  elseif torch.isTensor(p) then
    local ty = torch.type(p)
    if ty ~= "torch.DoubleTensor" and ty ~= "torch.FloatTensor" then
      error(string.format("autograd: %s is a %s; only Float and Double tensors can be differentiated",
        path, ty), 0)
    end
    local n = core.leaf(p)
    leaves[#leaves + 1] = n
    return n
  elseif type(p) == "table" and getmetatable(p) == nil then
    if seen[p] then error("autograd: " .. path .. " is a cyclic table", 0) end
    seen[p] = true
    local out = {}
    for k, v in pairs(p) do
      local key = type(k) == "number" and ("[" .. k .. "]") or ("." .. tostring(k))
      out[k] = wrap(v, path .. key, leaves, seen)
    end
    seen[p] = nil
    return out
  else
    error(string.format("autograd: %s is a %s, expected a tensor or a table of tensors",
      path, core.describe(p)), 0)
  end
end

-- unwrap(w, grads): the table of gradients shaped like the wrapped params w
local function unwrap(w, grads)
  if core.isnode(w) then
    local g = grads[w]
    local v = w._v
    if g == nil then return v.new():resizeAs(v):zero() end
    if g:isSameSizeAs(v) then return g end
    return core.fit(g, v)
  end
  local out = {}
  for k, v in pairs(w) do out[k] = unwrap(v, grads) end
  return out
end

-- run(f, argnum, want, ...): calls f with argument argnum wrapped; returns
-- grads (when want), loss value, extra results.
local function run(f, argnum, want, ...)
  local args = table.pack(...)
  if args.n < argnum then
    error("autograd: df expects the parameters as argument " .. argnum .. ", got " .. args.n .. " arguments", 0)
  end
  local leaves = {}
  local wrapped = wrap(args[argnum], "params", leaves, {})
  args[argnum] = wrapped
  local tape = core.begin()
  local res = table.pack(xpcall(f, debug.traceback, table.unpack(args, 1, args.n)))
  core.finish(tape)
  if not res[1] then error(res[2], 0) end
  local loss = res[2]
  local lv = core.value(loss)
  if type(lv) ~= "number" and not (torch.isTensor(lv) and lv:nElement() == 1) then
    local what = torch.isTensor(lv) and ("a tensor of size " .. table.concat(lv:size():totable(), "x"))
      or core.describe(lv)
    error("autograd: f must return a scalar loss (a number or a 1-element tensor), got " .. what, 0)
  end
  local extra = {}
  for i = 3, res.n do extra[#extra + 1] = core.value(res[i]) end
  local lnum = type(lv) == "number" and lv or lv:sum()
  if not want then return nil, lnum, extra end
  local grads = core.backprop(tape, loss)
  return unwrap(wrapped, grads), lnum, extra
end

--- autograd(f [, opts]) -> df: df(params, ...) returns grads, loss, extra
-- results of f.  opts: argnum (which argument holds the parameters, default
-- 1), optimize (accepted for torch-autograd compatibility; the tape is always
-- recorded afresh).
local function new(f, opts)
  if type(f) ~= "function" and not (getmetatable(f) and getmetatable(f).__call) then
    error("autograd: expected a function f(params, ...), got " .. core.describe(f), 0)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error("autograd: options must be a table, got " .. type(opts), 0) end
  for k in pairs(opts) do
    if not OPTIONS[k] then error("autograd: unknown option '" .. tostring(k) .. "' (argnum, optimize)", 0) end
  end
  local argnum = opts.argnum or 1
  if math.type(argnum) ~= "integer" or argnum < 1 then
    error("autograd: option argnum must be a positive integer", 0)
  end
  return function(...)
    local grads, loss, extra = run(f, argnum, true, ...)
    return grads, loss, table.unpack(extra)
  end
end

--- autograd.value(x) -> the plain tensor or number held by x (x itself when
-- x is not an autograd value).
M.value = core.value

--- autograd.isvalue(x) -> true when x is an autograd value (a Node).
M.isvalue = core.isnode

-- each element of tensor t, visited by a callback with its index table
local function each_index(t, fn)
  local n = t:nElement()
  if n == 0 then return end
  local d = t:dim()
  local idx = {}
  for i = 1, d do idx[i] = 1 end
  for _ = 1, n do
    fn(idx)
    local k = d
    while k >= 1 do
      idx[k] = idx[k] + 1
      if idx[k] <= t:size(k) then break end
      idx[k] = 1
      k = k - 1
    end
  end
end

--- autograd.gradcheck(f, params, ...) -> ok, maxerr, worst: compares the
-- gradient of f (as autograd(f) computes it) with central finite
-- differences (step 1e-6) on every element of every tensor of params.
-- err = |analytic - numeric| / max(|analytic|, |numeric|, 1); ok when the
-- largest err is below 1e-6.  worst = {path, index, analytic, numeric}.
function M.gradcheck(f, params, ...)
  local eps = 1e-6
  local rest = table.pack(...)
  local grads = new(f)(params, ...)
  local maxerr, worst = 0, nil
  local function visit(p, g, path)
    if torch.isTensor(p) then
      each_index(p, function(idx)
        local key = { table.unpack(idx) }
        local old = p[key]
        p[key] = old + eps
        local _, lp = run(f, 1, false, params, table.unpack(rest, 1, rest.n))
        p[key] = old - eps
        local _, lm = run(f, 1, false, params, table.unpack(rest, 1, rest.n))
        p[key] = old
        local num = (lp - lm) / (2 * eps)
        local ana = g[key]
        local err = math.abs(ana - num) / math.max(math.abs(ana), math.abs(num), 1)
        if worst == nil or err > maxerr then
          maxerr = err
          worst = { path = path, index = key, analytic = ana, numeric = num }
        end
      end)
    else
      for k, v in pairs(p) do visit(v, g[k], path .. (type(k) == "number" and ("[" .. k .. "]") or ("." .. k))) end
    end
  end
  visit(params, grads, "params")
  return maxerr < 1e-6, maxerr, worst
end

M.nn = require "moonlab.autograd.nn"

return setmetatable(M, { __call = function(_, f, opts) return new(f, opts) end })
