/*
 * linear.h - the hot loops of moonlab.ml's linear models: coordinate descent
 * for the elastic net (scikit-learn's algorithm and stopping rule), epochs of
 * plain stochastic gradient descent (scikit-learn's SGD: losses, learning
 * rates, penalties), dual coordinate descent for the L2-regularized linear
 * SVM (liblinear's solver), the logistic losses and gradients L-BFGS needs,
 * and a centered transpose of X (the layout coordinate descent reads).
 *
 * Double precision, contiguous tensors only (the Lua side converts); each
 * function checks dtypes, shapes and contiguity and fails with a message
 * naming them.  Randomness (coordinate selection, shuffling) comes from a
 * small generator seeded by the caller, so results are reproducible.  This
 * file does not orchestrate (intercepts, paths, multiclass, L-BFGS are in
 * stdlib/moonlab/ml/linear.lua) and does not thread.
 */
#ifndef ML_LINEAR_H
#define ML_LINEAR_H

#include "tensor.h"

/* Options of the elastic-net coordinate descent.  The objective is
 * scikit-learn's enet_coordinate_descent's:
 *   0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2
 * (scikit-learn's ElasticNet passes l1 = alpha l1_ratio N, l2 = alpha
 * (1 - l1_ratio) N). */
typedef struct ml_linear_cd_opts {
	double l1;            /* l1 penalty, >= 0 */
	double l2;            /* l2 penalty, >= 0 */
	int64_t max_iter;     /* passes over the coordinates, >= 1 */
	double tol;           /* stop when the duality gap < tol * y.y (after a small update) */
	int positive;         /* constrain w >= 0 */
	int random;           /* pick coordinates at random (else cyclic) */
	uint64_t seed;        /* seed of the random selection */
} ml_linear_cd_opts;

/* What a coordinate descent run did. */
typedef struct ml_linear_cd_result {
	int64_t n_iter;       /* passes done */
	double gap;           /* last duality gap computed */
	double tol;           /* the scaled tolerance tol * y.y */
	int converged;        /* gap < tol was reached */
} ml_linear_cd_result;

/* Elastic-net coordinate descent.  xt: X transposed, (D, N) contiguous
 * double (row j is feature j); y (N); w (D), the warm start, overwritten with
 * the solution.  Errors: dtypes, shapes, contiguity, bad options. */
int ml_linear_enet_cd(const ml_tensor *xt, const ml_tensor *y, ml_tensor *w,
                      const ml_linear_cd_opts *o, ml_linear_cd_result *r, ml_error *e);

/* The naive reference of ml_linear_enet_cd: the same cyclic updates, but each
 * coordinate's correlation is recomputed from scratch (residual y - X w
 * rebuilt every time, O(N D) per coordinate).  Cyclic selection only; same
 * contract otherwise.  For tests. */
int ml_linear_enet_cd_ref(const ml_tensor *xt, const ml_tensor *y, ml_tensor *w,
                          const ml_linear_cd_opts *o, ml_linear_cd_result *r, ml_error *e);

/* Losses of ml_linear_sgd (scikit-learn's names). */
enum {
	ML_SGD_HINGE, ML_SGD_LOG, ML_SGD_MODIFIED_HUBER, ML_SGD_SQUARED_HINGE, ML_SGD_PERCEPTRON,
	ML_SGD_SQUARED, ML_SGD_HUBER, ML_SGD_EPSILON_INSENSITIVE
};
/* Learning-rate schedules and penalties of ml_linear_sgd. */
enum { ML_SGD_CONSTANT, ML_SGD_OPTIMAL, ML_SGD_INVSCALING };
enum { ML_SGD_NONE, ML_SGD_L2, ML_SGD_L1, ML_SGD_ELASTICNET };

/* Options and state of ml_linear_sgd (scikit-learn's _plain_sgd). */
typedef struct ml_linear_sgd_opts {
	int loss;             /* ML_SGD_HINGE ... */
	double loss_param;    /* hinge threshold / huber and epsilon-insensitive epsilon */
	int penalty;          /* ML_SGD_NONE ... */
	double alpha;         /* regularization strength */
	double l1_ratio;      /* elastic-net mixing */
	int learning_rate;    /* ML_SGD_CONSTANT ... */
	double eta0;          /* initial rate (constant, invscaling) */
	double power_t;       /* invscaling exponent */
	int64_t max_iter;     /* epochs */
	double tol;           /* stop when the epoch loss does not improve by tol*N; < 0: never */
	int64_t n_iter_no_change; /* epochs without improvement before stopping */
	int shuffle;          /* shuffle the rows each epoch */
	int fit_intercept;    /* learn the intercept */
	uint64_t seed;        /* shuffling seed */
	double t;             /* in/out: the update counter (1 for a fresh fit) */
} ml_linear_sgd_opts;

/* SGD epochs.  x (N, D) contiguous double; y (N) targets (+-1 for
 * classification losses); sw (N) per-row weights or NULL; w (D) and
 * *intercept: in/out.  *n_iter gets the epochs run; *loss the mean loss of
 * the last epoch.  Errors: dtypes, shapes, contiguity, non-finite weights
 * (diverged: lower eta0 or scale the data). */
int ml_linear_sgd(const ml_tensor *x, const ml_tensor *y, const ml_tensor *sw, ml_tensor *w,
                  double *intercept, ml_linear_sgd_opts *o, int64_t *n_iter, double *loss,
                  ml_error *e);

/* Dual coordinate descent for the L2-regularized linear SVM (liblinear's
 * L2R_L2LOSS_SVC_DUAL and L2R_L1LOSS_SVC_DUAL, with their shrinking):
 *   min_w 0.5 ||w||^2 + sum_i c_i max(0, 1 - y_i w.x_i)^2   (squared hinge)
 *   min_w 0.5 ||w||^2 + sum_i c_i max(0, 1 - y_i w.x_i)     (hinge != 0)
 * x (N, D) contiguous double (append a constant column for an intercept);
 * y (N) of +-1; c (N) per-row costs > 0; w (D) gets the solution.  Stops when
 * the projected-gradient spread <= tol or after max_iter passes; *n_iter gets
 * the passes.  Errors: dtypes, shapes, contiguity, tol <= 0, costs <= 0. */
int ml_linear_svc_dual(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, ml_tensor *w, int hinge,
                       double tol, int64_t max_iter, uint64_t seed, int64_t *n_iter, ml_error *e);

/* Column means and the centered transpose: mean (D) gets the column means of
 * x (N, D) (zeros when !center) and xt (D, N) gets x^T minus them, in one
 * cache-blocked pass.  x: any strides, double; mean, xt: contiguous double
 * of the right sizes.  The layout coordinate descent reads. */
int ml_linear_center_t(const ml_tensor *x, int center, ml_tensor *mean, ml_tensor *xt, ml_error *e);

/* Multinomial logistic loss and gradient (scikit-learn's objective):
 *   L = sum_i sw_i (logsumexp_k z_ik - z_i,y_i) + l2 / 2 ||W[:, 0..D-1]||^2
 * with z_ik = x_i . W[k, 0..D-1] (+ W[k, D] when intercept).  x (N, D)
 * contiguous double; y (N) Long class indices in [0, K); sw (N) double
 * weights; w (K, D1) with D1 = D + (intercept != 0); g (K, D1) gets dL/dW.
 * Serial (small problems: threads cost more than they save).  Returns
 * ML_OK and *loss, or an error: dtypes, shapes, contiguity, y out of range. */
int ml_linear_softmax_loss(const ml_tensor *x, const ml_tensor *y, const ml_tensor *sw, const ml_tensor *w,
                           ml_tensor *g, double l2, int intercept, double *loss, ml_error *e);

/* Binary logistic loss and gradient, labels y (N) in {0, 1} (double):
 *   L = sum_i sw_i (log(1 + exp(z_i)) - y_i z_i) + l2 / 2 ||w[0..D-1]||^2
 * with z_i = x_i . w[0..D-1] (+ w[D] when intercept); w, g (D1).  Same
 * contract as ml_linear_softmax_loss. */
int ml_linear_binary_loss(const ml_tensor *x, const ml_tensor *y, const ml_tensor *sw, const ml_tensor *w,
                          ml_tensor *g, double l2, int intercept, double *loss, ml_error *e);

#endif
