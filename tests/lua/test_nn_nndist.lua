-- nn distance layers (Cosine, Euclidean, WeightedEuclidean, Kmeans), extra
-- criteria (L1Cost, DistanceRatio, ClassSimplex, SpatialClassNLL,
-- SpatialAutoCropMSE) and sparse layers (SparseLinear, IndexLinear,
-- PartialLinear, nn.SparseJacobian).  References: PyTorch fixtures
-- (tests/fixtures/nn/make_nndist.py), naive loops written here, a dense
-- nn.Linear on the densified input, closed forms, finite differences.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
local F = dofile("tests/fixtures/nn/nndist_torch.lua")
torch.manualSeed(11)

local function T(spec)
  local t = torch.Tensor(spec.data)
  return #spec.size > 0 and t:view(table.unpack(spec.size)) or t
end

local function maxdiff(a, b) return (a:double() - b:double()):abs():max() end

-- finite differences of a criterion's loss against its backward
local function crit_grad_err(c, input, target)
  c:forward(input, target)
  local g = c:backward(input, target)
  g = torch.isTensor(g) and g:clone() or g
  local flat = input:view(-1)
  local num = torch.Tensor(flat:nElement())
  for i = 1, flat:nElement() do
    local v = flat[i]
    flat[i] = v + 1e-6
    local a = c:forward(input, target)
    flat[i] = v - 1e-6
    local b = c:forward(input, target)
    flat[i] = v
    num[i] = (a - b) / 2e-6
  end
  return maxdiff(num, g:contiguous():view(-1))
end

local function roundtrip(obj)
  local f = torch.MemoryFile("rw"):binary()
  f:writeObject(obj)
  f:seek(1)
  local o = f:readObject()
  f:close()
  return o
end

-- ---------------------------------------------------------------- Cosine

H.test("Cosine matches PyTorch (batch and each row alone), Double and Float", function()
  local R = F.cosine
  local m = nn.Cosine(5, 3)
  m.weight:copy(T(R.weight))
  local x, go = T(R.input), T(R.gradOutput)
  m:zeroGradParameters()
  H.ok(maxdiff(m:forward(x), T(R.output)) < 1e-12)
  H.ok(maxdiff(m:backward(x, go), T(R.gradInput)) < 1e-12)
  H.ok(maxdiff(m.gradWeight, T(R.gradWeight)) < 1e-12)
  -- one row at a time: same output rows, gradWeight sums over the rows
  local m1 = m:clone()
  m1:zeroGradParameters()
  for i = 1, x:size(1) do
    H.ok(maxdiff(m1:forward(x[i]), T(R.output)[i]) < 1e-12)
    H.ok(maxdiff(m1:backward(x[i], go[i]), T(R.gradInput)[i]) < 1e-12)
  end
  H.ok(maxdiff(m1.gradWeight, T(R.gradWeight)) < 1e-12)
  local mf = m:clone():float()
  H.eq(torch.type(mf:forward(x:float())), "torch.FloatTensor")
  H.ok(maxdiff(mf.output, T(R.output)) < 1e-5)
  H.ok(maxdiff(mf:backward(x:float(), go:float()), T(R.gradInput)) < 1e-5)
end)

H.test("Cosine: finite differences, strided input, errors", function()
  local m = nn.Cosine(4, 3)
  H.ok(nn.Jacobian.testJacobian(m, torch.randn(2, 4)) < 1e-5)
  H.ok(nn.Jacobian.testJacobianParameters(m, torch.randn(2, 4), m.weight, m.gradWeight) < 1e-5)
  H.ok(nn.Jacobian.testJacobian(m, torch.randn(4)) < 1e-5)
  local xt = torch.randn(4, 3):t()  -- (3, 4), transposed
  H.ok(maxdiff(m:forward(xt), m:clone():forward(xt:contiguous())) < 1e-14)
  H.check_error("nn.Cosine.updateOutput: expected input of size 4 or (N, 4), got 3x5", function()
    m:forward(torch.randn(3, 5))
  end)
end)

-- ---------------------------------------------------------------- Euclidean

H.test("Euclidean matches PyTorch; 1D rows agree with the batch", function()
  local R = F.euclidean
  local m = nn.Euclidean(5, 3)
  m.weight:copy(T(R.weight))
  local x, go = T(R.input), T(R.gradOutput)
  m:zeroGradParameters()
  H.ok(maxdiff(m:forward(x), T(R.output)) < 1e-12)
  H.ok(maxdiff(m:backward(x, go), T(R.gradInput)) < 1e-6)
  H.ok(maxdiff(m.gradWeight, T(R.gradWeight)) < 1e-6)
  local m1 = m:clone()
  m1:zeroGradParameters()
  for i = 1, x:size(1) do
    H.ok(maxdiff(m1:forward(x[i]), T(R.output)[i]) < 1e-12)
    H.ok(maxdiff(m1:backward(x[i], go[i]), T(R.gradInput)[i]) < 1e-6)
  end
  H.ok(maxdiff(m1.gradWeight, T(R.gradWeight)) < 1e-6)
  -- naive loop: distance to each column
  local xi = torch.randn(5)
  local y = m:forward(xi)
  for j = 1, 3 do
    local s = 0
    for i = 1, 5 do s = s + (xi[i] - m.weight[i][j]) ^ 2 end
    H.near(y[j], math.sqrt(s), 1e-12)
  end
  H.ok(maxdiff(m:clone():float():forward(x:float()), T(R.output)) < 1e-5)
end)

H.test("Euclidean and WeightedEuclidean: finite differences, save/load, errors", function()
  for _, name in ipairs { "Euclidean", "WeightedEuclidean" } do
    local m = nn[name](4, 3)
    if m.diagCov then m.diagCov:uniform(0.5, 1.5) end
    m.fastBackward = false
    H.ok(nn.Jacobian.testJacobian(m, torch.randn(3, 4)) < 1e-5, name)
    H.ok(nn.Jacobian.testJacobian(m, torch.randn(4)) < 1e-5, name)
    H.ok(nn.Jacobian.testJacobianParameters(m, torch.randn(3, 4), m.weight, m.gradWeight) < 1e-5, name)
    if m.diagCov then
      H.ok(nn.Jacobian.testJacobianParameters(m, torch.randn(3, 4), m.diagCov, m.gradDiagCov) < 1e-5, name)
      -- accUpdateGradParameters moves both parameters as backward + updateParameters does
      local x, go = torch.randn(3, 4), torch.randn(3, 3)
      local a, b = m:clone(), m:clone()
      a:forward(x); a:zeroGradParameters(); a:backward(x, go); a:updateParameters(0.1)
      b:forward(x); b:updateGradInput(x, go); b:accUpdateGradParameters(x, go, 0.1)
      H.ok(maxdiff(a.weight, b.weight) < 1e-14 and maxdiff(a.diagCov, b.diagCov) < 1e-14, name)
    else
      H.ok(nn.Jacobian.testJacobianUpdateParameters(m, torch.randn(3, 4), m.weight) < 1e-5, name)
    end
    local ferr, berr = nn.Jacobian.testIO(m, torch.randn(3, 4))
    H.eq(ferr, 0, name)
    H.eq(berr, 0, name)
    H.check_error("nn." .. name .. ".updateOutput: expected input of size 4 or (N, 4), got 2x3x4", function()
      m:forward(torch.randn(2, 3, 4))
    end)
  end
end)

H.test("WeightedEuclidean matches PyTorch", function()
  local R = F.weighted_euclidean
  local m = nn.WeightedEuclidean(5, 3)
  m.weight:copy(T(R.weight))
  m.diagCov:copy(T(R.diagCov))
  local x, go = T(R.input), T(R.gradOutput)
  m:zeroGradParameters()
  H.ok(maxdiff(m:forward(x), T(R.output)) < 1e-12)
  H.ok(maxdiff(m:backward(x, go), T(R.gradInput)) < 1e-6)
  H.ok(maxdiff(m.gradWeight, T(R.gradWeight)) < 1e-6)
  H.ok(maxdiff(m.gradDiagCov, T(R.gradDiagCov)) < 1e-6)
  local m1 = m:clone()
  m1:zeroGradParameters()
  for i = 1, x:size(1) do m1:forward(x[i]); m1:backward(x[i], go[i]) end
  H.ok(maxdiff(m1.gradDiagCov, T(R.gradDiagCov)) < 1e-6)
  local p = m:parameters()
  H.eq(#p, 2)
  H.ok(p[2] == m.diagCov)
end)

-- ---------------------------------------------------------------- Kmeans

-- naive: nearest centroid and squared distance per row
local function nearest(W, x)
  local idx, loss = {}, 0
  for i = 1, x:size(1) do
    local best, bi = math.huge, 0
    for c = 1, W:size(1) do
      local d = 0
      for j = 1, x:size(2) do d = d + (x[i][j] - W[c][j]) ^ 2 end
      if d < best then best, bi = d, c end
    end
    idx[i], loss = bi, loss + best
  end
  return idx, loss
end

H.test("Kmeans: assignments, loss and centroid update against naive loops", function()
  local k, dim, n = 4, 3, 37
  local m = nn.Kmeans(k, dim)
  local x = torch.randn(n, dim)
  m:initRandom(x)
  local y = m:forward(x)
  local idx, loss = nearest(m.weight, x)
  for i = 1, n do H.eq(y[i], idx[i]) end
  H.near(m.loss, loss, 1e-12)
  m:zeroGradParameters()
  m:backward(x)
  -- naive update: gradWeight[c] = -(mean of (x - w_c) over the rows of c)
  for c = 1, k do
    local cnt, s = 0, torch.zeros(dim)
    for i = 1, n do if idx[i] == c then cnt = cnt + 1; s:add(x[i]):add(-1, m.weight[c]) end end
    H.eq(m.clusterSampleCount[c], cnt)
    local want = s:div(cnt + 1e-7):mul(-1)
    H.ok(maxdiff(m.gradWeight[c], want) < 1e-12)
  end
  H.eq(m.gradInput:nElement(), n * dim)
  H.eq(m.gradInput:abs():sum(), 0)
  -- with scale 1 one step moves each centroid to its cluster mean: Lloyd's step
  local before = m.loss
  m.weight:add(-1, m.gradWeight)
  m:forward(x)
  H.ok(m.loss <= before + 1e-12)
end)

H.test("Kmeans: k-means++ finds separated clusters; Float; save/load; errors", function()
  local x = torch.Tensor(60, 2)
  for i = 1, 60 do x[i]:fill(({ -10, 0, 10 })[(i - 1) % 3 + 1]):add(torch.randn(2):mul(0.01)) end
  local m = nn.Kmeans(3, 2)
  m:initKmeansPlus(x, 0.7)
  for _ = 1, 5 do
    m:zeroGradParameters(); m:forward(x); m:backward(x); m.weight:add(-1, m.gradWeight)
  end
  m:forward(x)
  H.ok(m.loss < 60 * 2 * 1e-3, "loss " .. m.loss)
  -- every centroid is a row of x after seeding
  local s = nn.Kmeans(3, 2):initKmeansPlus(x)
  for c = 1, 3 do
    local found = false
    for i = 1, 60 do if maxdiff(x[i], s.weight[c]) == 0 then found = true end end
    H.ok(found)
  end
  local mf = m:clone():float()
  local yf = mf:forward(x:float())
  H.eq(torch.type(m:forward(x:float())), "torch.DoubleTensor", "the output has the module's type")
  H.eq(torch.type(yf), "torch.FloatTensor")
  H.eq(maxdiff(yf, m.output), 0)
  H.eq(maxdiff(roundtrip(m):forward(x), m:forward(x)), 0)
  H.check_error("nn.Kmeans.updateOutput: expected input (N, 2), got 5x3", function() m:forward(torch.randn(5, 3)) end)
  H.check_error("nn.Kmeans.initRandom: need at least k = 3 samples, got 2", function() m:initRandom(torch.randn(2, 2)) end)
  H.check_error("nn.Kmeans: expected Kmeans", function() nn.Kmeans(0, 2) end)
end)

-- ---------------------------------------------------------------- criteria

H.test("L1Cost: sum |x|, gradient sign, Float", function()
  local x = torch.Tensor { 0.5, -2, 3, -0.25 }
  local c = nn.L1Cost()
  H.near(c:forward(x), 5.75, 1e-15)
  H.eq(maxdiff(c:backward(x), torch.Tensor { 1, -1, 1, -1 }), 0)
  H.near(c:forward(x:float()), 5.75, 1e-6)
  local x2 = torch.randn(3, 4):t()
  H.ok(crit_grad_err(c, x2:clone()) < 1e-6)
  H.near(c:forward(x2), x2:clone():abs():sum(), 1e-12)
end)

H.test("DistanceRatioCriterion: closed form, gradients, large distances", function()
  local X, Y = torch.Tensor { 0.5, 1, 3 }, torch.Tensor { 2, 0.2, 3 }
  local c = nn.DistanceRatioCriterion()
  local want = 0
  for i = 1, 3 do want = want - math.log(math.exp(-X[i]) / (math.exp(-X[i]) + math.exp(-Y[i]))) end
  H.near(c:forward({ X, Y }), want / 3, 1e-14)
  local g = c:backward({ X, Y })
  for i = 1, 3 do
    local s = math.exp(-X[i]) / (math.exp(-X[i]) + math.exp(-Y[i]))
    H.near(g[1][i], (1 - s) / 3, 1e-14)
    H.near(g[2][i], -(1 - s) / 3, 1e-14)
  end
  local cs = nn.DistanceRatioCriterion(false)
  H.near(cs:forward({ X, Y }), want, 1e-14)
  -- exp(-1000) underflows; the loss stays finite (log-sum-exp)
  H.near(cs:forward({ torch.Tensor { 1000 }, torch.Tensor { 1001 } }), math.log(1 + math.exp(-1)), 1e-12)
  H.check_error("nn.DistanceRatioCriterion.updateOutput: X and Y must have the same size (X 3, Y 2)", function()
    c:forward({ X, torch.ones(2) })
  end)
end)

H.test("ClassSimplexCriterion: regular simplex, MSE to the vertex, predictions", function()
  for _, n in ipairs { 2, 3, 7 } do
    local c = nn.ClassSimplexCriterion(n)
    local S = c.simplex
    H.eq(S:size(1), n)
    H.eq(S:size(2), n)
    for i = 1, n do
      H.near(S[i]:norm(), 1, 1e-12)
      for j = i + 1, n do H.near(S[i]:dot(S[j]), -1 / (n - 1), 1e-12) end
    end
    H.ok(S:sum(1):abs():max() < 1e-12, "centred")
    H.eq(S:select(2, n):abs():sum(), 0)
    H.eq(maxdiff(c:getTopPrediction(S), torch.range(1, n)), 0)
  end
  local c = nn.ClassSimplexCriterion(4)
  local x = torch.randn(3, 4)
  local t = torch.Tensor { 2, 4, 1 }
  local want = 0
  for i = 1, 3 do want = want + (x[i] - c.simplex[t[i]]):pow(2):sum() end
  H.near(c:forward(x, t), want / 12, 1e-14)
  H.ok(crit_grad_err(c, x, t) < 1e-6)
  H.ok(crit_grad_err(c, torch.randn(4), 3) < 1e-6)
  H.check_error("nn.ClassSimplexCriterion.updateOutput: target 5 is out of range (1..4)", function() c:forward(x[1], 5) end)
  H.check_error("nn.ClassSimplexCriterion.updateOutput: input 3x4 does not match 2x4", function()
    c:forward(x, torch.Tensor { 1, 2 })
  end)
  H.check_error("nn.ClassSimplexCriterion: nClasses must be an integer > 1", function() nn.ClassSimplexCriterion(1) end)
  H.eq(maxdiff(roundtrip(c).simplex, c.simplex), 0)
end)

H.test("SpatialClassNLLCriterion matches PyTorch's nll_loss (weights, sizeAverage), Double and Float", function()
  local R = F.spatial_nll
  local x, t, w = T(R.input), T(R.target), T(R.weights)
  for _, cse in ipairs(R.cases) do
    local c = nn.SpatialClassNLLCriterion(cse.weighted and w or nil, cse.sizeAverage)
    H.near(c:forward(x, t), cse.loss, 1e-13)
    H.ok(maxdiff(c:backward(x, t), T(cse.gradInput)) < 1e-14)
    local cf = nn.SpatialClassNLLCriterion(cse.weighted and w:float() or nil, cse.sizeAverage)
    H.near(cf:forward(x:float(), t), cse.loss, 1e-5)
    H.ok(maxdiff(cf:backward(x:float(), t), T(cse.gradInput)) < 1e-6)
    -- one image (C, H, W) with target (H, W) equals the batch of one
    local c1 = nn.SpatialClassNLLCriterion(cse.weighted and w or nil, cse.sizeAverage)
    local cb = nn.SpatialClassNLLCriterion(cse.weighted and w or nil, cse.sizeAverage)
    H.near(c1:forward(x[2], t[2]), cb:forward(x:narrow(1, 2, 1), t:narrow(1, 2, 1)), 1e-14)
  end
  local c = nn.SpatialClassNLLCriterion(w)
  local xs = x:clone()
  H.ok(crit_grad_err(c, xs, t) < 1e-6)
  -- the same as ClassNLLCriterion on the pixels as rows
  local flat = x:permute(1, 3, 4, 2):contiguous():view(-1, x:size(2))
  H.near(c:forward(x, t), nn.ClassNLLCriterion(w):forward(flat, t:view(-1)), 1e-13)
  H.check_error("nn.SpatialClassNLLCriterion.updateOutput: target classes must be in 1..4, got 1..5", function()
    local bad = t:clone(); bad[1][1][1] = 5; c:forward(x, bad)
  end)
  H.check_error("nn.SpatialClassNLLCriterion.updateOutput: target must be (N, H, W) for input (N, C, H, W) (input 2x4x3x5, target 2x3x4)", function()
    c:forward(x, torch.ones(2, 3, 4))
  end)
  H.check_error("nn.SpatialClassNLLCriterion.updateOutput: expected input (N, C, H, W) or (C, H, W), got 4x3", function()
    c:forward(torch.randn(4, 3), t)
  end)
end)

H.test("SpatialAutoCropMSECriterion: MSE against the centre crop; gradients; errors", function()
  for _, avg in ipairs { true, false } do
    local x = torch.randn(2, 3, 4, 5)
    local t = torch.randn(2, 3, 7, 6)
    -- centre crop rows 2..5 (1 + floor(3/2)), columns 1..5 (1 + floor(1/2))
    local crop = t[{ {}, {}, { 2, 5 }, { 1, 5 } }]
    local c = nn.SpatialAutoCropMSECriterion(avg)
    local want = 0
    for i = 1, 2 do for ch = 1, 3 do for r = 1, 4 do for q = 1, 5 do
      want = want + (x[i][ch][r][q] - crop[i][ch][r][q]) ^ 2
    end end end end
    H.near(c:forward(x, t), avg and want / x:nElement() or want, 1e-12)
    local g = c:backward(x, crop:clone())
    H.ok(maxdiff(g, nn.MSECriterion(avg):backward(x, crop:clone())) < 1e-15)
    H.ok(maxdiff(c:backward(x, t), g) < 1e-15, "a larger target is cropped in backward too")
    H.ok(crit_grad_err(c, torch.randn(3, 2, 2), torch.randn(3, 5, 4)) < 1e-6)
  end
  local c = nn.SpatialAutoCropMSECriterion()
  H.check_error("target and input must have same number of channels (input 3x3x3, target 4x3x3)", function()
    c:forward(torch.randn(3, 3, 3), torch.randn(4, 3, 3))
  end)
  H.check_error("target and input must have same batch size", function()
    c:forward(torch.randn(2, 3, 3, 3), torch.randn(1, 3, 3, 3))
  end)
  H.check_error("nn.SpatialAutoCropMSECriterion.updateOutput: input resolution must be smaller or equal", function()
    c:forward(torch.randn(2, 5, 5), torch.randn(2, 5, 4))
  end)
end)

-- ---------------------------------------------------------------- SparseLinear

-- a random sparse sample as (nnz, 2) rows and its dense version
local function sparse_sample(nin, nnz, keys)
  local idx = keys or torch.randperm(nin):narrow(1, 1, nnz)
  local s = torch.Tensor(idx:nElement(), 2)
  s:select(2, 1):copy(idx)
  s:select(2, 2):copy(torch.randn(idx:nElement()))
  local d = torch.zeros(nin)
  for i = 1, s:size(1) do d[s[i][1]] = d[s[i][1]] + s[i][2] end
  return s, d
end

local function linear_like(sl)
  local l = nn.Linear(sl.weight:size(2), sl.weight:size(1))
  l.weight:copy(sl.weight)
  l.bias:copy(sl.bias)
  return l
end

H.test("SparseLinear equals a dense Linear on the densified input (sample, table batch, legacy batch)", function()
  local nin, nout = 30, 4
  -- shared keys across rows (dense-plan path) and disjoint keys (gather/scatter path), duplicates summed
  for _, mode in ipairs { "shared", "disjoint", "duplicates" } do
    local m = nn.SparseLinear(nin, nout, true)
    local l = linear_like(m)
    local B = 5
    local batch, dense = {}, torch.zeros(B, nin)
    for b = 1, B do
      local keys
      if mode == "shared" then keys = torch.Tensor { 3, 7, 11 }
      elseif mode == "disjoint" then keys = torch.Tensor { b, b + 5, b + 10, b + 15, b + 20 }
      else keys = torch.Tensor { 2, 9, 2, 30 } end
      local s, d = sparse_sample(nin, nil, keys)
      batch[b], dense[b] = s, d
    end
    local go = torch.randn(B, nout)
    m:zeroGradParameters(); l:zeroGradParameters()
    H.ok(maxdiff(m:forward(batch), l:forward(dense)) < 1e-13, mode)
    local gi = m:backward(batch, go)
    local gd = l:backward(dense, go)
    H.eq(#gi, B)
    for b = 1, B do
      H.eq(maxdiff(gi[b]:select(2, 1), torch.range(1, nin)), 0)
      H.ok(maxdiff(gi[b]:select(2, 2), gd[b]) < 1e-13)
    end
    H.ok(maxdiff(m.gradWeight, l.gradWeight) < 1e-13, mode)
    H.ok(maxdiff(m.gradBias, l.gradBias) < 1e-13, mode)
    -- the sparse update (one backward since zero) equals the dense one
    m:updateParameters(0.1); l:updateParameters(0.1)
    H.ok(maxdiff(m.weight, l.weight) < 1e-13, mode)
    H.ok(maxdiff(m.bias, l.bias) < 1e-13, mode)
    m:zeroGradParameters()
    H.eq(m.gradWeight:abs():sum() + m.gradBias:abs():sum(), 0)
    -- one sample: output (nout), gradInput a table of one
    H.ok(maxdiff(m:forward(batch[2]), linear_like(m):forward(dense[2])) < 1e-13)
    H.eq(m.output:dim(), 1)
  end
  -- legacy (N, nnz, 2) batch gives the rows of the table form
  local m = nn.SparseLinear(nin, nout)
  local leg = torch.Tensor(3, 4, 2)
  local tab = {}
  for b = 1, 3 do leg[b]:copy((sparse_sample(nin, 4))); tab[b] = leg[b]:clone() end
  H.ok(maxdiff(m:forward(leg), m:clone():forward(tab)) < 1e-15)
  H.eq(m.output:size(1), 3)
  -- two accumulations: dense update path
  local l = linear_like(m)
  m:zeroGradParameters(); l:zeroGradParameters()
  local d = torch.zeros(3, nin)
  for b = 1, 3 do for i = 1, 4 do d[b][leg[b][i][1]] = d[b][leg[b][i][1]] + leg[b][i][2] end end
  for _ = 1, 2 do
    m:forward(leg); m:backward(leg, torch.ones(3, nout))
    l:forward(d); l:backward(d, torch.ones(3, nout))
  end
  m:updateParameters(0.5); l:updateParameters(0.5)
  H.ok(maxdiff(m.weight, l.weight) < 1e-13)
  -- Float
  local mf = m:clone():float()
  H.ok(maxdiff(mf:forward(tab), m:forward(tab)) < 1e-5)
end)

H.test("SparseLinear: accUpdateGradParameters, save/load, errors", function()
  local m = nn.SparseLinear(10, 3)
  local s = sparse_sample(10, 4)
  local m2 = m:clone()
  m:forward(s)
  m:zeroGradParameters()
  m:backward(s, torch.ones(3))
  m:updateParameters(0.2)
  m2:forward(s)
  m2:accUpdateGradParameters(s, torch.ones(3), 0.2)
  H.ok(maxdiff(m.weight, m2.weight) < 1e-15)
  H.ok(maxdiff(m.bias, m2.bias) < 1e-15)
  H.eq(maxdiff(roundtrip(m):forward(s), m:forward(s)), 0)
  -- an empty sample gives the bias; an empty batch no rows
  local e = m:forward({ torch.Tensor(0, 2), s })
  H.eq(maxdiff(e[1], m.bias), 0)
  H.eq(m:forward({}):size(1), 0)
  H.check_error("nn.SparseLinear.updateOutput: indices must be in 1..10, got 0..3", function()
    m:forward(torch.Tensor { { 0, 1 }, { 3, 1 } })
  end)
  H.check_error("nn.SparseLinear.updateOutput: sample 2 must be an (nnz, 2) tensor of {index, value}, got 3x3", function()
    m:forward({ s, torch.ones(3, 3) })
  end)
  H.check_error("nn.SparseLinear.updateOutput: expected an (nnz, 2) tensor", function() m:forward(torch.ones(3)) end)
end)

-- ---------------------------------------------------------------- IndexLinear

H.test("IndexLinear equals a dense Linear in its three input formats; keysOffset", function()
  local nin, nout, B = 25, 3, 4
  local l = nn.Linear(nin, nout)
  local function il(offset)
    local m = nn.IndexLinear(nin, nout, true, offset)
    m.weight:copy(l.weight:t())
    m.bias:copy(l.bias)
    return m
  end
  local keys, vals, sizes, dense = {}, {}, torch.LongTensor(B), torch.zeros(B, nin)
  for b = 1, B do
    keys[b] = torch.randperm(nin):narrow(1, 1, b + 1):long()
    vals[b] = torch.randn(b + 1)
    sizes[b] = b + 1
    dense[b]:indexAdd(1, keys[b], vals[b])
  end
  local go = torch.randn(B, nout)
  local want = l:forward(dense):clone()
  local wantgi = l:backward(dense, go):clone()
  local m1, m2 = il(), il()
  H.ok(maxdiff(m1:forward({ keys, vals }), want) < 1e-13)
  H.ok(maxdiff(m2:forward({ torch.cat(keys, 1), torch.cat(vals, 1), sizes }), want) < 1e-13)
  local gi1 = m1:updateGradInput({ keys, vals }, go)
  local gi2 = m2:updateGradInput({}, go)
  for b = 1, B do
    H.ok(maxdiff(gi1[2][b], wantgi[b]) < 1e-13)
    H.eq(maxdiff(gi1[1][b], torch.range(1, nin)), 0)
  end
  H.ok(maxdiff(gi2[2], wantgi) < 1e-13)
  -- one sample: {keys, values}
  local m3 = il()
  H.ok(maxdiff(m3:forward({ keys[3], vals[3] }), want[3]) < 1e-13)
  H.eq(m3.output:dim(), 1)
  -- keys shifted by keysOffset address the same rows
  local m4 = il(100)
  H.ok(maxdiff(m4:forward({ torch.cat(keys, 1):add(100), torch.cat(vals, 1), sizes }), want) < 1e-13)
  -- updates: accGradParameters twice + updateParameters equals the dense Linear's
  m1:zeroGradParameters(); l:zeroGradParameters()
  for _ = 1, 2 do
    m1:forward({ keys, vals }); m1:accGradParameters({ keys, vals }, go, 0.5)
    l:forward(dense); l:accGradParameters(dense, go, 0.5)
  end
  m1:updateParameters(0.3); l:updateParameters(0.3)
  H.ok(maxdiff(m1.weight:t(), l.weight) < 1e-13)
  H.ok(maxdiff(m1.bias, l.bias) < 1e-13)
  H.ok(maxdiff(m1.gradBias, l.gradBias) < 1e-13)
  -- accUpdateGradParameters: the same step at once
  local m5, m6 = il(), il()
  m5:forward({ keys, vals }); m5:zeroGradParameters(); m5:backward({ keys, vals }, go); m5:updateParameters(0.1)
  m6:forward({ keys, vals }); m6:accUpdateGradParameters({ keys, vals }, go, 0.1)
  H.ok(maxdiff(m5.weight, m6.weight) < 1e-14)
  H.ok(maxdiff(m5.bias, m6.bias) < 1e-14)
  -- Float
  local mf = il():float()
  local fv = {}
  for b = 1, B do fv[b] = vals[b]:float() end
  H.ok(maxdiff(mf:forward({ keys, fv }), l:forward(dense)) < 1e-5)
end)

H.test("IndexLinear: repeated keys accumulate; gradient paths agree; errors", function()
  -- many entries on one key (dense plan) and many distinct keys (gather/scatter plan)
  for _, distinct in ipairs { false, true } do
    local m = nn.IndexLinear(2000, 3)
    local B, nnz = 3, 600
    local batch = { {}, {} }
    local dense = torch.zeros(B, 2000)
    for b = 1, B do
      batch[1][b] = distinct and torch.randperm(2000):narrow(1, 1, nnz):long() or torch.LongTensor(nnz):fill(7)
      batch[2][b] = torch.rand(nnz)
      dense[b]:indexAdd(1, batch[1][b], batch[2][b])
    end
    m:reset()
    local l = nn.Linear(2000, 3)
    l.weight:copy(m.weight:t()); l.bias:copy(m.bias)
    H.ok(maxdiff(m:forward(batch), l:forward(dense)) < 1e-12)
    local go = torch.randn(B, 3)
    m:zeroGradParameters(); l:zeroGradParameters()
    m:backward(batch, go); l:backward(dense, go)
    m:updateParameters(1); l:updateParameters(1)
    H.ok(maxdiff(m.weight:t(), l.weight) < 1e-11)
    H.eq(m.gradWeight:size(2), 3)
    H.eq(m.updateKeys:nElement(), m.gradWeight:size(1))
  end
  local m = nn.IndexLinear(10, 2)
  m.bias:fill(0.5)
  -- empty samples give the bias
  H.eq(maxdiff(m:forward({ torch.LongTensor(), torch.Tensor() }), m.bias), 0)
  local e = m:forward({ { torch.LongTensor(), torch.LongTensor { 2 } }, { torch.Tensor(), torch.Tensor { 3 } } })
  H.eq(maxdiff(e[1], m.bias), 0)
  H.eq(e:size(1), 2)
  H.check_error("nn.IndexLinear.updateOutput: indices must be in 1..10, got 3..11", function()
    m:forward({ torch.LongTensor { 3, 11 }, torch.ones(2) })
  end)
  H.check_error("nn.IndexLinear.updateOutput: sample 1: keys and values must be 1D of the same size (keys 2, values 3)", function()
    m:forward({ { torch.LongTensor { 1, 2 } }, { torch.ones(3) } })
  end)
  H.check_error("nn.IndexLinear.updateOutput: sizes sum to 3 but there are 2 keys", function()
    m:forward({ torch.LongTensor { 1, 2 }, torch.ones(2), torch.LongTensor { 3 } })
  end)
  H.check_error("nn.IndexLinear: max-normalisation (normalize = true) is not supported", function()
    nn.IndexLinear(10, 2, nil, 0, nil, nil, true)
  end)
  H.check_error("nn.IndexLinear.updateParameters: a learning rate is required", function() m:updateParameters() end)
  local r = roundtrip(m)
  local x = { torch.LongTensor { 1, 4 }, torch.Tensor { 0.5, 2 } }
  H.eq(maxdiff(r:forward(x), m:forward(x)), 0)
end)

-- ---------------------------------------------------------------- PartialLinear

H.test("PartialLinear: a Linear restricted to the partition; gradients; save/load", function()
  local m = nn.PartialLinear(5, 7)
  m.bias:uniform(-1, 1)
  local W = m.network:get(1):get(2).weight
  local x = torch.randn(4, 5)
  local full = torch.mm(x, W:t()):add(m.bias:expand(4, 7))
  H.ok(maxdiff(m:forward(x), full) < 1e-14)
  local p = torch.LongTensor { 6, 2, 3 }
  m:setPartition(p)
  H.ok(maxdiff(m:forward(x), full:index(2, p)) < 1e-14)
  -- gradients only touch the partition's rows and bias entries
  m:zeroGradParameters()
  local go = torch.randn(4, 3)
  local gi = m:backward(x, go)
  H.ok(maxdiff(gi, torch.mm(go, W:index(1, p))) < 1e-14)
  local gW = m.network:get(1):get(2).gradWeight
  H.ok(maxdiff(gW:index(1, p), torch.mm(go:t(), x)) < 1e-14)
  H.eq(gW:index(1, torch.LongTensor { 1, 4, 5, 7 }):abs():sum(), 0)
  H.ok(maxdiff(m.gradBias:index(2, p):view(3), go:sum(1):view(3)) < 1e-14)
  H.ok(nn.SparseJacobian.testJacobian(m, torch.randn(4, 5)) < 1e-5)
  H.ok(nn.Jacobian.testJacobian(m, torch.randn(4, 5)) < 1e-5)
  H.ok(nn.Jacobian.testJacobianParameters(m, torch.randn(4, 5), m.bias, m.gradBias) < 1e-5)
  H.ok(nn.SparseJacobian.testJacobianUpdateParameters(m, torch.randn(4, 5), W) < 1e-5)
  local ferr, berr = nn.SparseJacobian.testIO(m, torch.randn(4, 5))
  H.eq(ferr, 0); H.eq(berr, 0)
  m:resetPartition()
  H.eq(m:forward(x):size(2), 7)
  H.ok(maxdiff(m:clone():float():forward(x:float()), m:forward(x)) < 1e-5)
  local nb = nn.PartialLinear(5, 3, false)
  H.ok(nb.bias == nil)
  H.ok(maxdiff(nb:forward(x), torch.mm(x, nb.network:get(1):get(2).weight:t())) < 1e-14)
  H.check_error("nn.PartialLinear.setPartition: expected a 1D tensor of units in 1..7, got 2", function()
    m:setPartition(torch.Tensor { 1, 8 })
  end)
  H.check_error("nn.PartialLinear.updateOutput: expected input (N, 5), got 5", function() m:forward(torch.randn(5)) end)
end)

H.test("SparseJacobian checks SparseLinear on its {index, value} input", function()
  local m = nn.SparseLinear(12, 3, true)
  local s = sparse_sample(12, 5)
  H.ok(nn.SparseJacobian.testJacobian(m, s) < 1e-5)
  H.ok(nn.SparseJacobian.testJacobianParameters(m, s, m.weight, m.gradWeight) < 1e-5)
  H.ok(nn.SparseJacobian.testJacobianParameters(m, s, m.bias, m.gradBias) < 1e-5)
  H.ok(nn.SparseJacobian.testJacobianUpdateParameters(m, s, m.weight) < 1e-5)
  -- a wrong gradient is caught
  local bad = nn.SparseLinear(12, 3, true)
  local orig = bad.updateGradInput
  bad.updateGradInput = function(self, i, g)
    local r = orig(self, i, g)
    for _, t in ipairs(r) do t:select(2, 2):mul(2) end
    return r
  end
  H.ok(nn.SparseJacobian.testJacobian(bad, s) > 1e-3)
end)

H.done()
