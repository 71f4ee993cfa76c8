-- test_ml_naive_bayes.lua: moonlab.ml's naive Bayes classifiers against
-- scikit-learn 1.2 (tests/fixtures/ml/naive_bayes.lua, made by
-- make_naive_bayes.py): probabilities within 1e-10, fitted attributes, and
-- partial_fit in chunks (the same chunks scikit-learn was given); then
-- partial_fit against fit, inputs of other types and layouts, and errors.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local datasets = require "moonlab.datasets"
local REF = dofile("tests/fixtures/ml/naive_bayes.lua")

local iris = datasets.load("iris")
local DATA = {
  iris = { X = iris.X, y = iris.y },
  counts = { X = torch.DoubleTensor(REF.counts.X), y = torch.DoubleTensor(REF.counts.y) },
  categorical = { X = torch.DoubleTensor(REF.categorical.X), y = torch.DoubleTensor(REF.categorical.y) },
}
local CLASS = { gaussian = ml.GaussianNB, multinomial = ml.MultinomialNB, bernoulli = ml.BernoulliNB,
  categorical = ml.CategoricalNB }

local function close_matrix(got, want, tol, what)
  if type(want) == "number" then
    H.near(got, want, tol, what)
    return
  end
  if type(want[1]) ~= "table" then
    H.eq(got:nElement(), #want, what .. " length")
    local g = got:view(-1)
    for i, v in ipairs(want) do H.near(g[i], v, tol, what .. "[" .. i .. "]") end
    return
  end
  H.eq(got:size(1), #want, what .. " rows")
  H.eq(got:size(2), #want[1], what .. " columns")
  for i, row in ipairs(want) do
    for j, v in ipairs(row) do
      if v == -math.huge then H.eq(got[i][j], v, what) else
        H.near(got[i][j], v, tol, string.format("%s[%d][%d]", what, i, j))
      end
    end
  end
end

local function fit_case(name, c)
  local kind = name:match("^(%a+)_?")
  local m = CLASS[kind](c.params)
  local d = DATA[c.data]
  if c.chunks then
    local classes = torch.unique(d.y:double(), true)
    for _, idx in ipairs(c.chunks) do
      local rows = torch.LongTensor(idx)
      m:partial_fit(d.X:index(1, rows), d.y:index(1, rows), classes)
    end
  else
    m:fit(d.X, d.y)
  end
  return m, d
end

local names = {}
for name in pairs(REF.cases) do names[#names + 1] = name end
table.sort(names)

for _, name in ipairs(names) do
  H.test(name .. " equals scikit-learn", function()
    local c = REF.cases[name]
    local m, d = fit_case(name, c)
    close_matrix(m.classes, c.classes, 0, "classes")
    close_matrix(m.class_count, c.class_count, 1e-12, "class_count")
    close_matrix(m:predict_proba(d.X), c.proba, 1e-10, "predict_proba")
    close_matrix(m:predict_log_proba(d.X), c.log_proba, 1e-10, "predict_log_proba")
    close_matrix(m:predict(d.X), c.predict, 0, "predict")
    H.near(m:score(d.X, d.y), c.score, 1e-15, "score")
    for _, attr in ipairs { "theta", "var", "class_prior", "feature_count", "feature_log_prob",
      "class_log_prior", "n_categories" } do
      if c[attr] ~= nil then
        if type(m[attr]) == "table" and not torch.isTensor(m[attr]) then
          for i, t in ipairs(m[attr]) do close_matrix(t, c[attr][i], 1e-12, attr .. " " .. i) end
        else
          close_matrix(m[attr], c[attr], 1e-12, attr)
        end
      end
    end
    if c.epsilon then H.near(m.epsilon, c.epsilon, 1e-12, "epsilon") end
    if c.category_count then
      for i, t in ipairs(m.category_count) do close_matrix(t, c.category_count[i], 0, "category_count " .. i) end
    end
  end)
end

H.test("partial_fit in chunks equals fit", function()
  local d = DATA.counts
  local classes = { -1, 3, 7 }
  for _, cls in ipairs { ml.MultinomialNB, ml.BernoulliNB, ml.GaussianNB } do
    -- GaussianNB's epsilon depends on the chunk (as in scikit-learn): without it
    -- the means and variances of chunked fits equal those of one fit
    local params = cls == ml.GaussianNB and { var_smoothing = 0 } or {}
    local full = cls(params):fit(d.X, d.y)
    local part = cls(params)
    for start = 1, 120, 17 do
      local len = math.min(17, 120 - start + 1)
      part:partial_fit(d.X:narrow(1, start, len), d.y:narrow(1, start, len), start == 1 and classes or nil)
    end
    H.ok(part.class_count:equal(full.class_count), tostring(cls) .. " class_count")
    if full.feature_count then
      H.ok(part.feature_count:equal(full.feature_count), tostring(cls) .. " feature_count")
      H.ok((part:predict_proba(d.X) - full:predict_proba(d.X)):abs():max() < 1e-12, tostring(cls))
    else
      H.ok((part.theta - full.theta):abs():max() < 1e-12, "theta")
      H.ok((part.var - full.var):abs():max() < 1e-11, "var")
      H.ok((part:predict_proba(d.X) - full:predict_proba(d.X)):abs():max() < 1e-10, "GaussianNB")
    end
  end
  local c = DATA.categorical
  local full = ml.CategoricalNB():fit(c.X, c.y)
  local part = ml.CategoricalNB()
  part:partial_fit(c.X:narrow(1, 1, 10), c.y:narrow(1, 1, 10), { 1, 2, 3 })
  part:partial_fit(c.X:narrow(1, 11, 80), c.y:narrow(1, 11, 80))
  H.ok((part:predict_proba(c.X) - full:predict_proba(c.X)):abs():max() < 1e-12, "categorical")
  -- a class missing from the first chunk is still known
  local g = ml.GaussianNB():partial_fit(iris.X:narrow(1, 1, 50), iris.y:narrow(1, 1, 50), { 0, 1, 2 })
  H.eq(g.class_count[2], 0)
  g:partial_fit(iris.X:narrow(1, 51, 100), iris.y:narrow(1, 51, 100))
  local f = ml.GaussianNB():fit(iris.X, iris.y)
  H.ok((g.theta - f.theta):abs():max() < 1e-12)
end)

H.test("inputs: Float, strided, tables, sample weights", function()
  local m = ml.GaussianNB():fit(iris.X, iris.y)
  local p = m:predict_proba(iris.X)
  H.ok((m:predict_proba(iris.X:float()) - p):abs():max() < 1e-5, "FloatTensor")
  local strided = iris.X:t():clone():t()
  H.ok(not strided:isContiguous())
  H.ok(ml.GaussianNB():fit(strided, iris.y):predict_proba(strided):equal(p), "transposed layout")
  H.eq(ml.MultinomialNB():fit({ { 1, 0 }, { 0, 1 } }, { 0, 1 }):predict({ { 3, 0 } })[1], 0)
  -- integer weights equal repeated rows
  local X = torch.DoubleTensor { { 1, 2 }, { 2, 0 }, { 0, 3 }, { 4, 1 } }
  local y = torch.DoubleTensor { 0, 0, 1, 1 }
  local Xr = torch.DoubleTensor { { 1, 2 }, { 2, 0 }, { 2, 0 }, { 0, 3 }, { 4, 1 }, { 4, 1 }, { 4, 1 } }
  local yr = torch.DoubleTensor { 0, 0, 0, 1, 1, 1, 1 }
  local sw = torch.DoubleTensor { 1, 2, 1, 3 }
  for _, cls in ipairs { ml.GaussianNB, ml.MultinomialNB, ml.BernoulliNB, ml.CategoricalNB } do
    -- (GaussianNB's epsilon comes from the unweighted rows: leave it out)
    local params = cls == ml.GaussianNB and { var_smoothing = 0 } or {}
    local a = cls(params):fit(X, y, sw)
    local b = cls(params):fit(Xr, yr)
    H.ok((a:predict_proba(X) - b:predict_proba(X)):abs():max() < 1e-12, tostring(cls) .. " sample_weight")
  end
end)

H.test("parameters and printing", function()
  H.eq(tostring(ml.BernoulliNB { alpha = 0.5 }), "ml.BernoulliNB{alpha = 0.5}")
  local m = ml.MultinomialNB { alpha = 0 }:fit(DATA.counts.X, DATA.counts.y)
  H.ok(m.feature_log_prob:ne(m.feature_log_prob):sum() == 0, "alpha 0 is raised to 1e-10")
  local f = ml.MultinomialNB { alpha = 0, force_alpha = true }:fit(torch.DoubleTensor { { 1, 0 }, { 0, 1 } }, { 0, 1 })
  H.eq(f.feature_log_prob[1][2], -math.huge, "force_alpha keeps alpha = 0")
  local per = ml.MultinomialNB { alpha = { 1, 2, 3, 4, 5, 6, 7, 8 } }:fit(DATA.counts.X, DATA.counts.y)
  local fc = per.feature_count[1]
  H.near(per.feature_log_prob[1][3], math.log((fc[3] + 3) / (fc:sum() + 36)), 1e-12, "alpha per feature")
  local b = ml.BernoulliNB { binarize = ml.NONE }:fit(torch.DoubleTensor { { 1, 0 }, { 0, 1 } }, { 0, 1 })
  H.near(b.feature_log_prob[1][1], math.log(2 / 3), 1e-15)
  local u = ml.MultinomialNB { fit_prior = false }:fit(DATA.counts.X, DATA.counts.y)
  H.near(u.class_log_prior[1], -math.log(3), 1e-15)
end)

H.test("errors", function()
  local m = ml.GaussianNB()
  H.check_error("ml.GaussianNB.predict: this ml.GaussianNB is not fitted yet (call fit first)", m.predict, m, iris.X)
  H.check_error("ml.GaussianNB.partial_fit: classes must be given on the first call", m.partial_fit, m, iris.X, iris.y)
  m:partial_fit(iris.X, iris.y, { 0, 1, 2 })
  H.check_error("ml.GaussianNB.partial_fit: label 5 of y is not one of the classes (0, 1, 2)", m.partial_fit, m,
    iris.X:narrow(1, 1, 1), torch.DoubleTensor { 5 })
  H.check_error("ml.GaussianNB.partial_fit: X has 2 features, but this ml.GaussianNB was fitted with 4",
    m.partial_fit, m, torch.DoubleTensor(3, 2):zero(), torch.DoubleTensor { 0, 1, 2 })
  H.check_error("ml.GaussianNB.partial_fit: classes differ from those of the first call", m.partial_fit, m,
    iris.X, iris.y, { 0, 1 })
  H.check_error("ml.GaussianNB.predict_proba: X has 3 features, but this ml.GaussianNB was fitted with 4",
    m.predict_proba, m, torch.DoubleTensor(2, 3):zero())
  H.check_error("ml.GaussianNB.fit: y has 3 elements but X has 150 rows", m.fit, m, iris.X, { 0, 1, 2 })
  H.check_error("ml.GaussianNB.fit: priors has 2 values but there are 3 classes",
    function() ml.GaussianNB { priors = { 0.5, 0.5 } }:fit(iris.X, iris.y) end)
  H.check_error("ml.GaussianNB.fit: priors must sum to 1",
    function() ml.GaussianNB { priors = { 0.5, 0.5, 0.5 } }:fit(iris.X, iris.y) end)
  H.check_error("ml.GaussianNB: unknown parameter 'alpha'", ml.GaussianNB, { alpha = 1 })
  H.check_error("ml.GaussianNB: var_smoothing must be a number >= 0", ml.GaussianNB, { var_smoothing = -1 })
  H.check_error("ml.GaussianNB.fit: X contains NaN values",
    function() ml.GaussianNB():fit(torch.DoubleTensor { { 0 / 0 } }, { 1 }) end)
  H.check_error("ml.MultinomialNB.fit: X must be non-negative (counts)",
    function() ml.MultinomialNB():fit(torch.DoubleTensor { { -1, 2 } }, { 1 }) end)
  H.check_error("ml.MultinomialNB.fit: alpha must be >= 0 (got -1)",
    function() ml.MultinomialNB { alpha = -1 }:fit(torch.DoubleTensor { { 1, 2 } }, { 1 }) end)
  H.check_error("ml.MultinomialNB.fit: alpha has 3 values, expected 2",
    function() ml.MultinomialNB { alpha = { 1, 2, 3 } }:fit(torch.DoubleTensor { { 1, 2 } }, { 1 }) end)
  H.check_error("ml.MultinomialNB.fit: class_prior has 1 values but there are 2 classes",
    function() ml.MultinomialNB { class_prior = { 1 } }:fit(torch.DoubleTensor { { 1, 2 }, { 2, 1 } }, { 1, 2 }) end)
  H.check_error("ml.CategoricalNB.fit: X must hold category codes 0, 1, 2, ... (non-negative integers)",
    function() ml.CategoricalNB():fit(torch.DoubleTensor { { 0.5 } }, { 1 }) end)
  local c = ml.CategoricalNB():fit(torch.DoubleTensor { { 0 }, { 1 } }, { 1, 2 })
  H.check_error("ml.CategoricalNB: feature 1 has category 2, unseen in fit (which saw 0..1)", c.predict, c,
    torch.DoubleTensor { { 2 } })
  H.check_error("ml.CategoricalNB: alpha must be a number", ml.CategoricalNB, { alpha = { 1 } })
  H.check_error("ml.BernoulliNB.fit: X is empty (0x3)",
    function() ml.BernoulliNB():fit(torch.DoubleTensor(0, 3), torch.DoubleTensor(0)) end)
  H.check_error("ml.BernoulliNB.fit: y contains NaN",
    function() ml.BernoulliNB():fit(torch.DoubleTensor { { 1 }, { 0 } }, { 1, 0 / 0 }) end)
  H.check_error("ml.BernoulliNB.fit: sample_weight must be >= 0",
    function() ml.BernoulliNB():fit(torch.DoubleTensor { { 1 }, { 0 } }, { 1, 0 }, { 1, -1 }) end)
  H.check_error("ml.BernoulliNB.fit: sample_weight has 3 values, expected 2",
    function() ml.BernoulliNB():fit(torch.DoubleTensor { { 1 }, { 0 } }, { 1, 0 }, { 1, 1, 1 }) end)
end)

H.done()
