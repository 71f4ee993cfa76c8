/*
 * metrics.c - true/false positive counts at every distinct score (see
 * metrics.h).  The positive and the negative scores are turned into
 * order-preserving 64-bit keys, each group radix-sorted (LSD, one byte per
 * pass, passes whose byte is constant skipped), then both are walked from the
 * top together.  No index is carried, so the sort moves 8 bytes per element.
 * This file does not compute the curves' areas (Lua does, on m points).
 */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* order-preserving key of a double (ascending keys = ascending values) */
static uint64_t key_of(double d)
{
	uint64_t u;
	if (d == 0.0)
		d = 0.0; /* -0.0 and +0.0 are one value */
	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : (u | ((uint64_t)1 << 63));
}

static double value_of(uint64_t k)
{
	uint64_t u = (k >> 63) ? (k & ~((uint64_t)1 << 63)) : ~k;
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* sorts a[0..n) ascending; tmp has room for n.  Result in a. */
static void radix_sort(uint64_t *a, uint64_t *tmp, int64_t n)
{
	enum { PASSES = 8 };
	int64_t count[PASSES][256]; /* 16 KiB: the counts of every byte, in one read */
	uint64_t *src = a, *dst = tmp;
	memset(count, 0, sizeof count);
	for (int64_t i = 0; i < n; i++)
		for (int p = 0; p < PASSES; p++)
			count[p][(a[i] >> (8 * p)) & 0xff]++;
	for (int p = 0; p < PASSES; p++) {
		int64_t *c = count[p];
		int trivial = 0;
		for (int b = 0; b < 256; b++)
			if (c[b] == n)
				trivial = 1;
		if (trivial)
			continue;
		int64_t sum = 0;
		for (int b = 0; b < 256; b++) {
			int64_t t = c[b];
			c[b] = sum;
			sum += t;
		}
		for (int64_t i = 0; i < n; i++)
			dst[c[(src[i] >> (8 * p)) & 0xff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (size_t)n * sizeof *a);
}

int ml_metrics_clf_curve(const double *score, const double *truth, int64_t n, double *fps, double *tps,
                         double *thr, int64_t *m, ml_error *e)
{
	*m = 0;
	if (n < 0)
		return ml_fail(e, ML_EINVAL, "ml.metrics: negative length %lld", (long long)n);
	if (n == 0)
		return ML_OK;
	uint64_t *keys = malloc((size_t)n * sizeof *keys);
	uint64_t *tmp = malloc((size_t)n * sizeof *tmp);
	if (keys == NULL || tmp == NULL) {
		free(keys);
		free(tmp);
		return ml_fail(e, ML_ENOMEM, "ml.metrics: out of memory sorting %lld scores", (long long)n);
	}
	/* positives at the front, negatives from the back */
	int64_t np = 0, nn = 0;
	for (int64_t i = 0; i < n; i++) {
		if (truth[i] != 0)
			keys[np++] = key_of(score[i]);
		else
			keys[n - 1 - nn++] = key_of(score[i]);
	}
	radix_sort(keys, tmp, np);
	radix_sort(keys + np, tmp, nn);
	/* walk both groups from their largest key */
	int64_t i = np - 1, j = n - 1, out = 0;
	double tp = 0, fp = 0;
	while (i >= 0 || j >= np) {
		uint64_t v;
		if (i < 0)
			v = keys[j];
		else if (j < np)
			v = keys[i];
		else
			v = keys[i] > keys[j] ? keys[i] : keys[j];
		for (; i >= 0 && keys[i] == v; i--)
			tp += 1;
		for (; j >= np && keys[j] == v; j--)
			fp += 1;
		fps[out] = fp;
		tps[out] = tp;
		thr[out] = value_of(v);
		out++;
	}
	*m = out;
	free(keys);
	free(tmp);
	return ML_OK;
}

typedef struct pair {
	double s; /* score (-0.0 made +0.0) */
	double t; /* 1 positive, 0 negative */
} pair;

static int by_score_desc(const void *a, const void *b)
{
	double x = ((const pair *)a)->s, y = ((const pair *)b)->s;
	return (x < y) - (x > y);
}

int ml_metrics_clf_curve_ref(const double *score, const double *truth, int64_t n, double *fps,
                             double *tps, double *thr, int64_t *m, ml_error *e)
{
	*m = 0;
	if (n < 0)
		return ml_fail(e, ML_EINVAL, "ml.metrics: negative length %lld", (long long)n);
	if (n == 0)
		return ML_OK;
	pair *p = malloc((size_t)n * sizeof *p);
	if (p == NULL)
		return ml_fail(e, ML_ENOMEM, "ml.metrics: out of memory sorting %lld scores", (long long)n);
	for (int64_t i = 0; i < n; i++) {
		p[i].s = score[i] == 0.0 ? 0.0 : score[i];
		p[i].t = truth[i] != 0 ? 1 : 0;
	}
	qsort(p, (size_t)n, sizeof *p, by_score_desc);
	double tp = 0, fp = 0;
	int64_t out = 0;
	for (int64_t i = 0; i < n; i++) {
		tp += p[i].t;
		fp += 1 - p[i].t;
		if (i == n - 1 || p[i + 1].s != p[i].s) {
			fps[out] = fp;
			tps[out] = tp;
			thr[out] = p[i].s;
			out++;
		}
	}
	*m = out;
	free(p);
	return ML_OK;
}
