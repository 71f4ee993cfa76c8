/*
 * nmf.h - the coordinate-descent sweep of non-negative matrix factorisation
 * (scikit-learn's _update_cdnmf_fast).  The multiplicative updates, the
 * initialisation and the stopping rule are Lua (stdlib/moonlab/ml/
 * decomposition.lua); this file only holds the serial inner sweep, whose
 * order of updates decides the result.
 */
#ifndef ML_NMF_H
#define ML_NMF_H

#include "tensor.h"

/* One sweep over the K columns of W (N, K) in the order perm (K, Long,
 * 0-based): for each column t and row i, W[i][t] = max(0, W[i][t] - g / HHt[t][t])
 * with g = (W HHt)[i][t] - XHt[i][t]; returns the sum of |projected
 * gradients| in *violation.  W, HHt (K, K) and XHt (N, K): contiguous Double. */
int ml_nmf_cd_sweep(ml_tensor *w, const ml_tensor *hht, const ml_tensor *xht, const ml_tensor *perm,
                    double *violation, const char *who, ml_error *e);

#endif
