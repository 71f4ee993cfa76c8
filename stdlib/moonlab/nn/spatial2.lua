-- Spatial layers, second part: local normalisation (nn.SpatialCrossMapLRN,
-- nn.SpatialSubtractive-, SpatialDivisive-, SpatialContrastiveNormalization),
-- LP pooling (nn.SpatialLPPooling, nn.FeatureLPPooling), connection-table
-- convolutions (nn.tables, nn.SpatialConvolutionMap,
-- nn.SpatialFullConvolutionMap) and two temporal layers
-- (nn.TemporalDynamicKMaxPooling, nn.TemporalSubSampling).
-- The normalisations compute Torch7's result directly (a channel sum, one
-- im2col and one matrix-vector product) instead of Torch7's chain of
-- padding/convolution/replication modules; the map convolutions gather the
-- connected planes and do one batched GEMM per pass.
-- Not here: diagonal Hessians (hessian.lua), CUDA.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local K = torch._nn
local KS = torch._nnsp
local Module = nn.Module
local S = nn._spatial
local fail, as_batch, unbatch, buf = S.fail, S.as_batch, S.unbatch, S.buf

-- ---------------------------------------------------------------- SpatialCrossMapLRN

local LRN = torch.class("nn.SpatialCrossMapLRN", "nn.Module", nn)

--- nn.SpatialCrossMapLRN(size [, alpha = 1e-4, beta = 0.75, k = 1]) --
-- local response normalisation across channels:
-- y_c = x_c / (k + alpha/size * sum of x_j^2 over the `size` channels
-- around c)^beta.
function LRN:__init(size, alpha, beta, k)
  Module.__init(self)
  if type(size) ~= "number" or size < 1 then error("nn.SpatialCrossMapLRN: size must be a positive integer", 2) end
  self.size = size
  self.alpha = alpha or 0.0001
  self.beta = beta or 0.75
  self.k = k or 1
end

-- s[:, c] = sum of t[:, j] for j in [c - before, c + after] (clipped); t (N, C, ...)
local function window_sum(t, before, after)
  local C = t:size(2)
  local s = util.new(t):resizeAs(t):zero()
  for off = -before, after do
    local lo, hi = math.max(1, 1 - off), math.min(C, C - off) -- c range with c + off in [1, C]
    if hi >= lo then s:narrow(2, lo, hi - lo + 1):add(t:narrow(2, lo + off, hi - lo + 1)) end
  end
  return s
end

function LRN:_x(who, input)
  local d = input:dim()
  if d ~= 3 and d ~= 4 then fail(who, "expected (C, H, W) or (N, C, H, W) input, got %s", util.shape(input)) end
  return d == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
end

function LRN:updateOutput(input)
  local x = self:_x("nn.SpatialCrossMapLRN.updateOutput", input)
  local before, after = self.size // 2, (self.size - 1) // 2
  local sq = torch.cmul(x, x)
  self.scale = window_sum(sq, before, after):mul(self.alpha / self.size):add(self.k)
  self.output:resizeAs(x):pow(self.scale, -self.beta):cmul(x)
  self.output = self.output:viewAs(input)
  return self.output
end

function LRN:updateGradInput(input, gradOutput)
  local who = "nn.SpatialCrossMapLRN.updateGradInput"
  local x = self:_x(who, input)
  if gradOutput:nElement() ~= x:nElement() then
    fail(who, "gradOutput %s does not match input %s", util.shape(gradOutput), util.shape(input))
  end
  local g = gradOutput:contiguous():viewAs(x)
  local before, after = self.size // 2, (self.size - 1) // 2
  -- y = x s^-beta: dx_i = g_i s_i^-beta - 2 alpha beta / size x_i sum_{j: i in win(j)} g_j y_j / s_j
  local t = torch.cmul(g, self.output:viewAs(x)):cdiv(self.scale)
  local acc = window_sum(t, after, before)
  self.gradInput:resizeAs(x):pow(self.scale, -self.beta):cmul(g)
  self.gradInput:add(-2 * self.alpha * self.beta / self.size, acc:cmul(x))
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function LRN:clearState()
  self.scale = nil
  return Module.clearState(self)
end

function LRN:__tostring__()
  return string.format("%s(%d, %g, %g, %g)", torch.type(self), self.size, self.alpha, self.beta, self.k)
end

-- ---------------------------------------------------------------- LP pooling

local LP = torch.class("nn.SpatialLPPooling", "nn.Sequential", nn)

--- nn.SpatialLPPooling(nInputPlane, pnorm, kW, kH [, dW, dH]) -- the p-norm
-- of each window, (sum x^p)^(1/p) (Torch7's Sequential of Power,
-- SpatialAveragePooling, MulConstant, Power; no parameters).
function LP:__init(nInputPlane, pnorm, kW, kH, dW, dH)
  nn.Sequential.__init(self)
  if not (pnorm and kW and kH) then
    error("nn.SpatialLPPooling: expected (nInputPlane, pnorm, kW, kH [, dW, dH])", 2)
  end
  self.nInputPlane, self.pnorm = nInputPlane, pnorm
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or kW, dH or kH
  if pnorm == 2 then self:add(nn.Square()) else self:add(nn.Power(pnorm)) end
  self:add(nn.SpatialAveragePooling(kW, kH, self.dW, self.dH))
  self:add(nn.MulConstant(kW * kH))
  if pnorm == 2 then self:add(nn.Sqrt()) else self:add(nn.Power(1 / pnorm)) end
end

function LP:reset() end
function LP:accGradParameters() end
function LP:accUpdateGradParameters() end
function LP:zeroGradParameters() end
function LP:updateParameters() end

local FLP = torch.class("nn.FeatureLPPooling", "nn.Module", nn)

--- nn.FeatureLPPooling(width, stride, power [, batch_mode]) -- LP pooling
-- across features: output feature k = (sum of x_f^power over the width
-- features from (k-1)*stride + 1)^(1/power); the feature dimension is the
-- first (the second with batch_mode); 1 to 3 further dimensions follow.
function FLP:__init(width, stride, power, batch_mode)
  Module.__init(self)
  if type(width) ~= "number" or width < 2 or width > 16 then
    error("nn.FeatureLPPooling: width must be within 2 to 16", 2)
  end
  if type(stride) ~= "number" or stride < 1 or stride > 4 then
    error("nn.FeatureLPPooling: stride must be within 1 to 4", 2)
  end
  self.width, self.stride, self.power = width, stride, power
  self.batch_mode = batch_mode and true or false
end

function FLP:_dim(who, input)
  local fd = self.batch_mode and 2 or 1
  local d = input:dim()
  if d < fd or d > fd + 2 or input:size(fd) < self.width then
    fail(who, "expected %s[features >= %d] with up to 2 more dimensions, got %s", self.batch_mode and "[batch]" or "",
      self.width, util.shape(input))
  end
  return fd
end

function FLP:updateOutput(input)
  local fd = self:_dim("nn.FeatureLPPooling.updateOutput", input)
  local u = input:unfold(fd, self.width, self.stride) -- (..., oF, ..., width)
  local p = self.power
  local s = (p == 1) and u:sum(u:dim()) or torch.pow(u, p):sum(u:dim())
  s = s:select(s:dim(), 1)
  if p ~= 1 then s:pow(1 / p) end
  self.output:resize(s:size()):copy(s)
  return self.output
end

function FLP:updateGradInput(input, gradOutput)
  local who = "nn.FeatureLPPooling.updateGradInput"
  local fd = self:_dim(who, input)
  if gradOutput:nElement() ~= self.output:nElement() then
    fail(who, "gradOutput %s does not match output %s", util.shape(gradOutput), util.shape(self.output))
  end
  local g = gradOutput:contiguous():viewAs(self.output)
  local p = self.power
  -- d out / d x_f = x_f^(p-1) out^(1-p); 0 where out is 0
  local coef
  if p == 1 then coef = g
  else
    local o = self.output
    coef = torch.pow(o, 1 - p):cmul(g)
    coef:maskedFill(o:eq(0), 0)
  end
  self.gradInput:resizeAs(input):zero()
  local gu = self.gradInput:unfold(fd, self.width, self.stride) -- views that overlap when stride < width
  local xu = input:unfold(fd, self.width, self.stride)
  local nd = gu:dim()
  for w = 1, self.width do
    local contrib = (p == 1) and coef or torch.pow(xu:select(nd, w), p - 1):cmul(coef)
    gu:select(nd, w):add(contrib)
  end
  return self.gradInput
end

function FLP:__tostring__()
  return string.format("%s(w%d s%d power %g batch %d)", torch.type(self), self.width, self.stride, self.power,
    self.batch_mode and 1 or 0)
end

-- ---------------------------------------------------------------- local normalisation
-- With the kernel k (2-D, or the outer product k k' of a 1-D k) normalised
-- to sum 1 / nInputPlane, the local sum of x (N, C, H, W) is
-- S(x) = corr2d_same(sum_c x_c, k) with zero padding; coef = S(ones) corrects
-- the borders.  Subtractive: y = x - S(x) / coef.  Divisive:
-- y = x / thr(sqrt(S(x^2)) / coef), thr(v) = v > threshold and v or thresval.

local function norm_kernel(who, nInputPlane, kernel)
  kernel = kernel or torch.Tensor(9, 9):fill(1)
  if not torch.isTensor(kernel) or (kernel:dim() ~= 1 and kernel:dim() ~= 2) then
    error(who .. ": the averaging kernel must be 1D or 2D", 3)
  end
  if kernel:size(1) % 2 == 0 or (kernel:dim() == 2 and kernel:size(2) % 2 == 0) then
    error(who .. ": the averaging kernel must have odd dimensions (got " .. util.shape(kernel) .. ")", 3)
  end
  local k2 = kernel:dim() == 2 and kernel:clone() or torch.ger(kernel, kernel)
  k2 = k2:double()
  return kernel, k2:div(k2:sum() * nInputPlane)
end

-- S(t) for t (N, C, H, W) contiguous: (N, 1, H, W)
local function local_sum(self, t)
  local k2 = self._k2
  if torch.typename(k2) ~= torch.typename(t) then k2 = k2:type(torch.typename(t)); self._k2 = k2 end
  local kh, kw = k2:size(1), k2:size(2)
  local N, H, W = t:size(1), t:size(3), t:size(4)
  if N == 0 then return util.new(t):resize(0, 1, H, W) end
  local s = t:sum(2) -- (N, 1, H, W)
  local cols = buf(self, "_cols", t)
  K.im2col(cols, s:contiguous(), kw, kh, 1, 1, kw // 2, kh // 2)
  return torch.mm(k2:view(1, -1), cols):view(N, 1, H, W)
end

-- the adjoint of local_sum: g (N, 1, H, W) -> (N, C, H, W) (expanded view)
local function local_sum_t(self, g, C)
  local k2 = self._k2
  local kh, kw = k2:size(1), k2:size(2)
  local N, H, W = g:size(1), g:size(3), g:size(4)
  if N == 0 then return util.new(g):resize(0, C, H, W) end
  local cols = torch.mm(k2:view(-1, 1), g:contiguous():view(1, -1))
  local r = util.new(g):resize(N, 1, H, W)
  K.col2im(r, cols, kw, kh, 1, 1, kw // 2, kh // 2)
  return r:expand(N, C, H, W)
end

local function norm_input(self, who, input)
  local x, batch = as_batch(who, input, self.nInputPlane)
  local H, W = x:size(3), x:size(4)
  if not self._coef or torch.typename(self._coef) ~= torch.typename(x) or self._coef:size(3) ~= H or
     self._coef:size(4) ~= W then
    local ones = util.new(x):resize(1, self.nInputPlane, H, W):fill(1)
    self._coef = local_sum(self, ones)
  end
  return x, batch, self._coef:expand(x:size(1), 1, H, W)
end

local Sub = torch.class("nn.SpatialSubtractiveNormalization", "nn.Module", nn)

--- nn.SpatialSubtractiveNormalization(nInputPlane [, kernel]) -- subtracts
-- from every plane the weighted local mean over all planes (kernel 2-D, or
-- 1-D used separably; default 9x9 ones), corrected at the borders.
function Sub:__init(nInputPlane, kernel)
  Module.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel, self._k2 = norm_kernel("nn.SpatialSubtractiveNormalization", self.nInputPlane, kernel)
end

function Sub:updateOutput(input)
  local x, batch, coef = norm_input(self, "nn.SpatialSubtractiveNormalization.updateOutput", input)
  self._mean = local_sum(self, x):cdiv(coef)
  self.output:resizeAs(x):copy(x):add(-1, self._mean:expandAs(x))
  self.output = unbatch(self.output, batch)
  return self.output
end

function Sub:updateGradInput(input, gradOutput)
  local who = "nn.SpatialSubtractiveNormalization.updateGradInput"
  local x, _, coef = norm_input(self, who, input)
  if gradOutput:nElement() ~= x:nElement() then
    fail(who, "gradOutput %s does not match input %s", util.shape(gradOutput), util.shape(input))
  end
  local g = gradOutput:contiguous():viewAs(x)
  local gm = g:sum(2):cdiv(coef) -- d/d mean, (N, 1, H, W)
  self.gradInput:resizeAs(x):copy(g):add(-1, local_sum_t(self, gm, x:size(2)))
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Sub:clearState()
  self._mean, self._coef, self._cols = nil, nil, nil
  return Module.clearState(self)
end

local Div = torch.class("nn.SpatialDivisiveNormalization", "nn.Module", nn)

--- nn.SpatialDivisiveNormalization(nInputPlane [, kernel, threshold = 1e-4,
-- thresval = threshold]) -- divides every plane by the weighted local
-- standard deviation over all planes, sqrt(local mean of x^2), replaced by
-- thresval where it is not above threshold.
function Div:__init(nInputPlane, kernel, threshold, thresval)
  Module.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel, self._k2 = norm_kernel("nn.SpatialDivisiveNormalization", self.nInputPlane, kernel)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
end

function Div:updateOutput(input)
  local x, batch, coef = norm_input(self, "nn.SpatialDivisiveNormalization.updateOutput", input)
  local v = local_sum(self, torch.cmul(x, x)):sqrt() -- localstds
  self._stds = v
  local adj = torch.cdiv(v, coef)
  self._keep = adj:gt(self.threshold)
  local thr = adj:clone():maskedFill(self._keep:eq(0), self.thresval)
  self._thr = thr
  self.output:resizeAs(x):copy(x):cdiv(thr:expandAs(x))
  self.output = unbatch(self.output, batch)
  return self.output
end

function Div:updateGradInput(input, gradOutput)
  local who = "nn.SpatialDivisiveNormalization.updateGradInput"
  local x, _, coef = norm_input(self, who, input)
  if gradOutput:nElement() ~= x:nElement() then
    fail(who, "gradOutput %s does not match input %s", util.shape(gradOutput), util.shape(input))
  end
  local g = gradOutput:contiguous():viewAs(x)
  local thr = self._thr
  -- through y = x / thr
  local gthr = torch.cmul(g, x):sum(2):cdiv(thr):cdiv(thr):mul(-1)
  gthr:maskedFill(self._keep:eq(0), 0)
  -- thr = v / coef, v = sqrt(S(x^2))
  local gs = gthr:cdiv(coef):cdiv(self._stds):mul(0.5)
  local gsq = local_sum_t(self, gs, x:size(2))
  self.gradInput:resizeAs(x):copy(g):cdiv(thr:expandAs(x))
  self.gradInput:add(2, torch.cmul(gsq, x))
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Div:clearState()
  self._stds, self._keep, self._thr, self._coef, self._cols = nil, nil, nil, nil, nil
  return Module.clearState(self)
end

local Con = torch.class("nn.SpatialContrastiveNormalization", "nn.Module", nn)

--- nn.SpatialContrastiveNormalization(nInputPlane [, kernel, threshold,
-- thresval]) -- nn.SpatialSubtractiveNormalization followed by
-- nn.SpatialDivisiveNormalization with the same kernel.
function Con:__init(nInputPlane, kernel, threshold, thresval)
  Module.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or torch.Tensor(9, 9):fill(1)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
  self.normalizer = nn.Sequential()
  self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
  self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel, self.threshold, self.thresval))
end

function Con:updateOutput(input)
  self.output = self.normalizer:forward(input)
  return self.output
end

function Con:updateGradInput(input, gradOutput)
  self.gradInput = self.normalizer:backward(input, gradOutput)
  return self.gradInput
end

function Con:clearState()
  self.normalizer:clearState()
  return Module.clearState(self)
end

-- ---------------------------------------------------------------- connection tables

nn.tables = nn.tables or {}

--- nn.tables.full(nin, nout) -> (nin*nout, 2) table connecting every input
-- plane to every output plane (rows {in, out}, inputs fastest).
function nn.tables.full(nin, nout)
  local ft = torch.Tensor(nin * nout, 2)
  local p = 1
  for j = 1, nout do
    for i = 1, nin do
      ft[p][1], ft[p][2] = i, j
      p = p + 1
    end
  end
  return ft
end

--- nn.tables.oneToOne(n) -> (n, 2) table connecting plane i to plane i.
function nn.tables.oneToOne(nfeat)
  local ft = torch.Tensor(nfeat, 2)
  for i = 1, nfeat do ft[i][1], ft[i][2] = i, i end
  return ft
end

--- nn.tables.random(nin, nout, nto) -> (nout*nto, 2) table giving each
-- output plane nto distinct random input planes (drawn in chunks of a
-- random permutation, so the inputs are used evenly).
function nn.tables.random(nin, nout, nto)
  if nto > nin then error("nn.tables.random: nto (" .. nto .. ") exceeds nin (" .. nin .. ")", 2) end
  local tbl = torch.Tensor(nto * nout, 2)
  local perm, pos = torch.randperm(nin), 0
  local p = 1
  for o = 1, nout do
    if pos + nto > nin then perm, pos = torch.randperm(nin), 0 end
    for j = 1, nto do
      tbl[p][1], tbl[p][2] = perm[pos + j], o
      p = p + 1
    end
    pos = pos + nto
  end
  return tbl
end

local function map_init(self, who, conMatrix, kW, kH, dW, dH)
  Module.__init(self)
  if not torch.isTensor(conMatrix) or conMatrix:dim() ~= 2 or conMatrix:size(2) ~= 2 then
    error(who .. ": expected a (nConnections, 2) connection table", 3)
  end
  if not (kW and kH) then error(who .. ": expected (connTable, kW, kH [, dW, dH])", 3) end
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.connTable = conMatrix
  self.nInputPlane = math.floor(conMatrix:select(2, 1):max())
  self.nOutputPlane = math.floor(conMatrix:select(2, 2):max())
  self.weight = torch.Tensor(conMatrix:size(1), kH, kW)
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradWeight = torch.Tensor(conMatrix:size(1), kH, kW)
  self.gradBias = torch.Tensor(self.nOutputPlane)
  self:reset()
end

-- the (K) Long index vectors of the input and output planes of the connections
local function conn_index(self)
  local ct = self.connTable
  if not self._inIdx or self._inIdx:size(1) ~= ct:size(1) then
    self._inIdx = ct:select(2, 1):long()
    self._outIdx = ct:select(2, 2):long()
  end
  return self._inIdx, self._outIdx
end

local function map_reset(self, stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
    self.weight:uniform(-stdv, stdv)
    self.bias:uniform(-stdv, stdv)
    return self
  end
  local ninp = torch.Tensor(self.nOutputPlane):zero()
  local ct = self.connTable
  for i = 1, ct:size(1) do ninp[ct[i][2]] = ninp[ct[i][2]] + 1 end
  for k = 1, ct:size(1) do
    self.weight:select(1, k):uniform(-1, 1):mul(1 / math.sqrt(self.kW * self.kH * math.max(ninp[ct[k][2]], 1)))
  end
  for o = 1, self.nOutputPlane do
    local s = 1 / math.sqrt(self.kW * self.kH * math.max(ninp[o], 1))
    self.bias[o] = torch.uniform(-s, s)
  end
  return self
end

local Map = torch.class("nn.SpatialConvolutionMap", "nn.Module", nn)

--- nn.SpatialConvolutionMap(connTable, kW, kH [, dW, dH]) -- a convolution
-- where output plane o sums the valid cross-correlations of the input
-- planes connected to it (rows {in, out} of connTable, see nn.tables);
-- weight (nConnections, kH, kW), bias (nOutputPlane).
function Map:__init(conMatrix, kW, kH, dW, dH)
  map_init(self, "nn.SpatialConvolutionMap", conMatrix, kW, kH, dW, dH)
end

Map.reset = map_reset

local function map_cols(self, who, x)
  local cols = buf(self, "finput", x)
  K.im2col(cols, x, self.kW, self.kH, self.dW, self.dH, 0, 0)
  local inIdx = conn_index(self)
  return cols:view(x:size(2), self.kH * self.kW, -1):index(1, inIdx) -- (K, kk, N*L)
end

-- the input as a batch; as in Torch7, planes beyond the connection table's
-- largest input plane are allowed (and unused)
local function map_batch(self, who, input)
  local x, batch = as_batch(who, input)
  if x:size(2) < self.nInputPlane then
    fail(who, "expected at least %d input planes, got input %s", self.nInputPlane, util.shape(input))
  end
  return x, batch
end

local function map_out(self, who, x)
  local oh = math.floor((x:size(3) - self.kH) / self.dH) + 1
  local ow = math.floor((x:size(4) - self.kW) / self.dW) + 1
  if oh < 1 or ow < 1 then
    fail(who, "input %s is smaller than the kernel %dx%d", util.shape(x), self.kH, self.kW)
  end
  return oh, ow
end

function Map:updateOutput(input)
  local who = "nn.SpatialConvolutionMap.updateOutput"
  local x, batch = map_batch(self, who, input)
  local N = x:size(1)
  local oh, ow = map_out(self, who, x)
  local L = oh * ow
  if N == 0 then return unbatch(self.output:resize(0, self.nOutputPlane, oh, ow), batch) end
  local _, outIdx = conn_index(self)
  local cK = map_cols(self, who, x)
  local KK = cK:size(1)
  local r = torch.bmm(self.weight:contiguous():view(KK, 1, -1), cK):view(KK, N * L)
  local o = util.new(x):resize(self.nOutputPlane, N * L):zero():indexAdd(1, outIdx, r)
  o:add(self.bias:view(-1, 1):expandAs(o))
  self.output:resize(N, self.nOutputPlane, oh, ow)
  self.output:view(N, self.nOutputPlane, L):copy(o:view(self.nOutputPlane, N, L):transpose(1, 2))
  self.output = unbatch(self.output, batch)
  return self.output
end

-- gradOutput (N, O, L) as the per-connection (K, N*L)
local function map_grad(self, gradOutput, N)
  local _, outIdx = conn_index(self)
  local O = self.nOutputPlane
  local g = gradOutput:contiguous():view(N, O, -1):transpose(1, 2):contiguous():view(O, -1)
  return g:index(1, outIdx), g
end

function Map:updateGradInput(input, gradOutput)
  local who = "nn.SpatialConvolutionMap.updateGradInput"
  local x = map_batch(self, who, input)
  local N, C = x:size(1), x:size(2)
  if N == 0 then return self.gradInput:resize(x:size()):viewAs(input) end
  local inIdx = conn_index(self)
  local gK = map_grad(self, gradOutput, N) -- (K, N*L)
  local KK = gK:size(1)
  local gc = torch.bmm(self.weight:contiguous():view(KK, -1, 1), gK:view(KK, 1, -1)) -- (K, kk, N*L)
  local gcols = util.new(x):resize(C, self.kH * self.kW, gK:size(2)):zero():indexAdd(1, inIdx, gc)
  self.gradInput:resize(x:size())
  K.col2im(self.gradInput, gcols:view(C * self.kH * self.kW, -1), self.kW, self.kH, self.dW, self.dH, 0, 0)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Map:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local who = "nn.SpatialConvolutionMap.accGradParameters"
  local x = map_batch(self, who, input)
  if x:size(1) == 0 then return end
  local gK, g = map_grad(self, gradOutput, x:size(1))
  local KK = gK:size(1)
  local cK = map_cols(self, who, x)
  self.gradWeight:view(KK, 1, -1):add(scale, torch.bmm(gK:view(KK, 1, -1), cK:transpose(2, 3)))
  self.gradBias:add(scale, g:sum(2):view(-1))
end

function Map:clearState()
  self.finput, self._inIdx, self._outIdx = nil, nil, nil
  return Module.clearState(self)
end

local FMap = torch.class("nn.SpatialFullConvolutionMap", "nn.Module", nn)

--- nn.SpatialFullConvolutionMap(connTable, kW, kH [, dW, dH]) -- the
-- transposed (full) convolution with a connection table: output
-- (H - 1) dH + kH by (W - 1) dW + kW; weight (nConnections, kH, kW), bias
-- (nOutputPlane).  With nn.tables.full it equals nn.SpatialFullConvolution.
function FMap:__init(conMatrix, kW, kH, dW, dH)
  map_init(self, "nn.SpatialFullConvolutionMap", conMatrix, kW, kH, dW, dH)
end

FMap.reset = map_reset

-- the connected input planes as (K, 1, N*H*W)
local function fmap_x(self, x)
  local inIdx = conn_index(self)
  local C = x:size(2)
  local xc = x:view(x:size(1), C, -1):transpose(1, 2):contiguous():view(C, -1)
  return xc:index(1, inIdx):view(inIdx:size(1), 1, -1), xc
end

function FMap:updateOutput(input)
  local who = "nn.SpatialFullConvolutionMap.updateOutput"
  local x, batch = as_batch(who, input, self.nInputPlane)
  local N, H, W = x:size(1), x:size(3), x:size(4)
  local oh, ow = (H - 1) * self.dH + self.kH, (W - 1) * self.dW + self.kW
  if N == 0 then return unbatch(self.output:resize(0, self.nOutputPlane, oh, ow), batch) end
  local _, outIdx = conn_index(self)
  local xK = fmap_x(self, x)
  local KK, kk = xK:size(1), self.kH * self.kW
  local cK = torch.bmm(self.weight:contiguous():view(KK, kk, 1), xK) -- (K, kk, N*H*W)
  local cols = util.new(x):resize(self.nOutputPlane, kk, N * H * W):zero():indexAdd(1, outIdx, cK)
  self.output:resize(N, self.nOutputPlane, oh, ow)
  K.col2im(self.output, cols:view(self.nOutputPlane * kk, -1), self.kW, self.kH, self.dW, self.dH, 0, 0)
  self.output:add(self.bias:view(1, -1, 1, 1):expandAs(self.output))
  self.output = unbatch(self.output, batch)
  return self.output
end

-- im2col of gradOutput gathered per connection: (K, kk, N*H*W)
local function fmap_gcols(self, who, x, gradOutput)
  local N, H, W = x:size(1), x:size(3), x:size(4)
  local oh, ow = (H - 1) * self.dH + self.kH, (W - 1) * self.dW + self.kW
  if gradOutput:nElement() ~= N * self.nOutputPlane * oh * ow then
    fail(who, "gradOutput %s does not match the output %dx%dx%d", util.shape(gradOutput), self.nOutputPlane, oh, ow)
  end
  local g = gradOutput:contiguous():view(N, self.nOutputPlane, oh, ow)
  local gcols = buf(self, "_gcols", x)
  K.im2col(gcols, g, self.kW, self.kH, self.dW, self.dH, 0, 0)
  local _, outIdx = conn_index(self)
  return gcols:view(self.nOutputPlane, self.kH * self.kW, -1):index(1, outIdx), g
end

function FMap:updateGradInput(input, gradOutput)
  local who = "nn.SpatialFullConvolutionMap.updateGradInput"
  local x = as_batch(who, input, self.nInputPlane)
  local N, C, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  if N == 0 then return self.gradInput:resize(x:size()):viewAs(input) end
  local inIdx = conn_index(self)
  local gK = fmap_gcols(self, who, x, gradOutput)
  local KK = gK:size(1)
  local r = torch.bmm(self.weight:contiguous():view(KK, 1, -1), gK):view(KK, -1) -- (K, N*H*W)
  local gc = util.new(x):resize(C, N * H * W):zero():indexAdd(1, inIdx, r)
  self.gradInput:resize(x:size())
  self.gradInput:view(N, C, H * W):copy(gc:view(C, N, H * W):transpose(1, 2))
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function FMap:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local who = "nn.SpatialFullConvolutionMap.accGradParameters"
  local x = as_batch(who, input, self.nInputPlane)
  if x:size(1) == 0 then return end
  local gK, g = fmap_gcols(self, who, x, gradOutput)
  local KK = gK:size(1)
  local xK = fmap_x(self, x)
  self.gradWeight:view(KK, -1, 1):add(scale, torch.bmm(gK, xK:transpose(2, 3)))
  self.gradBias:add(scale, g:transpose(1, 2):contiguous():view(self.nOutputPlane, -1):sum(2):view(-1))
end

FMap.clearState = function(self)
  self._gcols, self._inIdx, self._outIdx = nil, nil, nil
  return Module.clearState(self)
end

-- ---------------------------------------------------------------- temporal

local KMax = torch.class("nn.TemporalDynamicKMaxPooling", "nn.Module", nn)

--- nn.TemporalDynamicKMaxPooling(minK [, factor = 0]) -- keeps the k largest
-- values of each feature over time, in their original order:
-- (T, F) or (N, T, F) -> (k, F), k = max(minK, ceil(factor * T)).
function KMax:__init(minK, factor)
  Module.__init(self)
  if type(minK) ~= "number" or minK < 1 then
    error("nn.TemporalDynamicKMaxPooling: minK must be a positive integer", 2)
  end
  self.minK = minK
  self.factor = factor or 0
end

function KMax:updateOutput(input)
  local who = "nn.TemporalDynamicKMaxPooling.updateOutput"
  local d = input:dim()
  if d ~= 2 and d ~= 3 then fail(who, "expected (T, F) or (N, T, F) input, got %s", util.shape(input)) end
  local td = d - 1
  local T = input:size(td)
  local k = math.max(self.minK, math.ceil(self.factor * T))
  if T < k then fail(who, "input %s has fewer than k = %d time steps", util.shape(input), k) end
  local _, order = input:sort(td, true)
  self.indices = order:narrow(td, 1, k):sort(td)
  self.output = input:gather(td, self.indices)
  return self.output
end

function KMax:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local td = input:dim() - 1
  self.gradInput:resizeAs(input):zero()
  self.gradInput:scatter(td, self.indices, gradOutput:contiguous())
  return self.gradInput
end

function KMax:clearState()
  self.indices = nil
  return Module.clearState(self)
end

local TSub = torch.class("nn.TemporalSubSampling", "nn.Module", nn)

--- nn.TemporalSubSampling(inputFrameSize, kW [, dW = 1]) -- per feature f,
-- weight[f] times the sum of each window of kW frames plus bias[f]:
-- (T, F) or (N, T, F) -> (oT, F), oT = (T - kW) / dW + 1.
function TSub:__init(inputFrameSize, kW, dW)
  Module.__init(self)
  if not (inputFrameSize and kW) then error("nn.TemporalSubSampling: expected (inputFrameSize, kW [, dW])", 2) end
  self.inputFrameSize, self.kW, self.dW = inputFrameSize, kW, dW or 1
  self.weight = torch.Tensor(inputFrameSize)
  self.bias = torch.Tensor(inputFrameSize)
  self.gradWeight = torch.Tensor(inputFrameSize)
  self.gradBias = torch.Tensor(inputFrameSize)
  self:reset()
end

function TSub:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW)
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

-- (N, T, F) view of the input and the window sums (N, oT, F)
function TSub:_sums(who, input)
  local x = input:dim() == 2 and input:view(1, input:size(1), input:size(2)) or input
  if x:dim() ~= 3 or x:size(3) ~= self.inputFrameSize or x:size(2) < self.kW then
    fail(who, "expected (T, %d) or (N, T, %d) input with T >= %d, got %s", self.inputFrameSize,
      self.inputFrameSize, self.kW, util.shape(input))
  end
  local s = x:unfold(2, self.kW, self.dW):sum(4) -- (N, oT, F, 1)
  return x, s:select(4, 1)
end

function TSub:updateOutput(input)
  local x, s = self:_sums("nn.TemporalSubSampling.updateOutput", input)
  local F = self.inputFrameSize
  local o = torch.cmul(s, self.weight:view(1, 1, F):expandAs(s)):add(self.bias:view(1, 1, F):expandAs(s))
  if input:dim() == 2 then o = o:select(1, 1) end
  self.output:resize(o:size()):copy(o)
  return self.output
end

function TSub:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local x, s = self:_sums("nn.TemporalSubSampling.updateGradInput", input)
  local F = self.inputFrameSize
  local g = gradOutput:contiguous():view(s:size())
  local gw = torch.cmul(g, self.weight:view(1, 1, F):expandAs(g))
  local gi = util.new(x):resize(x:size()):zero()
  local gu = gi:unfold(2, self.kW, self.dW) -- (N, oT, F, kW), overlapping windows added one tap at a time
  for k = 1, self.kW do gu:select(4, k):add(gw) end
  self.gradInput:resizeAs(input):copy(gi:viewAs(input))
  return self.gradInput
end

function TSub:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local _, s = self:_sums("nn.TemporalSubSampling.accGradParameters", input)
  local F = self.inputFrameSize
  local g = gradOutput:contiguous():view(s:size())
  self.gradWeight:add(scale, torch.cmul(g, s):view(-1, F):sum(1):view(F))
  self.gradBias:add(scale, g:view(-1, F):sum(1):view(F))
end

return S
