/*
 * test_reduce.c - kernels/reduce.c against naive reference loops.
 *
 * The references walk every output by multi-index and every element through
 * ml_tensor_ptr, accumulating in long double (floats) or wrapping uint64
 * (integers), with two-pass variances: nothing shared with the kernel's tiles,
 * streams, sweeps or threads.  Every op runs on every dtype, on contiguous,
 * transposed and narrowed views, along each dim, on odd sizes and sizes that
 * cross the kernel's block, tile and threading thresholds, and on empty
 * tensors.  Accuracy tests compare sums and variances with closed forms where
 * naive summation visibly fails.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "reduce.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

/* Fills t (any strides) with values suited to its dtype; prodish keeps
 * products in range (|x| near 1 for floats, small integers). */
static void fill_random(ml_tensor *t, int prodish)
{
	int64_t n = ml_tensor_numel(t), idx[ML_MAX_DIMS] = {0};
	for (int64_t k = 0; k < n; k++) {
		void *p = ml_tensor_ptr(t, idx);
		switch (t->dtype) {
		case ML_BYTE: ml_store_i64(t->dtype, p, (int64_t)(rnd() % (prodish ? 4 : 256))); break;
		case ML_CHAR: ml_store_i64(t->dtype, p, (int64_t)(rnd() % (prodish ? 7 : 256)) - (prodish ? 3 : 128)); break;
		case ML_SHORT: ml_store_i64(t->dtype, p, (int64_t)(rnd() % 2001) - 1000); break;
		case ML_INT: ml_store_i64(t->dtype, p, (int64_t)(rnd() % 200001) - 100000); break;
		case ML_LONG: ml_store_i64(t->dtype, p, (int64_t)(rnd() % 2000000001ull) - 1000000000); break;
		default: ml_store_f64(t->dtype, p, prodish ? 0.5 + unif() : 4 * unif() - 2); break;
		}
		for (int d = t->ndim - 1; d >= 0; d--) {
			if (++idx[d] < t->size[d])
				break;
			idx[d] = 0;
		}
	}
}

/* ---- the reference ---- */

typedef struct refv {
	int is_int;     /* exact integer result in i */
	int64_t i;      /* integer value */
	long double f;  /* value */
	int64_t idx;    /* min/max index */
} refv;

static refv ref_line(ml_reduce_op op, ml_dtype dt, const long double *lf, const int64_t *li,
                     int64_t n, double arg)
{
	int isf = ml_dtype_info[dt].is_float;
	refv r = {0, 0, 0, 0};
	switch (op) {
	case ML_REDUCE_SUM:
	case ML_REDUCE_MEAN: {
		uint64_t s = 0;
		long double f = 0;
		for (int64_t k = 0; k < n; k++) {
			s += (uint64_t)li[k];
			f += lf[k];
		}
		if (!isf && op == ML_REDUCE_SUM) {
			r.is_int = 1;
			r.i = (int64_t)s;
		}
		r.f = isf ? f : (long double)(int64_t)s;
		if (op == ML_REDUCE_MEAN)
			r.f = n ? r.f / n : NAN;
		break;
	}
	case ML_REDUCE_PROD: {
		uint64_t s = 1;
		long double f = 1;
		for (int64_t k = 0; k < n; k++) {
			s *= (uint64_t)li[k];
			f *= lf[k];
		}
		r.is_int = !isf;
		r.i = (int64_t)s;
		r.f = isf ? f : (long double)(int64_t)s;
		break;
	}
	case ML_REDUCE_VAR:
	case ML_REDUCE_STD: {
		long double m = 0, s = 0;
		for (int64_t k = 0; k < n; k++)
			m += lf[k];
		m /= n;
		for (int64_t k = 0; k < n; k++)
			s += (lf[k] - m) * (lf[k] - m);
		long double den = (long double)n - (arg != 0 ? 0 : 1);
		r.f = den > 0 ? s / den : NAN;
		if (op == ML_REDUCE_STD)
			r.f = sqrtl(r.f);
		break;
	}
	case ML_REDUCE_MIN:
	case ML_REDUCE_MAX: {
		int mx = op == ML_REDUCE_MAX;
		r.is_int = !isf;
		r.f = lf[0];
		r.i = li[0];
		for (int64_t k = 1; k < n; k++) {
			if (r.f != r.f)
				break;
			int take = isf ? (lf[k] != lf[k] || (mx ? lf[k] > r.f : lf[k] < r.f))
			               : (mx ? li[k] > r.i : li[k] < r.i);
			if (take) {
				r.f = lf[k];
				r.i = li[k];
				r.idx = k;
			}
		}
		break;
	}
	case ML_REDUCE_NORM: {
		long double s = 0;
		for (int64_t k = 0; k < n; k++) {
			long double a = fabsl(lf[k]);
			if (arg == 0)
				s += lf[k] != 0;
			else if (isinf(arg))
				s = (a > s || a != a || s != s) ? (s != s ? s : a) : s;
			else
				s += powl(a, arg);
		}
		r.f = (arg == 0 || isinf(arg)) ? s : powl(s, 1.0L / arg);
		break;
	}
	default: break;
	}
	return r;
}

/* Loads the line of x through idx (idx[dim] varies) into lf/li. */
static void gather(const ml_tensor *x, int64_t *idx, int dim, long double *lf, int64_t *li)
{
	for (int64_t k = 0; k < x->size[dim]; k++) {
		idx[dim] = k;
		const void *p = ml_tensor_ptr(x, idx);
		li[k] = ml_load_i64(x->dtype, p);
		lf[k] = ml_dtype_info[x->dtype].is_float ? (long double)ml_load_f64(x->dtype, p)
		                                         : (long double)li[k];
	}
	idx[dim] = 0;
}

/* Checks one value v (element of a tensor of dtype rdt) against r. */
static int agrees(ml_dtype rdt, const void *v, const refv *r)
{
	unsigned char buf[8];
	if (r->is_int) {
		ml_store_i64(rdt, buf, r->i);
		return ml_load_i64(rdt, buf) == ml_load_i64(rdt, v);
	}
	ml_store_f64(rdt, buf, (double)r->f);
	double want = ml_load_f64(rdt, buf), got = ml_load_f64(rdt, v);
	double tol = rdt == ML_FLOAT ? 2e-6 : ml_dtype_info[rdt].is_float ? 1e-11 : 0;
	if (want != want || got != got)
		return want != want && got != got;
	return fabs(got - want) <= tol * (1 + fabs(want)) || (!ml_dtype_info[rdt].is_float && fabs(got - want) <= 1);
}

static int checks_total;

/* ml_reduce_dim(op) on x along dim against the reference; returns failures. */
static int check_dim_op(ml_reduce_op op, const ml_tensor *x, int dim, double arg, const char *what)
{
	ml_tensor res, ind;
	ml_dtype rdt = ml_reduce_result_dtype(op, x->dtype);
	ml_tensor_init(&res, rdt);
	ml_tensor_init(&ind, ML_LONG);
	int want_ind = op == ML_REDUCE_MIN || op == ML_REDUCE_MAX;
	ml_error e;
	int rc = ml_reduce_dim(op, &res, want_ind ? &ind : NULL, x, dim, arg, &e);
	int bad = 0;
	CHECK(rc == ML_OK, "%s: %s dim %d failed: %s", what, ml_reduce_name(op), dim, e.msg);
	if (rc)
		return 1;
	CHECK(res.ndim == x->ndim && res.size[dim] == 1, "%s: result shape", what);
	int64_t n = x->size[dim], nout = ml_tensor_numel(&res);
	long double *lf = malloc(sizeof(long double) * (size_t)(n + 1));
	int64_t *li = malloc(sizeof(int64_t) * (size_t)(n + 1));
	int64_t idx[ML_MAX_DIMS] = {0};
	for (int64_t o = 0; o < nout; o++) {
		gather(x, idx, dim, lf, li);
		refv r = ref_line(op, x->dtype, lf, li, n, arg);
		const void *got = ml_tensor_ptr(&res, idx);
		if (!agrees(rdt, got, &r)) {
			if (bad++ < 3)
				CHECK(0, "%s: %s(dim %d, arg %g) output %lld: got %.17g want %.17Lg", what,
				      ml_reduce_name(op), dim, arg, (long long)o, ml_load_f64(rdt, got), r.f);
		}
		if (want_ind && *(const int64_t *)ml_tensor_ptr(&ind, idx) != r.idx) {
			if (bad++ < 3)
				CHECK(0, "%s: %s(dim %d) output %lld: index %lld, want %lld", what, ml_reduce_name(op),
				      dim, (long long)o, (long long)*(const int64_t *)ml_tensor_ptr(&ind, idx),
				      (long long)r.idx);
		}
		checks_total++;
		for (int d = x->ndim - 1; d >= 0; d--) {
			if (d == dim)
				continue;
			if (++idx[d] < x->size[d])
				break;
			idx[d] = 0;
		}
	}
	if (!bad)
		CHECK(1, "ok");
	free(lf);
	free(li);
	ml_tensor_release(&res);
	ml_tensor_release(&ind);
	return bad;
}

/* ml_reduce_all(op) on x against the reference over the flattened elements. */
static void check_all_op(ml_reduce_op op, const ml_tensor *x, double arg, const char *what)
{
	int64_t n = ml_tensor_numel(x), idx[ML_MAX_DIMS] = {0};
	long double *lf = malloc(sizeof(long double) * (size_t)(n + 1));
	int64_t *li = malloc(sizeof(int64_t) * (size_t)(n + 1));
	for (int64_t k = 0; k < n; k++) {
		const void *p = ml_tensor_ptr(x, idx);
		li[k] = ml_load_i64(x->dtype, p);
		lf[k] = ml_dtype_info[x->dtype].is_float ? (long double)ml_load_f64(x->dtype, p)
		                                         : (long double)li[k];
		for (int d = x->ndim - 1; d >= 0; d--) {
			if (++idx[d] < x->size[d])
				break;
			idx[d] = 0;
		}
	}
	refv r = ref_line(op, x->dtype, lf, li, n, arg);
	ml_scalar v;
	ml_error e;
	int rc = ml_reduce_all(op, x, arg, &v, &e);
	CHECK(rc == ML_OK, "%s: all %s: %s", what, ml_reduce_name(op), e.msg);
	if (r.is_int) {
		CHECK(v.is_int && v.i == r.i, "%s: all %s = %lld, want %lld", what, ml_reduce_name(op),
		      (long long)v.i, (long long)r.i);
	} else {
		double tol = x->dtype == ML_FLOAT ? 1e-9 : 1e-11;
		CHECK(!v.is_int && check_near(v.f, (double)r.f, tol), "%s: all %s(%g) = %.17g, want %.17Lg",
		      what, ml_reduce_name(op), arg, v.f, r.f);
	}
	free(lf);
	free(li);
}

static const struct {
	ml_reduce_op op;
	double arg;
} op_list[] = {
	{ML_REDUCE_SUM, 0},  {ML_REDUCE_PROD, 0}, {ML_REDUCE_MEAN, 0},     {ML_REDUCE_VAR, 0},
	{ML_REDUCE_VAR, 1},  {ML_REDUCE_STD, 0},  {ML_REDUCE_STD, 1},      {ML_REDUCE_MIN, 0},
	{ML_REDUCE_MAX, 0},  {ML_REDUCE_NORM, 2}, {ML_REDUCE_NORM, 1},     {ML_REDUCE_NORM, 0},
	{ML_REDUCE_NORM, 3}, {ML_REDUCE_NORM, INFINITY},
};
#define NOPS_LIST ((int)(sizeof op_list / sizeof op_list[0]))

/* Makes a view of the given kind: 0 contiguous, 1 transposed (first and last
 * dims swapped in memory), 2 narrowed inside a larger tensor.  prodish as in
 * fill_random.  base receives the owning tensor. */
static void make_view(ml_tensor *v, ml_tensor *base, ml_dtype dt, int ndim, const int64_t *size,
                      int kind, int prodish)
{
	int64_t sz[ML_MAX_DIMS];
	memcpy(sz, size, sizeof(int64_t) * (size_t)ndim);
	if (kind == 1 && ndim > 1) {
		sz[0] = size[ndim - 1];
		sz[ndim - 1] = size[0];
	}
	if (kind == 2) {
		sz[0] += 2;
		sz[ndim - 1] += 3;
	}
	ml_tensor_init_sized(base, dt, ndim, sz, NULL);
	fill_random(base, prodish);
	ml_tensor_init(v, dt);
	ml_tensor_set(v, base);
	if (kind == 1 && ndim > 1)
		ml_tensor_transpose(v, 0, ndim - 1, NULL);
	if (kind == 2) {
		ml_tensor_narrow(v, 0, 1, size[0], NULL);
		ml_tensor_narrow(v, ndim - 1, 2, size[ndim - 1], NULL);
	}
}

static void test_matrix(void)
{
	static const int64_t shapes[][4] = {
		{7}, {5, 13}, {3, 1, 130}, {300, 3}, {3, 300}, {129, 257}, {4, 1100}, {2, 3, 4, 5},
	};
	static const int ndims[] = {1, 2, 3, 2, 2, 2, 2, 4};
	int fails = 0;
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		for (int s = 0; s < (int)(sizeof ndims / sizeof ndims[0]); s++) {
			for (int kind = 0; kind < 3; kind++) {
				for (int prodish = 0; prodish < 2; prodish++) {
					ml_tensor v, base;
					make_view(&v, &base, (ml_dtype)dt, ndims[s], shapes[s], kind, prodish);
					char what[96];
					snprintf(what, sizeof what, "%s shape#%d view %d", ml_dtype_name((ml_dtype)dt), s, kind);
					for (int o = 0; o < NOPS_LIST; o++) {
						if ((op_list[o].op == ML_REDUCE_PROD) != prodish)
							continue;
						for (int d = 0; d < v.ndim; d++)
							fails += check_dim_op(op_list[o].op, &v, d, op_list[o].arg, what);
						check_all_op(op_list[o].op, &v, op_list[o].arg, what);
					}
					ml_tensor_release(&v);
					ml_tensor_release(&base);
				}
			}
		}
	}
	CHECK(fails == 0, "%d failures in the dtype x shape x view matrix (%d outputs checked)", fails,
	      checks_total);
}

/* Sizes that cross the threading thresholds (2 x 65536 elements). */
static void test_threaded(void)
{
	static const int64_t shape[2] = {600, 301};
	ml_dtype dts[3] = {ML_DOUBLE, ML_FLOAT, ML_SHORT};
	for (int t = 0; t < 3; t++) {
		for (int kind = 0; kind < 2; kind++) {
			ml_tensor v, base;
			make_view(&v, &base, dts[t], 2, shape, kind, 0);
			for (int o = 0; o < NOPS_LIST; o++) {
				if (op_list[o].op == ML_REDUCE_PROD)
					continue;
				for (int d = 0; d < 2; d++)
					check_dim_op(op_list[o].op, &v, d, op_list[o].arg, "threaded");
				check_all_op(op_list[o].op, &v, op_list[o].arg, "threaded");
			}
			/* one long line: split over threads, with the index */
			ml_tensor line = v;
			int64_t n = ml_tensor_numel(&v);
			if (kind == 0) {
				ml_tensor_view(&line, 1, &n, NULL);
				check_dim_op(ML_REDUCE_MAX, &line, 0, 0, "threaded line");
				check_dim_op(ML_REDUCE_MIN, &line, 0, 0, "threaded line");
				check_dim_op(ML_REDUCE_VAR, &line, 0, 0, "threaded line");
				check_dim_op(ML_REDUCE_SUM, &line, 0, 0, "threaded line");
			}
			ml_tensor_release(&v);
			ml_tensor_release(&base);
		}
	}
}

/* ---- cumulative ---- */

static void check_cum(int is_prod, const ml_tensor *x, int dim, const char *what)
{
	ml_tensor res;
	ml_tensor_init(&res, x->dtype);
	ml_error e;
	int rc = (is_prod ? ml_reduce_cumprod : ml_reduce_cumsum)(&res, x, dim, &e);
	CHECK(rc == ML_OK, "%s: cum: %s", what, e.msg);
	CHECK(ml_tensor_same_size(&res, x), "%s: cum shape", what);
	int isf = ml_dtype_info[x->dtype].is_float;
	int64_t n = x->size[dim], nout = ml_tensor_numel(x) / (n ? n : 1);
	int64_t idx[ML_MAX_DIMS] = {0};
	int bad = 0;
	for (int64_t o = 0; o < nout && n; o++) {
		long double f = is_prod ? 1 : 0;
		uint64_t s = is_prod ? 1 : 0;
		for (int64_t k = 0; k < n; k++) {
			idx[dim] = k;
			const void *p = ml_tensor_ptr(x, idx);
			if (isf)
				f = is_prod ? f * ml_load_f64(x->dtype, p) : f + ml_load_f64(x->dtype, p);
			else
				s = is_prod ? s * (uint64_t)ml_load_i64(x->dtype, p) : s + (uint64_t)ml_load_i64(x->dtype, p);
			refv r = {!isf, (int64_t)s, f, 0};
			if (!agrees(x->dtype, ml_tensor_ptr(&res, idx), &r) && bad++ < 3)
				CHECK(0, "%s: cum%s dim %d at line %lld elem %lld: got %.17g want %.17Lg", what,
				      is_prod ? "prod" : "sum", dim, (long long)o, (long long)k,
				      ml_load_f64(x->dtype, ml_tensor_ptr(&res, idx)), isf ? f : (long double)(int64_t)s);
		}
		idx[dim] = 0;
		for (int d = x->ndim - 1; d >= 0; d--) {
			if (d == dim)
				continue;
			if (++idx[d] < x->size[d])
				break;
			idx[d] = 0;
		}
	}
	CHECK(bad == 0, "%s: %d cumulative mismatches", what, bad);
	ml_tensor_release(&res);
}

static void test_cumulative(void)
{
	static const int64_t shapes[][3] = {{7}, {5, 13}, {3, 1, 130}, {300, 3}, {3, 300}, {2, 700}};
	static const int ndims[] = {1, 2, 3, 2, 2, 2};
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		for (int s = 0; s < 6; s++) {
			for (int kind = 0; kind < 3; kind++) {
				for (int is_prod = 0; is_prod < 2; is_prod++) {
					ml_tensor v, base;
					make_view(&v, &base, (ml_dtype)dt, ndims[s], shapes[s], kind, is_prod);
					char what[64];
					snprintf(what, sizeof what, "%s shape#%d view %d", ml_dtype_name((ml_dtype)dt), s, kind);
					for (int d = 0; d < v.ndim; d++)
						check_cum(is_prod, &v, d, what);
					ml_tensor_release(&v);
					ml_tensor_release(&base);
				}
			}
		}
	}
	/* in place: res is x itself */
	int64_t sz[2] = {4, 5};
	ml_tensor x, ref;
	ml_tensor_init_sized(&x, ML_INT, 2, sz, NULL);
	fill_random(&x, 0);
	ml_tensor_clone_as(&ref, &x, ML_LONG, NULL);
	ml_error e;
	CHECK(ml_reduce_cumsum(&x, &x, 1, &e) == ML_OK, "in-place cumsum: %s", e.msg);
	int ok = 1;
	for (int64_t i = 0; i < 4; i++) {
		int64_t s = 0;
		for (int64_t j = 0; j < 5; j++) {
			int64_t id[2] = {i, j};
			s += *(int64_t *)ml_tensor_ptr(&ref, id);
			ok &= *(int32_t *)ml_tensor_ptr(&x, id) == (int32_t)s;
		}
	}
	CHECK(ok, "in-place cumsum matches");
	/* res aliasing x through a transposed view: computed aside */
	ml_tensor tv;
	ml_tensor_init(&tv, ML_INT);
	ml_tensor_set(&tv, &x);
	int64_t sq[2] = {5, 5};
	ml_tensor sqx;
	ml_tensor_init_sized(&sqx, ML_DOUBLE, 2, sq, NULL);
	for (int64_t i = 0; i < 25; i++)
		((double *)ml_tensor_data(&sqx))[i] = (double)i;
	ml_tensor alias;
	ml_tensor_init(&alias, ML_DOUBLE);
	ml_tensor_set(&alias, &sqx);
	ml_tensor_transpose(&alias, 0, 1, NULL);
	CHECK(ml_reduce_cumsum(&alias, &sqx, 1, &e) == ML_OK, "aliased cumsum: %s", e.msg);
	/* alias keeps its (transposed) strides, as Torch7's resize does:
	 * alias[i][j] = sum_{k<=j} (i*5+k), and alias[i][j] is sqx[j][i] */
	int64_t id[2] = {3, 2};
	CHECK(*(double *)ml_tensor_ptr(&sqx, id) == 10 + 11 + 12 + 13, "aliased cumsum value %g",
	      *(double *)ml_tensor_ptr(&sqx, id));
	ml_tensor_release(&alias);
	ml_tensor_release(&sqx);
	ml_tensor_release(&tv);
	ml_tensor_release(&x);
	ml_tensor_release(&ref);
}

/* ---- accuracy ---- */

static void test_accuracy(void)
{
	ml_error e;
	ml_scalar v;
	/* 1e6 copies of 0.1: the exact sum of the stored double is n * 0.1 */
	int64_t n = 1000000;
	ml_tensor x;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, NULL);
	ml_tensor_fill(&x, 0.1);
	long double exact = (long double)n * (long double)0.1; /* the double 0.1, times n */
	double naive = 0;
	for (int64_t i = 0; i < n; i++)
		naive += 0.1;
	CHECK(fabsl(naive - exact) > 1e-7, "naive summation loses precision here (%.3Lg)", naive - exact);
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &x, 0, &v, &e) == ML_OK, "sum: %s", e.msg);
	CHECK(fabsl(v.f - exact) < 1e-9, "pairwise sum of 1e6 x 0.1: error %.3Lg", v.f - exact);
	CHECK(ml_reduce_all(ML_REDUCE_MEAN, &x, 0, &v, &e) == ML_OK, "mean: %s", e.msg);
	CHECK(fabs(v.f - 0.1) < 1e-15, "mean of 0.1s: %.17g", v.f);

	/* along a dim, both layouts: (n/2) x 2 along dim 0 sweeps rows, 2 x (n/2) along dim 1 runs lines */
	int64_t sz[2] = {n / 2, 2};
	ml_tensor_view(&x, 2, sz, NULL);
	ml_tensor r;
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &r, NULL, &x, 0, 0, &e) == ML_OK, "sum dim: %s", e.msg);
	long double half = (long double)(n / 2) * (long double)0.1;
	CHECK(fabsl(((double *)ml_tensor_data(&r))[1] - half) < 1e-9, "sweep sum error %.3Lg",
	      ((double *)ml_tensor_data(&r))[1] - half);
	int64_t sz2[2] = {2, n / 2};
	ml_tensor_view(&x, 2, sz2, NULL);
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &r, NULL, &x, 1, 0, &e) == ML_OK, "sum dim: %s", e.msg);
	CHECK(fabsl(((double *)ml_tensor_data(&r))[1] - half) < 1e-9, "line sum error %.3Lg",
	      ((double *)ml_tensor_data(&r))[1] - half);
	ml_tensor_release(&r);
	ml_tensor_view(&x, 1, &n, NULL);

	/* 1e16 followed by 1e6 ones: naive summation keeps 1e16 */
	((double *)ml_tensor_data(&x))[0] = 1e16;
	for (int64_t i = 1; i < n; i++)
		((double *)ml_tensor_data(&x))[i] = 1;
	naive = 0;
	for (int64_t i = 0; i < n; i++)
		naive += ((double *)ml_tensor_data(&x))[i];
	exact = 1e16L + (long double)(n - 1);
	CHECK(fabsl(naive - exact) > 1e5, "naive loses the ones (%.3Lg)", naive - exact);
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &x, 0, &v, &e) == ML_OK, "sum: %s", e.msg);
	CHECK(fabsl(v.f - exact) <= 64, "pairwise sum of 1e16 + ones: error %.3Lg", v.f - exact);

	/* Float: accumulated in double, so 1e6 x 0.1f is exact to double precision */
	ml_tensor xf;
	ml_tensor_clone_as(&xf, &x, ML_FLOAT, NULL);
	ml_tensor_fill(&xf, 0.1);
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &xf, 0, &v, &e) == ML_OK, "sum: %s", e.msg);
	exact = (long double)n * (long double)0.1f;
	CHECK(fabsl(v.f - exact) < 1e-8, "Float sum of 0.1f: error %.3Lg", v.f - exact);
	ml_tensor_release(&xf);

	/* var with a large offset: 1e9 + noise in [0, 1) */
	for (int64_t i = 0; i < n; i++)
		((double *)ml_tensor_data(&x))[i] = 1e9 + unif();
	long double m = 0, s2 = 0;
	double sx = 0, sxx = 0;
	for (int64_t i = 0; i < n; i++) {
		double xi = ((double *)ml_tensor_data(&x))[i];
		m += xi;
		sx += xi;
		sxx += xi * xi;
	}
	m /= n;
	for (int64_t i = 0; i < n; i++) {
		long double d = ((double *)ml_tensor_data(&x))[i] - m;
		s2 += d * d;
	}
	long double var = s2 / (n - 1);
	double onepass = (sxx - sx * sx / (double)n) / (double)(n - 1);
	CHECK(fabsl(onepass - var) > 0.01 * var, "the one-pass formula fails here (%g vs %Lg)", onepass, var);
	CHECK(ml_reduce_all(ML_REDUCE_VAR, &x, 0, &v, &e) == ML_OK, "var: %s", e.msg);
	CHECK(fabsl(v.f - var) < 1e-9 * var, "var with offset 1e9: %.17g, want %.17Lg", v.f, var);
	CHECK(fabsl(var - 1.0L / 12) < 1e-3, "noise variance near 1/12 (%Lg)", var);
	int64_t szv[2] = {n / 4, 4};
	ml_tensor_view(&x, 2, szv, NULL);
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_reduce_dim(ML_REDUCE_STD, &r, NULL, &x, 0, 0, &e) == ML_OK, "std dim: %s", e.msg);
	for (int j = 0; j < 4; j++) {
		double sd = ((double *)ml_tensor_data(&r))[j];
		CHECK(fabs(sd - sqrt(1.0 / 12)) < 2e-3, "std of column %d with offset: %g", j, sd);
	}
	ml_tensor_release(&r);
	ml_tensor_release(&x);

	/* integer sums are exact past 2^53 and past the dtype's range */
	int64_t three = 3;
	ml_tensor xl;
	ml_tensor_init_sized(&xl, ML_LONG, 1, &three, NULL);
	int64_t *pl = ml_tensor_data(&xl);
	pl[0] = (INT64_C(1) << 53) + 1;
	pl[1] = 1;
	pl[2] = 1;
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &xl, 0, &v, &e) == ML_OK && v.is_int &&
	      v.i == (INT64_C(1) << 53) + 3, "exact Long sum %lld", (long long)v.i);
	pl[0] = INT64_MAX;
	pl[1] = INT64_MIN;
	pl[2] = -5;
	CHECK(ml_reduce_all(ML_REDUCE_MAX, &xl, 0, &v, &e) == ML_OK && v.i == INT64_MAX, "Long max");
	CHECK(ml_reduce_all(ML_REDUCE_MIN, &xl, 0, &v, &e) == ML_OK && v.i == INT64_MIN, "Long min");
	ml_tensor_release(&xl);
	int64_t nb = 1000;
	ml_tensor xb;
	ml_tensor_init_sized(&xb, ML_BYTE, 1, &nb, NULL);
	ml_tensor_fill(&xb, 255);
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &xb, 0, &v, &e) == ML_OK && v.is_int && v.i == 255000,
	      "Byte sum does not wrap: %lld", (long long)v.i);
	CHECK(ml_reduce_all(ML_REDUCE_MEAN, &xb, 0, &v, &e) == ML_OK && v.f == 255, "Byte mean %g", v.f);
	ml_tensor rl;
	ml_tensor_init(&rl, ML_LONG); /* a Long result avoids wrapping along a dim */
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &rl, NULL, &xb, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&rl) == 255000, "Byte sum into a LongTensor");
	ml_tensor_release(&rl);
	ml_tensor_release(&xb);
}

/* ---- NaN, ties, infinities ---- */

static void test_special(void)
{
	ml_error e;
	ml_scalar v;
	int64_t n = 300;
	ml_tensor x, r, ind;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, NULL);
	double *p = ml_tensor_data(&x);
	ml_tensor_fill(&x, -INFINITY);
	CHECK(ml_reduce_all(ML_REDUCE_MAX, &x, 0, &v, &e) == ML_OK && v.f == -INFINITY, "max of -infs %g", v.f);
	CHECK(ml_reduce_all(ML_REDUCE_NORM, &x, INFINITY, &v, &e) == ML_OK && v.f == INFINITY, "inf-norm %g", v.f);
	ml_tensor_fill(&x, INFINITY);
	CHECK(ml_reduce_all(ML_REDUCE_MIN, &x, 0, &v, &e) == ML_OK && v.f == INFINITY, "min of infs %g", v.f);
	for (int64_t i = 0; i < n; i++)
		p[i] = (double)(i % 7);
	p[200] = NAN;
	p[250] = NAN;
	CHECK(ml_reduce_all(ML_REDUCE_MAX, &x, 0, &v, &e) == ML_OK && isnan(v.f), "max with NaN is NaN");
	CHECK(ml_reduce_all(ML_REDUCE_MIN, &x, 0, &v, &e) == ML_OK && isnan(v.f), "min with NaN is NaN");
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &x, 0, &v, &e) == ML_OK && isnan(v.f), "sum with NaN is NaN");
	CHECK(ml_reduce_all(ML_REDUCE_NORM, &x, INFINITY, &v, &e) == ML_OK && isnan(v.f), "inf-norm with NaN");
	ml_tensor_init(&r, ML_DOUBLE);
	ml_tensor_init(&ind, ML_LONG);
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_OK, "max dim: %s", e.msg);
	CHECK(isnan(*(double *)ml_tensor_data(&r)) && *(int64_t *)ml_tensor_data(&ind) == 200,
	      "max index is the first NaN (%lld)", (long long)*(int64_t *)ml_tensor_data(&ind));
	p[200] = p[250] = 0;
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 6, "max ties give the first index");
	CHECK(ml_reduce_dim(ML_REDUCE_MIN, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 0, "min ties give the first index");
	/* NaN in a swept column: index of the first NaN per column */
	int64_t sz[2] = {100, 3};
	ml_tensor_view(&x, 2, sz, NULL);
	p[3 * 10 + 1] = NAN;
	p[3 * 40 + 1] = NAN;
	CHECK(ml_reduce_dim(ML_REDUCE_MIN, &r, &ind, &x, 0, 0, &e) == ML_OK, "min dim: %s", e.msg);
	CHECK(isnan(((double *)ml_tensor_data(&r))[1]) && ((int64_t *)ml_tensor_data(&ind))[1] == 10,
	      "sweep: first NaN wins");
	CHECK(((double *)ml_tensor_data(&r))[0] == 0 && ((int64_t *)ml_tensor_data(&ind))[0] == 0,
	      "sweep: other columns unaffected");
	ml_tensor_release(&r);
	ml_tensor_release(&ind);
	ml_tensor_release(&x);
}

/* ---- empty tensors ---- */

static void test_empty(void)
{
	ml_error e;
	ml_scalar v;
	ml_tensor none, x, r, ind;
	ml_tensor_init(&none, ML_DOUBLE);
	CHECK(ml_reduce_all(ML_REDUCE_SUM, &none, 0, &v, &e) == ML_OK && v.f == 0, "sum of empty is 0");
	CHECK(ml_reduce_all(ML_REDUCE_PROD, &none, 0, &v, &e) == ML_OK && v.f == 1, "prod of empty is 1");
	CHECK(ml_reduce_all(ML_REDUCE_MEAN, &none, 0, &v, &e) == ML_OK && isnan(v.f), "mean of empty is NaN");
	CHECK(ml_reduce_all(ML_REDUCE_VAR, &none, 0, &v, &e) == ML_OK && isnan(v.f), "var of empty is NaN");
	CHECK(ml_reduce_all(ML_REDUCE_MAX, &none, 0, &v, &e) == ML_EINVAL && strstr(e.msg, "torch.max: the tensor is empty"),
	      "max of empty fails: %s", e.msg);
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &none, NULL, &none, 0, 0, &e) == ML_ERANGE &&
	      strstr(e.msg, "torch.sum: dimension 1 out of range for a 0-dimensional tensor"), "%s", e.msg);
	int64_t sz[2] = {0, 3};
	ml_tensor_init_sized(&x, ML_INT, 2, sz, NULL);
	ml_tensor_init(&r, ML_INT);
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &r, NULL, &x, 0, 0, &e) == ML_OK && r.size[0] == 1 && r.size[1] == 3,
	      "sum over an empty dim has shape 1x3");
	CHECK(((int32_t *)ml_tensor_data(&r))[2] == 0, "and holds zeros");
	CHECK(ml_reduce_dim(ML_REDUCE_PROD, &r, NULL, &x, 0, 0, &e) == ML_OK && ((int32_t *)ml_tensor_data(&r))[1] == 1,
	      "prod over an empty dim is 1");
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &r, NULL, &x, 1, 0, &e) == ML_OK && r.size[0] == 0 && r.size[1] == 1,
	      "sum along the full dim of 0x3 is 0x1");
	ml_tensor_init(&ind, ML_LONG);
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_EINVAL &&
	      strstr(e.msg, "torch.max: cannot reduce the empty dimension 1"), "%s", e.msg);
	ml_tensor rd;
	ml_tensor_init(&rd, ML_DOUBLE);
	CHECK(ml_reduce_dim(ML_REDUCE_MEAN, &rd, NULL, &x, 0, 0, &e) == ML_OK && isnan(((double *)ml_tensor_data(&rd))[0]),
	      "mean over an empty dim is NaN");
	CHECK(ml_reduce_cumsum(&r, &x, 0, &e) == ML_OK && r.size[0] == 0 && r.size[1] == 3, "cumsum of 0x3");
	int b;
	CHECK(ml_reduce_logical(&x, 1, &b, &e) == ML_OK && b == 1, "all() of empty is true");
	CHECK(ml_reduce_logical(&x, 0, &b, &e) == ML_OK && b == 0, "any() of empty is false");
	ml_tensor_release(&rd);
	ml_tensor_release(&ind);
	ml_tensor_release(&r);
	ml_tensor_release(&x);
}

/* ---- dist, trace, all/any, errors ---- */

static void test_misc(void)
{
	ml_error e;
	ml_scalar v;
	double d;
	int64_t sz[2] = {37, 5}, szb[1] = {5};
	ml_tensor x, y, yb;
	ml_tensor_init_sized(&x, ML_FLOAT, 2, sz, NULL);
	ml_tensor_init_sized(&y, ML_DOUBLE, 2, sz, NULL);
	ml_tensor_init_sized(&yb, ML_INT, 1, szb, NULL);
	fill_random(&x, 0);
	fill_random(&y, 0);
	fill_random(&yb, 0);
	const double ps[5] = {2, 1, 0, 3, INFINITY};
	for (int k = 0; k < 5; k++) {
		for (int bc = 0; bc < 2; bc++) {
			const ml_tensor *o = bc ? &yb : &y;
			long double s = 0;
			for (int64_t i = 0; i < 37; i++) {
				for (int64_t j = 0; j < 5; j++) {
					int64_t id[2] = {i, j}, jd[1] = {j};
					long double a = fabsl((long double)ml_load_f64(ML_FLOAT, ml_tensor_ptr(&x, id)) -
					                      ml_load_f64(o->dtype, ml_tensor_ptr(o, bc ? jd : id)));
					if (ps[k] == 0)
						s += a != 0;
					else if (isinf(ps[k]))
						s = a > s ? a : s;
					else
						s += powl(a, ps[k]);
				}
			}
			if (ps[k] != 0 && !isinf(ps[k]))
				s = powl(s, 1 / (long double)ps[k]);
			CHECK(ml_reduce_dist(&x, o, ps[k], &d, &e) == ML_OK, "dist: %s", e.msg);
			CHECK_NEAR(d, (double)s, 1e-12);
		}
	}
	int64_t bad[1] = {4};
	ml_tensor z;
	ml_tensor_init_sized(&z, ML_DOUBLE, 1, bad, NULL);
	CHECK(ml_reduce_dist(&x, &z, 2, &d, &e) == ML_ESHAPE && strstr(e.msg, "torch.dist: shapes 37x5 and 4"),
	      "dist shape error: %s", e.msg);
	CHECK(ml_reduce_dist(&x, &y, NAN, &d, &e) == ML_EINVAL && strstr(e.msg, "torch.norm: p must be"), "%s", e.msg);

	/* trace: rectangular, transposed, integer */
	long double tr = 0;
	for (int64_t i = 0; i < 5; i++) {
		int64_t id[2] = {i, i};
		tr += ml_load_f64(ML_FLOAT, ml_tensor_ptr(&x, id));
	}
	CHECK(ml_reduce_trace(&x, &v, &e) == ML_OK && !v.is_int, "trace: %s", e.msg);
	CHECK_NEAR(v.f, (double)tr, 1e-12);
	ml_tensor t = x;
	ml_tensor_transpose(&t, 0, 1, NULL);
	CHECK(ml_reduce_trace(&t, &v, &e) == ML_OK, "trace of the transpose");
	CHECK_NEAR(v.f, (double)tr, 1e-12);
	ml_tensor xi;
	ml_tensor_clone_as(&xi, &x, ML_LONG, NULL);
	ml_tensor_fill_i64(&xi, (INT64_C(1) << 60) + 1);
	CHECK(ml_reduce_trace(&xi, &v, &e) == ML_OK && v.is_int && v.i == 5 * (INT64_C(1) << 60) + 5,
	      "Long trace exact: %lld", (long long)v.i);
	CHECK(ml_reduce_trace(&yb, &v, &e) == ML_ESHAPE && strstr(e.msg, "torch.trace: expected a 2-D tensor (got 5)"),
	      "%s", e.msg);
	ml_tensor_release(&xi);

	/* all / any */
	int b;
	ml_tensor_fill(&x, 1);
	CHECK(ml_reduce_logical(&x, 1, &b, &e) == ML_OK && b == 1, "all ones");
	((float *)ml_tensor_data(&x))[100] = 0;
	CHECK(ml_reduce_logical(&x, 1, &b, &e) == ML_OK && b == 0, "not all");
	CHECK(ml_reduce_logical(&x, 0, &b, &e) == ML_OK && b == 1, "any");
	ml_tensor_fill(&x, 0);
	CHECK(ml_reduce_logical(&x, 0, &b, &e) == ML_OK && b == 0, "none");
	((float *)ml_tensor_data(&x))[3] = NAN;
	CHECK(ml_reduce_logical(&x, 0, &b, &e) == ML_OK && b == 1, "NaN is true");

	/* argument errors */
	ml_tensor r, ind;
	ml_tensor_init(&r, ML_FLOAT);
	ml_tensor_init(&ind, ML_INT);
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &r, NULL, &x, 2, 0, &e) == ML_ERANGE &&
	      strstr(e.msg, "torch.sum: dimension 3 out of range for a 2-dimensional tensor (37x5)"), "%s", e.msg);
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_ETYPE &&
	      strstr(e.msg, "must be a LongTensor (got a IntTensor)"), "%s", e.msg);
	CHECK(ml_reduce_dim(ML_REDUCE_NORM, &r, NULL, &x, 0, -INFINITY, &e) == ML_EINVAL, "norm -inf rejected");
	CHECK(ml_reduce_cumsum(&r, &x, 5, &e) == ML_ERANGE && strstr(e.msg, "torch.cumsum: dimension 6"), "%s", e.msg);

	/* a result of the right shape keeps its strides (Torch7's resize) */
	int64_t s62[2] = {6, 2};
	ml_tensor out6, view6;
	ml_tensor_init_sized(&out6, ML_FLOAT, 2, s62, NULL);
	ml_tensor_init(&view6, ML_FLOAT);
	ml_tensor_set(&view6, &out6);
	ml_tensor_transpose(&view6, 0, 1, NULL); /* 2x6, strides (1, 2) */
	ml_tensor_narrow(&view6, 0, 1, 1, NULL); /* 1x6: the second column of out6 */
	int64_t s65[2] = {6, 5};
	ml_tensor x65;
	ml_tensor_init_sized(&x65, ML_FLOAT, 2, s65, NULL);
	fill_random(&x65, 0);
	ml_tensor_transpose(&x65, 0, 1, NULL); /* 5x6 */
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &view6, NULL, &x65, 0, 0, &e) == ML_OK, "sum into a strided result");
	CHECK(view6.stride[1] == 2 && view6.offset == 1, "strides kept");
	for (int64_t j = 0; j < 6; j++) {
		long double sj = 0;
		for (int64_t i = 0; i < 5; i++) {
			int64_t id[2] = {i, j};
			sj += ml_load_f64(ML_FLOAT, ml_tensor_ptr(&x65, id));
		}
		CHECK_NEAR(((float *)ml_tensor_data(&out6))[2 * j + 1], (double)sj, 1e-6);
		CHECK(((float *)ml_tensor_data(&out6))[2 * j] == 0, "other column untouched");
	}
	ml_tensor_release(&x65);
	ml_tensor_release(&view6);
	ml_tensor_release(&out6);

	/* results that alias the input */
	ml_tensor al;
	ml_tensor_init(&al, ML_FLOAT);
	ml_tensor_set(&al, &x);
	fill_random(&x, 0);
	long double s0 = 0;
	for (int64_t i = 0; i < 37; i++) {
		int64_t id[2] = {i, 2};
		s0 += ml_load_f64(ML_FLOAT, ml_tensor_ptr(&x, id));
	}
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &al, NULL, &x, 0, 0, &e) == ML_OK, "sum into an alias: %s", e.msg);
	CHECK(al.size[0] == 1 && al.size[1] == 5, "alias resized");
	CHECK_NEAR(((float *)ml_tensor_data(&al))[2], (double)s0, 1e-6);
	ml_tensor_release(&al);
	ml_tensor_release(&r);
	ml_tensor_release(&ind);
	ml_tensor_release(&z);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&yb);
}

/* Results do not depend on the number of threads: bit-identical with 1 and 2
 * (and with repeated runs), for whole tensors and along dims. */
static void test_determinism(void)
{
	int64_t sz[2] = {1000003, 3};
	ml_tensor x, r1, r2;
	ml_tensor_init_sized(&x, ML_DOUBLE, 2, sz, NULL);
	fill_random(&x, 0);
	ml_tensor_init(&r1, ML_DOUBLE);
	ml_tensor_init(&r2, ML_DOUBLE);
	ml_error e;
	const ml_reduce_op ops[4] = {ML_REDUCE_SUM, ML_REDUCE_VAR, ML_REDUCE_NORM, ML_REDUCE_MAX};
	for (int k = 0; k < 4; k++) {
		ml_scalar a, b, c;
		ml_reduce_all(ops[k], &x, 3, &a, &e);
		ml_reduce_all(ops[k], &x, 3, &b, &e);
		CHECK(memcmp(&a.f, &b.f, sizeof a.f) == 0, "repeatable %s", ml_reduce_name(ops[k]));
		ml_reduce_dim(ops[k], &r1, NULL, &x, 0, 3, &e);
#ifdef _OPENMP
		int was = omp_get_max_threads();
		omp_set_num_threads(1);
		ml_reduce_all(ops[k], &x, 3, &c, &e);
		ml_reduce_dim(ops[k], &r2, NULL, &x, 0, 3, &e);
		omp_set_num_threads(was);
		CHECK(memcmp(&a.f, &c.f, sizeof a.f) == 0, "%s: same bits with 1 and %d threads (%.17g, %.17g)",
		      ml_reduce_name(ops[k]), was, a.f, c.f);
		CHECK(memcmp(ml_tensor_data(&r1), ml_tensor_data(&r2), 3 * sizeof(double)) == 0,
		      "%s along dim 1: same bits with 1 and %d threads", ml_reduce_name(ops[k]), was);
#endif
	}
	ml_tensor_release(&r1);
	ml_tensor_release(&r2);
	ml_tensor_release(&x);
}

/* max/min with indices on a line long enough for threads: ties and NaNs in
 * the second part, which the first part must not override */
static void test_threaded_index(void)
{
	int64_t n = 400003;
	ml_tensor x, r, ind;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, NULL);
	double *p = ml_tensor_data(&x);
	for (int64_t i = 0; i < n; i++)
		p[i] = (double)(i % 1000);
	ml_tensor_init(&r, ML_DOUBLE);
	ml_tensor_init(&ind, ML_LONG);
	ml_error e;
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_OK, "max: %s", e.msg);
	CHECK(*(double *)ml_tensor_data(&r) == 999 && *(int64_t *)ml_tensor_data(&ind) == 999,
	      "first of many tied maxima (%lld)", (long long)*(int64_t *)ml_tensor_data(&ind));
	p[300001] = 5000;
	p[350000] = 5000;
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 300001, "max late in the line");
	p[123] = -1;
	CHECK(ml_reduce_dim(ML_REDUCE_MIN, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 123 && *(double *)ml_tensor_data(&r) == -1, "min early");
	p[390000] = NAN;
	p[395000] = NAN;
	CHECK(ml_reduce_dim(ML_REDUCE_MIN, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 390000 && isnan(*(double *)ml_tensor_data(&r)),
	      "NaN in the last part wins (%lld)", (long long)*(int64_t *)ml_tensor_data(&ind));
	p[1] = NAN;
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 1, "first NaN of the line");
	p[0] = NAN;
	CHECK(ml_reduce_dim(ML_REDUCE_MAX, &r, &ind, &x, 0, 0, &e) == ML_OK &&
	      *(int64_t *)ml_tensor_data(&ind) == 0, "NaN first element");
	ml_tensor_release(&ind);
	ml_tensor_release(&r);
	ml_tensor_release(&x);
}

int main(void)
{
	test_matrix();
	test_threaded();
	test_cumulative();
	test_accuracy();
	test_special();
	test_empty();
	test_misc();
	test_determinism();
	test_threaded_index();
	return check_done();
}
