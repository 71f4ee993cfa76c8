/*
 * csv_value.c - the values inside CSV fields: numbers, booleans, ISO 8601
 * dates, and their exact text forms for writing.
 *
 * Decimal to double is exact (nearest, ties to even, as strtod in the C
 * locale): Clinger's fast path when the digits and the power of ten are both
 * exact doubles, then the Eisel-Lemire algorithm (a 128-bit product with a
 * table of powers of five, csv_pow5.h), and strtod for the rare inputs neither
 * settles.  strtod is given digits and an exponent without a decimal point, so
 * the locale's decimal separator never matters.
 *
 * Not here: tokenizing (csv.c), locales, thousands separators, hexadecimal
 * floats, time zones other than numeric UTC offsets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csv_internal.h"
#include "csv_pow5.h"

const char *const ml_csv_type_name[ML_CSV_NTYPES] = {
	"auto", "integer", "float", "boolean", "string", "categorical", "date", "datetime",
};

int ml_csv_type_parse(const char *s)
{
	for (int i = 0; i < ML_CSV_NTYPES; i++)
		if (strcmp(s, ml_csv_type_name[i]) == 0)
			return i;
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* s[0 .. n) equals word (lower case) ignoring case */
static int same_word(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	if (n != k)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != word[i])
			return 0;
	return 1;
}

/* ---- decimal numbers ---- */

/* A scanned decimal: value = (-1)^neg * w * 10^q, exactly unless `many`
 * (more than 19 significant digits: w holds the first 19, truncated). */
typedef struct decimal {
	uint64_t w;      /* leading significant digits */
	int64_t q;       /* power of ten */
	int many;        /* nonzero digits were dropped after the 19th */
	int neg;         /* minus sign */
	int special;     /* 0 number, 1 infinity, 2 nan */
	int integer;     /* written as [+-]digits: no point, no exponent */
} decimal;

#define EXP_CLAMP 100000  /* exponents beyond this saturate: the value is 0 or inf anyway */

/* The mantissa of p .. end (digits with at most one '.') when it has more
 * than 19 digits: leading zeros skipped, the first 19 significant kept */
static void long_mantissa(const char *p, const char *end, decimal *d)
{
	uint64_t w = 0;
	int nd = 0, frac = 0;
	int64_t q = 0;
	for (; p < end; p++) {
		if (*p == '.') {
			frac = 1;
			continue;
		}
		unsigned v = (unsigned)(*p - '0');
		if (w == 0 && v == 0) {
			q -= frac;
		} else if (nd < 19) {
			w = w * 10 + v;
			nd++;
			q -= frac;
		} else {
			q += !frac;
			if (v)
				d->many = 1;
		}
	}
	d->w = w;
	d->q = q;
}

/* Scans the grammar [+-](digits[.digits]|.digits)([eE][+-]digits)?, or
 * [+-](inf|infinity|nan) in any case.  Returns 1 when s[0 .. n) is one. */
static inline int scan_decimal(const char *s, size_t n, decimal *d)
{
	const char *p = s, *end = s + n;
	memset(d, 0, sizeof *d);
	if (p < end && (*p == '+' || *p == '-')) {
		d->neg = *p == '-';
		p++;
	}
	if (p == end)
		return 0;
	if (!is_digit(*p) && *p != '.') {
		size_t k = (size_t)(end - p);
		if (same_word(p, k, "inf") || same_word(p, k, "infinity"))
			d->special = 1;
		else if (same_word(p, k, "nan"))
			d->special = 2;
		else
			return 0;
		return 1;
	}
	const char *first = p;
	uint64_t w = 0;
	p = ml_csv_digits(p, end, &w);
	int64_t nint = p - first, nfrac = 0;
	d->integer = p == end;
	if (p < end && *p == '.') {
		const char *f = ++p;
		p = ml_csv_digits(p, end, &w);
		nfrac = p - f;
	}
	if (nint + nfrac == 0)
		return 0;
	const char *last = p;
	int64_t x = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		int eneg = 0;
		if (p < end && (*p == '+' || *p == '-')) {
			eneg = *p == '-';
			p++;
		}
		if (p == end || !is_digit(*p))
			return 0;
		for (; p < end && is_digit(*p); p++)
			if (x < EXP_CLAMP)
				x = x * 10 + (*p - '0');
		if (eneg)
			x = -x;
	}
	if (p != end)
		return 0;
	if (nint + nfrac > 19) {
		long_mantissa(first, last, d);
	} else {
		d->w = w;
		d->q = -nfrac;
	}
	d->q += x;
	return 1;
}

/* Eisel-Lemire: the double nearest w * 10^q (w != 0) as IEEE bits, or 0 when
 * the 128-bit product cannot decide (the caller falls back to strtod). */
static int eisel_lemire(uint64_t w, int64_t q, uint64_t *bits)
{
	if (w == 0 || q < ML_POW5_MIN) {
		*bits = 0;
		return 1;
	}
	if (q > ML_POW5_MAX) {
		*bits = (uint64_t)0x7FF << 52;
		return 1;
	}
	int lz = __builtin_clzll(w);
	w <<= lz;
	size_t i = 2 * (size_t)(q - ML_POW5_MIN);
	unsigned __int128 prod = (unsigned __int128)w * ml_pow5_128[i];
	uint64_t hi = (uint64_t)(prod >> 64), lo = (uint64_t)prod;
	const uint64_t mask = UINT64_MAX >> 55; /* 52 mantissa bits + 3 */
	if ((hi & mask) == mask) {
		/* the low bits are all ones: the second word of 5^q may carry into them */
		unsigned __int128 p2 = (unsigned __int128)w * ml_pow5_128[i + 1];
		uint64_t p2hi = (uint64_t)(p2 >> 64);
		lo += p2hi;
		if (p2hi > lo)
			hi++;
	}
	if (lo == UINT64_MAX && (q < -27 || q > 55))
		return 0;
	int upper = (int)(hi >> 63);
	uint64_t m = hi >> (upper + 64 - 52 - 3);
	/* floor(log2(10^q)) + 63 via a fixed-point log2(10); arithmetic shift */
	int64_t e2 = ((217706 * q) >> 16) + 63 + upper - lz + 1023;
	if (e2 <= 0) { /* subnormal: exact ties cannot occur this far down */
		if (-e2 + 1 >= 64) {
			*bits = 0;
			return 1;
		}
		m >>= -e2 + 1;
		m += m & 1;
		m >>= 1;
		e2 = m < ((uint64_t)1 << 52) ? 0 : 1;
		*bits = m | ((uint64_t)e2 << 52);
		return 1;
	}
	/* an exact tie (only possible for small |q|) rounds to even */
	if (lo <= 1 && q >= -4 && q <= 23 && (m & 3) == 1 &&
	    (m << (upper + 64 - 52 - 3)) == hi)
		m &= ~(uint64_t)1;
	m += m & 1;
	m >>= 1;
	if (m >= ((uint64_t)2 << 52)) {
		m = (uint64_t)1 << 52;
		e2++;
	}
	m &= ~((uint64_t)1 << 52);
	if (e2 >= 0x7FF) {
		*bits = (uint64_t)0x7FF << 52;
		return 1;
	}
	*bits = m | ((uint64_t)e2 << 52);
	return 1;
}

static const double exact_pow10[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* strtod on the digits of s rewritten as "[-]DIGITSeEXP" (no decimal point,
 * so no locale dependence). */
static double slow_path(const char *s, size_t n)
{
	char small[160];
	char *buf = n + 32 <= sizeof small ? small : malloc(n + 32);
	if (!buf)
		return NAN;
	size_t k = 0;
	int64_t frac = 0, ex = 0;
	const char *p = s, *end = s + n;
	if (*p == '+' || *p == '-')
		buf[k++] = *p++;
	for (; p < end && is_digit(*p); p++)
		buf[k++] = *p;
	if (p < end && *p == '.')
		for (p++; p < end && is_digit(*p); p++, frac++)
			buf[k++] = *p;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		int eneg = 0;
		if (*p == '+' || *p == '-')
			eneg = *p++ == '-';
		for (; p < end && is_digit(*p); p++)
			if (ex < EXP_CLAMP)
				ex = ex * 10 + (*p - '0');
		if (eneg)
			ex = -ex;
	}
	snprintf(buf + k, 32, "e%lld", (long long)(ex - frac));
	double v = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return v;
}

static double from_bits(uint64_t b, int neg)
{
	double v;
	b |= (uint64_t)neg << 63;
	memcpy(&v, &b, sizeof v);
	return v;
}

/* The double nearest the scanned decimal d (text s[0 .. n) for the slow path) */
static double decimal_value(const decimal *d, const char *s, size_t n)
{
	if (d->special)
		return d->special == 1 ? (d->neg ? -INFINITY : INFINITY) : (d->neg ? -NAN : NAN);
	if (d->w == 0)
		return d->neg ? -0.0 : 0.0;
	const uint64_t two53 = (uint64_t)1 << 53;
	if (!d->many && d->w <= two53 && d->q >= -22 && d->q <= 22) {
		/* Clinger: both operands exact, so one rounding */
		double v = (double)d->w;
		v = d->q >= 0 ? v * exact_pow10[d->q] : v / exact_pow10[-d->q];
		return d->neg ? -v : v;
	}
	uint64_t b1, b2;
	if (eisel_lemire(d->w, d->q, &b1) &&
	    (!d->many || (eisel_lemire(d->w + 1, d->q, &b2) && b1 == b2)))
		/* with dropped digits the value lies in (w, w+1) * 10^q: both ends agree */
		return from_bits(b1, d->neg);
	return slow_path(s, n);
}

double ml_csv_decimal_double(uint64_t w, int64_t q, int neg, const char *s, size_t n)
{
	decimal d = {w, q, 0, neg, 0, 0};
	return decimal_value(&d, s, n);
}

int ml_csv_parse_double(const char *s, size_t n, double *out)
{
	decimal d;
	if (!scan_decimal(s, n, &d))
		return 0;
	*out = decimal_value(&d, s, n);
	return 1;
}

/* The int64 value of an integer-written decimal, when it fits */
static int decimal_int64(const decimal *d, int64_t *out)
{
	if (!d->integer || d->special || d->many || d->q != 0)
		return 0;
	if (d->w > (uint64_t)INT64_MAX + d->neg)
		return 0;
	*out = d->neg ? (int64_t)(0 - d->w) : (int64_t)d->w;
	return 1;
}

int ml_csv_parse_int64(const char *s, size_t n, int64_t *out)
{
	const char *p = s, *end = s + n;
	int neg = 0;
	if (p < end && (*p == '+' || *p == '-')) {
		neg = *p == '-';
		p++;
	}
	if (p == end)
		return 0;
	uint64_t v = 0;
	const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		if (!is_digit(*p))
			return 0;
		unsigned dg = (unsigned)(*p - '0');
		if (v > (limit - dg) / 10)
			return 0;
		v = v * 10 + dg;
	}
	/* -2^63 has no positive counterpart: negate in unsigned arithmetic */
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

int ml_csv_parse_bool(const char *s, size_t n, uint8_t *out)
{
	static const char *const yes[] = {"true", "True", "TRUE"};
	static const char *const no[] = {"false", "False", "FALSE"};
	for (int i = 0; i < 3; i++) {
		if (n == 4 && memcmp(s, yes[i], 4) == 0) {
			*out = 1;
			return 1;
		}
		if (n == 5 && memcmp(s, no[i], 5) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

/* ---- dates ---- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the
 * era/day-of-era method: 400-year eras of 146097 days starting in March). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = era * 400 + yoe + (*m <= 2);
}

/* k decimal digits at p into *v */
static int fixed_digits(const char *p, int k, int *v)
{
	int x = 0;
	for (int i = 0; i < k; i++) {
		if (!is_digit(p[i]))
			return 0;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dm[m - 1] + (m == 2 && leap);
}

int ml_csv_parse_datetime(const char *s, size_t n, double *secs)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (n < 10 || s[4] != '-' || s[7] != '-' || !fixed_digits(s, 4, &y) ||
	    !fixed_digits(s + 5, 2, &mo) || !fixed_digits(s + 8, 2, &d))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return 0;
	int64_t t = days_from_civil(y, mo, d) * 86400;
	if (n == 10) {
		*secs = (double)t;
		return ML_CSV_M_DATE;
	}
	if ((s[10] != 'T' && s[10] != ' ') || n < 16 || s[13] != ':' ||
	    !fixed_digits(s + 11, 2, &h) || !fixed_digits(s + 14, 2, &mi) || h > 23 || mi > 59)
		return 0;
	size_t p = 16;
	double frac = 0;
	if (p < n && s[p] == ':') {
		if (p + 3 > n || !fixed_digits(s + p + 1, 2, &sec) || sec > 59)
			return 0;
		p += 3;
		if (p < n && s[p] == '.') {
			size_t q = p + 1;
			while (q < n && is_digit(s[q]))
				q++;
			if (q == p + 1 || !ml_csv_parse_double(s + p, q - p, &frac))
				return 0;
			p = q;
		}
	}
	t += (int64_t)h * 3600 + mi * 60 + sec;
	if (p < n && s[p] == 'Z') {
		p++;
	} else if (p < n && (s[p] == '+' || s[p] == '-')) {
		int sign = s[p] == '-' ? -1 : 1, oh, om = 0;
		if (p + 3 > n || !fixed_digits(s + p + 1, 2, &oh) || oh > 23)
			return 0;
		p += 3;
		if (p < n && s[p] == ':')
			p++;
		if (p < n) {
			if (p + 2 > n || !fixed_digits(s + p, 2, &om) || om > 59)
				return 0;
			p += 2;
		}
		t -= sign * ((int64_t)oh * 3600 + om * 60);
	}
	if (p != n)
		return 0;
	*secs = (double)t + frac;
	return ML_CSV_M_DATETIME;
}

unsigned ml_csv_value(const char *s, size_t n, int64_t *iv, double *dv)
{
	if (n == 0)
		return 0;
	if (n >= 10 && s[4] == '-' && is_digit(s[0])) {
		int r = ml_csv_parse_datetime(s, n, dv);
		return r == ML_CSV_M_DATE ? ML_CSV_M_DATE | ML_CSV_M_DATETIME : (unsigned)r;
	}
	decimal d;
	if (scan_decimal(s, n, &d)) {
		if (decimal_int64(&d, iv)) {
			*dv = (double)*iv; /* int64 to double rounds to nearest, as strtod does */
			return ML_CSV_M_INT | ML_CSV_M_FLOAT;
		}
		*dv = decimal_value(&d, s, n);
		return ML_CSV_M_FLOAT;
	}
	uint8_t b;
	if (ml_csv_parse_bool(s, n, &b)) {
		*iv = b;
		return ML_CSV_M_BOOL;
	}
	return 0;
}

unsigned ml_csv_classify(const char *s, size_t n)
{
	int64_t iv;
	double dv;
	return ml_csv_value(s, n, &iv, &dv);
}

/* ---- text forms for writing ---- */

/* printf follows LC_NUMERIC: put back a '.' where another decimal mark went */
static void fix_decimal_mark(char *s)
{
	for (; *s; s++)
		if (*s == ',')
			*s = '.';
}

size_t ml_csv_format_double(char *buf, size_t cap, double v)
{
	if (isnan(v))
		return (size_t)snprintf(buf, cap, "nan");
	if (isinf(v))
		return (size_t)snprintf(buf, cap, v < 0 ? "-inf" : "inf");
	int len = 0;
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(buf, cap, "%.*g", prec, v);
		fix_decimal_mark(buf);
		double back;
		if (ml_csv_parse_double(buf, (size_t)len, &back) && memcmp(&back, &v, sizeof v) == 0)
			break;
	}
	if (!strpbrk(buf, ".e") && (size_t)len + 2 < cap) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	return (size_t)len;
}

size_t ml_csv_format_datetime(char *buf, size_t cap, double secs, int date_only)
{
	if (!isfinite(secs) || fabs(secs) > 1e15)
		return ml_csv_format_double(buf, cap, secs);
	double whole = floor(secs);
	int64_t t = (int64_t)whole;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400, y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	if (date_only && rem == 0 && secs == whole)
		return (size_t)snprintf(buf, cap, "%04lld-%02d-%02d", (long long)y, m, d);
	int len = snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
	                   (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	double frac = secs - whole; /* exact: whole holds a prefix of secs' bits */
	if (frac > 0) {
		char f[40];
		for (int k = 1; k <= 17; k++) {
			int fl = snprintf(f, sizeof f, "%.*f", k, frac);
			fix_decimal_mark(f);
			double back;
			if (f[0] != '0' || !ml_csv_parse_double(f + 1, (size_t)fl - 1, &back))
				continue;
			if (whole + back == secs || k == 17) {
				len += snprintf(buf + len, cap - (size_t)len, "%s", f + 1);
				break;
			}
		}
	}
	return (size_t)len;
}
