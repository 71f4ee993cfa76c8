/*
 * index.c - indexing with index tensors and masks (contracts in index.h).
 *
 * Every index operation is one walk of ml_apply over tensors of the same
 * shape, built as borrowed views: x seen with stride 0 along `dim` (so the
 * walk hands out the start of each row), the index tensor (spread with stride
 * 0 over the other dims for index/indexCopy/indexFill), and the result or
 * source.  The inner loops then add index * stride-along-dim to the row start.
 * The loops move elements by width (1, 2, 4, 8 bytes), with a contiguous fast
 * path for the 1-D case and a copy path for runs that share one index (rows of
 * index_select along a leading dim).  indexAdd and nonzero need values: they
 * have one loop per dtype.
 *
 * Index values are checked in the loops (gather, index) or in a first pass
 * (the in-place writers, so that x is untouched on error).  This file does not
 * interpret t[i] / t[{...}] (vm/l_index.c) and does not sort.
 */
#include <string.h>

#include "index.h"
#include "internal.h"

/* The ctx of every inner loop. */
typedef struct ictx {
	int64_t xstep;          /* bytes between neighbours along dim in x */
	int64_t len;            /* x's size along dim: positions 0 .. len-1 */
	int64_t base;           /* what index values count from (0 or 1) */
	unsigned char val[8];   /* fill value, in x's dtype */
	char *cursor;           /* masked select/copy: next output or source element */
	int64_t count;          /* masked count: selected elements */
	int bad;                /* an index value was out of range */
	int64_t badv;           /* the first such value seen */
} ictx;

/* 0-based position of index value v, or a value outside 0..len-1. */
static inline int64_t position(int64_t v, int64_t base, int64_t len)
{
	return v < 0 ? v + len : v - base;
}

static void note_bad(ictx *c, int64_t v)
{
#ifdef _OPENMP
#pragma omp critical(ml_index_bad)
#endif
	{
		if (!c->bad) {
			c->bad = 1;
			c->badv = v;
		}
	}
}

#define I64(p) (*(const int64_t *)(const void *)(p))

/* ---- loops by element width ---- */

/* gather: p[0] result, p[1] x row start (x with stride 0 along dim), p[2] index */
#define GATHER(name, T)                                                                  \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		ictx *c = ctx;                                                             \
		const int64_t xs = c->xstep, len = c->len, base = c->base;                 \
		if (st[2] == 0) { /* one index for the run: a strided copy */              \
			int64_t v = I64(p[2]), k = position(v, base, len);                 \
			if ((uint64_t)k >= (uint64_t)len) {                                \
				note_bad(c, v);                                            \
				return;                                                    \
			}                                                                  \
			const char *x = p[1] + k * xs;                                     \
			if (st[0] == sizeof(T) && st[1] == sizeof(T)) {                    \
				memcpy(p[0], x, (size_t)n * sizeof(T));                    \
				return;                                                    \
			}                                                                  \
			for (int64_t i = 0; i < n; i++)                                    \
				*(T *)(void *)(p[0] + i * st[0]) =                         \
					*(const T *)(const void *)(x + i * st[1]);         \
			return;                                                            \
		}                                                                          \
		if (st[0] == sizeof(T) && st[1] == 0 && st[2] == 8) {                      \
			T *restrict r = (T *)(void *)p[0];                                 \
			const int64_t *restrict ix = (const int64_t *)(const void *)p[2];  \
			const char *x = p[1];                                              \
			for (int64_t i = 0; i < n; i++) {                                  \
				int64_t k = position(ix[i], base, len);                    \
				if ((uint64_t)k >= (uint64_t)len) {                        \
					note_bad(c, ix[i]);                                \
					continue;                                          \
				}                                                          \
				r[i] = *(const T *)(const void *)(x + k * xs);             \
			}                                                                  \
			return;                                                            \
		}                                                                          \
		for (int64_t i = 0; i < n; i++) {                                          \
			int64_t v = I64(p[2] + i * st[2]), k = position(v, base, len);     \
			if ((uint64_t)k >= (uint64_t)len) {                                \
				note_bad(c, v);                                            \
				continue;                                                  \
			}                                                                  \
			*(T *)(void *)(p[0] + i * st[0]) =                                 \
				*(const T *)(const void *)(p[1] + i * st[1] + k * xs);     \
		}                                                                          \
	}

/* scatter: p[0] x row start, p[1] index, p[2] source */
#define SCATTER(name, T)                                                                 \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		ictx *c = ctx;                                                             \
		const int64_t xs = c->xstep, len = c->len, base = c->base;                 \
		for (int64_t i = 0; i < n; i++) {                                          \
			int64_t v = I64(p[1] + i * st[1]), k = position(v, base, len);     \
			if ((uint64_t)k >= (uint64_t)len) {                                \
				note_bad(c, v);                                            \
				continue;                                                  \
			}                                                                  \
			*(T *)(void *)(p[0] + i * st[0] + k * xs) =                        \
				*(const T *)(const void *)(p[2] + i * st[2]);              \
		}                                                                          \
	}

/* fill through an index: p[0] x row start, p[1] index */
#define IFILL(name, T)                                                                   \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		ictx *c = ctx;                                                             \
		const int64_t xs = c->xstep, len = c->len, base = c->base;                 \
		T val;                                                                     \
		memcpy(&val, c->val, sizeof val);                                          \
		for (int64_t i = 0; i < n; i++) {                                          \
			int64_t v = I64(p[1] + i * st[1]), k = position(v, base, len);     \
			if ((uint64_t)k >= (uint64_t)len) {                                \
				note_bad(c, v);                                            \
				continue;                                                  \
			}                                                                  \
			*(T *)(void *)(p[0] + i * st[0] + k * xs) = val;                   \
		}                                                                          \
	}

/* masked select: p[0] x, p[1] mask; selected elements go to c->cursor onwards */
#define MSELECT(name, T)                                                                 \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		ictx *c = ctx;                                                             \
		T *out = (T *)(void *)c->cursor;                                           \
		for (int64_t i = 0; i < n; i++)                                            \
			if (*(const uint8_t *)(p[1] + i * st[1]))                          \
				*out++ = *(const T *)(const void *)(p[0] + i * st[0]);     \
		c->cursor = (char *)out;                                                   \
	}

/* masked copy: p[0] x, p[1] mask; sources come from c->cursor onwards */
#define MCOPY(name, T)                                                                   \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		ictx *c = ctx;                                                             \
		const T *in = (const T *)(const void *)c->cursor;                          \
		for (int64_t i = 0; i < n; i++)                                            \
			if (*(const uint8_t *)(p[1] + i * st[1]))                          \
				*(T *)(void *)(p[0] + i * st[0]) = *in++;                  \
		c->cursor = (char *)(uintptr_t)in;                                         \
	}

/* masked fill: p[0] x, p[1] mask */
#define MFILL(name, T)                                                                   \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		const ictx *c = ctx;                                                       \
		T val;                                                                     \
		memcpy(&val, c->val, sizeof val);                                          \
		if (st[0] == sizeof(T) && st[1] == 1) {                                    \
			T *restrict x = (T *)(void *)p[0];                                 \
			const uint8_t *restrict m = (const uint8_t *)p[1];                 \
			for (int64_t i = 0; i < n; i++)                                    \
				x[i] = m[i] ? val : x[i];                                  \
			return;                                                            \
		}                                                                          \
		for (int64_t i = 0; i < n; i++)                                            \
			if (*(const uint8_t *)(p[1] + i * st[1]))                          \
				*(T *)(void *)(p[0] + i * st[0]) = val;                    \
	}

GATHER(gather_w1, uint8_t)
GATHER(gather_w2, uint16_t)
GATHER(gather_w4, uint32_t)
GATHER(gather_w8, uint64_t)
SCATTER(scatter_w1, uint8_t)
SCATTER(scatter_w2, uint16_t)
SCATTER(scatter_w4, uint32_t)
SCATTER(scatter_w8, uint64_t)
IFILL(ifill_w1, uint8_t)
IFILL(ifill_w2, uint16_t)
IFILL(ifill_w4, uint32_t)
IFILL(ifill_w8, uint64_t)
MSELECT(mselect_w1, uint8_t)
MSELECT(mselect_w2, uint16_t)
MSELECT(mselect_w4, uint32_t)
MSELECT(mselect_w8, uint64_t)
MCOPY(mcopy_w1, uint8_t)
MCOPY(mcopy_w2, uint16_t)
MCOPY(mcopy_w4, uint32_t)
MCOPY(mcopy_w8, uint64_t)
MFILL(mfill_w1, uint8_t)
MFILL(mfill_w2, uint16_t)
MFILL(mfill_w4, uint32_t)
MFILL(mfill_w8, uint64_t)

/* Loop tables indexed by width(): 1, 2, 4, 8 bytes. */
static const ml_inner_fn gather_fns[4] = {gather_w1, gather_w2, gather_w4, gather_w8};
static const ml_inner_fn scatter_fns[4] = {scatter_w1, scatter_w2, scatter_w4, scatter_w8};
static const ml_inner_fn ifill_fns[4] = {ifill_w1, ifill_w2, ifill_w4, ifill_w8};
static const ml_inner_fn mselect_fns[4] = {mselect_w1, mselect_w2, mselect_w4, mselect_w8};
static const ml_inner_fn mcopy_fns[4] = {mcopy_w1, mcopy_w2, mcopy_w4, mcopy_w8};
static const ml_inner_fn mfill_fns[4] = {mfill_w1, mfill_w2, mfill_w4, mfill_w8};

static int width(ml_dtype dt)
{
	switch (ml_dtype_info[dt].size) {
	case 1: return 0;
	case 2: return 1;
	case 4: return 2;
	default: return 3;
	}
}

/* ---- loops by dtype: indexAdd and the non-zero test ---- */

/* x[k] += src, the sum in U (unsigned for integers: wraps instead of overflowing) */
#define ADDER(name, T, U)                                                                \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		ictx *c = ctx;                                                             \
		const int64_t xs = c->xstep, len = c->len, base = c->base;                 \
		for (int64_t i = 0; i < n; i++) {                                          \
			int64_t v = I64(p[1] + i * st[1]), k = position(v, base, len);     \
			if ((uint64_t)k >= (uint64_t)len) {                                \
				note_bad(c, v);                                            \
				continue;                                                  \
			}                                                                  \
			T *d = (T *)(void *)(p[0] + i * st[0] + k * xs);                   \
			*d = (T)((U)*d + (U)*(const T *)(const void *)(p[2] + i * st[2])); \
		}                                                                          \
	}

ADDER(add_u8, uint8_t, uint64_t)
ADDER(add_i8, int8_t, uint64_t)
ADDER(add_i16, int16_t, uint64_t)
ADDER(add_i32, int32_t, uint64_t)
ADDER(add_i64, int64_t, uint64_t)
ADDER(add_f32, float, float)
ADDER(add_f64, double, double)

/* p[0] Byte result = (p[1] != 0); NaN is non-zero */
#define NONZERO(name, T)                                                                 \
	static void name(int64_t n, char *const *p, const int64_t *st, void *ctx)         \
	{                                                                                  \
		(void)ctx;                                                                 \
		for (int64_t i = 0; i < n; i++)                                            \
			*(uint8_t *)(p[0] + i * st[0]) =                                   \
				*(const T *)(const void *)(p[1] + i * st[1]) != 0;         \
	}

#define ML_NZ(E, s, T, N, f) NONZERO(nz_##s, T)
ML_DTYPES(ML_NZ)
#undef ML_NZ

static ml_inner_fn adder(ml_dtype dt)
{
	switch (dt) {
	case ML_BYTE: return add_u8;
	case ML_CHAR: return add_i8;
	case ML_SHORT: return add_i16;
	case ML_INT: return add_i32;
	case ML_LONG: return add_i64;
	case ML_FLOAT: return add_f32;
	case ML_DOUBLE: return add_f64;
	default: return NULL;
	}
}

static ml_inner_fn nonzero_test(ml_dtype dt)
{
	switch (dt) {
#define ML_NZ_CASE(E, s, T, N, f) case ML_##E: return nz_##s;
		ML_DTYPES(ML_NZ_CASE)
#undef ML_NZ_CASE
	default: return NULL;
	}
}

/* ---- shared checks and result handling ---- */

static int check_dim(const char *who, const ml_tensor *x, int dim, int base, ml_error *e)
{
	char s[ML_SHAPELEN];
	if (x->ndim == 0)
		return ml_fail(e, ML_ESHAPE, "%s: the tensor is empty", who);
	if (dim < 0 || dim >= x->ndim)
		return ml_fail(e, ML_ERANGE, "%s: dimension %d out of range for a %d-dimensional tensor (%s)",
		               who, dim + base, x->ndim, ml_tensor_shape_str(s, sizeof s, x));
	return ML_OK;
}

static int check_long(const char *who, const ml_tensor *index, ml_error *e)
{
	if (index->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "%s: the index must be a LongTensor (got a %sTensor)", who,
		               ml_dtype_name(index->dtype));
	return ML_OK;
}

static int bad_index(const char *who, const ictx *c, int dim, int base, ml_error *e)
{
	return ml_fail(e, ML_ERANGE, "%s: index %lld out of range for dimension %d of size %lld", who,
	               (long long)c->badv, dim + base, (long long)c->len);
}

static void check_run(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	ictx *c = ctx;
	for (int64_t i = 0; i < n; i++) {
		int64_t v = I64(p[0] + i * st[0]);
		if ((uint64_t)position(v, c->base, c->len) >= (uint64_t)c->len) {
			note_bad(c, v);
			return;
		}
	}
}

/* Fails naming the first index value outside the dimension (before any write). */
static int check_values(const char *who, const ml_tensor *index, ictx *c, int dim, int base,
                        ml_error *e)
{
	ml_tensor iv = *index; /* borrowed */
	ml_tensor *ops[1] = {&iv};
	ml_apply_range(1, ops, 0, ml_tensor_numel(index), check_run, c);
	return c->bad ? bad_index(who, c, dim, base, e) : ML_OK;
}

static int shares(const ml_tensor *a, const ml_tensor *b)
{
	return a->storage && b && a->storage == b->storage;
}

static int same_shape(const ml_tensor *t, int ndim, const int64_t *size)
{
	return t->ndim == ndim && memcmp(t->size, size, sizeof(int64_t) * (size_t)ndim) == 0;
}

/* Where a function with a result writes: res itself (resized, or kept when it
 * has the shape already), or a fresh tensor when res shares storage with an
 * input or has another dtype; result_end then hands it to res. */
typedef struct target {
	ml_tensor *res;    /* the caller's result */
	ml_tensor tmp;     /* the fresh tensor, when aside */
	ml_tensor *out;    /* where to write */
	int aside;         /* 1 when out is tmp */
} target;

static int result_begin(target *t, ml_tensor *res, ml_dtype dt, int ndim, const int64_t *size,
                        const ml_tensor *a, const ml_tensor *b, ml_error *e)
{
	t->res = res;
	t->aside = res->dtype != dt || shares(res, a) || shares(res, b);
	ml_tensor_init(&t->tmp, dt);
	if (t->aside) {
		t->out = &t->tmp;
		return ml_tensor_init_sized(&t->tmp, dt, ndim, size, e);
	}
	t->out = res;
	if (same_shape(res, ndim, size) && (res->storage || ndim == 0))
		return ML_OK;
	return ml_tensor_resize(res, ndim, size, e);
}

static int result_end(target *t, int rc, ml_error *e)
{
	if (t->aside) {
		if (rc == ML_OK) {
			if (t->res->dtype == t->tmp.dtype)
				ml_tensor_set(t->res, &t->tmp);
			else if ((rc = ml_tensor_resize(t->res, t->tmp.ndim, t->tmp.size, e)) == ML_OK)
				rc = ml_tensor_copy(t->res, &t->tmp, e);
		}
		ml_tensor_release(&t->tmp);
	}
	return rc;
}

/* A source for writes into x: src itself, or a converted copy in *tmp when its
 * dtype differs from x's or it shares x's storage. */
static int source_for(const ml_tensor *x, const ml_tensor *src, ml_tensor *tmp, ml_tensor *view,
                      ml_error *e)
{
	ml_tensor_init(tmp, x->dtype);
	if (src->dtype != x->dtype || shares(x, src)) {
		int rc = ml_tensor_clone_as(tmp, src, x->dtype, e);
		if (rc)
			return rc;
		*view = *tmp;
	} else {
		*view = *src;
	}
	return ML_OK;
}

/* Stores v in x's dtype into c->val. */
static void set_value(ictx *c, ml_dtype dt, ml_scalar v)
{
	if (v.is_int)
		ml_store_i64(dt, c->val, v.i);
	else
		ml_store_f64(dt, c->val, v.f);
}

/* The 1-D index as a view of `size` (x's rank): stride 0 except along dim. */
static ml_tensor spread_index(const ml_tensor *index, int ndim, const int64_t *size, int dim)
{
	ml_tensor iv = *index; /* borrowed */
	int64_t st = index->ndim ? index->stride[0] : 0;
	iv.ndim = ndim;
	for (int d = 0; d < ndim; d++) {
		iv.size[d] = size[d];
		iv.stride[d] = d == dim ? st : 0;
	}
	return iv;
}

/* x seen with `size` (x's rank) and stride 0 along dim: the walk gives row starts. */
static ml_tensor row_starts(const ml_tensor *x, int ndim, const int64_t *size, int dim)
{
	ml_tensor xv = *x; /* borrowed */
	memcpy(xv.size, size, sizeof(int64_t) * (size_t)ndim);
	xv.stride[dim] = 0;
	return xv;
}

static void init_ctx(ictx *c, const ml_tensor *x, int dim, int base)
{
	memset(c, 0, sizeof *c);
	c->xstep = x->stride[dim] * (int64_t)ml_dtype_info[x->dtype].size;
	c->len = x->size[dim];
	c->base = base;
}

/* Checks a 1-D index for index/indexCopy/indexAdd/indexFill; *m = its length. */
static int check_vector_index(const char *who, const ml_tensor *index, int64_t *m, ml_error *e)
{
	int rc = check_long(who, index, e);
	if (rc)
		return rc;
	if (index->ndim > 1) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: the index must be a vector (got a %s tensor)", who,
		               ml_tensor_shape_str(s, sizeof s, index));
	}
	*m = ml_tensor_numel(index);
	return ML_OK;
}

/* ---- index, indexCopy, indexAdd, indexFill ---- */

int ml_index_select(const char *who, ml_tensor *res, const ml_tensor *x, int dim,
                    const ml_tensor *index, int base, ml_error *e)
{
	int64_t m;
	int rc = check_dim(who, x, dim, base, e);
	if (!rc)
		rc = check_vector_index(who, index, &m, e);
	if (rc)
		return rc;
	int64_t size[ML_MAX_DIMS];
	memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
	size[dim] = m;
	target t;
	if ((rc = result_begin(&t, res, x->dtype, x->ndim, size, x, index, e)))
		return result_end(&t, rc, e);
	ictx c;
	init_ctx(&c, x, dim, base);
	ml_tensor xv = row_starts(x, x->ndim, size, dim);
	ml_tensor iv = spread_index(index, x->ndim, size, dim);
	ml_tensor *ops[3] = {t.out, &xv, &iv};
	rc = ml_apply(3, ops, ML_GRAIN_CHEAP, gather_fns[width(x->dtype)], &c, e);
	if (!rc && c.bad)
		rc = bad_index(who, &c, dim, base, e);
	return result_end(&t, rc, e);
}

/* indexCopy and indexAdd: x[.., index[i], ..] (op)= src[.., i, ..] */
static int index_write(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                       const ml_tensor *src, int base, int add, ml_error *e)
{
	int64_t m;
	int rc = check_dim(who, x, dim, base, e);
	if (!rc)
		rc = check_vector_index(who, index, &m, e);
	if (rc)
		return rc;
	int ok = src->ndim == x->ndim || (m == 0 && ml_tensor_numel(src) == 0);
	for (int d = 0; ok && d < x->ndim && src->ndim; d++)
		ok = src->size[d] == (d == dim ? m : x->size[d]);
	if (!ok) {
		char a[ML_SHAPELEN], b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: source of shape %s for %lld indices along dimension %d "
		               "of a %s tensor", who, ml_tensor_shape_str(a, sizeof a, src), (long long)m,
		               dim + base, ml_tensor_shape_str(b, sizeof b, x));
	}
	if (m == 0)
		return ML_OK;
	ictx c;
	init_ctx(&c, x, dim, base);
	if ((rc = check_values(who, index, &c, dim, base, e)))
		return rc;
	ml_tensor stmp, itmp, sv, iv1;
	if ((rc = source_for(x, src, &stmp, &sv, e)))
		return rc;
	ml_tensor_init(&itmp, ML_LONG);
	iv1 = *index;
	if (shares(x, index)) {
		if ((rc = ml_tensor_clone_as(&itmp, index, ML_LONG, e))) {
			ml_tensor_release(&stmp);
			return rc;
		}
		iv1 = itmp;
	}
	ml_tensor xv = row_starts(x, x->ndim, sv.size, dim);
	ml_tensor iv = spread_index(&iv1, x->ndim, sv.size, dim);
	ml_tensor *ops[3] = {&xv, &iv, &sv};
	ml_inner_fn fn = add ? adder(x->dtype) : scatter_fns[width(x->dtype)];
	ml_apply_range(3, ops, 0, ml_tensor_numel(&sv), fn, &c);
	ml_tensor_release(&stmp);
	ml_tensor_release(&itmp);
	return ML_OK;
}

int ml_index_copy(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                  const ml_tensor *src, int base, ml_error *e)
{
	return index_write(who, x, dim, index, src, base, 0, e);
}

int ml_index_add(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                 const ml_tensor *src, int base, ml_error *e)
{
	return index_write(who, x, dim, index, src, base, 1, e);
}

int ml_index_fill(const char *who, ml_tensor *x, int dim, const ml_tensor *index, ml_scalar v,
                  int base, ml_error *e)
{
	int64_t m;
	int rc = check_dim(who, x, dim, base, e);
	if (!rc)
		rc = check_vector_index(who, index, &m, e);
	if (rc || m == 0)
		return rc;
	ictx c;
	init_ctx(&c, x, dim, base);
	set_value(&c, x->dtype, v);
	if ((rc = check_values(who, index, &c, dim, base, e)))
		return rc;
	int64_t size[ML_MAX_DIMS];
	memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
	size[dim] = m;
	ml_tensor itmp, iv1 = *index;
	ml_tensor_init(&itmp, ML_LONG);
	if (shares(x, index)) {
		if ((rc = ml_tensor_clone_as(&itmp, index, ML_LONG, e)))
			return rc;
		iv1 = itmp;
	}
	ml_tensor xv = row_starts(x, x->ndim, size, dim);
	ml_tensor iv = spread_index(&iv1, x->ndim, size, dim);
	ml_tensor *ops[2] = {&xv, &iv};
	int64_t n = ml_tensor_numel(&xv);
	ml_apply_range(2, ops, 0, n, ifill_fns[width(x->dtype)], &c);
	ml_tensor_release(&itmp);
	return ML_OK;
}

/* ---- gather and scatter ---- */

/* index has x's rank and fits in x (and in src, for scatter) outside dim. */
static int check_gather_shapes(const char *who, const ml_tensor *x, int dim, const ml_tensor *index,
                               const ml_tensor *src, int base, ml_error *e)
{
	char a[ML_SHAPELEN], b[ML_SHAPELEN];
	int rc = check_long(who, index, e);
	if (rc)
		return rc;
	int ok = index->ndim == x->ndim;
	for (int d = 0; ok && d < x->ndim; d++)
		ok = d == dim || index->size[d] <= x->size[d];
	if (!ok)
		return ml_fail(e, ML_ESHAPE, "%s: index of shape %s does not fit a %s tensor along dimension %d "
		               "(same number of dimensions, no larger outside dimension %d)", who,
		               ml_tensor_shape_str(a, sizeof a, index), ml_tensor_shape_str(b, sizeof b, x),
		               dim + base, dim + base);
	if (src) {
		ok = src->ndim == index->ndim;
		for (int d = 0; ok && d < index->ndim; d++)
			ok = src->size[d] >= index->size[d];
		if (!ok)
			return ml_fail(e, ML_ESHAPE, "%s: source of shape %s is smaller than the index (%s)", who,
			               ml_tensor_shape_str(a, sizeof a, src),
			               ml_tensor_shape_str(b, sizeof b, index));
	}
	return ML_OK;
}

int ml_index_gather(const char *who, ml_tensor *res, const ml_tensor *x, int dim,
                    const ml_tensor *index, int base, ml_error *e)
{
	int rc = check_dim(who, x, dim, base, e);
	if (rc)
		return rc;
	if (ml_tensor_numel(index) == 0 && index->ndim == 0) {
		if ((rc = check_long(who, index, e)))
			return rc;
		ml_tensor_release(res);
		return ML_OK;
	}
	if ((rc = check_gather_shapes(who, x, dim, index, NULL, base, e)))
		return rc;
	target t;
	if ((rc = result_begin(&t, res, x->dtype, index->ndim, index->size, x, index, e)))
		return result_end(&t, rc, e);
	ictx c;
	init_ctx(&c, x, dim, base);
	ml_tensor xv = row_starts(x, x->ndim, index->size, dim);
	ml_tensor iv = *index; /* borrowed */
	ml_tensor *ops[3] = {t.out, &xv, &iv};
	rc = ml_apply(3, ops, ML_GRAIN_CHEAP, gather_fns[width(x->dtype)], &c, e);
	if (!rc && c.bad)
		rc = bad_index(who, &c, dim, base, e);
	return result_end(&t, rc, e);
}

/* scatter (src != NULL) and scatter_fill */
static int scatter(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                   const ml_tensor *src, ml_scalar v, int base, ml_error *e)
{
	int rc = check_dim(who, x, dim, base, e);
	if (!rc && !(rc = check_long(who, index, e)) && ml_tensor_numel(index) == 0)
		return ML_OK;
	if (!rc)
		rc = check_gather_shapes(who, x, dim, index, src, base, e);
	if (rc)
		return rc;
	ictx c;
	init_ctx(&c, x, dim, base);
	if ((rc = check_values(who, index, &c, dim, base, e)))
		return rc;
	ml_tensor stmp, itmp, sv, iv = *index;
	ml_tensor_init(&stmp, x->dtype);
	ml_tensor_init(&itmp, ML_LONG);
	if (src && (rc = source_for(x, src, &stmp, &sv, e)))
		return rc;
	if (shares(x, index)) {
		if ((rc = ml_tensor_clone_as(&itmp, index, ML_LONG, e))) {
			ml_tensor_release(&stmp);
			return rc;
		}
		iv = itmp;
	}
	ml_tensor xv = row_starts(x, x->ndim, index->size, dim);
	int64_t n = ml_tensor_numel(index);
	if (src) {
		memcpy(sv.size, index->size, sizeof(int64_t) * (size_t)index->ndim); /* leading part */
		ml_tensor *ops[3] = {&xv, &iv, &sv};
		ml_apply_range(3, ops, 0, n, scatter_fns[width(x->dtype)], &c);
	} else {
		set_value(&c, x->dtype, v);
		ml_tensor *ops[2] = {&xv, &iv};
		ml_apply_range(2, ops, 0, n, ifill_fns[width(x->dtype)], &c);
	}
	ml_tensor_release(&stmp);
	ml_tensor_release(&itmp);
	return ML_OK;
}

int ml_index_scatter(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                     const ml_tensor *src, int base, ml_error *e)
{
	return scatter(who, x, dim, index, src, ml_scalar_i64(0), base, e);
}

int ml_index_scatter_fill(const char *who, ml_tensor *x, int dim, const ml_tensor *index,
                          ml_scalar v, int base, ml_error *e)
{
	return scatter(who, x, dim, index, NULL, v, base, e);
}

/* ---- masks ---- */

/* The mask seen with x's shape: *view borrows mask or *tmp (a contiguous copy
 * made when a same-count mask of another shape is not contiguous). */
static int mask_view(const char *who, const ml_tensor *x, const ml_tensor *mask, ml_tensor *view,
                     ml_tensor *tmp, ml_error *e)
{
	char a[ML_SHAPELEN], b[ML_SHAPELEN];
	ml_tensor_init(tmp, ML_BYTE);
	if (mask->dtype != ML_BYTE)
		return ml_fail(e, ML_ETYPE, "%s: the mask must be a ByteTensor (got a %sTensor)", who,
		               ml_dtype_name(mask->dtype));
	*view = *mask; /* borrowed */
	if (shares(x, mask)) { /* a mask in x's storage: read it from a copy */
		int rc = ml_tensor_clone_as(tmp, mask, ML_BYTE, e);
		if (rc)
			return rc;
		*view = *tmp;
	}
	if (ml_tensor_same_size(x, view))
		return ML_OK;
	if (ml_tensor_numel(x) == ml_tensor_numel(mask)) {
		if (x->ndim == 0)
			return ML_OK;
		if (!ml_tensor_is_contiguous(view)) {
			int rc = ml_tensor_clone_as(tmp, mask, ML_BYTE, e);
			if (rc)
				return rc;
			*view = *tmp;
		}
		return ml_tensor_view(view, x->ndim, x->size, e);
	}
	if (x->ndim > 0 && mask->ndim > 0 && ml_tensor_expand(view, x->ndim, x->size, NULL) == ML_OK)
		return ML_OK;
	ml_tensor_release(tmp);
	return ml_fail(e, ML_ESHAPE, "%s: mask of shape %s (%lld elements) for a tensor of shape %s "
	               "(%lld elements)", who, ml_tensor_shape_str(a, sizeof a, mask),
	               (long long)ml_tensor_numel(mask), ml_tensor_shape_str(b, sizeof b, x),
	               (long long)ml_tensor_numel(x));
}

static void count_run(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	ictx *c = ctx;
	int64_t k = 0;
	for (int64_t i = 0; i < n; i++)
		k += *(const uint8_t *)(p[0] + i * st[0]) != 0;
#ifdef _OPENMP
#pragma omp atomic
#endif
	c->count += k;
}

/* Number of non-zero bytes of the Byte tensor m (any strides). */
static int64_t count_selected(const ml_tensor *m)
{
	ictx c;
	memset(&c, 0, sizeof c);
	ml_tensor mv = *m; /* borrowed */
	ml_tensor *ops[1] = {&mv};
	ml_apply(1, ops, ML_GRAIN_CHEAP, count_run, &c, NULL);
	return c.count;
}

int ml_index_masked_select(const char *who, ml_tensor *res, const ml_tensor *x,
                           const ml_tensor *mask, ml_error *e)
{
	ml_tensor mv, mtmp;
	int rc = mask_view(who, x, mask, &mv, &mtmp, e);
	if (rc)
		return rc;
	int64_t k = ml_tensor_numel(x) ? count_selected(&mv) : 0;
	target t;
	rc = result_begin(&t, res, x->dtype, k ? 1 : 0, &k, x, mask, e);
	if (!rc && k) {
		ml_tensor *out = t.out, c1;
		ml_tensor_init(&c1, x->dtype);
		if (!ml_tensor_is_contiguous(out)) { /* gather contiguously, then copy */
			rc = ml_tensor_init_sized(&c1, x->dtype, 1, &k, e);
			out = &c1;
		}
		if (!rc) {
			ictx c;
			memset(&c, 0, sizeof c);
			c.cursor = ml_tensor_data(out);
			ml_tensor xv = *x;
			ml_tensor *ops[2] = {&xv, &mv};
			ml_apply_range(2, ops, 0, ml_tensor_numel(x), mselect_fns[width(x->dtype)], &c);
			if (out == &c1)
				rc = ml_tensor_copy(t.out, &c1, e);
		}
		ml_tensor_release(&c1);
	}
	ml_tensor_release(&mtmp);
	return result_end(&t, rc, e);
}

int ml_index_masked_copy(const char *who, ml_tensor *x, const ml_tensor *mask,
                         const ml_tensor *src, ml_error *e)
{
	ml_tensor mv, mtmp, stmp;
	int rc = mask_view(who, x, mask, &mv, &mtmp, e);
	if (rc)
		return rc;
	int64_t k = ml_tensor_numel(x) ? count_selected(&mv) : 0, ns = ml_tensor_numel(src);
	if (ns < k) {
		ml_tensor_release(&mtmp);
		return ml_fail(e, ML_ESHAPE, "%s: the mask selects %lld elements but the source has only %lld",
		               who, (long long)k, (long long)ns);
	}
	if (k == 0) {
		ml_tensor_release(&mtmp);
		return ML_OK;
	}
	/* a contiguous source of x's dtype, apart from x */
	ml_tensor_init(&stmp, x->dtype);
	const ml_tensor *s = src;
	if (src->dtype != x->dtype || shares(x, src) || !ml_tensor_is_contiguous(src)) {
		if ((rc = ml_tensor_clone_as(&stmp, src, x->dtype, e))) {
			ml_tensor_release(&mtmp);
			return rc;
		}
		s = &stmp;
	}
	ictx c;
	memset(&c, 0, sizeof c);
	c.cursor = ml_tensor_data(s);
	ml_tensor *ops[2] = {x, &mv};
	ml_apply_range(2, ops, 0, ml_tensor_numel(x), mcopy_fns[width(x->dtype)], &c);
	ml_tensor_release(&stmp);
	ml_tensor_release(&mtmp);
	return ML_OK;
}

int ml_index_masked_fill(const char *who, ml_tensor *x, const ml_tensor *mask, ml_scalar v,
                         ml_error *e)
{
	ml_tensor mv, mtmp;
	int rc = mask_view(who, x, mask, &mv, &mtmp, e);
	if (rc)
		return rc;
	if (ml_tensor_numel(x) > 0) {
		ictx c;
		memset(&c, 0, sizeof c);
		set_value(&c, x->dtype, v);
		ml_tensor *ops[2] = {x, &mv};
		rc = ml_apply(2, ops, ML_GRAIN_CHEAP, mfill_fns[width(x->dtype)], &c, e);
	}
	ml_tensor_release(&mtmp);
	return rc;
}

/* ---- nonzero ---- */

int ml_index_nonzero(const char *who, ml_tensor *res, const ml_tensor *x, int base, ml_error *e)
{
	(void)who;
	int64_t n = ml_tensor_numel(x);
	ml_tensor m;
	ml_tensor_init(&m, ML_BYTE);
	int64_t k = 0;
	int rc = ML_OK;
	if (n > 0) {
		if ((rc = ml_tensor_init_sized(&m, ML_BYTE, x->ndim, x->size, e)))
			return rc;
		ml_tensor xv = *x;
		ml_tensor *ops[2] = {&m, &xv};
		ml_apply(2, ops, ML_GRAIN_CHEAP, nonzero_test(x->dtype), NULL, e);
		k = count_selected(&m);
	}
	int64_t size[2] = {k, x->ndim};
	target t;
	rc = result_begin(&t, res, ML_LONG, k ? 2 : 0, size, x, NULL, e);
	if (!rc && k) {
		const uint8_t *mp = ml_tensor_data(&m);
		ml_tensor *out = t.out;
		int64_t idx[ML_MAX_DIMS] = {0}, row = 0;
		for (int64_t i = 0; i < n; i++) {
			if (mp[i]) {
				int64_t *o = (int64_t *)ml_tensor_data(out) + row * out->stride[0];
				for (int d = 0; d < x->ndim; d++)
					o[d * out->stride[1]] = idx[d] + base;
				row++;
			}
			for (int d = x->ndim - 1; d >= 0; d--) {
				if (++idx[d] < x->size[d])
					break;
				idx[d] = 0;
			}
		}
	}
	ml_tensor_release(&m);
	return result_end(&t, rc, e);
}
