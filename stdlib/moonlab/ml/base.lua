-- moonlab.ml.base: the estimator protocol every model of moonlab.ml shares
-- (scikit-learn's, spelled the Lua way), and the input checks models use.
--
-- A class is made by base.estimator(name, defaults [, parent]); calling the
-- class with a table of parameters makes an unfitted instance:
--   local m = ml.Ridge{alpha = 0.5}; m:fit(X, y); m:predict(X)
-- Hyperparameters live in one table, self._params (read as m.alpha too);
-- fitted attributes are plain fields (m.coef, m.classes). This module does
-- not know any model; it holds no state.
local torch = require "torch"

local base = {}

local Estimator = {}      -- methods every estimator has
base.Estimator = Estimator

local function instance_index(self, k)
  local cls = rawget(self, "_class")
  local v = cls[k]
  if v ~= nil then return v end
  local p = rawget(self, "_params")
  if p then return p[k] end
end

local function copy_value(v)
  if type(v) == "table" and getmetatable(v) == nil then
    local c = {}
    for k, x in pairs(v) do c[k] = copy_value(x) end
    return c
  end
  if base.is_estimator(v) then return base.clone(v) end
  return v
end

local function param_list(cls)
  local names = {}
  for k in pairs(cls._defaults) do names[#names + 1] = k end
  table.sort(names)
  return names
end

local function set_params(self, who, params)
  local cls = self._class
  for k, v in pairs(params) do
    if type(k) ~= "string" or cls._defaults[k] == nil then
      error(string.format("%s: unknown parameter '%s' (known: %s)", who, tostring(k),
        table.concat(param_list(cls), ", ")), 3)
    end
    self._params[k] = v
  end
  if cls._validate then cls._validate(self, who) end
end

--- base.estimator(name, defaults [, parent]) -> class.  name is the class
-- name ("LogisticRegression"); defaults maps every parameter to its default
-- (use base.NONE for "no value", as scikit-learn's None); parent is a class
-- whose methods are inherited (a mixin such as base.Classifier). The class is
-- callable: Class{param = value, ...} -> unfitted instance. Unknown parameter
-- names raise an error listing the known ones. A class may define
-- _validate(self, who) to check parameter values.
function base.estimator(name, defaults, parent)
  local cls = { _name = name, _defaults = defaults }
  local mt = { __index = parent or Estimator }
  mt.__call = function(c, params)
    if params ~= nil and type(params) ~= "table" then
      error(string.format("ml.%s: parameters must be a table (got %s)", name, type(params)), 2)
    end
    local self = setmetatable({ _class = c, _params = {} }, c._instance_mt)
    for k, v in pairs(defaults) do self._params[k] = copy_value(v) end
    set_params(self, "ml." .. name, params or {})
    if c._init then c._init(self) end
    return self
  end
  mt.__tostring = function() return "ml." .. name end
  cls._instance_mt = { __index = instance_index, __tostring = function(self) return self:__tostring() end,
    __name = "ml." .. name }
  return setmetatable(cls, mt)
end

--- base.NONE: the "no value" parameter marker (scikit-learn's None); a
-- parameter whose default is base.NONE is still a known parameter.
base.NONE = setmetatable({}, { __tostring = function() return "none" end, __name = "ml.NONE" })

--- base.is_estimator(v) -> true when v is an estimator instance.
function base.is_estimator(v)
  return type(v) == "table" and rawget(v, "_class") ~= nil and rawget(v, "_params") ~= nil
end

--- m:params() -> a copy of the hyperparameters (name -> value).
function Estimator:params()
  local out = {}
  for k, v in pairs(self._params) do out[k] = v end
  return out
end

--- m:set_params{name = value, ...} -> m.  Unknown names raise an error.
function Estimator:set_params(params)
  set_params(self, "ml." .. self._class._name .. ".set_params", params)
  return self
end

--- m:is_fitted() -> true once fit has run.
function Estimator:is_fitted()
  return rawget(self, "_fitted") == true
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if base.is_estimator(v) then return tostring(v) end
  if type(v) == "table" and getmetatable(v) == nil then
    local parts = {}
    for i, x in ipairs(v) do parts[i] = show(x) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return tostring(v)
end

local function same(a, b)
  if a == b then return true end
  if type(a) == "table" and type(b) == "table" and getmetatable(a) == nil and getmetatable(b) == nil then
    for k, v in pairs(a) do if not same(v, b[k]) then return false end end
    for k in pairs(b) do if a[k] == nil then return false end end
    return true
  end
  return false
end

--- tostring(m): the class and the parameters that differ from the defaults,
-- as a constructor call: "ml.Ridge{alpha = 0.5}".
function Estimator:__tostring()
  local parts = {}
  for _, k in ipairs(param_list(self._class)) do
    local v = self._params[k]
    if not same(v, self._class._defaults[k]) then parts[#parts + 1] = k .. " = " .. show(v) end
  end
  return "ml." .. self._class._name .. "{" .. table.concat(parts, ", ") .. "}"
end

--- base.clone(m) -> a new unfitted estimator of the same class with a deep
-- copy of m's parameters (nested estimators are cloned too).
function base.clone(m)
  if not base.is_estimator(m) then
    error("ml.clone: expected an estimator (got " .. type(m) .. ")", 2)
  end
  local params = {}
  for k, v in pairs(m._params) do params[k] = copy_value(v) end
  return m._class(params)
end

--- base.fitted(m, who): raises "who: this ml.Ridge is not fitted yet (call
-- fit first)" unless m has been fitted; fit marks it with base.mark_fitted.
function base.fitted(m, who)
  if rawget(m, "_fitted") ~= true then
    error(string.format("%s: this ml.%s is not fitted yet (call fit first)", who, m._class._name), 3)
  end
end

--- base.mark_fitted(m, n_features) -> m: records that fit finished and the
-- number of features it saw (m.n_features_in).
function base.mark_fitted(m, n_features)
  rawset(m, "_fitted", true)
  if n_features then rawset(m, "n_features_in", n_features) end
  return m
end

local function is_tensor(v) return torch.isTensor(v) end

--- base.matrix(who, X [, opts]) -> X2, n, d.  Accepts an (N x D) tensor of
-- any dtype, a data frame (anything with :to_tensor()), or a Lua table of
-- rows; returns a contiguous DoubleTensor (or FloatTensor kept as is when
-- opts.float is true). Raises naming who on a wrong rank, an empty input, or
-- NaN/inf values unless opts.allow_nan. opts.n: the required row count.
function base.matrix(who, X, opts)
  opts = opts or {}
  if type(X) == "table" and not is_tensor(X) then
    if type(X.to_tensor) == "function" then
      X = X:to_tensor()
    else
      local ok, t = pcall(torch.DoubleTensor, X)
      if not ok then error(string.format("%s: X must be a tensor, a data frame or a table of rows", who), 2) end
      X = t
    end
  end
  if not is_tensor(X) then
    error(string.format("%s: X must be a tensor, a data frame or a table of rows (got %s)", who, type(X)), 2)
  end
  if X:dim() == 1 and opts.vector_ok then X = X:view(X:size(1), 1) end
  if X:dim() ~= 2 then
    error(string.format("%s: X must be 2-D (N x D), got a %d-D tensor (size %s)", who, X:dim(),
      table.concat(X:size():totable(), "x")), 2)
  end
  local n, d = X:size(1), X:size(2)
  if n == 0 or d == 0 then error(string.format("%s: X is empty (%dx%d)", who, n, d), 2) end
  if opts.n and n ~= opts.n then
    error(string.format("%s: X has %d rows, expected %d", who, n, opts.n), 2)
  end
  local tn = torch.typename(X)
  if not (opts.float and tn == "torch.FloatTensor") and tn ~= "torch.DoubleTensor" then
    X = X:double()
  end
  X = X:contiguous()
  if not opts.allow_nan then
    local s = X:sum(1):sum()   -- column sums first: 5x faster than the all-element sum
    if s ~= s or s == math.huge or s == -math.huge then
      local bad = X:ne(X):sum() > 0 and "NaN" or "infinite"
      error(string.format("%s: X contains %s values (%dx%d); impute them first (ml.SimpleImputer)",
        who, bad, n, d), 2)
    end
  end
  return X, n, d
end

--- base.vector(who, y, n [, name]) -> y2 (a contiguous 1-D DoubleTensor).
-- Accepts a tensor with N elements (N, or N x 1), a data-frame column or a Lua
-- list. Raises naming who when the length is not n.
function base.vector(who, y, n, name)
  name = name or "y"
  if type(y) == "table" and not is_tensor(y) then
    if type(y.to_tensor) == "function" then y = y:to_tensor() else y = torch.DoubleTensor(y) end
  end
  if not is_tensor(y) then
    error(string.format("%s: %s must be a tensor or a list (got %s)", who, name, type(y)), 2)
  end
  if y:dim() == 2 and y:size(2) == 1 then y = y:select(2, 1) end
  if y:dim() ~= 1 then
    error(string.format("%s: %s must be 1-D, got size %s", who, name, table.concat(y:size():totable(), "x")), 2)
  end
  if n and y:size(1) ~= n then
    error(string.format("%s: %s has %d elements but X has %d rows", who, name, y:size(1), n), 2)
  end
  if torch.typename(y) ~= "torch.DoubleTensor" then y = y:double() end
  return y:contiguous()
end

--- base.encode(who, y, n) -> classes, codes.  Sorted distinct labels of y as
-- a DoubleTensor (K) and a LongTensor (N) of 1-based class codes; accepts
-- what base.vector accepts.
function base.encode(who, y, n)
  y = base.vector(who, y, n)
  if y:ne(y):sum() > 0 then error(string.format("%s: y contains NaN", who), 2) end
  local classes, codes = torch.unique(y, true, true)
  return classes, codes
end

--- base.check_features(who, m, X): raises when X's column count differs from
-- the n_features_in seen at fit.
function base.check_features(who, m, X)
  local d = X:size(2)
  if m.n_features_in and d ~= m.n_features_in then
    error(string.format("%s: X has %d features, but this ml.%s was fitted with %d", who, d,
      m._class._name, m.n_features_in), 3)
  end
end

--- base.generator(seed) -> a torch.Generator seeded with seed (a number), or
-- a fresh one seeded from the clock when seed is nil or base.NONE.
function base.generator(seed)
  local g = torch.Generator()
  if seed ~= nil and seed ~= base.NONE then torch.manualSeed(g, seed) else torch.seed(g) end
  return g
end

-- Mixins: the default score of classifiers (accuracy) and regressors (R^2),
-- and fit_transform for transformers.

--- base.Classifier: the methods every classifier inherits (score = accuracy).
base.Classifier = setmetatable({}, { __index = Estimator })
--- m:score(X, y) -> mean accuracy of m:predict(X) against y.
function base.Classifier:score(X, y)
  local p = self:predict(X)
  local yt = base.vector("ml." .. self._class._name .. ".score", y, p:size(1))
  return p:double():eq(yt):double():mean()
end

--- base.Regressor: the methods every regressor inherits (score = R^2).
base.Regressor = setmetatable({}, { __index = Estimator })
--- m:score(X, y) -> coefficient of determination R^2 of m:predict(X).
function base.Regressor:score(X, y)
  local p = self:predict(X)
  local yt = base.vector("ml." .. self._class._name .. ".score", y, p:size(1))
  local mean = yt:mean()
  local ss_res = (yt - p):pow(2):sum()
  local ss_tot = (yt - mean):pow(2):sum()
  if ss_tot == 0 then return ss_res == 0 and 1.0 or 0.0 end
  return 1 - ss_res / ss_tot
end

--- base.Transformer: the methods every transformer inherits (fit_transform).
base.Transformer = setmetatable({}, { __index = Estimator })
--- m:fit_transform(X [, y]) -> m:fit(X, y):transform(X).
function base.Transformer:fit_transform(X, y)
  return self:fit(X, y):transform(X)
end

--- base.inherit(parent) -> a new method table whose misses go to parent; use
-- it as the parent argument of base.estimator to share methods by class.
function base.inherit(parent)
  return setmetatable({}, { __index = parent })
end

return base
