/*
 * reduce.c - sums, products, means, variances, extremes and norms of tensors,
 * over all elements or along one dimension; dist, trace, all/any (see reduce.h
 * for the contracts).  Cumulative sums and products are in cumulative.c; the
 * dtype-specific loads/stores and the walk along a dim in reduce_walk.c.
 *
 * How it is built:
 *  - An "accumulator" (acc_kind) is what one pass computes: a pairwise sum, the
 *    sums of deviations, a product, an extreme with its index, ...  Each op is
 *    one or two accumulator passes plus a finishing formula (finish()).
 *  - Values reach the accumulators as contiguous tiles of doubles (or of int64
 *    for the exact integer kinds): contiguous Double (Long) data is used in
 *    place, anything else is converted tile by tile into a small buffer.  So
 *    the arithmetic exists once, in double and in int64, and only loading and
 *    storing (reduce_walk.c) know the dtype.
 *  - A "stream" accumulates one sequence (a whole tensor, or one line along the
 *    reduced dim).  A "sweep" accumulates many columns at once, row by row: it
 *    is used along a dim whose stride is larger than another dim's, so memory
 *    is read in rows (summing a row-major matrix along dim 1 adds whole rows).
 *  - Threads: a whole-tensor reduction splits the element range in nthreads
 *    parts and combines the parts in order; a reduction along a dim splits the
 *    outputs (each output is then computed exactly as it would be serially).
 *
 * It does not reduce several dims at once, sort, or compute quantiles.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"
#include "reduce.h"
#include "reduce_walk.h"
#include "interrupt.h"

#define TILE 128       /* leaf block of pairwise sums */
#define CONV 1024      /* elements converted at once into a stream's buffer */
#define MAX_LEVELS 64  /* pairwise stack depth: enough for 2^64 blocks */

static const char *const op_names[ML_REDUCE_NOPS] = {
	"sum", "prod", "mean", "var", "std", "min", "max", "norm",
};

const char *ml_reduce_name(ml_reduce_op op)
{
	return (unsigned)op < ML_REDUCE_NOPS ? op_names[op] : "?";
}

ml_dtype ml_reduce_result_dtype(ml_reduce_op op, ml_dtype dt)
{
	int stat = op == ML_REDUCE_MEAN || op == ML_REDUCE_VAR || op == ML_REDUCE_STD ||
	           op == ML_REDUCE_NORM;
	return stat && !ml_dtype_info[dt].is_float ? ML_DOUBLE : dt;
}

/* ---- accumulators ---- */

typedef enum acc_kind {
	ACC_SUM,   /* pairwise sum of x */
	ACC_DEV,   /* pairwise sums of x - c and (x - c)^2 */
	ACC_POW,   /* pairwise sum of |x|^p */
	ACC_NZ,    /* number of non-zero x (NaN is non-zero) */
	ACC_AMAX,  /* largest |x|, NaN propagates */
	ACC_PROD,  /* product */
	ACC_MIN,   /* smallest x, NaN propagates, index of the first */
	ACC_MAX,   /* largest x, same rules */
	ACC_ISUM,  /* exact int64 sum (wraps) */
	ACC_IPROD, /* exact int64 product (wraps) */
	ACC_IMIN,  /* int64 smallest, index of the first */
	ACC_IMAX   /* int64 largest, index of the first */
} acc_kind;

#define IS_INT_KIND(k) ((k) >= ACC_ISUM)
#define IS_PAIRWISE(k) ((k) <= ACC_POW)

typedef struct accspec {
	acc_kind kind;  /* what to accumulate */
	double c;       /* ACC_DEV: the centre */
	double p;       /* ACC_POW: the exponent */
	int want_idx;   /* ACC_*MIN/MAX: track the index (else only the value) */
} accspec;

typedef struct accres {
	double s;     /* sum, count, product, extreme (double kinds) */
	double s2;    /* ACC_DEV: sum of squared deviations */
	int64_t iv;   /* integer kinds: the value */
	int64_t idx;  /* min/max: 0-based position of the extreme */
} accres;

/* -- block kernels over contiguous doubles; `omp simd` lets GCC vectorize these
 * reductions at -O2 (the order is fixed at compile time, so they are
 * deterministic).  Four interleaved streams keep several vector accumulators
 * busy. -- */

static double sum_blk(const double *restrict x, int64_t n)
{
	int64_t q = n / 4;
	double a = 0, b = 0, c = 0, d = 0;
#pragma omp simd reduction(+ : a, b, c, d)
	for (int64_t i = 0; i < q; i++) {
		a += x[i];
		b += x[i + q];
		c += x[i + 2 * q];
		d += x[i + 3 * q];
	}
	for (int64_t i = 4 * q; i < n; i++)
		a += x[i];
	return (a + b) + (c + d);
}

static void dev_blk(const double *restrict x, int64_t n, double c, double *s1, double *s2)
{
	int64_t h = n / 2;
	double a = 0, b = 0, a2 = 0, b2 = 0;
#pragma omp simd reduction(+ : a, b, a2, b2)
	for (int64_t i = 0; i < h; i++) {
		double u = x[i] - c, v = x[i + h] - c;
		a += u;
		a2 += u * u;
		b += v;
		b2 += v * v;
	}
	if (n & 1) {
		double u = x[n - 1] - c;
		a += u;
		a2 += u * u;
	}
	*s1 += a + b;
	*s2 += a2 + b2;
}

static double pow_blk(const double *restrict x, int64_t n, double p)
{
	double a = 0, b = 0;
	int64_t h = n / 2;
	if (p == 1) {
#pragma omp simd reduction(+ : a, b)
		for (int64_t i = 0; i < h; i++) {
			a += fabs(x[i]);
			b += fabs(x[i + h]);
		}
		if (n & 1)
			a += fabs(x[n - 1]);
	} else if (p == 2) {
#pragma omp simd reduction(+ : a, b)
		for (int64_t i = 0; i < h; i++) {
			a += x[i] * x[i];
			b += x[i + h] * x[i + h];
		}
		if (n & 1)
			a += x[n - 1] * x[n - 1];
	} else {
		for (int64_t i = 0; i < n; i++)
			a += pow(fabs(x[i]), p);
	}
	return a + b;
}

/* Largest (want_max) or smallest x[i] combined with m, ignoring NaN; returns
 * 1 when x holds a NaN.  The vector loop folds x - x into a sum, which is NaN
 * only when a NaN or an infinity is present; then a scalar scan decides.  Four
 * streams, as in sum_blk, hide the latency of max/min. */
static int extreme_blk(const double *restrict x, int64_t n, int want_max, double *m)
{
	int64_t q = n / 4;
	double a = *m, b = *m, c = *m, d = *m, t = 0;
	if (want_max) {
#pragma omp simd reduction(max : a, b, c, d) reduction(+ : t)
		for (int64_t i = 0; i < q; i++) {
			double u = x[i], v = x[i + q], w = x[i + 2 * q], z = x[i + 3 * q];
			a = u > a ? u : a;
			b = v > b ? v : b;
			c = w > c ? w : c;
			d = z > d ? z : d;
			t += ((u - u) + (v - v)) + ((w - w) + (z - z));
		}
		a = b > a ? b : a;
		c = d > c ? d : c;
		a = c > a ? c : a;
		for (int64_t i = 4 * q; i < n; i++) {
			a = x[i] > a ? x[i] : a;
			t += x[i] - x[i];
		}
	} else {
#pragma omp simd reduction(min : a, b, c, d) reduction(+ : t)
		for (int64_t i = 0; i < q; i++) {
			double u = x[i], v = x[i + q], w = x[i + 2 * q], z = x[i + 3 * q];
			a = u < a ? u : a;
			b = v < b ? v : b;
			c = w < c ? w : c;
			d = z < d ? z : d;
			t += ((u - u) + (v - v)) + ((w - w) + (z - z));
		}
		a = b < a ? b : a;
		c = d < c ? d : c;
		a = c < a ? c : a;
		for (int64_t i = 4 * q; i < n; i++) {
			a = x[i] < a ? x[i] : a;
			t += x[i] - x[i];
		}
	}
	*m = a;
	if (t == t)
		return 0;
	for (int64_t i = 0; i < n; i++)
		if (x[i] != x[i])
			return 1;
	return 0;
}

/* Largest |x[i]| combined with m; returns 1 when x holds a NaN. */
static int amax_blk(const double *restrict x, int64_t n, double *m)
{
	double r = *m, t = 0;
#pragma omp simd reduction(max : r) reduction(+ : t)
	for (int64_t i = 0; i < n; i++) {
		double a = fabs(x[i]);
		r = a > r ? a : r;
		t += x[i] - x[i];
	}
	*m = r;
	if (t == t)
		return 0;
	for (int64_t i = 0; i < n; i++)
		if (x[i] != x[i])
			return 1;
	return 0;
}

static double nz_blk(const double *restrict x, int64_t n)
{
	double c = 0;
#pragma omp simd reduction(+ : c)
	for (int64_t i = 0; i < n; i++)
		c += x[i] != 0 ? 1.0 : 0.0;
	return c;
}

static double prod_blk(const double *restrict x, int64_t n)
{
	double a = 1;
#pragma omp simd reduction(* : a)
	for (int64_t i = 0; i < n; i++)
		a *= x[i];
	return a;
}

/* Integer sums and products wrap modulo 2^64 (unsigned arithmetic, so that
 * overflow is defined), as Torch7's long accumulators do in practice. */
static int64_t isum_blk(const int64_t *restrict x, int64_t n)
{
	uint64_t a = 0;
#pragma omp simd reduction(+ : a)
	for (int64_t i = 0; i < n; i++)
		a += (uint64_t)x[i];
	return (int64_t)a;
}

static int64_t iprod_blk(const int64_t *restrict x, int64_t n)
{
	uint64_t a = 1;
	for (int64_t i = 0; i < n; i++)
		a *= (uint64_t)x[i];
	return (int64_t)a;
}

/* "v replaces the current extreme m": strictly better, or the first NaN.  A
 * NaN m is never replaced, so the first NaN and the first extreme win. */
static inline int better(double v, double m, int want_max)
{
	return (want_max ? v > m : v < m) || (v != v && m == m);
}

/* -- the stream: one sequence, fed in tiles -- */

typedef struct stream {
	accspec sp;                 /* what to accumulate */
	ml_dtype dt;                /* dtype of the elements fed through stream_run */
	int64_t pos;                /* index of the next element */
	int started;                /* min/max: r holds a value */
	accres r;                   /* running result of the non-pairwise kinds */
	double blk[2];              /* pairwise kinds: sums of the current block */
	int64_t blk_n;              /* elements in the current block */
	double stk[MAX_LEVELS][2];  /* finished subtrees, one per level */
	int top;                    /* used levels of stk */
	int64_t nblk;               /* blocks pushed so far */
	union {
		double f[CONV];
		int64_t i[CONV];
	} buf;                      /* a converted tile */
} stream;

static void stream_init(stream *s, const accspec *sp, ml_dtype dt, int64_t pos)
{
	s->sp = *sp;
	s->dt = dt;
	s->pos = pos;
	s->started = 0;
	s->r.s = sp->kind == ACC_PROD ? 1 : 0;
	s->r.s2 = 0;
	s->r.iv = sp->kind == ACC_IPROD ? 1 : 0;
	s->r.idx = 0;
	s->blk[0] = s->blk[1] = 0;
	s->blk_n = 0;
	s->top = 0;
	s->nblk = 0;
}

/* Pushes the current block as a leaf of the pairwise tree: like incrementing a
 * binary counter, each carry merges two subtrees of equal size. */
static void push_block(stream *s)
{
	double a = s->blk[0], b = s->blk[1];
	for (int64_t c = s->nblk++; c & 1; c >>= 1) {
		s->top--;
		a = s->stk[s->top][0] + a;
		b = s->stk[s->top][1] + b;
	}
	s->stk[s->top][0] = a;
	s->stk[s->top][1] = b;
	s->top++;
	s->blk[0] = s->blk[1] = 0;
	s->blk_n = 0;
}

static void feed_f(stream *s, const double *restrict x, int64_t n)
{
	const accspec *sp = &s->sp;
	switch (sp->kind) {
	case ACC_SUM:
	case ACC_DEV:
	case ACC_POW:
		while (n > 0) {
			int64_t k = TILE - s->blk_n;
			if (k > n)
				k = n;
			if (sp->kind == ACC_SUM)
				s->blk[0] += sum_blk(x, k);
			else if (sp->kind == ACC_DEV)
				dev_blk(x, k, sp->c, &s->blk[0], &s->blk[1]);
			else
				s->blk[0] += pow_blk(x, k, sp->p);
			s->blk_n += k;
			if (s->blk_n == TILE)
				push_block(s);
			x += k;
			n -= k;
			s->pos += k;
		}
		return;
	case ACC_NZ:
		s->r.s += nz_blk(x, n);
		break;
	case ACC_AMAX:
		if (s->r.s == s->r.s && amax_blk(x, n, &s->r.s))
			s->r.s = NAN;
		break;
	case ACC_PROD:
		s->r.s *= prod_blk(x, n);
		break;
	case ACC_MIN:
	case ACC_MAX: {
		int want_max = sp->kind == ACC_MAX;
		int64_t i = 0;
		if (!s->started && n > 0) {
			s->r.s = x[0];
			s->r.idx = s->pos;
			s->started = 1;
			i = 1;
		}
		if (sp->want_idx) {
			/* chunk by chunk: the extreme by the vector loop, then, only
			 * when it beats the current one, a scan for its first index */
			while (i < n && s->r.s == s->r.s) {
				int64_t k = n - i < CONV ? n - i : CONV;
				double cm = x[i];
				if (extreme_blk(x + i, k, want_max, &cm)) {
					int64_t j = i;
					while (x[j] == x[j])
						j++;
					s->r.s = NAN;
					s->r.idx = s->pos + j;
				} else if (want_max ? cm > s->r.s : cm < s->r.s) {
					int64_t j = i;
					while (x[j] != cm)
						j++;
					s->r.s = cm;
					s->r.idx = s->pos + j;
				}
				i += k;
			}
		} else if (s->r.s == s->r.s && extreme_blk(x + i, n - i, want_max, &s->r.s)) {
			s->r.s = NAN;
		}
		break;
	}
	default: break;
	}
	s->pos += n;
}

static void feed_i(stream *s, const int64_t *restrict x, int64_t n)
{
	switch (s->sp.kind) {
	case ACC_ISUM:
		s->r.iv = (int64_t)((uint64_t)s->r.iv + (uint64_t)isum_blk(x, n));
		break;
	case ACC_IPROD:
		s->r.iv = (int64_t)((uint64_t)s->r.iv * (uint64_t)iprod_blk(x, n));
		break;
	case ACC_IMIN:
	case ACC_IMAX: {
		int want_max = s->sp.kind == ACC_IMAX;
		int64_t i = 0;
		if (!s->started && n > 0) {
			s->r.iv = x[0];
			s->r.idx = s->pos;
			s->started = 1;
			i = 1;
		}
		int64_t m = s->r.iv, at = s->r.idx;
		for (; i < n; i++) {
			if (want_max ? x[i] > m : x[i] < m) {
				m = x[i];
				at = s->pos + i;
			}
		}
		s->r.iv = m;
		s->r.idx = at;
		break;
	}
	default: break;
	}
	s->pos += n;
}

/* Feeds n elements of s->dt at p, p+step, ... (step in bytes). */
static void stream_run(stream *s, const char *p, int64_t n, int64_t step)
{
	int64_t es = (int64_t)ml_dtype_info[s->dt].size;
	if (IS_INT_KIND(s->sp.kind)) {
		if (s->dt == ML_LONG && step == es) {
			feed_i(s, (const int64_t *)(const void *)p, n);
			return;
		}
		for (int64_t i = 0; i < n; i += CONV) {
			int64_t k = n - i < CONV ? n - i : CONV;
			ml_walk_load_i(s->dt, s->buf.i, p + i * step, k, step);
			feed_i(s, s->buf.i, k);
		}
		return;
	}
	if (s->dt == ML_DOUBLE && step == es) {
		feed_f(s, (const double *)(const void *)p, n);
		return;
	}
	for (int64_t i = 0; i < n; i += CONV) {
		int64_t k = n - i < CONV ? n - i : CONV;
		ml_walk_load_f(s->dt, s->buf.f, p + i * step, k, step);
		feed_f(s, s->buf.f, k);
	}
}

static void stream_finish(stream *s, accres *out)
{
	*out = s->r;
	if (!IS_PAIRWISE(s->sp.kind))
		return;
	if (s->blk_n > 0)
		push_block(s);
	double a = 0, b = 0;
	if (s->top > 0) {
		a = s->stk[s->top - 1][0];
		b = s->stk[s->top - 1][1];
		for (int k = s->top - 2; k >= 0; k--) {
			a = s->stk[k][0] + a;
			b = s->stk[k][1] + b;
		}
	}
	out->s = a;
	out->s2 = b;
}

/* Folds part result b (which comes after a in element order) into a. */
static void combine(acc_kind k, accres *a, const accres *b)
{
	switch (k) {
	case ACC_SUM:
	case ACC_DEV:
	case ACC_POW:
	case ACC_NZ:
		a->s += b->s;
		a->s2 += b->s2;
		break;
	case ACC_AMAX:
		if (a->s == a->s && (b->s > a->s || b->s != b->s))
			a->s = b->s;
		break;
	case ACC_PROD: a->s *= b->s; break;
	case ACC_MIN:
	case ACC_MAX:
		if (better(b->s, a->s, k == ACC_MAX)) {
			a->s = b->s;
			a->idx = b->idx;
		}
		break;
	case ACC_ISUM: a->iv = (int64_t)((uint64_t)a->iv + (uint64_t)b->iv); break;
	case ACC_IPROD: a->iv = (int64_t)((uint64_t)a->iv * (uint64_t)b->iv); break;
	case ACC_IMIN:
	case ACC_IMAX:
		if (k == ACC_IMAX ? b->iv > a->iv : b->iv < a->iv) {
			a->iv = b->iv;
			a->idx = b->idx;
		}
		break;
	}
}

/* -- whole tensors -- */

/* A whole-tensor reduction is cut in parts whose number depends only on the
 * element count; threads take parts as they finish (so a thread slowed down by
 * another process does not hold the others up), and the part results are
 * combined pairwise in a fixed order: the result does not depend on the
 * number of threads. */
#define PART_MIN 65536  /* elements per part, at least */
#define MAX_PARTS 64    /* parts, at most */

static int parts_for(int64_t n)
{
	int64_t p = n / PART_MIN;
	return p < 1 ? 1 : p > MAX_PARTS ? MAX_PARTS : (int)p;
}

/* Folds part[lo..hi) into part[lo], pairwise, keeping element order. */
static void combine_tree(acc_kind k, accres *part, int lo, int hi)
{
	if (hi - lo < 2)
		return;
	int mid = lo + (hi - lo) / 2;
	combine_tree(k, part, lo, mid);
	combine_tree(k, part, mid, hi);
	combine(k, &part[lo], &part[mid]);
}

/* Feeds elements [b, e) of the flat element range into s. */
typedef void (*part_fn)(stream *s, int64_t b, int64_t e, void *ctx);

static void run_parts(const accspec *sp, ml_dtype dt, int64_t numel, part_fn fn, void *ctx,
                      accres *out)
{
	int np = parts_for(numel);
	int nt = ml_threads_for(numel, ML_GRAIN_CHEAP);
	accres part[MAX_PARTS];
	if (nt > np)
		nt = np;
#pragma omp parallel num_threads(nt) if (nt > 1)
	{
		stream s;
#pragma omp for schedule(dynamic, 1)
		for (int k = 0; k < np; k++) {
			int64_t b = numel * k / np, en = numel * (k + 1) / np;
			stream_init(&s, sp, dt, b);
			fn(&s, b, en, ctx);
			stream_finish(&s, &part[k]);
		}
	}
	combine_tree(sp->kind, part, 0, np);
	*out = part[0];
}

static void flat_run(int64_t n, char *const *ptr, const int64_t *step, void *ctx)
{
	stream_run(ctx, ptr[0], n, step[0]);
}

static void flat_part(stream *s, int64_t b, int64_t e, void *ctx)
{
	ml_apply_range(1, ctx, b, e, flat_run, s);
}

/* Accumulates sp over every element of x (not empty).  When sp->want_idx is 0
 * the elements are visited in memory order (dims sorted by decreasing
 * stride), which only matters for speed. */
static void reduce_flat(const ml_tensor *x, const accspec *sp, accres *out)
{
	ml_tensor v = *x; /* borrowed view, never released */
	if (!sp->want_idx) {
		for (int i = 1; i < v.ndim; i++) { /* insertion sort, stable */
			for (int j = i; j > 0 && llabs(v.stride[j]) > llabs(v.stride[j - 1]); j--) {
				int64_t t = v.size[j];
				v.size[j] = v.size[j - 1];
				v.size[j - 1] = t;
				t = v.stride[j];
				v.stride[j] = v.stride[j - 1];
				v.stride[j - 1] = t;
			}
		}
	}
	ml_tensor *ops[1] = {&v};
	run_parts(sp, x->dtype, ml_tensor_numel(x), flat_part, ops, out);
}

/* One line of n elements at p with byte step `step`, serially. */
static void reduce_line(const char *p, int64_t n, int64_t step, ml_dtype dt, const accspec *sp,
                        accres *out)
{
	stream s;
	stream_init(&s, sp, dt, 0);
	stream_run(&s, p, n, step);
	stream_finish(&s, out);
}

/* ---- from an op to accumulator passes and back ---- */

static acc_kind first_kind(ml_reduce_op op, int isf, double p)
{
	switch (op) {
	case ML_REDUCE_SUM:
	case ML_REDUCE_MEAN: return isf ? ACC_SUM : ACC_ISUM;
	case ML_REDUCE_PROD: return isf ? ACC_PROD : ACC_IPROD;
	case ML_REDUCE_VAR:
	case ML_REDUCE_STD: return ACC_SUM;
	case ML_REDUCE_MIN: return isf ? ACC_MIN : ACC_IMIN;
	case ML_REDUCE_MAX: return isf ? ACC_MAX : ACC_IMAX;
	case ML_REDUCE_NORM: return p == 0 ? ACC_NZ : isinf(p) ? ACC_AMAX : ACC_POW;
	default: return ACC_SUM;
	}
}

/* The first pass's result as a double (the mean's numerator, the extreme...). */
static double first_value(acc_kind k, const accres *a)
{
	return IS_INT_KIND(k) ? (double)a->iv : a->s;
}

/* The value of op for one output of n elements: a from the first pass, d
 * from the second (var/std). */
static double finish(ml_reduce_op op, acc_kind k, const accres *a, const accres *d, int64_t n,
                     double arg)
{
	switch (op) {
	case ML_REDUCE_MEAN: return n ? first_value(k, a) / (double)n : NAN;
	case ML_REDUCE_VAR:
	case ML_REDUCE_STD: {
		double den = (double)n - (arg != 0 ? 0.0 : 1.0);
		if (den <= 0)
			return NAN;
		/* corrected two-pass formula: the second term removes the
		 * rounding error of the mean (Chan, Golub & LeVeque) */
		double v = (d->s2 - d->s * d->s / (double)n) / den;
		if (v < 0)
			v = 0;
		return op == ML_REDUCE_STD ? sqrt(v) : v;
	}
	case ML_REDUCE_NORM:
		if (k == ACC_POW && arg != 1)
			return arg == 2 ? sqrt(a->s) : pow(a->s, 1.0 / arg);
		return a->s;
	default: return first_value(k, a);
	}
}

static int check_arg(ml_reduce_op op, double arg, ml_error *e)
{
	if ((unsigned)op >= ML_REDUCE_NOPS)
		return ml_fail(e, ML_EINVAL, "torch.reduce: unknown operation %d", (int)op);
	if (op == ML_REDUCE_NORM && (arg != arg || arg == -INFINITY))
		return ml_fail(e, ML_EINVAL, "torch.norm: p must be a number other than -inf (got %g)", arg);
	return ML_OK;
}

int ml_reduce_all(ml_reduce_op op, const ml_tensor *x, double arg, ml_scalar *out, ml_error *e)
{
	int rc = check_arg(op, arg, e);
	if (rc)
		return rc;
	int isf = ml_dtype_info[x->dtype].is_float;
	int64_t n = ml_tensor_numel(x);
	accspec sp = {first_kind(op, isf, arg), 0, arg, 0};
	accres a = {0, 0, 0, 0}, d = {0, 0, 0, 0};
	if (n == 0) {
		if (op == ML_REDUCE_MIN || op == ML_REDUCE_MAX)
			return ml_fail(e, ML_EINVAL, "torch.%s: the tensor is empty", op_names[op]);
		if (op == ML_REDUCE_PROD)
			a.s = 1, a.iv = 1;
	} else {
		reduce_flat(x, &sp, &a);
		if (op == ML_REDUCE_VAR || op == ML_REDUCE_STD) {
			accspec sp2 = {ACC_DEV, a.s / (double)n, 0, 0};
			reduce_flat(x, &sp2, &d);
		}
	}
	out->is_int = IS_INT_KIND(sp.kind) && op != ML_REDUCE_MEAN;
	out->i = out->is_int ? a.iv : 0;
	out->f = finish(op, sp.kind, &a, &d, n, arg);
	return ML_OK;
}

/* ---- along one dimension ---- */

/* -- the sweep: w columns at once, one row at a time -- */

typedef struct sweep {
	accspec sp;        /* kind, p; c unused (per column: cen) */
	int64_t w;         /* columns */
	double *blk, *blk2;  /* pairwise kinds: sums of the current block of rows */
	double *stk;       /* pairwise stack: level l, sum k at stk + (2*l + k)*w */
	int top;           /* used levels */
	int64_t nblk;      /* blocks pushed */
	int64_t rows;      /* rows in the current block */
	double *v;         /* double kinds: running value */
	int64_t *iv;       /* integer kinds: running value */
	int64_t *idx;      /* min/max: index of the extreme */
	const double *cen; /* ACC_DEV: centre of each column */
	int64_t row;       /* rows fed so far */
} sweep;

/* Per-thread scratch of a sweep over at most w columns and n rows. */
typedef struct sweep_mem {
	double *f;        /* all double arrays */
	int64_t *i;       /* all int64 arrays */
	int levels;       /* pairwise stack depth */
} sweep_mem;

static int levels_for(int64_t n)
{
	int l = 1;
	for (int64_t b = (n + TILE - 1) / TILE; b > 1; b >>= 1)
		l++;
	return l + 1;
}

/* Double arrays: blk, blk2, stk (2*levels), v, cen, row buffer, outputs: 6 + 2*levels.
 * Int arrays: iv, idx, row buffer, outputs, out idx: 5. */
static int sweep_mem_alloc(sweep_mem *sm, int64_t w, int64_t n)
{
	sm->levels = levels_for(n);
	sm->f = malloc(sizeof(double) * (size_t)(w * (6 + 2 * sm->levels)));
	sm->i = malloc(sizeof(int64_t) * (size_t)(w * 5));
	if (!sm->f || !sm->i) {
		free(sm->f);
		free(sm->i);
		sm->f = NULL;
		sm->i = NULL;
		return -1;
	}
	return 0;
}

static void sweep_mem_free(sweep_mem *sm)
{
	free(sm->f);
	free(sm->i);
}

static void sweep_init(sweep *s, const accspec *sp, int64_t w, const sweep_mem *sm,
                       const double *cen)
{
	s->sp = *sp;
	s->w = w;
	s->blk = sm->f;
	s->blk2 = sm->f + w;
	s->stk = sm->f + 2 * w;
	s->v = sm->f + (2 + 2 * sm->levels) * w;
	s->iv = sm->i;
	s->idx = sm->i + w;
	s->cen = cen;
	s->top = 0;
	s->nblk = 0;
	s->rows = 0;
	s->row = 0;
	double v0 = sp->kind == ACC_PROD ? 1 : 0;
	for (int64_t j = 0; j < w; j++) {
		s->blk[j] = s->blk2[j] = 0;
		s->v[j] = v0;
		s->iv[j] = sp->kind == ACC_IPROD ? 1 : 0;
		s->idx[j] = 0;
	}
}

static void sweep_push(sweep *s)
{
	int64_t w = s->w;
	double *restrict a = s->blk, *restrict b = s->blk2;
	for (int64_t c = s->nblk++; c & 1; c >>= 1) {
		s->top--;
		const double *restrict sa = s->stk + (2 * s->top) * w, *restrict sb = sa + w;
#pragma omp simd
		for (int64_t j = 0; j < w; j++) {
			a[j] = sa[j] + a[j];
			b[j] = sb[j] + b[j];
		}
	}
	double *restrict da = s->stk + (2 * s->top) * w, *restrict db = da + w;
#pragma omp simd
	for (int64_t j = 0; j < w; j++) {
		da[j] = a[j];
		db[j] = b[j];
		a[j] = 0;
		b[j] = 0;
	}
	s->top++;
	s->rows = 0;
}

static void sweep_row_f(sweep *s, const double *restrict x)
{
	int64_t w = s->w;
	double *restrict a = s->blk, *restrict b = s->blk2, *restrict v = s->v;
	int64_t *restrict idx = s->idx;
	const double *restrict c = s->cen;
	double p = s->sp.p;
	switch (s->sp.kind) {
	case ACC_SUM:
#pragma omp simd
		for (int64_t j = 0; j < w; j++)
			a[j] += x[j];
		break;
	case ACC_DEV:
#pragma omp simd
		for (int64_t j = 0; j < w; j++) {
			double d = x[j] - c[j];
			a[j] += d;
			b[j] += d * d;
		}
		break;
	case ACC_POW:
		if (p == 1) {
#pragma omp simd
			for (int64_t j = 0; j < w; j++)
				a[j] += fabs(x[j]);
		} else if (p == 2) {
#pragma omp simd
			for (int64_t j = 0; j < w; j++)
				a[j] += x[j] * x[j];
		} else {
			for (int64_t j = 0; j < w; j++)
				a[j] += pow(fabs(x[j]), p);
		}
		break;
	case ACC_NZ:
#pragma omp simd
		for (int64_t j = 0; j < w; j++)
			v[j] += x[j] != 0 ? 1.0 : 0.0;
		break;
	case ACC_AMAX:
#pragma omp simd
		for (int64_t j = 0; j < w; j++) {
			double t = fabs(x[j]);
			v[j] = (t > v[j] || t != t) ? t : v[j];
		}
		break;
	case ACC_PROD:
#pragma omp simd
		for (int64_t j = 0; j < w; j++)
			v[j] *= x[j];
		break;
	case ACC_MIN:
	case ACC_MAX: {
		int want_max = s->sp.kind == ACC_MAX;
		if (s->row == 0) {
			for (int64_t j = 0; j < w; j++)
				v[j] = x[j];
			break;
		}
		for (int64_t j = 0; j < w; j++) {
			if (better(x[j], v[j], want_max)) {
				v[j] = x[j];
				idx[j] = s->row;
			}
		}
		break;
	}
	default: break;
	}
	s->row++;
	if (IS_PAIRWISE(s->sp.kind) && ++s->rows == TILE)
		sweep_push(s);
}

static void sweep_row_i(sweep *s, const int64_t *restrict x)
{
	int64_t w = s->w;
	int64_t *restrict v = s->iv, *restrict idx = s->idx;
	switch (s->sp.kind) {
	case ACC_ISUM:
#pragma omp simd
		for (int64_t j = 0; j < w; j++)
			v[j] = (int64_t)((uint64_t)v[j] + (uint64_t)x[j]);
		break;
	case ACC_IPROD:
		for (int64_t j = 0; j < w; j++)
			v[j] = (int64_t)((uint64_t)v[j] * (uint64_t)x[j]);
		break;
	case ACC_IMIN:
	case ACC_IMAX: {
		int want_max = s->sp.kind == ACC_IMAX;
		if (s->row == 0) {
			for (int64_t j = 0; j < w; j++)
				v[j] = x[j];
			break;
		}
		for (int64_t j = 0; j < w; j++) {
			if (want_max ? x[j] > v[j] : x[j] < v[j]) {
				v[j] = x[j];
				idx[j] = s->row;
			}
		}
		break;
	}
	default: break;
	}
	s->row++;
}

/* Column j's accumulation. */
static void sweep_result(sweep *s, int64_t j, accres *out)
{
	out->s = s->v[j];
	out->s2 = 0;
	out->iv = s->iv[j];
	out->idx = s->idx[j];
	if (!IS_PAIRWISE(s->sp.kind))
		return;
	double a = 0, b = 0;
	if (s->top > 0) {
		int t = s->top - 1;
		a = s->stk[(2 * t) * s->w + j];
		b = s->stk[(2 * t + 1) * s->w + j];
		for (int l = t - 1; l >= 0; l--) {
			a = s->stk[(2 * l) * s->w + j] + a;
			b = s->stk[(2 * l + 1) * s->w + j] + b;
		}
	}
	out->s = a;
	out->s2 = b;
}

/* Feeds the n rows (w columns from base xp) of x into s. rowf/rowi: scratch
 * row buffers. */
static void sweep_rows(sweep *s, const ml_walk *p, ml_dtype dt, const char *xp, double *rowf,
                       int64_t *rowi)
{
	int64_t es = (int64_t)ml_dtype_info[dt].size;
	for (int64_t r = 0; r < p->n; r++) {
		const char *q = xp + r * p->xs;
		if (IS_INT_KIND(s->sp.kind)) {
			if (dt == ML_LONG && p->xm == es) {
				sweep_row_i(s, (const int64_t *)(const void *)q);
			} else {
				ml_walk_load_i(dt, rowi, q, s->w, p->xm);
				sweep_row_i(s, rowi);
			}
		} else if (dt == ML_DOUBLE && p->xm == es) {
			sweep_row_f(s, (const double *)(const void *)q);
		} else {
			ml_walk_load_f(dt, rowf, q, s->w, p->xm);
			sweep_row_f(s, rowf);
		}
	}
	if (IS_PAIRWISE(s->sp.kind) && s->rows > 0)
		sweep_push(s);
}

/* -- the driver -- */

typedef struct dim_job {
	ml_reduce_op op;     /* what to compute */
	acc_kind k1;         /* first pass */
	double arg;          /* var flag or p */
	ml_dtype dt, rdt;    /* dtypes of x and res */
	int int_out;         /* results are exact integers (ml_walk_store_i) */
	const ml_walk *p;      /* the walk */
} dim_job;

/* One output (line mode): both passes over the line, then store. */
static void line_output(const dim_job *jb, const ml_walk_it *it)
{
	const ml_walk *p = jb->p;
	accspec sp = {jb->k1, 0, jb->arg, it->i != NULL};
	accres a, d = {0, 0, 0, 0};
	reduce_line(it->x, p->n, p->xs, jb->dt, &sp, &a);
	if (jb->op == ML_REDUCE_VAR || jb->op == ML_REDUCE_STD) {
		accspec sp2 = {ACC_DEV, a.s / (double)p->n, 0, 0};
		reduce_line(it->x, p->n, p->xs, jb->dt, &sp2, &d);
	}
	if (jb->int_out) {
		ml_walk_store_i(jb->rdt, it->r, 0, &a.iv, 1);
	} else {
		double v = finish(jb->op, jb->k1, &a, &d, p->n, jb->arg);
		ml_walk_store_f(jb->rdt, it->r, 0, &v, 1);
	}
	if (it->i)
		*(int64_t *)(void *)it->i = a.idx;
}

/* One tile of w columns starting at column j0 (sweep mode). */
static void sweep_output(const dim_job *jb, const ml_walk_it *it, int64_t j0, int64_t w,
                         const sweep_mem *sm)
{
	const ml_walk *p = jb->p;
	double *rowf = sm->f + (3 + 2 * sm->levels) * w;
	double *cen = rowf + w, *outf = cen + w;
	int64_t *rowi = sm->i + 2 * w, *outi = rowi + w, *outx = outi + w;
	const char *xp = it->x + j0 * p->xm;
	accspec sp = {jb->k1, 0, jb->arg, 1};
	sweep s;
	sweep_init(&s, &sp, w, sm, NULL);
	sweep_rows(&s, p, jb->dt, xp, rowf, rowi);
	for (int64_t j = 0; j < w; j++) {
		accres a;
		sweep_result(&s, j, &a);
		outi[j] = a.iv;
		outx[j] = a.idx;
		if (jb->op == ML_REDUCE_VAR || jb->op == ML_REDUCE_STD)
			cen[j] = a.s / (double)p->n;
		else
			outf[j] = finish(jb->op, jb->k1, &a, &a, p->n, jb->arg);
	}
	if (jb->op == ML_REDUCE_VAR || jb->op == ML_REDUCE_STD) {
		accspec sp2 = {ACC_DEV, 0, 0, 0};
		sweep_init(&s, &sp2, w, sm, cen);
		sweep_rows(&s, p, jb->dt, xp, rowf, rowi);
		for (int64_t j = 0; j < w; j++) {
			accres d;
			sweep_result(&s, j, &d);
			outf[j] = finish(jb->op, jb->k1, &d, &d, p->n, jb->arg);
		}
	}
	if (jb->int_out)
		ml_walk_store_i(jb->rdt, it->r + j0 * p->rm, p->rm, outi, w);
	else
		ml_walk_store_f(jb->rdt, it->r + j0 * p->rm, p->rm, outf, w);
	if (it->i)
		ml_walk_store_i(ML_LONG, it->i + j0 * p->im, p->im, outx, w);
}

/* Runs tasks [t0, t1): outputs (line mode) or (outer, tile) pairs (sweep). */
static int run_tasks(const dim_job *jb, int64_t t0, int64_t t1)
{
	const ml_walk *p = jb->p;
	if (t0 >= t1)
		return 0;
	if (!p->sweep) {
		ml_walk_it it;
		ml_walk_it_init(&it, p, t0);
		for (int64_t t = t0; t < t1; t++) {
			if (t > t0)
				ml_walk_it_next(&it, p);
			if ((t & 1023) == 1023 && ml_interrupt_pending())
				break; /* Ctrl-C: the host raises the error */
			line_output(jb, &it);
		}
		return 0;
	}
	int64_t ntile = (p->m + ML_WALK_SWEEP_W - 1) / ML_WALK_SWEEP_W;
	int64_t wmax = p->m < ML_WALK_SWEEP_W ? p->m : ML_WALK_SWEEP_W;
	sweep_mem sm;
	if (sweep_mem_alloc(&sm, wmax, p->n))
		return -1;
	ml_walk_it it;
	ml_walk_it_init(&it, p, t0 / ntile);
	for (int64_t t = t0; t < t1; t++) {
		int64_t tile = t % ntile;
		if (t > t0 && tile == 0)
			ml_walk_it_next(&it, p);
		if (ml_interrupt_pending()) /* Ctrl-C: the host raises the error */
			break;
		int64_t j0 = tile * ML_WALK_SWEEP_W;
		int64_t w = p->m - j0 < ML_WALK_SWEEP_W ? p->m - j0 : ML_WALK_SWEEP_W;
		sweep_output(jb, &it, j0, w, &sm);
	}
	sweep_mem_free(&sm);
	return 0;
}

/* Splits the tasks of jb over threads, in chunks taken as threads finish;
 * each task is computed the same way whatever the split. */
static int run_job(const dim_job *jb, int64_t ntasks, int64_t work, ml_error *e)
{
	int nt = ml_threads_for(work, ML_GRAIN_CHEAP);
	int64_t nchunks = ntasks < 8 * (int64_t)nt ? ntasks : 8 * (int64_t)nt;
	int failed = 0;
	if (nt <= 1 || nchunks < 2) {
		failed = run_tasks(jb, 0, ntasks);
	} else {
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) reduction(| : failed)
		for (int64_t k = 0; k < nchunks; k++)
			failed |= run_tasks(jb, ntasks * k / nchunks, ntasks * (k + 1) / nchunks);
	}
	if (failed)
		return ml_fail(e, ML_ENOMEM, "torch.%s: cannot allocate scratch memory", op_names[jb->op]);
	return ML_OK;
}

/* The reduction proper: res and ind are distinct from x's storage. */
static int reduce_dim_into(ml_reduce_op op, ml_tensor *res, ml_tensor *ind, const ml_tensor *x,
                           int dim, double arg, ml_error *e)
{
	int64_t size[ML_MAX_DIMS];
	memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
	size[dim] = 1;
	int rc = ml_walk_fit(res, x->ndim, size, e);
	if (!rc && ind)
		rc = ml_walk_fit(ind, x->ndim, size, e);
	if (rc)
		return rc;
	int64_t nout = ml_tensor_numel(res), n = x->size[dim];
	if (nout == 0)
		return ML_OK;
	int isf = ml_dtype_info[x->dtype].is_float;
	acc_kind k1 = first_kind(op, isf, arg);
	if (n == 0) { /* an empty dim: the op's value for no elements */
		accres a = {op == ML_REDUCE_PROD ? 1 : 0, 0, op == ML_REDUCE_PROD ? 1 : 0, 0};
		ml_tensor_fill(res, finish(op, k1, &a, &a, 0, arg));
		return ML_OK;
	}
	if (n == 1 && op != ML_REDUCE_NORM && op != ML_REDUCE_VAR && op != ML_REDUCE_STD) {
		/* one element per output: the result is x converted */
		if (ind)
			ml_tensor_fill_i64(ind, 0);
		ml_tensor v = *x; /* borrowed view, same shape as res */
		return ml_tensor_copy(res, &v, e);
	}
	ml_walk p;
	ml_walk_plan(&p, x, dim, res, ind);
	dim_job jb = {op, k1, arg, x->dtype, res->dtype,
	              IS_INT_KIND(k1) && op != ML_REDUCE_MEAN, &p};
	if (p.nouter == 1 && !p.sweep) {
		/* a single line: split it over threads as a whole-tensor reduction */
		ml_tensor line = *x; /* borrowed view */
		line.ndim = 1;
		line.offset = x->offset;
		line.size[0] = n;
		line.stride[0] = x->stride[dim];
		accspec sp = {k1, 0, arg, ind != NULL};
		accres a, d = {0, 0, 0, 0};
		reduce_flat(&line, &sp, &a);
		if (op == ML_REDUCE_VAR || op == ML_REDUCE_STD) {
			accspec sp2 = {ACC_DEV, a.s / (double)n, 0, 0};
			reduce_flat(&line, &sp2, &d);
		}
		if (jb.int_out) {
			ml_walk_store_i(res->dtype, p.r, 0, &a.iv, 1);
		} else {
			double v = finish(op, k1, &a, &d, n, arg);
			ml_walk_store_f(res->dtype, p.r, 0, &v, 1);
		}
		if (ind)
			*(int64_t *)(void *)p.i = a.idx;
		return ML_OK;
	}
	int64_t ntasks = p.sweep ? p.nouter * ((p.m + ML_WALK_SWEEP_W - 1) / ML_WALK_SWEEP_W) : p.nouter;
	return run_job(&jb, ntasks, ml_tensor_numel(x), e);
}

int ml_reduce_dim(ml_reduce_op op, ml_tensor *res, ml_tensor *ind, const ml_tensor *x, int dim,
                  double arg, ml_error *e)
{
	int rc = check_arg(op, arg, e);
	if (rc)
		return rc;
	const char *who = op_names[op];
	rc = ml_walk_check_dim(who, x, dim, e);
	if (rc)
		return rc;
	if (ind && op != ML_REDUCE_MIN && op != ML_REDUCE_MAX)
		return ml_fail(e, ML_EINVAL, "torch.%s: no index result for this operation", who);
	if (ind && ind->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "torch.%s: the index result must be a LongTensor (got a %sTensor)",
		               who, ml_dtype_name(ind->dtype));
	if ((op == ML_REDUCE_MIN || op == ML_REDUCE_MAX) && x->size[dim] == 0) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_EINVAL, "torch.%s: cannot reduce the empty dimension %d of a %s tensor",
		               who, dim + 1, ml_tensor_shape_str(s, sizeof s, x));
	}
	if (ind && (res == ind || (res->storage && res->storage == ind->storage)))
		return ml_fail(e, ML_EINVAL, "torch.%s: the value and index results must be different tensors", who);
	if (!ml_walk_shares(res, x) && !ml_walk_shares(ind, x))
		return reduce_dim_into(op, res, ind, x, dim, arg, e);
	/* results that alias the input: compute aside, then copy */
	ml_tensor tr, ti;
	ml_tensor_init(&tr, res->dtype);
	ml_tensor_init(&ti, ML_LONG);
	rc = reduce_dim_into(op, &tr, ind ? &ti : NULL, x, dim, arg, e);
	if (!rc)
		rc = ml_walk_fit(res, tr.ndim, tr.size, e);
	if (!rc)
		rc = ml_tensor_copy(res, &tr, e);
	if (!rc && ind)
		rc = ml_walk_fit(ind, ti.ndim, ti.size, e);
	if (!rc && ind)
		rc = ml_tensor_copy(ind, &ti, e);
	ml_tensor_release(&tr);
	ml_tensor_release(&ti);
	return rc;
}

/* ---- dist, trace, all/any ---- */

typedef struct dist_ctx {
	stream *st;      /* accumulates |x - y|^p (or the count / max); x's dtype in st->dt */
	ml_dtype dy;     /* y's dtype */
	double by[TILE]; /* y's tile */
} dist_ctx;

static void dist_run(int64_t n, char *const *ptr, const int64_t *step, void *ctx)
{
	dist_ctx *c = ctx;
	double *bx = c->st->buf.f;
	for (int64_t i = 0; i < n; i += TILE) {
		int64_t k = n - i < TILE ? n - i : TILE;
		ml_walk_load_f(c->st->dt, bx, ptr[0] + i * step[0], k, step[0]);
		ml_walk_load_f(c->dy, c->by, ptr[1] + i * step[1], k, step[1]);
		for (int64_t j = 0; j < k; j++)
			bx[j] -= c->by[j];
		feed_f(c->st, bx, k);
	}
}

static void dist_part(stream *s, int64_t b, int64_t e, void *ctx)
{
	ml_tensor *const *ops = ctx;
	dist_ctx c;
	c.st = s;
	c.dy = ops[1]->dtype;
	ml_apply_range(2, ops, b, e, dist_run, &c);
}

int ml_reduce_dist(const ml_tensor *x, const ml_tensor *y, double p, double *out, ml_error *e)
{
	int rc = check_arg(ML_REDUCE_NORM, p, e);
	if (rc)
		return rc;
	const ml_tensor *ts[2] = {x, y};
	int nd;
	int64_t size[ML_MAX_DIMS];
	rc = ml_broadcast_shape("torch.dist", 2, ts, &nd, size, e);
	if (rc)
		return rc;
	ml_tensor a = *x, b = *y; /* borrowed views */
	if (ml_tensor_expand(&a, nd, size, e) || ml_tensor_expand(&b, nd, size, e))
		return ML_ESHAPE;
	accspec sp = {first_kind(ML_REDUCE_NORM, 1, p), 0, p, 0};
	ml_tensor *ops[2] = {&a, &b};
	int64_t numel = ml_tensor_numel(&a);
	accres r = {0, 0, 0, 0};
	if (numel > 0)
		run_parts(&sp, x->dtype, numel, dist_part, ops, &r);
	*out = finish(ML_REDUCE_NORM, sp.kind, &r, &r, numel, p);
	return ML_OK;
}

int ml_reduce_trace(const ml_tensor *x, ml_scalar *out, ml_error *e)
{
	if (x->ndim != 2) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "torch.trace: expected a 2-D tensor (got %s)",
		               ml_tensor_shape_str(s, sizeof s, x));
	}
	int isf = ml_dtype_info[x->dtype].is_float;
	int64_t n = x->size[0] < x->size[1] ? x->size[0] : x->size[1];
	int64_t step = (x->stride[0] + x->stride[1]) * (int64_t)ml_dtype_info[x->dtype].size;
	accspec sp = {isf ? ACC_SUM : ACC_ISUM, 0, 0, 0};
	accres a;
	reduce_line(n > 0 ? ml_tensor_data(x) : NULL, n, step, x->dtype, &sp, &a);
	out->is_int = !isf;
	out->i = isf ? 0 : a.iv;
	out->f = isf ? a.s : (double)a.iv;
	return ML_OK;
}

int ml_reduce_logical(const ml_tensor *x, int want_all, int *out, ml_error *e)
{
	int64_t n = ml_tensor_numel(x);
	if (n == 0) {
		*out = want_all;
		return ML_OK;
	}
	(void)e;
	accspec sp = {ACC_NZ, 0, 0, 0};
	accres a;
	reduce_flat(x, &sp, &a);
	*out = want_all ? a.s == (double)n : a.s > 0;
	return ML_OK;
}
