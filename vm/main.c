/*
 * main.c - the moonlab command line (being completed; see issue 2).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lualib.h>

#include "lmoon.h"

int ml_repl(lua_State *L);

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The stdlib folder: $MOONLAB_STDLIB, <exe dir>/stdlib, or <exe dir>/../share/moonlab/stdlib. */
static int find_stdlib(char *out, size_t n)
{
	const char *env = getenv("MOONLAB_STDLIB");
	if (env && *env) {
		snprintf(out, n, "%s", env);
		return 1;
	}
	char exe[PATH_MAX - 32];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return 0;
	exe[len] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(out, n, "%s/stdlib", exe);
	if (is_dir(out))
		return 1;
	snprintf(out, n, "%s/../share/moonlab/stdlib", exe);
	return is_dir(out);
}

static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static int docall(lua_State *L, int nargs, int nres)
{
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	int status = lua_pcall(L, nargs, nres, base);
	lua_remove(L, base);
	return status;
}

static int report(lua_State *L, int status)
{
	if (status != LUA_OK) {
		fprintf(stderr, "moonlab: %s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return status;
}

static int setup(lua_State *L)
{
	luaL_openlibs(L);
	char dir[PATH_MAX];
	if (find_stdlib(dir, sizeof dir)) {
		lua_getglobal(L, "package");
		lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;", dir, dir);
		lua_getfield(L, -2, "path");
		lua_concat(L, 2);
		lua_setfield(L, -2, "path");
		lua_pop(L, 1);
	}
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
	lua_pushcfunction(L, luaopen_moonlab_core);
	lua_setfield(L, -2, "moonlab.core");
	lua_pop(L, 1);
	lua_getglobal(L, "require");
	lua_pushliteral(L, "torch");
	if (report(L, docall(L, 1, 1)) != LUA_OK)
		return 0;
	lua_setglobal(L, "torch");
	return 1;
}

int main(int argc, char **argv)
{
	lua_State *L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "moonlab: cannot create a Lua state\n");
		return 1;
	}
	/* Generational collection frees short-lived temporaries (each a + b makes
	 * a tensor) while they are few: arithmetic on small tensors runs about
	 * twice as fast as under the incremental default (malloc's caches stay warm). */
	lua_gc(L, LUA_GCGEN, 0, 0);
	int rc = 0;
	if (!setup(L)) {
		lua_close(L);
		return 1;
	}
	if (argc > 2 && strcmp(argv[1], "-e") == 0) {
		rc = report(L, luaL_loadstring(L, argv[2]) || docall(L, 0, 0));
	} else if (argc > 1) {
		lua_createtable(L, argc, 1);
		for (int i = 0; i < argc; i++) {
			lua_pushstring(L, argv[i]);
			lua_rawseti(L, -2, i - 1);
		}
		lua_setglobal(L, "arg");
		rc = report(L, luaL_loadfile(L, argv[1]) || docall(L, 0, 0));
	} else {
		rc = ml_repl(L);
	}
	lua_close(L);
	return rc == LUA_OK ? 0 : 1;
}
