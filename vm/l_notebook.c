/*
 * l_notebook.c - Lua binding of kernels/digest.h and kernels/markdown.h for
 * the notebook runner (stdlib/moonlab/notebook): torch._notebook.markdown(text
 * [, smart]) -> HTML, .hash(s [, seed_hex]) -> 16 hex digits, .file_hash(path)
 * -> 16 hex digits or nil, message, .base64(s) -> text, and two folder
 * helpers for its cache: .mkdirs(path) -> true or nil, message (mkdir -p) and
 * .files(path) -> list of the names of regular files in it, or nil, message.
 * The runner itself is Lua; nothing here runs cells.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lmoon.h"
#include "../kernels/digest.h"
#include "../kernels/markdown.h"

static void push_hex(lua_State *L, uint64_t h)
{
	char buf[17];
	snprintf(buf, sizeof buf, "%016" PRIx64, h);
	lua_pushstring(L, buf);
}

/* A box for a malloc'd buffer or an open folder held while Lua calls that
 * can raise run: its __gc releases what is still in it. */
#define BOX_MT "moonlab.notebook.box"
typedef struct box {
	char *buf; /* malloc'd text, or NULL */
	DIR *dir;  /* open folder, or NULL */
} box;

static int l_box_gc(lua_State *L)
{
	box *b = luaL_checkudata(L, 1, BOX_MT);
	free(b->buf);
	b->buf = NULL;
	if (b->dir)
		closedir(b->dir);
	b->dir = NULL;
	return 0;
}

static box *push_box(lua_State *L)
{
	box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->buf = NULL;
	b->dir = NULL;
	luaL_setmetatable(L, BOX_MT);
	return b;
}

static int l_notebook_markdown(lua_State *L)
{
	size_t n;
	const char *text = luaL_checklstring(L, 1, &n);
	int smart = lua_toboolean(L, 2);
	box *b = push_box(L);
	ml_error e;
	if (ml_markdown_html(text, n, smart, &b->buf, &e))
		return ml_l_error(L, &e);
	lua_pushstring(L, b->buf); /* may raise: the box still owns the buffer */
	free(b->buf);
	b->buf = NULL;
	return 1;
}

static int l_notebook_hash(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	uint64_t h = ML_DIGEST_SEED;
	if (!lua_isnoneornil(L, 2)) {
		const char *seed = luaL_checkstring(L, 2);
		char *end;
		h = strtoull(seed, &end, 16);
		if (*end != '\0' || end == seed)
			return luaL_error(L, "notebook.hash: seed must be 16 hex digits (got '%s')", seed);
	}
	push_hex(L, ml_digest_bytes(h, s, n));
	return 1;
}

static int l_notebook_file_hash(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	uint64_t h;
	ml_error e;
	if (ml_digest_file(path, &h, &e)) {
		lua_pushnil(L);
		lua_pushstring(L, e.msg);
		return 2;
	}
	push_hex(L, h);
	return 1;
}

static int l_notebook_base64(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	size_t size = ml_base64_size(n);
	char *out = lua_newuserdatauv(L, size, 0); /* scratch the collector frees */
	ml_base64_encode((const unsigned char *)s, n, out);
	lua_pushlstring(L, out, size - 1);
	return 1;
}

static int l_notebook_mkdirs(lua_State *L)
{
	size_t n;
	const char *path = luaL_checklstring(L, 1, &n);
	char *buf = lua_newuserdatauv(L, n + 1, 0); /* scratch the collector frees */
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) { /* each prefix ending at a '/', then the whole */
		if (i < n && buf[i] != '/')
			continue;
		char keep = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
			lua_pushnil(L);
			lua_pushfstring(L, "cannot make the folder %s (%s)", buf, strerror(errno));
			return 2;
		}
		buf[i] = keep;
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s is not a folder", path);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

static int l_notebook_files(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	box *b = push_box(L);
	lua_newtable(L);
	b->dir = opendir(path);
	if (!b->dir) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot list %s (%s)", path, strerror(errno));
		return 2;
	}
	lua_Integer k = 0;
	struct dirent *ent;
	while ((ent = readdir(b->dir)) != NULL) {
		if (ent->d_name[0] == '.')
			continue;
		lua_pushstring(L, ent->d_name); /* may raise: the box closes the folder */
		lua_rawseti(L, -2, ++k);
	}
	closedir(b->dir);
	b->dir = NULL;
	return 1;
}

void ml_l_open_notebook(lua_State *L, int methods, int torch)
{
	(void)methods;
	luaL_newmetatable(L, BOX_MT);
	lua_pushcfunction(L, l_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	static const luaL_Reg funcs[] = {
		{"markdown", l_notebook_markdown},
		{"hash", l_notebook_hash},
		{"file_hash", l_notebook_file_hash},
		{"base64", l_notebook_base64},
		{"mkdirs", l_notebook_mkdirs},
		{"files", l_notebook_files},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	lua_setfield(L, torch, "_notebook");
}
