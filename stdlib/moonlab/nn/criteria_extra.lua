-- More criteria: nn.L1Cost (sum |x|), nn.DistanceRatioCriterion (triplet
-- loss on distance pairs), nn.ClassSimplexCriterion (MSE to the vertices of
-- a regular simplex), nn.SpatialClassNLLCriterion (ClassNLL at every pixel
-- of (N, C, H, W) log-probabilities) and nn.SpatialAutoCropMSECriterion
-- (MSE against a centre crop of a larger target).  Formulas, defaults and
-- averaging are Torch7's.
-- Not here: CUDA paths, ignoreIndex for SpatialClassNLLCriterion (Torch7's
-- has none).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local Criterion = nn.Criterion

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- ---------------------------------------------------------------- L1Cost

local L1Cost = torch.class("nn.L1Cost", "nn.Criterion", nn)

--- nn.L1Cost() -- loss sum |x| of the input alone (forward(input) ignores a target); gradient sign(x).
function L1Cost:__init()
  Criterion.__init(self)
end

function L1Cost:updateOutput(input)
  if not torch.isTensor(input) then fail("nn.L1Cost.updateOutput", "expected a tensor, got %s", type(input)) end
  self.output = input:norm(1)
  return self.output
end

function L1Cost:updateGradInput(input)
  self.gradInput:resizeAs(input):copy(input):sign()
  return self.gradInput
end

-- ---------------------------------------------------------------- DistanceRatio

local DistRatio = torch.class("nn.DistanceRatioCriterion", "nn.Criterion", nn)

--- nn.DistanceRatioCriterion([sizeAverage]) -- on {X, Y}, distances of
-- similar pairs X and dissimilar pairs Y (N each): the mean (or sum) of
-- -log(exp(-X) / (exp(-X) + exp(-Y))).  No target.
function DistRatio:__init(sizeAverage)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

local function pair(who, input)
  if type(input) ~= "table" or not torch.isTensor(input[1]) or not torch.isTensor(input[2]) then
    fail(who, "expected a table {X, Y} of two tensors, got %s", util.shape(input))
  end
  local X, Y = input[1], input[2]
  if X:nElement() ~= Y:nElement() or X:dim() == 0 or X:size(1) ~= Y:size(1) then
    fail(who, "X and Y must have the same size (X %s, Y %s)", util.shape(X), util.shape(Y))
  end
  return X, Y
end

-- log(exp(-X) + exp(-Y)) = -m + log(exp(m - X) + exp(m - Y)), m = min(X, Y)
function DistRatio:updateOutput(input)
  local X, Y = pair("nn.DistanceRatioCriterion.updateOutput", input)
  local y = Y:contiguous():viewAs(X)
  local m = X:clone():cmin(y)
  local lse = m:clone():add(-1, X):exp():add(m:clone():add(-1, y):exp()):log():add(-1, m)
  local loss = lse:add(X):sum()
  if self.sizeAverage then loss = loss / X:size(1) end
  self.output = loss
  return loss
end

-- dL/dX = 1 - s, dL/dY = -(1 - s) where s = exp(-X) / (exp(-X) + exp(-Y)) = 1 / (1 + exp(X - Y))
function DistRatio:updateGradInput(input)
  local X, Y = pair("nn.DistanceRatioCriterion.updateGradInput", input)
  local y = Y:contiguous():viewAs(X)
  -- q = exp(-Y) / (exp(-X) + exp(-Y)) = sigmoid(X - Y)
  local q = X:clone():add(-1, y):sigmoid()
  self.gradInput = self.gradInput or {}
  if type(self.gradInput) ~= "table" then self.gradInput = {} end
  self.gradInput[1] = self.gradInput[1] or util.new(X)
  self.gradInput[2] = self.gradInput[2] or util.new(Y)
  self.gradInput[1]:resizeAs(X):copy(q)
  self.gradInput[2]:resizeAs(Y):copy(q:mul(-1))
  if self.sizeAverage then
    self.gradInput[1]:div(X:size(1))
    self.gradInput[2]:div(X:size(1))
  end
  return self.gradInput
end

-- ---------------------------------------------------------------- ClassSimplex

local ClassSimplex, csparent = torch.class("nn.ClassSimplexCriterion", "nn.MSECriterion", nn)

-- The n + 1 vertices (rows) of a regular simplex in R^n centred at the
-- origin with unit-norm vertices: vertex k has its last non-zero coordinate
-- at k, and the vertices after it share coordinate k.
local function regular_simplex(n)
  local a = torch.zeros(n + 1, n)
  for k = 1, n do
    local sq = 0
    for j = 1, k - 1 do sq = sq + a[k][j] ^ 2 end
    local akk = math.sqrt(1 - sq)
    a[k][k] = akk
    local c = (akk * akk - 1 - 1 / n) / akk
    for r = k + 1, n + 1 do a[r][k] = c end
  end
  return a
end

--- nn.ClassSimplexCriterion(nClasses) -- MSECriterion between the input
-- (nClasses) or (N, nClasses) and the simplex vertex of each target class;
-- the embedding has one dimension more than needed (a zero column), as Torch7's.
function ClassSimplex:__init(nClasses)
  csparent.__init(self)
  if type(nClasses) ~= "number" or nClasses < 2 or nClasses % 1 ~= 0 then
    error("nn.ClassSimplexCriterion: nClasses must be an integer > 1, got " .. tostring(nClasses), 2)
  end
  self.nClasses = nClasses
  local s = regular_simplex(nClasses - 1)
  self.simplex = torch.cat(s, torch.zeros(nClasses, 1), 2)
  self._target = torch.Tensor(nClasses)
end

local function simplex_target(self, who, input, target)
  local C = self.nClasses
  local function class(c)
    if c % 1 ~= 0 or c < 1 or c > C then fail(who, "target %s is out of range (1..%d)", tostring(c), C) end
    return self.simplex[c]
  end
  if type(target) == "number" then
    self._target:resize(C):copy(class(target))
  elseif torch.isTensor(target) and target:dim() == 1 then
    local n = target:size(1)
    self._target:resize(n, C)
    for i = 1, n do self._target[i]:copy(class(target[i])) end
  else
    fail(who, "target must be a class number or a 1D tensor of classes, got %s", util.shape(target))
  end
  if input:nElement() ~= self._target:nElement() then
    fail(who, "input %s does not match %s for nClasses = %d", util.shape(input),
      util.shape(self._target), C)
  end
  return self._target:typeAs(input)
end

function ClassSimplex:updateOutput(input, target)
  local t = simplex_target(self, "nn.ClassSimplexCriterion.updateOutput", input, target)
  return csparent.updateOutput(self, input, t)
end

function ClassSimplex:updateGradInput(input, target)
  local t = simplex_target(self, "nn.ClassSimplexCriterion.updateGradInput", input, target)
  return csparent.updateGradInput(self, input, t)
end

--- criterion:getPredictions(input) -> (N, nClasses) scores: input times the simplex vertices.
function ClassSimplex:getPredictions(input)
  if input:dim() == 1 then input = input:view(1, -1) end
  return torch.mm(input, self.simplex:typeAs(input):t())
end

--- criterion:getTopPrediction(input) -> LongTensor (N) of the best class per row.
function ClassSimplex:getTopPrediction(input)
  local p = self:getPredictions(input)
  local _, idx = p:max(2)
  return idx:view(-1)
end

-- ---------------------------------------------------------------- SpatialClassNLL

local SpatialNLL = torch.class("nn.SpatialClassNLLCriterion", "nn.Criterion", nn)

--- nn.SpatialClassNLLCriterion([weights [, sizeAverage]]) -- ClassNLLCriterion
-- at every pixel: input (N, C, H, W) log-probabilities, target (N, H, W) of
-- classes 1..C (also (C, H, W) with (H, W)); -sum w[t] x[t] divided by
-- sum w[t] when sizeAverage (default).
function SpatialNLL:__init(weights, sizeAverage)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  if weights then
    if not torch.isTensor(weights) or weights:dim() ~= 1 then
      error("nn.SpatialClassNLLCriterion: weights must be a 1D tensor", 2)
    end
    self.weights = weights
  end
  self.output_tensor = torch.zeros(1)
  self.total_weight_tensor = torch.ones(1)
end

function SpatialNLL:__len()
  return self.weights and self.weights:nElement() or 0
end

-- (x (N, C, H, W), index (N, 1, H, W) LongTensor, per-pixel weights (N, 1, H, W) or nil)
local function spatial_args(self, who, input, target)
  if not torch.isTensor(input) or (input:dim() ~= 4 and input:dim() ~= 3) then
    fail(who, "expected input (N, C, H, W) or (C, H, W), got %s", util.shape(input))
  end
  local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
  local n, C, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  if not torch.isTensor(target) or target:nElement() ~= n * h * w
      or target:dim() ~= input:dim() - 1 or target:size(target:dim()) ~= w or target:size(target:dim() - 1) ~= h then
    fail(who, "target must be (N, H, W) for input (N, C, H, W) (input %s, target %s)",
      util.shape(input), util.shape(target))
  end
  local t = target:long():contiguous():view(n, 1, h, w)
  if n * h * w > 0 and (t:min() < 1 or t:max() > C) then
    fail(who, "target classes must be in 1..%d, got %d..%d", C, t:min(), t:max())
  end
  if self.weights and self.weights:nElement() ~= C then
    fail(who, "weights has %d elements for %d classes", self.weights:nElement(), C)
  end
  local pw = self.weights and self.weights:typeAs(x):index(1, t:view(-1)):view(n, 1, h, w) or nil
  return x, t, pw
end

function SpatialNLL:updateOutput(input, target)
  local x, t, pw = spatial_args(self, "nn.SpatialClassNLLCriterion.updateOutput", input, target)
  local picked = x:gather(2, t)
  local total, wsum
  if pw then
    total, wsum = -picked:dot(pw), pw:sum()
  else
    total, wsum = -picked:sum(), t:nElement()
  end
  if self.sizeAverage and wsum ~= 0 then total = total / wsum end
  self.output_tensor[1] = total
  self.total_weight_tensor[1] = wsum
  self.output = total
  return total, wsum
end

function SpatialNLL:updateGradInput(input, target)
  local x, t, pw = spatial_args(self, "nn.SpatialClassNLLCriterion.updateGradInput", input, target)
  self.gradInput:resizeAs(input):zero()
  local g = self.gradInput:view(x:size())
  local vals = pw and pw:clone():mul(-1) or util.new(x):resize(t:size()):fill(-1)
  local wsum = pw and pw:sum() or t:nElement()
  if wsum <= 0 then return self.gradInput end
  if self.sizeAverage then vals:div(wsum) end
  g:scatter(2, t, vals)
  return self.gradInput
end

-- ---------------------------------------------------------------- SpatialAutoCropMSE

local AutoCrop, acparent = torch.class("nn.SpatialAutoCropMSECriterion", "nn.MSECriterion", nn)

--- nn.SpatialAutoCropMSECriterion([sizeAverage]) -- MSECriterion between an
-- input (N, C, h, w) or (C, h, w) and the centre h x w crop of a target
-- (N, C, H, W) or (C, H, W) with H >= h, W >= w (the crop starts at
-- 1 + floor((H - h) / 2)).
function AutoCrop:__init(sizeAverage)
  acparent.__init(self, sizeAverage)
end

local function crop_target(who, input, target)
  if not torch.isTensor(input) or not torch.isTensor(target) or input:dim() ~= target:dim()
      or (input:dim() ~= 3 and input:dim() ~= 4) then
    fail(who, "input and target must both be (N, C, H, W) or (C, H, W) (input %s, target %s)",
      util.shape(input), util.shape(target))
  end
  local d = input:dim()
  if d == 4 and input:size(1) ~= target:size(1) then
    fail(who, "target and input must have same batch size (input %s, target %s)",
      util.shape(input), util.shape(target))
  end
  if input:size(d - 2) ~= target:size(d - 2) then
    fail(who, "target and input must have same number of channels (input %s, target %s)",
      util.shape(input), util.shape(target))
  end
  local h, w, H, W = input:size(d - 1), input:size(d), target:size(d - 1), target:size(d)
  if h > H or w > W then
    fail(who, "input resolution must be smaller or equal to the spatial resolution of the target (input %s, target %s)",
      util.shape(input), util.shape(target))
  end
  local r0, c0 = math.floor((H - h) / 2), math.floor((W - w) / 2)
  return target:narrow(d - 1, 1 + r0, h):narrow(d, 1 + c0, w):contiguous()
end

function AutoCrop:updateOutput(input, target)
  local t = crop_target("nn.SpatialAutoCropMSECriterion.updateOutput", input, target)
  return acparent.updateOutput(self, input, t)
end

-- Torch7 takes a target of the input's size here; a larger one is cropped as in forward.
function AutoCrop:updateGradInput(input, target)
  local t = crop_target("nn.SpatialAutoCropMSECriterion.updateGradInput", input, target)
  return acparent.updateGradInput(self, input, t)
end
