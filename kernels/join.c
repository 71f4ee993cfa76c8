/*
 * join.c - row pairs of inner/left/right/outer joins on shared key codes
 * (join.h).  Each side's rows are bucketed by code with a stable counting
 * sort; the result is then walked once to count and once to fill.
 * Deliberately not here: factorizing keys (groupby.c), gathering columns.
 */
#include <stdlib.h>
#include <string.h>

#include "join.h"

const char *const ml_join_how_name[ML_JOIN_NHOW] = {"inner", "left", "right", "outer"};

int ml_join_how_parse(const char *s)
{
	for (int i = 0; i < ML_JOIN_NHOW; i++)
		if (strcmp(s, ml_join_how_name[i]) == 0)
			return i;
	return -1;
}

/* Rows of one side bucketed by code: rows[start[c] .. start[c+1]) have code c. */
typedef struct buckets {
	int64_t *start;        /* k + 1 offsets */
	int64_t *rows;         /* n row indices, stable within a code */
} buckets;

static void buckets_free(buckets *b)
{
	free(b->start);
	free(b->rows);
}

static int bucket(const int64_t *key, int64_t n, int64_t k, buckets *b, ml_error *e)
{
	b->start = calloc((size_t)k + 2, sizeof *b->start);
	b->rows = malloc((n > 0 ? (size_t)n : 1) * sizeof *b->rows);
	int64_t *pos = malloc(((size_t)k + 1) * sizeof *pos);
	if (!b->start || !b->rows || !pos) {
		free(pos);
		buckets_free(b);
		return ml_fail(e, ML_ENOMEM, "join: out of memory (%lld rows)", (long long)n);
	}
	for (int64_t i = 0; i < n; i++)
		b->start[key[i] + 1]++;
	for (int64_t c = 0; c < k; c++)
		b->start[c + 1] += b->start[c];
	memcpy(pos, b->start, ((size_t)k + 1) * sizeof *pos);
	for (int64_t i = 0; i < n; i++)
		b->rows[pos[key[i]]++] = i;
	free(pos);
	return ML_OK;
}

static int check_codes(const int64_t *c, int64_t n, int64_t k, const char *side, ml_error *e)
{
	for (int64_t i = 0; i < n; i++)
		if (c[i] < 0 || c[i] >= k)
			return ml_fail(e, ML_EINVAL, "join: %s key code %lld out of range 0..%lld (row %lld)",
			               side, (long long)c[i], (long long)k - 1, (long long)i + 1);
	return ML_OK;
}

/* Walks the join; li/ri NULL: only counts.  Returns the row count. */
static int64_t walk(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, ml_join_how how,
                    const buckets *L, const buckets *R, int64_t *li, int64_t *ri)
{
	int64_t m = 0;
#define EMIT(a, b) do { if (li) { li[m] = (a); ri[m] = (b); } m++; } while (0)
	if (how == ML_JOIN_LEFT || how == ML_JOIN_RIGHT) {
		const int64_t *key = how == ML_JOIN_LEFT ? lk : rk;
		int64_t n = how == ML_JOIN_LEFT ? nl : nr;
		const buckets *other = how == ML_JOIN_LEFT ? R : L;
		for (int64_t i = 0; i < n; i++) {
			int64_t c = key[i], a = other->start[c], b = other->start[c + 1];
			if (a == b) {
				if (how == ML_JOIN_LEFT) EMIT(i, -1); else EMIT(-1, i);
			}
			for (int64_t p = a; p < b; p++) {
				if (how == ML_JOIN_LEFT) EMIT(i, other->rows[p]); else EMIT(other->rows[p], i);
			}
		}
		return m;
	}
	/* inner and outer: keys in order of first appearance on the left; a key
	 * is done when its first left row is met */
	for (int64_t i = 0; i < nl; i++) {
		int64_t c = lk[i];
		if (L->rows[L->start[c]] != i)
			continue; /* not the first left row of its key */
		int64_t ra = R->start[c], rb = R->start[c + 1];
		if (ra == rb && how == ML_JOIN_INNER)
			continue;
		for (int64_t p = L->start[c]; p < L->start[c + 1]; p++) {
			if (ra == rb)
				EMIT(L->rows[p], -1);
			for (int64_t q = ra; q < rb; q++)
				EMIT(L->rows[p], R->rows[q]);
		}
	}
	if (how == ML_JOIN_OUTER)
		for (int64_t j = 0; j < nr; j++)
			if (L->start[rk[j]] == L->start[rk[j] + 1])
				EMIT(-1, j);
#undef EMIT
	return m;
}

static int run(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, int64_t k,
               ml_join_how how, int64_t *nout, int64_t *li, int64_t *ri, ml_error *e)
{
	if ((int)how < 0 || how >= ML_JOIN_NHOW)
		return ml_fail(e, ML_EINVAL, "join: unknown join type %d", (int)how);
	int rc = check_codes(lk, nl, k, "left", e);
	if (!rc)
		rc = check_codes(rk, nr, k, "right", e);
	if (rc)
		return rc;
	buckets L, R;
	if ((rc = bucket(lk, nl, k, &L, e)))
		return rc;
	if ((rc = bucket(rk, nr, k, &R, e))) {
		buckets_free(&L);
		return rc;
	}
	int64_t m = walk(lk, nl, rk, nr, how, &L, &R, li, ri);
	if (nout)
		*nout = m;
	buckets_free(&L);
	buckets_free(&R);
	return ML_OK;
}

int ml_join_count(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, int64_t k,
                  ml_join_how how, int64_t *nout, ml_error *e)
{
	return run(lk, nl, rk, nr, k, how, nout, NULL, NULL, e);
}

int ml_join_fill(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, int64_t k,
                 ml_join_how how, int64_t *li, int64_t *ri, ml_error *e)
{
	return run(lk, nl, rk, nr, k, how, NULL, li, ri, e);
}
