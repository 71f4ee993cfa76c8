/*
 * knn.c - k-nearest-neighbour search (see knn.h).
 *
 * Brute force, p = 2: queries are taken in blocks of QB rows (one block per
 * thread at a time) and the training rows in tiles (up to TB rows, fewer for
 * wide rows so that OpenBLAS stays in the calling thread); one GEMM per
 * (block, tile) gives -2 x.y, to which ||y||^2 is added while each score is
 * compared with the largest of the k kept so far (a max-heap per query row:
 * O(N log k) per row, no full sort).  Scratch stays QB x TB doubles per
 * thread whatever N and M are.  The k survivors' distances are then computed
 * exactly and sorted by (distance, index).  p = 1 and the k-d tree compute
 * exact distances throughout.
 *
 * The k-d tree splits each node at the median of its widest dimension
 * (quickselect on the permutation) and keeps every node's bounding box; a
 * query visits the nearer child first and skips a node only when its box is
 * strictly farther than the current k-th distance, so ties are resolved by
 * index exactly as in the brute force.
 *
 * Not here: parameter choice (algorithm "auto"), weights, labels: Lua does
 * those (stdlib/moonlab/ml/neighbors.lua).
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "internal.h"
#include "interrupt.h"
#include "knn.h"

#define QB 64   /* query rows per GEMM block */
#define TB 2048 /* training rows per GEMM tile, at most */
/* OpenBLAS runs a GEMM in the calling thread when M*N*K stays below 65536*4;
 * above that it starts its own threads, which fight ours (each of our
 * threads already runs one GEMM).  Tiles are sized to stay below it. */
#define BLAS_SERIAL_WORK 262000

static int check_pair(const ml_tensor *q, const ml_tensor *x, int64_t k, int p, const char *who,
                      ml_error *e)
{
	char b1[64], b2[64];
	if (q->dtype != ML_DOUBLE || x->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: expected Double tensors (got %s and %s)", who,
		               ml_dtype_info[q->dtype].name, ml_dtype_info[x->dtype].name);
	if (q->ndim != 2 || x->ndim != 2 || q->size[1] != x->size[1])
		return ml_fail(e, ML_ESHAPE, "%s: expected query (M, D) and train (N, D) (got %s and %s)", who,
		               ml_tensor_shape_str(b1, sizeof b1, q), ml_tensor_shape_str(b2, sizeof b2, x));
	if (!ml_tensor_is_contiguous(q) || !ml_tensor_is_contiguous(x))
		return ml_fail(e, ML_EINVAL, "%s: query and train must be contiguous", who);
	if (k < 1 || k > x->size[0])
		return ml_fail(e, ML_EINVAL, "%s: expected 1 <= n_neighbors <= %lld (the training rows), got %lld",
		               who, (long long)x->size[0], (long long)k);
	if (p != 1 && p != 2)
		return ml_fail(e, ML_EINVAL, "%s: p must be 1 or 2 (got %d)", who, p);
	return ML_OK;
}

static int resize2(ml_tensor *t, ml_dtype dt, int64_t r, int64_t c, const char *who, ml_error *e)
{
	int64_t size[2] = {r, c};
	if (t->dtype != dt)
		return ml_fail(e, ML_ETYPE, "%s: result must be %s (got %s)", who, ml_dtype_info[dt].name,
		               ml_dtype_info[t->dtype].name);
	if (ml_tensor_resize(t, 2, size, e))
		return ml_fail(e, ML_ENOMEM, "%s: out of memory for a %lldx%lld result", who, (long long)r,
		               (long long)c);
	return ML_OK;
}

static double dist_of(const double *restrict a, const double *restrict b, int64_t d, int p)
{
	double s = 0;
	if (p == 2) {
		for (int64_t j = 0; j < d; j++) {
			double t = a[j] - b[j];
			s += t * t;
		}
	} else {
		for (int64_t j = 0; j < d; j++)
			s += fabs(a[j] - b[j]);
	}
	return s;
}

/* ---- a max-heap of (value, index) pairs, largest pair at the top ---- */

static int pair_gt(double av, int64_t ai, double bv, int64_t bi)
{
	return av > bv || (av == bv && ai > bi);
}

static void heap_reset(double *hv, int64_t *hi, int64_t k)
{
	for (int64_t j = 0; j < k; j++) {
		hv[j] = INFINITY;
		hi[j] = INT64_MAX;
	}
}

/* Replaces the top by (v, i) and restores the heap order. */
static void heap_replace(double *restrict hv, int64_t *restrict hi, int64_t k, double v, int64_t i)
{
	int64_t c = 0;
	for (;;) {
		int64_t l = 2 * c + 1, r = l + 1, m = c;
		double mv = v;
		int64_t mi = i;
		if (l < k && pair_gt(hv[l], hi[l], mv, mi)) {
			m = l;
			mv = hv[l];
			mi = hi[l];
		}
		if (r < k && pair_gt(hv[r], hi[r], mv, mi))
			m = r;
		if (m == c)
			break;
		hv[c] = hv[m];
		hi[c] = hi[m];
		c = m;
	}
	hv[c] = v;
	hi[c] = i;
}

/* Offers (v, i); kept when it is smaller than the top pair. */
static void heap_offer(double *hv, int64_t *hi, int64_t k, double v, int64_t i)
{
	if (pair_gt(hv[0], hi[0], v, i))
		heap_replace(hv, hi, k, v, i);
}

/* Sorts the k pairs by (value, index): insertion sort, k is small. */
static void sort_pairs(double *v, int64_t *ix, int64_t k)
{
	for (int64_t a = 1; a < k; a++) {
		double tv = v[a];
		int64_t ti = ix[a], b = a;
		while (b > 0 && pair_gt(v[b - 1], ix[b - 1], tv, ti)) {
			v[b] = v[b - 1];
			ix[b] = ix[b - 1];
			b--;
		}
		v[b] = tv;
		ix[b] = ti;
	}
}

/* Exact distances of the kept candidates, sorted, written to row r of the
 * results; returns nonzero when a slot was never filled (non-finite input). */
static int finish_row(const double *xq, const double *X, int64_t d, int64_t k, int p, int64_t *hi,
                      double *outd, int64_t *outi)
{
	for (int64_t j = 0; j < k; j++) {
		if (hi[j] == INT64_MAX)
			return 1;
		outd[j] = dist_of(xq, X + hi[j] * d, d, p);
		outi[j] = hi[j];
	}
	sort_pairs(outd, outi, k);
	if (p == 2)
		for (int64_t j = 0; j < k; j++)
			outd[j] = sqrt(outd[j]);
	return 0;
}

/* ---- brute force ---- */

typedef struct brute_ctx {
	const ml_tensor *q;     /* (M, D) queries */
	const ml_tensor *x;     /* (N, D) training rows */
	int64_t k;              /* neighbours wanted */
	int p;                  /* 1 or 2 */
	const double *xnorm;    /* (N) ||y||^2 (p = 2) */
	const ml_tensor *scores; /* (nparts * QB, tb) GEMM scores (p = 2) */
	int64_t tb;             /* training rows per tile (<= TB) */
	double *heapv;          /* (nparts, QB, k) heap values */
	int64_t *heapi;         /* (nparts, QB, k) heap indices */
	double *dist;           /* (M, k) out */
	int64_t *idx;           /* (M, k) out */
	int failed;             /* 1: GEMM failed, 2: non-finite, 3: interrupted */
} brute_ctx;

static void brute_part(brute_ctx *w, int part, int nparts)
{
	int64_t m = w->q->size[0], n = w->x->size[0], d = w->x->size[1], k = w->k;
	int64_t nb = (m + QB - 1) / QB;
	int64_t b0 = nb * part / nparts, b1 = nb * (part + 1) / nparts;
	const double *Q = ml_tensor_data(w->q), *X = ml_tensor_data(w->x);
	double *hv = w->heapv + (size_t)part * QB * k;
	int64_t *hi = w->heapi + (size_t)part * QB * k;
	ml_error e;
	ml_tensor sc;
	double *S = NULL;
	if (w->p == 2) {
		sc = *w->scores;
		ml_tensor_narrow(&sc, 0, (int64_t)part * QB, QB, &e);
		S = ml_tensor_data(&sc);
	}
	for (int64_t blk = b0; blk < b1 && !w->failed; blk++) {
		int64_t r0 = blk * QB, mq = m - r0 < QB ? m - r0 : QB;
		if (ml_interrupt_pending()) {
			w->failed = 3;
			return;
		}
		heap_reset(hv, hi, mq * k);
		int64_t tb = w->tb;
		for (int64_t t0 = 0; t0 < n; t0 += tb) {
			int64_t nt = n - t0 < tb ? n - t0 : tb;
			if (w->p == 2) {
				ml_tensor qs = *w->q, xs = *w->x, ss = sc;
				ml_tensor_narrow(&qs, 0, r0, mq, &e);
				ml_tensor_narrow(&xs, 0, t0, nt, &e);
				ml_tensor_transpose(&xs, 0, 1, &e);
				ml_tensor_narrow(&ss, 0, 0, mq, &e);
				ml_tensor_narrow(&ss, 1, 0, nt, &e);
				if (ml_blas_gemm(&ss, 0.0, -2.0, &qs, &xs, &e)) {
					w->failed = 1;
					return;
				}
				const double *yn = w->xnorm + t0;
				for (int64_t r = 0; r < mq; r++) {
					const double *restrict row = S + r * tb;
					double *rv = hv + r * k;
					int64_t *ri = hi + r * k;
					double top = rv[0];
					for (int64_t j = 0; j < nt; j++) {
						double v = row[j] + yn[j];
						if (v < top) {
							heap_replace(rv, ri, k, v, t0 + j);
							top = rv[0];
						}
					}
				}
			} else {
				for (int64_t r = 0; r < mq; r++) {
					const double *xq = Q + (r0 + r) * d;
					double *rv = hv + r * k;
					int64_t *ri = hi + r * k;
					for (int64_t j = 0; j < nt; j++) {
						double v = dist_of(xq, X + (t0 + j) * d, d, 1);
						if (v < rv[0])
							heap_replace(rv, ri, k, v, t0 + j);
					}
				}
			}
		}
		for (int64_t r = 0; r < mq; r++)
			if (finish_row(Q + (r0 + r) * d, X, d, k, w->p, hi + r * k, w->dist + (r0 + r) * k,
			               w->idx + (r0 + r) * k))
				w->failed = 2;
	}
}

static int fail_code(int failed, const char *who, ml_error *e)
{
	if (failed == 1)
		return ml_fail(e, ML_EINVAL, "%s: matrix product failed", who);
	if (failed == 2)
		return ml_fail(e, ML_EINVAL, "%s: non-finite distances (NaN or inf in the rows)", who);
	if (failed == 3)
		return ml_fail(e, ML_EINTR, "interrupted");
	return ML_OK;
}

int ml_knn_brute(const ml_tensor *query, const ml_tensor *train, int64_t k, int p, ml_tensor *dist,
                 ml_tensor *idx, const char *who, ml_error *e)
{
	int rc = check_pair(query, train, k, p, who, e);
	if (!rc)
		rc = resize2(dist, ML_DOUBLE, query->size[0], k, who, e);
	if (!rc)
		rc = resize2(idx, ML_LONG, query->size[0], k, who, e);
	if (rc)
		return rc;
	int64_t m = query->size[0], n = train->size[0], d = train->size[1];
	if (m == 0)
		return ML_OK;
	int64_t nb = (m + QB - 1) / QB;
	int nt = ml_threads_for(m * n * (d + 1), 1 << 16);
	if (nt > nb)
		nt = (int)nb;
	if (nt < 1)
		nt = 1;
	double *xnorm = p == 2 ? malloc((size_t)n * sizeof *xnorm) : NULL;
	double *hv = malloc((size_t)nt * QB * k * sizeof *hv);
	int64_t *hi = malloc((size_t)nt * QB * k * sizeof *hi);
	ml_tensor scores;
	int64_t tb = BLAS_SERIAL_WORK / (QB * (d > 0 ? d : 1));
	tb = tb > TB ? TB : tb < 16 ? 16 : tb;
	int64_t ssize[2] = {(int64_t)nt * QB, tb};
	ml_tensor_init(&scores, ML_DOUBLE);
	if ((p == 2 && (!xnorm || ml_tensor_init_sized(&scores, ML_DOUBLE, 2, ssize, e))) || !hv || !hi) {
		free(xnorm);
		ml_tensor_release(&scores);
		free(hv);
		free(hi);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	}
	if (p == 2) {
		const double *X = ml_tensor_data(train);
		for (int64_t i = 0; i < n; i++) {
			double s = 0;
			for (int64_t j = 0; j < d; j++)
				s += X[i * d + j] * X[i * d + j];
			xnorm[i] = s;
		}
	}
	brute_ctx w = {query, train, k, p, xnorm, &scores, tb, hv, hi, ml_tensor_data(dist), ml_tensor_data(idx), 0};
	if (nt > 1) {
#pragma omp parallel num_threads(nt)
		brute_part(&w, omp_get_thread_num(), omp_get_num_threads());
	} else {
		brute_part(&w, 0, 1);
	}
	free(xnorm);
	ml_tensor_release(&scores);
	free(hv);
	free(hi);
	return fail_code(w.failed, who, e);
}

/* ---- naive reference ---- */

typedef struct pair {
	double v;   /* distance (squared for p = 2 until the end) */
	int64_t i;  /* training index */
} pair;

static int pair_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

int ml_knn_naive(const ml_tensor *query, const ml_tensor *train, int64_t k, int p, ml_tensor *dist,
                 ml_tensor *idx, const char *who, ml_error *e)
{
	int rc = check_pair(query, train, k, p, who, e);
	if (!rc)
		rc = resize2(dist, ML_DOUBLE, query->size[0], k, who, e);
	if (!rc)
		rc = resize2(idx, ML_LONG, query->size[0], k, who, e);
	if (rc)
		return rc;
	int64_t m = query->size[0], n = train->size[0], d = train->size[1];
	pair *all = malloc((size_t)n * sizeof *all);
	if (!all)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	const double *Q = ml_tensor_data(query), *X = ml_tensor_data(train);
	double *D = ml_tensor_data(dist);
	int64_t *I = ml_tensor_data(idx);
	for (int64_t r = 0; r < m; r++) {
		for (int64_t i = 0; i < n; i++) {
			all[i].v = dist_of(Q + r * d, X + i * d, d, p);
			all[i].i = i;
		}
		qsort(all, (size_t)n, sizeof *all, pair_cmp);
		for (int64_t j = 0; j < k; j++) {
			D[r * k + j] = p == 2 ? sqrt(all[j].v) : all[j].v;
			I[r * k + j] = all[j].i;
		}
	}
	free(all);
	return ML_OK;
}

/* ---- k-d tree ---- */

typedef struct kd_build {
	const double *X;   /* (N, D) rows */
	int64_t d;         /* dimensions */
	int64_t leaf;      /* leaf size */
	int64_t *perm;     /* (N) row order */
	int64_t *nodes;    /* (cap, 4) */
	double *bounds;    /* (cap, 2, D) */
	int64_t count;     /* nodes made */
} kd_build;

/* Moves perm[s..e) so that position m holds the row whose value in dim is
 * the m-th smallest (ties by row index), smaller ones before it. */
static void select_nth(const double *X, int64_t d, int64_t dim, int64_t *perm, int64_t s, int64_t e,
                       int64_t m)
{
	while (e - s > 1) {
		int64_t piv = perm[s + (e - s) / 2];
		double pv = X[piv * d + dim];
		int64_t lo = s, hi = e - 1;
		while (lo <= hi) {
			while (X[perm[lo] * d + dim] < pv || (X[perm[lo] * d + dim] == pv && perm[lo] < piv))
				lo++;
			while (X[perm[hi] * d + dim] > pv || (X[perm[hi] * d + dim] == pv && perm[hi] > piv))
				hi--;
			if (lo <= hi) {
				int64_t t = perm[lo];
				perm[lo] = perm[hi];
				perm[hi] = t;
				lo++;
				hi--;
			}
		}
		if (m <= hi)
			e = hi + 1;
		else if (m >= lo)
			s = lo;
		else
			return;
	}
}

static int64_t kd_make(kd_build *b, int64_t s, int64_t e)
{
	int64_t id = b->count++, d = b->d;
	double *lo = b->bounds + id * 2 * d, *hi = lo + d;
	for (int64_t j = 0; j < d; j++) {
		lo[j] = INFINITY;
		hi[j] = -INFINITY;
	}
	for (int64_t r = s; r < e; r++) {
		const double *x = b->X + b->perm[r] * d;
		for (int64_t j = 0; j < d; j++) {
			if (x[j] < lo[j])
				lo[j] = x[j];
			if (x[j] > hi[j])
				hi[j] = x[j];
		}
	}
	int64_t *nd = b->nodes + id * 4;
	nd[0] = s;
	nd[1] = e;
	nd[2] = nd[3] = -1;
	int64_t dim = 0;
	double spread = hi[0] - lo[0];
	for (int64_t j = 1; j < d; j++)
		if (hi[j] - lo[j] > spread) {
			spread = hi[j] - lo[j];
			dim = j;
		}
	if (e - s <= b->leaf || !(spread > 0))
		return id;
	int64_t mid = s + (e - s) / 2;
	select_nth(b->X, d, dim, b->perm, s, e, mid);
	int64_t l = kd_make(b, s, mid);
	int64_t r = kd_make(b, mid, e);
	nd = b->nodes + id * 4;
	nd[2] = l;
	nd[3] = r;
	return id;
}

int ml_kdtree_build(const ml_tensor *train, int64_t leaf_size, ml_tensor *perm, ml_tensor *nodes,
                    ml_tensor *bounds, const char *who, ml_error *e)
{
	char b1[64];
	if (train->dtype != ML_DOUBLE || train->ndim != 2 || !ml_tensor_is_contiguous(train) ||
	    train->size[0] < 1)
		return ml_fail(e, ML_EINVAL, "%s: expected a contiguous Double (N, D) tensor, N >= 1 (got %s %s)",
		               who, ml_dtype_info[train->dtype].name, ml_tensor_shape_str(b1, sizeof b1, train));
	if (leaf_size < 1)
		return ml_fail(e, ML_EINVAL, "%s: leaf_size must be >= 1 (got %lld)", who, (long long)leaf_size);
	if (perm->dtype != ML_LONG || nodes->dtype != ML_LONG || bounds->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: results must be Long, Long and Double", who);
	int64_t n = train->size[0], d = train->size[1];
	int64_t half = (leaf_size + 1) / 2;
	int64_t cap = 2 * (n / half + 1) + 1;
	int64_t psize[1] = {n}, nsize[2] = {cap, 4}, bsize[3] = {cap, 2, d};
	if (ml_tensor_resize(perm, 1, psize, e) || ml_tensor_resize(nodes, 2, nsize, e) ||
	    ml_tensor_resize(bounds, 3, bsize, e))
		return ml_fail(e, ML_ENOMEM, "%s: out of memory for a tree of %lld rows", who, (long long)n);
	kd_build b = {ml_tensor_data(train), d, leaf_size, ml_tensor_data(perm), ml_tensor_data(nodes),
	              ml_tensor_data(bounds), 0};
	for (int64_t i = 0; i < n; i++)
		b.perm[i] = i;
	kd_make(&b, 0, n);
	nsize[0] = bsize[0] = b.count;
	/* shrinking keeps the storage and the leading rows */
	ml_tensor_resize(nodes, 2, nsize, e);
	ml_tensor_resize(bounds, 3, bsize, e);
	return ML_OK;
}

typedef struct kd_query {
	const double *X;       /* (N, D) rows */
	int64_t d;             /* dimensions */
	int p;                 /* 1 or 2 */
	const int64_t *perm;   /* (N) */
	const int64_t *nodes;  /* (T, 4) */
	const double *bounds;  /* (T, 2, D) */
	int64_t k;             /* neighbours */
} kd_query;

static double box_dist(const kd_query *t, int64_t node, const double *q)
{
	const double *lo = t->bounds + node * 2 * t->d, *hi = lo + t->d;
	double s = 0;
	for (int64_t j = 0; j < t->d; j++) {
		double g = 0;
		if (q[j] < lo[j])
			g = lo[j] - q[j];
		else if (q[j] > hi[j])
			g = q[j] - hi[j];
		s += t->p == 2 ? g * g : g;
	}
	return s;
}

static void kd_visit(const kd_query *t, int64_t node, double bd, const double *q, double *hv, int64_t *hi)
{
	if (bd > hv[0])
		return;
	const int64_t *nd = t->nodes + node * 4;
	if (nd[2] < 0) {
		for (int64_t r = nd[0]; r < nd[1]; r++) {
			int64_t i = t->perm[r];
			heap_offer(hv, hi, t->k, dist_of(q, t->X + i * t->d, t->d, t->p), i);
		}
		return;
	}
	double dl = box_dist(t, nd[2], q), dr = box_dist(t, nd[3], q);
	if (dl <= dr) {
		kd_visit(t, nd[2], dl, q, hv, hi);
		kd_visit(t, nd[3], dr, q, hv, hi);
	} else {
		kd_visit(t, nd[3], dr, q, hv, hi);
		kd_visit(t, nd[2], dl, q, hv, hi);
	}
}

int ml_kdtree_query(const ml_tensor *train, const ml_tensor *perm, const ml_tensor *nodes,
                    const ml_tensor *bounds, const ml_tensor *query, int64_t k, int p, ml_tensor *dist,
                    ml_tensor *idx, const char *who, ml_error *e)
{
	int rc = check_pair(query, train, k, p, who, e);
	if (rc)
		return rc;
	int64_t n = train->size[0], d = train->size[1], m = query->size[0];
	if (perm->dtype != ML_LONG || perm->ndim != 1 || perm->size[0] != n || nodes->dtype != ML_LONG ||
	    nodes->ndim != 2 || nodes->size[1] != 4 || bounds->dtype != ML_DOUBLE || bounds->ndim != 3 ||
	    bounds->size[0] != nodes->size[0] || bounds->size[2] != d || !ml_tensor_is_contiguous(perm) ||
	    !ml_tensor_is_contiguous(nodes) || !ml_tensor_is_contiguous(bounds))
		return ml_fail(e, ML_EINVAL, "%s: the tree does not match the training rows", who);
	if ((rc = resize2(dist, ML_DOUBLE, m, k, who, e)) || (rc = resize2(idx, ML_LONG, m, k, who, e)))
		return rc;
	if (m == 0)
		return ML_OK;
	int nt = ml_threads_for(m * k * 64 * d, 1 << 14);
	if (nt < 1)
		nt = 1;
	double *hv = malloc((size_t)nt * k * sizeof *hv);
	int64_t *hi = malloc((size_t)nt * k * sizeof *hi);
	if (!hv || !hi) {
		free(hv);
		free(hi);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	}
	kd_query t = {ml_tensor_data(train), d, p, ml_tensor_data(perm), ml_tensor_data(nodes),
	              ml_tensor_data(bounds), k};
	const double *Q = ml_tensor_data(query);
	double *D = ml_tensor_data(dist);
	int64_t *I = ml_tensor_data(idx);
	int failed = 0;
#pragma omp parallel num_threads(nt)
	{
		int part = omp_get_thread_num(), np = omp_get_num_threads();
		int64_t r0 = m * part / np, r1 = m * (part + 1) / np;
		double *myv = hv + (size_t)part * k;
		int64_t *myi = hi + (size_t)part * k;
		for (int64_t r = r0; r < r1; r++) {
			if ((r & 1023) == 0 && ml_interrupt_pending()) {
				failed = 3;
				break;
			}
			const double *q = Q + r * d;
			heap_reset(myv, myi, k);
			kd_visit(&t, 0, box_dist(&t, 0, q), q, myv, myi);
			if (finish_row(q, t.X, d, k, p, myi, D + r * k, I + r * k))
				failed = 2;
		}
	}
	free(hv);
	free(hi);
	return fail_code(failed, who, e);
}

/* ---- class vote ---- */

int ml_knn_vote(const ml_tensor *labels, const ml_tensor *idx, const ml_tensor *weights, int64_t nclasses,
                ml_tensor *proba, const char *who, ml_error *e)
{
	if (labels->dtype != ML_LONG || idx->dtype != ML_LONG || (weights && weights->dtype != ML_DOUBLE) ||
	    labels->ndim != 1 || idx->ndim != 2 || !ml_tensor_is_contiguous(labels) ||
	    !ml_tensor_is_contiguous(idx) ||
	    (weights && (!ml_tensor_is_contiguous(weights) || weights->ndim != 2 ||
	                 weights->size[0] != idx->size[0] || weights->size[1] != idx->size[1])))
		return ml_fail(e, ML_EINVAL, "%s: expected labels (N, Long), idx (M, k, Long), weights (M, k, Double)",
		               who);
	if (nclasses < 1)
		return ml_fail(e, ML_EINVAL, "%s: nclasses must be >= 1", who);
	int64_t m = idx->size[0], k = idx->size[1], n = labels->size[0];
	int rc = resize2(proba, ML_DOUBLE, m, nclasses, who, e);
	if (rc)
		return rc;
	const int64_t *lab = ml_tensor_data(labels), *I = ml_tensor_data(idx);
	const double *W = weights ? ml_tensor_data(weights) : NULL;
	double *P = ml_tensor_data(proba);
	for (int64_t r = 0; r < m; r++) {
		double *row = P + r * nclasses;
		for (int64_t c = 0; c < nclasses; c++)
			row[c] = 0;
		for (int64_t j = 0; j < k; j++) {
			int64_t i = I[r * k + j];
			if (i < 0 || i >= n || lab[i] < 0 || lab[i] >= nclasses)
				return ml_fail(e, ML_ERANGE, "%s: neighbour index or label out of range", who);
			row[lab[i]] += W ? W[r * k + j] : 1.0;
		}
		double s = 0;
		for (int64_t c = 0; c < nclasses; c++)
			s += row[c];
		if (s != 0)
			for (int64_t c = 0; c < nclasses; c++)
				row[c] /= s;
	}
	return ML_OK;
}
