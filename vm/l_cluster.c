/*
 * l_cluster.c - Lua binding of kernels/kmeans.h and kernels/cluster.h as the
 * private table torch._cluster (and kernels/gmm.h, nmf.h, tsne.h), used by stdlib/moonlab/ml/cluster.lua and
 * cluster_metrics.lua.  Labels cross this boundary 0-based, as the kernels
 * produce them; the Lua side shifts them to 1-based.  Inputs must already be
 * contiguous Double tensors (the Lua side converts); this file only parses
 * arguments and creates result tensors.
 */
#include <string.h>

#include "../kernels/cluster.h"
#include "../kernels/gmm.h"
#include "../kernels/kmeans.h"
#include "../kernels/nmf.h"
#include "../kernels/tsne.h"
#include "lmoon.h"

/* _cluster.kmeans_assign(x, centers) -> labels (Long, 0-based), mind (Double) */
static int l_cluster_kmeans_assign(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *c = ml_l_checktensor(L, 2);
	ml_tensor *lab = ml_l_pushtensor(L, ML_LONG);
	ml_tensor *md = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_kmeans_assign(x, c, lab, md, "ml.KMeans.predict", &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _cluster.kmeans_run(x, centers, max_iter, tol, elkan) -> labels, n_iter,
 * inertia; centers are overwritten with the final centers. */
static int l_cluster_kmeans_run(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *c = ml_l_checktensor(L, 2);
	lua_Integer max_iter = luaL_checkinteger(L, 3);
	double tol = luaL_checknumber(L, 4);
	int elkan = lua_toboolean(L, 5);
	ml_tensor *lab = ml_l_pushtensor(L, ML_LONG);
	ml_kmeans_result r;
	ml_error e;
	if (ml_kmeans_run(x, c, lab, max_iter, tol, elkan, &r, "ml.KMeans.fit", &e))
		return ml_l_error(L, &e);
	lua_pushinteger(L, r.n_iter);
	lua_pushnumber(L, r.inertia);
	return 3;
}

/* _cluster.radius_neighbors(x, eps) -> offsets (N+1), idx (0-based) */
static int l_cluster_radius_neighbors(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	double eps = luaL_checknumber(L, 2);
	ml_tensor *off = ml_l_pushtensor(L, ML_LONG), *idx = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_cluster_radius_neighbors(x, eps, off, idx, "ml.radius_neighbors", &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _cluster.dbscan(x, eps, min_samples) -> labels (0-based, -1 noise), core (Byte) */
static int l_cluster_dbscan(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	double eps = luaL_checknumber(L, 2);
	lua_Integer ms = luaL_checkinteger(L, 3);
	ml_tensor *lab = ml_l_pushtensor(L, ML_LONG), *core = ml_l_pushtensor(L, ML_BYTE);
	ml_error e;
	if (ml_cluster_dbscan(x, eps, ms, lab, core, "ml.DBSCAN.fit", &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _cluster.linkage(x, method) -> children (N-1 x 2, 0-based), distances, sizes */
static int l_cluster_linkage(lua_State *L)
{
	static const char *const methods[] = {"ward", "complete", "average", "single", NULL};
	ml_tensor *x = ml_l_checktensor(L, 1);
	int method = luaL_checkoption(L, 2, NULL, methods);
	ml_tensor *ch = ml_l_pushtensor(L, ML_LONG), *dist = ml_l_pushtensor(L, ML_DOUBLE);
	ml_tensor *sz = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_cluster_linkage(x, method, ch, dist, sz, "ml.AgglomerativeClustering.fit", &e))
		return ml_l_error(L, &e);
	return 3;
}

/* _cluster.dist_sums(x, labels (0-based Long), k) -> (N x K) sums of distances */
static int l_cluster_dist_sums(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *lab = ml_l_checktensor(L, 2);
	lua_Integer k = luaL_checkinteger(L, 3);
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_cluster_dist_sums(x, lab, k, out, "ml.silhouette_samples", &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _cluster.gmm_log_prob(x, means, precisions_cholesky [, log_weights]) ->
 * (N x K) (weighted) log densities */
static int l_cluster_gmm_log_prob(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *mu = ml_l_checktensor(L, 2), *pc = ml_l_checktensor(L, 3);
	ml_tensor *lw = lua_isnoneornil(L, 4) ? NULL : ml_l_checktensor(L, 4);
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_gmm_log_prob(x, mu, pc, lw, out, "ml.GaussianMixture", &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _cluster.gmm_normalize(wlp [, want_resp]) -> lpn, resp (or nil), mean of
 * lpn; wlp becomes the log responsibilities in place */
static int l_cluster_gmm_normalize(lua_State *L)
{
	ml_tensor *w = ml_l_checktensor(L, 1);
	int want = lua_toboolean(L, 2);
	ml_tensor *lpn = ml_l_pushtensor(L, ML_DOUBLE);
	ml_tensor *resp = NULL;
	if (want)
		resp = ml_l_pushtensor(L, ML_DOUBLE);
	else
		lua_pushnil(L);
	ml_error e;
	double mean;
	if (ml_gmm_normalize(w, lpn, resp, &mean, "ml.GaussianMixture", &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, mean);
	return 3;
}

/* _cluster.gmm_m_step(x, resp, reg, full) -> nk, means, covariances (full) or nil */
static int l_cluster_gmm_m_step(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *r = ml_l_checktensor(L, 2);
	double reg = luaL_checknumber(L, 3);
	int full = lua_toboolean(L, 4);
	ml_tensor *nk = ml_l_pushtensor(L, ML_DOUBLE), *mu = ml_l_pushtensor(L, ML_DOUBLE);
	ml_tensor *cov = NULL;
	if (full)
		cov = ml_l_pushtensor(L, ML_DOUBLE);
	else
		lua_pushnil(L);
	ml_error e;
	if (ml_gmm_m_step(x, r, reg, nk, mu, cov, "ml.GaussianMixture.fit", &e))
		return ml_l_error(L, &e);
	return 3;
}

/* _cluster.gmm_covariances(x, resp, means, nk, reg) -> (K x D x D) covariances */
static int l_cluster_gmm_covariances(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1), *r = ml_l_checktensor(L, 2), *mu = ml_l_checktensor(L, 3);
	ml_tensor *nk = ml_l_checktensor(L, 4);
	double reg = luaL_checknumber(L, 5);
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_gmm_covariances(x, r, mu, nk, reg, out, "ml.GaussianMixture.fit", &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _cluster.nmf_cd_sweep(W, HHt, XHt, perm) -> violation; W updated in place */
static int l_cluster_nmf_cd_sweep(lua_State *L)
{
	ml_tensor *w = ml_l_checktensor(L, 1), *h = ml_l_checktensor(L, 2), *xh = ml_l_checktensor(L, 3);
	ml_tensor *p = ml_l_checktensor(L, 4);
	double v;
	ml_error e;
	if (ml_nmf_cd_sweep(w, h, xh, p, &v, "ml.NMF.fit", &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, v);
	return 1;
}

/* _cluster.tsne_joint_p(d2, perplexity) -> P */
static int l_cluster_tsne_joint_p(lua_State *L)
{
	ml_tensor *d2 = ml_l_checktensor(L, 1);
	double perp = luaL_checknumber(L, 2);
	ml_tensor *p = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_tsne_joint_p(d2, perp, p, "ml.TSNE.fit", &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _cluster.tsne_kl_grad(y, P, dof) -> grad, kl */
static int l_cluster_tsne_kl_grad(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1), *p = ml_l_checktensor(L, 2);
	double dof = luaL_checknumber(L, 3);
	ml_tensor *g = ml_l_pushtensor(L, ML_DOUBLE);
	double kl;
	ml_error e;
	if (ml_tsne_kl_grad(y, p, dof, g, &kl, "ml.TSNE.fit", &e))
		return ml_l_error(L, &e);
	lua_pushnumber(L, kl);
	return 2;
}

/* _cluster.tsne_knn(x, k) -> d2 (N, k), idx (N, k, Long, 0-based) */
static int l_cluster_tsne_knn(lua_State *L)
{
	ml_tensor *x = ml_l_checktensor(L, 1);
	lua_Integer k = luaL_checkinteger(L, 2);
	ml_tensor *d2 = ml_l_pushtensor(L, ML_DOUBLE), *idx = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (ml_tsne_knn(x, k, d2, idx, "ml.TSNE.fit", &e))
		return ml_l_error(L, &e);
	return 2;
}

/* _cluster.tsne_cond_p(d2, perplexity) -> conditional P (N, k) */
static int l_cluster_tsne_cond_p(lua_State *L)
{
	ml_tensor *d2 = ml_l_checktensor(L, 1);
	double perp = luaL_checknumber(L, 2);
	ml_tensor *p = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_tsne_cond_p(d2, perp, p, "ml.TSNE.fit", &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _cluster.tsne_symmetrize(cond, idx) -> indptr, indices (0-based), values */
static int l_cluster_tsne_symmetrize(lua_State *L)
{
	ml_tensor *c = ml_l_checktensor(L, 1), *idx = ml_l_checktensor(L, 2);
	ml_tensor *ip = ml_l_pushtensor(L, ML_LONG), *ii = ml_l_pushtensor(L, ML_LONG);
	ml_tensor *iv = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_tsne_symmetrize(c, idx, ip, ii, iv, "ml.TSNE.fit", &e))
		return ml_l_error(L, &e);
	return 3;
}

/* _cluster.tsne_bh_grad(y, indptr, indices, values, dof, angle, want_kl) -> grad, kl or nil */
static int l_cluster_tsne_bh_grad(lua_State *L)
{
	ml_tensor *y = ml_l_checktensor(L, 1), *ip = ml_l_checktensor(L, 2), *ii = ml_l_checktensor(L, 3);
	ml_tensor *iv = ml_l_checktensor(L, 4);
	double dof = luaL_checknumber(L, 5), theta = luaL_checknumber(L, 6), kl = 0;
	int want = lua_toboolean(L, 7);
	ml_tensor *g = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (ml_tsne_bh_grad(y, ip, ii, iv, dof, theta, g, want ? &kl : NULL, "ml.TSNE.fit", &e))
		return ml_l_error(L, &e);
	if (want)
		lua_pushnumber(L, kl);
	else
		lua_pushnil(L);
	return 2;
}

static const luaL_Reg cluster_functions[] = {
	{"tsne_knn", l_cluster_tsne_knn},
	{"tsne_cond_p", l_cluster_tsne_cond_p},
	{"tsne_symmetrize", l_cluster_tsne_symmetrize},
	{"tsne_bh_grad", l_cluster_tsne_bh_grad},
	{"tsne_joint_p", l_cluster_tsne_joint_p},
	{"tsne_kl_grad", l_cluster_tsne_kl_grad},
	{"nmf_cd_sweep", l_cluster_nmf_cd_sweep},
	{"gmm_log_prob", l_cluster_gmm_log_prob},
	{"gmm_normalize", l_cluster_gmm_normalize},
	{"gmm_covariances", l_cluster_gmm_covariances},
	{"gmm_m_step", l_cluster_gmm_m_step},
	{"radius_neighbors", l_cluster_radius_neighbors},
	{"dbscan", l_cluster_dbscan},
	{"linkage", l_cluster_linkage},
	{"dist_sums", l_cluster_dist_sums},
	{"kmeans_assign", l_cluster_kmeans_assign},
	{"kmeans_run", l_cluster_kmeans_run},
	{NULL, NULL},
};

void ml_l_open_cluster(lua_State *L, int methods, int torch)
{
	(void)methods;
	lua_newtable(L);
	luaL_setfuncs(L, cluster_functions, 0);
	lua_setfield(L, torch, "_cluster");
}
