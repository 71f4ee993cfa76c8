/*
 * nn_common.h - what the nn kernels (nn.c, nn_spatial.c, nn_volumetric.c)
 * share: element access of a Float/Double buffer by flat index, and the
 * dtype and image checks every entry point starts with.  Internal to
 * kernels/ (static inline: each file gets its own copy).  Not here: the
 * loops themselves.
 */
#ifndef ML_NN_COMMON_H
#define ML_NN_COMMON_H

#include "tensor.h"

/* Element i of a Float (f32) or Double buffer, as a double. */
static inline double ld(int f32, const void *p, int64_t i)
{
	return f32 ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

/* Stores v at element i of a Float (f32) or Double buffer. */
static inline void st(int f32, void *p, int64_t i, double v)
{
	if (f32)
		((float *)p)[i] = (float)v;
	else
		((double *)p)[i] = v;
}

/* t must be Float or Double. */
static inline int check_float(const char *who, const ml_tensor *t, ml_error *e)
{
	if (t->dtype != ML_FLOAT && t->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: expected a Float or Double tensor (got %s)", who,
		               ml_dtype_info[t->dtype].name);
	return ML_OK;
}

/* x must be a contiguous Float/Double (N, C, H, W) tensor. */
static inline int check_image(const char *who, const ml_tensor *x, ml_error *e)
{
	if (check_float(who, x, e))
		return ML_ETYPE;
	if (x->ndim != 4 || !ml_tensor_is_contiguous(x)) {
		char b[ML_SHAPELEN];
		return ml_fail(e, ML_ESHAPE, "%s: expected a contiguous (N, C, H, W) tensor (got %s)", who,
		               ml_tensor_shape_str(b, sizeof b, x));
	}
	return ML_OK;
}

/* a and b must have one dtype. */
static inline int same_dtype(const char *who, const ml_tensor *a, const ml_tensor *b, ml_error *e)
{
	if (a->dtype != b->dtype)
		return ml_fail(e, ML_ETYPE, "%s: dtypes differ (%s and %s)", who, ml_dtype_info[a->dtype].name,
		               ml_dtype_info[b->dtype].name);
	return ML_OK;
}

#endif
