/*
 * test_csv.c - the CSV kernels: decimal parsing bit-exact with strtod on many
 * random strings, integers, dates, the tokenizer on tricky inputs (quotes,
 * CRLF, BOM, embedded newlines, ragged rows, empty input, header only,
 * trailing newline or not), type inference, errors with line:column, bad
 * line policies, parallel parts against the serial parse, a small fuzz, the
 * writer's round trip and the chunked reader against a whole read.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"

static int tables_equal(const ml_csv_table *a, const ml_csv_table *b);

/* xorshift64*: the tests' own deterministic random numbers */
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

/* ---- numbers ---- */

static int64_t exact_mismatches(const char *s, int64_t *count)
{
	double want = strtod(s, NULL), got = -1;
	(*count)++;
	if (!ml_csv_parse_double(s, strlen(s), &got) || !same_bits(got, want)) {
		fprintf(stderr, "  parse_double(\"%s\") = %.17g, strtod %.17g\n", s, got, want);
		return 1;
	}
	return 0;
}

static void test_double_exact(void)
{
	static const char *const edge[] = {
		"0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307",
		"9007199254740992", "9007199254740993", "9007199254740995", "18446744073709551615",
		"18446744073709551616", "123456789012345678901234567890", "2.2250738585072011e-308",
		"2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1e-400", "1e400", "0.000000000000000000000000000001",
		"0.1000000000000000055511151231257827021181583404541015625",
		"0.1000000000000000055511151231257827021181583404541015624",
		"0.1000000000000000055511151231257827021181583404541015626",
		"7.2057594037927933e16", "3.0517578125e-05", "1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124",
		"1.00000000000000011102230246251565404236316680908203126", ".5", "5.", "-.5e3", "+1.5E-3",
		"00000000000000000000000000001", "1e0000000000000000000000001", "9999999999999999999",
		"99999999999999999999", "4503599627370496.5", "4503599627370497.5", "1e22", "1e-22",
		"123456789e15", "1448997445238699", "2.5e-324", "3e-324", "0e999999999",
	};
	int64_t bad = 0, count = 0;
	for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
		bad += exact_mismatches(edge[i], &count);
	uint64_t s = 0x9E3779B97F4A7C15u;
	char buf[128];
	/* random doubles (all bit patterns) printed at every precision */
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = rng_next(&s);
		double v;
		memcpy(&v, &bits, sizeof v);
		if (!isfinite(v))
			continue;
		snprintf(buf, sizeof buf, "%.*g", 1 + (int)(rng_next(&s) % 20), v);
		bad += exact_mismatches(buf, &count);
		snprintf(buf, sizeof buf, "%.*e", (int)(rng_next(&s) % 25), v);
		bad += exact_mismatches(buf, &count);
	}
	/* doubles of ordinary size, as data files hold them */
	for (int i = 0; i < 200000; i++) {
		double v = ((double)(rng_next(&s) >> 11) / 9007199254740992.0 - 0.5) *
		           pow(10.0, (double)(rng_next(&s) % 20) - 10);
		snprintf(buf, sizeof buf, "%.*g", 1 + (int)(rng_next(&s) % 18), v);
		bad += exact_mismatches(buf, &count);
		snprintf(buf, sizeof buf, "%.17g", v);
		bad += exact_mismatches(buf, &count);
	}
	/* random digit strings: long mantissas, wide exponents, halfway neighbours */
	for (int i = 0; i < 300000; i++) {
		size_t k = 0;
		if (rng_next(&s) & 1)
			buf[k++] = '-';
		int nint = (int)(rng_next(&s) % 26), nfrac = (int)(rng_next(&s) % 26);
		if (nint + nfrac == 0)
			nint = 1;
		for (int d = 0; d < nint; d++)
			buf[k++] = (char)('0' + rng_next(&s) % 10);
		if (nfrac || rng_next(&s) % 4 == 0)
			buf[k++] = '.';
		for (int d = 0; d < nfrac; d++)
			buf[k++] = (char)('0' + rng_next(&s) % 10);
		if (rng_next(&s) % 2)
			k += (size_t)snprintf(buf + k, sizeof buf - k, "e%d", (int)(rng_next(&s) % 700) - 350);
		buf[k] = 0;
		bad += exact_mismatches(buf, &count);
	}
	CHECK(bad == 0, "%lld of %lld decimal strings differ from strtod", (long long)bad,
	      (long long)count);

	double v;
	static const char *const notnum[] = {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1,5",
	                                     "0x10", "1 2", " 1", "1 ", "--1", "1e5.5", "infx", "nanx"};
	for (size_t i = 0; i < sizeof notnum / sizeof *notnum; i++)
		CHECK(!ml_csv_parse_double(notnum[i], strlen(notnum[i]), &v), "'%s' is not a number",
		      notnum[i]);
	CHECK(ml_csv_parse_double("-Infinity", 9, &v) && isinf(v) && v < 0, "-Infinity");
	CHECK(ml_csv_parse_double("inf", 3, &v) && isinf(v) && v > 0, "inf");
	CHECK(ml_csv_parse_double("NaN", 3, &v) && isnan(v), "NaN");
	/* the length bounds the text: no read past n */
	CHECK(ml_csv_parse_double("12345", 2, &v) && v == 12, "prefix of the buffer only");
}

static void test_format_double(void)
{
	uint64_t s = 12345;
	char buf[64];
	int64_t bad = 0;
	for (int i = 0; i < 100000; i++) {
		uint64_t bits = rng_next(&s);
		double v, back;
		memcpy(&v, &bits, sizeof v);
		if (i % 2)
			v = (double)(int64_t)(rng_next(&s) % 2000001) / 1000.0 - 1000.0;
		if (isnan(v))
			continue;
		size_t n = ml_csv_format_double(buf, sizeof buf, v);
		if (!ml_csv_parse_double(buf, n, &back) || !same_bits(back, v) || strlen(buf) != n) {
			if (bad++ < 5)
				fprintf(stderr, "  format %.17g -> '%s'\n", v, buf);
		}
		unsigned m = ml_csv_classify(buf, n);
		if (m & ML_CSV_M_INT) /* floats never print as integers */
			bad++;
	}
	CHECK(bad == 0, "%lld doubles do not round-trip through ml_csv_format_double", (long long)bad);
	ml_csv_format_double(buf, sizeof buf, 0.1);
	CHECK(strcmp(buf, "0.1") == 0, "0.1 -> %s", buf);
	ml_csv_format_double(buf, sizeof buf, 3.0);
	CHECK(strcmp(buf, "3.0") == 0, "3.0 -> %s", buf);
	ml_csv_format_double(buf, sizeof buf, -0.0);
	CHECK(strcmp(buf, "-0.0") == 0, "-0.0 -> %s", buf);
	ml_csv_format_double(buf, sizeof buf, 1e300);
	CHECK(strcmp(buf, "1e+300") == 0, "1e300 -> %s", buf);
	ml_csv_format_double(buf, sizeof buf, -INFINITY);
	CHECK(strcmp(buf, "-inf") == 0, "-inf -> %s", buf);
}

static void test_int_bool(void)
{
	int64_t v;
	CHECK(ml_csv_parse_int64("9223372036854775807", 19, &v) && v == INT64_MAX, "int64 max");
	CHECK(ml_csv_parse_int64("-9223372036854775808", 20, &v) && v == INT64_MIN, "int64 min");
	CHECK(!ml_csv_parse_int64("9223372036854775808", 19, &v), "int64 max + 1 does not fit");
	CHECK(!ml_csv_parse_int64("-9223372036854775809", 20, &v), "int64 min - 1 does not fit");
	CHECK(ml_csv_parse_int64("+007", 4, &v) && v == 7, "+007");
	CHECK(!ml_csv_parse_int64("1.0", 3, &v) && !ml_csv_parse_int64("", 0, &v) &&
	      !ml_csv_parse_int64("-", 1, &v), "not integers");
	uint8_t b;
	CHECK(ml_csv_parse_bool("TRUE", 4, &b) && b == 1, "TRUE");
	CHECK(ml_csv_parse_bool("False", 5, &b) && b == 0, "False");
	CHECK(!ml_csv_parse_bool("tRUE", 4, &b) && !ml_csv_parse_bool("yes", 3, &b), "not booleans");
	CHECK(ml_csv_classify("12", 2) == (ML_CSV_M_INT | ML_CSV_M_FLOAT), "12 int");
	CHECK(ml_csv_classify("1e3", 3) == ML_CSV_M_FLOAT, "1e3 float");
	CHECK(ml_csv_classify("99999999999999999999", 20) == ML_CSV_M_FLOAT, "huge integer: float");
	CHECK(ml_csv_classify("true", 4) == ML_CSV_M_BOOL, "true bool");
	CHECK(ml_csv_classify("2024-01-31", 10) == (ML_CSV_M_DATE | ML_CSV_M_DATETIME), "date");
	CHECK(ml_csv_classify("2024-01-31 10:00", 16) == ML_CSV_M_DATETIME, "datetime");
	CHECK(ml_csv_classify("2024-02-30", 10) == 0, "no 30 February");
	CHECK(ml_csv_classify("abc", 3) == 0, "string");
}

static void test_dates(void)
{
	struct { const char *s; int kind; double secs; } cases[] = {
		{"1970-01-01", ML_CSV_M_DATE, 0},
		{"2000-03-01", ML_CSV_M_DATE, 951868800},
		{"1900-01-01", ML_CSV_M_DATE, -2208988800.0},
		{"1969-12-31T23:59:59", ML_CSV_M_DATETIME, -1},
		{"2024-02-29T12:30:15Z", ML_CSV_M_DATETIME, 1709209815},
		{"2024-02-29 12:30:15", ML_CSV_M_DATETIME, 1709209815},
		{"2024-02-29T12:30:15+02:00", ML_CSV_M_DATETIME, 1709202615},
		{"2024-02-29T12:30:15+0200", ML_CSV_M_DATETIME, 1709202615},
		{"2024-02-29T12:30", ML_CSV_M_DATETIME, 1709209800},
		{"2024-02-29T12:30:15.25", ML_CSV_M_DATETIME, 1709209815.25},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double secs = -12345;
		int k = ml_csv_parse_datetime(cases[i].s, strlen(cases[i].s), &secs);
		CHECK(k == cases[i].kind && secs == cases[i].secs, "%s -> kind %d, %.17g (want %.17g)",
		      cases[i].s, k, secs, cases[i].secs);
	}
	static const char *const bad[] = {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01",
	                                  "2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01T",
	                                  "2024-01-01X10:00", "2024-01-01T10:00:00.", "20240101"};
	double secs;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(!ml_csv_parse_datetime(bad[i], strlen(bad[i]), &secs), "'%s' is not a date", bad[i]);
	/* writing then reading gives the same double, fractional seconds included */
	uint64_t s = 99;
	int64_t mism = 0;
	char buf[64];
	for (int i = 0; i < 20000; i++) {
		double v = (double)((int64_t)(rng_next(&s) % 8000000000u) - 2000000000);
		if (i % 2)
			v += (double)(rng_next(&s) % 1000000) / 1e6;
		size_t n = ml_csv_format_datetime(buf, sizeof buf, v, 0);
		if (ml_csv_parse_datetime(buf, n, &secs) != ML_CSV_M_DATETIME || secs != v)
			if (mism++ < 3)
				fprintf(stderr, "  %.17g -> %s -> %.17g\n", v, buf, secs);
	}
	CHECK(mism == 0, "%lld date-times do not round-trip", (long long)mism);
	ml_csv_format_datetime(buf, sizeof buf, 951868800, 1);
	CHECK(strcmp(buf, "2000-03-01") == 0, "date text %s", buf);
}

/* ---- reading ---- */

static int read_str(const char *text, size_t len, const ml_csv_options *o, ml_csv_table *t,
                    ml_error *e)
{
	ml_csv_options d;
	if (!o) {
		ml_csv_options_init(&d);
		o = &d;
	}
	/* a private copy without a terminator: the parser must respect the length */
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	int rc = ml_csv_read_buffer(copy, len, o, t, e);
	free(copy);
	return rc;
}

static int read_s(const char *text, const ml_csv_options *o, ml_csv_table *t, ml_error *e)
{
	return read_str(text, strlen(text), o, t, e);
}

static const char *level(const ml_csv_column *c, int64_t code, size_t *n)
{
	*n = (size_t)(c->level_off[code] - c->level_off[code - 1]);
	return c->levels + c->level_off[code - 1];
}

/* string value of row i of a string/categorical column ("<NA>" when missing) */
static int str_is(const ml_csv_column *c, int64_t i, const char *want)
{
	int64_t code = ((int64_t *)c->data->data)[i];
	if (code == 0)
		return want == NULL;
	size_t n;
	const char *s = level(c, code, &n);
	return want && strlen(want) == n && memcmp(s, want, n) == 0;
}

static double dbl(const ml_csv_column *c, int64_t i)
{
	return ((double *)c->data->data)[i];
}

static int64_t lng(const ml_csv_column *c, int64_t i)
{
	return ((int64_t *)c->data->data)[i];
}

static int miss(const ml_csv_column *c, int64_t i)
{
	return c->missing && ((uint8_t *)c->missing->data)[i];
}

static void test_tokenizer(void)
{
	ml_csv_table t;
	ml_error e;
	ml_csv_options o;
	ml_csv_options_init(&o);
	o.types = (ml_csv_colref[]){{"a", 0, ML_CSV_STRING}, {"b", 0, ML_CSV_STRING}};
	o.ntypes = 2;

	/* quotes: doubled quotes, separators and newlines inside, CRLF inside and outside */
	const char *q = "a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\"line1\nline2\",\"\"\r\n\"cr\r\nlf\",plain";
	CHECK(read_s(q, &o, &t, &e) == 0, "quoted: %s", e.msg);
	CHECK(t.nrows == 3 && t.ncols == 2, "quoted: %lld rows %lld cols", (long long)t.nrows,
	      (long long)t.ncols);
	if (t.nrows == 3) {
		CHECK(str_is(&t.cols[0], 0, "x,1") && str_is(&t.cols[1], 0, "say \"hi\""), "row 1");
		CHECK(str_is(&t.cols[0], 1, "line1\nline2") && str_is(&t.cols[1], 1, ""), "row 2");
		CHECK(!miss(&t.cols[1], 1), "a quoted empty field is an empty string, not missing");
		CHECK(str_is(&t.cols[0], 2, "cr\r\nlf") && str_is(&t.cols[1], 2, "plain"), "row 3");
	}
	ml_csv_table_free(&t);

	/* BOM, no trailing newline, blank lines, LF vs CRLF give the same table */
	const char *forms[] = {"\xEF\xBB\xBFx,y\n1,2\n3,4", "x,y\r\n1,2\r\n3,4\r\n", "x,y\n\n1,2\n\n3,4\n\n",
	                       "x,y\r1,2\r3,4\r"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		CHECK(read_s(forms[i], NULL, &t, &e) == 0, "form %zu: %s", i, e.msg);
		CHECK(t.nrows == 2 && t.ncols == 2 && strcmp(t.cols[0].name, "x") == 0 &&
		      t.cols[0].type == ML_CSV_INTEGER && lng(&t.cols[0], 1) == 3 && lng(&t.cols[1], 1) == 4,
		      "form %zu: %lld rows, first name '%s'", i, (long long)t.nrows,
		      t.ncols ? t.cols[0].name : "");
		ml_csv_table_free(&t);
	}

	/* empty input, blank lines only, header only */
	CHECK(read_s("", NULL, &t, &e) == 0 && t.nrows == 0 && t.ncols == 0, "empty input");
	ml_csv_table_free(&t);
	CHECK(read_s("\n\r\n\n", NULL, &t, &e) == 0 && t.nrows == 0 && t.ncols == 0, "blank lines");
	ml_csv_table_free(&t);
	CHECK(read_s("alpha,beta\n", NULL, &t, &e) == 0 && t.nrows == 0 && t.ncols == 2 &&
	      strcmp(t.cols[1].name, "beta") == 0 && t.header == 1, "header only");
	ml_csv_table_free(&t);
	CHECK(read_s("alpha,beta", NULL, &t, &e) == 0 && t.nrows == 0 && t.ncols == 2,
	      "header only, no newline");
	ml_csv_table_free(&t);

	/* ragged rows: error with line:column, or skipped with warn/skip */
	const char *ragged = "a,b,c\n1,2,3\n4,5,6,7\n8,9\n10,11,12\n";
	CHECK(read_s(ragged, NULL, &t, &e) == ML_EINVAL, "ragged rows fail");
	CHECK(strcmp(e.msg, "csv.read: <string>:3:7: row has 4 fields, header has 3") == 0, "msg: %s",
	      e.msg);
	CHECK(t.cols == NULL && t.nrows == 0, "failed read leaves an empty table");
	ml_csv_options_init(&o);
	o.on_bad = ML_CSV_BAD_WARN;
	o.path = "r.csv";
	CHECK(read_s(ragged, &o, &t, &e) == 0, "warn: %s", e.msg);
	CHECK(t.nrows == 2 && t.nbad == 2 && t.nwarnings == 2 && lng(&t.cols[0], 1) == 10, "warn rows");
	CHECK(t.warnings && strcmp(t.warnings, "r.csv:3:7: row has 4 fields, header has 3\n"
	                                       "r.csv:4:4: row has 2 fields, header has 3\n") == 0,
	      "warnings: %s", t.warnings ? t.warnings : "(none)");
	ml_csv_table_free(&t);
	o.on_bad = ML_CSV_BAD_SKIP;
	CHECK(read_s(ragged, &o, &t, &e) == 0 && t.nrows == 2 && t.nbad == 2 && t.nwarnings == 0 &&
	      t.warnings == NULL, "skip");
	ml_csv_table_free(&t);

	/* broken quoting */
	CHECK(read_s("a,b\n1,\"open\n2,3\n", NULL, &t, &e) == ML_EINVAL &&
	      strcmp(e.msg, "csv.read: <string>:2:3: unterminated quoted field") == 0, "%s", e.msg);
	CHECK(read_s("a,b\n1,\"x\"y\n", NULL, &t, &e) == ML_EINVAL &&
	      strcmp(e.msg, "csv.read: <string>:2:6: expected a separator or a line end after a "
	                    "closing quote") == 0, "%s", e.msg);
	/* line numbers count the newlines inside quoted fields */
	CHECK(read_s("a,b\n\"1\n2\n3\",4\n5\n", NULL, &t, &e) == ML_EINVAL &&
	      strcmp(e.msg, "csv.read: <string>:5:2: row has 1 field, header has 2") == 0, "%s", e.msg);
	/* a quote inside an unquoted field is a plain character */
	CHECK(read_s("h\n5'10\"\nx\n", NULL, &t, &e) == 0 && t.nrows == 2 &&
	      str_is(&t.cols[0], 0, "5'10\""), "quote inside a field: %s", e.msg);
	ml_csv_table_free(&t);
}

static void test_options(void)
{
	ml_csv_table t;
	ml_error e;
	ml_csv_options o;

	/* separators sniffed */
	const char *seps[] = {"a;b;c\n1,5;2;x\n3,5;4;y\n", "a\tb\tc\n1\t2\tx\n", "a|b|c\n1|2|x\n"};
	const int want[] = {';', '\t', '|'};
	for (int i = 0; i < 3; i++) {
		CHECK(read_s(seps[i], NULL, &t, &e) == 0 && t.sep == want[i] && t.ncols == 3, "sniff %d", i);
		ml_csv_table_free(&t);
	}
	/* any separator byte, given */
	ml_csv_options_init(&o);
	o.sep = ':';
	CHECK(read_s("a:b\n1:2\n", &o, &t, &e) == 0 && t.ncols == 2 && lng(&t.cols[1], 0) == 2, "sep :");
	ml_csv_table_free(&t);

	/* header detection */
	CHECK(read_s("1,2\n3,4\n", NULL, &t, &e) == 0 && t.header == 0 && t.nrows == 2 &&
	      strcmp(t.cols[1].name, "V2") == 0, "no header");
	ml_csv_table_free(&t);
	CHECK(read_s("name,city\nbob,paris\n", NULL, &t, &e) == 0 && t.header == 1 && t.nrows == 1,
	      "string header");
	ml_csv_table_free(&t);
	CHECK(read_s("id,2019\n1,5\n", NULL, &t, &e) == 0 && t.header == 1, "numeric-looking header");
	ml_csv_table_free(&t);
	ml_csv_options_init(&o);
	o.header = 0;
	o.names = (const char *[]){"p", "q"};
	o.nnames = 2;
	CHECK(read_s("x,y\n1,2\n", &o, &t, &e) == 0 && t.nrows == 2 && strcmp(t.cols[0].name, "p") == 0 &&
	      t.cols[0].type == ML_CSV_STRING, "names given, no header");
	ml_csv_table_free(&t);
	o.nnames = 1;
	CHECK(read_s("x,y\n1,2\n", &o, &t, &e) == ML_EINVAL &&
	      strstr(e.msg, "1 names given, <string> has 2 columns"), "%s", e.msg);

	/* duplicate and empty names */
	CHECK(read_s("a,a,,a\n1,2,3,4\n", NULL, &t, &e) == 0 && strcmp(t.cols[1].name, "a.1") == 0 &&
	      strcmp(t.cols[2].name, "V3") == 0 && strcmp(t.cols[3].name, "a.2") == 0, "names made unique");
	ml_csv_table_free(&t);

	/* comments, skipped lines, row limit, column subset */
	ml_csv_options_init(&o);
	o.comment = '#';
	o.skip = 2;
	o.max_rows = 2;
	o.select = (ml_csv_colref[]){{"c", 0, 0}, {NULL, 0, 0}};
	o.nselect = 2;
	const char *text = "junk line\nmore, junk\n# comment\na,b,c\n1,2,3\n# another \"odd\n4,5,6\n7,8,9\n";
	CHECK(read_s(text, &o, &t, &e) == 0, "options: %s", e.msg);
	CHECK(t.ncols == 2 && t.nrows == 2 && strcmp(t.cols[0].name, "c") == 0 &&
	      strcmp(t.cols[1].name, "a") == 0 && lng(&t.cols[0], 1) == 6 && lng(&t.cols[1], 1) == 4,
	      "subset in the order asked, limit");
	ml_csv_table_free(&t);
	o.select = (ml_csv_colref[]){{"zz", 0, 0}};
	o.nselect = 1;
	CHECK(read_s(text, &o, &t, &e) == ML_EINVAL &&
	      strcmp(e.msg, "csv.read: columns: no column named 'zz' (columns: a, b, c)") == 0, "%s", e.msg);
	o.select = (ml_csv_colref[]){{NULL, 5, 0}};
	CHECK(read_s(text, &o, &t, &e) == ML_EINVAL && strstr(e.msg, "column 6 out of range"), "%s",
	      e.msg);

	/* forced types: overrides inference, and values that do not fit are bad lines */
	ml_csv_options_init(&o);
	o.types = (ml_csv_colref[]){{"n", 0, ML_CSV_FLOAT}, {"s", 0, ML_CSV_STRING}};
	o.ntypes = 2;
	CHECK(read_s("n,s\n1,2\n3,4\n", &o, &t, &e) == 0 && t.cols[0].type == ML_CSV_FLOAT &&
	      t.cols[1].type == ML_CSV_STRING && dbl(&t.cols[0], 1) == 3 && str_is(&t.cols[1], 1, "4"),
	      "forced float and string");
	ml_csv_table_free(&t);
	o.types = (ml_csv_colref[]){{NULL, 0, ML_CSV_INTEGER}};
	o.ntypes = 1;
	CHECK(read_s("n\n1\n2.5\n", &o, &t, &e) == ML_EINVAL &&
	      strcmp(e.msg, "csv.read: <string>:3:1: expected an integer in column 'n', got '2.5'") == 0,
	      "%s", e.msg);
	CHECK(read_s("n,m\n1,x\nNA,y\n", &o, &t, &e) == 0 && t.cols[0].type == ML_CSV_INTEGER &&
	      lng(&t.cols[0], 1) == 0 && miss(&t.cols[0], 1) && t.cols[0].nmissing == 1,
	      "forced integer with a missing value: 0 and masked");
	ml_csv_table_free(&t);

	/* missing-value tokens, default and given */
	CHECK(read_s("x,y\n1,a\n,b\nNA,?\nN/A,c\nnull,None\n4,d\n", NULL, &t, &e) == 0, "%s", e.msg);
	CHECK(t.cols[0].type == ML_CSV_FLOAT && t.cols[0].nmissing == 4 && isnan(dbl(&t.cols[0], 1)) &&
	      dbl(&t.cols[0], 5) == 4 && miss(&t.cols[0], 2) && !miss(&t.cols[0], 0),
	      "integers with missing values become float with NaN");
	CHECK(t.cols[1].nmissing == 2 && str_is(&t.cols[1], 2, NULL) && miss(&t.cols[1], 4),
	      "strings: missing mask");
	ml_csv_table_free(&t);
	ml_csv_options_init(&o);
	o.na = (const char *[]){"-999"};
	o.nna = 1;
	CHECK(read_s("x,y\n1,\n-999,NA\n", &o, &t, &e) == 0 && miss(&t.cols[0], 1) &&
	      t.cols[1].type == ML_CSV_STRING && str_is(&t.cols[1], 1, "NA") && str_is(&t.cols[1], 0, ""),
	      "given missing tokens replace the default list");
	ml_csv_table_free(&t);
}

static void test_inference(void)
{
	ml_csv_table t;
	ml_error e;
	const char *text =
		"i,f,b,d,dt,s,c,big,blank\n"
		"1,1.5,true,2024-01-01,2024-01-01T10:00:00,alpha,red,1,\n"
		"-2,2,FALSE,2024-01-02,2024-01-02,beta,red,99999999999999999999,\n"
		"3, 3e2 ,True,2024-02-29,2024-03-01 00:00:01Z,gamma,blue,3,\n"
		"4,-inf,false,2000-01-01,2000-01-01T00:00,delta,red,4,\n";
	CHECK(read_s(text, NULL, &t, &e) == 0, "%s", e.msg);
	ml_csv_type want[] = {ML_CSV_INTEGER, ML_CSV_FLOAT, ML_CSV_BOOLEAN, ML_CSV_DATE,
	                      ML_CSV_DATETIME, ML_CSV_STRING, ML_CSV_CATEGORICAL, ML_CSV_FLOAT,
	                      ML_CSV_FLOAT};
	for (int j = 0; j < 9 && j < t.ncols; j++)
		CHECK(t.cols[j].type == want[j], "column %s: %s, expected %s", t.cols[j].name,
		      ml_csv_type_name[t.cols[j].type], ml_csv_type_name[want[j]]);
	if (t.ncols == 9) {
		CHECK(lng(&t.cols[0], 1) == -2 && dbl(&t.cols[1], 2) == 300 && isinf(dbl(&t.cols[1], 3)),
		      "values");
		CHECK(((uint8_t *)t.cols[2].data->data)[0] == 1 && ((uint8_t *)t.cols[2].data->data)[1] == 0,
		      "booleans");
		CHECK(dbl(&t.cols[3], 3) == 946684800 && dbl(&t.cols[4], 2) == 1709251201, "dates");
		CHECK(t.cols[6].nlevels == 2 && lng(&t.cols[6], 2) == 2 && str_is(&t.cols[6], 3, "red"),
		      "categorical codes in order of first appearance");
		CHECK(dbl(&t.cols[7], 1) == 1e20, "integer overflow: float");
		CHECK(t.cols[8].nmissing == 4 && isnan(dbl(&t.cols[8], 0)), "all missing: float NaN");
	}
	ml_csv_table_free(&t);
}

/* Columns whose representation changes while a part is read: integers
 * widened to doubles, missing values before the first value, numbers read
 * before a string (read again as strings), in one part and across parts. */
static void test_kinds(void)
{
	size_t cap = 1 << 20, n = 0;
	char *b = malloc(cap);
	n += (size_t)sprintf(b + n, "wid,late,turn,date,flag,cross\n");
	for (int i = 0; i < 6000; i++) {
		n += (size_t)sprintf(b + n, "%s,%s,%s,%s,%s,%s\n",
		                     i == 10 ? "" : i == 4000 ? "2.5" : "7",     /* int, missing, then float */
		                     i < 3000 ? "NA" : i % 2 ? "x" : "y",      /* missing, then strings */
		                     i == 2500 ? "word" : i % 3 ? "1" : "22",  /* numbers, then a string */
		                     i < 2 ? "" : "2020-02-02",                /* missing, then dates */
		                     i == 5 ? "" : i % 2 ? "true" : "false",   /* booleans with a gap */
		                     i < 5000 ? "12" : "s");                   /* a string in the last part only */
	}
	ml_csv_options o;
	ml_csv_options_init(&o);
	ml_csv_table t, p;
	ml_error e;
	o.max_levels = 0; /* keep strings as strings */
	CHECK(ml_csv_read_buffer(b, n, &o, &t, &e) == 0, "%s", e.msg);
	ml_csv_type want[] = {ML_CSV_FLOAT, ML_CSV_STRING, ML_CSV_STRING, ML_CSV_DATE, ML_CSV_BOOLEAN,
	                      ML_CSV_STRING};
	for (int j = 0; j < 6; j++)
		CHECK(t.cols[j].type == want[j], "%s: %s", t.cols[j].name, ml_csv_type_name[t.cols[j].type]);
	CHECK(dbl(&t.cols[0], 0) == 7 && isnan(dbl(&t.cols[0], 10)) && dbl(&t.cols[0], 4000) == 2.5 &&
	      miss(&t.cols[0], 10) && t.cols[0].nmissing == 1, "widened integers");
	CHECK(str_is(&t.cols[1], 2999, NULL) && str_is(&t.cols[1], 3000, "y") &&
	      str_is(&t.cols[1], 3001, "x") && t.cols[1].nlevels == 2, "strings after missing values");
	CHECK(str_is(&t.cols[2], 0, "22") && str_is(&t.cols[2], 1, "1") &&
	      str_is(&t.cols[2], 2500, "word") && str_is(&t.cols[2], 5999, "1") && t.cols[2].nlevels == 3,
	      "numbers before a string read again as strings");
	CHECK(isnan(dbl(&t.cols[3], 1)) && dbl(&t.cols[3], 2) == 1580601600 && t.cols[3].nmissing == 2,
	      "dates after missing values");
	CHECK(((uint8_t *)t.cols[4].data->data)[1] == 1 && miss(&t.cols[4], 5) && !miss(&t.cols[4], 4),
	      "booleans with a missing value");
	CHECK(str_is(&t.cols[5], 0, "12") && str_is(&t.cols[5], 5999, "s"), "cross-part string column");
	for (int parts = 2; parts <= 5; parts++) {
		o.threads = parts;
		o.parallel_bytes = 0;
		CHECK(ml_csv_read_buffer(b, n, &o, &p, &e) == 0, "%s", e.msg);
		CHECK(tables_equal(&t, &p), "%d parts: same kinds and values as one", parts);
		ml_csv_table_free(&p);
	}
	ml_csv_table_free(&t);
	free(b);
}

/* ---- parallel parts and fuzz ---- */

static int tables_equal(const ml_csv_table *a, const ml_csv_table *b)
{
	if (a->nrows != b->nrows || a->ncols != b->ncols || a->nbad != b->nbad ||
	    a->nwarnings != b->nwarnings) {
		fprintf(stderr, "  tables differ in shape or counts\n");
		return 0;
	}
	if ((a->warnings == NULL) != (b->warnings == NULL) ||
	    (a->warnings && strcmp(a->warnings, b->warnings) != 0)) {
		fprintf(stderr, "  tables differ in warnings\n");
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
		else if (x->missing && a->nrows && memcmp(x->missing->data, y->missing->data, (size_t)a->nrows))
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

/* A CSV with numbers, strings with quotes and embedded newlines, missing values */
static char *make_text(uint64_t seed, int64_t rows, size_t *len)
{
	uint64_t s = seed;
	size_t cap = 256 + (size_t)rows * 120, n = 0;
	char *b = malloc(cap);
	n += (size_t)snprintf(b + n, cap - n, "id,x,name,flag,when\n");
	for (int64_t i = 0; i < rows; i++) {
		n += (size_t)snprintf(b + n, cap - n, "%lld,", (long long)i);
		if (rng_next(&s) % 10 == 0)
			n += (size_t)snprintf(b + n, cap - n, "NA,");
		else
			n += (size_t)snprintf(b + n, cap - n, "%.*g,", 1 + (int)(rng_next(&s) % 17),
			                      (double)(rng_next(&s) >> 11) / 1e6);
		switch (rng_next(&s) % 5) {
		case 0: n += (size_t)snprintf(b + n, cap - n, "\"multi\nline \"\"%d\"\"\",", (int)(i % 7)); break;
		case 1: n += (size_t)snprintf(b + n, cap - n, "\"a,b\","); break;
		case 2: n += (size_t)snprintf(b + n, cap - n, ","); break;
		default: n += (size_t)snprintf(b + n, cap - n, "w%d,", (int)(rng_next(&s) % 50)); break;
		}
		n += (size_t)snprintf(b + n, cap - n, "%s,", rng_next(&s) % 2 ? "true" : "false");
		n += (size_t)snprintf(b + n, cap - n, "2020-%02d-%02d%s", 1 + (int)(rng_next(&s) % 12),
		                      1 + (int)(rng_next(&s) % 28), i % 3 ? "\n" : "\r\n");
	}
	*len = n;
	return b;
}

static void test_parallel(void)
{
	size_t len;
	char *text = make_text(7, 20000, &len);
	ml_csv_options o;
	ml_csv_table serial, par;
	ml_error e;
	ml_csv_options_init(&o);
	o.threads = 1;
	CHECK(ml_csv_read_buffer(text, len, &o, &serial, &e) == 0, "serial: %s", e.msg);
	CHECK(serial.nrows == 20000 && serial.ncols == 5 && serial.cols[2].type == ML_CSV_CATEGORICAL,
	      "serial shape");
	int parts[] = {2, 3, 7, 64};
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		o.threads = parts[i];
		o.parallel_bytes = 0;
		CHECK(ml_csv_read_buffer(text, len, &o, &par, &e) == 0, "parallel: %s", e.msg);
		CHECK(tables_equal(&serial, &par), "%d parts give the serial result", parts[i]);
		ml_csv_table_free(&par);
	}
	ml_csv_table_free(&serial);

	/* a comment line with one quote fools the quote parity: still the serial result */
	char *odd = malloc(len + 64);
	size_t half = len / 2;
	while (text[half - 1] != '\n' || text[half - 2] == '"')
		half++;
	memcpy(odd, text, half);
	size_t k = half + (size_t)sprintf(odd + half, "# it's \"odd\n");
	memcpy(odd + k, text + half, len - half);
	o.comment = '#';
	o.threads = 1;
	CHECK(ml_csv_read_buffer(odd, k + len - half, &o, &serial, &e) == 0, "odd serial: %s", e.msg);
	o.threads = 2;
	CHECK(ml_csv_read_buffer(odd, k + len - half, &o, &par, &e) == 0, "odd parallel: %s", e.msg);
	CHECK(tables_equal(&serial, &par), "unpaired quote in a comment: parallel equals serial");
	ml_csv_table_free(&serial);
	ml_csv_table_free(&par);
	free(odd);

	/* errors and warnings carry the same line numbers from every part */
	o.comment = -1;
	o.on_bad = ML_CSV_BAD_WARN;
	char *rag = malloc(len + 64);
	memcpy(rag, text, len);
	size_t at = len * 3 / 4;
	while (rag[at] != ',')
		at++;
	rag[at] = ';'; /* one record loses a field */
	o.threads = 1;
	CHECK(ml_csv_read_buffer(rag, len, &o, &serial, &e) == 0 && serial.nbad >= 1, "ragged serial");
	o.threads = 3;
	CHECK(ml_csv_read_buffer(rag, len, &o, &par, &e) == 0, "ragged parallel");
	CHECK(tables_equal(&serial, &par), "warnings identical: %s | %s", serial.warnings,
	      par.warnings);
	ml_csv_table_free(&serial);
	ml_csv_table_free(&par);
	o.on_bad = ML_CSV_BAD_ERROR;
	ml_error e1, e2;
	o.threads = 1;
	int r1 = ml_csv_read_buffer(rag, len, &o, &serial, &e1);
	o.threads = 3;
	int r2 = ml_csv_read_buffer(rag, len, &o, &par, &e2);
	CHECK(r1 == ML_EINVAL && r2 == ML_EINVAL && strcmp(e1.msg, e2.msg) == 0, "errors: %s | %s",
	      e1.msg, e2.msg);
	free(rag);
	free(text);
}

static void test_fuzz(void)
{
	size_t len;
	char *base = make_text(11, 300, &len);
	uint64_t s = 4242;
	static const char noise[] = {'"', '"', ',', '\n', '\r', ';', 'x', '1', '\t', 0, '#'};
	int64_t differ = 0, ok = 0;
	for (int it = 0; it < 1500; it++) {
		char *t = malloc(len);
		memcpy(t, base, len);
		int nmut = 1 + (int)(rng_next(&s) % 8);
		for (int m = 0; m < nmut; m++)
			t[rng_next(&s) % len] = noise[rng_next(&s) % sizeof noise];
		size_t n = rng_next(&s) % 4 == 0 ? rng_next(&s) % len : len; /* truncation */
		ml_csv_options o;
		ml_csv_options_init(&o);
		o.on_bad = (ml_csv_bad)(rng_next(&s) % 3);
		o.comment = rng_next(&s) % 2 ? '#' : -1;
		o.parallel_bytes = 0;
		ml_csv_table a, b;
		ml_error ea, eb;
		o.threads = 1;
		int ra = ml_csv_read_buffer(t, n, &o, &a, &ea);
		o.threads = 2 + (int)(rng_next(&s) % 4);
		int rb = ml_csv_read_buffer(t, n, &o, &b, &eb);
		if (ra != rb || (ra && strcmp(ea.msg, eb.msg)) || (!ra && !tables_equal(&a, &b)))
			differ++;
		ok += ra == 0;
		ml_csv_table_free(&a);
		ml_csv_table_free(&b);
		free(t);
	}
	CHECK(differ == 0, "fuzz: %lld mutated inputs parse differently in parts", (long long)differ);
	CHECK(ok > 100, "fuzz: some mutated inputs still parse (%lld)", (long long)ok);
	free(base);
}

/* ---- writing and chunks ---- */

static void test_write_roundtrip(void)
{
	char path[] = "/tmp/moonlab_csv_testXXXXXX";
	int fd = mkstemp(path);
	close(fd);
	const char *text =
		"n,x,s,b,d,dt,c\n"
		"1,0.1,\"with,comma\",true,2024-01-01,2024-01-01T10:00:00.125,u\n"
		"2,,\"quote \"\"q\"\"\",false,,2024-01-02T00:00:00,v\n"
		"3,1e300,\"NA\",true,1969-07-20,1969-07-20T20:17:40,u\n"
		"4,-0.0,\"\",false,2000-02-29,,u\n"
		"5,3,\" padded \",true,2000-03-01,2000-03-01T00:00:01,u\n"
		"6,2.5,\"line\nbreak\",false,2000-03-02,2000-03-01T00:00:02,v\n";
	ml_csv_table a, b;
	ml_error e;
	CHECK(read_s(text, NULL, &a, &e) == 0, "%s", e.msg);
	ml_csv_wcolumn w[7];
	ml_tensor vals[7], masks[7];
	const char *lv[7][16];
	size_t ll[7][16];
	memset(w, 0, sizeof w);
	for (int64_t j = 0; j < a.ncols; j++) {
		ml_csv_column *c = &a.cols[j];
		ml_tensor_init(&vals[j], c->data->dtype);
		ml_tensor_set_storage(&vals[j], c->data, 0, 1, &a.nrows, NULL, &e);
		w[j].name = c->name;
		w[j].type = c->type;
		w[j].values = &vals[j];
		if (c->missing) {
			ml_tensor_init(&masks[j], ML_BYTE);
			ml_tensor_set_storage(&masks[j], c->missing, 0, 1, &a.nrows, NULL, &e);
			w[j].missing = &masks[j];
		}
		for (int64_t i = 0; i < c->nlevels && i < 16; i++)
			lv[j][i] = level(c, i + 1, &ll[j][i]);
		w[j].levels = lv[j];
		w[j].level_lens = ll[j];
		w[j].nlevels = c->nlevels;
	}
	CHECK(ml_csv_write_file(path, w, a.ncols, a.nrows, ',', 1, &e) == 0, "write: %s", e.msg);
	ml_csv_options o;
	ml_csv_options_init(&o);
	o.types = (ml_csv_colref[]){{"s", 0, ML_CSV_STRING}, {"c", 0, ML_CSV_CATEGORICAL}};
	o.ntypes = 2;
	CHECK(ml_csv_read_file(path, &o, &b, &e) == 0, "read back: %s", e.msg);
	a.cols[6].type = ML_CSV_CATEGORICAL;
	a.cols[5].type = ML_CSV_DATETIME;
	CHECK(tables_equal(&a, &b), "write then read gives the same table");
	CHECK(b.cols[1].type == ML_CSV_FLOAT && same_bits(dbl(&b.cols[1], 3), -0.0), "-0.0 kept");
	for (int64_t j = 0; j < a.ncols; j++) {
		ml_tensor_release(&vals[j]);
		if (w[j].missing)
			ml_tensor_release(&masks[j]);
	}
	ml_csv_table_free(&a);
	ml_csv_table_free(&b);

	/* a string column with only a missing value keeps a line that is not blank */
	const char *strs[] = {"x", ""};
	size_t lens[] = {1, 0};
	ml_tensor m;
	int64_t two = 2;
	ml_tensor_init_sized(&m, ML_BYTE, 1, &two, &e);
	((uint8_t *)ml_tensor_data(&m))[1] = 1;
	ml_csv_wcolumn one = {.name = "only", .type = ML_CSV_STRING, .strings = strs, .lens = lens,
	                      .missing = &m};
	CHECK(ml_csv_write_file(path, &one, 1, 2, ',', 1, &e) == 0, "%s", e.msg);
	ml_csv_options_init(&o);
	CHECK(ml_csv_read_file(path, &o, &b, &e) == 0 && b.nrows == 2 &&
	      b.cols[0].nmissing == 1, "single column with a missing value");
	ml_csv_table_free(&b);
	ml_tensor_release(&m);

	/* errors: bad codes, wrong lengths, unwritable folder */
	ml_tensor codes;
	ml_tensor_init_sized(&codes, ML_LONG, 1, &two, &e);
	((int64_t *)ml_tensor_data(&codes))[0] = 3;
	ml_csv_wcolumn cc = {.name = "c", .type = ML_CSV_CATEGORICAL, .values = &codes, .nlevels = 2};
	CHECK(ml_csv_write_file(path, &cc, 1, 2, ',', 1, &e) == ML_ERANGE &&
	      strstr(e.msg, "code 3 out of range (2 levels)"), "%s", e.msg);
	CHECK(ml_csv_write_file(path, &cc, 1, 3, ',', 1, &e) == ML_ESHAPE &&
	      strstr(e.msg, "has 2 values, expected 3"), "%s", e.msg);
	ml_tensor_release(&codes);
	CHECK(ml_csv_write_file("/nonexistent-dir/x.csv", &one, 0, 0, ',', 1, &e) == ML_EINVAL &&
	      strstr(e.msg, "/nonexistent-dir/x.csv"), "%s", e.msg);
	unlink(path);
}

static void test_chunks(void)
{
	char path[] = "/tmp/moonlab_csv_chunkXXXXXX";
	int fd = mkstemp(path);
	size_t len;
	char *text = make_text(3, 30000, &len);
	CHECK(write(fd, text, len) == (ssize_t)len, "write fixture");
	close(fd);
	ml_csv_options o;
	ml_csv_options_init(&o);
	o.types = (ml_csv_colref[]){{"x", 0, ML_CSV_FLOAT}, {"name", 0, ML_CSV_STRING}};
	o.ntypes = 2;
	ml_csv_table whole, ch;
	ml_error e;
	CHECK(ml_csv_read_file(path, &o, &whole, &e) == 0, "%s", e.msg);
	int64_t sizes[] = {1, 777, 30000, 100000};
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		ml_csv_reader *r = ml_csv_reader_open(path, &o, &e);
		CHECK(r != NULL, "open: %s", e.msg);
		if (!r)
			continue;
		int64_t row = 0, chunks = 0, bad = 0;
		int rc;
		while ((rc = ml_csv_reader_next(r, sizes[si], &ch, &e)) == 1) {
			chunks++;
			if (ch.nrows > sizes[si])
				bad++;
			for (int64_t i = 0; i < ch.nrows; i++) {
				if (lng(&ch.cols[0], i) != lng(&whole.cols[0], row + i) ||
				    !same_bits(dbl(&ch.cols[1], i), dbl(&whole.cols[1], row + i)))
					bad++;
				size_t n1 = 0, n2 = 0;
				int64_t c1 = lng(&ch.cols[2], i), c2 = lng(&whole.cols[2], row + i);
				const char *s1 = c1 ? level(&ch.cols[2], c1, &n1) : "";
				const char *s2 = c2 ? level(&whole.cols[2], c2, &n2) : "";
				if (n1 != n2 || memcmp(s1, s2, n1) || (c1 == 0) != (c2 == 0))
					bad++;
			}
			row += ch.nrows;
			ml_csv_table_free(&ch);
		}
		CHECK(rc == 0 && row == whole.nrows && bad == 0 &&
		      chunks == (whole.nrows + sizes[si] - 1) / sizes[si],
		      "chunks of %lld: rc %d, %lld rows in %lld chunks, %lld differences",
		      (long long)sizes[si], rc, (long long)row, (long long)chunks, (long long)bad);
		ml_csv_reader_close(r);
	}
	ml_csv_table_free(&whole);
	/* an error in a later chunk names the right line */
	FILE *f = fopen(path, "wb");
	fputs("a,b\n", f);
	for (int i = 0; i < 5000; i++)
		fprintf(f, "%d,%d\n", i, i);
	fputs("1,2,3\n", f);
	fclose(f);
	ml_csv_options_init(&o);
	ml_csv_reader *r = ml_csv_reader_open(path, &o, &e);
	int rc;
	while ((rc = ml_csv_reader_next(r, 1000, &ch, &e)) == 1)
		ml_csv_table_free(&ch);
	CHECK(rc == ML_EINVAL && strstr(e.msg, ":5002:5: row has 3 fields, header has 2") &&
	      strstr(e.msg, "csv.read_chunks: "), "%s", e.msg);
	ml_csv_reader_close(r);
	CHECK(ml_csv_reader_open("/nonexistent/file.csv", &o, &e) == NULL &&
	      strstr(e.msg, "cannot open '/nonexistent/file.csv'"), "%s", e.msg);
	unlink(path);
	free(text);
}

int main(void)
{
	test_double_exact();
	test_format_double();
	test_int_bool();
	test_dates();
	test_tokenizer();
	test_options();
	test_inference();
	test_kinds();
	test_parallel();
	test_fuzz();
	test_write_roundtrip();
	test_chunks();
	return check_done();
}
