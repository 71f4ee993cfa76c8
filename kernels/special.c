/*
 * special.c - special functions and the standardized distribution functions
 * of moonlab.stats (see special.h for the list and the accuracy contract).
 *
 * Methods: incomplete gamma by its power series (x below max(a, 1.1)) or
 * Legendre's continued fraction, incomplete beta by its continued fraction on
 * the side where it converges, the other side by symmetry; both scaled by a
 * prefactor computed with Loader's saddle-point terms (stirlerr, bd0), which
 * keeps large shapes accurate.  Inverses: a starting guess from the classical
 * approximations, then Newton steps on the logarithm of the smaller tail,
 * safeguarded by bisection inside a bracket.  Normal quantiles: Acklam's
 * rational approximation polished by Halley steps.
 *
 * Deliberately not here: location/scale parameters, uniform distribution,
 * random draws (stdlib/moonlab/stats), complex arguments, digamma.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "special.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406 /* log(sqrt(2 pi)) */
#define LN_2PI 1.837877066409345483560659472811      /* log(2 pi) */
#define SQRT_2PI 2.506628274631000502415765284811
#define MAXIT 100000
#define TINY 1e-300

double ml_special_lgamma(double x)
{
	int sign;
	return lgamma_r(x, &sign);
}

/* log Gamma(1 + a) to full relative precision for small |a| (forming 1 + a
 * would lose the digits of a): -gamma a + sum_k (-1)^k zeta(k) a^k / k. */
static double lgamma1p(double a)
{
	if (fabs(a) > 0.2)
		return ml_special_lgamma(1 + a);
	static const double zeta[] = { 0, 0, 1.6449340668482264365, 1.2020569031595942854, 1.0823232337111381915,
		                       1.0369277551433699263, 1.0173430619844491397, 1.0083492773819228268,
		                       1.0040773561979443394, 1.0020083928260822144, 1.0009945751278180853,
		                       1.0004941886041194646, 1.0002460865533080483, 1.0001227133475784891 };
	double s = -0.57721566490153286061 * a, p = -a; /* p = (-a)^k */
	for (int k = 2; k < 40; k++) {
		p *= -a;
		double z;
		if (k < 14) {
			z = zeta[k];
		} else { /* zeta(k) = 1 + 2^-k + 3^-k + ... converges fast here */
			z = 1;
			for (int n = 2; n < 12; n++)
				z += pow(n, -k);
		}
		double t = z * p / k;
		s += t;
		if (fabs(t) <= 1e-18 * fabs(s))
			break;
	}
	return s;
}

/* Error of Stirling's formula: log Gamma(n+1) - (n + 1/2) log n + n - log sqrt(2 pi). */
static double stirlerr(double n)
{
	const double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260, S3 = 1.0 / 1680, S4 = 1.0 / 1188;
	if (n <= 15) {
		if (n == 0)
			return 0;
		return ml_special_lgamma(n + 1) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	}
	double nn = n * n;
	if (n > 500)
		return (S0 - S1 / nn) / n;
	if (n > 80)
		return (S0 - (S1 - S2 / nn) / nn) / n;
	if (n > 35)
		return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
	return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/* Deviance term x log(x/np) + np - x, accurate when x is close to np. */
static double bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np)) {
		double v = (x - np) / (x + np), s = (x - np) * v, ej = 2 * x * v;
		v = v * v;
		for (int j = 1; j < 1000; j++) {
			ej *= v;
			double s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

double ml_special_dbinom(double x, double n, double p, double q, int give_log)
{
	double lc;
	if (p == 0)
		return x == 0 ? (give_log ? 0 : 1) : (give_log ? -INFINITY : 0);
	if (q == 0)
		return x == n ? (give_log ? 0 : 1) : (give_log ? -INFINITY : 0);
	if (x == 0) {
		if (n == 0)
			return give_log ? 0 : 1;
		lc = p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q);
		return give_log ? lc : exp(lc);
	}
	if (x == n) {
		lc = q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
		return give_log ? lc : exp(lc);
	}
	if (x < 0 || x > n)
		return give_log ? -INFINITY : 0;
	lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
	double lf = LN_2PI + log(x) + log1p(-x / n);
	return give_log ? lc - 0.5 * lf : exp(lc - 0.5 * lf);
}

double ml_special_dpois(double x, double lambda, int give_log)
{
	if (lambda == 0)
		return x == 0 ? (give_log ? 0 : 1) : (give_log ? -INFINITY : 0);
	if (x < 0)
		return give_log ? -INFINITY : 0;
	if (x <= lambda * DBL_MIN)
		return give_log ? -lambda : exp(-lambda);
	if (lambda < x * DBL_MIN) {
		double l = -lambda + x * log(lambda) - ml_special_lgamma(x + 1);
		return give_log ? l : exp(l);
	}
	double l = -stirlerr(x) - bd0(x, lambda);
	if (give_log)
		return l - 0.5 * log(2 * M_PI * x);
	return exp(l) / sqrt(2 * M_PI * x);
}

double ml_special_lbeta(double a, double b)
{
	if (a > b) {
		double t = a;
		a = b;
		b = t;
	}
	if (isnan(a) || a < 0)
		return NAN;
	if (b < 10)
		return ml_special_lgamma(a) + ml_special_lgamma(b) - ml_special_lgamma(a + b);
	/* lgamma(x) = stirlerr(x) + (x - 1/2) log x - x + log sqrt(2 pi): the big
	 * terms of lgamma(b) - lgamma(a + b) cancel analytically */
	double d = stirlerr(b) - stirlerr(a + b) - (b - 0.5) * log1p(a / b);
	if (a < 10)
		return ml_special_lgamma(a) + d - a * log(a + b) + a;
	return stirlerr(a) + d + LN_SQRT_2PI - 0.5 * log(a) + a * log(a / (a + b));
}

/* ---- erf family ---- */

double ml_special_erf(double x) { return erf(x); }
double ml_special_erfc(double x) { return erfc(x); }

double ml_special_ndtr(double x)
{
	/* erfc near 0 loses nothing; erf is better where erfc would be near 1 */
	double z = x * M_SQRT1_2;
	if (fabs(z) < M_SQRT1_2)
		return 0.5 + 0.5 * erf(z);
	return z > 0 ? 1 - 0.5 * erfc(z) : 0.5 * erfc(-z);
}

/* Upper tail of the standard normal, Q(x) = 1 - ndtr(x) = ndtr(-x). */
static double ndtr_upper(double x) { return ml_special_ndtr(-x); }

/* Acklam's approximation of the normal quantile (relative error 1.2e-9). */
static double acklam(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
		                    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
		                    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
		                    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
		                    3.754408661907416e+00 };
	const double plow = 0.02425;
	if (p < plow) {
		double q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p <= 1 - plow) {
		double q = p - 0.5, r = q * q;
		return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	double q = sqrt(-2 * log1p(-p));
	return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
	       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}

/* x < 0 with ndtr(x) = p, for 0 < p <= 0.5: Halley steps on the lower tail. */
static double ndtri_lower(double p)
{
	double x = acklam(p);
	for (int i = 0; i < 8; i++) {
		double phi = exp(-0.5 * x * x) / SQRT_2PI;
		if (phi == 0)
			break;
		double u = (ml_special_ndtr(x) - p) / phi;
		double dx = u / (1 + 0.5 * x * u);
		x -= dx;
		if (fabs(dx) <= 1e-16 * fabs(x))
			break;
	}
	return x;
}

double ml_special_ndtri(double p)
{
	if (isnan(p) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	return p < 0.5 ? ndtri_lower(p) : -ndtri_lower(1 - p);
}

/* the normal quantile of the upper tail: x with 1 - ndtr(x) = q */
static double ndtri_upper(double q)
{
	if (isnan(q) || q < 0 || q > 1)
		return NAN;
	if (q == 0)
		return INFINITY;
	if (q == 1)
		return -INFINITY;
	if (q == 0.5)
		return 0;
	return q < 0.5 ? -ndtri_lower(q) : ndtri_lower(1 - q);
}

double ml_special_erfcinv(double y)
{
	if (isnan(y) || y < 0 || y > 2)
		return NAN;
	/* erfc(z) = 2 ndtr(-z sqrt 2) */
	return -ml_special_ndtri(0.5 * y) * M_SQRT1_2;
}

double ml_special_erfinv(double y)
{
	if (isnan(y) || y < -1 || y > 1)
		return NAN;
	if (fabs(y) < 0.5) { /* Newton on erf directly: no 1 - y cancellation near 0 */
		double x = ml_special_erfcinv(1 - y);
		for (int i = 0; i < 4; i++) {
			double f = erf(x) - y;
			double d = 2 / sqrt(M_PI) * exp(-x * x);
			double dx = f / (d + d * x * f);
			x -= dx;
			if (fabs(dx) <= 1e-17 * fabs(x))
				break;
		}
		return x;
	}
	return y > 0 ? ml_special_erfcinv(1 - y) : -ml_special_erfcinv(1 + y);
}

/* ---- incomplete gamma ---- */

/* x^a e^-x / Gamma(a + 1), accurate for large a and x (Loader). */
static double gamma_prefactor(double a, double x)
{
	return ml_special_dpois(a, x, 0);
}

void ml_special_gammainc2(double a, double x, double *p, double *q)
{
	if (isnan(a) || isnan(x) || a < 0 || x < 0) {
		*p = *q = NAN;
		return;
	}
	if (a == 0) { /* the limit: all mass at 0 */
		*p = x > 0 ? 1 : NAN;
		*q = x > 0 ? 0 : NAN;
		return;
	}
	if (x == 0) {
		*p = 0;
		*q = 1;
		return;
	}
	if (isinf(x)) {
		*p = 1;
		*q = 0;
		return;
	}
	if (x < 1.1 || x < a) {
		/* P = x^a e^-x / Gamma(a+1) * sum_n x^n / ((a+1)...(a+n)) */
		double sum = 1, term = 1;
		for (int n = 1; n < MAXIT; n++) {
			term *= x / (a + n);
			sum += term;
			if (term <= sum * 1e-17)
				break;
		}
		double f = gamma_prefactor(a, x);
		*p = f * sum;
		if (*p > 1)
			*p = 1;
		*q = 1 - *p;
		if (x < 1.1 && a < 1 && *p > 0.9) {
			/* small a: Q = -expm1(a log x - lgamma(a+1)) - x^a/Gamma(a) sum_n>=1 (-x)^n/(n!(a+n)) */
			double s = 0, t = 1;
			for (int n = 1; n < 200; n++) {
				t *= -x / n;
				double add = t / (a + n);
				s += add;
				if (fabs(add) <= 1e-17 * fabs(s))
					break;
			}
			double la = a * log(x) - lgamma1p(a);
			*q = -expm1(la) - exp(la) * a * s;
			*p = 1 - *q;
		}
		return;
	}
	/* Legendre's continued fraction for Q, modified Lentz */
	double b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
	for (int i = 1; i < MAXIT; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < TINY)
			d = TINY;
		c = b + an / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	/* x^a e^-x / Gamma(a) = a * prefactor */
	*q = a * gamma_prefactor(a, x) * h;
	if (*q > 1)
		*q = 1;
	*p = 1 - *q;
}

double ml_special_gammainc(double a, double x)
{
	double p, q;
	ml_special_gammainc2(a, x, &p, &q);
	return p;
}

double ml_special_gammaincc(double a, double x)
{
	double p, q;
	ml_special_gammainc2(a, x, &p, &q);
	return q;
}

/*
 * Root finder shared by the inverses.  f(par, x, &lower, &upper, &dens)
 * gives both tails at x and the density (derivative of the lower tail).  We
 * solve for the tail named by `upper` (the smaller target t), by Newton steps
 * on log(tail) - log(t), inside the bracket [lo, hi]; steps leaving it become
 * bisections (geometric when the bracket spans decades).
 */
typedef void (*tails_fn)(const double *par, double x, double *lower, double *upper, double *dens);

static double solve_tail(tails_fn f, const double *par, double t, int upper, double x, double lo,
                         double hi)
{
	double lt = log(t);
	for (int it = 0; it < 400; it++) {
		double pl, pu, dens;
		f(par, x, &pl, &pu, &dens);
		double s = upper ? pu : pl;
		if (s == t)
			return x;
		/* the tail grows with x (lower) or shrinks (upper) */
		int too_far = upper ? (s < t) : (s > t);
		if (too_far)
			hi = x;
		else
			lo = x;
		double xn = NAN;
		if (s > 0 && dens > 0 && isfinite(dens)) {
			double r = log(s) - lt, step = r * s / dens;
			xn = upper ? x + step : x - step;
			if (xn == x)
				return x; /* below the resolution of the tail function */
			if (!(xn > lo && xn < hi && fabs(step) < 1e3 * fabs(x) + 1) && x > 0) {
				/* Newton on log x: right for power-law and exponential tails */
				double el = x * dens / s, g = exp((upper ? r : -r) / el);
				xn = x * (g > 1e10 ? 1e10 : g < 1e-10 ? 1e-10 : g);
			}
		}
		if (!(xn > lo && xn < hi)) {
			if (isinf(hi))
				xn = x > 0 ? 2 * x + 1 : 1;
			else if (lo == 0 && hi < 1e-300)
				return 0; /* the root underflows */
			else if (lo == 0)
				xn = hi * 1e-3;
			else if (hi / lo > 4)
				xn = sqrt(lo * hi);
			else
				xn = 0.5 * (lo + hi);
		}
		if (fabs(xn - x) <= 4 * DBL_EPSILON * fabs(xn) ||
		    (isfinite(hi) && hi - lo <= 4 * DBL_EPSILON * fabs(hi)))
			return xn;
		x = xn;
	}
	return x;
}

static void gamma_tails(const double *par, double x, double *lower, double *upper, double *dens)
{
	double a = par[0];
	ml_special_gammainc2(a, x, lower, upper);
	/* x^(a-1) e^-x / Gamma(a) */
	*dens = x > 0 ? a * gamma_prefactor(a, x) / x : 0;
}

double ml_special_gammaincinv2(double a, double p, double q)
{
	if (isnan(a) || isnan(p) || isnan(q) || a <= 0 || p < 0 || q < 0 || p > 1 || q > 1)
		return NAN;
	if (p == 0)
		return 0;
	if (q == 0)
		return INFINITY;
	int upper = q < p;
	double pp = upper ? q : p, x;
	/* starting point (Numerical Recipes' invgammp) */
	if (a > 1) {
		double t = sqrt(-2 * log(pp));
		double z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
		if (!upper)
			z = -z;
		x = a * pow(1 - 1 / (9 * a) - z / (3 * sqrt(a)), 3);
		if (!(x > 1e-3))
			x = 1e-3;
		if (!upper && p < 1e-3) { /* deep lower tail: P ~ x^a / Gamma(a+1) */
			double x2 = exp((log(p) + ml_special_lgamma(a + 1)) / a);
			if (x2 < x)
				x = x2;
		}
	} else {
		double t = 1 - a * (0.253 + a * 0.12);
		if (!upper && p < t)
			x = pow(p / t, 1 / a);
		else if (upper)
			x = 1 - log(q / (1 - t));
		else
			x = 1 - log1p(-(p - t) / (1 - t));
		if (!(x > 0))
			x = DBL_MIN;
	}
	double par[1] = { a };
	return solve_tail(gamma_tails, par, pp, upper, x, 0, INFINITY);
}

double ml_special_gammaincinv(double a, double p) { return ml_special_gammaincinv2(a, p, 1 - p); }
double ml_special_gammainccinv(double a, double q) { return ml_special_gammaincinv2(a, 1 - q, q); }

/* ---- incomplete beta ---- */

/* x^a y^b / B(a, b) (y = 1 - x), via the binomial saddle point. */
static double beta_prefactor(double a, double b, double x, double y)
{
	if (a < 1 || b < 1 || a + b < 10) {
		/* pow keeps x^a correctly rounded where exp(a log x) would not;
		 * the factor whose base is near 1 goes through log1p of the other */
		double xa = x <= 0.5 ? pow(x, a) : exp(a * log1p(-y));
		double yb = y <= 0.5 ? pow(y, b) : exp(b * log1p(-x));
		double v = xa * yb * exp(-ml_special_lbeta(a, b));
		if (v > 1e-290 && isfinite(v))
			return v;
		double l = a * (x <= 0.5 ? log(x) : log1p(-y)) + b * (y <= 0.5 ? log(y) : log1p(-x)) -
		           ml_special_lbeta(a, b);
		if (a + b < 10 || l < -700 || l > 700)
			return exp(l);
	}
	return a * b / (a + b) * ml_special_dbinom(a, a + b, x, y, 0);
}

/* The continued fraction of I_x(a, b) (converges well for x < (a+1)/(a+b+2)).
 * Evaluated in long double: near the switch point with a large shape, the
 * terms 1 + aa*d cancel and double precision would stop the iteration early,
 * some 1e-12 away from the limit. */
static double beta_cf(double a, double b, double x, double y)
{
	typedef long double LD;
	const LD tiny = 1e-300L;
	/* x from y when x is near 1: y is exact, and 1 - y keeps its digits in long double */
	LD qab = (LD)a + b, qap = (LD)a + 1, qam = (LD)a - 1, lx = y < 0.5 ? 1 - (LD)y : (LD)x;
	LD c = 1, d = 1 - qab * lx / qap;
	if (fabsl(d) < tiny)
		d = tiny;
	d = 1 / d;
	LD h = d;
	for (int m = 1; m < MAXIT; m++) {
		int m2 = 2 * m;
		LD aa = m * ((LD)b - m) * lx / ((qam + m2) * ((LD)a + m2));
		d = 1 + aa * d;
		if (fabsl(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabsl(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -((LD)a + m) * (qab + m) * lx / (((LD)a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabsl(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabsl(c) < tiny)
			c = tiny;
		d = 1 / d;
		LD del = d * c;
		h *= del;
		if (fabsl(del - 1) < 1e-18L)
			break;
	}
	double v = beta_prefactor(a, b, x, y) * (double)h / a;
	return v > 1 ? 1 : v;
}

void ml_special_betainc2(double a, double b, double x, double y, double *p, double *q)
{
	if (isnan(a) || isnan(b) || isnan(x) || isnan(y) || a < 0 || b < 0 || x < 0 || y < 0 ||
	    (a == 0 && b == 0)) {
		*p = *q = NAN;
		return;
	}
	if (a == 0 || y == 0) { /* mass at 0 (a -> 0), or x = 1 */
		*p = (a == 0 && y == 0) || a == 0 || y == 0 ? 1 : 0;
		*q = 1 - *p;
		return;
	}
	if (b == 0 || x == 0) {
		*p = b == 0 && x > 0 ? 1 : 0;
		*q = 1 - *p;
		return;
	}
	if (x < (a + 1) / (a + b + 2)) {
		*p = beta_cf(a, b, x, y);
		*q = 1 - *p;
	} else {
		*q = beta_cf(b, a, y, x);
		*p = 1 - *q;
	}
}

double ml_special_betainc(double a, double b, double x)
{
	double p, q;
	ml_special_betainc2(a, b, x, 1 - x, &p, &q);
	return p;
}

static void beta_tails(const double *par, double x, double *lower, double *upper, double *dens)
{
	double a = par[0], b = par[1], y = 1 - x;
	ml_special_betainc2(a, b, x, y, lower, upper);
	*dens = x > 0 && y > 0 ? beta_prefactor(a, b, x, y) / (x * y) : 0;
}

/* Starting point of the beta inverse (Numerical Recipes' invbetai). */
static double beta_guess(double a, double b, double p, double q)
{
	double x;
	if (a >= 1 && b >= 1) {
		double pp = p < q ? p : q;
		double t = sqrt(-2 * log(pp));
		double z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
		if (p < q)
			z = -z;
		double al = (z * z - 3) / 6;
		double h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
		double w = z * sqrt(al + h) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h));
		x = a / (a + b * exp(2 * w));
	} else {
		double lna = log(a / (a + b)), lnb = log(b / (a + b));
		double t = exp(a * lna) / a, u = exp(b * lnb) / b, w = t + u;
		if (p < t / w)
			x = pow(a * w * p, 1 / a);
		else
			x = 1 - pow(b * w * q, 1 / b);
	}
	if (!(x > 0 && x < 1))
		x = 0.5;
	return x;
}

void ml_special_betaincinv2(double a, double b, double p, double q, double *x, double *y)
{
	if (isnan(a) || isnan(b) || isnan(p) || isnan(q) || a <= 0 || b <= 0 || p < 0 || q < 0 ||
	    p > 1 || q > 1) {
		*x = *y = NAN;
		return;
	}
	if (p == 0) {
		*x = 0, *y = 1;
		return;
	}
	if (q == 0) {
		*x = 1, *y = 0;
		return;
	}
	/* solve for whichever of x and y is below 1/2, so both come out accurate */
	double ph, qh;
	ml_special_betainc2(a, b, 0.5, 0.5, &ph, &qh);
	int swap = p <= q ? p > ph : q < qh;
	double A = swap ? b : a, B = swap ? a : b, P = swap ? q : p, Q = swap ? p : q;
	double par[2] = { A, B };
	int upper = Q < P;
	double g = beta_guess(A, B, P, Q);
	if (g > 0.5)
		g = 0.25;
	double r = solve_tail(beta_tails, par, upper ? Q : P, upper, g, 0, 0.5);
	if (swap) {
		*y = r, *x = 1 - r;
	} else {
		*x = r, *y = 1 - r;
	}
}

double ml_special_betaincinv(double a, double b, double p)
{
	double x, y;
	ml_special_betaincinv2(a, b, p, 1 - p, &x, &y);
	return x;
}

/* ---- standardized distributions ---- */

static double norm_pdf(double x) { return exp(-0.5 * x * x) / SQRT_2PI; }
static double norm_logpdf(double x) { return -0.5 * x * x - LN_SQRT_2PI; }
static double norm_sf(double x) { return ndtr_upper(x); }
static double norm_isf(double q) { return ndtri_upper(q); }

/* Student t with n degrees of freedom (R's dt). */
static double t_dens(double x, double n, int give_log)
{
	if (isnan(x) || isnan(n) || n <= 0)
		return NAN;
	if (isinf(x))
		return give_log ? -INFINITY : 0;
	if (isinf(n))
		return give_log ? norm_logpdf(x) : norm_pdf(x);
	double t = -bd0(n / 2, (n + 1) / 2) + stirlerr((n + 1) / 2) - stirlerr(n / 2);
	double x2n = x * x / n, ax = 0, l_x2n, u;
	int lrg = x2n > 1 / DBL_EPSILON;
	if (lrg) {
		ax = fabs(x);
		l_x2n = log(ax) - log(n) / 2;
		u = n * l_x2n;
	} else if (x2n > 0.2) {
		l_x2n = log(1 + x2n) / 2;
		u = n * l_x2n;
	} else {
		l_x2n = log1p(x2n) / 2;
		u = -bd0(n / 2, (n + x * x) / 2) + x * x / 2;
	}
	if (give_log)
		return t - u - (LN_SQRT_2PI + l_x2n);
	double isq = lrg ? sqrt(n) / ax : exp(-l_x2n);
	return exp(t - u) / SQRT_2PI * isq;
}
static double t_pdf(double x, double n) { return t_dens(x, n, 0); }
static double t_logpdf(double x, double n) { return t_dens(x, n, 1); }

/* both tails of t at x */
static void t_tails(double x, double n, double *lower, double *upper)
{
	if (isnan(x) || isnan(n) || n <= 0) {
		*lower = *upper = NAN;
		return;
	}
	if (isinf(n)) {
		*lower = ml_special_ndtr(x);
		*upper = ndtr_upper(x);
		return;
	}
	if (isinf(x)) {
		*lower = x < 0 ? 0 : 1;
		*upper = 1 - *lower;
		return;
	}
	double x2 = x * x, z = n / (n + x2), y = x2 / (n + x2);
	double p, q;
	ml_special_betainc2(n / 2, 0.5, z, y, &p, &q); /* p = P(|T| > |x|) */
	double tail = 0.5 * p, body = 0.5 + 0.5 * q;
	if (x < 0) {
		*lower = tail;
		*upper = body;
	} else {
		*lower = body;
		*upper = tail;
	}
}
static double t_cdf(double x, double n)
{
	double l, u;
	t_tails(x, n, &l, &u);
	return l;
}
static double t_sf(double x, double n)
{
	double l, u;
	t_tails(x, n, &l, &u);
	return u;
}

/* x > 0 with P(T > x) = s, s <= 1/2 */
static double t_upper_quantile(double s, double n)
{
	if (isinf(n))
		return ndtri_upper(s);
	/* P(|T| > x) = 2s = I_z(n/2, 1/2), z = n/(n + x^2) */
	double z, y;
	ml_special_betaincinv2(n / 2, 0.5, 2 * s, 1 - 2 * s, &z, &y);
	if (z == 0)
		return INFINITY;
	double x = sqrt(n * (y / z));
	/* a Newton step on the tail in t itself polishes the last bits */
	double d = t_dens(x, n, 0);
	if (d > 0 && isfinite(x)) {
		double step = (t_sf(x, n) - s) / d;
		if (fabs(step) < 1e-6 * x)
			x += step;
	}
	return x;
}

static double t_ppf(double p, double n)
{
	if (isnan(p) || isnan(n) || p < 0 || p > 1 || n <= 0)
		return NAN;
	if (p == 0.5)
		return 0;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	return p < 0.5 ? -t_upper_quantile(p, n) : t_upper_quantile(1 - p, n);
}
static double t_isf(double q, double n) { return -t_ppf(q, n); }

/* Gamma(a, 1) */
static double gamma_pdf(double x, double a)
{
	if (isnan(x) || isnan(a) || a <= 0)
		return NAN;
	if (x < 0)
		return 0;
	if (x == 0)
		return a < 1 ? INFINITY : a == 1 ? 1 : 0;
	if (isinf(x))
		return 0;
	if (a < 1)
		return ml_special_dpois(a, x, 0) * a / x;
	return ml_special_dpois(a - 1, x, 0);
}
static double gamma_logpdf(double x, double a)
{
	if (isnan(x) || isnan(a) || a <= 0)
		return NAN;
	if (x < 0 || isinf(x))
		return -INFINITY;
	if (x == 0)
		return a < 1 ? INFINITY : a == 1 ? 0 : -INFINITY;
	if (a < 1)
		return ml_special_dpois(a, x, 1) + log(a / x);
	return ml_special_dpois(a - 1, x, 1);
}
static double gamma_cdf(double x, double a) { return x <= 0 ? (isnan(a) || a <= 0 ? NAN : 0) : ml_special_gammainc(a, x); }
static double gamma_sf(double x, double a) { return x <= 0 ? (isnan(a) || a <= 0 ? NAN : 1) : ml_special_gammaincc(a, x); }
static double gamma_ppf(double p, double a) { return ml_special_gammaincinv2(a, p, 1 - p); }
static double gamma_isf(double q, double a) { return ml_special_gammaincinv2(a, 1 - q, q); }

/* Beta(a, b) */
static double beta_dens(double x, double a, double b, int give_log)
{
	if (isnan(x) || isnan(a) || isnan(b) || a <= 0 || b <= 0)
		return NAN;
	if (x < 0 || x > 1)
		return give_log ? -INFINITY : 0;
	if (x == 0 || x == 1) {
		double e = x == 0 ? a : b;
		double v = e < 1 ? INFINITY : e > 1 ? 0 : (x == 0 ? b : a);
		return give_log ? log(v) : v;
	}
	double l;
	if (a <= 2 || b <= 2)
		l = (a - 1) * log(x) + (b - 1) * log1p(-x) - ml_special_lbeta(a, b);
	else
		l = log(a + b - 1) + ml_special_dbinom(a - 1, a + b - 2, x, 1 - x, 1);
	return give_log ? l : exp(l);
}
static double beta_pdf(double x, double a, double b) { return beta_dens(x, a, b, 0); }
static double beta_logpdf(double x, double a, double b) { return beta_dens(x, a, b, 1); }
static double beta_cdf(double x, double a, double b)
{
	if (isnan(x) || isnan(a) || isnan(b) || a <= 0 || b <= 0)
		return NAN;
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double p, q;
	ml_special_betainc2(a, b, x, 1 - x, &p, &q);
	return p;
}
static double beta_sf(double x, double a, double b)
{
	if (isnan(x) || isnan(a) || isnan(b) || a <= 0 || b <= 0)
		return NAN;
	if (x <= 0)
		return 1;
	if (x >= 1)
		return 0;
	double p, q;
	ml_special_betainc2(a, b, x, 1 - x, &p, &q);
	return q;
}
static double beta_ppf(double p, double a, double b)
{
	double x, y;
	ml_special_betaincinv2(a, b, p, 1 - p, &x, &y);
	return x;
}
static double beta_isf(double q, double a, double b)
{
	double x, y;
	ml_special_betaincinv2(a, b, 1 - q, q, &x, &y);
	return x;
}

/* F(m, n) (R's df) */
static double f_dens(double x, double m, double n, int give_log)
{
	if (isnan(x) || isnan(m) || isnan(n) || m <= 0 || n <= 0)
		return NAN;
	if (x < 0 || isinf(x))
		return give_log ? -INFINITY : 0;
	if (x == 0) {
		double v = m > 2 ? 0 : m == 2 ? 1 : INFINITY;
		return give_log ? log(v) : v;
	}
	double f = 1 / (n + x * m), q = n * f, p = x * m * f, dens;
	if (m >= 2) {
		f = m * q / 2;
		dens = ml_special_dbinom((m - 2) / 2, (m + n - 2) / 2, p, q, give_log);
	} else {
		f = m * m * q / (2 * p * (m + n));
		dens = ml_special_dbinom(m / 2, (m + n) / 2, p, q, give_log);
	}
	return give_log ? log(f) + dens : f * dens;
}
static double f_pdf(double x, double m, double n) { return f_dens(x, m, n, 0); }
static double f_logpdf(double x, double m, double n) { return f_dens(x, m, n, 1); }
static void f_tails(double x, double m, double n, double *lower, double *upper)
{
	if (isnan(x) || isnan(m) || isnan(n) || m <= 0 || n <= 0) {
		*lower = *upper = NAN;
		return;
	}
	if (x <= 0) {
		*lower = 0, *upper = 1;
		return;
	}
	if (isinf(x)) {
		*lower = 1, *upper = 0;
		return;
	}
	double den = m * x + n;
	ml_special_betainc2(m / 2, n / 2, m * x / den, n / den, lower, upper);
}
static double f_cdf(double x, double m, double n)
{
	double l, u;
	f_tails(x, m, n, &l, &u);
	return l;
}
static double f_sf(double x, double m, double n)
{
	double l, u;
	f_tails(x, m, n, &l, &u);
	return u;
}
static double f_quantile(double p, double q, double m, double n)
{
	if (isnan(m) || isnan(n) || m <= 0 || n <= 0)
		return NAN;
	double z, y;
	ml_special_betaincinv2(m / 2, n / 2, p, q, &z, &y);
	if (isnan(z))
		return NAN;
	if (y == 0)
		return INFINITY;
	return n * z / (m * y);
}
static double f_ppf(double p, double m, double n) { return f_quantile(p, 1 - p, m, n); }
static double f_isf(double q, double m, double n) { return f_quantile(1 - q, q, m, n); }

/* Exponential(1) */
static double expon_pdf(double x) { return isnan(x) ? x : x < 0 ? 0 : exp(-x); }
static double expon_logpdf(double x) { return isnan(x) ? x : x < 0 ? -INFINITY : -x; }
static double expon_cdf(double x) { return isnan(x) ? x : x <= 0 ? 0 : -expm1(-x); }
static double expon_sf(double x) { return isnan(x) ? x : x <= 0 ? 1 : exp(-x); }
static double expon_ppf(double p) { return isnan(p) || p < 0 || p > 1 ? NAN : -log1p(-p); }
static double expon_isf(double q) { return isnan(q) || q < 0 || q > 1 ? NAN : -log(q); }

/* Binomial(n, p) at k */
static int bad_binom(double n, double p)
{
	return isnan(n) || isnan(p) || n < 0 || n != floor(n) || p < 0 || p > 1;
}
static double binom_pmf(double k, double n, double p)
{
	if (isnan(k) || bad_binom(n, p))
		return NAN;
	if (k != floor(k))
		return 0;
	return ml_special_dbinom(k, n, p, 1 - p, 0);
}
static double binom_logpmf(double k, double n, double p)
{
	if (isnan(k) || bad_binom(n, p))
		return NAN;
	if (k != floor(k))
		return -INFINITY;
	return ml_special_dbinom(k, n, p, 1 - p, 1);
}
static void binom_tails(double k, double n, double p, double *lower, double *upper)
{
	if (isnan(k) || bad_binom(n, p)) {
		*lower = *upper = NAN;
		return;
	}
	k = floor(k);
	if (k < 0) {
		*lower = 0, *upper = 1;
	} else if (k >= n) {
		*lower = 1, *upper = 0;
	} else {
		/* P(X <= k) = I_{1-p}(n - k, k + 1) */
		ml_special_betainc2(n - k, k + 1, 1 - p, p, lower, upper);
	}
}
static double binom_cdf(double k, double n, double p)
{
	double l, u;
	binom_tails(k, n, p, &l, &u);
	return l;
}
static double binom_sf(double k, double n, double p)
{
	double l, u;
	binom_tails(k, n, p, &l, &u);
	return u;
}

/* Poisson(mu) at k */
static double poisson_pmf(double k, double mu)
{
	if (isnan(k) || isnan(mu) || mu < 0)
		return NAN;
	if (k != floor(k))
		return 0;
	return ml_special_dpois(k, mu, 0);
}
static double poisson_logpmf(double k, double mu)
{
	if (isnan(k) || isnan(mu) || mu < 0)
		return NAN;
	if (k != floor(k))
		return -INFINITY;
	return ml_special_dpois(k, mu, 1);
}
static void poisson_tails(double k, double mu, double *lower, double *upper)
{
	if (isnan(k) || isnan(mu) || mu < 0) {
		*lower = *upper = NAN;
		return;
	}
	k = floor(k);
	if (k < 0) {
		*lower = 0, *upper = 1;
	} else if (isinf(k)) {
		*lower = 1, *upper = 0;
	} else if (mu == 0) {
		*lower = 1, *upper = 0;
	} else {
		/* P(X <= k) = Q(k + 1, mu) */
		ml_special_gammainc2(k + 1, mu, upper, lower);
	}
}
static double poisson_cdf(double k, double mu)
{
	double l, u;
	poisson_tails(k, mu, &l, &u);
	return l;
}
static double poisson_sf(double k, double mu)
{
	double l, u;
	poisson_tails(k, mu, &l, &u);
	return u;
}

/*
 * Discrete quantiles (scipy's convention): ppf(q) is the smallest k with
 * cdf(k) >= q, isf(q) the smallest k with sf(k) <= q.  A normal
 * approximation gives the start, then unit steps; comparisons use the
 * smaller tail.  lo is the support's first value; hi its last (or inf).
 */
typedef void (*dtails_fn)(double k, const double *par, double *lower, double *upper);

static void binom_dt(double k, const double *par, double *l, double *u) { binom_tails(k, par[0], par[1], l, u); }
static void poisson_dt(double k, const double *par, double *l, double *u) { poisson_tails(k, par[0], l, u); }

static double discrete_quantile(dtails_fn f, const double *par, double p, double q, double mean,
                                double sd, double hi)
{
	if (isnan(p) || isnan(q) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -1;
	if (q == 0)
		return hi;
	double zz = p < 0.5 ? ndtri_lower(p) : -ndtri_lower(q);
	double k = floor(mean + sd * zz);
	if (!(k >= 0))
		k = 0;
	if (k > hi)
		k = hi;
	/* cdf(k) >= p  <=>  sf(k) <= q; test on the smaller side */
	double l, u;
	int use_lower = p <= q;
#define REACHED(k_) (f((k_), par, &l, &u), use_lower ? l >= p : u <= q)
	if (REACHED(k)) {
		while (k > 0 && REACHED(k - 1))
			k--;
	} else {
		while (k < hi && !REACHED(k + 1))
			k++;
		k++;
		if (k > hi)
			k = hi;
	}
#undef REACHED
	return k;
}

static double binom_ppf(double p, double n, double pr)
{
	if (bad_binom(n, pr))
		return NAN;
	double par[2] = { n, pr };
	return discrete_quantile(binom_dt, par, p, 1 - p, n * pr, sqrt(n * pr * (1 - pr)), n);
}
static double binom_isf(double q, double n, double pr)
{
	if (bad_binom(n, pr))
		return NAN;
	double par[2] = { n, pr };
	return discrete_quantile(binom_dt, par, 1 - q, q, n * pr, sqrt(n * pr * (1 - pr)), n);
}
static double poisson_ppf(double p, double mu)
{
	if (isnan(mu) || mu < 0)
		return NAN;
	double par[1] = { mu };
	return discrete_quantile(poisson_dt, par, p, 1 - p, mu, sqrt(mu), INFINITY);
}
static double poisson_isf(double q, double mu)
{
	if (isnan(mu) || mu < 0)
		return NAN;
	double par[1] = { mu };
	return discrete_quantile(poisson_dt, par, 1 - q, q, mu, sqrt(mu), INFINITY);
}

static double s_lgamma(double x) { return ml_special_lgamma(x); }
static double s_gammaincinv(double a, double p) { return ml_special_gammaincinv(a, p); }
static double s_gammainccinv(double a, double q) { return ml_special_gammainccinv(a, q); }

#define OP1(n, f) { n, 1, f, NULL, NULL }
#define OP2(n, f) { n, 2, NULL, f, NULL }
#define OP3(n, f) { n, 3, NULL, NULL, f }

const ml_special_op ml_special_ops[] = {
	OP1("lgamma", s_lgamma),
	OP1("erf", ml_special_erf),
	OP1("erfc", ml_special_erfc),
	OP1("erfinv", ml_special_erfinv),
	OP1("erfcinv", ml_special_erfcinv),
	OP2("gammainc", ml_special_gammainc),
	OP2("gammaincc", ml_special_gammaincc),
	OP2("gammaincinv", s_gammaincinv),
	OP2("gammainccinv", s_gammainccinv),
	OP3("betainc", ml_special_betainc),
	OP3("betaincinv", ml_special_betaincinv),
	OP2("lbeta", ml_special_lbeta),
	OP1("norm_pdf", norm_pdf),
	OP1("norm_logpdf", norm_logpdf),
	OP1("norm_cdf", ml_special_ndtr),
	OP1("norm_sf", norm_sf),
	OP1("norm_ppf", ml_special_ndtri),
	OP1("norm_isf", norm_isf),
	OP2("t_pdf", t_pdf),
	OP2("t_logpdf", t_logpdf),
	OP2("t_cdf", t_cdf),
	OP2("t_sf", t_sf),
	OP2("t_ppf", t_ppf),
	OP2("t_isf", t_isf),
	OP2("gamma_pdf", gamma_pdf),
	OP2("gamma_logpdf", gamma_logpdf),
	OP2("gamma_cdf", gamma_cdf),
	OP2("gamma_sf", gamma_sf),
	OP2("gamma_ppf", gamma_ppf),
	OP2("gamma_isf", gamma_isf),
	OP3("beta_pdf", beta_pdf),
	OP3("beta_logpdf", beta_logpdf),
	OP3("beta_cdf", beta_cdf),
	OP3("beta_sf", beta_sf),
	OP3("beta_ppf", beta_ppf),
	OP3("beta_isf", beta_isf),
	OP3("f_pdf", f_pdf),
	OP3("f_logpdf", f_logpdf),
	OP3("f_cdf", f_cdf),
	OP3("f_sf", f_sf),
	OP3("f_ppf", f_ppf),
	OP3("f_isf", f_isf),
	OP1("expon_pdf", expon_pdf),
	OP1("expon_logpdf", expon_logpdf),
	OP1("expon_cdf", expon_cdf),
	OP1("expon_sf", expon_sf),
	OP1("expon_ppf", expon_ppf),
	OP1("expon_isf", expon_isf),
	OP3("binom_pmf", binom_pmf),
	OP3("binom_logpmf", binom_logpmf),
	OP3("binom_cdf", binom_cdf),
	OP3("binom_sf", binom_sf),
	OP3("binom_ppf", binom_ppf),
	OP3("binom_isf", binom_isf),
	OP2("poisson_pmf", poisson_pmf),
	OP2("poisson_logpmf", poisson_logpmf),
	OP2("poisson_cdf", poisson_cdf),
	OP2("poisson_sf", poisson_sf),
	OP2("poisson_ppf", poisson_ppf),
	OP2("poisson_isf", poisson_isf),
	{ NULL, 0, NULL, NULL, NULL },
};

const ml_special_op *ml_special_find(const char *name)
{
	for (const ml_special_op *op = ml_special_ops; op->name; op++)
		if (strcmp(op->name, name) == 0)
			return op;
	return NULL;
}

double ml_special_eval(const ml_special_op *op, const double *args)
{
	switch (op->nargs) {
	case 1: return op->f1(args[0]);
	case 2: return op->f2(args[0], args[1]);
	default: return op->f3(args[0], args[1], args[2]);
	}
}

static void map_inner(int64_t n, char *const *ptr, const int64_t *step, void *ctx)
{
	const ml_special_op *op = ctx;
	int k = op->nargs;
	for (int64_t i = 0; i < n; i++) {
		double args[3];
		for (int j = 0; j < k; j++)
			args[j] = *(const double *)(ptr[j] + i * step[j]);
		*(double *)(ptr[k] + i * step[k]) = ml_special_eval(op, args);
	}
}

int ml_special_map(const ml_special_op *op, ml_tensor *const *in, ml_tensor *out, ml_error *e)
{
	ml_tensor *ops[4];
	for (int j = 0; j < op->nargs; j++) {
		if (in[j]->dtype != ML_DOUBLE)
			return ml_fail(e, ML_ETYPE, "stats.%s: argument %d must be a DoubleTensor (got %s)", op->name,
			               j + 1, ml_dtype_info[in[j]->dtype].name);
		if (!ml_tensor_same_size(in[j], out)) {
			char s1[ML_SHAPELEN], s2[ML_SHAPELEN];
			return ml_fail(e, ML_ESHAPE, "stats.%s: argument %d has shape %s, the result %s", op->name,
			               j + 1, ml_tensor_shape_str(s1, sizeof s1, in[j]),
			               ml_tensor_shape_str(s2, sizeof s2, out));
		}
		ops[j] = in[j];
	}
	if (out->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "stats.%s: the result must be a DoubleTensor (got %s)", op->name,
		               ml_dtype_info[out->dtype].name);
	ops[op->nargs] = out;
	return ml_apply(op->nargs + 1, ops, ML_GRAIN_COSTLY / 8, map_inner, (void *)op, e);
}
