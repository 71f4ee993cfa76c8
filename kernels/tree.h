/*
 * tree.h - CART decision trees: depth-first growth with the best split per
 * feature found by sorting (scikit-learn's BestSplitter) or a random
 * threshold per feature (ExtraTrees / isolation trees), and forests of such
 * trees grown in parallel, each from its own seeded random stream.
 *
 * Inputs are plain double arrays: X column-major (feature f of sample i at
 * X[f*n + i]) so that one feature's values are contiguous, y as doubles (class
 * codes 0..K-1 for classification), optional sample weights.  Trees come back
 * as flat node arrays (ml_tree), 0-based, leaves marked by feature -1.
 *
 * Not here: multi-output y, missing values, pruning, best-first growth
 * (max_leaf_nodes), monotonic constraints.
 */
#ifndef ML_TREE_H
#define ML_TREE_H

#include <stdint.h>

#include "tensor.h"

/* How a node's impurity is measured. */
typedef enum ml_tree_criterion {
	ML_TREE_GINI,          /* classification: 1 - sum p_k^2 */
	ML_TREE_ENTROPY,       /* classification: -sum p_k log2 p_k */
	ML_TREE_SQUARED_ERROR, /* regression: weighted variance of y */
	ML_TREE_ISOLATION      /* isolation trees: no criterion, any valid random split */
} ml_tree_criterion;

/* How a forest draws each tree's sample. */
typedef enum ml_tree_sampling {
	ML_TREE_ALL,           /* every sample, weight w */
	ML_TREE_BOOTSTRAP,     /* max_samples draws with replacement: weight w * count */
	ML_TREE_SUBSAMPLE      /* max_samples distinct samples without replacement */
} ml_tree_sampling;

typedef struct ml_tree_params {
	ml_tree_criterion criterion; /* impurity measure */
	int random_split;            /* 0: best threshold (sorted scan); 1: one uniform threshold per feature */
	int64_t max_depth;           /* deepest node depth (root 0); < 0: unlimited */
	int64_t min_samples_split;   /* nodes with fewer samples are leaves (>= 2) */
	int64_t min_samples_leaf;    /* each child keeps at least this many samples (>= 1) */
	int64_t max_features;        /* features examined per node, 1..d */
	double min_impurity_decrease;/* a split must decrease weighted impurity by this much */
} ml_tree_params;

/* A grown tree: node arrays of length n_nodes, node 0 the root, children
 * numbered in depth-first (pre-)order as scikit-learn numbers them. */
typedef struct ml_tree {
	int64_t n_nodes;        /* nodes in use */
	int64_t cap;            /* nodes allocated */
	int64_t k;              /* values per node: classes, or 1 */
	int64_t d;              /* features of the training data */
	int64_t *feature;       /* split feature (0-based), -1 for a leaf */
	double *threshold;      /* go left when x[feature] <= threshold */
	int64_t *left, *right;  /* children, -1 for a leaf */
	int64_t *depth;         /* depth of the node (root 0) */
	int64_t *n_samples;     /* distinct training samples reaching the node */
	double *impurity;       /* impurity of the node */
	double *weighted_n;     /* total sample weight reaching the node */
	double *value;          /* n_nodes x k: weighted class counts, or the weighted mean of y */
	double *importance;     /* d: total weighted impurity decrease per feature (unnormalised) */
} ml_tree;

/* Frees the arrays of t (not t itself) and zeroes it; safe on a zeroed tree. */
void ml_tree_free(ml_tree *t);

/* Grows one tree on X (d x n column-major, see the header) and y (n; codes
 * 0..k-1 for classification criteria, k = 1 for regression and isolation),
 * with weights w (n, >= 0; NULL: all 1; samples of weight 0 are left out).
 * seed drives the feature draws and random thresholds.  t must be zeroed;
 * on success it owns new arrays (ml_tree_free).  Returns ML_OK, or an error
 * code with e filled (bad parameters, no sample of positive weight, memory). */
int ml_tree_fit(ml_tree *t, const ml_tree_params *p, const double *X, int64_t n, int64_t d,
                const double *y, int64_t k, const double *w, uint64_t seed, ml_error *e);

/* Grows ntrees trees (trees: ntrees zeroed structs) in parallel over at most
 * nthreads OpenMP threads (<= 0: all).  Tree i uses the random stream seeds[i]
 * for its sample and its splits, so the result does not depend on the thread
 * count.  sampling/max_samples choose each tree's sample (max_samples <= n).
 * counts (ntrees x n, may be NULL) receives how often each sample was drawn
 * per tree (1 for ML_TREE_ALL).  On error every tree is freed. */
int ml_tree_fit_forest(ml_tree *trees, int64_t ntrees, const ml_tree_params *p, const double *X,
                       int64_t n, int64_t d, const double *y, int64_t k, const double *w,
                       const uint64_t *seeds, ml_tree_sampling sampling, int64_t max_samples,
                       int32_t *counts, int nthreads, ml_error *e);

/* Leaf reached by each row of X (n x d, row-major, d >= the largest feature
 * used) in the tree given by its node arrays (0-based children, -1 leaf).
 * NaN goes right (x <= threshold is false).  Writes n leaf ids to leaf. */
void ml_tree_apply(const int64_t *feature, const double *threshold, const int64_t *left,
                   const int64_t *right, const double *X, int64_t n, int64_t d, int64_t *leaf);

#endif
