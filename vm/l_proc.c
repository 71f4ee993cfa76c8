/*
 * l_proc.c - the C half of the plot layer: child processes with pipes both
 * ways (kernels/proc.c), tensors written as binary record files for gnuplot
 * (kernels/columns.c), and the terminal's size and answers.
 *
 * These functions live in torch._proc; the Lua modules of plot/moonlab/plot build figures
 * on them.  A process is a "moonlab.proc" userdata whose __gc and __close
 * close it (stdin closed, child reaped, killed after a grace period), so a
 * figure's gnuplot never outlives the object that owns it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lmoon.h"
#include "../kernels/columns.h"
#include "../kernels/proc.h"

#define PROC_CLOSE_MS 1000 /* grace period before a closing child is killed */

const char ml_l_proc_mt[] = "moonlab.proc";

/* The userdata: the child and the buffers its outputs are read into (kept
 * here, not on the C stack, so a Lua error never leaks them). */
typedef struct lproc {
	ml_proc p;        /* the child */
	ml_proc_buf out;  /* its stdout during one exchange */
	ml_proc_buf err;  /* its stderr during one exchange */
} lproc;

static lproc *checkproc(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, ml_l_proc_mt);
}

/* _proc.which(name) -> full path of the executable on $PATH, or nil. */
static int l_proc_which(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	char path[4096];
	if (ml_proc_which(name, path, sizeof path))
		lua_pushstring(L, path);
	else
		lua_pushnil(L);
	return 1;
}

/* _proc.spawn({path, arg1, ...}) -> process; path is not searched on $PATH. */
static int l_proc_spawn(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer n = luaL_len(L, 1);
	luaL_argcheck(L, n >= 1 && n < 256, 1, "proc.spawn: need {program, args...}");
	const char **argv = lua_newuserdatauv(L, sizeof(char *) * (size_t)(n + 1), 0);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 1, i); /* the string stays alive in the table at index 1 */
		argv[i - 1] = lua_tostring(L, -1);
		if (!argv[i - 1])
			return luaL_error(L, "proc.spawn: argument %d is not a string", (int)i);
		lua_pop(L, 1);
	}
	argv[n] = NULL;
	lproc *lp = lua_newuserdatauv(L, sizeof *lp, 0);
	ml_proc_init(&lp->p);
	memset(&lp->out, 0, sizeof lp->out);
	memset(&lp->err, 0, sizeof lp->err);
	luaL_setmetatable(L, ml_l_proc_mt);
	ml_error e;
	if (ml_proc_spawn(&lp->p, argv, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* p:exchange(input|nil, marker|nil, timeout_ms) -> out, err on success, or
 * nil, message, out, err when the child died, timed out or was interrupted. */
static int l_proc_exchange(lua_State *L)
{
	lproc *lp = checkproc(L, 1);
	size_t n = 0;
	const char *in = luaL_optlstring(L, 2, "", &n);
	const char *marker = luaL_optstring(L, 3, NULL);
	lua_Integer timeout = luaL_optinteger(L, 4, -1);
	luaL_argcheck(L, timeout < 0x7fffffff, 4, "proc.exchange: timeout too large");
	lp->out.len = lp->err.len = 0;
	ml_error e;
	int rc = ml_proc_exchange(&lp->p, in, n, marker, (int)timeout, &lp->out, &lp->err, &e);
	int k = 0;
	if (rc) {
		lua_pushnil(L);
		lua_pushstring(L, e.msg);
		k = 2;
	}
	lua_pushlstring(L, lp->out.data ? lp->out.data : "", lp->out.len);
	lua_pushlstring(L, lp->err.data ? lp->err.data : "", lp->err.len);
	/* Large outputs (PNG captures) are not kept between exchanges. */
	if (lp->out.cap > (1u << 20))
		ml_proc_buf_free(&lp->out);
	if (lp->err.cap > (1u << 20))
		ml_proc_buf_free(&lp->err);
	return k + 2;
}

/* Shared by close, __gc and __close: idempotent. */
static int release(lproc *lp)
{
	int st = ml_proc_close(&lp->p, PROC_CLOSE_MS);
	ml_proc_buf_free(&lp->out);
	ml_proc_buf_free(&lp->err);
	return st;
}

/* p:close() -> how the child ended ("exited with status 0", ...). */
static int l_proc_close(lua_State *L)
{
	lproc *lp = checkproc(L, 1);
	char how[64];
	ml_proc_describe(release(lp), how, sizeof how);
	lua_pushstring(L, how);
	return 1;
}

static int l_proc_gc(lua_State *L)
{
	release(checkproc(L, 1));
	return 0;
}

/* p:alive() -> true while the child runs. */
static int l_proc_alive(lua_State *L)
{
	lua_pushboolean(L, ml_proc_alive(&checkproc(L, 1)->p));
	return 1;
}

/* p:pid() -> the child's process id, or nil once it has been reaped. */
static int l_proc_pid(lua_State *L)
{
	lproc *lp = checkproc(L, 1);
	if (lp->p.pid)
		lua_pushinteger(L, lp->p.pid);
	else
		lua_pushnil(L);
	return 1;
}

static int l_proc_tostring(lua_State *L)
{
	lproc *lp = checkproc(L, 1);
	lua_pushfstring(L, "moonlab.proc (%s %d)", lp->p.pid ? "pid" : "closed", (int)lp->p.pid);
	return 1;
}

/* _proc.save_columns(path, {t1, t2, ...}) -> rows: element i of each tensor
 * as row i of native float64 values. */
static int l_proc_save_columns(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_Integer k = luaL_len(L, 2);
	luaL_argcheck(L, k >= 1 && k <= 64, 2, "columns.save: need 1 to 64 tensors");
	const ml_tensor *cols[64];
	for (lua_Integer i = 1; i <= k; i++) {
		lua_geti(L, 2, i); /* kept alive by the table */
		cols[i - 1] = ml_l_totensor(L, -1);
		if (!cols[i - 1])
			return luaL_error(L, "columns.save: column %d is not a tensor", (int)i);
		lua_pop(L, 1);
	}
	int64_t rows;
	ml_error e;
	if (ml_columns_save(path, (int)k, cols, &rows, &e))
		return ml_l_error(L, &e);
	lua_pushinteger(L, rows);
	return 1;
}

/* _proc.termsize([fd = 1]) -> cols, rows, xpixels, ypixels, or nil when fd is
 * not a terminal. */
static int l_proc_termsize(lua_State *L)
{
	int fd = (int)luaL_optinteger(L, 1, 1);
	int c, r, x, y;
	if (!ml_proc_termsize(fd, &c, &r, &x, &y)) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, c);
	lua_pushinteger(L, r);
	lua_pushinteger(L, x);
	lua_pushinteger(L, y);
	return 4;
}

/* _proc.isatty(fd) -> boolean. */
static int l_proc_isatty(lua_State *L)
{
	lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
	return 1;
}

/* _proc.tty_query(query, last_char, timeout_ms) -> the terminal's reply
 * ("" when it gave none), or nil without a terminal. */
static int l_proc_tty_query(lua_State *L)
{
	const char *q = luaL_checkstring(L, 1);
	const char *last = luaL_checkstring(L, 2);
	int timeout = (int)luaL_optinteger(L, 3, 100);
	char reply[256];
	int n = ml_proc_tty_query(q, last[0], reply, sizeof reply, timeout);
	if (n < 0)
		lua_pushnil(L);
	else
		lua_pushlstring(L, reply, (size_t)n);
	return 1;
}

/* _proc.mkdtemp(prefix) -> a new private folder prefix..XXXXXX (mode 0700). */
static int l_proc_mkdtemp(lua_State *L)
{
	const char *prefix = luaL_checkstring(L, 1);
	char path[4096];
	int n = snprintf(path, sizeof path, "%sXXXXXX", prefix);
	luaL_argcheck(L, n > 0 && (size_t)n < sizeof path, 1, "proc.mkdtemp: prefix too long");
	if (!mkdtemp(path))
		return luaL_error(L, "proc.mkdtemp: cannot create %s: %s", path, strerror(errno));
	lua_pushstring(L, path);
	return 1;
}

/* _proc.getpid() -> this process's id. */
static int l_proc_getpid(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)getpid());
	return 1;
}

void ml_l_open_proc(lua_State *L, int methods, int torch)
{
	static const luaL_Reg proc_methods[] = {
		{"exchange", l_proc_exchange},
		{"close", l_proc_close},
		{"alive", l_proc_alive},
		{"pid", l_proc_pid},
		{NULL, NULL},
	};
	static const luaL_Reg functions[] = {
		{"which", l_proc_which},
		{"spawn", l_proc_spawn},
		{"save_columns", l_proc_save_columns},
		{"termsize", l_proc_termsize},
		{"isatty", l_proc_isatty},
		{"tty_query", l_proc_tty_query},
		{"getpid", l_proc_getpid},
		{"mkdtemp", l_proc_mkdtemp},
		{NULL, NULL},
	};
	(void)methods; /* no tensor methods */
	if (luaL_newmetatable(L, ml_l_proc_mt)) {
		luaL_newlib(L, proc_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_proc_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_proc_gc);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_proc_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	luaL_newlib(L, functions);
	lua_setfield(L, torch, "_proc");
}
