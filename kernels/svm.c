/*
 * svm.c - libsvm's SMO solver for the C-SVC dual and SVM kernels (see svm.h).
 *
 * The solver keeps libsvm's layout: every per-variable array (y, G, alpha,
 * status, C, QD, G_bar) is indexed by *position*; shrinking moves inactive
 * variables to the end by swapping positions, and `active` maps a position
 * to its variable.  Kernel rows live in an LRU cache keyed by variable, each
 * a float row of all L variables in variable order (libsvm caches float
 * too); Q at positions (i, k) is y_i y_k K[active_i][active_k].  Selection
 * (WSS3), the two-variable update, gradient reconstruction, shrinking and rho
 * are libsvm's, including its ">=" tie rules, so the iterations visit the
 * same pairs.
 *
 * Not here: multiclass, probabilities, sample weights beyond per-variable C
 * (the caller folds weights into C).
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "internal.h"
#include "interrupt.h"
#include "svm.h"

#define TAU 1e-12

enum { LOWER = 0, UPPER = 1, FREE = 2 };

static double powi(double base, int times)
{
	double tmp = base, ret = 1.0;
	for (int t = times; t > 0; t /= 2) {
		if (t % 2 == 1)
			ret *= tmp;
		tmp = tmp * tmp;
	}
	return ret;
}

/* K from a dot product and (rbf) the two squared norms. */
static double kern(const ml_svm_params *p, double dot, double sa, double sb)
{
	switch (p->kernel) {
	case ML_SVM_LINEAR:
		return dot;
	case ML_SVM_POLY:
		return powi(p->gamma * dot + p->coef0, p->degree);
	case ML_SVM_RBF: {
		double d2 = sa + sb - 2 * dot;
		return exp(-p->gamma * (d2 > 0 ? d2 : 0));
	}
	default:
		return tanh(p->gamma * dot + p->coef0);
	}
}

static double dot_of(const double *restrict a, const double *restrict b, int64_t d)
{
	double s = 0;
	for (int64_t j = 0; j < d; j++)
		s += a[j] * b[j];
	return s;
}

static int check_params(const ml_svm_params *p, const char *who, ml_error *e)
{
	if (p->kernel < ML_SVM_LINEAR || p->kernel > ML_SVM_SIGMOID)
		return ml_fail(e, ML_EINVAL, "%s: unknown kernel %d", who, p->kernel);
	if (p->kernel == ML_SVM_POLY && p->degree < 0)
		return ml_fail(e, ML_EINVAL, "%s: degree must be >= 0 (got %d)", who, p->degree);
	if (!(p->tol > 0))
		return ml_fail(e, ML_EINVAL, "%s: tol must be > 0 (got %g)", who, p->tol);
	return ML_OK;
}

/* ---- the kernel cache ---- */

typedef struct kcache {
	const double *X;    /* (L, D) rows */
	const double *XT;   /* (D, L) the rows transposed: a kernel row is D axpys */
	double *acc;        /* (L) scratch: the dot products of one row */
	const double *sq;   /* (L) squared norms */
	int64_t l, d;       /* sizes */
	const ml_svm_params *p;
	int64_t cap;        /* rows that fit */
	float *slab;        /* (cap, L) row storage */
	int64_t *slot;      /* (L) slot of a variable's row, or -1 */
	int64_t *owner;     /* (cap) variable held by a slot, or -1 */
	int64_t *prev;      /* (cap) LRU list over slots: prev/next, head = most recent */
	int64_t *next;      /* (cap) */
	int64_t head, tail; /* most and least recently used slots, -1 when empty */
	int64_t used;       /* slots in use */
} kcache;

static void lru_unlink(kcache *c, int64_t s)
{
	if (c->prev[s] >= 0)
		c->next[c->prev[s]] = c->next[s];
	else
		c->head = c->next[s];
	if (c->next[s] >= 0)
		c->prev[c->next[s]] = c->prev[s];
	else
		c->tail = c->prev[s];
}

static void lru_front(kcache *c, int64_t s)
{
	c->prev[s] = -1;
	c->next[s] = c->head;
	if (c->head >= 0)
		c->prev[c->head] = s;
	c->head = s;
	if (c->tail < 0)
		c->tail = s;
}

/* Kernel values of rows [j0, j1) against variable v.  The dot products are
 * accumulated over t = 0..D-1 in order, as dot_of does, but as axpys over
 * contiguous rows of XT that the compiler vectorizes. */
static void fill_range(const kcache *c, int64_t v, float *row, int64_t j0, int64_t j1)
{
	const double *xi = c->X + v * c->d;
	int64_t l = c->l;
	double *restrict acc = c->acc;
	for (int64_t j = j0; j < j1; j++)
		acc[j] = 0;
	for (int64_t t = 0; t < c->d; t++) {
		const double *restrict xt = c->XT + t * l;
		double a = xi[t];
		for (int64_t j = j0; j < j1; j++)
			acc[j] += a * xt[j];
	}
	for (int64_t j = j0; j < j1; j++)
		row[j] = (float)kern(c->p, acc[j], c->sq[v], c->sq[j]);
}

static void fill_row(const kcache *c, int64_t v, float *row)
{
	int64_t l = c->l;
	/* threads only for long rows: a parallel region per row costs more than
	 * it saves below that, and much more on a loaded machine */
	int nt = ml_threads_for(l * (c->d + 16), 1 << 21);
	if (nt > 1) {
#pragma omp parallel num_threads(nt)
		{
			int part = omp_get_thread_num(), np = omp_get_num_threads();
			fill_range(c, v, row, l * part / np, l * (part + 1) / np);
		}
	} else {
		fill_range(c, v, row, 0, l);
	}
}

/* The kernel row of variable v (all L values, variable order). */
static const float *get_row(kcache *c, int64_t v)
{
	int64_t s = c->slot[v];
	if (s >= 0) {
		lru_unlink(c, s);
		lru_front(c, s);
		return c->slab + s * c->l;
	}
	if (c->used < c->cap) {
		s = c->used++;
	} else {
		s = c->tail;
		lru_unlink(c, s);
		c->slot[c->owner[s]] = -1;
	}
	c->owner[s] = v;
	c->slot[v] = s;
	lru_front(c, s);
	fill_row(c, v, c->slab + s * c->l);
	return c->slab + s * c->l;
}

/* ---- the solver ---- */

typedef struct solver {
	int64_t l;          /* variables */
	int64_t active_size;
	signed char *y;     /* (L) +1/-1 by position */
	double *G;          /* (L) gradient */
	double *G_bar;      /* (L) gradient part from variables at their upper bound */
	double *alpha;      /* (L) */
	double *C;          /* (L) upper bounds */
	double *QD;         /* (L) diagonal K_ii */
	char *status;       /* (L) LOWER/UPPER/FREE */
	double *p;          /* (L) linear term of the objective */
	const int64_t *rowof; /* (L) variable -> data row of its kernel values */
	int64_t *active;    /* (L) position -> variable */
	double eps;         /* tolerance */
	int unshrink;       /* libsvm's unshrink flag */
	kcache *kc;         /* kernel rows */
	double *qi, *qj;    /* (L) scratch: Q rows by position */
} solver;

static void update_status(solver *s, int64_t i)
{
	if (s->alpha[i] >= s->C[i])
		s->status[i] = UPPER;
	else if (s->alpha[i] <= 0)
		s->status[i] = LOWER;
	else
		s->status[i] = FREE;
}

#define IS_UPPER(s, i) ((s)->status[i] == UPPER)
#define IS_LOWER(s, i) ((s)->status[i] == LOWER)
#define IS_FREE(s, i) ((s)->status[i] == FREE)

/* Q row of position i over positions [0, len) into out. */
static void get_q(solver *s, int64_t i, int64_t len, double *out)
{
	const float *row = get_row(s->kc, s->rowof[s->active[i]]);
	double yi = s->y[i];
	for (int64_t k = 0; k < len; k++)
		out[k] = yi * s->y[k] * (double)row[s->rowof[s->active[k]]];
}

static void swap_index(solver *s, int64_t i, int64_t j)
{
#define SWAP(T, a) do { T t_ = (a)[i]; (a)[i] = (a)[j]; (a)[j] = t_; } while (0)
	SWAP(signed char, s->y);
	SWAP(double, s->G);
	SWAP(char, s->status);
	SWAP(double, s->alpha);
	SWAP(int64_t, s->active);
	SWAP(double, s->G_bar);
	SWAP(double, s->C);
	SWAP(double, s->QD);
	SWAP(double, s->p);
#undef SWAP
}

static void reconstruct_gradient(solver *s)
{
	int64_t l = s->l, as = s->active_size;
	if (as == l)
		return;
	for (int64_t j = as; j < l; j++)
		s->G[j] = s->G_bar[j] + s->p[j];
	for (int64_t i = 0; i < as; i++) {
		if (!IS_FREE(s, i))
			continue;
		get_q(s, i, l, s->qi);
		double ai = s->alpha[i];
		for (int64_t j = as; j < l; j++)
			s->G[j] += ai * s->qi[j];
	}
}

/* WSS3: returns 1 when optimal. */
static int select_working_set(solver *s, int64_t *out_i, int64_t *out_j)
{
	double Gmax = -INFINITY, Gmax2 = -INFINITY, obj_diff_min = INFINITY;
	int64_t Gmax_idx = -1, Gmin_idx = -1, as = s->active_size;
	for (int64_t t = 0; t < as; t++) {
		if (s->y[t] == 1) {
			if (!IS_UPPER(s, t) && -s->G[t] >= Gmax) {
				Gmax = -s->G[t];
				Gmax_idx = t;
			}
		} else {
			if (!IS_LOWER(s, t) && s->G[t] >= Gmax) {
				Gmax = s->G[t];
				Gmax_idx = t;
			}
		}
	}
	int64_t i = Gmax_idx;
	if (i != -1)
		get_q(s, i, as, s->qi);
	for (int64_t j = 0; j < as; j++) {
		if (s->y[j] == 1) {
			if (!IS_LOWER(s, j)) {
				double grad_diff = Gmax + s->G[j];
				if (s->G[j] >= Gmax2)
					Gmax2 = s->G[j];
				if (grad_diff > 0) {
					double quad = s->QD[i] + s->QD[j] - 2.0 * s->y[i] * s->qi[j];
					double obj_diff = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
					if (obj_diff <= obj_diff_min) {
						Gmin_idx = j;
						obj_diff_min = obj_diff;
					}
				}
			}
		} else {
			if (!IS_UPPER(s, j)) {
				double grad_diff = Gmax - s->G[j];
				if (-s->G[j] >= Gmax2)
					Gmax2 = -s->G[j];
				if (grad_diff > 0) {
					double quad = s->QD[i] + s->QD[j] + 2.0 * s->y[i] * s->qi[j];
					double obj_diff = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
					if (obj_diff <= obj_diff_min) {
						Gmin_idx = j;
						obj_diff_min = obj_diff;
					}
				}
			}
		}
	}
	if (Gmax + Gmax2 < s->eps || Gmin_idx == -1)
		return 1;
	*out_i = Gmax_idx;
	*out_j = Gmin_idx;
	return 0;
}

static int be_shrunk(const solver *s, int64_t i, double Gmax1, double Gmax2)
{
	if (IS_UPPER(s, i))
		return s->y[i] == 1 ? -s->G[i] > Gmax1 : -s->G[i] > Gmax2;
	if (IS_LOWER(s, i))
		return s->y[i] == 1 ? s->G[i] > Gmax2 : s->G[i] > Gmax1;
	return 0;
}

static void do_shrinking(solver *s)
{
	double Gmax1 = -INFINITY, Gmax2 = -INFINITY;
	for (int64_t i = 0; i < s->active_size; i++) {
		if (s->y[i] == 1) {
			if (!IS_UPPER(s, i) && -s->G[i] >= Gmax1)
				Gmax1 = -s->G[i];
			if (!IS_LOWER(s, i) && s->G[i] >= Gmax2)
				Gmax2 = s->G[i];
		} else {
			if (!IS_UPPER(s, i) && -s->G[i] >= Gmax2)
				Gmax2 = -s->G[i];
			if (!IS_LOWER(s, i) && s->G[i] >= Gmax1)
				Gmax1 = s->G[i];
		}
	}
	if (!s->unshrink && Gmax1 + Gmax2 <= s->eps * 10) {
		s->unshrink = 1;
		reconstruct_gradient(s);
		s->active_size = s->l;
	}
	for (int64_t i = 0; i < s->active_size; i++) {
		if (be_shrunk(s, i, Gmax1, Gmax2)) {
			s->active_size--;
			while (s->active_size > i) {
				if (!be_shrunk(s, s->active_size, Gmax1, Gmax2)) {
					swap_index(s, i, s->active_size);
					break;
				}
				s->active_size--;
			}
		}
	}
}

static double calculate_rho(const solver *s)
{
	int64_t nr_free = 0;
	double ub = INFINITY, lb = -INFINITY, sum_free = 0;
	for (int64_t i = 0; i < s->active_size; i++) {
		double yG = s->y[i] * s->G[i];
		if (IS_UPPER(s, i)) {
			if (s->y[i] == -1)
				ub = fmin(ub, yG);
			else
				lb = fmax(lb, yG);
		} else if (IS_LOWER(s, i)) {
			if (s->y[i] == 1)
				ub = fmin(ub, yG);
			else
				lb = fmax(lb, yG);
		} else {
			nr_free++;
			sum_free += yG;
		}
	}
	return nr_free > 0 ? sum_free / (double)nr_free : (ub + lb) / 2;
}

/* One two-variable update of positions i and j (libsvm's, verbatim in
 * structure), then the gradient and G_bar updates.  s->qi must hold Q_i over
 * the active positions: select_working_set leaves it there. */
static void update_pair(solver *s, int64_t i, int64_t j)
{
	int64_t as = s->active_size, l = s->l;
	get_q(s, j, as, s->qj);
	double *Q_i = s->qi, *Q_j = s->qj, *alpha = s->alpha;
	double C_i = s->C[i], C_j = s->C[j];
	double old_ai = alpha[i], old_aj = alpha[j];
	if (s->y[i] != s->y[j]) {
		double quad = s->QD[i] + s->QD[j] + 2 * Q_i[j];
		if (quad <= 0)
			quad = TAU;
		double delta = (-s->G[i] - s->G[j]) / quad;
		double diff = alpha[i] - alpha[j];
		alpha[i] += delta;
		alpha[j] += delta;
		if (diff > 0) {
			if (alpha[j] < 0) {
				alpha[j] = 0;
				alpha[i] = diff;
			}
		} else {
			if (alpha[i] < 0) {
				alpha[i] = 0;
				alpha[j] = -diff;
			}
		}
		if (diff > C_i - C_j) {
			if (alpha[i] > C_i) {
				alpha[i] = C_i;
				alpha[j] = C_i - diff;
			}
		} else {
			if (alpha[j] > C_j) {
				alpha[j] = C_j;
				alpha[i] = C_j + diff;
			}
		}
	} else {
		double quad = s->QD[i] + s->QD[j] - 2 * Q_i[j];
		if (quad <= 0)
			quad = TAU;
		double delta = (s->G[i] - s->G[j]) / quad;
		double sum = alpha[i] + alpha[j];
		alpha[i] -= delta;
		alpha[j] += delta;
		if (sum > C_i) {
			if (alpha[i] > C_i) {
				alpha[i] = C_i;
				alpha[j] = sum - C_i;
			}
		} else {
			if (alpha[j] < 0) {
				alpha[j] = 0;
				alpha[i] = sum;
			}
		}
		if (sum > C_j) {
			if (alpha[j] > C_j) {
				alpha[j] = C_j;
				alpha[i] = sum - C_j;
			}
		} else {
			if (alpha[i] < 0) {
				alpha[i] = 0;
				alpha[j] = sum;
			}
		}
	}
	double dai = alpha[i] - old_ai, daj = alpha[j] - old_aj;
	for (int64_t k = 0; k < as; k++)
		s->G[k] += Q_i[k] * dai + Q_j[k] * daj;
	int ui = IS_UPPER(s, i), uj = IS_UPPER(s, j);
	update_status(s, i);
	update_status(s, j);
	if (ui != IS_UPPER(s, i)) {
		get_q(s, i, l, s->qi);
		for (int64_t k = 0; k < l; k++)
			s->G_bar[k] += (ui ? -C_i : C_i) * s->qi[k];
	}
	if (uj != IS_UPPER(s, j)) {
		get_q(s, j, l, s->qj);
		for (int64_t k = 0; k < l; k++)
			s->G_bar[k] += (uj ? -C_j : C_j) * s->qj[k];
	}
}

/* The dual  min 1/2 a'Qa + p'a,  0 <= a_i <= C_i,  y'a = 0  over nvar
 * variables whose kernel values are those of data rows rowof[i] of X (L, D):
 * Q_ij = y_i y_j K(X[rowof_i], X[rowof_j]).  alpha (nvar) gets the solution
 * by variable.  Arrays y, lin, C, rowof are indexed by variable. */
static int solve_dual(const double *X, int64_t l, int64_t d, int64_t nvar, const signed char *y,
                      const double *lin, const double *C, const int64_t *rowof, const ml_svm_params *p,
                      double *alpha_out, ml_svm_result *res, const char *who, ml_error *e)
{
	int rc = ML_OK;
	double mb = p->cache_mb > 0 ? p->cache_mb : 200;
	int64_t cap = (int64_t)(mb * 1048576.0 / (4.0 * (double)l));
	if (cap < 2)
		cap = 2;
	if (cap > l)
		cap = l;
	kcache kc = {X, NULL, NULL, NULL, l, d, p, cap, NULL, NULL, NULL, NULL, NULL, -1, -1, 0};
	double *xt = malloc((size_t)l * (size_t)(d > 0 ? d : 1) * sizeof *xt);
	kc.acc = malloc((size_t)l * sizeof *kc.acc);
	solver s = {0};
	s.l = nvar;
	s.rowof = rowof;
	double *sq = malloc((size_t)l * sizeof *sq);
	kc.slab = malloc((size_t)cap * (size_t)l * sizeof *kc.slab);
	kc.slot = malloc((size_t)l * sizeof *kc.slot);
	kc.owner = malloc((size_t)cap * sizeof *kc.owner);
	kc.prev = malloc((size_t)cap * sizeof *kc.prev);
	kc.next = malloc((size_t)cap * sizeof *kc.next);
	s.y = malloc((size_t)nvar);
	s.status = malloc((size_t)nvar);
	s.G = malloc((size_t)nvar * sizeof(double));
	s.G_bar = calloc((size_t)nvar, sizeof(double));
	s.alpha = calloc((size_t)nvar, sizeof(double));
	s.C = malloc((size_t)nvar * sizeof(double));
	s.QD = malloc((size_t)nvar * sizeof(double));
	s.p = malloc((size_t)nvar * sizeof(double));
	s.active = malloc((size_t)nvar * sizeof(int64_t));
	s.qi = malloc((size_t)nvar * sizeof(double));
	s.qj = malloc((size_t)nvar * sizeof(double));
	if (!sq || !xt || !kc.acc || !kc.slab || !kc.slot || !kc.owner || !kc.prev || !kc.next || !s.y ||
	    !s.status || !s.G || !s.G_bar || !s.alpha || !s.C || !s.QD || !s.p || !s.active || !s.qi || !s.qj) {
		rc = ml_fail(e, ML_ENOMEM, "%s: out of memory (%lld variables)", who, (long long)nvar);
		goto done;
	}
	for (int64_t i = 0; i < l; i++) {
		sq[i] = dot_of(X + i * d, X + i * d, d);
		kc.slot[i] = -1;
		for (int64_t t = 0; t < d; t++)
			xt[t * l + i] = X[i * d + t];
	}
	kc.XT = xt;
	for (int64_t i = 0; i < cap; i++)
		kc.owner[i] = -1;
	kc.sq = sq;
	s.kc = &kc;
	s.eps = p->tol;
	for (int64_t i = 0; i < nvar; i++) {
		int64_t r = rowof[i];
		s.y[i] = y[i];
		s.C[i] = C[i];
		s.p[i] = lin[i];
		s.QD[i] = kern(p, sq[r], sq[r], sq[r]);
		s.active[i] = i;
		s.G[i] = lin[i]; /* alpha = 0 */
		update_status(&s, i);
	}
	s.active_size = nvar;
	int64_t max_iter = p->max_iter > 0 ? p->max_iter : (nvar > INT64_MAX / 100 ? INT64_MAX : 100 * nvar);
	if (p->max_iter <= 0 && max_iter < 10000000)
		max_iter = 10000000;
	int64_t iter = 0, counter = (nvar < 1000 ? nvar : 1000) + 1;
	while (iter < max_iter) {
		if (--counter == 0) {
			counter = nvar < 1000 ? nvar : 1000;
			if (p->shrinking)
				do_shrinking(&s);
			if (ml_interrupt_pending()) {
				rc = ml_fail(e, ML_EINTR, "interrupted");
				goto done;
			}
		}
		int64_t i, j;
		if (select_working_set(&s, &i, &j)) {
			reconstruct_gradient(&s);
			s.active_size = nvar;
			if (select_working_set(&s, &i, &j))
				break;
			counter = 1;
		}
		iter++;
		update_pair(&s, i, j);
	}
	res->hit_max_iter = iter >= max_iter;
	if (res->hit_max_iter && s.active_size < nvar) {
		reconstruct_gradient(&s);
		s.active_size = nvar;
	}
	res->rho = calculate_rho(&s);
	res->n_iter = iter;
	double obj = 0;
	for (int64_t i = 0; i < nvar; i++)
		obj += s.alpha[i] * (s.G[i] + s.p[i]);
	res->obj = obj / 2;
	for (int64_t i = 0; i < nvar; i++)
		alpha_out[s.active[i]] = s.alpha[i];
done:
	free(sq);
	free(xt);
	free(kc.acc);
	free(kc.slab);
	free(kc.slot);
	free(kc.owner);
	free(kc.prev);
	free(kc.next);
	free(s.y);
	free(s.status);
	free(s.G);
	free(s.G_bar);
	free(s.alpha);
	free(s.C);
	free(s.QD);
	free(s.p);
	free(s.active);
	free(s.qi);
	free(s.qj);
	return rc;
}

static int check_xyc(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, ml_tensor *coef,
                     const ml_svm_params *p, const char *who, ml_error *e)
{
	char b1[64], b2[64], b3[64];
	int rc = check_params(p, who, e);
	if (rc)
		return rc;
	if (x->dtype != ML_DOUBLE || y->dtype != ML_DOUBLE || c->dtype != ML_DOUBLE || coef->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: expected Double tensors", who);
	if (x->ndim != 2 || y->ndim != 1 || c->ndim != 1 || y->size[0] != x->size[0] || c->size[0] != x->size[0] ||
	    x->size[0] < 1)
		return ml_fail(e, ML_ESHAPE, "%s: expected x (L, D), y (L), C (L), L >= 1 (got %s, %s, %s)", who,
		               ml_tensor_shape_str(b1, sizeof b1, x), ml_tensor_shape_str(b2, sizeof b2, y),
		               ml_tensor_shape_str(b3, sizeof b3, c));
	if (!ml_tensor_is_contiguous(x) || !ml_tensor_is_contiguous(y) || !ml_tensor_is_contiguous(c))
		return ml_fail(e, ML_EINVAL, "%s: x, y and C must be contiguous", who);
	const double *Cv = ml_tensor_data(c);
	for (int64_t i = 0; i < x->size[0]; i++)
		if (!(Cv[i] > 0))
			return ml_fail(e, ML_EINVAL, "%s: C must be > 0 (C[%lld] = %g)", who, (long long)i, Cv[i]);
	int64_t csize[1] = {x->size[0]};
	if (ml_tensor_resize(coef, 1, csize, e))
		return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	return ML_OK;
}

int ml_svm_solve(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, const ml_svm_params *p,
                 ml_tensor *coef, ml_svm_result *res, const char *who, ml_error *e)
{
	int rc = check_xyc(x, y, c, coef, p, who, e);
	if (rc)
		return rc;
	int64_t l = x->size[0];
	const double *Y = ml_tensor_data(y);
	for (int64_t i = 0; i < l; i++)
		if (Y[i] != 1 && Y[i] != -1)
			return ml_fail(e, ML_EINVAL, "%s: y must be +1 or -1 (y[%lld] = %g)", who, (long long)i, Y[i]);
	signed char *ys = malloc((size_t)l);
	double *lin = malloc((size_t)l * sizeof *lin), *alpha = malloc((size_t)l * sizeof *alpha);
	int64_t *rowof = malloc((size_t)l * sizeof *rowof);
	if (!ys || !lin || !alpha || !rowof) {
		rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	} else {
		for (int64_t i = 0; i < l; i++) {
			ys[i] = Y[i] > 0 ? 1 : -1;
			lin[i] = -1.0;
			rowof[i] = i;
		}
		rc = solve_dual(ml_tensor_data(x), l, x->size[1], l, ys, lin, ml_tensor_data(c), rowof, p, alpha,
		                res, who, e);
		if (!rc) {
			double *out = ml_tensor_data(coef);
			for (int64_t i = 0; i < l; i++)
				out[i] = alpha[i] * ys[i];
		}
	}
	free(ys);
	free(lin);
	free(alpha);
	free(rowof);
	return rc;
}

int ml_svm_solve_svr(const ml_tensor *x, const ml_tensor *y, const ml_tensor *c, double epsilon,
                     const ml_svm_params *p, ml_tensor *coef, ml_svm_result *res, const char *who, ml_error *e)
{
	int rc = check_xyc(x, y, c, coef, p, who, e);
	if (rc)
		return rc;
	if (!(epsilon >= 0))
		return ml_fail(e, ML_EINVAL, "%s: epsilon must be >= 0 (got %g)", who, epsilon);
	int64_t l = x->size[0], nv = 2 * l;
	const double *Y = ml_tensor_data(y), *Cv = ml_tensor_data(c);
	signed char *ys = malloc((size_t)nv);
	double *lin = malloc((size_t)nv * sizeof *lin), *alpha = malloc((size_t)nv * sizeof *alpha);
	double *C2 = malloc((size_t)nv * sizeof *C2);
	int64_t *rowof = malloc((size_t)nv * sizeof *rowof);
	if (!ys || !lin || !alpha || !C2 || !rowof) {
		rc = ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
	} else {
		/* libsvm's solve_epsilon_svr: a_i (y = +1) and a*_i (y = -1) per row */
		for (int64_t i = 0; i < l; i++) {
			ys[i] = 1;
			ys[i + l] = -1;
			lin[i] = epsilon - Y[i];
			lin[i + l] = epsilon + Y[i];
			C2[i] = C2[i + l] = Cv[i];
			rowof[i] = rowof[i + l] = i;
		}
		rc = solve_dual(ml_tensor_data(x), l, x->size[1], nv, ys, lin, C2, rowof, p, alpha, res, who, e);
		if (!rc) {
			double *out = ml_tensor_data(coef);
			for (int64_t i = 0; i < l; i++)
				out[i] = alpha[i] - alpha[i + l];
		}
	}
	free(ys);
	free(lin);
	free(alpha);
	free(C2);
	free(rowof);
	return rc;
}

/* ---- kernel matrices ---- */

static int check_ab(const ml_tensor *a, const ml_tensor *b, const ml_svm_params *p, const char *who,
                    ml_error *e)
{
	char b1[64], b2[64];
	int rc = check_params(p, who, e);
	if (rc)
		return rc;
	if (a->dtype != ML_DOUBLE || b->dtype != ML_DOUBLE)
		return ml_fail(e, ML_ETYPE, "%s: expected Double tensors (got %s and %s)", who,
		               ml_dtype_info[a->dtype].name, ml_dtype_info[b->dtype].name);
	if (a->ndim != 2 || b->ndim != 2 || a->size[1] != b->size[1])
		return ml_fail(e, ML_ESHAPE, "%s: expected (M, D) and (N, D) rows (got %s and %s)", who,
		               ml_tensor_shape_str(b1, sizeof b1, a), ml_tensor_shape_str(b2, sizeof b2, b));
	if (!ml_tensor_is_contiguous(a) || !ml_tensor_is_contiguous(b))
		return ml_fail(e, ML_EINVAL, "%s: rows must be contiguous", who);
	return ML_OK;
}

int ml_svm_kernel(const ml_tensor *a, const ml_tensor *b, const ml_svm_params *p, ml_tensor *out,
                  const char *who, ml_error *e)
{
	int rc = check_ab(a, b, p, who, e);
	if (rc)
		return rc;
	int64_t m = a->size[0], n = b->size[0], d = a->size[1];
	int64_t size[2] = {m, n};
	if (out->dtype != ML_DOUBLE || ml_tensor_resize(out, 2, size, e))
		return ml_fail(e, ML_EINVAL, "%s: cannot size the %lldx%lld Double result", who, (long long)m,
		               (long long)n);
	if (m == 0 || n == 0)
		return ML_OK;
	ml_tensor bt = *b;
	ml_tensor_transpose(&bt, 0, 1, e);
	if (d == 0) {
		ml_tensor_fill(out, 0.0);
	} else if ((rc = ml_blas_gemm(out, 0.0, 1.0, a, &bt, e))) {
		return rc;
	}
	double *K = ml_tensor_data(out);
	const double *A = ml_tensor_data(a), *B = ml_tensor_data(b);
	double *sa = NULL, *sb = NULL;
	if (p->kernel == ML_SVM_RBF) {
		sa = malloc((size_t)m * sizeof *sa);
		sb = malloc((size_t)n * sizeof *sb);
		if (!sa || !sb) {
			free(sa);
			free(sb);
			return ml_fail(e, ML_ENOMEM, "%s: out of memory", who);
		}
		for (int64_t i = 0; i < m; i++)
			sa[i] = dot_of(A + i * d, A + i * d, d);
		for (int64_t j = 0; j < n; j++)
			sb[j] = dot_of(B + j * d, B + j * d, d);
	}
#pragma omp parallel for schedule(static) if (m * n > (1 << 15))
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < n; j++)
			K[i * n + j] = kern(p, K[i * n + j], sa ? sa[i] : 0, sb ? sb[j] : 0);
	free(sa);
	free(sb);
	return ML_OK;
}

int ml_svm_kernel_naive(const ml_tensor *a, const ml_tensor *b, const ml_svm_params *p, ml_tensor *out,
                        const char *who, ml_error *e)
{
	int rc = check_ab(a, b, p, who, e);
	if (rc)
		return rc;
	int64_t m = a->size[0], n = b->size[0], d = a->size[1];
	int64_t size[2] = {m, n};
	if (out->dtype != ML_DOUBLE || ml_tensor_resize(out, 2, size, e))
		return ml_fail(e, ML_EINVAL, "%s: cannot size the %lldx%lld Double result", who, (long long)m,
		               (long long)n);
	double *K = ml_tensor_data(out);
	const double *A = ml_tensor_data(a), *B = ml_tensor_data(b);
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < n; j++) {
			double v;
			if (p->kernel == ML_SVM_RBF) {
				double s = 0;
				for (int64_t t = 0; t < d; t++)
					s += (A[i * d + t] - B[j * d + t]) * (A[i * d + t] - B[j * d + t]);
				v = exp(-p->gamma * s);
			} else {
				v = kern(p, dot_of(A + i * d, B + j * d, d), 0, 0);
			}
			K[i * n + j] = v;
		}
	return ML_OK;
}
