-- Docstrings: moonlab.stats (stdlib/moonlab/stats/*.lua, kernels/special.c,
-- kernels/stats.c, vm/l_stats.c; docs/stats.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local stats = require \"moonlab.stats\"\n"
local X = { "x", "a tensor (any type) or a list of numbers" }
local DIM = { "opts.dim", "reduce along this dim (kept with size 1); default: all elements, a number" }
local ALT = { "opts.alternative", "\"two-sided\" (default), \"less\" or \"greater\"" }
local RES = "Returns a result table {statistic, pvalue, df, method, ...}; print(res) shows an R-style summary."

D["moonlab.stats"] = doc("stats = require \"moonlab.stats\"",
  "Descriptive statistics, probability distributions and hypothesis tests with scipy.stats' definitions.",
  {}, PRE .. "print(stats.norm():ppf(0.975))\nprint(stats.ttest_1samp({5.1, 4.9, 5.3, 5.2}, 5).pvalue)")

-- ---- descriptive ----
D["moonlab.stats.mean"] = doc("stats.mean(x [, {dim, weights}])", "Mean, numerically stable (refined by the mean of the deviations).",
  { X, DIM, { "opts.weights", "non-negative weights, as many as elements (all elements)" } },
  PRE .. "print(stats.mean({1, 2, 3, 10}))\nprint(stats.mean({1, 2, 3}, {weights = {1, 1, 2}}))")
D["moonlab.stats.var"] = doc("stats.var(x [, {ddof = 0, dim, weights}])",
  "Variance about the mean, divided by n - ddof (numpy's default ddof = 0), two-pass.",
  { X, { "opts.ddof", "delta degrees of freedom (1: the sample variance)" }, DIM,
    { "opts.weights", "frequency weights: sum w (x - m)^2 / (sum w - ddof)" } },
  PRE .. "print(stats.var({1, 2, 3, 4}))\nprint(stats.var({1e9 + 1, 1e9 + 2, 1e9 + 3}, {ddof = 1}))")
D["moonlab.stats.std"] = doc("stats.std(x [, {ddof = 0, dim, weights}])", "Standard deviation: the square root of stats.var.",
  { X, { "opts.ddof", "delta degrees of freedom" }, DIM, { "opts.weights", "frequency weights" } },
  PRE .. "print(stats.std({2, 4, 4, 4, 5, 5, 7, 9}))")
D["moonlab.stats.skewness"] = doc("stats.skewness(x [, {bias = true, dim}])",
  "Sample skewness m3 / m2^1.5 (scipy.stats.skew); bias = false gives the adjusted Fisher-Pearson G1.",
  { X, { "opts.bias", "false: correct for statistical bias" }, DIM },
  PRE .. "print(stats.skewness({1, 2, 3, 10}))")
D["moonlab.stats.skew"] = doc("stats.skew(x [, {bias = true, dim}])", "The same function as stats.skewness (scipy's name).",
  { X, { "opts.bias", "false: correct for statistical bias" }, DIM }, PRE .. "print(stats.skew({1, 2, 3, 10}, {bias = false}))")
D["moonlab.stats.kurtosis"] = doc("stats.kurtosis(x [, {bias = true, fisher = true, dim}])",
  "Kurtosis m4 / m2^2, minus 3 when fisher (excess kurtosis), as scipy.stats.kurtosis.",
  { X, { "opts.bias", "false: correct for statistical bias" }, { "opts.fisher", "false: Pearson's definition (no - 3)" }, DIM },
  PRE .. "print(stats.kurtosis({1, 2, 3, 4, 10}))")
D["moonlab.stats.quantile"] = doc("stats.quantile(x, q [, {method = \"linear\", dim, weights}])",
  "Quantiles by any of numpy's 13 methods (Hyndman-Fan and the others); NaN in the data gives NaN.",
  { X, { "q", "a number in [0, 1], a list or a tensor of them (then a 1-D result, or size #q at dim)" },
    { "opts.method", "linear, lower, higher, midpoint, nearest, inverted_cdf, averaged_inverted_cdf, closest_observation, interpolated_inverted_cdf, hazen, weibull, median_unbiased, normal_unbiased" },
    DIM, { "opts.weights", "non-negative weights (method inverted_cdf, all elements)" } },
  PRE .. "print(stats.quantile({1, 2, 3, 4}, 0.4))\nprint(stats.quantile({1, 2, 3, 4}, {0.25, 0.75}, {method = \"hazen\"}))")
D["moonlab.stats.median"] = doc("stats.median(x [, {dim}])", "Median (numpy's: the mean of the two middle values for an even count).",
  { X, DIM }, PRE .. "print(stats.median({4, 1, 3, 2}))")
D["moonlab.stats.iqr"] = doc("stats.iqr(x [, {method, dim}])", "Interquartile range: quantile 0.75 minus quantile 0.25.",
  { X, { "opts.method", "a quantile method (default linear)" }, DIM }, PRE .. "print(stats.iqr({1, 2, 3, 4, 5, 6, 7, 8}))")
D["moonlab.stats.mode"] = doc("stats.mode(x)", "The most frequent value (the smallest of equally frequent ones) and its count.",
  { X }, PRE .. "print(stats.mode({1, 2, 2, 3, 3, 5}))")
D["moonlab.stats.zscore"] = doc("stats.zscore(x [, {ddof = 0, dim}])", "Standard scores (x - mean) / std, a DoubleTensor of x's shape.",
  { X, { "opts.ddof", "delta degrees of freedom of the std" }, DIM }, PRE .. "print(stats.zscore({1, 2, 3}))")
D["moonlab.stats.outliers"] = doc("stats.outliers(x [, {method = \"iqr\", k = 1.5, threshold = 3, ddof, dim}])",
  "A ByteTensor mask of the outliers: outside Tukey's fences Q1 - k IQR, Q3 + k IQR, or |z| > threshold.",
  { X, { "opts.method", "\"iqr\" (default) or \"zscore\"" }, { "opts.k", "fence width in IQRs (1.5)" },
    { "opts.threshold", "z-score limit (3)" }, DIM },
  PRE .. "print(stats.outliers({1, 2, 3, 4, 5, 6, 7, 8, 9, 100}):sum())")
D["moonlab.stats.rankdata"] = doc("stats.rankdata(x [, method = \"average\"])",
  "Ranks (1-based) of the elements, ties by method: average, min, max, dense or ordinal (scipy's).",
  { X, { "method", "how ties are ranked" } }, PRE .. "print(stats.rankdata({10, 20, 10, 5}))")
D["moonlab.stats.cov"] = doc("stats.cov(X [, Y] [, {ddof = 1}])",
  "Covariance matrix of the columns of X (observations in rows), or of two vectors X and Y (2x2).",
  { { "X", "an n x p matrix, or a vector" }, { "Y", "a second vector (optional)" }, { "opts.ddof", "delta degrees of freedom (default 1)" } },
  PRE .. "print(stats.cov({1, 2, 3, 4}, {2, 4, 5, 9}))")
D["moonlab.stats.corr"] = doc("stats.corr(X [, Y] [, {method = \"pearson\"}])",
  "Correlation matrix of the columns of X: Pearson, Spearman (ranks) or Kendall's tau-b (O(n log n) per pair).",
  { { "X", "an n x p matrix, or a vector" }, { "Y", "a second vector (optional)" },
    { "opts.method", "\"pearson\", \"spearman\" or \"kendall\"" } },
  PRE .. "local X = torch.Tensor{{1, 2}, {2, 1}, {3, 5}, {4, 3}}\nprint(stats.corr(X, {method = \"kendall\"}))")

-- ---- distributions ----
local CONT = "Methods: d:pdf(x), d:logpdf(x), d:cdf(x), d:sf(x), d:ppf(q), d:isf(q) (numbers or tensors, element-wise),\n"
  .. "d:mean(), d:var(), d:std(), d:rvs(n [, gen]) (gen: a torch.Generator or a seed)."
local DISC = "Methods: d:pmf(k), d:logpmf(k), d:cdf(k), d:sf(k), d:ppf(q), d:isf(q) (numbers or tensors, element-wise),\n"
  .. "d:mean(), d:var(), d:std(), d:rvs(n [, gen]) (gen: a torch.Generator or a seed)."
D["moonlab.stats.norm"] = doc("stats.norm{mu = 0, sigma = 1}", "The normal distribution as an object.",
  { { "mu", "mean" }, { "sigma", "standard deviation (> 0)" } },
  PRE .. "local d = stats.norm{mu = 1, sigma = 2}\nprint(d:cdf(3), d:ppf(0.975), d:isf(1e-20))", CONT)
D["moonlab.stats.t"] = doc("stats.t{df}", "Student's t distribution as an object.", { { "df", "degrees of freedom (> 0, may be fractional)" } },
  PRE .. "local d = stats.t{df = 10}\nprint(d:sf(2.228), d:ppf(0.975))", CONT)
D["moonlab.stats.chi2"] = doc("stats.chi2{df}", "The chi-square distribution as an object.", { { "df", "degrees of freedom (> 0)" } },
  PRE .. "print(stats.chi2{df = 3}:sf(7.8147))", CONT)
D["moonlab.stats.f"] = doc("stats.f{df1, df2}", "The F distribution as an object.",
  { { "df1", "numerator degrees of freedom" }, { "df2", "denominator degrees of freedom" } },
  PRE .. "print(stats.f{df1 = 3, df2 = 20}:ppf(0.95))", CONT)
D["moonlab.stats.expon"] = doc("stats.expon{rate = 1} or stats.expon{scale = 1}", "The exponential distribution as an object.",
  { { "rate", "the rate lambda (> 0)" }, { "scale", "or the scale 1/lambda" } },
  PRE .. "print(stats.expon{rate = 2}:cdf(1))", CONT)
D["moonlab.stats.gamma"] = doc("stats.gamma{shape, scale = 1}", "The gamma distribution as an object.",
  { { "shape", "shape k (> 0)" }, { "scale", "scale theta (> 0)" } },
  PRE .. "print(stats.gamma{shape = 2, scale = 3}:mean(), stats.gamma{shape = 2}:cdf(1))", CONT)
D["moonlab.stats.beta"] = doc("stats.beta{a, b}", "The beta distribution on [0, 1] as an object.",
  { { "a", "first shape (> 0)" }, { "b", "second shape (> 0)" } }, PRE .. "print(stats.beta{a = 2, b = 5}:ppf(0.5))", CONT)
D["moonlab.stats.uniform"] = doc("stats.uniform{a = 0, b = 1}", "The uniform distribution on [a, b] as an object.",
  { { "a", "lower end" }, { "b", "upper end (> a)" } }, PRE .. "print(stats.uniform{a = -1, b = 3}:cdf(0))", CONT)
D["moonlab.stats.binom"] = doc("stats.binom{n, p}", "The binomial distribution as an object.",
  { { "n", "number of trials (integer >= 0)" }, { "p", "success probability in [0, 1]" } },
  PRE .. "local d = stats.binom{n = 10, p = 0.3}\nprint(d:pmf(3), d:cdf(3), d:ppf(0.5))", DISC)
D["moonlab.stats.poisson"] = doc("stats.poisson{mu}", "The Poisson distribution as an object.", { { "mu", "the mean (>= 0)" } },
  PRE .. "print(stats.poisson{mu = 4}:pmf(2), stats.poisson{mu = 4}:sf(10))", DISC)

-- ---- special functions ----
local SPRE = PRE .. "local sp = stats.special\n"
D["moonlab.stats.special"] = doc("stats.special", "Special functions (numbers or tensors, element-wise, broadcast): erf, gammainc, betainc ...",
  {}, SPRE .. "print(sp.erf(0.5), sp.gammainc(2, 1), sp.betainc(2, 3, 0.4))")
local function sdoc(name, sig, summary, args, ex)
  D["moonlab.stats.special." .. name] = doc("stats.special." .. sig, summary, args, SPRE .. ex)
end
sdoc("lgamma", "lgamma(x)", "log |Gamma(x)|.", { { "x", "number or tensor" } }, "print(sp.lgamma(10))")
sdoc("lbeta", "lbeta(a, b)", "log Beta(a, b), accurate for large arguments.", { { "a, b", "positive" } }, "print(sp.lbeta(0.5, 1e6))")
sdoc("erf", "erf(x)", "The error function.", { { "x", "number or tensor" } }, "print(sp.erf(1))")
sdoc("erfc", "erfc(x)", "The complementary error function 1 - erf(x), accurate in the tail.", { { "x", "number or tensor" } }, "print(sp.erfc(10))")
sdoc("erfinv", "erfinv(y)", "The inverse of erf on (-1, 1).", { { "y", "number or tensor" } }, "print(sp.erfinv(0.5))")
sdoc("erfcinv", "erfcinv(y)", "The inverse of erfc on (0, 2), accurate for tiny y.", { { "y", "number or tensor" } }, "print(sp.erfcinv(1e-100))")
sdoc("gammainc", "gammainc(a, x)", "Regularized lower incomplete gamma P(a, x).", { { "a", "shape > 0" }, { "x", ">= 0" } }, "print(sp.gammainc(3, 2))")
sdoc("gammaincc", "gammaincc(a, x)", "Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), computed directly.",
  { { "a", "shape > 0" }, { "x", ">= 0" } }, "print(sp.gammaincc(3, 50))")
sdoc("gammaincinv", "gammaincinv(a, p)", "x with P(a, x) = p.", { { "a", "shape > 0" }, { "p", "in [0, 1]" } }, "print(sp.gammaincinv(3, 0.5))")
sdoc("gammainccinv", "gammainccinv(a, q)", "x with Q(a, x) = q, accurate for tiny q.", { { "a", "shape > 0" }, { "q", "in [0, 1]" } },
  "print(sp.gammainccinv(3, 1e-30))")
sdoc("betainc", "betainc(a, b, x)", "Regularized incomplete beta I_x(a, b).", { { "a, b", "shapes > 0" }, { "x", "in [0, 1]" } },
  "print(sp.betainc(2, 3, 0.4))")
sdoc("betaincinv", "betaincinv(a, b, p)", "x with I_x(a, b) = p.", { { "a, b", "shapes > 0" }, { "p", "in [0, 1]" } },
  "print(sp.betaincinv(2, 3, 0.5))")

-- ---- tests ----
D["moonlab.stats.ttest_1samp"] = doc("stats.ttest_1samp(x [, popmean = 0] [, {alternative, confidence_level}])",
  "One-sample t-test of the mean (scipy.stats.ttest_1samp), with a confidence interval.",
  { X, { "popmean", "the mean under the null" }, ALT, { "opts.confidence_level", "default 0.95" } },
  PRE .. "local r = stats.ttest_1samp({5.1, 4.9, 5.6, 5.8, 6.0}, 5)\nprint(r.statistic, r.pvalue, r.df)\nprint(r)", RES)
D["moonlab.stats.ttest_ind"] = doc("stats.ttest_ind(x, y [, {equal_var = true, alternative, confidence_level}])",
  "Two-sample t-test: Student's (pooled variance) or Welch's (equal_var = false).",
  { { "x, y", "the two samples" }, { "opts.equal_var", "false: Welch's test" }, ALT, { "opts.confidence_level", "default 0.95" } },
  PRE .. "print(stats.ttest_ind({1, 2, 3, 4}, {3, 4, 5, 7}, {equal_var = false}))", RES)
D["moonlab.stats.ttest_rel"] = doc("stats.ttest_rel(x, y [, {alternative, confidence_level}])",
  "Paired t-test: the one-sample test of x - y.",
  { { "x, y", "paired samples of equal length" }, ALT, { "opts.confidence_level", "default 0.95" } },
  PRE .. "print(stats.ttest_rel({5, 6, 7, 8}, {5.5, 6.1, 7.9, 8.4}).pvalue)", RES)
D["moonlab.stats.f_oneway"] = doc("stats.f_oneway(g1, g2, ...)", "One-way ANOVA: F = between-group over within-group mean squares.",
  { { "g1, g2, ...", "two or more samples" } }, PRE .. "print(stats.f_oneway({1, 2, 3}, {2, 3, 4}, {5, 6, 7}).pvalue)", RES)
D["moonlab.stats.chisquare"] = doc("stats.chisquare(f_obs [, {f_exp, ddof = 0}])",
  "Chi-square goodness-of-fit test (expected frequencies uniform by default).",
  { { "f_obs", "observed counts" }, { "opts.f_exp", "expected counts (same sum)" }, { "opts.ddof", "degrees of freedom removed" } },
  PRE .. "print(stats.chisquare({16, 18, 16, 14, 12, 12}).pvalue)", RES)
D["moonlab.stats.chi2_contingency"] = doc("stats.chi2_contingency(table [, {correction = true}])",
  "Chi-square test of independence in a contingency table; Yates' correction when df = 1, as scipy.",
  { { "table", "a 2-D tensor or nested list of counts" }, { "opts.correction", "false: no Yates correction" } },
  PRE .. "local r = stats.chi2_contingency({{12, 5}, {7, 9}})\nprint(r.statistic, r.pvalue, r.df)\nprint(r.expected)", RES)
D["moonlab.stats.ks_1samp"] = doc("stats.ks_1samp(x, cdf [, {alternative, method = \"auto\"}])",
  "One-sample Kolmogorov-Smirnov test against a distribution object or a cdf function.",
  { X, { "cdf", "stats.norm{...} (any object with :cdf) or a function of a number" }, ALT,
    { "opts.method", "\"auto\"/\"exact\" (exact two-sided law) or \"asymp\"" } },
  PRE .. "print(stats.ks_1samp({-0.3, 0.1, 0.8, -1.2, 0.4}, stats.norm()).pvalue)", RES)
D["moonlab.stats.ks_2samp"] = doc("stats.ks_2samp(x, y [, {alternative, method = \"auto\"}])",
  "Two-sample Kolmogorov-Smirnov test; exact p-values up to 10000 observations per sample (scipy's auto).",
  { { "x, y", "the two samples" }, ALT, { "opts.method", "\"auto\", \"exact\" or \"asymp\"" } },
  PRE .. "print(stats.ks_2samp({1, 2, 3, 4, 5}, {3, 5, 7, 8, 9, 10}).pvalue)", RES)
D["moonlab.stats.mannwhitneyu"] = doc("stats.mannwhitneyu(x, y [, {use_continuity = true, alternative, method = \"auto\"}])",
  "Mann-Whitney U test (statistic U of x); exact for small samples without ties, else normal with tie correction.",
  { { "x, y", "the two samples" }, { "opts.use_continuity", "continuity correction of the normal approximation" }, ALT,
    { "opts.method", "\"auto\", \"exact\" or \"asymptotic\"" } },
  PRE .. "print(stats.mannwhitneyu({1.1, 2.3, 0.4}, {3.2, 4.5, 2.8, 5.0}).pvalue)", RES)
D["moonlab.stats.wilcoxon"] = doc("stats.wilcoxon(x [, y] [, {zero_method, correction, alternative, method}])",
  "Wilcoxon signed-rank test of x (or x - y); exact for n <= 50 without zeros, as scipy 1.10.",
  { { "x, y", "a sample of differences, or paired samples" }, { "opts.zero_method", "\"wilcox\" (default), \"pratt\" or \"zsplit\"" },
    { "opts.correction", "continuity correction of the normal approximation" }, ALT,
    { "opts.method", "\"auto\", \"exact\" or \"approx\"" } },
  PRE .. "print(stats.wilcoxon({1.2, -0.4, 2.5, 3.1, 0.7, 1.9}).pvalue)", RES)
D["moonlab.stats.shapiro"] = doc("stats.shapiro(x)", "Shapiro-Wilk test of normality (Royston's AS R94, in double precision as R's shapiro.test).",
  { X }, PRE .. "print(stats.shapiro({2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8}).pvalue)", RES)
D["moonlab.stats.pearsonr"] = doc("stats.pearsonr(x, y [, {alternative}])", "Pearson correlation and its test (exact beta law of r).",
  { { "x, y", "paired samples" }, ALT }, PRE .. "print(stats.pearsonr({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}).pvalue)", RES)
D["moonlab.stats.spearmanr"] = doc("stats.spearmanr(x, y [, {alternative}])", "Spearman rank correlation and its t-test (scipy's).",
  { { "x, y", "paired samples" }, ALT }, PRE .. "print(stats.spearmanr({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}).statistic)", RES)
D["moonlab.stats.kendalltau"] = doc("stats.kendalltau(x, y [, {alternative, method = \"auto\"}])",
  "Kendall's tau-b and its test: exact without ties for n <= 33, else normal with tie terms (scipy's).",
  { { "x, y", "paired samples" }, ALT, { "opts.method", "\"auto\", \"exact\" or \"asymptotic\"" } },
  PRE .. "print(stats.kendalltau({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}).pvalue)", RES)
D["moonlab.stats.bootstrap"] = doc("stats.bootstrap(data, statistic [, {n_resamples = 9999, confidence_level = 0.95, method = \"BCa\", gen}])",
  "Bootstrap confidence interval of any statistic: percentile or BCa (bias-corrected and accelerated), seeded.",
  { { "data", "a sample, or a list of samples resampled independently" }, { "statistic", "function(sample1, ...) -> number" },
    { "opts.method", "\"BCa\" or \"percentile\"" }, { "opts.gen", "a torch.Generator or a seed" } },
  PRE .. "local r = stats.bootstrap({2.1, 3.4, 1.9, 5.6, 4.4}, function(s) return s:mean() end, {n_resamples = 999, gen = 1})\n"
    .. "print(r.confidence_interval.low, r.confidence_interval.high)",
  "Returns {confidence_interval = {low, high, level}, standard_error, bootstrap_distribution, statistic, z0, acceleration}.")

return { title = "Statistics (require \"moonlab.stats\")", docs = D }
