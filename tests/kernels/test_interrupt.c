/*
 * test_interrupt.c - the kernels' interrupt flag (kernels/interrupt.h): the
 * element-wise walk, big matrix products (split in row panels) and the
 * reductions along a dim stop early when it is raised, and the panel split
 * computes the same product as a naive loop.
 */
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "check.h"
#include "internal.h"
#include "interrupt.h"
#include "reduce.h"

typedef struct counter {
	int64_t n;          /* elements seen */
	int64_t raise_at;   /* raise the flag once n reaches this (0: never) */
	ml_interrupt *flag; /* the flag to raise */
} counter;

static void count_run(int64_t n, char *const *ptr, const int64_t *step, void *ctx)
{
	counter *c = ctx;
	(void)ptr;
	(void)step;
	c->n += n;
	if (c->raise_at && c->n >= c->raise_at)
		c->flag->pending = 1;
}

static void test_flag(void)
{
	ml_interrupt flag = {0};
	ml_interrupt_watch(NULL);
	CHECK(!ml_interrupt_pending(), "nothing watched: no interrupt");
	ml_interrupt_watch(&flag);
	CHECK(!ml_interrupt_pending(), "flag down");
	flag.pending = 1;
	CHECK(ml_interrupt_pending(), "flag up");
	ml_interrupt_watch(NULL);
	CHECK(!ml_interrupt_pending(), "unwatched again");
}

/* A transposed 1024x1024 walk: runs of 1024 elements, polled every 2^18. */
static void test_apply(void)
{
	ml_error e;
	ml_interrupt flag = {0};
	ml_tensor t;
	int64_t size[2] = {1024, 1024};
	CHECK(ml_tensor_init_sized(&t, ML_DOUBLE, 2, size, &e) == ML_OK, "alloc");
	ml_tensor v = t; /* borrowed view */
	ml_tensor_transpose(&v, 0, 1, &e);
	ml_tensor *ops[1] = {&v};
	const int64_t big = (int64_t)1 << 40; /* grain: stay serial, ctx is shared */
	ml_interrupt_watch(&flag);

	counter c = {0, 0, &flag};
	CHECK(ml_apply(1, ops, big, count_run, &c, &e) == ML_OK, "flag down: ML_OK");
	CHECK(c.n == 1024 * 1024, "flag down: every element (%lld)", (long long)c.n);

	flag.pending = 1;
	c.n = 0;
	int rc = ml_apply(1, ops, big, count_run, &c, &e);
	CHECK(rc == ML_EINTR, "flag up: ML_EINTR (got %d)", rc);
	CHECK(rc != ML_EINTR || strcmp(e.msg, "interrupted") == 0, "message: %s", e.msg);
	CHECK(c.n == ((int64_t)1 << 18), "stopped at the first poll (%lld)", (long long)c.n);

	flag.pending = 0;
	c.n = 0;
	c.raise_at = 100000; /* a Ctrl-C in the middle of the walk */
	rc = ml_apply(1, ops, big, count_run, &c, &e);
	CHECK(rc == ML_EINTR, "raised mid-walk: ML_EINTR");
	CHECK(c.n >= 100000 && c.n <= ((int64_t)1 << 18) + 1024, "stopped soon after (%lld)", (long long)c.n);

	/* ml_apply_range stops silently */
	c.n = 0;
	c.raise_at = 0;
	ml_apply_range(1, ops, 0, 1024 * 1024, count_run, &c);
	CHECK(c.n == ((int64_t)1 << 18), "apply_range stops at the first poll (%lld)", (long long)c.n);
	flag.pending = 0;
	ml_interrupt_watch(NULL);
	ml_tensor_release(&t);
}

static double naive_entry(const float *a, int64_t lda_r, int64_t lda_c, const float *b, int64_t K, int64_t N,
                          int64_t i, int64_t j)
{
	double s = 0;
	for (int64_t k = 0; k < K; k++)
		s += (double)a[i * lda_r + k * lda_c] * (double)b[k * N + j];
	return s;
}

/* 4200x2048 by 2048x2048: more than 2^34 multiply-adds, so two row panels
 * (4096 and 104 rows); a plain and a transposed a. */
static void test_gemm(void)
{
	ml_error e;
	ml_interrupt flag = {0};
	const int64_t M = 4200, K = 2048, N = 2048;
	int64_t sa[2] = {M, K}, sat[2] = {K, M}, sb[2] = {K, N}, sc[2] = {M, N};
	ml_tensor a, at, b, c;
	CHECK(ml_tensor_init_sized(&a, ML_FLOAT, 2, sa, &e) == ML_OK, "alloc a");
	CHECK(ml_tensor_init_sized(&at, ML_FLOAT, 2, sat, &e) == ML_OK, "alloc at");
	CHECK(ml_tensor_init_sized(&b, ML_FLOAT, 2, sb, &e) == ML_OK, "alloc b");
	CHECK(ml_tensor_init_sized(&c, ML_FLOAT, 2, sc, &e) == ML_OK, "alloc c");
	float *pa = ml_tensor_data(&a), *pat = ml_tensor_data(&at), *pb = ml_tensor_data(&b);
	for (int64_t i = 0; i < M * K; i++)
		pa[i] = (float)((i * 7919) % 13 - 6) / 8.0f;
	for (int64_t i = 0; i < M; i++) /* at holds a transposed: at[k][i] = a[i][k] */
		for (int64_t k = 0; k < K; k++)
			pat[k * M + i] = pa[i * K + k];
	for (int64_t i = 0; i < K * N; i++)
		pb[i] = (float)((i * 104729) % 11 - 5) / 4.0f;
	ml_interrupt_watch(&flag);

	static const int64_t rows[] = {0, 1, 4095, 4096, 4199};
	for (int pass = 0; pass < 2; pass++) {
		ml_tensor av = at; /* pass 1: a as the transpose of at (borrowed view) */
		ml_tensor_transpose(&av, 0, 1, &e);
		const ml_tensor *aa = pass ? &av : &a;
		int rc = ml_blas_gemm(&c, 0.0, 1.0, aa, &b, &e);
		CHECK(rc == ML_OK, "pass %d: product (%s)", pass, rc ? e.msg : "");
		const float *pc = ml_tensor_data(&c);
		for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
			for (int64_t j = 0; j < N; j += 511) {
				int64_t i = rows[r];
				double want = naive_entry(pa, K, 1, pb, K, N, i, j);
				CHECK_NEAR(pc[i * N + j], want, 1e-4);
			}
	}

	flag.pending = 1;
	int rc = ml_blas_gemm(&c, 0.0, 1.0, &a, &b, &e);
	CHECK(rc == ML_EINTR, "flag up: the product stops between panels (rc %d)", rc);
	CHECK(rc != ML_EINTR || strcmp(e.msg, "interrupted") == 0, "message: %s", e.msg);

	/* a small product is one BLAS call and completes */
	ml_tensor a2 = a, b2 = b, c2 = c;
	ml_tensor_narrow(&a2, 0, 0, 10, &e);
	ml_tensor_narrow(&c2, 0, 0, 10, &e);
	CHECK(ml_blas_gemm(&c2, 0.0, 1.0, &a2, &b2, &e) == ML_OK, "small product: no poll");
	flag.pending = 0;
	ml_interrupt_watch(NULL);
	ml_tensor_release(&a);
	ml_tensor_release(&at);
	ml_tensor_release(&b);
	ml_tensor_release(&c);
}

static void test_gemm_int(void)
{
	ml_error e;
	ml_interrupt flag = {1};
	int64_t s[2] = {200, 200};
	ml_tensor a, c;
	CHECK(ml_tensor_init_sized(&a, ML_INT, 2, s, &e) == ML_OK, "alloc");
	CHECK(ml_tensor_init_sized(&c, ML_INT, 2, s, &e) == ML_OK, "alloc");
	ml_interrupt_watch(&flag);
	int rc = ml_blas_gemm(&c, 0.0, 1.0, &a, &a, &e);
	CHECK(rc == ML_EINTR, "integer product stops (rc %d)", rc);
	flag.pending = 0;
	CHECK(ml_blas_gemm(&c, 0.0, 1.0, &a, &a, &e) == ML_OK, "and runs when the flag is down");
	ml_interrupt_watch(NULL);
	ml_tensor_release(&a);
	ml_tensor_release(&c);
}

/* Sum along the contiguous dim of a 100000x3 tensor: one line per output; an
 * interrupt leaves later outputs unwritten. */
static void test_reduce(void)
{
	ml_error e;
	ml_interrupt flag = {0};
	int64_t s[2] = {100000, 3};
	ml_tensor x, res;
	CHECK(ml_tensor_init_sized(&x, ML_DOUBLE, 2, s, &e) == ML_OK, "alloc");
	ml_tensor_fill(&x, 1.0);
	ml_tensor_init(&res, ML_DOUBLE);
	ml_interrupt_watch(&flag);
	CHECK(ml_reduce_dim(ML_REDUCE_SUM, &res, NULL, &x, 1, 0, &e) == ML_OK, "sum");
	const double *r = ml_tensor_data(&res);
	CHECK(r[0] == 3 && r[99999] == 3, "flag down: all sums (%g %g)", r[0], r[99999]);
	ml_tensor_fill(&res, -1.0);
	flag.pending = 1;
	ml_reduce_dim(ML_REDUCE_SUM, &res, NULL, &x, 1, 0, &e);
	r = ml_tensor_data(&res);
	CHECK(r[99999] == -1, "flag up: the last output is not computed (%g)", r[99999]);
	flag.pending = 0;
	ml_interrupt_watch(NULL);
	ml_tensor_release(&x);
	ml_tensor_release(&res);
}

int main(void)
{
	test_flag();
	test_apply();
	test_gemm();
	test_gemm_int();
	test_reduce();
	return check_done();
}
