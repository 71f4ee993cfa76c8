/*
 * tensor.c - storages, tensor views, resize, copy and fill.
 *
 * Every view operation edits sizes/strides/offset in place and never touches
 * elements.  Copy converts between any two dtypes over any strides through the
 * element-wise engine (apply.c); it does not broadcast beyond numpy's rules.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "tensor.h"

const ml_dtype_traits ml_dtype_info[ML_NDTYPES] = {
#define ML_DT_TRAITS(E, s, T, N, f) {#N, #T, sizeof(T), f},
	ML_DTYPES(ML_DT_TRAITS)
#undef ML_DT_TRAITS
};

const char *ml_dtype_name(ml_dtype dt)
{
	return (unsigned)dt < ML_NDTYPES ? ml_dtype_info[dt].name : "?";
}

int ml_dtype_parse(const char *name, ml_dtype *dt)
{
	if (strncmp(name, "torch.", 6) == 0)
		name += 6;
	size_t n = strlen(name);
	if (n > 6 && strcmp(name + n - 6, "Tensor") == 0)
		n -= 6;
	else if (n > 7 && strcmp(name + n - 7, "Storage") == 0)
		n -= 7;
	for (int i = 0; i < ML_NDTYPES; i++) {
		const char *nm = ml_dtype_info[i].name;
		if (strlen(nm) == n && strncasecmp(nm, name, n) == 0) {
			*dt = (ml_dtype)i;
			return 0;
		}
	}
	return -1;
}

int ml_fail(ml_error *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* ---- storages ---- */

#define ML_UNINIT_MIN_BYTES ((size_t)1 << 20) /* resize leaves storages this large unzeroed */

/* Asks for transparent huge pages on buffers of 4 MiB or more, as numpy does:
 * BLAS on large operands then misses the TLB less (about 3% on a 1024x1024
 * dgemm here).  Advice only: failure is harmless and ignored. */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	if (bytes < ((size_t)4 << 20))
		return;
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)p + pg - 1) & ~(pg - 1), hi = ((uintptr_t)p + bytes) & ~(pg - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

/* A storage of n elements, zero-filled when `zero` (see ml_storage_new). */
static ml_storage *new_storage(ml_dtype dt, int64_t n, int zero, ml_error *e);

ml_storage *ml_storage_new(ml_dtype dt, int64_t n, ml_error *e)
{
	return new_storage(dt, n, 1, e);
}

static ml_storage *new_storage(ml_dtype dt, int64_t n, int zero, ml_error *e)
{
	size_t es = ml_dtype_info[dt].size;
	ml_storage *s;
	if (n < 0 || (uint64_t)n > SIZE_MAX / es / 2) {
		ml_fail(e, ML_ENOMEM, "cannot allocate %lld elements of %zu bytes", (long long)n, es);
		return NULL;
	}
	size_t bytes = (size_t)n * es;
	if (bytes > 0 && bytes <= ML_INLINE_BYTES) {
		/* small: header and elements in one block, one malloc instead of two */
		s = malloc(sizeof *s + ML_INLINE_BYTES);
		if (!s) {
			ml_fail(e, ML_ENOMEM, "cannot allocate %zu bytes", sizeof *s + ML_INLINE_BYTES);
			return NULL;
		}
		s->data = s + 1;
		s->parent = NULL;
		memset(s->data, 0, bytes);
		s->refcount = 1;
		s->size = n;
		s->dtype = dt;
		s->owns_data = ML_DATA_INLINE;
		return s;
	}
	s = malloc(sizeof *s);
	if (!s) {
		ml_fail(e, ML_ENOMEM, "cannot allocate %zu bytes", sizeof *s);
		return NULL;
	}
	s->data = NULL;
	s->parent = NULL;
	if (n > 0) {
		s->data = zero ? calloc((size_t)n, es) : malloc((size_t)n * es);
#ifdef ML_POISON_UNINIT
		if (s->data && !zero) /* test builds: make reliance on zeros visible */
			memset(s->data, 0xA5, (size_t)n * es);
#endif
		if (!s->data) {
			free(s);
			ml_fail(e, ML_ENOMEM, "cannot allocate %llu bytes",
			        (unsigned long long)n * (unsigned long long)es);
			return NULL;
		}
		advise_huge(s->data, (size_t)n * es);
	}
	s->refcount = 1;
	s->size = n;
	s->dtype = dt;
	s->owns_data = ML_DATA_OWNED;
	return s;
}

void ml_storage_retain(ml_storage *s)
{
	if (s)
		s->refcount++;
}

ml_storage *ml_storage_new_view(ml_storage *parent, int64_t offset, int64_t n, ml_error *e)
{
	if (offset < 0 || n < 0 || offset > parent->size || n > parent->size - offset) {
		ml_fail(e, ML_ERANGE, "storage: view of %lld elements at %lld outside a storage of %lld",
		        (long long)n, (long long)offset + 1, (long long)parent->size);
		return NULL;
	}
	ml_storage *s = malloc(sizeof *s);
	if (!s) {
		ml_fail(e, ML_ENOMEM, "cannot allocate %zu bytes", sizeof *s);
		return NULL;
	}
	s->refcount = 1;
	s->data = n ? ml_storage_at(parent, offset) : NULL;
	s->size = n;
	s->dtype = parent->dtype;
	s->owns_data = 0;
	s->parent = parent;
	ml_storage_retain(parent);
	return s;
}

void ml_storage_release(ml_storage *s)
{
	if (!s || --s->refcount > 0)
		return;
	if (s->owns_data == ML_DATA_OWNED)
		free(s->data);
	ml_storage_release(s->parent);
	free(s);
}

int ml_storage_resize(ml_storage *s, int64_t n, ml_error *e)
{
	size_t es = ml_dtype_info[s->dtype].size;
	if (n < 0 || (uint64_t)n > SIZE_MAX / es / 2)
		return ml_fail(e, ML_ENOMEM, "cannot allocate %lld elements of %zu bytes", (long long)n, es);
	if (!s->owns_data)
		return ml_fail(e, ML_EINVAL, "storage.resize: storage does not own its memory");
	if (n == s->size)
		return ML_OK;
	if (s->owns_data == ML_DATA_INLINE) {
		if ((size_t)n * es <= ML_INLINE_BYTES) {
			if (n > s->size)
				memset((char *)s->data + (size_t)s->size * es, 0, (size_t)(n - s->size) * es);
			s->size = n;
			return ML_OK;
		}
		/* outgrows the inline block: move the elements to their own buffer */
		void *d = calloc((size_t)n, es);
		if (!d)
			return ml_fail(e, ML_ENOMEM, "cannot allocate %llu bytes",
			               (unsigned long long)n * (unsigned long long)es);
		memcpy(d, s->data, (size_t)s->size * es);
		advise_huge(d, (size_t)n * es);
		s->data = d;
		s->size = n;
		s->owns_data = ML_DATA_OWNED;
		return ML_OK;
	}
	if (n == 0) {
		free(s->data);
		s->data = NULL;
		s->size = 0;
		return ML_OK;
	}
	void *d = realloc(s->data, (size_t)n * es);
	if (!d)
		return ml_fail(e, ML_ENOMEM, "cannot allocate %llu bytes",
		               (unsigned long long)n * (unsigned long long)es);
	advise_huge(d, (size_t)n * es);
	if (n > s->size)
		memset((char *)d + (size_t)s->size * es, 0, (size_t)(n - s->size) * es);
	s->data = d;
	s->size = n;
	return ML_OK;
}

/* ---- life cycle ---- */

void ml_tensor_init(ml_tensor *t, ml_dtype dt)
{
	t->storage = NULL;
	t->offset = 0;
	t->ndim = 0;
	t->dtype = dt;
}

static void set_contiguous_strides(ml_tensor *t)
{
	int64_t st = 1;
	for (int d = t->ndim - 1; d >= 0; d--) {
		t->stride[d] = st;
		st *= t->size[d] > 0 ? t->size[d] : 1;
	}
}

static int check_shape(const char *who, int ndim, const int64_t *size, int64_t *numel, ml_error *e)
{
	if (ndim < 0 || ndim > ML_MAX_DIMS)
		return ml_fail(e, ML_EINVAL, "%s: %d dimensions (at most %d)", who, ndim, ML_MAX_DIMS);
	int64_t n = 1;
	for (int d = 0; d < ndim; d++) {
		if (size[d] < 0)
			return ml_fail(e, ML_EINVAL, "%s: negative size %lld at dimension %d", who,
			               (long long)size[d], d + 1);
		if (size[d] > 0 && n > INT64_MAX / size[d])
			return ml_fail(e, ML_ENOMEM, "%s: cannot allocate, size overflows", who);
		n *= size[d];
	}
	*numel = ndim ? n : 0;
	return ML_OK;
}

int ml_tensor_init_sized(ml_tensor *t, ml_dtype dt, int ndim, const int64_t *size, ml_error *e)
{
	int64_t n;
	int rc = check_shape("torch.Tensor", ndim, size, &n, e);
	ml_tensor_init(t, dt);
	if (rc)
		return rc;
	ml_storage *s = ml_storage_new(dt, n, e);
	if (!s)
		return ML_ENOMEM;
	t->storage = s;
	t->ndim = ndim;
	memcpy(t->size, size, sizeof(int64_t) * (size_t)ndim);
	set_contiguous_strides(t);
	return ML_OK;
}

void ml_tensor_release(ml_tensor *t)
{
	ml_storage *s = t->storage;
	t->storage = NULL;
	t->ndim = 0;
	t->offset = 0;
	ml_storage_release(s);
}

void ml_tensor_set(ml_tensor *dst, const ml_tensor *src)
{
	if (dst == src)
		return;
	ml_storage_retain(src->storage);
	ml_storage_release(dst->storage);
	*dst = *src;
}

int ml_tensor_set_storage(ml_tensor *dst, ml_storage *s, int64_t offset, int ndim,
                          const int64_t *size, const int64_t *stride, ml_error *e)
{
	int64_t n;
	int rc = check_shape("tensor.set", ndim, size, &n, e);
	if (rc)
		return rc;
	ml_tensor v;
	ml_tensor_init(&v, s ? s->dtype : dst->dtype);
	v.ndim = ndim;
	v.offset = offset;
	memcpy(v.size, size, sizeof(int64_t) * (size_t)ndim);
	if (stride)
		memcpy(v.stride, stride, sizeof(int64_t) * (size_t)ndim);
	else
		set_contiguous_strides(&v);
	if (n > 0) {
		int64_t lo = offset, hi = offset;
		for (int d = 0; d < ndim; d++) {
			if (v.stride[d] >= 0)
				hi += (size[d] - 1) * v.stride[d];
			else
				lo += (size[d] - 1) * v.stride[d];
		}
		int64_t have = s ? s->size : 0;
		if (lo < 0 || hi >= have)
			return ml_fail(e, ML_ERANGE,
			               "tensor.set: view reaches elements %lld..%lld outside a storage of %lld",
			               (long long)lo + 1, (long long)hi + 1, (long long)have);
	}
	ml_storage_retain(s);
	ml_storage_release(dst->storage);
	v.storage = s;
	*dst = v;
	return ML_OK;
}

/* ---- queries ---- */

void *ml_tensor_ptr(const ml_tensor *t, const int64_t *idx)
{
	int64_t off = t->offset;
	for (int d = 0; d < t->ndim; d++)
		off += idx[d] * t->stride[d];
	return ml_storage_at(t->storage, off);
}

char *ml_shape_str(char *buf, size_t n, int ndim, const int64_t *size)
{
	if (ndim == 0) {
		snprintf(buf, n, "empty");
		return buf;
	}
	size_t at = 0;
	buf[0] = 0;
	for (int d = 0; d < ndim && at < n; d++) {
		int w = snprintf(buf + at, n - at, d ? "x%lld" : "%lld", (long long)size[d]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return buf;
}

char *ml_tensor_shape_str(char *buf, size_t n, const ml_tensor *t)
{
	return ml_shape_str(buf, n, t->ndim, t->size);
}

/* ---- element access ---- */

double ml_load_f64(ml_dtype dt, const void *p)
{
	switch (dt) {
#define ML_LOAD(E, s, T, N, f) case ML_##E: return (double)*(const T *)p;
		ML_DTYPES(ML_LOAD)
#undef ML_LOAD
	default: return 0;
	}
}

int64_t ml_load_i64(ml_dtype dt, const void *p)
{
	switch (dt) {
	case ML_FLOAT: return (int64_t)*(const float *)p;
	case ML_DOUBLE: {
		double v = *(const double *)p;
		if (v != v)
			return 0;
		if (v >= 9223372036854775807.0)
			return INT64_MAX;
		if (v <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)v;
	}
#define ML_LOADI(E, s, T, N, f) case ML_##E: return (int64_t)*(const T *)p;
		ML_LOADI(BYTE, u8, uint8_t, Byte, 0)
		ML_LOADI(CHAR, i8, int8_t, Char, 0)
		ML_LOADI(SHORT, i16, int16_t, Short, 0)
		ML_LOADI(INT, i32, int32_t, Int, 0)
		ML_LOADI(LONG, i64, int64_t, Long, 0)
#undef ML_LOADI
	default: return 0;
	}
}

/* double -> integer type with saturation: C leaves out-of-range casts undefined. */
static int64_t sat_i64(double v, double lo, double hi)
{
	if (v != v)
		return 0;
	if (v <= lo)
		return (int64_t)lo;
	if (v >= hi)
		return (int64_t)hi;
	return (int64_t)v;
}

void ml_store_f64(ml_dtype dt, void *p, double v)
{
	switch (dt) {
	case ML_BYTE: *(uint8_t *)p = (uint8_t)sat_i64(v, 0, 255); break;
	case ML_CHAR: *(int8_t *)p = (int8_t)sat_i64(v, -128, 127); break;
	case ML_SHORT: *(int16_t *)p = (int16_t)sat_i64(v, -32768, 32767); break;
	case ML_INT: *(int32_t *)p = (int32_t)sat_i64(v, -2147483648.0, 2147483647.0); break;
	case ML_LONG:
		if (v != v)
			*(int64_t *)p = 0;
		else if (v >= 9223372036854775807.0)
			*(int64_t *)p = INT64_MAX;
		else if (v <= -9223372036854775808.0)
			*(int64_t *)p = INT64_MIN;
		else
			*(int64_t *)p = (int64_t)v;
		break;
	case ML_FLOAT: *(float *)p = (float)v; break;
	case ML_DOUBLE: *(double *)p = v; break;
	default: break;
	}
}

void ml_store_i64(ml_dtype dt, void *p, int64_t v)
{
	switch (dt) {
#define ML_STOREI(E, s, T, N, f) case ML_##E: *(T *)p = (T)v; break;
		ML_DTYPES(ML_STOREI)
#undef ML_STOREI
	default: break;
	}
}

/* ---- shape changes ---- */

int ml_tensor_resize(ml_tensor *t, int ndim, const int64_t *size, ml_error *e)
{
	int64_t n;
	int rc = check_shape("tensor.resize", ndim, size, &n, e);
	if (rc)
		return rc;
	if (n > 0) {
		int64_t need = t->offset + n;
		if (!t->storage) {
			/* Large results are left uninitialised, as the contract says:
			 * zeroing 8 MB costs as much as many kernels that overwrite it
			 * (calloc must clear memory that malloc reuses).  Small ones are
			 * zeroed: cheap, and printed garbage helps nobody. */
			size_t bytes = (size_t)n * ml_dtype_info[t->dtype].size;
			ml_storage *s = new_storage(t->dtype, n, bytes < ML_UNINIT_MIN_BYTES, e);
			if (!s)
				return ML_ENOMEM;
			t->storage = s;
			t->offset = 0;
		} else if (t->storage->size < need) {
			if (t->storage->refcount == 1 && t->storage->owns_data) {
				rc = ml_storage_resize(t->storage, need, e);
				if (rc)
					return rc;
			} else {
				/* shared storage that is too small: Torch7 grows it for every
				 * sharer; we do the same when we own the memory. */
				if (!t->storage->owns_data)
					return ml_fail(e, ML_EINVAL, "tensor.resize: storage does not own its memory");
				rc = ml_storage_resize(t->storage, need, e);
				if (rc)
					return rc;
			}
		}
	}
	t->ndim = ndim;
	memcpy(t->size, size, sizeof(int64_t) * (size_t)ndim);
	set_contiguous_strides(t);
	return ML_OK;
}

int ml_tensor_resize_as(ml_tensor *t, const ml_tensor *like, ml_error *e)
{
	if (ml_tensor_same_size(t, like) && ml_tensor_is_contiguous(t) && (t->storage || like->ndim == 0))
		return ML_OK;
	return ml_tensor_resize(t, like->ndim, like->size, e);
}

/* ---- views ---- */

static int check_dim(const char *who, const ml_tensor *t, int dim, ml_error *e)
{
	if (dim < 0 || dim >= t->ndim) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_ERANGE, "%s: dimension %d out of range for a %d-dimensional tensor (%s)",
		               who, dim + 1, t->ndim, ml_tensor_shape_str(s, sizeof s, t));
	}
	return ML_OK;
}

int ml_tensor_narrow(ml_tensor *t, int dim, int64_t start, int64_t len, ml_error *e)
{
	int rc = check_dim("tensor.narrow", t, dim, e);
	if (rc)
		return rc;
	if (start < 0 || len < 0 || start + len > t->size[dim])
		return ml_fail(e, ML_ERANGE,
		               "tensor.narrow: elements %lld..%lld out of range for dimension %d of size %lld",
		               (long long)start + 1, (long long)(start + len), dim + 1, (long long)t->size[dim]);
	t->offset += start * t->stride[dim];
	t->size[dim] = len;
	return ML_OK;
}

int ml_tensor_select(ml_tensor *t, int dim, int64_t idx, ml_error *e)
{
	int rc = check_dim("tensor.select", t, dim, e);
	if (rc)
		return rc;
	if (t->ndim < 2)
		return ml_fail(e, ML_EINVAL, "tensor.select: cannot select on a vector (use t[i] for a number)");
	if (idx < 0 || idx >= t->size[dim])
		return ml_fail(e, ML_ERANGE, "tensor.select: index %lld out of range for dimension %d of size %lld",
		               (long long)idx + 1, dim + 1, (long long)t->size[dim]);
	t->offset += idx * t->stride[dim];
	for (int d = dim; d < t->ndim - 1; d++) {
		t->size[d] = t->size[d + 1];
		t->stride[d] = t->stride[d + 1];
	}
	t->ndim--;
	return ML_OK;
}

int ml_tensor_transpose(ml_tensor *t, int d1, int d2, ml_error *e)
{
	int rc = check_dim("tensor.transpose", t, d1, e);
	if (!rc)
		rc = check_dim("tensor.transpose", t, d2, e);
	if (rc)
		return rc;
	int64_t s = t->size[d1], st = t->stride[d1];
	t->size[d1] = t->size[d2];
	t->stride[d1] = t->stride[d2];
	t->size[d2] = s;
	t->stride[d2] = st;
	return ML_OK;
}

int ml_tensor_permute(ml_tensor *t, const int *perm, int nperm, ml_error *e)
{
	if (nperm != t->ndim)
		return ml_fail(e, ML_EINVAL, "tensor.permute: %d dimensions given for a %d-dimensional tensor",
		               nperm, t->ndim);
	int seen[ML_MAX_DIMS] = {0};
	int64_t size[ML_MAX_DIMS], stride[ML_MAX_DIMS];
	for (int i = 0; i < nperm; i++) {
		if (perm[i] < 0 || perm[i] >= t->ndim || seen[perm[i]])
			return ml_fail(e, ML_EINVAL, "tensor.permute: not a permutation of 1..%d", t->ndim);
		seen[perm[i]] = 1;
		size[i] = t->size[perm[i]];
		stride[i] = t->stride[perm[i]];
	}
	memcpy(t->size, size, sizeof(int64_t) * (size_t)nperm);
	memcpy(t->stride, stride, sizeof(int64_t) * (size_t)nperm);
	return ML_OK;
}

int ml_tensor_unfold(ml_tensor *t, int dim, int64_t size, int64_t step, ml_error *e)
{
	int rc = check_dim("tensor.unfold", t, dim, e);
	if (rc)
		return rc;
	if (t->ndim >= ML_MAX_DIMS)
		return ml_fail(e, ML_EINVAL, "tensor.unfold: too many dimensions");
	if (size < 0 || size > t->size[dim])
		return ml_fail(e, ML_ERANGE, "tensor.unfold: size %lld larger than dimension %d (%lld)",
		               (long long)size, dim + 1, (long long)t->size[dim]);
	if (step <= 0)
		return ml_fail(e, ML_EINVAL, "tensor.unfold: step must be positive (got %lld)", (long long)step);
	t->size[t->ndim] = size;
	t->stride[t->ndim] = t->stride[dim];
	t->size[dim] = (t->size[dim] - size) / step + 1;
	t->stride[dim] *= step;
	t->ndim++;
	return ML_OK;
}

int ml_tensor_squeeze(ml_tensor *t, int dim, ml_error *e)
{
	if (dim >= 0) {
		int rc = check_dim("tensor.squeeze", t, dim, e);
		if (rc)
			return rc;
		if (t->size[dim] != 1 || t->ndim == 1)
			return ML_OK;
		for (int d = dim; d < t->ndim - 1; d++) {
			t->size[d] = t->size[d + 1];
			t->stride[d] = t->stride[d + 1];
		}
		t->ndim--;
		return ML_OK;
	}
	int nd = 0;
	for (int d = 0; d < t->ndim; d++) {
		if (t->size[d] == 1)
			continue;
		t->size[nd] = t->size[d];
		t->stride[nd] = t->stride[d];
		nd++;
	}
	if (nd == 0 && t->ndim > 0) { /* a single element stays a 1-element vector */
		t->size[0] = 1;
		t->stride[0] = 1;
		nd = 1;
	}
	t->ndim = nd;
	return ML_OK;
}

int ml_tensor_unsqueeze(ml_tensor *t, int dim, ml_error *e)
{
	if (dim < 0 || dim > t->ndim)
		return ml_fail(e, ML_ERANGE, "tensor.unsqueeze: position %d out of range 1..%d", dim + 1,
		               t->ndim + 1);
	if (t->ndim >= ML_MAX_DIMS)
		return ml_fail(e, ML_EINVAL, "tensor.unsqueeze: too many dimensions");
	for (int d = t->ndim; d > dim; d--) {
		t->size[d] = t->size[d - 1];
		t->stride[d] = t->stride[d - 1];
	}
	t->size[dim] = 1;
	t->stride[dim] = dim + 1 < t->ndim + 1 ? t->stride[dim + 1] * t->size[dim + 1] : 1;
	t->ndim++;
	return ML_OK;
}

int ml_tensor_view(ml_tensor *t, int ndim, const int64_t *size_in, ml_error *e)
{
	char a[ML_SHAPELEN], b[ML_SHAPELEN];
	int64_t size[ML_MAX_DIMS], n = 1;
	int infer = -1;
	if (ndim < 1 || ndim > ML_MAX_DIMS)
		return ml_fail(e, ML_EINVAL, "tensor.view: %d dimensions (1..%d allowed)", ndim, ML_MAX_DIMS);
	for (int d = 0; d < ndim; d++) {
		size[d] = size_in[d];
		if (size[d] == -1) {
			if (infer >= 0)
				return ml_fail(e, ML_EINVAL, "tensor.view: only one size may be -1");
			infer = d;
		} else if (size[d] < 0) {
			return ml_fail(e, ML_EINVAL, "tensor.view: negative size %lld", (long long)size[d]);
		} else {
			n *= size[d];
		}
	}
	int64_t total = ml_tensor_numel(t);
	if (infer >= 0) {
		if (n == 0 || total % n != 0)
			return ml_fail(e, ML_ESHAPE, "tensor.view: cannot infer -1 viewing %s as %s",
			               ml_tensor_shape_str(a, sizeof a, t), ml_shape_str(b, sizeof b, ndim, size_in));
		size[infer] = total / n;
		n = total;
	}
	if (n != total)
		return ml_fail(e, ML_ESHAPE, "tensor.view: %s has %lld elements, %s has %lld",
		               ml_tensor_shape_str(a, sizeof a, t), (long long)total,
		               ml_shape_str(b, sizeof b, ndim, size), (long long)n);
	/* Match groups of old dimensions that are contiguous among themselves to
	 * groups of new dimensions with the same product (PyTorch's rule). */
	int64_t stride[ML_MAX_DIMS];
	if (total == 0 || t->ndim == 0) {
		int64_t st = 1;
		for (int d = ndim - 1; d >= 0; d--) {
			stride[d] = st;
			st *= size[d] ? size[d] : 1;
		}
	} else {
		int nd = ndim - 1;
		int64_t chunk_base = t->stride[t->ndim - 1], tensor_numel = 1, view_numel = 1;
		for (int od = t->ndim - 1; od >= 0; od--) {
			tensor_numel *= t->size[od];
			if (od == 0 || (t->size[od - 1] != 1 && t->stride[od - 1] != tensor_numel * chunk_base)) {
				while (nd >= 0 && (view_numel < tensor_numel || size[nd] == 1)) {
					stride[nd] = view_numel * chunk_base;
					view_numel *= size[nd];
					nd--;
				}
				if (view_numel != tensor_numel)
					return ml_fail(e, ML_ESHAPE,
					               "tensor.view: the strides of %s do not allow viewing it as %s "
					               "(call :contiguous() first, or use reshape)",
					               ml_tensor_shape_str(a, sizeof a, t), ml_shape_str(b, sizeof b, ndim, size));
				if (od > 0) {
					chunk_base = t->stride[od - 1];
					tensor_numel = 1;
					view_numel = 1;
				}
			}
		}
		if (nd != -1)
			return ml_fail(e, ML_ESHAPE, "tensor.view: cannot view %s as %s",
			               ml_tensor_shape_str(a, sizeof a, t), ml_shape_str(b, sizeof b, ndim, size));
	}
	t->ndim = ndim;
	memcpy(t->size, size, sizeof(int64_t) * (size_t)ndim);
	memcpy(t->stride, stride, sizeof(int64_t) * (size_t)ndim);
	return ML_OK;
}

int ml_tensor_expand(ml_tensor *t, int ndim, const int64_t *size, ml_error *e)
{
	char a[ML_SHAPELEN], b[ML_SHAPELEN];
	if (ndim < t->ndim || ndim > ML_MAX_DIMS)
		return ml_fail(e, ML_ESHAPE, "tensor.expand: cannot expand %s to %s",
		               ml_tensor_shape_str(a, sizeof a, t), ml_shape_str(b, sizeof b, ndim, size));
	int64_t nsize[ML_MAX_DIMS], nstride[ML_MAX_DIMS];
	int shift = ndim - t->ndim;
	for (int d = ndim - 1; d >= 0; d--) {
		int od = d - shift;
		int64_t want = size[d];
		if (od >= 0) {
			if (want == -1)
				want = t->size[od];
			if (t->size[od] == want) {
				nsize[d] = want;
				nstride[d] = t->stride[od];
			} else if (t->size[od] == 1 && want >= 0) {
				nsize[d] = want;
				nstride[d] = 0;
			} else {
				return ml_fail(e, ML_ESHAPE, "tensor.expand: cannot expand %s to %s",
				               ml_tensor_shape_str(a, sizeof a, t), ml_shape_str(b, sizeof b, ndim, size));
			}
		} else {
			if (want < 0)
				return ml_fail(e, ML_ESHAPE, "tensor.expand: size -1 for a new dimension (%s to %s)",
				               ml_tensor_shape_str(a, sizeof a, t), ml_shape_str(b, sizeof b, ndim, size));
			nsize[d] = want;
			nstride[d] = 0;
		}
	}
	t->ndim = ndim;
	memcpy(t->size, nsize, sizeof(int64_t) * (size_t)ndim);
	memcpy(t->stride, nstride, sizeof(int64_t) * (size_t)ndim);
	return ML_OK;
}

int ml_broadcast_shape(const char *who, int n, const ml_tensor *const *ts, int *ndim,
                       int64_t *size, ml_error *e)
{
	int nd = 0;
	for (int k = 0; k < n; k++)
		if (ts[k]->ndim > nd)
			nd = ts[k]->ndim;
	for (int d = 0; d < nd; d++)
		size[d] = 1;
	for (int k = 0; k < n; k++) {
		const ml_tensor *t = ts[k];
		int shift = nd - t->ndim;
		for (int d = 0; d < t->ndim; d++) {
			int64_t s = t->size[d], *have = &size[d + shift];
			if (s == *have || s == 1)
				continue;
			if (*have == 1) {
				*have = s;
				continue;
			}
			char a[ML_SHAPELEN], b[ML_SHAPELEN];
			const ml_tensor *other = ts[0];
			for (int j = 0; j < k; j++) { /* name the first shape that disagrees */
				int od = d + shift - (nd - ts[j]->ndim);
				if (od >= 0 && ts[j]->size[od] != 1 && ts[j]->size[od] != s) {
					other = ts[j];
					break;
				}
			}
			return ml_fail(e, ML_ESHAPE, "%s: shapes %s and %s cannot be broadcast together", who,
			               ml_tensor_shape_str(a, sizeof a, other), ml_tensor_shape_str(b, sizeof b, t));
		}
	}
	*ndim = nd;
	return ML_OK;
}

/* ---- copy and fill ---- */

typedef struct copy_ctx {
	ml_dtype dst, src; /* element types */
} copy_ctx;

/* Same-dtype copy: memcpy for contiguous runs, element moves otherwise. */
static void copy_same(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	size_t es = ml_dtype_info[((copy_ctx *)ctx)->dst].size;
	char *d = p[0];
	const char *s = p[1];
	if (st[0] == (int64_t)es && st[1] == (int64_t)es) {
		memmove(d, s, (size_t)n * es);
		return;
	}
	for (int64_t i = 0; i < n; i++)
		memcpy(d + i * st[0], s + i * st[1], es);
}

/* Cross-dtype copy.  Integer sources go through int64 (exact for Long), float
 * sources through double with saturation into integer destinations. */
static void copy_convert(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	const copy_ctx *c = ctx;
	char *d = p[0];
	const char *s = p[1];
	if (ml_dtype_info[c->src].is_float || ml_dtype_info[c->dst].is_float) {
		for (int64_t i = 0; i < n; i++)
			ml_store_f64(c->dst, d + i * st[0], ml_load_f64(c->src, s + i * st[1]));
	} else {
		for (int64_t i = 0; i < n; i++)
			ml_store_i64(c->dst, d + i * st[0], ml_load_i64(c->src, s + i * st[1]));
	}
}

/* Float<->Double fast paths, the common numerical conversions. */
static void copy_f32_f64(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	(void)ctx;
	for (int64_t i = 0; i < n; i++)
		*(float *)(p[0] + i * st[0]) = (float)*(const double *)(p[1] + i * st[1]);
}

static void copy_f64_f32(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	(void)ctx;
	for (int64_t i = 0; i < n; i++)
		*(double *)(p[0] + i * st[0]) = (double)*(const float *)(p[1] + i * st[1]);
}

/* Do the element ranges of a and b overlap in memory? (conservative) */
static int may_overlap(const ml_tensor *a, const ml_tensor *b)
{
	if (!a->storage || a->storage != b->storage)
		return 0;
	int64_t alo = a->offset, ahi = a->offset, blo = b->offset, bhi = b->offset;
	for (int d = 0; d < a->ndim; d++)
		ahi += (a->size[d] - 1) * a->stride[d];
	for (int d = 0; d < b->ndim; d++)
		bhi += (b->size[d] - 1) * b->stride[d];
	return !(ahi < blo || bhi < alo);
}

int ml_tensor_copy(ml_tensor *dst, const ml_tensor *src, ml_error *e)
{
	int64_t nd = ml_tensor_numel(dst), ns = ml_tensor_numel(src);
	ml_tensor s = *src; /* a borrowed view: no reference taken, never released */
	if (!ml_tensor_same_size(dst, src)) {
		if (nd == ns) {
			/* Torch7: same number of elements, any shapes; walk src in dst's shape */
			ml_tensor c = *src;
			if (!ml_tensor_is_contiguous(src) || ns == 0) {
				if (ns == 0)
					return ML_OK;
				ml_tensor tmp;
				int rc = ml_tensor_clone_as(&tmp, src, src->dtype, e);
				if (rc)
					return rc;
				ml_tensor_view(&tmp, dst->ndim, dst->size, NULL);
				rc = ml_tensor_copy(dst, &tmp, e);
				ml_tensor_release(&tmp);
				return rc;
			}
			ml_tensor_view(&c, dst->ndim, dst->size, NULL);
			s = c;
		} else {
			int rc = ml_tensor_expand(&s, dst->ndim, dst->size, NULL);
			if (rc) {
				char a[ML_SHAPELEN], b[ML_SHAPELEN];
				return ml_fail(e, ML_ESHAPE, "tensor.copy: cannot copy %s (%lld elements) into %s (%lld elements)",
				               ml_tensor_shape_str(a, sizeof a, src), (long long)ns,
				               ml_tensor_shape_str(b, sizeof b, dst), (long long)nd);
			}
		}
	}
	if (nd == 0)
		return ML_OK;
	if (may_overlap(dst, &s) && !(dst->offset == s.offset && dst->dtype == s.dtype &&
	                              memcmp(dst->stride, s.stride, sizeof(int64_t) * (size_t)dst->ndim) == 0)) {
		ml_tensor tmp;
		int rc = ml_tensor_clone_as(&tmp, &s, s.dtype, e);
		if (rc)
			return rc;
		rc = ml_tensor_copy(dst, &tmp, e);
		ml_tensor_release(&tmp);
		return rc;
	}
	copy_ctx c = {dst->dtype, s.dtype};
	ml_tensor *ops[2] = {dst, &s};
	ml_inner_fn fn = copy_convert;
	if (dst->dtype == s.dtype)
		fn = copy_same;
	else if (dst->dtype == ML_FLOAT && s.dtype == ML_DOUBLE)
		fn = copy_f32_f64;
	else if (dst->dtype == ML_DOUBLE && s.dtype == ML_FLOAT)
		fn = copy_f64_f32;
	return ml_apply(2, ops, ML_GRAIN_CHEAP, fn, &c, e);
}

typedef struct fill_ctx {
	unsigned char bytes[8]; /* the value, already in the tensor's dtype */
	size_t es;              /* its size */
} fill_ctx;

static void fill_run(int64_t n, char *const *p, const int64_t *st, void *ctx)
{
	const fill_ctx *c = ctx;
	char *d = p[0];
	if (c->es == 8 && st[0] == 8) {
		uint64_t v;
		memcpy(&v, c->bytes, 8);
		uint64_t *q = (uint64_t *)(void *)d;
		for (int64_t i = 0; i < n; i++)
			q[i] = v;
		return;
	}
	if (c->es == 4 && st[0] == 4) {
		uint32_t v;
		memcpy(&v, c->bytes, 4);
		uint32_t *q = (uint32_t *)(void *)d;
		for (int64_t i = 0; i < n; i++)
			q[i] = v;
		return;
	}
	if (c->es == 2 && st[0] == 2) {
		uint16_t v;
		memcpy(&v, c->bytes, 2);
		uint16_t *q = (uint16_t *)(void *)d;
		for (int64_t i = 0; i < n; i++)
			q[i] = v;
		return;
	}
	if (c->es == 1 && st[0] == 1) {
		memset(d, c->bytes[0], (size_t)n);
		return;
	}
	for (int64_t i = 0; i < n; i++)
		memcpy(d + i * st[0], c->bytes, c->es);
}

static void fill_with(ml_tensor *t, fill_ctx *c)
{
	ml_tensor *ops[1] = {t};
	c->es = ml_dtype_info[t->dtype].size;
	ml_apply(1, ops, ML_GRAIN_CHEAP, fill_run, c, NULL);
}

void ml_tensor_fill(ml_tensor *t, double v)
{
	fill_ctx c;
	ml_store_f64(t->dtype, c.bytes, v);
	fill_with(t, &c);
}

void ml_tensor_fill_i64(ml_tensor *t, int64_t v)
{
	fill_ctx c;
	ml_store_i64(t->dtype, c.bytes, v);
	fill_with(t, &c);
}

int ml_tensor_clone_as(ml_tensor *dst, const ml_tensor *src, ml_dtype dt, ml_error *e)
{
	if (src->ndim == 0)
		return ml_tensor_init_sized(dst, dt, 0, src->size, e);
	/* resize leaves large storages unzeroed: the copy writes every element,
	 * and clearing 8 MB first would cost as much as the copy itself */
	ml_tensor_init(dst, dt);
	int rc = ml_tensor_resize(dst, src->ndim, src->size, e);
	if (rc == ML_OK)
		rc = ml_tensor_copy(dst, src, e);
	if (rc)
		ml_tensor_release(dst);
	return rc;
}
