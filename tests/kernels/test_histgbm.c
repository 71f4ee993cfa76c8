/*
 * test_histgbm.c - kernels/histgbm.c against naive references: bin
 * thresholds (midpoints, "midpoint" percentiles), binning with missing
 * values, the root split of a stump against a brute-force search over every
 * feature, bin and missing-value direction, leaf values, thread-count
 * independence, gradients and losses in closed form, parameter errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "histgbm.h"

static double unif(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) * 0x1.0p-53;
}

static void test_bins(void)
{
	double x[100], thr[255];
	int64_t k;
	int nan;
	ml_error e;
	for (int i = 0; i < 10; i++)
		x[i] = 9 - i;
	CHECK(ml_hgb_bin_thresholds(x, 10, 255, thr, &k, &nan, &e) == ML_OK, "%s", e.msg);
	CHECK(k == 9 && nan == 0, "9 midpoints (got %lld)", (long long)k);
	for (int i = 0; i < 9; i++)
		CHECK_NEAR(thr[i], i + 0.5, 0);
	for (int i = 0; i < 100; i++)
		x[i] = (i * 37) % 100; /* 0..99 shuffled */
	x[5] = NAN;                /* value 85 is missing */
	CHECK(ml_hgb_bin_thresholds(x, 100, 4, thr, &k, &nan, &e) == ML_OK, "%s", e.msg);
	/* 99 values: positions j/4*98 = 24.5, 49, 73.5 of 0..99 without 85 */
	CHECK(k == 3 && nan == 1, "3 percentiles (got %lld)", (long long)k);
	CHECK_NEAR(thr[0], 24.5, 0);
	CHECK_NEAR(thr[1], 49, 0);
	CHECK_NEAR(thr[2], 73.5, 0);
	uint8_t b[6];
	double v[6] = { -1, 24.5, 24.6, 49, 1000, NAN };
	ml_hgb_map(v, 6, thr, 3, b);
	CHECK(b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 1 && b[4] == 3 && b[5] == 255,
	      "bins %d %d %d %d %d %d", b[0], b[1], b[2], b[3], b[4], b[5]);
	CHECK(ml_hgb_bin_thresholds(x, 100, 256, thr, &k, &nan, &e) == ML_EINVAL && strstr(e.msg, "max_bins"), "%s",
	      e.msg);
}

enum { N = 500, D = 4 };

typedef struct data {
	double X[N * D]; /* row-major */
	uint8_t bins[D * N];
	double thr[D * ML_HGB_MAX_BINS];
	int64_t nthr[D];
	uint8_t hm[D];
	double g[N], h[N];
} data;

static void make_data(data *dt)
{
	uint64_t s = 77;
	for (int i = 0; i < N; i++)
		for (int f = 0; f < D; f++) {
			double v = floor(unif(&s) * 20);
			if (f == 1 && unif(&s) < 0.2)
				v = NAN;
			dt->X[i * D + f] = v;
		}
	for (int i = 0; i < N; i++) {
		double t = dt->X[i * D] + (isnan(dt->X[i * D + 1]) ? 15 : 0);
		dt->g[i] = (t > 12 ? -1.0 : 0.7) + 0.3 * unif(&s);
		dt->h[i] = 0.2 + unif(&s);
	}
	ml_error e;
	CHECK(ml_hgb_bin(dt->X, N, D, 255, dt->thr, dt->nthr, dt->hm, dt->bins, &e) == ML_OK, "%s", e.msg);
}

static void test_stump(void)
{
	data *dt = malloc(sizeof *dt);
	make_data(dt);
	CHECK(dt->hm[1] == 1 && dt->hm[0] == 0 && dt->nthr[0] == 19, "binning: nthr %lld", (long long)dt->nthr[0]);
	double l2 = 0.5, lr = 0.3;
	int64_t msl = 30;
	/* brute force over feature, bin, missing direction */
	double G = 0, H = 0;
	for (int i = 0; i < N; i++) {
		G += dt->g[i];
		H += dt->h[i];
	}
	double best = 0;
	int bf = -1, bb = -1, bm = 0;
	for (int f = 0; f < D; f++)
		for (int b = 0; b <= dt->nthr[f]; b++)
			for (int ml = 0; ml <= dt->hm[f]; ml++) {
				double gl = 0, hl = 0;
				int64_t cl = 0;
				for (int i = 0; i < N; i++) {
					uint8_t v = dt->bins[f * N + i];
					if (v == 255 ? ml : v <= b) {
						gl += dt->g[i];
						hl += dt->h[i];
						cl++;
					}
				}
				if (cl < msl || N - cl < msl)
					continue;
				double gain = gl * gl / (hl + l2) + (G - gl) * (G - gl) / (H - hl + l2) - G * G / (H + l2);
				if (gain > best + 1e-9) {
					best = gain;
					bf = f;
					bb = b;
					bm = ml;
				}
			}
	ml_hgb_params p = { 2, -1, msl, l2, 1e-3, lr, 1 };
	ml_hgb_tree t = { 0 };
	double raw[N] = { 0 };
	ml_error e;
	CHECK(ml_hgb_grow(&t, &p, dt->bins, N, D, dt->nthr, dt->thr, dt->hm, dt->g, dt->h, raw, &e) == ML_OK, "%s",
	      e.msg);
	CHECK(t.n_nodes == 3, "a stump (got %lld nodes)", (long long)t.n_nodes);
	CHECK(t.feature[0] == bf && t.bin[0] == bb && t.missing_left[0] == bm,
	      "root split (%lld, %lld, %d), brute force (%d, %d, %d)", (long long)t.feature[0], (long long)t.bin[0],
	      t.missing_left[0], bf, bb, bm);
	CHECK_NEAR(t.gain[0], best, 1e-9);
	/* leaf values and the raw update */
	double gl = 0, hl = 0;
	for (int i = 0; i < N; i++) {
		double x = dt->X[i * D + bf];
		int left = isnan(x) ? bm : x <= t.threshold[0];
		if (left) {
			gl += dt->g[i];
			hl += dt->h[i];
		}
	}
	CHECK_NEAR(t.value[1], -lr * gl / (hl + l2), 1e-12);
	CHECK_NEAR(t.value[2], -lr * (G - gl) / (H - hl + l2), 1e-12);
	double out[N] = { 0 };
	ml_hgb_predict(t.feature, t.threshold, t.missing_left, t.left, t.right, t.value, dt->X, N, D, out);
	int same = 1;
	for (int i = 0; i < N; i++)
		same = same && out[i] == raw[i];
	CHECK(same, "prediction with real thresholds = training update with bins");
	ml_hgb_tree_free(&t);

	/* bigger trees: thread count does not change them; max_leaf_nodes and max_depth hold */
	ml_hgb_params q = { 9, -1, 5, 0, 1e-3, 0.1, 1 };
	ml_hgb_tree a = { 0 }, c = { 0 };
	double ra[N] = { 0 }, rc[N] = { 0 };
	ml_hgb_grow(&a, &q, dt->bins, N, D, dt->nthr, dt->thr, dt->hm, dt->g, dt->h, ra, &e);
	q.nthreads = 2;
	ml_hgb_grow(&c, &q, dt->bins, N, D, dt->nthr, dt->thr, dt->hm, dt->g, dt->h, rc, &e);
	CHECK(a.n_nodes == 17 && c.n_nodes == 17, "9 leaves (%lld nodes)", (long long)a.n_nodes);
	CHECK(memcmp(a.value, c.value, sizeof(double) * 17) == 0 && memcmp(ra, rc, sizeof ra) == 0, "threads");
	int64_t total = 0;
	for (int64_t j = 0; j < a.n_nodes; j++)
		if (a.feature[j] < 0)
			total += a.count[j];
	CHECK(total == N, "leaves hold every sample");
	ml_hgb_tree_free(&a);
	ml_hgb_tree_free(&c);
	q.max_leaf_nodes = -1;
	q.max_depth = 2;
	ml_hgb_grow(&a, &q, dt->bins, N, D, dt->nthr, dt->thr, dt->hm, dt->g, dt->h, ra, &e);
	CHECK(a.n_nodes <= 7, "depth 2: at most 7 nodes (%lld)", (long long)a.n_nodes);
	ml_hgb_tree_free(&a);
	q.min_samples_leaf = 0;
	CHECK(ml_hgb_grow(&a, &q, dt->bins, N, D, dt->nthr, dt->thr, dt->hm, dt->g, dt->h, ra, &e) == ML_EINVAL &&
	      strstr(e.msg, "min_samples_leaf"), "%s", e.msg);
	free(dt);
}

static void test_losses(void)
{
	double y[3] = { 0, 1, 2 }, raw[9] = { 0.5, -1, 2, 0, 0, 0, -0.5, 1, 3 }, g[9], h[9];
	ml_hgb_gradients(ML_HGB_SOFTMAX, 3, 3, y, raw, g, h);
	double loss = 0;
	for (int i = 0; i < 3; i++) {
		double s = 0;
		for (int c = 0; c < 3; c++)
			s += exp(raw[c * 3 + i]);
		for (int c = 0; c < 3; c++) {
			double p = exp(raw[c * 3 + i]) / s;
			CHECK_NEAR(g[c * 3 + i], p - (y[i] == c), 1e-15);
			CHECK_NEAR(h[c * 3 + i], p * (1 - p), 1e-15);
		}
		loss += log(s) - raw[(int)y[i] * 3 + i];
	}
	CHECK_NEAR(ml_hgb_loss_value(ML_HGB_SOFTMAX, 3, 3, y, raw), loss / 3, 1e-14);
	double yb[2] = { 0, 1 }, rb[2] = { 800, -2 };
	ml_hgb_gradients(ML_HGB_LOG_LOSS, 2, 1, yb, rb, g, h);
	CHECK_NEAR(g[0], 1, 1e-15);
	CHECK_NEAR(g[1], 1 / (1 + exp(2)) - 1, 1e-15);
	CHECK_NEAR(ml_hgb_loss_value(ML_HGB_LOG_LOSS, 2, 1, yb, rb), (800 + log1p(exp(-2)) + 2) / 2, 1e-12);
	ml_hgb_gradients(ML_HGB_SQUARED_ERROR, 2, 1, yb, rb, g, h);
	CHECK(g[0] == 800 && g[1] == -3 && h[0] == 1, "squared error gradients");
}

/* Leaves large enough for the parallel histogram and partition paths: 1 and
 * 2 threads must grow the same tree and the same raw predictions. */
static void test_large_threads(void)
{
	enum { BN = 30000, BD = 3 };
	double *X = malloc(sizeof(double) * BN * BD), *g = malloc(sizeof(double) * BN), *h = malloc(sizeof(double) * BN);
	double *r1 = calloc(BN, sizeof(double)), *r2 = calloc(BN, sizeof(double));
	uint8_t *bins = malloc(BN * BD), hm[BD];
	double thr[BD * ML_HGB_MAX_BINS];
	int64_t nthr[BD];
	uint64_t s = 3;
	for (int i = 0; i < BN * BD; i++)
		X[i] = unif(&s) < 0.05 ? NAN : unif(&s);
	for (int i = 0; i < BN; i++) {
		g[i] = (X[i * BD] > 0.5 ? 1 : -1) + unif(&s) - 0.5;
		h[i] = 1;
	}
	ml_error e;
	CHECK(ml_hgb_bin(X, BN, BD, 255, thr, nthr, hm, bins, &e) == ML_OK, "%s", e.msg);
	CHECK(nthr[0] == 254 && hm[0] == 1, "254 quantile thresholds (got %lld)", (long long)nthr[0]);
	ml_hgb_params p = { 31, -1, 20, 0, 1e-3, 0.1, 1 };
	ml_hgb_tree a = { 0 }, b = { 0 };
	CHECK(ml_hgb_grow(&a, &p, bins, BN, BD, nthr, thr, hm, g, h, r1, &e) == ML_OK, "%s", e.msg);
	p.nthreads = 2;
	CHECK(ml_hgb_grow(&b, &p, bins, BN, BD, nthr, thr, hm, g, h, r2, &e) == ML_OK, "%s", e.msg);
	CHECK(a.n_nodes == 61 && b.n_nodes == 61, "31 leaves (%lld nodes)", (long long)a.n_nodes);
	CHECK(memcmp(a.value, b.value, sizeof(double) * (size_t)a.n_nodes) == 0 &&
	      memcmp(a.bin, b.bin, sizeof(int64_t) * (size_t)a.n_nodes) == 0 && memcmp(r1, r2, sizeof(double) * BN) == 0,
	      "1 and 2 threads grow the same tree");
	double *out = calloc(BN, sizeof(double));
	ml_hgb_predict(a.feature, a.threshold, a.missing_left, a.left, a.right, a.value, X, BN, BD, out);
	CHECK(memcmp(out, r1, sizeof(double) * BN) == 0, "prediction = training update");
	ml_hgb_tree_free(&a);
	ml_hgb_tree_free(&b);
	free(X);
	free(g);
	free(h);
	free(r1);
	free(r2);
	free(bins);
	free(out);
}

int main(void)
{
	test_large_threads();
	test_bins();
	test_stump();
	test_losses();
	return check_done();
}
