/*
 * test_svm.c - kernels/svm.c against independent checks.
 *
 * Kernel matrices (GEMM path) against the pair-by-pair loops for every
 * kernel; the solver's solution against the optimality (KKT) conditions of
 * the C-SVC dual computed here from scratch (bounds, y'a = 0, margins of
 * free / bounded variables within tol); the same solution with and without
 * shrinking, and with a two-row kernel cache (eviction on every step) equal
 * to the full cache bit for bit; per-variable C; epsilon-SVR against its own
 * optimality conditions; errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "svm.h"

static uint64_t rng_state = 88172645463325252ull;

static double urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void make(ml_tensor *t, int64_t r, int64_t c)
{
	int64_t size[2] = {r, c};
	ml_error e;
	ml_tensor_init(t, ML_DOUBLE);
	ml_tensor_init_sized(t, ML_DOUBLE, c ? 2 : 1, size, &e);
}

static double kval(const ml_svm_params *p, const double *a, const double *b, int64_t d)
{
	double dot = 0, d2 = 0;
	for (int64_t j = 0; j < d; j++) {
		dot += a[j] * b[j];
		d2 += (a[j] - b[j]) * (a[j] - b[j]);
	}
	switch (p->kernel) {
	case ML_SVM_LINEAR:
		return dot;
	case ML_SVM_POLY:
		return pow(p->gamma * dot + p->coef0, p->degree);
	case ML_SVM_RBF:
		return exp(-p->gamma * d2);
	default:
		return tanh(p->gamma * dot + p->coef0);
	}
}

static void test_kernels(void)
{
	ml_tensor a, b, k1, k2;
	make(&a, 13, 4);
	make(&b, 9, 4);
	make(&k1, 0, 0);
	make(&k2, 0, 0);
	double *A = ml_tensor_data(&a), *B = ml_tensor_data(&b);
	for (int i = 0; i < 52; i++)
		A[i] = urand() * 2 - 1;
	for (int i = 0; i < 36; i++)
		B[i] = urand() * 2 - 1;
	ml_svm_params ps[] = {{ML_SVM_LINEAR, 3, 1, 0, 1e-3, 0, 1, 1}, {ML_SVM_POLY, 3, 0.5, 1, 1e-3, 0, 1, 1},
	                      {ML_SVM_RBF, 3, 0.8, 0, 1e-3, 0, 1, 1}, {ML_SVM_SIGMOID, 3, 0.2, -0.3, 1e-3, 0, 1, 1}};
	ml_error e;
	for (int k = 0; k < 4; k++) {
		CHECK(ml_svm_kernel(&a, &b, &ps[k], &k1, "t", &e) == ML_OK, "%s", e.msg);
		CHECK(ml_svm_kernel_naive(&a, &b, &ps[k], &k2, "t", &e) == ML_OK, "%s", e.msg);
		const double *K1 = ml_tensor_data(&k1), *K2 = ml_tensor_data(&k2);
		double worst = 0, worst_ref = 0;
		for (int i = 0; i < 13; i++)
			for (int j = 0; j < 9; j++) {
				worst = fmax(worst, fabs(K1[i * 9 + j] - K2[i * 9 + j]));
				worst_ref = fmax(worst_ref, fabs(K2[i * 9 + j] - kval(&ps[k], A + i * 4, B + j * 4, 4)));
			}
		CHECK(worst < 1e-13 && worst_ref < 1e-13, "kernel %d: %g %g", k, worst, worst_ref);
	}
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&k1);
	ml_tensor_release(&k2);
}

/* KKT conditions of the solution; returns the worst violation. */
static double kkt(const ml_tensor *x, const double *y, const double *C, const double *coef, double rho,
                  const ml_svm_params *p, double *sum_out)
{
	int64_t l = x->size[0], d = x->size[1];
	const double *X = ml_tensor_data(x);
	double worst = 0, sum = 0;
	for (int64_t i = 0; i < l; i++) {
		double a = coef[i] * y[i];
		sum += coef[i];
		if (a < -1e-12 || a > C[i] + 1e-12)
			worst = fmax(worst, 1.0);
		double f = -rho;
		for (int64_t j = 0; j < l; j++)
			f += coef[j] * kval(p, X + i * d, X + j * d, d);
		double m = y[i] * f; /* margin; optimality: a=0 -> m>=1, a=C -> m<=1, free -> m=1 */
		if (a <= 0)
			worst = fmax(worst, 1 - m);
		else if (a >= C[i])
			worst = fmax(worst, m - 1);
		else
			worst = fmax(worst, fabs(m - 1));
	}
	*sum_out = sum;
	return worst;
}

static void test_solve(int64_t l, int64_t d, int kernel)
{
	ml_tensor x, y, c, c1, c2, c3;
	make(&x, l, d);
	make(&y, l, 0);
	make(&c, l, 0);
	make(&c1, 0, 0);
	make(&c2, 0, 0);
	make(&c3, 0, 0);
	double *X = ml_tensor_data(&x), *Y = ml_tensor_data(&y), *C = ml_tensor_data(&c);
	for (int64_t i = 0; i < l; i++) {
		double s = 0;
		for (int64_t j = 0; j < d; j++) {
			X[i * d + j] = urand() * 2 - 1;
			s += X[i * d + j] * (j % 2 ? 1 : -0.5);
		}
		Y[i] = s + 0.3 * (urand() - 0.5) > 0 ? 1 : -1;
		C[i] = Y[i] > 0 ? 1.5 : 0.7;
	}
	ml_svm_params p = {kernel, 2, 1.0 / (double)d, 0.5, 1e-7, 0, 1, 200};
	ml_svm_result r1, r2, r3;
	ml_error e;
	CHECK(ml_svm_solve(&x, &y, &c, &p, &c1, &r1, "t", &e) == ML_OK, "%s", e.msg);
	double sum, worst = kkt(&x, Y, C, ml_tensor_data(&c1), r1.rho, &p, &sum);
	/* tol bounds the violating pair in float-cached Q: allow float rounding */
	CHECK(worst < 1e-4 && fabs(sum) < 1e-9, "KKT l=%lld kernel %d: worst %g, sum %g", (long long)l, kernel,
	      worst, sum);
	CHECK(!r1.hit_max_iter && (l < 10 || r1.n_iter > 0), "converged");
	p.shrinking = 0;
	CHECK(ml_svm_solve(&x, &y, &c, &p, &c2, &r2, "t", &e) == ML_OK, "%s", e.msg);
	const double *A1 = ml_tensor_data(&c1), *A2 = ml_tensor_data(&c2);
	double diff = fabs(r1.rho - r2.rho);
	for (int64_t i = 0; i < l; i++)
		diff = fmax(diff, fabs(A1[i] - A2[i]));
	CHECK(diff < 1e-4, "shrinking on/off l=%lld: %g", (long long)l, diff);
	p.shrinking = 1;
	p.cache_mb = 1e-9; /* two rows */
	CHECK(ml_svm_solve(&x, &y, &c, &p, &c3, &r3, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(memcmp(ml_tensor_data(&c3), A1, (size_t)l * sizeof(double)) == 0 && r3.rho == r1.rho &&
	          r3.n_iter == r1.n_iter,
	      "tiny cache gives the same path");
	p.max_iter = 3;
	CHECK(ml_svm_solve(&x, &y, &c, &p, &c3, &r3, "t", &e) == ML_OK && (l < 10 || (r3.hit_max_iter && r3.n_iter == 3)),
	      "max_iter");
	ml_tensor *all[] = {&x, &y, &c, &c1, &c2, &c3};
	for (size_t i = 0; i < 6; i++)
		ml_tensor_release(all[i]);
}

/* epsilon-SVR: the optimality conditions on every row (beta = a - a*):
 * beta = 0 -> |y - f| <= eps; 0 < beta < C -> y - f = eps; beta = C ->
 * y - f >= eps (mirrored for beta < 0); sum beta = 0. */
static void test_svr(int64_t l, int kernel)
{
	ml_tensor x, y, c, coef;
	make(&x, l, 3);
	make(&y, l, 0);
	make(&c, l, 0);
	make(&coef, 0, 0);
	double *X = ml_tensor_data(&x), *Y = ml_tensor_data(&y), *C = ml_tensor_data(&c);
	for (int64_t i = 0; i < l; i++) {
		for (int j = 0; j < 3; j++)
			X[i * 3 + j] = urand() * 2 - 1;
		Y[i] = sin(3 * X[i * 3]) + X[i * 3 + 1] + 0.2 * (urand() - 0.5);
		C[i] = 1.0;
	}
	ml_svm_params p = {kernel, 3, 0.5, 1, 1e-8, 0, 1, 200};
	ml_svm_result r;
	ml_error e;
	double eps = 0.1;
	CHECK(ml_svm_solve_svr(&x, &y, &c, eps, &p, &coef, &r, "t", &e) == ML_OK, "%s", e.msg);
	const double *B = ml_tensor_data(&coef);
	double worst = 0, sum = 0;
	for (int64_t i = 0; i < l; i++) {
		double f = -r.rho;
		for (int64_t j = 0; j < l; j++)
			f += B[j] * kval(&p, X + i * 3, X + j * 3, 3);
		double res = Y[i] - f, b = B[i];
		sum += b;
		if (b == 0)
			worst = fmax(worst, fabs(res) - eps);
		else if (b > 0 && b < C[i])
			worst = fmax(worst, fabs(res - eps));
		else if (b >= C[i])
			worst = fmax(worst, eps - res);
		else if (b < 0 && b > -C[i])
			worst = fmax(worst, fabs(res + eps));
		else
			worst = fmax(worst, eps + res);
	}
	CHECK(worst < 1e-4 && fabs(sum) < 1e-9, "SVR KKT l=%lld kernel %d: worst %g, sum %g", (long long)l, kernel,
	      worst, sum);
	CHECK(ml_svm_solve_svr(&x, &y, &c, -1, &p, &coef, &r, "who", &e) == ML_EINVAL &&
	          strstr(e.msg, "epsilon must be >= 0"),
	      "negative epsilon");
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&c);
	ml_tensor_release(&coef);
}

static void test_errors(void)
{
	ml_tensor x, y, c, out;
	make(&x, 3, 2);
	make(&y, 3, 0);
	make(&c, 2, 0);
	make(&out, 0, 0);
	ml_svm_params p = {ML_SVM_RBF, 3, 1, 0, 1e-3, 0, 1, 200};
	ml_error e;
	CHECK(ml_svm_solve(&x, &y, &c, &p, &out, &(ml_svm_result){0}, "who", &e) == ML_ESHAPE &&
	          strstr(e.msg, "who: expected x (L, D), y (L), C (L)"),
	      "shapes: %s", e.msg);
	ml_tensor_release(&c);
	make(&c, 3, 0);
	ml_tensor_fill(&c, 1.0);
	CHECK(ml_svm_solve(&x, &y, &c, &p, &out, &(ml_svm_result){0}, "who", &e) == ML_EINVAL &&
	          strstr(e.msg, "y must be +1 or -1"),
	      "labels: %s", e.msg);
	p.tol = 0;
	CHECK(ml_svm_solve(&x, &y, &c, &p, &out, &(ml_svm_result){0}, "who", &e) == ML_EINVAL &&
	          strstr(e.msg, "tol must be > 0"),
	      "tol: %s", e.msg);
	p.tol = 1e-3;
	p.kernel = 9;
	CHECK(ml_svm_kernel(&x, &x, &p, &out, "who", &e) == ML_EINVAL, "kernel id");
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&c);
	ml_tensor_release(&out);
}

int main(void)
{
	test_kernels();
	test_solve(1, 2, ML_SVM_RBF);
	test_solve(2, 2, ML_SVM_LINEAR);
	test_solve(57, 3, ML_SVM_RBF);
	test_solve(240, 5, ML_SVM_LINEAR);
	test_solve(301, 4, ML_SVM_POLY);
	test_solve(150, 6, ML_SVM_SIGMOID);
	test_solve(1200, 3, ML_SVM_RBF);
	test_svr(60, ML_SVM_RBF);
	test_svr(201, ML_SVM_LINEAR);
	test_svr(150, ML_SVM_POLY);
	test_errors();
	return check_done();
}
