/*
 * reduce_walk.h - private to the reduction kernels (reduce.c, cumulative.c):
 * loading and storing tiles of any dtype as double or int64, and walking a
 * tensor along one dimension.  Not part of the public API; no arithmetic.
 *
 * A walk along dim splits the other dims of x in two: an optional "inner" dim
 * swept a row at a time (chosen when it is more contiguous than the walked dim,
 * or when lines along dim are short), and the "outer" dims, visited by an
 * odometer.  Each output (or each tile of ML_WALK_SWEEP_W inner columns) is an
 * independent task, so tasks can be split across threads freely.
 */
#ifndef ML_REDUCE_WALK_H
#define ML_REDUCE_WALK_H

#include "tensor.h"

#define ML_WALK_SWEEP_W 512    /* inner columns one sweep task handles */
#define ML_WALK_SHORT_LINE 16  /* lines shorter than this are swept across outputs */

/* d[0..n) = the elements at p, p+step, ... (step in bytes) of dtype dt,
 * converted to double (load_f) or int64 (load_i, integer dtypes only). */
void ml_walk_load_f(ml_dtype dt, double *restrict d, const char *p, int64_t n, int64_t step);
void ml_walk_load_i(ml_dtype dt, int64_t *restrict d, const char *p, int64_t n, int64_t step);
/* The elements at p, p+step, ... of dtype dt = v[0..n) converted: from double
 * integers saturate (as ml_store_f64), from int64 they wrap (as C casts). */
void ml_walk_store_f(ml_dtype dt, char *p, int64_t step, const double *v, int64_t n);
void ml_walk_store_i(ml_dtype dt, char *p, int64_t step, const int64_t *v, int64_t n);

/* How the elements of x map to outputs: the reduced dim (n, strides), an
 * optional swept inner dim, and the remaining "outer" dims walked by an
 * odometer.  All strides are in bytes. */
typedef struct ml_walk {
	int64_t n;                                 /* length of the reduced dim */
	int64_t xs, rs;                            /* its stride in x and in res (cum only) */
	int sweep;                                 /* 1: sweep rows of the inner dim */
	int64_t m;                                 /* inner dim length (1 when not sweeping) */
	int64_t xm, rm, im;                        /* inner dim strides in x, res, ind */
	int nd;                                    /* number of outer dims */
	int64_t size[ML_MAX_DIMS];                 /* outer dim sizes */
	int64_t sx[ML_MAX_DIMS], sr[ML_MAX_DIMS], si[ML_MAX_DIMS]; /* outer strides */
	int64_t nouter;                            /* product of the outer sizes */
	char *x, *r, *i;                           /* first elements of x, res, ind (i may be NULL) */
} ml_walk;

/* Plans the walk of x along dim; res (and ind, which may be NULL) are the
 * result tensors: of x's shape with size 1 at dim (reductions), or of x's
 * shape (scans).  x, res and ind must have storage when x is not empty. */
void ml_walk_plan(ml_walk *p, const ml_tensor *x, int dim, const ml_tensor *res,
                  const ml_tensor *ind);

/* Odometer over the outer dims. */
typedef struct ml_walk_it {
	int64_t cnt[ML_MAX_DIMS];  /* current index along each outer dim */
	char *x, *r, *i;           /* current output's base pointers */
} ml_walk_it;

/* Positions it on outer index o (0 <= o < p->nouter). */
void ml_walk_it_init(ml_walk_it *it, const ml_walk *p, int64_t o);
/* Steps it to the next outer index. */
void ml_walk_it_next(ml_walk_it *it, const ml_walk *p);

/* ML_ERANGE "torch.<who>: dimension D out of range ..." unless 0 <= dim < x->ndim. */
int ml_walk_check_dim(const char *who, const ml_tensor *x, int dim, ml_error *e);
/* Gives t the shape (ndim, size).  Like Torch7's resize, a t that already has
 * that shape keeps its strides (results are written through them). */
int ml_walk_fit(ml_tensor *t, int ndim, const int64_t *size, ml_error *e);
/* 1 when a and b (either may be NULL) view the same storage. */
int ml_walk_shares(const ml_tensor *a, const ml_tensor *b);

#endif
