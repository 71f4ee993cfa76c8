/*
 * l_nn_volumetric.c - Lua binding of kernels/nn_volumetric.h as the private
 * table torch._nn_volumetric, used by stdlib/moonlab/nn/volumetric.lua.  A
 * window is 12 integers in Torch7's order (kT, kW, kH, dT, dW, dH, padT,
 * padW, padH, dilationT, dilationW, dilationH):
 *   vol2col(cols, x, window..., who)        col2vol(x, cols, window..., who)
 *   maxpool(y, idx, x, window..., ceil, who)
 *   scatter(gx, gy, idx, who)               gather(y, x, idx, who)
 *   avgpool(y, x, kT, kW, kH, dT, dW, dH, padT, padW, padH, ceil, count_include_pad)
 *   avgpool_backward(gx, gy, <the same 11 arguments>)
 *   fracmaxpool(y, idx, x, samples, outT, outW, outH, poolT, poolW, poolH)
 *   replpad(y, x, left, right, top, bottom, front, back)
 *   replpad_backward(gx, gy, <the same 6 pads>)
 * `who` (optional) names the Lua module in error messages.  Each returns its
 * first tensor.  Not here: argument defaults and batch handling (Lua).
 */
#include "../kernels/nn_volumetric.h"
#include "lmoon.h"

/* A window of n integers at stack index i: 9 (kernel, stride, padding) or
 * 12 (and dilation), in Torch7's (T, W, H) order. */
static ml_vol_window check_window(lua_State *L, int i, int n)
{
	ml_vol_window w;
	int64_t *f[4] = {w.k, w.d, w.p, w.dil};
	for (int g = 0; g < 4; g++) {
		if (g * 3 >= n) {
			f[g][0] = f[g][1] = f[g][2] = 1;
			continue;
		}
		f[g][0] = luaL_checkinteger(L, i + 3 * g);     /* T */
		f[g][2] = luaL_checkinteger(L, i + 3 * g + 1); /* W */
		f[g][1] = luaL_checkinteger(L, i + 3 * g + 2); /* H */
	}
	w.ceil_mode = 0;
	return w;
}

static int l_nn_volumetric_vol2col(lua_State *L)
{
	ml_tensor *cols = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_vol_window w = check_window(L, 3, 12);
	const char *who = luaL_optstring(L, 15, "nn.VolumetricConvolution");
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_vol2col(cols, x, &w, who, &e), &e);
}

static int l_nn_volumetric_col2vol(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	ml_tensor *cols = ml_l_checktensor(L, 2);
	ml_vol_window w = check_window(L, 3, 12);
	const char *who = luaL_optstring(L, 15, "nn.VolumetricConvolution");
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_col2vol(x, cols, &w, who, &e), &e);
}

static int l_nn_volumetric_maxpool(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *idx = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	ml_vol_window w = check_window(L, 4, 12);
	w.ceil_mode = lua_toboolean(L, 16);
	const char *who = luaL_optstring(L, 17, "nn.VolumetricMaxPooling");
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_maxpool(y, idx, x, &w, who, &e), &e);
}

static int l_nn_volumetric_scatter(lua_State *L)
{
	ml_tensor *gx = ml_l_checktensor(L, 1);
	ml_tensor *gy = ml_l_checktensor(L, 2);
	ml_tensor *idx = ml_l_checktensor(L, 3);
	const char *who = luaL_optstring(L, 4, "nn.VolumetricMaxPooling");
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_scatter(gx, gy, idx, who, &e), &e);
}

static int l_nn_volumetric_gather(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_tensor *idx = ml_l_checktensor(L, 3);
	const char *who = luaL_optstring(L, 4, "nn.VolumetricMaxUnpooling");
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_gather(y, x, idx, who, &e), &e);
}

static int l_nn_volumetric_avgpool(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_vol_window w = check_window(L, 3, 9);
	w.ceil_mode = lua_toboolean(L, 12);
	int cip = lua_toboolean(L, 13);
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_avgpool(y, x, &w, cip, &e), &e);
}

static int l_nn_volumetric_avgpool_backward(lua_State *L)
{
	ml_tensor *gx = ml_l_checktensor(L, 1);
	ml_tensor *gy = ml_l_checktensor(L, 2);
	ml_vol_window w = check_window(L, 3, 9);
	w.ceil_mode = lua_toboolean(L, 12);
	int cip = lua_toboolean(L, 13);
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_avgpool_backward(gx, gy, &w, cip, &e), &e);
}

static int l_nn_volumetric_fracmaxpool(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *idx = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	ml_tensor *samples = ml_l_checktensor(L, 4);
	int64_t out[3], pool[3];
	for (int a = 0; a < 3; a++) {
		out[a] = luaL_checkinteger(L, 5 + a);
		pool[a] = luaL_checkinteger(L, 8 + a);
	}
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_fracmaxpool(y, idx, x, samples, out, pool, &e), &e);
}

static void check_pads(lua_State *L, int i, int64_t pad[6])
{
	for (int a = 0; a < 6; a++)
		pad[a] = luaL_checkinteger(L, i + a);
}

static int l_nn_volumetric_replpad(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	int64_t pad[6];
	check_pads(L, 3, pad);
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_replpad(y, x, pad, &e), &e);
}

static int l_nn_volumetric_replpad_backward(lua_State *L)
{
	ml_tensor *gx = ml_l_checktensor(L, 1);
	ml_tensor *gy = ml_l_checktensor(L, 2);
	int64_t pad[6];
	check_pads(L, 3, pad);
	ml_error e;
	return ml_l_return_first(L, ml_volumetric_replpad_backward(gx, gy, pad, &e), &e);
}

static const luaL_Reg nn_volumetric_functions[] = {
	{"vol2col", l_nn_volumetric_vol2col},
	{"col2vol", l_nn_volumetric_col2vol},
	{"maxpool", l_nn_volumetric_maxpool},
	{"scatter", l_nn_volumetric_scatter},
	{"gather", l_nn_volumetric_gather},
	{"avgpool", l_nn_volumetric_avgpool},
	{"avgpool_backward", l_nn_volumetric_avgpool_backward},
	{"fracmaxpool", l_nn_volumetric_fracmaxpool},
	{"replpad", l_nn_volumetric_replpad},
	{"replpad_backward", l_nn_volumetric_replpad_backward},
	{NULL, NULL},
};

void ml_l_open_nn_volumetric(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, nn_volumetric_functions, 0);
	lua_setfield(L, torch, "_nn_volumetric");
}
