/*
 * nn.c - loops of moonlab.nn's layers: im2col/col2im, 2-D max and average
 * pooling, threshold.  See nn.h for the contracts.
 *
 * Float and Double share one body per loop: each body is a static function
 * taking `f32` (1 for Float) and reading/writing elements through the two
 * small accessors below; the callers pass a constant, so the compiler can
 * specialise, and the per-element branch is perfectly predicted otherwise.
 * Threads split the work by plane (n, c) or, for im2col, by cols row, so no
 * two threads write the same element.  Not here: GEMM (blas.h).
 */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "internal.h"
#include "nn_common.h"
#include "nn.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define GRAIN_PLANES 262144 /* work (elements x window) per thread below which a call stays serial: a parallel region on a busy 2-core machine can wait a whole time slice for its second thread */

int ml_nn_out_size(const ml_nn_window *w, int64_t h, int64_t wd, int64_t *oh, int64_t *ow,
                   const char *who, ml_error *e)
{
	if (w->kh < 1 || w->kw < 1 || w->dh < 1 || w->dw < 1 || w->ph < 0 || w->pw < 0)
		return ml_fail(e, ML_EINVAL, "%s: bad window (kernel %lldx%lld, stride %lldx%lld, pad %lldx%lld)",
		               who, (long long)w->kh, (long long)w->kw, (long long)w->dh, (long long)w->dw,
		               (long long)w->ph, (long long)w->pw);
	int64_t hs = h + 2 * w->ph - w->kh, ws = wd + 2 * w->pw - w->kw;
	if (hs < 0 || ws < 0)
		return ml_fail(e, ML_ESHAPE, "%s: input %lldx%lld (padded %lldx%lld) is smaller than the kernel %lldx%lld",
		               who, (long long)h, (long long)wd, (long long)(h + 2 * w->ph), (long long)(wd + 2 * w->pw),
		               (long long)w->kh, (long long)w->kw);
	if (w->ceil_mode) {
		*oh = (hs + w->dh - 1) / w->dh + 1;
		*ow = (ws + w->dw - 1) / w->dw + 1;
		/* a last window must start inside the input or the left padding */
		if ((*oh - 1) * w->dh >= h + w->ph)
			--*oh;
		if ((*ow - 1) * w->dw >= wd + w->pw)
			--*ow;
	} else {
		*oh = hs / w->dh + 1;
		*ow = ws / w->dw + 1;
	}
	return ML_OK;
}

/* ---- im2col / col2im ---- */

/* The output columns ox whose input column ox*dw - pw + j lies in [0, W):
 * [*lo, *hi). */
static void valid_cols(int64_t ow, int64_t W, int64_t dw, int64_t pw, int64_t j, int64_t *lo, int64_t *hi)
{
	int64_t first = pw - j; /* ox*dw >= first */
	int64_t a = first <= 0 ? 0 : (first + dw - 1) / dw;
	int64_t last = W - 1 + pw - j; /* ox*dw <= last */
	int64_t b = last < 0 ? 0 : last / dw + 1;
	*lo = a < ow ? a : ow;
	*hi = b < ow ? b : ow;
	if (*hi < *lo)
		*hi = *lo;
}

typedef struct geom {
	int64_t N, C, H, W, oh, ow; /* input and output sizes */
} geom;

/* cols row r = (c, i, j), all N*oh*ow columns.  Columns whose input lies in
 * the padding are zeroed; the others are copied (memcpy when dw == 1). */
static void im2col_row(int f32, char *cols, const char *x, const geom *g, const ml_nn_window *w, int64_t r)
{
	int64_t kk = w->kh * w->kw, c = r / kk, i = (r % kk) / w->kw, j = r % w->kw;
	int64_t L = g->oh * g->ow, ncol = g->N * L;
	size_t es = f32 ? 4 : 8;
	int64_t lo, hi;
	valid_cols(g->ow, g->W, w->dw, w->pw, j, &lo, &hi);
	char *row = cols + (size_t)(r * ncol) * es;
	if (w->ph == 0 && w->pw == 0 && w->dh == 1 && w->dw == 1) {
		/* a valid, unit-stride window (the common case): every output row
		 * is a plain run of ow elements, copied without the checks below */
		int64_t ow = g->ow, W = g->W;
		for (int64_t n = 0; n < g->N; n++) {
			const char *src = x + (size_t)(((n * g->C + c) * g->H + i) * W + j) * es;
			char *out = row + (size_t)(n * L) * es;
			if (f32) {
				float *restrict d = (float *)(void *)out;
				const float *restrict sp = (const float *)(const void *)src;
				for (int64_t oy = 0; oy < g->oh; oy++)
					for (int64_t k = 0; k < ow; k++)
						d[oy * ow + k] = sp[oy * W + k];
			} else {
				double *restrict d = (double *)(void *)out;
				const double *restrict sp = (const double *)(const void *)src;
				for (int64_t oy = 0; oy < g->oh; oy++)
					for (int64_t k = 0; k < ow; k++)
						d[oy * ow + k] = sp[oy * W + k];
			}
		}
		return;
	}
	for (int64_t n = 0; n < g->N; n++) {
		const char *plane = x + (size_t)((n * g->C + c) * g->H * g->W) * es;
		char *out = row + (size_t)(n * L) * es;
		for (int64_t oy = 0; oy < g->oh; oy++) {
			int64_t y = oy * w->dh - w->ph + i;
			char *o = out + (size_t)(oy * g->ow) * es;
			if (y < 0 || y >= g->H) {
				memset(o, 0, (size_t)g->ow * es);
				continue;
			}
			const char *src = plane + (size_t)(y * g->W) * es;
			if (lo > 0)
				memset(o, 0, (size_t)lo * es);
			if (hi < g->ow)
				memset(o + (size_t)hi * es, 0, (size_t)(g->ow - hi) * es);
			if (hi <= lo)
				continue;
			if (w->dw == 1 && f32) {
				/* rows are short (tens of elements): an inline loop beats memcpy's call */
				float *restrict d = (float *)(void *)o + lo;
				const float *restrict sp = (const float *)(const void *)src + (lo - w->pw + j);
				for (int64_t k = 0; k < hi - lo; k++)
					d[k] = sp[k];
			} else if (w->dw == 1) {
				double *restrict d = (double *)(void *)o + lo;
				const double *restrict sp = (const double *)(const void *)src + (lo - w->pw + j);
				for (int64_t k = 0; k < hi - lo; k++)
					d[k] = sp[k];
			} else if (f32) {
				float *restrict d = (float *)(void *)o;
				const float *restrict sp = (const float *)(const void *)src;
				for (int64_t ox = lo; ox < hi; ox++)
					d[ox] = sp[ox * w->dw - w->pw + j];
			} else {
				double *restrict d = (double *)(void *)o;
				const double *restrict sp = (const double *)(const void *)src;
				for (int64_t ox = lo; ox < hi; ox++)
					d[ox] = sp[ox * w->dw - w->pw + j];
			}
		}
	}
}

int ml_nn_im2col(ml_tensor *cols, const ml_tensor *x, const ml_nn_window *w, ml_error *e)
{
	const char *who = "nn.SpatialConvolution";
	int rc;
	if ((rc = check_image(who, x, e)) || (rc = same_dtype(who, cols, x, e)))
		return rc;
	geom g = {x->size[0], x->size[1], x->size[2], x->size[3], 0, 0};
	rc = ml_nn_out_size(w, g.H, g.W, &g.oh, &g.ow, who, e);
	if (rc)
		return rc;
	int64_t rows = g.C * w->kh * w->kw, ncol = g.N * g.oh * g.ow;
	int64_t size[2] = {rows, ncol};
	if ((rc = ml_tensor_resize(cols, 2, size, e)))
		return rc;
	if (rows * ncol == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *c = ml_tensor_data(cols);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(rows * ncol, GRAIN_PLANES);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t r = 0; r < rows; r++)
		im2col_row(f32, c, xp, &g, w, r);
	return ML_OK;
}

/* Plane (n, c) of x receives every cols entry taken from it. */
static void col2im_plane(int f32, char *x, const char *cols, const geom *g, const ml_nn_window *w, int64_t p)
{
	int64_t n = p / g->C, c = p % g->C;
	int64_t L = g->oh * g->ow, ncol = g->N * L;
	size_t es = f32 ? 4 : 8;
	char *plane = x + (size_t)(p * g->H * g->W) * es;
	memset(plane, 0, (size_t)(g->H * g->W) * es);
	if (w->ph == 0 && w->pw == 0 && w->dh == 1 && w->dw == 1) {
		/* a valid, unit-stride window: plain runs, no range checks */
		int64_t ow = g->ow, W = g->W;
		for (int64_t i = 0; i < w->kh; i++)
			for (int64_t j = 0; j < w->kw; j++) {
				int64_t r = (c * w->kh + i) * w->kw + j;
				const char *row = cols + (size_t)(r * ncol + n * L) * es;
				char *dst = plane + (size_t)(i * W + j) * es;
				if (f32) {
					float *restrict d = (float *)(void *)dst;
					const float *restrict sp = (const float *)(const void *)row;
					for (int64_t oy = 0; oy < g->oh; oy++)
						for (int64_t k = 0; k < ow; k++)
							d[oy * W + k] += sp[oy * ow + k];
				} else {
					double *restrict d = (double *)(void *)dst;
					const double *restrict sp = (const double *)(const void *)row;
					for (int64_t oy = 0; oy < g->oh; oy++)
						for (int64_t k = 0; k < ow; k++)
							d[oy * W + k] += sp[oy * ow + k];
				}
			}
		return;
	}
	for (int64_t i = 0; i < w->kh; i++) {
		for (int64_t j = 0; j < w->kw; j++) {
			int64_t r = (c * w->kh + i) * w->kw + j;
			int64_t lo, hi;
			valid_cols(g->ow, g->W, w->dw, w->pw, j, &lo, &hi);
			int64_t shift = j - w->pw, dw = w->dw;
			const char *row = cols + (size_t)(r * ncol + n * L) * es;
			for (int64_t oy = 0; oy < g->oh; oy++) {
				int64_t y = oy * w->dh - w->ph + i;
				if (y < 0 || y >= g->H)
					continue;
				const char *src = row + (size_t)(oy * g->ow) * es;
				char *dst = plane + (size_t)(y * g->W) * es;
				if (f32) {
					float *restrict d = (float *)(void *)dst;
					const float *restrict sp = (const float *)(const void *)src;
					if (dw == 1)
						for (int64_t ox = lo; ox < hi; ox++)
							d[ox + shift] += sp[ox];
					else
						for (int64_t ox = lo; ox < hi; ox++)
							d[ox * dw + shift] += sp[ox];
				} else {
					double *restrict d = (double *)(void *)dst;
					const double *restrict sp = (const double *)(const void *)src;
					if (dw == 1)
						for (int64_t ox = lo; ox < hi; ox++)
							d[ox + shift] += sp[ox];
					else
						for (int64_t ox = lo; ox < hi; ox++)
							d[ox * dw + shift] += sp[ox];
				}
			}
		}
	}
}

int ml_nn_col2im(ml_tensor *x, const ml_tensor *cols, const ml_nn_window *w, ml_error *e)
{
	const char *who = "nn.SpatialConvolution";
	int rc;
	if ((rc = check_image(who, x, e)) || (rc = same_dtype(who, cols, x, e)))
		return rc;
	geom g = {x->size[0], x->size[1], x->size[2], x->size[3], 0, 0};
	if ((rc = ml_nn_out_size(w, g.H, g.W, &g.oh, &g.ow, who, e)))
		return rc;
	int64_t rows = g.C * w->kh * w->kw, ncol = g.N * g.oh * g.ow;
	if (cols->ndim != 2 || cols->size[0] != rows || cols->size[1] != ncol || !ml_tensor_is_contiguous(cols)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: columns must be a contiguous %lldx%lld tensor (got %s)", who,
		               (long long)rows, (long long)ncol, ml_tensor_shape_str(b, sizeof b, cols));
	}
	int64_t planes = g.N * g.C;
	if (planes * g.H * g.W == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *xp = ml_tensor_data(x);
	const char *cp = ml_tensor_data(cols);
	int nt = ml_threads_for(rows * ncol, GRAIN_PLANES);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++)
		col2im_plane(f32, xp, cp, &g, w, p);
	return ML_OK;
}

/* ---- pooling ---- */

/* Resizes y (and idx) to (N, C, oh, ow) for input x; fills g. */
static int pool_setup(const char *who, ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_nn_window *w,
                      geom *g, ml_error *e)
{
	int rc;
	if ((rc = check_image(who, x, e)) || (rc = same_dtype(who, y, x, e)))
		return rc;
	*g = (geom){x->size[0], x->size[1], x->size[2], x->size[3], 0, 0};
	if ((rc = ml_nn_out_size(w, g->H, g->W, &g->oh, &g->ow, who, e)))
		return rc;
	if (w->ph * 2 > w->kh || w->pw * 2 > w->kw)
		return ml_fail(e, ML_EINVAL, "%s: padding (%lldx%lld) must be at most half the kernel (%lldx%lld)", who,
		               (long long)w->ph, (long long)w->pw, (long long)w->kh, (long long)w->kw);
	int64_t size[4] = {g->N, g->C, g->oh, g->ow};
	if ((rc = ml_tensor_resize(y, 4, size, e)))
		return rc;
	if (idx) {
		if (idx->dtype != ML_LONG)
			return ml_fail(e, ML_ETYPE, "%s: indices must be a LongTensor (got %s)", who,
			               ml_dtype_info[idx->dtype].name);
		if ((rc = ml_tensor_resize(idx, 4, size, e)))
			return rc;
	}
	return ML_OK;
}

#if defined(__GNUC__)
#define INLINE_BODY static inline __attribute__((always_inline))
#else
#define INLINE_BODY static inline
#endif

/* Inlined into maxpool_plane_f32/_f64 below with f32 constant, so the
 * element accessors compile to plain loads and stores. */
/* One step of the scan: v at position pv replaces (best, at) when larger,
 * or when it is the first NaN (branch-free selects). */
#define MAX_TAKE(v, best) (((v) > (best)) | (((v) != (v)) & ((best) == (best))))

/* The 2x2, stride 2, unpadded window (LeNet's): each output is a small
 * tree of compares with no loop-carried dependency, so rows vectorise;
 * scan order (row 0 then row 1, left to right) decides ties as above. */
#if defined(__SSE2__)
/* MAX_TAKE on four lanes: all-ones where v replaces best. */
static inline __m128 take4(__m128 v, __m128 best)
{
	__m128 nan_v = _mm_cmpunord_ps(v, v), num_best = _mm_cmpord_ps(best, best);
	return _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_and_ps(nan_v, num_best));
}

static inline __m128 select4(__m128 mask, __m128 yes, __m128 no)
{
	return _mm_or_ps(_mm_and_ps(mask, yes), _mm_andnot_ps(mask, no));
}

/* Four outputs of a Float 2x2 window row at a time: the same tree of
 * compares as the scalar loop below (so the same winner, ties and NaN
 * included), lanes deinterleaved with shuffles (GCC leaves that loop
 * scalar).  Returns the number of outputs done. */
static int64_t maxpool_2x2_sse(const float *x0, const float *x1, float *y, int64_t *idx, int64_t r0, int64_t W,
                               int64_t ow)
{
	int64_t ox = 0;
	for (; ox + 4 <= ow; ox += 4) {
		__m128 u0 = _mm_loadu_ps(x0 + 2 * ox), u1 = _mm_loadu_ps(x0 + 2 * ox + 4);
		__m128 v0 = _mm_loadu_ps(x1 + 2 * ox), v1 = _mm_loadu_ps(x1 + 2 * ox + 4);
		__m128 a = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(2, 0, 2, 0));
		__m128 b = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(3, 1, 3, 1));
		__m128 c = _mm_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
		__m128 d = _mm_shuffle_ps(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
		__m128 tb = take4(b, a), td = take4(d, c);
		__m128 m1 = select4(tb, b, a), m2 = select4(td, d, c);
		__m128 t2 = take4(m2, m1);
		_mm_storeu_ps(y + ox, select4(t2, m2, m1));
		int mb = _mm_movemask_ps(tb), md = _mm_movemask_ps(td), m = _mm_movemask_ps(t2);
		for (int k = 0; k < 4; k++) {
			int64_t bt = (mb >> k) & 1, dt = (md >> k) & 1, t = (m >> k) & 1;
			idx[ox + k] = r0 + 2 * (ox + k) + 1 + t * (W + dt) + (1 - t) * bt;
		}
	}
	return ox;
}
#endif

INLINE_BODY void maxpool_2x2(int f32, char *y, int64_t *idx, const char *xp, const geom *g, int64_t ob)
{
	if (f32) {
		/* the same tree in float, without widening */
		const float *x = (const float *)(const void *)xp;
		float *yo = (float *)(void *)y;
		for (int64_t oy = 0; oy < g->oh; oy++) {
			int64_t r0 = 2 * oy * g->W, r1 = r0 + g->W;
			int64_t o = ob + oy * g->ow;
			int64_t ox = 0;
#if defined(__SSE2__)
			ox = maxpool_2x2_sse(x + r0, x + r1, yo + o, idx + o, r0, g->W, g->ow);
#endif
			for (; ox < g->ow; ox++) {
				float a = x[r0 + 2 * ox], b = x[r0 + 2 * ox + 1];
				float c = x[r1 + 2 * ox], d = x[r1 + 2 * ox + 1];
				int tb = MAX_TAKE(b, a), td = MAX_TAKE(d, c);
				float m1 = tb ? b : a, m2 = td ? d : c;
				int t2 = MAX_TAKE(m2, m1);
				yo[o + ox] = t2 ? m2 : m1;
				idx[o + ox] = (t2 ? r1 + 2 * ox + td : r0 + 2 * ox + tb) + 1;
			}
		}
		return;
	}
	for (int64_t oy = 0; oy < g->oh; oy++) {
		int64_t r0 = 2 * oy * g->W, r1 = r0 + g->W;
		int64_t o = ob + oy * g->ow;
#pragma omp simd
		for (int64_t ox = 0; ox < g->ow; ox++) {
			double a = ld(f32, xp, r0 + 2 * ox), b = ld(f32, xp, r0 + 2 * ox + 1);
			double c = ld(f32, xp, r1 + 2 * ox), d = ld(f32, xp, r1 + 2 * ox + 1);
			int tb = MAX_TAKE(b, a), td = MAX_TAKE(d, c);
			double m1 = tb ? b : a, m2 = td ? d : c;
			int64_t i1 = r0 + 2 * ox + tb, i2 = r1 + 2 * ox + td;
			int t2 = MAX_TAKE(m2, m1);
			st(f32, y, o + ox, t2 ? m2 : m1);
			idx[o + ox] = (t2 ? i2 : i1) + 1;
		}
	}
}

INLINE_BODY void maxpool_plane(int f32, char *y, int64_t *idx, const char *x, const geom *g, const ml_nn_window *w,
                          int64_t p)
{
	size_t es = f32 ? 4 : 8;
	const char *xp = x + (size_t)(p * g->H * g->W) * es;
	int64_t ob = p * g->oh * g->ow;
	if (w->kh == 2 && w->kw == 2 && w->dh == 2 && w->dw == 2 && w->ph == 0 && w->pw == 0 &&
	    2 * g->oh <= g->H && 2 * g->ow <= g->W) {
		maxpool_2x2(f32, y, idx, xp, g, ob);
		return;
	}
	for (int64_t oy = 0; oy < g->oh; oy++) {
		int64_t y0 = oy * w->dh - w->ph, y1 = y0 + w->kh;
		if (y0 < 0)
			y0 = 0;
		if (y1 > g->H)
			y1 = g->H;
		for (int64_t ox = 0; ox < g->ow; ox++) {
			int64_t x0 = ox * w->dw - w->pw, x1 = x0 + w->kw;
			if (x0 < 0)
				x0 = 0;
			if (x1 > g->W)
				x1 = g->W;
			double best = -INFINITY;
			int64_t at = y0 * g->W + x0;
			/* branch-free (random data mispredicts every other compare): a
			 * larger value wins, and the first NaN wins and stays */
			for (int64_t yy = y0; yy < y1; yy++)
				for (int64_t xx = x0; xx < x1; xx++) {
					double v = ld(f32, xp, yy * g->W + xx);
					int take = MAX_TAKE(v, best);
					best = take ? v : best;
					at = take ? yy * g->W + xx : at;
				}
			st(f32, y, ob + oy * g->ow + ox, best);
			idx[ob + oy * g->ow + ox] = at + 1;
		}
	}
}

static void maxpool_plane_f32(char *y, int64_t *idx, const char *x, const geom *g, const ml_nn_window *w, int64_t p)
{
	maxpool_plane(1, y, idx, x, g, w, p);
}

static void maxpool_plane_f64(char *y, int64_t *idx, const char *x, const geom *g, const ml_nn_window *w, int64_t p)
{
	maxpool_plane(0, y, idx, x, g, w, p);
}

int ml_nn_maxpool2d(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_nn_window *w, ml_error *e)
{
	geom g;
	int rc = pool_setup("nn.SpatialMaxPooling", y, idx, x, w, &g, e);
	if (rc)
		return rc;
	int64_t planes = g.N * g.C;
	if (planes * g.oh * g.ow == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *yp = ml_tensor_data(y);
	int64_t *ip = ml_tensor_data(idx);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * g.oh * g.ow * w->kh * w->kw, GRAIN_PLANES);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		if (f32)
			maxpool_plane_f32(yp, ip, xp, &g, w, p);
		else
			maxpool_plane_f64(yp, ip, xp, &g, w, p);
	}
	return ML_OK;
}

int ml_nn_maxpool2d_backward(ml_tensor *gx, const ml_tensor *gy, const ml_tensor *idx, ml_error *e)
{
	const char *who = "nn.SpatialMaxPooling";
	int rc;
	if ((rc = check_image(who, gx, e)) || (rc = check_image(who, gy, e)) || (rc = same_dtype(who, gx, gy, e)))
		return rc;
	if (idx->dtype != ML_LONG || !ml_tensor_same_size(idx, gy) || !ml_tensor_is_contiguous(idx) ||
	    gx->size[0] != gy->size[0] || gx->size[1] != gy->size[1]) {
		char b1[ML_SHAPELEN], b2[ML_SHAPELEN], b3[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: gradInput %s, gradOutput %s and indices %s (%s) do not agree", who,
		               ml_tensor_shape_str(b1, sizeof b1, gx), ml_tensor_shape_str(b2, sizeof b2, gy),
		               ml_tensor_shape_str(b3, sizeof b3, idx), ml_dtype_info[idx->dtype].name);
	}
	int64_t planes = gx->size[0] * gx->size[1], HW = gx->size[2] * gx->size[3];
	int64_t L = gy->size[2] * gy->size[3];
	if (planes * HW == 0)
		return ML_OK;
	int f32 = gx->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	char *gp = ml_tensor_data(gx);
	const char *yp = ml_tensor_data(gy);
	const int64_t *ip = ml_tensor_data(idx);
	int nt = ml_threads_for(planes * HW, GRAIN_PLANES);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		char *plane = gp + (size_t)(p * HW) * es;
		memset(plane, 0, (size_t)HW * es);
		for (int64_t k = 0; k < L; k++) {
			int64_t at = ip[p * L + k] - 1;
			if (at >= 0 && at < HW)
				st(f32, plane, at, ld(f32, plane, at) + ld(f32, yp, p * L + k));
		}
	}
	return ML_OK;
}

/* The window of output (oy, ox) clipped to the padded input [y0, y1) x
 * [x0, x1), and its divisor. */
static inline int64_t avg_window(const geom *g, const ml_nn_window *w, int64_t oy, int64_t ox, int cip,
                                 int64_t *y0, int64_t *y1, int64_t *x0, int64_t *x1)
{
	*y0 = oy * w->dh - w->ph;
	*x0 = ox * w->dw - w->pw;
	*y1 = *y0 + w->kh;
	*x1 = *x0 + w->kw;
	if (*y1 > g->H + w->ph)
		*y1 = g->H + w->ph;
	if (*x1 > g->W + w->pw)
		*x1 = g->W + w->pw;
	int64_t size = (*y1 - *y0) * (*x1 - *x0);
	if (*y0 < 0)
		*y0 = 0;
	if (*x0 < 0)
		*x0 = 0;
	if (*y1 > g->H)
		*y1 = g->H;
	if (*x1 > g->W)
		*x1 = g->W;
	return cip ? size : (*y1 - *y0) * (*x1 - *x0);
}

int ml_nn_avgpool2d(ml_tensor *y, const ml_tensor *x, const ml_nn_window *w, int count_include_pad, ml_error *e)
{
	geom g;
	int rc = pool_setup("nn.SpatialAveragePooling", y, NULL, x, w, &g, e);
	if (rc)
		return rc;
	int64_t planes = g.N * g.C;
	if (planes * g.oh * g.ow == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	char *yp = ml_tensor_data(y);
	const char *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * g.oh * g.ow * w->kh * w->kw, GRAIN_PLANES);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		const char *plane = xp + (size_t)(p * g.H * g.W) * es;
		for (int64_t oy = 0; oy < g.oh; oy++)
			for (int64_t ox = 0; ox < g.ow; ox++) {
				int64_t y0, y1, x0, x1;
				int64_t div = avg_window(&g, w, oy, ox, count_include_pad, &y0, &y1, &x0, &x1);
				double s = 0;
				for (int64_t yy = y0; yy < y1; yy++)
					for (int64_t xx = x0; xx < x1; xx++)
						s += ld(f32, plane, yy * g.W + xx);
				st(f32, yp, (p * g.oh + oy) * g.ow + ox, div > 0 ? s / (double)div : 0.0);
			}
	}
	return ML_OK;
}

int ml_nn_avgpool2d_backward(ml_tensor *gx, const ml_tensor *gy, const ml_nn_window *w, int count_include_pad,
                             ml_error *e)
{
	const char *who = "nn.SpatialAveragePooling";
	int rc;
	if ((rc = check_image(who, gx, e)) || (rc = check_image(who, gy, e)) || (rc = same_dtype(who, gx, gy, e)))
		return rc;
	geom g = {gx->size[0], gx->size[1], gx->size[2], gx->size[3], 0, 0};
	if ((rc = ml_nn_out_size(w, g.H, g.W, &g.oh, &g.ow, who, e)))
		return rc;
	if (gy->size[0] != g.N || gy->size[1] != g.C || gy->size[2] != g.oh || gy->size[3] != g.ow) {
		char b1[ML_SHAPELEN], b2[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: gradOutput %s does not match the output of input %s", who,
		               ml_tensor_shape_str(b1, sizeof b1, gy), ml_tensor_shape_str(b2, sizeof b2, gx));
	}
	int64_t planes = g.N * g.C;
	if (planes * g.H * g.W == 0)
		return ML_OK;
	int f32 = gx->dtype == ML_FLOAT;
	size_t es = f32 ? 4 : 8;
	char *gp = ml_tensor_data(gx);
	const char *yp = ml_tensor_data(gy);
	int nt = ml_threads_for(planes * g.oh * g.ow * w->kh * w->kw, GRAIN_PLANES);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t p = 0; p < planes; p++) {
		char *plane = gp + (size_t)(p * g.H * g.W) * es;
		memset(plane, 0, (size_t)(g.H * g.W) * es);
		for (int64_t oy = 0; oy < g.oh; oy++)
			for (int64_t ox = 0; ox < g.ow; ox++) {
				int64_t y0, y1, x0, x1;
				int64_t div = avg_window(&g, w, oy, ox, count_include_pad, &y0, &y1, &x0, &x1);
				if (div <= 0)
					continue;
				double v = ld(f32, yp, (p * g.oh + oy) * g.ow + ox) / (double)div;
				for (int64_t yy = y0; yy < y1; yy++)
					for (int64_t xx = x0; xx < x1; xx++)
						st(f32, plane, yy * g.W + xx, ld(f32, plane, yy * g.W + xx) + v);
			}
	}
	return ML_OK;
}

/* ---- threshold ---- */

static int check_pair(const char *who, const ml_tensor *a, const ml_tensor *b, ml_error *e)
{
	int rc;
	if ((rc = check_float(who, a, e)) || (rc = same_dtype(who, a, b, e)))
		return rc;
	if (!ml_tensor_is_contiguous(b) || !ml_tensor_is_contiguous(a) || ml_tensor_numel(a) != ml_tensor_numel(b)) {
		char b1[ML_SHAPELEN], b2[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: expected contiguous tensors of one size (got %s and %s)", who,
		               ml_tensor_shape_str(b1, sizeof b1, a), ml_tensor_shape_str(b2, sizeof b2, b));
	}
	return ML_OK;
}

/* Result res of like's dtype, resized to like's shape (kept when it has it),
 * contiguous: the prologue of the element-wise kernels below. */
static int open_like(const char *who, ml_tensor *res, const ml_tensor *like, ml_error *e)
{
	int rc;
	if ((rc = same_dtype(who, res, like, e)))
		return rc;
	if (!ml_tensor_same_size(res, like) && (rc = ml_tensor_resize_as(res, like, e)))
		return rc;
	return check_pair(who, res, like, e);
}

/* The threshold loops over [b, en) of one dtype.  Separate functions (not
 * `parallel for simd`, which GCC leaves scalar here) so that each
 * vectorizes; results may be inputs themselves (in place), hence no restrict. */
#define THRESHOLD(name, T)                                                                      \
	static void name(int64_t b, int64_t en, T *y, const T *x, T th, T val)                     \
	{                                                                                           \
		_Pragma("omp simd") for (int64_t i = b; i < en; i++)                                  \
		{                                                                                       \
			T a = x[i];                                                                     \
			y[i] = a > th ? a : val;                                                        \
		}                                                                                       \
	}                                                                                           \
	static void name##_back(int64_t b, int64_t en, T *gi, const T *go, const T *x, T th)       \
	{                                                                                           \
		_Pragma("omp simd") for (int64_t i = b; i < en; i++)                                  \
		{                                                                                       \
			T keep = go[i];                                                                 \
			gi[i] = x[i] > th ? keep : (T)0;                                                \
		}                                                                                       \
	}
THRESHOLD(threshold_f32, float)
THRESHOLD(threshold_f64, double)

int ml_nn_threshold(ml_tensor *y, const ml_tensor *x, double th, double val, ml_error *e)
{
	const char *who = "nn.Threshold";
	int rc;
	if ((rc = check_float(who, x, e)) || (rc = open_like(who, y, x, e)))
		return rc;
	int64_t n = ml_tensor_numel(x);
	if (n == 0)
		return ML_OK;
	int nt = ml_threads_for(n, ML_GRAIN_CHEAP);
	int f32 = x->dtype == ML_FLOAT;
	void *o = ml_tensor_data(y);
	const void *a = ml_tensor_data(x);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int part = 0; part < nt; part++) {
		int64_t b = n * part / nt, en = n * (part + 1) / nt;
		if (f32)
			threshold_f32(b, en, o, a, (float)th, (float)val);
		else
			threshold_f64(b, en, o, a, th, val);
	}
	return ML_OK;
}

int ml_nn_threshold_backward(ml_tensor *gi, const ml_tensor *go, const ml_tensor *x, double th, ml_error *e)
{
	const char *who = "nn.Threshold";
	int rc;
	if ((rc = check_pair(who, go, x, e)) || (rc = open_like(who, gi, x, e)))
		return rc;
	int64_t n = ml_tensor_numel(x);
	if (n == 0)
		return ML_OK;
	int nt = ml_threads_for(n, ML_GRAIN_CHEAP);
	int f32 = x->dtype == ML_FLOAT;
	void *o = ml_tensor_data(gi);
	const void *g = ml_tensor_data(go), *a = ml_tensor_data(x);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int part = 0; part < nt; part++) {
		int64_t b = n * part / nt, en = n * (part + 1) / nt;
		if (f32)
			threshold_f32_back(b, en, o, g, a, (float)th);
		else
			threshold_f64_back(b, en, o, g, a, th);
	}
	return ML_OK;
}

/* ---- log-softmax over rows ---- */

#define LOG_SOFTMAX(name, T, EXP, LOG)                                                         \
	static void name(T *y, const T *x, int64_t C)                                              \
	{                                                                                          \
		T mx = x[0];                                                                       \
		for (int64_t j = 1; j < C; j++)                                                    \
			mx = x[j] > mx || x[j] != x[j] ? x[j] : mx;                                    \
		double s = 0;                                                                      \
		for (int64_t j = 0; j < C; j++)                                                    \
			s += (double)EXP(x[j] - mx);                                                   \
		T lse = (T)log(s);                                                                 \
		for (int64_t j = 0; j < C; j++)                                                    \
			y[j] = (x[j] - mx) - lse;                                                      \
	}                                                                                          \
	static void name##_back(T *gi, const T *go, const T *y, int64_t C)                         \
	{                                                                                          \
		double s = 0;                                                                      \
		for (int64_t j = 0; j < C; j++)                                                    \
			s += (double)go[j];                                                            \
		T sg = (T)s;                                                                       \
		for (int64_t j = 0; j < C; j++)                                                    \
			gi[j] = go[j] - EXP(y[j]) * sg;                                                \
	}
LOG_SOFTMAX(log_softmax_f32, float, expf, logf)
LOG_SOFTMAX(log_softmax_f64, double, exp, log)

/* rows and row length of a 1-D or contiguous 2-D tensor; ML_OK or an error */
static int softmax_rows(const char *who, const ml_tensor *x, int64_t *rows, int64_t *C, ml_error *e)
{
	int rc = check_float(who, x, e);
	if (rc)
		return rc;
	if ((x->ndim != 1 && x->ndim != 2) || !ml_tensor_is_contiguous(x)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: expected a contiguous vector or (N, C) matrix (got %s)", who,
		               ml_tensor_shape_str(b, sizeof b, x));
	}
	*rows = x->ndim == 1 ? 1 : x->size[0];
	*C = x->size[x->ndim - 1];
	return ML_OK;
}

int ml_nn_log_softmax(ml_tensor *y, const ml_tensor *x, ml_error *e)
{
	const char *who = "nn.LogSoftMax";
	int64_t rows, C;
	int rc;
	if ((rc = softmax_rows(who, x, &rows, &C, e)) || (rc = open_like(who, y, x, e)))
		return rc;
	if (rows * C == 0)
		return ML_OK;
	int f32 = x->dtype == ML_FLOAT;
	char *yp = ml_tensor_data(y);
	const char *xp = ml_tensor_data(x);
	size_t es = f32 ? 4 : 8;
	int nt = ml_threads_for(rows * C, ML_GRAIN_COSTLY);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t r = 0; r < rows; r++) {
		size_t off = (size_t)(r * C) * es;
		if (f32)
			log_softmax_f32((float *)(void *)(yp + off), (const float *)(const void *)(xp + off), C);
		else
			log_softmax_f64((double *)(void *)(yp + off), (const double *)(const void *)(xp + off), C);
	}
	return ML_OK;
}

int ml_nn_log_softmax_backward(ml_tensor *gi, const ml_tensor *go, const ml_tensor *y, ml_error *e)
{
	const char *who = "nn.LogSoftMax";
	int64_t rows, C;
	int rc;
	if ((rc = softmax_rows(who, y, &rows, &C, e)) || (rc = check_pair(who, go, y, e)) ||
	    (rc = open_like(who, gi, y, e)))
		return rc;
	if (rows * C == 0)
		return ML_OK;
	int f32 = y->dtype == ML_FLOAT;
	char *gp = ml_tensor_data(gi);
	const char *op = ml_tensor_data(go), *yp = ml_tensor_data(y);
	size_t es = f32 ? 4 : 8;
	int nt = ml_threads_for(rows * C, ML_GRAIN_COSTLY);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
	for (int64_t r = 0; r < rows; r++) {
		size_t off = (size_t)(r * C) * es;
		if (f32)
			log_softmax_f32_back((float *)(void *)(gp + off), (const float *)(const void *)(op + off),
			                     (const float *)(const void *)(yp + off), C);
		else
			log_softmax_f64_back((double *)(void *)(gp + off), (const double *)(const void *)(op + off),
			                     (const double *)(const void *)(yp + off), C);
	}
	return ML_OK;
}

/* ---- optim.sgd's update ---- */

/* Momentum modes of a step. */
enum { SGD_PLAIN, SGD_FIRST, SGD_MOMENTUM, SGD_NESTEROV_FIRST, SGD_NESTEROV };

/* The step for one dtype; scalars are rounded to T first, as the tensor
 * passes (whose scalars take the tensor's dtype) do.  The mode and decay
 * are arguments of an always-inlined body called with constants, so that
 * each combination compiles to its own branch-free, vectorized loop. */
#define SGD_STEP(name, T)                                                                          \
	static inline __attribute__((always_inline)) void name##_run(                                  \
		int64_t b, int64_t en, T *restrict x, T *restrict g, T *restrict v, T wd, T mom, T keep,   \
		T step, const int decay, const int mode)                                               \
	{                                                                                              \
		_Pragma("omp simd") for (int64_t i = b; i < en; i++)                                     \
		{                                                                                          \
			T gi = g[i];                                                                       \
			if (decay)                                                                         \
				gi = gi + wd * x[i];                                                           \
			T s = gi;                                                                          \
			if (mode != SGD_PLAIN) {                                                           \
				T vi = gi;                                                                     \
				if (mode == SGD_MOMENTUM || mode == SGD_NESTEROV) {                            \
					T m = v[i] * mom;                                                          \
					vi = m + keep * gi;                                                        \
				}                                                                              \
				v[i] = vi;                                                                     \
				if (mode == SGD_NESTEROV || mode == SGD_NESTEROV_FIRST)                        \
					gi = gi + mom * vi;                                                        \
				s = (mode == SGD_NESTEROV || mode == SGD_NESTEROV_FIRST) ? gi : vi;            \
			}                                                                                  \
			if (decay || mode == SGD_NESTEROV || mode == SGD_NESTEROV_FIRST)                   \
				g[i] = gi;                                                                     \
			x[i] = x[i] + step * s;                                                            \
		}                                                                                          \
	}                                                                                              \
	static void name(int64_t n, T *restrict x, T *restrict g, T *restrict v, const ml_nn_sgd *o,   \
	                 int mode, int nt)                                                             \
	{                                                                                              \
		const T wd = (T)o->wd, mom = (T)o->mom, keep = (T)(1 - o->damp), step = (T)-o->lr;         \
		const int decay = o->wd != 0;                                                              \
		_Pragma("omp parallel for num_threads(nt) schedule(static) if (nt > 1)")                   \
		for (int part = 0; part < nt; part++) {                                                  \
			int64_t b = n * part / nt, en = n * (part + 1) / nt;                                   \
			switch (mode * 2 + decay) {                                                        \
			case SGD_PLAIN * 2: name##_run(b, en, x, g, v, wd, mom, keep, step, 0, SGD_PLAIN); break; \
			case SGD_PLAIN * 2 + 1: name##_run(b, en, x, g, v, wd, mom, keep, step, 1, SGD_PLAIN); break; \
			case SGD_FIRST * 2: name##_run(b, en, x, g, v, wd, mom, keep, step, 0, SGD_FIRST); break; \
			case SGD_FIRST * 2 + 1: name##_run(b, en, x, g, v, wd, mom, keep, step, 1, SGD_FIRST); break; \
			case SGD_MOMENTUM * 2: name##_run(b, en, x, g, v, wd, mom, keep, step, 0, SGD_MOMENTUM); break; \
			case SGD_MOMENTUM * 2 + 1: name##_run(b, en, x, g, v, wd, mom, keep, step, 1, SGD_MOMENTUM); break; \
			case SGD_NESTEROV_FIRST * 2: name##_run(b, en, x, g, v, wd, mom, keep, step, 0, SGD_NESTEROV_FIRST); break; \
			case SGD_NESTEROV_FIRST * 2 + 1: name##_run(b, en, x, g, v, wd, mom, keep, step, 1, SGD_NESTEROV_FIRST); break; \
			case SGD_NESTEROV * 2: name##_run(b, en, x, g, v, wd, mom, keep, step, 0, SGD_NESTEROV); break; \
			default: name##_run(b, en, x, g, v, wd, mom, keep, step, 1, SGD_NESTEROV); break;     \
			}                                                                                      \
		}                                                                                          \
	}
SGD_STEP(sgd_f32, float)
SGD_STEP(sgd_f64, double)

int ml_nn_sgd_step(ml_tensor *x, ml_tensor *g, ml_tensor *v, const ml_nn_sgd *o, ml_error *e)
{
	const char *who = "optim.sgd";
	int rc;
	if ((rc = check_float(who, x, e)) || (rc = check_pair(who, x, g, e)) ||
	    (v && (rc = check_pair(who, x, v, e))))
		return rc;
	if (o->mom != 0 && !v)
		return ml_fail(e, ML_EINVAL, "%s: momentum needs its buffer", who);
	int64_t n = ml_tensor_numel(x);
	if (n == 0)
		return ML_OK;
	if (x->storage == g->storage || (v && (v->storage == x->storage || v->storage == g->storage)))
		return ml_fail(e, ML_EINVAL, "%s: parameters, gradient and momentum must not share memory", who);
	int nt = ml_threads_for(n, ML_GRAIN_CHEAP);
	int mode = o->mom == 0 ? SGD_PLAIN
	         : o->nesterov ? (o->first ? SGD_NESTEROV_FIRST : SGD_NESTEROV)
	                       : (o->first ? SGD_FIRST : SGD_MOMENTUM);
	void *vd = mode == SGD_PLAIN ? NULL : ml_tensor_data(v);
	if (x->dtype == ML_FLOAT)
		sgd_f32(n, ml_tensor_data(x), ml_tensor_data(g), vd, o, mode, nt);
	else
		sgd_f64(n, ml_tensor_data(x), ml_tensor_data(g), vd, o, mode, nt);
	return ML_OK;
}
