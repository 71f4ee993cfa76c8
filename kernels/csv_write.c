/*
 * csv_write.c - writing typed columns as CSV that reads back to the same
 * values: RFC 4180 quoting, shortest exact doubles, ISO 8601 dates, missing
 * values as empty fields, and an atomic replace of the destination (a
 * temporary file in the same folder, fsync'ed, renamed over it).
 *
 * Not here: reading (csv.c), compression, appending to an existing file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"

/* Tokens the reader takes as missing by default: strings equal to them are quoted. */
static const char *const na_tokens[] = {"NA", "N/A", "NaN", "null", "None", "?"};

static int needs_quotes(const char *s, size_t n, int sep)
{
	if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return 1;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '"' || ch == '\n' || ch == '\r' || (uint8_t)ch == sep)
			return 1;
	}
	for (size_t i = 0; i < sizeof na_tokens / sizeof *na_tokens; i++)
		if (strlen(na_tokens[i]) == n && memcmp(na_tokens[i], s, n) == 0)
			return 1;
	return 0;
}

static void put_text(FILE *f, const char *s, size_t n, int sep)
{
	if (!needs_quotes(s, n, sep)) {
		fwrite(s, 1, n, f);
		return;
	}
	putc('"', f);
	const char *p = s, *end = s + n, *q;
	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		fwrite(p, 1, (size_t)(q - p) + 1, f);
		putc('"', f);
		p = q + 1;
	}
	fwrite(p, 1, (size_t)(end - p), f);
	putc('"', f);
}

static const void *elem(const ml_tensor *t, int64_t i)
{
	return (const char *)ml_tensor_data(t) +
	       (size_t)(t->stride[0] * i) * ml_dtype_info[t->dtype].size;
}

static int check_column(const ml_csv_wcolumn *c, int64_t nrows, ml_error *e)
{
	const char *nm = c->name ? c->name : "?";
	if (!c->values && !c->strings && nrows > 0)
		return ml_fail(e, ML_EINVAL, "csv.write: column '%.60s' has no values", nm);
	if (c->values) {
		int64_t n = c->values->ndim == 0 ? 0 : ml_tensor_numel(c->values);
		if (c->values->ndim > 1 || n != nrows)
			return ml_fail(e, ML_ESHAPE, "csv.write: column '%.60s' has %lld values, expected "
			               "%lld in one dimension", nm, (long long)n, (long long)nrows);
		if ((c->type == ML_CSV_STRING || c->type == ML_CSV_CATEGORICAL) && nrows > 0) {
			for (int64_t i = 0; i < nrows; i++) {
				int64_t code = ml_load_i64(c->values->dtype, elem(c->values, i));
				if (code < 0 || code > c->nlevels)
					return ml_fail(e, ML_ERANGE, "csv.write: column '%.60s' row %lld: code "
					               "%lld out of range (%lld levels)", nm, (long long)i + 1,
					               (long long)code, (long long)c->nlevels);
			}
		}
	}
	if (c->missing) {
		int64_t n = c->missing->ndim == 0 ? 0 : ml_tensor_numel(c->missing);
		if (c->missing->ndim > 1 || n != nrows)
			return ml_fail(e, ML_ESHAPE, "csv.write: missing mask of column '%.60s' has %lld "
			               "values, expected %lld", nm, (long long)n, (long long)nrows);
	}
	return ML_OK;
}

static void put_value(FILE *f, const ml_csv_wcolumn *c, int64_t i, int sep, int ncols)
{
	char buf[64];
	size_t n;
	int miss = c->missing && ml_load_f64(c->missing->dtype, elem(c->missing, i)) != 0;
	if (!c->values) {
		if (!miss)
			put_text(f, c->strings[i], c->lens[i], sep);
		else if (ncols == 1)
			fputs("NA", f); /* an empty line would be skipped as blank */
		return;
	}
	ml_dtype dt = c->values->dtype;
	const void *p = elem(c->values, i);
	ml_csv_type t = c->type;
	if (t == ML_CSV_AUTO)
		t = ml_dtype_info[dt].is_float ? ML_CSV_FLOAT : ML_CSV_INTEGER;
	double v = 0;
	if (t == ML_CSV_FLOAT || t == ML_CSV_DATE || t == ML_CSV_DATETIME) {
		v = ml_load_f64(dt, p);
		miss = miss || isnan(v);
	}
	int64_t code = 0;
	if (t == ML_CSV_STRING || t == ML_CSV_CATEGORICAL) {
		code = ml_load_i64(dt, p);
		miss = miss || code == 0;
	}
	if (miss) {
		if (ncols == 1)
			fputs("NA", f);
		return;
	}
	switch (t) {
	case ML_CSV_FLOAT:
		n = ml_csv_format_double(buf, sizeof buf, v);
		break;
	case ML_CSV_DATE:
	case ML_CSV_DATETIME:
		n = ml_csv_format_datetime(buf, sizeof buf, v, t == ML_CSV_DATE);
		break;
	case ML_CSV_BOOLEAN:
		n = (size_t)snprintf(buf, sizeof buf, "%s", ml_load_f64(dt, p) != 0 ? "true" : "false");
		break;
	case ML_CSV_STRING:
	case ML_CSV_CATEGORICAL:
		put_text(f, c->levels[code - 1], c->level_lens[code - 1], sep);
		return;
	default:
		n = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)ml_load_i64(dt, p));
		break;
	}
	fwrite(buf, 1, n, f);
}

int ml_csv_write_file(const char *path, const ml_csv_wcolumn *cols, int64_t ncols, int64_t nrows,
                      int sep, int header, ml_error *e)
{
	if (sep < 0 || sep > 255 || sep == '"' || sep == '\n' || sep == '\r')
		return ml_fail(e, ML_EINVAL, "csv.write: bad separator (byte %d)", sep);
	for (int64_t j = 0; j < ncols; j++) {
		int rc = check_column(&cols[j], nrows, e);
		if (rc)
			return rc;
	}
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	if (!tmp)
		return ml_fail(e, ML_ENOMEM, "csv.write: out of memory");
	snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = ml_fail(e, ML_EINVAL, "csv.write: cannot create a file next to '%s' (%s)", path,
		                 strerror(errno));
		free(tmp);
		return rc;
	}
	/* mkstemp makes the file private: give it the mode of the file it replaces, or 0644 */
	struct stat st;
	fchmod(fd, stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644);
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return ml_fail(e, ML_ENOMEM, "csv.write: out of memory");
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (header && ncols > 0) {
		for (int64_t j = 0; j < ncols; j++) {
			if (j)
				putc(sep, f);
			const char *nm = cols[j].name ? cols[j].name : "";
			put_text(f, nm, strlen(nm), sep);
		}
		putc('\n', f);
	}
	for (int64_t i = 0; i < nrows && ncols > 0; i++) {
		for (int64_t j = 0; j < ncols; j++) {
			if (j)
				putc(sep, f);
			put_value(f, &cols[j], i, sep, (int)(ncols < 2 ? ncols : 2));
		}
		putc('\n', f);
	}
	int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
	int err = errno;
	bad = (fclose(f) != 0) || bad;
	if (!bad && rename(tmp, path) != 0) {
		err = errno;
		bad = 1;
	}
	if (bad) {
		unlink(tmp);
		free(tmp);
		return ml_fail(e, ML_EINVAL, "csv.write: cannot write '%s' (%s)", path, strerror(err));
	}
	free(tmp);
	return ML_OK;
}
