/*
 * groupby.c - factorizing keys into dense sorted codes, combining several
 * keys, reducing values per group, and stable multi-key sorting (groupby.h).
 *
 * Factorizing: a key range no wider than a few times the row count uses a
 * direct table (mark present keys, prefix-count ranks); wider ranges use an
 * open-addressing hash table of the distinct keys, which are then sorted to
 * give ranks.  Reductions accumulate per group in one pass (two for the
 * standard deviation; the median gathers each group's values and sorts them).
 * Deliberately not here: strings and NaN-aware keys beyond doubles.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groupby.h"
#include "internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

const char *const ml_groupby_op_name[ML_GROUPBY_NOPS] = {
	"sum", "mean", "count", "min", "max", "std", "var", "median", "size",
};

int ml_groupby_op_parse(const char *s)
{
	for (int i = 0; i < ML_GROUPBY_NOPS; i++)
		if (strcmp(s, ml_groupby_op_name[i]) == 0)
			return i;
	return -1;
}

void ml_groupby_key_f64(const double *x, int64_t n, int64_t *key, uint8_t *miss)
{
	for (int64_t i = 0; i < n; i++) {
		double v = x[i];
		if (v != v) {
			key[i] = 0;
			miss[i] = 1;
			continue;
		}
		if (v == 0)
			v = 0.0; /* -0.0 and 0.0 are one key */
		uint64_t u;
		memcpy(&u, &v, sizeof u);
		/* negative doubles: flip all bits; positive: flip the sign bit; the
		 * unsigned order is then the numeric order; shift to signed order */
		u = (u >> 63) ? ~u : (u | 0x8000000000000000u);
		key[i] = (int64_t)(u ^ 0x8000000000000000u);
		miss[i] = 0;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* 64-bit mix (splitmix64's finalizer) */
static inline uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Hash path: distinct keys into a table, sorted, then each row's rank. */
static int factorize_hash(const int64_t *key, const uint8_t *miss, int64_t n, int64_t *codes,
                          int64_t *ngroups, ml_error *e)
{
	size_t cap = 1024;
	int64_t *slot_key = NULL, *slot_id = NULL, *uniq = NULL, *rank = NULL, *order = NULL;
	int64_t nu = 0;
	int rc = ML_ENOMEM;
	slot_key = malloc(cap * sizeof *slot_key);
	slot_id = malloc(cap * sizeof *slot_id);
	size_t ucap = 1024;
	uniq = malloc(ucap * sizeof *uniq);
	if (!slot_key || !slot_id || !uniq)
		goto done;
	for (size_t s = 0; s < cap; s++)
		slot_id[s] = -1;
	for (int64_t i = 0; i < n; i++) {
		if (miss && miss[i]) {
			codes[i] = -1;
			continue;
		}
		int64_t k = key[i];
		size_t mask = cap - 1, s = (size_t)mix((uint64_t)k) & mask;
		while (slot_id[s] >= 0 && slot_key[s] != k)
			s = (s + 1) & mask;
		if (slot_id[s] < 0) {
			if ((size_t)nu == ucap) {
				int64_t *u2 = realloc(uniq, 2 * ucap * sizeof *uniq);
				if (!u2)
					goto done;
				uniq = u2;
				ucap *= 2;
			}
			slot_id[s] = nu;
			slot_key[s] = k;
			uniq[nu++] = k;
			if ((size_t)nu * 2 > cap) { /* grow and rehash */
				size_t cap2 = cap * 2;
				int64_t *k2 = malloc(cap2 * sizeof *k2), *i2 = malloc(cap2 * sizeof *i2);
				if (!k2 || !i2) {
					free(k2);
					free(i2);
					goto done;
				}
				for (size_t t = 0; t < cap2; t++)
					i2[t] = -1;
				for (size_t t = 0; t < cap; t++) {
					if (slot_id[t] < 0)
						continue;
					size_t u = (size_t)mix((uint64_t)slot_key[t]) & (cap2 - 1);
					while (i2[u] >= 0)
						u = (u + 1) & (cap2 - 1);
					i2[u] = slot_id[t];
					k2[u] = slot_key[t];
				}
				free(slot_key);
				free(slot_id);
				slot_key = k2;
				slot_id = i2;
				cap = cap2;
			}
			codes[i] = nu - 1;
		} else {
			codes[i] = slot_id[s];
		}
	}
	/* rank of each provisional id: sort copies of the keys */
	order = malloc((size_t)(nu ? nu : 1) * sizeof *order);
	rank = malloc((size_t)(nu ? nu : 1) * sizeof *rank);
	if (!order || !rank)
		goto done;
	memcpy(order, uniq, (size_t)nu * sizeof *order);
	qsort(order, (size_t)nu, sizeof *order, cmp_i64);
	/* find each uniq key's position in the sorted list by the hash table:
	 * reuse slot_id to store the rank of its provisional id */
	for (int64_t r = 0; r < nu; r++) {
		int64_t k = order[r];
		size_t mask = cap - 1, s = (size_t)mix((uint64_t)k) & mask;
		while (slot_key[s] != k || slot_id[s] < 0)
			s = (s + 1) & mask;
		rank[slot_id[s]] = r;
	}
	for (int64_t i = 0; i < n; i++)
		if (codes[i] >= 0)
			codes[i] = rank[codes[i]];
	*ngroups = nu;
	rc = ML_OK;
done:
	free(slot_key);
	free(slot_id);
	free(uniq);
	free(rank);
	free(order);
	if (rc)
		ml_fail(e, rc, "groupby.factorize: out of memory (%lld rows)", (long long)n);
	return rc;
}

int ml_groupby_factorize(const int64_t *key, const uint8_t *miss, int64_t n, int64_t *codes,
                         int64_t *ngroups, ml_error *e)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, present = 0;
	for (int64_t i = 0; i < n; i++) {
		if (miss && miss[i])
			continue;
		int64_t k = key[i];
		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
		present++;
	}
	if (present == 0) {
		for (int64_t i = 0; i < n; i++)
			codes[i] = -1;
		*ngroups = 0;
		return ML_OK;
	}
	/* the range in unsigned arithmetic: hi - lo can exceed INT64_MAX */
	uint64_t range = (uint64_t)hi - (uint64_t)lo;
	if (range >= (uint64_t)(4 * n + 4096) || range >= ((uint64_t)1 << 28))
		return factorize_hash(key, miss, n, codes, ngroups, e);
	size_t w = (size_t)range + 1;
	int64_t *rank = calloc(w, sizeof *rank);
	if (!rank)
		return ml_fail(e, ML_ENOMEM, "groupby.factorize: out of memory (%lld rows)", (long long)n);
	for (int64_t i = 0; i < n; i++)
		if (!(miss && miss[i]))
			rank[(uint64_t)key[i] - (uint64_t)lo] = 1;
	int64_t k = 0;
	for (size_t s = 0; s < w; s++) {
		int64_t p = rank[s];
		rank[s] = k;
		k += p;
	}
	int nt = ml_threads_for(n, (int64_t)1 << 21);
#pragma omp parallel for num_threads(nt) schedule(static)
	for (int64_t i = 0; i < n; i++)
		codes[i] = (miss && miss[i]) ? -1 : rank[(uint64_t)key[i] - (uint64_t)lo];
	free(rank);
	*ngroups = k;
	return ML_OK;
}

int ml_groupby_combine(int nkeys, const int64_t *const *codes, const int64_t *card, int64_t n,
                       int64_t *out, int64_t *ngroups, ml_error *e)
{
	if (nkeys < 1)
		return ml_fail(e, ML_EINVAL, "groupby.combine: no keys");
	int64_t k = card[0];
	for (int64_t i = 0; i < n; i++)
		out[i] = codes[0][i];
	for (int j = 1; j < nkeys; j++) {
		/* k <= n after each densify, so k * c stays far below 2^63 */
		int64_t c = card[j] > 0 ? card[j] : 1;
		for (int64_t i = 0; i < n; i++) {
			int64_t a = out[i], b = codes[j][i];
			out[i] = (a < 0 || b < 0) ? -1 : a * c + b;
		}
		/* densify: the combined values keep lexicographic order */
		uint8_t *miss = malloc(n > 0 ? (size_t)n : 1);
		if (!miss)
			return ml_fail(e, ML_ENOMEM, "groupby.combine: out of memory (%lld rows)", (long long)n);
		for (int64_t i = 0; i < n; i++)
			miss[i] = out[i] < 0;
		int rc = ml_groupby_factorize(out, miss, n, out, &k, e);
		free(miss);
		if (rc)
			return rc;
	}
	*ngroups = k;
	return ML_OK;
}

void ml_groupby_first(const int64_t *codes, int64_t base, int64_t n, int64_t ngroups,
                      int64_t *first)
{
	for (int64_t g = 0; g < ngroups; g++)
		first[g] = -1;
	int64_t seen = 0;
	for (int64_t i = 0; i < n && seen < ngroups; i++) {
		int64_t g = codes[i] - base;
		if (g >= 0 && g < ngroups && first[g] < 0) {
			first[g] = i;
			seen++;
		}
	}
}

int ml_groupby_codes(const int64_t *code, int64_t n, const int64_t *map, int64_t nmap,
                     int64_t *gid, int64_t *ngroups, ml_error *e)
{
	/* dense[k]: 1 when key k occurs; final[c]: the group id of code c */
	int64_t *dense = calloc((size_t)(nmap > 0 ? nmap : 0) + 1, sizeof *dense);
	int64_t *final = malloc(((size_t)(nmap > 0 ? nmap : 0) + 1) * sizeof *final);
	if (!dense || !final) {
		free(dense);
		free(final);
		return ml_fail(e, ML_ENOMEM, "groupby.codes: out of memory (%lld levels)", (long long)nmap);
	}
	/* the keys a code can reach; the scan for present keys stops once all
	 * were seen (levels read from data all occur, usually early) */
	int64_t reachable = 0;
	for (int64_t c = 0; c < nmap; c++) {
		int64_t k = map[c];
		if (k >= 0 && k <= nmap && !dense[k]) {
			dense[k] = 1;
			reachable++;
		}
	}
	memset(dense, 0, ((size_t)(nmap > 0 ? nmap : 0) + 1) * sizeof *dense);
	int64_t seen = 0;
	for (int64_t i = 0; i < n && seen < reachable; i++) {
		int64_t c = code[i];
		if (c < 0 || c >= nmap)
			break; /* reported by the pass below */
		int64_t k = map[c];
		if (k >= 0 && k <= nmap && !dense[k]) {
			dense[k] = 1;
			seen++;
		}
	}
	int64_t k = 0;
	for (int64_t j = 0; j <= nmap; j++) {
		int64_t p = dense[j];
		dense[j] = p ? ++k : 0;
	}
	for (int64_t c = 0; c < nmap; c++)
		final[c] = map[c] >= 0 && map[c] <= nmap ? dense[map[c]] : 0;
	/* the one full pass: each row's group id, checking the codes */
	int64_t bad = -1;
	for (int64_t i = 0; i < n; i++) {
		int64_t c = code[i];
		if ((uint64_t)c >= (uint64_t)nmap) {
			bad = i;
			break;
		}
		gid[i] = final[c];
	}
	free(dense);
	free(final);
	if (bad >= 0)
		return ml_fail(e, ML_EINVAL, "groupby.codes: code %lld out of range for %lld levels (row %lld)",
		               (long long)code[bad], (long long)nmap - 1, (long long)bad + 1);
	*ngroups = k;
	return ML_OK;
}

/* Accumulators of one part of the rows: sum, count, min, max per group. */
typedef struct acc {
	double *sum;           /* sum of non-NaN values */
	int64_t *cnt;          /* non-NaN values (or rows, for SIZE) */
	double *mn, *mx;       /* extremes (NaN: none yet) */
} acc;

/* Returns the first row of [b, end) whose group is >= ngroups, or -1.  One
 * loop per kind of op, so that each stays a tight loop. */
static int64_t accumulate(ml_groupby_op op, const double *restrict x, const int64_t *restrict codes,
                          int64_t base, int64_t ngroups, int64_t b, int64_t end, const acc *a)
{
	double *restrict sum = a->sum, *restrict mn = a->mn, *restrict mx = a->mx;
	int64_t *restrict cnt = a->cnt;
	uint64_t k = (uint64_t)ngroups;
	int64_t i;
	switch (op) {
	case ML_GROUPBY_SIZE:
		for (i = b; i < end; i++) {
			int64_t g = codes[i] - base;
			if (g < 0)
				continue;
			if ((uint64_t)g >= k)
				return i;
			cnt[g]++;
		}
		break;
	case ML_GROUPBY_MIN:
	case ML_GROUPBY_MAX:
		for (i = b; i < end; i++) {
			int64_t g = codes[i] - base;
			double v = x[i];
			if (g < 0)
				continue;
			if ((uint64_t)g >= k)
				return i;
			if (v != v)
				continue;
			cnt[g]++;
			if (op == ML_GROUPBY_MIN ? !(mn[g] <= v) : !(mx[g] >= v)) {
				mn[g] = op == ML_GROUPBY_MIN ? v : mn[g];
				mx[g] = op == ML_GROUPBY_MAX ? v : mx[g];
			}
		}
		break;
	default: /* sum, mean, count, std, var */
		for (i = b; i < end; i++) {
			int64_t g = codes[i] - base;
			double v = x[i];
			if (g < 0)
				continue;
			if ((uint64_t)g >= k)
				return i;
			if (v == v) {
				sum[g] += v;
				cnt[g]++;
			}
		}
		break;
	}
	return -1;
}

static int cmp_f64(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;
	return (a > b) - (a < b);
}

/* Median per group: bucket the non-NaN values by group, sort each bucket. */
static int reduce_median(const double *x, const int64_t *codes, int64_t base, int64_t n,
                         int64_t ngroups, double *out, ml_error *e)
{
	int64_t *start = calloc((size_t)ngroups + 1, sizeof *start);
	double *vals = malloc((n > 0 ? (size_t)n : 1) * sizeof *vals);
	int64_t *pos = malloc(((size_t)ngroups + 1) * sizeof *pos);
	if (!start || !vals || !pos) {
		free(start);
		free(vals);
		free(pos);
		return ml_fail(e, ML_ENOMEM, "groupby.reduce: out of memory (%lld rows)", (long long)n);
	}
	for (int64_t i = 0; i < n; i++)
		if (codes[i] - base >= 0 && x[i] == x[i])
			start[codes[i] - base + 1]++;
	for (int64_t g = 0; g < ngroups; g++)
		start[g + 1] += start[g];
	memcpy(pos, start, ((size_t)ngroups + 1) * sizeof *pos);
	for (int64_t i = 0; i < n; i++)
		if (codes[i] - base >= 0 && x[i] == x[i])
			vals[pos[codes[i] - base]++] = x[i];
	for (int64_t g = 0; g < ngroups; g++) {
		int64_t m = start[g + 1] - start[g];
		double *v = vals + start[g];
		if (m == 0) {
			out[g] = NAN;
			continue;
		}
		qsort(v, (size_t)m, sizeof *v, cmp_f64);
		out[g] = (m % 2) ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
	}
	free(start);
	free(vals);
	free(pos);
	return ML_OK;
}

int ml_groupby_reduce(ml_groupby_op op, const double *x, const int64_t *codes, int64_t base,
                      int64_t n, int64_t ngroups, double *out, ml_error *e)
{
	if ((int)op < 0 || op >= ML_GROUPBY_NOPS)
		return ml_fail(e, ML_EINVAL, "groupby.reduce: unknown op %d", (int)op);
	if (op == ML_GROUPBY_MEDIAN || op == ML_GROUPBY_STD || op == ML_GROUPBY_VAR)
		for (int64_t i = 0; i < n; i++)
			if (codes[i] - base >= ngroups)
				return ml_fail(e, ML_EINVAL, "groupby.reduce: group %lld out of range (%lld groups)",
				               (long long)(codes[i] - base), (long long)ngroups);
	if (op == ML_GROUPBY_MEDIAN)
		return reduce_median(x, codes, base, n, ngroups, out, e);
	/* threads only for long inputs: the serial loop runs at about 1 ns a row, so
	 * below some millions of rows a thread team costs more than it saves; and
	 * only with many rows per group, to amortize each thread's own tables */
	int nt = ml_threads_for(n, (int64_t)1 << 21);
	if (op == ML_GROUPBY_STD || op == ML_GROUPBY_VAR || ngroups * 16 > n / (nt > 0 ? nt : 1))
		nt = 1;
	size_t g1 = (size_t)(ngroups ? ngroups : 1);
	size_t per = g1 * (2 * sizeof(double) + sizeof(int64_t) + sizeof(double));
	char *mem = malloc(per * (size_t)nt);
	if (!mem)
		return ml_fail(e, ML_ENOMEM, "groupby.reduce: out of memory (%lld groups)", (long long)ngroups);
	acc *parts = malloc(sizeof *parts * (size_t)nt);
	int64_t *bad = malloc(sizeof *bad * (size_t)nt);
	if (!parts || !bad) {
		free(parts);
		free(bad);
		free(mem);
		return ml_fail(e, ML_ENOMEM, "groupby.reduce: out of memory (%lld groups)", (long long)ngroups);
	}
	for (int t = 0; t < nt; t++) {
		char *p = mem + per * (size_t)t;
		parts[t].sum = (double *)p;
		parts[t].mn = parts[t].sum + g1;
		parts[t].mx = parts[t].mn + g1;
		parts[t].cnt = (int64_t *)(parts[t].mx + g1);
		for (size_t g = 0; g < g1; g++) {
			parts[t].sum[g] = 0;
			parts[t].mn[g] = NAN;
			parts[t].mx[g] = NAN;
			parts[t].cnt[g] = 0;
		}
	}
#pragma omp parallel num_threads(nt)
	{
#ifdef _OPENMP
		int t = omp_get_thread_num();
#else
		int t = 0;
#endif
		int64_t b = n * t / nt, end = n * (t + 1) / nt;
		bad[t] = accumulate(op, x, codes, base, ngroups, b, end, &parts[t]);
	}
	for (int t = 0; t < nt; t++)
		if (bad[t] >= 0) {
			int64_t i = bad[t];
			free(parts);
			free(bad);
			free(mem);
			return ml_fail(e, ML_EINVAL, "groupby.reduce: group %lld out of range (%lld groups, row %lld)",
			               (long long)(codes[i] - base), (long long)ngroups, (long long)i + 1);
		}
	acc *a = &parts[0];
	for (int t = 1; t < nt; t++)
		for (int64_t g = 0; g < ngroups; g++) {
			a->sum[g] += parts[t].sum[g];
			a->cnt[g] += parts[t].cnt[g];
			if (!(a->mn[g] <= parts[t].mn[g]))
				a->mn[g] = parts[t].mn[g] == parts[t].mn[g] ? parts[t].mn[g] : a->mn[g];
			if (!(a->mx[g] >= parts[t].mx[g]))
				a->mx[g] = parts[t].mx[g] == parts[t].mx[g] ? parts[t].mx[g] : a->mx[g];
		}
	for (int64_t g = 0; g < ngroups; g++) {
		switch (op) {
		case ML_GROUPBY_SUM: out[g] = a->sum[g]; break;
		case ML_GROUPBY_MEAN:
		case ML_GROUPBY_STD:
		case ML_GROUPBY_VAR: out[g] = a->cnt[g] ? a->sum[g] / (double)a->cnt[g] : NAN; break;
		case ML_GROUPBY_COUNT:
		case ML_GROUPBY_SIZE: out[g] = (double)a->cnt[g]; break;
		case ML_GROUPBY_MIN: out[g] = a->mn[g]; break;
		case ML_GROUPBY_MAX: out[g] = a->mx[g]; break;
		default: break;
		}
	}
	if (op == ML_GROUPBY_STD || op == ML_GROUPBY_VAR) {
		/* second pass: squared deviations from each group's mean */
		double *ss = a->mn;
		for (int64_t g = 0; g < ngroups; g++)
			ss[g] = 0;
		for (int64_t i = 0; i < n; i++) {
			int64_t g = codes[i] - base;
			if (g >= 0 && x[i] == x[i]) {
				double d = x[i] - out[g];
				ss[g] += d * d;
			}
		}
		for (int64_t g = 0; g < ngroups; g++) {
			double v = a->cnt[g] > 1 ? ss[g] / (double)(a->cnt[g] - 1) : NAN;
			out[g] = op == ML_GROUPBY_STD ? sqrt(v) : v;
		}
	}
	free(parts);
	free(bad);
	free(mem);
	return ML_OK;
}

/* ---- stable multi-key sort ---- */

/* One stable LSD pass family: sorts perm (with its keys kv, both n) by kv,
 * 16 bits at a time; digits equal in every row are skipped.  perm2/kv2 are
 * scratch of n; cnt of 65537.  The result is in perm/kv. */
static void radix_sort(int64_t n, int64_t *perm, uint64_t *kv, int64_t *perm2, uint64_t *kv2,
                       int64_t *cnt)
{
	for (int shift = 0; shift < 64; shift += 16) {
		memset(cnt, 0, 65537 * sizeof *cnt);
		for (int64_t i = 0; i < n; i++)
			cnt[((kv[i] >> shift) & 0xFFFF) + 1]++;
		int one = 0;
		for (int d = 1; d <= 65536 && !one; d++)
			one = cnt[d] == n;
		if (one)
			continue; /* every row has this digit: the pass would change nothing */
		for (int d = 0; d < 65536; d++)
			cnt[d + 1] += cnt[d];
		for (int64_t i = 0; i < n; i++) {
			int64_t pos = cnt[(kv[i] >> shift) & 0xFFFF]++;
			perm2[pos] = perm[i];
			kv2[pos] = kv[i];
		}
		memcpy(perm, perm2, (size_t)n * sizeof *perm);
		memcpy(kv, kv2, (size_t)n * sizeof *kv);
	}
}

int ml_groupby_argsort(int nkeys, const uint64_t *const *key, const uint8_t *const *miss,
                       const int *desc, int64_t n, int64_t *perm, ml_error *e)
{
	if (nkeys < 1)
		return ml_fail(e, ML_EINVAL, "groupby.argsort: no keys");
	size_t rows = n > 0 ? (size_t)n : 1;
	int64_t *perm2 = malloc(rows * sizeof *perm2), *cnt = malloc(65537 * sizeof *cnt);
	uint64_t *kv = malloc(rows * sizeof *kv), *kv2 = malloc(rows * sizeof *kv2);
	if (!perm2 || !cnt || !kv || !kv2) {
		free(perm2);
		free(cnt);
		free(kv);
		free(kv2);
		return ml_fail(e, ML_ENOMEM, "groupby.argsort: out of memory (%lld rows)", (long long)n);
	}
	for (int64_t i = 0; i < n; i++)
		perm[i] = i;
	/* least significant key first; each pass is stable, so ties keep the
	 * order the later keys (and finally the rows) gave them */
	for (int j = nkeys - 1; j >= 0; j--) {
		const uint64_t *k = key[j];
		const uint8_t *m = miss ? miss[j] : NULL;
		for (int64_t i = 0; i < n; i++) {
			int64_t r = perm[i];
			kv[i] = (m && m[r]) ? 0 : desc[j] ? ~k[r] : k[r];
		}
		radix_sort(n, perm, kv, perm2, kv2, cnt);
		if (m) { /* missing values last, in the order they have */
			int64_t w = 0;
			for (int64_t i = 0; i < n; i++)
				if (!m[perm[i]])
					perm[w++] = perm[i];
				else
					perm2[i - w] = perm[i];
			memcpy(perm + w, perm2, (size_t)(n - w) * sizeof *perm);
		}
	}
	free(perm2);
	free(cnt);
	free(kv);
	free(kv2);
	return ML_OK;
}
