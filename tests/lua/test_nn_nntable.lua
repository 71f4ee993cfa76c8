-- nn table/container modules (nn/tables.lua) and extra layers
-- (nn/layers_extra.lua): values against naive loops, closed forms and
-- PyTorch fixtures (tests/fixtures/nn/make_nntable.py), gradients by finite
-- differences, Float and Double, strided inputs, shape errors, save/load,
-- and the statistics of the random layers (WhiteNoise, RReLU).
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
local F = dofile("tests/fixtures/nn/nntable_torch.lua")
torch.manualSeed(11)

local jac = nn.Jacobian

local function maxdiff(a, b)
  H.eq(a:nElement(), b:nElement(), "element count")
  return (a:double():contiguous():view(-1) - b:double():contiguous():view(-1)):abs():max()
end

local function fixture(t)
  local x = torch.Tensor(t.data)
  if #t.size == 0 then return x end
  return x:view(torch.LongStorage(t.size))
end

-- a non-contiguous tensor with x's values
local function strided(x)
  local d = x:dim()
  if d < 2 then
    local big = torch.Tensor(x:size(1), 2):typeAs(x)
    big:select(2, 1):copy(x)
    return big:select(2, 1)
  end
  local s = x:transpose(1, d):clone():transpose(1, d)
  H.ok(not s:isContiguous())
  return s
end

local function save_load(m)
  local path = os.tmpname()
  torch.save(path, m)
  local m2 = torch.load(path)
  os.remove(path)
  return m2
end

-- leaves of a nested table of tensors, depth first
local function leaves(t, out)
  out = out or {}
  if torch.isTensor(t) then
    out[#out + 1] = t
  else
    for _, v in ipairs(t) do leaves(v, out) end
  end
  return out
end

-- Gradient check of a module with table input and/or output: for a fixed
-- random gradOutput g, compares backward's gradient of sum(output .* g)
-- with central differences on every input element.
local function fd_check(m, input)
  local out = m:forward(input)
  local gouts = {}
  local g = nn.utils.recursiveCopy(nil, out)
  for _, v in ipairs(leaves(g)) do v:copy(torch.randn(v:nElement()):viewAs(v)) gouts[#gouts + 1] = v end
  local function loss()
    local o = leaves(m:forward(input))
    local s = 0
    for i, v in ipairs(o) do s = s + torch.cmul(v, gouts[i]):sum() end
    return s
  end
  m:forward(input)
  local gin = nn.utils.recursiveCopy(nil, m:backward(input, g))
  local worst = 0
  local gl = leaves(gin)
  for li, x in ipairs(leaves(input)) do
    local flat = x:view(-1)
    local gflat = gl[li]:contiguous():view(-1)
    for j = 1, flat:nElement() do
      local v = flat[j]
      flat[j] = v + 1e-6
      local up = loss()
      flat[j] = v - 1e-6
      local down = loss()
      flat[j] = v
      worst = math.max(worst, math.abs((up - down) / 2e-6 - gflat[j]))
    end
  end
  return worst
end

-- ------------------------------------------------------- PyTorch fixtures

H.test("GatedLinearUnit, PixelShuffle, RReLU (evaluation) match PyTorch: Double, Float, strided", function()
  for _, c in ipairs(F.layers) do
    local x, y = fixture(c.input), fixture(c.output)
    local g, gi = fixture(c.gradOutput), fixture(c.gradInput)
    local m = load("local nn = ...; return " .. c.ctor)(nn)
    H.ok(maxdiff(m:forward(x), y) < 1e-13, c.ctor .. " forward")
    H.ok(maxdiff(m:backward(x, g), gi) < 1e-13, c.ctor .. " backward")
    H.ok(maxdiff(m:forward(strided(x)), y) < 1e-13, c.ctor .. " strided forward")
    H.ok(maxdiff(m:backward(strided(x), strided(g)), gi) < 1e-13, c.ctor .. " strided backward")
    local mf = load("local nn = ...; return " .. c.ctor)(nn):float()
    local yf = mf:forward(x:float())
    H.eq(torch.type(yf), "torch.FloatTensor")
    H.ok(maxdiff(yf, y) < 1e-6, c.ctor .. " float forward")
    H.ok(maxdiff(mf:backward(x:float(), g:float()), gi) < 1e-6, c.ctor .. " float backward")
    H.ok(jac.testJacobian(m, x:clone()) < 1e-5, c.ctor .. " jacobian")
  end
end)

H.test("OneHot matches PyTorch's one_hot; numbers, Double indices, range errors", function()
  local idx, want = fixture(F.onehot.input), fixture(F.onehot.output)
  local m = nn.OneHot(5)
  local y = m:forward(idx:long())
  H.eq(y:dim(), 3)
  H.eq(maxdiff(y, want), 0)
  H.eq(maxdiff(m:forward(idx), want), 0)              -- Double indices
  H.eq(maxdiff(m:forward(strided(idx):long()), want), 0)
  H.eq(maxdiff(m:forward(3), torch.Tensor { 0, 0, 1, 0, 0 }), 0)
  H.eq(m:forward(3):dim(), 1)
  local gi = m:backward(idx:long(), torch.randn(3, 4, 5))
  H.eq(maxdiff(gi, torch.zeros(3, 4)), 0)
  H.eq(m:updateGradInput(3, torch.randn(5)), 0)
  local mf = nn.OneHot(5):float()
  H.eq(torch.type(mf:forward(idx:long())), "torch.FloatTensor")
  H.eq(maxdiff(mf.output, want), 0)
  H.check_error("nn.OneHot: class index 6 is out of range (1..5)", function() m:forward(torch.LongTensor { 1, 6 }) end)
  H.check_error("nn.OneHot: class index 0 is out of range (1..5)", function() m:forward(torch.LongTensor { 0 }) end)
  H.check_error("nn.OneHot: expected outputSize >= 1", nn.OneHot, 0)
end)

-- --------------------------------------------------------------- Bottle

H.test("Bottle: Linear on the last dim of 3-D and 4-D inputs = a loop over the leading dims", function()
  for _, T in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local lin = nn.Linear(4, 3):type(T)
    local b = nn.Bottle(lin)
    local x = torch.randn(2, 5, 3, 4):type(T)
    local y = b:forward(x)
    H.eq(table.concat(y:size():totable(), "x"), "2x5x3x3")
    local worst = 0
    for i = 1, 2 do for j = 1, 5 do
      local ref = x[i][j] * lin.weight:t() + lin.bias:view(1, 3):expand(3, 3)
      worst = math.max(worst, maxdiff(y[i][j], ref))
    end end
    H.ok(worst < (T == "torch.FloatTensor" and 1e-5 or 1e-13), T .. " " .. worst)
    -- strided input gives the same
    H.ok(maxdiff(b:forward(strided(x)), y) < 1e-6)
    -- an input of nInputDim dims passes through unchanged
    H.ok(maxdiff(b:forward(x[1][1]), lin:forward(x[1][1])) < 1e-12)
  end
end)

H.test("Bottle: gradients by finite differences (input and parameters), nInputDim/nOutputDim", function()
  local b = nn.Bottle(nn.Linear(3, 2))
  local x = torch.randn(2, 4, 3)
  H.ok(jac.testJacobian(b, x) < 1e-5)
  H.ok(jac.testJacobianParameters(b, x, b.modules[1].weight, b.modules[1].gradWeight) < 1e-5)
  H.ok(jac.testJacobianParameters(b, x, b.modules[1].bias, b.modules[1].gradBias) < 1e-5)
  -- a module taking 3-D inputs and giving 2-D ones: (N, 1, 3) -> (N, 3)
  local inner = nn.Sequential():add(nn.Squeeze(2)):add(nn.Linear(3, 3))
  local b2 = nn.Bottle(inner, 3, 2)
  local x2 = torch.randn(2, 3, 5, 1, 3)
  local y2 = b2:forward(x2)
  H.eq(table.concat(y2:size():totable(), "x"), "2x3x5x3")
  H.ok(maxdiff(y2[2][3][4], inner:forward(x2[2][3][4]:view(1, 1, 3)):view(3)) < 1e-13)
  H.ok(jac.testJacobian(b2, x2) < 1e-5)
end)

H.test("Bottle: errors name the module and the shapes", function()
  local b = nn.Bottle(nn.Linear(3, 2), 2, 3)
  H.check_error("nn.Bottle: the module gave a 8x2 output for a 2x4x3 input; expected 3 dims", function()
    b:forward(torch.randn(2, 4, 3))
  end)
  H.check_error("nn.Bottle: expected an nn.Module", nn.Bottle, 3)
  local b2 = nn.Bottle(nn.Linear(3, 2))
  b2:forward(torch.randn(2, 4, 3))
  H.check_error("nn.Bottle: gradOutput 2x4x3 does not match the output of the last forward (input 2x4x3)", function()
    b2:backward(torch.randn(2, 4, 3), torch.randn(2, 4, 3))
  end)
end)

-- -------------------------------------------------------------- MapTable

H.test("MapTable: each entry through the module; shared parameters seen by all clones", function()
  local map = nn.MapTable(nn.Linear(4, 3))
  local xs = { torch.randn(4), torch.randn(2, 4), torch.randn(4) }
  local ys = map:forward(xs)
  H.eq(#ys, 3)
  H.eq(map:size(), 3)
  local ref = map:get(1):clone()
  for i = 1, 3 do H.ok(maxdiff(ys[i], ref:forward(xs[i])) < 1e-14) end
  -- an update through one clone is seen by all
  map:get(2).weight:add(1)
  H.eq(maxdiff(map:get(1).weight, map:get(3).weight), 0)
  H.eq(maxdiff(map:get(1).weight, ref.weight + 1), 0)
  -- gradients accumulate into the shared gradWeight: sum over entries
  map:zeroGradParameters()
  local gs = { torch.randn(3), torch.randn(2, 3), torch.randn(3) }
  map:backward(xs, gs)
  local gw = torch.zeros(3, 4)
  gw:addr(gs[1], xs[1]):addmm(gs[2]:t(), xs[2]):addr(gs[3], xs[3])
  H.ok(maxdiff(map:get(1).gradWeight, gw) < 1e-13)
  H.eq(maxdiff(map:get(3).gradWeight, gw), 0)
  local w = map:get(1).weight:clone()
  map:updateParameters(0.5)
  H.ok(maxdiff(map:get(2).weight, w - gw * 0.5) < 1e-14)
  -- resize and clearState
  map:resize(5)
  H.eq(map:size(), 5)
  H.ok(torch.pointer(map:get(5).weight:storage()) == torch.pointer(map:get(1).weight:storage()))
  H.eq(#map:forward({ xs[1], xs[3] }), 2)
  map:clearState()
  H.eq(map:size(), 1)
end)

H.test("MapTable: saves and loads with the sharing intact; unshared clones are independent", function()
  local map = nn.MapTable(nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh()))
  local xs = { torch.randn(3), torch.randn(3), torch.randn(3) }
  local ys = map:forward(xs)
  local m2 = save_load(map)
  H.eq(torch.type(m2), "nn.MapTable")
  local ys2 = m2:forward(xs)
  for i = 1, 3 do H.eq(maxdiff(ys2[i], ys[i]), 0) end
  m2:get(3):get(1).bias:fill(7)
  H.eq(m2:get(1):get(1).bias[2], 7)
  H.eq(m2.module:get(1).bias[1], 7)
  H.ok(map:get(1):get(1).bias[1] ~= 7)
  -- type conversion keeps the sharing
  local mf = save_load(map):float()
  mf:get(2):get(1).weight:fill(2)
  H.eq(torch.type(mf:get(3):get(1).weight), "torch.FloatTensor")
  H.eq(mf:get(3):get(1).weight[1][1], 2)
  H.eq(torch.type(mf:forward({ xs[1]:float() })[1]), "torch.FloatTensor")
  -- getParameters keeps one copy of the shared parameters
  local p = m2:getParameters()
  H.eq(p:nElement(), 3 * 2 + 2)
  -- unshared
  local u = nn.MapTable(nn.Linear(3, 2), false)
  u:forward(xs)
  u:get(2).weight:fill(0)
  H.ok(u:get(1).weight:abs():sum() > 0)
  local _, g = u:getParameters()
  H.eq(g:nElement(), 3 * (3 * 2 + 2))
  g:fill(1)
  u:zeroGradParameters()
  H.eq(g:abs():sum(), 0)
  H.check_error("nn.MapTable.add: the module is already set", function() u:add(nn.Tanh()) end)
  H.check_error("nn.MapTable: expected a table input, got torch.DoubleTensor", function() u:forward(torch.randn(3)) end)
end)

-- ----------------------------------------------------------- DepthConcat

H.test("DepthConcat: smaller outputs centred with zero padding; gradients", function()
  for _, T in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local c = nn.DepthConcat(2)
    c:add(nn.SpatialConvolution(2, 3, 1, 1))
    c:add(nn.SpatialConvolution(2, 2, 3, 3))
    c:add(nn.SpatialConvolution(2, 1, 4, 4))
    c:type(T)
    local x = torch.randn(2, 2, 7, 6):type(T)
    local y = c:forward(x)
    H.eq(table.concat(y:size():totable(), "x"), "2x6x7x6")
    -- reference: each child's output copied at its offset (5x4 at 2,2; 4x3 at 2,2)
    local ref = torch.zeros(2, 6, 7, 6):type(T)
    ref[{ {}, { 1, 3 }, {}, {} }]:copy(c:get(1):forward(x))
    ref[{ {}, { 4, 5 }, { 2, 6 }, { 2, 5 } }]:copy(c:get(2):forward(x))
    ref[{ {}, { 6, 6 }, { 2, 5 }, { 2, 4 } }]:copy(c:get(3):forward(x))
    H.eq(maxdiff(c:forward(x), ref), 0)
  end
  local c = nn.DepthConcat(1):add(nn.SpatialConvolution(1, 2, 1, 1)):add(nn.SpatialConvolution(1, 1, 2, 2))
  local x = torch.randn(1, 4, 5)
  H.ok(jac.testJacobian(c, x) < 1e-5)
  H.ok(jac.testJacobianParameters(c, x, c:get(2).weight, c:get(2).gradWeight) < 1e-5)
  H.ok(maxdiff(save_load(c):forward(x), c:forward(x)) == 0)
  -- Torch7's windowNarrow(output, childOutput, offset) form
  local w = c:windowNarrow(c.output, c:get(2).output, 3)
  H.eq(maxdiff(w, c:get(2).output), 0)
  H.eq(table.concat(c.output:size():totable(), "x"), "3x4x5")
  H.eq(c.output[3][4]:abs():sum(), 0) -- the 3x4 output sits at rows 1..3, cols 1..4
  H.eq(c.output[3]:narrow(2, 5, 1):abs():sum(), 0)
end)

-- ---------------------------------------------------------- MixtureTable

-- naive: out = sum_i gater[.., i] * expert_i
local function mixture_ref(gater, experts)
  local out = experts[1]:clone():zero()
  for i = 1, #experts do
    if gater:dim() == 1 then
      out:add(gater[i], experts[i])
    else
      for b = 1, gater:size(1) do out[b]:add(gater[b][i], experts[i][b]) end
    end
  end
  return out
end

H.test("MixtureTable: table and tensor experts, with and without batch, against a loop; gradients", function()
  for _, T in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local tol = T == "torch.FloatTensor" and 1e-5 or 1e-13
    -- batch of 4, 3 experts of (4, 5)
    local gater = torch.rand(4, 3):type(T)
    local experts = { torch.randn(4, 5):type(T), torch.randn(4, 5):type(T), torch.randn(4, 5):type(T) }
    local m = nn.MixtureTable():type(T)
    local want = mixture_ref(gater, experts)
    H.ok(maxdiff(m:forward({ gater, experts }), want) < tol)
    -- same experts as one tensor (4, 3, 5), experts along dim 2
    local stacked = torch.Tensor(4, 3, 5):type(T)
    for i = 1, 3 do stacked:select(2, i):copy(experts[i]) end
    H.ok(maxdiff(nn.MixtureTable(2):type(T):forward({ gater, stacked }), want) < tol)
    H.ok(maxdiff(nn.MixtureTable(2):type(T):forward({ strided(gater), strided(stacked) }), want) < tol)
    -- no batch: gater (3), experts (2, 2)
    local g1 = torch.rand(3):type(T)
    local e1 = { torch.randn(2, 2):type(T), torch.randn(2, 2):type(T), torch.randn(2, 2):type(T) }
    H.ok(maxdiff(nn.MixtureTable():type(T):forward({ g1, e1 }), mixture_ref(g1, e1)) < tol)
  end
  -- a Double module given Float inputs answers in Float
  local mm = nn.MixtureTable()
  local gf = torch.rand(2, 2):float()
  local ef = { torch.randn(2, 3):float(), torch.randn(2, 3):float() }
  H.eq(torch.type(mm:forward({ gf, ef })), "torch.FloatTensor")
  local gif = mm:backward({ gf, ef }, torch.randn(2, 3):float())
  H.eq(torch.type(gif[1]), "torch.FloatTensor")
  H.eq(torch.type(gif[2][2]), "torch.FloatTensor")
  -- gradients by finite differences
  H.ok(fd_check(nn.MixtureTable(), { torch.rand(3, 2), { torch.randn(3, 4), torch.randn(3, 4) } }) < 1e-7)
  H.ok(fd_check(nn.MixtureTable(), { torch.rand(3), { torch.randn(2, 2), torch.randn(2, 2), torch.randn(2, 2) } }) < 1e-7)
  H.ok(fd_check(nn.MixtureTable(2), { torch.rand(3, 2), torch.randn(3, 2, 4) }) < 1e-7)
  H.ok(fd_check(nn.MixtureTable(3), { torch.rand(3, 2), torch.randn(3, 4, 2, 2) }) < 1e-7)
  H.ok(fd_check(nn.MixtureTable(1), { torch.rand(2), torch.randn(2, 3) }) < 1e-7)
  H.check_error("nn.MixtureTable: expected one gater output per expert (gater 4x3, 2 experts)", function()
    nn.MixtureTable():forward({ torch.rand(4, 3), { torch.randn(4, 2), torch.randn(4, 2) } })
  end)
  H.check_error("nn.MixtureTable: experts 4x2x5 do not match gater 4x3", function()
    nn.MixtureTable(2):forward({ torch.rand(4, 3), torch.randn(4, 2, 5) })
  end)
end)

-- ------------------------------------------- FlattenTable, Zip, CAddTensor

H.test("FlattenTable: depth-first leaves by reference; output rebuilt only when the input changes", function()
  local a, b, c, d = torch.rand(1), torch.rand(2), torch.rand(3), torch.rand(4)
  local input = { a, { b, { c } }, d }
  local m = nn.FlattenTable()
  local out = m:forward(input)
  H.eq(#out, 4)
  H.ok(out[1] == a and out[2] == b and out[3] == c and out[4] == d)
  local g = { torch.rand(1), torch.rand(2), torch.rand(3), torch.rand(4) }
  local gi = m:backward(input, g)
  H.ok(gi[1] == g[1] and gi[2][1] == g[2] and gi[2][2][1] == g[3] and gi[3] == g[4])
  H.ok(m:forward(input) == out)
  input[2][3] = torch.rand(5)
  local out2 = m:forward(input)
  H.ok(out2 ~= out)
  H.eq(#out2, 5)
  H.check_error("nn.FlattenTable: expected a table input, got torch.DoubleTensor", function() m:forward(a) end)
  -- inside a model: gradients by finite differences
  local seq = nn.Sequential():add(nn.SplitTable(1))
    :add(nn.ParallelTable():add(nn.SplitTable(1)):add(nn.SplitTable(1)))
    :add(nn.FlattenTable()):add(nn.JoinTable(1))
  H.ok(jac.testJacobian(seq, torch.Tensor(2, 2, 3)) < 1e-5)
end)

H.test("ZipTable and ZipTableOneToMany: structure and gradients", function()
  local a1, a2, b1, b2 = torch.rand(2), torch.rand(2), torch.rand(3), torch.rand(3)
  local z = nn.ZipTable()
  local out = z:forward({ { a1, a2 }, { b1, b2 } })
  H.ok(out[1][1] == a1 and out[1][2] == b1 and out[2][1] == a2 and out[2][2] == b2)
  local gi = z:backward({ { a1, a2 }, { b1, b2 } }, { { 1, 2 }, { 3, 4 } })
  H.eq(gi[1][1], 1); H.eq(gi[1][2], 3); H.eq(gi[2][1], 2); H.eq(gi[2][2], 4)
  H.check_error("nn.ZipTable: entry 2 is a torch.DoubleTensor, expected a table", function() z:forward({ {}, a1 }) end)
  local o = nn.ZipTableOneToMany()
  local v = torch.randn(3)
  local y = o:forward({ v, { a1, b1 } })
  H.eq(#y, 2)
  H.ok(y[1][1] == v and y[1][2] == a1 and y[2][1] == v and y[2][2] == b1)
  local g1, g2 = torch.randn(3), torch.randn(3)
  local gin = o:backward({ v, { a1, b1 } }, { { g1, torch.ones(2) }, { g2, torch.ones(3) } })
  H.ok(maxdiff(gin[1], g1 + g2) < 1e-15)
  H.eq(gin[2][2]:sum(), 3)
  H.ok(fd_check(nn.ZipTableOneToMany(), { torch.randn(2), { torch.randn(3), torch.randn(1) } }) < 1e-7)
  H.check_error("nn.ZipTableOneToMany: expected the input {element, table}", function() o:forward({ v }) end)
end)

H.test("CAddTensorTable: v + each entry; gradient of v is the sum", function()
  for _, T in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local v = torch.randn(2, 3):type(T)
    local list = { torch.randn(2, 3):type(T), strided(torch.randn(2, 3)):type(T), torch.randn(2, 3):type(T) }
    local m = nn.CAddTensorTable()
    local out = m:forward({ v, list })
    H.eq(#out, 3)
    for i = 1, 3 do H.eq(maxdiff(out[i], v + list[i]), 0) end
    H.eq(torch.type(out[1]), T)
    local gs = { torch.randn(2, 3):type(T), torch.randn(2, 3):type(T), torch.randn(2, 3):type(T) }
    local gi = m:backward({ v, list }, gs)
    H.ok(maxdiff(gi[1], gs[1] + gs[2] + gs[3]) < 1e-6)
    for i = 1, 3 do H.eq(maxdiff(gi[2][i], gs[i]), 0) end
    -- a shorter list drops the stale entries
    H.eq(#m:forward({ v, { list[1] } }), 1)
  end
  H.ok(fd_check(nn.CAddTensorTable(), { torch.randn(3), { torch.randn(3), torch.randn(3) } }) < 1e-7)
  H.check_error("nn.CAddTensorTable: entry 2 is 4; expected the size of 3", function()
    nn.CAddTensorTable():forward({ torch.randn(3), { torch.randn(3), torch.randn(4) } })
  end)
end)

-- ------------------------------------------------------ Collapse, CReLU

H.test("Collapse: (B, ...) -> (B, n), contiguous or not; gradient has the input's shape", function()
  local c = nn.Collapse(3)
  local x = torch.randn(4, 3, 2, 5)
  H.eq(maxdiff(c:forward(x), x:reshape(4, 30)), 0)
  local xs = strided(x)
  local y = c:forward(xs)
  H.eq(table.concat(y:size():totable(), "x"), "4x30")
  H.eq(maxdiff(y, xs:contiguous():view(4, 30)), 0)
  local gi = c:backward(xs, y)
  H.eq(table.concat(gi:size():totable(), "x"), "4x3x2x5")
  H.eq(maxdiff(gi, xs), 0)
  H.eq(nn.Collapse(3):forward(torch.randn(3, 2, 5)):dim(), 1)
  H.ok(jac.testJacobian(nn.Collapse(2), torch.randn(3, 2, 2)) < 1e-5)
  H.check_error("nn.Collapse: gradOutput 5 does not match input 4x3x2x5", function() c:backward(x, torch.randn(5)) end)
end)

H.test("CReLU: [max(x,0), max(-x,0)] along the feature dim, batch and not; gradients", function()
  for _, T in ipairs { "torch.DoubleTensor", "torch.FloatTensor" } do
    local m = nn.CReLU(3):type(T)
    local x = torch.randn(2, 3, 4, 5):type(T)
    local y = m:forward(x):clone()
    H.eq(table.concat(y:size():totable(), "x"), "2x6x4x5")
    local worst = 0
    for b = 1, 2 do for ch = 1, 3 do for i = 1, 4 do for j = 1, 5 do
      local v = x[b][ch][i][j]
      worst = math.max(worst, math.abs(y[b][ch][i][j] - math.max(v, 0)), math.abs(y[b][ch + 3][i][j] - math.max(-v, 0)))
    end end end end
    H.eq(worst, 0)
    local y1 = m:forward(strided(x[1]))
    H.eq(maxdiff(y1, y[1]), 0)
  end
  H.ok(jac.testJacobian(nn.CReLU(3), torch.randn(2, 3, 2, 2)) < 1e-5)
  H.ok(jac.testJacobian(nn.CReLU(1, true), torch.randn(5)) < 1e-5)
  H.check_error("nn.CReLU: expected an input of 3 or 4 dims, got 2x2", function() nn.CReLU(3):forward(torch.randn(2, 2)) end)
end)

H.test("GatedLinearUnit and PixelShuffle: shape errors", function()
  H.check_error("nn.GatedLinearUnit: input 2x5 has an odd size (5) along dim 2", function()
    nn.GatedLinearUnit():forward(torch.randn(2, 5))
  end)
  H.check_error("nn.GatedLinearUnit: dim 3 is out of range for input 2x4", function()
    nn.GatedLinearUnit(3):forward(torch.randn(2, 4))
  end)
  H.check_error("nn.PixelShuffle: input 6x2x2 has 6 channels, not a multiple of 4", function()
    nn.PixelShuffle(2):forward(torch.randn(6, 2, 2))
  end)
  H.check_error("nn.PixelShuffle: expected a 3D (C, H, W) or 4D (B, C, H, W) input, got 4x4", function()
    nn.PixelShuffle(2):forward(torch.randn(4, 4))
  end)
  -- PixelShuffle by its definition: out[c][h][w] = in[(c-1)r^2 + r*((h-1)%r) + (w-1)%r + 1][ceil(h/r)][ceil(w/r)]
  local r, x = 3, torch.randn(2 * 9, 2, 3)
  local y = nn.PixelShuffle(r):forward(x)
  local worst = 0
  for c = 1, 2 do for h = 1, 6 do for w = 1, 9 do
    local src = (c - 1) * r * r + r * ((h - 1) % r) + (w - 1) % r + 1
    worst = math.max(worst, math.abs(y[c][h][w] - x[src][(h - 1) // r + 1][(w - 1) // r + 1]))
  end end end
  H.eq(worst, 0)
end)

-- -------------------------------------------------- WhiteNoise and RReLU

H.test("WhiteNoise: training noise has the asked mean and std; evaluation adds the mean; seeded", function()
  local m = nn.WhiteNoise(0.5, 0.2)
  local x = torch.zeros(200, 500)
  torch.manualSeed(5)
  local y = m:forward(x):clone()
  -- 1e5 draws: the mean is within 5 standard errors, the std within 2%
  H.ok(math.abs(y:mean() - 0.5) < 5 * 0.2 / math.sqrt(1e5), "mean " .. y:mean())
  H.ok(math.abs(y:std() - 0.2) < 0.004, "std " .. y:std())
  torch.manualSeed(5)
  H.eq(maxdiff(m:forward(x), y), 0)
  local g = torch.randn(200, 500)
  H.eq(maxdiff(m:backward(x, g), g), 0)
  m:evaluate()
  H.eq(maxdiff(m:forward(x), torch.Tensor(200, 500):fill(0.5)), 0)
  H.check_error("nn.WhiteNoise: backward is defined in training mode only", function() m:backward(x, g) end)
  local d = nn.WhiteNoise():evaluate()
  local xr = torch.randn(3, 4)
  H.eq(maxdiff(d:forward(strided(xr)), xr), 0)
  local f = nn.WhiteNoise():float()
  H.eq(torch.type(f:forward(torch.zeros(10):float())), "torch.FloatTensor")
  H.ok(f.output:abs():sum() > 0)
end)

H.test("RReLU: training slopes uniform in [lower, upper], gradient uses the same slopes; seeded; in place", function()
  local lo, up = 0.1, 0.4
  local m = nn.RReLU(lo, up)
  H.ok(m.train)
  local x = torch.rand(100000):mul(-1):add(-0.01)  -- all negative
  torch.manualSeed(9)
  local y = m:forward(x):clone()
  local slopes = torch.cdiv(y, x)
  H.ok(slopes:min() >= lo - 1e-12 and slopes:max() <= up + 1e-12)
  -- uniform on [lo, up]: mean (lo+up)/2, variance (up-lo)^2/12
  H.ok(math.abs(slopes:mean() - (lo + up) / 2) < 5 * (up - lo) / math.sqrt(12e5), "mean " .. slopes:mean())
  H.ok(math.abs(slopes:var() - (up - lo) ^ 2 / 12) < 0.03 * (up - lo) ^ 2 / 12, "var " .. slopes:var())
  local g = torch.randn(100000)
  H.ok(maxdiff(m:backward(x, g), torch.cmul(g, slopes)) < 1e-12)
  torch.manualSeed(9)
  H.eq(maxdiff(m:forward(x), y), 0)
  -- positive inputs pass unchanged, gradient 1
  local xp = torch.rand(50):add(0.1)
  H.eq(maxdiff(m:forward(xp), xp), 0)
  H.eq(maxdiff(m:backward(xp, torch.ones(50)), torch.ones(50)), 0)
  -- evaluation: the mean slope
  m:evaluate()
  local xe = torch.Tensor { -2, -0.5, 0, 1, 3 }
  H.ok(maxdiff(m:forward(xe), torch.Tensor { -0.5, -0.125, 0, 1, 3 }) < 1e-15)
  -- in place: the input becomes the output, gradOutput the gradient
  local ip = nn.RReLU(lo, up, true):evaluate()
  local xi = xe:clone()
  local yi = ip:forward(xi)
  H.ok(yi == xi)
  H.ok(maxdiff(xi, torch.Tensor { -0.5, -0.125, 0, 1, 3 }) < 1e-15)
  local gi = torch.ones(5)
  H.ok(ip:backward(xi, gi) == gi)
  H.ok(maxdiff(gi, torch.Tensor { 0.25, 0.25, 0.25, 1, 1 }) < 1e-15)
  -- Float
  local mf = nn.RReLU():float()
  local yf = mf:forward(torch.Tensor { -1, 2 }:float())
  H.eq(torch.type(yf), "torch.FloatTensor")
  H.ok(yf[1] <= -1 / 8 + 1e-6 and yf[1] >= -1 / 3 - 1e-6 and yf[2] == 2)
  H.check_error("nn.RReLU: expected 0 <= lower <= upper, got 0.5, 0.2", nn.RReLU, 0.5, 0.2)
end)

-- ------------------------------------------------------- ModuleCriterion

H.test("ModuleCriterion: criterion(inputModule(x), targetModule(t)) and its gradient through inputModule", function()
  local x, t = torch.randn(6, 4), torch.randn(6, 4)
  local mc = nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh(), nn.MulConstant(2))
  local loss = mc:forward(x, t)
  local d = torch.tanh(x) - t * 2
  H.near(loss, torch.cmul(d, d):mean(), 1e-14)
  local gi = mc:backward(x, t)
  -- d/dx mean((tanh x - 2t)^2) = 2 (tanh x - 2t) (1 - tanh^2 x) / n
  local th = torch.tanh(x)
  local want = torch.cmul(d * (2 / 24), -torch.cmul(th, th) + 1)
  H.ok(maxdiff(gi, want) < 1e-14)
  -- no modules: the criterion itself
  H.near(nn.ModuleCriterion(nn.MSECriterion()):forward(x, t), nn.MSECriterion():forward(x, t), 1e-15)
  local f = nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh(), nn.MulConstant(2)):float()
  H.near(f:forward(x:float(), t:float()), loss, 1e-5)
  H.eq(torch.type(f:backward(x:float(), t:float())), "torch.FloatTensor")
  H.check_error("nn.ModuleCriterion: expected an nn.Criterion, got nn.Tanh", nn.ModuleCriterion, nn.Tanh())
end)

H.test("empty inputs give empty outputs of the right shape", function()
  local function shape(t) return table.concat(t:size():totable(), "x") end
  H.eq(shape(nn.GatedLinearUnit():forward(torch.Tensor(0, 4))), "0x2")
  H.eq(shape(nn.PixelShuffle(2):forward(torch.Tensor(0, 4, 2, 3))), "0x1x4x6")
  H.eq(shape(nn.CReLU(1):forward(torch.Tensor(0, 3))), "0x6")
  H.eq(shape(nn.OneHot(3):forward(torch.LongTensor(0))), "0x3")
  H.eq(shape(nn.Collapse(1):forward(torch.Tensor(0, 3))), "0x3")
  H.eq(shape(nn.Bottle(nn.Linear(3, 2)):forward(torch.Tensor(2, 0, 3))), "2x0x2")
  H.eq(nn.RReLU():forward(torch.Tensor(0)):nElement(), 0)
  H.eq(nn.WhiteNoise():forward(torch.Tensor(0)):nElement(), 0)
  H.eq(#nn.CAddTensorTable():forward({ torch.Tensor(0), {} }), 0)
  H.eq(#nn.MapTable(nn.Tanh()):forward({}), 0)
end)

-- ------------------------------------------------------------ save/load

H.test("layers save and load (forward and backward unchanged)", function()
  local cases = {
    { nn.Collapse(2), torch.randn(3, 2, 2) },
    { nn.GatedLinearUnit(2), torch.randn(3, 4) },
    { nn.CReLU(1), torch.randn(2, 3) },
    { nn.PixelShuffle(2), torch.randn(2, 4, 2, 3) },
    { nn.RReLU():evaluate(), torch.randn(3, 3) },
    { nn.Bottle(nn.Linear(3, 2)), torch.randn(2, 2, 3) },
  }
  for _, c in ipairs(cases) do
    local fe, be = jac.testIO(c[1], c[2])
    H.eq(fe, 0, torch.type(c[1]))
    H.eq(be, 0, torch.type(c[1]))
  end
  local m = save_load(nn.OneHot(4))
  H.eq(maxdiff(m:forward(torch.LongTensor { 4 }), torch.Tensor { { 0, 0, 0, 1 } }), 0)
  local mc = save_load(nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh()))
  H.near(mc:forward(torch.zeros(2), torch.ones(2)), 1, 1e-15)
  local wn = save_load(nn.WhiteNoise(0.3, 0.2):evaluate())
  H.eq(wn.std, 0.2)
  H.ok(maxdiff(wn:forward(torch.zeros(2)), torch.Tensor { 0.3, 0.3 }) < 1e-15)
  local mix = save_load(nn.MixtureTable(2))
  H.eq(mix.dim, 2)
end)

-- ------------------------------------------------- tensor forms used above

H.test("torch.view function form; number forms of torch.floor/round/...", function()
  local x = torch.range(1, 6)
  local v = torch.view(x, 2, 3)
  H.eq(v[2][1], 4)
  v[1][1] = 10
  H.eq(x[1], 10)
  local r = torch.Tensor()
  H.ok(torch.view(r, x, torch.LongStorage { 3, 2 }) == r)
  H.eq(r[3][2], 6)
  H.eq(torch.round(2.5), 3)
  H.eq(torch.round(-2.5), -3)
  H.eq(torch.floor(-1.5), -2)
  H.eq(torch.ceil(1.2), 2)
  H.eq(torch.trunc(-1.7), -1)
  H.eq(torch.abs(-4), 4)
  H.eq(torch.sign(-0.5), -1)
  H.near(torch.frac(2.25), 0.25, 0)
  H.check_error("torch.exp: bad arguments (number)", torch.exp, 1)
end)

H.done()
