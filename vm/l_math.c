/*
 * l_math.c - Lua binding of kernels/math.c: Torch7's element-wise functions
 * (torch.exp, torch.add, torch.lt ...), their method forms, and the arithmetic
 * operators of every tensor metatable.
 *
 * Call forms follow Torch7: torch.f([res,] operands...) writes into res when it
 * is given and returns it, else returns a new tensor of the first tensor
 * operand's dtype; t:f(operands...) works in place on t (t:f(a, b) writes
 * f(a, b) into t).  Comparisons return a new ByteTensor unless a result is
 * given, in both forms.  Shapes broadcast as in numpy.
 *
 * Each function is one row of a table: its name, the operand patterns it
 * accepts, and the kernel call.  One generic C function, with the row and the
 * form (function or method) as upvalues, decides which argument is the result.
 * The operators are separate small functions: they are the latency-sensitive
 * path (a + b on tiny tensors).  Matrix products behind `*` are looked up in
 * the torch table at call time (torch.dot, torch.mv, torch.mm live in
 * l_blas.c).  Reductions are in l_reduce.c.
 */
#include <string.h>

#include "../kernels/math.h"
#include "lmoon.h"

enum { SAME, MASK }; /* result: dtype of the first tensor operand, or a ByteTensor mask */

#define MAX_ARGS 6 /* result + the longest pattern, with room to spare */

typedef struct mfn mfn;
/* A call's arguments: the tensor at each stack slot (NULL for numbers), looked
 * up once, since ml_l_totensor is most of the cost of a small call. */
typedef struct args {
	ml_tensor *t[MAX_ARGS + 1]; /* t[i]: slot i (1-based) */
	int top;                    /* number of arguments */
} args;
/* Computes into res from the operands at stack slots first.., which matched
 * pattern number `form` of f->forms. */
typedef int (*run_fn)(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                      ml_error *e);

struct mfn {
	const char *name;  /* torch.<name> and t:<name> */
	const char *who;   /* "torch.<name>", the prefix of error messages */
	const char *forms; /* operand patterns: t tensor, n number, x either; '|' separates */
	run_fn run;        /* the kernel call */
	int kind;          /* SAME or MASK */
	int op;            /* ml_unary_op, ml_binary_op or ml_compare_op for run */
};

/* ---- operands ---- */

static ml_scalar toscalar(lua_State *L, int idx)
{
	if (lua_isinteger(L, idx))
		return ml_scalar_i64(lua_tointeger(L, idx));
	return ml_scalar_f64(lua_tonumber(L, idx));
}

static ml_scalar negate(ml_scalar s)
{
	if (s.is_int)
		return ml_scalar_i64((int64_t)(0 - (uint64_t)s.i));
	return ml_scalar_f64(-s.f);
}

/* Do slots first..top match the pattern p[0..len)? */
static int match_one(lua_State *L, const args *a, int first, const char *p, size_t len)
{
	if ((int)len != a->top - first + 1)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int idx = first + (int)i;
		int istensor = a->t[idx] != NULL;
		int isnum = !istensor && lua_type(L, idx) == LUA_TNUMBER;
		if ((p[i] == 't' && !istensor) || (p[i] == 'n' && !isnum) ||
		    (p[i] == 'x' && !istensor && !isnum))
			return 0;
	}
	return 1;
}

/* Index of the pattern of `forms` that slots first..top match, or -1. */
static int match(lua_State *L, const args *a, int first, const char *forms)
{
	for (int k = 0;; k++) {
		const char *bar = strchr(forms, '|');
		size_t len = bar ? (size_t)(bar - forms) : strlen(forms);
		if (match_one(L, a, first, forms, len))
			return k;
		if (!bar)
			return -1;
		forms = bar + 1;
	}
}

/* Raises "torch.add: bad arguments (string, number); expected ([res,] tensor,
 * tensor|number) or ([res,] tensor, number, tensor)". */
static int usage_error(lua_State *L, const mfn *f)
{
	int top = lua_gettop(L); /* before luaL_buffinit, which may push */
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, f->who);
	luaL_addstring(&b, ": bad arguments (");
	for (int i = 1; i <= top; i++) {
		luaL_addstring(&b, ml_l_totensor(L, i) ? "tensor" : luaL_typename(L, i));
		if (i < top)
			luaL_addstring(&b, ", ");
	}
	luaL_addstring(&b, "); expected ([res,] ");
	for (const char *p = f->forms; *p; p++) {
		if (*p == '|') {
			luaL_addstring(&b, ") or ([res,] ");
			continue;
		}
		luaL_addstring(&b, *p == 't' ? "tensor" : *p == 'n' ? "number" : "tensor|number");
		if (p[1] && p[1] != '|')
			luaL_addstring(&b, ", ");
	}
	luaL_addstring(&b, ")");
	luaL_pushresult(&b);
	return lua_error(L);
}

/* torch.f(...) and t:f(...) for every row of the table below. */
static int l_math_call(lua_State *L)
{
	const mfn *f = lua_touserdata(L, lua_upvalueindex(1));
	int method = lua_toboolean(L, lua_upvalueindex(2));
	args a;
	a.top = lua_gettop(L);
	if (a.top > MAX_ARGS)
		return usage_error(L, f);
	for (int i = 1; i <= a.top; i++)
		a.t[i] = ml_l_totensor(L, i);
	int resi = 0, first = 1;
	int form = a.top >= 1 && a.t[1] ? match(L, &a, 2, f->forms) : -1;
	if (form >= 0) {
		resi = 1;
		first = 2;
	} else {
		form = match(L, &a, 1, f->forms);
		if (form < 0)
			return usage_error(L, f);
		if (method && f->kind == SAME && a.t[1])
			resi = 1; /* t:f(...) updates t */
	}
	int any = 0;
	for (int i = first; i <= a.top; i++)
		any |= a.t[i] != NULL;
	ml_tensor *res;
	if (!any) {
		res = NULL; /* numbers only (torch.lerp(a, b, w)): run pushes a number */
	} else if (resi) {
		res = a.t[resi];
		lua_pushvalue(L, resi);
	} else {
		ml_dtype dt = ML_BYTE;
		for (int i = first; f->kind == SAME && i <= a.top; i++) {
			if (a.t[i]) {
				dt = a.t[i]->dtype;
				break;
			}
		}
		res = ml_l_pushtensor(L, dt);
	}
	ml_error e;
	if (f->run(L, f, &a, res, first, form, &e))
		return ml_l_error(L, &e);
	if (res && !resi)
		ml_l_account(L, res);
	return 1;
}

/* ---- kernel calls ---- */

/* "t", or "t|n" for UNARY_NUM_ROW: a number gives a number (torch.floor(2.5)
 * is 2); it goes through a one-element double tensor so the kernel's rounding rules
 * hold for both forms. */
static int run_unary(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                     ml_error *e)
{
	if (form == 1) {
		int64_t one = 1;
		ml_tensor tmp;
		int rc = ml_tensor_init_sized(&tmp, ML_DOUBLE, 1, &one, e);
		if (rc)
			return rc;
		ml_store_f64(ML_DOUBLE, ml_tensor_data(&tmp), lua_tonumber(L, first));
		rc = ml_math_unary(f->who, (ml_unary_op)f->op, &tmp, &tmp, e);
		if (!rc)
			lua_pushnumber(L, ml_load_f64(ML_DOUBLE, ml_tensor_data(&tmp)));
		ml_tensor_release(&tmp);
		return rc;
	}
	return ml_math_unary(f->who, (ml_unary_op)f->op, res, a->t[first], e);
}

/* "tx", and for add/csub "tx|tnt" (x + v*y), for pow "tx|nt" (number ^ tensor) */
static int run_binary(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                      ml_error *e)
{
	ml_binary_op op = (ml_binary_op)f->op;
	if (form == 0) {
		ml_tensor *x = a->t[first], *y = a->t[first + 1];
		if (y)
			return ml_math_binary(f->who, op, res, x, y, e);
		return ml_math_binary_ts(f->who, op, res, x, toscalar(L, first + 1), e);
	}
	if (op == ML_POW)
		return ml_math_binary_st(f->who, op, res, toscalar(L, first), a->t[first + 1], e);
	ml_scalar v = toscalar(L, first + 1);
	return ml_math_add_scaled(f->who, res, a->t[first], op == ML_SUB ? negate(v) : v, a->t[first + 2], e);
}

/* "tx" */
static int run_compare(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                       ml_error *e)
{
	(void)form;
	ml_tensor *x = a->t[first], *y = a->t[first + 1];
	if (y)
		return ml_math_compare(f->who, (ml_compare_op)f->op, res, x, y, e);
	return ml_math_compare_ts(f->who, (ml_compare_op)f->op, res, x, toscalar(L, first + 1), e);
}

/* "ttt|tntt": x, [v,] t1, t2 */
static int run_addc(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                    ml_error *e)
{
	ml_scalar v = form ? toscalar(L, first + 1) : ml_scalar_i64(1);
	ml_tensor *x = a->t[first];
	ml_tensor *t1 = a->t[first + 1 + form], *t2 = a->t[first + 2 + form];
	if (f->op == ML_MUL)
		return ml_math_addcmul(f->who, res, x, v, t1, t2, e);
	return ml_math_addcdiv(f->who, res, x, v, t1, t2, e);
}

/* "ttn|nnn": a, b, weight; Torch7 also interpolates numbers */
static int run_lerp(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                    ml_error *e)
{
	if (form == 1) {
		lua_Number x = lua_tonumber(L, first), y = lua_tonumber(L, first + 1);
		lua_pushnumber(L, x + lua_tonumber(L, first + 2) * (y - x));
		return ML_OK;
	}
	return ml_math_lerp(f->who, res, a->t[first], a->t[first + 1], toscalar(L, first + 2), e);
}

/* "tnn": x, min, max */
static int run_clamp(lua_State *L, const mfn *f, const args *a, ml_tensor *res, int first, int form,
                     ml_error *e)
{
	(void)form;
	return ml_math_clamp(f->who, res, a->t[first], toscalar(L, first + 1), toscalar(L, first + 2), e);
}

#define UNARY_ROW(name, OP) {#name, "torch." #name, "t", run_unary, SAME, OP}
/* rounding and sign functions also take a number, as in Torch7 (torch.floor(2.5)) */
#define UNARY_NUM_ROW(name, OP) {#name, "torch." #name, "t|n", run_unary, SAME, OP}
#define BINARY_ROW(name, forms, OP) {#name, "torch." #name, forms, run_binary, SAME, OP}
#define COMPARE_ROW(name, OP) {#name, "torch." #name, "tx", run_compare, MASK, OP}

static const mfn math_fns[] = {
	UNARY_NUM_ROW(abs, ML_ABS),
	UNARY_NUM_ROW(sign, ML_SIGN),
	UNARY_ROW(neg, ML_NEG),
	UNARY_ROW(exp, ML_EXP),
	UNARY_ROW(log, ML_LOG),
	UNARY_ROW(log1p, ML_LOG1P),
	UNARY_ROW(sqrt, ML_SQRT),
	UNARY_ROW(rsqrt, ML_RSQRT),
	UNARY_ROW(sin, ML_SIN),
	UNARY_ROW(cos, ML_COS),
	UNARY_ROW(tan, ML_TAN),
	UNARY_ROW(asin, ML_ASIN),
	UNARY_ROW(acos, ML_ACOS),
	UNARY_ROW(atan, ML_ATAN),
	UNARY_ROW(sinh, ML_SINH),
	UNARY_ROW(cosh, ML_COSH),
	UNARY_ROW(tanh, ML_TANH),
	UNARY_ROW(sigmoid, ML_SIGMOID),
	UNARY_NUM_ROW(floor, ML_FLOOR),
	UNARY_NUM_ROW(ceil, ML_CEIL),
	UNARY_NUM_ROW(round, ML_ROUND),
	UNARY_NUM_ROW(trunc, ML_TRUNC),
	UNARY_NUM_ROW(frac, ML_FRAC),
	UNARY_ROW(cinv, ML_CINV),
	BINARY_ROW(add, "tx|tnt", ML_ADD),
	BINARY_ROW(csub, "tx|tnt", ML_SUB),
	BINARY_ROW(mul, "tx", ML_MUL),
	BINARY_ROW(cmul, "tx", ML_MUL),
	BINARY_ROW(div, "tx", ML_DIV),
	BINARY_ROW(cdiv, "tx", ML_DIV),
	BINARY_ROW(pow, "tx|nt", ML_POW),
	BINARY_ROW(cpow, "tx", ML_POW),
	BINARY_ROW(atan2, "tx", ML_ATAN2),
	BINARY_ROW(fmod, "tx", ML_FMOD),
	BINARY_ROW(cfmod, "tx", ML_FMOD),
	BINARY_ROW(remainder, "tx", ML_REMAINDER),
	BINARY_ROW(cremainder, "tx", ML_REMAINDER),
	BINARY_ROW(cmax, "tx", ML_MAX),
	BINARY_ROW(cmin, "tx", ML_MIN),
	BINARY_ROW(lshift, "tx", ML_LSHIFT),
	BINARY_ROW(clshift, "tx", ML_LSHIFT),
	BINARY_ROW(rshift, "tx", ML_RSHIFT),
	BINARY_ROW(crshift, "tx", ML_RSHIFT),
	BINARY_ROW(bitand, "tx", ML_BITAND),
	BINARY_ROW(cbitand, "tx", ML_BITAND),
	BINARY_ROW(bitor, "tx", ML_BITOR),
	BINARY_ROW(cbitor, "tx", ML_BITOR),
	BINARY_ROW(bitxor, "tx", ML_BITXOR),
	BINARY_ROW(cbitxor, "tx", ML_BITXOR),
	BINARY_ROW(mod, "tx", ML_FMOD),  /* deprecated in Torch7: fmod */
	BINARY_ROW(cmod, "tx", ML_FMOD), /* deprecated in Torch7: cfmod */
	{"addcmul", "torch.addcmul", "ttt|tntt", run_addc, SAME, ML_MUL},
	{"addcdiv", "torch.addcdiv", "ttt|tntt", run_addc, SAME, ML_DIV},
	{"lerp", "torch.lerp", "ttn|nnn", run_lerp, SAME, 0},
	{"clamp", "torch.clamp", "tnn", run_clamp, SAME, 0},
	COMPARE_ROW(lt, ML_LT),
	COMPARE_ROW(le, ML_LE),
	COMPARE_ROW(gt, ML_GT),
	COMPARE_ROW(ge, ML_GE),
	COMPARE_ROW(eq, ML_EQ),
	COMPARE_ROW(ne, ML_NE),
};

/* ---- operators ---- */

/* Pushes a new empty tensor with the dtype and metatable of the tensor at idx:
 * ml_l_pushtensor without the registry lookups, for the operators' latency
 * (the memory record is the operators' upvalue MEM_UPVALUE). */
#define MEM_UPVALUE 2
static ml_tensor *push_like(lua_State *L, int idx, const ml_tensor *like)
{
	ml_l_young_check(L, lua_touserdata(L, lua_upvalueindex(MEM_UPVALUE)));
	ml_tensor *t = lua_newuserdatauv(L, sizeof(ml_tensor), 0);
	ml_tensor_init(t, like->dtype);
	lua_getmetatable(L, idx);
	lua_setmetatable(L, -2);
	return t;
}

/* The tensor at idx, or NULL.  Operators are closures of one dtype's
 * metatable (upvalue 1): an operand with that very metatable is recognised
 * with two API calls; others go through ml_l_totensor. */
static ml_tensor *operand(lua_State *L, int idx)
{
	if (lua_getmetatable(L, idx)) {
		/* pointer comparison: cheaper than lua_rawequal on this hot path */
		int same = lua_topointer(L, -1) == lua_topointer(L, lua_upvalueindex(1));
		lua_pop(L, 1);
		if (same)
			return lua_touserdata(L, idx);
	}
	return ml_l_totensor(L, idx);
}

/* a op b for + - / % ^ (and * by a number): tensor and tensor (broadcast),
 * tensor and number in either order; the result has the first tensor's dtype. */
static int arith(lua_State *L, ml_binary_op op, const char *who)
{
	ml_tensor *a = operand(L, 1), *b = operand(L, 2);
	ml_tensor *res;
	ml_error e;
	int rc;
	if (a && b) {
		res = push_like(L, 1, a);
		rc = ml_math_binary(who, op, res, a, b, &e);
	} else if (a) {
		if (lua_type(L, 2) != LUA_TNUMBER)
			return luaL_error(L, "%s: cannot combine a tensor with a %s", who, luaL_typename(L, 2));
		res = push_like(L, 1, a);
		rc = ml_math_binary_ts(who, op, res, a, toscalar(L, 2), &e);
	} else {
		if (lua_type(L, 1) != LUA_TNUMBER)
			return luaL_error(L, "%s: cannot combine a %s with a tensor", who, luaL_typename(L, 1));
		res = push_like(L, 2, b);
		rc = ml_math_binary_st(who, op, res, toscalar(L, 1), b, &e);
	}
	if (rc)
		return ml_l_error(L, &e);
	ml_l_account(L, res);
	return 1;
}

static int l_math_op_add(lua_State *L) { return arith(L, ML_ADD, "torch.add"); }
static int l_math_op_sub(lua_State *L) { return arith(L, ML_SUB, "torch.csub"); }
static int l_math_op_div(lua_State *L) { return arith(L, ML_DIV, "torch.div"); }
static int l_math_op_mod(lua_State *L) { return arith(L, ML_REMAINDER, "torch.remainder"); }
static int l_math_op_pow(lua_State *L) { return arith(L, ML_POW, "torch.pow"); }

static int l_math_op_unm(lua_State *L)
{
	ml_tensor *a = operand(L, 1);
	if (!a)
		a = ml_l_checktensor(L, 1);
	ml_tensor *res = push_like(L, 1, a);
	ml_error e;
	if (ml_math_unary("torch.neg", ML_NEG, res, a, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, res);
	return 1;
}

/* a * b: by a number element-wise; two tensors: Torch7's matrix products,
 * torch.dot (1-D, 1-D), torch.mv (2-D, 1-D), torch.mm (2-D, 2-D).  Upvalue 2
 * is the torch table. */
static int l_math_op_mul(lua_State *L)
{
	ml_tensor *a = operand(L, 1), *b = operand(L, 2);
	if (!a || !b)
		return arith(L, ML_MUL, "torch.mul");
	const char *fn = NULL;
	if (a->ndim == 1 && b->ndim == 1)
		fn = "dot";
	else if (a->ndim == 2 && b->ndim == 1)
		fn = "mv";
	else if (a->ndim == 2 && b->ndim == 2)
		fn = "mm";
	if (!fn) {
		char sa[ML_SHAPELEN], sb[ML_SHAPELEN];
		return luaL_error(L, "torch.mul: * of two tensors is the matrix product of 1-D or 2-D "
		                     "tensors, got %s and %s (use torch.cmul for element-wise)",
		                  ml_tensor_shape_str(sa, sizeof sa, a), ml_tensor_shape_str(sb, sizeof sb, b));
	}
	if (lua_getfield(L, lua_upvalueindex(3), fn) != LUA_TFUNCTION)
		return luaL_error(L, "torch.mul: torch.%s is not available for the matrix product", fn);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_call(L, 2, 1);
	return 1;
}

void ml_l_open_math(lua_State *L, int methods, int torch)
{
	for (size_t i = 0; i < sizeof math_fns / sizeof *math_fns; i++) {
		lua_pushlightuserdata(L, (void *)&math_fns[i]);
		lua_pushboolean(L, 0);
		lua_pushcclosure(L, l_math_call, 2);
		lua_setfield(L, torch, math_fns[i].name);
		lua_pushlightuserdata(L, (void *)&math_fns[i]);
		lua_pushboolean(L, 1);
		lua_pushcclosure(L, l_math_call, 2);
		lua_setfield(L, methods, math_fns[i].name);
	}
	static const luaL_Reg ops[] = {
		{"__add", l_math_op_add}, {"__sub", l_math_op_sub}, {"__div", l_math_op_div},
		{"__mod", l_math_op_mod}, {"__pow", l_math_op_pow}, {"__unm", l_math_op_unm},
		{NULL, NULL},
	};
	ml_l_mem *mem = ml_l_mem_of(L); /* a full userdata kept by the registry */
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		luaL_getmetatable(L, ml_l_tensor_mt[dt]);
		int mt = lua_gettop(L);
		for (const luaL_Reg *r = ops; r->name; r++) {
			lua_pushvalue(L, mt);
			lua_pushlightuserdata(L, mem);
			lua_pushcclosure(L, r->func, 2);
			lua_setfield(L, mt, r->name);
		}
		lua_pushvalue(L, mt);
		lua_pushlightuserdata(L, mem);
		lua_pushvalue(L, torch);
		lua_pushcclosure(L, l_math_op_mul, 3);
		lua_setfield(L, mt, "__mul");
		lua_pop(L, 1);
	}
}
