/*
 * nn.h - the loops of moonlab.nn's layers that tensor maths cannot express
 * cheaply: im2col / col2im for convolutions (the products themselves are
 * GEMMs done by the caller through blas.h), 2-D max pooling with argmax
 * indices, 2-D average pooling, the threshold (ReLU) pair, log-softmax over
 * rows, and the fused update of optim.sgd.
 *
 * Contract shared by every function: Float or Double only, all tensors of
 * one dtype, inputs contiguous (the Lua layer makes them so), results
 * resized by the function (or required to have the stated shape) and
 * written contiguously.  Images are (N, C, H, W).  Windows have kernel
 * (kh, kw), stride (dh, dw) and zero padding (ph, pw) on each side; the
 * output size is floor((H + 2 ph - kh) / dh) + 1 (ceil instead of floor
 * with ceil_mode, as Torch7, dropping a last window that would start in the
 * right padding).  Loops are split across OpenMP threads by image plane (or
 * by cols row for im2col), so results do not depend on the thread count.
 * Errors: ML_ETYPE (dtype), ML_ESHAPE (sizes), ML_ENOMEM; messages start
 * with the Lua-facing name ("nn.SpatialMaxPooling: ...").
 * Not here: GEMM (blas.h), 3-D (volumetric) windows, dilation.
 */
#ifndef ML_NN_H
#define ML_NN_H

#include "tensor.h"

/* A 2-D window geometry. */
typedef struct ml_nn_window {
	int64_t kh, kw; /* kernel height and width (>= 1) */
	int64_t dh, dw; /* strides (>= 1) */
	int64_t ph, pw; /* zero padding on each side (>= 0) */
	int ceil_mode;  /* output size rounds up (pooling only) */
} ml_nn_window;

/* Output height/width of window w over an input of height h, width wd;
 * returns ML_OK or ML_ESHAPE (window larger than the padded input, bad
 * geometry) with the message prefixed by who. */
int ml_nn_out_size(const ml_nn_window *w, int64_t h, int64_t wd, int64_t *oh, int64_t *ow,
                   const char *who, ml_error *e);

/* cols (C*kh*kw, N*oh*ow) = the patches of x (N, C, H, W): row (c, i, j),
 * column (n, oy, ox) holds x[n, c, oy*dh - ph + i, ox*dw - pw + j] or 0 in
 * the padding.  cols is resized. */
int ml_nn_im2col(ml_tensor *cols, const ml_tensor *x, const ml_nn_window *w, ml_error *e);

/* x (N, C, H, W), already of that shape and contiguous, is overwritten with
 * the sum of each cols (C*kh*kw, N*oh*ow) entry into the input position it
 * was taken from by ml_nn_im2col (the adjoint of im2col). */
int ml_nn_col2im(ml_tensor *x, const ml_tensor *cols, const ml_nn_window *w, ml_error *e);

/* y (N, C, oh, ow) = the maximum over each window of x (N, C, H, W) (padding
 * never wins); idx (Long, same shape) = the 1-based flat position h*W + w + 1
 * of that maximum within its plane (the first one on ties; NaN wins).  y
 * and idx are resized. */
int ml_nn_maxpool2d(ml_tensor *y, ml_tensor *idx, const ml_tensor *x, const ml_nn_window *w,
                    ml_error *e);

/* gx (N, C, H, W), already of that shape and contiguous, = zeros with each
 * gy (N, C, oh, ow) entry added at the position idx points to. */
int ml_nn_maxpool2d_backward(ml_tensor *gx, const ml_tensor *gy, const ml_tensor *idx,
                             ml_error *e);

/* y (N, C, oh, ow) = the mean of each window of x; the divisor counts the
 * padded positions when count_include_pad, else only those inside the input
 * (Torch7's rule: the window clipped to the padded input, then optionally to
 * the input).  y is resized. */
int ml_nn_avgpool2d(ml_tensor *y, const ml_tensor *x, const ml_nn_window *w, int count_include_pad,
                    ml_error *e);

/* gx (N, C, H, W), already of that shape and contiguous, = the adjoint of
 * ml_nn_avgpool2d applied to gy (N, C, oh, ow). */
int ml_nn_avgpool2d_backward(ml_tensor *gx, const ml_tensor *gy, const ml_nn_window *w,
                             int count_include_pad, ml_error *e);

/* y = x where x > th, else val (element-wise; y resized to x's shape). */
int ml_nn_threshold(ml_tensor *y, const ml_tensor *x, double th, double val, ml_error *e);

/* gi = go where x > th, else 0 (go of x's size; gi resized to x's shape;
 * gi may be go itself). */
int ml_nn_threshold_backward(ml_tensor *gi, const ml_tensor *go, const ml_tensor *x, double th, ml_error *e);

/* y = x - log(sum(exp(x))) along each row of a contiguous (N, C) x (or one
 * row of C), computed as (x - max) - log(sum(exp(x - max))) with the sum in
 * double; y resized to x's shape.  Rows are split across threads. */
int ml_nn_log_softmax(ml_tensor *y, const ml_tensor *x, ml_error *e);

/* gi = go - exp(y) * sum(go) along each row: the gradient of log_softmax
 * given its output y (contiguous, x's shape); gi resized to y's shape. */
int ml_nn_log_softmax_backward(ml_tensor *gi, const ml_tensor *go, const ml_tensor *y, ml_error *e);

/* Hyper-parameters of one step of optim.sgd (Torch7's rules). */
typedef struct ml_nn_sgd {
	double lr;    /* the step's learning rate (already decayed) */
	double wd;    /* weight decay, 0 for none */
	double mom;   /* momentum, 0 for none (then v is unused) */
	double damp;  /* dampening */
	int nesterov; /* 1: Nesterov momentum */
	int first;    /* 1: v is new and starts as the gradient */
} ml_nn_sgd;

/* One SGD step in one pass over x (parameters), g (their gradient) and v
 * (the momentum buffer; NULL when mom is 0), contiguous, of one dtype and
 * size.  Per element, in the order and the dtype of optim.sgd's tensor
 * passes, so that results are bit for bit the same:
 *   g = g + wd*x;  v = first ? g : v*mom + (1-damp)*g;
 *   s = nesterov ? (g = g + mom*v) : v (g without momentum);  x = x + (-lr)*s.
 * g and v are left as those passes leave them. */
int ml_nn_sgd_step(ml_tensor *x, ml_tensor *g, ml_tensor *v, const ml_nn_sgd *o, ml_error *e);

#endif
