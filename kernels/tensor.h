/*
 * tensor.h - storages (refcounted buffers) and tensors (strided views of them).
 *
 * A storage owns one buffer of `size` elements of one dtype.  A tensor is a
 * view: a storage, an offset, and up to ML_MAX_DIMS sizes and strides counted in
 * elements.  Tensors are plain structs meant to be embedded (the Lua binding
 * keeps one inline in each userdata); each holds one reference on its storage.
 *
 * Indices in this API are 0-based; the 1-based Torch7 convention lives in the
 * binding.  This file does no arithmetic on elements beyond copy and fill: the
 * maths live in math.c, reduce.c, blas.c, random.c.
 *
 * Errors: functions that can fail return ML_OK (0) or a negative ML_E* code and
 * write "module.function: what went wrong (context)" into an ml_error.  Nothing
 * here exits, aborts or longjmps.
 */
#ifndef ML_TENSOR_H
#define ML_TENSOR_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

#include "dtype.h"

#define ML_MAX_DIMS 16       /* most dimensions a tensor may have */
#define ML_ERRLEN 320        /* room for one error message */
#define ML_SHAPELEN 200      /* room for one shape string, "3x4x5" */

enum {
	ML_OK = 0,
	ML_EINVAL = -1,      /* bad argument: value out of range, bad option */
	ML_ENOMEM = -2,      /* an allocation failed */
	ML_ESHAPE = -3,      /* shapes do not agree */
	ML_ETYPE = -4,       /* dtype not accepted by this operation */
	ML_ERANGE = -5,      /* index out of range */
	ML_ENUM = -6,        /* numerical failure (singular matrix, ...) */
	ML_EINTR = -7        /* stopped early: the host raised its interrupt flag (interrupt.h) */
};

typedef struct ml_error {
	char msg[ML_ERRLEN]; /* "module.function: what went wrong (context)" */
} ml_error;

/* Formats msg into e (when e is not NULL) and returns code. */
int ml_fail(ml_error *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

typedef struct ml_storage {
	int64_t refcount;    /* owners: tensors and Lua storage objects */
	void *data;          /* the elements; NULL when size is 0 */
	int64_t size;        /* number of elements */
	ml_dtype dtype;      /* element type */
	int owns_data;       /* ML_DATA_OWNED: freed with the storage; ML_DATA_INLINE: lives
	                        in the storage's own block; 0: borrowed, never freed */
	struct ml_storage *parent; /* for a view of another storage's elements: that
	                              storage, kept alive by one reference; else NULL */
} ml_storage;

#define ML_DATA_OWNED 1
#define ML_DATA_INLINE 2
#define ML_INLINE_BYTES 96   /* storages up to this size keep their elements inline (with
                                the 32-byte header, a block malloc serves from its fast bins) */

typedef struct ml_tensor {
	ml_storage *storage;          /* NULL for an empty tensor without storage */
	int64_t offset;               /* first element, in elements from storage->data */
	int ndim;                     /* 0 for an empty tensor (Torch7 has no 0-d tensors) */
	ml_dtype dtype;               /* element type, equal to storage->dtype */
	int64_t size[ML_MAX_DIMS];    /* extent of each dimension */
	int64_t stride[ML_MAX_DIMS];  /* step of each dimension, in elements; 0 for expanded dims */
} ml_tensor;

/* A number passed to or returned by a kernel: integers are kept exactly
 * (LongTensor needs all 64 bits), other values as a double.  Converted to a
 * dtype as C casts do (floats saturate into integer types). */
typedef struct ml_scalar {
	double f;    /* the value (always set) */
	int64_t i;   /* the exact value when is_int */
	int is_int;  /* 1: an integer, use i */
} ml_scalar;

static inline ml_scalar ml_scalar_f64(double v)
{
	ml_scalar s = {v, 0, 0};
	return s;
}

static inline ml_scalar ml_scalar_i64(int64_t v)
{
	ml_scalar s = {(double)v, v, 1};
	return s;
}

/* ---- storages ---- */

/* New zero-filled storage of n elements with refcount 1, or NULL with
 * "cannot allocate N bytes" in e. */
ml_storage *ml_storage_new(ml_dtype dt, int64_t n, ml_error *e);
/* A storage of n elements viewing parent's elements from 0-based offset on
 * (Torch7's torch.LongStorage(s, offset [, size])); it holds a reference on
 * parent and cannot be resized.  NULL with an error when out of range. */
ml_storage *ml_storage_new_view(ml_storage *parent, int64_t offset, int64_t n, ml_error *e);
void ml_storage_retain(ml_storage *s);
/* Drops one reference; frees the storage when none remain.  NULL is a no-op. */
void ml_storage_release(ml_storage *s);
/* Grows or shrinks s to n elements keeping the common prefix; new elements are 0. */
int ml_storage_resize(ml_storage *s, int64_t n, ml_error *e);
/* Address of element i (no bounds check). */
static inline void *ml_storage_at(const ml_storage *s, int64_t i)
{
	return (char *)s->data + (size_t)i * ml_dtype_info[s->dtype].size;
}

/* ---- life cycle ---- */

/* An empty tensor of dtype dt (ndim 0, no storage). */
void ml_tensor_init(ml_tensor *t, ml_dtype dt);
/* Fresh contiguous zero-filled tensor of the given shape. t is overwritten (not released). */
int ml_tensor_init_sized(ml_tensor *t, ml_dtype dt, int ndim, const int64_t *size, ml_error *e);
/* Releases t's storage reference and leaves t empty.  Idempotent. */
void ml_tensor_release(ml_tensor *t);
/* dst becomes a view of src (same storage, shape, strides); dst's previous
 * storage is released.  dst may equal src. */
void ml_tensor_set(ml_tensor *dst, const ml_tensor *src);
/* dst views storage s at offset with the given sizes and strides (strides may be
 * NULL for contiguous).  Fails when the view reaches outside s. */
int ml_tensor_set_storage(ml_tensor *dst, ml_storage *s, int64_t offset, int ndim,
                          const int64_t *size, const int64_t *stride, ml_error *e);

/* ---- queries ---- */

/* These four are inline: the operators on small tensors call them several times per op. */

static inline int64_t ml_tensor_numel(const ml_tensor *t)
{
	if (t->ndim == 0)
		return 0;
	int64_t n = 1;
	for (int d = 0; d < t->ndim; d++)
		n *= t->size[d];
	return n;
}

static inline int ml_tensor_is_contiguous(const ml_tensor *t)
{
	int64_t st = 1;
	for (int d = t->ndim - 1; d >= 0; d--) {
		if (t->size[d] != 1 && t->stride[d] != st)
			return 0;
		st *= t->size[d];
	}
	return 1;
}

static inline int ml_tensor_same_size(const ml_tensor *a, const ml_tensor *b)
{
	if (a->ndim != b->ndim)
		return 0;
	for (int d = 0; d < a->ndim; d++)
		if (a->size[d] != b->size[d])
			return 0;
	return 1;
}

/* Address of the first element (storage data + offset); NULL when t has no storage. */
static inline void *ml_tensor_data(const ml_tensor *t)
{
	if (!t->storage || !t->storage->data)
		return NULL;
	return ml_storage_at(t->storage, t->offset);
}

/* Address of the element at 0-based multi-index idx (no bounds check). */
void *ml_tensor_ptr(const ml_tensor *t, const int64_t *idx);
/* Writes "3x4x5" ("empty" for ndim 0) into buf and returns buf. */
char *ml_shape_str(char *buf, size_t n, int ndim, const int64_t *size);
/* Same for a tensor's shape. */
char *ml_tensor_shape_str(char *buf, size_t n, const ml_tensor *t);

/* ---- element access through double / int64 (any dtype) ---- */

double ml_load_f64(ml_dtype dt, const void *p);
int64_t ml_load_i64(ml_dtype dt, const void *p);
/* Stores v converted to dt: floats round, integers wrap as C casts do, with NaN
 * and out-of-range values saturated instead of undefined. */
void ml_store_f64(ml_dtype dt, void *p, double v);
void ml_store_i64(ml_dtype dt, void *p, int64_t v);

/* ---- shape changes ---- */

/* Gives t the shape `size` with contiguous strides, keeping its storage when it
 * is large enough (Torch7's resize): element values are then unspecified (a new
 * storage of 1 MiB or more is not zeroed; smaller ones are).  Test builds with
 * -DML_POISON_UNINIT fill unzeroed storages with 0xA5 bytes to expose kernels
 * that read results before writing them. */
int ml_tensor_resize(ml_tensor *t, int ndim, const int64_t *size, ml_error *e);
int ml_tensor_resize_as(ml_tensor *t, const ml_tensor *like, ml_error *e);

/* ---- views (all in place on t, all 0-based; they never copy elements) ---- */

int ml_tensor_narrow(ml_tensor *t, int dim, int64_t start, int64_t len, ml_error *e);
/* Removes dimension dim, keeping index idx.  Needs ndim >= 2 (a vector selects to a number). */
int ml_tensor_select(ml_tensor *t, int dim, int64_t idx, ml_error *e);
int ml_tensor_transpose(ml_tensor *t, int d1, int d2, ml_error *e);
/* perm[i] is the source dimension of new dimension i; a permutation of 0..ndim-1. */
int ml_tensor_permute(ml_tensor *t, const int *perm, int nperm, ml_error *e);
/* New last dimension of size `size`, stepping `step` along dim. */
int ml_tensor_unfold(ml_tensor *t, int dim, int64_t size, int64_t step, ml_error *e);
/* Removes all size-1 dimensions (dim < 0) or only dim if its size is 1. */
int ml_tensor_squeeze(ml_tensor *t, int dim, ml_error *e);
/* Inserts a size-1 dimension before position dim (0..ndim). */
int ml_tensor_unsqueeze(ml_tensor *t, int dim, ml_error *e);
/* Reinterprets t with a new shape of the same number of elements without copying.
 * One size may be -1 (inferred).  Fails when the strides do not allow it. */
int ml_tensor_view(ml_tensor *t, int ndim, const int64_t *size, ml_error *e);
/* Broadcasts t to `size` (numpy rules, right-aligned): size-1 or missing
 * dimensions get stride 0. */
int ml_tensor_expand(ml_tensor *t, int ndim, const int64_t *size, ml_error *e);

/* Shape that n tensors broadcast to (numpy rules), or ML_ESHAPE naming both
 * offending shapes, prefixed by `who` ("torch.add"). */
int ml_broadcast_shape(const char *who, int n, const ml_tensor *const *ts, int *ndim,
                       int64_t *size, ml_error *e);

/* ---- copy and fill (any dtypes, any strides) ---- */

/* Copies src into dst with dtype conversion.  Shapes must have the same number
 * of elements (Torch7) or src must broadcast to dst's shape (numpy). */
int ml_tensor_copy(ml_tensor *dst, const ml_tensor *src, ml_error *e);
void ml_tensor_fill(ml_tensor *t, double v);
void ml_tensor_fill_i64(ml_tensor *t, int64_t v);
/* dst becomes a fresh contiguous copy of src converted to dtype dt. */
int ml_tensor_clone_as(ml_tensor *dst, const ml_tensor *src, ml_dtype dt, ml_error *e);

#endif
