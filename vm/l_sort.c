/*
 * l_sort.c - Lua binding of kernels/sort.c: sort, topk, kthvalue, median,
 * mode (Torch7's forms), and unique and quantile (extensions), as
 * torch.f(...) and x:f(...).
 *
 * Argument forms follow Torch7: optional result tensors first (values, then a
 * LongTensor of indices), then the input, then the function's numbers, then
 * the dim (1-based, negatives count from the end, default the last), then
 * flags.  Indices returned are 1-based.  This file only parses arguments and
 * converts indices; the ordering and selection are in the kernel.
 */
#include <stdlib.h>

#include "../kernels/sort.h"
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

/* The dim at idx, or the last dim when idx is none or nil; raises for an
 * empty (0-dimensional) x. */
static int opt_dim(lua_State *L, int idx, const ml_tensor *x, const char *who)
{
	if (x->ndim == 0)
		return luaL_error(L, "torch.%s: the tensor is empty", who);
	if (lua_isnoneornil(L, idx))
		return x->ndim - 1;
	return check_dim(L, idx, x, who);
}

static int opt_flag(lua_State *L, int idx, const char *who, const char *what)
{
	if (lua_isnoneornil(L, idx))
		return 0;
	if (!lua_isboolean(L, idx))
		return luaL_error(L, "torch.%s: %s (argument %d) must be a boolean (got %s)", who, what, idx,
		                  luaL_typename(L, idx));
	return lua_toboolean(L, idx);
}

/* Counts the leading tensor arguments (at most `most`); the last of them is
 * the input.  Raises when there is none. */
static int leading_tensors(lua_State *L, int most, const char *who)
{
	int nt = 0;
	while (nt < most && ml_l_totensor(L, nt + 1))
		nt++;
	if (nt == 0)
		return luaL_error(L, "torch.%s: argument 1 must be a tensor (got %s)", who, luaL_typename(L, 1));
	return nt;
}

/* Adds 1 to every element of the LongTensor t (any strides). */
static void to_one_based(ml_tensor *t)
{
	int64_t n = ml_tensor_numel(t);
	if (n == 0)
		return;
	if (ml_tensor_is_contiguous(t)) {
		int64_t *p = ml_tensor_data(t);
		for (int64_t i = 0; i < n; i++)
			p[i]++;
		return;
	}
	int64_t idx[ML_MAX_DIMS] = {0};
	for (int64_t k = 0; k < n; k++) {
		(*(int64_t *)ml_tensor_ptr(t, idx))++;
		for (int d = t->ndim - 1; d >= 0; d--) {
			if (++idx[d] < t->size[d])
				break;
			idx[d] = 0;
		}
	}
}

/* Pushes the values and indices results: the given tensors (nt >= 2: values
 * at 1; nt == 3: indices at 2) or new ones. */
static void push_results(lua_State *L, int nt, ml_dtype dt, ml_tensor **v, ml_tensor **i)
{
	if (nt >= 2) {
		*v = ml_l_totensor(L, 1);
		lua_pushvalue(L, 1);
	} else {
		*v = ml_l_pushtensor(L, dt);
	}
	if (nt == 3) {
		*i = ml_l_totensor(L, 2);
		lua_pushvalue(L, 2);
	} else {
		*i = ml_l_pushtensor(L, ML_LONG);
	}
}

/* sort([resval, resind,] x [, dim] [, descending]) -> values, indices */
static int l_sort_sort(lua_State *L)
{
	int nt = leading_tensors(L, 3, "sort");
	ml_tensor *x = ml_l_totensor(L, nt);
	int at = nt + 1, dim = x->ndim - 1;
	if (lua_type(L, at) == LUA_TNUMBER)
		dim = check_dim(L, at++, x, "sort");
	else if (lua_isnil(L, at))
		at++;
	int desc = opt_flag(L, at, "sort", "the descending flag");
	if (!lua_isnone(L, at + 1) && !lua_isnil(L, at + 1))
		return luaL_error(L, "torch.sort: unexpected argument %d (%s)", at + 1, luaL_typename(L, at + 1));
	ml_tensor *v, *i;
	push_results(L, nt, x->dtype, &v, &i);
	ml_error e;
	if (ml_sort_sort(v, i, x, dim, desc, &e))
		return ml_l_error(L, &e);
	to_one_based(i);
	return 2;
}

/* topk([resval, resind,] x [, k = 1] [, dim] [, largest] [, sorted]) -> values, indices */
static int l_sort_topk(lua_State *L)
{
	int nt = leading_tensors(L, 3, "topk");
	ml_tensor *x = ml_l_totensor(L, nt);
	lua_Integer k = 1;
	if (!lua_isnoneornil(L, nt + 1)) {
		int isnum;
		k = lua_tointegerx(L, nt + 1, &isnum);
		if (!isnum)
			return luaL_error(L, "torch.topk: k (argument %d) must be an integer (got %s)", nt + 1,
			                  luaL_typename(L, nt + 1));
	}
	int dim = opt_dim(L, nt + 2, x, "topk");
	int largest = opt_flag(L, nt + 3, "topk", "the direction");
	opt_flag(L, nt + 4, "topk", "the sort flag"); /* results are always sorted */
	ml_tensor *v, *i;
	push_results(L, nt, x->dtype, &v, &i);
	ml_error e;
	if (ml_sort_topk(v, i, x, (int64_t)k, dim, largest, &e))
		return ml_l_error(L, &e);
	to_one_based(i);
	return 2;
}

/* kthvalue([resval, resind,] x, k [, dim]) -> values, indices */
static int l_sort_kthvalue(lua_State *L)
{
	int nt = leading_tensors(L, 3, "kthvalue");
	ml_tensor *x = ml_l_totensor(L, nt);
	int isnum;
	lua_Integer k = lua_tointegerx(L, nt + 1, &isnum);
	if (!isnum)
		return luaL_error(L, "torch.kthvalue: k (argument %d) must be an integer (got %s)", nt + 1,
		                  luaL_typename(L, nt + 1));
	int dim = opt_dim(L, nt + 2, x, "kthvalue");
	ml_tensor *v, *i;
	push_results(L, nt, x->dtype, &v, &i);
	ml_error e;
	if (ml_sort_kthvalue(v, i, x, (int64_t)k - 1, dim, &e))
		return ml_l_error(L, &e);
	to_one_based(i);
	return 2;
}

/* median, mode: ([resval, resind,] x [, dim]) -> values, indices */
static int middle(lua_State *L, const char *who,
                  int (*fn)(ml_tensor *, ml_tensor *, const ml_tensor *, int, ml_error *))
{
	int nt = leading_tensors(L, 3, who);
	ml_tensor *x = ml_l_totensor(L, nt);
	int dim = opt_dim(L, nt + 1, x, who);
	ml_tensor *v, *i;
	push_results(L, nt, x->dtype, &v, &i);
	ml_error e;
	if (fn(v, i, x, dim, &e))
		return ml_l_error(L, &e);
	to_one_based(i);
	return 2;
}

static int l_sort_median(lua_State *L) { return middle(L, "median", ml_sort_median); }
static int l_sort_mode(lua_State *L) { return middle(L, "mode", ml_sort_mode); }

/* unique(x [, sorted] [, return_inverse] [, return_counts]) -> values [, inverse] [, counts] */
static int l_sort_unique(lua_State *L)
{
	ml_tensor *x = ml_l_totensor(L, 1);
	if (!x)
		return luaL_error(L, "torch.unique: argument 1 must be a tensor (got %s)", luaL_typename(L, 1));
	opt_flag(L, 2, "unique", "the sorted flag"); /* values are always sorted */
	int want_inv = opt_flag(L, 3, "unique", "return_inverse");
	int want_cnt = opt_flag(L, 4, "unique", "return_counts");
	ml_tensor *v = ml_l_pushtensor(L, x->dtype);
	ml_tensor *inv = want_inv ? ml_l_pushtensor(L, ML_LONG) : NULL;
	ml_tensor *cnt = want_cnt ? ml_l_pushtensor(L, ML_LONG) : NULL;
	ml_error e;
	if (ml_sort_unique(v, inv, cnt, x, &e))
		return ml_l_error(L, &e);
	if (inv)
		to_one_based(inv);
	return 1 + want_inv + want_cnt;
}

/* quantile(x, q [, dim]): q a number, a table of numbers or a tensor.
 * Without dim: a number (q a number) or a 1-D tensor; with dim: x's shape
 * with size #q (1 for a number) at dim.  Float inputs give their dtype,
 * others Double.  (No result-tensor form: with q a tensor it would be
 * ambiguous.) */
static int l_sort_quantile(lua_State *L)
{
	ml_tensor *x = ml_l_totensor(L, 1);
	if (!x)
		return luaL_error(L, "torch.quantile: argument 1 must be a tensor (got %s)", luaL_typename(L, 1));
	ml_tensor *qt = ml_l_totensor(L, 2);
	int scalar_q = lua_type(L, 2) == LUA_TNUMBER;
	int64_t nq;
	if (scalar_q)
		nq = 1;
	else if (qt)
		nq = ml_tensor_numel(qt);
	else if (lua_istable(L, 2))
		nq = (int64_t)lua_rawlen(L, 2);
	else
		return luaL_error(L, "torch.quantile: q (argument 2) must be a number, a table or a tensor (got %s)",
		                  luaL_typename(L, 2));
	int have_dim = !lua_isnoneornil(L, 3);
	int dim = have_dim ? check_dim(L, 3, x, "quantile") : -1;
	/* the quantiles, in a userdata so that an error below frees them */
	double *q = lua_newuserdatauv(L, sizeof(double) * (size_t)(nq > 0 ? nq : 1), 0);
	if (scalar_q) {
		q[0] = lua_tonumber(L, 2);
	} else if (qt) {
		ml_tensor *flat = ml_l_pushtensor(L, ML_DOUBLE);
		ml_error e;
		if (nq > 0 && ml_tensor_clone_as(flat, qt, ML_DOUBLE, &e))
			return ml_l_error(L, &e);
		for (int64_t j = 0; j < nq; j++)
			q[j] = ((const double *)ml_tensor_data(flat))[j];
		lua_pop(L, 1);
	} else {
		for (int64_t j = 0; j < nq; j++) {
			lua_rawgeti(L, 2, (lua_Integer)j + 1);
			int isnum;
			q[j] = lua_tonumberx(L, -1, &isnum);
			if (!isnum)
				return luaL_error(L, "torch.quantile: q[%d] must be a number (got %s)", (int)j + 1,
				                  luaL_typename(L, -1));
			lua_pop(L, 1);
		}
	}
	ml_tensor *res = ml_l_pushtensor(L, ml_dtype_info[x->dtype].is_float ? x->dtype : ML_DOUBLE);
	ml_error e;
	if (ml_sort_quantile(res, x, q, nq, dim, &e))
		return ml_l_error(L, &e);
	if (scalar_q && !have_dim)
		lua_pushnumber(L, ml_load_f64(res->dtype, ml_tensor_data(res)));
	return 1;
}

static const luaL_Reg sort_functions[] = {
	{"sort", l_sort_sort},
	{"topk", l_sort_topk},
	{"kthvalue", l_sort_kthvalue},
	{"median", l_sort_median},
	{"mode", l_sort_mode},
	{"unique", l_sort_unique},
	{"quantile", l_sort_quantile},
	{NULL, NULL},
};

void ml_l_open_sort(lua_State *L, int methods, int torch)
{
	/* the same functions serve both forms: x:sort(1) is torch.sort(x, 1) */
	lua_pushvalue(L, methods);
	luaL_setfuncs(L, sort_functions, 0);
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, sort_functions, 0);
	lua_pop(L, 1);
}
