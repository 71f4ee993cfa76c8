/*
 * test_nn_volumetric.c - kernels/nn_volumetric.c against naive reference
 * loops: vol2col on odd geometries (stride, padding, dilation, both dtypes)
 * and col2vol as its exact adjoint, max pooling (values, 1-based indices,
 * ties, NaN, padding, dilation, ceil mode), scatter and gather (adjoint of
 * each other), average pooling with and without counting padding and its
 * adjoint backward, fractional max pooling with fixed samples, replication
 * padding (positive and negative pads) and its adjoint, empty batches and
 * the error paths.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn_volumetric.h"

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

static void volume(ml_tensor *t, ml_dtype dt, int64_t n, int64_t c, int64_t d, int64_t h, int64_t w)
{
	ml_error e;
	int64_t size[5] = {n, c, d, h, w};
	ml_tensor_init_sized(t, dt, 5, size, &e);
}

static ml_vol_window win(int64_t k0, int64_t k1, int64_t k2, int64_t d0, int64_t d1, int64_t d2, int64_t p0,
                         int64_t p1, int64_t p2, int64_t l0, int64_t l1, int64_t l2, int ceil)
{
	ml_vol_window w = {{k0, k1, k2}, {d0, d1, d2}, {p0, p1, p2}, {l0, l1, l2}, ceil};
	return w;
}

/* the naive output size along one axis */
static int64_t naive_out(int64_t n, int64_t k, int64_t d, int64_t p, int64_t dil, int ceil)
{
	double span = (double)(n + 2 * p - dil * (k - 1) - 1);
	int64_t o = (int64_t)(ceil ? ceilf((float)(span / (double)d)) : floor(span / (double)d)) + 1;
	if (ceil && (o - 1) * d >= n + p)
		o--;
	return o;
}

static double dot(const ml_tensor *a, const ml_tensor *b)
{
	double s = 0;
	for (int64_t i = 0; i < ml_tensor_numel(a); i++)
		s += at(a, i) * at(b, i);
	return s;
}

/* ---- vol2col / col2vol ---- */

static double naive_patch(const ml_tensor *x, const ml_vol_window *w, const int64_t o[3], int64_t r, int64_t q)
{
	int64_t C = x->size[1], T = x->size[2], H = x->size[3], W = x->size[4];
	int64_t kk = w->k[0] * w->k[1] * w->k[2];
	int64_t c = r / kk, i = (r % kk) / (w->k[1] * w->k[2]), j = (r / w->k[2]) % w->k[1], l = r % w->k[2];
	int64_t L = o[0] * o[1] * o[2];
	int64_t n = q / L, ot = (q % L) / (o[1] * o[2]), oh = (q / o[2]) % o[1], ow = q % o[2];
	int64_t t = ot * w->d[0] - w->p[0] + i * w->dil[0];
	int64_t y = oh * w->d[1] - w->p[1] + j * w->dil[1];
	int64_t xx = ow * w->d[2] - w->p[2] + l * w->dil[2];
	if (t < 0 || t >= T || y < 0 || y >= H || xx < 0 || xx >= W)
		return 0;
	return at(x, (((n * C + c) * T + t) * H + y) * W + xx);
}

static void test_vol2col(ml_dtype dt, ml_vol_window w, int64_t N, int64_t C, int64_t T, int64_t H, int64_t W)
{
	ml_error e;
	ml_tensor x, cols, cols2, back;
	volume(&x, dt, N, C, T, H, W);
	fill(&x, 11);
	ml_tensor_init(&cols, dt);
	CHECK(ml_volumetric_vol2col(&cols, &x, &w, "t", &e) == ML_OK, "vol2col: %s", e.msg);
	int64_t o[3] = {naive_out(T, w.k[0], w.d[0], w.p[0], w.dil[0], 0), naive_out(H, w.k[1], w.d[1], w.p[1], w.dil[1], 0),
	                naive_out(W, w.k[2], w.d[2], w.p[2], w.dil[2], 0)};
	CHECK(cols.ndim == 2 && cols.size[0] == C * w.k[0] * w.k[1] * w.k[2] && cols.size[1] == N * o[0] * o[1] * o[2],
	      "vol2col shape");
	int bad = 0;
	for (int64_t r = 0; r < cols.size[0]; r++)
		for (int64_t q = 0; q < cols.size[1]; q++)
			if (at(&cols, r * cols.size[1] + q) != naive_patch(&x, &w, o, r, q))
				bad++;
	CHECK(bad == 0, "vol2col: %d entries differ (%s, k %lldx%lldx%lld, dil %lld,%lld,%lld)", bad,
	      ml_dtype_info[dt].name, (long long)w.k[0], (long long)w.k[1], (long long)w.k[2], (long long)w.dil[0],
	      (long long)w.dil[1], (long long)w.dil[2]);
	/* adjoint: <col2vol(z), x> == <z, vol2col(x)> */
	ml_tensor_init(&cols2, dt);
	ml_tensor_resize_as(&cols2, &cols, &e);
	fill(&cols2, 5);
	volume(&back, dt, N, C, T, H, W);
	CHECK(ml_volumetric_col2vol(&back, &cols2, &w, "t", &e) == ML_OK, "col2vol: %s", e.msg);
	double lhs = dot(&back, &x), rhs = dot(&cols2, &cols);
	CHECK_NEAR(lhs, rhs, dt == ML_FLOAT ? 1e-4 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&cols);
	ml_tensor_release(&cols2);
	ml_tensor_release(&back);
}

/* ---- max pooling ---- */

static void naive_maxpool(const ml_tensor *x, const ml_vol_window *w, const int64_t o[3], double *y, int64_t *idx)
{
	int64_t P = x->size[0] * x->size[1], T = x->size[2], H = x->size[3], W = x->size[4];
	int64_t k = 0;
	for (int64_t p = 0; p < P; p++)
		for (int64_t a = 0; a < o[0]; a++)
			for (int64_t b = 0; b < o[1]; b++)
				for (int64_t c = 0; c < o[2]; c++, k++) {
					double best = 0;
					int64_t arg = -1;
					for (int64_t i = 0; i < w->k[0]; i++)
						for (int64_t j = 0; j < w->k[1]; j++)
							for (int64_t l = 0; l < w->k[2]; l++) {
								int64_t t = a * w->d[0] - w->p[0] + i * w->dil[0];
								int64_t h = b * w->d[1] - w->p[1] + j * w->dil[1];
								int64_t ww = c * w->d[2] - w->p[2] + l * w->dil[2];
								if (t < 0 || t >= T || h < 0 || h >= H || ww < 0 || ww >= W)
									continue;
								int64_t pos = (t * H + h) * W + ww;
								double v = at(x, p * T * H * W + pos);
								if (arg < 0 || (isnan(v) && !isnan(best)) || v > best) {
									best = v;
									arg = pos;
								}
							}
					y[k] = arg < 0 ? -INFINITY : best;
					idx[k] = arg + 1;
				}
}

static void test_maxpool(ml_dtype dt, ml_vol_window w, int64_t N, int64_t C, int64_t T, int64_t H, int64_t W,
                         int ties)
{
	ml_error e;
	ml_tensor x, y, idx, gy, gx, back;
	volume(&x, dt, N, C, T, H, W);
	fill(&x, 3);
	if (ties)
		for (int64_t i = 0; i < ml_tensor_numel(&x); i++)
			put(&x, i, (double)((i * 7) % 3));
	if (ml_tensor_numel(&x) > 5)
		put(&x, 5, NAN);
	ml_tensor_init(&y, dt);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_volumetric_maxpool(&y, &idx, &x, &w, "t", &e) == ML_OK, "maxpool: %s", e.msg);
	int64_t o[3];
	for (int a = 0; a < 3; a++)
		o[a] = naive_out(x.size[a + 2], w.k[a], w.d[a], w.p[a], w.dil[a], w.ceil_mode);
	CHECK(y.size[2] == o[0] && y.size[3] == o[1] && y.size[4] == o[2], "maxpool shape %lldx%lldx%lld vs %lldx%lldx%lld",
	      (long long)y.size[2], (long long)y.size[3], (long long)y.size[4], (long long)o[0], (long long)o[1],
	      (long long)o[2]);
	int64_t n = ml_tensor_numel(&y);
	double *ry = malloc(sizeof(double) * (size_t)(n + 1));
	int64_t *ri = malloc(sizeof(int64_t) * (size_t)(n + 1));
	naive_maxpool(&x, &w, o, ry, ri);
	int bad = 0;
	const int64_t *ip = ml_tensor_data(&idx);
	for (int64_t i = 0; i < n; i++)
		if (!check_near(at(&y, i), ry[i], 0) || ip[i] != ri[i])
			bad++;
	CHECK(bad == 0, "maxpool: %d outputs differ (%s, ceil %d, ties %d)", bad, ml_dtype_info[dt].name, w.ceil_mode, ties);
	/* scatter is the adjoint of gather: <scatter(gy), z> == <gy, gather(z)> */
	ml_tensor_init(&gy, dt);
	ml_tensor_resize_as(&gy, &y, &e);
	fill(&gy, 17);
	volume(&gx, dt, N, C, T, H, W);
	CHECK(ml_volumetric_scatter(&gx, &gy, &idx, "t", &e) == ML_OK, "scatter: %s", e.msg);
	ml_tensor z;
	volume(&z, dt, N, C, T, H, W);
	fill(&z, 23);
	ml_tensor_init(&back, dt);
	CHECK(ml_volumetric_gather(&back, &z, &idx, "t", &e) == ML_OK, "gather: %s", e.msg);
	CHECK_NEAR(dot(&gx, &z), dot(&gy, &back), dt == ML_FLOAT ? 1e-4 : 1e-12);
	/* and scatter moves every gy with a valid index into gx */
	double sx = 0, sy = 0;
	for (int64_t i = 0; i < ml_tensor_numel(&gx); i++)
		sx += at(&gx, i);
	for (int64_t i = 0; i < n; i++)
		sy += ip[i] > 0 ? at(&gy, i) : 0;
	CHECK_NEAR(sx, sy, 1e-4);
	free(ry);
	free(ri);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
	ml_tensor_release(&gy);
	ml_tensor_release(&gx);
	ml_tensor_release(&z);
	ml_tensor_release(&back);
}

/* ---- average pooling ---- */

static void test_avgpool(ml_dtype dt, ml_vol_window w, int cip, int64_t N, int64_t C, int64_t T, int64_t H, int64_t W)
{
	ml_error e;
	ml_tensor x, y, gy, gx;
	volume(&x, dt, N, C, T, H, W);
	fill(&x, 9);
	ml_tensor_init(&y, dt);
	CHECK(ml_volumetric_avgpool(&y, &x, &w, cip, &e) == ML_OK, "avgpool: %s", e.msg);
	int64_t o[3], in[3] = {T, H, W};
	for (int a = 0; a < 3; a++)
		o[a] = naive_out(in[a], w.k[a], w.d[a], w.p[a], 1, w.ceil_mode);
	CHECK(y.size[2] == o[0] && y.size[3] == o[1] && y.size[4] == o[2], "avgpool shape");
	int bad = 0;
	int64_t k = 0;
	for (int64_t p = 0; p < N * C; p++)
		for (int64_t a = 0; a < o[0]; a++)
			for (int64_t b = 0; b < o[1]; b++)
				for (int64_t c = 0; c < o[2]; c++, k++) {
					/* the window over the padded input (clipped to it), then the sum inside */
					double s = 0;
					int64_t cnt_pad = 1, cnt_in = 0;
					int64_t st[3] = {a * w.d[0] - w.p[0], b * w.d[1] - w.p[1], c * w.d[2] - w.p[2]};
					for (int ax = 0; ax < 3; ax++) {
						int64_t end = st[ax] + w.k[ax];
						if (end > in[ax] + w.p[ax])
							end = in[ax] + w.p[ax];
						cnt_pad *= end - st[ax];
					}
					for (int64_t i = 0; i < w.k[0]; i++)
						for (int64_t j = 0; j < w.k[1]; j++)
							for (int64_t l = 0; l < w.k[2]; l++) {
								int64_t t = st[0] + i, h = st[1] + j, ww = st[2] + l;
								if (t < 0 || t >= T || h < 0 || h >= H || ww < 0 || ww >= W)
									continue;
								s += at(&x, p * T * H * W + (t * H + h) * W + ww);
								cnt_in++;
							}
					double ref = s / (double)(cip ? cnt_pad : cnt_in);
					if (!check_near(at(&y, k), ref, dt == ML_FLOAT ? 1e-5 : 1e-12))
						bad++;
				}
	CHECK(bad == 0, "avgpool: %d outputs differ (%s, cip %d, ceil %d)", bad, ml_dtype_info[dt].name, cip, w.ceil_mode);
	ml_tensor_init(&gy, dt);
	ml_tensor_resize_as(&gy, &y, &e);
	fill(&gy, 31);
	volume(&gx, dt, N, C, T, H, W);
	CHECK(ml_volumetric_avgpool_backward(&gx, &gy, &w, cip, &e) == ML_OK, "avgpool_backward: %s", e.msg);
	CHECK_NEAR(dot(&gx, &x), dot(&gy, &y), dt == ML_FLOAT ? 1e-4 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&gy);
	ml_tensor_release(&gx);
}

/* ---- fractional max pooling ---- */

static void naive_seq(double u, int64_t n, int64_t m, int64_t k, int64_t *seq)
{
	double a = m > 1 ? (double)(n - k) / (double)(m - 1) : 0;
	for (int64_t i = 0; i < m; i++)
		seq[i] = i == m - 1 ? n - k : (int64_t)floor((i + u) * a) - (int64_t)floor(u * a);
}

static void test_fracmax(void)
{
	ml_error e;
	ml_tensor x, s, y, idx;
	int64_t N = 2, C = 2, H = 9, W = 8, T = 7;
	int64_t out[3] = {3, 4, 2}, pool[3] = {2, 3, 2}; /* (T, W, H) */
	volume(&x, ML_DOUBLE, N, C, H, W, T);
	fill(&x, 41);
	int64_t ss[3] = {N, C, 3};
	ml_tensor_init_sized(&s, ML_DOUBLE, 3, ss, &e);
	double u[12] = {0.1, 0.5, 0.9, 0.0, 0.99, 0.3, 0.7, 0.25, 0.6, 0.45, 0.05, 0.8};
	for (int i = 0; i < 12; i++)
		put(&s, i, u[i]);
	ml_tensor_init(&y, ML_DOUBLE);
	ml_tensor_init(&idx, ML_LONG);
	CHECK(ml_volumetric_fracmaxpool(&y, &idx, &x, &s, out, pool, &e) == ML_OK, "fracmaxpool: %s", e.msg);
	CHECK(y.ndim == 5 && y.size[2] == out[2] && y.size[3] == out[1] && y.size[4] == out[0], "fracmaxpool shape");
	int bad = 0;
	const int64_t *ip = ml_tensor_data(&idx);
	for (int64_t p = 0; p < N * C; p++) {
		int64_t sT[3], sW[4], sH[2];
		naive_seq(u[p * 3], T, out[0], pool[0], sT);
		naive_seq(u[p * 3 + 1], W, out[1], pool[1], sW);
		naive_seq(u[p * 3 + 2], H, out[2], pool[2], sH);
		for (int64_t h = 0; h < out[2]; h++)
			for (int64_t w = 0; w < out[1]; w++)
				for (int64_t t = 0; t < out[0]; t++) {
					double best = -INFINITY;
					int64_t arg = -1;
					for (int64_t h2 = sH[h]; h2 < sH[h] + pool[2]; h2++)
						for (int64_t w2 = sW[w]; w2 < sW[w] + pool[1]; w2++)
							for (int64_t t2 = sT[t]; t2 < sT[t] + pool[0]; t2++) {
								int64_t pos = (h2 * W + w2) * T + t2;
								if (at(&x, p * H * W * T + pos) > best) {
									best = at(&x, p * H * W * T + pos);
									arg = pos;
								}
							}
					int64_t k = p * out[0] * out[1] * out[2] + (h * out[1] + w) * out[0] + t;
					if (at(&y, k) != best || ip[k] != arg + 1)
						bad++;
				}
	}
	CHECK(bad == 0, "fracmaxpool: %d outputs differ from the naive loop", bad);
	/* errors: a sample out of [0, 1), an output that does not fit */
	put(&s, 4, 1.0);
	CHECK(ml_volumetric_fracmaxpool(&y, &idx, &x, &s, out, pool, &e) == ML_EINVAL && strstr(e.msg, "[0, 1)"),
	      "sample range: %s", e.msg);
	put(&s, 4, 0.5);
	int64_t big[3] = {7, 4, 2};
	CHECK(ml_volumetric_fracmaxpool(&y, &idx, &x, &s, big, pool, &e) == ML_ESHAPE &&
	          strstr(e.msg, "nn.VolumetricFractionalMaxPooling: output 7x4x2"),
	      "fit: %s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&s);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
}

/* ---- replication padding ---- */

static int64_t clampi(int64_t v, int64_t hi)
{
	return v < 0 ? 0 : v > hi ? hi : v;
}

static void test_replpad(ml_dtype dt, const int64_t pad[6])
{
	ml_error e;
	ml_tensor x, y, gy, gx;
	int64_t N = 2, C = 3, T = 3, H = 5, W = 6;
	volume(&x, dt, N, C, T, H, W);
	fill(&x, 13);
	ml_tensor_init(&y, dt);
	CHECK(ml_volumetric_replpad(&y, &x, pad, &e) == ML_OK, "replpad: %s", e.msg);
	int64_t oT = T + pad[4] + pad[5], oH = H + pad[2] + pad[3], oW = W + pad[0] + pad[1];
	CHECK(y.size[2] == oT && y.size[3] == oH && y.size[4] == oW, "replpad shape");
	int bad = 0;
	int64_t k = 0;
	for (int64_t p = 0; p < N * C; p++)
		for (int64_t t = 0; t < oT; t++)
			for (int64_t h = 0; h < oH; h++)
				for (int64_t w = 0; w < oW; w++, k++) {
					int64_t q = p * T * H * W + (clampi(t - pad[4], T - 1) * H + clampi(h - pad[2], H - 1)) * W +
					            clampi(w - pad[0], W - 1);
					if (at(&y, k) != at(&x, q))
						bad++;
				}
	CHECK(bad == 0, "replpad: %d outputs differ", bad);
	ml_tensor_init(&gy, dt);
	ml_tensor_resize_as(&gy, &y, &e);
	fill(&gy, 37);
	volume(&gx, dt, N, C, T, H, W);
	CHECK(ml_volumetric_replpad_backward(&gx, &gy, pad, &e) == ML_OK, "replpad_backward: %s", e.msg);
	CHECK_NEAR(dot(&gx, &x), dot(&gy, &y), dt == ML_FLOAT ? 1e-4 : 1e-12);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&gy);
	ml_tensor_release(&gx);
}

/* ---- errors, sizes, empty batches ---- */

static void test_errors(void)
{
	ml_error e;
	ml_tensor xi, x, y, idx, x4;
	volume(&xi, ML_INT, 1, 1, 3, 3, 3);
	volume(&x, ML_DOUBLE, 1, 2, 3, 4, 5);
	ml_tensor_init(&y, ML_DOUBLE);
	ml_tensor_init(&idx, ML_LONG);
	ml_vol_window w = win(2, 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0);
	CHECK(ml_volumetric_maxpool(&y, &idx, &xi, &w, "nn.VolumetricMaxPooling", &e) == ML_ETYPE &&
	          strstr(e.msg, "nn.VolumetricMaxPooling: expected a Float or Double tensor (got Int)"),
	      "dtype: %s", e.msg);
	int64_t s4[4] = {2, 3, 4, 5};
	ml_tensor_init_sized(&x4, ML_DOUBLE, 4, s4, &e);
	CHECK(ml_volumetric_vol2col(&y, &x4, &w, "nn.VolumetricConvolution", &e) == ML_ESHAPE &&
	          strstr(e.msg, "nn.VolumetricConvolution: expected a contiguous 5D tensor (got 2x3x4x5)"),
	      "ndim: %s", e.msg);
	ml_vol_window big = win(4, 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0);
	CHECK(ml_volumetric_maxpool(&y, &idx, &x, &big, "p", &e) == ML_ESHAPE && strstr(e.msg, "smaller than the kernel"),
	      "kernel too large: %s", e.msg);
	ml_vol_window dil = win(2, 2, 2, 1, 1, 1, 0, 0, 0, 3, 1, 1, 0); /* dilated extent 4 > T = 3 */
	CHECK(ml_volumetric_vol2col(&y, &x, &dil, "c", &e) == ML_ESHAPE && strstr(e.msg, "dilated 4x2x2"),
	      "dilated too large: %s", e.msg);
	ml_vol_window pad = win(2, 2, 2, 1, 1, 1, 2, 0, 0, 1, 1, 1, 0);
	CHECK(ml_volumetric_maxpool(&y, &idx, &x, &pad, "p", &e) == ML_EINVAL && strstr(e.msg, "at most half the kernel"),
	      "pad: %s", e.msg);
	ml_vol_window zero = win(2, 2, 2, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0);
	CHECK(ml_volumetric_maxpool(&y, &idx, &x, &zero, "p", &e) == ML_EINVAL && strstr(e.msg, "bad window"),
	      "stride 0: %s", e.msg);
	ml_vol_window dilavg = win(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 1, 0);
	CHECK(ml_volumetric_avgpool(&y, &x, &dilavg, 1, &e) == ML_EINVAL && strstr(e.msg, "no dilation"), "avg dil: %s",
	      e.msg);
	/* a bad index in scatter / gather */
	CHECK(ml_volumetric_maxpool(&y, &idx, &x, &w, "p", &e) == ML_OK, "maxpool: %s", e.msg);
	((int64_t *)ml_tensor_data(&idx))[0] = 999;
	ml_tensor gx;
	volume(&gx, ML_DOUBLE, 1, 2, 3, 4, 5);
	CHECK(ml_volumetric_scatter(&gx, &y, &idx, "nn.VolumetricMaxUnpooling", &e) == ML_EINVAL &&
	          strstr(e.msg, "nn.VolumetricMaxUnpooling: 1 indices lie outside a plane of 60 elements"),
	      "scatter index: %s", e.msg);
	ml_tensor back;
	ml_tensor_init(&back, ML_DOUBLE);
	CHECK(ml_volumetric_gather(&back, &gx, &idx, "g", &e) == ML_EINVAL, "gather index: %s", e.msg);
	/* replication padding that crops more than the input */
	int64_t crop[6] = {-3, -3, 0, 0, 0, 0};
	CHECK(ml_volumetric_replpad(&y, &x, crop, &e) == ML_ESHAPE && strstr(e.msg, "does not fit input 1x2x3x4x5"),
	      "crop: %s", e.msg);
	/* sizes: ceil mode rounds up but drops a window starting in the right padding */
	int64_t in[3] = {2, 7, 7}, out[3];
	ml_vol_window c2 = win(2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 1);
	CHECK(ml_volumetric_out_size(&c2, in, out, "p", &e) == ML_OK && out[0] == 1 && out[1] == 4 && out[2] == 4,
	      "ceil sizes %lld %lld %lld", (long long)out[0], (long long)out[1], (long long)out[2]);
	int64_t in2[3] = {5, 5, 5};
	ml_vol_window c3 = win(3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1);
	CHECK(ml_volumetric_out_size(&c3, in2, out, "p", &e) == ML_OK && out[0] == 2, "ceil drop %lld", (long long)out[0]);
	ml_tensor_release(&xi);
	ml_tensor_release(&x);
	ml_tensor_release(&x4);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
	ml_tensor_release(&gx);
	ml_tensor_release(&back);
}

static void test_empty(void)
{
	ml_error e;
	ml_tensor x, y, idx, cols;
	volume(&x, ML_FLOAT, 0, 3, 4, 4, 4);
	ml_tensor_init(&y, ML_FLOAT);
	ml_tensor_init(&idx, ML_LONG);
	ml_tensor_init(&cols, ML_FLOAT);
	ml_vol_window w = win(2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 0);
	CHECK(ml_volumetric_maxpool(&y, &idx, &x, &w, "p", &e) == ML_OK && y.size[0] == 0 && y.size[2] == 2,
	      "empty maxpool: %s", e.msg);
	CHECK(ml_volumetric_vol2col(&cols, &x, &w, "c", &e) == ML_OK && cols.size[0] == 24 && cols.size[1] == 0,
	      "empty vol2col: %s", e.msg);
	CHECK(ml_volumetric_avgpool(&y, &x, &w, 1, &e) == ML_OK && y.size[0] == 0, "empty avgpool: %s", e.msg);
	int64_t pad[6] = {1, 1, 1, 1, 1, 1};
	CHECK(ml_volumetric_replpad(&y, &x, pad, &e) == ML_OK && y.size[0] == 0 && y.size[4] == 6, "empty replpad: %s",
	      e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&idx);
	ml_tensor_release(&cols);
}

int main(void)
{
	for (int f = 0; f < 2; f++) {
		ml_dtype dt = f ? ML_FLOAT : ML_DOUBLE;
		test_vol2col(dt, win(2, 3, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0), 2, 3, 4, 5, 6);
		test_vol2col(dt, win(3, 2, 3, 2, 1, 3, 1, 1, 2, 1, 1, 1, 0), 2, 2, 7, 5, 9);
		test_vol2col(dt, win(2, 3, 2, 1, 2, 1, 0, 1, 1, 2, 2, 3, 0), 1, 3, 6, 7, 8);
		test_vol2col(dt, win(1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0), 3, 2, 1, 1, 3);
		test_maxpool(dt, win(2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 0), 2, 3, 4, 5, 6, 0);
		test_maxpool(dt, win(3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0), 1, 2, 5, 6, 7, 0);
		test_maxpool(dt, win(3, 2, 3, 2, 2, 2, 1, 1, 0, 1, 1, 1, 1), 2, 2, 6, 7, 8, 1);
		test_maxpool(dt, win(2, 3, 3, 2, 1, 2, 1, 1, 1, 2, 2, 1, 1), 1, 3, 7, 8, 9, 0);
		test_maxpool(dt, win(2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 1), 3, 1, 2, 7, 7, 1);
		/* windows wholly inside the input (the typed path): ties, dilation, overlap */
		test_maxpool(dt, win(2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 0), 2, 3, 4, 6, 8, 1);
		test_maxpool(dt, win(2, 3, 2, 1, 2, 1, 0, 0, 0, 2, 1, 3, 0), 1, 2, 6, 7, 9, 1);
		test_maxpool(dt, win(3, 3, 3, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1), 1, 2, 5, 5, 5, 0);
		test_avgpool(dt, win(2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 0), 1, 2, 3, 4, 5, 6);
		test_avgpool(dt, win(3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0), 1, 1, 2, 5, 6, 7);
		test_avgpool(dt, win(3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0), 0, 1, 2, 5, 6, 7);
		test_avgpool(dt, win(3, 2, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1), 1, 2, 2, 6, 7, 8);
		test_avgpool(dt, win(3, 2, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1), 0, 2, 2, 6, 7, 8);
		int64_t p1[6] = {1, 2, 0, 3, 2, 1}, p2[6] = {-2, 3, -1, -1, 3, -2};
		test_replpad(dt, p1);
		test_replpad(dt, p2);
	}
	test_fracmax();
	test_errors();
	test_empty();
	return check_done();
}
