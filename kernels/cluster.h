/*
 * cluster.h - the hot loops of density, hierarchical and silhouette
 * clustering: radius neighbourhoods through a k-d tree, DBSCAN, agglomerative
 * linkage (ward, complete, average by the nearest-neighbour chain; single by
 * Prim's minimum spanning tree) producing scipy's/scikit-learn's merge tree,
 * and per-cluster sums of distances (the silhouette's inner loop).
 *
 * Not here: metrics other than Euclidean, connectivity constraints, sample
 * weights, cutting the tree (Lua).  Inputs are contiguous Double (N, D)
 * tensors; labels are Long, 0-based.  Errors: ML_OK or a negative code with
 * "who: what went wrong (shapes)" in e.
 */
#ifndef ML_CLUSTER_H
#define ML_CLUSTER_H

#include "tensor.h"

/* Linkage criteria of ml_cluster_linkage. */
enum { ML_LINK_WARD, ML_LINK_COMPLETE, ML_LINK_AVERAGE, ML_LINK_SINGLE };

/* For every row of x (N, D): the rows within Euclidean distance eps (<=,
 * the row itself included), found with a k-d tree.  offsets (N + 1, Long)
 * and idx (offsets[N], Long): row i's neighbours are idx[offsets[i] ..
 * offsets[i+1]), in ascending order.  Results are resized. */
int ml_cluster_radius_neighbors(const ml_tensor *x, double eps, ml_tensor *offsets, ml_tensor *idx,
                                const char *who, ml_error *e);

/* The same by comparing every pair: the reference of the C tests. */
int ml_cluster_radius_neighbors_naive(const ml_tensor *x, double eps, ml_tensor *offsets, ml_tensor *idx,
                                      const char *who, ml_error *e);

/* DBSCAN on x (N, D): a row is core when at least min_samples rows (itself
 * included) lie within eps.  labels (N, Long): 0-based cluster ids in the
 * order of each cluster's lowest core row, -1 for noise; core (N, Byte): 1
 * for core rows.  Both resized.  Equal to scikit-learn's DBSCAN. */
int ml_cluster_dbscan(const ml_tensor *x, double eps, int64_t min_samples, ml_tensor *labels,
                      ml_tensor *core, const char *who, ml_error *e);

/* Agglomerative clustering of the rows of x (N >= 2, D) with Euclidean
 * distances: children (N - 1, 2, Long) the merged nodes of each step (leaves
 * 0..N-1, step j's node N + j), dist (N - 1, Double) the linkage distance of
 * each step, nondecreasing, sizes (N - 1, Long) the new node's leaf count.
 * method: ML_LINK_*.  Ward, complete and average use the nearest-neighbour
 * chain on the condensed distance matrix (N(N-1)/2 doubles) and label the
 * steps as scipy.cluster.hierarchy.linkage does; single uses Prim's minimum
 * spanning tree and labels as scikit-learn's _single_linkage_label does. */
int ml_cluster_linkage(const ml_tensor *x, int method, ml_tensor *children, ml_tensor *dist,
                       ml_tensor *sizes, const char *who, ml_error *e);

/* out (N, K, Double, resized): out[i][c] = sum of the Euclidean distances from
 * row i of x (N, D) to the rows with label c (labels: N, Long, 0..K-1). */
int ml_cluster_dist_sums(const ml_tensor *x, const ml_tensor *labels, int64_t k, ml_tensor *out,
                         const char *who, ml_error *e);

#endif
