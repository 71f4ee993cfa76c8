/*
 * test_conv.c - kernels/conv.c against naive reference loops.
 *
 * The reference is the definition: for every output element, a sum over
 * every kernel position whose input position lies inside x (no padding
 * buffers, no flipped copies), read through ml_tensor_ptr, accumulated in
 * long double (floats) or wrapping uint64 (integers).  Every form (2-D, 3-D,
 * one kernel per plane, sum over planes), both modes, conv and xcorr, every
 * dtype, contiguous, transposed and narrowed inputs, odd sizes, 1x1 and
 * whole-input kernels.  Also: conv equals xcorr with the flipped kernel bit
 * for bit, results do not depend on the thread count, results written into
 * strided or aliasing result tensors, and the error messages.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "conv.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const ml_dtype all_dtypes[] = {ML_BYTE, ML_CHAR, ML_SHORT, ML_INT, ML_LONG, ML_FLOAT, ML_DOUBLE};

static int next_index(int64_t *idx, int ndim, const int64_t *size)
{
	for (int d = ndim - 1; d >= 0; d--) {
		if (++idx[d] < size[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

static void fill(ml_tensor *t)
{
	int64_t n = ml_tensor_numel(t), idx[ML_MAX_DIMS] = {0};
	for (int64_t c = 0; c < n; c++) {
		void *p = ml_tensor_ptr(t, idx);
		if (ml_dtype_info[t->dtype].is_float)
			ml_store_f64(t->dtype, p, (double)(rnd() >> 11) / 9007199254740992.0 * 2 - 1);
		else
			ml_store_i64(t->dtype, p, (int64_t)(rnd() % 200) - 100); /* overflows small types: wraps */
		next_index(idx, t->ndim, t->size);
	}
}

/* A tensor of shape (ndim, size) in layout 0 (contiguous), 1 (last two dims
 * transposed in memory) or 2 (narrowed out of a bigger tensor). */
static void make(ml_tensor *t, ml_dtype dt, int ndim, const int64_t *size, int layout)
{
	ml_error e;
	int64_t big[ML_MAX_DIMS];
	memcpy(big, size, sizeof(int64_t) * (size_t)ndim);
	if (layout == 1) {
		big[ndim - 2] = size[ndim - 1];
		big[ndim - 1] = size[ndim - 2];
		ml_tensor_init_sized(t, dt, ndim, big, &e);
		ml_tensor_transpose(t, ndim - 2, ndim - 1, &e);
	} else if (layout == 2) {
		for (int d = 0; d < ndim; d++)
			big[d] = size[d] + 2;
		ml_tensor_init_sized(t, dt, ndim, big, &e);
		for (int d = 0; d < ndim; d++)
			ml_tensor_narrow(t, d, 1, size[d], &e);
	} else {
		ml_tensor_init_sized(t, dt, ndim, size, &e);
	}
	fill(t);
}

typedef struct refacc {
	long double f;  /* floats */
	uint64_t i;     /* integers, wrapping */
} refacc;

/* Adds x[xi] * k[ki] to acc. */
static void mac(refacc *acc, const ml_tensor *x, const int64_t *xi, const ml_tensor *k, const int64_t *ki)
{
	if (ml_dtype_info[x->dtype].is_float)
		acc->f += (long double)ml_load_f64(x->dtype, ml_tensor_ptr(x, xi)) *
		          ml_load_f64(k->dtype, ml_tensor_ptr(k, ki));
	else
		acc->i += (uint64_t)ml_load_i64(x->dtype, ml_tensor_ptr(x, xi)) *
		          (uint64_t)ml_load_i64(k->dtype, ml_tensor_ptr(k, ki));
}

/* Checks res against the definition for nd-D (2 or 3) conv or xcorr. */
static int check_ref(const ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int nd, int full, int flip)
{
	int xb = x->ndim - nd, kb = k->ndim - nd; /* batch dims before the spatial ones */
	int form = kb == 0 && xb == 0 ? 0 : kb == 1 ? 1 : 2;
	int64_t idx[ML_MAX_DIMS] = {0};
	int isf = ml_dtype_info[x->dtype].is_float;
	double tol = x->dtype == ML_FLOAT ? 1e-5 : 1e-12;
	if (ml_tensor_numel(res) == 0)
		return 1;
	do {
		/* idx: output index; batch part then spatial part */
		int64_t v = form == 0 ? 0 : idx[0];
		int rb = form == 0 ? 0 : 1;
		int64_t np = form == 2 ? x->size[0] : 1;
		refacc acc = {0, 0};
		for (int64_t q = 0; q < np; q++) {
			int64_t p = form == 2 ? q : v;
			/* every kernel position */
			int64_t kpos[3] = {0, 0, 0}, ksz[3];
			for (int d = 0; d < nd; d++)
				ksz[d] = k->size[kb + d];
			do {
				int64_t xi[ML_MAX_DIMS], ki[ML_MAX_DIMS];
				int inside = 1;
				if (xb)
					xi[0] = p;
				if (form == 1)
					ki[0] = v;
				if (form == 2) {
					ki[0] = v;
					ki[1] = q;
				}
				for (int d = 0; d < nd; d++) {
					int64_t o = idx[rb + d], a = kpos[d], K = ksz[d];
					/* xcorr: x[o + a - pad] * k[a]; conv: x[o + a - pad] * k[K-1-a] */
					int64_t pos = o + a - (full ? K - 1 : 0);
					inside &= pos >= 0 && pos < x->size[xb + d];
					xi[xb + d] = pos;
					ki[kb + d] = flip ? K - 1 - a : a;
				}
				if (inside)
					mac(&acc, x, xi, k, ki);
			} while (next_index(kpos, nd, ksz));
		}
		const void *rp = ml_tensor_ptr(res, idx);
		if (isf) {
			double got = ml_load_f64(res->dtype, rp);
			if (!(fabs(got - (double)acc.f) <= tol * (1 + fabsl(acc.f))))
				return 0;
		} else {
			char buf[8]; /* the reference wrapped into res's dtype */
			ml_store_i64(res->dtype, buf, (int64_t)acc.i);
			int64_t want = ml_load_i64(res->dtype, buf);
			if (ml_load_i64(res->dtype, rp) != want)
				return 0;
		}
	} while (next_index(idx, res->ndim, res->size));
	return 1;
}

typedef int (*conv_fn)(ml_tensor *, const ml_tensor *, const ml_tensor *, int, ml_error *);

static void test_forms(void)
{
	/* {x dims, x sizes, k dims, k sizes, nd} */
	struct { int xn; int64_t xs[4]; int kn; int64_t ks[5]; int nd; } cases[] = {
		{2, {7, 9}, 2, {3, 2}, 2},
		{2, {5, 4}, 2, {5, 4}, 2},
		{2, {6, 11}, 2, {1, 1}, 2},
		{2, {1, 1}, 2, {1, 1}, 2},
		{2, {2, 3}, 2, {4, 5}, 2},   /* full only: the kernel is larger */
		{3, {3, 8, 7}, 3, {3, 2, 3}, 2},
		{3, {2, 6, 5}, 4, {4, 2, 3, 3}, 2},
		{3, {5, 6, 4}, 3, {2, 3, 2}, 3},
		{4, {2, 4, 5, 3}, 4, {2, 2, 3, 1}, 3},
		{4, {3, 4, 4, 5}, 5, {2, 3, 3, 2, 2}, 3},
		{3, {2, 3, 2}, 3, {3, 4, 3}, 3},   /* full only */
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (int t = 0; t < 7; t++) {
			for (int layout = 0; layout < 3; layout++) {
				ml_dtype dt = all_dtypes[t];
				ml_tensor x, k, r;
				ml_error e;
				make(&x, dt, cases[c].xn, cases[c].xs, layout);
				make(&k, dt, cases[c].kn, cases[c].ks, (layout + 1) % 3);
				ml_tensor_init(&r, dt);
				int nd = cases[c].nd;
				conv_fn fns[2] = {nd == 2 ? ml_conv_xcorr2 : ml_conv_xcorr3, nd == 2 ? ml_conv_conv2 : ml_conv_conv3};
				int too_big = 0;
				for (int d = 0; d < nd; d++)
					too_big |= cases[c].ks[cases[c].kn - nd + d] > cases[c].xs[cases[c].xn - nd + d];
				for (int flip = 0; flip < 2; flip++) {
					for (int full = 0; full < 2; full++) {
						int rc = fns[flip](&r, &x, &k, full, &e);
						if (too_big && !full) {
							CHECK(rc == ML_ESHAPE && strstr(e.msg, "in 'V' mode the kernel must not be larger"),
							      "case %zu: expected the valid-mode error, got %d %s", c, rc, e.msg);
							continue;
						}
						CHECK(rc == 0, "case %zu %s: %s", c, ml_dtype_name(dt), e.msg);
						if (rc == 0)
							CHECK(check_ref(&r, &x, &k, nd, full, flip), "case %zu %s flip %d full %d layout %d",
							      c, ml_dtype_name(dt), flip, full, layout);
					}
				}
				ml_tensor_release(&x);
				ml_tensor_release(&k);
				ml_tensor_release(&r);
			}
		}
	}
}

/* conv(x, k) == xcorr(x, k reversed) bit for bit; 1 thread == 2 threads. */
static void test_exactness(void)
{
	for (int t = 5; t < 7; t++) {
		ml_dtype dt = all_dtypes[t];
		int64_t xs[3] = {3, 131, 77}, ks[4] = {2, 3, 7, 5};
		ml_tensor x, k, kr, a, b, c;
		ml_error e;
		make(&x, dt, 3, xs, 0);
		make(&k, dt, 4, ks, 0);
		ml_tensor_init(&kr, dt);
		ml_tensor_clone_as(&kr, &k, dt, &e);
		/* reverse each kernel plane (both spatial axes) */
		size_t es = ml_dtype_info[dt].size;
		char *p = ml_tensor_data(&kr), tmp[8];
		for (int64_t pl = 0; pl < 6; pl++)
			for (int64_t i = 0, j = 34; i < j; i++, j--) {
				memcpy(tmp, p + (size_t)(pl * 35 + i) * es, es);
				memcpy(p + (size_t)(pl * 35 + i) * es, p + (size_t)(pl * 35 + j) * es, es);
				memcpy(p + (size_t)(pl * 35 + j) * es, tmp, es);
			}
		ml_tensor_init(&a, dt);
		ml_tensor_init(&b, dt);
		ml_tensor_init(&c, dt);
		for (int full = 0; full < 2; full++) {
#ifdef _OPENMP
			omp_set_num_threads(2);
#endif
			ml_conv_conv2(&a, &x, &k, full, &e);
			ml_conv_xcorr2(&b, &x, &kr, full, &e);
#ifdef _OPENMP
			omp_set_num_threads(1);
#endif
			ml_conv_conv2(&c, &x, &k, full, &e);
			size_t bytes = (size_t)ml_tensor_numel(&a) * es;
			CHECK(ml_tensor_numel(&a) == ml_tensor_numel(&b) && memcmp(ml_tensor_data(&a), ml_tensor_data(&b), bytes) == 0,
			      "%s full %d: conv2 != xcorr2 with the flipped kernel", ml_dtype_name(dt), full);
			CHECK(memcmp(ml_tensor_data(&a), ml_tensor_data(&c), bytes) == 0, "%s full %d: threads change results",
			      ml_dtype_name(dt), full);
			CHECK(check_ref(&a, &x, &k, 2, full, 1), "%s full %d: big sum-over-planes case", ml_dtype_name(dt), full);
		}
#ifdef _OPENMP
		omp_set_num_threads(2);
#endif
		ml_tensor_release(&x);
		ml_tensor_release(&k);
		ml_tensor_release(&kr);
		ml_tensor_release(&a);
		ml_tensor_release(&b);
		ml_tensor_release(&c);
	}
}

static void test_results_and_errors(void)
{
	ml_error e;
	int64_t xs[2] = {6, 5}, ks[2] = {2, 3};
	ml_tensor x, k, r, ref;
	make(&x, ML_DOUBLE, 2, xs, 0);
	make(&k, ML_DOUBLE, 2, ks, 0);
	ml_tensor_init(&ref, ML_DOUBLE);
	ml_conv_conv2(&ref, &x, &k, 1, &e); /* 7x7 */
	/* a result of the output shape with transposed strides keeps them */
	int64_t ts[2] = {7, 7};
	ml_tensor_init_sized(&r, ML_DOUBLE, 2, ts, &e);
	ml_tensor_transpose(&r, 0, 1, &e);
	CHECK(ml_conv_conv2(&r, &x, &k, 1, &e) == 0 && r.stride[0] == 1, "strided result kept");
	CHECK(check_ref(&r, &x, &k, 2, 1, 1), "strided result values");
	ml_tensor_release(&r);
	/* the result may be the input itself */
	ml_tensor y;
	ml_tensor_init(&y, ML_DOUBLE);
	ml_tensor_clone_as(&y, &x, ML_DOUBLE, &e);
	ml_tensor_init(&r, ML_DOUBLE);
	ml_tensor_set(&r, &y);
	CHECK(ml_conv_conv2(&r, &y, &k, 1, &e) == 0 && r.size[0] == 7 && check_ref(&r, &x, &k, 2, 1, 1),
	      "result aliasing the input");
	ml_tensor_release(&r);
	ml_tensor_release(&y);
	/* errors */
	ml_tensor_init(&r, ML_DOUBLE);
	ml_tensor k3, kf, x1;
	int64_t k3s[3] = {2, 2, 2}, x1s[1] = {5};
	make(&k3, ML_DOUBLE, 3, k3s, 0);
	make(&kf, ML_FLOAT, 2, ks, 0);
	make(&x1, ML_DOUBLE, 1, x1s, 0);
	CHECK(ml_conv_conv2(&r, &x, &k3, 0, &e) == ML_ESHAPE &&
	          strstr(e.msg, "torch.conv2: expected x 2D and k 2D, x 3D and k 3D, or x 3D and k 4D (got x 6x5, k 2x2x2)"),
	      "dims: %s", e.msg);
	CHECK(ml_conv_xcorr3(&r, &x1, &k3, 0, &e) == ML_ESHAPE && strstr(e.msg, "torch.xcorr3: expected x 3D"),
	      "dims 3: %s", e.msg);
	CHECK(ml_conv_xcorr2(&r, &x, &kf, 0, &e) == ML_ETYPE &&
	          strstr(e.msg, "torch.xcorr2: x, k and the result must have the same type (got Double, Float, Double)"),
	      "types: %s", e.msg);
	ml_tensor big;
	int64_t bs[2] = {7, 2};
	make(&big, ML_DOUBLE, 2, bs, 0);
	CHECK(ml_conv_conv2(&r, &x, &big, 0, &e) == ML_ESHAPE &&
	          strstr(e.msg, "torch.conv2: in 'V' mode the kernel must not be larger than the input (x 6x5, k 7x2)"),
	      "valid size: %s", e.msg);
	ml_tensor xp, kp;
	int64_t xps[3] = {3, 6, 5}, kps[3] = {2, 2, 3}, kqs[4] = {4, 2, 2, 3};
	make(&xp, ML_DOUBLE, 3, xps, 0);
	make(&kp, ML_DOUBLE, 3, kps, 0);
	CHECK(ml_conv_conv2(&r, &xp, &kp, 0, &e) == ML_ESHAPE &&
	          strstr(e.msg, "torch.conv2: x has 3 planes but k has 2 kernels (x 3x6x5, k 2x2x3)"),
	      "planes: %s", e.msg);
	ml_tensor_release(&kp);
	make(&kp, ML_DOUBLE, 4, kqs, 0);
	CHECK(ml_conv_conv2(&r, &xp, &kp, 0, &e) == ML_ESHAPE &&
	          strstr(e.msg, "torch.conv2: x has 3 planes but k expects 2 (x 3x6x5, k 4x2x2x3)"),
	      "planes sum: %s", e.msg);
	/* empty spatial dims are refused; empty batches give empty results */
	ml_tensor ex;
	int64_t es0[2] = {0, 5};
	ml_tensor_init_sized(&ex, ML_DOUBLE, 2, es0, &e);
	CHECK(ml_conv_conv2(&r, &ex, &k, 1, &e) == ML_ESHAPE && strstr(e.msg, "torch.conv2: empty input"),
	      "empty input: %s", e.msg);
	CHECK(ml_conv_conv2(&r, &x, &ex, 1, &e) == ML_ESHAPE && strstr(e.msg, "torch.conv2: empty kernel"),
	      "empty kernel: %s", e.msg);
	ml_tensor eb, ekb;
	int64_t ebs[3] = {0, 4, 4}, ekbs[3] = {0, 2, 2};
	ml_tensor_init_sized(&eb, ML_DOUBLE, 3, ebs, &e);
	ml_tensor_init_sized(&ekb, ML_DOUBLE, 3, ekbs, &e);
	CHECK(ml_conv_xcorr2(&r, &eb, &ekb, 0, &e) == 0 && r.ndim == 3 && r.size[0] == 0 && r.size[1] == 3,
	      "empty batch: %s", e.msg);
	ml_tensor_release(&eb);
	ml_tensor_release(&ekb);
	ml_tensor_release(&ex);
	ml_tensor_release(&xp);
	ml_tensor_release(&kp);
	ml_tensor_release(&big);
	ml_tensor_release(&k3);
	ml_tensor_release(&kf);
	ml_tensor_release(&x1);
	ml_tensor_release(&r);
	ml_tensor_release(&ref);
	ml_tensor_release(&x);
	ml_tensor_release(&k);
}

int main(void)
{
	test_forms();
	test_exactness();
	test_results_and_errors();
	return check_done();
}
