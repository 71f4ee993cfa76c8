/*
 * blas.c - matrix products (see blas.h for the contracts).
 *
 * Float and Double: every cblas call of moonlab is in this file.  A view is
 * handed to BLAS without copying when it is row-major (unit column stride) or
 * transposed (unit row stride) with a leading dimension BLAS accepts; a result
 * that is column-major is produced as c^T = b^T a^T; anything else is copied
 * to contiguous scratch.  Sizes must fit BLAS's integer type.
 *
 * Integer dtypes: operands are widened to contiguous int64 scratch, multiplied
 * with unsigned 64-bit arithmetic (wrapping, so no undefined overflow) in
 * i-k-j order, which streams rows of b and c, and narrowed back on the copy
 * into the result.  Wrapping modulo 2^64 then narrowing gives the same result
 * as doing the arithmetic in the element type.  These loops are serial and
 * not blocked: integer products are for indexing and counting, not speed.
 *
 * Products of more than 2^34 multiply-adds (a second or more here) run as
 * several BLAS calls over row panels of c, so that an interrupt request
 * (interrupt.h) stops them between panels.  Smaller products stay one call:
 * splitting repacks b for every panel and costs 5-10% at 2048x2048.
 *
 * Not here: LAPACK (lapack.c), sparse products, threading beyond OpenBLAS's.
 */
#include <cblas.h>
#include <stdio.h>
#include <string.h>

#include "blas.h"
#include "internal.h"
#include "interrupt.h"

static int64_t max1(int64_t v)
{
	return v > 1 ? v : 1;
}

/* Does v (a size, leading dimension or increment) fit BLAS's integer type? */
static int fits(int64_t v)
{
	return v >= 0 && (int64_t)(blasint)v == v;
}

/* How row-major BLAS can read the (rows, cols) view with strides s0, s1:
 * directly (*trans = 0) when columns are adjacent, as its transpose
 * (*trans = 1) when rows are adjacent; *ld is the leading dimension.  Strides
 * of size-1 dimensions never matter.  Returns 0 when a copy is needed. */
static int find_layout(int64_t rows, int64_t cols, int64_t s0, int64_t s1, int *trans, int64_t *ld)
{
	if ((cols <= 1 || s1 == 1) && (rows <= 1 || s0 >= max1(cols))) {
		*trans = 0;
		*ld = rows <= 1 ? max1(cols) : s0;
		return fits(*ld);
	}
	if ((rows <= 1 || s0 == 1) && (cols <= 1 || s1 >= max1(rows))) {
		*trans = 1;
		*ld = cols <= 1 ? max1(rows) : s1;
		return fits(*ld);
	}
	return 0;
}

/* A double scalar as an int64 for the integer paths: truncated, saturated, NaN -> 0. */
static int64_t to_i64(double v)
{
	if (v != v)
		return 0;
	if (v >= 9223372036854775807.0)
		return INT64_MAX;
	if (v <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)v;
}

/* Swaps the two dimensions of a borrowed 2-D view. */
static ml_tensor transposed(const ml_tensor *t)
{
	ml_tensor v = *t;
	v.size[0] = t->size[1];
	v.size[1] = t->size[0];
	v.stride[0] = t->stride[1];
	v.stride[1] = t->stride[0];
	return v;
}

static int same_dtype(const char *who, const ml_tensor *a, const ml_tensor *b, ml_error *e)
{
	if (a->dtype == b->dtype)
		return ML_OK;
	return ml_fail(e, ML_ETYPE, "%s: tensors must have the same type (got %s and %s)", who,
	               ml_dtype_name(a->dtype), ml_dtype_name(b->dtype));
}

/* ---- scaling: t = beta * t, any dtype, any strides ---- */

typedef struct scale_ctx {
	ml_dtype dtype;  /* element type */
	double beta;     /* factor for Float/Double */
	uint64_t ibeta;  /* factor for integer types, two's complement */
} scale_ctx;

static void scale_run(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	const scale_ctx *c = ctx;
	char *d = p[0];
	switch (c->dtype) {
	case ML_FLOAT:
		for (int64_t i = 0; i < n; i++)
			*(float *)(d + i * st[0]) *= (float)c->beta;
		break;
	case ML_DOUBLE:
		for (int64_t i = 0; i < n; i++)
			*(double *)(d + i * st[0]) *= c->beta;
		break;
	default:
		for (int64_t i = 0; i < n; i++) {
			void *q = d + i * st[0];
			ml_store_i64(c->dtype, q, (int64_t)((uint64_t)ml_load_i64(c->dtype, q) * c->ibeta));
		}
		break;
	}
}

/* t = beta * t; beta == 0 writes zeros without reading t. */
static void scale(ml_tensor *t, double beta)
{
	int isf = ml_dtype_info[t->dtype].is_float;
	if (isf ? beta == 1 : to_i64(beta) == 1)
		return;
	if (isf ? beta == 0 : to_i64(beta) == 0) {
		ml_tensor_fill_i64(t, 0);
		return;
	}
	if (ml_tensor_numel(t) == 0)
		return;
	scale_ctx c = {t->dtype, beta, (uint64_t)to_i64(beta)};
	ml_tensor *ops[1] = {t};
	ml_apply(1, ops, ML_GRAIN_CHEAP, scale_run, &c, NULL);
}

/* ---- integer products ---- */

/* c = beta*c + alpha * a @ b for integer dtypes (shapes already checked, M, N > 0). */
static int gemm_int(ml_tensor *c, double beta, double alpha, const ml_tensor *a, const ml_tensor *b,
                    ml_error *e)
{
	int64_t M = a->size[0], K = a->size[1], N = b->size[1];
	uint64_t ub = (uint64_t)to_i64(beta), ua = (uint64_t)to_i64(alpha);
	ml_tensor a64, b64, c64;
	ml_tensor_init(&a64, ML_LONG);
	ml_tensor_init(&b64, ML_LONG);
	ml_tensor_init(&c64, ML_LONG);
	int rc = ub ? ml_tensor_clone_as(&c64, c, ML_LONG, e)
	            : ml_tensor_init_sized(&c64, ML_LONG, 2, c->size, e);
	if (!rc && K > 0 && ua) {
		rc = ml_tensor_clone_as(&a64, a, ML_LONG, e);
		if (!rc)
			rc = ml_tensor_clone_as(&b64, b, ML_LONG, e);
	}
	if (rc)
		goto done;
	uint64_t *C = ml_tensor_data(&c64);
	const int64_t *A = ml_tensor_data(&a64), *B = ml_tensor_data(&b64);
	for (int64_t i = 0; i < M; i++) {
		if ((i & 63) == 63 && ml_interrupt_pending()) {
			rc = ml_fail(e, ML_EINTR, "interrupted");
			goto done;
		}
		uint64_t *restrict crow = C + i * N;
		if (ub != 1)
			for (int64_t j = 0; j < N; j++)
				crow[j] *= ub;
		if (K == 0 || !ua)
			continue;
		for (int64_t k = 0; k < K; k++) {
			uint64_t aik = ua * (uint64_t)A[i * K + k];
			const int64_t *restrict brow = B + k * N;
			if (aik == 0)
				continue;
			for (int64_t j = 0; j < N; j++)
				crow[j] += aik * (uint64_t)brow[j];
		}
	}
	rc = ml_tensor_copy(c, &c64, e);
done:
	ml_tensor_release(&a64);
	ml_tensor_release(&b64);
	ml_tensor_release(&c64);
	return rc;
}

/* ---- BLAS calls ---- */

/* Multiply-adds per BLAS call above which a product is split in row panels. */
#define PANEL_WORK 17179869184.0

/* Row-major c (M, N) with leading dimension ldc, at cdata: c = beta*c + alpha*a@b
 * with a (M, K), b (K, N) read in place or through contiguous copies.  Stops
 * between row panels with ML_EINTR on an interrupt request. */
static int gemm_rowmajor(ml_dtype dt, void *cdata, int64_t ldc, double beta, double alpha,
                         const ml_tensor *a, const ml_tensor *b, ml_error *e)
{
	int64_t M = a->size[0], K = a->size[1], N = b->size[1];
	int tra, trb, rc = ML_OK;
	int64_t lda, ldb;
	ml_tensor ta, tb;
	ml_tensor_init(&ta, dt);
	ml_tensor_init(&tb, dt);
	if (!fits(M) || !fits(N) || !fits(K) || !fits(ldc))
		return ml_fail(e, ML_EINVAL, "ml_blas_gemm: sizes too large for BLAS (%lldx%lld by %lldx%lld)",
		               (long long)M, (long long)K, (long long)K, (long long)N);
	if (!find_layout(M, K, a->stride[0], a->stride[1], &tra, &lda)) {
		rc = ml_tensor_clone_as(&ta, a, dt, e);
		a = &ta;
		tra = 0;
		lda = max1(K);
	}
	if (!rc && !find_layout(K, N, b->stride[0], b->stride[1], &trb, &ldb)) {
		rc = ml_tensor_clone_as(&tb, b, dt, e);
		b = &tb;
		trb = 0;
		ldb = max1(N);
	}
	/* A big product goes in panels of rows of c, so that an interrupt request
	 * (Ctrl-C) is seen between two BLAS calls. */
	int64_t rows = M;
	if ((double)M * (double)N * (double)K > PANEL_WORK) {
		rows = (int64_t)(PANEL_WORK / ((double)N * (double)K)) / 64 * 64;
		rows = rows < 256 ? 256 : rows;
	}
	size_t es = ml_dtype_info[dt].size;
	for (int64_t i0 = 0; !rc && i0 < M; i0 += rows) {
		if (i0 > 0 && ml_interrupt_pending()) {
			rc = ml_fail(e, ML_EINTR, "interrupted");
			break;
		}
		int64_t m = M - i0 < rows ? M - i0 : rows;
		enum CBLAS_TRANSPOSE opa = tra ? CblasTrans : CblasNoTrans;
		enum CBLAS_TRANSPOSE opb = trb ? CblasTrans : CblasNoTrans;
		const char *ap = (const char *)ml_tensor_data(a) + (size_t)(tra ? i0 : i0 * lda) * es;
		char *cp = (char *)cdata + (size_t)(i0 * ldc) * es;
		if (dt == ML_FLOAT)
			cblas_sgemm(CblasRowMajor, opa, opb, (blasint)m, (blasint)N, (blasint)K, (float)alpha,
			            (const float *)ap, (blasint)lda, ml_tensor_data(b), (blasint)ldb,
			            (float)beta, (float *)cp, (blasint)ldc);
		else
			cblas_dgemm(CblasRowMajor, opa, opb, (blasint)m, (blasint)N, (blasint)K, alpha,
			            (const double *)ap, (blasint)lda, ml_tensor_data(b), (blasint)ldb, beta,
			            (double *)cp, (blasint)ldc);
	}
	ml_tensor_release(&ta);
	ml_tensor_release(&tb);
	return rc;
}

/* Float and Double go to BLAS, integer types to the loops above; a float type
 * with no BLAS routine (none yet) is refused here. */
static int check_float(const char *who, ml_dtype dt, ml_error *e)
{
	if (dt == ML_FLOAT || dt == ML_DOUBLE || !ml_dtype_info[dt].is_float)
		return ML_OK;
	return ml_fail(e, ML_ETYPE, "%s: no product for dtype %s", who, ml_dtype_name(dt));
}

int ml_blas_gemm(ml_tensor *c, double beta, double alpha, const ml_tensor *a, const ml_tensor *b,
                 ml_error *e)
{
	char sa[ML_SHAPELEN], sb[ML_SHAPELEN], sc[ML_SHAPELEN];
	if (a->ndim != 2 || b->ndim != 2 || c->ndim != 2 || a->size[1] != b->size[0] ||
	    c->size[0] != a->size[0] || c->size[1] != b->size[1])
		return ml_fail(e, ML_ESHAPE, "ml_blas_gemm: cannot multiply %s by %s into %s",
		               ml_tensor_shape_str(sa, sizeof sa, a), ml_tensor_shape_str(sb, sizeof sb, b),
		               ml_tensor_shape_str(sc, sizeof sc, c));
	int rc = same_dtype("ml_blas_gemm", c, a, e);
	if (!rc)
		rc = same_dtype("ml_blas_gemm", c, b, e);
	if (!rc)
		rc = check_float("ml_blas_gemm", c->dtype, e);
	if (rc)
		return rc;
	int64_t M = a->size[0], K = a->size[1], N = b->size[1];
	if (M == 0 || N == 0)
		return ML_OK;
	if (!ml_dtype_info[c->dtype].is_float)
		return gemm_int(c, beta, alpha, a, b, e);
	if (K == 0 || alpha == 0) {
		scale(c, beta);
		return ML_OK;
	}
	int tc;
	int64_t ldc;
	if (find_layout(M, N, c->stride[0], c->stride[1], &tc, &ldc)) {
		if (!tc)
			return gemm_rowmajor(c->dtype, ml_tensor_data(c), ldc, beta, alpha, a, b, e);
		/* column-major c: its transpose is row-major, and c^T = b^T a^T */
		ml_tensor at = transposed(a), bt = transposed(b);
		return gemm_rowmajor(c->dtype, ml_tensor_data(c), ldc, beta, alpha, &bt, &at, e);
	}
	ml_tensor tmp;
	rc = beta != 0 ? ml_tensor_clone_as(&tmp, c, c->dtype, e)
	               : ml_tensor_init_sized(&tmp, c->dtype, 2, c->size, e);
	if (rc)
		return rc;
	rc = gemm_rowmajor(c->dtype, ml_tensor_data(&tmp), max1(N), beta, alpha, a, b, e);
	if (!rc)
		rc = ml_tensor_copy(c, &tmp, e);
	ml_tensor_release(&tmp);
	return rc;
}

/* A unit-step-or-more increment for a vector view of n elements, or 0 when it needs a copy. */
static int64_t vector_inc(const ml_tensor *v, int64_t n)
{
	int64_t inc = n <= 1 ? 1 : v->stride[0];
	return inc >= 1 && fits(inc) ? inc : 0;
}

int ml_blas_gemv(ml_tensor *y, double beta, double alpha, const ml_tensor *a, const ml_tensor *x,
                 ml_error *e)
{
	char sa[ML_SHAPELEN], sx[ML_SHAPELEN], sy[ML_SHAPELEN];
	if (a->ndim != 2 || x->ndim != 1 || y->ndim != 1 || a->size[1] != x->size[0] ||
	    y->size[0] != a->size[0])
		return ml_fail(e, ML_ESHAPE, "ml_blas_gemv: cannot multiply %s by %s into %s",
		               ml_tensor_shape_str(sa, sizeof sa, a), ml_tensor_shape_str(sx, sizeof sx, x),
		               ml_tensor_shape_str(sy, sizeof sy, y));
	int rc = same_dtype("ml_blas_gemv", y, a, e);
	if (!rc)
		rc = same_dtype("ml_blas_gemv", y, x, e);
	if (!rc)
		rc = check_float("ml_blas_gemv", y->dtype, e);
	if (rc)
		return rc;
	int64_t M = a->size[0], K = a->size[1];
	if (M == 0)
		return ML_OK;
	if (!ml_dtype_info[y->dtype].is_float) {
		/* as a product with one column */
		ml_tensor xc = *x, yc = *y;
		ml_tensor_unsqueeze(&xc, 1, NULL);
		ml_tensor_unsqueeze(&yc, 1, NULL);
		return gemm_int(&yc, beta, alpha, a, &xc, e);
	}
	if (K == 0 || alpha == 0) {
		scale(y, beta);
		return ML_OK;
	}
	if (!fits(M) || !fits(K))
		return ml_fail(e, ML_EINVAL, "ml_blas_gemv: sizes too large for BLAS (%s)",
		               ml_tensor_shape_str(sa, sizeof sa, a));
	ml_dtype dt = y->dtype;
	ml_tensor ta, tx, ty;
	ml_tensor_init(&ta, dt);
	ml_tensor_init(&tx, dt);
	ml_tensor_init(&ty, dt);
	int tra;
	int64_t lda, incx = vector_inc(x, K), incy = vector_inc(y, M);
	if (!find_layout(M, K, a->stride[0], a->stride[1], &tra, &lda)) {
		rc = ml_tensor_clone_as(&ta, a, dt, e);
		a = &ta;
		tra = 0;
		lda = max1(K);
	}
	if (!rc && !incx) {
		rc = ml_tensor_clone_as(&tx, x, dt, e);
		x = &tx;
		incx = 1;
	}
	ml_tensor *out = y;
	if (!rc && !incy) {
		rc = beta != 0 ? ml_tensor_clone_as(&ty, y, dt, e) : ml_tensor_init_sized(&ty, dt, 1, &M, e);
		out = &ty;
		incy = 1;
	}
	if (!rc) {
		/* a transposed a is the row-major (K, M) matrix s, and a = s^T */
		enum CBLAS_TRANSPOSE op = tra ? CblasTrans : CblasNoTrans;
		blasint rows = (blasint)(tra ? K : M), cols = (blasint)(tra ? M : K);
		if (dt == ML_FLOAT)
			cblas_sgemv(CblasRowMajor, op, rows, cols, (float)alpha, ml_tensor_data(a), (blasint)lda,
			            ml_tensor_data(x), (blasint)incx, (float)beta, ml_tensor_data(out),
			            (blasint)incy);
		else
			cblas_dgemv(CblasRowMajor, op, rows, cols, alpha, ml_tensor_data(a), (blasint)lda,
			            ml_tensor_data(x), (blasint)incx, beta, ml_tensor_data(out), (blasint)incy);
		if (out != y)
			rc = ml_tensor_copy(y, out, e);
	}
	ml_tensor_release(&ta);
	ml_tensor_release(&tx);
	ml_tensor_release(&ty);
	return rc;
}

/* A flat view of t usable by BLAS level 1: sets *inc, or clones t into *tmp
 * (contiguous) and returns it. */
static const ml_tensor *flat(const ml_tensor *t, int64_t n, ml_tensor *tmp, int64_t *inc, int *rc,
                             ml_error *e)
{
	ml_tensor v = *t;
	if (ml_tensor_view(&v, 1, &n, NULL) == ML_OK && (*inc = vector_inc(&v, n)) != 0)
		return t;
	*rc = ml_tensor_clone_as(tmp, t, t->dtype, e);
	*inc = 1;
	return tmp;
}

int ml_blas_dot(const ml_tensor *x, const ml_tensor *y, double *fval, int64_t *ival,
                const char *who, ml_error *e)
{
	char sx[ML_SHAPELEN], sy[ML_SHAPELEN];
	int rc = same_dtype(who, x, y, e);
	if (!rc)
		rc = check_float(who, x->dtype, e);
	if (rc)
		return rc;
	int64_t n = ml_tensor_numel(x);
	if (n != ml_tensor_numel(y))
		return ml_fail(e, ML_ESHAPE, "%s: %s and %s have different numbers of elements (%lld and %lld)",
		               who, ml_tensor_shape_str(sx, sizeof sx, x), ml_tensor_shape_str(sy, sizeof sy, y),
		               (long long)n, (long long)ml_tensor_numel(y));
	double f = 0;
	int64_t iv = 0;
	ml_tensor tx, ty;
	ml_tensor_init(&tx, x->dtype);
	ml_tensor_init(&ty, y->dtype);
	if (n == 0) {
		/* nothing to add */
	} else if (ml_dtype_info[x->dtype].is_float) {
		if (!fits(n))
			return ml_fail(e, ML_EINVAL, "%s: %lld elements are too many for BLAS", who, (long long)n);
		int64_t incx, incy;
		const ml_tensor *fx = flat(x, n, &tx, &incx, &rc, e);
		const ml_tensor *fy = rc ? y : flat(y, n, &ty, &incy, &rc, e);
		if (!rc) {
			if (x->dtype == ML_FLOAT)
				f = cblas_sdot((blasint)n, ml_tensor_data(fx), (blasint)incx, ml_tensor_data(fy),
				               (blasint)incy);
			else
				f = cblas_ddot((blasint)n, ml_tensor_data(fx), (blasint)incx, ml_tensor_data(fy),
				               (blasint)incy);
			iv = to_i64(f);
		}
	} else {
		rc = ml_tensor_clone_as(&tx, x, ML_LONG, e);
		if (!rc)
			rc = ml_tensor_clone_as(&ty, y, ML_LONG, e);
		if (!rc) {
			const int64_t *px = ml_tensor_data(&tx), *py = ml_tensor_data(&ty);
			uint64_t s = 0;
			for (int64_t i = 0; i < n; i++)
				s += (uint64_t)px[i] * (uint64_t)py[i];
			iv = (int64_t)s;
			f = (double)iv;
		}
	}
	ml_tensor_release(&tx);
	ml_tensor_release(&ty);
	if (rc)
		return rc;
	if (fval)
		*fval = f;
	if (ival)
		*ival = iv;
	return ML_OK;
}

/* ---- Torch7's operations ---- */

static int same_view(const ml_tensor *a, const ml_tensor *b)
{
	if (a == b)
		return 1;
	if (a->storage != b->storage || a->offset != b->offset || a->ndim != b->ndim)
		return 0;
	for (int d = 0; d < a->ndim; d++)
		if (a->size[d] != b->size[d] || (a->size[d] > 1 && a->stride[d] != b->stride[d]))
			return 0;
	return 1;
}

static int shares(const ml_tensor *a, const ml_tensor *b)
{
	return a->storage && a->storage == b->storage;
}

/* Gives t the shape `size`, keeping its strides when it already has it. */
static int fit(ml_tensor *t, int ndim, const int64_t *size, ml_error *e)
{
	int same = t->ndim == ndim;
	for (int d = 0; same && d < ndim; d++)
		same = t->size[d] == size[d];
	if (same && (t->storage || ml_tensor_numel(t) == 0))
		return ML_OK;
	return ml_tensor_resize(t, ndim, size, e);
}

/* Where a Torch7-level product is written, and how the added term got there. */
typedef struct dest {
	ml_tensor *res;     /* the caller's result tensor */
	ml_tensor tmp;      /* scratch result when res shares memory with an input */
	ml_tensor *out;     /* res or &tmp: where the product goes */
	double beta;        /* beta to use on *out (0 when there is no added term) */
} dest;

/* Sets up d->out with shape `size` holding m (broadcast) when beta != 0.
 * `what` describes the product for the error message ("the 2x3 product of ..."). */
static int dest_open(dest *d, ml_tensor *res, int ndim, const int64_t *size, const ml_tensor *m,
                     double beta, const ml_tensor *in1, const ml_tensor *in2, const char *who,
                     const char *what, ml_error *e)
{
	char sm[ML_SHAPELEN];
	int rc = same_dtype(who, res, in1, e);
	if (!rc)
		rc = same_dtype(who, res, in2, e);
	if (!rc && m)
		rc = same_dtype(who, res, m, e);
	if (!rc)
		rc = check_float(who, res->dtype, e);
	if (rc)
		return rc;
	int isf = ml_dtype_info[res->dtype].is_float;
	if (!m || (isf ? beta == 0 : to_i64(beta) == 0)) {
		m = NULL;
		beta = 0;
	}
	ml_tensor mv;
	if (m) {
		mv = *m; /* borrowed */
		if (ml_tensor_expand(&mv, ndim, size, NULL))
			return ml_fail(e, ML_ESHAPE, "%s: cannot add %s to %s", who,
			               ml_tensor_shape_str(sm, sizeof sm, m), what);
	}
	d->res = res;
	d->beta = beta;
	ml_tensor_init(&d->tmp, res->dtype);
	int inplace = m && same_view(m, res) && m->ndim == ndim && ml_tensor_same_size(m, &mv);
	if (shares(res, in1) || shares(res, in2) || (m && !inplace && shares(res, m))) {
		d->out = &d->tmp;
		rc = ml_tensor_init_sized(&d->tmp, res->dtype, ndim, size, e);
	} else {
		d->out = res;
		rc = fit(res, ndim, size, e);
	}
	if (!rc && m && !(inplace && d->out == res))
		rc = ml_tensor_copy(d->out, &mv, e);
	if (rc)
		ml_tensor_release(&d->tmp);
	return rc;
}

/* Moves the scratch result into res when one was used; releases it. */
static int dest_close(dest *d, int rc, ml_error *e)
{
	if (!rc && d->out == &d->tmp) {
		rc = fit(d->res, d->tmp.ndim, d->tmp.size, e);
		if (!rc)
			rc = ml_tensor_copy(d->res, &d->tmp, e);
	}
	ml_tensor_release(&d->tmp);
	return rc;
}

int ml_blas_addmv(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                  const ml_tensor *mat, const ml_tensor *vec, const char *who, ml_error *e)
{
	char s1[ML_SHAPELEN], s2[ML_SHAPELEN], what[3 * ML_SHAPELEN];
	ml_tensor_shape_str(s1, sizeof s1, mat);
	ml_tensor_shape_str(s2, sizeof s2, vec);
	if (mat->ndim != 2 || vec->ndim != 1)
		return ml_fail(e, ML_ESHAPE, "%s: expected a 2-D matrix and a vector (got %s and %s)", who, s1, s2);
	if (mat->size[1] != vec->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: cannot multiply %s by %s", who, s1, s2);
	int64_t size[1] = {mat->size[0]};
	snprintf(what, sizeof what, "the %lld product of %s by %s", (long long)size[0], s1, s2);
	dest d;
	int rc = dest_open(&d, res, 1, size, m, beta, mat, vec, who, what, e);
	if (rc)
		return rc;
	rc = ml_blas_gemv(d.out, d.beta, alpha, mat, vec, e);
	return dest_close(&d, rc, e);
}

int ml_blas_addmm(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                  const ml_tensor *mat1, const ml_tensor *mat2, const char *who, ml_error *e)
{
	char s1[ML_SHAPELEN], s2[ML_SHAPELEN], what[3 * ML_SHAPELEN];
	ml_tensor_shape_str(s1, sizeof s1, mat1);
	ml_tensor_shape_str(s2, sizeof s2, mat2);
	if (mat1->ndim != 2 || mat2->ndim != 2)
		return ml_fail(e, ML_ESHAPE, "%s: expected 2-D matrices (got %s and %s)", who, s1, s2);
	if (mat1->size[1] != mat2->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: cannot multiply %s by %s", who, s1, s2);
	int64_t size[2] = {mat1->size[0], mat2->size[1]};
	snprintf(what, sizeof what, "the %lldx%lld product of %s by %s", (long long)size[0],
	         (long long)size[1], s1, s2);
	dest d;
	int rc = dest_open(&d, res, 2, size, m, beta, mat1, mat2, who, what, e);
	if (rc)
		return rc;
	rc = ml_blas_gemm(d.out, d.beta, alpha, mat1, mat2, e);
	return dest_close(&d, rc, e);
}

int ml_blas_addr(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                 const ml_tensor *vec1, const ml_tensor *vec2, const char *who, ml_error *e)
{
	char s1[ML_SHAPELEN], s2[ML_SHAPELEN], what[3 * ML_SHAPELEN];
	ml_tensor_shape_str(s1, sizeof s1, vec1);
	ml_tensor_shape_str(s2, sizeof s2, vec2);
	if (vec1->ndim != 1 || vec2->ndim != 1)
		return ml_fail(e, ML_ESHAPE, "%s: expected vectors (got %s and %s)", who, s1, s2);
	int64_t size[2] = {vec1->size[0], vec2->size[0]};
	snprintf(what, sizeof what, "the %lldx%lld outer product of %s and %s", (long long)size[0],
	         (long long)size[1], s1, s2);
	dest d;
	int rc = dest_open(&d, res, 2, size, m, beta, vec1, vec2, who, what, e);
	if (rc)
		return rc;
	/* the outer product is a column (N, 1) times a row (1, M) */
	ml_tensor col = *vec1, row = *vec2;
	ml_tensor_unsqueeze(&col, 1, NULL);
	ml_tensor_unsqueeze(&row, 0, NULL);
	rc = ml_blas_gemm(d.out, d.beta, alpha, &col, &row, e);
	return dest_close(&d, rc, e);
}

/* The 2-D matrix at batch index idx[0..nb-1] of a borrowed view t (nb + 2 dims). */
static ml_tensor batch_item(const ml_tensor *t, int nb, const int64_t *idx)
{
	ml_tensor v = *t;
	for (int k = 0; k < nb; k++)
		v.offset += idx[k] * t->stride[k];
	v.ndim = 2;
	v.size[0] = t->size[nb];
	v.size[1] = t->size[nb + 1];
	v.stride[0] = t->stride[nb];
	v.stride[1] = t->stride[nb + 1];
	return v;
}

static int check_batches(const ml_tensor *b1, const ml_tensor *b2, const char *who, char *s1,
                         char *s2, ml_error *e)
{
	ml_tensor_shape_str(s1, ML_SHAPELEN, b1);
	ml_tensor_shape_str(s2, ML_SHAPELEN, b2);
	if (b1->ndim != 3 || b2->ndim != 3)
		return ml_fail(e, ML_ESHAPE, "%s: expected 3-D batches of matrices (got %s and %s)", who, s1, s2);
	if (b1->size[0] != b2->size[0] || b1->size[2] != b2->size[1])
		return ml_fail(e, ML_ESHAPE, "%s: cannot multiply batches %s by %s", who, s1, s2);
	return ML_OK;
}

int ml_blas_baddbmm(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                    const ml_tensor *b1, const ml_tensor *b2, const char *who, ml_error *e)
{
	char s1[ML_SHAPELEN], s2[ML_SHAPELEN], what[3 * ML_SHAPELEN];
	int rc = check_batches(b1, b2, who, s1, s2, e);
	if (rc)
		return rc;
	int64_t size[3] = {b1->size[0], b1->size[1], b2->size[2]};
	snprintf(what, sizeof what, "the %lldx%lldx%lld product of %s by %s", (long long)size[0],
	         (long long)size[1], (long long)size[2], s1, s2);
	dest d;
	rc = dest_open(&d, res, 3, size, m, beta, b1, b2, who, what, e);
	if (rc)
		return rc;
	for (int64_t i = 0; i < size[0] && !rc; i++) {
		ml_tensor c = batch_item(d.out, 1, &i), a = batch_item(b1, 1, &i), b = batch_item(b2, 1, &i);
		rc = ml_blas_gemm(&c, d.beta, alpha, &a, &b, e);
	}
	return dest_close(&d, rc, e);
}

int ml_blas_addbmm(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                   const ml_tensor *b1, const ml_tensor *b2, const char *who, ml_error *e)
{
	char s1[ML_SHAPELEN], s2[ML_SHAPELEN], what[3 * ML_SHAPELEN];
	int rc = check_batches(b1, b2, who, s1, s2, e);
	if (rc)
		return rc;
	int64_t size[2] = {b1->size[1], b2->size[2]};
	snprintf(what, sizeof what, "the %lldx%lld summed product of %s by %s", (long long)size[0],
	         (long long)size[1], s1, s2);
	dest d;
	rc = dest_open(&d, res, 2, size, m, beta, b1, b2, who, what, e);
	if (rc)
		return rc;
	if (b1->size[0] == 0)
		scale(d.out, d.beta);
	for (int64_t i = 0; i < b1->size[0] && !rc; i++) {
		ml_tensor a = batch_item(b1, 1, &i), b = batch_item(b2, 1, &i);
		rc = ml_blas_gemm(d.out, i == 0 ? d.beta : 1, alpha, &a, &b, e);
	}
	return dest_close(&d, rc, e);
}

int ml_blas_matmul(ml_tensor *res, const ml_tensor *a, const ml_tensor *b, const char *who,
                   ml_error *e)
{
	char sa[ML_SHAPELEN], sb[ML_SHAPELEN];
	ml_tensor_shape_str(sa, sizeof sa, a);
	ml_tensor_shape_str(sb, sizeof sb, b);
	if (a->ndim == 0 || b->ndim == 0)
		return ml_fail(e, ML_ESHAPE, "%s: expected tensors with dimensions (got %s and %s)", who, sa, sb);
	if (a->ndim == 1 && b->ndim == 1)
		return ml_fail(e, ML_EINVAL, "%s: two vectors make a dot product, not a tensor", who);
	/* a as (..., N, M), b as (..., M, P) */
	ml_tensor av = *a, bv = *b;
	if (a->ndim == 1)
		ml_tensor_unsqueeze(&av, 0, NULL);
	if (b->ndim == 1)
		ml_tensor_unsqueeze(&bv, 1, NULL);
	int na = av.ndim - 2, nb = bv.ndim - 2, nbat = na > nb ? na : nb;
	int64_t N = av.size[na], M = av.size[na + 1], P = bv.size[nb + 1];
	if (M != bv.size[nb])
		return ml_fail(e, ML_ESHAPE, "%s: cannot multiply %s by %s", who, sa, sb);
	int64_t full[ML_MAX_DIMS], size[ML_MAX_DIMS], nmat = 1;
	for (int k = 0; k < nbat; k++) {
		int ka = k - (nbat - na), kb = k - (nbat - nb);
		int64_t x = ka >= 0 ? av.size[ka] : 1, y = kb >= 0 ? bv.size[kb] : 1;
		if (x != y && x != 1 && y != 1)
			return ml_fail(e, ML_ESHAPE, "%s: batch dimensions of %s and %s cannot be broadcast together",
			               who, sa, sb);
		full[k] = x == 1 ? y : x;
		nmat *= full[k];
	}
	/* the result drops the dimensions a 1-D operand did not have */
	int ndim = 0;
	for (int k = 0; k < nbat; k++)
		size[ndim++] = full[k];
	if (a->ndim > 1)
		size[ndim++] = N;
	if (b->ndim > 1)
		size[ndim++] = P;
	char what[3 * ML_SHAPELEN];
	snprintf(what, sizeof what, "the product of %s by %s", sa, sb);
	dest d;
	int rc = dest_open(&d, res, ndim, size, NULL, 0, a, b, who, what, e);
	if (rc)
		return rc;
	ml_tensor cv = *d.out; /* borrowed: the result seen as (..., N, P) */
	if (a->ndim == 1)
		ml_tensor_unsqueeze(&cv, nbat, NULL);
	if (b->ndim == 1)
		ml_tensor_unsqueeze(&cv, nbat + 1, NULL);
	full[nbat] = N;
	full[nbat + 1] = M;
	ml_tensor_expand(&av, nbat + 2, full, NULL);
	full[nbat] = M;
	full[nbat + 1] = P;
	ml_tensor_expand(&bv, nbat + 2, full, NULL);
	/* b without batch dimensions: one product of (batches*N, M) by (M, P)
	 * when a and the result can be seen that way without copying */
	int64_t idx[ML_MAX_DIMS] = {0};
	if (nb == 0 && nbat > 0) {
		ml_tensor a2 = av, c2 = cv, b2 = batch_item(&bv, nbat, idx);
		int64_t s2[2] = {nmat * N, M}, t2[2] = {nmat * N, P};
		if (ml_tensor_view(&a2, 2, s2, NULL) == ML_OK && ml_tensor_view(&c2, 2, t2, NULL) == ML_OK) {
			rc = ml_blas_gemm(&c2, 0, 1, &a2, &b2, e);
			return dest_close(&d, rc, e);
		}
	}
	for (int64_t i = 0; i < nmat && !rc; i++) {
		ml_tensor ci = batch_item(&cv, nbat, idx), ai = batch_item(&av, nbat, idx),
		          bi = batch_item(&bv, nbat, idx);
		rc = ml_blas_gemm(&ci, 0, 1, &ai, &bi, e);
		for (int k = nbat - 1; k >= 0; k--) { /* next batch index, last dimension fastest */
			if (++idx[k] < full[k])
				break;
			idx[k] = 0;
		}
	}
	return dest_close(&d, rc, e);
}

/* ---- raw column-major blocks ---- */

void ml_blas_gemm_sub_cm(ml_dtype dt, int64_t m, int64_t n, int64_t k, const void *a, int64_t lda,
                         const void *b, int64_t ldb, void *c, int64_t ldc)
{
	if (dt == ML_FLOAT)
		cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (blasint)m, (blasint)n, (blasint)k,
		            -1.0f, a, (blasint)lda, b, (blasint)ldb, 1.0f, c, (blasint)ldc);
	else
		cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (blasint)m, (blasint)n, (blasint)k,
		            -1.0, a, (blasint)lda, b, (blasint)ldb, 1.0, c, (blasint)ldc);
}

void ml_blas_trsm_unit_lower_cm(ml_dtype dt, int64_t m, int64_t n, const void *l, int64_t ldl,
                                void *b, int64_t ldb)
{
	if (dt == ML_FLOAT)
		cblas_strsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, (blasint)m,
		            (blasint)n, 1.0f, l, (blasint)ldl, b, (blasint)ldb);
	else
		cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, (blasint)m,
		            (blasint)n, 1.0, l, (blasint)ldl, b, (blasint)ldb);
}
