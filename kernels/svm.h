/*
 * svm.h - support vector machines: libsvm's SMO solver for the C-SVC and
 * epsilon-SVR duals
 * (working-set selection by second-order information, WSS3, with shrinking
 * and an LRU kernel cache), the kernel functions, and kernel matrices.
 *
 * The solver follows libsvm's Solver step by step (same selection rules and
 * tie-breaking, same shrinking heuristics, kernel values kept as float in the
 * cache as libsvm does) so that its path and results are scikit-learn's up to
 * rounding.  Kernel rows are computed with both cores.
 *
 * Not here: multiclass (one-vs-one pairs are set up in Lua,
 * stdlib/moonlab/ml/svm.lua), Platt scaling, nu-SVM, sparse input.
 * Inputs: contiguous Double tensors.  Errors: ML_OK or a negative code with
 * "who: what went wrong" in e.
 */
#ifndef ML_SVM_H
#define ML_SVM_H

#include "tensor.h"

enum { ML_SVM_LINEAR = 0, ML_SVM_POLY = 1, ML_SVM_RBF = 2, ML_SVM_SIGMOID = 3 };

/* Kernel and solver settings. */
typedef struct ml_svm_params {
	int kernel;        /* ML_SVM_LINEAR .. ML_SVM_SIGMOID */
	int degree;        /* poly: (gamma x.y + coef0)^degree */
	double gamma;      /* rbf exp(-gamma |x-y|^2), poly, sigmoid tanh(gamma x.y + coef0) */
	double coef0;      /* poly, sigmoid */
	double tol;        /* stopping tolerance on the maximal violating pair (libsvm's eps) */
	int64_t max_iter;  /* iteration limit; <= 0: libsvm's max(10^7, 100 L) */
	int shrinking;     /* nonzero: libsvm's shrinking heuristics */
	double cache_mb;   /* kernel cache size in MB (float rows of L values) */
} ml_svm_params;

/* Result of one binary solve. */
typedef struct ml_svm_result {
	double rho;        /* the decision function is sum_i coef_i K(x_i, x) - rho */
	int64_t n_iter;    /* SMO iterations */
	int hit_max_iter;  /* 1 when stopped by the iteration limit */
	double obj;        /* dual objective value */
} ml_svm_result;

/* Solves the C-SVC dual  min 1/2 a'Qa - sum a,  0 <= a_i <= C_i,  y'a = 0,
 * Q_ij = y_i y_j K(x_i, x_j), for x (L, D), y (L, +1/-1) and C (L, > 0), all
 * contiguous Double.  coef (L, Double, resized) gets y_i a_i. */
int ml_svm_solve(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, const ml_svm_params *p,
                 ml_tensor *coef, ml_svm_result *res, const char *who, ml_error *e);

/* epsilon-SVR (libsvm's solve_epsilon_svr): 2L variables a, a* with
 * |y - f(x)| <= epsilon free of loss, bounds C (L, per row) for both; x (L,
 * D), targets y (L).  coef (L, resized) gets a_i - a*_i; the prediction is
 * sum_i coef_i K(x_i, x) - rho. */
int ml_svm_solve_svr(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, double epsilon,
                     const ml_svm_params *p, ml_tensor *coef, ml_svm_result *res, const char *who, ml_error *e);

/* Kernel matrix out (M, N, Double, resized) = K(a_i, b_j) for a (M, D) and b
 * (N, D), contiguous Double.  Dot products through GEMM. */
int ml_svm_kernel(const ml_tensor *a, const ml_tensor *b, const ml_svm_params *p, ml_tensor *out,
                  const char *who, ml_error *e);

/* The same by plain loops, one pair at a time: the reference of the tests. */
int ml_svm_kernel_naive(const ml_tensor *a, const ml_tensor *b, const ml_svm_params *p, ml_tensor *out,
                        const char *who, ml_error *e);

#endif
