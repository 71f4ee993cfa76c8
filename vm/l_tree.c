/*
 * private table torch._tree, used by moonlab.ml.tree and moonlab.ml.ensemble:
 *   fit(Xt, y, w, opts) -> tree          one CART tree
 *   fit_forest(Xt, y, w, opts) -> {tree...}, counts
 *   apply(tree, X) -> LongTensor of leaves
 *   hgb_bin(X, max_bins) -> bins, thresholds, nthr, has_missing
 *   hgb_grow(bins, nthr, thresholds, has_missing, g, h, raw, opts) -> tree
 *   hgb_predict(tree, X, out)           adds the tree's values to out
 *   hgb_gradients(loss, y, raw, g, h), hgb_loss(loss, y, raw) -> number
 *
 * Xt is the training data transposed (D x N, contiguous DoubleTensor) so that
 * a feature's values are contiguous; X for apply is N x D.  A tree comes back
 * as a table of tensors with 1-based node and feature ids, 0 marking "none":
 * feature, threshold, children_left, children_right, depth, n_node_samples,
 * impurity, weighted_n_node_samples, value (nodes x K), importance (D,
 * unnormalised impurity decrease), node_count, max_depth.  Kernel results sit
 * in a userdata box with a __gc until converted, so a Lua error never leaks.
 */
#include <stdlib.h>
#include <string.h>

#include "../kernels/histgbm.h"
#include "../kernels/tree.h"
#include "lmoon.h"

#define TREE_BOX_MT "moonlab.tree.box"

/* ---- a box of ntrees kernel trees, freed by __gc ---- */

typedef struct tree_box {
	int64_t ntrees;  /* trees in the array */
	ml_tree *trees;  /* calloc'd array, NULL once released */
} tree_box;

static int l_tree_box_gc(lua_State *L)
{
	tree_box *b = luaL_checkudata(L, 1, TREE_BOX_MT);
	if (b->trees) {
		for (int64_t i = 0; i < b->ntrees; i++)
			ml_tree_free(&b->trees[i]);
		free(b->trees);
		b->trees = NULL;
	}
	return 0;
}

static tree_box *push_box(lua_State *L, int64_t ntrees)
{
	tree_box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->ntrees = 0;
	b->trees = NULL;
	luaL_setmetatable(L, TREE_BOX_MT);
	b->trees = calloc((size_t)(ntrees > 0 ? ntrees : 1), sizeof *b->trees);
	if (!b->trees)
		luaL_error(L, "torch._tree: out of memory (%d trees)", (int)ntrees);
	b->ntrees = ntrees;
	return b;
}

/* ---- argument helpers ---- */

/* A contiguous DoubleTensor of dim ndim at idx; raises naming who. */
static ml_tensor *check_double(lua_State *L, int idx, int ndim, const char *who, const char *name)
{
	ml_tensor *t = ml_l_checktensor(L, idx);
	if (t->dtype != ML_DOUBLE || t->ndim != ndim || !ml_tensor_is_contiguous(t))
		luaL_error(L, "%s: %s must be a contiguous %d-D DoubleTensor", who, name, ndim);
	return t;
}

static lua_Integer opt_int(lua_State *L, int opts, const char *key, lua_Integer dflt)
{
	lua_getfield(L, opts, key);
	lua_Integer v = lua_isnil(L, -1) ? dflt : luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	return v;
}

static double opt_num(lua_State *L, int opts, const char *key, double dflt)
{
	lua_getfield(L, opts, key);
	double v = lua_isnil(L, -1) ? dflt : luaL_checknumber(L, -1);
	lua_pop(L, 1);
	return v;
}

static int opt_choice(lua_State *L, int opts, const char *key, const char *dflt,
                      const char *const list[], const char *who)
{
	lua_getfield(L, opts, key);
	const char *s = luaL_optstring(L, -1, dflt);
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0) {
			lua_pop(L, 1);
			return i;
		}
	return luaL_error(L, "%s: unknown %s '%s'", who, key, s);
}

static const char *const criteria[] = { "gini", "entropy", "squared_error", "isolation", NULL };
static const char *const splitters[] = { "best", "random", NULL };

static void read_params(lua_State *L, int opts, ml_tree_params *p, int64_t d, const char *who)
{
	p->criterion = (ml_tree_criterion)opt_choice(L, opts, "criterion", "gini", criteria, who);
	p->random_split = opt_choice(L, opts, "splitter", "best", splitters, who);
	p->max_depth = opt_int(L, opts, "max_depth", -1);
	p->min_samples_split = opt_int(L, opts, "min_samples_split", 2);
	p->min_samples_leaf = opt_int(L, opts, "min_samples_leaf", 1);
	p->max_features = opt_int(L, opts, "max_features", d);
	p->min_impurity_decrease = opt_num(L, opts, "min_impurity_decrease", 0);
}

/* ---- tree -> Lua table ---- */

static void field_i64(lua_State *L, const char *name, const int64_t *a, int64_t n, int64_t shift)
{
	ml_tensor *t = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_tensor_resize(t, 1, &n, &e) != ML_OK)
		ml_l_error(L, &e);
	int64_t *o = ml_tensor_data(t);
	for (int64_t i = 0; i < n; i++)
		o[i] = a[i] + shift;
	lua_setfield(L, -2, name);
}

static void field_f64(lua_State *L, const char *name, const double *a, int64_t rows, int64_t cols)
{
	ml_tensor *t = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	int64_t size[2] = { rows, cols };
	if (ml_tensor_resize(t, cols > 0 ? 2 : 1, size, &e) != ML_OK)
		ml_l_error(L, &e);
	if (rows * (cols > 0 ? cols : 1) > 0)
		memcpy(ml_tensor_data(t), a, (size_t)(rows * (cols > 0 ? cols : 1)) * sizeof *a);
	lua_setfield(L, -2, name);
}

static void push_tree(lua_State *L, const ml_tree *t)
{
	int64_t n = t->n_nodes, maxd = 0;
	lua_createtable(L, 0, 14);
	field_i64(L, "feature", t->feature, n, 1);
	field_f64(L, "threshold", t->threshold, n, 0);
	field_i64(L, "children_left", t->left, n, 1);
	field_i64(L, "children_right", t->right, n, 1);
	field_i64(L, "depth", t->depth, n, 0);
	field_i64(L, "n_node_samples", t->n_samples, n, 0);
	field_f64(L, "impurity", t->impurity, n, 0);
	field_f64(L, "weighted_n_node_samples", t->weighted_n, n, 0);
	field_f64(L, "value", t->value, n, t->k);
	field_f64(L, "importance", t->importance, t->d, 0);
	for (int64_t i = 0; i < n; i++)
		if (t->depth[i] > maxd)
			maxd = t->depth[i];
	lua_pushinteger(L, n);
	lua_setfield(L, -2, "node_count");
	lua_pushinteger(L, maxd);
	lua_setfield(L, -2, "max_depth");
}

/* ---- fit ---- */

/* Common arguments of fit and fit_forest: Xt (D x N), y (N), w (N or nil), opts. */
typedef struct fit_args {
	const double *X, *y, *w; /* data */
	int64_t n, d, k;         /* samples, features, classes (1: regression) */
	ml_tree_params p;        /* growth parameters */
} fit_args;

static void check_fit_args(lua_State *L, fit_args *a, const char *who)
{
	ml_tensor *X = check_double(L, 1, 2, who, "Xt");
	ml_tensor *y = check_double(L, 2, 1, who, "y");
	luaL_checktype(L, 4, LUA_TTABLE);
	a->d = X->size[0];
	a->n = X->size[1];
	if (y->size[0] != a->n)
		luaL_error(L, "%s: y has %d elements, X has %d samples", who, (int)y->size[0], (int)a->n);
	a->w = NULL;
	if (!lua_isnil(L, 3)) {
		ml_tensor *w = check_double(L, 3, 1, who, "w");
		if (w->size[0] != a->n)
			luaL_error(L, "%s: w has %d elements, X has %d samples", who, (int)w->size[0], (int)a->n);
		a->w = ml_tensor_data(w);
	}
	a->X = ml_tensor_data(X);
	a->y = ml_tensor_data(y);
	a->k = opt_int(L, 4, "k", 1);
	read_params(L, 4, &a->p, a->d, who);
}

/* fit(Xt, y, w, opts) -> tree.  opts: criterion, splitter, max_depth (-1:
 * none), min_samples_split, min_samples_leaf, max_features, min_impurity_decrease,
 * k (classes), seed. */
static int l_tree_fit(lua_State *L)
{
	fit_args a;
	check_fit_args(L, &a, "torch._tree.fit");
	uint64_t seed = (uint64_t)opt_int(L, 4, "seed", 0);
	tree_box *b = push_box(L, 1);
	ml_error e;
	if (ml_tree_fit(&b->trees[0], &a.p, a.X, a.n, a.d, a.y, a.k, a.w, seed, &e) != ML_OK)
		return ml_l_error(L, &e);
	push_tree(L, &b->trees[0]);
	return 1;
}

static const char *const samplings[] = { "all", "bootstrap", "subsample", NULL };

/* fit_forest(Xt, y, w, opts) -> trees, counts.  opts as fit, plus seeds (a
 * list: one tree per seed), sampling ("all", "bootstrap", "subsample"),
 * max_samples, counts (true: also return the IntTensor (trees x N) of draw
 * counts), threads (0: all). */
static int l_tree_fit_forest(lua_State *L)
{
	const char *who = "torch._tree.fit_forest";
	fit_args a;
	check_fit_args(L, &a, who);
	ml_tree_sampling sampling = (ml_tree_sampling)opt_choice(L, 4, "sampling", "all", samplings, who);
	int64_t max_samples = opt_int(L, 4, "max_samples", a.n);
	int nthreads = (int)opt_int(L, 4, "threads", 0);
	lua_getfield(L, 4, "counts");
	int want_counts = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (lua_getfield(L, 4, "seeds") != LUA_TTABLE)
		return luaL_error(L, "%s: opts.seeds must be a list of integers", who);
	int seeds_idx = lua_gettop(L);
	int64_t ntrees = (int64_t)lua_rawlen(L, seeds_idx);
	uint64_t *seeds = lua_newuserdatauv(L, (size_t)(ntrees > 0 ? ntrees : 1) * sizeof *seeds, 0);
	for (int64_t i = 0; i < ntrees; i++) {
		lua_rawgeti(L, seeds_idx, (lua_Integer)i + 1);
		seeds[i] = (uint64_t)luaL_checkinteger(L, -1);
		lua_pop(L, 1);
	}
	int32_t *counts = NULL;
	int counts_idx = 0;
	if (want_counts) {
		ml_tensor *c = ml_l_pushtensor(L, ML_INT);
		int64_t size[2] = { ntrees, a.n };
		ml_error e;
		if (ml_tensor_resize(c, 2, size, &e) != ML_OK)
			return ml_l_error(L, &e);
		counts = ml_tensor_data(c);
		counts_idx = lua_gettop(L);
	}
	tree_box *b = push_box(L, ntrees);
	ml_error e;
	if (ml_tree_fit_forest(b->trees, ntrees, &a.p, a.X, a.n, a.d, a.y, a.k, a.w, seeds, sampling,
	                       max_samples, counts, nthreads, &e) != ML_OK)
		return ml_l_error(L, &e);
	lua_createtable(L, (int)ntrees, 0);
	for (int64_t i = 0; i < ntrees; i++) {
		push_tree(L, &b->trees[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		ml_tree_free(&b->trees[i]);
	}
	if (counts_idx)
		lua_pushvalue(L, counts_idx);
	else
		lua_pushnil(L);
	return 2;
}

/* ---- apply ---- */

/* The 0-based node arrays of a tree table at idx, in a scratch userdata left
 * on the stack: feature, left, right (n each), and the threshold tensor. */
static int64_t tree_arrays(lua_State *L, int idx, int64_t **feat, int64_t **left, int64_t **right,
                           const double **thr, const char *who)
{
	static const char *const names[] = { "feature", "children_left", "children_right" };
	lua_getfield(L, idx, "threshold");
	ml_tensor *th = ml_l_totensor(L, -1);
	if (!th || th->dtype != ML_DOUBLE || th->ndim != 1 || !ml_tensor_is_contiguous(th))
		luaL_error(L, "%s: the tree has no threshold tensor", who);
	int64_t n = th->size[0];
	*thr = ml_tensor_data(th);
	lua_pop(L, 1); /* the tree table keeps it alive */
	int64_t *buf = lua_newuserdatauv(L, (size_t)(3 * n > 0 ? 3 * n : 1) * sizeof *buf, 0);
	for (int j = 0; j < 3; j++) {
		lua_getfield(L, idx, names[j]);
		ml_tensor *t = ml_l_totensor(L, -1);
		if (!t || t->dtype != ML_LONG || t->ndim != 1 || t->size[0] != n || !ml_tensor_is_contiguous(t))
			luaL_error(L, "%s: the tree's %s must be a LongTensor of %d nodes", who, names[j], (int)n);
		const int64_t *s = ml_tensor_data(t);
		for (int64_t i = 0; i < n; i++) {
			int64_t v = s[i] - 1;
			if (v < -1 || v >= (j == 0 ? INT64_MAX : n) || (j > 0 && v == 0))
				luaL_error(L, "%s: the tree's %s has a bad entry %d at node %d", who, names[j], (int)s[i],
				           (int)i + 1);
			buf[j * n + i] = v;
		}
		lua_pop(L, 1);
	}
	*feat = buf;
	*left = buf + n;
	*right = buf + 2 * n;
	return n;
}

/* apply(tree, X) -> LongTensor (N) of 1-based leaf ids; X an N x D DoubleTensor. */
static int l_tree_apply(lua_State *L)
{
	const char *who = "torch._tree.apply";
	luaL_checktype(L, 1, LUA_TTABLE);
	ml_tensor *X = check_double(L, 2, 2, who, "X");
	int64_t *feat, *left, *right;
	const double *thr;
	int64_t nn = tree_arrays(L, 1, &feat, &left, &right, &thr, who);
	int64_t n = X->size[0], d = X->size[1];
	for (int64_t i = 0; i < nn; i++)
		if (feat[i] >= d)
			return luaL_error(L, "%s: the tree splits on feature %d, X has %d", who, (int)feat[i] + 1, (int)d);
	ml_tensor *out = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_tensor_resize(out, 1, &n, &e) != ML_OK)
		return ml_l_error(L, &e);
	int64_t *leaf = ml_tensor_data(out);
	if (nn > 0)
		ml_tree_apply(feat, thr, left, right, ml_tensor_data(X), n, d, leaf);
	for (int64_t i = 0; i < n; i++)
		leaf[i] += 1;
	return 1;
}

/* ---- histogram gradient boosting ---- */

#define HGB_BOX_MT "moonlab.hgb.box"

static int l_hgb_box_gc(lua_State *L)
{
	ml_hgb_tree *t = luaL_checkudata(L, 1, HGB_BOX_MT);
	ml_hgb_tree_free(t);
	return 0;
}

static void *new_tensor(lua_State *L, ml_dtype dt, int ndim, int64_t a, int64_t b)
{
	ml_tensor *t = ml_l_pushtensor(L, dt);
	int64_t size[2] = { a, b };
	ml_error e;
	if (ml_tensor_resize(t, ndim, size, &e) != ML_OK)
		ml_l_error(L, &e);
	return ml_tensor_data(t);
}

/* hgb_bin(X, max_bins) -> bins (ByteTensor D x N), thresholds (D x 255,
 * padded with inf), nthr (LongTensor D), has_missing (ByteTensor D). */
static int l_tree_hgb_bin(lua_State *L)
{
	const char *who = "torch._tree.hgb_bin";
	ml_tensor *X = check_double(L, 1, 2, who, "X");
	int max_bins = (int)luaL_checkinteger(L, 2);
	int64_t n = X->size[0], d = X->size[1];
	uint8_t *bins = new_tensor(L, ML_BYTE, 2, d, n);
	double *thr = new_tensor(L, ML_DOUBLE, 2, d, ML_HGB_MAX_BINS);
	int64_t *nthr = new_tensor(L, ML_LONG, 1, d, 0);
	uint8_t *hm = new_tensor(L, ML_BYTE, 1, d, 0);
	ml_error e;
	if (ml_hgb_bin(ml_tensor_data(X), n, d, max_bins, thr, nthr, hm, bins, &e) != ML_OK)
		return ml_l_error(L, &e);
	return 4;
}

static const char *const hgb_losses[] = { "squared_error", "log_loss", "softmax", NULL };

/* hgb_grow(bins, nthr, thresholds, has_missing, g, h, raw, opts) -> tree.
 * opts: max_leaf_nodes (-1: none), max_depth (-1: none), min_samples_leaf,
 * l2_regularization, learning_rate, min_hessian, threads.  raw (N) gets each
 * training sample's leaf value added. */
static int l_tree_hgb_grow(lua_State *L)
{
	const char *who = "torch._tree.hgb_grow";
	ml_tensor *bins = ml_l_checktensor(L, 1);
	if (bins->dtype != ML_BYTE || bins->ndim != 2 || !ml_tensor_is_contiguous(bins))
		return luaL_error(L, "%s: bins must be a contiguous 2-D ByteTensor", who);
	int64_t d = bins->size[0], n = bins->size[1];
	ml_tensor *nthr = ml_l_checktensor(L, 2);
	ml_tensor *thr = check_double(L, 3, 2, who, "thresholds");
	ml_tensor *hm = ml_l_checktensor(L, 4);
	if (nthr->dtype != ML_LONG || nthr->ndim != 1 || nthr->size[0] != d || !ml_tensor_is_contiguous(nthr) ||
	    hm->dtype != ML_BYTE || hm->ndim != 1 || hm->size[0] != d || !ml_tensor_is_contiguous(hm) ||
	    thr->size[0] != d || thr->size[1] != ML_HGB_MAX_BINS)
		return luaL_error(L, "%s: nthr, thresholds and has_missing do not match %d features", who, (int)d);
	ml_tensor *g = check_double(L, 5, 1, who, "g"), *h = check_double(L, 6, 1, who, "h");
	ml_tensor *raw = check_double(L, 7, 1, who, "raw");
	if (g->size[0] != n || h->size[0] != n || raw->size[0] != n)
		return luaL_error(L, "%s: g, h and raw must have %d elements", who, (int)n);
	luaL_checktype(L, 8, LUA_TTABLE);
	ml_hgb_params p;
	p.max_leaf_nodes = opt_int(L, 8, "max_leaf_nodes", 31);
	p.max_depth = opt_int(L, 8, "max_depth", -1);
	p.min_samples_leaf = opt_int(L, 8, "min_samples_leaf", 20);
	p.l2 = opt_num(L, 8, "l2_regularization", 0);
	p.learning_rate = opt_num(L, 8, "learning_rate", 0.1);
	p.min_hessian = opt_num(L, 8, "min_hessian", 1e-3);
	p.nthreads = (int)opt_int(L, 8, "threads", 0);
	ml_hgb_tree *t = lua_newuserdatauv(L, sizeof *t, 0);
	memset(t, 0, sizeof *t);
	luaL_setmetatable(L, HGB_BOX_MT);
	ml_error e;
	if (ml_hgb_grow(t, &p, ml_tensor_data(bins), n, d, ml_tensor_data(nthr), ml_tensor_data(thr),
	                ml_tensor_data(hm), ml_tensor_data(g), ml_tensor_data(h), ml_tensor_data(raw), &e) != ML_OK)
		return ml_l_error(L, &e);
	int64_t nn = t->n_nodes;
	lua_createtable(L, 0, 10);
	field_i64(L, "feature", t->feature, nn, 1);
	field_i64(L, "children_left", t->left, nn, 1);
	field_i64(L, "children_right", t->right, nn, 1);
	field_i64(L, "bin", t->bin, nn, 0);
	field_f64(L, "threshold", t->threshold, nn, 0);
	field_f64(L, "value", t->value, nn, 0);
	field_i64(L, "count", t->count, nn, 0);
	field_f64(L, "gain", t->gain, nn, 0);
	uint8_t *ml = new_tensor(L, ML_BYTE, 1, nn, 0);
	memcpy(ml, t->missing_left, (size_t)nn);
	lua_setfield(L, -2, "missing_go_to_left");
	lua_pushinteger(L, nn);
	lua_setfield(L, -2, "node_count");
	ml_hgb_tree_free(t);
	return 1;
}

/* hgb_predict(tree, X, out): out[i] += the value of the leaf row i reaches. */
static int l_tree_hgb_predict(lua_State *L)
{
	const char *who = "torch._tree.hgb_predict";
	luaL_checktype(L, 1, LUA_TTABLE);
	ml_tensor *X = check_double(L, 2, 2, who, "X");
	ml_tensor *out = check_double(L, 3, 1, who, "out");
	int64_t n = X->size[0], d = X->size[1];
	if (out->size[0] != n)
		return luaL_error(L, "%s: out has %d elements, X has %d rows", who, (int)out->size[0], (int)n);
	int64_t *feat, *left, *right;
	const double *thr;
	int64_t nn = tree_arrays(L, 1, &feat, &left, &right, &thr, who);
	for (int64_t i = 0; i < nn; i++)
		if (feat[i] >= d)
			return luaL_error(L, "%s: the tree splits on feature %d, X has %d", who, (int)feat[i] + 1, (int)d);
	lua_getfield(L, 1, "value");
	ml_tensor *val = ml_l_totensor(L, -1);
	lua_getfield(L, 1, "missing_go_to_left");
	ml_tensor *mgl = ml_l_totensor(L, -1);
	if (!val || val->dtype != ML_DOUBLE || val->ndim != 1 || val->size[0] != nn || !ml_tensor_is_contiguous(val) ||
	    !mgl || mgl->dtype != ML_BYTE || mgl->ndim != 1 || mgl->size[0] != nn || !ml_tensor_is_contiguous(mgl))
		return luaL_error(L, "%s: the tree needs value and missing_go_to_left of %d nodes", who, (int)nn);
	ml_hgb_predict(feat, thr, ml_tensor_data(mgl), left, right, ml_tensor_data(val), ml_tensor_data(X), n, d,
	               ml_tensor_data(out));
	return 0;
}

/* hgb_gradients(loss, y, raw, g, h): g, h, raw are K x N (or N) contiguous. */
static int l_tree_hgb_gradients(lua_State *L)
{
	const char *who = "torch._tree.hgb_gradients";
	ml_hgb_loss loss = (ml_hgb_loss)luaL_checkoption(L, 1, NULL, hgb_losses);
	ml_tensor *y = check_double(L, 2, 1, who, "y");
	ml_tensor *raw = ml_l_checktensor(L, 3), *g = ml_l_checktensor(L, 4), *h = ml_l_checktensor(L, 5);
	int64_t n = y->size[0], k = ml_tensor_numel(raw) / (n > 0 ? n : 1);
	ml_tensor *ts[3] = { raw, g, h };
	for (int i = 0; i < 3; i++)
		if (ts[i]->dtype != ML_DOUBLE || !ml_tensor_is_contiguous(ts[i]) || ml_tensor_numel(ts[i]) != n * k)
			return luaL_error(L, "%s: raw, g and h must be contiguous DoubleTensors of K x %d", who, (int)n);
	ml_hgb_gradients(loss, n, k, ml_tensor_data(y), ml_tensor_data(raw), ml_tensor_data(g), ml_tensor_data(h));
	return 0;
}

/* hgb_loss(loss, y, raw) -> mean loss. */
static int l_tree_hgb_loss(lua_State *L)
{
	const char *who = "torch._tree.hgb_loss";
	ml_hgb_loss loss = (ml_hgb_loss)luaL_checkoption(L, 1, NULL, hgb_losses);
	ml_tensor *y = check_double(L, 2, 1, who, "y");
	ml_tensor *raw = ml_l_checktensor(L, 3);
	int64_t n = y->size[0];
	int64_t k = ml_tensor_numel(raw) / (n > 0 ? n : 1);
	if (raw->dtype != ML_DOUBLE || !ml_tensor_is_contiguous(raw) || ml_tensor_numel(raw) != n * k)
		return luaL_error(L, "%s: raw must be a contiguous DoubleTensor of K x %d", who, (int)n);
	lua_pushnumber(L, ml_hgb_loss_value(loss, n, k, ml_tensor_data(y), ml_tensor_data(raw)));
	return 1;
}

void ml_l_open_tree(lua_State *L, int methods, int torch)
{
	(void)methods;
	luaL_newmetatable(L, TREE_BOX_MT);
	lua_pushcfunction(L, l_tree_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	luaL_newmetatable(L, HGB_BOX_MT);
	lua_pushcfunction(L, l_hgb_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	static const luaL_Reg funcs[] = {
		{"fit", l_tree_fit},
		{"fit_forest", l_tree_fit_forest},
		{"apply", l_tree_apply},
		{"hgb_bin", l_tree_hgb_bin},
		{"hgb_grow", l_tree_hgb_grow},
		{"hgb_predict", l_tree_hgb_predict},
		{"hgb_gradients", l_tree_hgb_gradients},
		{"hgb_loss", l_tree_hgb_loss},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	lua_setfield(L, torch, "_tree");
}
