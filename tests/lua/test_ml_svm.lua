-- test_ml_svm.lua: moonlab.ml.SVC against scikit-learn 1.2 / libsvm
-- (tests/fixtures/ml/svm.lua, made by svm.py) at tol = 1e-6: support vector
-- indices and counts and predictions identical; dual coefficients, intercepts,
-- decision_function (ovr and ovo shapes) and linear coef within 1e-4 relative;
-- on iris (binary and 3 classes), standardized wine and generated data, every
-- kernel, class weights, no shrinking.  Then Platt probabilities (loosely: the
-- internal cross-validation split is random), the kernels against the naive
-- loops, inputs of other types, and errors.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local datasets = require "moonlab.datasets"
local REF = dofile("tests/fixtures/ml/svm.lua")

local DATA = {}
do
  local iris = datasets.load("iris")
  DATA.iris = { X = iris.X, y = iris.y:double() }
  local keep = torch.LongTensor(100)
  for i = 1, 100 do keep[i] = 50 + i end
  DATA.iris2 = { X = iris.X:index(1, keep), y = iris.y:double():index(1, keep) }
  local wine = datasets.load("wine")
  local s = REF.data.wine_scale
  local mean = torch.DoubleTensor(s.mean):view(1, -1):expandAs(wine.X)
  local scale = torch.DoubleTensor(s.scale):view(1, -1):expandAs(wine.X)
  DATA.wine = { X = (wine.X - mean):cdiv(scale), y = wine.y:double() }
  DATA.iris_reg = { X = iris.X:narrow(2, 1, 3):contiguous(), y = iris.X:select(2, 4):contiguous() }
  for _, n in ipairs { "gen2", "gen4", "reg" } do
    DATA[n] = { X = torch.DoubleTensor(REF.data[n].X), y = torch.DoubleTensor(REF.data[n].y) }
  end
end

local function flat(t, out)
  out = out or {}
  if type(t) ~= "table" then out[#out + 1] = t; return out end
  for _, v in ipairs(t) do flat(v, out) end
  return out
end

-- max |got - want| / max(1e-3, max |want|) <= tol (0: identical)
local function close(got, want, tol, what)
  local g = got:contiguous():view(-1)
  local f = flat(want)
  H.eq(g:nElement(), #f, what .. " size")
  if g:nElement() ~= #f then return end
  local scale, worst = 1e-3, 0
  for _, v in ipairs(f) do scale = math.max(scale, math.abs(v)) end
  for i, v in ipairs(f) do worst = math.max(worst, math.abs(g[i] - v)) end
  if tol == 0 then H.eq(worst, 0, what .. " identical") else
    H.ok(worst / scale <= tol, string.format("%s: relative error %.3g > %g", what, worst / scale, tol))
  end
end

local names = {}
for name in pairs(REF.cases) do names[#names + 1] = name end
table.sort(names)

for _, name in ipairs(names) do
  H.test(name .. " equals scikit-learn", function()
    local c = REF.cases[name]
    local d = DATA[c.data]
    local params = {}
    for k, v in pairs(c.params) do params[k] = v end
    if c.class_weight then params.class_weight = c.class_weight end
    local m = ml.SVC(params):fit(d.X, d.y)
    close(m.support, c.support, 0, "support")
    close(m.n_support, c.n_support, 0, "n_support")
    close(m.dual_coef, c.dual_coef, 1e-4, "dual_coef")
    close(m.intercept, c.intercept, 1e-4, "intercept")
    close(m:decision_function(d.X), c.decision, 1e-4, "decision_function")
    close(m:predict(d.X), c.predict, 0, "predict")
    if c.coef then close(m.coef, c.coef, 1e-4, "coef") end
    H.eq(m.support_vectors:equal(d.X:index(1, m.support)), true, "support_vectors are the rows of support")
  end)
end

local snames = {}
for name in pairs(REF.svr) do snames[#snames + 1] = name end
table.sort(snames)
for _, name in ipairs(snames) do
  H.test("SVR " .. name .. " equals scikit-learn", function()
    local c = REF.svr[name]
    local d = DATA[c.data]
    local m = ml.SVR(c.params):fit(d.X, d.y)
    close(m.support, c.support, 0, "support")
    close(m.dual_coef, c.dual_coef, 1e-4, "dual_coef")
    close(m.intercept, c.intercept, 1e-4, "intercept")
    close(m:predict(d.X), c.predict, 1e-4, "predict")
    if c.coef then close(m.coef, c.coef, 1e-4, "coef") end
    H.near(m:score(d.X, d.y), 1 - ((m:predict(d.X) - d.y):pow(2):sum() / (d.y - d.y:mean()):pow(2):sum()), 1e-12,
      "score is R^2")
  end)
end

H.test("SVR: iterations as libsvm's; errors", function()
  local c = REF.svr.iris_rbf
  local m = ml.SVR{tol = 1e-6}:fit(DATA.iris_reg.X, DATA.iris_reg.y)
  H.eq(m.n_iter, c.n_iter, "n_iter")
  H.check_error("epsilon must be a number >= 0", ml.SVR, { epsilon = -1 })
  H.check_error("ml.SVR.predict: this ml.SVR is not fitted yet", ml.SVR().predict, ml.SVR(), DATA.iris_reg.X)
  H.check_error("X has 4 features, but this ml.SVR was fitted with 3", m.predict, m, DATA.iris.X)
  H.check_error("y contains NaN", m.fit, m, DATA.iris_reg.X, torch.DoubleTensor(150):fill(0 / 0))
end)

H.test("iteration counts equal libsvm's (same path)", function()
  local c = REF.cases.iris_rbf
  local m = ml.SVC{tol = 1e-6}:fit(DATA.iris.X, DATA.iris.y)
  close(m.n_iter, c.n_iter, 0, "n_iter")
end)

H.test("Platt probabilities close to libsvm's (random internal folds)", function()
  for _, case in ipairs { { "proba_iris", DATA.iris, {} }, { "proba_iris2", DATA.iris2, { C = 2.0 } } } do
    local ref, d = REF[case[1]], case[2]
    local params = { probability = true, seed = 3 }
    for k, v in pairs(case[3]) do params[k] = v end
    local m = ml.SVC(params):fit(d.X, d.y)
    local P = m:predict_proba(d.X)
    local f = flat(ref.proba)
    local worst = 0
    for i, v in ipairs(f) do worst = math.max(worst, math.abs(P:view(-1)[i] - v)) end
    H.ok(worst < 0.05, case[1] .. " probabilities within 0.05: " .. worst)
    H.ok((P:sum(2) - 1):abs():max() < 1e-12, "rows sum to 1")
    H.ok((m:predict_log_proba(d.X) - P:clone():log()):abs():max() == 0, "log proba")
    -- same seed, same probabilities
    local P2 = ml.SVC(params):fit(d.X, d.y):predict_proba(d.X)
    H.eq(P2:equal(P), true, "seeded")
    H.ok(m.probA[1] < 0, "probA negative (larger decision, larger probability)")
  end
  local m = ml.SVC():fit(DATA.iris.X, DATA.iris.y)
  H.check_error("fit with probability = true", m.predict_proba, m, DATA.iris.X)
end)

H.test("kernels against the naive loops", function()
  torch.manualSeed(5)
  local A, B = torch.randn(37, 5), torch.randn(23, 5)
  for _, s in ipairs { { kernel = "linear" }, { kernel = "rbf", gamma = 0.7 },
    { kernel = "poly", degree = 3, gamma = 0.5, coef0 = 1 }, { kernel = "sigmoid", gamma = 0.1, coef0 = -0.5 },
    { kernel = "poly", degree = 0, gamma = 1, coef0 = 2 } } do
    local K1, K2 = torch._svm.kernel(A, B, s), torch._svm.kernel_naive(A, B, s)
    H.ok((K1 - K2):abs():max() <= 1e-12, s.kernel .. " kernel")
  end
end)

H.test("a separable problem: the maximal margin by hand", function()
  -- points (0,0) class -1 and (2,0) class +1: w = (1, 0), b = -1, alphas 1/2
  local X = torch.DoubleTensor{{0, 0}, {2, 0}, {-1, 1}, {3, -1}}
  local y = torch.DoubleTensor{0, 1, 0, 1}
  local m = ml.SVC{kernel = "linear", C = 100, tol = 1e-9}:fit(X, y)
  H.eq(m.support:totable()[1], 1, "first support vector")
  H.eq(m.support:nElement(), 2, "two support vectors")
  H.near(m.coef[1][1], 1, 1e-9, "w1")
  H.near(m.coef[1][2], 0, 1e-9, "w2")
  H.near(m.intercept[1], -1, 1e-9, "b")
  H.near(m.dual_coef[1][1], -0.5, 1e-9, "alpha of class 0")
  H.near(m.dual_coef[1][2], 0.5, 1e-9, "alpha of class 1")
  H.near(m:decision_function(torch.DoubleTensor{{1.5, 7}})[1], 0.5, 1e-9, "decision")
end)

H.test("inputs: labels, Float, strided, sample_weight", function()
  local d = DATA.iris
  local ref = ml.SVC{tol = 1e-8}:fit(d.X, d.y)
  local want = ref:decision_function(d.X)
  local y2 = d.y * 10 + 3
  local m = ml.SVC{tol = 1e-8}:fit(d.X:float(), y2)
  H.ok((m:decision_function(d.X) - want):abs():max() < 1e-5, "Float X, other labels")
  H.eq(m:predict(d.X):equal(ref:predict(d.X) * 10 + 3), true, "labels come back")
  local T = d.X:t():clone():t()
  H.ok((ml.SVC{tol = 1e-8}:fit(T, d.y):decision_function(T) - want):abs():max() < 1e-12, "strided")
  local sw = torch.DoubleTensor(150):fill(2)
  local m2 = ml.SVC{C = 0.5, tol = 1e-8}:fit(d.X, d.y, sw)
  H.ok((m2:decision_function(d.X) - want):abs():max() < 1e-9, "sample_weight 2 with C/2 = C")
  H.eq(tostring(ml.SVC{C = 2}), "ml.SVC{C = 2}", "tostring")
end)

H.test("errors", function()
  H.check_error("C must be a number > 0", ml.SVC, { C = 0 })
  H.check_error("kernel must be", ml.SVC, { kernel = "cubic" })
  H.check_error("gamma must be", ml.SVC, { gamma = "big" })
  H.check_error("degree must be an integer >= 0", ml.SVC, { degree = 1.5 })
  H.check_error("decision_function_shape must be", ml.SVC, { decision_function_shape = "x" })
  local m = ml.SVC()
  H.check_error("ml.SVC.predict: this ml.SVC is not fitted yet", m.predict, m, DATA.iris.X)
  H.check_error("single class", m.fit, m, torch.randn(4, 2), torch.DoubleTensor{1, 1, 1, 1})
  H.check_error("class_weight names label 7", ml.SVC{class_weight = {[7] = 2}}.fit,
    ml.SVC{class_weight = {[7] = 2}}, DATA.iris.X, DATA.iris.y)
  m:fit(DATA.iris.X, DATA.iris.y)
  H.check_error("X has 3 features, but this ml.SVC was fitted with 4", m.predict, m, torch.randn(2, 3))
  H.check_error("sample_weight must be > 0", m.fit, m, DATA.iris.X, DATA.iris.y, torch.zeros(150))
  H.check_error("y must be +1 or -1", torch._svm.solve, torch.randn(3, 2), torch.DoubleTensor{1, 0, -1},
    torch.ones(3), {})
  H.check_error("C must be > 0", torch._svm.solve, torch.randn(3, 2), torch.DoubleTensor{1, 1, -1},
    torch.zeros(3), {})
  H.check_error("expected (M, D) and (N, D) rows (got 2x2 and 3x3)", torch._svm.kernel, torch.randn(2, 2),
    torch.randn(3, 3), {})
end)

H.done()
