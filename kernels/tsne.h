/*
 * tsne.h - exact t-SNE's hot loops, as scikit-learn's method="exact": the
 * joint probabilities P from squared distances (a binary search on each
 * row's Gaussian precision to reach the perplexity), and the Kullback-Leibler
 * divergence with its gradient for an embedding (Student-t similarities).
 * O(N^2) time and memory.  Not here: Barnes-Hut, the optimiser (Lua).
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

#endif
