/*
 * test_nn_spatial.c - kernels/nn_spatial.c against naive reference loops:
 * dilated im2col on odd geometries (both dtypes), col2im as its exact
 * adjoint (<im2col x, c> = <x, col2im c>), dilated max pooling (values,
 * indices, ceil mode, NaN), adaptive average and max pooling and the
 * average's backward (adjoint), fractional max pooling window starts, and
 * the error paths.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn_spatial.h"

static double urand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (double)((*s >> 8) & 0xffff) / 65536.0 * 4.0 - 2.0;
}

static void fill(ml_tensor *t, unsigned seed)
{
	int64_t n = ml_tensor_numel(t);
	for (int64_t i = 0; i < n; i++)
		ml_store_f64(t->dtype, (char *)ml_tensor_data(t) + i * (int64_t)ml_dtype_info[t->dtype].size, urand(&seed));
}

static double at(const ml_tensor *t, int64_t i)
{
	return ml_load_f64(t->dtype, (const char *)ml_tensor_data(t) + i * (int64_t)ml_dtype_info[t->dtype].size);
}

static void put(ml_tensor *t, int64_t i, double v)
{
	ml_store_f64(t->dtype, (char *)ml_tensor_data(t) + i * (int64_t)ml_dtype_info[t->dtype].size, v);
}

static void image(ml_tensor *t, ml_dtype dt, int64_t n, int64_t c, int64_t h, int64_t w)
{
	ml_error e;
	int64_t size[4] = {n, c, h, w};
	ml_tensor_init_sized(t, dt, 4, size, &e);
}

static double dot(const ml_tensor *a, const ml_tensor *b)
{
	double s = 0;
	for (int64_t i = 0; i < ml_tensor_numel(a); i++)
		s += at(a, i) * at(b, i);
	return s;
}

static void test_im2col(ml_dtype dt, ml_nn_spatial_window w, int64_t N, int64_t C, int64_t H, int64_t W)
{
	ml_error e;
	ml_tensor x, cols, c2, back;
	image(&x, dt, N, C, H, W);
	fill(&x, 3);
	ml_tensor_init(&cols, dt);
	CHECK(ml_nn_spatial_im2col(&cols, &x, &w, "t", &e) == ML_OK, "im2col: %s", e.msg);
	int64_t oh, ow;
	ml_nn_spatial_out_size(&w, H, W, &oh, &ow, "t", &e);
	CHECK(cols.size[0] == C * w.kh * w.kw && cols.size[1] == N * oh * ow, "cols shape");
	int bad = 0;
	for (int64_t r = 0; r < cols.size[0]; r++) {
		int64_t c = r / (w.kh * w.kw), i = (r / w.kw) % w.kh, j = r % w.kw;
		for (int64_t q = 0; q < cols.size[1]; q++) {
			int64_t n = q / (oh * ow), oy = (q / ow) % oh, ox = q % ow;
			int64_t y = oy * w.dh - w.ph + i * w.lh, xx = ox * w.dw - w.pw + j * w.lw;
			double want = (y < 0 || y >= H || xx < 0 || xx >= W) ? 0 : at(&x, ((n * C + c) * H + y) * W + xx);
			bad += at(&cols, r * cols.size[1] + q) != want;
		}
	}
	CHECK(bad == 0, "im2col: %d wrong entries (%s)", bad, ml_dtype_info[dt].name);
	/* col2im is the adjoint: <im2col(x), c> == <x, col2im(c)> */
	ml_tensor_init(&c2, dt);
	ml_tensor_resize(&c2, 2, cols.size, &e);
	fill(&c2, 9);
	image(&back, dt, N, C, H, W);
	CHECK(ml_nn_spatial_col2im(&back, &c2, &w, "t", &e) == ML_OK, "col2im: %s", e.msg);
	CHECK_NEAR(dot(&cols, &c2), dot(&x, &back), dt == ML_FLOAT ? 1e-4 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&cols);
	ml_tensor_release(&c2);
	ml_tensor_release(&back);
}

static void test_maxpool(ml_dtype dt, ml_nn_spatial_window w, int64_t H, int64_t W, int nan_at)
{
	ml_error e;
	ml_tensor x, y, idx;
	image(&x, dt, 2, 3, H, W);
	fill(&x, 5);
	if (nan_at >= 0)
		put(&x, nan_at, NAN);
	ml_tensor_init(&y, dt);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_nn_spatial_maxpool(&y, &idx, &x, &w, "t", &e) == ML_OK, "maxpool: %s", e.msg);
	int64_t oh = y.size[2], ow = y.size[3];
	int bad = 0;
	for (int64_t p = 0; p < 6; p++)
		for (int64_t oy = 0; oy < oh; oy++)
			for (int64_t ox = 0; ox < ow; ox++) {
				double best = -INFINITY;
				int64_t arg = -1;
				for (int64_t i = 0; i < w.kh; i++)
					for (int64_t j = 0; j < w.kw; j++) {
						int64_t yy = oy * w.dh - w.ph + i * w.lh, xx = ox * w.dw - w.pw + j * w.lw;
						if (yy < 0 || yy >= H || xx < 0 || xx >= W)
							continue;
						double v = at(&x, p * H * W + yy * W + xx);
						if (arg < 0 || v > best || (isnan(v) && !isnan(best))) {
							best = v;
							arg = yy * W + xx;
						}
					}
				int64_t o = (p * oh + oy) * ow + ox;
				double got = at(&y, o);
				bad += !((got == best) || (isnan(got) && isnan(best)));
				bad += ((int64_t *)ml_tensor_data(&idx))[o] != arg + 1;
			}
	CHECK(bad == 0, "maxpool: %d wrong (%s, %lldx%lld)", bad, ml_dtype_info[dt].name, (long long)oh, (long long)ow);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
}

static void test_adaptive(ml_dtype dt, int64_t H, int64_t W, int64_t oh, int64_t ow)
{
	ml_error e;
	ml_tensor x, y, m, idx, g, gx;
	image(&x, dt, 2, 2, H, W);
	fill(&x, 11);
	ml_tensor_init(&y, dt);
	ml_tensor_init(&m, dt);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_nn_spatial_adaptive_avg(&y, &x, oh, ow, "t", &e) == ML_OK, "avg: %s", e.msg);
	CHECK(ml_nn_spatial_adaptive_max(&m, &idx, &x, oh, ow, "t", &e) == ML_OK, "max: %s", e.msg);
	int bad = 0;
	double tol = dt == ML_FLOAT ? 1e-5 : 1e-13;
	for (int64_t p = 0; p < 4; p++)
		for (int64_t oy = 0; oy < oh; oy++)
			for (int64_t ox = 0; ox < ow; ox++) {
				/* window [floor(o*in/out), ceil((o+1)*in/out)) in real arithmetic */
				int64_t y0 = (int64_t)floor((double)oy * H / oh), y1 = (int64_t)ceil((double)(oy + 1) * H / oh);
				int64_t x0 = (int64_t)floor((double)ox * W / ow), x1 = (int64_t)ceil((double)(ox + 1) * W / ow);
				double s = 0, best = -INFINITY;
				int64_t arg = -1;
				for (int64_t a = y0; a < y1; a++)
					for (int64_t b = x0; b < x1; b++) {
						double v = at(&x, p * H * W + a * W + b);
						s += v;
						if (v > best) {
							best = v;
							arg = a * W + b;
						}
					}
				int64_t o = (p * oh + oy) * ow + ox;
				bad += fabs(at(&y, o) - s / (double)((y1 - y0) * (x1 - x0))) > tol;
				bad += at(&m, o) != best;
				bad += ((int64_t *)ml_tensor_data(&idx))[o] != arg + 1;
			}
	CHECK(bad == 0, "adaptive %lldx%lld -> %lldx%lld: %d wrong", (long long)H, (long long)W, (long long)oh,
	      (long long)ow, bad);
	/* the backward is the adjoint of the forward */
	ml_tensor_init(&g, dt);
	ml_tensor_resize(&g, 4, y.size, &e);
	fill(&g, 13);
	image(&gx, dt, 2, 2, H, W);
	CHECK(ml_nn_spatial_adaptive_avg_backward(&gx, &g, "t", &e) == ML_OK, "avg backward: %s", e.msg);
	CHECK_NEAR(dot(&y, &g), dot(&x, &gx), dt == ML_FLOAT ? 1e-4 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&m);
	ml_tensor_release(&idx);
	ml_tensor_release(&g);
	ml_tensor_release(&gx);
}

static void test_fracmax(ml_dtype dt)
{
	ml_error e;
	ml_tensor x, s, y, idx;
	int64_t H = 9, W = 11, oh = 4, ow = 5, kh = 3, kw = 2;
	image(&x, dt, 1, 2, H, W);
	fill(&x, 17);
	int64_t ss[3] = {1, 2, 2};
	ml_tensor_init_sized(&s, dt, 3, ss, &e);
	double u[4] = {0.25, 0.8, 0.0, 0.5};
	for (int i = 0; i < 4; i++)
		put(&s, i, u[i]);
	ml_tensor_init(&y, dt);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_nn_spatial_fracmax(&y, &idx, &x, &s, oh, ow, kh, kw, "t", &e) == ML_OK, "fracmax: %s", e.msg);
	int bad = 0;
	for (int64_t p = 0; p < 2; p++) {
		double uw = u[2 * p], uh = u[2 * p + 1];
		double aw = (double)(W - kw) / (double)(ow - 1), ah = (double)(H - kh) / (double)(oh - 1);
		for (int64_t oy = 0; oy < oh; oy++)
			for (int64_t ox = 0; ox < ow; ox++) {
				int64_t y0 = oy == oh - 1 ? H - kh : (int64_t)((oy + uh) * ah) - (int64_t)(uh * ah);
				int64_t x0 = ox == ow - 1 ? W - kw : (int64_t)((ox + uw) * aw) - (int64_t)(uw * aw);
				double best = -INFINITY;
				for (int64_t a = y0; a < y0 + kh; a++)
					for (int64_t b = x0; b < x0 + kw; b++)
						best = fmax(best, at(&x, p * H * W + a * W + b));
				bad += at(&y, (p * oh + oy) * ow + ox) != best;
			}
	}
	CHECK(bad == 0, "fracmax: %d wrong (%s)", bad, ml_dtype_info[dt].name);
	/* too small an input */
	CHECK(ml_nn_spatial_fracmax(&y, &idx, &x, &s, 10, ow, kh, kw, "nn.F", &e) == ML_ESHAPE &&
	          strstr(e.msg, "nn.F: input 9x11 is too small for output 10x5 with pool 3x2"),
	      "fracmax error: %s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&s);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
}

static void test_errors(void)
{
	ml_error e;
	ml_tensor x, y, idx, xi;
	image(&x, ML_DOUBLE, 1, 1, 4, 4);
	fill(&x, 1);
	ml_tensor_init(&y, ML_DOUBLE);
	ml_tensor_init(&idx, ML_LONG);
	ml_nn_spatial_window w = {3, 3, 1, 1, 0, 0, 2, 2, 0};
	CHECK(ml_nn_spatial_im2col(&y, &x, &w, "nn.D", &e) == ML_ESHAPE &&
	          strstr(e.msg, "nn.D: input 4x4 (padded 4x4) is smaller than the dilated kernel 5x5"),
	      "%s", e.msg);
	ml_nn_spatial_window bad = {3, 3, 0, 1, 0, 0, 1, 1, 0};
	CHECK(ml_nn_spatial_maxpool(&y, &idx, &x, &bad, "nn.M", &e) == ML_EINVAL && strstr(e.msg, "nn.M: bad window"), "%s",
	      e.msg);
	CHECK(ml_nn_spatial_adaptive_avg(&y, &x, 0, 2, "nn.A", &e) == ML_EINVAL &&
	          strstr(e.msg, "nn.A: output size must be positive (got 0x2)"),
	      "%s", e.msg);
	image(&xi, ML_INT, 1, 1, 4, 4);
	CHECK(ml_nn_spatial_adaptive_max(&y, &idx, &xi, 2, 2, "nn.A", &e) == ML_ETYPE &&
	          strstr(e.msg, "nn.A: expected a Float or Double tensor (got Int)"),
	      "%s", e.msg);
	ml_tensor yf;
	ml_tensor_init(&yf, ML_FLOAT);
	CHECK(ml_nn_spatial_adaptive_avg(&yf, &x, 2, 2, "nn.A", &e) == ML_ETYPE && strstr(e.msg, "dtypes differ"), "%s",
	      e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&yf);
	ml_tensor_release(&idx);
	ml_tensor_release(&xi);
}

int main(void)
{
	ml_dtype dts[2] = {ML_FLOAT, ML_DOUBLE};
	for (int d = 0; d < 2; d++) {
		test_im2col(dts[d], (ml_nn_spatial_window){3, 2, 2, 1, 1, 2, 2, 3, 0}, 2, 3, 9, 8);
		test_im2col(dts[d], (ml_nn_spatial_window){1, 1, 1, 1, 0, 0, 1, 1, 0}, 1, 2, 3, 5);
		test_im2col(dts[d], (ml_nn_spatial_window){2, 3, 3, 2, 0, 1, 4, 1, 0}, 3, 1, 11, 7);
		test_maxpool(dts[d], (ml_nn_spatial_window){3, 2, 2, 1, 1, 1, 2, 2, 0}, 9, 7, -1);
		test_maxpool(dts[d], (ml_nn_spatial_window){2, 2, 2, 2, 1, 0, 2, 1, 1}, 8, 7, 5);
		test_maxpool(dts[d], (ml_nn_spatial_window){3, 3, 1, 1, 1, 1, 1, 1, 0}, 5, 6, 12);
		test_adaptive(dts[d], 7, 5, 3, 2);
		test_adaptive(dts[d], 3, 4, 4, 5);
		test_adaptive(dts[d], 6, 6, 1, 1);
		test_fracmax(dts[d]);
	}
	test_errors();
	return check_done();
}
