/*
 * reduce_walk.c - the memory side of reduce.c and cumulative.c (see
 * reduce_walk.h): tiles of any dtype converted to and from double / int64, and
 * the plan and odometer that walk a tensor along one dimension.  This is the
 * only dtype-specific code of the reductions; it does no arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include "reduce_walk.h"

/* d[0..n) = elements p, p+step, ... (step in bytes) converted to double; the
 * contiguous case is a separate loop so that it vectorizes. */
void ml_walk_load_f(ml_dtype dt, double *restrict d, const char *p, int64_t n, int64_t step)
{
	switch (dt) {
#define LOADF_CASE(E, s, T, N, f)                                                  \
	case ML_##E:                                                               \
		if (step == (int64_t)sizeof(T)) {                                  \
			const T *restrict q = (const T *)(const void *)p;          \
			_Pragma("omp simd") for (int64_t i = 0; i < n; i++)        \
				d[i] = (double)q[i];                               \
		} else {                                                           \
			for (int64_t i = 0; i < n; i++)                            \
				d[i] = (double)*(const T *)(const void *)(p + i * step); \
		}                                                                  \
		break;
		ML_DTYPES(LOADF_CASE)
#undef LOADF_CASE
	default: break;
	}
}

/* Same into int64; only called for integer dtypes. */
void ml_walk_load_i(ml_dtype dt, int64_t *restrict d, const char *p, int64_t n, int64_t step)
{
	switch (dt) {
#define LOADI_CASE(E, s, T, N, f)                                                  \
	case ML_##E:                                                               \
		if (step == (int64_t)sizeof(T)) {                                  \
			const T *restrict q = (const T *)(const void *)p;          \
			_Pragma("omp simd") for (int64_t i = 0; i < n; i++)        \
				d[i] = (int64_t)q[i];                              \
		} else {                                                           \
			for (int64_t i = 0; i < n; i++)                            \
				d[i] = (int64_t)*(const T *)(const void *)(p + i * step); \
		}                                                                  \
		break;
		LOADI_CASE(BYTE, u8, uint8_t, Byte, 0)
		LOADI_CASE(CHAR, i8, int8_t, Char, 0)
		LOADI_CASE(SHORT, i16, int16_t, Short, 0)
		LOADI_CASE(INT, i32, int32_t, Int, 0)
		LOADI_CASE(LONG, i64, int64_t, Long, 0)
#undef LOADI_CASE
	default: break;
	}
}

/* Elements p, p+step, ... = v[0..n) converted to dt (integers saturate, as
 * ml_store_f64 does). */
void ml_walk_store_f(ml_dtype dt, char *p, int64_t step, const double *v, int64_t n)
{
	switch (dt) {
	case ML_DOUBLE:
		for (int64_t i = 0; i < n; i++)
			*(double *)(void *)(p + i * step) = v[i];
		break;
	case ML_FLOAT:
		for (int64_t i = 0; i < n; i++)
			*(float *)(void *)(p + i * step) = (float)v[i];
		break;
	default:
		for (int64_t i = 0; i < n; i++)
			ml_store_f64(dt, p + i * step, v[i]);
		break;
	}
}

/* Same from int64 (integers wrap, as C conversions do). */
void ml_walk_store_i(ml_dtype dt, char *p, int64_t step, const int64_t *v, int64_t n)
{
	switch (dt) {
#define STOREI_CASE(E, s, T, N, f)                                          \
	case ML_##E:                                                        \
		for (int64_t i = 0; i < n; i++)                             \
			*(T *)(void *)(p + i * step) = (T)v[i];             \
		break;
		ML_DTYPES(STOREI_CASE)
#undef STOREI_CASE
	default: break;
	}
}

void ml_walk_plan(ml_walk *p, const ml_tensor *x, int dim, const ml_tensor *res,
                  const ml_tensor *ind)
{
	int64_t ex = (int64_t)ml_dtype_info[x->dtype].size;
	int64_t er = (int64_t)ml_dtype_info[res->dtype].size;
	int64_t ei = ind ? (int64_t)sizeof(int64_t) : 0;
	p->n = x->size[dim];
	p->xs = x->stride[dim] * ex;
	p->rs = res->stride[dim] * er;
	p->x = ml_tensor_data(x);
	p->r = ml_tensor_data(res);
	p->i = ind ? ml_tensor_data(ind) : NULL;
	/* the inner dim: the other dim with the smallest stride in x */
	int inner = -1;
	for (int d = 0; d < x->ndim; d++) {
		if (d == dim || x->size[d] == 1)
			continue;
		if (inner < 0 || llabs(x->stride[d]) < llabs(x->stride[inner]))
			inner = d;
	}
	/* sweep when rows are more contiguous than lines, or when lines are so
	 * short that one stream per output would cost more than the elements */
	p->sweep = inner >= 0 &&
	           (llabs(x->stride[inner]) < llabs(x->stride[dim]) || p->n < ML_WALK_SHORT_LINE);
	p->m = 1;
	p->xm = p->rm = p->im = 0;
	if (p->sweep) {
		p->m = x->size[inner];
		p->xm = x->stride[inner] * ex;
		p->rm = res->stride[inner] * er;
		p->im = ind ? ind->stride[inner] * ei : 0;
	}
	p->nd = 0;
	p->nouter = 1;
	for (int d = 0; d < x->ndim; d++) {
		if (d == dim || x->size[d] == 1 || (p->sweep && d == inner))
			continue;
		p->size[p->nd] = x->size[d];
		p->sx[p->nd] = x->stride[d] * ex;
		p->sr[p->nd] = res->stride[d] * er;
		p->si[p->nd] = ind ? ind->stride[d] * ei : 0;
		p->nouter *= x->size[d];
		p->nd++;
	}
}

void ml_walk_it_init(ml_walk_it *it, const ml_walk *p, int64_t o)
{
	it->x = p->x;
	it->r = p->r;
	it->i = p->i;
	for (int d = p->nd - 1; d >= 0; d--) {
		it->cnt[d] = o % p->size[d];
		o /= p->size[d];
		it->x += it->cnt[d] * p->sx[d];
		it->r += it->cnt[d] * p->sr[d];
		if (it->i)
			it->i += it->cnt[d] * p->si[d];
	}
}

void ml_walk_it_next(ml_walk_it *it, const ml_walk *p)
{
	for (int d = p->nd - 1; d >= 0; d--) {
		it->x += p->sx[d];
		it->r += p->sr[d];
		if (it->i)
			it->i += p->si[d];
		if (++it->cnt[d] < p->size[d])
			return;
		it->x -= p->size[d] * p->sx[d];
		it->r -= p->size[d] * p->sr[d];
		if (it->i)
			it->i -= p->size[d] * p->si[d];
		it->cnt[d] = 0;
	}
}

int ml_walk_check_dim(const char *who, const ml_tensor *x, int dim, ml_error *e)
{
	if (dim < 0 || dim >= x->ndim) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_ERANGE, "torch.%s: dimension %d out of range for a %d-dimensional tensor (%s)",
		               who, dim + 1, x->ndim, ml_tensor_shape_str(s, sizeof s, x));
	}
	return ML_OK;
}

/* Gives t the shape (ndim, size).  Like Torch7's resize, a t that already has
 * that shape keeps its strides (results are written through them). */
int ml_walk_fit(ml_tensor *t, int ndim, const int64_t *size, ml_error *e)
{
	if (t->storage && t->ndim == ndim &&
	    memcmp(t->size, size, sizeof(int64_t) * (size_t)ndim) == 0)
		return ML_OK;
	return ml_tensor_resize(t, ndim, size, e);
}

int ml_walk_shares(const ml_tensor *a, const ml_tensor *b)
{
	return a && b && a->storage && a->storage == b->storage;
}

