/*
 * shape.c - tensors built from other tensors (contracts in shape.h).
 *
 * Most of these are copies between strided views: cat copies each input into
 * a narrow of the result, repeat fills one tile and then doubles it along each
 * dimension, diag copies along a view whose stride is the sum of the matrix
 * strides, tril/triu copy and then zero a part of every row.  The copies are
 * ml_tensor_copy (threaded, any dtypes).  The cross product and `equal` have
 * one loop per dtype; histograms count in int64 over the values as doubles;
 * renorm uses reduce.c's norm and math.c's multiply.  Nothing here shares
 * storage with its inputs.
 */
#include <string.h>

#include "internal.h"
#include "math.h"
#include "reduce.h"
#include "shape.h"

/* ---- results ---- */

static int shares(const ml_tensor *a, const ml_tensor *b)
{
	return a->storage && b && a->storage == b->storage;
}

static int same_shape(const ml_tensor *t, int ndim, const int64_t *size)
{
	return t->ndim == ndim && memcmp(t->size, size, sizeof(int64_t) * (size_t)ndim) == 0;
}

/* Where a function with a result writes: res itself (resized, or kept when it
 * has the shape already), or a fresh tensor of res's dtype when res shares
 * storage with an input; result_end then hands it to res. */
typedef struct target {
	ml_tensor *res;    /* the caller's result */
	ml_tensor tmp;     /* the fresh tensor, when aside */
	ml_tensor *out;    /* where to write */
	int aside;         /* 1 when out is tmp */
} target;

static int result_begin(target *t, ml_tensor *res, int ndim, const int64_t *size, int nin,
                        const ml_tensor *const *in, ml_error *e)
{
	t->res = res;
	t->aside = 0;
	for (int i = 0; i < nin; i++)
		t->aside |= shares(res, in[i]);
	ml_tensor_init(&t->tmp, res->dtype);
	if (t->aside) {
		t->out = &t->tmp;
		return ml_tensor_init_sized(&t->tmp, res->dtype, ndim, size, e);
	}
	t->out = res;
	if (same_shape(res, ndim, size) && (res->storage || ndim == 0))
		return ML_OK;
	return ml_tensor_resize(res, ndim, size, e);
}

static int result_end(target *t, int rc)
{
	if (t->aside) {
		if (rc == ML_OK)
			ml_tensor_set(t->res, &t->tmp);
		ml_tensor_release(&t->tmp);
	}
	return rc;
}

/* ---- cat ---- */

int ml_shape_cat_default_dim(int n, const ml_tensor *const *xs)
{
	int maxdim = 0;
	for (int i = 0; i < n; i++)
		if (xs[i]->ndim > maxdim)
			maxdim = xs[i]->ndim;
	return maxdim ? maxdim - 1 : 0;
}

/* size of x along d, a missing trailing dimension counting as 1 */
static int64_t padded_size(const ml_tensor *x, int d)
{
	return d < x->ndim ? x->size[d] : 1;
}

int ml_shape_cat(const char *who, ml_tensor *res, int n, const ml_tensor *const *xs, int dim,
                 ml_error *e)
{
	if (n < 1)
		return ml_fail(e, ML_EINVAL, "%s: no tensors to join", who);
	if (dim < 0 || dim >= ML_MAX_DIMS)
		return ml_fail(e, ML_ERANGE, "%s: dimension %d out of range (1..%d)", who, dim + 1,
		               ML_MAX_DIMS);
	int ndim = dim + 1, first = -1;
	for (int i = 0; i < n; i++) {
		if (xs[i]->ndim > ndim)
			ndim = xs[i]->ndim;
		if (first < 0 && xs[i]->ndim > 0)
			first = i;
	}
	if (first < 0) { /* all empty: an empty result */
		target t;
		int64_t none = 0;
		int rc = result_begin(&t, res, 0, &none, n, xs, e);
		return result_end(&t, rc);
	}
	int64_t size[ML_MAX_DIMS];
	for (int d = 0; d < ndim; d++)
		size[d] = padded_size(xs[first], d);
	size[dim] = 0;
	for (int i = 0; i < n; i++) {
		const ml_tensor *x = xs[i];
		if (x->ndim == 0)
			continue;
		for (int d = 0; d < ndim; d++) {
			if (d != dim && padded_size(x, d) != size[d]) {
				char a[ML_SHAPELEN], b[ML_SHAPELEN];
				return ml_fail(e, ML_ESHAPE, "%s: tensors of shapes %s and %s differ outside "
				               "dimension %d (input %d)", who,
				               ml_tensor_shape_str(a, sizeof a, xs[first]),
				               ml_tensor_shape_str(b, sizeof b, x), dim + 1, i + 1);
			}
		}
		size[dim] += padded_size(x, dim);
	}
	target t;
	int rc = result_begin(&t, res, ndim, size, n, xs, e);
	int64_t at = 0;
	for (int i = 0; i < n && !rc; i++) {
		const ml_tensor *x = xs[i];
		if (x->ndim == 0)
			continue;
		ml_tensor part = *t.out, src = *x; /* borrowed views */
		int64_t len = padded_size(x, dim);
		ml_tensor_narrow(&part, dim, at, len, NULL);
		for (int d = x->ndim; d < ndim; d++) { /* trailing size-1 dimensions */
			src.size[d] = 1;
			src.stride[d] = 1;
		}
		src.ndim = ndim;
		rc = ml_tensor_copy(&part, &src, e);
		at += len;
	}
	return result_end(&t, rc);
}

/* ---- repeat ---- */

int ml_shape_repeat(const char *who, ml_tensor *res, const ml_tensor *x, int nrep,
                    const int64_t *reps, ml_error *e)
{
	char s[ML_SHAPELEN];
	if (nrep < x->ndim || nrep > ML_MAX_DIMS)
		return ml_fail(e, ML_ESHAPE, "%s: %d repetition counts for a %s tensor (at least %d, at most %d)",
		               who, nrep, ml_tensor_shape_str(s, sizeof s, x), x->ndim, ML_MAX_DIMS);
	int64_t xsize[ML_MAX_DIMS], size[ML_MAX_DIMS], xstride[ML_MAX_DIMS];
	int pad = nrep - x->ndim;
	for (int d = 0; d < nrep; d++) {
		if (reps[d] < 0)
			return ml_fail(e, ML_EINVAL, "%s: negative repetition count %lld for dimension %d", who,
			               (long long)reps[d], d + 1);
		xsize[d] = d < pad ? 1 : x->size[d - pad];
		xstride[d] = d < pad ? 1 : x->stride[d - pad];
		size[d] = xsize[d] * reps[d];
	}
	const ml_tensor *in[1] = {x};
	target t;
	int rc;
	if (x->ndim == 0) {
		int64_t none = 0;
		rc = result_begin(&t, res, 0, &none, 1, in, e);
		return result_end(&t, rc);
	}
	rc = result_begin(&t, res, nrep, size, 1, in, e);
	if (rc || ml_tensor_numel(t.out) == 0)
		return result_end(&t, rc);
	/* the first tile, then along each dimension copies of what is filled so far */
	ml_tensor tile = *t.out, src = *x; /* borrowed views */
	for (int d = 0; d < nrep; d++)
		ml_tensor_narrow(&tile, d, 0, xsize[d], NULL);
	src.ndim = nrep;
	memcpy(src.size, xsize, sizeof(int64_t) * (size_t)nrep);
	memcpy(src.stride, xstride, sizeof(int64_t) * (size_t)nrep);
	rc = ml_tensor_copy(&tile, &src, e);
	for (int d = 0; d < nrep && !rc; d++) {
		ml_tensor block = *t.out;
		for (int j = d; j < nrep; j++)
			ml_tensor_narrow(&block, j, 0, xsize[j], NULL);
		for (int64_t r = 1; r < reps[d] && !rc; r++) {
			ml_tensor dst = *t.out;
			for (int j = d + 1; j < nrep; j++)
				ml_tensor_narrow(&dst, j, 0, xsize[j], NULL);
			ml_tensor_narrow(&dst, d, r * xsize[d], xsize[d], NULL);
			rc = ml_tensor_copy(&dst, &block, e);
		}
	}
	return result_end(&t, rc);
}

/* ---- diag, tril, triu ---- */

int ml_shape_diag(const char *who, ml_tensor *res, const ml_tensor *x, int64_t k, ml_error *e)
{
	char s[ML_SHAPELEN];
	const ml_tensor *in[1] = {x};
	target t;
	int rc;
	if (x->ndim == 1) {
		int64_t n = x->size[0] + (k < 0 ? -k : k);
		int64_t size[2] = {n, n};
		if ((rc = result_begin(&t, res, 2, size, 1, in, e)))
			return result_end(&t, rc);
		ml_tensor_fill_i64(t.out, 0);
		ml_tensor dv = *t.out; /* borrowed: the diagonal as a vector */
		dv.ndim = 1;
		dv.offset += k >= 0 ? k * t.out->stride[1] : -k * t.out->stride[0];
		dv.size[0] = x->size[0];
		dv.stride[0] = t.out->stride[0] + t.out->stride[1];
		rc = ml_tensor_copy(&dv, x, e);
		return result_end(&t, rc);
	}
	if (x->ndim != 2)
		return ml_fail(e, ML_ESHAPE, "%s: expects a vector or a matrix (got a %s tensor)", who,
		               ml_tensor_shape_str(s, sizeof s, x));
	int64_t r = x->size[0], c = x->size[1];
	int64_t len = k >= 0 ? (r < c - k ? r : c - k) : (r + k < c ? r + k : c);
	if (len < 0)
		len = 0;
	if ((rc = result_begin(&t, res, 1, &len, 1, in, e)))
		return result_end(&t, rc);
	if (len > 0) {
		ml_tensor dv = *x;
		dv.ndim = 1;
		dv.offset += k >= 0 ? k * x->stride[1] : -k * x->stride[0];
		dv.size[0] = len;
		dv.stride[0] = x->stride[0] + x->stride[1];
		rc = ml_tensor_copy(t.out, &dv, e);
	}
	return result_end(&t, rc);
}

int ml_shape_tri(const char *who, ml_tensor *res, const ml_tensor *x, int64_t k, int upper,
                 ml_error *e)
{
	char s[ML_SHAPELEN];
	if (x->ndim != 2)
		return ml_fail(e, ML_ESHAPE, "%s: expects a matrix (got a %s tensor)", who,
		               ml_tensor_shape_str(s, sizeof s, x));
	int identical = res->storage == x->storage && res->offset == x->offset && res->dtype == x->dtype &&
	                same_shape(res, 2, x->size) && res->stride[0] == x->stride[0] &&
	                res->stride[1] == x->stride[1];
	target t;
	int rc = ML_OK;
	if (identical) { /* in place */
		t.aside = 0;
		t.out = res;
	} else {
		const ml_tensor *in[1] = {x};
		if (!(rc = result_begin(&t, res, 2, x->size, 1, in, e)))
			rc = ml_tensor_copy(t.out, x, e);
		if (rc)
			return result_end(&t, rc);
	}
	int64_t rows = x->size[0], cols = x->size[1];
	for (int64_t i = 0; i < rows; i++) {
		/* tril zeroes columns i+k+1 .. cols-1, triu zeroes columns 0 .. i+k-1 */
		int64_t a = upper ? 0 : i + k + 1, b = upper ? i + k : cols;
		if (a < 0)
			a = 0;
		if (b > cols)
			b = cols;
		if (a >= b)
			continue;
		ml_tensor row = *t.out;
		ml_tensor_narrow(&row, 0, i, 1, NULL);
		ml_tensor_narrow(&row, 1, a, b - a, NULL);
		ml_tensor_fill_i64(&row, 0);
	}
	return result_end(&t, rc);
}

/* ---- histograms ---- */

/* x as a contiguous Double tensor: x itself (borrowed into *view) or a copy in *tmp. */
static int as_doubles(const ml_tensor *x, ml_tensor *tmp, const double **data, ml_error *e)
{
	ml_tensor_init(tmp, ML_DOUBLE);
	if (x->dtype == ML_DOUBLE && ml_tensor_is_contiguous(x)) {
		*data = ml_tensor_data(x);
		return ML_OK;
	}
	int rc = ml_tensor_clone_as(tmp, x, ML_DOUBLE, e);
	*data = ml_tensor_data(tmp);
	return rc;
}

/* lo == hi: the range of the n values v (NaN skipped), widened when flat. */
static void histc_range(const double *v, int64_t n, double *lo, double *hi)
{
	if (*lo != *hi)
		return;
	double mn = 0, mx = 0;
	int any = 0;
	for (int64_t i = 0; i < n; i++) {
		if (v[i] != v[i])
			continue;
		if (!any || v[i] < mn)
			mn = v[i];
		if (!any || v[i] > mx)
			mx = v[i];
		any = 1;
	}
	*lo = mn;
	*hi = mx;
	if (*lo == *hi) {
		*lo -= 1;
		*hi += 1;
	}
}

/* counts[b] += number of the n values v in bin b of nbins over [lo, hi] */
static void histc_count(const double *v, int64_t n, int64_t nbins, double lo, double hi,
                        int64_t *counts)
{
	for (int64_t i = 0; i < n; i++) {
		if (v[i] >= lo && v[i] <= hi) {
			int64_t b = (int64_t)((v[i] - lo) / (hi - lo) * (double)nbins);
			counts[b < nbins ? b : nbins - 1]++;
		}
	}
}

static int histogram(const char *who, ml_tensor *res, const ml_tensor *x, int64_t nbins, double lo,
                     double hi, int batched, ml_error *e)
{
	char s[ML_SHAPELEN];
	if (nbins < 1)
		return ml_fail(e, ML_EINVAL, "%s: the number of bins must be positive (got %lld)", who,
		               (long long)nbins);
	if (lo > hi)
		return ml_fail(e, ML_EINVAL, "%s: min %g is larger than max %g", who, lo, hi);
	if (batched && x->ndim > 2)
		return ml_fail(e, ML_ESHAPE, "%s: expects a vector or a matrix (got a %s tensor)", who,
		               ml_tensor_shape_str(s, sizeof s, x));
	ml_tensor tmp;
	const double *v;
	int rc = as_doubles(x, &tmp, &v, e);
	if (rc)
		return rc;
	int64_t n = ml_tensor_numel(x);
	int64_t rows = batched && x->ndim == 2 ? x->size[0] : 1, cols = rows > 0 ? n / rows : 0;
	histc_range(v, n, &lo, &hi);
	int64_t size[2] = {rows, nbins};
	const ml_tensor *in[1] = {x};
	target t;
	if (batched)
		rc = result_begin(&t, res, 2, size, 1, in, e);
	else
		rc = result_begin(&t, res, 1, &nbins, 1, in, e);
	ml_tensor counts;
	ml_tensor_init(&counts, ML_LONG);
	if (!rc)
		rc = ml_tensor_init_sized(&counts, ML_LONG, 2, size, e);
	if (!rc) {
		int64_t *c = ml_tensor_data(&counts);
		for (int64_t r = 0; r < rows; r++)
			histc_count(v + r * cols, cols, nbins, lo, hi, c + r * nbins);
		if (!batched)
			ml_tensor_view(&counts, 1, &nbins, NULL);
		rc = ml_tensor_copy(t.out, &counts, e);
	}
	ml_tensor_release(&counts);
	ml_tensor_release(&tmp);
	return result_end(&t, rc);
}

int ml_shape_histc(const char *who, ml_tensor *res, const ml_tensor *x, int64_t nbins, double lo,
                   double hi, ml_error *e)
{
	return histogram(who, res, x, nbins, lo, hi, 0, e);
}

int ml_shape_bhistc(const char *who, ml_tensor *res, const ml_tensor *x, int64_t nbins, double lo,
                    double hi, ml_error *e)
{
	return histogram(who, res, x, nbins, lo, hi, 1, e);
}

/* ---- cross ---- */

typedef struct cross_ctx {
	int64_t step[3]; /* bytes between components along dim: res, a, b */
} cross_ctx;

/* p[0] res, p[1] a, p[2] b at component 0; products in U (unsigned for integers: they wrap) */
#define CROSS(name, T, U)                                                                \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		const cross_ctx *c = ctx;                                                  \
		const int64_t sr = c->step[0], sa = c->step[1], sb = c->step[2];           \
		for (int64_t i = 0; i < n; i++) {                                          \
			const char *a = p[1] + i * st[1], *b = p[2] + i * st[2];           \
			char *r = p[0] + i * st[0];                                        \
			U a0 = (U) * (const T *)(const void *)a;                           \
			U a1 = (U) * (const T *)(const void *)(a + sa);                    \
			U a2 = (U) * (const T *)(const void *)(a + 2 * sa);                \
			U b0 = (U) * (const T *)(const void *)b;                           \
			U b1 = (U) * (const T *)(const void *)(b + sb);                    \
			U b2 = (U) * (const T *)(const void *)(b + 2 * sb);                \
			*(T *)(void *)r = (T)(a1 * b2 - a2 * b1);                          \
			*(T *)(void *)(r + sr) = (T)(a2 * b0 - a0 * b2);                   \
			*(T *)(void *)(r + 2 * sr) = (T)(a0 * b1 - a1 * b0);               \
		}                                                                          \
	}

CROSS(cross_u8, uint8_t, uint64_t)
CROSS(cross_i8, int8_t, uint64_t)
CROSS(cross_i16, int16_t, uint64_t)
CROSS(cross_i32, int32_t, uint64_t)
CROSS(cross_i64, int64_t, uint64_t)
CROSS(cross_f32, float, float)
CROSS(cross_f64, double, double)

static ml_inner_fn cross_loop(ml_dtype dt)
{
	switch (dt) {
	case ML_BYTE: return cross_u8;
	case ML_CHAR: return cross_i8;
	case ML_SHORT: return cross_i16;
	case ML_INT: return cross_i32;
	case ML_LONG: return cross_i64;
	case ML_FLOAT: return cross_f32;
	case ML_DOUBLE: return cross_f64;
	default: return NULL;
	}
}

int ml_shape_cross(const char *who, ml_tensor *res, const ml_tensor *a, const ml_tensor *b, int dim,
                   ml_error *e)
{
	char sa[ML_SHAPELEN], sb[ML_SHAPELEN];
	if (!ml_tensor_same_size(a, b) || a->ndim == 0)
		return ml_fail(e, ML_ESHAPE, "%s: inputs of shapes %s and %s (expected the same shape)", who,
		               ml_tensor_shape_str(sa, sizeof sa, a), ml_tensor_shape_str(sb, sizeof sb, b));
	if (dim < 0) {
		for (int d = 0; d < a->ndim && dim < 0; d++)
			if (a->size[d] == 3)
				dim = d;
		if (dim < 0)
			return ml_fail(e, ML_ESHAPE, "%s: no dimension of size 3 in a %s tensor", who,
			               ml_tensor_shape_str(sa, sizeof sa, a));
	}
	if (dim >= a->ndim)
		return ml_fail(e, ML_ERANGE, "%s: dimension %d out of range for a %d-dimensional tensor", who,
		               dim + 1, a->ndim);
	if (a->size[dim] != 3)
		return ml_fail(e, ML_ESHAPE, "%s: dimension %d has size %lld in a %s tensor (expected 3)", who,
		               dim + 1, (long long)a->size[dim], ml_tensor_shape_str(sa, sizeof sa, a));
	const ml_tensor *in[2] = {a, b};
	target t;
	int rc = result_begin(&t, res, a->ndim, a->size, 2, in, e);
	/* inputs in res's dtype */
	ml_tensor ta, tb, va = *a, vb = *b;
	ml_tensor_init(&ta, res->dtype);
	ml_tensor_init(&tb, res->dtype);
	if (!rc && a->dtype != res->dtype && !(rc = ml_tensor_clone_as(&ta, a, res->dtype, e)))
		va = ta;
	if (!rc && b->dtype != res->dtype && !(rc = ml_tensor_clone_as(&tb, b, res->dtype, e)))
		vb = tb;
	if (!rc) {
		ml_tensor vr = *t.out;
		size_t es = ml_dtype_info[res->dtype].size;
		cross_ctx c = {{vr.stride[dim] * (int64_t)es, va.stride[dim] * (int64_t)es,
		                vb.stride[dim] * (int64_t)es}};
		ml_tensor_narrow(&vr, dim, 0, 1, NULL);
		ml_tensor_narrow(&va, dim, 0, 1, NULL);
		ml_tensor_narrow(&vb, dim, 0, 1, NULL);
		ml_tensor *ops[3] = {&vr, &va, &vb};
		rc = ml_apply(3, ops, ML_GRAIN_CHEAP, cross_loop(res->dtype), &c, e);
	}
	ml_tensor_release(&ta);
	ml_tensor_release(&tb);
	return result_end(&t, rc);
}

/* ---- renorm ---- */

int ml_shape_renorm(const char *who, ml_tensor *res, const ml_tensor *x, double p, int dim,
                    double maxnorm, ml_error *e)
{
	if (!ml_dtype_info[x->dtype].is_float || !ml_dtype_info[res->dtype].is_float)
		return ml_fail(e, ML_ETYPE, "%s: Float and Double tensors only (got %s)", who,
		               ml_dtype_name(ml_dtype_info[x->dtype].is_float ? res->dtype : x->dtype));
	if (!(p > 0))
		return ml_fail(e, ML_EINVAL, "%s: the norm's p must be positive (got %g)", who, p);
	if (!(maxnorm >= 0))
		return ml_fail(e, ML_EINVAL, "%s: maxnorm must be non-negative (got %g)", who, maxnorm);
	if (x->ndim == 0)
		return ml_fail(e, ML_ESHAPE, "%s: the tensor is empty", who);
	if (dim < 0 || dim >= x->ndim)
		return ml_fail(e, ML_ERANGE, "%s: dimension %d out of range for a %d-dimensional tensor", who,
		               dim + 1, x->ndim);
	int identical = res->storage == x->storage && res->offset == x->offset && res->dtype == x->dtype &&
	                same_shape(res, x->ndim, x->size) &&
	                memcmp(res->stride, x->stride, sizeof(int64_t) * (size_t)x->ndim) == 0;
	target t;
	int rc = ML_OK;
	if (identical) {
		t.aside = 0;
		t.out = res;
	} else {
		const ml_tensor *in[1] = {x};
		if (!(rc = result_begin(&t, res, x->ndim, x->size, 1, in, e)))
			rc = ml_tensor_copy(t.out, x, e);
	}
	for (int64_t i = 0; i < x->size[dim] && !rc; i++) {
		ml_tensor slice = *t.out; /* borrowed */
		ml_tensor_narrow(&slice, dim, i, 1, NULL);
		ml_scalar norm;
		if ((rc = ml_reduce_all(ML_REDUCE_NORM, &slice, p, &norm, e)))
			break;
		if (norm.f > maxnorm)
			rc = ml_math_binary_ts(who, ML_MUL, &slice, &slice,
			                       ml_scalar_f64(maxnorm / (norm.f + 1e-7)), e);
	}
	return result_end(&t, rc);
}

/* ---- equal ---- */

typedef struct eq_ctx {
	int differ; /* set at the first pair of unequal elements */
} eq_ctx;

#define EQUAL(name, T)                                                                   \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		eq_ctx *c = ctx;                                                           \
		if (c->differ)                                                             \
			return;                                                            \
		for (int64_t i = 0; i < n; i++) {                                          \
			if (*(const T *)(const void *)(p[0] + i * st[0]) !=                \
			    *(const T *)(const void *)(p[1] + i * st[1])) {                \
				c->differ = 1;                                             \
				return;                                                    \
			}                                                                  \
		}                                                                          \
	}

#define ML_EQ(E, s, T, N, f) EQUAL(equal_##s, T)
ML_DTYPES(ML_EQ)
#undef ML_EQ

static ml_inner_fn equal_loop(ml_dtype dt)
{
	switch (dt) {
#define ML_EQ_CASE(E, s, T, N, f) case ML_##E: return equal_##s;
		ML_DTYPES(ML_EQ_CASE)
#undef ML_EQ_CASE
	default: return NULL;
	}
}

int ml_shape_equal(const ml_tensor *a, const ml_tensor *b, int *out, ml_error *e)
{
	*out = 0;
	if (!ml_tensor_same_size(a, b))
		return ML_OK;
	if (ml_tensor_numel(a) == 0) {
		*out = 1;
		return ML_OK;
	}
	if (a->dtype != b->dtype) { /* exact comparison of values, through math.c */
		ml_tensor ne;
		ml_tensor_init(&ne, ML_BYTE);
		int rc = ml_math_compare("torch.equal", ML_NE, &ne, a, b, e), any = 1;
		if (!rc)
			rc = ml_reduce_logical(&ne, 0, &any, e);
		ml_tensor_release(&ne);
		*out = !rc && !any;
		return rc;
	}
	eq_ctx c = {0};
	ml_tensor va = *a, vb = *b; /* borrowed */
	ml_tensor *ops[2] = {&va, &vb};
	ml_apply_range(2, ops, 0, ml_tensor_numel(a), equal_loop(a->dtype), &c);
	*out = !c.differ;
	return ML_OK;
}
