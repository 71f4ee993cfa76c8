/*
 * test_nmf.c - kernels/nmf.c: the coordinate-descent sweep.
 *
 * Closed forms (one coordinate: the unconstrained minimiser, clipped at 0;
 * the violation is |gradient|), a sweep never increases the objective
 * 0.5 w^T HHt w - XHt.w row by row and reaches the exact non-negative least
 * squares solution of a small well-conditioned problem after enough sweeps,
 * the permutation decides the order; errors.
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nmf.h"

static void make(ml_tensor *t, ml_dtype dt, int ndim, int64_t a, int64_t b)
{
	int64_t size[2] = {a, b};
	ml_error e;
	ml_tensor_init(t, dt);
	ml_tensor_init_sized(t, dt, ndim, size, &e);
}

static double objective(const double *W, const double *H, const double *XH, int64_t n, int64_t k)
{
	double f = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t a = 0; a < k; a++) {
			f -= XH[i * k + a] * W[i * k + a];
			for (int64_t b = 0; b < k; b++)
				f += 0.5 * W[i * k + a] * H[a * k + b] * W[i * k + b];
		}
	return f;
}

int main(void)
{
	ml_tensor w, h, xh, p;
	ml_error e;
	double v;
	/* one coordinate: w = max(0, w - (h w - xh) / h) = max(0, xh / h) */
	make(&w, ML_DOUBLE, 2, 1, 1);
	make(&h, ML_DOUBLE, 2, 1, 1);
	make(&xh, ML_DOUBLE, 2, 1, 1);
	make(&p, ML_LONG, 1, 1, 0);
	double *W = ml_tensor_data(&w), *H = ml_tensor_data(&h), *XH = ml_tensor_data(&xh);
	int64_t *P = ml_tensor_data(&p);
	W[0] = 1, H[0] = 4, XH[0] = 2, P[0] = 0;
	CHECK(ml_nmf_cd_sweep(&w, &h, &xh, &p, &v, "t", &e) == ML_OK, "%s", e.msg);
	CHECK_NEAR(W[0], 0.5, 0);
	CHECK_NEAR(v, 2.0, 0); /* gradient 4*1 - 2 */
	XH[0] = -3;
	CHECK(ml_nmf_cd_sweep(&w, &h, &xh, &p, &v, "t", &e) == ML_OK, "%s", e.msg);
	CHECK_NEAR(W[0], 0.0, 0);
	W[0] = 0;
	CHECK(ml_nmf_cd_sweep(&w, &h, &xh, &p, &v, "t", &e) == ML_OK, "%s", e.msg);
	CHECK_NEAR(v, 0.0, 0); /* at zero with a positive gradient: no violation */
	ml_tensor_release(&w);
	ml_tensor_release(&h);
	ml_tensor_release(&xh);
	ml_tensor_release(&p);

	/* 3 rows, 2 components: monotone decrease, convergence to the NNLS solution */
	make(&w, ML_DOUBLE, 2, 3, 2);
	make(&h, ML_DOUBLE, 2, 2, 2);
	make(&xh, ML_DOUBLE, 2, 3, 2);
	make(&p, ML_LONG, 1, 2, 0);
	W = ml_tensor_data(&w), H = ml_tensor_data(&h), XH = ml_tensor_data(&xh), P = ml_tensor_data(&p);
	const double hh[4] = {2, 0.5, 0.5, 1}, xhv[6] = {1, 1, 3, -1, -1, 2};
	memcpy(H, hh, sizeof hh);
	memcpy(XH, xhv, sizeof xhv);
	for (int i = 0; i < 6; i++)
		W[i] = 1;
	P[0] = 1, P[1] = 0;
	double f = objective(W, H, XH, 3, 2);
	int mono = 1;
	for (int s = 0; s < 200; s++) {
		CHECK(ml_nmf_cd_sweep(&w, &h, &xh, &p, &v, "t", &e) == ML_OK, "%s", e.msg);
		double g = objective(W, H, XH, 3, 2);
		mono &= g <= f + 1e-15;
		f = g;
	}
	CHECK(mono, "the objective never increases");
	/* row 1: unconstrained solution of [2 .5; .5 1] w = [1 1] is (2/7, 6/7), both > 0 */
	CHECK_NEAR(W[0], 2.0 / 7, 1e-12);
	CHECK_NEAR(W[1], 6.0 / 7, 1e-12);
	/* row 2: w2 = 0 active, w1 = 3 / 2 */
	CHECK_NEAR(W[2], 1.5, 1e-12);
	CHECK_NEAR(W[3], 0.0, 0);
	/* row 3: w1 = 0 active, w2 = 2 */
	CHECK_NEAR(W[4], 0.0, 0);
	CHECK_NEAR(W[5], 2.0, 1e-12);
	CHECK(v < 1e-10, "converged: violation %g", v);
	P[0] = 5;
	CHECK(ml_nmf_cd_sweep(&w, &h, &xh, &p, &v, "ml.NMF.fit", &e) == ML_ERANGE &&
	          strstr(e.msg, "ml.NMF.fit: permutation entry 5 out of range"), "%s", e.msg);
	ml_tensor_release(&p);
	make(&p, ML_LONG, 1, 3, 0);
	CHECK(ml_nmf_cd_sweep(&w, &h, &xh, &p, &v, "t", &e) == ML_ESHAPE && strstr(e.msg, "shapes disagree (W 3x2"),
	      "%s", e.msg);
	ml_tensor_release(&w);
	ml_tensor_release(&h);
	ml_tensor_release(&xh);
	ml_tensor_release(&p);
	return check_done();
}
