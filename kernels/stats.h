/*
 * stats.h - loops of moonlab.stats that are too slow in Lua: ranks with ties,
 * Kendall's tau-b counts in O(n log n) (Knight's merge-sort algorithm), and
 * the exact null distribution of the two-sample Kolmogorov-Smirnov statistic.
 * Inputs are plain contiguous double arrays; the Lua binding (vm/l_stats.c)
 * makes them.  No NaN handling: NaN sorts after +inf and equals NaN; the Lua
 * layer decides what NaN means.
 */
#ifndef ML_STATS_H
#define ML_STATS_H
#include <stdint.h>

enum { ML_RANK_AVERAGE, ML_RANK_MIN, ML_RANK_MAX, ML_RANK_DENSE, ML_RANK_ORDINAL };

struct vpair; /* scratch element of the sorts (16 bytes) */
#define ML_STATS_VPAIR_SIZE 16

/* Stable ascending order of x[0..n-1]: idx[i] = index (0-based) of the i-th
 * smallest.  work holds 2n vpairs (2n * ML_STATS_VPAIR_SIZE bytes). */
void ml_stats_argsort(int64_t n, const double *x, int64_t *idx, struct vpair *work);

/* rank[i] = 1-based rank of x[i] (scipy.stats.rankdata's methods); ties counts
 * sum t^3 - t over groups of t equal values into *tie_sum (may be NULL).
 * work holds 2n vpairs. */
void ml_stats_rank(int64_t n, const double *x, int method, double *rank, double *tie_sum,
                   struct vpair *work);

/* Pair counts of Kendall's tau for (x[i], y[i]), i < n. */
typedef struct ml_kendall {
	double tot;       /* n (n - 1) / 2 pairs */
	double dis;       /* discordant pairs */
	double ntie;      /* pairs tied in both x and y */
	double xtie, x0, x1; /* pairs tied in x; sum t(t-1)(t-2), sum t(t-1)(2t+5) over x's tie groups */
	double ytie, y0, y1; /* the same for y */
} ml_kendall;

/* Fills c; work holds 4n vpairs. */
void ml_stats_kendall(int64_t n, const double *x, const double *y, ml_kendall *c, struct vpair *work);

/* Moments of x[0], x[stride], ... (n > 0 values): out[0] = the mean m (as
 * rounded), out[1] = r, the mean of x - m (its rounding offset), out[2..4] =
 * sums of d^2, d^3, d^4 with d = (x - m) - r; all sums compensated
 * (Neumaier), so a large common offset costs no digits. */
void ml_stats_moments(int64_t n, const double *x, int64_t stride, double *out);

/* P(D >= d) for the two-sided two-sample KS statistic with sample sizes m, n
 * under the null (exact, by counting lattice paths, as scipy's
 * _compute_prob_outside_square); d given as the integer h = round(d * lcm)
 * scaled by lcm(m, n).  one_sided: P(D+ >= d) instead.  work holds n + 1
 * doubles.  Returns NaN when the count overflows. */
double ml_stats_ks2_exact(int64_t m, int64_t n, int64_t h, int one_sided, double *work);

/* One-sided Smirnov survival function P(D+_n >= d), exact (Birnbaum-Tingey
 * sum in logarithms). */
double ml_stats_smirnov(int64_t n, double d);

/* Two-sided one-sample Kolmogorov-Smirnov survival function P(D_n >= d),
 * following scipy's kolmogn choices: Ruben-Gambino ends, Durbin's matrix
 * (Marsaglia-Tsang-Wang) in the body, 2 * smirnov in the tail, and above
 * n = 140 Pelz and Good's approximation where the matrix would be big.
 * Returns NaN when out of memory. */
double ml_stats_kolmogn_sf(int64_t n, double d);

/* The limiting Kolmogorov survival function P(K >= x) (scipy's kolmogorov). */
double ml_stats_kolmogorov_sf(double x);

#endif
