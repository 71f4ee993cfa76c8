/*
 * lu.c - LU factorisation with partial pivoting (lu.h has the contract).
 *
 * Why not only LAPACK's getrf: OpenBLAS's threaded dgetrf reaches 55 GFLOPS
 * on a 1000x1000 matrix on 2 cores, where its GEMM reaches 169.  This file
 * uses the recursive algorithm instead (Toledo 1997; LAPACK's getrf2 has
 * the same shape): split the columns in two halves, factor the left half,
 * apply its interchanges to the right half, solve its top with the unit
 * lower triangle, subtract one GEMM from the rest, factor that, and apply
 * the second half's interchanges to the left.  Most of the flops are then
 * large GEMMs, which OpenBLAS threads well; the triangular solves are split
 * the same way down to TRSM_LEAF rows, because OpenBLAS's TRSM runs at a
 * third of its GEMM's speed.  Measured against dgetrf on the same Double
 * matrices: 1.05x at 250 rows, 1.2x from 600 to 1000, 1.0x at 1300, 0.9x at
 * 3000 (the row interchanges and panels here are serial and bound by
 * memory; OpenBLAS overlaps them with the updates).  Float: 0.7x to 1.0x
 * (its faster GEMM leaves the serial parts a bigger share).  lapack.c
 * chooses between the two.
 *
 * A pivot below the smallest normal number is divided by, as reference
 * LAPACK's getf2 does; OpenBLAS multiplies by its reciprocal, which
 * overflows.
 *
 * The pivots are LAPACK's: the first entry of largest magnitude in each
 * column.  The arithmetic is ordered differently from getrf's, so factors
 * agree with it to rounding, not bit for bit.
 *
 * Not here: solving with the factors (LAPACK's getrs does it in lapack.c),
 * other dtypes than Float and Double, threading beyond OpenBLAS's.
 */
#include <float.h>
#include <math.h>

#include "blas.h"
#include "lu.h"

/* Columns factored by the unblocked loop; the recursion stops there. */
#define PANEL_WIDTH 8
/* Rows below which a triangular solve is left to BLAS's TRSM. */
#define TRSM_LEAF 64

/* Unblocked right-looking factorisation of an (m, n) panel: for each column,
 * pick the first entry of largest magnitude on or below the diagonal, swap it
 * into place across the panel, scale the column below it and update the
 * panel's later columns.  Pivots are 0-based rows of the panel.  A pivot
 * tinier than the smallest normal number is divided by rather than inverted,
 * as LAPACK's getf2 does, so that 1/pivot cannot overflow. */
#define PANEL(name, T, ABS, TINY)                                                              \
	static int64_t name(int64_t m, int64_t n, T *restrict a, int64_t ld, int32_t *restrict ipiv) \
	{                                                                                          \
		int64_t info = 0;                                                                      \
		for (int64_t j = 0; j < n && j < m; j++) {                                             \
			T *c = a + j * ld; /* aliases a: the row swap writes its column too */              \
			int64_t p = j;                                                                     \
			T best = ABS(c[j]);                                                                \
			for (int64_t i = j + 1; i < m; i++)                                                \
				if (ABS(c[i]) > best) {                                                        \
					best = ABS(c[i]);                                                          \
					p = i;                                                                     \
				}                                                                              \
			ipiv[j] = (int32_t)p;                                                              \
			if (c[p] != 0) {                                                                   \
				for (int64_t k = 0; k < n && p != j; k++) {                                    \
					T t = a[k * ld + j];                                                       \
					a[k * ld + j] = a[k * ld + p];                                             \
					a[k * ld + p] = t;                                                         \
				}                                                                              \
				T piv = c[j];                                                                  \
				if (ABS(piv) >= TINY) {                                                        \
					T r = 1 / piv;                                                             \
					for (int64_t i = j + 1; i < m; i++)                                        \
						c[i] *= r;                                                             \
				} else {                                                                       \
					for (int64_t i = j + 1; i < m; i++)                                        \
						c[i] /= piv;                                                           \
				}                                                                              \
			} else if (!info) {                                                                \
				info = j + 1;                                                                  \
			}                                                                                  \
			for (int64_t k = j + 1; k < n; k++) {                                              \
				T *restrict d = a + k * ld;                                                    \
				T f = d[j];                                                                    \
				_Pragma("omp simd") for (int64_t i = j + 1; i < m; i++) d[i] -= f * c[i];     \
			}                                                                                  \
		}                                                                                      \
		return info;                                                                           \
	}
PANEL(panel_f64, double, fabs, DBL_MIN)
PANEL(panel_f32, float, fabsf, FLT_MIN)

/* Applies the interchanges ipiv[k0..k1) (0-based rows), in that order, to
 * the n columns at a; column by column, so each column stays in cache. */
#define SWAPS(name, T)                                                                        \
	static void name(int64_t n, T *restrict a, int64_t ld, int64_t k0, int64_t k1,            \
	                 const int32_t *restrict ipiv)                                            \
	{                                                                                         \
		for (int64_t j = 0; j < n; j++) {                                                     \
			T *restrict c = a + j * ld;                                                       \
			for (int64_t i = k0; i < k1; i++) {                                               \
				T t = c[i];                                                                   \
				c[i] = c[ipiv[i]];                                                            \
				c[ipiv[i]] = t;                                                               \
			}                                                                                 \
		}                                                                                     \
	}
SWAPS(swaps_f64, double)
SWAPS(swaps_f32, float)

static void swaps(ml_dtype dt, int64_t n, char *a, int64_t ld, int64_t k0, int64_t k1,
                  const int32_t *ipiv)
{
	if (dt == ML_FLOAT)
		swaps_f32(n, (float *)(void *)a, ld, k0, k1, ipiv);
	else
		swaps_f64(n, (double *)(void *)a, ld, k0, k1, ipiv);
}

/* Where to split n columns (or rows) in two: halves, rounded down to a
 * multiple of 16 once they are large, so that the GEMMs' blocks line up. */
static int64_t half(int64_t n)
{
	int64_t h = n / 2;
	return h >= 64 ? h / 16 * 16 : h;
}

/* b (m, n) = L^-1 b for the unit lower triangle L of l (m, m), split in
 * halves: two smaller solves and one GEMM. */
static void solve_lower(ml_dtype dt, size_t es, int64_t m, int64_t n, const char *l, int64_t ld,
                        char *b, int64_t ldb)
{
	if (m <= TRSM_LEAF) {
		ml_blas_trsm_unit_lower_cm(dt, m, n, l, ld, b, ldb);
		return;
	}
	int64_t h = half(m);
	solve_lower(dt, es, h, n, l, ld, b, ldb);
	ml_blas_gemm_sub_cm(dt, m - h, n, h, l + (size_t)h * es, ld, b, ldb, b + (size_t)h * es, ldb);
	solve_lower(dt, es, m - h, n, l + (size_t)(h + h * ld) * es, ld, b + (size_t)h * es, ldb);
}

/* The recursion on the (m, n) matrix at a; pivots 0-based, relative to a. */
static int64_t factor(ml_dtype dt, size_t es, int64_t m, int64_t n, char *a, int64_t ld,
                      int32_t *ipiv)
{
	int64_t mn = m < n ? m : n;
	if (mn <= PANEL_WIDTH)
		return dt == ML_FLOAT ? panel_f32(m, n, (float *)(void *)a, ld, ipiv)
		                      : panel_f64(m, n, (double *)(void *)a, ld, ipiv);
	int64_t n1 = half(mn), n2 = n - n1;
	char *a12 = a + (size_t)(n1 * ld) * es, *a21 = a + (size_t)n1 * es;
	char *a22 = a12 + (size_t)n1 * es;
	int64_t info = factor(dt, es, m, n1, a, ld, ipiv);
	swaps(dt, n2, a12, ld, 0, n1, ipiv);
	solve_lower(dt, es, n1, n2, a, ld, a12, ld);
	ml_blas_gemm_sub_cm(dt, m - n1, n2, n1, a21, ld, a12, ld, a22, ld);
	int64_t info2 = factor(dt, es, m - n1, n2, a22, ld, ipiv + n1);
	if (info2 && !info)
		info = info2 + n1;
	for (int64_t i = n1; i < mn; i++)
		ipiv[i] += (int32_t)n1;
	swaps(dt, n1, a, ld, n1, mn, ipiv);
	return info;
}

int64_t ml_lu_factor(ml_dtype dt, int64_t m, int64_t n, void *a, int64_t ld, int32_t *ipiv)
{
	if (dt != ML_FLOAT && dt != ML_DOUBLE)
		return -1;
	if (m <= 0 || n <= 0)
		return 0;
	int64_t info = factor(dt, ml_dtype_info[dt].size, m, n, a, ld, ipiv);
	int64_t mn = m < n ? m : n;
	for (int64_t i = 0; i < mn; i++)
		ipiv[i] += 1;
	return info;
}
