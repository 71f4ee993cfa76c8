/*
 * test_tree.c - kernels/tree.c against naive references: the root split
 * equals a brute-force search over every feature and midpoint (gini,
 * entropy, squared error, with weights), children partition their parent,
 * leaves of a fully grown tree are pure, forests do not depend on the
 * thread count, and bad parameters are reported.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tree.h"

static double unif(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) * 0x1.0p-53;
}

/* Impurity of the samples in mask (1: counted) for criterion c. */
static double naive_impurity(int c, const double *y, const double *w, const int *mask, int n, int k,
                             double *wsum)
{
	double cnt[8] = { 0 }, W = 0, s = 0, ss = 0;
	for (int i = 0; i < n; i++)
		if (mask[i]) {
			W += w[i];
			if (c == ML_TREE_SQUARED_ERROR) {
				s += w[i] * y[i];
				ss += w[i] * y[i] * y[i];
			} else {
				cnt[(int)y[i]] += w[i];
			}
		}
	*wsum = W;
	if (W == 0)
		return 0;
	if (c == ML_TREE_SQUARED_ERROR)
		return ss / W - (s / W) * (s / W);
	double r = c == ML_TREE_GINI ? 1 : 0;
	for (int j = 0; j < k; j++) {
		double p = cnt[j] / W;
		if (c == ML_TREE_GINI)
			r -= p * p;
		else if (p > 0)
			r -= p * log2(p);
	}
	return r;
}

/* Brute force: the (feature, threshold) of the largest weighted impurity decrease. */
static void naive_root(int c, const double *X, const double *y, const double *w, int n, int d, int k,
                       int *bf, double *bt)
{
	int *all = malloc(n * sizeof *all), *lm = malloc(n * sizeof *lm), *rm = malloc(n * sizeof *rm);
	for (int i = 0; i < n; i++)
		all[i] = 1;
	double W, imp = naive_impurity(c, y, w, all, n, k, &W), best = -INFINITY;
	for (int f = 0; f < d; f++)
		for (int a = 0; a < n; a++) {
			/* threshold between X[f][a] and the next larger value */
			double nx = INFINITY;
			for (int b = 0; b < n; b++)
				if (X[f * n + b] > X[f * n + a] && X[f * n + b] < nx)
					nx = X[f * n + b];
			if (isinf(nx))
				continue;
			double thr = X[f * n + a] / 2 + nx / 2;
			for (int i = 0; i < n; i++) {
				lm[i] = X[f * n + i] <= thr;
				rm[i] = !lm[i];
			}
			double wl, wr;
			double il = naive_impurity(c, y, w, lm, n, k, &wl), ir = naive_impurity(c, y, w, rm, n, k, &wr);
			double dec = W * imp - wl * il - wr * ir;
			if (dec > best + 1e-12) {
				best = dec;
				*bf = f;
				*bt = thr;
			}
		}
	free(all);
	free(lm);
	free(rm);
}

static void test_root_split(int c, int weighted)
{
	enum { N = 41, D = 4, K = 3 };
	double X[D * N], y[N], w[N];
	uint64_t s = 12345 + (uint64_t)c * 7 + (uint64_t)weighted;
	for (int i = 0; i < D * N; i++)
		X[i] = unif(&s) * 10 - 5;
	for (int i = 0; i < N; i++) {
		double z = X[i] + 0.5 * X[2 * N + i] + unif(&s);
		y[i] = c == ML_TREE_SQUARED_ERROR ? z * z : (double)(z < -1 ? 0 : z < 2 ? 1 : 2);
		w[i] = weighted ? 1 + (int)(unif(&s) * 3) : 1;
	}
	ml_tree_params p = { (ml_tree_criterion)c, 0, 1, 2, 1, D, 0 };
	ml_tree t = { 0 };
	ml_error e;
	int rc = ml_tree_fit(&t, &p, X, N, D, y, c == ML_TREE_SQUARED_ERROR ? 1 : K, weighted ? w : NULL, 7, &e);
	CHECK(rc == ML_OK, "fit: %s", e.msg);
	int bf = -1;
	double bt = 0;
	naive_root(c, X, y, w, N, D, K, &bf, &bt);
	CHECK(t.n_nodes == 3, "a stump has 3 nodes (got %lld)", (long long)t.n_nodes);
	CHECK(t.feature[0] == bf, "criterion %d: root feature %lld, naive %d", c, (long long)t.feature[0], bf);
	CHECK_NEAR(t.threshold[0], bt, 1e-15);
	CHECK(t.n_samples[1] + t.n_samples[2] == N, "children partition the root");
	CHECK(t.left[0] == 1 && t.right[0] == 2, "preorder numbering");
	ml_tree_free(&t);
}

static void test_full_tree(void)
{
	enum { N = 60, D = 3, K = 2 };
	double X[D * N], y[N], row[N * D];
	uint64_t s = 99;
	for (int i = 0; i < D * N; i++)
		X[i] = unif(&s);
	for (int i = 0; i < N; i++)
		y[i] = X[i] + X[N + i] > 1 ? 1 : 0;
	for (int i = 0; i < N; i++)
		for (int f = 0; f < D; f++)
			row[i * D + f] = X[f * N + i];
	ml_tree_params p = { ML_TREE_ENTROPY, 0, -1, 2, 1, D, 0 };
	ml_tree t = { 0 };
	ml_error e;
	CHECK(ml_tree_fit(&t, &p, X, N, D, y, K, NULL, 1, &e) == ML_OK, "fit: %s", e.msg);
	int64_t leaf[N];
	ml_tree_apply(t.feature, t.threshold, t.left, t.right, row, N, D, leaf);
	int pure = 1;
	for (int i = 0; i < N; i++) {
		const double *v = t.value + leaf[i] * K;
		if (t.feature[leaf[i]] != -1 || v[(int)y[i]] != t.weighted_n[leaf[i]])
			pure = 0;
	}
	CHECK(pure, "every training sample lands in a pure leaf of its class");
	int64_t leaves = 0, total = 0;
	for (int64_t j = 0; j < t.n_nodes; j++)
		if (t.feature[j] < 0) {
			leaves++;
			total += t.n_samples[j];
		} else {
			CHECK(t.n_samples[t.left[j]] + t.n_samples[t.right[j]] == t.n_samples[j], "node %lld", (long long)j);
		}
	CHECK(total == N && leaves * 2 - 1 == t.n_nodes, "leaves hold every sample once");
	double sum = 0;
	for (int f = 0; f < D; f++)
		sum += t.importance[f];
	CHECK_NEAR(sum, t.impurity[0] * N, 1e-9); /* a pure fully grown tree removes all impurity */
	ml_tree_free(&t);
}

static void test_forest_threads(void)
{
	enum { N = 300, D = 5, T = 6 };
	double *X = malloc(sizeof(double) * D * N), y[N];
	uint64_t s = 5, seeds[T];
	for (int i = 0; i < D * N; i++)
		X[i] = unif(&s);
	for (int i = 0; i < N; i++)
		y[i] = X[i] * X[N + i] + 0.1 * unif(&s);
	for (int i = 0; i < T; i++)
		seeds[i] = 1000 + (uint64_t)i;
	ml_tree_params p = { ML_TREE_SQUARED_ERROR, 0, -1, 2, 1, 2, 0 };
	ml_tree a[T], b[T];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	int32_t *ca = malloc(sizeof(int32_t) * T * N), *cb = malloc(sizeof(int32_t) * T * N);
	ml_error e;
	CHECK(ml_tree_fit_forest(a, T, &p, X, N, D, y, 1, NULL, seeds, ML_TREE_BOOTSTRAP, N, ca, 1, &e) == ML_OK,
	      "%s", e.msg);
	CHECK(ml_tree_fit_forest(b, T, &p, X, N, D, y, 1, NULL, seeds, ML_TREE_BOOTSTRAP, N, cb, 2, &e) == ML_OK,
	      "%s", e.msg);
	int same = memcmp(ca, cb, sizeof(int32_t) * T * N) == 0;
	for (int i = 0; i < T; i++) {
		same = same && a[i].n_nodes == b[i].n_nodes &&
		       memcmp(a[i].threshold, b[i].threshold, sizeof(double) * (size_t)a[i].n_nodes) == 0;
		int64_t drawn = 0, distinct = 0;
		for (int j = 0; j < N; j++) {
			drawn += ca[i * N + j];
			distinct += ca[i * N + j] > 0;
		}
		CHECK(drawn == N && a[i].n_samples[0] == distinct, "bootstrap draws N samples");
	}
	CHECK(same, "1 and 2 threads grow the same forest");
	CHECK(a[0].n_nodes != a[1].n_nodes || memcmp(a[0].threshold, a[1].threshold, 8 * (size_t)a[0].n_nodes),
	      "different seeds, different trees");
	for (int i = 0; i < T; i++) {
		ml_tree_free(&a[i]);
		ml_tree_free(&b[i]);
	}
	/* subsampling without replacement: max_samples distinct samples */
	p.criterion = ML_TREE_ISOLATION;
	p.random_split = 1;
	p.max_features = 1;
	p.max_depth = 8;
	CHECK(ml_tree_fit_forest(a, T, &p, X, N, D, y, 1, NULL, seeds, ML_TREE_SUBSAMPLE, 64, ca, 0, &e) == ML_OK,
	      "%s", e.msg);
	for (int i = 0; i < T; i++) {
		int64_t distinct = 0;
		for (int j = 0; j < N; j++)
			distinct += ca[i * N + j];
		CHECK(distinct == 64 && a[i].n_samples[0] == 64, "subsample of 64");
		int64_t maxd = 0;
		for (int64_t j = 0; j < a[i].n_nodes; j++)
			maxd = a[i].depth[j] > maxd ? a[i].depth[j] : maxd;
		CHECK(maxd <= 8 && maxd >= 6, "isolation tree depth %lld", (long long)maxd);
		ml_tree_free(&a[i]);
	}
	free(X);
	free(ca);
	free(cb);
}

static void test_errors(void)
{
	double X[4] = { 1, 2, 3, 4 }, y[4] = { 0, 1, 0, 1 }, w[4] = { 0, 0, 0, 0 };
	ml_tree t = { 0 };
	ml_error e;
	ml_tree_params p = { ML_TREE_GINI, 0, -1, 2, 1, 2, 0 };
	CHECK(ml_tree_fit(&t, &p, X, 4, 1, y, 2, NULL, 1, &e) == ML_EINVAL && strstr(e.msg, "max_features must be in 1..1"),
	      "%s", e.msg);
	p.max_features = 1;
	CHECK(ml_tree_fit(&t, &p, X, 4, 1, y, 2, w, 1, &e) == ML_EINVAL && strstr(e.msg, "no sample has a positive weight"),
	      "%s", e.msg);
	CHECK(ml_tree_fit(&t, &p, X, 4, 1, y, 1, NULL, 1, &e) == ML_EINVAL && strstr(e.msg, "class code 1"), "%s", e.msg);
	p.min_samples_split = 1;
	CHECK(ml_tree_fit(&t, &p, X, 4, 1, y, 2, NULL, 1, &e) == ML_EINVAL && strstr(e.msg, "min_samples_split"),
	      "%s", e.msg);
	CHECK(t.n_nodes == 0 && t.feature == NULL, "nothing allocated on error");
}

int main(void)
{
	for (int c = 0; c < 3; c++) {
		test_root_split(c, 0);
		test_root_split(c, 1);
	}
	test_full_tree();
	test_forest_threads();
	test_errors();
	return check_done();
}
