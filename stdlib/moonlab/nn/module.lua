-- nn.Module and nn.Criterion: the base classes of Torch7's nn API on
-- moonlab's tensors.  A module keeps `output` and `gradInput` tensors and
-- implements updateOutput / updateGradInput / accGradParameters; the base
-- class builds forward, backward, parameter handling (parameters,
-- getParameters with flattened views, zeroGradParameters, updateParameters),
-- cloning with shared parameters, type conversion, listModules and apply on
-- those.  Classes are torch.class classes, so modules save and load through
-- torch.save/torch.load (fields only, no code) and read Torch7's files.
--
-- Deliberately not here: CUDA types, Torch7's accUpdateGradParameters
-- trickery for sparse modules, and the `nn.utils` helpers beyond what the
-- modules need (see util.lua).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local Module = torch.class("nn.Module", nil, nn)

--- Module() -- the base class: output and gradInput tensors, training mode.
function Module:__init()
  self.gradInput = torch.Tensor()
  self.output = torch.Tensor()
  self._type = self.output:type()
  self.train = true
end

--- module:parameters() -> {weights...}, {gradWeights...} (weight and bias by default).
function Module:parameters()
  if self.weight and self.bias then
    return { self.weight, self.bias }, { self.gradWeight, self.gradBias }
  elseif self.weight then
    return { self.weight }, { self.gradWeight }
  elseif self.bias then
    return { self.bias }, { self.gradBias }
  end
end

--- module:updateOutput(input) -> output (the identity by default).
function Module:updateOutput(input)
  return self.output
end

--- module:forward(input) -> output.
function Module:forward(input)
  return self:updateOutput(input)
end

--- module:backward(input, gradOutput [, scale]) -> gradInput; accumulates
-- the parameters' gradients times scale (default 1).
function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

--- module:backwardUpdate(input, gradOutput, lr): backward then updates the
-- parameters in place (accUpdateGradParameters).
function Module:backwardUpdate(input, gradOutput, lr)
  self:updateGradInput(input, gradOutput)
  self:accUpdateGradParameters(input, gradOutput, lr)
  return self.gradInput
end

--- module:updateGradInput(input, gradOutput) -> gradInput.
function Module:updateGradInput(input, gradOutput)
  return self.gradInput
end

--- module:accGradParameters(input, gradOutput, scale): gradients of the
-- parameters (nothing for modules without parameters).
function Module:accGradParameters(input, gradOutput, scale)
end

--- module:accUpdateGradParameters(input, gradOutput, lr): parameters -=
-- lr * their gradient for this input, without keeping gradients.
function Module:accUpdateGradParameters(input, gradOutput, lr)
  if self._sharedParams then return self:sharedAccUpdateGradParameters(input, gradOutput, lr) end
  if self.weight == nil and self.bias == nil then return end
  local gw, gb = self.gradWeight, self.gradBias
  self.gradWeight, self.gradBias = self.weight, self.bias
  self:accGradParameters(input, gradOutput, -lr)
  self.gradWeight, self.gradBias = gw, gb
end

--- module:sharedAccUpdateGradParameters(input, gradOutput, lr)
function Module:sharedAccUpdateGradParameters(input, gradOutput, lr)
  if self:parameters() then
    self:zeroGradParameters()
    self:accGradParameters(input, gradOutput, 1)
    self:updateParameters(lr)
  end
end

--- module:zeroGradParameters(): sets every parameter gradient to 0.
function Module:zeroGradParameters()
  local _, grads = self:parameters()
  if grads then
    for _, g in ipairs(grads) do g:zero() end
  end
end

--- module:updateParameters(lr): parameters -= lr * gradients.
function Module:updateParameters(learningRate)
  local params, grads = self:parameters()
  if params then
    for i = 1, #params do params[i]:add(-learningRate, grads[i]) end
  end
end

--- module:training() -> self: training mode (Dropout drops, BatchNorm updates).
function Module:training()
  self.train = true
  return self
end

--- module:evaluate() -> self: evaluation mode.
function Module:evaluate()
  self.train = false
  return self
end

--- module:share(other, name...) -> self: the named fields of self become
-- views of other's tensors ("weight", "bias", "gradWeight" ...).
function Module:share(mlp, ...)
  local names = { ... }
  for _, name in ipairs(names) do
    if self[name] ~= nil then
      self[name]:set(mlp[name])
      self._sharedParams = true
      mlp._sharedParams = true
    end
  end
  return self
end

--- module:clone([name...]) -> a deep copy; with names, the copy shares those
-- parameters with the original ("weight", "bias", "gradWeight", "gradBias").
function Module:clone(...)
  local f = torch.MemoryFile("rw"):binary()
  f:writeObject(self)
  f:seek(1)
  local clone = f:readObject()
  f:close()
  if select("#", ...) > 0 then clone:share(self, ...) end
  return clone
end

--- module:type(typename [, cache]) -> self with every tensor field (deeply)
-- converted to typename ("torch.FloatTensor" ...).  Tensors shared within
-- the module stay shared.  Without arguments returns the current type.
function Module:type(typename, tensorCache)
  if not typename then return self._type end
  tensorCache = tensorCache or {}
  for key, param in pairs(self) do
    self[key] = util.recursiveType(param, typename, tensorCache)
  end
  self._type = typename
  return self
end

--- module:float() -> self:type("torch.FloatTensor").
function Module:float(...) return self:type("torch.FloatTensor", ...) end
--- module:double() -> self:type("torch.DoubleTensor").
function Module:double(...) return self:type("torch.DoubleTensor", ...) end

--- module:reset() -> self: re-initialises the parameters (per layer).
function Module:reset() return self end

--- module:write / read are not defined: torch.save writes the fields.

--- module:getParameters() -> flatParameters, flatGradParameters: one
-- contiguous tensor each; every parameter (and gradient) becomes a view into
-- it, so optimising the flat vector optimises the module.  Parameters that
-- shared storage keep sharing it.  Call once, after building the model.
function Module:getParameters()
  local params, grads = self:parameters()
  local flatParams = Module.flatten(params)
  collectgarbage()
  local flatGrads = Module.flatten(grads)
  collectgarbage()
  return flatParams, flatGrads
end

-- true when t's elements fill one contiguous block of its storage (in some
-- order of its dimensions): a transposed matrix is compact, a column of a
-- matrix is not.  Dimensions of size 1 or stride 0 (expanded) take no room.
local function is_compact(t)
  local dims = {}
  for d = 1, t:dim() do
    if t:size(d) > 1 and t:stride(d) > 0 then dims[#dims + 1] = { t:size(d), t:stride(d) } end
  end
  table.sort(dims, function(a, b) return a[2] < b[2] end)
  local expect = 1
  for _, ds in ipairs(dims) do
    if ds[2] ~= expect then return false end
    expect = expect * ds[1]
  end
  return true
end

--- nn.Module.flatten(tensors) -> flat: one new contiguous tensor holding the
-- elements of every storage the tensors view; each tensor is then re-set
-- (same sizes and strides) into flat's storage, so tensors that shared a
-- storage still share, and overlapping tensors still overlap.  Elements of
-- a storage that no tensor reaches are dropped; that needs every tensor to
-- be compact (is_compact), else it raises an error, as Torch7 does.
function Module.flatten(parameters)
  if not parameters or #parameters == 0 then return torch.Tensor() end
  local Tensor = torch.getconstructortable(torch.typename(parameters[1]))
  -- 1. the distinct storages, laid end to end in one index space
  local storages, order, meta, total = {}, {}, {}, 0
  for k, p in ipairs(parameters) do
    local st = p:storage()
    if st and p:nElement() > 0 then
      local key = torch.pointer(st)
      if not storages[key] then
        storages[key] = { storage = st, base = total }
        order[#order + 1] = key
        total = total + st:size()
      end
      meta[k] = { offset = storages[key].base + p:storageOffset(), size = p:size(), stride = p:stride() }
    end
  end
  if total == 0 then return Tensor() end
  -- 2. which of those elements some tensor uses
  local used = torch.LongTensor(total):zero()
  local compact = true
  for k, p in ipairs(parameters) do
    local m = meta[k]
    if m then
      torch.LongTensor():set(used:storage(), m.offset, m.size, m.stride):fill(1)
      compact = compact and is_compact(p)
    end
  end
  -- 3. every storage copied in, then the unused elements squeezed out
  local all = Tensor(total)
  for _, key in ipairs(order) do
    local s = storages[key]
    all:narrow(1, s.base + 1, s.storage:size()):copy(Tensor(s.storage))
  end
  local flat = all
  local nused = used:sum()
  if nused ~= total then
    if not compact then
      error("nn.Module.flatten: cannot gather tensors that are not compact " ..
            "(a parameter skips elements of its storage that no other parameter uses)", 2)
    end
    local newpos = used:cumsum(1)
    flat = all:maskedSelect(used:eq(1))
    for _, m in pairs(meta) do m.offset = newpos[m.offset] end
  end
  -- 4. every tensor re-pointed into flat
  local fstorage = flat:storage()
  for k, p in ipairs(parameters) do
    local m = meta[k]
    if m then
      p:set(fstorage, m.offset, m.size, m.stride)
    else
      p:set(fstorage, 1, torch.LongStorage{ 0 })
    end
  end
  return flat
end

--- module:__call__(input [, gradOutput]) -> output [, gradInput]: forward,
-- and backward too when gradOutput is given.
function Module:__call__(input, gradOutput)
  self:forward(input)
  if gradOutput then
    self:backward(input, gradOutput)
    return self.output, self.gradInput
  end
  return self.output
end

--- module:findModules(typename [, container]) -> modules, containers: every
-- module of that class in self (depth first) and the container of each.
function Module:findModules(typename, container)
  container = container or self
  local nodes, containers = {}, {}
  if torch.type(self) == typename then
    nodes[#nodes + 1] = self
    containers[#containers + 1] = container
  end
  if self.modules then
    for _, child in ipairs(self.modules) do
      local n, c = child:findModules(typename, self)
      for i = 1, #n do
        nodes[#nodes + 1] = n[i]
        containers[#containers + 1] = c[i]
      end
    end
  end
  return nodes, containers
end

--- module:listModules() -> {self, submodules... depth first}.
function Module:listModules()
  local list = { self }
  if self.modules then
    for _, child in ipairs(self.modules) do
      for _, m in ipairs(child:listModules()) do list[#list + 1] = m end
    end
  end
  return list
end

--- module:apply(fn): calls fn(m) on self and every submodule, depth first.
function Module:apply(callback)
  callback(self)
  if self.modules then
    for _, m in ipairs(self.modules) do m:apply(callback) end
  end
end

--- module:replace(fn) -> self: every submodule m becomes fn(m).
function Module:replace(callback)
  local out = callback(self)
  if self.modules then
    for i, m in ipairs(self.modules) do self.modules[i] = m:replace(callback) end
  end
  return out
end

--- module:clearState() -> self: empties output, gradInput and buffers.
function Module:clearState()
  return util.clear(self, "output", "gradInput")
end

--- module:__tostring__() -> the class name (containers print their children).
function Module:__tostring__()
  return torch.type(self)
end

--- module:training mode flag is self.train.

-- ---------------------------------------------------------------- Criterion

local Criterion = torch.class("nn.Criterion", nil, nn)

--- Criterion() -- the base class of losses: output (a number) and gradInput.
function Criterion:__init()
  self.gradInput = torch.Tensor()
  self.output = 0
end

--- criterion:updateOutput(input, target) -> loss.
function Criterion:updateOutput(input, target) end

--- criterion:forward(input, target) -> loss (a number).
function Criterion:forward(input, target)
  return self:updateOutput(input, target)
end

--- criterion:backward(input, target) -> gradInput (d loss / d input).
function Criterion:backward(input, target)
  return self:updateGradInput(input, target)
end

--- criterion:updateGradInput(input, target) -> gradInput.
function Criterion:updateGradInput(input, target) end

--- criterion:clone() -> a deep copy.
function Criterion:clone()
  return Module.clone(self)
end

--- criterion:type(typename) -> self converted.
function Criterion:type(typename, tensorCache)
  if not typename then return self._type end
  tensorCache = tensorCache or {}
  for key, param in pairs(self) do
    self[key] = util.recursiveType(param, typename, tensorCache)
  end
  self._type = typename
  return self
end
function Criterion:float() return self:type("torch.FloatTensor") end
function Criterion:double() return self:type("torch.DoubleTensor") end

--- criterion:__call__(input, target) -> loss, gradInput.
function Criterion:__call__(input, target)
  self.output = self:forward(input, target)
  self.gradInput = self:backward(input, target)
  return self.output, self.gradInput
end

function Criterion:__tostring__() return torch.type(self) end

return Module
