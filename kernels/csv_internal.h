/*
 * csv_internal.h - what the CSV reader's files share and nobody else needs:
 * the resolved schema (csv_ctx), the tokenizer, string dictionaries, and the
 * record parser entry point, the digit scanner.  Included by csv.c, csv_parse.c
 * and csv_value.c only.
 */
#ifndef ML_CSV_INTERNAL_H
#define ML_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csv.h"

#define MAX_PARTS 64                /* most parts one input is split into */
#define DEFAULT_PARALLEL (4 << 20)  /* inputs this long are split among threads */
#define NEED_MORE 1                 /* parse_range/setup: the input ended mid-record */

/* The resolved schema of one input: options, separator, names, selection. */
typedef struct csv_ctx {
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
	int any_forced;           /* some forced type constrains values (not string) */
	char **names;             /* nout names (owned) */
	int threads;              /* parts for large inputs */
	int64_t parallel_bytes;   /* inputs at least this long are split */
	int64_t max_levels;       /* categorical rule, see ml_csv_options */
	double level_ratio;       /* same */
	uint8_t cls[256];         /* tokenizer byte classes: nonzero for separator, CR, LF,
	                             comment */
	void (*progress)(void *arg, double done); /* see ml_csv_options; NULL: none */
	void *progress_arg;       /* handed to progress */
} csv_ctx;

/* Frees what c owns and zeroes it. */
void ml_csv_ctx_free(csv_ctx *c);

/* ---- tokenizer ---- */

#define ML_CSV_ONES 0x0101010101010101u
#define ML_CSV_HIGHS 0x8080808080808080u

/* Nonzero with the high bit of each byte of x equal to b (b * ML_CSV_ONES) set; the
 * lowest set bit marks the first such byte exactly */
static inline uint64_t ml_csv_bytes_equal(uint64_t x, uint64_t b)
{
	uint64_t y = x ^ b;
	return (y - ML_CSV_ONES) & ~y & ML_CSV_HIGHS;
}

/* The first separator, CR or LF at or after p (or end): eight bytes at a time
 * where the byte order allows, then byte by byte */
static inline const char *ml_csv_scan_plain(const csv_ctx *c, const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t sep = ML_CSV_ONES * (uint8_t)c->sep, lf = ML_CSV_ONES * '\n', cr = ML_CSV_ONES * '\r';
	if (c->comment < 0) {
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			uint64_t m = ml_csv_bytes_equal(w, sep) | ml_csv_bytes_equal(w, lf) | ml_csv_bytes_equal(w, cr);
			if (m)
				return p + (__builtin_ctzll(m) >> 3);
			p += 8;
		}
	} else {
		const uint64_t cm = ML_CSV_ONES * (uint8_t)c->comment;
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			uint64_t m = ml_csv_bytes_equal(w, sep) | ml_csv_bytes_equal(w, lf) | ml_csv_bytes_equal(w, cr) |
			             ml_csv_bytes_equal(w, cm);
			if (m)
				return p + (__builtin_ctzll(m) >> 3);
			p += 8;
		}
	}
#endif
	while (p < end && !c->cls[(uint8_t)*p])
		p++;
	return p;
}


/* ---- decimal digits, eight at a time (csv_value.c and the fast path) ---- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_DIGITS 1
/* The 8 bytes at p are all ASCII digits */
static inline int ml_csv_eight_digits(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return (((v & 0xF0F0F0F0F0F0F0F0u) |
	         (((v + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) == 0x3333333333333333u);
}

/* Their value: pairs, then quadruples, then the eight, combined by
 * multiplications that keep each partial sum in its own lane */
static inline uint64_t ml_csv_parse_eight(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	v -= 0x3030303030303030u;
	v = v * 10 + (v >> 8);
	v = (((v & 0x000000FF000000FFu) * 0x000F424000000064u) +
	     (((v >> 16) & 0x000000FF000000FFu) * 0x0000271000000001u)) >> 32;
	return v & 0xFFFFFFFFu;
}
/* The same for 4 bytes */
static inline int ml_csv_four_digits(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return (((v & 0xF0F0F0F0u) | (((v + 0x06060606u) & 0xF0F0F0F0u) >> 4)) == 0x33333333u);
}

static inline uint32_t ml_csv_parse_four(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	v -= 0x30303030u;
	v = v * 10 + (v >> 8);
	return (((v & 0x00FF00FFu) * (1u + (100u << 16))) >> 16) & 0xFFFFu;
}
#else
#define SWAR_DIGITS 0
#endif

/* Digits from p on, accumulated into *w (wrapping: the caller checks the count) */
static inline const char *ml_csv_digits(const char *p, const char *end, uint64_t *w)
{
	uint64_t x = *w;
#if SWAR_DIGITS
	while (end - p >= 8 && ml_csv_eight_digits(p)) {
		x = x * 100000000u + ml_csv_parse_eight(p);
		p += 8;
	}
	if (end - p >= 4 && ml_csv_four_digits(p)) {
		x = x * 10000u + ml_csv_parse_four(p);
		p += 4;
	}
#endif
	for (; p < end && (*p >= '0' && *p <= '9'); p++)
		x = x * 10 + (unsigned)(*p - '0');
	*w = x;
	return p;
}


typedef struct csv_field {
	const char *p;     /* content (inside the quotes of a quoted field) */
	size_t n;          /* content length */
	int quoted;        /* 0 plain, 1 quoted, 2 quoted with doubled quotes inside */
} csv_field;

typedef struct csv_cursor {
	const char *pos;   /* next byte */
	const char *end;   /* end of the bytes available */
	int final;         /* 1: end is the end of the input; 0: more may follow */
	int64_t line;      /* line breaks passed since the cursor started */
} csv_cursor;

enum { REC_OK, REC_END, REC_MORE, REC_BAD };

typedef struct csv_record {
	const char *start; /* first byte */
	int64_t line;      /* cursor line at start */
	int64_t nf;        /* fields seen (may exceed the room given) */
	const char *at;    /* REC_BAD: where the problem is */
	const char *why;   /* REC_BAD: what it is */
} csv_record;

/* Moves k past blank and comment lines.  REC_OK: a record starts at k->pos
 * (before limit); REC_END: none before limit or the end of a final input;
 * REC_MORE: more input is needed to tell. */
int ml_csv_skip_blank(const csv_ctx *c, csv_cursor *k, const char *limit);
/* Reads the record at k->pos into f[0 .. room) (f may be NULL when room is 0)
 * and moves k past its line end.  REC_OK; REC_BAD (broken quoting, described
 * by r->at and r->why; the record still ends where a lenient reading ends
 * it); REC_MORE (k unchanged: a non-final input ended mid-record). */
int ml_csv_next_record(const csv_ctx *c, csv_cursor *k, csv_field *f, int64_t room,
                       csv_record *r);
/* 0-based line (relative to the cursor origin) and 1-based byte column of at,
 * a position inside record r. */
void ml_csv_locate(const csv_record *r, const char *at, int64_t *line, int64_t *col);
/* Trims blanks off f into (p, n); 1 when f is an unquoted missing-value
 * token.  Inline: it runs once per field. */
static inline int ml_csv_is_missing(const csv_ctx *c, const csv_field *f, const char **p,
                                    size_t *n)
{
	const char *s = f->p, *e = f->p + f->n;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*p = s;
	*n = (size_t)(e - s);
	if (f->quoted || (*n < 64 ? !((c->nalens >> *n) & 1) : !c->nalong))
		return 0;
	for (size_t i = 0; i < c->nna; i++)
		if (c->nalen[i] == *n && (*n == 0 || c->na[i][0] == *s) && memcmp(c->na[i], s, *n) == 0)
			return 1;
	return 0;
}
/* The ML_CSV_M_* bit a value needs to fit forced type t (0: every value fits). */
unsigned ml_csv_type_bit(ml_csv_type t);
/* f's content with doubled quotes undone into *buf (grown); its length, or -1
 * without memory. */
int64_t ml_csv_unescape(const csv_field *f, int quote, char **buf, size_t *cap);
/* "who: path:line:col: msg" into e (line 0-based); returns ML_EINVAL. */
int ml_csv_fail_at(const csv_ctx *c, ml_error *e, int64_t line, int64_t col, const char *msg);

/* The double nearest (-1)^neg * w * 10^q, bit-exact with strtod, for a
 * decimal of at most 19 significant digits w (s[0 .. n): its text, for the
 * strtod fallback).  Clinger, then Eisel-Lemire, then strtod. */
double ml_csv_decimal_double(uint64_t w, int64_t q, int neg, const char *s, size_t n);

/* ---- string dictionaries: distinct strings in order of first appearance ---- */

typedef struct csv_dict {
	char *bytes;          /* the levels back to back */
	size_t len, cap;      /* bytes used and allocated */
	int64_t *off;         /* n+1 offsets: level i is bytes[off[i] .. off[i+1]) */
	uint64_t *hash;       /* n hashes, kept for rehashing */
	int64_t n, ncap;      /* levels, and room in off (ncap) and hash (ncap-1) */
	int64_t *slot;        /* open addressing: level index + 1, or 0 when empty */
	size_t nslot;         /* a power of two, at least 2n */
} csv_dict;

void ml_csv_dict_free(csv_dict *d);
/* The 1-based code of s[0 .. n) in d, added when new; -1 without memory. */
int64_t ml_csv_dict_add(csv_dict *d, const char *s, size_t n);

/* ---- the record parser (csv_parse.c) ---- */

/* Threads worth starting for np parts (at most OpenMP's maximum). */
int ml_csv_workers(int np);
/* Parses the records in [begin, end) into out.  final: end is the end of the
 * input.  limit: most good rows (-1: all).  line0: 0-based line of begin.
 * *stop receives where parsing stopped, *lines the line breaks passed.
 * Returns ML_OK, NEED_MORE (a non-final input ended before `limit` rows; out
 * untouched), or a negative code (out freed). */
int ml_csv_parse_range(const csv_ctx *c, const char *begin, const char *end, int final,
                       int64_t limit, int64_t line0, ml_csv_table *out, const char **stop,
                       int64_t *lines, ml_error *e);

#endif
