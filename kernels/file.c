/*
 * file.c - byte-level files on disk (stdio) or in memory (a growable buffer),
 * and Torch7's binary and ascii encodings of typed values.  See file.h.
 *
 * Every typed read and write goes through put/get/getbyte, the only places
 * that know whether the bytes live in a FILE or in memory.  Counts that come
 * from a file are checked against the bytes that remain (ml_file_check_room)
 * by the callers before they allocate anything.  Deliberately not done: text
 * encodings other than bytes, file locking, pipes (Torch7's PipeFile).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"

#define CHUNK 4096 /* bytes converted or formatted per put() */

int ml_file_host_little_endian(void)
{
	const uint16_t one = 1;
	unsigned char b;
	memcpy(&b, &one, 1);
	return b == 1;
}

static void init(ml_file *f)
{
	memset(f, 0, sizeof *f);
	f->autospacing = 1;
	f->longsize = 8;
	f->endian = ML_FILE_NATIVE;
}

static int parse_mode(const char *mode, int *r, int *w)
{
	*r = strcmp(mode, "r") == 0 || strcmp(mode, "rw") == 0;
	*w = strcmp(mode, "w") == 0 || strcmp(mode, "rw") == 0;
	return *r || *w ? 0 : -1;
}

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- opening and closing ---- */

int ml_file_open(ml_file *f, const char *path, const char *mode, ml_error *e)
{
	int r, w;
	init(f);
	if (parse_mode(mode, &r, &w))
		return ml_fail(e, ML_EINVAL, "file.open: mode '%s' is not \"r\", \"w\" or \"rw\" (%s)", mode,
		               path);
	if (is_dir(path))
		return ml_fail(e, ML_EINVAL, "file.open: cannot open a directory (%s)", path);
	FILE *fp;
	if (r && w) {
		fp = fopen(path, "r+b");
		if (!fp && errno == ENOENT)
			fp = fopen(path, "w+b");
	} else {
		fp = fopen(path, r ? "rb" : "wb");
	}
	if (!fp)
		return ml_fail(e, ML_EINVAL, "file.open: cannot open for %s: %s (%s)",
		               r && w ? "reading and writing" : r ? "reading" : "writing", strerror(errno), path);
	f->path = dupstr(path);
	if (!f->path) {
		fclose(fp);
		return ml_fail(e, ML_ENOMEM, "file.open: out of memory (%s)", path);
	}
	f->fp = fp;
	f->readable = r;
	f->writable = w;
	f->is_open = 1;
	return ML_OK;
}

int ml_file_open_atomic(ml_file *f, const char *path, ml_error *e)
{
	init(f);
	if (is_dir(path))
		return ml_fail(e, ML_EINVAL, "file.open: cannot open a directory (%s)", path);
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	size_t cap = strlen(path) + 64;
	char *tmp = malloc(cap);
	f->path = dupstr(path);
	if (!tmp || !f->path) {
		free(tmp);
		free(f->path);
		f->path = NULL;
		return ml_fail(e, ML_ENOMEM, "file.open: out of memory (%s)", path);
	}
	int fd = -1;
	/* O_EXCL makes the name ours; the pid and clock make a clash unlikely, the
	 * loop makes it harmless */
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(tmp, cap, "%.*s.%s.tmp%ld-%lx", dirlen, path, path + dirlen, (long)getpid(),
		         (unsigned long)ts.tv_nsec + (unsigned long)attempt * 7919u);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!fp) {
		int err = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		free(f->path);
		f->path = NULL;
		return ml_fail(e, ML_EINVAL, "file.open: cannot open for writing: %s (%s)", strerror(err),
		               path);
	}
	f->fp = fp;
	f->tmp_path = tmp;
	f->writable = 1;
	f->is_open = 1;
	return ML_OK;
}

int ml_file_open_memory(ml_file *f, const void *data, size_t n, const char *mode, ml_error *e)
{
	int r, w;
	init(f);
	if (parse_mode(mode, &r, &w))
		return ml_fail(e, ML_EINVAL, "file.open: mode '%s' is not \"r\", \"w\" or \"rw\"", mode);
	if (!r)
		n = 0;
	if (n > 0) {
		f->buf = malloc(n);
		if (!f->buf)
			return ml_fail(e, ML_ENOMEM, "file.open: cannot allocate %zu bytes", n);
		memcpy(f->buf, data, n);
	}
	f->len = f->cap = n;
	f->is_memory = 1;
	f->readable = r;
	f->writable = w;
	f->is_open = 1;
	return ML_OK;
}

static void release(ml_file *f)
{
	free(f->buf);
	free(f->path);
	free(f->tmp_path);
	f->buf = f->path = f->tmp_path = NULL;
	f->len = f->cap = f->pos = 0;
	f->is_open = 0;
}

int ml_file_close(ml_file *f, ml_error *e)
{
	if (!f->is_open)
		return ML_OK;
	int rc = ML_OK;
	if (f->fp) {
		int bad = fflush(f->fp) != 0 || ferror(f->fp);
		int err = errno;
		if (!bad && f->tmp_path && fsync(fileno(f->fp)) != 0) {
			bad = 1;
			err = errno;
		}
		if (fclose(f->fp) != 0 && !bad) {
			bad = 1;
			err = errno;
		}
		f->fp = NULL;
		if (bad)
			rc = ml_fail(e, ML_EINVAL, "file.close: cannot write: %s (%s)", strerror(err ? err : EIO),
			             f->path);
		if (f->tmp_path) {
			if (!rc && rename(f->tmp_path, f->path) != 0)
				rc = ml_fail(e, ML_EINVAL, "file.close: cannot rename the temporary file into place: %s (%s)",
				             strerror(errno), f->path);
			if (rc)
				unlink(f->tmp_path);
		}
	}
	if (rc)
		f->error = 1;
	release(f);
	return rc;
}

void ml_file_discard(ml_file *f)
{
	if (f->fp) {
		fclose(f->fp);
		f->fp = NULL;
		if (f->tmp_path)
			unlink(f->tmp_path);
	}
	release(f);
}

/* ---- the byte primitives ---- */

static int usable(ml_file *f, int write, const char *who, ml_error *e)
{
	if (!f->is_open)
		return ml_fail(e, ML_EINVAL, "%s: the file is closed", who);
	if (write && !f->writable)
		return ml_fail(e, ML_EINVAL, "%s: the file is not open for writing", who);
	if (!write && !f->readable)
		return ml_fail(e, ML_EINVAL, "%s: the file is not open for reading", who);
	return ML_OK;
}

/* stdio requires a seek between a read and a write on the same stream */
static void switch_to(ml_file *f, int op)
{
	if (f->last_op && f->last_op != op)
		fseeko(f->fp, 0, SEEK_CUR);
	f->last_op = op;
}

static int put(ml_file *f, const void *p, size_t n, ml_error *e)
{
	if (n == 0)
		return ML_OK;
	if (f->is_memory) {
		if (n > SIZE_MAX / 2 - f->pos)
			return ml_fail(e, ML_ENOMEM, "file.write: memory file too large");
		if (f->pos + n > f->cap) {
			size_t cap = f->cap ? f->cap : 256;
			while (cap < f->pos + n)
				cap *= 2;
			char *b = realloc(f->buf, cap);
			if (!b)
				return ml_fail(e, ML_ENOMEM, "file.write: cannot allocate %zu bytes", cap);
			f->buf = b;
			f->cap = cap;
		}
		memcpy(f->buf + f->pos, p, n);
		f->pos += n;
		if (f->pos > f->len)
			f->len = f->pos;
		return ML_OK;
	}
	switch_to(f, 2);
	if (fwrite(p, 1, n, f->fp) != n)
		return ml_fail(e, ML_EINVAL, "file.write: cannot write %zu bytes (%s)", n,
		               strerror(errno ? errno : EIO));
	return ML_OK;
}

static size_t get(ml_file *f, void *p, size_t n)
{
	if (f->is_memory) {
		size_t k = f->len - f->pos;
		if (k > n)
			k = n;
		if (k > 0)
			memcpy(p, f->buf + f->pos, k);
		f->pos += k;
		return k;
	}
	switch_to(f, 1);
	return fread(p, 1, n, f->fp);
}

static int getbyte(ml_file *f)
{
	if (f->is_memory)
		return f->pos < f->len ? (unsigned char)f->buf[f->pos++] : -1;
	switch_to(f, 1);
	int c = getc(f->fp);
	return c == EOF ? -1 : c;
}

static void ungetbyte(ml_file *f, int c)
{
	if (c < 0)
		return;
	if (f->is_memory)
		f->pos--;
	else
		ungetc(c, f->fp);
}

static int is_space(int c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* ---- binary encoding ---- */

static int need_swap(const ml_file *f)
{
	if (f->endian == ML_FILE_NATIVE)
		return 0;
	return (f->endian == ML_FILE_LITTLE) != ml_file_host_little_endian();
}

static void swap_bytes(unsigned char *p, size_t es, size_t n)
{
	for (size_t i = 0; i < n; i++, p += es)
		for (size_t a = 0, b = es - 1; a < b; a++, b--) {
			unsigned char t = p[a];
			p[a] = p[b];
			p[b] = t;
		}
}

static int write_binary(ml_file *f, ml_dtype dt, const void *src, int64_t n, ml_error *e)
{
	size_t es = ml_dtype_info[dt].size;
	int swap = es > 1 && need_swap(f);
	int narrow = dt == ML_LONG && f->longsize == 4;
	if (!swap && !narrow)
		return put(f, src, (size_t)n * es, e);
	size_t fes = narrow ? 4 : es; /* bytes per value in the file */
	unsigned char chunk[CHUNK];
	const unsigned char *s = src;
	for (int64_t i = 0; i < n;) {
		size_t k = CHUNK / fes;
		if ((int64_t)k > n - i)
			k = (size_t)(n - i);
		if (narrow) {
			for (size_t j = 0; j < k; j++) {
				int64_t v;
				memcpy(&v, s + (size_t)(i + (int64_t)j) * 8, 8);
				if (v < INT32_MIN || v > INT32_MAX)
					return ml_fail(e, ML_ERANGE,
					               "file.write: Long value %" PRId64 " does not fit in 4 bytes (longSize 4)", v);
				int32_t w = (int32_t)v;
				memcpy(chunk + j * 4, &w, 4);
			}
		} else {
			memcpy(chunk, s + (size_t)i * es, k * es);
		}
		if (swap)
			swap_bytes(chunk, fes, k);
		int rc = put(f, chunk, k * fes, e);
		if (rc)
			return rc;
		i += (int64_t)k;
	}
	return ML_OK;
}

static int eof_error(ml_file *f, ml_dtype dt, int64_t got, int64_t n, ml_error *e)
{
	return ml_fail(e, ML_ERANGE, "file.read: unexpected end of file after %" PRId64 " of %" PRId64
	               " %s values (at byte %" PRId64 ")", got, n, ml_dtype_name(dt), ml_file_tell(f));
}

static int read_binary(ml_file *f, ml_dtype dt, void *dst, int64_t n, int64_t *got, ml_error *e)
{
	size_t es = ml_dtype_info[dt].size;
	int swap = es > 1 && need_swap(f);
	unsigned char *d = dst;
	if (!(dt == ML_LONG && f->longsize == 4)) {
		size_t k = get(f, d, (size_t)n * es) / es;
		if (swap)
			swap_bytes(d, es, k);
		*got = (int64_t)k;
		return (int64_t)k < n ? eof_error(f, dt, (int64_t)k, n, e) : ML_OK;
	}
	/* 4-byte Longs widen to int64 */
	unsigned char chunk[CHUNK];
	*got = 0;
	while (*got < n) {
		size_t k = CHUNK / 4;
		if ((int64_t)k > n - *got)
			k = (size_t)(n - *got);
		size_t have = get(f, chunk, k * 4) / 4;
		if (swap)
			swap_bytes(chunk, 4, have);
		for (size_t j = 0; j < have; j++) {
			int32_t w;
			memcpy(&w, chunk + j * 4, 4);
			int64_t v = w;
			memcpy(d + (size_t)(*got + (int64_t)j) * 8, &v, 8);
		}
		*got += (int64_t)have;
		if (have < k)
			return eof_error(f, dt, *got, n, e);
	}
	return ML_OK;
}

/* ---- ascii encoding ---- */

/* Prints one value as Torch7 does: %d for Short and Int, %lld for Long, 9
 * significant digits for Float and 17 for Double (both round-trip exactly). */
static int format_value(char *out, size_t cap, ml_dtype dt, const void *p)
{
	switch (dt) {
	case ML_SHORT: {
		int16_t v;
		memcpy(&v, p, sizeof v);
		return snprintf(out, cap, "%d", (int)v);
	}
	case ML_INT: {
		int32_t v;
		memcpy(&v, p, sizeof v);
		return snprintf(out, cap, "%d", (int)v);
	}
	case ML_LONG: {
		int64_t v;
		memcpy(&v, p, sizeof v);
		return snprintf(out, cap, "%" PRId64, v);
	}
	case ML_FLOAT: {
		float v;
		memcpy(&v, p, sizeof v);
		return snprintf(out, cap, "%.9g", (double)v);
	}
	case ML_DOUBLE: {
		double v;
		memcpy(&v, p, sizeof v);
		return snprintf(out, cap, "%.17g", v);
	}
	default:
		return -1;
	}
}

/* Parses a whole token as one value of dt into p; -1 when it is not one. */
static int parse_value(const char *tok, ml_dtype dt, void *p)
{
	char *end;
	errno = 0;
	switch (dt) {
	case ML_SHORT:
	case ML_INT:
	case ML_LONG: {
		long long v = strtoll(tok, &end, 10);
		if (*end || end == tok || errno)
			return -1;
		if (dt == ML_SHORT) {
			if (v < INT16_MIN || v > INT16_MAX)
				return -1;
			int16_t w = (int16_t)v;
			memcpy(p, &w, sizeof w);
		} else if (dt == ML_INT) {
			if (v < INT32_MIN || v > INT32_MAX)
				return -1;
			int32_t w = (int32_t)v;
			memcpy(p, &w, sizeof w);
		} else {
			int64_t w = v;
			memcpy(p, &w, sizeof w);
		}
		return 0;
	}
	case ML_FLOAT: {
		float v = strtof(tok, &end);
		if (*end || end == tok)
			return -1;
		memcpy(p, &v, sizeof v);
		return 0;
	}
	case ML_DOUBLE: {
		double v = strtod(tok, &end);
		if (*end || end == tok)
			return -1;
		memcpy(p, &v, sizeof v);
		return 0;
	}
	default:
		return -1;
	}
}

static int is_raw(ml_dtype dt)
{
	return dt == ML_BYTE || dt == ML_CHAR;
}

static int write_ascii(ml_file *f, ml_dtype dt, const void *src, int64_t n, ml_error *e)
{
	int rc;
	if (is_raw(dt)) {
		rc = put(f, src, (size_t)n, e);
	} else {
		size_t es = ml_dtype_info[dt].size;
		char chunk[CHUNK];
		size_t used = 0;
		rc = ML_OK;
		for (int64_t i = 0; i < n && !rc; i++) {
			int len = format_value(chunk + used, CHUNK - used, dt, (const char *)src + (size_t)i * es);
			if (len < 0)
				return ml_fail(e, ML_ETYPE, "file.write: no ascii form for %s values", ml_dtype_name(dt));
			used += (size_t)len;
			if (f->autospacing && i < n - 1)
				chunk[used++] = ' ';
			if (used > CHUNK - 64) {
				rc = put(f, chunk, used, e);
				used = 0;
			}
		}
		if (!rc)
			rc = put(f, chunk, used, e);
	}
	if (!rc && f->autospacing && n > 0)
		rc = put(f, "\n", 1, e);
	return rc;
}

void ml_file_skip_newline(ml_file *f)
{
	if (!f->binary && f->autospacing && f->is_open && f->readable) {
		int c = getbyte(f);
		if (c != '\n')
			ungetbyte(f, c);
	}
}

/* Reads the next whitespace-delimited token into tok; returns its length, 0 at
 * the end of the file, -1 when it does not fit.  The delimiter stays unread. */
static int read_token(ml_file *f, char *tok, size_t cap)
{
	int c;
	do
		c = getbyte(f);
	while (is_space(c));
	size_t k = 0;
	while (c >= 0 && !is_space(c)) {
		if (k + 1 >= cap)
			return -1;
		tok[k++] = (char)c;
		c = getbyte(f);
	}
	ungetbyte(f, c);
	tok[k] = 0;
	return (int)k;
}

static int read_ascii(ml_file *f, ml_dtype dt, void *dst, int64_t n, int64_t *got, ml_error *e)
{
	*got = 0;
	if (is_raw(dt)) {
		*got = (int64_t)get(f, dst, (size_t)n);
		if (*got < n)
			return eof_error(f, dt, *got, n, e);
	} else {
		size_t es = ml_dtype_info[dt].size;
		char tok[512];
		for (int64_t i = 0; i < n; i++) {
			int len = read_token(f, tok, sizeof tok);
			if (len == 0)
				return eof_error(f, dt, i, n, e);
			if (len < 0 || parse_value(tok, dt, (char *)dst + (size_t)i * es))
				return ml_fail(e, ML_EINVAL, "file.read: bad %s value '%.40s%s' (at byte %" PRId64 ")",
				               ml_dtype_name(dt), tok, len < 0 ? "..." : "", ml_file_tell(f));
			*got = i + 1;
		}
	}
	if (n > 0)
		ml_file_skip_newline(f);
	return ML_OK;
}

/* ---- typed values ---- */

int ml_file_write(ml_file *f, ml_dtype dt, const void *src, int64_t n, ml_error *e)
{
	int rc = usable(f, 1, "file.write", e);
	if (!rc && n < 0)
		rc = ml_fail(e, ML_EINVAL, "file.write: negative count %" PRId64, n);
	if (!rc && n > 0)
		rc = f->binary ? write_binary(f, dt, src, n, e) : write_ascii(f, dt, src, n, e);
	if (rc)
		f->error = 1;
	return rc;
}

int ml_file_read(ml_file *f, ml_dtype dt, void *dst, int64_t n, int64_t *got, ml_error *e)
{
	*got = 0;
	int rc = usable(f, 0, "file.read", e);
	if (!rc && (n < 0 || (uint64_t)n > SIZE_MAX / 8))
		rc = ml_fail(e, ML_EINVAL, "file.read: bad count %" PRId64, n);
	if (!rc && n > 0)
		rc = f->binary ? read_binary(f, dt, dst, n, got, e) : read_ascii(f, dt, dst, n, got, e);
	if (rc)
		f->error = 1;
	return rc;
}

int ml_file_check_room(ml_file *f, ml_dtype dt, int64_t n, ml_error *e)
{
	int rc = usable(f, 0, "file.read", e);
	if (!rc && n < 0)
		rc = ml_fail(e, ML_EINVAL, "file.read: negative count %" PRId64 " (at byte %" PRId64 ")", n,
		             ml_file_tell(f));
	int64_t rem = rc ? -1 : ml_file_remaining(f);
	if (!rc && rem >= 0) {
		uint64_t es = !f->binary ? 1 : dt == ML_LONG ? (uint64_t)f->longsize : ml_dtype_info[dt].size;
		if ((uint64_t)n > (uint64_t)rem / es)
			rc = ml_fail(e, ML_ERANGE, "file.read: %" PRId64 " %s values claimed but only %" PRId64
			             " bytes remain (at byte %" PRId64 ")", n, ml_dtype_name(dt), rem, ml_file_tell(f));
	}
	if (rc)
		f->error = 1;
	return rc;
}

/* ---- raw bytes ---- */

int ml_file_write_bytes(ml_file *f, const void *src, size_t n, ml_error *e)
{
	int rc = usable(f, 1, "file.writeString", e);
	if (!rc)
		rc = put(f, src, n, e);
	if (rc)
		f->error = 1;
	return rc;
}

int ml_file_read_bytes(ml_file *f, void *dst, size_t n, size_t *got, ml_error *e)
{
	*got = 0;
	int rc = usable(f, 0, "file.readString", e);
	if (rc) {
		f->error = 1;
		return rc;
	}
	*got = get(f, dst, n);
	return ML_OK;
}

int ml_file_read_line(ml_file *f, char *dst, size_t cap, size_t *got, int *eol, ml_error *e)
{
	*got = 0;
	*eol = 0;
	int rc = usable(f, 0, "file.readString", e);
	if (rc) {
		f->error = 1;
		return rc;
	}
	size_t k = 0;
	if (f->is_memory) {
		size_t avail = f->len - f->pos;
		if (avail > cap)
			avail = cap;
		const char *nl = avail ? memchr(f->buf + f->pos, '\n', avail) : NULL;
		k = nl ? (size_t)(nl - (f->buf + f->pos)) : avail;
		if (k)
			memcpy(dst, f->buf + f->pos, k);
		f->pos += k + (nl != NULL);
		*eol = nl != NULL;
	} else {
		while (k < cap) {
			int c = getbyte(f);
			if (c < 0)
				break;
			if (c == '\n') {
				*eol = 1;
				break;
			}
			dst[k++] = (char)c;
		}
	}
	*got = k;
	return ML_OK;
}

/* ---- position ---- */

int64_t ml_file_remaining(ml_file *f)
{
	if (!f->is_open)
		return -1;
	if (f->is_memory)
		return (int64_t)(f->len - f->pos);
	if (f->last_op == 2)
		fflush(f->fp);
	struct stat st;
	off_t pos = ftello(f->fp);
	if (pos < 0 || fstat(fileno(f->fp), &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	return st.st_size > pos ? (int64_t)(st.st_size - pos) : 0;
}

int64_t ml_file_tell(ml_file *f)
{
	if (!f->is_open)
		return -1;
	if (f->is_memory)
		return (int64_t)f->pos;
	return (int64_t)ftello(f->fp);
}

int ml_file_seek(ml_file *f, int64_t pos, ml_error *e)
{
	int rc = f->is_open ? ML_OK : ml_fail(e, ML_EINVAL, "file.seek: the file is closed");
	if (!rc && pos < 0)
		rc = ml_fail(e, ML_ERANGE, "file.seek: negative position %" PRId64, pos + 1);
	if (!rc && f->is_memory) {
		if ((uint64_t)pos > f->len)
			rc = ml_fail(e, ML_ERANGE, "file.seek: position %" PRId64 " is past the end (%zu bytes)",
			             pos + 1, f->len);
		else
			f->pos = (size_t)pos;
	} else if (!rc) {
		if (fseeko(f->fp, (off_t)pos, SEEK_SET) != 0)
			rc = ml_fail(e, ML_ERANGE, "file.seek: cannot seek to %" PRId64 " (%s)", pos + 1,
			             strerror(errno));
		f->last_op = 0;
	}
	if (rc)
		f->error = 1;
	return rc;
}

int ml_file_seek_end(ml_file *f, ml_error *e)
{
	int rc = f->is_open ? ML_OK : ml_fail(e, ML_EINVAL, "file.seekEnd: the file is closed");
	if (!rc && f->is_memory) {
		f->pos = f->len;
	} else if (!rc) {
		if (fseeko(f->fp, 0, SEEK_END) != 0)
			rc = ml_fail(e, ML_ERANGE, "file.seekEnd: cannot seek (%s)", strerror(errno));
		f->last_op = 0;
	}
	if (rc)
		f->error = 1;
	return rc;
}

int ml_file_flush(ml_file *f, ml_error *e)
{
	if (!f->is_open)
		return ml_fail(e, ML_EINVAL, "file.synchronize: the file is closed");
	if (f->fp && fflush(f->fp) != 0) {
		f->error = 1;
		return ml_fail(e, ML_EINVAL, "file.synchronize: cannot write (%s)", strerror(errno));
	}
	return ML_OK;
}
