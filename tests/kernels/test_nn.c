/*
 * test_nn.c - kernels/nn.c against naive reference loops: im2col on odd
 * geometries (stride, padding, both dtypes), col2im as the exact adjoint of
 * im2col, max pooling (values, 1-based indices, ties, NaN, padding, ceil
 * mode, the 2x2 fast path), its backward, average pooling with and without
 * counting padding, threshold and its backward, and the error paths.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn.h"

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

static void image(ml_tensor *t, ml_dtype dt, int64_t n, int64_t c, int64_t h, int64_t w)
{
	ml_error e;
	int64_t size[4] = {n, c, h, w};
	ml_tensor_init_sized(t, dt, 4, size, &e);
}

/* the value im2col should put at (row r, column q) */
static double naive_patch(const ml_tensor *x, const ml_nn_window *w, int64_t oh, int64_t ow, int64_t r, int64_t q)
{
	int64_t C = x->size[1], H = x->size[2], W = x->size[3];
	int64_t c = r / (w->kh * w->kw), i = (r / w->kw) % w->kh, j = r % w->kw;
	int64_t n = q / (oh * ow), oy = (q / ow) % oh, ox = q % ow;
	int64_t y = oy * w->dh - w->ph + i, xx = ox * w->dw - w->pw + j;
	if (y < 0 || y >= H || xx < 0 || xx >= W)
		return 0;
	return at(x, ((n * C + c) * H + y) * W + xx);
}

static void test_im2col(ml_dtype dt, ml_nn_window w, int64_t N, int64_t C, int64_t H, int64_t W)
{
	ml_error e;
	ml_tensor x, cols, back, cols2;
	image(&x, dt, N, C, H, W);
	fill(&x, 7);
	ml_tensor_init(&cols, dt);
	CHECK(ml_nn_im2col(&cols, &x, &w, &e) == ML_OK, "im2col: %s", e.msg);
	int64_t oh, ow;
	ml_nn_out_size(&w, H, W, &oh, &ow, "t", &e);
	CHECK(cols.size[0] == C * w.kh * w.kw && cols.size[1] == N * oh * ow, "im2col shape");
	int bad = 0;
	for (int64_t r = 0; r < cols.size[0]; r++)
		for (int64_t q = 0; q < cols.size[1]; q++)
			if (at(&cols, r * cols.size[1] + q) != naive_patch(&x, &w, oh, ow, r, q))
				bad++;
	CHECK(bad == 0, "im2col: %d entries differ from the naive loop (%s, k %lldx%lld s %lldx%lld p %lldx%lld)", bad,
	      ml_dtype_info[dt].name, (long long)w.kh, (long long)w.kw, (long long)w.dh, (long long)w.dw,
	      (long long)w.ph, (long long)w.pw);
	/* adjoint: <col2im(z), x> == <z, im2col(x)> for any z */
	ml_tensor_init(&cols2, dt);
	ml_tensor_resize_as(&cols2, &cols, &e);
	fill(&cols2, 99);
	image(&back, dt, N, C, H, W);
	CHECK(ml_nn_col2im(&back, &cols2, &w, &e) == ML_OK, "col2im: %s", e.msg);
	double lhs = 0, rhs = 0;
	for (int64_t i = 0; i < ml_tensor_numel(&x); i++)
		lhs += at(&back, i) * at(&x, i);
	for (int64_t i = 0; i < ml_tensor_numel(&cols); i++)
		rhs += at(&cols2, i) * at(&cols, i);
	CHECK_NEAR(lhs, rhs, dt == ML_FLOAT ? 1e-4 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&cols);
	ml_tensor_release(&cols2);
	ml_tensor_release(&back);
}

/* naive max pooling of plane p at (oy, ox): value and 0-based position */
static double naive_max(const ml_tensor *x, const ml_nn_window *w, int64_t p, int64_t oy, int64_t ox, int64_t *pos)
{
	int64_t H = x->size[2], W = x->size[3];
	double best = -INFINITY;
	*pos = -1;
	for (int64_t i = 0; i < w->kh; i++)
		for (int64_t j = 0; j < w->kw; j++) {
			int64_t y = oy * w->dh - w->ph + i, xx = ox * w->dw - w->pw + j;
			if (y < 0 || y >= H || xx < 0 || xx >= W)
				continue;
			double v = at(x, p * H * W + y * W + xx);
			if (*pos < 0 || v > best || (isnan(v) && !isnan(best))) {
				best = v;
				*pos = y * W + xx;
			}
		}
	return best;
}

/* log_softmax over rows against the formula in long double, and its
 * backward against g - exp(y) sum(g); a 1-D input is one row. */
static void test_log_softmax(ml_dtype dt)
{
	ml_error e;
	ml_tensor x, y, g, gi;
	int64_t size[2] = {7, 13};
	ml_tensor_init_sized(&x, dt, 2, size, &e);
	fill(&x, 11);
	ml_store_f64(dt, ml_tensor_data(&x), 80.0); /* a large value: the max shift matters in Float */
	ml_tensor_init(&y, dt);
	CHECK(ml_nn_log_softmax(&y, &x, &e) == ML_OK, "log_softmax: %s", e.msg);
	double tol = dt == ML_FLOAT ? 1e-5 : 1e-13, worst = 0, worst_g = 0;
	ml_tensor_init_sized(&g, dt, 2, size, &e);
	fill(&g, 12);
	ml_tensor_init(&gi, dt);
	CHECK(ml_nn_log_softmax_backward(&gi, &g, &y, &e) == ML_OK, "log_softmax backward: %s", e.msg);
	for (int64_t r = 0; r < 7; r++) {
		long double mx = -INFINITY, s = 0, sg = 0;
		for (int64_t j = 0; j < 13; j++)
			mx = fmaxl(mx, at(&x, r * 13 + j));
		for (int64_t j = 0; j < 13; j++) {
			s += expl(at(&x, r * 13 + j) - mx);
			sg += at(&g, r * 13 + j);
		}
		for (int64_t j = 0; j < 13; j++) {
			long double want = at(&x, r * 13 + j) - mx - logl(s);
			double d = fabs((double)(want - at(&y, r * 13 + j)));
			worst = d > worst ? d : worst;
			long double wg = at(&g, r * 13 + j) - expl(at(&y, r * 13 + j)) * sg;
			d = fabs((double)(wg - at(&gi, r * 13 + j)));
			worst_g = d > worst_g ? d : worst_g;
		}
	}
	CHECK(worst < tol, "log_softmax: worst error %g (%s)", worst, ml_dtype_info[dt].name);
	CHECK(worst_g < tol * 10, "log_softmax backward: worst error %g (%s)", worst_g, ml_dtype_info[dt].name);
	/* one row given as a vector equals row 0 */
	ml_tensor row = x, y1;
	row.ndim = 1;
	row.size[0] = 13;
	row.stride[0] = 1;
	ml_tensor_init(&y1, dt);
	CHECK(ml_nn_log_softmax(&y1, &row, &e) == ML_OK && y1.ndim == 1, "log_softmax of a vector");
	int bad = 0;
	for (int64_t j = 0; j < 13; j++)
		bad += at(&y1, j) != at(&y, j);
	CHECK(bad == 0, "log_softmax of a vector differs from the matrix row in %d places", bad);
	/* a 3-D input is refused with its shape */
	int64_t s3[3] = {2, 3, 4};
	ml_tensor x3;
	ml_tensor_init_sized(&x3, dt, 3, s3, &e);
	CHECK(ml_nn_log_softmax(&y1, &x3, &e) == ML_ESHAPE && strstr(e.msg, "2x3x4"), "%s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&x3);
	ml_tensor_release(&y);
	ml_tensor_release(&y1);
	ml_tensor_release(&g);
	ml_tensor_release(&gi);
}

/* The 2x2 window on wide rows (the vectorised path, four outputs at a
 * time, and its scalar tail): values from a small set, so that ties are
 * everywhere, and NaN at every lane position; winners and 1-based indices
 * against the naive scan. */
static void test_maxpool_2x2_ties(ml_dtype dt)
{
	ml_error e;
	ml_tensor x, y, idx;
	image(&x, dt, 2, 3, 6, 23);
	size_t es = ml_dtype_info[dt].size;
	for (int64_t i = 0; i < ml_tensor_numel(&x); i++) {
		double v = (double)((((uint64_t)i * 2654435761u) >> 7) % 3); /* 0, 1 or 2: ties at every level */
		if (i % 37 == 3 || i % 41 == 9)
			v = NAN;
		ml_store_f64(dt, (char *)ml_tensor_data(&x) + i * (int64_t)es, v);
	}
	ml_nn_window w = {2, 2, 2, 2, 0, 0, 0};
	ml_tensor_init(&y, dt);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_nn_maxpool2d(&y, &idx, &x, &w, &e) == ML_OK, "maxpool 2x2: %s", e.msg);
	int64_t oh = y.size[2], ow = y.size[3];
	int bad = 0, nans = 0;
	for (int64_t p = 0; p < 6; p++)
		for (int64_t oy = 0; oy < oh; oy++)
			for (int64_t ox = 0; ox < ow; ox++) {
				int64_t pos, k = (p * oh + oy) * ow + ox;
				double v = naive_max(&x, &w, p, oy, ox, &pos);
				double got = at(&y, k);
				nans += isnan(v);
				if (!(got == v || (isnan(got) && isnan(v))) || ((int64_t *)ml_tensor_data(&idx))[k] != pos + 1)
					bad++;
			}
	CHECK(ow == 11 && nans > 10, "maxpool 2x2: the test needs wide rows and NaNs (ow %lld, %d NaN outputs)",
	      (long long)ow, nans);
	CHECK(bad == 0, "maxpool 2x2 with ties and NaN: %d outputs differ (%s)", bad, ml_dtype_info[dt].name);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
}

static void test_maxpool(ml_dtype dt, ml_nn_window w, int64_t H, int64_t W, int with_nan)
{
	ml_error e;
	ml_tensor x, y, idx, gy, gx;
	image(&x, dt, 2, 3, H, W);
	fill(&x, 3);
	/* ties: a run of equal values; a NaN */
	ml_store_f64(dt, ml_tensor_data(&x), 1.5);
	ml_store_f64(dt, (char *)ml_tensor_data(&x) + ml_dtype_info[dt].size, 1.5);
	if (with_nan)
		ml_store_f64(dt, (char *)ml_tensor_data(&x) + 5 * ml_dtype_info[dt].size, NAN);
	ml_tensor_init(&y, dt);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_nn_maxpool2d(&y, &idx, &x, &w, &e) == ML_OK, "maxpool: %s", e.msg);
	int64_t oh = y.size[2], ow = y.size[3];
	int bad = 0;
	for (int64_t p = 0; p < 6; p++)
		for (int64_t oy = 0; oy < oh; oy++)
			for (int64_t ox = 0; ox < ow; ox++) {
				int64_t pos, k = (p * oh + oy) * ow + ox;
				double v = naive_max(&x, &w, p, oy, ox, &pos);
				double got = at(&y, k);
				int64_t gi = ((int64_t *)ml_tensor_data(&idx))[k];
				if (!(got == v || (isnan(got) && isnan(v))) || gi != pos + 1)
					bad++;
			}
	CHECK(bad == 0, "maxpool: %d outputs differ (%s, k %lldx%lld s %lldx%lld p %lldx%lld ceil %d)", bad,
	      ml_dtype_info[dt].name, (long long)w.kh, (long long)w.kw, (long long)w.dh, (long long)w.dw,
	      (long long)w.ph, (long long)w.pw, w.ceil_mode);
	/* backward: each gradient lands on its argmax */
	ml_tensor_init(&gy, dt);
	ml_tensor_resize_as(&gy, &y, &e);
	fill(&gy, 5);
	image(&gx, dt, 2, 3, H, W);
	CHECK(ml_nn_maxpool2d_backward(&gx, &gy, &idx, &e) == ML_OK, "maxpool backward: %s", e.msg);
	double sgx = 0, sgy = 0;
	for (int64_t i = 0; i < ml_tensor_numel(&gx); i++)
		sgx += at(&gx, i);
	for (int64_t i = 0; i < ml_tensor_numel(&gy); i++)
		sgy += at(&gy, i);
	CHECK_NEAR(sgx, sgy, 1e-5);
	int64_t first = ((int64_t *)ml_tensor_data(&idx))[0] - 1;
	double acc = 0;
	for (int64_t k = 0; k < oh * ow; k++)
		if (((int64_t *)ml_tensor_data(&idx))[k] - 1 == first)
			acc += at(&gy, k);
	CHECK_NEAR(at(&gx, first), acc, 1e-6);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
	ml_tensor_release(&gy);
	ml_tensor_release(&gx);
}

static void test_avgpool(ml_dtype dt, ml_nn_window w, int cip)
{
	ml_error e;
	ml_tensor x, y, gy, gx;
	int64_t H = 7, W = 6;
	image(&x, dt, 1, 2, H, W);
	fill(&x, 11);
	ml_tensor_init(&y, dt);
	CHECK(ml_nn_avgpool2d(&y, &x, &w, cip, &e) == ML_OK, "avgpool: %s", e.msg);
	int64_t oh = y.size[2], ow = y.size[3];
	int bad = 0;
	for (int64_t p = 0; p < 2; p++)
		for (int64_t oy = 0; oy < oh; oy++)
			for (int64_t ox = 0; ox < ow; ox++) {
				double s = 0;
				int64_t inside = 0, padded = 0;
				for (int64_t i = 0; i < w.kh; i++)
					for (int64_t j = 0; j < w.kw; j++) {
						int64_t yy = oy * w.dh - w.ph + i, xx = ox * w.dw - w.pw + j;
						if (yy < H + w.ph && xx < W + w.pw)
							padded++;
						if (yy < 0 || yy >= H || xx < 0 || xx >= W)
							continue;
						s += at(&x, p * H * W + yy * W + xx);
						inside++;
					}
				double want = s / (double)(cip ? padded : inside);
				if (!check_near(at(&y, (p * oh + oy) * ow + ox), want, dt == ML_FLOAT ? 1e-6 : 1e-13))
					bad++;
			}
	CHECK(bad == 0, "avgpool: %d outputs differ (cip %d, ceil %d)", bad, cip, w.ceil_mode);
	/* adjoint check of the backward */
	ml_tensor_init(&gy, dt);
	ml_tensor_resize_as(&gy, &y, &e);
	fill(&gy, 13);
	image(&gx, dt, 1, 2, H, W);
	CHECK(ml_nn_avgpool2d_backward(&gx, &gy, &w, cip, &e) == ML_OK, "avgpool backward: %s", e.msg);
	double lhs = 0, rhs = 0;
	for (int64_t i = 0; i < ml_tensor_numel(&gx); i++)
		lhs += at(&gx, i) * at(&x, i);
	for (int64_t i = 0; i < ml_tensor_numel(&gy); i++)
		rhs += at(&gy, i) * at(&y, i);
	CHECK_NEAR(lhs, rhs, dt == ML_FLOAT ? 1e-5 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&gy);
	ml_tensor_release(&gx);
}

static void test_threshold(ml_dtype dt)
{
	ml_error e;
	ml_tensor x, y, g;
	int64_t n = 1001;
	ml_tensor_init_sized(&x, dt, 1, &n, &e);
	fill(&x, 17);
	ml_tensor_init(&y, dt);
	CHECK(ml_nn_threshold(&y, &x, 0.25, -3, &e) == ML_OK, "threshold: %s", e.msg);
	ml_tensor_init_sized(&g, dt, 1, &n, &e);
	for (int64_t i = 0; i < n; i++)
		ml_store_f64(dt, (char *)ml_tensor_data(&g) + i * (int64_t)ml_dtype_info[dt].size, 1.0 + (double)i);
	ml_tensor gi;
	ml_tensor_init(&gi, dt);
	CHECK(ml_nn_threshold_backward(&gi, &g, &x, 0.25, &e) == ML_OK, "threshold backward: %s", e.msg);
	int bad = 0;
	for (int64_t i = 0; i < n; i++) {
		double v = at(&x, i);
		if (at(&y, i) != (v > 0.25 ? v : -3.0) || at(&gi, i) != (v > 0.25 ? 1.0 + (double)i : 0.0) ||
		    at(&g, i) != 1.0 + (double)i)
			bad++;
	}
	CHECK(bad == 0, "threshold: %d elements differ (%s)", bad, ml_dtype_info[dt].name);
	/* the gradient in place: gi is go */
	CHECK(ml_nn_threshold_backward(&g, &g, &x, 0.25, &e) == ML_OK, "threshold backward in place: %s", e.msg);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		if (at(&g, i) != at(&gi, i))
			bad++;
	CHECK(bad == 0, "threshold backward in place: %d elements differ", bad);
	ml_tensor_release(&gi);
	/* in place: y is x */
	CHECK(ml_nn_threshold(&x, &x, 0, 0, &e) == ML_OK, "threshold in place");
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		if (at(&x, i) < 0)
			bad++;
	CHECK(bad == 0, "threshold in place left %d negatives", bad);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&g);
}

static void test_errors(void)
{
	ml_error e;
	ml_tensor x, y, idx;
	image(&x, ML_INT, 1, 1, 4, 4);
	ml_tensor_init(&y, ML_INT);
	ml_tensor_init(&idx, ML_LONG);
	ml_nn_window w = {2, 2, 2, 2, 0, 0, 0};
	CHECK(ml_nn_maxpool2d(&y, &idx, &x, &w, &e) == ML_ETYPE && strstr(e.msg, "Float or Double"), "%s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	image(&x, ML_DOUBLE, 1, 1, 3, 3);
	ml_tensor_init(&y, ML_DOUBLE);
	ml_nn_window big = {5, 5, 1, 1, 0, 0, 0};
	CHECK(ml_nn_im2col(&y, &x, &big, &e) == ML_ESHAPE && strstr(e.msg, "smaller than the kernel"), "%s", e.msg);
	ml_nn_window pad = {2, 2, 1, 1, 2, 2, 0};
	CHECK(ml_nn_maxpool2d(&y, &idx, &x, &pad, &e) == ML_EINVAL && strstr(e.msg, "half the kernel"), "%s", e.msg);
	int64_t three[3] = {1, 3, 3};
	ml_tensor t3;
	ml_tensor_init_sized(&t3, ML_DOUBLE, 3, three, &e);
	CHECK(ml_nn_im2col(&y, &t3, &w, &e) == ML_ESHAPE && strstr(e.msg, "(N, C, H, W)"), "%s", e.msg);
	ml_tensor_release(&t3);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
}

int main(void)
{
	ml_dtype dts[2] = {ML_FLOAT, ML_DOUBLE};
	for (int d = 0; d < 2; d++) {
		test_im2col(dts[d], (ml_nn_window){3, 3, 1, 1, 0, 0, 0}, 2, 2, 6, 7);
		test_im2col(dts[d], (ml_nn_window){2, 3, 2, 1, 1, 2, 0}, 2, 3, 5, 6);
		test_im2col(dts[d], (ml_nn_window){3, 2, 3, 2, 2, 1, 0}, 3, 1, 7, 5);
		test_im2col(dts[d], (ml_nn_window){1, 1, 1, 1, 0, 0, 0}, 1, 4, 3, 3);
		test_im2col(dts[d], (ml_nn_window){5, 4, 1, 1, 0, 0, 0}, 3, 2, 9, 8); /* valid, unit stride: the fast path */
		test_maxpool_2x2_ties(dts[d]);
		test_log_softmax(dts[d]);
		test_maxpool(dts[d], (ml_nn_window){2, 2, 2, 2, 0, 0, 0}, 8, 6, 1);
		test_maxpool(dts[d], (ml_nn_window){2, 2, 2, 2, 0, 0, 0}, 7, 5, 0);
		test_maxpool(dts[d], (ml_nn_window){3, 3, 2, 2, 1, 1, 1}, 7, 6, 1);
		test_maxpool(dts[d], (ml_nn_window){3, 2, 1, 2, 1, 0, 0}, 5, 7, 0);
		test_avgpool(dts[d], (ml_nn_window){3, 3, 2, 2, 1, 1, 1}, 1);
		test_avgpool(dts[d], (ml_nn_window){3, 3, 2, 2, 1, 1, 1}, 0);
		test_avgpool(dts[d], (ml_nn_window){2, 3, 1, 2, 0, 1, 0}, 1);
		test_threshold(dts[d]);
	}
	test_errors();
	return check_done();
}
