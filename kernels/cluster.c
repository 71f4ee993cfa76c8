/*
 * cluster.c - k-d tree neighbourhoods, DBSCAN, agglomerative linkage and
 * silhouette distance sums (see cluster.h for the contracts).
 *
 * The k-d tree splits at the median of the widest dimension down to leaves
 * of at most LEAF rows and keeps each node's bounding box; a radius query
 * skips nodes whose box lies farther than eps.  Queries run in two threaded
 * passes (count, then fill) so that the result is one CSR array.  The linkage
 * follows scipy's nn_chain and label and scikit-learn's mst_linkage_core and
 * _single_linkage_label step for step, so that ties are broken the same way
 * and the merge trees are identical.
 *
 * Not here: other metrics, ball trees, approximate neighbours.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "internal.h"
#include "interrupt.h"

#define LEAF 16

static int check_x(const ml_tensor *x, int64_t min_rows, const char *who, ml_error *e)
{
	char b[64];
	if (x->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: expected a Double tensor (got %s)", who, ml_dtype_info[x->dtype].name);
	if (x->ndim != 2 || x->size[0] < min_rows)
		return ml_fail(e, ML_ESHAPE, "%s: expected x (N, D) with N >= %lld (got %s)", who, (long long)min_rows,
		               ml_tensor_shape_str(b, sizeof b, x));
	if (!ml_tensor_is_contiguous(x))
		return ml_fail(e, ML_EINVAL, "%s: x must be contiguous", who);
	return ML_OK;
}

static int resize_result(ml_tensor *t, ml_dtype dt, int ndim, int64_t s0, int64_t s1, const char *who,
                         ml_error *e)
{
	int64_t size[2] = {s0, s1};
	if (t->dtype != dt)
		return ml_fail(e, ML_ETYPE, "%s: result must be a %s tensor (got %s)", who, ml_dtype_info[dt].name,
		               ml_dtype_info[t->dtype].name);
	int rc = ml_tensor_resize(t, ndim, size, e);
	if (rc)
		return rc;
	if (!ml_tensor_is_contiguous(t))
		return ml_fail(e, ML_EINVAL, "%s: result must be contiguous", who);
	return ML_OK;
}

static double sqdist(const double *restrict a, const double *restrict b, int64_t d)
{
	double s = 0;
	for (int64_t j = 0; j < d; j++) {
		double t = a[j] - b[j];
		s += t * t;
	}
	return s;
}

/* ---- k-d tree ---- */

typedef struct kd_tree {
	const double *X;  /* (N, D) rows */
	int64_t n, d;     /* rows, columns */
	int64_t *perm;    /* row indices, grouped by leaf */
	int64_t *lo, *hi; /* node's range in perm */
	int64_t *left;    /* node's children (right = left + 1... no: see right); -1 for a leaf */
	int64_t *right;   /* second child */
	double *box;      /* (nodes, 2, D): min and max corner of each node */
	int64_t nodes;    /* nodes in use */
	int64_t cap;      /* nodes allocated */
} kd_tree;

static void swap64(int64_t *a, int64_t *b)
{
	int64_t t = *a;
	*a = *b;
	*b = t;
}

/* Reorders perm[lo, hi) so that perm[k] holds the row of rank k in column j. */
static void select_kth(const kd_tree *t, int64_t lo, int64_t hi, int64_t k, int64_t j)
{
	const double *X = t->X;
	int64_t d = t->d, *p = t->perm;
	while (hi - lo > 1) {
		double pivot = X[p[lo + (hi - lo) / 2] * d + j];
		int64_t i = lo, m = lo, g = hi; /* [lo,i) <, [i,m) ==, [g,hi) > */
		while (m < g) {
			double v = X[p[m] * d + j];
			if (v < pivot)
				swap64(&p[i++], &p[m++]);
			else if (v > pivot)
				swap64(&p[m], &p[--g]);
			else
				m++;
		}
		if (k < i)
			hi = i;
		else if (k >= g)
			lo = g;
		else
			return;
	}
}

static int64_t kd_build(kd_tree *t, int64_t lo, int64_t hi)
{
	int64_t id = t->nodes++, d = t->d;
	double *mn = t->box + id * 2 * d, *mx = mn + d;
	for (int64_t j = 0; j < d; j++) {
		mn[j] = INFINITY;
		mx[j] = -INFINITY;
	}
	for (int64_t i = lo; i < hi; i++) {
		const double *r = t->X + t->perm[i] * d;
		for (int64_t j = 0; j < d; j++) {
			if (r[j] < mn[j])
				mn[j] = r[j];
			if (r[j] > mx[j])
				mx[j] = r[j];
		}
	}
	t->lo[id] = lo;
	t->hi[id] = hi;
	t->left[id] = t->right[id] = -1;
	int64_t split = 0;
	for (int64_t j = 1; j < d; j++)
		if (mx[j] - mn[j] > mx[split] - mn[split])
			split = j;
	if (hi - lo <= LEAF || !(mx[split] > mn[split]) || t->nodes + 2 > t->cap)
		return id;
	int64_t mid = lo + (hi - lo) / 2;
	select_kth(t, lo, hi, mid, split);
	int64_t l = kd_build(t, lo, mid);
	int64_t r = kd_build(t, mid, hi);
	t->left[id] = l;
	t->right[id] = r;
	return id;
}

static void kd_free(kd_tree *t)
{
	free(t->perm);
	free(t->lo);
	free(t->box);
}

static int kd_init(kd_tree *t, const double *X, int64_t n, int64_t d)
{
	memset(t, 0, sizeof *t);
	t->X = X;
	t->n = n;
	t->d = d;
	t->cap = 4 * (n / (LEAF / 2) + 1) + 1;
	t->perm = malloc((size_t)(n ? n : 1) * sizeof *t->perm);
	t->lo = malloc((size_t)t->cap * 4 * sizeof *t->lo);
	t->box = malloc((size_t)t->cap * 2 * (d ? d : 1) * sizeof *t->box);
	if (!t->perm || !t->lo || !t->box) {
		kd_free(t);
		return ML_ENOMEM;
	}
	t->hi = t->lo + t->cap;
	t->left = t->hi + t->cap;
	t->right = t->left + t->cap;
	for (int64_t i = 0; i < n; i++)
		t->perm[i] = i;
	if (n)
		kd_build(t, 0, n);
	return ML_OK;
}

/* Rows within sqrt(eps2) of q: counted, and stored into out when not NULL
 * (in tree order).  Returns the count. */
static int64_t kd_query(const kd_tree *t, const double *q, double eps2, int64_t *out)
{
	int64_t stack[256], top = 0, count = 0, d = t->d;
	if (t->nodes == 0)
		return 0;
	stack[top++] = 0;
	while (top > 0) {
		int64_t id = stack[--top];
		const double *mn = t->box + id * 2 * d, *mx = mn + d;
		double s = 0;
		for (int64_t j = 0; j < d && s <= eps2; j++) {
			double g = q[j] < mn[j] ? mn[j] - q[j] : q[j] > mx[j] ? q[j] - mx[j] : 0;
			s += g * g;
		}
		if (s > eps2)
			continue;
		if (t->left[id] < 0) {
			for (int64_t i = t->lo[id]; i < t->hi[id]; i++) {
				int64_t r = t->perm[i];
				if (sqdist(q, t->X + r * d, d) <= eps2) {
					if (out)
						out[count] = r;
					count++;
				}
			}
		} else {
			stack[top++] = t->right[id];
			stack[top++] = t->left[id];
		}
	}
	return count;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int neighbors(const ml_tensor *x, double eps, int naive, ml_tensor *offsets, ml_tensor *idx,
                     const char *who, ml_error *e)
{
	int rc = check_x(x, 0, who, e);
	if (rc)
		return rc;
	if (!(eps >= 0))
		return ml_fail(e, ML_EINVAL, "%s: eps must be >= 0 (got %g)", who, eps);
	int64_t n = x->size[0], d = x->size[1];
	if ((rc = resize_result(offsets, ML_LONG, 1, n + 1, 0, who, e)))
		return rc;
	const double *X = ml_tensor_data(x);
	int64_t *off = ml_tensor_data(offsets);
	double eps2 = eps * eps;
	kd_tree t;
	if (!naive && kd_init(&t, X, n, d))
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (k-d tree of %lld rows)", who, (long long)n);
	int nt = ml_threads_for(n * (d + 8) * 16, 1 << 14);
	off[0] = 0;
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		int64_t c = 0;
		if (naive) {
			for (int64_t j = 0; j < n; j++)
				c += sqdist(X + i * d, X + j * d, d) <= eps2;
		} else {
			c = kd_query(&t, X + i * d, eps2, NULL);
		}
		off[i + 1] = c;
	}
	for (int64_t i = 0; i < n; i++)
		off[i + 1] += off[i];
	rc = resize_result(idx, ML_LONG, 1, off[n], 0, who, e);
	if (!rc) {
		int64_t *id = ml_tensor_data(idx);
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt)
		for (int64_t i = 0; i < n; i++) {
			int64_t *o = id + off[i];
			if (naive) {
				int64_t c = 0;
				for (int64_t j = 0; j < n; j++)
					if (sqdist(X + i * d, X + j * d, d) <= eps2)
						o[c++] = j;
			} else {
				kd_query(&t, X + i * d, eps2, o);
				qsort(o, (size_t)(off[i + 1] - off[i]), sizeof *o, cmp64);
			}
		}
	}
	if (!naive)
		kd_free(&t);
	return rc;
}

int ml_cluster_radius_neighbors(const ml_tensor *x, double eps, ml_tensor *offsets, ml_tensor *idx,
                                const char *who, ml_error *e)
{
	return neighbors(x, eps, 0, offsets, idx, who, e);
}

int ml_cluster_radius_neighbors_naive(const ml_tensor *x, double eps, ml_tensor *offsets, ml_tensor *idx,
                                      const char *who, ml_error *e)
{
	return neighbors(x, eps, 1, offsets, idx, who, e);
}

int ml_cluster_dbscan(const ml_tensor *x, double eps, int64_t min_samples, ml_tensor *labels,
                      ml_tensor *core, const char *who, ml_error *e)
{
	if (min_samples < 1)
		return ml_fail(e, ML_EINVAL, "%s: min_samples must be >= 1 (got %lld)", who, (long long)min_samples);
	ml_tensor off, idx;
	ml_tensor_init(&off, ML_LONG);
	ml_tensor_init(&idx, ML_LONG);
	int rc = ml_cluster_radius_neighbors(x, eps, &off, &idx, who, e);
	int64_t n = x->ndim == 2 ? x->size[0] : 0;
	if (!rc)
		rc = resize_result(labels, ML_LONG, 1, n, 0, who, e);
	if (!rc)
		rc = resize_result(core, ML_BYTE, 1, n, 0, who, e);
	int64_t *stack = NULL;
	/* a row can be pushed once per neighbour entry: off[n] bounds the stack */
	if (!rc && !(stack = malloc((size_t)(((int64_t *)ml_tensor_data(&off))[n] + 1) * sizeof *stack)))
		rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	if (!rc) {
		const int64_t *o = ml_tensor_data(&off), *nb = ml_tensor_data(&idx);
		int64_t *lab = ml_tensor_data(labels);
		uint8_t *is_core = ml_tensor_data(core);
		for (int64_t i = 0; i < n; i++) {
			lab[i] = -1;
			is_core[i] = o[i + 1] - o[i] >= min_samples;
		}
		/* scikit-learn's dbscan_inner: depth-first from each unlabelled core row */
		int64_t label = 0;
		for (int64_t i0 = 0; i0 < n; i0++) {
			if (lab[i0] != -1 || !is_core[i0])
				continue;
			int64_t top = 0, i = i0;
			for (;;) {
				if (lab[i] == -1) {
					lab[i] = label;
					if (is_core[i])
						for (int64_t p = o[i]; p < o[i + 1]; p++)
							if (lab[nb[p]] == -1)
								stack[top++] = nb[p];
				}
				if (top == 0)
					break;
				i = stack[--top];
			}
			label++;
		}
	}
	free(stack);
	ml_tensor_release(&off);
	ml_tensor_release(&idx);
	return rc;
}

/* ---- agglomerative linkage ---- */

static size_t condensed(int64_t n, int64_t i, int64_t j)
{
	if (i > j) {
		int64_t t = i;
		i = j;
		j = t;
	}
	return (size_t)(n * i - i * (i + 1) / 2 + (j - i - 1));
}

static double new_dist(int method, double dxi, double dyi, double dxy, double nx, double ny, double ni)
{
	switch (method) {
	case ML_LINK_WARD: {
		double t = 1.0 / (nx + ny + ni);
		return sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
	}
	case ML_LINK_COMPLETE:
		return dxi > dyi ? dxi : dyi;
	default: /* average */
		return (nx * dxi + ny * dyi) / (nx + ny);
	}
}

/* A merge step before labelling. */
typedef struct merge {
	int64_t a, b; /* merged clusters (representatives or node ids) */
	double dist;  /* linkage distance */
} merge;

/* Stable sort of the steps by distance (a merge sort, as numpy's
 * argsort(kind="mergesort") is stable). */
static void sort_merges(merge *m, merge *tmp, int64_t n)
{
	for (int64_t w = 1; w < n; w *= 2) {
		for (int64_t lo = 0; lo < n; lo += 2 * w) {
			int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int64_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = m[j].dist < m[i].dist ? m[j++] : m[i++];
			while (i < mid)
				tmp[k++] = m[i++];
			while (j < hi)
				tmp[k++] = m[j++];
		}
		memcpy(m, tmp, (size_t)n * sizeof *m);
	}
}

static int64_t uf_find(int64_t *parent, int64_t x)
{
	int64_t r = x;
	while (parent[r] != -1)
		r = parent[r];
	while (parent[x] != -1 && parent[x] != r) {
		int64_t p = parent[x];
		parent[x] = r;
		x = p;
	}
	return r;
}

/* scipy's nn_chain: merges in chain order, clusters named by representative. */
static void nn_chain(const double *X, int64_t n, int64_t d, int method, double *D, int64_t *size,
                     int64_t *chain, merge *out)
{
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = i + 1; j < n; j++)
			D[condensed(n, i, j)] = sqrt(sqdist(X + i * d, X + j * d, d));
	for (int64_t i = 0; i < n; i++)
		size[i] = 1;
	int64_t len = 0, x = 0, y = 0;
	for (int64_t k = 0; k < n - 1; k++) {
		if (len == 0) {
			len = 1;
			for (int64_t i = 0; i < n; i++)
				if (size[i] > 0) {
					chain[0] = i;
					break;
				}
		}
		double cur;
		for (;;) {
			x = chain[len - 1];
			if (len > 1) {
				y = chain[len - 2];
				cur = D[condensed(n, x, y)];
			} else {
				cur = INFINITY;
			}
			for (int64_t i = 0; i < n; i++) {
				if (size[i] == 0 || i == x)
					continue;
				double v = D[condensed(n, x, i)];
				if (v < cur) {
					cur = v;
					y = i;
				}
			}
			if (len > 1 && y == chain[len - 2])
				break;
			chain[len++] = y;
		}
		len -= 2;
		if (x > y) {
			int64_t t = x;
			x = y;
			y = t;
		}
		double nx = (double)size[x], ny = (double)size[y];
		out[k].a = x;
		out[k].b = y;
		out[k].dist = cur;
		size[x] = 0;
		size[y] = (int64_t)(nx + ny);
		for (int64_t i = 0; i < n; i++) {
			if (size[i] == 0 || i == y)
				continue;
			size_t iy = condensed(n, i, y);
			D[iy] = new_dist(method, D[condensed(n, i, x)], D[iy], cur, nx, ny, (double)size[i]);
		}
	}
}

/* scikit-learn's mst_linkage_core: Prim's algorithm from row 0. */
static void mst_prim(const double *X, int64_t n, int64_t d, double *cur, uint8_t *in_tree, merge *out)
{
	for (int64_t i = 0; i < n; i++) {
		cur[i] = INFINITY;
		in_tree[i] = 0;
	}
	int64_t node = 0;
	for (int64_t i = 1; i < n; i++) {
		in_tree[node] = 1;
		double best = INFINITY;
		int64_t next = 0;
		for (int64_t j = 0; j < n; j++) {
			if (in_tree[j])
				continue;
			double v = sqrt(sqdist(X + node * d, X + j * d, d));
			if (v < cur[j])
				cur[j] = v;
			if (cur[j] < best) {
				best = cur[j];
				next = j;
			}
		}
		out[i - 1].a = node;
		out[i - 1].b = next;
		out[i - 1].dist = best;
		node = next;
	}
}

int ml_cluster_linkage(const ml_tensor *x, int method, ml_tensor *children, ml_tensor *dist,
                       ml_tensor *sizes, const char *who, ml_error *e)
{
	int rc = check_x(x, 2, who, e);
	if (rc)
		return rc;
	if (method < ML_LINK_WARD || method > ML_LINK_SINGLE)
		return ml_fail(e, ML_EINVAL, "%s: unknown linkage %d", who, method);
	int64_t n = x->size[0], d = x->size[1];
	if ((rc = resize_result(children, ML_LONG, 2, n - 1, 2, who, e)) ||
	    (rc = resize_result(dist, ML_DOUBLE, 1, n - 1, 0, who, e)) ||
	    (rc = resize_result(sizes, ML_LONG, 1, n - 1, 0, who, e)))
		return rc;
	size_t npairs = method == ML_LINK_SINGLE ? 1 : (size_t)n * (size_t)(n - 1) / 2;
	double *D = malloc(npairs * sizeof *D);
	int64_t *work = malloc((size_t)(2 * n) * 3 * sizeof *work);
	merge *m = malloc((size_t)n * 2 * sizeof *m);
	double *cur = malloc((size_t)n * sizeof *cur);
	if (!D || !work || !m || !cur) {
		free(D);
		free(work);
		free(m);
		free(cur);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld rows need %.3g GB of pairwise distances)", who,
		               (long long)n, (double)npairs * 8e-9);
	}
	const double *X = ml_tensor_data(x);
	int64_t *parent = work, *usize = work + 2 * n;
	if (method == ML_LINK_SINGLE)
		mst_prim(X, n, d, cur, (uint8_t *)(work + 4 * n), m);
	else
		nn_chain(X, n, d, method, D, work + 4 * n, work + 5 * n, m);
	sort_merges(m, m + n, n - 1);
	for (int64_t i = 0; i < 2 * n; i++) {
		parent[i] = -1;
		usize[i] = i < n;
	}
	int64_t *ch = ml_tensor_data(children), *sz = ml_tensor_data(sizes);
	double *dd = ml_tensor_data(dist);
	for (int64_t k = 0; k < n - 1; k++) {
		int64_t a = uf_find(parent, m[k].a), b = uf_find(parent, m[k].b);
		if (method != ML_LINK_SINGLE && a > b) { /* scipy's label orders the pair */
			int64_t t = a;
			a = b;
			b = t;
		}
		int64_t node = n + k;
		parent[a] = parent[b] = node;
		usize[node] = usize[a] + usize[b];
		ch[2 * k] = a;
		ch[2 * k + 1] = b;
		dd[k] = m[k].dist;
		sz[k] = usize[node];
	}
	free(D);
	free(work);
	free(m);
	free(cur);
	return ML_OK;
}

/* ---- silhouette ---- */

int ml_cluster_dist_sums(const ml_tensor *x, const ml_tensor *labels, int64_t k, ml_tensor *out,
                         const char *who, ml_error *e)
{
	int rc = check_x(x, 0, who, e);
	if (rc)
		return rc;
	int64_t n = x->size[0], d = x->size[1];
	if (labels->dtype != ML_LONG || labels->ndim != 1 || labels->size[0] != n || !ml_tensor_is_contiguous(labels))
		return ml_fail(e, ML_EINVAL, "%s: labels must be a contiguous LongTensor of %lld elements", who,
		               (long long)n);
	const int64_t *lab = ml_tensor_data(labels);
	for (int64_t i = 0; i < n; i++)
		if (lab[i] < 0 || lab[i] >= k)
			return ml_fail(e, ML_ERANGE, "%s: label %lld out of range 0..%lld", who, (long long)lab[i],
			               (long long)k - 1);
	if ((rc = resize_result(out, ML_DOUBLE, 2, n, k, who, e)))
		return rc;
	const double *X = ml_tensor_data(x);
	double *o = ml_tensor_data(out);
	int nt = ml_threads_for(n * n * (d + 1), 1 << 16);
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		double *row = o + i * k;
		for (int64_t c = 0; c < k; c++)
			row[c] = 0;
		for (int64_t j = 0; j < n; j++)
			row[lab[j]] += sqrt(sqdist(X + i * d, X + j * d, d));
	}
	return ML_OK;
}
