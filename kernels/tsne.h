/*
 * tsne.h - exact t-SNE's hot loops, as scikit-learn's method="exact": the
 * joint probabilities P from squared distances (a binary search on each
 * row's Gaussian precision to reach the perplexity), and the Kullback-Leibler
 * divergence with its gradient for an embedding (Student-t similarities).
 * O(N^2) time and memory.  Barnes-Hut t-SNE (scikit-learn's
 * method="barnes_hut"): exact k nearest neighbours (blocked GEMM distances),
 * sparse P from them, and the gradient with a space-partitioning tree
 * (quadtree in 2-D, octree in 3-D) summarising far cells (angle theta).
 * Not here: the optimiser (Lua).
 */
#ifndef ML_TSNE_H
#define ML_TSNE_H

#include "tensor.h"

/* P (N, N, resized): symmetric joint probabilities from the squared
 * distances d2 (N, N) (rounded to float, as scikit-learn does) for the given
 * perplexity; zero diagonal, off-diagonal entries at least DBL_EPSILON. */
int ml_tsne_joint_p(const ml_tensor *d2, double perplexity, ml_tensor *p, const char *who, ml_error *e);

/* For the embedding y (N, C) and P (N, N): grad (N, C, resized) of
 * KL(P || Q) and, when kl is not NULL, *kl; dof = degrees of freedom of the
 * Student t (scikit-learn: max(C - 1, 1)).  As scikit-learn's, the
 * gradient weighs pairs by the kernel value itself, which is the exact
 * gradient for dof = 1 only (embeddings of 1 or 2 dimensions). */
int ml_tsne_kl_grad(const ml_tensor *y, const ml_tensor *p, double dof, ml_tensor *grad, double *kl,
                    const char *who, ml_error *e);

/* The k nearest neighbours of each row of x (N, D) (itself excluded),
 * nearest first: d2 (N, k) squared euclidean distances, idx (N, k) Long,
 * 0-based (both resized).  Needs 1 <= k < N.  Distances by GEMM in row
 * blocks, O(N^2 D) time, O(block N) memory. */
int ml_tsne_knn(const ml_tensor *x, int64_t k, ml_tensor *d2, ml_tensor *idx, const char *who, ml_error *e);

/* cond (N, k, resized): each row's conditional probabilities over its
 * neighbours from their squared distances d2 (N, k) (rounded to float),
 * binary search on the precision to reach the perplexity (as
 * ml_tsne_joint_p, without the diagonal).  Rows sum to 1. */
int ml_tsne_cond_p(const ml_tensor *d2, double perplexity, ml_tensor *cond, const char *who, ml_error *e);

/* Sparse joint P = (C + C^T) / sum, C the (N, N) matrix with C[i, idx[i, t]]
 * = cond[i, t]; as CSR: indptr (N + 1) and indices Long (0-based, sorted
 * within rows), values Double (all resized). */
int ml_tsne_symmetrize(const ml_tensor *cond, const ml_tensor *idx, ml_tensor *indptr, ml_tensor *indices,
                       ml_tensor *values, const char *who, ml_error *e);

/* Space-partitioning tree over n points of dimension dim (1..3): cells are
 * cubes; a cell with children has child[q] >= 0 for its non-empty
 * orthants (q bit t set: coordinate t above the cell's centre); a leaf holds
 * one point, or several identical (or nearly, at the maximal depth) ones.
 * The points of cell c are order[first .. first + count - 1]; com is their
 * mean (centre of mass), width the cube's side. */
typedef struct {
	double com[3], center[3], width;
	int64_t first, count;
	int64_t child[8];
} ml_tsne_cell;

typedef struct {
	int dim;
	int64_t ncells, cap;
	ml_tsne_cell *cells;
	int64_t *order;
} ml_tsne_tree;

/* Builds t (overwritten) over y (n rows of dim doubles, contiguous); free
 * with ml_tsne_tree_free.  Cell 0 is the root. */
int ml_tsne_tree_build(ml_tsne_tree *t, const double *y, int64_t n, int dim, ml_error *e);
void ml_tsne_tree_free(ml_tsne_tree *t);

/* Barnes-Hut gradient of KL(P || Q) for the embedding y (N, C), C <= 3, and
 * the sparse P (CSR as from ml_tsne_symmetrize): attractive forces over P's
 * entries, repulsive ones over the tree, a cell summarised by its centre of
 * mass when width^2 / dist^2 < theta^2 (theta = 0: the exact gradient).
 * grad (N, C) resized; *kl (when not NULL) = sum over P's entries of
 * p log(p / q) with q from the approximated normalisation, as
 * scikit-learn's. */
int ml_tsne_bh_grad(const ml_tensor *y, const ml_tensor *indptr, const ml_tensor *indices, const ml_tensor *values,
                    double dof, double theta, ml_tensor *grad, double *kl, const char *who, ml_error *e);

#endif
