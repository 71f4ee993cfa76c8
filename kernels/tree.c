/*
 * tree.c - CART tree growth (see tree.h): depth-first, a stack of node
 * ranges over one array of sample ids that each split partitions in place.
 *
 * The best split of a node follows scikit-learn's BestSplitter so that trees
 * match on data without ties: features are visited in a random order (at
 * least max_features of them, more while only constant ones were seen), each
 * feature's values in the node are sorted, every position between two values
 * more than 1e-7 apart that leaves min_samples_leaf on both sides is scored,
 * the threshold is the midpoint of the two values, and the first strictly
 * best score wins.  Scores are the "proxy" improvements (children terms of
 * the impurity decrease); the exact decrease is computed once per split for
 * min_impurity_decrease and the feature importances.  The random splitter
 * (ExtraTrees, isolation trees) draws one uniform threshold per feature.
 *
 * Deliberately not here: presorting, histogram splits (histgbm.c), Lua.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "tree.h"

#define FEATURE_THRESHOLD 1e-7 /* values closer than this are not split apart (scikit-learn's) */

/* ---- random stream: splitmix64, one per tree ---- */

typedef struct rng {
	uint64_t s; /* state */
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double rng_unif(rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* uniform integer in [0, m), m >= 1 */
static int64_t rng_int(rng *r, int64_t m)
{
	return (int64_t)(rng_unif(r) * (double)m);
}

/* ---- sorting (value, sample) pairs by value ---- */

typedef struct pair {
	double v;  /* feature value */
	int64_t i; /* sample id */
} pair;

static void insertion_sort(pair *a, int64_t n)
{
	for (int64_t i = 1; i < n; i++) {
		pair x = a[i];
		int64_t j = i - 1;
		while (j >= 0 && a[j].v > x.v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = x;
	}
}

static void swap_pair(pair *a, pair *b)
{
	pair t = *a;
	*a = *b;
	*b = t;
}

/* Quicksort with median-of-three pivots and Hoare partitioning (equal keys
 * split evenly); recursion on the smaller side bounds the stack. */
static void sort_pairs(pair *a, int64_t n)
{
	while (n > 24) {
		int64_t m = n / 2;
		if (a[m].v < a[0].v)
			swap_pair(&a[m], &a[0]);
		if (a[n - 1].v < a[0].v)
			swap_pair(&a[n - 1], &a[0]);
		if (a[n - 1].v < a[m].v)
			swap_pair(&a[n - 1], &a[m]);
		double pv = a[m].v;
		int64_t i = -1, j = n;
		for (;;) {
			do i++; while (a[i].v < pv);
			do j--; while (a[j].v > pv);
			if (i >= j)
				break;
			swap_pair(&a[i], &a[j]);
		}
		int64_t nl = j + 1;
		if (nl < n - nl) {
			sort_pairs(a, nl);
			a += nl;
			n -= nl;
		} else {
			sort_pairs(a + nl, n - nl);
			n = nl;
		}
	}
	insertion_sort(a, n);
}

/* ---- node statistics ---- */

/* Weighted statistics of a set of samples: class counts (k of them) for
 * classification, sums of w, w*y, w*y^2 for regression. */
typedef struct stats {
	double w;     /* total weight */
	double sy;    /* sum of w*y (regression) */
	double syy;   /* sum of w*y^2 (regression) */
	double *c;    /* k weighted class counts (classification), else NULL */
} stats;

typedef struct builder {
	const ml_tree_params *p; /* growth parameters */
	const double *X;         /* d x n column-major */
	const double *y;         /* n targets or codes */
	const double *w;         /* n weights (never NULL here) */
	int64_t n, d, k;         /* samples, features, values per node */
	int classify;            /* criterion is gini or entropy */
	rng r;                   /* this tree's random stream */
	int64_t *samples;        /* ids of the samples of positive weight, partitioned by node */
	pair *buf;               /* scratch: one feature's (value, id) pairs of a node */
	int64_t *features;       /* feature ids, permuted by the draws */
	double *cl, *cr;         /* k class counts left/right of a candidate split */
	ml_tree *t;              /* the tree being grown */
	double root_w;           /* weight of the root */
} builder;

static void stats_clear(stats *s, int64_t k)
{
	s->w = s->sy = s->syy = 0;
	if (s->c)
		memset(s->c, 0, (size_t)k * sizeof *s->c);
}

static void stats_add(const builder *b, stats *s, int64_t i)
{
	double w = b->w[i];
	s->w += w;
	if (b->classify) {
		s->c[(int64_t)b->y[i]] += w;
	} else {
		double y = b->y[i];
		s->sy += w * y;
		s->syy += w * y * y;
	}
}

static double impurity(const builder *b, const stats *s)
{
	if (s->w <= 0)
		return 0;
	switch (b->p->criterion) {
	case ML_TREE_GINI: {
		double sq = 0;
		for (int64_t j = 0; j < b->k; j++)
			sq += s->c[j] * s->c[j];
		return 1.0 - sq / (s->w * s->w);
	}
	case ML_TREE_ENTROPY: {
		double h = 0;
		for (int64_t j = 0; j < b->k; j++)
			if (s->c[j] > 0) {
				double q = s->c[j] / s->w;
				h -= q * log2(q);
			}
		return h;
	}
	case ML_TREE_SQUARED_ERROR: {
		double m = s->sy / s->w;
		return s->syy / s->w - m * m;
	}
	default:
		return 1.0; /* isolation: never "pure" */
	}
}

/* The children's part of the impurity decrease, up to terms that do not
 * depend on the split (larger is better); left counts in cl (classification)
 * or (wl, syl), the node's totals in tot. */
static double proxy(const builder *b, double wl, double syl, const stats *tot)
{
	double wr = tot->w - wl;
	switch (b->p->criterion) {
	case ML_TREE_GINI: {
		double sl = 0, sr = 0;
		for (int64_t j = 0; j < b->k; j++) {
			double r = tot->c[j] - b->cl[j];
			sl += b->cl[j] * b->cl[j];
			sr += r * r;
		}
		return sl / wl + sr / wr;
	}
	case ML_TREE_ENTROPY: {
		/* -(wl*H_l + wr*H_r) = sum c log2(c/w) over both sides */
		double s = 0;
		for (int64_t j = 0; j < b->k; j++) {
			double l = b->cl[j], r = tot->c[j] - l;
			if (l > 0)
				s += l * log2(l / wl);
			if (r > 0)
				s += r * log2(r / wr);
		}
		return s;
	}
	case ML_TREE_SQUARED_ERROR: {
		double syr = tot->sy - syl;
		return syl * syl / wl + syr * syr / wr;
	}
	default:
		return 0;
	}
}

/* ---- growth ---- */

/* realloc of *p to count elements of size sz; 0 or -1 (then *p is kept) */
static int resize(void *pp, int64_t count, size_t sz)
{
	void **p = pp;
	void *q = realloc(*p, (size_t)count * sz);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

static int grow_arrays(ml_tree *t, int64_t cap)
{
	if (resize(&t->feature, cap, sizeof *t->feature) || resize(&t->threshold, cap, sizeof *t->threshold) ||
	    resize(&t->left, cap, sizeof *t->left) || resize(&t->right, cap, sizeof *t->right) ||
	    resize(&t->depth, cap, sizeof *t->depth) || resize(&t->n_samples, cap, sizeof *t->n_samples) ||
	    resize(&t->impurity, cap, sizeof *t->impurity) ||
	    resize(&t->weighted_n, cap, sizeof *t->weighted_n) ||
	    resize(&t->value, cap * t->k, sizeof *t->value))
		return -1;
	t->cap = cap;
	return 0;
}

void ml_tree_free(ml_tree *t)
{
	free(t->feature);
	free(t->threshold);
	free(t->left);
	free(t->right);
	free(t->depth);
	free(t->n_samples);
	free(t->impurity);
	free(t->weighted_n);
	free(t->value);
	free(t->importance);
	memset(t, 0, sizeof *t);
}

/* A candidate split. */
typedef struct split {
	int64_t feature;  /* -1: none found */
	double threshold; /* go left when x <= threshold */
	double score;     /* proxy improvement */
} split;

/* Scores feature f on the node's samples [lo, hi) with the sorted scan;
 * returns 1 when the feature is constant in the node. */
static int best_on_feature(builder *b, int64_t lo, int64_t hi, int64_t f, const stats *tot,
                           split *best)
{
	const double *x = b->X + f * b->n;
	int64_t m = hi - lo, msl = b->p->min_samples_leaf;
	pair *a = b->buf;
	for (int64_t j = 0; j < m; j++) {
		int64_t s = b->samples[lo + j];
		a[j].v = x[s];
		a[j].i = s;
	}
	sort_pairs(a, m);
	if (a[m - 1].v <= a[0].v + FEATURE_THRESHOLD)
		return 1;
	double wl = 0, syl = 0;
	if (b->classify)
		memset(b->cl, 0, (size_t)b->k * sizeof *b->cl);
	for (int64_t j = 0; j + 1 < m; j++) {
		int64_t s = a[j].i;
		double w = b->w[s];
		wl += w;
		if (b->classify)
			b->cl[(int64_t)b->y[s]] += w;
		else
			syl += w * b->y[s];
		if (a[j + 1].v <= a[j].v + FEATURE_THRESHOLD)
			continue;
		int64_t pos = j + 1;
		if (pos < msl || m - pos < msl)
			continue;
		double sc = proxy(b, wl, syl, tot);
		if (sc > best->score) {
			double thr = a[j].v / 2.0 + a[j + 1].v / 2.0;
			if (thr == a[j + 1].v || isinf(thr))
				thr = a[j].v;
			best->score = sc;
			best->feature = f;
			best->threshold = thr;
		}
	}
	return 0;
}

/* Scores one uniform random threshold on feature f; returns 1 when constant. */
static int random_on_feature(builder *b, int64_t lo, int64_t hi, int64_t f, const stats *tot,
                             split *best)
{
	const double *x = b->X + f * b->n;
	double mn = INFINITY, mx = -INFINITY;
	for (int64_t j = lo; j < hi; j++) {
		double v = x[b->samples[j]];
		if (v < mn)
			mn = v;
		if (v > mx)
			mx = v;
	}
	if (mx <= mn + FEATURE_THRESHOLD)
		return 1;
	double thr = mn + rng_unif(&b->r) * (mx - mn);
	if (thr == mx)
		thr = mn;
	double wl = 0, syl = 0;
	int64_t nl = 0;
	if (b->classify)
		memset(b->cl, 0, (size_t)b->k * sizeof *b->cl);
	for (int64_t j = lo; j < hi; j++) {
		int64_t s = b->samples[j];
		if (x[s] <= thr) {
			double w = b->w[s];
			nl++;
			wl += w;
			if (b->classify)
				b->cl[(int64_t)b->y[s]] += w;
			else if (b->p->criterion == ML_TREE_SQUARED_ERROR)
				syl += w * b->y[s];
		}
	}
	int64_t msl = b->p->min_samples_leaf;
	if (nl < msl || (hi - lo) - nl < msl)
		return 0;
	double sc = proxy(b, wl, syl, tot);
	if (sc > best->score) {
		best->score = sc;
		best->feature = f;
		best->threshold = thr;
	}
	return 0;
}

/* The best split of node [lo, hi) among the drawn features. */
static split find_split(builder *b, int64_t lo, int64_t hi, const stats *tot)
{
	split best = { -1, 0, -INFINITY };
	int64_t fi = b->d, visited = 0, nconst = 0, mf = b->p->max_features;
	while (fi > 0 && (visited < mf || visited <= nconst)) {
		visited++;
		int64_t j = rng_int(&b->r, fi);
		int64_t f = b->features[j];
		b->features[j] = b->features[fi - 1];
		b->features[fi - 1] = f;
		fi--;
		int c = b->p->random_split ? random_on_feature(b, lo, hi, f, tot, &best)
		                           : best_on_feature(b, lo, hi, f, tot, &best);
		nconst += c;
	}
	return best;
}

/* Moves the samples of [lo, hi) that go left to the front; returns the first
 * index of the right part. */
static int64_t partition(builder *b, int64_t lo, int64_t hi, int64_t f, double thr)
{
	const double *x = b->X + f * b->n;
	int64_t i = lo, j = hi - 1;
	while (i <= j) {
		if (x[b->samples[i]] <= thr) {
			i++;
		} else {
			int64_t s = b->samples[i];
			b->samples[i] = b->samples[j];
			b->samples[j] = s;
			j--;
		}
	}
	return i;
}

typedef struct frame {
	int64_t lo, hi;    /* sample range */
	int64_t depth;     /* node depth */
	int64_t parent;    /* parent node, -1 for the root */
	int is_left;       /* which child of parent */
} frame;

static void node_stats(const builder *b, int64_t lo, int64_t hi, stats *s)
{
	stats_clear(s, b->k);
	for (int64_t j = lo; j < hi; j++)
		stats_add(b, s, b->samples[j]);
}

static int grow(builder *b, int64_t m, ml_error *e)
{
	ml_tree *t = b->t;
	const ml_tree_params *p = b->p;
	frame *stack = malloc((size_t)(m + 2) * sizeof *stack);
	double *cbuf = calloc((size_t)(3 * b->k), sizeof *cbuf);
	if (!stack || !cbuf) {
		free(stack);
		free(cbuf);
		return ml_fail(e, ML_ENOMEM, "tree.fit: out of memory (%lld samples)", (long long)m);
	}
	stats tot = { 0, 0, 0, b->classify ? cbuf : NULL };
	stats sl = { 0, 0, 0, b->classify ? cbuf + b->k : NULL };
	stats sr = { 0, 0, 0, b->classify ? cbuf + 2 * b->k : NULL };
	int64_t top = 0;
	stack[top++] = (frame){ 0, m, 0, -1, 0 };
	int rc = ML_OK;
	while (top > 0) {
		frame fr = stack[--top];
		if (t->n_nodes == t->cap && grow_arrays(t, t->cap ? 2 * t->cap : 64) != 0) {
			rc = ml_fail(e, ML_ENOMEM, "tree.fit: out of memory (%lld nodes)", (long long)t->cap);
			break;
		}
		int64_t id = t->n_nodes++;
		if (fr.parent >= 0) {
			if (fr.is_left)
				t->left[fr.parent] = id;
			else
				t->right[fr.parent] = id;
		}
		node_stats(b, fr.lo, fr.hi, &tot);
		double imp = impurity(b, &tot);
		if (id == 0)
			b->root_w = tot.w;
		int64_t cnt = fr.hi - fr.lo;
		t->feature[id] = -1;
		t->threshold[id] = -2; /* scikit-learn's TREE_UNDEFINED for leaves */
		t->left[id] = t->right[id] = -1;
		t->depth[id] = fr.depth;
		t->n_samples[id] = cnt;
		t->impurity[id] = p->criterion == ML_TREE_ISOLATION ? 0 : imp;
		t->weighted_n[id] = tot.w;
		double *val = t->value + id * b->k;
		if (b->classify)
			memcpy(val, tot.c, (size_t)b->k * sizeof *val);
		else
			val[0] = p->criterion == ML_TREE_SQUARED_ERROR ? tot.sy / tot.w : 0;

		int leaf = (p->max_depth >= 0 && fr.depth >= p->max_depth) || cnt < p->min_samples_split ||
		           cnt < 2 * p->min_samples_leaf || imp <= DBL_EPSILON;
		if (leaf)
			continue;
		split sp = find_split(b, fr.lo, fr.hi, &tot);
		if (sp.feature < 0)
			continue;
		int64_t mid = partition(b, fr.lo, fr.hi, sp.feature, sp.threshold);
		if (p->criterion != ML_TREE_ISOLATION) {
			node_stats(b, fr.lo, mid, &sl);
			node_stats(b, mid, fr.hi, &sr);
			double dec = tot.w * imp - sl.w * impurity(b, &sl) - sr.w * impurity(b, &sr);
			if (dec / b->root_w + DBL_EPSILON < p->min_impurity_decrease)
				continue;
			t->importance[sp.feature] += dec;
		}
		t->feature[id] = sp.feature;
		t->threshold[id] = sp.threshold;
		stack[top++] = (frame){ mid, fr.hi, fr.depth + 1, id, 0 };
		stack[top++] = (frame){ fr.lo, mid, fr.depth + 1, id, 1 };
	}
	free(stack);
	free(cbuf);
	return rc;
}

static int check_params(const ml_tree_params *p, int64_t n, int64_t d, int64_t k, ml_error *e)
{
	if (n < 1 || d < 1)
		return ml_fail(e, ML_EINVAL, "tree.fit: empty data (%lldx%lld)", (long long)n, (long long)d);
	if (p->min_samples_split < 2 || p->min_samples_leaf < 1)
		return ml_fail(e, ML_EINVAL, "tree.fit: min_samples_split must be >= 2 and min_samples_leaf >= 1 "
		               "(got %lld and %lld)", (long long)p->min_samples_split,
		               (long long)p->min_samples_leaf);
	if (p->max_features < 1 || p->max_features > d)
		return ml_fail(e, ML_EINVAL, "tree.fit: max_features must be in 1..%lld (got %lld)",
		               (long long)d, (long long)p->max_features);
	if (k < 1)
		return ml_fail(e, ML_EINVAL, "tree.fit: need at least one class (k = %lld)", (long long)k);
	return ML_OK;
}

int ml_tree_fit(ml_tree *t, const ml_tree_params *p, const double *X, int64_t n, int64_t d,
                const double *y, int64_t k, const double *w, uint64_t seed, ml_error *e)
{
	int rc = check_params(p, n, d, k, e);
	if (rc != ML_OK)
		return rc;
	int classify = p->criterion == ML_TREE_GINI || p->criterion == ML_TREE_ENTROPY;
	if (classify) {
		for (int64_t i = 0; i < n; i++)
			if (!(y[i] >= 0 && y[i] < (double)k))
				return ml_fail(e, ML_EINVAL, "tree.fit: class code %g of sample %lld is outside 0..%lld",
				               y[i], (long long)i, (long long)k - 1);
	} else {
		k = 1;
	}
	memset(t, 0, sizeof *t);
	t->k = k;
	t->d = d;
	builder b = { p, X, y, w, n, d, k, classify, { seed }, NULL, NULL, NULL, NULL, NULL, t, 0 };
	double *ones = NULL;
	if (!w) {
		ones = malloc((size_t)n * sizeof *ones);
		if (ones)
			for (int64_t i = 0; i < n; i++)
				ones[i] = 1.0;
		b.w = ones;
	}
	b.samples = malloc((size_t)n * sizeof *b.samples);
	b.buf = malloc((size_t)n * sizeof *b.buf);
	b.features = malloc((size_t)d * sizeof *b.features);
	b.cl = calloc((size_t)k, sizeof *b.cl);
	t->importance = calloc((size_t)d, sizeof *t->importance);
	if (!b.w || !b.samples || !b.buf || !b.features || !b.cl || !t->importance) {
		rc = ml_fail(e, ML_ENOMEM, "tree.fit: out of memory (%lld samples)", (long long)n);
		goto done;
	}
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++) {
		if (b.w[i] < 0 || isnan(b.w[i])) {
			rc = ml_fail(e, ML_EINVAL, "tree.fit: sample weight %g of sample %lld is negative",
			             b.w[i], (long long)i);
			goto done;
		}
		if (b.w[i] > 0)
			b.samples[m++] = i;
	}
	if (m == 0) {
		rc = ml_fail(e, ML_EINVAL, "tree.fit: no sample has a positive weight");
		goto done;
	}
	for (int64_t f = 0; f < d; f++)
		b.features[f] = f;
	rc = grow(&b, m, e);
done:
	free(ones);
	free(b.samples);
	free(b.buf);
	free(b.features);
	free(b.cl);
	if (rc != ML_OK)
		ml_tree_free(t);
	return rc;
}

int ml_tree_fit_forest(ml_tree *trees, int64_t ntrees, const ml_tree_params *p, const double *X,
                       int64_t n, int64_t d, const double *y, int64_t k, const double *w,
                       const uint64_t *seeds, ml_tree_sampling sampling, int64_t max_samples,
                       int32_t *counts, int nthreads, ml_error *e)
{
	int rc = check_params(p, n, d, k, e);
	if (rc != ML_OK)
		return rc;
	if (sampling != ML_TREE_ALL && (max_samples < 1 || max_samples > n))
		return ml_fail(e, ML_EINVAL, "tree.fit_forest: max_samples must be in 1..%lld (got %lld)",
		               (long long)n, (long long)max_samples);
	int nt = nthreads > 0 ? nthreads : omp_get_max_threads();
	if (nt > ntrees)
		nt = (int)(ntrees > 0 ? ntrees : 1);
	int failed = 0;
#pragma omp parallel num_threads(nt)
	{
		double *tw = malloc((size_t)n * sizeof *tw);
		int32_t *cnt = malloc((size_t)n * sizeof *cnt);
		int64_t *perm = sampling == ML_TREE_SUBSAMPLE ? malloc((size_t)n * sizeof *perm) : NULL;
		ml_error le;
		int lrc = (!tw || !cnt || (sampling == ML_TREE_SUBSAMPLE && !perm))
		                  ? ml_fail(&le, ML_ENOMEM, "tree.fit_forest: out of memory (%lld samples)",
		                            (long long)n)
		                  : ML_OK;
#pragma omp for schedule(dynamic, 1)
		for (int64_t ti = 0; ti < ntrees; ti++) {
			if (lrc != ML_OK)
				continue;
			rng r = { seeds[ti] };
			if (sampling == ML_TREE_ALL) {
				for (int64_t i = 0; i < n; i++)
					cnt[i] = 1;
			} else if (sampling == ML_TREE_BOOTSTRAP) {
				memset(cnt, 0, (size_t)n * sizeof *cnt);
				for (int64_t s = 0; s < max_samples; s++)
					cnt[rng_int(&r, n)]++;
			} else {
				memset(cnt, 0, (size_t)n * sizeof *cnt);
				for (int64_t i = 0; i < n; i++)
					perm[i] = i;
				for (int64_t s = 0; s < max_samples; s++) {
					int64_t j = s + rng_int(&r, n - s);
					int64_t v = perm[j];
					perm[j] = perm[s];
					perm[s] = v;
					cnt[v] = 1;
				}
			}
			for (int64_t i = 0; i < n; i++)
				tw[i] = (w ? w[i] : 1.0) * cnt[i];
			if (counts)
				memcpy(counts + ti * n, cnt, (size_t)n * sizeof *cnt);
			lrc = ml_tree_fit(&trees[ti], p, X, n, d, y, k, tw, rng_next(&r), &le);
		}
		if (lrc != ML_OK) {
#pragma omp critical(ml_tree_forest_error)
			{
				if (!failed) {
					failed = 1;
					rc = lrc;
					if (e)
						*e = le;
				}
			}
		}
		free(tw);
		free(cnt);
		free(perm);
	}
	if (failed)
		for (int64_t ti = 0; ti < ntrees; ti++)
			ml_tree_free(&trees[ti]);
	return rc;
}

void ml_tree_apply(const int64_t *feature, const double *threshold, const int64_t *left,
                   const int64_t *right, const double *X, int64_t n, int64_t d, int64_t *leaf)
{
#pragma omp parallel for schedule(static) if (n > 20000)
	for (int64_t i = 0; i < n; i++) {
		const double *x = X + i * d;
		int64_t node = 0;
		while (feature[node] >= 0)
			node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
		leaf[i] = node;
	}
}
