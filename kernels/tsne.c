/*
 * tsne.c - exact t-SNE (see tsne.h): scikit-learn's _binary_search_perplexity
 * and _kl_divergence, step for step, rows in parallel with OpenMP.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "tsne.h"

static int check_sq(const ml_tensor *t, int64_t n, const char *name, const char *who, ml_error *e)
{
	char b[64];
	if (t->dtype != ML_DOUBLE || t->ndim != 2 || !ml_tensor_is_contiguous(t) || (n >= 0 && t->size[0] != n) ||
	    t->size[1] != t->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: %s must be a contiguous square Double matrix (got %s %s)", who, name,
		               ml_dtype_info[t->dtype].name, ml_tensor_shape_str(b, sizeof b, t));
	return ML_OK;
}

int ml_tsne_joint_p(const ml_tensor *d2, double perplexity, ml_tensor *p, const char *who, ml_error *e)
{
	int rc = check_sq(d2, -1, "the squared distances", who, e);
	if (rc)
		return rc;
	if (!(perplexity > 0))
		return ml_fail(e, ML_EINVAL, "%s: perplexity must be > 0 (got %g)", who, perplexity);
	int64_t n = d2->size[0], size[2] = {n, n};
	if (p->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	if ((rc = ml_tensor_resize(p, 2, size, e)))
		return rc;
	const double *D = ml_tensor_data(d2);
	double *P = ml_tensor_data(p);
	const double target = log(perplexity);
	int nt = ml_threads_for(n * n * 20, 1 << 15);
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		double *row = P + i * n;
		const double *d = D + i * n;
		double beta = 1.0, lo = -INFINITY, hi = INFINITY;
		for (int step = 0; step < 100; step++) {
			double sum = 0;
			for (int64_t j = 0; j < n; j++) {
				row[j] = j == i ? 0.0 : exp(-(double)(float)d[j] * beta);
				sum += row[j];
			}
			if (sum == 0.0)
				sum = 1e-8;
			double sdp = 0;
			for (int64_t j = 0; j < n; j++) {
				row[j] /= sum;
				sdp += (double)(float)d[j] * row[j];
			}
			double diff = log(sum) + beta * sdp - target;
			if (fabs(diff) <= 1e-5)
				break;
			if (diff > 0) {
				lo = beta;
				beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
			} else {
				hi = beta;
				beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2;
			}
		}
	}
	/* symmetrise, normalise by the sum of the upper triangle counted twice */
	double total = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = i + 1; j < n; j++) {
			double v = P[i * n + j] + P[j * n + i];
			P[i * n + j] = P[j * n + i] = v;
			total += v;
		}
	total *= 2;
	if (total < DBL_EPSILON)
		total = DBL_EPSILON;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double v = P[i * n + j] / total;
			P[i * n + j] = i == j ? 0.0 : (v > DBL_EPSILON ? v : DBL_EPSILON);
		}
	return ML_OK;
}

int ml_tsne_kl_grad(const ml_tensor *y, const ml_tensor *p, double dof, ml_tensor *grad, double *kl,
                    const char *who, ml_error *e)
{
	char b[64];
	if (y->dtype != ML_DOUBLE || y->ndim != 2 || !ml_tensor_is_contiguous(y))
		return ml_fail(e, ML_ESHAPE, "%s: the embedding must be a contiguous 2-D Double tensor (got %s)", who,
		               ml_tensor_shape_str(b, sizeof b, y));
	int64_t n = y->size[0], c = y->size[1];
	int rc = check_sq(p, n, "P", who, e);
	if (rc)
		return rc;
	int64_t size[2] = {n, c};
	if (grad->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	if ((rc = ml_tensor_resize(grad, 2, size, e)))
		return rc;
	double *w = malloc((size_t)(n ? n * n : 1) * sizeof *w);
	if (!w)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld points)", who, (long long)n);
	const double *Y = ml_tensor_data(y), *P = ml_tensor_data(p);
	double *G = ml_tensor_data(grad);
	const double ex = (dof + 1.0) / -2.0;
	int nt = ml_threads_for(n * n * (c + 4), 1 << 15);
	/* Student-t kernel of each pair, sum over the upper triangle */
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt)
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double s = 0;
			for (int64_t t = 0; t < c; t++) {
				double v = Y[i * c + t] - Y[j * c + t];
				s += v * v;
			}
			w[i * n + j] = i == j ? 0.0 : (dof == 1.0 ? 1.0 / (s + 1.0) : pow(s / dof + 1.0, ex));
		}
	double sum = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = i + 1; j < n; j++)
			sum += w[i * n + j];
	sum *= 2.0;
	const double cst = 2.0 * (dof + 1.0) / dof;
	double total = 0;
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) reduction(+ : total)
	for (int64_t i = 0; i < n; i++) {
		double *g = G + i * c;
		for (int64_t t = 0; t < c; t++)
			g[t] = 0;
		for (int64_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			double q = w[i * n + j] / sum;
			if (q < DBL_EPSILON)
				q = DBL_EPSILON;
			double pij = P[i * n + j];
			if (j > i)
				total += pij * log((pij > DBL_EPSILON ? pij : DBL_EPSILON) / q);
			double f = (pij - q) * w[i * n + j];
			for (int64_t t = 0; t < c; t++)
				g[t] += f * (Y[i * c + t] - Y[j * c + t]);
		}
		for (int64_t t = 0; t < c; t++)
			g[t] *= cst;
	}
	if (kl)
		*kl = 2.0 * total;
	free(w);
	return ML_OK;
}
