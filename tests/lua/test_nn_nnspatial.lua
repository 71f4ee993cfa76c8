-- nn spatial layers (stdlib/moonlab/nn/spatial.lua, spatial2.lua): forward
-- and input gradients against PyTorch (tests/fixtures/nn/make_nnspatial.py),
-- naive loops written here for what PyTorch lacks, finite-difference
-- gradient checks (input and parameters, Double), batch = stacked single
-- samples, Float = Double, strided inputs, save/load, errors.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
local FX = dofile("tests/fixtures/nn/nnspatial_torch.lua")
torch.manualSeed(11)

local function T(c, typ)
  local t = torch.Tensor(c.data):view(torch.LongStorage(c.size))
  return typ and t:type(typ) or t
end
local function maxdiff(a, b) return (a:double() - b:double()):abs():max() end

-- forward / backward of module m against fixture case c (both dtypes)
local function check_case(name, make, tol)
  local c = FX[name]
  for _, typ in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local m = make(c)
    if typ == "torch.FloatTensor" then m:float() end
    local tl = typ == "torch.FloatTensor" and 1e-4 or (tol or 1e-12)
    local x = T(c.input, typ)
    local y = m:forward(x)
    H.eq(torch.typename(y), typ, name .. " output type")
    H.eq(y:dim(), #c.output.size, name .. " output dims")
    for i = 1, y:dim() do H.eq(y:size(i), c.output.size[i], name .. " output size " .. i) end
    H.ok(maxdiff(y, T(c.output)) < tl, name .. " output " .. typ .. " diff " .. maxdiff(y, T(c.output)))
    local gi = m:backward(x, T(c.gradOutput, typ))
    H.ok(maxdiff(gi, T(c.gradInput)) < tl, name .. " gradInput " .. typ .. " diff " .. maxdiff(gi, T(c.gradInput)))
  end
end

local function jac_ok(m, x, tol)
  local worst, report = nn.Jacobian.check(m, x)
  H.ok(worst < (tol or 1e-6), string.format("%s: worst %g (input %s)", torch.type(m), worst, tostring(report.input)))
end

-- single samples stacked give the batch's output and gradient
local function batch_ok(m, x)
  local y = m:forward(x):clone()
  local g = torch.randn(y:size())
  local gi = m:backward(x, g):clone()
  for n = 1, x:size(1) do
    local yn = m:forward(x[n]):clone()
    H.ok(maxdiff(yn, y[n]) < 1e-12, torch.type(m) .. " batch output " .. n)
    local gn = m:backward(x[n], g[n])
    H.ok(maxdiff(gn, gi[n]) < 1e-12, torch.type(m) .. " batch gradInput " .. n)
  end
end

local function roundtrip(m, x)
  local y = m:forward(x):clone()
  local path = os.tmpname()
  torch.save(path, m)
  local m2 = torch.load(path)
  os.remove(path)
  H.eq(torch.type(m2), torch.type(m))
  H.ok(maxdiff(m2:forward(x), y) < 1e-15, torch.type(m) .. " after save/load")
end

-- ---------------------------------------------------------------- convolutions

H.test("SpatialDilatedConvolution: PyTorch conv2d with stride, padding and dilation", function()
  check_case("dilated_conv", function(c)
    local m = nn.SpatialDilatedConvolution(2, 3, 2, 3, 1, 2, 2, 1, 3, 2)
    m.weight:copy(T(c.weight))
    m.bias:copy(T(c.bias))
    return m
  end)
end)

H.test("SpatialDilatedConvolution: gradients, batch, strided input, noBias, save/load", function()
  local m = nn.SpatialDilatedConvolution(2, 3, 3, 2, 2, 1, 1, 0, 2, 3)
  jac_ok(m, torch.randn(2, 2, 7, 9))
  jac_ok(m, torch.randn(2, 6, 8))
  batch_ok(m, torch.randn(3, 2, 7, 9))
  local xt = torch.randn(2, 2, 9, 7):transpose(3, 4)
  H.eq(maxdiff(m:forward(xt), m:forward(xt:contiguous())), 0)
  local nb = nn.SpatialDilatedConvolution(1, 2, 2, 2, 1, 1, 0, 0, 2, 2):noBias()
  jac_ok(nb, torch.randn(1, 5, 5))
  roundtrip(m, torch.randn(2, 7, 9))
  -- dilation 1 is nn.SpatialConvolution
  local c = nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0)
  local d = nn.SpatialDilatedConvolution(2, 3, 3, 2, 2, 1, 1, 0)
  d.weight:copy(c.weight)
  d.bias:copy(c.bias)
  local x = torch.randn(2, 2, 6, 7)
  H.ok(maxdiff(c:forward(x), d:forward(x)) < 1e-13)
end)

H.test("SpatialDilatedConvolution: errors name the module and shapes", function()
  local m = nn.SpatialDilatedConvolution(2, 3, 3, 3, 1, 1, 0, 0, 3, 3)
  H.check_error("nn.SpatialDilatedConvolution.updateOutput: expected 2 input planes, got input 3x7x7",
    function() m:forward(torch.randn(3, 7, 7)) end)
  H.check_error("nn.SpatialDilatedConvolution.updateOutput: input 1x2x5x5 is too small", function()
    m:forward(torch.randn(2, 5, 5)) end)
  H.check_error("expected (C, H, W) or (N, C, H, W) input, got 5x5", function() m:forward(torch.randn(5, 5)) end)
end)

H.test("SpatialDepthWiseConvolution: PyTorch conv2d with groups = nInputPlane", function()
  check_case("depthwise_conv", function(c)
    local C, M = 3, 2
    local m = nn.SpatialDepthWiseConvolution(C, M, 3, 3, 2, 2, 1, 1)
    local w = T(c.weight):view(C, M, 9) -- PyTorch's plane i*M + o
    m.weight:view(M, C, 9):copy(w:transpose(1, 2))
    m.bias:copy(T(c.bias):view(C, M):t())
    return m
  end)
end)

H.test("SpatialDepthWiseConvolution: one nn.SpatialConvolution(1, m) per plane; gradients", function()
  local C, M = 3, 2
  local m = nn.SpatialDepthWiseConvolution(C, M, 3, 2, 1, 2, 1, 0)
  local x = torch.randn(2, C, 6, 5)
  local y = m:forward(x)
  for i = 1, C do
    local sc = nn.SpatialConvolution(1, M, 3, 2, 1, 2, 1, 0)
    sc.weight:copy(m.weight:view(M, C, 2, 3):select(2, i):contiguous():view(M, 1, 2, 3))
    sc.bias:copy(m.bias:select(2, i))
    local yi = sc:forward(x:narrow(2, i, 1):contiguous())
    H.ok(maxdiff(yi, y:narrow(2, (i - 1) * M + 1, M)) < 1e-13, "plane " .. i)
  end
  -- a 4-D weight (as Torch7's test assigns) is accepted
  local m4 = nn.SpatialDepthWiseConvolution(C, M, 3, 2, 1, 2, 1, 0)
  m4.weight = m.weight:view(M, C, 2, 3):clone()
  m4.bias = m.bias:clone()
  H.eq(maxdiff(m4:forward(x), y), 0)
  jac_ok(m, torch.randn(C, 5, 4))
  jac_ok(m, torch.randn(2, C, 5, 4))
  batch_ok(m, x)
  roundtrip(m, x)
end)

H.test("SpatialConvolutionLocal: shared weights equal nn.SpatialConvolution; gradients", function()
  local conv = nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0)
  local m = nn.SpatialConvolutionLocal(2, 3, 7, 5, 3, 2, 2, 1, 1, 0)
  H.eq(m.oW, 4)
  H.eq(m.oH, 4)
  for i = 1, m.oH do for j = 1, m.oW do m.weight[i][j]:copy(conv.weight) end end
  for i = 1, 3 do m.bias[i]:fill(conv.bias[i]) end
  local x = torch.randn(2, 2, 5, 7)
  H.ok(maxdiff(m:forward(x), conv:forward(x)) < 1e-13)
  m:reset()
  jac_ok(m, torch.randn(2, 5, 7))
  jac_ok(m, torch.randn(2, 2, 5, 7))
  batch_ok(m, x)
  roundtrip(m, x)
  H.check_error("nn.SpatialConvolutionLocal.updateOutput: expected input planes of 5x7, got input 2x5x6",
    function() m:forward(torch.randn(2, 5, 6)) end)
end)

H.test("SpatialConvolutionMap / SpatialFullConvolutionMap: full tables equal the dense layers", function()
  local tt = nn.tables.full(2, 3)
  H.eq(tt:size(1), 6)
  H.eq(tt[2][1], 2)
  H.eq(tt[2][2], 1)
  local m = nn.SpatialConvolutionMap(tt, 3, 2, 2, 1)
  local c = nn.SpatialConvolution(2, 3, 3, 2, 2, 1)
  for k = 1, tt:size(1) do m.weight[k]:copy(c.weight[tt[k][2]][tt[k][1]]) end
  m.bias:copy(c.bias)
  local x = torch.randn(2, 2, 6, 7)
  H.ok(maxdiff(m:forward(x), c:forward(x)) < 1e-13)
  local fm = nn.SpatialFullConvolutionMap(tt, 3, 2, 2, 1)
  local fc = nn.SpatialFullConvolution(2, 3, 3, 2, 2, 1)
  for k = 1, tt:size(1) do fm.weight[k]:copy(fc.weight[tt[k][1]][tt[k][2]]) end
  fm.bias:copy(fc.bias)
  H.ok(maxdiff(fm:forward(x), fc:forward(x)) < 1e-13)
  local g = torch.randn(fc.output:size())
  H.ok(maxdiff(fm:backward(x, g), fc:backward(x, g)) < 1e-13)
end)

H.test("SpatialConvolutionMap / SpatialFullConvolutionMap: random and oneToOne tables, gradients", function()
  local r = nn.tables.random(4, 3, 2)
  H.eq(r:size(1), 6)
  for o = 1, 3 do
    H.eq(r[2 * o - 1][2], o)
    H.ok(r[2 * o - 1][1] ~= r[2 * o][1], "distinct inputs per output")
  end
  local one = nn.tables.oneToOne(3)
  H.eq(one[3][1], 3)
  H.eq(one[3][2], 3)
  jac_ok(nn.SpatialConvolutionMap(r, 2, 3, 1, 2), torch.randn(4, 7, 6))
  jac_ok(nn.SpatialFullConvolutionMap(r, 3, 2, 2, 1), torch.randn(2, 4, 3, 4))
  local m = nn.SpatialConvolutionMap(one, 3, 3)
  batch_ok(m, torch.randn(2, 3, 5, 5))
  roundtrip(m, torch.randn(3, 5, 5))
  H.check_error("nn.tables.random: nto (3) exceeds nin (2)", function() nn.tables.random(2, 2, 3) end)
end)

H.test("SpatialFullConvolution: Torch7's dual input {input, target} sets the adjustment", function()
  local m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)
  local ref = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0)
  ref.weight:copy(m.weight)
  ref.bias:copy(m.bias)
  local x = torch.randn(2, 4, 5)
  local target = torch.zeros(7, 10)
  local y = m:forward({ x, target })
  H.eq(y:size(2), 7)
  H.eq(y:size(3), 10)
  H.eq(maxdiff(y, ref:forward(x)), 0)
  local g = torch.randn(y:size())
  local gi = m:backward({ x, target }, g)
  H.eq(maxdiff(gi[1], ref:backward(x, g)), 0)
  H.eq(gi[2]:nElement(), 1)
  H.eq(gi[2][1], 0)
  H.eq(maxdiff(m.gradWeight, ref.gradWeight), 0)
  -- and back to a plain tensor input
  local y2 = m:forward(x)
  H.eq(y2:size(3), 9)
  H.ok(torch.isTensor(m:backward(x, torch.randn(3, 7, 9))))
  H.eq(m.gradInput:size(1), 2)
end)

-- ---------------------------------------------------------------- pooling

H.test("SpatialAdaptiveAveragePooling / MaxPooling: PyTorch adaptive pools", function()
  check_case("adaptive_avg", function() return nn.SpatialAdaptiveAveragePooling(2, 3) end)
  check_case("adaptive_avg_up", function() return nn.SpatialAdaptiveAveragePooling(5, 4) end)
  check_case("adaptive_max", function() return nn.SpatialAdaptiveMaxPooling(2, 3) end)
  local m = nn.SpatialAdaptiveMaxPooling(2, 3)
  m:forward(T(FX.adaptive_max.input))
  H.eq(maxdiff(m.indices, T(FX.adaptive_max.indices)), 0)
end)

H.test("adaptive pooling: gradients, batch, strided and empty batch, errors", function()
  local x = torch.randn(2, 3, 7, 5)
  for _, m in ipairs { nn.SpatialAdaptiveAveragePooling(3, 2), nn.SpatialAdaptiveMaxPooling(3, 2) } do
    jac_ok(m, torch.randn(2, 5, 7))
    batch_ok(m, x)
    local xt = torch.randn(2, 3, 5, 7):transpose(3, 4)
    H.eq(maxdiff(m:forward(xt), m:forward(xt:contiguous())), 0)
    H.eq(m:forward(torch.randn(0, 3, 4, 4)):nElement(), 0)
    roundtrip(m, x)
  end
  H.check_error("nn.SpatialAdaptiveMaxPooling.updateOutput: expected (C, H, W) or (N, C, H, W) input, got 4",
    function() nn.SpatialAdaptiveMaxPooling(2, 2):forward(torch.randn(4)) end)
  H.check_error("nn.SpatialAdaptiveAveragePooling.updateOutput: expected a Float or Double tensor (got Int)",
    function() nn.SpatialAdaptiveAveragePooling(2, 2):forward(torch.IntTensor(1, 3, 3):zero()) end)
end)

H.test("SpatialDilatedMaxPooling: PyTorch max_pool2d with dilation (floor and ceil)", function()
  check_case("dilated_maxpool", function() return nn.SpatialDilatedMaxPooling(2, 3, 1, 2, 1, 1, 2, 2) end)
  check_case("dilated_maxpool_ceil", function() return nn.SpatialDilatedMaxPooling(2, 2, 2, 2, 0, 1, 1, 2):ceil() end)
  local m = nn.SpatialDilatedMaxPooling(3, 3, 1, 1, 1, 1, 2, 2)
  jac_ok(m, torch.randn(2, 8, 7))
  batch_ok(m, torch.randn(2, 2, 8, 7))
  roundtrip(m, torch.randn(2, 8, 7))
  H.check_error("nn.SpatialDilatedMaxPooling.updateOutput: padding (2x0) must be at most half the kernel (3x3)",
    function() nn.SpatialDilatedMaxPooling(3, 3, 1, 1, 0, 2):forward(torch.randn(1, 9, 9)) end)
  H.check_error("smaller than the dilated kernel 5x5", function()
    nn.SpatialDilatedMaxPooling(3, 3, 1, 1, 0, 0, 2, 2):forward(torch.randn(1, 4, 4)) end)
end)

H.test("SpatialFractionalMaxPooling: PyTorch with the same samples; sizes by ratio", function()
  local c = FX.fractional_maxpool
  for _, typ in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local m = nn.SpatialFractionalMaxPooling(2, 3, 3, 4):fixPoolingRegions()
    if typ == "torch.FloatTensor" then m:float() end
    m.randomSamples = T(c.samples, typ)
    local x = T(c.input, typ)
    H.ok(maxdiff(m:forward(x), T(c.output)) < 1e-6, "output " .. typ)
    H.ok(maxdiff(m:backward(x, T(c.gradOutput, typ)), T(c.gradInput)) < 1e-5, "gradInput " .. typ)
  end
  local r = nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.7):fixPoolingRegions()
  local y = r:forward(torch.randn(2, 10, 9))
  H.eq(y:size(2), 7)
  H.eq(y:size(3), 4)
  jac_ok(r, torch.randn(2, 10, 9))
  -- unfixed regions are redrawn at every forward
  local u = nn.SpatialFractionalMaxPooling(2, 2, 3, 3)
  u:forward(torch.randn(1, 9, 9))
  local s1 = u.randomSamples:clone()
  u:forward(torch.randn(1, 9, 9))
  H.ok(maxdiff(s1, u.randomSamples) > 0)
  H.check_error("nn.SpatialFractionalMaxPooling.updateOutput: input 4x4 is too small for output 4x4 with pool 2x2",
    function() nn.SpatialFractionalMaxPooling(2, 2, 4, 4):forward(torch.randn(1, 4, 4)) end)
end)

H.test("SpatialMaxUnpooling: PyTorch max_unpool2d; gradients", function()
  local c = FX.max_unpool
  local pool = nn.SpatialMaxPooling(2, 2)
  local un = nn.SpatialMaxUnpooling(pool)
  local pooled = pool:forward(T(c.pool_input))
  H.ok(maxdiff(pooled, T(c.input)) < 1e-15)
  H.eq(maxdiff(un:forward(pooled), T(c.output)), 0)
  H.eq(maxdiff(un:backward(pooled, T(c.gradOutput)), T(c.gradInput)), 0)
  local p2 = nn.SpatialMaxPooling(2, 2, 2, 2, 1, 1)
  local u2 = nn.SpatialMaxUnpooling(p2)
  local y = p2:forward(torch.randn(2, 6, 6))
  H.eq(u2:forward(y):size(2), 6)
  jac_ok(u2, y:clone())
  H.check_error("nn.SpatialMaxUnpooling: expected a nn.SpatialMaxPooling module", function()
    nn.SpatialMaxUnpooling(nn.Tanh()) end)
  H.check_error("nn.SpatialMaxUnpooling.updateOutput: input 1x2x2x2 does not match the pooling's indices",
    function() u2:forward(torch.randn(2, 2, 2)) end)
end)

H.test("SpatialLPPooling and FeatureLPPooling: closed forms and gradients", function()
  check_case("lp_pool", function() return nn.SpatialLPPooling(2, 3, 3, 2, 1, 2) end, 1e-12)
  local m = nn.SpatialLPPooling(2, 2, 2, 2)
  local x = torch.Tensor { { { 3, 4 }, { 0, 0 } }, { { 1, 1 }, { 1, 1 } } }
  local y = m:forward(x)
  H.near(y[1][1][1], 5, 1e-12)
  H.near(y[2][1][1], 2, 1e-12)
  local f = nn.FeatureLPPooling(3, 2, 2)
  local v = torch.Tensor { 1, 2, 2, 4, 4, 1, 0 }
  local o = f:forward(v)
  H.eq(o:size(1), 3)
  H.near(o[1], 3, 1e-12)
  H.near(o[2], 6, 1e-12)
  H.near(o[3], math.sqrt(17), 1e-12)
  local fb = nn.FeatureLPPooling(2, 1, 3, true)
  local xb = torch.rand(2, 5, 3) + 0.5
  local ob = fb:forward(xb)
  H.near(ob[2][4][3], (xb[2][4][3] ^ 3 + xb[2][5][3] ^ 3) ^ (1 / 3), 1e-12)
  jac_ok(fb, xb)
  jac_ok(nn.FeatureLPPooling(4, 3, 1), torch.randn(10, 2))
  local z = nn.FeatureLPPooling(3, 1, 2)
  z:forward(torch.zeros(6))
  H.eq(z:backward(torch.zeros(6), torch.ones(4)):abs():sum(), 0)
  H.check_error("nn.FeatureLPPooling: width must be within 2 to 16", function() nn.FeatureLPPooling(1, 1, 2) end)
end)

H.test("TemporalDynamicKMaxPooling and TemporalSubSampling: naive loops, gradients", function()
  local k = nn.TemporalDynamicKMaxPooling(2, 0.5)
  local x = torch.Tensor { { 1, 9 }, { 5, 2 }, { 3, 7 }, { 4, 8 }, { 0, 1 } }
  local y = k:forward(x) -- k = max(2, ceil(2.5)) = 3, in time order
  H.eq(y:size(1), 3)
  H.eq(maxdiff(y, torch.Tensor { { 5, 9 }, { 3, 7 }, { 4, 8 } }), 0)
  local g = k:backward(x, torch.ones(3, 2))
  H.eq(maxdiff(g, torch.Tensor { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 1, 1 }, { 0, 0 } }), 0)
  jac_ok(k, torch.randn(3, 6, 4))
  local s = nn.TemporalSubSampling(3, 3, 2)
  local xs = torch.randn(9, 3)
  local ys = s:forward(xs)
  H.eq(ys:size(1), 4)
  for t = 1, 4 do
    for f = 1, 3 do
      local sum = 0
      for j = 1, 3 do sum = sum + xs[(t - 1) * 2 + j][f] end
      H.near(ys[t][f], s.weight[f] * sum + s.bias[f], 1e-12)
    end
  end
  jac_ok(s, torch.randn(9, 3))
  jac_ok(s, torch.randn(2, 8, 3))
  roundtrip(s, xs)
  H.check_error("nn.TemporalSubSampling.updateOutput: expected (T, 3) or (N, T, 3) input with T >= 3, got 2x3",
    function() s:forward(torch.randn(2, 3)) end)
  H.check_error("nn.TemporalDynamicKMaxPooling.updateOutput: input 2x4 has fewer than k = 3 time steps",
    function() nn.TemporalDynamicKMaxPooling(3):forward(torch.randn(2, 4)) end)
end)

-- ---------------------------------------------------------------- padding and up-sampling

H.test("SpatialReflectionPadding / SpatialReplicationPadding: PyTorch pads, cropping, gradients", function()
  check_case("reflection_pad", function() return nn.SpatialReflectionPadding(2, 1, 3, 0) end)
  check_case("replication_pad", function() return nn.SpatialReplicationPadding(2, 1, 3, 0) end)
  local x = torch.randn(2, 6, 7)
  -- negative padding crops
  local c = nn.SpatialReplicationPadding(-1, 2, 0, -2):forward(x)
  H.eq(c:size(2), 4)
  H.eq(c:size(3), 8)
  H.eq(maxdiff(c:narrow(3, 1, 6), x:narrow(2, 1, 4):narrow(3, 2, 6)), 0)
  jac_ok(nn.SpatialReflectionPadding(2, -1, -2, 3), torch.randn(2, 2, 6, 7))
  jac_ok(nn.SpatialReplicationPadding(3, 1, 2, -1), x)
  local xt = torch.randn(2, 7, 6):transpose(2, 3)
  local m = nn.SpatialReflectionPadding(1, 2, 1, 2)
  H.eq(maxdiff(m:forward(xt), m:forward(xt:contiguous())), 0)
  roundtrip(m, x)
  H.check_error("nn.SpatialReflectionPadding.updateOutput: padding (7, 0, 0, 0) must be smaller than the input planes 6x7",
    function() nn.SpatialReflectionPadding(7, 0, 0, 0):forward(x) end)
end)

H.test("SpatialUpSamplingNearest / Bilinear / UpSampling: PyTorch interpolate", function()
  check_case("upsample_nearest", function() return nn.SpatialUpSamplingNearest(3) end)
  check_case("upsample_bilinear", function() return nn.SpatialUpSamplingBilinear(2) end)
  check_case("upsample_bilinear_size", function() return nn.SpatialUpSamplingBilinear({ oheight = 5, owidth = 7 }) end)
  check_case("upsample_trilinear", function() return nn.UpSampling(2, "linear") end)
  check_case("upsample_nearest3d", function() return nn.UpSampling(2) end)
  check_case("upsample_bilinear", function() return nn.UpSampling(2, "bilinear") end)
  jac_ok(nn.SpatialUpSamplingNearest(2), torch.randn(2, 3, 2))
  jac_ok(nn.SpatialUpSamplingBilinear(3), torch.randn(2, 2, 3, 2))
  jac_ok(nn.UpSampling(2, "linear"), torch.randn(1, 2, 2, 2, 3))
  batch_ok(nn.SpatialUpSamplingBilinear(2), torch.randn(2, 2, 3, 3))
  roundtrip(nn.SpatialUpSamplingBilinear(2), torch.randn(2, 3, 3))
  H.check_error("nn.SpatialUpSamplingNearest: scale_factor must be an integer >= 1 (got 1.5)", function()
    nn.SpatialUpSamplingNearest(1.5) end)
  H.check_error("nn.UpSampling.updateOutput: expected a 4D or 5D input, got 2x3x3", function()
    nn.UpSampling(2):forward(torch.randn(2, 3, 3)) end)
end)

-- ---------------------------------------------------------------- normalisation

H.test("SpatialCrossMapLRN: PyTorch local_response_norm (odd and even sizes); gradients", function()
  check_case("lrn", function() return nn.SpatialCrossMapLRN(3, 0.5, 0.75, 2) end)
  check_case("lrn_even", function() return nn.SpatialCrossMapLRN(4, 0.3, 0.6, 1) end)
  local m = nn.SpatialCrossMapLRN(5, 0.4, 0.8, 1.5)
  jac_ok(m, torch.randn(6, 3, 3))
  batch_ok(m, torch.randn(2, 6, 3, 3))
  roundtrip(m, torch.randn(6, 3, 3))
end)

-- naive reference of Torch7's normalisations: kernel k2 (kh, kw) normalised
-- to sum 1/C; local sums with zero padding, border coefficient from ones
local function naive_local(x, k2)
  local C, Hh, W = x:size(1), x:size(2), x:size(3)
  local kh, kw = k2:size(1), k2:size(2)
  local function S(t)
    local s = torch.zeros(Hh, W)
    for i = 1, Hh do for j = 1, W do
      local acc = 0
      for a = 1, kh do for b = 1, kw do
        local y, z = i + a - 1 - kh // 2, j + b - 1 - kw // 2
        if y >= 1 and y <= Hh and z >= 1 and z <= W then
          for c = 1, C do acc = acc + k2[a][b] * t[c][y][z] end
        end
      end end
      s[i][j] = acc
    end end
    return s
  end
  return S, S(torch.ones(C, Hh, W))
end

H.test("SpatialSubtractive/Divisive/ContrastiveNormalization: naive loops, 1-D = separable 2-D", function()
  local C = 3
  local x = torch.rand(C, 6, 5)
  local k = torch.Tensor { 1, 2, 1 }
  local k2 = torch.ger(k, k)
  k2:div(k2:sum() * C)
  local S, coef = naive_local(x, k2)
  local mean = S(x):cdiv(coef)
  local sub = nn.SpatialSubtractiveNormalization(C, k):forward(x)
  local want = x - mean:view(1, 6, 5):expand(C, 6, 5)
  H.ok(maxdiff(sub, want) < 1e-13, "subtractive")
  H.ok(maxdiff(nn.SpatialSubtractiveNormalization(C, torch.ger(k, k)):forward(x), want) < 1e-13, "2-D kernel")
  local std = S(torch.cmul(x, x)):sqrt():cdiv(coef)
  local thr = std:clone():apply(function(v) return v > 1e-4 and v or 1e-4 end)
  local div = nn.SpatialDivisiveNormalization(C, k):forward(x)
  H.ok(maxdiff(div, torch.cdiv(x, thr:view(1, 6, 5):expand(C, 6, 5))) < 1e-13, "divisive")
  local con = nn.SpatialContrastiveNormalization(C, k):forward(x)
  local d2 = nn.SpatialDivisiveNormalization(C, k):forward(want)
  H.ok(maxdiff(con, d2) < 1e-13, "contrastive")
  for _, m in ipairs { nn.SpatialSubtractiveNormalization(C, k), nn.SpatialDivisiveNormalization(C, torch.ones(3, 5)),
                       nn.SpatialContrastiveNormalization(C, torch.ones(3, 3)) } do
    jac_ok(m, torch.rand(C, 5, 4))
    batch_ok(m, torch.rand(2, C, 5, 4))
  end
  local cf = nn.SpatialContrastiveNormalization(C, torch.ones(3, 3))
  local xd = torch.rand(2, C, 5, 6)
  local yd = cf:forward(xd):clone()
  cf:float()
  H.ok(maxdiff(cf:forward(xd:float()), yd) < 1e-5, "Float")
  roundtrip(nn.SpatialSubtractiveNormalization(C, k), x)
  H.check_error("nn.SpatialSubtractiveNormalization: the averaging kernel must have odd dimensions (got 4)",
    function() nn.SpatialSubtractiveNormalization(1, torch.ones(4)) end)
end)

H.test("nn.hessian: diagonal Hessians of the linear layers equal the exact diagonal", function()
  nn.hessian.enable()
  local tt = nn.tables.random(3, 2, 2)
  local cases = {
    { nn.Linear(4, 3), torch.Tensor(2, 4) },
    { nn.SpatialConvolution(2, 3, 2, 3, 2, 1), torch.Tensor(2, 5, 4) },
    { nn.SpatialDilatedConvolution(2, 2, 2, 2, 1, 1, 1, 0, 2, 1), torch.Tensor(2, 2, 4, 5) },
    { nn.SpatialConvolutionLocal(2, 2, 4, 4, 2, 2, 2, 2), torch.Tensor(2, 4, 4) },
    { nn.SpatialConvolutionMap(tt, 2, 2), torch.Tensor(3, 4, 3) },
    { nn.SpatialFullConvolutionMap(tt, 2, 2, 2, 1), torch.Tensor(3, 2, 3) },
    { nn.SpatialFullConvolution(2, 1, 2, 2, 2, 2), torch.Tensor(2, 2, 2) },
  }
  for _, c in ipairs(cases) do
    local m, x = c[1], c[2]
    for _, f in ipairs { "testDiagHessianInput", "testDiagHessianWeight", "testDiagHessianBias" } do
      local err = nn.Jacobian[f](m, x)
      H.ok(err < 1e-9, torch.type(m) .. " " .. f .. " " .. err)
    end
  end
  -- Tanh: dho * (1 - y^2)^2
  local t = nn.Tanh()
  local x = torch.randn(5)
  local y = t:forward(x)
  local want = torch.cmul(y, y):mul(-1):add(1):pow(2):mul(3)
  H.ok(maxdiff(t:updateDiagHessianInput(x, torch.Tensor(5):fill(3)), want) < 1e-14)
end)

H.test("an empty batch (0, C, H, W) gives empty outputs and gradients", function()
  local tt = nn.tables.full(2, 2)
  local pool = nn.SpatialMaxPooling(2, 2)
  local mods = { nn.SpatialDilatedConvolution(2, 3, 3, 3, 1, 1, 1, 1, 2, 2), nn.SpatialDepthWiseConvolution(2, 2, 3, 3),
    nn.SpatialConvolutionLocal(2, 2, 5, 5, 3, 3), nn.SpatialConvolutionMap(tt, 3, 3), nn.SpatialFullConvolutionMap(tt, 3, 3),
    nn.SpatialDilatedMaxPooling(2, 2), nn.SpatialAdaptiveAveragePooling(2, 2), nn.SpatialAdaptiveMaxPooling(2, 2),
    nn.SpatialFractionalMaxPooling(2, 2, 2, 2), nn.SpatialReflectionPadding(1), nn.SpatialReplicationPadding(1),
    nn.SpatialUpSamplingNearest(2), nn.SpatialUpSamplingBilinear(2), nn.UpSampling(2, "linear"),
    nn.SpatialCrossMapLRN(3), nn.SpatialLPPooling(2, 2, 2, 2), nn.SpatialSubtractiveNormalization(2, torch.ones(3, 3)),
    nn.SpatialDivisiveNormalization(2, torch.ones(3)), nn.SpatialContrastiveNormalization(2, torch.ones(3, 3)) }
  for _, m in ipairs(mods) do
    local x = torch.randn(0, 2, 5, 5)
    local y = m:forward(x)
    H.eq(y:dim(), 4, torch.type(m))
    H.eq(y:size(1), 0, torch.type(m))
    local g = m:backward(x, y:clone())
    H.eq(g:nElement(), 0, torch.type(m))
  end
  pool:forward(torch.randn(0, 2, 4, 4))
  H.eq(nn.SpatialMaxUnpooling(pool):forward(torch.randn(0, 2, 2, 2)):size(3), 4)
end)

H.test("SpatialConvolutionMap: input planes beyond the table's are allowed and unused (Torch7)", function()
  local m = nn.SpatialConvolutionMap(torch.Tensor { { 1, 1 }, { 2, 1 }, { 1, 2 } }, 3, 3)
  H.eq(m.nInputPlane, 2)
  local x = torch.randn(4, 6, 7)
  local y = m:forward(x):clone()
  H.near((y - m:forward(x:narrow(1, 1, 2))):abs():max(), 0, 1e-14)
  local gi = m:backward(x, torch.ones(y:size()))
  H.eq(gi:size(1), 4)
  H.eq(gi:narrow(1, 3, 2):abs():max(), 0)
  H.check_error("expected at least 2 input planes", function() m:forward(torch.randn(1, 6, 7)) end)
end)

H.done()
