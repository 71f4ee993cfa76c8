-- Docstrings: moonlab.ml's dimension reduction (stdlib/moonlab/ml/
-- decomposition.lua; docs/ml_decomposition.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local ml = require \"moonlab.ml\"\n"
  .. "local X = torch.Tensor{{2.5, 2.4, 1}, {0.5, 0.7, 0}, {2.2, 2.9, 1}, {1.9, 2.2, 1}, {3.1, 3.0, 2}, {2.3, 2.7, 1}}\n"
local XARG = { "X", "(N x D) tensor (any type), a table of rows or a data frame" }

D["moonlab.ml.PCA"] = doc("ml.PCA{n_components, whiten = false, svd_solver = \"full\", n_oversamples = 10, iterated_power = \"auto\", seed}",
  "Principal component analysis: projects centered data on the directions of largest variance.",
  { { "n_components", "components kept: a whole number, a fraction of variance to explain in (0, 1), or ml.NONE (all)" },
    { "whiten", "scale the projections to unit variance" },
    { "svd_solver", "\"full\" (exact: QR then LAPACK SVD) or \"randomized\" (needs a whole n_components)" },
    { "n_oversamples", "randomized: extra random directions" },
    { "iterated_power", "randomized: power iterations (\"auto\": 7 or 4)" }, { "seed", "randomized: generator seed" } },
  PRE .. "local p = ml.PCA{n_components = 2}:fit(X)\nprint(p.components, p.explained_variance_ratio)",
  "Fitted: components (K x D), explained_variance, explained_variance_ratio, singular_values, mean,\n"
    .. "noise_variance, n_components_ (the K kept), n_samples. Signs are scikit-learn's (svd_flip).")
D["moonlab.ml.PCA:fit"] = doc("p:fit(X) -> p", "Finds the principal components of X.", { XARG },
  PRE .. "print(ml.PCA{n_components = 0.9}:fit(X).n_components_)")
D["moonlab.ml.PCA:transform"] = doc("p:transform(X) -> (N x K) tensor", "Coordinates of the rows on the components.",
  { XARG }, PRE .. "print(ml.PCA{n_components = 2, whiten = true}:fit(X):transform(X))")
D["moonlab.ml.PCA:inverse_transform"] = doc("p:inverse_transform(Y) -> (N x D) tensor",
  "Maps coordinates on the components back to the input space.", { { "Y", "(N x K) coordinates" } },
  PRE .. "local p = ml.PCA{n_components = 2}:fit(X)\nprint(p:inverse_transform(p:transform(X)))")

D["moonlab.ml.TruncatedSVD"] = doc("ml.TruncatedSVD{n_components = 2, algorithm = \"randomized\", n_iter = 5, n_oversamples = 10, seed}",
  "Truncated SVD (latent semantic analysis): like PCA without centering the data.",
  { { "n_components", "components kept" }, { "algorithm", "\"randomized\" or \"full\" (exact SVD)" },
    { "n_iter", "randomized: power iterations" }, { "n_oversamples", "randomized: extra random directions" },
    { "seed", "generator seed" } },
  PRE .. "local t = ml.TruncatedSVD{n_components = 2, seed = 1}:fit(X)\nprint(t.singular_values)",
  "Fitted: components (K x D), singular_values, explained_variance, explained_variance_ratio.")
D["moonlab.ml.TruncatedSVD:fit"] = doc("t:fit(X) -> t", "Finds the top right singular vectors of X.", { XARG },
  PRE .. "print(ml.TruncatedSVD{algorithm = \"full\"}:fit(X).components)")
D["moonlab.ml.TruncatedSVD:fit_transform"] = doc("t:fit_transform(X) -> (N x K) tensor",
  "Fits and returns X projected on the components.", { XARG },
  PRE .. "print(ml.TruncatedSVD{algorithm = \"full\"}:fit_transform(X))")
D["moonlab.ml.TruncatedSVD:transform"] = doc("t:transform(X) -> (N x K) tensor", "X times the components' transpose.",
  { XARG }, PRE .. "print(ml.TruncatedSVD{seed = 1}:fit(X):transform(X))")
D["moonlab.ml.TruncatedSVD:inverse_transform"] = doc("t:inverse_transform(Y) -> (N x D) tensor",
  "Y times the components (an approximation of X).", { { "Y", "(N x K) coordinates" } },
  PRE .. "local t = ml.TruncatedSVD{algorithm = \"full\"}:fit(X)\nprint(t:inverse_transform(t:transform(X)))")

local Y = "local y = {1, 2, 1, 1, 2, 1}\n"
D["moonlab.ml.LinearDiscriminantAnalysis"] = doc("ml.LinearDiscriminantAnalysis{solver = \"svd\", n_components, priors, tol = 1e-4}",
  "Linear discriminant analysis: a classifier with shared covariance, and a supervised projection.",
  { { "solver", "\"svd\" (scikit-learn's default; no covariance matrix is formed)" },
    { "n_components", "axes kept by transform (<= min(classes - 1, D); ml.NONE: all)" },
    { "priors", "class priors (a list or tensor; default: the class proportions)" },
    { "tol", "singular values below it are dropped (rank)" } },
  PRE .. Y .. "local m = ml.LinearDiscriminantAnalysis{}:fit(X, y)\nprint(m:predict(X), m:transform(X))",
  "Fitted: classes, means, priors, xbar, scalings, coef, intercept, explained_variance_ratio.\n"
    .. "Also m:score(X, y) (accuracy) and m:fit_transform(X, y).")
D["moonlab.ml.LinearDiscriminantAnalysis:fit"] = doc("m:fit(X, y) -> m", "Fits the class means and the discriminant axes.",
  { XARG, { "y", "class labels (N numbers)" } }, PRE .. Y .. "print(ml.LinearDiscriminantAnalysis{}:fit(X, y).coef)")
D["moonlab.ml.LinearDiscriminantAnalysis:transform"] = doc("m:transform(X) -> (N x K) tensor",
  "Projects rows on the discriminant axes.", { XARG },
  PRE .. Y .. "print(ml.LinearDiscriminantAnalysis{}:fit(X, y):transform(X))")
D["moonlab.ml.LinearDiscriminantAnalysis:decision_function"] = doc("m:decision_function(X) -> (N x C) or (N) tensor",
  "Linear scores X coef^T + intercept (one column for two classes).", { XARG },
  PRE .. Y .. "print(ml.LinearDiscriminantAnalysis{}:fit(X, y):decision_function(X))")
D["moonlab.ml.LinearDiscriminantAnalysis:predict_proba"] = doc("m:predict_proba(X) -> (N x C) tensor",
  "Class probabilities (softmax of the scores; logistic for two classes).", { XARG },
  PRE .. Y .. "print(ml.LinearDiscriminantAnalysis{}:fit(X, y):predict_proba(X))")
D["moonlab.ml.LinearDiscriminantAnalysis:predict"] = doc("m:predict(X) -> (N) tensor",
  "The most probable class of each row (values of m.classes).", { XARG },
  PRE .. Y .. "print(ml.LinearDiscriminantAnalysis{}:fit(X, y):predict(X))")

local NX = "local X = torch.Tensor{{1, 0.5, 0}, {2, 1, 0.1}, {0, 0.2, 1}, {0.1, 0.4, 2}, {1, 0.6, 1}}\n"
D["moonlab.ml.NMF"] = doc("ml.NMF{n_components, init, solver = \"cd\", beta_loss = \"frobenius\", tol = 1e-4, max_iter = 200, alpha_W = 0, alpha_H = \"same\", l1_ratio = 0, shuffle = false, seed}",
  "Non-negative matrix factorisation X ~ W H (W, H >= 0), by coordinate descent or multiplicative updates.",
  { { "n_components", "K (ml.NONE: D)" },
    { "init", "\"nndsvd\", \"nndsvda\" (default when K <= min(N, D)), \"nndsvdar\" or \"random\"" },
    { "solver", "\"cd\" (coordinate descent, C) or \"mu\" (multiplicative updates)" },
    { "beta_loss", "\"frobenius\"" }, { "tol", "stopping tolerance" }, { "max_iter", "most iterations" },
    { "alpha_W", "regularisation of W" }, { "alpha_H", "of H (\"same\": alpha_W)" },
    { "l1_ratio", "share of L1 in the regularisation" }, { "shuffle", "cd: random coordinate order" },
    { "seed", "generator seed (random inits, shuffle)" } },
  "local ml = require \"moonlab.ml\"\n" .. NX .. "local m = ml.NMF{n_components = 2}\nlocal W = m:fit_transform(X)\nprint(W, m.components, m.reconstruction_err)",
  "Fitted: components (H, K x D), reconstruction_err (Frobenius norm of X - W H), n_iter, n_components_.")
D["moonlab.ml.NMF:fit"] = doc("m:fit(X) -> m", "Factorises the non-negative X.", { XARG },
  "local ml = require \"moonlab.ml\"\n" .. NX .. "print(ml.NMF{n_components = 2}:fit(X).components)")
D["moonlab.ml.NMF:fit_transform"] = doc("m:fit_transform(X) -> W (N x K)", "Factorises X and returns W.", { XARG },
  "local ml = require \"moonlab.ml\"\n" .. NX .. "print(ml.NMF{n_components = 2, solver = \"mu\"}:fit_transform(X))")
D["moonlab.ml.NMF:transform"] = doc("m:transform(X) -> W (N x K)", "W for new rows with the fitted components fixed.",
  { XARG }, "local ml = require \"moonlab.ml\"\n" .. NX .. "local m = ml.NMF{n_components = 2}:fit(X)\nprint(m:transform(X))")
D["moonlab.ml.NMF:inverse_transform"] = doc("m:inverse_transform(W) -> (N x D) tensor", "W times the components.",
  { { "W", "(N x K) non-negative weights" } },
  "local ml = require \"moonlab.ml\"\n" .. NX .. "local m = ml.NMF{n_components = 2}\nprint(m:inverse_transform(m:fit_transform(X)))")

local TX = "local g = torch.Generator(); torch.manualSeed(g, 1)\nlocal X = torch.cat(torch.randn(g, 20, 3), torch.randn(g, 20, 3):add(6), 1)\n"
D["moonlab.ml.TSNE"] = doc("ml.TSNE{n_components = 2, perplexity = 30, early_exaggeration = 12, learning_rate = \"auto\", n_iter = 1000, n_iter_without_progress = 300, min_grad_norm = 1e-7, init = \"pca\", method = \"auto\", angle = 0.5, seed}",
  "t-SNE: a 2-D (or C-D) embedding that keeps each point's neighbours close (exact O(N^2), or Barnes-Hut O(N log N)).",
  { { "n_components", "embedding dimension" }, { "perplexity", "effective number of neighbours (< N)" },
    { "early_exaggeration", "P is multiplied by it for the first 250 iterations" },
    { "learning_rate", "\"auto\" (max(N / early_exaggeration / 4, 50)) or a number" },
    { "n_iter", "iterations (>= 250)" }, { "n_iter_without_progress", "stop when the KL stops improving" },
    { "min_grad_norm", "stop below this gradient norm" },
    { "init", "\"pca\" (deterministic), \"random\" or an (N x C) tensor" },
    { "method", "\"auto\" (Barnes-Hut above 2000 rows, else exact), \"exact\" or \"barnes_hut\" (n_components <= 3)" },
    { "angle", "Barnes-Hut's theta in [0, 1]: larger is faster and coarser (0: exact repulsion)" },
    { "seed", "generator seed (random init)" } },
  "local ml = require \"moonlab.ml\"\n" .. TX .. "local t = ml.TSNE{perplexity = 10, n_iter = 250}\nlocal E = t:fit_transform(X)\nprint(E:size(1), t.kl_divergence)",
  "Fitted: embedding, kl_divergence, n_iter_, learning_rate_, method_ (the method used). scikit-learn's optimiser step for step.")
D["moonlab.ml.TSNE:fit"] = doc("t:fit(X) -> t", "Computes the embedding of X (t.embedding).", { XARG },
  "local ml = require \"moonlab.ml\"\n" .. TX .. "print(ml.TSNE{perplexity = 10, n_iter = 250}:fit(X).embedding:size(2))")
D["moonlab.ml.TSNE:fit_transform"] = doc("t:fit_transform(X) -> (N x C) tensor", "Computes and returns the embedding of X.",
  { XARG }, "local ml = require \"moonlab.ml\"\n" .. TX .. "print(ml.TSNE{perplexity = 10, n_iter = 250}:fit_transform(X):size(1))")

return { title = "Dimension reduction (require \"moonlab.ml\")", docs = D }
