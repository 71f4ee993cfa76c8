/*
 * nn_spatial.c - pixel loops of moonlab.nn's spatial layers: dilated
 * im2col/col2im, dilated max pooling, adaptive average/max pooling and
 * fractional max pooling.  See nn_spatial.h for the contracts.
 *
 * Float and Double share one body per loop: each body takes `f32` (1 for
 * Float) and reads/writes elements through the two accessors below; the
 * dispatchers call it with a constant, so the compiler specialises each
 * body per dtype.  Threads split the work by plane (n, c) or, for im2col,
 * by cols row, so no two threads write the same element.
 * Not here: GEMM (blas.h), the undilated fast paths (nn.c).
 */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "internal.h"
#include "nn_common.h"
#include "nn_spatial.h"

#define GRAIN 262144 /* work (elements x window) per thread below which a call stays serial */

#if defined(__GNUC__)
#define BODY static inline __attribute__((always_inline))
#else
#define BODY static inline
#endif

static int check_long(const char *who, const ml_tensor *idx, ml_error *e)
{
	if (idx->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "%s: indices must be a LongTensor (got %s)", who,
		               ml_dtype_info[idx->dtype].name);
	return ML_OK;
}

/* Resizes y (and idx when given) to (N, C, oh, ow). */
static int resize_out(const char *who, ml_tensor *y, ml_tensor *idx, const ml_tensor *x, int64_t oh, int64_t ow,
                      ml_error *e)
{
	int rc;
	if ((rc = same_dtype(who, y, x, e)))
		return rc;
	int64_t size[4] = {x->size[0], x->size[1], oh, ow};
	if ((rc = ml_tensor_resize(y, 4, size, e)))
		return rc;
	if (idx && ((rc = check_long(who, idx, e)) || (rc = ml_tensor_resize(idx, 4, size, e))))
		return rc;
	return ML_OK;
}

int ml_nn_spatial_out_size(const ml_nn_spatial_window *w, int64_t h, int64_t wd, int64_t *oh, int64_t *ow,
                     const char *who, ml_error *e)
{
	if (w->kh < 1 || w->kw < 1 || w->dh < 1 || w->dw < 1 || w->ph < 0 || w->pw < 0 || w->lh < 1 || w->lw < 1)
		return ml_fail(e, ML_EINVAL,
		               "%s: bad window (kernel %lldx%lld, stride %lldx%lld, pad %lldx%lld, dilation %lldx%lld)", who,
		               (long long)w->kh, (long long)w->kw, (long long)w->dh, (long long)w->dw, (long long)w->ph,
		               (long long)w->pw, (long long)w->lh, (long long)w->lw);
	int64_t ekh = w->lh * (w->kh - 1) + 1, ekw = w->lw * (w->kw - 1) + 1;
	int64_t hs = h + 2 * w->ph - ekh, ws = wd + 2 * w->pw - ekw;
	if (hs < 0 || ws < 0)
		return ml_fail(e, ML_ESHAPE,
		               "%s: input %lldx%lld (padded %lldx%lld) is smaller than the dilated kernel %lldx%lld", who,
		               (long long)h, (long long)wd, (long long)(h + 2 * w->ph), (long long)(wd + 2 * w->pw),
		               (long long)ekh, (long long)ekw);
	if (w->ceil_mode) {
		*oh = (hs + w->dh - 1) / w->dh + 1;
		*ow = (ws + w->dw - 1) / w->dw + 1;
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

typedef struct geom {
	int64_t N, C, H, W, oh, ow; /* input and output sizes */
} geom;

/* ---- im2col / col2im ---- */

/* The output columns ox whose input column ox*dw + shift lies in [0, W):
 * [*lo, *hi); the others read the padding. */
static inline void valid_cols(const geom *g, const ml_nn_spatial_window *w, int64_t shift, int64_t *lo, int64_t *hi)
{
	int64_t a = shift >= 0 ? 0 : (-shift + w->dw - 1) / w->dw;
	int64_t b = g->W - shift <= 0 ? 0 : (g->W - shift - 1) / w->dw + 1;
	*lo = a < g->ow ? a : g->ow;
	*hi = b < g->ow ? b : g->ow;
	if (*hi < *lo)
		*hi = *lo;
}

/* cols row r = (c, i, j) over all N*oh*ow columns. */
BODY void im2col_row(int f32, void *cols, const void *x, const geom *g, const ml_nn_spatial_window *w, int64_t r)
{
	int64_t kk = w->kh * w->kw, c = r / kk, i = (r % kk) / w->kw, j = r % w->kw;
	int64_t L = g->oh * g->ow, ncol = g->N * L;
	for (int64_t n = 0; n < g->N; n++) {
		int64_t plane = (n * g->C + c) * g->H * g->W;
		int64_t out = r * ncol + n * L;
		for (int64_t oy = 0; oy < g->oh; oy++) {
			int64_t y = oy * w->dh - w->ph + i * w->lh;
			int64_t o = out + oy * g->ow;
			if (y < 0 || y >= g->H) {
				for (int64_t ox = 0; ox < g->ow; ox++)
					st(f32, cols, o + ox, 0);
				continue;
			}
			int64_t src = plane + y * g->W, shift = j * w->lw - w->pw, lo, hi;
			valid_cols(g, w, shift, &lo, &hi);
			for (int64_t ox = 0; ox < lo; ox++)
				st(f32, cols, o + ox, 0);
			for (int64_t ox = lo; ox < hi; ox++)
				st(f32, cols, o + ox, ld(f32, x, src + ox * w->dw + shift));
			for (int64_t ox = hi; ox < g->ow; ox++)
				st(f32, cols, o + ox, 0);
		}
	}
}

static int geom_of(const char *who, const ml_tensor *x, const ml_nn_spatial_window *w, geom *g, ml_error *e)
{
	*g = (geom){x->size[0], x->size[1], x->size[2], x->size[3], 0, 0};
	return ml_nn_spatial_out_size(w, g->H, g->W, &g->oh, &g->ow, who, e);
}

int ml_nn_spatial_im2col(ml_tensor *cols, const ml_tensor *x, const ml_nn_spatial_window *w, const char *who,
                         ml_error *e)
{
	int rc;
	geom g;
	if ((rc = check_image(who, x, e)) || (rc = same_dtype(who, cols, x, e)) || (rc = geom_of(who, x, w, &g, e)))
		return rc;
	int64_t rows = g.C * w->kh * w->kw, ncol = g.N * g.oh * g.ow;
	int64_t size[2] = {rows, ncol};
	if ((rc = ml_tensor_resize(cols, 2, size, e)))
		return rc;
	if (rows * ncol == 0)
		return ML_OK;
	void *c = ml_tensor_data(cols);
	const void *xp = ml_tensor_data(x);
	int nt = ml_threads_for(rows * ncol, GRAIN);
	if (x->dtype == ML_FLOAT) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t r = 0; r < rows; r++)
			im2col_row(1, c, xp, &g, w, r);
	} else {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t r = 0; r < rows; r++)
			im2col_row(0, c, xp, &g, w, r);
	}
	return ML_OK;
}

/* Plane p = (n, c) of x receives every cols entry taken from it. */
BODY void col2im_plane(int f32, void *x, const void *cols, const geom *g, const ml_nn_spatial_window *w, int64_t p)
{
	int64_t n = p / g->C, c = p % g->C;
	int64_t L = g->oh * g->ow, ncol = g->N * L, plane = p * g->H * g->W;
	for (int64_t k = 0; k < g->H * g->W; k++)
		st(f32, x, plane + k, 0);
	for (int64_t i = 0; i < w->kh; i++) {
		for (int64_t j = 0; j < w->kw; j++) {
			int64_t row = ((c * w->kh + i) * w->kw + j) * ncol + n * L;
			int64_t lo, hi, shift = j * w->lw - w->pw;
			valid_cols(g, w, shift, &lo, &hi);
			for (int64_t oy = 0; oy < g->oh; oy++) {
				int64_t y = oy * w->dh - w->ph + i * w->lh;
				if (y < 0 || y >= g->H)
					continue;
				int64_t dst = plane + y * g->W + shift, src = row + oy * g->ow;
				for (int64_t ox = lo; ox < hi; ox++)
					st(f32, x, dst + ox * w->dw, ld(f32, x, dst + ox * w->dw) + ld(f32, cols, src + ox));
			}
		}
	}
}

int ml_nn_spatial_col2im(ml_tensor *x, const ml_tensor *cols, const ml_nn_spatial_window *w, const char *who,
                         ml_error *e)
{
	int rc;
	geom g;
	if ((rc = check_image(who, x, e)) || (rc = same_dtype(who, cols, x, e)) || (rc = geom_of(who, x, w, &g, e)))
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
	void *xp = ml_tensor_data(x);
	const void *cp = ml_tensor_data(cols);
	int nt = ml_threads_for(rows * ncol, GRAIN);
	if (x->dtype == ML_FLOAT) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			col2im_plane(1, xp, cp, &g, w, p);
	} else {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			col2im_plane(0, xp, cp, &g, w, p);
	}
	return ML_OK;
}

/* ---- dilated max pooling ---- */

/* v replaces the running best when larger, or when it is the first NaN. */
#define TAKES(v, best, have) (!(have) || (v) > (best) || ((v) != (v) && (best) == (best)))

BODY void maxpool_plane(int f32, void *y, int64_t *idx, const void *x, const geom *g, const ml_nn_spatial_window *w,
                        int64_t p)
{
	int64_t in = p * g->H * g->W, out = p * g->oh * g->ow;
	for (int64_t oy = 0; oy < g->oh; oy++) {
		for (int64_t ox = 0; ox < g->ow; ox++) {
			double best = 0;
			int64_t at = -1;
			for (int64_t i = 0; i < w->kh; i++) {
				int64_t yy = oy * w->dh - w->ph + i * w->lh;
				if (yy < 0 || yy >= g->H)
					continue;
				for (int64_t j = 0; j < w->kw; j++) {
					int64_t xx = ox * w->dw - w->pw + j * w->lw;
					if (xx < 0 || xx >= g->W)
						continue;
					double v = ld(f32, x, in + yy * g->W + xx);
					if (TAKES(v, best, at >= 0)) {
						best = v;
						at = yy * g->W + xx;
					}
				}
			}
			st(f32, y, out + oy * g->ow + ox, best);
			idx[out + oy * g->ow + ox] = at + 1;
		}
	}
}

int ml_nn_spatial_maxpool(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_nn_spatial_window *w,
                          const char *who,
                    ml_error *e)
{
	int rc;
	geom g;
	if ((rc = check_image(who, x, e)) || (rc = geom_of(who, x, w, &g, e)))
		return rc;
	if (w->ph * 2 > w->kh || w->pw * 2 > w->kw)
		return ml_fail(e, ML_EINVAL, "%s: padding (%lldx%lld) must be at most half the kernel (%lldx%lld)", who,
		               (long long)w->ph, (long long)w->pw, (long long)w->kh, (long long)w->kw);
	if ((rc = resize_out(who, y, idx, x, g.oh, g.ow, e)))
		return rc;
	int64_t planes = g.N * g.C;
	if (planes * g.oh * g.ow == 0)
		return ML_OK;
	void *yp = ml_tensor_data(y);
	int64_t *ip = ml_tensor_data(idx);
	const void *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * g.oh * g.ow * w->kh * w->kw, GRAIN);
	if (x->dtype == ML_FLOAT) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			maxpool_plane(1, yp, ip, xp, &g, w, p);
	} else {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			maxpool_plane(0, yp, ip, xp, &g, w, p);
	}
	return ML_OK;
}

/* ---- adaptive pooling ---- */

static inline int64_t start_of(int64_t o, int64_t out, int64_t in) { return (o * in) / out; }
static inline int64_t end_of(int64_t o, int64_t out, int64_t in) { return ((o + 1) * in + out - 1) / out; }

/* mode 0: mean into y; mode 1: maximum into y and idx. */
BODY void adaptive_plane(int f32, int mode, void *y, int64_t *idx, const void *x, const geom *g, int64_t p)
{
	int64_t in = p * g->H * g->W, out = p * g->oh * g->ow;
	for (int64_t oy = 0; oy < g->oh; oy++) {
		int64_t y0 = start_of(oy, g->oh, g->H), y1 = end_of(oy, g->oh, g->H);
		for (int64_t ox = 0; ox < g->ow; ox++) {
			int64_t x0 = start_of(ox, g->ow, g->W), x1 = end_of(ox, g->ow, g->W);
			double acc = 0;
			int64_t at = -1;
			for (int64_t yy = y0; yy < y1; yy++)
				for (int64_t xx = x0; xx < x1; xx++) {
					double v = ld(f32, x, in + yy * g->W + xx);
					if (mode == 0) {
						acc += v;
					} else if (TAKES(v, acc, at >= 0)) {
						acc = v;
						at = yy * g->W + xx;
					}
				}
			if (mode == 0)
				acc /= (double)((y1 - y0) * (x1 - x0));
			else
				idx[out + oy * g->ow + ox] = at + 1;
			st(f32, y, out + oy * g->ow + ox, acc);
		}
	}
}

static int adaptive(int mode, ml_tensor *y, ml_tensor *idx, const ml_tensor *x, int64_t oh, int64_t ow,
                    const char *who, ml_error *e)
{
	int rc;
	if ((rc = check_image(who, x, e)))
		return rc;
	if (oh < 1 || ow < 1)
		return ml_fail(e, ML_EINVAL, "%s: output size must be positive (got %lldx%lld)", who, (long long)oh,
		               (long long)ow);
	geom g = {x->size[0], x->size[1], x->size[2], x->size[3], oh, ow};
	if (mode == 1 && g.H * g.W == 0 && g.N * g.C > 0) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: empty input planes (got %s)", who, ml_tensor_shape_str(b, sizeof b, x));
	}
	if ((rc = resize_out(who, y, idx, x, oh, ow, e)))
		return rc;
	int64_t planes = g.N * g.C;
	if (planes == 0)
		return ML_OK;
	void *yp = ml_tensor_data(y);
	int64_t *ip = idx ? ml_tensor_data(idx) : NULL;
	const void *xp = ml_tensor_data(x);
	int nt = ml_threads_for(planes * (g.H * g.W + oh * ow), GRAIN);
	if (x->dtype == ML_FLOAT) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			adaptive_plane(1, mode, yp, ip, xp, &g, p);
	} else {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			adaptive_plane(0, mode, yp, ip, xp, &g, p);
	}
	return ML_OK;
}

int ml_nn_spatial_adaptive_avg(ml_tensor *y, const ml_tensor *x, int64_t oh, int64_t ow, const char *who, ml_error *e)
{
	return adaptive(0, y, NULL, x, oh, ow, who, e);
}

int ml_nn_spatial_adaptive_max(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, int64_t oh, int64_t ow,
                         const char *who, ml_error *e)
{
	return adaptive(1, y, idx, x, oh, ow, who, e);
}

BODY void adaptive_avg_back_plane(int f32, void *gx, const void *gy, const geom *g, int64_t p)
{
	int64_t in = p * g->H * g->W, out = p * g->oh * g->ow;
	for (int64_t k = 0; k < g->H * g->W; k++)
		st(f32, gx, in + k, 0);
	for (int64_t oy = 0; oy < g->oh; oy++) {
		int64_t y0 = start_of(oy, g->oh, g->H), y1 = end_of(oy, g->oh, g->H);
		for (int64_t ox = 0; ox < g->ow; ox++) {
			int64_t x0 = start_of(ox, g->ow, g->W), x1 = end_of(ox, g->ow, g->W);
			double v = ld(f32, gy, out + oy * g->ow + ox) / (double)((y1 - y0) * (x1 - x0));
			for (int64_t yy = y0; yy < y1; yy++)
				for (int64_t xx = x0; xx < x1; xx++)
					st(f32, gx, in + yy * g->W + xx, ld(f32, gx, in + yy * g->W + xx) + v);
		}
	}
}

int ml_nn_spatial_adaptive_avg_backward(ml_tensor *gx, const ml_tensor *gy, const char *who, ml_error *e)
{
	int rc;
	if ((rc = check_image(who, gx, e)) || (rc = check_image(who, gy, e)) || (rc = same_dtype(who, gx, gy, e)))
		return rc;
	if (gx->size[0] != gy->size[0] || gx->size[1] != gy->size[1]) {
		char a[ML_SHAPELEN], b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: gradOutput %s does not match input %s", who,
		               ml_tensor_shape_str(a, sizeof a, gy), ml_tensor_shape_str(b, sizeof b, gx));
	}
	geom g = {gx->size[0], gx->size[1], gx->size[2], gx->size[3], gy->size[2], gy->size[3]};
	int64_t planes = g.N * g.C;
	if (planes * g.H * g.W == 0)
		return ML_OK;
	void *xp = ml_tensor_data(gx);
	const void *yp = ml_tensor_data(gy);
	int nt = ml_threads_for(planes * (g.H * g.W + g.oh * g.ow), GRAIN);
	if (gx->dtype == ML_FLOAT) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			adaptive_avg_back_plane(1, xp, yp, &g, p);
	} else {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			adaptive_avg_back_plane(0, xp, yp, &g, p);
	}
	return ML_OK;
}

/* ---- fractional max pooling ---- */

/* The window start of output i: Torch7's sequence in the element type. */
static int64_t frac_start(int f32, double u, int64_t i, int64_t in, int64_t out, int64_t pool)
{
	if (i == out - 1)
		return in - pool;
	if (f32) {
		float a = (float)(in - pool) / (float)(out - 1), uf = (float)u;
		return (int64_t)(((float)i + uf) * a) - (int64_t)(uf * a);
	}
	double a = (double)(in - pool) / (double)(out - 1);
	return (int64_t)(((double)i + u) * a) - (int64_t)(u * a);
}

BODY void fracmax_plane(int f32, void *y, int64_t *idx, const void *x, const void *s, const geom *g, int64_t kh,
                        int64_t kw, int64_t p)
{
	int64_t in = p * g->H * g->W, out = p * g->oh * g->ow;
	double uw = ld(f32, s, 2 * p), uh = ld(f32, s, 2 * p + 1);
	for (int64_t oy = 0; oy < g->oh; oy++) {
		int64_t y0 = frac_start(f32, uh, oy, g->H, g->oh, kh);
		for (int64_t ox = 0; ox < g->ow; ox++) {
			int64_t x0 = frac_start(f32, uw, ox, g->W, g->ow, kw);
			double best = 0;
			int64_t at = -1;
			for (int64_t yy = y0; yy < y0 + kh; yy++)
				for (int64_t xx = x0; xx < x0 + kw; xx++) {
					double v = ld(f32, x, in + yy * g->W + xx);
					if (TAKES(v, best, at >= 0)) {
						best = v;
						at = yy * g->W + xx;
					}
				}
			st(f32, y, out + oy * g->ow + ox, best);
			idx[out + oy * g->ow + ox] = at + 1;
		}
	}
}

int ml_nn_spatial_fracmax(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_tensor *samples, int64_t oh,
                    int64_t ow, int64_t kh, int64_t kw, const char *who, ml_error *e)
{
	int rc;
	if ((rc = check_image(who, x, e)) || (rc = same_dtype(who, samples, x, e)))
		return rc;
	geom g = {x->size[0], x->size[1], x->size[2], x->size[3], oh, ow};
	if (samples->ndim != 3 || samples->size[0] != g.N || samples->size[1] != g.C || samples->size[2] != 2 ||
	    !ml_tensor_is_contiguous(samples)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: samples must be a contiguous %lldx%lldx2 tensor (got %s)", who,
		               (long long)g.N, (long long)g.C, ml_tensor_shape_str(b, sizeof b, samples));
	}
	if (kh < 1 || kw < 1 || oh < 1 || ow < 1 || oh + kh - 1 > g.H || ow + kw - 1 > g.W)
		return ml_fail(e, ML_ESHAPE, "%s: input %lldx%lld is too small for output %lldx%lld with pool %lldx%lld",
		               who, (long long)g.H, (long long)g.W, (long long)oh, (long long)ow, (long long)kh,
		               (long long)kw);
	if ((rc = resize_out(who, y, idx, x, oh, ow, e)))
		return rc;
	int64_t planes = g.N * g.C;
	if (planes == 0)
		return ML_OK;
	void *yp = ml_tensor_data(y);
	int64_t *ip = ml_tensor_data(idx);
	const void *xp = ml_tensor_data(x), *sp = ml_tensor_data(samples);
	int nt = ml_threads_for(planes * oh * ow * kh * kw, GRAIN);
	if (x->dtype == ML_FLOAT) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			fracmax_plane(1, yp, ip, xp, sp, &g, kh, kw, p);
	} else {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
		for (int64_t p = 0; p < planes; p++)
			fracmax_plane(0, yp, ip, xp, sp, &g, kh, kw, p);
	}
	return ML_OK;
}
