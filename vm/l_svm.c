/*
 * l_svm.c - Lua binding of kernels/svm.h as the private table torch._svm,
 * used by stdlib/moonlab/ml/svm.lua.  Settings come as one Lua table
 * {kernel = "rbf", degree, gamma, coef0, tol, max_iter, shrinking,
 * cache_size}; tensors must already be contiguous Double (the Lua side
 * converts).  This file only parses arguments and creates result tensors.
 */
#include "../kernels/svm.h"
#include "lmoon.h"

static double num_field(lua_State *L, int t, const char *k, double dflt)
{
	double v = dflt;
	if (lua_getfield(L, t, k) != LUA_TNIL) {
		if (!lua_isnumber(L, -1))
			luaL_error(L, "torch._svm: setting %s must be a number", k);
		v = lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

static void check_params(lua_State *L, int t, ml_svm_params *p)
{
	static const char *const kernels[] = {"linear", "poly", "rbf", "sigmoid", NULL};
	luaL_checktype(L, t, LUA_TTABLE);
	lua_getfield(L, t, "kernel");
	p->kernel = luaL_checkoption(L, -1, "rbf", kernels);
	lua_pop(L, 1);
	p->degree = (int)num_field(L, t, "degree", 3);
	p->gamma = num_field(L, t, "gamma", 1);
	p->coef0 = num_field(L, t, "coef0", 0);
	p->tol = num_field(L, t, "tol", 1e-3);
	p->max_iter = (int64_t)num_field(L, t, "max_iter", -1);
	p->cache_mb = num_field(L, t, "cache_size", 200);
	lua_getfield(L, t, "shrinking");
	p->shrinking = lua_isnil(L, -1) ? 1 : lua_toboolean(L, -1);
	lua_pop(L, 1);
}

/* _svm.solve(x, y, C, settings [, who]) -> coef (y_i alpha_i), rho, n_iter, hit_max_iter, obj */
static int l_svm_solve(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *y = ml_l_checktensor(L, 2), *c = ml_l_checktensor(L, 3);
	ml_svm_params p;
	check_params(L, 4, &p);
	const char *who = luaL_optstring(L, 5, "ml.SVC.fit");
	ml_tensor *coef = ml_l_pushtensor(L, ML_DOUBLE);
	ml_svm_result r;
	ml_error e;
	if (ml_svm_solve(x, y, c, &p, coef, &r, who, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, r.rho);
	lua_pushinteger(L, r.n_iter);
	lua_pushboolean(L, r.hit_max_iter);
	lua_pushnumber(L, r.obj);
	return 5;
}

/* _svm.solve_svr(x, y, C, epsilon, settings [, who]) -> coef (a - a*), rho, n_iter, hit_max_iter, obj */
static int l_svm_solve_svr(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *y = ml_l_checktensor(L, 2), *c = ml_l_checktensor(L, 3);
	double eps = luaL_checknumber(L, 4);
	ml_svm_params p;
	check_params(L, 5, &p);
	const char *who = luaL_optstring(L, 6, "ml.SVR.fit");
	ml_tensor *coef = ml_l_pushtensor(L, ML_DOUBLE);
	ml_svm_result r;
	ml_error e;
	if (ml_svm_solve_svr(x, y, c, eps, &p, coef, &r, who, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, r.rho);
	lua_pushinteger(L, r.n_iter);
	lua_pushboolean(L, r.hit_max_iter);
	lua_pushnumber(L, r.obj);
	return 5;
}

/* _svm.kernel(a, b, settings [, who]) -> K (M x N) */
static int l_svm_kernel(lua_State *L)
{
	ml_tensor *a = ml_l_checktensor(L, 1), *b = ml_l_checktensor(L, 2);
	ml_svm_params p;
	check_params(L, 3, &p);
	const char *who = luaL_optstring(L, 4, "ml.SVC.decision_function");
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_svm_kernel(a, b, &p, out, who, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _svm.kernel_naive(a, b, settings) -> K: the reference loops */
static int l_svm_kernel_naive(lua_State *L)
{
	ml_tensor *a = ml_l_checktensor(L, 1), *b = ml_l_checktensor(L, 2);
	ml_svm_params p;
	check_params(L, 3, &p);
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_svm_kernel_naive(a, b, &p, out, "torch._svm.kernel_naive", &e))
		return ml_l_error(L, &e);
	return 1;
}

static const luaL_Reg svm_functions[] = {
	{"solve", l_svm_solve},
	{"solve_svr", l_svm_solve_svr},
	{"kernel", l_svm_kernel},
	{"kernel_naive", l_svm_kernel_naive},
	{NULL, NULL},
};

void ml_l_open_svm(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, svm_functions, 0);
	lua_setfield(L, torch, "_svm");
}
