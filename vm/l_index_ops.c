/*
 * l_index_ops.c - Lua binding of kernels/index.c: index, indexCopy, indexAdd,
 * indexFill, gather, scatter, maskedSelect, maskedCopy, maskedFill, nonzero,
 * as torch.f(...) and x:f(...) with Torch7's argument forms.
 *
 * index, gather, maskedSelect and nonzero return a new tensor, or write into
 * an optional result tensor given first (`res:index(x, dim, idx)`); the other
 * functions work in place on their first argument and return it.  Dimensions
 * and index values are 1-based; negative ones count from the end.  Index
 * arguments are LongTensors, or Lua tables of integers (converted; an
 * extension).  This file only sorts out arguments: the work is in the kernel.
 */
#include "../kernels/index.h"
#include "lmoon.h"

#define BASE 1 /* Torch7's index base */

static ml_tensor *check_tensor(lua_State *L, int idx, const char *who, const char *what)
{
	ml_tensor *t = ml_l_totensor(L, idx);
	if (!t)
		luaL_error(L, "%s: argument %d (%s) must be a tensor (got %s)", who, idx, what,
		           luaL_typename(L, idx));
	return t;
}

/* The 0-based dim at stack index idx (1-based, negatives from the end). */
static int check_dim(lua_State *L, int idx, const ml_tensor *x, const char *who)
{
	int isnum;
	lua_Integer d = lua_tointegerx(L, idx, &isnum);
	if (!isnum)
		return luaL_error(L, "%s: the dimension (argument %d) must be an integer (got %s)", who, idx,
		                  luaL_typename(L, idx));
	lua_Integer d0 = d < 0 ? d + x->ndim : d - 1;
	if (d == 0 || d0 < 0 || d0 >= x->ndim) {
		char s[ML_SHAPELEN];
		return luaL_error(L, "%s: dimension %d out of range for a %d-dimensional tensor (%s)", who,
		                  (int)d, x->ndim, ml_tensor_shape_str(s, sizeof s, x));
	}
	return (int)d0;
}

/* The index at stack index idx: a tensor, or a table of integers converted to
 * a LongTensor that replaces it on the stack (so it lives as long as the call). */
static ml_tensor *check_index(lua_State *L, int idx, const char *who)
{
	ml_tensor *t = ml_l_totensor(L, idx);
	if (t)
		return t;
	if (!lua_istable(L, idx))
		luaL_error(L, "%s: the index (argument %d) must be a LongTensor or a table of integers "
		              "(got %s)", who, idx, luaL_typename(L, idx));
	int64_t n = (int64_t)lua_rawlen(L, idx);
	t = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (n > 0 && ml_tensor_resize(t, 1, &n, &e))
		ml_l_error(L, &e);
	int64_t *p = ml_tensor_data(t);
	for (int64_t i = 0; i < n; i++) {
		lua_rawgeti(L, idx, (lua_Integer)i + 1);
		int isnum;
		p[i] = (int64_t)lua_tointegerx(L, -1, &isnum);
		if (!isnum)
			luaL_error(L, "%s: index entry %d is not an integer", who, (int)i + 1);
		lua_pop(L, 1);
	}
	lua_replace(L, idx);
	return ml_l_totensor(L, idx);
}

static ml_scalar check_value(lua_State *L, int idx, const char *who)
{
	if (lua_isinteger(L, idx))
		return ml_scalar_i64(lua_tointeger(L, idx));
	if (lua_type(L, idx) != LUA_TNUMBER)
		luaL_error(L, "%s: the value (argument %d) must be a number (got %s)", who, idx,
		           luaL_typename(L, idx));
	return ml_scalar_f64(lua_tonumber(L, idx));
}

/* The result: the tensor at stack index 1 when given (pushed again), else a new one. */
static ml_tensor *result(lua_State *L, int given, ml_dtype dt)
{
	if (given) {
		lua_pushvalue(L, 1);
		return ml_l_totensor(L, 1);
	}
	return ml_l_pushtensor(L, dt);
}

/* index([res,] x, dim, index) */
static int l_index_index(lua_State *L)
{
	const char *who = "torch.index";
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	int dim = check_dim(L, 2 + r, x, who);
	ml_tensor *idx = check_index(L, 3 + r, who);
	ml_tensor *res = result(L, r, x->dtype);
	ml_error e;
	if (ml_index_select(who, res, x, dim, idx, BASE, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

/* indexCopy/indexAdd(x, dim, index, src): in place, returns x */
static int index_write(lua_State *L, int add)
{
	const char *who = add ? "torch.indexAdd" : "torch.indexCopy";
	ml_tensor *x = check_tensor(L, 1, who, "the tensor");
	int dim = check_dim(L, 2, x, who);
	ml_tensor *idx = check_index(L, 3, who);
	ml_tensor *src = check_tensor(L, 4, who, "the source");
	ml_error e;
	if ((add ? ml_index_add : ml_index_copy)(who, x, dim, idx, src, BASE, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

static int l_index_indexcopy(lua_State *L) { return index_write(L, 0); }
static int l_index_indexadd(lua_State *L) { return index_write(L, 1); }

/* indexFill(x, dim, index, value): in place, returns x */
static int l_index_indexfill(lua_State *L)
{
	const char *who = "torch.indexFill";
	ml_tensor *x = check_tensor(L, 1, who, "the tensor");
	int dim = check_dim(L, 2, x, who);
	ml_tensor *idx = check_index(L, 3, who);
	ml_scalar v = check_value(L, 4, who);
	ml_error e;
	if (ml_index_fill(who, x, dim, idx, v, BASE, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

/* gather([res,] x, dim, index) */
static int l_index_gather(lua_State *L)
{
	const char *who = "torch.gather";
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	int dim = check_dim(L, 2 + r, x, who);
	ml_tensor *idx = check_index(L, 3 + r, who);
	ml_tensor *res = result(L, r, x->dtype);
	ml_error e;
	if (ml_index_gather(who, res, x, dim, idx, BASE, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

/* scatter(x, dim, index, src | value): in place, returns x */
static int l_index_scatter(lua_State *L)
{
	const char *who = "torch.scatter";
	ml_tensor *x = check_tensor(L, 1, who, "the tensor");
	int dim = check_dim(L, 2, x, who);
	ml_tensor *idx = check_index(L, 3, who);
	ml_tensor *src = ml_l_totensor(L, 4);
	ml_error e;
	int rc = src ? ml_index_scatter(who, x, dim, idx, src, BASE, &e)
	             : ml_index_scatter_fill(who, x, dim, idx, check_value(L, 4, who), BASE, &e);
	if (rc)
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

/* maskedSelect([res,] x, mask) */
static int l_index_maskedselect(lua_State *L)
{
	const char *who = "torch.maskedSelect";
	int r = ml_l_totensor(L, 3) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	ml_tensor *mask = check_tensor(L, 2 + r, who, "the mask");
	ml_tensor *res = result(L, r, x->dtype);
	ml_error e;
	if (ml_index_masked_select(who, res, x, mask, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

/* maskedCopy(x, mask, src): in place, returns x */
static int l_index_maskedcopy(lua_State *L)
{
	const char *who = "torch.maskedCopy";
	ml_tensor *x = check_tensor(L, 1, who, "the tensor");
	ml_tensor *mask = check_tensor(L, 2, who, "the mask");
	ml_tensor *src = check_tensor(L, 3, who, "the source");
	ml_error e;
	if (ml_index_masked_copy(who, x, mask, src, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

/* maskedFill(x, mask, value): in place, returns x */
static int l_index_maskedfill(lua_State *L)
{
	const char *who = "torch.maskedFill";
	ml_tensor *x = check_tensor(L, 1, who, "the tensor");
	ml_tensor *mask = check_tensor(L, 2, who, "the mask");
	ml_scalar v = check_value(L, 3, who);
	ml_error e;
	if (ml_index_masked_fill(who, x, mask, v, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

/* nonzero([res,] x) -> LongTensor n x ndim of 1-based coordinates */
static int l_index_nonzero(lua_State *L)
{
	const char *who = "torch.nonzero";
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	ml_tensor *res = result(L, r, ML_LONG);
	ml_error e;
	if (ml_index_nonzero(who, res, x, BASE, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

static const luaL_Reg index_functions[] = {
	{"index", l_index_index},
	{"indexCopy", l_index_indexcopy},
	{"indexAdd", l_index_indexadd},
	{"indexFill", l_index_indexfill},
	{"gather", l_index_gather},
	{"scatter", l_index_scatter},
	{"maskedSelect", l_index_maskedselect},
	{"maskedCopy", l_index_maskedcopy},
	{"maskedFill", l_index_maskedfill},
	{"nonzero", l_index_nonzero},
	{NULL, NULL},
};

void ml_l_open_index_ops(lua_State *L, int methods, int torch)
{
	/* one function per name serves both forms: x:gather(2, i) is torch.gather(x, 2, i) */
	lua_pushvalue(L, methods);
	luaL_setfuncs(L, index_functions, 0);
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, index_functions, 0);
	lua_pop(L, 1);
}
