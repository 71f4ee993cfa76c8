/*
 * moonlab.c - the registration hub: builds the `torch` table from every binding
 * module (luaopen_moonlab_core), and the entry point of moonlab.so for a stock
 * lua5.4 (luaopen_moonlab), which finds the Lua stdlib next to the library.
 *
 * The Lua half of `torch` lives in stdlib/torch/init.lua, which requires
 * "moonlab.core"; nothing here knows about the REPL or the command line.
 */

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lualib.h>

#include "lmoon.h"

int luaopen_moonlab_core(lua_State *L)
{
	lua_newtable(L); /* torch */
	int torch = lua_gettop(L);
	lua_newtable(L); /* shared tensor methods */
	int methods = lua_gettop(L);
	ml_l_open_tensor(L, methods, torch);
	ml_l_open_math(L, methods, torch);
	ml_l_open_reduce(L, methods, torch);
	ml_l_open_blas(L, methods, torch);
	ml_l_open_lapack(L, methods, torch);
	ml_l_open_random(L, methods, torch);
	ml_l_open_sys(L, methods, torch);
	ml_l_open_file(L, methods, torch);
	ml_l_open_image(L, methods, torch);
	ml_l_open_npy(L, methods, torch);
	ml_l_open_proc(L, methods, torch);
	ml_l_open_csv(L, methods, torch);
	ml_l_open_frame(L, methods, torch);
	ml_l_open_index_ops(L, methods, torch);
	ml_l_open_shape(L, methods, torch);
	ml_l_open_sort(L, methods, torch);
	ml_l_open_conv(L, methods, torch);
	ml_l_open_notebook(L, methods, torch);
	ml_l_open_metrics(L, methods, torch);
	ml_l_open_cluster(L, methods, torch);
	ml_l_open_linear(L, methods, torch);
	ml_l_open_dir(L, methods, torch);
	ml_l_open_tree(L, methods, torch);
	ml_l_open_nn(L, methods, torch);
	ml_l_open_nn_volumetric(L, methods, torch);
	ml_l_open_nn_spatial(L, methods, torch);
	ml_l_open_stats(L, methods, torch);
	ml_l_open_knn(L, methods, torch);
	ml_l_open_svm(L, methods, torch);
	lua_pushvalue(L, methods);
	lua_setfield(L, torch, "_tensor_methods");
	lua_settop(L, torch);
	return 1;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* require "moonlab" from a stock lua5.4 that found moonlab.so through
 * LUA_CPATH: put the stdlib on package.path, then run stdlib/moonlab/init.lua. */
int luaopen_moonlab(lua_State *L)
{
	Dl_info info;
	char dir[PATH_MAX], cand[PATH_MAX + 64];
	const char *found = NULL;
	if (dladdr((void *)luaopen_moonlab, &info) && info.dli_fname &&
	    realpath(info.dli_fname, dir)) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		snprintf(cand, sizeof cand, "%s/stdlib", dir);
		if (is_dir(cand))
			found = cand;
		else {
			snprintf(cand, sizeof cand, "%s/../../../share/moonlab/stdlib", dir);
			if (is_dir(cand))
				found = cand;
		}
	}
	const char *env = getenv("MOONLAB_STDLIB");
	if (env && *env)
		found = env;
	if (!found)
		return luaL_error(L, "moonlab: cannot find the stdlib folder next to moonlab.so "
		                     "(set MOONLAB_STDLIB)");
	lua_getglobal(L, "package");
	/* plot/ (the plot layer) sits next to stdlib/, in the tree and installed */
	lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s/../plot/?.lua;%s/../plot/?/init.lua;", found,
	                found, found, found);
	lua_getfield(L, -2, "path");
	lua_concat(L, 2);
	lua_setfield(L, -2, "path");
	lua_pop(L, 1);
	lua_pushfstring(L, "%s/moonlab/init.lua", found);
	if (luaL_loadfile(L, lua_tostring(L, -1)) != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	return 1;
}
