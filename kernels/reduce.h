/*
 * reduce.h - reductions of tensors: over all elements (one number) and along one
 * dimension (a tensor that keeps the reduced dimension with size 1, as Torch7
 * does), cumulative sums and products, dist, trace, all/any.
 *
 * Every function accepts every dtype and any strides.  Integer inputs
 * accumulate exactly in int64 for sum, prod, min, max, cumsum, cumprod and
 * trace (Torch7's accreal; sums and products wrap modulo 2^64 on overflow), and
 * in double for the others.  Float inputs accumulate in double.
 *
 * Sums of floating-point values are pairwise: blocks of 128 consecutive
 * elements are summed in a few interleaved accumulators, and the block sums
 * are combined in a balanced binary tree, so the rounding error grows like
 * O(log n) instead of O(n).  var/std use two passes (mean, then the corrected
 * sum of squared deviations).  Large inputs are split over OpenMP threads in
 * pieces that depend only on the shape, combined in a fixed order: results
 * are the same bits whatever the number of threads.  min/max propagate NaN
 * (numpy's rule); ties and NaNs give the first index.
 *
 * Dimensions and indices are 0-based here; the binding converts.  This module
 * does not sort, select quantiles (median, kthvalue, mode) or reduce several
 * dimensions at once.
 */
#ifndef ML_REDUCE_H
#define ML_REDUCE_H

#include "tensor.h"

typedef enum ml_reduce_op {
	ML_REDUCE_SUM,   /* sum */
	ML_REDUCE_PROD,  /* product */
	ML_REDUCE_MEAN,  /* sum / n; NaN when n is 0 */
	ML_REDUCE_VAR,   /* variance: divided by n - 1 (arg 0) or by n (arg 1); NaN when that is <= 0 */
	ML_REDUCE_STD,   /* square root of the variance, same arg */
	ML_REDUCE_MIN,   /* smallest element; along a dim also its index */
	ML_REDUCE_MAX,   /* largest element; along a dim also its index */
	ML_REDUCE_NORM,  /* p-norm, p = arg: (sum |x|^p)^(1/p); p = 0 counts non-zeros, p = inf is max |x| */
	ML_REDUCE_NOPS
} ml_reduce_op;

/* The result of a reduction over all elements is an ml_scalar (tensor.h):
 * is_int for sum/prod/min/max/trace of integer dtypes. */

/* "sum", "prod", ... (the Torch7 name of op), or "?" */
const char *ml_reduce_name(ml_reduce_op op);

/* Dtype of the result of ml_reduce_dim for input dtype dt when the caller has
 * no preference: dt itself (Torch7), except Double for mean/var/std/norm of an
 * integer dtype (numpy; Torch7 has no such methods). */
ml_dtype ml_reduce_result_dtype(ml_reduce_op op, ml_dtype dt);

/* op over every element of x (any shape, dtype, strides) into *out.
 * arg: the var/std flag or the norm's p (see ml_reduce_op), ignored otherwise.
 * An empty x gives 0 (sum, norm), 1 (prod), NaN (mean, var, std); min and max
 * of an empty x fail with ML_EINVAL. */
int ml_reduce_all(ml_reduce_op op, const ml_tensor *x, double arg, ml_scalar *out, ml_error *e);

/* op along dimension dim of x (0-based): res is resized to x's shape with
 * size 1 at dim, and receives the values converted to res's dtype (any dtype;
 * ml_reduce_result_dtype is the natural one).  For MIN and MAX, ind (when not
 * NULL) must be a Long tensor; it is resized likewise and receives the 0-based
 * index along dim of the first extreme (of the first NaN if any).  ind must be
 * NULL for the other ops.  res and ind may share storage with x (the result is
 * computed aside, then copied).  Errors: ML_ERANGE for a bad dim, ML_ETYPE for
 * a non-Long ind, ML_EINVAL for min/max over an empty dim, ML_ENOMEM. */
int ml_reduce_dim(ml_reduce_op op, ml_tensor *res, ml_tensor *ind, const ml_tensor *x, int dim,
                  double arg, ml_error *e);

/* Cumulative sum / product of x along dim (0-based) into res, resized to x's
 * shape; res keeps its dtype (values converted) and may be x itself.  Sums of
 * floating values are compensated (Neumaier), so each partial sum is accurate. */
int ml_reduce_cumsum(ml_tensor *res, const ml_tensor *x, int dim, ml_error *e);
int ml_reduce_cumprod(ml_tensor *res, const ml_tensor *x, int dim, ml_error *e);

/* The p-norm of x - y (as ML_REDUCE_NORM), computed in double.  x and y must
 * have the same shape or broadcast together (numpy rules); any dtypes. */
int ml_reduce_dist(const ml_tensor *x, const ml_tensor *y, double p, double *out, ml_error *e);

/* Sum of the diagonal of the 2-D tensor x (a rectangular x uses its
 * min(rows, cols) diagonal elements).  Fails with ML_ESHAPE when x is not 2-D. */
int ml_reduce_trace(const ml_tensor *x, ml_scalar *out, ml_error *e);

/* *out = 1 when every element of x is non-zero (want_all) or when some element
 * is (!want_all), else 0.  NaN counts as non-zero; any dtype.  all() of an
 * empty tensor is 1, any() is 0. */
int ml_reduce_logical(const ml_tensor *x, int want_all, int *out, ml_error *e);

#endif
