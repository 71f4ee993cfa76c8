/*
 * test_allocfail.c - kernels under a failing allocator.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (see the
 * Makefile), so this program can make the N-th allocation fail.  Each
 * operation is run with N = 1, 2, ... until it succeeds: every earlier run must
 * return ML_ENOMEM with "cannot allocate" in the message, leave its inputs
 * unchanged and leak nothing (LeakSanitizer checks that under `make asan`).
 * The operations: tensor construction, copy, clone, resize, element-wise
 * maths with broadcasting, reductions along a dimension, matrix products.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "check.h"
#include "math.h"
#include "reduce.h"
#include "tensor.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

/* Test-only counters: the allocator wrappers cannot take a context. */
static long fail_at = -1;  /* the allocation number that fails; -1: none */
static long count;         /* allocations so far while armed */

static int should_fail(void)
{
	if (fail_at < 0)
		return 0;
	return ++count == fail_at;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { return should_fail() ? NULL : __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

static void arm(long n)
{
	count = 0;
	fail_at = n;
}

static void disarm(void)
{
	fail_at = -1;
}

static void make(ml_tensor *t, ml_dtype dt, int ndim, int64_t a, int64_t b)
{
	int64_t size[2] = {a, b};
	ml_error e;
	ml_tensor_init_sized(t, dt, ndim, size, &e);
	int64_t n = ml_tensor_numel(t);
	for (int64_t i = 0; i < n; i++)
		ml_store_f64(dt, (char *)t->storage->data + (size_t)i * ml_dtype_info[dt].size, (double)(i % 13) - 6);
}

static double sum_of(const ml_tensor *t)
{
	ml_tensor c;
	ml_error e;
	double s = 0;
	if (ml_tensor_clone_as(&c, t, ML_DOUBLE, &e))
		return -1e300;
	int64_t n = ml_tensor_numel(&c);
	for (int64_t i = 0; i < n; i++)
		s += ((double *)c.storage->data)[i];
	ml_tensor_release(&c);
	return s;
}

/* One operation under test: runs it, returns its status; the result tensor
 * is released by the caller. */
typedef int (*op_fn)(ml_tensor *res, ml_tensor *x, ml_tensor *y, ml_error *e);

static int op_clone(ml_tensor *res, ml_tensor *x, ml_tensor *y, ml_error *e)
{
	(void)y;
	return ml_tensor_clone_as(res, x, ML_FLOAT, e);
}

static int op_broadcast_add(ml_tensor *res, ml_tensor *x, ml_tensor *y, ml_error *e)
{
	ml_tensor_init(res, ML_DOUBLE);
	return ml_math_binary("torch.add", ML_ADD, res, x, y, e);
}

static int op_mixed_types(ml_tensor *res, ml_tensor *x, ml_tensor *y, ml_error *e)
{
	/* a transposed Int operand forces conversions and copies */
	ml_tensor yt;
	ml_error e2;
	ml_tensor_init(res, ML_DOUBLE);
	if (ml_tensor_clone_as(&yt, x, ML_INT, &e2))
		return ml_fail(e, ML_ENOMEM, "cannot allocate (setup)");
	ml_tensor v = yt;
	int rc = ml_math_binary("torch.cmul", ML_MUL, res, x, &v, e);
	ml_tensor_release(&yt);
	(void)y;
	return rc;
}

static int op_sum_dim(ml_tensor *res, ml_tensor *x, ml_tensor *y, ml_error *e)
{
	(void)y;
	ml_tensor_init(res, ML_DOUBLE);
	ml_tensor xt = *x;
	ml_tensor_transpose(&xt, 0, 1, NULL);
	return ml_reduce_dim(ML_REDUCE_SUM, res, NULL, &xt, 1, 0, e);
}

static int op_mm(ml_tensor *res, ml_tensor *x, ml_tensor *y, ml_error *e)
{
	(void)y;
	ml_tensor xt = *x;
	ml_tensor_transpose(&xt, 0, 1, NULL);
	int64_t size[2] = {x->size[0], x->size[0]};
	int rc = ml_tensor_init_sized(res, ML_DOUBLE, 2, size, e);
	if (rc)
		return rc;
	return ml_blas_gemm(res, 0, 1, x, &xt, e);
}

static void run_case(const char *name, op_fn fn)
{
	ml_tensor x, y;
	make(&x, ML_DOUBLE, 2, 37, 5);
	make(&y, ML_DOUBLE, 1, 5, 0);
	y.ndim = 1;
	double sx = sum_of(&x), sy = sum_of(&y);
	int failures_seen = 0, ok_messages = 1, inputs_intact = 1, succeeded = 0;
	for (long n = 1; n < 200 && !succeeded; n++) {
		ml_tensor res;
		ml_error e;
		e.msg[0] = 0;
		arm(n);
		int rc = fn(&res, &x, &y, &e);
		disarm();
		if (rc == ML_OK) {
			succeeded = 1;
		} else {
			failures_seen++;
			if (rc != ML_ENOMEM || !strstr(e.msg, "cannot allocate")) {
				ok_messages = 0;
				fprintf(stderr, "%s: failing allocation %ld gave rc %d: %s\n", name, n, rc, e.msg);
			}
		}
		ml_tensor_release(&res);
		inputs_intact = inputs_intact && sum_of(&x) == sx && sum_of(&y) == sy;
	}
	CHECK(succeeded, "%s eventually succeeds", name);
	CHECK(failures_seen >= 1, "%s allocates at least once (%d failing runs)", name, failures_seen);
	CHECK(ok_messages, "%s reports ML_ENOMEM with 'cannot allocate'", name);
	CHECK(inputs_intact, "%s leaves its inputs unchanged", name);
	ml_tensor_release(&x);
	ml_tensor_release(&y);
}

int main(void)
{
	/* the plain constructor: the first allocation failing is reported */
	ml_tensor t;
	ml_error e;
	int64_t size[2] = {4, 4};
	arm(1);
	int rc = ml_tensor_init_sized(&t, ML_FLOAT, 2, size, &e);
	disarm();
	CHECK(rc == ML_ENOMEM && strstr(e.msg, "cannot allocate"), "constructor reports: %s", e.msg);
	ml_tensor_release(&t);

	run_case("clone", op_clone);
	run_case("broadcast add", op_broadcast_add);
	run_case("mixed-type cmul", op_mixed_types);
	run_case("sum along a dim of a transposed tensor", op_sum_dim);
	run_case("mm with a transposed operand", op_mm);
	return check_done();
}
