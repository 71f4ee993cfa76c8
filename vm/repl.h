/*
 * repl.h - what the command line (vm/main.c) shares with the REPL (vm/repl.c):
 * running Lua code with a traceback and Ctrl-C support, reporting errors, and
 * the read-eval-print loop itself.
 *
 * Only the host binary uses these; moonlab.so (a stock lua5.4) has its own.
 */
#ifndef ML_REPL_H
#define ML_REPL_H

#include <lua.h>

/* The program name that prefixes the host's error messages. */
#define ML_PROGNAME "moonlab"

/* Calls the function below its nargs arguments on the stack, like lua_pcall,
 * with a message handler that appends a traceback.  While it runs, SIGINT
 * raises "interrupted" inside the Lua code (a second SIGINT before Lua code
 * runs again kills the process, as in lua.c).  Returns a lua_pcall status. */
int ml_repl_docall(lua_State *L, int nargs, int nresults);

/* If status is not LUA_OK, writes the error message on top of the stack to
 * stderr (prefixed "moonlab: " when prefixed is nonzero) and pops it.
 * Returns status unchanged. */
int ml_repl_report(lua_State *L, int status, int prefixed);

/* Runs the read-eval-print loop on stdin until end of input; returns 0.
 * A terminal gets line editing (libedit), prompts "> " / ">> " and history; a
 * pipe gets no prompts.  Expressions print their values; errors are reported
 * and the loop goes on; Ctrl-C at the prompt discards the pending input. */
int ml_repl_run(lua_State *L);

#endif
