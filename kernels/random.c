/*
 * random.c - MT19937 generators, Torch7's distributions, tensor fills,
 * randperm and multinomial (see random.h for the contracts).
 *
 * Bit-compatible with Torch7's THRandom: init_genrand seeding, one 32-bit word
 * per uniform double (u = word / 2^32), Box-Muller normals with the second
 * value kept in the generator, the same formulas for the other distributions
 * and the same swap sequence for randperm.  Deliberate departures, all in
 * cases of probability ~2^-32 or less: Bernoulli tests u < p (Torch7: u <= p,
 * which can return 1 for p = 0); uniform draws that round up to b are
 * lowered to the largest value below b; geometric draws saturate at the
 * tensor type's maximum instead of overflowing an int.
 *
 * Fills are serial (a stream has one order) and block-wise: words are drawn
 * and tempered 512 at a time into a stack buffer, transformed by a loop per
 * distribution and stored by a loop per dtype, so there is no per-element
 * function call.  A contiguous Double tensor is written directly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "random.h"

#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu
#define TWO_POW_M32 (1.0 / 4294967296.0)
#define BLOCK 512 /* elements per stack buffer in fills */

_Static_assert(sizeof(ml_generator) ==
                       ML_MT_N * 4 + 4 + 4 + 8 + 8 + 8 + 4 + 4,
               "ml_generator must have no padding: its bytes are its state");

/* ---- the twister ---- */

void ml_random_manual_seed(ml_generator *g, uint64_t seed)
{
	memset(g, 0, sizeof *g);
	g->initial_seed = seed;
	g->state[0] = (uint32_t)seed;
	for (uint32_t j = 1; j < ML_MT_N; j++) /* init_genrand, Knuth's multiplier */
		g->state[j] = 1812433253u * (g->state[j - 1] ^ (g->state[j - 1] >> 30)) + j;
	g->next = ML_MT_N;
	g->magic = ML_MT_MAGIC;
}

uint64_t ml_random_seed(ml_generator *g)
{
	uint32_t s = 0;
	FILE *f = fopen("/dev/urandom", "rb");
	int ok = f && fread(&s, sizeof s, 1, f) == 1;
	if (f)
		fclose(f);
	if (!ok) /* no urandom: mix the clock with an address (ASLR) */
		s = (uint32_t)time(NULL) ^ (uint32_t)clock() ^ (uint32_t)(uintptr_t)g;
	ml_random_manual_seed(g, s);
	return s;
}

uint64_t ml_random_initial_seed(const ml_generator *g)
{
	return g->initial_seed;
}

/* Regenerates all N words (the standard MT19937 recurrence). */
static void twist(ml_generator *g)
{
	uint32_t *mt = g->state;
	int i = 0;
	for (; i < ML_MT_N - MT_M; i++) {
		uint32_t y = (mt[i] & MT_UPPER) | (mt[i + 1] & MT_LOWER);
		mt[i] = mt[i + MT_M] ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
	}
	for (; i < ML_MT_N - 1; i++) {
		uint32_t y = (mt[i] & MT_UPPER) | (mt[i + 1] & MT_LOWER);
		mt[i] = mt[i + MT_M - ML_MT_N] ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
	}
	uint32_t y = (mt[ML_MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
	mt[ML_MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
	g->next = 0;
}

static inline uint32_t temper(uint32_t y)
{
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

static inline uint32_t next_word(ml_generator *g)
{
	if (g->next >= ML_MT_N)
		twist(g);
	return temper(g->state[g->next++]);
}

/* n words into out, tempered in runs the compiler vectorizes. */
static void draw_words(ml_generator *g, uint32_t *restrict out, int64_t n)
{
	while (n > 0) {
		if (g->next >= ML_MT_N)
			twist(g);
		int64_t k = ML_MT_N - g->next;
		if (k > n)
			k = n;
		const uint32_t *restrict s = g->state + g->next;
		for (int64_t i = 0; i < k; i++)
			out[i] = temper(s[i]);
		g->next += (uint32_t)k;
		out += k;
		n -= k;
	}
}

uint32_t ml_random_u32(ml_generator *g)
{
	return next_word(g);
}

double ml_random_u01(ml_generator *g)
{
	return next_word(g) * TWO_POW_M32;
}

/* 64 bits from two words, high word first; for ranges wider than 2^32. */
static uint64_t next_u64(ml_generator *g)
{
	uint64_t hi = next_word(g);
	return hi << 32 | next_word(g);
}

int ml_random_set_state(ml_generator *g, const void *bytes, size_t n, ml_error *e)
{
	ml_generator s;
	if (n != sizeof s)
		return ml_fail(e, ML_EINVAL,
		               "torch.setRNGState: state has %zu bytes, expected %zu (from torch.getRNGState)",
		               n, sizeof s);
	memcpy(&s, bytes, sizeof s);
	if (s.magic != ML_MT_MAGIC || s.next > ML_MT_N || s.normal_ready > 1 || s.reserved != 0 ||
	    (s.normal_ready && !(s.normal_x >= 0 && s.normal_x < 1 && s.normal_rho >= 0 &&
	                         isfinite(s.normal_rho))))
		return ml_fail(e, ML_EINVAL, "torch.setRNGState: invalid generator state");
	*g = s;
	return ML_OK;
}

/* ---- distributions ---- */

static const char *const kind_names[] = {
	"torch.uniform", "torch.normal", "torch.exponential", "torch.cauchy",
	"torch.logNormal", "torch.geometric", "torch.bernoulli", "torch.random", "torch.random",
};

static const char *who_of(const ml_random_dist *d)
{
	if (d->who)
		return d->who;
	if ((unsigned)d->kind < sizeof kind_names / sizeof kind_names[0])
		return kind_names[d->kind];
	return "torch.random";
}

int ml_random_is_integer(ml_random_kind kind)
{
	return kind == ML_RANDOM_GEOMETRIC || kind == ML_RANDOM_BERNOULLI || kind == ML_RANDOM_BITS ||
	       kind == ML_RANDOM_RANGE;
}

int ml_random_check(const ml_random_dist *d, ml_error *e)
{
	const char *who = who_of(d);
	double a = d->a, b = d->b;
	switch (d->kind) {
	case ML_RANDOM_UNIFORM:
		if (!isfinite(a) || !isfinite(b))
			return ml_fail(e, ML_EINVAL, "%s: bounds must be finite (got %g, %g)", who, a, b);
		if (a > b)
			return ml_fail(e, ML_EINVAL, "%s: lower bound %g is above upper bound %g", who, a, b);
		return ML_OK;
	case ML_RANDOM_NORMAL:
	case ML_RANDOM_LOGNORMAL:
		if (!isfinite(a))
			return ml_fail(e, ML_EINVAL, "%s: mean must be finite (got %g)", who, a);
		if (!(b >= 0) || !isfinite(b))
			return ml_fail(e, ML_EINVAL,
			               "%s: standard deviation must be finite and >= 0 (got %g)", who, b);
		return ML_OK;
	case ML_RANDOM_EXPONENTIAL:
		if (!(a > 0) || !isfinite(a))
			return ml_fail(e, ML_EINVAL, "%s: lambda must be finite and > 0 (got %g)", who, a);
		return ML_OK;
	case ML_RANDOM_CAUCHY:
		if (!isfinite(a))
			return ml_fail(e, ML_EINVAL, "%s: median must be finite (got %g)", who, a);
		if (!(b > 0) || !isfinite(b))
			return ml_fail(e, ML_EINVAL, "%s: sigma must be finite and > 0 (got %g)", who, b);
		return ML_OK;
	case ML_RANDOM_GEOMETRIC:
		if (!(a > 0 && a < 1))
			return ml_fail(e, ML_EINVAL, "%s: p must be in (0, 1) (got %g)", who, a);
		return ML_OK;
	case ML_RANDOM_BERNOULLI:
		if (!(a >= 0 && a <= 1))
			return ml_fail(e, ML_EINVAL, "%s: p must be in [0, 1] (got %g)", who, a);
		return ML_OK;
	case ML_RANDOM_BITS:
		return ML_OK;
	case ML_RANDOM_RANGE:
		if (d->lo > d->hi)
			return ml_fail(e, ML_EINVAL, "%s: upper bound %lld is below lower bound %lld", who,
			               (long long)d->hi, (long long)d->lo);
		return ML_OK;
	}
	return ml_fail(e, ML_EINVAL, "%s: unknown distribution %d", who, (int)d->kind);
}

/* What a fill needs besides the generator: the distribution and the dtype's
 * reductions of integer draws. */
typedef struct fill_ctx {
	ml_generator *g;          /* the stream */
	const ml_random_dist *d;  /* what to draw */
	ml_dtype dt;              /* element type of the tensor being filled */
	uint64_t bits_mod;        /* BITS: modulus (0: the raw word) */
	int64_t maxv;             /* GEOMETRIC: saturation value */
	double log_p;             /* GEOMETRIC: log(p) */
	double ucap;              /* UNIFORM: largest double below b (b when a == b) */
	float ucap_f32;           /* UNIFORM into Float: largest float below b */
} fill_ctx;

/* Box-Muller, Torch7's order: a fresh pair returns rho*cos and keeps rho*sin. */
static inline double normal_next(ml_generator *g)
{
	if (!g->normal_ready) {
		double x = next_word(g) * TWO_POW_M32;
		double y = next_word(g) * TWO_POW_M32;
		g->normal_x = x;
		g->normal_rho = sqrt(-2. * log(1.0 - y));
		g->normal_ready = 1;
		return g->normal_rho * cos(2. * M_PI * x);
	}
	g->normal_ready = 0;
	return g->normal_rho * sin(2. * M_PI * g->normal_x);
}

/* Normal draws in blocks: the pending value first, then whole pairs straight
 * from a word buffer, then an odd last value that leaves its twin pending.
 * The arithmetic is normal_next's, so the sequence does not depend on how a
 * fill is cut into runs. */
static void gen_normal(ml_generator *g, double *restrict out, int64_t n, double mean, double stdv)
{
	uint32_t w[BLOCK];
	int64_t i = 0;
	if (n > 0 && g->normal_ready)
		out[i++] = normal_next(g) * stdv + mean;
	while (n - i >= 2) {
		int64_t pairs = (n - i) / 2;
		if (pairs > BLOCK / 2)
			pairs = BLOCK / 2;
		draw_words(g, w, 2 * pairs);
		for (int64_t j = 0; j < pairs; j++) {
			double x = w[2 * j] * TWO_POW_M32, y = w[2 * j + 1] * TWO_POW_M32;
			double rho = sqrt(-2. * log(1.0 - y));
			out[i + 2 * j] = rho * cos(2. * M_PI * x) * stdv + mean;
			out[i + 2 * j + 1] = rho * sin(2. * M_PI * x) * stdv + mean;
		}
		i += 2 * pairs;
	}
	if (i < n)
		out[i] = normal_next(g) * stdv + mean;
}

/* n draws of a continuous kind into out (any n). */
static void gen_real(const fill_ctx *c, double *restrict out, int64_t n)
{
	const ml_random_dist *d = c->d;
	const double a = d->a, b = d->b;
	if (d->kind == ML_RANDOM_NORMAL) {
		gen_normal(c->g, out, n, a, b);
		return;
	}
	if (d->kind == ML_RANDOM_LOGNORMAL) {
		gen_normal(c->g, out, n, a, b);
		for (int64_t i = 0; i < n; i++)
			out[i] = exp(out[i]);
		return;
	}
	uint32_t w[BLOCK];
	while (n > 0) {
		int64_t k = n < BLOCK ? n : BLOCK;
		draw_words(c->g, w, k);
		switch (d->kind) {
		case ML_RANDOM_UNIFORM: {
			const double cap = c->ucap;
			for (int64_t i = 0; i < k; i++) {
				double v = w[i] * TWO_POW_M32 * (b - a) + a;
				out[i] = v < b ? v : cap;
			}
			break;
		}
		case ML_RANDOM_EXPONENTIAL:
			for (int64_t i = 0; i < k; i++)
				out[i] = -1. / a * log(1 - w[i] * TWO_POW_M32);
			break;
		case ML_RANDOM_CAUCHY:
			for (int64_t i = 0; i < k; i++)
				out[i] = a + b * tan(M_PI * (w[i] * TWO_POW_M32 - 0.5));
			break;
		default: /* integer kinds never come here (ml_random_fill routes them) */
			for (int64_t i = 0; i < k; i++)
				out[i] = 0;
			break;
		}
		out += k;
		n -= k;
	}
}

/* n <= BLOCK draws of an integer kind into out. */
static void gen_int(const fill_ctx *c, int64_t *restrict out, int64_t n)
{
	const ml_random_dist *d = c->d;
	uint32_t w[BLOCK];
	if (d->kind == ML_RANDOM_RANGE) {
		uint64_t span = (uint64_t)d->hi - (uint64_t)d->lo + 1; /* 0 means 2^64 */
		if (span != 0 && span < ((uint64_t)1 << 32)) {
			const uint32_t s32 = (uint32_t)span; /* 32-bit division: much cheaper */
			draw_words(c->g, w, n);
			for (int64_t i = 0; i < n; i++)
				out[i] = d->lo + (int64_t)(w[i] % s32);
		} else if (span == ((uint64_t)1 << 32)) {
			draw_words(c->g, w, n);
			for (int64_t i = 0; i < n; i++)
				out[i] = d->lo + (int64_t)w[i];
		} else {
			for (int64_t i = 0; i < n; i++) {
				uint64_t r = next_u64(c->g);
				out[i] = (int64_t)((uint64_t)d->lo + (span ? r % span : r));
			}
		}
		return;
	}
	draw_words(c->g, w, n);
	switch (d->kind) {
	case ML_RANDOM_BITS: {
		const uint64_t m = c->bits_mod;
		if (m)
			for (int64_t i = 0; i < n; i++)
				out[i] = (int64_t)(w[i] % m);
		else
			for (int64_t i = 0; i < n; i++)
				out[i] = w[i];
		break;
	}
	case ML_RANDOM_BERNOULLI: {
		const double p = d->a;
		for (int64_t i = 0; i < n; i++)
			out[i] = w[i] * TWO_POW_M32 < p;
		break;
	}
	case ML_RANDOM_GEOMETRIC: {
		const double lp = c->log_p, maxd = (double)c->maxv;
		for (int64_t i = 0; i < n; i++) {
			double q = log(1 - w[i] * TWO_POW_M32) / lp;
			out[i] = q >= maxd - 1 ? c->maxv : (int64_t)q + 1;
		}
		break;
	}
	default:
		for (int64_t i = 0; i < n; i++)
			out[i] = 0;
		break;
	}
}

/* ---- stores: one loop per dtype, contiguous fast path plus strided path ---- */

#define ML_STORE_INT(E, s, T, N, f)                                                            \
	static void store_int_##s(int64_t n, const int64_t *restrict v, char *out, int64_t step) \
	{                                                                                      \
		if (step == (int64_t)sizeof(T)) {                                              \
			T *restrict o = (T *)(void *)out;                                      \
			for (int64_t i = 0; i < n; i++)                                        \
				o[i] = (T)v[i];                                                \
		} else {                                                                       \
			for (int64_t i = 0; i < n; i++)                                        \
				*(T *)(void *)(out + i * step) = (T)v[i];                      \
		}                                                                              \
	}
ML_DTYPES(ML_STORE_INT)
#undef ML_STORE_INT

static void store_int(ml_dtype dt, int64_t n, const int64_t *v, char *out, int64_t step)
{
	switch (dt) {
#define ML_CASE(E, s, T, N, f) case ML_##E: store_int_##s(n, v, out, step); break;
		ML_DTYPES(ML_CASE)
#undef ML_CASE
	default: break; /* dtypes are checked by the entry points */
	}
}

static void store_f64(int64_t n, const double *restrict v, char *out, int64_t step)
{
	for (int64_t i = 0; i < n; i++)
		*(double *)(void *)(out + i * step) = v[i];
}

/* Float stores clamp to cap: uniform draws just below b may round up to b. */
static void store_f32(int64_t n, const double *restrict v, char *out, int64_t step, float cap)
{
	if (step == (int64_t)sizeof(float)) {
		float *restrict o = (float *)(void *)out;
		for (int64_t i = 0; i < n; i++) {
			float x = (float)v[i];
			o[i] = x > cap ? cap : x;
		}
	} else {
		for (int64_t i = 0; i < n; i++) {
			float x = (float)v[i];
			*(float *)(void *)(out + i * step) = x > cap ? cap : x;
		}
	}
}

static void fill_run(int64_t n, char *const *ptr, const int64_t *step, void *vctx)
{
	const fill_ctx *c = vctx;
	char *out = ptr[0];
	const int64_t st = step[0];
	if (ml_random_is_integer(c->d->kind)) {
		int64_t buf[BLOCK];
		while (n > 0) {
			int64_t k = n < BLOCK ? n : BLOCK;
			gen_int(c, buf, k);
			store_int(c->dt, k, buf, out, st);
			out += k * st;
			n -= k;
		}
		return;
	}
	if (c->dt == ML_DOUBLE && st == (int64_t)sizeof(double)) {
		gen_real(c, (double *)(void *)out, n);
		return;
	}
	double buf[BLOCK];
	while (n > 0) {
		int64_t k = n < BLOCK ? n : BLOCK;
		gen_real(c, buf, k);
		if (c->dt == ML_DOUBLE)
			store_f64(k, buf, out, st);
		else
			store_f32(k, buf, out, st, c->ucap_f32);
		out += k * st;
		n -= k;
	}
}

/* Representable range of an integer dtype; floats report the int64 range. */
static void int_range(ml_dtype dt, int64_t *lo, int64_t *hi)
{
	switch (dt) {
	case ML_BYTE: *lo = 0; *hi = UINT8_MAX; break;
	case ML_CHAR: *lo = INT8_MIN; *hi = INT8_MAX; break;
	case ML_SHORT: *lo = INT16_MIN; *hi = INT16_MAX; break;
	case ML_INT: *lo = INT32_MIN; *hi = INT32_MAX; break;
	default: *lo = INT64_MIN; *hi = INT64_MAX; break;
	}
}

static void init_ctx(fill_ctx *c, ml_generator *g, const ml_random_dist *d, ml_dtype dt)
{
	memset(c, 0, sizeof *c);
	c->g = g;
	c->d = d;
	c->dt = dt;
	switch (dt) { /* Torch7's per-type reductions of a raw word */
	case ML_BYTE: c->bits_mod = 256; break;
	case ML_CHAR: c->bits_mod = 128; break;
	case ML_SHORT: c->bits_mod = 32768; break;
	case ML_INT: c->bits_mod = (uint64_t)1 << 31; break;
	case ML_FLOAT: c->bits_mod = ((uint64_t)1 << 24) + 1; break;
	default: c->bits_mod = 0; break;
	}
	int64_t lo;
	int_range(dt, &lo, &c->maxv);
	if (d->kind == ML_RANDOM_GEOMETRIC)
		c->log_p = log(d->a);
	c->ucap = d->b;
	c->ucap_f32 = INFINITY;
	if (d->kind == ML_RANDOM_UNIFORM) {
		if (d->a < d->b)
			c->ucap = nextafter(d->b, -INFINITY);
		float fb = (float)d->b;
		if ((double)fb >= d->b && d->a < d->b)
			fb = nextafterf(fb, -INFINITY);
		c->ucap_f32 = fb < (float)d->a ? (float)d->a : fb;
	}
}

int ml_random_draw(ml_generator *g, const ml_random_dist *d, double *x, int64_t *k, ml_error *e)
{
	int rc = ml_random_check(d, e);
	if (rc)
		return rc;
	fill_ctx c;
	init_ctx(&c, g, d, ML_LONG); /* Long: raw words, int64 saturation */
	if (ml_random_is_integer(d->kind))
		gen_int(&c, k, 1);
	else
		gen_real(&c, x, 1);
	return ML_OK;
}

int ml_random_fill(ml_tensor *t, ml_generator *g, const ml_random_dist *d, ml_error *e)
{
	int rc = ml_random_check(d, e);
	if (rc)
		return rc;
	const char *who = who_of(d);
	ml_dtype dt = t->dtype;
	if (dt != ML_FLOAT && dt != ML_DOUBLE && !ml_random_is_integer(d->kind))
		return ml_fail(e, ML_ETYPE,
		               "%s: needs a Float or Double tensor (got %s); integer tensors take "
		               "random, geometric and bernoulli",
		               who, ml_dtype_name(dt));
	if (d->kind == ML_RANDOM_RANGE && !ml_dtype_info[dt].is_float) {
		int64_t lo, hi;
		int_range(dt, &lo, &hi);
		if (d->lo < lo || d->hi > hi)
			return ml_fail(e, ML_EINVAL, "%s: range [%lld, %lld] does not fit a %s tensor ([%lld, %lld])",
			               who, (long long)d->lo, (long long)d->hi, ml_dtype_name(dt),
			               (long long)lo, (long long)hi);
	}
	int64_t n = ml_tensor_numel(t);
	if (n == 0)
		return ML_OK;
	fill_ctx c;
	init_ctx(&c, g, d, dt);
	ml_tensor v = *t; /* borrowed */
	ml_tensor *ops[1] = {&v};
	ml_apply_range(1, ops, 0, n, fill_run, &c);
	return ML_OK;
}

/* ---- Bernoulli with a tensor of probabilities ---- */

typedef struct prob_check {
	int64_t count;   /* elements seen so far */
	int64_t bad_at;  /* 0-based flat index of the first p outside [0,1], or -1 */
	double bad;      /* its value */
} prob_check;

static void check_probs(int64_t n, char *const *ptr, const int64_t *step, void *vctx)
{
	prob_check *c = vctx;
	for (int64_t i = 0; i < n && c->bad_at < 0; i++) {
		double p = *(const double *)(const void *)(ptr[0] + i * step[0]);
		if (!(p >= 0 && p <= 1)) {
			c->bad_at = c->count + i;
			c->bad = p;
		}
	}
	c->count += n;
}

typedef struct bern_ctx {
	ml_generator *g;  /* the stream */
	ml_dtype dt;      /* output dtype */
} bern_ctx;

static void bern_run(int64_t n, char *const *ptr, const int64_t *step, void *vctx)
{
	const bern_ctx *c = vctx;
	char *out = ptr[0];
	const char *pp = ptr[1];
	uint32_t w[BLOCK];
	int64_t buf[BLOCK];
	while (n > 0) {
		int64_t k = n < BLOCK ? n : BLOCK;
		draw_words(c->g, w, k);
		for (int64_t i = 0; i < k; i++)
			buf[i] = w[i] * TWO_POW_M32 < *(const double *)(const void *)(pp + i * step[1]);
		store_int(c->dt, k, buf, out, step[0]);
		out += k * step[0];
		pp += k * step[1];
		n -= k;
	}
}

int ml_random_fill_bernoulli(ml_tensor *t, ml_generator *g, const ml_tensor *p, ml_error *e)
{
	static const char who[] = "torch.bernoulli";
	if ((unsigned)t->dtype >= ML_NDTYPES)
		return ml_fail(e, ML_ETYPE, "%s: unknown dtype %d", who, (int)t->dtype);
	int64_t n = ml_tensor_numel(t), np = ml_tensor_numel(p);
	char ts[ML_SHAPELEN], ps[ML_SHAPELEN];
	ml_tensor pd; /* p as Double: owned when converted, else borrowed */
	int owned = 0;
	if (p->dtype == ML_DOUBLE && p->storage != t->storage) {
		pd = *p;
	} else { /* convert (or copy away from an aliased output) */
		int rc = ml_tensor_clone_as(&pd, p, ML_DOUBLE, e);
		if (rc)
			return rc;
		owned = 1;
	}
	int rc = ML_OK;
	prob_check pc = {0, -1, 0};
	if (np > 0) {
		ml_tensor *ops1[1] = {&pd};
		ml_apply_range(1, ops1, 0, np, check_probs, &pc);
	}
	if (pc.bad_at >= 0) {
		rc = ml_fail(e, ML_EINVAL, "%s: probability %g at element %lld is outside [0, 1]", who,
		             pc.bad, (long long)pc.bad_at + 1);
		goto done;
	}
	if (n == 0)
		goto done;
	ml_tensor pv = pd; /* view of pd shaped like t */
	const ml_tensor *both[2] = {t, &pv};
	int nd;
	int64_t size[ML_MAX_DIMS];
	ml_error scratch;
	int fits = ml_broadcast_shape(who, 2, both, &nd, size, &scratch) == ML_OK && nd == t->ndim &&
	           memcmp(size, t->size, sizeof(int64_t) * (size_t)nd) == 0;
	if (fits) {
		rc = ml_tensor_expand(&pv, t->ndim, t->size, e);
	} else if (np == n) { /* Torch7: same number of elements, read in logical order */
		if (!ml_tensor_is_contiguous(&pd)) {
			ml_tensor c;
			rc = ml_tensor_clone_as(&c, &pd, ML_DOUBLE, e);
			if (rc)
				goto done;
			if (owned)
				ml_tensor_release(&pd);
			pd = c;
			owned = 1;
			pv = pd;
		}
		rc = ml_tensor_view(&pv, t->ndim, t->size, e);
	} else {
		rc = ml_fail(e, ML_ESHAPE, "%s: probabilities of shape %s do not match a tensor of shape %s",
		             who, ml_tensor_shape_str(ps, sizeof ps, p), ml_tensor_shape_str(ts, sizeof ts, t));
	}
	if (rc)
		goto done;
	bern_ctx c = {g, t->dtype};
	ml_tensor out = *t;
	ml_tensor *ops2[2] = {&out, &pv};
	ml_apply_range(2, ops2, 0, n, bern_run, &c);
done:
	if (owned)
		ml_tensor_release(&pd);
	return rc;
}

/* ---- randperm ---- */

int ml_random_randperm(ml_tensor *res, ml_generator *g, int64_t n, ml_error *e)
{
	static const char who[] = "torch.randperm";
	if (n < 0)
		return ml_fail(e, ML_EINVAL, "%s: n must be >= 0 (got %lld)", who, (long long)n);
	int64_t maxv, lo;
	int_range(res->dtype, &lo, &maxv);
	if (res->dtype == ML_FLOAT)
		maxv = (int64_t)1 << 24;
	else if (res->dtype == ML_DOUBLE)
		maxv = (int64_t)1 << 53;
	if (n > maxv)
		return ml_fail(e, ML_EINVAL, "%s: n = %lld does not fit a %s tensor (at most %lld)", who,
		               (long long)n, ml_dtype_name(res->dtype), (long long)maxv);
	int64_t *perm = NULL;
	int direct = res->dtype == ML_LONG;
	if (!direct && n > 0) {
		perm = malloc(sizeof(int64_t) * (size_t)n);
		if (!perm)
			return ml_fail(e, ML_ENOMEM, "%s: cannot allocate %lld bytes", who,
			               (long long)(sizeof(int64_t) * (size_t)n));
	}
	int rc = ml_tensor_resize(res, 1, &n, e);
	if (rc) {
		free(perm);
		return rc;
	}
	if (n == 0)
		return ML_OK;
	int64_t step = res->stride[0];
	int64_t *p = direct ? ml_tensor_data(res) : perm;
	const int64_t ps = direct ? step : 1;
	for (int64_t i = 0; i < n; i++)
		p[i * ps] = i;
	for (int64_t i = 0; i < n - 1; i++) { /* Torch7's swaps: element i with one of i..n-1 */
		uint64_t span = (uint64_t)(n - i);
		int64_t z = (int64_t)(span <= ((uint64_t)1 << 32) ? next_word(g) % span
		                                                  : next_u64(g) % span);
		int64_t sav = p[i * ps];
		p[i * ps] = p[(i + z) * ps];
		p[(i + z) * ps] = sav;
	}
	for (int64_t i = 0; i < n; i++)
		p[i * ps] += 1;
	if (!direct) {
		int64_t es = (int64_t)ml_dtype_info[res->dtype].size;
		store_int(res->dtype, n, perm, ml_tensor_data(res), step * es);
		free(perm);
	}
	return ML_OK;
}

/* ---- multinomial ---- */

/* Row r's weights into w (K of them) through the tensor's strides. */
static void load_row(const ml_tensor *p, int64_t r, double *w, int64_t K)
{
	int last = p->ndim - 1;
	const char *base = (const char *)ml_tensor_data(p) +
	                   (last ? r * p->stride[0] : 0) * (int64_t)ml_dtype_info[p->dtype].size;
	int64_t st = p->stride[last] * (int64_t)ml_dtype_info[p->dtype].size;
	for (int64_t j = 0; j < K; j++)
		w[j] = ml_load_f64(p->dtype, base + j * st);
}

/* cum[j] = (w[0] + ... + w[j]) / total, and 1 from the last positive weight
 * on, so that "first j with cum[j] > u" never lands on a zero weight. */
static void cumulate(const double *w, double *cum, int64_t K)
{
	double s = 0;
	int64_t lastpos = 0;
	for (int64_t j = 0; j < K; j++) {
		s += w[j];
		cum[j] = s;
		if (w[j] > 0)
			lastpos = j;
	}
	for (int64_t j = 0; j < lastpos; j++)
		cum[j] /= s;
	for (int64_t j = lastpos; j < K; j++)
		cum[j] = 1.0;
}

static int64_t search(const double *cum, int64_t K, double u)
{
	int64_t lo = 0, hi = K - 1; /* cum[K-1] == 1 > u */
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int ml_random_multinomial(ml_tensor *res, ml_generator *g, const ml_tensor *probs, int64_t n,
                          int replacement, ml_error *e)
{
	static const char who[] = "torch.multinomial";
	char s[ML_SHAPELEN];
	if (res->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Long tensor (got %s)", who,
		               ml_dtype_name(res->dtype));
	if (probs->ndim != 1 && probs->ndim != 2)
		return ml_fail(e, ML_ESHAPE, "%s: probabilities must be 1-D or 2-D (got %s)", who,
		               ml_tensor_shape_str(s, sizeof s, probs));
	int64_t R = probs->ndim == 2 ? probs->size[0] : 1;
	int64_t K = probs->size[probs->ndim - 1];
	if (K < 1 || R < 1)
		return ml_fail(e, ML_ESHAPE, "%s: no categories to draw from (probabilities %s)", who,
		               ml_tensor_shape_str(s, sizeof s, probs));
	if (n < 1)
		return ml_fail(e, ML_EINVAL, "%s: number of samples must be >= 1 (got %lld)", who,
		               (long long)n);
	if (!replacement && n > K)
		return ml_fail(e, ML_EINVAL,
		               "%s: cannot draw %lld samples without replacement from %lld categories", who,
		               (long long)n, (long long)K);
	double *w = malloc(sizeof(double) * 2 * (size_t)K);
	if (!w)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate %lld bytes", who,
		               (long long)(sizeof(double) * 2 * (size_t)K));
	double *cum = w + K;
	ml_tensor p = *probs; /* borrowed, or owned when res shares its storage */
	int owned = 0, rc = ML_OK;

	for (int64_t r = 0; r < R && rc == ML_OK; r++) { /* validate every row before drawing */
		load_row(&p, r, w, K);
		double sum = 0;
		int64_t npos = 0;
		for (int64_t j = 0; j < K; j++) {
			if (!(w[j] >= 0) || !isfinite(w[j])) {
				rc = probs->ndim == 2
				             ? ml_fail(e, ML_EINVAL, "%s: probability %g at row %lld, column %lld is negative or not finite",
				                       who, w[j], (long long)r + 1, (long long)j + 1)
				             : ml_fail(e, ML_EINVAL, "%s: probability %g at element %lld is negative or not finite",
				                       who, w[j], (long long)j + 1);
				break;
			}
			sum += w[j];
			npos += w[j] > 0;
		}
		if (rc)
			break;
		if (!(sum > 0) || !isfinite(sum))
			rc = ml_fail(e, ML_EINVAL, "%s: probabilities of row %lld sum to %g (need a positive finite sum)",
			             who, (long long)r + 1, sum);
		else if (!replacement && n > npos)
			rc = ml_fail(e, ML_EINVAL,
			             "%s: cannot draw %lld samples without replacement: row %lld has %lld non-zero probabilities",
			             who, (long long)n, (long long)r + 1, (long long)npos);
	}
	if (rc == ML_OK && res->storage && res->storage == probs->storage) {
		rc = ml_tensor_clone_as(&p, probs, ML_DOUBLE, e);
		owned = rc == ML_OK;
	}
	if (rc == ML_OK) {
		int64_t size[2] = {R, n};
		rc = probs->ndim == 2 ? ml_tensor_resize(res, 2, size, e) : ml_tensor_resize(res, 1, &n, e);
	}
	if (rc == ML_OK) {
		int64_t *out = ml_tensor_data(res);
		int64_t rs = probs->ndim == 2 ? res->stride[0] : 0, cs = res->stride[res->ndim - 1];
		for (int64_t r = 0; r < R; r++) {
			load_row(&p, r, w, K);
			cumulate(w, cum, K);
			for (int64_t j = 0; j < n; j++) {
				int64_t idx = search(cum, K, next_word(g) * TWO_POW_M32);
				out[r * rs + j * cs] = idx + 1;
				if (!replacement && j + 1 < n) {
					w[idx] = 0;
					cumulate(w, cum, K);
				}
			}
		}
	}
	if (owned)
		ml_tensor_release(&p);
	free(w);
	return rc;
}

/* ---- the alias method (Walker; Vose's construction) ---- */

int ml_random_alias_setup(ml_tensor *J, ml_tensor *q, const ml_tensor *probs, ml_error *e)
{
	static const char who[] = "torch.multinomialAliasSetup";
	char s[ML_SHAPELEN];
	if (J->dtype != ML_LONG || q->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: state must be {LongTensor, DoubleTensor} (got %s, %s)", who,
		               ml_dtype_name(J->dtype), ml_dtype_name(q->dtype));
	if (probs->ndim != 1 || probs->size[0] < 1)
		return ml_fail(e, ML_ESHAPE, "%s: probabilities must be a non-empty 1-D tensor (got %s)", who,
		               ml_tensor_shape_str(s, sizeof s, probs));
	int64_t K = probs->size[0];
	size_t bytes = (sizeof(int64_t) + sizeof(double)) * (size_t)K;
	int64_t *work = malloc(bytes);
	if (!work)
		return ml_fail(e, ML_ENOMEM, "%s: cannot allocate %zu bytes", who, bytes);
	double *w = (double *)(work + K);
	load_row(probs, 0, w, K);
	double sum = 0;
	int rc = ML_OK;
	for (int64_t k = 0; k < K && rc == ML_OK; k++) {
		if (!(w[k] >= 0) || !isfinite(w[k]))
			rc = ml_fail(e, ML_EINVAL, "%s: probability %g at element %lld is negative or not finite", who, w[k],
			             (long long)k + 1);
		sum += w[k];
	}
	if (rc == ML_OK && (!(sum > 0) || !isfinite(sum)))
		rc = ml_fail(e, ML_EINVAL, "%s: probabilities sum to %g (need a positive finite sum)", who, sum);
	if (rc == ML_OK)
		rc = ml_tensor_resize(J, 1, &K, e);
	if (rc == ML_OK)
		rc = ml_tensor_resize(q, 1, &K, e);
	if (rc == ML_OK) {
		int64_t *jp = ml_tensor_data(J), js = J->stride[0];
		double *qp = ml_tensor_data(q);
		int64_t qs = q->stride[0];
		/* q[k] = K p_k; "small" entries (q < 1) fill from the front of work,
		 * "large" ones from the back; each small one takes its remainder from
		 * a large one, which shrinks and may turn small. */
		int64_t nsmall = 0, nlarge = 0;
		for (int64_t k = 0; k < K; k++) {
			double v = w[k] * (double)K / sum;
			qp[k * qs] = v;
			jp[k * js] = k + 1;
			if (v < 1)
				work[nsmall++] = k;
			else
				work[K - 1 - nlarge++] = k;
		}
		while (nsmall > 0 && nlarge > 0) {
			int64_t sm = work[--nsmall], lg = work[K - nlarge];
			jp[sm * js] = lg + 1;
			double *ql = &qp[lg * qs];
			*ql -= 1 - qp[sm * qs];
			if (*ql < 1) { /* lg leaves the large end and joins the small ones */
				nlarge--;
				work[nsmall++] = lg;
			}
		}
		/* what remains is 1 up to rounding: keep it whole */
		while (nlarge > 0)
			qp[work[K - nlarge--] * qs] = 1;
		while (nsmall > 0)
			qp[work[--nsmall] * qs] = 1;
	}
	free(work);
	return rc;
}

int ml_random_alias_draw(ml_tensor *out, ml_generator *g, const ml_tensor *J, const ml_tensor *q, ml_error *e)
{
	static const char who[] = "torch.multinomialAlias";
	char s1[ML_SHAPELEN], s2[ML_SHAPELEN];
	if (out->dtype != ML_LONG || out->ndim != 1)
		return ml_fail(e, ML_ETYPE, "%s: output must be a 1-D LongTensor (got a %s tensor of size %s)", who,
		               ml_dtype_name(out->dtype), ml_tensor_shape_str(s1, sizeof s1, out));
	if (J->dtype != ML_LONG || q->dtype != ML_DOUBLE || J->ndim != 1 || q->ndim != 1 ||
	    J->size[0] != q->size[0] || J->size[0] < 1)
		return ml_fail(e, ML_EINVAL, "%s: state must be {LongTensor, DoubleTensor} of one size from "
		               "torch.multinomialAliasSetup (got %s %s, %s %s)", who, ml_dtype_name(J->dtype),
		               ml_tensor_shape_str(s1, sizeof s1, J), ml_dtype_name(q->dtype),
		               ml_tensor_shape_str(s2, sizeof s2, q));
	int64_t K = J->size[0];
	const int64_t *jp = ml_tensor_data(J);
	const double *qp = ml_tensor_data(q);
	for (int64_t k = 0; k < K; k++) /* a hand-made state must not index out of range */
		if (jp[k * J->stride[0]] < 1 || jp[k * J->stride[0]] > K)
			return ml_fail(e, ML_EINVAL, "%s: alias index %lld at element %lld is out of range 1..%lld", who,
			               (long long)jp[k * J->stride[0]], (long long)k + 1, (long long)K);
	int64_t *op = ml_tensor_data(out), os = out->stride[0];
	for (int64_t i = 0; i < out->size[0]; i++) {
		int64_t k = (int64_t)(ml_random_u01(g) * (double)K);
		if (k >= K)
			k = K - 1;
		op[i * os] = ml_random_u01(g) < qp[k * q->stride[0]] ? k + 1 : jp[k * J->stride[0]];
	}
	return ML_OK;
}
