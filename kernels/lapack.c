/*
 * lapack.c - dense linear algebra through LAPACKE (see lapack.h for the
 * contracts).  Every LAPACK call of moonlab is in this file.
 *
 * Each operation checks dtypes and shapes, opens its results (in place when
 * the result tensor already has LAPACK's layout, else re-laid out or through
 * scratch: see `out` below), copies its inputs into column-major buffers with
 * a blocked transpose, calls LAPACKE's column-major interface and translates
 * LAPACK's `info` into a sentence.  The drivers are the ones numpy uses where
 * numpy has the operation (gesv, syevd, geev, gesdd, gelsd, geqrf/orgqr,
 * getrf), so that timings compare like with like.  The exception is getrf
 * for mid-size Double matrices and for subnormal pivots: lu.c's, same
 * contract (see "LU factors" below).
 *
 * Float and Double share one code path: the buffers are untyped and each
 * LAPACK routine has a two-way wrapper (s or d) below.  Threading is
 * OpenBLAS's.  Not here: products (blas.c), complex dtypes, batches.
 */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "lapack.h"
#include "lu.h"

typedef enum layout {
	COLMAJOR, /* (rows, cols), element (i, j) at i + j*ld */
	ROWMAJOR, /* (rows, cols), element (i, j) at i*ld + j */
	VECTOR    /* (rows), contiguous; also a column-major (rows, 1) matrix */
} layout;

static int64_t max1(int64_t v)
{
	return v > 1 ? v : 1;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* ---- checks ---- */

/* ts[0..n) (NULL entries skipped) must all be Float, or all Double. */
static int check_dtypes(const char *who, int n, const ml_tensor *const *ts, ml_error *e)
{
	const ml_tensor *first = NULL;
	for (int i = 0; i < n; i++) {
		const ml_tensor *t = ts[i];
		if (!t)
			continue;
		if (t->dtype != ML_FLOAT && t->dtype != ML_DOUBLE)
			return ml_fail(e, ML_ETYPE, "%s: needs Float or Double tensors (got %s)", who,
			               ml_dtype_name(t->dtype));
		if (!first)
			first = t;
		else if (t->dtype != first->dtype)
			return ml_fail(e, ML_ETYPE, "%s: tensors must have the same type (got %s and %s)", who,
			               ml_dtype_name(first->dtype), ml_dtype_name(t->dtype));
	}
	return ML_OK;
}

static int fits(int64_t v)
{
	return v >= 0 && (int64_t)(lapack_int)v == v;
}

/* t must be a matrix whose sizes LAPACK can take; square when asked. */
static int check_matrix(const char *who, const char *name, const ml_tensor *t, int square, ml_error *e)
{
	char s[ML_SHAPELEN];
	if (t->ndim != 2)
		return ml_fail(e, ML_ESHAPE, "%s: %s must be a 2-D matrix (got %s)", who, name,
		               ml_tensor_shape_str(s, sizeof s, t));
	if (square && t->size[0] != t->size[1])
		return ml_fail(e, ML_ESHAPE, "%s: %s must be a square matrix (got %s)", who, name,
		               ml_tensor_shape_str(s, sizeof s, t));
	if (!fits(t->size[0]) || !fits(t->size[1]))
		return ml_fail(e, ML_EINVAL, "%s: %s is too large for LAPACK (%s)", who, name,
		               ml_tensor_shape_str(s, sizeof s, t));
	return ML_OK;
}

/* b must be a vector or matrix with `rows` rows (the rows of a). */
static int check_rhs(const char *who, const ml_tensor *b, int64_t rows, const ml_tensor *a, ml_error *e)
{
	char sa[ML_SHAPELEN], sb[ML_SHAPELEN];
	if ((b->ndim != 1 && b->ndim != 2) || b->size[0] != rows)
		return ml_fail(e, ML_ESHAPE, "%s: B must be a vector or matrix with %lld rows to match A (A is %s, B is %s)",
		               who, (long long)rows, ml_tensor_shape_str(sa, sizeof sa, a),
		               ml_tensor_shape_str(sb, sizeof sb, b));
	if (b->ndim == 2 && !fits(b->size[1]))
		return ml_fail(e, ML_EINVAL, "%s: B is too large for LAPACK (%s)", who,
		               ml_tensor_shape_str(sb, sizeof sb, b));
	return ML_OK;
}

/* A one-letter option: c must be one of the characters in `allowed`. */
static int check_option(const char *who, const char *name, char c, const char *allowed, ml_error *e)
{
	if (c && strchr(allowed, c))
		return ML_OK;
	return ml_fail(e, ML_EINVAL, "%s: %s must be '%c' or '%c' (got '%c')", who, name, allowed[0],
	               allowed[1], c ? c : '?');
}

/* ---- NaN detection (only on LAPACKE's complaint, so speed does not matter) ---- */

static int has_nan(const ml_tensor *t)
{
	if (!t || (t->dtype != ML_FLOAT && t->dtype != ML_DOUBLE) || ml_tensor_numel(t) == 0)
		return 0;
	int64_t rows = t->size[0], cols = t->ndim == 2 ? t->size[1] : 1;
	for (int64_t i = 0; i < rows; i++)
		for (int64_t j = 0; j < cols; j++) {
			int64_t idx[2] = {i, j};
			if (isnan(ml_load_f64(t->dtype, ml_tensor_ptr(t, idx))))
				return 1;
		}
	return 0;
}

/* Words for a negative info: LAPACKE's memory errors, its NaN check (which
 * returns minus the position of the argument holding NaN), or a bug here. */
static int negative_info(const char *who, const char *routine, lapack_int info, const ml_tensor *in1,
                         const ml_tensor *in2, ml_error *e)
{
	if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate LAPACK's workspace", who);
	if (has_nan(in1) || has_nan(in2))
		return ml_fail(e, ML_EINVAL, "%s: the input contains NaN", who);
	return ml_fail(e, ML_EINVAL, "%s: LAPACK's %s rejected its argument %d", who, routine, (int)-info);
}

/* ---- column-major copies ---- */

/* A borrowed 2-D view of a vector (n) as (n, 1); matrices are returned as they are. */
static ml_tensor as_matrix(const ml_tensor *t)
{
	ml_tensor v = *t;
	if (t->ndim == 1) {
		v.ndim = 2;
		v.size[1] = 1;
		v.stride[1] = 1;
	}
	return v;
}

static ml_tensor transposed(const ml_tensor *t)
{
	ml_tensor v = *t;
	v.size[0] = t->size[1];
	v.size[1] = t->size[0];
	v.stride[0] = t->stride[1];
	v.stride[1] = t->stride[0];
	return v;
}

/* Copies n contiguous elements; returns nonzero when one of them is NaN.
 * Typed loops so that the compiler can vectorize copy and test together. */
static int move_run(char *d, const char *s, int64_t n, size_t es)
{
	int bad = 0;
	if (es == 8) {
		double *restrict dd = (double *)(void *)d;
		const double *restrict ss = (const double *)(const void *)s;
		for (int64_t i = 0; i < n; i++) {
			dd[i] = ss[i];
			bad |= ss[i] != ss[i];
		}
	} else {
		float *restrict dd = (float *)(void *)d;
		const float *restrict ss = (const float *)(const void *)s;
		for (int64_t i = 0; i < n; i++) {
			dd[i] = ss[i];
			bad |= ss[i] != ss[i];
		}
	}
	return bad;
}

/* Blocks of a transposing copy: ITILE source rows by JTILE source columns
 * (32 x 256 doubles: 64 KiB read, in L2; each source cache line is used
 * whole).  Measured on 1000x1000 systems against 64 x 64 (0.3 ms of 15 less). */
#define JTILE 32
#define ITILE 256

/* One tile of a transposing copy, typed so that the compiler keeps the
 * values in registers: dst column j, rows [i0, i1) from src elements
 * (i, j) at s[i*s0 + j*s1].  Nonzero when one of them is NaN. */
#define TILE_COPY(name, T)                                                                    \
	static int name(T *restrict d, int64_t ld, const T *restrict s, int64_t s0, int64_t s1, \
	                int64_t i0, int64_t i1, int64_t j0, int64_t j1)                         \
	{                                                                                       \
		int bad = 0;                                                                        \
		for (int64_t j = j0; j < j1; j++) {                                                 \
			T *dj = d + j * ld;                                                             \
			const T *sj = s + j * s1;                                                       \
			for (int64_t i = i0; i < i1; i++) {                                             \
				T v = sj[i * s0];                                                           \
				dj[i] = v;                                                                  \
				bad |= v != v;                                                              \
			}                                                                               \
		}                                                                                   \
		return bad;                                                                         \
	}
TILE_COPY(tile_f64, double)
TILE_COPY(tile_f32, float)

/* Copies the 2-D (or 1-D, as one column) view src, any strides, into the
 * column-major matrix at dst with leading dimension ld.  A row-major source
 * is transposed tile by tile so that both sides stay in cache (two threads
 * are no faster: the copy is bound by memory).  Returns nonzero when src
 * holds a NaN (checked on the way, for the callers that skip LAPACKE's own
 * separate NaN scan). */
static int pack(char *dst, int64_t ld, const ml_tensor *src_)
{
	ml_tensor src = as_matrix(src_);
	size_t es = ml_dtype_info[src.dtype].size;
	int64_t rows = src.size[0], cols = src.size[1], s0 = src.stride[0], s1 = src.stride[1];
	int bad = 0;
	if (rows == 0 || cols == 0)
		return 0;
	const char *s = ml_tensor_data(&src);
	if (s0 == 1 || rows == 1) {
		for (int64_t j = 0; j < cols; j++)
			bad |= move_run(dst + (size_t)(j * ld) * es, s + (size_t)(j * s1) * es, rows, es);
		return bad;
	}
	for (int64_t j0 = 0; j0 < cols; j0 += JTILE) {
		int64_t j1 = min64(cols, j0 + JTILE);
		for (int64_t i0 = 0; i0 < rows; i0 += ITILE) {
			int64_t i1 = min64(rows, i0 + ITILE);
			if (es == 8)
				bad |= tile_f64((double *)(void *)dst, ld, (const double *)(const void *)s, s0, s1,
				                i0, i1, j0, j1);
			else
				bad |= tile_f32((float *)(void *)dst, ld, (const float *)(const void *)s, s0, s1,
				                i0, i1, j0, j1);
		}
	}
	return bad;
}

/* ---- results ----
 *
 * An `out` is one result being produced: LAPACK writes w, which is either the
 * caller's tensor itself (in place) or owned scratch copied into it at the end
 * (out_close).  See lapack.h for when each happens. */

typedef struct out {
	ml_tensor *res;   /* the caller's result tensor; NULL for pure scratch */
	ml_tensor tmp;    /* owned scratch, empty when LAPACK writes res directly */
	ml_tensor *w;     /* what LAPACK writes: res or &tmp */
	char *data;       /* w's first element, or `dummy` when w is empty */
	int64_t ld;       /* leading dimension as LAPACK sees it (>= 1) */
	int64_t rows;     /* shape of the result ... */
	int64_t cols;     /* ... (1 for VECTOR) */
	layout lay;       /* its layout */
	size_t es;        /* element size */
	double dummy[2];  /* a valid address for empty results (LAPACK wants one) */
} out;

static int has_shape(const ml_tensor *t, layout lay, int64_t rows, int64_t cols)
{
	if (lay == VECTOR)
		return t->ndim == 1 && t->size[0] == rows;
	return t->ndim == 2 && t->size[0] == rows && t->size[1] == cols;
}

/* Does t already have the shape and a layout LAPACK can write?  Sets *ld. */
static int has_layout(const ml_tensor *t, layout lay, int64_t rows, int64_t cols, int64_t *ld)
{
	if (!has_shape(t, lay, rows, cols) || !t->storage)
		return 0;
	if (lay == VECTOR) {
		*ld = max1(rows);
		return rows <= 1 || t->stride[0] == 1;
	}
	/* in row-major terms the roles of the two dimensions swap */
	int64_t n_in = lay == COLMAJOR ? rows : cols, n_out = lay == COLMAJOR ? cols : rows;
	int64_t s_in = lay == COLMAJOR ? t->stride[0] : t->stride[1];
	int64_t s_out = lay == COLMAJOR ? t->stride[1] : t->stride[0];
	if (n_in > 1 && s_in != 1)
		return 0;
	*ld = n_out > 1 ? s_out : max1(n_in);
	return *ld >= max1(n_in) && fits(*ld);
}

/* Gives t the shape in the layout, contiguous (Torch7's resize then transpose). */
static int relayout(ml_tensor *t, layout lay, int64_t rows, int64_t cols, ml_error *e)
{
	if (lay == VECTOR)
		return ml_tensor_resize(t, 1, &rows, e);
	int64_t size[2] = {rows, cols};
	if (lay == ROWMAJOR)
		return ml_tensor_resize(t, 2, size, e);
	size[0] = cols;
	size[1] = rows;
	int rc = ml_tensor_resize(t, 2, size, e);
	if (!rc)
		rc = ml_tensor_transpose(t, 0, 1, e);
	return rc;
}

static void out_point(out *o)
{
	o->data = ml_tensor_numel(o->w) ? ml_tensor_data(o->w) : (char *)o->dummy;
}

/* Opens result res (NULL: scratch only) of dtype dt with the given shape and
 * layout.  `avoid` lists the tensors res must not share memory with (the
 * inputs and the results opened before); NULL entries are skipped. */
static int out_open(out *o, ml_tensor *res, ml_dtype dt, layout lay, int64_t rows, int64_t cols,
                    const ml_tensor *const *avoid, int navoid, ml_error *e)
{
	o->res = res;
	o->lay = lay;
	o->rows = rows;
	o->cols = lay == VECTOR ? 1 : cols;
	o->es = ml_dtype_info[dt].size;
	ml_tensor_init(&o->tmp, dt);
	int shared = 0;
	for (int i = 0; res && i < navoid; i++)
		if (avoid[i] && avoid[i]->storage && avoid[i]->storage == res->storage)
			shared = 1;
	if (res && !shared && has_layout(res, lay, rows, o->cols, &o->ld)) {
		o->w = res;
		out_point(o);
		return ML_OK;
	}
	/* a strided slice of the right shape is honoured (copied into at the end) */
	int keep = res && has_shape(res, lay, rows, o->cols) && !ml_tensor_is_contiguous(res);
	int rc;
	if (res && !shared && !keep) {
		rc = relayout(res, lay, rows, o->cols, e);
		o->w = res;
	} else {
		rc = relayout(&o->tmp, lay, rows, o->cols, e);
		o->w = &o->tmp;
	}
	if (rc)
		return rc;
	o->ld = max1(lay == ROWMAJOR ? o->cols : rows);
	out_point(o);
	return ML_OK;
}

/* Finishes o: copies scratch into the caller's tensor when rc is ML_OK,
 * releases scratch.  Returns rc, or the copy's error. */
static int out_close(out *o, int rc, ml_error *e)
{
	if (o->w == &o->tmp) {
		if (!rc && o->res) {
			if (!has_shape(o->res, o->lay, o->rows, o->cols))
				rc = relayout(o->res, o->lay, o->rows, o->cols, e);
			if (!rc)
				rc = ml_tensor_copy(o->res, &o->tmp, e);
		}
		ml_tensor_release(&o->tmp);
	}
	return rc;
}

/* Address of element (i, j) of o's buffer. */
static char *at(const out *o, int64_t i, int64_t j)
{
	int64_t k = o->lay == ROWMAJOR ? i * o->ld + j : i + j * o->ld;
	return o->data + (size_t)k * o->es;
}

/* Copies src (any strides) into o's column-major buffer (o is COLMAJOR or
 * VECTOR); nonzero when src holds a NaN. */
static int out_pack(out *o, const ml_tensor *src)
{
	return pack(o->data, o->ld, src);
}

static int nan_input(const char *who, ml_error *e)
{
	return ml_fail(e, ML_EINVAL, "%s: the input contains NaN", who);
}

/* Zeroes rows [i0, i1) of column j of a COLMAJOR or VECTOR o (all-zero bits are 0.0). */
static void zero_col(out *o, int64_t j, int64_t i0, int64_t i1)
{
	if (i1 > i0)
		memset(at(o, i0, j), 0, (size_t)(i1 - i0) * o->es);
}

/* Zeroes the strictly lower ('U' kept) or strictly upper ('L' kept) triangle of a square o. */
static void clear_other_triangle(out *o, char uplo)
{
	for (int64_t j = 0; j < o->cols; j++) {
		if (uplo == 'U')
			zero_col(o, j, j + 1, o->rows);
		else
			zero_col(o, j, 0, min64(j, o->rows));
	}
}

/* Fills o (any layout) with the identity. */
static void set_identity(out *o)
{
	for (int64_t i = 0; i < o->rows; i++)
		for (int64_t j = 0; j < o->cols; j++)
			ml_store_f64(o->w->dtype, at(o, i, j), i == j ? 1.0 : 0.0);
}

/* ---- LAPACK routines: one wrapper each, Float or Double (already checked) ---- */

#define CM LAPACK_COL_MAJOR

static lapack_int x_getrf(ml_dtype dt, lapack_int n, void *a, lapack_int lda, lapack_int *ipiv)
{
	return dt == ML_FLOAT ? LAPACKE_sgetrf_work(CM, n, n, a, lda, ipiv)
	                      : LAPACKE_dgetrf_work(CM, n, n, a, lda, ipiv);
}

static lapack_int x_getrs(ml_dtype dt, lapack_int n, lapack_int k, const void *a, lapack_int lda,
                          const lapack_int *ipiv, void *b, lapack_int ldb)
{
	return dt == ML_FLOAT ? LAPACKE_sgetrs_work(CM, 'N', n, k, a, lda, ipiv, b, ldb)
	                      : LAPACKE_dgetrs_work(CM, 'N', n, k, a, lda, ipiv, b, ldb);
}

static lapack_int x_getri(ml_dtype dt, lapack_int n, void *a, lapack_int lda, const lapack_int *ipiv)
{
	return dt == ML_FLOAT ? LAPACKE_sgetri(CM, n, a, lda, ipiv) : LAPACKE_dgetri(CM, n, a, lda, ipiv);
}

static lapack_int x_trtrs(ml_dtype dt, char uplo, char trans, char diag, lapack_int n, lapack_int k,
                          const void *a, lapack_int lda, void *b, lapack_int ldb)
{
	return dt == ML_FLOAT ? LAPACKE_strtrs(CM, uplo, trans, diag, n, k, a, lda, b, ldb)
	                      : LAPACKE_dtrtrs(CM, uplo, trans, diag, n, k, a, lda, b, ldb);
}

static lapack_int x_potrf(ml_dtype dt, char uplo, lapack_int n, void *a, lapack_int lda)
{
	return dt == ML_FLOAT ? LAPACKE_spotrf(CM, uplo, n, a, lda) : LAPACKE_dpotrf(CM, uplo, n, a, lda);
}

static lapack_int x_potrs(ml_dtype dt, char uplo, lapack_int n, lapack_int k, const void *a,
                          lapack_int lda, void *b, lapack_int ldb)
{
	return dt == ML_FLOAT ? LAPACKE_spotrs(CM, uplo, n, k, a, lda, b, ldb)
	                      : LAPACKE_dpotrs(CM, uplo, n, k, a, lda, b, ldb);
}

static lapack_int x_potri(ml_dtype dt, char uplo, lapack_int n, void *a, lapack_int lda)
{
	return dt == ML_FLOAT ? LAPACKE_spotri(CM, uplo, n, a, lda) : LAPACKE_dpotri(CM, uplo, n, a, lda);
}

static lapack_int x_pstrf(ml_dtype dt, char uplo, lapack_int n, void *a, lapack_int lda,
                          lapack_int *piv, lapack_int *rank, double tol)
{
	return dt == ML_FLOAT ? LAPACKE_spstrf(CM, uplo, n, a, lda, piv, rank, (float)tol)
	                      : LAPACKE_dpstrf(CM, uplo, n, a, lda, piv, rank, tol);
}

static lapack_int x_gels(ml_dtype dt, lapack_int m, lapack_int n, lapack_int k, void *a,
                         lapack_int lda, void *b, lapack_int ldb)
{
	return dt == ML_FLOAT ? LAPACKE_sgels(CM, 'N', m, n, k, a, lda, b, ldb)
	                      : LAPACKE_dgels(CM, 'N', m, n, k, a, lda, b, ldb);
}

static lapack_int x_gelsd(ml_dtype dt, lapack_int m, lapack_int n, lapack_int k, void *a,
                          lapack_int lda, void *b, lapack_int ldb, void *s, double rcond,
                          lapack_int *rank)
{
	return dt == ML_FLOAT ? LAPACKE_sgelsd(CM, m, n, k, a, lda, b, ldb, s, (float)rcond, rank)
	                      : LAPACKE_dgelsd(CM, m, n, k, a, lda, b, ldb, s, rcond, rank);
}

static lapack_int x_syevd(ml_dtype dt, char jobz, char uplo, lapack_int n, void *a, lapack_int lda,
                          void *w)
{
	return dt == ML_FLOAT ? LAPACKE_ssyevd(CM, jobz, uplo, n, a, lda, w)
	                      : LAPACKE_dsyevd(CM, jobz, uplo, n, a, lda, w);
}

static lapack_int x_geev(ml_dtype dt, char jobvr, lapack_int n, void *a, lapack_int lda, void *wr,
                         void *wi, void *vl, void *vr, lapack_int ldvr)
{
	return dt == ML_FLOAT ? LAPACKE_sgeev(CM, 'N', jobvr, n, a, lda, wr, wi, vl, 1, vr, ldvr)
	                      : LAPACKE_dgeev(CM, 'N', jobvr, n, a, lda, wr, wi, vl, 1, vr, ldvr);
}

static lapack_int x_gesdd(ml_dtype dt, char jobz, lapack_int m, lapack_int n, void *a, lapack_int lda,
                          void *s, void *u, lapack_int ldu, void *vt, lapack_int ldvt)
{
	return dt == ML_FLOAT ? LAPACKE_sgesdd(CM, jobz, m, n, a, lda, s, u, ldu, vt, ldvt)
	                      : LAPACKE_dgesdd(CM, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}

static lapack_int x_gesvd(ml_dtype dt, char job, lapack_int m, lapack_int n, void *a, lapack_int lda,
                          void *s, void *u, lapack_int ldu, void *vt, lapack_int ldvt, void *superb)
{
	return dt == ML_FLOAT ? LAPACKE_sgesvd(CM, job, job, m, n, a, lda, s, u, ldu, vt, ldvt, superb)
	                      : LAPACKE_dgesvd(CM, job, job, m, n, a, lda, s, u, ldu, vt, ldvt, superb);
}

static lapack_int x_geqrf(ml_dtype dt, lapack_int m, lapack_int n, void *a, lapack_int lda, void *tau)
{
	return dt == ML_FLOAT ? LAPACKE_sgeqrf(CM, m, n, a, lda, tau) : LAPACKE_dgeqrf(CM, m, n, a, lda, tau);
}

static lapack_int x_orgqr(ml_dtype dt, lapack_int m, lapack_int n, lapack_int k, void *a,
                          lapack_int lda, const void *tau)
{
	return dt == ML_FLOAT ? LAPACKE_sorgqr(CM, m, n, k, a, lda, tau)
	                      : LAPACKE_dorgqr(CM, m, n, k, a, lda, tau);
}

static lapack_int x_ormqr(ml_dtype dt, char side, char trans, lapack_int m, lapack_int n, lapack_int k,
                          const void *a, lapack_int lda, const void *tau, void *c, lapack_int ldc)
{
	return dt == ML_FLOAT ? LAPACKE_sormqr(CM, side, trans, m, n, k, a, lda, tau, c, ldc)
	                      : LAPACKE_dormqr(CM, side, trans, m, n, k, a, lda, tau, c, ldc);
}

/* Pivot scratch of n entries (at least one), or NULL with ENOMEM in e. */
static lapack_int *new_pivots(int64_t n, const char *who, ml_error *e)
{
	lapack_int *p = malloc(sizeof(lapack_int) * (size_t)max1(n));
	if (!p)
		ml_fail(e, ML_ENOMEM, "%s: cannot allocate %lld pivots", who, (long long)n);
	return p;
}

/* "(A is 3x3, B is 3x2)" */
static const char *shapes2(char *buf, size_t n, const ml_tensor *a, const ml_tensor *b)
{
	char sa[ML_SHAPELEN], sb[ML_SHAPELEN];
	snprintf(buf, n, "(A is %s, B is %s)", ml_tensor_shape_str(sa, sizeof sa, a),
	         ml_tensor_shape_str(sb, sizeof sb, b));
	return buf;
}

static int singular(const char *who, lapack_int info, const ml_tensor *a, const ml_tensor *b, ml_error *e)
{
	char s[2 * ML_SHAPELEN + 32], sa[ML_SHAPELEN];
	if (b)
		shapes2(s, sizeof s, a, b);
	else
		snprintf(s, sizeof s, "(A is %s)", ml_tensor_shape_str(sa, sizeof sa, a));
	return ml_fail(e, ML_ENUM, "%s: the matrix is singular: U(%d,%d) is exactly zero %s", who, (int)info,
	               (int)info, s);
}

/* ---- LU factors (gesv, inverse, det, logdet) ----
 *
 * Two implementations of getrf meet the same contract.  lu.c's recursive
 * one is faster than OpenBLAS's threaded dgetrf for Double matrices from
 * LU_OWN_MIN to LU_OWN_MAX rows (1.05x at 250, 1.2x at 600-1000, 1.05x at
 * 1200 on 2 cores); outside that range, and for Float, OpenBLAS's is as fast
 * or faster (its row interchanges and panels overlap the updates; lu.c's
 * are serial and bound by memory at 1500 rows and more).  OpenBLAS's getrf
 * multiplies by the reciprocal of each pivot, which overflows for a pivot
 * below the smallest normal number: the factors of such a (nonsingular)
 * matrix come back as inf and NaN.  Then lu.c, which divides by such a
 * pivot as reference LAPACK does, factors it again from the input. */
#define LU_OWN_MIN 250
#define LU_OWN_MAX 1200

_Static_assert(sizeof(lapack_int) == sizeof(int32_t), "lu.c's pivots are LAPACK's 32-bit ints");

/* A pivot U(k, k) that is nonzero but below the dtype's smallest normal number. */
static int tiny_pivot(const out *o, ml_dtype dt, int64_t n)
{
	double lo = dt == ML_FLOAT ? FLT_MIN : DBL_MIN;
	for (int64_t k = 0; k < n; k++) {
		double v = dt == ML_FLOAT ? *(const float *)(const void *)at(o, k, k)
		                          : *(const double *)(const void *)at(o, k, k);
		if (v != 0 && fabs(v) < lo)
			return 1;
	}
	return 0;
}

/* Packs the square matrix a (N, N) into the open COLMAJOR o and factors it
 * there (ipiv: N entries).  ML_OK with LAPACK's *info (0, or the first zero
 * pivot), or an error when a holds NaN.  a must not share memory with o (it
 * is packed again when the factorisation is redone). */
static int lu_of(out *o, const ml_tensor *a, lapack_int *ipiv, lapack_int *info, const char *who,
                 ml_error *e)
{
	ml_dtype dt = a->dtype;
	int64_t n = a->size[0];
	if (out_pack(o, a))
		return nan_input(who, e);
	if (dt == ML_DOUBLE && n >= LU_OWN_MIN && n <= LU_OWN_MAX) {
		*info = (lapack_int)ml_lu_factor(dt, n, n, o->data, o->ld, ipiv);
		return ML_OK;
	}
	*info = x_getrf(dt, (lapack_int)n, o->data, (lapack_int)o->ld, ipiv);
	if (*info >= 0 && tiny_pivot(o, dt, n)) {
		out_pack(o, a);
		*info = (lapack_int)ml_lu_factor(dt, n, n, o->data, o->ld, ipiv);
	}
	if (*info < 0)
		return negative_info(who, "getrf", *info, a, NULL, e);
	return ML_OK;
}

/* ---- linear systems ---- */

int ml_lapack_gesv(ml_tensor *x, ml_tensor *lu, const ml_tensor *b, const ml_tensor *a,
                   const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, b, x, lu};
	int rc = check_dtypes(who, 4, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (!rc)
		rc = check_rhs(who, b, a->size[0], a, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t n = a->size[0], k = b->ndim == 2 ? b->size[1] : 1;
	out olu, ox;
	const ml_tensor *avoid[] = {a, b, lu};
	rc = out_open(&olu, lu, dt, COLMAJOR, n, n, avoid, 2, e);
	if (rc)
		return out_close(&olu, rc, e);
	rc = out_open(&ox, x, dt, b->ndim == 1 ? VECTOR : COLMAJOR, n, k, avoid, 3, e);
	if (!rc && n > 0) {
		/* getrs_work skips LAPACKE's NaN scan: pack did it */
		lapack_int info = 0, *ipiv = NULL;
		if (out_pack(&ox, b))
			rc = nan_input(who, e);
		else if (!(ipiv = new_pivots(n, who, e)))
			rc = ML_ENOMEM;
		else
			rc = lu_of(&olu, a, ipiv, &info, who, e);
		if (!rc && info > 0)
			rc = singular(who, info, a, b, e);
		if (!rc) {
			info = x_getrs(dt, (lapack_int)n, (lapack_int)k, olu.data, (lapack_int)olu.ld, ipiv,
			               ox.data, (lapack_int)ox.ld);
			if (info < 0)
				rc = negative_info(who, "getrs", info, a, b, e);
		}
		free(ipiv);
	}
	rc = out_close(&ox, rc, e);
	return out_close(&olu, rc, e);
}

int ml_lapack_trtrs(ml_tensor *x, ml_tensor *ra, const ml_tensor *b, const ml_tensor *a,
                    char uplo, char trans, char diag, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, b, x, ra};
	int rc = check_dtypes(who, 4, all, e);
	if (!rc)
		rc = check_option(who, "uplo", uplo, "UL", e);
	if (!rc)
		rc = check_option(who, "trans", trans, "NT", e);
	if (!rc)
		rc = check_option(who, "diag", diag, "NU", e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (!rc)
		rc = check_rhs(who, b, a->size[0], a, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t n = a->size[0], k = b->ndim == 2 ? b->size[1] : 1;
	out oa, ox;
	const ml_tensor *avoid[] = {a, b, ra};
	rc = out_open(&oa, ra, dt, COLMAJOR, n, n, avoid, 2, e);
	if (rc)
		return out_close(&oa, rc, e);
	rc = out_open(&ox, x, dt, b->ndim == 1 ? VECTOR : COLMAJOR, n, k, avoid, 3, e);
	if (!rc && n > 0) {
		out_pack(&oa, a);
		out_pack(&ox, b);
		lapack_int info = x_trtrs(dt, uplo, trans, diag, (lapack_int)n, (lapack_int)k, oa.data,
		                          (lapack_int)oa.ld, ox.data, (lapack_int)ox.ld);
		if (info < 0)
			rc = negative_info(who, "trtrs", info, a, b, e);
		else if (info > 0) {
			char s[2 * ML_SHAPELEN + 32];
			rc = ml_fail(e, ML_ENUM, "%s: the triangular matrix is singular: A(%d,%d) is exactly zero %s",
			             who, (int)info, (int)info, shapes2(s, sizeof s, a, b));
		}
	}
	rc = out_close(&ox, rc, e);
	return out_close(&oa, rc, e);
}

/* ---- Cholesky ---- */

int ml_lapack_potrf(ml_tensor *res, const ml_tensor *a, char uplo, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, res};
	int rc = check_dtypes(who, 2, all, e);
	if (!rc)
		rc = check_option(who, "uplo", uplo, "UL", e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (rc)
		return rc;
	int64_t n = a->size[0];
	out o;
	rc = out_open(&o, res, a->dtype, COLMAJOR, n, n, all, 1, e);
	if (!rc && n > 0) {
		out_pack(&o, a);
		lapack_int info = x_potrf(a->dtype, uplo, (lapack_int)n, o.data, (lapack_int)o.ld);
		char s[ML_SHAPELEN];
		if (info < 0)
			rc = negative_info(who, "potrf", info, a, NULL, e);
		else if (info > 0)
			rc = ml_fail(e, ML_ENUM, "%s: the matrix is not positive definite (leading minor %d; A is %s)",
			             who, (int)info, ml_tensor_shape_str(s, sizeof s, a));
		else
			clear_other_triangle(&o, uplo);
	}
	return out_close(&o, rc, e);
}

/* A zero on the diagonal of a triangular factor: its 1-based index, else 0. */
static int64_t zero_diagonal(const out *o)
{
	for (int64_t i = 0; i < o->rows; i++)
		if (ml_load_f64(o->w->dtype, at(o, i, i)) == 0)
			return i + 1;
	return 0;
}

int ml_lapack_potrs(ml_tensor *res, const ml_tensor *b, const ml_tensor *chol, char uplo,
                    const char *who, ml_error *e)
{
	const ml_tensor *all[] = {chol, b, res};
	int rc = check_dtypes(who, 3, all, e);
	if (!rc)
		rc = check_option(who, "uplo", uplo, "UL", e);
	if (!rc)
		rc = check_matrix(who, "the Cholesky factor", chol, 1, e);
	if (!rc)
		rc = check_rhs(who, b, chol->size[0], chol, e);
	if (rc)
		return rc;
	ml_dtype dt = chol->dtype;
	int64_t n = chol->size[0], k = b->ndim == 2 ? b->size[1] : 1;
	out oc, ox;
	rc = out_open(&oc, NULL, dt, COLMAJOR, n, n, NULL, 0, e);
	if (rc)
		return out_close(&oc, rc, e);
	rc = out_open(&ox, res, dt, b->ndim == 1 ? VECTOR : COLMAJOR, n, k, all, 2, e);
	if (!rc && n > 0) {
		out_pack(&oc, chol);
		out_pack(&ox, b);
		int64_t z = zero_diagonal(&oc);
		if (z) {
			char s[2 * ML_SHAPELEN + 32];
			rc = ml_fail(e, ML_ENUM, "%s: the Cholesky factor is singular: chol(%lld,%lld) is zero %s", who,
			             (long long)z, (long long)z, shapes2(s, sizeof s, chol, b));
		} else {
			lapack_int info = x_potrs(dt, uplo, (lapack_int)n, (lapack_int)k, oc.data, (lapack_int)oc.ld,
			                          ox.data, (lapack_int)ox.ld);
			if (info < 0)
				rc = negative_info(who, "potrs", info, chol, b, e);
		}
	}
	rc = out_close(&ox, rc, e);
	return out_close(&oc, rc, e);
}

int ml_lapack_potri(ml_tensor *res, const ml_tensor *chol, char uplo, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {chol, res};
	int rc = check_dtypes(who, 2, all, e);
	if (!rc)
		rc = check_option(who, "uplo", uplo, "UL", e);
	if (!rc)
		rc = check_matrix(who, "the Cholesky factor", chol, 1, e);
	if (rc)
		return rc;
	int64_t n = chol->size[0];
	out o;
	rc = out_open(&o, res, chol->dtype, COLMAJOR, n, n, all, 1, e);
	if (!rc && n > 0) {
		out_pack(&o, chol);
		lapack_int info = x_potri(chol->dtype, uplo, (lapack_int)n, o.data, (lapack_int)o.ld);
		char s[ML_SHAPELEN];
		if (info < 0)
			rc = negative_info(who, "potri", info, chol, NULL, e);
		else if (info > 0)
			rc = ml_fail(e, ML_ENUM, "%s: the matrix is singular: chol(%d,%d) is exactly zero (chol is %s)",
			             who, (int)info, (int)info, ml_tensor_shape_str(s, sizeof s, chol));
		else /* LAPACK wrote one triangle: mirror it */
			for (int64_t j = 0; j < n; j++)
				for (int64_t i = j + 1; i < n; i++) {
					if (uplo == 'U')
						memcpy(at(&o, i, j), at(&o, j, i), o.es);
					else
						memcpy(at(&o, j, i), at(&o, i, j), o.es);
				}
	}
	return out_close(&o, rc, e);
}

int ml_lapack_pstrf(ml_tensor *res, ml_tensor *piv, const ml_tensor *a, char uplo, double tol,
                    int64_t *rank, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, res};
	int rc = check_dtypes(who, 2, all, e);
	if (!rc && ml_dtype_info[piv->dtype].is_float)
		rc = ml_fail(e, ML_ETYPE, "%s: the pivot tensor must have an integer type (got %s)", who,
		             ml_dtype_name(piv->dtype));
	if (!rc)
		rc = check_option(who, "uplo", uplo, "UL", e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (rc)
		return rc;
	int64_t n = a->size[0];
	lapack_int r = 0;
	lapack_int *p = new_pivots(n, who, e);
	if (!p)
		return ML_ENOMEM;
	out o;
	rc = out_open(&o, res, a->dtype, COLMAJOR, n, n, all, 1, e);
	if (!rc && n > 0) {
		out_pack(&o, a);
		lapack_int info = x_pstrf(a->dtype, uplo, (lapack_int)n, o.data, (lapack_int)o.ld, p, &r, tol);
		if (info < 0)
			rc = negative_info(who, "pstrf", info, a, NULL, e);
		else {
			/* info > 0 is rank deficiency: the factor is right up to rank r;
			 * LAPACK leaves a trailing Schur complement behind, cleared here */
			clear_other_triangle(&o, uplo);
			for (int64_t j = r; j < n; j++) {
				if (uplo == 'U')
					zero_col(&o, j, r, j + 1);
				else
					zero_col(&o, j, j, n);
			}
		}
	}
	if (!rc && (piv->ndim != 1 || piv->size[0] != n))
		rc = ml_tensor_resize(piv, 1, &n, e);
	for (int64_t i = 0; !rc && i < n; i++)
		ml_store_i64(piv->dtype, ml_tensor_ptr(piv, &i), (int64_t)p[i]);
	free(p);
	if (!rc && rank)
		*rank = r;
	return out_close(&o, rc, e);
}

/* ---- least squares ---- */

/* Hands the first n rows of the column-major scratch matrix w (rows x k, or
 * its column 0 as a vector) to res: copied into res when res is a strided
 * slice of that shape, else res becomes a view of w's storage (which keeps
 * the remaining rows behind the view, as Torch7's gels does). */
static int deliver_rows(ml_tensor *res, out *w, int64_t n, int vec, ml_error *e)
{
	ml_tensor v = *w->w; /* borrowed */
	int rc = ml_tensor_narrow(&v, 0, 0, n, e);
	if (!rc && vec)
		rc = ml_tensor_select(&v, 1, 0, e);
	if (rc)
		return rc;
	if (has_shape(res, vec ? VECTOR : COLMAJOR, n, w->cols) && !ml_tensor_is_contiguous(res))
		return ml_tensor_copy(res, &v, e);
	if (!v.storage) /* empty: give res the right shape */
		return relayout(res, vec ? VECTOR : COLMAJOR, n, w->cols, e);
	ml_tensor_set(res, &v);
	return ML_OK;
}

int ml_lapack_gels(ml_tensor *x, ml_tensor *ra, const ml_tensor *b, const ml_tensor *a,
                   const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, b, x, ra};
	int rc = check_dtypes(who, 4, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 0, e);
	if (!rc)
		rc = check_rhs(who, b, a->size[0], a, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t m = a->size[0], n = a->size[1], k = b->ndim == 2 ? b->size[1] : 1;
	int64_t rows = m > n ? m : n;
	if (!fits(rows))
		return ml_fail(e, ML_EINVAL, "%s: A is too large for LAPACK", who);
	out oa, ox;
	const ml_tensor *avoid[] = {a, b};
	rc = out_open(&oa, ra, dt, COLMAJOR, m, n, avoid, 2, e);
	if (rc)
		return out_close(&oa, rc, e);
	/* LAPACK works in a max(M, N)-row buffer; x ends up as a view of its first N rows */
	rc = out_open(&ox, NULL, dt, COLMAJOR, rows, k, NULL, 0, e);
	if (!rc) {
		out_pack(&oa, a);
		out_pack(&ox, b);
	}
	if (!rc && m > 0 && n > 0 && k > 0) {
		lapack_int info = x_gels(dt, (lapack_int)m, (lapack_int)n, (lapack_int)k, oa.data,
		                         (lapack_int)oa.ld, ox.data, (lapack_int)ox.ld);
		char s[2 * ML_SHAPELEN + 32];
		if (info < 0)
			rc = negative_info(who, "gels", info, a, b, e);
		else if (info > 0)
			rc = ml_fail(e, ML_ENUM, "%s: A does not have full rank: diagonal element %d of its triangular "
			             "factor is exactly zero %s", who, (int)info, shapes2(s, sizeof s, a, b));
	} else if (!rc && n > 0) {
		/* an empty A: X = 0, the residual rows are B itself (the buffer is zeroed) */
		for (int64_t j = 0; j < k; j++)
			zero_col(&ox, j, 0, min64(n, rows));
	}
	if (!rc)
		rc = deliver_rows(x, &ox, n, b->ndim == 1, e);
	rc = out_close(&ox, rc, e);
	return out_close(&oa, rc, e);
}

static double eps_of(ml_dtype dt)
{
	return dt == ML_FLOAT ? FLT_EPSILON : DBL_EPSILON;
}

int ml_lapack_lstsq(ml_tensor *x, ml_tensor *residuals, ml_tensor *s, int64_t *rank,
                    const ml_tensor *b, const ml_tensor *a, double rcond, const char *who,
                    ml_error *e)
{
	const ml_tensor *all[] = {a, b, x, residuals, s};
	int rc = check_dtypes(who, 5, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 0, e);
	if (!rc)
		rc = check_rhs(who, b, a->size[0], a, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t m = a->size[0], n = a->size[1], k = b->ndim == 2 ? b->size[1] : 1, mn = min64(m, n);
	int64_t rows = m > n ? m : n;
	if (!fits(rows))
		return ml_fail(e, ML_EINVAL, "%s: A is too large for LAPACK", who);
	if (rcond < 0)
		rcond = eps_of(dt) * (double)rows;
	out oa, ob, ox, os, orr;
	rc = out_open(&oa, NULL, dt, COLMAJOR, m, n, NULL, 0, e);
	int opened = 1;
	if (!rc && ++opened)
		rc = out_open(&ob, NULL, dt, COLMAJOR, rows, k, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&os, s, dt, VECTOR, mn, 1, all, 2, e);
	lapack_int r = 0;
	if (!rc) {
		out_pack(&oa, a);
		out_pack(&ob, b);
		if (mn > 0) {
			lapack_int info = x_gelsd(dt, (lapack_int)m, (lapack_int)n, (lapack_int)k, oa.data,
			                          (lapack_int)oa.ld, ob.data, (lapack_int)ob.ld, os.data, rcond, &r);
			char sh[2 * ML_SHAPELEN + 32];
			if (info < 0)
				rc = negative_info(who, "gelsd", info, a, b, e);
			else if (info > 0)
				rc = ml_fail(e, ML_ENUM, "%s: the SVD did not converge %s", who, shapes2(sh, sizeof sh, a, b));
		} else {
			/* empty A: X = 0 and the residuals are B itself */
			for (int64_t j = 0; j < k; j++)
				zero_col(&ob, j, 0, n);
		}
	}
	if (!rc && ++opened)
		rc = out_open(&ox, x, dt, b->ndim == 1 ? VECTOR : COLMAJOR, n, k, all + 4, 1, e);
	if (!rc) {
		for (int64_t j = 0; j < k && n > 0; j++)
			memcpy(at(&ox, 0, j), at(&ob, 0, j), (size_t)n * ox.es);
	}
	int with_res = m > n && r == n;
	const ml_tensor *later[] = {s, x};
	if (!rc && ++opened)
		rc = out_open(&orr, residuals, dt, VECTOR, with_res ? k : 0, 1, later, 2, e);
	if (!rc && with_res)
		for (int64_t j = 0; j < k; j++) {
			double ss = 0;
			for (int64_t i = n; i < m; i++) {
				double v = ml_load_f64(dt, at(&ob, i, j));
				ss += v * v;
			}
			ml_store_f64(dt, at(&orr, j, 0), ss);
		}
	if (!rc && rank)
		*rank = r;
	if (opened >= 5)
		rc = out_close(&orr, rc, e);
	if (opened >= 4)
		rc = out_close(&ox, rc, e);
	if (opened >= 3)
		rc = out_close(&os, rc, e);
	if (opened >= 2)
		rc = out_close(&ob, rc, e);
	return out_close(&oa, rc, e);
}

/* ---- eigenvalues ---- */

int ml_lapack_syev(ml_tensor *w, ml_tensor *v, const ml_tensor *a, char jobz, char uplo,
                   const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, w, jobz == 'V' ? v : NULL};
	int rc = check_dtypes(who, 3, all, e);
	if (!rc)
		rc = check_option(who, "jobz", jobz, "NV", e);
	if (!rc)
		rc = check_option(who, "uplo", uplo, "UL", e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t n = a->size[0];
	out ov, ow;
	rc = out_open(&ov, jobz == 'V' ? v : NULL, dt, COLMAJOR, n, n, all, 1, e);
	if (rc)
		return out_close(&ov, rc, e);
	const ml_tensor *avoid[] = {a, jobz == 'V' ? v : NULL};
	rc = out_open(&ow, w, dt, VECTOR, n, 1, avoid, 2, e);
	if (!rc && n > 0) {
		out_pack(&ov, a);
		lapack_int info = x_syevd(dt, jobz, uplo, (lapack_int)n, ov.data, (lapack_int)ov.ld, ow.data);
		char s[ML_SHAPELEN];
		if (info < 0)
			rc = negative_info(who, "syevd", info, a, NULL, e);
		else if (info > 0)
			rc = ml_fail(e, ML_ENUM, "%s: the eigenvalue algorithm did not converge (%d; A is %s)", who,
			             (int)info, ml_tensor_shape_str(s, sizeof s, a));
	}
	rc = out_close(&ow, rc, e);
	return out_close(&ov, rc, e);
}

int ml_lapack_geev(ml_tensor *w, ml_tensor *v, const ml_tensor *a, char jobvr, const char *who,
                   ml_error *e)
{
	const ml_tensor *all[] = {a, w, jobvr == 'V' ? v : NULL};
	int rc = check_dtypes(who, 3, all, e);
	if (!rc)
		rc = check_option(who, "jobvr", jobvr, "NV", e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t n = a->size[0];
	out oa, ow, ov;
	rc = out_open(&oa, NULL, dt, COLMAJOR, n, n, NULL, 0, e);
	if (rc)
		return out_close(&oa, rc, e);
	/* w (N, 2) column-major: LAPACK's wr and wi are its two columns */
	rc = out_open(&ow, w, dt, COLMAJOR, n, 2, all, 1, e);
	if (rc) {
		rc = out_close(&ow, rc, e);
		return out_close(&oa, rc, e);
	}
	const ml_tensor *avoid[] = {a, w};
	rc = out_open(&ov, jobvr == 'V' ? v : NULL, dt, COLMAJOR, jobvr == 'V' ? n : 0, n, avoid, 2, e);
	if (!rc && n > 0) {
		out_pack(&oa, a);
		lapack_int info = x_geev(dt, jobvr, (lapack_int)n, oa.data, (lapack_int)oa.ld, at(&ow, 0, 0),
		                         at(&ow, 0, 1), oa.dummy, ov.data, (lapack_int)ov.ld);
		char s[ML_SHAPELEN];
		if (info < 0)
			rc = negative_info(who, "geev", info, a, NULL, e);
		else if (info > 0)
			rc = ml_fail(e, ML_ENUM, "%s: the QR algorithm failed to compute all the eigenvalues "
			             "(%d did not converge; A is %s)", who, (int)info, ml_tensor_shape_str(s, sizeof s, a));
	}
	rc = out_close(&ov, rc, e);
	rc = out_close(&ow, rc, e);
	return out_close(&oa, rc, e);
}

/* ---- SVD ---- */

/* The SVD of the column-major m x n matrix in oa (destroyed) into s, u, vt
 * (column-major buffers as LAPACK wants them).  gesdd first; if it fails to
 * converge, gesvd on a fresh copy of `a`. */
static int svd_into(out *oa, const ml_tensor *a, char jobz, char *s, char *u, int64_t ldu, char *vt,
                    int64_t ldvt, const char *who, ml_error *e)
{
	ml_dtype dt = a->dtype;
	lapack_int m = (lapack_int)a->size[0], n = (lapack_int)a->size[1];
	lapack_int info = x_gesdd(dt, jobz, m, n, oa->data, (lapack_int)oa->ld, s, u, (lapack_int)ldu, vt,
	                          (lapack_int)ldvt);
	if (info > 0) {
		void *superb = malloc(ml_dtype_info[dt].size * (size_t)max1(min64(m, n)));
		if (!superb)
			return ml_fail(e, ML_ENOMEM, "%s: cannot allocate LAPACK's workspace", who);
		out_pack(oa, a);
		info = x_gesvd(dt, jobz, m, n, oa->data, (lapack_int)oa->ld, s, u, (lapack_int)ldu, vt,
		               (lapack_int)ldvt, superb);
		free(superb);
	}
	char sh[ML_SHAPELEN];
	if (info < 0)
		return negative_info(who, "gesdd", info, a, NULL, e);
	if (info > 0)
		return ml_fail(e, ML_ENUM, "%s: the SVD did not converge (A is %s)", who,
		               ml_tensor_shape_str(sh, sizeof sh, a));
	return ML_OK;
}

int ml_lapack_gesdd(ml_tensor *u, ml_tensor *s, ml_tensor *v, const ml_tensor *a, char jobz,
                    const char *who, ml_error *e)
{
	int vecs = jobz != 'N';
	const ml_tensor *all[] = {a, s, vecs ? u : NULL, vecs ? v : NULL};
	int rc = check_dtypes(who, 4, all, e);
	if (!rc && !strchr("SAN", jobz ? jobz : '?'))
		rc = ml_fail(e, ML_EINVAL, "%s: jobz must be 'S' or 'A' (got '%c')", who, jobz ? jobz : '?');
	if (!rc)
		rc = check_matrix(who, "A", a, 0, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t m = a->size[0], n = a->size[1], k = min64(m, n);
	int64_t ucols = jobz == 'A' ? m : k, vcols = jobz == 'A' ? n : k;
	out oa, ou, os, ov;
	int opened = 1;
	rc = out_open(&oa, NULL, dt, COLMAJOR, m, n, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&os, s, dt, VECTOR, k, 1, all, 1, e);
	const ml_tensor *avoid[] = {a, s, u};
	if (!rc && ++opened)
		rc = out_open(&ou, vecs ? u : NULL, dt, COLMAJOR, vecs ? m : 0, vecs ? ucols : 0, avoid, 2, e);
	/* V^T (vcols, N) column-major is V (N, vcols) row-major */
	if (!rc && ++opened)
		rc = out_open(&ov, vecs ? v : NULL, dt, ROWMAJOR, vecs ? n : 0, vecs ? vcols : 0, avoid, 3, e);
	if (!rc && k == 0) {
		if (jobz == 'A') {
			set_identity(&ou);
			set_identity(&ov);
		}
	} else if (!rc) {
		out_pack(&oa, a);
		rc = svd_into(&oa, a, jobz, os.data, ou.data, vecs ? ou.ld : 1, ov.data, vecs ? ov.ld : 1, who, e);
	}
	if (opened >= 4)
		rc = out_close(&ov, rc, e);
	if (opened >= 3)
		rc = out_close(&ou, rc, e);
	if (opened >= 2)
		rc = out_close(&os, rc, e);
	return out_close(&oa, rc, e);
}

/* ---- inverse and determinants ---- */

int ml_lapack_inverse(ml_tensor *res, const ml_tensor *a, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, res};
	int rc = check_dtypes(who, 2, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (rc)
		return rc;
	int64_t n = a->size[0];
	out o;
	rc = out_open(&o, res, a->dtype, COLMAJOR, n, n, all, 1, e);
	if (!rc && n > 0) {
		lapack_int info = 0, *ipiv = new_pivots(n, who, e);
		rc = ipiv ? lu_of(&o, a, ipiv, &info, who, e) : ML_ENOMEM;
		if (!rc && !info)
			info = x_getri(a->dtype, (lapack_int)n, o.data, (lapack_int)o.ld, ipiv);
		if (!rc && info < 0)
			rc = negative_info(who, "getri", info, a, NULL, e);
		else if (!rc && info > 0)
			rc = singular(who, info, a, NULL, e);
		free(ipiv);
	}
	return out_close(&o, rc, e);
}

/* LU factors of a (N, N) in scratch o and ipiv (both released by the caller
 * with out_close and free, also on error).  *zero: a pivot is exactly zero. */
static int lu_scratch(const ml_tensor *a, out *o, lapack_int **ipiv, int *zero, const char *who,
                      ml_error *e)
{
	const ml_tensor *all[] = {a};
	*ipiv = NULL;
	*zero = 0;
	o->res = NULL;
	ml_tensor_init(&o->tmp, a->dtype);
	o->w = &o->tmp;
	int rc = check_dtypes(who, 1, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 1, e);
	if (!rc)
		rc = out_open(o, NULL, a->dtype, COLMAJOR, a->size[0], a->size[0], NULL, 0, e);
	if (rc || a->size[0] == 0)
		return rc;
	*ipiv = new_pivots(a->size[0], who, e);
	if (!*ipiv)
		return ML_ENOMEM;
	lapack_int info = 0;
	rc = lu_of(o, a, *ipiv, &info, who, e);
	*zero = info > 0;
	return rc;
}

int ml_lapack_det(const ml_tensor *a, double *det, const char *who, ml_error *e)
{
	out o;
	lapack_int *ipiv;
	int zero;
	int rc = lu_scratch(a, &o, &ipiv, &zero, who, e);
	if (!rc) {
		double d = 1;
		for (int64_t i = 0; i < a->size[0] && !zero; i++)
			d *= (ipiv[i] != i + 1 ? -1 : 1) * ml_load_f64(a->dtype, at(&o, i, i));
		*det = zero ? 0.0 : d;
	}
	free(ipiv);
	return out_close(&o, rc, e);
}

int ml_lapack_slogdet(const ml_tensor *a, double *sign, double *logabs, const char *who,
                      ml_error *e)
{
	out o;
	lapack_int *ipiv;
	int zero;
	int rc = lu_scratch(a, &o, &ipiv, &zero, who, e);
	if (!rc) {
		double sg = 1, la = 0;
		for (int64_t i = 0; i < a->size[0] && !zero; i++) {
			double d = ml_load_f64(a->dtype, at(&o, i, i));
			if (ipiv[i] != i + 1)
				sg = -sg;
			if (d < 0) {
				sg = -sg;
				d = -d;
			}
			la += log(d);
		}
		*sign = zero ? 0.0 : sg;
		*logabs = zero ? -INFINITY : la;
	}
	free(ipiv);
	return out_close(&o, rc, e);
}

/* ---- QR ---- */

int ml_lapack_geqrf(ml_tensor *m, ml_tensor *tau, const ml_tensor *a, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, m, tau};
	int rc = check_dtypes(who, 3, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 0, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t rows = a->size[0], cols = a->size[1], k = min64(rows, cols);
	out om, ot;
	rc = out_open(&om, m, dt, COLMAJOR, rows, cols, all, 1, e);
	if (rc)
		return out_close(&om, rc, e);
	rc = out_open(&ot, tau, dt, VECTOR, k, 1, all, 2, e);
	if (!rc) {
		out_pack(&om, a);
		if (k > 0) {
			lapack_int info = x_geqrf(dt, (lapack_int)rows, (lapack_int)cols, om.data, (lapack_int)om.ld,
			                          ot.data);
			if (info < 0)
				rc = negative_info(who, "geqrf", info, a, NULL, e);
		}
	}
	rc = out_close(&ot, rc, e);
	return out_close(&om, rc, e);
}

/* Checks tau as the scalar factors of k <= min(rows, cols) reflectors held in m. */
static int check_reflectors(const char *who, const ml_tensor *m, const ml_tensor *tau, int64_t nq,
                            ml_error *e)
{
	char sm[ML_SHAPELEN], st[ML_SHAPELEN];
	int rc = check_matrix(who, "the reflector matrix", m, 0, e);
	if (rc)
		return rc;
	if (tau->ndim != 1 || tau->size[0] > m->size[1] || tau->size[0] > nq)
		return ml_fail(e, ML_ESHAPE, "%s: tau must be a vector of at most %lld scalar factors for a %s "
		               "reflector matrix (got %s)", who, (long long)min64(m->size[1], nq),
		               ml_tensor_shape_str(sm, sizeof sm, m), ml_tensor_shape_str(st, sizeof st, tau));
	return ML_OK;
}

int ml_lapack_orgqr(ml_tensor *q, const ml_tensor *m, const ml_tensor *tau, const char *who,
                    ml_error *e)
{
	const ml_tensor *all[] = {m, tau, q};
	int rc = check_dtypes(who, 3, all, e);
	if (!rc)
		rc = check_reflectors(who, m, tau, m->ndim == 2 ? m->size[0] : 0, e);
	if (rc)
		return rc;
	ml_dtype dt = m->dtype;
	int64_t rows = m->size[0], k = tau->size[0];
	out oq, ot;
	rc = out_open(&ot, NULL, dt, VECTOR, k, 1, NULL, 0, e);
	if (rc)
		return out_close(&ot, rc, e);
	rc = out_open(&oq, q, dt, COLMAJOR, rows, k, all, 2, e);
	if (!rc && rows > 0 && k > 0) {
		ml_tensor mk = *m; /* borrowed: the first k columns */
		mk.size[1] = k;
		out_pack(&oq, &mk);
		out_pack(&ot, tau);
		lapack_int info = x_orgqr(dt, (lapack_int)rows, (lapack_int)k, (lapack_int)k, oq.data,
		                          (lapack_int)oq.ld, ot.data);
		if (info < 0)
			rc = negative_info(who, "orgqr", info, m, tau, e);
	}
	rc = out_close(&oq, rc, e);
	return out_close(&ot, rc, e);
}

int ml_lapack_ormqr(ml_tensor *res, const ml_tensor *m, const ml_tensor *tau, const ml_tensor *c,
                    char side, char trans, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {m, tau, c, res};
	int rc = check_dtypes(who, 4, all, e);
	if (!rc)
		rc = check_option(who, "side", side, "LR", e);
	if (!rc)
		rc = check_option(who, "trans", trans, "NT", e);
	if (!rc)
		rc = check_matrix(who, "C", c, 0, e);
	if (rc)
		return rc;
	int64_t r = c->size[0], cc = c->size[1], nq = side == 'L' ? r : cc;
	char sm[ML_SHAPELEN], sc[ML_SHAPELEN];
	if (m->ndim == 2 && m->size[0] != nq)
		return ml_fail(e, ML_ESHAPE, "%s: the reflector matrix needs %lld rows to multiply C from the %s "
		               "(reflectors %s, C %s)", who, (long long)nq, side == 'L' ? "left" : "right",
		               ml_tensor_shape_str(sm, sizeof sm, m), ml_tensor_shape_str(sc, sizeof sc, c));
	rc = check_reflectors(who, m, tau, nq, e);
	if (rc)
		return rc;
	ml_dtype dt = m->dtype;
	int64_t k = tau->size[0];
	out om, ot, oc;
	int opened = 1;
	rc = out_open(&om, NULL, dt, COLMAJOR, nq, k, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&ot, NULL, dt, VECTOR, k, 1, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&oc, res, dt, COLMAJOR, r, cc, all, 3, e);
	if (!rc) {
		ml_tensor mk = *m;
		mk.size[1] = k;
		out_pack(&om, &mk);
		out_pack(&ot, tau);
		out_pack(&oc, c);
		if (r > 0 && cc > 0 && k > 0) {
			lapack_int info = x_ormqr(dt, side, trans, (lapack_int)r, (lapack_int)cc, (lapack_int)k, om.data,
			                          (lapack_int)om.ld, ot.data, oc.data, (lapack_int)oc.ld);
			if (info < 0)
				rc = negative_info(who, "ormqr", info, m, c, e);
		}
	}
	if (opened >= 3)
		rc = out_close(&oc, rc, e);
	if (opened >= 2)
		rc = out_close(&ot, rc, e);
	return out_close(&om, rc, e);
}

int ml_lapack_qr(ml_tensor *q, ml_tensor *r, const ml_tensor *a, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, q, r};
	int rc = check_dtypes(who, 3, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 0, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t m = a->size[0], n = a->size[1], k = min64(m, n);
	out oa, ot, oq, ors;
	int opened = 1;
	rc = out_open(&oa, NULL, dt, COLMAJOR, m, n, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&ot, NULL, dt, VECTOR, k, 1, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&oq, q, dt, COLMAJOR, m, k, all, 1, e);
	const ml_tensor *avoid[] = {a, q};
	if (!rc && ++opened)
		rc = out_open(&ors, r, dt, COLMAJOR, k, n, avoid, 2, e);
	if (!rc && k > 0) {
		out_pack(&oa, a);
		lapack_int info = x_geqrf(dt, (lapack_int)m, (lapack_int)n, oa.data, (lapack_int)oa.ld, ot.data);
		if (info < 0)
			rc = negative_info(who, "geqrf", info, a, NULL, e);
		for (int64_t j = 0; !rc && j < n; j++) {
			int64_t top = min64(j + 1, k);
			memcpy(at(&ors, 0, j), at(&oa, 0, j), (size_t)top * ors.es);
			zero_col(&ors, j, top, k);
			if (j < k)
				memcpy(at(&oq, 0, j), at(&oa, 0, j), (size_t)m * oq.es);
		}
		if (!rc) {
			info = x_orgqr(dt, (lapack_int)m, (lapack_int)k, (lapack_int)k, oq.data, (lapack_int)oq.ld,
			               ot.data);
			if (info < 0)
				rc = negative_info(who, "orgqr", info, a, NULL, e);
		}
	}
	if (opened >= 4)
		rc = out_close(&ors, rc, e);
	if (opened >= 3)
		rc = out_close(&oq, rc, e);
	if (opened >= 2)
		rc = out_close(&ot, rc, e);
	return out_close(&oa, rc, e);
}

/* ---- pseudo-inverse ---- */

int ml_lapack_pinv(ml_tensor *res, const ml_tensor *a, double rcond, const char *who, ml_error *e)
{
	const ml_tensor *all[] = {a, res};
	int rc = check_dtypes(who, 2, all, e);
	if (!rc)
		rc = check_matrix(who, "A", a, 0, e);
	if (rc)
		return rc;
	ml_dtype dt = a->dtype;
	int64_t m = a->size[0], n = a->size[1], k = min64(m, n);
	out oa, ou, os, ovt, ores;
	int opened = 1;
	rc = out_open(&oa, NULL, dt, COLMAJOR, m, n, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&ou, NULL, dt, COLMAJOR, m, k, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&os, NULL, dt, VECTOR, k, 1, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&ovt, NULL, dt, COLMAJOR, k, n, NULL, 0, e);
	if (!rc && ++opened)
		rc = out_open(&ores, res, dt, ROWMAJOR, n, m, all, 1, e);
	if (!rc && k == 0) {
		for (int64_t i = 0; i < n && m > 0; i++)
			memset(at(&ores, i, 0), 0, (size_t)m * ores.es);
	} else if (!rc) {
		out_pack(&oa, a);
		rc = svd_into(&oa, a, 'S', os.data, ou.data, ou.ld, ovt.data, ovt.ld, who, e);
		if (!rc) {
			/* U <- U diag(1/s) over the singular values above the cutoff, 0 elsewhere */
			double cutoff = rcond * ml_load_f64(dt, at(&os, 0, 0));
			for (int64_t j = 0; j < k; j++) {
				double sj = ml_load_f64(dt, at(&os, j, 0)), f = sj > cutoff ? 1.0 / sj : 0.0;
				for (int64_t i = 0; i < m; i++) {
					char *p = at(&ou, i, j);
					ml_store_f64(dt, p, ml_load_f64(dt, p) * f);
				}
			}
			/* res (N, M) = V (N, K) @ U^T (K, M), both read as transposed views */
			ml_tensor vt = transposed(ovt.w), ut = transposed(ou.w);
			rc = ml_blas_gemm(ores.w, 0, 1, &vt, &ut, e);
		}
	}
	if (opened >= 5)
		rc = out_close(&ores, rc, e);
	if (opened >= 4)
		rc = out_close(&ovt, rc, e);
	if (opened >= 3)
		rc = out_close(&os, rc, e);
	if (opened >= 2)
		rc = out_close(&ou, rc, e);
	return out_close(&oa, rc, e);
}
