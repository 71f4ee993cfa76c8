/*
 * test_lapack.c - kernels/lapack.c checked by identities computed with naive
 * loops in double: residuals (A X = B), reconstructions (U^T U = A,
 * V diag(w) V^T = A, U diag(S) V^T = A, Q R = A), orthogonality, and a naive
 * Gaussian elimination (solve, inverse, determinant) as an independent
 * reference.  Float and Double; inputs contiguous, transposed, narrowed and
 * fully strided; results fresh, already column-major, contiguous row-major
 * (re-laid out), strided slices (copied into) and aliasing their inputs; odd
 * and empty sizes; the error messages (singular, not positive definite,
 * shapes, dtypes, NaN).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lapack.h"

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

enum { CONTIG, TRANSPOSED, NARROWED, STRIDED, NLAYOUTS };
static const char *const layout_name[NLAYOUTS] = {"contiguous", "transposed", "narrowed", "strided"};

/* t becomes a fresh (rows, cols) view with the given layout, random in (-1, 1). */
static void make_mat(ml_tensor *t, ml_dtype dt, int64_t rows, int64_t cols, int layout, rng *r)
{
	int64_t s0 = cols, s1 = 1, off = 0;
	switch (layout) {
	case TRANSPOSED: s0 = 1; s1 = rows; break;
	case NARROWED: s0 = cols + 3; s1 = 1; off = 2; break;
	case STRIDED: s0 = 2 * cols + 1; s1 = 2; off = 1; break;
	default: break;
	}
	int64_t need = off + 1;
	if (rows > 0 && cols > 0)
		need += (rows - 1) * s0 + (cols - 1) * s1;
	ml_storage *s = ml_storage_new(dt, need + 2, NULL);
	for (int64_t i = 0; i < s->size; i++)
		ml_store_f64(dt, ml_storage_at(s, i), uniform(r));
	int64_t size[2] = {rows, cols}, stride[2] = {s0, s1};
	ml_tensor_init(t, dt);
	ml_tensor_set_storage(t, s, off, 2, size, stride, NULL);
	ml_storage_release(s);
}

static double get(const ml_tensor *t, int64_t i, int64_t j)
{
	int64_t idx[2] = {i, j};
	return ml_load_f64(t->dtype, ml_tensor_ptr(t, idx));
}

static void set(ml_tensor *t, int64_t i, int64_t j, double v)
{
	int64_t idx[2] = {i, j};
	ml_store_f64(t->dtype, ml_tensor_ptr(t, idx), v);
}

/* Element (i, j) of a matrix, or element i of a vector (j must be 0). */
static double getv(const ml_tensor *t, int64_t i, int64_t j)
{
	return t->ndim == 1 ? ml_load_f64(t->dtype, ml_tensor_ptr(t, &i)) : get(t, i, j);
}

static int64_t ncols(const ml_tensor *t)
{
	return t->ndim == 1 ? 1 : t->size[1];
}

/* Adds d to the diagonal: a well-conditioned matrix. */
static void add_diag(ml_tensor *a, double d)
{
	for (int64_t i = 0; i < a->size[0] && i < a->size[1]; i++)
		set(a, i, i, get(a, i, i) + d);
}

static double tol_for(ml_dtype dt)
{
	return dt == ML_FLOAT ? 2e-5 : 1e-13;
}

static double maxabs(const ml_tensor *t)
{
	double m = 0;
	for (int64_t i = 0; i < t->size[0]; i++)
		for (int64_t j = 0; j < ncols(t); j++)
			m = fmax(m, fabs(getv(t, i, j)));
	return m;
}

/* max |op(A) X - B| / (max|A| max|X| n + max|B|), op(A) = A or A^T. */
static double residual(const ml_tensor *a, int ta, const ml_tensor *x, const ml_tensor *b)
{
	int64_t m = ta ? a->size[1] : a->size[0], k = ta ? a->size[0] : a->size[1], n = ncols(b);
	double worst = 0;
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < n; j++) {
			double s = 0;
			for (int64_t p = 0; p < k; p++)
				s += (ta ? get(a, p, i) : get(a, i, p)) * getv(x, p, j);
			worst = fmax(worst, fabs(s - getv(b, i, j)));
		}
	return worst / (maxabs(a) * maxabs(x) * (double)(k > 0 ? k : 1) + maxabs(b) + 1e-300);
}

/* max |A^T A - I| over the columns of a. */
static double orthogonality(const ml_tensor *a)
{
	double worst = 0;
	for (int64_t i = 0; i < a->size[1]; i++)
		for (int64_t j = 0; j < a->size[1]; j++) {
			double s = 0;
			for (int64_t p = 0; p < a->size[0]; p++)
				s += get(a, p, i) * get(a, p, j);
			worst = fmax(worst, fabs(s - (i == j)));
		}
	return worst;
}

/* Naive Gaussian elimination with partial pivoting, in double: solves A x = b
 * for the columns of b (n, k) in place over copies, returns det(A). */
static double naive_solve(const ml_tensor *a, const ml_tensor *b, double *x)
{
	int64_t n = a->size[0], k = b ? ncols(b) : 0;
	double *m = malloc(sizeof(double) * (size_t)(n * n + 1)), det = 1;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < n; j++)
			m[i * n + j] = get(a, i, j);
		for (int64_t j = 0; j < k; j++)
			x[i * k + j] = getv(b, i, j);
	}
	for (int64_t c = 0; c < n; c++) {
		int64_t p = c;
		for (int64_t i = c + 1; i < n; i++)
			if (fabs(m[i * n + c]) > fabs(m[p * n + c]))
				p = i;
		if (p != c) {
			det = -det;
			for (int64_t j = 0; j < n; j++) {
				double t = m[c * n + j];
				m[c * n + j] = m[p * n + j];
				m[p * n + j] = t;
			}
			for (int64_t j = 0; j < k; j++) {
				double t = x[c * k + j];
				x[c * k + j] = x[p * k + j];
				x[p * k + j] = t;
			}
		}
		det *= m[c * n + c];
		for (int64_t i = c + 1; i < n && m[c * n + c] != 0; i++) {
			double f = m[i * n + c] / m[c * n + c];
			for (int64_t j = c; j < n; j++)
				m[i * n + j] -= f * m[c * n + j];
			for (int64_t j = 0; j < k; j++)
				x[i * k + j] -= f * x[c * k + j];
		}
	}
	for (int64_t c = n - 1; c >= 0; c--)
		for (int64_t j = 0; j < k; j++) {
			double s = x[c * k + j];
			for (int64_t p = c + 1; p < n; p++)
				s -= m[c * n + p] * x[p * k + j];
			x[c * k + j] = s / m[c * n + c];
		}
	free(m);
	return det;
}

static const ml_dtype dtypes[2] = {ML_FLOAT, ML_DOUBLE};
static const int64_t sizes[] = {1, 2, 5, 17, 64};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* ---- gesv, inverse, det against the naive elimination ---- */

static void test_gesv(rng *r)
{
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < NSIZES; si++)
			for (int la = 0; la < NLAYOUTS; la++) {
				ml_dtype dt = dtypes[d];
				int64_t n = sizes[si], k = 3;
				ml_tensor a, b, x, lu;
				ml_error e;
				make_mat(&a, dt, n, n, la, r);
				add_diag(&a, (double)n);
				make_mat(&b, dt, n, k, (la + 1) % NLAYOUTS, r);
				ml_tensor_init(&x, dt);
				ml_tensor_init(&lu, dt);
				int rc = ml_lapack_gesv(&x, &lu, &b, &a, "t", &e);
				CHECK(rc == ML_OK, "gesv %s n=%lld: %s", layout_name[la], (long long)n, e.msg);
				double res = residual(&a, 0, &x, &b);
				CHECK(res < tol_for(dt), "gesv %s %s n=%lld residual %g", ml_dtype_name(dt), layout_name[la],
				      (long long)n, res);
				CHECK(x.stride[0] == 1 && lu.stride[0] == 1, "gesv results are column-major");
				double *want = malloc(sizeof(double) * (size_t)(n * k));
				double det = naive_solve(&a, &b, want), worst = 0;
				for (int64_t i = 0; i < n; i++)
					for (int64_t j = 0; j < k; j++)
						worst = fmax(worst, fabs(get(&x, i, j) - want[i * k + j]));
				CHECK(worst < 100 * tol_for(dt), "gesv vs naive elimination: %g", worst);
				/* L U has A's rows, permuted */
				double lumax = 0;
				for (int64_t i = 0; i < n; i++) {
					double best = INFINITY;
					for (int64_t p = 0; p < n; p++) {
						double dif = 0;
						for (int64_t j = 0; j < n; j++) {
							double s = 0;
							for (int64_t q = 0; q <= i && q <= j; q++)
								s += (q == i ? 1.0 : get(&lu, i, q)) * get(&lu, q, j);
							dif = fmax(dif, fabs(s - get(&a, p, j)));
						}
						best = fmin(best, dif);
					}
					lumax = fmax(lumax, best);
				}
				CHECK(lumax < 10 * n * tol_for(dt) * maxabs(&a), "L U rows are A's rows: %g", lumax);
				/* inverse and det */
				ml_tensor inv;
				ml_tensor_init(&inv, dt);
				rc = ml_lapack_inverse(&inv, &a, "t", &e);
				CHECK(rc == ML_OK, "inverse: %s", e.msg);
				ml_tensor eye;
				ml_tensor_init_sized(&eye, dt, 2, a.size, NULL);
				for (int64_t i = 0; i < n; i++)
					set(&eye, i, i, 1);
				CHECK(residual(&a, 0, &inv, &eye) < tol_for(dt), "A inv(A) = I (%s n=%lld)", ml_dtype_name(dt),
				      (long long)n);
				double got;
				rc = ml_lapack_det(&a, &got, "t", &e);
				CHECK(rc == ML_OK && check_near(got / det, 1, 100 * tol_for(dt)), "det %g, naive %g", got, det);
				double sign, logabs;
				rc = ml_lapack_slogdet(&a, &sign, &logabs, "t", &e);
				CHECK(rc == ML_OK && sign == (det < 0 ? -1 : 1) && check_near(logabs, log(fabs(det)), 100 * tol_for(dt)),
				      "slogdet %g %g vs %g", sign, logabs, det);
				free(want);
				ml_tensor_release(&inv);
				ml_tensor_release(&eye);
				ml_tensor_release(&a);
				ml_tensor_release(&b);
				ml_tensor_release(&x);
				ml_tensor_release(&lu);
			}
}

/* ---- result tensors: every placement rule of lapack.h ---- */

static void test_results(rng *r)
{
	ml_error e;
	ml_tensor a, b, x, lu, want;
	int64_t n = 6;
	make_mat(&a, ML_DOUBLE, n, n, CONTIG, r);
	add_diag(&a, 6);
	make_mat(&b, ML_DOUBLE, n, 2, CONTIG, r);
	ml_tensor_init(&want, ML_DOUBLE);
	ml_tensor_init(&lu, ML_DOUBLE);
	ml_lapack_gesv(&want, &lu, &b, &a, "t", &e);
	/* already column-major with a leading dimension > rows: written in place */
	ml_tensor big;
	make_mat(&big, ML_DOUBLE, 2, 9, CONTIG, r); /* column-major 9x2 view of 18+ elements */
	ml_tensor_init(&x, ML_DOUBLE);
	{
		int64_t size[2] = {n, 2}, stride[2] = {1, 9};
		ml_tensor_set_storage(&x, big.storage, 1, 2, size, stride, NULL);
	}
	double before0 = ml_load_f64(ML_DOUBLE, ml_storage_at(big.storage, 0));
	ml_storage *xs = x.storage;
	int rc = ml_lapack_gesv(&x, &lu, &b, &a, "t", &e);
	CHECK(rc == ML_OK && x.storage == xs && x.stride[1] == 9 && x.offset == 1, "in place with ld 9");
	CHECK(ml_load_f64(ML_DOUBLE, ml_storage_at(big.storage, 0)) == before0, "element before the view untouched");
	CHECK(residual(&a, 0, &x, &b) < 1e-13, "ld 9 residual");
	/* a strided slice of the right shape: copied into through its strides */
	ml_tensor sl;
	make_mat(&sl, ML_DOUBLE, n, 2, STRIDED, r);
	ml_storage *ss = sl.storage;
	rc = ml_lapack_gesv(&sl, &lu, &b, &a, "t", &e);
	CHECK(rc == ML_OK && sl.storage == ss && sl.stride[0] == 5 && sl.stride[1] == 2, "slice keeps its strides");
	CHECK(residual(&a, 0, &sl, &b) < 1e-13, "slice residual");
	/* contiguous row-major of the right shape: re-laid out column-major (Torch7) */
	ml_tensor rm;
	int64_t sz[2] = {n, 2};
	ml_tensor_init_sized(&rm, ML_DOUBLE, 2, sz, NULL);
	rc = ml_lapack_gesv(&rm, &lu, &b, &a, "t", &e);
	CHECK(rc == ML_OK && rm.stride[0] == 1 && rm.stride[1] == n, "row-major result re-laid out");
	/* aliasing: b is its own result, a its own LU */
	ml_tensor b2, a2;
	ml_tensor_clone_as(&b2, &b, ML_DOUBLE, NULL);
	ml_tensor_clone_as(&a2, &a, ML_DOUBLE, NULL);
	rc = ml_lapack_gesv(&b2, &a2, &b2, &a2, "t", &e);
	double worst = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < 2; j++)
			worst = fmax(worst, fabs(get(&b2, i, j) - get(&want, i, j)));
	CHECK(rc == ML_OK && worst < 1e-14 && b2.stride[0] == 2, "in place: %g, strides kept", worst);
	worst = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++)
			worst = fmax(worst, fabs(get(&a2, i, j) - get(&lu, i, j)));
	CHECK(worst < 1e-14, "in place LU");
	/* both results the same tensor: no crash, the last one wins */
	ml_tensor same;
	ml_tensor_init(&same, ML_DOUBLE);
	rc = ml_lapack_gesv(&same, &same, &b, &a, "t", &e);
	CHECK(rc == ML_OK && same.size[0] == n && same.size[1] == 2, "results sharing a tensor");
	/* a result of another dtype */
	ml_tensor f;
	ml_tensor_init(&f, ML_FLOAT);
	rc = ml_lapack_gesv(&f, &lu, &b, &a, "torch.gesv", &e);
	CHECK(rc == ML_ETYPE && strstr(e.msg, "torch.gesv: tensors must have the same type (got Double and Float)"),
	      "%s", e.msg);
	ml_tensor_release(&f);
	ml_tensor_release(&same);
	ml_tensor_release(&a2);
	ml_tensor_release(&b2);
	ml_tensor_release(&rm);
	ml_tensor_release(&sl);
	ml_tensor_release(&big);
	ml_tensor_release(&x);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&lu);
	ml_tensor_release(&want);
}

/* ---- triangular, Cholesky ---- */

static void test_triangular(rng *r)
{
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < NSIZES; si++)
			for (int la = 0; la < NLAYOUTS; la++) {
				ml_dtype dt = dtypes[d];
				int64_t n = sizes[si];
				double tol = tol_for(dt);
				ml_tensor a, b, x, ra, t;
				ml_error e;
				make_mat(&a, dt, n, n, la, r);
				add_diag(&a, (double)n);
				make_mat(&b, dt, n, 2, CONTIG, r);
				ml_tensor_init(&x, dt);
				ml_tensor_init(&ra, dt);
				ml_tensor_init(&t, dt);
				for (int variant = 0; variant < 4; variant++) {
					char uplo = variant & 1 ? 'L' : 'U', trans = variant & 2 ? 'T' : 'N';
					int rc = ml_lapack_trtrs(&x, &ra, &b, &a, uplo, trans, 'N', "t", &e);
					ml_tensor_clone_as(&t, &a, dt, NULL);
					for (int64_t i = 0; i < n; i++)
						for (int64_t j = 0; j < n; j++)
							if (uplo == 'U' ? i > j : i < j)
								set(&t, i, j, 0);
					double res = residual(&t, trans == 'T', &x, &b);
					CHECK(rc == ML_OK && res < tol, "trtrs %c%c %s n=%lld: %g", uplo, trans, layout_name[la],
					      (long long)n, res);
					ml_tensor_release(&t);
				}
				/* SPD: A A^T + n I */
				ml_tensor s, c, inv;
				ml_tensor_init_sized(&s, dt, 2, a.size, NULL);
				for (int64_t i = 0; i < n; i++)
					for (int64_t j = 0; j < n; j++) {
						double v = 0;
						for (int64_t p = 0; p < n; p++)
							v += get(&a, i, p) * get(&a, j, p);
						set(&s, i, j, v);
					}
				ml_tensor_init(&c, dt);
				ml_tensor_init(&inv, dt);
				for (int u = 0; u < 2; u++) {
					char uplo = u ? 'L' : 'U';
					int rc = ml_lapack_potrf(&c, &s, uplo, "t", &e);
					double worst = 0;
					for (int64_t i = 0; i < n; i++)
						for (int64_t j = 0; j < n; j++) {
							double v = 0;
							for (int64_t p = 0; p < n; p++)
								v += uplo == 'U' ? get(&c, p, i) * get(&c, p, j) : get(&c, i, p) * get(&c, j, p);
							worst = fmax(worst, fabs(v - get(&s, i, j)));
							if (uplo == 'U' ? i > j : i < j)
								CHECK(get(&c, i, j) == 0, "potrf: other triangle zero");
						}
					CHECK(rc == ML_OK && worst < tol * maxabs(&s) * 10, "potrf %c %s n=%lld: %g", uplo,
					      ml_dtype_name(dt), (long long)n, worst);
					rc = ml_lapack_potrs(&x, &b, &c, uplo, "t", &e);
					CHECK(rc == ML_OK && residual(&s, 0, &x, &b) < tol * 10, "potrs %c", uplo);
					rc = ml_lapack_potri(&inv, &c, uplo, "t", &e);
					ml_tensor eye;
					ml_tensor_init_sized(&eye, dt, 2, a.size, NULL);
					for (int64_t i = 0; i < n; i++)
						set(&eye, i, i, 1);
					CHECK(rc == ML_OK && residual(&s, 0, &inv, &eye) < tol * 10, "potri %c", uplo);
					ml_tensor_release(&eye);
					/* pstrf: P^T A P = U^T U */
					ml_tensor f, piv;
					ml_tensor_init(&f, dt);
					ml_tensor_init(&piv, ML_INT);
					int64_t rank = -1;
					rc = ml_lapack_pstrf(&f, &piv, &s, uplo, -1, &rank, "t", &e);
					worst = 0;
					for (int64_t i = 0; i < n; i++)
						for (int64_t j = 0; j < n; j++) {
							double v = 0;
							for (int64_t p = 0; p < n; p++)
								v += uplo == 'U' ? get(&f, p, i) * get(&f, p, j) : get(&f, i, p) * get(&f, j, p);
							int64_t pi = ml_load_i64(ML_INT, ml_tensor_ptr(&piv, &i)) - 1;
							int64_t pj = ml_load_i64(ML_INT, ml_tensor_ptr(&piv, &j)) - 1;
							worst = fmax(worst, fabs(v - get(&s, pi, pj)));
						}
					CHECK(rc == ML_OK && rank == n && worst < tol * maxabs(&s) * 10, "pstrf %c n=%lld: %g", uplo,
					      (long long)n, worst);
					ml_tensor_release(&f);
					ml_tensor_release(&piv);
				}
				ml_tensor_release(&s);
				ml_tensor_release(&c);
				ml_tensor_release(&inv);
				ml_tensor_release(&a);
				ml_tensor_release(&b);
				ml_tensor_release(&x);
				ml_tensor_release(&ra);
			}
}

/* ---- least squares ---- */

static void test_lstsq(rng *r)
{
	static const int64_t shapes[][2] = {{7, 3}, {3, 7}, {5, 5}, {40, 9}, {1, 4}};
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
			for (int la = 0; la < NLAYOUTS; la++) {
				ml_dtype dt = dtypes[d];
				int64_t m = shapes[si][0], n = shapes[si][1];
				double tol = tol_for(dt) * 100;
				ml_tensor a, b, x, ra, x2, res, s;
				ml_error e;
				make_mat(&a, dt, m, n, la, r);
				make_mat(&b, dt, m, 2, (la + 2) % NLAYOUTS, r);
				ml_tensor_init(&x, dt);
				ml_tensor_init(&ra, dt);
				int rc = ml_lapack_gels(&x, &ra, &b, &a, "t", &e);
				CHECK(rc == ML_OK && x.size[0] == n && x.size[1] == 2 && x.stride[0] == 1, "gels %lldx%lld: %s",
				      (long long)m, (long long)n, rc ? e.msg : "");
				ml_tensor xn = x;
				/* Torch7: x views the first n rows of a max(m, n)-row buffer; rows
				 * n..m-1 behind the view hold the residual information */
				ml_tensor xf = x;
				xf.size[0] = m > n ? m : n;
				CHECK(xf.stride[1] >= xf.size[0], "the residual rows are in x's storage");
				if (m <= n) {
					CHECK(residual(&a, 0, &xn, &b) < tol, "gels: exact for M <= N");
				} else {
					/* normal equations: A^T (A x - b) = 0 */
					double worst = 0;
					for (int64_t j = 0; j < 2; j++)
						for (int64_t p = 0; p < n; p++) {
							double g = 0;
							for (int64_t i = 0; i < m; i++) {
								double ri = -get(&b, i, j);
								for (int64_t q = 0; q < n; q++)
									ri += get(&a, i, q) * get(&xn, q, j);
								g += get(&a, i, p) * ri;
							}
							worst = fmax(worst, fabs(g));
						}
					CHECK(worst < tol * m, "gels normal equations %g", worst);
				}
				ml_tensor_init(&x2, dt);
				ml_tensor_init(&res, dt);
				ml_tensor_init(&s, dt);
				int64_t rank;
				rc = ml_lapack_lstsq(&x2, &res, &s, &rank, &b, &a, -1, "t", &e);
				double worst = 0;
				for (int64_t i = 0; i < n; i++)
					for (int64_t j = 0; j < 2; j++)
						worst = fmax(worst, fabs(get(&x2, i, j) - get(&xn, i, j)));
				CHECK(rc == ML_OK && rank == (m < n ? m : n) && worst < tol, "lstsq = gels for full rank: %g", worst);
				CHECK(m > n ? res.ndim == 1 && res.size[0] == 2 : ml_tensor_numel(&res) == 0, "residuals shape");
				if (m > n)
					for (int64_t j = 0; j < 2; j++) {
						double ss = 0;
						for (int64_t i = n; i < m; i++)
							ss += get(&xf, i, j) * get(&xf, i, j);
						int64_t jj = j;
						CHECK(check_near(ml_load_f64(dt, ml_tensor_ptr(&res, &jj)), ss, tol), "residual %lld",
						      (long long)j);
					}
				ml_tensor_release(&a);
				ml_tensor_release(&b);
				ml_tensor_release(&x);
				ml_tensor_release(&ra);
				ml_tensor_release(&x2);
				ml_tensor_release(&res);
				ml_tensor_release(&s);
			}
}

/* ---- eigenvalues and SVD ---- */

static void test_eigen(rng *r)
{
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < NSIZES; si++)
			for (int la = 0; la < NLAYOUTS; la++) {
				ml_dtype dt = dtypes[d];
				int64_t n = sizes[si];
				double tol = tol_for(dt) * 10 * (double)n;
				ml_tensor a, w, v, wn;
				ml_error e;
				make_mat(&a, dt, n, n, la, r);
				ml_tensor_init(&w, dt);
				ml_tensor_init(&v, dt);
				ml_tensor_init(&wn, dt);
				/* symmetric from the upper triangle: A V = V diag(w) with A read as symmetric */
				int rc = ml_lapack_syev(&w, &v, &a, 'V', 'U', "t", &e);
				double worst = 0;
				for (int64_t i = 0; i < n; i++)
					for (int64_t j = 0; j < n; j++) {
						double s = 0;
						for (int64_t p = 0; p < n; p++)
							s += (i <= p ? get(&a, i, p) : get(&a, p, i)) * get(&v, p, j);
						int64_t jj = j;
						worst = fmax(worst, fabs(s - get(&v, i, j) * ml_load_f64(dt, ml_tensor_ptr(&w, &jj))));
					}
				CHECK(rc == ML_OK && worst < tol && orthogonality(&v) < tol, "syev %s %s n=%lld: %g",
				      ml_dtype_name(dt), layout_name[la], (long long)n, worst);
				for (int64_t i = 1; i < n; i++) {
					int64_t i0 = i - 1;
					CHECK(ml_load_f64(dt, ml_tensor_ptr(&w, &i0)) <= ml_load_f64(dt, ml_tensor_ptr(&w, &i)),
					      "ascending");
				}
				rc = ml_lapack_syev(&wn, NULL, &a, 'N', 'U', "t", &e);
				worst = 0;
				for (int64_t i = 0; i < n; i++)
					worst = fmax(worst, fabs(ml_load_f64(dt, ml_tensor_ptr(&wn, &i)) - ml_load_f64(dt, ml_tensor_ptr(&w, &i))));
				CHECK(rc == ML_OK && worst < tol, "syev 'N' = 'V' eigenvalues");
				/* general: A v = lambda v, complex pairs (x +- iy) */
				ml_tensor ge, gv;
				ml_tensor_init(&ge, dt);
				ml_tensor_init(&gv, dt);
				rc = ml_lapack_geev(&ge, &gv, &a, 'V', "t", &e);
				worst = 0;
				for (int64_t j = 0; j < n; j++) {
					double re = get(&ge, j, 0), im = get(&ge, j, 1);
					int pair = im != 0;
					for (int64_t i = 0; i < n; i++) {
						double ax = 0, ay = 0;
						for (int64_t p = 0; p < n; p++) {
							ax += get(&a, i, p) * get(&gv, p, j);
							if (pair)
								ay += get(&a, i, p) * get(&gv, p, j + 1);
						}
						double x = get(&gv, i, j), y = pair ? get(&gv, i, j + 1) : 0;
						worst = fmax(worst, fabs(ax - (re * x - im * y)));
						if (pair)
							worst = fmax(worst, fabs(ay - (im * x + re * y)));
					}
					if (pair) {
						CHECK(get(&ge, j + 1, 1) == -im && get(&ge, j + 1, 0) == re, "conjugate pair");
						j++;
					}
				}
				CHECK(rc == ML_OK && worst < tol, "geev %s %s n=%lld: %g", ml_dtype_name(dt), layout_name[la],
				      (long long)n, worst);
				ml_tensor_release(&ge);
				ml_tensor_release(&gv);
				ml_tensor_release(&a);
				ml_tensor_release(&w);
				ml_tensor_release(&v);
				ml_tensor_release(&wn);
			}
}

static double svd_reconstruction(const ml_tensor *u, const ml_tensor *s, const ml_tensor *v, const ml_tensor *a)
{
	double worst = 0;
	for (int64_t i = 0; i < a->size[0]; i++)
		for (int64_t j = 0; j < a->size[1]; j++) {
			double t = 0;
			for (int64_t p = 0; p < s->size[0]; p++)
				t += get(u, i, p) * ml_load_f64(s->dtype, ml_tensor_ptr(s, &p)) * get(v, j, p);
			worst = fmax(worst, fabs(t - get(a, i, j)));
		}
	return worst;
}

static void test_svd(rng *r)
{
	static const int64_t shapes[][2] = {{1, 1}, {5, 3}, {3, 5}, {8, 8}, {33, 17}, {17, 40}};
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
			for (int la = 0; la < NLAYOUTS; la++) {
				ml_dtype dt = dtypes[d];
				int64_t m = shapes[si][0], n = shapes[si][1], k = m < n ? m : n;
				double tol = tol_for(dt) * 10 * (double)(m + n);
				ml_tensor a, u, s, v, sn;
				ml_error e;
				make_mat(&a, dt, m, n, la, r);
				ml_tensor_init(&u, dt);
				ml_tensor_init(&s, dt);
				ml_tensor_init(&v, dt);
				ml_tensor_init(&sn, dt);
				int rc = ml_lapack_gesdd(&u, &s, &v, &a, 'S', "t", &e);
				CHECK(rc == ML_OK && u.size[1] == k && v.size[0] == n && v.size[1] == k, "gesdd 'S' shapes");
				double rec = svd_reconstruction(&u, &s, &v, &a);
				CHECK(rec < tol && orthogonality(&u) < tol && orthogonality(&v) < tol, "gesdd %s %s %lldx%lld: %g",
				      ml_dtype_name(dt), layout_name[la], (long long)m, (long long)n, rec);
				for (int64_t i = 1; i < k; i++) {
					int64_t i0 = i - 1;
					CHECK(ml_load_f64(dt, ml_tensor_ptr(&s, &i0)) >= ml_load_f64(dt, ml_tensor_ptr(&s, &i)), "descending");
				}
				rc = ml_lapack_gesdd(NULL, &sn, NULL, &a, 'N', "t", &e);
				double worst = 0;
				for (int64_t i = 0; i < k; i++)
					worst = fmax(worst, fabs(ml_load_f64(dt, ml_tensor_ptr(&sn, &i)) - ml_load_f64(dt, ml_tensor_ptr(&s, &i))));
				CHECK(rc == ML_OK && worst < tol, "gesdd 'N'");
				rc = ml_lapack_gesdd(&u, &s, &v, &a, 'A', "t", &e);
				CHECK(rc == ML_OK && u.size[1] == m && v.size[1] == n && orthogonality(&u) < tol &&
				      orthogonality(&v) < tol, "gesdd 'A' square orthogonal factors");
				CHECK(svd_reconstruction(&u, &s, &v, &a) < tol, "gesdd 'A' reconstruction");
				/* pseudo-inverse: A P A = A */
				ml_tensor p;
				ml_tensor_init(&p, dt);
				rc = ml_lapack_pinv(&p, &a, 1e-15, "t", &e);
				worst = 0;
				for (int64_t i = 0; i < m; i++)
					for (int64_t j = 0; j < n; j++) {
						double t = 0;
						for (int64_t q = 0; q < n; q++) {
							double pq = 0;
							for (int64_t l = 0; l < m; l++)
								pq += get(&p, q, l) * get(&a, l, j);
							t += get(&a, i, q) * pq;
						}
						worst = fmax(worst, fabs(t - get(&a, i, j)));
					}
				CHECK(rc == ML_OK && p.size[0] == n && worst < tol * 100, "pinv %lldx%lld: %g", (long long)m,
				      (long long)n, worst);
				ml_tensor_release(&p);
				ml_tensor_release(&a);
				ml_tensor_release(&u);
				ml_tensor_release(&s);
				ml_tensor_release(&v);
				ml_tensor_release(&sn);
			}
}

/* ---- QR ---- */

static void test_qr(rng *r)
{
	static const int64_t shapes[][2] = {{1, 1}, {6, 4}, {4, 6}, {9, 9}, {30, 7}};
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
			for (int la = 0; la < NLAYOUTS; la++) {
				ml_dtype dt = dtypes[d];
				int64_t m = shapes[si][0], n = shapes[si][1], k = m < n ? m : n;
				double tol = tol_for(dt) * 10 * (double)(m + n);
				ml_tensor a, q, rr, g, tau, q2, c, res;
				ml_error e;
				make_mat(&a, dt, m, n, la, r);
				ml_tensor_init(&q, dt);
				ml_tensor_init(&rr, dt);
				int rc = ml_lapack_qr(&q, &rr, &a, "t", &e);
				CHECK(rc == ML_OK && q.size[1] == k && rr.size[0] == k, "qr shapes");
				double worst = 0;
				for (int64_t i = 0; i < m; i++)
					for (int64_t j = 0; j < n; j++) {
						double t = 0;
						for (int64_t p = 0; p < k; p++)
							t += get(&q, i, p) * get(&rr, p, j);
						worst = fmax(worst, fabs(t - get(&a, i, j)));
					}
				for (int64_t i = 0; i < k; i++)
					for (int64_t j = 0; j < i && j < n; j++)
						CHECK(get(&rr, i, j) == 0, "R upper triangular");
				CHECK(worst < tol && orthogonality(&q) < tol, "qr %s %s %lldx%lld: %g", ml_dtype_name(dt),
				      layout_name[la], (long long)m, (long long)n, worst);
				ml_tensor_init(&g, dt);
				ml_tensor_init(&tau, dt);
				ml_tensor_init(&q2, dt);
				rc = ml_lapack_geqrf(&g, &tau, &a, "t", &e);
				rc |= ml_lapack_orgqr(&q2, &g, &tau, "t", &e);
				worst = 0;
				for (int64_t i = 0; i < m; i++)
					for (int64_t j = 0; j < k; j++)
						worst = fmax(worst, fabs(get(&q2, i, j) - get(&q, i, j)));
				CHECK(rc == ML_OK && worst == 0, "geqrf + orgqr = qr's Q");
				/* ormqr: Q^T applied to A gives R in the first k rows */
				make_mat(&c, dt, m, n, CONTIG, r);
				ml_tensor_init(&res, dt);
				rc = ml_lapack_ormqr(&res, &g, &tau, &a, 'L', 'T', "t", &e);
				worst = 0;
				for (int64_t i = 0; i < k; i++)
					for (int64_t j = 0; j < n; j++)
						worst = fmax(worst, fabs(get(&res, i, j) - get(&rr, i, j)));
				CHECK(rc == ML_OK && worst < tol, "ormqr Q^T A = R: %g", worst);
				ml_tensor_release(&a);
				ml_tensor_release(&q);
				ml_tensor_release(&rr);
				ml_tensor_release(&g);
				ml_tensor_release(&tau);
				ml_tensor_release(&q2);
				ml_tensor_release(&c);
				ml_tensor_release(&res);
			}
}

/* ---- errors and empty matrices ---- */

static void expect(int rc, int code, const ml_error *e, const char *want)
{
	CHECK(rc == code && strstr(e->msg, want), "expected %d '%s', got %d '%s'", code, want, rc, rc ? e->msg : "");
}

static void test_errors(rng *r)
{
	ml_error e;
	ml_tensor a, b, x, lu, i32, nanm;
	int64_t s33[2] = {3, 3}, s31[2] = {3, 1}, s23[2] = {2, 3};
	ml_tensor_init_sized(&a, ML_DOUBLE, 2, s33, NULL); /* [[1,0,2],[0,1,3],[1,1,5]]: U(3,3) = 0 */
	double vals[9] = {1, 0, 2, 0, 1, 3, 1, 1, 5};
	for (int i = 0; i < 9; i++)
		ml_store_f64(ML_DOUBLE, ml_storage_at(a.storage, i), vals[i]);
	ml_tensor_init_sized(&b, ML_DOUBLE, 2, s31, NULL);
	ml_tensor_init(&x, ML_DOUBLE);
	ml_tensor_init(&lu, ML_DOUBLE);
	expect(ml_lapack_gesv(&x, &lu, &b, &a, "torch.gesv", &e), ML_ENUM, &e,
	       "torch.gesv: the matrix is singular: U(3,3) is exactly zero (A is 3x3, B is 3x1)");
	expect(ml_lapack_inverse(&x, &a, "torch.inverse", &e), ML_ENUM, &e, "U(3,3) is exactly zero (A is 3x3)");
	double det = 7;
	CHECK(ml_lapack_det(&a, &det, "t", &e) == ML_OK && det == 0, "det of a singular matrix is 0");
	expect(ml_lapack_potrf(&x, &a, 'U', "torch.potrf", &e), ML_ENUM, &e,
	       "torch.potrf: the matrix is not positive definite (leading minor 3; A is 3x3)");
	ml_tensor rect;
	ml_tensor_init_sized(&rect, ML_DOUBLE, 2, s23, NULL);
	expect(ml_lapack_gesv(&x, &lu, &b, &rect, "torch.gesv", &e), ML_ESHAPE, &e,
	       "torch.gesv: A must be a square matrix (got 2x3)");
	expect(ml_lapack_syev(&x, &lu, &rect, 'V', 'U', "torch.symeig", &e), ML_ESHAPE, &e, "square matrix (got 2x3)");
	expect(ml_lapack_geev(&x, &lu, &rect, 'V', "torch.eig", &e), ML_ESHAPE, &e, "square matrix (got 2x3)");
	expect(ml_lapack_det(&rect, &det, "torch.det", &e), ML_ESHAPE, &e, "torch.det: A must be a square matrix");
	expect(ml_lapack_gesv(&x, &lu, &rect, &a, "torch.gesv", &e), ML_ESHAPE, &e,
	       "B must be a vector or matrix with 3 rows to match A (A is 3x3, B is 2x3)");
	ml_tensor_init_sized(&i32, ML_INT, 2, s33, NULL);
	expect(ml_lapack_inverse(&x, &i32, "torch.inverse", &e), ML_ETYPE, &e,
	       "torch.inverse: needs Float or Double tensors (got Int)");
	expect(ml_lapack_pstrf(&x, &lu, &a, 'U', -1, NULL, "torch.pstrf", &e), ML_ETYPE, &e,
	       "the pivot tensor must have an integer type (got Double)");
	expect(ml_lapack_potrf(&x, &a, 'X', "torch.potrf", &e), ML_EINVAL, &e, "uplo must be 'U' or 'L' (got 'X')");
	expect(ml_lapack_gesdd(&x, &lu, &b, &a, 'Q', "torch.svd", &e), ML_EINVAL, &e, "jobz must be 'S' or 'A'");
	ml_tensor_clone_as(&nanm, &a, ML_DOUBLE, NULL);
	ml_store_f64(ML_DOUBLE, ml_storage_at(nanm.storage, 4), NAN);
	expect(ml_lapack_gesdd(&x, &lu, &b, &nanm, 'S', "torch.svd", &e), ML_EINVAL, &e,
	       "torch.svd: the input contains NaN");
	expect(ml_lapack_syev(&x, &lu, &nanm, 'V', 'U', "torch.symeig", &e), ML_EINVAL, &e, "contains NaN");
	/* empty matrices: no LAPACK call, well-formed results */
	int64_t s00[2] = {0, 0}, s03[2] = {0, 3};
	ml_tensor z, z3, u, s, v;
	ml_tensor_init_sized(&z, ML_DOUBLE, 2, s00, NULL);
	ml_tensor_init_sized(&z3, ML_DOUBLE, 2, s03, NULL);
	CHECK(ml_lapack_inverse(&x, &z, "t", &e) == ML_OK && x.ndim == 2 && ml_tensor_numel(&x) == 0, "inverse 0x0");
	CHECK(ml_lapack_det(&z, &det, "t", &e) == ML_OK && det == 1, "det 0x0 = 1");
	ml_tensor_init(&u, ML_DOUBLE);
	ml_tensor_init(&s, ML_DOUBLE);
	ml_tensor_init(&v, ML_DOUBLE);
	CHECK(ml_lapack_gesdd(&u, &s, &v, &z3, 'A', "t", &e) == ML_OK && v.size[0] == 3 && v.size[1] == 3 &&
	      get(&v, 0, 0) == 1 && get(&v, 1, 0) == 0 && get(&v, 2, 2) == 1, "svd 0x3 'A': V = I");
	(void)r;
	ml_tensor_release(&u);
	ml_tensor_release(&s);
	ml_tensor_release(&v);
	ml_tensor_release(&z);
	ml_tensor_release(&z3);
	ml_tensor_release(&nanm);
	ml_tensor_release(&i32);
	ml_tensor_release(&rect);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&x);
	ml_tensor_release(&lu);
}

/* ---- the two LU implementations (lapack.c's lu_of) ----
 *
 * Double systems of 250 to 1200 rows are factored by lu.c, others by
 * OpenBLAS's getrf; both are checked here on either side of the bounds.  A
 * matrix of subnormal numbers has subnormal pivots: OpenBLAS's getrf turns
 * them into inf and NaN, and lapack.c factors it again with lu.c.  Scaled by
 * s, a x = s b has the same solution, found to the subnormals' precision.
 * (Its inverse is of order 1/s: inf, so it is not checked.)  Own seed, so
 * that the other tests' matrices stay the same. */
static void test_lu_paths(void)
{
	rng own = {0x2545f4914f6cdd1dull}, *r = &own;
	const int64_t ns[] = {5, 249, 250, 300, 1200, 1201};
	for (int d = 0; d < 2; d++)
		for (size_t si = 0; si < sizeof ns / sizeof ns[0]; si++)
			for (int tiny = 0; tiny < 2; tiny++) {
				ml_dtype dt = dtypes[d];
				int64_t n = ns[si];
				if (n > 300 && (tiny || dt == ML_FLOAT))
					continue; /* the residual loops are slow; the paths are the same */
				double s = !tiny ? 1 : dt == ML_FLOAT ? 1e-39 : 1e-310;
				ml_tensor a, xt, b, x, lu;
				ml_error e;
				make_mat(&a, dt, n, n, CONTIG, r);
				add_diag(&a, 3);
				make_mat(&xt, dt, n, 1, CONTIG, r);
				ml_tensor_init(&b, dt);
				ml_tensor_init(&x, dt);
				ml_tensor_init(&lu, dt);
				double bmax = 0;
				for (int64_t i = 0; i < n; i++) {
					for (int64_t j = 0; j < n; j++)
						set(&a, i, j, get(&a, i, j) * s);
				}
				ml_tensor_resize(&b, 2, (int64_t[]){n, 1}, &e);
				for (int64_t i = 0; i < n; i++) {
					double v = 0;
					for (int64_t j = 0; j < n; j++)
						v += get(&a, i, j) * get(&xt, j, 0);
					set(&b, i, 0, v);
					bmax = fmax(bmax, fabs(v));
				}
				int rc = ml_lapack_gesv(&x, &lu, &b, &a, "t", &e);
				CHECK(rc == ML_OK, "gesv %s n=%lld scale %g: %s", ml_dtype_name(dt), (long long)n, s, e.msg);
				double worst = 0;
				int finite = 1;
				for (int64_t i = 0; i < n; i++) {
					worst = fmax(worst, fabs(get(&x, i, 0) - get(&xt, i, 0)));
					for (int64_t j = 0; j < n; j++)
						finite &= isfinite(get(&lu, i, j));
				}
				CHECK(finite, "gesv %s n=%lld scale %g: the LU factors are not finite", ml_dtype_name(dt),
				      (long long)n, s);
				double tol = tiny ? (dt == ML_FLOAT ? 1e-2 : 1e-8) : 100 * tol_for(dt);
				CHECK(worst < tol, "gesv %s n=%lld scale %g: x is off by %g", ml_dtype_name(dt), (long long)n,
				      s, worst);
				if (!tiny && n <= 300) {
					CHECK(residual(&a, 0, &x, &b) < tol_for(dt), "gesv %s n=%lld residual",
					      ml_dtype_name(dt), (long long)n);
					/* det against the naive elimination, on a copy scaled to keep it finite */
					ml_tensor c;
					ml_tensor_init(&c, dt);
					ml_tensor_clone_as(&c, &a, dt, &e);
					for (int64_t i = 0; i < n; i++)
						for (int64_t j = 0; j < n; j++)
							set(&c, i, j, get(&c, i, j) / 3);
					double det = 0, want = naive_solve(&c, NULL, NULL);
					rc = ml_lapack_det(&c, &det, "t", &e);
					CHECK(rc == ML_OK && check_near(det, want, dt == ML_FLOAT ? 1e-3 : 1e-10),
					      "det %s n=%lld: %.17g, naive %.17g", ml_dtype_name(dt), (long long)n, det, want);
					ml_tensor_release(&c);
				}
				ml_tensor_release(&a);
				ml_tensor_release(&xt);
				ml_tensor_release(&b);
				ml_tensor_release(&x);
				ml_tensor_release(&lu);
			}
}

int main(void)
{
	rng r = {0x9e3779b97f4a7c15ull};
	test_gesv(&r);
	test_lu_paths();
	test_results(&r);
	test_triangular(&r);
	test_lstsq(&r);
	test_eigen(&r);
	test_svd(&r);
	test_qr(&r);
	test_errors(&r);
	return check_done();
}
