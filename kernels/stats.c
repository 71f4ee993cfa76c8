/*
 * stats.c - the loops of moonlab.stats that Lua would make slow: a stable
 * argsort, ranks with ties, Kendall's tau counts in O(n log n) (Knight 1966:
 * sort by x then y, count the inversions of y by merge sort), and the null
 * distributions of the Kolmogorov-Smirnov statistics (Durbin's matrix, the
 * Birnbaum-Tingey sum, Hodges' lattice-path counts), following the choices
 * scipy.stats makes so p-values agree with it.
 *
 * Deliberately not here: NaN policy, argument checks beyond what keeps memory
 * safe, tests' result assembly (all in stdlib/moonlab/stats).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "special.h"
#include "stats.h"

/* x[a] < x[b] with NaN after everything (NaN == NaN) */
static int less(double a, double b)
{
	if (isnan(b))
		return !isnan(a);
	return a < b;
}

static int same(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

/* A value and where it came from; sorting these (not indices into the data)
 * keeps the merge passes sequential in memory. */
typedef struct vpair {
	double v;  /* the value */
	int64_t i; /* its 0-based position in the input */
} vpair;

/* Stable ascending merge sort of a[0..n-1] (tmp: n more); *inv (when not
 * NULL) gets the number of strict inversions, pairs i < j with a[i] > a[j].
 * Runs of 16 are first sorted by insertion. */
static void psort(int64_t n, vpair *a, vpair *tmp, double *inv)
{
	double count = 0;
	const int64_t run = 16;
	for (int64_t lo = 0; lo < n; lo += run) {
		int64_t hi = lo + run < n ? lo + run : n;
		for (int64_t i = lo + 1; i < hi; i++) {
			vpair t = a[i];
			int64_t j = i;
			while (j > lo && less(t.v, a[j - 1].v)) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = t;
			count += (double)(i - j);
		}
	}
	vpair *src = a, *dst = tmp;
	for (int64_t w = run; w < n; w *= 2) {
		for (int64_t lo = 0; lo < n; lo += 2 * w) {
			int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int64_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				if (less(src[j].v, src[i].v)) {
					count += (double)(mid - i);
					dst[k++] = src[j++];
				} else {
					dst[k++] = src[i++];
				}
			}
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		vpair *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (size_t)n * sizeof *a);
	if (inv)
		*inv = count;
}

static vpair *sorted_pairs(int64_t n, const double *x, vpair *work)
{
	for (int64_t i = 0; i < n; i++)
		work[i] = (vpair){ x[i], i };
	psort(n, work, work + n, NULL);
	return work;
}

void ml_stats_argsort(int64_t n, const double *x, int64_t *idx, vpair *work)
{
	vpair *a = sorted_pairs(n, x, work);
	for (int64_t i = 0; i < n; i++)
		idx[i] = a[i].i;
}

void ml_stats_rank(int64_t n, const double *x, int method, double *rank, double *tie_sum, vpair *work)
{
	vpair *a = sorted_pairs(n, x, work);
	double ts = 0, dense = 0;
	for (int64_t i = 0; i < n;) {
		int64_t j = i + 1;
		while (j < n && same(a[j].v, a[i].v))
			j++;
		double t = (double)(j - i);
		ts += t * t * t - t;
		dense += 1;
		for (int64_t k = i; k < j; k++) {
			double r;
			switch (method) {
			case ML_RANK_MIN: r = (double)i + 1; break;
			case ML_RANK_MAX: r = (double)j; break;
			case ML_RANK_DENSE: r = dense; break;
			case ML_RANK_ORDINAL: r = (double)k + 1; break;
			default: r = 0.5 * ((double)i + 1 + (double)j); break;
			}
			rank[a[k].i] = r;
		}
		i = j;
	}
	if (tie_sum)
		*tie_sum = ts;
}

/* tie statistics of the runs of equal values of a sorted pair array */
static void tie_stats(int64_t n, const vpair *a, double *pairs, double *s2, double *s3)
{
	double p = 0, b2 = 0, b3 = 0;
	for (int64_t i = 0; i < n;) {
		int64_t j = i + 1;
		while (j < n && same(a[j].v, a[i].v))
			j++;
		double t = (double)(j - i);
		p += t * (t - 1) / 2;
		b2 += t * (t - 1) * (t - 2);
		b3 += t * (t - 1) * (2 * t + 5);
		i = j;
	}
	*pairs = p, *s2 = b2, *s3 = b3;
}

void ml_stats_kendall(int64_t n, const double *x, const double *y, ml_kendall *c, vpair *work)
{
	vpair *a = work, *b = work + 2 * n; /* each with its own scratch half */
	memset(c, 0, sizeof *c);
	c->tot = (double)n * (double)(n - 1) / 2;
	/* order by y, then stably by x: lexicographic (x, y) */
	sorted_pairs(n, y, a);
	for (int64_t k = 0; k < n; k++)
		b[k] = (vpair){ x[a[k].i], a[k].i };
	psort(n, b, b + n, NULL);
	tie_stats(n, b, &c->xtie, &c->x0, &c->x1);
	for (int64_t i = 0; i < n;) { /* joint ties: runs equal in x and y */
		int64_t j = i + 1;
		while (j < n && same(b[j].v, b[i].v) && same(y[b[j].i], y[b[i].i]))
			j++;
		double t = (double)(j - i);
		c->ntie += t * (t - 1) / 2;
		i = j;
	}
	/* discordant pairs: strict inversions of y in (x, y) order */
	for (int64_t k = 0; k < n; k++)
		a[k] = (vpair){ y[b[k].i], b[k].i };
	psort(n, a, a + n, &c->dis);
	tie_stats(n, a, &c->ytie, &c->y0, &c->y1);
}

void ml_stats_moments(int64_t n, const double *x, int64_t stride, double *out)
{
	/* Neumaier-compensated sums: pass 1 the mean, pass 2 the mean of the
	 * deviations (their rounding offset), pass 3 the central sums */
	double s = 0, cs = 0;
	for (int64_t i = 0; i < n; i++) {
		double v = x[i * stride], t = s + v;
		cs += fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s;
		s = t;
	}
	double m = (s + cs) / (double)n;
	double r = 0, cr = 0;
	for (int64_t i = 0; i < n; i++) {
		double v = x[i * stride] - m, t = r + v;
		cr += fabs(r) >= fabs(v) ? (r - t) + v : (v - t) + r;
		r = t;
	}
	r = (r + cr) / (double)n;
	double acc[3] = { 0, 0, 0 }, comp[3] = { 0, 0, 0 };
	for (int64_t i = 0; i < n; i++) {
		double d = (x[i * stride] - m) - r, p = d * d;
		for (int k = 0; k < 3; k++) {
			double t = acc[k] + p;
			comp[k] += fabs(acc[k]) >= fabs(p) ? (acc[k] - t) + p : (p - t) + acc[k];
			acc[k] = t;
			p *= d;
		}
	}
	out[0] = m;
	out[1] = r;
	for (int k = 0; k < 3; k++)
		out[2 + k] = acc[k] + comp[k];
}

/* ---- Kolmogorov-Smirnov ---- */

static double lchoose(double n, double k)
{
	return ml_special_lgamma(n + 1) - ml_special_lgamma(k + 1) - ml_special_lgamma(n - k + 1);
}

double ml_stats_smirnov(int64_t n, double d)
{
	if (isnan(d) || n <= 0)
		return NAN;
	if (d <= 0)
		return 1;
	if (d >= 1)
		return 0;
	double nn = (double)n;
	if (n == 1)
		return 1 - d;
	/* P(D+ >= d) = d sum_{j=0}^{floor(n(1-d))} C(n,j) (1-d-j/n)^(n-j) (d+j/n)^(j-1) */
	int64_t jmax = (int64_t)floor(nn * (1 - d) + 1e-12 * nn);
	double sum = 0;
	for (int64_t j = 0; j <= jmax; j++) {
		double jj = (double)j, a = 1 - d - jj / nn, b = d + jj / nn;
		if (a <= 0)
			continue;
		double l = lchoose(nn, jj) + (nn - jj) * log(a) + (jj - 1) * log(b);
		sum += exp(l);
	}
	double p = d * sum;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

double ml_stats_kolmogorov_sf(double x)
{
	if (isnan(x))
		return NAN;
	if (x <= 0)
		return 1;
	if (x < 1) { /* 1 - sqrt(2 pi)/x sum exp(-(2k-1)^2 pi^2 / (8 x^2)) */
		double s = 0;
		for (int k = 1; k < 100; k++) {
			double t = exp(-(2 * k - 1) * (2 * k - 1) * M_PI * M_PI / (8 * x * x));
			s += t;
			if (t < 1e-18 * s)
				break;
		}
		return 1 - sqrt(2 * M_PI) / x * s;
	}
	double s = 0;
	for (int k = 1; k < 100; k++) {
		double t = exp(-2.0 * k * k * x * x);
		s += (k % 2 ? t : -t);
		if (t < 1e-18)
			break;
	}
	double p = 2 * s;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* Pr(D_n <= d) by Durbin's matrix (Marsaglia, Tsang, Wang 2003); NaN when out of memory */
static double kolmogn_dmtw(int64_t n, double d)
{
	double nd = (double)n * d;
	if (nd <= 0.5)
		return 0;
	int64_t k = (int64_t)ceil(nd);
	double h = (double)k - nd;
	int64_t m = 2 * k - 1;
	size_t mm = (size_t)m * (size_t)m;
	double *H = calloc(3 * mm, sizeof *H);
	if (!H)
		return NAN;
	double *P = H + mm, *T = H + 2 * mm;
	double fac = 1;
	double *v = malloc((size_t)m * 2 * sizeof *v);
	if (!v) {
		free(H);
		return NAN;
	}
	double *w = v + m;
	for (int64_t j = 1; j <= m; j++) {
		w[j - 1] = fac;
		fac /= (double)j;
		v[j - 1] = (1 - pow(h, (double)j)) * fac;
	}
	double tt = pow(fmax(2 * h - 1, 0), (double)m) - 2 * pow(h, (double)m);
	v[m - 1] = (1 + tt) * fac;
	for (int64_t i = 1; i < m; i++)
		for (int64_t r = i - 1; r < m; r++)
			H[r * m + i] = w[r - (i - 1)];
	for (int64_t r = 0; r < m; r++)
		H[r * m] = v[r];
	for (int64_t c = 0; c < m; c++)
		H[(m - 1) * m + c] = v[m - 1 - c];
	for (int64_t i = 0; i < m; i++)
		P[i * m + i] = 1;
	int expnt = 0, hexpnt = 0;
	const double ep128 = ldexp(1, 128), em128 = ldexp(1, -128);
	for (int64_t nn = n; nn > 0; nn /= 2) {
		if (nn % 2) {
			memset(T, 0, mm * sizeof *T);
			for (int64_t i = 0; i < m; i++)
				for (int64_t l = 0; l < m; l++) {
					double a = P[i * m + l];
					if (a != 0)
						for (int64_t j = 0; j < m; j++)
							T[i * m + j] += a * H[l * m + j];
				}
			memcpy(P, T, mm * sizeof *T);
			expnt += hexpnt;
		}
		memset(T, 0, mm * sizeof *T);
		for (int64_t i = 0; i < m; i++)
			for (int64_t l = 0; l < m; l++) {
				double a = H[i * m + l];
				if (a != 0)
					for (int64_t j = 0; j < m; j++)
						T[i * m + j] += a * H[l * m + j];
			}
		memcpy(H, T, mm * sizeof *T);
		hexpnt *= 2;
		if (fabs(H[(k - 1) * m + k - 1]) > ep128) {
			for (size_t i = 0; i < mm; i++)
				H[i] /= ep128;
			hexpnt += 128;
		}
	}
	double p = P[(k - 1) * m + k - 1];
	for (int64_t i = 1; i <= n; i++) {
		p = (double)i * p / (double)n;
		if (fabs(p) < em128) {
			p *= ep128;
			expnt -= 128;
		}
	}
	free(v);
	free(H);
	return ldexp(p, expnt);
}

/* Pelz and Good's (1976) approximation of Pr(D_n <= x), the Li-Chien and
 * Korolyuk expansion K0 + K1/sqrt(n) + K2/n + K3/n^1.5 in z = x sqrt(n),
 * transformed by Jacobi theta identities for small z (scipy's choice for
 * large n outside the Durbin-matrix range). */
static double pelz_good_cdf(double n, double x)
{
	const double pi2 = M_PI * M_PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2, sqrt2pi = sqrt(2 * M_PI);
	double z = sqrt(n) * x, z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
	double qlog = -pi2 / 8 / z2;
	if (qlog < -708)
		return 0;
	double q = exp(qlog);
	double k1a = -z2, k1b = pi2 / 4;
	double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
	double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
	double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * z4 * z4;
	double K[4] = { 0, 0, 0, 0 };
	int maxk = (int)ceil(16 * z / M_PI);
	for (int k = maxk; k > 0; k--) { /* Horner in q^(8k) over odd m = 2k - 1 */
		double m = 2 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
		double qp = pow(q, 8.0 * k);
		double co[4] = { 1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6 };
		for (int j = 0; j < 4; j++)
			K[j] = K[j] * qp + co[j];
	}
	double div[4] = { z, 6 * z4, 72 * z4 * z3, 6480 * z6 * z4 };
	for (int j = 0; j < 4; j++)
		K[j] = K[j] * q * sqrt2pi / div[j];
	double q2 = exp(-pi2 / 2 / z2), sqrt3z = sqrt(3.0) * z, e2 = 0, e3 = 0;
	for (int k = maxk; k > 0; k--) {
		double kk = (double)k * k, qp = pow(q2, kk), kp = M_PI * k;
		e2 += kk * qp;
		e3 += (sqrt3z + kp) * (sqrt3z - kp) * kk * qp;
	}
	K[2] += e2 * pi2 * sqrt2pi / (-36 * z3);
	K[3] += e3 * pi2 * sqrt2pi / (216 * z6);
	return K[0] + K[1] / sqrt(n) + K[2] / n + K[3] / (n * sqrt(n));
}

double ml_stats_kolmogn_sf(int64_t n, double x)
{
	if (isnan(x) || n <= 0)
		return NAN;
	if (x >= 1)
		return 0;
	if (x <= 0)
		return 1;
	double nn = (double)n, t = nn * x;
	if (t <= 1) { /* Ruben-Gambino */
		if (t <= 0.5)
			return 1;
		double l = 0;
		for (int64_t i = 1; i <= n; i++)
			l += log((double)i / nn);
		double p = exp(l + nn * log(2 * t - 1));
		return 1 - p;
	}
	if (t >= nn - 1)
		return 2 * pow(1 - x, nn);
	if (x >= 0.5)
		return fmin(1, 2 * ml_stats_smirnov(n, x));
	double nx2 = t * x;
	if (n <= 140) {
		if (nx2 <= 4) {
			double c = kolmogn_dmtw(n, x);
			return c != c ? c : fmin(1, fmax(0, 1 - c));
		}
		return fmin(1, 2 * ml_stats_smirnov(n, x));
	}
	if (nx2 >= 370)
		return 0;
	if (nx2 >= 2.2)
		return fmin(1, 2 * ml_stats_smirnov(n, x));
	double c;
	if (n <= 100000 && nn * pow(x, 1.5) <= 1.4)
		c = kolmogn_dmtw(n, x);
	else
		c = pelz_good_cdf(nn, x);
	return c != c ? c : fmin(1, fmax(0, 1 - c));
}

/* proportion of paths outside |x - y| < h for m == n (scipy's square method) */
static double prob_outside_square(int64_t n, int64_t h)
{
	double P = 0;
	for (int64_t k = n / h; k >= 0; k--) {
		double p1 = 1;
		for (int64_t j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 / (double)(n + k * h + j + 1);
		P = p1 * (1 - P);
	}
	return 2 * P;
}

/* 1 - proportion of paths strictly inside the band (Hodges' inside method,
 * Viehmann's 1 - p recursion) */
static double outer_prob_inside(int64_t m, int64_t n, int64_t g, int64_t h, double *A)
{
	if (m < n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t mg = m / g, ng = n / g;
	int64_t minj = 0, maxj = (h + mg - 1) / mg;
	if (maxj > n + 1)
		maxj = n + 1;
	int64_t curlen = maxj - minj;
	int64_t lenA = 2 * maxj + 2 < n + 1 ? 2 * maxj + 2 : n + 1;
	for (int64_t i = 0; i < lenA; i++)
		A[i] = 1;
	for (int64_t i = minj; i < maxj; i++)
		A[i] = 0;
	for (int64_t i = 1; i <= m; i++) {
		int64_t lastminj = minj, lastlen = curlen;
		/* floor((ng*i - h)/mg) + 1, clamped */
		int64_t num = ng * i - h;
		int64_t fl = num >= 0 ? num / mg : -((-num + mg - 1) / mg);
		minj = fl + 1 > 0 ? fl + 1 : 0;
		if (minj > n)
			minj = n;
		int64_t cl = (ng * i + h + mg - 1) / mg;
		maxj = cl < n + 1 ? cl : n + 1;
		if (maxj <= minj)
			return 1;
		double val = minj == 0 ? 0 : 1;
		for (int64_t jj = 0; jj < maxj - minj; jj++) {
			int64_t j = jj + minj;
			val = (A[jj + minj - lastminj] * (double)i + val * (double)j) / (double)(i + j);
			A[jj] = val;
		}
		curlen = maxj - minj;
		if (lastlen > curlen)
			for (int64_t q = maxj - minj; q < maxj - minj + (lastlen - curlen); q++)
				A[q] = 1;
	}
	return A[maxj - minj - 1];
}

static double binom_coef(double n, double k)
{
	if (k < 0 || k > n)
		return 0;
	if (k == 0 || k == n)
		return 1;
	if (n < 60) { /* exact in doubles */
		double r = 1;
		if (k > n - k)
			k = n - k;
		for (double i = 1; i <= k; i++)
			r = r * (n - k + i) / i;
		return round(r);
	}
	return exp(lchoose(n, k));
}

/* number of paths going below the diagonal shifted by h (one-sided) */
static double count_paths_outside(int64_t m, int64_t n, int64_t g, int64_t h, double *B)
{
	if (m < n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t mg = m / g, ng = n / g;
	int64_t q = mg - h, lxj = n + (q >= 0 ? q / mg : -((-q + mg - 1) / mg)); /* floor division */
	if (lxj <= 0)
		return binom_coef((double)(m + n), (double)n);
	if (lxj > n + 1)
		lxj = n + 1;
#define XJ(j) ((double)((h + mg * (j) + ng - 1) / ng))
	B[0] = 1;
	for (int64_t j = 1; j < lxj; j++) {
		double Bj = binom_coef(XJ(j) + (double)j, (double)j);
		for (int64_t i = 0; i < j; i++)
			Bj -= binom_coef(XJ(j) - XJ(i) + (double)(j - i), (double)(j - i)) * B[i];
		B[j] = Bj;
	}
	double num = 0;
	for (int64_t j = 0; j < lxj; j++)
		num += B[j] * binom_coef((double)m - XJ(j) + (double)(n - j), (double)(n - j));
#undef XJ
	return num;
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

double ml_stats_ks2_exact(int64_t m, int64_t n, int64_t h, int one_sided, double *work)
{
	if (h <= 0)
		return 1;
	int64_t g = gcd64(m, n);
	double p;
	if (!one_sided) {
		p = m == n ? prob_outside_square(n, h) : outer_prob_inside(m, n, g, h, work);
	} else if (m == n) {
		p = 1;
		for (int64_t j = 0; j < h; j++)
			p *= (double)(n - j) / ((double)n + (double)j + 1);
	} else {
		double paths = count_paths_outside(m, n, g, h, work);
		double all = binom_coef((double)(m + n), (double)m);
		if (!isfinite(all) || paths > all)
			return NAN;
		p = paths / all;
	}
	if (!(p >= 0 && p <= 1))
		return NAN;
	return p;
}
