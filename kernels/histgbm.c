/*
 * histgbm.c - histogram gradient boosting kernels (see histgbm.h).
 *
 * A tree grows leaf-wise: every open leaf has its histogram (per feature and
 * bin: sum of gradients, of hessians, sample count) and its best split; the
 * open leaf of largest gain is split next.  Only the smaller child's
 * histogram is built from its samples, the larger one's is the parent's
 * minus it.  A split scans each feature's bins left to right with missing
 * values on the right, then, when the feature had missing values, right to
 * left with them on the left (scikit-learn's two scans); the gain is
 * G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2).  Histograms of large nodes
 * (with the gather of their gradients) are built in parallel over features,
 * one parallel region per histogram; everything else is serial, and each
 * bin's sums keep the serial order, so results do not depend on the thread
 * count.
 *
 * Not here: the boosting loop, binning of new data for prediction (trees
 * keep real thresholds), sample weights.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "histgbm.h"

#define NB (ML_HGB_MAX_BINS + 1) /* bins per feature in a histogram, the last one for missing values */
#define PAR_MIN ((int64_t)1 << 18) /* histogram updates (samples x features) below which a node is built
                                      serially: a parallel region costs a barrier, and on a busy machine a
                                      barrier waits a scheduler time slice for a descheduled thread */

typedef struct hbin {
	double g;    /* sum of gradients */
	double h;    /* sum of hessians */
	int64_t c;   /* sample count */
} hbin;

void ml_hgb_tree_free(ml_hgb_tree *t)
{
	free(t->feature);
	free(t->left);
	free(t->right);
	free(t->bin);
	free(t->threshold);
	free(t->missing_left);
	free(t->value);
	free(t->count);
	free(t->gain);
	memset(t, 0, sizeof *t);
}

/* ---- binning ---- */

/* Quicksort of doubles without NaN (median-of-three, Hoare partition,
 * recursion on the smaller side); qsort's comparator calls cost 3x more. */
static void sort_doubles(double *a, int64_t n)
{
	while (n > 24) {
		int64_t m = n / 2;
		double t;
		if (a[m] < a[0]) { t = a[m]; a[m] = a[0]; a[0] = t; }
		if (a[n - 1] < a[0]) { t = a[n - 1]; a[n - 1] = a[0]; a[0] = t; }
		if (a[n - 1] < a[m]) { t = a[n - 1]; a[n - 1] = a[m]; a[m] = t; }
		double pv = a[m];
		int64_t i = -1, j = n;
		for (;;) {
			do i++; while (a[i] < pv);
			do j--; while (a[j] > pv);
			if (i >= j)
				break;
			t = a[i]; a[i] = a[j]; a[j] = t;
		}
		int64_t nl = j + 1;
		if (nl < n - nl) {
			sort_doubles(a, nl);
			a += nl;
			n -= nl;
		} else {
			sort_doubles(a + nl, n - nl);
			n = nl;
		}
	}
	for (int64_t i = 1; i < n; i++) {
		double x = a[i];
		int64_t j = i - 1;
		while (j >= 0 && a[j] > x) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = x;
	}
}

int ml_hgb_bin_thresholds(const double *x, int64_t n, int max_bins, double *thr, int64_t *nthr,
                          int *has_nan, ml_error *e)
{
	if (max_bins < 2 || max_bins > ML_HGB_MAX_BINS)
		return ml_fail(e, ML_EINVAL, "histgbm.bin: max_bins must be in 2..%d (got %d)", ML_HGB_MAX_BINS,
		               max_bins);
	double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
	if (!v)
		return ml_fail(e, ML_ENOMEM, "histgbm.bin: out of memory (%lld values)", (long long)n);
	int64_t m = 0;
	*has_nan = 0;
	for (int64_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			*has_nan = 1;
		else
			v[m++] = x[i];
	}
	sort_doubles(v, m);
	int64_t distinct = 0;
	for (int64_t i = 0; i < m; i++)
		distinct += i == 0 || v[i] != v[i - 1];
	int64_t k = 0;
	if (distinct <= max_bins) {
		for (int64_t i = 1; i < m; i++)
			if (v[i] != v[i - 1])
				thr[k++] = (v[i - 1] + v[i]) * 0.5;
	} else {
		for (int j = 1; j < max_bins; j++) {
			double pos = (double)j / max_bins * (double)(m - 1);
			int64_t lo = (int64_t)floor(pos), hi = (int64_t)ceil(pos);
			double q = (v[lo] + v[hi]) * 0.5;
			if (k == 0 || q != thr[k - 1])
				thr[k++] = q;
		}
	}
	*nthr = k;
	free(v);
	return ML_OK;
}

void ml_hgb_map(const double *x, int64_t n, const double *thr, int64_t nthr, uint8_t *out)
{
	for (int64_t i = 0; i < n; i++) {
		double v = x[i];
		if (isnan(v)) {
			out[i] = ML_HGB_MAX_BINS;
			continue;
		}
		int64_t lo = 0, hi = nthr;
		while (lo < hi) {
			int64_t mid = (lo + hi) / 2;
			if (v <= thr[mid])
				hi = mid;
			else
				lo = mid + 1;
		}
		out[i] = (uint8_t)lo;
	}
}

int ml_hgb_bin(const double *X, int64_t n, int64_t d, int max_bins, double *thr, int64_t *nthr,
               uint8_t *has_missing, uint8_t *bins, ml_error *e)
{
	int rc = ML_OK;
#pragma omp parallel
	{
		double *col = malloc((size_t)(n > 0 ? n : 1) * sizeof *col);
		ml_error le;
		int lrc = col ? ML_OK : ml_fail(&le, ML_ENOMEM, "histgbm.bin: out of memory (%lld rows)", (long long)n);
#pragma omp for schedule(dynamic, 1)
		for (int64_t f = 0; f < d; f++) {
			if (lrc != ML_OK)
				continue;
			for (int64_t i = 0; i < n; i++)
				col[i] = X[i * d + f];
			double *tf = thr + f * ML_HGB_MAX_BINS;
			int hn = 0;
			lrc = ml_hgb_bin_thresholds(col, n, max_bins, tf, &nthr[f], &hn, &le);
			if (lrc != ML_OK)
				continue;
			for (int64_t j = nthr[f]; j < ML_HGB_MAX_BINS; j++)
				tf[j] = INFINITY;
			has_missing[f] = (uint8_t)hn;
			ml_hgb_map(col, n, tf, nthr[f], bins + f * n);
		}
		if (lrc != ML_OK) {
#pragma omp critical(ml_hgb_bin_error)
			{
				if (rc == ML_OK) {
					rc = lrc;
					if (e)
						*e = le;
				}
			}
		}
		free(col);
	}
	return rc;
}

/* ---- growth ---- */

/* An open leaf: its sample range, histogram and best split. */
typedef struct leaf {
	int64_t node;       /* node id in the tree */
	int64_t lo, hi;     /* range in the sample index array */
	int64_t depth;      /* depth of the node */
	double G, H;        /* sums of gradients and hessians */
	hbin *hist;         /* d x NB histogram, NULL once released */
	int64_t feature;    /* best split feature, -1: none */
	int64_t bin;        /* best split bin */
	int missing_left;   /* best split sends missing values left */
	double gain;        /* gain of the best split */
} leaf;

typedef struct grower {
	const ml_hgb_params *p; /* parameters */
	const uint8_t *bins;    /* d x n binned data */
	int64_t n, d;           /* samples, features */
	const int64_t *nthr;    /* thresholds per feature */
	const double *thr;      /* d x ML_HGB_MAX_BINS thresholds */
	const uint8_t *has_missing; /* per feature */
	const double *g, *h;    /* gradients, hessians */
	int64_t *idx;           /* sample ids, partitioned by leaf */
	int64_t *tmp;           /* scratch for the stable partition */
	double *og, *oh;        /* gradients/hessians gathered in a leaf's order */
	int nthreads;           /* threads for histograms */
} grower;

static void build_hist(const grower *w, const leaf *lf, hbin *hist)
{
	int64_t m = lf->hi - lf->lo, n = w->n, d = w->d;
	const int64_t *ix = w->idx + lf->lo;
	double *og = w->og, *oh = w->oh;
	int nt = m * d >= PAR_MIN ? w->nthreads : 1;
#pragma omp parallel num_threads(nt) if (nt > 1)
	{
#pragma omp for schedule(static)
		for (int64_t j = 0; j < m; j++) {
			og[j] = w->g[ix[j]];
			oh[j] = w->h[ix[j]];
		}
		/* one feature per thread at a time: each bin's sums keep the serial order */
#pragma omp for schedule(static)
		for (int64_t f = 0; f < d; f++) {
			hbin *hf = hist + f * NB;
			memset(hf, 0, NB * sizeof *hf);
			const uint8_t *b = w->bins + f * n;
			if (m == n) { /* the root: samples in order */
				for (int64_t j = 0; j < m; j++) {
					hbin *q = &hf[b[j]];
					q->g += og[j];
					q->h += oh[j];
					q->c++;
				}
			} else {
				for (int64_t j = 0; j < m; j++) {
					hbin *q = &hf[b[ix[j]]];
					q->g += og[j];
					q->h += oh[j];
					q->c++;
				}
			}
		}
	}
}

static double score(double G, double H, double l2)
{
	return G * G / (H + l2);
}

/* Best split of an open leaf from its histogram. */
static void find_split(const grower *w, leaf *lf)
{
	const ml_hgb_params *p = w->p;
	int64_t cnt = lf->hi - lf->lo;
	double parent = score(lf->G, lf->H, p->l2);
	lf->feature = -1;
	lf->gain = 0;
	if (cnt < 2 * p->min_samples_leaf || (p->max_depth >= 0 && lf->depth >= p->max_depth))
		return;
	for (int64_t f = 0; f < w->d; f++) {
		const hbin *hf = lf->hist + f * NB;
		int64_t nb = w->nthr[f] + 1; /* non-missing bins */
		int hm = w->has_missing[f];
		/* left to right, missing values right */
		double gl = 0, hl = 0;
		int64_t cl = 0;
		for (int64_t b = 0; b < nb - 1 + hm; b++) {
			gl += hf[b].g;
			hl += hf[b].h;
			cl += hf[b].c;
			int64_t cr = cnt - cl;
			double hr = lf->H - hl;
			if (cl < p->min_samples_leaf)
				continue;
			if (cr < p->min_samples_leaf)
				break;
			if (hl < p->min_hessian || hr < p->min_hessian)
				continue;
			double gain = score(gl, hl, p->l2) + score(lf->G - gl, hr, p->l2) - parent;
			if (gain > lf->gain) {
				lf->gain = gain;
				lf->feature = f;
				lf->bin = b;
				lf->missing_left = 0;
			}
		}
		if (!hm)
			continue;
		/* right to left, missing values left */
		double gr = 0, hr = 0;
		int64_t cr = 0;
		for (int64_t b = nb - 1; b >= 1; b--) {
			gr += hf[b].g;
			hr += hf[b].h;
			cr += hf[b].c;
			int64_t cl2 = cnt - cr;
			double hl2 = lf->H - hr;
			if (cr < p->min_samples_leaf)
				continue;
			if (cl2 < p->min_samples_leaf)
				break;
			if (hl2 < p->min_hessian || hr < p->min_hessian)
				continue;
			double gain = score(lf->G - gr, hl2, p->l2) + score(gr, hr, p->l2) - parent;
			if (gain > lf->gain) {
				lf->gain = gain;
				lf->feature = f;
				lf->bin = b - 1;
				lf->missing_left = 1;
			}
		}
	}
}

static int grow_nodes(ml_hgb_tree *t, int64_t cap)
{
	void *a = realloc(t->feature, (size_t)cap * sizeof *t->feature);
	if (a) t->feature = a;
	void *b = realloc(t->left, (size_t)cap * sizeof *t->left);
	if (b) t->left = b;
	void *c = realloc(t->right, (size_t)cap * sizeof *t->right);
	if (c) t->right = c;
	void *d = realloc(t->bin, (size_t)cap * sizeof *t->bin);
	if (d) t->bin = d;
	void *e = realloc(t->threshold, (size_t)cap * sizeof *t->threshold);
	if (e) t->threshold = e;
	void *f = realloc(t->missing_left, (size_t)cap * sizeof *t->missing_left);
	if (f) t->missing_left = f;
	void *g = realloc(t->value, (size_t)cap * sizeof *t->value);
	if (g) t->value = g;
	void *h = realloc(t->count, (size_t)cap * sizeof *t->count);
	if (h) t->count = h;
	void *i = realloc(t->gain, (size_t)cap * sizeof *t->gain);
	if (i) t->gain = i;
	if (!a || !b || !c || !d || !e || !f || !g || !h || !i)
		return -1;
	t->cap = cap;
	return 0;
}

static int64_t new_node(ml_hgb_tree *t, int64_t count)
{
	if (t->n_nodes == t->cap && grow_nodes(t, t->cap ? 2 * t->cap : 64) != 0)
		return -1;
	int64_t id = t->n_nodes++;
	t->feature[id] = -1;
	t->left[id] = t->right[id] = -1;
	t->bin[id] = 0;
	t->threshold[id] = 0;
	t->missing_left[id] = 0;
	t->value[id] = 0;
	t->count[id] = count;
	t->gain[id] = 0;
	return id;
}

/* Stable partition of the leaf's samples by its best split; returns the
 * first index of the right part. */
static int goes_left(uint8_t v, const leaf *lf)
{
	return v == ML_HGB_MAX_BINS ? lf->missing_left : v <= lf->bin;
}

/* Stable partition of the leaf's samples by its best split; returns the
 * first index of the right part.  Serial: a parallel version (counts, prefix
 * sums, writes) was measured slower on a busy 2-core machine, where every
 * extra barrier waits for a descheduled thread. */
static int64_t split_samples(grower *w, const leaf *lf)
{
	const uint8_t *b = w->bins + lf->feature * w->n;
	int64_t nl = lf->lo, nr = 0;
	for (int64_t j = lf->lo; j < lf->hi; j++) {
		int64_t s = w->idx[j];
		if (goes_left(b[s], lf))
			w->idx[nl++] = s;
		else
			w->tmp[nr++] = s;
	}
	memcpy(w->idx + nl, w->tmp, (size_t)nr * sizeof *w->tmp);
	return nl;
}

/* A leaf's sums of gradients and hessians, from feature 0 of its histogram
 * (every sample is in exactly one bin of each feature). */
static void hist_sums(leaf *lf)
{
	double sg = 0, sh = 0;
	for (int b = 0; b < NB; b++) {
		sg += lf->hist[b].g;
		sh += lf->hist[b].h;
	}
	lf->G = sg;
	lf->H = sh;
}

int ml_hgb_grow(ml_hgb_tree *t, const ml_hgb_params *p, const uint8_t *bins, int64_t n, int64_t d,
                const int64_t *nthr, const double *thr, const uint8_t *has_missing, const double *g,
                const double *h, double *raw, ml_error *e)
{
	if (n < 1 || d < 1)
		return ml_fail(e, ML_EINVAL, "histgbm.grow: empty data (%lldx%lld)", (long long)n, (long long)d);
	if (p->min_samples_leaf < 1 || p->l2 < 0 || (p->max_leaf_nodes >= 0 && p->max_leaf_nodes < 2))
		return ml_fail(e, ML_EINVAL, "histgbm.grow: need min_samples_leaf >= 1, l2 >= 0, max_leaf_nodes >= 2 "
		               "(got %lld, %g, %lld)", (long long)p->min_samples_leaf, p->l2,
		               (long long)p->max_leaf_nodes);
	memset(t, 0, sizeof *t);
	int64_t maxl = p->max_leaf_nodes < 0 ? n : p->max_leaf_nodes;
	grower w = { p, bins, n, d, nthr, thr, has_missing, g, h, NULL, NULL, NULL, NULL,
		     p->nthreads > 0 ? p->nthreads : omp_get_max_threads() };
	w.idx = malloc((size_t)n * sizeof *w.idx);
	w.tmp = malloc((size_t)n * sizeof *w.tmp);
	w.og = malloc((size_t)n * sizeof *w.og);
	w.oh = malloc((size_t)n * sizeof *w.oh);
	leaf *open = calloc((size_t)(maxl + 1), sizeof *open);
	int64_t nopen = 0, nleaves = 1;
	int rc = ML_OK;
	if (!w.idx || !w.tmp || !w.og || !w.oh || !open)
		goto nomem;
	for (int64_t i = 0; i < n; i++)
		w.idx[i] = i;
	leaf root = { 0, 0, n, 0, 0, 0, NULL, -1, 0, 0, 0 };
	if ((root.node = new_node(t, n)) < 0 || !(root.hist = malloc((size_t)d * NB * sizeof(hbin))))
		goto nomem;
	build_hist(&w, &root, root.hist);
	hist_sums(&root);
	find_split(&w, &root);
	open[nopen++] = root;
	while (nopen > 0) {
		/* the open leaf of largest gain */
		int64_t bi = -1;
		for (int64_t j = 0; j < nopen; j++)
			if (open[j].feature >= 0 && (bi < 0 || open[j].gain > open[bi].gain))
				bi = j;
		if (bi < 0 || nleaves >= maxl)
			break;
		leaf P = open[bi];
		open[bi] = open[--nopen];
		int64_t mid = split_samples(&w, &P);
		leaf L = { -1, P.lo, mid, P.depth + 1, 0, 0, NULL, -1, 0, 0, 0 };
		leaf R = { -1, mid, P.hi, P.depth + 1, 0, 0, NULL, -1, 0, 0, 0 };
		int64_t f = P.feature;
		t->feature[P.node] = f;
		t->bin[P.node] = P.bin;
		t->threshold[P.node] = P.bin < nthr[f] ? thr[f * ML_HGB_MAX_BINS + P.bin] : INFINITY;
		t->missing_left[P.node] = (uint8_t)P.missing_left;
		t->gain[P.node] = P.gain;
		if ((L.node = new_node(t, mid - P.lo)) < 0 || (R.node = new_node(t, P.hi - mid)) < 0) {
			free(P.hist);
			goto nomem;
		}
		t->left[P.node] = L.node;
		t->right[P.node] = R.node;
		nleaves++;
		/* children that can still split need histograms: build the smaller, subtract */
		leaf *small = (L.hi - L.lo) <= (R.hi - R.lo) ? &L : &R;
		leaf *large = small == &L ? &R : &L;
		small->hist = malloc((size_t)d * NB * sizeof(hbin));
		if (!small->hist) {
			free(P.hist);
			goto nomem;
		}
		build_hist(&w, small, small->hist);
		large->hist = P.hist; /* parent minus small, in place */
		for (int64_t q = 0; q < d * NB; q++) {
			large->hist[q].g -= small->hist[q].g;
			large->hist[q].h -= small->hist[q].h;
			large->hist[q].c -= small->hist[q].c;
		}
		hist_sums(&L);
		hist_sums(&R);
		find_split(&w, &L);
		find_split(&w, &R);
		open[nopen++] = L;
		open[nopen++] = R;
	}
	goto finish;
nomem:
	rc = ml_fail(e, ML_ENOMEM, "histgbm.grow: out of memory (%lld samples, %lld features)", (long long)n,
	             (long long)d);
finish:
	/* every open leaf is final: its value, and the raw predictions of its samples */
	for (int64_t j = 0; j < nopen; j++) {
		leaf *lf = &open[j];
		if (rc == ML_OK) {
			double v = -p->learning_rate * lf->G / (lf->H + p->l2);
			t->value[lf->node] = v;
			for (int64_t q = lf->lo; q < lf->hi; q++)
				raw[w.idx[q]] += v;
		}
		free(lf->hist);
	}
	free(open);
	free(w.idx);
	free(w.tmp);
	free(w.og);
	free(w.oh);
	if (rc != ML_OK)
		ml_hgb_tree_free(t);
	return rc;
}

void ml_hgb_predict(const int64_t *feature, const double *threshold, const uint8_t *missing_left,
                    const int64_t *left, const int64_t *right, const double *value, const double *X,
                    int64_t n, int64_t d, double *out)
{
#pragma omp parallel for schedule(static) if (n > 20000)
	for (int64_t i = 0; i < n; i++) {
		const double *x = X + i * d;
		int64_t node = 0;
		while (feature[node] >= 0) {
			double v = x[feature[node]];
			int go_left = isnan(v) ? missing_left[node] : v <= threshold[node];
			node = go_left ? left[node] : right[node];
		}
		out[i] += value[node];
	}
}

/* ---- losses ---- */

static double sigmoid(double z)
{
	return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

void ml_hgb_gradients(ml_hgb_loss loss, int64_t n, int64_t k, const double *y, const double *raw,
                      double *g, double *h)
{
	switch (loss) {
	case ML_HGB_SQUARED_ERROR:
		for (int64_t i = 0; i < n; i++) {
			g[i] = raw[i] - y[i];
			h[i] = 1.0;
		}
		break;
	case ML_HGB_LOG_LOSS:
#pragma omp parallel for schedule(static) if (n > 50000)
		for (int64_t i = 0; i < n; i++) {
			double q = sigmoid(raw[i]);
			g[i] = q - y[i];
			h[i] = q * (1.0 - q);
		}
		break;
	case ML_HGB_SOFTMAX:
#pragma omp parallel for schedule(static) if (n * k > 50000)
		for (int64_t i = 0; i < n; i++) {
			double mx = -INFINITY, s = 0;
			for (int64_t c = 0; c < k; c++)
				mx = raw[c * n + i] > mx ? raw[c * n + i] : mx;
			for (int64_t c = 0; c < k; c++)
				s += exp(raw[c * n + i] - mx);
			for (int64_t c = 0; c < k; c++) {
				double q = exp(raw[c * n + i] - mx) / s;
				g[c * n + i] = q - (y[i] == (double)c ? 1.0 : 0.0);
				h[c * n + i] = q * (1.0 - q);
			}
		}
		break;
	}
}

double ml_hgb_loss_value(ml_hgb_loss loss, int64_t n, int64_t k, const double *y, const double *raw)
{
	double s = 0;
	for (int64_t i = 0; i < n; i++) {
		switch (loss) {
		case ML_HGB_SQUARED_ERROR: {
			double r = raw[i] - y[i];
			s += 0.5 * r * r;
			break;
		}
		case ML_HGB_LOG_LOSS: {
			double z = raw[i];
			/* log(1 + exp(z)) - y z, computed without overflow */
			s += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y[i] * z;
			break;
		}
		case ML_HGB_SOFTMAX: {
			double mx = -INFINITY, t = 0;
			for (int64_t c = 0; c < k; c++)
				mx = raw[c * n + i] > mx ? raw[c * n + i] : mx;
			for (int64_t c = 0; c < k; c++)
				t += exp(raw[c * n + i] - mx);
			s += mx + log(t) - raw[(int64_t)y[i] * n + i];
			break;
		}
		}
	}
	return n > 0 ? s / (double)n : 0;
}
