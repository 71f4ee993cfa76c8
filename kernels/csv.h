/*
 * csv.h - reading and writing delimited text (RFC 4180 CSV and its cousins)
 * into typed columns.
 *
 * Reading: quoted fields with doubled quotes, separators and newlines inside
 * quotes, CRLF/LF/CR line ends, a UTF-8 byte order mark, a sniffed or given
 * separator byte, a detected or given header, comment lines, skipped lines, a
 * subset of columns and a row limit.  Each column gets a type, inferred from
 * every value or given: integer, float, boolean, string, categorical, date or
 * datetime.  Missing values (a configurable token list) are NaN in double
 * columns and are marked in a byte mask for every type.  Files are mapped into
 * memory and parsed in one pass that validates, infers and converts at once;
 * inputs above a few MB are split at record boundaries among threads, with a
 * result identical to the serial one.  A chunked reader streams files larger
 * than memory.  Writing quotes what must be quoted and round-trips values
 * exactly.
 *
 * Not here: Lua (vm/l_csv.c binds this), the data frame (stdlib), encodings
 * other than UTF-8/bytes, multi-byte separators.
 */
#ifndef ML_CSV_H
#define ML_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "tensor.h"

/* Column types.  Storage of each in ml_csv_column.data:
 *   INTEGER      Long:   the value (0 where missing)
 *   FLOAT        Double: the value (NaN where missing)
 *   BOOLEAN      Byte:   0 or 1 (0 where missing)
 *   STRING       Long:   1-based index into levels (0 where missing)
 *   CATEGORICAL  Long:   same as STRING; a string column with few distinct values
 *   DATE         Double: seconds since 1970-01-01T00:00:00Z (NaN where missing)
 *   DATETIME     Double: same, with a time of day (and an optional UTC offset)
 * ML_CSV_AUTO asks for inference (options only). */
typedef enum ml_csv_type {
	ML_CSV_AUTO = 0,
	ML_CSV_INTEGER,
	ML_CSV_FLOAT,
	ML_CSV_BOOLEAN,
	ML_CSV_STRING,
	ML_CSV_CATEGORICAL,
	ML_CSV_DATE,
	ML_CSV_DATETIME,
	ML_CSV_NTYPES
} ml_csv_type;

/* "auto", "integer", "float", "boolean", "string", "categorical", "date", "datetime" */
extern const char *const ml_csv_type_name[ML_CSV_NTYPES];
/* The type named s, or -1. */
int ml_csv_type_parse(const char *s);

/* What to do with a bad line (wrong field count, broken quoting, or a value
 * that does not fit a column type given in the options). */
typedef enum ml_csv_bad {
	ML_CSV_BAD_ERROR = 0,  /* fail with path:line:column */
	ML_CSV_BAD_WARN,       /* skip it and record a warning */
	ML_CSV_BAD_SKIP        /* skip it silently (still counted in nbad) */
} ml_csv_bad;

/* A column named (name != NULL) or numbered (0-based index in the file). */
typedef struct ml_csv_colref {
	const char *name;      /* column name, or NULL to use index */
	int64_t index;         /* 0-based file column when name is NULL */
	ml_csv_type type;      /* forced type (in ml_csv_options.types only) */
} ml_csv_colref;

typedef struct ml_csv_options {
	const char *path;               /* names the input in messages; NULL: "<string>" */
	const char *who;                /* names the caller in messages; NULL: "csv.read" */
	int sep;                        /* separator byte, or -1: sniff among , tab ; | */
	int quote;                      /* quote byte (default '"'), or -1: no quoting */
	int comment;                    /* starts a comment: the rest of the line is skipped
	                                 * (outside quotes), whole lines too; -1: none */
	int header;                     /* 1: first row has names, 0: no header, -1: detect */
	int64_t skip;                   /* lines skipped before anything else */
	int64_t max_rows;               /* most data rows read; -1: all */
	ml_csv_bad on_bad;              /* bad line policy */
	const char *const *na;          /* missing-value tokens; NULL: the default list */
	size_t nna;                     /* number of tokens in na */
	const char *const *names;       /* column names (replace the header or supply them) */
	size_t nnames;                  /* number of names; 0: from the header, or V1, V2 ... */
	const ml_csv_colref *select;    /* columns to keep, in this order; NULL: all */
	size_t nselect;                 /* number of entries in select */
	const ml_csv_colref *types;     /* forced column types */
	size_t ntypes;                  /* number of entries in types */
	int threads;                    /* parts the input is split into; 0: OpenMP's max */
	int64_t parallel_bytes;         /* inputs at least this long are split; -1: 4 MiB */
	int64_t max_levels;             /* a string column with at most this many distinct */
	double level_ratio;             /*   values, at most level_ratio * its non-missing
	                                 *   count, becomes categorical (defaults 1000, 0.5) */
	void (*progress)(void *arg, double done); /* NULL, or called now and then while a whole
	                                 *   input is parsed (not by the chunked reader), from one
	                                 *   thread, with the fraction done in [0, 1] */
	void *progress_arg;             /* handed to progress */
} ml_csv_options;

/* Fills o with the defaults: sniffed separator, '"' quotes, no comments,
 * detected header, every row and column, on_bad ERROR, default missing tokens
 * (empty, NA, N/A, NaN, null, None, ?), all threads. */
void ml_csv_options_init(ml_csv_options *o);

typedef struct ml_csv_column {
	char *name;            /* NUL-terminated column name (owned) */
	ml_csv_type type;      /* resolved type, never AUTO */
	ml_storage *data;      /* nrows elements, dtype by type (see ml_csv_type); owned reference */
	ml_storage *missing;   /* Byte, nrows, 1 where missing; NULL when nothing is missing */
	int64_t nmissing;      /* number of missing values */
	int64_t nlevels;       /* STRING/CATEGORICAL: distinct values, in order of first appearance */
	char *levels;          /* their bytes back to back (owned) */
	int64_t *level_off;    /* nlevels+1 offsets: level i is levels[off[i] .. off[i+1]) */
} ml_csv_column;

typedef struct ml_csv_table {
	int64_t nrows;         /* rows in every column */
	int64_t ncols;         /* number of columns */
	ml_csv_column *cols;   /* ncols columns (owned) */
	int64_t nbad;          /* bad lines skipped (on_bad WARN or SKIP) */
	int64_t nwarnings;     /* warnings issued; the first ML_CSV_MAXWARN are kept */
	char *warnings;        /* "path:line:col: message\n" lines, or NULL (owned) */
	int sep;               /* the separator used */
	int header;            /* 1 when the first row was read as names */
} ml_csv_table;

#define ML_CSV_MAXWARN 100     /* warnings kept in ml_csv_table.warnings */

/* Releases everything t owns and zeroes it.  Idempotent. */
void ml_csv_table_free(ml_csv_table *t);

/* Parses buf[0 .. len) into out (zeroed first; freed on failure).  Errors:
 * ML_EINVAL with "who: path:line:col: what" for bad input, bad options
 * (unknown column, ...) ; ML_ENOMEM. */
int ml_csv_read_buffer(const char *buf, size_t len, const ml_csv_options *o,
                       ml_csv_table *out, ml_error *e);
/* Same for a file, mapped into memory (read when it cannot be mapped). */
int ml_csv_read_file(const char *path, const ml_csv_options *o, ml_csv_table *out,
                     ml_error *e);

/* ---- streaming: a file read in chunks of rows ---- */

typedef struct ml_csv_reader ml_csv_reader;

/* Opens path and reads its header; o is copied (it need not outlive the call).
 * NULL with a message in e on failure. */
ml_csv_reader *ml_csv_reader_open(const char *path, const ml_csv_options *o, ml_error *e);
/* Reads the next at most `rows` (>= 1) data rows into out (zeroed first).
 * Returns 1 with a chunk, 0 at the end of the file (out empty), or a negative
 * code.  Types are inferred per chunk unless forced in the options.  Memory
 * stays near the size of one chunk of text plus its columns. */
int ml_csv_reader_next(ml_csv_reader *r, int64_t rows, ml_csv_table *out, ml_error *e);
/* Closes the file and frees r.  NULL is a no-op. */
void ml_csv_reader_close(ml_csv_reader *r);

/* ---- writing ---- */

/* One column to write.  values is a 1-D tensor of nrows elements, any dtype,
 * any stride (codes for STRING/CATEGORICAL with levels, values otherwise),
 * or NULL for a string column given as strings[]. */
typedef struct ml_csv_wcolumn {
	const char *name;              /* header text */
	ml_csv_type type;              /* how values print (AUTO: as its dtype) */
	const ml_tensor *values;       /* numbers, or 1-based codes into levels */
	const ml_tensor *missing;      /* optional mask, nonzero = missing (written empty) */
	const char *const *strings;    /* string column: nrows strings (values NULL) */
	const size_t *lens;            /* their lengths */
	const char *const *levels;     /* levels of a coded column */
	const size_t *level_lens;      /* their lengths */
	int64_t nlevels;               /* number of levels */
} ml_csv_wcolumn;

/* Writes a header and nrows rows to path atomically (a temporary file in the
 * same folder, renamed over path when complete).  Fields are quoted when they
 * hold the separator, a quote, CR or LF, leading or trailing blanks, when they
 * are empty strings or would read back as missing; floats print the shortest
 * text that reads back to the same double (with ".0" when integral), dates as
 * ISO 8601.  Errors: ML_EINVAL (bad column), ML_ENOMEM, I/O errors naming path. */
int ml_csv_write_file(const char *path, const ml_csv_wcolumn *cols, int64_t ncols,
                      int64_t nrows, int sep, int header, ml_error *e);

/* ---- values (exposed for tests and for the writer) ---- */

/* Type masks of one trimmed, non-missing field, as ml_csv_classify returns them. */
enum {
	ML_CSV_M_INT = 1,      /* [+-]digits fitting int64 */
	ML_CSV_M_FLOAT = 2,    /* decimal number, inf, infinity or nan (any case) */
	ML_CSV_M_BOOL = 4,     /* true/false in lower, upper or title case */
	ML_CSV_M_DATE = 8,     /* YYYY-MM-DD */
	ML_CSV_M_DATETIME = 16 /* YYYY-MM-DD[T ]HH:MM[:SS[.f]][Z|+HH[:MM]|-HH[:MM]], or a DATE */
};
#define ML_CSV_M_ALL 31

/* The types s[0 .. n) can be read as (a union of ML_CSV_M_*; 0: string only). */
unsigned ml_csv_classify(const char *s, size_t n);

/* ml_csv_classify and the value in one scan: *iv for INT and BOOL, *dv for
 * INT (converted), FLOAT, DATE and DATETIME (seconds). */
unsigned ml_csv_value(const char *s, size_t n, int64_t *iv, double *dv);

/* Converts a decimal number s[0 .. n) (no blanks) to the nearest double,
 * ties to even: bit-exact with strtod in the C locale.  Fast paths (Clinger,
 * Eisel-Lemire) cover nearly all inputs; the rest go to strtod.  Returns 1, or
 * 0 when s is not a number in the grammar of ML_CSV_M_FLOAT. */
int ml_csv_parse_double(const char *s, size_t n, double *out);
/* [+-]digits to int64; 0 when s is not one or does not fit. */
int ml_csv_parse_int64(const char *s, size_t n, int64_t *out);
/* true/false (lower, upper, title case) to 1/0; 0 when s is not one. */
int ml_csv_parse_bool(const char *s, size_t n, uint8_t *out);
/* An ISO 8601 date or date-time to seconds since the epoch (UTC unless an
 * offset is given).  Returns ML_CSV_M_DATE for a date alone, ML_CSV_M_DATETIME
 * with a time, 0 when s is neither. */
int ml_csv_parse_datetime(const char *s, size_t n, double *secs);

/* Writes the shortest decimal text that ml_csv_parse_double reads back to v
 * exactly ("1.0" for integral values, "nan", "inf", "-inf"); returns its
 * length.  cap >= 32. */
size_t ml_csv_format_double(char *buf, size_t cap, double v);
/* Writes secs as YYYY-MM-DD (date_only) or YYYY-MM-DDTHH:MM:SS[.fraction]
 * that ml_csv_parse_datetime reads back exactly; returns its length.  cap >= 48. */
size_t ml_csv_format_datetime(char *buf, size_t cap, double secs, int date_only);

#endif
