/*
 * math_vec.c - moonlab's own vectorizable exp, and sigmoid built on it, for
 * contiguous Double and Float arrays (see math.h for the contract).
 *
 * exp(x) = 2^k * e^r with k = round(x / ln2) and r = x - k*ln2 (ln2 split in a
 * high part that makes k*ln2_hi exact and a low part), |r| <= ln2/2.  e^r is a
 * degree-11 polynomial: the interpolant of e^r at 12 Chebyshev nodes of
 * [-0.3466, 0.3466], within 0.04 ulp of e^r (tests/fixtures/math_exp_poly.py
 * computes it).  k is read from the low bits of x/ln2 + 1.5*2^52 and added to
 * the exponent field of the polynomial's value, so the loop has no branches and
 * no integer conversions, which lets GCC vectorize it.  That fast formula holds
 * while the result is a normal number (|x| <= 708); each block of inputs also
 * records whether some element is outside that range (or NaN), and those
 * elements are then recomputed by the scalar full-range version, which clamps
 * x and applies 2^k in two steps so that overflow gives inf and underflow
 * rounds once into the subnormals.
 *
 * The loop is compiled three times: for AVX-512F and for AVX2+FMA through GCC
 * target attributes (chosen at run time by CPUID), and for the baseline
 * instruction set without FMA.  Results may differ by one ulp between levels.
 *
 * This file does not do strided layouts, threads or streaming stores: math.c
 * feeds it contiguous runs (gathering strided ones into a buffer) from
 * ml_apply.  It never uses -ffast-math semantics.
 */
#include <math.h>
#include <string.h>

#include "math.h"

#if defined(__GNUC__) && defined(__x86_64__)
#define ML_X86 1
#endif

#define BLOCK 512                 /* elements computed per step */
#define AHEAD 512                 /* elements prefetched ahead of the block */
#define FAST_LIMIT 708.0          /* |x| <= this: the fast formula's result is normal */

static const double SHIFT = 0x1.8p52;               /* x + SHIFT rounds x to an integer in the low bits */
static const double INV_LN2 = 0x1.71547652b82fep0;  /* 1/ln2 */
static const double LN2_HI = 0x1.62e42feep-1;       /* ln2, 32 significant bits: k*LN2_HI is exact */
static const double LN2_LO = 0x1.a39ef35793c76p-33; /* ln2 - LN2_HI */

static inline uint64_t bits_of(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	return u;
}

static inline double double_of(uint64_t u)
{
	double x;
	memcpy(&x, &u, sizeof x);
	return x;
}

/* a*b + c, fused when `fused` (a compile-time constant after inlining). */
__attribute__((always_inline)) static inline double mad(double a, double b, double c, const int fused)
{
	return fused ? __builtin_fma(a, b, c) : a * b + c;
}

/* Top bit set when |x| > FAST_LIMIT or x is NaN.  Integer arithmetic on the
 * bits, because comparisons of doubles keep GCC from vectorizing the loop on
 * the baseline instruction set. */
static inline uint64_t out_of_range(double x)
{
	return bits_of(FAST_LIMIT) - (bits_of(x) & 0x7fffffffffffffff);
}

/* e^r for |r| <= 0.3466. */
__attribute__((always_inline)) static inline double exp_poly(double r, const int fused)
{
	double p = 0x1.af6326f3df789p-26;
	p = mad(p, r, 0x1.28b40d95cf927p-22, fused);
	p = mad(p, r, 0x1.71ddf56f3c074p-19, fused);
	p = mad(p, r, 0x1.a01991a3c8c2ep-16, fused);
	p = mad(p, r, 0x1.a01a01b1457b9p-13, fused);
	p = mad(p, r, 0x1.6c16c187ff24ap-10, fused);
	p = mad(p, r, 0x1.111111110f220p-7, fused);
	p = mad(p, r, 0x1.555555554f0bfp-5, fused);
	p = mad(p, r, 0x1.555555555555ap-3, fused);
	p = mad(p, r, 0x1.0000000000011p-1, fused);
	p = mad(p, r, 1.0, fused);
	return mad(p, r, 1.0, fused);
}

/* e^x for |x| <= FAST_LIMIT (garbage outside; callers check). */
__attribute__((always_inline)) static inline double exp_fast(double x, const int fused)
{
	double kd = mad(x, INV_LN2, SHIFT, fused);
	uint64_t ki = bits_of(kd); /* k in the low bits */
	kd -= SHIFT;
	double r = mad(-kd, LN2_HI, x, fused);
	r = mad(-kd, LN2_LO, r, fused);
	/* shifting out everything above k's low 12 bits leaves k << 52, which adds
	 * k to the exponent of e^r in [0.7, 1.42] */
	return double_of(bits_of(exp_poly(r, fused)) + (ki << 52));
}

/* e^x over the whole double range, one element at a time. */
static double exp_full(double x)
{
	if (x != x)
		return x + x;
	if (x > 710.0) /* e^710 overflows; clamping keeps k small */
		x = 710.0;
	if (x < -746.0) /* e^-746 rounds to 0 */
		x = -746.0;
	double kd = x * INV_LN2 + SHIFT;
	uint64_t ki = bits_of(kd);
	kd -= SHIFT;
	double r = (x - kd * LN2_HI) - kd * LN2_LO;
	/* k + 2048 >= 0; split k = k1 + k2 with both halves normal exponents */
	uint64_t kb = ((ki << 52) >> 52) ^ 2048; /* low 12 bits of k, offset to 0..4095 */
	uint64_t k1 = kb >> 1, k2 = kb - k1;     /* each in 0..2048, i.e. k/2 + 1024 */
	double s1 = double_of((k1 - 1024 + 1023) << 52);
	double s2 = double_of((k2 - 1024 + 1023) << 52);
	return exp_poly(r, 0) * s1 * s2;
}

static double sigmoid_full(double x)
{
	if (x < -FAST_LIMIT) /* 1 + e^x == 1: sigmoid is e^x, possibly subnormal */
		return exp_full(x);
	return 1.0 / (1.0 + exp_full(-x));
}

/* ---- one block of at most BLOCK elements, fast formula; returns nonzero
 * when an input needs the full-range version ---- */

__attribute__((always_inline)) static inline int block_f64(ml_vec_fn f, int64_t n, double *out,
                                                            const double *in, const int fused)
{
	uint64_t bad = 0;
	if (f == ML_VEC_EXP) {
#pragma omp simd reduction(| : bad)
		for (int64_t i = 0; i < n; i++) {
			double x = in[i];
			out[i] = exp_fast(x, fused);
			bad |= out_of_range(x);
		}
	} else {
#pragma omp simd reduction(| : bad)
		for (int64_t i = 0; i < n; i++) {
			double x = in[i];
			out[i] = 1.0 / (1.0 + exp_fast(-x, fused));
			bad |= out_of_range(x);
		}
	}
	return (bad >> 63) != 0;
}

__attribute__((always_inline)) static inline int block_f32(ml_vec_fn f, int64_t n, float *out,
                                                            const float *in, const int fused)
{
	uint64_t bad = 0;
	if (f == ML_VEC_EXP) {
#pragma omp simd reduction(| : bad)
		for (int64_t i = 0; i < n; i++) {
			double x = in[i];
			out[i] = (float)exp_fast(x, fused);
			bad |= out_of_range(x);
		}
	} else {
#pragma omp simd reduction(| : bad)
		for (int64_t i = 0; i < n; i++) {
			double x = in[i];
			out[i] = (float)(1.0 / (1.0 + exp_fast(-x, fused)));
			bad |= out_of_range(x);
		}
	}
	return (bad >> 63) != 0;
}

static int block_f64_base(ml_vec_fn f, int64_t n, double *out, const double *in)
{
	return block_f64(f, n, out, in, 0);
}

static int block_f32_base(ml_vec_fn f, int64_t n, float *out, const float *in)
{
	return block_f32(f, n, out, in, 0);
}

#ifdef ML_X86
__attribute__((target("avx2,fma"))) static int block_f64_avx2(ml_vec_fn f, int64_t n, double *out,
                                                              const double *in)
{
	return block_f64(f, n, out, in, 1);
}

__attribute__((target("avx2,fma"))) static int block_f32_avx2(ml_vec_fn f, int64_t n, float *out,
                                                              const float *in)
{
	return block_f32(f, n, out, in, 1);
}

__attribute__((target("avx512f"))) static int block_f64_avx512(ml_vec_fn f, int64_t n, double *out,
                                                               const double *in)
{
	return block_f64(f, n, out, in, 1);
}

__attribute__((target("avx512f"))) static int block_f32_avx512(ml_vec_fn f, int64_t n, float *out,
                                                               const float *in)
{
	return block_f32(f, n, out, in, 1);
}
#endif

int ml_math_simd_level(void)
{
#ifdef ML_X86
	if (__builtin_cpu_supports("avx512f"))
		return ML_SIMD_AVX512;
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		return ML_SIMD_AVX2;
#endif
	return ML_SIMD_BASE;
}

typedef int (*block64_fn)(ml_vec_fn, int64_t, double *, const double *);
typedef int (*block32_fn)(ml_vec_fn, int64_t, float *, const float *);

/* Picks the block functions for `level` (ML_SIMD_AUTO: the best available). */
static int pick(int level, block64_fn *b64, block32_fn *b32)
{
	int have = ml_math_simd_level();
	if (level == ML_SIMD_AUTO)
		level = have;
	if (level < ML_SIMD_BASE || level > have)
		return ML_EINVAL;
	*b64 = block_f64_base;
	*b32 = block_f32_base;
#ifdef ML_X86
	if (level == ML_SIMD_AVX2) {
		*b64 = block_f64_avx2;
		*b32 = block_f32_avx2;
	} else if (level == ML_SIMD_AVX512) {
		*b64 = block_f64_avx512;
		*b32 = block_f32_avx512;
	}
#endif
	return ML_OK;
}

/* Each block is computed straight into out, or into a buffer when out is the
 * input (the fix-up pass needs the inputs). */
int ml_math_vec_f64(ml_vec_fn f, int level, int64_t n, double *out, const double *in)
{
	block64_fn block;
	block32_fn unused;
	if (pick(level, &block, &unused))
		return ML_EINVAL;
	double buf[BLOCK];
	for (int64_t at = 0; at < n; at += BLOCK) {
		int64_t m = n - at < BLOCK ? n - at : BLOCK;
		const double *x = in + at;
		double *y = out == in ? buf : out + at;
		/* the loads then overlap the arithmetic (5-15% on 10M elements) */
		for (int64_t j = 0; j < BLOCK; j += 64 / (int64_t)sizeof *x)
			__builtin_prefetch(x + AHEAD + j);
		if (block(f, m, y, x)) {
			for (int64_t i = 0; i < m; i++)
				if (!(fabs(x[i]) <= FAST_LIMIT))
					y[i] = f == ML_VEC_EXP ? exp_full(x[i]) : sigmoid_full(x[i]);
		}
		if (y == buf)
			memcpy(out + at, buf, (size_t)m * sizeof *buf);
	}
	return ML_OK;
}

int ml_math_vec_f32(ml_vec_fn f, int level, int64_t n, float *out, const float *in)
{
	block64_fn unused;
	block32_fn block;
	if (pick(level, &unused, &block))
		return ML_EINVAL;
	float buf[BLOCK];
	for (int64_t at = 0; at < n; at += BLOCK) {
		int64_t m = n - at < BLOCK ? n - at : BLOCK;
		const float *x = in + at;
		float *y = out == in ? buf : out + at;
		for (int64_t j = 0; j < BLOCK; j += 64 / (int64_t)sizeof *x)
			__builtin_prefetch(x + AHEAD + j);
		if (block(f, m, y, x)) {
			for (int64_t i = 0; i < m; i++)
				if (!(fabs((double)x[i]) <= FAST_LIMIT))
					y[i] = (float)(f == ML_VEC_EXP ? exp_full(x[i]) : sigmoid_full(x[i]));
		}
		if (y == buf)
			memcpy(out + at, buf, (size_t)m * sizeof *buf);
	}
	return ML_OK;
}
