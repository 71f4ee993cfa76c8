/*
 * columns.c - k tensors written side by side as binary float64 records (see
 * columns.h).  Each tensor is walked in logical order with its own strides,
 * converted through ml_load_f64 (a contiguous Double tensor is copied
 * directly), and the rows are written in blocks of 64 KiB.
 *
 * Not here: parallel writes (the disk, not the conversion, is the limit).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"

#define COLUMNS_MAX 64
#define BLOCK_VALUES 8192 /* values converted per write (64 KiB) */

/* A position in one tensor, advanced in logical row-major order. */
typedef struct walk {
	const char *p;                /* current element */
	int ndim;                     /* dimensions walked */
	int64_t idx[ML_MAX_DIMS];     /* current multi-index */
	int64_t size[ML_MAX_DIMS];    /* extents */
	int64_t bstride[ML_MAX_DIMS]; /* steps in bytes */
	ml_dtype dtype;               /* element type */
	int flat_f64;                 /* 1: contiguous Double, read as an array */
} walk;

static void walk_init(walk *w, const ml_tensor *t)
{
	size_t es = ml_dtype_info[t->dtype].size;
	w->p = ml_tensor_data(t);
	w->ndim = t->ndim;
	w->dtype = t->dtype;
	for (int d = 0; d < t->ndim; d++) {
		w->idx[d] = 0;
		w->size[d] = t->size[d];
		w->bstride[d] = t->stride[d] * (int64_t)es;
	}
	w->flat_f64 = t->dtype == ML_DOUBLE && ml_tensor_is_contiguous(t);
}

/* The current element as a double, then one step forward. */
static double walk_next(walk *w)
{
	double v = ml_load_f64(w->dtype, w->p);
	for (int d = w->ndim - 1; d >= 0; d--) {
		w->p += w->bstride[d];
		if (++w->idx[d] < w->size[d])
			return v;
		w->p -= w->bstride[d] * w->size[d];
		w->idx[d] = 0;
	}
	return v;
}

int ml_columns_save(const char *path, int k, const ml_tensor *const *cols, int64_t *rows,
                    ml_error *e)
{
	if (k < 1 || k > COLUMNS_MAX)
		return ml_fail(e, ML_EINVAL, "columns.save: need 1 to %d tensors, got %d", COLUMNS_MAX, k);
	int64_t n = ml_tensor_numel(cols[0]);
	for (int c = 1; c < k; c++) {
		int64_t m = ml_tensor_numel(cols[c]);
		if (m != n)
			return ml_fail(e, ML_ESHAPE,
			               "columns.save: tensor %d has %lld elements, tensor 1 has %lld", c + 1,
			               (long long)m, (long long)n);
	}
	FILE *f = fopen(path, "wbe");
	if (!f)
		return ml_fail(e, ML_EINVAL, "columns.save: cannot write %s: %s", path, strerror(errno));
	walk w[COLUMNS_MAX];
	for (int c = 0; c < k; c++)
		walk_init(&w[c], cols[c]);
	double buf[BLOCK_VALUES];
	size_t per = BLOCK_VALUES / (size_t)k; /* rows per block */
	int ok = 1;
	for (int64_t r0 = 0; r0 < n && ok; r0 += (int64_t)per) {
		size_t m = (size_t)(n - r0 < (int64_t)per ? n - r0 : (int64_t)per);
		for (int c = 0; c < k; c++) {
			double *restrict out = buf + c;
			if (w[c].flat_f64) {
				const double *src = (const double *)w[c].p + r0;
				for (size_t i = 0; i < m; i++)
					out[i * (size_t)k] = src[i];
			} else {
				for (size_t i = 0; i < m; i++)
					out[i * (size_t)k] = walk_next(&w[c]);
			}
		}
		ok = fwrite(buf, sizeof(double) * (size_t)k, m, f) == m;
	}
	int err = errno;
	if (fclose(f) != 0 && ok) {
		ok = 0;
		err = errno;
	}
	if (!ok)
		return ml_fail(e, ML_EINVAL, "columns.save: cannot write %s: %s", path, strerror(err));
	*rows = n;
	return ML_OK;
}
