/*
 * interrupt.c - the flag long kernels poll to stop early (see interrupt.h).
 *
 * The one piece of mutable file-scope state in kernels/: a pointer to the
 * host's flag.  It must be reachable from any kernel loop without threading a
 * context through every call (ml_apply has none), and the flag itself is
 * written from a signal handler, which can only reach static storage.
 */
#include <stddef.h>

#include "interrupt.h"

static ml_interrupt *watched; /* the host's flag, or NULL */

void ml_interrupt_watch(ml_interrupt *flag)
{
	watched = flag;
}

int ml_interrupt_pending(void)
{
	ml_interrupt *w = watched;
	return w != NULL && w->pending != 0;
}
