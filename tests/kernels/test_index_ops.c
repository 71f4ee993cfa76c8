/*
 * test_index_ops.c - kernels/index.c against naive reference loops.
 *
 * Every reference walks the output (or the index) by multi-index through
 * ml_tensor_ptr and reads and writes elements one by one: nothing shared with
 * the kernel's row-start views and width loops.  Each op runs on every dtype,
 * on contiguous, transposed and narrowed inputs (x, index, source and mask),
 * along every dim, with negative and 0-based indices, odd sizes, sizes past
 * the threading threshold, empty inputs, results that share storage with an
 * input, and every error (bad index value and dim named, x unchanged).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "index.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int next(int64_t *idx, const ml_tensor *t)
{
	for (int d = t->ndim - 1; d >= 0; d--) {
		if (++idx[d] < t->size[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

/* Fills t (any strides) with small values every dtype holds exactly (0..99). */
static void fill_random(ml_tensor *t)
{
	int64_t n = ml_tensor_numel(t), idx[ML_MAX_DIMS] = {0};
	for (int64_t k = 0; k < n; k++) {
		ml_store_i64(t->dtype, ml_tensor_ptr(t, idx), (int64_t)(rnd() % 100));
		next(idx, t);
	}
}

static double at(const ml_tensor *t, const int64_t *idx)
{
	return ml_load_f64(t->dtype, ml_tensor_ptr(t, idx));
}

/* A tensor of the given shape viewed through a transpose of its first two dims
 * (mode 1), a narrow of a larger tensor (mode 2), or contiguous (mode 0).  The
 * caller releases it. */
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
		big[ndim - 1] = size[ndim - 1] + 3;
		ml_tensor_init_sized(&t, dt, ndim, big, NULL);
		ml_tensor_narrow(&t, ndim - 1, 2, size[ndim - 1], NULL);
	} else {
		ml_tensor_init_sized(&t, dt, ndim, size, NULL);
	}
	fill_random(&t);
	return t;
}

/* A Long index of n values in [-len, len) (negative from the end), or in [0, len) for base 0 */
static ml_tensor make_index(int ndim, const int64_t *size, int64_t len, int base, int mode)
{
	ml_tensor t = make(ML_LONG, ndim, size, mode);
	int64_t idx[ML_MAX_DIMS] = {0}, n = ml_tensor_numel(&t);
	for (int64_t k = 0; k < n; k++) {
		int64_t v = (int64_t)(rnd() % (uint64_t)len);
		if (base == 1 && (rnd() & 1))
			v = v - len; /* -len .. -1 */
		else
			v += base;
		ml_store_i64(ML_LONG, ml_tensor_ptr(&t, idx), v);
		next(idx, &t);
	}
	return t;
}

/* 0-based position of index value v */
static int64_t pos(int64_t v, int64_t len, int base)
{
	return v < 0 ? v + len : v - base;
}

static int64_t index_at(const ml_tensor *ix, int64_t i)
{
	return ml_load_i64(ML_LONG, ml_tensor_ptr(ix, &i));
}

/* ---- index_select ---- */

static void test_select(void)
{
	const int64_t shapes[3][3] = {{7, 5, 1}, {3, 4, 5}, {1, 9, 2}};
	const int nd[3] = {2, 3, 3};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int s = 0; s < 3; s++)
			for (int mode = 0; mode < 3; mode++)
				for (int dim = 0; dim < nd[s]; dim++)
					for (int base = 0; base < 2; base++) {
						ml_tensor x = make((ml_dtype)dt, nd[s], shapes[s], mode);
						int64_t m = 1 + (int64_t)(rnd() % 6);
						ml_tensor ix = make_index(1, &m, x.size[dim], base, mode == 2 ? 2 : 0);
						ml_tensor r;
						ml_tensor_init(&r, (ml_dtype)dt);
						ml_error e;
						int rc = ml_index_select("t", &r, &x, dim, &ix, base, &e);
						CHECK(rc == ML_OK, "select rc %d: %s", rc, e.msg);
						int ok = r.ndim == x.ndim && r.size[dim] == m;
						int64_t idx[ML_MAX_DIMS] = {0}, src[ML_MAX_DIMS];
						for (int64_t k = 0; ok && k < ml_tensor_numel(&r); k++) {
							memcpy(src, idx, sizeof idx);
							src[dim] = pos(index_at(&ix, idx[dim]), x.size[dim], base);
							ok = at(&r, idx) == at(&x, src);
							next(idx, &r);
						}
						CHECK(ok, "index_select %s shape %d mode %d dim %d base %d",
						      ml_dtype_name((ml_dtype)dt), s, mode, dim, base);
						ml_tensor_release(&x);
						ml_tensor_release(&ix);
						ml_tensor_release(&r);
					}
}

/* large 1-D select (threads), empty index, a result sharing x's storage, errors */
static void test_select_edges(void)
{
	ml_error e;
	int64_t n = 300001;
	ml_tensor x = make(ML_DOUBLE, 1, &n, 0), ix = make_index(1, &n, n, 1, 0), r;
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_index_select("t", &r, &x, 0, &ix, 1, &e) == ML_OK, "%s", e.msg);
	int ok = 1;
	for (int64_t i = 0; i < n && ok; i++) {
		int64_t j = pos(index_at(&ix, i), n, 1);
		ok = at(&r, &i) == at(&x, &j);
	}
	CHECK(ok, "large index_select");
	/* the same into a Float result: converted */
	ml_tensor rf;
	ml_tensor_init(&rf, ML_FLOAT);
	CHECK(ml_index_select("t", &rf, &x, 0, &ix, 1, &e) == ML_OK, "%s", e.msg);
	ok = rf.dtype == ML_FLOAT && rf.size[0] == n;
	for (int64_t i = 0; i < n && ok; i += 7)
		ok = at(&rf, &i) == (double)(float)at(&r, &i);
	CHECK(ok, "index_select into a Float result");
	ml_tensor_release(&rf);

	/* res is x itself: built aside */
	int64_t sz[2] = {4, 3}, three = 3;
	ml_tensor a = make(ML_INT, 2, sz, 0), acopy;
	ml_tensor_clone_as(&acopy, &a, ML_INT, NULL);
	ml_tensor i3 = make_index(1, &three, 4, 1, 0);
	CHECK(ml_index_select("t", &a, &a, 0, &i3, 1, &e) == ML_OK, "%s", e.msg);
	ok = a.size[0] == 3 && a.size[1] == 3;
	for (int64_t i = 0; i < 3 && ok; i++)
		for (int64_t j = 0; j < 3 && ok; j++) {
			int64_t ri[2] = {i, j}, si[2] = {pos(index_at(&i3, i), 4, 1), j};
			ok = at(&a, ri) == at(&acopy, si);
		}
	CHECK(ok, "index_select into its own input");

	/* empty index: size 0 along dim */
	ml_tensor empty;
	int64_t zero = 0;
	ml_tensor_init_sized(&empty, ML_LONG, 1, &zero, NULL);
	CHECK(ml_index_select("t", &r, &acopy, 1, &empty, 1, &e) == ML_OK && r.ndim == 2 && r.size[0] == 4 &&
	      r.size[1] == 0, "empty index");

	/* errors */
	int64_t bad = 5;
	ml_store_i64(ML_LONG, ml_tensor_data(&i3), bad);
	CHECK(ml_index_select("torch.index", &r, &acopy, 0, &i3, 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "torch.index: index 5 out of range for dimension 1 of size 4"), "%s", e.msg);
	ml_store_i64(ML_LONG, ml_tensor_data(&i3), 0);
	CHECK(ml_index_select("torch.index", &r, &acopy, 0, &i3, 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "index 0 out of range"), "%s", e.msg);
	ml_store_i64(ML_LONG, ml_tensor_data(&i3), -5);
	CHECK(ml_index_select("torch.index", &r, &acopy, 0, &i3, 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "index -5 out of range"), "%s", e.msg);
	ml_store_i64(ML_LONG, ml_tensor_data(&i3), 3);
	CHECK(ml_index_select("torch.index", &r, &acopy, 1, &i3, 0, &e) == ML_ERANGE &&
	      strstr(e.msg, "index 3 out of range for dimension 1 of size 3"), "base 0: %s", e.msg);
	CHECK(ml_index_select("torch.index", &r, &acopy, 2, &i3, 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "dimension 3 out of range for a 2-dimensional tensor (4x3)"), "%s", e.msg);
	CHECK(ml_index_select("torch.index", &r, &acopy, 0, &acopy, 1, &e) == ML_ETYPE &&
	      strstr(e.msg, "must be a LongTensor (got a IntTensor)"), "%s", e.msg);
	ml_tensor i2 = make_index(2, sz, 3, 1, 0);
	CHECK(ml_index_select("torch.index", &r, &acopy, 0, &i2, 1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "must be a vector (got a 4x3 tensor)"), "%s", e.msg);
	ml_tensor none;
	ml_tensor_init(&none, ML_DOUBLE);
	CHECK(ml_index_select("torch.index", &r, &none, 0, &i3, 1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "the tensor is empty"), "%s", e.msg);
	ml_tensor_release(&i2);
	ml_tensor_release(&empty);
	ml_tensor_release(&i3);
	ml_tensor_release(&a);
	ml_tensor_release(&acopy);
	ml_tensor_release(&x);
	ml_tensor_release(&ix);
	ml_tensor_release(&r);
}

/* ---- indexCopy, indexAdd, indexFill ---- */

/* the reference: ref (a clone of x) updated slice by slice in index order */
static void ref_write(ml_tensor *ref, int dim, const ml_tensor *ix, const ml_tensor *src, int mode,
                      double v, int base)
{
	int64_t m = ml_tensor_numel(ix);
	int64_t size[ML_MAX_DIMS];
	memcpy(size, ref->size, sizeof size);
	size[dim] = m;
	ml_tensor shape;
	ml_tensor_init(&shape, ML_BYTE);
	shape.ndim = ref->ndim;
	memcpy(shape.size, size, sizeof size);
	int64_t idx[ML_MAX_DIMS] = {0}, dst[ML_MAX_DIMS], n = 1;
	for (int d = 0; d < ref->ndim; d++)
		n *= size[d];
	for (int64_t k = 0; k < n; k++) {
		memcpy(dst, idx, sizeof idx);
		dst[dim] = pos(index_at(ix, idx[dim]), ref->size[dim], base);
		void *p = ml_tensor_ptr(ref, dst);
		if (mode == 2) {
			ml_store_f64(ref->dtype, p, v);
		} else if (ml_dtype_info[ref->dtype].is_float) {
			double s = at(src, idx);
			ml_store_f64(ref->dtype, p, mode ? ml_load_f64(ref->dtype, p) + s : s);
		} else {
			int64_t s = ml_load_i64(src->dtype, ml_tensor_ptr(src, idx));
			ml_store_i64(ref->dtype, p, mode ? (int64_t)((uint64_t)ml_load_i64(ref->dtype, p) + (uint64_t)s) : s);
		}
		next(idx, &shape);
	}
}

static int same_values(const ml_tensor *a, const ml_tensor *b)
{
	if (!ml_tensor_same_size(a, b))
		return 0;
	int64_t idx[ML_MAX_DIMS] = {0}, n = ml_tensor_numel(a);
	for (int64_t k = 0; k < n; k++) {
		double x = at(a, idx), y = at(b, idx);
		if (x != y && !(x != x && y != y))
			return 0;
		next(idx, a);
	}
	return 1;
}

static void test_writes(void)
{
	const int64_t shape[3] = {5, 4, 3};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int dim = 0; dim < 3; dim++)
				for (int op = 0; op < 3; op++) {
					ml_error e;
					ml_tensor x = make((ml_dtype)dt, 3, shape, mode), ref;
					ml_tensor_clone_as(&ref, &x, (ml_dtype)dt, NULL);
					int64_t m = 1 + (int64_t)(rnd() % 7); /* repeats likely */
					ml_tensor ix = make_index(1, &m, shape[dim], 1, mode == 2 ? 2 : 0);
					int64_t ssize[3] = {shape[0], shape[1], shape[2]};
					ssize[dim] = m;
					/* the source: another dtype half of the time (converted) */
					ml_dtype sdt = (rnd() & 1) ? (ml_dtype)dt : ML_DOUBLE;
					ml_tensor src = make(sdt, 3, ssize, (mode + 1) % 3);
					int rc;
					if (op == 0)
						rc = ml_index_copy("t", &x, dim, &ix, &src, 1, &e);
					else if (op == 1)
						rc = ml_index_add("t", &x, dim, &ix, &src, 1, &e);
					else
						rc = ml_index_fill("t", &x, dim, &ix, ml_scalar_i64(77), 1, &e);
					ref_write(&ref, dim, &ix, &src, op, 77, 1);
					CHECK(rc == ML_OK && same_values(&x, &ref), "index %s %s mode %d dim %d: %s",
					      op == 0 ? "copy" : op == 1 ? "add" : "fill", ml_dtype_name((ml_dtype)dt), mode,
					      dim, rc ? e.msg : "values differ");
					ml_tensor_release(&x);
					ml_tensor_release(&ref);
					ml_tensor_release(&ix);
					ml_tensor_release(&src);
				}
	/* indexAdd wraps integers; repeated indices accumulate */
	ml_error e;
	int64_t three = 3, four = 4;
	ml_tensor b = make(ML_BYTE, 1, &three, 0), ix = make_index(1, &four, 3, 1, 0), s = make(ML_BYTE, 1, &four, 0);
	uint8_t *bp = ml_tensor_data(&b), *sp = ml_tensor_data(&s);
	int64_t *ip = ml_tensor_data(&ix);
	bp[0] = 250, bp[1] = 1, bp[2] = 2;
	sp[0] = 3, sp[1] = 4, sp[2] = 5, sp[3] = 6;
	ip[0] = 1, ip[1] = 1, ip[2] = -1, ip[3] = 1;
	CHECK(ml_index_add("t", &b, 0, &ix, &s, 1, &e) == ML_OK && bp[0] == (uint8_t)(250 + 3 + 4 + 6) &&
	      bp[1] == 1 && bp[2] == 7, "byte indexAdd: %d %d %d", bp[0], bp[1], bp[2]);
	/* indexCopy with repeats: the last wins */
	CHECK(ml_index_copy("t", &b, 0, &ix, &s, 1, &e) == ML_OK && bp[0] == 6 && bp[2] == 5, "last copy wins");
	/* errors leave x unchanged */
	ip[2] = 4;
	bp[0] = 9;
	CHECK(ml_index_copy("torch.indexCopy", &b, 0, &ix, &s, 1, &e) == ML_ERANGE && bp[0] == 9 &&
	      strstr(e.msg, "torch.indexCopy: index 4 out of range for dimension 1 of size 3"), "%s", e.msg);
	CHECK(ml_index_add("torch.indexAdd", &b, 0, &ix, &s, 1, &e) == ML_ERANGE && bp[0] == 9, "%s", e.msg);
	CHECK(ml_index_fill("torch.indexFill", &b, 0, &ix, ml_scalar_i64(1), 1, &e) == ML_ERANGE && bp[0] == 9,
	      "%s", e.msg);
	ip[2] = 1;
	CHECK(ml_index_copy("torch.indexCopy", &b, 0, &ix, &b, 1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "source of shape 3 for 4 indices along dimension 1 of a 3 tensor"), "%s", e.msg);
	/* a source in x's own storage */
	int64_t two = 2;
	ml_tensor ix2 = make_index(1, &two, 3, 1, 0), view = b;
	int64_t *i2 = ml_tensor_data(&ix2);
	i2[0] = 2, i2[1] = 3;
	bp[0] = 10, bp[1] = 20, bp[2] = 30;
	ml_tensor_narrow(&view, 0, 0, 2, NULL);
	CHECK(ml_index_copy("t", &b, 0, &ix2, &view, 1, &e) == ML_OK && bp[0] == 10 && bp[1] == 10 && bp[2] == 20,
	      "copy from itself: %d %d %d", bp[0], bp[1], bp[2]);
	ml_tensor_release(&ix2);
	ml_tensor_release(&b);
	ml_tensor_release(&ix);
	ml_tensor_release(&s);
}

/* ---- gather, scatter ---- */

static void test_gather_scatter(void)
{
	const int64_t shape[3] = {6, 5, 4};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int dim = 0; dim < 3; dim++) {
				ml_error e;
				ml_tensor x = make((ml_dtype)dt, 3, shape, mode);
				int64_t isize[3] = {shape[0] - (dim != 0), shape[1], shape[2] - (dim != 2)};
				isize[dim] = 1 + (int64_t)(rnd() % 7);
				ml_tensor ix = make_index(3, isize, shape[dim], 1, (mode + 1) % 3), r;
				ml_tensor_init(&r, (ml_dtype)dt);
				int rc = ml_index_gather("t", &r, &x, dim, &ix, 1, &e);
				int ok = rc == ML_OK && ml_tensor_same_size(&r, &ix);
				int64_t idx[ML_MAX_DIMS] = {0}, src[ML_MAX_DIMS];
				for (int64_t k = 0; ok && k < ml_tensor_numel(&ix); k++) {
					memcpy(src, idx, sizeof idx);
					src[dim] = pos(ml_load_i64(ML_LONG, ml_tensor_ptr(&ix, idx)), shape[dim], 1);
					ok = at(&r, idx) == at(&x, src);
					next(idx, &ix);
				}
				CHECK(ok, "gather %s mode %d dim %d: %s", ml_dtype_name((ml_dtype)dt), mode, dim,
				      rc ? e.msg : "values");

				/* scatter r (and a larger source, of which the leading part is used) back */
				for (int fill = 0; fill < 2; fill++) {
					ml_tensor y = make((ml_dtype)dt, 3, shape, (mode + 2) % 3), ref;
					ml_tensor_clone_as(&ref, &y, (ml_dtype)dt, NULL);
					int64_t ssize[3] = {isize[0] + 1, isize[1], isize[2] + 2};
					ml_tensor s = make((ml_dtype)dt, 3, ssize, mode);
					rc = fill ? ml_index_scatter_fill("t", &y, dim, &ix, ml_scalar_f64(5), 1, &e)
					          : ml_index_scatter("t", &y, dim, &ix, &s, 1, &e);
					memset(idx, 0, sizeof idx);
					for (int64_t k = 0; k < ml_tensor_numel(&ix); k++) { /* serial: last wins */
						memcpy(src, idx, sizeof idx);
						src[dim] = pos(ml_load_i64(ML_LONG, ml_tensor_ptr(&ix, idx)), shape[dim], 1);
						ml_store_f64((ml_dtype)dt, ml_tensor_ptr(&ref, src), fill ? 5 : at(&s, idx));
						next(idx, &ix);
					}
					CHECK(rc == ML_OK && same_values(&y, &ref), "scatter%s %s mode %d dim %d: %s",
					      fill ? " fill" : "", ml_dtype_name((ml_dtype)dt), mode, dim, rc ? e.msg : "values");
					ml_tensor_release(&y);
					ml_tensor_release(&ref);
					ml_tensor_release(&s);
				}
				ml_tensor_release(&x);
				ml_tensor_release(&ix);
				ml_tensor_release(&r);
			}

	/* large gather (threads) along the last dim, into its own index's storage */
	ml_error e;
	int64_t sz[2] = {400, 501};
	ml_tensor x = make(ML_LONG, 2, sz, 0), ix = make_index(2, sz, 501, 1, 0), keep;
	ml_tensor_clone_as(&keep, &ix, ML_LONG, NULL);
	CHECK(ml_index_gather("t", &ix, &x, 1, &ix, 1, &e) == ML_OK, "%s", e.msg);
	int ok = ml_tensor_same_size(&ix, &keep);
	for (int64_t i = 0; i < 400 && ok; i++)
		for (int64_t j = 0; j < 501 && ok; j++) {
			int64_t a[2] = {i, j}, b[2] = {i, pos(ml_load_i64(ML_LONG, ml_tensor_ptr(&keep, a)), 501, 1)};
			ok = at(&ix, a) == at(&x, b);
		}
	CHECK(ok, "large gather into its index");

	/* errors */
	ml_tensor r;
	ml_tensor_init(&r, ML_LONG);
	int64_t *kp = ml_tensor_data(&keep);
	kp[7] = 502;
	CHECK(ml_index_gather("torch.gather", &r, &x, 1, &keep, 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "torch.gather: index 502 out of range for dimension 2 of size 501"), "%s", e.msg);
	ml_tensor before;
	ml_tensor_clone_as(&before, &x, ML_LONG, NULL);
	CHECK(ml_index_scatter("torch.scatter", &x, 1, &keep, &before, 1, &e) == ML_ERANGE &&
	      same_values(&x, &before) && strstr(e.msg, "index 502 out of range"), "%s", e.msg);
	CHECK(ml_index_scatter_fill("torch.scatter", &x, 1, &keep, ml_scalar_i64(0), 1, &e) == ML_ERANGE &&
	      same_values(&x, &before), "%s", e.msg);
	kp[7] = 1;
	int64_t big[2] = {401, 3};
	ml_tensor ib = make_index(2, big, 3, 1, 0);
	CHECK(ml_index_gather("torch.gather", &r, &x, 1, &ib, 1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "index of shape 401x3 does not fit a 400x501 tensor along dimension 2"), "%s", e.msg);
	int64_t small[2] = {400, 2};
	ml_tensor ss = make(ML_LONG, 2, small, 0);
	CHECK(ml_index_scatter("torch.scatter", &x, 1, &keep, &ss, 1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "source of shape 400x2 is smaller than the index (400x501)"), "%s", e.msg);
	int64_t one = 4;
	ml_tensor i1 = make_index(1, &one, 3, 1, 0);
	CHECK(ml_index_gather("torch.gather", &r, &x, 1, &i1, 1, &e) == ML_ESHAPE, "%s", e.msg);
	ml_tensor_release(&i1);
	ml_tensor_release(&ss);
	ml_tensor_release(&ib);
	ml_tensor_release(&before);
	ml_tensor_release(&r);
	ml_tensor_release(&x);
	ml_tensor_release(&ix);
	ml_tensor_release(&keep);
}

/* ---- masks ---- */

static void test_masks(void)
{
	const int64_t shape[2] = {5, 7};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int mode = 0; mode < 3; mode++)
			for (int mshape = 0; mshape < 3; mshape++) {
				ml_error e;
				ml_tensor x = make((ml_dtype)dt, 2, shape, mode), m;
				/* mask: same shape (strided), 35 elements as 7x5, or a broadcast row 1x7 */
				if (mshape == 0) {
					m = make(ML_BYTE, 2, shape, (mode + 1) % 3);
				} else if (mshape == 1) {
					int64_t ms[2] = {7, 5};
					m = make(ML_BYTE, 2, ms, mode);
				} else {
					int64_t ms[2] = {1, 7};
					m = make(ML_BYTE, 2, ms, 0);
				}
				int64_t midx[ML_MAX_DIMS] = {0};
				for (int64_t k = 0; k < ml_tensor_numel(&m); k++) {
					uint8_t *p = ml_tensor_ptr(&m, midx);
					*p = (uint8_t)(*p % 3 == 0 ? 0 : *p); /* any non-zero byte selects */
					next(midx, &m);
				}
				/* selected[k]: is element k of x (logical order) selected? */
				int sel[35], nsel = 0;
				memset(midx, 0, sizeof midx);
				for (int k = 0; k < 35; k++) {
					if (mshape == 2) {
						int64_t b[2] = {0, k % 7};
						sel[k] = at(&m, b) != 0;
					} else {
						sel[k] = at(&m, midx) != 0;
						next(midx, &m);
					}
					nsel += sel[k];
				}
				/* select */
				ml_tensor r;
				ml_tensor_init(&r, (ml_dtype)dt);
				int rc = ml_index_masked_select("t", &r, &x, &m, &e);
				int ok = rc == ML_OK && (nsel ? r.ndim == 1 && r.size[0] == nsel : r.ndim == 0);
				int64_t xi[ML_MAX_DIMS] = {0}, j = 0;
				for (int k = 0; k < 35 && ok; k++) {
					if (sel[k]) {
						ok = at(&r, &j) == at(&x, xi);
						j++;
					}
					next(xi, &x);
				}
				CHECK(ok, "maskedSelect %s mode %d mask %d: %s", ml_dtype_name((ml_dtype)dt), mode,
				      mshape, rc ? e.msg : "values");
				/* copy (a longer source of another dtype) and fill */
				int64_t ns = nsel + 3;
				ml_tensor src = make(ML_INT, 1, &ns, 2), y, z;
				ml_tensor_clone_as(&y, &x, (ml_dtype)dt, NULL);
				ml_tensor_clone_as(&z, &x, (ml_dtype)dt, NULL);
				rc = ml_index_masked_copy("t", &y, &m, &src, &e);
				ok = rc == ML_OK;
				memset(xi, 0, sizeof xi);
				j = 0;
				for (int k = 0; k < 35 && ok; k++) {
					ok = sel[k] ? at(&y, xi) == at(&src, &j) : at(&y, xi) == at(&x, xi);
					j += sel[k];
					next(xi, &x);
				}
				CHECK(ok, "maskedCopy %s mode %d mask %d: %s", ml_dtype_name((ml_dtype)dt), mode, mshape,
				      rc ? e.msg : "values");
				rc = ml_index_masked_fill("t", &z, &m, ml_scalar_f64(-1), &e);
				ok = rc == ML_OK;
				memset(xi, 0, sizeof xi);
				unsigned char buf[8];
				ml_store_f64((ml_dtype)dt, buf, -1);
				double minus1 = ml_load_f64((ml_dtype)dt, buf); /* -1 as the dtype holds it */
				for (int k = 0; k < 35 && ok; k++) {
					ok = at(&z, xi) == (sel[k] ? minus1 : at(&x, xi));
					next(xi, &x);
				}
				CHECK(ok, "maskedFill %s mode %d mask %d", ml_dtype_name((ml_dtype)dt), mode, mshape);
				ml_tensor_release(&x);
				ml_tensor_release(&m);
				ml_tensor_release(&r);
				ml_tensor_release(&src);
				ml_tensor_release(&y);
				ml_tensor_release(&z);
			}

	/* errors and edges */
	ml_error e;
	int64_t four = 4, three = 3;
	ml_tensor x = make(ML_DOUBLE, 1, &four, 0), m = make(ML_BYTE, 1, &three, 0), r;
	ml_tensor_init(&r, ML_DOUBLE);
	CHECK(ml_index_masked_select("torch.maskedSelect", &r, &x, &m, &e) == ML_ESHAPE &&
	      strstr(e.msg, "mask of shape 3 (3 elements) for a tensor of shape 4 (4 elements)"), "%s", e.msg);
	CHECK(ml_index_masked_fill("torch.maskedFill", &x, &x, ml_scalar_f64(0), &e) == ML_ETYPE &&
	      strstr(e.msg, "the mask must be a ByteTensor (got a DoubleTensor)"), "%s", e.msg);
	ml_tensor m4 = make(ML_BYTE, 1, &four, 0), one;
	memset(ml_tensor_data(&m4), 1, 4);
	ml_tensor_init_sized(&one, ML_DOUBLE, 1, &three, NULL);
	CHECK(ml_index_masked_copy("torch.maskedCopy", &x, &m4, &one, &e) == ML_ESHAPE &&
	      strstr(e.msg, "the mask selects 4 elements but the source has only 3"), "%s", e.msg);
	memset(ml_tensor_data(&m4), 0, 4);
	CHECK(ml_index_masked_select("t", &r, &x, &m4, &e) == ML_OK && r.ndim == 0, "nothing selected");
	/* a Byte x masked by itself */
	uint8_t *bp = ml_tensor_data(&m4);
	bp[0] = 0, bp[1] = 3, bp[2] = 0, bp[3] = 1;
	CHECK(ml_index_masked_fill("t", &m4, &m4, ml_scalar_i64(9), &e) == ML_OK && bp[0] == 0 && bp[1] == 9 &&
	      bp[2] == 0 && bp[3] == 9, "mask in x's storage");
	ml_tensor none;
	ml_tensor_init(&none, ML_DOUBLE);
	ml_tensor nm;
	ml_tensor_init(&nm, ML_BYTE);
	CHECK(ml_index_masked_select("t", &r, &none, &nm, &e) == ML_OK && r.ndim == 0, "empty x and mask");
	ml_tensor_release(&one);
	ml_tensor_release(&m4);
	ml_tensor_release(&x);
	ml_tensor_release(&m);
	ml_tensor_release(&r);
}

/* ---- nonzero ---- */

static void test_nonzero(void)
{
	const int64_t shapes[3][3] = {{12, 1, 1}, {3, 5, 1}, {2, 3, 4}};
	for (int dt = 0; dt < ML_NDTYPES; dt++)
		for (int s = 0; s < 3; s++)
			for (int mode = 0; mode < 3; mode++) {
				ml_error e;
				int nd = s + 1;
				ml_tensor x = make((ml_dtype)dt, nd, shapes[s], nd == 1 ? 0 : mode), r;
				int64_t idx[ML_MAX_DIMS] = {0}, n = ml_tensor_numel(&x), count = 0;
				for (int64_t k = 0; k < n; k++) {
					void *p = ml_tensor_ptr(&x, idx);
					if (rnd() % 2)
						ml_store_i64(x.dtype, p, 0);
					count += at(&x, idx) != 0;
					next(idx, &x);
				}
				ml_tensor_init(&r, ML_LONG);
				int rc = ml_index_nonzero("t", &r, &x, 1, &e);
				int ok = rc == ML_OK && (count ? r.ndim == 2 && r.size[0] == count && r.size[1] == nd : r.ndim == 0);
				memset(idx, 0, sizeof idx);
				int64_t row = 0;
				for (int64_t k = 0; k < n && ok; k++) {
					if (at(&x, idx) != 0) {
						for (int d = 0; d < nd && ok; d++) {
							int64_t ri[2] = {row, d};
							ok = ml_load_i64(ML_LONG, ml_tensor_ptr(&r, ri)) == idx[d] + 1;
						}
						row++;
					}
					next(idx, &x);
				}
				CHECK(ok, "nonzero %s shape %d mode %d", ml_dtype_name((ml_dtype)dt), s, mode);
				ml_tensor_release(&x);
				ml_tensor_release(&r);
			}
	/* NaN counts, -0 does not; 0-based coordinates; an all-zero tensor gives an empty result */
	ml_error e;
	int64_t four = 4;
	ml_tensor x, r;
	ml_tensor_init_sized(&x, ML_FLOAT, 1, &four, NULL);
	float *xp = ml_tensor_data(&x);
	xp[0] = -0.0f, xp[1] = 0.0f / 0.0f, xp[2] = 0, xp[3] = 2;
	ml_tensor_init(&r, ML_LONG);
	CHECK(ml_index_nonzero("t", &r, &x, 0, &e) == ML_OK && r.size[0] == 2 &&
	      ((int64_t *)ml_tensor_data(&r))[0] == 1 && ((int64_t *)ml_tensor_data(&r))[1] == 3, "NaN and -0");
	memset(xp, 0, sizeof(float) * 4);
	CHECK(ml_index_nonzero("t", &r, &x, 1, &e) == ML_OK && r.ndim == 0, "no non-zero");
	ml_tensor_release(&x);
	ml_tensor_release(&r);
}

int main(void)
{
	test_select();
	test_select_edges();
	test_writes();
	test_gather_scatter();
	test_masks();
	test_nonzero();
	return check_done();
}
