-- moonlab.ml.pipeline: chaining estimators (Pipeline, make_pipeline) and
-- applying transformers to column subsets (ColumnTransformer,
-- make_column_transformer), as scikit-learn's.
--
-- A Pipeline's parameters reach into its steps: "step__param" (scikit-learn's
-- spelling) or "step.param" in params()/set_params{}, which is how a grid
-- search tunes a step. Columns of a ColumnTransformer are 1-based indices, or
-- names when X is a data frame (anything with :to_tensor(names) and df[name]).
-- Caching of fitted steps (scikit-learn's memory) and FeatureUnion are not
-- provided.
local torch = require "torch"
local base = require "moonlab.ml.base"
local preprocessing = require "moonlab.ml.preprocessing"

local M = {}

local function raise(who, fmt, ...) error(string.format(who .. ": " .. fmt, ...), 3) end

local function is_skip(e) return e == "passthrough" or e == "drop" or e == nil or e == base.NONE end

-- splits "step__param" or "step.param"
local function split_key(k)
  local s, p = k:match("^([^.]-)__(.+)$")
  if s then return s, p end
  return k:match("^([^.]+)%.(.+)$")
end

-- Nested parameter access shared by Pipeline and ColumnTransformer: the
-- class's own keys go to base's set_params; "name__param" / "name.param" to
-- the component called name; "name" = estimator replaces that component.
local function nested_set_params(self, params, components, replace, who)
  local own, nested = {}, {}
  for k, v in pairs(params) do
    if type(k) == "string" and self._class._defaults[k] == nil then
      local s, p = split_key(k)
      if s then
        nested[s] = nested[s] or {}
        nested[s][p] = v
      elseif components()[k] ~= nil then
        replace(k, v)
      else
        own[k] = v
      end
    else
      own[k] = v
    end
  end
  if next(own) then base.Estimator.set_params(self, own) end
  local comps = components()
  for s, p in pairs(nested) do
    local est = comps[s]
    if est == nil then
      local names = {}
      for k in pairs(comps) do names[#names + 1] = k end
      table.sort(names)
      error(string.format("%s: no step named '%s' (steps: %s)", who, s, table.concat(names, ", ")), 3)
    end
    if not base.is_estimator(est) then error(string.format("%s: step '%s' is %s and has no parameters", who, s, tostring(est)), 3) end
    est:set_params(p)
  end
  return self
end

local function nested_params(self, components, order)
  local out = base.Estimator.params(self)
  local comps = components()
  for _, name in ipairs(order()) do
    local est = comps[name]
    if base.is_estimator(est) then
      for k, v in pairs(est:params()) do out[name .. "__" .. k] = v end
    end
  end
  return out
end

-- ------------------------------------------------------------ Pipeline

local Pipeline = base.estimator("Pipeline", { steps = {} })
M.Pipeline = Pipeline

Pipeline._validate = function(self, who)
  local steps = self.steps
  if type(steps) ~= "table" then error(string.format("%s: steps must be a list of {name, estimator}", who), 4) end
  local seen = {}
  for i, s in ipairs(steps) do
    if type(s) ~= "table" or type(s[1]) ~= "string" then
      error(string.format("%s: step %d must be {name, estimator}", who, i), 4)
    end
    if seen[s[1]] then error(string.format("%s: step name '%s' is used twice", who, s[1]), 4) end
    if s[1]:find("__", 1, true) or s[1]:find(".", 1, true) then
      error(string.format("%s: step name '%s' must not contain '__' or '.'", who, s[1]), 4)
    end
    seen[s[1]] = true
    local e = s[2]
    if not is_skip(e) and not base.is_estimator(e) then
      error(string.format("%s: step '%s' must be an estimator or \"passthrough\" (got %s)", who, s[1], type(e)), 4)
    end
    if i < #steps and not is_skip(e) and not e.transform then
      error(string.format("%s: step '%s' (ml.%s) is not the last one, so it must have transform", who, s[1],
        e._class._name), 4)
    end
  end
end

local function step_map(self)
  local m = {}
  for _, s in ipairs(self.steps) do m[s[1]] = s[2] == nil and "passthrough" or s[2] end
  return m
end

local function step_order(self)
  local o = {}
  for i, s in ipairs(self.steps) do o[i] = s[1] end
  return o
end

--- p:params() -> own parameters plus every step's as "step__param".
function Pipeline:params()
  return nested_params(self, function() return step_map(self) end, function() return step_order(self) end)
end

--- p:set_params{["step__param"] = v, ["step.param"] = v, step = estimator} -> p.
function Pipeline:set_params(params)
  return nested_set_params(self, params, function() return step_map(self) end, function(name, est)
    for _, s in ipairs(self.steps) do if s[1] == name then s[2] = est end end
    Pipeline._validate(self, "ml.Pipeline.set_params")
  end, "ml.Pipeline.set_params")
end

--- p:step(name) -> the estimator of that step (p.named_steps[name] too).
function Pipeline:step(name)
  local e = step_map(self)[name]
  if e == nil then raise("ml.Pipeline.step", "no step named '%s'", tostring(name)) end
  return e
end

local function final(self, who)
  local steps = self.steps
  if #steps == 0 then raise(who, "the pipeline has no steps") end
  return steps[#steps][2], steps[#steps][1]
end

local function transform_through(self, X, upto)
  for i = 1, upto do
    local e = self.steps[i][2]
    if not is_skip(e) then X = e:transform(X) end
  end
  return X
end

--- p:fit(X [, y]) -> p: fit_transform through every step but the last, then
-- fits the last on the result.
function Pipeline:fit(X, y)
  local steps = self.steps
  if #steps == 0 then raise("ml.Pipeline.fit", "the pipeline has no steps") end
  for i = 1, #steps - 1 do
    local e = steps[i][2]
    if not is_skip(e) then
      if e.fit_transform then X = e:fit_transform(X, y) else X = e:fit(X, y):transform(X) end
    end
  end
  local last = steps[#steps][2]
  if not is_skip(last) then last:fit(X, y) end
  rawset(self, "named_steps", step_map(self))
  if base.is_estimator(last) then
    rawset(self, "classes", last.classes)
  end
  return base.mark_fitted(self)
end

local function delegate(method)
  return function(self, X, ...)
    local who = "ml.Pipeline." .. method
    base.fitted(self, who)
    local last, name = final(self, who)
    if is_skip(last) or not last[method] then
      raise(who, "the last step ('%s') has no %s", name, method)
    end
    return last[method](last, transform_through(self, X, #self.steps - 1), ...)
  end
end

--- p:predict(X) -> the last step's predict on the transformed X.
Pipeline.predict = delegate("predict")
--- p:predict_proba(X) -> the last step's predict_proba on the transformed X.
Pipeline.predict_proba = delegate("predict_proba")
--- p:decision_function(X) -> the last step's decision_function.
Pipeline.decision_function = delegate("decision_function")
--- p:score(X, y) -> the last step's score on the transformed X.
Pipeline.score = delegate("score")

--- p:supports(method) -> true when the last step has that method (predict_proba ...).
function Pipeline:supports(method)
  local last = self.steps[#self.steps]
  last = last and last[2]
  if is_skip(last) then return method == "transform" end
  return last[method] ~= nil
end

--- p:transform(X) -> X through every step (the last must transform too).
function Pipeline:transform(X)
  base.fitted(self, "ml.Pipeline.transform")
  local last, name = final(self, "ml.Pipeline.transform")
  if not is_skip(last) and not last.transform then
    raise("ml.Pipeline.transform", "the last step ('%s') has no transform", name)
  end
  return transform_through(self, X, #self.steps)
end

--- p:fit_transform(X [, y]) -> p:fit(X, y):transform(X).
function Pipeline:fit_transform(X, y)
  return self:fit(X, y):transform(X)
end

--- p:inverse_transform(Z) -> Z back through every step in reverse order.
function Pipeline:inverse_transform(Z)
  base.fitted(self, "ml.Pipeline.inverse_transform")
  for i = #self.steps, 1, -1 do
    local e = self.steps[i][2]
    if not is_skip(e) then
      if not e.inverse_transform then
        raise("ml.Pipeline.inverse_transform", "step '%s' has no inverse_transform", self.steps[i][1])
      end
      Z = e:inverse_transform(Z)
    end
  end
  return Z
end

function Pipeline:__tostring()
  local parts = {}
  for i, s in ipairs(self.steps) do parts[i] = string.format("{%q, %s}", s[1], tostring(s[2])) end
  return "ml.Pipeline{steps = {" .. table.concat(parts, ", ") .. "}}"
end

--- ml.make_pipeline(est1, est2, ...) -> a Pipeline whose steps are named
-- after the lower-cased class names ("standardscaler", ...; "-2", "-3" ...
-- added to repeats).
function M.make_pipeline(...)
  local steps, count = {}, {}
  local args = table.pack(...)
  for i = 1, args.n do
    local e = args[i]
    local name = base.is_estimator(e) and e._class._name:lower() or tostring(e)
    count[name] = (count[name] or 0) + 1
    steps[i] = { name, e }
  end
  local seen = {}
  for _, s in ipairs(steps) do
    if count[s[1]] > 1 then
      seen[s[1]] = (seen[s[1]] or 0) + 1
      s[1] = s[1] .. "-" .. seen[s[1]]
    end
  end
  return Pipeline{ steps = steps }
end

-- ------------------------------------------------------------ ColumnTransformer

local ColumnTransformer = base.estimator("ColumnTransformer", { transformers = {}, remainder = "drop" },
  base.Transformer)
M.ColumnTransformer = ColumnTransformer

ColumnTransformer._validate = function(self, who)
  if type(self.transformers) ~= "table" then
    error(string.format("%s: transformers must be a list of {name, transformer, columns}", who), 4)
  end
  for i, t in ipairs(self.transformers) do
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[3] == nil then
      error(string.format("%s: transformer %d must be {name, transformer, columns}", who, i), 4)
    end
    if not is_skip(t[2]) and not (base.is_estimator(t[2]) and t[2].transform) then
      error(string.format("%s: transformer '%s' must have fit and transform, or be \"drop\" or \"passthrough\"", who, t[1]), 4)
    end
  end
  local r = self.remainder
  if r ~= "drop" and r ~= "passthrough" and not base.is_estimator(r) then
    error(string.format("%s: remainder must be \"drop\", \"passthrough\" or a transformer", who), 4)
  end
end

local function ct_map(self)
  local m = {}
  for _, t in ipairs(self.transformers) do m[t[1]] = t[2] end
  if base.is_estimator(self.remainder) then m.remainder = self.remainder end
  return m
end

local function ct_order(self)
  local o = {}
  for i, t in ipairs(self.transformers) do o[i] = t[1] end
  if base.is_estimator(self.remainder) then o[#o + 1] = "remainder" end
  return o
end

--- ct:params() -> own parameters plus every transformer's as "name__param".
function ColumnTransformer:params()
  return nested_params(self, function() return ct_map(self) end, function() return ct_order(self) end)
end

--- ct:set_params{["name__param"] = v, ["name.param"] = v} -> ct.
function ColumnTransformer:set_params(params)
  return nested_set_params(self, params, function() return ct_map(self) end, function(name, est)
    for _, t in ipairs(self.transformers) do if t[1] == name then t[2] = est end end
  end, "ml.ColumnTransformer.set_params")
end

local frame_names = preprocessing._frame_names

local function is_frame(X) return type(X) == "table" and not torch.isTensor(X) and type(X.to_tensor) == "function" end

-- column spec -> list of indices (tensor input) or names (frame input)
local function resolve(who, spec, X, name)
  if type(spec) ~= "table" then spec = { spec } end
  if torch.isTensor(X) then
    local d = X:size(2)
    local idx = {}
    for i, c in ipairs(spec) do
      if type(c) ~= "number" then
        raise(who, "transformer '%s': column %s is a name, but X is a tensor (use 1-based indices, or a data frame)",
          name, tostring(c))
      end
      if c < 1 or c > d or c ~= math.floor(c) then raise(who, "transformer '%s': column %s out of range 1..%d", name, tostring(c), d) end
      idx[i] = c
    end
    return idx
  end
  local names = frame_names(X)
  local out = {}
  for i, c in ipairs(spec) do
    if type(c) == "number" then
      if not names or not names[c] then raise(who, "transformer '%s': column %d not in the data frame", name, c) end
      out[i] = names[c]
    else
      if X[c] == nil then raise(who, "transformer '%s': no column '%s' in the data frame", name, tostring(c)) end
      out[i] = c
    end
  end
  return out
end

-- the sub-input a transformer sees
local function take(X, cols, est)
  if torch.isTensor(X) then return X:index(2, torch.LongTensor(cols)) end
  if base.is_estimator(est) and est._class._columns_input then
    -- encoders read the raw columns (strings included)
    local sub = { names = cols }
    for _, c in ipairs(cols) do sub[c] = preprocessing._frame_values(X, c) end
    return sub
  end
  return X:to_tensor(cols)
end

local function as_matrix(who, Z, name)
  if not torch.isTensor(Z) then raise(who, "transformer '%s' returned %s, not a tensor", name, type(Z)) end
  if Z:dim() == 1 then Z = Z:view(-1, 1) end
  return Z:double()
end

local function all_columns(who, X)
  if torch.isTensor(X) then
    local t = {}
    for j = 1, X:size(2) do t[j] = j end
    return t
  end
  local names = frame_names(X)
  if not names then raise(who, "remainder needs the frame's column names (X.names or X.columns)") end
  return names
end

local function check_input(who, X)
  if torch.isTensor(X) then
    if X:dim() ~= 2 then raise(who, "X must be 2-D (N x D), got a %d-D tensor", X:dim()) end
  elseif not is_frame(X) then
    raise(who, "X must be a tensor or a data frame (got %s)", type(X))
  end
end

--- ct:fit(X [, y]) -> ct: fits a clone of each transformer on its columns.
-- Fitted: fitted_transformers ({name, fitted transformer or "passthrough",
-- columns}), output_indices (name -> {first, last} output columns).
function ColumnTransformer:fit(X, y)
  self:fit_transform(X, y)
  return self
end

--- ct:fit_transform(X [, y]) -> the outputs of the transformers side by side.
function ColumnTransformer:fit_transform(X, y)
  local who = "ml.ColumnTransformer.fit"
  check_input(who, X)
  local fitted, used = {}, {}
  for _, t in ipairs(self.transformers) do
    local cols = resolve(who, t[3], X, t[1])
    for _, c in ipairs(cols) do used[c] = true end
    local e = t[2]
    if base.is_estimator(e) then e = base.clone(e) end
    fitted[#fitted + 1] = { t[1], e, cols }
  end
  local rem = {}
  for _, c in ipairs(all_columns(who, X)) do if not used[c] then rem[#rem + 1] = c end end
  if #rem > 0 and self.remainder ~= "drop" then
    local e = self.remainder
    if base.is_estimator(e) then e = base.clone(e) end
    fitted[#fitted + 1] = { "remainder", e, rem }
  end
  local outs = {}
  for _, f in ipairs(fitted) do
    local e = f[2]
    if e ~= "drop" and #f[3] > 0 then
      local sub = take(X, f[3], e)
      local Z
      if e == "passthrough" then Z = torch.isTensor(sub) and sub or X:to_tensor(f[3])
      else Z = e:fit_transform(sub, y) end
      outs[#outs + 1] = { f[1], as_matrix(who, Z, f[1]) }
    end
  end
  rawset(self, "fitted_transformers", fitted)
  local n_in = torch.isTensor(X) and X:size(2) or #all_columns(who, X)
  base.mark_fitted(self, n_in)
  return self:_stack(who, outs)
end

function ColumnTransformer:_stack(who, outs)
  if #outs == 0 then raise(who, "no column is selected: every transformer drops its columns") end
  local idx, first = {}, 1
  local mats = {}
  for i, o in ipairs(outs) do
    idx[o[1]] = { first, first + o[2]:size(2) - 1 }
    first = first + o[2]:size(2)
    mats[i] = o[2]
  end
  rawset(self, "output_indices", idx)
  if #mats == 1 then return mats[1] end
  return torch.cat(mats, 2)
end

--- ct:transform(X) -> the fitted transformers applied to their columns,
-- side by side.
function ColumnTransformer:transform(X)
  local who = "ml.ColumnTransformer.transform"
  base.fitted(self, who)
  check_input(who, X)
  if torch.isTensor(X) and X:size(2) ~= self.n_features_in then
    raise(who, "X has %d features, but this ml.ColumnTransformer was fitted with %d", X:size(2), self.n_features_in)
  end
  local outs = {}
  for _, f in ipairs(self.fitted_transformers) do
    local e = f[2]
    if e ~= "drop" and #f[3] > 0 then
      local cols = torch.isTensor(X) and f[3] or resolve(who, f[3], X, f[1])
      local sub = take(X, cols, e)
      local Z
      if e == "passthrough" then Z = torch.isTensor(sub) and sub or X:to_tensor(cols) else Z = e:transform(sub) end
      outs[#outs + 1] = { f[1], as_matrix(who, Z, f[1]) }
    end
  end
  return self:_stack(who, outs)
end

--- ct:get_feature_names_out() -> output column names "name__feature".
function ColumnTransformer:get_feature_names_out()
  local who = "ml.ColumnTransformer.get_feature_names_out"
  base.fitted(self, who)
  local out = {}
  for _, f in ipairs(self.fitted_transformers) do
    local e, cols = f[2], f[3]
    if e ~= "drop" and #cols > 0 then
      local input = {}
      for i, c in ipairs(cols) do input[i] = type(c) == "number" and ("x" .. (c - 1)) or c end
      local names
      if e == "passthrough" then names = input
      elseif e.get_feature_names_out then names = e:get_feature_names_out(input)
      else
        local r = self.output_indices[f[1]]
        if r[2] - r[1] + 1 == #input then names = input else
          names = {}
          for k = 1, r[2] - r[1] + 1 do names[k] = e._class._name:lower() .. (k - 1) end
        end
      end
      for _, nm in ipairs(names) do out[#out + 1] = f[1] .. "__" .. nm end
    end
  end
  return out
end

--- ml.make_column_transformer({transformer, columns}, ... [, {remainder =
-- ...}]) -> a ColumnTransformer with the transformers named after their
-- lower-cased class names.
function M.make_column_transformer(...)
  local list, opts = {}, {}
  local args = table.pack(...)
  local count = {}
  for i = 1, args.n do
    local a = args[i]
    if type(a) == "table" and a.remainder ~= nil and a[1] == nil then opts = a
    else
      local e = a[1]
      local name = base.is_estimator(e) and e._class._name:lower() or tostring(e)
      count[name] = (count[name] or 0) + 1
      list[#list + 1] = { name, e, a[2] }
    end
  end
  local seen = {}
  for _, t in ipairs(list) do
    if count[t[1]] > 1 then
      seen[t[1]] = (seen[t[1]] or 0) + 1
      t[1] = t[1] .. "-" .. seen[t[1]]
    end
  end
  return ColumnTransformer{ transformers = list, remainder = opts.remainder or "drop" }
end

return M
