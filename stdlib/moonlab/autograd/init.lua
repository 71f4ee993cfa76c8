-- moonlab.autograd: reverse-mode automatic differentiation of Lua functions
-- of tensors, in the style of torch-autograd:
--   local autograd = require "moonlab.autograd"
--   local df = autograd(function(p, x, y) ... return loss end)
--   local grads, loss = df(params, x, y)     -- grads has params' structure
-- params is a tensor or a nested table of tensors; loss must be a number or
-- a one-element tensor.  While df runs, the torch functions listed in OPS
-- (torch.add, torch.mm, torch.tanh, torch.sum ...) accept recorded values,
-- and recorded values have the tensor operators (+ - * / ^ unary -, with
-- Torch7's meaning of * : matrix product for matrices) and methods (sum,
-- mean, t, view, narrow, select, index, exp, log ...).  Element-wise
-- operations broadcast (numpy rules) and their gradients are summed back to
-- each operand's shape.  autograd.nn.wrap(module) turns an nn module into a
-- function of (parameters, input) whose gradient comes from the module's own
-- backward; autograd.nn also has logsoftmax, softmax, relu and the losses
-- nll, crossentropy, mse.
-- While df runs, the tensor types' + - * / metamethods also accept a
-- recorded right operand (restored afterwards, even on errors).
-- Not here: higher-order gradients, in-place operations on recorded values,
-- control flow that depends on gradients, optimised (compiled) tapes.
local torch = require "torch"

local A = {}

-- ---------------------------------------------------------------- nodes

local Node = {}
Node.__index = Node

local function is_node(x) return getmetatable(x) == Node end

local function value(x)
  if is_node(x) then return x.value end
  return x
end

-- a recorded value: its parents and, per parent, fn(g) -> that parent's gradient
local function node(v, parents, grads)
  return setmetatable({ value = v, parents = parents or {}, grad_fns = grads or {} }, Node)
end

local function new_like(t) return torch.getconstructortable(torch.typename(t))() end

-- the gradient g (of the broadcast result) summed back to the shape of x
local function unbroadcast(g, x)
  if type(x) == "number" then
    return torch.isTensor(g) and g:sum() or g
  end
  if not torch.isTensor(g) then return new_like(x):resizeAs(x):fill(g) end
  if g:nElement() == x:nElement() and g:dim() == x:dim() then return g end
  local r = g
  while r:dim() > x:dim() do r = r:sum(1):squeeze(1) end
  if x:dim() == 0 then return r end
  for d = 1, x:dim() do
    if x:size(d) == 1 and r:size(d) ~= 1 then r = r:sum(d) end
  end
  if r:nElement() == x:nElement() then r = r:contiguous():view(x:size()) end
  return r
end

local function op(fn, args, grads)
  local vals = {}
  for i, a in ipairs(args) do vals[i] = value(a) end
  local v = fn(table.unpack(vals, 1, #args))
  local parents, gfs = {}, {}
  for i, a in ipairs(args) do
    if is_node(a) and grads[i] then
      parents[#parents + 1] = a
      local gf = grads[i]
      gfs[#gfs + 1] = function(g) return gf(g, v, table.unpack(vals, 1, #args)) end
    end
  end
  if #parents == 0 then return v end
  return node(v, parents, gfs)
end

local function mul_any(a, b)
  -- a * b for numbers and tensors (element-wise, broadcasting)
  if type(a) == "number" or type(b) == "number" then return a * b end
  return torch.cmul(a, b)
end

local function scale(g, s) if type(g) == "number" then return g * s end return g:clone():mul(s) end

-- ---------------------------------------------------------------- primitive ops

local P = {}

function P.add(a, b)
  return op(function(x, y)
    if type(x) == "number" and type(y) == "number" then return x + y end
    if type(x) == "number" then return torch.add(y, x) end
    return torch.add(x, y)
  end, { a, b }, {
    function(g, _, x) return unbroadcast(g, x) end,
    function(g, _, _, y) return unbroadcast(g, y) end })
end

function P.sub(a, b)
  return op(function(x, y)
    if type(x) == "number" and type(y) == "number" then return x - y end
    if type(x) == "number" then return torch.mul(y, -1):add(x) end
    if type(y) == "number" then return torch.add(x, -y) end
    return torch.add(x, -1, y)
  end, { a, b }, {
    function(g, _, x) return unbroadcast(g, x) end,
    function(g, _, _, y) return unbroadcast(scale(g, -1), y) end })
end

function P.cmul(a, b)
  return op(mul_any, { a, b }, {
    function(g, _, x, y) return unbroadcast(mul_any(g, y), x) end,
    function(g, _, x, y) return unbroadcast(mul_any(g, x), y) end })
end

function P.cdiv(a, b)
  return op(function(x, y)
    if type(x) == "number" and type(y) == "number" then return x / y end
    if type(y) == "number" then return torch.div(x, y) end
    if type(x) == "number" then return torch.cinv(y):mul(x) end
    return torch.cdiv(x, y)
  end, { a, b }, {
    function(g, _, x, y)
      if type(y) == "number" then return unbroadcast(scale(g, 1 / y), x) end
      return unbroadcast(type(g) == "number" and torch.cinv(y):mul(g) or torch.cdiv(g, y), x)
    end,
    function(g, v, _, y) -- -g v / y
      local t = mul_any(g, v)
      t = type(t) == "number" and t or t:clone()
      if type(y) == "number" then return unbroadcast(-t / y, y) end
      return unbroadcast(torch.cdiv(type(t) == "number" and new_like(y):resizeAs(y):fill(t) or t, y):mul(-1), y)
    end })
end

function P.neg(a)
  return op(function(x) return type(x) == "number" and -x or torch.mul(x, -1) end, { a },
    { function(g) return scale(g, -1) end })
end

function P.pow(a, p)
  if is_node(p) then error("autograd: the exponent of ^ must be a number", 3) end
  return op(function(x) return type(x) == "number" and x ^ p or torch.pow(x, p) end, { a },
    { function(g, _, x)
      if type(x) == "number" then return g * p * x ^ (p - 1) end
      return mul_any(g, torch.pow(x, p - 1):mul(p))
    end })
end

function P.mm(a, b)
  return op(function(x, y) return torch.mm(x, y) end, { a, b }, {
    function(g, _, _, y) return torch.mm(g, y:t()) end,
    function(g, _, x) return torch.mm(x:t(), g) end })
end

function P.mv(a, b)
  return op(function(x, y) return torch.mv(x, y) end, { a, b }, {
    function(g, _, _, y) return torch.ger(g, y) end,
    function(g, _, x) return torch.mv(x:t(), g) end })
end

function P.dot(a, b)
  return op(function(x, y) return torch.dot(x, y) end, { a, b }, {
    function(g, _, _, y) return torch.mul(y, g) end,
    function(g, _, x) return torch.mul(x, g) end })
end

-- Torch7's `*`: numbers scale, matrix x matrix is mm, matrix x vector mv, vector . vector dot
function P.mul(a, b)
  local va, vb = value(a), value(b)
  if type(va) == "number" or type(vb) == "number" then return P.cmul(a, b) end
  if va:dim() == 2 and vb:dim() == 2 then return P.mm(a, b) end
  if va:dim() == 2 and vb:dim() == 1 then return P.mv(a, b) end
  if va:dim() == 1 and vb:dim() == 1 then return P.dot(a, b) end
  error("autograd: * is defined for numbers, matrices and vectors (got " .. va:dim() .. "D and " .. vb:dim() .. "D)", 3)
end

local function unary(f, df)
  return function(a)
    return op(f, { a }, { function(g, v, x) return mul_any(g, df(v, x)) end })
  end
end

P.exp = unary(function(x) return torch.exp(x) end, function(v) return v end)
P.log = unary(function(x) return torch.log(x) end, function(_, x) return torch.cinv(x) end)
P.tanh = unary(function(x) return torch.tanh(x) end, function(v) return torch.cmul(v, v):mul(-1):add(1) end)
P.sigmoid = unary(function(x) return torch.sigmoid(x) end,
  function(v) return torch.mul(v, -1):add(1):cmul(v) end)
P.sqrt = unary(function(x) return torch.sqrt(x) end, function(v) return torch.cinv(v):mul(0.5) end)
P.abs = unary(function(x) return torch.abs(x) end, function(_, x) return torch.sign(x) end)
P.relu = unary(function(x) return torch.clamp(x, 0, math.huge) end,
  function(_, x) return x:gt(0):typeAs(x) end)

function P.sum(a, dim)
  return op(function(x) if dim then return torch.sum(x, dim) end return torch.sum(x) end, { a }, {
    function(g, _, x)
      if dim then return g:expandAs(x):clone() end
      return new_like(x):resizeAs(x):fill(g)
    end })
end

function P.mean(a, dim)
  local n
  return op(function(x)
    n = dim and x:size(dim) or x:nElement()
    if dim then return torch.mean(x, dim) end
    return torch.mean(x)
  end, { a }, {
    function(g, _, x)
      if dim then return g:expandAs(x):clone():div(n) end
      return new_like(x):resizeAs(x):fill(g / n)
    end })
end

-- shape ops: the gradient is reshaped / scattered back
function P.view(a, ...)
  local sizes = { ... }
  return op(function(x) return x:contiguous():view(table.unpack(sizes)) end, { a },
    { function(g, _, x) return g:contiguous():view(x:size()) end })
end

function P.t(a)
  return op(function(x) return x:t() end, { a }, { function(g) return g:t() end })
end

function P.transpose(a, d1, d2)
  return op(function(x) return x:transpose(d1, d2) end, { a }, { function(g) return g:transpose(d1, d2) end })
end

function P.narrow(a, dim, i, n)
  return op(function(x) return x:narrow(dim, i, n) end, { a }, {
    function(g, _, x)
      local r = new_like(x):resizeAs(x):zero()
      r:narrow(dim, i, n):copy(g)
      return r
    end })
end

function P.select(a, dim, i)
  return op(function(x) return x:select(dim, i) end, { a }, {
    function(g, _, x)
      local r = new_like(x):resizeAs(x):zero()
      local s = r:select(dim, i)
      if type(s) == "number" then r[i] = g else s:copy(g) end
      return r
    end })
end

function P.index(a, dim, idx)
  return op(function(x) return x:index(dim, idx) end, { a }, {
    function(g, _, x) return new_like(x):resizeAs(x):zero():indexAdd(dim, idx, g) end })
end

-- ---------------------------------------------------------------- node operators and methods

Node.__add = function(a, b) return P.add(a, b) end
Node.__sub = function(a, b) return P.sub(a, b) end
Node.__mul = function(a, b) return P.mul(a, b) end
Node.__div = function(a, b) return P.cdiv(a, b) end
Node.__unm = function(a) return P.neg(a) end
Node.__pow = function(a, b) return P.pow(a, b) end
Node.__tostring = function(a) return "autograd value:\n" .. tostring(a.value) end

for _, name in ipairs { "sum", "mean", "view", "t", "transpose", "narrow", "select", "index", "exp", "log",
  "tanh", "sigmoid", "sqrt", "abs", "pow", "mm", "mv", "dot", "cmul", "cdiv", "add", "sub" } do
  Node[name] = P[name]
end
function Node:size(d) return self.value:size(d) end
function Node:dim() return self.value:dim() end
function Node:nElement() return self.value:nElement() end

-- ---------------------------------------------------------------- torch functions while recording

local OPS = { add = P.add, csub = P.sub, cmul = P.cmul, cdiv = P.cdiv, div = P.cdiv, mul = P.cmul, mm = P.mm,
  mv = P.mv, dot = P.dot, pow = P.pow, exp = P.exp, log = P.log, tanh = P.tanh, sigmoid = P.sigmoid,
  sqrt = P.sqrt, abs = P.abs, sum = P.sum, mean = P.mean, view = P.view, t = P.t, transpose = P.transpose,
  narrow = P.narrow, select = P.select, index = P.index, neg = P.neg }

local function with_ops(fn, ...)
  local saved = {}
  for name, f in pairs(OPS) do
    local orig = torch[name]
    saved[name] = orig
    torch[name] = function(...)
      local n = select("#", ...)
      for i = 1, n do
        if is_node((select(i, ...))) then return f(...) end
      end
      return orig(...)
    end
  end
  -- a tensor on the left of + - * / calls the tensor's metamethod first:
  -- while recording, those hand recorded right operands to the node ops
  local reg = debug.getregistry()
  local saved_mt = {}
  local node_op = { __add = P.add, __sub = P.sub, __mul = P.mul, __div = P.cdiv }
  for _, ty in ipairs { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" } do
    local mt = reg["torch." .. ty .. "Tensor"]
    if type(mt) == "table" then
      for mm, f in pairs(node_op) do
        local orig = rawget(mt, mm)
        saved_mt[#saved_mt + 1] = { mt, mm, orig }
        rawset(mt, mm, function(a, b)
          if is_node(a) or is_node(b) then return f(a, b) end
          return orig(a, b)
        end)
      end
    end
  end
  local res = table.pack(pcall(fn, ...))
  for name, orig in pairs(saved) do torch[name] = orig end
  for _, s in ipairs(saved_mt) do rawset(s[1], s[2], s[3]) end
  if not res[1] then error(res[2], 0) end
  return table.unpack(res, 2, res.n)
end

-- ---------------------------------------------------------------- backward pass

local function backprop(out)
  -- topological order (depth first), then gradients from the output down
  local order, seen = {}, {}
  local function visit(n)
    if seen[n] then return end
    seen[n] = true
    for _, p in ipairs(n.parents) do visit(p) end
    order[#order + 1] = n
  end
  visit(out)
  local grads = { [out] = 1 }
  for i = #order, 1, -1 do
    local n = order[i]
    local g = grads[n]
    if g ~= nil then
      for k, p in ipairs(n.parents) do
        local gp = n.grad_fns[k](g)
        if grads[p] == nil then
          grads[p] = type(gp) == "number" and gp or gp:clone()
        elseif type(gp) == "number" then
          grads[p] = grads[p] + gp
        else
          grads[p]:add(gp)
        end
      end
    end
  end
  return grads
end

-- leaves for the params structure, and the mapping back
local function lift(params, leaves)
  if torch.isTensor(params) or type(params) == "number" then
    local n = node(params)
    leaves[#leaves + 1] = n
    return n
  elseif type(params) == "table" then
    local t = {}
    for k, v in pairs(params) do t[k] = lift(v, leaves) end
    return t
  end
  return params
end

local function collect(lifted, grads)
  if is_node(lifted) then
    local g = grads[lifted]
    local v = lifted.value
    if g == nil then return type(v) == "number" and 0 or new_like(v):resizeAs(v):zero() end
    if torch.isTensor(g) and torch.isTensor(v) and g:nElement() == v:nElement() then
      g = g:contiguous():view(v:size())
    end
    return g
  elseif type(lifted) == "table" then
    local t = {}
    for k, v in pairs(lifted) do t[k] = collect(v, grads) end
    return t
  end
  return lifted
end

--- autograd(f) -> df: df(params, ...) returns the gradients of
-- f(params, ...) with respect to params (same nesting) and f's value.
-- f must return a number or a one-element tensor (the loss).
function A.grad(f)
  if type(f) ~= "function" then error("autograd: expected a function (got " .. type(f) .. ")", 2) end
  return function(params, ...)
    local leaves = {}
    local lifted = lift(params, leaves)
    local out = with_ops(f, lifted, ...)
    local v = value(out)
    if torch.isTensor(v) then
      if v:nElement() ~= 1 then
        error("autograd: the function must return a number or a one-element tensor (got "
          .. v:nElement() .. " elements)", 2)
      end
      v = v:view(-1)[1]
    elseif type(v) ~= "number" then
      error("autograd: the function must return a number or a one-element tensor (got " .. type(v) .. ")", 2)
    end
    if not is_node(out) then return collect(lifted, {}), v end
    local grads = backprop(out)
    return collect(lifted, grads), v
  end
end

-- ---------------------------------------------------------------- nn helpers

local AN = {}
A.nn = AN

--- autograd.nn.relu / logsoftmax / softmax / nll / crossentropy / mse:
-- functional forms usable inside a differentiated function.
AN.relu = P.relu

function AN.logsoftmax(a)
  -- rows of a (N, C): x - max - log(sum(exp(x - max)))
  return op(function(x)
    local m = x:max(2)
    local z = torch.add(x, -1, m:expandAs(x))
    return z:add(-1, torch.exp(z):sum(2):log():expandAs(z))
  end, { a }, { function(g, v) return torch.add(g, -1, torch.exp(v):cmul(g:sum(2):expandAs(v))) end })
end

function AN.softmax(a) return P.exp(AN.logsoftmax(a)) end

--- autograd.nn.nll(logp, y) -> mean of -logp[i][y_i] (y a LongTensor of classes).
function AN.nll(logp, y)
  local n = value(logp):size(1)
  local idx = y:long():view(n, 1)
  return op(function(x) return -x:gather(2, idx):sum() / n end, { logp }, {
    function(g, _, x) return new_like(x):resizeAs(x):zero():scatter(2, idx, -g / n) end })
end

function AN.crossentropy(x, y) return AN.nll(AN.logsoftmax(x), y) end

function AN.mse(a, b) local d = P.sub(a, b) return P.mean(P.cmul(d, d)) end

--- autograd.nn.wrap(module) -> f, params: f(params, input) runs the module
-- with the parameter tensors in params (a list, the order of
-- module:parameters()); its gradient comes from module:backward.  params is a
-- copy of the module's current parameters.
function AN.wrap(module)
  local ps = module:parameters() or {}
  local init = {}
  for i, p in ipairs(ps) do init[i] = p:clone() end
  local function f(params, input)
    local args = { input }
    for i = 1, #ps do args[#args + 1] = params[i] end
    local grads = {}
    grads[1] = function(g, _, x)
      module:forward(x)
      module:zeroGradParameters()
      return module:backward(x, g):clone()
    end
    for i = 1, #ps do
      grads[i + 1] = function(g, _, x)
        module:forward(x)
        module:zeroGradParameters()
        module:backward(x, g)
        local _, gs = module:parameters()
        return gs[i]:clone()
      end
    end
    return op(function(x, ...)
      local vals = { ... }
      for i, p in ipairs(ps) do p:copy(vals[i]) end
      return module:forward(x):clone()
    end, args, grads)
  end
  return f, init
end

return setmetatable(A, { __call = function(_, f) return A.grad(f) end })
