/*
 * png.c - PNG files to and from (C, H, W) tensors with libpng (see png.h).
 *
 * libpng reports errors by longjmp.  Every libpng call sits in one of two
 * functions, decode() and encode(), which set the jump point and keep no
 * locals that change after it: all state lives in a context struct owned by
 * the caller (ml_png_load / ml_png_save), which frees it whatever happened.
 * Jumps never leave this file.
 *
 * Decoding asks libpng to expand palettes, low bit depths and tRNS into 8- or
 * 16-bit samples, reads the whole image (libpng undoes Adam7 interlacing), and
 * only then allocates the tensor, so a corrupt header cannot leave a
 * half-filled result.  Not here: gamma/ICC conversions, ancillary chunks.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>

#include "png.h"

/* libpng's error message, carried out of the longjmp. */
typedef struct png_err {
	char msg[240];       /* what libpng (or our I/O callbacks) said */
	char warning[120];   /* libpng's last warning */
} png_err;

static void on_error(png_structp png, png_const_charp msg)
{
	png_err *err = png_get_error_ptr(png);
	msg = msg ? msg : "libpng error";
	/* libpng explains a bad header in warnings, then fails with this summary */
	if (strcmp(msg, "Invalid IHDR data") == 0 && err->warning[0])
		snprintf(err->msg, sizeof err->msg, "%s: %s", msg, err->warning);
	else
		snprintf(err->msg, sizeof err->msg, "%s", msg);
	png_longjmp(png, 1);
}

/* Warnings (odd profiles, unknown chunks) do not stop a load; the last one is
 * kept to explain a following error. */
static void on_warning(png_structp png, png_const_charp msg)
{
	png_err *err = png_get_error_ptr(png);
	snprintf(err->warning, sizeof err->warning, "%s", msg ? msg : "");
}

/* ---- loading ---- */

typedef struct reader {
	FILE *f;                 /* the open file, after its 8-byte signature */
	png_err err;             /* libpng's last error */
	png_structp png;         /* libpng's read state */
	png_infop pinfo;         /* libpng's header info */
	unsigned char *pixels;   /* decoded image, height rows of rowbytes */
	png_bytep *rows;         /* row pointers into pixels */
	size_t rowbytes;         /* bytes per decoded row */
	int channels;            /* samples per decoded pixel, 1..4 */
	int depth;               /* bits per decoded sample: 8 or 16 */
	int nomem;               /* 1 when our own allocation failed */
	ml_png_info info;        /* the file's header */
} reader;

static void read_fn(png_structp png, png_bytep out, size_t n)
{
	reader *r = png_get_io_ptr(png);
	if (fread(out, 1, n, r->f) != n) {
		if (ferror(r->f))
			png_error(png, "read error");
		png_error(png, "truncated file");
	}
}

/* All libpng calls of a load.  Returns 0, or -1 with r->err (or r->nomem) set. */
static int decode(reader *r)
{
	if (setjmp(png_jmpbuf(r->png)))
		return -1;
	png_set_read_fn(r->png, r, read_fn);
	/* a bad CRC fails the load even in an ancillary chunk: a damaged tRNS
	 * would otherwise silently drop the alpha channel */
	png_set_crc_action(r->png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
	png_set_sig_bytes(r->png, 8);
	png_read_info(r->png, r->pinfo);
	r->info.width = png_get_image_width(r->png, r->pinfo);
	r->info.height = png_get_image_height(r->png, r->pinfo);
	r->info.bit_depth = png_get_bit_depth(r->png, r->pinfo);
	r->info.color_type = png_get_color_type(r->png, r->pinfo);
	r->info.interlaced = png_get_interlace_type(r->png, r->pinfo) != PNG_INTERLACE_NONE;
	/* palette -> RGB, gray 1/2/4 -> 8 bits (scaled), tRNS -> alpha */
	png_set_expand(r->png);
	png_set_interlace_handling(r->png);
	png_read_update_info(r->png, r->pinfo);
	r->channels = png_get_channels(r->png, r->pinfo);
	r->depth = png_get_bit_depth(r->png, r->pinfo);
	r->rowbytes = png_get_rowbytes(r->png, r->pinfo);
	r->info.channels = r->channels;
	if (r->channels < 1 || r->channels > 4 || (r->depth != 8 && r->depth != 16))
		png_error(r->png, "unsupported pixel format");
	size_t h = (size_t)r->info.height;
	if (r->rowbytes == 0 || h > SIZE_MAX / r->rowbytes || h > SIZE_MAX / sizeof(png_bytep)) {
		r->nomem = 1;
		return -1;
	}
	r->pixels = malloc(h * r->rowbytes);
	r->rows = malloc(h * sizeof(png_bytep));
	if (!r->pixels || !r->rows) {
		r->nomem = 1;
		return -1;
	}
	for (size_t y = 0; y < h; y++)
		r->rows[y] = r->pixels + y * r->rowbytes;
	png_read_image(r->png, r->rows);
	png_read_end(r->png, NULL);
	return 0;
}

/* Sample i of a decoded row (16-bit samples are big-endian). */
static uint32_t sample(const unsigned char *row, int depth, int64_t i)
{
	if (depth == 16)
		return (uint32_t)row[2 * i] << 8 | row[2 * i + 1];
	return row[i];
}

/* Maps one pixel of nin samples to nout channels (see png.h); maxv is the
 * largest sample value (opaque alpha). */
static void map_pixel(const uint32_t *in, int nin, uint32_t *out, int nout, uint32_t maxv)
{
	uint32_t alpha = nin == 2 ? in[1] : nin == 4 ? in[3] : maxv;
	uint32_t gray = in[0];
	if (nin >= 3)
		gray = (uint32_t)((299u * (uint64_t)in[0] + 587u * (uint64_t)in[1] +
		                   114u * (uint64_t)in[2] + 500u) / 1000u);
	if (nout <= 2) {
		out[0] = gray;
		out[1] = alpha;
		return;
	}
	for (int k = 0; k < 3; k++)
		out[k] = nin >= 3 ? in[k] : gray;
	out[3] = alpha;
}

/* Writes the nout mapped samples of one row (v: channel-major, nout x w) into
 * the planes of dst at row y, converted to dst's dtype. */
static void store_row(ml_tensor *dst, int64_t y, const uint32_t *v, int nout, int64_t w,
                      uint32_t maxv)
{
	int64_t plane = dst->size[1] * w;
	for (int k = 0; k < nout; k++) {
		const uint32_t *s = v + (int64_t)k * w;
		int64_t at = k * plane + y * w;
		switch (dst->dtype) {
		case ML_BYTE: {
			uint8_t *o = (uint8_t *)ml_tensor_data(dst) + at;
			for (int64_t x = 0; x < w; x++)
				o[x] = (uint8_t)(maxv == 255 ? s[x] : (s[x] * 255u + 32767u) / 65535u);
			break;
		}
		case ML_FLOAT: {
			float *o = (float *)ml_tensor_data(dst) + at;
			for (int64_t x = 0; x < w; x++)
				o[x] = (float)((double)s[x] / (double)maxv);
			break;
		}
		case ML_DOUBLE: {
			double *o = (double *)ml_tensor_data(dst) + at;
			for (int64_t x = 0; x < w; x++)
				o[x] = (double)s[x] / (double)maxv;
			break;
		}
		default: break; /* ml_png_load accepts only the three dtypes above */
		}
	}
}

static int open_png(reader *r, const char *path, ml_error *e)
{
	unsigned char sig[8];
	r->f = fopen(path, "rb");
	if (!r->f)
		return ml_fail(e, ML_EINVAL, "image.load: cannot open file: %s (%s)", strerror(errno),
		               path);
	size_t n = fread(sig, 1, 8, r->f);
	if (n < 8 && ferror(r->f))
		return ml_fail(e, ML_EINVAL, "image.load: read error: %s (%s)", strerror(errno), path);
	if (n == 0)
		return ml_fail(e, ML_EINVAL, "image.load: empty file (%s)", path);
	if (png_sig_cmp(sig, 0, n))
		return ml_fail(e, ML_EINVAL, "image.load: not a PNG file (%s)", path);
	if (n < 8)
		return ml_fail(e, ML_EINVAL, "image.load: truncated file (%s)", path);
	return ML_OK;
}

int ml_png_load(ml_tensor *dst, const char *path, ml_dtype dt, int channels, ml_png_info *info,
                ml_error *e)
{
	ml_tensor_release(dst);
	ml_tensor_init(dst, dt);
	if (dt != ML_BYTE && dt != ML_FLOAT && dt != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "image.load: cannot load into a %s tensor, only Byte, "
		               "Float or Double (%s)", ml_dtype_name(dt), path);
	if (channels < 0 || channels > 4)
		return ml_fail(e, ML_EINVAL, "image.load: %d channels asked, need 1, 2, 3 or 4 (%s)",
		               channels, path);
	reader r;
	memset(&r, 0, sizeof r);
	int rc = open_png(&r, path, e);
	if (rc) {
		if (r.f)
			fclose(r.f);
		return rc;
	}
	r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r.err, on_error, on_warning);
	r.pinfo = r.png ? png_create_info_struct(r.png) : NULL;
	if (!r.pinfo)
		r.nomem = 1;
	else
		decode(&r);
	if (r.nomem)
		rc = ml_fail(e, ML_ENOMEM, "image.load: out of memory (%s)", path);
	else if (r.err.msg[0])
		rc = ml_fail(e, ML_EINVAL, "image.load: %s (%s)", r.err.msg, path);
	if (!rc) {
		int nin = r.channels, nout = channels ? channels : nin;
		int64_t w = r.info.width, h = r.info.height;
		uint32_t maxv = r.depth == 16 ? 65535u : 255u;
		int64_t size[3] = {nout, h, w};
		uint32_t *v = malloc(sizeof(uint32_t) * 4 * (size_t)w);
		if (!v || ml_tensor_init_sized(dst, dt, 3, size, NULL)) {
			rc = ml_fail(e, ML_ENOMEM, "image.load: out of memory for a %lldx%lldx%lld "
			             "image (%s)", (long long)nout, (long long)h, (long long)w, path);
		} else {
			for (int64_t y = 0; y < h; y++) {
				for (int64_t x = 0; x < w; x++) {
					uint32_t in[4] = {0}, out[4];
					for (int k = 0; k < nin; k++)
						in[k] = sample(r.rows[y], r.depth, x * nin + k);
					map_pixel(in, nin, out, nout, maxv);
					for (int k = 0; k < nout; k++)
						v[k * w + x] = out[k];
				}
				store_row(dst, y, v, nout, w, maxv);
			}
		}
		free(v);
	}
	if (info)
		*info = r.info;
	png_destroy_read_struct(r.png ? &r.png : NULL, r.pinfo ? &r.pinfo : NULL, NULL);
	free(r.rows);
	free(r.pixels);
	fclose(r.f);
	return rc;
}

/* ---- saving ---- */

typedef struct writer {
	FILE *f;                 /* the temporary file */
	png_err err;             /* libpng's last error */
	int werrno;              /* errno of a failed fwrite, 0 otherwise */
	png_structp png;         /* libpng's write state */
	png_infop pinfo;         /* libpng's header info */
	unsigned char *row;      /* one encoded row */
	const ml_tensor *src;    /* the image, (C, H, W) view */
	int bits;                /* 8 or 16 */
} writer;

static void write_fn(png_structp png, png_bytep data, size_t n)
{
	writer *w = png_get_io_ptr(png);
	if (fwrite(data, 1, n, w->f) != n) {
		w->werrno = errno;
		png_error(png, "write error");
	}
}

static void flush_fn(png_structp png)
{
	writer *w = png_get_io_ptr(png);
	fflush(w->f);
}

/* Quantizes a value in [0, 1] to 0..maxv; NaN and negatives give 0. */
static uint32_t quantize(double v, uint32_t maxv)
{
	if (!(v > 0))
		return 0;
	if (v >= 1)
		return maxv;
	return (uint32_t)floor(v * maxv + 0.5);
}

/* Encodes row y of the (C, H, W) view src into out (interleaved, big-endian). */
static void encode_row(unsigned char *out, const ml_tensor *src, int64_t y, int bits)
{
	int64_t c = src->size[0], w = src->size[2];
	uint32_t maxv = bits == 16 ? 65535u : 255u;
	const char *base = (const char *)ml_tensor_data(src);
	size_t esz = ml_dtype_info[src->dtype].size;
	for (int64_t k = 0; k < c; k++) {
		const char *p = base + (size_t)(k * src->stride[0] + y * src->stride[1]) * esz;
		int64_t step = src->stride[2];
		for (int64_t x = 0; x < w; x++) {
			const void *q = p + (size_t)(x * step) * esz;
			uint32_t s;
			switch (src->dtype) {
			case ML_BYTE: s = *(const uint8_t *)q * (bits == 16 ? 257u : 1u); break;
			case ML_FLOAT: s = quantize(*(const float *)q, maxv); break;
			case ML_DOUBLE: s = quantize(*(const double *)q, maxv); break;
			default: s = 0; break; /* check_image accepts only the three dtypes above */
			}
			int64_t at = x * c + k;
			if (bits == 16) {
				out[2 * at] = (unsigned char)(s >> 8);
				out[2 * at + 1] = (unsigned char)(s & 0xff);
			} else {
				out[at] = (unsigned char)s;
			}
		}
	}
}

/* All libpng calls of a save.  Returns 0, or -1 with w->err set. */
static int encode(writer *w)
{
	static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
	                                   PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
	if (setjmp(png_jmpbuf(w->png)))
		return -1;
	png_set_write_fn(w->png, w, write_fn, flush_fn);
	png_set_IHDR(w->png, w->pinfo, (png_uint_32)w->src->size[2], (png_uint_32)w->src->size[1],
	             w->bits, color_types[w->src->size[0]], PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(w->png, w->pinfo);
	for (int64_t y = 0; y < w->src->size[1]; y++) {
		encode_row(w->row, w->src, y, w->bits);
		png_write_row(w->png, w->row);
	}
	png_write_end(w->png, NULL);
	return 0;
}

/* Checks src and makes v a (C, H, W) view of it (borrowed: no reference). */
static int check_image(const ml_tensor *src, int bits, const char *path, ml_tensor *v, ml_error *e)
{
	char shape[ML_SHAPELEN];
	ml_tensor_shape_str(shape, sizeof shape, src);
	if (src->dtype != ML_BYTE && src->dtype != ML_FLOAT && src->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "image.save: cannot save a %s tensor, only Byte, Float or "
		               "Double (%s)", ml_dtype_name(src->dtype), path);
	if (bits != 8 && bits != 16)
		return ml_fail(e, ML_EINVAL, "image.save: bits must be 8 or 16, got %d (%s)", bits, path);
	*v = *src;
	if (v->ndim == 2) {
		v->ndim = 3;
		v->size[2] = v->size[1], v->stride[2] = v->stride[1];
		v->size[1] = v->size[0], v->stride[1] = v->stride[0];
		v->size[0] = 1, v->stride[0] = 0;
	}
	if (v->ndim != 3 || v->size[0] < 1 || v->size[0] > 4)
		return ml_fail(e, ML_ESHAPE, "image.save: need an h x w tensor or a c x h x w tensor "
		               "with 1, 2, 3 or 4 channels, got %s (%s)", shape, path);
	if (v->size[1] < 1 || v->size[2] < 1 || v->size[1] > 0x7fffffff || v->size[2] > 0x7fffffff)
		return ml_fail(e, ML_ESHAPE, "image.save: cannot save an image of size %s (%s)", shape,
		               path);
	return ML_OK;
}

int ml_png_save(const char *path, const ml_tensor *src, int bits, ml_error *e)
{
	ml_tensor v;
	int rc = check_image(src, bits, path, &v, e);
	if (rc)
		return rc;
	writer w;
	memset(&w, 0, sizeof w);
	w.src = &v;
	w.bits = bits;
	size_t len = strlen(path);
	char *tmp = malloc(len + 8);
	w.row = malloc((size_t)v.size[0] * (size_t)v.size[2] * (size_t)(bits / 8));
	if (!tmp || !w.row) {
		free(tmp);
		free(w.row);
		return ml_fail(e, ML_ENOMEM, "image.save: out of memory (%s)", path);
	}
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".XXXXXX", 8);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = ml_fail(e, ML_EINVAL, "image.save: cannot create file: %s (%s)", strerror(errno),
		             path);
		free(tmp);
		free(w.row);
		return rc;
	}
	/* mkstemp makes the file 0600; give it the mode a plain fopen would */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(w.f = fdopen(fd, "wb"))) {
		rc = ml_fail(e, ML_EINVAL, "image.save: cannot write file: %s (%s)", strerror(errno),
		             path);
		close(fd);
	} else {
		w.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &w.err, on_error, on_warning);
		w.pinfo = w.png ? png_create_info_struct(w.png) : NULL;
		if (!w.pinfo)
			rc = ml_fail(e, ML_ENOMEM, "image.save: out of memory (%s)", path);
		else if (encode(&w))
			rc = w.werrno ? ml_fail(e, ML_EINVAL, "image.save: cannot write file: %s (%s)",
			                        strerror(w.werrno), path)
			              : ml_fail(e, ML_EINVAL, "image.save: %s (%s)", w.err.msg, path);
		png_destroy_write_struct(w.png ? &w.png : NULL, w.pinfo ? &w.pinfo : NULL);
		if (fclose(w.f) != 0 && !rc)
			rc = ml_fail(e, ML_EINVAL, "image.save: cannot write file: %s (%s)",
			             strerror(errno), path);
	}
	if (!rc && rename(tmp, path) != 0)
		rc = ml_fail(e, ML_EINVAL, "image.save: cannot rename the temporary file: %s (%s)",
		             strerror(errno), path);
	if (rc)
		unlink(tmp);
	free(tmp);
	free(w.row);
	return rc;
}
