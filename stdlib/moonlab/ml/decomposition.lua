-- moonlab.ml.decomposition: dimension reduction with scikit-learn's names
-- and results: PCA (full SVD or randomized; explained variance and ratio,
-- whitening, inverse_transform) and TruncatedSVD (no centering; randomized or
-- full).  Signs follow scikit-learn's svd_flip (the largest entry of each
-- left singular vector is positive).  The SVDs go to LAPACK through torch.svd
-- and torch.geqrf; tall matrices are first reduced by QR (X = QR, then the SVD
-- of the small R), which gives the same singular values and vectors as
-- LAPACK's gesdd in a fraction of its time.  Not here: sparse input,
-- incremental PCA, the "mle" choice of n_components.
local torch = require "torch"
local base = require "moonlab.ml.base"

local M = {}
local NONE = base.NONE

local function fail(who, fmt, ...)
  error(string.format("%s: " .. fmt, who, ...), 3)
end

-- svd_flip (u-based): multiply each singular pair by the sign of the
-- largest-magnitude entry of its left vector; U given as X V (same signs).
local function flip_signs(XV, V)
  local k = V:size(2)
  local _, idx = XV:clone():abs():max(1)
  for j = 1, k do
    if XV[idx[1][j]][j] < 0 then V:select(2, j):mul(-1); XV:select(2, j):mul(-1) end
  end
end

-- Thin SVD of the centered X (N x D): S (K), V (D x K) with K = min(N, D),
-- and XV = X V (N x K, = U diag(S)), signs flipped as scikit-learn does.
local function thin_svd(X)
  local n, d = X:size(1), X:size(2)
  local S, V
  if n >= 2 * d then
    local m = torch.geqrf(X)
    local R = m:narrow(1, 1, d):triu()
    local _
    _, S, V = torch.svd(R)
  else
    local _
    _, S, V = torch.svd(X)
  end
  V = V:contiguous()
  local XV = torch.mm(X, V)
  flip_signs(XV, V)
  return S, V, XV
end

-- Randomized SVD (Halko et al., as scikit-learn's randomized_svd with QR
-- normalisation between power iterations).
local function randomized_svd(X, k, n_oversamples, n_iter, gen)
  local n, d = X:size(1), X:size(2)
  local transpose = n < d
  local A = transpose and X:t():contiguous() or X
  local size = math.min(k + n_oversamples, math.min(n, d))
  local Q = torch.randn(gen, A:size(2), size)
  local function orth(Y) return (torch.qr(Y)) end
  Q = orth(torch.mm(A, Q))
  for _ = 1, n_iter do
    Q = orth(torch.mm(A:t(), Q))
    Q = orth(torch.mm(A, Q))
  end
  local B = torch.mm(Q:t(), A)
  local Uh, S, V = torch.svd(B)
  local U = torch.mm(Q, Uh)
  if transpose then U, V = V, U end  -- X = V S U^T: swap roles back
  U = U:narrow(2, 1, k):contiguous()
  V = V:narrow(2, 1, k):contiguous()
  S = S:narrow(1, 1, k):clone()
  -- flip by the left vectors (u-based) when not transposed, else by the right
  local key = transpose and V or U
  local _, idx = key:clone():abs():max(1)
  for j = 1, k do
    if key[idx[1][j]][j] < 0 then U:select(2, j):mul(-1); V:select(2, j):mul(-1) end
  end
  return U, S, V
end

local function check_input(self, who, X)
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return X
end

-- ------------------------------------------------------------------- PCA

local PCA = base.estimator("PCA", {
  n_components = NONE, whiten = false, svd_solver = "full", n_oversamples = 10, iterated_power = "auto",
  seed = NONE,
}, base.Transformer)
M.PCA = PCA

function PCA._validate(self, who)
  local nc = self.n_components
  if nc ~= NONE and (type(nc) ~= "number" or nc <= 0 or (nc >= 1 and nc ~= math.floor(nc))) then
    fail(who, "n_components must be a whole number >= 1, a fraction in (0, 1) or ml.NONE (got %s)", tostring(nc))
  end
  if self.svd_solver ~= "full" and self.svd_solver ~= "randomized" then
    fail(who, "svd_solver must be \"full\" or \"randomized\" (got %s)", tostring(self.svd_solver))
  end
end

--- PCA:fit(X) -> self: components (K x D), explained_variance (K),
-- explained_variance_ratio (K), singular_values (K), mean (D),
-- noise_variance, n_components (the K kept), n_samples.
function PCA:fit(X)
  local who = "ml.PCA.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local mn = math.min(n, d)
  local nc = self.n_components
  if nc ~= NONE and nc >= 1 and nc > mn then
    fail(who, "n_components = %d must be <= min(n_samples, n_features) = %d", nc, mn)
  end
  local mean = X:mean(1)
  local Xc = X - mean
  local k, S, V, ev, total
  if self.svd_solver == "full" then
    local XV
    S, V, XV = thin_svd(Xc)
    ev = torch.pow(S, 2):div(n - 1)
    total = ev:sum()
    local ratio = ev / total
    if nc == NONE then
      k = mn
    elseif nc < 1 then
      local cum, acc = 0, mn          -- searchsorted(cumsum(ratio), nc, side="right") + 1
      for j = 1, mn do
        cum = cum + ratio[j]
        if cum > nc then acc = j; break end
      end
      k = acc
    else
      k = math.tointeger(nc)
    end
    self.noise_variance = k < mn and ev:narrow(1, k + 1, mn - k):mean() or 0.0
  else
    if nc == NONE or nc < 1 then
      fail(who, "svd_solver \"randomized\" needs a whole n_components")
    end
    k = math.tointeger(nc)
    if k >= mn then fail(who, "svd_solver \"randomized\" needs n_components < min(n_samples, n_features) = %d", mn) end
    local it = self.iterated_power == "auto" and (k < 0.1 * mn and 7 or 4) or self.iterated_power
    local _
    _, S, V = randomized_svd(Xc, k, self.n_oversamples, it, base.generator(self.seed))
    ev = torch.pow(S, 2):div(n - 1)
    total = Xc:clone():pow(2):sum() / (n - 1)
    self.noise_variance = (total - ev:sum()) / (mn - k)
  end
  self.components = V:narrow(2, 1, k):t():contiguous()
  self.explained_variance = ev:narrow(1, 1, k):clone()
  self.explained_variance_ratio = self.explained_variance / total
  self.singular_values = S:narrow(1, 1, k):clone()
  self.mean = mean:view(d)
  self.n_components_ = k
  self.n_samples = n
  return base.mark_fitted(self, d)
end

--- PCA:transform(X) -> (N x K) coordinates on the components (whitened:
-- divided by sqrt(explained_variance)).
function PCA:transform(X)
  X = check_input(self, "ml.PCA.transform", X)
  local d = X:size(2)
  local Y = torch.mm(X - self.mean:view(1, d), self.components:t())
  if self.whiten then Y:cdiv(torch.sqrt(self.explained_variance):view(1, self.n_components_):expandAs(Y)) end
  return Y
end

--- PCA:inverse_transform(Y) -> (N x D) points back in the input space.
function PCA:inverse_transform(Y)
  local who = "ml.PCA.inverse_transform"
  base.fitted(self, who)
  Y = base.matrix(who, Y)
  local k = self.n_components_
  if Y:size(2) ~= k then fail(who, "Y has %d columns, expected %d components", Y:size(2), k) end
  local W = self.components
  if self.whiten then W = torch.cmul(W, torch.sqrt(self.explained_variance):view(k, 1):expandAs(W)) end
  local X = torch.mm(Y, W)
  return X:add(self.mean:view(1, X:size(2)):expandAs(X))
end

-- ----------------------------------------------------------- TruncatedSVD

local TruncatedSVD = base.estimator("TruncatedSVD", {
  n_components = 2, algorithm = "randomized", n_iter = 5, n_oversamples = 10, seed = NONE,
}, base.Transformer)
M.TruncatedSVD = TruncatedSVD

function TruncatedSVD._validate(self, who)
  local nc = self.n_components
  if math.type(nc) ~= "integer" and not (type(nc) == "number" and nc == math.floor(nc)) or nc < 1 then
    fail(who, "n_components must be an integer >= 1 (got %s)", tostring(nc))
  end
  if self.algorithm ~= "randomized" and self.algorithm ~= "full" then
    fail(who, "algorithm must be \"randomized\" or \"full\" (got %s)", tostring(self.algorithm))
  end
end

local function variance_cols(Y)
  return (Y - Y:mean(1)):pow(2):mean(1):view(Y:size(2))
end

--- TruncatedSVD:fit(X) -> self: components (K x D), singular_values (K),
-- explained_variance (K), explained_variance_ratio (K).  X is not centered.
function TruncatedSVD:fit(X)
  self:fit_transform(X)
  return self
end

--- TruncatedSVD:fit_transform(X) -> (N x K) X projected on the components.
function TruncatedSVD:fit_transform(X)
  local who = "ml.TruncatedSVD.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local k = math.tointeger(self.n_components)
  local Y, S, V
  if self.algorithm == "full" then
    if k > math.min(n, d) then fail(who, "n_components = %d must be <= min(n_samples, n_features) = %d", k, math.min(n, d)) end
    local XV
    S, V, XV = thin_svd(X)
    S, V, Y = S:narrow(1, 1, k):clone(), V:narrow(2, 1, k), XV:narrow(2, 1, k):contiguous()
  else
    if k >= d then fail(who, "n_components = %d must be < n_features = %d", k, d) end
    local _
    _, S, V = randomized_svd(X, k, self.n_oversamples, self.n_iter, base.generator(self.seed))
    Y = torch.mm(X, V)
  end
  self.components = V:t():contiguous()
  self.singular_values = S
  self.explained_variance = variance_cols(Y)
  self.explained_variance_ratio = self.explained_variance / variance_cols(X):sum()
  base.mark_fitted(self, d)
  return Y
end

--- TruncatedSVD:transform(X) -> (N x K) X @ components^T.
function TruncatedSVD:transform(X)
  X = check_input(self, "ml.TruncatedSVD.transform", X)
  return torch.mm(X, self.components:t())
end

--- TruncatedSVD:inverse_transform(Y) -> (N x D) Y @ components.
function TruncatedSVD:inverse_transform(Y)
  local who = "ml.TruncatedSVD.inverse_transform"
  base.fitted(self, who)
  Y = base.matrix(who, Y)
  return torch.mm(Y, self.components)
end

-- ------------------------------------------------ LinearDiscriminantAnalysis

local LDAMethods = base.inherit(base.Classifier)
LDAMethods.fit_transform = base.Transformer.fit_transform
local LDA = base.estimator("LinearDiscriminantAnalysis", {
  solver = "svd", n_components = NONE, priors = NONE, tol = 1e-4,
}, LDAMethods)
M.LinearDiscriminantAnalysis = LDA

function LDA._validate(self, who)
  if self.solver ~= "svd" then fail(who, "solver must be \"svd\" (got %s)", tostring(self.solver)) end
  local nc = self.n_components
  if nc ~= NONE and (math.type(nc) ~= "integer" and not (type(nc) == "number" and nc == math.floor(nc)) or nc < 1) then
    fail(who, "n_components must be an integer >= 1 or ml.NONE (got %s)", tostring(nc))
  end
end

--- LinearDiscriminantAnalysis:fit(X, y) -> self: classes, means (C x D),
-- priors, xbar, scalings, coef, intercept, explained_variance_ratio.
function LDA:fit(X, y)
  local who = "ml.LinearDiscriminantAnalysis.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local classes, codes = base.encode(who, y, n)
  local nc = classes:size(1)
  if nc < 2 then fail(who, "needs at least 2 classes (got %d)", nc) end
  if n <= nc then fail(who, "needs more rows (%d) than classes (%d)", n, nc) end
  local maxc = math.min(nc - 1, d)
  if self.n_components ~= NONE then
    if self.n_components > maxc then
      fail(who, "n_components = %d must be <= min(n_classes - 1, n_features) = %d", self.n_components, maxc)
    end
    maxc = math.tointeger(self.n_components)
  end
  local counts = torch.zeros(nc):indexAdd(1, codes, torch.ones(n))
  local priors
  if self.priors == NONE then
    priors = counts / n
  else
    priors = torch.DoubleTensor(self.priors):clone()
    if priors:size(1) ~= nc then fail(who, "priors has %d entries for %d classes", priors:size(1), nc) end
    priors:div(priors:sum())
  end
  local means = torch.zeros(nc, d):indexAdd(1, codes, X)
  means:cdiv(counts:view(nc, 1):expand(nc, d))
  local xbar = torch.mm(priors:view(1, nc), means)
  -- within-class centered data, scaled by the within-class std
  local Xc = X - means:index(1, codes)
  local std = Xc:std(1, true)
  std:apply(function(v) if v == 0 then return 1 end end)
  local Z = Xc:cdiv(std:expand(n, d)):mul(math.sqrt(1 / (n - nc)))
  local _, S, V = torch.svd(Z)
  local rank = S:gt(self.tol):sum()
  if rank == 0 then fail(who, "the within-class scatter is zero") end
  local scalings = V:narrow(2, 1, rank):clone()
  scalings:cdiv(std:view(d, 1):expand(d, rank))
  scalings:cdiv(S:narrow(1, 1, rank):view(1, rank):expand(d, rank))
  -- between-class scaling
  local fac = 1 / (nc - 1)
  local w = (priors * n * fac):sqrt()
  local B = torch.mm((means - xbar:expand(nc, d)):cmul(w:view(nc, 1):expand(nc, d)), scalings)
  local _, S2, V2 = torch.svd(B)
  local s2 = torch.pow(S2, 2)
  self.explained_variance_ratio = (s2 / s2:sum()):narrow(1, 1, math.min(maxc, s2:size(1))):clone()
  local rank2 = S2:gt(self.tol * S2[1]):sum()
  self.scalings = torch.mm(scalings, V2:narrow(2, 1, rank2))
  local coef = torch.mm(means - xbar:expand(nc, d), self.scalings)
  local intercept = coef:clone():pow(2):sum(2):view(nc):mul(-0.5):add(torch.log(priors))
  coef = torch.mm(coef, self.scalings:t())
  intercept:add(-1, torch.mv(coef, xbar:view(d)))
  if nc == 2 then
    self.coef = (coef[2] - coef[1]):view(1, d)
    self.intercept = torch.DoubleTensor{ intercept[2] - intercept[1] }
  else
    self.coef, self.intercept = coef, intercept
  end
  self.classes, self.means, self.priors, self.xbar = classes, means, priors, xbar:view(d)
  self._max_components = maxc
  return base.mark_fitted(self, d)
end

local function lda_input(self, who, X)
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return X
end

--- LinearDiscriminantAnalysis:transform(X) -> (N x K) projection on the
-- discriminant axes (K = n_components, at most classes - 1).
function LDA:transform(X)
  X = lda_input(self, "ml.LinearDiscriminantAnalysis.transform", X)
  local d = X:size(2)
  local Y = torch.mm(X - self.xbar:view(1, d):expand(X:size(1), d), self.scalings)
  return Y:narrow(2, 1, math.min(self._max_components, Y:size(2))):contiguous()
end

--- LinearDiscriminantAnalysis:decision_function(X) -> X coef^T + intercept:
-- (N x C) scores, or (N) for two classes.
function LDA:decision_function(X)
  X = lda_input(self, "ml.LinearDiscriminantAnalysis.decision_function", X)
  local s = torch.mm(X, self.coef:t())
  s:add(self.intercept:view(1, self.intercept:size(1)):expandAs(s))
  if self.classes:size(1) == 2 then return s:select(2, 1):clone() end
  return s
end

--- LinearDiscriminantAnalysis:predict_proba(X) -> (N x C) class probabilities.
function LDA:predict_proba(X)
  local s = self:decision_function(X)
  if self.classes:size(1) == 2 then
    local p = torch.DoubleTensor(s:size(1), 2)
    local p1 = torch.exp(-s):add(1):pow(-1)
    p:select(2, 2):copy(p1)
    p:select(2, 1):copy(-p1 + 1)
    return p
  end
  local mx = s:max(2)
  local e = (s - mx:expandAs(s)):exp()
  return e:cdiv(e:sum(2):expandAs(e))
end

--- LinearDiscriminantAnalysis:predict(X) -> (N) class labels (values of classes).
function LDA:predict(X)
  local s = self:decision_function(X)
  local idx
  if self.classes:size(1) == 2 then
    idx = s:gt(0):long():add(1)
  else
    local _, i = s:max(2)
    idx = i:select(2, 1)
  end
  return self.classes:index(1, idx)
end

-- ------------------------------------------------------------------- NMF

local NMF = base.estimator("NMF", {
  n_components = NONE, init = NONE, solver = "cd", beta_loss = "frobenius", tol = 1e-4, max_iter = 200,
  alpha_W = 0.0, alpha_H = "same", l1_ratio = 0.0, shuffle = false, seed = NONE,
}, base.Transformer)
M.NMF = NMF

local F32_EPS = 1.1920928955078125e-07

function NMF._validate(self, who)
  local nc = self.n_components
  if nc ~= NONE and (math.type(nc) ~= "integer" and not (type(nc) == "number" and nc == math.floor(nc)) or nc < 1) then
    fail(who, "n_components must be an integer >= 1 or ml.NONE (got %s)", tostring(nc))
  end
  if self.solver ~= "cd" and self.solver ~= "mu" then fail(who, "solver must be \"cd\" or \"mu\" (got %s)", tostring(self.solver)) end
  if self.beta_loss ~= "frobenius" then fail(who, "beta_loss must be \"frobenius\" (got %s)", tostring(self.beta_loss)) end
  local init = self.init
  if init ~= NONE and init ~= "random" and init ~= "nndsvd" and init ~= "nndsvda" and init ~= "nndsvdar" then
    fail(who, "init must be \"random\", \"nndsvd\", \"nndsvda\", \"nndsvdar\" or ml.NONE (got %s)", tostring(init))
  end
end

-- scikit-learn's _initialize_nmf, with an exact SVD for the nndsvd family
local function nmf_init(X, k, init, gen)
  local n, d = X:size(1), X:size(2)
  if init == NONE then init = k <= math.min(n, d) and "nndsvda" or "random" end
  if init == "random" then
    local avg = math.sqrt(X:mean() / k)
    local H = torch.randn(gen, k, d):mul(avg):abs()
    local W = torch.randn(gen, n, k):mul(avg):abs()
    return W, H
  end
  local S, V, XV = thin_svd(X)
  local W, H = torch.zeros(n, k), torch.zeros(k, d)
  local function pos(v) return torch.cmax(v, 0) end
  local function neg(v) return torch.cmin(v, 0):abs() end
  for j = 1, k do
    local x = XV:select(2, j) / S[j]    -- U[:, j]
    local y = V:select(2, j)
    if j == 1 then
      W:select(2, 1):copy(torch.abs(x):mul(math.sqrt(S[1])))
      H[1]:copy(torch.abs(y):mul(math.sqrt(S[1])))
    else
      local xp, yp, xn, yn = pos(x), pos(y), neg(x), neg(y)
      local xpn, ypn, xnn, ynn = xp:norm(), yp:norm(), xn:norm(), yn:norm()
      local mp, mn = xpn * ypn, xnn * ynn
      local u, v, sigma
      if mp > mn then u, v, sigma = xp / xpn, yp / ypn, mp else u, v, sigma = xn / xnn, yn / ynn, mn end
      local lbd = math.sqrt(S[j] * sigma)
      W:select(2, j):copy(u * lbd)
      H[j]:copy(v * lbd)
    end
  end
  W:maskedFill(W:lt(1e-6), 0)
  H:maskedFill(H:lt(1e-6), 0)
  if init == "nndsvda" then
    local avg = X:mean()
    W:maskedFill(W:eq(0), avg)
    H:maskedFill(H:eq(0), avg)
  elseif init == "nndsvdar" then
    local avg = X:mean()
    local zw, zh = W:eq(0), H:eq(0)
    W:maskedCopy(zw, torch.randn(gen, zw:sum()):abs():mul(avg / 100))
    H:maskedCopy(zh, torch.randn(gen, zh:sum()):abs():mul(avg / 100))
  end
  return W, H
end

local function frobenius(X, W, H)
  return (X - torch.mm(W, H)):pow(2):sum() ^ 0.5
end

local function cd_update(X, W, Ht, l1, l2, perm)
  local HHt = torch.mm(Ht:t(), Ht)
  local XHt = torch.mm(X, Ht)
  local k = HHt:size(1)
  if l2 ~= 0 then for t = 1, k do HHt[t][t] = HHt[t][t] + l2 end end
  if l1 ~= 0 then XHt:add(-l1) end
  return torch._cluster.nmf_cd_sweep(W, HHt:contiguous(), XHt:contiguous(), perm)
end

-- W (and H when update_H) for X; returns W, H, n_iter
local function nmf_solve(self, X, W, H, update_H, gen)
  local n, d = X:size(1), X:size(2)
  local k = W:size(2)
  local aH = self.alpha_H == "same" and self.alpha_W or self.alpha_H
  local l1W, l2W = d * self.alpha_W * self.l1_ratio, d * self.alpha_W * (1 - self.l1_ratio)
  local l1H, l2H = n * aH * self.l1_ratio, n * aH * (1 - self.l1_ratio)
  local n_iter = 0
  if self.solver == "cd" then
    local Ht = H:t():contiguous()
    local v0
    local Xt = X:t():contiguous()
    for it = 1, self.max_iter do
      n_iter = it
      local permW = self.shuffle and (torch.randperm(gen, k):long() - 1) or torch.range(0, k - 1):long()
      local v = cd_update(X, W, Ht, l1W, l2W, permW)
      if update_H then
        local permH = self.shuffle and (torch.randperm(gen, k):long() - 1) or torch.range(0, k - 1):long()
        v = v + cd_update(Xt, Ht, W, l1H, l2H, permH)
      end
      if it == 1 then v0 = v end
      if v0 == 0 or v / v0 <= self.tol then break end
    end
    H = Ht:t():contiguous()
  else
    local err0 = frobenius(X, W, H)
    local prev = err0
    for it = 1, self.max_iter do
      n_iter = it
      local num = torch.mm(X, H:t())
      local den = torch.mm(W, torch.mm(H, H:t()))
      if l1W > 0 then den:add(l1W) end
      if l2W > 0 then den:add(l2W, W) end
      den:maskedFill(den:eq(0), F32_EPS)
      W:cmul(num:cdiv(den))
      if update_H then
        local numH = torch.mm(W:t(), X)
        local denH = torch.mm(torch.mm(W:t(), W), H)
        if l1H > 0 then denH:add(l1H) end
        if l2H > 0 then denH:add(l2H, H) end
        denH:maskedFill(denH:eq(0), F32_EPS)
        H = torch.cmul(H, numH:cdiv(denH))
      end
      if self.tol > 0 and it % 10 == 0 then
        local err = frobenius(X, W, H)
        if (prev - err) / err0 < self.tol then break end
        prev = err
      end
    end
  end
  return W, H, n_iter
end

local function nonneg(who, X)
  if X:lt(0):sum() > 0 then fail(who, "X must be non-negative") end
  return X
end

--- NMF:fit_transform(X) -> W (N x K): X ~ W H with W, H >= 0 (H: components).
function NMF:fit_transform(X)
  local who = "ml.NMF.fit"
  X = nonneg(who, base.matrix(who, X))
  local n, d = X:size(1), X:size(2)
  local k = self.n_components == NONE and d or math.tointeger(self.n_components)
  local gen = base.generator(self.seed)
  local W, H = nmf_init(X, k, self.init, gen)
  local n_iter
  W, H, n_iter = nmf_solve(self, X, W, H, true, gen)
  self.components = H
  self.n_components_ = k
  self.n_iter = n_iter
  self.reconstruction_err = frobenius(X, W, H)
  self._gen = gen
  base.mark_fitted(self, d)
  return W
end

--- NMF:fit(X) -> self: components (K x D), reconstruction_err, n_iter.
function NMF:fit(X)
  self:fit_transform(X)
  return self
end

--- NMF:transform(X) -> W (N x K) for the fitted components (H fixed).
function NMF:transform(X)
  local who = "ml.NMF.transform"
  base.fitted(self, who)
  X = nonneg(who, base.matrix(who, X))
  base.check_features(who, self, X)
  local k = self.n_components_
  -- scikit-learn starts cd from zeros, mu (which cannot leave zero) from a constant
  local W = torch.DoubleTensor(X:size(1), k):fill(self.solver == "mu" and math.sqrt(X:mean() / k) or 0)
  W = nmf_solve(self, X, W, self.components, false, self._gen)
  return W
end

--- NMF:inverse_transform(W) -> W H (N x D).
function NMF:inverse_transform(W)
  local who = "ml.NMF.inverse_transform"
  base.fitted(self, who)
  W = base.matrix(who, W)
  return torch.mm(W, self.components)
end

-- ------------------------------------------------------------------- TSNE

local TSNE = base.estimator("TSNE", {
  n_components = 2, perplexity = 30.0, early_exaggeration = 12.0, learning_rate = "auto", n_iter = 1000,
  n_iter_without_progress = 300, min_grad_norm = 1e-7, init = "pca", method = "auto", angle = 0.5, seed = NONE,
}, base.Transformer)

-- method = "auto" uses Barnes-Hut above this many rows (exact below)
local TSNE_AUTO_BH = 2000
M.TSNE = TSNE

function TSNE._validate(self, who)
  if self.method ~= "exact" and self.method ~= "barnes_hut" and self.method ~= "auto" then
    fail(who, "method must be \"auto\", \"exact\" or \"barnes_hut\" (got %s)", tostring(self.method))
  end
  if type(self.angle) ~= "number" or self.angle < 0 or self.angle > 1 then
    fail(who, "angle must be a number in [0, 1] (got %s)", tostring(self.angle))
  end
  if type(self.perplexity) ~= "number" or self.perplexity <= 0 then fail(who, "perplexity must be a number > 0") end
  if math.type(self.n_iter) ~= "integer" or self.n_iter < 250 then
    fail(who, "n_iter must be an integer >= 250 (got %s)", tostring(self.n_iter))
  end
  if self.init ~= "pca" and self.init ~= "random" and not torch.isTensor(self.init) then
    fail(who, "init must be \"pca\", \"random\" or a tensor (got %s)", tostring(self.init))
  end
end

-- scikit-learn's _gradient_descent (momentum, per-coordinate gains; both
-- restart at each call)
-- gradf(Y, want_kl) -> grad, kl
local function tsne_descent(Y, gradf, it0, n_iter, momentum, lr, no_progress, min_grad_norm)
  local state = { update = torch.zeros(Y:size(1), Y:size(2)), gains = torch.ones(Y:size(1), Y:size(2)) }
  local err, best_err, best_iter, i = math.huge, math.huge, it0, it0
  for k = it0, n_iter - 1 do
    i = k
    local check = (k + 1) % 50 == 0
    local want = check or k == n_iter - 1
    local grad, kl = gradf(Y, want)
    err = want and kl or 0 / 0
    local inc = torch.cmul(state.update, grad):lt(0)
    state.gains:add(inc:double():mul(0.2))
    local dec = inc:eq(0)
    state.gains:cmul(dec:double():mul(-0.2):add(1))
    state.gains:clamp(0.01, math.huge)
    grad:cmul(state.gains)
    state.update:mul(momentum):add(-lr, grad)
    Y:add(state.update)
    if check then
      if err < best_err then
        best_err, best_iter = err, k
      elseif k - best_iter > no_progress then
        break
      end
      if grad:norm() <= min_grad_norm then break end
    end
  end
  if it0 >= n_iter then err = 1.7976931348623157e308 end
  return err, i
end

--- TSNE:fit_transform(X) -> (N x n_components) embedding.
function TSNE:fit_transform(X)
  local who = "ml.TSNE.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local c = self.n_components
  if self.perplexity >= n then fail(who, "perplexity (%g) must be less than the number of rows (%d)", self.perplexity, n) end
  local gen = base.generator(self.seed)
  local method = self.method
  if method == "auto" then method = n > TSNE_AUTO_BH and "barnes_hut" or "exact" end
  local C = torch._cluster
  local gradf, scale
  if method == "exact" then
    -- squared distances (exact), joint probabilities
    local sq = torch.cmul(X, X):sum(2)
    local D2 = torch.mm(X, X:t()):mul(-2):add(sq:expand(n, n)):add(sq:t():expand(n, n)):clamp(0, math.huge)
    for i = 1, n do D2[i][i] = 0 end
    local P = C.tsne_joint_p(D2:contiguous(), self.perplexity)
    gradf = function(Y, _) return C.tsne_kl_grad(Y, P, math.max(c - 1, 1)) end
    scale = function(f, undo) if undo then P:div(f) else P:mul(f) end end
  else
    if c > 3 then fail(who, "n_components must be at most 3 for method \"barnes_hut\" (got %d)", c) end
    -- sparse P from the 3 * perplexity nearest neighbours (scikit-learn's count)
    local k = math.min(n - 1, math.floor(3 * self.perplexity + 1))
    local D2, idx = C.tsne_knn(X:contiguous(), k)
    local indptr, indices, values = C.tsne_symmetrize(C.tsne_cond_p(D2, self.perplexity), idx)
    local dof, angle = math.max(c - 1, 1), self.angle
    gradf = function(Y, want) return C.tsne_bh_grad(Y, indptr, indices, values, dof, angle, want) end
    scale = function(f, undo) if undo then values:div(f) else values:mul(f) end end
  end
  local Y
  if torch.isTensor(self.init) then
    Y = self.init:double():clone():contiguous()
    if Y:dim() ~= 2 or Y:size(1) ~= n or Y:size(2) ~= c then
      fail(who, "init must be a %dx%d tensor", n, c)
    end
  elseif self.init == "pca" then
    Y = M.PCA{ n_components = c }:fit_transform(X)
    local col = Y:select(2, 1)
    Y:div(math.sqrt((col - col:mean()):pow(2):mean())):mul(1e-4)
  else
    Y = torch.randn(gen, n, c):mul(1e-4)
  end
  local lr = self.learning_rate
  if lr == "auto" then lr = math.max(n / self.early_exaggeration / 4, 50) end
  scale(self.early_exaggeration)
  local kl, it = tsne_descent(Y, gradf, 0, 250, 0.5, lr, 250, self.min_grad_norm)
  scale(self.early_exaggeration, true)
  if it < 250 or self.n_iter - 250 > 0 then
    kl, it = tsne_descent(Y, gradf, it + 1, self.n_iter, 0.8, lr, self.n_iter_without_progress,
      self.min_grad_norm)
  end
  self.method_ = method
  self.embedding, self.kl_divergence, self.n_iter_, self.learning_rate_ = Y, kl, it, lr
  base.mark_fitted(self, d)
  return Y
end

--- TSNE:fit(X) -> self: embedding (N x n_components), kl_divergence, n_iter_.
function TSNE:fit(X)
  self:fit_transform(X)
  return self
end

return M
