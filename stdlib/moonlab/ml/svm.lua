-- moonlab.ml.svm: SVC, the kernel support vector classifier, and SVR
-- (epsilon-support vector regression), with
-- scikit-learn's (libsvm's) parameters, results and fitted attributes.
--
--   local m = ml.SVC{C = 1, kernel = "rbf", gamma = "scale"}:fit(X, y)
--   m:predict(X); m:decision_function(X); m.support_vectors; m.dual_coef
--
-- Training solves one binary C-SVC dual per pair of classes (one-vs-one, as
-- libsvm) with the SMO solver of kernels/svm.c (torch._svm: libsvm's WSS3
-- working-set selection, shrinking, kernel cache).  This file groups the
-- classes, lays out the support vectors and coefficients as libsvm does,
-- votes, turns one-vs-one decision values into scikit-learn's "ovr" shape,
-- and fits Platt's sigmoids (probability = true) on 5-fold internal
-- cross-validation decision values, seeded by `seed`.  SVR solves libsvm's
-- epsilon-SVR dual with the same solver.  Not here: nu-SVC, nu-SVR,
-- one-class SVM, precomputed kernels, sparse input.
local torch = require "torch"
local base = require "moonlab.ml.base"

local S = torch._svm
local NONE = base.NONE
local M = {}

local KERNELS = { linear = true, poly = true, rbf = true, sigmoid = true }

local function who(self, method) return "ml." .. self._class._name .. "." .. method end

local SVCm = base.inherit(base.Classifier)
M.SVC = base.estimator("SVC", { C = 1.0, kernel = "rbf", degree = 3, gamma = "scale", coef0 = 0.0,
  shrinking = true, probability = false, tol = 1e-3, cache_size = 200, class_weight = NONE, max_iter = -1,
  decision_function_shape = "ovr", break_ties = false, seed = NONE }, SVCm)

local function validate(self, w)
  if type(self.C) ~= "number" or not (self.C > 0) then
    error(string.format("%s: C must be a number > 0 (got %s)", w, tostring(self.C)), 3)
  end
  if not KERNELS[self.kernel] then
    error(string.format("%s: kernel must be \"linear\", \"poly\", \"rbf\" or \"sigmoid\" (got %s)", w,
      tostring(self.kernel)), 3)
  end
  local g = self.gamma
  if g ~= "scale" and g ~= "auto" and not (type(g) == "number" and g >= 0) then
    error(string.format("%s: gamma must be \"scale\", \"auto\" or a number >= 0 (got %s)", w, tostring(g)), 3)
  end
  if math.type(self.degree) ~= "integer" or self.degree < 0 then
    error(string.format("%s: degree must be an integer >= 0 (got %s)", w, tostring(self.degree)), 3)
  end
  if type(self.tol) ~= "number" or not (self.tol > 0) then
    error(string.format("%s: tol must be a number > 0 (got %s)", w, tostring(self.tol)), 3)
  end
  if self._class._name == "SVR" then
    if type(self.epsilon) ~= "number" or not (self.epsilon >= 0) then
      error(string.format("%s: epsilon must be a number >= 0 (got %s)", w, tostring(self.epsilon)), 3)
    end
    return
  end
  if self.decision_function_shape ~= "ovr" and self.decision_function_shape ~= "ovo" then
    error(string.format("%s: decision_function_shape must be \"ovr\" or \"ovo\" (got %s)", w,
      tostring(self.decision_function_shape)), 3)
  end
  local cw = self.class_weight
  if cw ~= NONE and cw ~= "balanced" and type(cw) ~= "table" then
    error(string.format("%s: class_weight must be none, \"balanced\" or a table label -> weight", w), 3)
  end
end

M.SVC._validate = validate

local function settings(self)
  return { kernel = self.kernel, degree = self.degree, gamma = rawget(self, "_gamma") or 1, coef0 = self.coef0,
    tol = self.tol, max_iter = self.max_iter, shrinking = self.shrinking, cache_size = self.cache_size }
end

-- Per-class weights (K) from class_weight.
local function class_weights(self, w, classes, counts, n)
  local k = classes:size(1)
  local cw = torch.DoubleTensor(k):fill(1)
  if self.class_weight == "balanced" then
    for c = 1, k do cw[c] = n / (k * counts[c]) end
  elseif type(self.class_weight) == "table" then
    local index = {}
    for c = 1, k do index[classes[c]] = c end
    for label, v in pairs(self.class_weight) do
      local c = index[label]
      if not c then
        error(string.format("%s: class_weight names label %s, not a class of y", w, tostring(label)), 3)
      end
      cw[c] = v
    end
  end
  return cw
end

-- libsvm's sigmoid_train (Platt scaling by Newton's method with backtracking):
-- dec, labels (+1/-1) Lua arrays -> A, B.
local function sigmoid_train(dec, labels)
  local l = #dec
  local prior1, prior0 = 0, 0
  for i = 1, l do if labels[i] > 0 then prior1 = prior1 + 1 else prior0 = prior0 + 1 end end
  local max_iter, min_step, sigma, eps = 100, 1e-10, 1e-12, 1e-5
  local hi, lo = (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2)
  local t = {}
  for i = 1, l do t[i] = labels[i] > 0 and hi or lo end
  local exp, log, abs = math.exp, math.log, math.abs
  local function f(A, B)
    local v = 0
    for i = 1, l do
      local z = dec[i] * A + B
      if z >= 0 then v = v + t[i] * z + log(1 + exp(-z)) else v = v + (t[i] - 1) * z + log(1 + exp(z)) end
    end
    return v
  end
  local A, B = 0.0, log((prior0 + 1) / (prior1 + 1))
  local fval = f(A, B)
  for _ = 1, max_iter do
    local h11, h22, h21, g1, g2 = sigma, sigma, 0, 0, 0
    for i = 1, l do
      local z = dec[i] * A + B
      local p, q
      if z >= 0 then
        local ez = exp(-z)
        p, q = ez / (1 + ez), 1 / (1 + ez)
      else
        local ez = exp(z)
        p, q = 1 / (1 + ez), ez / (1 + ez)
      end
      local d2 = p * q
      h11 = h11 + dec[i] * dec[i] * d2
      h22 = h22 + d2
      h21 = h21 + dec[i] * d2
      local d1 = t[i] - p
      g1 = g1 + dec[i] * d1
      g2 = g2 + d1
    end
    if abs(g1) < eps and abs(g2) < eps then break end
    local det = h11 * h22 - h21 * h21
    local dA = -(h22 * g1 - h21 * g2) / det
    local dB = -(-h21 * g1 + h11 * g2) / det
    local gd = g1 * dA + g2 * dB
    local step = 1
    while step >= min_step do
      local nA, nB = A + step * dA, B + step * dB
      local nf = f(nA, nB)
      if nf < fval + 0.0001 * step * gd then
        A, B, fval = nA, nB, nf
        break
      end
      step = step / 2
    end
    if step < min_step then break end
  end
  return A, B
end

local function sigmoid_predict(dec, A, B)
  local z = dec * A + B
  if z >= 0 then return math.exp(-z) / (1 + math.exp(-z)) end
  return 1 / (1 + math.exp(z))
end

-- libsvm's svm_binary_svc_probability: decision values of 5-fold internal
-- cross-validation on the pair's rows (X2, y2 +1/-1, C2), then A, B.
local function pair_probability(self, w, X2, y2, C2, g)
  local l = X2:size(1)
  local perm = torch.randperm(g, l):long()
  local dec = {}
  local yl = y2:totable()
  local nfold = 5
  local set = settings(self)
  for f = 0, nfold - 1 do
    local b, e = f * l // nfold, (f + 1) * l // nfold
    local train, test = {}, {}
    for j = 1, l do
      if j > b and j <= e then test[#test + 1] = perm[j] else train[#train + 1] = perm[j] end
    end
    if #test > 0 then
      local pc, nc = 0, 0
      for _, r in ipairs(train) do if yl[r] > 0 then pc = pc + 1 else nc = nc + 1 end end
      if pc == 0 or nc == 0 then
        local v = (pc == 0 and nc == 0) and 0 or (pc > 0 and 1 or -1)
        for _, r in ipairs(test) do dec[r] = v end
      else
        local tr, te = torch.LongTensor(train), torch.LongTensor(test)
        local Xt = X2:index(1, tr)
        local coef, rho = S.solve(Xt, y2:index(1, tr), C2:index(1, tr), set, w)
        local Kt = S.kernel(X2:index(1, te), Xt, set, w)
        local dv = torch.mv(Kt, coef):add(-rho)
        for i, r in ipairs(test) do dec[r] = dv[i] end
      end
    end
  end
  return sigmoid_train(dec, yl)
end

-- gamma as scikit-learn resolves it
local function resolve_gamma(self, X, d)
  local gamma = self.gamma
  if gamma == "scale" then
    local mean = X:mean()
    local var = (X - mean):pow(2):mean()   -- numpy's X.var() over every element
    gamma = var ~= 0 and 1 / (d * var) or 1.0
  elseif gamma == "auto" then
    gamma = 1 / d
  end
  return gamma
end

--- m:fit(X, y [, sample_weight]) -> m.
function SVCm:fit(X, y, sample_weight)
  local w = who(self, "fit")
  local n, d
  X, n, d = base.matrix(w, X)
  local classes, codes = base.encode(w, y, n)
  local k = classes:size(1)
  if k < 2 then
    error(string.format("%s: y has a single class (%s); SVC needs at least 2", w, tostring(classes[1])), 2)
  end
  local sw
  if sample_weight ~= nil and sample_weight ~= NONE then
    sw = base.vector(w, sample_weight, n, "sample_weight")
    if sw:le(0):sum() > 0 then error(string.format("%s: sample_weight must be > 0", w), 2) end
  end
  rawset(self, "_gamma", resolve_gamma(self, X, d))
  local set = settings(self)

  -- rows of each class, in data order (libsvm's grouping)
  local rows, counts = {}, {}
  local cl = codes:totable()
  for c = 1, k do rows[c] = {} end
  for i = 1, n do local r = rows[cl[i]]; r[#r + 1] = i end
  for c = 1, k do counts[c] = #rows[c]; rows[c] = torch.LongTensor(rows[c]) end
  local cw = class_weights(self, w, classes, counts, n)
  local Cfull = torch.DoubleTensor(n)
  for i = 1, n do Cfull[i] = self.C * cw[cl[i]] end
  if sw then Cfull:cmul(sw) end

  local g = self.probability and base.generator(self.seed) or nil
  local pairs_, nonzero = {}, {}
  for c = 1, k do nonzero[c] = torch.ByteTensor(counts[c]):zero() end
  local rho = torch.DoubleTensor(k * (k - 1) // 2)
  local n_iter = torch.LongTensor(k * (k - 1) // 2)
  local probA, probB
  if self.probability then probA, probB = torch.DoubleTensor(rho:size(1)), torch.DoubleTensor(rho:size(1)) end
  local p = 0
  local warned = false
  for i = 1, k - 1 do
    for j = i + 1, k do
      p = p + 1
      local idx = torch.cat(rows[i], rows[j])
      local X2 = X:index(1, idx)
      local y2 = torch.DoubleTensor(idx:size(1)):fill(-1)
      y2:narrow(1, 1, counts[i]):fill(1)
      local C2 = Cfull:index(1, idx)
      if self.probability then probA[p], probB[p] = pair_probability(self, w, X2, y2, C2, g) end
      local coef, r, it, hit = S.solve(X2, y2, C2, set, w)
      rho[p], n_iter[p] = r, it
      if hit and not warned then
        warned = true
        io.stderr:write(string.format("%s: warning: stopped at max_iter = %d before converging\n", w, it))
      end
      nonzero[i]:add(coef:narrow(1, 1, counts[i]):ne(0):byte()):clamp(0, 1)
      nonzero[j]:add(coef:narrow(1, counts[i] + 1, counts[j]):ne(0):byte()):clamp(0, 1)
      pairs_[p] = { i = i, j = j, coef = coef }
    end
  end
  -- support vectors grouped by class, each class in data order
  local support, n_support, start = {}, torch.LongTensor(k), {}
  local pos = {}   -- per class: local row -> column in dual_coef
  for c = 1, k do
    start[c] = #support
    pos[c] = {}
    local nz, r = nonzero[c], rows[c]
    for t = 1, counts[c] do
      if nz[t] ~= 0 then
        support[#support + 1] = r[t]
        pos[c][t] = #support
      end
    end
    n_support[c] = #support - start[c]
  end
  local nsv = #support
  local dual = torch.DoubleTensor(k - 1, nsv):zero()
  for _, pr in ipairs(pairs_) do
    local i, j, coef = pr.i, pr.j, pr.coef
    for t = 1, counts[i] do
      local col = pos[i][t]
      if col then dual[j - 1][col] = coef[t] end
    end
    for t = 1, counts[j] do
      local col = pos[j][t]
      if col then dual[i][col] = coef[counts[i] + t] end
    end
  end
  local sup = torch.LongTensor(support)
  rawset(self, "classes", classes)
  rawset(self, "support", sup)
  rawset(self, "support_vectors", X:index(1, sup))
  rawset(self, "n_support", n_support)
  rawset(self, "_dual", dual)          -- libsvm's signs
  rawset(self, "_rho", rho)
  rawset(self, "_start", start)
  rawset(self, "n_iter", n_iter)
  rawset(self, "class_weight_values", cw)
  rawset(self, "shape_fit", { n, d })
  if k == 2 then
    -- scikit-learn flips the binary model so that positive means classes[2]
    rawset(self, "dual_coef", dual:clone():mul(-1))
    rawset(self, "intercept", rho:clone())
  else
    rawset(self, "dual_coef", dual:clone())
    rawset(self, "intercept", rho:clone():mul(-1))
  end
  if self.kernel == "linear" then
    -- coef (K(K-1)/2 x D): the primal weights of every pair, as scikit-learn's coef_
    local coef = torch.DoubleTensor(k * (k - 1) // 2, d):zero()
    local q = 0
    for i = 1, k - 1 do
      for j = i + 1, k do
        q = q + 1
        if n_support[i] > 0 then
          coef[q]:addmv(self.support_vectors:narrow(1, start[i] + 1, n_support[i]):t(),
            dual[j - 1]:narrow(1, start[i] + 1, n_support[i]))
        end
        if n_support[j] > 0 then
          coef[q]:addmv(self.support_vectors:narrow(1, start[j] + 1, n_support[j]):t(),
            dual[i]:narrow(1, start[j] + 1, n_support[j]))
        end
      end
    end
    if k == 2 then coef:mul(-1) end
    rawset(self, "coef", coef)
  end
  if self.probability then
    rawset(self, "probA", probA)
    rawset(self, "probB", probB)
  end
  return base.mark_fitted(self, d)
end

-- libsvm's one-vs-one decision values: M x K(K-1)/2, positive -> class i of
-- the pair (i, j).
local function ovo_values(self, w, X)
  base.fitted(self, w)
  local Xc = base.matrix(w, X)
  base.check_features(w, self, Xc)
  local Kx = S.kernel(Xc, self.support_vectors, settings(self), w)
  local k, m = self.classes:size(1), Xc:size(1)
  local out = torch.DoubleTensor(m, k * (k - 1) // 2)
  local ns, st, dual = self.n_support, self._start, self._dual
  local p = 0
  for i = 1, k - 1 do
    for j = i + 1, k do
      p = p + 1
      local col = out:select(2, p)
      col:fill(-self._rho[p])
      if ns[i] > 0 then col:addmv(Kx:narrow(2, st[i] + 1, ns[i]), dual[j - 1]:narrow(1, st[i] + 1, ns[i])) end
      if ns[j] > 0 then col:addmv(Kx:narrow(2, st[j] + 1, ns[j]), dual[i]:narrow(1, st[j] + 1, ns[j])) end
    end
  end
  return out
end

-- scikit-learn's _ovr_decision_function(dec < 0, -dec, K).
local function ovr_from_ovo(dec, k)
  local m = dec:size(1)
  local votes = torch.DoubleTensor(m, k):zero()
  local conf = torch.DoubleTensor(m, k):zero()
  local p = 0
  for i = 1, k - 1 do
    for j = i + 1, k do
      p = p + 1
      local d = dec:select(2, p)
      conf:select(2, i):add(d)         -- sum_of_confidences[:, i] -= -dec
      conf:select(2, j):add(-1, d)
      local jwins = d:lt(0):double()
      votes:select(2, j):add(jwins)
      votes:select(2, i):add(jwins:mul(-1):add(1))
    end
  end
  local t = conf:clone():abs():add(1):mul(3)
  return votes:add(conf:cdiv(t))
end

--- m:decision_function(X) -> N (two classes: > 0 means m.classes[2]) or N x K
-- ("ovr", scikit-learn's default) or N x K(K-1)/2 ("ovo").
function SVCm:decision_function(X)
  local w = who(self, "decision_function")
  local dec = ovo_values(self, w, X)
  local k = self.classes:size(1)
  if k == 2 then return dec:select(2, 1):clone():mul(-1) end
  if self.decision_function_shape == "ovr" then return ovr_from_ovo(dec, k) end
  return dec
end

--- m:predict(X) -> N labels by one-vs-one votes (libsvm; ties: the smaller
-- class), or with break_ties the largest "ovr" decision value.
function SVCm:predict(X)
  local w = who(self, "predict")
  local dec = ovo_values(self, w, X)
  local k, m = self.classes:size(1), dec:size(1)
  if self.break_ties and k > 2 then
    local _, arg = ovr_from_ovo(dec, k):max(2)
    return self.classes:index(1, arg:view(-1))
  end
  local D = dec:totable()
  local out = torch.DoubleTensor(m)
  for r = 1, m do
    local votes = {}
    for c = 1, k do votes[c] = 0 end
    local p = 0
    for i = 1, k - 1 do
      for j = i + 1, k do
        p = p + 1
        if D[r][p] > 0 then votes[i] = votes[i] + 1 else votes[j] = votes[j] + 1 end
      end
    end
    local best = 1
    for c = 2, k do if votes[c] > votes[best] then best = c end end
    out[r] = self.classes[best]
  end
  return out
end

-- libsvm's multiclass_probability: pairwise r (k x k) -> p (k).
local function coupling(k, r)
  local Q, p, Qp = {}, {}, {}
  for t = 1, k do
    Q[t] = {}
    p[t] = 1 / k
    Q[t][t] = 0
    for j = 1, t - 1 do
      Q[t][t] = Q[t][t] + r[j][t] * r[j][t]
      Q[t][j] = Q[j][t]
    end
    for j = t + 1, k do
      Q[t][t] = Q[t][t] + r[j][t] * r[j][t]
      Q[t][j] = -r[j][t] * r[t][j]
    end
  end
  local eps = 0.005 / k
  for _ = 1, math.max(100, k) do
    local pQp = 0
    for t = 1, k do
      Qp[t] = 0
      for j = 1, k do Qp[t] = Qp[t] + Q[t][j] * p[j] end
      pQp = pQp + p[t] * Qp[t]
    end
    local max_error = 0
    for t = 1, k do max_error = math.max(max_error, math.abs(Qp[t] - pQp)) end
    if max_error < eps then break end
    for t = 1, k do
      local diff = (-Qp[t] + pQp) / Q[t][t]
      p[t] = p[t] + diff
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff)
      for j = 1, k do
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff)
        p[j] = p[j] / (1 + diff)
      end
    end
  end
  return p
end

--- m:predict_proba(X) -> N x K probabilities (needs probability = true):
-- Platt's sigmoids per pair, coupled as libsvm does.
function SVCm:predict_proba(X)
  local w = who(self, "predict_proba")
  base.fitted(self, w)
  if not self.probability then
    error(string.format("%s: fit with probability = true to get probabilities", w), 2)
  end
  local dec = ovo_values(self, w, X)
  local k, m = self.classes:size(1), dec:size(1)
  local D = dec:totable()
  local out = torch.DoubleTensor(m, k)
  local min_prob = 1e-7
  for row = 1, m do
    local r = {}
    for c = 1, k do r[c] = {} end
    local p = 0
    for i = 1, k - 1 do
      for j = i + 1, k do
        p = p + 1
        local v = sigmoid_predict(D[row][p], self.probA[p], self.probB[p])
        v = math.min(math.max(v, min_prob), 1 - min_prob)
        r[i][j], r[j][i] = v, 1 - v
      end
    end
    if k == 2 then
      out[row][1], out[row][2] = r[1][2], r[2][1]
    else
      local pr = coupling(k, r)
      for c = 1, k do out[row][c] = pr[c] end
    end
  end
  return out
end

--- m:predict_log_proba(X) -> log of m:predict_proba(X).
function SVCm:predict_log_proba(X)
  return self:predict_proba(X):log()
end

-- SVR -------------------------------------------------------------------------

local SVRm = base.inherit(base.Regressor)
M.SVR = base.estimator("SVR", { kernel = "rbf", degree = 3, gamma = "scale", coef0 = 0.0, tol = 1e-3, C = 1.0,
  epsilon = 0.1, shrinking = true, cache_size = 200, max_iter = -1 }, SVRm)
M.SVR._validate = validate

--- m:fit(X, y [, sample_weight]) -> m.
function SVRm:fit(X, y, sample_weight)
  local w = who(self, "fit")
  local n, d
  X, n, d = base.matrix(w, X)
  local yv = base.vector(w, y, n)
  if yv:ne(yv):sum() > 0 then error(string.format("%s: y contains NaN", w), 2) end
  local C = torch.DoubleTensor(n):fill(self.C)
  if sample_weight ~= nil and sample_weight ~= NONE then
    local sw = base.vector(w, sample_weight, n, "sample_weight")
    if sw:le(0):sum() > 0 then error(string.format("%s: sample_weight must be > 0", w), 2) end
    C:cmul(sw)
  end
  rawset(self, "_gamma", resolve_gamma(self, X, d))
  local coef, rho, it, hit = S.solve_svr(X, yv, C, self.epsilon, settings(self), w)
  if hit then io.stderr:write(string.format("%s: warning: stopped at max_iter = %d before converging\n", w, it)) end
  local idx = {}
  for i = 1, n do if coef[i] ~= 0 then idx[#idx + 1] = i end end
  local sup = torch.LongTensor(idx)
  local dual = #idx > 0 and coef:index(1, sup):view(1, -1) or torch.DoubleTensor(1, 0)
  rawset(self, "support", sup)
  rawset(self, "support_vectors", #idx > 0 and X:index(1, sup) or torch.DoubleTensor(0, d))
  rawset(self, "dual_coef", dual)
  rawset(self, "intercept", torch.DoubleTensor{ -rho })
  rawset(self, "n_iter", it)
  if self.kernel == "linear" then
    rawset(self, "coef", #idx > 0 and (dual * self.support_vectors) or torch.DoubleTensor(1, d):zero())
  end
  return base.mark_fitted(self, d)
end

--- m:predict(X) -> N predictions sum_i dual_coef_i K(sv_i, x) + intercept.
function SVRm:predict(X)
  local w = who(self, "predict")
  base.fitted(self, w)
  local Xc = base.matrix(w, X)
  base.check_features(w, self, Xc)
  local out = torch.DoubleTensor(Xc:size(1)):fill(self.intercept[1])
  if self.support:nElement() > 0 then
    out:addmv(S.kernel(Xc, self.support_vectors, settings(self), w), self.dual_coef[1])
  end
  return out
end

return M
