/*
 * dtype.h - the element types of moonlab tensors, listed once.
 *
 * ML_DTYPES(X) expands X(ENUM, suffix, ctype, Name, is_float) for every type, in
 * Torch7's order.  Everything that depends on the list of types (the enum, the
 * names, the traits table, per-dtype kernels) is generated from it, so adding a
 * type is a one-line change here.  This header does not describe storage or
 * tensors; see tensor.h.
 */
#ifndef ML_DTYPE_H
#define ML_DTYPE_H

#include <stddef.h>
#include <stdint.h>

#define ML_DTYPES(X)                                  \
	X(BYTE, u8, uint8_t, Byte, 0)                 \
	X(CHAR, i8, int8_t, Char, 0)                  \
	X(SHORT, i16, int16_t, Short, 0)              \
	X(INT, i32, int32_t, Int, 0)                  \
	X(LONG, i64, int64_t, Long, 0)                \
	X(FLOAT, f32, float, Float, 1)                \
	X(DOUBLE, f64, double, Double, 1)

typedef enum ml_dtype {
#define ML_DT_ENUM(E, s, T, N, f) ML_##E,
	ML_DTYPES(ML_DT_ENUM)
#undef ML_DT_ENUM
	ML_NDTYPES
} ml_dtype;

typedef struct ml_dtype_traits {
	const char *name;     /* "Double", as in torch.DoubleTensor */
	const char *cname;    /* "double", the C element type */
	size_t size;          /* bytes per element */
	int is_float;         /* 1 for Float and Double */
} ml_dtype_traits;

extern const ml_dtype_traits ml_dtype_info[ML_NDTYPES];

/* Name of a dtype ("Double"), or "?" for an out-of-range value. */
const char *ml_dtype_name(ml_dtype dt);

/* Parses "Double", "double", "torch.DoubleTensor" or "torch.DoubleStorage";
 * returns 0 and sets *dt on success, -1 when the name is not a dtype. */
int ml_dtype_parse(const char *name, ml_dtype *dt);

#endif
