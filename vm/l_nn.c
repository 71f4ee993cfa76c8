/*
 * l_nn.c - Lua binding of kernels/nn.h as the private table torch._nn, used
 * by stdlib/moonlab/nn (convolution, pooling and threshold layers):
 *   im2col(cols, x, kW, kH, dW, dH, padW, padH)
 *   col2im(x, cols, kW, kH, dW, dH, padW, padH)
 *   maxpool2d(y, idx, x, kW, kH, dW, dH, padW, padH, ceil)
 *   maxpool2d_backward(gx, gy, idx)
 *   avgpool2d(y, x, kW, kH, dW, dH, padW, padH, ceil, count_include_pad)
 *   avgpool2d_backward(gx, gy, kW, kH, dW, dH, padW, padH, ceil, count_include_pad)
 *   threshold(y, x, th, val), threshold_backward(g, x, th)
 * Argument order is Torch7's (width before height).  Each returns its first
 * tensor.  Not here: argument defaults and batch handling (the Lua layer).
 */
#include "../kernels/nn.h"
#include "lmoon.h"

/* The window from 6 integers at stack index i (kW, kH, dW, dH, padW, padH). */
static ml_nn_window check_window(lua_State *L, int i)
{
	ml_nn_window w;
	w.kw = luaL_checkinteger(L, i);
	w.kh = luaL_checkinteger(L, i + 1);
	w.dw = luaL_checkinteger(L, i + 2);
	w.dh = luaL_checkinteger(L, i + 3);
	w.pw = luaL_checkinteger(L, i + 4);
	w.ph = luaL_checkinteger(L, i + 5);
	w.ceil_mode = 0;
	return w;
}

static int l_nn_im2col(lua_State *L)
{
	ml_tensor *cols = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_nn_window w = check_window(L, 3);
	ml_error e;
	return ml_l_return_first(L, ml_nn_im2col(cols, x, &w, &e), &e);
}

static int l_nn_col2im(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	ml_tensor *cols = ml_l_checktensor(L, 2);
	ml_nn_window w = check_window(L, 3);
	ml_error e;
	return ml_l_return_first(L, ml_nn_col2im(x, cols, &w, &e), &e);
}

static int l_nn_maxpool2d(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *idx = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	ml_nn_window w = check_window(L, 4);
	w.ceil_mode = lua_toboolean(L, 10);
	ml_error e;
	return ml_l_return_first(L, ml_nn_maxpool2d(y, idx, x, &w, &e), &e);
}

static int l_nn_maxpool2d_backward(lua_State *L)
{
	ml_tensor *gx = ml_l_checktensor(L, 1);
	ml_tensor *gy = ml_l_checktensor(L, 2);
	ml_tensor *idx = ml_l_checktensor(L, 3);
	ml_error e;
	return ml_l_return_first(L, ml_nn_maxpool2d_backward(gx, gy, idx, &e), &e);
}

static int l_nn_avgpool2d(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_nn_window w = check_window(L, 3);
	w.ceil_mode = lua_toboolean(L, 9);
	int cip = lua_toboolean(L, 10);
	ml_error e;
	return ml_l_return_first(L, ml_nn_avgpool2d(y, x, &w, cip, &e), &e);
}

static int l_nn_avgpool2d_backward(lua_State *L)
{
	ml_tensor *gx = ml_l_checktensor(L, 1);
	ml_tensor *gy = ml_l_checktensor(L, 2);
	ml_nn_window w = check_window(L, 3);
	w.ceil_mode = lua_toboolean(L, 9);
	int cip = lua_toboolean(L, 10);
	ml_error e;
	return ml_l_return_first(L, ml_nn_avgpool2d_backward(gx, gy, &w, cip, &e), &e);
}

static int l_nn_threshold(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	double th = luaL_checknumber(L, 3), val = luaL_checknumber(L, 4);
	ml_error e;
	return ml_l_return_first(L, ml_nn_threshold(y, x, th, val, &e), &e);
}

/* torch._nn.threshold_backward(gradInput, gradOutput, input, th) -> gradInput */
static int l_nn_threshold_backward(lua_State *L)
{
	ml_tensor *gi = ml_l_checktensor(L, 1);
	ml_tensor *go = ml_l_checktensor(L, 2);
	ml_tensor *x = ml_l_checktensor(L, 3);
	double th = luaL_checknumber(L, 4);
	ml_error e;
	return ml_l_return_first(L, ml_nn_threshold_backward(gi, go, x, th, &e), &e);
}

/* torch._nn.sgd_step(x, g, v|nil, lr, wd, mom, damp, nesterov, first) -> x */
static int l_nn_sgd_step(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	ml_tensor *g = ml_l_checktensor(L, 2);
	ml_tensor *v = lua_isnoneornil(L, 3) ? NULL : ml_l_checktensor(L, 3);
	ml_nn_sgd o = {
		.lr = luaL_checknumber(L, 4),
		.wd = luaL_checknumber(L, 5),
		.mom = luaL_checknumber(L, 6),
		.damp = luaL_checknumber(L, 7),
		.nesterov = lua_toboolean(L, 8),
		.first = lua_toboolean(L, 9),
	};
	ml_error e;
	return ml_l_return_first(L, ml_nn_sgd_step(x, g, v, &o, &e), &e);
}

/* torch._nn.log_softmax(y, x) -> y */
static int l_nn_log_softmax(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1);
	ml_tensor *x = ml_l_checktensor(L, 2);
	ml_error e;
	return ml_l_return_first(L, ml_nn_log_softmax(y, x, &e), &e);
}

/* torch._nn.log_softmax_backward(gradInput, gradOutput, output) -> gradInput */
static int l_nn_log_softmax_backward(lua_State *L)
{
	ml_tensor *gi = ml_l_checktensor(L, 1);
	ml_tensor *go = ml_l_checktensor(L, 2);
	ml_tensor *y = ml_l_checktensor(L, 3);
	ml_error e;
	return ml_l_return_first(L, ml_nn_log_softmax_backward(gi, go, y, &e), &e);
}

static const luaL_Reg nn_functions[] = {
	{"log_softmax", l_nn_log_softmax},
	{"log_softmax_backward", l_nn_log_softmax_backward},
	{"sgd_step", l_nn_sgd_step},
	{"im2col", l_nn_im2col},
	{"col2im", l_nn_col2im},
	{"maxpool2d", l_nn_maxpool2d},
	{"maxpool2d_backward", l_nn_maxpool2d_backward},
	{"avgpool2d", l_nn_avgpool2d},
	{"avgpool2d_backward", l_nn_avgpool2d_backward},
	{"threshold", l_nn_threshold},
	{"threshold_backward", l_nn_threshold_backward},
	{NULL, NULL},
};

void ml_l_open_nn(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, nn_functions, 0);
	lua_setfield(L, torch, "_nn");
}
