-- nn.Jacobian: gradient checks by finite differences, with Torch7's API
-- (forward, backward, testJacobian, testJacobianParameters,
-- testJacobianUpdateParameters, testIO) plus nn.Jacobian.check, a one-call
-- check of a module's input and parameter gradients.
-- The Jacobian of a module is (nElement(input or param), nElement(output)):
-- column j is d output_j / d input.  Finite differences are central with
-- step `perturbation` (1e-6 by default).  Diagonal Hessian checks are added by hessian.lua.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local J = {}
nn.Jacobian = J

local function flat_output(module, input)
  local o = module:forward(input)
  if type(o) == "table" then
    local parts = {}
    for _, t in ipairs(o) do parts[#parts + 1] = t:contiguous():view(-1) end
    return torch.cat(parts, 1)
  end
  return o:contiguous():view(-1):clone()
end

-- an output-shaped zero gradient (tensor or table of tensors)
local function zero_like(o)
  if type(o) == "table" then
    local t = {}
    for i, v in ipairs(o) do t[i] = zero_like(v) end
    return t
  end
  return util.new(o):resizeAs(o):zero()
end

-- the j-th element of a (possibly table) gradOutput, as a flat list of views
local function flat_views(g)
  if type(g) == "table" then
    local list = {}
    for _, v in ipairs(g) do
      for _, w in ipairs(flat_views(v)) do list[#list + 1] = w end
    end
    return list
  end
  return { g:view(-1) }
end

local function set_one(views, j, value)
  for _, v in ipairs(views) do
    local n = v:nElement()
    if j <= n then v[j] = value; return end
    j = j - n
  end
end

--- nn.Jacobian.backward(module, input [, param, dparam]) -> the Jacobian by
-- back-propagation (of input, or of param when given with its gradient dparam).
function J.backward(module, input, param, dparam)
  local doparam = param ~= nil
  local target = doparam and param or input
  local o = module:forward(input)
  local nout = flat_output(module, input):nElement()
  local dout = zero_like(o)
  local views = flat_views(dout)
  local jac = torch.getconstructortable(torch.typename(target))(target:nElement(), nout):zero()
  for j = 1, nout do
    set_one(views, j, 1)
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    module:accGradParameters(input, dout, 1)
    if doparam then
      jac:select(2, j):copy(dparam:contiguous():view(-1))
    else
      jac:select(2, j):copy(din:contiguous():view(-1))
    end
    set_one(views, j, 0)
  end
  return jac
end

--- nn.Jacobian.backwardUpdate(module, input, param) -> the Jacobian of param
-- seen through accUpdateGradParameters.
function J.backwardUpdate(module, input, param)
  local o = module:forward(input)
  local nout = flat_output(module, input):nElement()
  local dout = zero_like(o)
  local views = flat_views(dout)
  local jac = torch.getconstructortable(torch.typename(param))(param:nElement(), nout):zero()
  local orig = param:clone()
  for j = 1, nout do
    set_one(views, j, 1)
    module:updateGradInput(input, dout)
    module:accUpdateGradParameters(input, dout, 1)
    jac:select(2, j):copy(orig):add(-1, param:contiguous():view(-1))
    param:copy(orig)
    set_one(views, j, 0)
  end
  return jac
end

--- nn.Jacobian.forward(module, input [, param [, perturbation]]) -> the
-- Jacobian by central finite differences (of input, or of param).
function J.forward(module, input, param, perturbation)
  param = param or input
  perturbation = perturbation or 1e-6
  local flat = param:view(-1)
  local nout = flat_output(module, input):nElement()
  local jac = torch.getconstructortable(torch.typename(param))(param:nElement(), nout):zero()
  for i = 1, flat:nElement() do
    local orig = flat[i]
    flat[i] = orig - perturbation
    local f1 = flat_output(module, input)
    flat[i] = orig + perturbation
    local f2 = flat_output(module, input)
    flat[i] = orig
    jac[i]:copy(f2:add(-1, f1):div(2 * perturbation))
  end
  return jac
end

local function fill_rand(t, minval, maxval)
  minval, maxval = minval or -2, maxval or 2
  t:copy(torch.rand(t:nElement()):mul(maxval - minval):add(minval):viewAs(t))
end

--- nn.Jacobian.testJacobian(module, input [, minval, maxval, perturbation])
-- -> max |forward - backward Jacobian| (input refilled uniformly in [minval, maxval]).
function J.testJacobian(module, input, minval, maxval, perturbation)
  fill_rand(input, minval, maxval)
  local jf = J.forward(module, input, nil, perturbation)
  local jb = J.backward(module, input)
  return jf:add(-1, jb):abs():max()
end

--- nn.Jacobian.testJacobianParameters(module, input, param, dparam [, minval, maxval, perturbation])
function J.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
  fill_rand(input, minval, maxval)
  fill_rand(param, minval, maxval)
  local jb = J.backward(module, input, param, dparam)
  local jf = J.forward(module, input, param, perturbation)
  return jf:add(-1, jb):abs():max()
end

--- nn.Jacobian.testJacobianUpdateParameters(module, input, param [, minval, maxval, perturbation])
function J.testJacobianUpdateParameters(module, input, param, minval, maxval, perturbation)
  fill_rand(input, minval, maxval)
  fill_rand(param, minval, maxval)
  local p0 = param:clone()
  local jb = J.backwardUpdate(module, input, param)
  param:copy(p0)
  local jf = J.forward(module, input, param, perturbation)
  return jf:add(-1, jb):abs():max()
end

--- nn.Jacobian.testIO(module, input [, minval, maxval]) -> errf, errb: the
-- differences of forward and backward after a save/load round trip.
function J.testIO(module, input, minval, maxval)
  fill_rand(input, minval, maxval)
  local o = module:forward(input)
  local go = zero_like(o)
  for _, v in ipairs(flat_views(go)) do v:copy(torch.rand(v:nElement())) end
  local fo = flat_output(module, input)
  module:zeroGradParameters()
  local gi = module:backward(input, go):clone()
  local f = torch.MemoryFile("rw"):binary()
  f:writeObject(module)
  f:seek(1)
  local m2 = f:readObject()
  f:close()
  local fo2 = flat_output(m2, input)
  m2:zeroGradParameters()
  local gi2 = m2:backward(input, go)
  return fo:add(-1, fo2):abs():max(), gi:add(-1, gi2):abs():max()
end

--- nn.Jacobian.testAllUpdate(module, input, weight, gradWeight) -> errors:
-- a table of norms checking that accGradParameters + updateParameters,
-- accUpdateGradParameters, and both on two modules sharing `weight` all
-- give the same update of the field `weight` (names of fields).
function J.testAllUpdate(module, input, weight, gradWeight)
  local lr = torch.uniform(0.1, 1)
  local errors = {}
  local ref = module:clone()
  local w0 = ref[weight]:clone()
  ref:forward(input)
  local gradOutput = torch.rand(ref.output:size())
  ref:zeroGradParameters()
  ref:updateGradInput(input, gradOutput)
  ref:accGradParameters(input, gradOutput)
  ref:updateParameters(lr)
  errors["accGradParameters"] = (w0 - ref[gradWeight] * lr - ref[weight]):norm()
  local step = ref[gradWeight] * lr

  local direct = module:clone()
  direct:forward(input)
  direct:updateGradInput(input, gradOutput)
  direct:accUpdateGradParameters(input, gradOutput, lr)
  errors["accUpdateGradParameters"] = (direct[weight] - ref[weight]):norm()

  local function shared(use_update)
    local m1, m2 = module:clone(), module:clone()
    m2:share(m1, weight)
    m1:forward(input); m2:forward(input)
    if not use_update then m1:zeroGradParameters(); m2:zeroGradParameters() end
    m1:updateGradInput(input, gradOutput); m2:updateGradInput(input, gradOutput)
    if use_update then
      m1:accUpdateGradParameters(input, gradOutput, lr)
      m2:accUpdateGradParameters(input, gradOutput, lr)
    else
      m1:accGradParameters(input, gradOutput); m2:accGradParameters(input, gradOutput)
      m1:updateParameters(lr); m2:updateParameters(lr)
    end
    return (w0 - step * 2 - m1[weight]):norm() + (w0 - step * 2 - m2[weight]):norm()
  end
  errors["accGradParameters [shared]"] = shared(false)
  errors["accUpdateGradParameters [shared]"] = shared(true)
  return errors
end

--- nn.Jacobian.check(module, input [, opts]) -> worst error, report: checks
-- the input gradient and, when the module has parameters, each parameter's
-- gradient against finite differences (opts.perturbation 1e-6), in Double.
-- The report is {input = err, params = {err...}}.
function J.check(module, input, opts)
  opts = opts or {}
  local eps = opts.perturbation or 1e-6
  local report = { params = {} }
  local worst = 0
  if torch.isTensor(input) and opts.input ~= false then
    local jf = J.forward(module, input, nil, eps)
    local jb = J.backward(module, input)
    report.input = jf:add(-1, jb):abs():max()
    worst = math.max(worst, report.input)
  end
  local params, grads = module:parameters()
  if params then
    for i, p in ipairs(params) do
      local jb = J.backward(module, input, p, grads[i])
      local jf = J.forward(module, input, p, eps)
      report.params[i] = jf:add(-1, jb):abs():max()
      worst = math.max(worst, report.params[i])
    end
  end
  return worst, report
end

return J
