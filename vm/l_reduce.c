/*
 * l_reduce.c - Lua binding of kernels/reduce.c: sum, prod, mean, var, std, min,
 * max, norm (over all elements, or along a dim keeping it with size 1), dist,
 * cumsum, cumprod, trace, all, any, as torch.f(...) and x:f(...).
 *
 * Argument forms follow Torch7: an optional result tensor first (two for min
 * and max: values, then a LongTensor of indices), then the input, then the
 * dim.  Dims are 1-based and negative ones count from the end (-1 is the
 * last); indices returned by min/max are 1-based.  Over all elements the
 * result is a Lua number (an integer for sum/prod/min/max/trace of integer
 * tensors).  This file only parses arguments and converts indices; all the
 * arithmetic is in the kernel.
 */
#include <math.h>

#include "../kernels/reduce.h"
#include "lmoon.h"

/* The 0-based dim at stack index idx (1-based, negatives from the end). */
static int check_dim(lua_State *L, int idx, const ml_tensor *x, const char *who)
{
	int isnum;
	lua_Integer d = lua_tointegerx(L, idx, &isnum);
	if (!isnum)
		return luaL_error(L, "torch.%s: the dimension (argument %d) must be an integer (got %s)", who,
		                  idx, luaL_typename(L, idx));
	lua_Integer d0 = d < 0 ? d + x->ndim : d - 1;
	if (d == 0 || d0 < 0 || d0 >= x->ndim) {
		char s[ML_SHAPELEN];
		return luaL_error(L, "torch.%s: dimension %d out of range for a %d-dimensional tensor (%s)", who,
		                  (int)d, x->ndim, ml_tensor_shape_str(s, sizeof s, x));
	}
	return (int)d0;
}

static ml_tensor *check_input(lua_State *L, int idx, const char *who)
{
	ml_tensor *x = ml_l_totensor(L, idx);
	if (!x)
		luaL_error(L, "torch.%s: argument %d must be a tensor (got %s)", who, idx,
		           luaL_typename(L, idx));
	return x;
}

static void push_scalar(lua_State *L, const ml_scalar *v)
{
	if (v->is_int)
		lua_pushinteger(L, v->i);
	else
		lua_pushnumber(L, v->f);
}

/* Adds 1 to every element of the LongTensor ind, any strides (0- to 1-based). */
static void to_one_based(ml_tensor *ind)
{
	int64_t n = ml_tensor_numel(ind), idx[ML_MAX_DIMS] = {0};
	for (int64_t k = 0; k < n; k++) {
		(*(int64_t *)ml_tensor_ptr(ind, idx))++;
		for (int d = ind->ndim - 1; d >= 0; d--) {
			if (++idx[d] < ind->size[d])
				break;
			idx[d] = 0;
		}
	}
}

/* Over all elements: pushes the number; along a dim: writes into res (the
 * tensor at stack index ri, or a new one when ri is 0) and pushes it. */
static int reduce(lua_State *L, ml_reduce_op op, int ri, const ml_tensor *x, int have_dim, int dim,
                  double arg)
{
	const char *who = ml_reduce_name(op);
	ml_error e;
	if (!have_dim) {
		if (ri)
			return luaL_error(L, "torch.%s: a result tensor needs a dimension", who);
		ml_scalar v;
		if (ml_reduce_all(op, x, arg, &v, &e))
			return ml_l_error(L, &e);
		push_scalar(L, &v);
		return 1;
	}
	ml_tensor *res;
	if (ri) {
		res = ml_l_checktensor(L, ri);
		lua_pushvalue(L, ri);
	} else {
		res = ml_l_pushtensor(L, ml_reduce_result_dtype(op, x->dtype));
	}
	if (ml_reduce_dim(op, res, NULL, x, dim, arg, &e))
		return ml_l_error(L, &e);
	if (!ri)
		ml_l_account(L, res);
	return 1;
}

/* sum, prod, mean: ([res,] x [, dim]) */
static int simple(lua_State *L, ml_reduce_op op)
{
	const char *who = ml_reduce_name(op);
	ml_tensor *x = check_input(L, 1, who);
	int ri = 0, xi = 1;
	if (ml_l_totensor(L, 2)) {
		ri = 1;
		xi = 2;
		x = ml_l_totensor(L, 2);
	}
	int have_dim = !lua_isnoneornil(L, xi + 1);
	int dim = have_dim ? check_dim(L, xi + 1, x, who) : 0;
	return reduce(L, op, ri, x, have_dim, dim, 0);
}

static int l_reduce_sum(lua_State *L) { return simple(L, ML_REDUCE_SUM); }
static int l_reduce_prod(lua_State *L) { return simple(L, ML_REDUCE_PROD); }
static int l_reduce_mean(lua_State *L) { return simple(L, ML_REDUCE_MEAN); }

/* var, std: ([res,] x [, dim] [, biased]); biased = true divides by n. */
static int spread(lua_State *L, ml_reduce_op op)
{
	const char *who = ml_reduce_name(op);
	ml_tensor *x = check_input(L, 1, who);
	int ri = 0, xi = 1;
	if (ml_l_totensor(L, 2)) {
		ri = 1;
		xi = 2;
		x = ml_l_totensor(L, 2);
	}
	int at = xi + 1, have_dim = 0, dim = 0;
	if (lua_type(L, at) == LUA_TNUMBER) {
		have_dim = 1;
		dim = check_dim(L, at, x, who);
		at++;
	} else if (!lua_isnoneornil(L, at) && !lua_isboolean(L, at)) {
		return luaL_error(L, "torch.%s: argument %d must be a dimension or a boolean (got %s)", who,
		                  at, luaL_typename(L, at));
	}
	if (!lua_isnoneornil(L, at) && !lua_isboolean(L, at))
		return luaL_error(L, "torch.%s: the flag (argument %d) must be a boolean (got %s)", who, at,
		                  luaL_typename(L, at));
	double biased = lua_toboolean(L, at) ? 1 : 0;
	return reduce(L, op, ri, x, have_dim, dim, biased);
}

static int l_reduce_var(lua_State *L) { return spread(L, ML_REDUCE_VAR); }
static int l_reduce_std(lua_State *L) { return spread(L, ML_REDUCE_STD); }

/* norm: ([res,] x [, p] [, dim]) */
static int l_reduce_norm(lua_State *L)
{
	ml_tensor *x = check_input(L, 1, "norm");
	int ri = 0, xi = 1;
	if (ml_l_totensor(L, 2)) {
		ri = 1;
		xi = 2;
		x = ml_l_totensor(L, 2);
	}
	double p = 2;
	if (!lua_isnoneornil(L, xi + 1)) {
		if (lua_type(L, xi + 1) != LUA_TNUMBER)
			return luaL_error(L, "torch.norm: p (argument %d) must be a number (got %s)", xi + 1,
			                  luaL_typename(L, xi + 1));
		p = lua_tonumber(L, xi + 1);
	}
	int have_dim = !lua_isnoneornil(L, xi + 2);
	int dim = have_dim ? check_dim(L, xi + 2, x, "norm") : 0;
	return reduce(L, ML_REDUCE_NORM, ri, x, have_dim, dim, p);
}

/* min, max: ([resval, [resind,]] x [, dim]) -> number, or values and 1-based indices */
static int extreme(lua_State *L, ml_reduce_op op)
{
	const char *who = ml_reduce_name(op);
	check_input(L, 1, who);
	int nt = 1;
	while (nt < 3 && ml_l_totensor(L, nt + 1))
		nt++;
	int xi = nt;
	ml_tensor *x = ml_l_totensor(L, xi);
	int have_dim = !lua_isnoneornil(L, xi + 1);
	int dim = have_dim ? check_dim(L, xi + 1, x, who) : 0;
	ml_error e;
	if (!have_dim) {
		if (nt > 1)
			return luaL_error(L, "torch.%s: result tensors need a dimension", who);
		ml_scalar v;
		if (ml_reduce_all(op, x, 0, &v, &e))
			return ml_l_error(L, &e);
		push_scalar(L, &v);
		return 1;
	}
	ml_tensor *res, *ind;
	if (nt >= 2) {
		res = ml_l_totensor(L, 1);
		lua_pushvalue(L, 1);
	} else {
		res = ml_l_pushtensor(L, x->dtype);
	}
	if (nt == 3) {
		ind = ml_l_totensor(L, 2);
		lua_pushvalue(L, 2);
	} else {
		ind = ml_l_pushtensor(L, ML_LONG);
	}
	if (ml_reduce_dim(op, res, ind, x, dim, 0, &e))
		return ml_l_error(L, &e);
	to_one_based(ind);
	return 2;
}

static int l_reduce_min(lua_State *L) { return extreme(L, ML_REDUCE_MIN); }
static int l_reduce_max(lua_State *L) { return extreme(L, ML_REDUCE_MAX); }

/* cumsum, cumprod: ([res,] x [, dim = 1]) -> tensor of x's shape */
static int cumulative(lua_State *L, int is_prod)
{
	const char *who = is_prod ? "cumprod" : "cumsum";
	ml_tensor *x = check_input(L, 1, who);
	int ri = 0, xi = 1;
	if (ml_l_totensor(L, 2)) {
		ri = 1;
		xi = 2;
		x = ml_l_totensor(L, 2);
	}
	int dim = lua_isnoneornil(L, xi + 1) ? 0 : check_dim(L, xi + 1, x, who);
	if (x->ndim == 0)
		return luaL_error(L, "torch.%s: the tensor is empty (no dimension %d)", who, dim + 1);
	ml_tensor *res;
	if (ri) {
		res = ml_l_totensor(L, ri);
		lua_pushvalue(L, ri);
	} else {
		res = ml_l_pushtensor(L, x->dtype);
	}
	ml_error e;
	if ((is_prod ? ml_reduce_cumprod : ml_reduce_cumsum)(res, x, dim, &e))
		return ml_l_error(L, &e);
	if (!ri)
		ml_l_account(L, res);
	return 1;
}

static int l_reduce_cumsum(lua_State *L) { return cumulative(L, 0); }
static int l_reduce_cumprod(lua_State *L) { return cumulative(L, 1); }

/* dist(x, y [, p = 2]) -> number */
static int l_reduce_dist(lua_State *L)
{
	ml_tensor *x = check_input(L, 1, "dist");
	ml_tensor *y = check_input(L, 2, "dist");
	if (!lua_isnoneornil(L, 3) && lua_type(L, 3) != LUA_TNUMBER)
		return luaL_error(L, "torch.dist: p (argument 3) must be a number (got %s)", luaL_typename(L, 3));
	double p = luaL_optnumber(L, 3, 2);
	double v;
	ml_error e;
	if (ml_reduce_dist(x, y, p, &v, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, v);
	return 1;
}

/* trace(x) -> number, x 2-D */
static int l_reduce_trace(lua_State *L)
{
	ml_tensor *x = check_input(L, 1, "trace");
	ml_scalar v;
	ml_error e;
	if (ml_reduce_trace(x, &v, &e))
		return ml_l_error(L, &e);
	push_scalar(L, &v);
	return 1;
}

/* all(x), any(x) -> boolean: every / some element non-zero */
static int logical(lua_State *L, int want_all)
{
	ml_tensor *x = check_input(L, 1, want_all ? "all" : "any");
	int r;
	ml_error e;
	if (ml_reduce_logical(x, want_all, &r, &e))
		return ml_l_error(L, &e);
	lua_pushboolean(L, r);
	return 1;
}

static int l_reduce_all(lua_State *L) { return logical(L, 1); }
static int l_reduce_any(lua_State *L) { return logical(L, 0); }

static const luaL_Reg reduce_functions[] = {
	{"sum", l_reduce_sum},
	{"prod", l_reduce_prod},
	{"mean", l_reduce_mean},
	{"var", l_reduce_var},
	{"std", l_reduce_std},
	{"norm", l_reduce_norm},
	{"min", l_reduce_min},
	{"max", l_reduce_max},
	{"cumsum", l_reduce_cumsum},
	{"cumprod", l_reduce_cumprod},
	{"dist", l_reduce_dist},
	{"trace", l_reduce_trace},
	{"all", l_reduce_all},
	{"any", l_reduce_any},
	{NULL, NULL},
};

void ml_l_open_reduce(lua_State *L, int methods, int torch)
{
	/* the same functions serve both forms: x:sum(2) is torch.sum(x, 2) */
	lua_pushvalue(L, methods);
	luaL_setfuncs(L, reduce_functions, 0);
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, reduce_functions, 0);
	lua_pop(L, 1);
}
