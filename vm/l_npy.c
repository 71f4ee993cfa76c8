/*
 * l_npy.c - Lua binding of kernels/npy.c: torch.loadnpy, torch.savenpy,
 * torch.loadnpz and torch.savenpz (NumPy's .npy files and .npz archives).
 *
 * Open readers, archives and writers live in a private userdata box whose
 * __gc/__close releases them, so an error raised halfway (a bad member, out of
 * memory) never leaks a file or leaves a temporary file behind for long.
 * Nothing here parses bytes; the formats are the kernel's.
 */
#include <stdlib.h>
#include <string.h>

#include "lmoon.h"
#include "../kernels/npy.h"

#define BOX_MT "moonlab.npy.box"

typedef struct box {
	ml_npy_reader *r;     /* an open .npy stream, or NULL */
	ml_npz *z;            /* an open archive, or NULL */
	ml_npz_writer *w;     /* an archive being written (temporary file), or NULL */
} box;

/* __gc and __close: releases whatever the box still holds.  Idempotent. */
static int l_npy_box_release(lua_State *L)
{
	box *b = luaL_checkudata(L, 1, BOX_MT);
	ml_npy_close(b->r);
	ml_npz_close(b->z);
	ml_npz_writer_discard(b->w);
	memset(b, 0, sizeof *b);
	return 0;
}

static box *newbox(lua_State *L)
{
	box *b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	luaL_setmetatable(L, BOX_MT);
	return b;
}

/* torch.loadnpy(path) -> tensor of the file's shape and type (bool as Byte) */
static int l_npy_load(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	box *b = newbox(L);
	ml_npy_info info;
	ml_error e;
	if (ml_npy_open(&b->r, path, "torch.loadnpy", &info, &e))
		return ml_l_error(L, &e);
	ml_tensor *t = ml_l_pushtensor(L, info.dtype);
	if (ml_npy_read(b->r, &info, t, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, t);
	ml_npy_close(b->r);
	b->r = NULL;
	return 1;
}

/* torch.savenpy(path, tensor): writes path atomically */
static int l_npy_save(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	const ml_tensor *t = ml_l_checktensor(L, 2);
	ml_error e;
	if (ml_npy_save(path, t, "torch.savenpy", &e))
		return ml_l_error(L, &e);
	return 0;
}

static int ends_with_npy(const char *name, size_t len)
{
	return len > 4 && memcmp(name + len - 4, ".npy", 4) == 0;
}

/* torch.loadnpz(path) -> {name = tensor, ...}; ".npy" is dropped from member
 * names, and members that are not .npy files load as strings of their bytes. */
static int l_npy_loadnpz(lua_State *L)
{
	static const char who[] = "torch.loadnpz";
	const char *path = luaL_checkstring(L, 1);
	box *b = newbox(L);
	ml_error e;
	if (ml_npz_open(&b->z, path, who, &e))
		return ml_l_error(L, &e);
	int64_t n = ml_npz_count(b->z);
	lua_createtable(L, 0, n < 1000 ? (int)n : 1000);
	int tbl = lua_gettop(L);
	for (int64_t i = 0; i < n; i++) {
		const char *name = ml_npz_name(b->z, i);
		size_t len = strlen(name);
		if (ends_with_npy(name, len)) {
			ml_npy_info info;
			lua_pushlstring(L, name, len - 4);
			if (ml_npz_member(b->z, i, &b->r, &info, &e))
				return ml_l_error(L, &e);
			ml_tensor *t = ml_l_pushtensor(L, info.dtype);
			if (ml_npy_read(b->r, &info, t, &e))
				return ml_l_error(L, &e);
			ml_l_account(L, t);
			ml_npy_close(b->r);
			b->r = NULL;
		} else {
			size_t size = (size_t)ml_npz_size(b->z, i);
			luaL_Buffer buf;
			lua_pushlstring(L, name, len);
			char *p = luaL_buffinitsize(L, &buf, size);
			if (ml_npz_read_raw(b->z, i, p, &e))
				return ml_l_error(L, &e);
			luaL_pushresultsize(&buf, size);
		}
		lua_rawset(L, tbl);
	}
	ml_npz_close(b->z);
	b->z = NULL;
	return 1;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* torch.savenpz(path, {name = tensor, ...} [, {compress = bool, level = 1..9}])
 * writes path atomically; members are named name .. ".npy", in sorted order. */
static int l_npy_savenpz(lua_State *L)
{
	static const char who[] = "torch.savenpz";
	const char *path = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	int level = 0;
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		int compress = lua_getfield(L, 3, "compress") != LUA_TNIL ? lua_toboolean(L, -1) : -1;
		lua_Integer lv = 6;
		if (lua_getfield(L, 3, "level") != LUA_TNIL) {
			int isnum;
			lv = lua_tointegerx(L, -1, &isnum);
			if (!isnum || lv < 1 || lv > 9)
				return luaL_error(L, "%s: level must be an integer from 1 to 9 (%s)", who, path);
			if (compress < 0)
				compress = 1;
		}
		level = compress > 0 ? (int)lv : 0;
		lua_pop(L, 2);
	}
	/* check every entry before creating anything */
	size_t n = 0;
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return luaL_error(L, "%s: member names must be strings, got a %s key (%s)", who,
			                  luaL_typename(L, -2), path);
		size_t len;
		const char *key = lua_tolstring(L, -2, &len);
		if (len == 0 || strlen(key) != len)
			return luaL_error(L, "%s: member name '%s' is empty or holds a zero byte (%s)", who, key,
			                  path);
		if (!ml_l_totensor(L, -1))
			return luaL_error(L, "%s: value of '%s' is a %s, expected a tensor (%s)", who, key,
			                  luaL_typename(L, -1), path);
		n++;
		lua_pop(L, 1);
	}
	const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
	size_t k = 0;
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		names[k++] = lua_tostring(L, -2); /* anchored by the table at index 2 */
		lua_pop(L, 1);
	}
	qsort(names, n, sizeof *names, compare_names);
	box *b = newbox(L);
	ml_error e;
	if (ml_npz_writer_open(&b->w, path, level, who, &e))
		return ml_l_error(L, &e);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawget(L, 2);
		const ml_tensor *t = ml_l_totensor(L, -1);
		const char *member = lua_pushfstring(L, "%s.npy", names[i]);
		if (ml_npz_writer_add(b->w, member, t, &e)) {
			ml_npz_writer_discard(b->w);
			b->w = NULL;
			return ml_l_error(L, &e);
		}
		lua_pop(L, 2);
	}
	ml_npz_writer *w = b->w;
	b->w = NULL;
	if (ml_npz_writer_commit(w, &e))
		return ml_l_error(L, &e);
	return 0;
}

static const luaL_Reg npy_torch[] = {
	{"loadnpy", l_npy_load},
	{"savenpy", l_npy_save},
	{"loadnpz", l_npy_loadnpz},
	{"savenpz", l_npy_savenpz},
	{NULL, NULL}
};

void ml_l_open_npy(lua_State *L, int methods, int torch)
{
	(void)methods;
	luaL_newmetatable(L, BOX_MT);
	lua_pushcfunction(L, l_npy_box_release);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, l_npy_box_release);
	lua_setfield(L, -2, "__close");
	lua_pop(L, 1);
	lua_pushvalue(L, torch);
	luaL_setfuncs(L, npy_torch, 0);
	lua_pop(L, 1);
}
