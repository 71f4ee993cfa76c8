/*
 * l_nn_spatial.c - Lua binding of kernels/nn_spatial.h as the private table
 * torch._nnsp, used by stdlib/moonlab/nn/spatial.lua:
 *   im2col(cols, x, kW, kH, dW, dH, padW, padH, dilW, dilH, who)
 *   col2im(x, cols, kW, kH, dW, dH, padW, padH, dilW, dilH, who)
 *   maxpool(y, idx, x, kW, kH, dW, dH, padW, padH, dilW, dilH, ceil, who)
 *   adaptive_avg(y, x, oW, oH, who), adaptive_avg_backward(gx, gy, who)
 *   adaptive_max(y, idx, x, oW, oH, who)
 *   fracmax(y, idx, x, samples, oW, oH, poolW, poolH, who)
 * Argument order is Torch7's (width before height); `who` names the layer
 * in error messages.  Each returns its first tensor.  Not here: argument
 * defaults and batch handling (the Lua layer).
 */
#include "../kernels/nn_spatial.h"
#include "lmoon.h"

/* The window from 8 integers at stack index i (kW, kH, dW, dH, padW, padH, dilW, dilH). */
static ml_nn_spatial_window check_window(lua_State *L, int i)
{
	ml_nn_spatial_window w;
	w.kw = luaL_checkinteger(L, i);
	w.kh = luaL_checkinteger(L, i + 1);
	w.dw = luaL_checkinteger(L, i + 2);
	w.dh = luaL_checkinteger(L, i + 3);
	w.pw = luaL_checkinteger(L, i + 4);
	w.ph = luaL_checkinteger(L, i + 5);
	w.lw = luaL_checkinteger(L, i + 6);
	w.lh = luaL_checkinteger(L, i + 7);
	w.ceil_mode = 0;
	return w;
}

static int l_nn_spatial_im2col(lua_State *L)
{
	ml_tensor *cols = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_nn_spatial_window w = check_window(L, 3);
	const char *who = luaL_optstring(L, 11, "nn.SpatialDilatedConvolution");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_im2col(cols, x, &w, who, &e), &e);
}

static int l_nn_spatial_col2im(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	ml_tensor *cols = ml_l_checktensor(L, 2);
	ml_nn_spatial_window w = check_window(L, 3);
	const char *who = luaL_optstring(L, 11, "nn.SpatialDilatedConvolution");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_col2im(x, cols, &w, who, &e), &e);
}

static int l_nn_spatial_maxpool(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *idx = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	ml_nn_spatial_window w = check_window(L, 4);
	w.ceil_mode = lua_toboolean(L, 12);
	const char *who = luaL_optstring(L, 13, "nn.SpatialDilatedMaxPooling");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_maxpool(y, idx, x, &w, who, &e), &e);
}

static int l_nn_spatial_adaptive_avg(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	int64_t ow = luaL_checkinteger(L, 3), oh = luaL_checkinteger(L, 4);
	const char *who = luaL_optstring(L, 5, "nn.SpatialAdaptiveAveragePooling");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_adaptive_avg(y, x, oh, ow, who, &e), &e);
}

static int l_nn_spatial_adaptive_avg_backward(lua_State *L)
{
	ml_tensor *gx = ml_l_checktensor(L, 1);
	ml_tensor *gy = ml_l_checktensor(L, 2);
	const char *who = luaL_optstring(L, 3, "nn.SpatialAdaptiveAveragePooling");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_adaptive_avg_backward(gx, gy, who, &e), &e);
}

static int l_nn_spatial_adaptive_max(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *idx = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	int64_t ow = luaL_checkinteger(L, 4), oh = luaL_checkinteger(L, 5);
	const char *who = luaL_optstring(L, 6, "nn.SpatialAdaptiveMaxPooling");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_adaptive_max(y, idx, x, oh, ow, who, &e), &e);
}

static int l_nn_spatial_fracmax(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *idx = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	ml_tensor *s = ml_l_checktensor(L, 4);
	int64_t ow = luaL_checkinteger(L, 5), oh = luaL_checkinteger(L, 6);
	int64_t kw = luaL_checkinteger(L, 7), kh = luaL_checkinteger(L, 8);
	const char *who = luaL_optstring(L, 9, "nn.SpatialFractionalMaxPooling");
	ml_error e;
	return ml_l_return_first(L, ml_nn_spatial_fracmax(y, idx, x, s, oh, ow, kh, kw, who, &e), &e);
}

static const luaL_Reg nn_spatial_functions[] = {
	{"im2col", l_nn_spatial_im2col},
	{"col2im", l_nn_spatial_col2im},
	{"maxpool", l_nn_spatial_maxpool},
	{"adaptive_avg", l_nn_spatial_adaptive_avg},
	{"adaptive_avg_backward", l_nn_spatial_adaptive_avg_backward},
	{"adaptive_max", l_nn_spatial_adaptive_max},
	{"fracmax", l_nn_spatial_fracmax},
	{NULL, NULL},
};

void ml_l_open_nn_spatial(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, nn_spatial_functions, 0);
	lua_setfield(L, torch, "_nnsp");
}
