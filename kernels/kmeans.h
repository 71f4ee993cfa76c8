/*
 * kmeans.h - the hot loops of k-means: nearest-center assignment through
 * GEMM-based squared distances, Lloyd's iterations and Elkan's bounded
 * iterations, as scikit-learn runs them (same stopping rules, same handling
 * of empty clusters), threaded over row chunks with OpenMP.
 *
 * Not here: initialisation (k-means++ and random draws live in Lua, in
 * stdlib/moonlab/ml/cluster.lua), sample weights, sparse input, n_init.
 * Every function takes contiguous Double tensors only; anything else is an
 * error naming the dtype or layout.  Errors: ML_OK or a negative code with
 * "who: what went wrong (shapes)" in e.
 */
#ifndef ML_KMEANS_H
#define ML_KMEANS_H

#include "tensor.h"

/* Nearest center of each row of x (N, D) among centers (K, D): labels (N,
 * Long, resized) get 0-based indices (the first of equal minima), mind (N,
 * Double, resized; may be NULL) the exact squared distance to that center.
 * The search uses ||c||^2 - 2 x.c from GEMM over 256-row chunks. */
int ml_kmeans_assign(const ml_tensor *x, const ml_tensor *centers, ml_tensor *labels,
                     ml_tensor *mind, const char *who, ml_error *e);

/* The same as ml_kmeans_assign by a plain loop over exact distances: the
 * reference of the C tests. */
int ml_kmeans_assign_naive(const ml_tensor *x, const ml_tensor *centers, ml_tensor *labels,
                           ml_tensor *mind, const char *who, ml_error *e);

/* Result of one k-means run. */
typedef struct ml_kmeans_result {
	int64_t n_iter;   /* iterations run (scikit-learn's n_iter_) */
	double inertia;   /* sum of squared distances to the assigned centers */
} ml_kmeans_result;

/* Lloyd's algorithm (elkan = 0) or Elkan's (elkan = 1) from the initial
 * centers (K, D, Double, contiguous; overwritten with the final ones) on x
 * (N, D): at most max_iter iterations, stopping when the labels do not change
 * or the sum of squared center shifts is <= tol (an absolute tolerance: the
 * caller scales scikit-learn's relative tol).  An empty cluster takes the
 * point farthest from its center.  labels (N, Long, resized) get the 0-based
 * labels matching the final centers.  Needs 1 <= K <= N. */
int ml_kmeans_run(const ml_tensor *x, ml_tensor *centers, ml_tensor *labels, int64_t max_iter,
                  double tol, int elkan, ml_kmeans_result *res, const char *who, ml_error *e);

#endif
