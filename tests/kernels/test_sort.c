/*
 * test_sort.c - kernels/sort.c against naive reference loops.
 *
 * The reference orders elements with a plain comparison (doubles with NaN
 * greatest and -0.0 == +0.0, or int64) and a stable insertion sort over
 * (value, index), reading x through ml_tensor_ptr: nothing shared with the
 * kernel's keys, radix passes, heaps or selection.  Every function runs on
 * every dtype, on contiguous, transposed and narrowed inputs, along each
 * dim, on odd sizes, sizes crossing the insertion-sort / heap / radix /
 * multi-thread thresholds, many duplicates, NaN, -0.0 and infinities, and on
 * empty tensors; results must not depend on the number of threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "sort.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const ml_dtype all_dtypes[] = {ML_BYTE, ML_CHAR, ML_SHORT, ML_INT, ML_LONG, ML_FLOAT, ML_DOUBLE};
#define NDT 7

/* Walks a multi-index over shape (ndim, size); returns 0 after the last. */
static int next_index(int64_t *idx, int ndim, const int64_t *size)
{
	for (int d = ndim - 1; d >= 0; d--) {
		if (++idx[d] < size[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

/* Fills t with values of its dtype: `range` distinct values when range > 0
 * (duplicates), full-range otherwise; floats get NaN, -0.0, +-inf sometimes
 * when `specials`. */
static void fill(ml_tensor *t, int64_t range, int specials)
{
	int64_t n = ml_tensor_numel(t), idx[ML_MAX_DIMS] = {0};
	for (int64_t c = 0; c < n; c++) {
		void *p = ml_tensor_ptr(t, idx);
		uint64_t r = rnd();
		if (ml_dtype_info[t->dtype].is_float) {
			double v = range > 0 ? (double)(int64_t)(r % (uint64_t)range) - (double)(range / 2)
			                     : ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 1e6;
			if (specials) {
				switch (rnd() % 16) {
				case 0: v = NAN; break;
				case 1: v = -0.0; break;
				case 2: v = 0.0; break;
				case 3: v = INFINITY; break;
				case 4: v = -INFINITY; break;
				case 5: v = -NAN; break;
				default: break;
				}
			}
			ml_store_f64(t->dtype, p, v);
		} else {
			int64_t v = range > 0 ? (int64_t)(r % (uint64_t)range) - range / 2 : (int64_t)r;
			if (t->dtype == ML_BYTE && range > 0)
				v += range / 2;
			ml_store_i64(t->dtype, p, v); /* wraps into the dtype */
		}
		next_index(idx, t->ndim, t->size);
	}
}

/* -1, 0, 1: the order of elements a and b of dtype dt (NaN greatest, all
 * NaNs equal, -0.0 == +0.0). */
static int cmp_elem(ml_dtype dt, const void *a, const void *b)
{
	if (ml_dtype_info[dt].is_float) {
		double x = ml_load_f64(dt, a), y = ml_load_f64(dt, b);
		int nx = isnan(x), ny = isnan(y);
		if (nx || ny)
			return nx - ny;
		return x < y ? -1 : x > y;
	}
	int64_t x = ml_load_i64(dt, a), y = ml_load_i64(dt, b);
	return x < y ? -1 : x > y;
}

/* A line of x: pointers to its n elements along dim at outer multi-index. */
typedef struct rline {
	int64_t n;
	const char *p[4096];
} rline;

static void get_line(rline *l, const ml_tensor *x, int dim, const int64_t *outer)
{
	int64_t idx[ML_MAX_DIMS];
	memcpy(idx, outer, sizeof idx);
	l->n = x->size[dim];
	for (int64_t i = 0; i < l->n; i++) {
		idx[dim] = i;
		l->p[i] = ml_tensor_ptr(x, idx);
	}
}

/* Stable insertion sort of positions ord[0..n) of line l. */
static void ref_sort(ml_dtype dt, const rline *l, int64_t *ord, int desc)
{
	for (int64_t i = 0; i < l->n; i++) {
		int64_t v = i, j = i;
		while (j > 0) {
			int c = cmp_elem(dt, l->p[v], l->p[ord[j - 1]]);
			if (!(desc ? c > 0 : c < 0))
				break;
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = v;
	}
}

static int same_bits(ml_dtype dt, const void *a, const void *b)
{
	return memcmp(a, b, ml_dtype_info[dt].size) == 0;
}

/* Outer multi-indices: every index of x with idx[dim] = 0. */
static int next_outer(int64_t *idx, const ml_tensor *x, int dim)
{
	for (int d = x->ndim - 1; d >= 0; d--) {
		if (d == dim)
			continue;
		if (++idx[d] < x->size[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

static int64_t lines_of(const ml_tensor *x, int dim)
{
	int64_t c = 1;
	for (int d = 0; d < x->ndim; d++)
		if (d != dim)
			c *= x->size[d];
	return c;
}

/* Checks values/indices (kernel results, 0-based) for `nout` positions of
 * every line against the reference order. */
static void check_prefix(const char *what, const ml_tensor *x, int dim, int desc, const ml_tensor *v,
                         const ml_tensor *ix, int64_t nout)
{
	static rline l;
	static int64_t ord[4096];
	int64_t outer[ML_MAX_DIMS] = {0};
	int bad = 0;
	if (lines_of(x, dim) == 0)
		return;
	do {
		get_line(&l, x, dim, outer);
		ref_sort(x->dtype, &l, ord, desc);
		int64_t o[ML_MAX_DIMS];
		memcpy(o, outer, sizeof o);
		for (int64_t j = 0; j < nout && !bad; j++) {
			o[dim] = j;
			int64_t got = *(const int64_t *)ml_tensor_ptr(ix, o);
			if (got != ord[j] || !same_bits(x->dtype, ml_tensor_ptr(v, o), l.p[ord[j]]))
				bad = 1;
		}
	} while (!bad && next_outer(outer, x, dim));
	CHECK(!bad, "%s: %s x dim %d desc %d: values/indices differ from the stable reference", what,
	      ml_dtype_name(x->dtype), dim, desc);
}

/* x as a view of shape (ndim, size) in one of three layouts: 0 contiguous,
 * 1 transposed memory (first and last dims swapped), 2 narrowed out of a
 * bigger tensor.  Returns a fresh tensor the caller releases. */
static void make_input(ml_tensor *x, ml_dtype dt, int ndim, const int64_t *size, int layout)
{
	ml_error e;
	int64_t big[ML_MAX_DIMS];
	memcpy(big, size, sizeof(int64_t) * (size_t)ndim);
	if (layout == 1 && ndim >= 2) {
		big[0] = size[ndim - 1];
		big[ndim - 1] = size[0];
		ml_tensor_init_sized(x, dt, ndim, big, &e);
		ml_tensor_transpose(x, 0, ndim - 1, &e);
	} else if (layout == 2) {
		for (int d = 0; d < ndim; d++)
			big[d] = size[d] + 3;
		ml_tensor_init_sized(x, dt, ndim, big, &e);
		for (int d = 0; d < ndim; d++)
			ml_tensor_narrow(x, d, 1, size[d], &e);
	} else {
		ml_tensor_init_sized(x, dt, ndim, size, &e);
	}
}

static void test_sort_topk(void)
{
	const int64_t shapes[][3] = {{1, 0, 0}, {7, 0, 0}, {24, 0, 0}, {25, 0, 0}, {300, 0, 0},
	                             {3, 5, 0}, {33, 4, 0}, {4, 33, 3}, {2, 1, 257}};
	const int nds[] = {1, 1, 1, 1, 1, 2, 2, 3, 3};
	for (size_t s = 0; s < sizeof nds / sizeof nds[0]; s++) {
		for (int t = 0; t < NDT; t++) {
			for (int layout = 0; layout < 3; layout++) {
				for (int dup = 0; dup < 2; dup++) {
					ml_dtype dt = all_dtypes[t];
					ml_tensor x, v, ix;
					ml_error e;
					make_input(&x, dt, nds[s], shapes[s], layout);
					fill(&x, dup ? 5 : 0, dup);
					ml_tensor_init(&v, dt);
					ml_tensor_init(&ix, ML_LONG);
					for (int dim = 0; dim < x.ndim; dim++) {
						for (int desc = 0; desc < 2; desc++) {
							int rc = ml_sort_sort(&v, &ix, &x, dim, desc, &e);
							CHECK(rc == 0, "sort: %s", e.msg);
							if (rc == 0)
								check_prefix("sort", &x, dim, desc, &v, &ix, x.size[dim]);
							int64_t n = x.size[dim];
							int64_t ks[] = {0, 1, n / 9, n / 2, n};
							for (int kk = 0; kk < 5; kk++) {
								rc = ml_sort_topk(&v, &ix, &x, ks[kk], dim, desc, &e);
								CHECK(rc == 0, "topk: %s", e.msg);
								CHECK(v.size[dim] == ks[kk], "topk size");
								if (rc == 0)
									check_prefix("topk", &x, dim, desc, &v, &ix, ks[kk]);
							}
						}
					}
					ml_tensor_release(&x);
					ml_tensor_release(&v);
					ml_tensor_release(&ix);
				}
			}
		}
	}
}

/* kthvalue, median, mode against the reference, one element per line. */
static void test_select(void)
{
	const int64_t shapes[][2] = {{1, 1}, {9, 1}, {40, 3}, {5, 301}, {1, 1000}};
	static rline l;
	static int64_t ord[4096];
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		for (int t = 0; t < NDT; t++) {
			for (int layout = 0; layout < 3; layout++) {
				ml_dtype dt = all_dtypes[t];
				ml_tensor x, v, ix;
				ml_error e;
				make_input(&x, dt, 2, shapes[s], layout);
				fill(&x, layout == 1 ? 0 : 7, layout == 2);
				ml_tensor_init(&v, dt);
				ml_tensor_init(&ix, ML_LONG);
				for (int dim = 0; dim < 2; dim++) {
					int64_t n = x.size[dim];
					int64_t kth = (int64_t)(rnd() % (uint64_t)n);
					int bad_k = 0, bad_med = 0, bad_mode = 0;
					int rc = ml_sort_kthvalue(&v, &ix, &x, kth, dim, &e);
					CHECK(rc == 0 && v.size[dim] == 1, "kthvalue: %s", e.msg);
					int64_t outer[ML_MAX_DIMS] = {0};
					do {
						get_line(&l, &x, dim, outer);
						ref_sort(dt, &l, ord, 0);
						bad_k |= *(int64_t *)ml_tensor_ptr(&ix, outer) != ord[kth] ||
						         !same_bits(dt, ml_tensor_ptr(&v, outer), l.p[ord[kth]]);
					} while (next_outer(outer, &x, dim));
					CHECK(!bad_k, "kthvalue %s dim %d k %lld layout %d", ml_dtype_name(dt), dim,
					      (long long)kth, layout);

					rc = ml_sort_median(&v, &ix, &x, dim, &e);
					CHECK(rc == 0, "median: %s", e.msg);
					memset(outer, 0, sizeof outer);
					do {
						get_line(&l, &x, dim, outer);
						ref_sort(dt, &l, ord, 0);
						int64_t want = ord[(n - 1) / 2];
						for (int64_t i = 0; i < n; i++) /* NaN propagates: the first one */
							if (ml_dtype_info[dt].is_float && isnan(ml_load_f64(dt, l.p[i]))) {
								want = i;
								break;
							}
						bad_med |= *(int64_t *)ml_tensor_ptr(&ix, outer) != want ||
						           !same_bits(dt, ml_tensor_ptr(&v, outer), l.p[want]);
					} while (next_outer(outer, &x, dim));
					CHECK(!bad_med, "median %s dim %d layout %d", ml_dtype_name(dt), dim, layout);

					rc = ml_sort_mode(&v, &ix, &x, dim, &e);
					CHECK(rc == 0, "mode: %s", e.msg);
					memset(outer, 0, sizeof outer);
					do {
						get_line(&l, &x, dim, outer);
						/* most frequent value, smallest among ties, last occurrence */
						int64_t best = -1, bestc = 0;
						for (int64_t i = 0; i < n; i++) {
							int64_t c = 0, last = i;
							for (int64_t j = 0; j < n; j++)
								if (cmp_elem(dt, l.p[i], l.p[j]) == 0) {
									c++;
									last = j;
								}
							if (c > bestc || (c == bestc && cmp_elem(dt, l.p[i], l.p[best]) < 0)) {
								bestc = c;
								best = last;
							}
						}
						bad_mode |= *(int64_t *)ml_tensor_ptr(&ix, outer) != best ||
						            !same_bits(dt, ml_tensor_ptr(&v, outer), l.p[best]);
					} while (next_outer(outer, &x, dim));
					CHECK(!bad_mode, "mode %s dim %d layout %d", ml_dtype_name(dt), dim, layout);
				}
				ml_tensor_release(&x);
				ml_tensor_release(&v);
				ml_tensor_release(&ix);
			}
		}
	}
}

/* numpy's linear quantile of the sorted doubles a[0..n). */
static double ref_quantile(const double *a, int64_t n, double q)
{
	double vi = (double)(n - 1) * q;
	int64_t lo = (int64_t)floor(vi), hi = lo + 1;
	if (vi >= (double)(n - 1))
		lo = hi = n - 1;
	double g = vi - (double)lo, d = a[hi] - a[lo];
	return g >= 0.5 ? a[hi] - d * (1 - g) : a[lo] + d * g;
}

static void test_quantile(void)
{
	static rline l;
	static int64_t ord[4096];
	const double qs[] = {0, 0.1, 0.25, 0.5, 0.7, 0.999, 1};
	const int64_t shapes[][2] = {{1, 1}, {8, 3}, {3, 101}};
	for (size_t s = 0; s < 3; s++) {
		for (int t = 0; t < NDT; t++) {
			for (int layout = 0; layout < 3; layout++) {
				ml_dtype dt = all_dtypes[t];
				ml_dtype rdt = dt == ML_FLOAT ? ML_FLOAT : ML_DOUBLE;
				ml_tensor x, r;
				ml_error e;
				make_input(&x, dt, 2, shapes[s], layout);
				fill(&x, layout == 0 ? 0 : 9, layout == 2);
				ml_tensor_init(&r, rdt);
				for (int nq = 1; nq <= 7; nq += 6) {
					for (int dim = 0; dim < 2; dim++) {
						int rc = ml_sort_quantile(&r, &x, qs, nq, dim, &e);
						CHECK(rc == 0 && r.size[dim] == nq, "quantile: %s", e.msg);
						int64_t outer[ML_MAX_DIMS] = {0};
						int bad = 0;
						do {
							get_line(&l, &x, dim, outer);
							ref_sort(dt, &l, ord, 0);
							double a[4096];
							int nan = 0;
							for (int64_t i = 0; i < l.n; i++) {
								a[i] = ml_load_f64(dt, l.p[ord[i]]);
								nan |= isnan(a[i]);
							}
							int64_t o[ML_MAX_DIMS];
							memcpy(o, outer, sizeof o);
							for (int j = 0; j < nq; j++) {
								o[dim] = j;
								double want = nan ? NAN : ref_quantile(a, l.n, qs[j]);
								if (rdt == ML_FLOAT)
									want = (float)want;
								double got = ml_load_f64(rdt, ml_tensor_ptr(&r, o));
								if (!(got == want || (isnan(got) && isnan(want))))
									bad = 1;
							}
						} while (next_outer(outer, &x, dim));
						CHECK(!bad, "quantile %s dim %d nq %d layout %d", ml_dtype_name(dt), dim, nq, layout);
					}
				}
				/* over all elements: the quantiles of the flattened tensor */
				int rc = ml_sort_quantile(&r, &x, qs, 7, -1, &e);
				CHECK(rc == 0 && r.ndim == 1 && r.size[0] == 7, "quantile all: %s", e.msg);
				ml_tensor flat;
				ml_tensor_init(&flat, dt);
				ml_tensor_clone_as(&flat, &x, dt, &e);
				int64_t n = ml_tensor_numel(&x);
				ml_tensor_view(&flat, 1, &n, &e);
				ml_tensor r2;
				ml_tensor_init(&r2, rdt);
				ml_sort_quantile(&r2, &flat, qs, 7, 0, &e);
				int same = 1;
				for (int64_t j = 0; j < 7; j++) {
					double a = ml_load_f64(rdt, ml_tensor_ptr(&r, &j)), b = ml_load_f64(rdt, ml_tensor_ptr(&r2, &j));
					same &= a == b || (isnan(a) && isnan(b));
				}
				CHECK(same, "quantile over all elements of %s", ml_dtype_name(dt));
				ml_tensor_release(&flat);
				ml_tensor_release(&r2);
				ml_tensor_release(&x);
				ml_tensor_release(&r);
			}
		}
	}
}

static void test_unique(void)
{
	for (int t = 0; t < NDT; t++) {
		for (int layout = 0; layout < 3; layout++) {
			ml_dtype dt = all_dtypes[t];
			int64_t size[2] = {13, 7};
			ml_tensor x, v, inv, cnt;
			ml_error e;
			make_input(&x, dt, 2, size, layout);
			fill(&x, 11, 1);
			ml_tensor_init(&v, dt);
			ml_tensor_init(&inv, ML_LONG);
			ml_tensor_init(&cnt, ML_LONG);
			int rc = ml_sort_unique(&v, &inv, &cnt, &x, &e);
			CHECK(rc == 0, "unique: %s", e.msg);
			int64_t m = v.size[0], total = 0;
			int ok = v.ndim == 1 && cnt.size[0] == m && inv.ndim == 2;
			/* strictly increasing, counts add up, inverse points at an equal value */
			for (int64_t j = 0; ok && j < m; j++) {
				int64_t jn = j + 1;
				if (j + 1 < m)
					ok &= cmp_elem(dt, ml_tensor_ptr(&v, &j), ml_tensor_ptr(&v, &jn)) < 0;
				total += *(int64_t *)ml_tensor_ptr(&cnt, &j);
			}
			ok &= total == 91;
			int64_t idx[ML_MAX_DIMS] = {0};
			int64_t *seen = calloc((size_t)(m ? m : 1), sizeof(int64_t));
			do {
				int64_t u = *(int64_t *)ml_tensor_ptr(&inv, idx);
				ok &= u >= 0 && u < m && cmp_elem(dt, ml_tensor_ptr(&x, idx), ml_tensor_ptr(&v, &u)) == 0;
				if (u >= 0 && u < m)
					seen[u]++;
			} while (ok && next_index(idx, 2, x.size));
			for (int64_t j = 0; ok && j < m; j++)
				ok &= seen[j] == *(int64_t *)ml_tensor_ptr(&cnt, &j);
			free(seen);
			CHECK(ok, "unique %s layout %d", ml_dtype_name(dt), layout);
			/* without the optional results */
			ml_tensor v2;
			ml_tensor_init(&v2, dt);
			rc = ml_sort_unique(&v2, NULL, NULL, &x, &e);
			CHECK(rc == 0 && v2.size[0] == m, "unique without inverse/counts");
			ml_tensor_release(&v2);
			ml_tensor_release(&x);
			ml_tensor_release(&v);
			ml_tensor_release(&inv);
			ml_tensor_release(&cnt);
		}
	}
	/* NaNs collapse into one, -0.0 and 0.0 into the first seen */
	double vals[] = {NAN, 0.0, -0.0, 2, NAN, -1};
	int64_t n = 6;
	ml_tensor x, v, cnt;
	ml_error e;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &n, &e);
	memcpy(ml_tensor_data(&x), vals, sizeof vals);
	ml_tensor_init(&v, ML_DOUBLE);
	ml_tensor_init(&cnt, ML_LONG);
	ml_sort_unique(&v, NULL, &cnt, &x, &e);
	const double *pv = ml_tensor_data(&v);
	const int64_t *pc = ml_tensor_data(&cnt);
	CHECK(v.size[0] == 4 && pv[0] == -1 && pv[1] == 0 && !signbit(pv[1]) && pv[2] == 2 && isnan(pv[3]),
	      "unique with NaN and signed zeros");
	CHECK(pc[0] == 1 && pc[1] == 2 && pc[2] == 1 && pc[3] == 2, "unique counts with NaN");
	ml_tensor_release(&x);
	ml_tensor_release(&v);
	ml_tensor_release(&cnt);
}

/* Long lines: the cooperative sort (slices merged in one or more rounds)
 * and the parallel heap scan must give the same results as one thread, and
 * be a stable order. */
static void test_long_lines(void)
{
	for (int t = 0; t < NDT; t++) {
		ml_dtype dt = all_dtypes[t];
		int64_t n = 300007;
		ml_tensor x, v1, i1, v2, i2;
		ml_error e;
		ml_tensor_init_sized(&x, dt, 1, &n, &e);
		fill(&x, t % 2 ? 1000 : 0, 1);
		ml_tensor_init(&v1, dt);
		ml_tensor_init(&i1, ML_LONG);
		ml_tensor_init(&v2, dt);
		ml_tensor_init(&i2, ML_LONG);
		for (int op = 0; op < 3; op++) {
			int64_t k = op == 1 ? 17 : n / 3;
			for (int nt = 2; nt <= 4; nt++) { /* 3 and 4 threads: merges in rounds */
#ifdef _OPENMP
				omp_set_num_threads(1);
#endif
				if (op == 0)
					ml_sort_sort(&v1, &i1, &x, 0, t % 2, &e);
				else
					ml_sort_topk(&v1, &i1, &x, k, 0, t % 2, &e);
#ifdef _OPENMP
				omp_set_num_threads(nt);
#endif
				if (op == 0)
					ml_sort_sort(&v2, &i2, &x, 0, t % 2, &e);
				else
					ml_sort_topk(&v2, &i2, &x, k, 0, t % 2, &e);
				int64_t m = v1.size[0];
				CHECK(v2.size[0] == m, "long line sizes");
				CHECK(memcmp(ml_tensor_data(&v1), ml_tensor_data(&v2), (size_t)m * ml_dtype_info[dt].size) == 0 &&
				          memcmp(ml_tensor_data(&i1), ml_tensor_data(&i2), (size_t)m * sizeof(int64_t)) == 0,
				      "%s long line op %d: 1 and %d threads differ", ml_dtype_name(dt), op, nt);
			}
#ifdef _OPENMP
			omp_set_num_threads(2);
#endif
			/* ordered, stable, and a permutation's prefix */
			int64_t m = v2.size[0];
			const char *pv = ml_tensor_data(&v2);
			const int64_t *pi = ml_tensor_data(&i2);
			const char *px = ml_tensor_data(&x);
			size_t es = ml_dtype_info[dt].size;
			int ok = 1;
			for (int64_t j = 0; j < m && ok; j++) {
				ok &= same_bits(dt, pv + (size_t)j * es, px + (size_t)pi[j] * es);
				if (j > 0) {
					int c = cmp_elem(dt, pv + (size_t)(j - 1) * es, pv + (size_t)j * es);
					ok &= (t % 2 ? c >= 0 : c <= 0) && (c != 0 || pi[j - 1] < pi[j]);
				}
			}
			CHECK(ok, "%s long line op %d: not a stable order", ml_dtype_name(dt), op);
		}
		ml_tensor_release(&x);
		ml_tensor_release(&v1);
		ml_tensor_release(&i1);
		ml_tensor_release(&v2);
		ml_tensor_release(&i2);
	}
}

static void test_edges_and_errors(void)
{
	ml_error e;
	ml_tensor x, v, ix;
	ml_tensor_init(&x, ML_DOUBLE);
	ml_tensor_init(&v, ML_DOUBLE);
	ml_tensor_init(&ix, ML_LONG);
	/* an empty tensor sorts to empty results */
	CHECK(ml_sort_sort(&v, &ix, &x, -1, 0, &e) == 0 && v.ndim == 0 && ix.ndim == 0, "sort of empty");
	CHECK(ml_sort_kthvalue(&v, &ix, &x, 0, 0, &e) == ML_ERANGE && strstr(e.msg, "torch.kthvalue: dimension 1"),
	      "kthvalue of empty: %s", e.msg);
	/* a 3x0 tensor: empty lines sort; selections refuse them */
	int64_t s30[2] = {3, 0};
	ml_tensor_init_sized(&x, ML_DOUBLE, 2, s30, &e);
	CHECK(ml_sort_sort(&v, &ix, &x, 1, 0, &e) == 0 && v.size[0] == 3 && v.size[1] == 0, "sort 3x0 dim 2");
	CHECK(ml_sort_sort(&v, &ix, &x, 0, 0, &e) == 0 && v.size[0] == 3 && v.size[1] == 0, "sort 3x0 dim 1");
	CHECK(ml_sort_topk(&v, &ix, &x, 0, 1, 0, &e) == 0 && v.size[1] == 0, "topk 0 of 3x0");
	CHECK(ml_sort_median(&v, &ix, &x, 1, &e) == ML_EINVAL && strstr(e.msg, "torch.median: dimension 2 is empty"),
	      "median of empty lines: %s", e.msg);
	CHECK(ml_sort_quantile(&v, &x, (const double[]){0.5}, 1, -1, &e) == ML_EINVAL &&
	          strstr(e.msg, "torch.quantile: the tensor is empty"),
	      "quantile of empty: %s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&v);
	ml_tensor_release(&ix);
	/* errors */
	int64_t s[2] = {4, 5};
	ml_tensor_init_sized(&x, ML_DOUBLE, 2, s, &e);
	fill(&x, 0, 0);
	ml_tensor_init(&v, ML_DOUBLE);
	ml_tensor_init(&ix, ML_LONG);
	CHECK(ml_sort_sort(&v, &ix, &x, 2, 0, &e) == ML_ERANGE &&
	          strstr(e.msg, "torch.sort: dimension 3 out of range for a 2-dimensional tensor (4x5)"),
	      "sort dim: %s", e.msg);
	CHECK(ml_sort_topk(&v, &ix, &x, 6, 1, 0, &e) == ML_ERANGE &&
	          strstr(e.msg, "torch.topk: k (6) out of range for dimension 2 of size 5"),
	      "topk k: %s", e.msg);
	CHECK(ml_sort_kthvalue(&v, &ix, &x, 5, 1, &e) == ML_ERANGE &&
	          strstr(e.msg, "torch.kthvalue: k (6) out of range for dimension 2 of size 5"),
	      "kthvalue k: %s", e.msg);
	ml_tensor fv, li;
	ml_tensor_init(&fv, ML_FLOAT);
	ml_tensor_init(&li, ML_INT);
	CHECK(ml_sort_sort(&fv, &ix, &x, 0, 0, &e) == ML_ETYPE &&
	          strstr(e.msg, "torch.sort: the values result must be a DoubleTensor like the input (got Float)"),
	      "values dtype: %s", e.msg);
	CHECK(ml_sort_mode(&v, &li, &x, 0, &e) == ML_ETYPE &&
	          strstr(e.msg, "torch.mode: the indices result must be a LongTensor (got Int)"),
	      "indices dtype: %s", e.msg);
	ml_tensor lr;
	ml_tensor_init(&lr, ML_LONG);
	CHECK(ml_sort_quantile(&lr, &x, (const double[]){0.5}, 1, 0, &e) == ML_ETYPE, "quantile result dtype");
	CHECK(ml_sort_quantile(&v, &x, (const double[]){1.5}, 1, 0, &e) == ML_EINVAL &&
	          strstr(e.msg, "torch.quantile: q must be in [0, 1] (got 1.5)"),
	      "quantile q: %s", e.msg);
	CHECK(ml_sort_quantile(&v, &x, (const double[]){NAN}, 1, 0, &e) == ML_EINVAL, "quantile NaN q");
	/* results sharing x's storage: sorting x into itself */
	ml_tensor ref, refi, y;
	ml_tensor_init(&ref, ML_DOUBLE);
	ml_tensor_init(&refi, ML_LONG);
	ml_sort_sort(&ref, &refi, &x, 1, 1, &e);
	ml_tensor_init(&y, ML_DOUBLE);
	ml_tensor_set(&y, &x);
	CHECK(ml_sort_sort(&y, &ix, &x, 1, 1, &e) == 0, "sort into x");
	CHECK(memcmp(ml_tensor_data(&y), ml_tensor_data(&ref), 20 * sizeof(double)) == 0 &&
	          memcmp(ml_tensor_data(&ix), ml_tensor_data(&refi), 20 * sizeof(int64_t)) == 0,
	      "sort into x's own storage");
	/* a result with the right shape but transposed strides is written through them */
	ml_tensor vt;
	int64_t s54[2] = {5, 4};
	ml_tensor_init_sized(&vt, ML_DOUBLE, 2, s54, &e);
	ml_tensor_transpose(&vt, 0, 1, &e);
	CHECK(ml_sort_sort(&vt, &ix, &ref, 1, 1, &e) == 0 && vt.stride[0] == 1, "strided result kept");
	int64_t id[2] = {2, 3};
	CHECK(*(double *)ml_tensor_ptr(&vt, id) == *(double *)ml_tensor_ptr(&ref, id), "strided result values");
	ml_tensor_release(&vt);
	ml_tensor_release(&y);
	ml_tensor_release(&ref);
	ml_tensor_release(&refi);
	ml_tensor_release(&lr);
	ml_tensor_release(&fv);
	ml_tensor_release(&li);
	ml_tensor_release(&x);
	ml_tensor_release(&v);
	ml_tensor_release(&ix);
}

int main(void)
{
	test_sort_topk();
	test_select();
	test_quantile();
	test_unique();
	test_long_lines();
	test_edges_and_errors();
	return check_done();
}
