-- Activations (element-wise and softmax family): nn.Threshold, ReLU, ReLU6,
-- LeakyReLU, PReLU, ELU, Tanh, HardTanh, Sigmoid, SoftMax, LogSoftMax,
-- SoftMin, SoftPlus, SoftSign, LogSigmoid, Abs, Square, Sqrt, Exp, Log,
-- Power, Clamp.  Formulas and defaults are Torch7's; the element loops are
-- moonlab's tensor kernels (hot ones go through torch._nn when present).
-- RReLU is in layers_extra.lua.  Not here: the in-place variants' memory sharing (inplace=true is
-- accepted and honoured by writing the result into the input).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local K = torch._nn

-- ---------------------------------------------------------------- Threshold

local Threshold, parent = torch.class("nn.Threshold", "nn.Module", nn)

--- nn.Threshold([th [, v [, inplace]]]) -- y = x if x > th else v (th 1e-6, v 0).
function Threshold:__init(th, v, ip)
  parent.__init(self)
  self.threshold = th or 1e-6
  self.val = v or 0
  self.inplace = ip or false
end

function Threshold:updateOutput(input)
  if self.inplace then
    input:maskedFill(input:le(self.threshold), self.val)
    self.output:set(input)
  elseif K and input:isContiguous() then
    K.threshold(self.output, input, self.threshold, self.val) -- resizes output
  else
    self.output:resizeAs(input):copy(input)
    self.output:maskedFill(input:le(self.threshold), self.val)
  end
  return self.output
end

function Threshold:updateGradInput(input, gradOutput)
  if self.inplace then
    gradOutput:maskedFill(input:le(self.threshold), 0)
    self.gradInput:set(gradOutput)
  elseif K and input:isContiguous() and gradOutput:isContiguous() and gradOutput:nElement() == input:nElement() then
    K.threshold_backward(self.gradInput, gradOutput, input, self.threshold) -- resizes gradInput
  else
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
    self.gradInput:maskedFill(input:le(self.threshold), 0)
  end
  return self.gradInput
end

function Threshold:__tostring__()
  return torch.type(self) .. string.format("(%g, %g)", self.threshold, self.val)
end

local ReLU = torch.class("nn.ReLU", "nn.Threshold", nn)
--- nn.ReLU([inplace]) -- max(0, x).
function ReLU:__init(p) Threshold.__init(self, 0, 0, p) end
function ReLU:__tostring__() return torch.type(self) end

-- ---------------------------------------------------------------- HardTanh / ReLU6 / Clamp

local HardTanh = torch.class("nn.HardTanh", "nn.Module", nn)

--- nn.HardTanh([min [, max [, inplace]]]) -- x clipped to [min, max] (-1, 1).
function HardTanh:__init(min_value, max_value, inplace)
  parent.__init(self)
  self.min_val = min_value or -1
  self.max_val = max_value or 1
  self.inplace = inplace or false
  if self.max_val <= self.min_val then
    error("nn.HardTanh: max_value must be larger than min_value", 2)
  end
end

function HardTanh:updateOutput(input)
  if self.inplace then
    input:clamp(self.min_val, self.max_val)
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input):clamp(self.min_val, self.max_val)
  end
  return self.output
end

function HardTanh:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  self.gradInput:maskedFill(input:le(self.min_val), 0)
  self.gradInput:maskedFill(input:ge(self.max_val), 0)
  return self.gradInput
end

function HardTanh:__tostring__()
  return torch.type(self) .. string.format("(%g, %g)", self.min_val, self.max_val)
end

local ReLU6 = torch.class("nn.ReLU6", "nn.HardTanh", nn)
--- nn.ReLU6([inplace]) -- min(max(0, x), 6).
function ReLU6:__init(inplace) HardTanh.__init(self, 0, 6, inplace) end
function ReLU6:__tostring__() return torch.type(self) end

local Clamp = torch.class("nn.Clamp", "nn.HardTanh", nn)
--- nn.Clamp(min, max) -- x clipped to [min, max].
function Clamp:__init(min, max) HardTanh.__init(self, min, max) end

-- ---------------------------------------------------------------- LeakyReLU

local LeakyReLU = torch.class("nn.LeakyReLU", "nn.Module", nn)

--- nn.LeakyReLU([negval [, inplace]]) -- x if x > 0 else negval * x (negval 1/100).
function LeakyReLU:__init(negval, ip)
  parent.__init(self)
  if type(negval) == "boolean" then ip, negval = negval, nil end
  self.negval = negval or 1 / 100
  self.inplace = ip or false
  if self.negval < 0 then self.inplace = false end
end

function LeakyReLU:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  local neg = input:le(0)
  self.output:maskedCopy(neg, input:maskedSelect(neg):mul(self.negval))
  return self.output
end

function LeakyReLU:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  local neg = input:le(0)
  self.gradInput:maskedCopy(neg, gradOutput:maskedSelect(neg):mul(self.negval))
  return self.gradInput
end

function LeakyReLU:__tostring__() return torch.type(self) .. string.format("(%g)", self.negval) end

-- ---------------------------------------------------------------- PReLU

local PReLU = torch.class("nn.PReLU", "nn.Module", nn)

--- nn.PReLU([nOutputPlane]) -- x if x > 0 else a * x, a learnt (one per
-- plane, or one shared when nOutputPlane is 0), initialised to 0.25.
function PReLU:__init(nOutputPlane)
  parent.__init(self)
  self.nOutputPlane = nOutputPlane or 0
  self.weight = torch.Tensor(math.max(self.nOutputPlane, 1)):fill(0.25)
  self.gradWeight = torch.Tensor(math.max(self.nOutputPlane, 1)):zero()
end

-- the slope expanded to input's shape (planes on dim 1, or 2 with a batch)
local function slope(self, input)
  if self.nOutputPlane == 0 then return self.weight:view(1):expand(input:size()) end
  local d = input:dim()
  local pdim = (d == 1 or d == 3) and 1 or 2
  local vs = torch.LongStorage(d):fill(1)
  vs[pdim] = self.nOutputPlane
  if input:size(pdim) ~= self.nOutputPlane then
    error(string.format("nn.PReLU: input %s has %d planes on dim %d, expected %d", util.shape(input),
      input:size(pdim), pdim, self.nOutputPlane), 3)
  end
  return self.weight:view(vs):expand(input:size()), pdim
end

function PReLU:updateOutput(input)
  local w = slope(self, input)
  self.output:resizeAs(input):copy(input)
  local neg = input:le(0)
  local scaled = util.new(input):resizeAs(input):copy(input):cmul(w)
  self.output:maskedCopy(neg, scaled:maskedSelect(neg))
  return self.output
end

function PReLU:updateGradInput(input, gradOutput)
  local w = slope(self, input)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  local neg = input:le(0)
  local scaled = util.new(input):resizeAs(gradOutput):copy(gradOutput):cmul(w)
  self.gradInput:maskedCopy(neg, scaled:maskedSelect(neg))
  return self.gradInput
end

function PReLU:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local prod = util.new(input):resizeAs(input):copy(input):cmul(gradOutput)
  prod:maskedFill(input:gt(0), 0)
  if self.nOutputPlane == 0 then
    self.gradWeight[1] = self.gradWeight[1] + scale * prod:sum()
  else
    local _, pdim = slope(self, input)
    local s = prod:transpose(1, pdim):contiguous():view(self.nOutputPlane, -1):sum(2)
    self.gradWeight:add(scale, s:view(-1))
  end
end

-- ---------------------------------------------------------------- ELU

local ELU = torch.class("nn.ELU", "nn.Module", nn)

--- nn.ELU([alpha [, inplace]]) -- x if x > 0 else alpha * (exp(x) - 1) (alpha 1).
function ELU:__init(alpha, inplace)
  parent.__init(self)
  self.alpha = alpha or 1
  self.inplace = inplace or false
end

function ELU:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  local neg = input:le(0)
  self.output:maskedCopy(neg, input:maskedSelect(neg):exp():add(-1):mul(self.alpha))
  return self.output
end

function ELU:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  local neg = input:le(0)
  local d = self.output:maskedSelect(neg):add(self.alpha):cmul(gradOutput:maskedSelect(neg))
  self.gradInput:maskedCopy(neg, d)
  return self.gradInput
end

function ELU:__tostring__() return torch.type(self) .. string.format(" (alpha:%g)", self.alpha) end

-- ---------------------------------------------------------------- Tanh / Sigmoid

local Tanh = torch.class("nn.Tanh", "nn.Module", nn)

--- nn.Tanh() -- tanh(x).
function Tanh:updateOutput(input)
  self.output:resizeAs(input)
  self.output:tanh(input)
  return self.output
end

function Tanh:updateGradInput(input, gradOutput)
  -- (1 - y^2) g
  self.gradInput:resizeAs(self.output):copy(self.output):cmul(self.output):mul(-1):add(1):cmul(gradOutput)
  return self.gradInput
end

local Sigmoid = torch.class("nn.Sigmoid", "nn.Module", nn)

--- nn.Sigmoid() -- 1 / (1 + exp(-x)).
function Sigmoid:updateOutput(input)
  self.output:resizeAs(input)
  self.output:sigmoid(input)
  return self.output
end

function Sigmoid:updateGradInput(input, gradOutput)
  -- y (1 - y) g
  self.gradInput:resizeAs(self.output):copy(self.output):mul(-1):add(1):cmul(self.output):cmul(gradOutput)
  return self.gradInput
end

-- ---------------------------------------------------------------- softmax family

-- The dimension softmax runs over: 1 for (n) and (C, H, W), 2 for (N, n) and (N, C, H, W).
local function feature_dim(who, input)
  local d = input:dim()
  if d == 1 or d == 3 then return 1 end
  if d == 2 or d == 4 then return 2 end
  error(who .. ": expected a 1D-4D input, got " .. util.shape(input), 3)
end

local SoftMax = torch.class("nn.SoftMax", "nn.Module", nn)

--- nn.SoftMax() -- exp(x_i) / sum_j exp(x_j) over the feature dimension.
function SoftMax:updateOutput(input)
  local dim = feature_dim("nn.SoftMax.updateOutput", input)
  local mx = input:max(dim)
  self.output:resizeAs(input):copy(input):add(-1, mx:expandAs(input)):exp()
  local s = self.output:sum(dim)
  self.output:cdiv(s:expandAs(input))
  return self.output
end

function SoftMax:updateGradInput(input, gradOutput)
  -- y .* (g - sum(g .* y))
  local dim = feature_dim("nn.SoftMax.updateGradInput", input)
  local gy = util.new(input):resizeAs(gradOutput):copy(gradOutput):cmul(self.output)
  local s = gy:sum(dim)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):add(-1, s:expandAs(gradOutput)):cmul(self.output)
  return self.gradInput
end

local LogSoftMax = torch.class("nn.LogSoftMax", "nn.Module", nn)

--- nn.LogSoftMax() -- x_i - log sum_j exp(x_j) over the feature dimension.
function LogSoftMax:updateOutput(input)
  local dim = feature_dim("nn.LogSoftMax.updateOutput", input)
  if K and input:dim() <= 2 and input:isContiguous() then
    K.log_softmax(self.output, input) -- one pass per row in C; resizes output
    return self.output
  end
  local mx = input:max(dim)
  self.output:resizeAs(input):copy(input):add(-1, mx:expandAs(input))
  local lse = util.new(input):resizeAs(self.output):copy(self.output):exp():sum(dim):log()
  self.output:add(-1, lse:expandAs(input))
  return self.output
end

function LogSoftMax:updateGradInput(input, gradOutput)
  -- g - exp(y) sum(g)
  local dim = feature_dim("nn.LogSoftMax.updateGradInput", input)
  if K and input:dim() <= 2 and self.output:isContiguous() and gradOutput:isContiguous()
      and gradOutput:isSameSizeAs(self.output) then
    K.log_softmax_backward(self.gradInput, gradOutput, self.output)
    return self.gradInput
  end
  local s = gradOutput:sum(dim)
  self.gradInput:resizeAs(self.output):copy(self.output):exp():cmul(s:expandAs(gradOutput)):mul(-1):add(gradOutput)
  return self.gradInput
end

local SoftMin = torch.class("nn.SoftMin", "nn.Module", nn)

--- nn.SoftMin() -- softmax of -x.
function SoftMin:updateOutput(input)
  self._neg = self._neg or util.new(input)
  self._neg:resizeAs(input):copy(input):mul(-1)
  self._sm = self._sm or nn.SoftMax()
  self.output = self._sm:updateOutput(self._neg)
  return self.output
end

function SoftMin:updateGradInput(input, gradOutput)
  self.gradInput = self._sm:updateGradInput(self._neg, gradOutput):mul(-1)
  return self.gradInput
end

-- ---------------------------------------------------------------- SoftPlus / SoftSign / LogSigmoid

local SoftPlus = torch.class("nn.SoftPlus", "nn.Module", nn)

--- nn.SoftPlus([beta [, threshold]]) -- log(1 + exp(beta x)) / beta, linear
-- where beta x > threshold (beta 1, threshold 20).
function SoftPlus:__init(beta, threshold)
  parent.__init(self)
  self.beta = beta or 1
  self.threshold = threshold or 20
end

function SoftPlus:updateOutput(input)
  local b = self.beta
  self.output:resizeAs(input):copy(input):mul(b):exp():log1p():div(b)
  local lin = input:gt(self.threshold / b)
  self.output:maskedCopy(lin, input:maskedSelect(lin))
  return self.output
end

function SoftPlus:updateGradInput(input, gradOutput)
  -- g (z - 1) / z with z = exp(beta y)
  local b = self.beta
  local z = util.new(input):resizeAs(self.output):copy(self.output):mul(-b):exp():mul(-1):add(1)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):cmul(z)
  local lin = input:gt(self.threshold / b)
  self.gradInput:maskedCopy(lin, gradOutput:maskedSelect(lin))
  return self.gradInput
end

local SoftSign = torch.class("nn.SoftSign", "nn.Module", nn)

--- nn.SoftSign() -- x / (1 + |x|).
function SoftSign:updateOutput(input)
  self._d = self._d or util.new(input)
  self._d:resizeAs(input):copy(input):abs():add(1)
  self.output:resizeAs(input):copy(input):cdiv(self._d)
  return self.output
end

function SoftSign:updateGradInput(input, gradOutput)
  self._d = self._d or util.new(input)
  self._d:resizeAs(input):copy(input):abs():add(1)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):cdiv(self._d):cdiv(self._d)
  return self.gradInput
end

local LogSigmoid = torch.class("nn.LogSigmoid", "nn.Module", nn)

--- nn.LogSigmoid() -- log(1 / (1 + exp(-x))).
function LogSigmoid:updateOutput(input)
  -- -softplus(-x), computed stably: min(x, 0) - log1p(exp(-|x|))
  local a = util.new(input):resizeAs(input):copy(input):abs():mul(-1):exp():log1p()
  self.output:resizeAs(input):copy(input):clamp(-math.huge, 0):add(-1, a)
  return self.output
end

function LogSigmoid:updateGradInput(input, gradOutput)
  -- g (1 - sigmoid(x))
  self.gradInput:resizeAs(input):copy(input):sigmoid():mul(-1):add(1):cmul(gradOutput)
  return self.gradInput
end

-- ---------------------------------------------------------------- simple element-wise maths

local function unary(name, doc_fwd, fwd, bwd)
  local C = torch.class("nn." .. name, "nn.Module", nn)
  C.updateOutput = function(self, input)
    self.output:resizeAs(input):copy(input)
    fwd(self, self.output, input)
    return self.output
  end
  C.updateGradInput = function(self, input, gradOutput)
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
    bwd(self, self.gradInput, input, gradOutput)
    return self.gradInput
  end
  return C
end

--- nn.Abs() -- |x|.
unary("Abs", "|x|", function(_, y) y:abs() end,
  function(_, g, x) g:cmul(util.new(x):resizeAs(x):copy(x):sign()) end)
--- nn.Square() -- x^2.
unary("Square", "x^2", function(_, y) y:cmul(y) end,
  function(_, g, x) g:cmul(x):mul(2) end)
--- nn.Sqrt() -- sqrt(x).
unary("Sqrt", "sqrt", function(_, y) y:sqrt() end,
  function(self, g)
    g:cdiv(self.output):mul(0.5)
    g:maskedFill(self.output:eq(0), 0) -- Torch7: no division by zero at sqrt(0)
  end)
--- nn.Exp() -- exp(x).
unary("Exp", "exp", function(_, y) y:exp() end,
  function(self, g) g:cmul(self.output) end)
--- nn.Log() -- log(x).
unary("Log", "log", function(_, y) y:log() end,
  function(_, g, x) g:cdiv(x) end)

local Power = torch.class("nn.Power", "nn.Module", nn)
--- nn.Power(p) -- x^p.
function Power:__init(p)
  parent.__init(self)
  self.pow = p
  if not p then error("nn.Power: the power p is required", 2) end
end
function Power:updateOutput(input)
  self.output:resizeAs(input):copy(input):pow(self.pow)
  return self.output
end
function Power:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(input):pow(self.pow - 1):mul(self.pow):cmul(gradOutput)
  return self.gradInput
end

return Threshold
