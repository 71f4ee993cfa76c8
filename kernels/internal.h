/*
 * internal.h - helpers shared by the kernel files, not part of the public API.
 *
 * The element-wise engine (ml_apply) walks n same-shaped tensors in logical
 * order and hands contiguous-or-strided runs to an inner-loop function, the way
 * numpy's ufunc loops work.  It coalesces dimensions, and splits the work into
 * (part, nparts) slices of the flat element range across OpenMP threads when
 * the tensor is large enough.  The inner loops hold all the arithmetic; the
 * engine holds none.
 */
#ifndef ML_INTERNAL_H
#define ML_INTERNAL_H

#include "tensor.h"

#define ML_MAX_OPS 4          /* most operands one ml_apply call walks */
/* Elements per thread below which a loop stays serial.  Idle OpenMP workers
 * sleep (passive waiting, vm/main.c), and waking one costs some tens of
 * microseconds: measured on 2 cores, two threads start to win at about
 * 0.5M elements of an add and 0.25M of an exp. */
#define ML_GRAIN_CHEAP 262144 /* cheap ops (add, copy, compare) */
#define ML_GRAIN_COSTLY 131072 /* transcendental functions */

/* Inner loop: n elements; ptr[k] is the first element of operand k, step[k]
 * its distance to the next element in bytes (equal to the element size when
 * contiguous, 0 for a broadcast operand). */
typedef void (*ml_inner_fn)(int64_t n, char *const *ptr, const int64_t *step, void *ctx);

/* Calls fn over every element of the nops tensors, which must all have the same
 * shape (expand inputs first).  Threads split the range when numel >= 2*grain;
 * with threads, fn runs concurrently on disjoint element ranges, so any state it
 * writes through ctx must be per-part.  Returns ML_OK or ML_ESHAPE, or
 * ML_EINTR when the walk stopped early on an interrupt request (interrupt.h). */
int ml_apply(int nops, ml_tensor *const *ops, int64_t grain, ml_inner_fn fn, void *ctx,
             ml_error *e);

/* Like ml_apply but serial, over the slice [begin, end) of the flat logical
 * element range; used by kernels that manage their own threads.  Stops early,
 * silently, on an interrupt request (interrupt.h). */
void ml_apply_range(int nops, ml_tensor *const *ops, int64_t begin, int64_t end,
                    ml_inner_fn fn, void *ctx);

/* Number of threads worth using for `work` elements with the given grain:
 * 1 .. omp_get_max_threads(). */
int ml_threads_for(int64_t work, int64_t grain);

#endif
