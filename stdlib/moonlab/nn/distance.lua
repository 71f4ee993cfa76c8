-- Distance layers: nn.Cosine (cosine similarity to each row of a weight
-- matrix), nn.Euclidean and nn.WeightedEuclidean (distance to templates),
-- nn.Kmeans (online hard k-means as a layer).  Shapes, initialisation and
-- gradients are Torch7's: Cosine's weight is (outputSize, inputSize),
-- Euclidean's templates are the columns of weight (inputSize, outputSize).
-- Batched products are written as matrix products (no (N, in, out)
-- intermediate as Torch7's Lua builds).
-- Not here: CUDA paths.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- input must be (n) or (N, n)
local function check_vec_or_batch(who, input, n)
  if not torch.isTensor(input) or (input:dim() ~= 1 and input:dim() ~= 2) or input:size(input:dim()) ~= n then
    fail(who, "expected input of size %d or (N, %d), got %s", n, n, util.shape(input))
  end
end

local function buf(self, name, like)
  local b = self[name]
  if b == nil or torch.typename(b) ~= torch.typename(like) then
    b = util.new(like)
    self[name] = b
  end
  return b
end

-- ---------------------------------------------------------------- Cosine

local Cosine, cparent = torch.class("nn.Cosine", "nn.Module", nn)

--- nn.Cosine(inputSize, outputSize) -- y_j = w_j . x / ((|w_j| + 1e-12)(|x| + 1e-12))
-- with weight (outputSize, inputSize); input (inputSize) or (N, inputSize).
function Cosine:__init(inputSize, outputSize)
  cparent.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.Cosine: expected Cosine(inputSize, outputSize)", 2)
  end
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  self:reset()
end

function Cosine:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  return self
end

function Cosine:updateOutput(input)
  check_vec_or_batch("nn.Cosine.updateOutput", input, self.weight:size(2))
  local nout = self.weight:size(1)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local n = x:size(1)
  -- norms kept for the backward pass
  self._wnorm = buf(self, "_wnorm", self.weight):norm(self.weight, 2, 2):add(1e-12):view(nout)
  self._xnorm = buf(self, "_xnorm", x):norm(x, 2, 2):add(1e-12):view(n)
  local out = buf(self, "_out", x):resize(n, nout):mm(x, self.weight:t())
  out:cdiv(self._wnorm:view(1, nout):expand(n, nout))
  out:cdiv(self._xnorm:view(n, 1):expand(n, nout))
  if input:dim() == 1 then
    self.output:resize(nout):copy(out:view(nout))
  else
    self.output:resize(n, nout):copy(out)
  end
  return self.output
end

-- dy_j/dx_i = w_ji / (|w_j| |x|) - y_j x_i / |x|^2
function Cosine:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local nout = self.weight:size(1)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local n = x:size(1)
  local g = gradOutput:contiguous():view(n, nout)
  local y = self.output:view(n, nout)
  local gw = buf(self, "_gw", x):resize(n, nout):copy(g):cdiv(self._wnorm:view(1, nout):expand(n, nout))
  local gi = buf(self, "_gi", x):resize(n, x:size(2)):mm(gw, self.weight)
  -- sum_j g_j y_j / |x|, per row
  local gy = buf(self, "_gy", x):resize(n, nout):copy(g):cmul(y):sum(2):view(n):cdiv(self._xnorm)
  gi:add(-1, x:clone():cmul(gy:view(n, 1):expand(n, x:size(2))))
  gi:cdiv(self._xnorm:view(n, 1):expand(n, x:size(2)))
  self.gradInput:resizeAs(input):copy(gi:viewAs(input))
  return self.gradInput
end

-- dy_j/dw_ji = x_i / (|w_j| |x|) - y_j w_ji / |w_j|^2
function Cosine:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local nout, nin = self.weight:size(1), self.weight:size(2)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local n = x:size(1)
  local g = gradOutput:contiguous():view(n, nout)
  local y = self.output:view(n, nout)
  local xn = x:clone():cdiv(self._xnorm:view(n, 1):expand(n, nin))
  local d = buf(self, "_d", x):resize(nout, nin):mm(g:t(), xn)
  local gy = buf(self, "_gy", x):resize(n, nout):copy(g):cmul(y):sum(1):view(nout):cdiv(self._wnorm)
  d:add(-1, self.weight:clone():cmul(gy:view(nout, 1):expand(nout, nin)))
  d:cdiv(self._wnorm:view(nout, 1):expand(nout, nin))
  self.gradWeight:add(scale, d)
end

function Cosine:clearState()
  util.clear(self, "_wnorm", "_xnorm", "_out", "_gw", "_gi", "_gy", "_d")
  return cparent.clearState(self)
end

function Cosine:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.weight:size(2), self.weight:size(1))
end

-- ---------------------------------------------------------------- Euclidean

-- Shared by Euclidean and WeightedEuclidean: templates are the columns of
-- weight (in, out); cov (in, out) scales the differences (nil for Euclidean).
local EPS = 1e-7  -- Torch7's guard against dividing by a zero distance

local function dist_forward(self, who, input, cov)
  local nin, nout = self.weight:size(1), self.weight:size(2)
  check_vec_or_batch(who, input, nin)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local n = x:size(1)
  local out = buf(self, "_out", x):resize(n, nout)
  local diff = buf(self, "_diff", x)
  for j = 1, nout do
    diff:resize(n, nin):copy(x):add(-1, self.weight:select(2, j):view(1, nin):expand(n, nin))
    if cov then diff:cmul(cov:select(2, j):view(1, nin):expand(n, nin)) end
    out:select(2, j):copy(diff:norm(2, 2):view(n))
  end
  if input:dim() == 1 then self.output:resize(nout):copy(out:view(nout))
  else self.output:resize(n, nout):copy(out) end
  return self.output
end

-- G = gradOutput / (output + eps), (N, out)
local function dist_ratio(self, input, gradOutput)
  local nout = self.weight:size(2)
  local n = input:dim() == 1 and 1 or input:size(1)
  local G = buf(self, "_G", input):resize(n, nout):copy(gradOutput:contiguous():view(n, nout))
  local y = buf(self, "_y", input):resize(n, nout):copy(self.output:contiguous():view(n, nout)):add(EPS)
  return G:cdiv(y), n
end

-- gradInput[b] = sum_j G[b,j] c_j^2 (x_b - w_j) = x_b .* (G C2') - G (C2 .* W)'
local function dist_grad_input(self, who, input, gradOutput, cov)
  if not self.gradInput then return nil end
  check_vec_or_batch(who, input, self.weight:size(1))
  if not self.fastBackward then self:updateOutput(input) end
  local nin = self.weight:size(1)
  local G, n = dist_ratio(self, input, gradOutput)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local gi = buf(self, "_gi", x):resize(n, nin)
  if cov then
    local c2 = cov:clone():cmul(cov)
    gi:mm(G, c2:t()):cmul(x)
    gi:addmm(-1, G, c2:cmul(self.weight):t())
  else
    gi:copy(x):cmul(G:sum(2):expand(n, nin))
    gi:addmm(-1, G, self.weight:t())
  end
  self.gradInput:resizeAs(input):copy(gi:viewAs(input))
  return self.gradInput
end

-- gradWeight[i,j] += s c_ij^2 (W_ij sum_b G_bj - (X' G)_ij);
-- gradDiagCov[i,j] += s c_ij sum_b G_bj (W_ij - x_bi)^2
local function dist_acc(self, input, gradOutput, scale, cov, gradCov)
  local nin, nout = self.weight:size(1), self.weight:size(2)
  local G, n = dist_ratio(self, input, gradOutput)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local gsum = G:sum(1):view(1, nout):expand(nin, nout)
  local xg = util.new(x):resize(nin, nout):mm(x:t(), G)
  local gw = self.weight:clone():cmul(gsum):add(-1, xg)
  if cov then
    local x2g = util.new(x):resize(nin, nout):mm(x:clone():cmul(x):t(), G)
    local w = self.weight
    -- sum_b G (W - x)^2 = W^2 sum G - 2 W (X'G) + (X^2)'G
    local gc = w:clone():cmul(w):cmul(gsum):add(-2, w:clone():cmul(xg)):add(x2g):cmul(cov)
    gradCov:add(scale, gc)
    gw:cmul(cov):cmul(cov)
  end
  self.gradWeight:add(scale, gw)
end

local Euclidean, eparent = torch.class("nn.Euclidean", "nn.Module", nn)

--- nn.Euclidean(inputSize, outputSize) -- y_j = |x - w_j| for the templates
-- w_j = weight[{{}, j}], weight (inputSize, outputSize); input (inputSize) or (N, inputSize).
function Euclidean:__init(inputSize, outputSize)
  eparent.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.Euclidean: expected Euclidean(inputSize, outputSize)", 2)
  end
  self.weight = torch.Tensor(inputSize, outputSize)
  self.gradWeight = torch.Tensor(inputSize, outputSize)
  self.gradInput:resize(inputSize)
  self.output:resize(outputSize)
  -- true: updateGradInput uses the output of the last forward
  self.fastBackward = true
  self:reset()
end

function Euclidean:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  return self
end

function Euclidean:updateOutput(input)
  return dist_forward(self, "nn.Euclidean.updateOutput", input, nil)
end

function Euclidean:updateGradInput(input, gradOutput)
  return dist_grad_input(self, "nn.Euclidean.updateGradInput", input, gradOutput, nil)
end

function Euclidean:accGradParameters(input, gradOutput, scale)
  dist_acc(self, input, gradOutput, scale or 1, nil, nil)
end

function Euclidean:clearState()
  util.clear(self, "_out", "_diff", "_G", "_y", "_gi")
  return eparent.clearState(self)
end

function Euclidean:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.weight:size(1), self.weight:size(2))
end

-- ---------------------------------------------------------------- WeightedEuclidean

local WEuclidean, wparent = torch.class("nn.WeightedEuclidean", "nn.Module", nn)

--- nn.WeightedEuclidean(inputSize, outputSize) -- y_j = |c_j .* (x - w_j)|
-- with templates weight and diagonal covariances diagCov, both (inputSize, outputSize).
function WEuclidean:__init(inputSize, outputSize)
  wparent.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.WeightedEuclidean: expected WeightedEuclidean(inputSize, outputSize)", 2)
  end
  self.weight = torch.Tensor(inputSize, outputSize)
  self.gradWeight = torch.Tensor(inputSize, outputSize)
  self.diagCov = torch.Tensor(inputSize, outputSize)
  self.gradDiagCov = torch.Tensor(inputSize, outputSize)
  self.fastBackward = true
  self:reset()
end

function WEuclidean:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  self.diagCov:fill(1)
  return self
end

function WEuclidean:parameters()
  return { self.weight, self.diagCov }, { self.gradWeight, self.gradDiagCov }
end

function WEuclidean:updateOutput(input)
  return dist_forward(self, "nn.WeightedEuclidean.updateOutput", input, self.diagCov)
end

function WEuclidean:updateGradInput(input, gradOutput)
  return dist_grad_input(self, "nn.WeightedEuclidean.updateGradInput", input, gradOutput, self.diagCov)
end

function WEuclidean:accGradParameters(input, gradOutput, scale)
  dist_acc(self, input, gradOutput, scale or 1, self.diagCov, self.gradDiagCov)
end

function WEuclidean:accUpdateGradParameters(input, gradOutput, lr)
  -- the gradients are computed from the parameters before the update
  local gw, gc = self.gradWeight, self.gradDiagCov
  self.gradWeight, self.gradDiagCov = self.weight:clone():zero(), self.diagCov:clone():zero()
  self:accGradParameters(input, gradOutput, 1)
  self.weight:add(-lr, self.gradWeight)
  self.diagCov:add(-lr, self.gradDiagCov)
  self.gradWeight, self.gradDiagCov = gw, gc
end

function WEuclidean:clearState()
  util.clear(self, "_out", "_diff", "_G", "_y", "_gi")
  return wparent.clearState(self)
end

function WEuclidean:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.weight:size(1), self.weight:size(2))
end

-- ---------------------------------------------------------------- Kmeans

local Kmeans, kparent = torch.class("nn.Kmeans", "nn.Module", nn)

--- nn.Kmeans(k, dim [, scale]) -- online hard k-means: forward(input (N, dim))
-- gives each row's nearest centroid (N) and sets `loss` (sum of squared
-- distances); backward accumulates gradWeight[c] = -scale * mean(x - w_c)
-- over the rows assigned to c, so weight:add(-1, gradWeight) moves the
-- centroids to their means (scale 1).  Centroids: weight (k, dim).
function Kmeans:__init(k, dim, scale)
  kparent.__init(self)
  if type(k) ~= "number" or k < 1 or type(dim) ~= "number" or dim < 1 then
    error("nn.Kmeans: expected Kmeans(k >= 1, dim >= 1 [, scale])", 2)
  end
  self.k, self.dim, self.scale = k, dim, scale
  self.weight = torch.Tensor(k, dim)
  self.gradWeight = torch.Tensor(k, dim)
  self.loss = 0
  self.clusterSampleCount = torch.Tensor(k)
  self:reset()
end

--- kmeans:reset([stdev]) -- centroids uniform in [-stdev, stdev] (1).
function Kmeans:reset(stdev)
  stdev = stdev or 1
  self.weight:uniform(-stdev, stdev)
  return self
end

local function check_samples(self, who, input)
  if not torch.isTensor(input) or input:dim() ~= 2 or input:size(2) ~= self.dim then
    fail(who, "expected input (N, %d), got %s", self.dim, util.shape(input))
  end
end

--- kmeans:initRandom(input) -- each centroid a row of input drawn at random (with replacement, as Torch7).
function Kmeans:initRandom(input)
  check_samples(self, "nn.Kmeans.initRandom", input)
  local n = input:size(1)
  if n < self.k then fail("nn.Kmeans.initRandom", "need at least k = %d samples, got %d", self.k, n) end
  for i = 1, self.k do self.weight[i]:copy(input[torch.random(1, n)]) end
  return self
end

-- squared distances (N, k) from the rows of x to the centroids
local function sqdist(self, x)
  local n = x:size(1)
  local d = util.new(self.weight):resize(n, self.k)
  local diff = util.new(self.weight)
  for c = 1, self.k do
    diff:resize(n, self.dim):copy(x):add(-1, self.weight[c]:view(1, self.dim):expand(n, self.dim))
    d:select(2, c):copy(diff:cmul(diff):sum(2):view(n))
  end
  return d
end

--- kmeans:initKmeansPlus(input [, p]) -- k-means++ as Torch7's: the first
-- centroid a random row; each next one drawn uniformly among the
-- ceil((1 - p) N) rows farthest from the centroids chosen so far (p 0.95).
function Kmeans:initKmeansPlus(input, p)
  check_samples(self, "nn.Kmeans.initKmeansPlus", input)
  self.p = p or self.p or 0.95
  if self.p < 0 or self.p > 1 then fail("nn.Kmeans.initKmeansPlus", "p must be in [0, 1], got %g", self.p) end
  local n = input:size(1)
  local pcount = math.max(1, math.ceil((1 - self.p) * n))
  local x = input:type(self.weight:type())
  self.weight[1]:copy(x[torch.random(1, n)])
  local best = util.new(self.weight):resize(n):fill(math.huge)
  local diff = util.new(self.weight)
  for c = 2, self.k do
    diff:resize(n, self.dim):copy(x):add(-1, self.weight[c - 1]:view(1, self.dim):expand(n, self.dim))
    best:cmin(diff:cmul(diff):sum(2):view(n))
    local _, order = best:sort(1, true)
    self.weight[c]:copy(x[order[torch.random(1, pcount)]])
  end
  return self
end

function Kmeans:updateOutput(input)
  check_samples(self, "nn.Kmeans.updateOutput", input)
  local x = input:type(self.weight:type())
  local d = sqdist(self, x)
  local score, idx = d:min(2)
  self._assign = idx:view(-1):long()
  self.loss = score:sum()
  self.output:resize(input:size(1)):copy(self._assign)
  return self.output
end

-- Kmeans is trained by its own rule: no gradient flows to the input.
function Kmeans:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  return self.gradInput
end

function Kmeans:accGradParameters(input, gradOutput, scale)
  scale = self.scale or scale or 1
  if scale <= 0 then fail("nn.Kmeans.accGradParameters", "scale must be positive, got %g", scale) end
  if not self._assign or self._assign:nElement() ~= input:size(1) then
    fail("nn.Kmeans.accGradParameters", "call forward on this input first (input %s)", util.shape(input))
  end
  local x = input:type(self.weight:type())
  local n = x:size(1)
  self.clusterSampleCount:zero():indexAdd(1, self._assign, util.new(self.weight):resize(n):fill(1))
  -- sum over the rows of each cluster of (x - w_c), then divided by the count
  local g = x:clone():add(-1, self.weight:index(1, self._assign)):mul(-scale)
  local acc = util.new(self.weight):resizeAs(self.weight):zero():indexAdd(1, self._assign, g)
  local counts = self.clusterSampleCount:clone():add(1e-7)
  acc:cdiv(counts:view(self.k, 1):expand(self.k, self.dim))
  self.gradWeight:add(acc)
end

function Kmeans:clearState()
  self._assign = nil
  return kparent.clearState(self)
end

function Kmeans:__tostring__()
  return torch.type(self) .. string.format("(%d clusters, dim %d)", self.k, self.dim)
end
