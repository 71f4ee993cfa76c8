/*
 * csv.c - the CSV reader's front: the tokenizer, string dictionaries,
 * separator sniffing, header detection and column selection (setup), the
 * whole-file reader (memory-mapped) and the chunked reader.
 *
 * setup() reads the preamble (byte order mark, skipped lines, separator,
 * first record, header) into a csv_ctx that owns every resolved option; the
 * records after it go to ml_csv_parse_range (csv_parse.c).
 *
 * Not here: the parse of the records (csv_parse.c), the value grammar
 * (csv_value.c), writing (csv_write.c), Lua.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "csv.h"
#include "csv_internal.h"

#define SNIFF_BYTES 65536           /* bytes the separator sniffer looks at */
#define SNIFF_RECORDS 30            /* records it looks at */
#define HEADER_SAMPLE 100           /* records read to decide whether row 1 is a header */
#define READ_BLOCK (1 << 20)        /* first read of the chunked reader */

static const char *const default_na[] = {"", "NA", "N/A", "NaN", "null", "None", "?"};

void ml_csv_options_init(ml_csv_options *o)
{
	memset(o, 0, sizeof *o);
	o->sep = -1;
	o->quote = '"';
	o->comment = -1;
	o->header = -1;
	o->max_rows = -1;
	o->on_bad = ML_CSV_BAD_ERROR;
	o->parallel_bytes = -1;
	o->max_levels = 1000;
	o->level_ratio = 0.5;
}

void ml_csv_ctx_free(csv_ctx *c)
{
	free(c->path);
	for (size_t i = 0; i < c->nna; i++)
		free(c->na[i]);
	free(c->na);
	free(c->nalen);
	for (int64_t j = 0; c->names && j < c->nout; j++)
		free(c->names[j]);
	free(c->names);
	free(c->file_of);
	free(c->forced);
	memset(c, 0, sizeof *c);
}

static char *dup_bytes(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static void set_classes(csv_ctx *c)
{
	memset(c->cls, 0, sizeof c->cls);
	c->cls[(uint8_t)c->sep] = 1;
	c->cls['\n'] = 2;
	c->cls['\r'] = 2;
	if (c->comment >= 0)
		c->cls[(uint8_t)c->comment] = 3; /* ends a field; the rest of the line is a comment */
}

/* ---- tokenizer ---- */

static int64_t count_nl(const char *p, const char *end)
{
	int64_t n = 0;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Moves k past blank lines and comment lines.  REC_OK: a record starts at
 * k->pos (before limit); REC_END: no record before limit or the end of a
 * final input; REC_MORE: more input is needed to tell. */
int ml_csv_skip_blank(const csv_ctx *c, csv_cursor *k, const char *limit)
{
	for (;;) {
		const char *p = k->pos;
		if (p >= k->end)
			return k->final ? REC_END : REC_MORE;
		if (p >= limit)
			return REC_END;
		if (*p == '\n') {
			k->pos = p + 1;
			k->line++;
		} else if (*p == '\r') {
			if (p + 1 == k->end && !k->final)
				return REC_MORE;
			k->pos = p + 1 + (p + 1 < k->end && p[1] == '\n');
			k->line++;
		} else if (c->comment >= 0 && (uint8_t)*p == c->comment) {
			const char *nl = memchr(p, '\n', (size_t)(k->end - p));
			if (!nl) {
				if (!k->final)
					return REC_MORE;
				k->pos = k->end;
				return REC_END;
			}
			k->pos = nl + 1;
			k->line++;
		} else {
			return REC_OK;
		}
	}
}

/* Reads the record at k->pos into f[0 .. room) and advances k past its line
 * end.  REC_OK; REC_BAD (broken quoting: r->at, r->why; the record still ends
 * where a lenient reading ends it); REC_MORE (k unchanged: the input ended
 * mid-record and is not final). */
int ml_csv_next_record(const csv_ctx *c, csv_cursor *k, csv_field *f, int64_t room, csv_record *r)
{
	const char *p = k->pos, *end = k->end;
	const uint8_t *cls = c->cls;
	const int quote = c->quote, sep = c->sep;
	int64_t nf = 0, line = k->line;
	r->start = p;
	r->line = line;
	r->why = NULL;
	r->at = NULL;
	for (;;) {
		const char *s;
		size_t n;
		int quoted = 0;
		if (p < end && (uint8_t)*p == quote) {
			const char *open = p;
			s = ++p;
			for (;;) {
				const char *q = memchr(p, quote, (size_t)(end - p));
				if (!q) {
					if (!k->final)
						return REC_MORE;
					r->at = open;
					r->why = "unterminated quoted field";
					line += count_nl(p, end);
					n = (size_t)(end - s);
					p = end;
					quoted = quoted ? quoted : 1;
					break;
				}
				line += count_nl(p, q);
				if (q + 1 < end && (uint8_t)q[1] == quote) {
					quoted = 2;
					p = q + 2;
					continue;
				}
				if (q + 1 == end && !k->final)
					return REC_MORE;
				n = (size_t)(q - s);
				p = q + 1;
				quoted = quoted ? quoted : 1;
				break;
			}
			if (p < end && !cls[(uint8_t)*p]) {
				if (!r->why) {
					r->at = p;
					r->why = "expected a separator or a line end after a closing quote";
				}
				while (p < end && !cls[(uint8_t)*p])
					p++;
			}
		} else {
			s = p;
			p = ml_csv_scan_plain(c, p, end);
			n = (size_t)(p - s);
		}
		if (nf < room) {
			f[nf].p = s;
			f[nf].n = n;
			f[nf].quoted = quoted;
		}
		nf++;
		if (p < end && cls[(uint8_t)*p] == 3) /* a trailing comment: skip to the line end */
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		if (p == end) {
			if (!k->final)
				return REC_MORE;
			break;
		}
		if ((uint8_t)*p == sep) {
			p++;
			continue;
		}
		if (*p == '\r') {
			if (p + 1 == end && !k->final)
				return REC_MORE;
			p += 1 + (p + 1 < end && p[1] == '\n');
		} else {
			p++;
		}
		line++;
		break;
	}
	k->pos = p;
	k->line = line;
	r->nf = nf;
	return r->why ? REC_BAD : REC_OK;
}

/* 0-based line (relative to the cursor origin) and 1-based byte column of at,
 * a position inside record r. */
void ml_csv_locate(const csv_record *r, const char *at, int64_t *line, int64_t *col)
{
	const char *ls = r->start;
	int64_t n = 0;
	for (const char *p = r->start; p < at; p++)
		if (*p == '\n') {
			n++;
			ls = p + 1;
		}
	*line = r->line + n;
	*col = (int64_t)(at - ls) + 1;
}

/* The ML_CSV_M_* bit a value must have to fit a forced type (0: any value fits) */
unsigned ml_csv_type_bit(ml_csv_type t)
{
	switch (t) {
	case ML_CSV_INTEGER: return ML_CSV_M_INT;
	case ML_CSV_FLOAT: return ML_CSV_M_FLOAT;
	case ML_CSV_BOOLEAN: return ML_CSV_M_BOOL;
	case ML_CSV_DATE: return ML_CSV_M_DATE;
	case ML_CSV_DATETIME: return ML_CSV_M_DATETIME;
	default: return 0;
	}
}

/* Copies a quoted field's content with doubled quotes undone into *buf
 * (grown as needed); returns the length, or -1 without memory. */
int64_t ml_csv_unescape(const csv_field *f, int quote, char **buf, size_t *cap)
{
	if (f->n + 1 > *cap) {
		size_t nc = f->n + 1 > 2 * *cap ? f->n + 1 : 2 * *cap;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = nc;
	}
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		(*buf)[k++] = f->p[i];
		if ((uint8_t)f->p[i] == quote && i + 1 < f->n && (uint8_t)f->p[i + 1] == quote)
			i++;
	}
	return (int64_t)k;
}

/* ---- string dictionaries ---- */

void ml_csv_dict_free(csv_dict *d)
{
	free(d->bytes);
	free(d->off);
	free(d->hash);
	free(d->slot);
	memset(d, 0, sizeof *d);
}

/* The bytes of s[0 .. n) for n <= 16 as two words, by overlapping loads
 * (no library call for the short strings categorical columns hold) */
static inline void short_words(const char *s, size_t n, uint64_t *a, uint64_t *b)
{
	if (n >= 8) {
		memcpy(a, s, 8);
		memcpy(b, s + n - 8, 8);
	} else if (n >= 4) {
		uint32_t x, y;
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		*a = x;
		*b = y;
	} else {
		*a = n ? (uint64_t)(uint8_t)s[0] | (uint64_t)(uint8_t)s[n / 2] << 8 |
		         (uint64_t)(uint8_t)s[n - 1] << 16 : 0;
		*b = 0;
	}
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n, w, w2;
	if (n <= 16) {
		short_words(s, n, &w, &w2);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h = (h ^ (h >> 32) ^ w2) * 0xc4ceb9fe1a85ec53u;
		return h ^ (h >> 29);
	}
	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

/* s[0 .. n) equals t[0 .. n) */
static inline int same_bytes(const char *s, const char *t, size_t n)
{
	if (n > 16)
		return memcmp(s, t, n) == 0;
	uint64_t a, b, c, d;
	short_words(s, n, &a, &b);
	short_words(t, n, &c, &d);
	return a == c && b == d;
}

static int dict_grow_slots(csv_dict *d)
{
	size_t ns = d->nslot ? 2 * d->nslot : 64;
	int64_t *slot = calloc(ns, sizeof *slot);
	if (!slot)
		return -1;
	for (int64_t i = 0; i < d->n; i++) {
		size_t j = d->hash[i] & (ns - 1);
		while (slot[j])
			j = (j + 1) & (ns - 1);
		slot[j] = i + 1;
	}
	free(d->slot);
	d->slot = slot;
	d->nslot = ns;
	return 0;
}

/* The 1-based code of s[0 .. n) in d, adding it when new; -1 without memory. */
int64_t ml_csv_dict_add(csv_dict *d, const char *s, size_t n)
{
	if ((size_t)(d->n + 1) * 2 > d->nslot && dict_grow_slots(d))
		return -1;
	uint64_t h = hash_bytes(s, n);
	size_t j = h & (d->nslot - 1);
	while (d->slot[j]) {
		int64_t lv = d->slot[j] - 1;
		if (d->hash[lv] == h && (size_t)(d->off[lv + 1] - d->off[lv]) == n &&
		    same_bytes(d->bytes + d->off[lv], s, n))
			return lv + 1;
		j = (j + 1) & (d->nslot - 1);
	}
	if (d->n + 2 > d->ncap) {
		int64_t nc = d->ncap ? 2 * d->ncap : 64;
		int64_t *off = realloc(d->off, (size_t)nc * sizeof *off);
		if (!off)
			return -1;
		d->off = off;
		uint64_t *hs = realloc(d->hash, (size_t)nc * sizeof *hs);
		if (!hs)
			return -1;
		d->hash = hs;
		if (d->ncap == 0)
			d->off[0] = 0;
		d->ncap = nc;
	}
	if (d->len + n + 1 > d->cap) {
		size_t nc = d->cap ? 2 * d->cap : 4096;
		while (nc < d->len + n + 1)
			nc *= 2;
		char *b = realloc(d->bytes, nc);
		if (!b)
			return -1;
		d->bytes = b;
		d->cap = nc;
	}
	if (n)
		memcpy(d->bytes + d->len, s, n);
	d->len += n;
	d->hash[d->n] = h;
	d->n++;
	d->off[d->n] = (int64_t)d->len;
	d->slot[j] = d->n;
	return d->n;
}

int ml_csv_fail_at(const csv_ctx *c, ml_error *e, int64_t line, int64_t col, const char *msg)
{
	return ml_fail(e, ML_EINVAL, "%s: %s:%lld:%lld: %s", c->who, c->path, (long long)line + 1,
	               (long long)col, msg);
}

/* ---- the preamble: separator, header, names, selection ---- */

/* The separator among , tab ; | that splits the first records into the
 * same number (> 1) of fields most consistently; ',' when none does. */
static int sniff(const csv_ctx *base, const char *p, const char *end, int final)
{
	static const char cand[] = {',', '\t', ';', '|'};
	const char *lim = end - p > SNIFF_BYTES ? p + SNIFF_BYTES : end;
	int fin = lim == end && final;
	int best = ',';
	int64_t best_score = 0;
	for (size_t i = 0; i < sizeof cand; i++) {
		csv_ctx t = *base;
		t.sep = cand[i];
		set_classes(&t);
		csv_cursor k = {p, lim, fin, 0};
		csv_record r;
		int64_t first = -1, same = 0, recs = 0;
		while (recs < SNIFF_RECORDS && ml_csv_skip_blank(&t, &k, lim) == REC_OK &&
		       ml_csv_next_record(&t, &k, NULL, 0, &r) != REC_MORE) {
			recs++;
			if (first < 0)
				first = r.nf;
			else if (r.nf == first)
				same++;
		}
		if (first <= 1)
			continue;
		int64_t score = (same + 1 == recs ? 1000000 : 0) + (same + 1) * 1000 + (first < 999 ? first : 999);
		if (score > best_score) {
			best_score = score;
			best = cand[i];
		}
	}
	return best;
}

/* Index of name in names[0 .. n), or -1 */
static int64_t find_name(char *const *names, int64_t n, const char *name)
{
	for (int64_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static int64_t resolve_ref(const csv_ctx *c, char *const *fnames, const ml_csv_colref *ref,
                           const char *what, ml_error *e)
{
	if (ref->name) {
		int64_t i = find_name(fnames, c->nfile, ref->name);
		if (i < 0) {
			char list[160];
			size_t len = 0;
			list[0] = 0;
			for (int64_t j = 0; j < c->nfile && len + 4 < sizeof list; j++)
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
				                        fnames[j]);
			ml_fail(e, ML_EINVAL, "%s: %s: no column named '%.60s' (columns: %s)", c->who, what,
			        ref->name, list);
		}
		return i;
	}
	if (ref->index < 0 || ref->index >= c->nfile) {
		ml_fail(e, ML_EINVAL, "%s: %s: column %lld out of range (%s has %lld columns)", c->who,
		        what, (long long)ref->index + 1, c->path, (long long)c->nfile);
		return -1;
	}
	return ref->index;
}

/* Decides whether the first record is a header: yes when some column whose
 * sampled values share a type (number, boolean, date) has a first value not
 * of that type, or when no first value is typed at all. */
static int detect_header(const csv_ctx *c, const csv_field *first, csv_cursor k)
{
	unsigned mask[256];
	int seen[256] = {0};
	int64_t nc = c->nfile < 256 ? c->nfile : 256;
	for (int64_t j = 0; j < nc; j++)
		mask[j] = ML_CSV_M_ALL;
	csv_field *f = malloc((size_t)(c->nfile + 1) * sizeof *f);
	if (!f)
		return 1;
	csv_record r;
	for (int n = 0; n < HEADER_SAMPLE && ml_csv_skip_blank(c, &k, k.end) == REC_OK; n++) {
		if (ml_csv_next_record(c, &k, f, c->nfile + 1, &r) != REC_OK || r.nf != c->nfile)
			continue;
		for (int64_t j = 0; j < nc; j++) {
			const char *tp;
			size_t tn;
			if (ml_csv_is_missing(c, &f[j], &tp, &tn))
				continue;
			mask[j] &= ml_csv_classify(tp, tn);
			seen[j] = 1;
		}
	}
	free(f);
	int typed_first = 0;
	for (int64_t j = 0; j < nc; j++) {
		const char *tp;
		size_t tn;
		if (ml_csv_is_missing(c, &first[j], &tp, &tn))
			continue;
		unsigned m = ml_csv_classify(tp, tn);
		if (m)
			typed_first = 1;
		if (seen[j] && mask[j] && !(m & mask[j]))
			return 1;
	}
	return !typed_first;
}

/* Reads the preamble of buf[0 .. len) into c: options, separator, first
 * record, header, names, selection, forced types.  *data_off and *data_line
 * receive where the data rows start.  Returns ML_OK, NEED_MORE (non-final
 * input too short to finish), or a negative code; c is freed on failure. */
static int setup(csv_ctx *c, const ml_csv_options *o, const char *buf, size_t len, int final,
                 size_t *data_off, int64_t *data_line, ml_error *e)
{
	memset(c, 0, sizeof *c);
	c->who = o->who ? o->who : "csv.read";
	const char *path = o->path ? o->path : "<string>";
	int rc = ML_OK;
	csv_field *f = NULL;
	char **fnames = NULL;
	int64_t nf = 0, nfn = 0;
	if (!(c->path = dup_bytes(path, strlen(path))))
		goto nomem;
	c->quote = o->quote;
	c->comment = o->comment;
	c->on_bad = o->on_bad;
	c->threads = o->threads;
	if (c->threads <= 0)
		c->threads = ml_csv_workers(MAX_PARTS);
	c->parallel_bytes = o->parallel_bytes < 0 ? DEFAULT_PARALLEL : o->parallel_bytes;
	c->max_levels = o->max_levels;
	c->level_ratio = o->level_ratio;
	c->progress = o->progress;
	c->progress_arg = o->progress_arg;
	if (o->sep == '\n' || o->sep == '\r' || (o->sep >= 0 && o->sep == o->quote) || o->sep > 255 ||
	    o->quote == '\n' || o->quote == '\r' || o->quote > 255 || o->comment > 255 ||
	    (o->comment >= 0 && (o->comment == o->quote || o->comment == o->sep))) {
		rc = ml_fail(e, ML_EINVAL, "%s: separator, quote and comment must be distinct bytes "
		             "other than CR and LF", c->who);
		goto fail;
	}
	const char *const *na = o->na ? o->na : default_na;
	size_t nna = o->na ? o->nna : sizeof default_na / sizeof *default_na;
	c->na = calloc(nna ? nna : 1, sizeof *c->na);
	c->nalen = calloc(nna ? nna : 1, sizeof *c->nalen);
	if (!c->na || !c->nalen)
		goto nomem;
	for (size_t i = 0; i < nna; i++) {
		c->nalen[i] = strlen(na[i]);
		if (!(c->na[i] = dup_bytes(na[i], c->nalen[i])))
			goto nomem;
		c->nna = i + 1;
		if (c->nalen[i] < 64)
			c->nalens |= (uint64_t)1 << c->nalen[i];
		else
			c->nalong = 1;
	}

	const char *p = buf, *end = buf + len;
	int64_t line = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	for (int64_t i = 0; i < o->skip; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			if (!final) {
				rc = NEED_MORE;
				goto fail;
			}
			p = end;
			break;
		}
		p = nl + 1;
		line++;
	}
	c->sep = o->sep >= 0 ? o->sep : sniff(c, p, end, final);
	set_classes(c);

	csv_cursor k = {p, end, final, line};
	csv_record r;
	int s = ml_csv_skip_blank(c, &k, end);
	if (s == REC_OK) {
		csv_cursor k0 = k;
		s = ml_csv_next_record(c, &k0, NULL, 0, &r);
		nf = r.nf;
	}
	if (s == REC_MORE) {
		rc = NEED_MORE;
		goto fail;
	}
	if (s == REC_BAD) {
		int64_t ln, col;
		ml_csv_locate(&r, r.at, &ln, &col);
		rc = ml_csv_fail_at(c, e, ln, col, r.why);
		goto fail;
	}
	const char *first_at = k.pos;
	int64_t first_line = k.line;
	if (s == REC_END)
		nf = 0;
	if (!(f = calloc((size_t)nf + 1, sizeof *f)))
		goto nomem;
	if (nf)
		ml_csv_next_record(c, &k, f, nf, &r);
	c->nfile = nf ? nf : (int64_t)o->nnames;
	c->header = o->header;
	if (nf == 0)
		c->header = 0;
	else if (c->header < 0)
		c->header = detect_header(c, f, k);
	if (o->nnames && (int64_t)o->nnames != c->nfile) {
		rc = ml_fail(e, ML_EINVAL, "%s: %zu names given, %s has %lld columns", c->who, o->nnames,
		             c->path, (long long)c->nfile);
		goto fail;
	}
	/* file column names: given, from the header, or V1, V2 ...; made unique */
	if (!(fnames = calloc((size_t)c->nfile + 1, sizeof *fnames)))
		goto nomem;
	nfn = c->nfile;
	char *tmp = NULL;
	size_t tcap = 0;
	for (int64_t j = 0; j < c->nfile; j++) {
		char v[32];
		const char *nm = v;
		int64_t n;
		snprintf(v, sizeof v, "V%lld", (long long)j + 1);
		n = (int64_t)strlen(v);
		if (o->nnames) {
			nm = o->names[j];
			n = (int64_t)strlen(nm);
		} else if (c->header && f[j].n > 0) {
			nm = f[j].p;
			n = (int64_t)f[j].n;
			if (f[j].quoted == 2) {
				if ((n = ml_csv_unescape(&f[j], c->quote, &tmp, &tcap)) < 0) {
					free(tmp);
					goto nomem;
				}
				nm = tmp;
			}
		}
		char *name = dup_bytes(nm, (size_t)n);
		for (int dup = 1; name && find_name(fnames, j, name) >= 0; dup++) {
			char *nn = malloc((size_t)n + 24);
			if (nn)
				snprintf(nn, (size_t)n + 24, "%.*s.%d", (int)n, nm, dup);
			free(name);
			name = nn;
		}
		if (!name) {
			free(tmp);
			goto nomem;
		}
		fnames[j] = name;
	}
	free(tmp);
	if (c->header) {
		*data_off = (size_t)(k.pos - buf);
		*data_line = k.line;
	} else {
		*data_off = (size_t)(first_at - buf);
		*data_line = first_line;
	}

	/* output columns */
	c->nout = o->select ? (int64_t)o->nselect : c->nfile;
	c->file_of = calloc((size_t)c->nout + 1, sizeof *c->file_of);
	c->forced = calloc((size_t)c->nout + 1, sizeof *c->forced);
	c->names = calloc((size_t)c->nout + 1, sizeof *c->names);
	if (!c->file_of || !c->forced || !c->names)
		goto nomem;
	for (int64_t j = 0; j < c->nout; j++) {
		int64_t i = j;
		if (o->select) {
			if ((i = resolve_ref(c, fnames, &o->select[j], "columns", e)) < 0) {
				rc = ML_EINVAL;
				goto fail;
			}
			for (int64_t q = 0; q < j; q++)
				if (c->file_of[q] == i) {
					rc = ml_fail(e, ML_EINVAL, "%s: columns: column '%.60s' selected twice",
					             c->who, fnames[i]);
					goto fail;
				}
		}
		c->file_of[j] = i;
		if (!(c->names[j] = dup_bytes(fnames[i], strlen(fnames[i]))))
			goto nomem;
	}
	for (size_t t = 0; t < o->ntypes; t++) {
		int64_t i = resolve_ref(c, fnames, &o->types[t], "types", e);
		if (i < 0) {
			rc = ML_EINVAL;
			goto fail;
		}
		if ((unsigned)o->types[t].type >= ML_CSV_NTYPES) {
			rc = ml_fail(e, ML_EINVAL, "%s: types: bad type for column '%.60s'", c->who, fnames[i]);
			goto fail;
		}
		for (int64_t j = 0; j < c->nout; j++)
			if (c->file_of[j] == i) {
				c->forced[j] = o->types[t].type;
				c->any_forced |= ml_csv_type_bit(c->forced[j]) != 0;
			}
	}
	goto out;
nomem:
	rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
fail:
	ml_csv_ctx_free(c);
out:
	for (int64_t j = 0; fnames && j < nfn; j++)
		free(fnames[j]);
	free(fnames);
	free(f);
	return rc;
}

int ml_csv_read_buffer(const char *buf, size_t len, const ml_csv_options *o, ml_csv_table *out,
                       ml_error *e)
{
	memset(out, 0, sizeof *out);
	csv_ctx c;
	size_t off;
	int64_t line, lines;
	const char *stop;
	int rc = setup(&c, o, buf, len, 1, &off, &line, e);
	if (rc)
		return rc;
	rc = ml_csv_parse_range(&c, buf + off, buf + len, 1, o->max_rows, line, out, &stop, &lines, e);
	ml_csv_ctx_free(&c);
	return rc;
}

/* Reads a whole non-mappable file (a pipe, /proc) into a malloc'ed buffer. */
static char *slurp(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	while (b) {
		if (n == cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		ssize_t got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (got == 0) {
			*len = n;
			return b;
		}
		n += (size_t)got;
	}
	free(b);
	return NULL;
}

int ml_csv_read_file(const char *path, const ml_csv_options *o, ml_csv_table *out, ml_error *e)
{
	memset(out, 0, sizeof *out);
	const char *who = o->who ? o->who : "csv.read";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ml_fail(e, ML_EINVAL, "%s: cannot open '%s' (%s)", who, path, strerror(errno));
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int mapped = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		len = (size_t)st.st_size;
		/* MAP_POPULATE maps every page now: threads then take no page faults */
		buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (buf == MAP_FAILED)
			buf = NULL;
		else {
			mapped = 1;
			madvise(buf, len, MADV_WILLNEED);
		}
	}
	if (!buf)
		buf = slurp(fd, &len);
	int err = errno;
	close(fd);
	if (!buf)
		return ml_fail(e, ML_EINVAL, "%s: cannot read '%s' (%s)", who, path, strerror(err));
	ml_csv_options oo = *o;
	if (!oo.path)
		oo.path = path;
	int rc = ml_csv_read_buffer(buf, len, &oo, out, e);
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
	return rc;
}

/* ---- the chunked reader ---- */

struct ml_csv_reader {
	csv_ctx c;                 /* schema from the header */
	int fd;                /* the open file */
	char *buf;             /* text read and not yet parsed is buf[pos .. len) */
	size_t len, cap, pos;  /* bytes held, room, start of unparsed text */
	int eof;               /* read() returned 0 */
	int64_t line;          /* 0-based line of buf[pos] */
};

/* Moves unparsed bytes to the front, grows the buffer when full, reads more. */
static int fill(ml_csv_reader *r, ml_error *e)
{
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		size_t nc = r->cap ? 2 * r->cap : READ_BLOCK;
		char *nb = realloc(r->buf, nc);
		if (!nb)
			return ml_fail(e, ML_ENOMEM, "csv.read_chunks: cannot allocate %zu bytes", nc);
		r->buf = nb;
		r->cap = nc;
	}
	for (;;) {
		ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return ml_fail(e, ML_EINVAL, "csv.read_chunks: cannot read '%s' (%s)", r->c.path
			               ? r->c.path : "?", strerror(errno));
		if (got == 0)
			r->eof = 1;
		r->len += (size_t)got;
		return ML_OK;
	}
}

ml_csv_reader *ml_csv_reader_open(const char *path, const ml_csv_options *o, ml_error *e)
{
	ml_csv_reader *r = calloc(1, sizeof *r);
	if (!r) {
		ml_fail(e, ML_ENOMEM, "csv.read_chunks: out of memory");
		return NULL;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ml_fail(e, ML_EINVAL, "%s: cannot open '%s' (%s)", o->who ? o->who : "csv.read_chunks",
		        path, strerror(errno));
		free(r);
		return NULL;
	}
	ml_csv_options oo = *o;
	if (!oo.path)
		oo.path = path;
	if (!oo.who)
		oo.who = "csv.read_chunks";
	for (;;) {
		if (fill(r, e))
			break;
		size_t off;
		int64_t line;
		int rc = setup(&r->c, &oo, r->buf, r->len, r->eof, &off, &line, e);
		if (rc == NEED_MORE)
			continue;
		if (rc < 0)
			break;
		r->pos = off;
		r->line = line;
		return r;
	}
	close(r->fd);
	free(r->buf);
	free(r);
	return NULL;
}

int ml_csv_reader_next(ml_csv_reader *r, int64_t rows, ml_csv_table *out, ml_error *e)
{
	memset(out, 0, sizeof *out);
	if (rows < 1)
		return ml_fail(e, ML_EINVAL, "csv.read_chunks: rows must be >= 1 (got %lld)", (long long)rows);
	for (;;) {
		const char *stop;
		int64_t lines;
		int rc = ml_csv_parse_range(&r->c, r->buf + r->pos, r->buf + r->len, r->eof, rows, r->line, out,
		                     &stop, &lines, e);
		if (rc == NEED_MORE) {
			if ((rc = fill(r, e)))
				return rc;
			continue;
		}
		if (rc < 0)
			return rc;
		r->pos = (size_t)(stop - r->buf);
		r->line += lines;
		if (out->nrows == 0 && out->nbad == 0) {
			ml_csv_table_free(out);
			return 0;
		}
		return 1;
	}
}

void ml_csv_reader_close(ml_csv_reader *r)
{
	if (!r)
		return;
	ml_csv_ctx_free(&r->c);
	close(r->fd);
	free(r->buf);
	free(r);
}
