-- nn.hessian: Torch7's diagonal-Hessian extension (LeCun's diagonal
-- Levenberg-Marquardt): nn.hessian.enable() gives the linear layers
-- (Linear, SpatialConvolution, SpatialConvolutionLocal, SpatialFullConvolution,
-- SpatialConvolutionMap, SpatialFullConvolutionMap), Tanh, Square, Sqrt and
-- Sequential the methods updateDiagHessianInput, accDiagHessianParameters and
-- initDiagHessianParameters (the Gauss-Newton approximation: second
-- derivatives through squared weights and squared inputs), and
-- nn.Jacobian.testDiagHessianInput/Weight/Bias compare them with the exact
-- diagonal of a linear module.
-- Not here: Torch7's replacement of Module.parameters/getParameters by
-- versions that also return the Hessian buffers (moonlab's stay unchanged).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

nn.hessian = nn.hessian or {}

-- the module's `names[i]` fields swapped with `others[i]`
local function swap(m, names, others)
  for i = 1, #names do m[names[i]], m[others[i]] = m[others[i]], m[names[i]] end
end

-- diagHessianInput: updateGradInput through the squared weights
local function diag_input(self, input, dho)
  local w = self.weight
  self._weightSq = self._weightSq and torch.typename(self._weightSq) == torch.typename(w) and self._weightSq
    or util.new(w)
  self._weightSq:resizeAs(w):cmul(w, w)
  swap(self, { "weight" }, { "_weightSq" })
  local gi = self.gradInput
  self.gradInput = self.diagHessianInput or util.new(input)
  local ok, err = pcall(self.updateGradInput, self, input, dho)
  self.diagHessianInput = self.gradInput
  self.gradInput = gi
  swap(self, { "weight" }, { "_weightSq" })
  if not ok then error(err, 0) end
  return self.diagHessianInput
end

-- diagHessianWeight/Bias: accGradParameters on the squared input
local function diag_params(self, input, dho)
  local g, h = { "gradWeight" }, { "diagHessianWeight" }
  if self.bias then g[2], h[2] = "gradBias", "diagHessianBias" end
  for i = 1, #g do
    if not self[h[i]] then self[h[i]] = util.new(self[g[i]]):resizeAs(self[g[i]]):zero() end
  end
  local sq = torch.cmul(input, input)
  swap(self, g, h)
  local out = self.output
  self.output = util.new(out)
  local ok, err = pcall(function()
    self:forward(sq)
    self:accGradParameters(sq, dho, 1)
  end)
  self.output = out
  swap(self, g, h)
  if not ok then error(err, 0) end
end

local function diag_init(self)
  self.diagHessianWeight = util.new(self.weight):resizeAs(self.weight):zero()
  if self.bias then self.diagHessianBias = util.new(self.bias):resizeAs(self.bias):zero() end
end

--- nn.hessian.enable() -- adds updateDiagHessianInput,
-- accDiagHessianParameters and initDiagHessianParameters to the modules
-- (idempotent).
function nn.hessian.enable()
  local M = nn.Module
  function M:updateDiagHessianInput(input, diagHessianOutput)
    self.diagHessianInput = self.diagHessianInput or util.new(diagHessianOutput)
    self.diagHessianInput:resizeAs(input):zero()
    return self.diagHessianInput
  end
  function M:accDiagHessianParameters() end
  function M:initDiagHessianParameters() end
  for _, name in ipairs { "Linear", "SpatialConvolution", "SpatialConvolutionLocal", "SpatialFullConvolution",
                          "SpatialConvolutionMap", "SpatialFullConvolutionMap" } do
    local C = nn[name]
    if C then
      C.updateDiagHessianInput = diag_input
      C.accDiagHessianParameters = diag_params
      C.initDiagHessianParameters = diag_init
    end
  end
  -- element-wise layers: dho * f'(x)^2
  local function elementwise(C, deriv)
    function C:updateDiagHessianInput(input, dho)
      self.diagHessianInput = self.diagHessianInput or util.new(input)
      local d = deriv(self, input)
      self.diagHessianInput:resizeAs(input):copy(dho):cmul(d):cmul(d)
      return self.diagHessianInput
    end
  end
  elementwise(nn.Tanh, function(self) return torch.cmul(self.output, self.output):mul(-1):add(1) end)
  elementwise(nn.Square, function(_, input) return torch.mul(input, 2) end)
  elementwise(nn.Sqrt, function(self)
    return util.new(self.output):resizeAs(self.output):fill(0.5):cdiv(self.output)
  end)
  local S = nn.Sequential
  function S:initDiagHessianParameters()
    for _, m in ipairs(self.modules) do m:initDiagHessianParameters() end
  end
  function S:updateDiagHessianInput(input, dho)
    local cur = dho
    for i = #self.modules, 2, -1 do
      cur = self.modules[i]:updateDiagHessianInput(self.modules[i - 1].output, cur)
    end
    self.diagHessianInput = self.modules[1]:updateDiagHessianInput(input, cur)
    return self.diagHessianInput
  end
  function S:accDiagHessianParameters(input, dho)
    local cur = dho
    for i = #self.modules, 2, -1 do
      local prev = self.modules[i - 1].output
      self.modules[i]:accDiagHessianParameters(prev, cur)
      cur = self.modules[i].diagHessianInput or cur
    end
    self.modules[1]:accDiagHessianParameters(input, cur)
  end
end

-- ---------------------------------------------------------------- checks in nn.Jacobian

local J = nn.Jacobian

--- nn.Jacobian.backwardDiagHessian(module, input, name) -> the module's
-- diagonal Hessian field `name` for F = sum(y^2)/2 by updateDiagHessianInput
-- and accDiagHessianParameters with a diagHessianOutput of ones.
function J.backwardDiagHessian(module, input, name)
  module:forward(input)
  local dho = util.new(module.output):resizeAs(module.output):fill(1)
  if module.diagHessianWeight then module.diagHessianWeight:zero() end
  if module.diagHessianBias then module.diagHessianBias:zero() end
  module:updateDiagHessianInput(input, dho)
  module:accDiagHessianParameters(input, dho)
  return module[name]
end

--- nn.Jacobian.linearModuleDiagHessian(module, input, gradName) -> the exact
-- diagonal of F's Hessian for a module linear in its input and parameters:
-- sum over outputs k of (dy_k / dx)^2, one backward per output.
function J.linearModuleDiagHessian(module, input, gradName)
  module:forward(input)
  local go = util.new(module.output):resizeAs(module.output)
  local flat = go:view(-1)
  local h
  for i = 1, flat:nElement() do
    flat:zero()
    flat[i] = 1
    module.gradWeight:zero()
    if module.bias then module.gradBias:zero() end
    module:updateGradInput(input, go)
    module:accGradParameters(input, go)
    local g = module[gradName]
    h = h or util.new(g):resize(g:nElement()):zero()
    h:addcmul(g:contiguous():view(-1), g:contiguous():view(-1))
  end
  return h
end

--- nn.Jacobian.testDiagHessian(module, input, gradName, hessianName [, minval, maxval])
-- -> the largest difference between the two diagonals above, for an input
-- drawn uniform in [minval, maxval] (-2, 2).
function J.testDiagHessian(module, input, gradName, hessianName, minval, maxval)
  minval, maxval = minval or -2, maxval or 2
  input:copy(torch.rand(input:nElement()):mul(maxval - minval):add(minval))
  module:initDiagHessianParameters()
  local hb = J.backwardDiagHessian(module, input, hessianName):clone()
  local hl = J.linearModuleDiagHessian(module, input, gradName)
  return (hb:contiguous():view(-1) - hl):abs():max()
end

--- nn.Jacobian.testDiagHessianInput(module, input [, minval, maxval]) -> max error of diagHessianInput.
function J.testDiagHessianInput(module, input, minval, maxval)
  return J.testDiagHessian(module, input, "gradInput", "diagHessianInput", minval, maxval)
end
--- nn.Jacobian.testDiagHessianWeight(module, input [, minval, maxval]) -> max error of diagHessianWeight.
function J.testDiagHessianWeight(module, input, minval, maxval)
  return J.testDiagHessian(module, input, "gradWeight", "diagHessianWeight", minval, maxval)
end
--- nn.Jacobian.testDiagHessianBias(module, input [, minval, maxval]) -> max error of diagHessianBias.
function J.testDiagHessianBias(module, input, minval, maxval)
  return J.testDiagHessian(module, input, "gradBias", "diagHessianBias", minval, maxval)
end

return nn.hessian
