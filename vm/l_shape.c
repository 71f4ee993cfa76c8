/*
 * l_shape.c - Lua binding of kernels/shape.c: cat, repeatTensor, diag, tril,
 * triu, histc, bhistc, cross, renorm, equal; and split and chunk, which only
 * make views (narrow) and so live here entirely.
 *
 * Argument forms follow Torch7: an optional result tensor first, then the
 * inputs, then options (`torch.cat([res,] x1, x2 [, dim])`,
 * `torch.cat([res,] {x1, x2, ...} [, dim])`).  The method form is the same
 * function (`x:diag()` is torch.diag(x)), except renorm, whose method form
 * works in place as Torch7's does.  Dimensions are 1-based, negatives count
 * from the end; cat's dimension -1 (or none) is Torch7's default: the last
 * dimension of the input with the most dimensions.
 */
#include "../kernels/shape.h"
#include "lmoon.h"

static ml_tensor *check_tensor(lua_State *L, int idx, const char *who, const char *what)
{
	ml_tensor *t = ml_l_totensor(L, idx);
	if (!t)
		luaL_error(L, "%s: argument %d (%s) must be a tensor (got %s)", who, idx, what,
		           luaL_typename(L, idx));
	return t;
}

static lua_Integer check_int(lua_State *L, int idx, const char *who, const char *what)
{
	int isnum;
	lua_Integer v = lua_tointegerx(L, idx, &isnum);
	if (!isnum)
		luaL_error(L, "%s: %s (argument %d) must be an integer (got %s)", who, what, idx,
		           lua_type(L, idx) == LUA_TNUMBER ? "a fraction" : luaL_typename(L, idx));
	return v;
}

/* 1-based dim (negatives from the end) of a tensor with ndim dimensions -> 0-based */
static int check_dim(lua_State *L, int idx, int ndim, const char *who)
{
	lua_Integer d = check_int(L, idx, who, "the dimension");
	lua_Integer d0 = d < 0 ? d + ndim : d - 1;
	if (d == 0 || d0 < 0 || d0 >= ndim)
		return luaL_error(L, "%s: dimension %d out of range for a %d-dimensional tensor", who, (int)d,
		                  ndim);
	return (int)d0;
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

/* ---- cat ---- */

/* cat([res,] x1, x2 [, dim]) and cat([res,] {x1, x2, ...} [, dim]) */
static int l_shape_cat(lua_State *L)
{
	const char *who = "torch.cat";
	int r, first, n, list, top = lua_gettop(L);
	if (lua_istable(L, 1)) {
		r = 0, list = 1;
	} else if (ml_l_totensor(L, 1) && lua_istable(L, 2)) {
		r = 1, list = 2;
	} else {
		check_tensor(L, 1, who, "a tensor");
		check_tensor(L, 2, who, "a tensor");
		r = ml_l_totensor(L, 3) != NULL;
		list = 0;
	}
	int dimarg;
	if (list) {
		n = (int)lua_rawlen(L, list);
		dimarg = list + 1;
	} else {
		n = 2;
		dimarg = 3 + r;
	}
	first = list ? 0 : 1 + r;
	/* the inputs' addresses, in a userdata so that no malloc is held across an error */
	const ml_tensor **xs = lua_newuserdatauv(L, sizeof(ml_tensor *) * (size_t)(n ? n : 1), 0);
	int scratch = lua_gettop(L);
	for (int i = 0; i < n; i++) {
		if (list) {
			lua_rawgeti(L, list, i + 1);
			xs[i] = ml_l_totensor(L, -1);
			if (!xs[i])
				return luaL_error(L, "%s: entry %d of the table is a %s (expected a tensor)", who, i + 1,
				                  luaL_typename(L, -1));
			lua_pop(L, 1); /* the table keeps it alive */
		} else {
			xs[i] = ml_l_totensor(L, first + i);
		}
	}
	if (n == 0)
		return luaL_error(L, "%s: no tensors to join (empty table)", who);
	int dim;
	lua_Integer d = dimarg > top || lua_isnil(L, dimarg) ? -1 : check_int(L, dimarg, who, "the dimension");
	if (d == -1) {
		dim = ml_shape_cat_default_dim(n, xs);
	} else {
		int maxdim = ml_shape_cat_default_dim(n, xs) + 1;
		if (d == 0 || (d < 0 && d + maxdim < 0))
			return luaL_error(L, "%s: dimension %d out of range for tensors of up to %d dimensions",
			                  who, (int)d, maxdim);
		dim = (int)(d < 0 ? d + maxdim : d - 1);
	}
	ml_tensor *res = result(L, r, xs[0]->dtype);
	ml_error e;
	if (ml_shape_cat(who, res, n, xs, dim, &e))
		return ml_l_error(L, &e);
	lua_remove(L, scratch);
	return ml_l_return_result(L, r);
}

/* ---- split, chunk: tables of views ---- */

/* Pushes (or refills the table given first) the narrows of x along dim of size
 * step (the last one shorter). */
static int split_views(lua_State *L, int given, ml_tensor *x, int dim, int64_t step)
{
	if (given) {
		lua_pushvalue(L, 1);
		for (lua_Integer i = (lua_Integer)lua_rawlen(L, -1); i >= 1; i--) {
			lua_pushnil(L);
			lua_rawseti(L, -2, i);
		}
	} else {
		lua_newtable(L);
	}
	int64_t len = x->size[dim];
	lua_Integer k = 1;
	for (int64_t at = 0; at < len; at += step) {
		ml_tensor *v = ml_l_pushview(L, x);
		ml_tensor_narrow(v, dim, at, len - at < step ? len - at : step, NULL);
		lua_rawseti(L, -2, k++);
	}
	return 1;
}

/* split([result,] x, size [, dim = 1]), chunk([result,] x, n [, dim = 1]) */
static int split_or_chunk(lua_State *L, int chunk)
{
	const char *who = chunk ? "torch.chunk" : "torch.split";
	int r = lua_istable(L, 1);
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	lua_Integer k = check_int(L, 2 + r, who, chunk ? "the number of chunks" : "the size");
	if (x->ndim == 0)
		return luaL_error(L, "%s: the tensor is empty", who);
	int dim = lua_isnoneornil(L, 3 + r) ? 0 : check_dim(L, 3 + r, x->ndim, who);
	if (k < 1)
		return luaL_error(L, "%s: %s must be positive (got %d)", who,
		                  chunk ? "the number of chunks" : "the size", (int)k);
	int64_t step = k;
	if (chunk)
		step = (x->size[dim] + k - 1) / k;
	if (step < 1)
		step = 1;
	return split_views(L, r, x, dim, step);
}

static int l_shape_split(lua_State *L) { return split_or_chunk(L, 0); }
static int l_shape_chunk(lua_State *L) { return split_or_chunk(L, 1); }

/* ---- repeatTensor ---- */

/* repeatTensor([res,] x, n1, n2, ... | LongStorage | table) */
static int l_shape_repeattensor(lua_State *L)
{
	const char *who = "torch.repeatTensor";
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	int64_t reps[ML_MAX_DIMS];
	int nrep = ml_l_checksizes(L, 2 + r, reps, who);
	ml_tensor *res = result(L, r, x->dtype);
	ml_error e;
	if (ml_shape_repeat(who, res, x, nrep, reps, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

/* ---- diag, tril, triu ---- */

/* f([res,] x [, k = 0]) */
static int with_k(lua_State *L, const char *who, int kind)
{
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	int64_t k = lua_isnoneornil(L, 2 + r) ? 0 : check_int(L, 2 + r, who, "the diagonal k");
	ml_tensor *res = result(L, r, x->dtype);
	ml_error e;
	int rc = kind == 0 ? ml_shape_diag(who, res, x, k, &e) : ml_shape_tri(who, res, x, k, kind == 2, &e);
	if (rc)
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

static int l_shape_diag(lua_State *L) { return with_k(L, "torch.diag", 0); }
static int l_shape_tril(lua_State *L) { return with_k(L, "torch.tril", 1); }
static int l_shape_triu(lua_State *L) { return with_k(L, "torch.triu", 2); }

/* ---- histc, bhistc ---- */

/* f([res,] x [, nbins = 100 [, min = 0, max = 0]]) */
static int histogram(lua_State *L, int batched)
{
	const char *who = batched ? "torch.bhistc" : "torch.histc";
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	int64_t nbins = lua_isnoneornil(L, 2 + r) ? 100 : check_int(L, 2 + r, who, "the number of bins");
	double lo = 0, hi = 0;
	for (int i = 0; i < 2; i++) {
		int at = 3 + r + i;
		if (lua_isnoneornil(L, at))
			continue;
		if (lua_type(L, at) != LUA_TNUMBER)
			return luaL_error(L, "%s: %s (argument %d) must be a number (got %s)", who,
			                  i ? "max" : "min", at, luaL_typename(L, at));
		*(i ? &hi : &lo) = lua_tonumber(L, at);
	}
	ml_tensor *res = result(L, r, x->dtype);
	ml_error e;
	if ((batched ? ml_shape_bhistc : ml_shape_histc)(who, res, x, nbins, lo, hi, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

static int l_shape_histc(lua_State *L) { return histogram(L, 0); }
static int l_shape_bhistc(lua_State *L) { return histogram(L, 1); }

/* ---- cross ---- */

/* cross([res,] a, b [, dim]) */
static int l_shape_cross(lua_State *L)
{
	const char *who = "torch.cross";
	int r = ml_l_totensor(L, 3) != NULL;
	ml_tensor *a = check_tensor(L, 1 + r, who, "the first vector");
	ml_tensor *b = check_tensor(L, 2 + r, who, "the second vector");
	int dim = lua_isnoneornil(L, 3 + r) ? -1 : check_dim(L, 3 + r, a->ndim, who);
	ml_tensor *res = result(L, r, a->dtype);
	ml_error e;
	if (ml_shape_cross(who, res, a, b, dim, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r);
}

/* ---- renorm ---- */

/* ([res,] x, p, dim, maxnorm); in the method form without res, x is the result */
static int renorm(lua_State *L, int method)
{
	const char *who = "torch.renorm";
	int r = ml_l_totensor(L, 2) != NULL;
	ml_tensor *x = check_tensor(L, 1 + r, who, "the tensor");
	for (int i = 2; i <= 4; i++)
		if (lua_type(L, i + r) != LUA_TNUMBER)
			return luaL_error(L, "%s: argument %d (%s) must be a number (got %s)", who, i + r,
			                  i == 2 ? "p" : i == 3 ? "the dimension" : "maxnorm", luaL_typename(L, i + r));
	double p = lua_tonumber(L, 2 + r), maxnorm = lua_tonumber(L, 4 + r);
	if (x->ndim == 0)
		return luaL_error(L, "%s: the tensor is empty", who);
	int dim = check_dim(L, 3 + r, x->ndim, who);
	ml_tensor *res = result(L, r || method, x->dtype);
	ml_error e;
	if (ml_shape_renorm(who, res, x, p, dim, maxnorm, &e))
		return ml_l_error(L, &e);
	return ml_l_return_result(L, r || method);
}

static int l_shape_renorm(lua_State *L) { return renorm(L, 0); }
static int l_shape_renorm_method(lua_State *L) { return renorm(L, 1); }

/* ---- equal ---- */

/* equal(a, b) -> boolean: same shape and elements */
static int l_shape_equal(lua_State *L)
{
	const char *who = "torch.equal";
	ml_tensor *a = check_tensor(L, 1, who, "the first tensor");
	ml_tensor *b = check_tensor(L, 2, who, "the second tensor");
	int eq;
	ml_error e;
	if (ml_shape_equal(a, b, &eq, &e))
		return ml_l_error(L, &e);
	lua_pushboolean(L, eq);
	return 1;
}

static const luaL_Reg shape_functions[] = {
	{"cat", l_shape_cat},
	{"split", l_shape_split},
	{"chunk", l_shape_chunk},
	{"repeatTensor", l_shape_repeattensor},
	{"diag", l_shape_diag},
	{"tril", l_shape_tril},
	{"triu", l_shape_triu},
	{"histc", l_shape_histc},
	{"bhistc", l_shape_bhistc},
	{"cross", l_shape_cross},
	{"renorm", l_shape_renorm},
	{"equal", l_shape_equal},
	{NULL, NULL},
};

void ml_l_open_shape(lua_State *L, int methods, int torch)
{
	lua_pushvalue(L, methods);
	luaL_setfuncs(L, shape_functions, 0);
	lua_pushcfunction(L, l_shape_renorm_method);
	lua_setfield(L, -2, "renorm");
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, shape_functions, 0);
	lua_pop(L, 1);
}
