/*
 * tsne.c - exact t-SNE (see tsne.h): scikit-learn's _binary_search_perplexity
 * and _kl_divergence, step for step, rows in parallel with OpenMP; and
 * Barnes-Hut t-SNE (kNN, sparse P, tree, gradient; tree build serial).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"

#include "internal.h"
#include "tsne.h"

static int check_sq(const ml_tensor *t, int64_t n, const char *name, const char *who, ml_error *e)
{
	char b[64];
	if (t->dtype != ML_DOUBLE || t->ndim != 2 || !ml_tensor_is_contiguous(t) || (n >= 0 && t->size[0] != n) ||
	    t->size[1] != t->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: %s must be a contiguous square Double matrix (got %s %s)", who, name,
		               ml_dtype_info[t->dtype].name, ml_tensor_shape_str(b, sizeof b, t));
	return ML_OK;
}

/* One row of conditional probabilities: row[j] = exp(-beta d[j]) / sum over
 * the m distances d (squared, rounded through float as scikit-learn's are),
 * with beta found by bisection so that the row's entropy is target =
 * log(perplexity) (to 1e-5, at most 100 steps).  Entry `self` (or none when
 * -1) is the point itself and gets 0. */
static void perplexity_row(const double *d, int64_t m, int64_t self, double target, double *row)
{
	double beta = 1.0, lo = -INFINITY, hi = INFINITY;
	for (int step = 0; step < 100; step++) {
		double sum = 0;
		for (int64_t j = 0; j < m; j++) {
			row[j] = j == self ? 0.0 : exp(-(double)(float)d[j] * beta);
			sum += row[j];
		}
		if (sum == 0.0)
			sum = 1e-8;
		double sdp = 0;
		for (int64_t j = 0; j < m; j++) {
			row[j] /= sum;
			sdp += (double)(float)d[j] * row[j];
		}
		double diff = log(sum) + beta * sdp - target;
		if (fabs(diff) <= 1e-5)
			break;
		if (diff > 0) {
			lo = beta;
			beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
		} else {
			hi = beta;
			beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2;
		}
	}
}

int ml_tsne_joint_p(const ml_tensor *d2, double perplexity, ml_tensor *p, const char *who, ml_error *e)
{
	int rc = check_sq(d2, -1, "the squared distances", who, e);
	if (rc)
		return rc;
	if (!(perplexity > 0))
		return ml_fail(e, ML_EINVAL, "%s: perplexity must be > 0 (got %g)", who, perplexity);
	int64_t n = d2->size[0], size[2] = {n, n};
	if (p->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	if ((rc = ml_tensor_resize(p, 2, size, e)))
		return rc;
	const double *D = ml_tensor_data(d2);
	double *P = ml_tensor_data(p);
	const double target = log(perplexity);
	int nt = ml_threads_for(n * n * 20, 1 << 15);
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		double *row = P + i * n;
		const double *d = D + i * n;
		perplexity_row(d, n, i, target, row);
	}
	/* symmetrise, normalise by the sum of the upper triangle counted twice */
	double total = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = i + 1; j < n; j++) {
			double v = P[i * n + j] + P[j * n + i];
			P[i * n + j] = P[j * n + i] = v;
			total += v;
		}
	total *= 2;
	if (total < DBL_EPSILON)
		total = DBL_EPSILON;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double v = P[i * n + j] / total;
			P[i * n + j] = i == j ? 0.0 : (v > DBL_EPSILON ? v : DBL_EPSILON);
		}
	return ML_OK;
}

int ml_tsne_kl_grad(const ml_tensor *y, const ml_tensor *p, double dof, ml_tensor *grad, double *kl,
                    const char *who, ml_error *e)
{
	char b[64];
	if (y->dtype != ML_DOUBLE || y->ndim != 2 || !ml_tensor_is_contiguous(y))
		return ml_fail(e, ML_ESHAPE, "%s: the embedding must be a contiguous 2-D Double tensor (got %s)", who,
		               ml_tensor_shape_str(b, sizeof b, y));
	int64_t n = y->size[0], c = y->size[1];
	int rc = check_sq(p, n, "P", who, e);
	if (rc)
		return rc;
	int64_t size[2] = {n, c};
	if (grad->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	if ((rc = ml_tensor_resize(grad, 2, size, e)))
		return rc;
	double *w = malloc((size_t)(n ? n * n : 1) * sizeof *w);
	if (!w)
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld points)", who, (long long)n);
	const double *Y = ml_tensor_data(y), *P = ml_tensor_data(p);
	double *G = ml_tensor_data(grad);
	const double ex = (dof + 1.0) / -2.0;
	int nt = ml_threads_for(n * n * (c + 4), 1 << 15);
	/* Student-t kernel of each pair, sum over the upper triangle */
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt)
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double s = 0;
			for (int64_t t = 0; t < c; t++) {
				double v = Y[i * c + t] - Y[j * c + t];
				s += v * v;
			}
			w[i * n + j] = i == j ? 0.0 : (dof == 1.0 ? 1.0 / (s + 1.0) : pow(s / dof + 1.0, ex));
		}
	double sum = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = i + 1; j < n; j++)
			sum += w[i * n + j];
	sum *= 2.0;
	const double cst = 2.0 * (dof + 1.0) / dof;
	double total = 0;
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) reduction(+ : total)
	for (int64_t i = 0; i < n; i++) {
		double *g = G + i * c;
		for (int64_t t = 0; t < c; t++)
			g[t] = 0;
		for (int64_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			double q = w[i * n + j] / sum;
			if (q < DBL_EPSILON)
				q = DBL_EPSILON;
			double pij = P[i * n + j];
			if (j > i)
				total += pij * log((pij > DBL_EPSILON ? pij : DBL_EPSILON) / q);
			double f = (pij - q) * w[i * n + j];
			for (int64_t t = 0; t < c; t++)
				g[t] += f * (Y[i * c + t] - Y[j * c + t]);
		}
		for (int64_t t = 0; t < c; t++)
			g[t] *= cst;
	}
	if (kl)
		*kl = 2.0 * total;
	free(w);
	return ML_OK;
}

/* ------------------------------------------------------------ Barnes-Hut */

static int check_mat(const ml_tensor *t, ml_dtype dt, int64_t rows, int64_t cols, const char *name, const char *who,
                     ml_error *e)
{
	char b[64];
	if (t->dtype != dt || t->ndim != 2 || !ml_tensor_is_contiguous(t) || (rows >= 0 && t->size[0] != rows) ||
	    (cols >= 0 && t->size[1] != cols))
		return ml_fail(e, ML_ESHAPE, "%s: %s must be a contiguous 2-D %s tensor%s (got %s %s)", who, name,
		               ml_dtype_info[dt].name, rows >= 0 ? " of matching rows" : "",
		               ml_dtype_info[t->dtype].name, ml_tensor_shape_str(b, sizeof b, t));
	return ML_OK;
}

/* sift-down in a max-heap of (dist, index) of size k */
static void heap_down(double *hd, int64_t *hi, int64_t k, int64_t r)
{
	for (;;) {
		int64_t l = 2 * r + 1, m = r;
		if (l < k && hd[l] > hd[m])
			m = l;
		if (l + 1 < k && hd[l + 1] > hd[m])
			m = l + 1;
		if (m == r)
			return;
		double td = hd[r];
		int64_t ti = hi[r];
		hd[r] = hd[m], hi[r] = hi[m], hd[m] = td, hi[m] = ti;
		r = m;
	}
}

int ml_tsne_knn(const ml_tensor *x, int64_t k, ml_tensor *d2, ml_tensor *idx, const char *who, ml_error *e)
{
	int rc = check_mat(x, ML_DOUBLE, -1, -1, "X", who, e);
	if (rc)
		return rc;
	int64_t n = x->size[0], d = x->size[1];
	if (k < 1 || k >= n)
		return ml_fail(e, ML_EINVAL, "%s: number of neighbours must be in 1..%lld (got %lld)", who,
		               (long long)(n - 1), (long long)k);
	if (d2->dtype != ML_DOUBLE || idx->dtype != ML_LONG)
		return ml_fail(e, ML_ETYPE, "%s: results must be Double and Long tensors", who);
	int64_t size[2] = {n, k};
	if ((rc = ml_tensor_resize(d2, 2, size, e)) || (rc = ml_tensor_resize(idx, 2, size, e)))
		return rc;
	const double *X = ml_tensor_data(x);
	double *D = ml_tensor_data(d2);
	int64_t *I = ml_tensor_data(idx);
	int64_t bs = n < 512 ? n : 512;
	double *norm = malloc((size_t)n * sizeof *norm);
	ml_tensor blk;
	int64_t bsize[2] = {bs, n};
	ml_tensor_init(&blk, ML_DOUBLE);
	if (!norm || ml_tensor_init_sized(&blk, ML_DOUBLE, 2, bsize, e)) {
		free(norm);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld points)", who, (long long)n);
	}
	for (int64_t i = 0; i < n; i++) {
		double s = 0;
		for (int64_t t = 0; t < d; t++)
			s += X[i * d + t] * X[i * d + t];
		norm[i] = s;
	}
	ml_tensor xt = *x;
	ml_tensor_transpose(&xt, 0, 1, e);
	for (int64_t r0 = 0; r0 < n && !rc; r0 += bs) {
		int64_t b = n - r0 < bs ? n - r0 : bs;
		ml_tensor a = *x, c = blk;
		ml_tensor_narrow(&a, 0, r0, b, e);
		ml_tensor_narrow(&c, 0, 0, b, e);
		if ((rc = ml_blas_gemm(&c, 0.0, -2.0, &a, &xt, e)))
			break;
		double *C = ml_tensor_data(&c);
		int nt = ml_threads_for(b * n * 4, 1 << 15);
#pragma omp parallel for schedule(static) num_threads(nt)
		for (int64_t r = 0; r < b; r++) {
			int64_t i = r0 + r;
			double *row = C + r * n, *hd = D + i * k;
			int64_t *hi = I + i * k, m = 0;
			for (int64_t j = 0; j < n; j++) {
				if (j == i)
					continue;
				double v = row[j] + norm[i] + norm[j];
				v = v > 0 ? v : 0;
				if (m < k) {
					/* sift up */
					int64_t q = m++;
					while (q > 0 && hd[(q - 1) / 2] < v) {
						hd[q] = hd[(q - 1) / 2], hi[q] = hi[(q - 1) / 2];
						q = (q - 1) / 2;
					}
					hd[q] = v, hi[q] = j;
				} else if (v < hd[0]) {
					hd[0] = v, hi[0] = j;
					heap_down(hd, hi, k, 0);
				}
			}
			/* heap sort ascending */
			for (int64_t q = k - 1; q > 0; q--) {
				double td = hd[0];
				int64_t ti = hi[0];
				hd[0] = hd[q], hi[0] = hi[q], hd[q] = td, hi[q] = ti;
				heap_down(hd, hi, q, 0);
			}
		}
	}
	ml_tensor_release(&blk);
	free(norm);
	return rc;
}

int ml_tsne_cond_p(const ml_tensor *d2, double perplexity, ml_tensor *cond, const char *who, ml_error *e)
{
	int rc = check_mat(d2, ML_DOUBLE, -1, -1, "the neighbour distances", who, e);
	if (rc)
		return rc;
	if (!(perplexity > 0))
		return ml_fail(e, ML_EINVAL, "%s: perplexity must be > 0 (got %g)", who, perplexity);
	if (cond->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	int64_t n = d2->size[0], k = d2->size[1], size[2] = {n, k};
	if ((rc = ml_tensor_resize(cond, 2, size, e)))
		return rc;
	const double *D = ml_tensor_data(d2);
	double *P = ml_tensor_data(cond);
	const double target = log(perplexity);
	int nt = ml_threads_for(n * k * 20, 1 << 15);
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		double *row = P + i * k;
		const double *d = D + i * k;
		perplexity_row(d, k, -1, target, row);
	}
	return ML_OK;
}

typedef struct {
	int64_t j;
	double v;
} colval;

static int colval_cmp(const void *a, const void *b)
{
	int64_t x = ((const colval *)a)->j, y = ((const colval *)b)->j;
	return (x > y) - (x < y);
}

int ml_tsne_symmetrize(const ml_tensor *cond, const ml_tensor *idx, ml_tensor *indptr, ml_tensor *indices,
                       ml_tensor *values, const char *who, ml_error *e)
{
	int rc = check_mat(cond, ML_DOUBLE, -1, -1, "the conditional P", who, e);
	if (rc || (rc = check_mat(idx, ML_LONG, cond->size[0], cond->size[1], "the neighbour indices", who, e)))
		return rc;
	if (indptr->dtype != ML_LONG || indices->dtype != ML_LONG || values->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: results must be Long, Long and Double tensors", who);
	int64_t n = cond->size[0], k = cond->size[1];
	const double *Cv = ml_tensor_data(cond);
	const int64_t *Ci = ml_tensor_data(idx);
	for (int64_t q = 0; q < n * k; q++)
		if (Ci[q] < 0 || Ci[q] >= n)
			return ml_fail(e, ML_ERANGE, "%s: neighbour index %lld out of range 0..%lld", who, (long long)Ci[q],
			               (long long)(n - 1));
	/* rows of C^T by counting (sorted by column since rows are visited in
	 * order), rows of C sorted by column, then merged row by row */
	size_t nk = (size_t)(n * k > 0 ? n * k : 1);
	int64_t *tptr = calloc((size_t)n + 1, sizeof *tptr), *fill = malloc(((size_t)n + 1) * sizeof *fill);
	colval *tv = malloc(nk * sizeof *tv), *sv = malloc(nk * sizeof *sv);
	if (!tptr || !fill || !tv || !sv) {
		free(tptr), free(fill), free(tv), free(sv);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld points)", who, (long long)n);
	}
	for (int64_t q = 0; q < n * k; q++)
		tptr[Ci[q] + 1]++;
	for (int64_t i = 0; i < n; i++)
		tptr[i + 1] += tptr[i];
	memcpy(fill, tptr, ((size_t)n + 1) * sizeof *fill);
	for (int64_t i = 0; i < n; i++)
		for (int64_t t = 0; t < k; t++) {
			int64_t j = Ci[i * k + t];
			tv[fill[j]++] = (colval){i, Cv[i * k + t]};
			sv[i * k + t] = (colval){j, Cv[i * k + t]};
		}
	for (int64_t i = 0; i < n; i++)
		qsort(sv + i * k, (size_t)k, sizeof *sv, colval_cmp);
	int64_t *Ip = NULL, *Ii = NULL;
	double *Iv = NULL, total = 0;
	for (int pass = 0; pass < 2; pass++) {
		int64_t nnz = 0;
		for (int64_t i = 0; i < n; i++) {
			const colval *a = sv + i * k, *b = tv + tptr[i];
			int64_t na = k, nb = tptr[i + 1] - tptr[i], p = 0, q = 0;
			if (pass)
				Ip[i] = nnz;
			while (p < na || q < nb) {
				int64_t j;
				double v;
				if (q >= nb || (p < na && a[p].j < b[q].j))
					j = a[p].j, v = a[p++].v;
				else if (p >= na || b[q].j < a[p].j)
					j = b[q].j, v = b[q++].v;
				else
					j = a[p].j, v = a[p++].v + b[q++].v;
				/* duplicate indices within a row of idx add up */
				if (pass && nnz > Ip[i] && Ii[nnz - 1] == j) {
					Iv[nnz - 1] += v;
				} else if (pass) {
					Ii[nnz] = j, Iv[nnz] = v;
					nnz++;
				} else {
					nnz++;
				}
				if (pass)
					total += v;
			}
		}
		if (!pass) {
			int64_t s1 = n + 1, s2 = nnz;
			if ((rc = ml_tensor_resize(indptr, 1, &s1, e)) || (rc = ml_tensor_resize(indices, 1, &s2, e)) ||
			    (rc = ml_tensor_resize(values, 1, &s2, e)))
				break;
			Ip = ml_tensor_data(indptr), Ii = ml_tensor_data(indices), Iv = ml_tensor_data(values);
		} else {
			Ip[n] = nnz;
			/* shrink when duplicates merged */
			int64_t s2 = nnz;
			if (nnz != indices->size[0]) {
				ml_tensor_narrow(indices, 0, 0, s2, e);
				ml_tensor_narrow(values, 0, 0, s2, e);
			}
		}
	}
	free(tptr), free(fill), free(tv), free(sv);
	if (rc)
		return rc;
	if (total < DBL_EPSILON)
		total = DBL_EPSILON;
	for (int64_t q = 0; q < indices->size[0]; q++)
		Iv[q] /= total;
	return ML_OK;
}

enum { TREE_MAX_DEPTH = 48 };

void ml_tsne_tree_free(ml_tsne_tree *t)
{
	free(t->cells);
	free(t->order);
	t->cells = NULL, t->order = NULL, t->ncells = t->cap = 0;
}

static int64_t tree_new_cell(ml_tsne_tree *t)
{
	if (t->ncells == t->cap) {
		int64_t cap = t->cap ? 2 * t->cap : 64;
		ml_tsne_cell *c = realloc(t->cells, (size_t)cap * sizeof *c);
		if (!c)
			return -1;
		t->cells = c, t->cap = cap;
	}
	return t->ncells++;
}

/* cell id covers order[first .. first+count-1]; splits it into orthants */
static int tree_split(ml_tsne_tree *t, const double *y, int64_t id, int depth, int64_t *tmp)
{
	ml_tsne_cell *c = &t->cells[id];
	const int dim = t->dim, nq = 1 << dim;
	int64_t first = c->first, count = c->count;
	for (int a = 0; a < 8; a++)
		c->child[a] = -1;
	for (int a = 0; a < 3; a++)
		c->com[a] = 0;
	for (int64_t p = first; p < first + count; p++)
		for (int a = 0; a < dim; a++)
			c->com[a] += y[t->order[p] * dim + a];
	int same = 1;
	for (int a = 0; a < dim; a++) {
		c->com[a] /= (double)count;
		for (int64_t p = first; p < first + count && same; p++)
			same = y[t->order[p] * dim + a] == y[t->order[first] * dim + a];
	}
	if (count <= 1 || same || depth >= TREE_MAX_DEPTH)
		return 0;
	int64_t cnt[8] = {0}, start[8];
	double center[3], half = c->width / 2;
	for (int a = 0; a < dim; a++)
		center[a] = c->center[a];
	for (int64_t p = first; p < first + count; p++) {
		int q = 0;
		for (int a = 0; a < dim; a++)
			q |= (y[t->order[p] * dim + a] > center[a]) << a;
		cnt[q]++;
	}
	start[0] = first;
	for (int q = 1; q < nq; q++)
		start[q] = start[q - 1] + cnt[q - 1];
	{
		int64_t pos[8];
		memcpy(pos, start, sizeof pos);
		for (int64_t p = first; p < first + count; p++) {
			int q = 0;
			for (int a = 0; a < dim; a++)
				q |= (y[t->order[p] * dim + a] > center[a]) << a;
			tmp[pos[q]++] = t->order[p];
		}
		memcpy(t->order + first, tmp + first, (size_t)count * sizeof *tmp);
	}
	for (int q = 0; q < nq; q++) {
		if (!cnt[q])
			continue;
		int64_t ch = tree_new_cell(t);
		if (ch < 0)
			return -1;
		ml_tsne_cell *cc = &t->cells[ch];
		cc->first = start[q], cc->count = cnt[q], cc->width = half;
		for (int a = 0; a < 3; a++)
			cc->center[a] = a < dim ? center[a] + ((q >> a) & 1 ? half / 2 : -half / 2) : 0;
		t->cells[id].child[q] = ch;
		if (tree_split(t, y, ch, depth + 1, tmp))
			return -1;
	}
	return 0;
}

int ml_tsne_tree_build(ml_tsne_tree *t, const double *y, int64_t n, int dim, ml_error *e)
{
	memset(t, 0, sizeof *t);
	if (dim < 1 || dim > 3)
		return ml_fail(e, ML_EINVAL, "ml_tsne_tree_build: dimension must be 1, 2 or 3 (got %d)", dim);
	t->dim = dim;
	t->order = malloc((size_t)(n ? n : 1) * sizeof *t->order);
	int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof *tmp);
	if (!t->order || !tmp || tree_new_cell(t) < 0) {
		free(tmp);
		ml_tsne_tree_free(t);
		return ml_fail(e, ML_ENOMEM, "ml_tsne_tree_build: out of memory (%lld points)", (long long)n);
	}
	double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0}, w = 0;
	for (int a = 0; a < dim; a++) {
		lo[a] = n ? y[a] : 0, hi[a] = lo[a];
		for (int64_t i = 0; i < n; i++) {
			double v = y[i * dim + a];
			lo[a] = v < lo[a] ? v : lo[a];
			hi[a] = v > hi[a] ? v : hi[a];
		}
		w = hi[a] - lo[a] > w ? hi[a] - lo[a] : w;
	}
	ml_tsne_cell *root = &t->cells[0];
	root->first = 0, root->count = n, root->width = w * (1 + 1e-9) + 1e-300;
	for (int a = 0; a < 3; a++)
		root->center[a] = (lo[a] + hi[a]) / 2;
	for (int64_t i = 0; i < n; i++)
		t->order[i] = i;
	int rc = tree_split(t, y, 0, 0, tmp);
	free(tmp);
	if (rc) {
		ml_tsne_tree_free(t);
		return ml_fail(e, ML_ENOMEM, "ml_tsne_tree_build: out of memory (%lld points)", (long long)n);
	}
	return ML_OK;
}

static inline double student(double d2, double dof)
{
	return dof == 1.0 ? 1.0 / (1.0 + d2) : pow(dof / (dof + d2), (dof + 1.0) / 2.0);
}

/* repulsive force on point i (unnormalised) into neg[], returns its sum of kernel values */
static double bh_negative(const ml_tsne_tree *t, const double *Y, int64_t i, double dof, double theta2, double *neg)
{
	const int c = t->dim;
	const double *yi = Y + i * c;
	int64_t stack[8 * TREE_MAX_DEPTH + 16];
	int sp = 0;
	double sumq = 0;
	stack[sp++] = 0;
	while (sp) {
		const ml_tsne_cell *cell = &t->cells[stack[--sp]];
		int leaf = 1;
		for (int q = 0; q < (1 << c); q++)
			if (cell->child[q] >= 0)
				leaf = 0;
		double delta[3], d2 = 0;
		if (leaf) {
			for (int64_t p = cell->first; p < cell->first + cell->count; p++) {
				int64_t j = t->order[p];
				if (j == i)
					continue;
				d2 = 0;
				for (int a = 0; a < c; a++) {
					delta[a] = yi[a] - Y[j * c + a];
					d2 += delta[a] * delta[a];
				}
				double w = student(d2, dof);
				sumq += w;
				for (int a = 0; a < c; a++)
					neg[a] += w * w * delta[a];
			}
			continue;
		}
		for (int a = 0; a < c; a++) {
			delta[a] = yi[a] - cell->com[a];
			d2 += delta[a] * delta[a];
		}
		if (cell->width * cell->width < theta2 * d2) {
			double w = student(d2, dof), m = (double)cell->count;
			sumq += m * w;
			for (int a = 0; a < c; a++)
				neg[a] += m * w * w * delta[a];
		} else {
			for (int q = (1 << c) - 1; q >= 0; q--)
				if (cell->child[q] >= 0)
					stack[sp++] = cell->child[q];
		}
	}
	return sumq;
}

int ml_tsne_bh_grad(const ml_tensor *y, const ml_tensor *indptr, const ml_tensor *indices, const ml_tensor *values,
                    double dof, double theta, ml_tensor *grad, double *kl, const char *who, ml_error *e)
{
	char b[64];
	if (y->dtype != ML_DOUBLE || y->ndim != 2 || !ml_tensor_is_contiguous(y) || y->size[1] < 1 || y->size[1] > 3)
		return ml_fail(e, ML_ESHAPE, "%s: the embedding must be a contiguous Double N x C tensor, C <= 3 (got %s)",
		               who, ml_tensor_shape_str(b, sizeof b, y));
	int64_t n = y->size[0], c = y->size[1];
	if (indptr->dtype != ML_LONG || indptr->ndim != 1 || indptr->size[0] != n + 1 || !ml_tensor_is_contiguous(indptr) ||
	    indices->dtype != ML_LONG || values->dtype != ML_DOUBLE || indices->ndim != 1 || values->ndim != 1 ||
	    !ml_tensor_is_contiguous(indices) || !ml_tensor_is_contiguous(values) || indices->size[0] != values->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: P must be CSR: Long indptr (%lld), Long indices and Double values of one size",
		               who, (long long)(n + 1));
	const int64_t *Ip = ml_tensor_data(indptr), *Ii = ml_tensor_data(indices);
	const double *Iv = ml_tensor_data(values), *Y = ml_tensor_data(y);
	if (Ip[0] != 0 || Ip[n] != indices->size[0])
		return ml_fail(e, ML_ESHAPE, "%s: P's indptr does not match its %lld entries", who,
		               (long long)indices->size[0]);
	for (int64_t q = 0; q < Ip[n]; q++)
		if (Ii[q] < 0 || Ii[q] >= n)
			return ml_fail(e, ML_ERANGE, "%s: P's column index %lld out of range 0..%lld", who, (long long)Ii[q],
			               (long long)(n - 1));
	if (grad->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: result must be a Double tensor", who);
	int64_t size[2] = {n, c};
	int rc = ml_tensor_resize(grad, 2, size, e);
	if (rc)
		return rc;
	double *G = ml_tensor_data(grad);
	ml_tsne_tree t;
	if ((rc = ml_tsne_tree_build(&t, Y, n, (int)c, e)))
		return rc;
	/* per-row partial sums, added serially afterwards: the result does not
	 * depend on the number of threads */
	double *neg = malloc((size_t)(n * (c + 4) > 0 ? n * (c + 4) : 1) * sizeof *neg), *part = neg + n * c;
	if (!neg) {
		ml_tsne_tree_free(&t);
		return ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld points)", who, (long long)n);
	}
	/* one pass: repulsive sums over the tree, attractive sums over P and
	 * the parts of the KL divergence not needing the normalisation:
	 * KL = sum p log p - sum p log w + log(Z) sum p */
	const double theta2 = theta * theta;
	int nt = ml_threads_for(n * 200 + Ip[n] * 8, 1 << 14);
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt)
	for (int64_t i = 0; i < n; i++) {
		double ng[3] = {0, 0, 0}, pos[3] = {0, 0, 0}, plogp = 0, plogw = 0, psum = 0;
		double sq = bh_negative(&t, Y, i, dof, theta2, ng);
		const double *yi = Y + i * c;
		for (int64_t q = Ip[i]; q < Ip[i + 1]; q++) {
			int64_t j = Ii[q];
			double delta[3], d2 = 0;
			for (int a = 0; a < c; a++) {
				delta[a] = yi[a] - Y[j * c + a];
				d2 += delta[a] * delta[a];
			}
			double w = student(d2, dof), pij = Iv[q];
			if (kl && pij > 0) {
				plogp += pij * log(pij > DBL_EPSILON ? pij : DBL_EPSILON);
				plogw += pij * log(w);
				psum += pij;
			}
			for (int a = 0; a < c; a++)
				pos[a] += pij * w * delta[a];
		}
		for (int a = 0; a < c; a++) {
			G[i * c + a] = pos[a];
			neg[i * c + a] = ng[a];
		}
		part[4 * i] = sq, part[4 * i + 1] = plogp, part[4 * i + 2] = plogw, part[4 * i + 3] = psum;
	}
	ml_tsne_tree_free(&t);
	double sumq = 0, plogp = 0, plogw = 0, psum = 0;
	for (int64_t i = 0; i < n; i++)
		sumq += part[4 * i], plogp += part[4 * i + 1], plogw += part[4 * i + 2], psum += part[4 * i + 3];
	const double cst = 2.0 * (dof + 1.0) / dof, z = sumq > 0 ? sumq : DBL_MIN;
	for (int64_t q = 0; q < n * c; q++)
		G[q] = cst * (G[q] - neg[q] / z);
	free(neg);
	if (kl)
		*kl = plogp - plogw + log(z) * psum;
	return ML_OK;
}
