-- First-order optimisers with Torch7's optim calling convention:
--   x, {f(x)} = optim.NAME(opfunc, x [, config [, state]])
-- opfunc(x) returns f(x) and df/dx (a tensor of x's shape); x is updated in
-- place.  config holds the hyper-parameters, state the optimiser's memory
-- (it defaults to config, as in Torch7, so one table can carry both).
-- sgd, nag, adagrad, adadelta, adam, adamax, rmsprop and rprop follow
-- Torch7's update rules (including where epsilon goes); adamw is Adam with
-- decoupled weight decay (Loshchilov & Hutter), as PyTorch's AdamW.
-- Not here: second-order methods (lbfgs.lua, cg.lua), sparse updates.
local torch = require "torch"

local M = {}

local function zeros_like(x)
  return torch.getconstructortable(torch.typename(x))():resizeAs(x):zero()
end

local function check(who, opfunc, x)
  if type(opfunc) ~= "function" and not (type(opfunc) == "table" and getmetatable(opfunc)
      and getmetatable(opfunc).__call) then
    error("optim." .. who .. ": opfunc must be a function returning f(x), df/dx", 3)
  end
  if not torch.isTensor(x) then error("optim." .. who .. ": x must be a tensor (got " .. torch.type(x) .. ")", 3) end
end

local function eval(who, opfunc, x)
  local fx, dfdx = opfunc(x)
  if not torch.isTensor(dfdx) or dfdx:nElement() ~= x:nElement() then
    error(string.format("optim.%s: opfunc must return f(x) and a gradient with x's %d elements (got %s)", who,
      x:nElement(), torch.isTensor(dfdx) and tostring(dfdx:nElement()) or torch.type(dfdx)), 3)
  end
  return fx, dfdx
end

-- Can optim.sgd's step run as one fused pass (torch._nn.sgd_step, the same
-- arithmetic element by element)?  For contiguous Float/Double x and
-- gradient (and momentum buffer), without per-parameter rates or decays.
local function fused_sgd(x, dfdx, state, lrs, wds, mom)
  if lrs or wds or not torch._nn then return false end
  local tx = torch.typename(x)
  if (tx ~= "torch.FloatTensor" and tx ~= "torch.DoubleTensor") or torch.typename(dfdx) ~= tx
      or not x:isContiguous() or not dfdx:isContiguous() or not x:isSameSizeAs(dfdx)
      or torch.pointer(x:storage()) == torch.pointer(dfdx:storage()) then
    return false
  end
  local v = state.dfdx
  if mom ~= 0 and v ~= nil and (torch.typename(v) ~= tx or not v:isContiguous() or not v:isSameSizeAs(x)
      or torch.pointer(v:storage()) == torch.pointer(x:storage())
      or torch.pointer(v:storage()) == torch.pointer(dfdx:storage())) then
    return false
  end
  return true
end

--- optim.sgd(opfunc, x [, config [, state]]) -> x, {f(x)}: stochastic gradient
-- descent.  config: learningRate (1e-3), learningRateDecay (0; lr / (1 + n
-- decay) at evaluation n), weightDecay (0), weightDecays (a tensor, per
-- parameter), momentum (0), dampening (= momentum), nesterov (false),
-- learningRates (a tensor of per-parameter rates).
function M.sgd(opfunc, x, config, state)
  check("sgd", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  local nesterov = config.nesterov or false
  local lrs = config.learningRates
  local wds = config.weightDecays
  state.evalCounter = state.evalCounter or 0
  if nesterov and (mom <= 0 or damp ~= 0) then
    error("optim.sgd: Nesterov momentum requires a momentum and zero dampening", 2)
  end
  local fx, dfdx = eval("sgd", opfunc, x)
  if fused_sgd(x, dfdx, state, lrs, wds, mom) then
    local first = mom ~= 0 and not state.dfdx
    if first then state.dfdx = torch.getconstructortable(torch.typename(x))():resizeAs(x) end
    torch._nn.sgd_step(x, dfdx, state.dfdx, lr / (1 + state.evalCounter * lrd), wd, mom, damp, nesterov, first)
    state.evalCounter = state.evalCounter + 1
    return x, { fx }
  end
  if wd ~= 0 then
    dfdx:add(wd, x)
  elseif wds then
    state.decayParameters = state.decayParameters or zeros_like(x)
    state.decayParameters:copy(wds):cmul(x)
    dfdx:add(state.decayParameters)
  end
  if mom ~= 0 then
    if not state.dfdx then
      state.dfdx = zeros_like(dfdx):copy(dfdx)
    else
      state.dfdx:mul(mom):add(1 - damp, dfdx)
    end
    if nesterov then dfdx:add(mom, state.dfdx) else dfdx = state.dfdx end
  end
  local clr = lr / (1 + state.evalCounter * lrd)
  if lrs then
    state.deltaParameters = state.deltaParameters or zeros_like(x)
    state.deltaParameters:copy(lrs):cmul(dfdx)
    x:add(-clr, state.deltaParameters)
  else
    x:add(-clr, dfdx)
  end
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

--- optim.nag(opfunc, x [, config [, state]]) -> x, {f(x)}: Nesterov's
-- accelerated gradient in Sutskever's form (Torch7's optim.nag): the
-- momentum step first, the gradient at the look-ahead point, then the
-- correction.  config: learningRate (1e-3), learningRateDecay, weightDecay,
-- momentum (0.9).
function M.nag(opfunc, x, config, state)
  check("nag", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0.9
  state.evalCounter = state.evalCounter or 0
  state.dfdx = state.dfdx or zeros_like(x)
  x:add(mom, state.dfdx)
  local fx, dfdx = eval("nag", opfunc, x)
  if wd ~= 0 then dfdx:add(wd, x) end
  local clr = lr / (1 + state.evalCounter * lrd)
  state.dfdx:mul(mom):add(-clr, dfdx)
  x:add(-clr, dfdx)
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

--- optim.adagrad(opfunc, x [, config [, state]]) -> x, {f(x)}: AdaGrad.
-- config: learningRate (1e-3), learningRateDecay (0), weightDecay (0).
function M.adagrad(opfunc, x, config, state)
  check("adagrad", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  state.evalCounter = state.evalCounter or 0
  local fx, dfdx = eval("adagrad", opfunc, x)
  if wd ~= 0 then dfdx:add(wd, x) end
  local clr = lr / (1 + state.evalCounter * lrd)
  state.paramVariance = state.paramVariance or zeros_like(x)
  state.paramStd = state.paramStd or zeros_like(x)
  state.paramVariance:addcmul(1, dfdx, dfdx)
  state.paramStd:resizeAs(state.paramVariance):copy(state.paramVariance):sqrt()
  x:addcdiv(-clr, dfdx, state.paramStd:add(1e-10))
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

--- optim.adadelta(opfunc, x [, config [, state]]) -> x, {f(x)}: AdaDelta.
-- config: rho (0.9), eps (1e-6), learningRate (1), weightDecay (0).
function M.adadelta(opfunc, x, config, state)
  check("adadelta", opfunc, x)
  config = config or {}
  state = state or config
  local rho = config.rho or 0.9
  local eps = config.eps or 1e-6
  local lr = config.learningRate or 1
  local wd = config.weightDecay or 0
  state.evalCounter = state.evalCounter or 0
  local fx, dfdx = eval("adadelta", opfunc, x)
  if wd ~= 0 then dfdx:add(wd, x) end
  if not state.paramVariance then
    state.paramVariance = zeros_like(x)
    state.paramStd = zeros_like(x)
    state.delta = zeros_like(x)
    state.accDelta = zeros_like(x)
  end
  state.paramVariance:mul(rho):addcmul(1 - rho, dfdx, dfdx)
  state.paramStd:resizeAs(state.paramVariance):copy(state.paramVariance):add(eps):sqrt()
  state.delta:resizeAs(state.paramVariance):copy(state.accDelta):add(eps):sqrt():cdiv(state.paramStd):cmul(dfdx)
  x:add(-lr, state.delta)
  state.accDelta:mul(rho):addcmul(1 - rho, state.delta, state.delta)
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

local function adam_moments(state, x, dfdx, beta1, beta2)
  state.t = (state.t or 0) + 1
  state.m = state.m or zeros_like(x)
  state.v = state.v or zeros_like(x)
  state.denom = state.denom or zeros_like(x)
  state.m:mul(beta1):add(1 - beta1, dfdx)
  state.v:mul(beta2):addcmul(1 - beta2, dfdx, dfdx)
end

--- optim.adam(opfunc, x [, config [, state]]) -> x, {f(x)}: Adam (Kingma &
-- Ba), Torch7's form: x -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps).
-- config: learningRate (1e-3), learningRateDecay (0), beta1 (0.9), beta2
-- (0.999), epsilon (1e-8), weightDecay (0, added to the gradient).
function M.adam(opfunc, x, config, state)
  check("adam", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local eps = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  local fx, dfdx = eval("adam", opfunc, x)
  if wd ~= 0 then dfdx:add(wd, x) end
  adam_moments(state, x, dfdx, beta1, beta2)
  local clr = lr / (1 + (state.t - 1) * lrd)
  state.denom:copy(state.v):sqrt():add(eps)
  local bc1 = 1 - beta1 ^ state.t
  local bc2 = 1 - beta2 ^ state.t
  x:addcdiv(-clr * math.sqrt(bc2) / bc1, state.m, state.denom)
  return x, { fx }
end

--- optim.adamw(opfunc, x [, config [, state]]) -> x, {f(x)}: Adam with
-- decoupled weight decay: x -= lr wd x, then the Adam step on the plain
-- gradient with PyTorch's bias correction (eps added to sqrt(v_hat)).
-- config: learningRate (1e-3), beta1, beta2, epsilon (1e-8), weightDecay (1e-2).
function M.adamw(opfunc, x, config, state)
  check("adamw", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local eps = config.epsilon or 1e-8
  local wd = config.weightDecay or 1e-2
  local fx, dfdx = eval("adamw", opfunc, x)
  x:mul(1 - lr * wd)
  adam_moments(state, x, dfdx, beta1, beta2)
  local bc1 = 1 - beta1 ^ state.t
  local bc2 = 1 - beta2 ^ state.t
  state.denom:copy(state.v):div(bc2):sqrt():add(eps)
  x:addcdiv(-lr / bc1, state.m, state.denom)
  return x, { fx }
end

--- optim.adamax(opfunc, x [, config [, state]]) -> x, {f(x)}: AdaMax (the
-- infinity-norm Adam).  config: learningRate (2e-3), beta1 (0.9), beta2
-- (0.999), epsilon (1e-38).
function M.adamax(opfunc, x, config, state)
  check("adamax", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 0.002
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local eps = config.epsilon or 1e-38
  local wd = config.weightDecay or 0
  local fx, dfdx = eval("adamax", opfunc, x)
  if wd ~= 0 then dfdx:add(wd, x) end
  state.t = (state.t or 0) + 1
  state.m = state.m or zeros_like(x)
  state.u = state.u or zeros_like(x)
  state.max = state.max or zeros_like(x)
  state.m:mul(beta1):add(1 - beta1, dfdx)
  state.max:resizeAs(dfdx):copy(dfdx):abs():add(eps)
  state.u:mul(beta2):cmax(state.max)
  x:addcdiv(-lr / (1 - beta1 ^ state.t), state.m, state.u)
  return x, { fx }
end

--- optim.rmsprop(opfunc, x [, config [, state]]) -> x, {f(x)}: RMSprop.
-- config: learningRate (1e-2), alpha (0.99), epsilon (1e-8), weightDecay (0).
function M.rmsprop(opfunc, x, config, state)
  check("rmsprop", opfunc, x)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-2
  local alpha = config.alpha or 0.99
  local eps = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  local fx, dfdx = eval("rmsprop", opfunc, x)
  if wd ~= 0 then dfdx:add(wd, x) end
  if not state.m then
    state.m = zeros_like(x)
    state.tmp = zeros_like(x)
  end
  state.m:mul(alpha):addcmul(1 - alpha, dfdx, dfdx)
  state.tmp:copy(state.m):sqrt():add(eps)
  x:addcdiv(-lr, dfdx, state.tmp)
  return x, { fx }
end

--- optim.rprop(opfunc, x [, config [, state]]) -> x, {f(x) per iteration}:
-- resilient propagation (the sign of the gradient with adaptive steps).
-- config: stepsize (0.1), etaplus (1.2), etaminus (0.5), stepsizemax (50),
-- stepsizemin (1e-6), niter (1).
function M.rprop(opfunc, x, config, state)
  check("rprop", opfunc, x)
  config = config or {}
  state = state or config
  local stepsize = config.stepsize or 0.1
  local etaplus = config.etaplus or 1.2
  local etaminus = config.etaminus or 0.5
  local smax = config.stepsizemax or 50
  local smin = config.stepsizemin or 1e-6
  local niter = config.niter or 1
  local hfx = {}
  for _ = 1, niter do
    local fx, dfdx = eval("rprop", opfunc, x)
    if not state.delta then
      state.delta = zeros_like(x)
      state.stepsize = zeros_like(x):fill(stepsize)
    end
    -- sign agreement with the previous gradient
    local prod = zeros_like(x):copy(dfdx):cmul(state.delta)
    local grow, shrink = prod:gt(0), prod:lt(0)
    state.stepsize:maskedCopy(grow, state.stepsize:maskedSelect(grow):mul(etaplus))
    state.stepsize:maskedCopy(shrink, state.stepsize:maskedSelect(shrink):mul(etaminus))
    state.stepsize:clamp(smin, smax)
    local g = zeros_like(x):copy(dfdx)
    g:maskedFill(shrink, 0)
    x:addcmul(-1, zeros_like(x):copy(g):sign(), state.stepsize)
    state.delta:copy(g)
    hfx[#hfx + 1] = fx
  end
  return x, hfx
end

return M
