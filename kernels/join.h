/*
 * join.h - the row pairs of a database join of two tables on factorized
 * keys (the kernel of a data frame's join/merge).
 *
 * Both sides' keys are codes 0 .. k-1 in one shared space (the caller
 * factorizes the two key columns together, and gives missing keys a code of
 * their own when they should match each other, as pandas does).  The output
 * is two index arrays: row i of the result pairs left row li[i] with right row
 * ri[i], -1 standing for "no row" on that side.  The order is pandas' (1.5):
 *   inner  keys in order of first appearance on the left; for each key, every
 *          left row with it times every right row with it (both in row order)
 *   left   left rows in order, each times its matching right rows (or none)
 *   right  right rows in order, each times its matching left rows (or none)
 *   outer  as inner, with unmatched left keys in place, then the right rows
 *          whose key never appears on the left, in right order
 *
 * Not here: key columns themselves, Lua, the result frame.
 */
#ifndef ML_JOIN_H
#define ML_JOIN_H

#include <stdint.h>

#include "tensor.h"

typedef enum ml_join_how {
	ML_JOIN_INNER = 0,
	ML_JOIN_LEFT,
	ML_JOIN_RIGHT,
	ML_JOIN_OUTER,
	ML_JOIN_NHOW
} ml_join_how;

/* "inner", "left", "right", "outer" */
extern const char *const ml_join_how_name[ML_JOIN_NHOW];
/* The join named s, or -1. */
int ml_join_how_parse(const char *s);

/* Number of result rows of the join of lk (nl codes) with rk (nr codes), codes
 * in 0 .. k-1.  Errors: ML_EINVAL for a code out of range, ML_ENOMEM. */
int ml_join_count(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, int64_t k,
                  ml_join_how how, int64_t *nout, ml_error *e);

/* Fills li and ri (ml_join_count's nout elements each) with the row pairs,
 * 0-based, -1 for "no row".  Same errors. */
int ml_join_fill(const int64_t *lk, int64_t nl, const int64_t *rk, int64_t nr, int64_t k,
                 ml_join_how how, int64_t *li, int64_t *ri, ml_error *e);

#endif
