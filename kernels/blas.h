/*
 * blas.h - matrix products: dot, gemv, gemm and Torch7's BLAS-level
 * operations built on them (mv, mm, bmm, ger, addmv, addmm, addr, addbmm,
 * baddbmm) plus numpy's matmul.
 *
 * Float and Double go to OpenBLAS (CBLAS); this is the only part of moonlab
 * that calls cblas.  Integer dtypes (Byte..Long) use plain loops that compute
 * in 64-bit two's complement and wrap to the element type, as C arithmetic on
 * that type does.  Every function accepts any strides: views that BLAS can read
 * directly (row-major or transposed, positive leading dimension) are passed as
 * they are, others are copied to contiguous scratch first; results are written
 * through the result's own strides.
 *
 * Scalars: `alpha` and `beta` are doubles; for integer dtypes they are
 * truncated to integers first (Torch7 converts them to the element type).
 * When beta is 0 the previous contents of the destination are ignored (never
 * read, so NaN in it does not propagate), as in BLAS.
 *
 * Errors follow tensor.h: ML_OK or a negative code with the message in e,
 * prefixed by `who` ("torch.mm") where a function takes one.  This file does
 * not do decompositions or solvers (see lapack.c).
 */
#ifndef ML_BLAS_H
#define ML_BLAS_H

#include "tensor.h"

/* ---- BLAS level 1-3 on views (same dtype everywhere, any strides) ---- */

/* Dot product of x and y seen as flat vectors of the same number of elements
 * (any shapes, any strides).  Float/Double: *fval gets the result (also stored
 * rounded in *ival); integer dtypes: *ival gets the wrapped 64-bit sum (also in
 * *fval).  Either pointer may be NULL.  Errors: dtypes or element counts differ. */
int ml_blas_dot(const ml_tensor *x, const ml_tensor *y, double *fval, int64_t *ival,
                const char *who, ml_error *e);

/* y = beta*y + alpha * a @ x with a (M, K), x (K), y (M).  y must not share
 * memory with a or x (the Torch7-level functions below take care of that). */
int ml_blas_gemv(ml_tensor *y, double beta, double alpha, const ml_tensor *a, const ml_tensor *x,
                 ml_error *e);

/* c = beta*c + alpha * a @ b with a (M, K), b (K, N), c (M, N).  c must not
 * share memory with a or b.  Float/Double call cblas_?gemm directly when each
 * operand is row-major or transposed with a usable leading dimension (c may
 * also be column-major: then c^T = b^T a^T is computed). */
int ml_blas_gemm(ml_tensor *c, double beta, double alpha, const ml_tensor *a, const ml_tensor *b,
                 ml_error *e);

/* ---- Torch7's operations: shape checks, result sizing, aliasing ----
 *
 * `res` is the destination: it is resized to the result's shape unless it
 * already has that shape (then its strides are kept and honoured).  `m` is
 * the added term; passing m == NULL gives the plain product (mv, mm, ger, bmm:
 * res's old contents are ignored).  m may be res itself (in-place forms) or
 * any tensor that broadcasts (numpy rules) to the result's shape.  res may
 * share memory with any input: the product then goes through a scratch tensor.
 * All tensors must have res's dtype. */

/* res (N) = beta*m + alpha * mat (N, M) @ vec (M). */
int ml_blas_addmv(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                  const ml_tensor *mat, const ml_tensor *vec, const char *who, ml_error *e);

/* res (N, P) = beta*m + alpha * mat1 (N, M) @ mat2 (M, P). */
int ml_blas_addmm(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                  const ml_tensor *mat1, const ml_tensor *mat2, const char *who, ml_error *e);

/* res (N, M) = beta*m + alpha * outer(vec1 (N), vec2 (M)). */
int ml_blas_addr(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                 const ml_tensor *vec1, const ml_tensor *vec2, const char *who, ml_error *e);

/* res (B, N, P) with res_i = beta*m_i + alpha * b1_i (N, M) @ b2_i (M, P), for
 * batches b1 (B, N, M) and b2 (B, M, P). */
int ml_blas_baddbmm(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                    const ml_tensor *b1, const ml_tensor *b2, const char *who, ml_error *e);

/* res (N, P) = beta*m + alpha * sum_i b1_i (N, M) @ b2_i (M, P). */
int ml_blas_addbmm(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                   const ml_tensor *b1, const ml_tensor *b2, const char *who, ml_error *e);

/* numpy's matmul: a (..., N, M) @ b (..., M, P) with the batch dimensions
 * broadcast; a 1-D a is a row (1, M) and a 1-D b a column (M, 1), and that
 * dimension is dropped from the result.  Both 1-D is not handled here (it is a
 * dot product: call ml_blas_dot); ML_EINVAL then.  res as above. */
int ml_blas_matmul(ml_tensor *res, const ml_tensor *a, const ml_tensor *b, const char *who,
                   ml_error *e);

/* ---- raw column-major blocks, for the factorisations (lu.c) ----
 *
 * Buffers of Float or Double (dt) elements, (i, j) at i + j*ld; every size
 * and leading dimension must fit BLAS's int (the callers check). */

/* c (M, N) -= a (M, K) @ b (K, N). */
void ml_blas_gemm_sub_cm(ml_dtype dt, int64_t m, int64_t n, int64_t k, const void *a, int64_t lda,
                         const void *b, int64_t ldb, void *c, int64_t ldc);
/* b (M, N) = L^-1 b, L the unit lower triangle of l (M, M): its diagonal is
 * taken as ones and its upper part is not read. */
void ml_blas_trsm_unit_lower_cm(ml_dtype dt, int64_t m, int64_t n, const void *l, int64_t ldl,
                                void *b, int64_t ldb);
#endif
