/*
 * test_math.c - element-wise kernels of math.c against naive reference loops.
 *
 * Every op runs on every dtype it accepts, over contiguous, transposed and
 * strided inputs, broadcast shapes, odd sizes and empty tensors; the result is
 * compared element by element with a reference computed here from the
 * definition (int64 arithmetic wrapped to the dtype, or double libm).  The
 * vectorized exp and sigmoid are checked against long-double references for
 * their ulp error on every SIMD level the CPU has, and on edge cases.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "math.h" /* kernels/math.h, which also brings the C library's <math.h> */
#include "internal.h" /* ML_GRAIN_CHEAP: the size that takes the threaded path */

typedef struct rng {
	uint64_t s; /* xorshift state */
} rng;

static uint64_t next(rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static double uniform(rng *r, double lo, double hi)
{
	return lo + (hi - lo) * (double)(next(r) >> 11) / 9007199254740992.0;
}

static int is_float(ml_dtype dt)
{
	return ml_dtype_info[dt].is_float;
}

/* Fills t with values in [lo, hi] (integers for integer dtypes; zeros are
 * avoided when nonzero is set, for divisors). */
static void fill(ml_tensor *t, rng *r, double lo, double hi, int nonzero)
{
	int64_t idx[ML_MAX_DIMS] = {0}, n = ml_tensor_numel(t);
	for (int64_t k = 0; k < n; k++) {
		double v = uniform(r, lo, hi);
		if (!is_float(t->dtype))
			v = floor(v);
		if (nonzero && v == 0)
			v = 1;
		ml_store_f64(t->dtype, ml_tensor_ptr(t, idx), v);
		for (int d = t->ndim - 1; d >= 0; d--) {
			if (++idx[d] < t->size[d])
				break;
			idx[d] = 0;
		}
	}
}

/* Layouts of one logical 2-D shape (rows x cols). */
enum { CONTIG, TRANSPOSED, STRIDED, NLAYOUTS };
static const char *const layout_name[NLAYOUTS] = {"contiguous", "transposed", "strided"};

/* t becomes a rows x cols tensor of dtype dt laid out as `layout`. */
static void make2d(ml_tensor *t, ml_dtype dt, int64_t rows, int64_t cols, int layout)
{
	ml_error e;
	if (layout == CONTIG) {
		int64_t size[2] = {rows, cols};
		ml_tensor_init_sized(t, dt, 2, size, &e);
	} else if (layout == TRANSPOSED) {
		int64_t size[2] = {cols, rows};
		ml_tensor_init_sized(t, dt, 2, size, &e);
		ml_tensor_transpose(t, 0, 1, &e);
	} else {
		/* every third column of a wider buffer, rows 2 apart */
		int64_t size[2] = {2 * rows + 1, 3 * cols + 2};
		ml_tensor base;
		ml_tensor_init_sized(&base, dt, 2, size, &e);
		int64_t vsize[2] = {rows, cols}, vstride[2] = {2 * size[1], 3};
		ml_tensor_init(t, dt);
		ml_tensor_set_storage(t, base.storage, 1, 2, vsize, vstride, &e);
		ml_tensor_release(&base);
	}
}

/* Value of input t at the index idx of a result with nd dims (broadcast). */
static void *at(const ml_tensor *t, const int64_t *idx, int nd)
{
	int64_t j[ML_MAX_DIMS];
	int shift = nd - t->ndim;
	for (int d = 0; d < t->ndim; d++)
		j[d] = t->size[d] == 1 ? 0 : idx[d + shift];
	return ml_tensor_ptr(t, j);
}

/* int64 value v wrapped into dtype dt, as C casts do. */
static int64_t wrap(ml_dtype dt, int64_t v)
{
	unsigned char b[8];
	ml_store_i64(dt, b, v);
	return ml_load_i64(dt, b);
}

/* ---- references ---- */

static int64_t ref_idiv(int64_t x, int64_t y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return (int64_t)(0 - (uint64_t)x);
	return x / y;
}

static int64_t ref_ifmod(int64_t x, int64_t y)
{
	return (y == 0 || y == -1) ? 0 : x % y;
}

static int64_t ref_ipow(int64_t x, int64_t y)
{
	if (y < 0)
		return x == 1 ? 1 : x == -1 ? ((y % 2) ? -1 : 1) : 0;
	uint64_t r = 1;
	for (int64_t k = 0; k < y; k++)
		r *= (uint64_t)x;
	return (int64_t)r;
}

static int64_t ref_int_binary(ml_binary_op op, int64_t x, int64_t y)
{
	switch (op) {
	case ML_ADD: return (int64_t)((uint64_t)x + (uint64_t)y);
	case ML_SUB: return (int64_t)((uint64_t)x - (uint64_t)y);
	case ML_MUL: return (int64_t)((uint64_t)x * (uint64_t)y);
	case ML_DIV: return ref_idiv(x, y);
	case ML_POW: return ref_ipow(x, y);
	case ML_FMOD: return ref_ifmod(x, y);
	case ML_REMAINDER: {
		int64_t m = ref_ifmod(x, y);
		return (m != 0 && (m < 0) != (y < 0)) ? m + y : m;
	}
	case ML_MAX: return x > y ? x : y;
	case ML_MIN: return x < y ? x : y;
	case ML_LSHIFT: return (y < 0 || y > 63) ? 0 : (int64_t)((uint64_t)x << y);
	case ML_RSHIFT: /* floor(x / 2^y) */
		return y < 0 ? 0 : y > 63 ? (x < 0 ? -1 : 0) : (int64_t)floorl((long double)x / ldexpl(1, (int)y));
	case ML_BITAND: return x & y;
	case ML_BITOR: return x | y;
	case ML_BITXOR: return x ^ y;
	default: return 0;
	}
}

static double ref_float_binary(ml_binary_op op, double x, double y)
{
	switch (op) {
	case ML_ADD: return x + y;
	case ML_SUB: return x - y;
	case ML_MUL: return x * y;
	case ML_DIV: return x / y;
	case ML_POW: return pow(x, y);
	case ML_ATAN2: return atan2(x, y);
	case ML_FMOD: return fmod(x, y);
	case ML_REMAINDER: {
		double m = fmod(x, y);
		if (m == 0)
			return copysign(0.0, y);
		return (m < 0) != (y < 0) ? m + y : m;
	}
	case ML_MAX: return (x > y || isnan(x)) ? x : y;
	case ML_MIN: return (x < y || isnan(x)) ? x : y;
	case ML_LSHIFT: return x * pow(2, y);
	case ML_RSHIFT: return x / pow(2, y);
	default: return 0;
	}
}

static double ref_float_unary(ml_unary_op op, double x)
{
	switch (op) {
	case ML_ABS: return fabs(x);
	case ML_SIGN: return x > 0 ? 1 : x < 0 ? -1 : x;
	case ML_NEG: return -x;
	case ML_EXP: return (double)expl(x);
	case ML_LOG: return log(x);
	case ML_LOG1P: return log1p(x);
	case ML_SQRT: return sqrt(x);
	case ML_RSQRT: return 1 / sqrt(x);
	case ML_SIN: return sin(x);
	case ML_COS: return cos(x);
	case ML_TAN: return tan(x);
	case ML_ASIN: return asin(x);
	case ML_ACOS: return acos(x);
	case ML_ATAN: return atan(x);
	case ML_SINH: return sinh(x);
	case ML_COSH: return cosh(x);
	case ML_TANH: return tanh(x);
	case ML_SIGMOID: return (double)(1.0L / (1.0L + expl(-(long double)x)));
	case ML_FLOOR: return floor(x);
	case ML_CEIL: return ceil(x);
	case ML_ROUND: return round(x);
	case ML_TRUNC: return trunc(x);
	case ML_FRAC: return x - trunc(x);
	case ML_CINV: return 1 / x;
	default: return 0;
	}
}

static int64_t ref_int_unary(ml_unary_op op, int64_t x)
{
	switch (op) {
	case ML_ABS: return x < 0 ? (int64_t)(0 - (uint64_t)x) : x;
	case ML_SIGN: return (x > 0) - (x < 0);
	case ML_NEG: return (int64_t)(0 - (uint64_t)x);
	default: return 0;
	}
}

/* Close enough: exact for integers and exact float ops; libm-based float ops
 * may differ by a few ulp (Float runs the float versions of libm). */
static int same_value(ml_dtype dt, double got, double want, double tol)
{
	if (isnan(got) && isnan(want))
		return 1;
	if (got == want)
		return 1;
	if (isinf(want) || isinf(got))
		return 0;
	return fabs(got - want) <= tol * fabs(want) + (dt == ML_FLOAT ? 1e-37 : 1e-300);
}

/* ---- driver: compare a result with a reference over every element ---- */

typedef struct refcase {
	const char *what;       /* op name for messages */
	int nin;                /* inputs */
	const ml_tensor *in[3]; /* inputs (broadcast to the result) */
} refcase;

/* Checks res against the scalar reference f applied at every index.  Returns
 * the number of mismatches (reported once). */
typedef double (*ref_fn)(const void *ctx, ml_dtype dt, const double *x, const int64_t *xi);

static int check_result(const ml_tensor *res, const refcase *c, ref_fn f, const void *ctx,
                        ml_dtype dt, double tol, const char *layout)
{
	int64_t idx[ML_MAX_DIMS] = {0}, n = ml_tensor_numel(res);
	int bad = 0;
	for (int64_t k = 0; k < n; k++) {
		double x[3];
		int64_t xi[3];
		for (int i = 0; i < c->nin; i++) {
			void *p = at(c->in[i], idx, res->ndim);
			x[i] = ml_load_f64(c->in[i]->dtype, p);
			xi[i] = ml_load_i64(c->in[i]->dtype, p);
		}
		double want = f(ctx, dt, x, xi);
		double got = ml_load_f64(res->dtype, ml_tensor_ptr(res, idx));
		if (!same_value(res->dtype, got, want, tol)) {
			if (!bad)
				fprintf(stderr, "  %s %s (%s): element %lld: got %.17g want %.17g (inputs %.17g %.17g)\n",
				        c->what, ml_dtype_name(dt), layout, (long long)k, got, want, x[0],
				        c->nin > 1 ? x[1] : 0.0);
			bad++;
		}
		for (int d = res->ndim - 1; d >= 0; d--) {
			if (++idx[d] < res->size[d])
				break;
			idx[d] = 0;
		}
	}
	return bad;
}

typedef struct opctx {
	int op;      /* the op */
	double v, w; /* scalars */
	int64_t vi;  /* v as an integer */
} opctx;

static double unary_ref(const void *ctx, ml_dtype dt, const double *x, const int64_t *xi)
{
	const opctx *c = ctx;
	if (is_float(dt)) {
		double r = ref_float_unary((ml_unary_op)c->op, x[0]);
		return dt == ML_FLOAT ? (double)(float)r : r;
	}
	return (double)wrap(dt, ref_int_unary((ml_unary_op)c->op, xi[0]));
}

static double binary_ref(const void *ctx, ml_dtype dt, const double *x, const int64_t *xi)
{
	const opctx *c = ctx;
	if (is_float(dt)) {
		double r = ref_float_binary((ml_binary_op)c->op, x[0], x[1]);
		return dt == ML_FLOAT ? (double)(float)r : r;
	}
	return (double)wrap(dt, ref_int_binary((ml_binary_op)c->op, xi[0], xi[1]));
}

/* Tolerance of a unary op on dt: libm float functions vs double rounded. */
static double unary_tol(ml_unary_op op, ml_dtype dt)
{
	if (!is_float(dt) || op == ML_ABS || op == ML_NEG || op == ML_SIGN || op >= ML_FLOOR)
		return 0;
	if (dt == ML_FLOAT)
		return 4e-7;
	return (op == ML_EXP || op == ML_SIGMOID) ? 4.5e-16 : 0;
}

/* Input range per unary op: inside the domain. */
static void unary_range(ml_unary_op op, double *lo, double *hi)
{
	*lo = -20;
	*hi = 20;
	if (op == ML_LOG || op == ML_SQRT || op == ML_RSQRT) {
		*lo = 0.01;
		*hi = 50;
	} else if (op == ML_LOG1P) {
		*lo = -0.99;
	} else if (op == ML_ASIN || op == ML_ACOS) {
		*lo = -1;
		*hi = 1;
	}
}

static void test_unary(rng *r)
{
	const int64_t shapes[][2] = {{7, 13}, {1, 1}, {3, 300}};
	for (int op = 0; op < ML_NUNARY; op++) {
		for (int dt = 0; dt < ML_NDTYPES; dt++) {
			int accepted = is_float((ml_dtype)dt) || op == ML_ABS || op == ML_SIGN || op == ML_NEG;
			double lo, hi;
			unary_range((ml_unary_op)op, &lo, &hi);
			if (dt == ML_BYTE && lo < 0)
				lo = 0;
			if (!is_float((ml_dtype)dt) && dt != ML_BYTE)
				lo = -100, hi = 100;
			if (dt == ML_BYTE)
				hi = 255;
			for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
				for (int lay = 0; lay < NLAYOUTS; lay++) {
					ml_tensor x, res;
					ml_error e;
					make2d(&x, (ml_dtype)dt, shapes[s][0], shapes[s][1], lay);
					make2d(&res, (ml_dtype)dt, shapes[s][1], shapes[s][0], (lay + 1) % NLAYOUTS);
					ml_tensor_transpose(&res, 0, 1, &e); /* a result with odd strides too */
					fill(&x, r, lo, hi, 0);
					int rc = ml_math_unary(NULL, (ml_unary_op)op, &res, &x, &e);
					if (!accepted) {
						CHECK(rc == ML_ETYPE && strstr(e.msg, ml_math_unary_name((ml_unary_op)op)) &&
						          strstr(e.msg, ml_dtype_name((ml_dtype)dt)),
						      "%s on %s: expected a dtype error, got %d '%s'",
						      ml_math_unary_name((ml_unary_op)op), ml_dtype_name((ml_dtype)dt), rc,
						      rc ? e.msg : "");
					} else {
						CHECK(rc == ML_OK, "%s: %s", ml_math_unary_name((ml_unary_op)op), e.msg);
						opctx c = {op, 0, 0, 0};
						refcase rc1 = {ml_math_unary_name((ml_unary_op)op), 1, {&x, NULL, NULL}};
						int bad = check_result(&res, &rc1, unary_ref, &c, (ml_dtype)dt,
						                       unary_tol((ml_unary_op)op, (ml_dtype)dt), layout_name[lay]);
						CHECK(bad == 0, "%s %s %s: %d wrong elements", ml_math_unary_name((ml_unary_op)op),
						      ml_dtype_name((ml_dtype)dt), layout_name[lay], bad);
					}
					ml_tensor_release(&x);
					ml_tensor_release(&res);
				}
			}
		}
	}
}

/* In place on a transposed view: x = op(x). */
static void test_unary_inplace(rng *r)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		ml_tensor x, copy;
		ml_error e;
		make2d(&x, (ml_dtype)dt, 9, 5, TRANSPOSED);
		fill(&x, r, 0, 100, 0);
		ml_tensor_clone_as(&copy, &x, (ml_dtype)dt, &e);
		ml_unary_op op = is_float((ml_dtype)dt) ? ML_EXP : ML_NEG;
		CHECK(ml_math_unary(NULL, op, &x, &x, &e) == ML_OK, "in place: %s", e.msg);
		CHECK(x.stride[0] == 1 && x.stride[1] == 9, "in place kept the strides");
		opctx c = {op, 0, 0, 0};
		refcase rc1 = {"in place", 1, {&copy, NULL, NULL}};
		CHECK(check_result(&x, &rc1, unary_ref, &c, (ml_dtype)dt, unary_tol(op, (ml_dtype)dt), "inplace") == 0,
		      "in place %s on %s", ml_math_unary_name(op), ml_dtype_name((ml_dtype)dt));
		ml_tensor_release(&x);
		ml_tensor_release(&copy);
	}
}

static int binary_accepts(ml_binary_op op, ml_dtype dt)
{
	if (op == ML_BITAND || op == ML_BITOR || op == ML_BITXOR)
		return !is_float(dt);
	return is_float(dt) || op != ML_ATAN2;
}

static void binary_range(ml_binary_op op, ml_dtype dt, double *lo, double *hi, double *ylo, double *yhi)
{
	*lo = -50, *hi = 50, *ylo = -50, *yhi = 50;
	if (op == ML_POW) {
		*lo = is_float(dt) ? 0.1 : -4;
		*hi = 4;
		*ylo = is_float(dt) ? -3 : -2;
		*yhi = 6;
	}
	if (dt == ML_BYTE) {
		*lo = 0, *ylo = 0;
		*hi = op == ML_POW ? 4 : 255;
		*yhi = op == ML_POW ? 6 : 255;
	}
	if (dt == ML_CHAR && op != ML_POW)
		*lo = -100, *hi = 100, *ylo = -100, *yhi = 100;
	if (op == ML_LSHIFT || op == ML_RSHIFT) /* counts past the width and negative ones too */
		*ylo = is_float(dt) ? -3 : dt == ML_BYTE ? 0 : -2, *yhi = is_float(dt) ? 6 : 70;
}

static void test_binary(rng *r)
{
	/* (x shape, y shape): equal, broadcast of a row, a column, a scalar-like 1x1 */
	const int64_t xs[][2] = {{7, 13}, {7, 13}, {7, 13}, {5, 1}};
	const int64_t ys[][2] = {{7, 13}, {1, 13}, {7, 1}, {1, 6}};
	for (int op = 0; op < ML_NBINARY; op++) {
		for (int dt = 0; dt < ML_NDTYPES; dt++) {
			double lo, hi, ylo, yhi;
			binary_range((ml_binary_op)op, (ml_dtype)dt, &lo, &hi, &ylo, &yhi);
			int nonzero = op == ML_DIV || op == ML_FMOD || op == ML_REMAINDER;
			for (size_t s = 0; s < sizeof xs / sizeof *xs; s++) {
				for (int lay = 0; lay < NLAYOUTS; lay++) {
					ml_tensor x, y, res;
					ml_error e;
					make2d(&x, (ml_dtype)dt, xs[s][0], xs[s][1], lay);
					make2d(&y, (ml_dtype)dt, ys[s][0], ys[s][1], (lay + 2) % NLAYOUTS);
					ml_tensor_init(&res, (ml_dtype)dt);
					fill(&x, r, lo, hi, 0);
					fill(&y, r, ylo, yhi, nonzero && is_float((ml_dtype)dt));
					int rc = ml_math_binary(NULL, (ml_binary_op)op, &res, &x, &y, &e);
					const char *name = ml_math_binary_name((ml_binary_op)op);
					if (!binary_accepts((ml_binary_op)op, (ml_dtype)dt)) {
						CHECK(rc == ML_ETYPE && strstr(e.msg, ml_dtype_name((ml_dtype)dt)),
						      "%s on %s: expected a dtype error", name, ml_dtype_name((ml_dtype)dt));
					} else {
						CHECK(rc == ML_OK, "%s: %s", name, e.msg);
						CHECK(res.ndim == 2 && res.size[0] == (xs[s][0] > ys[s][0] ? xs[s][0] : ys[s][0]) &&
						          res.size[1] == (xs[s][1] > ys[s][1] ? xs[s][1] : ys[s][1]),
						      "%s: broadcast shape", name);
						opctx c = {op, 0, 0, 0};
						refcase rc2 = {name, 2, {&x, &y, NULL}};
						double tol = dt == ML_FLOAT && (op == ML_POW || op == ML_ATAN2 || op == ML_LSHIFT ||
						                                 op == ML_RSHIFT) ? 4e-7 : 0;
						int bad = check_result(&res, &rc2, binary_ref, &c, (ml_dtype)dt, tol, layout_name[lay]);
						CHECK(bad == 0, "%s %s %s shape %d: %d wrong elements", name,
						      ml_dtype_name((ml_dtype)dt), layout_name[lay], (int)s, bad);
					}
					ml_tensor_release(&x);
					ml_tensor_release(&y);
					ml_tensor_release(&res);
				}
			}
		}
	}
}

/* Tensor op scalar and scalar op tensor against the tensor-tensor reference. */
static void test_scalar_forms(rng *r)
{
	for (int op = 0; op < ML_NBINARY; op++) {
		for (int dt = 0; dt < ML_NDTYPES; dt++) {
			if (!binary_accepts((ml_binary_op)op, (ml_dtype)dt))
				continue;
			double lo, hi, ylo, yhi;
			binary_range((ml_binary_op)op, (ml_dtype)dt, &lo, &hi, &ylo, &yhi);
			ml_tensor x, res, sv;
			ml_error e;
			make2d(&x, (ml_dtype)dt, 11, 3, STRIDED);
			fill(&x, r, lo, hi, 0);
			double s = is_float((ml_dtype)dt) ? 1.5 : 3;
			if (op == ML_POW && !is_float((ml_dtype)dt))
				s = 2;
			int64_t one = 1;
			ml_tensor_init_sized(&sv, (ml_dtype)dt, 1, &one, &e);
			ml_store_f64((ml_dtype)dt, ml_tensor_data(&sv), s);
			ml_scalar sc = is_float((ml_dtype)dt) ? ml_scalar_f64(s) : ml_scalar_i64((int64_t)s);
			const char *name = ml_math_binary_name((ml_binary_op)op);
			opctx c = {op, 0, 0, 0};
			double tol = dt == ML_FLOAT && (op == ML_POW || op == ML_ATAN2 || op == ML_LSHIFT ||
			                                 op == ML_RSHIFT) ? 4e-7 : 0;

			ml_tensor_init(&res, (ml_dtype)dt);
			CHECK(ml_math_binary_ts(NULL, (ml_binary_op)op, &res, &x, sc, &e) == ML_OK, "%s ts: %s", name, e.msg);
			refcase a = {name, 2, {&x, &sv, NULL}};
			CHECK(check_result(&res, &a, binary_ref, &c, (ml_dtype)dt, tol, "tensor op scalar") == 0,
			      "%s %s: tensor op scalar", name, ml_dtype_name((ml_dtype)dt));
			ml_tensor_release(&res);

			/* scalar op tensor; avoid zero divisors */
			if (op == ML_DIV || op == ML_FMOD || op == ML_REMAINDER)
				fill(&x, r, 1, 9, 1);
			ml_tensor_init(&res, (ml_dtype)dt);
			CHECK(ml_math_binary_st(NULL, (ml_binary_op)op, &res, sc, &x, &e) == ML_OK, "%s st: %s", name, e.msg);
			refcase b = {name, 2, {&sv, &x, NULL}};
			CHECK(check_result(&res, &b, binary_ref, &c, (ml_dtype)dt, tol, "scalar op tensor") == 0,
			      "%s %s: scalar op tensor", name, ml_dtype_name((ml_dtype)dt));
			ml_tensor_release(&res);
			ml_tensor_release(&x);
			ml_tensor_release(&sv);
		}
	}
}

/* Integer edge cases that must not trap or overflow: /0, %0, MIN/-1, wrap. */
static void test_integer_edges(void)
{
	ml_error e;
	int64_t n = 4;
	ml_tensor x, y, res;
	ml_tensor_init_sized(&x, ML_LONG, 1, &n, &e);
	ml_tensor_init_sized(&y, ML_LONG, 1, &n, &e);
	int64_t *px = ml_tensor_data(&x), *py = ml_tensor_data(&y);
	px[0] = INT64_MIN, py[0] = -1;
	px[1] = 7, py[1] = 0;
	px[2] = INT64_MAX, py[2] = 2;
	px[3] = -7, py[3] = 2;
	ml_tensor_init(&res, ML_LONG);
	CHECK(ml_math_binary(NULL, ML_DIV, &res, &x, &y, &e) == ML_OK, "long div");
	int64_t *pr = ml_tensor_data(&res);
	CHECK(pr[0] == INT64_MIN && pr[1] == 0 && pr[2] == INT64_MAX / 2 && pr[3] == -3, "long div edges");
	CHECK(ml_math_binary(NULL, ML_REMAINDER, &res, &x, &y, &e) == ML_OK, "long remainder");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == 0 && pr[1] == 0 && pr[2] == 1 && pr[3] == 1, "long remainder edges: %lld %lld %lld %lld",
	      (long long)pr[0], (long long)pr[1], (long long)pr[2], (long long)pr[3]);
	CHECK(ml_math_binary(NULL, ML_FMOD, &res, &x, &y, &e) == ML_OK, "long fmod");
	pr = ml_tensor_data(&res);
	CHECK(pr[3] == -1, "fmod keeps the dividend's sign");
	CHECK(ml_math_binary(NULL, ML_ADD, &res, &x, &y, &e) == ML_OK, "long add");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == INT64_MAX && pr[2] == INT64_MIN + 1, "long add wraps");
	CHECK(ml_math_unary(NULL, ML_ABS, &res, &x, &e) == ML_OK, "long abs");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == INT64_MIN && pr[3] == 7, "abs of INT64_MIN wraps");
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&res);

	/* Byte: wrap and remainder by a negative scalar stored as 255 */
	ml_tensor b, rb;
	ml_tensor_init_sized(&b, ML_BYTE, 1, &n, &e);
	uint8_t *pb = ml_tensor_data(&b);
	pb[0] = 250, pb[1] = 0, pb[2] = 3, pb[3] = 128;
	ml_tensor_init(&rb, ML_BYTE);
	CHECK(ml_math_binary_ts(NULL, ML_ADD, &rb, &b, ml_scalar_i64(10), &e) == ML_OK, "byte add");
	uint8_t *q = ml_tensor_data(&rb);
	CHECK(q[0] == 4 && q[1] == 10 && q[2] == 13 && q[3] == 138, "byte add wraps");
	CHECK(ml_math_unary(NULL, ML_NEG, &rb, &b, &e) == ML_OK, "byte neg");
	q = ml_tensor_data(&rb);
	CHECK(q[0] == 6 && q[1] == 0 && q[2] == 253 && q[3] == 128, "byte neg wraps");
	ml_tensor_release(&b);
	ml_tensor_release(&rb);
}

/* Float edge cases: fmod and remainder signs, NaN in max/min, div by 0. */
static void test_float_edges(void)
{
	ml_error e;
	int64_t n = 5;
	ml_tensor x, res;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, &e);
	double *px = ml_tensor_data(&x);
	px[0] = -7, px[1] = 7, px[2] = NAN, px[3] = 6, px[4] = 0;
	ml_tensor_init(&res, ML_DOUBLE);
	CHECK(ml_math_binary_ts(NULL, ML_REMAINDER, &res, &x, ml_scalar_f64(3), &e) == ML_OK, "remainder");
	double *pr = ml_tensor_data(&res);
	CHECK(pr[0] == 2 && pr[1] == 1 && isnan(pr[2]) && pr[3] == 0 && !signbit(pr[3]), "remainder by 3");
	CHECK(ml_math_binary_ts(NULL, ML_REMAINDER, &res, &x, ml_scalar_f64(-3), &e) == ML_OK, "remainder");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == -1 && pr[1] == -2 && pr[3] == 0 && signbit(pr[3]), "remainder by -3 (numpy's %%)");
	CHECK(ml_math_binary_ts(NULL, ML_FMOD, &res, &x, ml_scalar_f64(-3), &e) == ML_OK, "fmod");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == -1 && pr[1] == 1, "fmod by -3 (C's fmod)");
	CHECK(ml_math_binary_ts(NULL, ML_MAX, &res, &x, ml_scalar_f64(1), &e) == ML_OK, "cmax");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == 1 && pr[1] == 7 && isnan(pr[2]), "cmax propagates NaN");
	CHECK(ml_math_binary_st(NULL, ML_DIV, &res, ml_scalar_f64(1), &x, &e) == ML_OK, "1/x");
	pr = ml_tensor_data(&res);
	CHECK(isinf(pr[4]) && pr[4] > 0, "1/0 is inf");
	CHECK(ml_math_clamp(NULL, &res, &x, ml_scalar_f64(0), ml_scalar_f64(6.5), &e) == ML_OK, "clamp");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == 0 && pr[1] == 6.5 && isnan(pr[2]) && pr[3] == 6, "clamp keeps NaN");
	CHECK(ml_math_unary(NULL, ML_SIGN, &res, &x, &e) == ML_OK, "sign");
	pr = ml_tensor_data(&res);
	CHECK(pr[0] == -1 && pr[1] == 1 && isnan(pr[2]) && pr[4] == 0, "sign");
	ml_tensor_release(&x);
	ml_tensor_release(&res);
}

static double fused_ref(const void *ctx, ml_dtype dt, const double *x, const int64_t *xi)
{
	const opctx *c = ctx;
	if (is_float(dt)) {
		double r;
		switch (c->op) {
		case 0: r = x[0] + c->v * x[1]; break;
		case 1: r = x[0] + c->v * x[1] * x[2]; break;
		case 2: r = x[0] + c->v * x[1] / x[2]; break;
		case 3: r = x[0] + c->v * (x[1] - x[0]); break;
		default: r = x[0] < c->v ? c->v : x[0] > c->w ? c->w : x[0]; break;
		}
		if (dt == ML_FLOAT) { /* the kernel rounds each step to float */
			float fv = (float)c->v, a = (float)x[0], b = (float)x[1], d = c->op == 1 || c->op == 2 ? (float)x[2] : 0;
			switch (c->op) {
			case 0: return (double)(a + fv * b);
			case 1: return (double)(a + fv * b * d);
			case 2: return (double)(a + fv * b / d);
			case 3: return (double)(a + fv * (b - a));
			default: return (double)(float)r;
			}
		}
		return r;
	}
	int64_t v = c->vi, r;
	switch (c->op) {
	case 0: r = (int64_t)((uint64_t)xi[0] + (uint64_t)v * (uint64_t)xi[1]); break;
	case 1: r = (int64_t)((uint64_t)xi[0] + (uint64_t)v * (uint64_t)xi[1] * (uint64_t)xi[2]); break;
	case 2: r = (int64_t)((uint64_t)xi[0] + (uint64_t)ref_idiv(wrap(dt, (int64_t)((uint64_t)v * (uint64_t)xi[1])), xi[2])); break;
	default: r = xi[0] < c->vi ? c->vi : xi[0] > (int64_t)c->w ? (int64_t)c->w : xi[0]; break;
	}
	return (double)wrap(dt, r);
}

static void test_fused(rng *r)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		int fl = is_float((ml_dtype)dt);
		for (int lay = 0; lay < NLAYOUTS; lay++) {
			ml_tensor x, y, z, res;
			ml_error e;
			make2d(&x, (ml_dtype)dt, 6, 17, lay);
			make2d(&y, (ml_dtype)dt, 1, 17, (lay + 1) % NLAYOUTS);
			make2d(&z, (ml_dtype)dt, 6, 1, (lay + 2) % NLAYOUTS);
			double lo = dt == ML_BYTE ? 0 : -20;
			fill(&x, r, lo, 20, 0);
			fill(&y, r, lo, 20, 0);
			fill(&z, r, dt == ML_BYTE ? 1 : -20, 20, 1);
			double v = fl ? -1.25 : 3;
			ml_scalar sv = fl ? ml_scalar_f64(v) : ml_scalar_i64(3);
			opctx c = {0, v, 0, 3};
			const char *names[] = {"add_scaled", "addcmul", "addcdiv", "lerp", "clamp"};
			for (int k = 0; k < 5; k++) {
				ml_tensor_init(&res, (ml_dtype)dt);
				int rc;
				refcase rcs = {names[k], 2, {&x, &y, NULL}};
				c.op = k;
				if (k == 0)
					rc = ml_math_add_scaled(NULL, &res, &x, sv, &y, &e);
				else if (k == 1 || k == 2) {
					rcs.nin = 3;
					rcs.in[2] = &z;
					rc = (k == 1 ? ml_math_addcmul : ml_math_addcdiv)(NULL, &res, &x, sv, &y, &z, &e);
				} else if (k == 3) {
					rc = ml_math_lerp(NULL, &res, &x, &y, ml_scalar_f64(0.3), &e);
					c.v = 0.3;
				} else {
					rcs.nin = 1;
					c.v = -5, c.vi = -5, c.w = 7;
					if (dt == ML_BYTE)
						c.v = 5, c.vi = 5;
					rc = ml_math_clamp(NULL, &res, &x, ml_scalar_i64(c.vi), ml_scalar_f64(7), &e);
				}
				if (k == 3 && !fl) {
					CHECK(rc == ML_ETYPE, "lerp rejects %s", ml_dtype_name((ml_dtype)dt));
				} else {
					CHECK(rc == ML_OK, "%s %s: %s", names[k], ml_dtype_name((ml_dtype)dt), rc ? e.msg : "");
					int bad = check_result(&res, &rcs, fused_ref, &c, (ml_dtype)dt, 0, layout_name[lay]);
					CHECK(bad == 0, "%s %s %s: %d wrong", names[k], ml_dtype_name((ml_dtype)dt), layout_name[lay], bad);
				}
				c.v = v, c.vi = 3;
				ml_tensor_release(&res);
			}
			ml_tensor_release(&x);
			ml_tensor_release(&y);
			ml_tensor_release(&z);
		}
	}
}

static double compare_ref(const void *ctx, ml_dtype dt, const double *x, const int64_t *xi)
{
	const opctx *c = ctx;
	(void)dt;
	(void)xi;
	switch (c->op) {
	case ML_LT: return x[0] < x[1];
	case ML_LE: return x[0] <= x[1];
	case ML_GT: return x[0] > x[1];
	case ML_GE: return x[0] >= x[1];
	case ML_EQ: return x[0] == x[1];
	default: return x[0] != x[1];
	}
}

static void test_compare(rng *r)
{
	for (int op = 0; op < ML_NCOMPARE; op++) {
		for (int dt = 0; dt < ML_NDTYPES; dt++) {
			for (int lay = 0; lay < NLAYOUTS; lay++) {
				ml_tensor x, y, res;
				ml_error e;
				make2d(&x, (ml_dtype)dt, 9, 4, lay);
				make2d(&y, (ml_dtype)dt, 1, 4, (lay + 1) % NLAYOUTS);
				fill(&x, r, 0, 6, 0); /* small integers: many ties */
				fill(&y, r, 0, 6, 0);
				if (is_float((ml_dtype)dt)) {
					ml_tensor_fill(&x, 0); /* exercise ties on floats too */
					fill(&x, r, 0, 6, 0);
					ml_store_f64((ml_dtype)dt, ml_tensor_data(&y), ml_load_f64((ml_dtype)dt, ml_tensor_data(&x)));
				}
				opctx c = {op, 0, 0, 0};
				const char *name = ml_math_compare_name((ml_compare_op)op);
				ml_tensor_init(&res, ML_BYTE);
				CHECK(ml_math_compare(NULL, (ml_compare_op)op, &res, &x, &y, &e) == ML_OK, "%s: %s", name, e.msg);
				refcase rc2 = {name, 2, {&x, &y, NULL}};
				CHECK(res.dtype == ML_BYTE && check_result(&res, &rc2, compare_ref, &c, (ml_dtype)dt, 0, layout_name[lay]) == 0,
				      "%s %s %s", name, ml_dtype_name((ml_dtype)dt), layout_name[lay]);
				/* against a scalar the dtype cannot hold: exact comparison */
				int64_t one = 1;
				ml_tensor sv;
				ml_tensor_init_sized(&sv, ML_DOUBLE, 1, &one, &e);
				*(double *)ml_tensor_data(&sv) = 2.5;
				CHECK(ml_math_compare_ts(NULL, (ml_compare_op)op, &res, &x, ml_scalar_f64(2.5), &e) == ML_OK, "%s ts", name);
				refcase rc3 = {name, 2, {&x, &sv, NULL}};
				CHECK(check_result(&res, &rc3, compare_ref, &c, (ml_dtype)dt, 0, "scalar 2.5") == 0,
				      "%s %s against 2.5", name, ml_dtype_name((ml_dtype)dt));
				/* a result of the inputs' dtype (Torch7 allows it) */
				ml_tensor rsame;
				ml_tensor_init(&rsame, (ml_dtype)dt);
				CHECK(ml_math_compare(NULL, (ml_compare_op)op, &rsame, &x, &y, &e) == ML_OK, "%s into %s", name,
				      ml_dtype_name((ml_dtype)dt));
				CHECK(check_result(&rsame, &rc2, compare_ref, &c, (ml_dtype)dt, 0, "same-dtype result") == 0,
				      "%s %s into same dtype", name, ml_dtype_name((ml_dtype)dt));
				ml_tensor_release(&rsame);
				ml_tensor_release(&sv);
				ml_tensor_release(&x);
				ml_tensor_release(&y);
				ml_tensor_release(&res);
			}
		}
	}
	/* mixed dtypes compare as doubles */
	ml_error e;
	int64_t n = 2;
	ml_tensor a, b, m;
	ml_tensor_init_sized(&a, ML_INT, 1, &n, &e);
	ml_tensor_init_sized(&b, ML_DOUBLE, 1, &n, &e);
	((int32_t *)ml_tensor_data(&a))[0] = 2, ((int32_t *)ml_tensor_data(&a))[1] = 3;
	((double *)ml_tensor_data(&b))[0] = 2.5, ((double *)ml_tensor_data(&b))[1] = 2.5;
	ml_tensor_init(&m, ML_BYTE);
	CHECK(ml_math_compare(NULL, ML_LT, &m, &a, &b, &e) == ML_OK, "mixed compare");
	CHECK(((uint8_t *)ml_tensor_data(&m))[0] == 1 && ((uint8_t *)ml_tensor_data(&m))[1] == 0, "Int 2 < 2.5, 3 >= 2.5");
	CHECK(ml_math_compare_ts(NULL, ML_GT, &m, &a, ml_scalar_i64(300), &e) == ML_OK, "compare with big scalar");
	CHECK(((uint8_t *)ml_tensor_data(&m))[0] == 0, "2 > 300 is false");
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&m);
}

/* Shape errors, empty tensors, in-place rules, partial overlap, dtype mixing. */
static void test_shapes(rng *r)
{
	ml_error e;
	ml_tensor a, b, res;
	int64_t sa[2] = {2, 3}, sb[1] = {4};
	ml_tensor_init_sized(&a, ML_DOUBLE, 2, sa, &e);
	ml_tensor_init_sized(&b, ML_DOUBLE, 1, sb, &e);
	ml_tensor_init(&res, ML_DOUBLE);
	int rc = ml_math_binary("torch.add", ML_ADD, &res, &a, &b, &e);
	CHECK(rc == ML_ESHAPE && strcmp(e.msg, "torch.add: shapes 2x3 and 4 cannot be broadcast together") == 0,
	      "shape error message: '%s'", e.msg);
	rc = ml_math_binary(NULL, ML_MUL, &res, &a, &b, &e);
	CHECK(rc == ML_ESHAPE && strncmp(e.msg, "math.mul: ", 10) == 0, "default who: '%s'", e.msg);

	/* Torch7's rule when shapes do not broadcast but the element counts agree:
	 * row-major order, the first operand's shape; a strided second operand */
	{
		ml_tensor m, wide, col, rr;
		int64_t sm[2] = {10, 10}, sw[2] = {100, 7};
		ml_tensor_init_sized(&m, ML_DOUBLE, 2, sm, &e);
		ml_tensor_init_sized(&wide, ML_DOUBLE, 2, sw, &e);
		fill(&m, r, -10, 10, 0);
		fill(&wide, r, 1, 3, 0);
		ml_tensor_init(&col, ML_DOUBLE);
		ml_tensor_set(&col, &wide);
		ml_tensor_select(&col, 1, 4, &e); /* 100 elements, stride 7 */
		ml_tensor_init(&rr, ML_DOUBLE);
		CHECK(ml_math_binary(NULL, ML_REMAINDER, &rr, &m, &col, &e) == ML_OK, "10x10 %% 100: %s", e.msg);
		CHECK(rr.ndim == 2 && rr.size[0] == 10 && rr.size[1] == 10, "result has the first operand's shape");
		int wrong = 0;
		for (int64_t i = 0; i < 100; i++) {
			int64_t mi[2] = {i / 10, i % 10}, ci = i;
			double want = ref_float_binary(ML_REMAINDER, *(double *)ml_tensor_ptr(&m, mi), *(double *)ml_tensor_ptr(&col, &ci));
			wrong += *(double *)ml_tensor_ptr(&rr, mi) != want;
		}
		CHECK(wrong == 0, "same-count operands taken in row-major order (%d wrong)", wrong);
		/* a transposed first operand is read in its logical order */
		ml_tensor_transpose(&m, 0, 1, &e);
		CHECK(ml_math_binary(NULL, ML_SUB, &rr, &m, &col, &e) == ML_OK, "transposed 10x10 - 100");
		wrong = 0;
		for (int64_t i = 0; i < 100; i++) {
			int64_t mi[2] = {i / 10, i % 10}, ci = i;
			wrong += *(double *)ml_tensor_ptr(&rr, mi) != *(double *)ml_tensor_ptr(&m, mi) - *(double *)ml_tensor_ptr(&col, &ci);
		}
		CHECK(wrong == 0, "transposed same-count operands (%d wrong)", wrong);
		ml_tensor_release(&m);
		ml_tensor_release(&wide);
		ml_tensor_release(&col);
		ml_tensor_release(&rr);
	}

	/* in place cannot grow: a (3) += b (2x3) */
	ml_tensor v3;
	int64_t s3 = 3;
	ml_tensor_init_sized(&v3, ML_DOUBLE, 1, &s3, &e);
	rc = ml_math_binary("torch.add", ML_ADD, &v3, &v3, &a, &e);
	CHECK(rc == ML_ESHAPE && strstr(e.msg, "in place"), "in place growth refused: '%s'", e.msg);
	/* in place with broadcasting of the other operand works: a (2x3) += v3 (3) */
	ml_tensor_fill(&v3, 1);
	ml_tensor_fill(&a, 2);
	CHECK(ml_math_binary(NULL, ML_ADD, &a, &a, &v3, &e) == ML_OK, "in place broadcast");
	CHECK(((double *)ml_tensor_data(&a))[5] == 3, "in place broadcast value");
	ml_tensor_release(&v3);

	/* empty tensors: ndim 0 with ndim 0, and 0-sized dimensions */
	ml_tensor e1, e2;
	ml_tensor_init(&e1, ML_DOUBLE);
	ml_tensor_init(&e2, ML_DOUBLE);
	CHECK(ml_math_binary(NULL, ML_ADD, &res, &e1, &e2, &e) == ML_OK && res.ndim == 0, "empty + empty");
	CHECK(ml_math_unary(NULL, ML_EXP, &res, &e1, &e) == ML_OK && res.ndim == 0, "exp(empty)");
	CHECK(ml_math_binary_ts(NULL, ML_ADD, &res, &e1, ml_scalar_f64(1), &e) == ML_OK && res.ndim == 0, "empty + 1");
	CHECK(ml_math_binary(NULL, ML_ADD, &res, &e1, &a, &e) == ML_ESHAPE, "empty + 2x3 is an error");
	int64_t z[2] = {0, 3};
	ml_tensor zt;
	ml_tensor_init_sized(&zt, ML_FLOAT, 2, z, &e);
	ml_tensor rz;
	ml_tensor_init(&rz, ML_FLOAT);
	CHECK(ml_math_binary(NULL, ML_ADD, &rz, &zt, &zt, &e) == ML_OK && rz.ndim == 2 && rz.size[0] == 0 &&
	          rz.size[1] == 3, "0x3 + 0x3");
	CHECK(ml_math_compare_ts(NULL, ML_LT, &rz, &zt, ml_scalar_f64(1), &e) == ML_OK && ml_tensor_numel(&rz) == 0,
	      "0x3 < 1 into a Float result");
	ml_tensor_release(&zt);
	ml_tensor_release(&rz);

	/* partial overlap: x[1:] = x[1:] + x[:-1] must read the old x[:-1] */
	int64_t n = 101;
	ml_tensor x, dst, src, old;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, &e);
	fill(&x, r, -5, 5, 0);
	ml_tensor_clone_as(&old, &x, ML_DOUBLE, &e);
	ml_tensor_init(&dst, ML_DOUBLE);
	ml_tensor_init(&src, ML_DOUBLE);
	ml_tensor_set(&dst, &x);
	ml_tensor_set(&src, &x);
	ml_tensor_narrow(&dst, 0, 1, n - 1, &e);
	ml_tensor_narrow(&src, 0, 0, n - 1, &e);
	CHECK(ml_math_binary(NULL, ML_ADD, &dst, &dst, &src, &e) == ML_OK, "overlap add");
	const double *px = ml_tensor_data(&x), *po = ml_tensor_data(&old);
	int bad = 0;
	for (int64_t i = 1; i < n; i++)
		bad += px[i] != po[i] + po[i - 1];
	CHECK(bad == 0 && px[0] == po[0], "overlapping operands read before written (%d wrong)", bad);
	ml_tensor_release(&x);
	ml_tensor_release(&old);
	ml_tensor_release(&dst);
	ml_tensor_release(&src);

	/* mixed dtypes compute in the result's dtype */
	ml_tensor fi, di, rf;
	int64_t four = 4;
	ml_tensor_init_sized(&fi, ML_INT, 1, &four, &e);
	ml_tensor_init_sized(&di, ML_DOUBLE, 1, &four, &e);
	ml_tensor_fill(&fi, 3);
	ml_tensor_fill(&di, 0.5);
	ml_tensor_init(&rf, ML_FLOAT);
	CHECK(ml_math_binary(NULL, ML_ADD, &rf, &fi, &di, &e) == ML_OK && ((float *)ml_tensor_data(&rf))[3] == 3.5f,
	      "Int + Double into Float");
	ml_tensor_release(&fi);
	ml_tensor_release(&di);
	ml_tensor_release(&rf);

	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&res);
}

/* Large tensors take the threaded path of ml_apply and the streamed stores. */
static void test_large(rng *r)
{
	ml_error e;
	int64_t n = 3 * ML_GRAIN_CHEAP + 17;
	ml_tensor x, y, res;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, &e);
	ml_tensor_init_sized(&y, ML_DOUBLE, 1, &n, &e);
	fill(&x, r, -30, 30, 0);
	fill(&y, r, -30, 30, 0);
	ml_tensor_init(&res, ML_DOUBLE);
	CHECK(ml_math_binary(NULL, ML_ADD, &res, &x, &y, &e) == ML_OK, "large add");
	const double *px = ml_tensor_data(&x), *py = ml_tensor_data(&y), *pr = ml_tensor_data(&res);
	int bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += pr[i] != px[i] + py[i];
	CHECK(bad == 0, "large add: %d wrong", bad);
	CHECK(ml_math_unary(NULL, ML_SIGMOID, &res, &x, &e) == ML_OK, "large sigmoid");
	pr = ml_tensor_data(&res);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += !same_value(ML_DOUBLE, pr[i], ref_float_unary(ML_SIGMOID, px[i]), 4.5e-16);
	CHECK(bad == 0, "large sigmoid: %d wrong", bad);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&res);
}

/* Results of 8 MiB and more are written with streaming stores: contiguous,
 * in place, broadcast, a Byte mask, and a strided result (not streamed). */
static void test_streamed(rng *r)
{
	ml_error e;
	int64_t n = (1 << 20) + 4099;
	ml_tensor x, y, res;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, &e);
	ml_tensor_init_sized(&y, ML_DOUBLE, 1, &n, &e);
	fill(&x, r, -20, 20, 0);
	fill(&y, r, -20, 20, 0);
	ml_tensor_init(&res, ML_DOUBLE);
	CHECK(ml_math_binary(NULL, ML_MUL, &res, &x, &y, &e) == ML_OK, "streamed mul");
	const double *px = ml_tensor_data(&x), *py = ml_tensor_data(&y), *pr = ml_tensor_data(&res);
	int bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += pr[i] != px[i] * py[i];
	CHECK(bad == 0, "streamed mul: %d wrong", bad);

	ml_tensor old;
	ml_tensor_clone_as(&old, &x, ML_DOUBLE, &e);
	CHECK(ml_math_unary(NULL, ML_EXP, &x, &x, &e) == ML_OK, "streamed exp in place");
	const double *po = ml_tensor_data(&old);
	bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += !same_value(ML_DOUBLE, px[i], ref_float_unary(ML_EXP, po[i]), 4.5e-16);
	CHECK(bad == 0, "streamed exp in place: %d wrong", bad);

	ml_tensor m;
	ml_tensor_init(&m, ML_BYTE);
	int64_t big = (int64_t)9 << 20;
	ml_tensor z;
	ml_tensor_init_sized(&z, ML_FLOAT, 1, &big, &e);
	fill(&z, r, -1, 1, 0);
	CHECK(ml_math_compare_ts(NULL, ML_GT, &m, &z, ml_scalar_f64(0), &e) == ML_OK, "streamed mask");
	const float *pz = ml_tensor_data(&z);
	const uint8_t *pm = ml_tensor_data(&m);
	bad = 0;
	for (int64_t i = 0; i < big; i++)
		bad += pm[i] != (pz[i] > 0);
	CHECK(bad == 0, "streamed Byte mask: %d wrong", bad);
	ml_tensor_release(&z);
	ml_tensor_release(&m);

	/* 1030 x 1031 + a row; then the same into a transposed result */
	ml_tensor a, row, rt;
	make2d(&a, ML_DOUBLE, 1030, 1031, CONTIG);
	make2d(&row, ML_DOUBLE, 1, 1031, STRIDED);
	fill(&a, r, -3, 3, 0);
	fill(&row, r, -3, 3, 0);
	refcase rc2 = {"add", 2, {&a, &row, NULL}};
	opctx c = {ML_ADD, 0, 0, 0};
	CHECK(ml_math_binary(NULL, ML_ADD, &res, &a, &row, &e) == ML_OK, "streamed broadcast add");
	CHECK(check_result(&res, &rc2, binary_ref, &c, ML_DOUBLE, 0, "streamed broadcast") == 0, "streamed broadcast add");
	make2d(&rt, ML_DOUBLE, 1030, 1031, TRANSPOSED);
	CHECK(ml_math_binary(NULL, ML_ADD, &rt, &a, &row, &e) == ML_OK, "add into a transposed result");
	CHECK(check_result(&rt, &rc2, binary_ref, &c, ML_DOUBLE, 0, "transposed result") == 0, "transposed result");
	ml_tensor_release(&a);
	ml_tensor_release(&row);
	ml_tensor_release(&rt);
	ml_tensor_release(&old);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&res);
}

/* ---- the vectorized exp family ---- */

/* Distance in ulps between got and the correctly rounded want (doubles). */
static double ulp_error(double got, long double want)
{
	if (isnan(want))
		return isnan(got) ? 0 : 1e30;
	if (isinf(want) || isinf(got))
		return (double)want == got ? 0 : 1e30;
	double w = (double)want;
	double ulp = w == 0 ? DBL_TRUE_MIN : nextafter(fabs(w), INFINITY) - fabs(w);
	if (fabs(w) < DBL_MIN)
		ulp = DBL_TRUE_MIN;
	return (double)(fabsl((long double)got - want) / ulp);
}

static void test_vec_accuracy(rng *r)
{
	enum { N = 200000 };
	double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
	float *xf = malloc(N * sizeof *xf), *yf = malloc(N * sizeof *yf);
	for (int i = 0; i < N; i++) {
		double range = i % 4 == 0 ? 760 : i % 4 == 1 ? 40 : i % 4 == 2 ? 1 : 1e-6;
		x[i] = uniform(r, -range, range);
		xf[i] = (float)uniform(r, -110, 100);
	}
	int top = ml_math_simd_level();
	CHECK(ml_math_vec_f64(ML_VEC_EXP, top + 1, 1, y, x) == ML_EINVAL || top == ML_SIMD_AVX512,
	      "an unavailable level is refused");
	for (int level = ML_SIMD_BASE; level <= top; level++) {
		double worst = 0, wx = 0, worst_s = 0, ws = 0, worst_f = 0, worst_fs = 0;
		CHECK(ml_math_vec_f64(ML_VEC_EXP, level, N, y, x) == ML_OK, "level %d", level);
		for (int i = 0; i < N; i++) {
			double u = ulp_error(y[i], expl(x[i]));
			if (u > worst)
				worst = u, wx = x[i];
		}
		ml_math_vec_f64(ML_VEC_SIGMOID, level, N, y, x);
		for (int i = 0; i < N; i++) {
			double u = ulp_error(y[i], 1.0L / (1.0L + expl(-(long double)x[i])));
			if (u > worst_s)
				worst_s = u, ws = x[i];
		}
		ml_math_vec_f32(ML_VEC_EXP, level, N, yf, xf);
		for (int i = 0; i < N; i++) {
			float want = (float)expl(xf[i]);
			double u = want == yf[i] ? 0 : fabs(yf[i] - want) / (nextafterf(fabsf(want), INFINITY) - fabsf(want));
			if (u > worst_f)
				worst_f = u;
		}
		ml_math_vec_f32(ML_VEC_SIGMOID, level, N, yf, xf);
		for (int i = 0; i < N; i++) {
			float want = (float)(1.0L / (1.0L + expl(-(long double)xf[i])));
			double u = want == yf[i] ? 0 : fabs(yf[i] - want) / (nextafterf(fabsf(want), INFINITY) - fabsf(want));
			if (u > worst_fs)
				worst_fs = u;
		}
		printf("  level %d: exp max %.3f ulp (x=%.17g), sigmoid %.3f ulp (x=%.17g), float exp %.3f, float sigmoid %.3f\n",
		       level, worst, wx, worst_s, ws, worst_f, worst_fs);
		CHECK(worst <= 1.5, "exp level %d: %.3f ulp at %.17g", level, worst, wx);
		CHECK(worst_s <= 2.5, "sigmoid level %d: %.3f ulp at %.17g", level, worst_s, ws);
		CHECK(worst_f <= 1.0, "float exp level %d: %.3f ulp", level, worst_f);
		CHECK(worst_fs <= 1.0, "float sigmoid level %d: %.3f ulp", level, worst_fs);
	}
	free(x);
	free(y);
	free(xf);
	free(yf);
}

static void test_vec_edges(void)
{
	const double in[] = {0.0, -0.0, 1.0, -1.0, 708.0, -708.0, 708.4, -708.4, 709.78, 709.7827128933840,
	                     709.79, 710.0, 1000.0, -720.0, -744.4, -745.13, -745.14, -746.0, -1000.0,
	                     INFINITY, -INFINITY, NAN, DBL_MIN, -DBL_TRUE_MIN, 1e-300, 0.5 * M_LN2,
	                     -0.5 * M_LN2, 88.7, -103.9};
	enum { N = sizeof in / sizeof *in };
	double out[N];
	for (int level = ML_SIMD_BASE; level <= ml_math_simd_level(); level++) {
		ml_math_vec_f64(ML_VEC_EXP, level, N, out, in);
		for (int i = 0; i < N; i++) {
			long double want = expl(in[i]);
			CHECK(ulp_error(out[i], want) <= 1.0, "exp(%.17g) level %d = %a, want %a", in[i], level, out[i],
			      (double)want);
		}
		CHECK(out[0] == 1 && out[1] == 1 && isinf(out[11]) && out[18] == 0 && isinf(out[19]) &&
		          out[20] == 0 && isnan(out[21]) && !signbit(out[20]),
		      "exp specials at level %d", level);
		CHECK(out[13] > 0 && out[13] < DBL_MIN, "exp(-720) is subnormal, not 0 (level %d)", level);
		ml_math_vec_f64(ML_VEC_SIGMOID, level, N, out, in);
		for (int i = 0; i < N; i++) {
			long double want = 1.0L / (1.0L + expl(-(long double)in[i]));
			CHECK(ulp_error(out[i], want) <= 2.0, "sigmoid(%.17g) level %d = %a", in[i], level, out[i]);
		}
		CHECK(out[0] == 0.5 && out[12] == 1 && out[19] == 1 && out[20] == 0 && isnan(out[21]),
		      "sigmoid specials at level %d", level);
		float fin[] = {0.0f, 88.7f, 89.0f, -103.9f, -104.0f, -200.0f, INFINITY, -INFINITY, NAN, 1.0f};
		float fout[10];
		ml_math_vec_f32(ML_VEC_EXP, level, 10, fout, fin);
		CHECK(fout[0] == 1 && isfinite(fout[1]) && isinf(fout[2]) && fout[3] > 0 && fout[5] == 0 &&
		          isinf(fout[6]) && fout[7] == 0 && isnan(fout[8]) && fout[9] == (float)M_E,
		      "float exp specials at level %d: %a %a %a %a %a", level, fout[0], fout[1], fout[2], fout[3], fout[9]);
	}
	/* in place, and odd lengths around the block size */
	for (int64_t n = 0; n < 1100; n += 173) {
		double *a = malloc((size_t)(n + 1) * sizeof *a);
		for (int64_t i = 0; i < n; i++)
			a[i] = (double)i / 7 - 50;
		ml_math_vec_f64(ML_VEC_EXP, ML_SIMD_AUTO, n, a, a);
		int bad = 0;
		for (int64_t i = 0; i < n; i++)
			bad += ulp_error(a[i], expl((double)i / 7 - 50)) > 1.5;
		CHECK(bad == 0, "in-place exp of %lld elements: %d wrong", (long long)n, bad);
		free(a);
	}
}

int main(void)
{
	rng r = {0x9e3779b97f4a7c15ull};
	test_unary(&r);
	test_unary_inplace(&r);
	test_binary(&r);
	test_scalar_forms(&r);
	test_integer_edges();
	test_float_edges();
	test_fused(&r);
	test_compare(&r);
	test_shapes(&r);
	test_large(&r);
	test_streamed(&r);
	test_vec_accuracy(&r);
	test_vec_edges();
	return check_done();
}
