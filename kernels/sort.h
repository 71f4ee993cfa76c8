/*
 * sort.h - order statistics of tensors along one dimension: sort, topk,
 * kthvalue, median, mode, and over all elements: unique; quantiles (numpy's
 * default "linear" method) along a dim or over all elements.
 *
 * Every function accepts every dtype and any strides.  The order is the one
 * numpy uses: integers by value, floats by value with -0.0 equal to +0.0 and
 * every NaN after +inf (ascending); descending order is the mirror, NaN first.
 * Sorts are stable: equal elements keep the order of their indices, in both
 * directions, and every selection (topk, kthvalue, median, mode) returns the
 * element a stable sort would place there, so its index is deterministic.
 *
 * Dimensions and indices are 0-based here (the binding converts).  Value
 * results must have x's dtype, index results must be Long; both are resized
 * to the result shape unless they already have it (then their strides are
 * kept, as Torch7's resize does).  Results may share storage with x (they are
 * then computed aside and copied).  Long lines are sorted by a parallel LSD
 * radix sort of order-preserving integer keys; small k selections use a heap
 * scan.  This module does not do partial sorts along several dims at once.
 *
 * Errors: ML_ERANGE (bad dim, k out of range), ML_ETYPE (result dtype),
 * ML_EINVAL (empty line for a selection, q outside [0, 1]), ML_ENOMEM.
 * Messages start with "torch.<function>:".
 */
#ifndef ML_SORT_H
#define ML_SORT_H

#include "tensor.h"

/* values, indices = x sorted along dim (ascending, or descending when
 * `descending`), with the 0-based source position of each element.  values
 * and indices get x's shape.  An x without elements (ndim 0) gives empty
 * results. */
int ml_sort_sort(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int dim,
                 int descending, ml_error *e);

/* The k smallest (largest when `largest`) elements of every line along dim,
 * in sorted order (ascending, or descending when largest), with their
 * indices: exactly the first k of ml_sort_sort in that direction.  Results
 * have x's shape with size k at dim; 0 <= k <= x->size[dim]. */
int ml_sort_topk(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int64_t k, int dim,
                 int largest, ml_error *e);

/* The k-th smallest element (0-based k) of every line along dim and its
 * index, as ml_sort_sort would place it.  Results have x's shape with size 1
 * at dim. */
int ml_sort_kthvalue(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int64_t k, int dim,
                     ml_error *e);

/* The lower median (Torch7: element (n-1)/2 of the ascending order, 0-based)
 * of every line along dim and its index; a line holding NaN gives NaN and the
 * index of its first NaN (numpy and PyTorch propagate NaN).  Shapes as
 * kthvalue. */
int ml_sort_median(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int dim, ml_error *e);

/* The most frequent value of every line along dim (the smallest one among
 * equally frequent values; all NaNs count as one value) and the index of its
 * last occurrence (Torch7's test suite expects the last).  Shapes as
 * kthvalue. */
int ml_sort_mode(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int dim, ml_error *e);

/* The distinct values of x (all elements), ascending, as a 1-D tensor of x's
 * dtype; NaNs collapse into one NaN, -0.0 and +0.0 into the first seen.
 * inverse (Long, may be NULL) gets x's shape and the 0-based position in
 * values of each element; counts (Long, may be NULL) the number of
 * occurrences of each value.  An empty x gives empty results. */
int ml_sort_unique(ml_tensor *values, ml_tensor *inverse, ml_tensor *counts, const ml_tensor *x,
                   ml_error *e);

/* Quantiles q[0..nq) (each in [0, 1]) by numpy's default linear method: with
 * the line sorted ascending into a[0..n), position q*(n-1) between a[lo] and
 * a[lo+1] is interpolated as numpy does.  A line holding NaN gives NaN.
 * Along dim (0 <= dim < ndim): res gets x's shape with size nq at dim.  Over
 * all elements (dim < 0): res gets shape (nq).  res must be Float or Double;
 * values are computed in double.  Empty lines fail with ML_EINVAL. */
int ml_sort_quantile(ml_tensor *res, const ml_tensor *x, const double *q, int64_t nq, int dim,
                     ml_error *e);

#endif
