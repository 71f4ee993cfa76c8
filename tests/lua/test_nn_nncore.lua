-- nn, core group: the diagonal-Hessian extension (nn.hessian) against
-- finite differences of the gradient and closed forms; getParameters'
-- gathering rules (Torch7's); BatchNormalization with a batch of one;
-- nn.Sum's shapes; Decorator, NaN, Profile, DontCast, Convert, WeightNorm
-- and LinearWeightNorm against closed forms and finite differences.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
local J = nn.Jacobian
torch.manualSeed(11)

local function maxdiff(a, b) return (a:double():contiguous():view(-1) - b:double():contiguous():view(-1)):abs():max() end

local function roundtrip(m)
  local path = os.tmpname()
  torch.save(path, m)
  local m2 = torch.load(path)
  os.remove(path)
  return m2
end

-- ---------------------------------------------------------------- hessian

nn.hessian.enable()

-- the diagonal of the Hessian of F = sum(output^2) / 2 with respect to the
-- elements of t (the input or a parameter), by central differences of the
-- back-propagated gradient (dF/doutput = output)
local function fd_diag_hessian(module, input, t, grad_of)
  local h = 1e-5
  local flat = t:view(-1)
  local res = torch.Tensor(flat:nElement())
  local function grad_at(i)
    module:zeroGradParameters()
    local out = module:forward(input):clone()
    module:backward(input, out)
    return grad_of():contiguous():view(-1)[i]
  end
  for i = 1, flat:nElement() do
    local v = flat[i]
    flat[i] = v + h
    local gp = grad_at(i)
    flat[i] = v - h
    local gm = grad_at(i)
    flat[i] = v
    res[i] = (gp - gm) / (2 * h)
  end
  return res
end

local function check_linear_layer(m, input, name)
  input:copy(torch.rand(input:nElement()):mul(4):add(-2):viewAs(input))
  m:initDiagHessianParameters()
  local hi = J.backwardDiagHessian(m, input, "diagHessianInput"):clone()
  local hw = m.diagHessianWeight:clone()
  local hb = m.bias and m.diagHessianBias:clone()
  local fi = fd_diag_hessian(m, input, input, function() return m.gradInput end)
  local fw = fd_diag_hessian(m, input, m.weight, function() return m.gradWeight end)
  H.ok(maxdiff(hi, fi) < 1e-5, name .. " input " .. maxdiff(hi, fi))
  H.ok(maxdiff(hw, fw) < 1e-5, name .. " weight " .. maxdiff(hw, fw))
  if hb then
    local fb = fd_diag_hessian(m, input, m.bias, function() return m.gradBias end)
    H.ok(maxdiff(hb, fb) < 1e-5, name .. " bias " .. maxdiff(hb, fb))
  end
  -- nn.Jacobian's own check (the square of first derivatives)
  H.ok(J.testDiagHessianInput(m, input) < 1e-10)
  H.ok(J.testDiagHessianWeight(m, input) < 1e-10)
  if hb then H.ok(J.testDiagHessianBias(m, input) < 1e-10) end
end

H.test("hessian: Linear's diagonal Hessian matches finite differences of the gradient (1-D, batch, no bias)", function()
  check_linear_layer(nn.Linear(4, 3), torch.Tensor(4), "Linear 1-D")
  check_linear_layer(nn.Linear(5, 2), torch.Tensor(7, 5), "Linear batch")
  check_linear_layer(nn.Linear(3, 1), torch.Tensor(6, 3), "Linear 1 output")
  check_linear_layer(nn.Linear(4, 3):noBias(), torch.Tensor(2, 4), "Linear no bias")
end)

H.test("hessian: Linear's diagonal Hessian equals its closed form", function()
  local m = nn.Linear(3, 2)
  local x = torch.randn(5, 3)
  m:initDiagHessianParameters()
  J.backwardDiagHessian(m, x, "diagHessianInput")
  -- d2F/dx_nj^2 = sum_i W_ij^2; d2F/dW_ij^2 = sum_n x_nj^2; d2F/db_i^2 = N
  for n = 1, 5 do
    for j = 1, 3 do
      H.near(m.diagHessianInput[n][j], m.weight[1][j] ^ 2 + m.weight[2][j] ^ 2, 1e-12)
    end
  end
  for i = 1, 2 do
    for j = 1, 3 do
      local s = 0
      for n = 1, 5 do s = s + x[n][j] ^ 2 end
      H.near(m.diagHessianWeight[i][j], s, 1e-12)
    end
    H.near(m.diagHessianBias[i], 5, 1e-12)
  end
end)

H.test("hessian: SpatialConvolution (strided, padded, batch and not) matches finite differences", function()
  check_linear_layer(nn.SpatialConvolution(2, 3, 3, 2, 2, 1), torch.Tensor(2, 5, 7), "conv")
  check_linear_layer(nn.SpatialConvolution(1, 2, 2, 2, 1, 1, 1, 1), torch.Tensor(2, 1, 4, 3), "conv batch pad")
  check_linear_layer(nn.SpatialConvolution(2, 2, 2, 3):noBias(), torch.Tensor(2, 4, 4), "conv no bias")
end)

H.test("hessian: Sequential(Linear, Tanh) + MSE gives the Gauss-Newton diagonal", function()
  local lin = nn.Linear(4, 3)
  local seq = nn.Sequential():add(lin):add(nn.Tanh())
  local crit = nn.MSECriterion()
  local x, t = torch.randn(6, 4), torch.randn(6, 3)
  seq:initDiagHessianParameters()
  lin.diagHessianWeight:zero()
  lin.diagHessianBias:zero()
  local out = seq:forward(x)
  crit:forward(out, t)
  local dho = crit:updateDiagHessianInput(out, t)
  H.near(dho[1][1], 2 / 18, 1e-15)
  local dhi = seq:updateDiagHessianInput(x, dho)
  seq:accDiagHessianParameters(x, dho)
  -- reference: sum over outputs of (d out / d theta)^2 * 2/n, the Jacobian by finite differences
  local function gn(param)
    local jac = J.forward(seq, x, param)
    return jac:cmul(jac):sum(2):view(-1):mul(2 / 18)
  end
  H.ok(maxdiff(dhi, gn(x)) < 1e-7, "input " .. maxdiff(dhi, gn(x)))
  H.ok(maxdiff(lin.diagHessianWeight, gn(lin.weight)) < 1e-7, "weight")
  H.ok(maxdiff(lin.diagHessianBias, gn(lin.bias)) < 1e-7, "bias")
  H.eq(seq.diagHessianInput, dhi)
end)

H.test("hessian: Sigmoid, Square, Sqrt are point-wise f'(x)^2 times diagHessianOutput", function()
  local x = torch.rand(3, 4):add(0.5)
  local d = torch.rand(3, 4)
  for _, case in ipairs {
    { nn.Sigmoid(), function(v) local s = 1 / (1 + math.exp(-v)); return s * (1 - s) end },
    { nn.Square(), function(v) return 2 * v end },
    { nn.Sqrt(), function(v) return 0.5 / math.sqrt(v) end },
    { nn.Tanh(), function(v) return 1 - math.tanh(v) ^ 2 end } } do
    local m, df = case[1], case[2]
    m:forward(x)
    local r = m:updateDiagHessianInput(x, d)
    for i = 1, 3 do
      for j = 1, 4 do H.near(r[i][j], df(x[i][j]) ^ 2 * d[i][j], 1e-12, torch.type(m)) end
    end
  end
end)

H.test("hessian: parameters and getParameters give the diagonal Hessians third", function()
  local seq = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh()):add(nn.Linear(2, 1))
  local _, _, h0 = seq:parameters()
  H.eq(h0, nil)
  seq:initDiagHessianParameters()
  local p, g, h = seq:parameters()
  H.eq(#p, 4); H.eq(#g, 4); H.eq(#h, 4)
  H.eq(h[1], seq:get(1).diagHessianWeight)
  local fp, fg, fh = seq:getParameters()
  H.eq(fp:nElement(), 11); H.eq(fg:nElement(), 11); H.eq(fh:nElement(), 11)
  fh:fill(3)
  H.eq(seq:get(3).diagHessianBias[1], 3)
end)

H.test("hessian: modules without the extension name themselves", function()
  H.check_error("nn.ReLU:updateDiagHessianInput() is undefined", function()
    nn.ReLU():updateDiagHessianInput(torch.randn(3), torch.ones(3))
  end)
  H.check_error("nn.ClassNLLCriterion:updateDiagHessianInput() is undefined", function()
    nn.ClassNLLCriterion():updateDiagHessianInput(torch.randn(3), 1)
  end)
  -- the Linear still works after a failed call elsewhere, and enable() twice is harmless
  nn.hessian.enable()
  local m = nn.Linear(2, 2)
  m:initDiagHessianParameters()
  H.ok(J.testDiagHessianWeight(m, torch.Tensor(3, 2)) < 1e-10)
end)

H.test("hessian: Float modules", function()
  local m = nn.Linear(3, 2):float()
  m:initDiagHessianParameters()
  local x = torch.FloatTensor(4, 3)
  H.ok(J.testDiagHessianInput(m, x) < 1e-4)
  H.eq(torch.type(m.diagHessianInput), "torch.FloatTensor")
  H.eq(torch.type(m.diagHessianWeight), "torch.FloatTensor")
end)

-- ---------------------------------------------------------------- getParameters

H.test("getParameters: non-contiguous but compact tensors are gathered (Torch7's case 10)", function()
  local L = nn.Linear(10, 10)
  L.weight = torch.Tensor(10, 10):t():fill(1)
  local tmp = torch.Tensor(10, 10):fill(2)
  L.bias = tmp:select(1, 2)
  local P = L:getParameters()
  H.eq(L.weight:mean(), 1)
  H.eq(L.bias:mean(), 2)
  H.ok(L.weight:storage() == L.bias:storage())
  H.eq(P:nElement(), 110)
  H.eq(P:storage():size(), 110)
  H.eq(L.weight:stride(1), 1) -- the transposed layout is kept
  P:fill(5)
  H.eq(L.bias[10], 5)
end)

H.test("getParameters: tensors with holes that nothing fills raise an error (Torch7's case 11)", function()
  local L = nn.Linear(10, 10)
  L.bias = torch.Tensor(10, 10):fill(2):select(2, 2)
  H.check_error("nn.Module.flatten: cannot gather tensors that are not compact", L.getParameters, L)
end)

H.test("getParameters: a column whose storage the other columns fill is gathered whole", function()
  local m = torch.Tensor(3, 2)
  m[{ {}, 1 }]:fill(1); m[{ {}, 2 }]:fill(2)
  local a, b = m:select(2, 1), m:select(2, 2)
  local flat = nn.Module.flatten({ a, b })
  H.eq(flat:nElement(), 6)
  H.eq(a:sum(), 3); H.eq(b:sum(), 6)
  H.ok(a:storage() == flat:storage())
end)

H.test("getParameters: unused elements are dropped, sharing and overlap survive", function()
  local big = torch.range(1, 20)
  local a, b, c = big:narrow(1, 3, 4), big:narrow(1, 5, 4), torch.Tensor { 7, 8 }
  local flat = nn.Module.flatten({ a, b, c })
  H.eq(flat:nElement(), 6 + 2)
  H.eq(a:totable()[1], 3); H.eq(b:totable()[4], 8); H.eq(c[2], 8)
  a[3] = 100
  H.eq(b[1], 100) -- a and b overlap in elements 5 and 6
  H.ok(a:storage() == c:storage())
end)

H.test("getParameters: expanded gradients and plain weights (Torch7's case 12)", function()
  local L = nn.Linear(10, 10)
  L.weight = torch.Tensor(10, 1):fill(1)
  local e = torch.expand(L.weight, 10, 10)
  H.eq(e:stride(2), 0)
  H.eq(L.weight:size(2), 1)
  L.gradWeight = torch.Tensor(10, 1):fill(1)
  L.bias = torch.Tensor(10):fill(2)
  local P = L:getParameters()
  H.eq(P:nElement(), 20)
  H.eq(P:storage():size(), 20)
  H.eq(L.bias:mean(), 2)
  -- a stride-0 tensor is kept as a view of its one element
  local one = torch.Tensor { 4 }
  local ex = one:expand(3)
  local f = nn.Module.flatten({ ex })
  H.eq(f:nElement(), 1)
  H.eq(ex:stride(1), 0); H.eq(ex:sum(), 12)
end)

H.test("storages compare equal when they are the same storage; torch.expand & co", function()
  local t = torch.Tensor(4)
  H.ok(t:storage() == t:storage())
  H.ok(t:storage() == t:narrow(1, 2, 2):storage())
  H.ok(t:storage() ~= torch.Tensor(4):storage())
  H.ok(torch.FloatTensor(2):storage() ~= torch.FloatTensor(2):storage())
  local x = torch.Tensor { { 1 }, { 2 } }
  H.eq(maxdiff(torch.expand(x, 2, 3), torch.Tensor { { 1, 1, 1 }, { 2, 2, 2 } }), 0)
  H.eq(torch.expandAs(x, torch.Tensor(2, 2)):size(2), 2)
  H.eq(torch.view(torch.range(1, 6), 3, 2)[3][1], 5)
  H.eq(torch.viewAs(torch.range(1, 6), torch.Tensor(2, 3))[2][1], 4)
  H.eq(torch.permute(torch.Tensor(2, 3, 4), 3, 1, 2):size(1), 4)
  H.eq(torch.totable(torch.Tensor { 1, 2 })[2], 2)
  H.check_error("expand", torch.expand, torch.Tensor(2, 2), 3, 3)
end)

-- ---------------------------------------------------------------- BatchNormalization, Sum

H.test("BatchNormalization: a training batch of one sample uses the running estimates", function()
  local m = nn.BatchNormalization(3)
  m.running_mean:copy(torch.Tensor { 1, -1, 0.5 })
  m.running_var:copy(torch.Tensor { 4, 0.25, 1 })
  m.weight:copy(torch.Tensor { 2, 1, 1 }); m.bias:copy(torch.Tensor { 0, 1, -1 })
  m:training()
  local x = torch.Tensor { { 3, 0, 0.5 } }
  local y = m:forward(x)
  for j = 1, 3 do
    local want = (x[1][j] - m.running_mean[j]) / math.sqrt(m.running_var[j] + 1e-5) * m.weight[j] + m.bias[j]
    H.near(y[1][j], want, 1e-12)
  end
  H.eq(m.running_mean[1], 1) -- not updated
  H.eq(m.running_var[2], 0.25)
  H.ok(J.testJacobian(m, x) < 1e-8)
  -- a batch of two still normalises by the batch
  local x2 = torch.Tensor { { 1, 2, 3 }, { 3, 2, 1 } }
  local y2 = m:forward(x2)
  H.near(y2[1][1], -1 / math.sqrt(1 + 1e-5) * 2, 1e-12)
  H.near(m.running_mean[1], 0.9 * 1 + 0.1 * 2, 1e-12)
  -- and repeated single-sample training never drives running_var to 0
  local m2 = nn.BatchNormalization(2)
  for _ = 1, 300 do m2:forward(torch.randn(1, 2)) end
  H.eq(m2.running_var[1], 1)
  -- spatial: a batch of one image too
  local s = nn.SpatialBatchNormalization(2)
  s:forward(torch.randn(1, 2, 3, 3))
  H.eq(s.running_mean:abs():sum(), 0)
end)

H.test("Sum: Torch7's shapes (squeeze, nInputDims, sizeAverage)", function()
  local x = torch.Tensor { { 1, 2, 3 }, { 4, 5, 6 } }
  local y = nn.Sum(1, 1, true):forward(x)
  H.eq(y:dim(), 1) -- (2), as Torch7; x:mean(2) is (2, 1)
  H.eq(y[1], 2); H.eq(y[2], 5)
  H.eq(nn.Sum(1, nil, nil, false):forward(x):size(1), 1)
  H.eq(nn.Sum(1, 1, nil, false):forward(x):size(2), 1)
  H.eq(nn.Sum(-1):forward(torch.Tensor { 1, 2, 3 })[1], 6)
end)

-- ---------------------------------------------------------------- Decorator, NaN, Profile

H.test("Decorator forwards every call to its module", function()
  local lin = nn.Linear(3, 2)
  local d = nn.Decorator(lin)
  local x, go = torch.randn(4, 3), torch.randn(4, 2)
  lin:zeroGradParameters()
  local y = d:forward(x):clone()
  local gi = d:backward(x, go):clone()
  local gw = lin.gradWeight:clone()
  local ref = lin:clone()
  ref:zeroGradParameters()
  H.eq(maxdiff(y, ref:forward(x)), 0)
  H.eq(maxdiff(gi, ref:backward(x, go)), 0)
  H.eq(maxdiff(gw, ref.gradWeight), 0)
  local p = d:parameters()
  H.eq(#p, 2)
  H.eq(tostring(d), "nn.Decorator @ nn.Linear(3 -> 2)")
  H.check_error("nn.Decorator: expected an nn.Module", function() nn.Decorator(3) end)
end)

H.test("NaN: passes values through, raises naming where the NaN came from", function()
  local lin = nn.Linear(3, 4)
  local m = nn.NaN(lin)
  local m2 = nn.NaN(nn.Tanh(), 42)
  H.eq(m.id + 1, nn.NaN(nn.Tanh()).id)
  H.eq(m2.id, 42)
  local x, go = torch.randn(2, 3), torch.randn(2, 4)
  local y = m:forward(x):clone()
  H.eq(maxdiff(y, lin:forward(x)), 0)
  local nanx = x:clone(); nanx[1][2] = 0 / 0
  H.check_error("NaN found in input of module nn.NaN(", m.forward, m, nanx)
  local b = lin.bias:clone()
  lin.bias[2] = 0 / 0
  H.check_error("NaN found in parameters", m.forward, m, x)
  lin.bias:copy(b)
  m:forward(x)
  local g2 = go:clone(); g2[2][1] = 0 / 0
  H.check_error("NaN found in gradOutput", m.updateGradInput, m, x, g2)
  lin.gradBias[1] = 0 / 0
  H.check_error("NaN found in gradParameters", m.accGradParameters, m, x, go)
  H.ok(not m:recursiveIsNaN({ torch.Tensor { math.huge, 1 } }))
  H.ok(m:recursiveIsNaN({ torch.Tensor { math.huge, -math.huge } }))
  local r = roundtrip(m2)
  H.eq(r.id, 42)
end)

H.test("Profile: same values as its module, prints every print_interval passes", function()
  local lin = nn.Linear(3, 4)
  local p = nn.Profile(lin, 2, "lin")
  local x, go = torch.randn(5, 3), torch.randn(5, 4)
  local lines = {}
  local oldprint = print
  print = function(s) lines[#lines + 1] = s end
  local ok, err = pcall(function()
    for _ = 1, 4 do p:forward(x) end
    p:backward(x, go); p:backward(x, go)
  end)
  print = oldprint
  H.ok(ok, tostring(err))
  H.eq(#lines, 3)
  H.ok(lines[1]:match("^lin took [%d.]+ seconds for 2 forward passes$"), lines[1])
  H.ok(lines[3]:match("for 2 backward passes$"), lines[3])
  H.eq(maxdiff(p.output, lin:forward(x)), 0)
  H.eq(p.numFwds, 0)
  local r = roundtrip(p)
  H.eq(maxdiff(r:forward(x), p.output), 0)
  H.eq(r.name, "lin")
end)

-- ---------------------------------------------------------------- DontCast, Convert

H.test("DontCast: the module keeps its type; castin/castout copy across types", function()
  local x, go = torch.randn(3, 4), torch.randn(3, 2)
  local lin = nn.Linear(4, 2):float()
  local ref = lin:clone()
  local d = nn.DontCast(lin, true)
  H.eq(d.moduleType, "torch.FloatTensor")
  local y = d:forward(x)
  local gi = d:backward(x, go)
  H.eq(torch.type(y), "torch.DoubleTensor"); H.eq(torch.type(gi), "torch.DoubleTensor")
  H.ok(maxdiff(y, ref:forward(x:float())) < 1e-6)
  H.ok(maxdiff(gi, ref:backward(x:float(), go:float())) < 1e-6)
  d:float()
  H.eq(torch.type(lin.weight), "torch.FloatTensor")
  H.eq(torch.type(d:forward(x:float())), "torch.FloatTensor")
  d:double()
  H.eq(torch.type(lin.weight), "torch.FloatTensor") -- never cast
  H.eq(torch.type(d:forward(x)), "torch.DoubleTensor")
  -- in a converted network
  local net = nn.Sequential():add(nn.Linear(4, 4)):add(nn.DontCast(nn.Linear(4, 2), true))
  net:float()
  H.eq(torch.type(net:get(1).weight), "torch.FloatTensor")
  H.eq(torch.type(net:get(2).modules[1].weight), "torch.DoubleTensor")
  H.eq(torch.type(net:forward(x:float())), "torch.FloatTensor")
  -- tables
  local pt = nn.ParallelTable():add(nn.Linear(4, 2)):add(nn.Linear(4, 2)):float()
  local dt = nn.DontCast(pt, true)
  local out = dt:forward({ x, x })
  H.eq(torch.type(out[2]), "torch.DoubleTensor")
  H.check_error("nn.DontCast: cannot tell the module's tensor type", function() nn.DontCast(nn.ConcatTable(), true) end)
end)

H.test("Convert: transpositions, flattening, non-batch inputs and type conversion", function()
  local x = torch.randn(2, 3, 4, 5)
  local c = nn.Convert("bchw", "chwb")
  local y = c:forward(x)
  H.eq(maxdiff(y, x:permute(2, 3, 4, 1)), 0)
  H.eq(y:size(4), 2)
  local gi = c:backward(x, y)
  H.eq(maxdiff(gi, x), 0)
  H.ok(gi:isSameSizeAs(x))
  local f = nn.Convert("bchw", "bf")
  H.eq(maxdiff(f:forward(x), x:contiguous():view(2, -1)), 0)
  H.ok(f:backward(x, f.output):isSameSizeAs(x))
  f:float()
  local yf = f:forward(x)
  H.eq(torch.type(yf), "torch.FloatTensor") -- a Double input is converted
  H.ok(maxdiff(yf, x:view(2, -1)) < 1e-6)
  H.eq(torch.type(f:backward(x, yf)), "torch.DoubleTensor")
  -- non-batch
  local s = torch.randn(3, 4, 5)
  local n = nn.Convert("chw", "hwc")
  H.eq(maxdiff(n:forward(s), s:permute(2, 3, 1)), 0)
  H.eq(maxdiff(n:backward(s, n.output), s), 0)
  local nf = nn.Convert("chw", "f")
  H.eq(nf:forward(s):dim(), 1)
  H.eq(maxdiff(nf:forward(s), s:view(-1)), 0)
  -- bf -> b, b -> bt, identity, and errors
  H.eq(maxdiff(nn.Convert("bf", "b"):forward(torch.Tensor { { 1 }, { 2 } }), torch.Tensor { 1, 2 }), 0)
  H.eq(nn.Convert("b", "bt"):forward(torch.Tensor { 1, 2, 3 }):size(2), 1)
  H.eq(maxdiff(nn.Convert():forward(x), x), 0)
  H.eq(torch.type(nn.Convert():float():forward(x)), "torch.FloatTensor")
  H.check_error("nn.Convert: cannot convert shape bf to b", function() nn.Convert("bf", "b"):forward(torch.randn(2, 3)) end)
  H.check_error("nn.Convert: no conversion of shape bchw to bxy", function() nn.Convert("bchw", "bxy"):forward(x) end)
  H.eq(tostring(roundtrip(c):forward(x):size()), tostring(y:size()))
end)

-- ---------------------------------------------------------------- WeightNorm

local function row_norm_weight(v, g, eps)
  local w = v:clone()
  for i = 1, v:size(1) do
    local s = 0
    for j = 1, v:size(2) do s = s + v[i][j] ^ 2 end
    w[i]:mul(g[i] / math.sqrt(s + eps))
  end
  return w
end

H.test("WeightNorm(Linear): weight = g v / ||v||, gradients of g, v and bias by finite differences", function()
  local m = nn.WeightNorm(nn.Linear(5, 4))
  local x = torch.rand(6, 5)
  m.g:copy(torch.Tensor { 1, 2, -0.5, 3 })
  m:forward(x)
  H.ok(maxdiff(m.modules[1].weight, row_norm_weight(m.v, m.g, 1e-4)) < 1e-14)
  H.eq(#m:parameters(), 3)
  for _, pg in ipairs { { "g", "gradG" }, { "v", "gradV" }, { "bias", "gradBias" } } do
    local e = J.testJacobianParameters(m, x, m[pg[1]], m[pg[2]])
    H.ok(e < 1e-5, pg[1] .. " " .. e)
  end
  H.ok(J.testJacobian(m, x) < 1e-5)
  -- gradients accumulate over calls
  local go = torch.randn(6, 4)
  m:forward(x)
  m:zeroGradParameters()
  m:backward(x, go)
  local g1, v1 = m.gradG:clone(), m.gradV:clone()
  m:backward(x, go)
  H.ok(maxdiff(m.gradG, g1 * 2) < 1e-12)
  H.ok(maxdiff(m.gradV, v1 * 2) < 1e-12)
  -- accUpdateGradParameters = accGradParameters then a step
  local m2 = m:clone()
  m:zeroGradParameters()
  m:forward(x); m:backward(x, go)
  m:updateParameters(0.1)
  m2:forward(x); m2:updateGradInput(x, go); m2:accUpdateGradParameters(x, go, 0.1)
  H.ok(maxdiff(m.v, m2.v) < 1e-12 and maxdiff(m.g, m2.g) < 1e-12)
  H.ok(maxdiff(m.modules[1].bias, m2.modules[1].bias) < 1e-12)
end)

H.test("WeightNorm: convolutions, outputDim 2, getParameters, evaluate, save/load, Float", function()
  local tc = nn.WeightNorm(nn.TemporalConvolution(3, 4, 2, 1))
  local xt = torch.rand(6, 3)
  for _, p in ipairs { { "g", "gradG" }, { "v", "gradV" }, { "bias", "gradBias" } } do
    H.ok(J.testJacobianParameters(tc, xt, tc[p[1]], tc[p[2]]) < 1e-5, "temporal " .. p[1])
  end
  local sc = nn.WeightNorm(nn.SpatialConvolution(3, 4, 2, 2, 1, 1, 1, 1), 2)
  H.eq(sc.v:size(1), 3) -- rows along the weight's dimension 2 (input planes)
  H.eq(sc.v:size(2), 4 * 2 * 2)
  local xs = torch.rand(3, 4, 4)
  sc:forward(xs)
  local w = sc.modules[1].weight
  local want = row_norm_weight(sc.v, sc.g, 1e-4)
  H.ok(maxdiff(w:transpose(1, 2):contiguous():view(3, -1), want) < 1e-12)
  for _, p in ipairs { { "g", "gradG" }, { "v", "gradV" } } do
    H.ok(J.testJacobianParameters(sc, xs, sc[p[1]], sc[p[2]]) < 1e-5, "spatial " .. p[1])
  end
  -- getParameters trains v, g and bias
  local lin = nn.WeightNorm(nn.Linear(3, 2))
  local flat, gflat = lin:getParameters()
  H.eq(flat:nElement(), 6 + 2 + 2)
  flat:narrow(1, 7, 2):fill(2) -- g
  local x = torch.rand(4, 3)
  lin:forward(x)
  H.ok(maxdiff(lin.modules[1].weight, row_norm_weight(lin.v, lin.g, 1e-4)) < 1e-14)
  lin:zeroGradParameters()
  lin:backward(x, torch.ones(4, 2))
  H.ok(gflat:abs():sum() > 0)
  -- evaluate fixes the weight
  lin:evaluate()
  local y = lin:forward(x):clone()
  lin.g:fill(5)
  H.eq(maxdiff(lin:forward(x), y), 0)
  lin:training()
  local r = roundtrip(nn.WeightNorm(nn.Linear(3, 2)))
  H.eq(maxdiff(r:forward(x), r.modules[1]:forward(x)), 0)
  local m = nn.WeightNorm(nn.Linear(3, 2))
  local y0 = m:forward(x):clone()
  local r2 = roundtrip(m)
  H.eq(maxdiff(r2:forward(x), y0), 0)
  m:float()
  H.ok(maxdiff(m:forward(x:float()), y0) < 1e-5)
  H.eq(m.weight, m.modules[1].weight)
  H.check_error("nn.WeightNorm: the module has no weight (nn.Tanh)", function() nn.WeightNorm(nn.Tanh()) end)
  H.check_error("nn.WeightNorm: outputDim 3 is not a dimension of the weight (2x3)",
    function() nn.WeightNorm(nn.Linear(3, 2), 3) end)
end)

H.test("LinearWeightNorm: gradients, fromLinear/toLinear, no bias, 1-D input", function()
  local m = nn.LinearWeightNorm(5, 4)
  local x = torch.rand(7, 5)
  m:forward(x)
  H.ok(maxdiff(m.weight, row_norm_weight(m.v, m.g:view(-1), 0)) < 1e-14)
  for _, p in ipairs { { "g", "gradG" }, { "v", "gradV" }, { "bias", "gradBias" } } do
    H.ok(J.testJacobianParameters(m, x, m[p[1]], m[p[2]]) < 1e-5, p[1])
    H.ok(J.testJacobianParameters(m, x[1], m[p[1]], m[p[2]]) < 1e-5, p[1] .. " 1-D")
  end
  H.ok(J.testJacobian(m, x) < 1e-5)
  for _, bias in ipairs { true, false } do
    local lin = nn.Linear(5, 3, bias)
    local wn = nn.LinearWeightNorm.fromLinear(lin)
    H.eq(wn.bias == nil, not bias)
    H.ok(maxdiff(wn:forward(x), lin:forward(x)) < 1e-12)
    local back = wn:toLinear()
    H.eq(torch.type(back), "nn.Linear")
    H.ok(maxdiff(back:forward(x), lin:forward(x)) < 1e-12)
  end
  -- accUpdateGradParameters = one step of accGradParameters + updateParameters
  local a = nn.LinearWeightNorm(3, 2)
  local b = a:clone()
  local xi, go = torch.rand(4, 3), torch.randn(4, 2)
  a:forward(xi); a:zeroGradParameters(); a:backward(xi, go); a:updateParameters(0.05)
  b:forward(xi); b:updateGradInput(xi, go); b:accUpdateGradParameters(xi, go, 0.05)
  H.ok(maxdiff(a.v, b.v) < 1e-12 and maxdiff(a.g, b.g) < 1e-12 and maxdiff(a.bias, b.bias) < 1e-12)
  local r = roundtrip(a)
  H.ok(maxdiff(r:forward(xi), a:forward(xi)) < 1e-14)
  H.eq(tostring(a), "nn.LinearWeightNorm(3 -> 2)")
  H.ok(maxdiff(a:float():forward(xi:float()), r:forward(xi)) < 1e-5)
  H.check_error("nn.Linear", function() nn.LinearWeightNorm(3, 2):forward(torch.rand(4, 5)) end)
end)

H.done()
