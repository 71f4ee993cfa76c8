/*
 * test_stats.c - kernels/stats.c and kernels/special.c against naive
 * references: ranks and Kendall counts by O(n^2) loops, the exact two-sample
 * KS distribution by enumerating every split of m + n positions, Smirnov's
 * one-sided law by simulation-free closed forms at n = 1, 2, and special
 * functions against closed forms.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "special.h"
#include "stats.h"

static unsigned rnd_state = 12345;
static double rnd_int(int k) /* 0 .. k-1, deterministic */
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (double)((rnd_state >> 16) % (unsigned)k);
}

static void test_rank(void)
{
	for (int n = 1; n <= 37; n += 6) {
		double x[40], r[5][40], ts = 0;
		int64_t work[2 * 40 * 2];
		for (int i = 0; i < n; i++)
			x[i] = rnd_int(7) - 3;
		for (int m = 0; m < 5; m++)
			ml_stats_rank(n, x, m, r[m], m == 0 ? &ts : NULL, (struct vpair *)work);
		double tsum = 0;
		for (int i = 0; i < n; i++) {
			int less = 0, eq = 0, eq_before = 0;
			for (int j = 0; j < n; j++) {
				less += x[j] < x[i];
				eq += x[j] == x[i];
				eq_before += x[j] == x[i] && j < i;
			}
			/* dense: number of distinct values below, plus one */
			int dense = 1;
			for (int j = 0; j < n; j++) {
				int first = 1;
				for (int k = 0; k < j; k++)
					if (x[k] == x[j])
						first = 0;
				dense += first && x[j] < x[i];
			}
			CHECK_NEAR(r[ML_RANK_AVERAGE][i], less + (eq + 1) / 2.0, 0);
			CHECK_NEAR(r[ML_RANK_MIN][i], less + 1, 0);
			CHECK_NEAR(r[ML_RANK_MAX][i], less + eq, 0);
			CHECK_NEAR(r[ML_RANK_DENSE][i], dense, 0);
			CHECK_NEAR(r[ML_RANK_ORDINAL][i], less + eq_before + 1, 0);
			tsum += (eq * eq - 1.0); /* each of the t members adds t^2 - 1: sum t^3 - t */
		}
		CHECK_NEAR(ts, tsum, 0);
	}
}

static void test_kendall(void)
{
	for (int n = 2; n <= 41; n += 13) {
		double x[45], y[45];
		int64_t work[4 * 45 * 2];
		for (int i = 0; i < n; i++) {
			x[i] = rnd_int(5);
			y[i] = rnd_int(6);
		}
		ml_kendall c;
		ml_stats_kendall(n, x, y, &c, (struct vpair *)work);
		double dis = 0, xt = 0, yt = 0, both = 0;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++) {
				double s = (x[i] - x[j]) * (y[i] - y[j]);
				dis += s < 0;
				xt += x[i] == x[j];
				yt += y[i] == y[j];
				both += x[i] == x[j] && y[i] == y[j];
			}
		CHECK_NEAR(c.tot, n * (n - 1) / 2.0, 0);
		CHECK_NEAR(c.dis, dis, 0);
		CHECK_NEAR(c.xtie, xt, 0);
		CHECK_NEAR(c.ytie, yt, 0);
		CHECK_NEAR(c.ntie, both, 0);
	}
}

/* P(D >= h/lcm) by enumerating all C(m+n, m) arrangements (bit masks) */
static double ks2_brute(int m, int n, int h, int one_sided)
{
	int N = m + n, lcm = m * n;
	for (int a = m, b = n; b;) {
		int t = a % b;
		a = b;
		b = t;
		lcm = m * n / a;
	}
	double hits = 0, all = 0;
	for (unsigned mask = 0; mask < (1u << N); mask++) {
		if (__builtin_popcount(mask) != m)
			continue;
		all++;
		int i = 0, j = 0, best = 0;
		for (int k = 0; k < N; k++) {
			if (mask >> k & 1)
				i++;
			else
				j++;
			int diff = i * (lcm / m) - j * (lcm / n);
			int v = one_sided ? diff : abs(diff);
			if (v > best)
				best = v;
		}
		hits += best >= h;
	}
	return hits / all;
}

static void test_ks2(void)
{
	double work[32];
	int sizes[][2] = { { 3, 3 }, { 4, 6 }, { 5, 3 }, { 6, 6 }, { 7, 4 } };
	for (int s = 0; s < 5; s++) {
		int m = sizes[s][0], n = sizes[s][1];
		int g = m, b = n;
		while (b) {
			int t = g % b;
			g = b;
			b = t;
		}
		int lcm = m / g * n;
		for (int h = 1; h <= lcm; h++) {
			CHECK_NEAR(ml_stats_ks2_exact(m, n, h, 0, work), ks2_brute(m, n, h, 0), 1e-12);
			CHECK_NEAR(ml_stats_ks2_exact(m, n, h, 1, work), ks2_brute(m, n, h, 1), 1e-12);
		}
	}
}

static void test_ks1(void)
{
	/* n = 1: P(D+ >= d) = 1 - d; n = 2: 1 - d - ... closed forms via the sum */
	CHECK_NEAR(ml_stats_smirnov(1, 0.3), 0.7, 1e-15);
	/* n = 2: P(D+ >= d) = (1-d)^2 + d (1 - d... ) for d >= 1/2: (1 - d)^2 */
	CHECK_NEAR(ml_stats_smirnov(2, 0.7), 0.09, 1e-14);
	/* two-sided, n = 1: D = max(u, 1 - u) >= d  <=>  P = 2 (1 - d) for d >= 1/2 */
	CHECK_NEAR(ml_stats_kolmogn_sf(1, 0.8), 0.4, 1e-14);
	/* Kolmogorov's limit at its median, 0.8275735551899077 */
	CHECK_NEAR(ml_stats_kolmogorov_sf(0.8275735551899077), 0.5, 1e-12);
	CHECK_NEAR(ml_stats_kolmogorov_sf(0), 1, 0);
	/* DMTW agrees with the two-sided sum near the Miller boundary (n = 100) */
	double a = ml_stats_kolmogn_sf(100, 0.2), b = 2 * ml_stats_smirnov(100, 0.2);
	CHECK(fabs(a - b) < 1e-6 && a <= b, "kolmogn %g vs 2 smirnov %g", a, b);
}

static void test_moments(void)
{
	/* data near 1e9 differing in the 6th decimal: the central sums match those
	 * of the same data shifted to 0 (the shift is exact) */
	double big[101], small[101], a[5], b[5];
	for (int i = 0; i < 101; i++) {
		big[i] = 1e9 + (rnd_int(2000001) - 1e6) * 1e-6;
		small[i] = big[i] - 1e9;
	}
	ml_stats_moments(101, big, 1, a);
	ml_stats_moments(101, small, 1, b);
	CHECK_NEAR(a[0] + a[1] - 1e9, b[0] + b[1], 1e-7);
	for (int k = 2; k < 5; k++)
		CHECK_NEAR(a[k], b[k], 1e-9);
	/* against a naive two-pass loop on the small data, and with a stride */
	double m = 0, s2 = 0;
	for (int i = 0; i < 101; i++)
		m += small[i] / 101;
	for (int i = 0; i < 101; i++)
		s2 += (small[i] - m) * (small[i] - m);
	CHECK_NEAR(b[2], s2, 1e-12);
	double c[5];
	ml_stats_moments(51, small, 2, c);
	double m2 = 0;
	for (int i = 0; i < 101; i += 2)
		m2 += small[i] / 51;
	CHECK_NEAR(c[0] + c[1], m2, 1e-14);
}

static void test_special(void)
{
	for (double x = 0.25; x < 30; x *= 2) {
		CHECK_NEAR(ml_special_gammaincc(1, x), exp(-x), 1e-14);
		CHECK_NEAR(ml_special_gammainc(0.5, x), erf(sqrt(x)), 1e-14);
		CHECK_NEAR(ml_special_gammaincc(0.5, x), erfc(sqrt(x)), 1e-13);
		CHECK_NEAR(ml_special_gammaincinv(3, ml_special_gammainc(3, x)), x, 1e-12);
	}
	for (double x = 0.05; x < 1; x += 0.1) {
		CHECK_NEAR(ml_special_betainc(2, 1, x), x * x, 1e-15);
		CHECK_NEAR(ml_special_betainc(0.5, 0.5, x), 2 / M_PI * asin(sqrt(x)), 1e-14);
		CHECK_NEAR(ml_special_betaincinv(2.5, 4, ml_special_betainc(2.5, 4, x)), x, 1e-13);
	}
	/* small shapes: Q(a, x) near 0 computed without 1 - P (mpmath, 30 digits) */
	CHECK_NEAR(ml_special_gammaincc(1e-5, 0.5), 5.5977652854226602e-6, 1e-14);
	CHECK_NEAR(ml_special_gammaincc(0.01, 1), 0.0022162346232279903, 1e-14);
	CHECK_NEAR(ml_special_gammaincc(1e-3, 1e-4), 0.0085968803325566431, 1e-14);
	CHECK_NEAR(ml_special_gammaincc(0.19, 0.7), 0.080127353331132337, 1e-14);
	CHECK_NEAR(ml_special_ndtri(0.975), 1.959963984540054, 1e-15);
	CHECK_NEAR(ml_special_ndtri(1e-300), -37.047096299361199, 1e-14); /* mpmath */
	CHECK_NEAR(ml_special_dbinom(3, 10, 0.3, 0.7, 0), 0.266827932, 1e-14);
	CHECK_NEAR(ml_special_dpois(0, 2, 0), exp(-2), 1e-15);
	CHECK_NEAR(ml_special_lbeta(3, 4), log(1.0 / 60), 1e-14);
	CHECK(isnan(ml_special_gammainc(-1, 1)), "domain error gives NaN");
	const ml_special_op *op = ml_special_find("t_cdf");
	double args[2] = { 0, 7 };
	CHECK(op && op->nargs == 2 && ml_special_eval(op, args) == 0.5, "t_cdf(0) = 1/2");
	CHECK(ml_special_find("nope") == NULL, "unknown op");
}

int main(void)
{
	test_rank();
	test_kendall();
	test_ks2();
	test_moments();
	test_ks1();
	test_special();
	return check_done();
}
