-- test_ml_decomposition.lua: moonlab.ml's PCA and TruncatedSVD against
-- scikit-learn 1.2 (tests/fixtures/ml/cluster_sklearn.lua, written by
-- cluster_sklearn.py): components (signs as svd_flip makes them, checked up
-- to sign too), explained variance and ratio, singular values, noise
-- variance, transform/inverse_transform, whitening; randomized solvers
-- against the exact ones; errors.  TSNE exact (cluster_sklearn.lua) and
-- Barnes-Hut (tsne_bh.lua, written by tsne_bh.py: KL and trustworthiness).
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/cluster_sklearn.lua")

local function data(name) return torch.Tensor(F[name].X) end
local function maxrel(a, b)
  b = torch.isTensor(b) and b or torch.Tensor(b)
  return (a - b):abs():max() / (1 + b:abs():max())
end
-- rows equal up to the sign of each row
local function rows_up_to_sign(a, b)
  b = torch.isTensor(b) and b or torch.Tensor(b)
  local worst = 0
  for i = 1, a:size(1) do
    local s = a[i]:dot(b[i]) < 0 and -1 or 1
    worst = math.max(worst, (a[i] * s - b[i]):abs():max())
  end
  return worst
end

H.test("PCA (full SVD) equals scikit-learn's: components, variances, transform, whiten", function()
  for _, p in ipairs(F.pca) do
    local X = data(p.data)
    local nc = p.n_components == "none" and ml.NONE or p.n_components
    local m = ml.PCA{ n_components = nc, whiten = p.whiten }
    H.eq(m:fit(X), m)
    local w = string.format("%s n_components=%s whiten=%s", p.data, tostring(p.n_components), tostring(p.whiten))
    H.eq(m.n_components_, p.n_components_fit, w .. " n_components_")
    H.ok(rows_up_to_sign(m.components, p.components) < 1e-10, w .. " components up to sign")
    H.ok(maxrel(m.components, p.components) < 1e-10, w .. " components with scikit-learn's signs")
    H.ok(maxrel(m.explained_variance, p.explained_variance) < 1e-10, w .. " explained_variance")
    H.ok(maxrel(m.explained_variance_ratio, p.explained_variance_ratio) < 1e-10, w .. " ratio")
    H.ok(maxrel(m.singular_values, p.singular_values) < 1e-10, w .. " singular_values")
    H.ok(maxrel(m.mean, p.mean) < 1e-14, w .. " mean")
    H.near(m.noise_variance, p.noise_variance, 1e-10 * (1 + math.abs(p.noise_variance)), w .. " noise_variance")
    local X6 = X:narrow(1, 1, 6)
    H.ok(maxrel(m:transform(X6), p.transform) < 1e-10, w .. " transform")
    H.ok(maxrel(m:inverse_transform(m:transform(X6)), p.inverse) < 1e-10, w .. " inverse_transform")
  end
end)

H.test("PCA: strided and Float input, fit_transform, the QR path and the direct path agree", function()
  local X = data("wine")
  local a = ml.PCA{ n_components = 3 }:fit(X)
  local b = ml.PCA{ n_components = 3 }:fit(X:t():clone():t())
  H.ok(maxrel(a.components, b.components) < 1e-14)
  local c = ml.PCA{ n_components = 3 }:fit(X:float())
  H.ok(maxrel(c.explained_variance, a.explained_variance) < 1e-6)
  H.ok(maxrel(ml.PCA{ n_components = 2 }:fit_transform(X), a:transform(X):narrow(2, 1, 2)) < 1e-12)
  -- wide data (N < 2D) takes the direct SVD; its variances match the covariance eigenvalues
  local W = X:narrow(1, 1, 20)
  local p = ml.PCA{}:fit(W)
  H.eq(p.n_components_, 13)
  local Wc = W - W:mean(1)
  local e = torch.symeig(torch.mm(Wc:t(), Wc):div(19))
  local top = e:narrow(1, 1, 13):clone()
  local sorted = top:sort(1, true)
  H.ok(maxrel(p.explained_variance:narrow(1, 1, 10), sorted:narrow(1, 1, 10)) < 1e-9)
  H.near(p.noise_variance, 0, 0)
end)

H.test("PCA randomized and TruncatedSVD", function()
  local X = data("wine")
  local f = ml.PCA{ n_components = 2 }:fit(X)
  local r = ml.PCA{ n_components = 2, svd_solver = "randomized", seed = 1 }:fit(X)
  H.ok(rows_up_to_sign(r.components, f.components) < 1e-9, "randomized components")
  H.ok(maxrel(r.explained_variance, f.explained_variance) < 1e-12)
  H.near(r.noise_variance, f.noise_variance, 1e-9)
  for _, p in ipairs(F.tsvd) do
    local Xd = data(p.data)
    for _, algo in ipairs({ "full", "randomized" }) do
      local m = ml.TruncatedSVD{ algorithm = algo, seed = 0 }
      local Y = m:fit_transform(Xd)
      local w = p.data .. " " .. algo
      H.ok(rows_up_to_sign(m.components, p.components) < 1e-10, w .. " components")
      H.ok(maxrel(m.singular_values, p.singular_values) < 1e-10, w .. " singular values")
      H.ok(maxrel(m.explained_variance, p.explained_variance) < 1e-10, w .. " explained_variance")
      H.ok(maxrel(m.explained_variance_ratio, p.explained_variance_ratio) < 1e-10, w .. " ratio")
      H.ok(maxrel(m:transform(Xd:narrow(1, 1, 6)):abs(), torch.Tensor(p.transform):abs()) < 1e-10, w .. " transform")
      H.ok(maxrel(Y:narrow(1, 1, 6):abs(), torch.Tensor(p.transform):abs()) < 1e-10, w .. " fit_transform")
      H.eq(m:inverse_transform(Y):size(2), Xd:size(2))
    end
  end
end)

H.test("decomposition: errors", function()
  local X = data("iris")
  H.check_error("ml.PCA: n_components must be a whole number >= 1, a fraction in (0, 1) or ml.NONE (got 2.5)",
    ml.PCA, { n_components = 2.5 })
  H.check_error("ml.PCA: svd_solver must be \"full\" or \"randomized\" (got arpack)", ml.PCA, { svd_solver = "arpack" })
  H.check_error("ml.PCA.fit: n_components = 5 must be <= min(n_samples, n_features) = 4",
    function() ml.PCA{ n_components = 5 }:fit(X) end)
  H.check_error("ml.PCA.transform: this ml.PCA is not fitted yet", function() ml.PCA{}:transform(X) end)
  local m = ml.PCA{ n_components = 2 }:fit(X)
  H.check_error("ml.PCA.transform: X has 3 features, but this ml.PCA was fitted with 4",
    function() m:transform(torch.zeros(2, 3)) end)
  H.check_error("ml.PCA.inverse_transform: Y has 3 columns, expected 2 components",
    function() m:inverse_transform(torch.zeros(2, 3)) end)
  H.check_error("ml.TruncatedSVD.fit: n_components = 4 must be < n_features = 4",
    function() ml.TruncatedSVD{ n_components = 4 }:fit(X) end)
  H.check_error("ml.TruncatedSVD: algorithm must be \"randomized\" or \"full\"", ml.TruncatedSVD, { algorithm = "arpack" })
end)

H.test("LinearDiscriminantAnalysis (svd) equals scikit-learn's: coef, intercept, transform, probabilities", function()
  for _, c in ipairs(F.lda) do
    local X = data(c.data)
    local y = F[c.data].y
    local nc = c.n_components == "none" and ml.NONE or c.n_components
    local m = ml.LinearDiscriminantAnalysis{ n_components = nc }
    H.eq(m:fit(X, y), m)
    local w = c.data .. " n_components=" .. tostring(c.n_components)
    H.ok(maxrel(m.coef, c.coef) < 1e-10, w .. " coef")
    H.ok(maxrel(m.intercept, c.intercept) < 1e-10, w .. " intercept")
    H.ok(maxrel(m.means, c.means) < 1e-14, w .. " means")
    H.ok(maxrel(m.priors, c.priors) < 1e-15, w .. " priors")
    H.ok(maxrel(m.xbar, c.xbar) < 1e-14, w .. " xbar")
    H.ok(maxrel(m.explained_variance_ratio, c.explained_variance_ratio) < 1e-10, w .. " explained_variance_ratio")
    local X6 = X:narrow(1, 1, 6)
    local T = m:transform(X6)
    H.ok(rows_up_to_sign(T:t(), torch.Tensor(c.transform):t()) < 1e-10, w .. " transform (axes up to sign)")
    H.ok(maxrel(m:predict_proba(X6), c.predict_proba) < 1e-10, w .. " predict_proba")
    H.ok(maxrel(m:decision_function(X6), c.decision) < 1e-10, w .. " decision_function")
    H.ok(maxrel(m:predict(X), c.predict) == 0, w .. " predict")
    H.near(m:score(X, y), c.score, 1e-15, w .. " score")
  end
  local m = ml.LinearDiscriminantAnalysis{ n_components = 1 }
  H.eq(m:fit_transform(data("iris"), F.iris.y):size(2), 1, "fit_transform")
  H.check_error("ml.LinearDiscriminantAnalysis.fit: n_components = 3 must be <= min(n_classes - 1, n_features) = 2",
    function() ml.LinearDiscriminantAnalysis{ n_components = 3 }:fit(data("iris"), F.iris.y) end)
  H.check_error("ml.LinearDiscriminantAnalysis.fit: needs at least 2 classes (got 1)",
    function() ml.LinearDiscriminantAnalysis{}:fit(torch.randn(5, 2), { 1, 1, 1, 1, 1 }) end)
  H.check_error("ml.LinearDiscriminantAnalysis: solver must be \"svd\" (got lsqr)",
    ml.LinearDiscriminantAnalysis, { solver = "lsqr" })
end)

H.test("NMF (cd and mu, nndsvd and nndsvda) equals scikit-learn's", function()
  for _, c in ipairs(F.nmf) do
    local X = c.data == "iris" and data("iris") or data("wine_scaled")
    local m = ml.NMF{ n_components = c.k, init = c.init, solver = c.solver, max_iter = 500, tol = 1e-6 }
    local W = m:fit_transform(X)
    local w = c.data .. " " .. c.solver .. " " .. c.init
    H.ok(maxrel(W:narrow(1, 1, 8), c.W) < 1e-10, w .. " W")
    H.ok(maxrel(m.components, c.H) < 1e-10, w .. " H")
    H.near(m.reconstruction_err, c.err, 1e-10 * c.err, w .. " reconstruction_err")
    H.eq(m.n_iter, c.n_iter, w .. " n_iter")
    H.ok(maxrel(m:transform(X:narrow(1, 1, 8)), c.transform) < 1e-10, w .. " transform")
    H.ok(W:min() >= 0 and m.components:min() >= 0, w .. " non-negative")
  end
  -- a product of non-negative factors is recovered (up to scaling)
  local g = torch.Generator(); torch.manualSeed(g, 3)
  local X = torch.mm(torch.rand(g, 30, 2), torch.rand(g, 2, 5))
  local m = ml.NMF{ n_components = 2, max_iter = 2000, tol = 1e-10 }
  local W = m:fit_transform(X)
  H.ok((m:inverse_transform(W) - X):abs():max() < 1e-4, "exact rank-2 data")
  for _, solver in ipairs({ "mu", "cd" }) do
    local r = ml.NMF{ n_components = 2, init = "random", seed = 1, solver = solver, max_iter = 3000, tol = 0 }:fit(X)
    H.ok(r.reconstruction_err < 1e-6, solver .. " from a random init (" .. r.reconstruction_err .. ")")
  end
  H.check_error("ml.NMF.fit: X must be non-negative", function() ml.NMF{}:fit(torch.Tensor{ { 1, -1 } }) end)
  H.check_error("ml.NMF: solver must be \"cd\" or \"mu\" (got lbfgs)", ml.NMF, { solver = "lbfgs" })
  H.check_error("ml.NMF: beta_loss must be \"frobenius\"", ml.NMF, { beta_loss = "kullback-leibler" })
end)

H.test("TSNE (exact): P, KL and gradient equal scikit-learn's; runs reach its KL and keep the clusters", function()
  for _, c in ipairs(F.tsne) do
    local X = data(c.data):narrow(1, 1, c.n)
    local n = c.n
    local D2 = torch.DoubleTensor(n, n)
    for i = 1, n do for j = 1, n do D2[i][j] = (X[i] - X[j]):pow(2):sum() end end
    local P = torch._cluster.tsne_joint_p(D2, 20)
    H.ok((P - torch.Tensor(c.P)):abs():max() < 1e-12 * torch.Tensor(c.P):max(), c.data .. " joint probabilities")
    local g, kl = torch._cluster.tsne_kl_grad(torch.Tensor(c.Y0), torch.Tensor(c.P), 1)
    H.near(kl, c.kl, 1e-12 * c.kl, c.data .. " KL")
    H.ok(maxrel(g, c.grad) < 1e-12, c.data .. " gradient")
    -- the optimisation amplifies rounding (trajectories part after ~50 steps): compare the outcome
    local m = ml.TSNE{ perplexity = 20, init = torch.Tensor(c.Y0), n_iter = 300 }
    local E = m:fit_transform(X)
    H.eq(m.n_iter_, c.n_iter, c.data .. " n_iter")
    H.ok(math.abs(m.kl_divergence - c.kl_final) < 0.1 * c.kl_final,
      string.format("%s final KL %.4f vs scikit-learn's %.4f", c.data, m.kl_divergence, c.kl_final))
    H.eq(E:size(1), n)
  end
  -- blobs: each point's 5 nearest neighbours in the embedding share its blob
  local X = data("blobs"):narrow(1, 1, 120)
  local y = F.blobs.y
  local m = ml.TSNE{ perplexity = 15, seed = 1, n_iter = 300 }
  local E = m:fit_transform(X)
  local agree, total = 0, 0
  for i = 1, 120 do
    local d = (E - E:narrow(1, i, 1):expand(120, 2)):pow(2):sum(2):select(2, 1)
    local _, idx = d:sort()
    for r = 2, 6 do
      total = total + 1
      if y[idx[r]] == y[i] then agree = agree + 1 end
    end
  end
  H.ok(agree / total > 0.95, "neighbours keep their blob (" .. agree / total .. ")")
  local X40 = X:narrow(1, 1, 40)
  local a = ml.TSNE{ perplexity = 10, n_iter = 250 }:fit_transform(X40)
  local b = ml.TSNE{ perplexity = 10, n_iter = 250 }:fit_transform(X40)
  H.eq((a - b):abs():max(), 0, "pca init: deterministic")
  local r1 = ml.TSNE{ perplexity = 10, seed = 4, init = "random", n_iter = 250 }:fit(X40)
  local r2 = ml.TSNE{ perplexity = 10, seed = 4, init = "random", n_iter = 250 }:fit(X40)
  H.eq((r1.embedding - r2.embedding):abs():max(), 0, "random init: the same seed, the same embedding")
  H.check_error("ml.TSNE.fit: perplexity (30) must be less than the number of rows (10)",
    function() ml.TSNE{}:fit(X:narrow(1, 1, 10)) end)
  H.check_error("ml.TSNE: method must be \"auto\", \"exact\" or \"barnes_hut\" (got fast)", ml.TSNE, { method = "fast" })
  H.check_error("ml.TSNE: angle must be a number in [0, 1] (got 2)", ml.TSNE, { angle = 2 })
  H.check_error("ml.TSNE: n_iter must be an integer >= 250 (got 100)", ml.TSNE, { n_iter = 100 })
  H.check_error("ml.TSNE.fit: n_components must be at most 3 for method \"barnes_hut\" (got 4)",
    function() ml.TSNE{ method = "barnes_hut", n_components = 4, perplexity = 5 }:fit(X40) end)
  local m40 = ml.TSNE{ perplexity = 10, n_iter = 250 }:fit(X40)
  H.eq(m40.method_, "exact", "auto: exact for a few rows")
end)

-- trustworthiness (scikit-learn's definition) of embedding E of X, k neighbours
local function trustworthiness(X, E, k)
  local n = X:size(1)
  local function d2(A)
    local sq = torch.cmul(A, A):sum(2)
    local D = torch.mm(A, A:t()):mul(-2):add(sq:expand(n, n)):add(sq:t():expand(n, n))
    for i = 1, n do D[i][i] = -1 end
    return D
  end
  local DX, DE = d2(X), d2(E)
  local t = 0
  for i = 1, n do
    local _, ox = DX[i]:sort()
    local rank = {}
    for r = 2, n do rank[ox[r]] = r - 1 end
    local _, oe = DE[i]:sort()
    for r = 2, k + 1 do
      local rr = rank[oe[r]]
      if rr > k then t = t + rr - k end
    end
  end
  return 1 - t * 2 / (n * k * (2 * n - 3 * k - 1))
end

H.test("TSNE (Barnes-Hut): scikit-learn's KL and trustworthiness on blobs; angle 0 = exact gradient", function()
  local B = dofile("tests/fixtures/ml/tsne_bh.lua")
  local X = torch.Tensor(B.X)
  local m = ml.TSNE{ method = "barnes_hut", perplexity = 30, seed = 0 }
  local E = m:fit_transform(X)
  H.eq(m.method_, "barnes_hut")
  H.ok(math.abs(m.kl_divergence - B.kl[1]) < 0.12 * B.kl[1],
    string.format("final KL %.4f vs scikit-learn's %.4f", m.kl_divergence, B.kl[1]))
  local tw = trustworthiness(X, E, 5)
  H.ok(tw > B.trustworthiness[1] - 0.01,
    string.format("trustworthiness %.4f vs scikit-learn's %.4f", tw, B.trustworthiness[1]))
  -- the nearest embedded neighbour shares the blob
  local n, same = X:size(1), 0
  for i = 1, n do
    local d = (E - E:narrow(1, i, 1):expand(n, 2)):pow(2):sum(2):select(2, 1)
    local _, idx = d:sort()
    if B.labels[idx[2]] == B.labels[i] then same = same + 1 end
  end
  H.ok(same / n > 0.98, "nearest neighbours share the blob (" .. same / n .. ")")
  local X100 = X:narrow(1, 1, 100)
  local e1 = ml.TSNE{ method = "barnes_hut", perplexity = 10, n_iter = 250 }:fit_transform(X100)
  local e2 = ml.TSNE{ method = "barnes_hut", perplexity = 10, n_iter = 250 }:fit_transform(X100)
  H.eq((e1 - e2):abs():max(), 0, "Barnes-Hut: deterministic (independent of thread timing)")
  -- bindings: sparse P with all neighbours = the exact P; the BH gradient at angle 0 = the exact one
  local C = torch._cluster
  local X60 = X:narrow(1, 1, 60):contiguous()
  local D2, idx = C.tsne_knn(X60, 59)
  H.eq(idx:min(), 0, "0-based neighbour indices")
  local ip, ii, iv = C.tsne_symmetrize(C.tsne_cond_p(D2, 10), idx)
  local dense = torch.zeros(60, 60)
  for i = 1, 60 do
    for q = ip[i] + 1, ip[i + 1] do dense[i][ii[q] + 1] = iv[q] end
  end
  local sq = torch.cmul(X60, X60):sum(2)
  local DX = torch.mm(X60, X60:t()):mul(-2):add(sq:expand(60, 60)):add(sq:t():expand(60, 60)):clamp(0, math.huge)
  for i = 1, 60 do DX[i][i] = 0 end
  local P = C.tsne_joint_p(DX, 10)
  H.ok((dense - P):abs():max() < 1e-12, "sparse P (N - 1 neighbours) = exact P")
  local Y = E:narrow(1, 1, 60):contiguous()
  local g0, kl0 = C.tsne_bh_grad(Y, ip, ii, iv, 1, 0, true)
  local ge, kle = C.tsne_kl_grad(Y, P, 1)
  H.ok((g0 - ge):abs():max() < 1e-10, "angle 0: exact gradient")
  H.near(kl0, kle, 1e-9, "angle 0: exact KL")
  local g5, kl5 = C.tsne_bh_grad(Y, ip, ii, iv, 1, 0.5, false)
  H.ok((g5 - ge):norm() < 0.05 * ge:norm(), "angle 0.5: within 5%")
  H.eq(kl5, nil, "no KL unless asked")
  H.check_error("ml.TSNE.fit: P must be CSR", C.tsne_bh_grad, Y, ii, ii, iv, 1, 0.5, false)
  H.check_error("ml.TSNE.fit: number of neighbours must be in 1..59 (got 60)", C.tsne_knn, X60, 60)
end)

H.done()
