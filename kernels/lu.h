/*
 * lu.h - LU factorisation with partial pivoting, LAPACK getrf's contract,
 * computed by a recursive algorithm built on BLAS 3 (see lu.c for why).
 */
#ifndef ML_LU_H
#define ML_LU_H
#include <stdint.h>

#include "dtype.h"

/* Factors the column-major (M, N) matrix a (Float or Double, element (i, j)
 * at i + j*ld, ld >= max(1, M)) in place as P A = L U: L unit lower (M,
 * min(M, N)) below the diagonal, U upper (min(M, N), N) on and above it.
 * ipiv (min(M, N) entries) gets LAPACK's 1-based row interchanges: row i was
 * swapped with row ipiv[i] - 1, in order.  Returns 0, or the 1-based index of
 * the first exactly zero pivot U(k, k) (the factorisation is then still
 * completed, as LAPACK does).  Sizes and ld must fit an int32_t; any other
 * dtype than Float or Double is a programming error and returns -1.  NaN in a
 * does no harm but gives no useful factors (callers refuse it first). */
int64_t ml_lu_factor(ml_dtype dt, int64_t m, int64_t n, void *a, int64_t ld, int32_t *ipiv);

#endif
