/*
 * image.c - resampling, flips and quarter-turn rotations of (H, W) and
 * (C, H, W) tensors (see image.h for the exact contracts).
 *
 * Resampling is separable: each needed source row is converted to double and
 * interpolated along x into a scratch plane, then pairs of those rows are
 * blended along y into the output row.  Flips and rotations are copies
 * through a source walk with possibly negative steps; they move bytes and do
 * no arithmetic, so they accept every dtype.
 *
 * Everything here runs on one thread: images are small next to the work that
 * follows them, and callers may process several images in parallel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/* (H, W) or (C, H, W) -> channels, height, width and their strides (the
 * channel stride of a 2-D image is 0). */
typedef struct plane_geom {
	int64_t c, h, w;       /* channels, rows, columns */
	int64_t sc, sy, sx;    /* strides in elements */
} plane_geom;

static int geometry(const ml_tensor *t, const char *who, plane_geom *g, ml_error *e)
{
	char shape[ML_SHAPELEN];
	if (t->ndim != 2 && t->ndim != 3)
		return ml_fail(e, ML_ESHAPE, "%s: need an h x w or c x h x w image, got %s", who,
		               ml_tensor_shape_str(shape, sizeof shape, t));
	int d = t->ndim - 2;
	g->c = d ? t->size[0] : 1;
	g->sc = d ? t->stride[0] : 0;
	g->h = t->size[d], g->sy = t->stride[d];
	g->w = t->size[d + 1], g->sx = t->stride[d + 1];
	return ML_OK;
}

/* A fresh contiguous dst of src's dtype and ndim with `c` channels and h x w pixels. */
static int make_result(ml_tensor *dst, const ml_tensor *src, int64_t c, int64_t h, int64_t w,
                       ml_error *e)
{
	int64_t size[3] = {c, h, w};
	int three = src->ndim == 3;
	ml_tensor_release(dst);
	return ml_tensor_init_sized(dst, src->dtype, three ? 3 : 2, three ? size : size + 1, e);
}

/* ---- resampling ---- */

/* Source positions of the n outputs along one axis of length len. */
static void make_axis(int64_t n, int64_t len, ml_image_filter filter, int64_t *i0, int64_t *i1,
                      double *f)
{
	for (int64_t x = 0; x < n; x++) {
		if (filter == ML_IMAGE_NEAREST) {
			i0[x] = i1[x] = x * len / n;
			f[x] = 0;
			continue;
		}
		double s = (x + 0.5) * (double)len / (double)n - 0.5;
		if (s < 0)
			s = 0;
		if (s > (double)(len - 1))
			s = (double)(len - 1);
		int64_t a = (int64_t)s;
		i0[x] = a;
		i1[x] = a + 1 < len ? a + 1 : a;
		f[x] = s - (double)a;
	}
}

/* n elements of dtype dt from p (step in elements) into out as doubles. */
static void load_row(ml_dtype dt, const void *p, int64_t step, int64_t n, double *restrict out)
{
	switch (dt) {
	case ML_BYTE:
		for (int64_t i = 0; i < n; i++)
			out[i] = ((const uint8_t *)p)[i * step];
		break;
	case ML_FLOAT:
		for (int64_t i = 0; i < n; i++)
			out[i] = ((const float *)p)[i * step];
		break;
	case ML_DOUBLE:
		for (int64_t i = 0; i < n; i++)
			out[i] = ((const double *)p)[i * step];
		break;
	default: break; /* ml_image_scale accepts only the three dtypes above */
	}
}

/* n doubles into contiguous elements of dtype dt; Byte rounds to nearest and clamps. */
static void store_row(ml_dtype dt, void *p, int64_t n, const double *restrict v)
{
	switch (dt) {
	case ML_BYTE:
		for (int64_t i = 0; i < n; i++) {
			double r = floor(v[i] + 0.5);
			((uint8_t *)p)[i] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
		}
		break;
	case ML_FLOAT:
		for (int64_t i = 0; i < n; i++)
			((float *)p)[i] = (float)v[i];
		break;
	case ML_DOUBLE:
		for (int64_t i = 0; i < n; i++)
			((double *)p)[i] = v[i];
		break;
	default: break; /* ml_image_scale accepts only the three dtypes above */
	}
}

/* (1-f) a + f b, where f == 0 gives a exactly (even when b is not finite). */
static inline double lerp(double a, double b, double f)
{
	return f == 0 ? a : (1 - f) * a + f * b;
}

int ml_image_scale(ml_tensor *dst, const ml_tensor *src, int64_t w, int64_t h,
                   ml_image_filter filter, ml_error *e)
{
	char shape[ML_SHAPELEN];
	plane_geom g;
	int rc = geometry(src, "image.scale", &g, e);
	if (rc)
		return rc;
	if (src->dtype != ML_BYTE && src->dtype != ML_FLOAT && src->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "image.scale: %s tensors are not supported, only Byte, "
		               "Float or Double", ml_dtype_name(src->dtype));
	if (g.c < 1 || g.h < 1 || g.w < 1)
		return ml_fail(e, ML_ESHAPE, "image.scale: cannot scale an empty image (%s)",
		               ml_tensor_shape_str(shape, sizeof shape, src));
	if (w < 1 || h < 1)
		return ml_fail(e, ML_EINVAL, "image.scale: width and height must be >= 1, got %lldx%lld",
		               (long long)w, (long long)h);
	if (w > INT32_MAX || h > INT32_MAX || g.w > INT32_MAX || g.h > INT32_MAX)
		return ml_fail(e, ML_EINVAL, "image.scale: sizes must be below 2^31");

	size_t nw = (size_t)w, nh = (size_t)h, sw = (size_t)g.w, sh = (size_t)g.h;
	int64_t *ix = malloc(sizeof(int64_t) * 2 * (nw + nh));
	double *fx = malloc(sizeof(double) * (nw + nh));
	double *buf = malloc(sizeof(double) * (sw + nw));
	double *tmp = (sh > SIZE_MAX / sizeof(double) / nw) ? NULL : malloc(sizeof(double) * sh * nw);
	char *need = calloc(sh, 1);
	if (!ix || !fx || !buf || !tmp || !need) {
		rc = ml_fail(e, ML_ENOMEM, "image.scale: out of memory for a %lldx%lld result",
		             (long long)w, (long long)h);
		goto done;
	}
	rc = make_result(dst, src, g.c, h, w, e);
	if (rc)
		goto done;
	int64_t *ix0 = ix, *ix1 = ix + nw, *iy0 = ix + 2 * nw, *iy1 = iy0 + nh;
	double *fy = fx + nw, *row = buf + sw;
	make_axis(w, g.w, filter, ix0, ix1, fx);
	make_axis(h, g.h, filter, iy0, iy1, fy);
	for (int64_t y = 0; y < h; y++)
		need[iy0[y]] = need[iy1[y]] = 1;

	size_t esz = ml_dtype_info[src->dtype].size;
	const char *in = ml_tensor_data(src);
	char *out = ml_tensor_data(dst);
	for (int64_t k = 0; k < g.c; k++) {
		for (int64_t r = 0; r < g.h; r++) {
			if (!need[r])
				continue;
			load_row(src->dtype, in + (size_t)(k * g.sc + r * g.sy) * esz, g.sx, g.w, buf);
			double *t = tmp + r * w;
			for (int64_t x = 0; x < w; x++)
				t[x] = lerp(buf[ix0[x]], buf[ix1[x]], fx[x]);
		}
		for (int64_t y = 0; y < h; y++) {
			const double *a = tmp + iy0[y] * w, *b = tmp + iy1[y] * w;
			for (int64_t x = 0; x < w; x++)
				row[x] = lerp(a[x], b[x], fy[y]);
			store_row(src->dtype, out + (size_t)((k * h + y) * w) * esz, w, row);
		}
	}
done:
	free(ix);
	free(fx);
	free(buf);
	free(tmp);
	free(need);
	return rc;
}

/* ---- flips and rotations ---- */

/* Copies n elements of esz bytes from p (stepping `step` bytes, possibly
 * negative) to contiguous o.  Fixed-size memcpy compiles to plain moves. */
static void gather(char *restrict o, const char *restrict p, int64_t n, int64_t step, size_t esz)
{
	switch (esz) {
	case 1:
		for (int64_t i = 0; i < n; i++)
			o[i] = p[i * step];
		break;
	case 2:
		for (int64_t i = 0; i < n; i++)
			memcpy(o + 2 * i, p + i * step, 2);
		break;
	case 4:
		for (int64_t i = 0; i < n; i++)
			memcpy(o + 4 * i, p + i * step, 4);
		break;
	default:
		for (int64_t i = 0; i < n; i++)
			memcpy(o + (size_t)i * esz, p + i * step, esz);
		break;
	}
}

int ml_image_turn_to(ml_tensor *dst, const ml_tensor *src, ml_image_turn turn, ml_error *e)
{
	plane_geom g;
	const char *who = turn == ML_IMAGE_HFLIP ? "image.hflip"
	                  : turn == ML_IMAGE_VFLIP ? "image.vflip" : "image.rotate90";
	int rc = geometry(src, who, &g, e);
	if (rc)
		return rc;
	/* out[i][j] = src[base + i*a + j*b] (in elements) */
	int64_t oh = g.h, ow = g.w, base, a, b;
	switch (turn) {
	case ML_IMAGE_HFLIP: base = (g.w - 1) * g.sx, a = g.sy, b = -g.sx; break;
	case ML_IMAGE_VFLIP: base = (g.h - 1) * g.sy, a = -g.sy, b = g.sx; break;
	case ML_IMAGE_ROT180:
		base = (g.h - 1) * g.sy + (g.w - 1) * g.sx, a = -g.sy, b = -g.sx;
		break;
	case ML_IMAGE_ROT90:
		oh = g.w, ow = g.h;
		base = (g.w - 1) * g.sx, a = -g.sx, b = g.sy;
		break;
	case ML_IMAGE_ROT270:
		oh = g.w, ow = g.h;
		base = (g.h - 1) * g.sy, a = g.sx, b = -g.sy;
		break;
	default:
		return ml_fail(e, ML_EINVAL, "image.rotate90: unknown turn %d", (int)turn);
	}
	rc = make_result(dst, src, g.c, oh, ow, e);
	if (rc || g.c * oh * ow == 0)
		return rc;
	size_t esz = ml_dtype_info[src->dtype].size;
	const char *in = ml_tensor_data(src);
	char *out = ml_tensor_data(dst);
	for (int64_t k = 0; k < g.c; k++)
		for (int64_t i = 0; i < oh; i++)
			gather(out + (size_t)((k * oh + i) * ow) * esz,
			       in + (k * g.sc + base + i * a) * (int64_t)esz, ow, b * (int64_t)esz, esz);
	return ML_OK;
}
