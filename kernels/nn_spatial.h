/*
 * nn_spatial.h - pixel loops of moonlab.nn's spatial layers beyond nn.h:
 * im2col / col2im with dilation (dilated, depth-wise and locally connected
 * convolutions; the products are GEMMs done by the caller), max pooling
 * with dilation, adaptive average and max pooling, fractional max pooling.
 *
 * Contract shared by every function: Float or Double only, all float
 * tensors of one dtype, images contiguous (N, C, H, W) (the Lua layer makes
 * them so), results resized by the function (or required to have the
 * stated shape) and written contiguously.  Max-pooling indices are Long,
 * 1-based flat positions h*W + w + 1 within the input plane, the layout of
 * nn.h's ml_nn_maxpool2d, so ml_nn_maxpool2d_backward is their backward.
 * Loops are split across OpenMP threads by image plane (or by cols row for
 * im2col), so results do not depend on the thread count.
 * Errors: ML_ETYPE (dtype), ML_ESHAPE (sizes), ML_EINVAL (geometry),
 * ML_ENOMEM; messages start with the Lua-facing name given as `who`.
 * Not here: GEMM (blas.h), padding and up-sampling (index and matrix
 * products in Lua), 3-D windows.
 */
#ifndef ML_NN_SPATIAL_H
#define ML_NN_SPATIAL_H

#include "tensor.h"

/* A 2-D window with dilation: the kernel taps of output (oy, ox) are input
 * rows oy*dh - ph + i*lh (i < kh) and columns ox*dw - pw + j*lw (j < kw). */
typedef struct ml_nn_spatial_window {
	int64_t kh, kw; /* kernel height and width (>= 1) */
	int64_t dh, dw; /* strides (>= 1) */
	int64_t ph, pw; /* zero padding on each side (>= 0) */
	int64_t lh, lw; /* dilation (>= 1; 1 is a plain window) */
	int ceil_mode;  /* output size rounds up (pooling only) */
} ml_nn_spatial_window;

/* Output size of window w over an input h x wd: floor((h + 2 ph -
 * (lh (kh - 1) + 1)) / dh) + 1 (ceil with ceil_mode, dropping a last window
 * that starts in the right padding, as Torch7).  ML_ESHAPE when the dilated
 * kernel is larger than the padded input, ML_EINVAL for a bad geometry. */
int ml_nn_spatial_out_size(const ml_nn_spatial_window *w, int64_t h, int64_t wd, int64_t *oh, int64_t *ow,
                     const char *who, ml_error *e);

/* cols (C*kh*kw, N*oh*ow) = the dilated patches of x (N, C, H, W): row
 * (c, i, j), column (n, oy, ox) holds x[n, c, oy*dh - ph + i*lh,
 * ox*dw - pw + j*lw], 0 in the padding.  cols is resized. */
int ml_nn_spatial_im2col(ml_tensor *cols, const ml_tensor *x, const ml_nn_spatial_window *w, const char *who,
                   ml_error *e);

/* x (N, C, H, W), already of that shape and contiguous, is overwritten with
 * the adjoint of ml_nn_spatial_im2col applied to cols (C*kh*kw, N*oh*ow). */
int ml_nn_spatial_col2im(ml_tensor *x, const ml_tensor *cols, const ml_nn_spatial_window *w, const char *who,
                   ml_error *e);

/* y (N, C, oh, ow) = the maximum over each dilated window of x (padding
 * never wins; the first maximum on ties; NaN wins); idx (Long) its 1-based
 * flat plane position.  y and idx are resized.  Padding must be at most
 * half the kernel. */
int ml_nn_spatial_maxpool(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_nn_spatial_window *w,
                    const char *who, ml_error *e);

/* y (N, C, oh, ow) = the mean of x (N, C, H, W) over the adaptive windows:
 * rows [floor(oy H / oh), ceil((oy+1) H / oh)), columns likewise (Torch7's
 * and PyTorch's rule).  y is resized; oh, ow >= 1. */
int ml_nn_spatial_adaptive_avg(ml_tensor *y, const ml_tensor *x, int64_t oh, int64_t ow, const char *who,
                         ml_error *e);

/* gx (N, C, H, W), already of that shape and contiguous, = the adjoint of
 * ml_nn_spatial_adaptive_avg applied to gy (N, C, oh, ow), contiguous. */
int ml_nn_spatial_adaptive_avg_backward(ml_tensor *gx, const ml_tensor *gy, const char *who, ml_error *e);

/* y (N, C, oh, ow) = the maximum over the adaptive windows (as above);
 * idx (Long, same shape) its 1-based flat plane position.  Resized. */
int ml_nn_spatial_adaptive_max(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, int64_t oh, int64_t ow,
                         const char *who, ml_error *e);

/* Fractional max pooling (Graham): samples (N, C, 2) in [0, 1) of x's dtype
 * give, per plane, the window starts along W (sample 1) and H (sample 2):
 * start[i] = trunc((i + u) a) - trunc(u a), a = (in - pool) / (out - 1), the
 * last start in - pool.  y (N, C, oh, ow) = the window maxima (kh x kw),
 * idx their 1-based flat plane positions.  Resized.  Needs
 * oh + kh - 1 <= H and ow + kw - 1 <= W. */
int ml_nn_spatial_fracmax(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_tensor *samples, int64_t oh,
                    int64_t ow, int64_t kh, int64_t kw, const char *who, ml_error *e);

#endif
