/*
 * gmm.c - Gaussian mixture EM hot loops (see gmm.h for the contracts).
 *
 * With few features (D < DIRECT_MAX) every row's work for all components
 * is done in one OpenMP pass (per-thread covariance accumulators reduced in
 * thread order): alternating OpenBLAS's threads with OpenMP's costs more
 * than the arithmetic there, badly so on a loaded machine.  With more
 * features each component is one GEMM (ml_blas_gemm) plus one pass over
 * the rows.  Formulas are scikit-learn's (_estimate_log_gaussian_prob,
 * logsumexp, _estimate_gaussian_covariances_full), so that results agree to
 * rounding.  Not here: the EM loop, diagonal/spherical covariances.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "gmm.h"
#include "internal.h"

#define DIRECT_MAX 32 /* features below which rows are processed without GEMM */

/* Row chunks for accumulating passes: sums are kept per chunk and reduced in
 * chunk order, so results do not depend on the thread count or on which
 * thread ran which chunk; chunks are handed out dynamically, so that a
 * thread descheduled on a busy machine does not hold the others up. */
static int64_t chunk_count(int64_t n, size_t per_chunk)
{
	int64_t c = n / 2048 + 1;
	if (c > 64)
		c = 64;
	while (c > 1 && (size_t)c * per_chunk > ((size_t)1 << 22))
		c /= 2;
	return c;
}

static int want_double(const ml_tensor *t, int ndim, const char *name, const char *who, ml_error *e)
{
	char b[64];
	if (t->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: %s must be a Double tensor (got %s)", who, name,
		               ml_dtype_info[t->dtype].name);
	if (t->ndim != ndim || !ml_tensor_is_contiguous(t))
		return ml_fail(e, ML_ESHAPE, "%s: %s must be a contiguous %d-D tensor (got %s)", who, name, ndim,
		               ml_tensor_shape_str(b, sizeof b, t));
	return ML_OK;
}

static int resize_to(ml_tensor *t, int ndim, int64_t a, int64_t b, int64_t c, const char *who, ml_error *e)
{
	int64_t size[3] = {a, b, c};
	if (t->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	int rc = ml_tensor_resize(t, ndim, size, e);
	if (!rc && !ml_tensor_is_contiguous(t))
		rc = ml_fail(e, ML_EINVAL, "%s: result must be contiguous", who);
	return rc;
}

/* mu_k P_k (K, D) and log det of each P_k (K), into buf (K * D + K) */
static void projected_means(const double *MU, const double *PC, int tied, int64_t k, int64_t d, double *buf)
{
	for (int64_t c = 0; c < k; c++) {
		const double *p = PC + (tied ? 0 : c * d * d);
		double logdet = 0;
		for (int64_t j = 0; j < d; j++) {
			double s = 0;
			for (int64_t t = 0; t < d; t++)
				s += MU[c * d + t] * p[t * d + j];
			buf[c * d + j] = s;
			logdet += log(p[j * d + j]);
		}
		buf[k * d + c] = logdet;
	}
}

static int log_prob_direct(const ml_tensor *x, const ml_tensor *means, const ml_tensor *pc, int tied,
                           const double *lw, ml_tensor *out, double cst, const char *who, ml_error *e)
{
	int64_t n = x->size[0], d = x->size[1], k = means->size[0];
	double *buf = malloc((size_t)(k * d + k) * sizeof *buf);
	if (!buf)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	const double *X = ml_tensor_data(x), *PC = ml_tensor_data(pc);
	double *O = ml_tensor_data(out);
	projected_means(ml_tensor_data(means), PC, tied, k, d, buf);
	int nt = ml_threads_for(n * k * d * d, 1 << 15);
#pragma omp parallel for schedule(dynamic, 512) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		const double *xi = X + i * d;
		for (int64_t c = 0; c < k; c++) {
			const double *p = PC + (tied ? 0 : c * d * d), *mp = buf + c * d;
			double s = 0;
			for (int64_t j = 0; j < d; j++) {
				double y = 0; /* (x_i P)_j, summed in GEMM's order */
				for (int64_t t = 0; t < d; t++)
					y += xi[t] * p[t * d + j];
				double v = y - mp[j];
				s += v * v;
			}
			O[i * k + c] = -0.5 * (cst + s) + buf[k * d + c] + (lw ? lw[c] : 0.0);
		}
	}
	free(buf);
	return ML_OK;
}

int ml_gmm_log_prob(const ml_tensor *x, const ml_tensor *means, const ml_tensor *pc,
                    const ml_tensor *logw, ml_tensor *out, const char *who, ml_error *e)
{
	int rc;
	if ((rc = want_double(x, 2, "x", who, e)) || (rc = want_double(means, 2, "means", who, e)) ||
	    (logw && (rc = want_double(logw, 1, "log weights", who, e))))
		return rc;
	if (logw && logw->size[0] != means->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: %lld log weights for %lld components", who, (long long)logw->size[0],
		               (long long)means->size[0]);
	const double *lw = logw ? ml_tensor_data(logw) : NULL;
	int tied = pc->ndim == 2;
	if ((rc = want_double(pc, tied ? 2 : 3, "precisions_cholesky", who, e)))
		return rc;
	int64_t n = x->size[0], d = x->size[1], k = means->size[0];
	if (means->size[1] != d || pc->size[pc->ndim - 1] != d || pc->size[pc->ndim - 2] != d ||
	    (!tied && pc->size[0] != k))
		return ml_fail(e, ML_ESHAPE, "%s: shapes of x, means and precisions_cholesky disagree", who);
	if ((rc = resize_to(out, 2, n, k, 0, who, e)))
		return rc;
	const double cst = (double)d * log(2 * M_PI);
	if (d < DIRECT_MAX)
		return log_prob_direct(x, means, pc, tied, lw, out, cst, who, e);
	ml_tensor y;
	int64_t ysize[2] = {n, d};
	ml_tensor_init(&y, ML_DOUBLE);
	if ((rc = ml_tensor_init_sized(&y, ML_DOUBLE, 2, ysize, e)))
		return rc;
	double *mp = malloc((size_t)(d ? d : 1) * sizeof *mp);
	if (!mp) {
		ml_tensor_release(&y);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	}
	const double *X = ml_tensor_data(x), *MU = ml_tensor_data(means);
	double *O = ml_tensor_data(out), *Y = ml_tensor_data(&y);
	int nt = ml_threads_for(n * d, 1 << 14);
	for (int64_t c = 0; c < k && !rc; c++) {
		ml_tensor P = *pc;
		if (!tied)
			ml_tensor_select(&P, 0, c, e);
		const double *p = ml_tensor_data(&P);
		rc = ml_blas_gemm(&y, 0.0, 1.0, x, &P, e);
		double logdet = 0;
		for (int64_t j = 0; j < d; j++) {
			double s = 0;
			for (int64_t t = 0; t < d; t++)
				s += MU[c * d + t] * p[t * d + j];
			mp[j] = s;
			logdet += log(p[j * d + j]);
		}
#pragma omp parallel for schedule(static) num_threads(nt)
		for (int64_t i = 0; i < n; i++) {
			const double *yi = Y + i * d;
			double s = 0;
			for (int64_t j = 0; j < d; j++) {
				double v = yi[j] - mp[j];
				s += v * v;
			}
			O[i * k + c] = -0.5 * (cst + s) + logdet + (lw ? lw[c] : 0.0);
		}
	}
	(void)X;
	free(mp);
	ml_tensor_release(&y);
	return rc;
}

int ml_gmm_normalize(ml_tensor *wlp, ml_tensor *lpn, ml_tensor *resp, double *mean, const char *who,
                     ml_error *e)
{
	int rc;
	if ((rc = want_double(wlp, 2, "weighted log probabilities", who, e)))
		return rc;
	int64_t n = wlp->size[0], k = wlp->size[1];
	if ((rc = resize_to(lpn, 1, n, 0, 0, who, e)) || (resp && (rc = resize_to(resp, 2, n, k, 0, who, e))))
		return rc;
	double *W = ml_tensor_data(wlp), *L = ml_tensor_data(lpn), *R = resp ? ml_tensor_data(resp) : NULL;
	int nt = ml_threads_for(n * k, 1 << 13);
#pragma omp parallel for schedule(dynamic, 1024) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		double *w = W + i * k;
		double mx = -INFINITY;
		for (int64_t c = 0; c < k; c++)
			if (w[c] > mx)
				mx = w[c];
		if (!isfinite(mx))
			mx = 0;
		double s = 0;
		for (int64_t c = 0; c < k; c++)
			s += exp(w[c] - mx);
		double l = log(s) + mx;
		L[i] = l;
		for (int64_t c = 0; c < k; c++) {
			w[c] -= l;
			if (R)
				R[i * k + c] = exp(w[c]);
		}
	}
	if (mean) {
		double total = 0;
		for (int64_t i = 0; i < n; i++)
			total += L[i];
		*mean = n ? total / (double)n : NAN;
	}
	return ML_OK;
}

int ml_gmm_m_step(const ml_tensor *x, const ml_tensor *resp, double reg, ml_tensor *nk, ml_tensor *means,
                  ml_tensor *cov, const char *who, ml_error *e)
{
	int rc;
	if ((rc = want_double(x, 2, "x", who, e)) || (rc = want_double(resp, 2, "resp", who, e)))
		return rc;
	int64_t n = x->size[0], d = x->size[1], k = resp->size[1];
	if (resp->size[0] != n)
		return ml_fail(e, ML_ESHAPE, "%s: resp has %lld rows, x %lld", who, (long long)resp->size[0], (long long)n);
	if ((rc = resize_to(nk, 1, k, 0, 0, who, e)) || (rc = resize_to(means, 2, k, d, 0, who, e)))
		return rc;
	size_t per = (size_t)(k + k * d);
	int64_t nc = chunk_count(n, per);
	int nt = ml_threads_for(n * k * (d + 1), 1 << 15);
	double *acc = calloc((size_t)nc * per, sizeof *acc);
	if (!acc)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	const double *X = ml_tensor_data(x), *R = ml_tensor_data(resp);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
	for (int64_t q = 0; q < nc; q++) {
		double *a = acc + (size_t)q * per, *m = a + k;
		for (int64_t i = n * q / nc; i < n * (q + 1) / nc; i++) {
			const double *xi = X + i * d;
			for (int64_t c = 0; c < k; c++) {
				double r = R[i * k + c];
				a[c] += r;
				for (int64_t j = 0; j < d; j++)
					m[c * d + j] += r * xi[j];
			}
		}
	}
	double *NK = ml_tensor_data(nk), *MU = ml_tensor_data(means);
	for (int64_t c = 0; c < k; c++) {
		double s = 0;
		for (int64_t t = 0; t < nc; t++)
			s += acc[(size_t)t * per + c];
		NK[c] = s + 10 * 2.220446049250313e-16;
	}
	for (int64_t q = 0; q < k * d; q++) {
		double s = 0;
		for (int64_t t = 0; t < nc; t++)
			s += acc[(size_t)t * per + k + q];
		MU[q] = s / NK[q / d];
	}
	free(acc);
	return cov ? ml_gmm_covariances(x, resp, means, nk, reg, cov, who, e) : ML_OK;
}

static int covariances_direct(const ml_tensor *x, const ml_tensor *resp, const ml_tensor *means,
                              const ml_tensor *nk, double reg, ml_tensor *cov, const char *who, ml_error *e)
{
	int64_t n = x->size[0], d = x->size[1], k = resp->size[1];
	size_t per = (size_t)(k * d * d + d);
	int64_t nc = chunk_count(n, per);
	int nt = ml_threads_for(n * k * d * d, 1 << 15);
	double *acc = calloc((size_t)nc * per, sizeof *acc);
	if (!acc)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	const double *X = ml_tensor_data(x), *R = ml_tensor_data(resp), *MU = ml_tensor_data(means);
	const double *NK = ml_tensor_data(nk);
	double *C = ml_tensor_data(cov);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
	for (int64_t q = 0; q < nc; q++) {
		double *a = acc + (size_t)q * per, *v = a + k * d * d;
		for (int64_t i = n * q / nc; i < n * (q + 1) / nc; i++) {
			for (int64_t c = 0; c < k; c++) {
				double r = R[i * k + c], *ac = a + c * d * d;
				for (int64_t j = 0; j < d; j++)
					v[j] = X[i * d + j] - MU[c * d + j];
				for (int64_t j = 0; j < d; j++) {
					double w = r * v[j];
					for (int64_t t = 0; t < d; t++)
						ac[j * d + t] += w * v[t];
				}
			}
		}
	}
	for (int64_t q = 0; q < k * d * d; q++) {
		double s = 0;
		for (int64_t t = 0; t < nc; t++)
			s += acc[(size_t)t * per + (size_t)q];
		C[q] = s;
	}
	for (int64_t c = 0; c < k; c++) {
		for (int64_t j = 0; j < d * d; j++)
			C[c * d * d + j] /= NK[c];
		for (int64_t j = 0; j < d; j++)
			C[c * d * d + j * d + j] += reg;
	}
	free(acc);
	return ML_OK;
}

int ml_gmm_covariances(const ml_tensor *x, const ml_tensor *resp, const ml_tensor *means,
                       const ml_tensor *nk, double reg, ml_tensor *cov, const char *who, ml_error *e)
{
	int rc;
	if ((rc = want_double(x, 2, "x", who, e)) || (rc = want_double(resp, 2, "resp", who, e)) ||
	    (rc = want_double(means, 2, "means", who, e)) || (rc = want_double(nk, 1, "nk", who, e)))
		return rc;
	int64_t n = x->size[0], d = x->size[1], k = resp->size[1];
	if (resp->size[0] != n || means->size[0] != k || means->size[1] != d || nk->size[0] != k)
		return ml_fail(e, ML_ESHAPE, "%s: shapes of x, resp, means and nk disagree", who);
	if ((rc = resize_to(cov, 3, k, d, d, who, e)))
		return rc;
	if (d < DIRECT_MAX)
		return covariances_direct(x, resp, means, nk, reg, cov, who, e);
	ml_tensor diff, wdiff;
	int64_t size[2] = {n, d};
	ml_tensor_init(&diff, ML_DOUBLE);
	ml_tensor_init(&wdiff, ML_DOUBLE);
	if ((rc = ml_tensor_init_sized(&diff, ML_DOUBLE, 2, size, e)) ||
	    (rc = ml_tensor_init_sized(&wdiff, ML_DOUBLE, 2, size, e))) {
		ml_tensor_release(&diff);
		return rc;
	}
	const double *X = ml_tensor_data(x), *R = ml_tensor_data(resp), *MU = ml_tensor_data(means);
	const double *NK = ml_tensor_data(nk);
	double *D = ml_tensor_data(&diff), *WD = ml_tensor_data(&wdiff);
	int nt = ml_threads_for(n * d, 1 << 14);
	for (int64_t c = 0; c < k && !rc; c++) {
		const double *mu = MU + c * d;
#pragma omp parallel for schedule(static) num_threads(nt)
		for (int64_t i = 0; i < n; i++) {
			double r = R[i * k + c];
			for (int64_t j = 0; j < d; j++) {
				double v = X[i * d + j] - mu[j];
				D[i * d + j] = v;
				WD[i * d + j] = r * v;
			}
		}
		ml_tensor cc = *cov, wt = wdiff;
		ml_tensor_select(&cc, 0, c, e);
		ml_tensor_transpose(&wt, 0, 1, e);
		if ((rc = ml_blas_gemm(&cc, 0.0, 1.0, &wt, &diff, e)))
			break;
		double *C = ml_tensor_data(&cc);
		for (int64_t j = 0; j < d * d; j++)
			C[j] /= NK[c];
		for (int64_t j = 0; j < d; j++)
			C[j * d + j] += reg;
	}
	ml_tensor_release(&diff);
	ml_tensor_release(&wdiff);
	return rc;
}
