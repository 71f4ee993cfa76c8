-- nn.hessian: Torch7's diagonal-Hessian extension.  nn.hessian.enable()
-- adds to the modules
--   module:updateDiagHessianInput(input, diagHessianOutput) -> diagHessianInput
--   module:accDiagHessianParameters(input, diagHessianOutput)
--   module:initDiagHessianParameters()
-- which back-propagate estimates of the diagonal of the Hessian of a loss
-- (Becker & LeCun's Gauss-Newton approximation: second derivatives of the
-- module's own non-linearity are dropped), and makes parameters() and
-- getParameters() return a third list / flat tensor, the diagonal Hessian of
-- the parameters (diagHessianWeight, diagHessianBias).
-- For a layer linear in its weights (Linear, convolutions) the diagonal is
-- back-propagated through the squared weights and accumulated from the
-- squared input; point-wise layers (Tanh, Sigmoid, Square, Sqrt) multiply by
-- their squared derivative; MSECriterion / WeightedMSECriterion start the
-- chain with 2 (/ n).  nn.Jacobian gains testDiagHessianInput/Weight/Bias.
-- Not here: modules Torch7's extension does not cover (a module without an
-- updateDiagHessianInput raises an error naming it).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local H = {}
nn.hessian = H

-- Swaps each pair of fields a[i] <-> b[i] of module.
local function swap_fields(module, a, b)
  for i = 1, #a do
    module[a[i]], module[b[i]] = module[b[i]], module[a[i]]
  end
end

--- nn.hessian.updateDiagHessianInput(module, input, diagHessianOutput, w, wsq):
-- the diagonal Hessian of the input of a module linear in its input: its
-- updateGradInput run with the weights named in w replaced by their squares
-- (kept in the fields named in wsq) and diagHessianOutput as gradOutput.
-- Sets and returns module.diagHessianInput.
function H.updateDiagHessianInput(module, input, diagHessianOutput, w, wsq)
  if #w ~= #wsq then error("nn.hessian.updateDiagHessianInput: as many weight names as square names needed", 2) end
  module.diagHessianInput = module.diagHessianInput or util.new(input)
  local a, b = {}, {}
  for i = 1, #w do
    local wval = module[w[i]]
    if wval then -- a missing weight (noBias) stays missing
      a[#a + 1], b[#b + 1] = w[i], wsq[i]
      local sq = module[wsq[i]] or util.new(wval)
      module[wsq[i]] = torch.cmul(sq, wval, wval)
    end
  end
  w, wsq = a, b
  swap_fields(module, w, wsq)
  local gi = module.gradInput
  module.gradInput = module.diagHessianInput
  local ok, r = pcall(module.updateGradInput, module, input, diagHessianOutput)
  swap_fields(module, w, wsq)
  -- updateGradInput may have replaced gradInput by a view of it
  module.diagHessianInput = module.gradInput
  module.gradInput = gi
  if not ok then error(r, 0) end
  if module.diagHessianInput:nElement() == input:nElement() and not module.diagHessianInput:isSameSizeAs(input) then
    module.diagHessianInput = module.diagHessianInput:viewAs(input)
  end
  return module.diagHessianInput
end

--- nn.hessian.accDiagHessianParameters(module, input, diagHessianOutput, gw, hw):
-- accumulates into the fields named in hw (diagHessianWeight ...) the
-- diagonal Hessian of the parameters whose gradients are the fields named
-- in gw: accGradParameters run on input .* input with diagHessianOutput.
-- The module's output is kept (the squared input's forward goes elsewhere).
function H.accDiagHessianParameters(module, input, diagHessianOutput, gw, hw)
  if #gw ~= #hw then error("nn.hessian.accDiagHessianParameters: as many gradient names as Hessian names needed", 2) end
  module.inputSq = module.inputSq or util.new(input)
  torch.cmul(module.inputSq, input, input)
  local g, h = {}, {}
  for i = 1, #gw do
    if module[gw[i]] then
      g[#g + 1], h[#h + 1] = gw[i], hw[i]
      module[hw[i]] = module[hw[i]] or util.new(module[gw[i]]):resizeAs(module[gw[i]]):zero()
    end
  end
  swap_fields(module, g, h)
  local output = module.output
  module.output = util.new(output)
  local ok, r = pcall(function()
    module:forward(module.inputSq)
    module:accGradParameters(module.inputSq, diagHessianOutput, 1)
  end)
  module.output = output
  swap_fields(module, g, h)
  if not ok then error(r, 0) end
end

--- nn.hessian.updateDiagHessianInputPointWise(module, input, diagHessianOutput):
-- for a point-wise module: diagHessianInput = f'(input)^2 .* diagHessianOutput
-- (f' from updateGradInput with a gradOutput of ones).
function H.updateDiagHessianInputPointWise(module, input, diagHessianOutput)
  local ones = util.new(diagHessianOutput):resizeAs(diagHessianOutput):fill(1)
  H.updateDiagHessianInput(module, input, ones, {}, {})
  local d = util.new(module.diagHessianInput):resizeAs(module.diagHessianInput):copy(module.diagHessianInput)
  module.diagHessianInput = d:cmul(d):cmul(diagHessianOutput:viewAs(d))
  return module.diagHessianInput
end

--- nn.hessian.initDiagHessianParameters(module, gw, hw): makes the fields
-- named in hw (zero-filled, shaped as the gradients named in gw) and
-- diagHessianInput.
function H.initDiagHessianParameters(module, gw, hw)
  module.diagHessianInput = module.diagHessianInput or util.new(module.gradInput or module.output)
  for i = 1, #gw do
    local g = module[gw[i]]
    if g and not module[hw[i]] then module[hw[i]] = util.new(g):resizeAs(g):zero() end
  end
end

local GW, HW = { "gradWeight", "gradBias" }, { "diagHessianWeight", "diagHessianBias" }

-- a layer linear in its input and weights (weight and bias fields)
local function linear_layer(C, squares)
  local w, wsq = { "weight" }, { "weightSq" }
  if squares == "bias too" then w, wsq = { "weight", "bias" }, { "weightSq", "biasSq" } end
  function C:updateDiagHessianInput(input, diagHessianOutput)
    return H.updateDiagHessianInput(self, input, diagHessianOutput, w, wsq)
  end
  function C:accDiagHessianParameters(input, diagHessianOutput)
    H.accDiagHessianParameters(self, input, diagHessianOutput, GW, HW)
  end
  function C:initDiagHessianParameters()
    H.initDiagHessianParameters(self, GW, HW)
  end
end

local function pointwise(C)
  function C:updateDiagHessianInput(input, diagHessianOutput)
    return H.updateDiagHessianInputPointWise(self, input, diagHessianOutput)
  end
end

-- appends the tensors of `from` (when every one is there) to `to`
local function append(to, from, n)
  if not to then return nil end
  if not from then return nil end
  for i = 1, n do
    if from[i] == nil then return nil end
    to[#to + 1] = from[i]
  end
  return to
end

--- nn.hessian.enable(): installs the methods above on the nn classes (once;
-- later calls do nothing).  Classes defined after the call are not covered.
function H.enable()
  if H.enabled then return end
  H.enabled = true
  local Module, Criterion = nn.Module, nn.Criterion

  function Module:updateDiagHessianInput()
    error(torch.type(self) .. ":updateDiagHessianInput() is undefined", 2)
  end
  function Module:accDiagHessianParameters() end
  function Module:initDiagHessianParameters() end

  -- parameters, gradients and (when there) diagonal Hessians
  function Module:parameters()
    if self.weight and self.bias then
      return { self.weight, self.bias }, { self.gradWeight, self.gradBias },
        (self.diagHessianWeight and self.diagHessianBias) and { self.diagHessianWeight, self.diagHessianBias } or nil
    elseif self.weight then
      return { self.weight }, { self.gradWeight }, self.diagHessianWeight and { self.diagHessianWeight } or nil
    elseif self.bias then
      return { self.bias }, { self.gradBias }, self.diagHessianBias and { self.diagHessianBias } or nil
    end
  end

  function nn.Container:parameters()
    local w, gw, hw = {}, {}, {}
    for _, m in ipairs(self.modules) do
      local mw, mgw, mhw = m:parameters()
      if mw then
        for i = 1, #mw do
          w[#w + 1] = mw[i]
          gw[#gw + 1] = mgw[i]
        end
        hw = append(hw, mhw, #mw)
      end
    end
    if hw and #hw == 0 then hw = nil end
    return w, gw, hw
  end

  --- module:getParameters() -> flatParameters, flatGradParameters
  -- [, flatDiagHessianParameters] (the third when every parameter has one).
  function Module:getParameters()
    local params, grads, hessians = self:parameters()
    local fp = Module.flatten(params)
    local fg = Module.flatten(grads)
    local fh = hessians and hessians[1] and Module.flatten(hessians) or nil
    collectgarbage()
    return fp, fg, fh
  end

  function nn.Sequential:initDiagHessianParameters()
    for _, m in ipairs(self.modules) do m:initDiagHessianParameters() end
  end

  function nn.Sequential:updateDiagHessianInput(input, diagHessianOutput)
    local d = diagHessianOutput
    for i = #self.modules, 1, -1 do
      local inp = i > 1 and self.modules[i - 1].output or input
      d = self.modules[i]:updateDiagHessianInput(inp, d)
    end
    self.diagHessianInput = d
    return d
  end

  function nn.Sequential:accDiagHessianParameters(input, diagHessianOutput)
    local d = diagHessianOutput
    for i = #self.modules, 1, -1 do
      local m = self.modules[i]
      local inp = i > 1 and self.modules[i - 1].output or input
      m:accDiagHessianParameters(inp, d)
      d = m.diagHessianInput
    end
  end

  function Criterion:updateDiagHessianInput()
    error(torch.type(self) .. ":updateDiagHessianInput() is undefined", 2)
  end

  local function mse(self, input)
    self.diagHessianInput = self.diagHessianInput or util.new(input)
    local v = self.sizeAverage and 2 / input:nElement() or 2
    self.diagHessianInput:resizeAs(input):fill(v)
    return self.diagHessianInput
  end
  nn.MSECriterion.updateDiagHessianInput = mse
  -- the weights scale the target only, so the curvature is MSE's
  nn.WeightedMSECriterion.updateDiagHessianInput = mse

  if nn.L1Cost then
    function nn.L1Cost:updateDiagHessianInput(input)
      self.diagHessianInput = self.diagHessianInput or util.new(input)
      self.diagHessianInput:resizeAs(input):fill(1)
      self.diagHessianInput[torch.eq(input, 0)] = 0
      return self.diagHessianInput
    end
  end

  linear_layer(nn.Linear)
  for _, name in ipairs { "SpatialConvolution", "SpatialConvolutionLocal", "SpatialFullConvolution",
                          "SpatialFullConvolutionMap" } do
    if nn[name] then linear_layer(nn[name]) end
  end
  if nn.SpatialConvolutionMap then linear_layer(nn.SpatialConvolutionMap, "bias too") end

  for _, name in ipairs { "Tanh", "Sigmoid", "Square", "Sqrt" } do
    if nn[name] then pointwise(nn[name]) end
  end
  if nn.TanhShrink then
    -- x - tanh x: Torch7 adds the tanh part's term to diagHessianOutput
    function nn.TanhShrink:updateDiagHessianInput(input, diagHessianOutput)
      local th = H.updateDiagHessianInputPointWise(self.tanh, input, diagHessianOutput)
      self.diagHessianInput = torch.add(util.new(th), th, diagHessianOutput:viewAs(th))
      return self.diagHessianInput
    end
  end

  for _, name in ipairs { "Reshape", "View" } do
    if nn[name] then
      nn[name].updateDiagHessianInput = function(self, input, diagHessianOutput)
        self.diagHessianInput = diagHessianOutput:contiguous():viewAs(input)
        return self.diagHessianInput
      end
    end
  end
end

-- ---------------------------------------------------------------- checks

local J = nn.Jacobian

--- nn.Jacobian.backwardDiagHessian(module, input, diagHessianParamName) ->
-- the diagonal Hessian of F = sum(output^2) / 2 with respect to the input
-- or a parameter (a field name: "diagHessianInput", "diagHessianWeight",
-- "diagHessianBias"), by the hessian extension (diagHessianOutput = 1).
function J.backwardDiagHessian(module, input, diagHessianParamName)
  module:forward(input)
  local ones = util.new(module.output):resizeAs(module.output):fill(1)
  if module.diagHessianWeight then module.diagHessianWeight:zero() end
  if module.diagHessianBias then module.diagHessianBias:zero() end
  module:updateDiagHessianInput(input, ones)
  module:accDiagHessianParameters(input, ones)
  return module[diagHessianParamName]
end

--- nn.Jacobian.linearModuleDiagHessian(module, input, gradParamName) -> the
-- same diagonal from first derivatives: sum over outputs k of
-- (d y_k / d x_i)^2, exact for a module linear in its input and weights.
function J.linearModuleDiagHessian(module, input, gradParamName)
  module:forward(input)
  local go = util.new(module.output):resizeAs(module.output):zero()
  local flat = go:view(-1)
  local acc
  for k = 1, flat:nElement() do
    flat:zero()
    flat[k] = 1
    if module.gradWeight then module.gradWeight:zero() end
    if module.gradBias then module.gradBias:zero() end
    module:updateGradInput(input, go)
    module:accGradParameters(input, go, 1)
    local g = module[gradParamName]:contiguous():view(-1)
    acc = acc or util.new(g):resize(g:nElement()):zero()
    acc:addcmul(1, g, g)
  end
  return acc
end

--- nn.Jacobian.testDiagHessian(module, input, gradParamName,
-- diagHessianParamName [, minval, maxval]) -> max |difference| of the two
-- ways above (input refilled uniformly in [minval, maxval], default [-2, 2]).
function J.testDiagHessian(module, input, gradParamName, diagHessianParamName, minval, maxval)
  minval, maxval = minval or -2, maxval or 2
  input:copy(torch.rand(input:nElement()):mul(maxval - minval):add(minval):viewAs(input))
  module:initDiagHessianParameters()
  local hb = J.backwardDiagHessian(module, input, diagHessianParamName):contiguous():view(-1):clone()
  local hl = J.linearModuleDiagHessian(module, input, gradParamName)
  return hb:add(-1, hl):abs():max()
end

--- nn.Jacobian.testDiagHessianInput(module, input [, minval, maxval])
function J.testDiagHessianInput(module, input, minval, maxval)
  return J.testDiagHessian(module, input, "gradInput", "diagHessianInput", minval, maxval)
end

--- nn.Jacobian.testDiagHessianWeight(module, input [, minval, maxval])
function J.testDiagHessianWeight(module, input, minval, maxval)
  return J.testDiagHessian(module, input, "gradWeight", "diagHessianWeight", minval, maxval)
end

--- nn.Jacobian.testDiagHessianBias(module, input [, minval, maxval])
function J.testDiagHessianBias(module, input, minval, maxval)
  return J.testDiagHessian(module, input, "gradBias", "diagHessianBias", minval, maxval)
end

return H
