/*
 * l_lapack.c - Lua binding of kernels/lapack.c: Torch7's linear algebra
 * (gesv, trtrs, potrf, potrs, potri, pstrf, gels, symeig, eig, svd, inverse,
 * qr, geqrf, orgqr, ormqr) and the extensions det, logdet, slogdet, pinv,
 * lstsq and cholesky, as torch.* functions and as tensor methods.
 *
 * Call forms, as Torch7 parses them: the leading tensor arguments are either
 * the inputs alone (new results are returned) or the result tensors followed
 * by the inputs; options (one-letter strings, numbers) come last:
 *   torch.gesv([resb, resa,] b, a)        x, lu = torch.gesv(b, a)
 *   torch.symeig([rese, resv,] a [, 'N'|'V' [, 'U'|'L']])
 * A method call is the same function with self as its first argument, so
 * a:inverse() is torch.inverse(a) and b:gesv(a) solves a x = b (PyTorch's
 * methods; Torch7 had none for these).  This file only parses arguments and
 * allocates results; shapes, layouts and LAPACK live in the kernel.
 */
#include <math.h>
#include <string.h>

#include "lmoon.h"
#include "../kernels/lapack.h"

/* Where the arguments of one call are. */
typedef struct call {
	const char *who;   /* "torch.gesv", for messages */
	int given;         /* 1 when result tensors lead the arguments */
	int first;         /* stack index of the first input tensor */
	int opt;           /* stack index of the first option */
	int top;           /* number of arguments */
} call;

/* Splits the arguments into ([res1..resR,] in1..inI, options...): raises a
 * usage error when the leading tensors are neither I nor R + I, or when more
 * than maxopt options follow. */
static void parse(lua_State *L, call *c, const char *who, const char *usage, int nres, int nin,
                  int maxopt)
{
	int top = lua_gettop(L), nt = 0;
	while (nt < top && ml_l_totensor(L, nt + 1))
		nt++;
	c->who = who;
	c->top = top;
	if (nt == nin)
		c->given = 0;
	else if (nres > 0 && nt == nres + nin)
		c->given = 1;
	else
		luaL_error(L, "%s: bad arguments, expected %s", who, usage);
	if (top - nt > maxopt)
		luaL_error(L, "%s: bad arguments, expected %s (argument %d is a %s)", who, usage, nt + 1,
		           luaL_typename(L, nt + 1));
	c->first = nt - nin + 1;
	c->opt = nt + 1;
}

/* Input i (0-based) of the call. */
static ml_tensor *input(lua_State *L, const call *c, int i)
{
	return ml_l_totensor(L, c->first + i);
}

/* Result i (1-based): the given tensor, or a new one of dtype dt pushed on
 * the stack.  *idx gets its stack index. */
static ml_tensor *result(lua_State *L, const call *c, int i, ml_dtype dt, int *idx)
{
	if (c->given) {
		*idx = i;
		return ml_l_totensor(L, i);
	}
	ml_tensor *t = ml_l_pushtensor(L, dt);
	*idx = lua_gettop(L);
	return t;
}

/* Option k (0-based) as one letter, `def` when absent or nil. */
static char opt_char(lua_State *L, const call *c, int k, const char *name, char def)
{
	int idx = c->opt + k;
	if (idx > c->top || lua_isnil(L, idx))
		return def;
	size_t len;
	const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
	if (!s || len != 1)
		luaL_error(L, "%s: %s must be a one-letter string (argument %d is %s)", c->who, name, idx,
		           s ? "a longer string" : luaL_typename(L, idx));
	return s[0];
}

/* Option k as a number, `def` when absent or nil. */
static double opt_number(lua_State *L, const call *c, int k, const char *name, double def)
{
	int idx = c->opt + k;
	if (idx > c->top || lua_isnil(L, idx))
		return def;
	if (lua_type(L, idx) != LUA_TNUMBER)
		luaL_error(L, "%s: %s must be a number (argument %d is a %s)", c->who, name, idx,
		           luaL_typename(L, idx));
	return lua_tonumber(L, idx);
}

/* Pushes the results at stack indices idx[0..n).  The storage of a tensor
 * lives outside Lua's allocator, so the collector does not see it: without a
 * hint, a loop making large results (x, lu = torch.gesv(b, a)) piles up
 * garbage, and every call faults in fresh pages (about 2x slower on 1000x1000
 * systems here).  The results created by this call are accounted with
 * ml_l_account, so the previous results are collected and their memory reused. */
static int pushvalues(lua_State *L, const call *c, int n, const int *idx)
{
	for (int i = 0; i < n; i++) {
		const ml_tensor *t = ml_l_totensor(L, idx[i]);
		if (!c->given && t)
			ml_l_account(L, t);
	}
	for (int i = 0; i < n; i++)
		lua_pushvalue(L, idx[i]);
	return n;
}

/* torch.gesv([resb, resa,] b, a) -> x, lu */
static int l_lapack_gesv(lua_State *L)
{
	call c;
	parse(L, &c, "torch.gesv", "([resb, resa,] b, a)", 2, 2, 0);
	ml_tensor *b = input(L, &c, 0), *a = input(L, &c, 1);
	int idx[2];
	ml_tensor *x = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *lu = result(L, &c, 2, a->dtype, &idx[1]);
	ml_error e;
	if (ml_lapack_gesv(x, lu, b, a, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 2, idx);
}

/* torch.trtrs([resb, resa,] b, a [, uplo [, trans [, diag]]]) -> x, a copy */
static int l_lapack_trtrs(lua_State *L)
{
	call c;
	parse(L, &c, "torch.trtrs", "([resb, resa,] b, a [, 'U'|'L' [, 'N'|'T' [, 'N'|'U']]])", 2, 2, 3);
	ml_tensor *b = input(L, &c, 0), *a = input(L, &c, 1);
	char uplo = opt_char(L, &c, 0, "uplo", 'U'), trans = opt_char(L, &c, 1, "trans", 'N');
	char diag = opt_char(L, &c, 2, "diag", 'N');
	int idx[2];
	ml_tensor *x = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *ra = result(L, &c, 2, a->dtype, &idx[1]);
	ml_error e;
	if (ml_lapack_trtrs(x, ra, b, a, uplo, trans, diag, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 2, idx);
}

/* torch.potrf([res,] a [, uplo]) -> the Cholesky factor */
static int l_lapack_potrf(lua_State *L)
{
	call c;
	parse(L, &c, "torch.potrf", "([res,] a [, 'U'|'L'])", 1, 1, 1);
	ml_tensor *a = input(L, &c, 0);
	char uplo = opt_char(L, &c, 0, "uplo", 'U');
	int idx;
	ml_tensor *res = result(L, &c, 1, a->dtype, &idx);
	ml_error e;
	if (ml_lapack_potrf(res, a, uplo, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.cholesky([res,] a [, upper]) -> L (default) or U (upper == true) */
static int l_lapack_cholesky(lua_State *L)
{
	call c;
	parse(L, &c, "torch.cholesky", "([res,] a [, upper])", 1, 1, 1);
	ml_tensor *a = input(L, &c, 0);
	if (c.opt <= c.top && !lua_isnil(L, c.opt) && !lua_isboolean(L, c.opt))
		return luaL_error(L, "torch.cholesky: upper must be a boolean (argument %d is a %s)", c.opt,
		                  luaL_typename(L, c.opt));
	char uplo = c.opt <= c.top && lua_toboolean(L, c.opt) ? 'U' : 'L';
	int idx;
	ml_tensor *res = result(L, &c, 1, a->dtype, &idx);
	ml_error e;
	if (ml_lapack_potrf(res, a, uplo, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.potrs([res,] b, chol [, uplo]) -> x */
static int l_lapack_potrs(lua_State *L)
{
	call c;
	parse(L, &c, "torch.potrs", "([res,] b, chol [, 'U'|'L'])", 1, 2, 1);
	ml_tensor *b = input(L, &c, 0), *chol = input(L, &c, 1);
	char uplo = opt_char(L, &c, 0, "uplo", 'U');
	int idx;
	ml_tensor *res = result(L, &c, 1, chol->dtype, &idx);
	ml_error e;
	if (ml_lapack_potrs(res, b, chol, uplo, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.potri([res,] chol [, uplo]) -> the inverse */
static int l_lapack_potri(lua_State *L)
{
	call c;
	parse(L, &c, "torch.potri", "([res,] chol [, 'U'|'L'])", 1, 1, 1);
	ml_tensor *chol = input(L, &c, 0);
	char uplo = opt_char(L, &c, 0, "uplo", 'U');
	int idx;
	ml_tensor *res = result(L, &c, 1, chol->dtype, &idx);
	ml_error e;
	if (ml_lapack_potri(res, chol, uplo, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.pstrf([res, piv,] a [, uplo [, tol]]) -> factor, piv (IntTensor), rank */
static int l_lapack_pstrf(lua_State *L)
{
	call c;
	parse(L, &c, "torch.pstrf", "([res, piv,] a [, 'U'|'L' [, tol]])", 2, 1, 2);
	ml_tensor *a = input(L, &c, 0);
	char uplo = opt_char(L, &c, 0, "uplo", 'U');
	double tol = opt_number(L, &c, 1, "tol", -1);
	int idx[2];
	ml_tensor *res = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *piv = result(L, &c, 2, ML_INT, &idx[1]);
	int64_t rank = 0;
	ml_error e;
	if (ml_lapack_pstrf(res, piv, a, uplo, tol, &rank, c.who, &e))
		return ml_l_error(L, &e);
	pushvalues(L, &c, 2, idx);
	lua_pushinteger(L, (lua_Integer)rank);
	return 3;
}

/* torch.gels([resb, resa,] b, a) -> x (max(M, N) rows), factorization */
static int l_lapack_gels(lua_State *L)
{
	call c;
	parse(L, &c, "torch.gels", "([resb, resa,] b, a)", 2, 2, 0);
	ml_tensor *b = input(L, &c, 0), *a = input(L, &c, 1);
	int idx[2];
	ml_tensor *x = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *ra = result(L, &c, 2, a->dtype, &idx[1]);
	ml_error e;
	if (ml_lapack_gels(x, ra, b, a, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 2, idx);
}

/* torch.lstsq(b, a [, rcond]) -> x, residuals, rank, s (numpy.linalg.lstsq) */
static int l_lapack_lstsq(lua_State *L)
{
	call c;
	parse(L, &c, "torch.lstsq", "(b, a [, rcond])", 0, 2, 1);
	ml_tensor *b = input(L, &c, 0), *a = input(L, &c, 1);
	double rcond = opt_number(L, &c, 0, "rcond", -1);
	int idx[3];
	ml_tensor *x = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *res = result(L, &c, 2, a->dtype, &idx[1]);
	ml_tensor *s = result(L, &c, 3, a->dtype, &idx[2]);
	int64_t rank = 0;
	ml_error e;
	if (ml_lapack_lstsq(x, res, s, &rank, b, a, rcond, c.who, &e))
		return ml_l_error(L, &e);
	pushvalues(L, &c, 2, idx);
	lua_pushinteger(L, (lua_Integer)rank);
	lua_pushvalue(L, idx[2]);
	return 4;
}

/* torch.symeig([rese, resv,] a [, jobz [, uplo]]) -> e [, v] */
static int l_lapack_symeig(lua_State *L)
{
	call c;
	parse(L, &c, "torch.symeig", "([rese, resv,] a [, 'N'|'V' [, 'U'|'L']])", 2, 1, 2);
	ml_tensor *a = input(L, &c, 0);
	char jobz = opt_char(L, &c, 0, "jobz", 'N'), uplo = opt_char(L, &c, 1, "uplo", 'U');
	int idx[2];
	ml_tensor *w = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *v = jobz == 'V' || c.given ? result(L, &c, 2, a->dtype, &idx[1]) : NULL;
	ml_error e;
	if (ml_lapack_syev(w, v, a, jobz, uplo, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, jobz == 'V' ? 2 : 1, idx);
}

/* torch.eig([rese, resv,] a [, jobvr]) -> e (N x 2) [, v] */
static int l_lapack_eig(lua_State *L)
{
	call c;
	parse(L, &c, "torch.eig", "([rese, resv,] a [, 'N'|'V'])", 2, 1, 1);
	ml_tensor *a = input(L, &c, 0);
	char jobvr = opt_char(L, &c, 0, "jobvr", 'N');
	int idx[2];
	ml_tensor *w = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *v = jobvr == 'V' || c.given ? result(L, &c, 2, a->dtype, &idx[1]) : NULL;
	ml_error e;
	if (ml_lapack_geev(w, v, a, jobvr, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, jobvr == 'V' ? 2 : 1, idx);
}

/* torch.svd([resu, ress, resv,] a [, 'S'|'A']) -> u, s, v with a = u diag(s) v^T */
static int l_lapack_svd(lua_State *L)
{
	call c;
	parse(L, &c, "torch.svd", "([resu, ress, resv,] a [, 'S'|'A'])", 3, 1, 1);
	ml_tensor *a = input(L, &c, 0);
	char jobz = opt_char(L, &c, 0, "jobz", 'S');
	if (jobz != 'S' && jobz != 'A')
		return luaL_error(L, "torch.svd: the option must be 'S' or 'A' (got '%c')", jobz);
	int idx[3];
	ml_tensor *u = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *s = result(L, &c, 2, a->dtype, &idx[1]);
	ml_tensor *v = result(L, &c, 3, a->dtype, &idx[2]);
	ml_error e;
	if (ml_lapack_gesdd(u, s, v, a, jobz, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 3, idx);
}

/* torch.inverse([res,] a) */
static int l_lapack_inverse(lua_State *L)
{
	call c;
	parse(L, &c, "torch.inverse", "([res,] a)", 1, 1, 0);
	ml_tensor *a = input(L, &c, 0);
	int idx;
	ml_tensor *res = result(L, &c, 1, a->dtype, &idx);
	ml_error e;
	if (ml_lapack_inverse(res, a, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.pinv([res,] a [, rcond]) */
static int l_lapack_pinv(lua_State *L)
{
	call c;
	parse(L, &c, "torch.pinv", "([res,] a [, rcond])", 1, 1, 1);
	ml_tensor *a = input(L, &c, 0);
	double rcond = opt_number(L, &c, 0, "rcond", 1e-15);
	int idx;
	ml_tensor *res = result(L, &c, 1, a->dtype, &idx);
	ml_error e;
	if (ml_lapack_pinv(res, a, rcond, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.qr([q, r,] a) -> q, r */
static int l_lapack_qr(lua_State *L)
{
	call c;
	parse(L, &c, "torch.qr", "([q, r,] a)", 2, 1, 0);
	ml_tensor *a = input(L, &c, 0);
	int idx[2];
	ml_tensor *q = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *r = result(L, &c, 2, a->dtype, &idx[1]);
	ml_error e;
	if (ml_lapack_qr(q, r, a, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 2, idx);
}

/* torch.geqrf([m, tau,] a) -> m, tau */
static int l_lapack_geqrf(lua_State *L)
{
	call c;
	parse(L, &c, "torch.geqrf", "([m, tau,] a)", 2, 1, 0);
	ml_tensor *a = input(L, &c, 0);
	int idx[2];
	ml_tensor *m = result(L, &c, 1, a->dtype, &idx[0]);
	ml_tensor *tau = result(L, &c, 2, a->dtype, &idx[1]);
	ml_error e;
	if (ml_lapack_geqrf(m, tau, a, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 2, idx);
}

/* torch.orgqr([q,] m, tau) -> q */
static int l_lapack_orgqr(lua_State *L)
{
	call c;
	parse(L, &c, "torch.orgqr", "([q,] m, tau)", 1, 2, 0);
	ml_tensor *m = input(L, &c, 0), *tau = input(L, &c, 1);
	int idx;
	ml_tensor *q = result(L, &c, 1, m->dtype, &idx);
	ml_error e;
	if (ml_lapack_orgqr(q, m, tau, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.ormqr([res,] m, tau, c [, side [, trans]]) */
static int l_lapack_ormqr(lua_State *L)
{
	call c;
	parse(L, &c, "torch.ormqr", "([res,] m, tau, mat [, 'L'|'R' [, 'N'|'T']])", 1, 3, 2);
	ml_tensor *m = input(L, &c, 0), *tau = input(L, &c, 1), *mat = input(L, &c, 2);
	char side = opt_char(L, &c, 0, "side", 'L'), trans = opt_char(L, &c, 1, "trans", 'N');
	int idx;
	ml_tensor *res = result(L, &c, 1, m->dtype, &idx);
	ml_error e;
	if (ml_lapack_ormqr(res, m, tau, mat, side, trans, c.who, &e))
		return ml_l_error(L, &e);
	return pushvalues(L, &c, 1, &idx);
}

/* torch.det(a) -> number */
static int l_lapack_det(lua_State *L)
{
	call c;
	parse(L, &c, "torch.det", "(a)", 0, 1, 0);
	double d;
	ml_error e;
	if (ml_lapack_det(input(L, &c, 0), &d, c.who, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, d);
	return 1;
}

/* torch.logdet(a) -> log(det) (NaN when det < 0, -inf when 0), sign, log|det| */
static int l_lapack_logdet(lua_State *L)
{
	call c;
	parse(L, &c, "torch.logdet", "(a)", 0, 1, 0);
	double sign, logabs;
	ml_error e;
	if (ml_lapack_slogdet(input(L, &c, 0), &sign, &logabs, c.who, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, sign < 0 ? NAN : logabs);
	lua_pushnumber(L, sign);
	lua_pushnumber(L, logabs);
	return 3;
}

/* torch.slogdet(a) -> sign, log|det| (numpy's slogdet) */
static int l_lapack_slogdet(lua_State *L)
{
	call c;
	parse(L, &c, "torch.slogdet", "(a)", 0, 1, 0);
	double sign, logabs;
	ml_error e;
	if (ml_lapack_slogdet(input(L, &c, 0), &sign, &logabs, c.who, &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, sign);
	lua_pushnumber(L, logabs);
	return 2;
}

static const luaL_Reg functions[] = {
	{"gesv", l_lapack_gesv},       {"trtrs", l_lapack_trtrs},     {"potrf", l_lapack_potrf},
	{"potrs", l_lapack_potrs},     {"potri", l_lapack_potri},     {"pstrf", l_lapack_pstrf},
	{"gels", l_lapack_gels},       {"lstsq", l_lapack_lstsq},     {"symeig", l_lapack_symeig},
	{"eig", l_lapack_eig},         {"svd", l_lapack_svd},         {"inverse", l_lapack_inverse},
	{"pinv", l_lapack_pinv},       {"qr", l_lapack_qr},           {"geqrf", l_lapack_geqrf},
	{"orgqr", l_lapack_orgqr},     {"ormqr", l_lapack_ormqr},     {"det", l_lapack_det},
	{"logdet", l_lapack_logdet},   {"slogdet", l_lapack_slogdet}, {"cholesky", l_lapack_cholesky},
	{NULL, NULL}};

void ml_l_open_lapack(lua_State *L, int methods, int torch)
{
	for (const luaL_Reg *r = functions; r->name; r++) {
		lua_pushcfunction(L, r->func);
		lua_pushvalue(L, -1);
		lua_setfield(L, methods, r->name);
		lua_setfield(L, torch, r->name);
	}
}
