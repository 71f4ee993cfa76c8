-- nn: module API, serialization (Torch7's own files), gradient checks by
-- finite differences for every module, criteria against closed forms.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
torch.manualSeed(7)

local function maxdiff(a, b) return (a:double() - b:double()):abs():max() end

H.test("require 'nn' and 'moonlab.nn' are the same table", function()
  H.ok(require("nn") == nn)
  H.ok(rawget(_G, "nn") == nn)
end)

H.test("Torch7's saved Sequential(Linear, Tanh) loads into nn classes and runs", function()
  for _, fmt in ipairs { "binary", "ascii" } do
    local m = torch.load("tests/fixtures/torch7/nn_seq_linear_tanh." .. fmt .. ".t7", fmt)
    H.eq(torch.type(m), "nn.Sequential")
    H.eq(torch.type(m:get(1)), "nn.Linear")
    H.ok(torch.isTypeOf(m:get(2), "nn.Module"))
    local y = m:forward(torch.Tensor { 1, 2, 3 })
    H.near(y[1], 0.88749413285367, 1e-13)
    H.near(y[2], -0.99681227554339, 1e-13)
    -- it trains: backward gives finite differences' gradient
    local w = nn.Jacobian.check(m, torch.Tensor { 1, 2, 3 })
    H.ok(w < 1e-7, "jacobian " .. w)
  end
end)

H.test("save/load round trip keeps the model's outputs", function()
  local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Linear(3, 2)):add(nn.LogSoftMax())
  local x = torch.randn(5, 4)
  local y = m:forward(x):clone()
  local path = os.tmpname()
  torch.save(path, m)
  local m2 = torch.load(path)
  os.remove(path)
  H.eq(maxdiff(m2:forward(x), y), 0)
  H.eq(tostring(m2), tostring(m))
end)

H.test("parameters, getParameters views, zeroGradParameters, updateParameters", function()
  local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2))
  local p, g = m:parameters()
  H.eq(#p, 4)
  H.eq(#g, 4)
  local w1 = m:get(1).weight:clone()
  local flat, gflat = m:getParameters()
  H.eq(flat:nElement(), 4 * 3 + 3 + 3 * 2 + 2)
  H.eq(maxdiff(m:get(1).weight, w1), 0)
  flat:fill(0.5)
  H.eq(m:get(3).bias[2], 0.5)
  local x = torch.randn(2, 4)
  m:zeroGradParameters()
  H.eq(gflat:abs():sum(), 0)
  m:backward(x, m:forward(x):clone():fill(1))
  H.ok(gflat:abs():sum() > 0)
  H.eq(maxdiff(gflat:narrow(1, 1, 12), m:get(1).gradWeight:view(-1)), 0)
  local before = flat:clone()
  m:updateParameters(0.1)
  H.ok(maxdiff(flat, before:add(-0.1, gflat)) < 1e-15)
end)

H.test("SpatialConvolution with few input planes works on groups of images: the same as image by image", function()
  -- K = 1*5*5 columns of 24*24: groups of 65536 // 14400 = 4 images; 10
  -- images make groups 4, 4, 2.  Each image alone is one ungrouped product.
  for _, make in ipairs {
    function() return nn.SpatialConvolution(1, 6, 5, 5) end,
    function() return nn.SpatialConvolutionMM(1, 3, 5, 5) end,
    function() return nn.SpatialConvolution(2, 4, 3, 3) end, -- K 18, 26x26: groups of 5
  } do
    torch.manualSeed(7)
    local m = make()
    local planes = m.nInputPlane
    local x = torch.randn(10, planes, 28, 28)
    H.ok(m:_chunk(10, (28 - m.kH + 1) * (28 - m.kW + 1)) < 10, "grouped")
    local y = m:forward(x):clone()
    local gy = torch.randn(y:size())
    m:zeroGradParameters()
    local gx = m:backward(x, gy):clone()
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    local one = m:clone()
    one:zeroGradParameters()
    local wy, wgx = torch.zeros(y:size()), torch.zeros(x:size())
    for n = 1, 10 do
      wy[n]:copy(one:forward(x[n]))
      wgx[n]:copy(one:backward(x[n], gy[n]))
    end
    H.near((y - wy):abs():max(), 0, 1e-12, torch.type(m) .. " output")
    H.near((gx - wgx):abs():max(), 0, 1e-12, torch.type(m) .. " gradInput")
    H.near((gw - one.gradWeight):abs():max(), 0, 1e-11, torch.type(m) .. " gradWeight")
    H.near((gb - one.gradBias):abs():max(), 0, 1e-11, torch.type(m) .. " gradBias")
    -- accGradParameters alone (no updateGradInput since the forward)
    m:zeroGradParameters()
    m:forward(x)
    m:accGradParameters(x, gy)
    H.near((m.gradWeight - one.gradWeight):abs():max(), 0, 1e-11, torch.type(m) .. " accGradParameters alone")
  end
end)

H.test("a nil gradInput skips the first layer's input gradient (Torch7's idiom)", function()
  local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2))
  local ref = m:clone()
  m:get(1).gradInput = nil
  local x = torch.randn(5, 4)
  m:zeroGradParameters(); ref:zeroGradParameters()
  m:forward(x); ref:forward(x)
  local g = torch.randn(5, 2)
  H.eq(m:backward(x, g), nil)
  ref:backward(x, g)
  H.eq(maxdiff(m:get(1).gradWeight, ref:get(1).gradWeight), 0)
end)

H.test("clone shares the named parameters; getParameters keeps sharing", function()
  local a = nn.Linear(3, 2)
  local b = a:clone("weight", "bias", "gradWeight", "gradBias")
  b.weight[1][1] = 42
  H.eq(a.weight[1][1], 42)
  local c = a:clone()
  c.weight[1][1] = 7
  H.eq(a.weight[1][1], 42)
  local m = nn.Sequential():add(a):add(b)
  local flat = m:getParameters()
  H.eq(flat:nElement(), 8) -- shared once
  flat:zero()
  H.eq(b.weight[1][1], 0)
end)

H.test("type conversion, float forward, training/evaluate, listModules, apply", function()
  local m = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Dropout(0.5))
  m:float()
  H.eq(torch.type(m:get(1).weight), "torch.FloatTensor")
  H.eq(torch.type(m:forward(torch.FloatTensor(4, 3):fill(1))), "torch.FloatTensor")
  m:evaluate()
  H.eq(m:get(2).train, false)
  local seen = 0
  m:apply(function() seen = seen + 1 end)
  H.eq(seen, 3)
  H.eq(#m:listModules(), 3)
  H.eq(#m:findModules("nn.Linear"), 1)
  m:double()
  H.eq(torch.type(m:get(1).gradWeight), "torch.DoubleTensor")
end)

H.test("__tostring__ names the classes", function()
  H.eq(tostring(nn.Linear(3, 2)), "nn.Linear(3 -> 2)")
  H.ok(tostring(nn.Sequential():add(nn.Tanh())):find("(1): nn.Tanh", 1, true))
  H.eq(tostring(nn.Reshape(10)), "nn.Reshape(10)")
end)

H.test("reset draws uniform(-1/sqrt(fanin), 1/sqrt(fanin)) as Torch7", function()
  local l = nn.Linear(100, 50)
  local b = 1 / math.sqrt(100)
  H.ok(l.weight:max() <= b and l.weight:min() >= -b)
  H.ok(l.weight:max() > 0.9 * b)
  l:reset(0.2)
  H.ok(l.weight:max() <= 0.2 * math.sqrt(3))
end)

-- every module: input (and parameter) gradients against finite differences
local cases = {
  { "Linear", function() return nn.Linear(4, 3) end, { 5, 4 } },
  { "Linear 1D", function() return nn.Linear(4, 3) end, { 4 } },
  { "Linear no bias", function() return nn.Linear(4, 3, false) end, { 2, 4 } },
  { "Bilinear", function() return nn.Bilinear(3, 4, 2) end, "bilinear" },
  { "Add", function() return nn.Add(5) end, { 3, 5 } },
  { "Add scalar", function() return nn.Add(5, true) end, { 3, 5 } },
  { "Mul", function() return nn.Mul() end, { 3, 5 } },
  { "CMul", function() return nn.CMul(5) end, { 3, 5 } },
  { "PReLU shared", function() return nn.PReLU() end, { 3, 5 } },
  { "PReLU planes", function() return nn.PReLU(3) end, { 2, 3, 2, 2 } },
  { "Tanh", nn.Tanh, { 3, 5 } }, { "Sigmoid", nn.Sigmoid, { 3, 5 } }, { "ReLU", nn.ReLU, { 3, 5 } },
  { "ReLU6", nn.ReLU6, { 3, 5 }, 8 }, { "LeakyReLU", nn.LeakyReLU, { 3, 5 } }, { "ELU", nn.ELU, { 3, 5 } },
  { "HardTanh", nn.HardTanh, { 3, 5 } }, { "Threshold", function() return nn.Threshold(0.1, -2) end, { 3, 5 } },
  { "SoftMax", nn.SoftMax, { 3, 5 } }, { "SoftMax 1D", nn.SoftMax, { 5 } },
  { "SoftMax 4D", nn.SoftMax, { 2, 3, 2, 2 } },
  { "LogSoftMax", nn.LogSoftMax, { 3, 5 } }, { "SoftMin", nn.SoftMin, { 3, 5 } },
  { "SoftPlus", nn.SoftPlus, { 3, 5 } }, { "SoftPlus beta", function() return nn.SoftPlus(2, 3) end, { 3, 5 } },
  { "SoftSign", nn.SoftSign, { 3, 5 } }, { "LogSigmoid", nn.LogSigmoid, { 3, 5 } },
  { "Abs", nn.Abs, { 3, 5 } }, { "Square", nn.Square, { 3, 5 } }, { "Exp", nn.Exp, { 3, 5 } },
  { "Power", function() return nn.Power(3) end, { 3, 5 } },
  { "MulConstant", function() return nn.MulConstant(-2.5) end, { 3, 5 } },
  { "AddConstant", function() return nn.AddConstant(1.5) end, { 3, 5 } },
  { "Sum", function() return nn.Sum(2) end, { 3, 5 } }, { "Mean", function() return nn.Mean(1) end, { 3, 5 } },
  { "Max", function() return nn.Max(2) end, { 3, 5 } }, { "Min", function() return nn.Min(1) end, { 3, 5 } },
  { "Normalize 2", function() return nn.Normalize(2) end, { 3, 5 } },
  { "Normalize 1.5", function() return nn.Normalize(1.5) end, { 3, 5 } },
  { "Normalize inf", function() return nn.Normalize(math.huge) end, { 3, 5 } },
  { "Replicate", function() return nn.Replicate(3, 2) end, { 3, 5 } },
  { "Padding", function() return nn.Padding(2, -2) end, { 3, 5 } },
  { "SpatialZeroPadding", function() return nn.SpatialZeroPadding(1, 2, -1, 0) end, { 2, 3, 4, 5 } },
  { "Narrow", function() return nn.Narrow(2, 2, 3) end, { 3, 5 } },
  { "Select", function() return nn.Select(2, -1) end, { 3, 5 } },
  { "Transpose", function() return nn.Transpose({ 1, 2 }) end, { 3, 5 } },
  { "View", function() return nn.View(-1) end, { 3, 5 } },
  { "Reshape", function() return nn.Reshape(5, 3) end, { 3, 5 } },
  { "Squeeze", nn.Squeeze, { 3, 1, 5 } }, { "Unsqueeze", function() return nn.Unsqueeze(2) end, { 3, 5 } },
  { "Sequential", function() return nn.Sequential():add(nn.Linear(5, 4)):add(nn.Tanh()):add(nn.Linear(4, 2)) end, { 3, 5 } },
  { "Concat", function() return nn.Concat(2):add(nn.Linear(5, 4)):add(nn.Linear(5, 2)) end, { 3, 5 } },
  { "ConcatTable+CAddTable", function()
    return nn.Sequential():add(nn.ConcatTable():add(nn.Linear(5, 4)):add(nn.Linear(5, 4))):add(nn.CAddTable())
  end, { 3, 5 } },
  { "ConcatTable+CMulTable", function()
    return nn.Sequential():add(nn.ConcatTable():add(nn.Linear(5, 4)):add(nn.Linear(5, 4))):add(nn.CMulTable())
  end, { 3, 5 } },
  { "ConcatTable+CDivTable", function()
    return nn.Sequential():add(nn.ConcatTable():add(nn.Linear(5, 4)):add(nn.Sequential():add(nn.Linear(5, 4))
      :add(nn.Exp()))):add(nn.CDivTable())
  end, { 3, 5 } },
  { "JoinTable", function()
    return nn.Sequential():add(nn.ConcatTable():add(nn.Linear(5, 4)):add(nn.Linear(5, 3))):add(nn.JoinTable(2))
  end, { 3, 5 } },
  { "SplitTable+ParallelTable+CSubTable", function()
    return nn.Sequential():add(nn.SplitTable(2)):add(nn.ParallelTable():add(nn.Linear(3, 2)):add(nn.Linear(3, 2)))
      :add(nn.CSubTable())
  end, { 3, 2, 3 } },
  { "SelectTable", function()
    return nn.Sequential():add(nn.ConcatTable():add(nn.Linear(5, 4)):add(nn.Linear(5, 3))):add(nn.SelectTable(-1))
  end, { 3, 5 } },
  { "Parallel", function() return nn.Parallel(2, 2):add(nn.Linear(3, 2)):add(nn.Linear(3, 4)) end, { 3, 2, 3 } },
  { "SpatialConvolution", function() return nn.SpatialConvolution(2, 3, 3, 2) end, { 2, 2, 5, 6 } },
  { "SpatialConvolution stride pad", function() return nn.SpatialConvolution(2, 3, 3, 3, 2, 2, 1, 1) end, { 2, 2, 5, 6 } },
  { "SpatialConvolutionMM 3D", function() return nn.SpatialConvolutionMM(2, 3, 3, 2, 1, 2, 2, 1) end, { 2, 5, 6 } },
  { "SpatialFullConvolution", function() return nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1) end, { 2, 2, 4, 3 } },
  { "SpatialMaxPooling", function() return nn.SpatialMaxPooling(2, 2) end, { 2, 2, 6, 6 } },
  { "SpatialMaxPooling ceil pad", function() return nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil() end, { 2, 2, 6, 7 } },
  { "SpatialAveragePooling", function() return nn.SpatialAveragePooling(2, 2, 2, 2) end, { 2, 2, 6, 6 } },
  { "SpatialAveragePooling exclude pad", function()
    return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil():setCountExcludePad()
  end, { 2, 2, 6, 7 } },
  { "SpatialSubSampling", function() return nn.SpatialSubSampling(2, 3, 2, 2, 1) end, { 2, 2, 6, 5 } },
  { "SpatialSubSampling 3D", function() return nn.SpatialSubSampling(2, 2, 2, 2, 2) end, { 2, 6, 6 } },
  { "BatchNormalization", function() return nn.BatchNormalization(4) end, { 5, 4 } },
  { "BatchNormalization no affine", function() return nn.BatchNormalization(4, 1e-5, 0.1, false) end, { 5, 4 } },
  { "SpatialBatchNormalization", function() return nn.SpatialBatchNormalization(3) end, { 2, 3, 3, 2 } },
  { "BatchNormalization evaluate", function()
    local bn = nn.BatchNormalization(4)
    bn:forward(torch.randn(8, 4))
    return bn:evaluate()
  end, { 5, 4 } },
  { "TemporalConvolution", function() return nn.TemporalConvolution(3, 4, 3, 2) end, { 2, 8, 3 } },
  { "TemporalConvolution 2D", function() return nn.TemporalConvolution(3, 4, 2) end, { 7, 3 } },
  { "TemporalMaxPooling", function() return nn.TemporalMaxPooling(2, 1) end, { 2, 7, 3 } },
  { "RNN tanh", function() return nn.RNN(3, 4) end, { 2, 5, 3 } },
  { "RNN relu", function() return nn.RNN(3, 4, "relu") end, { 2, 5, 3 } },
  { "LSTM", function() return nn.LSTM(3, 4) end, { 2, 5, 3 } },
  { "LSTM one sequence", function() return nn.LSTM(3, 2) end, { 4, 3 } },
  { "GRU", function() return nn.GRU(3, 4) end, { 2, 5, 3 } },
  { "HardShrink", nn.HardShrink, { 3, 5 } }, { "SoftShrink", function() return nn.SoftShrink(0.3) end, { 3, 5 } },
  { "CAdd", function() return nn.CAdd(5) end, { 3, 5 } }, { "CAdd full", function() return nn.CAdd(3, 5) end, { 3, 5 } },
  { "CAdd planes", function() return nn.CAdd(3, 1, 1) end, { 3, 2, 4 } },
  { "CAdd planes batch", function() return nn.CAdd(3, 1, 1) end, { 2, 3, 2, 4 } },
  { "SpatialSoftMax", nn.SpatialSoftMax, { 2, 3, 2, 2 } }, { "SpatialLogSoftMax", nn.SpatialLogSoftMax, { 3, 2, 2 } },
}

-- modules on tables of tensors: every input tensor against finite differences
local function table_check(m, x)
  local out = m:forward(x)
  local g = torch.randn(out:size())
  local gi = m:backward(x, g)
  local worst = 0
  for k = 1, #x do
    if torch.typename(x[k]) == "torch.DoubleTensor" then
      local fx = x[k]:view(-1)
      for i = 1, fx:nElement() do
        local o = fx[i]
        fx[i] = o + 1e-6
        local f2 = m:forward(x):clone():cmul(g):sum()
        fx[i] = o - 1e-6
        local f1 = m:forward(x):clone():cmul(g):sum()
        fx[i] = o
        worst = math.max(worst, math.abs((f2 - f1) / 2e-6 - gi[k]:contiguous():view(-1)[i]))
      end
    end
  end
  return worst
end

local table_cases = {
  { "CMaxTable", function() return nn.CMaxTable() end, function() return { torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4) } end },
  { "CMinTable", function() return nn.CMinTable() end, function() return { torch.randn(3, 4), torch.randn(3, 4) } end },
  { "MM", function() return nn.MM() end, function() return { torch.randn(3, 4), torch.randn(4, 2) } end },
  { "MM transposed", function() return nn.MM(true, true) end, function() return { torch.randn(4, 3), torch.randn(2, 4) } end },
  { "MM batch", function() return nn.MM(false, true) end, function() return { torch.randn(2, 3, 4), torch.randn(2, 5, 4) } end },
  { "MV", function() return nn.MV() end, function() return { torch.randn(3, 4), torch.randn(4) } end },
  { "MV batch transposed", function() return nn.MV(true) end, function() return { torch.randn(2, 4, 3), torch.randn(2, 4) } end },
  { "DotProduct", function() return nn.DotProduct() end, function() return { torch.randn(3, 4), torch.randn(3, 4) } end },
  { "PairwiseDistance 2", function() return nn.PairwiseDistance(2) end, function() return { torch.randn(3, 4), torch.randn(3, 4) } end },
  { "PairwiseDistance 1.5", function() return nn.PairwiseDistance(1.5) end, function() return { torch.randn(3, 4), torch.randn(3, 4) } end },
  { "CosineDistance", function() return nn.CosineDistance() end, function() return { torch.randn(3, 4), torch.randn(3, 4) } end },
  { "Index", function() return nn.Index(1) end, function() return { torch.randn(4, 3), torch.LongTensor { 2, 4, 2 } } end },
  { "MaskedSelect", function() return nn.MaskedSelect() end, function() return { torch.randn(3, 3), torch.eye(3):byte() } end },
}
for _, c in ipairs(table_cases) do
  H.test("gradient check (table input): " .. c[1], function()
    local worst = table_check(c[2](), c[3]())
    H.ok(worst < 1e-6, c[1] .. " worst " .. worst)
  end)
end

H.test("GradientReversal, ZeroGrad, Constant, L1Penalty, NarrowTable, MarginRanking, WeightedMSE", function()
  local x = torch.randn(4)
  H.eq(maxdiff(nn.GradientReversal(2):backward(x, torch.ones(4)), torch.Tensor(4):fill(-2)), 0)
  H.eq(nn.ZeroGrad():backward(x, torch.ones(4)):abs():sum(), 0)
  H.eq(nn.Constant(3, 1):forward(torch.randn(5, 2)):sum(), 15)
  local l1 = nn.L1Penalty(0.5)
  l1:forward(torch.Tensor { -2, 1 })
  H.near(l1.loss, 1.5)
  H.eq(maxdiff(l1:backward(torch.Tensor { -2, 1 }, torch.zeros(2)), torch.Tensor { -0.5, 0.5 }), 0)
  local nt = nn.NarrowTable(2, 2):forward({ 1, 2, 3, 4 })
  H.eq(#nt, 2)
  H.eq(nt[1], 2)
  local a, b = torch.Tensor { 1, 0, 2 }, torch.Tensor { 0, 1, 2.5 }
  H.near(nn.MarginRankingCriterion(0.5):forward({ a, b }, torch.Tensor { 1, 1, -1 }), (0 + 1.5 + 0) / 3)
  local w = nn.WeightedMSECriterion(torch.Tensor { 1, 2 })
  H.near(w:forward(torch.Tensor { 1, 1 }, torch.Tensor { 1, 1 }), 0.5)
end)

local function make_input(spec)
  if spec == "bilinear" then return { torch.randn(5, 3), torch.randn(5, 4) } end
  local t = torch.randn(table.unpack(spec))
  -- keep away from kinks (ReLU at 0, HardTanh at +-1): finite differences straddle them otherwise
  t:apply(function(v) if math.abs(v) < 0.01 or math.abs(math.abs(v) - 1) < 0.01 then return v + 0.05 end end)
  return t
end

for _, c in ipairs(cases) do
  H.test("gradient check: " .. c[1], function()
    local m = c[2]()
    local x = make_input(c[3])
    if c[4] then x:mul(c[4]) end
    local worst, report = nn.Jacobian.check(m, x)
    H.ok(worst < 1e-6, string.format("%s: worst %g (input %s)", c[1], worst, tostring(report.input)))
    H.ok(report.input ~= nil or c[3] == "bilinear")
  end)
end

H.test("LookupTable: rows by index, gradient by finite differences", function()
  local lt = nn.LookupTable(10, 3)
  local idx = torch.LongTensor { { 1, 3, 3 }, { 2, 2, 9 } }
  local y = lt:forward(idx)
  H.eq(y:size(1), 2)
  H.eq(y:size(3), 3)
  H.eq(maxdiff(y[1][2], lt.weight[3]), 0)
  local worst = nn.Jacobian.check(lt, idx, { input = false })
  H.ok(worst < 1e-6, "worst " .. worst)
  H.check_error("index out of range", function() lt:forward(torch.LongTensor { 11 }) end)
  -- padding rows get no gradient; direct updates; maxNorm renormalises looked-up rows
  local pad = nn.LookupTable(5, 2, 3)
  pad:zeroGradParameters()
  pad:forward(torch.LongTensor { 3, 1 })
  pad:backward(torch.LongTensor { 3, 1 }, torch.ones(2, 2))
  H.eq(pad.gradWeight[3]:abs():sum(), 0)
  H.eq(pad.gradWeight[1][1], 1)
  local w1 = pad.weight[1]:clone()
  pad:accUpdateOnly()
  H.ok(pad.gradWeight == nil)
  pad:backwardUpdate(torch.LongTensor { 1 }, torch.ones(1, 2), 0.5)
  H.ok(maxdiff(pad.weight[1], w1 - 0.5) < 1e-15)
  local mn = nn.LookupTable(4, 3, 0, 0.5)
  mn.weight:fill(1)
  mn:forward(torch.LongTensor { 2 })
  H.near(mn.weight[2]:norm(), 0.5, 1e-6)
  H.eq(mn.weight[1]:norm(), math.sqrt(3))
end)

H.test("Float convolution and pooling agree with Double", function()
  local m = nn.Sequential():add(nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1)):add(nn.ReLU())
    :add(nn.SpatialMaxPooling(2, 2)):add(nn.SpatialAveragePooling(2, 2))
  local x = torch.randn(3, 2, 8, 8)
  local y = m:forward(x):clone()
  local g = m:backward(x, torch.ones(y:size())):clone()
  local mf = m:clone():float()
  H.ok(maxdiff(mf:forward(x:float()), y) < 1e-5)
  H.ok(maxdiff(mf:backward(x:float(), torch.ones(y:size()):float()), g) < 1e-5)
  H.check_error("expected 2 input planes", function() m:forward(torch.randn(3, 4, 8, 8)) end)
  H.check_error("is too small for kernel", function() nn.SpatialConvolution(1, 1, 5, 5):forward(torch.randn(1, 3, 3)) end)
  H.check_error("expected a Float or Double tensor", function()
    torch._nn.maxpool2d(torch.LongTensor(), torch.LongTensor(), torch.LongTensor(1, 1, 4, 4), 2, 2, 2, 2, 0, 0)
  end)
end)

H.test("nn.init: Xavier and Kaiming bounds and spreads", function()
  torch.manualSeed(3)
  local w = torch.Tensor(200, 300)
  nn.init.xavier_uniform(w)
  local a = math.sqrt(6 / 500)
  H.ok(w:max() <= a and w:min() >= -a and w:max() > 0.95 * a)
  nn.init.xavier_normal(w, 2)
  H.near(w:std(), 2 * math.sqrt(2 / 500), 0.03)
  local c = torch.Tensor(16, 8, 3, 3)
  nn.init.kaiming_normal(c)
  H.near(c:std(), math.sqrt(2) / math.sqrt(8 * 9), 0.05)
  nn.init.kaiming_uniform(c, 0, "fan_out", "relu")
  local b = math.sqrt(3) * math.sqrt(2) / math.sqrt(16 * 9)
  H.ok(c:max() <= b and c:max() > 0.9 * b)
  H.near(nn.init.calculate_gain("leaky_relu", 0.2), math.sqrt(2 / 1.04))
  local m = nn.init.apply(nn.Sequential():add(nn.Linear(10, 5)):add(nn.Tanh()), "xavier_uniform", 5 / 3)
  H.eq(m:get(1).bias:abs():sum(), 0)
  H.check_error("at least 2 dimensions", nn.init.xavier_uniform, torch.Tensor(5))
  H.check_error("unknown method 'nope'", nn.init.apply, m, "nope")
end)

H.test("Dropout: training scales kept units by 1/(1-p), evaluate is identity", function()
  local d = nn.Dropout(0.25)
  local x = torch.ones(1000)
  local y = d:forward(x)
  local kept = y:gt(0):sum()
  H.ok(kept > 650 and kept < 850, "kept " .. kept)
  H.near(y:max(), 1 / 0.75, 1e-12)
  local g = d:backward(x, torch.ones(1000))
  H.eq(maxdiff(g, y), 0)
  d:evaluate()
  H.eq(maxdiff(d:forward(x), x), 0)
  H.check_error("illegal percentage", function() nn.Dropout(1) end)
end)

-- criteria: values against closed forms, gradients against finite differences
local function crit_grad(c, x, t)
  c:forward(x, t)
  local g = c:backward(x, t):clone()
  local eps = 1e-6
  local worst = 0
  local fx = x:view(-1)
  for i = 1, fx:nElement() do
    local o = fx[i]
    fx[i] = o + eps
    local f2 = c:forward(x, t)
    fx[i] = o - eps
    local f1 = c:forward(x, t)
    fx[i] = o
    worst = math.max(worst, math.abs((f2 - f1) / (2 * eps) - g:view(-1)[i]))
  end
  return worst
end

H.test("MSE / Abs / SmoothL1 values and gradients", function()
  local x = torch.Tensor { { 1, 2 }, { 3, -4 } }
  local t = torch.Tensor { { 0, 2.5 }, { 3, -1 } }
  H.near(nn.MSECriterion():forward(x, t), (1 + 0.25 + 0 + 9) / 4)
  H.near(nn.MSECriterion(false):forward(x, t), 1 + 0.25 + 9)
  H.near(nn.AbsCriterion():forward(x, t), (1 + 0.5 + 3) / 4)
  H.near(nn.SmoothL1Criterion():forward(x, t), (0.5 + 0.125 + 0 + 2.5) / 4)
  local xr, tr = torch.randn(3, 4), torch.randn(3, 4)
  for _, c in ipairs { nn.MSECriterion(), nn.AbsCriterion(), nn.SmoothL1Criterion() } do
    H.ok(crit_grad(c, xr, tr) < 1e-7, torch.type(c))
  end
  H.check_error("same number of elements", function() nn.MSECriterion():forward(x, torch.ones(3)) end)
end)

H.test("ClassNLL (weights, ignoreIndex) and CrossEntropy", function()
  local x = torch.Tensor { { -1, -2, -3 }, { -0.5, -1.5, -2.5 } }
  H.near(nn.ClassNLLCriterion():forward(x, torch.LongTensor { 2, 3 }), (2 + 2.5) / 2)
  local w = torch.Tensor { 1, 2, 3 }
  H.near(nn.ClassNLLCriterion(w):forward(x, torch.LongTensor { 2, 3 }), (2 * 2 + 3 * 2.5) / 5)
  H.near(nn.ClassNLLCriterion(nil, true, 3):forward(x, torch.LongTensor { 2, 3 }), 2)
  H.near(nn.ClassNLLCriterion():forward(torch.Tensor { -1, -2 }, 2), 2)
  local logits = torch.randn(4, 5)
  local y = torch.LongTensor { 1, 5, 2, 2 }
  local ce = nn.CrossEntropyCriterion():forward(logits, y)
  local ref = 0
  for i = 1, 4 do
    local s = 0
    for j = 1, 5 do s = s + math.exp(logits[i][j]) end
    ref = ref + math.log(s) - logits[i][y[i]]
  end
  H.near(ce, ref / 4, 1e-12)
  H.ok(crit_grad(nn.CrossEntropyCriterion(w:clone():resize(5):fill(1.5)), logits, y) < 1e-7)
  H.ok(crit_grad(nn.ClassNLLCriterion(torch.Tensor { 1, 2, 3, 4, 5 }), logits, y) < 1e-7)
  H.check_error("out of range", function() nn.ClassNLLCriterion():forward(x, torch.LongTensor { 2, 4 }) end)
  H.check_error("expected 2 targets", function() nn.ClassNLLCriterion():forward(x, torch.LongTensor { 2 }) end)
end)

H.test("BCE, Margin, SoftMargin, MultiMargin, KLDiv, HingeEmbedding, CosineEmbedding, MultiLabelSoftMargin", function()
  local p = torch.Tensor { 0.2, 0.9, 0.6 }
  local t = torch.Tensor { 0, 1, 1 }
  H.near(nn.BCECriterion():forward(p, t), -(math.log(0.8) + math.log(0.9) + math.log(0.6)) / 3, 1e-10)
  H.ok(crit_grad(nn.BCECriterion(), p, t) < 1e-6)
  H.ok(crit_grad(nn.BCECriterion(torch.Tensor { 1, 2, 3 }), p, t) < 1e-6)
  local x, y = torch.Tensor { 0.5, -2, 0.3 }, torch.Tensor { 1, -1, -1 }
  H.near(nn.MarginCriterion():forward(x, y), (0.5 + 0 + 1.3) / 3)
  H.ok(crit_grad(nn.MarginCriterion(), x, y) < 1e-7)
  H.near(nn.SoftMarginCriterion():forward(x, y), (math.log(1 + math.exp(-0.5)) + math.log(1 + math.exp(-2))
    + math.log(1 + math.exp(0.3))) / 3)
  H.ok(crit_grad(nn.SoftMarginCriterion(), x, y) < 1e-7)
  local s = torch.Tensor { { 0.1, 0.8, 0.3 }, { 0.5, 0.2, 0.2 } }
  local cls = torch.LongTensor { 2, 1 }
  H.near(nn.MultiMarginCriterion():forward(s, cls), ((0.3 + 0.5) / 3 + (0.7 + 0.7) / 3) / 2)
  H.ok(crit_grad(nn.MultiMarginCriterion(), s, cls) < 1e-7)
  H.ok(crit_grad(nn.MultiMarginCriterion(2, torch.Tensor { 1, 2, 3 }, 0.65), s, cls) < 1e-7)
  local lp, q = torch.Tensor { -1, -2, -0.5 }, torch.Tensor { 0.2, 0, 0.8 }
  H.near(nn.DistKLDivCriterion():forward(lp, q), (0.2 * (math.log(0.2) + 1) + 0.8 * (math.log(0.8) + 0.5)) / 3)
  H.ok(crit_grad(nn.DistKLDivCriterion(), lp, q) < 1e-7)
  H.near(nn.HingeEmbeddingCriterion(1):forward(torch.Tensor { 0.3, 0.4, 2 }, torch.Tensor { 1, -1, -1 }),
    (0.3 + 0.6 + 0) / 3)
  local a, b = torch.randn(4, 3), torch.randn(4, 3)
  local lab = torch.Tensor { 1, -1, 1, -1 }
  local ref = 0
  for i = 1, 4 do
    local c = a[i]:dot(b[i]) / (a[i]:norm() * b[i]:norm())
    ref = ref + (lab[i] == 1 and 1 - c or math.max(0, c - 0.1))
  end
  local cec = nn.CosineEmbeddingCriterion(0.1)
  H.near(cec:forward({ a, b }, lab), ref / 4, 1e-10)
  local g = cec:backward({ a, b }, lab)
  local eps, worst = 1e-6, 0
  for i = 1, 4 do
    for j = 1, 3 do
      local o = a[i][j]
      a[i][j] = o + eps
      local f2 = cec:forward({ a, b }, lab)
      a[i][j] = o - eps
      local f1 = cec:forward({ a, b }, lab)
      a[i][j] = o
      worst = math.max(worst, math.abs((f2 - f1) / (2 * eps) - g[1][i][j]))
    end
  end
  H.ok(worst < 1e-7, "cosine grad " .. worst)
  local z, yy = torch.randn(2, 3), torch.Tensor { { 1, 0, 1 }, { 0, 0, 1 } }
  local mref = 0
  for i = 1, 2 do
    for j = 1, 3 do
      local sg = 1 / (1 + math.exp(-z[i][j]))
      mref = mref - (yy[i][j] * math.log(sg) + (1 - yy[i][j]) * math.log(1 - sg))
    end
  end
  H.near(nn.MultiLabelSoftMarginCriterion():forward(z, yy), mref / 6, 1e-9)
  H.ok(crit_grad(nn.MultiLabelSoftMarginCriterion(), z, yy) < 1e-6)
end)

H.test("Parallel: one child per input slice (Torch7's rule); extra children unused, too few an error", function()
  local p = nn.Parallel(1, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 2)):add(nn.Identity())
  local x = torch.randn(2, 3)
  local y = p:forward(x)
  H.eq(y:size(1), 4)
  H.near((y:narrow(1, 1, 2) - p:get(1):forward(x[1])):abs():max(), 0, 1e-15)
  H.near((y:narrow(1, 3, 2) - p:get(2):forward(x[2])):abs():max(), 0, 1e-15)
  local gi = p:backward(x, torch.ones(4))
  H.eq(gi:size(1), 2)
  H.near((gi[2] - p:get(2).weight:sum(1):view(-1)):abs():max(), 0, 1e-15)
  H.check_error("nn.Parallel.updateOutput: the input has 4 slices along dimension 1 but there are only 3 modules",
    function() p:forward(torch.randn(4, 3)) end)
end)

H.test("ParallelCriterion weights its members", function()
  local pc = nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion(), 2)
  local x = { torch.Tensor { 1, 2 }, torch.Tensor { 3 } }
  local t = { torch.Tensor { 0, 0 }, torch.Tensor { 1 } }
  H.near(pc:forward(x, t), 0.5 * 2.5 + 2 * 2)
  local g = pc:backward(x, t)
  H.near(g[1][2], 0.5 * 2 * 2 / 2)
  H.near(g[2][1], 2)
end)

H.test("errors name the module and the shapes", function()
  H.check_error("nn.Linear.updateOutput: size mismatch, expected input of size 4 or (N, 4), got 3x5", function()
    nn.Linear(4, 2):forward(torch.randn(3, 5))
  end)
  H.check_error("In 1 module of nn.Sequential", function()
    nn.Sequential():add(nn.Linear(4, 2)):forward(torch.randn(3, 5))
  end)
  H.check_error("expected an nn.Module", function() nn.Sequential():add(42) end)
  H.check_error("nn.View.updateOutput", function() nn.View(4):forward(torch.randn(3, 5)) end)
end)

H.done()
