/*
 * test_cluster.c - kernels/cluster.c against naive reference loops.
 *
 * k-d tree radius neighbourhoods against the all-pairs loop (odd sizes, one
 * to many dimensions, duplicate rows, eps 0, points on a grid so that many
 * distances equal eps exactly); DBSCAN against a breadth-first DBSCAN
 * written here; each linkage against a naive O(N^3) agglomeration that
 * recomputes cluster distances from their definitions (distances must
 * agree; trees agree where distances have no ties); dist_sums against a
 * loop; errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cluster.h"

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

static double dist(const double *X, int64_t d, int64_t i, int64_t j)
{
	double s = 0;
	for (int64_t t = 0; t < d; t++)
		s += (X[i * d + t] - X[j * d + t]) * (X[i * d + t] - X[j * d + t]);
	return sqrt(s);
}

static void fill(ml_tensor *x, int grid)
{
	int64_t n = x->size[0], d = x->size[1];
	double *X = ml_tensor_data(x);
	for (int64_t i = 0; i < n * d; i++)
		X[i] = grid ? (double)(int)(urand() * 6) : urand() * 4;
	if (n > 3)
		memcpy(X + d, X, (size_t)d * sizeof *X); /* a duplicate row */
}

static void test_neighbors(int64_t n, int64_t d, double eps, int grid)
{
	ml_tensor x, o1, i1, o2, i2;
	make(&x, ML_DOUBLE, n, d);
	fill(&x, grid);
	make(&o1, ML_LONG, 0, 0);
	make(&i1, ML_LONG, 0, 0);
	make(&o2, ML_LONG, 0, 0);
	make(&i2, ML_LONG, 0, 0);
	ml_error e;
	CHECK(ml_cluster_radius_neighbors(&x, eps, &o1, &i1, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_cluster_radius_neighbors_naive(&x, eps, &o2, &i2, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(i1.size[0] == i2.size[0], "neighbour counts %lld vs %lld (n=%lld d=%lld eps=%g)", (long long)i1.size[0],
	      (long long)i2.size[0], (long long)n, (long long)d, eps);
	if (i1.size[0] == i2.size[0])
		CHECK(memcmp(ml_tensor_data(&o1), ml_tensor_data(&o2), (size_t)(n + 1) * 8) == 0 &&
		          memcmp(ml_tensor_data(&i1), ml_tensor_data(&i2), (size_t)i1.size[0] * 8) == 0,
		      "neighbour lists differ (n=%lld d=%lld)", (long long)n, (long long)d);
	/* DBSCAN against a breadth-first version on the naive neighbourhoods */
	for (int64_t ms = 1; ms <= 6; ms += 5) {
		ml_tensor lab, core;
		make(&lab, ML_LONG, 0, 0);
		make(&core, ML_BYTE, 0, 0);
		CHECK(ml_cluster_dbscan(&x, eps, ms, &lab, &core, "t", &e) == ML_OK, "%s", e.msg);
		const int64_t *off = ml_tensor_data(&o2), *nb = ml_tensor_data(&i2), *l = ml_tensor_data(&lab);
		int64_t *ref = malloc((size_t)n * 8), *queue = malloc((size_t)n * 8), next = 0;
		for (int64_t i = 0; i < n; i++)
			ref[i] = -1;
		for (int64_t i = 0; i < n; i++) {
			if (ref[i] != -1 || off[i + 1] - off[i] < ms)
				continue;
			int64_t qh = 0, qt = 0;
			ref[i] = next;
			queue[qt++] = i;
			while (qh < qt) {
				int64_t p = queue[qh++];
				if (off[p + 1] - off[p] < ms)
					continue;
				for (int64_t t = off[p]; t < off[p + 1]; t++)
					if (ref[nb[t]] == -1) {
						ref[nb[t]] = next;
						queue[qt++] = nb[t];
					}
			}
			next++;
		}
		int bad = 0;
		for (int64_t i = 0; i < n; i++)
			bad += ref[i] != l[i] || ((const uint8_t *)ml_tensor_data(&core))[i] != (off[i + 1] - off[i] >= ms);
		CHECK(bad == 0, "dbscan: %d rows differ from the reference (n=%lld ms=%lld)", bad, (long long)n,
		      (long long)ms);
		free(ref);
		free(queue);
		ml_tensor_release(&lab);
		ml_tensor_release(&core);
	}
	ml_tensor_release(&x);
	ml_tensor_release(&o1);
	ml_tensor_release(&i1);
	ml_tensor_release(&o2);
	ml_tensor_release(&i2);
}

/* cluster distance by definition: ward's is sqrt(2 |A||B| / (|A|+|B|)) ||mA - mB|| */
static double link_dist(const double *X, int64_t d, int method, const int64_t *mem, int64_t a, int64_t b)
{
	int64_t n = 0;
	while (mem[n] >= -2)
		n++;
	double best = method == ML_LINK_COMPLETE ? 0 : INFINITY, sum = 0, na = 0, nb = 0;
	double *ma = calloc((size_t)d, 8), *mb = calloc((size_t)d, 8);
	for (int64_t i = 0; i < n; i++) {
		if (mem[i] == a) {
			na++;
			for (int64_t t = 0; t < d; t++)
				ma[t] += X[i * d + t];
		}
		if (mem[i] == b) {
			nb++;
			for (int64_t t = 0; t < d; t++)
				mb[t] += X[i * d + t];
		}
		if (mem[i] != a)
			continue;
		for (int64_t j = 0; j < n; j++) {
			if (mem[j] != b)
				continue;
			double v = dist(X, d, i, j);
			sum += v;
			if (method == ML_LINK_COMPLETE ? v > best : v < best)
				best = v;
		}
	}
	double r = best;
	if (method == ML_LINK_AVERAGE)
		r = sum / (na * nb);
	if (method == ML_LINK_WARD) {
		double s = 0;
		for (int64_t t = 0; t < d; t++)
			s += (ma[t] / na - mb[t] / nb) * (ma[t] / na - mb[t] / nb);
		r = sqrt(2 * na * nb / (na + nb) * s);
	}
	free(ma);
	free(mb);
	return r;
}

static void test_linkage(int64_t n, int64_t d, int method)
{
	ml_tensor x, ch, di, sz;
	make(&x, ML_DOUBLE, n, d);
	fill(&x, 0);
	double *X = ml_tensor_data(&x);
	memcpy(X + d, X + 2 * d, (size_t)d * 8); /* undo the duplicate: no ties */
	X[d] += 0.5;
	make(&ch, ML_LONG, 0, 0);
	make(&di, ML_DOUBLE, 0, 0);
	make(&sz, ML_LONG, 0, 0);
	ml_error e;
	CHECK(ml_cluster_linkage(&x, method, &ch, &di, &sz, "t", &e) == ML_OK, "%s", e.msg);
	/* naive: merge the closest pair of current clusters, n - 1 times */
	int64_t *mem = malloc((size_t)(n + 1) * 8); /* row -> node id; terminated by -3 */
	for (int64_t i = 0; i < n; i++)
		mem[i] = i;
	mem[n] = -3;
	const int64_t *c = ml_tensor_data(&ch);
	const double *dd = ml_tensor_data(&di);
	int bad_tree = 0;
	double bad_dist = 0;
	for (int64_t k = 0; k < n - 1; k++) {
		double best = INFINITY;
		int64_t ba = -1, bb = -1;
		for (int64_t a = 0; a < n + k; a++)
			for (int64_t b = a + 1; b < n + k; b++) {
				int ha = 0, hb = 0;
				for (int64_t i = 0; i < n; i++)
					ha |= mem[i] == a, hb |= mem[i] == b;
				if (!ha || !hb)
					continue;
				double v = link_dist(X, d, method, mem, a, b);
				if (v < best)
					best = v, ba = a, bb = b;
			}
		int64_t ka = c[2 * k] < c[2 * k + 1] ? c[2 * k] : c[2 * k + 1];
		int64_t kb = c[2 * k] < c[2 * k + 1] ? c[2 * k + 1] : c[2 * k];
		bad_tree += ka != ba || kb != bb;
		bad_dist = fmax(bad_dist, fabs(best - dd[k]) / (1 + best));
		for (int64_t i = 0; i < n; i++)
			if (mem[i] == ba || mem[i] == bb)
				mem[i] = n + k;
		CHECK(((const int64_t *)ml_tensor_data(&sz))[k] >= 2, "sizes");
	}
	CHECK(bad_tree == 0, "linkage %d (n=%lld d=%lld): %d steps differ from the naive agglomeration", method,
	      (long long)n, (long long)d, bad_tree);
	CHECK(bad_dist < 1e-12, "linkage %d: distances differ by %g", method, bad_dist);
	CHECK(((const int64_t *)ml_tensor_data(&sz))[n - 2] == n, "last node holds every leaf");
	free(mem);
	ml_tensor_release(&x);
	ml_tensor_release(&ch);
	ml_tensor_release(&di);
	ml_tensor_release(&sz);
}

static void test_dist_sums_and_errors(void)
{
	ml_tensor x, lab, out, f;
	int64_t n = 37, d = 3, k = 4;
	make(&x, ML_DOUBLE, n, d);
	fill(&x, 0);
	make(&lab, ML_LONG, n, 0);
	make(&out, ML_DOUBLE, 0, 0);
	int64_t *l = ml_tensor_data(&lab);
	for (int64_t i = 0; i < n; i++)
		l[i] = (i * 7) % k;
	ml_error e;
	CHECK(ml_cluster_dist_sums(&x, &lab, k, &out, "t", &e) == ML_OK, "%s", e.msg);
	double worst = 0;
	const double *X = ml_tensor_data(&x), *o = ml_tensor_data(&out);
	for (int64_t i = 0; i < n; i++)
		for (int64_t c = 0; c < k; c++) {
			double s = 0;
			for (int64_t j = 0; j < n; j++)
				if (l[j] == c)
					s += dist(X, d, i, j);
			worst = fmax(worst, fabs(s - o[i * k + c]));
		}
	CHECK(worst < 1e-12, "dist_sums off by %g", worst);
	l[3] = 9;
	CHECK(ml_cluster_dist_sums(&x, &lab, k, &out, "ml.s", &e) == ML_ERANGE && strstr(e.msg, "ml.s: label 9 out of range 0..3"),
	      "%s", e.msg);
	make(&f, ML_FLOAT, 3, 2);
	CHECK(ml_cluster_dbscan(&f, 1, 2, &lab, &out, "ml.DBSCAN.fit", &e) == ML_ETYPE &&
	          strstr(e.msg, "ml.DBSCAN.fit: expected a Double tensor (got Float)"), "%s", e.msg);
	CHECK(ml_cluster_dbscan(&x, 1, 0, &lab, &out, "t", &e) == ML_EINVAL && strstr(e.msg, "min_samples must be >= 1"),
	      "%s", e.msg);
	ml_tensor one;
	make(&one, ML_DOUBLE, 1, 2);
	CHECK(ml_cluster_linkage(&one, ML_LINK_WARD, &lab, &out, &lab, "t", &e) == ML_ESHAPE &&
	          strstr(e.msg, "N >= 2 (got 1x2)"), "%s", e.msg);
	ml_tensor_release(&one);
	ml_tensor_release(&f);
	ml_tensor_release(&x);
	ml_tensor_release(&lab);
	ml_tensor_release(&out);
}

int main(void)
{
	test_neighbors(1, 1, 0.5, 0);
	test_neighbors(10, 1, 0.3, 0);
	test_neighbors(300, 2, 0.2, 0);
	test_neighbors(333, 3, 1.0, 1); /* grid: many distances exactly eps */
	test_neighbors(500, 7, 1.5, 0);
	test_neighbors(257, 2, 0.0, 1);
	test_neighbors(1000, 2, 0.1, 0);
	for (int m = ML_LINK_WARD; m <= ML_LINK_SINGLE; m++) {
		test_linkage(2, 1, m);
		test_linkage(9, 2, m);
		test_linkage(31, 3, m);
	}
	test_dist_sums_and_errors();
	return check_done();
}
