/*
 * shape.h - tensors built from other tensors: cat, repeat (repeatTensor),
 * diag, tril/triu, histograms (histc, bhistc), the cross product, renorm, and
 * the exact comparison `equal`, for every dtype unless noted, any strides.
 *
 * Dimensions and diagonal offsets are 0-based arguments; error messages print
 * dimensions 1-based, as Torch7 users write them.  Functions with a `res`
 * argument resize res to the result's shape (keeping its strides when it has
 * that shape already) and write into it, converting to res's dtype; res may
 * share storage with an input (the result is then built aside and res is set
 * to it).  Results of zero length along a dimension are tensors with a size-0
 * dimension, except where Torch7 returns an empty tensor (noted).
 *
 * Not here: views that share storage (narrow, split, chunk: the binding), the
 * indexing operations (index.c), element-wise maths (math.c).
 */
#ifndef ML_SHAPE_H
#define ML_SHAPE_H

#include "tensor.h"

/* res = xs[0..n-1] joined along dim.  Empty inputs (ndim 0) are skipped; the
 * others must agree outside dim, where a missing trailing dimension counts as
 * size 1 (Torch7: two vectors of 3 joined along dim 1 give 3x2).  All inputs
 * empty gives an empty res.  Fails when n is 0 or dim is beyond
 * ML_MAX_DIMS. */
int ml_shape_cat(const char *who, ml_tensor *res, int n, const ml_tensor *const *xs, int dim,
                 ml_error *e);

/* Torch7's default dimension for cat: the last dimension of the input with the
 * most dimensions (0 when all are empty). */
int ml_shape_cat_default_dim(int n, const ml_tensor *const *xs);

/* res = x tiled reps[i] times along dimension i; x's shape is padded with
 * leading 1s to nrep dimensions (nrep >= x's ndim, reps >= 0).  An empty x
 * gives an empty res. */
int ml_shape_repeat(const char *who, ml_tensor *res, const ml_tensor *x, int nrep,
                    const int64_t *reps, ml_error *e);

/* x a vector of n: res = the (n+|k|) square matrix with x on diagonal k (k > 0
 * above the main one, k < 0 below), zeros elsewhere.  x a matrix: res = the
 * vector of its diagonal k (length 0 when k is outside the matrix). */
int ml_shape_diag(const char *who, ml_tensor *res, const ml_tensor *x, int64_t k, ml_error *e);

/* res = the matrix x with the elements above diagonal k (tril, upper = 0) or
 * below diagonal k (triu, upper = 1) set to 0. */
int ml_shape_tri(const char *who, ml_tensor *res, const ml_tensor *x, int64_t k, int upper,
                 ml_error *e);

/* res (1-D, nbins) = counts of the elements of x in nbins equal bins over
 * [lo, hi]; values outside, and NaN, are not counted; hi falls in the last
 * bin.  lo == hi means x's min and max, widened by 1 each way when those are
 * equal (Torch7).  res of x's dtype by default (the binding's choice). */
int ml_shape_histc(const char *who, ml_tensor *res, const ml_tensor *x, int64_t nbins, double lo,
                   double hi, ml_error *e);

/* histc of each row of the matrix x (a vector is one row): res is rows x nbins;
 * lo == hi takes the min and max over all of x. */
int ml_shape_bhistc(const char *who, ml_tensor *res, const ml_tensor *x, int64_t nbins, double lo,
                    double hi, ml_error *e);

/* res = a x b, the cross product of the 3-vectors along dim (a and b of the
 * same shape, size 3 at dim).  dim < 0 picks the first dimension of size 3.
 * Computed in res's dtype; integers wrap. */
int ml_shape_cross(const char *who, ml_tensor *res, const ml_tensor *a, const ml_tensor *b, int dim,
                   ml_error *e);

/* res = x with each slice x.select(dim, i) whose p-norm exceeds maxnorm scaled
 * by maxnorm / (norm + 1e-7) (Torch7's formula).  Float and Double only; p > 0. */
int ml_shape_renorm(const char *who, ml_tensor *res, const ml_tensor *x, double p, int dim,
                    double maxnorm, ml_error *e);

/* *out = 1 when a and b have the same shape and equal elements (NaN is not
 * equal to itself), else 0.  Tensors of different dtypes compare values
 * exactly.  Only fails on memory. */
int ml_shape_equal(const ml_tensor *a, const ml_tensor *b, int *out, ml_error *e);

#endif
