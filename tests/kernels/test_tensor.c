/*
 * test_tensor.c - storages, views, copy and fill against naive reference
 * loops, for every dtype, contiguous and strided, odd and empty sizes.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tensor.h"

/* Naive offset of a multi-index. */
static int64_t offset_of(const ml_tensor *t, const int64_t *idx)
{
	int64_t o = t->offset;
	for (int d = 0; d < t->ndim; d++)
		o += idx[d] * t->stride[d];
	return o;
}

/* Advances idx in row-major order; returns 0 after the last element. */
static int next_index(const ml_tensor *t, int64_t *idx)
{
	for (int d = t->ndim - 1; d >= 0; d--) {
		if (++idx[d] < t->size[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

static double get(const ml_tensor *t, const int64_t *idx)
{
	return ml_load_f64(t->dtype, ml_storage_at(t->storage, offset_of(t, idx)));
}

/* Fills t with f(k) for the k-th element in logical order, naively. */
static void fill_seq(ml_tensor *t, double scale)
{
	int64_t idx[ML_MAX_DIMS] = {0}, k = 0;
	if (ml_tensor_numel(t) == 0)
		return;
	do {
		ml_store_f64(t->dtype, ml_storage_at(t->storage, offset_of(t, idx)), (double)(k++ % 97) * scale);
	} while (next_index(t, idx));
}

static void test_dtypes(void)
{
	ml_dtype dt;
	CHECK(ml_dtype_parse("torch.FloatTensor", &dt) == 0 && dt == ML_FLOAT, "parse FloatTensor");
	CHECK(ml_dtype_parse("byte", &dt) == 0 && dt == ML_BYTE, "parse byte");
	CHECK(ml_dtype_parse("torch.LongStorage", &dt) == 0 && dt == ML_LONG, "parse LongStorage");
	CHECK(ml_dtype_parse("Half", &dt) != 0, "Half is not a dtype");
	CHECK(ml_dtype_info[ML_SHORT].size == 2 && ml_dtype_info[ML_DOUBLE].is_float, "traits");
	CHECK(strcmp(ml_dtype_name(ML_INT), "Int") == 0, "name");
}

static void test_store_saturates(void)
{
	unsigned char b[8];
	ml_store_f64(ML_BYTE, b, 300.7);
	CHECK(b[0] == 255, "byte saturates high");
	ml_store_f64(ML_BYTE, b, -4);
	CHECK(b[0] == 0, "byte saturates low");
	ml_store_f64(ML_INT, b, 0.0 / 0.0);
	CHECK(ml_load_i64(ML_INT, b) == 0, "NaN stores as 0");
	ml_store_f64(ML_CHAR, b, -3.9);
	CHECK(ml_load_i64(ML_CHAR, b) == -3, "truncation toward zero");
	ml_store_i64(ML_LONG, b, INT64_MAX);
	CHECK(ml_load_i64(ML_LONG, b) == INT64_MAX, "long exact");
}

static void test_views(void)
{
	ml_error e;
	ml_tensor t;
	int64_t size[3] = {3, 4, 5};
	CHECK(ml_tensor_init_sized(&t, ML_DOUBLE, 3, size, &e) == ML_OK, "alloc");
	fill_seq(&t, 1);
	CHECK(ml_tensor_is_contiguous(&t), "fresh tensor is contiguous");
	CHECK(t.stride[0] == 20 && t.stride[1] == 5 && t.stride[2] == 1, "contiguous strides");

	ml_tensor v = {0};
	ml_tensor_init(&v, ML_DOUBLE);
	ml_tensor_set(&v, &t);
	CHECK(t.storage->refcount == 2, "view holds a reference");
	CHECK(ml_tensor_transpose(&v, 0, 2, &e) == ML_OK, "transpose");
	int64_t i1[3] = {4, 2, 1}, i0[3] = {1, 2, 4};
	CHECK(get(&v, i1) == get(&t, i0), "transposed element");
	CHECK(!ml_tensor_is_contiguous(&v), "transposed is not contiguous");

	ml_tensor_set(&v, &t);
	CHECK(ml_tensor_narrow(&v, 1, 1, 2, &e) == ML_OK && v.size[1] == 2, "narrow");
	int64_t a[3] = {2, 1, 3}, b[3] = {2, 2, 3};
	CHECK(get(&v, a) == get(&t, b), "narrowed element");
	CHECK(ml_tensor_narrow(&v, 1, 1, 2, &e) == ML_ERANGE, "narrow out of range");
	CHECK(strstr(e.msg, "tensor.narrow") != NULL, "narrow error names the function: %s", e.msg);

	ml_tensor_set(&v, &t);
	CHECK(ml_tensor_select(&v, 0, 2, &e) == ML_OK && v.ndim == 2, "select");
	int64_t s2[2] = {3, 4}, s3[3] = {2, 3, 4};
	CHECK(get(&v, s2) == get(&t, s3), "selected element");
	CHECK(ml_tensor_select(&v, 5, 0, &e) == ML_ERANGE, "select bad dim");

	ml_tensor_set(&v, &t);
	int perm[3] = {2, 0, 1};
	CHECK(ml_tensor_permute(&v, perm, 3, &e) == ML_OK, "permute");
	CHECK(v.size[0] == 5 && v.size[1] == 3 && v.size[2] == 4, "permuted sizes");
	int64_t p1[3] = {4, 1, 2}, p0[3] = {1, 2, 4};
	CHECK(get(&v, p1) == get(&t, p0), "permuted element");
	int bad[3] = {0, 0, 1};
	CHECK(ml_tensor_permute(&v, bad, 3, &e) == ML_EINVAL, "not a permutation");

	/* view of a contiguous tensor, and of a transposed one (needs a copy) */
	ml_tensor_set(&v, &t);
	int64_t vs[2] = {-1, 10};
	CHECK(ml_tensor_view(&v, 2, vs, &e) == ML_OK && v.size[0] == 6, "view with -1");
	ml_tensor_set(&v, &t);
	ml_tensor_transpose(&v, 0, 1, NULL);
	int64_t vflat[1] = {60};
	CHECK(ml_tensor_view(&v, 1, vflat, &e) == ML_ESHAPE, "view of a transposed tensor refused");
	CHECK(strstr(e.msg, "contiguous") != NULL, "view error suggests contiguous: %s", e.msg);
	/* merging dims that are contiguous among themselves is allowed */
	ml_tensor_set(&v, &t);
	ml_tensor_narrow(&v, 0, 0, 2, NULL);
	int64_t v40[2] = {2, 20};
	CHECK(ml_tensor_view(&v, 2, v40, &e) == ML_OK, "view of a narrowed tensor");

	/* unfold: windows of 3 with step 2 along dim 2 (size 5) -> 2 windows */
	ml_tensor_set(&v, &t);
	CHECK(ml_tensor_unfold(&v, 2, 3, 2, &e) == ML_OK && v.ndim == 4 && v.size[2] == 2 && v.size[3] == 3,
	      "unfold sizes");
	int64_t u[4] = {1, 1, 1, 2}, u0[3] = {1, 1, 4};
	CHECK(get(&v, u) == get(&t, u0), "unfold element");

	/* squeeze/unsqueeze */
	ml_tensor_set(&v, &t);
	CHECK(ml_tensor_unsqueeze(&v, 1, &e) == ML_OK && v.ndim == 4 && v.size[1] == 1, "unsqueeze");
	CHECK(ml_tensor_squeeze(&v, -1, &e) == ML_OK && v.ndim == 3, "squeeze all");

	/* expand */
	int64_t one[2] = {1, 4};
	ml_tensor r;
	CHECK(ml_tensor_init_sized(&r, ML_INT, 2, one, &e) == ML_OK, "row alloc");
	int64_t big[3] = {2, 3, 4};
	CHECK(ml_tensor_expand(&r, 3, big, &e) == ML_OK && r.stride[0] == 0 && r.stride[1] == 0, "expand");
	int64_t bad3[3] = {2, 3, 5};
	CHECK(ml_tensor_expand(&r, 3, bad3, &e) == ML_ESHAPE, "expand mismatch");
	CHECK(strstr(e.msg, "2x3x4") && strstr(e.msg, "2x3x5"), "expand error names shapes: %s", e.msg);

	ml_tensor_release(&r);
	ml_tensor_release(&v);
	ml_tensor_release(&v); /* idempotent */
	CHECK(t.storage->refcount == 1, "views released");
	ml_tensor_release(&t);
}

static void test_broadcast(void)
{
	ml_error e;
	ml_tensor a, b, c;
	int64_t sa[2] = {3, 1}, sb[1] = {4}, sc[2] = {2, 4};
	ml_tensor_init_sized(&a, ML_FLOAT, 2, sa, &e);
	ml_tensor_init_sized(&b, ML_FLOAT, 1, sb, &e);
	ml_tensor_init_sized(&c, ML_FLOAT, 2, sc, &e);
	const ml_tensor *ts[2] = {&a, &b};
	int nd;
	int64_t out[ML_MAX_DIMS];
	CHECK(ml_broadcast_shape("t", 2, ts, &nd, out, &e) == ML_OK && nd == 2 && out[0] == 3 && out[1] == 4,
	      "3x1 with 4");
	const ml_tensor *tc[2] = {&a, &c};
	CHECK(ml_broadcast_shape("torch.add", 2, tc, &nd, out, &e) == ML_ESHAPE, "3x1 with 2x4 fails");
	CHECK(strstr(e.msg, "torch.add") && strstr(e.msg, "3x1") && strstr(e.msg, "2x4"), "message: %s", e.msg);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&c);
}

/* copy between every pair of dtypes, from a strided source into a strided destination */
static void test_copy_all_dtypes(void)
{
	ml_error e;
	for (int sd = 0; sd < ML_NDTYPES; sd++) {
		for (int dd = 0; dd < ML_NDTYPES; dd++) {
			ml_tensor src, dst;
			int64_t s1[2] = {7, 5}, s2[2] = {5, 9};
			ml_tensor_init_sized(&src, (ml_dtype)sd, 2, s1, &e);
			ml_tensor_init_sized(&dst, (ml_dtype)dd, 2, s2, &e);
			fill_seq(&src, 1);
			ml_tensor sv = src, dv = dst; /* borrowed views */
			ml_tensor_transpose(&sv, 0, 1, NULL);  /* 5x7 strided */
			ml_tensor_narrow(&dv, 1, 1, 7, NULL);  /* 5x7 strided */
			int rc = ml_tensor_copy(&dv, &sv, &e);
			int ok = rc == ML_OK;
			int64_t idx[2] = {0, 0};
			do {
				ok = ok && get(&dv, idx) == get(&sv, idx);
			} while (next_index(&dv, idx));
			int64_t c0[2] = {0, 0};
			ok = ok && get(&dst, c0) == 0; /* outside the narrowed window untouched */
			CHECK(ok, "copy %s -> %s", ml_dtype_name((ml_dtype)sd), ml_dtype_name((ml_dtype)dd));
			ml_tensor_release(&src);
			ml_tensor_release(&dst);
		}
	}
}

static void test_copy_shapes(void)
{
	ml_error e;
	ml_tensor a, b;
	int64_t sa[2] = {2, 6}, sb[2] = {3, 4}, sc[1] = {5};
	ml_tensor_init_sized(&a, ML_DOUBLE, 2, sa, &e);
	ml_tensor_init_sized(&b, ML_DOUBLE, 2, sb, &e);
	fill_seq(&a, 0.5);
	CHECK(ml_tensor_copy(&b, &a, &e) == ML_OK, "same numel, other shape (Torch7)");
	double *pa = ml_tensor_data(&a), *pb = ml_tensor_data(&b);
	int same = 1;
	for (int i = 0; i < 12; i++)
		same = same && pa[i] == pb[i];
	CHECK(same, "flat order kept");
	ml_tensor c;
	ml_tensor_init_sized(&c, ML_DOUBLE, 1, sc, &e);
	CHECK(ml_tensor_copy(&b, &c, &e) == ML_ESHAPE, "copy 5 into 3x4 fails");
	CHECK(strstr(e.msg, "tensor.copy") != NULL, "copy message: %s", e.msg);
	/* broadcast copy: a 4-vector into each row of 3x4 */
	ml_tensor row;
	int64_t s4[1] = {4};
	ml_tensor_init_sized(&row, ML_DOUBLE, 1, s4, &e);
	fill_seq(&row, 1);
	CHECK(ml_tensor_copy(&b, &row, &e) == ML_OK, "broadcast copy");
	CHECK(pb[9] == 1 && pb[11] == 3, "broadcast values");
	/* overlapping copy within one storage: shift right by one */
	ml_tensor x = a, y = a;
	int64_t flat[1] = {12};
	ml_tensor_view(&x, 1, flat, NULL);
	ml_tensor_view(&y, 1, flat, NULL);
	ml_tensor_narrow(&x, 0, 1, 11, NULL);
	ml_tensor_narrow(&y, 0, 0, 11, NULL);
	double before[12];
	memcpy(before, pa, sizeof before);
	CHECK(ml_tensor_copy(&x, &y, &e) == ML_OK, "overlapping copy");
	same = pa[0] == before[0];
	for (int i = 1; i < 12; i++)
		same = same && pa[i] == before[i - 1];
	CHECK(same, "overlapping copy behaves like a copy through a temporary");
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	ml_tensor_release(&c);
	ml_tensor_release(&row);
}

static void test_fill_resize(void)
{
	ml_error e;
	for (int d = 0; d < ML_NDTYPES; d++) {
		ml_tensor t;
		int64_t s[2] = {9, 13};
		ml_tensor_init_sized(&t, (ml_dtype)d, 2, s, &e);
		ml_tensor v = t;
		ml_tensor_transpose(&v, 0, 1, NULL);
		ml_tensor_narrow(&v, 0, 2, 5, NULL);
		ml_tensor_fill(&v, 7);
		int64_t idx[2] = {0, 0};
		int ok = 1, count = 0;
		do {
			double x = get(&t, idx);
			int inside = idx[1] >= 2 && idx[1] < 7;
			ok = ok && x == (inside ? 7 : 0);
			count += x == 7;
		} while (next_index(&t, idx));
		CHECK(ok && count == 45, "strided fill %s", ml_dtype_name((ml_dtype)d));
		ml_tensor_release(&t);
	}
	/* big fill goes through threads */
	ml_tensor big;
	int64_t n[1] = {1000003};
	ml_tensor_init_sized(&big, ML_FLOAT, 1, n, &e);
	ml_tensor_fill(&big, 2.5);
	float *p = ml_tensor_data(&big);
	int ok = 1;
	for (int64_t i = 0; i < n[0]; i++)
		ok = ok && p[i] == 2.5f;
	CHECK(ok, "large fill");
	/* resize keeps the storage when it is large enough */
	ml_storage *before = big.storage;
	int64_t small[2] = {10, 10};
	CHECK(ml_tensor_resize(&big, 2, small, &e) == ML_OK && big.storage == before, "resize smaller keeps storage");
	int64_t neg[1] = {-1};
	CHECK(ml_tensor_resize(&big, 1, neg, &e) == ML_EINVAL, "negative size");
	int64_t huge[2] = {INT64_MAX / 2, 4};
	CHECK(ml_tensor_resize(&big, 2, huge, &e) == ML_ENOMEM, "overflowing size fails cleanly");
	int64_t toolarge[1] = {(int64_t)1 << 50};
	CHECK(ml_tensor_resize(&big, 1, toolarge, &e) == ML_ENOMEM && strstr(e.msg, "cannot allocate"),
	      "impossible allocation reported: %s", e.msg);
	ml_tensor_release(&big);
	/* empty tensors */
	ml_tensor z;
	int64_t zs[2] = {0, 3};
	CHECK(ml_tensor_init_sized(&z, ML_DOUBLE, 2, zs, &e) == ML_OK && ml_tensor_numel(&z) == 0, "0x3");
	ml_tensor_fill(&z, 1);
	ml_tensor z2;
	ml_tensor_init_sized(&z2, ML_INT, 2, zs, &e);
	CHECK(ml_tensor_copy(&z2, &z, &e) == ML_OK, "empty copy");
	ml_tensor_release(&z);
	ml_tensor_release(&z2);
}

static void test_set_storage(void)
{
	ml_error e;
	ml_storage *s = ml_storage_new(ML_SHORT, 10, &e);
	ml_tensor t;
	ml_tensor_init(&t, ML_SHORT);
	int64_t size[2] = {2, 3}, stride[2] = {4, 1};
	CHECK(ml_tensor_set_storage(&t, s, 1, 2, size, stride, &e) == ML_OK, "set storage");
	CHECK(s->refcount == 2, "tensor holds storage");
	int64_t too[2] = {3, 3};
	CHECK(ml_tensor_set_storage(&t, s, 1, 2, too, stride, &e) == ML_ERANGE, "outside storage refused");
	ml_storage_release(s);
	ml_tensor_release(&t);
	char buf[ML_SHAPELEN];
	int64_t shp[3] = {2, 3, 4};
	CHECK(strcmp(ml_shape_str(buf, sizeof buf, 3, shp), "2x3x4") == 0, "shape string");
	CHECK(strcmp(ml_shape_str(buf, sizeof buf, 0, shp), "empty") == 0, "empty shape string");
}

int main(void)
{
	test_dtypes();
	test_store_saturates();
	test_views();
	test_broadcast();
	test_copy_all_dtypes();
	test_copy_shapes();
	test_fill_resize();
	test_set_storage();
	return check_done();
}
