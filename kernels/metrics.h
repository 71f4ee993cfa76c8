/*
 * metrics.h - the hot loop of the ranking metrics of moonlab.ml.metrics:
 * counting true and false positives at every distinct score (scikit-learn's
 * _binary_clf_curve), from which ROC and precision-recall curves and their
 * areas follow with a few vector operations in Lua.
 *
 * Inputs are contiguous doubles; scores must hold no NaN (the caller checks).
 * Sample weights are not supported.  Errors: ML_EINVAL (n < 0), ML_ENOMEM.
 * Messages start with "ml.metrics:".
 */
#ifndef ML_METRICS_H
#define ML_METRICS_H

#include "tensor.h"

/* For truth (N: nonzero = positive) and score (N), writes at every distinct
 * score value, highest first, the number of negatives (fps) and positives
 * (tps) whose score is >= it, and the value (thr); *m receives the number of
 * distinct values (0 when n is 0).  fps, tps and thr need room for n
 * doubles.  -0.0 and +0.0 count as one value.  Radix sorts of the positive
 * and the negative scores, merged: O(n), serial. */
int ml_metrics_clf_curve(const double *score, const double *truth, int64_t n, double *fps, double *tps,
                         double *thr, int64_t *m, ml_error *e);

/* The same result by a comparison sort of (score, truth) pairs: the naive
 * reference the tests compare ml_metrics_clf_curve with. */
int ml_metrics_clf_curve_ref(const double *score, const double *truth, int64_t n, double *fps,
                             double *tps, double *thr, int64_t *m, ml_error *e);

#endif
