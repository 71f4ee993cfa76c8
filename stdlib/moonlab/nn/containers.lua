-- Containers: nn.Container (the shared part), nn.Sequential, nn.Concat,
-- nn.ConcatTable, nn.ParallelTable, nn.Parallel.  A container keeps its
-- children in `modules`, gathers their parameters, and propagates
-- training/evaluate, share, reset, type and clearState.
-- DepthConcat, MapTable and Bottle are in tables.lua.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local Container, parent = torch.class("nn.Container", "nn.Module", nn)

function Container:__init(...)
  parent.__init(self, ...)
  self.modules = {}
end

--- container:add(module) -> self: appends a child.
function Container:add(module)
  if not torch.isTypeOf(module, "nn.Module") then
    error("nn." .. torch.type(self):gsub("^nn%.", "") .. ".add: expected an nn.Module, got "
      .. torch.type(module), 2)
  end
  self.modules[#self.modules + 1] = module
  return self
end

--- container:get(i) -> the i-th child.
function Container:get(index) return self.modules[index] end

--- container:size() -> the number of children.
function Container:size() return #self.modules end

-- Runs f(child, i) on each child, adding context to errors.
function Container:rethrowErrors(module, moduleIndex, funcName, ...)
  local function handle(err)
    if type(err) == "string" then
      err = string.format("In %d module of %s:\n%s", moduleIndex, torch.type(self), err)
    end
    return err
  end
  local ok, r1, r2 = xpcall(module[funcName], handle, module, ...)
  if not ok then error(r1, 0) end
  return r1, r2
end

function Container:applyToModules(func)
  for _, module in ipairs(self.modules) do func(module) end
end

function Container:zeroGradParameters()
  self:applyToModules(function(m) m:zeroGradParameters() end)
end

function Container:updateParameters(lr)
  self:applyToModules(function(m) m:updateParameters(lr) end)
end

function Container:training()
  self:applyToModules(function(m) m:training() end)
  return nn.Module.training(self)
end

function Container:evaluate()
  self:applyToModules(function(m) m:evaluate() end)
  return nn.Module.evaluate(self)
end

function Container:share(mlp, ...)
  for i = 1, #self.modules do self.modules[i]:share(mlp.modules[i], ...) end
  return self
end

function Container:reset(stdv)
  self:applyToModules(function(m) m:reset(stdv) end)
  return self
end

--- container:parameters() -> every child's parameters and gradients, in order.
function Container:parameters()
  local w, gw = {}, {}
  for _, m in ipairs(self.modules) do
    local mw, mgw = m:parameters()
    if mw then
      for i = 1, #mw do
        w[#w + 1] = mw[i]
        gw[#gw + 1] = mgw[i]
      end
    end
  end
  return w, gw
end

function Container:clearState()
  nn.Module.clearState(self)
  self:applyToModules(function(m) m:clearState() end)
  return self
end

-- ---------------------------------------------------------------- Sequential

local Sequential = torch.class("nn.Sequential", "nn.Container", nn)

--- nn.Sequential() -- children applied one after the other.
function Sequential:__len() return #self.modules end

--- sequential:insert(module [, index]) -> self.
function Sequential:insert(module, index)
  index = index or (#self.modules + 1)
  if index > #self.modules + 1 or index < 1 then
    error("nn.Sequential.insert: index " .. index .. " is out of range (1.." .. (#self.modules + 1) .. ")", 2)
  end
  table.insert(self.modules, index, module)
  self.output = self.modules[#self.modules].output
  self.gradInput = self.modules[1].gradInput
  return self
end

--- sequential:remove([index]) -> the removed module (the last by default).
function Sequential:remove(index)
  index = index or #self.modules
  if index > #self.modules or index < 1 then
    error("nn.Sequential.remove: index " .. index .. " is out of range (1.." .. #self.modules .. ")", 2)
  end
  local m = table.remove(self.modules, index)
  if #self.modules > 0 then
    self.output = self.modules[#self.modules].output
    self.gradInput = self.modules[1].gradInput
  else
    self.output = torch.Tensor()
    self.gradInput = torch.Tensor()
  end
  return m
end

function Sequential:add(module)
  Container.add(self, module)
  if #self.modules == 1 then self.gradInput = module.gradInput end
  self.output = module.output
  return self
end

function Sequential:updateOutput(input)
  local current = input
  for i = 1, #self.modules do
    current = self:rethrowErrors(self.modules[i], i, "updateOutput", current)
  end
  self.output = current
  return current
end

function Sequential:updateGradInput(input, gradOutput)
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    g = self:rethrowErrors(m[i], i, "updateGradInput", m[i - 1].output, g)
  end
  g = self:rethrowErrors(m[1], 1, "updateGradInput", input, g)
  self.gradInput = g
  return g
end

function Sequential:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    self:rethrowErrors(m[i], i, "accGradParameters", m[i - 1].output, g, scale)
    g = m[i].gradInput
  end
  self:rethrowErrors(m[1], 1, "accGradParameters", input, g, scale)
end

function Sequential:backward(input, gradOutput, scale)
  scale = scale or 1
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    g = self:rethrowErrors(m[i], i, "backward", m[i - 1].output, g, scale)
  end
  g = self:rethrowErrors(m[1], 1, "backward", input, g, scale)
  self.gradInput = g
  return g
end

function Sequential:accUpdateGradParameters(input, gradOutput, lr)
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    m[i]:accUpdateGradParameters(m[i - 1].output, g, lr)
    g = m[i].gradInput
  end
  m[1]:accUpdateGradParameters(input, g, lr)
end

function Sequential:__tostring__()
  local tab, line = "  ", "\n"
  local chain = { "input" }
  for i = 1, #self.modules do chain[#chain + 1] = "(" .. i .. ")" end
  chain[#chain + 1] = "output"
  local s = torch.type(self) .. " {" .. line .. tab .. "[" .. table.concat(chain, " -> ") .. "]"
  for i, m in ipairs(self.modules) do
    s = s .. line .. tab .. "(" .. i .. "): " .. tostring(m):gsub(line, line .. tab)
  end
  return s .. line .. "}"
end

-- ---------------------------------------------------------------- Concat

local Concat = torch.class("nn.Concat", "nn.Container", nn)

--- nn.Concat(dim) -- every child gets the same input; outputs joined along dim.
function Concat:__init(dimension)
  Container.__init(self)
  self.outputSize = torch.LongStorage()
  self.dimension = dimension
end

function Concat:updateOutput(input)
  local outs = {}
  local size
  for i, m in ipairs(self.modules) do
    local o = self:rethrowErrors(m, i, "updateOutput", input)
    outs[i] = o
    if i == 1 then
      size = o:size()
    else
      size[self.dimension] = size[self.dimension] + o:size(self.dimension)
    end
  end
  self.output:resize(size)
  local offset = 1
  for i, o in ipairs(outs) do
    local n = o:size(self.dimension)
    self.output:narrow(self.dimension, offset, n):copy(o)
    offset = offset + n
  end
  return self.output
end

function Concat:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  local offset = 1
  for i, m in ipairs(self.modules) do
    local o = m.output
    local n = o:size(self.dimension)
    local gi = self:rethrowErrors(m, i, "updateGradInput", input, gradOutput:narrow(self.dimension, offset, n))
    if gi:nElement() > 0 then self.gradInput:add(gi) end
    offset = offset + n
  end
  return self.gradInput
end

function Concat:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local offset = 1
  for i, m in ipairs(self.modules) do
    local n = m.output:size(self.dimension)
    self:rethrowErrors(m, i, "accGradParameters", input, gradOutput:narrow(self.dimension, offset, n), scale)
    offset = offset + n
  end
end

function Concat:backward(input, gradOutput, scale)
  scale = scale or 1
  self.gradInput:resizeAs(input):zero()
  local offset = 1
  for i, m in ipairs(self.modules) do
    local n = m.output:size(self.dimension)
    local gi = self:rethrowErrors(m, i, "backward", input, gradOutput:narrow(self.dimension, offset, n), scale)
    if gi:nElement() > 0 then self.gradInput:add(gi) end
    offset = offset + n
  end
  return self.gradInput
end

local function branch_string(self)
  local tab, line, ext = "  ", "\n", "  |    "
  local last = "   ... -> "
  local s = torch.type(self) .. " {" .. line .. tab .. "input"
  for i, m in ipairs(self.modules) do
    if i == #self.modules then
      s = s .. line .. tab .. "  `-> (" .. i .. "): " .. tostring(m):gsub(line, line .. tab .. "       ")
    else
      s = s .. line .. tab .. "  |`-> (" .. i .. "): " .. tostring(m):gsub(line, line .. tab .. ext)
    end
  end
  return s .. line .. tab .. last .. "output" .. line .. "}"
end
Concat.__tostring__ = branch_string

-- ---------------------------------------------------------------- ConcatTable

local ConcatTable = torch.class("nn.ConcatTable", "nn.Container", nn)

--- nn.ConcatTable() -- every child gets the same input; output is the table of outputs.
function ConcatTable:__init()
  Container.__init(self)
  self.modules = {}
  self.output = {}
end

function ConcatTable:updateOutput(input)
  for i, m in ipairs(self.modules) do
    self.output[i] = self:rethrowErrors(m, i, "updateOutput", input)
  end
  for i = #self.modules + 1, #self.output do self.output[i] = nil end
  return self.output
end

-- Adds the children's gradInputs (tensors or nested tables) into gradInput.
local function sum_grads(self, method, input, gradOutput, scale)
  for i, m in ipairs(self.modules) do
    local gi = self:rethrowErrors(m, i, method, input, gradOutput[i], scale)
    if i == 1 then
      self.gradInput = util.recursiveCopy(self.gradInput, gi)
    else
      util.recursiveAdd(self.gradInput, gi)
    end
  end
  if #self.modules == 0 then self.gradInput = util.recursiveResizeAs(self.gradInput, input) end
  -- a table input may shrink between calls: drop stale entries
  if type(input) == "table" and type(self.gradInput) == "table" then
    for k in pairs(self.gradInput) do if input[k] == nil then self.gradInput[k] = nil end end
  end
  return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
  return sum_grads(self, "updateGradInput", input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
  return sum_grads(self, "backward", input, gradOutput, scale or 1)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, "accGradParameters", input, gradOutput[i], scale)
  end
end

function ConcatTable:accUpdateGradParameters(input, gradOutput, lr)
  for i, m in ipairs(self.modules) do m:accUpdateGradParameters(input, gradOutput[i], lr) end
end

ConcatTable.__tostring__ = branch_string

-- ---------------------------------------------------------------- ParallelTable

local ParallelTable = torch.class("nn.ParallelTable", "nn.Container", nn)

--- nn.ParallelTable() -- child i gets input[i]; output is the table of outputs.
function ParallelTable:__init()
  Container.__init(self)
  self.modules = {}
  self.output = {}
  self.gradInput = {}
end

function ParallelTable:updateOutput(input)
  for i, m in ipairs(self.modules) do
    self.output[i] = self:rethrowErrors(m, i, "updateOutput", input[i])
  end
  return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
  for i, m in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(m, i, "updateGradInput", input[i], gradOutput[i])
  end
  return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, "accGradParameters", input[i], gradOutput[i], scale)
  end
end

function ParallelTable:backward(input, gradOutput, scale)
  scale = scale or 1
  for i, m in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(m, i, "backward", input[i], gradOutput[i], scale)
  end
  return self.gradInput
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
  for i, m in ipairs(self.modules) do m:accUpdateGradParameters(input[i], gradOutput[i], lr) end
end

function ParallelTable:__tostring__()
  local tab, line, ext = "  ", "\n", "  |    "
  local s = torch.type(self) .. " {" .. line .. tab .. "input"
  for i, m in ipairs(self.modules) do
    if i == #self.modules then
      s = s .. line .. tab .. "  `-> (" .. i .. "): " .. tostring(m):gsub(line, line .. tab .. "       ")
    else
      s = s .. line .. tab .. "  |`-> (" .. i .. "): " .. tostring(m):gsub(line, line .. tab .. ext)
    end
  end
  return s .. line .. tab .. "   ... -> output" .. line .. "}"
end

-- ---------------------------------------------------------------- Parallel

local Parallel = torch.class("nn.Parallel", "nn.Container", nn)

--- nn.Parallel(inputDim, outputDim) -- child i gets input:select(inputDim, i);
-- outputs joined along outputDim.
function Parallel:__init(inputDimension, outputDimension)
  Container.__init(self)
  self.modules = {}
  self.inputDimension = inputDimension
  self.outputDimension = outputDimension
end

-- Torch7's rule: one child per slice of the input along inputDimension
-- (children beyond that are not used); fewer children is an error.
local function slices(self, who, input)
  local n = input:size(self.inputDimension)
  if n > #self.modules then
    error(string.format("nn.Parallel.%s: the input has %d slices along dimension %d but there are only %d modules",
      who, n, self.inputDimension, #self.modules), 3)
  end
  return n
end

function Parallel:updateOutput(input)
  local n = slices(self, "updateOutput", input)
  local outs, size = {}, nil
  for i = 1, n do
    local o = self:rethrowErrors(self.modules[i], i, "updateOutput", input:select(self.inputDimension, i))
    outs[i] = o
    if i == 1 then size = o:size() else
      size[self.outputDimension] = size[self.outputDimension] + o:size(self.outputDimension)
    end
  end
  self.output:resize(size)
  local offset = 1
  for i = 1, n do
    local k = outs[i]:size(self.outputDimension)
    self.output:narrow(self.outputDimension, offset, k):copy(outs[i])
    offset = offset + k
  end
  return self.output
end

function Parallel:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input)
  local offset = 1
  for i = 1, slices(self, "updateGradInput", input) do
    local m = self.modules[i]
    local k = m.output:size(self.outputDimension)
    local gi = self:rethrowErrors(m, i, "updateGradInput", input:select(self.inputDimension, i),
      gradOutput:narrow(self.outputDimension, offset, k))
    self.gradInput:select(self.inputDimension, i):copy(gi)
    offset = offset + k
  end
  return self.gradInput
end

function Parallel:accGradParameters(input, gradOutput, scale)
  local offset = 1
  for i = 1, slices(self, "accGradParameters", input) do
    local m = self.modules[i]
    local k = m.output:size(self.outputDimension)
    self:rethrowErrors(m, i, "accGradParameters", input:select(self.inputDimension, i),
      gradOutput:narrow(self.outputDimension, offset, k), scale or 1)
    offset = offset + k
  end
end

function Parallel:__tostring__()
  local tab, line, ext = "  ", "\n", "  |    "
  local s = torch.type(self) .. " {" .. line .. tab .. "input"
  for i, m in ipairs(self.modules) do
    if i == #self.modules then
      s = s .. line .. tab .. "  `-> (" .. i .. "): " .. tostring(m):gsub(line, line .. tab .. "       ")
    else
      s = s .. line .. tab .. "  |`-> (" .. i .. "): " .. tostring(m):gsub(line, line .. tab .. ext)
    end
  end
  return s .. line .. tab .. "   ... -> output" .. line .. "}"
end

return Container
