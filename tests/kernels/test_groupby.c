/*
 * test_groupby.c - kernels/groupby.c and kernels/join.c against naive
 * references: factorizing (direct-table and hash paths, doubles with NaN and
 * -0.0, missing masks), combining keys, every reduction, the stable
 * multi-key sort, and the four joins, on odd sizes including 0 and 1.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "groupby.h"
#include "join.h"

static uint64_t rng_state = 88172645463325252u;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* naive factorize: rank among the sorted distinct present keys */
static int64_t naive_rank(const int64_t *key, const uint8_t *miss, int64_t n, int64_t v)
{
	int64_t r = 0;
	for (int64_t i = 0; i < n; i++) {
		if (miss && miss[i])
			continue;
		int seen = 0;
		for (int64_t j = 0; j < i; j++)
			if (!(miss && miss[j]) && key[j] == key[i])
				seen = 1;
		if (!seen && key[i] < v)
			r++;
	}
	return r;
}

static void test_factorize(int64_t n, int64_t spread, int with_miss)
{
	int64_t *key = malloc(sizeof *key * (size_t)(n + 1));
	int64_t *codes = malloc(sizeof *codes * (size_t)(n + 1));
	uint8_t *miss = malloc((size_t)n + 1);
	for (int64_t i = 0; i < n; i++) {
		key[i] = (int64_t)(rnd() % (uint64_t)spread) - spread / 2;
		if (spread > 1000000)
			key[i] *= 1000003; /* wide range: the hash path */
		miss[i] = with_miss && rnd() % 5 == 0;
	}
	if (n > 2 && spread > 1000000) {
		key[0] = INT64_MIN;
		key[1] = INT64_MAX;
	}
	int64_t k = -1;
	ml_error e;
	CHECK(ml_groupby_factorize(key, with_miss ? miss : NULL, n, codes, &k, &e) == ML_OK, "%s", e.msg);
	int ok = 1;
	int64_t kmax = -1;
	for (int64_t i = 0; i < n; i++) {
		int64_t want = (with_miss && miss[i]) ? -1 : naive_rank(key, with_miss ? miss : NULL, n, key[i]);
		if (codes[i] != want)
			ok = 0;
		if (codes[i] > kmax)
			kmax = codes[i];
	}
	CHECK(ok, "factorize n=%lld spread=%lld miss=%d", (long long)n, (long long)spread, with_miss);
	CHECK(k == kmax + 1, "ngroups %lld, expected %lld", (long long)k, (long long)kmax + 1);
	free(key);
	free(codes);
	free(miss);
}

static void test_f64_keys(void)
{
	double x[] = {1.5, -0.0, NAN, 0.0, -2.0, INFINITY, -INFINITY, 1.5, 1e-300, -1e-300};
	int64_t n = 10, key[10], codes[10], k;
	uint8_t miss[10];
	ml_error e;
	ml_groupby_key_f64(x, n, key, miss);
	CHECK(miss[2] == 1 && miss[0] == 0, "NaN is missing");
	CHECK(key[1] == key[3], "-0.0 and 0.0 are one key");
	CHECK(ml_groupby_factorize(key, miss, n, codes, &k, &e) == ML_OK, "%s", e.msg);
	/* order: -inf, -2, -1e-300, 0, 1e-300, 1.5, inf */
	int64_t want[] = {5, 3, -1, 3, 1, 6, 0, 5, 4, 2};
	int ok = 1;
	for (int i = 0; i < 10; i++)
		ok &= codes[i] == want[i];
	CHECK(ok && k == 7, "double keys in numeric order (k=%lld)", (long long)k);
}

static void test_combine(int64_t n)
{
	int64_t *a = malloc(sizeof *a * (size_t)(n + 1)), *b = malloc(sizeof *b * (size_t)(n + 1));
	int64_t *out = malloc(sizeof *out * (size_t)(n + 1));
	for (int64_t i = 0; i < n; i++) {
		a[i] = (int64_t)(rnd() % 4) - (rnd() % 7 == 0); /* some -1 */
		b[i] = (int64_t)(rnd() % 3);
	}
	const int64_t *codes[2] = {a, b};
	int64_t card[2] = {4, 3}, k;
	ml_error e;
	CHECK(ml_groupby_combine(2, codes, card, n, out, &k, &e) == ML_OK, "%s", e.msg);
	/* naive: the combined value a*3+b ranked among those present */
	int ok = 1;
	for (int64_t i = 0; i < n; i++) {
		if (a[i] < 0) {
			ok &= out[i] == -1;
			continue;
		}
		int64_t v = a[i] * 3 + b[i], r = 0;
		for (int64_t w = 0; w < v; w++) {
			int present = 0;
			for (int64_t j = 0; j < n; j++)
				present |= a[j] >= 0 && a[j] * 3 + b[j] == w;
			r += present;
		}
		ok &= out[i] == r;
	}
	CHECK(ok, "combine n=%lld", (long long)n);
	free(a);
	free(b);
	free(out);
}

static int cmpd(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;
	return (a > b) - (a < b);
}

static void test_reduce(int64_t n, int64_t ng)
{
	double *x = malloc(sizeof *x * (size_t)(n + 1)), *out = malloc(sizeof *out * (size_t)(ng + 1));
	double *tmp = malloc(sizeof *tmp * (size_t)(n + 1));
	int64_t *g = malloc(sizeof *g * (size_t)(n + 1));
	for (int64_t i = 0; i < n; i++) {
		x[i] = rnd() % 9 == 0 ? NAN : (double)(rnd() % 1000) / 7.0 - 50;
		g[i] = (int64_t)(rnd() % (uint64_t)(ng + 1)); /* 1-based, 0: no group */
	}
	ml_error e;
	for (int op = 0; op < ML_GROUPBY_NOPS; op++) {
		CHECK(ml_groupby_reduce((ml_groupby_op)op, x, g, 1, n, ng, out, &e) == ML_OK, "%s", e.msg);
		int ok = 1;
		for (int64_t q = 0; q < ng; q++) {
			int64_t m = 0, rows = 0;
			double s = 0, mn = NAN, mx = NAN;
			for (int64_t i = 0; i < n; i++) {
				if (g[i] != q + 1)
					continue;
				rows++;
				if (isnan(x[i]))
					continue;
				tmp[m++] = x[i];
				s += x[i];
				if (!(mn <= x[i]))
					mn = x[i];
				if (!(mx >= x[i]))
					mx = x[i];
			}
			double mean = m ? s / (double)m : NAN, ss = 0;
			for (int64_t i = 0; i < m; i++)
				ss += (tmp[i] - mean) * (tmp[i] - mean);
			double var = m > 1 ? ss / (double)(m - 1) : NAN, med = NAN;
			if (m) {
				qsort(tmp, (size_t)m, sizeof *tmp, cmpd);
				med = m % 2 ? tmp[m / 2] : (tmp[m / 2 - 1] + tmp[m / 2]) / 2;
			}
			double want[] = {s, mean, (double)m, mn, mx, sqrt(var), var, med, (double)rows};
			ok &= check_near(out[q], want[op], 1e-12);
		}
		CHECK(ok, "reduce %s n=%lld groups=%lld", ml_groupby_op_name[op], (long long)n, (long long)ng);
	}
	CHECK(ml_groupby_op_parse("median") == ML_GROUPBY_MEDIAN && ml_groupby_op_parse("nope") == -1, "op names");
	if (n > 0) {
		int64_t saved = g[0];
		g[0] = ng + 1;
		CHECK(ml_groupby_reduce(ML_GROUPBY_SUM, x, g, 1, n, ng, out, &e) == ML_EINVAL &&
		      strstr(e.msg, "out of range"), "a group id beyond ngroups is an error");
		g[0] = saved;
	}
	free(x);
	free(out);
	free(tmp);
	free(g);
}

static void test_argsort(int64_t n)
{
	int64_t *a = malloc(sizeof *a * (size_t)(n + 1)), *b = malloc(sizeof *b * (size_t)(n + 1));
	int64_t *perm = malloc(sizeof *perm * (size_t)(n + 1)), *naive = malloc(sizeof *naive * (size_t)(n + 1));
	for (int64_t i = 0; i < n; i++) {
		a[i] = (int64_t)(rnd() % 3) - (rnd() % 5 == 0);
		b[i] = (int64_t)(rnd() % 4) - (rnd() % 6 == 0);
	}
	/* the keys as the binding gives them: order-preserving unsigned values
	 * (a big offset on the second exercises the high 16-bit digits), -1: missing */
	uint64_t *ua = malloc(sizeof *ua * (size_t)(n + 1)), *ub = malloc(sizeof *ub * (size_t)(n + 1));
	uint8_t *ma = malloc((size_t)n + 1), *mb = malloc((size_t)n + 1);
	for (int64_t i = 0; i < n; i++) {
		ma[i] = a[i] < 0;
		mb[i] = b[i] < 0;
		ua[i] = ml_groupby_ukey(a[i] < 0 ? 12345 : a[i] - 1);
		ub[i] = ml_groupby_ukey(b[i] < 0 ? -7 : b[i] * 1000000007 - 2000000000);
	}
	const uint64_t *keys[2] = {ua, ub};
	const uint8_t *miss[2] = {ma, mb};
	for (int d = 0; d < 4; d++) {
		int desc[2] = {d & 1, (d >> 1) & 1};
		ml_error e;
		CHECK(ml_groupby_argsort(2, keys, miss, desc, n, perm, &e) == ML_OK, "%s", e.msg);
		/* naive: rank per key (missing last), then a stable insertion sort */
		for (int64_t i = 0; i < n; i++)
			naive[i] = i;
		for (int64_t i = 1; i < n; i++) {
			int64_t v = naive[i], j = i;
			while (j > 0) {
				int64_t u = naive[j - 1];
				int64_t ka[2] = {a[u] < 0 ? 99 : desc[0] ? -a[u] : a[u], b[u] < 0 ? 99 : desc[1] ? -b[u] : b[u]};
				int64_t kv[2] = {a[v] < 0 ? 99 : desc[0] ? -a[v] : a[v], b[v] < 0 ? 99 : desc[1] ? -b[v] : b[v]};
				int gt = ka[0] > kv[0] || (ka[0] == kv[0] && ka[1] > kv[1]);
				if (!gt)
					break;
				naive[j] = u;
				j--;
			}
			naive[j] = v;
		}
		int ok = 1;
		for (int64_t i = 0; i < n; i++)
			ok &= perm[i] == naive[i];
		CHECK(ok, "argsort n=%lld desc=%d,%d", (long long)n, desc[0], desc[1]);
	}
	free(ua);
	free(ub);
	free(ma);
	free(mb);
	free(a);
	free(b);
	free(perm);
	free(naive);
}

/* naive join in the documented order */
static int64_t naive_join(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, int how,
                          int64_t *li, int64_t *ri)
{
	int64_t m = 0;
	if (how == ML_JOIN_LEFT || how == ML_JOIN_RIGHT) {
		const int64_t *A = how == ML_JOIN_LEFT ? lk : rk, *B = how == ML_JOIN_LEFT ? rk : lk;
		int64_t na = how == ML_JOIN_LEFT ? nl : nr, nb = how == ML_JOIN_LEFT ? nr : nl;
		for (int64_t i = 0; i < na; i++) {
			int any = 0;
			for (int64_t j = 0; j < nb; j++)
				if (A[i] == B[j]) {
					any = 1;
					li[m] = how == ML_JOIN_LEFT ? i : j;
					ri[m++] = how == ML_JOIN_LEFT ? j : i;
				}
			if (!any) {
				li[m] = how == ML_JOIN_LEFT ? i : -1;
				ri[m++] = how == ML_JOIN_LEFT ? -1 : i;
			}
		}
		return m;
	}
	for (int64_t i = 0; i < nl; i++) {
		int first = 1;
		for (int64_t p = 0; p < i; p++)
			if (lk[p] == lk[i])
				first = 0;
		if (!first)
			continue;
		int anyr = 0;
		for (int64_t j = 0; j < nr; j++)
			anyr |= rk[j] == lk[i];
		if (!anyr && how == ML_JOIN_INNER)
			continue;
		for (int64_t p = i; p < nl; p++) {
			if (lk[p] != lk[i])
				continue;
			if (!anyr) {
				li[m] = p;
				ri[m++] = -1;
			}
			for (int64_t j = 0; j < nr; j++)
				if (rk[j] == lk[i]) {
					li[m] = p;
					ri[m++] = j;
				}
		}
	}
	if (how == ML_JOIN_OUTER)
		for (int64_t j = 0; j < nr; j++) {
			int anyl = 0;
			for (int64_t p = 0; p < nl; p++)
				anyl |= lk[p] == rk[j];
			if (!anyl) {
				li[m] = -1;
				ri[m++] = j;
			}
		}
	return m;
}

static void test_join(int64_t nl, int64_t nr, int64_t k)
{
	int64_t *lk = malloc(sizeof *lk * (size_t)(nl + 1)), *rk = malloc(sizeof *rk * (size_t)(nr + 1));
	size_t cap = (size_t)(nl * nr + nl + nr + 1);
	int64_t *li = malloc(sizeof *li * cap), *ri = malloc(sizeof *ri * cap);
	int64_t *wl = malloc(sizeof *wl * cap), *wr = malloc(sizeof *wr * cap);
	for (int64_t i = 0; i < nl; i++)
		lk[i] = (int64_t)(rnd() % (uint64_t)k);
	for (int64_t i = 0; i < nr; i++)
		rk[i] = (int64_t)(rnd() % (uint64_t)k);
	for (int how = 0; how < ML_JOIN_NHOW; how++) {
		int64_t m = -1;
		ml_error e;
		CHECK(ml_join_count(lk, nl, rk, nr, k, (ml_join_how)how, &m, &e) == ML_OK, "%s", e.msg);
		CHECK(ml_join_fill(lk, nl, rk, nr, k, (ml_join_how)how, li, ri, &e) == ML_OK, "%s", e.msg);
		int64_t w = naive_join(lk, nl, rk, nr, how, wl, wr);
		int ok = m == w;
		for (int64_t i = 0; ok && i < m; i++)
			ok &= li[i] == wl[i] && ri[i] == wr[i];
		CHECK(ok, "join %s nl=%lld nr=%lld k=%lld (%lld rows, expected %lld)", ml_join_how_name[how],
		      (long long)nl, (long long)nr, (long long)k, (long long)m, (long long)w);
	}
	if (nl > 0) {
		ml_error e;
		int64_t m;
		lk[0] = k;
		CHECK(ml_join_count(lk, nl, rk, nr, k, ML_JOIN_INNER, &m, &e) == ML_EINVAL &&
		      strstr(e.msg, "out of range"), "bad code: %s", e.msg);
	}
	CHECK(ml_join_how_parse("outer") == ML_JOIN_OUTER && ml_join_how_parse("cross") == -1, "join names");
	free(lk);
	free(rk);
	free(li);
	free(ri);
	free(wl);
	free(wr);
}

static void test_codes(void)
{
	/* levels 0..4 ranked by map (code 0: missing); level 3 unused */
	int64_t map[6] = {-1, 2, 0, 4, 1, 3};
	int64_t code[9] = {1, 2, 0, 4, 2, 5, 1, 0, 4}, gid[9], k, first[4];
	ml_error e;
	CHECK(ml_groupby_codes(code, 9, map, 6, gid, &k, &e) == ML_OK, "%s", e.msg);
	/* present keys: 2, 0, 1, 3 -> ranks 0->1, 1->2, 2->3, 3->4 */
	int64_t want[9] = {3, 1, 0, 2, 1, 4, 3, 0, 2};
	int ok = k == 4;
	for (int i = 0; i < 9; i++)
		ok &= gid[i] == want[i];
	CHECK(ok, "categorical codes ranked among present levels (k=%lld)", (long long)k);
	ml_groupby_first(gid, 1, 9, k, first);
	CHECK(first[0] == 1 && first[1] == 3 && first[2] == 0 && first[3] == 5, "first rows");
	code[4] = 6;
	CHECK(ml_groupby_codes(code, 9, map, 6, gid, &k, &e) == ML_EINVAL && strstr(e.msg, "row 5"), "%s", e.msg);
}

int main(void)
{
	test_codes();
	int64_t sizes[] = {0, 1, 2, 7, 33, 257};
	for (int s = 0; s < 6; s++) {
		test_factorize(sizes[s], 5, 0);
		test_factorize(sizes[s], 5, 1);
		test_factorize(sizes[s], 4000000000, 0);
		test_factorize(sizes[s], 4000000000, 1);
		test_combine(sizes[s]);
		test_reduce(sizes[s], 1);
		test_reduce(sizes[s], 6);
		test_argsort(sizes[s]);
		test_join(sizes[s], sizes[(s + 2) % 6], 4);
		test_join(sizes[s], sizes[s], 9);
	}
	test_f64_keys();
	/* a large input with few groups takes the threaded path of reduce */
	int64_t n = ((int64_t)1 << 22) + 5, ng = 5; /* past the threading threshold */
	double *x = malloc(sizeof *x * (size_t)n), out[5];
	int64_t *g = malloc(sizeof *g * (size_t)n);
	double want[5] = {0};
	for (int64_t i = 0; i < n; i++) {
		x[i] = (double)(i % 11);
		g[i] = i % ng + 1;
		want[i % ng] += x[i];
	}
	ml_error e;
	CHECK(ml_groupby_reduce(ML_GROUPBY_SUM, x, g, 1, n, ng, out, &e) == ML_OK, "%s", e.msg);
	int ok = 1;
	for (int q = 0; q < 5; q++)
		ok &= out[q] == want[q];
	CHECK(ok, "threaded sum");
	CHECK(ml_groupby_reduce(ML_GROUPBY_MAX, x, g, 1, n, ng, out, &e) == ML_OK && out[0] == 10, "threaded max");
	free(x);
	free(g);
	return check_done();
}
