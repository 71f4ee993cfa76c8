/*
 * test_tsne.c - kernels/tsne.c: joint probabilities (symmetric, summing to
 * 1, each row's conditional distribution at the requested perplexity) and
 * the KL gradient against central finite differences of the KL divergence
 * it returns (dof 1: two-dimensional embeddings; for other dof the kernel
 * keeps scikit-learn's formula, which is not the exact gradient); errors.
 * Barnes-Hut: kNN against a brute-force sort, conditional rows summing to 1,
 * the sparse P with all neighbours equal to the exact P, the tree's cells
 * (counts, centres of mass, bounds) against naive loops, and the Barnes-Hut
 * gradient at angle 0 equal to the exact one (2-D and 3-D, duplicates),
 * within a few percent at angle 0.5.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tsne.h"

static uint64_t rng_state = 88172645463325252ull;

static double urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void make(ml_tensor *t, int64_t a, int64_t b)
{
	int64_t size[2] = {a, b};
	ml_error e;
	ml_tensor_init(t, ML_DOUBLE);
	ml_tensor_init_sized(t, ML_DOUBLE, 2, size, &e);
}

/* dense (n x n) P from CSR */
static void densify(const ml_tensor *ip, const ml_tensor *ii, const ml_tensor *iv, int64_t n, ml_tensor *out)
{
	make(out, n, n);
	double *D = ml_tensor_data(out);
	const int64_t *P = ml_tensor_data(ip), *I = ml_tensor_data(ii);
	const double *V = ml_tensor_data(iv);
	for (int64_t i = 0; i < n; i++)
		for (int64_t q = P[i]; q < P[i + 1]; q++)
			D[i * n + I[q]] += V[q];
}

static void test_tree(const double *Y, int64_t n, int dim)
{
	ml_tsne_tree t;
	ml_error e;
	CHECK(ml_tsne_tree_build(&t, Y, n, dim, &e) == ML_OK, "%s", e.msg);
	int64_t *seen = calloc((size_t)n, sizeof *seen), leaves = 0;
	for (int64_t q = 0; q < n; q++)
		seen[t.order[q]]++;
	int perm = 1;
	for (int64_t q = 0; q < n; q++)
		perm &= seen[q] == 1;
	CHECK(perm, "order is a permutation");
	double worst = 0;
	int inside = 1, parts = 1, leafok = 1;
	for (int64_t id = 0; id < t.ncells; id++) {
		const ml_tsne_cell *c = &t.cells[id];
		double com[3] = {0, 0, 0};
		for (int64_t p = c->first; p < c->first + c->count; p++)
			for (int a = 0; a < dim; a++) {
				double v = Y[t.order[p] * dim + a];
				com[a] += v / (double)c->count;
				inside &= fabs(v - c->center[a]) <= c->width / 2 * (1 + 1e-12);
			}
		for (int a = 0; a < dim; a++)
			worst = fmax(worst, fabs(com[a] - c->com[a]));
		int64_t sum = 0, next = c->first, nch = 0;
		for (int q = 0; q < (1 << dim); q++)
			if (c->child[q] >= 0) {
				const ml_tsne_cell *h = &t.cells[c->child[q]];
				parts &= h->first == next && h->width == c->width / 2 && h->count > 0;
				next += h->count, sum += h->count, nch++;
			}
		if (nch)
			parts &= sum == c->count;
		else {
			leaves += c->count;
			for (int64_t p = c->first + 1; p < c->first + c->count; p++)
				for (int a = 0; a < dim; a++)
					leafok &= Y[t.order[p] * dim + a] == Y[t.order[c->first] * dim + a];
		}
	}
	CHECK(t.cells[0].count == n && leaves == n, "root holds %lld, leaves %lld of %lld points",
	      (long long)t.cells[0].count, (long long)leaves, (long long)n);
	CHECK(worst < 1e-12, "dim %d: centre of mass differs from the naive mean by %g", dim, worst);
	CHECK(inside, "dim %d: every point lies in its cells", dim);
	CHECK(parts, "dim %d: children partition their parent's points", dim);
	CHECK(leafok, "dim %d: leaves hold one point or identical ones", dim);
	free(seen);
	ml_tsne_tree_free(&t);
}

static void test_bh(void)
{
	int64_t n = 61, d = 4, k = 12;
	ml_tensor x, knd, kni, cond, ip, ii, iv, dense, d2, pex, y, g1, g2;
	make(&x, n, d);
	double *X = ml_tensor_data(&x);
	for (int64_t i = 0; i < n * d; i++)
		X[i] = urand() * 2 + (i / d) % 3 * 3;
	ml_error e;
	make(&knd, 0, 0);
	ml_tensor_init(&kni, ML_LONG);
	CHECK(ml_tsne_knn(&x, k, &knd, &kni, "t", &e) == ML_OK, "%s", e.msg);
	/* brute force: the k-th nearest of each row by counting */
	const double *KD = ml_tensor_data(&knd);
	const int64_t *KI = ml_tensor_data(&kni);
	int knn_ok = 1;
	double dworst = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t t = 0; t < k; t++) {
			int64_t j = KI[i * k + t], closer = 0;
			double dj = 0;
			for (int64_t a = 0; a < d; a++)
				dj += (X[i * d + a] - X[j * d + a]) * (X[i * d + a] - X[j * d + a]);
			dworst = fmax(dworst, fabs(dj - KD[i * k + t]));
			for (int64_t m = 0; m < n; m++) {
				double dm = 0;
				for (int64_t a = 0; a < d; a++)
					dm += (X[i * d + a] - X[m * d + a]) * (X[i * d + a] - X[m * d + a]);
				closer += m != i && dm < dj;
			}
			knn_ok &= j != i && closer == t && (t == 0 || KD[i * k + t - 1] <= KD[i * k + t]);
		}
	CHECK(knn_ok, "kNN equals the brute-force ranking");
	CHECK(dworst < 1e-12, "kNN distances off by %g", dworst);
	CHECK(ml_tsne_knn(&x, n, &knd, &kni, "ml.TSNE.fit", &e) == ML_EINVAL &&
	          strstr(e.msg, "ml.TSNE.fit: number of neighbours must be in 1..60 (got 61)"),
	      "%s", e.msg);
	/* conditional P rows sum to 1 and reach the perplexity */
	make(&cond, 0, 0);
	CHECK(ml_tsne_cond_p(&knd, 5.0, &cond, "t", &e) == ML_OK, "%s", e.msg);
	const double *CP = ml_tensor_data(&cond);
	double rs = 0, hw = 0;
	for (int64_t i = 0; i < n; i++) {
		double s = 0, h = 0;
		for (int64_t t = 0; t < k; t++) {
			s += CP[i * k + t];
			h -= CP[i * k + t] > 0 ? CP[i * k + t] * log(CP[i * k + t]) : 0;
		}
		rs = fmax(rs, fabs(s - 1));
		hw = fmax(hw, fabs(h - log(5.0)));
	}
	CHECK(rs < 1e-12, "conditional rows sum to 1 (off by %g)", rs);
	CHECK(hw < 1e-4, "conditional rows have the perplexity (entropy off by %g)", hw);
	/* symmetrised: (C + C^T) / sum against a naive dense build */
	ml_tensor_init(&ip, ML_LONG);
	ml_tensor_init(&ii, ML_LONG);
	make(&iv, 0, 0);
	CHECK(ml_tsne_symmetrize(&cond, &kni, &ip, &ii, &iv, "t", &e) == ML_OK, "%s", e.msg);
	densify(&ip, &ii, &iv, n, &dense);
	{
		double *naive = calloc((size_t)(n * n), sizeof *naive), tot = 0, w = 0, sum = 0;
		for (int64_t i = 0; i < n; i++)
			for (int64_t t = 0; t < k; t++) {
				naive[i * n + KI[i * k + t]] += CP[i * k + t];
				naive[KI[i * k + t] * n + i] += CP[i * k + t];
				tot += 2 * CP[i * k + t];
			}
		const double *DP = ml_tensor_data(&dense);
		for (int64_t q = 0; q < n * n; q++) {
			w = fmax(w, fabs(naive[q] / tot - DP[q]));
			sum += DP[q];
		}
		const int64_t *I = ml_tensor_data(&ii), *Pp = ml_tensor_data(&ip);
		int sorted = 1;
		for (int64_t i = 0; i < n; i++)
			for (int64_t q = Pp[i] + 1; q < Pp[i + 1]; q++)
				sorted &= I[q - 1] < I[q];
		CHECK(w < 1e-15 && fabs(sum - 1) < 1e-12 && sorted, "sparse P: off by %g, sum %g, sorted %d", w, sum, sorted);
		free(naive);
	}
	/* all neighbours: the sparse P is the exact P */
	make(&d2, n, n);
	double *D2 = ml_tensor_data(&d2);
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double s = 0;
			for (int64_t a = 0; a < d; a++)
				s += (X[i * d + a] - X[j * d + a]) * (X[i * d + a] - X[j * d + a]);
			D2[i * n + j] = s;
		}
	make(&pex, 0, 0);
	CHECK(ml_tsne_joint_p(&d2, 7.0, &pex, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_tsne_knn(&x, n - 1, &knd, &kni, "t", &e) == ML_OK && ml_tsne_cond_p(&knd, 7.0, &cond, "t", &e) == ML_OK &&
	          ml_tsne_symmetrize(&cond, &kni, &ip, &ii, &iv, "t", &e) == ML_OK,
	      "%s", e.msg);
	ml_tensor_release(&dense);
	densify(&ip, &ii, &iv, n, &dense);
	{
		const double *A = ml_tensor_data(&dense), *B = ml_tensor_data(&pex);
		double w = 0;
		for (int64_t q = 0; q < n * n; q++)
			w = fmax(w, fabs(A[q] - B[q]));
		CHECK(w < 1e-12, "sparse P with N-1 neighbours differs from the exact P by %g", w);
	}
	/* gradient: angle 0 is exact; angle 0.5 close.  P from 12 neighbours. */
	CHECK(ml_tsne_knn(&x, k, &knd, &kni, "t", &e) == ML_OK && ml_tsne_cond_p(&knd, 5.0, &cond, "t", &e) == ML_OK &&
	          ml_tsne_symmetrize(&cond, &kni, &ip, &ii, &iv, "t", &e) == ML_OK,
	      "%s", e.msg);
	ml_tensor_release(&dense);
	densify(&ip, &ii, &iv, n, &dense);
	make(&g1, 0, 0);
	make(&g2, 0, 0);
	for (int c = 2; c <= 3; c++) {
		make(&y, n, c);
		double *Y = ml_tensor_data(&y);
		for (int64_t q = 0; q < n * c; q++)
			Y[q] = urand() * 10 - 5;
		for (int a = 0; a < c; a++)
			Y[5 * c + a] = Y[9 * c + a]; /* a duplicate point */
		test_tree(Y, n, c);
		double dof = c - 1, kl0, kl1, klx;
		CHECK(ml_tsne_kl_grad(&y, &dense, dof, &g1, &klx, "t", &e) == ML_OK, "%s", e.msg);
		CHECK(ml_tsne_bh_grad(&y, &ip, &ii, &iv, dof, 0.0, &g2, &kl0, "t", &e) == ML_OK, "%s", e.msg);
		const double *A = ml_tensor_data(&g1), *B = ml_tensor_data(&g2);
		double w = 0, nrm = 0, diff = 0;
		for (int64_t q = 0; q < n * c; q++) {
			w = fmax(w, fabs(A[q] - B[q]));
			nrm += A[q] * A[q];
		}
		CHECK(w < 1e-10, "%d-D: Barnes-Hut gradient at angle 0 differs from the exact one by %g", c, w);
		CHECK(fabs(kl0 - klx) < 1e-9, "%d-D: KL at angle 0 %.15g, exact %.15g", c, kl0, klx);
		CHECK(ml_tsne_bh_grad(&y, &ip, &ii, &iv, dof, 0.5, &g2, &kl1, "t", &e) == ML_OK, "%s", e.msg);
		B = ml_tensor_data(&g2);
		for (int64_t q = 0; q < n * c; q++)
			diff += (A[q] - B[q]) * (A[q] - B[q]);
		CHECK(sqrt(diff / nrm) < 0.05, "%d-D: angle 0.5 gradient off by %g (relative)", c, sqrt(diff / nrm));
		CHECK(fabs(kl1 - klx) < 0.05 * klx, "%d-D: KL at angle 0.5 %g, exact %g", c, kl1, klx);
		ml_tensor_release(&y);
	}
	/* a larger tree: summaries of 2000 clustered points */
	{
		int64_t m = 2000;
		double *Y = malloc((size_t)m * 2 * sizeof *Y);
		for (int64_t q = 0; q < m * 2; q++)
			Y[q] = urand() * (q % 7 == 0 ? 1e-3 : 4) + (double)(q / 2 % 5);
		test_tree(Y, m, 2);
		free(Y);
	}
	make(&y, n, 4);
	CHECK(ml_tsne_bh_grad(&y, &ip, &ii, &iv, 1, 0.5, &g2, NULL, "ml.TSNE.fit", &e) == ML_ESHAPE &&
	          strstr(e.msg, "ml.TSNE.fit: the embedding must be a contiguous Double N x C tensor, C <= 3 (got 61x4)"),
	      "%s", e.msg);
	ml_tensor *all[] = {&x, &knd, &kni, &cond, &ip, &ii, &iv, &dense, &d2, &pex, &y, &g1, &g2};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		ml_tensor_release(all[i]);
}

int main(void)
{
	test_bh();
	int64_t n = 40, d = 3, c = 2;
	ml_tensor x, d2, p, y, g, g2;
	make(&x, n, d);
	make(&d2, n, n);
	make(&p, 0, 0);
	make(&y, n, c);
	make(&g, 0, 0);
	make(&g2, 0, 0);
	double *X = ml_tensor_data(&x), *D2 = ml_tensor_data(&d2);
	for (int64_t i = 0; i < n * d; i++)
		X[i] = urand() * 3 + (i / d < n / 2 ? 0 : 4);
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double s = 0;
			for (int64_t t = 0; t < d; t++)
				s += (X[i * d + t] - X[j * d + t]) * (X[i * d + t] - X[j * d + t]);
			D2[i * n + j] = s;
		}
	ml_error e;
	CHECK(ml_tsne_joint_p(&d2, 8.0, &p, "t", &e) == ML_OK, "%s", e.msg);
	const double *P = ml_tensor_data(&p);
	double total = 0, asym = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			total += P[i * n + j];
			asym = fmax(asym, fabs(P[i * n + j] - P[j * n + i]));
		}
	CHECK_NEAR(total, 1.0, 1e-12);
	CHECK(asym == 0, "P is symmetric");
	CHECK(P[0] == 0 && P[n + 1] == 0, "zero diagonal");
	for (int dof = 1; dof <= 1; dof++) {
		double *Y = ml_tensor_data(&y);
		for (int64_t i = 0; i < n * c; i++)
			Y[i] = urand() * 2 - 1;
		double kl;
		CHECK(ml_tsne_kl_grad(&y, &p, dof, &g, &kl, "t", &e) == ML_OK, "%s", e.msg);
		const double *G = ml_tensor_data(&g);
		double worst = 0;
		for (int64_t q = 0; q < n * c; q += 7) {
			double h = 1e-6, keep = Y[q], kp, km;
			Y[q] = keep + h;
			ml_tsne_kl_grad(&y, &p, dof, &g2, &kp, "t", &e);
			Y[q] = keep - h;
			ml_tsne_kl_grad(&y, &p, dof, &g2, &km, "t", &e);
			Y[q] = keep;
			worst = fmax(worst, fabs((kp - km) / (2 * h) - G[q]) / (1e-3 + fabs(G[q])));
		}
		CHECK(worst < 1e-5, "dof %d: gradient differs from finite differences by %g (relative)", dof, worst);
		CHECK(kl > 0, "KL > 0");
	}
	ml_tensor bad;
	make(&bad, 3, 4);
	CHECK(ml_tsne_joint_p(&bad, 5, &p, "ml.TSNE.fit", &e) == ML_ESHAPE &&
	          strstr(e.msg, "ml.TSNE.fit: the squared distances must be a contiguous square Double matrix (got Double 3x4)"),
	      "%s", e.msg);
	CHECK(ml_tsne_joint_p(&d2, 0, &p, "t", &e) == ML_EINVAL && strstr(e.msg, "perplexity must be > 0"), "%s", e.msg);
	CHECK(ml_tsne_kl_grad(&y, &bad, 1, &g, NULL, "t", &e) == ML_ESHAPE, "%s", e.msg);
	ml_tensor *all[] = {&x, &d2, &p, &y, &g, &g2, &bad};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		ml_tensor_release(all[i]);
	return check_done();
}
