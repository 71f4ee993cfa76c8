-- moonlab.ml.preprocessing: scikit-learn's transformers for numeric features
-- (scalers, normalizer, imputers, polynomial features, binning) and
-- categorical features (one-hot, ordinal and label encoders), with
-- scikit-learn 1.2's definitions. Feature selection is in
-- moonlab.ml.feature_selection.
--
-- Every transformer follows moonlab.ml.base (fit/transform/fit_transform,
-- inverse_transform where scikit-learn has one). Inputs are tensors (N x D),
-- data frames or Lua tables of rows; encoders also take string values (rows of
-- strings, or data-frame columns holding strings). Encoded codes are 0-based,
-- as scikit-learn's. Sparse outputs are not supported: results are dense
-- DoubleTensors.
local torch = require "torch"
local base = require "moonlab.ml.base"
local special = require "moonlab.ml.special"

local M = {}

local function who_of(self, method) return "ml." .. self._class._name .. "." .. method end

local function raise(who, fmt, ...) error(string.format(who .. ": " .. fmt, ...), 3) end

local function fit_matrix(self, method, X, opts)
  return base.matrix(who_of(self, method), X, opts)
end

local function use_matrix(self, method, X, opts)
  local who = who_of(self, method)
  base.fitted(self, who)
  local Xm = base.matrix(who, X, opts)
  base.check_features(who, self, Xm)
  return Xm
end

local function row_of(t) return t:view(1, t:nElement()) end

-- numpy's linspace(lo, hi, n + 1): lo + i * step, the last point exactly hi.
local function linspace(lo, hi, n)
  local step = (hi - lo) / n
  local t = {}
  for i = 0, n do t[i + 1] = lo + i * step end
  t[n + 1] = hi
  return t
end

-- ------------------------------------------------------------ scalers

--- ml.StandardScaler{with_mean = true, with_std = true}: removes the mean
-- and scales to unit variance (population variance, ddof 0). Fitted: mean,
-- var, scale (std, 1 for constant features), n_samples_seen.
local StandardScaler = base.estimator("StandardScaler", { with_mean = true, with_std = true }, base.Transformer)
M.StandardScaler = StandardScaler

-- fits and returns the centred X (a new tensor) so fit_transform reuses it
local function standard_fit(self, X)
  local n, d
  -- the column means show NaN or infinite values: no separate pass to check X
  X, n, d = fit_matrix(self, "fit", X, { allow_nan = true })
  local mean = X:mean(1)
  local msum = mean:sum()
  if msum ~= msum or msum == math.huge or msum == -math.huge then
    local bad = X:ne(X):sum() > 0 and "NaN" or "infinite"
    raise("ml.StandardScaler.fit", "X contains %s values (%dx%d); impute them first (ml.SimpleImputer)", bad, n, d)
  end
  local Xc = X - mean:expandAs(X)
  -- column sums of squares without a temporary (norm walks the columns)
  local var = Xc:norm(2, 1):pow(2):div(n):view(d)
  mean = mean:view(d)
  local scale = var:clone():sqrt()
  -- constant features (variance within its rounding error) scale by 1
  local eps = 2.220446049250313e-16
  local bound = var * (n * eps) + torch.pow(mean * (n * eps), 2)
  scale[var:le(bound)] = 1
  self.mean = self.with_mean and mean or nil
  self.var = self.with_std and var or nil
  self.scale = self.with_std and scale or nil
  self.n_samples_seen = n
  base.mark_fitted(self, d)
  return X, Xc
end

function StandardScaler:fit(X)
  standard_fit(self, X)
  return self
end

--- m:fit_transform(X) -> m:fit(X):transform(X), in one pass less.
function StandardScaler:fit_transform(X)
  local Xd, Xc = standard_fit(self, X)
  local out = self.with_mean and Xc or Xd:clone()
  if self.with_std then out:cdiv(row_of(self.scale):expandAs(out)) end
  return out
end

--- m:transform(X) -> (X - mean) / scale (NaN stays NaN).
function StandardScaler:transform(X)
  -- NaN passes through (as scikit-learn keeps it in transform)
  X = use_matrix(self, "transform", X, { allow_nan = true })
  if self.with_mean and self.with_std then
    -- one pass: X * (1 / scale) + (-mean / scale)
    local inv = torch.cdiv(torch.ones(1, X:size(2)), row_of(self.scale))
    local shift = -torch.cmul(row_of(self.mean), inv)
    return torch.addcmul(torch.DoubleTensor(), shift:expandAs(X), 1, X, inv:expandAs(X))
  end
  local out = self.with_mean and X - row_of(self.mean):expandAs(X) or X:clone()
  if self.with_std then out:cdiv(row_of(self.scale):expandAs(out)) end
  return out
end

--- m:inverse_transform(Z) -> Z * scale + mean.
function StandardScaler:inverse_transform(X)
  X = use_matrix(self, "inverse_transform", X)
  local out = X:clone()
  if self.with_std then out:cmul(row_of(self.scale):expandAs(out)) end
  if self.with_mean then out:add(row_of(self.mean):expandAs(out)) end
  return out
end

-- a range that is (near) zero scales by 1, as scikit-learn's _handle_zeros_in_scale
local function safe_scale(s)
  s = s:clone()
  s[s:lt(10 * 2.220446049250313e-16)] = 1
  return s
end

--- ml.MinMaxScaler{feature_range = {0, 1}, clip = false}: scales each
-- feature to feature_range. Fitted: data_min, data_max, data_range, scale, min.
local MinMaxScaler = base.estimator("MinMaxScaler", { feature_range = { 0, 1 }, clip = false }, base.Transformer)
M.MinMaxScaler = MinMaxScaler

function MinMaxScaler:fit(X)
  local d, _
  X, _, d = fit_matrix(self, "fit", X)
  local lo, hi = self.feature_range[1], self.feature_range[2]
  if not (lo < hi) then
    raise("ml.MinMaxScaler.fit", "feature_range must be {min, max} with min < max (got {%s, %s})", tostring(lo), tostring(hi))
  end
  self.data_min = X:min(1):view(d)
  self.data_max = X:max(1):view(d)
  self.data_range = self.data_max - self.data_min
  self.scale = torch.cdiv(torch.Tensor(d):fill(hi - lo), safe_scale(self.data_range))
  self.min = -torch.cmul(self.data_min, self.scale) + lo
  return base.mark_fitted(self, d)
end

--- m:transform(X) -> X * scale + min (clipped to feature_range with clip).
function MinMaxScaler:transform(X)
  X = use_matrix(self, "transform", X)
  local out = torch.cmul(X, row_of(self.scale):expandAs(X)):add(row_of(self.min):expandAs(X))
  if self.clip then out:clamp(self.feature_range[1], self.feature_range[2]) end
  return out
end

--- m:inverse_transform(Z) -> (Z - min) / scale.
function MinMaxScaler:inverse_transform(X)
  X = use_matrix(self, "inverse_transform", X)
  return (X - row_of(self.min):expandAs(X)):cdiv(row_of(self.scale):expandAs(X))
end

--- ml.RobustScaler{with_centering = true, with_scaling = true,
-- quantile_range = {25, 75}, unit_variance = false}: subtracts the median and
-- divides by the interquartile range. Fitted: center, scale.
local RobustScaler = base.estimator("RobustScaler", { with_centering = true, with_scaling = true,
  quantile_range = { 25, 75 }, unit_variance = false }, base.Transformer)
M.RobustScaler = RobustScaler

function RobustScaler:fit(X)
  local d, _
  X, _, d = fit_matrix(self, "fit", X)
  local q1, q2 = self.quantile_range[1], self.quantile_range[2]
  if not (0 <= q1 and q1 <= q2 and q2 <= 100) then
    raise("ml.RobustScaler.fit", "invalid quantile_range {%s, %s} (need 0 <= q_min <= q_max <= 100)", tostring(q1), tostring(q2))
  end
  if self.with_centering then self.center = torch.quantile(X, 0.5, 1):view(d) end
  if self.with_scaling then
    local q = torch.quantile(X, { q1 / 100, q2 / 100 }, 1)
    local s = safe_scale(q[2] - q[1])
    if self.unit_variance then
      s:div(special.norm_ppf(q2 / 100) - special.norm_ppf(q1 / 100))
    end
    self.scale = s
  end
  return base.mark_fitted(self, d)
end

--- m:transform(X) -> (X - center) / scale.
function RobustScaler:transform(X)
  X = use_matrix(self, "transform", X)
  local out = X:clone()
  if self.with_centering then out:add(-1, row_of(self.center):expandAs(out)) end
  if self.with_scaling then out:cdiv(row_of(self.scale):expandAs(out)) end
  return out
end

--- m:inverse_transform(Z) -> Z * scale + center.
function RobustScaler:inverse_transform(X)
  X = use_matrix(self, "inverse_transform", X)
  local out = X:clone()
  if self.with_scaling then out:cmul(row_of(self.scale):expandAs(out)) end
  if self.with_centering then out:add(row_of(self.center):expandAs(out)) end
  return out
end

--- ml.Normalizer{norm = "l2"}: scales every row to unit norm ("l1", "l2" or
-- "max"); rows of norm 0 are left as they are. Stateless.
local Normalizer = base.estimator("Normalizer", { norm = "l2" }, base.Transformer)
M.Normalizer = Normalizer
Normalizer._validate = function(self, who)
  if self.norm ~= "l1" and self.norm ~= "l2" and self.norm ~= "max" then
    error(string.format("%s: norm must be \"l1\", \"l2\" or \"max\" (got %s)", who, tostring(self.norm)), 4)
  end
end

function Normalizer:fit(X)
  local d, _
  X, _, d = fit_matrix(self, "fit", X)
  return base.mark_fitted(self, d)
end

--- m:transform(X) -> X with each row divided by its norm.
function Normalizer:transform(X)
  X = use_matrix(self, "transform", X)
  local norms
  if self.norm == "l2" then norms = X:norm(2, 2)
  elseif self.norm == "l1" then norms = X:norm(1, 2)
  else norms = X:clone():abs():max(2) end
  norms[norms:eq(0)] = 1
  return torch.cdiv(X, norms:expandAs(X))
end

-- ------------------------------------------------------------ categorical columns

-- Column names of a data frame: X.names (a list, or a method), or X.columns
-- (moonlab.data's DataFrame); nil when X is not a frame.
local function frame_names(X)
  if type(X) ~= "table" or torch.isTensor(X) then return nil end
  local names = X.names
  if type(names) == "function" then names = X:names() end
  if type(names) ~= "table" then names = rawget(X, "columns") end
  if type(names) == "table" and type(names[1]) == "string" then return names end
  return nil
end
M._frame_names = frame_names

-- The values of a frame's column as a Lua array: numbers, or strings (a
-- categorical column's codes become its levels; a missing code gives nil).
local function frame_values(X, name)
  local v = X[name]
  if type(X.kind) == "function" and type(X.levels) == "function" then
    local ok, kind = pcall(X.kind, X, name)
    if ok and kind == "categorical" then
      local levels, codes, out = X:levels(name), v:totable(), {}
      for i = 1, #codes do out[i] = levels[codes[i]] or 0 / 0 end
      return out
    end
  end
  if torch.isTensor(v) then return v:nElement() > 0 and v:double():totable() or {} end
  if type(v) == "table" and type(v.totable) == "function" then return v:totable() end
  return v
end
M._frame_values = frame_values

-- X as a list of D columns, each a Lua array of values (numbers or strings),
-- and N. Accepts a tensor, a Lua table of rows, or a data frame (names from
-- frame_names, values from frame_values).
local function columns_of(who, X)
  if torch.isTensor(X) then
    if X:dim() == 1 then X = X:view(-1, 1) end
    if X:dim() ~= 2 then raise(who, "X must be 2-D (N x D), got a %d-D tensor", X:dim()) end
    local cols = {}
    local Xd = X:double()
    for j = 1, X:size(2) do cols[j] = X:size(1) > 0 and Xd:select(2, j):totable() or {} end
    return cols, X:size(1), true
  end
  if type(X) ~= "table" then raise(who, "X must be a tensor, a data frame or a table of rows (got %s)", type(X)) end
  local names = frame_names(X)
  if names and X[names[1]] ~= nil then
    local cols, n = {}, nil
    for j, name in ipairs(names) do
      local c = frame_values(X, name)
      if type(c) ~= "table" then raise(who, "data-frame column '%s' is not a tensor or a list", tostring(name)) end
      cols[j] = c
      n = n or #c
    end
    return cols, n or 0, false
  end
  if type(X[1]) ~= "table" then raise(who, "X must be a tensor, a data frame or a table of rows") end
  local n, d = #X, #X[1]
  local cols = {}
  for j = 1, d do cols[j] = {} end
  for i = 1, n do
    local row = X[i]
    if #row ~= d then raise(who, "row %d has %d values, row 1 has %d", i, #row, d) end
    for j = 1, d do cols[j][i] = row[j] end
  end
  return cols, n, false
end

local function is_missing(v) return v == nil or v ~= v end

local function sorted_unique(who, col, j)
  local seen, list = {}, {}
  local kind
  for i = 1, #col do
    local v = col[i]
    if is_missing(v) then raise(who, "column %d has missing values (NaN) at row %d; impute them first", j, i) end
    if kind and type(v) ~= kind then raise(who, "column %d mixes %ss and %ss", j, kind, type(v)) end
    kind = type(v)
    if not seen[v] then seen[v] = true; list[#list + 1] = v end
  end
  table.sort(list)
  return list
end

local function show(v)
  if type(v) == "number" and v == math.floor(v) and math.abs(v) < 2 ^ 53 then return string.format("%d", v) end
  return tostring(v)
end

-- categories per column: learnt, or the given list (each sorted as given)
local function fit_categories(self, who, cols)
  local cats = {}
  if self.categories == "auto" then
    for j, c in ipairs(cols) do cats[j] = sorted_unique(who, c, j) end
  else
    if type(self.categories) ~= "table" or #self.categories ~= #cols then
      raise(who, "categories must be \"auto\" or a list of %d lists (one per column)", #cols)
    end
    for j, c in ipairs(cols) do
      local list = {}
      for k, v in ipairs(self.categories[j]) do list[k] = v end
      cats[j] = list
      if self.handle_unknown == "error" or self.handle_unknown == nil then
        local known = {}
        for _, v in ipairs(list) do known[v] = true end
        for i = 1, #c do
          if not known[c[i]] then raise(who, "found unknown category %s in column %d during fit", show(c[i]), j) end
        end
      end
    end
  end
  return cats
end

local function category_index(cats)
  local idx = {}
  for j, list in ipairs(cats) do
    idx[j] = {}
    for k, v in ipairs(list) do idx[j][v] = k end
  end
  return idx
end

--- ml.OneHotEncoder{categories = "auto", handle_unknown = "error", drop =
-- none}: one 0/1 column per category of each feature. categories: "auto" or
-- a list of lists; handle_unknown: "error" or "ignore" (an unknown value
-- gives all zeros); drop: none, "first" or "if_binary". Fitted: categories
-- (a list of lists), drop_idx. Values may be numbers or strings.
local OneHotEncoder = base.estimator("OneHotEncoder", { categories = "auto", handle_unknown = "error",
  drop = base.NONE }, base.Transformer)
M.OneHotEncoder = OneHotEncoder
OneHotEncoder._columns_input = true   -- a ColumnTransformer hands it raw frame columns
OneHotEncoder._validate = function(self, who)
  if self.handle_unknown ~= "error" and self.handle_unknown ~= "ignore" then
    error(string.format("%s: handle_unknown must be \"error\" or \"ignore\" (got %s)", who, tostring(self.handle_unknown)), 4)
  end
  local d = self.drop
  if d ~= base.NONE and d ~= "first" and d ~= "if_binary" then
    error(string.format("%s: drop must be none, \"first\" or \"if_binary\" (got %s)", who, tostring(d)), 4)
  end
end

function OneHotEncoder:fit(X)
  local who = who_of(self, "fit")
  local cols, n = columns_of(who, X)
  if n == 0 then raise(who, "X is empty") end
  self.categories_list = nil
  local cats = fit_categories(self, who, cols)
  self.categories = cats
  self._index = category_index(cats)
  local drop = {}
  for j, list in ipairs(cats) do
    if self.drop == "first" or (self.drop == "if_binary" and #list == 2) then drop[j] = 1 else drop[j] = false end
  end
  self.drop_idx = drop
  return base.mark_fitted(self, #cols)
end

--- m:transform(X) -> N x (sum of category counts, minus dropped) 0/1 DoubleTensor.
function OneHotEncoder:transform(X)
  local who = who_of(self, "transform")
  base.fitted(self, who)
  local cols, n = columns_of(who, X)
  if #cols ~= self.n_features_in then
    raise(who, "X has %d features, but this ml.OneHotEncoder was fitted with %d", #cols, self.n_features_in)
  end
  local width, offs = 0, {}
  for j, list in ipairs(self.categories) do
    offs[j] = width
    width = width + #list - (self.drop_idx[j] and 1 or 0)
  end
  local out = torch.zeros(n, width)
  if n == 0 then return out end
  local rows, cidx = {}, {}
  for j, col in ipairs(cols) do
    local idx, dropk = self._index[j], self.drop_idx[j]
    for i = 1, n do
      local k = idx[col[i]]
      if not k then
        if self.handle_unknown == "error" then
          raise(who, "found unknown category %s in column %d during transform", show(col[i]), j)
        end
      elseif k ~= dropk then
        if dropk and k > dropk then k = k - 1 end
        rows[#rows + 1] = i
        cidx[#cidx + 1] = offs[j] + k
      end
    end
  end
  if #rows > 0 then
    local flat = (torch.LongTensor(rows) - 1) * width + torch.LongTensor(cidx)
    out:view(-1):indexFill(1, flat, 1)
  end
  return out
end

-- values back from codes: a DoubleTensor when every value is a number, else
-- a table of rows (nil for unknown)
local function values_out(cols, n, numeric)
  if numeric then
    local t = torch.DoubleTensor(n, #cols)
    for j, c in ipairs(cols) do
      for i = 1, n do local v = c[i]; t[i][j] = v == nil and 0 / 0 or v end
    end
    return t
  end
  local rows = {}
  for i = 1, n do
    local r = {}
    for j, c in ipairs(cols) do r[j] = c[i] end
    rows[i] = r
  end
  return rows
end

local function all_numeric(cats)
  for _, list in ipairs(cats) do
    for _, v in ipairs(list) do if type(v) ~= "number" then return false end end
  end
  return true
end

--- m:inverse_transform(Z) -> the original values: a DoubleTensor when all
-- categories are numbers (NaN for an all-zero, unknown row), else a table of
-- rows (nil for unknown).
function OneHotEncoder:inverse_transform(Z)
  local who = who_of(self, "inverse_transform")
  base.fitted(self, who)
  Z = base.matrix(who, Z)
  local n = Z:size(1)
  local cols, off = {}, 0
  for j, list in ipairs(self.categories) do
    local dropk = self.drop_idx[j]
    local w = #list - (dropk and 1 or 0)
    if off + w > Z:size(2) then raise(who, "Z has %d columns, expected %d", Z:size(2), off + w) end
    local block = Z:narrow(2, off + 1, w)
    local col = {}
    local mx, arg = block:max(2)
    local s = block:sum(2)
    for i = 1, n do
      if s[i][1] == 0 then
        if dropk then col[i] = list[dropk]
        elseif self.handle_unknown ~= "ignore" then raise(who, "row %d of column block %d is all zeros", i, j) end
      else
        local k = arg[i][1]
        if dropk and k >= dropk then k = k + 1 end
        col[i] = list[k]
      end
      local _ = mx
    end
    cols[j] = col
    off = off + w
  end
  if off ~= Z:size(2) then raise(who, "Z has %d columns, expected %d", Z:size(2), off) end
  return values_out(cols, n, all_numeric(self.categories))
end

--- m:get_feature_names_out([input_features]) -> {"x0_a", "x0_b", ...}.
function OneHotEncoder:get_feature_names_out(input)
  base.fitted(self, who_of(self, "get_feature_names_out"))
  local names = {}
  for j, list in ipairs(self.categories) do
    local prefix = input and input[j] or ("x" .. (j - 1))
    for k, v in ipairs(list) do
      if k ~= self.drop_idx[j] then names[#names + 1] = prefix .. "_" .. show(v) end
    end
  end
  return names
end

--- ml.OrdinalEncoder{categories = "auto", handle_unknown = "error",
-- unknown_value = none}: each value becomes its 0-based index among the
-- sorted categories of its column. handle_unknown = "use_encoded_value" maps
-- unknown values to unknown_value (a number, e.g. -1 or NaN).
local OrdinalEncoder = base.estimator("OrdinalEncoder", { categories = "auto", handle_unknown = "error",
  unknown_value = base.NONE }, base.Transformer)
M.OrdinalEncoder = OrdinalEncoder
OrdinalEncoder._columns_input = true
OrdinalEncoder._validate = function(self, who)
  local h = self.handle_unknown
  if h ~= "error" and h ~= "use_encoded_value" then
    error(string.format("%s: handle_unknown must be \"error\" or \"use_encoded_value\" (got %s)", who, tostring(h)), 4)
  end
  if h == "use_encoded_value" and type(self.unknown_value) ~= "number" then
    error(string.format("%s: unknown_value must be a number when handle_unknown = \"use_encoded_value\"", who), 4)
  end
end

function OrdinalEncoder:fit(X)
  local who = who_of(self, "fit")
  local cols, n = columns_of(who, X)
  if n == 0 then raise(who, "X is empty") end
  self.categories = fit_categories(self, who, cols)
  self._index = category_index(self.categories)
  return base.mark_fitted(self, #cols)
end

--- m:transform(X) -> N x D DoubleTensor of 0-based category codes.
function OrdinalEncoder:transform(X)
  local who = who_of(self, "transform")
  base.fitted(self, who)
  local cols, n = columns_of(who, X)
  if #cols ~= self.n_features_in then
    raise(who, "X has %d features, but this ml.OrdinalEncoder was fitted with %d", #cols, self.n_features_in)
  end
  local out = torch.DoubleTensor(n, #cols)
  for j, col in ipairs(cols) do
    local idx = self._index[j]
    for i = 1, n do
      local k = idx[col[i]]
      if k then out[i][j] = k - 1
      elseif self.handle_unknown == "error" then
        raise(who, "found unknown category %s in column %d during transform", show(col[i]), j)
      else out[i][j] = self.unknown_value end
    end
  end
  return out
end

--- m:inverse_transform(Z) -> the categories back (a DoubleTensor when all are
-- numbers, else a table of rows; unknown codes give NaN / nil).
function OrdinalEncoder:inverse_transform(Z)
  local who = who_of(self, "inverse_transform")
  base.fitted(self, who)
  Z = base.matrix(who, Z, { allow_nan = true })
  if Z:size(2) ~= #self.categories then raise(who, "Z has %d columns, expected %d", Z:size(2), #self.categories) end
  local n = Z:size(1)
  local cols = {}
  for j, list in ipairs(self.categories) do
    local z = Z:select(2, j):totable()
    local col = {}
    for i = 1, n do
      local v = list[math.tointeger(z[i]) and (z[i] + 1) or -1]
      if v == nil and self.handle_unknown ~= "use_encoded_value" then
        raise(who, "code %s in column %d is not a category index", show(z[i]), j)
      end
      col[i] = v
    end
    cols[j] = col
  end
  return values_out(cols, n, all_numeric(self.categories))
end

--- ml.LabelEncoder{}: target labels (numbers or strings) to 0-based codes.
-- fit(y), transform(y), inverse_transform(codes). Fitted: classes (sorted).
local LabelEncoder = base.estimator("LabelEncoder", {}, base.Transformer)
M.LabelEncoder = LabelEncoder

local function label_list(who, y)
  if torch.isTensor(y) then
    if y:dim() == 2 and y:size(2) == 1 then y = y:select(2, 1) end
    if y:dim() ~= 1 then raise(who, "y must be 1-D (got %d-D)", y:dim()) end
    return y:nElement() > 0 and y:double():totable() or {}, true
  end
  if type(y) == "table" and type(y.to_tensor) == "function" then return label_list(who, y:to_tensor()) end
  if type(y) == "table" and type(y.totable) == "function" then return y:totable(), false end
  if type(y) ~= "table" then raise(who, "y must be a tensor or a list (got %s)", type(y)) end
  return y, false
end

function LabelEncoder:fit(y)
  local who = who_of(self, "fit")
  local list = label_list(who, y)
  if #list == 0 then raise(who, "y is empty") end
  self.classes = sorted_unique(who, list, 1)
  self._index = {}
  for k, v in ipairs(self.classes) do self._index[v] = k end
  return base.mark_fitted(self)
end

--- m:transform(y) -> LongTensor of 0-based codes.
function LabelEncoder:transform(y)
  local who = who_of(self, "transform")
  base.fitted(self, who)
  local list = label_list(who, y)
  local out = torch.LongTensor(#list)
  for i, v in ipairs(list) do
    local k = self._index[v]
    if not k then raise(who, "y contains a previously unseen label: %s", show(v)) end
    out[i] = k - 1
  end
  return out
end

function LabelEncoder:fit_transform(y) return self:fit(y):transform(y) end

--- m:inverse_transform(codes) -> the labels: a DoubleTensor when the classes
-- are numbers, else a list of strings.
function LabelEncoder:inverse_transform(codes)
  local who = who_of(self, "inverse_transform")
  base.fitted(self, who)
  local list = label_list(who, codes)
  local out = {}
  for i, c in ipairs(list) do
    local v = self.classes[math.tointeger(c) and c + 1 or -1]
    if v == nil then raise(who, "code %s is not in 0..%d", show(c), #self.classes - 1) end
    out[i] = v
  end
  if all_numeric({ self.classes }) then return torch.DoubleTensor(out) end
  return out
end

-- ------------------------------------------------------------ imputers

local function missing_mask(X, missing)
  if missing ~= missing then return X:ne(X) end
  return X:eq(missing)
end

--- ml.SimpleImputer{strategy = "mean", fill_value = none, missing_values =
-- NaN, add_indicator = false}: replaces missing values column by column with
-- the mean, "median", "most_frequent" (smallest on ties) or "constant"
-- (fill_value, default 0). Columns with no observed value are dropped (but
-- kept with "constant"). Fitted: statistics.
local SimpleImputer = base.estimator("SimpleImputer", { strategy = "mean", fill_value = base.NONE,
  missing_values = 0 / 0, add_indicator = false }, base.Transformer)
M.SimpleImputer = SimpleImputer
SimpleImputer._validate = function(self, who)
  local s = self.strategy
  if s ~= "mean" and s ~= "median" and s ~= "most_frequent" and s ~= "constant" then
    error(string.format("%s: strategy must be \"mean\", \"median\", \"most_frequent\" or \"constant\" (got %s)",
      who, tostring(s)), 4)
  end
end

function SimpleImputer:fit(X)
  local d, _
  X, _, d = fit_matrix(self, "fit", X, { allow_nan = true })
  local miss = missing_mask(X, self.missing_values)
  local stats = torch.DoubleTensor(d)
  for j = 1, d do
    local col = X:select(2, j)
    local obs = col[miss:select(2, j):eq(0)]
    local v
    if self.strategy == "constant" then
      v = self.fill_value == base.NONE and 0 or self.fill_value
    elseif obs:nElement() == 0 then
      v = 0 / 0
    elseif self.strategy == "mean" then
      v = obs:mean()
    elseif self.strategy == "median" then
      v = torch.quantile(obs, 0.5)
    else
      local u = torch.unique(obs, true)
      local best, bestc = nil, -1
      for _, val in ipairs(u:totable()) do
        local c = obs:eq(val):sum()
        if c > bestc then best, bestc = val, c end
      end
      v = best
    end
    stats[j] = v
  end
  self.statistics = stats
  local keep = {}
  for j = 1, d do if stats[j] == stats[j] then keep[#keep + 1] = j end end
  self._keep = torch.LongTensor(keep)
  if self.add_indicator then
    local feats = {}
    local any = miss:sum(1):view(d)
    for j = 1, d do if any[j] > 0 then feats[#feats + 1] = j end end
    self.indicator_features = feats
  end
  return base.mark_fitted(self, d)
end

--- m:transform(X) -> X with missing values replaced (and the indicator
-- columns appended with add_indicator).
function SimpleImputer:transform(X)
  X = use_matrix(self, "transform", X, { allow_nan = true })
  local miss = missing_mask(X, self.missing_values)
  local out = X:clone()
  local fill = row_of(self.statistics):expandAs(out)
  out[miss] = fill[miss]
  if self._keep:nElement() < X:size(2) then
    if self._keep:nElement() == 0 then raise(who_of(self, "transform"), "every column is missing entirely") end
    out = out:index(2, self._keep)
  end
  if self.add_indicator and #self.indicator_features > 0 then
    local ind = miss:index(2, torch.LongTensor(self.indicator_features)):double()
    out = torch.cat(out, ind, 2)
  end
  return out
end

--- m:inverse_transform(Z) -> Z with the imputed values put back to missing
-- (needs add_indicator = true, as scikit-learn).
function SimpleImputer:inverse_transform(Z)
  local who = who_of(self, "inverse_transform")
  base.fitted(self, who)
  if not self.add_indicator then
    raise(who, "inverse_transform needs add_indicator = true (got false)")
  end
  Z = base.matrix(who, Z)
  local nk, ni = self._keep:nElement(), #self.indicator_features
  if Z:size(2) ~= nk + ni then raise(who, "Z has %d columns, expected %d", Z:size(2), nk + ni) end
  local out = torch.Tensor(Z:size(1), self.n_features_in):fill(0 / 0)
  out:indexCopy(2, self._keep, Z:narrow(2, 1, nk))
  for k, j in ipairs(self.indicator_features) do
    local m = Z:select(2, nk + k):ne(0)
    local col = out:select(2, j)
    col[m] = self.missing_values
  end
  return out
end

-- nan-Euclidean distances between the rows of A (n x d) and B (m x d):
-- sqrt(d / present * sum over coordinates present in both of squares); NaN
-- where no coordinate is shared.
local function nan_euclidean(A, B)
  local d = A:size(2)
  local ma, mb = A:ne(A), B:ne(B)
  local pa, pb = (-ma:double() + 1), (-mb:double() + 1)
  local Az, Bz = A:clone(), B:clone()
  Az[ma] = 0; Bz[mb] = 0
  local dist = torch.mm(torch.cmul(Az, Az), pb:t()):add(torch.mm(pa, torch.cmul(Bz, Bz):t()))
    :add(-2, torch.mm(Az, Bz:t()))
  dist:clamp(0, math.huge)
  local present = torch.mm(pa, pb:t())
  local none = present:eq(0)
  dist:cdiv(present:clamp(1, math.huge)):mul(d):sqrt()
  dist[none] = 0 / 0
  return dist
end
M._nan_euclidean = nan_euclidean

--- ml.KNNImputer{n_neighbors = 5, weights = "uniform"}: fills each missing
-- value with the mean of that feature over the n_neighbors nearest training
-- rows that have it, by nan-Euclidean distance ("distance": weighted by
-- 1/distance). Columns missing entirely at fit are dropped.
local KNNImputer = base.estimator("KNNImputer", { n_neighbors = 5, weights = "uniform", missing_values = 0 / 0 },
  base.Transformer)
M.KNNImputer = KNNImputer
KNNImputer._validate = function(self, who)
  if self.weights ~= "uniform" and self.weights ~= "distance" then
    error(string.format("%s: weights must be \"uniform\" or \"distance\" (got %s)", who, tostring(self.weights)), 4)
  end
  if type(self.n_neighbors) ~= "number" or self.n_neighbors < 1 then
    error(string.format("%s: n_neighbors must be a positive integer (got %s)", who, tostring(self.n_neighbors)), 4)
  end
end

local function as_nan(X, missing)
  if missing ~= missing then return X end
  local out = X:clone()
  out[X:eq(missing)] = 0 / 0
  return out
end

function KNNImputer:fit(X)
  local d, _
  X, _, d = fit_matrix(self, "fit", X, { allow_nan = true })
  X = as_nan(X, self.missing_values)
  self._fit_X = X:clone()
  local miss = X:ne(X)
  local keep = {}
  local cnt = miss:sum(1):view(d)
  for j = 1, d do if cnt[j] < X:size(1) then keep[#keep + 1] = j end end
  self._keep = torch.LongTensor(keep)
  -- column means over observed values (the fallback when no donor exists)
  local Xz = X:clone(); Xz[miss] = 0
  self._col_mean = torch.cdiv(Xz:sum(1):view(d), (-cnt:double() + X:size(1)))
  return base.mark_fitted(self, d)
end

--- m:transform(X) -> X with missing values imputed from the nearest rows.
function KNNImputer:transform(X)
  X = use_matrix(self, "transform", X, { allow_nan = true })
  X = as_nan(X, self.missing_values)
  local out = X:clone()
  local miss = X:ne(X)
  local fitX = self._fit_X
  local fit_miss = fitX:ne(fitX)
  local rows_any = miss:index(2, self._keep):sum(2):view(-1)
  local rec = {}
  for i = 1, X:size(1) do if rows_any[i] > 0 then rec[#rec + 1] = i end end
  if #rec > 0 then
    local ridx = torch.LongTensor(rec)
    local dist = nan_euclidean(X:index(1, ridx), fitX)
    local k0 = self.n_neighbors
    for _, j in ipairs(self._keep:totable()) do
      local donors_ok = fit_miss:select(2, j):eq(0)
      local donor_idx = torch.nonzero(donors_ok)
      local fcol = fitX:select(2, j)
      for r, i in ipairs(rec) do
        if miss[i][j] == 1 then
          local value
          if donor_idx:nElement() == 0 then
            value = self._col_mean[j]
          else
            donor_idx = donor_idx:view(-1)
            local dd = dist[r]:index(1, donor_idx)
            local finite = dd:eq(dd)
            if finite:sum() == 0 then
              value = self._col_mean[j]
            else
              local key = dd:clone()
              key[finite:eq(0)] = math.huge
              local k = math.min(k0, donor_idx:nElement())
              local kd, ki = torch.sort(key, 1)
              ki = ki:narrow(1, 1, k)
              kd = dd:index(1, ki)
              local vals = fcol:index(1, donor_idx:index(1, ki))
              if self.weights == "uniform" then
                value = vals:mean()
              else
                local w = torch.DoubleTensor(k)
                local zero = false
                for t = 1, k do if kd[t] == 0 then zero = true end end
                for t = 1, k do
                  local dv = kd[t]
                  if zero then w[t] = dv == 0 and 1 or 0
                  elseif dv ~= dv then w[t] = 0
                  else w[t] = 1 / dv end
                end
                value = torch.dot(w, vals) / w:sum()
              end
              local _ = kd
            end
          end
          out[i][j] = value
        end
      end
    end
  end
  if self._keep:nElement() < X:size(2) then out = out:index(2, self._keep) end
  return out
end

-- ------------------------------------------------------------ polynomial features

-- combinations (with replacement unless interaction_only) of 1..d of size deg,
-- in lexicographic order
local function combos(d, deg, interaction_only, out)
  local cur = {}
  local function rec(start, depth)
    if depth > deg then
      local c = {}
      for i = 1, deg do c[i] = cur[i] end
      out[#out + 1] = c
      return
    end
    for j = start, d do
      cur[depth] = j
      rec(interaction_only and j + 1 or j, depth + 1)
    end
  end
  rec(1, 1)
end

--- ml.PolynomialFeatures{degree = 2, interaction_only = false, include_bias =
-- true}: all products of features up to degree (a number, or {min, max}), in
-- scikit-learn's column order. Fitted: powers (n_output x D LongTensor).
local PolynomialFeatures = base.estimator("PolynomialFeatures", { degree = 2, interaction_only = false,
  include_bias = true }, base.Transformer)
M.PolynomialFeatures = PolynomialFeatures

function PolynomialFeatures:fit(X)
  local who = who_of(self, "fit")
  local d, _
  X, _, d = base.matrix(who, X)
  local lo, hi
  if type(self.degree) == "table" then lo, hi = self.degree[1], self.degree[2] else lo, hi = 0, self.degree end
  if type(lo) ~= "number" or type(hi) ~= "number" or lo < 0 or hi < lo or hi ~= math.floor(hi) then
    raise(who, "degree must be a non-negative integer or {min, max} with 0 <= min <= max")
  end
  local list = {}
  if self.include_bias then list[1] = {} end
  for deg = math.max(lo, 1), hi do combos(d, deg, self.interaction_only, list) end
  self._combos = list
  local powers = torch.LongTensor(#list, d):zero()
  for r, c in ipairs(list) do for _, j in ipairs(c) do powers[r][j] = powers[r][j] + 1 end end
  self.powers = powers
  self.n_output_features = #list
  return base.mark_fitted(self, d)
end

--- m:transform(X) -> N x n_output_features products of X's columns.
function PolynomialFeatures:transform(X)
  X = use_matrix(self, "transform", X)
  local n = X:size(1)
  local out = torch.DoubleTensor(n, #self._combos)
  local cache = {}
  for r, c in ipairs(self._combos) do
    local col = out:select(2, r)
    if #c == 0 then col:fill(1)
    else
      -- reuse the product of the first #c - 1 factors when already computed
      local key = table.concat(c, ",", 1, #c - 1)
      local prev = #c > 1 and cache[key]
      if prev then col:cmul(prev, X:select(2, c[#c]))
      else
        col:copy(X:select(2, c[1]))
        for t = 2, #c do col:cmul(X:select(2, c[t])) end
      end
      cache[table.concat(c, ",")] = col
    end
  end
  return out
end

--- m:get_feature_names_out([input_features]) -> {"1", "x0", "x0^2", "x0 x1", ...}.
function PolynomialFeatures:get_feature_names_out(input)
  base.fitted(self, who_of(self, "get_feature_names_out"))
  local names = {}
  for r, c in ipairs(self._combos) do
    if #c == 0 then names[r] = "1" else
      local parts, j = {}, 1
      while j <= #c do
        local e = 1
        while c[j + e] == c[j] do e = e + 1 end
        local nm = input and input[c[j]] or ("x" .. (c[j] - 1))
        parts[#parts + 1] = e > 1 and (nm .. "^" .. e) or nm
        j = j + e
      end
      names[r] = table.concat(parts, " ")
    end
  end
  return names
end

-- ------------------------------------------------------------ binning

-- 1-D k-means (Lloyd) from the given sorted initial centres, as scikit-learn's
-- KMeans(init = centres, n_init = 1): stops when labels repeat or the squared
-- centre shift falls to tol = 1e-4 * variance.
local function kmeans_1d(x, centers, max_iter)
  local n, k = #x, #centers
  local mean = 0
  for i = 1, n do mean = mean + x[i] end
  mean = mean / n
  local var = 0
  for i = 1, n do var = var + (x[i] - mean) ^ 2 end
  local tol = var / n * 1e-4
  local labels = {}
  local function assign()
    local changed = false
    for i = 1, n do
      local best, bd = 1, math.huge
      for c = 1, k do
        local dv = (x[i] - centers[c]) ^ 2
        if dv < bd then best, bd = c, dv end
      end
      if labels[i] ~= best then changed = true end
      labels[i] = best
    end
    return changed
  end
  assign()
  for _ = 1, max_iter do
    local sum, cnt = {}, {}
    for c = 1, k do sum[c], cnt[c] = 0, 0 end
    for i = 1, n do sum[labels[i]] = sum[labels[i]] + x[i]; cnt[labels[i]] = cnt[labels[i]] + 1 end
    local shift = 0
    for c = 1, k do
      if cnt[c] > 0 then
        local nc = sum[c] / cnt[c]
        shift = shift + (nc - centers[c]) ^ 2
        centers[c] = nc
      end
    end
    local changed = assign()
    if not changed or shift <= tol then break end
  end
  table.sort(centers)
  return centers
end

--- ml.KBinsDiscretizer{n_bins = 5, encode = "onehot", strategy =
-- "quantile"}: bins each feature into intervals: "uniform" widths,
-- "quantile" (equal counts) or "kmeans" (1-D k-means centres); encode
-- "onehot" (dense 0/1 columns) or "ordinal" (0-based bin index). Fitted:
-- bin_edges (a list of DoubleTensors), n_bins (a list).
local KBinsDiscretizer = base.estimator("KBinsDiscretizer", { n_bins = 5, encode = "onehot",
  strategy = "quantile" }, base.Transformer)
M.KBinsDiscretizer = KBinsDiscretizer
KBinsDiscretizer._validate = function(self, who)
  local e, s = self.encode, self.strategy
  if e ~= "onehot" and e ~= "onehot-dense" and e ~= "ordinal" then
    error(string.format("%s: encode must be \"onehot\", \"onehot-dense\" or \"ordinal\" (got %s)", who, tostring(e)), 4)
  end
  if s ~= "uniform" and s ~= "quantile" and s ~= "kmeans" then
    error(string.format("%s: strategy must be \"uniform\", \"quantile\" or \"kmeans\" (got %s)", who, tostring(s)), 4)
  end
end

function KBinsDiscretizer:fit(X)
  local who = who_of(self, "fit")
  local d, _
  X, _, d = base.matrix(who, X)
  local edges, nbins = {}, {}
  for j = 1, d do
    local nb = type(self.n_bins) == "table" and self.n_bins[j] or self.n_bins
    if type(nb) ~= "number" or nb < 2 or nb ~= math.floor(nb) then
      raise(who, "n_bins must be an integer >= 2 (got %s for feature %d)", tostring(nb), j)
    end
    local col = X:select(2, j)
    local lo, hi = col:min(), col:max()
    local e
    if lo == hi then
      e, nb = { -math.huge, math.huge }, 1
    elseif self.strategy == "uniform" then
      e = linspace(lo, hi, nb)
    elseif self.strategy == "quantile" then
      local qs = linspace(0, 100, nb)
      for i = 1, #qs do qs[i] = qs[i] / 100 end
      qs[#qs] = 1
      e = torch.quantile(col, qs):totable()
    else
      local u = linspace(lo, hi, nb)
      local init = {}
      for i = 1, nb do init[i] = (u[i + 1] + u[i]) * 0.5 end
      local centers = kmeans_1d(col:totable(), init, 300)
      e = { lo }
      for i = 1, nb - 1 do e[#e + 1] = (centers[i + 1] + centers[i]) * 0.5 end
      e[#e + 1] = hi
    end
    if self.strategy ~= "uniform" and lo ~= hi then
      local kept = { e[1] }
      for i = 2, #e do if e[i] - e[i - 1] > 1e-8 then kept[#kept + 1] = e[i] end end
      e = kept
      nb = #e - 1
    end
    edges[j], nbins[j] = torch.DoubleTensor(e), nb
  end
  self.bin_edges, self.n_bins_fitted = edges, nbins
  return base.mark_fitted(self, d)
end

-- number of inner edges <= x (numpy's searchsorted(inner, x, "right"))
local function bin_codes(col, e)
  local m = e:nElement()
  local codes = torch.zeros(col:nElement())
  for i = 2, m - 1 do codes:add(col:ge(e[i]):double()) end
  return codes
end

--- m:transform(X) -> bin codes (ordinal) or their one-hot columns.
function KBinsDiscretizer:transform(X)
  X = use_matrix(self, "transform", X)
  local n, d = X:size(1), X:size(2)
  local ord = torch.DoubleTensor(n, d)
  for j = 1, d do ord:select(2, j):copy(bin_codes(X:select(2, j), self.bin_edges[j])) end
  if self.encode == "ordinal" then return ord end
  local width = 0
  for j = 1, d do width = width + self.n_bins_fitted[j] end
  local out = torch.zeros(n, width)
  local off = 0
  for j = 1, d do
    local idx = ord:select(2, j):long():add(1 + off):view(n, 1)
    out:scatter(2, idx, 1)
    off = off + self.n_bins_fitted[j]
  end
  return out
end

--- m:inverse_transform(Z) -> the centre of each bin.
function KBinsDiscretizer:inverse_transform(Z)
  local who = who_of(self, "inverse_transform")
  base.fitted(self, who)
  Z = base.matrix(who, Z)
  local d = #self.bin_edges
  local n = Z:size(1)
  local ord
  if self.encode == "ordinal" then
    if Z:size(2) ~= d then raise(who, "Z has %d columns, expected %d", Z:size(2), d) end
    ord = Z
  else
    ord = torch.DoubleTensor(n, d)
    local off = 0
    for j = 1, d do
      local w = self.n_bins_fitted[j]
      local _, arg = Z:narrow(2, off + 1, w):max(2)
      ord:select(2, j):copy(arg:double():add(-1))
      off = off + w
    end
  end
  local out = torch.DoubleTensor(n, d)
  for j = 1, d do
    local e = self.bin_edges[j]
    local m = e:nElement()
    local centers = (e:narrow(1, 2, m - 1) + e:narrow(1, 1, m - 1)):mul(0.5)
    local codes = ord:select(2, j):clone():clamp(0, m - 2):long():add(1)
    out:select(2, j):copy(centers:index(1, codes))
  end
  return out
end

return M
