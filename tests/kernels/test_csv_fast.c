/*
 * test_csv_fast.c - the CSV reader's fused fast path (csv_parse.c:
 * fast_record, fast_number) against independent references: every numeric
 * value against strtod/strtoll on its text (bit for bit), and whole tables
 * against the general path (the tokenizer plus ml_csv_value), which the same
 * input takes when a missing-value token looks like a number.  Random inputs
 * mix every form the fast path takes or hands back: signs, leading zeros,
 * 19+ digit mantissas, exponents, blank padding, quotes, CRLF, missing
 * values, strings after numbers, dates, booleans, and split parts.
 *
 * Not here: the rest of the reader (test_csv.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Du;
}

static int same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* A growing text buffer */
typedef struct text {
	char *b;
	size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		t->cap = 2 * (t->n + n + 1024);
		t->b = realloc(t->b, t->cap);
	}
	memcpy(t->b + t->n, s, n);
	t->n += n;
	t->b[t->n] = 0;
}

static void puts_(text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* A random decimal in the reader's grammar, into buf (NUL-terminated) */
static void rand_decimal(uint64_t *s, char *buf)
{
	int k = 0;
	uint64_t r = rng_next(s);
	switch (r % 8) {
	case 0: { /* a random double printed at a random precision */
		uint64_t bits = rng_next(s);
		double v;
		memcpy(&v, &bits, sizeof v);
		if (v != v || v - v != 0)
			v = 1.5;
		snprintf(buf, 40, "%.*g", 1 + (int)(rng_next(s) % 17), v);
		return;
	}
	case 1: /* data-like: a few decimals */
		snprintf(buf, 40, "%.*f", (int)(rng_next(s) % 8),
		         ((double)(rng_next(s) >> 11) / 9007199254740992.0 - 0.5) * 2000);
		return;
	default: break;
	}
	r = rng_next(s);
	if (r % 3 == 0)
		buf[k++] = '-';
	else if (r % 17 == 1)
		buf[k++] = '+';
	int nd = 1 + (int)(rng_next(s) % 23);
	int point = (int)(rng_next(s) % (uint64_t)(nd + 3)); /* > nd: no point */
	int style = (int)(rng_next(s) % 4);
	for (int i = 0; i < nd; i++) {
		if (i == point)
			buf[k++] = '.';
		int dg = (int)(rng_next(s) % 10);
		if (style == 1)
			dg = i == 0 ? dg : 9;          /* runs of nines: carries */
		else if (style == 2 && i > 0)
			dg = rng_next(s) % 4 ? 0 : dg;  /* mostly zeros: exact and tie cases */
		buf[k++] = (char)('0' + dg);
	}
	if (point == nd)
		buf[k++] = '.'; /* "5." */
	if (rng_next(s) % 4 == 0) {
		buf[k++] = rng_next(s) % 2 ? 'e' : 'E';
		r = rng_next(s);
		if (r % 3 == 0)
			buf[k++] = '-';
		else if (r % 3 == 1)
			buf[k++] = '+';
		k += sprintf(buf + k, "%0*d", 1 + (int)(rng_next(s) % 3), (int)(rng_next(s) % 360));
	}
	buf[k] = 0;
}

/* The value the reader must give a numeric text: an integer-written one that
 * fits int64 converts from the integer (so "-0" is +0), others as strtod */
static double want_value(const char *s, int *is_int)
{
	const char *p = s + (*s == '-' || *s == '+');
	*is_int = *p != 0 && strspn(p, "0123456789") == strlen(p);
	if (*is_int) {
		errno = 0;
		long long v = strtoll(s, NULL, 10);
		if (errno == 0)
			return (double)v;
		*is_int = 0;
	}
	return strtod(s, NULL);
}

static int tables_equal(const ml_csv_table *a, const ml_csv_table *b)
{
	if (a->nrows != b->nrows || a->ncols != b->ncols || a->nbad != b->nbad) {
		fprintf(stderr, "  tables differ in shape or counts\n");
		return 0;
	}
	for (int64_t j = 0; j < a->ncols; j++) {
		const ml_csv_column *x = &a->cols[j], *y = &b->cols[j];
		size_t es = ml_dtype_info[x->data->dtype].size;
		const char *what = NULL;
		if (strcmp(x->name, y->name) || x->type != y->type || x->nmissing != y->nmissing ||
		    x->nlevels != y->nlevels || (x->missing == NULL) != (y->missing == NULL))
			what = "type, name or counts";
		else if (x->data->dtype != y->data->dtype ||
		         (a->nrows && memcmp(x->data->data, y->data->data, (size_t)a->nrows * es)))
			what = "values";
		else if (x->missing && a->nrows &&
		         memcmp(x->missing->data, y->missing->data, (size_t)a->nrows))
			what = "missing masks";
		else if (x->nlevels && (memcmp(x->level_off, y->level_off, (size_t)(x->nlevels + 1) * 8) ||
		                        memcmp(x->levels, y->levels, (size_t)x->level_off[x->nlevels])))
			what = "levels";
		if (what) {
			fprintf(stderr, "  column %s differs in %s\n", x->name, what);
			return 0;
		}
	}
	return 1;
}

/* Parses t with default options (fast path) and again through the general
 * path (a numeric-looking missing token switches the fast path off); checks
 * the two agree, also when split into parts. */
static void check_against_general(const text *t, const char *what)
{
	static const char *const na[] = {"", "NA", "N/A", "NaN", "null", "None", "?", "-999999.5"};
	ml_csv_options o;
	ml_csv_table fast, gen, par;
	ml_error e;
	ml_csv_options_init(&o);
	o.threads = 1;
	CHECK(ml_csv_read_buffer(t->b, t->n, &o, &fast, &e) == 0, "%s fast: %s", what, e.msg);
	o.na = na;
	o.nna = sizeof na / sizeof *na;
	CHECK(ml_csv_read_buffer(t->b, t->n, &o, &gen, &e) == 0, "%s general: %s", what, e.msg);
	CHECK(tables_equal(&fast, &gen), "%s: the fast path equals the general path", what);
	o.na = NULL;
	o.nna = 0;
	o.threads = 3;
	o.parallel_bytes = 0;
	CHECK(ml_csv_read_buffer(t->b, t->n, &o, &par, &e) == 0, "%s parts: %s", what, e.msg);
	CHECK(tables_equal(&fast, &par), "%s: 3 parts equal the serial parse", what);
	ml_csv_table_free(&fast);
	ml_csv_table_free(&gen);
	ml_csv_table_free(&par);
}

/* One numeric column of n random decimals (decorated now and then with
 * blanks, quotes, CRLF) plus an integer column: each value against
 * strtod/strtoll bit for bit, then the whole table against the general path. */
static void test_numbers(uint64_t seed, int64_t n)
{
	uint64_t s = seed;
	text t = {0};
	char **clean = malloc((size_t)n * sizeof *clean);
	int64_t *ints = malloc((size_t)n * sizeof *ints);
	puts_(&t, "x,k\n");
	for (int64_t i = 0; i < n; i++) {
		char buf[64], line[160];
		rand_decimal(&s, buf);
		clean[i] = strdup(buf);
		uint64_t r = rng_next(&s);
		const char *fmt = r % 40 == 0 ? " %s ," : r % 40 == 1 ? "\"%s\"," : r % 40 == 2 ? "%s\t," : "%s,";
		int k = snprintf(line, sizeof line, fmt, buf);
		ints[i] = (int64_t)(rng_next(&s) >> (1 + rng_next(&s) % 63));
		if (rng_next(&s) % 2)
			ints[i] = -ints[i];
		k += snprintf(line + k, sizeof line - (size_t)k, "%lld%s", (long long)ints[i],
		              rng_next(&s) % 10 == 0 ? "\r\n" : "\n");
		put(&t, line, (size_t)k);
	}
	ml_csv_options o;
	ml_csv_table tb;
	ml_error e;
	ml_csv_options_init(&o);
	o.threads = 1;
	int rc = ml_csv_read_buffer(t.b, t.n, &o, &tb, &e);
	CHECK(rc == 0 && tb.nrows == n && tb.ncols == 2, "numbers: %s", rc ? e.msg : "shape");
	if (rc == 0 && tb.nrows == n) {
		CHECK(tb.cols[0].type == ML_CSV_FLOAT && tb.cols[1].type == ML_CSV_INTEGER,
		      "numbers: types %d %d", tb.cols[0].type, tb.cols[1].type);
		const double *x = tb.cols[0].data->data;
		const int64_t *kv = tb.cols[1].data->data;
		int64_t bad = 0, badk = 0;
		for (int64_t i = 0; i < n; i++) {
			int is_int;
			double want = want_value(clean[i], &is_int);
			if (!same_bits(x[i], want) && bad++ < 5)
				fprintf(stderr, "  row %lld: \"%s\" read %.17g, strtod %.17g\n", (long long)i,
				        clean[i], x[i], want);
			badk += kv[i] != ints[i];
		}
		CHECK(bad == 0, "%lld of %lld decimals differ from strtod", (long long)bad, (long long)n);
		CHECK(badk == 0, "%lld of %lld integers differ", (long long)badk, (long long)n);
		ml_csv_table_free(&tb);
	}
	if (n <= 200000)
		check_against_general(&t, "numbers");
	for (int64_t i = 0; i < n; i++)
		free(clean[i]);
	free(clean);
	free(ints);
	free(t.b);
}

/* Edge cases, one per row of a one-column file, against strtod */
static void test_edges(void)
{
	static const char *const edge[] = {
		"0", "-0", "+0", "0.0", "-0.0", "1", "-1", "+1", "5.", "-5.", "0.1", "0.2", "0.3",
		"1e23", "1E23", "1e+23", "1e-23", "1e0", "1e-0", "1e000", "9007199254740992",
		"9007199254740993", "9007199254740994", "9007199254740995", "900719925474099.3",
		"90071992547409.93", "9007199254740993e-15", "999999999999999999", "9999999999999999999",
		"99999999999999999999", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "1234567890123456789",
		"123456789012345678.9", "0.0000000000000000001", "0.00000000000000000001",
		"1.7976931348623157e308", "1.7976931348623159e308", "2.2250738585072011e-308",
		"4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
		"1e-400", "1e400", "1e99999999", "1e-99999999", "0e99999", "123e-4", "1.2e-3",
		"1.5e22", "1.5e23", "4503599627370496.5", "4503599627370497.5", "0.5", "2.5e-1",
		"7.2057594037927933e16", "000000000000000000000001.5", "0.000001", "-0.000001",
		"3.14159265358979323846", "1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124",
	};
	const size_t ne = sizeof edge / sizeof *edge;
	text t = {0};
	puts_(&t, "x\n");
	for (size_t i = 0; i < ne; i++) {
		puts_(&t, edge[i]);
		puts_(&t, "\n");
	}
	ml_csv_options o;
	ml_csv_table tb;
	ml_error e;
	ml_csv_options_init(&o);
	int rc = ml_csv_read_buffer(t.b, t.n, &o, &tb, &e);
	CHECK(rc == 0 && tb.nrows == (int64_t)ne && tb.cols[0].type == ML_CSV_FLOAT, "edges: %s",
	      rc ? e.msg : "shape or type");
	if (rc == 0 && tb.nrows == (int64_t)ne) {
		const double *x = tb.cols[0].data->data;
		for (size_t i = 0; i < ne; i++) {
			int is_int;
			double want = want_value(edge[i], &is_int);
			CHECK(same_bits(x[i], want), "edge \"%s\" read %.17g, strtod %.17g", edge[i], x[i],
			      want);
		}
		ml_csv_table_free(&tb);
	}
	free(t.b);
}

/* Every kind of column and record the fast path hands back, against the
 * general path */
static void test_mixed(uint64_t seed, int64_t n)
{
	uint64_t s = seed;
	text t = {0};
	puts_(&t, "a,b,c,d,e,f,g\n");
	for (int64_t i = 0; i < n; i++) {
		char line[400], num[64];
		int k = 0;
		uint64_t r = rng_next(&s);
		/* a: numbers, then strings after row n/2 (a column that turns into a string) */
		rand_decimal(&s, num);
		k += snprintf(line + k, sizeof line - (size_t)k, "%s,", i < n / 2 || r % 3 ? num : "w1");
		/* b: integers with missing values of every spelling */
		static const char *const miss[] = {"", "NA", "N/A", "NaN", "null", "None", "?", " "};
		if (r % 7 == 0)
			k += snprintf(line + k, sizeof line - (size_t)k, "%s,", miss[rng_next(&s) % 8]);
		else
			k += snprintf(line + k, sizeof line - (size_t)k, "%d,", (int)(rng_next(&s) % 2000) - 1000);
		/* c: categorical, sometimes quoted with doubled quotes */
		int lv = (int)(rng_next(&s) % 30);
		if (r % 11 == 0)
			k += snprintf(line + k, sizeof line - (size_t)k, "\"g\"\"%02d\",", lv);
		else
			k += snprintf(line + k, sizeof line - (size_t)k, "g%02d,", lv);
		/* d: booleans; e: dates; f: numbers that look like dates or odd forms */
		k += snprintf(line + k, sizeof line - (size_t)k, "%s,", r % 2 ? "true" : "False");
		k += snprintf(line + k, sizeof line - (size_t)k, "2021-%02d-%02d,", 1 + (int)(r % 12),
		              1 + (int)(r % 28));
		static const char *const odd[] = {"1.2e-00005", "123e-00005", "1e", "1.5x", "-", ".5",
		                                  "-.5", "+.5e1", "0x10", "1,5", "inf", "-nan", "1e+5"};
		const char *o = r % 5 == 0 ? odd[rng_next(&s) % 13] : "2.5";
		if (strcmp(o, "1,5") == 0)
			o = "\"1,5\"";
		k += snprintf(line + k, sizeof line - (size_t)k, "%s,", o);
		/* g: a quoted field with a newline now and then */
		k += snprintf(line + k, sizeof line - (size_t)k, "%s%s",
		              r % 13 == 0 ? "\"x\ny\"" : "7.25", r % 9 == 0 ? "\r\n" : "\n");
		put(&t, line, (size_t)k);
		if (r % 101 == 0)
			puts_(&t, "\n"); /* a blank line */
	}
	check_against_general(&t, "mixed");
	/* a last record without a line end, and a ragged row skipped with a warning */
	puts_(&t, "1,2,g01,true,2021-01-01,3,4");
	check_against_general(&t, "no final line end");
	ml_csv_options o;
	ml_csv_table tb;
	ml_error e;
	ml_csv_options_init(&o);
	text r2 = {0};
	puts_(&r2, "a,b\n1,2\n3\n4,5,6\n7.5,8\n");
	CHECK(ml_csv_read_buffer(r2.b, r2.n, &o, &tb, &e) == ML_EINVAL && strstr(e.msg, ":3:"),
	      "ragged row: error on line 3: %s", e.msg);
	o.on_bad = ML_CSV_BAD_SKIP;
	CHECK(ml_csv_read_buffer(r2.b, r2.n, &o, &tb, &e) == 0 && tb.nrows == 2 && tb.nbad == 2 &&
	          ((double *)tb.cols[0].data->data)[1] == 7.5,
	      "ragged rows skipped");
	ml_csv_table_free(&tb);
	free(r2.b);
	free(t.b);
}

int main(void)
{
	test_edges();
	test_numbers(12345, 100000);
	test_numbers(777, 1000000);
	test_mixed(99, 20000);
	return check_done();
}
