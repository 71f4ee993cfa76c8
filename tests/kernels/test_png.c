/*
 * test_png.c - PNG load/save (kernels/png.c): fixture pixels against the
 * pattern of tests/fixtures/images/make_pngs.py (an encoder independent of
 * libpng), channel conversions against naive formulas, exact round trips for
 * every dtype, depth and channel count (contiguous and strided), and
 * truncated/corrupted files, which must fail with a clear message and never
 * crash (run under `make asan`).  Run from the repository root.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "../../kernels/png.h" /* not <png.h>: libpng's header has the same name */

#define FIX "tests/fixtures/images/"

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
	return buf;
}

/* make_pngs.py's value(): the sample pattern of the direct-colour fixtures. */
static uint32_t pattern(int64_t x, int64_t y, int64_t c, uint32_t maxv, int seed)
{
	if ((x + y + c) % 7 == 0)
		return 0;
	if ((x * 3 + y + c) % 11 == 0)
		return maxv;
	return (uint32_t)((x * 37 + y * 101 + c * 53 + seed * 29 + x * y * 7) % ((int64_t)maxv + 1));
}

static double at3(const ml_tensor *t, int64_t c, int64_t y, int64_t x)
{
	int64_t idx[3] = {c, y, x};
	return ml_load_f64(t->dtype, ml_tensor_ptr(t, idx));
}

static void set3(ml_tensor *t, int64_t c, int64_t y, int64_t x, double v)
{
	int64_t idx[3] = {c, y, x};
	ml_store_f64(t->dtype, ml_tensor_ptr(t, idx), v);
}

/* ---- fixtures ---- */

typedef struct fixture {
	const char *name;
	int64_t w, h;
	int c;        /* channels in the file (no tRNS among these) */
	int depth;
	int seed;
	int color_type;
	int interlaced;
} fixture;

static const fixture direct_fixtures[] = {
	{"gray1.png", 13, 5, 1, 1, 1, 0, 0},
	{"gray2.png", 13, 5, 1, 2, 2, 0, 0},
	{"gray4.png", 13, 5, 1, 4, 4, 0, 0},
	{"gray8.png", 13, 5, 1, 8, 8, 0, 0},
	{"gray16.png", 13, 5, 1, 16, 16, 0, 0},
	{"graya8.png", 7, 6, 2, 8, 9, 4, 0},
	{"graya16.png", 7, 6, 2, 16, 17, 4, 0},
	{"rgb8.png", 9, 7, 3, 8, 10, 2, 0},
	{"rgb16.png", 9, 7, 3, 16, 18, 2, 0},
	{"rgba8.png", 5, 4, 4, 8, 11, 6, 0},
	{"rgba16.png", 5, 4, 4, 16, 19, 6, 0},
	{"rgb8_interlaced.png", 11, 9, 3, 8, 7, 2, 1},
	{"gray1_interlaced.png", 3, 2, 1, 1, 8, 0, 1},
	{"rgba16_interlaced.png", 10, 10, 4, 16, 9, 6, 1},
	{"gray8_1x1.png", 1, 1, 1, 8, 10, 0, 0},
	{"rgb8_row.png", 40, 1, 3, 8, 11, 2, 0},
};

static void test_fixtures(void)
{
	ml_error e;
	for (size_t i = 0; i < sizeof direct_fixtures / sizeof *direct_fixtures; i++) {
		const fixture *f = &direct_fixtures[i];
		char path[128];
		snprintf(path, sizeof path, FIX "%s", f->name);
		uint32_t maxv = (1u << f->depth) - 1;
		ml_dtype dts[3] = {ML_BYTE, ML_FLOAT, ML_DOUBLE};
		for (int d = 0; d < 3; d++) {
			ml_tensor t;
			ml_png_info info;
			ml_tensor_init(&t, ML_DOUBLE);
			int rc = ml_png_load(&t, path, dts[d], 0, &info, &e);
			CHECK(rc == 0, "%s: %s", f->name, rc ? e.msg : "");
			if (rc)
				continue;
			CHECK(t.dtype == dts[d] && t.ndim == 3 && t.size[0] == f->c && t.size[1] == f->h &&
			      t.size[2] == f->w && ml_tensor_is_contiguous(&t), "%s: shape", f->name);
			CHECK(info.width == f->w && info.height == f->h && info.bit_depth == f->depth &&
			      info.channels == f->c && info.color_type == f->color_type &&
			      info.interlaced == f->interlaced, "%s: info", f->name);
			int bad = 0;
			for (int64_t c = 0; c < f->c; c++)
				for (int64_t y = 0; y < f->h; y++)
					for (int64_t x = 0; x < f->w; x++) {
						uint32_t v = pattern(x, y, c, maxv, f->seed);
						double want;
						if (dts[d] == ML_BYTE) /* scaled to 8 bits, rounded */
							want = floor((double)v * 255.0 / maxv + 0.5);
						else if (dts[d] == ML_FLOAT)
							want = (float)((double)v / maxv);
						else
							want = (double)v / maxv;
						bad += at3(&t, c, y, x) != want;
					}
			CHECK(bad == 0, "%s as %s: %d samples differ", f->name, ml_dtype_name(dts[d]), bad);
			ml_tensor_release(&t);
		}
	}
}

/* Channel conversions against naive formulas applied to the native load. */
static void test_channels(void)
{
	ml_error e;
	const char *names[] = {"gray8.png", "graya16.png", "rgb8.png", "rgba16.png", "palette4_trns.png"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char path[128];
		snprintf(path, sizeof path, FIX "%s", names[i]);
		ml_tensor nat;
		ml_tensor_init(&nat, ML_DOUBLE);
		ml_png_info info;
		CHECK(ml_png_load(&nat, path, ML_DOUBLE, 0, &info, &e) == 0, "%s native", names[i]);
		double maxv = info.bit_depth == 16 ? 65535 : 255;
		int nin = (int)nat.size[0];
		for (int nout = 1; nout <= 4; nout++) {
			ml_tensor t;
			ml_tensor_init(&t, ML_DOUBLE);
			int rc = ml_png_load(&t, path, ML_DOUBLE, nout, NULL, &e);
			CHECK(rc == 0 && t.size[0] == nout && t.size[1] == nat.size[1] &&
			      t.size[2] == nat.size[2], "%s -> %d channels", names[i], nout);
			if (rc)
				continue;
			int bad = 0;
			for (int64_t y = 0; y < t.size[1]; y++)
				for (int64_t x = 0; x < t.size[2]; x++) {
					double s[4] = {0}, want[4];
					for (int k = 0; k < nin; k++)
						s[k] = floor(at3(&nat, k, y, x) * maxv + 0.5);
					double alpha = nin == 2 ? s[1] : nin == 4 ? s[3] : maxv;
					/* integer luma, rounded half up (0.299, 0.587, 0.114) */
					double gray = nin >= 3 ? floor((299 * s[0] + 587 * s[1] + 114 * s[2] + 500) / 1000)
					                       : s[0];
					if (nout <= 2) {
						want[0] = gray;
						want[1] = alpha;
					} else {
						for (int k = 0; k < 3; k++)
							want[k] = nin >= 3 ? s[k] : gray;
						want[3] = alpha;
					}
					for (int k = 0; k < nout; k++)
						bad += at3(&t, k, y, x) != want[k] / maxv;
				}
			CHECK(bad == 0, "%s -> %d channels: %d samples differ", names[i], nout, bad);
			ml_tensor_release(&t);
		}
		ml_tensor_release(&nat);
	}
}

/* ---- round trips ---- */

/* Writes a deterministic image into t: Byte 0..255, floats k / maxv. */
static void fill_image(ml_tensor *t, uint32_t maxv, int seed)
{
	for (int64_t c = 0; c < t->size[0]; c++)
		for (int64_t y = 0; y < t->size[1]; y++)
			for (int64_t x = 0; x < t->size[2]; x++) {
				uint32_t v = (uint32_t)((x * 7919 + y * 104729 + c * 31337 + seed * 65) % (maxv + 1));
				if ((x + y) % 5 == 0)
					v = (x + c) % 2 ? maxv : 0;
				set3(t, c, y, x, t->dtype == ML_BYTE ? v : (double)v / maxv);
			}
}

static void test_round_trips(void)
{
	ml_error e;
	ml_dtype dts[3] = {ML_BYTE, ML_FLOAT, ML_DOUBLE};
	const char *path = tmp_path("rt.png");
	for (int d = 0; d < 3; d++)
		for (int bits = 8; bits <= 16; bits += 8)
			for (int c = 1; c <= 4; c++)
				for (int strided = 0; strided < 2; strided++) {
					int64_t h = 5 + c, w = 7 + 2 * c;
					ml_tensor src, view;
					/* strided: a (c, w, h) tensor transposed to (c, h, w) */
					int64_t size[3] = {c, strided ? w : h, strided ? h : w};
					CHECK(ml_tensor_init_sized(&src, dts[d], 3, size, &e) == 0, "alloc");
					ml_tensor_init(&view, dts[d]);
					ml_tensor_set(&view, &src);
					if (strided)
						ml_tensor_transpose(&view, 1, 2, &e);
					uint32_t maxv = dts[d] == ML_BYTE ? 255 : bits == 16 ? 65535 : 255;
					fill_image(&view, maxv, c + bits);
					int rc = ml_png_save(path, &view, bits, &e);
					CHECK(rc == 0, "save %s %d bits %d ch: %s", ml_dtype_name(dts[d]), bits, c,
					      rc ? e.msg : "");
					ml_tensor back;
					ml_png_info info;
					ml_tensor_init(&back, dts[d]);
					rc = ml_png_load(&back, path, dts[d], 0, &info, &e);
					CHECK(rc == 0 && info.bit_depth == bits && info.channels == c,
					      "load back %s %d bits %d ch", ml_dtype_name(dts[d]), bits, c);
					int bad = 0;
					for (int64_t k = 0; !rc && k < c; k++)
						for (int64_t y = 0; y < h; y++)
							for (int64_t x = 0; x < w; x++)
								bad += at3(&back, k, y, x) != at3(&view, k, y, x);
					CHECK(bad == 0, "round trip %s %d bits %d ch strided %d: %d differ",
					      ml_dtype_name(dts[d]), bits, c, strided, bad);
					ml_tensor_release(&back);
					ml_tensor_release(&view);
					ml_tensor_release(&src);
				}
}

/* Quantization on save and 16 -> 8 bit reduction on load, against formulas. */
static void test_quantization(void)
{
	ml_error e;
	const char *path = tmp_path("q.png");
	int64_t size[2] = {3, 50};
	ml_tensor t, back;
	ml_tensor_init_sized(&t, ML_DOUBLE, 2, size, &e);
	double special[6] = {-0.5, NAN, 1.5, INFINITY, -INFINITY, 0.5 / 255};
	for (int64_t i = 0; i < 150; i++) {
		double v = i < 6 ? special[i] : (double)(i * 7919 % 1000) / 999.0;
		ml_store_f64(ML_DOUBLE, (double *)ml_tensor_data(&t) + i, v);
	}
	for (int bits = 8; bits <= 16; bits += 8) {
		double maxv = bits == 16 ? 65535 : 255;
		CHECK(ml_png_save(path, &t, bits, &e) == 0, "save doubles %d bits", bits);
		ml_tensor_init(&back, ML_DOUBLE);
		CHECK(ml_png_load(&back, path, ML_DOUBLE, 0, NULL, &e) == 0, "load");
		CHECK(back.ndim == 3 && back.size[0] == 1 && back.size[1] == 3 && back.size[2] == 50,
		      "2-D saves as gray");
		int bad = 0;
		for (int64_t i = 0; i < 150; i++) {
			double v = ((double *)ml_tensor_data(&t))[i];
			double q = !(v > 0) ? 0 : v >= 1 ? maxv : floor(v * maxv + 0.5);
			bad += ((double *)ml_tensor_data(&back))[i] != q / maxv;
		}
		CHECK(bad == 0, "quantized to %d bits: %d differ", bits, bad);
		ml_tensor_release(&back);
		if (bits == 16) { /* the 16-bit file read as bytes: round(v * 255 / 65535) */
			ml_tensor b8;
			ml_tensor_init(&b8, ML_BYTE);
			CHECK(ml_png_load(&b8, path, ML_BYTE, 0, NULL, &e) == 0, "16-bit as byte");
			ml_tensor_init(&back, ML_DOUBLE);
			ml_png_load(&back, path, ML_DOUBLE, 0, NULL, &e);
			bad = 0;
			for (int64_t i = 0; i < 150; i++) {
				double s = floor(((double *)ml_tensor_data(&back))[i] * 65535 + 0.5);
				bad += ((uint8_t *)ml_tensor_data(&b8))[i] != floor(s * 255 / 65535 + 0.5);
			}
			CHECK(bad == 0, "16 -> 8 bits: %d differ", bad);
			ml_tensor_release(&back);
			ml_tensor_release(&b8);
		}
	}
	ml_tensor_release(&t);
}

/* ---- errors and corrupt files ---- */

static int load_fails(const char *path, const char *want, int64_t *nok)
{
	ml_error e;
	ml_tensor t;
	ml_tensor_init(&t, ML_FLOAT);
	e.msg[0] = 0;
	int rc = ml_png_load(&t, path, ML_FLOAT, 0, NULL, &e);
	if (rc == 0) {
		if (nok)
			(*nok)++;
		ml_tensor_release(&t);
		return want == NULL;
	}
	CHECK(t.storage == NULL && t.ndim == 0, "dst left empty on error (%s)", e.msg);
	int ok = strncmp(e.msg, "image.load: ", 12) == 0 && strstr(e.msg, path) != NULL;
	if (want && !strstr(e.msg, want)) {
		fprintf(stderr, "  message: %s\n", e.msg);
		ok = 0;
	}
	return ok;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	*n = 0;
	if (!f)
		return NULL;
	unsigned char *buf = malloc(1 << 16);
	*n = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static void spit(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(p, 1, n, f);
	fclose(f);
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Recomputes the CRC of the chunk starting at offset off. */
static void fix_crc(unsigned char *p, size_t off)
{
	uint32_t len = (uint32_t)p[off] << 24 | p[off + 1] << 16 | p[off + 2] << 8 | p[off + 3];
	put32(p + off + 8 + len, crc32_of(p + off + 4, len + 4));
}

static void test_errors(void)
{
	const char *bad = tmp_path("bad.png");
	CHECK(load_fails("/nonexistent/x.png", "cannot open file: No such file or directory", NULL),
	      "missing file");
	CHECK(load_fails(tmpdir, "read error", NULL), "a directory");
	spit(bad, (const unsigned char *)"", 0);
	CHECK(load_fails(bad, "empty file", NULL), "empty file");
	spit(bad, (const unsigned char *)"hello, world\n", 13);
	CHECK(load_fails(bad, "not a PNG file", NULL), "text file");
	spit(bad, (const unsigned char *)"\x89PN", 3);
	CHECK(load_fails(bad, "truncated file", NULL), "3 bytes of signature");

	ml_error e;
	ml_tensor t;
	ml_tensor_init(&t, ML_LONG);
	CHECK(ml_png_load(&t, FIX "gray8.png", ML_LONG, 0, NULL, &e) == ML_ETYPE &&
	      strstr(e.msg, "image.load: cannot load into a Long tensor"), "Long: %s", e.msg);
	CHECK(ml_png_load(&t, FIX "gray8.png", ML_BYTE, 5, NULL, &e) == ML_EINVAL &&
	      strstr(e.msg, "5 channels asked"), "5 channels: %s", e.msg);

	size_t n = 0;
	unsigned char *png = slurp(FIX "rgb8.png", &n);
	unsigned char *cp = malloc(n);
	CHECK(png && n > 60, "read rgb8.png");
	/* every truncation fails with a message; those past the signature say "truncated" */
	int all = 1;
	for (size_t len = 0; len < n; len++) {
		spit(bad, png, len);
		all &= load_fails(bad, len >= 8 ? "truncated file" : len ? "truncated" : "empty", NULL);
	}
	CHECK(all, "all %zu truncations fail with a clear message", n);

	/* every single-byte corruption: no crash, any error well-formed; flips in
	 * critical data (bytes 8..) are caught by CRCs */
	int64_t nok = 0;
	all = 1;
	for (size_t i = 0; i < n; i++) {
		memcpy(cp, png, n);
		cp[i] ^= 0x5a;
		spit(bad, cp, n);
		all &= load_fails(bad, NULL, &nok) || nok;
	}
	CHECK(all, "byte flips give well-formed errors");
	CHECK(nok == 0, "%lld corrupted files loaded", (long long)nok);

	/* corruptions behind valid CRCs reach libpng's checks */
	memcpy(cp, png, n);
	put32(cp + 16, 0); /* width 0 */
	fix_crc(cp, 8);
	spit(bad, cp, n);
	CHECK(load_fails(bad, "width", NULL), "zero width");
	memcpy(cp, png, n);
	cp[24] = 3; /* bit depth 3 */
	fix_crc(cp, 8);
	spit(bad, cp, n);
	CHECK(load_fails(bad, "bit depth", NULL), "bit depth 3");
	memcpy(cp, png, n);
	cp[25] = 5; /* colour type 5 */
	fix_crc(cp, 8);
	spit(bad, cp, n);
	CHECK(load_fails(bad, "color type", NULL), "colour type 5");
	memcpy(cp, png, n);
	put32(cp + 16, 20000); /* claims 20000x20000: the data runs out */
	put32(cp + 20, 20000);
	fix_crc(cp, 8);
	spit(bad, cp, n);
	CHECK(load_fails(bad, NULL, NULL), "huge claimed size fails");
	/* the first IDAT (after IHDR, 8 + 25 bytes): garble its zlib stream */
	size_t idat = 33;
	CHECK(memcmp(cp + idat + 4, "IDAT", 4) == 0, "IDAT follows IHDR in the fixture");
	for (int k = 0; k < 6; k++) {
		memcpy(cp, png, n);
		cp[idat + 8 + 2 + k * 7] ^= 0xff; /* inside the deflate data */
		fix_crc(cp, idat);
		spit(bad, cp, n);
		load_fails(bad, NULL, &nok); /* whatever zlib says, no crash */
	}
	memcpy(cp, png, n);
	cp[idat + 8] = 0x00; /* zlib header byte */
	fix_crc(cp, idat);
	spit(bad, cp, n);
	CHECK(load_fails(bad, NULL, NULL), "bad zlib header");

	/* the same sweeps over an interlaced 16-bit and a palette image */
	const char *more[] = {FIX "rgba16_interlaced.png", FIX "palette4_trns.png", FIX "gray1.png"};
	for (int f = 0; f < 3; f++) {
		free(png);
		png = slurp(more[f], &n);
		free(cp);
		cp = malloc(n);
		all = 1;
		nok = 0;
		for (size_t len = 8; len < n; len++) {
			spit(bad, png, len);
			all &= load_fails(bad, "truncated file", NULL);
		}
		for (size_t i = 8; i < n; i++) {
			memcpy(cp, png, n);
			cp[i] ^= 0x21;
			spit(bad, cp, n);
			all &= load_fails(bad, NULL, &nok) || nok;
		}
		CHECK(all && nok == 0, "%s: truncations and flips fail cleanly", more[f]);
	}
	free(png);
	free(cp);
	unlink(bad);
}

static int count_files(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int k = -1;
	if (p) {
		if (fscanf(p, "%d", &k) != 1)
			k = -1;
		pclose(p);
	}
	return k;
}

static void test_save_errors(void)
{
	char dir[96];
	snprintf(dir, sizeof dir, "%s/save", tmpdir);
	mkdir(dir, 0755);
	ml_error e;
	ml_tensor t;
	int64_t s2[2] = {4, 6}, s3[3] = {5, 4, 6}, s4[4] = {1, 1, 4, 6}, s0[3] = {3, 0, 6};
	const char *path = tmp_path("save/out.png");
	ml_tensor_init_sized(&t, ML_LONG, 2, s2, &e);
	CHECK(ml_png_save(path, &t, 8, &e) == ML_ETYPE &&
	      strstr(e.msg, "image.save: cannot save a Long tensor") && strstr(e.msg, path), "%s", e.msg);
	ml_tensor_release(&t);
	ml_tensor_init_sized(&t, ML_BYTE, 3, s3, &e);
	CHECK(ml_png_save(path, &t, 8, &e) == ML_ESHAPE && strstr(e.msg, "got 5x4x6"), "%s", e.msg);
	ml_tensor_release(&t);
	ml_tensor_init_sized(&t, ML_BYTE, 4, s4, &e);
	CHECK(ml_png_save(path, &t, 8, &e) == ML_ESHAPE && strstr(e.msg, "got 1x1x4x6"), "%s", e.msg);
	ml_tensor_release(&t);
	ml_tensor_init_sized(&t, ML_FLOAT, 3, s0, &e);
	CHECK(ml_png_save(path, &t, 8, &e) == ML_ESHAPE && strstr(e.msg, "size 3x0x6"), "%s", e.msg);
	ml_tensor_release(&t);
	ml_tensor_init_sized(&t, ML_FLOAT, 2, s2, &e);
	CHECK(ml_png_save(path, &t, 12, &e) == ML_EINVAL && strstr(e.msg, "bits must be 8 or 16"),
	      "%s", e.msg);
	CHECK(ml_png_save("/nonexistent/dir/x.png", &t, 8, &e) != 0 &&
	      strstr(e.msg, "image.save: cannot create file: No such file or directory "
	                    "(/nonexistent/dir/x.png)"), "%s", e.msg);
	CHECK(count_files(dir) == 0, "nothing left behind so far");
	/* target is a directory: the rename fails and the temporary file goes away */
	char sub[128];
	snprintf(sub, sizeof sub, "%s/sub.png", dir);
	mkdir(sub, 0755);
	CHECK(ml_png_save(sub, &t, 8, &e) != 0 && strstr(e.msg, "cannot rename"), "%s", e.msg);
	CHECK(count_files(dir) == 1, "only the directory remains");
	rmdir(sub);
	/* mode: 0666 minus the umask, like fopen */
	mode_t mask = umask(022);
	CHECK(ml_png_save(path, &t, 8, &e) == 0, "save");
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "mode %o", st.st_mode & 0777);
	umask(mask);
	/* an existing file is replaced whole */
	ml_tensor_release(&t);
	int64_t big[3] = {3, 40, 50};
	ml_tensor_init_sized(&t, ML_BYTE, 3, big, &e);
	CHECK(ml_png_save(path, &t, 16, &e) == 0, "overwrite");
	ml_tensor back;
	ml_png_info info;
	ml_tensor_init(&back, ML_BYTE);
	CHECK(ml_png_load(&back, path, ML_BYTE, 0, &info, &e) == 0 && info.width == 50 &&
	      info.channels == 3 && info.bit_depth == 16, "overwritten file");
	CHECK(count_files(dir) == 1, "one file, no temporary left");
	ml_tensor_release(&back);
	ml_tensor_release(&t);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ml_test_png.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_fixtures();
	test_channels();
	test_round_trips();
	test_quantization();
	test_errors();
	test_save_errors();
	const char *left[] = {"rt.png", "q.png", "bad.png"};
	for (int i = 0; i < 3; i++)
		unlink(tmp_path(left[i]));
	rmdir(tmpdir);
	return check_done();
}
