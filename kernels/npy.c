/*
 * npy.c - NumPy .npy files and .npz archives (ZIP, stored or deflate through
 * zlib).  See npy.h for the contract.
 *
 * Reading goes through one byte stream, ml_npy_reader, whose rd() serves
 * either a plain file or an archive member (inflating it when compressed and
 * keeping its CRC-32); the .npy header parser and the element reader sit on
 * top of it and do not know which.  Writing mirrors that with a sink (plain,
 * or deflating and counting a member's CRC and sizes).  Disk access is
 * kernels/file.c's (ml_file), including the atomic temporary-and-rename save.
 *
 * Deliberately not done: the numpy types moonlab has no tensor for (refused
 * by name), pickled object arrays, ZIP64, data descriptors on write, memory
 * mapping.  Archive members are located through the central directory only;
 * local headers just give the offset of the data (numpy's own local headers
 * carry ZIP64 placeholders for the sizes, which the central directory does
 * not repeat for small members).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "file.h"
#include "npy.h"

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
#define MAX_HEADER (1u << 20)  /* longest header accepted; numpy's own are < 200 bytes */
#define ALIGN 64               /* numpy pads headers so the data starts at a multiple of 64 */
#define ZBUF (1u << 16)        /* compressed bytes buffered per inflate/deflate call */
#define GATHER (1u << 16)      /* bytes of a strided tensor gathered per write */
#define ZMAX_RATIO 1032        /* deflate cannot expand data by more than about 1032:1 */
#define U32_MAX 0xFFFFFFFFu

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* Replaces the "module.verb: " prefix of a message from file.c by who. */
static int reword(ml_error *e, int rc, const char *who)
{
	char msg[ML_ERRLEN];
	const char *colon = strstr(e->msg, ": ");
	snprintf(msg, sizeof msg, "%s", colon ? colon + 2 : e->msg);
	return ml_fail(e, rc, "%s: %s", who, msg);
}

static uint32_t get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xFFFFu);
	put16(p + 2, v >> 16);
}

static uint32_t crc_update(uint32_t crc, const void *p, size_t n)
{
	return (uint32_t)crc32_z(crc, p, n);
}

/* ---- header parsing ---- */

typedef struct cursor {
	const char *p;       /* next character */
	const char *start;   /* the header's first character, for positions */
	const char *end;     /* one past the header */
} cursor;

static void skip_ws(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int peek(cursor *c)
{
	skip_ws(c);
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int accept(cursor *c, char ch)
{
	if (peek(c) != (unsigned char)ch)
		return 0;
	c->p++;
	return 1;
}

/* A Python string literal in single or double quotes (no escapes: numpy's
 * keys and type strings have none) into out; -1 when malformed or too long. */
static int parse_str(cursor *c, char *out, size_t cap)
{
	int q = peek(c);
	if (q != '\'' && q != '"')
		return -1;
	const char *s = ++c->p;
	while (c->p < c->end && *c->p != q && *c->p != '\\')
		c->p++;
	if (c->p >= c->end || *c->p != q || (size_t)(c->p - s) >= cap)
		return -1;
	memcpy(out, s, (size_t)(c->p - s));
	out[c->p - s] = 0;
	c->p++;
	return 0;
}

static int parse_word(cursor *c, const char *w)
{
	size_t n = strlen(w);
	skip_ws(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* The numpy name of a type string's kind and size, for messages. */
static void type_name(char kind, int size, char *out, size_t cap)
{
	switch (kind) {
	case 'b': snprintf(out, cap, "bool of %d bytes", size); break;
	case 'u': snprintf(out, cap, "uint%d", size * 8); break;
	case 'i': snprintf(out, cap, "int%d", size * 8); break;
	case 'f': snprintf(out, cap, "float%d", size * 8); break;
	case 'c': snprintf(out, cap, "complex%d", size * 8); break;
	case 'O': snprintf(out, cap, "object: pickled Python objects"); break;
	case 'U': snprintf(out, cap, "unicode string"); break;
	case 'S': case 'a': snprintf(out, cap, "byte string"); break;
	case 'V': snprintf(out, cap, "raw bytes (void)"); break;
	case 'M': snprintf(out, cap, "datetime64"); break;
	case 'm': snprintf(out, cap, "timedelta64"); break;
	default: snprintf(out, cap, "unknown kind '%c'", kind); break;
	}
}

/* Maps a numpy type string ("<f8", "|u1", ">i4", "|b1") to a dtype. */
static int parse_descr(const char *d, ml_npy_info *info, const char *who, const char *label,
                       ml_error *e)
{
	const char *p = d;
	char order = '=';
	if (*p == '<' || *p == '>' || *p == '|' || *p == '=')
		order = *p++;
	char kind = *p ? *p++ : '?';
	int size = 0, digits = 0;
	while (*p >= '0' && *p <= '9' && size < 1000) {
		size = size * 10 + (*p++ - '0');
		digits++;
	}
	int ok = digits > 0 && *p == 0;
	ml_dtype dt = ML_BYTE;
	if (ok && (kind == 'u' || kind == 'b') && size == 1)
		dt = ML_BYTE;
	else if (ok && kind == 'i' && size == 1)
		dt = ML_CHAR;
	else if (ok && kind == 'i' && size == 2)
		dt = ML_SHORT;
	else if (ok && kind == 'i' && size == 4)
		dt = ML_INT;
	else if (ok && kind == 'i' && size == 8)
		dt = ML_LONG;
	else if (ok && kind == 'f' && size == 4)
		dt = ML_FLOAT;
	else if (ok && kind == 'f' && size == 8)
		dt = ML_DOUBLE;
	else {
		char name[64];
		type_name(kind, size, name, sizeof name);
		return ml_fail(e, ML_ETYPE, "%s: unsupported dtype '%s' (%s); moonlab reads uint8, int8, "
		               "int16, int32, int64, float32, float64 and bool (%s)", who, d, name, label);
	}
	info->dtype = dt;
	int little = ml_file_host_little_endian();
	info->swap = size > 1 && ((order == '<' && !little) || (order == '>' && little));
	return ML_OK;
}

/* The shape tuple: "()", "(3,)", "(3, 4)", Python 2's "(3L, 4L)". */
static int parse_shape(cursor *c, ml_npy_info *info, const char *who, const char *label, ml_error *e)
{
	if (!accept(c, '('))
		return 1;
	int nd = 0;
	int64_t numel = 1;
	while (!accept(c, ')')) {
		if (nd > 0 && !accept(c, ','))
			return 1;
		if (accept(c, ')'))
			break;
		int neg = accept(c, '-');
		skip_ws(c);
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return 1;
		uint64_t v = 0;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (v > (uint64_t)INT64_MAX / 10)
				return ml_fail(e, ML_EINVAL, "%s: absurd shape in the header: a dimension "
				               "overflows 64 bits (%s)", who, label);
			v = v * 10 + (uint64_t)(*c->p++ - '0');
		}
		if (c->p < c->end && (*c->p == 'L' || *c->p == 'l'))
			c->p++;
		if (neg && v > 0)
			return ml_fail(e, ML_EINVAL, "%s: absurd shape in the header: negative dimension "
			               "-%" PRIu64 " (%s)", who, v, label);
		if (v > (uint64_t)INT64_MAX)
			return 1;
		if (nd == ML_MAX_DIMS)
			return ml_fail(e, ML_EINVAL, "%s: more than %d dimensions (%s)", who, ML_MAX_DIMS,
			               label);
		info->size[nd++] = (int64_t)v;
		if (v > 0 && numel > INT64_MAX / 8 / (int64_t)v)
			return ml_fail(e, ML_EINVAL, "%s: absurd shape in the header: the element count "
			               "overflows 64 bits (%s)", who, label);
		numel *= (int64_t)v;
	}
	info->ndim = nd;
	info->numel = numel;
	return ML_OK;
}

/* Magic and version of the first n bytes; on success *pre is the length of
 * magic + version + length field and *total the bytes up to the data. */
static int parse_prefix(const unsigned char *b, size_t n, size_t *pre, uint64_t *total,
                        const char *who, const char *label, ml_error *e)
{
	if (n < MAGIC_LEN || memcmp(b, MAGIC, MAGIC_LEN) != 0)
		return ml_fail(e, ML_EINVAL, "%s: not an .npy file: no \\x93NUMPY magic at the start (%s)",
		               who, label);
	if (n < 8)
		return ml_fail(e, ML_EINVAL, "%s: truncated .npy header (%zu bytes) (%s)", who, n, label);
	if (b[6] < 1 || b[6] > 3 || b[7] != 0)
		return ml_fail(e, ML_EINVAL, "%s: unsupported .npy format version %d.%d; 1.0, 2.0 and "
		               "3.0 are read (%s)", who, b[6], b[7], label);
	*pre = b[6] == 1 ? 10 : 12;
	if (n < *pre)
		return ml_fail(e, ML_EINVAL, "%s: truncated .npy header (%zu bytes) (%s)", who, n, label);
	uint64_t hlen = b[6] == 1 ? get16(b + 8) : get32(b + 8);
	if (hlen > MAX_HEADER)
		return ml_fail(e, ML_EINVAL, "%s: .npy header of %" PRIu64 " bytes is too long (%s)", who,
		               hlen, label);
	*total = *pre + hlen;
	return ML_OK;
}

int ml_npy_parse_header(const void *buf, size_t n, ml_npy_info *info, const char *who,
                        const char *label, ml_error *e)
{
	const unsigned char *b = buf;
	size_t pre;
	uint64_t total;
	memset(info, 0, sizeof *info);
	int rc = parse_prefix(b, n, &pre, &total, who, label, e);
	if (rc)
		return rc;
	if (n < total)
		return ml_fail(e, ML_EINVAL, "%s: truncated .npy header (%zu of %" PRIu64 " bytes) (%s)",
		               who, n, total, label);
	info->version = b[6];
	info->header_bytes = total;
	cursor c = {(const char *)b + pre, (const char *)b + pre, (const char *)b + total};
	int have_descr = 0, have_order = 0, have_shape = 0;
	char key[32];
	if (!accept(&c, '{'))
		goto malformed;
	while (!accept(&c, '}')) {
		if (parse_str(&c, key, sizeof key) || !accept(&c, ':'))
			goto malformed;
		if (strcmp(key, "descr") == 0) {
			if (peek(&c) == '[')
				return ml_fail(e, ML_ETYPE, "%s: unsupported dtype: structured arrays (records) "
				               "are not read (%s)", who, label);
			if (parse_str(&c, info->descr, sizeof info->descr))
				goto malformed;
			have_descr = 1;
		} else if (strcmp(key, "fortran_order") == 0) {
			if (parse_word(&c, "True"))
				info->fortran = 1;
			else if (parse_word(&c, "False"))
				info->fortran = 0;
			else
				goto malformed;
			have_order = 1;
		} else if (strcmp(key, "shape") == 0) {
			rc = parse_shape(&c, info, who, label, e);
			if (rc > 0)
				goto malformed;
			if (rc)
				return rc;
			have_shape = 1;
		} else {
			return ml_fail(e, ML_EINVAL, "%s: malformed .npy header: unknown key '%s' (%s)", who,
			               key, label);
		}
		if (!accept(&c, ',')) {
			if (!accept(&c, '}'))
				goto malformed;
			break;
		}
	}
	skip_ws(&c);
	if (c.p != c.end)
		goto malformed;
	if (!have_descr || !have_order || !have_shape)
		return ml_fail(e, ML_EINVAL, "%s: malformed .npy header: missing '%s' (%s)", who,
		               !have_descr ? "descr" : !have_order ? "fortran_order" : "shape", label);
	return parse_descr(info->descr, info, who, label, e);
malformed:
	return ml_fail(e, ML_EINVAL, "%s: malformed .npy header near byte %d of %" PRIu64 " (%s)",
	               who, (int)(c.p - c.start) + (int)pre, total, label);
}

/* ---- the reading stream ---- */

struct ml_npy_reader {
	ml_file own;          /* the .npy file of a standalone reader */
	ml_file *f;           /* where bytes come from: &own, or the archive's file */
	char *label;          /* "path" or "path, member 'name'", for messages */
	const char *who;      /* the caller's name for the operation */
	uint64_t left;        /* bytes of the stream not yet delivered (UINT64_MAX: unknown) */
	int member;           /* 1: an archive member (CRC checked at the end) */
	int deflate;          /* 1: deflate-compressed member */
	int z_live;           /* 1: z needs inflateEnd */
	uint64_t zleft;       /* compressed bytes not yet fed to inflate */
	z_stream z;           /* inflate state */
	unsigned char *zin;   /* inflate input buffer (ZBUF bytes) */
	uint32_t crc;         /* CRC-32 of the bytes delivered */
	uint32_t want_crc;    /* the central directory's CRC-32 */
};

void ml_npy_close(ml_npy_reader *r)
{
	if (!r)
		return;
	if (r->f == &r->own)
		ml_file_discard(&r->own);
	if (r->z_live)
		inflateEnd(&r->z);
	free(r->zin);
	free(r->label);
	free(r);
}

static int truncated(ml_npy_reader *r, size_t want, ml_error *e)
{
	return ml_fail(e, ML_EINVAL, "%s: truncated %s: %zu more bytes needed (%s)", r->who,
	               r->deflate ? "compressed data" : "file", want, r->label);
}

/* Delivers exactly n bytes of the stream into dst, or fails. */
static int rd(ml_npy_reader *r, void *dst, size_t n, ml_error *e)
{
	if (n == 0)
		return ML_OK;
	if (r->left != UINT64_MAX && n > r->left)
		return truncated(r, n, e);
	if (!r->deflate) {
		size_t got;
		int rc = ml_file_read_bytes(r->f, dst, n, &got, e);
		if (rc)
			return reword(e, rc, r->who);
		if (got < n)
			return truncated(r, n - got, e);
	} else {
		unsigned char *out = dst;
		size_t todo = n;
		while (todo > 0) {
			uInt chunk = todo > (1u << 30) ? 1u << 30 : (uInt)todo;
			r->z.next_out = out;
			r->z.avail_out = chunk;
			while (r->z.avail_out > 0) {
				if (r->z.avail_in == 0) {
					size_t k = r->zleft < ZBUF ? (size_t)r->zleft : ZBUF, got;
					if (k == 0)
						return truncated(r, r->z.avail_out, e);
					int rc = ml_file_read_bytes(r->f, r->zin, k, &got, e);
					if (rc)
						return reword(e, rc, r->who);
					if (got < k)
						return ml_fail(e, ML_EINVAL, "%s: truncated file: the archive ends inside "
						               "a member (%s)", r->who, r->label);
					r->zleft -= k;
					r->z.next_in = r->zin;
					r->z.avail_in = (uInt)k;
				}
				int zr = inflate(&r->z, Z_NO_FLUSH);
				if (zr == Z_STREAM_END && r->z.avail_out > 0)
					return ml_fail(e, ML_EINVAL, "%s: corrupt member: the compressed data ends "
					               "before its declared size (%s)", r->who, r->label);
				if (zr == Z_STREAM_END)
					break;
				if (zr != Z_OK)
					return ml_fail(e, ML_EINVAL, "%s: corrupt compressed data: %s (%s)", r->who,
					               r->z.msg ? r->z.msg : zError(zr), r->label);
			}
			out += chunk;
			todo -= chunk;
		}
	}
	if (r->member)
		r->crc = crc_update(r->crc, dst, n);
	if (r->left != UINT64_MAX)
		r->left -= n;
	return ML_OK;
}

/* After the data of an archive member: reads what is left of it and checks
 * the CRC-32 over the whole member. */
static int finish_member(ml_npy_reader *r, ml_error *e)
{
	unsigned char scratch[4096];
	while (r->left > 0) {
		size_t k = r->left < sizeof scratch ? (size_t)r->left : sizeof scratch;
		int rc = rd(r, scratch, k, e);
		if (rc)
			return rc;
	}
	if (r->crc != r->want_crc)
		return ml_fail(e, ML_EINVAL, "%s: corrupt member: CRC-32 is %08" PRIx32 ", the archive "
		               "says %08" PRIx32 " (%s)", r->who, r->crc, r->want_crc, r->label);
	return ML_OK;
}

/* Reads and parses the header at the stream's start; checks that the data fits. */
static int read_header(ml_npy_reader *r, ml_npy_info *info, ml_error *e)
{
	unsigned char pre[12];
	size_t n = r->left < 8 ? (size_t)r->left : 8, prelen;
	uint64_t total;
	int rc = rd(r, pre, n, e);
	if (rc)
		return rc;
	/* the length field after magic and version: 2 bytes in 1.0, 4 in 2.0 and 3.0 */
	size_t more = n == 8 && pre[6] >= 1 && pre[6] <= 3 ? (pre[6] == 1 ? 2 : 4) : 0;
	if (more > r->left)
		more = (size_t)r->left;
	rc = rd(r, pre + n, more, e);
	if (rc)
		return rc;
	n += more;
	rc = parse_prefix(pre, n, &prelen, &total, r->who, r->label, e);
	if (rc)
		return rc;
	if (r->left != UINT64_MAX && total - n > r->left)
		return ml_fail(e, ML_EINVAL, "%s: truncated .npy header (%" PRIu64 " of %" PRIu64 " bytes) (%s)",
		               r->who, n + r->left, total, r->label);
	unsigned char *h = malloc((size_t)total);
	if (!h)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate %" PRIu64 " bytes (%s)", r->who, total,
		               r->label);
	memcpy(h, pre, n);
	rc = rd(r, h + n, (size_t)(total - n), e);
	if (!rc)
		rc = ml_npy_parse_header(h, (size_t)total, info, r->who, r->label, e);
	free(h);
	if (rc)
		return rc;
	uint64_t bytes = (uint64_t)info->numel * ml_dtype_info[info->dtype].size;
	if (r->left != UINT64_MAX && bytes > r->left) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_EINVAL, "%s: truncated file: shape %s of %s needs %" PRIu64 " bytes of "
		               "data, %" PRIu64 " remain (%s)", r->who,
		               info->ndim ? ml_shape_str(s, sizeof s, info->ndim, info->size) : "()",
		               info->descr, bytes, r->left, r->label);
	}
	return ML_OK;
}

int ml_npy_open(ml_npy_reader **out, const char *path, const char *who, ml_npy_info *info,
                ml_error *e)
{
	*out = NULL;
	memset(info, 0, sizeof *info);
	ml_npy_reader *r = calloc(1, sizeof *r);
	if (!r || !(r->label = dupstr(path))) {
		free(r);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", who, path);
	}
	r->who = who;
	int rc = ml_file_open(&r->own, path, "r", e);
	if (rc) {
		ml_npy_close(r);
		return reword(e, rc, who);
	}
	r->f = &r->own;
	int64_t rem = ml_file_remaining(r->f);
	r->left = rem < 0 ? UINT64_MAX : (uint64_t)rem;
	rc = read_header(r, info, e);
	if (rc) {
		ml_npy_close(r);
		return rc;
	}
	*out = r;
	return ML_OK;
}

static void swap_bytes(void *p, size_t es, int64_t n)
{
	unsigned char *b = p;
	switch (es) {
	case 2:
		for (int64_t i = 0; i < n; i++, b += 2) {
			uint16_t v;
			memcpy(&v, b, 2);
			v = __builtin_bswap16(v);
			memcpy(b, &v, 2);
		}
		break;
	case 4:
		for (int64_t i = 0; i < n; i++, b += 4) {
			uint32_t v;
			memcpy(&v, b, 4);
			v = __builtin_bswap32(v);
			memcpy(b, &v, 4);
		}
		break;
	case 8:
		for (int64_t i = 0; i < n; i++, b += 8) {
			uint64_t v;
			memcpy(&v, b, 8);
			v = __builtin_bswap64(v);
			memcpy(b, &v, 8);
		}
		break;
	default:
		break;
	}
}

int ml_npy_read(ml_npy_reader *r, const ml_npy_info *info, ml_tensor *t, ml_error *e)
{
	int64_t size[ML_MAX_DIMS], stride[ML_MAX_DIMS];
	int nd = info->ndim;
	if (nd == 0) {
		nd = 1;
		size[0] = 1;
	} else {
		memcpy(size, info->size, sizeof(int64_t) * (size_t)nd);
	}
	/* Fortran order: the first index moves fastest */
	int64_t step = 1;
	for (int d = 0; d < nd; d++) {
		stride[d] = step;
		step *= size[d];
	}
	size_t es = ml_dtype_info[info->dtype].size;
	ml_storage *s = ml_storage_new(info->dtype, info->numel, e);
	if (!s)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate %" PRId64 " %s elements (%s)", r->who,
		               info->numel, ml_dtype_info[info->dtype].name, r->label);
	int rc = rd(r, s->data, (size_t)info->numel * es, e);
	if (!rc && info->swap)
		swap_bytes(s->data, es, info->numel);
	if (!rc) /* contiguous strides exactly as resize makes them, unless column-major */
		rc = ml_tensor_set_storage(t, s, 0, nd, size, info->fortran && info->numel > 0 ? stride : NULL, e);
	ml_storage_release(s);
	if (!rc && r->member)
		rc = finish_member(r, e);
	return rc;
}

/* ---- writing: the sink and the .npy encoder ---- */

typedef struct sink {
	ml_file *f;           /* destination */
	const char *who;      /* for messages */
	int z_live;           /* 1: deflating through z */
	z_stream z;           /* deflate state */
	unsigned char *zout;  /* deflate output buffer (ZBUF bytes) */
	int member;           /* 1: an archive member: keep the CRC-32 */
	uint32_t crc;         /* CRC-32 of the bytes put (members) */
	uint64_t raw;         /* bytes put (uncompressed) */
	uint64_t written;     /* bytes that reached the file */
} sink;

static int emit(sink *s, const void *p, size_t n, ml_error *e)
{
	int rc = ml_file_write_bytes(s->f, p, n, e);
	if (rc)
		return reword(e, rc, s->who);
	s->written += n;
	return ML_OK;
}

/* Runs deflate over what z holds with the given flush mode, writing its output. */
static int pump(sink *s, int flush, ml_error *e)
{
	for (;;) {
		s->z.next_out = s->zout;
		s->z.avail_out = ZBUF;
		int zr = deflate(&s->z, flush);
		if (zr == Z_STREAM_ERROR)
			return ml_fail(e, ML_EINVAL, "%s: deflate failed", s->who);
		int rc = emit(s, s->zout, ZBUF - s->z.avail_out, e);
		if (rc)
			return rc;
		if (flush == Z_FINISH ? zr == Z_STREAM_END : s->z.avail_in == 0 && s->z.avail_out > 0)
			return ML_OK;
	}
}

static int put(sink *s, const void *p, size_t n, ml_error *e)
{
	if (n == 0)
		return ML_OK;
	if (s->member)
		s->crc = crc_update(s->crc, p, n);
	s->raw += n;
	if (!s->z_live)
		return emit(s, p, n, e);
	const unsigned char *b = p;
	while (n > 0) {
		uInt k = n > (1u << 30) ? 1u << 30 : (uInt)n;
		s->z.next_in = (unsigned char *)(uintptr_t)b; /* zlib's next_in is not const */
		s->z.avail_in = k;
		int rc = pump(s, Z_NO_FLUSH, e);
		if (rc)
			return rc;
		b += k;
		n -= k;
	}
	return ML_OK;
}

/* numpy's header for t: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
 * padded with spaces and a newline so the data starts at a multiple of 64. */
static size_t npy_header(const ml_tensor *t, unsigned char *out, size_t cap)
{
	size_t es = ml_dtype_info[t->dtype].size;
	char *h = (char *)out + 10;
	size_t hcap = cap - 10, n;
	char order = es == 1 ? '|' : ml_file_host_little_endian() ? '<' : '>';
	char kind = ml_dtype_info[t->dtype].is_float ? 'f' : t->dtype == ML_BYTE ? 'u' : 'i';
	n = (size_t)snprintf(h, hcap, "{'descr': '%c%c%zu', 'fortran_order': False, 'shape': (", order,
	                     kind, es);
	if (t->ndim == 0)
		n += (size_t)snprintf(h + n, hcap - n, "0,");
	for (int d = 0; d < t->ndim; d++)
		n += (size_t)snprintf(h + n, hcap - n, "%s%" PRId64, d ? ", " : "", t->size[d]);
	if (t->ndim == 1)
		h[n++] = ',';
	n += (size_t)snprintf(h + n, hcap - n, "), }");
	size_t pad = ALIGN - (10 + n + 1) % ALIGN;
	memset(h + n, ' ', pad);
	n += pad;
	h[n++] = '\n';
	memcpy(out, MAGIC, MAGIC_LEN);
	out[6] = 1;
	out[7] = 0;
	put16(out + 8, (uint32_t)n);
	return 10 + n;
}

/* Copies n elements of es bytes, src stepping `step` bytes, into contiguous dst. */
static void gather(unsigned char *restrict dst, const unsigned char *restrict src, int64_t n,
                   int64_t step, size_t es)
{
	switch (es) {
	case 1:
		for (int64_t i = 0; i < n; i++)
			dst[i] = src[i * step];
		break;
	case 2:
		for (int64_t i = 0; i < n; i++)
			memcpy(dst + i * 2, src + i * step, 2);
		break;
	case 4:
		for (int64_t i = 0; i < n; i++)
			memcpy(dst + i * 4, src + i * step, 4);
		break;
	default:
		for (int64_t i = 0; i < n; i++)
			memcpy(dst + i * 8, src + i * step, 8);
		break;
	}
}

/* Puts t's elements in C order: one write when contiguous, else gathered
 * through a buffer of GATHER bytes. */
static int put_elements(sink *s, const ml_tensor *t, ml_error *e)
{
	int64_t n = ml_tensor_numel(t);
	size_t es = ml_dtype_info[t->dtype].size;
	if (t->ndim == 0 || n == 0)
		return ML_OK;
	const unsigned char *base = ml_tensor_data(t);
	if (ml_tensor_is_contiguous(t))
		return put(s, base, (size_t)n * es, e);
	unsigned char *buf = malloc(GATHER);
	if (!buf)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate %u bytes", s->who, GATHER);
	int nd = t->ndim, rc = ML_OK;
	int64_t idx[ML_MAX_DIMS] = {0}, inner = t->size[nd - 1];
	int64_t step = t->stride[nd - 1] * (int64_t)es, per = GATHER / (int64_t)es;
	size_t used = 0;
	for (int64_t row = 0; row < n / inner && !rc; row++) {
		int64_t off = 0;
		for (int d = 0; d < nd - 1; d++)
			off += idx[d] * t->stride[d];
		const unsigned char *p = base + off * (int64_t)es;
		for (int64_t j = 0; j < inner && !rc;) {
			int64_t k = inner - j;
			if (k > per - (int64_t)(used / es))
				k = per - (int64_t)(used / es);
			gather(buf + used, p + j * step, k, step, es);
			used += (size_t)k * es;
			j += k;
			if (used == (size_t)per * es) {
				rc = put(s, buf, used, e);
				used = 0;
			}
		}
		for (int d = nd - 2; d >= 0; d--) {
			if (++idx[d] < t->size[d])
				break;
			idx[d] = 0;
		}
	}
	if (!rc)
		rc = put(s, buf, used, e);
	free(buf);
	return rc;
}

static int put_npy(sink *s, const ml_tensor *t, ml_error *e)
{
	unsigned char h[1024];
	int rc = put(s, h, npy_header(t, h, sizeof h), e);
	return rc ? rc : put_elements(s, t, e);
}

int ml_npy_save(const char *path, const ml_tensor *t, const char *who, ml_error *e)
{
	ml_file f;
	int rc = ml_file_open_atomic(&f, path, e);
	if (rc)
		return reword(e, rc, who);
	sink s = {.f = &f, .who = who};
	rc = put_npy(&s, t, e);
	if (rc) {
		ml_file_discard(&f);
		return rc;
	}
	rc = ml_file_close(&f, e);
	return rc ? reword(e, rc, who) : ML_OK;
}

/* ---- .npz: reading ---- */

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64_LOCATOR 0x07064b50u
#define LOCAL_LEN 30
#define CENTRAL_LEN 46
#define END_LEN 22

typedef struct npz_entry {
	char *name;           /* member name (owned) */
	uint64_t offset;      /* of the local header */
	uint32_t crc;         /* CRC-32 of the uncompressed bytes */
	uint32_t csize;       /* stored bytes */
	uint32_t usize;       /* uncompressed bytes */
	uint32_t method;      /* 0 stored, 8 deflate */
	uint32_t time, date;  /* DOS time and date (written archives) */
	uint32_t flags;       /* general purpose flags (written archives) */
} npz_entry;

struct ml_npz {
	ml_file f;            /* the archive */
	char *path;           /* for messages (owned) */
	const char *who;      /* the caller's name for the operation */
	uint64_t data_end;    /* where the central directory starts: members end before it */
	npz_entry *ent;       /* members in directory order */
	int64_t n;            /* number of members */
};

void ml_npz_close(ml_npz *z)
{
	if (!z)
		return;
	for (int64_t i = 0; i < z->n; i++)
		free(z->ent[i].name);
	free(z->ent);
	free(z->path);
	ml_file_discard(&z->f);
	free(z);
}

int64_t ml_npz_count(const ml_npz *z)
{
	return z->n;
}

const char *ml_npz_name(const ml_npz *z, int64_t i)
{
	return z->ent[i].name;
}

uint64_t ml_npz_size(const ml_npz *z, int64_t i)
{
	return z->ent[i].usize;
}

/* Reads n bytes at byte pos of z's file. */
static int read_at(ml_npz *z, uint64_t pos, void *dst, size_t n, ml_error *e)
{
	size_t got;
	int rc = ml_file_seek(&z->f, (int64_t)pos, e);
	if (!rc)
		rc = ml_file_read_bytes(&z->f, dst, n, &got, e);
	if (rc)
		return reword(e, rc, z->who);
	if (got < n)
		return ml_fail(e, ML_EINVAL, "%s: truncated archive (%s)", z->who, z->path);
	return ML_OK;
}

static int zip64_error(ml_npz *z, ml_error *e)
{
	return ml_fail(e, ML_EINVAL, "%s: ZIP64 archives (over 4 GiB or 65535 members) are not "
	               "supported (%s)", z->who, z->path);
}

/* Finds the end record in the last bytes of the file and reads the central directory. */
static int read_directory(ml_npz *z, uint64_t fsize, ml_error *e)
{
	size_t tail = fsize < END_LEN + 65535 ? (size_t)fsize : END_LEN + 65535;
	unsigned char *b = malloc(tail);
	if (!b)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", z->who, z->path);
	int rc = read_at(z, fsize - tail, b, tail, e);
	int64_t at = -1;
	for (int64_t i = (int64_t)tail - END_LEN; !rc && i >= 0 && at < 0; i--)
		if (get32(b + i) == SIG_END && (size_t)i + END_LEN + get16(b + i + 20) <= tail)
			at = i;
	if (!rc && at < 0) {
		rc = ml_fail(e, ML_EINVAL, "%s: not an .npz file: no ZIP end record%s (%s)", z->who,
		             tail >= MAGIC_LEN && memcmp(b, MAGIC, MAGIC_LEN) == 0 && fsize == tail
		             ? "; it is an .npy file (use torch.loadnpy)" : "", z->path);
	}
	uint32_t disk = 0, cd_disk = 0, n_disk = 0, n_total = 0, cd_size = 0, cd_off = 0;
	uint64_t end_pos = 0;
	if (!rc) {
		const unsigned char *p = b + at;
		disk = get16(p + 4);
		cd_disk = get16(p + 6);
		n_disk = get16(p + 8);
		n_total = get16(p + 10);
		cd_size = get32(p + 12);
		cd_off = get32(p + 16);
		end_pos = fsize - tail + (uint64_t)at;
		if (n_total == 0xFFFF || cd_size == U32_MAX || cd_off == U32_MAX ||
		    (at >= 20 && get32(p - 20) == SIG_END64_LOCATOR))
			rc = zip64_error(z, e);
		else if (disk != 0 || cd_disk != 0 || n_disk != n_total)
			rc = ml_fail(e, ML_EINVAL, "%s: multi-disk ZIP archives are not supported (%s)", z->who,
			             z->path);
		else if ((uint64_t)cd_off + cd_size > end_pos || (uint64_t)n_total * CENTRAL_LEN > cd_size)
			rc = ml_fail(e, ML_EINVAL, "%s: corrupt archive: the central directory (%" PRIu32
			             " members, %" PRIu32 " bytes at %" PRIu32 ") does not fit (%s)", z->who,
			             n_total, cd_size, cd_off, z->path);
	}
	free(b);
	if (rc)
		return rc;
	z->data_end = cd_off;
	b = malloc(cd_size ? cd_size : 1);
	z->ent = calloc(n_total ? n_total : 1, sizeof *z->ent);
	if (!b || !z->ent) {
		free(b);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", z->who, z->path);
	}
	rc = read_at(z, cd_off, b, cd_size, e);
	size_t pos = 0;
	for (uint32_t i = 0; i < n_total && !rc; i++) {
		const unsigned char *p = b + pos;
		if (pos + CENTRAL_LEN > cd_size || get32(p) != SIG_CENTRAL) {
			rc = ml_fail(e, ML_EINVAL, "%s: corrupt archive: bad central directory record %" PRIu32
			             " (%s)", z->who, i + 1, z->path);
			break;
		}
		size_t nlen = get16(p + 28), xlen = get16(p + 30), clen = get16(p + 32);
		if (pos + CENTRAL_LEN + nlen + xlen + clen > cd_size || nlen == 0 ||
		    memchr(p + CENTRAL_LEN, 0, nlen)) {
			rc = ml_fail(e, ML_EINVAL, "%s: corrupt archive: bad central directory record %" PRIu32
			             " (%s)", z->who, i + 1, z->path);
			break;
		}
		npz_entry *en = &z->ent[z->n];
		en->name = malloc(nlen + 1);
		if (!en->name) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", z->who, z->path);
			break;
		}
		memcpy(en->name, p + CENTRAL_LEN, nlen);
		en->name[nlen] = 0;
		z->n++;
		en->flags = get16(p + 8);
		en->method = get16(p + 10);
		en->crc = get32(p + 16);
		en->csize = get32(p + 20);
		en->usize = get32(p + 24);
		en->offset = get32(p + 42);
		if (en->csize == U32_MAX || en->usize == U32_MAX || en->offset == U32_MAX)
			rc = zip64_error(z, e);
		else if (en->flags & 1)
			rc = ml_fail(e, ML_EINVAL, "%s: member '%s' is encrypted (%s)", z->who, en->name, z->path);
		else if (en->method != 0 && en->method != 8)
			rc = ml_fail(e, ML_EINVAL, "%s: member '%s' uses compression method %" PRIu32
			             "; only stored (0) and deflate (8) are read (%s)", z->who, en->name,
			             en->method, z->path);
		else if ((en->method == 0 && en->csize != en->usize) ||
		         en->offset + LOCAL_LEN + (uint64_t)en->csize > z->data_end ||
		         (en->method == 8 && (uint64_t)en->usize > (uint64_t)en->csize * ZMAX_RATIO + 1024))
			rc = ml_fail(e, ML_EINVAL, "%s: corrupt archive: member '%s' has impossible sizes "
			             "(%" PRIu32 " stored, %" PRIu32 " uncompressed, at %" PRIu64 ") (%s)",
			             z->who, en->name, en->csize, en->usize, en->offset, z->path);
		pos += CENTRAL_LEN + nlen + xlen + clen;
	}
	free(b);
	return rc;
}

int ml_npz_open(ml_npz **out, const char *path, const char *who, ml_error *e)
{
	*out = NULL;
	ml_npz *z = calloc(1, sizeof *z);
	if (!z || !(z->path = dupstr(path))) {
		free(z);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", who, path);
	}
	z->who = who;
	int rc = ml_file_open(&z->f, path, "r", e);
	if (rc) {
		ml_npz_close(z);
		return reword(e, rc, who);
	}
	rc = ml_file_seek_end(&z->f, e);
	int64_t fsize = rc ? -1 : ml_file_tell(&z->f);
	if (rc)
		rc = reword(e, rc, who);
	else if (fsize < END_LEN)
		rc = ml_fail(e, ML_EINVAL, "%s: not an .npz file: %" PRId64 " bytes is too short for a "
		             "ZIP archive (%s)", who, fsize, path);
	if (!rc)
		rc = read_directory(z, (uint64_t)fsize, e);
	if (rc) {
		ml_npz_close(z);
		return rc;
	}
	*out = z;
	return ML_OK;
}

/* A reader positioned at the start of member i's data. */
static int open_member(ml_npz *z, int64_t i, ml_npy_reader **out, ml_error *e)
{
	*out = NULL;
	const npz_entry *en = &z->ent[i];
	unsigned char h[LOCAL_LEN];
	int rc = read_at(z, en->offset, h, LOCAL_LEN, e);
	if (rc)
		return rc;
	uint64_t data = en->offset + LOCAL_LEN + get16(h + 26) + get16(h + 28);
	if (get32(h) != SIG_LOCAL || data + en->csize > z->data_end)
		return ml_fail(e, ML_EINVAL, "%s: corrupt archive: bad local header of member '%s' (%s)",
		               z->who, en->name, z->path);
	rc = ml_file_seek(&z->f, (int64_t)data, e);
	if (rc)
		return reword(e, rc, z->who);
	ml_npy_reader *r = calloc(1, sizeof *r);
	size_t cap = strlen(z->path) + strlen(en->name) + 16;
	if (r)
		r->label = malloc(cap);
	if (r && r->label && en->method == 8) {
		r->zin = malloc(ZBUF);
		if (r->zin && inflateInit2(&r->z, -MAX_WBITS) == Z_OK)
			r->z_live = 1;
	}
	if (!r || !r->label || (en->method == 8 && !r->z_live)) {
		ml_npy_close(r);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", z->who, z->path);
	}
	snprintf(r->label, cap, "%s, member '%s'", z->path, en->name);
	r->who = z->who;
	r->f = &z->f;
	r->member = 1;
	r->deflate = en->method == 8;
	r->zleft = en->csize;
	r->left = en->usize;
	r->want_crc = en->crc;
	*out = r;
	return ML_OK;
}

int ml_npz_member(ml_npz *z, int64_t i, ml_npy_reader **out, ml_npy_info *info, ml_error *e)
{
	memset(info, 0, sizeof *info);
	int rc = open_member(z, i, out, e);
	if (!rc)
		rc = read_header(*out, info, e);
	if (rc) {
		ml_npy_close(*out);
		*out = NULL;
	}
	return rc;
}

int ml_npz_read_raw(ml_npz *z, int64_t i, void *dst, ml_error *e)
{
	ml_npy_reader *r;
	int rc = open_member(z, i, &r, e);
	if (rc)
		return rc;
	rc = rd(r, dst, z->ent[i].usize, e);
	if (!rc)
		rc = finish_member(r, e);
	ml_npy_close(r);
	return rc;
}

/* ---- .npz: writing ---- */

struct ml_npz_writer {
	ml_file f;            /* the temporary file, renamed over the target on commit */
	const char *who;      /* the caller's name for the operation */
	int level;            /* 0 stored, 1..9 deflate level */
	npz_entry *ent;       /* members written so far */
	int64_t n, cap;       /* members written, room in ent */
	uint64_t pos;         /* bytes written so far */
	uint32_t time, date;  /* DOS time and date stamped on every member */
};

void ml_npz_writer_discard(ml_npz_writer *w)
{
	if (!w)
		return;
	ml_file_discard(&w->f);
	for (int64_t i = 0; i < w->n; i++)
		free(w->ent[i].name);
	free(w->ent);
	free(w);
}

int ml_npz_writer_open(ml_npz_writer **out, const char *path, int level, const char *who,
                       ml_error *e)
{
	*out = NULL;
	if (level < 0 || level > 9)
		return ml_fail(e, ML_EINVAL, "%s: compression level %d is not 0..9 (%s)", who, level, path);
	ml_npz_writer *w = calloc(1, sizeof *w);
	if (!w)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", who, path);
	int rc = ml_file_open_atomic(&w->f, path, e);
	if (rc) {
		free(w);
		return reword(e, rc, who);
	}
	w->who = who;
	w->level = level;
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) && tm.tm_year >= 80) {
		w->time = (uint32_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
		w->date = (uint32_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	} else {
		w->date = 1 << 5 | 1; /* 1980-01-01 */
	}
	*out = w;
	return ML_OK;
}

/* The fields local and central headers share, from offset 4 of a local header. */
static void common_fields(unsigned char *p, const npz_entry *en, size_t nlen)
{
	put16(p + 0, en->method ? 20 : 10); /* version needed: 2.0 for deflate */
	put16(p + 2, en->flags);
	put16(p + 4, en->method);
	put16(p + 6, en->time);
	put16(p + 8, en->date);
	put32(p + 10, en->crc);
	put32(p + 14, en->csize);
	put32(p + 18, en->usize);
	put16(p + 22, (uint32_t)nlen);
	put16(p + 24, 0); /* extra field length */
}

int ml_npz_writer_add(ml_npz_writer *w, const char *name, const ml_tensor *t, ml_error *e)
{
	size_t nlen = strlen(name);
	if (nlen == 0 || nlen > 0xFFFF)
		return ml_fail(e, ML_EINVAL, "%s: member name of %zu bytes (1..65535)", w->who, nlen);
	if (w->n >= 0xFFFF)
		return ml_fail(e, ML_EINVAL, "%s: more than 65535 members need ZIP64 (not supported) (%s)",
		               w->who, w->f.path);
	if (w->n == w->cap) {
		int64_t cap = w->cap ? w->cap * 2 : 8;
		npz_entry *ent = realloc(w->ent, (size_t)cap * sizeof *ent);
		if (!ent)
			return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", w->who, w->f.path);
		w->ent = ent;
		w->cap = cap;
	}
	npz_entry en = {.offset = w->pos, .method = w->level ? 8 : 0, .time = w->time, .date = w->date};
	for (size_t i = 0; i < nlen; i++)
		if ((unsigned char)name[i] >= 0x80)
			en.flags = 0x800; /* the name is UTF-8 */
	unsigned char h[LOCAL_LEN];
	put32(h, SIG_LOCAL);
	common_fields(h + 4, &en, nlen); /* CRC and sizes patched below */
	sink s = {.f = &w->f, .who = w->who, .member = 1};
	int rc = emit(&s, h, LOCAL_LEN, e);
	if (!rc)
		rc = emit(&s, name, nlen, e);
	if (!rc && w->level) {
		s.zout = malloc(ZBUF);
		if (!s.zout || deflateInit2(&s.z, w->level, Z_DEFLATED, -MAX_WBITS, 8,
		                            Z_DEFAULT_STRATEGY) != Z_OK)
			rc = ml_fail(e, ML_ENOMEM, "%s: cannot start deflate (%s)", w->who, w->f.path);
		else
			s.z_live = 1;
	}
	uint64_t before = s.written;
	if (!rc)
		rc = put_npy(&s, t, e);
	if (!rc && s.z_live)
		rc = pump(&s, Z_FINISH, e);
	if (s.z_live)
		deflateEnd(&s.z);
	free(s.zout);
	if (rc)
		return rc;
	uint64_t csize = s.written - before;
	if (s.raw > U32_MAX || csize > U32_MAX || w->pos + s.written > U32_MAX)
		return ml_fail(e, ML_EINVAL, "%s: member '%s' takes the archive past 4 GiB, which needs "
		               "ZIP64 (not supported) (%s)", w->who, name, w->f.path);
	en.crc = s.crc;
	en.csize = (uint32_t)csize;
	en.usize = (uint32_t)s.raw;
	common_fields(h + 4, &en, nlen);
	rc = ml_file_seek(&w->f, (int64_t)en.offset + 14, e);
	if (!rc)
		rc = ml_file_write_bytes(&w->f, h + 14, 12, e);
	if (!rc)
		rc = ml_file_seek_end(&w->f, e);
	if (rc)
		return reword(e, rc, w->who);
	en.name = dupstr(name);
	if (!en.name)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%s)", w->who, w->f.path);
	w->ent[w->n++] = en;
	w->pos += s.written;
	return ML_OK;
}

int ml_npz_writer_commit(ml_npz_writer *w, ml_error *e)
{
	sink s = {.f = &w->f, .who = w->who};
	int rc = ML_OK;
	for (int64_t i = 0; i < w->n && !rc; i++) {
		const npz_entry *en = &w->ent[i];
		size_t nlen = strlen(en->name);
		unsigned char h[CENTRAL_LEN];
		put32(h, SIG_CENTRAL);
		put16(h + 4, 3 << 8 | 20);     /* made by: Unix, spec 2.0 */
		common_fields(h + 6, en, nlen);
		put16(h + 32, 0);              /* comment length */
		put16(h + 34, 0);              /* disk */
		put16(h + 36, 0);              /* internal attributes */
		put32(h + 38, 0644u << 16);    /* external attributes: Unix mode rw-r--r-- */
		put32(h + 42, (uint32_t)en->offset);
		rc = emit(&s, h, CENTRAL_LEN, e);
		if (!rc)
			rc = emit(&s, en->name, nlen, e);
	}
	if (!rc && w->pos + s.written > U32_MAX)
		rc = ml_fail(e, ML_EINVAL, "%s: the archive's directory ends past 4 GiB, which needs ZIP64 "
		             "(not supported) (%s)", w->who, w->f.path);
	if (!rc) {
		unsigned char end[END_LEN];
		put32(end, SIG_END);
		put16(end + 4, 0);
		put16(end + 6, 0);
		put16(end + 8, (uint32_t)w->n);
		put16(end + 10, (uint32_t)w->n);
		put32(end + 12, (uint32_t)s.written);
		put32(end + 16, (uint32_t)w->pos);
		put16(end + 20, 0);
		rc = emit(&s, end, END_LEN, e);
	}
	if (!rc) {
		rc = ml_file_close(&w->f, e);
		if (rc)
			rc = reword(e, rc, w->who);
	}
	ml_npz_writer_discard(w);
	return rc;
}
