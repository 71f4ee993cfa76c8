/*
 * sort.c - sort, topk, kthvalue, median, mode, unique and quantile (see
 * sort.h for the contracts).
 *
 * How it works:
 *  - Every element becomes an unsigned integer key whose unsigned order is
 *    the wanted order (floats: sign-magnitude flipped to two's order, -0.0
 *    folded onto +0.0, every NaN the largest key; signed integers: sign bit
 *    flipped); descending order flips all the key's bits.  A line is then an
 *    array of (key, index) pairs, and ordering pairs by (key, index) is
 *    exactly a stable sort, so sorts, selections and heaps share one order.
 *  - Sorting is an LSD radix sort on digits of key - smallest key (8-bit
 *    digits, 11-bit on long lines; as many passes as the keys' range needs,
 *    and a pass whose digit is the same in every key is skipped), stable by
 *    construction; lines of up to SMALL elements use insertion sort.  The
 *    counts of all passes come from one read.  A long single line is cut
 *    into one slice per thread; each thread radix-sorts its slice alone,
 *    then the sorted slices are merged pairwise in rounds, every merge's
 *    output split between all threads (merge-path co-ranks), the last
 *    round writing straight into the results.  Scratch of 16 MiB or more
 *    asks for transparent huge pages (the scatter touches thousands of
 *    places at once).
 *  - Selections use a quickselect on pairs (median of three, Hoare
 *    partition, falling back to heapsort after too many rounds); topk with a
 *    small k scans the line once keeping a heap of the k best pairs.
 *  - Sorted values are decoded from the keys; -0.0 and NaN (whose keys were
 *    folded) are copied back from x so their bits survive.  Selections copy
 *    the selected element from x.
 *  - Many lines are split over threads by line; each thread has its own
 *    scratch buffers.
 *
 * It does not sort on several keys, sort in place without scratch memory, or
 * parallelize a single line's selection (kthvalue, median, mode).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"
#include "sort.h"

#define SMALL 24            /* lines up to this length are insertion-sorted */
#define PAR_LINE 131072     /* one line at least this long is sorted by all threads */
#define CHUNK 1024          /* keys converted at once by the topk scan */
#define HEAP_K 4096         /* topk uses a heap when k <= this and 8k <= n */
#define MAX_THREADS 64      /* most threads sharing one line */
#define MAX_PASSES 8        /* radix passes of a 64-bit key in 8-bit digits */
#define TILE 512            /* pairs merged at once into the output */
#define HUGE_SCRATCH ((size_t)16 << 20) /* scratch from this size asks for huge pages */
#define RADIX_BITS 11       /* bits per radix pass on long lines (fewer passes) */
#define SHORT_BITS 8        /* bits per pass below RADIX_LINE elements (smaller histograms) */
#define RADIX_LINE 65536    /* line length from which passes take RADIX_BITS */
#define RADIX (1 << RADIX_BITS) /* most buckets per pass */

/* ---- keys ---- */

static inline uint64_t bits64(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return u;
}

static inline uint32_t bits32(float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof u);
	return u;
}

static inline uint64_t key_f64(double v)
{
	uint64_t u = v == 0 ? 0 : bits64(v); /* -0.0 sorts as +0.0 */
	uint64_t m = (uint64_t)((int64_t)u >> 63) | 0x8000000000000000u;
	return v != v ? UINT64_MAX : u ^ m;
}

static inline uint64_t key_f32(float v)
{
	uint32_t u = v == 0 ? 0 : bits32(v);
	uint32_t m = (uint32_t)((int32_t)u >> 31) | 0x80000000u;
	return v != v ? 0xffffffffu : (uint64_t)(u ^ m);
}

static inline uint64_t key_u8(uint8_t v) { return v; }
static inline uint64_t key_i8(int8_t v) { return (uint8_t)v ^ 0x80u; }
static inline uint64_t key_i16(int16_t v) { return (uint16_t)v ^ 0x8000u; }
static inline uint64_t key_i32(int32_t v) { return (uint32_t)v ^ 0x80000000u; }
static inline uint64_t key_i64(int64_t v) { return (uint64_t)v ^ 0x8000000000000000u; }

static inline double unkey_f64(uint64_t k)
{
	uint64_t u = k >> 63 ? k ^ 0x8000000000000000u : ~k;
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

static inline float unkey_f32(uint64_t k)
{
	uint32_t u = (uint32_t)k;
	u = u >> 31 ? u ^ 0x80000000u : ~u;
	float v;
	memcpy(&v, &u, sizeof v);
	return v;
}

static inline uint8_t unkey_u8(uint64_t k) { return (uint8_t)k; }
static inline int8_t unkey_i8(uint64_t k) { return (int8_t)(uint8_t)(k ^ 0x80u); }
static inline int16_t unkey_i16(uint64_t k) { return (int16_t)(uint16_t)(k ^ 0x8000u); }
static inline int32_t unkey_i32(uint64_t k) { return (int32_t)(uint32_t)(k ^ 0x80000000u); }
static inline int64_t unkey_i64(uint64_t k) { return (int64_t)(k ^ 0x8000000000000000u); }

/* All-ones mask of the key width of dt: the descending flip. */
static uint64_t key_mask(ml_dtype dt)
{
	size_t w = ml_dtype_info[dt].size;
	return w >= 8 ? UINT64_MAX : ((uint64_t)1 << (8 * w)) - 1;
}

/* The key every NaN of dt gets (ascending); 0 for integer dtypes. */
static uint64_t nan_key(ml_dtype dt)
{
	return ml_dtype_info[dt].is_float ? key_mask(dt) : 0;
}

/* k[i] = key(x[i]) ^ flip, ix[i] = first + i for the n elements at p, p+step
 * ... (step in bytes).  The contiguous case is its own loop, for the
 * vectorizer. */
static void load_keys(ml_dtype dt, const char *p, int64_t step, int64_t n, uint64_t flip,
                      uint64_t *restrict k, int64_t *restrict ix, int64_t first)
{
	if (ix)
		for (int64_t i = 0; i < n; i++)
			ix[i] = first + i;
	switch (dt) {
#define LOAD_CASE(E, s, T, N, f)                                                        \
	case ML_##E:                                                                    \
		if (step == (int64_t)sizeof(T)) {                                       \
			const T *restrict q = (const T *)(const void *)p;               \
			_Pragma("omp simd") for (int64_t i = 0; i < n; i++)             \
				k[i] = key_##s(q[i]) ^ flip;                            \
		} else {                                                                \
			for (int64_t i = 0; i < n; i++)                                 \
				k[i] = key_##s(*(const T *)(const void *)(p + i * step)) ^ flip; \
		}                                                                       \
		break;
		ML_DTYPES(LOAD_CASE)
#undef LOAD_CASE
	default: break;
	}
}

/* The n elements at p, p+step ... = the values of keys k[i] ^ flip. */
static void store_keys(ml_dtype dt, char *p, int64_t step, const uint64_t *restrict k, int64_t n,
                       uint64_t flip)
{
	switch (dt) {
#define STORE_CASE(E, s, T, N, f)                                                \
	case ML_##E:                                                             \
		for (int64_t i = 0; i < n; i++)                                  \
			*(T *)(void *)(p + i * step) = unkey_##s(k[i] ^ flip);   \
		break;
		ML_DTYPES(STORE_CASE)
#undef STORE_CASE
	default: break;
	}
}

/* ---- pair order, insertion sort, heaps, selection ---- */

static inline int pless(uint64_t ka, int64_t ia, uint64_t kb, int64_t ib)
{
	return ka < kb || (ka == kb && ia < ib);
}

static void insertion_sort(uint64_t *k, int64_t *ix, int64_t n)
{
	for (int64_t i = 1; i < n; i++) {
		uint64_t kk = k[i];
		int64_t ii = ix[i], j = i;
		while (j > 0 && pless(kk, ii, k[j - 1], ix[j - 1])) {
			k[j] = k[j - 1];
			ix[j] = ix[j - 1];
			j--;
		}
		k[j] = kk;
		ix[j] = ii;
	}
}

/* Max-heap of pairs: restores the heap property below position i. */
static void sift_down(uint64_t *k, int64_t *ix, int64_t n, int64_t i)
{
	uint64_t kk = k[i];
	int64_t ii = ix[i];
	for (;;) {
		int64_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && pless(k[c], ix[c], k[c + 1], ix[c + 1]))
			c++;
		if (!pless(kk, ii, k[c], ix[c]))
			break;
		k[i] = k[c];
		ix[i] = ix[c];
		i = c;
	}
	k[i] = kk;
	ix[i] = ii;
}

static void heapify(uint64_t *k, int64_t *ix, int64_t n)
{
	for (int64_t i = n / 2 - 1; i >= 0; i--)
		sift_down(k, ix, n, i);
}

/* Sorts pairs ascending in O(n log n) worst case (no scratch). */
static void heap_sort(uint64_t *k, int64_t *ix, int64_t n)
{
	heapify(k, ix, n);
	for (int64_t m = n - 1; m > 0; m--) {
		uint64_t tk = k[0];
		int64_t ti = ix[0];
		k[0] = k[m];
		ix[0] = ix[m];
		k[m] = tk;
		ix[m] = ti;
		sift_down(k, ix, m, 0);
	}
}

static inline void swap_pair(uint64_t *k, int64_t *ix, int64_t a, int64_t b)
{
	uint64_t tk = k[a];
	int64_t ti = ix[a];
	k[a] = k[b];
	ix[a] = ix[b];
	k[b] = tk;
	ix[b] = ti;
}

/* Rearranges pairs [0, n) so that position t holds the pair of rank t, with
 * smaller pairs before it and larger ones after.  Pairs are distinct (their
 * indices are), so the partition is exact. */
static void select_pairs(uint64_t *k, int64_t *ix, int64_t n, int64_t t)
{
	int64_t lo = 0, hi = n - 1;
	int budget = 128; /* rounds before the O(n log n) fallback */
	while (hi - lo > SMALL) {
		if (budget-- == 0) {
			heap_sort(k + lo, ix + lo, hi - lo + 1);
			return;
		}
		int64_t mid = lo + (hi - lo) / 2;
		if (pless(k[mid], ix[mid], k[lo], ix[lo]))
			swap_pair(k, ix, mid, lo);
		if (pless(k[hi], ix[hi], k[lo], ix[lo]))
			swap_pair(k, ix, hi, lo);
		if (pless(k[hi], ix[hi], k[mid], ix[mid]))
			swap_pair(k, ix, hi, mid);
		uint64_t pk = k[mid];
		int64_t pi = ix[mid];
		int64_t i = lo, j = hi;
		while (i <= j) {
			while (pless(k[i], ix[i], pk, pi))
				i++;
			while (pless(pk, pi, k[j], ix[j]))
				j--;
			if (i <= j) {
				swap_pair(k, ix, i, j);
				i++;
				j--;
			}
		}
		if (t <= j)
			hi = j;
		else if (t >= i)
			lo = i;
		else
			return;
	}
	insertion_sort(k + lo, ix + lo, hi - lo + 1);
}

/* ---- radix sort ---- */

/* Sorts the pairs (k[0], ix[0])[0..n), given in index order, stably by key,
 * with (k[1], ix[1]) as the other buffer and hist (MAX_PASSES rows) as
 * counts; returns the buffer holding the result.  Serial: threads sort
 * separate slices and merge them (cooperative_sort). */
static int radix_sort(uint64_t *const k[2], int64_t *const ix[2], int64_t n, int64_t (*hist)[RADIX])
{
	if (n <= SMALL) {
		insertion_sort(k[0], ix[0], n);
		return 0;
	}
	const int bits = n >= RADIX_LINE ? RADIX_BITS : SHORT_BITS;
	const int64_t nb = (int64_t)1 << bits;
	const uint64_t mask = (uint64_t)nb - 1;
	/* only the digits in which keys differ from the smallest one matter:
	 * integers of a small range take one or two passes */
	uint64_t lo = UINT64_MAX, hi = 0;
	const uint64_t *restrict k0 = k[0];
#pragma omp simd reduction(min : lo) reduction(max : hi)
	for (int64_t i = 0; i < n; i++) {
		lo = k0[i] < lo ? k0[i] : lo;
		hi = k0[i] > hi ? k0[i] : hi;
	}
	int npass = 0;
	for (uint64_t r = hi - lo; r; r >>= bits)
		npass++;
	/* the counts of every pass in one read: they do not depend on the order */
	for (int p = 0; p < npass; p++)
		memset(hist[p], 0, (size_t)nb * sizeof(int64_t));
	for (int64_t i = 0; i < n; i++) {
		uint64_t v = k0[i] - lo;
		for (int p = 0; p < npass; p++)
			hist[p][(v >> (p * bits)) & mask]++;
	}
	int cur = 0;
	for (int p = 0; p < npass; p++) {
		int64_t *h = hist[p], sum = 0;
		int skip = 0;
		for (int64_t d = 0; d < nb; d++) {
			int64_t c = h[d];
			skip |= c == n; /* every key has this digit */
			h[d] = sum;
			sum += c;
		}
		if (skip)
			continue;
		const int sh = p * bits;
		const uint64_t *restrict sk = k[cur];
		const int64_t *restrict si = ix[cur];
		uint64_t *restrict dk = k[cur ^ 1];
		int64_t *restrict di = ix[cur ^ 1];
		for (int64_t i = 0; i < n; i++) {
			int64_t pos = h[((sk[i] - lo) >> sh) & mask]++;
			dk[pos] = sk[i];
			di[pos] = si[i];
		}
		cur ^= 1;
	}
	return cur;
}

/* ---- scratch memory and lines ---- */

typedef struct scratch {
	uint64_t *k[2];  /* keys and their radix twin */
	int64_t *ix[2];  /* indices and their twin */
	int64_t (*hist)[RADIX]; /* radix counts, MAX_PASSES rows per thread */
	void *block;     /* the one allocation */
} scratch;

/* Room for n pairs twice and the radix counts of nthreads threads. */
static int scratch_init(scratch *s, int64_t n, int nthreads)
{
	int nhist = nthreads * MAX_PASSES;
	size_t m = (size_t)(n > 0 ? n : 1);
	size_t bytes = 4 * m * sizeof(uint64_t) + (size_t)nhist * RADIX * sizeof(int64_t);
	s->block = NULL;
#ifdef MADV_HUGEPAGE
	/* big scratch in huge pages: the radix scatter writes to thousands of
	 * places at once, which 4 KiB pages turn into TLB misses */
	if (bytes >= HUGE_SCRATCH) {
		if (posix_memalign(&s->block, (size_t)2 << 20, bytes) != 0)
			s->block = NULL;
		else
			madvise(s->block, bytes, MADV_HUGEPAGE);
	} else
#endif
		s->block = malloc(bytes);
	if (!s->block)
		return -1;
	s->hist = (int64_t(*)[RADIX])s->block;
	s->k[0] = (uint64_t *)(void *)(s->hist + nhist);
	s->k[1] = s->k[0] + m;
	s->ix[0] = (int64_t *)(void *)(s->k[1] + m);
	s->ix[1] = s->ix[0] + m;
	return 0;
}

/* Sorts the n pairs in s's buffer 0 (in index order) with one thread;
 * returns the buffer holding the result. */
static int sort_pairs(scratch *s, int64_t n)
{
	return radix_sort(s->k, s->ix, n, s->hist);
}

/* Lines along dim of up to 3 tensors of the same shape except at dim. */
typedef struct lines {
	int nt;                          /* tensors */
	int nd;                          /* outer dims */
	int64_t count;                   /* number of lines */
	int64_t size[ML_MAX_DIMS];       /* outer sizes */
	int64_t st[3][ML_MAX_DIMS];      /* outer byte strides per tensor */
	int64_t ls[3];                   /* byte stride along dim per tensor */
	char *base[3];                   /* first element per tensor */
} lines;

static void lines_plan(lines *L, int dim, int nt, const ml_tensor *const *ts)
{
	const ml_tensor *x = ts[0];
	L->nt = nt;
	L->nd = 0;
	L->count = 1;
	for (int t = 0; t < nt; t++) {
		int64_t es = (int64_t)ml_dtype_info[ts[t]->dtype].size;
		L->ls[t] = ts[t]->stride[dim] * es;
		L->base[t] = ml_tensor_data(ts[t]);
	}
	for (int d = 0; d < x->ndim; d++) {
		if (d == dim)
			continue;
		L->size[L->nd] = x->size[d];
		for (int t = 0; t < nt; t++)
			L->st[t][L->nd] = ts[t]->stride[d] * (int64_t)ml_dtype_info[ts[t]->dtype].size;
		L->count *= x->size[d];
		L->nd++;
	}
}

static void lines_at(const lines *L, int64_t o, char **p)
{
	for (int t = 0; t < L->nt; t++)
		p[t] = L->base[t];
	for (int d = L->nd - 1; d >= 0; d--) {
		int64_t c = o % L->size[d];
		o /= L->size[d];
		for (int t = 0; t < L->nt; t++)
			p[t] += c * L->st[t][d];
	}
}

/* ---- the operations on one line ---- */

typedef enum op_kind { OP_SORT, OP_TOPK, OP_KTH, OP_MEDIAN, OP_MODE, OP_QUANTILE } op_kind;

typedef struct job {
	op_kind op;          /* what to do with each line */
	ml_dtype dt;         /* x's dtype */
	int64_t n;           /* line length */
	int64_t k;           /* topk: count; kthvalue: rank */
	uint64_t flip;       /* 0, or the key mask for descending / largest */
	const double *q;     /* quantiles */
	int64_t nq;          /* number of quantiles */
	ml_dtype rdt;        /* quantile result dtype */
	lines L;             /* x, values (or quantile res), indices */
	int failed;          /* a thread could not allocate */
} job;

/* Writes the sorted pairs k, ix (n of them) as values at vp and indices at
 * ip; -0.0 and NaN values are copied from the line of x at xp. */
static void write_sorted(const job *J, const char *xp, char *vp, char *ip, const uint64_t *k,
                         const int64_t *ix, int64_t n)
{
	const lines *L = &J->L;
	store_keys(J->dt, vp, L->ls[1], k, n, J->flip);
	if (ml_dtype_info[J->dt].is_float) {
		uint64_t zero = J->dt == ML_DOUBLE ? key_f64(0.0) : key_f32(0.0f);
		uint64_t nan = nan_key(J->dt);
		size_t es = ml_dtype_info[J->dt].size;
		for (int64_t i = 0; i < n; i++) {
			uint64_t kk = k[i] ^ J->flip;
			if (kk == zero || kk == nan)
				memcpy(vp + i * L->ls[1], xp + ix[i] * L->ls[0], es);
		}
	}
	for (int64_t i = 0; i < n; i++)
		*(int64_t *)(void *)(ip + i * L->ls[2]) = ix[i];
}

/* Copies element `src` of the x line into the one-element results. */
static void write_one(const job *J, const char *xp, char *vp, char *ip, int64_t src)
{
	memcpy(vp, xp + src * J->L.ls[0], ml_dtype_info[J->dt].size);
	*(int64_t *)(void *)ip = src;
}

/* The k best pairs of elements [b, e) of the x line, by a heap scan: leaves
 * them sorted ascending in hk/hix and returns how many (min(k, e - b)). */
static int64_t heap_scan(const job *J, const char *xp, int64_t b, int64_t e, int64_t k,
                         uint64_t *hk, int64_t *hix, uint64_t *tmp)
{
	int64_t m = 0;
	for (int64_t c = b; c < e && k > 0; c += CHUNK) {
		int64_t len = e - c < CHUNK ? e - c : CHUNK;
		load_keys(J->dt, xp + c * J->L.ls[0], J->L.ls[0], len, J->flip, tmp, NULL, 0);
		int64_t i = 0;
		for (; i < len && m < k; i++) {
			hk[m] = tmp[i];
			hix[m] = c + i;
			if (++m == k)
				heapify(hk, hix, m);
		}
		/* a later element has a larger index, so it beats the worst pair
		 * only with a strictly smaller key */
		for (; i < len; i++) {
			if (tmp[i] < hk[0]) {
				hk[0] = tmp[i];
				hix[0] = c + i;
				sift_down(hk, hix, m, 0);
			}
		}
	}
	heap_sort(hk, hix, m);
	return m;
}

static int has_nan(const job *J, const uint64_t *k, int64_t n, int64_t *first)
{
	if (!ml_dtype_info[J->dt].is_float)
		return 0;
	uint64_t nan = nan_key(J->dt);
	for (int64_t i = 0; i < n; i++)
		if (k[i] == nan) {
			*first = i;
			return 1;
		}
	return 0;
}

/* numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5. */
static double lerp(double a, double b, double t)
{
	double d = b - a;
	return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

static double element_f64(const job *J, const char *xp, int64_t i)
{
	return ml_load_f64(J->dt, xp + i * J->L.ls[0]);
}

static void do_quantiles(const job *J, scratch *s, const char *xp, char *rp)
{
	int64_t n = J->n, first;
	uint64_t *k = s->k[0];
	int64_t *ix = s->ix[0];
	load_keys(J->dt, xp, J->L.ls[0], n, 0, k, ix, 0);
	int nan = has_nan(J, k, n, &first);
	int sorted = 0;
	if (!nan && J->nq > 4) {
		int c = sort_pairs(s, n);
		k = s->k[c];
		ix = s->ix[c];
		sorted = 1;
	}
	for (int64_t j = 0; j < J->nq; j++) {
		double v;
		if (nan) {
			v = (double)NAN;
		} else {
			double vi = (double)(n - 1) * J->q[j];
			int64_t lo = (int64_t)vi, hi = lo + 1; /* floor: vi >= 0 */
			if (vi >= (double)(n - 1))
				lo = hi = n - 1;
			if (!sorted) {
				select_pairs(k, ix, n, lo);
				if (hi != lo) /* the pair of rank lo+1: the least one after lo */
					select_pairs(k + lo + 1, ix + lo + 1, n - lo - 1, 0);
			}
			double a = element_f64(J, xp, ix[lo]), b = element_f64(J, xp, ix[hi]);
			v = lerp(a, b, vi - (double)lo);
		}
		ml_store_f64(J->rdt, rp + j * J->L.ls[1], v);
	}
}

/* One line: x at p[0], values (or quantile results) at p[1], indices at p[2]. */
static void do_line(const job *J, scratch *s, char **p)
{
	int64_t n = J->n, first;
	switch (J->op) {
	case OP_SORT: {
		load_keys(J->dt, p[0], J->L.ls[0], n, J->flip, s->k[0], s->ix[0], 0);
		int c = sort_pairs(s, n);
		write_sorted(J, p[0], p[1], p[2], s->k[c], s->ix[c], n);
		break;
	}
	case OP_TOPK:
		if (J->k <= HEAP_K && 8 * J->k <= n) {
			int64_t m = heap_scan(J, p[0], 0, n, J->k, s->k[0], s->ix[0], s->k[1]);
			write_sorted(J, p[0], p[1], p[2], s->k[0], s->ix[0], m);
		} else {
			load_keys(J->dt, p[0], J->L.ls[0], n, J->flip, s->k[0], s->ix[0], 0);
			int c = sort_pairs(s, n);
			write_sorted(J, p[0], p[1], p[2], s->k[c], s->ix[c], J->k);
		}
		break;
	case OP_KTH:
		load_keys(J->dt, p[0], J->L.ls[0], n, 0, s->k[0], s->ix[0], 0);
		select_pairs(s->k[0], s->ix[0], n, J->k);
		write_one(J, p[0], p[1], p[2], s->ix[0][J->k]);
		break;
	case OP_MEDIAN:
		load_keys(J->dt, p[0], J->L.ls[0], n, 0, s->k[0], s->ix[0], 0);
		if (has_nan(J, s->k[0], n, &first)) {
			write_one(J, p[0], p[1], p[2], first);
		} else {
			select_pairs(s->k[0], s->ix[0], n, (n - 1) / 2);
			write_one(J, p[0], p[1], p[2], s->ix[0][(n - 1) / 2]);
		}
		break;
	case OP_MODE: {
		load_keys(J->dt, p[0], J->L.ls[0], n, 0, s->k[0], s->ix[0], 0);
		int c = sort_pairs(s, n);
		const uint64_t *k = s->k[c];
		const int64_t *ix = s->ix[c];
		int64_t best = 0, at = 0, run = 0;
		for (int64_t i = 0; i < n; i++) {
			run++;
			if (i == n - 1 || k[i] != k[i + 1]) {
				if (run > best) {
					best = run;
					at = ix[i]; /* the run's last pair: the last occurrence */
				}
				run = 0;
			}
		}
		write_one(J, p[0], p[1], p[2], at);
		break;
	}
	case OP_QUANTILE:
		do_quantiles(J, s, p[0], p[1]);
		break;
	}
}

/* A sorted run of pairs: a slice of the line, or a merge of slices. */
typedef struct run {
	uint64_t *k;   /* keys */
	int64_t *ix;   /* indices */
	int64_t off;   /* position of its first pair in the line */
	int64_t len;   /* number of pairs */
} run;

/* How many of the first p pairs of the merge of a and b come from a. */
static int64_t corank(const run *a, const run *b, int64_t p)
{
	int64_t lo = p > b->len ? p - b->len : 0, hi = p < a->len ? p : a->len;
	while (lo < hi) {
		int64_t i = lo + (hi - lo) / 2, j = p - i;
		if (pless(a->k[i], a->ix[i], b->k[j - 1], b->ix[j - 1]))
			lo = i + 1; /* a's next pair precedes b's last taken one */
		else
			hi = i;
	}
	return lo;
}

/* Positions [p0, p1) of the merge of a and b (b may be empty): into the
 * buffers dk, di (at merge position p), or, when dk is NULL, into the
 * output line (at line position a->off + p) through small tiles. */
static void merge_part(const job *J, const run *a, const run *b, int64_t p0, int64_t p1, uint64_t *dk,
                       int64_t *di, const char *xp, char *vp, char *ip)
{
	int64_t i = corank(a, b, p0), j = p0 - i;
	uint64_t tk[TILE];
	int64_t ti[TILE];
	for (int64_t p = p0; p < p1;) {
		int64_t m = p1 - p < TILE ? p1 - p : TILE;
		uint64_t *ok = dk ? dk + p : tk;
		int64_t *oi = dk ? di + p : ti;
		for (int64_t t = 0; t < m; t++) {
			if (j >= b->len || (i < a->len && pless(a->k[i], a->ix[i], b->k[j], b->ix[j]))) {
				ok[t] = a->k[i];
				oi[t] = a->ix[i++];
			} else {
				ok[t] = b->k[j];
				oi[t] = b->ix[j++];
			}
		}
		if (!dk) {
			int64_t at = a->off + p;
			write_sorted(J, xp, vp + at * J->L.ls[1], ip + at * J->L.ls[2], tk, ti, m);
		}
		p += m;
	}
}

/* One long line sorted by nt threads: each radix-sorts a slice on its own
 * (no lockstep between passes), then rounds of pairwise merges, each
 * merge's output split between the threads; the last round writes the
 * first nout sorted elements to the results. */
static void cooperative_sort(job *J, int nt, int64_t nout, char **p)
{
	int64_t n = J->n;
	scratch s;
	if (scratch_init(&s, n, nt)) {
		J->failed = 1;
		return;
	}
	run runs[MAX_THREADS];
	int nruns = nt;
#pragma omp parallel num_threads(nt)
	{
#ifdef _OPENMP
		int tid = omp_get_thread_num();
#else
		int tid = 0;
#endif
		int64_t b = n * tid / nt, e = n * (tid + 1) / nt;
		load_keys(J->dt, p[0] + b * J->L.ls[0], J->L.ls[0], e - b, J->flip, s.k[0] + b, s.ix[0] + b, b);
		uint64_t *kk[2] = {s.k[0] + b, s.k[1] + b};
		int64_t *ii[2] = {s.ix[0] + b, s.ix[1] + b};
		int c = radix_sort(kk, ii, e - b, s.hist + tid * MAX_PASSES);
		if (c == 1 && nt > 2) { /* intermediate rounds need every run in buffer 0 */
			memcpy(kk[0], kk[1], (size_t)(e - b) * sizeof(uint64_t));
			memcpy(ii[0], ii[1], (size_t)(e - b) * sizeof(int64_t));
			c = 0;
		}
		runs[tid] = (run){kk[c], ii[c], b, e - b};
		int src = 0;
#pragma omp barrier
		while (nruns > 1) {
			int last = nruns <= 2;
			int64_t total = last ? nout : n;
			int64_t q0 = total * tid / nt, q1 = total * (tid + 1) / nt;
			for (int m = 0; 2 * m < nruns; m++) {
				const run *ra = &runs[2 * m];
				run empty = {NULL, NULL, 0, 0};
				const run *rb = 2 * m + 1 < nruns ? &runs[2 * m + 1] : &empty;
				int64_t lo = q0 > ra->off ? q0 : ra->off;
				int64_t hi = ra->off + ra->len + rb->len;
				hi = q1 < hi ? q1 : hi;
				if (lo < hi)
					merge_part(J, ra, rb, lo - ra->off, hi - ra->off, last ? NULL : s.k[src ^ 1] + ra->off,
					           last ? NULL : s.ix[src ^ 1] + ra->off, p[0], p[1], p[2]);
			}
#pragma omp barrier
#pragma omp single
			{
				for (int m = 0; 2 * m < nruns; m++) {
					run *ra = &runs[2 * m];
					int64_t len = ra->len + (2 * m + 1 < nruns ? runs[2 * m + 1].len : 0);
					runs[m] = (run){s.k[src ^ 1] + ra->off, s.ix[src ^ 1] + ra->off, ra->off, len};
				}
				nruns = (nruns + 1) / 2;
			}
			src ^= 1;
		}
	}
	free(s.block);
}

/* A single long line sorted (or topk-scanned) by nt threads together. */
static void cooperative_line(job *J, int nt)
{
	char *p[3];
	lines_at(&J->L, 0, p);
	int64_t n = J->n;
	if (J->op == OP_SORT || (J->op == OP_TOPK && !(J->k <= HEAP_K && 8 * J->k <= n))) {
		cooperative_sort(J, nt, J->op == OP_SORT ? n : J->k, p);
		return;
	}
	/* topk with a small k: each thread keeps the best k of its slice, then
	 * the nt sorted candidate lists are merged */
	int64_t k = J->k;
	size_t per = (size_t)(2 * k + CHUNK);
	uint64_t *kb = malloc((size_t)nt * per * sizeof(uint64_t) + (size_t)nt * per * sizeof(int64_t));
	if (!kb) {
		J->failed = 1;
		return;
	}
	int64_t *ib = (int64_t *)(void *)(kb + (size_t)nt * per);
	int64_t got[64];
#pragma omp parallel num_threads(nt)
	{
#ifdef _OPENMP
		int tid = omp_get_thread_num();
#else
		int tid = 0;
#endif
		int64_t b = n * tid / nt, e = n * (tid + 1) / nt;
		got[tid] = heap_scan(J, p[0], b, e, k, kb + (size_t)tid * per, ib + (size_t)tid * per,
		                     kb + (size_t)tid * per + 2 * (size_t)k);
	}
	int64_t head[64] = {0};
	uint64_t *mk = kb + (size_t)k;  /* thread 0's spare room: k merged pairs */
	int64_t *mi = ib + (size_t)k;
	for (int64_t o = 0; o < k; o++) {
		int best = -1;
		for (int t = 0; t < nt; t++) {
			if (head[t] >= got[t])
				continue;
			size_t at = (size_t)t * per + (size_t)head[t];
			if (best < 0 || pless(kb[at], ib[at], kb[(size_t)best * per + (size_t)head[best]],
			                      ib[(size_t)best * per + (size_t)head[best]]))
				best = t;
		}
		size_t at = (size_t)best * per + (size_t)head[best]++;
		mk[o] = kb[at];
		mi[o] = ib[at];
	}
	write_sorted(J, p[0], p[1], p[2], mk, mi, k);
	free(kb);
}

/* Runs J over all its lines, threaded by line (or cooperatively on one long
 * line).  J->L and the results must be planned already. */
static int run_job(job *J, const char *who, ml_error *e)
{
	int64_t count = J->L.count, n = J->n;
	if (count == 0)
		return ML_OK;
	J->failed = 0;
	int coop = J->op == OP_SORT || J->op == OP_TOPK;
	if (count == 1 && coop && n >= PAR_LINE) {
		int nt = ml_threads_for(n, PAR_LINE / 2);
		if (nt > 64)
			nt = 64;
		if (nt > 1) {
			cooperative_line(J, nt);
			goto done;
		}
	}
	int nt = ml_threads_for(count * (n > 0 ? n : 1), ML_GRAIN_COSTLY);
	if (nt > count)
		nt = (int)count;
	int64_t buf_n = J->op == OP_TOPK && J->k <= HEAP_K && 8 * J->k <= n ? 2 * J->k + CHUNK : n;
#pragma omp parallel num_threads(nt) if (nt > 1)
	{
		scratch s;
		if (scratch_init(&s, buf_n, 1)) {
			J->failed = 1;
		} else {
#pragma omp for schedule(dynamic, 16)
			for (int64_t o = 0; o < count; o++) {
				char *p[3];
				lines_at(&J->L, o, p);
				do_line(J, &s, p);
			}
			free(s.block);
		}
	}
done:
	if (J->failed)
		return ml_fail(e, ML_ENOMEM, "torch.%s: cannot allocate scratch memory for lines of %lld elements",
		               who, (long long)n);
	return ML_OK;
}

/* ---- argument checks and results ---- */

static int check_dim(const char *who, const ml_tensor *x, int dim, ml_error *e)
{
	if (dim < 0 || dim >= x->ndim) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_ERANGE, "torch.%s: dimension %d out of range for a %d-dimensional tensor (%s)",
		               who, dim + 1, x->ndim, ml_tensor_shape_str(s, sizeof s, x));
	}
	return ML_OK;
}

static int check_results(const char *who, const ml_tensor *x, const ml_tensor *values,
                         const ml_tensor *indices, ml_error *e)
{
	if (values && values->dtype != x->dtype)
		return ml_fail(e, ML_ETYPE, "torch.%s: the values result must be a %sTensor like the input (got %s)",
		               who, ml_dtype_name(x->dtype), ml_dtype_name(values->dtype));
	if (indices && indices->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "torch.%s: the indices result must be a LongTensor (got %s)", who,
		               ml_dtype_name(indices->dtype));
	return ML_OK;
}

/* Gives t the shape (ndim, size), keeping its strides when it has it already. */
static int fit(ml_tensor *t, int ndim, const int64_t *size, ml_error *e)
{
	if (t->storage && t->ndim == ndim && memcmp(t->size, size, sizeof(int64_t) * (size_t)ndim) == 0)
		return ML_OK;
	return ml_tensor_resize(t, ndim, size, e);
}

static int shares(const ml_tensor *a, const ml_tensor *b)
{
	return a && b && a->storage && a->storage == b->storage;
}

/* The along-a-dim operations: validates, shapes the results (x's shape with
 * `outlen` at dim), computes into temporaries when a result shares x's
 * storage, and runs the job. */
static int along_dim(const char *who, op_kind op, ml_tensor *values, ml_tensor *indices,
                     const ml_tensor *x, int dim, int64_t k, uint64_t flip, int64_t outlen,
                     ml_error *e)
{
	if (x->ndim == 0 && op == OP_SORT) {
		int rc = check_results(who, x, values, indices, e);
		if (rc)
			return rc;
		ml_tensor_release(values);
		ml_tensor_release(indices);
		return ML_OK;
	}
	int rc = check_dim(who, x, dim, e);
	if (!rc)
		rc = check_results(who, x, values, indices, e);
	if (rc)
		return rc;
	if (shares(values, x) || shares(indices, x) || shares(values, indices)) {
		ml_tensor tv, ti;
		ml_tensor_init(&tv, values->dtype);
		ml_tensor_init(&ti, ML_LONG);
		rc = along_dim(who, op, &tv, &ti, x, dim, k, flip, outlen, e);
		if (!rc && !(rc = fit(values, tv.ndim, tv.size, e)) && !(rc = fit(indices, ti.ndim, ti.size, e)) &&
		    !(rc = ml_tensor_copy(values, &tv, e)))
			rc = ml_tensor_copy(indices, &ti, e);
		ml_tensor_release(&tv);
		ml_tensor_release(&ti);
		return rc;
	}
	int64_t size[ML_MAX_DIMS];
	memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
	size[dim] = outlen;
	if ((rc = fit(values, x->ndim, size, e)) || (rc = fit(indices, x->ndim, size, e)))
		return rc;
	job J;
	memset(&J, 0, sizeof J);
	J.op = op;
	J.dt = x->dtype;
	J.n = x->size[dim];
	J.k = k;
	J.flip = flip;
	const ml_tensor *ts[3] = {x, values, indices};
	lines_plan(&J.L, dim, 3, ts);
	return run_job(&J, who, e);
}

int ml_sort_sort(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int dim,
                 int descending, ml_error *e)
{
	return along_dim("sort", OP_SORT, values, indices, x, dim, 0, descending ? key_mask(x->dtype) : 0,
	                 dim >= 0 && dim < x->ndim ? x->size[dim] : 0, e);
}

int ml_sort_topk(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int64_t k, int dim,
                 int largest, ml_error *e)
{
	int rc = check_dim("topk", x, dim, e);
	if (rc)
		return rc;
	if (k < 0 || k > x->size[dim])
		return ml_fail(e, ML_ERANGE, "torch.topk: k (%lld) out of range for dimension %d of size %lld",
		               (long long)k, dim + 1, (long long)x->size[dim]);
	return along_dim("topk", OP_TOPK, values, indices, x, dim, k, largest ? key_mask(x->dtype) : 0, k, e);
}

/* kthvalue, median, mode: one element per line, of a non-empty line. */
static int select_op(const char *who, op_kind op, ml_tensor *values, ml_tensor *indices,
                     const ml_tensor *x, int64_t k, int dim, ml_error *e)
{
	int rc = check_dim(who, x, dim, e);
	if (rc)
		return rc;
	if (x->size[dim] == 0) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_EINVAL, "torch.%s: dimension %d is empty (%s)", who, dim + 1,
		               ml_tensor_shape_str(s, sizeof s, x));
	}
	return along_dim(who, op, values, indices, x, dim, k, 0, 1, e);
}

int ml_sort_kthvalue(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int64_t k, int dim,
                     ml_error *e)
{
	int rc = check_dim("kthvalue", x, dim, e);
	if (rc)
		return rc;
	if (k < 0 || k >= x->size[dim])
		return ml_fail(e, ML_ERANGE, "torch.kthvalue: k (%lld) out of range for dimension %d of size %lld",
		               (long long)k + 1, dim + 1, (long long)x->size[dim]);
	return select_op("kthvalue", OP_KTH, values, indices, x, k, dim, e);
}

int ml_sort_median(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int dim, ml_error *e)
{
	return select_op("median", OP_MEDIAN, values, indices, x, 0, dim, e);
}

int ml_sort_mode(ml_tensor *values, ml_tensor *indices, const ml_tensor *x, int dim, ml_error *e)
{
	return select_op("mode", OP_MODE, values, indices, x, 0, dim, e);
}

/* ---- over all elements: unique, quantile ---- */

/* flat = x as a contiguous 1-D view or copy (owned by the caller). */
static int flatten(ml_tensor *flat, const ml_tensor *x, ml_error *e)
{
	int64_t n = ml_tensor_numel(x);
	int rc;
	if (ml_tensor_is_contiguous(x)) {
		ml_tensor_set(flat, x);
	} else if ((rc = ml_tensor_clone_as(flat, x, x->dtype, e))) {
		return rc;
	}
	if (n == 0) {
		ml_tensor_release(flat);
		return ML_OK;
	}
	return ml_tensor_view(flat, 1, &n, e);
}

int ml_sort_unique(ml_tensor *values, ml_tensor *inverse, ml_tensor *counts, const ml_tensor *x,
                   ml_error *e)
{
	int rc = check_results("unique", x, values, inverse, e);
	if (!rc)
		rc = check_results("unique", x, NULL, counts, e);
	if (rc)
		return rc;
	if (shares(values, x) || shares(inverse, x) || shares(counts, x)) {
		ml_tensor tv, ti, tc;
		ml_tensor_init(&tv, x->dtype);
		ml_tensor_init(&ti, ML_LONG);
		ml_tensor_init(&tc, ML_LONG);
		rc = ml_sort_unique(&tv, inverse ? &ti : NULL, counts ? &tc : NULL, x, e);
		if (!rc)
			rc = fit(values, tv.ndim, tv.size, e);
		if (!rc && tv.ndim)
			rc = ml_tensor_copy(values, &tv, e);
		if (!rc && inverse && !(rc = fit(inverse, ti.ndim, ti.size, e)) && ti.ndim)
			rc = ml_tensor_copy(inverse, &ti, e);
		if (!rc && counts && !(rc = fit(counts, tc.ndim, tc.size, e)) && tc.ndim)
			rc = ml_tensor_copy(counts, &tc, e);
		ml_tensor_release(&tv);
		ml_tensor_release(&ti);
		ml_tensor_release(&tc);
		return rc;
	}
	int64_t n = ml_tensor_numel(x), zero = 0;
	if (n == 0) {
		if ((rc = ml_tensor_resize(values, 1, &zero, e)) ||
		    (inverse && (rc = ml_tensor_resize(inverse, 1, &zero, e))) ||
		    (counts && (rc = ml_tensor_resize(counts, 1, &zero, e))))
			return rc;
		ml_tensor_release(values);
		if (inverse)
			ml_tensor_release(inverse);
		if (counts)
			ml_tensor_release(counts);
		return ML_OK;
	}
	ml_tensor flat, sv, si;
	ml_tensor_init(&flat, x->dtype);
	ml_tensor_init(&sv, x->dtype);
	ml_tensor_init(&si, ML_LONG);
	if ((rc = flatten(&flat, x, e)) || (rc = ml_sort_sort(&sv, &si, &flat, 0, 0, e)))
		goto out;
	/* sv is sorted: runs of equal keys are the distinct values */
	const int64_t *ord = ml_tensor_data(&si);
	const char *sp = ml_tensor_data(&sv);
	size_t es = ml_dtype_info[x->dtype].size;
	uint64_t *keys = malloc((size_t)n * sizeof(uint64_t));
	if (!keys) {
		rc = ml_fail(e, ML_ENOMEM, "torch.unique: cannot allocate %lld keys", (long long)n);
		goto out;
	}
	load_keys(x->dtype, sp, (int64_t)es, n, 0, keys, NULL, 0);
	int64_t m = 1;
	for (int64_t i = 1; i < n; i++)
		m += keys[i] != keys[i - 1];
	if ((rc = ml_tensor_resize(values, 1, &m, e)) || (counts && (rc = ml_tensor_resize(counts, 1, &m, e))) ||
	    (inverse && (rc = fit(inverse, x->ndim, x->size, e)))) {
		free(keys);
		goto out;
	}
	ml_tensor inv;  /* a contiguous inverse: inverse itself, or a temporary */
	ml_tensor_init(&inv, ML_LONG);
	if (inverse) {
		if (ml_tensor_is_contiguous(inverse))
			ml_tensor_set(&inv, inverse);
		else if ((rc = ml_tensor_init_sized(&inv, ML_LONG, x->ndim, x->size, e))) {
			free(keys);
			goto out;
		}
	}
	int64_t *invp = inverse ? ml_tensor_data(&inv) : NULL;
	const char *fx = ml_tensor_data(&flat);
	char *vp = ml_tensor_data(values);
	int64_t vs = values->stride[0] * (int64_t)es;
	int64_t *cp = counts ? ml_tensor_data(counts) : NULL;
	int64_t cs = counts ? counts->stride[0] : 0;
	int64_t u = 0, start = 0;
	for (int64_t i = 0; i < n; i++) {
		if (invp)
			invp[ord[i]] = u;
		if (i == n - 1 || keys[i + 1] != keys[i]) {
			memcpy(vp + u * vs, fx + ord[start] * (int64_t)es, es); /* the first one seen */
			if (cp)
				cp[u * cs] = i + 1 - start;
			u++;
			start = i + 1;
		}
	}
	free(keys);
	if (inverse && inv.storage != inverse->storage)
		rc = ml_tensor_copy(inverse, &inv, e);
	ml_tensor_release(&inv);
out:
	ml_tensor_release(&flat);
	ml_tensor_release(&sv);
	ml_tensor_release(&si);
	return rc;
}

int ml_sort_quantile(ml_tensor *res, const ml_tensor *x, const double *q, int64_t nq, int dim,
                     ml_error *e)
{
	if (res->dtype != ML_FLOAT && res->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "torch.quantile: the result must be a FloatTensor or DoubleTensor (got %s)",
		               ml_dtype_name(res->dtype));
	for (int64_t j = 0; j < nq; j++)
		if (!(q[j] >= 0 && q[j] <= 1))
			return ml_fail(e, ML_EINVAL, "torch.quantile: q must be in [0, 1] (got %g)", q[j]);
	int rc;
	if (dim < 0) {
		ml_tensor flat;
		ml_tensor_init(&flat, x->dtype);
		if (ml_tensor_numel(x) == 0)
			return ml_fail(e, ML_EINVAL, "torch.quantile: the tensor is empty");
		if ((rc = flatten(&flat, x, e)))
			return rc;
		rc = ml_sort_quantile(res, &flat, q, nq, 0, e);
		ml_tensor_release(&flat);
		return rc;
	}
	if ((rc = check_dim("quantile", x, dim, e)))
		return rc;
	if (x->size[dim] == 0) {
		char s[ML_SHAPELEN];
		return ml_fail(e, ML_EINVAL, "torch.quantile: dimension %d is empty (%s)", dim + 1,
		               ml_tensor_shape_str(s, sizeof s, x));
	}
	if (shares(res, x)) {
		ml_tensor tr;
		ml_tensor_init(&tr, res->dtype);
		rc = ml_sort_quantile(&tr, x, q, nq, dim, e);
		if (!rc && !(rc = fit(res, tr.ndim, tr.size, e)))
			rc = ml_tensor_copy(res, &tr, e);
		ml_tensor_release(&tr);
		return rc;
	}
	int64_t size[ML_MAX_DIMS];
	memcpy(size, x->size, sizeof(int64_t) * (size_t)x->ndim);
	size[dim] = nq;
	if ((rc = fit(res, x->ndim, size, e)))
		return rc;
	if (nq == 0)
		return ML_OK;
	job J;
	memset(&J, 0, sizeof J);
	J.op = OP_QUANTILE;
	J.dt = x->dtype;
	J.n = x->size[dim];
	J.q = q;
	J.nq = nq;
	J.rdt = res->dtype;
	const ml_tensor *ts[2] = {x, res};
	lines_plan(&J.L, dim, 2, ts);
	return run_job(&J, "quantile", e);
}
