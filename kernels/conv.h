/*
 * conv.h - 2-D and 3-D convolution and cross-correlation of images (or
 * volumes) with kernels, in Torch7's forms: 'valid' (the kernel stays inside
 * the input) or 'full' (every overlap, the input padded with zeros).
 *
 * Convolution flips the kernel along every spatial axis; cross-correlation
 * does not: conv2(x, k) equals xcorr2(x, k flipped) bit for bit.  The forms,
 * by the number of dimensions (2-D functions shown; the 3-D ones add a depth
 * axis: x (D, H, W) or (P, D, H, W), k (kd, kh, kw), (P, kd, kh, kw) or
 * (Q, P, kd, kh, kw)):
 *   x (H, W),    k (kh, kw)        -> (oh, ow)     one image, one kernel
 *   x (P, H, W), k (P, kh, kw)     -> (P, oh, ow)  plane p with kernel p
 *   x (P, H, W), k (Q, P, kh, kw)  -> (Q, oh, ow)  output q sums plane p
 *                                                  with kernel (q, p) over p
 * with oh = H - kh + 1 (valid) or H + kh - 1 (full), and so on per axis.
 *
 * Every dtype is accepted; x, k and res must share it.  Float and Double
 * compute in their own type; integer dtypes compute in 64-bit integers
 * wrapping modulo 2^64, so results equal the wrapping arithmetic of the
 * dtype.  For each output element the products are summed in a fixed order
 * (input plane, then kernel depth, row, column), whatever the threading, so
 * results do not depend on the number of threads.  Any strides are
 * accepted (inputs are copied to contiguous buffers when needed); res is
 * resized unless it has the output shape already (then its strides are
 * kept), and may share storage with x or k.  This module does not do
 * strides/dilations of the kernel, padding other than 'full', or FFTs.
 *
 * Errors (messages start with "torch.conv2:", "torch.xcorr3:", ...):
 * ML_ESHAPE for unsupported dimension pairs, disagreeing plane counts, empty
 * spatial dims, or (valid mode) a kernel larger than the input; ML_ETYPE for
 * mixed dtypes; ML_ENOMEM.
 */
#ifndef ML_CONV_H
#define ML_CONV_H

#include "tensor.h"

/* res = x convolved with k in 2-D; full: 'F' (1) or 'V' (0). */
int ml_conv_conv2(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e);
/* res = x cross-correlated with k in 2-D. */
int ml_conv_xcorr2(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e);
/* The same in 3-D. */
int ml_conv_conv3(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e);
int ml_conv_xcorr3(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e);

#endif
