/*
 * kmeans.c - k-means assignment, Lloyd and Elkan iterations (see kmeans.h).
 *
 * Assignment: rows are split into at most 64 blocks handed to OpenMP
 * threads dynamically and walked in chunks of CHUNK rows; each chunk's
 * scores ||c||^2 - 2 x.c come from one GEMM (ml_blas_gemm, small enough that
 * OpenBLAS runs it in the calling thread), the argmin keeps the first of
 * equal minima.  New centers are summed in per-block buffers reduced in block
 * order (results independent of the thread count).  Elkan's iterations keep an
 * upper bound per row and a lower bound per (row, center) and compute exact
 * distances only where the bounds cannot decide, as scikit-learn's
 * _k_means_elkan does.  Both stop as scikit-learn's _kmeans_single_* do.
 *
 * Not here: initialisation, sample weights, float32 (the Lua side converts).
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "internal.h"
#include "interrupt.h"
#include "kmeans.h"

#define CHUNK 1024

static int check_inputs(const ml_tensor *x, const ml_tensor *c, const char *who, ml_error *e)
{
	char b1[64], b2[64];
	if (x->dtype != ML_DOUBLE || c->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: expected Double tensors (got %s and %s)", who,
		               ml_dtype_info[x->dtype].name, ml_dtype_info[c->dtype].name);
	if (x->ndim != 2 || c->ndim != 2 || x->size[1] != c->size[1] || c->size[0] < 1)
		return ml_fail(e, ML_ESHAPE, "%s: expected x (N, D) and centers (K, D), K >= 1 (got %s and %s)",
		               who, ml_tensor_shape_str(b1, sizeof b1, x), ml_tensor_shape_str(b2, sizeof b2, c));
	if (!ml_tensor_is_contiguous(x) || !ml_tensor_is_contiguous(c))
		return ml_fail(e, ML_EINVAL, "%s: x and centers must be contiguous", who);
	return ML_OK;
}

static int resize1(ml_tensor *t, int64_t n, ml_dtype dt, const char *who, ml_error *e)
{
	if (t->dtype != dt)
		return ml_fail(e, ML_ETYPE, "%s: result must be a %s tensor (got %s)", who,
		               ml_dtype_info[dt].name, ml_dtype_info[t->dtype].name);
	int rc = ml_tensor_resize(t, 1, &n, e);
	if (rc)
		return rc;
	if (!ml_tensor_is_contiguous(t))
		return ml_fail(e, ML_EINVAL, "%s: result must be contiguous", who);
	return ML_OK;
}

static double sqdist(const double *restrict a, const double *restrict b, int64_t d)
{
	double s = 0;
	for (int64_t j = 0; j < d; j++) {
		double t = a[j] - b[j];
		s += t * t;
	}
	return s;
}

/* Work shared by the Lloyd assignment threads.  Rows are split into nb
 * blocks handed out dynamically (a thread descheduled on a busy machine does
 * not hold the others up); each block sums its rows into its own buffer and
 * the buffers are reduced in block order, so the centers do not depend on
 * the thread count or on which thread ran which block. */
typedef struct lloyd_ctx {
	const ml_tensor *x;      /* (N, D) */
	const ml_tensor *c;      /* (K, D) */
	const double *cnorm;     /* (K) squared norms of the centers */
	ml_tensor *scores;       /* (nthreads * CHUNK, K) scratch, one slice per thread */
	int64_t *labels;         /* (N) out */
	double *sums;            /* (nb, K, D) per-block sums, or NULL */
	double *counts;          /* (nb, K) per-block counts, or NULL */
	int64_t nb;              /* blocks */
	int failed;              /* set by a thread whose GEMM failed */
} lloyd_ctx;

static void lloyd_block(lloyd_ctx *w, int64_t blk, int thread)
{
	int64_t n = w->x->size[0], d = w->x->size[1], k = w->c->size[0];
	int64_t b = n * blk / w->nb, end = n * (blk + 1) / w->nb;
	const double *X = ml_tensor_data(w->x);
	ml_tensor ct = *w->c, sc = *w->scores;
	ml_error e;
	ml_tensor_transpose(&ct, 0, 1, &e);
	ml_tensor_narrow(&sc, 0, (int64_t)thread * CHUNK, CHUNK, &e);
	double *sums = w->sums ? w->sums + (size_t)blk * k * d : NULL;
	double *counts = w->counts ? w->counts + (size_t)blk * k : NULL;
	for (int64_t r0 = b; r0 < end; r0 += CHUNK) {
		int64_t m = end - r0 < CHUNK ? end - r0 : CHUNK;
		ml_tensor xs = *w->x, ss = sc;
		ml_tensor_narrow(&xs, 0, r0, m, &e);
		ml_tensor_narrow(&ss, 0, 0, m, &e);
		if (ml_blas_gemm(&ss, 0.0, -2.0, &xs, &ct, &e)) {
			w->failed = 1;
			return;
		}
		const double *s = ml_tensor_data(&ss);
		for (int64_t r = 0; r < m; r++) {
			const double *row = s + r * k;
			int64_t best = 0;
			double bv = row[0] + w->cnorm[0];
			for (int64_t j = 1; j < k; j++) {
				double v = row[j] + w->cnorm[j];
				if (v < bv) {
					bv = v;
					best = j;
				}
			}
			w->labels[r0 + r] = best;
			if (sums) {
				const double *xi = X + (r0 + r) * d;
				double *acc = sums + best * d;
				for (int64_t j = 0; j < d; j++)
					acc[j] += xi[j];
				counts[best] += 1;
			}
		}
	}
}

/* Labels of every row by GEMM scores; with sums/counts (K, D)/(K) also the
 * per-cluster sums of the rows and their counts. */
static int lloyd_assign(const ml_tensor *x, const ml_tensor *c, int64_t *labels, double *sums,
                        double *counts, const char *who, ml_error *e)
{
	int64_t n = x->size[0], d = x->size[1], k = c->size[0];
	int64_t nchunks = (n + CHUNK - 1) / CHUNK;
	int64_t nb = nchunks < 64 ? nchunks : 64;
	while (nb > 1 && nb * (k * d + k) > ((int64_t)1 << 22))
		nb /= 2;
	if (nb < 1)
		nb = 1;
	int nt = ml_threads_for(n * k * (d + 1), 1 << 16);
	if (nt > nb)
		nt = (int)nb;
	double *cnorm = malloc((size_t)k * sizeof *cnorm);
	double *bsums = sums ? calloc((size_t)nb * k * d + 1, sizeof *bsums) : NULL;
	double *bcounts = sums ? calloc((size_t)nb * k + 1, sizeof *bcounts) : NULL;
	ml_tensor scores;
	int64_t ssize[2] = {(int64_t)nt * CHUNK, k};
	ml_tensor_init(&scores, ML_DOUBLE);
	if (!cnorm || (sums && (!bsums || !bcounts)) || ml_tensor_init_sized(&scores, ML_DOUBLE, 2, ssize, e)) {
		free(cnorm);
		free(bsums);
		free(bcounts);
		ml_tensor_release(&scores);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	}
	const double *C = ml_tensor_data(c);
	for (int64_t j = 0; j < k; j++) {
		cnorm[j] = 0;
		for (int64_t t = 0; t < d; t++)
			cnorm[j] += C[j * d + t] * C[j * d + t];
	}
	lloyd_ctx w = {x, c, cnorm, &scores, labels, bsums, bcounts, nb, 0};
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
	for (int64_t blk = 0; blk < nb; blk++)
		lloyd_block(&w, blk, omp_get_thread_num());
	int rc = ML_OK;
	if (w.failed) {
		rc = ml_fail(e, ML_EINVAL, "%s: matrix product failed", who);
	} else if (sums) {
		memset(sums, 0, (size_t)k * d * sizeof *sums);
		memset(counts, 0, (size_t)k * sizeof *counts);
		for (int64_t t = 0; t < nb; t++) {
			for (int64_t i = 0; i < k * d; i++)
				sums[i] += bsums[(size_t)t * k * d + i];
			for (int64_t j = 0; j < k; j++)
				counts[j] += bcounts[(size_t)t * k + j];
		}
	}
	free(cnorm);
	free(bsums);
	free(bcounts);
	ml_tensor_release(&scores);
	return rc;
}

int ml_kmeans_assign(const ml_tensor *x, const ml_tensor *centers, ml_tensor *labels,
                     ml_tensor *mind, const char *who, ml_error *e)
{
	int rc = check_inputs(x, centers, who, e);
	if (!rc)
		rc = resize1(labels, x->size[0], ML_LONG, who, e);
	if (!rc && mind)
		rc = resize1(mind, x->size[0], ML_DOUBLE, who, e);
	if (rc)
		return rc;
	int64_t n = x->size[0], d = x->size[1];
	int64_t *lab = ml_tensor_data(labels);
	if (n == 0)
		return ML_OK;
	if ((rc = lloyd_assign(x, centers, lab, NULL, NULL, who, e)))
		return rc;
	if (mind) {
		const double *X = ml_tensor_data(x), *C = ml_tensor_data(centers);
		double *md = ml_tensor_data(mind);
		for (int64_t i = 0; i < n; i++)
			md[i] = sqdist(X + i * d, C + lab[i] * d, d);
	}
	return ML_OK;
}

int ml_kmeans_assign_naive(const ml_tensor *x, const ml_tensor *centers, ml_tensor *labels,
                           ml_tensor *mind, const char *who, ml_error *e)
{
	int rc = check_inputs(x, centers, who, e);
	if (!rc)
		rc = resize1(labels, x->size[0], ML_LONG, who, e);
	if (!rc && mind)
		rc = resize1(mind, x->size[0], ML_DOUBLE, who, e);
	if (rc)
		return rc;
	int64_t n = x->size[0], d = x->size[1], k = centers->size[0];
	const double *X = ml_tensor_data(x), *C = ml_tensor_data(centers);
	int64_t *lab = ml_tensor_data(labels);
	for (int64_t i = 0; i < n; i++) {
		int64_t best = 0;
		double bv = sqdist(X + i * d, C, d);
		for (int64_t j = 1; j < k; j++) {
			double v = sqdist(X + i * d, C + j * d, d);
			if (v < bv) {
				bv = v;
				best = j;
			}
		}
		lab[i] = best;
		if (mind)
			((double *)ml_tensor_data(mind))[i] = bv;
	}
	return ML_OK;
}

/* scikit-learn's _relocate_empty_clusters_dense: each empty cluster takes
 * the row farthest from its (old) center, removed from its old cluster's sum.
 * sums/counts are the per-cluster sums before averaging. */
static int relocate_empty(const double *X, int64_t n, int64_t d, int64_t k, const double *old,
                          const int64_t *labels, double *sums, double *counts)
{
	int64_t nempty = 0;
	for (int64_t j = 0; j < k; j++)
		nempty += counts[j] == 0;
	if (nempty == 0)
		return ML_OK;
	double *dist = malloc((size_t)n * sizeof *dist);
	if (!dist)
		return ML_ENOMEM;
	for (int64_t i = 0; i < n; i++)
		dist[i] = sqdist(X + i * d, old + labels[i] * d, d);
	for (int64_t j = 0; j < k; j++) {
		if (counts[j] != 0)
			continue;
		int64_t far = 0; /* the farthest row not taken yet (taken rows get -1) */
		for (int64_t i = 1; i < n; i++)
			if (dist[i] > dist[far])
				far = i;
		dist[far] = -1;
		int64_t from = labels[far];
		for (int64_t t = 0; t < d; t++) {
			sums[from * d + t] -= X[far * d + t];
			sums[j * d + t] = X[far * d + t];
		}
		counts[j] = 1;
		counts[from] -= 1;
	}
	free(dist);
	return ML_OK;
}

/* new = sums / counts (clusters left empty keep their old center, which only
 * happens when K > N); shift[j] = ||new_j - old_j||. */
static void average(double *newc, const double *sums, const double *counts, const double *old,
                    int64_t k, int64_t d, double *shift)
{
	for (int64_t j = 0; j < k; j++) {
		for (int64_t t = 0; t < d; t++)
			newc[j * d + t] = counts[j] > 0 ? sums[j * d + t] / counts[j] : old[j * d + t];
		shift[j] = sqrt(sqdist(newc + j * d, old + j * d, d));
	}
}

/* Elkan state: bounds and center geometry. */
typedef struct elkan_state {
	double *upper;   /* (N) upper bound on the distance to the own center */
	double *lower;   /* (N, K) lower bounds on the distance to each center */
	double *half;    /* (K, K) half the distances between centers */
	double *next;    /* (K) half the distance to the nearest other center */
} elkan_state;

static void center_geometry(const double *C, int64_t k, int64_t d, elkan_state *s)
{
	for (int64_t a = 0; a < k; a++) {
		s->half[a * k + a] = 0;
		for (int64_t b = a + 1; b < k; b++)
			s->half[a * k + b] = s->half[b * k + a] = sqrt(sqdist(C + a * d, C + b * d, d)) / 2;
	}
	for (int64_t a = 0; a < k; a++) {
		double m = INFINITY;
		for (int64_t b = 0; b < k; b++)
			if (b != a && s->half[a * k + b] < m)
				m = s->half[a * k + b];
		s->next[a] = m;
	}
}

static void elkan_init_bounds(const double *X, const double *C, int64_t n, int64_t d, int64_t k,
                              elkan_state *s, int64_t *labels)
{
#pragma omp parallel for schedule(static) if (n * k * d > (1 << 16))
	for (int64_t i = 0; i < n; i++) {
		const double *xi = X + i * d;
		int64_t best = 0;
		double md = sqrt(sqdist(xi, C, d));
		s->lower[i * k] = md;
		for (int64_t j = 1; j < k; j++) {
			if (md > s->half[best * k + j]) {
				double v = sqrt(sqdist(xi, C + j * d, d));
				s->lower[i * k + j] = v;
				if (v < md) {
					md = v;
					best = j;
				}
			}
		}
		labels[i] = best;
		s->upper[i] = md;
	}
}

/* One Elkan pass over rows [b, end) with centers C: updates labels and
 * bounds; with sums, accumulates the cluster sums and counts. */
static void elkan_rows(const double *X, const double *C, int64_t b, int64_t end, int64_t d, int64_t k,
                       elkan_state *s, int64_t *labels, double *sums, double *counts)
{
	for (int64_t i = b; i < end; i++) {
		const double *xi = X + i * d;
		double *low = s->lower + i * k;
		double up = s->upper[i];
		int tight = 0;
		int64_t lab = labels[i];
		if (!(s->next[lab] >= up)) {
			for (int64_t j = 0; j < k; j++) {
				if (j != lab && up > low[j] && up > s->half[lab * k + j]) {
					if (!tight) {
						up = sqrt(sqdist(xi, C + lab * d, d));
						low[lab] = up;
						tight = 1;
					}
					if (up > low[j] || up > s->half[lab * k + j]) {
						double v = sqrt(sqdist(xi, C + j * d, d));
						low[j] = v;
						if (v < up) {
							lab = j;
							up = v;
						}
					}
				}
			}
		}
		labels[i] = lab;
		s->upper[i] = up;
		if (sums) {
			for (int64_t t = 0; t < d; t++)
				sums[lab * d + t] += xi[t];
			counts[lab] += 1;
		}
	}
}

static int elkan_pass(const double *X, const double *C, int64_t n, int64_t d, int64_t k, elkan_state *s,
                      int64_t *labels, double *sums, double *counts)
{
	int nt = ml_threads_for(n * k * d, 1 << 15);
	if (!sums || nt <= 1) {
		if (sums) {
			memset(sums, 0, (size_t)k * d * sizeof *sums);
			memset(counts, 0, (size_t)k * sizeof *counts);
		}
		elkan_rows(X, C, 0, n, d, k, s, labels, sums, counts);
		return ML_OK;
	}
	double *ts = calloc((size_t)nt * (k * d + k), sizeof *ts);
	if (!ts)
		return ML_ENOMEM;
#pragma omp parallel num_threads(nt)
	{
		int p = omp_get_thread_num(), np = omp_get_num_threads();
		double *mys = ts + (size_t)p * (k * d + k);
		elkan_rows(X, C, n * p / np, n * (p + 1) / np, d, k, s, labels, mys, mys + k * d);
	}
	memset(sums, 0, (size_t)k * d * sizeof *sums);
	memset(counts, 0, (size_t)k * sizeof *counts);
	for (int t = 0; t < nt; t++) {
		const double *mys = ts + (size_t)t * (k * d + k);
		for (int64_t i = 0; i < k * d; i++)
			sums[i] += mys[i];
		for (int64_t j = 0; j < k; j++)
			counts[j] += mys[k * d + j];
	}
	free(ts);
	return ML_OK;
}

static double inertia_of(const double *X, const double *C, const int64_t *labels, int64_t n, int64_t d)
{
	double s = 0;
#pragma omp parallel for reduction(+ : s) schedule(static) if (n * d > (1 << 16))
	for (int64_t i = 0; i < n; i++)
		s += sqdist(X + i * d, C + labels[i] * d, d);
	return s;
}

int ml_kmeans_run(const ml_tensor *x, ml_tensor *centers, ml_tensor *labels, int64_t max_iter,
                  double tol, int elkan, ml_kmeans_result *res, const char *who, ml_error *e)
{
	int rc = check_inputs(x, centers, who, e);
	if (!rc)
		rc = resize1(labels, x->size[0], ML_LONG, who, e);
	if (rc)
		return rc;
	int64_t n = x->size[0], d = x->size[1], k = centers->size[0];
	if (k > n)
		return ml_fail(e, ML_EINVAL, "%s: %lld clusters for %lld rows", who, (long long)k, (long long)n);
	const double *X = ml_tensor_data(x);
	double *C = ml_tensor_data(centers);
	int64_t *lab = ml_tensor_data(labels);
	size_t kd = (size_t)k * d;
	double *buf = malloc((2 * kd + 2 * k) * sizeof *buf);
	int64_t *old = malloc((size_t)n * sizeof *old);
	elkan_state s = {0};
	rc = ML_OK;
	if (elkan) {
		s.upper = malloc((size_t)n * sizeof *s.upper);
		s.lower = calloc((size_t)n * k, sizeof *s.lower);
		s.half = malloc((size_t)k * k * sizeof *s.half);
		s.next = malloc((size_t)k * sizeof *s.next);
	}
	if (!buf || !old || (elkan && (!s.upper || !s.lower || !s.half || !s.next))) {
		rc = ml_fail(e, ML_ENOMEM, "%s: out of memory (%lldx%lld, %lld clusters)", who, (long long)n,
		             (long long)d, (long long)k);
		goto done;
	}
	double *sums = buf, *newc = buf + kd, *counts = buf + 2 * kd, *shift = counts + k;
	for (int64_t i = 0; i < n; i++)
		old[i] = lab[i] = -1;
	if (elkan) {
		center_geometry(C, k, d, &s);
		elkan_init_bounds(X, C, n, d, k, &s, lab);
	}
	int strict = 0;
	int64_t it;
	for (it = 0; it < max_iter; it++) {
		if (ml_interrupt_pending()) {
			rc = ml_fail(e, ML_EINTR, "interrupted");
			goto done;
		}
		if (elkan) {
			if (elkan_pass(X, C, n, d, k, &s, lab, sums, counts)) {
				rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
				goto done;
			}
		} else if ((rc = lloyd_assign(x, centers, lab, sums, counts, who, e))) {
			goto done;
		}
		if (relocate_empty(X, n, d, k, C, lab, sums, counts)) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
			goto done;
		}
		average(newc, sums, counts, C, k, d, shift);
		if (elkan) {
			for (int64_t i = 0; i < n; i++) {
				s.upper[i] += shift[lab[i]];
				for (int64_t j = 0; j < k; j++) {
					double v = s.lower[i * k + j] - shift[j];
					s.lower[i * k + j] = v > 0 ? v : 0;
				}
			}
			center_geometry(newc, k, d, &s);
		}
		memcpy(C, newc, kd * sizeof *C);
		if (memcmp(lab, old, (size_t)n * sizeof *lab) == 0) {
			strict = 1;
			break;
		}
		double tot = 0;
		for (int64_t j = 0; j < k; j++)
			tot += shift[j] * shift[j];
		if (tot <= tol)
			break;
		memcpy(old, lab, (size_t)n * sizeof *lab);
	}
	res->n_iter = it < max_iter ? it + 1 : max_iter;
	if (!strict) {
		if (elkan) {
			elkan_pass(X, C, n, d, k, &s, lab, NULL, NULL);
		} else if ((rc = lloyd_assign(x, centers, lab, NULL, NULL, who, e))) {
			goto done;
		}
	}
	res->inertia = inertia_of(X, C, lab, n, d);
done:
	free(buf);
	free(old);
	free(s.upper);
	free(s.lower);
	free(s.half);
	free(s.next);
	return rc;
}
