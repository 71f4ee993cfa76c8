-- moonlab.ml.tree_core: what the tree models (moonlab.ml.tree) and the
-- ensembles (moonlab.ml.ensemble) share: parameter resolution, data layout for
-- torch._tree, seeds, and prediction through the node arrays.  Internal: not
-- an area module, its names are not part of moonlab.ml.
local torch = require "torch"
local base = require "moonlab.ml.base"

local C = {}

local CLF_CRITERIA = { gini = "gini", entropy = "entropy", log_loss = "entropy" }
local REG_CRITERIA = { squared_error = "squared_error" }

--- C.criterion(who, name, classify) -> the kernel's criterion name.
function C.criterion(who, name, classify)
  local c = (classify and CLF_CRITERIA or REG_CRITERIA)[name]
  if not c then
    error(string.format("%s: unknown criterion '%s' (known: %s)", who, tostring(name),
      classify and "gini, entropy, log_loss" or "squared_error"), 3)
  end
  return c
end

--- C.max_features(who, v, d) -> number of features examined per split.
-- none: d; "sqrt"/"log2": floor of that (at least 1); an integer: itself;
-- a float in (0, 1]: that fraction of d (at least 1).
function C.max_features(who, v, d)
  if v == nil or v == base.NONE then return d end
  local k
  if v == "sqrt" then k = math.floor(math.sqrt(d))
  elseif v == "log2" then k = math.floor(math.log(d, 2))
  elseif math.type(v) == "integer" then
    if v < 1 or v > d then
      error(string.format("%s: max_features must be in 1..%d (got %d)", who, d, v), 3)
    end
    return v
  elseif math.type(v) == "float" and v > 0 and v <= 1 then k = math.floor(v * d)
  else
    error(string.format("%s: max_features must be none, \"sqrt\", \"log2\", an integer or a fraction in (0, 1] (got %s)",
      who, tostring(v)), 3)
  end
  return math.max(1, k)
end

--- C.count(who, name, v, n, min) -> an integer count parameter: an integer
-- >= min, or a float fraction in (0, 1] of n (rounded up, at least min).
function C.count(who, name, v, n, min)
  if math.type(v) == "integer" then
    if v < min then error(string.format("%s: %s must be >= %d (got %d)", who, name, min, v), 3) end
    return v
  elseif math.type(v) == "float" and v > 0 and v <= 1 then
    return math.max(min, math.ceil(v * n))
  end
  error(string.format("%s: %s must be an integer >= %d or a fraction in (0, 1] (got %s)", who, name, min,
    tostring(v)), 3)
end

--- C.depth(who, v) -> max_depth for the kernel (-1: unlimited).
function C.depth(who, v)
  if v == nil or v == base.NONE then return -1 end
  if math.type(v) ~= "integer" or v < 0 then
    error(string.format("%s: max_depth must be none or an integer >= 0 (got %s)", who, tostring(v)), 3)
  end
  return v
end

--- C.seeds(seed, k) -> a list of k 63-bit integer seeds drawn from
-- base.generator(seed).
function C.seeds(seed, k)
  local g = base.generator(seed)
  local out = {}
  for i = 1, k do out[i] = (torch.random(g) << 31) ~ torch.random(g) end
  return out
end

--- C.single(X) -> X rounded to single precision (kept as a DoubleTensor).
-- Trees see their input as scikit-learn's do (it converts X to float32), so
-- that thresholds, midpoints of two float32 values, are the same numbers.
function C.single(X)
  return X:float():double()
end

--- C.transposed(X) -> X (rounded by C.single) as a contiguous D x N
-- DoubleTensor, torch._tree's layout.
function C.transposed(X)
  return C.single(X):t():contiguous()
end

--- C.weights(who, w, n) -> nil or a contiguous DoubleTensor of n weights >= 0.
function C.weights(who, w, n)
  if w == nil then return nil end
  w = base.vector(who, w, n, "sample_weight")
  if w:lt(0):sum() > 0 or w:ne(w):sum() > 0 then
    error(who .. ": sample_weight must be >= 0 and not NaN", 3)
  end
  return w
end

--- C.leaf_values(tree, X) -> (N x K) values of the leaves X reaches.
function C.leaf_values(tree, X)
  local leaves = torch._tree.apply(tree, X)
  return tree.value:index(1, leaves), leaves
end

--- C.normalized(v) -> rows of v divided by their sums (class counts -> probabilities).
function C.normalized(v)
  local s = v:sum(2)
  s[s:eq(0)] = 1
  return v:cdiv(s:expandAs(v))
end

--- C.importances(tree, d) -> (D) impurity-decrease importances of one tree,
-- summing to 1 (all zero for a tree without splits).
function C.importances(tree)
  local imp = tree.importance:clone()
  local s = imp:sum()
  if s > 0 then imp:div(s) end
  return imp
end

--- C.argmax_classes(classes, P) -> (N) classes of the largest column of P
-- (first one on ties).
function C.argmax_classes(classes, P)
  local _, idx = P:max(2)
  return classes:index(1, idx:view(idx:size(1)))
end

return C
