/*
 * test_kmeans.c - kernels/kmeans.c against naive reference loops.
 *
 * The GEMM-based assignment against the exact-distance loop on odd sizes
 * (chunk boundaries, one and many centers, more threads than chunks); Lloyd
 * against Elkan from the same centers (same labels and inertia); a Lloyd run
 * against a naive Lloyd written here; inertia against its definition; an
 * empty cluster taking the farthest point; errors (dtype, shapes, K > N).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kmeans.h"

static uint64_t rng_state = 88172645463325252ull;

static double urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void make(ml_tensor *t, ml_dtype dt, int64_t r, int64_t c)
{
	int64_t size[2] = {r, c};
	ml_error e;
	ml_tensor_init(t, dt);
	ml_tensor_init_sized(t, dt, c ? 2 : 1, size, &e);
}

/* blobs: rows around `k` random means */
static void fill_blobs(ml_tensor *x, int64_t k)
{
	int64_t n = x->size[0], d = x->size[1];
	double *X = ml_tensor_data(x);
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < d; j++)
			X[i * d + j] = (double)((i % k) * 3 + j % 2) + urand();
}

static void test_assign(int64_t n, int64_t d, int64_t k)
{
	ml_tensor x, c, l1, l2, m1, m2;
	make(&x, ML_DOUBLE, n, d);
	make(&c, ML_DOUBLE, k, d);
	fill_blobs(&x, k > 1 ? k : 2);
	double *C = ml_tensor_data(&c);
	for (int64_t i = 0; i < k * d; i++)
		C[i] = urand() * 6;
	make(&l1, ML_LONG, 0, 0);
	make(&l2, ML_LONG, 0, 0);
	make(&m1, ML_DOUBLE, 0, 0);
	make(&m2, ML_DOUBLE, 0, 0);
	ml_error e;
	CHECK(ml_kmeans_assign(&x, &c, &l1, &m1, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_kmeans_assign_naive(&x, &c, &l2, &m2, "t", &e) == ML_OK, "%s", e.msg);
	int bad = 0;
	double dm = 0;
	for (int64_t i = 0; i < n; i++) {
		bad += ((int64_t *)ml_tensor_data(&l1))[i] != ((int64_t *)ml_tensor_data(&l2))[i];
		double v = fabs(((double *)ml_tensor_data(&m1))[i] - ((double *)ml_tensor_data(&m2))[i]);
		dm = v > dm ? v : dm;
	}
	CHECK(bad == 0, "assign %lldx%lld k=%lld: %d labels differ from the naive loop", (long long)n, (long long)d,
	      (long long)k, bad);
	CHECK(dm == 0, "assign: min distances differ by %g", dm);
	ml_tensor_release(&x);
	ml_tensor_release(&c);
	ml_tensor_release(&l1);
	ml_tensor_release(&l2);
	ml_tensor_release(&m1);
	ml_tensor_release(&m2);
}

/* naive Lloyd: same stopping rules as kmeans.h, no empty clusters expected */
static double naive_lloyd(const double *X, double *C, int64_t *lab, int64_t n, int64_t d, int64_t k,
                          int64_t max_iter, int64_t *n_iter)
{
	int64_t *old = malloc((size_t)n * sizeof *old);
	double *S = calloc((size_t)(k * d + k), sizeof *S);
	for (int64_t i = 0; i < n; i++)
		old[i] = -1;
	int64_t it;
	int strict = 0;
	for (it = 0; it < max_iter; it++) {
		memset(S, 0, (size_t)(k * d + k) * sizeof *S);
		for (int64_t i = 0; i < n; i++) {
			double bv = INFINITY;
			for (int64_t j = 0; j < k; j++) {
				double s = 0;
				for (int64_t t = 0; t < d; t++)
					s += (X[i * d + t] - C[j * d + t]) * (X[i * d + t] - C[j * d + t]);
				if (s < bv) {
					bv = s;
					lab[i] = j;
				}
			}
			for (int64_t t = 0; t < d; t++)
				S[lab[i] * d + t] += X[i * d + t];
			S[k * d + lab[i]] += 1;
		}
		for (int64_t j = 0; j < k; j++)
			for (int64_t t = 0; t < d; t++)
				C[j * d + t] = S[j * d + t] / S[k * d + j];
		if (memcmp(lab, old, (size_t)n * sizeof *lab) == 0) {
			strict = 1;
			break;
		}
		memcpy(old, lab, (size_t)n * sizeof *lab);
	}
	*n_iter = it < max_iter ? it + 1 : max_iter;
	(void)strict;
	double in = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t t = 0; t < d; t++)
			in += (X[i * d + t] - C[lab[i] * d + t]) * (X[i * d + t] - C[lab[i] * d + t]);
	free(old);
	free(S);
	return in;
}

static void test_run(int64_t n, int64_t d, int64_t k)
{
	ml_tensor x, c1, c2, l1, l2;
	make(&x, ML_DOUBLE, n, d);
	make(&c1, ML_DOUBLE, k, d);
	make(&c2, ML_DOUBLE, k, d);
	make(&l1, ML_LONG, 0, 0);
	make(&l2, ML_LONG, 0, 0);
	fill_blobs(&x, k);
	const double *X = ml_tensor_data(&x);
	double *C1 = ml_tensor_data(&c1), *C2 = ml_tensor_data(&c2);
	for (int64_t j = 0; j < k; j++)
		memcpy(C1 + j * d, X + j * d, (size_t)d * sizeof *C1); /* first k rows: one per blob */
	memcpy(C2, C1, (size_t)(k * d) * sizeof *C1);
	double *C3 = malloc((size_t)(k * d) * sizeof *C3);
	int64_t *lab3 = malloc((size_t)n * sizeof *lab3);
	memcpy(C3, C1, (size_t)(k * d) * sizeof *C1);
	ml_kmeans_result r1, r2;
	ml_error e;
	CHECK(ml_kmeans_run(&x, &c1, &l1, 100, 0.0, 0, &r1, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_kmeans_run(&x, &c2, &l2, 100, 0.0, 1, &r2, "t", &e) == ML_OK, "%s", e.msg);
	int64_t it3;
	double in3 = naive_lloyd(X, C3, lab3, n, d, k, 100, &it3);
	CHECK(memcmp(ml_tensor_data(&l1), ml_tensor_data(&l2), (size_t)n * sizeof(int64_t)) == 0,
	      "lloyd and elkan labels differ (%lldx%lld k=%lld)", (long long)n, (long long)d, (long long)k);
	CHECK(memcmp(ml_tensor_data(&l1), lab3, (size_t)n * sizeof(int64_t)) == 0, "lloyd labels differ from naive");
	CHECK_NEAR(r1.inertia, in3, 1e-12);
	CHECK_NEAR(r2.inertia, in3, 1e-12);
	CHECK(r1.n_iter == it3 && r2.n_iter == it3, "n_iter %lld %lld, naive %lld", (long long)r1.n_iter,
	      (long long)r2.n_iter, (long long)it3);
	double dc = 0;
	for (int64_t i = 0; i < k * d; i++)
		dc = fmax(dc, fmax(fabs(C1[i] - C3[i]), fabs(C2[i] - C3[i])));
	CHECK(dc < 1e-12, "centers differ from the naive loop by %g", dc);
	free(C3);
	free(lab3);
	ml_tensor_release(&x);
	ml_tensor_release(&c1);
	ml_tensor_release(&c2);
	ml_tensor_release(&l1);
	ml_tensor_release(&l2);
}

static void test_empty_and_errors(void)
{
	/* 4 points on a line; center 2 far away gets nothing at first and takes
	 * the point farthest from its center (x = 10) */
	ml_tensor x, c, l, f, big;
	make(&x, ML_DOUBLE, 4, 1);
	make(&c, ML_DOUBLE, 2, 1);
	make(&l, ML_LONG, 0, 0);
	double *X = ml_tensor_data(&x), *C = ml_tensor_data(&c);
	X[0] = 0, X[1] = 1, X[2] = 2, X[3] = 10;
	C[0] = 1, C[1] = 100;
	ml_kmeans_result r;
	ml_error e;
	for (int elkan = 0; elkan <= 1; elkan++) {
		C[0] = 1, C[1] = 100;
		CHECK(ml_kmeans_run(&x, &c, &l, 10, 0, elkan, &r, "t", &e) == ML_OK, "%s", e.msg);
		CHECK_NEAR(C[0], 1.0, 0);
		CHECK_NEAR(C[1], 10.0, 0);
		CHECK_NEAR(r.inertia, 2.0, 0);
	}
	make(&f, ML_FLOAT, 4, 1);
	CHECK(ml_kmeans_run(&f, &c, &l, 10, 0, 0, &r, "ml.KMeans.fit", &e) == ML_ETYPE &&
	          strstr(e.msg, "ml.KMeans.fit: expected Double tensors (got Float and Double)"), "%s", e.msg);
	make(&big, ML_DOUBLE, 5, 1);
	CHECK(ml_kmeans_run(&x, &big, &l, 10, 0, 0, &r, "t", &e) == ML_EINVAL && strstr(e.msg, "5 clusters for 4 rows"),
	      "%s", e.msg);
	ml_tensor_release(&big);
	make(&big, ML_DOUBLE, 2, 3);
	CHECK(ml_kmeans_assign(&x, &big, &l, NULL, "t", &e) == ML_ESHAPE && strstr(e.msg, "(got 4x1 and 2x3)"), "%s",
	      e.msg);
	ml_tensor_release(&big);
	ml_tensor_release(&x);
	ml_tensor_release(&c);
	ml_tensor_release(&l);
	ml_tensor_release(&f);
}

int main(void)
{
	int64_t sizes[][3] = {{1, 1, 1}, {7, 3, 2}, {255, 5, 3}, {256, 4, 4}, {257, 2, 7},
	                      {1000, 20, 10}, {3001, 13, 5}, {600, 1, 1}};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		test_assign(sizes[i][0], sizes[i][1], sizes[i][2]);
	test_run(60, 2, 3);
	test_run(999, 7, 5);
	test_run(3000, 20, 8);
	test_empty_and_errors();
	return check_done();
}
