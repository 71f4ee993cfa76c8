/*
 * linear.c - hot loops of the linear models (see linear.h): centering with
 * transposition, elastic-net coordinate descent (with its naive reference),
 * SGD epochs, dual coordinate descent for the linear SVM, and the logistic
 * losses with their gradients.
 *
 * Double, contiguous inputs only (center_t reads any strides); serial (these
 * loops are sequential by nature; the softmax loss's two matrix products go
 * to BLAS, threaded as OpenBLAS decides).  Long runs poll the host's
 * interrupt flag once per pass.  No orchestration: intercepts, multiclass,
 * paths and the optimizers (L-BFGS, FISTA) are the caller's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"
#include "blas.h"
#include "interrupt.h"

/* ---- a small reproducible generator (splitmix64) ---- */

typedef struct rng {
	uint64_t s; /* state */
} rng;

static uint64_t rng_next(rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform integer in [0, n) (n >= 1; the modulo bias is < n / 2^64). */
static int64_t rng_below(rng *g, int64_t n)
{
	return (int64_t)(rng_next(g) % (uint64_t)n);
}

static void shuffle(rng *g, int64_t *idx, int64_t n)
{
	for (int64_t i = n - 1; i > 0; i--) {
		int64_t j = rng_below(g, i + 1);
		int64_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
}

/* ---- argument checks ---- */

/* t must be a contiguous double tensor of ndim dims with the given sizes
 * (size1 ignored for ndim 1). */
static int check_arg(const ml_tensor *t, const char *who, const char *name, int ndim, int64_t size0,
                     int64_t size1, ml_error *e)
{
	char shape[ML_SHAPELEN];
	if (t->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: %s must be a DoubleTensor (got %s)", who, name,
		               ml_dtype_info[t->dtype].name);
	ml_shape_str(shape, sizeof shape, t->ndim, t->size);
	if (t->ndim != ndim || t->size[0] != size0 || (ndim == 2 && t->size[1] != size1)) {
		if (ndim == 1)
			return ml_fail(e, ML_ESHAPE, "%s: %s must have size %lld (got %s)", who, name,
			               (long long)size0, shape);
		return ml_fail(e, ML_ESHAPE, "%s: %s must have size %lldx%lld (got %s)", who, name,
		               (long long)size0, (long long)size1, shape);
	}
	if (!ml_tensor_is_contiguous(t))
		return ml_fail(e, ML_EINVAL, "%s: %s must be contiguous (size %s)", who, name, shape);
	return ML_OK;
}

static int check_matrix(const ml_tensor *x, const char *who, const char *name, ml_error *e)
{
	if (x->ndim != 2) {
		char shape[ML_SHAPELEN];
		ml_shape_str(shape, sizeof shape, x->ndim, x->size);
		return ml_fail(e, ML_ESHAPE, "%s: %s must be 2-D (got %s)", who, name, shape);
	}
	return check_arg(x, who, name, 2, x->size[0], x->size[1], e);
}

static double dot(const double *restrict a, const double *restrict b, int64_t n)
{
	double s = 0.0;
	for (int64_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void axpy(double *restrict y, double a, const double *restrict x, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		y[i] += a * x[i];
}

static double fsign(double v)
{
	return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0);
}

/* ---- centering and transposing ---- */

int ml_linear_center_t(const ml_tensor *x, int center, ml_tensor *mean, ml_tensor *xt, ml_error *e)
{
	const char *who = "ml.linear.center_t";
	int rc;
	if (x->ndim != 2 || x->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: X must be a 2-D DoubleTensor", who);
	int64_t n = x->size[0], d = x->size[1], s0 = x->stride[0], s1 = x->stride[1];
	if ((rc = check_arg(mean, who, "mean", 1, d, 0, e)) != ML_OK || (rc = check_arg(xt, who, "X^T", 2, d, n, e)) != ML_OK)
		return rc;
	const double *X = ml_tensor_data(x);
	double *M = ml_tensor_data(mean), *T = ml_tensor_data(xt);
	memset(M, 0, (size_t)d * sizeof *M);
	if (center && n > 0) {
		for (int64_t i = 0; i < n; i++)
			for (int64_t j = 0; j < d; j++)
				M[j] += X[i * s0 + j * s1];
		for (int64_t j = 0; j < d; j++)
			M[j] /= (double)n;
	}
	/* 32 x 32 tiles: both the reads and the writes stay in cache */
	enum { TILE = 32 };
	for (int64_t i0 = 0; i0 < n; i0 += TILE) {
		int64_t i1 = i0 + TILE < n ? i0 + TILE : n;
		for (int64_t j0 = 0; j0 < d; j0 += TILE) {
			int64_t j1 = j0 + TILE < d ? j0 + TILE : d;
			for (int64_t i = i0; i < i1; i++)
				for (int64_t j = j0; j < j1; j++)
					T[j * n + i] = X[i * s0 + j * s1] - M[j];
		}
	}
	return ML_OK;
}

/* ---- elastic-net coordinate descent ---- */

static int cd_check(const ml_tensor *xt, const ml_tensor *y, const ml_tensor *w,
                    const ml_linear_cd_opts *o, const char *who, ml_error *e)
{
	int rc;
	if ((rc = check_matrix(xt, who, "X^T", e)) != ML_OK)
		return rc;
	if ((rc = check_arg(y, who, "y", 1, xt->size[1], 0, e)) != ML_OK)
		return rc;
	if ((rc = check_arg(w, who, "w", 1, xt->size[0], 0, e)) != ML_OK)
		return rc;
	if (!(o->l1 >= 0) || !(o->l2 >= 0) || o->max_iter < 1 || !(o->tol >= 0))
		return ml_fail(e, ML_EINVAL, "%s: bad options (l1 %g, l2 %g, max_iter %lld, tol %g)", who,
		               o->l1, o->l2, (long long)o->max_iter, o->tol);
	return ML_OK;
}

/* The duality gap of scikit-learn's enet_coordinate_descent at w with
 * residual r = y - X w.  xtr: scratch (D). */
static double enet_gap(const double *xt, const double *y, const double *w, const double *r,
                       double *xtr, int64_t n, int64_t d, const ml_linear_cd_opts *o)
{
	double dual_norm = 0.0, l1_norm = 0.0;
	for (int64_t j = 0; j < d; j++) {
		xtr[j] = dot(xt + j * n, r, n) - o->l2 * w[j];
		double v = o->positive ? xtr[j] : fabs(xtr[j]);
		if (v > dual_norm)
			dual_norm = v;
		l1_norm += fabs(w[j]);
	}
	double r_norm2 = dot(r, r, n), w_norm2 = dot(w, w, d);
	double c = 1.0, gap;
	if (dual_norm > o->l1) {
		c = o->l1 / dual_norm;
		gap = 0.5 * (r_norm2 + r_norm2 * c * c);
	} else {
		gap = r_norm2;
	}
	return gap + o->l1 * l1_norm - c * dot(r, y, n) + 0.5 * o->l2 * (1 + c * c) * w_norm2;
}

/* The coordinate update of w[j] given its correlation tmp = x_j.r + x_j.x_j w_j. */
static double cd_update(double tmp, double norm, const ml_linear_cd_opts *o)
{
	if (o->positive && tmp < 0)
		return 0.0;
	return fsign(tmp) * fmax(fabs(tmp) - o->l1, 0.0) / (norm + o->l2);
}

int ml_linear_enet_cd(const ml_tensor *xt, const ml_tensor *y, ml_tensor *w,
                      const ml_linear_cd_opts *o, ml_linear_cd_result *res, ml_error *e)
{
	const char *who = "ml.linear.enet_cd";
	int rc = cd_check(xt, y, w, o, who, e);
	if (rc != ML_OK)
		return rc;
	int64_t d = xt->size[0], n = xt->size[1];
	const double *X = ml_tensor_data(xt), *Y = ml_tensor_data(y);
	double *W = ml_tensor_data(w);
	double *scratch = malloc((size_t)(n + 2 * d + 1) * sizeof *scratch);
	if (!scratch)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (X^T is %lldx%lld)", who, (long long)d,
		               (long long)n);
	double *R = scratch, *norms = scratch + n, *xtr = scratch + n + d;
	rng g = { o->seed };

	memcpy(R, Y, (size_t)n * sizeof *R);
	for (int64_t j = 0; j < d; j++) {
		norms[j] = dot(X + j * n, X + j * n, n);
		if (W[j] != 0.0)
			axpy(R, -W[j], X + j * n, n);
	}
	double tol = o->tol * dot(Y, Y, n);
	res->tol = tol;
	res->gap = tol + 1.0;
	res->converged = 0;
	int64_t it;
	for (it = 0; it < o->max_iter; it++) {
		double w_max = 0.0, dw_max = 0.0;
		for (int64_t f = 0; f < d; f++) {
			int64_t j = o->random ? rng_below(&g, d) : f;
			if (norms[j] == 0.0)
				continue;
			const double *xj = X + j * n;
			double wj = W[j];
			/* the correlation with the residual that excludes feature j */
			double tmp = dot(xj, R, n) + norms[j] * wj;
			W[j] = cd_update(tmp, norms[j], o);
			if (W[j] != wj)
				axpy(R, wj - W[j], xj, n);
			dw_max = fmax(dw_max, fabs(W[j] - wj));
			w_max = fmax(w_max, fabs(W[j]));
		}
		if (w_max == 0.0 || dw_max / w_max < o->tol || it == o->max_iter - 1) {
			res->gap = enet_gap(X, Y, W, R, xtr, n, d, o);
			if (res->gap < tol) {
				res->converged = 1;
				it++;
				break;
			}
		}
		if (ml_interrupt_pending()) {
			free(scratch);
			return ml_fail(e, ML_EINTR, "interrupted");
		}
	}
	res->n_iter = it < o->max_iter ? it : o->max_iter;
	free(scratch);
	return ML_OK;
}

int ml_linear_enet_cd_ref(const ml_tensor *xt, const ml_tensor *y, ml_tensor *w,
                          const ml_linear_cd_opts *o, ml_linear_cd_result *res, ml_error *e)
{
	const char *who = "ml.linear.enet_cd_ref";
	int rc = cd_check(xt, y, w, o, who, e);
	if (rc != ML_OK)
		return rc;
	int64_t d = xt->size[0], n = xt->size[1];
	const double *X = ml_tensor_data(xt), *Y = ml_tensor_data(y);
	double *W = ml_tensor_data(w);
	double *R = malloc((size_t)(n + d + 1) * sizeof *R);
	if (!R)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	double *xtr = R + n;
	double yy = 0.0;
	for (int64_t i = 0; i < n; i++)
		yy += Y[i] * Y[i];
	res->tol = o->tol * yy;
	res->converged = 0;
	int64_t it;
	for (it = 0; it < o->max_iter; it++) {
		double w_max = 0.0, dw_max = 0.0;
		for (int64_t j = 0; j < d; j++) {
			double norm = 0.0, tmp = 0.0;
			for (int64_t i = 0; i < n; i++) {
				double ri = Y[i]; /* residual without feature j */
				for (int64_t k = 0; k < d; k++)
					if (k != j)
						ri -= X[k * n + i] * W[k];
				norm += X[j * n + i] * X[j * n + i];
				tmp += X[j * n + i] * ri;
			}
			if (norm == 0.0)
				continue;
			double wj = W[j];
			W[j] = cd_update(tmp, norm, o);
			dw_max = fmax(dw_max, fabs(W[j] - wj));
			w_max = fmax(w_max, fabs(W[j]));
		}
		if (w_max == 0.0 || dw_max / w_max < o->tol || it == o->max_iter - 1) {
			for (int64_t i = 0; i < n; i++) {
				R[i] = Y[i];
				for (int64_t k = 0; k < d; k++)
					R[i] -= X[k * n + i] * W[k];
			}
			res->gap = enet_gap(X, Y, W, R, xtr, n, d, o);
			if (res->gap < res->tol) {
				res->converged = 1;
				it++;
				break;
			}
		}
	}
	res->n_iter = it < o->max_iter ? it : o->max_iter;
	free(R);
	return ML_OK;
}

/* ---- SGD (scikit-learn's _plain_sgd) ---- */

#define MAX_DLOSS 1e12

/* Loss of prediction p for target y. */
static double sgd_loss(int loss, double c, double p, double y)
{
	double z = p * y, r = p - y;
	switch (loss) {
	case ML_SGD_HINGE: return z <= c ? c - z : 0.0;
	case ML_SGD_PERCEPTRON: return z <= 0 ? -z : 0.0;
	case ML_SGD_SQUARED_HINGE: return z <= c ? (c - z) * (c - z) : 0.0;
	case ML_SGD_LOG:
		if (z > 18) return exp(-z);
		if (z < -18) return -z;
		return log1p(exp(-z));
	case ML_SGD_MODIFIED_HUBER:
		if (z >= 1) return 0.0;
		if (z >= -1) return (1 - z) * (1 - z);
		return -4 * z;
	case ML_SGD_SQUARED: return 0.5 * r * r;
	case ML_SGD_HUBER: return fabs(r) <= c ? 0.5 * r * r : c * fabs(r) - 0.5 * c * c;
	default: return fmax(fabs(r) - c, 0.0); /* epsilon-insensitive */
	}
}

/* Derivative of the loss with respect to p. */
static double sgd_dloss(int loss, double c, double p, double y)
{
	double z = p * y, r = p - y;
	switch (loss) {
	case ML_SGD_HINGE: return z <= c ? -y : 0.0;
	case ML_SGD_PERCEPTRON: return z <= 0 ? -y : 0.0;
	case ML_SGD_SQUARED_HINGE: return z <= c ? -2 * y * (c - z) : 0.0;
	case ML_SGD_LOG:
		if (z > 18) return -y * exp(-z);
		if (z < -18) return -y;
		return -y / (exp(z) + 1);
	case ML_SGD_MODIFIED_HUBER:
		if (z >= 1) return 0.0;
		if (z >= -1) return -2 * (1 - z) * y;
		return -4 * y;
	case ML_SGD_SQUARED: return r;
	case ML_SGD_HUBER: return fabs(r) <= c ? r : (r > 0 ? c : -c);
	default: return y - p > c ? -1.0 : (p - y > c ? 1.0 : 0.0);
	}
}

/* The cumulative l1 penalty of Tsuruoka et al. (2009), as scikit-learn's
 * l1penalty: q holds what each weight has received so far, u the total. */
static void l1_penalty(double *w, double wscale, double *q, double u, int64_t d)
{
	for (int64_t j = 0; j < d; j++) {
		double z = w[j];
		if (wscale * z > 0)
			w[j] = fmax(0.0, w[j] - (u + q[j]) / wscale);
		else if (wscale * z < 0)
			w[j] = fmin(0.0, w[j] + (u - q[j]) / wscale);
		q[j] += wscale * (w[j] - z);
	}
}

int ml_linear_sgd(const ml_tensor *x, const ml_tensor *y, const ml_tensor *sw, ml_tensor *w,
                  double *intercept, ml_linear_sgd_opts *o, int64_t *n_iter, double *loss,
                  ml_error *e)
{
	const char *who = "ml.linear.sgd";
	int rc;
	if ((rc = check_matrix(x, who, "X", e)) != ML_OK)
		return rc;
	int64_t n = x->size[0], d = x->size[1];
	if ((rc = check_arg(y, who, "y", 1, n, 0, e)) != ML_OK)
		return rc;
	if (sw && (rc = check_arg(sw, who, "sample_weight", 1, n, 0, e)) != ML_OK)
		return rc;
	if ((rc = check_arg(w, who, "w", 1, d, 0, e)) != ML_OK)
		return rc;
	if (o->loss < ML_SGD_HINGE || o->loss > ML_SGD_EPSILON_INSENSITIVE || o->penalty < ML_SGD_NONE ||
	    o->penalty > ML_SGD_ELASTICNET || o->learning_rate < ML_SGD_CONSTANT ||
	    o->learning_rate > ML_SGD_INVSCALING || !(o->alpha >= 0) || o->max_iter < 1 || !(o->t >= 1))
		return ml_fail(e, ML_EINVAL, "%s: bad options (loss %d, penalty %d, learning_rate %d, "
		               "alpha %g, max_iter %lld)", who, o->loss, o->penalty, o->learning_rate,
		               o->alpha, (long long)o->max_iter);
	if (o->learning_rate == ML_SGD_OPTIMAL && !(o->alpha > 0))
		return ml_fail(e, ML_EINVAL, "%s: alpha must be > 0 with learning_rate \"optimal\"", who);
	const double *X = ml_tensor_data(x), *Y = ml_tensor_data(y);
	const double *SW = sw ? ml_tensor_data(sw) : NULL;
	double *W = ml_tensor_data(w);
	size_t bytes = (size_t)n * sizeof(int64_t) + (size_t)(d + 1) * sizeof(double);
	int64_t *idx = malloc(bytes);
	if (!idx)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (X is %lldx%lld)", who, (long long)n,
		               (long long)d);
	double *q = (double *)(idx + n);
	memset(q, 0, (size_t)d * sizeof *q);
	for (int64_t i = 0; i < n; i++)
		idx[i] = i;
	rng g = { o->seed };
	double c = o->loss_param, b = *intercept, wscale = 1.0, u = 0.0;
	double l2 = (o->penalty == ML_SGD_L2) ? 1.0
	          : (o->penalty == ML_SGD_ELASTICNET ? 1.0 - o->l1_ratio : 0.0);
	double l1 = (o->penalty == ML_SGD_L1) ? 1.0
	          : (o->penalty == ML_SGD_ELASTICNET ? o->l1_ratio : 0.0);
	double optimal_init = 0.0;
	if (o->learning_rate == ML_SGD_OPTIMAL) {
		/* scikit-learn's heuristic for the initial step (Bottou's) */
		double typw = sqrt(1.0 / sqrt(o->alpha));
		double eta0 = typw / fmax(1.0, sgd_dloss(o->loss, c, -typw, 1.0));
		optimal_init = 1.0 / (eta0 * o->alpha);
	}
	double best = INFINITY, sumloss = 0.0;
	int64_t no_improve = 0, epoch;
	rc = ML_OK;
	for (epoch = 0; epoch < o->max_iter; epoch++) {
		if (o->shuffle)
			shuffle(&g, idx, n);
		sumloss = 0.0;
		for (int64_t s = 0; s < n; s++) {
			int64_t i = idx[s];
			const double *xi = X + i * d;
			double p = dot(W, xi, d) * wscale + b;
			double eta = o->eta0;
			if (o->learning_rate == ML_SGD_OPTIMAL)
				eta = 1.0 / (o->alpha * (optimal_init + o->t - 1));
			else if (o->learning_rate == ML_SGD_INVSCALING)
				eta = o->eta0 / pow(o->t, o->power_t);
			sumloss += sgd_loss(o->loss, c, p, Y[i]);
			double dl = sgd_dloss(o->loss, c, p, Y[i]);
			dl = fmin(fmax(dl, -MAX_DLOSS), MAX_DLOSS);
			double update = -eta * dl * (SW ? SW[i] : 1.0);
			if (l2 > 0)
				wscale *= fmax(0.0, 1.0 - l2 * eta * o->alpha);
			if (update != 0.0) {
				if (wscale == 0.0) { /* the penalty zeroed the weights: start afresh */
					memset(W, 0, (size_t)d * sizeof *W);
					wscale = 1.0;
				}
				axpy(W, update / wscale, xi, d);
				if (o->fit_intercept)
					b += update;
			}
			if (l1 > 0) {
				u += l1 * eta * o->alpha;
				l1_penalty(W, wscale, q, u, d);
			}
			o->t += 1;
			if (wscale < 1e-9) { /* fold the scale into w before it underflows */
				for (int64_t j = 0; j < d; j++)
					W[j] *= wscale;
				wscale = 1.0;
			}
		}
		for (int64_t j = 0; j < d; j++)
			W[j] *= wscale;
		wscale = 1.0;
		if (!isfinite(b) || !isfinite(dot(W, W, d))) {
			rc = ml_fail(e, ML_ENUM, "%s: the weights diverged (non-finite) in epoch %lld; lower eta0 "
			             "or scale the features", who, (long long)epoch + 1);
			break;
		}
		if (o->tol >= 0) {
			if (sumloss > best - o->tol * (double)n)
				no_improve++;
			else
				no_improve = 0;
			if (sumloss < best)
				best = sumloss;
			if (no_improve >= o->n_iter_no_change) {
				epoch++;
				break;
			}
		}
		if (ml_interrupt_pending()) {
			rc = ml_fail(e, ML_EINTR, "interrupted");
			break;
		}
	}
	*intercept = b;
	*n_iter = epoch < o->max_iter ? epoch : o->max_iter;
	*loss = sumloss / (double)n;
	free(idx);
	return rc;
}

/* ---- dual coordinate descent for the linear SVM (liblinear) ---- */

int ml_linear_svc_dual(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, ml_tensor *w, int hinge,
                       double tol, int64_t max_iter, uint64_t seed, int64_t *n_iter, ml_error *e)
{
	const char *who = "ml.linear.svc_dual";
	int rc;
	if ((rc = check_matrix(x, who, "X", e)) != ML_OK)
		return rc;
	int64_t n = x->size[0], d = x->size[1];
	if ((rc = check_arg(y, who, "y", 1, n, 0, e)) != ML_OK ||
	    (rc = check_arg(c, who, "C", 1, n, 0, e)) != ML_OK ||
	    (rc = check_arg(w, who, "w", 1, d, 0, e)) != ML_OK)
		return rc;
	if (!(tol > 0) || max_iter < 1)
		return ml_fail(e, ML_EINVAL, "%s: tol must be > 0 and max_iter >= 1 (got %g, %lld)", who, tol,
		               (long long)max_iter);
	const double *X = ml_tensor_data(x), *Y = ml_tensor_data(y), *C = ml_tensor_data(c);
	double *W = ml_tensor_data(w);
	for (int64_t i = 0; i < n; i++)
		if (!(C[i] > 0))
			return ml_fail(e, ML_EINVAL, "%s: costs must be > 0 (C[%lld] = %g)", who,
			               (long long)i + 1, C[i]);
	int64_t *idx = malloc((size_t)n * (sizeof(int64_t) + 4 * sizeof(double)));
	if (!idx)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (X is %lldx%lld)", who, (long long)n,
		               (long long)d);
	double *alpha = (double *)(idx + n), *qd = alpha + n, *diag = qd + n, *upper = diag + n;
	memset(W, 0, (size_t)d * sizeof *W);
	for (int64_t i = 0; i < n; i++) {
		idx[i] = i;
		alpha[i] = 0.0;
		/* hinge: 0 <= alpha_i <= C_i; squared hinge: the dual's diagonal gains 1 / (2 C_i)
		 * and alpha_i has no upper bound */
		diag[i] = hinge ? 0.0 : 0.5 / C[i];
		upper[i] = hinge ? C[i] : INFINITY;
		qd[i] = diag[i] + dot(X + i * d, X + i * d, d);
	}
	rng g = { seed };
	double pg_max_old = INFINITY, pg_min_old = -INFINITY;
	int64_t active = n, it = 0;
	while (it < max_iter) {
		double pg_max = -INFINITY, pg_min = INFINITY;
		shuffle(&g, idx, active);
		for (int64_t s = 0; s < active; s++) {
			int64_t i = idx[s];
			const double *xi = X + i * d;
			double G = Y[i] * dot(W, xi, d) - 1 + alpha[i] * diag[i];
			double PG = 0.0;
			int shrink = 0;
			if (alpha[i] == 0.0) {
				if (G > pg_max_old)
					shrink = 1; /* stays at its lower bound */
				else if (G < 0)
					PG = G;
			} else if (alpha[i] == upper[i]) {
				if (G < pg_min_old)
					shrink = 1; /* stays at its upper bound */
				else if (G > 0)
					PG = G;
			} else {
				PG = G;
			}
			if (shrink) {
				active--;
				idx[s] = idx[active];
				idx[active] = i;
				s--;
				continue;
			}
			pg_max = fmax(pg_max, PG);
			pg_min = fmin(pg_min, PG);
			if (fabs(PG) > 1e-12) {
				double old = alpha[i];
				alpha[i] = fmin(fmax(alpha[i] - G / qd[i], 0.0), upper[i]);
				axpy(W, (alpha[i] - old) * Y[i], xi, d);
			}
		}
		it++;
		if (pg_max - pg_min <= tol) {
			if (active == n)
				break;
			active = n; /* check the shrunk rows once more before stopping */
			pg_max_old = INFINITY;
			pg_min_old = -INFINITY;
			continue;
		}
		pg_max_old = pg_max <= 0 ? INFINITY : pg_max;
		pg_min_old = pg_min >= 0 ? -INFINITY : pg_min;
		if (ml_interrupt_pending()) {
			free(idx);
			return ml_fail(e, ML_EINTR, "interrupted");
		}
	}
	*n_iter = it;
	free(idx);
	return ML_OK;
}

/* ---- logistic losses and gradients ---- */

/* The dot product, vectorized (the compiler may reorder the sum: fine for a
 * loss, while coordinate descent keeps the sequential dot above). */
static double dot_simd(const double *restrict a, const double *restrict b, int64_t n)
{
	double s = 0.0;
#pragma omp simd reduction(+ : s)
	for (int64_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

int ml_linear_softmax_loss(const ml_tensor *x, const ml_tensor *y, const ml_tensor *sw, const ml_tensor *w,
                           ml_tensor *g, double l2, int intercept, double *loss, ml_error *e)
{
	const char *who = "ml.linear.softmax_loss";
	int rc;
	if ((rc = check_matrix(x, who, "X", e)) != ML_OK || (rc = check_matrix(w, who, "W", e)) != ML_OK)
		return rc;
	int64_t n = x->size[0], d = x->size[1], k = w->size[0], d1 = d + (intercept ? 1 : 0);
	if ((rc = check_arg(w, who, "W", 2, k, d1, e)) != ML_OK || (rc = check_arg(g, who, "G", 2, k, d1, e)) != ML_OK ||
	    (rc = check_arg(sw, who, "sample_weight", 1, n, 0, e)) != ML_OK)
		return rc;
	if (y->dtype != ML_LONG || y->ndim != 1 || y->size[0] != n || !ml_tensor_is_contiguous(y))
		return ml_fail(e, ML_ETYPE, "%s: y must be a contiguous LongTensor of %lld class indices", who,
		               (long long)n);
	const double *SW = ml_tensor_data(sw), *W = ml_tensor_data(w);
	const int64_t *Y = ml_tensor_data(y);
	double *G = ml_tensor_data(g);
	for (int64_t i = 0; i < n; i++)
		if (Y[i] < 0 || Y[i] >= k)
			return ml_fail(e, ML_ERANGE, "%s: y[%lld] = %lld is not a class index in [0, %lld)", who,
			               (long long)i + 1, (long long)Y[i], (long long)k);
	/* Z = X W^T (N x K) and G = R^T X through BLAS; the softmax rows in between */
	ml_tensor z, wv = *w, gv = *g;
	int64_t zsize[2] = { n, k };
	if ((rc = ml_tensor_init_sized(&z, ML_DOUBLE, 2, zsize, e)) != ML_OK)
		return rc;
	if (intercept) {
		ml_tensor_narrow(&wv, 1, 0, d, e);
		ml_tensor_narrow(&gv, 1, 0, d, e);
	}
	ml_tensor wt = wv;
	ml_tensor_transpose(&wt, 0, 1, e);
	if ((rc = ml_blas_gemm(&z, 0.0, 1.0, x, &wt, e)) != ML_OK) {
		ml_tensor_release(&z);
		return rc;
	}
	double *Z = ml_tensor_data(&z);
	double total = 0.0;
	if (intercept)
		for (int64_t c = 0; c < k; c++)
			G[c * d1 + d] = 0.0;
	for (int64_t i = 0; i < n; i++) {
		double *zi = Z + i * k;
		if (intercept)
			for (int64_t c = 0; c < k; c++)
				zi[c] += W[c * d1 + d];
		double zmax = zi[0];
		for (int64_t c = 1; c < k; c++)
			zmax = fmax(zmax, zi[c]);
		double s = 0.0, zy = zi[Y[i]];
		for (int64_t c = 0; c < k; c++) {
			zi[c] = exp(zi[c] - zmax);
			s += zi[c];
		}
		double wi = SW[i];
		total += wi * (zmax + log(s) - zy);
		for (int64_t c = 0; c < k; c++)
			zi[c] = wi * (zi[c] / s);
		zi[Y[i]] -= wi;
		if (intercept)
			for (int64_t c = 0; c < k; c++)
				G[c * d1 + d] += zi[c];
	}
	ml_tensor rt = z;
	ml_tensor_transpose(&rt, 0, 1, e);
	rc = ml_blas_gemm(&gv, 0.0, 1.0, &rt, x, e);
	ml_tensor_release(&z);
	if (rc != ML_OK)
		return rc;
	double pen = 0.0;
	for (int64_t c = 0; c < k; c++)
		for (int64_t j = 0; j < d; j++) {
			double wj = W[c * d1 + j];
			G[c * d1 + j] += l2 * wj;
			pen += wj * wj;
		}
	*loss = total + 0.5 * l2 * pen;
	return ML_OK;
}

int ml_linear_binary_loss(const ml_tensor *x, const ml_tensor *y, const ml_tensor *sw, const ml_tensor *w,
                          ml_tensor *g, double l2, int intercept, double *loss, ml_error *e)
{
	const char *who = "ml.linear.binary_loss";
	int rc;
	if ((rc = check_matrix(x, who, "X", e)) != ML_OK)
		return rc;
	int64_t n = x->size[0], d = x->size[1], d1 = d + (intercept ? 1 : 0);
	if ((rc = check_arg(y, who, "y", 1, n, 0, e)) != ML_OK || (rc = check_arg(sw, who, "sample_weight", 1, n, 0, e)) != ML_OK ||
	    (rc = check_arg(w, who, "w", 1, d1, 0, e)) != ML_OK || (rc = check_arg(g, who, "g", 1, d1, 0, e)) != ML_OK)
		return rc;
	const double *X = ml_tensor_data(x), *Y = ml_tensor_data(y), *SW = ml_tensor_data(sw), *W = ml_tensor_data(w);
	double *G = ml_tensor_data(g);
	double total = 0.0, gb = 0.0, b = intercept ? W[d] : 0.0;
	memset(G, 0, (size_t)d1 * sizeof *G);
	for (int64_t i = 0; i < n; i++) {
		const double *xi = X + i * d;
		double z = b + dot_simd(xi, W, d);
		/* softplus(z) = max(z, 0) + log1p(exp(-|z|)); its derivative is the sigmoid */
		double ez = exp(-fabs(z));
		total += SW[i] * (fmax(z, 0.0) + log1p(ez) - Y[i] * z);
		double p = z >= 0 ? 1.0 / (1.0 + ez) : ez / (1.0 + ez);
		double r = SW[i] * (p - Y[i]);
		gb += r;
		axpy(G, r, xi, d);
	}
	double pen = 0.0;
	for (int64_t j = 0; j < d; j++) {
		G[j] += l2 * W[j];
		pen += W[j] * W[j];
	}
	if (intercept)
		G[d] = gb;
	*loss = total + 0.5 * l2 * pen;
	return ML_OK;
}
