/*
 * gmm.h - the hot loops of Gaussian mixture EM with full (or tied)
 * covariances, as scikit-learn computes them: the log densities from the
 * precision Cholesky factors (one GEMM per component), the normalisation of
 * the weighted log densities into log responsibilities (row logsumexp), and
 * the responsibility-weighted covariance matrices (one GEMM per component).
 *
 * Not here: diagonal and spherical covariances, Cholesky factorisations and
 * the EM loop (stdlib/moonlab/ml/cluster.lua).  Contiguous Double tensors
 * only.  Errors: ML_OK or a negative code with "who: ..." in e.
 */
#ifndef ML_GMM_H
#define ML_GMM_H

#include "tensor.h"

/* out (N, K, resized): log N(x_i | mu_k, (P_k P_k^T)^-1) + logw_k for x
 * (N, D), means (K, D), the precision Cholesky factors pc (K, D, D) or one
 * shared factor pc (D, D) (tied covariance), and logw (K; NULL: zeros):
 * -0.5 (D log 2 pi + ||x_i P_k - mu_k P_k||^2) + sum_j log P_k[j][j] + logw_k. */
int ml_gmm_log_prob(const ml_tensor *x, const ml_tensor *means, const ml_tensor *pc,
                    const ml_tensor *logw, ml_tensor *out, const char *who, ml_error *e);

/* wlp (N, K): weighted log densities, replaced by the log responsibilities
 * wlp_ik - logsumexp_k(wlp_i); lpn (N, resized) gets the logsumexp of each
 * row and *mean (may be NULL) their mean; resp (N, K, resized; may be NULL)
 * gets exp of the log responsibilities. */
int ml_gmm_normalize(ml_tensor *wlp, ml_tensor *lpn, ml_tensor *resp, double *mean, const char *who,
                     ml_error *e);

/* The M-step's sums for resp (N, K) and x (N, D): nk (K, resized) =
 * sum_i resp_ik + 10 eps, means (K, D, resized) = resp^T x / nk, and, when
 * cov is not NULL, the covariances as ml_gmm_covariances gives them. */
int ml_gmm_m_step(const ml_tensor *x, const ml_tensor *resp, double reg, ml_tensor *nk, ml_tensor *means,
                  ml_tensor *cov, const char *who, ml_error *e);

/* cov (K, D, D, resized): sum_i resp_ik (x_i - mu_k)(x_i - mu_k)^T / nk_k,
 * plus reg on the diagonal, for x (N, D), resp (N, K), means (K, D), nk (K). */
int ml_gmm_covariances(const ml_tensor *x, const ml_tensor *resp, const ml_tensor *means,
                       const ml_tensor *nk, double reg, ml_tensor *cov, const char *who, ml_error *e);

#endif
