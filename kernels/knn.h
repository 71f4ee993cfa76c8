/*
 * knn.h - k-nearest-neighbour search: brute force through GEMM squared
 * distances with a partial (heap) selection of the k smallest per query, a
 * k-d tree for low dimensions, the naive reference search, and the class vote
 * of the neighbours (KNeighborsClassifier's predict_proba).
 *
 * Neighbours are ordered by (distance, training index): of equal distances
 * the smaller index comes first, and a candidate equal to the k-th distance
 * never displaces an earlier index.  Metrics: Minkowski with p = 2
 * (euclidean) or p = 1 (manhattan).  Returned distances are recomputed
 * exactly from the rows (brute force only uses GEMM to choose candidates).
 *
 * Every function takes contiguous Double tensors (indices: Long, 0-based);
 * anything else is an error naming the dtype or layout.  Errors: ML_OK or a
 * negative code with "who: what went wrong (shapes)" in e.  Not here: other
 * metrics, radius queries, sparse input, ball trees.
 */
#ifndef ML_KNN_H
#define ML_KNN_H

#include "tensor.h"

/* The k nearest rows of train (N, D) for every row of query (M, D) by brute
 * force: dist (M, k, Double) and idx (M, k, Long, 0-based) are resized and
 * filled, each row ordered by (distance, index).  p is 1 or 2.  For p = 2 the
 * candidates come from ||y||^2 - 2 x.y (GEMM over 64 x 2048 tiles, threads
 * over query blocks).  Needs 1 <= k <= N. */
int ml_knn_brute(const ml_tensor *query, const ml_tensor *train, int64_t k, int p, ml_tensor *dist,
                 ml_tensor *idx, const char *who, ml_error *e);

/* The same result by exact distances to every row and a full sort: the
 * reference of the tests. */
int ml_knn_naive(const ml_tensor *query, const ml_tensor *train, int64_t k, int p, ml_tensor *dist,
                 ml_tensor *idx, const char *who, ml_error *e);

/* Builds a k-d tree over train (N, D): perm (N, Long) gets the row order of
 * the leaves, nodes (T, 4, Long) {start, end, left, right} per node (ranges
 * into perm; left = right = -1 for leaves; node 0 is the root) and bounds
 * (T, 2, D, Double) the bounding box {lower, upper} of each node's rows.
 * Nodes split at the median of their widest dimension until they hold at most
 * leaf_size (>= 1) rows. */
int ml_kdtree_build(const ml_tensor *train, int64_t leaf_size, ml_tensor *perm, ml_tensor *nodes,
                    ml_tensor *bounds, const char *who, ml_error *e);

/* k-nearest search in a tree made by ml_kdtree_build from the same train:
 * same results and contract as ml_knn_brute.  Threads over query rows. */
int ml_kdtree_query(const ml_tensor *train, const ml_tensor *perm, const ml_tensor *nodes,
                    const ml_tensor *bounds, const ml_tensor *query, int64_t k, int p, ml_tensor *dist,
                    ml_tensor *idx, const char *who, ml_error *e);

/* Class vote of the neighbours: labels (N, Long, 0-based classes < nclasses),
 * idx (M, k, Long) neighbour indices, weights (M, k, Double) or NULL for
 * uniform weights.  proba (M, nclasses, Double, resized) gets per row the
 * summed weights per class (added in neighbour order) divided by their total,
 * as scikit-learn computes predict_proba.  A row whose weights sum to 0 is
 * left as sums (all zero). */
int ml_knn_vote(const ml_tensor *labels, const ml_tensor *idx, const ml_tensor *weights, int64_t nclasses,
                ml_tensor *proba, const char *who, ml_error *e);

#endif
