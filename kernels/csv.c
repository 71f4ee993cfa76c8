/*
 * csv.c - the CSV reader: tokenizer, separator sniffing, header detection,
 * type inference, the two-pass parse (serial or split among threads), the
 * whole-file reader and the chunked reader.
 *
 * How a parse goes: setup() reads the preamble (byte order mark, skipped
 * lines, separator, first record, header) into a ctx that owns every resolved
 * option.  parse_range() then splits the data into parts at record boundaries
 * (a quote-parity count finds them; a check that each part's last record ends
 * exactly at the next part's start makes a wrong guess fall back to one part),
 * runs pass 1 on every part (validate records, infer column types, count rows)
 * and pass 2 (convert into the final columns at each part's row offset).
 * String columns are interned per part and merged in part order, so levels
 * come in order of first appearance exactly as a serial parse gives them.
 *
 * Not here: the value grammar (csv_value.c), writing (csv_write.c), Lua.
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

#define MAX_PARTS 64                /* most parts one input is split into */
#define SNIFF_BYTES 65536           /* bytes the separator sniffer looks at */
#define SNIFF_RECORDS 30            /* records it looks at */
#define HEADER_SAMPLE 100           /* records read to decide whether row 1 is a header */
#define DEFAULT_PARALLEL (4 << 20)  /* inputs this long are split among threads */
#define READ_BLOCK (1 << 20)        /* first read of the chunked reader */
#define NEED_MORE 1                 /* parse_range/setup: the input ended mid-record */

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

/* ---- the resolved schema of one input ---- */

typedef struct ctx {
	const char *who;          /* caller name in messages (static string) */
	char *path;               /* input name in messages (owned) */
	int sep;                  /* separator byte */
	int quote;                /* quote byte or -1 */
	int comment;              /* comment byte or -1 */
	ml_csv_bad on_bad;        /* bad line policy */
	char **na;                /* missing-value tokens (owned) */
	size_t *nalen;            /* their lengths */
	size_t nna;               /* how many */
	uint64_t nalens;          /* bit k set when some token has length k < 64 */
	int nalong;               /* some token is 64 bytes or longer */
	int header;               /* 1: the first row held names */
	int64_t nfile;            /* fields per record */
	int64_t nout;             /* output columns */
	int64_t *file_of;         /* nout: file column of each output column */
	ml_csv_type *forced;      /* nout: forced type or ML_CSV_AUTO */
	char **names;             /* nout names (owned) */
	int threads;              /* parts for large inputs */
	int64_t parallel_bytes;   /* inputs at least this long are split */
	int64_t max_levels;       /* categorical rule, see ml_csv_options */
	double level_ratio;
	uint8_t cls[256];         /* tokenizer byte classes: nonzero for separator, CR, LF */
} ctx;

static void ctx_free(ctx *c)
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

static void set_classes(ctx *c)
{
	memset(c->cls, 0, sizeof c->cls);
	c->cls[(uint8_t)c->sep] = 1;
	c->cls['\n'] = 2;
	c->cls['\r'] = 2;
}

/* ---- tokenizer ---- */

typedef struct field {
	const char *p;     /* content (inside the quotes of a quoted field) */
	size_t n;          /* content length */
	int quoted;        /* 0 plain, 1 quoted, 2 quoted with doubled quotes inside */
} field;

typedef struct cursor {
	const char *pos;   /* next byte */
	const char *end;   /* end of the bytes available */
	int final;         /* 1: end is the end of the input; 0: more may follow */
	int64_t line;      /* line breaks passed since the cursor started */
} cursor;

enum { REC_OK, REC_END, REC_MORE, REC_BAD };

typedef struct record {
	const char *start; /* first byte */
	int64_t line;      /* cursor line at start */
	int64_t nf;        /* fields seen (may exceed the room given) */
	const char *at;    /* REC_BAD: where the problem is */
	const char *why;   /* REC_BAD: what it is */
} record;

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
static int skip_blank(const ctx *c, cursor *k, const char *limit)
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
static int next_record(const ctx *c, cursor *k, field *f, int64_t room, record *r)
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
			while (p < end && !cls[(uint8_t)*p])
				p++;
			n = (size_t)(p - s);
		}
		if (nf < room) {
			f[nf].p = s;
			f[nf].n = n;
			f[nf].quoted = quoted;
		}
		nf++;
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
static void locate(const record *r, const char *at, int64_t *line, int64_t *col)
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

static void trim(const field *f, const char **p, size_t *n)
{
	const char *s = f->p, *e = f->p + f->n;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*p = s;
	*n = (size_t)(e - s);
}

/* Trims f into (p, n) and tells whether it is a missing value: an unquoted
 * field equal to a missing-value token once blanks are trimmed. */
static int is_missing(const ctx *c, const field *f, const char **p, size_t *n)
{
	trim(f, p, n);
	if (f->quoted)
		return 0;
	if (*n < 64 ? !((c->nalens >> *n) & 1) : !c->nalong)
		return 0;
	for (size_t i = 0; i < c->nna; i++)
		if (c->nalen[i] == *n && memcmp(c->na[i], *p, *n) == 0)
			return 1;
	return 0;
}

/* The ML_CSV_M_* bit a value must have to fit a forced type (0: any value fits) */
static unsigned type_bit(ml_csv_type t)
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
static int64_t unescape(const field *f, int quote, char **buf, size_t *cap)
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

typedef struct dict {
	char *bytes;          /* the levels back to back */
	size_t len, cap;      /* bytes used and allocated */
	int64_t *off;         /* n+1 offsets: level i is bytes[off[i] .. off[i+1]) */
	uint64_t *hash;       /* n hashes, kept for rehashing */
	int64_t n, ncap;      /* levels, and room in off (ncap) and hash (ncap-1) */
	int64_t *slot;        /* open addressing: level index + 1, or 0 when empty */
	size_t nslot;         /* a power of two, at least 2n */
} dict;

static void dict_free(dict *d)
{
	free(d->bytes);
	free(d->off);
	free(d->hash);
	free(d->slot);
	memset(d, 0, sizeof *d);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n, w;
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

static int dict_grow_slots(dict *d)
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
static int64_t dict_add(dict *d, const char *s, size_t n)
{
	if ((size_t)(d->n + 1) * 2 > d->nslot && dict_grow_slots(d))
		return -1;
	uint64_t h = hash_bytes(s, n);
	size_t j = h & (d->nslot - 1);
	while (d->slot[j]) {
		int64_t lv = d->slot[j] - 1;
		if (d->hash[lv] == h && (size_t)(d->off[lv + 1] - d->off[lv]) == n &&
		    memcmp(d->bytes + d->off[lv], s, n) == 0)
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

/* ---- parts: the slices of one input parsed by one thread each ---- */

typedef struct note {
	int64_t line;          /* 0-based line, relative to the part */
	int64_t col;           /* 1-based column */
	char msg[200];         /* what went wrong */
} note;

typedef struct part {
	const char *begin;     /* first byte (a record boundary) */
	const char *end;       /* records starting at or after this belong to the next part */
	const char *stop;      /* where pass 1 stopped */
	int status;            /* REC_END, or REC_MORE when the input ended mid-record */
	int nomem;             /* an allocation failed */
	int64_t rows;          /* good rows */
	int64_t lines;         /* line breaks passed by pass 1 */
	int64_t row0;          /* first output row */
	int64_t line0;         /* 0-based line number of begin in the whole input */
	unsigned *mask;        /* nout inferred type masks */
	int64_t *nmiss;        /* nout missing-value counts */
	field *f;              /* nfile + 1 fields of the current record */
	const char **bad;      /* starts of the bad records skipped, in order */
	int64_t nbad, capbad;  /* their count and room */
	note *notes;           /* warnings (at most ML_CSV_MAXWARN kept) */
	int64_t nnotes;        /* kept */
	int64_t nwarn;         /* issued */
	int has_err;           /* on_bad ERROR: err stops the parse */
	note err;              /* the error */
	dict *dicts;           /* pass 2: nout dictionaries of string columns */
	char *scratch;         /* pass 2: unescaped field */
	size_t scap;           /* its room */
} part;

static void part_free(part *pt, int64_t nout)
{
	free(pt->mask);
	free(pt->nmiss);
	free(pt->f);
	free(pt->bad);
	free(pt->notes);
	if (pt->dicts)
		for (int64_t j = 0; j < nout; j++)
			dict_free(&pt->dicts[j]);
	free(pt->dicts);
	free(pt->scratch);
}

static void bad_record(const ctx *c, part *pt, const record *r, const char *at, const char *why)
{
	note nt;
	locate(r, at, &nt.line, &nt.col);
	snprintf(nt.msg, sizeof nt.msg, "%s", why);
	if (c->on_bad == ML_CSV_BAD_ERROR) {
		pt->err = nt;
		pt->has_err = 1;
		return;
	}
	if (pt->nbad == pt->capbad) {
		int64_t nc = pt->capbad ? 2 * pt->capbad : 16;
		const char **b = realloc(pt->bad, (size_t)nc * sizeof *b);
		if (!b) {
			pt->nomem = 1;
			return;
		}
		pt->bad = b;
		pt->capbad = nc;
	}
	pt->bad[pt->nbad++] = r->start;
	if (c->on_bad == ML_CSV_BAD_WARN) {
		pt->nwarn++;
		if (pt->nnotes < ML_CSV_MAXWARN) {
			if (!pt->notes && !(pt->notes = malloc(ML_CSV_MAXWARN * sizeof *pt->notes))) {
				pt->nomem = 1;
				return;
			}
			pt->notes[pt->nnotes++] = nt;
		}
	}
}

/* Pass 1 over one part: validates each record (field count, quoting, forced
 * types), infers type masks, counts missing values, good rows and lines.
 * Stops at pt->end, at `limit` good rows (limit >= 0), at an error, or
 * with status REC_MORE when a non-final input ends mid-record. */
static void pass1(const ctx *c, part *pt, const char *end, int final, int64_t limit)
{
	cursor k = {pt->begin, end, final, 0};
	field *f = pt->f;
	record r;
	char why[200];
	pt->status = REC_END;
	while (limit < 0 || pt->rows < limit) {
		int s = skip_blank(c, &k, pt->end);
		if (s != REC_OK) {
			pt->status = s;
			break;
		}
		const char *at_pos = k.pos;
		int64_t at_line = k.line;
		s = next_record(c, &k, f, c->nfile + 1, &r);
		if (s == REC_MORE) {
			k.pos = at_pos;
			k.line = at_line;
			pt->status = REC_MORE;
			break;
		}
		const char *at = NULL;
		if (s == REC_BAD) {
			at = r.at;
			snprintf(why, sizeof why, "%s", r.why);
		} else if (r.nf != c->nfile) {
			if (r.nf > c->nfile) {
				at = f[c->nfile].p - (f[c->nfile].quoted != 0);
			} else {
				const field *last = &f[r.nf - 1];
				at = last->p + last->n + (last->quoted != 0);
			}
			snprintf(why, sizeof why, "row has %lld field%s, %s has %lld", (long long)r.nf,
			         r.nf == 1 ? "" : "s", c->header ? "header" : "first row",
			         (long long)c->nfile);
		} else {
			for (int64_t j = 0; j < c->nout; j++) {
				unsigned bit = type_bit(c->forced[j]);
				const field *fl = &f[c->file_of[j]];
				const char *tp;
				size_t tn;
				if (!bit || is_missing(c, fl, &tp, &tn) || (ml_csv_classify(tp, tn) & bit))
					continue;
				at = fl->p;
				snprintf(why, sizeof why, "expected %s %s in column '%.60s', got '%.*s'",
				         c->forced[j] == ML_CSV_INTEGER ? "an" : "a",
				         ml_csv_type_name[c->forced[j]], c->names[j], (int)(tn > 40 ? 40 : tn), tp);
				break;
			}
		}
		if (at) {
			bad_record(c, pt, &r, at, why);
			if (pt->has_err || pt->nomem)
				break;
			continue;
		}
		for (int64_t j = 0; j < c->nout; j++) {
			const field *fl = &f[c->file_of[j]];
			const char *tp;
			size_t tn;
			if (is_missing(c, fl, &tp, &tn))
				pt->nmiss[j]++;
			else if (pt->mask[j])
				pt->mask[j] &= ml_csv_classify(tp, tn);
		}
		pt->rows++;
	}
	pt->stop = k.pos;
	pt->lines = k.line;
}

/* Pass 2 over one part: converts its good rows into cols at rows
 * pt->row0 ..; string columns go through the part's dictionaries. */
static void pass2(const ctx *c, part *pt, ml_csv_column *cols, const char *end, int final)
{
	cursor k = {pt->begin, end, final, 0};
	field *f = pt->f;
	record r;
	int64_t row = pt->row0, stop = pt->row0 + pt->rows, b = 0;
	while (row < stop) {
		if (skip_blank(c, &k, pt->end) != REC_OK)
			break; /* cannot happen: pass 1 counted these rows */
		int s = next_record(c, &k, f, c->nfile + 1, &r);
		if (b < pt->nbad && r.start == pt->bad[b]) {
			b++;
			continue;
		}
		if (s != REC_OK && s != REC_BAD)
			break;
		for (int64_t j = 0; j < c->nout; j++) {
			const field *fl = &f[c->file_of[j]];
			ml_csv_column *col = &cols[j];
			const char *tp;
			size_t tn;
			int miss = is_missing(c, fl, &tp, &tn);
			if (miss)
				((uint8_t *)col->missing->data)[row] = 1;
			switch (col->type) {
			case ML_CSV_INTEGER: {
				int64_t v = 0;
				if (!miss)
					ml_csv_parse_int64(tp, tn, &v);
				((int64_t *)col->data->data)[row] = v;
				break;
			}
			case ML_CSV_FLOAT: {
				double v = NAN;
				if (!miss)
					ml_csv_parse_double(tp, tn, &v);
				((double *)col->data->data)[row] = v;
				break;
			}
			case ML_CSV_BOOLEAN: {
				uint8_t v = 0;
				if (!miss)
					ml_csv_parse_bool(tp, tn, &v);
				((uint8_t *)col->data->data)[row] = v;
				break;
			}
			case ML_CSV_DATE:
			case ML_CSV_DATETIME: {
				double v = NAN;
				if (!miss)
					ml_csv_parse_datetime(tp, tn, &v);
				((double *)col->data->data)[row] = v;
				break;
			}
			default: {
				int64_t code = 0;
				if (!miss) {
					const char *sp = fl->p;
					int64_t sn = (int64_t)fl->n;
					if (fl->quoted == 2) {
						sn = unescape(fl, c->quote, &pt->scratch, &pt->scap);
						sp = pt->scratch;
					}
					code = sn < 0 ? -1 : dict_add(&pt->dicts[j], sp, (size_t)sn);
					if (code < 0) {
						pt->nomem = 1;
						return;
					}
				}
				((int64_t *)col->data->data)[row] = code;
				break;
			}
			}
		}
		row++;
	}
}

/* ---- splitting among threads ---- */

/* Threads for np parts: never more than OpenMP offers (parts may outnumber
 * cores; oversubscribed threads only spin). */
static int workers(int np)
{
#ifdef _OPENMP
	int t = omp_get_max_threads();
	return np < t ? np : t;
#else
	(void)np;
	return 1;
#endif
}

static int64_t count_byte(const char *p, const char *end, int b)
{
	int64_t n = 0;
	for (; p < end; p++)
		n += (uint8_t)*p == b;
	return n;
}

/* Guesses nparts-1 record boundaries: the first LF after each equal split
 * that lies outside quotes, by the parity of the quotes before it.  Quotes
 * that do not pair (in comments, inside unquoted fields) can fool it; the
 * caller checks every boundary against pass 1. */
static void find_splits(const ctx *c, const char *begin, const char *end, int nparts,
                        const char **split)
{
	size_t step = (size_t)(end - begin) / (size_t)nparts;
	int64_t cnt[MAX_PARTS] = {0};
	if (c->quote >= 0) {
#pragma omp parallel for num_threads(workers(nparts)) schedule(dynamic, 1)
		for (int k = 0; k < nparts - 1; k++)
			cnt[k] = count_byte(begin + (size_t)k * step, begin + (size_t)(k + 1) * step, c->quote);
	}
	split[0] = begin;
	split[nparts] = end;
	int64_t quotes = 0;
	for (int k = 1; k < nparts; k++) {
		quotes += cnt[k - 1];
		const char *g = begin + (size_t)k * step;
		int inq = (int)(quotes & 1);
		while (g < end) {
			uint8_t ch = (uint8_t)*g++;
			if (ch == c->quote)
				inq ^= 1;
			else if (ch == '\n' && !inq)
				break;
		}
		split[k] = g > split[k - 1] ? g : split[k - 1];
	}
}

/* ---- the two passes over a range of records ---- */

static int table_alloc_cols(ml_csv_table *t, int64_t n, ml_error *e)
{
	t->cols = calloc(n ? (size_t)n : 1, sizeof *t->cols);
	if (!t->cols)
		return ml_fail(e, ML_ENOMEM, "csv: cannot allocate %lld columns", (long long)n);
	t->ncols = n;
	return ML_OK;
}

void ml_csv_table_free(ml_csv_table *t)
{
	for (int64_t j = 0; t->cols && j < t->ncols; j++) {
		ml_csv_column *col = &t->cols[j];
		free(col->name);
		ml_storage_release(col->data);
		ml_storage_release(col->missing);
		free(col->levels);
		free(col->level_off);
	}
	free(t->cols);
	free(t->warnings);
	memset(t, 0, sizeof *t);
}

static ml_dtype type_dtype(ml_csv_type t)
{
	switch (t) {
	case ML_CSV_FLOAT:
	case ML_CSV_DATE:
	case ML_CSV_DATETIME: return ML_DOUBLE;
	case ML_CSV_BOOLEAN: return ML_BYTE;
	default: return ML_LONG;
	}
}

/* The type of an inferred column from its mask and counts */
static ml_csv_type resolve(unsigned m, int64_t nmiss, int64_t rows)
{
	if (nmiss == rows)
		return ML_CSV_FLOAT;
	if (m & ML_CSV_M_INT)
		return nmiss ? ML_CSV_FLOAT : ML_CSV_INTEGER;
	if (m & ML_CSV_M_FLOAT)
		return ML_CSV_FLOAT;
	if (m & ML_CSV_M_BOOL)
		return ML_CSV_BOOLEAN;
	if (m & ML_CSV_M_DATE)
		return ML_CSV_DATE;
	if (m & ML_CSV_M_DATETIME)
		return ML_CSV_DATETIME;
	return ML_CSV_STRING;
}

static int fail_at(const ctx *c, ml_error *e, int64_t line, int64_t col, const char *msg)
{
	return ml_fail(e, ML_EINVAL, "%s: %s:%lld:%lld: %s", c->who, c->path, (long long)line + 1,
	               (long long)col, msg);
}

static int collect_warnings(const ctx *c, part *parts, int np, ml_csv_table *t, ml_error *e)
{
	int64_t kept = 0;
	for (int k = 0; k < np; k++) {
		t->nwarnings += parts[k].nwarn;
		t->nbad += parts[k].nbad;
		kept += parts[k].nnotes;
	}
	if (kept == 0)
		return ML_OK;
	size_t cap = (size_t)kept * (strlen(c->path) + 256);
	char *w = malloc(cap);
	if (!w)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate warnings", c->who);
	size_t len = 0;
	int64_t n = 0;
	for (int k = 0; k < np; k++)
		for (int64_t i = 0; i < parts[k].nnotes && n < ML_CSV_MAXWARN; i++, n++) {
			const note *nt = &parts[k].notes[i];
			len += (size_t)snprintf(w + len, cap - len, "%s:%lld:%lld: %s\n", c->path,
			                        (long long)(parts[k].line0 + nt->line + 1),
			                        (long long)nt->col, nt->msg);
		}
	t->warnings = w;
	return ML_OK;
}

/* Merges the part dictionaries of column j into part 0's (first appearance
 * order) and recodes the rows of later parts. */
static int merge_levels(part *parts, int np, int64_t j, ml_csv_column *col)
{
	dict *g = &parts[0].dicts[j];
	int64_t *codes = col->data->data;
	for (int k = 1; k < np; k++) {
		dict *d = &parts[k].dicts[j];
		if (d->n == 0)
			continue;
		int64_t *remap = malloc((size_t)(d->n + 1) * sizeof *remap);
		if (!remap)
			return -1;
		remap[0] = 0;
		for (int64_t i = 0; i < d->n; i++) {
			remap[i + 1] = dict_add(g, d->bytes + d->off[i], (size_t)(d->off[i + 1] - d->off[i]));
			if (remap[i + 1] < 0) {
				free(remap);
				return -1;
			}
		}
		for (int64_t r = parts[k].row0; r < parts[k].row0 + parts[k].rows; r++)
			codes[r] = remap[codes[r]];
		free(remap);
	}
	col->nlevels = g->n;
	if (g->n == 0) {
		col->level_off = calloc(1, sizeof *col->level_off);
		col->levels = malloc(1);
		return col->level_off && col->levels ? 0 : -1;
	}
	col->levels = g->bytes;
	col->level_off = g->off;
	g->bytes = NULL;
	g->off = NULL;
	return 0;
}

/* Parses the records in [begin, end) into out.  final: end is the end of the
 * input.  limit: most good rows (-1: all).  line0: 0-based line of begin.
 * *stop receives where parsing stopped, *lines the line breaks passed.
 * Returns ML_OK, NEED_MORE (non-final input ended before `limit` rows: out
 * untouched), or a negative code. */
static int parse_range(const ctx *c, const char *begin, const char *end, int final, int64_t limit,
                       int64_t line0, ml_csv_table *out, const char **stop, int64_t *lines,
                       ml_error *e)
{
	int np = 1;
	if (final && limit < 0 && c->threads > 1 && (int64_t)(end - begin) >= c->parallel_bytes)
		np = c->threads < MAX_PARTS ? c->threads : MAX_PARTS;
	part *parts = NULL;
	int rc = ML_OK;
	const int64_t nout = c->nout;
again:
	parts = calloc((size_t)np, sizeof *parts);
	if (!parts)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
	const char *split[MAX_PARTS + 1];
	if (np > 1)
		find_splits(c, begin, end, np, split);
	else {
		split[0] = begin;
		split[1] = end;
	}
	for (int k = 0; k < np; k++) {
		part *pt = &parts[k];
		pt->begin = split[k];
		pt->end = split[k + 1];
		pt->mask = malloc((size_t)(nout ? nout : 1) * sizeof *pt->mask);
		pt->nmiss = calloc((size_t)(nout ? nout : 1), sizeof *pt->nmiss);
		pt->f = malloc((size_t)(c->nfile + 1) * sizeof *pt->f);
		if (!pt->mask || !pt->nmiss || !pt->f) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
			goto done;
		}
		for (int64_t j = 0; j < nout; j++)
			pt->mask[j] = ML_CSV_M_ALL;
	}
#pragma omp parallel for num_threads(workers(np)) schedule(dynamic, 1)
	for (int k = 0; k < np; k++)
		pass1(c, &parts[k], end, final, limit);

	for (int k = 0; k < np; k++) {
		part *pt = &parts[k];
		pt->line0 = k ? parts[k - 1].line0 + parts[k - 1].lines : line0;
		if (pt->nomem) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
			goto done;
		}
		if (pt->has_err) {
			rc = fail_at(c, e, pt->line0 + pt->err.line, pt->err.col, pt->err.msg);
			goto done;
		}
		if (k < np - 1 && pt->stop != pt->end) {
			/* a guessed boundary fell inside a record: parse serially */
			for (int i = 0; i < np; i++)
				part_free(&parts[i], nout);
			free(parts);
			np = 1;
			goto again;
		}
	}
	part *last = &parts[np - 1];
	if (last->status == REC_MORE && (limit < 0 || last->rows < limit)) {
		rc = NEED_MORE;
		goto done;
	}
	*stop = last->stop;
	*lines = last->line0 + last->lines - line0;

	int64_t nrows = 0;
	for (int k = 0; k < np; k++) {
		parts[k].row0 = nrows;
		nrows += parts[k].rows;
	}
	if ((rc = table_alloc_cols(out, nout, e)))
		goto done;
	out->nrows = nrows;
	out->sep = c->sep;
	out->header = c->header;
	int any_strings = 0;
	for (int64_t j = 0; j < nout; j++) {
		ml_csv_column *col = &out->cols[j];
		unsigned m = ML_CSV_M_ALL;
		int64_t nmiss = 0;
		for (int k = 0; k < np; k++) {
			m &= parts[k].mask[j];
			nmiss += parts[k].nmiss[j];
		}
		col->type = c->forced[j] != ML_CSV_AUTO ? c->forced[j] : resolve(m, nmiss, nrows);
		col->nmissing = nmiss;
		col->name = dup_bytes(c->names[j], strlen(c->names[j]));
		col->data = ml_storage_new(type_dtype(col->type), nrows, e);
		if (nmiss)
			col->missing = ml_storage_new(ML_BYTE, nrows, e);
		if (!col->name || !col->data || (nmiss && !col->missing)) {
			rc = ml_fail(e, ML_ENOMEM, "%s: cannot allocate column '%.60s' of %lld rows", c->who,
			             c->names[j], (long long)nrows);
			goto done;
		}
		if (col->type == ML_CSV_STRING || col->type == ML_CSV_CATEGORICAL)
			any_strings = 1;
	}
	for (int k = 0; any_strings && k < np; k++)
		if (!(parts[k].dicts = calloc((size_t)nout, sizeof *parts[k].dicts))) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
			goto done;
		}

#pragma omp parallel for num_threads(workers(np)) schedule(dynamic, 1)
	for (int k = 0; k < np; k++)
		pass2(c, &parts[k], out->cols, end, final);

	for (int k = 0; k < np; k++)
		if (parts[k].nomem) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
			goto done;
		}
	for (int64_t j = 0; j < nout; j++) {
		ml_csv_column *col = &out->cols[j];
		if (col->type != ML_CSV_STRING && col->type != ML_CSV_CATEGORICAL)
			continue;
		if (merge_levels(parts, np, j, col)) {
			rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
			goto done;
		}
		int64_t nonmiss = nrows - col->nmissing;
		if (c->forced[j] == ML_CSV_AUTO && col->nlevels <= c->max_levels &&
		    (double)col->nlevels <= c->level_ratio * (double)nonmiss)
			col->type = ML_CSV_CATEGORICAL;
	}
	rc = collect_warnings(c, parts, np, out, e);
done:
	for (int k = 0; k < np; k++)
		part_free(&parts[k], nout);
	free(parts);
	if (rc < 0)
		ml_csv_table_free(out);
	return rc;
}

/* ---- the preamble: separator, header, names, selection ---- */

/* The separator among , tab ; | that splits the first records into the
 * same number (> 1) of fields most consistently; ',' when none does. */
static int sniff(const ctx *base, const char *p, const char *end, int final)
{
	static const char cand[] = {',', '\t', ';', '|'};
	const char *lim = end - p > SNIFF_BYTES ? p + SNIFF_BYTES : end;
	int fin = lim == end && final;
	int best = ',';
	int64_t best_score = 0;
	for (size_t i = 0; i < sizeof cand; i++) {
		ctx t = *base;
		t.sep = cand[i];
		set_classes(&t);
		cursor k = {p, lim, fin, 0};
		record r;
		int64_t first = -1, same = 0, recs = 0;
		while (recs < SNIFF_RECORDS && skip_blank(&t, &k, lim) == REC_OK &&
		       next_record(&t, &k, NULL, 0, &r) != REC_MORE) {
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

static int64_t resolve_ref(const ctx *c, char *const *fnames, const ml_csv_colref *ref,
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
static int detect_header(const ctx *c, const field *first, cursor k)
{
	unsigned mask[256];
	int seen[256] = {0};
	int64_t nc = c->nfile < 256 ? c->nfile : 256;
	for (int64_t j = 0; j < nc; j++)
		mask[j] = ML_CSV_M_ALL;
	field *f = malloc((size_t)(c->nfile + 1) * sizeof *f);
	if (!f)
		return 1;
	record r;
	for (int n = 0; n < HEADER_SAMPLE && skip_blank(c, &k, k.end) == REC_OK; n++) {
		if (next_record(c, &k, f, c->nfile + 1, &r) != REC_OK || r.nf != c->nfile)
			continue;
		for (int64_t j = 0; j < nc; j++) {
			const char *tp;
			size_t tn;
			if (is_missing(c, &f[j], &tp, &tn))
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
		if (is_missing(c, &first[j], &tp, &tn))
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
static int setup(ctx *c, const ml_csv_options *o, const char *buf, size_t len, int final,
                 size_t *data_off, int64_t *data_line, ml_error *e)
{
	memset(c, 0, sizeof *c);
	c->who = o->who ? o->who : "csv.read";
	const char *path = o->path ? o->path : "<string>";
	int rc = ML_OK;
	field *f = NULL;
	char **fnames = NULL;
	int64_t nf = 0, nfn = 0;
	if (!(c->path = dup_bytes(path, strlen(path))))
		goto nomem;
	c->quote = o->quote;
	c->comment = o->comment;
	c->on_bad = o->on_bad;
	c->threads = o->threads;
	if (c->threads <= 0)
		c->threads = workers(MAX_PARTS);
	c->parallel_bytes = o->parallel_bytes < 0 ? DEFAULT_PARALLEL : o->parallel_bytes;
	c->max_levels = o->max_levels;
	c->level_ratio = o->level_ratio;
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

	cursor k = {p, end, final, line};
	record r;
	int s = skip_blank(c, &k, end);
	if (s == REC_OK) {
		cursor k0 = k;
		s = next_record(c, &k0, NULL, 0, &r);
		nf = r.nf;
	}
	if (s == REC_MORE) {
		rc = NEED_MORE;
		goto fail;
	}
	if (s == REC_BAD) {
		int64_t ln, col;
		locate(&r, r.at, &ln, &col);
		rc = fail_at(c, e, ln, col, r.why);
		goto fail;
	}
	const char *first_at = k.pos;
	int64_t first_line = k.line;
	if (s == REC_END)
		nf = 0;
	if (!(f = calloc((size_t)nf + 1, sizeof *f)))
		goto nomem;
	if (nf)
		next_record(c, &k, f, nf, &r);
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
				if ((n = unescape(&f[j], c->quote, &tmp, &tcap)) < 0) {
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
			if (c->file_of[j] == i)
				c->forced[j] = o->types[t].type;
	}
	goto out;
nomem:
	rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
fail:
	ctx_free(c);
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
	ctx c;
	size_t off;
	int64_t line, lines;
	const char *stop;
	int rc = setup(&c, o, buf, len, 1, &off, &line, e);
	if (rc)
		return rc;
	rc = parse_range(&c, buf + off, buf + len, 1, o->max_rows, line, out, &stop, &lines, e);
	ctx_free(&c);
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
		buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
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
	ctx c;                 /* schema from the header */
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
		int rc = parse_range(&r->c, r->buf + r->pos, r->buf + r->len, r->eof, rows, r->line, out,
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
	ctx_free(&r->c);
	close(r->fd);
	free(r->buf);
	free(r);
}
