/*
 * groupby.h - grouping rows by the values of one or more key columns, and
 * reducing a value column per group (the kernels of a data frame's group_by,
 * unique, joins and sorts).
 *
 * Keys are 64-bit integers whose order is the order of the values: integer
 * columns as they are, categorical codes after ranking their levels, doubles
 * through ml_groupby_key_f64.  Factorizing maps each row to the rank of its
 * key among the distinct keys (0 .. k-1, ascending), or -1 when the key is
 * missing.  Small key ranges use a direct table, others a hash table; several
 * keys combine lexicographically.  Reductions skip NaN values, as pandas does.
 *
 * Not here: strings (the caller ranks them), Lua, the frame itself.
 */
#ifndef ML_GROUPBY_H
#define ML_GROUPBY_H

#include <stdint.h>

#include "tensor.h"

/* Maps doubles to keys with the same order (-0.0 equals 0.0); NaN rows get
 * miss[i] = 1 (others 0).  x, key, miss: n elements each. */
void ml_groupby_key_f64(const double *x, int64_t n, int64_t *key, uint8_t *miss);

/* Factorizes keys: codes[i] = rank of key[i] among the distinct keys of the
 * rows with miss[i] == 0 (miss may be NULL), ascending from 0; -1 for missing
 * rows.  *ngroups receives the number of distinct keys.  codes has n
 * elements; it may alias key.  Errors: ML_ENOMEM. */
int ml_groupby_factorize(const int64_t *key, const uint8_t *miss, int64_t n, int64_t *codes,
                         int64_t *ngroups, ml_error *e);

/* Combines the codes of nkeys factorized keys (each n elements, -1 missing,
 * card[j] distinct values) into one factorization ordered lexicographically:
 * out[i] in 0 .. *ngroups-1, or -1 when any key of row i is missing. */
int ml_groupby_combine(int nkeys, const int64_t *const *codes, const int64_t *card, int64_t n,
                       int64_t *out, int64_t *ngroups, ml_error *e);

/* Group ids of categorical codes in one pass: the key of row i is
 * map[code[i]] (code in 0 .. nmap-1; a negative key is missing), and gid[i]
 * = 1 + the rank of that key among the keys present, 0 when missing.  Keys
 * above nmap count as missing.  *ngroups receives the number of keys present.
 * Errors: ML_EINVAL naming the row of a code out of range, ML_ENOMEM. */
int ml_groupby_codes(const int64_t *code, int64_t n, const int64_t *map, int64_t nmap,
                     int64_t *gid, int64_t *ngroups, ml_error *e);

/* The first row (0-based) of each group: first[g] for g < ngroups, from
 * codes (n elements; group of row i: codes[i] - base; negative ignored).
 * Stops as soon as every group has been seen. */
void ml_groupby_first(const int64_t *codes, int64_t base, int64_t n, int64_t ngroups,
                      int64_t *first);

/* Reductions of a value column by group. */
typedef enum ml_groupby_op {
	ML_GROUPBY_SUM = 0,    /* sum of the non-NaN values (0 for none) */
	ML_GROUPBY_MEAN,       /* their mean (NaN for none) */
	ML_GROUPBY_COUNT,      /* how many non-NaN values */
	ML_GROUPBY_MIN,        /* smallest (NaN for none) */
	ML_GROUPBY_MAX,        /* largest (NaN for none) */
	ML_GROUPBY_STD,        /* sample standard deviation, ddof 1 (NaN below 2 values) */
	ML_GROUPBY_VAR,        /* sample variance, ddof 1 */
	ML_GROUPBY_MEDIAN,     /* median, the mean of the two middle values for even counts */
	ML_GROUPBY_SIZE,       /* number of rows, NaN or not */
	ML_GROUPBY_NOPS
} ml_groupby_op;

/* "sum", "mean", "count", "min", "max", "std", "var", "median", "size" */
extern const char *const ml_groupby_op_name[ML_GROUPBY_NOPS];
/* The op named s, or -1. */
int ml_groupby_op_parse(const char *s);

/* out[g] = op over the values x[i] of the rows with codes[i] - base == g (x
 * and codes: n elements; rows whose group is negative are skipped; out:
 * ngroups).  base lets 1-based group ids (0: no group) be used as they are.  Large
 * inputs with few groups are split between threads (sum, mean, count, size,
 * min, max).  Errors: ML_ENOMEM, ML_EINVAL for a bad op or a code >= ngroups. */
int ml_groupby_reduce(ml_groupby_op op, const double *x, const int64_t *codes, int64_t base,
                      int64_t n, int64_t ngroups, double *out, ml_error *e);

/* Order-preserving unsigned keys: the unsigned order of out[i] is the
 * order of the signed integers x[i]. */
static inline uint64_t ml_groupby_ukey(int64_t x)
{
	return (uint64_t)x ^ 0x8000000000000000u;
}

/* Stable order of rows sorted by nkeys keys: key[j][i] is row i's value of
 * key j as an order-preserving unsigned integer (ml_groupby_ukey of an
 * integer, of ml_groupby_key_f64's keys, of ranks); miss (may be NULL) and
 * miss[j] (may be NULL) mark missing values, which sort last in both
 * directions; desc[j] sorts key j descending.  perm receives the n 0-based
 * row indices.  An LSD radix sort: O(n) per key and 16-bit digit, digits
 * equal in every row skipped.  Errors: ML_ENOMEM. */
int ml_groupby_argsort(int nkeys, const uint64_t *const *key, const uint8_t *const *miss,
                       const int *desc, int64_t n, int64_t *perm, ml_error *e);

#endif
