-- nn.init: weight initialisation helpers beside each layer's own `reset`
-- (Torch7's rule): Xavier/Glorot and Kaiming/He, uniform and normal, with
-- PyTorch's fan and gain conventions, plus nn.init.apply to initialise a
-- whole model.  A weight (out, in, ...) has fan_in = in * prod(kernel) and
-- fan_out = out * prod(kernel); a 2-D weight (out, in) of Linear or
-- SpatialConvolutionMM counts its columns as fan_in.
-- Not here: orthogonal and sparse initialisation.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]

local I = {}
nn.init = I

local function fans(who, t)
  if not torch.isTensor(t) or t:dim() < 2 then
    error("nn.init." .. who .. ": expected a weight tensor with at least 2 dimensions (got "
      .. (torch.isTensor(t) and (t:dim() .. "D") or torch.type(t)) .. ")", 3)
  end
  local rf = 1
  for d = 3, t:dim() do rf = rf * t:size(d) end
  return t:size(2) * rf, t:size(1) * rf
end

--- nn.init.calculate_gain(nonlinearity [, param]) -> the recommended gain:
-- 1 for linear/sigmoid/conv, 5/3 for tanh, sqrt(2) for relu,
-- sqrt(2 / (1 + slope^2)) for leaky_relu (slope param, default 0.01).
function I.calculate_gain(nl, param)
  nl = nl or "linear"
  if nl == "linear" or nl == "sigmoid" or nl == "conv2d" or nl == "conv1d" then return 1 end
  if nl == "tanh" then return 5 / 3 end
  if nl == "relu" then return math.sqrt(2) end
  if nl == "leaky_relu" then
    local s = param or 0.01
    return math.sqrt(2 / (1 + s * s))
  end
  error("nn.init.calculate_gain: unknown nonlinearity '" .. tostring(nl) .. "'", 2)
end

--- nn.init.xavier_uniform(w [, gain]) -> w drawn U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)).
function I.xavier_uniform(w, gain)
  local fi, fo = fans("xavier_uniform", w)
  local a = (gain or 1) * math.sqrt(6 / (fi + fo))
  return w:uniform(-a, a)
end

--- nn.init.xavier_normal(w [, gain]) -> w drawn N(0, gain^2 2 / (fan_in + fan_out)).
function I.xavier_normal(w, gain)
  local fi, fo = fans("xavier_normal", w)
  return w:normal(0, (gain or 1) * math.sqrt(2 / (fi + fo)))
end

local function kaiming_std(who, w, a, mode, nl)
  local fi, fo = fans(who, w)
  mode = mode or "fan_in"
  if mode ~= "fan_in" and mode ~= "fan_out" then
    error("nn.init." .. who .. ": mode must be 'fan_in' or 'fan_out' (got " .. tostring(mode) .. ")", 3)
  end
  local gain = I.calculate_gain(nl or "leaky_relu", a or 0)
  return gain / math.sqrt(mode == "fan_in" and fi or fo)
end

--- nn.init.kaiming_uniform(w [, a, mode, nonlinearity]) -> w drawn
-- U(-b, b), b = sqrt(3) gain / sqrt(fan) (mode "fan_in" or "fan_out";
-- nonlinearity "leaky_relu" with slope a = 0 by default, i.e. ReLU's gain).
function I.kaiming_uniform(w, a, mode, nl)
  local b = math.sqrt(3) * kaiming_std("kaiming_uniform", w, a, mode, nl)
  return w:uniform(-b, b)
end

--- nn.init.kaiming_normal(w [, a, mode, nonlinearity]) -> w drawn N(0, (gain / sqrt(fan))^2).
function I.kaiming_normal(w, a, mode, nl)
  return w:normal(0, kaiming_std("kaiming_normal", w, a, mode, nl))
end

--- nn.init.apply(model, method [, ...]) -> model: every module with a
-- weight of 2 or more dimensions gets nn.init[method](weight, ...) and a
-- zero bias.
function I.apply(model, method, ...)
  local f = I[method]
  if type(f) ~= "function" or method == "apply" or method == "calculate_gain" then
    error("nn.init.apply: unknown method '" .. tostring(method) .. "'", 2)
  end
  local args = table.pack(...)
  model:apply(function(m)
    if torch.isTensor(m.weight) and m.weight:dim() >= 2 then
      f(m.weight, table.unpack(args, 1, args.n))
      if torch.isTensor(m.bias) then m.bias:zero() end
    end
  end)
  return model
end

return I
