/*
 * special.h - special functions and distribution functions for statistics:
 * log-gamma, regularized incomplete gamma and beta functions and their
 * inverses, erf/erfc and inverses, and the density, distribution and quantile
 * functions of the normal, t, gamma, beta, F, exponential, binomial and
 * Poisson distributions (standardized: location/scale are applied by the Lua
 * layer, stdlib/moonlab/stats).  Scalar functions of doubles, plus one
 * element-wise map over tensors by operation name.
 *
 * Accuracy: tails are computed directly (never as 1 - cdf), densities with
 * Loader's saddle-point method (stirlerr, bd0), so results stay accurate to a
 * few units in 1e-14 relative in the body and in the far tails.  Domain errors
 * give NaN, as numpy/scipy do; nothing here raises.
 */
#ifndef ML_SPECIAL_H
#define ML_SPECIAL_H
#include "tensor.h"

double ml_special_lgamma(double x);            /* log|Gamma(x)| */
double ml_special_lbeta(double a, double b);    /* log Beta(a, b), a, b > 0 */
double ml_special_erf(double x);
double ml_special_erfc(double x);
double ml_special_erfinv(double y);             /* -1 < y < 1 */
double ml_special_erfcinv(double y);            /* 0 < y < 2 */
double ml_special_ndtr(double x);               /* standard normal cdf */
double ml_special_ndtri(double p);              /* its inverse, 0 < p < 1 */

/* Regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x),
 * a > 0, x >= 0, both computed without cancellation. */
void ml_special_gammainc2(double a, double x, double *p, double *q);
double ml_special_gammainc(double a, double x);
double ml_special_gammaincc(double a, double x);
/* x with P(a, x) = p, when p <= q = 1 - p given separately for accuracy. */
double ml_special_gammaincinv2(double a, double p, double q);
double ml_special_gammaincinv(double a, double p);
double ml_special_gammainccinv(double a, double q);

/* Regularized incomplete beta I_x(a, b) and its complement I_y(b, a) with
 * y = 1 - x passed exactly by the caller (a, b > 0, 0 <= x <= 1). */
void ml_special_betainc2(double a, double b, double x, double y, double *p, double *q);
double ml_special_betainc(double a, double b, double x);
/* x (and y = 1 - x, both accurate) with I_x(a, b) = p, 1 - I_x(a, b) = q. */
void ml_special_betaincinv2(double a, double b, double p, double q, double *x, double *y);
double ml_special_betaincinv(double a, double b, double p);

/* Binomial probability of x successes in n trials (x, n real: Loader's
 * dbinom_raw), p + q = 1, and the Poisson probability of x at mean lambda;
 * logarithms when give_log. */
double ml_special_dbinom(double x, double n, double p, double q, int give_log);
double ml_special_dpois(double x, double lambda, int give_log);

/* An element-wise operation by name: "erf", "t_cdf", "beta_ppf" ... (the
 * list is ml_special_ops); nargs is 1 to 3 doubles. */
typedef struct ml_special_op {
	const char *name; /* Lua-visible name */
	int nargs;        /* 1, 2 or 3 */
	double (*f1)(double);                 /* set when nargs == 1 */
	double (*f2)(double, double);         /* nargs == 2 */
	double (*f3)(double, double, double); /* nargs == 3 */
} ml_special_op;

extern const ml_special_op ml_special_ops[]; /* terminated by a NULL name */

/* The operation called name, or NULL. */
const ml_special_op *ml_special_find(const char *name);

/* One value of op at args[0 .. nargs-1]. */
double ml_special_eval(const ml_special_op *op, const double *args);

/* out[i] = op(in[0][i], ...) over op->nargs DoubleTensors of out's shape
 * (expanded views are fine, any strides); out is a DoubleTensor of that shape.
 * Threads split large inputs.  Returns ML_OK or an error (shapes, dtypes). */
int ml_special_map(const ml_special_op *op, ml_tensor *const *in, ml_tensor *out, ml_error *e);

#endif
