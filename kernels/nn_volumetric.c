/*
 * nn_volumetric.c - loops of moonlab.nn's volumetric layers: vol2col /
 * col2vol, 3-D max pooling (scatter, gather), 3-D average pooling,
 * fractional max pooling and replication padding.  See nn_volumetric.h for
 * the contracts.
 *
 * As in nn.c, Float and Double share one body per loop: the bodies take
 * `f32` (1 for Float) and access elements through two small accessors, so a
 * constant argument lets the compiler specialise.  Threads split the work
 * by plane (n, c) or, for vol2col, by cols row, so no two threads write the
 * same element.  Not here: GEMM (blas.h), 2-D windows (nn.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_common.h"
#include "nn_volumetric.h"

#define GRAIN_VOL 262144 /* work (elements x window) per thread below which a call stays serial */

/* A larger value, or the first NaN, replaces the running maximum. */
#define MAX_TAKE(v, best) (((v) > (best)) | (((v) != (v)) & ((best) == (best))))

static inline int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* x must be a contiguous Float/Double tensor of ndim dimensions. */
static int check_vol(const char *who, const ml_tensor *x, int ndim, ml_error *e)
{
	if (check_float(who, x, e))
		return ML_ETYPE;
	if (x->ndim != ndim || !ml_tensor_is_contiguous(x)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: expected a contiguous %dD tensor (got %s)", who, ndim,
		               ml_tensor_shape_str(b, sizeof b, x));
	}
	return ML_OK;
}

static int check_long(const char *who, const ml_tensor *idx, ml_error *e)
{
	if (idx->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "%s: indices must be a LongTensor (got %s)", who,
		               ml_dtype_info[idx->dtype].name);
	return ML_OK;
}

int ml_volumetric_out_size(const ml_vol_window *w, const int64_t in[3], int64_t out[3], const char *who,
                           ml_error *e)
{
	for (int a = 0; a < 3; a++)
		if (w->k[a] < 1 || w->d[a] < 1 || w->p[a] < 0 || w->dil[a] < 1)
			return ml_fail(e, ML_EINVAL,
			               "%s: bad window (kernel %lldx%lldx%lld, stride %lldx%lldx%lld, pad %lldx%lldx%lld, "
			               "dilation %lldx%lldx%lld)",
			               who, (long long)w->k[0], (long long)w->k[1], (long long)w->k[2], (long long)w->d[0],
			               (long long)w->d[1], (long long)w->d[2], (long long)w->p[0], (long long)w->p[1],
			               (long long)w->p[2], (long long)w->dil[0], (long long)w->dil[1], (long long)w->dil[2]);
	for (int a = 0; a < 3; a++) {
		int64_t span = in[a] + 2 * w->p[a] - w->dil[a] * (w->k[a] - 1) - 1;
		if (span < 0)
			return ml_fail(e, ML_ESHAPE,
			               "%s: input %lldx%lldx%lld (padded %lldx%lldx%lld) is smaller than the kernel "
			               "%lldx%lldx%lld (dilated %lldx%lldx%lld)",
			               who, (long long)in[0], (long long)in[1], (long long)in[2],
			               (long long)(in[0] + 2 * w->p[0]), (long long)(in[1] + 2 * w->p[1]),
			               (long long)(in[2] + 2 * w->p[2]), (long long)w->k[0], (long long)w->k[1],
			               (long long)w->k[2], (long long)(w->dil[0] * (w->k[0] - 1) + 1),
			               (long long)(w->dil[1] * (w->k[1] - 1) + 1), (long long)(w->dil[2] * (w->k[2] - 1) + 1));
		if (w->ceil_mode) {
			out[a] = (span + w->d[a] - 1) / w->d[a] + 1;
			/* a last window must start inside the input or the left padding */
			if ((out[a] - 1) * w->d[a] >= in[a] + w->p[a])
				--out[a];
		} else {
			out[a] = span / w->d[a] + 1;
		}
	}
	return ML_OK;
}

typedef struct vgeom {
	int64_t N, C;   /* batch and planes */
	int64_t in[3];  /* input T, H, W */
	int64_t out[3]; /* output T, H, W */
} vgeom;

static void geom_from(vgeom *g, const ml_tensor *x)
{
	g->N = x->size[0];
	g->C = x->size[1];
	for (int a = 0; a < 3; a++)
		g->in[a] = x->size[a + 2];
}

/* The outputs o in [0, n) whose input position o*d - p + off lies in
 * [0, size): [*lo, *hi). */
static void valid_range(int64_t n, int64_t size, int64_t d, int64_t p, int64_t off, int64_t *lo, int64_t *hi)
{
	int64_t first = p - off; /* o*d >= first */
	int64_t a = first <= 0 ? 0 : (first + d - 1) / d;
	int64_t last = size - 1 + p - off; /* o*d <= last */
	int64_t b = last < 0 ? 0 : last / d + 1;
	*lo = a < n ? a : n;
	*hi = b < n ? b : n;
	if (*hi < *lo)
		*hi = *lo;
}

/* ---- vol2col / col2vol ---- */

/* cols row r = (c, i, j, l), all N*oT*oH*oW columns. */
static void vol2col_row(int f32, char *cols, const char *x, const vgeom *g, const ml_vol_window *w, int64_t r)
{
	int64_t kk = w->k[0] * w->k[1] * w->k[2];
	int64_t c = r / kk, rem = r % kk;
	int64_t i = rem / (w->k[1] * w->k[2]), j = (rem / w->k[2]) % w->k[1], l = rem % w->k[2];
	int64_t oT = g->out[0], oH = g->out[1], oW = g->out[2];
	int64_t T = g->in[0], H = g->in[1], W = g->in[2];
	int64_t L = oT * oH * oW, ncol = g->N * L;
	size_t es = f32 ? 4 : 8;
	int64_t lo, hi, off = l * w->dil[2], dw = w->d[2];
	valid_range(oW, W, dw, w->p[2], off, &lo, &hi);
	char *row = cols + (size_t)(r * ncol) * es;
	for (int64_t n = 0; n < g->N; n++) {
		const char *plane = x + (size_t)((n * g->C + c) * T * H * W) * es;
		for (int64_t ot = 0; ot < oT; ot++) {
			int64_t t = ot * w->d[0] - w->p[0] + i * w->dil[0];
			char *slab = row + (size_t)(n * L + ot * oH * oW) * es;
			if (t < 0 || t >= T) {
				memset(slab, 0, (size_t)(oH * oW) * es);
				continue;
			}
			for (int64_t oh = 0; oh < oH; oh++) {
				int64_t y = oh * w->d[1] - w->p[1] + j * w->dil[1];
				char *o = slab + (size_t)(oh * oW) * es;
				/* only the padding is zeroed: every other entry is written once */
				if (y < 0 || y >= H) {
					memset(o, 0, (size_t)oW * es);
					continue;
				}
				if (lo > 0)
					memset(o, 0, (size_t)lo * es);
				if (hi < oW)
					memset(o + (size_t)hi * es, 0, (size_t)(oW - hi) * es);
				const char *src = plane + (size_t)((t * H + y) * W - w->p[2] + off) * es;
				if (f32 && dw == 1) {
					float *restrict d = (float *)(void *)o;
					const float *restrict sp = (const float *)(const void *)src;
					for (int64_t ox = lo; ox < hi; ox++)
						d[ox] = sp[ox];
				} else if (f32) {
					float *restrict d = (float *)(void *)o;
					const float *restrict sp = (const float *)(const void *)src;
					for (int64_t ox = lo; ox < hi; ox++)
						d[ox] = sp[ox * dw];
				} else if (dw == 1) {
					double *restrict d = (double *)(void *)o;
					const double *restrict sp = (const double *)(const void *)src;
					for (int64_t ox = lo; ox < hi; ox++)
						d[ox] = sp[ox];
				} else {
					double *restrict d = (double *)(void *)o;
					const double *restrict sp = (const double *)(const void *)src;
					for (int64_t ox = lo; ox < hi; ox++)
						d[ox] = sp[ox * dw];
				}
			}
		}
	}
}

/* Checks the volume x and the columns' dtype; g gets the geometry of w over
 * x, and (rows, ncol) the columns' shape: (C kT kH kW, N oT oH oW). */
static int cols_shape(const char *who, const ml_tensor *x, const ml_tensor *cols, const ml_vol_window *w,
                      vgeom *g, int64_t *rows, int64_t *ncol, ml_error *e)
{
	int rc;
	if ((rc = check_vol(who, x, 5, e)) || (rc = same_dtype(who, cols, x, e)))
		return rc;
	geom_from(g, x);
	if ((rc = ml_volumetric_out_size(w, g->in, g->out, who, e)))
		return rc;
	*rows = g->C * w->k[0] * w->k[1] * w->k[2];
	*ncol = g->N * g->out[0] * g->out[1] * g->out[2];
	return ML_OK;
}

int ml_volumetric_vol2col(ml_tensor *cols, const ml_tensor *x, const ml_vol_window *w, const char *who,
                          ml_error *e)
{
	vgeom g;
	int64_t rows, ncol;
	int rc = cols_shape(who, x, cols, w, &g, &rows, &ncol, e);
	if (rc)
		return rc;
	int64_t size[2] = {rows, ncol};
	if ((rc = ml_tensor_resize(cols, 2, size, e)))
		return rc;
	if (rows * ncol == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *cp = ml_tensor_data(cols);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(rows * ncol, GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t r = 0; r < rows; r++)
		vol2col_row(f32, cp, xp, &g, w, r);
	return ML_OK;
}

/* Plane p = (n, c) of x receives every cols entry taken from it. */
static void col2vol_plane(int f32, char *x, const char *cols, const vgeom *g, const ml_vol_window *w, int64_t p)
{
	int64_t n = p / g->C, c = p % g->C;
	int64_t oT = g->out[0], oH = g->out[1], oW = g->out[2];
	int64_t T = g->in[0], H = g->in[1], W = g->in[2];
	int64_t L = oT * oH * oW, ncol = g->N * L, dw = w->d[2];
	size_t es = f32 ? 4 : 8;
	char *plane = x + (size_t)(p * T * H * W) * es;
	memset(plane, 0, (size_t)(T * H * W) * es);
	for (int64_t i = 0; i < w->k[0]; i++)
		for (int64_t j = 0; j < w->k[1]; j++)
			for (int64_t l = 0; l < w->k[2]; l++) {
				int64_t r = ((c * w->k[0] + i) * w->k[1] + j) * w->k[2] + l;
				int64_t lo, hi, off = l * w->dil[2];
				valid_range(oW, W, dw, w->p[2], off, &lo, &hi);
				const char *row = cols + (size_t)(r * ncol + n * L) * es;
				for (int64_t ot = 0; ot < oT; ot++) {
					int64_t t = ot * w->d[0] - w->p[0] + i * w->dil[0];
					if (t < 0 || t >= T)
						continue;
					for (int64_t oh = 0; oh < oH; oh++) {
						int64_t y = oh * w->d[1] - w->p[1] + j * w->dil[1];
						if (y < 0 || y >= H)
							continue;
						const char *src = row + (size_t)((ot * oH + oh) * oW) * es;
						char *dst = plane + (size_t)((t * H + y) * W - w->p[2] + off) * es;
						if (f32) {
							float *restrict d = (float *)(void *)dst;
							const float *restrict sp = (const float *)(const void *)src;
							for (int64_t ox = lo; ox < hi; ox++)
								d[ox * dw] += sp[ox];
						} else {
							double *restrict d = (double *)(void *)dst;
							const double *restrict sp = (const double *)(const void *)src;
							for (int64_t ox = lo; ox < hi; ox++)
								d[ox * dw] += sp[ox];
						}
					}
				}
			}
}

int ml_volumetric_col2vol(ml_tensor *x, const ml_tensor *cols, const ml_vol_window *w, const char *who,
                          ml_error *e)
{
	vgeom g;
	int64_t rows, ncol;
	int rc = cols_shape(who, x, cols, w, &g, &rows, &ncol, e);
	if (rc)
		return rc;
	if (cols->ndim != 2 || cols->size[0] != rows || cols->size[1] != ncol || !ml_tensor_is_contiguous(cols)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: columns must be a contiguous %lldx%lld tensor (got %s)", who,
		               (long long)rows, (long long)ncol, ml_tensor_shape_str(b, sizeof b, cols));
	}
	int64_t planes = g.N * g.C;
	if (ml_tensor_numel(x) == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *xp = ml_tensor_data(x);
	const char *cp = ml_tensor_data(cols);
	int nt = ml_threads_for(rows * ncol, GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++)
		col2vol_plane(f32, xp, cp, &g, w, p);
	return ML_OK;
}

/* ---- max pooling, scatter, gather ---- */

/* Checks x (and y's dtype), computes the geometry and resizes y (and idx)
 * to (N, C, oT, oH, oW). */
static int pool_setup(const char *who, ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_vol_window *w,
                      vgeom *g, ml_error *e)
{
	int rc;
	if ((rc = check_vol(who, x, 5, e)) || (rc = same_dtype(who, y, x, e)))
		return rc;
	geom_from(g, x);
	if ((rc = ml_volumetric_out_size(w, g->in, g->out, who, e)))
		return rc;
	if (2 * w->p[0] > w->k[0] || 2 * w->p[1] > w->k[1] || 2 * w->p[2] > w->k[2])
		return ml_fail(e, ML_EINVAL, "%s: padding (%lldx%lldx%lld) must be at most half the kernel (%lldx%lldx%lld)",
		               who, (long long)w->p[0], (long long)w->p[1], (long long)w->p[2], (long long)w->k[0],
		               (long long)w->k[1], (long long)w->k[2]);
	int64_t size[5] = {g->N, g->C, g->out[0], g->out[1], g->out[2]};
	if ((rc = ml_tensor_resize(y, 5, size, e)))
		return rc;
	if (idx && ((rc = check_long(who, idx, e)) || (rc = ml_tensor_resize(idx, 5, size, e))))
		return rc;
	return ML_OK;
}

static void maxpool_plane(int f32, char *y, int64_t *idx, const char *x, const vgeom *g, const ml_vol_window *w,
                          int64_t p)
{
	int64_t T = g->in[0], H = g->in[1], W = g->in[2];
	int64_t oT = g->out[0], oH = g->out[1], oW = g->out[2];
	size_t es = f32 ? 4 : 8;
	const char *xp = x + (size_t)(p * T * H * W) * es;
	int64_t ob = p * oT * oH * oW;
	for (int64_t ot = 0; ot < oT; ot++)
		for (int64_t oh = 0; oh < oH; oh++)
			for (int64_t ow = 0; ow < oW; ow++) {
				double best = -INFINITY;
				int64_t at = -1;
				for (int64_t i = 0; i < w->k[0]; i++) {
					int64_t t = ot * w->d[0] - w->p[0] + i * w->dil[0];
					if (t < 0 || t >= T)
						continue;
					for (int64_t j = 0; j < w->k[1]; j++) {
						int64_t yy = oh * w->d[1] - w->p[1] + j * w->dil[1];
						if (yy < 0 || yy >= H)
							continue;
						for (int64_t l = 0; l < w->k[2]; l++) {
							int64_t xx = ow * w->d[2] - w->p[2] + l * w->dil[2];
							if (xx < 0 || xx >= W)
								continue;
							int64_t pos = (t * H + yy) * W + xx;
							double v = ld(f32, xp, pos);
							if (at < 0 || MAX_TAKE(v, best)) {
								best = v;
								at = pos;
							}
						}
					}
				}
				int64_t o = ob + (ot * oH + oh) * oW + ow;
				st(f32, y, o, best);
				idx[o] = at + 1;
			}
}

/* maxpool_plane when every window lies wholly inside the input (no padding
 * reached, no ceil-mode overhang: Torch7's defaults): no bounds checks, typed
 * loads, and the window as one list of offsets (off, n of them) instead of
 * three nested loops, which left GCC short of registers.  The scan compares
 * with a plain >, and a window whose sum is NaN (it holds a NaN, or infs of
 * both signs) is scanned again with the full rule: the same choice of
 * element (the first maximum; NaN wins) and the same results. */
#define MAXPOOL_INSIDE(name, T)                                                                     \
	static void name(T *restrict y, int64_t *restrict idx, const T *restrict x, const vgeom *g,    \
	                 const ml_vol_window *w, const int64_t *off, int n, int64_t p)                 \
	{                                                                                               \
		int64_t H = g->in[1], W = g->in[2], oT = g->out[0], oH = g->out[1], oW = g->out[2];         \
		const T *xp = x + p * g->in[0] * H * W;                                                     \
		T *yp = y + p * oT * oH * oW;                                                               \
		int64_t *ip = idx + p * oT * oH * oW;                                                       \
		for (int64_t ot = 0; ot < oT; ot++)                                                         \
			for (int64_t oh = 0; oh < oH; oh++) {                                                   \
				int64_t row = (ot * w->d[0] * H + oh * w->d[1]) * W;                                \
				for (int64_t ow = 0; ow < oW; ow++) {                                               \
					const T *win = xp + row + ow * w->d[2];                                         \
					T best = win[0], sum = win[0];                                                  \
					int64_t at = 0;                                                                 \
					for (int k = 1; k < n; k++) {                                                   \
						T v = win[off[k]];                                                          \
						sum += v;                                                                   \
						at = v > best ? off[k] : at;                                                \
						best = v > best ? v : best;                                                 \
					}                                                                               \
					if (sum != sum) { /* a NaN (or inf - inf): the full rule */                     \
						best = win[0];                                                              \
						at = 0;                                                                     \
						for (int k = 1; k < n; k++) {                                               \
							T v = win[off[k]];                                                      \
							if (MAX_TAKE(v, best)) {                                                \
								best = v;                                                           \
								at = off[k];                                                        \
							}                                                                       \
						}                                                                           \
					}                                                                               \
					*yp++ = best;                                                                   \
					*ip++ = row + ow * w->d[2] + at + 1;                                            \
				}                                                                                   \
			}                                                                                       \
	}
MAXPOOL_INSIDE(maxpool_inside_f32, float)
MAXPOOL_INSIDE(maxpool_inside_f64, double)

/* Windows of up to this many elements take the offset-list path. */
#define INSIDE_MAX 512

/* Every window of w over g's input lies wholly inside it. */
static int windows_inside(const vgeom *g, const ml_vol_window *w)
{
	for (int a = 0; a < 3; a++)
		if (w->p[a] != 0 || (g->out[a] - 1) * w->d[a] + (w->k[a] - 1) * w->dil[a] >= g->in[a])
			return 0;
	return 1;
}

int ml_volumetric_maxpool(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_vol_window *w,
                          const char *who, ml_error *e)
{
	vgeom g;
	int rc = pool_setup(who, y, idx, x, w, &g, e);
	if (rc)
		return rc;
	int64_t planes = g.N * g.C, L = g.out[0] * g.out[1] * g.out[2];
	if (planes * L == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *yp = ml_tensor_data(y);
	int64_t *ip = ml_tensor_data(idx);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * L * w->k[0] * w->k[1] * w->k[2], GRAIN_VOL);
	int64_t off[INSIDE_MAX], n = w->k[0] * w->k[1] * w->k[2];
	int inside = n <= INSIDE_MAX && windows_inside(&g, w);
	for (int64_t i = 0, k = 0; inside && i < w->k[0]; i++) /* in the generic loops' order */
		for (int64_t j = 0; j < w->k[1]; j++)
			for (int64_t l = 0; l < w->k[2]; l++)
				off[k++] = (i * w->dil[0] * g.in[1] + j * w->dil[1]) * g.in[2] + l * w->dil[2];
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		if (inside && f32)
			maxpool_inside_f32((float *)(void *)yp, ip, (const float *)(const void *)xp, &g, w, off, (int)n, p);
		else if (inside)
			maxpool_inside_f64((double *)(void *)yp, ip, (const double *)(const void *)xp, &g, w, off, (int)n,
			                   p);
		else
			maxpool_plane(f32, yp, ip, xp, &g, w, p);
	}
	return ML_OK;
}

/* big (N, C, ...) and small (N, C, ...) values of one dtype, idx Long of
 * small's shape; all contiguous with at least 2 dims. */
static int check_scatter(const char *who, const ml_tensor *big, const ml_tensor *small, const ml_tensor *idx,
                         ml_error *e)
{
	int rc;
	if ((rc = check_float(who, big, e)) || (rc = same_dtype(who, big, small, e)) || (rc = check_long(who, idx, e)))
		return rc;
	if (big->ndim < 2 || !ml_tensor_same_size(idx, small) || !ml_tensor_is_contiguous(idx) ||
	    !ml_tensor_is_contiguous(big) || !ml_tensor_is_contiguous(small) || big->size[0] != small->size[0] ||
	    big->size[1] != small->size[1]) {
		char b1[ML_SHAPELEN], b2[ML_SHAPELEN], b3[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: volume %s, pooled %s and indices %s do not agree", who,
		               ml_tensor_shape_str(b1, sizeof b1, big), ml_tensor_shape_str(b2, sizeof b2, small),
		               ml_tensor_shape_str(b3, sizeof b3, idx));
	}
	return ML_OK;
}

static int bad_index(const char *who, int64_t nbad, int64_t plane, ml_error *e)
{
	return ml_fail(e, ML_EINVAL, "%s: %lld indices lie outside a plane of %lld elements", who, (long long)nbad,
	               (long long)plane);
}

int ml_volumetric_scatter(ml_tensor *gx, const ml_tensor *gy, const ml_tensor *idx, const char *who, ml_error *e)
{
	int rc = check_scatter(who, gx, gy, idx, e);
	if (rc)
		return rc;
	int64_t planes = gx->size[0] * gx->size[1];
	if (planes == 0)
		return ML_OK;
	int64_t P = ml_tensor_numel(gx) / planes, L = ml_tensor_numel(gy) / planes;
	int f32 = gx->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	char *gp = ml_tensor_data(gx);
	const char *yp = ml_tensor_data(gy);
	const int64_t *ip = ml_tensor_data(idx);
	int64_t nbad = 0; /* indices outside the plane (0, a window without input, is skipped) */
	int nt = ml_threads_for(planes * (P + L), GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1) reduction(+ : nbad)
	for (int64_t p = 0; p < planes; p++) {
		char *plane = gp + (size_t)(p * P) * es;
		if (P > 0)
			memset(plane, 0, (size_t)P * es);
		for (int64_t k = 0; k < L; k++) {
			int64_t at = ip[p * L + k] - 1;
			if (at >= 0 && at < P)
				st(f32, plane, at, ld(f32, plane, at) + ld(f32, yp, p * L + k));
			else if (at != -1)
				nbad++;
		}
	}
	return nbad ? bad_index(who, nbad, P, e) : ML_OK;
}

int ml_volumetric_gather(ml_tensor *y, const ml_tensor *x, const ml_tensor *idx, const char *who, ml_error *e)
{
	int rc;
	if ((rc = check_float(who, x, e)) || (rc = same_dtype(who, y, x, e)) || (rc = check_long(who, idx, e)))
		return rc;
	if (!ml_tensor_same_size(y, idx) && (rc = ml_tensor_resize_as(y, idx, e)))
		return rc;
	if ((rc = check_scatter(who, x, y, idx, e)))
		return rc;
	int64_t planes = x->size[0] * x->size[1];
	if (planes == 0)
		return ML_OK;
	int64_t P = ml_tensor_numel(x) / planes, L = ml_tensor_numel(y) / planes;
	int f32 = x->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	char *yp = ml_tensor_data(y);
	const char *xp = ml_tensor_data(x);
	const int64_t *ip = ml_tensor_data(idx);
	int64_t nbad = 0;
	int nt = ml_threads_for(planes * L, GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1) reduction(+ : nbad)
	for (int64_t p = 0; p < planes; p++) {
		const char *plane = xp + (size_t)(p * P) * es;
		for (int64_t k = 0; k < L; k++) {
			int64_t at = ip[p * L + k] - 1;
			if (at >= 0 && at < P) {
				st(f32, yp, p * L + k, ld(f32, plane, at));
			} else {
				st(f32, yp, p * L + k, 0.0);
				nbad += at != -1;
			}
		}
	}
	return nbad ? bad_index(who, nbad, P, e) : ML_OK;
}

/* ---- average pooling ---- */

/* The window of output o along axis a clipped to the padded input [lo, hi)
 * (then to the input); returns its padded length for the divisor. */
static inline int64_t avg_axis(const vgeom *g, const ml_vol_window *w, int a, int64_t o, int64_t *lo, int64_t *hi)
{
	*lo = o * w->d[a] - w->p[a];
	*hi = *lo + w->k[a];
	if (*hi > g->in[a] + w->p[a])
		*hi = g->in[a] + w->p[a];
	int64_t len = *hi - *lo;
	if (*lo < 0)
		*lo = 0;
	if (*hi > g->in[a])
		*hi = g->in[a];
	return len;
}

/* The divisor and clipped window of output (ot, oh, ow). */
static inline int64_t avg_window(const vgeom *g, const ml_vol_window *w, const int64_t o[3], int cip,
                                 int64_t lo[3], int64_t hi[3])
{
	int64_t padded = 1, inside = 1;
	for (int a = 0; a < 3; a++) {
		padded *= avg_axis(g, w, a, o[a], &lo[a], &hi[a]);
		inside *= hi[a] > lo[a] ? hi[a] - lo[a] : 0;
	}
	return cip ? padded : inside;
}

static int check_dense(const char *who, const ml_vol_window *w, ml_error *e)
{
	if (w->dil[0] != 1 || w->dil[1] != 1 || w->dil[2] != 1)
		return ml_fail(e, ML_EINVAL, "%s: average pooling has no dilation (got %lldx%lldx%lld)", who,
		               (long long)w->dil[0], (long long)w->dil[1], (long long)w->dil[2]);
	return ML_OK;
}

int ml_volumetric_avgpool(ml_tensor *y, const ml_tensor *x, const ml_vol_window *w, int count_include_pad,
                          ml_error *e)
{
	const char *who = "nn.VolumetricAveragePooling";
	vgeom g;
	int rc;
	if ((rc = check_dense(who, w, e)) || (rc = pool_setup(who, y, NULL, x, w, &g, e)))
		return rc;
	int64_t planes = g.N * g.C, L = g.out[0] * g.out[1] * g.out[2];
	if (planes * L == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	int64_t H = g.in[1], W = g.in[2];
	char *yp = ml_tensor_data(y);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * L * w->k[0] * w->k[1] * w->k[2], GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		const char *plane = xp + (size_t)(p * g.in[0] * H * W) * es;
		int64_t o[3], lo[3], hi[3], k = p * L;
		for (o[0] = 0; o[0] < g.out[0]; o[0]++)
			for (o[1] = 0; o[1] < g.out[1]; o[1]++)
				for (o[2] = 0; o[2] < g.out[2]; o[2]++, k++) {
					int64_t div = avg_window(&g, w, o, count_include_pad, lo, hi);
					double s = 0;
					for (int64_t t = lo[0]; t < hi[0]; t++)
						for (int64_t yy = lo[1]; yy < hi[1]; yy++)
							for (int64_t xx = lo[2]; xx < hi[2]; xx++)
								s += ld(f32, plane, (t * H + yy) * W + xx);
					st(f32, yp, k, div > 0 ? s / (double)div : 0.0);
				}
	}
	return ML_OK;
}

int ml_volumetric_avgpool_backward(ml_tensor *gx, const ml_tensor *gy, const ml_vol_window *w,
                                   int count_include_pad, ml_error *e)
{
	const char *who = "nn.VolumetricAveragePooling";
	int rc;
	if ((rc = check_dense(who, w, e)) || (rc = check_vol(who, gx, 5, e)) || (rc = check_vol(who, gy, 5, e)) ||
	    (rc = same_dtype(who, gx, gy, e)))
		return rc;
	vgeom g;
	geom_from(&g, gx);
	if ((rc = ml_volumetric_out_size(w, g.in, g.out, who, e)))
		return rc;
	if (gy->size[0] != g.N || gy->size[1] != g.C || gy->size[2] != g.out[0] || gy->size[3] != g.out[1] ||
	    gy->size[4] != g.out[2]) {
		char b1[ML_SHAPELEN], b2[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: gradOutput %s does not match the output of input %s", who,
		               ml_tensor_shape_str(b1, sizeof b1, gy), ml_tensor_shape_str(b2, sizeof b2, gx));
	}
	int64_t planes = g.N * g.C, L = g.out[0] * g.out[1] * g.out[2];
	if (ml_tensor_numel(gx) == 0)
		return ML_OK;
	int f32 = gx->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	int64_t H = g.in[1], W = g.in[2], P = g.in[0] * H * W;
	char *gp = ml_tensor_data(gx);
	const char *yp = ml_tensor_data(gy);
	int nt = ml_threads_for(planes * L * w->k[0] * w->k[1] * w->k[2], GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		char *plane = gp + (size_t)(p * P) * es;
		memset(plane, 0, (size_t)P * es);
		int64_t o[3], lo[3], hi[3], k = p * L;
		for (o[0] = 0; o[0] < g.out[0]; o[0]++)
			for (o[1] = 0; o[1] < g.out[1]; o[1]++)
				for (o[2] = 0; o[2] < g.out[2]; o[2]++, k++) {
					int64_t div = avg_window(&g, w, o, count_include_pad, lo, hi);
					if (div <= 0)
						continue;
					double v = ld(f32, yp, k) / (double)div;
					for (int64_t t = lo[0]; t < hi[0]; t++)
						for (int64_t yy = lo[1]; yy < hi[1]; yy++)
							for (int64_t xx = lo[2]; xx < hi[2]; xx++) {
								int64_t q = (t * H + yy) * W + xx;
								st(f32, plane, q, ld(f32, plane, q) + v);
							}
				}
	}
	return ML_OK;
}

/* ---- fractional max pooling ---- */

/* The m window starts along an axis (see nn_volumetric.h), alpha computed in
 * the tensor's precision as Torch7 does. */
static void intervals(int f32, double u, int64_t n, int64_t m, int64_t k, int64_t *seq)
{
	if (m > 1) {
		if (f32) {
			float a = (float)(n - k) / (float)(m - 1), uf = (float)u;
			for (int64_t i = 0; i < m - 1; i++)
				seq[i] = (int64_t)(((float)i + uf) * a) - (int64_t)(uf * a);
		} else {
			double a = (double)(n - k) / (double)(m - 1);
			for (int64_t i = 0; i < m - 1; i++)
				seq[i] = (int64_t)(((double)i + u) * a) - (int64_t)(u * a);
		}
	}
	seq[m - 1] = n - k;
}

int ml_volumetric_fracmaxpool(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_tensor *samples,
                              const int64_t out[3], const int64_t pool[3], ml_error *e)
{
	const char *who = "nn.VolumetricFractionalMaxPooling";
	int rc;
	if ((rc = check_vol(who, x, 5, e)) || (rc = same_dtype(who, y, x, e)) || (rc = same_dtype(who, samples, x, e)) ||
	    (rc = check_long(who, idx, e)))
		return rc;
	int64_t N = x->size[0], C = x->size[1], H = x->size[2], W = x->size[3], T = x->size[4];
	int64_t in[3] = {T, W, H}; /* the (T, W, H) order of out and pool */
	if (samples->ndim != 3 || samples->size[0] != N || samples->size[1] != C || samples->size[2] != 3 ||
	    !ml_tensor_is_contiguous(samples)) {
		char b1[ML_SHAPELEN], b2[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: samples must be a contiguous %lldx%lldx3 tensor for input %s (got %s)", who,
		               (long long)N, (long long)C, ml_tensor_shape_str(b1, sizeof b1, x),
		               ml_tensor_shape_str(b2, sizeof b2, samples));
	}
	for (int a = 0; a < 3; a++)
		if (pool[a] < 1 || out[a] < 1 || out[a] + pool[a] - 1 > in[a]) {
			char b[ML_SHAPELEN];
			return ml_fail(e, ML_ESHAPE,
			               "%s: output %lldx%lldx%lld (T, W, H) with pools %lldx%lldx%lld does not fit input %s", who,
			               (long long)out[0], (long long)out[1], (long long)out[2], (long long)pool[0],
			               (long long)pool[1], (long long)pool[2], ml_tensor_shape_str(b, sizeof b, x));
		}
	int64_t size[5] = {N, C, out[2], out[1], out[0]};
	if ((rc = ml_tensor_resize(y, 5, size, e)) || (rc = ml_tensor_resize(idx, 5, size, e)))
		return rc;
	int64_t planes = N * C, L = out[0] * out[1] * out[2], per = out[0] + out[1] + out[2];
	if (planes == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	const char *sp = ml_tensor_data(samples);
	for (int64_t i = 0; i < planes * 3; i++) {
		double u = ld(f32, sp, i);
		if (!(u >= 0 && u < 1))
			return ml_fail(e, ML_EINVAL, "%s: samples must lie in [0, 1) (got %g)", who, u);
	}
	int64_t *seqs = malloc((size_t)(planes * per) * sizeof *seqs);
	if (!seqs)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory for %lld intervals", who, (long long)(planes * per));
	for (int64_t p = 0; p < planes; p++) {
		int64_t *seq = seqs + p * per; /* the T, then W, then H starts of plane p */
		for (int a = 0; a < 3; seq += out[a], a++)
			intervals(f32, ld(f32, sp, p * 3 + a), in[a], out[a], pool[a], seq);
	}
	size_t es = f32 ? 4 : 8;
	char *yp = ml_tensor_data(y);
	int64_t *ip = ml_tensor_data(idx);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * L * pool[0] * pool[1] * pool[2], GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		const int64_t *sT = seqs + p * per, *sW = sT + out[0], *sH = sW + out[1];
		const char *plane = xp + (size_t)(p * H * W * T) * es;
		int64_t k = p * L;
		for (int64_t h = 0; h < out[2]; h++)
			for (int64_t w = 0; w < out[1]; w++)
				for (int64_t t = 0; t < out[0]; t++, k++) {
					double best = -INFINITY;
					int64_t at = -1;
					for (int64_t h2 = sH[h]; h2 < sH[h] + pool[2]; h2++)
						for (int64_t w2 = sW[w]; w2 < sW[w] + pool[1]; w2++)
							for (int64_t t2 = sT[t]; t2 < sT[t] + pool[0]; t2++) {
								int64_t pos = (h2 * W + w2) * T + t2;
								double v = ld(f32, plane, pos);
								if (at < 0 || MAX_TAKE(v, best)) {
									best = v;
									at = pos;
								}
							}
					st(f32, yp, k, best);
					ip[k] = at + 1;
				}
	}
	free(seqs);
	return ML_OK;
}

/* ---- replication padding ---- */

/* The output sizes of x padded by pad; ML_ESHAPE when one is negative or the
 * input is empty under a non-empty output. */
static int pad_sizes(const char *who, const ml_tensor *x, const int64_t pad[6], int64_t size[5], ml_error *e)
{
	size[0] = x->size[0];
	size[1] = x->size[1];
	size[2] = x->size[2] + pad[4] + pad[5];
	size[3] = x->size[3] + pad[2] + pad[3];
	size[4] = x->size[4] + pad[0] + pad[1];
	int empty_in = x->size[2] == 0 || x->size[3] == 0 || x->size[4] == 0;
	int empty_out = size[2] == 0 || size[3] == 0 || size[4] == 0;
	if (size[2] < 0 || size[3] < 0 || size[4] < 0 || (empty_in && !empty_out && size[0] * size[1] != 0)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: padding (%lld,%lld, %lld,%lld, %lld,%lld) does not fit input %s", who,
		               (long long)pad[0], (long long)pad[1], (long long)pad[2], (long long)pad[3],
		               (long long)pad[4], (long long)pad[5], ml_tensor_shape_str(b, sizeof b, x));
	}
	return ML_OK;
}

/* Walks every output element of plane p: calls into y or gx by direction. */
static void replpad_plane(int f32, int backward, char *big, char *small, const int64_t ins[3], const int64_t outs[3],
                          const int64_t pad[6], int64_t p)
{
	size_t es = f32 ? 4 : 8;
	int64_t P = ins[0] * ins[1] * ins[2], Q = outs[0] * outs[1] * outs[2];
	char *xp = small + (size_t)(p * P) * es, *yp = big + (size_t)(p * Q) * es;
	if (backward)
		memset(xp, 0, (size_t)P * es);
	int64_t k = 0;
	for (int64_t t = 0; t < outs[0]; t++) {
		int64_t ti = clamp(t - pad[4], 0, ins[0] - 1);
		for (int64_t h = 0; h < outs[1]; h++) {
			int64_t hi = clamp(h - pad[2], 0, ins[1] - 1);
			for (int64_t w = 0; w < outs[2]; w++, k++) {
				int64_t q = (ti * ins[1] + hi) * ins[2] + clamp(w - pad[0], 0, ins[2] - 1);
				if (backward)
					st(f32, xp, q, ld(f32, xp, q) + ld(f32, yp, k));
				else
					st(f32, yp, k, ld(f32, xp, q));
			}
		}
	}
}

int ml_volumetric_replpad(ml_tensor *y, const ml_tensor *x, const int64_t pad[6], ml_error *e)
{
	const char *who = "nn.VolumetricReplicationPadding";
	int rc;
	int64_t size[5];
	if ((rc = check_vol(who, x, 5, e)) || (rc = same_dtype(who, y, x, e)) || (rc = pad_sizes(who, x, pad, size, e)) ||
	    (rc = ml_tensor_resize(y, 5, size, e)))
		return rc;
	if (ml_tensor_numel(y) == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	int64_t planes = size[0] * size[1];
	char *yp = ml_tensor_data(y), *xp = ml_tensor_data(x);
	int nt = ml_threads_for(ml_tensor_numel(y), GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++)
		replpad_plane(f32, 0, yp, xp, x->size + 2, size + 2, pad, p);
	return ML_OK;
}

int ml_volumetric_replpad_backward(ml_tensor *gx, const ml_tensor *gy, const int64_t pad[6], ml_error *e)
{
	const char *who = "nn.VolumetricReplicationPadding";
	int rc;
	int64_t size[5];
	if ((rc = check_vol(who, gx, 5, e)) || (rc = check_vol(who, gy, 5, e)) || (rc = same_dtype(who, gx, gy, e)) ||
	    (rc = pad_sizes(who, gx, pad, size, e)))
		return rc;
	for (int a = 0; a < 5; a++)
		if (gy->size[a] != size[a]) {
			char b1[ML_SHAPELEN], b2[ML_SHAPELEN];
			return ml_fail(e, ML_ESHAPE, "%s: gradOutput %s does not match the output of input %s", who,
			               ml_tensor_shape_str(b1, sizeof b1, gy), ml_tensor_shape_str(b2, sizeof b2, gx));
		}
	if (ml_tensor_numel(gx) == 0)
		return ML_OK;
	int f32 = gx->dtype == ML_FLOAT;
	int64_t planes = size[0] * size[1];
	char *gp = ml_tensor_data(gx), *yp = ml_tensor_data(gy);
	int nt = ml_threads_for(ml_tensor_numel(gy), GRAIN_VOL);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++)
		replpad_plane(f32, 1, yp, gp, gx->size + 2, size + 2, pad, p);
	return ML_OK;
}
