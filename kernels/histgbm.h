/*
 * histgbm.h - histogram gradient boosting (LightGBM / scikit-learn's
 * HistGradientBoosting style): features binned into at most 255 bins by
 * quantiles plus one bin for missing values, per-node gradient/hessian
 * histograms with the sibling's obtained by subtraction, leaf-wise (best
 * gain first) tree growth, losses and their gradients.
 *
 * Binned data is column-major uint8 (feature f of sample i at bins[f*n + i]);
 * raw predictions of K outputs are column-major doubles (raw[k*n + i]).
 * The boosting loop (iterations, early stopping) is the caller's.
 *
 * Not here: categorical features, monotonic constraints, interaction
 * constraints, sample weights, subsampling of rows for binning.
 */
#ifndef ML_HISTGBM_H
#define ML_HISTGBM_H

#include <stdint.h>

#include "tensor.h"

#define ML_HGB_MAX_BINS 255   /* most bins of non-missing values; bin 255 holds missing values */

typedef enum ml_hgb_loss {
	ML_HGB_SQUARED_ERROR,  /* half squared error, K = 1 */
	ML_HGB_LOG_LOSS,       /* binary log-loss on one logit, K = 1, y in {0, 1} */
	ML_HGB_SOFTMAX         /* multinomial log-loss, K >= 3 logits, y in 0..K-1 */
} ml_hgb_loss;

typedef struct ml_hgb_params {
	int64_t max_leaf_nodes;   /* most leaves per tree (>= 2); < 0: unlimited */
	int64_t max_depth;        /* deepest leaf depth (root 0); < 0: unlimited */
	int64_t min_samples_leaf; /* samples each leaf keeps at least (>= 1) */
	double l2;                /* l2_regularization of leaf values (>= 0) */
	double min_hessian;       /* a child needs at least this hessian sum (scikit-learn: 1e-3) */
	double learning_rate;     /* leaf values are multiplied by this */
	int nthreads;             /* OpenMP threads (<= 0: all) */
} ml_hgb_params;

/* One grown tree: node arrays, node 0 the root; leaves have feature -1. */
typedef struct ml_hgb_tree {
	int64_t n_nodes;       /* nodes in use */
	int64_t cap;           /* nodes allocated */
	int64_t *feature;      /* split feature, -1 for a leaf */
	int64_t *left, *right; /* children, -1 for a leaf */
	int64_t *bin;          /* split bin: bins <= bin go left */
	double *threshold;     /* real threshold: x <= threshold goes left (inf: all non-missing) */
	uint8_t *missing_left; /* 1: missing values go left */
	double *value;         /* leaf value (learning rate applied), 0 for internal nodes */
	int64_t *count;        /* training samples in the node */
	double *gain;          /* split gain (0 for leaves) */
} ml_hgb_tree;

/* Frees the arrays of t and zeroes it. */
void ml_hgb_tree_free(ml_hgb_tree *t);

/* Bin thresholds of one feature's n values x (NaN are ignored): the midpoints
 * of consecutive distinct values when there are at most max_bins of them,
 * else the "midpoint" percentiles at 100*j/max_bins (j = 1..max_bins-1) with
 * duplicates removed (scikit-learn's _BinMapper).  Writes *nthr <= max_bins-1
 * thresholds to thr and sets *has_nan.  max_bins in 2..255. */
int ml_hgb_bin_thresholds(const double *x, int64_t n, int max_bins, double *thr, int64_t *nthr,
                          int *has_nan, ml_error *e);

/* Bins every feature of X (n x d row-major) in parallel: thresholds into thr
 * (d x ML_HGB_MAX_BINS, unused entries set to inf), their counts into nthr
 * (d), has_missing (d), and the binned data into bins (d x n column-major). */
int ml_hgb_bin(const double *X, int64_t n, int64_t d, int max_bins, double *thr, int64_t *nthr,
               uint8_t *has_missing, uint8_t *bins, ml_error *e);

/* Bins of n values x given nthr sorted thresholds: the number of thresholds
 * smaller than x (x <= thr[b] goes to bin b), ML_HGB_MAX_BINS for NaN. */
void ml_hgb_map(const double *x, int64_t n, const double *thr, int64_t nthr, uint8_t *out);

/* Grows one tree on binned data (d x n, see the header) for gradients g and
 * hessians h (n each).  nthr[f]: thresholds of feature f (its non-missing
 * bins are 0..nthr[f]); thr: d x ML_HGB_MAX_BINS thresholds, row f holding
 * feature f's; has_missing[f]: 1 when the training data of feature f had
 * missing values.  Adds each training sample's leaf value to raw[i] (n).
 * t must be zeroed; on success it owns new arrays. */
int ml_hgb_grow(ml_hgb_tree *t, const ml_hgb_params *p, const uint8_t *bins, int64_t n, int64_t d,
                const int64_t *nthr, const double *thr, const uint8_t *has_missing, const double *g,
                const double *h, double *raw, ml_error *e);

/* Adds the tree's leaf value to out[i] for each row of X (n x d row-major;
 * NaN follows missing_left).  The node arrays are those of ml_hgb_tree. */
void ml_hgb_predict(const int64_t *feature, const double *threshold, const uint8_t *missing_left,
                    const int64_t *left, const int64_t *right, const double *value, const double *X,
                    int64_t n, int64_t d, double *out);

/* Gradients and hessians of the loss at raw (K x n column-major; K = 1
 * unless softmax) for targets y (n): g and h are K x n like raw. */
void ml_hgb_gradients(ml_hgb_loss loss, int64_t n, int64_t k, const double *y, const double *raw,
                      double *g, double *h);

/* Mean loss over the n samples (half squared error, log-loss, or multinomial
 * log-loss), for early stopping. */
double ml_hgb_loss_value(ml_hgb_loss loss, int64_t n, int64_t k, const double *y, const double *raw);

#endif
