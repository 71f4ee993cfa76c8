/*
 * l_cluster.c - Lua binding of kernels/kmeans.h and kernels/cluster.h as the
 * private table torch._cluster, used by stdlib/moonlab/ml/cluster.lua and
 * cluster_metrics.lua.  Labels cross this boundary 0-based, as the kernels
 * produce them; the Lua side shifts them to 1-based.  Inputs must already be
 * contiguous Double tensors (the Lua side converts); this file only parses
 * arguments and creates result tensors.
 */
#include <string.h>

#include "../kernels/kmeans.h"
#include "lmoon.h"

/* _cluster.kmeans_assign(x, centers) -> labels (Long, 0-based), mind (Double) */
static int l_cluster_kmeans_assign(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *c = ml_l_checktensor(L, 2);
	ml_tensor *lab = ml_l_pushtensor(L, ML_LONG);
	ml_tensor *md = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_kmeans_assign(x, c, lab, md, "ml.KMeans.predict", &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _cluster.kmeans_run(x, centers, max_iter, tol, elkan) -> labels, n_iter,
 * inertia; centers are overwritten with the final centers. */
static int l_cluster_kmeans_run(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *c = ml_l_checktensor(L, 2);
	lua_Integer max_iter = luaL_checkinteger(L, 3);
	double tol = luaL_checknumber(L, 4);
	int elkan = lua_toboolean(L, 5);
	ml_tensor *lab = ml_l_pushtensor(L, ML_LONG);
	ml_kmeans_result r;
	ml_error e;
	if (ml_kmeans_run(x, c, lab, max_iter, tol, elkan, &r, "ml.KMeans.fit", &e))
		return ml_l_error(L, &e);
	lua_pushinteger(L, r.n_iter);
	lua_pushnumber(L, r.inertia);
	return 3;
}

static const luaL_Reg cluster_functions[] = {
	{"kmeans_assign", l_cluster_kmeans_assign},
	{"kmeans_run", l_cluster_kmeans_run},
	{NULL, NULL},
};

void ml_l_open_cluster(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, cluster_functions, 0);
	lua_setfield(L, torch, "_cluster");
}
