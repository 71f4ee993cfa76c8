/*
 * l_knn.c - Lua binding of kernels/knn.h as the private table torch._knn,
 * used by stdlib/moonlab/ml/neighbors.lua.  Indices cross this boundary
 * 0-based, as the kernels produce them; the Lua side shifts them.  Inputs
 * must already be contiguous Double (indices Long) tensors: the Lua side
 * converts; this file only parses arguments and creates result tensors.
 */
#include "../kernels/knn.h"
#include "lmoon.h"

static int check_p(lua_State *L, int arg)
{
	lua_Integer p = luaL_checkinteger(L, arg);
	luaL_argcheck(L, p == 1 || p == 2, arg, "p must be 1 or 2");
	return (int)p;
}

/* _knn.brute(query, train, k, p [, who]) -> dist (M x k), idx (M x k, 0-based) */
static int l_knn_brute(lua_State *L)
{
	ml_tensor *q = ml_l_checktensor(L, 1), *x = ml_l_checktensor(L, 2);
	lua_Integer k = luaL_checkinteger(L, 3);
	int p = check_p(L, 4);
	const char *who = luaL_optstring(L, 5, "ml.KNeighbors.kneighbors");
	ml_tensor *d = ml_l_pushtensor(L, ML_DOUBLE), *i = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_knn_brute(q, x, k, p, d, i, who, &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _knn.naive(query, train, k, p) -> dist, idx: the reference search */
static int l_knn_naive(lua_State *L)
{
	ml_tensor *q = ml_l_checktensor(L, 1), *x = ml_l_checktensor(L, 2);
	lua_Integer k = luaL_checkinteger(L, 3);
	int p = check_p(L, 4);
	ml_tensor *d = ml_l_pushtensor(L, ML_DOUBLE), *i = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_knn_naive(q, x, k, p, d, i, "torch._knn.naive", &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _knn.kdtree_build(train, leaf_size) -> perm, nodes, bounds */
static int l_knn_kdtree_build(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	lua_Integer leaf = luaL_checkinteger(L, 2);
	ml_tensor *perm = ml_l_pushtensor(L, ML_LONG), *nodes = ml_l_pushtensor(L, ML_LONG);
	ml_tensor *bounds = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_kdtree_build(x, leaf, perm, nodes, bounds, "ml.KNeighbors.fit", &e))
		return ml_l_error(L, &e);
	return 3;
}

/* _knn.kdtree_query(train, perm, nodes, bounds, query, k, p [, who]) -> dist, idx */
static int l_knn_kdtree_query(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *perm = ml_l_checktensor(L, 2);
	ml_tensor *nodes = ml_l_checktensor(L, 3), *bounds = ml_l_checktensor(L, 4);
	ml_tensor *q = ml_l_checktensor(L, 5);
	lua_Integer k = luaL_checkinteger(L, 6);
	int p = check_p(L, 7);
	const char *who = luaL_optstring(L, 8, "ml.KNeighbors.kneighbors");
	ml_tensor *d = ml_l_pushtensor(L, ML_DOUBLE), *i = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_kdtree_query(x, perm, nodes, bounds, q, k, p, d, i, who, &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _knn.vote(labels (0-based), idx (0-based), weights or nil, nclasses) -> proba */
static int l_knn_vote(lua_State *L)
{
	ml_tensor *lab = ml_l_checktensor(L, 1), *idx = ml_l_checktensor(L, 2);
	ml_tensor *w = lua_isnil(L, 3) ? NULL : ml_l_checktensor(L, 3);
	lua_Integer nc = luaL_checkinteger(L, 4);
	ml_tensor *p = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_knn_vote(lab, idx, w, nc, p, "ml.KNeighborsClassifier.predict_proba", &e))
		return ml_l_error(L, &e);
	return 1;
}

static const luaL_Reg knn_functions[] = {
	{"brute", l_knn_brute},
	{"naive", l_knn_naive},
	{"kdtree_build", l_knn_kdtree_build},
	{"kdtree_query", l_knn_kdtree_query},
	{"vote", l_knn_vote},
	{NULL, NULL},
};

void ml_l_open_knn(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, knn_functions, 0);
	lua_setfield(L, torch, "_knn");
}
