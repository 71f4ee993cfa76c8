/*
 * l_linear.c - Lua binding of kernels/linear.h as the private table
 * torch._linear, used by stdlib/moonlab/ml/linear.lua:
 *   enet_cd(xt, y, w, opts) -> n_iter, gap, tol, converged     (w updated)
 *   enet_cd_ref(...)        -> the same, through the naive reference
 *   sgd(x, y, sw|nil, w, intercept, opts) -> intercept, n_iter, loss, t
 *   svc_dual(x, y, c, w, hinge, tol, max_iter, seed) -> n_iter   (w filled)
 *   softmax_loss(x, y0, sw, W, G, l2, intercept) -> loss          (G filled)
 *   center_t(x, center) -> xt (D x N, centered), mean (D)
 *   binary_loss(x, y01, sw, w, g, l2, intercept) -> loss          (g filled)
 * Options are read from a table by name; tensors must be contiguous
 * DoubleTensors (the kernel checks and names them).  No model logic here.
 */
#include <string.h>

#include "../kernels/linear.h"
#include "lmoon.h"

static double num_field(lua_State *L, int t, const char *k, double dflt)
{
	lua_getfield(L, t, k);
	double v = luaL_optnumber(L, -1, dflt);
	lua_pop(L, 1);
	return v;
}

static int bool_field(lua_State *L, int t, const char *k)
{
	lua_getfield(L, t, k);
	int v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

static int option_field(lua_State *L, int t, const char *k, const char *dflt, const char *const list[])
{
	lua_getfield(L, t, k);
	const char *s = lua_isnil(L, -1) ? dflt : lua_tostring(L, -1);
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0) {
			lua_pop(L, 1);
			return i;
		}
	return luaL_error(L, "torch._linear: bad option %s (got %s)", k, s ? s : luaL_typename(L, -1));
}

static uint64_t seed_field(lua_State *L, int t)
{
	lua_getfield(L, t, "seed");
	uint64_t s = (uint64_t)luaL_optinteger(L, -1, 0);
	lua_pop(L, 1);
	return s;
}

typedef int (*cd_fn)(const ml_tensor *, const ml_tensor *, ml_tensor *, const ml_linear_cd_opts *,
                     ml_linear_cd_result *, ml_error *);

static int enet(lua_State *L, cd_fn fn)
{
	ml_tensor *xt = ml_l_checktensor(L, 1), *y = ml_l_checktensor(L, 2), *w = ml_l_checktensor(L, 3);
	luaL_checktype(L, 4, LUA_TTABLE);
	ml_linear_cd_opts o = {
		.l1 = num_field(L, 4, "l1", 0), .l2 = num_field(L, 4, "l2", 0),
		.max_iter = (int64_t)num_field(L, 4, "max_iter", 1000), .tol = num_field(L, 4, "tol", 1e-4),
		.positive = bool_field(L, 4, "positive"), .random = bool_field(L, 4, "random"),
		.seed = seed_field(L, 4),
	};
	ml_linear_cd_result r;
	ml_error e;
	if (fn(xt, y, w, &o, &r, &e))
		return ml_l_error(L, &e);
	lua_pushinteger(L, (lua_Integer)r.n_iter);
	lua_pushnumber(L, r.gap);
	lua_pushnumber(L, r.tol);
	lua_pushboolean(L, r.converged);
	return 4;
}

static int l_linear_enet_cd(lua_State *L) { return enet(L, ml_linear_enet_cd); }
static int l_linear_enet_cd_ref(lua_State *L) { return enet(L, ml_linear_enet_cd_ref); }

static const char *const sgd_losses[] = {
	"hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron", "squared_error", "huber",
	"epsilon_insensitive", NULL,
};
static const char *const sgd_rates[] = { "constant", "optimal", "invscaling", NULL };
static const char *const sgd_penalties[] = { "none", "l2", "l1", "elasticnet", NULL };

static int l_linear_sgd(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *y = ml_l_checktensor(L, 2);
	ml_tensor *sw = lua_isnil(L, 3) ? NULL : ml_l_checktensor(L, 3);
	ml_tensor *w = ml_l_checktensor(L, 4);
	double b = luaL_checknumber(L, 5);
	luaL_checktype(L, 6, LUA_TTABLE);
	ml_linear_sgd_opts o = {
		.loss = option_field(L, 6, "loss", "hinge", sgd_losses),
		.loss_param = num_field(L, 6, "loss_param", 1.0),
		.penalty = option_field(L, 6, "penalty", "l2", sgd_penalties),
		.alpha = num_field(L, 6, "alpha", 1e-4), .l1_ratio = num_field(L, 6, "l1_ratio", 0.15),
		.learning_rate = option_field(L, 6, "learning_rate", "optimal", sgd_rates),
		.eta0 = num_field(L, 6, "eta0", 0.0), .power_t = num_field(L, 6, "power_t", 0.5),
		.max_iter = (int64_t)num_field(L, 6, "max_iter", 1000), .tol = num_field(L, 6, "tol", -1),
		.n_iter_no_change = (int64_t)num_field(L, 6, "n_iter_no_change", 5),
		.shuffle = bool_field(L, 6, "shuffle"), .fit_intercept = bool_field(L, 6, "fit_intercept"),
		.seed = seed_field(L, 6), .t = num_field(L, 6, "t", 1.0),
	};
	int64_t n_iter = 0;
	double loss = 0.0;
	ml_error e;
	if (ml_linear_sgd(x, y, sw, w, &b, &o, &n_iter, &loss, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, b);
	lua_pushinteger(L, (lua_Integer)n_iter);
	lua_pushnumber(L, loss);
	lua_pushnumber(L, o.t);
	return 4;
}

static int l_linear_svc_dual(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *y = ml_l_checktensor(L, 2), *c = ml_l_checktensor(L, 3);
	ml_tensor *w = ml_l_checktensor(L, 4);
	int hinge = lua_toboolean(L, 5);
	double tol = luaL_checknumber(L, 6);
	int64_t max_iter = (int64_t)luaL_checkinteger(L, 7);
	uint64_t seed = (uint64_t)luaL_optinteger(L, 8, 0);
	int64_t n_iter = 0;
	ml_error e;
	if (ml_linear_svc_dual(x, y, c, w, hinge, tol, max_iter, seed, &n_iter, &e))
		return ml_l_error(L, &e);
	lua_pushinteger(L, (lua_Integer)n_iter);
	return 1;
}

typedef int (*loss_fn)(const ml_tensor *, const ml_tensor *, const ml_tensor *, const ml_tensor *, ml_tensor *,
                       double, int, double *, ml_error *);

static int logistic(lua_State *L, loss_fn fn)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *y = ml_l_checktensor(L, 2), *sw = ml_l_checktensor(L, 3);
	ml_tensor *w = ml_l_checktensor(L, 4), *g = ml_l_checktensor(L, 5);
	double l2 = luaL_checknumber(L, 6);
	int intercept = lua_toboolean(L, 7);
	double loss = 0.0;
	ml_error e;
	if (fn(x, y, sw, w, g, l2, intercept, &loss, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, loss);
	return 1;
}

static int l_linear_softmax_loss(lua_State *L) { return logistic(L, ml_linear_softmax_loss); }
static int l_linear_binary_loss(lua_State *L) { return logistic(L, ml_linear_binary_loss); }

static int l_linear_center_t(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	int center = lua_toboolean(L, 2);
	luaL_argcheck(L, x->ndim == 2 && x->dtype == ML_DOUBLE, 1, "a 2-D DoubleTensor expected");
	ml_error e;
	int64_t tsize[2] = { x->size[1], x->size[0] };
	ml_tensor *xt = ml_l_pushtensor(L, ML_DOUBLE);
	if (ml_tensor_resize(xt, 2, tsize, &e))
		return ml_l_error(L, &e);
	ml_tensor *mean = ml_l_pushtensor(L, ML_DOUBLE);
	if (ml_tensor_resize(mean, 1, tsize, &e) || ml_linear_center_t(x, center, mean, xt, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, xt);
	return 2;
}

static const luaL_Reg linear_functions[] = {
	{"center_t", l_linear_center_t},
	{"softmax_loss", l_linear_softmax_loss},
	{"binary_loss", l_linear_binary_loss},
	{"enet_cd", l_linear_enet_cd},
	{"enet_cd_ref", l_linear_enet_cd_ref},
	{"sgd", l_linear_sgd},
	{"svc_dual", l_linear_svc_dual},
	{NULL, NULL},
};

void ml_l_open_linear(lua_State *L, int methods, int torch)
{
	(void)methods;
	luaL_newlib(L, linear_functions);
	lua_setfield(L, torch, "_linear");
}
