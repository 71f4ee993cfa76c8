-- Decorators and re-parametrisations of Torch7's nn: nn.Decorator (a
-- container of one module that forwards every call to it), nn.NaN (raises
-- an error naming the module when a NaN shows up), nn.Profile (times
-- forward and backward passes), nn.DontCast (keeps its module's type when
-- the network is converted, casting inputs and outputs instead),
-- nn.Convert (converts between data layouts such as 'bchw' -> 'bf' and the
-- input's tensor type), nn.WeightNorm (w = g v / ||v|| around any module
-- with a weight) and nn.LinearWeightNorm (the same built into nn.Linear).
-- Semantics follow Torch7's documentation.  Not here: Torch7's optional
-- `moses` dependency (the NaN test is a plain x ~= x), CUDA types.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local Module, Container = nn.Module, nn.Container

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- a constructor's error: no position (it would name torch.class's wrapper)
local function ctor_fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 0)
end

-- ---------------------------------------------------------------- Decorator

local Decorator = torch.class("nn.Decorator", "nn.Container", nn)

--- nn.Decorator(module) -- a container of one module that hands every call
-- to it; the base class of the modules that wrap one module.
function Decorator:__init(module)
  Container.__init(self)
  if not torch.isTypeOf(module, "nn.Module") then
    ctor_fail("nn." .. torch.type(self):gsub("^nn%.", ""), "expected an nn.Module to decorate, got %s", torch.type(module))
  end
  self.modules[1] = module
end

function Decorator:updateOutput(input)
  self.output = self.modules[1]:updateOutput(input)
  return self.output
end

function Decorator:updateGradInput(input, gradOutput)
  self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  return self.gradInput
end

function Decorator:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
end

function Decorator:accUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:accUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:sharedAccUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:sharedAccUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:__tostring__()
  return torch.type(self) .. " @ " .. tostring(self.modules[1])
end

--- nn.Decorator.decorate(class): copies the forwarding methods onto another
-- class (for a class that must inherit from something else).
function Decorator.decorate(class)
  for _, name in ipairs { "updateOutput", "updateGradInput", "accGradParameters", "accUpdateGradParameters",
                          "sharedAccUpdateGradParameters", "__tostring__" } do
    class[name] = Decorator[name]
  end
end

-- ---------------------------------------------------------------- NaN

local NaN = torch.class("nn.NaN", "nn.Decorator", nn)
local nan_ids = 0

--- nn.NaN.newId() -> the next id (1, 2, ...) given to an nn.NaN made without one.
function NaN.newId()
  nan_ids = nan_ids + 1
  return nan_ids
end

--- nn.NaN(module [, id]) -- runs module and raises an error when its output,
-- gradInput or parameter gradients contain a NaN, saying whether the input,
-- the parameters or gradOutput already had one.
function NaN:__init(module, id)
  Decorator.__init(self, module)
  self.id = id or NaN.newId()
end

--- nan:recursiveIsNaN(x) -> true when the tensor (or nested table of tensors) x holds a NaN.
function NaN:recursiveIsNaN(x)
  if type(x) == "table" then
    for _, v in pairs(x) do
      if self:recursiveIsNaN(v) then return true end
    end
    return false
  elseif torch.isTensor(x) then
    if x:nElement() == 0 then return false end
    local s = x:sum()
    if s ~= s then return true end
    -- an infinite sum can hide a NaN in some orders of summation: look then
    if s == math.huge or s == -math.huge then return x:ne(x):sum() > 0 end
    return false
  end
  return false
end

local function nan_error(self, what)
  error(string.format("nn.NaN: NaN found in %s of module %s", what, self:__tostring__()), 3)
end

function NaN:updateOutput(input)
  self.output = self.modules[1]:updateOutput(input)
  if self:recursiveIsNaN(self.output) then
    if self:recursiveIsNaN(input) then nan_error(self, "input") end
    if self:recursiveIsNaN(self:parameters()) then nan_error(self, "parameters") end
    nan_error(self, "output")
  end
  return self.output
end

function NaN:updateGradInput(input, gradOutput)
  self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  if self:recursiveIsNaN(self.gradInput) then
    if self:recursiveIsNaN(gradOutput) then nan_error(self, "gradOutput") end
    nan_error(self, "gradInput")
  end
  return self.gradInput
end

function NaN:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
  local _, grads = self:parameters()
  if self:recursiveIsNaN(grads) then nan_error(self, "gradParameters") end
end

function NaN:__tostring__()
  return string.format("%s(%s) @ %s", torch.type(self), tostring(self.id), tostring(self.modules[1]))
end

-- ---------------------------------------------------------------- Profile

local Profile = torch.class("nn.Profile", "nn.Decorator", nn)

--- nn.Profile(module [, print_interval, name]) -- runs module and prints,
-- every print_interval (100) forward (and backward) passes, the time they
-- took: "<name> took 0.012 seconds for 100 forward passes".
function Profile:__init(module, print_interval, name)
  Decorator.__init(self, module)
  self.print_interval = print_interval or 100
  self.name = name or torch.type(module)
  self.module = module
  self.numFwds, self.numBwds = 0, 0
  self.summedFwdTime, self.summedBwdTime = 0, 0
end

-- runs f, adds its time to self[sum] and counts it in self[count]
local function timed(self, count, sum, what, f, ...)
  local timer = torch.Timer() -- made per call: a module holds no timer, so it saves and loads
  local r = f(...)
  self[sum] = self[sum] + timer:time().real
  self[count] = self[count] + 1
  if self[count] % self.print_interval == 0 then
    print(string.format("%s took %.3f seconds for %d %s passes", self.name, self[sum], self.print_interval, what))
    self[count], self[sum] = 0, 0
  end
  return r
end

function Profile:updateOutput(input)
  local m = self.modules[1]
  self.output = timed(self, "numFwds", "summedFwdTime", "forward", m.updateOutput, m, input)
  return self.output
end

function Profile:updateGradInput(input, gradOutput)
  local m = self.modules[1]
  self.gradInput = timed(self, "numBwds", "summedBwdTime", "backward", m.updateGradInput, m, input, gradOutput)
  return self.gradInput
end

-- ---------------------------------------------------------------- DontCast

-- dst made to hold src's values (nested tables of tensors) as typename
local function cast_copy(dst, src, typename)
  if type(src) == "table" then
    dst = type(dst) == "table" and dst or {}
    for k, v in pairs(src) do dst[k] = cast_copy(dst[k], v, typename) end
    return dst
  elseif torch.isTensor(src) then
    if torch.type(dst) ~= typename then dst = torch.getconstructortable(typename)() end
    dst:resize(src:size())
    if src:nElement() > 0 then dst:copy(src) end
    return dst
  end
  return dst
end

-- the type of the first tensor in x (a tensor or nested table), and whether there was one
local function tensor_type(x)
  if type(x) == "table" then
    for _, v in pairs(x) do
      local t, found = tensor_type(v)
      if found then return t, true end
    end
    return nil, false
  end
  return torch.type(x), torch.isTensor(x)
end

local DontCast = torch.class("nn.DontCast", "nn.Decorator", nn)

--- nn.DontCast(module [, castin, castout, moduleType]) -- module keeps its
-- tensor type when the network is converted (dontcast:type() leaves it
-- alone).  With castin, inputs of another type are copied to moduleType
-- and gradInput back to the input's type; with castout (default castin),
-- outputs are copied to this decorator's type.  moduleType defaults to the
-- type of module's output or parameters.
function DontCast:__init(module, castin, castout, moduleType)
  Decorator.__init(self, module)
  self.castin = castin
  if castout == nil then self.castout = castin else self.castout = castout end
  self.moduleType = moduleType
  if (self.castin or self.castout) and not self.moduleType then
    local t, found = tensor_type(module.output)
    if not found then t, found = tensor_type((module:parameters())) end
    if not found then
      ctor_fail("nn.DontCast", "cannot tell the module's tensor type: give it as argument 4")
    end
    self.moduleType = t
  end
end

-- the input as the module wants it
local function module_input(self, input, fresh)
  if self.castin and tensor_type(input) ~= self.moduleType then
    if fresh then self._input = cast_copy(self._input, input, self.moduleType) end
    return self._input
  end
  return input
end

local function module_grad(self, gradOutput, fresh)
  if self.castout and tensor_type(gradOutput) ~= self.moduleType then
    if fresh then self._gradOutput = cast_copy(self._gradOutput, gradOutput, self.moduleType) end
    return self._gradOutput
  end
  return gradOutput
end

function DontCast:updateOutput(input)
  local out = self.modules[1]:updateOutput(module_input(self, input, true))
  if self.castout then
    self.output = cast_copy(self.output, out, (tensor_type(self.output)))
  else
    self.output = out
  end
  return self.output
end

function DontCast:updateGradInput(input, gradOutput)
  local gi = self.modules[1]:updateGradInput(module_input(self, input), module_grad(self, gradOutput, true))
  if self.castin then
    self.gradInput = cast_copy(self.gradInput, gi, (tensor_type(self.gradInput)))
  else
    self.gradInput = gi
  end
  return self.gradInput
end

function DontCast:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(module_input(self, input), module_grad(self, gradOutput), scale)
end

function DontCast:accUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:accUpdateGradParameters(module_input(self, input), module_grad(self, gradOutput), lr)
end

--- dontcast:type(typename) -> self: the decorated module keeps its type;
-- only the cast output (castout) and gradInput (castin) change type.
function DontCast:type(typename)
  if not typename then return self._type end
  if self.castout and tensor_type(self.output) ~= typename then
    self.output = cast_copy(nil, self.output, typename)
  end
  if self.castin and tensor_type(self.gradInput) ~= typename then
    self.gradInput = cast_copy(nil, self.gradInput, typename)
  end
  self._type = typename
  return self
end

-- ---------------------------------------------------------------- Convert

local Convert = torch.class("nn.Convert", "nn.Container", nn)

--- nn.Convert([inputShape, outputShape]) -- converts a tensor between data
-- layouts named by letters (b batch, c channel, h height, w width, f
-- features, t target ...): a permutation of the same letters ('bchw' ->
-- 'chwb', 'chw' -> 'hwc') transposes; 'bf' flattens each sample; 'b', 'bt'
-- and 'default' as in Torch7.  A shape without 'b' is a non-batch input
-- (b is added in front).  The input is also copied to the module's tensor
-- type (so nn.Convert() alone converts types).
function Convert:__init(inputShape, outputShape)
  if outputShape and not inputShape then ctor_fail("nn.Convert", "outputShape given without inputShape") end
  Container.__init(self)
  inputShape = inputShape or "b*"
  outputShape = outputShape or inputShape
  self.inputShape = inputShape:find("b") and inputShape or ("b" .. inputShape)
  self.outputShape = outputShape:find("b") and outputShape or ("b" .. outputShape)
  self.inputBatchDim = self.inputShape:find("b")
  self.outputBatchDim = self.outputShape:find("b")
  if self.inputShape == "b*" or self.outputShape == "b*" then
    if self.inputShape ~= self.outputShape then ctor_fail("nn.Convert", "both shapes or neither must be b*") end
    self.nInputDim, self.nOutputDim = -1, -1
    self.transposition = true
  else
    self.nInputDim, self.nOutputDim = #self.inputShape, #self.outputShape
    self.transposition = false
    if self.nInputDim == self.nOutputDim then
      self.transposition = true
      for i = 1, self.nInputDim do
        if not self.outputShape:find(self.inputShape:sub(i, i), 1, true) then self.transposition = false end
      end
    end
  end
end

--- convert:findAxis(letter [, shape, silent]) -> the position of letter in shape (default inputShape).
function Convert:findAxis(letter, shape, silent)
  shape = shape or self.inputShape
  local pos = shape:find(letter, 1, true)
  if not pos and not silent then fail("nn.Convert", "shape '%s' has no axis '%s'", shape, letter) end
  return pos
end

--- convert:transpose(newShape) -> an nn.Transpose taking inputShape's axes to newShape's order.
function Convert:transpose(newShape)
  if newShape == self.inputShape then return nn.Identity() end
  local cur = {}
  for i = 1, #self.inputShape do cur[i] = self.inputShape:sub(i, i) end
  local swaps = {}
  for i = 1, #newShape do
    local want = newShape:sub(i, i)
    local j
    for k = 1, #cur do if cur[k] == want then j = k end end
    if j ~= i then
      cur[i], cur[j] = cur[j], cur[i]
      swaps[#swaps + 1] = { j, i }
    end
  end
  if #swaps == 0 then return nn.Identity() end
  return nn.Transpose(table.unpack(swaps))
end

--- convert:bf(input) -> the module flattening each sample to features.
function Convert:bf(input)
  local b = self:findAxis("b")
  local dim = #self.inputShape
  if self.inputShape == "bt" then fail("nn.Convert", "cannot convert shape bt to bf") end
  if dim == 1 then return nn.Reshape(1, true) end
  local m
  if b ~= 1 then m = nn.Transpose({ 1, b }) end
  if dim > 2 then
    local reshape = nn.Reshape(input:select(b, 1):nElement(), true)
    m = m and nn.Sequential():add(m):add(reshape) or reshape
  end
  return m or nn.Identity()
end

--- convert:b(input) -> the module keeping one value per sample.
function Convert:b(input)
  if self.inputShape == "bt" or self.inputShape == "tb" then
    return nn.Select(self:findAxis("t"), 1)
  elseif self.inputShape == "bf" or self.inputShape == "fb" then
    local f = self:findAxis("f")
    if input:size(f) > 1 then fail("nn.Convert", "cannot convert shape %s to b when there is more than one feature (input %s)", self.inputShape, util.shape(input)) end
    return nn.Select(f, 1)
  end
  fail("nn.Convert", "cannot convert shape %s to b", self.inputShape)
end

--- convert:bt() -> the module making a batch of targets from 'b'.
function Convert:bt()
  if self.inputShape ~= "b" then fail("nn.Convert", "cannot convert shape %s to bt", self.inputShape) end
  return nn.Reshape(1, true)
end

--- convert:default() -> nn.Identity().
function Convert:default() return nn.Identity() end

function Convert:buildConverter(input)
  if self.transposition then
    self.converter = self.inputShape == "b*" and nn.Identity() or self:transpose(self.outputShape)
  else
    local make = self[self.outputShape]
    if type(make) ~= "function" then
      fail("nn.Convert", "no conversion of shape %s to %s", self.inputShape, self.outputShape)
    end
    self.converter = make(self, input)
  end
  self.converter:type(torch.type(self.output))
  self.modules[1] = self.converter
end

function Convert:updateOutput(input)
  if not torch.isTensor(input) then fail("nn.Convert", "expected a tensor, got %s", torch.type(input)) end
  if torch.type(input) ~= torch.type(self.output) then
    self._input = self._input or util.new(self.output)
    self._input:resize(input:size()):copy(input)
    input = self._input
  end
  self.batchMode = true
  if input:dim() < self.nInputDim then
    local size = input:size():totable()
    table.insert(size, self.inputBatchDim, 1)
    self.__input = input:contiguous():view(table.unpack(size))
    input = self.__input
    self.batchMode = false
  end
  if not self.converter then self:buildConverter(input) end
  local out = self.converter:updateOutput(input)
  if not self.batchMode then
    local size = out:size():totable()
    table.remove(size, self.outputBatchDim)
    out = out:contiguous():view(table.unpack(size))
  end
  self.output = out
  return self.output
end

-- the converter's input and gradOutput for this call (batch shaped)
local function converter_args(self, input, gradOutput)
  local x = self._input or input
  if not self.batchMode then
    x = self.__input
    gradOutput = gradOutput:contiguous():view(self.converter.output:size())
  end
  return x, gradOutput
end

function Convert:updateGradInput(input, gradOutput)
  local x, g = converter_args(self, input, gradOutput)
  local gi = self.converter:updateGradInput(x, g)
  if not self.batchMode then gi = gi:contiguous():view(input:size()) end
  if self._input then
    self._gradInput = self._gradInput or util.new(input)
    self._gradInput:resize(input:size()):copy(gi)
    gi = self._gradInput
  end
  self.gradInput = gi
  return self.gradInput
end

function Convert:accGradParameters(input, gradOutput, scale)
  local x, g = converter_args(self, input, gradOutput)
  self.converter:accGradParameters(x, g, scale)
end

function Convert:accUpdateGradParameters(input, gradOutput, lr)
  local x, g = converter_args(self, input, gradOutput)
  self.converter:accUpdateGradParameters(x, g, lr)
end

function Convert:clearState()
  self._input, self._gradInput, self.__input = nil, nil, nil
  return Container.clearState(self)
end

--- convert:type(typename) -> self converted (its buffers dropped first).
function Convert:type(typename, cache)
  if not typename then return self._type end
  self._input, self._gradInput, self.__input = nil, nil, nil
  return Module.type(self, typename, cache)
end

function Convert:__tostring__()
  return string.format("%s(%s -> %s)", torch.type(self), self.inputShape, self.outputShape)
end

-- ---------------------------------------------------------------- weight normalisation

-- The gradients of w = g v / n (n = sqrt(|v|^2 + eps), per row) from dL/dw
-- (gw, rows of v): dL/dg = (gw . v) / n and dL/dv = (g / n) gw - (g dL/dg / n^2) v.
-- Adds scale times them to gradG (R) and gradV (R, K).
local function add_wn_grads(gw, v, g, norm, gradV, gradG)
  local R, K = v:size(1), v:size(2)
  local dg = torch.cmul(gw, v):sum(2):view(R):cdiv(norm)
  local s = torch.cdiv(g, norm)
  gradG:add(dg)
  gradV:add(torch.cmul(gw, s:view(R, 1):expand(R, K)))
  local c = torch.cmul(s, dg):cdiv(norm)
  gradV:add(-1, torch.cmul(v, c:view(R, 1):expand(R, K)))
end

local WeightNorm = torch.class("nn.WeightNorm", "nn.Decorator", nn)

--- nn.WeightNorm(module [, outputDim]) -- weight normalisation (Salimans and
-- Kingma, 2016) of a module with a weight: its weight is computed as
-- w = g * v / ||v|| for each slice along outputDim (default 1, the outputs
-- of Linear and convolutions), and the parameters are v, g (and the
-- module's bias).  ||v|| is sqrt(sum v^2 + 1e-4).  In training the weight
-- is recomputed at every forward; evaluate() fixes it.
function WeightNorm:__init(module, outputDim)
  Decorator.__init(self, module)
  if not torch.isTensor(module.weight) then
    ctor_fail("nn.WeightNorm", "the module has no weight (%s)", torch.type(module))
  end
  self.weight, self.gradWeight = module.weight, module.gradWeight
  if module.bias then self.bias, self.gradBias = module.bias, module.gradBias end
  self.outputDim = outputDim or 1
  local w = self.weight
  if self.outputDim < 1 or self.outputDim > w:dim() then
    ctor_fail("nn.WeightNorm", "outputDim %d is not a dimension of the weight (%s)", self.outputDim, util.shape(w))
  end
  local R = w:size(self.outputDim)
  local K = w:nElement() // R
  self.viewIn = torch.LongStorage { R, K }
  self.weightSize = w:size()
  self.v = torch.Tensor(R, K):typeAs(w)
  self.g = torch.Tensor(R):typeAs(w)
  self.gradV = torch.Tensor(R, K):typeAs(w):zero()
  self.gradG = torch.Tensor(R):typeAs(w):zero()
  self._norm = torch.Tensor(R):typeAs(w)
  self:resetInit()
end

-- the weight with outputDim first, as rows (a view when possible)
function WeightNorm:_rows(w)
  local t = w
  for i = self.outputDim - 1, 1, -1 do t = t:transpose(i, i + 1) end
  return t:contiguous():view(self.viewIn[1], self.viewIn[2])
end

-- copies rows (R, K) back into the weight's layout
function WeightNorm:_unrows(rows, w)
  local t = w
  for i = self.outputDim - 1, 1, -1 do t = t:transpose(i, i + 1) end
  t:copy(rows:view(t:size()))
end

--- wn:resetInit() -- v drawn from N(0, 2 / K), g = ||v|| (so w starts as v), bias 0.
function WeightNorm:resetInit()
  self.v:normal(0, math.sqrt(2 / self.viewIn[2]))
  self.g:copy(torch.norm(self.v, 2, 2):view(self.viewIn[1]))
  if self.bias then self.bias:zero() end
  return self
end

--- wn:updateWeight() -- recomputes the module's weight from v and g.
function WeightNorm:updateWeight()
  local R, K = self.viewIn[1], self.viewIn[2]
  self._norm = torch.cmul(self.v, self.v):sum(2):view(R):add(1e-4):sqrt()
  local s = torch.cdiv(self.g, self._norm)
  self:_unrows(torch.cmul(self.v, s:view(R, 1):expand(R, K)), self.weight)
end

function WeightNorm:updateOutput(input)
  if self.train ~= false then self:updateWeight() end
  self.output = self.modules[1]:updateOutput(input)
  return self.output
end

function WeightNorm:accGradParameters(input, gradOutput, scale)
  -- dL/dw of this call alone (the module's gradWeight keeps accumulating)
  local m = self.modules[1]
  local saved = m.gradWeight
  m.gradWeight = util.new(saved):resizeAs(saved):zero()
  local ok, err = pcall(m.accGradParameters, m, input, gradOutput, scale)
  local gw = m.gradWeight
  m.gradWeight = saved
  if not ok then error(err, 0) end
  saved:add(gw:viewAs(saved))
  if not self._norm or self._norm:nElement() ~= self.viewIn[1] then self:updateWeight() end
  add_wn_grads(self:_rows(gw), self.v, self.g, self._norm, self.gradV, self.gradG)
end

function WeightNorm:accUpdateGradParameters(input, gradOutput, lr)
  local gv, gg, gb = self.gradV, self.gradG, self.modules[1].gradBias
  self.gradV, self.gradG = torch.zeros(gv:size()):typeAs(gv), torch.zeros(gg:size()):typeAs(gg)
  if gb then self.modules[1].gradBias = util.new(gb):resizeAs(gb):zero() end
  self:accGradParameters(input, gradOutput, 1)
  self.v:add(-lr, self.gradV)
  self.g:add(-lr, self.gradG)
  if gb then self.bias:add(-lr, self.modules[1].gradBias) end
  self.gradV, self.gradG, self.modules[1].gradBias = gv, gg, gb
end

function WeightNorm:zeroGradParameters()
  self.modules[1]:zeroGradParameters()
  self.gradV:zero()
  self.gradG:zero()
end

--- wn:parameters() -> {v, g [, bias]}, {gradV, gradG [, gradBias]}.
function WeightNorm:parameters()
  if self.bias then
    return { self.v, self.g, self.bias }, { self.gradV, self.gradG, self.gradBias }
  end
  return { self.v, self.g }, { self.gradV, self.gradG }
end

function WeightNorm:updateParameters(lr)
  Module.updateParameters(self, lr)
  self:updateWeight()
end

function WeightNorm:evaluate()
  if self.train ~= false then self:updateWeight() end
  return Container.evaluate(self)
end

function WeightNorm:__tostring__()
  return "nn.WeightNorm @ " .. tostring(self.modules[1])
end

-- ---------------------------------------------------------------- LinearWeightNorm

local LWN = torch.class("nn.LinearWeightNorm", "nn.Linear", nn)

--- nn.LinearWeightNorm(inputSize, outputSize [, bias, eps]) -- nn.Linear whose
-- weight is g * v / ||v|| per output row; parameters v (out, in), g (out, 1)
-- and bias.  ||v|| is clamped below by eps (1e-16).  In training the weight
-- is recomputed at every forward; evaluate() and toLinear() fix it.
function LWN:__init(inputSize, outputSize, bias, eps)
  Module.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.LinearWeightNorm: expected LinearWeightNorm(inputSize, outputSize [, bias, eps])", 2)
  end
  self.eps = eps or 1e-16
  self.inputSize, self.outputSize = inputSize, outputSize
  self.v = torch.Tensor(outputSize, inputSize)
  self.gradV = torch.Tensor(outputSize, inputSize)
  self.weight = torch.Tensor(outputSize, inputSize)
  self.g = torch.Tensor(outputSize, 1)
  self.gradG = torch.Tensor(outputSize, 1)
  self.norm = torch.Tensor(outputSize, 1)
  self.scale = torch.Tensor(outputSize, 1)
  if bias ~= false then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self:reset()
end

--- lwn:initFromWeight([weight]) -> self: v = weight, g = its row norms.
function LWN:initFromWeight(weight)
  weight = weight or self.weight
  self.g:norm(weight, 2, 2):clamp(self.eps, math.huge)
  self.v:copy(weight)
  return self
end

--- nn.LinearWeightNorm.fromLinear(linear) -> the same layer, weight-normalised.
function LWN.fromLinear(linear)
  local m = nn.LinearWeightNorm(linear.weight:size(2), linear.weight:size(1), torch.isTensor(linear.bias))
  m.weight:copy(linear.weight)
  m:initFromWeight()
  if linear.bias then m.bias:copy(linear.bias) end
  return m
end

--- lwn:toLinear() -> an nn.Linear with the current weight and bias.
function LWN:toLinear()
  self:updateWeightMatrix()
  local m = nn.Linear(self.inputSize, self.outputSize, torch.isTensor(self.bias))
  m.weight:copy(self.weight)
  if self.bias then m.bias:copy(self.bias) end
  return m
end

function LWN:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.inputSize)
  self.weight:uniform(-stdv, stdv)
  self:initFromWeight()
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

--- lwn:parameters() -> {v, g [, bias]}, {gradV, gradG [, gradBias]}.
function LWN:parameters()
  if self.bias then
    return { self.v, self.g, self.bias }, { self.gradV, self.gradG, self.gradBias }
  end
  return { self.v, self.g }, { self.gradV, self.gradG }
end

--- lwn:updateWeightMatrix() -- weight = v * g / max(||v||, eps), row by row.
function LWN:updateWeightMatrix()
  local R = self.outputSize
  self.norm = self.norm:dim() == 0 and util.new(self.g) or self.norm
  self.scale = self.scale:dim() == 0 and util.new(self.g) or self.scale
  self.norm:norm(self.v, 2, 2):clamp(self.eps, math.huge)
  self.scale:cdiv(self.g, self.norm)
  self.weight:resizeAs(self.v):cmul(self.v, self.scale:expand(R, self.inputSize))
end

function LWN:updateOutput(input)
  if self.train ~= false then self:updateWeightMatrix() end
  return nn.Linear.updateOutput(self, input)
end

function LWN:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local R = self.outputSize
  local gw
  if input:dim() == 1 then
    gw = torch.ger(gradOutput, input):mul(scale)
    if self.bias then self.gradBias:add(scale, gradOutput) end
  else
    gw = torch.mm(gradOutput:t(), input):mul(scale)
    if self.bias then self.gradBias:add(scale, gradOutput:sum(1):view(R)) end
  end
  if self.norm:nElement() ~= R then self:updateWeightMatrix() end
  -- the norm clamped at eps has no gradient through ||v||; the formula
  -- below assumes the unclamped norm, as Torch7 does
  local gradG = util.new(self.g):resize(R):zero()
  add_wn_grads(gw, self.v, self.g:view(R), self.norm:view(R), self.gradV, gradG)
  self.gradG:add(gradG:view(R, 1))
end

function LWN:accUpdateGradParameters(input, gradOutput, lr)
  -- the gradients into fresh buffers first: they read v and g
  local gv, gg, gb = self.gradV, self.gradG, self.gradBias
  self.gradV, self.gradG = torch.zeros(gv:size()):typeAs(gv), torch.zeros(gg:size()):typeAs(gg)
  if gb then self.gradBias = torch.zeros(gb:size()):typeAs(gb) end
  local ok, err = pcall(self.accGradParameters, self, input, gradOutput, 1)
  if ok then
    self.v:add(-lr, self.gradV)
    self.g:add(-lr, self.gradG)
    if gb then self.bias:add(-lr, self.gradBias) end
  end
  self.gradV, self.gradG, self.gradBias = gv, gg, gb
  if not ok then error(err, 0) end
end

function LWN:evaluate()
  if self.train ~= false then self:updateWeightMatrix() end
  return Module.evaluate(self)
end

function LWN:clearState()
  self.norm:set()
  self.scale:set()
  return Module.clearState(self)
end

function LWN:__tostring__()
  return string.format("%s(%d -> %d)%s", torch.type(self), self.inputSize, self.outputSize,
    self.bias == nil and " without bias" or "")
end

return Decorator
