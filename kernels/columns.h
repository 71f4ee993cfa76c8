/*
 * columns.h - tensors written as a file of binary records: row i holds
 * element i of each of k tensors as native float64 values.  This is how the
 * plot layer hands data to gnuplot (`binary record=(n) format='%float64...'`):
 * exact values, no text formatting, no parsing on gnuplot's side.
 *
 * Not here: other record types, headers, reading such files back.
 */
#ifndef ML_COLUMNS_H
#define ML_COLUMNS_H

#include "tensor.h"

/* Writes the k tensors cols[0..k-1] (any dtype, any strides, any shapes with
 * the same number of elements n, each read in logical row-major order) to the
 * file at path (created or truncated) as n records of k float64 values.
 * Integer values beyond 2^53 are rounded as double conversions round them.
 * Returns ML_OK and stores n in *rows; errors: "columns.save: tensor 2 has 5
 * elements, tensor 1 has 4", "columns.save: cannot write <path>: <reason>",
 * k outside 1..64. */
int ml_columns_save(const char *path, int k, const ml_tensor *const *cols, int64_t *rows,
                    ml_error *e);

#endif
