-- moonlab.ml.tree: CART decision trees with scikit-learn's parameters and
-- results: DecisionTreeClassifier, DecisionTreeRegressor and their random-
-- threshold variants ExtraTreeClassifier/ExtraTreeRegressor.  The tree is
-- grown in C (kernels/tree.c through torch._tree); this file resolves the
-- parameters, encodes labels, predicts through the node arrays and prints
-- the tree (m:export_text()).  Not here: pruning (ccp_alpha), class_weight,
-- multi-output targets, missing values.
local torch = require "torch"
local base = require "moonlab.ml.base"
local C = require "moonlab.ml.tree_core"

local M = {}

local Tree = base.inherit(base.Estimator) -- methods shared by all tree classes

local function fit_tree(self, X, y, sample_weight, classify)
  local name = self._class._name
  local who = "ml." .. name .. ".fit"
  local n, d
  X, n, d = base.matrix(who, X)
  local codes
  if classify then
    local classes
    classes, codes = base.encode(who, y, n)
    self.classes = classes
    self.n_classes = classes:size(1)
    codes = codes:double():add(-1)
  else
    codes = base.vector(who, y, n)
  end
  local w = C.weights(who, sample_weight, n)
  local mf = C.max_features(who, self.max_features, d)
  local opts = {
    criterion = C.criterion(who, self.criterion, classify),
    splitter = self.splitter,
    max_depth = C.depth(who, self.max_depth),
    min_samples_split = C.count(who, "min_samples_split", self.min_samples_split, n, 2),
    min_samples_leaf = C.count(who, "min_samples_leaf", self.min_samples_leaf, n, 1),
    max_features = mf,
    min_impurity_decrease = self.min_impurity_decrease,
    k = classify and self.n_classes or 1,
    seed = C.seeds(self.seed, 1)[1],
  }
  if opts.splitter ~= "best" and opts.splitter ~= "random" then
    error(string.format("%s: splitter must be \"best\" or \"random\" (got %s)", who, tostring(self.splitter)), 2)
  end
  self.tree = torch._tree.fit(C.transposed(X), codes, w, opts)
  self.feature_importances = C.importances(self.tree)
  return base.mark_fitted(self, d)
end

local function predict_input(self, X, method)
  local who = "ml." .. self._class._name .. "." .. method
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return C.single(X)
end

--- m:apply(X) -> LongTensor (N): the 1-based id of the leaf each row reaches.
function Tree:apply(X)
  X = predict_input(self, X, "apply")
  return (torch._tree.apply(self.tree, X))
end

--- m:get_depth() -> the depth of the tree (a root-only tree has depth 0).
function Tree:get_depth()
  base.fitted(self, "ml." .. self._class._name .. ".get_depth")
  return self.tree.max_depth
end

--- m:get_n_leaves() -> the number of leaves.
function Tree:get_n_leaves()
  base.fitted(self, "ml." .. self._class._name .. ".get_n_leaves")
  return self.tree.children_left:eq(0):sum()
end

local function format_class(c)
  if c == math.floor(c) and math.abs(c) < 2 ^ 53 then return string.format("%d", c) end
  return tostring(c)
end

--- m:export_text{feature_names, max_depth = 10, decimals = 2, spacing = 3,
-- show_weights = false} -> the tree as indented text rules, as
-- sklearn.tree.export_text writes it.
function Tree:export_text(opts)
  local who = "ml." .. self._class._name .. ".export_text"
  base.fitted(self, who)
  opts = opts or {}
  local t = self.tree
  local names = opts.feature_names
  if names ~= nil and #names ~= self.n_features_in then
    error(string.format("%s: feature_names has %d names, the tree has %d features", who, #names,
      self.n_features_in), 2)
  end
  local max_depth = opts.max_depth or 10
  local decimals = opts.decimals or 2
  local spacing = opts.spacing or 3
  local classify = self.classes ~= nil
  local show_weights = opts.show_weights
  local feat, thr = t.feature, t.threshold
  local left, right, value = t.children_left, t.children_right, t.value
  local k = value:size(2)
  local numfmt = "%." .. decimals .. "f"
  local out = {}

  local function subtree_depth(node)
    if left[node] == 0 then return 1 end
    return 1 + math.max(subtree_depth(left[node]), subtree_depth(right[node]))
  end
  local function leaf(node, indent)
    local val = ""
    if show_weights or not classify then
      local parts = {}
      for j = 1, k do parts[j] = string.format(numfmt, value[node][j]) end
      val = "[" .. table.concat(parts, ", ") .. "]"
    end
    if classify then
      local best, bj = -math.huge, 1
      for j = 1, k do if value[node][j] > best then best, bj = value[node][j], j end end
      val = val .. " class: " .. format_class(self.classes[bj])
      out[#out + 1] = indent .. (show_weights and " weights: " or "") .. val
    else
      out[#out + 1] = indent .. " value: " .. val
    end
  end
  local function rec(node, depth)
    local indent = string.rep("|" .. string.rep(" ", spacing), depth)
    indent = indent:sub(1, #indent - spacing) .. string.rep("-", spacing)
    if depth <= max_depth + 1 then
      local f = feat[node]
      if f ~= 0 then
        local name = names and names[f] or ("feature_" .. f)
        local th = string.format(numfmt, thr[node])
        out[#out + 1] = string.format("%s %s <= %s", indent, name, th)
        rec(left[node], depth + 1)
        out[#out + 1] = string.format("%s %s >  %s", indent, name, th)
        rec(right[node], depth + 1)
      else
        leaf(node, indent)
      end
    else
      local sd = subtree_depth(node)
      if sd == 1 then leaf(node, indent)
      else out[#out + 1] = string.format("%s truncated branch of depth %d", indent, sd) end
    end
  end
  rec(1, 1)
  return table.concat(out, "\n") .. "\n"
end

local CLF_DEFAULTS = {
  criterion = "gini", splitter = "best", max_depth = base.NONE, min_samples_split = 2,
  min_samples_leaf = 1, max_features = base.NONE, min_impurity_decrease = 0.0, seed = base.NONE,
}
local REG_DEFAULTS = {}
for k, v in pairs(CLF_DEFAULTS) do REG_DEFAULTS[k] = v end
REG_DEFAULTS.criterion = "squared_error"

local ClassifierTree = base.inherit(base.Classifier)
for k, v in pairs(Tree) do ClassifierTree[k] = v end

--- m:fit(X, y [, sample_weight]) -> m.  Grows the tree on X (N x D) and
-- labels y (N, any numbers); sample_weight (N, >= 0) weights the samples.
function ClassifierTree:fit(X, y, sample_weight)
  return fit_tree(self, X, y, sample_weight, true)
end

--- m:predict_proba(X) -> (N x K) class probabilities: the class fractions of
-- the training samples (weighted) in the leaf each row reaches.
function ClassifierTree:predict_proba(X)
  X = predict_input(self, X, "predict_proba")
  return (C.normalized((C.leaf_values(self.tree, X))))
end

--- m:predict(X) -> (N) the most frequent class of each row's leaf.
function ClassifierTree:predict(X)
  X = predict_input(self, X, "predict")
  return C.argmax_classes(self.classes, (C.leaf_values(self.tree, X)))
end

local RegressorTree = base.inherit(base.Regressor)
for k, v in pairs(Tree) do RegressorTree[k] = v end

--- m:fit(X, y [, sample_weight]) -> m.  Grows the tree on X (N x D) and targets y (N).
function RegressorTree:fit(X, y, sample_weight)
  return fit_tree(self, X, y, sample_weight, false)
end

--- m:predict(X) -> (N) the (weighted) mean target of each row's leaf.
function RegressorTree:predict(X)
  X = predict_input(self, X, "predict")
  local v = C.leaf_values(self.tree, X)
  return v:select(2, 1):contiguous()
end

M.DecisionTreeClassifier = base.estimator("DecisionTreeClassifier", CLF_DEFAULTS, ClassifierTree)
M.DecisionTreeRegressor = base.estimator("DecisionTreeRegressor", REG_DEFAULTS, RegressorTree)

local EXTRA_CLF = {}
for k, v in pairs(CLF_DEFAULTS) do EXTRA_CLF[k] = v end
EXTRA_CLF.splitter, EXTRA_CLF.max_features = "random", "sqrt"
local EXTRA_REG = {}
for k, v in pairs(REG_DEFAULTS) do EXTRA_REG[k] = v end
EXTRA_REG.splitter, EXTRA_REG.max_features = "random", 1.0
M.ExtraTreeClassifier = base.estimator("ExtraTreeClassifier", EXTRA_CLF, ClassifierTree)
M.ExtraTreeRegressor = base.estimator("ExtraTreeRegressor", EXTRA_REG, RegressorTree)

return M
