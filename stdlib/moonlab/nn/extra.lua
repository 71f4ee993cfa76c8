-- More of Torch7's small modules: nn.HardShrink, SoftShrink, CMaxTable,
-- CMinTable, CAdd, MM, MV, DotProduct, PairwiseDistance, CosineDistance,
-- GradientReversal, ZeroGrad, Constant, L1Penalty, Index, MaskedSelect,
-- NarrowTable, SpatialSoftMax, SpatialLogSoftMax, and the criteria
-- MarginRankingCriterion and WeightedMSECriterion.  Semantics are Torch7's.
-- The spatial normalisations are in spatial2.lua, sparse layers in sparse.lua.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local Module = nn.Module

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

local function new(t) return util.new(t) end

-- ---------------------------------------------------------------- shrinkage

local HardShrink = torch.class("nn.HardShrink", "nn.Module", nn)
--- nn.HardShrink([lambda]) -- x where |x| > lambda (0.5), else 0.
function HardShrink:__init(lam) Module.__init(self); self.lambda = lam or 0.5 end
function HardShrink:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  self.output:maskedFill(torch.abs(input):le(self.lambda), 0)
  return self.output
end
function HardShrink:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  self.gradInput:maskedFill(torch.abs(input):le(self.lambda), 0)
  return self.gradInput
end

local SoftShrink = torch.class("nn.SoftShrink", "nn.Module", nn)
--- nn.SoftShrink([lambda]) -- x - lambda where x > lambda, x + lambda where x < -lambda, else 0.
function SoftShrink:__init(lam) Module.__init(self); self.lambda = lam or 0.5 end
function SoftShrink:updateOutput(input)
  local l = self.lambda
  self.output:resizeAs(input):copy(input):add(-l)
  self.output:maskedFill(input:le(l), 0)
  local neg = input:lt(-l)
  self.output:maskedCopy(neg, input:maskedSelect(neg):add(l))
  return self.output
end
function SoftShrink:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  self.gradInput:maskedFill(torch.abs(input):le(self.lambda), 0)
  return self.gradInput
end

-- ---------------------------------------------------------------- table max/min

local function table_extreme(name, better)
  local C = torch.class("nn." .. name, "nn.Module", nn)
  function C:__init()
    Module.__init(self)
    self.gradInput = {}
  end
  function C:updateOutput(input)
    self.output:resizeAs(input[1]):copy(input[1])
    self._which = torch.LongTensor():resize(input[1]:size()):fill(1)
    for i = 2, #input do
      local mask = better(input[i], self.output)
      self.output:maskedCopy(mask, input[i]:maskedSelect(mask))
      self._which:maskedFill(mask, i)
    end
    return self.output
  end
  function C:updateGradInput(input, gradOutput)
    for i = 1, #input do
      self.gradInput[i] = self.gradInput[i] or new(input[i])
      self.gradInput[i]:resizeAs(input[i]):copy(gradOutput)
      self.gradInput[i]:maskedFill(self._which:ne(i), 0)
    end
    for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
    return self.gradInput
  end
  return C
end
--- nn.CMaxTable() -- element-wise maximum of a table of tensors.
table_extreme("CMaxTable", function(a, b) return a:gt(b) end)
--- nn.CMinTable() -- element-wise minimum of a table of tensors.
table_extreme("CMinTable", function(a, b) return a:lt(b) end)

-- ---------------------------------------------------------------- CAdd

local CAdd = torch.class("nn.CAdd", "nn.Module", nn)
--- nn.CAdd(size...) -- adds a learnt tensor (broadcast over a batch).
function CAdd:__init(...)
  Module.__init(self)
  local arg = { ... }
  local size = (#arg == 1 and torch.typename(arg[1]) == "torch.LongStorage") and arg[1] or torch.LongStorage(arg)
  self.size = size
  self.bias = torch.Tensor(size)
  self.gradBias = torch.Tensor(size):zero()
  self:reset()
end
function CAdd:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.bias:nElement())
  self.bias:uniform(-stdv, stdv)
  return self
end
-- the bias broadcast to input's shape: same rank (size-1 dims broadcast),
-- or one rank less (a leading batch dimension)
local function bias_view(self, input)
  if self.bias:nElement() == input:nElement() then return self.bias:view(input:size()) end
  if self.bias:dim() == input:dim() then return self.bias:expandAs(input) end
  return self.bias:view(1, table.unpack(self.bias:size():totable())):expandAs(input)
end
function CAdd:updateOutput(input)
  self.output:resizeAs(input):copy(input):add(bias_view(self, input))
  return self.output
end
function CAdd:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end
function CAdd:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if self.bias:nElement() == input:nElement() then
    self.gradBias:add(scale, gradOutput:contiguous():view(self.bias:size()))
    return
  end
  -- sum over every dimension along which the bias is broadcast
  local b = bias_view(self, input)
  local s = gradOutput
  for d = 1, input:dim() do
    if b:stride(d) == 0 and input:size(d) > 1 then s = s:sum(d) end
  end
  self.gradBias:add(scale, s:contiguous():view(self.bias:size()))
end

-- ---------------------------------------------------------------- products

local MM = torch.class("nn.MM", "nn.Module", nn)
--- nn.MM([transA, transB]) -- the matrix product of a table {A, B} (batched when 3-D).
function MM:__init(transA, transB)
  Module.__init(self)
  self.transA, self.transB = transA or false, transB or false
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end
local function tr(x, flag) if not flag then return x end return x:transpose(x:dim() - 1, x:dim()) end
function MM:updateOutput(input)
  local a, b = tr(input[1], self.transA), tr(input[2], self.transB)
  if a:dim() == 2 then self.output:resize(a:size(1), b:size(2)):mm(a, b)
  elseif a:dim() == 3 then self.output:resize(a:size(1), a:size(2), b:size(3)):bmm(a, b)
  else fail("nn.MM.updateOutput", "expected 2-D or 3-D matrices, got %s", util.shape(input)) end
  return self.output
end
function MM:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local ga, gb = self.gradInput[1], self.gradInput[2]
  ga:resizeAs(a); gb:resizeAs(b)
  local mul = a:dim() == 2 and "mm" or "bmm"
  -- C = A'B' with A' = op(A), B' = op(B): dA' = G B'^T, dB' = A'^T G, and a
  -- transposed operand takes the transpose of its gradient
  local g = gradOutput
  if self.transA then ga[mul](ga, tr(b, self.transB), tr(g, true))
  else ga[mul](ga, g, tr(b, not self.transB)) end
  if self.transB then gb[mul](gb, tr(g, true), tr(a, self.transA))
  else gb[mul](gb, tr(a, not self.transA), g) end
  return self.gradInput
end

local MV = torch.class("nn.MV", "nn.Module", nn)
--- nn.MV([trans]) -- matrix-vector product of {M, v} (batched when 3-D/2-D).
function MV:__init(trans)
  Module.__init(self)
  self.trans = trans or false
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end
function MV:updateOutput(input)
  local m, v = tr(input[1], self.trans), input[2]
  if m:dim() == 2 then self.output:resize(m:size(1)):mv(m, v)
  else
    self.output:resize(m:size(1), m:size(2), 1):bmm(m, v:contiguous():view(v:size(1), v:size(2), 1))
    self.output = self.output:view(m:size(1), m:size(2))
  end
  return self.output
end
function MV:updateGradInput(input, gradOutput)
  local m, v = input[1], input[2]
  local gm, gv = self.gradInput[1], self.gradInput[2]
  gm:resizeAs(m); gv:resizeAs(v)
  if m:dim() == 2 then
    if self.trans then gm:ger(v, gradOutput) else gm:ger(gradOutput, v) end
    gv:mv(tr(m, not self.trans), gradOutput)
  else
    local B = m:size(1)
    local g3 = gradOutput:contiguous():view(B, -1, 1)
    local v3 = v:contiguous():view(B, 1, -1)
    if self.trans then gm:bmm(v:contiguous():view(B, -1, 1), gradOutput:contiguous():view(B, 1, -1))
    else gm:bmm(g3, v3) end
    gv:view(B, -1, 1):bmm(tr(m, not self.trans), g3)
  end
  return self.gradInput
end

local Dot = torch.class("nn.DotProduct", "nn.Module", nn)
--- nn.DotProduct() -- row-wise dot products of a table {A (N, d), B (N, d)} (or two vectors).
function Dot:__init()
  Module.__init(self)
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end
function Dot:updateOutput(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a, b = a:view(1, -1), b:view(1, -1) end
  self.output:resize(a:size(1)):copy(torch.cmul(a, b):sum(2):view(-1))
  return self.output
end
function Dot:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local g = a:dim() == 1 and gradOutput:view(1, 1) or gradOutput:contiguous():view(-1, 1)
  local av = a:dim() == 1 and a:view(1, -1) or a
  local bv = b:dim() == 1 and b:view(1, -1) or b
  self.gradInput[1]:resizeAs(av):copy(bv):cmul(g:expandAs(bv))
  self.gradInput[2]:resizeAs(bv):copy(av):cmul(g:expandAs(av))
  self.gradInput[1] = self.gradInput[1]:viewAs(a)
  self.gradInput[2] = self.gradInput[2]:viewAs(b)
  return self.gradInput
end

local PD = torch.class("nn.PairwiseDistance", "nn.Module", nn)
--- nn.PairwiseDistance(p) -- the p-norm distance between the rows of {A, B}.
function PD:__init(p)
  Module.__init(self)
  if not p then error("nn.PairwiseDistance: the norm p is required", 2) end
  self.norm = p
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end
function PD:updateOutput(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a, b = a:view(1, -1), b:view(1, -1) end
  self._diff = torch.add(a, -1, b)
  local p = self.norm
  self.output:resize(a:size(1))
  for i = 1, a:size(1) do self.output[i] = self._diff[i]:norm(p) end
  return self.output
end
function PD:updateGradInput(input, gradOutput)
  local a = input[1]
  local d = self._diff
  local p = self.norm
  local g = new(d):resizeAs(d):zero()
  for i = 1, d:size(1) do
    local n = self.output[i]
    if n > 0 then
      -- d|x|_p/dx = sign(x) |x|^(p-1) / |x|_p^(p-1)
      local row = torch.abs(d[i]):pow(p - 1):cmul(torch.sign(d[i])):div(n ^ (p - 1))
      g[i]:copy(row):mul(a:dim() == 1 and gradOutput[1] or gradOutput[i])
    end
  end
  self.gradInput[1] = g:viewAs(a):clone()
  self.gradInput[2] = g:viewAs(a):clone():mul(-1)
  return self.gradInput
end

local CD = torch.class("nn.CosineDistance", "nn.Module", nn)
--- nn.CosineDistance() -- the cosine similarity of the rows of {A, B}.
function CD:__init()
  Module.__init(self)
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end
function CD:updateOutput(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a, b = a:view(1, -1), b:view(1, -1) end
  local eps = 1e-12
  self._na = torch.cmul(a, a):sum(2):add(eps):sqrt()
  self._nb = torch.cmul(b, b):sum(2):add(eps):sqrt()
  local dot = torch.cmul(a, b):sum(2)
  self.output:resize(a:size(1)):copy(dot:cdiv(self._na):cdiv(self._nb):view(-1))
  return self.output
end
function CD:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local av = a:dim() == 1 and a:view(1, -1) or a
  local bv = b:dim() == 1 and b:view(1, -1) or b
  local g = gradOutput:contiguous():view(-1, 1)
  local cosv = self.output:view(-1, 1)
  -- d cos / d a = b / (|a||b|) - cos a / |a|^2
  local nab = torch.cmul(self._na, self._nb)
  local ga = torch.cdiv(bv, nab:expandAs(bv)):add(-1, torch.cmul(av, torch.cdiv(cosv, torch.cmul(self._na, self._na)):expandAs(av)))
  local gb = torch.cdiv(av, nab:expandAs(av)):add(-1, torch.cmul(bv, torch.cdiv(cosv, torch.cmul(self._nb, self._nb)):expandAs(bv)))
  self.gradInput[1] = ga:cmul(g:expandAs(ga)):viewAs(a)
  self.gradInput[2] = gb:cmul(g:expandAs(gb)):viewAs(b)
  return self.gradInput
end

-- ---------------------------------------------------------------- gradient tricks and constants

local GR = torch.class("nn.GradientReversal", "nn.Module", nn)
--- nn.GradientReversal([lambda]) -- identity forward; gradient multiplied by -lambda (1).
function GR:__init(lambda) Module.__init(self); self.lambda = lambda or 1 end
function GR:setLambda(lambda) self.lambda = lambda end
function GR:updateOutput(input) self.output:set(input); return self.output end
function GR:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(-self.lambda)
  return self.gradInput
end

local ZG = torch.class("nn.ZeroGrad", "nn.Module", nn)
--- nn.ZeroGrad() -- identity forward; zero gradient.
function ZG:updateOutput(input) self.output:set(input); return self.output end
function ZG:updateGradInput(input) self.gradInput:resizeAs(input):zero(); return self.gradInput end

local Constant = torch.class("nn.Constant", "nn.Module", nn)
--- nn.Constant(value [, nInputDim]) -- outputs a constant tensor (repeated over a batch).
function Constant:__init(value, nInputDim)
  Module.__init(self)
  self.value = torch.isTensor(value) and value or torch.Tensor{ value }
  self.nInputDim = nInputDim
end
function Constant:updateOutput(input)
  if self.nInputDim and input:dim() > self.nInputDim then
    local sz = self.value:size():totable()
    table.insert(sz, 1, input:size(1))
    self.output:resize(table.unpack(sz)):copy(self.value:view(1, table.unpack(self.value:size():totable())):expand(table.unpack(sz)))
  else
    self.output:resizeAs(self.value):copy(self.value)
  end
  return self.output
end
function Constant:updateGradInput(input) self.gradInput:resizeAs(input):zero(); return self.gradInput end

local L1P = torch.class("nn.L1Penalty", "nn.Module", nn)
--- nn.L1Penalty(weight [, sizeAverage, provideOutput]) -- identity that adds weight * sign(x) to the gradient (an L1 penalty).
function L1P:__init(weight, sizeAverage, provideOutput)
  Module.__init(self)
  self.l1weight = weight
  self.sizeAverage = sizeAverage or false
  if provideOutput == nil then self.provideOutput = true else self.provideOutput = provideOutput end
end
function L1P:updateOutput(input)
  local m = self.l1weight
  if self.sizeAverage then m = m / input:nElement() end
  self.loss = m * torch.abs(input):sum()
  self.output = input
  return self.output
end
function L1P:updateGradInput(input, gradOutput)
  local m = self.l1weight
  if self.sizeAverage then m = m / input:nElement() end
  self.gradInput:resizeAs(input):copy(input):sign():mul(m)
  if self.provideOutput then self.gradInput:add(gradOutput) end
  return self.gradInput
end

-- ---------------------------------------------------------------- selection

local Index = torch.class("nn.Index", "nn.Module", nn)
--- nn.Index(dim) -- input[1]:index(dim, input[2]) for a table {tensor, LongTensor}.
function Index:__init(dim)
  Module.__init(self)
  self.dimension = dim
  self.gradInput = { torch.Tensor(), torch.LongTensor() }
end
function Index:updateOutput(input)
  self.output:index(input[1], self.dimension, input[2])
  return self.output
end
function Index:updateGradInput(input, gradOutput)
  self.gradInput = { self.gradInput[1] or new(input[1]), self.gradInput[2] }
  self.gradInput[1]:resizeAs(input[1]):zero():indexAdd(self.dimension, input[2], gradOutput)
  self.gradInput[2] = torch.LongTensor():resizeAs(input[2]):zero()
  return self.gradInput
end

local MS = torch.class("nn.MaskedSelect", "nn.Module", nn)
--- nn.MaskedSelect() -- input[1]:maskedSelect(input[2]) for a table {tensor, ByteTensor mask}.
function MS:__init()
  Module.__init(self)
  self.gradInput = { torch.Tensor(), torch.ByteTensor() }
end
function MS:updateOutput(input)
  self.output = input[1]:maskedSelect(input[2])
  return self.output
end
function MS:updateGradInput(input, gradOutput)
  self.gradInput = { self.gradInput[1] or new(input[1]), self.gradInput[2] }
  self.gradInput[1]:resizeAs(input[1]):zero():maskedCopy(input[2], gradOutput)
  self.gradInput[2] = torch.ByteTensor():resizeAs(input[2]):zero()
  return self.gradInput
end

local NT = torch.class("nn.NarrowTable", "nn.Module", nn)
--- nn.NarrowTable(offset [, length]) -- the sub-table input[offset .. offset + length - 1] (length 1).
function NT:__init(offset, length)
  Module.__init(self)
  self.offset, self.length = offset, length or 1
  self.output, self.gradInput = {}, {}
end
function NT:updateOutput(input)
  local len = self.length < 0 and #input - self.offset + self.length + 2 or self.length
  self.output = {}
  for i = 1, len do self.output[i] = input[self.offset + i - 1] end
  return self.output
end
function NT:updateGradInput(input, gradOutput)
  local len = #self.output
  for i = 1, #input do
    if i >= self.offset and i < self.offset + len then
      self.gradInput[i] = util.recursiveCopy(self.gradInput[i], gradOutput[i - self.offset + 1])
    else
      self.gradInput[i] = util.recursiveFill(util.recursiveResizeAs(self.gradInput[i], input[i]), 0)
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

-- ---------------------------------------------------------------- spatial softmax

local function spatial(name, base)
  local C = torch.class("nn." .. name, "nn.Module", nn)
  function C:__init() Module.__init(self); self._m = nn[base]() end
  -- (C, H, W) / (N, C, H, W): softmax over C at each position
  function C:updateOutput(input)
    self.output = self._m:updateOutput(input)
    return self.output
  end
  function C:updateGradInput(input, gradOutput)
    self.gradInput = self._m:updateGradInput(input, gradOutput)
    return self.gradInput
  end
  return C
end
--- nn.SpatialSoftMax() -- softmax over the planes at each pixel of (C, H, W) or (N, C, H, W).
spatial("SpatialSoftMax", "SoftMax")
--- nn.SpatialLogSoftMax() -- log-softmax over the planes at each pixel.
spatial("SpatialLogSoftMax", "LogSoftMax")

-- ---------------------------------------------------------------- criteria

local MRC = torch.class("nn.MarginRankingCriterion", "nn.Criterion", nn)
--- nn.MarginRankingCriterion([margin]) -- max(0, -y (x1 - x2) + margin) on {x1, x2} with y in {-1, 1}.
function MRC:__init(margin)
  nn.Criterion.__init(self)
  self.margin = margin or 1
  self.sizeAverage = true
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end
function MRC:updateOutput(input, y)
  local a, b = input[1], input[2]
  if type(y) == "number" then y = torch.Tensor{ y } end
  local yt = y:typeAs(a):viewAs(a)
  local z = torch.add(a, -1, b):cmul(yt):mul(-1):add(self.margin):clamp(0, math.huge)
  local s = z:sum()
  if self.sizeAverage then s = s / a:nElement() end
  self.output = s
  return s
end
function MRC:updateGradInput(input, y)
  local a, b = input[1], input[2]
  if type(y) == "number" then y = torch.Tensor{ y } end
  local yt = y:typeAs(a):viewAs(a)
  local active = torch.add(a, -1, b):cmul(yt):mul(-1):add(self.margin):gt(0)
  local g = yt:clone():mul(-1)
  g:maskedFill(active:eq(0), 0)
  if self.sizeAverage then g:div(a:nElement()) end
  self.gradInput[1] = g
  self.gradInput[2] = g:clone():mul(-1)
  return self.gradInput
end

local WMSE = torch.class("nn.WeightedMSECriterion", "nn.Criterion", nn)
--- nn.WeightedMSECriterion(w) -- MSE of input against target .* w.
function WMSE:__init(w)
  nn.Criterion.__init(self)
  self.weight = w:clone()
  self.sizeAverage = true
end
function WMSE:updateOutput(input, target)
  local t = torch.cmul(target, self.weight:viewAs(target))
  local d = torch.add(input, -1, t)
  local s = d:dot(d)
  if self.sizeAverage then s = s / input:nElement() end
  self.output = s
  return s
end
function WMSE:updateGradInput(input, target)
  local t = torch.cmul(target, self.weight:viewAs(target))
  self.gradInput:resizeAs(input):copy(input):add(-1, t):mul(2)
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

return HardShrink
