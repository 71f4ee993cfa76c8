/*
 * l_stats.c - Lua binding of kernels/special.c and kernels/stats.c as the
 * private table torch._stats, used by stdlib/moonlab/stats:
 *
 *   map(name, a [, b [, c]])   element-wise special/distribution function by
 *                              name (kernels/special.c's list); arguments are
 *                              numbers or tensors (any type, broadcast with
 *                              numpy's rules); all numbers give a number, else
 *                              a DoubleTensor
 *   ops()                      {name = nargs, ...}
 *   rank(x [, method])         DoubleTensor of 1-based ranks of the elements of
 *                              x (logical order), and sum(t^3 - t) over ties
 *   kendall(x, y)              table of Kendall pair counts (see stats.h)
 *   argsort(x)                 LongTensor of the 1-based stable ascending order
 *   moments(x)                 n, mean, its offset, central sums of powers 2..4
 *   ks2_exact(m, n, h, one_sided), smirnov(n, d), kolmogn_sf(n, d),
 *   kolmogorov_sf(x)           Kolmogorov-Smirnov null distributions
 *
 * Argument errors name stats.<function>.  No Lua-facing API beyond this
 * private table: the public names are in the Lua module.
 */
#include <string.h>

#include "lmoon.h"
#include "../kernels/special.h"
#include "../kernels/stats.h"

/* A contiguous DoubleTensor copy of the tensor at idx, pushed on the stack. */
static ml_tensor *double_copy(lua_State *L, int idx)
{
	ml_tensor *src = ml_l_checktensor(L, idx);
	ml_tensor *dst = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_tensor_clone_as(dst, src, ML_DOUBLE, &e) != ML_OK)
		ml_l_error(L, &e);
	return dst;
}

static int l_stats_map(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const ml_special_op *op = ml_special_find(name);
	if (!op)
		return luaL_error(L, "stats.map: unknown function '%s'", name);
	int k = op->nargs, any_tensor = 0, any_empty = 0;
	if (lua_gettop(L) != k + 1)
		return luaL_error(L, "stats.%s: expected %d argument(s) (got %d)", name, k, lua_gettop(L) - 1);
	double args[3];
	for (int j = 0; j < k; j++) {
		ml_tensor *t = ml_l_totensor(L, j + 2);
		if (t) {
			any_tensor = 1;
			if (ml_tensor_numel(t) == 0 || t->ndim == 0)
				any_empty = 1;
		} else if (lua_type(L, j + 2) == LUA_TNUMBER) {
			args[j] = lua_tonumber(L, j + 2);
		} else {
			return luaL_error(L, "stats.%s: argument %d must be a number or a tensor (got %s)", name, j + 1,
			                  luaL_typename(L, j + 2));
		}
	}
	if (!any_tensor) {
		lua_pushnumber(L, ml_special_eval(op, args));
		return 1;
	}
	if (any_empty) {
		ml_l_pushtensor(L, ML_DOUBLE);
		return 1;
	}
	ml_tensor in[3];
	const ml_tensor *inp[3];
	for (int j = 0; j < k; j++) {
		ml_tensor *t = ml_l_totensor(L, j + 2);
		if (!t) { /* a number: a one-element tensor */
			t = ml_l_pushtensor(L, ML_DOUBLE);
			int64_t one = 1;
			ml_error e;
			if (ml_tensor_resize(t, 1, &one, &e) != ML_OK)
				return ml_l_error(L, &e);
			*(double *)ml_tensor_data(t) = args[j];
		} else if (t->dtype != ML_DOUBLE) {
			t = double_copy(L, j + 2);
		}
		in[j] = *t; /* borrowed view, kept alive by the stack */
		inp[j] = &in[j];
	}
	int ndim;
	int64_t size[ML_MAX_DIMS];
	ml_error e;
	char who[64];
	snprintf(who, sizeof who, "stats.%s", name);
	if (ml_broadcast_shape(who, k, inp, &ndim, size, &e) != ML_OK)
		return ml_l_error(L, &e);
	ml_tensor *ops[3];
	for (int j = 0; j < k; j++) {
		if (ml_tensor_expand(&in[j], ndim, size, &e) != ML_OK)
			return ml_l_error(L, &e);
		ops[j] = &in[j];
	}
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	if (ml_tensor_resize(out, ndim, size, &e) != ML_OK || ml_special_map(op, ops, out, &e) != ML_OK)
		return ml_l_error(L, &e);
	return 1;
}

static int l_stats_ops(lua_State *L)
{
	lua_newtable(L);
	for (const ml_special_op *op = ml_special_ops; op->name; op++) {
		lua_pushinteger(L, op->nargs);
		lua_setfield(L, -2, op->name);
	}
	return 1;
}

static int l_stats_rank(lua_State *L)
{
	static const char *const methods[] = { "average", "min", "max", "dense", "ordinal", NULL };
	static const int codes[] = { ML_RANK_AVERAGE, ML_RANK_MIN, ML_RANK_MAX, ML_RANK_DENSE, ML_RANK_ORDINAL };
	int m = luaL_checkoption(L, 2, "average", methods);
	lua_settop(L, 2);
	ml_tensor *x = double_copy(L, 1); /* 3 */
	int64_t n = ml_tensor_numel(x);
	struct vpair *work = lua_newuserdatauv(L, (size_t)(n ? n : 1) * 2 * ML_STATS_VPAIR_SIZE, 0);
	ml_tensor *r = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_tensor_resize_as(r, x, &e) != ML_OK)
		return ml_l_error(L, &e);
	double ties = 0;
	if (n > 0)
		ml_stats_rank(n, ml_tensor_data(x), codes[m], ml_tensor_data(r), &ties, work);
	lua_pushnumber(L, ties);
	return 2;
}

static int l_stats_argsort(lua_State *L)
{
	lua_settop(L, 1);
	ml_tensor *x = double_copy(L, 1);
	int64_t n = ml_tensor_numel(x);
	struct vpair *work = lua_newuserdatauv(L, (size_t)(n ? n : 1) * 2 * ML_STATS_VPAIR_SIZE, 0);
	ml_tensor *r = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_tensor_resize(r, 1, &n, &e) != ML_OK)
		return ml_l_error(L, &e);
	if (n > 0) {
		int64_t *idx = ml_tensor_data(r);
		ml_stats_argsort(n, ml_tensor_data(x), idx, work);
		for (int64_t i = 0; i < n; i++)
			idx[i]++;
	}
	return 1;
}

static int l_stats_kendall(lua_State *L)
{
	lua_settop(L, 2);
	ml_tensor *x = double_copy(L, 1), *y = double_copy(L, 2);
	int64_t n = ml_tensor_numel(x);
	if (ml_tensor_numel(y) != n)
		return luaL_error(L, "stats.kendalltau: x and y differ in length (%d and %d)", (int)n,
		                  (int)ml_tensor_numel(y));
	struct vpair *work = lua_newuserdatauv(L, (size_t)(n ? n : 1) * 4 * ML_STATS_VPAIR_SIZE, 0);
	ml_kendall c;
	ml_stats_kendall(n, ml_tensor_data(x), ml_tensor_data(y), &c, work);
	lua_createtable(L, 0, 9);
#define FIELD(f) (lua_pushnumber(L, c.f), lua_setfield(L, -2, #f))
	FIELD(tot);
	FIELD(dis);
	FIELD(ntie);
	FIELD(xtie);
	FIELD(x0);
	FIELD(x1);
	FIELD(ytie);
	FIELD(y0);
	FIELD(y1);
#undef FIELD
	return 1;
}

/* moments(x) -> n, mean, r, sum d^2, sum d^3, sum d^4 over all elements (see
 * ml_stats_moments); x is read in place when it is a contiguous DoubleTensor. */
static int l_stats_moments(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	int64_t n = ml_tensor_numel(x);
	if (n == 0 || x->ndim == 0)
		return luaL_error(L, "stats.moments: the data is empty");
	if (x->dtype != ML_DOUBLE || !ml_tensor_is_contiguous(x))
		x = double_copy(L, 1);
	double out[5];
	ml_stats_moments(n, ml_tensor_data(x), 1, out);
	lua_pushinteger(L, (lua_Integer)n);
	for (int k = 0; k < 5; k++)
		lua_pushnumber(L, out[k]);
	return 6;
}

static int64_t check_count(lua_State *L, int idx, const char *who)
{
	lua_Integer v = luaL_checkinteger(L, idx);
	if (v < 1)
		luaL_error(L, "stats.%s: the sample size must be positive (got %d)", who, (int)v);
	return (int64_t)v;
}

static int l_stats_ks2_exact(lua_State *L)
{
	int64_t m = check_count(L, 1, "ks_2samp"), n = check_count(L, 2, "ks_2samp");
	lua_Integer h = luaL_checkinteger(L, 3);
	int one = lua_toboolean(L, 4);
	int64_t big = m > n ? m : n;
	double *work = lua_newuserdatauv(L, (size_t)(big + 2) * sizeof *work, 0);
	lua_pushnumber(L, ml_stats_ks2_exact(m, n, h, one, work));
	return 1;
}

static int l_stats_smirnov(lua_State *L)
{
	lua_pushnumber(L, ml_stats_smirnov(check_count(L, 1, "smirnov"), luaL_checknumber(L, 2)));
	return 1;
}

static int l_stats_kolmogn_sf(lua_State *L)
{
	lua_pushnumber(L, ml_stats_kolmogn_sf(check_count(L, 1, "kolmogn"), luaL_checknumber(L, 2)));
	return 1;
}

static int l_stats_kolmogorov_sf(lua_State *L)
{
	lua_pushnumber(L, ml_stats_kolmogorov_sf(luaL_checknumber(L, 1)));
	return 1;
}

void ml_l_open_stats(lua_State *L, int methods, int torch)
{
	(void)methods;
	static const luaL_Reg funcs[] = {
		{"map", l_stats_map},
		{"ops", l_stats_ops},
		{"rank", l_stats_rank},
		{"argsort", l_stats_argsort},
		{"kendall", l_stats_kendall},
		{"moments", l_stats_moments},
		{"ks2_exact", l_stats_ks2_exact},
		{"smirnov", l_stats_smirnov},
		{"kolmogn_sf", l_stats_kolmogn_sf},
		{"kolmogorov_sf", l_stats_kolmogorov_sf},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	lua_setfield(L, torch, "_stats");
}
