-- moonlab.autograd: gradients of tensor functions against central finite
-- differences (nested parameter tables, broadcasting, matrix products,
-- reductions, shape ops, the nn helpers) and against nn's own backward.
local H = dofile("tests/lua/harness.lua")
local autograd = require "moonlab.autograd"
local nn = require "moonlab.nn"
torch.manualSeed(5)

-- finite-difference gradients of f(params, ...) for every tensor in params
local function numeric(f, params, ...)
  local args = table.pack(...)
  local out = {}
  local function walk(p, g)
    for k, v in pairs(p) do
      if torch.isTensor(v) then
        local gv = v:clone():zero()
        local flat, gflat = v:view(-1), gv:view(-1)
        for i = 1, flat:nElement() do
          local o = flat[i]
          flat[i] = o + 1e-6
          local f2 = f(params, table.unpack(args, 1, args.n))
          flat[i] = o - 1e-6
          local f1 = f(params, table.unpack(args, 1, args.n))
          flat[i] = o
          local a = torch.isTensor(f1) and f1:view(-1)[1] or f1
          local b = torch.isTensor(f2) and f2:view(-1)[1] or f2
          gflat[i] = (b - a) / 2e-6
        end
        g[k] = gv
      else
        g[k] = {}
        walk(v, g[k])
      end
    end
  end
  walk(params, out)
  return out
end

local function maxdiff(a, b)
  if torch.isTensor(a) then return (a - b):abs():max() end
  local m = 0
  for k, v in pairs(a) do m = math.max(m, maxdiff(v, b[k])) end
  return m
end

local function check(name, f, params, ...)
  local df = autograd(f)
  local grads, loss = df(params, ...)
  local ref = f(params, ...)
  H.near(loss, torch.isTensor(ref) and ref:view(-1)[1] or ref, 1e-12, name .. " loss")
  local num
  if torch.isTensor(params) then
    num = numeric(function(q, ...) return f(q[1], ...) end, { params }, ...)[1]
  else
    num = numeric(f, params, ...)
  end
  local err = maxdiff(grads, num)
  H.ok(err < 1e-6, name .. ": gradient differs from finite differences by " .. err)
end

H.test("an MLP with nested parameters, broadcasting bias and Torch7's * (matrix product)", function()
  local p = { l1 = { W = torch.randn(4, 5), b = torch.randn(1, 5) }, W2 = torch.randn(5, 2) }
  local x, y = torch.randn(3, 4), torch.randn(3, 2)
  check("mlp", function(q, a, t)
    local h = torch.tanh(a * q.l1.W + q.l1.b)
    local d = h * q.W2 - t
    return torch.sum(torch.cmul(d, d)) / a:size(1)
  end, p, x, y)
end)

H.test("element-wise maths, reductions over a dimension, numbers in expressions", function()
  local p = { a = torch.rand(3, 4):add(0.5), b = torch.rand(4):add(0.5) }
  check("elementwise", function(q)
    local z = torch.exp(q.a) / (q.b + 1) - torch.log(q.a) * 2 + torch.sqrt(q.a) ^ 3
    local s = torch.sigmoid(z):sum(2)
    return torch.mean(torch.abs(s - 0.3)) + (-q.b):sum() / 3
  end, p)
end)

H.test("shape ops: view, t, transpose, narrow, select, index, mv, dot", function()
  local p = { w = torch.randn(6), m = torch.randn(3, 4) }
  local idx = torch.LongTensor { 3, 1, 3 }
  check("shapes", function(q)
    local a = q.w:view(2, 3):t():narrow(1, 2, 2):transpose(1, 2)
    local b = q.m:index(2, idx):select(1, 2)
    return torch.sum(a) * 0.5 + torch.dot(b, torch.mv(q.m:narrow(2, 1, 3), b)) + q.m:mean(1):sum()
  end, p)
end)

H.test("autograd.nn: logsoftmax + nll equals nn's ClassNLL on LogSoftMax, gradients too", function()
  local x = torch.randn(5, 4)
  local y = torch.LongTensor { 1, 3, 2, 2, 3 }
  local W = torch.randn(4, 3)
  local df = autograd(function(w, a, t) return autograd.nn.nll(autograd.nn.logsoftmax(a * w), t) end)
  local g, loss = df(W, x, y)
  local m = nn.Sequential():add(nn.Linear(4, 3, false)):add(nn.LogSoftMax())
  m:get(1).weight:copy(W:t())
  local c = nn.ClassNLLCriterion()
  H.near(loss, c:forward(m:forward(x), y), 1e-12)
  m:zeroGradParameters()
  m:backward(x, c:backward(m.output, y))
  H.ok((g - m:get(1).gradWeight:t()):abs():max() < 1e-12)
  check("crossentropy", function(w, a, t) return autograd.nn.crossentropy(a * w, t) end, W, x, y)
  check("mse+relu", function(w, a) return autograd.nn.mse(autograd.nn.relu(a * w), torch.ones(5, 3)) end, W, x)
end)

H.test("autograd.nn.wrap runs an nn module as a function of its parameters", function()
  local lin = nn.Linear(4, 3)
  local f, params = autograd.nn.wrap(lin)
  local x = torch.randn(2, 4)
  local df = autograd(function(p, a) return torch.sum(torch.tanh(f(p, a))) end)
  local g, loss = df(params, x)
  H.eq(#g, 2)
  check("wrap", function(p, a) return torch.sum(torch.tanh(f(p, a))) end, params, x)
  H.ok(loss ~= 0)
end)

H.test("unused parameters get zero gradients; errors are explicit", function()
  local g = autograd(function(p) return torch.sum(p.a) end)({ a = torch.ones(2), b = torch.ones(3) })
  H.eq(g.b:sum(), 0)
  H.eq(g.a:sum(), 2)
  H.check_error("must return a number or a one-element tensor", autograd(function(p) return p * 2 end), torch.ones(3))
  H.check_error("expected a function", autograd, 3)
  -- torch functions are restored after a call, even after an error
  local mm = torch.mm
  pcall(autograd(function() error("boom") end), torch.ones(1))
  H.ok(torch.mm == mm)
end)

H.done()
