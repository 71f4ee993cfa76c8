/*
 * cumulative.c - cumulative sums and products along one dimension
 * (ml_reduce_cumsum, ml_reduce_cumprod; contracts in reduce.h).
 *
 * Lines along the dim are scanned one by one, or, when another dim is more
 * contiguous (or lines are short), whole rows of it are scanned at once, as
 * reduce.c does (the walk is in reduce_walk.c).  Integers scan exactly in int64
 * (wrapping), floating values in double with Neumaier's compensation.  Outputs
 * are independent, so they are split across threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reduce.h"
#include "reduce_walk.h"

#define TILE 128 /* elements converted at once */

typedef struct cum_state {
	int is_prod;       /* product, else sum */
	int is_int;        /* exact int64 arithmetic */
	ml_dtype dt, rdt;  /* dtypes of x and res */
	const ml_walk *p;  /* the walk */
} cum_state;

/* Running sum with Neumaier's compensation: *s + *c is the accurate sum.
 * Both error terms are computed and one selected, which avoids a branch the
 * processor cannot predict. */
static inline double neumaier(double *s, double *c, double v)
{
	double t = *s + v;
	double big = (*s - t) + v, small = (v - t) + *s;
	*c += fabs(*s) >= fabs(v) ? big : small;
	*s = t;
	return t + *c;
}

static void cum_line(const cum_state *cs, const char *x, char *r)
{
	const ml_walk *p = cs->p;
	union {
		double f[TILE];
		int64_t i[TILE];
	} b;
	double s = cs->is_prod ? 1 : 0, c = 0;
	int64_t is = cs->is_prod ? 1 : 0;
	if (cs->dt == ML_DOUBLE && cs->rdt == ML_DOUBLE) { /* the common case, without tiles */
		for (int64_t i = 0; i < p->n; i++) {
			double v = *(const double *)(const void *)(x + i * p->xs);
			*(double *)(void *)(r + i * p->rs) = cs->is_prod ? (s *= v) : neumaier(&s, &c, v);
		}
		return;
	}
	for (int64_t i0 = 0; i0 < p->n; i0 += TILE) {
		int64_t k = p->n - i0 < TILE ? p->n - i0 : TILE;
		if (cs->is_int) {
			ml_walk_load_i(cs->dt, b.i, x + i0 * p->xs, k, p->xs);
			for (int64_t i = 0; i < k; i++) {
				is = cs->is_prod ? (int64_t)((uint64_t)is * (uint64_t)b.i[i])
				                 : (int64_t)((uint64_t)is + (uint64_t)b.i[i]);
				b.i[i] = is;
			}
			ml_walk_store_i(cs->rdt, r + i0 * p->rs, p->rs, b.i, k);
		} else {
			ml_walk_load_f(cs->dt, b.f, x + i0 * p->xs, k, p->xs);
			for (int64_t i = 0; i < k; i++)
				b.f[i] = cs->is_prod ? (s *= b.f[i]) : neumaier(&s, &c, b.f[i]);
			ml_walk_store_f(cs->rdt, r + i0 * p->rs, p->rs, b.f, k);
		}
	}
}

/* w columns, row by row; f/g/i are scratch arrays of w elements (running
 * value, compensation, int running value) and rowf/rowi row buffers. */
static void cum_sweep(const cum_state *cs, const char *x, char *r, int64_t w, double *f,
                      double *g, double *rowf, int64_t *iv, int64_t *rowi)
{
	const ml_walk *p = cs->p;
	for (int64_t j = 0; j < w; j++) {
		f[j] = cs->is_prod ? 1 : 0;
		g[j] = 0;
		iv[j] = cs->is_prod ? 1 : 0;
	}
	for (int64_t row = 0; row < p->n; row++) {
		const char *q = x + row * p->xs;
		char *o = r + row * p->rs;
		if (cs->is_int) {
			ml_walk_load_i(cs->dt, rowi, q, w, p->xm);
			for (int64_t j = 0; j < w; j++) {
				iv[j] = cs->is_prod ? (int64_t)((uint64_t)iv[j] * (uint64_t)rowi[j])
				                    : (int64_t)((uint64_t)iv[j] + (uint64_t)rowi[j]);
				rowi[j] = iv[j];
			}
			ml_walk_store_i(cs->rdt, o, p->rm, rowi, w);
		} else {
			ml_walk_load_f(cs->dt, rowf, q, w, p->xm);
			for (int64_t j = 0; j < w; j++)
				rowf[j] = cs->is_prod ? (f[j] *= rowf[j]) : neumaier(&f[j], &g[j], rowf[j]);
			ml_walk_store_f(cs->rdt, o, p->rm, rowf, w);
		}
	}
}

static int cum_tasks(const cum_state *cs, int64_t t0, int64_t t1)
{
	const ml_walk *p = cs->p;
	if (t0 >= t1)
		return 0;
	ml_walk_it it;
	if (!p->sweep) {
		ml_walk_it_init(&it, p, t0);
		for (int64_t t = t0; t < t1; t++) {
			if (t > t0)
				ml_walk_it_next(&it, p);
			cum_line(cs, it.x, it.r);
		}
		return 0;
	}
	int64_t ntile = (p->m + ML_WALK_SWEEP_W - 1) / ML_WALK_SWEEP_W;
	int64_t wmax = p->m < ML_WALK_SWEEP_W ? p->m : ML_WALK_SWEEP_W;
	double *f = malloc(sizeof(double) * (size_t)(3 * wmax));
	int64_t *iv = malloc(sizeof(int64_t) * (size_t)(2 * wmax));
	if (!f || !iv) {
		free(f);
		free(iv);
		return -1;
	}
	ml_walk_it_init(&it, p, t0 / ntile);
	for (int64_t t = t0; t < t1; t++) {
		int64_t tile = t % ntile;
		if (t > t0 && tile == 0)
			ml_walk_it_next(&it, p);
		int64_t j0 = tile * ML_WALK_SWEEP_W;
		int64_t w = p->m - j0 < ML_WALK_SWEEP_W ? p->m - j0 : ML_WALK_SWEEP_W;
		cum_sweep(cs, it.x + j0 * p->xm, it.r + j0 * p->rm, w, f, f + wmax, f + 2 * wmax, iv,
		          iv + wmax);
	}
	free(f);
	free(iv);
	return 0;
}

static int cumulative(int is_prod, ml_tensor *res, const ml_tensor *x, int dim, ml_error *e)
{
	const char *who = is_prod ? "cumprod" : "cumsum";
	int rc = ml_walk_check_dim(who, x, dim, e);
	if (rc)
		return rc;
	int same_view = res->storage == x->storage && res->offset == x->offset &&
	                ml_tensor_same_size(res, x) &&
	                memcmp(res->stride, x->stride, sizeof(int64_t) * (size_t)x->ndim) == 0 &&
	                res->dtype == x->dtype;
	if (ml_walk_shares(res, x) && !same_view) {
		ml_tensor tmp;
		ml_tensor_init(&tmp, res->dtype);
		rc = cumulative(is_prod, &tmp, x, dim, e);
		if (!rc)
			rc = ml_walk_fit(res, tmp.ndim, tmp.size, e);
		if (!rc)
			rc = ml_tensor_copy(res, &tmp, e);
		ml_tensor_release(&tmp);
		return rc;
	}
	rc = ml_walk_fit(res, x->ndim, x->size, e);
	if (rc)
		return rc;
	if (ml_tensor_numel(x) == 0)
		return ML_OK;
	ml_walk p;
	ml_walk_plan(&p, x, dim, res, NULL);
	cum_state cs = {is_prod, !ml_dtype_info[x->dtype].is_float, x->dtype, res->dtype, &p};
	int64_t ntasks = p.sweep ? p.nouter * ((p.m + ML_WALK_SWEEP_W - 1) / ML_WALK_SWEEP_W) : p.nouter;
	int nt = ml_threads_for(ml_tensor_numel(x), ML_GRAIN_CHEAP);
	int64_t nchunks = ntasks < 8 * (int64_t)nt ? ntasks : 8 * (int64_t)nt;
	int failed = 0;
	if (nt <= 1 || nchunks < 2) {
		failed = cum_tasks(&cs, 0, ntasks);
	} else { /* chunks taken as threads finish; outputs do not depend on the split */
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) reduction(| : failed)
		for (int64_t k = 0; k < nchunks; k++)
			failed |= cum_tasks(&cs, ntasks * k / nchunks, ntasks * (k + 1) / nchunks);
	}
	if (failed)
		return ml_fail(e, ML_ENOMEM, "torch.%s: cannot allocate scratch memory", who);
	return ML_OK;
}

int ml_reduce_cumsum(ml_tensor *res, const ml_tensor *x, int dim, ml_error *e)
{
	return cumulative(0, res, x, dim, e);
}

int ml_reduce_cumprod(ml_tensor *res, const ml_tensor *x, int dim, ml_error *e)
{
	return cumulative(1, res, x, dim, e);
}
