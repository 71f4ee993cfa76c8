/*
 * l_conv.c - Lua binding of kernels/conv.c: torch.conv2, xcorr2, conv3,
 * xcorr3 and their method forms (x:conv2(k) is torch.conv2(x, k)).
 *
 * Form: ([res,] x, k [, 'V' | 'F']); 'V' (valid, the default) or 'F'
 * (full).  The forms by dimensions (2-D/3-D, batched, summed over planes)
 * are decided by the kernel; this file only parses arguments.
 */
#include <string.h>

#include "../kernels/conv.h"
#include "lmoon.h"

typedef int (*conv_fn)(ml_tensor *, const ml_tensor *, const ml_tensor *, int, ml_error *);

static int convolve(lua_State *L, const char *who, conv_fn fn)
{
	int ri = 0, xi = 1;
	if (ml_l_totensor(L, 3)) {
		ri = 1;
		xi = 2;
	}
	ml_tensor *x = ml_l_totensor(L, xi);
	if (!x)
		return luaL_error(L, "torch.%s: argument %d must be a tensor (got %s)", who, xi, luaL_typename(L, xi));
	ml_tensor *k = ml_l_totensor(L, xi + 1);
	if (!k)
		return luaL_error(L, "torch.%s: argument %d (the kernel) must be a tensor (got %s)", who, xi + 1,
		                  luaL_typename(L, xi + 1));
	int full = 0, mi = xi + 2;
	if (!lua_isnoneornil(L, mi)) {
		const char *m = lua_type(L, mi) == LUA_TSTRING ? lua_tostring(L, mi) : NULL;
		if (!m || (strcmp(m, "V") != 0 && strcmp(m, "F") != 0))
			return luaL_error(L, "torch.%s: the mode (argument %d) must be 'V' or 'F' (got %s)", who, mi,
			                  m ? m : luaL_typename(L, mi));
		full = m[0] == 'F';
	}
	ml_tensor *res;
	if (ri) {
		res = ml_l_totensor(L, ri);
		lua_pushvalue(L, ri);
	} else {
		res = ml_l_pushtensor(L, x->dtype);
	}
	ml_error e;
	if (fn(res, x, k, full, &e))
		return ml_l_error(L, &e);
	return 1;
}

static int l_conv_conv2(lua_State *L) { return convolve(L, "conv2", ml_conv_conv2); }
static int l_conv_xcorr2(lua_State *L) { return convolve(L, "xcorr2", ml_conv_xcorr2); }
static int l_conv_conv3(lua_State *L) { return convolve(L, "conv3", ml_conv_conv3); }
static int l_conv_xcorr3(lua_State *L) { return convolve(L, "xcorr3", ml_conv_xcorr3); }

static const luaL_Reg conv_functions[] = {
	{"conv2", l_conv_conv2},
	{"xcorr2", l_conv_xcorr2},
	{"conv3", l_conv_conv3},
	{"xcorr3", l_conv_xcorr3},
	{NULL, NULL},
};

void ml_l_open_conv(lua_State *L, int methods, int torch)
{
	lua_pushvalue(L, methods);
	luaL_setfuncs(L, conv_functions, 0);
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, conv_functions, 0);
	lua_pop(L, 1);
}
