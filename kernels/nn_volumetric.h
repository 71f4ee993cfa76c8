/*
 * nn_volumetric.h - the loops of moonlab.nn's volumetric (3-D) layers:
 * vol2col / col2vol for 3-D convolutions (dilated, and transposed through
 * the adjoint; the products are GEMMs done by the caller through blas.h),
 * 3-D max pooling with dilation and argmax indices (its scatter is also
 * max unpooling's forward, its gather unpooling's backward), 3-D average
 * pooling, fractional max pooling and replication padding.
 *
 * Contract shared by every function: Float or Double only, all value
 * tensors of one dtype, index tensors Long, inputs contiguous (the Lua
 * layer makes them so), results resized by the function (or required to
 * have the stated shape) and written contiguously.  Volumes are
 * (N, C, T, H, W).  A window has, per axis (T, H, W), kernel k, stride d,
 * zero padding p on each side and dilation dil; the output size is
 * floor((in + 2p - dil (k - 1) - 1) / d) + 1 (ceil instead of floor with
 * ceil_mode, dropping a last window that would start in the right padding,
 * as PyTorch).  Loops are split across OpenMP threads by plane (n, c) (or by
 * cols row for vol2col), so results do not depend on the thread count.
 * Errors: ML_ETYPE (dtype), ML_ESHAPE (sizes), ML_EINVAL (geometry, bad
 * indices), ML_ENOMEM; messages start with the Lua-facing name
 * ("nn.VolumetricMaxPooling: ...").
 * Not here: GEMM (blas.h), batch normalisation and dropout (tensor maths in
 * stdlib/moonlab/nn/volumetric.lua).
 */
#ifndef ML_NN_VOLUMETRIC_H
#define ML_NN_VOLUMETRIC_H

#include "tensor.h"

/* A 3-D window geometry; arrays are indexed by axis 0 = T, 1 = H, 2 = W. */
typedef struct ml_vol_window {
	int64_t k[3];   /* kernel sizes (>= 1) */
	int64_t d[3];   /* strides (>= 1) */
	int64_t p[3];   /* zero padding on each side (>= 0) */
	int64_t dil[3]; /* dilations (>= 1; 1 is a dense window) */
	int ceil_mode;  /* output size rounds up (pooling only) */
} ml_vol_window;

/* out[a] = the output size of window w over input sizes in[a] (T, H, W);
 * ML_EINVAL for a bad geometry, ML_ESHAPE when the (dilated) kernel is
 * larger than the padded input; the message is prefixed by who. */
int ml_volumetric_out_size(const ml_vol_window *w, const int64_t in[3], int64_t out[3], const char *who,
                           ml_error *e);

/* cols (C*kT*kH*kW, N*oT*oH*oW) = the patches of x (N, C, T, H, W): row
 * (c, i, j, l), column (n, ot, oh, ow) holds x[n, c, ot*dT - pT + i*dilT,
 * oh*dH - pH + j*dilH, ow*dW - pW + l*dilW] or 0 in the padding.  cols is
 * resized.  who names the caller in errors. */
int ml_volumetric_vol2col(ml_tensor *cols, const ml_tensor *x, const ml_vol_window *w, const char *who,
                          ml_error *e);

/* x (N, C, T, H, W), already of that shape and contiguous, is overwritten
 * with the sum of each cols entry into the position ml_volumetric_vol2col
 * took it from (the adjoint of vol2col; cols must be exactly its shape). */
int ml_volumetric_col2vol(ml_tensor *x, const ml_tensor *cols, const ml_vol_window *w, const char *who,
                          ml_error *e);

/* y (N, C, oT, oH, oW) = the maximum over each (dilated) window of x
 * (N, C, T, H, W) (padding never wins; the first maximum in (t, h, w) scan
 * order on ties; NaN wins); idx (Long, same shape) = the 1-based flat
 * position t*H*W + h*W + w + 1 of that maximum within its plane.  The
 * padding must be at most half the kernel.  y and idx are resized. */
int ml_volumetric_maxpool(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_vol_window *w,
                          const char *who, ml_error *e);

/* gx (N, C, ...), already shaped and contiguous, = zeros with each gy
 * (N, C, ...) entry added at the 1-based flat plane position idx (Long, the
 * shape of gy) points to.  The backward of both max poolings and the
 * forward of max unpooling.  Index 0 (a window wholly in the padding) is
 * skipped; ML_EINVAL for any other index outside the plane. */
int ml_volumetric_scatter(ml_tensor *gx, const ml_tensor *gy, const ml_tensor *idx, const char *who,
                          ml_error *e);

/* y (the shape of idx, N x C x ...) = x (N, C, ...) read at the 1-based flat
 * plane positions idx holds (the adjoint of ml_volumetric_scatter: max
 * unpooling's backward; index 0 reads 0).  y is resized.  ML_EINVAL for an
 * index outside the plane. */
int ml_volumetric_gather(ml_tensor *y, const ml_tensor *x, const ml_tensor *idx, const char *who,
                         ml_error *e);

/* y (N, C, oT, oH, oW) = the mean of each window of x (dilation must be 1);
 * the divisor counts padded positions when count_include_pad, else only
 * those inside the input (the window clipped to the padded input, then
 * optionally to the input, as Torch7).  y is resized. */
int ml_volumetric_avgpool(ml_tensor *y, const ml_tensor *x, const ml_vol_window *w, int count_include_pad,
                          ml_error *e);

/* gx (N, C, T, H, W), already shaped and contiguous, = the adjoint of
 * ml_volumetric_avgpool applied to gy (N, C, oT, oH, oW). */
int ml_volumetric_avgpool_backward(ml_tensor *gx, const ml_tensor *gy, const ml_vol_window *w,
                                   int count_include_pad, ml_error *e);

/* Fractional max pooling in Torch7's layout: x (N, C, H, W, T), samples
 * (N, C, 3) of x's dtype in [0, 1) (per plane: the T, W, H samples), out and
 * pool the output and pool sizes in the order (T, W, H).  Along an axis of
 * input size n, output size m and pool size k, window i starts at
 * floor((i + u) a) - floor(u a), a = (n - k) / (m - 1) (in x's dtype), the
 * last at n - k.  y (N, C, oH, oW, oT) = the window maxima, idx (Long, same
 * shape) = their 1-based flat positions h*W*T + w*T + t + 1 in the plane.
 * Requires k >= 1, m >= 1 and m + k - 1 <= n.  y and idx are resized. */
int ml_volumetric_fracmaxpool(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_tensor *samples,
                              const int64_t out[3], const int64_t pool[3], ml_error *e);

/* y (N, C, T+pf+pk, H+pt+pb, W+pl+pr) = x (N, C, T, H, W) with each border
 * replicated (a negative pad crops): y[.., t, h, w] = x[.., clamp(t - pf),
 * clamp(h - pt), clamp(w - pl)].  pad = {pl, pr, pt, pb, pf, pk} (Torch7's
 * argument order).  Output sizes must be >= 0 and the input non-empty when
 * the output is not.  y is resized. */
int ml_volumetric_replpad(ml_tensor *y, const ml_tensor *x, const int64_t pad[6], ml_error *e);

/* gx (N, C, T, H, W), already shaped and contiguous, = the adjoint of
 * ml_volumetric_replpad applied to gy (its output shape). */
int ml_volumetric_replpad_backward(ml_tensor *gx, const ml_tensor *gy, const int64_t pad[6], ml_error *e);

#endif
