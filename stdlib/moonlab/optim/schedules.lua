-- Learning-rate schedules: functions of the epoch (or step) number that
-- return a learning rate, and a reduce-on-plateau object fed with a metric.
--   optim.schedules.step(base, step_size [, gamma])      base * gamma^floor((e-1)/step_size)
--   optim.schedules.exponential(base, gamma)              base * gamma^(e-1)
--   optim.schedules.cosine(base, T_max [, eta_min])       eta_min + (base-eta_min)(1+cos(pi (e-1)/T_max))/2
--   optim.schedules.ReduceLROnPlateau(base [, opts])      :step(metric) -> lr
-- Epochs count from 1 (the first epoch uses `base`), as Lua counts.
-- Not here: warm restarts, cyclic schedules.
local S = {}

local function check_pos(who, name, v)
  if type(v) ~= "number" or v <= 0 then
    error(string.format("optim.schedules.%s: %s must be a positive number (got %s)", who, name, tostring(v)), 3)
  end
end

--- optim.schedules.step(base, step_size [, gamma]) -> fn(epoch): the rate
-- multiplied by gamma (0.1) every step_size epochs.
function S.step(base, step_size, gamma)
  check_pos("step", "base", base)
  check_pos("step", "step_size", step_size)
  gamma = gamma or 0.1
  return function(e) return base * gamma ^ ((e - 1) // step_size) end
end

--- optim.schedules.exponential(base, gamma) -> fn(epoch): base * gamma^(epoch-1).
function S.exponential(base, gamma)
  check_pos("exponential", "base", base)
  check_pos("exponential", "gamma", gamma)
  return function(e) return base * gamma ^ (e - 1) end
end

--- optim.schedules.cosine(base, T_max [, eta_min]) -> fn(epoch): cosine
-- annealing from base (epoch 1) to eta_min (0) at epoch T_max + 1.
function S.cosine(base, T_max, eta_min)
  check_pos("cosine", "base", base)
  check_pos("cosine", "T_max", T_max)
  eta_min = eta_min or 0
  return function(e)
    local k = math.min(e - 1, T_max)
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * k / T_max)) / 2
  end
end

local Plateau = {}
Plateau.__index = Plateau

--- optim.schedules.ReduceLROnPlateau(base [, opts]) -> an object whose
-- :step(metric) returns the rate: multiplied by opts.factor (0.1) after
-- opts.patience (10) calls without improvement of more than opts.threshold
-- (1e-4, relative) in opts.mode ("min" or "max"), never below opts.min_lr (0);
-- opts.cooldown (0) calls are skipped after a reduction.
function S.ReduceLROnPlateau(base, opts)
  check_pos("ReduceLROnPlateau", "base", base)
  opts = opts or {}
  local mode = opts.mode or "min"
  if mode ~= "min" and mode ~= "max" then
    error("optim.schedules.ReduceLROnPlateau: mode must be 'min' or 'max' (got " .. tostring(mode) .. ")", 2)
  end
  return setmetatable({ lr = base, mode = mode, factor = opts.factor or 0.1, patience = opts.patience or 10,
    threshold = opts.threshold or 1e-4, min_lr = opts.min_lr or 0, cooldown = opts.cooldown or 0,
    best = nil, bad = 0, cool = 0 }, Plateau)
end

--- plateau:step(metric) -> the learning rate to use next.
function Plateau:step(metric)
  local better
  if self.best == nil then
    better = true
  elseif self.mode == "min" then
    better = metric < self.best * (1 - self.threshold * (self.best >= 0 and 1 or -1))
  else
    better = metric > self.best * (1 + self.threshold * (self.best >= 0 and 1 or -1))
  end
  if better then
    self.best = metric
    self.bad = 0
  else
    self.bad = self.bad + 1
  end
  if self.cool > 0 then
    self.cool = self.cool - 1
    self.bad = 0
  end
  if self.bad > self.patience then
    self.lr = math.max(self.lr * self.factor, self.min_lr)
    self.cool = self.cooldown
    self.bad = 0
  end
  return self.lr
end

return S
