-- test_autograd.lua: moonlab.autograd.  Every differentiable op's gradient
-- against central finite differences computed here on plain tensors (no
-- autograd involved), in Double, on odd shapes, contiguous and strided;
-- broadcasting; an MLP against nn's backward; linear regression against its
-- closed-form gradient; errors.
local H = dofile("tests/lua/harness.lua")
local autograd = require "moonlab.autograd"
local A = autograd.torch
local F = autograd.functional

torch.manualSeed(7)

-- every element of t, with its index table
local function each(t, fn)
  local n, d = t:nElement(), t:dim()
  if n == 0 then return end
  local idx = {}
  for i = 1, d do idx[i] = 1 end
  for _ = 1, n do
    fn({ table.unpack(idx) })
    local k = d
    while k >= 1 do
      idx[k] = idx[k] + 1
      if idx[k] <= t:size(k) then break end
      idx[k] = 1
      k = k - 1
    end
  end
end

local function scalar(v)
  if type(v) == "number" then return v end
  return v:sum()
end

-- numeric gradient of f(params, ...) by central differences on plain tensors
local function numgrad(f, params, ...)
  local eps = 1e-6
  local rest = table.pack(...)
  local function visit(p)
    if torch.isTensor(p) then
      local g = p.new():resizeAs(p):zero()
      each(p, function(idx)
        local old = p[idx]
        p[idx] = old + eps
        local lp = scalar(f(params, table.unpack(rest, 1, rest.n)))
        p[idx] = old - eps
        local lm = scalar(f(params, table.unpack(rest, 1, rest.n)))
        p[idx] = old
        g[idx] = (lp - lm) / (2 * eps)
      end)
      return g
    end
    local out = {}
    for k, v in pairs(p) do out[k] = visit(v) end
    return out
  end
  return visit(params)
end

-- asserts autograd's gradient of f equals the numeric one (rel. err < 1e-6);
-- f may be {f, ref}: ref computes the same on plain tensors for the numeric
-- side (when f uses methods, which are in place on plain tensors)
local function check(name, f, params, ...)
  local ref = f
  if type(f) == "table" then f, ref = f[1], f[2] end
  local function copy(p)
    if torch.isTensor(p) then return p:clone() end
    local out = {}
    for k, v in pairs(p) do out[k] = copy(v) end
    return out
  end
  local before = copy(params)
  local grads, loss = autograd(f)(params, ...)
  H.near(loss, scalar(ref(params, ...)), 1e-12, name .. ": loss")
  local num = numgrad(ref, params, ...)
  local function unchanged(a, b)
    if torch.isTensor(a) then
      H.ok(a:equal(b), name .. ": the parameters are unchanged")
    else
      for k, v in pairs(a) do unchanged(v, b[k]) end
    end
  end
  unchanged(before, params)
  local function cmp(g, n, path)
    if torch.isTensor(n) then
      H.ok(torch.isTensor(g), name .. ": " .. path .. " has a tensor gradient")
      H.ok(g:isSameSizeAs(n), name .. ": " .. path .. " gradient size")
      each(n, function(idx)
        local a, b = g[idx], n[idx]
        local err = math.abs(a - b) / math.max(math.abs(a), math.abs(b), 1)
        if err >= 1e-6 then
          error(string.format("%s: %s[%s] analytic %.10g numeric %.10g", name, path,
            table.concat(idx, ","), a, b), 0)
        end
      end)
    else
      for k, v in pairs(n) do cmp(g[k], v, path .. "." .. tostring(k)) end
    end
  end
  cmp(grads, num, "params")
end

local function randn(...) return torch.randn(...) end
local function pos(...) return torch.rand(...):add(0.5) end

H.test("element-wise unary ops", function()
  local x = randn(3, 5)
  for _, name in ipairs { "exp", "tanh", "sigmoid", "abs", "sin", "cos", "neg" } do
    check(name, function(p) return A.sum(A[name](p.x)) end, { x = x })
  end
  local y = pos(5, 3)
  for _, name in ipairs { "log", "log1p", "sqrt", "rsqrt" } do
    check(name, function(p) return A.sum(A[name](p.y)) end, { y = y })
  end
  -- weighted sums so that every element's gradient differs
  local w = randn(3, 5)
  check("exp weighted", function(p) return A.sum(A.cmul(A.exp(p.x), w)) end, { x = x })
  check("pow number", function(p) return A.sum(A.pow(p.x, 3)) end, { x = x })
  check("pow base", function(p) return A.sum(A.pow(1.7, p.x)) end, { x = x })
  check("pow tensor", function(p) return A.sum(A.pow(p.y, p.z)) end, { y = pos(2, 3), z = randn(2, 3) })
  check("clamp", function(p) return A.sum(A.cmul(A.clamp(p.x, -0.5, 0.7), w)) end, { x = x })
  check("cmax number", function(p) return A.sum(A.cmul(A.cmax(p.x, 0.1), w)) end, { x = x })
  check("cmin number", function(p) return A.sum(A.cmul(A.cmin(p.x, 0.1), w)) end, { x = x })
  check("cmax tensors", function(p) return A.sum(A.cmul(A.cmax(p.x, p.z), w)) end, { x = x, z = randn(3, 5) })
  check("cmin number first", function(p) return A.sum(A.cmul(A.cmin(0.2, p.x), w)) end, { x = x })
  check("max of two tensors", function(p) return A.sum(A.max(p.x, p.z)) end, { x = x, z = randn(3, 5) })
end)

H.test("arithmetic: functions, methods and operators", function()
  local a, b, w = randn(4, 3), randn(4, 3), randn(4, 3)
  local P = { a = a, b = pos(4, 3) }
  local function s(t) return A.sum(A.cmul(t, w)) end
  check("add", function(p) return s(A.add(p.a, p.b)) end, P)
  check("add value", function(p) return s(A.add(p.a, 2.5)) end, P)
  check("add scaled", function(p) return s(A.add(p.a, 0.3, p.b)) end, P)
  check("sub", function(p) return s(A.sub(p.a, p.b)) end, P)
  check("sub scaled", function(p) return s(A.csub(p.a, 2, p.b)) end, P)
  check("mul", function(p) return s(A.mul(p.a, -1.5)) end, P)
  check("cmul", function(p) return s(A.cmul(p.a, p.b)) end, P)
  check("div", function(p) return s(A.div(p.a, 3)) end, P)
  check("cdiv", function(p) return s(A.cdiv(p.a, p.b)) end, P)
  check("number / tensor", function(p) return s(2 / p.b) end, P)
  check("operators", function(p) return s((p.a + p.b) * 2 - p.a / p.b + (-p.a) ^ 2 - 3 / p.b + 1 - p.a) end, P)
  check("methods", { function(p) return p.a:add(p.b):cmul(p.b):exp():mul(0.1):sum() end,
    function(p) return torch.exp(torch.cmul(p.a + p.b, p.b)):mul(0.1):sum() end }, P)
  check("with plain tensor on the left", function(p) return s(b + p.a - b / p.b) end, P)
  check("a value used twice", function(p) return s(A.cmul(p.a, p.a) + A.tanh(p.a)) end, P)
  -- methods on autograd values do not modify their operand
  check("methods are not in place", { function(p)
    local x = p.a
    local y = x:exp()
    return s(x + y)
  end, function(p) return s(p.a + torch.exp(p.a)) end }, P)
  H.eq(P.a, a)
end)

H.test("broadcasting sums gradients back", function()
  local w = randn(3, 5)
  local function s(t) return A.sum(A.cmul(t, w)) end
  check("matrix + row vector", function(p) return s(p.m + p.v) end, { m = randn(3, 5), v = randn(5) })
  check("matrix * column", function(p) return s(A.cmul(p.m, p.c)) end, { m = randn(3, 5), c = randn(3, 1) })
  check("row * column", function(p) return s(A.cmul(p.r, p.c)) end, { r = randn(1, 5), c = randn(3, 1) })
  check("cdiv by row", function(p) return s(A.cdiv(p.m, p.r)) end, { m = randn(3, 5), r = pos(1, 5) })
  check("sub vector", function(p) return s(p.m - p.v) end, { m = randn(3, 5), v = randn(5) })
  check("expand", function(p) return s(p.c:expand(3, 5)) end, { c = randn(3, 1) })
  check("expandAs", function(p) return s(A.expandAs(p.r, w)) end, { r = randn(1, 5) })
  check("scalar node times tensor", function(p) return s(A.mul(A.sum(p.v), p.m)) end,
    { m = randn(3, 5), v = randn(4) })
end)

H.test("reductions", function()
  local x = randn(3, 5)
  local w3, w5 = randn(3, 1), randn(1, 5)
  check("sum", function(p) return A.sum(A.exp(p.x)) end, { x = x })
  check("sum dim 2", function(p) return A.sum(A.cmul(A.sum(p.x, 2), w3)) end, { x = x })
  check("sum dim 1", function(p) return A.sum(A.cmul(A.sum(p.x, 1), w5)) end, { x = x })
  check("mean", function(p) return A.mean(A.cmul(p.x, p.x)) end, { x = x })
  check("mean dim", function(p) return A.sum(A.cmul(A.mean(p.x, 2), w3)) end, { x = x })
  check("max", function(p) return A.max(p.x) * 2 end, { x = x })
  check("min", function(p) return A.min(p.x) end, { x = x })
  check("max dim", function(p) return A.sum(A.cmul(A.max(p.x, 2), w3)) end, { x = x })
  check("min dim", function(p) return A.sum(A.cmul(A.min(p.x, 1), w5)) end, { x = x })
  check("method forms", function(p) return p.x:sum(1):exp():sum() + p.x:max() end, { x = x })
  local v, i = autograd(function(p)
    local m, idx = p.x:max(2)
    H.eq(torch.type(idx), "torch.LongTensor")
    return A.sum(m)
  end)({ x = x })
  H.eq(v.x:sum(), 3.0)
  H.ok(i ~= nil)
end)

H.test("matrix products", function()
  local P = { a = randn(3, 4), b = randn(4, 5), v = randn(4), u = randn(3), m = randn(3, 5) }
  local w = randn(3, 5)
  local function s(t) return A.sum(A.cmul(t, w)) end
  check("mm", function(p) return s(A.mm(p.a, p.b)) end, P)
  check("* operator (mm)", function(p) return s(p.a * p.b) end, P)
  check("mv", function(p) return A.dot(A.mv(p.a, p.v), p.u) end, P)
  check("dot", function(p) return A.dot(p.v, p.v) + p.u * p.u end, P)
  check("ger", function(p) return s(A.ger(p.u, A.mv(p.b:t(), p.v))) end, P)
  check("addmm", function(p) return s(A.addmm(p.m, p.a, p.b)) end, P)
  check("addmm scalars", function(p) return s(A.addmm(0.5, p.m, -2, p.a, p.b)) end, P)
  check("addmm broadcast bias", function(p) return s(A.addmm(A.expand(p.r, 3, 5), p.a, p.b)) end,
    { a = P.a, b = P.b, r = randn(1, 5) })
  check("addmv", function(p) return A.dot(A.addmv(p.u, p.a, p.v), p.u) end, P)
  check("addmv scalars", function(p) return A.sum(A.addmv(2, p.u, 0.5, p.a, p.v)) end, P)
  check("matmul", function(p)
    return s(A.matmul(p.a, p.b)) + A.sum(A.matmul(p.a, p.v)) + A.matmul(p.v, p.v) + A.sum(A.matmul(p.u, p.a))
  end, P)
  -- strided (transposed, narrowed) parameters
  check("strided operands", function(p) return s(A.mm(p.at:t(), p.b:narrow(2, 2, 5))) end,
    { at = randn(4, 3), b = randn(4, 7) })
end)

H.test("shape ops and indexing", function()
  local x = randn(3, 5)
  local function lin(t)  -- a weighted sum that depends on every element's position
    local w = torch.range(1, t:nElement()):view(t:size()):mul(0.1):sin()
    return A.sum(A.cmul(t, w))
  end
  check("view", function(p) return lin(A.exp(p.x):view(5, 3)) end, { x = x })
  check("view -1", function(p) return lin(p.x:view(-1)) end, { x = x })
  check("reshape strided", function(p) return lin(p.x:t():reshape(15)) end, { x = x })
  check("viewAs", function(p) return lin(A.viewAs(p.x, torch.zeros(5, 3))) end, { x = x })
  check("transpose", function(p) return lin(A.transpose(p.x, 1, 2)) end, { x = x })
  check("t", function(p) return lin(p.x:t()) end, { x = x })
  check("permute", function(p) return lin(p.y:permute(3, 1, 2)) end, { y = randn(2, 3, 4) })
  check("narrow", function(p) return lin(p.x:narrow(2, 2, 3)) end, { x = x })
  check("select", function(p) return lin(p.x:select(1, 2)) + lin(p.x:select(2, 4)) end, { x = x })
  check("select 1-D", function(p) return A.select(p.v, 1, 3) * 2 end, { v = randn(5) })
  check("index", function(p) return lin(p.x:index(2, torch.LongTensor { 5, 1, 1, 3 })) end, { x = x })
  check("gather with repeats", function(p)
    return lin(p.x:gather(2, torch.LongTensor { { 1, 1 }, { 5, 2 }, { 3, 3 } }))
  end, { x = x })
  check("gather dim 1", function(p) return lin(p.x:gather(1, torch.LongTensor { { 3, 1, 2, 2, 1 } })) end, { x = x })
  check("cat", function(p) return lin(A.cat(p.x, p.y, 1)) end, { x = x, y = randn(2, 5) })
  check("cat list default dim", function(p) return lin(A.cat({ p.x, torch.ones(3, 2), p.z })) end,
    { x = x, z = randn(3, 1) })
  check("squeeze/unsqueeze", function(p) return lin(p.c:squeeze():unsqueeze(1)) + lin(A.squeeze(p.c, 2)) end,
    { c = randn(3, 1) })
  check("contiguous/clone", function(p) return lin(p.x:t():contiguous()) + lin(A.clone(p.x)) end, { x = x })
  check("x[i]", function(p) return lin(p.x[2]) + p.v[3] end, { x = x, v = randn(4) })
  check("x[{i, {a, b}}]", function(p) return lin(p.x[{ 2, { 2, 4 } }]) + p.x[{ 3, 5 }] * 3 end, { x = x })
  check("x[{{}, {a, b}}]", function(p) return lin(p.x[{ {}, { 1, 2 } }]) end, { x = x })
  check("x[mask]", function(p) return lin(p.x[torch.gt(x, 0)]) end, { x = x })
  check("type conversion", function(p) return lin(p.x:double()) + lin(A.typeAs(p.x, x)) end, { x = x })
end)

H.test("norms, variances, cumulative sums, batched products, tiles", function()
  local x, w = randn(3, 5), randn(3, 5)
  local c31, c15 = randn(3, 1), randn(1, 5)
  check("norm", function(p) return A.norm(p.x) end, { x = x })
  check("norm 1", function(p) return A.norm(p.x, 1) end, { x = x })
  check("norm 3", function(p) return A.norm(p.x, 3) end, { x = x })
  check("norm dim", function(p) return A.sum(A.cmul(A.norm(p.x, 2, 2), c31)) end, { x = x })
  check("norm 3 dim", function(p) return A.sum(A.cmul(A.norm(p.x, 3, 1), c15)) end, { x = x })
  check("var", function(p) return A.var(p.x) end, { x = x })
  check("var dim", function(p) return A.sum(A.cmul(A.var(p.x, 2), c31)) end, { x = x })
  check("var dim biased", function(p) return A.sum(A.cmul(A.var(p.x, 1, true), c15)) end, { x = x })
  check("std", function(p) return A.std(p.x) end, { x = x })
  check("std dim", function(p) return A.sum(A.cmul(A.std(p.x, 2), c31)) end, { x = x })
  check("cumsum", function(p) return A.sum(A.cmul(A.cumsum(p.x, 2), w)) end, { x = x })
  check("cumsum default dim", function(p) return A.sum(A.cmul(A.cumsum(p.x), w)) end, { x = x })
  local w3 = randn(2, 3, 5)
  check("bmm", function(p) return A.sum(A.cmul(A.bmm(p.a, p.b), w3)) end, { a = randn(2, 3, 4), b = randn(2, 4, 5) })
  local wr = randn(2, 3, 15)
  check("repeatTensor", function(p) return A.sum(A.cmul(A.repeatTensor(p.x, 2, 1, 3), wr)) end, { x = x })
  check("piecewise constant", function(p)
    return A.sum(A.sign(p.x)) + A.sum(A.floor(p.x)) + A.sum(A.ceil(p.x)) + A.sum(A.round(p.x)) + A.sum(p.x)
  end, { x = x })
  local g = autograd(function(p) return A.sum(A.floor(p.x)) end)({ x = x })
  H.eq(g.x:abs():sum(), 0.0)
end)

H.test("number-valued nodes and math.*", function()
  local v = randn(4)
  check("math.exp/log/sqrt of a sum", function(p)
    local s = A.sum(A.cmul(p.v, p.v))
    return math.exp(s * 0.1) + math.log(s + 1) + math.sqrt(s) + math.abs(A.sum(p.v)) + math.sin(s) + math.cos(s)
  end, { v = v })
  check("scalar chain", function(p)
    local s = A.sum(p.v)
    return A.tanh(s) * A.sigmoid(s) + s ^ 2 / 3 - 1 / (s * s + 1) + A.clamp(s, -10, 10)
  end, { v = v })
  check("1-element tensor loss", function(p) return A.mm(p.a, p.b) end, { a = randn(1, 3), b = randn(3, 1) })
  -- comparisons read the value
  local g = autograd(function(p)
    local s = A.sum(p.v)
    if s < 1e9 and s <= 1e9 then return s * 2 end
    return s
  end)({ v = v })
  for i = 1, 4 do H.eq(g.v[i], 2.0) end
end)

H.test("functional forms", function()
  local x = randn(4, 5)
  local w = randn(4, 5)
  local t = torch.LongTensor { 2, 5, 1, 5 }
  check("softmax", function(p) return A.sum(A.cmul(F.softmax(p.x), w)) end, { x = x })
  check("softmax dim 1", function(p) return A.sum(A.cmul(F.softmax(p.x, 1), w)) end, { x = x })
  check("log_softmax", function(p) return A.sum(A.cmul(F.log_softmax(p.x), w)) end, { x = x })
  check("log_softmax 1-D", function(p) return A.sum(A.cmul(F.log_softmax(p.v), torch.range(1, 5))) end,
    { v = randn(5) })
  check("nll_loss", function(p) return F.nll_loss(F.log_softmax(p.x), t) end, { x = x })
  check("cross_entropy", function(p) return F.cross_entropy(p.x, t) end, { x = x })
  check("cross_entropy 1-D", function(p) return F.cross_entropy(p.v, 3) end, { v = randn(5) })
  check("cross_entropy double labels", function(p) return F.cross_entropy(p.x, t:double()) end, { x = x })
  check("mse_loss", function(p) return F.mse_loss(p.x, w) end, { x = x })
  check("bce_loss", function(p) return F.bce_loss(A.sigmoid(p.x), torch.gt(w, 0):double()) end, { x = x })
  check("relu", function(p) return A.sum(A.cmul(F.relu(p.x), w)) end, { x = x })
  check("linear", function(p) return A.sum(F.tanh(F.linear(p.x, p.W, p.b))) end,
    { x = x, W = randn(3, 5), b = randn(3) })
  check("linear, no bias", function(p) return A.sum(F.tanh(F.linear(p.x, p.W))) end,
    { x = x, W = randn(3, 5) })
  check("linear 1-D", function(p) return A.sum(F.tanh(F.linear(p.v, p.W, p.b))) end,
    { v = randn(5), W = randn(3, 5), b = randn(3) })
  check("linear, x a transposed view", function(p) return A.sum(F.tanh(F.linear(A.t(p.xt), p.W, p.b))) end,
    { xt = randn(5, 4), W = randn(3, 5), b = randn(3) })
  -- a batch's weight gradient is contiguous, like the weight (the update
  -- W:add(-lr, dW) walks both in order), and equals g^T x
  local W, b = randn(3, 5), randn(3)
  local gl = autograd(function(p, xx) return A.sum(A.cmul(F.linear(xx, p.W, p.b), p.c)) end)
  local c = randn(4, 3)
  local g = gl({ W = W, b = b, c = c }, x)
  H.ok(g.W:isContiguous(), "dW is contiguous")
  H.ok((g.W - torch.mm(c:t(), x)):abs():max() < 1e-14, "dW = g^T x")
  H.ok((g.b - c:sum(1):view(3)):abs():max() < 1e-14, "db = column sums of g")
  -- values: softmax rows sum to 1, cross_entropy = -log softmax at the target
  local s = F.softmax(x)
  for i = 1, 4 do H.near(s[i]:sum(), 1, 1e-14) end
  local ce = F.cross_entropy(x, t)
  local want = 0
  for i = 1, 4 do
    local row = x[i]
    local m = row:max()
    want = want - (row[t[i]] - m - math.log(torch.exp(row - m):sum())) / 4
  end
  H.near(ce, want, 1e-13)
end)

H.test("2-layer MLP with softmax cross-entropy matches nn's backward", function()
  local nn = require "moonlab.nn"
  local model = nn.Sequential():add(nn.Linear(6, 7)):add(nn.Tanh()):add(nn.Linear(7, 3))
  local crit = nn.CrossEntropyCriterion()
  local x = randn(9, 6)
  local y = torch.LongTensor { 1, 2, 3, 3, 2, 1, 1, 3, 2 }
  local l1, l2 = model:get(1), model:get(3)
  local params = { W1 = l1.weight:clone(), b1 = l1.bias:clone(), W2 = l2.weight:clone(), b2 = l2.bias:clone() }
  local function f(p, input, target)
    local h = A.tanh(F.linear(input, p.W1, p.b1))
    return F.cross_entropy(F.linear(h, p.W2, p.b2), target)
  end
  local grads, loss = autograd(f)(params, x, y)
  model:zeroGradParameters()
  local out = model:forward(x)
  local want = crit:forward(out, y)
  model:backward(x, crit:backward(out, y))
  H.near(loss, want, 1e-13)
  local function same(g, ref)
    H.ok(g:isSameSizeAs(ref))
    H.ok((g - ref):abs():max() < 1e-12, "max diff " .. (g - ref):abs():max())
  end
  same(grads.W1, l1.gradWeight)
  same(grads.b1, l1.gradBias)
  same(grads.W2, l2.gradWeight)
  same(grads.b2, l2.gradBias)
  check("mlp vs finite differences", f, params, x, y)
end)

H.test("autograd.nn wraps modules and criteria", function()
  local nn = require "moonlab.nn"
  local lin1, p1 = autograd.nn.Linear(4, 5)
  local act = autograd.nn.Tanh()
  local lin2, p2 = autograd.nn.wrap(nn.Linear(5, 2))
  local crit = autograd.nn.MSECriterion()
  H.eq(#p1, 2)
  local x, t = randn(6, 4), randn(6, 2)
  local f = function(p, input)
    return crit(lin2(p.l2, act(nil, lin1(p.l1, input))), t)
  end
  check("wrapped modules", f, { l1 = p1, l2 = p2 }, x)
  -- the gradient reaches the input too (input as the parameters)
  check("gradient of the input", function(p) return crit(lin2(p2, act(nil, lin1(p1, p.x))), t) end, { x = x })
  -- a module used twice in one function: backward re-runs the right forward
  check("module used twice", function(p)
    local a = act(nil, lin1(p.l1, p.x))
    local b = act(nil, lin1(p.l1, A.cmul(p.x, p.x)))
    return A.sum(A.cmul(a, b))
  end, { l1 = p1, x = x })
  -- the same values as the functional forms
  local g1 = autograd(function(p, input) return crit(lin1(p, input), torch.zeros(6, 5)) end)(p1, x)
  local g2 = autograd(function(p, input) return F.mse_loss(F.linear(input, p[1], p[2]), torch.zeros(6, 5)) end)(p1, x)
  H.ok((g1[1] - g2[1]):abs():max() < 1e-13)
  H.ok((g1[2] - g2[2]):abs():max() < 1e-13)
  H.check_error("expects a list of 2 parameter tensors", function() lin1({}, x) end)
  H.check_error("nn.NoSuchModule does not exist", function() return autograd.nn.NoSuchModule(3) end)
  H.check_error("expected an nn module", function() autograd.nn.wrap(3) end)
end)

H.test("linear regression: closed-form gradient", function()
  local n, d = 11, 3
  local X, y = randn(n, d), randn(n)
  local params = { w = randn(d), b = torch.Tensor { 0.3 } }
  local function f(p, X_, y_)
    local r = A.mv(X_, p.w) + p.b:expand(n) - y_
    return A.sum(A.cmul(r, r)) / n
  end
  local grads, loss = autograd(f)(params, X, y)
  local r = torch.mv(X, params.w):add(params.b[1]):add(-1, y)
  H.near(loss, r:dot(r) / n, 1e-13)
  local gw = torch.mv(X:t(), r):mul(2 / n)
  for j = 1, d do H.near(grads.w[j], gw[j], 1e-12) end
  H.near(grads.b[1], 2 * r:sum() / n, 1e-12)
  -- gradient descent reaches the least-squares solution
  local Xa = torch.cat(X, torch.ones(n, 1), 2)
  local beta = torch.gels(y:view(n, 1), Xa):narrow(1, 1, d + 1)
  local df = autograd(f)
  for _ = 1, 2000 do
    local g = df(params, X, y)
    params.w:add(-0.1, g.w)
    params.b:add(-0.1, g.b)
  end
  for j = 1, d do H.near(params.w[j], beta[j][1], 1e-8) end
  H.near(params.b[1], beta[d + 1][1], 1e-8)
end)

H.test("params: nested tables, strided and Float tensors, argnum, extra results", function()
  local P = { layers = { { W = randn(5, 4):t() }, { W = randn(2, 7):narrow(2, 2, 5) } }, s = torch.Tensor { 2 } }
  H.ok(not P.layers[1].W:isContiguous() and not P.layers[2].W:isContiguous())
  check("nested strided", function(p)
    return A.sum(A.tanh(A.mm(p.layers[1].W, p.layers[2].W:t()))) * p.s[1]
  end, P)
  local gf = autograd(function(p) return A.sum(A.exp(p.x)) end)({ x = torch.FloatTensor { 1, 2 } })
  H.eq(torch.type(gf.x), "torch.FloatTensor")
  H.near(gf.x[2], math.exp(2), 1e-6)
  local df = autograd(function(x, p) return A.dot(p, p), "extra", 7 end, { argnum = 2, optimize = true })
  local g, loss, e1, e2 = df(nil, torch.Tensor { 1, 2 })
  H.eq(g[1], 2.0)
  H.eq(g[2], 4.0)
  H.eq(loss, 5.0)
  H.eq(e1, "extra")
  H.eq(e2, 7)
  -- parameters the loss does not use get zero gradients; a constant loss gives zeros
  local g2 = autograd(function(p) return A.sum(p.a) end)({ a = torch.ones(2), b = torch.ones(3) })
  H.eq(g2.b:sum(), 0.0)
  H.eq(g2.b:nElement(), 3)
  local g3, l3 = autograd(function() return 4 end)({ a = torch.ones(2) })
  H.eq(g3.a:sum(), 0.0)
  H.eq(l3, 4)
end)

H.test("torch and the tensor operators are restored after each call", function()
  local exp, mexp = torch.exp, math.exp
  local mt = debug.getregistry()["torch.DoubleTensor"]
  local add = mt.__add
  autograd(function(p) return torch.sum(torch.exp(p.x + p.x)) end)({ x = randn(3) })
  H.eq(torch.exp, exp)
  H.eq(math.exp, mexp)
  H.eq(mt.__add, add)
  pcall(autograd(function() error("boom") end), { x = randn(3) })
  H.eq(torch.exp, exp)
  H.eq(mt.__add, add)
  -- torch.* forms on autograd values while f runs
  check("torch.* functions", function(p)
    return torch.sum(torch.cmul(torch.sigmoid(p.x), torch.exp(p.x))) + torch.mean(torch.mm(p.a, p.a:t()))
  end, { x = randn(4), a = randn(2, 3) })
end)

H.test("gradcheck", function()
  local ok, err, worst = autograd.gradcheck(function(p, x)
    return F.cross_entropy(F.linear(x, p.W, p.b), torch.LongTensor { 1, 3 })
  end, { W = randn(3, 4), b = randn(3) }, randn(2, 4))
  H.eq(ok, true)
  H.ok(err < 1e-6 and err >= 0)
  H.ok(worst.path == "params.W" or worst.path == "params.b")
  -- a function that is not differentiable where evaluated is reported
  local ok2, err2, worst2 = autograd.gradcheck(function(p) return A.sum(A.cmax(p.x, 0)) end, { x = torch.Tensor { 1, 0 } })
  H.eq(ok2, false)
  H.near(err2, 0.5, 1e-6)
  H.eq(worst2.index[1], 2)
end)

H.test("errors", function()
  local x = randn(3, 3)
  H.check_error("autograd: torch.svd is not supported on autograd values",
    autograd(function(p) return torch.svd(p.x) end), { x = x })
  H.check_error("autograd: Tensor:svd is not supported on autograd values",
    autograd(function(p) return p.x:svd() end), { x = x })
  H.check_error("autograd: torch.cumprod is not supported",
    autograd(function(p) return torch.sum(torch.cumprod(p.x, 1)) end), { x = x })
  H.check_error("autograd: Tensor:sort is not supported", autograd(function(p) return p.x:sort() end), { x = x })
  H.check_error("f must return a scalar loss (a number or a 1-element tensor), got a tensor of size 3x3",
    autograd(function(p) return torch.exp(p.x) end), { x = x })
  H.check_error("f must return a scalar loss (a number or a 1-element tensor), got nil",
    autograd(function() end), { x = x })
  H.check_error("autograd: params.a.b is a string, expected a tensor or a table of tensors",
    autograd(function() return 0 end), { a = { b = "no" } })
  H.check_error("autograd: params[2] is a number, expected a tensor",
    autograd(function() return 0 end), { x, 3 })
  H.check_error("autograd: params.i is a torch.LongTensor; only Float and Double tensors can be differentiated",
    autograd(function() return 0 end), { i = torch.LongTensor { 1 } })
  H.check_error("autograd: unknown option 'fast'", autograd, function() end, { fast = true })
  H.check_error("autograd: expected a function", autograd, 3)
  H.check_error("in-place ops cannot be differentiated",
    autograd(function(p) p.x[1] = 2 return 0 end), { x = randn(3) })
  H.check_error("nll_loss: target out of range 1..3",
    autograd(function(p) return F.cross_entropy(p.x, torch.LongTensor { 1, 4, 2 }) end), { x = x })
  H.check_error("nll_loss: 2 targets for 3 rows",
    autograd(function(p) return F.nll_loss(p.x, torch.LongTensor { 1, 2 }) end), { x = x })
  H.check_error("matmul: expected 1-D or 2-D operands",
    autograd(function(p) return A.sum(A.matmul(p.x:view(1, 3, 3), p.x)) end), { x = x })
  H.check_error("addmm: expected ([v1,] M, [v2,] A, B)",
    autograd(function(p) return A.sum(A.addmm(p.x, p.x)) end), { x = x })
  H.check_error("autograd: exp: too many or wrong arguments (result-tensor forms",
    autograd(function(p) return torch.sum(torch.exp(torch.Tensor(3, 3), p.x)) end), { x = x })
  H.check_error("autograd: add: too many or wrong arguments",
    autograd(function(p) return torch.sum(torch.add(torch.Tensor(3, 3), p.x, p.x)) end), { x = x })
  H.check_error("autograd: exp: too many or wrong arguments", autograd(function(p) return p.x:exp(p.x) end), { x = x })
  H.check_error("nested differentiation (higher-order gradients) is not supported",
    autograd(function(p) return autograd(function(q) return A.sum(q.x) end)(p) end), { x = x })
  H.check_error("autograd: df expects the parameters as argument 1, got 0 arguments", autograd(function() return 0 end))
end)

H.done()
