/*
 * test_npy.c - kernels/npy.c: header parsing against hand-written headers
 * (every field, every error), the exact bytes numpy's np.save writes, round
 * trips of every dtype through disk with contiguous and strided tensors
 * (element by element through naive index loops), byte-swapped and Fortran
 * data built by hand, .npz archives (stored and deflate, members read back
 * raw and checked against the standalone .npy bytes), and fuzzing: every
 * truncation and thousands of random byte changes must fail cleanly or load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "npy.h"

static char dir[64];

static const char *path_of(const char *name)
{
	static char buf[160];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

static void spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	*n = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *p = malloc(len > 0 ? (size_t)len : 1);
	if (p)
		*n = fread(p, 1, (size_t)len, f);
	fclose(f);
	return p;
}

/* An .npy image with header text h padded like numpy's (version 1 or 2). */
static size_t make_npy(unsigned char *out, const char *h, int version, const void *data, size_t n)
{
	size_t pre = version == 1 ? 10 : 12, len = strlen(h);
	size_t pad = 64 - (pre + len + 1) % 64, hl = len + pad + 1;
	memcpy(out, "\x93NUMPY", 6);
	out[6] = (unsigned char)version;
	out[7] = 0;
	for (size_t i = 0; i < pre - 8; i++)
		out[8 + i] = (unsigned char)(hl >> (8 * i));
	memcpy(out + pre, h, len);
	memset(out + pre + len, ' ', pad);
	out[pre + hl - 1] = '\n';
	if (n)
		memcpy(out + pre + hl, data, n);
	return pre + hl + n;
}

static int has(const ml_error *e, const char *s)
{
	return strstr(e->msg, s) != NULL;
}

static void test_header(void)
{
	unsigned char buf[512];
	ml_npy_info info;
	ml_error e;
	size_t n = make_npy(buf, "{'descr': '>i4', 'fortran_order': True, 'shape': (3, 0, 7), }", 1, NULL, 0);
	CHECK(ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e) == ML_OK, "%s", e.msg);
	CHECK(strcmp(info.descr, ">i4") == 0 && info.dtype == ML_INT && info.swap == 1, "descr %s", info.descr);
	CHECK(info.fortran == 1 && info.version == 1 && info.ndim == 3, "fields");
	CHECK(info.size[0] == 3 && info.size[1] == 0 && info.size[2] == 7 && info.numel == 0, "shape");
	CHECK(info.header_bytes == n && n % 64 == 0, "header bytes %llu", (unsigned long long)info.header_bytes);

	n = make_npy(buf, "{\"shape\": (), \"descr\": \"|b1\", \"fortran_order\": False}", 2, NULL, 0);
	buf[6] = 3;
	CHECK(ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e) == ML_OK, "%s", e.msg);
	CHECK(info.dtype == ML_BYTE && info.ndim == 0 && info.numel == 1 && info.version == 3, "scalar bool");

	static const struct {
		const char *descr;
		ml_dtype dt;
	} types[] = {{"|u1", ML_BYTE}, {"|i1", ML_CHAR}, {"<i2", ML_SHORT}, {"<i4", ML_INT},
	             {"<i8", ML_LONG}, {"<f4", ML_FLOAT}, {"<f8", ML_DOUBLE}, {"=f8", ML_DOUBLE},
	             {"f4", ML_FLOAT}, {"|b1", ML_BYTE}};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		char h[128];
		snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (2L,), }", types[i].descr);
		n = make_npy(buf, h, 1, NULL, 0);
		CHECK(ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e) == ML_OK, "%s", e.msg);
		CHECK(info.dtype == types[i].dt && info.swap == 0 && info.size[0] == 2, "%s", types[i].descr);
	}

	static const struct {
		const char *h;
		const char *msg;
	} bad[] = {
		{"{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", "t: unsupported dtype '<c8' (complex64)"},
		{"{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", "'<u8' (uint64)"},
		{"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "'|O' (object"},
		{"{'descr': '<V8', 'fortran_order': False, 'shape': (2,), }", "(raw bytes (void))"},
		{"{'descr': '<f8x', 'fortran_order': False, 'shape': (2,), }", "unsupported dtype '<f8x'"},
		{"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", "structured arrays"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }", "negative dimension -1"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }", "overflows 64 bits"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", "a dimension overflows"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2,, 3), }", "malformed .npy header near byte"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': [2], }", "malformed"},
		{"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", "malformed"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2,) }x", "malformed"},
		{"{'descr': '<f8, 'fortran_order': False, 'shape': (2,), }", "malformed"},
		{"{'descr': '<f8', 'shape': (2,), }", "missing 'fortran_order'"},
		{"{'fortran_order': False, 'shape': (2,), }", "missing 'descr'"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", "unknown key 'x'"},
		{"", "malformed"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		n = make_npy(buf, bad[i].h, 1, NULL, 0);
		int rc = ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e);
		CHECK(rc != ML_OK && has(&e, bad[i].msg) && has(&e, "(x.npy)"), "case %zu: %s", i, e.msg);
	}
	n = make_npy(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 1, NULL, 0);
	char want[64];
	snprintf(want, sizeof want, "truncated .npy header (%zu of %zu bytes)", n - 1, n);
	CHECK(ml_npy_parse_header(buf, n - 1, &info, "t", "x.npy", &e) != ML_OK && has(&e, want), "%s", e.msg);
	CHECK(ml_npy_parse_header(buf, 5, &info, "t", "x.npy", &e) != ML_OK && has(&e, "no \\x93NUMPY magic"),
	      "%s", e.msg);
	buf[6] = 4;
	CHECK(ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e) != ML_OK && has(&e, "version 4.0"), "%s", e.msg);
	buf[6] = 1;
	buf[7] = 1;
	CHECK(ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e) != ML_OK && has(&e, "version 1.1"), "%s", e.msg);
	/* 17 dimensions */
	n = make_npy(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1), }",
	             1, NULL, 0);
	CHECK(ml_npy_parse_header(buf, n, &info, "t", "x.npy", &e) != ML_OK && has(&e, "more than 16"), "%s", e.msg);
}

/* The bytes np.save writes for a (2, 3) float64 array (numpy 1.24), checked in
 * tests/lua/test_npy.lua against numpy itself when it is installed. */
static void test_exact_bytes(void)
{
	ml_tensor t;
	ml_error e;
	int64_t size[2] = {2, 3};
	CHECK(ml_tensor_init_sized(&t, ML_DOUBLE, 2, size, &e) == ML_OK, "init");
	double *d = ml_tensor_data(&t);
	for (int i = 0; i < 6; i++)
		d[i] = i + 0.5;
	CHECK(ml_npy_save(path_of("exact.npy"), &t, "t", &e) == ML_OK, "%s", e.msg);
	size_t n;
	unsigned char *b = slurp(path_of("exact.npy"), &n);
	const char *h = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
	CHECK(b && n == 128 + 48, "length %zu", n);
	if (b && n == 176) {
		CHECK(memcmp(b, "\x93NUMPY\x01\x00\x76\x00", 10) == 0, "prefix");
		CHECK(memcmp(b + 10, h, strlen(h)) == 0, "header text");
		int spaces = 1;
		for (size_t i = 10 + strlen(h); i < 127; i++)
			spaces &= b[i] == ' ';
		CHECK(spaces && b[127] == '\n', "padding");
		CHECK(memcmp(b + 128, d, 48) == 0, "data");
	}
	free(b);
	/* 1-D and empty shapes */
	ml_tensor_release(&t);
	size[0] = 5;
	CHECK(ml_tensor_init_sized(&t, ML_BYTE, 1, size, &e) == ML_OK, "init");
	CHECK(ml_npy_save(path_of("v.npy"), &t, "t", &e) == ML_OK, "%s", e.msg);
	b = slurp(path_of("v.npy"), &n);
	h = "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }";
	CHECK(b && n == 128 + 5 && memcmp(b + 10, h, strlen(h)) == 0,
	      "1-D header");
	free(b);
	ml_tensor_release(&t);
	ml_tensor_init(&t, ML_SHORT);
	CHECK(ml_npy_save(path_of("e.npy"), &t, "t", &e) == ML_OK, "%s", e.msg);
	b = slurp(path_of("e.npy"), &n);
	h = "{'descr': '<i2', 'fortran_order': False, 'shape': (0,), }";
	CHECK(b && n == 128 && memcmp(b + 10, h, strlen(h)) == 0,
	      "empty header");
	free(b);
}

/* Loads path, or returns the error code with e filled. */
static int load(const char *path, ml_tensor *t, ml_dtype dt, ml_error *e)
{
	ml_npy_reader *r;
	ml_npy_info info;
	ml_tensor_init(t, dt);
	int rc = ml_npy_open(&r, path, "t", &info, e);
	if (rc)
		return rc;
	ml_tensor_init(t, info.dtype);
	rc = ml_npy_read(r, &info, t, e);
	ml_npy_close(r);
	return rc;
}

/* Element-wise equality through index loops (any strides, same shape). */
static int same_elements(const ml_tensor *a, const ml_tensor *b)
{
	if (a->dtype != b->dtype || a->ndim != b->ndim)
		return 0;
	for (int d = 0; d < a->ndim; d++)
		if (a->size[d] != b->size[d])
			return 0;
	int64_t n = ml_tensor_numel(a), idx[ML_MAX_DIMS] = {0};
	for (int64_t k = 0; k < n; k++) {
		if (ml_load_i64(a->dtype, ml_tensor_ptr(a, idx)) != ml_load_i64(b->dtype, ml_tensor_ptr(b, idx)) ||
		    ml_load_f64(a->dtype, ml_tensor_ptr(a, idx)) != ml_load_f64(b->dtype, ml_tensor_ptr(b, idx)))
			return 0;
		for (int d = a->ndim - 1; d >= 0; d--) {
			if (++idx[d] < a->size[d])
				break;
			idx[d] = 0;
		}
	}
	return 1;
}

static void fill(ml_tensor *t)
{
	int64_t n = ml_tensor_numel(t);
	for (int64_t i = 0; i < n; i++)
		ml_store_f64(t->dtype, (char *)ml_tensor_data(t) + i * (int64_t)ml_dtype_info[t->dtype].size,
		             (double)((i * 7919) % 251) - 100 + (ml_dtype_info[t->dtype].is_float ? 0.25 : 0));
}

static void test_round_trips(void)
{
	ml_error e;
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		ml_tensor base, views[5], back;
		int64_t size[3] = {5, 3, 7};
		CHECK(ml_tensor_init_sized(&base, (ml_dtype)dt, 3, size, &e) == ML_OK, "init");
		fill(&base);
		for (int v = 0; v < 5; v++) {
			ml_tensor_init(&views[v], (ml_dtype)dt);
			ml_tensor_set(&views[v], &base);
		}
		ml_tensor_transpose(&views[1], 0, 2, &e);
		ml_tensor_narrow(&views[2], 1, 1, 2, &e);
		ml_tensor_select(&views[3], 2, 4, &e);
		ml_tensor_narrow(&views[4], 2, 3, 0, &e); /* 5x3x0 */
		for (int v = 0; v < 5; v++) {
			CHECK(ml_npy_save(path_of("rt.npy"), &views[v], "t", &e) == ML_OK, "%s", e.msg);
			CHECK(load(path_of("rt.npy"), &back, (ml_dtype)dt, &e) == ML_OK, "%s", e.msg);
			CHECK(same_elements(&back, &views[v]), "%s view %d", ml_dtype_info[dt].name, v);
			CHECK(ml_tensor_numel(&back) == 0 || ml_tensor_is_contiguous(&back), "contiguous");
			ml_tensor_release(&back);
			ml_tensor_release(&views[v]);
		}
		ml_tensor_release(&base);
	}
}

/* Fortran order and the other byte order, built by hand: a (2, 3) int32
 * array with a[i][j] = 10*i + j + 1000000, stored column-major, big-endian. */
static void test_fortran_big_endian(void)
{
	unsigned char data[24], buf[256];
	int k = 0;
	for (int j = 0; j < 3; j++)
		for (int i = 0; i < 2; i++, k++) {
			uint32_t v = (uint32_t)(10 * i + j + 1000000);
			for (int b = 0; b < 4; b++)
				data[k * 4 + b] = (unsigned char)(v >> (8 * (3 - b)));
		}
	size_t n = make_npy(buf, "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }", 1, data, 24);
	spit(path_of("f.npy"), buf, n);
	ml_tensor t;
	ml_error e;
	CHECK(load(path_of("f.npy"), &t, ML_INT, &e) == ML_OK, "%s", e.msg);
	CHECK(t.dtype == ML_INT && t.ndim == 2 && t.size[0] == 2 && t.size[1] == 3, "shape");
	CHECK(t.stride[0] == 1 && t.stride[1] == 2, "column-major strides");
	for (int64_t i = 0; i < 2; i++)
		for (int64_t j = 0; j < 3; j++) {
			int64_t idx[2] = {i, j};
			CHECK(ml_load_i64(ML_INT, ml_tensor_ptr(&t, idx)) == 10 * i + j + 1000000, "a[%d][%d]", (int)i, (int)j);
		}
	ml_tensor_release(&t);
	/* the data must fit: one element short */
	spit(path_of("f.npy"), buf, n - 1);
	CHECK(load(path_of("f.npy"), &t, ML_INT, &e) != ML_OK && has(&e, "needs 24 bytes of data, 23 remain"),
	      "%s", e.msg);
	ml_tensor_release(&t);
}

static void test_npz(void)
{
	ml_error e;
	ml_tensor a, b;
	int64_t sa[2] = {40, 30}, sb[1] = {11};
	CHECK(ml_tensor_init_sized(&a, ML_DOUBLE, 2, sa, &e) == ML_OK, "init");
	CHECK(ml_tensor_init_sized(&b, ML_CHAR, 1, sb, &e) == ML_OK, "init");
	fill(&a);
	fill(&b);
	CHECK(ml_npy_save(path_of("a.npy"), &a, "t", &e) == ML_OK, "%s", e.msg);
	size_t alen;
	unsigned char *abytes = slurp(path_of("a.npy"), &alen);
	for (int level = 0; level <= 9; level += 9) {
		ml_npz_writer *w;
		CHECK(ml_npz_writer_open(&w, path_of("z.npz"), level, "t", &e) == ML_OK, "%s", e.msg);
		CHECK(ml_npz_writer_add(w, "a.npy", &a, &e) == ML_OK, "%s", e.msg);
		CHECK(ml_npz_writer_add(w, "b\xc3\xa9.npy", &b, &e) == ML_OK, "%s", e.msg);
		CHECK(ml_npz_writer_add(w, "", &b, &e) != ML_OK && has(&e, "member name of 0 bytes"), "%s", e.msg);
		CHECK(ml_npz_writer_commit(w, &e) == ML_OK, "%s", e.msg);
		ml_npz *z;
		CHECK(ml_npz_open(&z, path_of("z.npz"), "t", &e) == ML_OK, "%s", e.msg);
		if (!z)
			continue;
		CHECK(ml_npz_count(z) == 2, "count");
		CHECK(strcmp(ml_npz_name(z, 0), "a.npy") == 0 && strcmp(ml_npz_name(z, 1), "b\xc3\xa9.npy") == 0, "names");
		CHECK(ml_npz_size(z, 0) == alen, "size %llu", (unsigned long long)ml_npz_size(z, 0));
		unsigned char *raw = malloc(alen);
		CHECK(raw && ml_npz_read_raw(z, 0, raw, &e) == ML_OK && memcmp(raw, abytes, alen) == 0,
		      "member a.npy holds the .npy bytes (level %d)", level);
		free(raw);
		for (int64_t i = 0; i < 2; i++) {
			ml_npy_reader *r;
			ml_npy_info info;
			ml_tensor t;
			CHECK(ml_npz_member(z, i, &r, &info, &e) == ML_OK, "%s", e.msg);
			ml_tensor_init(&t, info.dtype);
			CHECK(ml_npy_read(r, &info, &t, &e) == ML_OK, "%s", e.msg);
			CHECK(same_elements(&t, i ? &b : &a), "member %d level %d", (int)i, level);
			ml_npy_close(r);
			ml_tensor_release(&t);
		}
		ml_npz_close(z);
	}
	size_t zlen;
	unsigned char *zb = slurp(path_of("z.npz"), &zlen);
	CHECK(zb && zlen < alen / 2, "deflate compresses (%zu of %zu)", zlen, alen);
	/* a member declaring far more than deflate can produce */
	unsigned char *bomb = zb ? malloc(zlen) : NULL;
	if (bomb) {
		memcpy(bomb, zb, zlen);
		unsigned char *c = bomb + zlen - 22;
		uint32_t cd = (uint32_t)c[16] | (uint32_t)c[17] << 8 | (uint32_t)c[18] << 16 | (uint32_t)c[19] << 24;
		unsigned char *ent = bomb + cd;
		ent[24] = ent[25] = ent[26] = 0;
		ent[27] = 0x7f; /* 2 GiB uncompressed */
		spit(path_of("bomb.npz"), bomb, zlen);
		free(bomb);
		ml_npz *z;
		CHECK(ml_npz_open(&z, path_of("bomb.npz"), "t", &e) != ML_OK && has(&e, "impossible sizes"), "%s", e.msg);
	}
	/* discarding leaves nothing behind and the target untouched */
	ml_npz_writer *w;
	CHECK(ml_npz_writer_open(&w, path_of("z.npz"), 0, "t", &e) == ML_OK, "%s", e.msg);
	CHECK(ml_npz_writer_add(w, "x.npy", &a, &e) == ML_OK, "%s", e.msg);
	ml_npz_writer_discard(w);
	size_t again;
	unsigned char *zb2 = slurp(path_of("z.npz"), &again);
	CHECK(zb2 && again == zlen && memcmp(zb, zb2, zlen) == 0, "untouched");
	CHECK(ml_npz_writer_open(&w, path_of("z.npz"), 10, "t", &e) != ML_OK && has(&e, "level 10"), "%s", e.msg);
	free(zb);
	free(zb2);
	free(abytes);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
}

/* Loads any .npy or .npz; returns 1 when it loaded, 0 on a clean error. */
static int try_load(const char *path, int npz)
{
	ml_error e;
	e.msg[0] = 0;
	int ok;
	if (!npz) {
		ml_tensor t;
		ok = load(path, &t, ML_DOUBLE, &e) == ML_OK;
		ml_tensor_release(&t);
	} else {
		ml_npz *z;
		ok = ml_npz_open(&z, path, "t", &e) == ML_OK;
		for (int64_t i = 0; ok && i < ml_npz_count(z); i++) {
			ml_npy_reader *r;
			ml_npy_info info;
			ml_tensor t;
			ok = ml_npz_member(z, i, &r, &info, &e) == ML_OK;
			if (!ok)
				break;
			ml_tensor_init(&t, info.dtype);
			ok = ml_npy_read(r, &info, &t, &e) == ML_OK;
			ml_tensor_release(&t);
			ml_npy_close(r);
		}
		ml_npz_close(z);
	}
	if (!ok && (strncmp(e.msg, "t: ", 3) != 0 || !strstr(e.msg, path)))
		CHECK(0, "unclean error for %s: %s", path, e.msg);
	return ok;
}

static void test_fuzz(void)
{
	ml_error e;
	ml_tensor a;
	int64_t size[3] = {3, 4, 5};
	CHECK(ml_tensor_init_sized(&a, ML_FLOAT, 3, size, &e) == ML_OK, "init");
	fill(&a);
	ml_npy_save(path_of("src.npy"), &a, "t", &e);
	ml_npz_writer *w;
	ml_npz_writer_open(&w, path_of("src.npz"), 6, "t", &e);
	ml_npz_writer_add(w, "a.npy", &a, &e);
	ml_npz_writer_add(w, "b.npy", &a, &e);
	ml_npz_writer_commit(w, &e);
	ml_npz_writer_open(&w, path_of("srcs.npz"), 0, "t", &e);
	ml_npz_writer_add(w, "a.npy", &a, &e);
	ml_npz_writer_commit(w, &e);
	ml_tensor_release(&a);
	const char *srcs[3] = {"src.npy", "src.npz", "srcs.npz"};
	uint32_t seed = 7;
	for (int s = 0; s < 3; s++) {
		size_t n;
		unsigned char *orig = slurp(path_of(srcs[s]), &n);
		if (!orig)
			continue;
		unsigned char *m = malloc(n);
		int npz = s > 0, truncated_loads = 0, flips = 0;
		for (size_t len = 0; len < n; len++) {
			spit(path_of("fz"), orig, len);
			truncated_loads += try_load(path_of("fz"), npz);
		}
		CHECK(truncated_loads == 0, "%s: %d truncations loaded", srcs[s], truncated_loads);
		for (int k = 0; k < 1500; k++) {
			memcpy(m, orig, n);
			int changes = 1 + (int)(seed % 3);
			for (int c = 0; c < changes; c++) {
				seed = seed * 1103515245u + 12345u;
				size_t at = (seed >> 8) % n;
				seed = seed * 1103515245u + 12345u;
				m[at] ^= (unsigned char)(1 + (seed >> 16) % 255);
			}
			spit(path_of("fz"), m, n);
			flips += try_load(path_of("fz"), npz);
		}
		/* stored members: any change to the data is a CRC error, so most loads fail */
		CHECK(flips < 1500, "%s: %d of 1500 mutations loaded", srcs[s], flips);
		free(m);
		free(orig);
	}
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_npy.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_header();
	test_exact_bytes();
	test_round_trips();
	test_fortran_big_endian();
	test_npz();
	test_fuzz();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
