/*
 * proc.h - a child process we talk to through its three standard streams, and
 * the terminal we run in.  Built for the plot layer's gnuplot figures: one
 * long-lived child per figure, fed commands on stdin while its stdout (plot
 * output) and stderr (messages) are collected, reaped when closed.
 *
 * Every descriptor we open is close-on-exec, so a child never inherits another
 * child's pipes (closing a figure's stdin then really gives its gnuplot EOF),
 * and the child runs in its own process group (a Ctrl-C at the terminal
 * interrupts moonlab, not the figures).  Our end of the child's stdin is a
 * socket written with MSG_NOSIGNAL: a dead child gives an error, never a
 * SIGPIPE.  Not here: shells, environment edits, pseudo-terminals, Windows.
 */
#ifndef ML_PROC_H
#define ML_PROC_H

#include <stddef.h>

#include "tensor.h"

/* A spawned child.  Zero-initialise with ml_proc_init. */
typedef struct ml_proc {
	long pid;    /* the child's process id; 0 when there is none (never spawned, or reaped) */
	int in;      /* our end of the child's stdin (a socket); -1 when closed */
	int out;     /* our end of the child's stdout (a pipe); -1 when closed */
	int err;     /* our end of the child's stderr (a pipe); -1 when closed */
	int status;  /* wait status once reaped (see ml_proc_describe); -1 before */
} ml_proc;

/* A growable byte buffer for what a child writes; data is malloc'd. */
typedef struct ml_proc_buf {
	char *data;  /* the bytes, NUL-terminated when not NULL */
	size_t len;  /* bytes used */
	size_t cap;  /* bytes allocated */
} ml_proc_buf;

/* Marks p as having no child and no descriptors. */
void ml_proc_init(ml_proc *p);

/* Full path of the executable `name` found on $PATH (or name itself when it
 * holds a '/' and is executable) into out; 1 when found, 0 otherwise. */
int ml_proc_which(const char *name, char *out, size_t n);

/* Starts argv[0] (a path, not searched on $PATH) with argv as its arguments,
 * stdin/stdout/stderr connected to p->in/out/err (non-blocking on our side).
 * p must hold no child.  Errors: "proc.spawn: cannot run <path>: <reason>". */
int ml_proc_spawn(ml_proc *p, const char *const *argv, ml_error *e);

/* Writes the n bytes of `in` to the child's stdin while appending what it
 * writes to stdout and stderr to out and err (so a child that talks a lot
 * never blocks us both).  With marker != NULL, then keeps reading until a line
 * of stderr equals marker; that line and anything after it on stderr are
 * removed from err, and stdout is drained of what the child wrote before it.
 * timeout_ms < 0 waits forever.  Errors: the child exited ("proc.exchange:
 * the process exited (killed by signal 9)"; it is then reaped), timeout,
 * interrupted by a signal, out of memory.  On error out and err keep what was
 * read. */
int ml_proc_exchange(ml_proc *p, const void *in, size_t n, const char *marker, int timeout_ms,
                     ml_proc_buf *out, ml_proc_buf *err, ml_error *e);

/* 1 while the child runs; 0 once it has exited (it is then reaped, and
 * p->status holds its wait status) or when there is none. */
int ml_proc_alive(ml_proc *p);

/* Closes the child's stdin (it sees end of file), waits up to timeout_ms for
 * it to exit, kills it (SIGKILL) if it has not, and reaps it; closes our
 * other descriptors.  Idempotent; returns the wait status, or -1 when there
 * was no child. */
int ml_proc_close(ml_proc *p, int timeout_ms);

/* "exited with status 1", "killed by signal 9" ... for a wait status. */
void ml_proc_describe(int status, char *buf, size_t n);

/* Frees b's bytes and empties it. */
void ml_proc_buf_free(ml_proc_buf *b);

/* Size of the terminal on descriptor fd, in characters and (when the
 * terminal tells, else 0) pixels.  Returns 1, or 0 when fd is no terminal. */
int ml_proc_termsize(int fd, int *cols, int *rows, int *xpix, int *ypix);

/* Sends `query` to the controlling terminal (/dev/tty) with echo and line
 * buffering off, and reads its reply up to and including the byte `last` or
 * until timeout_ms passes; the terminal's mode is restored.  Returns the
 * reply's length (0 when none came), or -1 when there is no terminal. */
int ml_proc_tty_query(const char *query, char last, char *reply, size_t n, int timeout_ms);

#endif
