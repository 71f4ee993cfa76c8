/*
 * test_file.c - kernels/file.c: binary encodings (byte orders, 4-byte Longs)
 * against bytes built by shifting, ascii encodings against literal text,
 * round trips of every dtype, room checks for absurd counts, truncated input,
 * positions, lines, memory and disk files, atomic replacement.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file.h"

/* The bytes of a memory file opened for writing, as a counted view. */
static int bytes_are(const ml_file *f, const void *want, size_t n)
{
	return f->len == n && (n == 0 || memcmp(f->buf, want, n) == 0);
}

/* Little- or big-endian bytes of v, built by shifting (independent of memcpy). */
static void encode(unsigned char *out, uint64_t v, size_t n, int big)
{
	for (size_t i = 0; i < n; i++)
		out[big ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void test_binary_orders(void)
{
	ml_error e;
	for (int big = 0; big <= 1; big++) {
		ml_file f;
		CHECK(ml_file_open_memory(&f, NULL, 0, "rw", &e) == ML_OK, "open");
		f.binary = 1;
		f.endian = big ? ML_FILE_BIG : ML_FILE_LITTLE;
		int16_t s = -2;
		int32_t i = 0x01020304;
		int64_t l = -3;
		double d = 1.0; /* 0x3ff0000000000000 */
		float fl = -1.25f; /* 0xbfa00000 */
		CHECK(ml_file_write(&f, ML_SHORT, &s, 1, &e) == ML_OK, "short");
		CHECK(ml_file_write(&f, ML_INT, &i, 1, &e) == ML_OK, "int");
		CHECK(ml_file_write(&f, ML_LONG, &l, 1, &e) == ML_OK, "long");
		CHECK(ml_file_write(&f, ML_DOUBLE, &d, 1, &e) == ML_OK, "double");
		CHECK(ml_file_write(&f, ML_FLOAT, &fl, 1, &e) == ML_OK, "float");
		unsigned char want[26];
		encode(want, (uint16_t)s, 2, big);
		encode(want + 2, 0x01020304u, 4, big);
		encode(want + 6, (uint64_t)l, 8, big);
		encode(want + 14, 0x3ff0000000000000ull, 8, big);
		encode(want + 22, 0xbfa00000u, 4, big);
		CHECK(bytes_are(&f, want, sizeof want), "binary bytes, big=%d", big);

		CHECK(ml_file_seek(&f, 0, &e) == ML_OK, "seek");
		int16_t s2;
		int32_t i2;
		int64_t l2, got;
		double d2;
		float f2;
		CHECK(ml_file_read(&f, ML_SHORT, &s2, 1, &got, &e) == ML_OK && s2 == s, "read short");
		CHECK(ml_file_read(&f, ML_INT, &i2, 1, &got, &e) == ML_OK && i2 == i, "read int");
		CHECK(ml_file_read(&f, ML_LONG, &l2, 1, &got, &e) == ML_OK && l2 == l, "read long");
		CHECK(ml_file_read(&f, ML_DOUBLE, &d2, 1, &got, &e) == ML_OK && d2 == d, "read double");
		CHECK(ml_file_read(&f, ML_FLOAT, &f2, 1, &got, &e) == ML_OK && f2 == fl, "read float");
		CHECK(ml_file_read(&f, ML_INT, &i2, 1, &got, &e) == ML_ERANGE && got == 0, "read past end");
		CHECK(strstr(e.msg, "end of file") != NULL, "eof message: %s", e.msg);
		CHECK(f.error == 1, "error flag");
		ml_file_discard(&f);
	}
}

static void test_long_size_4(void)
{
	ml_error e;
	ml_file f;
	ml_file_open_memory(&f, NULL, 0, "rw", &e);
	f.binary = 1;
	f.endian = ML_FILE_LITTLE;
	f.longsize = 4;
	int64_t v[3] = {-3, 7, INT32_MIN};
	CHECK(ml_file_write(&f, ML_LONG, v, 3, &e) == ML_OK, "write longs");
	const unsigned char want[12] = {0xfd, 0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0, 0, 0x80};
	CHECK(bytes_are(&f, want, 12), "4-byte longs");
	int64_t big = (int64_t)1 << 40;
	CHECK(ml_file_write(&f, ML_LONG, &big, 1, &e) == ML_ERANGE, "2^40 does not fit");
	CHECK(strstr(e.msg, "does not fit") != NULL, "%s", e.msg);
	ml_file_seek(&f, 0, &e);
	int64_t r[3], got;
	CHECK(ml_file_read(&f, ML_LONG, r, 3, &got, &e) == ML_OK && got == 3, "read longs");
	CHECK(r[0] == -3 && r[1] == 7 && r[2] == INT32_MIN, "widened %lld %lld %lld", (long long)r[0],
	      (long long)r[1], (long long)r[2]);
	ml_file_discard(&f);
}

/* Every dtype, binary and ascii, odd count: written then read back equal. */
static void test_round_trips(void)
{
	ml_error e;
	enum { N = 37 };
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		for (int binary = 0; binary <= 1; binary++) {
			size_t es = ml_dtype_info[dt].size;
			unsigned char src[N * 8], dst[N * 8];
			for (int i = 0; i < N; i++) {
				double v = (i * 37 % 23) - 11 + (ml_dtype_info[dt].is_float ? 1.0 / (i + 3) : 0);
				if (dt == ML_BYTE)
					v = (i * 71) % 256;
				ml_store_f64((ml_dtype)dt, src + (size_t)i * es, v);
			}
			ml_file f;
			ml_file_open_memory(&f, NULL, 0, "rw", &e);
			f.binary = binary;
			CHECK(ml_file_write(&f, (ml_dtype)dt, src, N, &e) == ML_OK, "write %s", ml_dtype_name((ml_dtype)dt));
			int32_t marker = 12345;
			ml_file_write(&f, ML_INT, &marker, 1, &e);
			ml_file_seek(&f, 0, &e);
			int64_t got;
			CHECK(ml_file_read(&f, (ml_dtype)dt, dst, N, &got, &e) == ML_OK && got == N, "read %s: %s",
			      ml_dtype_name((ml_dtype)dt), e.msg);
			CHECK(memcmp(src, dst, N * es) == 0, "%s binary=%d round trip", ml_dtype_name((ml_dtype)dt), binary);
			int32_t m2 = 0;
			CHECK(ml_file_read(&f, ML_INT, &m2, 1, &got, &e) == ML_OK && m2 == marker,
			      "%s binary=%d: value after the array", ml_dtype_name((ml_dtype)dt), binary);
			ml_file_discard(&f);
		}
	}
}

static void test_ascii_text(void)
{
	ml_error e;
	ml_file f;
	ml_file_open_memory(&f, NULL, 0, "rw", &e);
	double d[3] = {1, 0.1, -2.5};
	float fl[2] = {-0.1f, 1024};
	int64_t l[2] = {(int64_t)1 << 40, -3};
	unsigned char b[3] = {0, 'A', 255};
	ml_file_write(&f, ML_DOUBLE, d, 3, &e);
	ml_file_write(&f, ML_FLOAT, fl, 2, &e);
	ml_file_write(&f, ML_LONG, l, 2, &e);
	ml_file_write(&f, ML_BYTE, b, 3, &e);
	ml_file_write(&f, ML_DOUBLE, d, 0, &e); /* nothing at all, not even a newline */
	const char want[] = "1 0.10000000000000001 -2.5\n-0.100000001 1024\n1099511627776 -3\n\0A\xff\n";
	CHECK(bytes_are(&f, want, sizeof want - 1), "ascii text '%.*s'", (int)f.len, f.buf);

	f.autospacing = 0;
	int32_t i[2] = {4, 5};
	size_t before = f.len;
	ml_file_write(&f, ML_INT, i, 2, &e);
	CHECK(f.len == before + 2 && memcmp(f.buf + before, "45", 2) == 0, "no autospacing");
	ml_file_discard(&f);

	/* reading tolerates any whitespace between tokens */
	const char text[] = "  7\n\t-8  \r\n9\nxyz";
	ml_file_open_memory(&f, text, sizeof text - 1, "r", &e);
	int32_t r[3];
	int64_t got;
	CHECK(ml_file_read(&f, ML_INT, r, 3, &got, &e) == ML_OK && r[0] == 7 && r[1] == -8 && r[2] == 9,
	      "ascii ints");
	CHECK(ml_file_tell(&f) == (int64_t)sizeof text - 4, "newline after the values consumed");
	CHECK(ml_file_read(&f, ML_INT, r, 1, &got, &e) == ML_EINVAL, "bad token");
	CHECK(strstr(e.msg, "bad Int value 'xyz'") != NULL, "%s", e.msg);
	ml_file_discard(&f);

	const char range[] = "40000 1e3 2.5 nan -inf";
	ml_file_open_memory(&f, range, sizeof range - 1, "r", &e);
	int16_t sh;
	CHECK(ml_file_read(&f, ML_SHORT, &sh, 1, &got, &e) == ML_EINVAL, "40000 is not a Short");
	double dd[4];
	ml_file_seek(&f, 6, &e);
	CHECK(ml_file_read(&f, ML_DOUBLE, dd, 4, &got, &e) == ML_OK, "doubles: %s", e.msg);
	CHECK(dd[0] == 1000 && dd[1] == 2.5 && dd[2] != dd[2] && dd[3] < -1e308, "1e3 2.5 nan -inf");
	ml_file_discard(&f);
}

static void test_room(void)
{
	ml_error e;
	ml_file f;
	const char data[16] = {0};
	ml_file_open_memory(&f, data, sizeof data, "r", &e);
	f.binary = 1;
	CHECK(ml_file_check_room(&f, ML_DOUBLE, 2, &e) == ML_OK, "2 doubles fit in 16 bytes");
	CHECK(ml_file_check_room(&f, ML_DOUBLE, 3, &e) == ML_ERANGE, "3 do not");
	CHECK(ml_file_check_room(&f, ML_DOUBLE, (int64_t)1 << 60, &e) == ML_ERANGE, "2^60 do not");
	CHECK(strstr(e.msg, "1152921504606846976 Double values claimed but only 16 bytes remain") != NULL,
	      "%s", e.msg);
	CHECK(ml_file_check_room(&f, ML_INT, -1, &e) == ML_EINVAL, "negative count");
	f.binary = 0;
	CHECK(ml_file_check_room(&f, ML_DOUBLE, 16, &e) == ML_OK, "ascii: a byte per value");
	CHECK(ml_file_check_room(&f, ML_DOUBLE, 17, &e) == ML_ERANGE, "ascii: 17 > 16");
	ml_file_discard(&f);
}

static void test_lines_and_positions(void)
{
	ml_error e;
	ml_file f;
	const char text[] = "first line\nsecond\n\nlast";
	ml_file_open_memory(&f, text, sizeof text - 1, "r", &e);
	char buf[64];
	size_t got;
	int eol;
	ml_file_read_line(&f, buf, sizeof buf, &got, &eol, &e);
	CHECK(got == 10 && eol && memcmp(buf, "first line", 10) == 0, "line 1");
	ml_file_read_line(&f, buf, 3, &got, &eol, &e);
	CHECK(got == 3 && !eol && memcmp(buf, "sec", 3) == 0, "partial line");
	ml_file_read_line(&f, buf, sizeof buf, &got, &eol, &e);
	CHECK(got == 3 && eol && memcmp(buf, "ond", 3) == 0, "rest of line 2");
	ml_file_read_line(&f, buf, sizeof buf, &got, &eol, &e);
	CHECK(got == 0 && eol, "empty line");
	ml_file_read_line(&f, buf, sizeof buf, &got, &eol, &e);
	CHECK(got == 4 && !eol && memcmp(buf, "last", 4) == 0, "last line without newline");
	CHECK(ml_file_remaining(&f) == 0, "at the end");
	CHECK(ml_file_seek(&f, 6, &e) == ML_OK && ml_file_tell(&f) == 6, "seek");
	ml_file_read_bytes(&f, buf, 4, &got, &e);
	CHECK(got == 4 && memcmp(buf, "line", 4) == 0, "bytes after seek");
	CHECK(ml_file_seek(&f, 100, &e) == ML_ERANGE, "memory seek past the end");
	CHECK(ml_file_seek_end(&f, &e) == ML_OK && ml_file_tell(&f) == (int64_t)sizeof text - 1, "seekEnd");
	int32_t x = 1;
	CHECK(ml_file_write(&f, ML_INT, &x, 1, &e) == ML_EINVAL, "read-only memory file");
	CHECK(strstr(e.msg, "not open for writing") != NULL, "%s", e.msg);
	CHECK(ml_file_close(&f, &e) == ML_OK && ml_file_close(&f, &e) == ML_OK, "close twice");
	int64_t g;
	CHECK(ml_file_read(&f, ML_INT, &x, 1, &g, &e) == ML_EINVAL && strstr(e.msg, "closed"), "closed");
	ml_file_discard(&f);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = malloc(4096);
	*n = fread(buf, 1, 4096, fp);
	fclose(fp);
	return buf;
}

static void test_disk(void)
{
	ml_error e;
	char dir[] = "/tmp/moonlab_test_fileXXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char path[256];
	snprintf(path, sizeof path, "%s/a.bin", dir);

	ml_file f;
	CHECK(ml_file_open(&f, path, "r", &e) == ML_EINVAL, "missing file");
	CHECK(strstr(e.msg, "No such file") && strstr(e.msg, path), "%s", e.msg);
	CHECK(ml_file_open(&f, dir, "r", &e) == ML_EINVAL && strstr(e.msg, "directory"), "%s", e.msg);
	CHECK(ml_file_open(&f, path, "x", &e) == ML_EINVAL, "bad mode");

	CHECK(ml_file_open(&f, path, "w", &e) == ML_OK, "create");
	ml_file_write_bytes(&f, "old!", 4, &e);
	CHECK(ml_file_close(&f, &e) == ML_OK, "close");

	/* rw: read, then write at the cursor, then read again */
	CHECK(ml_file_open(&f, path, "rw", &e) == ML_OK, "rw");
	char c[4];
	size_t got;
	ml_file_read_bytes(&f, c, 2, &got, &e);
	CHECK(got == 2 && c[0] == 'o', "read in rw");
	ml_file_write_bytes(&f, "D", 1, &e);
	CHECK(ml_file_remaining(&f) == 1, "remaining after a write: %lld", (long long)ml_file_remaining(&f));
	ml_file_seek(&f, 0, &e);
	ml_file_read_bytes(&f, c, 4, &got, &e);
	CHECK(got == 4 && memcmp(c, "olD!", 4) == 0, "rw content");
	ml_file_close(&f, &e);

	/* atomic: discarded leaves the old file; committed replaces it */
	CHECK(ml_file_open_atomic(&f, path, &e) == ML_OK, "atomic open");
	ml_file_write_bytes(&f, "new", 3, &e);
	char *tmp = strdup(f.tmp_path);
	CHECK(access(tmp, F_OK) == 0, "temporary exists");
	ml_file_discard(&f);
	CHECK(access(tmp, F_OK) != 0, "temporary removed by discard");
	size_t n;
	char *data = slurp(path, &n);
	CHECK(data && n == 4 && memcmp(data, "olD!", 4) == 0, "old content kept");
	free(data);
	free(tmp);

	CHECK(ml_file_open_atomic(&f, path, &e) == ML_OK, "atomic open");
	ml_file_write_bytes(&f, "new", 3, &e);
	data = slurp(path, &n);
	CHECK(data && n == 4, "old content until commit");
	free(data);
	CHECK(ml_file_close(&f, &e) == ML_OK, "commit");
	data = slurp(path, &n);
	CHECK(data && n == 3 && memcmp(data, "new", 3) == 0, "new content");
	free(data);

	char missing[300];
	snprintf(missing, sizeof missing, "%s/no/such/dir/x", dir);
	CHECK(ml_file_open_atomic(&f, missing, &e) == ML_EINVAL && strstr(e.msg, "No such file"), "%s", e.msg);

	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_binary_orders();
	test_long_size_4();
	test_round_trips();
	test_ascii_text();
	test_room();
	test_lines_and_positions();
	test_disk();
	return check_done();
}
