/*
 * test_shape.c - kernels/shape.c against naive reference loops.
 *
 * References read every element through ml_tensor_ptr by multi-index: cat and
 * repeat by the coordinate arithmetic of their definitions, diag/tril/triu by
 * comparing i and j, histograms by counting each value's bin with the
 * formula, the cross product from its three determinants, renorm from norms
 * summed in long double.  Every op runs on every dtype it accepts, on
 * contiguous, transposed and narrowed inputs, odd sizes, empty inputs, a
 * result that is one of the inputs, and its errors.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "shape.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int next(int64_t *idx, int ndim, const int64_t *size)
{
	for (int d = ndim - 1; d >= 0; d--) {
		if (++idx[d] < size[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

static void fill_random(ml_tensor *t, int lo, int span)
{
	int64_t n = ml_tensor_numel(t), idx[ML_MAX_DIMS] = {0};
	for (int64_t k = 0; k < n; k++) {
		ml_store_i64(t->dtype, ml_tensor_ptr(t, idx), lo + (int64_t)(rnd() % (uint64_t)span));
		next(idx, t->ndim, t->size);
	}
}

static double at(const ml_tensor *t, const int64_t *idx)
{
	return ml_load_f64(t->dtype, ml_tensor_ptr(t, idx));
}

/* shape `size`, contiguous (mode 0), transposed first two dims (1) or narrowed (2) */
static ml_tensor make(ml_dtype dt, int ndim, const int64_t *size, int mode)
{
	ml_tensor t;
	int64_t big[ML_MAX_DIMS];
	memcpy(big, size, sizeof(int64_t) * (size_t)ndim);
	if (mode == 1 && ndim >= 2) {
		big[0] = size[1];
		big[1] = size[0];
		ml_tensor_init_sized(&t, dt, ndim, big, NULL);
		ml_tensor_transpose(&t, 0, 1, NULL);
	} else if (mode == 2) {
		big[0] = size[0] + 2;
		ml_tensor_init_sized(&t, dt, ndim, big, NULL);
		ml_tensor_narrow(&t, 0, 1, size[0], NULL);
	} else {
		ml_tensor_init_sized(&t, dt, ndim, size, NULL);
	}
	fill_random(&t, ml_dtype_info[dt].is_float || dt == ML_BYTE ? 0 : -50, 100);
	return t;
}

/* ---- cat ---- */

static void test_cat(void)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int dim = 0; dim < 3; dim++) {
				ml_error e;
				int64_t sa[3] = {3, 4, 5}, sb[3] = {3, 4, 5}, sc[3] = {3, 4, 5};
				sa[dim] = 2, sb[dim] = 1, sc[dim] = 6;
				ml_tensor a = make((ml_dtype)dt, 3, sa, mode), b = make(ML_DOUBLE, 3, sb, (mode + 1) % 3);
				ml_tensor c = make((ml_dtype)dt, 3, sc, (mode + 2) % 3), empty, r;
				ml_tensor_init(&empty, (ml_dtype)dt);
				ml_tensor_init(&r, (ml_dtype)dt);
				const ml_tensor *xs[4] = {&a, &empty, &b, &c};
				int rc = ml_shape_cat("t", &r, 4, xs, dim, &e);
				int64_t total[3] = {3, 4, 5};
				total[dim] = 9;
				int ok = rc == ML_OK && r.ndim == 3 && r.size[0] == total[0] && r.size[1] == total[1] &&
				         r.size[2] == total[2];
				int64_t idx[3] = {0, 0, 0};
				for (int64_t k = 0; ok && k < ml_tensor_numel(&r); k++) {
					int64_t src[3] = {idx[0], idx[1], idx[2]}, p = idx[dim];
					const ml_tensor *from = p < 2 ? &a : p < 3 ? &b : &c;
					src[dim] = p < 2 ? p : p < 3 ? p - 2 : p - 3;
					unsigned char buf[8];
					ml_store_f64((ml_dtype)dt, buf, at(from, src));
					ok = at(&r, idx) == ml_load_f64((ml_dtype)dt, buf);
					next(idx, 3, r.size);
				}
				CHECK(ok, "cat %s mode %d dim %d: %s", ml_dtype_name((ml_dtype)dt), mode, dim,
				      rc ? e.msg : "values");
				ml_tensor_release(&a);
				ml_tensor_release(&b);
				ml_tensor_release(&c);
				ml_tensor_release(&r);
			}

	/* vectors along a new dimension, Torch7's default dim, all empty, res among inputs, errors */
	ml_error e;
	int64_t three = 3, sz23[2] = {2, 3};
	ml_tensor v = make(ML_FLOAT, 1, &three, 0), w = make(ML_FLOAT, 1, &three, 2), r;
	ml_tensor_init(&r, ML_FLOAT);
	const ml_tensor *vw[2] = {&v, &w};
	CHECK(ml_shape_cat_default_dim(2, vw) == 0, "default dim of vectors");
	int rc = ml_shape_cat("t", &r, 2, vw, 1, &e);
	int ok = rc == ML_OK && r.ndim == 2 && r.size[0] == 3 && r.size[1] == 2;
	for (int64_t i = 0; ok && i < 3; i++) {
		int64_t i0[2] = {i, 0}, i1[2] = {i, 1};
		ok = at(&r, i0) == at(&v, &i) && at(&r, i1) == at(&w, &i);
	}
	CHECK(ok, "two vectors joined along dimension 2");
	ml_tensor m = make(ML_FLOAT, 2, sz23, 0), m2;
	ml_tensor_clone_as(&m2, &m, ML_FLOAT, NULL);
	const ml_tensor *mv[2] = {&m, &v};
	CHECK(ml_shape_cat_default_dim(2, mv) == 1, "default dim: the last of the largest");
	const ml_tensor *mm[2] = {&m, &m};
	CHECK(ml_shape_cat("t", &m, 2, mm, 0, &e) == ML_OK && m.size[0] == 4 && m.size[1] == 3, "res is an input");
	ok = 1;
	for (int64_t i = 0; i < 4 && ok; i++)
		for (int64_t j = 0; j < 3 && ok; j++) {
			int64_t a[2] = {i, j}, b[2] = {i % 2, j};
			ok = at(&m, a) == at(&m2, b);
		}
	CHECK(ok, "cat into one of its inputs");
	ml_tensor e1, e2;
	ml_tensor_init(&e1, ML_FLOAT);
	ml_tensor_init(&e2, ML_FLOAT);
	const ml_tensor *ee[2] = {&e1, &e2};
	CHECK(ml_shape_cat_default_dim(2, ee) == 0 && ml_shape_cat("t", &r, 2, ee, 0, &e) == ML_OK && r.ndim == 0,
	      "all empty");
	CHECK(ml_shape_cat("torch.cat", &r, 2, mv, 0, &e) == ML_ESHAPE &&
	      strstr(e.msg, "torch.cat: tensors of shapes 4x3 and 3 differ outside dimension 1 (input 2)"), "%s",
	      e.msg);
	CHECK(ml_shape_cat("torch.cat", &r, 0, mv, 0, &e) == ML_EINVAL && strstr(e.msg, "no tensors"), "%s",
	      e.msg);
	CHECK(ml_shape_cat("torch.cat", &r, 2, mv, ML_MAX_DIMS, &e) == ML_ERANGE, "%s", e.msg);
	ml_tensor_release(&v);
	ml_tensor_release(&w);
	ml_tensor_release(&m);
	ml_tensor_release(&m2);
	ml_tensor_release(&r);
}

/* ---- repeat ---- */

static void test_repeat(void)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++) {
			ml_error e;
			int64_t sx[2] = {3, 2}, reps[4] = {2, 1, 3, 2};
			ml_tensor x = make((ml_dtype)dt, 2, sx, mode), r;
			ml_tensor_init(&r, (ml_dtype)dt);
			int rc = ml_shape_repeat("t", &r, &x, 4, reps, &e);
			int ok = rc == ML_OK && r.ndim == 4 && r.size[0] == 2 && r.size[1] == 1 && r.size[2] == 9 &&
			         r.size[3] == 4;
			int64_t idx[4] = {0, 0, 0, 0};
			for (int64_t k = 0; ok && k < ml_tensor_numel(&r); k++) {
				int64_t src[2] = {idx[2] % 3, idx[3] % 2};
				ok = at(&r, idx) == at(&x, src);
				next(idx, 4, r.size);
			}
			CHECK(ok, "repeat %s mode %d: %s", ml_dtype_name((ml_dtype)dt), mode, rc ? e.msg : "values");
			/* into itself, and zero repetitions */
			int64_t reps2[2] = {1, 2}, reps0[2] = {0, 2};
			ml_tensor keep;
			ml_tensor_clone_as(&keep, &x, (ml_dtype)dt, NULL);
			rc = ml_shape_repeat("t", &x, &x, 2, reps2, &e);
			ok = rc == ML_OK && x.size[0] == 3 && x.size[1] == 4;
			for (int64_t i = 0; ok && i < 3; i++)
				for (int64_t j = 0; ok && j < 4; j++) {
					int64_t a[2] = {i, j}, b[2] = {i, j % 2};
					ok = at(&x, a) == at(&keep, b);
				}
			CHECK(ok, "repeat into itself");
			CHECK(ml_shape_repeat("t", &r, &keep, 2, reps0, &e) == ML_OK && r.size[0] == 0 && r.size[1] == 4,
			      "zero repetitions");
			ml_tensor_release(&keep);
			ml_tensor_release(&x);
			ml_tensor_release(&r);
		}
	ml_error e;
	int64_t sx[2] = {3, 2}, one[1] = {2}, neg[2] = {1, -1};
	ml_tensor x = make(ML_INT, 2, sx, 0), r;
	ml_tensor_init(&r, ML_INT);
	CHECK(ml_shape_repeat("torch.repeatTensor", &r, &x, 1, one, &e) == ML_ESHAPE &&
	      strstr(e.msg, "1 repetition counts for a 3x2 tensor (at least 2"), "%s", e.msg);
	CHECK(ml_shape_repeat("torch.repeatTensor", &r, &x, 2, neg, &e) == ML_EINVAL &&
	      strstr(e.msg, "negative repetition count -1 for dimension 2"), "%s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&r);
}

/* ---- diag, tril, triu ---- */

static void test_diag_tri(void)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int64_t k = -6; k <= 6; k++) {
				ml_error e;
				int64_t sz[2] = {4, 6}, five = 5;
				ml_tensor x = make((ml_dtype)dt, 2, sz, mode), v = make((ml_dtype)dt, 1, &five, mode == 2 ? 2 : 0);
				ml_tensor r;
				ml_tensor_init(&r, (ml_dtype)dt);
				/* matrix -> diagonal k */
				int rc = ml_shape_diag("t", &r, &x, k, &e);
				int64_t len = 0;
				for (int64_t i = 0; i < 4; i++)
					len += i + k >= 0 && i + k < 6;
				int ok = rc == ML_OK && r.ndim == 1 && r.size[0] == len;
				for (int64_t i = 0, j = 0; ok && i < 4; i++) {
					int64_t a[2] = {i, i + k};
					if (i + k >= 0 && i + k < 6) {
						ok = at(&r, &j) == at(&x, a);
						j++;
					}
				}
				CHECK(ok, "diag of a matrix %s mode %d k %lld", ml_dtype_name((ml_dtype)dt), mode, (long long)k);
				/* vector -> matrix */
				rc = ml_shape_diag("t", &r, &v, k, &e);
				int64_t n = 5 + (k < 0 ? -k : k);
				ok = rc == ML_OK && r.ndim == 2 && r.size[0] == n && r.size[1] == n;
				for (int64_t i = 0; ok && i < n; i++)
					for (int64_t j = 0; ok && j < n; j++) {
						int64_t a[2] = {i, j}, p = k >= 0 ? i : j;
						ok = at(&r, a) == (j - i == k ? at(&v, &p) : 0);
					}
				CHECK(ok, "diag of a vector %s k %lld", ml_dtype_name((ml_dtype)dt), (long long)k);
				/* tril, triu, also in place */
				for (int upper = 0; upper < 2; upper++) {
					ml_tensor y;
					ml_tensor_clone_as(&y, &x, (ml_dtype)dt, NULL);
					rc = ml_shape_tri("t", &r, &x, k, upper, &e);
					int rc2 = ml_shape_tri("t", &y, &y, k, upper, &e);
					ok = rc == ML_OK && rc2 == ML_OK && ml_tensor_same_size(&r, &x);
					for (int64_t i = 0; ok && i < 4; i++)
						for (int64_t j = 0; ok && j < 6; j++) {
							int64_t a[2] = {i, j};
							int keep = upper ? j - i >= k : j - i <= k;
							ok = at(&r, a) == (keep ? at(&x, a) : 0) && at(&y, a) == at(&r, a);
						}
					CHECK(ok, "%s %s mode %d k %lld", upper ? "triu" : "tril", ml_dtype_name((ml_dtype)dt),
					      mode, (long long)k);
					ml_tensor_release(&y);
				}
				ml_tensor_release(&x);
				ml_tensor_release(&v);
				ml_tensor_release(&r);
			}
	ml_error e;
	int64_t s3[3] = {2, 2, 2};
	ml_tensor x = make(ML_DOUBLE, 3, s3, 0), r;
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_shape_diag("torch.diag", &r, &x, 0, &e) == ML_ESHAPE &&
	      strstr(e.msg, "torch.diag: expects a vector or a matrix (got a 2x2x2 tensor)"), "%s", e.msg);
	CHECK(ml_shape_tri("torch.tril", &r, &x, 0, 0, &e) == ML_ESHAPE &&
	      strstr(e.msg, "torch.tril: expects a matrix (got a 2x2x2 tensor)"), "%s", e.msg);
	ml_tensor_release(&x);
	ml_tensor_release(&r);
}

/* ---- histc, bhistc ---- */

static void test_hist(void)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++) {
			ml_error e;
			int64_t sz[2] = {3, 17};
			ml_tensor x = make((ml_dtype)dt, 2, sz, mode), r, br;
			ml_tensor_init(&r, (ml_dtype)dt);
			ml_tensor_init(&br, ML_DOUBLE);
			for (int range = 0; range < 2; range++) {
				double lo = range ? 10 : 0, hi = range ? 60 : 0;
				int64_t nb = 7;
				int rc = ml_shape_histc("t", &r, &x, nb, lo, hi, &e);
				int rc2 = ml_shape_bhistc("t", &br, &x, nb, lo, hi, &e);
				if (!range) { /* the data's range */
					int64_t idx[2] = {0, 0};
					lo = hi = at(&x, idx);
					for (int64_t k = 0; k < 51; k++) {
						double v = at(&x, idx);
						lo = v < lo ? v : lo;
						hi = v > hi ? v : hi;
						next(idx, 2, sz);
					}
				}
				int64_t want[3][7] = {{0}}, tot[7] = {0};
				for (int64_t i = 0; i < 3; i++)
					for (int64_t j = 0; j < 17; j++) {
						int64_t a[2] = {i, j};
						double v = at(&x, a);
						if (v < lo || v > hi)
							continue;
						int64_t b = (int64_t)((v - lo) / (hi - lo) * 7);
						if (b == 7)
							b = 6;
						want[i][b]++;
						tot[b]++;
					}
				int ok = rc == ML_OK && rc2 == ML_OK && r.ndim == 1 && r.size[0] == 7 && br.ndim == 2 &&
				         br.size[0] == 3 && br.size[1] == 7;
				for (int64_t b = 0; ok && b < 7; b++) {
					ok = at(&r, &b) == (double)tot[b];
					for (int64_t i = 0; ok && i < 3; i++) {
						int64_t a[2] = {i, b};
						ok = at(&br, a) == (double)want[i][b];
					}
				}
				CHECK(ok, "histc/bhistc %s mode %d range %d", ml_dtype_name((ml_dtype)dt), mode, range);
			}
			ml_tensor_release(&x);
			ml_tensor_release(&r);
			ml_tensor_release(&br);
		}
	/* flat data widens by 1; NaN ignored; Torch7's example; errors */
	ml_error e;
	int64_t six = 6, three = 3;
	ml_tensor x, r;
	ml_tensor_init_sized(&x, ML_DOUBLE, 1, &six, NULL);
	ml_tensor_init(&r, ML_DOUBLE);
	double *xp = ml_tensor_data(&x);
	double ex[6] = {2, 4, 2, 2, 5, 4};
	memcpy(xp, ex, sizeof ex);
	CHECK(ml_shape_histc("t", &r, &x, 5, 1, 5, &e) == ML_OK, "%s", e.msg);
	double *rp = ml_tensor_data(&r);
	CHECK(rp[0] == 0 && rp[1] == 3 && rp[2] == 0 && rp[3] == 2 && rp[4] == 1, "Torch7's histc example");
	for (int i = 0; i < 6; i++)
		xp[i] = 7;
	xp[5] = 0.0 / 0.0;
	CHECK(ml_shape_histc("t", &r, &x, 3, 0, 0, &e) == ML_OK, "%s", e.msg);
	rp = ml_tensor_data(&r);
	CHECK(rp[0] == 0 && rp[1] == 5 && rp[2] == 0, "flat data: %g %g %g", rp[0], rp[1], rp[2]);
	CHECK(ml_shape_histc("torch.histc", &r, &x, 0, 0, 0, &e) == ML_EINVAL &&
	      strstr(e.msg, "number of bins must be positive (got 0)"), "%s", e.msg);
	CHECK(ml_shape_histc("torch.histc", &r, &x, 3, 2, 1, &e) == ML_EINVAL && strstr(e.msg, "min 2 is larger than max 1"),
	      "%s", e.msg);
	int64_t s3[3] = {1, 2, 3};
	ml_tensor x3;
	ml_tensor_init_sized(&x3, ML_DOUBLE, 3, s3, NULL);
	CHECK(ml_shape_bhistc("torch.bhistc", &r, &x3, 3, 0, 0, &e) == ML_ESHAPE, "%s", e.msg);
	ml_tensor_release(&x3);
	(void)three;
	ml_tensor_release(&x);
	ml_tensor_release(&r);
}

/* ---- cross ---- */

static void test_cross(void)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int dim = 0; dim < 3; dim++) {
				ml_error e;
				int64_t sz[3] = {4, 5, 2};
				sz[dim] = 3;
				ml_tensor a = make((ml_dtype)dt, 3, sz, mode), b = make((ml_dtype)dt, 3, sz, (mode + 1) % 3);
				ml_tensor r;
				ml_tensor_init(&r, (ml_dtype)dt);
				int rc = ml_shape_cross("t", &r, &a, &b, dim, &e);
				int ok = rc == ML_OK && ml_tensor_same_size(&r, &a);
				int64_t idx[3] = {0, 0, 0};
				int64_t n = ml_tensor_numel(&a);
				for (int64_t k = 0; ok && k < n; k++) {
					int64_t c = idx[dim], i1[3], i2[3], j1[3], j2[3];
					memcpy(i1, idx, sizeof i1);
					memcpy(i2, idx, sizeof i2);
					i1[dim] = (c + 1) % 3, i2[dim] = (c + 2) % 3;
					memcpy(j1, i1, sizeof j1);
					memcpy(j2, i2, sizeof j2);
					/* r_c = a_{c+1} b_{c+2} - a_{c+2} b_{c+1}, in the dtype's arithmetic */
					unsigned char buf[8];
					if (ml_dtype_info[dt].is_float) {
						ml_store_f64((ml_dtype)dt, buf, at(&a, i1) * at(&b, j2) - at(&a, i2) * at(&b, j1));
					} else {
						int64_t v = ml_load_i64(a.dtype, ml_tensor_ptr(&a, i1)) * ml_load_i64(b.dtype, ml_tensor_ptr(&b, j2)) -
						            ml_load_i64(a.dtype, ml_tensor_ptr(&a, i2)) * ml_load_i64(b.dtype, ml_tensor_ptr(&b, j1));
						ml_store_i64((ml_dtype)dt, buf, v);
					}
					ok = at(&r, idx) == ml_load_f64((ml_dtype)dt, buf);
					next(idx, 3, sz);
				}
				CHECK(ok, "cross %s mode %d dim %d: %s", ml_dtype_name((ml_dtype)dt), mode, dim, rc ? e.msg : "values");
				/* default dim (first of size 3) and in place into a */
				ml_tensor keep;
				ml_tensor_clone_as(&keep, &r, (ml_dtype)dt, NULL);
				int first3 = 0;
				while (sz[first3] != 3)
					first3++;
				if (first3 == dim) {
					rc = ml_shape_cross("t", &a, &a, &b, -1, &e);
					int64_t ix[3] = {0, 0, 0};
					ok = rc == ML_OK;
					for (int64_t k = 0; ok && k < n; k++) {
						ok = at(&a, ix) == at(&keep, ix);
						next(ix, 3, sz);
					}
					CHECK(ok, "cross in place, default dim %s", ml_dtype_name((ml_dtype)dt));
				}
				ml_tensor_release(&keep);
				ml_tensor_release(&a);
				ml_tensor_release(&b);
				ml_tensor_release(&r);
			}
	ml_error e;
	int64_t s1[2] = {2, 4}, s2[2] = {2, 3};
	ml_tensor a = make(ML_DOUBLE, 2, s1, 0), b = make(ML_DOUBLE, 2, s2, 0), r;
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_shape_cross("torch.cross", &r, &a, &a, -1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "no dimension of size 3 in a 2x4 tensor"), "%s", e.msg);
	CHECK(ml_shape_cross("torch.cross", &r, &a, &b, -1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "inputs of shapes 2x4 and 2x3"), "%s", e.msg);
	CHECK(ml_shape_cross("torch.cross", &r, &b, &b, 0, &e) == ML_ESHAPE &&
	      strstr(e.msg, "dimension 1 has size 2 in a 2x3 tensor (expected 3)"), "%s", e.msg);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&r);
}

/* ---- renorm ---- */

static void test_renorm(void)
{
	for (int dt = ML_FLOAT; dt <= ML_DOUBLE; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int dim = 0; dim < 3; dim++)
				for (int pi = 0; pi < 3; pi++) {
					ml_error e;
					double p = pi == 0 ? 1 : pi == 1 ? 2 : 3.5, maxnorm = 60;
					int64_t sz[3] = {3, 4, 5};
					ml_tensor x = make((ml_dtype)dt, 3, sz, mode), r;
					ml_tensor_init(&r, (ml_dtype)dt);
					int rc = ml_shape_renorm("t", &r, &x, p, dim, maxnorm, &e);
					int ok = rc == ML_OK && ml_tensor_same_size(&r, &x);
					for (int64_t i = 0; ok && i < sz[dim]; i++) {
						long double s = 0;
						int64_t idx[3] = {0, 0, 0};
						for (int64_t k = 0; k < 60; k++) {
							if (idx[dim] == i)
								s += powl(fabsl((long double)at(&x, idx)), p);
							next(idx, 3, sz);
						}
						double norm = (double)powl(s, 1.0L / p);
						double scale = norm > maxnorm ? maxnorm / (norm + 1e-7) : 1;
						memset(idx, 0, sizeof idx);
						for (int64_t k = 0; ok && k < 60; k++) {
							if (idx[dim] == i)
								ok = check_near(at(&r, idx), at(&x, idx) * scale, dt == ML_FLOAT ? 1e-6 : 1e-13);
							next(idx, 3, sz);
						}
					}
					CHECK(ok, "renorm %s mode %d dim %d p %g: %s", ml_dtype_name((ml_dtype)dt), mode, dim, p,
					      rc ? e.msg : "values");
					/* in place gives the same (up to the norm's summation order) */
					rc = ml_shape_renorm("t", &x, &x, p, dim, maxnorm, &e);
					int64_t idx[3] = {0, 0, 0};
					ok = rc == ML_OK;
					for (int64_t k = 0; ok && k < 60; k++) {
						ok = check_near(at(&x, idx), at(&r, idx), dt == ML_FLOAT ? 1e-6 : 1e-14);
						next(idx, 3, sz);
					}
					CHECK(ok, "renorm in place %s mode %d dim %d p %g", ml_dtype_name((ml_dtype)dt), mode, dim, p);
					ml_tensor_release(&x);
					ml_tensor_release(&r);
				}
	ml_error e;
	int64_t sz[2] = {2, 2};
	ml_tensor xi = make(ML_INT, 2, sz, 0), x = make(ML_DOUBLE, 2, sz, 0), r;
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_shape_renorm("torch.renorm", &xi, &xi, 2, 0, 1, &e) == ML_ETYPE &&
	      strstr(e.msg, "Float and Double tensors only (got Int)"), "%s", e.msg);
	CHECK(ml_shape_renorm("torch.renorm", &r, &x, 0, 0, 1, &e) == ML_EINVAL &&
	      strstr(e.msg, "p must be positive (got 0)"), "%s", e.msg);
	CHECK(ml_shape_renorm("torch.renorm", &r, &x, 2, 2, 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "dimension 3 out of range for a 2-dimensional tensor"), "%s", e.msg);
	ml_tensor_release(&xi);
	ml_tensor_release(&x);
	ml_tensor_release(&r);
}

/* ---- equal ---- */

static void test_equal(void)
{
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++) {
			int64_t sz[2] = {5, 3};
			ml_tensor a = make((ml_dtype)dt, 2, sz, mode), b, c;
			ml_tensor_init(&b, (ml_dtype)dt);
			ml_tensor_init_sized(&b, (ml_dtype)dt, 2, sz, NULL);
			ml_tensor_copy(&b, &a, NULL);
			ml_tensor_clone_as(&c, &a, ML_DOUBLE, NULL);
			int eq = -1, eq2 = -1, eq3 = -1;
			ml_shape_equal(&a, &b, &eq, NULL);
			ml_shape_equal(&a, &c, &eq2, NULL);
			int64_t last[2] = {4, 2};
			ml_store_i64((ml_dtype)dt, ml_tensor_ptr(&b, last), (int64_t)at(&a, last) + 1);
			ml_shape_equal(&a, &b, &eq3, NULL);
			CHECK(eq == 1 && eq2 == 1 && eq3 == 0, "equal %s mode %d: %d %d %d", ml_dtype_name((ml_dtype)dt),
			      mode, eq, eq2, eq3);
			ml_tensor_release(&a);
			ml_tensor_release(&b);
			ml_tensor_release(&c);
		}
	int64_t n3 = 3, n4 = 4;
	ml_tensor a, b, none1, none2;
	ml_tensor_init_sized(&a, ML_DOUBLE, 1, &n3, NULL);
	ml_tensor_init_sized(&b, ML_DOUBLE, 1, &n4, NULL);
	ml_tensor_init(&none1, ML_DOUBLE);
	ml_tensor_init(&none2, ML_FLOAT);
	int eq = -1;
	ml_shape_equal(&a, &b, &eq, NULL);
	CHECK(eq == 0, "different shapes are not equal");
	ml_shape_equal(&a, &none1, &eq, NULL);
	CHECK(eq == 0, "empty vs not");
	ml_shape_equal(&none1, &none2, &eq, NULL);
	CHECK(eq == 1, "two empty tensors");
	((double *)ml_tensor_data(&a))[1] = 0.0 / 0.0;
	ml_shape_equal(&a, &a, &eq, NULL);
	CHECK(eq == 0, "NaN is not equal to itself");
	ml_tensor_release(&a);
	ml_tensor_release(&b);
}

int main(void)
{
	test_cat();
	test_repeat();
	test_diag_tri();
	test_hist();
	test_cross();
	test_renorm();
	test_equal();
	return check_done();
}
