-- Docstrings: moonlab.ml's clustering estimators and metrics
-- (stdlib/moonlab/ml/cluster.lua, cluster_metrics.lua; docs/ml_cluster.md).
-- Names: "moonlab.ml.KMeans" for a class or function, "moonlab.ml.KMeans:fit"
-- for a method.  Examples run in tests/lua/test_help.lua on small data.
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local ml = require \"moonlab.ml\"\n"
  .. "local X = torch.Tensor{{1, 1}, {1.2, 0.9}, {0.9, 1.1}, {5, 5}, {5.1, 4.8}, {4.9, 5.2}}\n"
local XARG = { "X", "(N x D) tensor (any type), a table of rows or a data frame" }
local LAB = "Labels are 1-based (centers[labels[i]] is row i's center)."

local function cls(name, sig, summary, params, example, notes)
  D["moonlab.ml." .. name] = doc(sig, summary, params, PRE .. example, notes)
end
local function method(name, sig, summary, args, example, notes)
  D["moonlab.ml." .. name] = doc(sig, summary, args, PRE .. example, notes)
end

-- KMeans ----------------------------------------------------------------
cls("KMeans", "ml.KMeans{n_clusters = 8, init = \"k-means++\", n_init = 10, max_iter = 300, tol = 1e-4, algorithm = \"lloyd\", seed}",
  "k-means clustering (Lloyd or Elkan iterations in C, GEMM-based assignment on all cores).",
  { { "n_clusters", "number of clusters K" },
    { "init", "\"k-means++\", \"random\" or a (K x D) tensor of initial centers (then n_init is 1)" },
    { "n_init", "runs from different seeds; the lowest inertia wins" },
    { "max_iter", "most iterations per run" },
    { "tol", "stop when the squared center shift <= tol x the mean variance of X's columns" },
    { "algorithm", "\"lloyd\" or \"elkan\" (bounds skip distance computations; same result)" },
    { "seed", "seed of the run's generator (ml.NONE: from the clock)" } },
  "local km = ml.KMeans{n_clusters = 2, seed = 1}:fit(X)\nprint(km.labels, km.inertia)",
  "Fitted: labels (N, Long), cluster_centers (K x D), inertia, n_iter. " .. LAB)
method("KMeans:fit", "km:fit(X) -> km", "Runs k-means on the rows of X.", { XARG },
  "local km = ml.KMeans{n_clusters = 2, seed = 1}:fit(X)\nprint(km.cluster_centers)")
method("KMeans:predict", "km:predict(X) -> LongTensor (N)", "Nearest fitted center of each row (1-based).", { XARG },
  "local km = ml.KMeans{n_clusters = 2, seed = 1}:fit(X)\nprint(km:predict(torch.Tensor{{0, 0}, {6, 6}}))")
method("KMeans:transform", "km:transform(X) -> (N x K) tensor", "Euclidean distances from each row to each center.",
  { XARG }, "local km = ml.KMeans{n_clusters = 2, seed = 1}:fit(X)\nprint(km:transform(X))")
method("KMeans:fit_predict", "km:fit_predict(X) -> LongTensor (N)", "Fits and returns the labels.", { XARG },
  "print(ml.KMeans{n_clusters = 2, seed = 1}:fit_predict(X))")
method("KMeans:score", "km:score(X) -> number", "Minus the inertia of X against the fitted centers.", { XARG },
  "local km = ml.KMeans{n_clusters = 2, seed = 1}:fit(X)\nprint(km:score(X), -km.inertia)")

cls("MiniBatchKMeans", "ml.MiniBatchKMeans{n_clusters = 8, init = \"k-means++\", max_iter = 100, batch_size = 1024, tol = 0, max_no_improvement = 10, n_init = 3, seed}",
  "k-means on random mini-batches (per-center learning rates), for data too big for KMeans.",
  { { "n_clusters", "number of clusters K" }, { "init", "as KMeans" },
    { "max_iter", "passes over the data" }, { "batch_size", "rows per step" },
    { "tol", "stop when the squared center change <= tol x mean variance (0: off)" },
    { "max_no_improvement", "stop after this many steps without a better smoothed inertia (ml.NONE: off)" },
    { "n_init", "initialisations tried on a sample; the best is kept" }, { "seed", "generator seed" } },
  "local m = ml.MiniBatchKMeans{n_clusters = 2, batch_size = 4, seed = 1}:fit(X)\nprint(m.labels)",
  "Fitted: labels, cluster_centers, inertia, n_iter, n_steps. " .. LAB)
method("MiniBatchKMeans:fit", "m:fit(X) -> m", "Runs mini-batch k-means on the rows of X.", { XARG },
  "print(ml.MiniBatchKMeans{n_clusters = 2, batch_size = 3, seed = 2}:fit(X).inertia)")
method("MiniBatchKMeans:partial_fit", "m:partial_fit(X) -> m",
  "One update with the batch X (the first call also initialises the centers from it).", { XARG },
  "local m = ml.MiniBatchKMeans{n_clusters = 2, seed = 1}\nm:partial_fit(X:narrow(1, 1, 4)):partial_fit(X:narrow(1, 3, 4))\nprint(m.cluster_centers)")
method("MiniBatchKMeans:predict", "m:predict(X) -> LongTensor (N)", "Nearest center of each row (1-based).", { XARG },
  "print(ml.MiniBatchKMeans{n_clusters = 2, seed = 1}:fit(X):predict(X))")
method("MiniBatchKMeans:transform", "m:transform(X) -> (N x K) tensor", "Distances from each row to each center.",
  { XARG }, "print(ml.MiniBatchKMeans{n_clusters = 2, seed = 1}:fit(X):transform(X))")
method("MiniBatchKMeans:fit_predict", "m:fit_predict(X) -> LongTensor (N)", "Fits and returns the labels.", { XARG },
  "print(ml.MiniBatchKMeans{n_clusters = 2, seed = 1}:fit_predict(X))")
method("MiniBatchKMeans:score", "m:score(X) -> number", "Minus the inertia of X against the centers.", { XARG },
  "print(ml.MiniBatchKMeans{n_clusters = 2, seed = 1}:fit(X):score(X))")

D["moonlab.ml.elbow"] = doc("ml.elbow(X, ks [, opts]) -> {k = {...}, inertia = {...}}",
  "KMeans inertia for every k in ks, ready to plot against k to find the elbow.",
  { XARG, { "ks", "a list of cluster counts, or a number K for 1..K" }, { "opts", "KMeans parameters (seed, n_init ...)" } },
  PRE .. "local e = ml.elbow(X, 4, {seed = 1})\nfor i, k in ipairs(e.k) do print(k, e.inertia[i]) end")

-- KModes / KPrototypes ----------------------------------------------------
local CAT = "local C = torch.LongTensor{{1, 1, 1}, {1, 1, 2}, {1, 1, 1}, {2, 2, 2}, {2, 2, 1}, {2, 2, 2}}\n"
cls("KModes", "ml.KModes{n_clusters = 8, init = \"Cao\", n_init = 10, max_iter = 100, seed}",
  "k-modes clustering of categorical codes (Huang's algorithm; mismatch counts as the distance).",
  { { "n_clusters", "number of clusters K" },
    { "init", "\"Cao\" (deterministic, density based), \"Huang\" (random, frequency weighted) or a (K x D) tensor" },
    { "n_init", "runs for Huang's init; the lowest cost wins" }, { "max_iter", "most passes" },
    { "seed", "generator seed" } },
  CAT .. "local m = ml.KModes{n_clusters = 2}:fit(C)\nprint(m.labels, m.cluster_centroids)",
  "X: codes (LongTensor, DoubleTensor ...), or data-frame columns of codes. Fitted: labels,\n"
    .. "cluster_centroids (X's type), cost (total mismatches), n_iter.")
method("KModes:fit", "m:fit(X) -> m", "Clusters the rows of categorical codes X.",
  { { "X", "(N x D) codes, a table of rows or a data frame" } }, CAT .. "print(ml.KModes{n_clusters = 2}:fit(C).cost)")
method("KModes:predict", "m:predict(X) -> LongTensor (N)", "The centroid with fewest mismatches for each row.",
  { { "X", "(N x D) codes" } }, CAT .. "print(ml.KModes{n_clusters = 2}:fit(C):predict(torch.LongTensor{{2, 2, 3}}))")
method("KModes:fit_predict", "m:fit_predict(X) -> LongTensor (N)", "Fits and returns the labels.",
  { { "X", "(N x D) codes" } }, CAT .. "print(ml.KModes{n_clusters = 2}:fit_predict(C))")

local MIX = "local M = torch.Tensor{{0, 1}, {0.2, 1}, {0.1, 1}, {9, 2}, {9.2, 2}, {8.9, 1}}\n"
cls("KPrototypes", "ml.KPrototypes{n_clusters = 8, categorical = {...}, numerical, gamma, init = \"Cao\", n_init = 10, max_iter = 100, seed}",
  "k-prototypes: k-means on numerical columns plus k-modes on categorical ones, weighted by gamma.",
  { { "n_clusters", "number of clusters K" },
    { "categorical", "the categorical columns: indices into X, or names of data-frame columns" },
    { "numerical", "data frames: the numerical column names (default: every other name in X.names)" },
    { "gamma", "weight of one categorical mismatch (default: half the std of the numerical values)" },
    { "init", "\"Cao\", \"Huang\", or a (K x (Dn + Dc)) tensor, numerical columns first" },
    { "n_init", "runs for Huang's init" }, { "max_iter", "most passes" }, { "seed", "generator seed" } },
  MIX .. "local m = ml.KPrototypes{n_clusters = 2, categorical = {2}}:fit(M)\nprint(m.labels, m.cluster_centroids_num)",
  "Fitted: labels, cluster_centroids_num (K x Dn), cluster_centroids_cat (K x Dc), gamma, cost, n_iter.")
method("KPrototypes:fit", "m:fit(X) -> m", "Clusters rows of mixed numerical and categorical columns.",
  { { "X", "(N x D) tensor or a data frame" } }, MIX .. "print(ml.KPrototypes{n_clusters = 2, categorical = {2}}:fit(M).cost)")
method("KPrototypes:predict", "m:predict(X) -> LongTensor (N)", "The cheapest prototype of each row.",
  { { "X", "(N x D) tensor or a data frame" } },
  MIX .. "print(ml.KPrototypes{n_clusters = 2, categorical = {2}}:fit(M):predict(M))")
method("KPrototypes:fit_predict", "m:fit_predict(X) -> LongTensor (N)", "Fits and returns the labels.",
  { { "X", "(N x D) tensor or a data frame" } }, MIX .. "print(ml.KPrototypes{n_clusters = 2, categorical = {2}}:fit_predict(M))")

-- DBSCAN, Agglomerative -----------------------------------------------------
cls("DBSCAN", "ml.DBSCAN{eps = 0.5, min_samples = 5, metric = \"euclidean\"}",
  "Density-based clustering: core rows have min_samples rows within eps; the rest is noise (-1).",
  { { "eps", "neighbourhood radius" }, { "min_samples", "rows (itself included) a core row needs within eps" },
    { "metric", "\"euclidean\"" } },
  "local m = ml.DBSCAN{eps = 0.5, min_samples = 2}:fit(X)\nprint(m.labels, m.core_sample_indices)",
  "Fitted: labels (clusters 1..K, noise -1), core_sample_indices (1-based), components (core rows),\n"
    .. "n_clusters. Neighbourhoods come from a k-d tree. The same labels as scikit-learn's.")
method("DBSCAN:fit", "m:fit(X) -> m", "Finds the dense clusters of X.", { XARG },
  "print(ml.DBSCAN{eps = 1, min_samples = 3}:fit(X).n_clusters)")
method("DBSCAN:fit_predict", "m:fit_predict(X) -> LongTensor (N)", "Fits and returns the labels.", { XARG },
  "print(ml.DBSCAN{eps = 1, min_samples = 3}:fit_predict(X))")

cls("AgglomerativeClustering", "ml.AgglomerativeClustering{n_clusters = 2, linkage = \"ward\", distance_threshold, metric = \"euclidean\"}",
  "Hierarchical clustering: merges the closest clusters until one is left; cuts the tree into clusters.",
  { { "n_clusters", "clusters to cut the tree into (ml.NONE when distance_threshold is set)" },
    { "linkage", "\"ward\", \"complete\", \"average\" or \"single\"" },
    { "distance_threshold", "cut where merges are at least this far apart (n_clusters = ml.NONE)" },
    { "metric", "\"euclidean\"" } },
  "local m = ml.AgglomerativeClustering{n_clusters = 2, linkage = \"average\"}:fit(X)\nprint(m.labels, m.children, m.distances)",
  "Fitted: labels, children ((N-1) x 2: the nodes merged at step j; leaves are 1..N and step j makes\n"
    .. "node N + j), distances (N-1, nondecreasing), counts, n_clusters, n_leaves. The tree and labels\n"
    .. "are scikit-learn's (scipy's linkage order), ready for a dendrogram.")
method("AgglomerativeClustering:fit", "m:fit(X) -> m", "Builds the merge tree of X and cuts it.", { XARG },
  "print(ml.AgglomerativeClustering{linkage = \"single\"}:fit(X).distances)")
method("AgglomerativeClustering:fit_predict", "m:fit_predict(X) -> LongTensor (N)", "Fits and returns the labels.",
  { XARG }, "print(ml.AgglomerativeClustering{}:fit_predict(X))")

-- GaussianMixture -------------------------------------------------------------
cls("GaussianMixture", "ml.GaussianMixture{n_components = 1, covariance_type = \"full\", tol = 1e-3, reg_covar = 1e-6, max_iter = 100, n_init = 1, init_params = \"kmeans\", weights_init, means_init, precisions_init, seed}",
  "Gaussian mixture fitted by EM, with full, tied, diagonal or spherical covariances.",
  { { "n_components", "number of components K" },
    { "covariance_type", "\"full\" (K x D x D), \"tied\" (D x D), \"diag\" (K x D) or \"spherical\" (K)" },
    { "tol", "stop when the mean log-likelihood changes by less" },
    { "reg_covar", "added to the covariances' diagonals" }, { "max_iter", "most EM iterations" },
    { "n_init", "initialisations; the best lower bound wins" },
    { "init_params", "\"kmeans\", \"k-means++\", \"random\" or \"random_from_data\"" },
    { "weights_init", "initial weights (K) or ml.NONE" }, { "means_init", "initial means (K x D) or ml.NONE" },
    { "precisions_init", "initial precision matrices (shaped as covariances) or ml.NONE" },
    { "seed", "generator seed" } },
  "local g = ml.GaussianMixture{n_components = 2, seed = 1}:fit(X)\nprint(g.means, g.weights, g.converged)",
  "Fitted: weights, means, covariances, precisions, precisions_cholesky, converged, n_iter, lower_bound.\n"
    .. "From the same init the results equal scikit-learn's (to rounding).")
method("GaussianMixture:fit", "g:fit(X) -> g", "Runs EM on the rows of X.", { XARG },
  "print(ml.GaussianMixture{n_components = 2, covariance_type = \"diag\", seed = 1}:fit(X).n_iter)")
method("GaussianMixture:predict", "g:predict(X) -> LongTensor (N)", "The most probable component of each row (1-based).",
  { XARG }, "print(ml.GaussianMixture{n_components = 2, seed = 1}:fit(X):predict(X))")
method("GaussianMixture:predict_proba", "g:predict_proba(X) -> (N x K) tensor", "Posterior probability of each component.",
  { XARG }, "print(ml.GaussianMixture{n_components = 2, seed = 1}:fit(X):predict_proba(X))")
method("GaussianMixture:score_samples", "g:score_samples(X) -> (N) tensor", "Log-likelihood of each row.", { XARG },
  "print(ml.GaussianMixture{n_components = 2, seed = 1}:fit(X):score_samples(X))")
method("GaussianMixture:score", "g:score(X) -> number", "Mean log-likelihood per row.", { XARG },
  "print(ml.GaussianMixture{n_components = 2, seed = 1}:fit(X):score(X))")
method("GaussianMixture:bic", "g:bic(X) -> number", "Bayesian information criterion on X (lower is better).", { XARG },
  "for k = 1, 3 do print(k, ml.GaussianMixture{n_components = k, covariance_type = \"spherical\", seed = 1}:fit(X):bic(X)) end")
method("GaussianMixture:aic", "g:aic(X) -> number", "Akaike information criterion on X (lower is better).", { XARG },
  "print(ml.GaussianMixture{n_components = 2, covariance_type = \"diag\", seed = 1}:fit(X):aic(X))")
method("GaussianMixture:fit_predict", "g:fit_predict(X) -> LongTensor (N)", "Fits and returns the most probable components.",
  { XARG }, "print(ml.GaussianMixture{n_components = 2, seed = 1}:fit_predict(X))")

-- metrics -------------------------------------------------------------------
local L2 = "local y = {1, 1, 1, 2, 2, 2}\n"
local LABELS = { "labels", "cluster labels (tensor or list of numbers)" }
local TP = { { "labels_true", "reference labels (tensor or list)" }, { "labels_pred", "cluster labels (tensor or list)" } }
local function metric(name, sig, summary, args, example)
  D["moonlab.ml." .. name] = doc(sig, summary, args, PRE .. L2 .. example)
end
metric("silhouette_samples", "ml.silhouette_samples(X, labels) -> (N) tensor",
  "Silhouette of each row: (b - a) / max(a, b) with a, b the mean distances to its own and the nearest other cluster.",
  { XARG, LABELS }, "print(ml.silhouette_samples(X, y))")
metric("silhouette_score", "ml.silhouette_score(X, labels) -> number", "Mean silhouette (-1..1, higher is better).",
  { XARG, LABELS }, "print(ml.silhouette_score(X, y))")
metric("davies_bouldin_score", "ml.davies_bouldin_score(X, labels) -> number",
  "Mean over clusters of the worst (s_i + s_j) / d(c_i, c_j) (lower is better).", { XARG, LABELS },
  "print(ml.davies_bouldin_score(X, y))")
metric("calinski_harabasz_score", "ml.calinski_harabasz_score(X, labels) -> number",
  "Between- over within-cluster dispersion, scaled by (N - K) / (K - 1) (higher is better).", { XARG, LABELS },
  "print(ml.calinski_harabasz_score(X, y))")
metric("adjusted_rand_score", "ml.adjusted_rand_score(labels_true, labels_pred) -> number",
  "Rand index adjusted for chance: 1 for the same partition, about 0 for random labels.", TP,
  "print(ml.adjusted_rand_score(y, {2, 2, 2, 1, 1, 1}))")
metric("mutual_info_score", "ml.mutual_info_score(labels_true, labels_pred) -> number",
  "Mutual information of two labelings (nats).", TP, "print(ml.mutual_info_score(y, {1, 1, 2, 2, 2, 2}))")
metric("normalized_mutual_info_score", "ml.normalized_mutual_info_score(labels_true, labels_pred [, average_method]) -> number",
  "Mutual information divided by a mean of the two entropies (0..1).",
  { TP[1], TP[2], { "average_method", "\"arithmetic\" (default), \"geometric\", \"min\" or \"max\"" } },
  "print(ml.normalized_mutual_info_score(y, {1, 1, 2, 2, 2, 2}, \"geometric\"))")
metric("homogeneity_completeness_v_measure", "ml.homogeneity_completeness_v_measure(labels_true, labels_pred [, beta]) -> h, c, v",
  "Homogeneity, completeness and their weighted harmonic mean (V-measure).",
  { TP[1], TP[2], { "beta", "weight of completeness in v (default 1)" } },
  "print(ml.homogeneity_completeness_v_measure(y, {1, 1, 2, 2, 3, 3}))")
metric("homogeneity_score", "ml.homogeneity_score(labels_true, labels_pred) -> number",
  "1 when every cluster holds members of one class only.", TP, "print(ml.homogeneity_score(y, {1, 1, 2, 3, 3, 3}))")
metric("completeness_score", "ml.completeness_score(labels_true, labels_pred) -> number",
  "1 when all members of a class are in one cluster.", TP, "print(ml.completeness_score(y, {1, 1, 2, 3, 3, 3}))")
metric("v_measure_score", "ml.v_measure_score(labels_true, labels_pred [, beta]) -> number",
  "Harmonic mean of homogeneity and completeness (beta weights completeness).",
  { TP[1], TP[2], { "beta", "default 1" } }, "print(ml.v_measure_score(y, {1, 1, 2, 3, 3, 3}))")

return { title = "Clustering and its metrics (require \"moonlab.ml\")", docs = D }
