/*
 * l_metrics.c - Lua binding of kernels/metrics.h as the private table
 * torch._metrics: clf_curve(score, truth) -> fps, tps, thresholds
 * (DoubleTensors, one entry per distinct score, highest first).  The checks
 * of labels and NaN, and the curves themselves, are in
 * stdlib/moonlab/ml/metrics.lua.
 */
#include <string.h>

#include "../kernels/metrics.h"
#include "lmoon.h"

/* A 1-D contiguous DoubleTensor argument (or an empty tensor). */
static const ml_tensor *check_vec(lua_State *L, int idx, const char *name)
{
	const ml_tensor *t = ml_l_checktensor(L, idx);
	if (t->dtype != ML_DOUBLE || t->ndim > 1 || !ml_tensor_is_contiguous(t)) {
		char s[ML_SHAPELEN];
		luaL_error(L, "torch._metrics.clf_curve: %s must be a contiguous 1-D DoubleTensor (got %s of size %s)",
		           name, ml_dtype_info[t->dtype].name, ml_tensor_shape_str(s, sizeof s, t));
	}
	return t;
}

/* Pushes a new DoubleTensor holding the first m of src's n elements. */
static void push_prefix(lua_State *L, const ml_tensor *src, int64_t m)
{
	ml_error e;
	ml_tensor *t = ml_l_pushtensor(L, ML_DOUBLE);
	if (m == 0)
		return;
	if (ml_tensor_resize(t, 1, &m, &e))
		ml_l_error(L, &e);
	memcpy(ml_tensor_data(t), ml_tensor_data(src), (size_t)m * sizeof(double));
	ml_l_account(L, t);
}

/* _metrics.clf_curve(score, truth) -> fps, tps, thresholds. */
static int l_metrics_clf_curve(lua_State *L)
{
	const ml_tensor *s = check_vec(L, 1, "score");
	const ml_tensor *t = check_vec(L, 2, "truth");
	int64_t n = ml_tensor_numel(s);
	if (ml_tensor_numel(t) != n)
		return luaL_error(L, "torch._metrics.clf_curve: score has %d elements, truth %d", (int)n,
		                  (int)ml_tensor_numel(t));
	ml_error e;
	ml_tensor *out[3];
	for (int k = 0; k < 3; k++) {
		out[k] = ml_l_pushtensor(L, ML_DOUBLE);
		if (n > 0 && ml_tensor_resize(out[k], 1, &n, &e))
			return ml_l_error(L, &e);
	}
	int64_t m = 0;
	if (n > 0 && ml_metrics_clf_curve(ml_tensor_data(s), ml_tensor_data(t), n, ml_tensor_data(out[0]),
	                                  ml_tensor_data(out[1]), ml_tensor_data(out[2]), &m, &e))
		return ml_l_error(L, &e);
	for (int k = 0; k < 3; k++)
		push_prefix(L, out[k], m);
	return 3;
}

void ml_l_open_metrics(lua_State *L, int methods, int torch)
{
	(void)methods;
	static const luaL_Reg fns[] = {
		{"clf_curve", l_metrics_clf_curve},
		{NULL, NULL},
	};
	luaL_newlib(L, fns);
	lua_setfield(L, torch, "_metrics");
}
