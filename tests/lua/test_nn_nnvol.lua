-- nn's volumetric layers (stdlib/moonlab/nn/volumetric.lua): forward and
-- backward against PyTorch fixtures (tests/fixtures/nn/make_nnvol.py) in
-- Double and Float, gradients by finite differences, batch against single
-- volumes, strided inputs, fractional max pooling against a naive loop with
-- fixed samples, dropout's structure, saving, and the error messages.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
local F = dofile("tests/fixtures/nn/nnvol_torch.lua")

local function T(spec, ctor)
  ctor = ctor or torch.DoubleTensor
  local t = ctor(#spec.data)
  for i, v in ipairs(spec.data) do t[i] = v end
  return t:view(table.unpack(spec.size))
end

local function maxdiff(a, b)
  H.eq(a:nElement(), b:nElement(), "element count")
  if a:nElement() == 0 then return 0 end
  return (a:contiguous():view(-1):double() - b:contiguous():view(-1):double()):abs():max()
end

local function build(ctor)
  return assert(load("return " .. ctor, ctor, "t", { nn = nn }))()
end

local function sizes(t) return table.concat(t:size():totable(), "x") end

-- ---------------------------------------------------------------- PyTorch fixtures

for _, c in ipairs(F) do
  for _, dtype in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    H.test("PyTorch " .. c.name .. " (" .. dtype .. ")", function()
      local tol = dtype == "torch.FloatTensor" and 1e-4 or 1e-10
      local ctor = torch.getconstructortable(dtype)
      local m = build(c.ctor):type(dtype)
      for _, p in ipairs(c.params) do m[p.field]:copy(T(p.value)) end
      if c.evaluate then
        m:evaluate()
        m.running_mean:copy(T(c.running_mean))
        m.running_var:copy(T(c.running_var))
      end
      if c.pooled then
        m.pooling:forward(T(c.pooled, ctor))
        H.eq(maxdiff(m.pooling.indices, T(c.indices)), 0, "pooling indices")
      end
      local x = T(c.input, ctor)
      local y = m:forward(x)
      H.eq(torch.typename(y), dtype)
      H.eq(sizes(y), table.concat(c.output.size, "x"), "output size")
      H.ok(maxdiff(y, T(c.output)) < tol, "output differs by " .. maxdiff(y, T(c.output)))
      if c.indices and not c.pooled then H.eq(maxdiff(m.indices, T(c.indices)), 0, "indices") end
      if c.running_mean and not c.evaluate then
        H.ok(maxdiff(m.running_mean, T(c.running_mean)) < tol, "running_mean")
        H.ok(maxdiff(m.running_var, T(c.running_var)) < tol, "running_var")
      end
      m:zeroGradParameters()
      local gi = m:backward(x, T(c.gradOutput, ctor))
      H.eq(sizes(gi), sizes(x), "gradInput size")
      H.ok(maxdiff(gi, T(c.gradInput)) < tol, "gradInput differs by " .. maxdiff(gi, T(c.gradInput)))
      for _, p in ipairs(c.params) do
        local g = m["grad" .. p.field:sub(1, 1):upper() .. p.field:sub(2)]
        H.ok(maxdiff(g, T(p.grad)) < tol, p.field .. " gradient differs by " .. maxdiff(g, T(p.grad)))
      end
    end)
  end
end

-- ---------------------------------------------------------------- finite differences

local jac = nn.Jacobian
local PREC = 1e-5

local function jac_check(name, m, x, params)
  H.test("Jacobian " .. name, function()
    H.ok(jac.testJacobian(m, x) < PREC, "input gradient")
    for _, p in ipairs(params or {}) do
      H.ok(jac.testJacobianParameters(m, x, m[p[1]], m[p[2]]) < PREC, p[1] .. " gradient")
      H.ok(jac.testJacobianUpdateParameters(m, x, m[p[1]]) < PREC, p[1] .. " direct update")
    end
  end)
end

local WB = { { "weight", "gradWeight" }, { "bias", "gradBias" } }
jac_check("conv", nn.VolumetricConvolution(2, 2, 2, 3, 2, 1, 2, 1, 1, 0, 1), torch.Tensor(2, 4, 5, 5), WB)
jac_check("conv without bias", nn.VolumetricConvolution(2, 3, 2, 2, 2, 2, 1, 1):noBias(), torch.Tensor(2, 2, 4, 3, 3),
  { WB[1] })
jac_check("dilated conv", nn.VolumetricDilatedConvolution(1, 2, 2, 2, 2, 1, 1, 2, 1, 0, 1, 2, 2, 1),
  torch.Tensor(2, 1, 4, 5, 4), WB)
jac_check("full conv", nn.VolumetricFullConvolution(2, 2, 2, 3, 2, 2, 1, 2, 1, 1, 0, 1, 0, 1),
  torch.Tensor(1, 2, 2, 3, 2), WB)
jac_check("max pool", nn.VolumetricMaxPooling(2, 2, 2, 2, 1, 2, 1, 1, 0), torch.Tensor(2, 4, 5, 4))
jac_check("dilated max pool ceil", nn.VolumetricDilatedMaxPooling(2, 2, 2, 2, 2, 1, 1, 0, 1, 2, 1, 2):ceil(),
  torch.Tensor(2, 2, 6, 5, 6))
jac_check("avg pool exclude pad", nn.VolumetricAveragePooling(3, 2, 3, 2, 1, 2, 1, 1, 1):ceil():setCountExcludePad(),
  torch.Tensor(2, 5, 4, 5))
jac_check("replication pad", nn.VolumetricReplicationPadding(1, -1, 2, 0, -1, 2), torch.Tensor(2, 2, 3, 3, 4))
jac_check("batch norm", nn.VolumetricBatchNormalization(2), torch.Tensor(3, 2, 2, 2, 2), WB)
jac_check("batch norm single volume", nn.VolumetricBatchNormalization(2, 1e-5, 0.1, false), torch.Tensor(2, 2, 3, 2))

H.test("Jacobian max unpooling", function()
  local pool = nn.VolumetricMaxPooling(2, 2, 2)
  local un = nn.VolumetricMaxUnpooling(pool)
  local pooled = pool:forward(torch.rand(2, 4, 4, 6))
  H.ok(jac.testJacobian(un, pooled) < PREC)
  H.eq(sizes(un:forward(pooled)), "2x4x4x6")
end)

-- ---------------------------------------------------------------- batch, strides, dtypes

local function batch_vs_single(name, m, x)
  H.test("batch matches single volumes: " .. name, function()
    local yb = m:forward(x):clone()
    local gb = m:backward(x, yb):clone()
    for n = 1, x:size(1) do
      local y = m:forward(x[n]):clone()
      H.ok(maxdiff(y, yb[n]) < 1e-12, "output " .. n)
      H.ok(maxdiff(m:backward(x[n], y), gb[n]) < 1e-12, "gradInput " .. n)
    end
  end)
end

batch_vs_single("conv", nn.VolumetricConvolution(2, 3, 2, 2, 3, 1, 2, 1, 1, 1, 1), torch.randn(3, 2, 4, 5, 6))
batch_vs_single("full conv", nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 2, 1), torch.randn(2, 2, 2, 3, 3))
batch_vs_single("max pool", nn.VolumetricMaxPooling(2, 3, 2, 2, 2, 2, 1, 1, 1):ceil(), torch.randn(3, 2, 5, 6, 7))
batch_vs_single("avg pool", nn.VolumetricAveragePooling(2, 2, 2, 1, 2, 2), torch.randn(2, 3, 4, 5, 5))
batch_vs_single("replication pad", nn.VolumetricReplicationPadding(2, 1, 0, 1, 1, 2), torch.randn(2, 2, 2, 3, 4))

H.test("strided (transposed, narrowed) inputs give the contiguous results", function()
  local mods = {
    nn.VolumetricConvolution(2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 1),
    nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 2),
    nn.VolumetricFullConvolution(2, 1, 2, 2, 2, 2, 1, 1),
    nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1),
    nn.VolumetricAveragePooling(2, 2, 2, 1, 1, 1),
    nn.VolumetricReplicationPadding(1, 2, 1, 0, 0, 1),
  }
  local base = torch.randn(2, 2, 5, 7, 6)
  local x = base:transpose(4, 5):narrow(5, 2, 5) -- 2x2x5x6x5, not contiguous
  H.ok(not x:isContiguous())
  for _, m in ipairs(mods) do
    local y = m:forward(x):clone()
    local gy = torch.randn(y:size())
    local g = m:backward(x, gy):clone()
    local xc = x:contiguous()
    H.eq(maxdiff(m:forward(xc), y), 0, torch.type(m) .. " output")
    H.eq(maxdiff(m:backward(xc, gy), g), 0, torch.type(m) .. " gradInput")
  end
end)

H.test("the output and gradInput objects stay the same across layouts", function()
  local m = nn.VolumetricMaxPooling(2, 2, 2)
  local out, gin = m.output, m.gradInput
  local x4, x5 = torch.randn(2, 4, 4, 4), torch.randn(3, 2, 4, 4, 4)
  H.ok(m:forward(x4) == out and m:forward(x5) == out and m:forward(x4) == out)
  H.eq(sizes(out), "2x2x2x2")
  H.ok(m:backward(x4, out) == gin)
  H.eq(sizes(gin), "2x4x4x4")
  local c = nn.VolumetricConvolution(2, 1, 2, 2, 2)
  local cout = c.output
  H.ok(c:forward(x4) == cout and c:forward(x5) == cout)
end)

H.test("Float and Double agree", function()
  local m = nn.VolumetricConvolution(2, 2, 3, 2, 2, 1, 1, 1, 1, 1, 1)
  local x = torch.randn(2, 2, 4, 4, 5)
  local yd = m:forward(x):clone()
  local mf = m:clone():float()
  local yf = mf:forward(x:float())
  H.eq(torch.typename(yf), "torch.FloatTensor")
  H.ok(maxdiff(yd, yf) < 1e-5)
  local p = nn.VolumetricMaxPooling(2, 2, 2):float()
  H.ok(maxdiff(p:forward(x:float()), nn.VolumetricMaxPooling(2, 2, 2):forward(x)) < 1e-6)
  H.eq(torch.typename(p.indices), "torch.LongTensor")
end)

H.test("an empty batch gives an empty output", function()
  local x = torch.Tensor(0, 2, 4, 4, 4)
  H.eq(sizes(nn.VolumetricConvolution(2, 3, 2, 2, 2):forward(x)), "0x3x3x3x3")
  H.eq(sizes(nn.VolumetricMaxPooling(2, 2, 2):forward(x)), "0x2x2x2x2")
  H.eq(sizes(nn.VolumetricAveragePooling(2, 2, 2):forward(x)), "0x2x2x2x2")
end)

H.test("max pooling boundary in ceil mode (Torch7's test values)", function()
  local m = nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2):ceil()
  local x = torch.rand(3, 2, 7, 7)
  local y = m:forward(x)
  H.eq(sizes(y), "3x1x4x4")
  for c = 1, 3 do
    H.eq(y[c][1][4][4], math.max(x[c][1][7][7], x[c][2][7][7]))
    H.eq(y[c][1][1][4], math.max(x[c][1][1][7], x[c][1][2][7], x[c][2][1][7], x[c][2][2][7]))
  end
end)

-- ---------------------------------------------------------------- fractional max pooling

-- naive reference: window starts along one axis (Torch7's rule), in Double
local function starts(u, n, m, k)
  local s = {}
  local a = m > 1 and (n - k) / (m - 1) or 0
  for i = 0, m - 2 do s[i + 1] = math.floor((i + u) * a) - math.floor(u * a) end
  s[m] = n - k
  return s
end

H.test("fractional max pooling with fixed samples against a naive loop", function()
  local m = nn.VolumetricFractionalMaxPooling(2, 3, 2, 3, 2, 4):fixPoolingRegions()
  local N, C, Hh, W, Tt = 2, 2, 9, 7, 8
  local x = torch.randn(N, C, Hh, W, Tt)
  m.randomSamples = torch.Tensor(N, C, 3):uniform()
  local u = m.randomSamples:clone()
  local y = m:forward(x)
  H.eq(sizes(y), "2x2x4x2x3")
  H.eq(maxdiff(m.randomSamples, u), 0, "fixed samples are kept")
  for n = 1, N do
    for c = 1, C do
      local sT = starts(u[n][c][1], Tt, 3, 2)
      local sW = starts(u[n][c][2], W, 2, 3)
      local sH = starts(u[n][c][3], Hh, 4, 2)
      for h = 1, 4 do
        for w = 1, 2 do
          for t = 1, 3 do
            local best, at = -math.huge, nil
            for h2 = sH[h], sH[h] + 1 do
              for w2 = sW[w], sW[w] + 2 do
                for t2 = sT[t], sT[t] + 1 do
                  local v = x[n][c][h2 + 1][w2 + 1][t2 + 1]
                  if v > best then best, at = v, (h2 * W + w2) * Tt + t2 + 1 end
                end
              end
            end
            H.eq(y[n][c][h][w][t], best)
            H.eq(m.indices[n][c][h][w][t], at)
          end
        end
      end
    end
  end
  -- the gradient goes to the argmax positions
  local g = m:backward(x, torch.ones(y:size()))
  H.near(g:sum(), y:nElement(), 1e-12)
  H.ok(jac.testJacobian(m, torch.Tensor(C, Hh, W, Tt)) < PREC, "Jacobian (single volume)")
end)

H.test("fractional max pooling: ratios, new samples each forward unless fixed", function()
  local m = nn.VolumetricFractionalMaxPooling(2, 2, 2, 0.5, 0.6, 0.7)
  local x = torch.randn(1, 10, 11, 12)
  local y = m:forward(x)
  H.eq(sizes(y), string.format("1x%dx%dx%d", math.floor(10 * 0.7), math.floor(11 * 0.6), math.floor(12 * 0.5)))
  local u = m.randomSamples:clone()
  m:forward(x)
  H.ok(maxdiff(u, m.randomSamples) > 0, "resampled")
  m:fixPoolingRegions()
  u = m.randomSamples:clone()
  m:forward(x)
  H.eq(maxdiff(u, m.randomSamples), 0, "kept")
  H.check_error("nn.VolumetricFractionalMaxPooling: ratios must lie in (0, 1)",
    nn.VolumetricFractionalMaxPooling, 2, 2, 2, 0.5, 1.5, 0.5)
  H.check_error("nn.VolumetricFractionalMaxPooling: pool sizes must be >= 2",
    nn.VolumetricFractionalMaxPooling, 1, 2, 2, 3, 3, 3)
  H.check_error("does not fit input", function() nn.VolumetricFractionalMaxPooling(3, 3, 3, 11, 2, 2):forward(x) end)
end)

-- ---------------------------------------------------------------- dropout

H.test("VolumetricDropout drops whole volumes, unscaled; evaluation scales by 1 - p", function()
  local m = nn.VolumetricDropout(0.4)
  local x = torch.Tensor(4, 200, 2, 3, 2):fill(2)
  local y = m:forward(x)
  local planes = y:view(800, 12)
  local kept = 0
  for i = 1, 800 do
    local mn, mx = planes[i]:min(), planes[i]:max()
    H.ok(mn == mx and (mn == 0 or mn == 2), "a whole volume is kept or dropped")
    if mn == 2 then kept = kept + 1 end
  end
  H.ok(math.abs(kept / 800 - 0.6) < 0.08, "keep rate " .. kept / 800)
  local g = m:backward(x, torch.ones(x:size()))
  H.eq(maxdiff(g:mul(2), y), 0, "gradient masked like the output")
  local single = m:forward(torch.ones(50, 1, 2, 2))
  H.eq(sizes(single), "50x1x2x2")
  m:evaluate()
  H.eq(maxdiff(m:forward(x), x * 0.6), 0)
  H.check_error("nn.VolumetricDropout: backprop is only defined while training", function() m:backward(x, x) end)
  m:training()
  H.check_error("nn.VolumetricDropout: expected (C, T, H, W) or (N, C, T, H, W) input, got 2x3",
    function() m:forward(torch.ones(2, 3)) end)
  H.check_error("nn.VolumetricDropout: p must lie in [0, 1)", nn.VolumetricDropout, 1)
end)

-- ---------------------------------------------------------------- full convolution extras

H.test("full convolution: {input, target} chooses adj; gradInput[2] is a zero", function()
  local m = nn.VolumetricFullConvolution(2, 2, 3, 3, 2, 2, 2, 3, 1, 0, 1)
  local ref = nn.VolumetricFullConvolution(2, 2, 3, 3, 2, 2, 2, 3, 1, 0, 1, 1, 0, 0)
  ref.weight:copy(m.weight)
  ref.bias:copy(m.bias)
  local x = torch.randn(2, 3, 4, 3)
  local target = torch.Tensor(6, 9, 7)
  local y = m:forward({ x, target })
  H.eq(sizes(y), "2x6x9x7")
  H.eq(maxdiff(y, ref:forward(x)), 0)
  local gy = torch.randn(y:size())
  local g = m:backward({ x, target }, gy)
  H.eq(maxdiff(g[1], ref:backward(x, gy)), 0)
  H.eq(g[2]:storage():size(), 1)
  H.eq(g[2]:sum(), 0)
  H.check_error("nn.VolumetricFullConvolution: adjT, adjW and adjH must be smaller",
    nn.VolumetricFullConvolution, 1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 1, 0, 0)
end)

H.test("full convolution: Torch7's simple test values", function()
  local m = nn.VolumetricFullConvolution(3, 1, 3, 3, 3, 3, 3, 3)
  m.weight:fill(1)
  m.bias:fill(0.1)
  local x = torch.zeros(1, 3, 2, 2, 2)
  for c = 1, 3 do x[1][c][1][1][1] = 1 end
  local y = m:forward(x)
  H.near(y[1][1][2][3][1], 3.1, 1e-12)
  H.near(y[1][1][4][1][1], 0.1, 1e-12)
  m:zeroGradParameters()
  local g = m:backward(x, torch.Tensor(1, 1, 6, 6, 6):fill(0.1))
  H.near(g[1][2][2][1][2], 2.7, 1e-12)
  H.near(m.gradBias[1], 21.6, 1e-12)
  H.near(m.gradWeight[2][1][3][3][3], 0.1, 1e-12)
end)

-- ---------------------------------------------------------------- saving

H.test("modules save and load (torch.save / torch.load)", function()
  local path = os.tmpname()
  local pool = nn.VolumetricMaxPooling(2, 2, 2)
  local mods = {
    nn.VolumetricConvolution(2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1),
    nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2),
    nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 2, 2),
    nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 2):ceil(),
    nn.VolumetricAveragePooling(2, 2, 2, 2, 2, 2, 1, 1, 1):setCountExcludePad(),
    nn.VolumetricReplicationPadding(1, 2, 3, 0, 1, 1),
    nn.VolumetricBatchNormalization(2):evaluate(),
    nn.Sequential():add(pool):add(nn.VolumetricMaxUnpooling(pool)),
  }
  local x = torch.randn(2, 2, 6, 6, 6)
  for _, m in ipairs(mods) do
    local y = m:forward(x):clone()
    torch.save(path, m)
    local m2 = torch.load(path)
    H.eq(torch.type(m2), torch.type(m))
    H.eq(maxdiff(m2:forward(x), y), 0, torch.type(m))
  end
  os.remove(path)
end)

H.test("printing", function()
  H.eq(tostring(nn.VolumetricConvolution(2, 3, 1, 2, 3, 1, 1, 1, 1, 1, 1)),
    "nn.VolumetricConvolution(2 -> 3, 1x2x3, 1,1,1, 1,1,1)")
  H.eq(tostring(nn.VolumetricMaxPooling(2, 2, 2)), "nn.VolumetricMaxPooling(2x2x2, 2,2,2)")
  H.eq(tostring(nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 3, 4)),
    "nn.VolumetricDilatedMaxPooling(2x2x2, 1,1,1, 2,3,4)")
  H.eq(tostring(nn.VolumetricReplicationPadding(1)),
    "nn.VolumetricReplicationPadding(left=1, right=1, top=1, bottom=1, front=1, back=1)")
  H.eq(tostring(nn.VolumetricDropout(0.25)), "nn.VolumetricDropout(0.250000)")
end)

-- ---------------------------------------------------------------- errors

H.test("errors name the module and the shapes", function()
  local c = nn.VolumetricConvolution(2, 3, 2, 2, 2)
  H.check_error("nn.VolumetricConvolution: expected (C, T, H, W) or (N, C, T, H, W) input, got 3x4x5",
    function() c:forward(torch.randn(3, 4, 5)) end)
  H.check_error("nn.VolumetricConvolution: expected 2 input planes, got input 3x4x4x4",
    function() c:forward(torch.randn(3, 4, 4, 4)) end)
  H.check_error("nn.VolumetricConvolution: input 1x4x4 (padded 1x4x4) is smaller than the kernel 2x2x2",
    function() c:forward(torch.randn(1, 2, 1, 4, 4)) end)
  H.check_error("nn.VolumetricDilatedConvolution: input 3x4x4",
    function() nn.VolumetricDilatedConvolution(1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 3, 1, 1):forward(torch.randn(1, 3, 4, 4)) end)
  H.check_error("nn.VolumetricConvolution: expected (nInputPlane, nOutputPlane, kT, kW, kH",
    function() nn.VolumetricConvolution(2, 3, 2) end)
  H.check_error("nn.VolumetricMaxPooling: padding (2x0x0) must be at most half the kernel (2x2x2)",
    function() nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1, 2, 0, 0):forward(torch.randn(1, 4, 4, 4)) end)
  H.check_error("nn.VolumetricMaxPooling: expected a Float or Double tensor (got Int)",
    function() nn.VolumetricMaxPooling(2, 2, 2):forward(torch.IntTensor(1, 4, 4, 4)) end)
  H.check_error("nn.VolumetricAveragePooling: expected (C, T, H, W) or (N, C, T, H, W) input, got 4x4",
    function() nn.VolumetricAveragePooling(2, 2, 2):forward(torch.randn(4, 4)) end)
  H.check_error("nn.VolumetricMaxUnpooling: the argument must be a nn.VolumetricMaxPooling module",
    nn.VolumetricMaxUnpooling, nn.VolumetricAveragePooling(2, 2, 2))
  H.check_error("nn.VolumetricMaxUnpooling: the pooling module's kernel must equal its stride",
    nn.VolumetricMaxUnpooling, nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1))
  local pool = nn.VolumetricMaxPooling(2, 2, 2)
  pool:forward(torch.randn(1, 4, 4, 4))
  H.check_error("nn.VolumetricMaxUnpooling: input 1x3x2x2 does not match the pooling module's last output",
    function() nn.VolumetricMaxUnpooling(pool):forward(torch.randn(1, 3, 2, 2)) end)
  H.check_error("nn.VolumetricReplicationPadding: padding (-3,-3, 0,0, 0,0) does not fit input 1x1x2x2x4",
    function() nn.VolumetricReplicationPadding(-3, -3, 0, 0, 0, 0):forward(torch.randn(1, 2, 2, 4)) end)
  H.check_error("nn.VolumetricBatchNormalization: expected a 4D or 5D input, got 2x3x4",
    function() nn.VolumetricBatchNormalization(2):forward(torch.randn(2, 3, 4)) end)
  H.check_error("nn.VolumetricBatchNormalization: expected 2 features, got input 2x3x2x2x2",
    function() nn.VolumetricBatchNormalization(2):forward(torch.randn(2, 3, 2, 2, 2)) end)
  H.check_error("nn.VolumetricConvolution: gradOutput 5 does not match the output of input 2x3x3x3",
    function()
      c:forward(torch.randn(2, 3, 3, 3))
      c:backward(torch.randn(2, 3, 3, 3), torch.randn(5))
    end)
end)

H.done()
