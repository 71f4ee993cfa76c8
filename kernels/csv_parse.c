/*
 * csv_parse.c - the records of a CSV input into typed columns, serially or
 * split into parts parsed by threads.
 *
 * The input is split at guessed record boundaries: the first line end after
 * each equal split that a quote-parity count puts outside quotes.  Each part
 * then runs one pass over its records: it validates them (field count,
 * quoting, forced types), infers each column's type, and converts every value
 * at once into a part buffer in the representation its type so far needs
 * (int64 for integers and booleans, double for floats and dates, dictionary
 * codes for strings; integers widen to doubles in place).  A guess that fell
 * inside a record shows as a part whose last record does not end exactly at
 * the next part's start; the whole input is then parsed as one part, so the
 * result never depends on the split.  The parts are then joined into the
 * final columns at their row offsets (part 0's buffer becomes the column when
 * it can).  Only a column that turned out to be a string after a part had
 * read numbers in it needs a second pass over that part's text.  String
 * levels are merged in part order, which is their order of first appearance.
 *
 * Each record first goes to a fused fast path (fast_record) that finds the
 * field ends and converts plain numbers ([+-]digits[.digits][e[+-]digits],
 * at most 19 digits: Clinger's exact product, else Eisel-Lemire/strtod) in
 * the same scan, handing every other field to store() as the general path
 * does; records with quotes, comments or a wrong field count, and inputs
 * whose options could make a number mean something else (numeric-looking
 * missing tokens, forced types), take the general path (tokenizer, then
 * ml_csv_value).  Both give identical tables (tests/kernels/test_csv_fast.c).
 *
 * Not here: the tokenizer and preamble (csv.c), value grammar (csv_value.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "csv.h"
#include "csv_internal.h"

/* What a part's column buffer holds */
enum { K_INT, K_DBL, K_STR, K_DEAD };

typedef struct colbuf {
	void *v;               /* cap values: int64 (K_INT, K_STR codes) or double (K_DBL) */
	uint8_t *miss;         /* cap flags, 1 where missing; NULL before the first missing value */
	int kind;              /* K_*: K_DEAD when numbers were read before a string */
	int redo;              /* pass 2 must read this column of this part again as strings */
} colbuf;

/* One field as the fast path (fast_record) left it */
typedef struct fastval {
	const char *p;         /* content */
	size_t n;              /* its length */
	int form;              /* 0: anything else (store() reads it), 1: [+-]digits (iv and dv),
	                        * 2: another decimal (dv) */
	int64_t iv;            /* form 1: the value */
	double dv;             /* forms 1 and 2: the value */
} fastval;

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
	int64_t cap;           /* room in the column buffers */
	int64_t lines;         /* line breaks passed by pass 1 */
	int64_t row0;          /* first output row */
	int64_t line0;         /* 0-based line number of begin in the whole input */
	unsigned *mask;        /* nout inferred type masks */
	int64_t *nmiss;        /* nout missing-value counts */
	colbuf *cb;            /* nout column buffers */
	csv_dict *dicts;       /* nout dictionaries of string columns */
	csv_field *f;          /* nfile + 1 fields of the current record */
	const char **bad;      /* starts of the bad records skipped, in order */
	int64_t nbad, capbad;  /* their count and room */
	note *notes;           /* warnings (at most ML_CSV_MAXWARN kept) */
	int64_t nnotes;        /* kept */
	int64_t nwarn;         /* issued */
	int has_err;           /* on_bad ERROR: err stops the parse */
	note err;              /* the error */
	char *scratch;         /* unescaped field */
	size_t scap;           /* its room */
	int report;            /* this part reports progress (the first part of a whole input) */
	int fast;              /* the fused fast path may be tried (see fast_usable) */
	fastval *fv;           /* nfile fields of the fast path's current record */
	uint8_t *want;         /* nfile flags: the file column is selected */
} part;

static void part_free(part *pt, int64_t nout)
{
	for (int64_t j = 0; pt->cb && j < nout; j++) {
		free(pt->cb[j].v);
		free(pt->cb[j].miss);
	}
	for (int64_t j = 0; pt->dicts && j < nout; j++)
		ml_csv_dict_free(&pt->dicts[j]);
	free(pt->cb);
	free(pt->dicts);
	free(pt->mask);
	free(pt->nmiss);
	free(pt->f);
	free(pt->bad);
	free(pt->notes);
	free(pt->scratch);
	free(pt->fv);
	free(pt->want);
}

/* The fused fast path (fast_record) reads the same values as the general
 * path unless a separator or comment byte could be part of a number, a
 * missing-value token could look like one, or forced types must be checked. */
static int fast_usable(const csv_ctx *c)
{
	static const char numeric[] = "0123456789+-.eE\r\n";
	if (c->any_forced || c->nfile < 1 || strchr(numeric, c->sep) ||
	    (c->comment >= 0 && strchr(numeric, c->comment)))
		return 0;
	for (size_t i = 0; i < c->nna; i++)
		if (c->nalen[i] && strchr("0123456789+-.", c->na[i][0]))
			return 0;
	return 1;
}

static int part_init(const csv_ctx *c, part *pt, const char *begin, const char *end)
{
	int64_t nout = c->nout ? c->nout : 1;
	pt->begin = begin;
	pt->end = end;
	pt->mask = malloc((size_t)nout * sizeof *pt->mask);
	pt->nmiss = calloc((size_t)nout, sizeof *pt->nmiss);
	pt->cb = calloc((size_t)nout, sizeof *pt->cb);
	pt->dicts = calloc((size_t)nout, sizeof *pt->dicts);
	pt->f = malloc((size_t)(c->nfile + 1) * sizeof *pt->f);
	pt->fv = malloc((size_t)(c->nfile + 1) * sizeof *pt->fv);
	pt->want = calloc((size_t)(c->nfile + 1), 1);
	if (!pt->mask || !pt->nmiss || !pt->cb || !pt->dicts || !pt->f || !pt->fv || !pt->want)
		return -1;
	for (int64_t j = 0; j < c->nout; j++)
		pt->want[c->file_of[j]] = 1;
	pt->fast = fast_usable(c);
	for (int64_t j = 0; j < c->nout; j++) {
		pt->mask[j] = ML_CSV_M_ALL;
		switch (c->forced[j]) {
		case ML_CSV_FLOAT:
		case ML_CSV_DATE:
		case ML_CSV_DATETIME: pt->cb[j].kind = K_DBL; break;
		case ML_CSV_STRING:
		case ML_CSV_CATEGORICAL: pt->cb[j].kind = K_STR; break;
		default: pt->cb[j].kind = K_INT; break;
		}
	}
	return 0;
}

/* Grows the room of every column buffer of pt: to an estimate of the part's
 * rows from the bytes its first rows took (pos: where the cursor is; at most
 * limit when limit >= 0), or doubled when the estimate fell short. */
static int grow(const csv_ctx *c, part *pt, const char *pos, int64_t limit)
{
	int64_t nc = pt->cap ? 2 * pt->cap : 1024;
	if (pt->cap == 1024 && pos > pt->begin) {
		double per_row = (double)(pos - pt->begin) / (double)pt->rows;
		double guess = (double)(pt->end - pt->begin) / per_row * 1.05 + 1024;
		if (limit >= 0 && guess > (double)limit)
			guess = (double)limit;
		if (guess > (double)nc && guess < 1e12)
			nc = (int64_t)guess;
	}
	for (int64_t j = 0; j < c->nout; j++) {
		colbuf *b = &pt->cb[j];
		void *v = realloc(b->v, (size_t)nc * 8);
		if (!v)
			return -1;
		b->v = v;
		if (b->miss) {
			uint8_t *m = realloc(b->miss, (size_t)nc);
			if (!m)
				return -1;
			memset(m + pt->cap, 0, (size_t)(nc - pt->cap));
			b->miss = m;
		}
	}
	pt->cap = nc;
	return 0;
}

static void bad_record(const csv_ctx *c, part *pt, const csv_record *r, const char *at,
                       const char *why)
{
	note nt;
	ml_csv_locate(r, at, &nt.line, &nt.col);
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

/* What is wrong with a record (into why, returning where), or NULL when it is good */
static const char *check_record(const csv_ctx *c, const csv_field *f, int s, const csv_record *r,
                                char *why, size_t nwhy)
{
	if (s == REC_BAD) {
		snprintf(why, nwhy, "%s", r->why);
		return r->at;
	}
	if (r->nf != c->nfile) {
		snprintf(why, nwhy, "row has %lld field%s, %s has %lld", (long long)r->nf,
		         r->nf == 1 ? "" : "s", c->header ? "header" : "first row", (long long)c->nfile);
		if (r->nf > c->nfile)
			return f[c->nfile].p - (f[c->nfile].quoted != 0);
		const csv_field *last = &f[r->nf - 1];
		return last->p + last->n + (last->quoted != 0);
	}
	for (int64_t j = 0; c->any_forced && j < c->nout; j++) {
		unsigned bit = ml_csv_type_bit(c->forced[j]);
		const csv_field *fl = &f[c->file_of[j]];
		const char *tp;
		size_t tn;
		if (!bit || ml_csv_is_missing(c, fl, &tp, &tn) || (ml_csv_classify(tp, tn) & bit))
			continue;
		snprintf(why, nwhy, "expected %s %s in column '%.60s', got '%.*s'",
		         c->forced[j] == ML_CSV_INTEGER ? "an" : "a", ml_csv_type_name[c->forced[j]],
		         c->names[j], (int)(tn > 40 ? 40 : tn), tp);
		return fl->p;
	}
	return NULL;
}

static int intern(const csv_ctx *c, part *pt, int64_t j, const csv_field *fl, int64_t r)
{
	const char *sp = fl->p;
	int64_t sn = (int64_t)fl->n;
	if (fl->quoted == 2) {
		if ((sn = ml_csv_unescape(fl, c->quote, &pt->scratch, &pt->scap)) < 0)
			return -1;
		sp = pt->scratch;
	}
	int64_t code = ml_csv_dict_add(&pt->dicts[j], sp, (size_t)sn);
	if (code < 0)
		return -1;
	((int64_t *)pt->cb[j].v)[r] = code;
	return 0;
}

/* Widens the first r int64 values of b to doubles in place (missing: NaN). */
static void widen(colbuf *b, int64_t r)
{
	for (int64_t i = 0; i < r; i++) {
		int64_t x = ((int64_t *)b->v)[i];
		((double *)b->v)[i] = b->miss && b->miss[i] ? NAN : (double)x;
	}
	b->kind = K_DBL;
}

/* Converts field fl into row r of column j of pt, updating the inferred mask. */
static int store(const csv_ctx *c, part *pt, int64_t j, const csv_field *fl, int64_t r)
{
	colbuf *b = &pt->cb[j];
	const char *tp;
	size_t tn;
	if (ml_csv_is_missing(c, fl, &tp, &tn)) {
		pt->nmiss[j]++;
		if (!b->miss && !(b->miss = calloc((size_t)pt->cap, 1)))
			return -1;
		b->miss[r] = 1;
		if (b->kind == K_DBL)
			((double *)b->v)[r] = NAN;
		else
			((int64_t *)b->v)[r] = 0;
		return 0;
	}
	if (b->kind == K_STR)
		return intern(c, pt, j, fl, r);
	if (b->kind == K_DEAD)
		return 0;
	int64_t iv = 0;
	double dv = 0;
	unsigned m = ml_csv_value(tp, tn, &iv, &dv);
	if (c->forced[j] == ML_CSV_AUTO) {
		unsigned nm = pt->mask[j] & m;
		if (!nm) { /* a string: numbers read before it must be read again */
			pt->mask[j] = 0;
			if (r > pt->nmiss[j]) {
				b->kind = K_DEAD;
				return 0;
			}
			memset(b->v, 0, (size_t)r * 8);
			b->kind = K_STR;
			return intern(c, pt, j, fl, r);
		}
		pt->mask[j] = nm;
		if (!(nm & (ML_CSV_M_INT | ML_CSV_M_BOOL)) && b->kind == K_INT)
			widen(b, r);
	}
	if (b->kind == K_DBL)
		((double *)b->v)[r] = dv;
	else
		((int64_t *)b->v)[r] = iv;
	return 0;
}

/* ---- the fused fast path ---- */

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Reads [+-]digits[.digits][(e|E)[+-]digits] with at most 19 digits before
 * the exponent from p on; returns where it stopped.  v->form becomes 1
 * (integer: v->iv and v->dv) or 2 (v->dv, nearest double, bit-exact with
 * strtod), or stays 0 when p holds something else: the general grammar
 * (ml_csv_value) then reads the field.  The caller checks that the field
 * ends where this stopped. */
static inline const char *fast_number(const char *p, const char *end, fastval *v)
{
	const char *s = p;
	int neg = 0, form = 1;
	if (p < end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	const char *d0 = p;
	uint64_t w = 0;
	p = ml_csv_digits(p, end, &w);
	int64_t nint = p - d0, nfrac = 0, x = 0;
	if (nint == 0)
		return p;
	if (p < end && *p == '.') {
		const char *f = ++p;
		p = ml_csv_digits(p, end, &w);
		nfrac = p - f;
		form = 2;
	}
	if (nint + nfrac > 19)
		return p;
	if (p < end && (*p == 'e' || *p == 'E')) {
		form = 2;
		p++;
		int eneg = 0;
		if (p < end && (*p == '+' || *p == '-')) {
			eneg = *p == '-';
			p++;
		}
		const char *e0 = p;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (x < 100000) /* saturates as csv_value.c's EXP_CLAMP */
				x = x * 10 + (*p - '0');
		if (p == e0)
			return p;
		if (eneg)
			x = -x;
		/* ml_csv_value reads a text of 10+ bytes with a '-' at s[4] as a date
		 * (and no number when it is not one): leave those to it */
		if (p - s >= 10 && s[4] == '-' && s[0] >= '0' && s[0] <= '9')
			return p;
	}
	if (form == 1) {
		if (nint > 18)
			return p; /* may not fit int64 */
		v->iv = neg ? -(int64_t)w : (int64_t)w;
		v->dv = (double)v->iv;
	} else {
		int64_t q = x - nfrac;
		if (w <= ((uint64_t)1 << 53) && q >= -22 && q <= 22) {
			/* Clinger: both operands exact, one rounding (as ml_csv_decimal_double) */
			double d = (double)w;
			d = q >= 0 ? d * pow10_exact[q] : d / pow10_exact[-q];
			v->dv = neg ? -d : d;
		} else {
			v->dv = ml_csv_decimal_double(w, q, neg, s, (size_t)(p - s));
		}
	}
	v->form = form;
	return p;
}

/* Tokenizes the record at k->pos and converts its plain numbers in the same
 * scan, then stores it as row pt->rows.  Returns 1 with the row stored and k
 * past the record; 0 with nothing changed when the record needs the general
 * path (a field starting with a quote, a comment, a field count other than
 * nfile, the input ending inside or right after the record); -1 without
 * memory.  Fields that are not plain numbers (missing, blank-padded, strings,
 * dates, long mantissas ...) and numbers in columns that are not numeric go
 * to store(), as the general path hands them. */
static int fast_record(const csv_ctx *c, part *pt, csv_cursor *k)
{
	const char *p = k->pos, *end = k->end;
	const uint8_t *cls = c->cls;
	const int sep = c->sep, quote = c->quote;
	const int64_t nfile = c->nfile;
	fastval *fv = pt->fv;
	int64_t nf = 0;
	for (;;) {
		if (nf == nfile || p >= end || (uint8_t)*p == quote)
			return 0;
		fastval *v = &fv[nf];
		const char *s = p;
		v->p = s;
		v->form = 0;
		if (pt->want[nf])
			p = fast_number(p, end, v);
		if (!v->form || p >= end || !cls[(uint8_t)*p]) {
			v->form = 0;
			p = ml_csv_scan_plain(c, p, end);
			if (p >= end)
				return 0;
		}
		v->n = (size_t)(p - s);
		nf++;
		int ch = (uint8_t)*p;
		if (ch == sep) {
			p++;
			continue;
		}
		if (ch == '\n') {
			p++;
			break;
		}
		if (ch == '\r' && p + 1 < end) {
			p += 1 + (p[1] == '\n');
			break;
		}
		return 0; /* a comment, or a CR that ends the input so far */
	}
	if (nf != nfile)
		return 0;
	const int64_t r = pt->rows;
	for (int64_t j = 0; j < c->nout; j++) {
		const fastval *v = &fv[c->file_of[j]];
		colbuf *b = &pt->cb[j];
		if (v->form && (b->kind == K_INT || b->kind == K_DBL) && c->forced[j] == ML_CSV_AUTO) {
			/* store()'s inference for a value of mask m, without the rescan */
			unsigned m = v->form == 1 ? ML_CSV_M_INT | ML_CSV_M_FLOAT : ML_CSV_M_FLOAT;
			unsigned nm = pt->mask[j] & m;
			if (nm) {
				pt->mask[j] = nm;
				if (!(nm & (ML_CSV_M_INT | ML_CSV_M_BOOL)) && b->kind == K_INT)
					widen(b, r);
				if (b->kind == K_DBL)
					((double *)b->v)[r] = v->dv;
				else
					((int64_t *)b->v)[r] = v->iv;
				continue;
			}
		}
		csv_field fl = {v->p, v->n, 0};
		if (store(c, pt, j, &fl, r))
			return -1;
	}
	k->pos = p;
	k->line++;
	return 1;
}

/* Pass 1 over one part: validates, infers and converts each record.  Stops
 * at pt->end, at `limit` good rows (limit >= 0), at an error, or with
 * status REC_MORE when a non-final input ends mid-record. */
static void pass1(const csv_ctx *c, part *pt, const char *end, int final, int64_t limit)
{
	csv_cursor k = {pt->begin, end, final, 0};
	csv_field *f = pt->f;
	csv_record r;
	char why[200];
	pt->status = REC_END;
	while (limit < 0 || pt->rows < limit) {
		int s = ml_csv_skip_blank(c, &k, pt->end);
		if (s != REC_OK) {
			pt->status = s;
			break;
		}
		if (pt->rows == pt->cap && grow(c, pt, k.pos, limit)) {
			pt->nomem = 1;
			break;
		}
		int fr = pt->fast ? fast_record(c, pt, &k) : 0;
		if (fr < 0) {
			pt->nomem = 1;
			break;
		}
		if (fr == 0) {
			const char *at_pos = k.pos;
			int64_t at_line = k.line;
			s = ml_csv_next_record(c, &k, f, c->nfile + 1, &r);
			if (s == REC_MORE) {
				k.pos = at_pos;
				k.line = at_line;
				pt->status = REC_MORE;
				break;
			}
			const char *at = check_record(c, f, s, &r, why, sizeof why);
			if (at) {
				bad_record(c, pt, &r, at, why);
				if (pt->has_err || pt->nomem)
					break;
				continue;
			}
			for (int64_t j = 0; j < c->nout; j++)
				if (store(c, pt, j, &f[c->file_of[j]], pt->rows)) {
					pt->nomem = 1;
					break;
				}
			if (pt->nomem)
				break;
		}
		pt->rows++;
		if (pt->report && (pt->rows & 16383) == 0)
			c->progress(c->progress_arg, (double)(k.pos - pt->begin) /
			                             (double)(pt->end - pt->begin + 1));
	}
	pt->stop = k.pos;
	pt->lines = k.line;
}

/* Pass 2 over one part, for the columns marked redo: reads their strings
 * into cols at rows pt->row0 .. again. */
static void pass2(const csv_ctx *c, part *pt, ml_csv_column *cols, const char *end, int final)
{
	csv_cursor k = {pt->begin, end, final, 0};
	csv_field *f = pt->f;
	csv_record r;
	int64_t row = 0, b = 0;
	while (row < pt->rows) {
		if (ml_csv_skip_blank(c, &k, pt->end) != REC_OK)
			break; /* cannot happen: pass 1 counted these rows */
		int s = ml_csv_next_record(c, &k, f, c->nfile + 1, &r);
		if (b < pt->nbad && r.start == pt->bad[b]) {
			b++;
			continue;
		}
		if (s != REC_OK)
			break;
		for (int64_t j = 0; j < c->nout; j++) {
			if (!pt->cb[j].redo)
				continue;
			const csv_field *fl = &f[c->file_of[j]];
			const char *tp;
			size_t tn;
			int64_t code = 0;
			if (!ml_csv_is_missing(c, fl, &tp, &tn)) {
				const char *sp = fl->p;
				int64_t sn = (int64_t)fl->n;
				if (fl->quoted == 2) {
					sn = ml_csv_unescape(fl, c->quote, &pt->scratch, &pt->scap);
					sp = pt->scratch;
				}
				code = sn < 0 ? -1 : ml_csv_dict_add(&pt->dicts[j], sp, (size_t)sn);
				if (code < 0) {
					pt->nomem = 1;
					return;
				}
			}
			((int64_t *)cols[j].data->data)[pt->row0 + row] = code;
		}
		row++;
	}
}

/* ---- splitting among threads ---- */

int ml_csv_workers(int np)
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
	while (p < end && (p = memchr(p, b, (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Guesses nparts-1 record boundaries: the first LF after each equal split
 * that lies outside quotes, by the parity of the quotes before it.  Quotes
 * that do not pair (in comments, inside unquoted fields) can fool it; the
 * caller checks every boundary against pass 1. */
static void find_splits(const csv_ctx *c, const char *begin, const char *end, int nparts,
                        const char **split)
{
	size_t step = (size_t)(end - begin) / (size_t)nparts;
	int64_t cnt[MAX_PARTS] = {0};
	if (c->quote >= 0) {
#pragma omp parallel for num_threads(ml_csv_workers(nparts)) schedule(dynamic, 1)
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

/* ---- joining the parts ---- */

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

static int is_text(ml_csv_type t)
{
	return t == ML_CSV_STRING || t == ML_CSV_CATEGORICAL;
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

/* A storage adopting buf (malloc'ed), resized to n > 0 elements of dt; NULL
 * (buf untouched) when that fails. */
static ml_storage *adopt(void *buf, ml_dtype dt, int64_t n)
{
	ml_storage *s = calloc(1, sizeof *s); /* fields not set here stay zero */
	if (!s)
		return NULL;
	void *data = realloc(buf, (size_t)n * ml_dtype_info[dt].size);
	if (!data) { /* buf is untouched and stays with the caller */
		free(s);
		return NULL;
	}
	s->data = data;
	s->size = n;
	s->dtype = dt;
	s->refcount = 1;
	s->owns_data = 1;
	return s;
}

/* Copies part pt's buffers of column j into the final column (rows row0 ..),
 * converting as the final type needs; frees them.  Part 0's buffers may have
 * been adopted already (v or miss NULL). */
static void join_part(part *pt, int64_t j, ml_csv_column *col)
{
	colbuf *b = &pt->cb[j];
	int64_t n = pt->rows, r0 = pt->row0;
	const uint8_t *miss = col->missing ? (uint8_t *)col->missing->data + r0 : NULL;
	if (miss && b->miss && n)
		memcpy((uint8_t *)miss, b->miss, (size_t)n);
	if (b->v && !b->redo) {
		ml_dtype dt = col->data->dtype;
		if (dt == ML_BYTE) {
			uint8_t *d = (uint8_t *)col->data->data + r0;
			for (int64_t i = 0; i < n; i++)
				d[i] = (uint8_t)((int64_t *)b->v)[i];
		} else if (dt == ML_DOUBLE && b->kind == K_INT) {
			double *d = (double *)col->data->data + r0;
			for (int64_t i = 0; i < n; i++)
				d[i] = miss && miss[i] ? NAN : (double)((int64_t *)b->v)[i];
		} else if (is_text(col->type) && b->kind != K_STR) {
			/* a part with only missing values in a string column (the column may
			 * be part 0's adopted buffer: every row must be written) */
			memset((char *)col->data->data + (size_t)r0 * 8, 0, (size_t)n * 8);
		} else if (n) {
			memcpy((char *)col->data->data + (size_t)r0 * 8, b->v, (size_t)n * 8);
		}
	}
	free(b->v);
	free(b->miss);
	b->v = NULL;
	b->miss = NULL;
}

/* The final storage of a column whose part 0 buffer has the right form:
 * adopted and grown to nrows; NULL when it cannot be adopted. */
static ml_storage *adopt_part0(part *p0, int64_t j, const ml_csv_column *col, int64_t nrows)
{
	colbuf *b = &p0->cb[j];
	ml_dtype dt = type_dtype(col->type);
	int fits = (dt == ML_LONG && (b->kind == K_INT || (b->kind == K_STR && is_text(col->type)))) ||
	           (dt == ML_DOUBLE && b->kind == K_DBL);
	if (!fits || b->redo || !b->v || nrows == 0)
		return NULL;
	ml_storage *s = adopt(b->v, dt, nrows);
	if (s)
		b->v = NULL;
	return s;
}

static int fail_nomem(const csv_ctx *c, ml_error *e)
{
	return ml_fail(e, ML_ENOMEM, "%s: out of memory", c->who);
}

static int collect_warnings(const csv_ctx *c, part *parts, int np, ml_csv_table *t, ml_error *e)
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
		return fail_nomem(c, e);
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
	csv_dict *g = &parts[0].dicts[j];
	int64_t *codes = col->data->data;
	for (int k = 1; k < np; k++) {
		csv_dict *d = &parts[k].dicts[j];
		if (d->n == 0)
			continue;
		int64_t *remap = malloc((size_t)(d->n + 1) * sizeof *remap);
		if (!remap)
			return -1;
		remap[0] = 0;
		for (int64_t i = 0; i < d->n; i++) {
			remap[i + 1] = ml_csv_dict_add(g, d->bytes + d->off[i],
			                               (size_t)(d->off[i + 1] - d->off[i]));
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

/* Types, storages and the join of every column; pass 2 where needed. */
static int assemble(const csv_ctx *c, part *parts, int np, const char *end, int final,
                    ml_csv_table *out, ml_error *e)
{
	const int64_t nout = c->nout;
	int64_t nrows = 0;
	for (int k = 0; k < np; k++) {
		parts[k].row0 = nrows;
		nrows += parts[k].rows;
	}
	int rc = table_alloc_cols(out, nout, e);
	if (rc)
		return rc;
	out->nrows = nrows;
	out->sep = c->sep;
	out->header = c->header;
	int any_redo = 0;
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
		for (int k = 0; k < np; k++) {
			colbuf *b = &parts[k].cb[j];
			b->redo = is_text(col->type) &&
			          (b->kind == K_DEAD || (b->kind != K_STR && parts[k].rows > parts[k].nmiss[j]));
			any_redo |= b->redo;
		}
		if (!(col->name = strdup(c->names[j])))
			return fail_nomem(c, e);
		col->data = adopt_part0(&parts[0], j, col, nrows);
		if (!col->data && !(col->data = ml_storage_new(type_dtype(col->type), nrows, e)))
			return fail_nomem(c, e);
		if (nmiss) {
			if (np == 1 && parts[0].cb[j].miss) {
				col->missing = adopt(parts[0].cb[j].miss, ML_BYTE, nrows);
				if (col->missing)
					parts[0].cb[j].miss = NULL;
			} else {
				col->missing = ml_storage_new(ML_BYTE, nrows, e);
			}
			if (!col->missing)
				return fail_nomem(c, e);
		}
	}
	/* one task per (part, column): part 0's columns are often adopted, so
	 * splitting by part alone would leave one thread all the copying */
	const int64_t tasks = (int64_t)np * nout;
#pragma omp parallel for num_threads(ml_csv_workers(np)) schedule(dynamic, 1)
	for (int64_t t = 0; t < tasks; t++)
		join_part(&parts[t / nout], t % nout, &out->cols[t % nout]);
	if (any_redo) {
#pragma omp parallel for num_threads(ml_csv_workers(np)) schedule(dynamic, 1)
		for (int k = 0; k < np; k++)
			pass2(c, &parts[k], out->cols, end, final);
		for (int k = 0; k < np; k++)
			if (parts[k].nomem)
				return fail_nomem(c, e);
	}
	for (int64_t j = 0; j < nout; j++) {
		ml_csv_column *col = &out->cols[j];
		if (!is_text(col->type))
			continue;
		if (merge_levels(parts, np, j, col))
			return fail_nomem(c, e);
		int64_t nonmiss = nrows - col->nmissing;
		if (c->forced[j] == ML_CSV_AUTO && col->nlevels <= c->max_levels &&
		    (double)col->nlevels <= c->level_ratio * (double)nonmiss)
			col->type = ML_CSV_CATEGORICAL;
	}
	return collect_warnings(c, parts, np, out, e);
}

int ml_csv_parse_range(const csv_ctx *c, const char *begin, const char *end, int final,
                       int64_t limit, int64_t line0, ml_csv_table *out, const char **stop,
                       int64_t *lines, ml_error *e)
{
	int np = 1;
	if (final && limit < 0 && c->threads > 1 && (int64_t)(end - begin) >= c->parallel_bytes)
		np = c->threads < MAX_PARTS ? c->threads : MAX_PARTS;
	part *parts;
	int rc = ML_OK;
	const char *split[MAX_PARTS + 1];
again:
	if (!(parts = calloc((size_t)np, sizeof *parts)))
		return fail_nomem(c, e);
	if (np > 1) {
		find_splits(c, begin, end, np, split);
	} else {
		split[0] = begin;
		split[1] = end;
	}
	for (int k = 0; k < np; k++)
		if (part_init(c, &parts[k], split[k], split[k + 1])) {
			rc = fail_nomem(c, e);
			goto done;
		}
	/* the first part stands for all: the parts are of equal size */
	parts[0].report = c->progress != NULL && final;
#pragma omp parallel for num_threads(ml_csv_workers(np)) schedule(dynamic, 1)
	for (int k = 0; k < np; k++)
		pass1(c, &parts[k], end, final, limit);

	for (int k = 0; k < np; k++) {
		part *pt = &parts[k];
		pt->line0 = k ? parts[k - 1].line0 + parts[k - 1].lines : line0;
		if (pt->nomem) {
			rc = fail_nomem(c, e);
			goto done;
		}
		if (pt->has_err) {
			rc = ml_csv_fail_at(c, e, pt->line0 + pt->err.line, pt->err.col, pt->err.msg);
			goto done;
		}
		if (k < np - 1 && pt->stop != pt->end) {
			/* a guessed boundary fell inside a record: parse as one part */
			for (int i = 0; i < np; i++)
				part_free(&parts[i], c->nout);
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
	rc = assemble(c, parts, np, end, final, out, e);
done:
	for (int k = 0; k < np; k++)
		part_free(&parts[k], c->nout);
	free(parts);
	if (rc < 0)
		ml_csv_table_free(out);
	return rc;
}
