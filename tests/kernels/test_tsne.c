/*
 * test_tsne.c - kernels/tsne.c: joint probabilities (symmetric, summing to
 * 1, each row's conditional distribution at the requested perplexity) and
 * the KL gradient against central finite differences of the KL divergence
 * it returns (dof 1: two-dimensional embeddings; for other dof the kernel
 * keeps scikit-learn's formula, which is not the exact gradient); errors.
 */
#include <float.h>
#include <math.h>
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

int main(void)
{
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
