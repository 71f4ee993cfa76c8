/*
 * test_metrics.c - kernels/metrics.c (positive/negative counts at every
 * distinct score) against its comparison-sort reference and closed forms:
 * odd sizes, heavy ties, negative scores, -0.0 and +0.0, infinities, all
 * positives, all negatives, one element and none.
 */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "metrics.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* fast vs reference on one input */
static void compare(const double *s, const double *t, int64_t n, const char *what)
{
	double *a = malloc(6 * (size_t)(n > 0 ? n : 1) * sizeof *a);
	double *fa = a, *ta = a + n, *ha = a + 2 * n, *fb = a + 3 * n, *tb = a + 4 * n, *hb = a + 5 * n;
	int64_t ma = -1, mb = -1;
	ml_error e;
	CHECK(ml_metrics_clf_curve(s, t, n, fa, ta, ha, &ma, &e) == ML_OK, "%s: fast failed", what);
	CHECK(ml_metrics_clf_curve_ref(s, t, n, fb, tb, hb, &mb, &e) == ML_OK, "%s: ref failed", what);
	CHECK(ma == mb, "%s: %lld vs %lld thresholds", what, (long long)ma, (long long)mb);
	int same = 1;
	for (int64_t k = 0; k < ma && k < mb; k++)
		if (fa[k] != fb[k] || ta[k] != tb[k] || ha[k] != hb[k])
			same = 0;
	CHECK(same, "%s: counts or thresholds differ", what);
	free(a);
}

int main(void)
{
	/* closed form: scores 0.9 (pos), 0.8 (neg), 0.8 (pos), 0.1 (neg) */
	{
		double s[] = {0.8, 0.9, 0.1, 0.8}, t[] = {0, 1, 0, 1};
		double f[4], p[4], h[4];
		int64_t m;
		ml_error e;
		CHECK(ml_metrics_clf_curve(s, t, 4, f, p, h, &m, &e) == ML_OK, "small");
		CHECK(m == 3, "3 distinct scores, got %lld", (long long)m);
		CHECK(h[0] == 0.9 && h[1] == 0.8 && h[2] == 0.1, "thresholds descending");
		CHECK(f[0] == 0 && p[0] == 1, "at 0.9");
		CHECK(f[1] == 1 && p[1] == 2, "at 0.8");
		CHECK(f[2] == 2 && p[2] == 2, "at 0.1");
	}
	/* -0.0 and +0.0 are one threshold; infinities sort at the ends */
	{
		double s[] = {-0.0, 0.0, INFINITY, -INFINITY, -1.5}, t[] = {1, 0, 0, 1, 1};
		double f[5], p[5], h[5];
		int64_t m;
		ml_error e;
		ml_metrics_clf_curve(s, t, 5, f, p, h, &m, &e);
		CHECK(m == 4, "signed zeros merge: %lld", (long long)m);
		CHECK(h[0] == INFINITY && h[3] == -INFINITY, "infinities at the ends");
		CHECK(f[1] == 2 && p[1] == 1, "both zeros counted together");
		compare(s, t, 5, "zeros and infinities");
	}
	/* empty input, one element, negative length */
	{
		double f[1], p[1], h[1], s[] = {3}, t[] = {1};
		int64_t m = 7;
		ml_error e;
		CHECK(ml_metrics_clf_curve(s, t, 0, f, p, h, &m, &e) == ML_OK && m == 0, "empty");
		CHECK(ml_metrics_clf_curve(s, t, 1, f, p, h, &m, &e) == ML_OK && m == 1 && p[0] == 1 && f[0] == 0, "one");
		CHECK(ml_metrics_clf_curve(s, t, -1, f, p, h, &m, &e) == ML_EINVAL, "negative n");
	}
	/* random sizes, tie levels, class balances */
	static const int64_t sizes[] = {2, 3, 17, 255, 256, 257, 1000, 4099, 100003};
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		int64_t n = sizes[si];
		double *s = malloc((size_t)n * sizeof *s), *t = malloc((size_t)n * sizeof *t);
		for (int mode = 0; mode < 5; mode++) {
			for (int64_t i = 0; i < n; i++) {
				double u = (double)(rnd() >> 11) / 9007199254740992.0;
				s[i] = mode == 0 ? u * 2 - 1 : mode == 1 ? floor(u * 7) - 3 : mode == 2 ? u * 1e300 : u;
				t[i] = mode == 3 ? 1 : mode == 4 ? 0 : (double)(rnd() & 1);
			}
			char what[64];
			snprintf(what, sizeof what, "n=%lld mode=%d", (long long)n, mode);
			compare(s, t, n, what);
		}
		free(s);
		free(t);
	}
	return check_done();
}
