-- Criteria (losses): nn.MSECriterion, AbsCriterion, SmoothL1Criterion,
-- ClassNLLCriterion (class weights, ignoreIndex), CrossEntropyCriterion,
-- BCECriterion, MarginCriterion, SoftMarginCriterion, MultiMarginCriterion,
-- KLDivCriterion, DistKLDivCriterion, HingeEmbeddingCriterion,
-- CosineEmbeddingCriterion, MultiLabelSoftMarginCriterion,
-- ParallelCriterion, MultiCriterion.  Formulas, defaults and averaging
-- (sizeAverage = true) are Torch7's.
-- SpatialClassNLL, ClassSimplex and others are in criteria_extra.lua.
-- Not here: the ranking criteria (MarginRanking, MultiLabelMargin).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local Criterion = nn.Criterion

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

local function same_size(who, input, target)
  if not torch.isTensor(target) or input:nElement() ~= target:nElement() then
    fail(who, "input and target must have the same number of elements (input %s, target %s)",
      util.shape(input), util.shape(target))
  end
end

-- A criterion whose loss is sum(f(d)) (d = input - target) averaged by sizeAverage.
local function pointwise(name, loss_fn, grad_fn)
  local C = torch.class("nn." .. name, "nn.Criterion", nn)
  function C:__init(sizeAverage)
    Criterion.__init(self)
    if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  end
  function C:updateOutput(input, target)
    same_size("nn." .. name .. ".updateOutput", input, target)
    local d = util.new(input):resizeAs(input):copy(input):add(-1, target:viewAs(input))
    local s = loss_fn(d)
    if self.sizeAverage then s = s / input:nElement() end
    self.output = s
    return s
  end
  function C:updateGradInput(input, target)
    same_size("nn." .. name .. ".updateGradInput", input, target)
    self.gradInput:resizeAs(input):copy(input):add(-1, target:viewAs(input))
    grad_fn(self.gradInput)
    if self.sizeAverage then self.gradInput:div(input:nElement()) end
    return self.gradInput
  end
  return C
end

--- nn.MSECriterion([sizeAverage]) -- sum (x - t)^2, divided by n when sizeAverage (default).
pointwise("MSECriterion", function(d) return d:dot(d) end, function(g) g:mul(2) end)
--- nn.AbsCriterion([sizeAverage]) -- sum |x - t| (/ n).
pointwise("AbsCriterion", function(d) return d:abs():sum() end, function(g) g:sign() end)
--- nn.SmoothL1Criterion([sizeAverage]) -- sum of 0.5 d^2 where |d| < 1, |d| - 0.5 elsewhere (/ n).
pointwise("SmoothL1Criterion", function(d)
  local a = util.new(d):resizeAs(d):copy(d):abs()
  local small = a:lt(1)
  local sq = d:maskedSelect(small)
  local big = a:maskedSelect(a:ge(1))
  return 0.5 * sq:dot(sq) + big:sum() - 0.5 * big:nElement()
end, function(g) g:clamp(-1, 1) end)

-- ---------------------------------------------------------------- ClassNLL

local ClassNLL = torch.class("nn.ClassNLLCriterion", "nn.Criterion", nn)

--- nn.ClassNLLCriterion([weights [, sizeAverage [, ignoreIndex]]]) -- -x[t]
-- for log-probabilities x (C) or (N, C) and class indices t (1-based),
-- weighted by weights[t]; the mean over the total weight when sizeAverage.
function ClassNLL:__init(weights, sizeAverage, ignoreIndex)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  if weights then
    if weights:dim() ~= 1 then error("nn.ClassNLLCriterion: weights must be a 1D tensor", 2) end
    self.weights = weights
  end
  self.ignoreIndex = ignoreIndex or -100
  self.output_tensor = torch.zeros(1)
  self.total_weight_tensor = torch.ones(1)
end

-- targets as a Lua array of integers, with the batch layout of input
local function targets(who, input, target)
  local n = input:dim() == 1 and 1 or input:size(1)
  local t = {}
  if type(target) == "number" then
    t[1] = target
  elseif torch.isTensor(target) then
    if target:nElement() ~= n then
      fail(who, "expected %d targets for input %s, got %s", n, util.shape(input), util.shape(target))
    end
    local flat = target:contiguous():view(-1)
    for i = 1, n do t[i] = math.tointeger(flat[i]) or math.floor(flat[i]) end
  else
    fail(who, "target must be a number or a tensor of class indices, got %s", type(target))
  end
  if #t ~= n then fail(who, "expected %d targets for input %s", n, util.shape(input)) end
  return t, n
end

-- A LongTensor (n) of targets when the fast path applies (tensor targets,
-- none ignored, all in range), else nil.
local function fast_targets(self, x, target, n)
  if not torch.isTensor(target) or target:nElement() ~= n then return nil end
  local t = torch.typename(target) == "torch.LongTensor" and target:contiguous():view(n) or target:view(n):long()
  if n == 0 then return nil end
  local lo, hi = t:min(), t:max()
  if lo < 1 or hi > x:size(2) or (self.ignoreIndex >= lo and self.ignoreIndex <= hi) then return nil end
  return t
end

function ClassNLL:updateOutput(input, target)
  local who = "nn.ClassNLLCriterion.updateOutput"
  if input:dim() ~= 1 and input:dim() ~= 2 then
    fail(who, "expected input (C) or (N, C), got %s", util.shape(input))
  end
  local x = input:dim() == 1 and input:view(1, input:size(1)) or input
  local n = x:size(1)
  local ft = fast_targets(self, x, target, n)
  local total, wsum
  if ft then
    -- gather x[i][t_i] (and the weights) in C
    local picked = x:gather(2, ft:view(n, 1)):view(n)
    if self.weights then
      local w = self.weights:index(1, ft)
      wsum = w:sum()
      total = -picked:dot(w:typeAs(picked))
    else
      wsum = n
      total = -picked:sum()
    end
  else
    local t = targets(who, input, target)
    local C = x:size(2)
    total, wsum = 0, 0
    for i = 1, n do
      local c = t[i]
      if c ~= self.ignoreIndex then
        if c < 1 or c > C then fail(who, "target %d is out of range (1..%d)", c, C) end
        local w = self.weights and self.weights[c] or 1
        total = total - w * x[i][c]
        wsum = wsum + w
      end
    end
  end
  if self.sizeAverage and wsum > 0 then total = total / wsum end
  self.total_weight_tensor[1] = wsum
  self.output_tensor[1] = total
  self.output = total
  return total
end

function ClassNLL:updateGradInput(input, target)
  local who = "nn.ClassNLLCriterion.updateGradInput"
  self.gradInput:resizeAs(input):zero()
  local x = input:dim() == 1 and input:view(1, input:size(1)) or input
  local g = input:dim() == 1 and self.gradInput:view(1, input:size(1)) or self.gradInput
  local n = x:size(1)
  local ft = fast_targets(self, x, target, n)
  if ft then
    local vals
    if self.weights then
      vals = self.weights:index(1, ft):typeAs(g):mul(-1)
    else
      vals = util.new(g):resize(n):fill(-1)
    end
    local wsum = self.weights and -vals:sum() or n
    if self.sizeAverage and wsum ~= 0 then vals:div(wsum) end
    g:scatter(2, ft:view(n, 1), vals:view(n, 1))
    return self.gradInput
  end
  local t = targets(who, input, target)
  local wsum = 0
  for i = 1, n do
    if t[i] ~= self.ignoreIndex then wsum = wsum + (self.weights and self.weights[t[i]] or 1) end
  end
  if wsum == 0 then return self.gradInput end
  for i = 1, n do
    local c = t[i]
    if c ~= self.ignoreIndex then
      local w = self.weights and self.weights[c] or 1
      g[i][c] = self.sizeAverage and -w / wsum or -w
    end
  end
  return self.gradInput
end

-- ---------------------------------------------------------------- CrossEntropy

local CrossEntropy = torch.class("nn.CrossEntropyCriterion", "nn.Criterion", nn)

--- nn.CrossEntropyCriterion([weights [, sizeAverage]]) -- LogSoftMax followed by ClassNLLCriterion.
function CrossEntropy:__init(weights, sizeAverage)
  Criterion.__init(self)
  self.lsm = nn.LogSoftMax()
  self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
  self.sizeAverage = self.nll.sizeAverage
  self._lastSizeAverage = self.sizeAverage
end

-- a change of self.sizeAverage reaches nll; setting nll.sizeAverage directly also works
local function sync_average(self)
  if self.sizeAverage ~= self._lastSizeAverage then self.nll.sizeAverage = self.sizeAverage end
  self._lastSizeAverage = self.sizeAverage
end

function CrossEntropy:updateOutput(input, target)
  local x = input:dim() == 1 and input:view(1, input:size(1)) or input
  self.lsm:updateOutput(x)
  sync_average(self)
  self.output = self.nll:updateOutput(self.lsm.output, target)
  return self.output
end

function CrossEntropy:updateGradInput(input, target)
  local x = input:dim() == 1 and input:view(1, input:size(1)) or input
  sync_average(self)
  self.nll:updateGradInput(self.lsm.output, target)
  self.lsm:updateGradInput(x, self.nll.gradInput)
  self.gradInput:resizeAs(input):copy(self.lsm.gradInput:viewAs(input))
  return self.gradInput
end

-- ---------------------------------------------------------------- BCE

local BCE = torch.class("nn.BCECriterion", "nn.Criterion", nn)
local EPS = 1e-12

--- nn.BCECriterion([weights [, sizeAverage]]) -- -sum w (t log(x) + (1 - t)
-- log(1 - x)) for probabilities x (eps 1e-12 inside the logs), / n when sizeAverage.
function BCE:__init(weights, sizeAverage)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  self.weights = weights
end

local function bce_weights(self, input)
  if not self.weights then return nil end
  if self.weights:nElement() == input:nElement() then return self.weights:viewAs(input) end
  return self.weights:view(1, self.weights:nElement()):expandAs(input)
end

function BCE:updateOutput(input, target)
  same_size("nn.BCECriterion.updateOutput", input, target)
  local t = target:viewAs(input)
  local a = util.new(input):resizeAs(input):copy(input):add(EPS):log():cmul(t)
  local b = util.new(input):resizeAs(input):copy(input):mul(-1):add(1 + EPS):log()
  local omt = util.new(input):resizeAs(t):copy(t):mul(-1):add(1)
  a:add(b:cmul(omt))
  local w = bce_weights(self, input)
  if w then a:cmul(w) end
  local s = -a:sum()
  if self.sizeAverage then s = s / input:nElement() end
  self.output = s
  return s
end

function BCE:updateGradInput(input, target)
  same_size("nn.BCECriterion.updateGradInput", input, target)
  local t = target:viewAs(input)
  -- -(t - x) / ((1 - x + eps)(x + eps))
  local den = util.new(input):resizeAs(input):copy(input):mul(-1):add(1 + EPS)
  den:cmul(util.new(input):resizeAs(input):copy(input):add(EPS))
  self.gradInput:resizeAs(input):copy(input):add(-1, t):cdiv(den)
  local w = bce_weights(self, input)
  if w then self.gradInput:cmul(w) end
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

-- ---------------------------------------------------------------- Margin / SoftMargin

local Margin = torch.class("nn.MarginCriterion", "nn.Criterion", nn)

--- nn.MarginCriterion([margin]) -- sum max(0, margin - x y) (/ n) for labels y in {-1, 1} (margin 1).
function Margin:__init(margin)
  Criterion.__init(self)
  self.sizeAverage = true
  self.margin = margin or 1
end

function Margin:updateOutput(input, target)
  same_size("nn.MarginCriterion.updateOutput", input, target)
  local z = util.new(input):resizeAs(input):copy(input):cmul(target:viewAs(input)):mul(-1):add(self.margin)
  local s = z:clamp(0, math.huge):sum()
  if self.sizeAverage then s = s / input:nElement() end
  self.output = s
  return s
end

function Margin:updateGradInput(input, target)
  local t = target:viewAs(input)
  local z = util.new(input):resizeAs(input):copy(input):cmul(t):mul(-1):add(self.margin)
  self.gradInput:resizeAs(input):copy(t):mul(-1)
  self.gradInput:maskedFill(z:le(0), 0)
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

local SoftMargin = torch.class("nn.SoftMarginCriterion", "nn.Criterion", nn)

--- nn.SoftMarginCriterion() -- sum log(1 + exp(-x y)) / n.
function SoftMargin:__init()
  Criterion.__init(self)
  self.sizeAverage = true
end

function SoftMargin:updateOutput(input, target)
  same_size("nn.SoftMarginCriterion.updateOutput", input, target)
  local z = util.new(input):resizeAs(input):copy(input):cmul(target:viewAs(input)):mul(-1):exp():log1p()
  local s = z:sum()
  if self.sizeAverage then s = s / input:nElement() end
  self.output = s
  return s
end

function SoftMargin:updateGradInput(input, target)
  local t = target:viewAs(input)
  -- -y / (1 + exp(x y))
  local e = util.new(input):resizeAs(input):copy(input):cmul(t):exp():add(1)
  self.gradInput:resizeAs(input):copy(t):mul(-1):cdiv(e)
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

-- ---------------------------------------------------------------- MultiMargin

local MultiMargin = torch.class("nn.MultiMarginCriterion", "nn.Criterion", nn)

--- nn.MultiMarginCriterion([p [, weights [, margin]]]) -- per sample,
-- sum_{i ~= y} max(0, margin - x[y] + x[i])^p / C (weighted by weights[y]),
-- averaged over the batch (p 1 or 2, margin 1).
function MultiMargin:__init(p, weights, margin)
  Criterion.__init(self)
  self.p = p or 1
  if self.p ~= 1 and self.p ~= 2 then error("nn.MultiMarginCriterion: only p = 1 and p = 2 are supported", 2) end
  self.margin = margin or 1
  self.sizeAverage = true
  self.weights = weights
end

function MultiMargin:updateOutput(input, target)
  local who = "nn.MultiMarginCriterion.updateOutput"
  local t, n = targets(who, input, target)
  local x = input:dim() == 1 and input:view(1, input:size(1)) or input
  local C = x:size(2)
  local total = 0
  for i = 1, n do
    local y = t[i]
    if y < 1 or y > C then fail(who, "target %d is out of range (1..%d)", y, C) end
    local row = x[i]
    local xy = row[y]
    local w = self.weights and self.weights[y] or 1
    for j = 1, C do
      if j ~= y then
        local z = self.margin - xy + row[j]
        if z > 0 then total = total + w * (self.p == 1 and z or z * z) end
      end
    end
  end
  total = total / C
  if self.sizeAverage then total = total / n end
  self.output = total
  return total
end

function MultiMargin:updateGradInput(input, target)
  local t, n = targets("nn.MultiMarginCriterion.updateGradInput", input, target)
  local x = input:dim() == 1 and input:view(1, input:size(1)) or input
  local C = x:size(2)
  self.gradInput:resizeAs(input):zero()
  local g = input:dim() == 1 and self.gradInput:view(1, C) or self.gradInput
  local norm = 1 / C
  if self.sizeAverage then norm = norm / n end
  for i = 1, n do
    local y = t[i]
    local row, grow = x[i], g[i]
    local xy = row[y]
    local w = self.weights and self.weights[y] or 1
    local gy = 0
    for j = 1, C do
      if j ~= y then
        local z = self.margin - xy + row[j]
        if z > 0 then
          local h = (self.p == 1 and 1 or 2 * z) * norm * w
          grow[j] = h
          gy = gy - h
        end
      end
    end
    grow[y] = gy
  end
  return self.gradInput
end

-- ---------------------------------------------------------------- KLDiv

local KLDiv = torch.class("nn.DistKLDivCriterion", "nn.Criterion", nn)

--- nn.DistKLDivCriterion([sizeAverage]) -- sum t (log t - x) over t > 0, for
-- log-probabilities x (/ n when sizeAverage).
function KLDiv:__init(sizeAverage)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function KLDiv:updateOutput(input, target)
  same_size("nn.DistKLDivCriterion.updateOutput", input, target)
  local t = target:viewAs(input)
  local pos = t:gt(0)
  local tp = t:maskedSelect(pos)
  local s = util.new(input):resizeAs(tp):copy(tp):log():add(-1, input:maskedSelect(pos)):cmul(tp):sum()
  if self.sizeAverage then s = s / input:nElement() end
  self.output = s
  return s
end

function KLDiv:updateGradInput(input, target)
  local t = target:viewAs(input)
  self.gradInput:resizeAs(input):copy(t):mul(-1)
  self.gradInput:maskedFill(t:le(0), 0)
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

local KLDivC = torch.class("nn.KLDivCriterion", "nn.DistKLDivCriterion", nn)
--- nn.KLDivCriterion([sizeAverage]) -- the same loss as DistKLDivCriterion.
function KLDivC:__init(sizeAverage) KLDiv.__init(self, sizeAverage) end

-- ---------------------------------------------------------------- HingeEmbedding

local Hinge = torch.class("nn.HingeEmbeddingCriterion", "nn.Criterion", nn)

--- nn.HingeEmbeddingCriterion([margin]) -- x where y = 1, max(0, margin - x)
-- where y = -1; summed (/ n) (margin 1).
function Hinge:__init(margin)
  Criterion.__init(self)
  self.margin = margin or 1
  self.sizeAverage = true
end

function Hinge:updateOutput(input, y)
  if type(y) == "number" then y = torch.Tensor{ y } end
  same_size("nn.HingeEmbeddingCriterion.updateOutput", input, y)
  local t = y:viewAs(input)
  local pos = t:eq(1)
  local neg = t:eq(-1)
  local s = input:maskedSelect(pos):sum()
  local m = util.new(input):resizeAs(input):copy(input):mul(-1):add(self.margin):clamp(0, math.huge)
  s = s + m:maskedSelect(neg):sum()
  if self.sizeAverage then s = s / input:nElement() end
  self.output = s
  return s
end

function Hinge:updateGradInput(input, y)
  if type(y) == "number" then y = torch.Tensor{ y } end
  local t = y:viewAs(input)
  self.gradInput:resizeAs(input):zero()
  self.gradInput:maskedFill(t:eq(1), 1)
  local active = util.new(input):resizeAs(input):copy(input):lt(self.margin)
  local negs = t:eq(-1)
  negs:cmul(active)
  self.gradInput:maskedFill(negs, -1)
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

-- ---------------------------------------------------------------- CosineEmbedding

local Cosine = torch.class("nn.CosineEmbeddingCriterion", "nn.Criterion", nn)

--- nn.CosineEmbeddingCriterion([margin]) -- on {x1, x2} rows and labels y:
-- 1 - cos(x1, x2) where y = 1, max(0, cos - margin) where y = -1; the mean
-- over rows when sizeAverage (margin 0).
function Cosine:__init(margin)
  Criterion.__init(self)
  self.margin = margin or 0
  self.sizeAverage = true
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

local EPS_COS = 1e-12

local function cos_parts(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a, b = a:view(1, -1), b:view(1, -1) end
  local ab = util.new(a):resizeAs(a):copy(a):cmul(b):sum(2):view(-1)
  local aa = util.new(a):resizeAs(a):copy(a):cmul(a):sum(2):view(-1):add(EPS_COS)
  local bb = util.new(b):resizeAs(b):copy(b):cmul(b):sum(2):view(-1):add(EPS_COS)
  return a, b, ab, aa, bb
end

function Cosine:updateOutput(input, y)
  local a, _, ab, aa, bb = cos_parts(input)
  if type(y) == "number" then y = torch.Tensor{ y } end
  local n = a:size(1)
  local s = 0
  for i = 1, n do
    local c = ab[i] / math.sqrt(aa[i] * bb[i])
    if y[i] == 1 then s = s + 1 - c else s = s + math.max(0, c - self.margin) end
  end
  if self.sizeAverage then s = s / n end
  self.output = s
  return s
end

function Cosine:updateGradInput(input, y)
  local a, b, ab, aa, bb = cos_parts(input)
  if type(y) == "number" then y = torch.Tensor{ y } end
  local n = a:size(1)
  local g1 = self.gradInput[1]:resizeAs(a):zero()
  local g2 = self.gradInput[2]:resizeAs(b):zero()
  for i = 1, n do
    local m = math.sqrt(aa[i] * bb[i])
    local c = ab[i] / m
    local sign
    if y[i] == 1 then sign = -1 elseif c - self.margin > 0 then sign = 1 else sign = 0 end
    if sign ~= 0 then
      -- d cos / d a = b / m - c a / |a|^2
      g1[i]:copy(b[i]):div(m):add(-c / aa[i], a[i]):mul(sign)
      g2[i]:copy(a[i]):div(m):add(-c / bb[i], b[i]):mul(sign)
    end
  end
  if self.sizeAverage then g1:div(n); g2:div(n) end
  if input[1]:dim() == 1 then
    self.gradInput[1] = g1:view(-1)
    self.gradInput[2] = g2:view(-1)
  end
  return self.gradInput
end

-- ---------------------------------------------------------------- MultiLabelSoftMargin

local MLSM = torch.class("nn.MultiLabelSoftMarginCriterion", "nn.Criterion", nn)

--- nn.MultiLabelSoftMarginCriterion([weights]) -- BCE of sigmoid(x) against
-- 0/1 targets, averaged over all elements.
function MLSM:__init(weights)
  Criterion.__init(self)
  self.lsm = nn.Sigmoid()
  self.nll = nn.BCECriterion(weights)
  self.sizeAverage = true
end

function MLSM:updateOutput(input, target)
  local x = input:nElement() == 1 and input:view(1) or input
  self.lsm:updateOutput(x)
  self.nll.sizeAverage = self.sizeAverage
  self.output = self.nll:updateOutput(self.lsm.output, target)
  return self.output
end

function MLSM:updateGradInput(input, target)
  local x = input:nElement() == 1 and input:view(1) or input
  self.nll:updateGradInput(self.lsm.output, target)
  self.lsm:updateGradInput(x, self.nll.gradInput)
  self.gradInput:resizeAs(input):copy(self.lsm.gradInput:viewAs(input))
  return self.gradInput
end

-- ---------------------------------------------------------------- Parallel / Multi

local PC = torch.class("nn.ParallelCriterion", "nn.Criterion", nn)

--- nn.ParallelCriterion([repeatTarget]) -- sum of weighted criteria, criterion i
-- on input[i] and target[i] (or the same target when repeatTarget).
function PC:__init(repeatTarget)
  Criterion.__init(self)
  self.criterions = {}
  self.weights = {}
  self.gradInput = {}
  self.repeatTarget = repeatTarget
end

--- pc:add(criterion [, weight]) -> self.
function PC:add(criterion, weight)
  self.criterions[#self.criterions + 1] = criterion
  self.weights[#self.weights + 1] = weight or 1
  return self
end

function PC:updateOutput(input, target)
  self.output = 0
  for i, c in ipairs(self.criterions) do
    local t = self.repeatTarget and target or target[i]
    self.output = self.output + self.weights[i] * c:updateOutput(input[i], t)
  end
  return self.output
end

function PC:updateGradInput(input, target)
  self.gradInput = util.recursiveResizeAs(self.gradInput, input)
  util.recursiveFill(self.gradInput, 0)
  for i, c in ipairs(self.criterions) do
    local t = self.repeatTarget and target or target[i]
    util.recursiveAdd(self.gradInput[i], self.weights[i], c:updateGradInput(input[i], t))
  end
  return self.gradInput
end

local MC = torch.class("nn.MultiCriterion", "nn.Criterion", nn)

--- nn.MultiCriterion() -- weighted sum of criteria on the same input and target.
function MC:__init()
  Criterion.__init(self)
  self.criterions = {}
  self.weights = {}
end

function MC:add(criterion, weight)
  self.criterions[#self.criterions + 1] = criterion
  self.weights[#self.weights + 1] = weight or 1
  return self
end

function MC:updateOutput(input, target)
  self.output = 0
  for i, c in ipairs(self.criterions) do
    self.output = self.output + self.weights[i] * c:updateOutput(input, target)
  end
  return self.output
end

function MC:updateGradInput(input, target)
  self.gradInput = util.recursiveResizeAs(self.gradInput, input)
  util.recursiveFill(self.gradInput, 0)
  for i, c in ipairs(self.criterions) do
    util.recursiveAdd(self.gradInput, self.weights[i], c:updateGradInput(input, target))
  end
  return self.gradInput
end

return Criterion
