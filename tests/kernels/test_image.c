/*
 * test_image.c - resampling, flips and rotations (kernels/image.c) against
 * naive per-pixel references written from the contracts in image.h, for
 * Byte/Float/Double (and every dtype for the byte-moving turns), 2-D and 3-D,
 * contiguous and strided sources, odd, unit and empty sizes; plus small cases
 * worked out by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "image.h"

static double get(const ml_tensor *t, int64_t c, int64_t y, int64_t x)
{
	int64_t idx[3] = {c, y, x};
	return ml_load_f64(t->dtype, ml_tensor_ptr(t, t->ndim == 3 ? idx : idx + 1));
}

static void set(ml_tensor *t, int64_t c, int64_t y, int64_t x, double v)
{
	int64_t idx[3] = {c, y, x};
	ml_store_f64(t->dtype, ml_tensor_ptr(t, t->ndim == 3 ? idx : idx + 1), v);
}

/* A source image of c x h x w (or h x w when c == 0) as a view: strided
 * sources are the transpose of a w x h allocation, narrowed by one column. */
static void make_src(ml_tensor *v, ml_dtype dt, int64_t c, int64_t h, int64_t w, int strided)
{
	ml_error e;
	ml_tensor base;
	int nd = c ? 3 : 2;
	int64_t size[3] = {c, strided ? w + 1 : h, strided ? h : w};
	ml_tensor_init_sized(&base, dt, nd, c ? size : size + 1, &e);
	ml_tensor_init(v, dt);
	ml_tensor_set(v, &base);
	ml_tensor_release(&base);
	if (strided) {
		ml_tensor_narrow(v, nd - 2, 1, w, &e);
		ml_tensor_transpose(v, nd - 2, nd - 1, &e);
	}
	for (int64_t k = 0; k < (c ? c : 1); k++)
		for (int64_t y = 0; y < h; y++)
			for (int64_t x = 0; x < w; x++) {
				double val = (double)((x * 37 + y * 91 + k * 53) % 256);
				if (dt != ML_BYTE && dt != ML_CHAR)
					val = val / 7.0 - 11.0 * (dt == ML_FLOAT || dt == ML_DOUBLE);
				set(v, k, y, x, val);
			}
}

/* ---- scale ---- */

/* Source coordinate of output index x along an axis (image.h's formula). */
static void src_coord(int64_t x, int64_t out, int64_t in, int nearest, int64_t *i0, int64_t *i1,
                      double *f)
{
	if (nearest) {
		*i0 = *i1 = (int64_t)floor((double)x * (double)in / (double)out);
		*f = 0;
		return;
	}
	double s = (x + 0.5) * (double)in / (double)out - 0.5;
	s = s < 0 ? 0 : s > in - 1 ? in - 1 : s;
	*i0 = (int64_t)floor(s);
	*i1 = *i0 + 1 < in ? *i0 + 1 : *i0;
	*f = s - (double)*i0;
}

static double mix(double a, double b, double f)
{
	return f == 0 ? a : (1 - f) * a + f * b;
}

static double naive_scale(const ml_tensor *src, int64_t k, int64_t y, int64_t x, int64_t w,
                          int64_t h, int nearest)
{
	int64_t W = src->size[src->ndim - 1], H = src->size[src->ndim - 2];
	int64_t x0, x1, y0, y1;
	double fx, fy;
	src_coord(x, w, W, nearest, &x0, &x1, &fx);
	src_coord(y, h, H, nearest, &y0, &y1, &fy);
	double top = mix(get(src, k, y0, x0), get(src, k, y0, x1), fx);
	double bot = mix(get(src, k, y1, x0), get(src, k, y1, x1), fx);
	double v = mix(top, bot, fy);
	if (src->dtype == ML_BYTE) {
		v = floor(v + 0.5);
		v = v < 0 ? 0 : v > 255 ? 255 : v;
	} else if (src->dtype == ML_FLOAT) {
		v = (float)v;
	}
	return v;
}

static void test_scale_vs_naive(void)
{
	ml_dtype dts[3] = {ML_BYTE, ML_FLOAT, ML_DOUBLE};
	int64_t sizes[][4] = {/* h, w, out h, out w */
	                      {5, 7, 11, 3}, {5, 7, 2, 13}, {1, 1, 4, 3}, {4, 6, 1, 1}, {7, 3, 7, 3},
	                      {9, 10, 4, 5}, {3, 8, 17, 23}, {1, 9, 3, 4}, {6, 1, 5, 2}};
	ml_error e;
	for (int d = 0; d < 3; d++)
		for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
			for (int64_t c = 0; c <= 3; c += 3)
				for (int strided = 0; strided < 2; strided++)
					for (int nearest = 0; nearest < 2; nearest++) {
						int64_t h = sizes[s][0], w = sizes[s][1];
						int64_t oh = sizes[s][2], ow = sizes[s][3];
						ml_tensor src, dst;
						make_src(&src, dts[d], c, h, w, strided);
						ml_tensor_init(&dst, ML_DOUBLE);
						int rc = ml_image_scale(&dst, &src, ow, oh,
						                        nearest ? ML_IMAGE_NEAREST : ML_IMAGE_BILINEAR, &e);
						CHECK(rc == 0, "scale: %s", rc ? e.msg : "");
						CHECK(dst.dtype == dts[d] && dst.ndim == src.ndim &&
						      dst.size[dst.ndim - 1] == ow && dst.size[dst.ndim - 2] == oh &&
						      (c == 0 || dst.size[0] == c) && ml_tensor_is_contiguous(&dst),
						      "scale result shape");
						int bad = 0;
						for (int64_t k = 0; !rc && k < (c ? c : 1); k++)
							for (int64_t y = 0; y < oh; y++)
								for (int64_t x = 0; x < ow; x++)
									bad += get(&dst, k, y, x) !=
									       naive_scale(&src, k, y, x, ow, oh, nearest);
						CHECK(bad == 0, "%s %s %lldx%lld -> %lldx%lld c=%lld strided=%d: %d differ",
						      nearest ? "nearest" : "bilinear", ml_dtype_name(dts[d]),
						      (long long)h, (long long)w, (long long)oh, (long long)ow,
						      (long long)c, strided, bad);
						ml_tensor_release(&dst);
						ml_tensor_release(&src);
					}
}

static void check_values(const ml_tensor *t, const double *want, int64_t n, const char *what)
{
	int bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += fabs(ml_load_f64(t->dtype, (char *)ml_tensor_data(t) + i * (int64_t)ml_dtype_info[t->dtype].size) -
		            want[i]) > 1e-12;
	CHECK(bad == 0 && ml_tensor_numel(t) == n, "%s: %d values differ", what, bad);
}

static void test_scale_by_hand(void)
{
	ml_error e;
	ml_tensor src, dst;
	int64_t s22[2] = {2, 2};
	ml_tensor_init_sized(&src, ML_DOUBLE, 2, s22, &e);
	double v[4] = {0, 1, 2, 3};
	memcpy(ml_tensor_data(&src), v, sizeof v);
	ml_tensor_init(&dst, ML_DOUBLE);
	/* 2x2 -> 4x4: centres at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped) */
	ml_image_scale(&dst, &src, 4, 4, ML_IMAGE_BILINEAR, &e);
	double up[16] = {0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3};
	check_values(&dst, up, 16, "2x2 -> 4x4 bilinear");
	/* 2x2 -> 1x1: the centre, the mean */
	ml_image_scale(&dst, &src, 1, 1, ML_IMAGE_BILINEAR, &e);
	double mean[1] = {1.5};
	check_values(&dst, mean, 1, "2x2 -> 1x1 bilinear");
	/* 2x2 -> 3x2 (w=3): columns at 0 (clamped), 0.5, 1 (clamped); rows as is */
	ml_image_scale(&dst, &src, 3, 2, ML_IMAGE_BILINEAR, &e);
	double wide[6] = {0, 0.5, 1, 2, 2.5, 3};
	check_values(&dst, wide, 6, "2x2 -> 2x3 bilinear");
	/* nearest 2x2 -> 4x4 duplicates pixels */
	ml_image_scale(&dst, &src, 4, 4, ML_IMAGE_NEAREST, &e);
	double dup[16] = {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3};
	check_values(&dst, dup, 16, "2x2 -> 4x4 nearest");
	ml_tensor_release(&src);
	/* 1x4 row [0 10 20 30] -> 1x2: centres at 0.5 and 2.5 -> 5 and 25 */
	int64_t s14[2] = {1, 4};
	ml_tensor_init_sized(&src, ML_BYTE, 2, s14, &e);
	uint8_t r[4] = {0, 10, 20, 30};
	memcpy(ml_tensor_data(&src), r, 4);
	ml_image_scale(&dst, &src, 2, 1, ML_IMAGE_BILINEAR, &e);
	double half[2] = {5, 25};
	check_values(&dst, half, 2, "1x4 -> 1x2 byte");
	/* byte rounding: [0 1] -> 4 wide gives 0, .25, .75, 1 -> 0, 0, 1, 1 */
	uint8_t r2[4] = {0, 1, 0, 1};
	memcpy(ml_tensor_data(&src), r2, 4);
	ml_tensor_narrow(&src, 1, 0, 2, &e);
	ml_image_scale(&dst, &src, 4, 1, ML_IMAGE_BILINEAR, &e);
	double rounded[4] = {0, 0, 1, 1};
	check_values(&dst, rounded, 4, "byte rounding");
	/* NaN stays where nearest puts it and does not leak across a zero weight */
	ml_tensor_release(&src);
	ml_tensor_init_sized(&src, ML_DOUBLE, 2, s22, &e);
	double nanv[4] = {1, NAN, 2, 3};
	memcpy(ml_tensor_data(&src), nanv, sizeof nanv);
	ml_image_scale(&dst, &src, 2, 2, ML_IMAGE_BILINEAR, &e);
	const double *o = ml_tensor_data(&dst);
	CHECK(o[0] == 1 && isnan(o[1]) && o[2] == 2 && o[3] == 3, "identity keeps NaN in place");
	ml_tensor_release(&dst);
	ml_tensor_release(&src);
}

static void test_scale_errors(void)
{
	ml_error e;
	ml_tensor src, dst;
	int64_t s1[1] = {4}, s2[2] = {3, 4}, s0[2] = {0, 4}, s4[4] = {1, 1, 2, 2};
	ml_tensor_init(&dst, ML_DOUBLE);
	ml_tensor_init_sized(&src, ML_DOUBLE, 1, s1, &e);
	CHECK(ml_image_scale(&dst, &src, 2, 2, ML_IMAGE_BILINEAR, &e) == ML_ESHAPE &&
	      strstr(e.msg, "image.scale: need an h x w or c x h x w image, got 4"), "%s", e.msg);
	ml_tensor_release(&src);
	ml_tensor_init_sized(&src, ML_DOUBLE, 4, s4, &e);
	CHECK(ml_image_scale(&dst, &src, 2, 2, ML_IMAGE_BILINEAR, &e) == ML_ESHAPE &&
	      strstr(e.msg, "got 1x1x2x2"), "%s", e.msg);
	ml_tensor_release(&src);
	ml_tensor_init_sized(&src, ML_INT, 2, s2, &e);
	CHECK(ml_image_scale(&dst, &src, 2, 2, ML_IMAGE_BILINEAR, &e) == ML_ETYPE &&
	      strstr(e.msg, "image.scale: Int tensors are not supported"), "%s", e.msg);
	ml_tensor_release(&src);
	ml_tensor_init_sized(&src, ML_FLOAT, 2, s0, &e);
	CHECK(ml_image_scale(&dst, &src, 2, 2, ML_IMAGE_NEAREST, &e) == ML_ESHAPE &&
	      strstr(e.msg, "cannot scale an empty image (0x4)"), "%s", e.msg);
	ml_tensor_release(&src);
	ml_tensor_init_sized(&src, ML_FLOAT, 2, s2, &e);
	CHECK(ml_image_scale(&dst, &src, 0, 2, ML_IMAGE_NEAREST, &e) == ML_EINVAL &&
	      strstr(e.msg, "width and height must be >= 1, got 0x2"), "%s", e.msg);
	CHECK(dst.storage == NULL, "no result on error");
	ml_tensor_release(&src);
}

/* ---- flips and rotations ---- */

static double naive_turn(const ml_tensor *src, ml_image_turn turn, int64_t k, int64_t i, int64_t j)
{
	int64_t W = src->size[src->ndim - 1], H = src->size[src->ndim - 2];
	switch (turn) {
	case ML_IMAGE_HFLIP: return get(src, k, i, W - 1 - j);
	case ML_IMAGE_VFLIP: return get(src, k, H - 1 - i, j);
	case ML_IMAGE_ROT90: return get(src, k, j, W - 1 - i);
	case ML_IMAGE_ROT180: return get(src, k, H - 1 - i, W - 1 - j);
	default: return get(src, k, H - 1 - j, i);
	}
}

static void test_turns(void)
{
	ml_error e;
	int64_t sizes[][2] = {{5, 7}, {1, 6}, {4, 1}, {1, 1}, {3, 3}};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int t = ML_IMAGE_HFLIP; t <= ML_IMAGE_ROT270; t++)
			for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
				for (int64_t c = 0; c <= 2; c += 2)
					for (int strided = 0; strided < 2; strided++) {
						int64_t h = sizes[s][0], w = sizes[s][1];
						ml_tensor src, dst;
						make_src(&src, (ml_dtype)dt, c, h, w, strided);
						ml_tensor_init(&dst, ML_DOUBLE);
						int rc = ml_image_turn_to(&dst, &src, (ml_image_turn)t, &e);
						int swap = t == ML_IMAGE_ROT90 || t == ML_IMAGE_ROT270;
						int64_t oh = swap ? w : h, ow = swap ? h : w;
						CHECK(rc == 0 && dst.dtype == (ml_dtype)dt && dst.ndim == src.ndim &&
						      dst.size[dst.ndim - 2] == oh && dst.size[dst.ndim - 1] == ow &&
						      ml_tensor_is_contiguous(&dst), "turn %d shape", t);
						int bad = 0;
						for (int64_t k = 0; !rc && k < (c ? c : 1); k++)
							for (int64_t i = 0; i < oh; i++)
								for (int64_t j = 0; j < ow; j++)
									bad += get(&dst, k, i, j) != naive_turn(&src, (ml_image_turn)t, k, i, j);
						CHECK(bad == 0, "turn %d %s %lldx%lld c=%lld strided=%d: %d differ", t,
						      ml_dtype_name((ml_dtype)dt), (long long)h, (long long)w,
						      (long long)c, strided, bad);
						ml_tensor_release(&dst);
						ml_tensor_release(&src);
					}
	/* by hand: numpy.rot90([[1,2,3],[4,5,6]]) = [[3,6],[2,5],[1,4]] */
	int64_t s23[2] = {2, 3};
	ml_tensor src, dst;
	ml_tensor_init_sized(&src, ML_DOUBLE, 2, s23, &e);
	for (int i = 0; i < 6; i++)
		((double *)ml_tensor_data(&src))[i] = i + 1;
	ml_tensor_init(&dst, ML_DOUBLE);
	ml_image_turn_to(&dst, &src, ML_IMAGE_ROT90, &e);
	double r90[6] = {3, 6, 2, 5, 1, 4};
	check_values(&dst, r90, 6, "rot90 by hand");
	CHECK(dst.size[0] == 3 && dst.size[1] == 2, "rot90 shape");
	ml_image_turn_to(&dst, &src, ML_IMAGE_ROT270, &e);
	double r270[6] = {4, 1, 5, 2, 6, 3};
	check_values(&dst, r270, 6, "rot270 by hand");
	ml_image_turn_to(&dst, &src, ML_IMAGE_HFLIP, &e);
	double hf[6] = {3, 2, 1, 6, 5, 4};
	check_values(&dst, hf, 6, "hflip by hand");
	ml_image_turn_to(&dst, &src, ML_IMAGE_VFLIP, &e);
	double vf[6] = {4, 5, 6, 1, 2, 3};
	check_values(&dst, vf, 6, "vflip by hand");
	ml_tensor_release(&src);
	/* empty images turn to empty images */
	int64_t s0[3] = {3, 0, 4};
	ml_tensor_init_sized(&src, ML_FLOAT, 3, s0, &e);
	CHECK(ml_image_turn_to(&dst, &src, ML_IMAGE_ROT90, &e) == 0 && dst.ndim == 3 &&
	      dst.size[0] == 3 && dst.size[1] == 4 && dst.size[2] == 0, "empty rot90");
	ml_tensor_release(&src);
	int64_t s1[1] = {5};
	ml_tensor_init_sized(&src, ML_FLOAT, 1, s1, &e);
	CHECK(ml_image_turn_to(&dst, &src, ML_IMAGE_HFLIP, &e) == ML_ESHAPE &&
	      strstr(e.msg, "image.hflip: need an h x w or c x h x w image, got 5"), "%s", e.msg);
	ml_tensor_release(&src);
	ml_tensor_release(&dst);
}

int main(void)
{
	test_scale_vs_naive();
	test_scale_by_hand();
	test_scale_errors();
	test_turns();
	return check_done();
}
