-- %% [markdown]
-- # Clustering and dimension reduction
--
-- Finding groups in data without labels, and drawing high-dimensional data
-- in two dimensions: k-means and the elbow, Gaussian mixtures, k-modes for
-- categorical answers, and principal component analysis.
--
-- The data: 178 Italian wines from three cultivars, 13 chemical
-- measurements each (Forina et al., UCI). We hide the cultivar from the
-- algorithms and use it only to judge them.

-- %% Load and standardise
local datasets = require "moonlab.datasets"
ml = require "moonlab.ml"
plot = require "moonlab.plot"
d = datasets.load("wine")
X = ml.StandardScaler{}:fit_transform(d.X)
cultivar = d.y
print(X:size(1), "wines,", X:size(2), "measurements")

-- %% [markdown]
-- The measurements have very different scales (proline is in the hundreds,
-- hue near one), and distance-based methods would be ruled by the largest:
-- standardising gives each one mean 0 and variance 1.
--
-- ## Principal components
--
-- PCA finds the directions of largest variance. Two components are enough
-- to see the structure.

-- %%
pca = ml.PCA{n_components = 2}
Z = pca:fit_transform(X)
print("variance explained by the first two components:", pca.explained_variance_ratio:sum())
plot.figure()
plot.scatter(Z:select(2, 1), Z:select(2, 2), {by = cultivar, title = "wines on the first two principal components",
  xlabel = "PC1", ylabel = "PC2"})

-- %% [markdown]
-- The three cultivars (colours) are visible even though PCA never saw them.
--
-- ## k-means and the elbow
--
-- k-means needs the number of clusters. The elbow plot shows the within-
-- cluster sum of squares (inertia) for k = 1 .. 8: it drops fast until the
-- natural number of groups, then slowly.

-- %%
e = ml.elbow(X, 8, {seed = 0, n_init = 5})
plot.figure()
plot.line(torch.Tensor(e.k), torch.Tensor(e.inertia), {style = "linespoints", title = "elbow", xlabel = "k",
  ylabel = "inertia"})

-- %%
km = ml.KMeans{n_clusters = 3, n_init = 10, seed = 0}:fit(X)
ari = ml.adjusted_rand_score(cultivar, km.labels)
print(string.format("k-means: inertia %.1f, silhouette %.3f, agreement with the cultivars (ARI) %.3f",
  km.inertia, ml.silhouette_score(X, km.labels), ari))
assert(ari > 0.8);

-- %% [markdown]
-- An adjusted Rand index of 1 is perfect agreement, 0 is chance: k-means
-- recovers the cultivars almost exactly.
--
-- ## Gaussian mixtures
--
-- A mixture model gives each point a probability of belonging to each
-- group, and a likelihood to compare models. The BIC (lower is better)
-- drops sharply up to three components and then stays flat: more
-- components buy almost nothing.

-- %%
for k = 1, 5 do
  local gm = ml.GaussianMixture{n_components = k, covariance_type = "diag", seed = 0}:fit(X)
  print(string.format("k = %d  BIC %.1f", k, gm:bic(X)))
end

-- %%
gmm = ml.GaussianMixture{n_components = 3, covariance_type = "diag", seed = 0}:fit(X)
local p = gmm:predict_proba(X)
print("the least certain wine has a top probability of", p:max(2):min())
print("ARI of the mixture:", ml.adjusted_rand_score(cultivar, gmm:predict(X)))

-- %% [markdown]
-- ## Categorical data: k-modes
--
-- k-means needs numbers. Survey answers, product categories, yes/no
-- questions are categories, and their "mean" means nothing. k-modes uses
-- the number of mismatching answers as the distance and the most frequent
-- answer as the centre. Here: 300 made-up respondents from three profiles,
-- answering six questions with four possible answers each, with 20% noise.

-- %%
local g = torch.Generator()
torch.manualSeed(g, 7)
local profiles = { { 1, 1, 2, 3, 4, 1 }, { 2, 3, 3, 1, 1, 4 }, { 4, 2, 1, 2, 3, 3 } }
answers = torch.LongTensor(300, 6)
truth = torch.LongTensor(300)
for i = 1, 300 do
  local k = (i - 1) % 3 + 1
  truth[i] = k
  for q = 1, 6 do
    answers[i][q] = torch.uniform(g) < 0.8 and profiles[k][q] or torch.random(g, 1, 4)
  end
end
kmodes = ml.KModes{n_clusters = 3, seed = 0}:fit(answers)
print("k-modes centres (one row per cluster):")
print(kmodes.cluster_centroids)
print("ARI against the profiles:", ml.adjusted_rand_score(truth, kmodes.labels))

-- %% [markdown]
-- The centres are the profiles we drew the answers from, in some order
-- (k-modes, like k-means, numbers its clusters arbitrarily).
--
-- ## What we did
--
-- - `StandardScaler` first, because distances depend on scales;
-- - `PCA` to look at 13 dimensions in two;
-- - `ml.elbow` and `KMeans`, judged by silhouette and ARI;
-- - `GaussianMixture` with the BIC to choose the number of components;
-- - `KModes` for categorical answers.
