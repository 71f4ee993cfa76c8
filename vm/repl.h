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

/* How the command line wants the REPL started. */
typedef struct ml_repl_options {
	const char *version; /* the version line shown in the banner */
	int quiet;           /* -q: no banner */
} ml_repl_options;

/* Calls the function below its nargs arguments on the stack, like lua_pcall,
 * with a message handler that appends a traceback.  While it runs, SIGINT
 * raises "interrupted" inside the Lua code and asks long kernels to stop
 * (kernels/interrupt.h); in a script a second SIGINT before Lua code runs
 * again kills the process (as in lua.c), in the REPL the third one does.
 * Returns a lua_pcall status. */
int ml_repl_docall(lua_State *L, int nargs, int nresults);

/* If status is not LUA_OK, writes the error message on top of the stack to
 * stderr (prefixed "moonlab: " when prefixed is nonzero) and pops it.
 * Returns status unchanged. */
int ml_repl_report(lua_State *L, int status, int prefixed);

/* Remembers the names of the globals that exist now (the standard library and
 * torch), so that the REPL's :who and :reset tell the user's own apart.  Call
 * once the state is built, before any user code runs. */
void ml_repl_mark_builtins(lua_State *L);

/* Runs ~/.moonlabrc.lua (or $MOONLAB_RC) when it exists, reporting its
 * errors; for interactive sessions only.  Returns a lua_pcall status (LUA_OK
 * when there is no file). */
int ml_repl_run_rc(lua_State *L);

/* Runs the read-eval-print loop on stdin until end of input or :quit;
 * returns 0.  A terminal gets the banner, numbered prompts, line editing and
 * completion (libedit), a persistent history and colours; a pipe gets no
 * banner and no prompts, so that its output holds only results.  The Lua
 * half (display, commands, completion, help) is stdlib/moonlab/repl.lua. */
int ml_repl_run(lua_State *L, const ml_repl_options *opts);

#endif
