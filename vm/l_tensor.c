/*
 * l_tensor.c - Lua binding of kernels/tensor.c: the tensor and storage
 * classes of every dtype, construction, queries, views, indexing, copy, fill,
 * type conversion and the simple factories (zeros, ones, range, linspace,
 * logspace, eye).
 *
 * Indices are 1-based here and negative ones count from the end (-1 is the
 * last), as numpy and PyTorch do.  The arithmetic lives in l_math.c, l_reduce.c,
 * l_blas.c and l_random.c, which add to the same method table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lmoon.h"

const char *const ml_l_tensor_mt[ML_NDTYPES] = {
#define ML_TNAME(E, s, T, N, f) "torch." #N "Tensor",
	ML_DTYPES(ML_TNAME)
#undef ML_TNAME
};

const char *const ml_l_storage_mt[ML_NDTYPES] = {
#define ML_SNAME(E, s, T, N, f) "torch." #N "Storage",
	ML_DTYPES(ML_SNAME)
#undef ML_SNAME
};

/* Keys (by address) marking tensor and storage metatables with their dtype. */
static const char tensor_key = 't';
static const char storage_key = 's';
#define DEFAULT_DTYPE_KEY "moonlab.default_dtype"
#define TORCH_KEY "moonlab.torch"

/* ---- accessors ---- */

static int marked_dtype(lua_State *L, int idx, const void *key, size_t want_size)
{
	if (lua_type(L, idx) != LUA_TUSERDATA || lua_rawlen(L, idx) != want_size)
		return -1;
	if (!lua_getmetatable(L, idx))
		return -1;
	int isnum;
	lua_rawgetp(L, -1, key);
	int dt = (int)lua_tointegerx(L, -1, &isnum);
	lua_pop(L, 2);
	return isnum ? dt : -1;
}

ml_tensor *ml_l_totensor(lua_State *L, int idx)
{
	if (marked_dtype(L, idx, &tensor_key, sizeof(ml_tensor)) < 0)
		return NULL;
	return lua_touserdata(L, idx);
}

ml_tensor *ml_l_checktensor(lua_State *L, int idx)
{
	ml_tensor *t = ml_l_totensor(L, idx);
	if (!t)
		luaL_typeerror(L, idx, "torch.*Tensor");
	return t;
}

ml_storage *ml_l_tostorage(lua_State *L, int idx)
{
	if (marked_dtype(L, idx, &storage_key, sizeof(ml_storage *)) < 0)
		return NULL;
	return *(ml_storage **)lua_touserdata(L, idx);
}

ml_storage *ml_l_checkstorage(lua_State *L, int idx)
{
	ml_storage *s = ml_l_tostorage(L, idx);
	if (!s)
		luaL_typeerror(L, idx, "torch.*Storage");
	return s;
}

/* Bytes of tensor memory the collector is told about (ml_l_account): what
 * Lua-created tensors hold now, and what they held after the last full
 * collection.  One per Lua state, kept in the registry and as an upvalue of
 * the tensors' __gc and of the arithmetic operators. */
typedef struct ml_l_mem ext_mem;

#define EXT_MEM_KEY "moonlab.ext_mem"
/* Smaller tensors are not accounted: a few dead ones waiting for the
 * collector cost little.  From 256 KiB, a loop's temporaries that wait leave
 * the cache (a + b on 65536 Doubles took twice as long with 1 MiB here). */
#define EXT_MIN_BYTES ((int64_t)1 << 18)  /* smallest accounted tensor */
#define EXT_SLACK ((int64_t)64 << 20)     /* growth allowed beyond twice the base */
#define EXT_YOUNG ((int64_t)4 << 20)      /* new bytes that ask for a young collection */
#define EXT_LARGE ((int64_t)1 << 20)      /* results that count whole toward it */

ml_l_mem *ml_l_mem_of(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, EXT_MEM_KEY);
	ext_mem *m = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return m;
}

/* Once EXT_YOUNG new bytes have been accounted since the last collection,
 * the next tensor created first runs a young collection.  That frees the
 * large results of the previous calls that nobody kept *before* this call
 * allocates its own, so malloc hands the same memory back while it is still
 * in cache.  A young collection is cheap (it visits the new objects); a
 * loop of x, lu = torch.gesv(b, a) on 1000x1000 systems runs 8% faster, and
 * c = a + b on 65536 Doubles (512 KiB) twice as fast (76 to 39 us). */
void ml_l_young_collect(lua_State *L, ml_l_mem *m)
{
	m->pending = 0;
	if (m->young >= EXT_YOUNG && m->tracking && lua_gc(L, LUA_GCISRUNNING)) {
		lua_gc(L, LUA_GCSTEP, 0);
		m->young = 0;
	}
}

ml_tensor *ml_l_pushtensor(lua_State *L, ml_dtype dt)
{
	ml_l_young_check(L, ml_l_mem_of(L));
	ml_tensor *t = lua_newuserdatauv(L, sizeof(ml_tensor), 0);
	ml_tensor_init(t, dt);
	luaL_setmetatable(L, ml_l_tensor_mt[dt]);
	return t;
}

ml_tensor *ml_l_pushview(lua_State *L, const ml_tensor *src)
{
	ml_tensor *t = ml_l_pushtensor(L, src->dtype);
	ml_tensor_set(t, src);
	return t;
}

void ml_l_pushstorage(lua_State *L, ml_storage *s)
{
	ml_storage **u = lua_newuserdatauv(L, sizeof(ml_storage *), 0);
	*u = s;
	ml_storage_retain(s);
	luaL_setmetatable(L, ml_l_storage_mt[s->dtype]);
}


void ml_l_account(lua_State *L, const ml_tensor *t)
{
	if (!t->storage)
		return;
	int64_t bytes = t->storage->size * (int64_t)ml_dtype_info[t->dtype].size;
	if (bytes < EXT_MIN_BYTES)
		return;
	lua_getfield(L, LUA_REGISTRYINDEX, EXT_MEM_KEY);
	ext_mem *m = lua_touserdata(L, -1);
	lua_pop(L, 1);
	if (!m)
		return;
	m->live += bytes;
	/* Results under EXT_LARGE count a quarter toward the next young
	 * collection.  Code that makes many of them makes many Lua objects too
	 * (an autograd graph: one young collection per 4 MiB slowed an MLP epoch
	 * by 10%), and a few more dead ones waiting cost little. */
	m->young += bytes >= EXT_LARGE ? bytes : bytes / 4;
	/* Generational collection only looks at young objects, and a temporary
	 * still sits in a register while the next one is computed, so it ages
	 * before it dies: large temporaries need a full collection.  Ask for one
	 * when tensor memory has doubled since the last (plus some slack), the
	 * policy Lua itself applies to its own heap. */
	if (!m->tracking || !lua_gc(L, LUA_GCISRUNNING))
		return;
	if (m->live > 2 * m->base + EXT_SLACK) {
		lua_gc(L, LUA_GCCOLLECT);
		m->base = m->live;
		m->young = 0;
	} else if (m->young >= EXT_YOUNG) {
		m->pending = 1;
	}
}

int ml_l_return_result(lua_State *L, int given)
{
	const ml_tensor *t = ml_l_totensor(L, -1);
	if (t && !given)
		ml_l_account(L, t);
	return 1;
}

/* The __gc of tensors: releases the storage reference, and the accounted
 * bytes when this was the last one.  Upvalue 1: the ext_mem. */
static int l_tensor_gc(lua_State *L)
{
	ml_tensor *t = lua_touserdata(L, 1);
	if (!t)
		return 0;
	ml_storage *s = t->storage;
	if (s && s->refcount == 1) {
		int64_t bytes = s->size * (int64_t)ml_dtype_info[s->dtype].size;
		ext_mem *m = lua_touserdata(L, lua_upvalueindex(1));
		if (m && bytes >= EXT_MIN_BYTES)
			m->live = m->live > bytes ? m->live - bytes : 0;
	}
	ml_tensor_release(t);
	return 0;
}

int ml_l_error(lua_State *L, const ml_error *e)
{
	return luaL_error(L, "%s", e->msg);
}

int ml_l_return_first(lua_State *L, int rc, const ml_error *e)
{
	if (rc)
		return ml_l_error(L, e);
	lua_settop(L, 1);
	return 1;
}

ml_dtype ml_l_default_dtype(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, DEFAULT_DTYPE_KEY);
	int dt = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return (ml_dtype)dt;
}

void ml_l_pushelem(lua_State *L, ml_dtype dt, const void *p)
{
	if (ml_dtype_info[dt].is_float)
		lua_pushnumber(L, ml_load_f64(dt, p));
	else
		lua_pushinteger(L, ml_load_i64(dt, p));
}

void ml_l_storeelem(lua_State *L, int idx, ml_dtype dt, void *p)
{
	if (lua_isinteger(L, idx))
		ml_store_i64(dt, p, lua_tointeger(L, idx));
	else
		ml_store_f64(dt, p, luaL_checknumber(L, idx));
}

int ml_l_checksizes(lua_State *L, int idx, int64_t *size, const char *who)
{
	int top = lua_gettop(L);
	ml_storage *s = idx <= top ? ml_l_tostorage(L, idx) : NULL;
	if (s) {
		if (s->size > ML_MAX_DIMS)
			return luaL_error(L, "%s: %d sizes given (at most %d dimensions)", who, (int)s->size,
			                  ML_MAX_DIMS);
		for (int64_t i = 0; i < s->size; i++)
			size[i] = ml_load_i64(s->dtype, ml_storage_at(s, i));
		return (int)s->size;
	}
	if (idx <= top && lua_istable(L, idx)) {
		int n = (int)lua_rawlen(L, idx);
		if (n > ML_MAX_DIMS)
			return luaL_error(L, "%s: %d sizes given (at most %d dimensions)", who, n, ML_MAX_DIMS);
		for (int i = 0; i < n; i++) {
			lua_rawgeti(L, idx, i + 1);
			int isnum;
			size[i] = (int64_t)lua_tointegerx(L, -1, &isnum);
			if (!isnum)
				return luaL_error(L, "%s: size %d is not an integer", who, i + 1);
			lua_pop(L, 1);
		}
		return n;
	}
	int n = 0;
	for (int i = idx; i <= top; i++) {
		if (n >= ML_MAX_DIMS)
			return luaL_error(L, "%s: too many sizes (at most %d dimensions)", who, ML_MAX_DIMS);
		int isnum;
		size[n++] = (int64_t)lua_tointegerx(L, i, &isnum);
		if (!isnum && lua_type(L, i) == LUA_TNUMBER) {
			/* Torch7 truncates a fractional size (its sizes are C longs):
			 * torch.rand(3, 7/2) is 3x3 there, and its test suites rely on it */
			lua_Number v = lua_tonumber(L, i);
			isnum = v > -1e15 && v < 1e15;
			size[n - 1] = (int64_t)v;
		}
		if (!isnum)
			return luaL_error(L, "%s: size %d is a %s, expected an integer", who, n,
			                  luaL_typename(L, i));
	}
	return n;
}

int64_t ml_l_checkindex(lua_State *L, lua_Integer i, int64_t n, const char *who, int dim)
{
	int64_t j = i < 0 ? n + i : i - 1;
	if (j < 0 || j >= n || i == 0)
		luaL_error(L, "%s: index %d out of range for dimension %d of size %d", who, (int)i, dim,
		           (int)n);
	return j;
}

static int check_dim(lua_State *L, int arg, const ml_tensor *t, const char *who)
{
	lua_Integer d = luaL_checkinteger(L, arg);
	int n = t->ndim;
	if (d < 0)
		d += n + 1;
	if (d < 1 || d > n)
		luaL_error(L, "%s: dimension %d out of range for a %d-dimensional tensor", who,
		           (int)luaL_checkinteger(L, arg), n);
	return (int)d - 1;
}

static ml_tensor *newtensor_sized(lua_State *L, ml_dtype dt, int ndim, const int64_t *size)
{
	ml_tensor *t = ml_l_pushtensor(L, dt);
	ml_error e;
	/* constructors give zeros (resize would leave large storages unset) */
	if (ml_tensor_init_sized(t, dt, ndim, size, &e))
		ml_l_error(L, &e);
	ml_l_account(L, t);
	return t;
}

/* ---- construction ---- */

/* Nested-table reading: first finds the shape, then fills. */
static int table_shape(lua_State *L, int idx, int depth, int64_t *size, int *ndim)
{
	int n = (int)lua_rawlen(L, idx);
	if (depth >= ML_MAX_DIMS)
		return luaL_error(L, "torch.Tensor: table nested deeper than %d", ML_MAX_DIMS);
	size[depth] = n;
	*ndim = depth + 1;
	if (n > 0) {
		lua_rawgeti(L, idx, 1);
		if (lua_istable(L, -1))
			table_shape(L, lua_gettop(L), depth + 1, size, ndim);
		lua_pop(L, 1);
	}
	return 0;
}

static void table_fill(lua_State *L, int idx, int depth, const int64_t *size, int ndim,
                       ml_tensor *t, int64_t *pos)
{
	int n = (int)lua_rawlen(L, idx);
	if (n != size[depth])
		luaL_error(L, "torch.Tensor: inconsistent table sizes (%d vs %d at depth %d)", n,
		           (int)size[depth], depth + 1);
	size_t es = ml_dtype_info[t->dtype].size;
	for (int i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		if (depth + 1 < ndim) {
			if (!lua_istable(L, -1))
				luaL_error(L, "torch.Tensor: expected a table at depth %d, got a %s", depth + 2,
				           luaL_typename(L, -1));
			table_fill(L, lua_gettop(L), depth + 1, size, ndim, t, pos);
		} else {
			if (!lua_isnumber(L, -1) && !lua_isboolean(L, -1))
				luaL_error(L, "torch.Tensor: element %d at depth %d is a %s, expected a number", i,
				           depth + 1, luaL_typename(L, -1));
			void *p = (char *)t->storage->data + (size_t)*pos * es;
			if (lua_isboolean(L, -1))
				ml_store_i64(t->dtype, p, lua_toboolean(L, -1));
			else
				ml_l_storeelem(L, -1, t->dtype, p);
			(*pos)++;
		}
		lua_pop(L, 1);
	}
}

static void from_table(lua_State *L, int idx, ml_dtype dt)
{
	int64_t size[ML_MAX_DIMS];
	int ndim = 0;
	table_shape(L, idx, 0, size, &ndim);
	if (size[0] == 0) {
		ml_l_pushtensor(L, dt);
		return;
	}
	ml_tensor *t = newtensor_sized(L, dt, ndim, size);
	int64_t pos = 0;
	table_fill(L, idx, 0, size, ndim, t, &pos);
}

/* torch.Tensor(storage, [offset, sizes, [strides]]) and the (sz1, st1, ...) form. */
static void from_storage(lua_State *L, ml_dtype dt)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	if (s->dtype != dt)
		luaL_error(L, "%s: storage is a %s", ml_l_tensor_mt[dt], ml_l_storage_mt[s->dtype]);
	int top = lua_gettop(L);
	int64_t offset = top >= 2 ? (int64_t)luaL_checkinteger(L, 2) - 1 : 0;
	int64_t size[ML_MAX_DIMS], stride[ML_MAX_DIMS];
	int ndim;
	int have_stride = 0;
	if (top <= 2) {
		ndim = 1;
		size[0] = s->size - offset;
	} else if (ml_l_tostorage(L, 3) || lua_istable(L, 3)) {
		ndim = ml_l_checksizes(L, 3, size, ml_l_tensor_mt[dt]);
		if (top >= 4 && !lua_isnil(L, 4)) {
			int n = ml_l_checksizes(L, 4, stride, ml_l_tensor_mt[dt]);
			if (n != ndim)
				luaL_error(L, "%s: %d sizes but %d strides", ml_l_tensor_mt[dt], ndim, n);
			have_stride = 1;
		}
	} else {
		ndim = 0;
		for (int i = 3; i <= top; i += 2) {
			if (ndim >= ML_MAX_DIMS)
				luaL_error(L, "%s: too many dimensions", ml_l_tensor_mt[dt]);
			size[ndim] = luaL_checkinteger(L, i);
			stride[ndim] = i + 1 <= top ? luaL_checkinteger(L, i + 1) : -1;
			ndim++;
		}
		/* a missing or negative stride means "contiguous" for that dimension */
		int64_t st = 1;
		for (int d = ndim - 1; d >= 0; d--) {
			if (stride[d] < 0)
				stride[d] = st;
			st = stride[d] * size[d];
		}
		have_stride = 1;
	}
	ml_tensor *t = ml_l_pushtensor(L, dt);
	ml_error e;
	if (ml_tensor_set_storage(t, s, offset, ndim, size, have_stride ? stride : NULL, &e))
		ml_l_error(L, &e);
}

static int l_tensor_new(lua_State *L)
{
	ml_dtype dt = (ml_dtype)lua_tointeger(L, lua_upvalueindex(1));
	lua_remove(L, 1); /* the class table (called as torch.DoubleTensor(...)) */
	int top = lua_gettop(L);
	if (top == 0) {
		ml_l_pushtensor(L, dt);
		return 1;
	}
	ml_tensor *src = ml_l_totensor(L, 1);
	if (src) {
		if (src->dtype != dt)
			return luaL_error(L, "%s: cannot view a %s (use :type() to convert)",
			                  ml_l_tensor_mt[dt], ml_l_tensor_mt[src->dtype]);
		ml_l_pushview(L, src);
		return 1;
	}
	/* a storage of the tensor's own type is viewed (Torch7 checks this before
	 * reading a LongStorage as sizes) */
	ml_storage *s = ml_l_tostorage(L, 1);
	if (s && (s->dtype == dt || top > 1)) {
		from_storage(L, dt);
		return 1;
	}
	if (lua_istable(L, 1)) {
		from_table(L, 1, dt);
		return 1;
	}
	int64_t size[ML_MAX_DIMS];
	int ndim = ml_l_checksizes(L, 1, size, ml_l_tensor_mt[dt]);
	if (ndim == 0) {
		ml_l_pushtensor(L, dt);
		return 1;
	}
	newtensor_sized(L, dt, ndim, size);
	return 1;
}

static int l_storage_new(lua_State *L)
{
	ml_dtype dt = (ml_dtype)lua_tointeger(L, lua_upvalueindex(1));
	lua_remove(L, 1);
	ml_error e;
	ml_storage *s;
	if (lua_istable(L, 1)) {
		int64_t n = (int64_t)lua_rawlen(L, 1);
		s = ml_storage_new(dt, n, &e);
		if (!s)
			return ml_l_error(L, &e);
		ml_l_pushstorage(L, s);
		ml_storage_release(s);
		for (int64_t i = 0; i < n; i++) {
			lua_rawgeti(L, 1, i + 1);
			if (!lua_isnumber(L, -1))
				return luaL_error(L, "%s: element %d is a %s, expected a number", ml_l_storage_mt[dt],
				                  (int)i + 1, luaL_typename(L, -1));
			ml_l_storeelem(L, -1, dt, ml_storage_at(s, i));
			lua_pop(L, 1);
		}
		return 1;
	}
	ml_storage *parent = ml_l_tostorage(L, 1);
	if (parent) {
		/* torch.XStorage(storage, offset [, size]): a view sharing the elements */
		if (parent->dtype != dt)
			return luaL_error(L, "%s: cannot view a %s", ml_l_storage_mt[dt], ml_l_storage_mt[parent->dtype]);
		lua_Integer off = luaL_optinteger(L, 2, 1);
		lua_Integer len = luaL_optinteger(L, 3, parent->size - (off - 1));
		s = ml_storage_new_view(parent, off - 1, len, &e);
		if (!s)
			return ml_l_error(L, &e);
		ml_l_pushstorage(L, s);
		ml_storage_release(s);
		return 1;
	}
	lua_Integer n = luaL_optinteger(L, 1, 0);
	if (n < 0)
		return luaL_error(L, "%s: negative size %d", ml_l_storage_mt[dt], (int)n);
	s = ml_storage_new(dt, n, &e);
	if (!s)
		return ml_l_error(L, &e);
	ml_l_pushstorage(L, s);
	ml_storage_release(s);
	return 1;
}

/* ---- life cycle ---- */

/* s1 == s2: the same storage (as Torch7, which compares the C objects: each
 * t:storage() call makes a new userdata) */
static int l_storage_eq(lua_State *L)
{
	ml_storage **a = lua_touserdata(L, 1), **b = lua_touserdata(L, 2);
	lua_pushboolean(L, a && b && *a && *a == *b);
	return 1;
}

static int l_storage_gc(lua_State *L)
{
	ml_storage **u = lua_touserdata(L, 1);
	if (u && *u) {
		ml_storage_release(*u);
		*u = NULL;
	}
	return 0;
}

/* ---- queries ---- */

static int l_tensor_dim(lua_State *L)
{
	lua_pushinteger(L, ml_l_checktensor(L, 1)->ndim);
	return 1;
}

static void push_longstorage(lua_State *L, int n, const int64_t *v)
{
	ml_error e;
	ml_storage *s = ml_storage_new(ML_LONG, n, &e);
	if (!s)
		ml_l_error(L, &e);
	if (n)
		memcpy(s->data, v, sizeof(int64_t) * (size_t)n);
	ml_l_pushstorage(L, s);
	ml_storage_release(s);
}

static int l_tensor_size(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (lua_isnoneornil(L, 2)) {
		push_longstorage(L, t->ndim, t->size);
		return 1;
	}
	int d = check_dim(L, 2, t, "tensor.size");
	lua_pushinteger(L, t->size[d]);
	return 1;
}

static int l_tensor_stride(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (lua_isnoneornil(L, 2)) {
		push_longstorage(L, t->ndim, t->stride);
		return 1;
	}
	int d = check_dim(L, 2, t, "tensor.stride");
	lua_pushinteger(L, t->stride[d]);
	return 1;
}

static int l_tensor_nelement(lua_State *L)
{
	lua_pushinteger(L, ml_tensor_numel(ml_l_checktensor(L, 1)));
	return 1;
}

static int l_tensor_storage(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (!t->storage)
		lua_pushnil(L);
	else
		ml_l_pushstorage(L, t->storage);
	return 1;
}

static int l_tensor_storageoffset(lua_State *L)
{
	lua_pushinteger(L, ml_l_checktensor(L, 1)->offset + 1);
	return 1;
}

static int l_tensor_iscontiguous(lua_State *L)
{
	lua_pushboolean(L, ml_tensor_is_contiguous(ml_l_checktensor(L, 1)));
	return 1;
}

static int l_tensor_issamesizeas(lua_State *L)
{
	lua_pushboolean(L, ml_tensor_same_size(ml_l_checktensor(L, 1), ml_l_checktensor(L, 2)));
	return 1;
}

static int l_tensor_issize(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int64_t size[ML_MAX_DIMS];
	int n = ml_l_checksizes(L, 2, size, "tensor.isSize");
	int same = n == t->ndim;
	for (int d = 0; same && d < n; d++)
		same = size[d] == t->size[d];
	lua_pushboolean(L, same);
	return 1;
}

static int l_tensor_typename(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (lua_isnoneornil(L, 2)) {
		lua_pushstring(L, ml_l_tensor_mt[t->dtype]);
		return 1;
	}
	ml_dtype dt;
	const char *name = luaL_checkstring(L, 2);
	if (ml_dtype_parse(name, &dt))
		return luaL_error(L, "tensor.type: unknown tensor type '%s'", name);
	if (dt == t->dtype) {
		lua_settop(L, 1);
		return 1;
	}
	ml_tensor *r = ml_l_pushtensor(L, dt);
	ml_error e;
	if (ml_tensor_clone_as(r, t, dt, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, r);
	return 1;
}

static int l_tensor_convert(lua_State *L)
{
	ml_dtype dt = (ml_dtype)lua_tointeger(L, lua_upvalueindex(1));
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (t->dtype == dt) {
		lua_settop(L, 1);
		return 1;
	}
	ml_tensor *r = ml_l_pushtensor(L, dt);
	ml_error e;
	if (ml_tensor_clone_as(r, t, dt, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, r);
	return 1;
}

static int l_tensor_typeas(lua_State *L)
{
	ml_l_checktensor(L, 1);
	ml_tensor *like = ml_l_checktensor(L, 2);
	lua_settop(L, 1);
	lua_pushstring(L, ml_l_tensor_mt[like->dtype]);
	return l_tensor_typename(L);
}

static int l_tensor_elementsize(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)ml_dtype_info[ml_l_checktensor(L, 1)->dtype].size);
	return 1;
}

/* t:real(): t converted to the default tensor type (Torch7's Tensor.real). */
static int l_tensor_real(lua_State *L)
{
	ml_l_checktensor(L, 1);
	lua_settop(L, 1);
	lua_pushstring(L, ml_l_tensor_mt[ml_l_default_dtype(L)]);
	return l_tensor_typename(L);
}

static int l_torch_istensor(lua_State *L)
{
	lua_pushboolean(L, ml_l_totensor(L, 1) != NULL);
	return 1;
}

static int l_torch_isstorage(lua_State *L)
{
	lua_pushboolean(L, ml_l_tostorage(L, 1) != NULL);
	return 1;
}

/* ---- copies ---- */

static int l_tensor_clone(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	ml_tensor *r = ml_l_pushtensor(L, t->dtype);
	ml_error e;
	if (t->ndim && ml_tensor_clone_as(r, t, t->dtype, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, r);
	return 1;
}

static int l_tensor_contiguous(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (ml_tensor_is_contiguous(t)) {
		lua_settop(L, 1);
		return 1;
	}
	return l_tensor_clone(L);
}

static int l_tensor_copy(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	ml_tensor *src = ml_l_checktensor(L, 2);
	ml_error e;
	if (ml_tensor_copy(t, src, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

static int l_tensor_fill(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (lua_isinteger(L, 2))
		ml_tensor_fill_i64(t, lua_tointeger(L, 2));
	else
		ml_tensor_fill(t, luaL_checknumber(L, 2));
	lua_settop(L, 1);
	return 1;
}

static int l_tensor_zero(lua_State *L)
{
	ml_tensor_fill_i64(ml_l_checktensor(L, 1), 0);
	lua_settop(L, 1);
	return 1;
}

static int l_tensor_resize(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int64_t size[ML_MAX_DIMS];
	int ndim = ml_l_checksizes(L, 2, size, "tensor.resize");
	ml_error e;
	if (ml_tensor_resize(t, ndim, size, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

static int l_tensor_resizeas(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	ml_tensor *like = ml_l_checktensor(L, 2);
	ml_error e;
	if (ml_tensor_resize_as(t, like, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

/* totable: nested Lua tables of numbers */
static void push_table(lua_State *L, const ml_tensor *t, int dim, int64_t off)
{
	int64_t n = t->size[dim];
	lua_createtable(L, (int)n, 0);
	size_t es = ml_dtype_info[t->dtype].size;
	for (int64_t i = 0; i < n; i++) {
		int64_t o = off + i * t->stride[dim];
		if (dim + 1 < t->ndim)
			push_table(L, t, dim + 1, o);
		else
			ml_l_pushelem(L, t->dtype, (char *)t->storage->data + (size_t)o * es);
		lua_rawseti(L, -2, i + 1);
	}
}

static int l_tensor_totable(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (t->ndim == 0 || ml_tensor_numel(t) == 0) {
		lua_newtable(L);
		return 1;
	}
	luaL_checkstack(L, t->ndim + 4, "tensor.totable");
	push_table(L, t, 0, t->offset);
	return 1;
}

/* ---- views ---- */

/* Pushes a view of the tensor at argument 1 and returns it. */
static ml_tensor *push_self_view(lua_State *L)
{
	return ml_l_pushview(L, ml_l_checktensor(L, 1));
}

static int l_tensor_narrow(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int d = check_dim(L, 2, t, "tensor.narrow");
	lua_Integer start = luaL_checkinteger(L, 3), len = luaL_checkinteger(L, 4);
	if (start < 0)
		start += t->size[d] + 1;
	ml_tensor *r = push_self_view(L);
	ml_error e;
	if (ml_tensor_narrow(r, d, start - 1, len, &e))
		return ml_l_error(L, &e);
	return 1;
}

static int l_tensor_select(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (t->ndim == 1) {
		/* a vector selects to a number whatever the dimension argument says,
		 * as in Torch7 (its own tests rely on it) */
		luaL_checkinteger(L, 2);
		int64_t i = ml_l_checkindex(L, luaL_checkinteger(L, 3), t->size[0], "tensor.select", 1);
		ml_l_pushelem(L, t->dtype, ml_tensor_ptr(t, &i));
		return 1;
	}
	int d = check_dim(L, 2, t, "tensor.select");
	int64_t i = ml_l_checkindex(L, luaL_checkinteger(L, 3), t->size[d], "tensor.select", d + 1);
	ml_tensor *r = push_self_view(L);
	ml_error e;
	if (ml_tensor_select(r, d, i, &e))
		return ml_l_error(L, &e);
	return 1;
}

static int l_tensor_sub(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int nargs = lua_gettop(L) - 1;
	if (nargs % 2 || nargs / 2 > t->ndim)
		return luaL_error(L, "tensor.sub: expected pairs of bounds for at most %d dimensions", t->ndim);
	ml_tensor *r = push_self_view(L);
	for (int d = 0; d < nargs / 2; d++) {
		lua_Integer a = luaL_checkinteger(L, 2 + 2 * d), b = luaL_checkinteger(L, 3 + 2 * d);
		if (a < 0)
			a += t->size[d] + 1;
		if (b < 0)
			b += t->size[d] + 1;
		ml_error e;
		if (ml_tensor_narrow(r, d, a - 1, b - a + 1, &e))
			return ml_l_error(L, &e);
	}
	return 1;
}

static int l_tensor_transpose(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int d1 = check_dim(L, 2, t, "tensor.transpose"), d2 = check_dim(L, 3, t, "tensor.transpose");
	ml_tensor *r = push_self_view(L);
	ml_tensor_transpose(r, d1, d2, NULL);
	return 1;
}

static int l_tensor_t(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	if (t->ndim != 2 && t->ndim != 1) {
		char s[ML_SHAPELEN];
		return luaL_error(L, "tensor.t: expected a 1-D or 2-D tensor, got %s",
		                  ml_tensor_shape_str(s, sizeof s, t));
	}
	ml_tensor *r = push_self_view(L);
	if (t->ndim == 2)
		ml_tensor_transpose(r, 0, 1, NULL);
	return 1;
}

static int l_tensor_permute(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int perm[ML_MAX_DIMS];
	int64_t p64[ML_MAX_DIMS];
	int n = ml_l_checksizes(L, 2, p64, "tensor.permute");
	for (int i = 0; i < n; i++)
		perm[i] = (int)p64[i] - 1;
	ml_tensor *r = push_self_view(L);
	ml_error e;
	if (ml_tensor_permute(r, perm, n, &e))
		return ml_l_error(L, &e);
	(void)t;
	return 1;
}

/* Result forms shared by view/viewAs/expand/expandAs: res:f(src, ...) makes
 * res a view of src (Torch7), x:f(...) returns a new view of x.  Leaves the
 * view to work on at the top of the stack and returns it. */
static ml_tensor *view_target(lua_State *L, int result_form)
{
	if (result_form) {
		ml_tensor *res = ml_l_checktensor(L, 1);
		ml_tensor *src = ml_l_checktensor(L, 2);
		if (res->dtype != src->dtype)
			luaL_error(L, "tensor.view: result is a %s, source a %s", ml_l_tensor_mt[res->dtype],
			           ml_l_tensor_mt[src->dtype]);
		ml_tensor_set(res, src);
		lua_pushvalue(L, 1);
		return res;
	}
	return ml_l_pushview(L, ml_l_checktensor(L, 1));
}

/* x:view(sizes) / res:view(src, sizes); x:view(template) views like a template */
static int l_tensor_view(lua_State *L)
{
	ml_l_checktensor(L, 1);
	int top = lua_gettop(L);
	int result_form = top >= 3 && ml_l_totensor(L, 2) && !ml_l_totensor(L, 3);
	int64_t size[ML_MAX_DIMS];
	int ndim;
	int sizes_at = result_form ? 3 : 2;
	ml_tensor *like = top == sizes_at ? ml_l_totensor(L, sizes_at) : NULL;
	if (like) {
		ndim = like->ndim;
		memcpy(size, like->size, sizeof(int64_t) * (size_t)ndim);
	} else {
		ndim = ml_l_checksizes(L, sizes_at, size, "tensor.view");
	}
	lua_settop(L, top);
	ml_tensor *r = view_target(L, result_form);
	ml_error e;
	if (ml_tensor_view(r, ndim, size, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* Reshapes a view like a template tensor with fn (ml_tensor_view or
 * ml_tensor_expand): x:f(template) or res:f(src, template). */
static int shape_like(lua_State *L, int (*fn)(ml_tensor *, int, const int64_t *, ml_error *))
{
	int result_form = ml_l_totensor(L, 3) != NULL;
	ml_tensor *like = ml_l_checktensor(L, result_form ? 3 : 2);
	ml_tensor *r = view_target(L, result_form);
	ml_error e;
	if (fn(r, like->ndim, like->size, &e))
		return ml_l_error(L, &e);
	return 1;
}

static int l_tensor_viewas(lua_State *L) { return shape_like(L, ml_tensor_view); }

/* torch.reshape([res,] x, sizes...) and x:reshape(sizes...): a contiguous copy (Torch7). */
static int l_tensor_reshape(lua_State *L)
{
	int base = 1;
	ml_tensor *res = NULL;
	if (ml_l_totensor(L, 1) && ml_l_totensor(L, 2)) {
		res = ml_l_checktensor(L, 1);
		base = 2;
	}
	ml_tensor *x = ml_l_checktensor(L, base);
	int64_t size[ML_MAX_DIMS];
	int ndim = ml_l_checksizes(L, base + 1, size, "torch.reshape");
	ml_error e;
	ml_tensor tmp;
	int rc = ml_tensor_clone_as(&tmp, x, x->dtype, &e);
	if (rc)
		return ml_l_error(L, &e);
	rc = ml_tensor_view(&tmp, ndim, size, &e);
	if (rc) {
		ml_tensor_release(&tmp);
		return ml_l_error(L, &e);
	}
	if (res) {
		lua_pushvalue(L, 1);
		if (res->dtype == tmp.dtype) {
			ml_tensor_set(res, &tmp);
		} else {
			rc = ml_tensor_resize_as(res, &tmp, &e);
			if (!rc)
				rc = ml_tensor_copy(res, &tmp, &e);
		}
		ml_tensor_release(&tmp);
		if (rc)
			return ml_l_error(L, &e);
		return 1;
	}
	ml_tensor *r = ml_l_pushtensor(L, tmp.dtype);
	*r = tmp; /* hand over the reference */
	ml_l_account(L, r);
	return 1;
}

/* x:expand(sizes) / res:expand(src, sizes) */
static int l_tensor_expand(lua_State *L)
{
	ml_l_checktensor(L, 1);
	int top = lua_gettop(L);
	int result_form = top >= 3 && ml_l_totensor(L, 2) != NULL;
	int64_t size[ML_MAX_DIMS];
	int ndim = ml_l_checksizes(L, result_form ? 3 : 2, size, "tensor.expand");
	ml_tensor *r = view_target(L, result_form);
	ml_error e;
	if (ml_tensor_expand(r, ndim, size, &e))
		return ml_l_error(L, &e);
	return 1;
}

static int l_tensor_expandas(lua_State *L) { return shape_like(L, ml_tensor_expand); }

/* t:isSetTo(u): same storage, offset, sizes and strides (and not empty) */
static int l_tensor_issetto(lua_State *L)
{
	ml_tensor *a = ml_l_checktensor(L, 1), *b = ml_l_checktensor(L, 2);
	int same = a->storage && a->storage == b->storage && a->offset == b->offset &&
	           ml_tensor_same_size(a, b);
	for (int d = 0; same && d < a->ndim; d++)
		same = a->stride[d] == b->stride[d];
	lua_pushboolean(L, same);
	return 1;
}

static int l_tensor_squeeze(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int d = lua_isnoneornil(L, 2) ? -1 : check_dim(L, 2, t, "tensor.squeeze");
	ml_tensor *r = push_self_view(L);
	ml_tensor_squeeze(r, d, NULL);
	return 1;
}

static int l_tensor_unsqueeze(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	lua_Integer d = luaL_checkinteger(L, 2);
	if (d < 0)
		d += t->ndim + 2;
	ml_tensor *r = push_self_view(L);
	ml_error e;
	if (ml_tensor_unsqueeze(r, (int)d - 1, &e))
		return ml_l_error(L, &e);
	return 1;
}

static int l_tensor_unfold(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	int d = check_dim(L, 2, t, "tensor.unfold");
	lua_Integer size = luaL_checkinteger(L, 3), step = luaL_checkinteger(L, 4);
	ml_tensor *r = push_self_view(L);
	ml_error e;
	if (ml_tensor_unfold(r, d, size, step, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* t:set(), t:set(tensor), t:set(storage, [offset, sizes, [strides]]) */
static int l_tensor_set(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	ml_error e;
	if (lua_isnoneornil(L, 2)) {
		ml_tensor_release(t);
	} else if (ml_l_totensor(L, 2)) {
		ml_tensor *src = ml_l_totensor(L, 2);
		if (src->dtype != t->dtype)
			return luaL_error(L, "tensor.set: cannot view a %s from a %s", ml_l_tensor_mt[src->dtype],
			                  ml_l_tensor_mt[t->dtype]);
		ml_tensor_set(t, src);
	} else {
		ml_storage *s = ml_l_checkstorage(L, 2);
		if (s->dtype != t->dtype)
			return luaL_error(L, "tensor.set: storage is a %s, tensor a %s", ml_l_storage_mt[s->dtype],
			                  ml_l_tensor_mt[t->dtype]);
		int64_t offset = (int64_t)luaL_optinteger(L, 3, 1) - 1;
		int64_t size[ML_MAX_DIMS], stride[ML_MAX_DIMS];
		int ndim, have_stride = 0;
		if (lua_gettop(L) < 4) {
			ndim = 1;
			size[0] = s->size - offset;
		} else {
			ndim = ml_l_checksizes(L, 4, size, "tensor.set");
			if (!lua_isnoneornil(L, 5)) {
				if (ml_l_checksizes(L, 5, stride, "tensor.set") != ndim)
					return luaL_error(L, "tensor.set: as many strides as sizes needed");
				have_stride = 1;
			}
		}
		if (ml_tensor_set_storage(t, s, offset, ndim, size, have_stride ? stride : NULL, &e))
			return ml_l_error(L, &e);
	}
	lua_settop(L, 1);
	return 1;
}

static int l_tensor_len(lua_State *L)
{
	ml_tensor *t = ml_l_checktensor(L, 1);
	push_longstorage(L, t->ndim, t->size);
	return 1;
}

/* ---- t:new(...), t:apply(f), t:map(u, f), t:map2(u, v, f) ---- */

/* t:new(...): a tensor of t's type built from the same arguments as the constructor. */
static int l_tensor_newsame(lua_State *L)
{
	/* Torch7's `new` is its class constructor: x.new(...) is
	 * torch.DoubleTensor(...) for x's type, and so x:new() is
	 * torch.DoubleTensor(x), a view of x.  Reached through the method table
	 * (torch._tensor_methods.new), self decides the type. */
	ml_tensor *t = ml_l_checktensor(L, 1);
	lua_pushinteger(L, t->dtype);
	lua_pushcclosure(L, l_tensor_new, 1);
	lua_insert(L, 1);
	lua_pushnil(L); /* where the class table stands in a constructor call */
	lua_insert(L, 2);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* The `new` of one tensor type: torch.DoubleTensor.new(...) and x.new(...)
 * for a DoubleTensor x build torch.DoubleTensor(...).  Upvalue 1: dtype. */
static int l_tensor_new_of(lua_State *L)
{
	lua_pushnil(L);
	lua_insert(L, 1);
	return l_tensor_new(L);
}

/* Walks up to three tensors with the same number of elements in logical order,
 * calling the Lua function at fidx with their elements; a number returned is
 * stored into the first tensor's element. */
static int map_elements(lua_State *L, int ntens, int fidx, const char *who)
{
	ml_tensor *ts[3];
	for (int k = 0; k < ntens; k++)
		ts[k] = ml_l_checktensor(L, 1 + k);
	luaL_checktype(L, fidx, LUA_TFUNCTION);
	int64_t n = ml_tensor_numel(ts[0]);
	for (int k = 1; k < ntens; k++) {
		if (ml_tensor_numel(ts[k]) != n) {
			char a[ML_SHAPELEN], b[ML_SHAPELEN];
			return luaL_error(L, "%s: tensors of shapes %s and %s differ in number of elements", who,
			                  ml_tensor_shape_str(a, sizeof a, ts[0]), ml_tensor_shape_str(b, sizeof b, ts[k]));
		}
	}
	int64_t idx[3][ML_MAX_DIMS];
	memset(idx, 0, sizeof idx);
	for (int64_t i = 0; i < n; i++) {
		lua_pushvalue(L, fidx);
		for (int k = 0; k < ntens; k++)
			ml_l_pushelem(L, ts[k]->dtype, ml_tensor_ptr(ts[k], idx[k]));
		lua_call(L, ntens, 1);
		if (lua_isnumber(L, -1))
			ml_l_storeelem(L, -1, ts[0]->dtype, ml_tensor_ptr(ts[0], idx[0]));
		else if (!lua_isnil(L, -1))
			return luaL_error(L, "%s: the function returned a %s (expected a number or nothing)", who,
			                  luaL_typename(L, -1));
		lua_pop(L, 1);
		for (int k = 0; k < ntens; k++) {
			for (int d = ts[k]->ndim - 1; d >= 0; d--) {
				if (++idx[k][d] < ts[k]->size[d])
					break;
				idx[k][d] = 0;
			}
		}
	}
	lua_settop(L, 1);
	return 1;
}

static int l_tensor_apply(lua_State *L) { return map_elements(L, 1, 2, "tensor.apply"); }
static int l_tensor_map(lua_State *L) { return map_elements(L, 2, 3, "tensor.map"); }
static int l_tensor_map2(lua_State *L) { return map_elements(L, 3, 4, "tensor.map2"); }

/* ---- factories: torch.zeros/ones([res,] sizes), range, linspace, logspace, eye ---- */

/* torch.zeros([res,] sizes) and friends: res (resized) or a new tensor of the default type. */
static int fill_factory(lua_State *L, double v, const char *who)
{
	ml_tensor *res = ml_l_totensor(L, 1);
	int64_t size[ML_MAX_DIMS];
	int ndim = ml_l_checksizes(L, res ? 2 : 1, size, who);
	if (res)
		lua_settop(L, 1);
	else
		res = ml_l_pushtensor(L, ml_l_default_dtype(L));
	ml_error e;
	if (ml_tensor_resize(res, ndim, size, &e))
		return ml_l_error(L, &e);
	ml_tensor_fill(res, v);
	ml_l_account(L, res);
	return 1;
}

static int l_torch_zeros(lua_State *L) { return fill_factory(L, 0, "torch.zeros"); }
static int l_torch_ones(lua_State *L) { return fill_factory(L, 1, "torch.ones"); }

/* t:zero-like method forms: t:zeros(sizes) / t:ones(sizes) resize t. */
static int l_tensor_zeros(lua_State *L) { ml_l_checktensor(L, 1); return fill_factory(L, 0, "tensor.zeros"); }
static int l_tensor_ones(lua_State *L) { ml_l_checktensor(L, 1); return fill_factory(L, 1, "tensor.ones"); }

/* A new contiguous vector of n elements to fill: of res's dtype when a result
 * tensor is given at index 1 (see vector_done), else of the default dtype. */
static ml_tensor *vector_result(lua_State *L, int have_res, int64_t n)
{
	ml_tensor *r = ml_l_pushtensor(L, have_res ? ml_l_checktensor(L, 1)->dtype : ml_l_default_dtype(L));
	ml_error e;
	if (ml_tensor_resize(r, 1, &n, &e))
		ml_l_error(L, &e);
	return r;
}

/* With a result tensor at index 1, moves the filled vector on top of the
 * stack into it (Torch7: res keeps its shape and strides when it has n
 * elements, else becomes a vector of n) and leaves res on top. */
static int vector_done(lua_State *L, int have_res)
{
	if (!have_res)
		return 1;
	ml_tensor *res = ml_l_checktensor(L, 1), *v = ml_l_checktensor(L, -1);
	ml_error e;
	if (ml_tensor_numel(res) != ml_tensor_numel(v) && ml_tensor_resize(res, 1, v->size, &e))
		return ml_l_error(L, &e);
	if (ml_tensor_copy(res, v, &e))
		return ml_l_error(L, &e);
	lua_pushvalue(L, 1);
	return 1;
}

/* torch.range([res,] x, y [, step]): x, x+step, ... up to y inclusive. */
static int l_torch_range(lua_State *L)
{
	int h = ml_l_totensor(L, 1) != NULL;
	double x = luaL_checknumber(L, 1 + h), y = luaL_checknumber(L, 2 + h);
	double step = luaL_optnumber(L, 3 + h, 1);
	if (step == 0)
		return luaL_error(L, "torch.range: step must be non-zero");
	if ((step > 0 && x > y) || (step < 0 && x < y))
		return luaL_error(L, "torch.range: upper bound and step sign are inconsistent (%f to %f by %f)",
		                  x, y, step);
	int64_t n = (int64_t)floor((y - x) / step + 1e-9) + 1;
	ml_tensor *r = vector_result(L, h, n);
	char *p = ml_tensor_data(r);
	size_t es = ml_dtype_info[r->dtype].size;
	for (int64_t i = 0; i < n; i++)
		ml_store_f64(r->dtype, p + (size_t)i * es, x + (double)i * step);
	return vector_done(L, h);
}

static int linlog(lua_State *L, int logscale, const char *who)
{
	int h = ml_l_totensor(L, 1) != NULL;
	double a = luaL_checknumber(L, 1 + h), b = luaL_checknumber(L, 2 + h);
	lua_Integer n = luaL_optinteger(L, 3 + h, 100);
	if (n < 1)
		return luaL_error(L, "%s: need at least one point (got %d)", who, (int)n);
	if (n == 1 && a != b)
		return luaL_error(L, "%s: one point needs equal bounds (%f, %f)", who, a, b);
	ml_tensor *r = vector_result(L, h, n);
	char *p = ml_tensor_data(r);
	size_t es = ml_dtype_info[r->dtype].size;
	for (lua_Integer i = 0; i < n; i++) {
		double v = n == 1 ? a : (i == n - 1 ? b : a + (b - a) * (double)i / (double)(n - 1));
		ml_store_f64(r->dtype, p + (size_t)i * es, logscale ? pow(10.0, v) : v);
	}
	return vector_done(L, h);
}

static int l_torch_linspace(lua_State *L) { return linlog(L, 0, "torch.linspace"); }
static int l_torch_logspace(lua_State *L) { return linlog(L, 1, "torch.logspace"); }

static int l_torch_eye(lua_State *L)
{
	int h = ml_l_totensor(L, 1) != NULL;
	lua_Integer n = luaL_checkinteger(L, 1 + h), m = luaL_optinteger(L, 2 + h, n);
	if (n < 1 || m < 1)
		return luaL_error(L, "torch.eye: sizes must be positive (got %d, %d)", (int)n, (int)m);
	ml_tensor *r;
	if (h) {
		r = ml_l_checktensor(L, 1);
		lua_pushvalue(L, 1);
	} else {
		r = ml_l_pushtensor(L, ml_l_default_dtype(L));
	}
	int64_t size[2] = {n, m};
	ml_error e;
	if (ml_tensor_resize(r, 2, size, &e))
		return ml_l_error(L, &e);
	ml_tensor_fill_i64(r, 0);
	size_t es = ml_dtype_info[r->dtype].size;
	char *p = ml_tensor_data(r);
	for (lua_Integer i = 0; i < (n < m ? n : m); i++)
		ml_store_i64(r->dtype, p + (size_t)(i * m + i) * es, 1);
	return 1;
}

/* ---- default type ---- */

static void set_default(lua_State *L, ml_dtype dt)
{
	lua_pushinteger(L, dt);
	lua_setfield(L, LUA_REGISTRYINDEX, DEFAULT_DTYPE_KEY);
	lua_getfield(L, LUA_REGISTRYINDEX, TORCH_KEY);
	lua_getfield(L, -1, ml_l_tensor_mt[dt] + 6);
	lua_setfield(L, -2, "Tensor");
	lua_getfield(L, -1, ml_l_storage_mt[dt] + 6);
	lua_setfield(L, -2, "Storage");
	lua_pop(L, 1);
}

static int l_torch_setdefaulttensortype(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	ml_dtype dt;
	if (ml_dtype_parse(name, &dt) || strstr(name, "Tensor") == NULL)
		return luaL_error(L, "torch.setdefaulttensortype: '%s' is not a tensor type", name);
	if (!ml_dtype_info[dt].is_float)
		return luaL_error(L, "torch.setdefaulttensortype: only torch.FloatTensor and "
		                     "torch.DoubleTensor can be the default (got %s)", name);
	set_default(L, dt);
	return 0;
}

static int l_torch_getdefaulttensortype(lua_State *L)
{
	lua_pushstring(L, ml_l_tensor_mt[ml_l_default_dtype(L)]);
	return 1;
}

/* torch.setheaptracking(flag): Torch7's switch for collecting garbage when
 * tensor memory grows.  On (the default), a full collection runs whenever the
 * accounted tensor memory doubles (ml_l_account); off, only Lua's own heap
 * drives the collector.  Mirrors the flag in torch._heaptracking as Torch7
 * does.  Upvalue 1: the torch table. */
static int l_torch_setheaptracking(lua_State *L)
{
	luaL_checkany(L, 1);
	int on = lua_toboolean(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, EXT_MEM_KEY);
	ext_mem *m = lua_touserdata(L, -1);
	if (m)
		m->tracking = on;
	lua_pushboolean(L, on);
	lua_setfield(L, lua_upvalueindex(1), "_heaptracking");
	return 0;
}

static int l_torch_getmetatable(lua_State *L)
{
	luaL_getmetatable(L, luaL_checkstring(L, 1));
	return 1;
}

/* ---- storages ---- */

static int l_storage_index(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TNUMBER) {
		ml_storage *s = ml_l_checkstorage(L, 1);
		int64_t i = ml_l_checkindex(L, lua_tointeger(L, 2), s->size, "storage.__index", 1);
		ml_l_pushelem(L, s->dtype, ml_storage_at(s, i));
		return 1;
	}
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(1));
	return 1;
}

static int l_storage_newindex(lua_State *L)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	int64_t i = ml_l_checkindex(L, luaL_checkinteger(L, 2), s->size, "storage.__newindex", 1);
	if (!lua_isnumber(L, 3))
		return luaL_error(L, "storage.__newindex: value is a %s, expected a number", luaL_typename(L, 3));
	ml_l_storeelem(L, 3, s->dtype, ml_storage_at(s, i));
	return 0;
}

static int l_storage_size(lua_State *L)
{
	lua_pushinteger(L, ml_l_checkstorage(L, 1)->size);
	return 1;
}

static int l_storage_fill(lua_State *L)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	unsigned char v[8];
	if (lua_isinteger(L, 2))
		ml_store_i64(s->dtype, v, lua_tointeger(L, 2));
	else
		ml_store_f64(s->dtype, v, luaL_checknumber(L, 2));
	size_t es = ml_dtype_info[s->dtype].size;
	for (int64_t i = 0; i < s->size; i++)
		memcpy((char *)s->data + (size_t)i * es, v, es);
	lua_settop(L, 1);
	return 1;
}

static int l_storage_resize(lua_State *L)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	ml_error e;
	if (n < 0)
		return luaL_error(L, "storage.resize: negative size %d", (int)n);
	if (ml_storage_resize(s, n, &e))
		return ml_l_error(L, &e);
	lua_settop(L, 1);
	return 1;
}

static int l_storage_copy(lua_State *L)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	ml_storage *src = ml_l_checkstorage(L, 2);
	if (src->size != s->size)
		return luaL_error(L, "storage.copy: sizes differ (%d and %d)", (int)s->size, (int)src->size);
	for (int64_t i = 0; i < s->size; i++) {
		if (ml_dtype_info[s->dtype].is_float || ml_dtype_info[src->dtype].is_float)
			ml_store_f64(s->dtype, ml_storage_at(s, i), ml_load_f64(src->dtype, ml_storage_at(src, i)));
		else
			ml_store_i64(s->dtype, ml_storage_at(s, i), ml_load_i64(src->dtype, ml_storage_at(src, i)));
	}
	lua_settop(L, 1);
	return 1;
}

static int l_storage_totable(lua_State *L)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	lua_createtable(L, (int)s->size, 0);
	for (int64_t i = 0; i < s->size; i++) {
		ml_l_pushelem(L, s->dtype, ml_storage_at(s, i));
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static int l_storage_type(lua_State *L)
{
	lua_pushstring(L, ml_l_storage_mt[ml_l_checkstorage(L, 1)->dtype]);
	return 1;
}

static int l_storage_elementsize(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)ml_dtype_info[ml_l_checkstorage(L, 1)->dtype].size);
	return 1;
}

static int l_storage_len(lua_State *L)
{
	lua_pushinteger(L, ml_l_checkstorage(L, 1)->size);
	return 1;
}

/* ---- registration ---- */

static const luaL_Reg tensor_methods[] = {
	{"dim", l_tensor_dim},
	{"nDimension", l_tensor_dim},
	{"size", l_tensor_size},
	{"stride", l_tensor_stride},
	{"nElement", l_tensor_nelement},
	{"numel", l_tensor_nelement},
	{"storage", l_tensor_storage},
	{"storageOffset", l_tensor_storageoffset},
	{"isContiguous", l_tensor_iscontiguous},
	{"isSameSizeAs", l_tensor_issamesizeas},
	{"isSize", l_tensor_issize},
	{"isSetTo", l_tensor_issetto},
	{"isTensor", l_torch_istensor},
	{"type", l_tensor_typename},
	{"typeAs", l_tensor_typeas},
	{"elementSize", l_tensor_elementsize},
	{"real", l_tensor_real},
	{"clone", l_tensor_clone},
	{"contiguous", l_tensor_contiguous},
	{"copy", l_tensor_copy},
	{"fill", l_tensor_fill},
	{"zero", l_tensor_zero},
	{"zeros", l_tensor_zeros},
	{"ones", l_tensor_ones},
	{"resize", l_tensor_resize},
	{"resizeAs", l_tensor_resizeas},
	{"totable", l_tensor_totable},
	{"narrow", l_tensor_narrow},
	{"select", l_tensor_select},
	{"sub", l_tensor_sub},
	{"transpose", l_tensor_transpose},
	{"t", l_tensor_t},
	{"permute", l_tensor_permute},
	{"view", l_tensor_view},
	{"viewAs", l_tensor_viewas},
	{"reshape", l_tensor_reshape},
	{"expand", l_tensor_expand},
	{"expandAs", l_tensor_expandas},
	{"squeeze", l_tensor_squeeze},
	{"unsqueeze", l_tensor_unsqueeze},
	{"unfold", l_tensor_unfold},
	{"set", l_tensor_set},
	{"new", l_tensor_newsame},
	{"apply", l_tensor_apply},
	{"map", l_tensor_map},
	{"map2", l_tensor_map2},
	{"range", l_torch_range},       /* x:range(a, b): x is the result, as in Torch7 */
	{"linspace", l_torch_linspace},
	{"logspace", l_torch_logspace},
	{NULL, NULL},
};

static const luaL_Reg torch_functions[] = {
	{"isTensor", l_torch_istensor},
	{"isStorage", l_torch_isstorage},
	{"zeros", l_torch_zeros},
	{"ones", l_torch_ones},
	{"range", l_torch_range},
	{"linspace", l_torch_linspace},
	{"logspace", l_torch_logspace},
	{"eye", l_torch_eye},
	{"reshape", l_tensor_reshape},
	{"view", l_tensor_view}, /* torch.view(x, sizes) / torch.view(res, x, sizes) */
	{"setdefaulttensortype", l_torch_setdefaulttensortype},
	{"getdefaulttensortype", l_torch_getdefaulttensortype},
	{"getmetatable", l_torch_getmetatable},
	{"expand", l_tensor_expand},     /* Torch7's torch.expand(t, sizes) ... */
	{"expandAs", l_tensor_expandas},
	{"viewAs", l_tensor_viewas},
	{"permute", l_tensor_permute},
	{"totable", l_tensor_totable},
	{NULL, NULL},
};

static const luaL_Reg storage_methods[] = {
	{"size", l_storage_size},
	{"fill", l_storage_fill},
	{"resize", l_storage_resize},
	{"copy", l_storage_copy},
	{"totable", l_storage_totable},
	{"type", l_storage_type},
	{"elementSize", l_storage_elementsize},
	{NULL, NULL},
};

/* A class table torch.XTensor / torch.XStorage: callable, and indexing it
 * reaches the methods (torch.DoubleTensor.add). */
static void make_class(lua_State *L, int torch, const char *name, lua_CFunction ctor, ml_dtype dt,
                       int methods)
{
	lua_newtable(L);
	lua_newtable(L); /* its metatable */
	lua_pushinteger(L, dt);
	lua_pushcclosure(L, ctor, 1);
	lua_setfield(L, -2, "__call");
	lua_pushvalue(L, methods);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, methods);
	lua_setfield(L, -2, "__newindex");
	lua_setmetatable(L, -2);
	lua_setfield(L, torch, name + 6);
}

void ml_l_open_tensor(lua_State *L, int methods, int torch)
{
	lua_pushvalue(L, methods);
	luaL_setfuncs(L, tensor_methods, 0);
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, torch_functions, 0);
	lua_pop(L, 1);

	ext_mem *m = lua_newuserdatauv(L, sizeof(ext_mem), 0);
	m->live = m->base = m->young = 0;
	m->pending = 0;
	m->tracking = 1;
	lua_setfield(L, LUA_REGISTRYINDEX, EXT_MEM_KEY);
	lua_pushboolean(L, 1);
	lua_setfield(L, torch, "_heaptracking");
	lua_pushvalue(L, torch);
	lua_pushcclosure(L, l_torch_setheaptracking, 1);
	lua_setfield(L, torch, "setheaptracking");

	lua_newtable(L); /* storage methods, shared by every storage type */
	luaL_setfuncs(L, storage_methods, 0);
	int smethods = lua_gettop(L);

	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		/* tensor metatable */
		luaL_newmetatable(L, ml_l_tensor_mt[dt]);
		lua_pushinteger(L, dt);
		lua_rawsetp(L, -2, &tensor_key);
		lua_pushvalue(L, methods);
		lua_pushcclosure(L, ml_l_tensor_index, 1);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, ml_l_tensor_newindex);
		lua_setfield(L, -2, "__newindex");
		lua_getfield(L, LUA_REGISTRYINDEX, EXT_MEM_KEY);
		lua_pushcclosure(L, l_tensor_gc, 1);
		lua_setfield(L, -2, "__gc");
		lua_getfield(L, LUA_REGISTRYINDEX, EXT_MEM_KEY);
		lua_pushcclosure(L, l_tensor_gc, 1);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_tensor_len);
		lua_setfield(L, -2, "__len");
		lua_pushinteger(L, dt);
		lua_pushcclosure(L, l_tensor_new_of, 1);
		lua_setfield(L, -2, "new"); /* Torch7: the metatable's new is the constructor */
		/* Torch7 code reaches methods through the metatable
		 * (torch.getmetatable("torch.DoubleTensor").split): let the
		 * metatable itself index the method table. */
		lua_createtable(L, 0, 1);
		lua_pushvalue(L, methods);
		lua_setfield(L, -2, "__index");
		lua_setmetatable(L, -2);
		lua_pop(L, 1);

		/* storage metatable */
		luaL_newmetatable(L, ml_l_storage_mt[dt]);
		lua_pushinteger(L, dt);
		lua_rawsetp(L, -2, &storage_key);
		lua_pushvalue(L, smethods);
		lua_pushcclosure(L, l_storage_index, 1);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_storage_newindex);
		lua_setfield(L, -2, "__newindex");
		lua_pushcfunction(L, l_storage_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_storage_gc);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_storage_len);
		lua_setfield(L, -2, "__len");
		lua_pushcfunction(L, l_storage_eq);
		lua_setfield(L, -2, "__eq");
		lua_pop(L, 1);

		make_class(L, torch, ml_l_tensor_mt[dt], l_tensor_new, (ml_dtype)dt, methods);
		lua_getfield(L, torch, ml_l_tensor_mt[dt] + 6); /* torch.DoubleTensor.new: the constructor */
		lua_pushliteral(L, "new");
		lua_pushinteger(L, dt);
		lua_pushcclosure(L, l_tensor_new_of, 1);
		lua_rawset(L, -3); /* raw: the class table's __newindex writes the methods */
		lua_pop(L, 1);
		make_class(L, torch, ml_l_storage_mt[dt], l_storage_new, (ml_dtype)dt, smethods);

		/* conversion methods :byte() ... :double() */
		char lower[16];
		const char *nm = ml_dtype_info[dt].name;
		size_t k = 0;
		for (; nm[k] && k < sizeof lower - 1; k++)
			lower[k] = (char)(nm[k] >= 'A' && nm[k] <= 'Z' ? nm[k] + 32 : nm[k]);
		lower[k] = 0;
		lua_pushinteger(L, dt);
		lua_pushcclosure(L, l_tensor_convert, 1);
		lua_setfield(L, methods, lower);
	}
	lua_pushvalue(L, smethods);
	lua_setfield(L, torch, "_storage_methods");
	lua_pop(L, 1);

	lua_pushvalue(L, torch);
	lua_setfield(L, LUA_REGISTRYINDEX, TORCH_KEY);
	set_default(L, ML_DOUBLE);
}
