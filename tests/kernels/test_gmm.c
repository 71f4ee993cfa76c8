/*
 * test_gmm.c - kernels/gmm.c against naive reference loops.
 *
 * Log densities from the definition (the Mahalanobis form with the precision
 * matrix P P^T, computed with long doubles), for full and tied factors, with
 * and without log weights, on both paths (direct loops below 32 features,
 * GEMM above); the normalisation against a plain logsumexp; the M-step sums
 * and covariances against loops; results independent of the thread count;
 * errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "gmm.h"

static uint64_t rng_state = 88172645463325252ull;

static double urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void make(ml_tensor *t, int ndim, int64_t a, int64_t b, int64_t c)
{
	int64_t size[3] = {a, b, c};
	ml_error e;
	ml_tensor_init(t, ML_DOUBLE);
	ml_tensor_init_sized(t, ML_DOUBLE, ndim, size, &e);
}

static double *D(ml_tensor *t) { return ml_tensor_data(t); }

static void test_case(int64_t n, int64_t d, int64_t k, int tied)
{
	ml_tensor x, mu, pc, lw, out, lpn, resp, nk, means, cov;
	make(&x, 2, n, d, 0);
	make(&mu, 2, k, d, 0);
	if (tied)
		make(&pc, 2, d, d, 0);
	else
		make(&pc, 3, k, d, d);
	make(&lw, 1, k, 0, 0);
	make(&out, 1, 0, 0, 0);
	make(&lpn, 1, 0, 0, 0);
	make(&resp, 1, 0, 0, 0);
	make(&nk, 1, 0, 0, 0);
	make(&means, 1, 0, 0, 0);
	make(&cov, 1, 0, 0, 0);
	for (int64_t i = 0; i < n * d; i++)
		D(&x)[i] = urand() * 4 - 2;
	for (int64_t i = 0; i < k * d; i++)
		D(&mu)[i] = urand() * 2 - 1;
	int64_t nf = tied ? 1 : k;
	for (int64_t f = 0; f < nf; f++) /* lower triangular with a positive diagonal */
		for (int64_t a = 0; a < d; a++)
			for (int64_t b = 0; b < d; b++)
				D(&pc)[f * d * d + a * d + b] = a == b ? 0.5 + urand() : a > b ? urand() - 0.5 : 0;
	for (int64_t c = 0; c < k; c++)
		D(&lw)[c] = log((c + 1.0) / (k * (k + 1) / 2.0));
	ml_error e;
	CHECK(ml_gmm_log_prob(&x, &mu, &pc, &lw, &out, "t", &e) == ML_OK, "%s", e.msg);
	double worst = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t c = 0; c < k; c++) {
			const double *p = D(&pc) + (tied ? 0 : c * d * d);
			long double q = 0, logdet = 0;
			for (int64_t a = 0; a < d; a++) { /* (x - mu)^T P P^T (x - mu) */
				long double y = 0;
				for (int64_t t = 0; t < d; t++)
					y += (long double)(D(&x)[i * d + t] - D(&mu)[c * d + t]) * p[t * d + a];
				q += y * y;
				logdet += logl(p[a * d + a]);
			}
			double want = (double)(-0.5L * (d * logl(2 * 3.14159265358979323846L) + q) + logdet) + D(&lw)[c];
			worst = fmax(worst, fabs(D(&out)[i * k + c] - want) / (1 + fabs(want)));
		}
	CHECK(worst < 1e-12, "log_prob (n=%lld d=%lld k=%lld tied=%d) off by %g", (long long)n, (long long)d,
	      (long long)k, tied, worst);
	/* normalisation */
	double *w0 = malloc((size_t)(n * k) * sizeof *w0);
	memcpy(w0, D(&out), (size_t)(n * k) * sizeof *w0);
	double mean;
	CHECK(ml_gmm_normalize(&out, &lpn, &resp, &mean, "t", &e) == ML_OK, "%s", e.msg);
	double wl = 0, wr = 0, tot = 0;
	for (int64_t i = 0; i < n; i++) {
		long double s = 0;
		for (int64_t c = 0; c < k; c++)
			s += expl(w0[i * k + c]);
		double l = (double)logl(s);
		tot += l;
		wl = fmax(wl, fabs(D(&lpn)[i] - l));
		double rs = 0;
		for (int64_t c = 0; c < k; c++) {
			wr = fmax(wr, fabs(D(&out)[i * k + c] - (w0[i * k + c] - l)));
			rs += D(&resp)[i * k + c];
		}
		wr = fmax(wr, fabs(rs - 1));
	}
	CHECK(wl < 1e-12 && wr < 1e-12, "normalize off by %g / %g", wl, wr);
	CHECK_NEAR(mean, tot / n, 1e-12);
	/* M-step */
	CHECK(ml_gmm_m_step(&x, &resp, 1e-3, &nk, &means, &cov, "t", &e) == ML_OK, "%s", e.msg);
	double wm = 0, wc = 0;
	for (int64_t c = 0; c < k; c++) {
		long double s = 0;
		for (int64_t i = 0; i < n; i++)
			s += D(&resp)[i * k + c];
		wm = fmax(wm, fabs(D(&nk)[c] - (double)s) / (double)s);
		for (int64_t a = 0; a < d; a++) {
			long double m = 0;
			for (int64_t i = 0; i < n; i++)
				m += D(&resp)[i * k + c] * D(&x)[i * d + a];
			wm = fmax(wm, fabs(D(&means)[c * d + a] - (double)(m / s)));
		}
		for (int64_t a = 0; a < d; a++)
			for (int64_t b = 0; b < d; b++) {
				long double v = 0;
				for (int64_t i = 0; i < n; i++)
					v += D(&resp)[i * k + c] * (D(&x)[i * d + a] - D(&means)[c * d + a]) *
					     (D(&x)[i * d + b] - D(&means)[c * d + b]);
				double want = (double)(v / D(&nk)[c]) + (a == b ? 1e-3 : 0);
				wc = fmax(wc, fabs(D(&cov)[c * d * d + a * d + b] - want));
			}
	}
	CHECK(wm < 1e-12 && wc < 1e-12, "m_step (n=%lld d=%lld) off by %g / %g", (long long)n, (long long)d, wm, wc);
#ifdef _OPENMP
	/* the same bits with one thread */
	ml_tensor cov1, nk1, means1;
	make(&cov1, 1, 0, 0, 0);
	make(&nk1, 1, 0, 0, 0);
	make(&means1, 1, 0, 0, 0);
	int saved = omp_get_max_threads();
	omp_set_num_threads(1);
	ml_gmm_m_step(&x, &resp, 1e-3, &nk1, &means1, &cov1, "t", &e);
	omp_set_num_threads(saved);
	CHECK(memcmp(D(&cov1), D(&cov), (size_t)(k * d * d) * 8) == 0 &&
	          memcmp(D(&means1), D(&means), (size_t)(k * d) * 8) == 0,
	      "m_step depends on the thread count");
	ml_tensor_release(&cov1);
	ml_tensor_release(&nk1);
	ml_tensor_release(&means1);
#endif
	free(w0);
	ml_tensor *all[] = {&x, &mu, &pc, &lw, &out, &lpn, &resp, &nk, &means, &cov};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		ml_tensor_release(all[i]);
}

static void test_errors(void)
{
	ml_tensor x, mu, pc, out, lw;
	make(&x, 2, 5, 3, 0);
	make(&mu, 2, 2, 3, 0);
	make(&pc, 3, 2, 4, 4);
	make(&out, 1, 0, 0, 0);
	make(&lw, 1, 3, 0, 0);
	ml_error e;
	CHECK(ml_gmm_log_prob(&x, &mu, &pc, NULL, &out, "ml.G", &e) == ML_ESHAPE &&
	          strstr(e.msg, "ml.G: shapes of x, means and precisions_cholesky disagree"), "%s", e.msg);
	ml_tensor_release(&pc);
	make(&pc, 3, 2, 3, 3);
	CHECK(ml_gmm_log_prob(&x, &mu, &pc, &lw, &out, "ml.G", &e) == ML_ESHAPE && strstr(e.msg, "3 log weights for 2"),
	      "%s", e.msg);
	ml_tensor f;
	int64_t s[2] = {5, 3};
	ml_tensor_init(&f, ML_FLOAT);
	ml_tensor_init_sized(&f, ML_FLOAT, 2, s, &e);
	CHECK(ml_gmm_log_prob(&f, &mu, &pc, NULL, &out, "ml.G", &e) == ML_ETYPE &&
	          strstr(e.msg, "x must be a Double tensor (got Float)"), "%s", e.msg);
	ml_tensor *all[] = {&x, &mu, &pc, &out, &lw, &f};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		ml_tensor_release(all[i]);
}

int main(void)
{
	test_case(1, 1, 1, 0);
	test_case(37, 3, 2, 0);
	test_case(500, 5, 4, 1);
	test_case(3001, 10, 5, 0);
	test_case(300, 40, 3, 0); /* GEMM path */
	test_case(257, 33, 2, 1);
	test_errors();
	return check_done();
}
