-- Layers of Torch7's nn beyond the common ones: nn.Collapse,
-- nn.GatedLinearUnit, nn.CReLU, nn.PixelShuffle, nn.OneHot, nn.WhiteNoise,
-- nn.RReLU, and the criterion wrapper nn.ModuleCriterion.
-- Semantics follow Torch7's documentation.  WhiteNoise and RReLU draw from
-- torch's global generator (torch.manualSeed makes them repeatable).
-- Not here: CUDA paths; OneHot takes CPU tensors (any integer-valued type).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local Module = nn.Module

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

local function check_tensor(who, x, what)
  if not torch.isTensor(x) then fail(who, "expected a tensor %s, got %s", what or "input", torch.type(x)) end
end

-- ------------------------------------------------------------------ Collapse

local Collapse = torch.class("nn.Collapse", "nn.Module", nn)

--- nn.Collapse(nInputDim) -- inputs of nInputDim dims become vectors; with
-- more dims the first is a batch: (B, ...) -> (B, prod(...)).
function Collapse:__init(nInputDim)
  Module.__init(self)
  if type(nInputDim) ~= "number" or nInputDim < 1 then
    error("nn.Collapse: expected nInputDim >= 1, got " .. tostring(nInputDim), 2)
  end
  self.nInputDim = nInputDim
end

function Collapse:updateOutput(input)
  check_tensor("nn.Collapse", input)
  local x = input:isContiguous() and input or input:contiguous()
  -- sizes spelled out rather than -1, which cannot be inferred for a 0-row batch
  if input:dim() > self.nInputDim then
    local n = 1
    for d = 2, x:dim() do n = n * x:size(d) end
    self.output = x:view(x:size(1), n)
  else
    self.output = x:view(x:nElement())
  end
  return self.output
end

function Collapse:updateGradInput(input, gradOutput)
  if gradOutput:nElement() ~= input:nElement() then
    fail("nn.Collapse", "gradOutput %s does not match input %s", util.shape(gradOutput), util.shape(input))
  end
  local g = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
  self.gradInput = g:view(input:size())
  return self.gradInput
end

-- ----------------------------------------------------------- GatedLinearUnit

local GatedLinearUnit = torch.class("nn.GatedLinearUnit", "nn.Module", nn)

--- nn.GatedLinearUnit([dim]) -- splits the input in halves a, b along dim
-- (default the last) and returns a * sigmoid(b) (Dauphin et al. 2016).
function GatedLinearUnit:__init(dim)
  Module.__init(self)
  self.dim = dim
end

local function glu_halves(self, input)
  check_tensor("nn.GatedLinearUnit", input)
  local dim = self.dim or input:dim()
  if dim < 1 or dim > input:dim() then
    fail("nn.GatedLinearUnit", "dim %d is out of range for input %s", dim, util.shape(input))
  end
  local n = input:size(dim)
  if n % 2 ~= 0 then
    fail("nn.GatedLinearUnit", "input %s has an odd size (%d) along dim %d; expected an even one",
      util.shape(input), n, dim)
  end
  return input:narrow(dim, 1, n // 2), input:narrow(dim, n // 2 + 1, n // 2), dim
end

function GatedLinearUnit:updateOutput(input)
  local a, b = glu_halves(self, input)
  self.output:resizeAs(a):sigmoid(b):cmul(a)
  return self.output
end

function GatedLinearUnit:updateGradInput(input, gradOutput)
  local a, b, dim = glu_halves(self, input)
  local n = a:size(dim)
  local s = torch.sigmoid(b)
  self.gradInput:resizeAs(input)
  local ga, gb = self.gradInput:narrow(dim, 1, n), self.gradInput:narrow(dim, n + 1, n)
  ga:cmul(s, gradOutput)
  -- d/db a * sigmoid(b) = a * s * (1 - s)
  gb:fill(1):add(-1, s):cmul(s):cmul(a):cmul(gradOutput)
  return self.gradInput
end

-- --------------------------------------------------------------------- CReLU

local CReLU = torch.class("nn.CReLU", "nn.Module", nn)

--- nn.CReLU(nInputDims [, inplace]) -- concatenated ReLU: the feature maps
-- max(x, 0) followed by max(-x, 0) along the first dim (the second for a
-- batch of nInputDims + 1 dims), doubling the number of features.
function CReLU:__init(nInputDims, inplace)
  Module.__init(self)
  if type(nInputDims) ~= "number" or nInputDims < 1 then
    error("nn.CReLU: expected nInputDims >= 1, got " .. tostring(nInputDims), 2)
  end
  self.nInputDims = nInputDims
  self.inplace = inplace or false -- accepted for Torch7's API; the input is never modified
end

local function crelu_dim(self, input)
  check_tensor("nn.CReLU", input)
  if input:dim() == self.nInputDims + 1 then return 2 end
  if input:dim() ~= self.nInputDims then
    fail("nn.CReLU", "expected an input of %d or %d dims, got %s", self.nInputDims, self.nInputDims + 1,
      util.shape(input))
  end
  return 1
end

function CReLU:updateOutput(input)
  local d = crelu_dim(self, input)
  local n = input:size(d)
  local size = input:size()
  size[d] = 2 * n
  self.output:resize(size)
  self.output:narrow(d, 1, n):copy(input):clamp(0, math.huge)
  self.output:narrow(d, n + 1, n):copy(input):mul(-1):clamp(0, math.huge)
  return self.output
end

function CReLU:updateGradInput(input, gradOutput)
  local d = crelu_dim(self, input)
  local n = input:size(d)
  if gradOutput:dim() ~= input:dim() or gradOutput:size(d) ~= 2 * n then
    fail("nn.CReLU", "gradOutput %s does not match input %s", util.shape(gradOutput), util.shape(input))
  end
  -- dy/dx is 1 on the positive half's units where x > 0, -1 on the
  -- negative half's where x < 0
  local pos = input:gt(0)
  local neg = input:lt(0)
  self.gradInput:resizeAs(input):zero()
  self.gradInput:maskedCopy(pos, gradOutput:narrow(d, 1, n):contiguous():maskedSelect(pos))
  local gneg = gradOutput:narrow(d, n + 1, n):contiguous():maskedSelect(neg):mul(-1)
  self.gradInput:maskedCopy(neg, gneg)
  return self.gradInput
end

function CReLU:__tostring__() return "nn.CReLU(" .. self.nInputDims .. ")" end

-- -------------------------------------------------------------- PixelShuffle

local PixelShuffle = torch.class("nn.PixelShuffle", "nn.Module", nn)

--- nn.PixelShuffle(r) -- sub-pixel convolution's shuffle (Shi et al. 2016):
-- (B, C*r*r, H, W) -> (B, C, H*r, W*r) (also without the batch dim).
function PixelShuffle:__init(upscaleFactor)
  Module.__init(self)
  if type(upscaleFactor) ~= "number" or upscaleFactor < 1 or upscaleFactor % 1 ~= 0 then
    error("nn.PixelShuffle: expected an integer upscale factor >= 1, got " .. tostring(upscaleFactor), 2)
  end
  self.upscaleFactor = upscaleFactor
  self.upscaleFactorSquared = upscaleFactor * upscaleFactor
end

-- batch size (1 without), channels out, height, width in, batched?
local function shuffle_dims(self, input)
  check_tensor("nn.PixelShuffle", input)
  local nd = input:dim()
  if nd ~= 3 and nd ~= 4 then
    fail("nn.PixelShuffle", "expected a 3D (C, H, W) or 4D (B, C, H, W) input, got %s", util.shape(input))
  end
  local o = nd - 3
  local c = input:size(o + 1)
  if c % self.upscaleFactorSquared ~= 0 then
    fail("nn.PixelShuffle", "input %s has %d channels, not a multiple of %d (upscale factor %d squared)",
      util.shape(input), c, self.upscaleFactorSquared, self.upscaleFactor)
  end
  return nd == 4 and input:size(1) or 1, c // self.upscaleFactorSquared, input:size(o + 2), input:size(o + 3), nd == 4
end

function PixelShuffle:updateOutput(input)
  local b, c, h, w, batched = shuffle_dims(self, input)
  local r = self.upscaleFactor
  local x = input:isContiguous() and input or input:contiguous()
  -- (b, c, r1, r2, h, w) -> (b, c, h, r1, w, r2)
  local v = x:view(b, c, r, r, h, w):permute(1, 2, 5, 3, 6, 4)
  self.output:resize(b, c, h, r, w, r):copy(v)
  if batched then
    self.output = self.output:view(b, c, h * r, w * r)
  else
    self.output = self.output:view(c, h * r, w * r)
  end
  return self.output
end

function PixelShuffle:updateGradInput(input, gradOutput)
  local b, c, h, w = shuffle_dims(self, input)
  local r = self.upscaleFactor
  if gradOutput:nElement() ~= input:nElement() then
    fail("nn.PixelShuffle", "gradOutput %s does not match input %s", util.shape(gradOutput), util.shape(input))
  end
  local g = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
  -- (b, c, h, r1, w, r2) -> (b, c, r1, r2, h, w)
  local v = g:view(b, c, h, r, w, r):permute(1, 2, 4, 6, 3, 5)
  self.gradInput:resize(b, c, r, r, h, w):copy(v)
  self.gradInput = self.gradInput:view(input:size())
  return self.gradInput
end

-- -------------------------------------------------------------------- OneHot

local OneHot = torch.class("nn.OneHot", "nn.Module", nn)

--- nn.OneHot(outputSize) -- class indices (a number, or a tensor of any
-- shape holding 1..outputSize) -> one-hot vectors along a new last dim.
function OneHot:__init(outputSize)
  Module.__init(self)
  if type(outputSize) ~= "number" or outputSize < 1 then
    error("nn.OneHot: expected outputSize >= 1, got " .. tostring(outputSize), 2)
  end
  self.outputSize = outputSize
end

function OneHot:updateOutput(input)
  local idx
  if type(input) == "number" then
    idx = torch.LongTensor { input }
  else
    check_tensor("nn.OneHot", input, "input (class indices)")
    idx = torch.LongTensor():resize(input:size()):copy(input)
  end
  if idx:nElement() > 0 then
    local lo, hi = idx:min(), idx:max()
    if lo < 1 or hi > self.outputSize then
      fail("nn.OneHot", "class index %d is out of range (1..%d)", lo < 1 and lo or hi, self.outputSize)
    end
  end
  local size = type(input) == "number" and {} or input:size():totable()
  size[#size + 1] = self.outputSize
  self.output:resize(table.unpack(size)):zero()
  size[#size] = 1
  if idx:nElement() > 0 then
    self.output:scatter(#size, idx:view(table.unpack(size)), 1)
  end
  return self.output
end

function OneHot:updateGradInput(input, gradOutput)
  if type(input) == "number" then return 0 end
  self.gradInput:resize(input:size()):zero()
  return self.gradInput
end

-- ---------------------------------------------------------------- WhiteNoise

local WhiteNoise = torch.class("nn.WhiteNoise", "nn.Module", nn)

--- nn.WhiteNoise([mean [, std]]) -- in training adds Gaussian noise
-- N(mean, std^2) (defaults 0, 0.1) to the input; in evaluation adds mean.
function WhiteNoise:__init(mean, std)
  Module.__init(self)
  self.mean = mean or 0
  self.std = std or 0.1
  if self.std < 0 then error("nn.WhiteNoise: expected std >= 0, got " .. tostring(self.std), 2) end
  self.noise = torch.Tensor()
end

function WhiteNoise:updateOutput(input)
  check_tensor("nn.WhiteNoise", input)
  self.output:resizeAs(input):copy(input)
  if self.train ~= false then
    self.noise:resizeAs(input)
    if self.std > 0 then self.noise:normal(self.mean, self.std) else self.noise:fill(self.mean) end
    self.output:add(self.noise)
  elseif self.mean ~= 0 then
    self.output:add(self.mean)
  end
  return self.output
end

function WhiteNoise:updateGradInput(input, gradOutput)
  if self.train == false then
    fail("nn.WhiteNoise", "backward is defined in training mode only (call training())")
  end
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

function WhiteNoise:clearState()
  self.noise:set()
  return Module.clearState(self)
end

function WhiteNoise:__tostring__()
  return string.format("%s mean: %f, std: %f", torch.type(self), self.mean, self.std)
end

-- --------------------------------------------------------------------- RReLU

local RReLU = torch.class("nn.RReLU", "nn.Module", nn)

--- nn.RReLU([lower [, upper [, inplace]]]) -- randomized leaky ReLU (Xu et
-- al. 2015): x for x > 0, a * x otherwise, with a drawn uniformly in
-- [lower, upper] (defaults 1/8, 1/3) per element in training and
-- (lower + upper) / 2 in evaluation.
function RReLU:__init(l, u, inplace)
  Module.__init(self)
  self.lower = l or 1 / 8
  self.upper = u or 1 / 3
  if not (self.lower >= 0 and self.upper >= self.lower) then
    error(string.format("nn.RReLU: expected 0 <= lower <= upper, got %s, %s", tostring(self.lower),
      tostring(self.upper)), 2)
  end
  self.noise = torch.Tensor()
  self.train = true
  self.inplace = inplace or false
end

-- noise: the slope of each element (1 for x > 0)
local function rrelu_noise(self, input, random)
  if torch.typename(self.noise) ~= torch.typename(input) then self.noise = input.new() end
  local nonpos = input:le(0)
  if random then
    self.noise:resizeAs(input):uniform(self.lower, self.upper)
  else
    self.noise:resizeAs(input):fill((self.lower + self.upper) / 2)
  end
  self.noise:maskedFill(nonpos:eq(0), 1)
end

function RReLU:updateOutput(input)
  check_tensor("nn.RReLU", input)
  rrelu_noise(self, input, self.train)
  if self.inplace then
    input:cmul(self.noise)
    self.output = input
  else
    if self.output == input then self.output = input.new() end
    self.output:resizeAs(input):cmul(input, self.noise)
  end
  return self.output
end

function RReLU:updateGradInput(input, gradOutput)
  if not (self.train and self.upper - self.lower > 1e-6) then
    -- deterministic slope: recomputed from input, whose sign an in-place
    -- forward kept
    rrelu_noise(self, input, false)
  elseif self.noise:nElement() ~= input:nElement() then
    fail("nn.RReLU", "backward needs the forward of this input (input %s, noise %s)", util.shape(input),
      util.shape(self.noise))
  end
  if self.inplace then
    gradOutput:cmul(self.noise)
    self.gradInput = gradOutput
  else
    if self.gradInput == gradOutput then self.gradInput = gradOutput.new() end
    self.gradInput:resizeAs(gradOutput):cmul(gradOutput, self.noise)
  end
  return self.gradInput
end

function RReLU:clearState()
  self.noise:set()
  return Module.clearState(self)
end

function RReLU:__tostring__()
  return string.format("%s (l:%f, u:%f)", torch.type(self), self.lower, self.upper)
end

-- ----------------------------------------------------------- ModuleCriterion

local ModuleCriterion = torch.class("nn.ModuleCriterion", "nn.Criterion", nn)

--- nn.ModuleCriterion(criterion [, inputModule [, targetModule [, castTarget]]])
-- -- criterion applied to inputModule(input) and targetModule(target); the
-- gradient flows back through inputModule (whose parameters are not
-- updated by it).  castTarget (default true): :type() converts targetModule.
function ModuleCriterion:__init(criterion, inputModule, targetModule, castTarget)
  nn.Criterion.__init(self)
  if not torch.isTypeOf(criterion, "nn.Criterion") then
    error("nn.ModuleCriterion: expected an nn.Criterion, got " .. torch.type(criterion), 2)
  end
  self.criterion = criterion
  self.inputModule = inputModule
  self.targetModule = targetModule
  self.castTarget = castTarget == nil and true or castTarget
end

function ModuleCriterion:updateOutput(input, target)
  if self.inputModule then self.input = self.inputModule:forward(input) end
  if self.targetModule then self.target = self.targetModule:forward(target) end
  self.output = self.criterion:forward(self.input or input, self.target or target)
  return self.output
end

function ModuleCriterion:updateGradInput(input, target)
  self.gradInput = self.criterion:backward(self.input or input, self.target or target)
  if self.inputModule then self.gradInput = self.inputModule:backward(input, self.gradInput) end
  return self.gradInput
end

function ModuleCriterion:type(typename, cache)
  if not typename then return self._type end
  cache = cache or {}
  if self.inputModule then self.inputModule:type(typename, cache) end
  if self.castTarget and self.targetModule then self.targetModule:type(typename, cache) end
  self.criterion:type(typename, cache)
  self.input, self.target = nil, nil
  self.gradInput = util.recursiveType(self.gradInput, typename, cache)
  self._type = typename
  return self
end

return RReLU
