/*
 * l_blas.c - Lua binding of kernels/blas.c: torch.dot, mv, mm, bmm, ger,
 * addmv, addmm, addr, addbmm, baddbmm (Torch7's call forms) and matmul
 * (numpy's semantics), as torch.* functions and as tensor methods.
 *
 * Call forms, as Torch7 parses them:
 *   torch.mm([res,] a, b)                      M:mm(a, b)   (result into M)
 *   torch.addmm([res,] [v1,] M, [v2,] a, b)    res = v1*M + v2*(a @ b)
 *   r:addmm([v1,] [M,] [v2,] a, b)             M defaults to r; with M absent
 *                                              a single scalar is v2
 * This file only parses arguments and allocates results; shapes, aliasing
 * and arithmetic live in the kernel.
 */
#include "lmoon.h"
#include "../kernels/blas.h"

typedef int (*add_fn)(ml_tensor *res, double beta, const ml_tensor *m, double alpha,
                      const ml_tensor *x, const ml_tensor *y, const char *who, ml_error *e);

typedef struct blas_op {
	const char *name;   /* Lua name */
	const char *who;    /* prefix of error messages */
	add_fn fn;          /* kernel */
	const char *usage;  /* argument list for the usage error */
} blas_op;

/* Plain products: m == NULL. */
static const blas_op products[] = {
	{"mv", "torch.mv", ml_blas_addmv, "([res,] mat, vec)"},
	{"mm", "torch.mm", ml_blas_addmm, "([res,] mat1, mat2)"},
	{"bmm", "torch.bmm", ml_blas_baddbmm, "([res,] batch1, batch2)"},
	{"ger", "torch.ger", ml_blas_addr, "([res,] vec1, vec2)"},
};

/* Products added to a tensor M. */
static const blas_op adds[] = {
	{"addmv", "torch.addmv", ml_blas_addmv, "([res,] [v1,] vec, [v2,] mat, vec2)"},
	{"addmm", "torch.addmm", ml_blas_addmm, "([res,] [v1,] M, [v2,] mat1, mat2)"},
	{"addr", "torch.addr", ml_blas_addr, "([res,] [v1,] M, [v2,] vec1, vec2)"},
	{"addbmm", "torch.addbmm", ml_blas_addbmm, "([res,] [v1,] M, [v2,] batch1, batch2)"},
	{"baddbmm", "torch.baddbmm", ml_blas_baddbmm, "([res,] [v1,] M, [v2,] batch1, batch2)"},
};

static int usage(lua_State *L, const blas_op *op)
{
	return luaL_error(L, "%s: bad arguments, expected %s", op->who, op->usage);
}

/* torch.dot(x, y), x:dot(y): a number (an integer for integer tensors). */
static int l_blas_dot(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	ml_tensor *y = ml_l_checktensor(L, 2);
	double f;
	int64_t i;
	ml_error e;
	if (ml_blas_dot(x, y, &f, &i, "torch.dot", &e))
		return ml_l_error(L, &e);
	if (ml_dtype_info[x->dtype].is_float)
		lua_pushnumber(L, f);
	else
		lua_pushinteger(L, i);
	return 1;
}

/* mv, mm, bmm, ger: ([res,] a, b); upvalue 1 is the index in products[]. */
static int l_blas_product(lua_State *L)
{
	const blas_op *op = &products[lua_tointeger(L, lua_upvalueindex(1))];
	int top = lua_gettop(L);
	if (top != 2 && top != 3)
		return usage(L, op);
	int first = top - 1;
	ml_tensor *a = ml_l_checktensor(L, first);
	ml_tensor *b = ml_l_checktensor(L, first + 1);
	ml_tensor *res = top == 3 ? ml_l_checktensor(L, 1) : ml_l_pushtensor(L, a->dtype);
	ml_error e;
	if (op->fn(res, 0, NULL, 1, a, b, op->who, &e))
		return ml_l_error(L, &e);
	if (top == 3)
		lua_settop(L, 1);
	else
		ml_l_account(L, res);
	return 1;
}

/* Reads [v1,] M, [v2,] x, y from argument i on; returns 0 when they do not fit. */
static int parse_add(lua_State *L, int i, int top, double *v1, int *m, double *v2, int *x)
{
	if (i <= top && lua_type(L, i) == LUA_TNUMBER)
		*v1 = lua_tonumber(L, i++);
	if (i > top || !ml_l_totensor(L, i))
		return 0;
	*m = i++;
	if (i <= top && lua_type(L, i) == LUA_TNUMBER)
		*v2 = lua_tonumber(L, i++);
	*x = i;
	return i + 1 == top && ml_l_totensor(L, i) && ml_l_totensor(L, i + 1);
}

/* addmv, addmm, addr, addbmm, baddbmm; upvalue 1 is the index in adds[],
 * upvalue 2 is true for the method form (argument 1 is the result). */
static int l_blas_add(lua_State *L)
{
	const blas_op *op = &adds[lua_tointeger(L, lua_upvalueindex(1))];
	int method = lua_toboolean(L, lua_upvalueindex(2));
	int top = lua_gettop(L), ntensors = 0;
	for (int i = 1; i <= top; i++) {
		if (ml_l_totensor(L, i))
			ntensors++;
		else if (lua_type(L, i) != LUA_TNUMBER)
			return luaL_error(L, "%s: argument %d is a %s, expected a tensor or a number", op->who, i,
			                  luaL_typename(L, i));
	}
	double v1 = 1, v2 = 1;
	int res = 0, m = 0, x = 0, ok;
	if (method) {
		res = 1;
		if (!ml_l_totensor(L, 1))
			return usage(L, op);
		if (ntensors == 3) {
			/* r:addmm([v1,] [v2,] a, b): M is r; one scalar is v2 */
			int nnum = top - 3;
			m = 1;
			if (nnum == 1)
				v2 = lua_tonumber(L, 2);
			else if (nnum == 2) {
				v1 = lua_tonumber(L, 2);
				v2 = lua_tonumber(L, 3);
			}
			x = top - 1;
			ok = nnum <= 2 && ml_l_totensor(L, x) && ml_l_totensor(L, x + 1);
		} else {
			ok = ntensors == 4 && parse_add(L, 2, top, &v1, &m, &v2, &x);
		}
	} else if (ntensors == 4) {
		res = 1;
		ok = ml_l_totensor(L, 1) && parse_add(L, 2, top, &v1, &m, &v2, &x);
	} else {
		ok = ntensors == 3 && parse_add(L, 1, top, &v1, &m, &v2, &x);
	}
	if (!ok)
		return usage(L, op);
	ml_tensor *tm = ml_l_totensor(L, m);
	ml_tensor *tres = res ? ml_l_totensor(L, res) : ml_l_pushtensor(L, tm->dtype);
	ml_error e;
	if (op->fn(tres, v1, tm, v2, ml_l_totensor(L, x), ml_l_totensor(L, x + 1), op->who, &e))
		return ml_l_error(L, &e);
	if (res)
		lua_pushvalue(L, res);
	return 1;
}

/* torch.matmul([res,] a, b), a:matmul(b), res:matmul(a, b).  Two vectors give
 * their dot product: a number, or a 1-element res when one is given. */
static int l_blas_matmul(lua_State *L)
{
	int top = lua_gettop(L);
	if (top != 2 && top != 3)
		return luaL_error(L, "torch.matmul: bad arguments, expected ([res,] a, b)");
	int first = top - 1;
	ml_tensor *a = ml_l_checktensor(L, first);
	ml_tensor *b = ml_l_checktensor(L, first + 1);
	ml_tensor *res = top == 3 ? ml_l_checktensor(L, 1) : NULL;
	ml_error e;
	if (a->ndim == 1 && b->ndim == 1) {
		double f;
		int64_t i;
		if (ml_blas_dot(a, b, &f, &i, "torch.matmul", &e))
			return ml_l_error(L, &e);
		if (!res) {
			if (ml_dtype_info[a->dtype].is_float)
				lua_pushnumber(L, f);
			else
				lua_pushinteger(L, i);
			return 1;
		}
		int64_t one = 1;
		if (res->dtype != a->dtype)
			return luaL_error(L, "torch.matmul: tensors must have the same type (got %s and %s)",
			                  ml_dtype_name(res->dtype), ml_dtype_name(a->dtype));
		if (ml_tensor_resize(res, 1, &one, &e))
			return ml_l_error(L, &e);
		if (ml_dtype_info[a->dtype].is_float)
			ml_tensor_fill(res, f);
		else
			ml_tensor_fill_i64(res, i);
		lua_settop(L, 1);
		return 1;
	}
	if (!res)
		res = ml_l_pushtensor(L, a->dtype);
	if (ml_blas_matmul(res, a, b, "torch.matmul", &e))
		return ml_l_error(L, &e);
	if (top == 3)
		lua_settop(L, 1);
	else
		ml_l_account(L, res);
	return 1;
}

/* Sets f under `name` in the tables at stack indices methods and torch. */
static void set_both(lua_State *L, int methods, int torch, const char *name)
{
	lua_pushvalue(L, -1);
	lua_setfield(L, methods, name);
	lua_setfield(L, torch, name);
}

void ml_l_open_blas(lua_State *L, int methods, int torch)
{
	lua_pushcfunction(L, l_blas_dot);
	set_both(L, methods, torch, "dot");
	lua_pushcfunction(L, l_blas_matmul);
	set_both(L, methods, torch, "matmul");
	for (size_t k = 0; k < sizeof products / sizeof products[0]; k++) {
		lua_pushinteger(L, (lua_Integer)k);
		lua_pushcclosure(L, l_blas_product, 1);
		set_both(L, methods, torch, products[k].name);
	}
	for (size_t k = 0; k < sizeof adds / sizeof adds[0]; k++) {
		for (int method = 0; method <= 1; method++) {
			lua_pushinteger(L, (lua_Integer)k);
			lua_pushboolean(L, method);
			lua_pushcclosure(L, l_blas_add, 2);
			lua_setfield(L, method ? methods : torch, adds[k].name);
		}
	}
}
