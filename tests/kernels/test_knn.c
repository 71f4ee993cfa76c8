/*
 * test_knn.c - kernels/knn.c against naive reference loops.
 *
 * Brute force (GEMM tiles, heap selection) and the k-d tree against the
 * exact-distance full-sort reference on odd sizes around the 64-row blocks and
 * 2048-row tiles, k from 1 to N, p = 1 and 2; integer-valued rows with many
 * exact ties (all three order them by (distance, index)); the tree's
 * structure (a permutation, children covering their parent, boxes holding
 * their rows); the vote against a hand count; empty queries and errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "knn.h"

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
	ml_tensor_init_sized(t, dt, 2, size, &e);
}

static void fill(ml_tensor *t, int integers)
{
	double *X = ml_tensor_data(t);
	int64_t n = t->size[0] * t->size[1];
	for (int64_t i = 0; i < n; i++)
		X[i] = integers ? floor(urand() * 4) : urand() * 2 - 1;
}

static void compare(int64_t n, int64_t m, int64_t d, int64_t k, int p, int integers)
{
	ml_tensor x, q, d0, i0, d1, i1, d2, i2, perm, nodes, bounds;
	make(&x, ML_DOUBLE, n, d);
	make(&q, ML_DOUBLE, m, d);
	fill(&x, integers);
	fill(&q, integers);
	make(&d0, ML_DOUBLE, 0, 0);
	make(&d1, ML_DOUBLE, 0, 0);
	make(&d2, ML_DOUBLE, 0, 0);
	make(&i0, ML_LONG, 0, 0);
	make(&i1, ML_LONG, 0, 0);
	make(&i2, ML_LONG, 0, 0);
	ml_tensor_init(&perm, ML_LONG);
	ml_tensor_init(&nodes, ML_LONG);
	ml_tensor_init(&bounds, ML_DOUBLE);
	ml_error e;
	CHECK(ml_knn_naive(&q, &x, k, p, &d0, &i0, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_knn_brute(&q, &x, k, p, &d1, &i1, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_kdtree_build(&x, 1 + n % 7, &perm, &nodes, &bounds, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_kdtree_query(&x, &perm, &nodes, &bounds, &q, k, p, &d2, &i2, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(d1.size[0] == m && d1.size[1] == k && i2.size[0] == m && i2.size[1] == k, "result shapes");
	const double *D0 = ml_tensor_data(&d0), *D1 = ml_tensor_data(&d1), *D2 = ml_tensor_data(&d2);
	const int64_t *I0 = ml_tensor_data(&i0), *I1 = ml_tensor_data(&i1), *I2 = ml_tensor_data(&i2);
	int bad_i1 = 0, bad_i2 = 0, bad_d1 = 0, bad_d2 = 0;
	for (int64_t j = 0; j < m * k; j++) {
		bad_i1 += I1[j] != I0[j];
		bad_i2 += I2[j] != I0[j];
		bad_d1 += !(fabs(D1[j] - D0[j]) <= 1e-13 * (1 + D0[j]));
		bad_d2 += D2[j] != D0[j];
	}
	CHECK(!bad_i1 && !bad_d1, "brute n=%lld d=%lld k=%lld p=%d ints=%d: %d indices, %d distances differ",
	      (long long)n, (long long)d, (long long)k, p, integers, bad_i1, bad_d1);
	CHECK(!bad_i2 && !bad_d2, "kdtree n=%lld d=%lld k=%lld p=%d ints=%d: %d indices, %d distances differ",
	      (long long)n, (long long)d, (long long)k, p, integers, bad_i2, bad_d2);
	/* tree structure: perm is a permutation; children split their parent;
	 * every row lies in its leaf's box */
	int64_t t = nodes.size[0];
	const int64_t *P = ml_tensor_data(&perm), *N = ml_tensor_data(&nodes);
	const double *B = ml_tensor_data(&bounds), *X = ml_tensor_data(&x);
	char *seen = calloc((size_t)n, 1);
	int ok = 1;
	for (int64_t i = 0; i < n; i++) {
		if (P[i] < 0 || P[i] >= n || seen[P[i]])
			ok = 0;
		else
			seen[P[i]] = 1;
	}
	CHECK(ok, "perm is a permutation");
	ok = N[0] == 0 && N[1] == n;
	for (int64_t v = 0; v < t; v++) {
		const int64_t *nd = N + v * 4;
		if (nd[2] >= 0) {
			const int64_t *l = N + nd[2] * 4, *r = N + nd[3] * 4;
			ok &= l[0] == nd[0] && l[1] == r[0] && r[1] == nd[1] && l[1] > l[0] && r[1] > r[0];
		} else {
			for (int64_t row = nd[0]; row < nd[1]; row++)
				for (int64_t j = 0; j < d; j++) {
					double xv = X[P[row] * d + j];
					ok &= B[v * 2 * d + j] <= xv && xv <= B[v * 2 * d + d + j];
				}
		}
	}
	CHECK(ok, "tree structure n=%lld", (long long)n);
	free(seen);
	ml_tensor *all[] = {&x, &q, &d0, &i0, &d1, &i1, &d2, &i2, &perm, &nodes, &bounds};
	for (size_t j = 0; j < sizeof all / sizeof *all; j++)
		ml_tensor_release(all[j]);
}

static void test_vote(void)
{
	ml_tensor lab, idx, w, p;
	int64_t ls[1] = {5};
	ml_error e;
	ml_tensor_init(&lab, ML_LONG);
	ml_tensor_init_sized(&lab, ML_LONG, 1, ls, &e);
	make(&idx, ML_LONG, 2, 3);
	make(&w, ML_DOUBLE, 2, 3);
	make(&p, ML_DOUBLE, 0, 0);
	int64_t L[5] = {0, 2, 1, 2, 0}, I[6] = {1, 3, 0, 4, 4, 2};
	double W[6] = {1, 2, 3, 0.5, 0.25, 0.25};
	memcpy(ml_tensor_data(&lab), L, sizeof L);
	memcpy(ml_tensor_data(&idx), I, sizeof I);
	memcpy(ml_tensor_data(&w), W, sizeof W);
	CHECK(ml_knn_vote(&lab, &idx, NULL, 3, &p, "t", &e) == ML_OK, "%s", e.msg);
	const double *P = ml_tensor_data(&p);
	double want_u[6] = {1.0 / 3, 0, 2.0 / 3, 2.0 / 3, 1.0 / 3, 0};
	for (int j = 0; j < 6; j++)
		CHECK_NEAR(P[j], want_u[j], 1e-15);
	CHECK(ml_knn_vote(&lab, &idx, &w, 3, &p, "t", &e) == ML_OK, "%s", e.msg);
	P = ml_tensor_data(&p);
	double want_w[6] = {3.0 / 6, 0, 3.0 / 6, 0.75, 0.25, 0};
	for (int j = 0; j < 6; j++)
		CHECK_NEAR(P[j], want_w[j], 1e-15);
	CHECK(ml_knn_vote(&lab, &idx, NULL, 2, &p, "t", &e) == ML_ERANGE, "label >= nclasses");
	ml_tensor_release(&lab);
	ml_tensor_release(&idx);
	ml_tensor_release(&w);
	ml_tensor_release(&p);
}

static void test_errors(void)
{
	ml_tensor x, q, f, d, i;
	make(&x, ML_DOUBLE, 4, 2);
	make(&q, ML_DOUBLE, 0, 2);
	make(&f, ML_FLOAT, 3, 2);
	make(&d, ML_DOUBLE, 0, 0);
	make(&i, ML_LONG, 0, 0);
	fill(&x, 0);
	ml_error e;
	CHECK(ml_knn_brute(&q, &x, 2, 2, &d, &i, "t", &e) == ML_OK && d.size[0] == 0 && d.size[1] == 2,
	      "empty query");
	CHECK(ml_knn_brute(&x, &x, 5, 2, &d, &i, "who", &e) == ML_EINVAL &&
	          strstr(e.msg, "who: expected 1 <= n_neighbors <= 4") != NULL,
	      "k > N: %s", e.msg);
	CHECK(ml_knn_brute(&x, &x, 0, 2, &d, &i, "t", &e) == ML_EINVAL, "k = 0");
	CHECK(ml_knn_brute(&x, &x, 1, 3, &d, &i, "t", &e) == ML_EINVAL, "p = 3");
	CHECK(ml_knn_naive(&f, &x, 1, 2, &d, &i, "t", &e) == ML_ETYPE && strstr(e.msg, "Float") != NULL,
	      "float: %s", e.msg);
	ml_tensor xt = x;
	ml_tensor_transpose(&xt, 0, 1, &e);
	CHECK(ml_knn_brute(&xt, &xt, 1, 2, &d, &i, "t", &e) == ML_EINVAL, "non-contiguous");
	CHECK(ml_knn_brute(&x, &f, 1, 2, &d, &i, "t", &e) == ML_ETYPE, "mixed dtypes");
	double *X = ml_tensor_data(&x);
	X[0] = NAN;
	CHECK(ml_knn_brute(&x, &x, 4, 2, &d, &i, "t", &e) == ML_EINVAL && strstr(e.msg, "non-finite"),
	      "NaN rows");
	ml_tensor_release(&x);
	ml_tensor_release(&q);
	ml_tensor_release(&f);
	ml_tensor_release(&d);
	ml_tensor_release(&i);
}

int main(void)
{
	int64_t cfg[][4] = {{1, 1, 1, 1}, {5, 3, 2, 5}, {63, 65, 4, 3}, {64, 64, 7, 10}, {2047, 129, 3, 1},
	                    {2049, 70, 5, 16}, {4100, 33, 30, 5}, {300, 17, 2, 300}};
	for (size_t c = 0; c < sizeof cfg / sizeof *cfg; c++)
		for (int p = 1; p <= 2; p++)
			compare(cfg[c][0], cfg[c][1], cfg[c][2], cfg[c][3], p, 0);
	compare(500, 77, 3, 40, 2, 1);
	compare(500, 77, 2, 40, 1, 1);
	compare(3000, 65, 4, 64, 2, 1);
	test_vote();
	test_errors();
	return check_done();
}
