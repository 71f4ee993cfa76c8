/*
 * index.h - indexing with index tensors and masks: index (index_select),
 * indexCopy, indexAdd, indexFill, gather, scatter, maskedSelect, maskedCopy,
 * maskedFill and nonzero, for every dtype and any strides.
 *
 * Index tensors are Long tensors.  Their values count from `base` (1 for
 * Torch7's 1-based indices, 0 for C); negative values count from the end of
 * the dimension (-1 is the last element), as numpy does.  `base` is also
 * added to dimension numbers in error messages, so a 1-based caller sees its
 * own numbering.  `dim` arguments are always 0-based.  An index out of range
 * fails with ML_ERANGE naming the bad value and the dimension's size.
 *
 * Masks are Byte tensors; any non-zero byte selects (numpy's truth).  A mask
 * either has the same number of elements as the tensor (Torch7: both are walked
 * in their own logical order) or broadcasts to the tensor's shape (numpy).
 *
 * Results: a function with a `res` argument resizes res to the result's shape
 * (keeping its strides when it already has that shape) and fills it; res may
 * have another dtype (values are converted) and may share storage with an
 * input (the result is then built aside and res is set to it).  Functions
 * without res work in place on x and leave x unchanged when they fail on an
 * index or shape.  Sources of another dtype are converted to x's.
 *
 * Elements move by width (1, 2, 4 or 8 bytes), so one loop per width serves
 * every dtype; only indexAdd and nonzero look at values.  Reads (index,
 * gather, maskedFill) are split over OpenMP threads; writes through an index
 * (indexCopy, indexAdd, scatter) stay serial so that repeated indices give the
 * last write (or the full sum), as in Torch7.
 *
 * Not here: t[i] and t[{...}] views (vm/l_index.c); nothing here sorts.
 */
#ifndef ML_INDEX_H
#define ML_INDEX_H

#include "tensor.h"

/* res = x indexed along dim by the 1-D Long tensor index: res has x's shape
 * with size[dim] = numel(index), and res[..., i, ...] = x[..., index[i], ...]
 * (Torch7's index, numpy's take).  An empty index gives size 0 along dim. */
int ml_index_select(const char *who, ml_tensor *res, const ml_tensor *x, int dim,
                    const ml_tensor *index, int base, ml_error *e);

/* x[..., index[i], ...] = src[..., i, ...] for every i: src has x's shape except
 * size[dim] = numel(index).  Repeated indices: the last copy wins. */
int ml_index_copy(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                  const ml_tensor *src, int base, ml_error *e);

/* x[..., index[i], ...] += src[..., i, ...]: as ml_index_copy, but repeated
 * indices accumulate.  Integers wrap modulo 2^bits. */
int ml_index_add(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                 const ml_tensor *src, int base, ml_error *e);

/* x[..., index[i], ...] = v for every i. */
int ml_index_fill(const char *who, ml_tensor *x, int dim, const ml_tensor *index, ml_scalar v,
                  int base, ml_error *e);

/* res[i][j][k] = x[index[i][j][k]][j][k] (dim 0; likewise for the other dims):
 * index has x's number of dimensions, index.size[d] <= x.size[d] for d != dim
 * (PyTorch; Torch7 wants equality), and res gets index's shape. */
int ml_index_gather(const char *who, ml_tensor *res, const ml_tensor *x, int dim,
                    const ml_tensor *index, int base, ml_error *e);

/* x[index[i][j][k]][j][k] = src[i][j][k] (dim 0; likewise): index as for
 * gather, and src at least as large as index in every dimension (its leading
 * part is used).  Repeated indices in a row: the last write wins. */
int ml_index_scatter(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                     const ml_tensor *src, int base, ml_error *e);
/* The same with the value v written at every indexed place. */
int ml_index_scatter_fill(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                          ml_scalar v, int base, ml_error *e);

/* res = the elements of x where mask is non-zero, in logical order, as a 1-D
 * tensor (an empty tensor, ndim 0, when none is selected: Torch7). */
int ml_index_masked_select(const char *who, ml_tensor *res, const ml_tensor *x,
                           const ml_tensor *mask, ml_error *e);

/* The selected elements of x (in logical order) receive the first elements of
 * src (in logical order); src needs at least as many elements as the mask
 * selects (it may have more, as in Torch7). */
int ml_index_masked_copy(const char *who, ml_tensor *x, const ml_tensor *mask,
                         const ml_tensor *src, ml_error *e);

/* The selected elements of x receive v. */
int ml_index_masked_fill(const char *who, ml_tensor *x, const ml_tensor *mask, ml_scalar v,
                         ml_error *e);

/* res (Long) = the coordinates of the non-zero elements of x (NaN counts as
 * non-zero), one row per element in logical order: an n x ndim tensor whose
 * values count from base; an empty tensor (ndim 0) when there is none. */
int ml_index_nonzero(const char *who, ml_tensor *res, const ml_tensor *x, int base, ml_error *e);

#endif
