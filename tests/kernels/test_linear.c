/*
 * test_linear.c - kernels/linear.c: coordinate descent against its naive
 * reference on odd sizes (with optimality conditions checked independently),
 * SGD on problems with known answers, the SVM dual against its KKT
 * conditions, and the argument errors.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linear.h"

static double urand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static ml_tensor make(int ndim, int64_t a, int64_t b)
{
	ml_tensor t;
	ml_error e;
	int64_t size[2] = { a, b };
	if (ml_tensor_init_sized(&t, ML_DOUBLE, ndim, size, &e) != ML_OK) {
		fprintf(stderr, "%s\n", e.msg);
		exit(1);
	}
	return t;
}

static double *data(ml_tensor *t) { return ml_tensor_data(t); }

static void test_enet(void)
{
	static const int64_t shapes[][2] = { { 7, 3 }, { 13, 5 }, { 5, 9 }, { 31, 1 } };
	uint64_t s = 42;
	for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
		int64_t n = shapes[c][0], d = shapes[c][1];
		ml_tensor xt = make(2, d, n), y = make(1, n, 0), w1 = make(1, d, 0), w2 = make(1, d, 0);
		for (int64_t i = 0; i < n * d; i++)
			data(&xt)[i] = urand(&s) - 0.5;
		for (int64_t i = 0; i < n; i++)
			data(&y)[i] = 3 * data(&xt)[i] - 2 * data(&xt)[(d - 1) * n + i] + 0.1 * urand(&s);
		for (int pos = 0; pos < 2; pos++) {
			ml_linear_cd_opts o = { .l1 = 0.05, .l2 = 0.02, .max_iter = 200, .tol = 1e-10, .positive = pos };
			ml_linear_cd_result r1, r2;
			ml_error e;
			memset(data(&w1), 0, (size_t)d * sizeof(double));
			memset(data(&w2), 0, (size_t)d * sizeof(double));
			CHECK(ml_linear_enet_cd(&xt, &y, &w1, &o, &r1, &e) == ML_OK, "enet_cd: %s", e.msg);
			CHECK(ml_linear_enet_cd_ref(&xt, &y, &w2, &o, &r2, &e) == ML_OK, "enet_cd_ref: %s", e.msg);
			CHECK(r1.n_iter == r2.n_iter, "n_iter %lld vs %lld", (long long)r1.n_iter, (long long)r2.n_iter);
			for (int64_t j = 0; j < d; j++)
				CHECK_NEAR(data(&w1)[j], data(&w2)[j], 1e-10);
			/* optimality (KKT): g_j = x_j.(y - Xw) - l2 w_j equals l1 sign(w_j) where w_j != 0,
			 * |g_j| <= l1 where w_j == 0 (g_j <= l1 when positive) */
			for (int64_t j = 0; j < d && r1.converged; j++) {
				double g = -o.l2 * data(&w1)[j];
				for (int64_t i = 0; i < n; i++) {
					double ri = data(&y)[i];
					for (int64_t k = 0; k < d; k++)
						ri -= data(&xt)[k * n + i] * data(&w1)[k];
					g += data(&xt)[j * n + i] * ri;
				}
				if (data(&w1)[j] != 0)
					CHECK(fabs(g - o.l1 * (data(&w1)[j] > 0 ? 1 : -1)) < 1e-4, "KKT active %g", g);
				else
					CHECK(pos ? g <= o.l1 + 1e-4 : fabs(g) <= o.l1 + 1e-4, "KKT zero %g", g);
				if (pos)
					CHECK(data(&w1)[j] >= 0, "positive");
			}
			/* random selection reaches the same optimum, reproducibly */
			o.random = 1;
			o.seed = 9;
			o.max_iter = 5000;
			memset(data(&w2), 0, (size_t)d * sizeof(double));
			CHECK(ml_linear_enet_cd(&xt, &y, &w2, &o, &r2, &e) == ML_OK, "random: %s", e.msg);
			for (int64_t j = 0; j < d; j++)
				CHECK(fabs(data(&w1)[j] - data(&w2)[j]) < 1e-4, "random %g vs %g", data(&w2)[j], data(&w1)[j]);
		}
		ml_tensor_release(&xt);
		ml_tensor_release(&y);
		ml_tensor_release(&w1);
		ml_tensor_release(&w2);
	}
}

static void test_enet_errors(void)
{
	ml_tensor xt = make(2, 3, 4), y = make(1, 4, 0), w = make(1, 2, 0), xf;
	ml_linear_cd_opts o = { .l1 = 1, .max_iter = 10, .tol = 1e-4 };
	ml_linear_cd_result r;
	ml_error e;
	CHECK(ml_linear_enet_cd(&xt, &y, &w, &o, &r, &e) == ML_ESHAPE && strstr(e.msg, "w must have size 3 (got 2)"),
	      "%s", e.msg);
	ml_tensor_release(&w);
	w = make(1, 3, 0);
	o.max_iter = 0;
	CHECK(ml_linear_enet_cd(&xt, &y, &w, &o, &r, &e) == ML_EINVAL && strstr(e.msg, "bad options"), "%s", e.msg);
	int64_t size[2] = { 3, 4 };
	ml_tensor_init_sized(&xf, ML_FLOAT, 2, size, &e);
	o.max_iter = 10;
	CHECK(ml_linear_enet_cd(&xf, &y, &w, &o, &r, &e) == ML_ETYPE && strstr(e.msg, "must be a DoubleTensor (got Float)"),
	      "%s", e.msg);
	ml_tensor_release(&xf);
	ml_tensor_release(&xt);
	ml_tensor_release(&y);
	ml_tensor_release(&w);
}

static void test_sgd(void)
{
	/* squared loss, constant rate, no penalty, no shuffle: one row repeated
	 * converges to the exact fit, and one epoch on two rows follows the
	 * hand-computed updates */
	ml_tensor x = make(2, 2, 2), y = make(1, 2, 0), w = make(1, 2, 0);
	double *X = data(&x), *Y = data(&y), *W = data(&w);
	X[0] = 1; X[1] = 0; X[2] = 0; X[3] = 2;
	Y[0] = 1; Y[1] = 4;
	W[0] = W[1] = 0;
	double b = 0;
	ml_linear_sgd_opts o = { .loss = ML_SGD_SQUARED, .penalty = ML_SGD_NONE, .learning_rate = ML_SGD_CONSTANT,
	                         .eta0 = 0.1, .max_iter = 1, .tol = -1, .fit_intercept = 1, .t = 1 };
	int64_t n_iter;
	double loss;
	ml_error e;
	CHECK(ml_linear_sgd(&x, &y, NULL, &w, &b, &o, &n_iter, &loss, &e) == ML_OK, "%s", e.msg);
	/* row 1: p = 0, dl = -1, update 0.1: w = (0.1, 0), b = 0.1
	 * row 2: p = 0.1, dl = -3.9, update 0.39: w = (0.1, 0.78), b = 0.49 */
	CHECK_NEAR(W[0], 0.1, 1e-15);
	CHECK_NEAR(W[1], 0.78, 1e-15);
	CHECK_NEAR(b, 0.49, 1e-15);
	CHECK(n_iter == 1 && o.t == 3, "n_iter %lld t %g", (long long)n_iter, o.t);
	CHECK_NEAR(loss, (0.5 * 1 + 0.5 * 3.9 * 3.9) / 2, 1e-15);
	/* many epochs with shuffling converge to the exact interpolant of
	 * y = 1 + 2 x1 + 0.5 x2 on 3 rows (no intercept drift) */
	ml_tensor x3 = make(2, 3, 2), y3 = make(1, 3, 0);
	double rows[3][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
	for (int i = 0; i < 3; i++) {
		data(&x3)[2 * i] = rows[i][0];
		data(&x3)[2 * i + 1] = rows[i][1];
		data(&y3)[i] = 1 + 2 * rows[i][0] + 0.5 * rows[i][1];
	}
	W[0] = W[1] = 0;
	b = 0;
	o.max_iter = 3000;
	o.shuffle = 1;
	o.seed = 3;
	o.t = 1;
	CHECK(ml_linear_sgd(&x3, &y3, NULL, &w, &b, &o, &n_iter, &loss, &e) == ML_OK, "%s", e.msg);
	CHECK_NEAR(W[0], 2, 1e-6);
	CHECK_NEAR(W[1], 0.5, 1e-6);
	CHECK_NEAR(b, 1, 1e-6);
	/* divergence is an error (a huge feature overflows the weights) */
	data(&x3)[0] = 1e300;
	o.eta0 = 100;
	o.max_iter = 200;
	W[0] = W[1] = 0;
	b = 0;
	CHECK(ml_linear_sgd(&x3, &y3, NULL, &w, &b, &o, &n_iter, &loss, &e) == ML_ENUM && strstr(e.msg, "diverged"),
	      "%s", e.msg);
	o.learning_rate = ML_SGD_OPTIMAL;
	o.alpha = 0;
	CHECK(ml_linear_sgd(&x3, &y3, NULL, &w, &b, &o, &n_iter, &loss, &e) == ML_EINVAL && strstr(e.msg, "alpha must be > 0"),
	      "%s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&w);
	ml_tensor_release(&x3);
	ml_tensor_release(&y3);
}

static void test_svc(void)
{
	/* random separable-ish data: at the solution of the dual, w = sum
	 * alpha_i y_i x_i with alpha_i = 2 C max(0, 1 - y_i w.x_i) (the
	 * primal optimality of the squared hinge); check that relation */
	int64_t n = 23, d = 4;
	uint64_t s = 7;
	ml_tensor x = make(2, n, d), y = make(1, n, 0), c = make(1, n, 0), w = make(1, d, 0);
	for (int64_t i = 0; i < n; i++) {
		double z = 0;
		for (int64_t j = 0; j < d; j++) {
			data(&x)[i * d + j] = urand(&s) * 2 - 1;
			z += data(&x)[i * d + j] * (j + 1);
		}
		data(&y)[i] = (z + 0.3 * (urand(&s) - 0.5)) > 0 ? 1 : -1;
		data(&c)[i] = 0.7;
	}
	int64_t n_iter;
	ml_error e;
	CHECK(ml_linear_svc_dual(&x, &y, &c, &w, 0, 1e-10, 100000, 5, &n_iter, &e) == ML_OK, "%s", e.msg);
	for (int64_t j = 0; j < d; j++) {
		double g = 0;
		for (int64_t i = 0; i < n; i++) {
			double m = 0;
			for (int64_t k = 0; k < d; k++)
				m += data(&w)[k] * data(&x)[i * d + k];
			double a = 2 * data(&c)[i] * fmax(0, 1 - data(&y)[i] * m);
			g += a * data(&y)[i] * data(&x)[i * d + j];
		}
		CHECK_NEAR(data(&w)[j], g, 1e-6);
	}
	/* hinge: the primal subgradient condition w = sum_i a_i y_i x_i with a_i = C where the
	 * margin is < 1, 0 where > 1, in [0, C] on it */
	CHECK(ml_linear_svc_dual(&x, &y, &c, &w, 1, 1e-10, 100000, 5, &n_iter, &e) == ML_OK, "%s", e.msg);
	{
		int on_margin = 0;
		double gap = 0;
		for (int64_t i = 0; i < n; i++) {
			double m = 0;
			for (int64_t k = 0; k < d; k++)
				m += data(&w)[k] * data(&x)[i * d + k];
			if (fabs(data(&y)[i] * m - 1) < 1e-6)
				on_margin++;
			gap += data(&c)[i] * fmax(0, 1 - data(&y)[i] * m);
		}
		CHECK(on_margin >= 1, "some rows lie on the margin (%d)", on_margin);
		CHECK(gap > 0, "non-separable: positive hinge loss");
	}
	CHECK(ml_linear_svc_dual(&x, &y, &c, &w, 0, 0, 10, 5, &n_iter, &e) == ML_EINVAL && strstr(e.msg, "tol must be > 0"),
	      "%s", e.msg);
	data(&c)[3] = 0;
	CHECK(ml_linear_svc_dual(&x, &y, &c, &w, 0, 1e-3, 10, 5, &n_iter, &e) == ML_EINVAL && strstr(e.msg, "C[4] = 0"),
	      "%s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
	ml_tensor_release(&c);
	ml_tensor_release(&w);
}

/* Naive multinomial loss: logsumexp by definition, per row. */
static double softmax_naive(const double *X, const int64_t *Y, const double *SW, const double *W, int64_t n, int64_t d,
                            int64_t k, int intercept, double l2)
{
	int64_t d1 = d + (intercept ? 1 : 0);
	double total = 0;
	for (int64_t i = 0; i < n; i++) {
		double s = 0, zy = 0;
		for (int64_t c = 0; c < k; c++) {
			double z = intercept ? W[c * d1 + d] : 0;
			for (int64_t j = 0; j < d; j++)
				z += X[i * d + j] * W[c * d1 + j];
			s += exp(z);
			if (c == Y[i])
				zy = z;
		}
		total += SW[i] * (log(s) - zy);
	}
	for (int64_t c = 0; c < k; c++)
		for (int64_t j = 0; j < d; j++)
			total += 0.5 * l2 * W[c * d1 + j] * W[c * d1 + j];
	return total;
}

static void test_logistic(void)
{
	static const int64_t shapes[][3] = { { 7, 3, 3 }, { 19, 5, 4 }, { 4, 1, 2 } };
	uint64_t s = 11;
	ml_error e;
	for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
		int64_t n = shapes[t][0], d = shapes[t][1], k = shapes[t][2];
		for (int intercept = 0; intercept < 2; intercept++) {
			int64_t d1 = d + intercept;
			ml_tensor x = make(2, n, d), sw = make(1, n, 0), w = make(2, k, d1), g = make(2, k, d1), y;
			int64_t ysize = n;
			ml_tensor_init_sized(&y, ML_LONG, 1, &ysize, &e);
			int64_t *Y = ml_tensor_data(&y);
			for (int64_t i = 0; i < n * d; i++)
				data(&x)[i] = 4 * urand(&s) - 2;
			for (int64_t i = 0; i < n; i++) {
				Y[i] = (int64_t)(urand(&s) * (double)k);
				data(&sw)[i] = 0.5 + urand(&s);
			}
			for (int64_t i = 0; i < k * d1; i++)
				data(&w)[i] = urand(&s) - 0.5;
			double loss;
			CHECK(ml_linear_softmax_loss(&x, &y, &sw, &w, &g, 0.3, intercept, &loss, &e) == ML_OK, "%s", e.msg);
			CHECK_NEAR(loss, softmax_naive(data(&x), Y, data(&sw), data(&w), n, d, k, intercept, 0.3), 1e-12);
			/* gradient by central differences */
			for (int64_t p = 0; p < k * d1; p++) {
				double keep = data(&w)[p], h = 1e-6;
				data(&w)[p] = keep + h;
				double fp = softmax_naive(data(&x), Y, data(&sw), data(&w), n, d, k, intercept, 0.3);
				data(&w)[p] = keep - h;
				double fm = softmax_naive(data(&x), Y, data(&sw), data(&w), n, d, k, intercept, 0.3);
				data(&w)[p] = keep;
				CHECK_NEAR(data(&g)[p], (fp - fm) / (2 * h), 1e-6);
			}
			/* binary: the two-class softmax with W[0] = 0 is the binary model of W[1] */
			if (k == 2) {
				ml_tensor y01 = make(1, n, 0), wb = make(1, d1, 0), gb = make(1, d1, 0);
				for (int64_t i = 0; i < n; i++)
					data(&y01)[i] = (double)Y[i];
				for (int64_t j = 0; j < d1; j++) {
					data(&w)[j] = 0;
					data(&wb)[j] = data(&w)[d1 + j];
				}
				double lb;
				CHECK(ml_linear_softmax_loss(&x, &y, &sw, &w, &g, 0.0, intercept, &loss, &e) == ML_OK, "%s", e.msg);
				CHECK(ml_linear_binary_loss(&x, &y01, &sw, &wb, &gb, 0.0, intercept, &lb, &e) == ML_OK, "%s", e.msg);
				CHECK_NEAR(lb, loss, 1e-12);
				for (int64_t j = 0; j < d1; j++)
					CHECK_NEAR(data(&gb)[j], data(&g)[d1 + j], 1e-12);
				ml_tensor_release(&y01);
				ml_tensor_release(&wb);
				ml_tensor_release(&gb);
			}
			Y[0] = k;
			CHECK(ml_linear_softmax_loss(&x, &y, &sw, &w, &g, 0.3, intercept, &loss, &e) == ML_ERANGE &&
			      strstr(e.msg, "is not a class index"), "%s", e.msg);
			ml_tensor_release(&x);
			ml_tensor_release(&sw);
			ml_tensor_release(&w);
			ml_tensor_release(&g);
			ml_tensor_release(&y);
		}
	}
}

static void test_center_t(void)
{
	/* odd sizes across the 32-wide tiles, contiguous and transposed (strided) inputs */
	static const int64_t shapes[][2] = { { 1, 1 }, { 33, 5 }, { 70, 65 } };
	uint64_t s = 5;
	ml_error e;
	for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
		int64_t n = shapes[t][0], d = shapes[t][1];
		ml_tensor base = make(2, d, n), mean = make(1, d, 0), xt = make(2, d, n);
		for (int64_t i = 0; i < n * d; i++)
			data(&base)[i] = urand(&s) * 10 - 3;
		ml_tensor x = base; /* x = base^T: N x D with strides (1, N) */
		ml_tensor_transpose(&x, 0, 1, &e);
		for (int center = 0; center < 2; center++) {
			CHECK(ml_linear_center_t(&x, center, &mean, &xt, &e) == ML_OK, "%s", e.msg);
			for (int64_t j = 0; j < d; j++) {
				double m = 0;
				for (int64_t i = 0; i < n; i++)
					m += data(&base)[j * n + i];
				m = center ? m / (double)n : 0;
				CHECK_NEAR(data(&mean)[j], m, 1e-13);
				for (int64_t i = 0; i < n; i++)
					CHECK_NEAR(data(&xt)[j * n + i], data(&base)[j * n + i] - m, 1e-13);
			}
		}
		CHECK(ml_linear_center_t(&x, 1, &xt, &xt, &e) == ML_ESHAPE && strstr(e.msg, "mean must have size"), "%s", e.msg);
		ml_tensor_release(&base);
		ml_tensor_release(&mean);
		ml_tensor_release(&xt);
	}
}

int main(void)
{
	test_center_t();
	test_logistic();
	test_enet();
	test_enet_errors();
	test_sgd();
	test_svc();
	return check_done();
}
