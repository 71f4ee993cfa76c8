/*
 * l_frame.c - Lua binding of the data frame's kernels (kernels/groupby.h,
 * kernels/join.h) as the private table torch._frame:
 *   factorize(keys [, misses])         -> gid, ngroups, first
 *   reduce(op, x, gid, ngroups)         -> DoubleTensor (ngroups)
 *   argsort(keys, misses, desc)         -> LongTensor perm (1-based, stable)
 *   join(lgid, rgid, ngroups, how)      -> li, ri (1-based, 0: no row)
 * keys: a list of contiguous 1-D LongTensor (integers, codes) or DoubleTensor
 * (NaN is missing) of one length; misses: a parallel list of ByteTensor masks
 * or false, or for categorical codes a LongTensor rank map: map[c + 1] orders
 * code c (its level's rank); a negative rank makes the row missing.  Group
 * ids are 1-based in key order, 0 for rows with a missing key.  moonlab.data
 * (stdlib/moonlab/data) is the public face; these calls check their
 * arguments but assume the frame's invariants.  Scratch arrays are userdata
 * boxes on the stack, so an error never leaks them.
 */
#include <string.h>

#include "lmoon.h"
#include "../kernels/groupby.h"
#include "../kernels/join.h"

/* A contiguous 1-D tensor of dtype dt at idx (an empty tensor passes). */
static const ml_tensor *check_vec(lua_State *L, int idx, ml_dtype dt, const char *who,
                                  const char *what)
{
	const ml_tensor *t = ml_l_checktensor(L, idx);
	if (t->dtype != dt || (t->ndim != 1 && ml_tensor_numel(t) > 0) || !ml_tensor_is_contiguous(t))
		luaL_error(L, "%s: %s must be a contiguous 1-D %s tensor", who, what,
		           ml_dtype_info[dt].name);
	return t;
}

/* Scratch memory owned by a userdata left on the stack. */
static void *scratch(lua_State *L, size_t bytes)
{
	return lua_newuserdatauv(L, bytes ? bytes : 1, 0);
}

/* A new LongTensor of n elements on the stack (uninitialized contents). */
static ml_tensor *push_long(lua_State *L, int64_t n)
{
	ml_tensor *t = ml_l_pushtensor(L, ML_LONG);
	ml_error e;
	if (n > 0 && ml_tensor_resize(t, 1, &n, &e))
		ml_l_error(L, &e);
	ml_l_account(L, t);
	return t;
}

/* Factorizes the key list at index `keys` (masks in the list at index
 * `misses`; 0 or nil there: none) into 0-based combined codes; *k_out
 * receives the number of groups.  Scratch boxes stay on the stack until the
 * caller returns. */
static int64_t *factorize_keys(lua_State *L, int keys, int misses, int64_t *n_out, int64_t *k_out,
                               const char *who)
{
	luaL_checktype(L, keys, LUA_TTABLE);
	if (misses && lua_isnoneornil(L, misses))
		misses = 0;
	if (misses)
		luaL_checktype(L, misses, LUA_TTABLE);
	int nk = (int)lua_rawlen(L, keys);
	if (nk < 1 || nk > 64)
		luaL_error(L, "%s: expected 1 to 64 key columns (got %d)", who, nk);
	luaL_checkstack(L, 3 * nk + 8, who);
	int64_t n = -1;
	int64_t **codes = scratch(L, sizeof *codes * (size_t)nk);
	int64_t *card = scratch(L, sizeof *card * (size_t)nk);
	for (int j = 0; j < nk; j++) {
		lua_rawgeti(L, keys, j + 1); /* stays on the stack (the table holds it anyway) */
		int ti = lua_gettop(L);
		const ml_tensor *t = ml_l_checktensor(L, ti);
		int64_t m = ml_tensor_numel(t);
		if (n < 0)
			n = m;
		else if (m != n)
			luaL_error(L, "%s: key %d has %d rows, key 1 has %d", who, j + 1, (int)m, (int)n);
		check_vec(L, ti, t->dtype == ML_DOUBLE ? ML_DOUBLE : ML_LONG, who, "a key");
		const uint8_t *miss = NULL;
		const int64_t *map = NULL;
		int64_t nmap = 0;
		if (misses && lua_rawgeti(L, misses, j + 1) != LUA_TNIL && ml_l_totensor(L, -1) &&
		    ml_l_totensor(L, -1)->dtype == ML_LONG) {
			/* a rank map: the key is a categorical code c (0: missing), its rank map[c] */
			const ml_tensor *mt = check_vec(L, lua_gettop(L), ML_LONG, who, "a rank map");
			nmap = ml_tensor_numel(mt);
			map = nmap ? ml_tensor_data(mt) : NULL;
		} else if (misses && lua_toboolean(L, -1)) {
			const ml_tensor *mt = check_vec(L, lua_gettop(L), ML_BYTE, who, "a missing mask");
			if (ml_tensor_numel(mt) != n)
				luaL_error(L, "%s: the mask of key %d has %d rows, expected %d", who, j + 1,
				           (int)ml_tensor_numel(mt), (int)n);
			miss = n ? ml_tensor_data(mt) : NULL;
		}
		size_t rows = (size_t)(n > 0 ? n : 1);
		int64_t *c = scratch(L, sizeof *c * rows);
		ml_error e;
		int rc;
		if (map) {
			if (t->dtype != ML_LONG)
				luaL_error(L, "%s: a key with a rank map must hold LongTensor codes", who);
			uint8_t *m2 = scratch(L, rows);
			const int64_t *code = n ? ml_tensor_data(t) : NULL;
			for (int64_t i = 0; i < n; i++) {
				int64_t v = code[i];
				if (v < 0 || v >= nmap)
					luaL_error(L, "%s: code %d out of range for %d levels (row %d)", who,
					           (int)v, (int)nmap - 1, (int)i + 1);
				c[i] = map[v];
				m2[i] = c[i] < 0; /* map[0] < 0: code 0 is missing */
			}
			rc = ml_groupby_factorize(c, m2, n, c, &card[j], &e);
		} else if (t->dtype == ML_DOUBLE) {
			uint8_t *m2 = scratch(L, rows);
			if (n)
				ml_groupby_key_f64(ml_tensor_data(t), n, c, m2);
			if (miss)
				for (int64_t i = 0; i < n; i++)
					m2[i] |= miss[i];
			rc = ml_groupby_factorize(c, m2, n, c, &card[j], &e);
		} else {
			rc = ml_groupby_factorize(n ? ml_tensor_data(t) : NULL, miss, n, c, &card[j], &e);
		}
		if (rc)
			ml_l_error(L, &e);
		codes[j] = c;
	}
	if (nk == 1) {
		*n_out = n;
		*k_out = card[0];
		return codes[0];
	}
	int64_t *out = scratch(L, sizeof *out * (size_t)(n > 0 ? n : 1));
	ml_error e;
	if (ml_groupby_combine(nk, (const int64_t *const *)codes, card, n, out, k_out, &e))
		ml_l_error(L, &e);
	*n_out = n;
	return out;
}

/* torch._frame.factorize(keys [, misses]) -> gid (1-based, 0 missing), ngroups, first (1-based) */
static int l_frame_factorize(lua_State *L)
{
	const char *who = "data.group_by";
	int64_t n, k;
	ml_error e;
	/* one categorical key: the one-pass path straight into the result */
	if (lua_type(L, 1) == LUA_TTABLE && lua_rawlen(L, 1) == 1 && lua_type(L, 2) == LUA_TTABLE) {
		lua_rawgeti(L, 1, 1);
		lua_rawgeti(L, 2, 1);
		const ml_tensor *kt = ml_l_totensor(L, -2), *mt = ml_l_totensor(L, -1);
		if (kt && mt && kt->dtype == ML_LONG && mt->dtype == ML_LONG) {
			check_vec(L, lua_gettop(L) - 1, ML_LONG, who, "a key");
			check_vec(L, lua_gettop(L), ML_LONG, who, "a rank map");
			n = ml_tensor_numel(kt);
			int64_t nmap = ml_tensor_numel(mt);
			ml_tensor *gid = push_long(L, n);
			if (n > 0 && ml_groupby_codes(ml_tensor_data(kt), n, nmap ? ml_tensor_data(mt) : NULL, nmap,
			                              ml_tensor_data(gid), &k, &e))
				return ml_l_error(L, &e);
			if (n == 0)
				k = 0;
			lua_pushinteger(L, (lua_Integer)k);
			ml_tensor *first = push_long(L, k);
			if (k) {
				int64_t *f = ml_tensor_data(first);
				ml_groupby_first(ml_tensor_data(gid), 1, n, k, f);
				for (int64_t j = 0; j < k; j++)
					f[j]++;
			}
			return 3;
		}
		lua_pop(L, 2);
	}
	int64_t *codes = factorize_keys(L, 1, 2, &n, &k, who);
	ml_tensor *gid = push_long(L, n);
	int64_t *g = n ? ml_tensor_data(gid) : NULL;
	for (int64_t i = 0; i < n; i++)
		g[i] = codes[i] + 1;
	lua_pushinteger(L, (lua_Integer)k);
	ml_tensor *first = push_long(L, k);
	if (k) {
		int64_t *f = ml_tensor_data(first);
		ml_groupby_first(codes, 0, n, k, f);
		for (int64_t j = 0; j < k; j++)
			f[j]++;
	}
	return 3;
}

/* The 0-based codes of a 1-based gid tensor at idx into scratch (checked against k). */
static int64_t *codes_of(lua_State *L, int idx, int64_t k, int64_t *n_out, int missing_ok,
                         const char *who)
{
	const ml_tensor *t = check_vec(L, idx, ML_LONG, who, "group ids");
	int64_t n = ml_tensor_numel(t);
	int64_t *c = scratch(L, sizeof *c * (size_t)(n > 0 ? n : 1));
	const int64_t *g = n ? ml_tensor_data(t) : NULL;
	for (int64_t i = 0; i < n; i++) {
		if (g[i] < (missing_ok ? 0 : 1) || g[i] > k)
			luaL_error(L, "%s: group id %d out of range (row %d, %d groups)", who, (int)g[i],
			           (int)i + 1, (int)k);
		c[i] = g[i] - 1;
	}
	*n_out = n;
	return c;
}

/* torch._frame.reduce(op, x, gid, ngroups) -> DoubleTensor of ngroups */
static int l_frame_reduce(lua_State *L)
{
	const char *who = "DataFrame:group_by";
	const char *name = luaL_checkstring(L, 1);
	int op = ml_groupby_op_parse(name);
	if (op < 0)
		return luaL_error(L, "%s: unknown aggregate '%s' (sum, mean, count, min, max, std, var, "
		                  "median, size)", who, name);
	const ml_tensor *x = check_vec(L, 2, ML_DOUBLE, who, "the values");
	int64_t k = (int64_t)luaL_checkinteger(L, 4);
	const ml_tensor *gt = check_vec(L, 3, ML_LONG, who, "group ids");
	int64_t n = ml_tensor_numel(gt);
	const int64_t *c = n ? ml_tensor_data(gt) : NULL;
	if (ml_tensor_numel(x) != n)
		return luaL_error(L, "%s: %d values for %d group ids", who, (int)ml_tensor_numel(x), (int)n);
	ml_tensor *out = ml_l_pushtensor(L, ML_DOUBLE);
	ml_error e;
	if (k > 0 && ml_tensor_resize(out, 1, &k, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, out);
	if (k > 0 && ml_groupby_reduce((ml_groupby_op)op, n ? ml_tensor_data(x) : NULL, c, 1, n, k,
	                               ml_tensor_data(out), &e))
		return ml_l_error(L, &e);
	return 1;
}

/* torch._frame.argsort(keys, misses, desc) -> LongTensor perm (1-based), stable,
 * missing keys last */
static int l_frame_argsort(lua_State *L)
{
	const char *who = "DataFrame:sort";
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	luaL_checktype(L, 3, LUA_TTABLE);
	int nk = (int)lua_rawlen(L, 1);
	if (nk < 1 || nk > 64)
		return luaL_error(L, "%s: expected 1 to 64 sort keys (got %d)", who, nk);
	luaL_checkstack(L, 4 * nk + 8, who);
	uint64_t **keys = scratch(L, sizeof *keys * (size_t)nk);
	uint8_t **miss = scratch(L, sizeof *miss * (size_t)nk);
	int *desc = scratch(L, sizeof *desc * (size_t)nk);
	int64_t n = -1;
	for (int j = 0; j < nk; j++) {
		lua_rawgeti(L, 3, j + 1);
		desc[j] = lua_toboolean(L, -1);
		lua_pop(L, 1);
		lua_rawgeti(L, 1, j + 1); /* stays on the stack */
		int ti = lua_gettop(L);
		const ml_tensor *t = ml_l_checktensor(L, ti);
		int64_t m = ml_tensor_numel(t);
		if (n < 0)
			n = m;
		else if (m != n)
			return luaL_error(L, "%s: key %d has %d rows, key 1 has %d", who, j + 1, (int)m, (int)n);
		check_vec(L, ti, t->dtype == ML_DOUBLE ? ML_DOUBLE : ML_LONG, who, "a key");
		size_t rows = (size_t)(n > 0 ? n : 1);
		uint64_t *u = keys[j] = scratch(L, sizeof *u * rows);
		uint8_t *ms = miss[j] = scratch(L, rows);
		memset(ms, 0, rows);
		lua_rawgeti(L, 2, j + 1);
		const ml_tensor *aux = ml_l_totensor(L, -1);
		if (aux)
			check_vec(L, lua_gettop(L), aux->dtype == ML_LONG ? ML_LONG : ML_BYTE, who, "a mask or rank map");
		if (aux && ml_tensor_numel(aux) != n && aux->dtype == ML_BYTE)
			return luaL_error(L, "%s: the mask of key %d has %d rows, expected %d", who, j + 1,
			                  (int)ml_tensor_numel(aux), (int)n);
		if (t->dtype == ML_DOUBLE) {
			if (n > 0)
				ml_groupby_key_f64(ml_tensor_data(t), n, (int64_t *)u, ms);
			for (int64_t i = 0; i < n; i++)
				u[i] = ml_groupby_ukey((int64_t)u[i]);
		} else if (aux && aux->dtype == ML_LONG) {
			/* categorical codes with a rank map; a negative rank is missing */
			const int64_t *code = n ? ml_tensor_data(t) : NULL;
			const int64_t *map = ml_tensor_numel(aux) ? ml_tensor_data(aux) : NULL;
			int64_t nmap = ml_tensor_numel(aux);
			for (int64_t i = 0; i < n; i++) {
				if (code[i] < 0 || code[i] >= nmap)
					return luaL_error(L, "%s: code %d out of range for %d levels (row %d)", who,
					                  (int)code[i], (int)nmap - 1, (int)i + 1);
				int64_t r = map[code[i]];
				ms[i] = r < 0;
				u[i] = ml_groupby_ukey(r);
			}
		} else {
			const int64_t *x = n ? ml_tensor_data(t) : NULL;
			const uint8_t *mk = aux && n ? ml_tensor_data(aux) : NULL;
			for (int64_t i = 0; i < n; i++) {
				u[i] = ml_groupby_ukey(x[i]);
				ms[i] = mk ? mk[i] != 0 : 0;
			}
		}
	}
	ml_tensor *perm = push_long(L, n);
	ml_error e;
	if (n > 0) {
		int64_t *p = ml_tensor_data(perm);
		if (ml_groupby_argsort(nk, (const uint64_t *const *)keys, (const uint8_t *const *)miss, desc,
		                       n, p, &e))
			return ml_l_error(L, &e);
		for (int64_t i = 0; i < n; i++)
			p[i]++;
	}
	return 1;
}

/* torch._frame.join(lgid, rgid, ngroups, how) -> li, ri (1-based; 0: no row) */
static int l_frame_join(lua_State *L)
{
	const char *who = "DataFrame:join";
	int64_t k = (int64_t)luaL_checkinteger(L, 3);
	const char *hs = luaL_checkstring(L, 4);
	int how = ml_join_how_parse(hs);
	if (how < 0)
		return luaL_error(L, "%s: how must be \"inner\", \"left\", \"right\" or \"outer\" (got '%s')",
		                  who, hs);
	int64_t nl, nr, m;
	int64_t *lc = codes_of(L, 1, k, &nl, 0, who);
	int64_t *rc = codes_of(L, 2, k, &nr, 0, who);
	ml_error e;
	if (ml_join_count(lc, nl, rc, nr, k, (ml_join_how)how, &m, &e))
		return ml_l_error(L, &e);
	ml_tensor *li = push_long(L, m);
	ml_tensor *ri = push_long(L, m);
	if (m > 0) {
		int64_t *a = ml_tensor_data(li), *b = ml_tensor_data(ri);
		if (ml_join_fill(lc, nl, rc, nr, k, (ml_join_how)how, a, b, &e))
			return ml_l_error(L, &e);
		for (int64_t i = 0; i < m; i++) {
			a[i]++;
			b[i]++;
		}
	}
	return 2;
}

void ml_l_open_frame(lua_State *L, int methods, int torch)
{
	(void)methods; /* no tensor methods */
	static const luaL_Reg funcs[] = {
		{"factorize", l_frame_factorize},
		{"reduce", l_frame_reduce},
		{"argsort", l_frame_argsort},
		{"join", l_frame_join},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	lua_setfield(L, torch, "_frame");
}
