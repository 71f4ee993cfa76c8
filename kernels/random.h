/*
 * random.h - Mersenne Twister generators and the distributions Torch7 draws
 * from them: scalar draws, tensor fills, randperm and multinomial.
 *
 * A generator is a plain struct owned by its caller (the Lua binding keeps
 * each one inside a userdata); nothing here keeps global state.  Sequences
 * follow Torch7's THRandom exactly: MT19937 seeded with init_genrand, doubles
 * in [0,1) made from ONE 32-bit word divided by 2^32, Box-Muller normals that
 * keep their second value in the generator.  So torch.manualSeed(123) gives
 * the same numbers as in Torch7's documentation.
 *
 * Not here: threading (a stream is sequential by nature, fills run on one
 * thread), other generators (Philox, PCG), alias-method sampling.
 */
#ifndef ML_RANDOM_H
#define ML_RANDOM_H

#include <stdint.h>

#include "tensor.h"

#define ML_MT_N 624          /* words of MT19937 state */
#define ML_MT_MAGIC 0x4d543139u /* "MT19": marks a valid generator state */

/* One MT19937 stream.  The struct has no padding, so its bytes are its state
 * (torch.getRNGState returns them). */
typedef struct ml_generator {
	uint32_t state[ML_MT_N];  /* the twister's state words */
	uint32_t next;            /* index of the next unused word; ML_MT_N: twist first */
	uint32_t normal_ready;    /* 1 when normal_x/normal_rho hold a pending Box-Muller value */
	uint64_t initial_seed;    /* the seed last given to ml_random_manual_seed */
	double normal_x;          /* angle draw of the pending Box-Muller pair */
	double normal_rho;        /* radius of the pending Box-Muller pair */
	uint32_t magic;           /* ML_MT_MAGIC once seeded */
	uint32_t reserved;        /* zero; keeps the struct free of padding */
} ml_generator;

/* What to draw.  Parameters by kind (Torch7's names and defaults are the
 * binding's business):
 *   UNIFORM     a, b: bounds, a <= b, both finite; draws in [a, b)
 *   NORMAL      a = mean, b = stdv >= 0
 *   EXPONENTIAL a = lambda > 0, density lambda*exp(-lambda*x)
 *   CAUCHY      a = median, b = sigma > 0
 *   LOGNORMAL   a, b: mean and stdv >= 0 of the underlying normal
 *   GEOMETRIC   a = p in (0,1): P(i) = (1-p) p^(i-1), i >= 1 (Torch7's form)
 *   BERNOULLI   a = p in [0,1]: 1 with probability p, else 0
 *   BITS        no parameter: one raw 32-bit word (0 .. 2^32-1); a tensor fill
 *               reduces it per dtype as Torch7 does (Byte 0..255, Char 0..127,
 *               Short 0..32767, Int 0..2^31-1, Float 0..2^24, else the word)
 *   RANGE       lo <= hi: integers in [lo, hi], Torch7's word % (hi-lo+1) + lo
 * The first five are continuous (Float and Double tensors only); the last
 * four are integer-valued and fill tensors of every dtype. */
typedef enum ml_random_kind {
	ML_RANDOM_UNIFORM,
	ML_RANDOM_NORMAL,
	ML_RANDOM_EXPONENTIAL,
	ML_RANDOM_CAUCHY,
	ML_RANDOM_LOGNORMAL,
	ML_RANDOM_GEOMETRIC,
	ML_RANDOM_BERNOULLI,
	ML_RANDOM_BITS,
	ML_RANDOM_RANGE
} ml_random_kind;

typedef struct ml_random_dist {
	ml_random_kind kind;  /* which distribution */
	double a, b;          /* real parameters, see ml_random_kind */
	int64_t lo, hi;       /* integer bounds of ML_RANDOM_RANGE */
	const char *who;      /* name for error messages ("torch.rand"); NULL: "torch.<kind>" */
} ml_random_dist;

/* ---- generators ---- */

/* Seeds g with init_genrand(low 32 bits of seed) and clears the pending normal;
 * ml_random_initial_seed then returns the full seed. */
void ml_random_manual_seed(ml_generator *g, uint64_t seed);
/* Seeds g with 32 bits from /dev/urandom (time and address when it is
 * unreadable) and returns the seed. */
uint64_t ml_random_seed(ml_generator *g);
uint64_t ml_random_initial_seed(const ml_generator *g);
/* Next tempered 32-bit word of the stream. */
uint32_t ml_random_u32(ml_generator *g);
/* Next double in [0, 1): ml_random_u32(g) / 2^32 (Torch7's resolution). */
double ml_random_u01(ml_generator *g);

/* Checks that `n` bytes are a state a generator can resume from (size, magic,
 * index ranges); copies them into g when they are.  ML_EINVAL otherwise, with
 * g unchanged.  The bytes of a generator (memcpy of the struct) are a state. */
int ml_random_set_state(ml_generator *g, const void *bytes, size_t n, ml_error *e);

/* ---- draws ---- */

/* 1 for the integer-valued kinds (GEOMETRIC, BERNOULLI, BITS, RANGE). */
int ml_random_is_integer(ml_random_kind kind);

/* Checks d's parameters; ML_EINVAL naming the function and the bad value. */
int ml_random_check(const ml_random_dist *d, ml_error *e);

/* One draw from d: integer kinds write *k, the others *x.  Validates d first;
 * g is untouched on error. */
int ml_random_draw(ml_generator *g, const ml_random_dist *d, double *x, int64_t *k, ml_error *e);

/* Fills t (any shape and strides) with draws from d in t's logical
 * (row-major) order, so a transposed view gets the same sequence as a fresh
 * tensor of its shape.  Continuous kinds need a Float or Double tensor
 * (ML_ETYPE otherwise); RANGE must fit an integer t's dtype (ML_EINVAL).
 * Serial: one call, one stream. */
int ml_random_fill(ml_tensor *t, ml_generator *g, const ml_random_dist *d, ml_error *e);

/* Fills t with Bernoulli draws, element i being 1 with probability p[i].  p
 * (any dtype) broadcasts to t's shape or has as many elements as t (read in
 * its logical order, Torch7); every p must be in [0, 1] (checked first). */
int ml_random_fill_bernoulli(ml_tensor *t, ml_generator *g, const ml_tensor *p, ml_error *e);

/* res (any dtype) becomes a 1-D tensor of size n holding a random
 * permutation of 1..n (Torch7's swap sequence).  n >= 0; n must fit res's
 * dtype.  ML_ENOMEM when a scratch buffer cannot be allocated. */
int ml_random_randperm(ml_tensor *res, ml_generator *g, int64_t n, ml_error *e);

/* res (a Long tensor) becomes (n) for a 1-D probs of K categories, or (R, n)
 * for 2-D probs (R, K), holding 1-based category indices drawn in proportion
 * to each row's weights.  Weights: any dtype, finite, >= 0, each row with a
 * positive sum.  Without replacement, n must not exceed the number of
 * positive weights of any row.  n >= 1.  res may share storage with probs. */
int ml_random_multinomial(ml_tensor *res, ml_generator *g, const ml_tensor *probs, int64_t n,
                          int replacement, ml_error *e);

/* The alias method (Walker, Vose's construction): for 1-D weights probs (K,
 * any dtype, finite, >= 0, positive sum), J (Long) and q (Double) become (K)
 * such that drawing k uniformly and keeping k+1 with probability q[k], else
 * taking J[k] (1-based), draws category i with probability probs[i]/sum. */
int ml_random_alias_setup(ml_tensor *J, ml_tensor *q, const ml_tensor *probs, ml_error *e);

/* Fills out (a 1-D Long tensor, any stride) with 1-based categories drawn
 * from the alias tables J, q of ml_random_alias_setup, with replacement. */
int ml_random_alias_draw(ml_tensor *out, ml_generator *g, const ml_tensor *J, const ml_tensor *q, ml_error *e);

#endif
