/*
 * interrupt.h - lets the host ask long-running kernels to stop (Ctrl-C).
 *
 * The host owns an ml_interrupt flag, tells the kernels to watch it with
 * ml_interrupt_watch, and raises it from its SIGINT handler.  Long loops
 * (ml_apply's walk, the reductions' task loops, big matrix products) poll it
 * between chunks with ml_interrupt_pending() and stop early: a product returns
 * ML_EINTR with the message "interrupted"; the element-wise walks and the
 * reductions simply stop, leaving a partial result, and the host raises the
 * error itself (its Lua hook fires as soon as control is back in Lua).
 *
 * Deliberately not here: signals (the host installs the handler), and any way
 * to interrupt a single BLAS or LAPACK call (they cannot be entered).
 */
#ifndef ML_INTERRUPT_H
#define ML_INTERRUPT_H

#include <signal.h>

typedef struct ml_interrupt {
	volatile sig_atomic_t pending; /* nonzero: stop at the next check; the host resets it */
} ml_interrupt;

/* Makes the kernels poll *flag (NULL: poll nothing, the default).  The flag
 * must outlive the watch; call from the main thread while no kernel runs. */
void ml_interrupt_watch(ml_interrupt *flag);

/* Nonzero when the watched flag is raised.  Cheap (one load): loops call it
 * every few hundred thousand elements.  Safe from any thread. */
int ml_interrupt_pending(void);

#endif
