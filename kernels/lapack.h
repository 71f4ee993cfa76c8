/*
 * lapack.h - dense linear algebra through LAPACK (LAPACKE over OpenBLAS):
 * linear systems (gesv, trtrs, gels, lstsq), Cholesky (potrf, potrs, potri,
 * pstrf), eigenvalues (syev, geev), SVD (gesdd), inverse, QR (qr, geqrf,
 * orgqr, ormqr), determinants and the pseudo-inverse.
 *
 * Tensors are row-major views with any strides; LAPACK wants column-major
 * matrices.  Inputs are copied into column-major scratch (LAPACK overwrites
 * its inputs anyway); matrix results are produced column-major, as Torch7
 * does ("the returned matrices will be transposed, with strides 1, m"), except
 * V of the SVD and the pseudo-inverse, which come out row-major.
 *
 * Result tensors (`res`, `u`, ...; never NULL unless a contract says so):
 *   - already the right shape and layout, sharing no memory with an input:
 *     written in place;
 *   - a view of the right shape with other strides that is not contiguous
 *     (a slice of a larger tensor): computed in scratch and copied into it
 *     through its own strides;
 *   - anything else (other shape, or contiguous row-major): resized (its
 *     storage is kept when large enough) and re-laid out in the result's
 *     layout, then written in place;
 *   - a result that shares memory with an input or another result goes
 *     through scratch, so inputs are never read after being overwritten.
 * On error the contents of result tensors are unspecified.
 *
 * Dtypes: Float and Double only, the same for every tensor of a call (except
 * the pivot tensor of pstrf: any integer type).  Anything else is ML_ETYPE
 * naming the dtype.  Sizes must fit LAPACK's 32-bit integers.
 *
 * Errors: ML_OK or a negative code with "who: what went wrong (shapes)" in e;
 * `who` is the caller's name for the operation ("torch.gesv").  LAPACK's info
 * is translated into words: singular matrices (ML_ENUM, naming the zero pivot),
 * matrices that are not positive definite (ML_ENUM, naming the leading minor),
 * iterations that did not converge (ML_ENUM), NaN in an input (ML_EINVAL).
 * Not here: batched operations, complex dtypes, sparse matrices, products
 * (blas.c).
 */
#ifndef ML_LAPACK_H
#define ML_LAPACK_H

#include "tensor.h"

/* Solves A X = B by LU with partial pivoting.  a (N, N), b (N, K) or (N).
 * x gets X, shaped like b; lu gets the LU factors of A (N, N; L has a unit
 * diagonal, not stored).  Errors: shapes, singular A (U(i,i) exactly zero). */
int ml_lapack_gesv(ml_tensor *x, ml_tensor *lu, const ml_tensor *b, const ml_tensor *a,
                   const char *who, ml_error *e);

/* Solves op(A) X = B with A triangular.  a (N, N), b (N, K) or (N); only the
 * `uplo` triangle of a is read ('U' or 'L'); trans 'N' (A X = B) or 'T'
 * (A^T X = B); diag 'N' or 'U' (unit diagonal, not read).  x gets X (shaped
 * like b), ra a column-major copy of a.  Errors: shapes, options, a zero on
 * the diagonal. */
int ml_lapack_trtrs(ml_tensor *x, ml_tensor *ra, const ml_tensor *b, const ml_tensor *a,
                    char uplo, char trans, char diag, const char *who, ml_error *e);

/* Cholesky factor of a symmetric positive definite a (N, N), reading its
 * `uplo` triangle: res = U with A = U^T U ('U') or L with A = L L^T ('L');
 * the other triangle of res is zero.  Errors: not positive definite (names
 * the leading minor), shapes. */
int ml_lapack_potrf(ml_tensor *res, const ml_tensor *a, char uplo, const char *who, ml_error *e);

/* Solves A X = B given the Cholesky factor chol (N, N) of A ('U': A = U^T U,
 * 'L': A = L L^T); b (N, K) or (N); res gets X shaped like b. */
int ml_lapack_potrs(ml_tensor *res, const ml_tensor *b, const ml_tensor *chol, char uplo,
                    const char *who, ml_error *e);

/* Inverse of A from its Cholesky factor chol (N, N); res (N, N) gets the full
 * symmetric inverse.  Errors: a zero on chol's diagonal. */
int ml_lapack_potri(ml_tensor *res, const ml_tensor *chol, char uplo, const char *who, ml_error *e);

/* Cholesky with complete pivoting of a symmetric positive semidefinite a
 * (N, N): P^T A P = U^T U ('U') or L L^T ('L') with P[piv[k], k] = 1.
 * res (N, N) gets the factor, zero outside its triangle and in the trailing
 * block beyond the computed rank; piv (N) the 1-based pivots (any integer
 * dtype; resized).  tol < 0 means LAPACK's default tolerance.  *rank (may be
 * NULL) gets the rank found; rank deficiency is not an error. */
int ml_lapack_pstrf(ml_tensor *res, ml_tensor *piv, const ml_tensor *a, char uplo, double tol,
                    int64_t *rank, const char *who, ml_error *e);

/* Least squares (M >= N: min ||A X - B||) or minimum norm (M < N: min ||X||
 * subject to A X = B) for a full-rank a (M, N) and b (M, K) or (M), by QR/LQ.
 * x gets X (N, K) or (N), as Torch7's code does: a column-major view of the
 * first N rows of a fresh max(M, N)-row buffer, whose rows N+1..M (M > N)
 * stay in x's storage and hold the residual information (their norm is the
 * residual norm); a strided slice of shape (N, K) is copied into instead.
 * ra (M, N) gets the factorization of A.  Errors: shapes, A not of full rank. */
int ml_lapack_gels(ml_tensor *x, ml_tensor *ra, const ml_tensor *b, const ml_tensor *a,
                   const char *who, ml_error *e);

/* numpy's lstsq: min ||A X - B|| for any a (M, N) (rank deficient allowed) by
 * the SVD (gelsd).  Singular values <= rcond * max are treated as zero; rcond
 * < 0 means numpy's default eps * max(M, N).  x (N, K) or (N) gets X;
 * residuals (K) or (1) the squared residual norms of each column when M > N
 * and A has full rank, else is resized empty; s (min(M, N)) the singular
 * values; *rank the effective rank.  Errors: shapes, no convergence. */
int ml_lapack_lstsq(ml_tensor *x, ml_tensor *residuals, ml_tensor *s, int64_t *rank,
                    const ml_tensor *b, const ml_tensor *a, double rcond, const char *who,
                    ml_error *e);

/* Eigenvalues (ascending) of the symmetric a (N, N), reading its `uplo`
 * triangle, into w (N); with jobz 'V' also the orthonormal eigenvectors into
 * the columns of v (N, N), so that A = V diag(w) V^T.  With jobz 'N', v is not
 * used (may be NULL).  Divide and conquer (syevd).  Errors: no convergence. */
int ml_lapack_syev(ml_tensor *w, ml_tensor *v, const ml_tensor *a, char jobz, char uplo,
                   const char *who, ml_error *e);

/* Eigenvalues of a general a (N, N) into w (N, 2): real parts in column 0,
 * imaginary parts in column 1 (complex pairs adjacent, positive imaginary part
 * first).  With jobvr 'V' the right eigenvectors go into v (N, N) as LAPACK
 * stores them: a real eigenvalue's vector is its column; for a complex pair j,
 * j+1 the vectors are v[:, j] +- i v[:, j+1].  Vectors have unit 2-norm.  v
 * may be NULL with jobvr 'N'.  Errors: no convergence. */
int ml_lapack_geev(ml_tensor *w, ml_tensor *v, const ml_tensor *a, char jobvr, const char *who,
                   ml_error *e);

/* Singular value decomposition A = U diag(S) V^T of a (M, N), K = min(M, N),
 * by divide and conquer (gesdd; gesvd when it fails to converge).  jobz 'S':
 * u (M, K), v (N, K); 'A': u (M, M), v (N, N); 'N': singular values only (u
 * and v may be NULL).  s (K) descending.  Errors: no convergence. */
int ml_lapack_gesdd(ml_tensor *u, ml_tensor *s, ml_tensor *v, const ml_tensor *a, char jobz,
                    const char *who, ml_error *e);

/* Inverse of a (N, N) into res (N, N), by LU (getrf, getri).  Errors: shapes,
 * singular a (U(i,i) exactly zero). */
int ml_lapack_inverse(ml_tensor *res, const ml_tensor *a, const char *who, ml_error *e);

/* Householder QR of a (M, N), K = min(M, N), as LAPACK stores it: m (M, N)
 * holds R on and above the diagonal and the reflectors below; tau (K) their
 * scalar factors. */
int ml_lapack_geqrf(ml_tensor *m, ml_tensor *tau, const ml_tensor *a, const char *who, ml_error *e);

/* Q (M, K) with orthonormal columns from the first K = size(tau) reflectors
 * stored in the columns of m (M, N) (geqrf's output).  Needs K <= min(M, N). */
int ml_lapack_orgqr(ml_tensor *q, const ml_tensor *m, const ml_tensor *tau, const char *who,
                    ml_error *e);

/* res = op(Q) C (side 'L') or C op(Q) (side 'R'), op(Q) = Q (trans 'N') or
 * Q^T ('T'), where Q is the product of the K = size(tau) reflectors stored in
 * m (geqrf's output, rows = rows of c for 'L', columns of c for 'R').
 * c (R, C); res (R, C). */
int ml_lapack_ormqr(ml_tensor *res, const ml_tensor *m, const ml_tensor *tau, const ml_tensor *c,
                    char side, char trans, const char *who, ml_error *e);

/* Thin QR: a (M, N) = q (M, K) r (K, N), K = min(M, N), q with orthonormal
 * columns and r upper triangular (geqrf, orgqr). */
int ml_lapack_qr(ml_tensor *q, ml_tensor *r, const ml_tensor *a, const char *who, ml_error *e);

/* Determinant of a square a (N, N): the product of its LU factorization's
 * diagonal, signed by the pivots (0 for a singular a, 1 for N = 0). */
int ml_lapack_det(const ml_tensor *a, double *det, const char *who, ml_error *e);

/* Determinant of a square a (N, N) by LU: *sign (-1, 0 or 1) and *logabs
 * (log |det|, -inf when det is 0).  det = sign * exp(logabs); 1 for N = 0. */
int ml_lapack_slogdet(const ml_tensor *a, double *sign, double *logabs, const char *who,
                      ml_error *e);

/* Moore-Penrose pseudo-inverse of a (M, N) into res (N, M, row-major) through
 * the SVD: singular values <= rcond * max(S) are treated as zero. */
int ml_lapack_pinv(ml_tensor *res, const ml_tensor *a, double rcond, const char *who, ml_error *e);

#endif
