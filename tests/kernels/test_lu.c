/*
 * test_lu.c - kernels/lu.c against LAPACK's own getrf (LAPACKE, reference
 * pivoting) and against the identity P A = L U computed in long double.
 * Square, tall and wide shapes on both sides of every split of the
 * recursion; Float and Double; padded leading dimensions (the padding must
 * stay untouched); exactly singular matrices (info must be LAPACK's); ties
 * between pivot candidates (a product L0 U0 built so that every column holds
 * several entries of the pivot's magnitude and elimination is exact: the
 * first of them must win, and the factors must be L0 and U0 exactly); a
 * subnormal pivot (divided by, not inverted: OpenBLAS's getrf inverts it and
 * returns inf and NaN for such a nonsingular matrix, so there the check is
 * finite factors and the reconstruction, not agreement with LAPACK).
 */
#include <float.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lu.h"

typedef struct rng {
	uint64_t s; /* xorshift64 state */
} rng;

static double uniform(rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (double)(r->s >> 11) / 9007199254740992.0 * 2 - 1;
}

enum { RANDOM, TIES, ZERO_COL, ZERO_ROWS, TINY };
static const char *const kind_name[] = {"random", "ties", "zero column", "zero rows", "subnormal"};

#define PAD 3
#define PAD_VALUE 12345.0

/* Small integers: -3..3 (nonzero when `nonzero`). */
static double small_int(rng *r, int nonzero)
{
	int v = (int)((uniform(r) + 1) * 3.5) - 3;
	return nonzero && v == 0 ? 1 : v;
}

/* (m, n) column-major with leading dimension m + PAD, padding set to
 * PAD_VALUE.  `at` says where the zero column or first zero row goes; the
 * subnormal kind scales column 0 by 1e-310.  TIES: L0 (m, min) unit lower
 * with entries -1, 0, 1 below the diagonal, U0 (min, n) upper with small
 * integers (nonzero diagonal), a = L0 U0 in exact arithmetic; *l0 and *u0
 * (when not NULL) get L0 and U0 packed as one (m, n) matrix with ld m + PAD. */
static double *make(int64_t m, int64_t n, int kind, int64_t at, rng *r, double **lu0)
{
	int64_t ld = m + PAD, mn = m < n ? m : n;
	double *a = malloc(sizeof(double) * (size_t)(ld * n));
	if (kind == TIES) {
		double *f = malloc(sizeof(double) * (size_t)(ld * n));
		for (int64_t j = 0; j < n; j++)
			for (int64_t i = 0; i < ld; i++) {
				double v = 0;
				if (i < m && i > j && j < mn)
					v = (double)((int)((uniform(r) + 1) * 1.5) - 1); /* L0: -1, 0, 1 */
				else if (i < m && i <= j)
					v = small_int(r, i == j);
				f[i + j * ld] = i < m ? v : PAD_VALUE;
			}
		for (int64_t j = 0; j < n; j++)
			for (int64_t i = 0; i < ld; i++) {
				double s = 0;
				for (int64_t k = 0; i < m && k <= (i < j ? i : j) && k < mn; k++)
					s += (k == i ? 1 : f[i + k * ld]) * f[k + j * ld];
				a[i + j * ld] = i < m ? s : PAD_VALUE;
			}
		*lu0 = f;
		return a;
	}
	for (int64_t j = 0; j < n; j++)
		for (int64_t i = 0; i < ld; i++) {
			double v = uniform(r);
			if (kind == ZERO_COL && j == at)
				v = 0;
			else if (kind == ZERO_ROWS && i >= at)
				v = 0;
			else if (kind == TINY && j == 0)
				v *= 1e-310;
			a[i + j * ld] = i < m ? v : PAD_VALUE;
		}
	return a;
}

/* max |(P A - L U)(i, j)| / (max |A| * max(m, n)), in long double. */
static double reconstruction(int64_t m, int64_t n, const double *a, int64_t lda, const double *f,
                             int64_t ldf, const int32_t *ipiv)
{
	int64_t mn = m < n ? m : n;
	int64_t *row = malloc(sizeof(int64_t) * (size_t)m);
	for (int64_t i = 0; i < m; i++)
		row[i] = i;
	for (int64_t i = 0; i < mn; i++) {
		int64_t p = ipiv[i] - 1, t = row[i];
		row[i] = row[p];
		row[p] = t;
	}
	long double worst = 0, amax = 0;
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < n; j++) {
			long double s = 0;
			for (int64_t k = 0; k <= (i < j ? i : j) && k < mn; k++) {
				long double l = k == i ? 1 : f[i + k * ldf];
				s += l * f[k + j * ldf];
			}
			long double d = fabsl(s - a[row[i] + j * lda]);
			worst = d > worst ? d : worst;
			amax = fabsl(a[i + j * lda]) > amax ? fabsl(a[i + j * lda]) : amax;
		}
	free(row);
	return amax > 0 ? (double)(worst / amax / (long double)(m > n ? m : n)) : (double)worst;
}

static void run(ml_dtype dt, int64_t m, int64_t n, int kind, int64_t at, rng *r)
{
	int64_t ld = m + PAD, mn = m < n ? m : n;
	double *lu0 = NULL;
	double *a = make(m, n, kind, at, r, &lu0);
	size_t cells = (size_t)(ld * n);
	double *ours = malloc(sizeof(double) * cells), *ref = malloc(sizeof(double) * cells);
	int32_t *pv = malloc(sizeof(int32_t) * (size_t)(mn + 1));
	lapack_int *pr = malloc(sizeof(lapack_int) * (size_t)(mn + 1));
	int64_t info;
	lapack_int rinfo;
	if (dt == ML_DOUBLE) {
		memcpy(ours, a, sizeof(double) * cells);
		memcpy(ref, a, sizeof(double) * cells);
		info = ml_lu_factor(dt, m, n, ours, ld, pv);
		rinfo = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, ref,
		                            (lapack_int)ld, pr);
	} else {
		float *fo = malloc(sizeof(float) * cells), *fr = malloc(sizeof(float) * cells);
		for (size_t i = 0; i < cells; i++)
			fo[i] = fr[i] = (float)a[i];
		for (size_t i = 0; i < cells; i++) /* the matrix as the factorisation sees it */
			a[i] = fo[i];
		info = ml_lu_factor(dt, m, n, fo, ld, pv);
		rinfo = LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, fr,
		                            (lapack_int)ld, pr);
		for (size_t i = 0; i < cells; i++) {
			ours[i] = fo[i];
			ref[i] = fr[i];
		}
		free(fo);
		free(fr);
	}
	const char *dn = dt == ML_DOUBLE ? "Double" : "Float";
	double eps = dt == ML_DOUBLE ? DBL_EPSILON : FLT_EPSILON;
	CHECK(info == rinfo, "%s %s %lldx%lld (at %lld): info %lld, LAPACK %d", dn, kind_name[kind],
	      (long long)m, (long long)n, (long long)at, (long long)info, (int)rinfo);
	int same = 1;
	for (int64_t i = 0; i < mn; i++)
		same &= pv[i] == pr[i];
	/* Well-separated random pivots (seeded: the same every run) and exact
	 * ties give LAPACK's pivots; a near-tie could in principle round either
	 * way, which is why the order of the arithmetic is not asserted. */
	if (kind == TINY) {
		int finite = 1;
		for (int64_t j = 0; j < n; j++)
			for (int64_t i = 0; i < m; i++)
				finite &= isfinite(ours[i + j * ld]);
		CHECK(finite, "%s subnormal %lldx%lld: the factors are not finite", dn, (long long)m, (long long)n);
		same = 1;
		memcpy(ref, ours, sizeof(double) * cells);
	}
	CHECK(same, "%s %s %lldx%lld: pivots differ from LAPACK's", dn, kind_name[kind], (long long)m,
	      (long long)n);
	double worst = 0, fmaxv = 0;
	for (int64_t j = 0; j < n; j++)
		for (int64_t i = 0; i < m; i++) {
			worst = fmax(worst, fabs(ours[i + j * ld] - ref[i + j * ld]));
			fmaxv = fmax(fmaxv, fabs(ref[i + j * ld]));
		}
	double rel = fmaxv > 0 ? worst / fmaxv : worst;
	double tol = 64 * eps * (double)(m > n ? m : n);
	CHECK(rel <= tol, "%s %s %lldx%lld: factors differ from LAPACK's by %g", dn, kind_name[kind],
	      (long long)m, (long long)n, rel);
	if (kind == TIES) {
		double off = 0;
		int identity = 1;
		for (int64_t j = 0; j < n; j++)
			for (int64_t i = 0; i < m; i++)
				off = fmax(off, fabs(ours[i + j * ld] - lu0[i + j * ld]));
		for (int64_t i = 0; i < mn; i++)
			identity &= pv[i] == i + 1;
		CHECK(off == 0 && identity, "%s ties %lldx%lld: factors differ from L0 U0 by %g (pivots %s)", dn,
		      (long long)m, (long long)n, off, identity ? "kept" : "moved");
	}
	double rec = reconstruction(m, n, a, ld, ours, ld, pv);
	CHECK(rec <= 16 * eps, "%s %s %lldx%lld: P A - L U is %g (relative)", dn, kind_name[kind],
	      (long long)m, (long long)n, rec);
	int pad_ok = 1;
	for (int64_t j = 0; j < n; j++)
		for (int64_t i = m; i < ld; i++)
			pad_ok &= ours[i + j * ld] == (dt == ML_DOUBLE ? PAD_VALUE : (float)PAD_VALUE);
	CHECK(pad_ok, "%s %s %lldx%lld: the padding below the matrix was written", dn, kind_name[kind],
	      (long long)m, (long long)n);
	free(a);
	free(lu0);
	free(ours);
	free(ref);
	free(pv);
	free(pr);
}

static const int64_t shapes[][2] = {
	{1, 1},     {2, 2},     {3, 3},     {8, 8},     {9, 9},     {16, 16},   {17, 17},
	{63, 63},   {64, 64},   {65, 65},   {127, 127}, {128, 128}, {129, 129}, {200, 200},
	{300, 300}, {500, 37},  {300, 129}, {1000, 9},  {40, 8},    {7, 1},     {37, 500},
	{9, 100},   {1, 7},     {129, 300}, {8, 40},    {100, 99},  {99, 100},
};

int main(void)
{
	rng r = {0x9E3779B97F4A7C15ull};
	ml_dtype dts[] = {ML_DOUBLE, ML_FLOAT};
	for (int d = 0; d < 2; d++)
		for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
			run(dts[d], shapes[s][0], shapes[s][1], RANDOM, 0, &r);
			run(dts[d], shapes[s][0], shapes[s][1], TIES, 0, &r);
		}
	/* exact zero pivots, early, at panel and split boundaries, late */
	const int64_t cols[] = {0, 5, 7, 8, 9, 40, 99, 100, 130, 199};
	for (int d = 0; d < 2; d++)
		for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
			run(dts[d], 200, 200, ZERO_COL, cols[c], &r);
			run(dts[d], 200, 200, ZERO_ROWS, cols[c] + 1, &r);
		}
	run(ML_DOUBLE, 150, 150, ZERO_COL, 150 - 1, &r);
	run(ML_DOUBLE, 300, 120, ZERO_COL, 64, &r);
	run(ML_DOUBLE, 120, 300, ZERO_ROWS, 70, &r);
	/* a first column below the smallest normal number: 1/pivot would be inf */
	run(ML_DOUBLE, 70, 70, TINY, 0, &r);
	run(ML_DOUBLE, 9, 9, TINY, 0, &r);

	double one = 1;
	int32_t p = 0;
	CHECK(ml_lu_factor(ML_LONG, 1, 1, &one, 1, &p) == -1, "Long is refused");
	CHECK(ml_lu_factor(ML_DOUBLE, 0, 5, &one, 1, &p) == 0 && one == 1, "an empty matrix is a no-op");
	return check_done();
}
