/*
 * math.h - element-wise maths on tensors of every dtype: unary functions,
 * binary operators with numpy broadcasting, comparisons, and the fused forms
 * of Torch7 (add with a factor, addcmul, addcdiv, lerp, clamp).
 *
 * Every function writes into a result tensor `res` that the caller owns: res
 * is resized to the broadcast shape of the inputs unless it already has that
 * shape (then its strides are kept, so in-place updates of views work).  The
 * arithmetic happens in res's dtype: inputs of another dtype are converted
 * first (Torch7 names the first tensor operand's dtype as the result dtype;
 * the binding creates res accordingly).  res may be one of the inputs (in
 * place); inputs that partly overlap res are copied before the walk.  Integer
 * dtypes use C integer arithmetic wrapping modulo 2^bits, integer division
 * truncates, and x/0 or x%0 give 0 (numpy's value) instead of trapping.
 *
 * Transcendental functions, cinv, rounding, atan2 and lerp accept Float and
 * Double only; the bitwise and/or/xor accept integer dtypes only; the rest
 * accept every dtype.  Any strides are accepted; the
 * contiguous case has vectorized fast paths, and large tensors are split over
 * OpenMP threads by ml_apply.  This module does no reductions (see reduce.c)
 * and no matrix products (see blas.c).
 *
 * Errors: ML_ESHAPE when shapes do not broadcast (the message names both
 * shapes), ML_ETYPE when an op does not accept the dtype, ML_ENOMEM.  Messages
 * start with `who` ("torch.add"), or with "math.<op>" when who is NULL.
 */
/* This header shares its name with the C library's <math.h>.  Builds that put
 * kernels/ on the include path (the C tests do) find this file for
 * `#include <math.h>`, so it first passes that request on to the system
 * header; for everyone else this line includes <math.h> as usual. */
#include_next <math.h>

#ifndef ML_MATH_H
#define ML_MATH_H

#include "tensor.h"

typedef enum ml_unary_op {
	ML_ABS, ML_SIGN, ML_NEG,                          /* every dtype */
	ML_EXP, ML_LOG, ML_LOG1P, ML_SQRT, ML_RSQRT,      /* Float and Double only from here */
	ML_SIN, ML_COS, ML_TAN, ML_ASIN, ML_ACOS, ML_ATAN,
	ML_SINH, ML_COSH, ML_TANH, ML_SIGMOID,
	ML_FLOOR, ML_CEIL, ML_ROUND, ML_TRUNC, ML_FRAC, ML_CINV,
	ML_NUNARY
} ml_unary_op;

typedef enum ml_binary_op {
	ML_ADD, ML_SUB, ML_MUL, ML_DIV,   /* DIV truncates on integers */
	ML_POW,                           /* integers: repeated product; x^-n is 1/x^n truncated */
	ML_ATAN2,                         /* atan2(x, y), Float and Double only */
	ML_FMOD,                          /* C fmod: the sign of the dividend */
	ML_REMAINDER,                     /* numpy's %: the sign of the divisor */
	ML_MAX, ML_MIN,                   /* NaN wins, as in numpy.maximum */
	ML_LSHIFT, ML_RSHIFT,             /* integers: shifts (x >> y keeps the sign; counts past
	                                   * the width give 0, or -1 for x < 0 >> y); floats:
	                                   * x * 2^y and x / 2^y as in Torch7 */
	ML_BITAND, ML_BITOR, ML_BITXOR,   /* integer dtypes only */
	ML_NBINARY
} ml_binary_op;

typedef enum ml_compare_op {
	ML_LT, ML_LE, ML_GT, ML_GE, ML_EQ, ML_NE,
	ML_NCOMPARE
} ml_compare_op;

/* Name of an op as Torch7 spells it ("exp", "add", "lt"). */
const char *ml_math_unary_name(ml_unary_op op);
const char *ml_math_binary_name(ml_binary_op op);
const char *ml_math_compare_name(ml_compare_op op);

/* res = op(x), element-wise; res gets x's shape.  ML_ETYPE naming op and
 * dtype when op is not defined for res's dtype. */
int ml_math_unary(const char *who, ml_unary_op op, ml_tensor *res, const ml_tensor *x,
                  ml_error *e);

/* res = x op y with numpy broadcasting of x and y. */
int ml_math_binary(const char *who, ml_binary_op op, ml_tensor *res, const ml_tensor *x,
                   const ml_tensor *y, ml_error *e);
/* res = x op s (tensor op scalar). */
int ml_math_binary_ts(const char *who, ml_binary_op op, ml_tensor *res, const ml_tensor *x,
                      ml_scalar s, ml_error *e);
/* res = s op x (scalar op tensor: 2 - x, 2 / x, 2 ^ x). */
int ml_math_binary_st(const char *who, ml_binary_op op, ml_tensor *res, ml_scalar s,
                      const ml_tensor *x, ml_error *e);

/* res = x + v * y, broadcast (Torch7's add(x, value, y); csub passes -v). */
int ml_math_add_scaled(const char *who, ml_tensor *res, const ml_tensor *x, ml_scalar v,
                       const ml_tensor *y, ml_error *e);
/* res = x + v * t1 * t2 and res = x + v * t1 / t2, broadcast over x, t1, t2. */
int ml_math_addcmul(const char *who, ml_tensor *res, const ml_tensor *x, ml_scalar v,
                    const ml_tensor *t1, const ml_tensor *t2, ml_error *e);
int ml_math_addcdiv(const char *who, ml_tensor *res, const ml_tensor *x, ml_scalar v,
                    const ml_tensor *t1, const ml_tensor *t2, ml_error *e);
/* res = a + w * (b - a), broadcast; Float and Double only. */
int ml_math_lerp(const char *who, ml_tensor *res, const ml_tensor *a, const ml_tensor *b,
                 ml_scalar w, ml_error *e);
/* res = min(max(x, lo), hi) element-wise (NaN stays NaN); every dtype. */
int ml_math_clamp(const char *who, ml_tensor *res, const ml_tensor *x, ml_scalar lo,
                  ml_scalar hi, ml_error *e);

/* res = (x op y) as 0/1, broadcast.  res of any dtype (normally Byte).  The
 * comparison is exact: x and y of different dtypes, or an integer tensor
 * against a scalar it cannot hold (2.5, 300 for Byte), compare as doubles. */
int ml_math_compare(const char *who, ml_compare_op op, ml_tensor *res, const ml_tensor *x,
                    const ml_tensor *y, ml_error *e);
int ml_math_compare_ts(const char *who, ml_compare_op op, ml_tensor *res, const ml_tensor *x,
                       ml_scalar s, ml_error *e);

/* ---- vectorized exp family on contiguous arrays (math_vec.c) ----
 *
 * ml_math_vec_f64/f32 compute out[i] = f(in[i]) for n contiguous elements
 * (out may equal in, but must not otherwise overlap it).  exp is moonlab's own:
 * range reduction by ln2, a degree-11 polynomial, 2^k by exponent arithmetic;
 * within 1 ulp of the true value for Double over the whole range (overflow to
 * inf, gradual underflow to 0, NaN and infinities as libm).  sigmoid is
 * 1/(1+exp(-x)) with the same exp.  `level` picks the instruction set:
 * ML_SIMD_AUTO for the best this CPU has; a fixed level is for tests and
 * returns ML_EINVAL when the CPU lacks it. */
typedef enum ml_vec_fn { ML_VEC_EXP, ML_VEC_SIGMOID } ml_vec_fn;
enum { ML_SIMD_AUTO = -1, ML_SIMD_BASE = 0, ML_SIMD_AVX2 = 1, ML_SIMD_AVX512 = 2 };

int ml_math_vec_f64(ml_vec_fn f, int level, int64_t n, double *out, const double *in);
int ml_math_vec_f32(ml_vec_fn f, int level, int64_t n, float *out, const float *in);
/* The best level this CPU supports (ML_SIMD_BASE on non-x86 machines). */
int ml_math_simd_level(void);

#endif
