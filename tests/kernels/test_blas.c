/*
 * test_blas.c - kernels/blas.c against naive reference loops, for every dtype,
 * with contiguous, transposed, narrowed and fully strided (copy path) operands
 * and results, odd and empty sizes, aliasing results, broadcasting, and the
 * error messages.
 *
 * The references index elements one by one through ml_tensor_ptr and compute
 * in double (Float, Double) or in wrapping 64-bit integers (integer dtypes,
 * narrowed on store, which is what C arithmetic in the element type gives).
 * Results are also checked not to touch the storage elements outside the
 * result view.
 */
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "check.h"

typedef struct rng {
	uint64_t s; /* xorshift64 state */
} rng;

static uint64_t next(rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* A random element value: small integers (exact products), or uniform in (-1, 1). */
static void fill_random(ml_storage *s, rng *r)
{
	for (int64_t i = 0; i < s->size; i++) {
		void *p = ml_storage_at(s, i);
		if (ml_dtype_info[s->dtype].is_float)
			ml_store_f64(s->dtype, p, (double)(next(r) % 2001) / 1000.0 - 1.0);
		else if (s->dtype == ML_BYTE)
			ml_store_i64(s->dtype, p, (int64_t)(next(r) % 8));
		else
			ml_store_i64(s->dtype, p, (int64_t)(next(r) % 9) - 4);
	}
}

/* Layouts of a 2-D view: how its strides are laid out in its storage. */
enum { CONTIG, TRANSPOSED, NARROWED, NARROWED_T, STRIDED, NLAYOUTS };
static const char *const layout_name[NLAYOUTS] = {"contiguous", "transposed", "narrowed",
                                                  "narrowed-transposed", "strided"};

/* t becomes a fresh (rows, cols) view with the given layout over a storage
 * holding random values everywhere, gaps included. */
static void make_mat(ml_tensor *t, ml_dtype dt, int64_t rows, int64_t cols, int layout, rng *r)
{
	int64_t s0 = cols, s1 = 1, off = 0;
	switch (layout) {
	case TRANSPOSED: s0 = 1; s1 = rows; break;
	case NARROWED: s0 = cols + 3; s1 = 1; off = 2; break;
	case NARROWED_T: s0 = 1; s1 = rows + 2; off = 1; break;
	case STRIDED: s0 = 2 * cols + 1; s1 = 2; off = 1; break;
	default: break;
	}
	int64_t need = off + 1;
	if (rows > 0 && cols > 0)
		need += (rows - 1) * s0 + (cols - 1) * s1;
	ml_storage *s = ml_storage_new(dt, need + 2, NULL);
	fill_random(s, r);
	int64_t size[2] = {rows, cols}, stride[2] = {s0, s1};
	ml_tensor_init(t, dt);
	ml_tensor_set_storage(t, s, off, 2, size, stride, NULL);
	ml_storage_release(s);
}

/* A vector view of n elements with step `step` (0: one element repeated). */
static void make_vec(ml_tensor *t, ml_dtype dt, int64_t n, int64_t step, rng *r)
{
	int64_t off = step > 1 ? 1 : 0;
	ml_storage *s = ml_storage_new(dt, off + (n > 0 ? (n - 1) * step : 0) + 3, NULL);
	fill_random(s, r);
	ml_tensor_init(t, dt);
	ml_tensor_set_storage(t, s, off, 1, &n, &step, NULL);
	ml_storage_release(s);
}

static double tol_for(ml_dtype dt)
{
	return dt == ML_FLOAT ? 1e-4 : 1e-11;
}

/* Element-wise comparison of two same-shaped tensors (any strides). */
static int same_values(const ml_tensor *got, const ml_tensor *want, const char *what)
{
	int64_t n = ml_tensor_numel(want), idx[ML_MAX_DIMS] = {0};
	if (!ml_tensor_same_size(got, want)) {
		char a[ML_SHAPELEN], b[ML_SHAPELEN];
		CHECK(0, "%s: shape %s, expected %s", what, ml_tensor_shape_str(a, sizeof a, got),
		      ml_tensor_shape_str(b, sizeof b, want));
		return 0;
	}
	for (int64_t i = 0; i < n; i++) {
		const void *p = ml_tensor_ptr(got, idx), *q = ml_tensor_ptr(want, idx);
		int ok;
		if (ml_dtype_info[want->dtype].is_float)
			ok = check_near(ml_load_f64(got->dtype, p), ml_load_f64(want->dtype, q), tol_for(want->dtype));
		else
			ok = ml_load_i64(got->dtype, p) == ml_load_i64(want->dtype, q);
		if (!ok) {
			CHECK(0, "%s: element %lld is %g, expected %g", what, (long long)i,
			      ml_load_f64(got->dtype, p), ml_load_f64(want->dtype, q));
			return 0;
		}
		for (int d = want->ndim - 1; d >= 0; d--) {
			if (++idx[d] < want->size[d])
				break;
			idx[d] = 0;
		}
	}
	CHECK(1, "%s", what);
	return 1;
}

/* Storage bytes outside the view t must equal those in `before`. */
static void check_gaps(const ml_tensor *t, const unsigned char *before, const char *what)
{
	ml_storage *s = t->storage;
	if (!s)
		return;
	size_t es = ml_dtype_info[s->dtype].size;
	char *inside = calloc((size_t)s->size + 1, 1);
	int64_t n = ml_tensor_numel(t), idx[ML_MAX_DIMS] = {0};
	for (int64_t i = 0; i < n; i++) {
		int64_t off = t->offset;
		for (int d = 0; d < t->ndim; d++)
			off += idx[d] * t->stride[d];
		inside[off] = 1;
		for (int d = t->ndim - 1; d >= 0; d--) {
			if (++idx[d] < t->size[d])
				break;
			idx[d] = 0;
		}
	}
	int bad = 0;
	for (int64_t i = 0; i < s->size; i++)
		if (!inside[i] && memcmp((char *)s->data + i * (int64_t)es, before + i * (int64_t)es, es))
			bad++;
	CHECK(bad == 0, "%s: %d elements outside the result changed", what, bad);
	free(inside);
}

static unsigned char *snapshot(const ml_tensor *t)
{
	size_t n = t->storage ? (size_t)t->storage->size * ml_dtype_info[t->dtype].size : 0;
	unsigned char *b = malloc(n + 1);
	if (n)
		memcpy(b, t->storage->data, n);
	return b;
}

/* ---- references ---- */

/* c = beta*c + alpha * sum_k a(i,k) b(k,j) on 2-D views; beta == 0 ignores c. */
static void ref_gemm(ml_tensor *c, double beta, double alpha, const ml_tensor *a, const ml_tensor *b)
{
	ml_dtype dt = c->dtype;
	int64_t M = a->size[0], K = a->size[1], N = b->size[1];
	for (int64_t i = 0; i < M; i++)
		for (int64_t j = 0; j < N; j++) {
			int64_t ci[2] = {i, j};
			void *pc = ml_tensor_ptr(c, ci);
			if (ml_dtype_info[dt].is_float) {
				double s = 0;
				for (int64_t k = 0; k < K; k++) {
					int64_t ai[2] = {i, k}, bi[2] = {k, j};
					s += ml_load_f64(dt, ml_tensor_ptr(a, ai)) * ml_load_f64(dt, ml_tensor_ptr(b, bi));
				}
				double old = beta == 0 ? 0 : beta * ml_load_f64(dt, pc);
				ml_store_f64(dt, pc, old + alpha * s);
			} else {
				uint64_t s = 0;
				for (int64_t k = 0; k < K; k++) {
					int64_t ai[2] = {i, k}, bi[2] = {k, j};
					s += (uint64_t)ml_load_i64(dt, ml_tensor_ptr(a, ai)) *
					     (uint64_t)ml_load_i64(dt, ml_tensor_ptr(b, bi));
				}
				uint64_t old = (uint64_t)(int64_t)beta * (uint64_t)ml_load_i64(dt, pc);
				ml_store_i64(dt, pc, (int64_t)(old + (uint64_t)(int64_t)alpha * s));
			}
		}
}

/* ---- gemm ---- */

static const int64_t gemm_sizes[][3] = {
	{7, 5, 3}, {1, 1, 1}, {4, 1, 6}, {1, 6, 1}, {6, 4, 1}, {0, 3, 2}, {3, 0, 2}, {3, 2, 0}, {33, 17, 9},
};
static const double gemm_scalars[][2] = {{0, 1}, {1, 1}, {2, -3}}; /* beta, alpha */

static void test_gemm(rng *r)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (size_t z = 0; z < sizeof gemm_sizes / sizeof gemm_sizes[0]; z++)
			for (int la = 0; la < NLAYOUTS; la++)
				for (int lb = 0; lb < NLAYOUTS; lb++)
					for (int lc = 0; lc < NLAYOUTS; lc++)
						for (size_t sc = 0; sc < 3; sc++) {
							/* all layouts of a and b with a contiguous c, all of c with
							 * contiguous a and b, and a few mixed */
							if (lc != CONTIG && (la != CONTIG || lb != CONTIG) && (la + lb + lc) % 3 != 0)
								continue;
							int64_t M = gemm_sizes[z][0], K = gemm_sizes[z][1], N = gemm_sizes[z][2];
							double beta = gemm_scalars[sc][0], alpha = gemm_scalars[sc][1];
							ml_tensor a, b, c, want;
							make_mat(&a, (ml_dtype)dt, M, K, la, r);
							make_mat(&b, (ml_dtype)dt, K, N, lb, r);
							make_mat(&c, (ml_dtype)dt, M, N, lc, r);
							if (beta == 0 && ml_dtype_info[dt].is_float)
								ml_tensor_fill(&c, NAN); /* must not be read */
							ml_tensor_clone_as(&want, &c, (ml_dtype)dt, NULL);
							ref_gemm(&want, beta, alpha, &a, &b);
							unsigned char *before = snapshot(&c);
							char what[200];
							snprintf(what, sizeof what, "gemm %s %lldx%lldx%lld a %s b %s c %s beta %g alpha %g",
							         ml_dtype_name((ml_dtype)dt), (long long)M, (long long)K, (long long)N,
							         layout_name[la], layout_name[lb], layout_name[lc], beta, alpha);
							ml_error e;
							int rc = ml_blas_gemm(&c, beta, alpha, &a, &b, &e);
							CHECK(rc == ML_OK, "%s: %s", what, rc ? e.msg : "");
							same_values(&c, &want, what);
							check_gaps(&c, before, what);
							free(before);
							ml_tensor_release(&a);
							ml_tensor_release(&b);
							ml_tensor_release(&c);
							ml_tensor_release(&want);
						}
}

/* A larger product: exercises OpenBLAS's blocked kernels and threads. */
static void test_gemm_large(rng *r)
{
	for (int dt = ML_FLOAT; dt <= ML_DOUBLE; dt++)
		for (int la = 0; la < 2; la++) {
			ml_tensor a, b, c, want;
			make_mat(&a, (ml_dtype)dt, 131, 257, la, r);
			make_mat(&b, (ml_dtype)dt, 257, 119, 1 - la, r);
			make_mat(&c, (ml_dtype)dt, 131, 119, NARROWED, r);
			ml_tensor_clone_as(&want, &c, (ml_dtype)dt, NULL);
			ref_gemm(&want, 0.5, 2, &a, &b);
			CHECK(ml_blas_gemm(&c, 0.5, 2, &a, &b, NULL) == ML_OK, "large gemm");
			same_values(&c, &want, dt == ML_FLOAT ? "large gemm Float" : "large gemm Double");
			ml_tensor_release(&a);
			ml_tensor_release(&b);
			ml_tensor_release(&c);
			ml_tensor_release(&want);
		}
}

/* ---- gemv and dot ---- */

static void test_gemv(rng *r)
{
	static const int64_t sizes[][2] = {{7, 5}, {1, 1}, {5, 1}, {1, 5}, {0, 3}, {3, 0}, {40, 23}};
	static const int64_t steps[] = {1, 2, 3, 0};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
			for (int la = 0; la < NLAYOUTS; la++)
				for (int sx = 0; sx < 4; sx++)
					for (int sy = 0; sy < 3; sy++)
						for (size_t sc = 0; sc < 3; sc++) {
							int64_t M = sizes[z][0], K = sizes[z][1];
							double beta = gemm_scalars[sc][0], alpha = gemm_scalars[sc][1];
							ml_tensor a, x, y, want;
							make_mat(&a, (ml_dtype)dt, M, K, la, r);
							make_vec(&x, (ml_dtype)dt, K, steps[sx], r);
							make_vec(&y, (ml_dtype)dt, M, steps[sy], r);
							ml_tensor_clone_as(&want, &y, (ml_dtype)dt, NULL);
							/* reference: as a product with one column */
							ml_tensor xc = x, wc = want;
							ml_tensor_unsqueeze(&xc, 1, NULL);
							ml_tensor_unsqueeze(&wc, 1, NULL);
							ref_gemm(&wc, beta, alpha, &a, &xc);
							unsigned char *before = snapshot(&y);
							char what[200];
							snprintf(what, sizeof what, "gemv %s %lldx%lld a %s x step %lld y step %lld beta %g alpha %g",
							         ml_dtype_name((ml_dtype)dt), (long long)M, (long long)K, layout_name[la],
							         (long long)steps[sx], (long long)steps[sy], beta, alpha);
							ml_error e;
							int rc = ml_blas_gemv(&y, beta, alpha, &a, &x, &e);
							CHECK(rc == ML_OK, "%s: %s", what, rc ? e.msg : "");
							same_values(&y, &want, what);
							check_gaps(&y, before, what);
							free(before);
							ml_tensor_release(&a);
							ml_tensor_release(&x);
							ml_tensor_release(&y);
							ml_tensor_release(&want);
						}
}

static void test_dot(rng *r)
{
	static const int64_t steps[] = {1, 2, 0};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int64_t n = 0; n <= 37; n += (n < 3 ? 1 : 17))
			for (int sx = 0; sx < 3; sx++)
				for (int sy = 0; sy < 3; sy++) {
					ml_tensor x, y;
					make_vec(&x, (ml_dtype)dt, n, steps[sx], r);
					make_vec(&y, (ml_dtype)dt, n, steps[sy], r);
					double want = 0;
					int64_t iwant = 0;
					for (int64_t i = 0; i < n; i++) {
						double p = ml_load_f64((ml_dtype)dt, ml_tensor_ptr(&x, &i)) *
						           ml_load_f64((ml_dtype)dt, ml_tensor_ptr(&y, &i));
						want += p;
						iwant += (int64_t)p;
					}
					double f = -1;
					int64_t iv = -1;
					int rc = ml_blas_dot(&x, &y, &f, &iv, "torch.dot", NULL);
					CHECK(rc == ML_OK, "dot rc");
					if (ml_dtype_info[dt].is_float)
						CHECK(check_near(f, want, tol_for((ml_dtype)dt)), "dot %s n=%lld steps %lld %lld: %g, expected %g",
						      ml_dtype_name((ml_dtype)dt), (long long)n, (long long)steps[sx],
						      (long long)steps[sy], f, want);
					else
						CHECK(iv == iwant, "dot %s n=%lld: %lld, expected %lld", ml_dtype_name((ml_dtype)dt),
						      (long long)n, (long long)iv, (long long)iwant);
					ml_tensor_release(&x);
					ml_tensor_release(&y);
				}
	/* any shapes with the same number of elements; non-flattenable views are copied */
	ml_tensor a, b;
	make_mat(&a, ML_DOUBLE, 3, 4, TRANSPOSED, r);
	make_mat(&b, ML_DOUBLE, 2, 6, STRIDED, r);
	double want = 0, got;
	for (int64_t i = 0; i < 12; i++) {
		int64_t ia[2] = {i / 4, i % 4}, ib[2] = {i / 6, i % 6};
		want += ml_load_f64(ML_DOUBLE, ml_tensor_ptr(&a, ia)) * ml_load_f64(ML_DOUBLE, ml_tensor_ptr(&b, ib));
	}
	CHECK(ml_blas_dot(&a, &b, &got, NULL, "torch.dot", NULL) == ML_OK, "dot of matrices");
	CHECK_NEAR(got, want, 1e-12);
	/* integer dot sums in 64 bits (Torch7's accreal) */
	ml_tensor u;
	int64_t n = 3, iv;
	ml_tensor_init_sized(&u, ML_BYTE, 1, &n, NULL);
	ml_tensor_fill(&u, 200);
	CHECK(ml_blas_dot(&u, &u, NULL, &iv, "torch.dot", NULL) == ML_OK && iv == 120000,
	      "Byte dot in 64 bits: %lld", (long long)iv);
	ml_error e;
	CHECK(ml_blas_dot(&a, &u, NULL, &iv, "torch.dot", &e) == ML_ETYPE && strstr(e.msg, "torch.dot: "),
	      "dtype mismatch: %s", e.msg);
	ml_tensor d3;
	ml_tensor_init_sized(&d3, ML_DOUBLE, 1, &n, NULL);
	CHECK(ml_blas_dot(&a, &d3, &got, NULL, "torch.dot", &e) == ML_ESHAPE &&
	      strstr(e.msg, "torch.dot: 3x4 and 3 have different numbers of elements (12 and 3)"), "%s", e.msg);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&u);
	ml_tensor_release(&d3);
}

/* ---- Torch7-level operations ---- */

static void test_addmm(rng *r)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		ml_dtype t = (ml_dtype)dt;
		ml_tensor a, b, m, res, want, mfull;
		make_mat(&a, t, 7, 5, TRANSPOSED, r);
		make_mat(&b, t, 5, 3, NARROWED, r);
		/* mm into a fresh (empty) result */
		ml_tensor_init(&res, t);
		make_mat(&want, t, 7, 3, CONTIG, r);
		ref_gemm(&want, 0, 1, &a, &b);
		CHECK(ml_blas_addmm(&res, 0, NULL, 1, &a, &b, "torch.mm", NULL) == ML_OK, "mm");
		same_values(&res, &want, "mm into a new tensor");
		CHECK(ml_tensor_is_contiguous(&res), "mm result contiguous");
		ml_tensor_release(&res);
		ml_tensor_release(&want);
		/* addmm with M broadcast from a row */
		make_mat(&m, t, 1, 3, CONTIG, r);
		ml_tensor_init(&res, t);
		ml_tensor_clone_as(&mfull, &m, t, NULL);
		int64_t full[2] = {7, 3};
		ml_tensor_expand(&mfull, 2, full, NULL);
		ml_tensor_clone_as(&want, &mfull, t, NULL);
		ref_gemm(&want, 2, -1, &a, &b);
		CHECK(ml_blas_addmm(&res, 2, &m, -1, &a, &b, "torch.addmm", NULL) == ML_OK, "addmm broadcast");
		same_values(&res, &want, "addmm with a broadcast M");
		ml_tensor_release(&want);
		ml_tensor_release(&mfull);
		/* in place into a non-contiguous M of the right shape: strides kept */
		ml_tensor_release(&m);
		make_mat(&m, t, 7, 3, NARROWED_T, r);
		ml_tensor_clone_as(&want, &m, t, NULL);
		ref_gemm(&want, 3, 2, &a, &b);
		int64_t st0 = m.stride[0], st1 = m.stride[1], off = m.offset;
		unsigned char *before = snapshot(&m);
		CHECK(ml_blas_addmm(&m, 3, &m, 2, &a, &b, "torch.addmm", NULL) == ML_OK, "addmm in place");
		CHECK(m.stride[0] == st0 && m.stride[1] == st1 && m.offset == off, "in place keeps the view");
		same_values(&m, &want, "addmm in place, strided");
		check_gaps(&m, before, "addmm in place, strided");
		free(before);
		ml_tensor_release(&want);
		ml_tensor_release(&res);
		ml_tensor_release(&a);
		ml_tensor_release(&b);
		ml_tensor_release(&m);
		/* result aliasing an input: a = a @ b with square matrices */
		make_mat(&a, t, 4, 4, CONTIG, r);
		make_mat(&b, t, 4, 4, TRANSPOSED, r);
		ml_tensor_clone_as(&want, &a, t, NULL);
		ml_tensor acopy;
		ml_tensor_clone_as(&acopy, &a, t, NULL);
		ref_gemm(&want, 0, 1, &acopy, &b);
		CHECK(ml_blas_addmm(&a, 0, NULL, 1, &a, &b, "torch.mm", NULL) == ML_OK, "mm aliasing");
		same_values(&a, &want, "mm into its own first operand");
		ml_tensor_release(&want);
		/* addmm with M = res = b (shares with mat2) */
		ml_tensor_clone_as(&want, &b, t, NULL);
		ml_tensor bcopy;
		ml_tensor_clone_as(&bcopy, &b, t, NULL);
		ref_gemm(&want, 1, 1, &acopy, &bcopy);
		CHECK(ml_blas_addmm(&b, 1, &b, 1, &acopy, &b, "torch.addmm", NULL) == ML_OK, "addmm aliasing");
		same_values(&b, &want, "addmm into its own M and mat2");
		ml_tensor_release(&want);
		ml_tensor_release(&acopy);
		ml_tensor_release(&bcopy);
		ml_tensor_release(&a);
		ml_tensor_release(&b);
	}
	/* a result of the wrong shape is resized; empty products */
	ml_tensor a, b, res;
	make_mat(&a, ML_DOUBLE, 0, 4, CONTIG, r);
	make_mat(&b, ML_DOUBLE, 4, 3, CONTIG, r);
	make_mat(&res, ML_DOUBLE, 5, 5, CONTIG, r);
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &a, &b, "torch.mm", NULL) == ML_OK && res.ndim == 2 &&
	      res.size[0] == 0 && res.size[1] == 3, "0x4 by 4x3 gives 0x3");
	ml_tensor_release(&a);
	make_mat(&a, ML_DOUBLE, 2, 0, CONTIG, r);
	ml_tensor_release(&b);
	make_mat(&b, ML_DOUBLE, 0, 3, CONTIG, r);
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &a, &b, "torch.mm", NULL) == ML_OK && res.size[0] == 2 &&
	      res.size[1] == 3, "2x0 by 0x3 gives 2x3");
	for (int64_t i = 0; i < 6; i++) {
		int64_t idx[2] = {i / 3, i % 3};
		CHECK(ml_load_f64(ML_DOUBLE, ml_tensor_ptr(&res, idx)) == 0, "2x0 by 0x3 is zeros");
	}
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&res);
}

static void test_addmv_addr(rng *r)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		ml_dtype t = (ml_dtype)dt;
		ml_tensor mat, v, res, want, m;
		make_mat(&mat, t, 7, 5, NARROWED_T, r);
		make_vec(&v, t, 5, 2, r);
		make_vec(&m, t, 7, 3, r);
		/* addmv: res = 2*m - mat v */
		ml_tensor_init(&res, t);
		ml_tensor_clone_as(&want, &m, t, NULL);
		ml_tensor vc = v, wc = want;
		ml_tensor_unsqueeze(&vc, 1, NULL);
		ml_tensor_unsqueeze(&wc, 1, NULL);
		ref_gemm(&wc, 2, -1, &mat, &vc);
		CHECK(ml_blas_addmv(&res, 2, &m, -1, &mat, &v, "torch.addmv", NULL) == ML_OK, "addmv");
		same_values(&res, &want, "addmv");
		ml_tensor_release(&want);
		ml_tensor_release(&res);
		/* addr: res = m2 + 3 * x y^T, with m2 in place and strided */
		ml_tensor m2, x = v, xr, yc;
		make_mat(&m2, t, 5, 7, STRIDED, r);
		ml_tensor_clone_as(&want, &m2, t, NULL);
		xr = x;
		ml_tensor_unsqueeze(&xr, 1, NULL);
		yc = m;
		ml_tensor_unsqueeze(&yc, 0, NULL);
		ref_gemm(&want, 1, 3, &xr, &yc);
		unsigned char *before = snapshot(&m2);
		CHECK(ml_blas_addr(&m2, 1, &m2, 3, &x, &m, "torch.addr", NULL) == ML_OK, "addr");
		same_values(&m2, &want, "addr in place into a strided matrix");
		check_gaps(&m2, before, "addr in place");
		free(before);
		ml_tensor_release(&want);
		/* ger into a fresh tensor */
		ml_tensor_init(&res, t);
		make_mat(&want, t, 5, 7, CONTIG, r);
		ref_gemm(&want, 0, 1, &xr, &yc);
		CHECK(ml_blas_addr(&res, 0, NULL, 1, &x, &m, "torch.ger", NULL) == ML_OK, "ger");
		same_values(&res, &want, "ger");
		ml_tensor_release(&want);
		ml_tensor_release(&res);
		ml_tensor_release(&m2);
		ml_tensor_release(&mat);
		ml_tensor_release(&v);
		ml_tensor_release(&m);
	}
}

/* A (B, R, C) batch whose matrices are transposed in memory when `tr`. */
static void make_batch(ml_tensor *t, ml_dtype dt, int64_t B, int64_t R, int64_t C, int tr, rng *r)
{
	int64_t size[3] = {B, tr ? C : R, tr ? R : C};
	ml_tensor_init_sized(t, dt, 3, size, NULL);
	fill_random(t->storage, r);
	if (tr)
		ml_tensor_transpose(t, 1, 2, NULL);
}

static void test_bmm(rng *r)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		ml_dtype t = (ml_dtype)dt;
		for (int tr = 0; tr < 2; tr++) {
			ml_tensor b1, b2, m, res, want;
			make_batch(&b1, t, 3, 7, 5, tr, r);
			make_batch(&b2, t, 3, 5, 4, 1 - tr, r);
			make_batch(&m, t, 3, 7, 4, tr, r);
			/* baddbmm into a fresh tensor */
			ml_tensor_init(&res, t);
			ml_tensor_clone_as(&want, &m, t, NULL);
			for (int64_t i = 0; i < 3; i++) {
				ml_tensor wi = want, ai = b1, bi = b2;
				ml_tensor_select(&wi, 0, i, NULL);
				ml_tensor_select(&ai, 0, i, NULL);
				ml_tensor_select(&bi, 0, i, NULL);
				ref_gemm(&wi, 2, 3, &ai, &bi);
			}
			CHECK(ml_blas_baddbmm(&res, 2, &m, 3, &b1, &b2, "torch.baddbmm", NULL) == ML_OK, "baddbmm");
			same_values(&res, &want, tr ? "baddbmm transposed" : "baddbmm");
			ml_tensor_release(&want);
			/* bmm into m in place (strides kept when tr) */
			make_batch(&want, t, 3, 7, 4, 0, r);
			for (int64_t i = 0; i < 3; i++) {
				ml_tensor wi = want, ai = b1, bi = b2;
				ml_tensor_select(&wi, 0, i, NULL);
				ml_tensor_select(&ai, 0, i, NULL);
				ml_tensor_select(&bi, 0, i, NULL);
				ref_gemm(&wi, 0, 1, &ai, &bi);
			}
			CHECK(ml_blas_baddbmm(&m, 0, NULL, 1, &b1, &b2, "torch.bmm", NULL) == ML_OK, "bmm");
			same_values(&m, &want, tr ? "bmm into a transposed batch" : "bmm");
			ml_tensor_release(&want);
			/* addbmm: res (7, 4) = 0.5*res - sum_i b1_i b2_i, res strided */
			ml_tensor_release(&res);
			make_mat(&res, t, 7, 4, tr ? STRIDED : NARROWED_T, r);
			ml_tensor_clone_as(&want, &res, t, NULL);
			double beta = ml_dtype_info[dt].is_float ? 0.5 : 2;
			for (int64_t i = 0; i < 3; i++) {
				ml_tensor ai = b1, bi = b2;
				ml_tensor_select(&ai, 0, i, NULL);
				ml_tensor_select(&bi, 0, i, NULL);
				ref_gemm(&want, i == 0 ? beta : 1, -1, &ai, &bi);
			}
			unsigned char *before = snapshot(&res);
			CHECK(ml_blas_addbmm(&res, beta, &res, -1, &b1, &b2, "torch.addbmm", NULL) == ML_OK, "addbmm");
			same_values(&res, &want, "addbmm in place");
			check_gaps(&res, before, "addbmm in place");
			free(before);
			ml_tensor_release(&want);
			ml_tensor_release(&res);
			ml_tensor_release(&b1);
			ml_tensor_release(&b2);
			ml_tensor_release(&m);
		}
	}
	/* an empty batch: bmm gives 0x7x4, addbmm gives beta*M */
	ml_tensor b1, b2, res, m;
	make_batch(&b1, ML_FLOAT, 0, 7, 5, 0, r);
	make_batch(&b2, ML_FLOAT, 0, 5, 4, 0, r);
	ml_tensor_init(&res, ML_FLOAT);
	CHECK(ml_blas_baddbmm(&res, 0, NULL, 1, &b1, &b2, "torch.bmm", NULL) == ML_OK && res.ndim == 3 &&
	      res.size[0] == 0 && res.size[1] == 7 && res.size[2] == 4, "empty bmm");
	make_mat(&m, ML_FLOAT, 7, 4, CONTIG, r);
	ml_tensor_fill(&m, 3);
	CHECK(ml_blas_addbmm(&res, 2, &m, 1, &b1, &b2, "torch.addbmm", NULL) == ML_OK && res.ndim == 2,
	      "empty addbmm");
	int64_t i0[2] = {6, 3};
	CHECK(ml_load_f64(ML_FLOAT, ml_tensor_ptr(&res, i0)) == 6, "empty addbmm is beta*M");
	ml_tensor_release(&b1);
	ml_tensor_release(&b2);
	ml_tensor_release(&res);
	ml_tensor_release(&m);
}

/* ---- matmul ---- */

/* Reference matmul by broadcast index arithmetic, into a contiguous tensor of
 * the expected shape. */
static void ref_matmul(ml_tensor *out, const ml_tensor *a, const ml_tensor *b)
{
	ml_dtype dt = a->dtype;
	int na = a->ndim >= 2 ? a->ndim - 2 : 0, nb = b->ndim >= 2 ? b->ndim - 2 : 0;
	int nbat = na > nb ? na : nb;
	int64_t N = a->ndim >= 2 ? a->size[a->ndim - 2] : 1, K = a->size[a->ndim - 1];
	int64_t P = b->ndim >= 2 ? b->size[b->ndim - 1] : 1;
	int64_t size[ML_MAX_DIMS], bat[ML_MAX_DIMS];
	int nd = 0;
	for (int k = 0; k < nbat; k++) {
		int ka = k - (nbat - na), kb = k - (nbat - nb);
		int64_t x = ka >= 0 ? a->size[ka] : 1, y = kb >= 0 ? b->size[kb] : 1;
		bat[k] = size[nd++] = x == 1 ? y : x;
	}
	if (a->ndim >= 2)
		size[nd++] = N;
	if (b->ndim >= 2)
		size[nd++] = P;
	ml_tensor_init_sized(out, dt, nd, size, NULL);
	int64_t nmat = 1;
	for (int k = 0; k < nbat; k++)
		nmat *= bat[k];
	for (int64_t mi = 0; mi < nmat; mi++) {
		int64_t bi[ML_MAX_DIMS], rem = mi;
		for (int k = nbat - 1; k >= 0; k--) {
			bi[k] = rem % bat[k];
			rem /= bat[k];
		}
		for (int64_t i = 0; i < N; i++)
			for (int64_t j = 0; j < P; j++) {
				double s = 0;
				uint64_t u = 0;
				for (int64_t k = 0; k < K; k++) {
					int64_t ia[ML_MAX_DIMS], ib[ML_MAX_DIMS];
					for (int d = 0; d < na; d++)
						ia[d] = a->size[d] == 1 ? 0 : bi[d + nbat - na];
					for (int d = 0; d < nb; d++)
						ib[d] = b->size[d] == 1 ? 0 : bi[d + nbat - nb];
					if (a->ndim >= 2) {
						ia[na] = i;
						ia[na + 1] = k;
					} else {
						ia[0] = k;
					}
					if (b->ndim >= 2) {
						ib[nb] = k;
						ib[nb + 1] = j;
					} else {
						ib[0] = k;
					}
					const void *pa = ml_tensor_ptr(a, ia), *pb = ml_tensor_ptr(b, ib);
					s += ml_load_f64(dt, pa) * ml_load_f64(dt, pb);
					u += (uint64_t)ml_load_i64(dt, pa) * (uint64_t)ml_load_i64(dt, pb);
				}
				int64_t io[ML_MAX_DIMS];
				int d = 0;
				for (; d < nbat; d++)
					io[d] = bi[d];
				if (a->ndim >= 2)
					io[d++] = i;
				if (b->ndim >= 2)
					io[d++] = j;
				void *po = ml_tensor_ptr(out, io);
				if (ml_dtype_info[dt].is_float)
					ml_store_f64(dt, po, s);
				else
					ml_store_i64(dt, po, (int64_t)u);
			}
	}
}

static void make_nd(ml_tensor *t, ml_dtype dt, int ndim, const int64_t *size, int transpose_last,
                    rng *r)
{
	int64_t sz[ML_MAX_DIMS];
	memcpy(sz, size, sizeof(int64_t) * (size_t)ndim);
	if (transpose_last && ndim >= 2) {
		sz[ndim - 1] = size[ndim - 2];
		sz[ndim - 2] = size[ndim - 1];
	}
	ml_tensor_init_sized(t, dt, ndim, sz, NULL);
	fill_random(t->storage, r);
	if (transpose_last && ndim >= 2)
		ml_tensor_transpose(t, ndim - 2, ndim - 1, NULL);
}

static void test_matmul(rng *r)
{
	static const struct {
		int na, nb;
		int64_t a[4], b[4];
	} cases[] = {
		{2, 2, {7, 5}, {5, 3}},
		{1, 2, {5}, {5, 3}},
		{2, 1, {7, 5}, {5}},
		{3, 2, {4, 7, 5}, {5, 3}},          /* folded into one product */
		{2, 3, {7, 5}, {4, 5, 3}},
		{1, 3, {5}, {2, 5, 3}},
		{3, 1, {2, 7, 5}, {5}},
		{4, 3, {2, 1, 7, 5}, {3, 5, 4}},    /* broadcast batch dimensions */
		{3, 3, {1, 7, 5}, {3, 5, 4}},
		{3, 2, {0, 7, 5}, {5, 3}},
		{3, 3, {2, 0, 5}, {2, 5, 3}},
		{3, 3, {2, 7, 0}, {2, 0, 3}},
	};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
			for (int tr = 0; tr < 4; tr++) {
				ml_tensor a, b, res, want;
				make_nd(&a, (ml_dtype)dt, cases[c].na, cases[c].a, tr & 1, r);
				make_nd(&b, (ml_dtype)dt, cases[c].nb, cases[c].b, tr & 2, r);
				ref_matmul(&want, &a, &b);
				ml_tensor_init(&res, (ml_dtype)dt);
				char what[160];
				snprintf(what, sizeof what, "matmul %s case %zu transposes %d", ml_dtype_name((ml_dtype)dt),
				         c, tr);
				ml_error e;
				int rc = ml_blas_matmul(&res, &a, &b, "torch.matmul", &e);
				CHECK(rc == ML_OK, "%s: %s", what, rc ? e.msg : "");
				same_values(&res, &want, what);
				/* again into a transposed result of the right shape */
				if (want.ndim >= 2) {
					ml_tensor res2;
					make_nd(&res2, (ml_dtype)dt, want.ndim, want.size, 1, r);
					int64_t st[ML_MAX_DIMS];
					memcpy(st, res2.stride, sizeof st);
					rc = ml_blas_matmul(&res2, &a, &b, "torch.matmul", &e);
					CHECK(rc == ML_OK && memcmp(st, res2.stride, sizeof(int64_t) * (size_t)want.ndim) == 0,
					      "%s: strides kept", what);
					same_values(&res2, &want, what);
					ml_tensor_release(&res2);
				}
				ml_tensor_release(&a);
				ml_tensor_release(&b);
				ml_tensor_release(&res);
				ml_tensor_release(&want);
			}
}

/* ---- errors ---- */

static void test_errors(void)
{
	ml_tensor a, b, m, res, v, bat;
	int64_t s23[2] = {2, 3}, s45[2] = {4, 5}, s22[2] = {2, 2}, s4[1] = {4}, s234[3] = {2, 3, 4};
	ml_tensor_init_sized(&a, ML_DOUBLE, 2, s23, NULL);
	ml_tensor_init_sized(&b, ML_DOUBLE, 2, s45, NULL);
	ml_tensor_init_sized(&m, ML_DOUBLE, 2, s22, NULL);
	ml_tensor_init_sized(&v, ML_DOUBLE, 1, s4, NULL);
	ml_tensor_init_sized(&bat, ML_DOUBLE, 3, s234, NULL);
	ml_tensor_init(&res, ML_DOUBLE);
	ml_error e;
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &a, &b, "torch.mm", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.mm: cannot multiply 2x3 by 4x5") == 0, "%s", e.msg);
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &a, &v, "torch.mm", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.mm: expected 2-D matrices (got 2x3 and 4)") == 0, "%s", e.msg);
	CHECK(ml_blas_addmv(&res, 0, NULL, 1, &a, &v, "torch.mv", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.mv: cannot multiply 2x3 by 4") == 0, "%s", e.msg);
	ml_tensor at = a;
	ml_tensor_transpose(&at, 0, 1, NULL);
	CHECK(ml_blas_addmm(&res, 1, &m, 1, &at, &a, "torch.addmm", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.addmm: cannot add 2x2 to the 3x3 product of 3x2 by 2x3") == 0, "%s", e.msg);
	CHECK(ml_blas_addr(&res, 0, NULL, 1, &a, &v, "torch.ger", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.ger: expected vectors (got 2x3 and 4)") == 0, "%s", e.msg);
	CHECK(ml_blas_baddbmm(&res, 0, NULL, 1, &bat, &bat, "torch.bmm", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.bmm: cannot multiply batches 2x3x4 by 2x3x4") == 0, "%s", e.msg);
	CHECK(ml_blas_addbmm(&res, 1, &m, 1, &a, &a, "torch.addbmm", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.addbmm: expected 3-D batches of matrices (got 2x3 and 2x3)") == 0, "%s", e.msg);
	CHECK(ml_blas_matmul(&res, &bat, &a, "torch.matmul", &e) == ML_ESHAPE &&
	      strcmp(e.msg, "torch.matmul: cannot multiply 2x3x4 by 2x3") == 0, "%s", e.msg);
	ml_tensor f;
	ml_tensor_init_sized(&f, ML_FLOAT, 2, s45, NULL);
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &at, &f, "torch.mm", &e) == ML_ESHAPE, "shape checked first");
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &m, &m, "torch.mm", &e) == ML_OK, "mm ok");
	ml_tensor f22;
	ml_tensor_init_sized(&f22, ML_FLOAT, 2, s22, NULL);
	CHECK(ml_blas_addmm(&res, 0, NULL, 1, &m, &f22, "torch.mm", &e) == ML_ETYPE &&
	      strcmp(e.msg, "torch.mm: tensors must have the same type (got Double and Float)") == 0, "%s", e.msg);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&m);
	ml_tensor_release(&v);
	ml_tensor_release(&bat);
	ml_tensor_release(&res);
	ml_tensor_release(&f);
	ml_tensor_release(&f22);
}

int main(void)
{
	rng r = {0x9e3779b97f4a7c15ULL};
	test_gemm(&r);
	test_gemm_large(&r);
	test_gemv(&r);
	test_dot(&r);
	test_addmm(&r);
	test_addmv_addr(&r);
	test_bmm(&r);
	test_matmul(&r);
	test_errors();
	return check_done();
}
