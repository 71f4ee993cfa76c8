/*
 * nmf.c - coordinate-descent sweep of NMF (see nmf.h).  Serial by design:
 * each update reads the row's other coordinates just updated, as
 * scikit-learn's Cython loop does, so results match it to rounding.
 */
#include <math.h>
#include <string.h>

#include "nmf.h"

int ml_nmf_cd_sweep(ml_tensor *w, const ml_tensor *hht, const ml_tensor *xht, const ml_tensor *perm,
                    double *violation, const char *who, ml_error *e)
{
	char b1[64], b2[64], b3[64];
	if (w->dtype != ML_DOUBLE || hht->dtype != ML_DOUBLE || xht->dtype != ML_DOUBLE || perm->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "%s: expected Double W, HHt, XHt and a Long permutation", who);
	if (w->ndim != 2 || hht->ndim != 2 || xht->ndim != 2 || perm->ndim != 1 || hht->size[0] != w->size[1] ||
	    hht->size[1] != w->size[1] || xht->size[0] != w->size[0] || xht->size[1] != w->size[1] ||
	    perm->size[0] != w->size[1])
		return ml_fail(e, ML_ESHAPE, "%s: shapes disagree (W %s, HHt %s, XHt %s)", who,
		               ml_tensor_shape_str(b1, sizeof b1, w), ml_tensor_shape_str(b2, sizeof b2, hht),
		               ml_tensor_shape_str(b3, sizeof b3, xht));
	if (!ml_tensor_is_contiguous(w) || !ml_tensor_is_contiguous(hht) || !ml_tensor_is_contiguous(xht) ||
	    !ml_tensor_is_contiguous(perm))
		return ml_fail(e, ML_EINVAL, "%s: W, HHt, XHt and the permutation must be contiguous", who);
	int64_t n = w->size[0], k = w->size[1];
	double *W = ml_tensor_data(w);
	const double *H = ml_tensor_data(hht), *XH = ml_tensor_data(xht);
	const int64_t *p = ml_tensor_data(perm);
	for (int64_t s = 0; s < k; s++)
		if (p[s] < 0 || p[s] >= k)
			return ml_fail(e, ML_ERANGE, "%s: permutation entry %lld out of range", who, (long long)p[s]);
	double v = 0;
	for (int64_t s = 0; s < k; s++) {
		int64_t t = p[s];
		double hess = H[t * k + t];
		for (int64_t i = 0; i < n; i++) {
			double *wi = W + i * k;
			double grad = -XH[i * k + t];
			for (int64_t r = 0; r < k; r++)
				grad += H[t * k + r] * wi[r];
			double pg = wi[t] == 0 ? (grad < 0 ? grad : 0) : grad;
			v += fabs(pg);
			if (hess != 0) {
				double nw = wi[t] - grad / hess;
				wi[t] = nw > 0 ? nw : 0;
			}
		}
	}
	*violation = v;
	return ML_OK;
}
