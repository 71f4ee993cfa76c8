/*
 * test_random.c - tests of kernels/random.c.
 *
 * References: the published MT19937 outputs for init_genrand(5489) (the first
 * five, and the 10000th, which C++ requires of std::mt19937), a separately
 * written textbook MT19937 below (modulo indexing, no block twist), Torch7's
 * documented values, closed-form moments and CDFs.  Statistical checks use
 * fixed seeds and tolerances computed from the distribution (5 standard
 * errors for moments, the 0.1% critical values for chi-square and KS), so
 * they are deterministic and would catch a wrong formula or parameter.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "random.h"
#include "tensor.h"

/* ---- textbook MT19937, written independently of random.c ---- */

typedef struct naive_mt {
	uint32_t mt[624];
	int idx;
} naive_mt;

static void naive_seed(naive_mt *m, uint32_t s)
{
	m->mt[0] = s;
	for (int i = 1; i < 624; i++)
		m->mt[i] = (uint32_t)(1812433253ull * (m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) + (uint32_t)i);
	m->idx = 624;
}

static uint32_t naive_next(naive_mt *m)
{
	if (m->idx >= 624) {
		for (int i = 0; i < 624; i++) {
			uint32_t y = (m->mt[i] & 0x80000000u) | (m->mt[(i + 1) % 624] & 0x7fffffffu);
			uint32_t v = m->mt[(i + 397) % 624] ^ (y >> 1);
			if (y & 1)
				v ^= 0x9908b0dfu;
			m->mt[i] = v;
		}
		m->idx = 0;
	}
	uint32_t y = m->mt[m->idx++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

static double naive_u01(naive_mt *m)
{
	return naive_next(m) / 4294967296.0;
}

/* ---- helpers ---- */

static ml_tensor make(ml_dtype dt, int ndim, int64_t s0, int64_t s1)
{
	ml_tensor t;
	ml_error e;
	int64_t size[2] = {s0, s1};
	if (ml_tensor_init_sized(&t, dt, ndim, size, &e) != ML_OK) {
		fprintf(stderr, "%s\n", e.msg);
		exit(2);
	}
	return t;
}

static double *f64(const ml_tensor *t)
{
	return ml_tensor_data(t);
}

static ml_random_dist dist(ml_random_kind k, double a, double b)
{
	ml_random_dist d = {k, a, b, 0, 0, NULL};
	return d;
}

static void moments(const double *x, int64_t n, double *mean, double *var)
{
	double s = 0, ss = 0;
	for (int64_t i = 0; i < n; i++)
		s += x[i];
	double m = s / (double)n;
	for (int64_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	*mean = m;
	*var = ss / (double)(n - 1);
}

/* Checks sample mean and variance against (mu, sigma2) with 5 standard
 * errors; mu4 is the central fourth moment (0: skip the variance check). */
static void check_moments(const char *name, const double *x, int64_t n, double mu, double sigma2,
                          double mu4)
{
	double m, v;
	moments(x, n, &m, &v);
	double tol_m = 5 * sqrt(sigma2 / (double)n);
	CHECK(fabs(m - mu) <= tol_m, "%s: mean %.6g, expected %.6g +- %.3g", name, m, mu, tol_m);
	if (mu4 > 0) {
		double tol_v = 5 * sqrt((mu4 - sigma2 * sigma2) / (double)n);
		CHECK(fabs(v - sigma2) <= tol_v, "%s: variance %.6g, expected %.6g +- %.3g", name, v, sigma2,
		      tol_v);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov: max |F_n - F| against the 0.1% critical value 1.95/sqrt(n). */
static void check_ks(const char *name, double *x, int64_t n, double (*cdf)(double, const double *),
                     const double *par)
{
	qsort(x, (size_t)n, sizeof(double), cmp_double);
	double dmax = 0;
	for (int64_t i = 0; i < n; i++) {
		double f = cdf(x[i], par);
		double d1 = fabs((double)(i + 1) / (double)n - f), d2 = fabs(f - (double)i / (double)n);
		if (d1 > dmax)
			dmax = d1;
		if (d2 > dmax)
			dmax = d2;
	}
	double crit = 1.95 / sqrt((double)n);
	CHECK(dmax < crit, "%s: KS distance %.5f above %.5f", name, dmax, crit);
}

static double cdf_uniform(double x, const double *p) { return x <= p[0] ? 0 : x >= p[1] ? 1 : (x - p[0]) / (p[1] - p[0]); }
static double cdf_normal(double x, const double *p) { return 0.5 * erfc(-(x - p[0]) / (p[1] * sqrt(2.0))); }
static double cdf_exponential(double x, const double *p) { return x <= 0 ? 0 : 1 - exp(-p[0] * x); }
static double cdf_cauchy(double x, const double *p) { return 0.5 + atan((x - p[0]) / p[1]) / M_PI; }

/* Upper 0.1% point of chi-square with df degrees of freedom (Wilson-Hilferty). */
static double chi2_crit(int df)
{
	double z = 3.0902, h = 2.0 / (9.0 * df);
	double c = 1 - h + z * sqrt(h);
	return df * c * c * c;
}

static void check_chi2(const char *name, const int64_t *obs, const double *expect, int k)
{
	double x2 = 0;
	int df = -1;
	for (int i = 0; i < k; i++) {
		if (expect[i] <= 0) {
			CHECK(obs[i] == 0, "%s: category %d has probability 0 but %lld draws", name, i + 1,
			      (long long)obs[i]);
			continue;
		}
		x2 += (obs[i] - expect[i]) * (obs[i] - expect[i]) / expect[i];
		df++;
	}
	CHECK(x2 < chi2_crit(df), "%s: chi-square %.2f above %.2f (df %d)", name, x2, chi2_crit(df), df);
}

/* ---- tests ---- */

/* Inverse of MT19937's tempering, to plant a chosen next word in a state. */
static uint32_t untemper(uint32_t y)
{
	y ^= y >> 18;
	y ^= (y << 15) & 0xefc60000u;
	uint32_t x = y;
	for (int i = 0; i < 5; i++) /* y ^= (y << 7) & mask, inverted 7 bits at a time */
		x = y ^ ((x << 7) & 0x9d2c5680u);
	y = x;
	x = y;
	for (int i = 0; i < 3; i++)
		x = y ^ (x >> 11);
	return x;
}

/* g's next word becomes w (the state stays valid: any word is). */
static void plant(ml_generator *g, uint32_t w)
{
	if (g->next >= ML_MT_N)
		ml_random_u32(g);
	g->state[g->next] = untemper(w);
}

/* Extreme words: u = 0 and u = 1 - 2^-32 hit the boundary rules. */
static void test_extreme_words(void)
{
	ml_generator g;
	ml_error e;
	ml_random_manual_seed(&g, 1);
	plant(&g, 0xdeadbeefu);
	CHECK(ml_random_u32(&g) == 0xdeadbeefu, "plant/untemper works");

	double x;
	int64_t k;
	ml_random_dist b0 = dist(ML_RANDOM_BERNOULLI, 0, 0), b1 = dist(ML_RANDOM_BERNOULLI, 1, 0);
	plant(&g, 0);
	ml_random_draw(&g, &b0, &x, &k, &e);
	CHECK(k == 0, "bernoulli(0) with u = 0 draws 0");
	plant(&g, 0xffffffffu);
	ml_random_draw(&g, &b1, &x, &k, &e);
	CHECK(k == 1, "bernoulli(1) with the largest u draws 1");

	ml_tensor f = make(ML_FLOAT, 1, 1, 0);
	ml_random_dist u = dist(ML_RANDOM_UNIFORM, 0, 1);
	plant(&g, 0xffffffffu);
	ml_random_fill(&f, &g, &u, &e);
	float v = *(float *)ml_tensor_data(&f);
	CHECK(v < 1.0f && v > 0.99999f, "Float uniform stays below 1 (%.9g)", (double)v);
	ml_tensor_release(&f);

	ml_tensor p = make(ML_DOUBLE, 1, 3, 0), res;
	ml_tensor_init(&res, ML_LONG);
	f64(&p)[0] = 0;
	f64(&p)[1] = 1;
	f64(&p)[2] = 0;
	plant(&g, 0);
	ml_random_multinomial(&res, &g, &p, 1, 1, &e);
	CHECK(*(int64_t *)ml_tensor_data(&res) == 2, "multinomial with u = 0 skips a leading zero weight");
	plant(&g, 0xffffffffu);
	ml_random_multinomial(&res, &g, &p, 1, 1, &e);
	CHECK(*(int64_t *)ml_tensor_data(&res) == 2, "multinomial with the largest u skips a trailing zero");
	ml_tensor_release(&p);
	ml_tensor_release(&res);
}

static void test_reference_sequence(void)
{
	ml_generator g;
	ml_random_manual_seed(&g, 5489);
	const uint32_t want[5] = {3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u};
	for (int i = 0; i < 5; i++) {
		uint32_t v = ml_random_u32(&g);
		CHECK(v == want[i], "init_genrand(5489) output %d: %u, expected %u", i + 1, v, want[i]);
	}
	ml_random_manual_seed(&g, 5489);
	uint32_t v = 0;
	for (int i = 0; i < 10000; i++)
		v = ml_random_u32(&g);
	CHECK(v == 4123659995u, "10000th output %u, expected 4123659995", v);

	/* against the textbook version, several seeds, across many twists */
	const uint64_t seeds[] = {0, 1, 123, 0xffffffffu, ((uint64_t)1 << 32) + 7};
	for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		naive_mt m;
		naive_seed(&m, (uint32_t)seeds[s]);
		ml_random_manual_seed(&g, seeds[s]);
		int bad = 0;
		for (int i = 0; i < 5000; i++)
			bad += ml_random_u32(&g) != naive_next(&m);
		CHECK(bad == 0, "seed %llu: %d words differ from the textbook MT", (unsigned long long)seeds[s], bad);
		CHECK(ml_random_initial_seed(&g) == seeds[s], "initial seed kept in full");
	}

	/* Torch7's documented values: manualSeed(123); uniform() x3, manualSeed(0); random() x2 */
	ml_random_manual_seed(&g, 123);
	CHECK_NEAR(ml_random_u01(&g), 0.69646918727085, 1e-13);
	CHECK_NEAR(ml_random_u01(&g), 0.71295532141812, 1e-13);
	CHECK_NEAR(ml_random_u01(&g), 0.28613933874294, 1e-13);
	ml_random_manual_seed(&g, 0);
	CHECK(ml_random_u32(&g) == 2357136044u, "seed 0 first word");
	CHECK(ml_random_u32(&g) == 2546248239u, "seed 0 second word");
}

/* Fills match Torch7's formulas applied to the textbook stream. */
static void test_exact_formulas(void)
{
	ml_generator g;
	ml_error e;
	naive_mt m;
	const int64_t n = 1001; /* odd: leaves a pending normal */
	ml_tensor t = make(ML_DOUBLE, 1, n, 0);
	double *x = f64(&t);
	int bad;

	ml_random_dist du = dist(ML_RANDOM_UNIFORM, -2, 3);
	ml_random_manual_seed(&g, 42);
	naive_seed(&m, 42);
	CHECK(ml_random_fill(&t, &g, &du, &e) == ML_OK, "uniform fill");
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x[i] != naive_u01(&m) * 5 + -2;
	CHECK(bad == 0, "uniform: %d values differ from u*(b-a)+a", bad);

	ml_random_dist dn = dist(ML_RANDOM_NORMAL, 1.5, 2);
	ml_random_manual_seed(&g, 7);
	naive_seed(&m, 7);
	CHECK(ml_random_fill(&t, &g, &dn, &e) == ML_OK, "normal fill");
	bad = 0;
	double px = 0, prho = 0;
	for (int64_t i = 0; i < n; i++) {
		double want;
		if (i % 2 == 0) {
			px = naive_u01(&m);
			double y = naive_u01(&m);
			prho = sqrt(-2 * log(1 - y));
			want = prho * cos(2 * M_PI * px) * 2 + 1.5;
		} else {
			want = prho * sin(2 * M_PI * px) * 2 + 1.5;
		}
		bad += fabs(x[i] - want) > 1e-15 * (1 + fabs(want));
	}
	CHECK(bad == 0, "normal: %d values differ from Box-Muller", bad);
	/* the pending sine half of pair 501 comes next, in a scalar draw */
	double next;
	int64_t k;
	CHECK(ml_random_draw(&g, &dn, &next, &k, &e) == ML_OK, "scalar normal");
	CHECK_NEAR(next, prho * sin(2 * M_PI * px) * 2 + 1.5, 1e-15);

	ml_random_dist de = dist(ML_RANDOM_EXPONENTIAL, 2.5, 0);
	ml_random_manual_seed(&g, 9);
	naive_seed(&m, 9);
	ml_random_fill(&t, &g, &de, &e);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x[i] != -1. / 2.5 * log(1 - naive_u01(&m));
	CHECK(bad == 0, "exponential: %d values differ", bad);

	ml_random_dist dc = dist(ML_RANDOM_CAUCHY, -1, 0.5);
	ml_random_manual_seed(&g, 10);
	naive_seed(&m, 10);
	ml_random_fill(&t, &g, &dc, &e);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x[i] != -1 + 0.5 * tan(M_PI * (naive_u01(&m) - 0.5));
	CHECK(bad == 0, "cauchy: %d values differ", bad);

	ml_random_dist dg = dist(ML_RANDOM_GEOMETRIC, 0.3, 0);
	ml_random_manual_seed(&g, 11);
	naive_seed(&m, 11);
	ml_random_fill(&t, &g, &dg, &e);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x[i] != (double)((int)(log(1 - naive_u01(&m)) / log(0.3)) + 1);
	CHECK(bad == 0, "geometric: %d values differ", bad);

	ml_random_dist db = dist(ML_RANDOM_BERNOULLI, 0.3, 0);
	ml_random_manual_seed(&g, 12);
	naive_seed(&m, 12);
	ml_random_fill(&t, &g, &db, &e);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x[i] != (naive_u01(&m) < 0.3 ? 1.0 : 0.0);
	CHECK(bad == 0, "bernoulli: %d values differ", bad);

	ml_random_dist dr = {ML_RANDOM_RANGE, 0, 0, -5, 11, NULL};
	ml_random_manual_seed(&g, 13);
	naive_seed(&m, 13);
	ml_random_fill(&t, &g, &dr, &e);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x[i] != (double)(naive_next(&m) % 17) - 5;
	CHECK(bad == 0, "random(-5, 11): %d values differ from word %% 17 - 5", bad);
	ml_tensor_release(&t);
}

/* Per-dtype reductions of random() and integer draws into every dtype. */
static void test_dtypes(void)
{
	ml_generator g;
	ml_error e;
	const uint64_t mods[ML_NDTYPES] = {256, 128, 32768, (uint64_t)1 << 31, 0, ((uint64_t)1 << 24) + 1, 0};
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		const int64_t n = 777;
		ml_tensor t = make((ml_dtype)dt, 1, n, 0);
		ml_random_dist bits = {ML_RANDOM_BITS, 0, 0, 0, 0, NULL};
		naive_mt m;
		ml_random_manual_seed(&g, 100 + dt);
		naive_seed(&m, 100 + dt);
		CHECK(ml_random_fill(&t, &g, &bits, &e) == ML_OK, "bits fill %s", ml_dtype_name(dt));
		int bad = 0;
		for (int64_t i = 0; i < n; i++) {
			uint64_t w = naive_next(&m);
			int64_t want = (int64_t)(mods[dt] ? w % mods[dt] : w);
			bad += ml_load_i64((ml_dtype)dt, (char *)ml_tensor_data(&t) + i * (int64_t)ml_dtype_info[dt].size) != want;
		}
		CHECK(bad == 0, "random() into %s: %d values differ", ml_dtype_name(dt), bad);

		ml_random_dist r = {ML_RANDOM_RANGE, 0, 0, 3, 9, NULL};
		CHECK(ml_random_fill(&t, &g, &r, &e) == ML_OK, "range fill %s", ml_dtype_name(dt));
		int out = 0, seen[7] = {0};
		for (int64_t i = 0; i < n; i++) {
			int64_t v = ml_load_i64((ml_dtype)dt, (char *)ml_tensor_data(&t) + i * (int64_t)ml_dtype_info[dt].size);
			if (v < 3 || v > 9)
				out++;
			else
				seen[v - 3] = 1;
		}
		CHECK(out == 0, "random(3, 9) into %s: %d values out of range", ml_dtype_name(dt), out);
		for (int v = 0; v < 7; v++)
			CHECK(seen[v], "random(3, 9) into %s never drew %d", ml_dtype_name(dt), v + 3);

		ml_random_dist gm = dist(ML_RANDOM_GEOMETRIC, 0.999, 0); /* mean 1000: saturates small types */
		CHECK(ml_random_fill(&t, &g, &gm, &e) == ML_OK, "geometric fill %s", ml_dtype_name(dt));
		int64_t vmin = INT64_MAX, vmax = INT64_MIN;
		for (int64_t i = 0; i < n; i++) {
			int64_t v = ml_load_i64((ml_dtype)dt, (char *)ml_tensor_data(&t) + i * (int64_t)ml_dtype_info[dt].size);
			vmin = v < vmin ? v : vmin;
			vmax = v > vmax ? v : vmax;
		}
		CHECK(vmin >= 1, "geometric into %s: min %lld", ml_dtype_name(dt), (long long)vmin);
		if (dt == ML_BYTE)
			CHECK(vmax == 255, "geometric saturates Byte at 255 (max %lld)", (long long)vmax);
		if (dt == ML_CHAR)
			CHECK(vmax == 127, "geometric saturates Char at 127 (max %lld)", (long long)vmax);

		ml_random_dist u = dist(ML_RANDOM_NORMAL, 0, 1);
		int rc = ml_random_fill(&t, &g, &u, &e);
		if (ml_dtype_info[dt].is_float)
			CHECK(rc == ML_OK, "normal fill %s", ml_dtype_name(dt));
		else
			CHECK(rc == ML_ETYPE && strstr(e.msg, "torch.normal: needs a Float or Double tensor"),
			      "normal into %s: rc %d msg %s", ml_dtype_name(dt), rc, e.msg);

		ml_random_dist big = {ML_RANDOM_RANGE, 0, 0, 0, 1000, NULL};
		rc = ml_random_fill(&t, &g, &big, &e);
		if (dt == ML_BYTE || dt == ML_CHAR)
			CHECK(rc == ML_EINVAL && strstr(e.msg, "does not fit a"), "range check %s: %s",
			      ml_dtype_name(dt), e.msg);
		else
			CHECK(rc == ML_OK, "random(0, 1000) into %s", ml_dtype_name(dt));
		ml_tensor_release(&t);
	}

	/* wide ranges take 64-bit draws and stay in range */
	ml_tensor l = make(ML_LONG, 1, 1000, 0);
	{ /* a span of exactly 2^32 is the raw word */
		naive_mt m;
		ml_random_dist r32 = {ML_RANDOM_RANGE, 0, 0, -7, ((int64_t)1 << 32) - 8, NULL};
		ml_random_manual_seed(&g, 6);
		naive_seed(&m, 6);
		ml_random_fill(&l, &g, &r32, &e);
		int bad = 0;
		for (int i = 0; i < 1000; i++)
			bad += ((int64_t *)ml_tensor_data(&l))[i] != (int64_t)naive_next(&m) - 7;
		CHECK(bad == 0, "span 2^32: %d values differ from word - 7", bad);
	}
	ml_random_dist wide = {ML_RANDOM_RANGE, 0, 0, INT64_MIN, INT64_MAX, NULL};
	ml_random_manual_seed(&g, 5);
	CHECK(ml_random_fill(&l, &g, &wide, &e) == ML_OK, "full int64 range");
	int neg = 0;
	for (int i = 0; i < 1000; i++)
		neg += ((int64_t *)ml_tensor_data(&l))[i] < 0;
	CHECK(neg > 400 && neg < 600, "full-range draws have both signs (%d negative of 1000)", neg);
	ml_random_dist w2 = {ML_RANDOM_RANGE, 0, 0, 0, ((int64_t)1 << 40) - 1, NULL};
	ml_random_fill(&l, &g, &w2, &e);
	int high = 0;
	for (int i = 0; i < 1000; i++) {
		int64_t v = ((int64_t *)ml_tensor_data(&l))[i];
		high += v >= ((int64_t)1 << 39);
		CHECK(v >= 0 && v < ((int64_t)1 << 40), "40-bit range value %lld", (long long)v);
	}
	CHECK(high > 400 && high < 600, "40-bit range reaches its top half (%d of 1000)", high);
	ml_tensor_release(&l);
}

/* Uniform draws that round up to b are kept below b. */
static void test_uniform_upper_bound(void)
{
	ml_generator g;
	ml_error e;
	ml_random_manual_seed(&g, 3);
	ml_tensor f = make(ML_FLOAT, 1, 1000, 0);
	ml_random_dist df = dist(ML_RANDOM_UNIFORM, 16777215.0, 16777216.0);
	ml_random_fill(&f, &g, &df, &e);
	int bad = 0;
	for (int i = 0; i < 1000; i++)
		bad += ((float *)ml_tensor_data(&f))[i] != 16777215.0f;
	CHECK(bad == 0, "Float uniform [2^24-1, 2^24): %d values not 2^24-1", bad);
	ml_tensor d = make(ML_DOUBLE, 1, 1000, 0);
	double a = 9007199254740990.0;
	ml_random_dist dd = dist(ML_RANDOM_UNIFORM, a, a + 1);
	ml_random_fill(&d, &g, &dd, &e);
	bad = 0;
	for (int i = 0; i < 1000; i++)
		bad += f64(&d)[i] != a;
	CHECK(bad == 0, "Double uniform [2^53-2, 2^53-1): %d values not a", bad);
	ml_random_dist eq = dist(ML_RANDOM_UNIFORM, 2.5, 2.5);
	ml_random_fill(&d, &g, &eq, &e);
	bad = 0;
	for (int i = 0; i < 1000; i++)
		bad += f64(&d)[i] != 2.5;
	CHECK(bad == 0, "uniform(a, a) gives a (%d differ)", bad);
	ml_tensor_release(&f);
	ml_tensor_release(&d);
}

static void test_reproducibility(void)
{
	ml_generator g, h;
	ml_error e;
	ml_tensor a = make(ML_DOUBLE, 2, 37, 41), b = make(ML_DOUBLE, 2, 41, 37);
	ml_random_dist dn = dist(ML_RANDOM_NORMAL, 0, 1);

	/* same seed, same values; a transposed view draws in its logical order */
	ml_random_manual_seed(&g, 77);
	ml_random_fill(&a, &g, &dn, &e);
	ml_tensor bt = b; /* borrowed view */
	ml_tensor_transpose(&bt, 0, 1, &e);
	ml_random_manual_seed(&g, 77);
	ml_random_fill(&bt, &g, &dn, &e);
	int bad = 0;
	for (int i = 0; i < 37; i++)
		for (int j = 0; j < 41; j++)
			bad += f64(&a)[i * 41 + j] != f64(&b)[j * 37 + i];
	CHECK(bad == 0, "transposed fill: %d values differ", bad);

	/* cutting a stream into pieces (odd sizes, scalar draws) changes nothing */
	ml_tensor whole = make(ML_DOUBLE, 1, 3000, 0);
	ml_random_manual_seed(&g, 5);
	ml_random_fill(&whole, &g, &dn, &e);
	ml_random_manual_seed(&g, 5);
	int64_t pos = 0, cuts[] = {1, 2, 3, 511, 512, 513, 1};
	bad = 0;
	for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
		ml_tensor part = whole;
		ml_tensor_narrow(&part, 0, pos, cuts[c], &e);
		ml_tensor fresh = make(ML_DOUBLE, 1, cuts[c], 0);
		ml_random_fill(&fresh, &g, &dn, &e);
		for (int64_t i = 0; i < cuts[c]; i++)
			bad += f64(&fresh)[i] != f64(&whole)[pos + i];
		pos += cuts[c];
		ml_tensor_release(&fresh);
		double x;
		int64_t k;
		ml_random_draw(&g, &dn, &x, &k, &e);
		bad += x != f64(&whole)[pos];
		pos++;
	}
	CHECK(bad == 0, "pieced normal stream: %d values differ", bad);

	/* state round trip, including a pending normal */
	ml_random_manual_seed(&g, 8);
	double x0, x1, y0, y1;
	int64_t k;
	ml_random_draw(&g, &dn, &x0, &k, &e);
	unsigned char st[sizeof(ml_generator)];
	memcpy(st, &g, sizeof g);
	ml_random_draw(&g, &dn, &x0, &k, &e);
	ml_random_draw(&g, &dn, &x1, &k, &e);
	CHECK(ml_random_set_state(&g, st, sizeof st, &e) == ML_OK, "set state");
	ml_random_draw(&g, &dn, &y0, &k, &e);
	ml_random_draw(&g, &dn, &y1, &k, &e);
	CHECK(x0 == y0 && x1 == y1, "state round trip: %g %g vs %g %g", x0, x1, y0, y1);
	CHECK(ml_random_set_state(&g, st, sizeof st - 1, &e) == ML_EINVAL &&
	              strstr(e.msg, "torch.setRNGState: state has"),
	      "short state rejected: %s", e.msg);
	ml_generator bad_state;
	memcpy(&bad_state, st, sizeof st);
	bad_state.next = 625;
	ml_generator before = g;
	CHECK(ml_random_set_state(&g, &bad_state, sizeof bad_state, &e) == ML_EINVAL, "bad index rejected");
	CHECK(memcmp(&before, &g, sizeof g) == 0, "rejected state leaves g unchanged");
	memcpy(&bad_state, st, sizeof st);
	bad_state.magic = 0;
	CHECK(ml_random_set_state(&g, &bad_state, sizeof bad_state, &e) == ML_EINVAL &&
	              strstr(e.msg, "invalid generator state"),
	      "unseeded state rejected");

	/* generators are independent */
	ml_random_manual_seed(&g, 1);
	ml_random_manual_seed(&h, 1);
	uint32_t ref[10];
	for (int i = 0; i < 10; i++)
		ref[i] = ml_random_u32(&h);
	ml_random_manual_seed(&h, 2);
	bad = 0;
	for (int i = 0; i < 10; i++) {
		ml_random_u32(&h); /* draws on h do not move g */
		bad += ml_random_u32(&g) != ref[i];
	}
	CHECK(bad == 0, "independent generators: %d differ", bad);

	/* an empty fill draws nothing */
	ml_tensor empty;
	ml_tensor_init(&empty, ML_DOUBLE);
	before = g;
	CHECK(ml_random_fill(&empty, &g, &dn, &e) == ML_OK, "empty fill");
	CHECK(memcmp(&before, &g, sizeof g) == 0, "empty fill leaves the state");

	/* seeding from the system gives a seed that reproduces the stream */
	uint64_t s = ml_random_seed(&g);
	uint32_t w = ml_random_u32(&g);
	ml_random_manual_seed(&h, s);
	CHECK(ml_random_u32(&h) == w && ml_random_initial_seed(&g) == s, "seed() reproducible");

	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&whole);
}

static void test_statistics(void)
{
	ml_generator g;
	ml_error e;
	const int64_t n = 1000000;
	ml_tensor t = make(ML_DOUBLE, 1, n, 0);
	double *x = f64(&t);
	ml_random_dist d;

	ml_random_manual_seed(&g, 2024);
	d = dist(ML_RANDOM_UNIFORM, -1, 3);
	ml_random_fill(&t, &g, &d, &e);
	check_moments("uniform(-1,3)", x, n, 1, 16.0 / 12, 256.0 / 80);
	double pu[2] = {-1, 3};
	check_ks("uniform(-1,3)", x, 200000, cdf_uniform, pu);

	d = dist(ML_RANDOM_NORMAL, 2, 3);
	ml_random_fill(&t, &g, &d, &e);
	check_moments("normal(2,3)", x, n, 2, 9, 3 * 81);
	double pn[2] = {2, 3};
	check_ks("normal(2,3)", x, 200000, cdf_normal, pn);

	d = dist(ML_RANDOM_EXPONENTIAL, 4, 0);
	ml_random_fill(&t, &g, &d, &e);
	check_moments("exponential(4)", x, n, 0.25, 1.0 / 16, 9.0 / 256);
	double pe[1] = {4};
	check_ks("exponential(4)", x, 200000, cdf_exponential, pe);

	d = dist(ML_RANDOM_CAUCHY, 1, 2);
	ml_random_fill(&t, &g, &d, &e);
	double pc[2] = {1, 2};
	check_ks("cauchy(1,2)", x, 200000, cdf_cauchy, pc);

	d = dist(ML_RANDOM_LOGNORMAL, 0.5, 0.4);
	ml_random_fill(&t, &g, &d, &e);
	{
		double m = 0.5, s2 = 0.16;
		double E1 = exp(m + s2 / 2), E2 = exp(2 * m + 2 * s2), E3 = exp(3 * m + 4.5 * s2),
		       E4 = exp(4 * m + 8 * s2);
		double var = E2 - E1 * E1, mu4 = E4 - 4 * E1 * E3 + 6 * E1 * E1 * E2 - 3 * E1 * E1 * E1 * E1;
		check_moments("logNormal(0.5,0.4)", x, n, E1, var, mu4);
		int bad = 0;
		for (int64_t i = 0; i < n; i++)
			bad += !(x[i] > 0);
		CHECK(bad == 0, "logNormal: %d values <= 0", bad);
	}

	d = dist(ML_RANDOM_GEOMETRIC, 0.6, 0);
	ml_random_fill(&t, &g, &d, &e);
	{
		double p = 0.6;
		check_moments("geometric(0.6)", x, n, 1 / (1 - p), p / ((1 - p) * (1 - p)), 0);
		int64_t obs[12] = {0};
		double expect[12];
		for (int64_t i = 0; i < n; i++)
			obs[x[i] >= 12 ? 11 : (int)x[i] - 1]++;
		for (int i = 0; i < 11; i++)
			expect[i] = n * (1 - p) * pow(p, i);
		expect[11] = n * pow(p, 11); /* P(X >= 12) */
		check_chi2("geometric(0.6)", obs, expect, 12);
	}

	d = dist(ML_RANDOM_BERNOULLI, 0.3, 0);
	ml_random_fill(&t, &g, &d, &e);
	check_moments("bernoulli(0.3)", x, n, 0.3, 0.21, 0);

	/* uniform integers: chi-square over 6 faces, and over Byte's 256 values */
	{
		ml_tensor l = make(ML_LONG, 1, n, 0);
		ml_random_dist r = {ML_RANDOM_RANGE, 0, 0, 1, 6, NULL};
		ml_random_fill(&l, &g, &r, &e);
		int64_t obs[6] = {0};
		double expect[6];
		for (int64_t i = 0; i < n; i++)
			obs[((int64_t *)ml_tensor_data(&l))[i] - 1]++;
		for (int i = 0; i < 6; i++)
			expect[i] = n / 6.0;
		check_chi2("random(1,6)", obs, expect, 6);
		ml_tensor_release(&l);

		ml_tensor b = make(ML_BYTE, 1, n, 0);
		ml_random_dist bits = {ML_RANDOM_BITS, 0, 0, 0, 0, NULL};
		ml_random_fill(&b, &g, &bits, &e);
		int64_t ob[256] = {0};
		double eb[256];
		for (int64_t i = 0; i < n; i++)
			ob[((uint8_t *)ml_tensor_data(&b))[i]]++;
		for (int i = 0; i < 256; i++)
			eb[i] = n / 256.0;
		check_chi2("Byte random()", ob, eb, 256);
		ml_tensor_release(&b);
	}
	ml_tensor_release(&t);
}

static void test_bernoulli_tensor(void)
{
	ml_generator g;
	ml_error e;
	ml_random_manual_seed(&g, 31);
	const int64_t R = 20000;
	ml_tensor t = make(ML_INT, 2, R, 4);
	ml_tensor p = make(ML_FLOAT, 2, 1, 4); /* broadcasts over rows */
	float *pp = ml_tensor_data(&p);
	pp[0] = 0;
	pp[1] = 0.25f;
	pp[2] = 0.5f;
	pp[3] = 1;
	CHECK(ml_random_fill_bernoulli(&t, &g, &p, &e) == ML_OK, "bernoulli(p) fill: %s", e.msg);
	int64_t ones[4] = {0}, other = 0;
	for (int64_t i = 0; i < R; i++)
		for (int j = 0; j < 4; j++) {
			int32_t v = ((int32_t *)ml_tensor_data(&t))[i * 4 + j];
			ones[j] += v == 1;
			other += v != 0 && v != 1;
		}
	CHECK(other == 0, "bernoulli draws are 0 or 1");
	CHECK(ones[0] == 0, "p = 0 never draws 1 (%lld)", (long long)ones[0]);
	CHECK(ones[3] == R, "p = 1 always draws 1 (%lld)", (long long)ones[3]);
	double tol = 5 * sqrt(0.25 * 0.75 / R);
	CHECK(fabs(ones[1] / (double)R - 0.25) < tol, "p = 0.25: %g", ones[1] / (double)R);
	CHECK(fabs(ones[2] / (double)R - 0.5) < 5 * sqrt(0.25 / R), "p = 0.5: %g", ones[2] / (double)R);

	/* same element count, other shape: Torch7 reads p in logical order */
	ml_tensor d = make(ML_DOUBLE, 2, 2, 3), q = make(ML_DOUBLE, 1, 6, 0);
	for (int i = 0; i < 6; i++)
		f64(&q)[i] = i % 2;
	CHECK(ml_random_fill_bernoulli(&d, &g, &q, &e) == ML_OK, "same numel: %s", e.msg);
	for (int i = 0; i < 6; i++)
		CHECK(f64(&d)[i] == i % 2, "p in {0,1} gives p exactly (element %d)", i);

	/* errors: bad p (nothing drawn), shapes */
	f64(&q)[4] = 1.5;
	ml_generator before = g;
	CHECK(ml_random_fill_bernoulli(&d, &g, &q, &e) == ML_EINVAL &&
	              strstr(e.msg, "torch.bernoulli: probability 1.5 at element 5 is outside [0, 1]"),
	      "bad p: %s", e.msg);
	CHECK(memcmp(&before, &g, sizeof g) == 0, "bad p draws nothing");
	ml_tensor q5 = make(ML_DOUBLE, 1, 5, 0);
	CHECK(ml_random_fill_bernoulli(&d, &g, &q5, &e) == ML_ESHAPE && strstr(e.msg, "do not match"),
	      "shape mismatch: %s", e.msg);
	ml_tensor_release(&t);
	ml_tensor_release(&p);
	ml_tensor_release(&d);
	ml_tensor_release(&q);
	ml_tensor_release(&q5);
}

static void test_randperm(void)
{
	ml_generator g;
	ml_error e;
	naive_mt m;
	/* Torch7's swap sequence on the textbook stream */
	const int64_t n = 1000;
	int64_t ref[1000];
	for (int i = 0; i < n; i++)
		ref[i] = i;
	naive_seed(&m, 99);
	for (int64_t i = 0; i < n - 1; i++) {
		int64_t z = naive_next(&m) % (uint32_t)(n - i), s = ref[i];
		ref[i] = ref[z + i];
		ref[z + i] = s;
	}
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		ml_tensor r;
		ml_tensor_init(&r, (ml_dtype)dt);
		ml_random_manual_seed(&g, 99);
		int rc = ml_random_randperm(&r, &g, n, &e);
		if (dt == ML_BYTE || dt == ML_CHAR) {
			CHECK(rc == ML_EINVAL && strstr(e.msg, "does not fit"), "randperm(1000) into %s: %s",
			      ml_dtype_name(dt), e.msg);
			ml_tensor_release(&r);
			continue;
		}
		CHECK(rc == ML_OK && r.ndim == 1 && r.size[0] == n, "randperm into %s", ml_dtype_name(dt));
		int bad = 0;
		for (int64_t i = 0; i < n; i++)
			bad += ml_load_i64((ml_dtype)dt, (char *)ml_tensor_data(&r) + i * (int64_t)ml_dtype_info[dt].size) !=
			       ref[i] + 1;
		CHECK(bad == 0, "randperm into %s: %d values differ from Torch7's swaps", ml_dtype_name(dt), bad);
		ml_tensor_release(&r);
	}
	/* uniform over the 24 permutations of 4 */
	ml_tensor r;
	ml_tensor_init(&r, ML_LONG);
	int64_t obs[256] = {0};
	double expect[256] = {0};
	const int draws = 120000;
	for (int k = 0; k < draws; k++) {
		ml_random_randperm(&r, &g, 4, &e);
		int64_t *v = ml_tensor_data(&r);
		obs[(v[0] - 1) * 64 + (v[1] - 1) * 16 + (v[2] - 1) * 4 + (v[3] - 1)]++;
	}
	int a[4] = {0, 1, 2, 3}, nperm = 0;
	for (a[0] = 0; a[0] < 4; a[0]++)
		for (a[1] = 0; a[1] < 4; a[1]++)
			for (a[2] = 0; a[2] < 4; a[2]++)
				for (a[3] = 0; a[3] < 4; a[3]++)
					if (a[0] != a[1] && a[0] != a[2] && a[0] != a[3] && a[1] != a[2] &&
					    a[1] != a[3] && a[2] != a[3]) {
						expect[a[0] * 64 + a[1] * 16 + a[2] * 4 + a[3]] = draws / 24.0;
						nperm++;
					}
	CHECK(nperm == 24, "24 permutations");
	check_chi2("randperm(4)", obs, expect, 256);
	CHECK(ml_random_randperm(&r, &g, 0, &e) == ML_OK && ml_tensor_numel(&r) == 0, "randperm(0) is empty");
	CHECK(ml_random_randperm(&r, &g, -1, &e) == ML_EINVAL && strstr(e.msg, "n must be >= 0"),
	      "randperm(-1): %s", e.msg);
	ml_tensor_release(&r);
}

static void test_multinomial(void)
{
	ml_generator g;
	ml_error e;
	ml_random_manual_seed(&g, 17);
	ml_tensor res;
	ml_tensor_init(&res, ML_LONG);
	const int64_t n = 200000;

	/* with replacement, 1-D, unnormalized weights with a zero */
	ml_tensor p = make(ML_DOUBLE, 1, 5, 0);
	double w[5] = {1, 2, 3, 4, 0};
	memcpy(f64(&p), w, sizeof w);
	CHECK(ml_random_multinomial(&res, &g, &p, n, 1, &e) == ML_OK, "multinomial: %s", e.msg);
	CHECK(res.ndim == 1 && res.size[0] == n, "1-D probabilities give a vector");
	int64_t obs[5] = {0};
	double expect[5];
	int out = 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t v = ((int64_t *)ml_tensor_data(&res))[i];
		if (v < 1 || v > 5)
			out++;
		else
			obs[v - 1]++;
	}
	CHECK(out == 0, "indices are 1-based categories");
	for (int i = 0; i < 5; i++)
		expect[i] = n * w[i] / 10;
	check_chi2("multinomial with replacement", obs, expect, 5);

	/* the first draws reproduce the normalized-CDF rule on the textbook stream */
	{
		naive_mt m;
		ml_random_manual_seed(&g, 123);
		naive_seed(&m, 123);
		ml_random_multinomial(&res, &g, &p, 50, 1, &e);
		int bad = 0;
		for (int i = 0; i < 50; i++) {
			double u = naive_u01(&m), c = 0;
			int k = 0;
			while (k < 4 && (c + w[k]) / 10 <= u) /* first k with cdf(k) > u */
				c += w[k++];
			bad += ((int64_t *)ml_tensor_data(&res))[i] != k + 1;
		}
		CHECK(bad == 0, "multinomial draws follow the CDF rule (%d differ)", bad);
	}

	/* 2-D, without replacement: distinct indices; first and second draw laws */
	const int64_t R = 40000;
	ml_tensor p2 = make(ML_FLOAT, 2, R, 4);
	const float pw[4] = {0.1f, 0.2f, 0.3f, 0.4f};
	for (int64_t i = 0; i < R; i++)
		memcpy((float *)ml_tensor_data(&p2) + i * 4, pw, sizeof pw);
	CHECK(ml_random_multinomial(&res, &g, &p2, 3, 0, &e) == ML_OK, "2-D without replacement");
	CHECK(res.ndim == 2 && res.size[0] == R && res.size[1] == 3, "result R x n");
	int64_t first[4] = {0}, second[4] = {0}, dup = 0;
	for (int64_t i = 0; i < R; i++) {
		int64_t *v = (int64_t *)ml_tensor_data(&res) + i * 3;
		dup += v[0] == v[1] || v[0] == v[2] || v[1] == v[2];
		first[v[0] - 1]++;
		second[v[1] - 1]++;
	}
	CHECK(dup == 0, "no index drawn twice in a row (%lld rows)", (long long)dup);
	double e1[4], e2[4];
	for (int j = 0; j < 4; j++) {
		e1[j] = R * (double)pw[j];
		double s = 0;
		for (int i = 0; i < 4; i++)
			if (i != j)
				s += (double)pw[i] * (double)pw[j] / (1 - (double)pw[i]);
		e2[j] = R * s;
	}
	check_chi2("multinomial first draw", first, e1, 4);
	check_chi2("multinomial second draw", second, e2, 4);

	/* n = K without replacement is a permutation; zeros are never drawn */
	ml_tensor p3 = make(ML_DOUBLE, 1, 6, 0);
	double w3[6] = {0, 5, 0, 1e-300, 2, 0};
	memcpy(f64(&p3), w3, sizeof w3);
	for (int k = 0; k < 200; k++) {
		ml_random_multinomial(&res, &g, &p3, 3, 0, &e);
		int64_t *v = ml_tensor_data(&res);
		int ok = 1;
		for (int i = 0; i < 3; i++)
			ok &= v[i] == 2 || v[i] == 4 || v[i] == 5;
		ok &= v[0] != v[1] && v[0] != v[2] && v[1] != v[2];
		CHECK(ok, "draw %d: %lld %lld %lld", k, (long long)v[0], (long long)v[1], (long long)v[2]);
	}

	/* errors */
	f64(&p)[2] = -0.5;
	CHECK(ml_random_multinomial(&res, &g, &p, 2, 1, &e) == ML_EINVAL &&
	              strstr(e.msg, "torch.multinomial: probability -0.5 at element 3 is negative"),
	      "negative: %s", e.msg);
	f64(&p)[2] = NAN;
	CHECK(ml_random_multinomial(&res, &g, &p, 2, 1, &e) == ML_EINVAL && strstr(e.msg, "not finite"),
	      "nan: %s", e.msg);
	memset(f64(&p), 0, 5 * sizeof(double));
	CHECK(ml_random_multinomial(&res, &g, &p, 2, 1, &e) == ML_EINVAL && strstr(e.msg, "sum to 0"),
	      "all zero: %s", e.msg);
	memcpy(f64(&p), w, sizeof w);
	CHECK(ml_random_multinomial(&res, &g, &p, 6, 0, &e) == ML_EINVAL &&
	              strstr(e.msg, "cannot draw 6 samples without replacement from 5 categories"),
	      "too many: %s", e.msg);
	CHECK(ml_random_multinomial(&res, &g, &p, 5, 0, &e) == ML_EINVAL &&
	              strstr(e.msg, "row 1 has 4 non-zero probabilities"),
	      "too few non-zero: %s", e.msg);
	CHECK(ml_random_multinomial(&res, &g, &p, 0, 1, &e) == ML_EINVAL && strstr(e.msg, "must be >= 1"),
	      "n = 0: %s", e.msg);
	ml_tensor d = make(ML_DOUBLE, 1, 3, 0);
	CHECK(ml_random_multinomial(&d, &g, &p, 2, 1, &e) == ML_ETYPE && strstr(e.msg, "Long"),
	      "result type: %s", e.msg);
	ml_tensor_release(&res);
	ml_tensor_release(&p);
	ml_tensor_release(&p2);
	ml_tensor_release(&p3);
	ml_tensor_release(&d);
}

static void test_check_messages(void)
{
	ml_error e;
	struct {
		ml_random_dist d;
		const char *msg;
	} cases[] = {
		{dist(ML_RANDOM_UNIFORM, 2, 1), "torch.uniform: lower bound 2 is above upper bound 1"},
		{dist(ML_RANDOM_UNIFORM, 0, INFINITY), "torch.uniform: bounds must be finite"},
		{dist(ML_RANDOM_NORMAL, 0, -1), "torch.normal: standard deviation must be finite and >= 0 (got -1)"},
		{dist(ML_RANDOM_LOGNORMAL, 0, NAN), "torch.logNormal: standard deviation"},
		{dist(ML_RANDOM_EXPONENTIAL, 0, 0), "torch.exponential: lambda must be finite and > 0 (got 0)"},
		{dist(ML_RANDOM_CAUCHY, 0, 0), "torch.cauchy: sigma must be finite and > 0"},
		{dist(ML_RANDOM_GEOMETRIC, 1, 0), "torch.geometric: p must be in (0, 1) (got 1)"},
		{dist(ML_RANDOM_BERNOULLI, 1.5, 0), "torch.bernoulli: p must be in [0, 1] (got 1.5)"},
		{{ML_RANDOM_RANGE, 0, 0, 5, 4, NULL}, "torch.random: upper bound 4 is below lower bound 5"},
		{{ML_RANDOM_UNIFORM, 1, 0, 0, 0, "torch.rand"}, "torch.rand: lower bound"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = ml_random_check(&cases[i].d, &e);
		CHECK(rc == ML_EINVAL && strstr(e.msg, cases[i].msg), "case %zu: '%s' lacks '%s'", i,
		      rc ? e.msg : "(no error)", cases[i].msg);
	}
	ml_random_dist ok = dist(ML_RANDOM_NORMAL, 0, 0); /* stdv 0 is allowed (numpy) */
	CHECK(ml_random_check(&ok, &e) == ML_OK, "normal with stdv 0");
}

int main(void)
{
	test_reference_sequence();
	test_exact_formulas();
	test_extreme_words();
	test_dtypes();
	test_uniform_upper_bound();
	test_reproducibility();
	test_statistics();
	test_bernoulli_tensor();
	test_randperm();
	test_multinomial();
	test_check_messages();
	return check_done();
}
