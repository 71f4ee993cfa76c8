/*
 * l_index.c - Torch7's indexing of tensors from Lua: t[i], t[{i, {a, b}, {}}],
 * t[mask], and the same forms on the left of an assignment.  The metatables
 * built in l_tensor.c use these as __index and __newindex.
 *
 * Numbers select (a number comes back when every dimension is indexed),
 * {a, b} narrows a..b inclusive, {} keeps a dimension; negative indices count
 * from the end.  As an extension, t[LongTensor] reads the rows (entries of
 * dimension 1) it lists, as t:index(1, idx), and t[LongTensor] = v writes them
 * (indexFill or indexCopy).
 */
#include <string.h>

#include "../kernels/index.h"
#include "lmoon.h"

/* ---- indexing: t[i], t[{...}], t[mask] ---- */

/* Applies an index table {i, {a,b}, {a}, {}} to view r in place.  Returns 1
 * when every entry was a number covering every dimension (a single element,
 * left in *elem). */
static int apply_index_table(lua_State *L, int idx, ml_tensor *r, const char *who, void **elem)
{
	int n = (int)lua_rawlen(L, idx);
	if (n > r->ndim)
		luaL_error(L, "%s: %d indices for a %d-dimensional tensor", who, n, r->ndim);
	int dim = 0, all_numbers = 1, orig_ndim = r->ndim;
	int64_t pos[ML_MAX_DIMS];
	ml_error e;
	for (int k = 1; k <= n; k++) {
		int ty = lua_rawgeti(L, idx, k);
		if (ty == LUA_TNUMBER) {
			int64_t i = ml_l_checkindex(L, lua_tointeger(L, -1), r->size[dim], who, k);
			pos[k - 1] = i;
			if (r->ndim > 1) {
				ml_tensor_select(r, dim, i, NULL);
			} else {
				/* last remaining dimension: keep a 1-element narrow for now */
				ml_tensor_narrow(r, dim, i, 1, NULL);
				dim++;
			}
		} else if (ty == LUA_TTABLE) {
			all_numbers = 0;
			int m = (int)lua_rawlen(L, -1);
			if (m > 0) {
				lua_rawgeti(L, -1, 1);
				lua_Integer a = luaL_checkinteger(L, -1);
				lua_pop(L, 1);
				lua_Integer b = a;
				if (m > 1) {
					lua_rawgeti(L, -1, 2);
					b = luaL_checkinteger(L, -1);
					lua_pop(L, 1);
				}
				int64_t sz = r->size[dim];
				if (a < 0)
					a += sz + 1;
				if (b < 0)
					b += sz + 1;
				if (a < 1 || b > sz || b < a - 1)
					luaL_error(L, "%s: range {%d, %d} out of bounds for dimension %d of size %d", who,
					           (int)a, (int)b, k, (int)sz);
				if (ml_tensor_narrow(r, dim, a - 1, b - a + 1, &e))
					ml_l_error(L, &e);
			}
			dim++;
		} else {
			luaL_error(L, "%s: index %d is a %s (expected a number or a {first, last} table)", who, k,
			           lua_typename(L, ty));
		}
		lua_pop(L, 1);
	}
	if (all_numbers && n == orig_ndim && n > 0) {
		*elem = ml_tensor_data(r);
		(void)pos;
		return 1;
	}
	return 0;
}

/* t[mask]: 1-D tensor of the elements where mask ~= 0, in logical order. */
static void masked_select(lua_State *L, ml_tensor *t, ml_tensor *mask)
{
	ml_error e;
	if (mask->dtype != ML_BYTE)
		luaL_error(L, "tensor.__index: a mask must be a torch.ByteTensor, got %s", ml_l_tensor_mt[mask->dtype]);
	if (ml_tensor_numel(mask) != ml_tensor_numel(t)) {
		char a[ML_SHAPELEN], b[ML_SHAPELEN];
		luaL_error(L, "tensor.__index: mask of shape %s for a tensor of shape %s",
		           ml_tensor_shape_str(a, sizeof a, mask), ml_tensor_shape_str(b, sizeof b, t));
	}
	ml_tensor tc, mc;
	if (ml_tensor_clone_as(&tc, t, t->dtype, &e))
		ml_l_error(L, &e);
	if (ml_tensor_clone_as(&mc, mask, ML_BYTE, &e)) {
		ml_tensor_release(&tc);
		ml_l_error(L, &e);
	}
	int64_t n = ml_tensor_numel(t), k = 0;
	const uint8_t *m = ml_tensor_data(&mc);
	for (int64_t i = 0; i < n; i++)
		k += m[i] != 0;
	ml_tensor *r = ml_l_pushtensor(L, t->dtype);
	int64_t sz = k;
	int rc = k ? ml_tensor_resize(r, 1, &sz, &e) : 0;
	if (!rc && k) {
		size_t es = ml_dtype_info[t->dtype].size;
		char *dst = ml_tensor_data(r);
		const char *src = ml_tensor_data(&tc);
		for (int64_t i = 0, j = 0; i < n; i++)
			if (m[i])
				memcpy(dst + (size_t)(j++) * es, src + (size_t)i * es, es);
	}
	ml_tensor_release(&tc);
	ml_tensor_release(&mc);
	if (rc)
		ml_l_error(L, &e);
}

/* t[mask] = v: v is a number (fill) or a tensor with as many elements as the mask selects. */
static void masked_assign(lua_State *L, ml_tensor *t, ml_tensor *mask, int vidx)
{
	ml_error e;
	if (mask->dtype != ML_BYTE)
		luaL_error(L, "tensor.__newindex: a mask must be a torch.ByteTensor, got %s",
		           ml_l_tensor_mt[mask->dtype]);
	if (ml_tensor_numel(mask) != ml_tensor_numel(t)) {
		char a[ML_SHAPELEN], b[ML_SHAPELEN];
		luaL_error(L, "tensor.__newindex: mask of shape %s for a tensor of shape %s",
		           ml_tensor_shape_str(a, sizeof a, mask), ml_tensor_shape_str(b, sizeof b, t));
	}
	ml_tensor *src = ml_l_totensor(L, vidx);
	if (!src && !lua_isnumber(L, vidx))
		luaL_error(L, "tensor.__newindex: value is a %s, expected a number or a tensor",
		           luaL_typename(L, vidx));
	/* walk t in logical order with a view of the same shape as the mask */
	ml_tensor mc, sc;
	ml_tensor_init(&sc, t->dtype);
	if (ml_tensor_clone_as(&mc, mask, ML_BYTE, &e))
		ml_l_error(L, &e);
	const uint8_t *m = ml_tensor_data(&mc);
	int64_t n = ml_tensor_numel(t), k = 0;
	for (int64_t i = 0; i < n; i++)
		k += m[i] != 0;
	if (src) {
		if (ml_tensor_numel(src) != k) {
			ml_tensor_release(&mc);
			luaL_error(L, "tensor.__newindex: mask selects %d elements, source has %d", (int)k,
			           (int)ml_tensor_numel(src));
		}
		if (k && ml_tensor_clone_as(&sc, src, t->dtype, &e)) {
			ml_tensor_release(&mc);
			ml_l_error(L, &e);
		}
	}
	unsigned char val[8];
	if (!src) {
		if (lua_isinteger(L, vidx))
			ml_store_i64(t->dtype, val, lua_tointeger(L, vidx));
		else
			ml_store_f64(t->dtype, val, lua_tonumber(L, vidx));
	}
	size_t es = ml_dtype_info[t->dtype].size;
	int64_t idx[ML_MAX_DIMS] = {0};
	const char *sp = src && k ? ml_tensor_data(&sc) : NULL;
	for (int64_t i = 0, j = 0; i < n; i++) {
		if (m[i]) {
			void *p = ml_tensor_ptr(t, idx);
			memcpy(p, sp ? sp + (size_t)(j++) * es : (const char *)val, es);
		}
		for (int d = t->ndim - 1; d >= 0; d--) {
			if (++idx[d] < t->size[d])
				break;
			idx[d] = 0;
		}
	}
	ml_tensor_release(&mc);
	ml_tensor_release(&sc);
}

int ml_l_tensor_index(lua_State *L)
{
	int ty = lua_type(L, 2);
	if (ty == LUA_TSTRING) {
		size_t len;
		const char *k = lua_tolstring(L, 2, &len);
		if (len == 3 && memcmp(k, "new", 3) == 0 && lua_getmetatable(L, 1)) {
			/* x.new is the constructor of x's type, as in Torch7 */
			lua_getfield(L, -1, "new");
			return 1;
		}
		lua_pushvalue(L, 2);
		lua_rawget(L, lua_upvalueindex(1));
		return 1;
	}
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (ty == LUA_TNUMBER) {
		if (t->ndim == 0)
			return luaL_error(L, "tensor.__index: cannot index an empty tensor");
		int64_t i = ml_l_checkindex(L, lua_tointeger(L, 2), t->size[0], "tensor.__index", 1);
		if (t->ndim == 1) {
			ml_l_pushelem(L, t->dtype, ml_tensor_ptr(t, &i));
			return 1;
		}
		ml_tensor *r = ml_l_pushview(L, t);
		ml_tensor_select(r, 0, i, NULL);
		return 1;
	}
	if (ty == LUA_TTABLE) {
		ml_tensor *r = ml_l_pushview(L, t);
		void *elem = NULL;
		if (apply_index_table(L, 2, r, "tensor.__index", &elem)) {
			ml_l_pushelem(L, t->dtype, elem);
			return 1;
		}
		return 1;
	}
	ml_tensor *mask = ml_l_totensor(L, 2);
	if (mask && mask->dtype == ML_LONG) { /* t[LongTensor]: rows along dimension 1 */
		ml_error e;
		ml_tensor *r = ml_l_pushtensor(L, t->dtype);
		if (ml_index_select("tensor.__index", r, t, 0, mask, 1, &e))
			return ml_l_error(L, &e);
		return 1;
	}
	if (mask) {
		masked_select(L, t, mask);
		return 1;
	}
	return luaL_error(L, "tensor.__index: cannot index a tensor with a %s", luaL_typename(L, 2));
}

/* Assigns the value at vidx (number or tensor) to view r. */
static void assign_to(lua_State *L, ml_tensor *r, int vidx)
{
	ml_tensor *src = ml_l_totensor(L, vidx);
	ml_error e;
	if (src) {
		if (ml_tensor_copy(r, src, &e))
			ml_l_error(L, &e);
	} else if (lua_isinteger(L, vidx)) {
		ml_tensor_fill_i64(r, lua_tointeger(L, vidx));
	} else if (lua_isnumber(L, vidx)) {
		ml_tensor_fill(r, lua_tonumber(L, vidx));
	} else {
		luaL_error(L, "tensor.__newindex: value is a %s, expected a number or a tensor",
		           luaL_typename(L, vidx));
	}
}

int ml_l_tensor_newindex(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int ty = lua_type(L, 2);
	if (ty == LUA_TNUMBER) {
		if (t->ndim == 0)
			return luaL_error(L, "tensor.__newindex: cannot index an empty tensor");
		int64_t i = ml_l_checkindex(L, lua_tointeger(L, 2), t->size[0], "tensor.__newindex", 1);
		if (t->ndim == 1 && !ml_l_totensor(L, 3)) {
			if (!lua_isnumber(L, 3))
				return luaL_error(L, "tensor.__newindex: value is a %s, expected a number",
				                  luaL_typename(L, 3));
			ml_l_storeelem(L, 3, t->dtype, ml_tensor_ptr(t, &i));
			return 0;
		}
		ml_tensor r = *t; /* borrowed view, no reference held: nothing below can free t */
		if (t->ndim == 1)
			ml_tensor_narrow(&r, 0, i, 1, NULL);
		else
			ml_tensor_select(&r, 0, i, NULL);
		assign_to(L, &r, 3);
		return 0;
	}
	if (ty == LUA_TTABLE) {
		ml_tensor *r = ml_l_pushview(L, t);
		void *elem = NULL;
		if (apply_index_table(L, 2, r, "tensor.__newindex", &elem) && !ml_l_totensor(L, 3)) {
			if (!lua_isnumber(L, 3))
				return luaL_error(L, "tensor.__newindex: value is a %s, expected a number",
				                  luaL_typename(L, 3));
			ml_l_storeelem(L, 3, t->dtype, elem);
			return 0;
		}
		assign_to(L, r, 3);
		return 0;
	}
	ml_tensor *mask = ml_l_totensor(L, 2);
	if (mask && mask->dtype == ML_LONG) { /* t[LongTensor] = number or tensor: rows along dimension 1 */
		ml_error e;
		ml_tensor *src = ml_l_totensor(L, 3);
		int rc;
		if (src)
			rc = ml_index_copy("tensor.__newindex", t, 0, mask, src, 1, &e);
		else if (lua_isinteger(L, 3))
			rc = ml_index_fill("tensor.__newindex", t, 0, mask, ml_scalar_i64(lua_tointeger(L, 3)), 1, &e);
		else if (lua_type(L, 3) == LUA_TNUMBER)
			rc = ml_index_fill("tensor.__newindex", t, 0, mask, ml_scalar_f64(lua_tonumber(L, 3)), 1, &e);
		else
			return luaL_error(L, "tensor.__newindex: value is a %s, expected a number or a tensor",
			                  luaL_typename(L, 3));
		if (rc)
			return ml_l_error(L, &e);
		return 0;
	}
	if (mask) {
		masked_assign(L, t, mask, 3);
		return 0;
	}
	return luaL_error(L, "tensor.__newindex: cannot index a tensor with a %s", luaL_typename(L, 2));
}

