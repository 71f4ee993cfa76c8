/*
 * l_notebook.c - Lua binding of kernels/digest.h and kernels/markdown.h for
 * the notebook runner (stdlib/moonlab/notebook): torch._notebook.markdown(text
 * [, smart]) -> HTML, .hash(s [, seed_hex]) -> 16 hex digits, .file_hash(path)
 * -> 16 hex digits or nil, message, .base64(s) -> text.  The runner itself is
 * Lua; nothing here runs cells.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmoon.h"
#include "../kernels/digest.h"
#include "../kernels/markdown.h"

static void push_hex(lua_State *L, uint64_t h)
{
	char buf[17];
	snprintf(buf, sizeof buf, "%016" PRIx64, h);
	lua_pushstring(L, buf);
}

static int l_notebook_markdown(lua_State *L)
{
	size_t n;
	const char *text = luaL_checklstring(L, 1, &n);
	int smart = lua_toboolean(L, 2);
	char *html;
	ml_error e;
	if (ml_markdown_html(text, n, smart, &html, &e))
		return ml_l_error(L, &e);
	lua_pushstring(L, html); /* a memory error here would leak html: accept, it is an OOM path */
	free(html);
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

void ml_l_open_notebook(lua_State *L, int methods, int torch)
{
	(void)methods;
	static const luaL_Reg funcs[] = {
		{"markdown", l_notebook_markdown},
		{"hash", l_notebook_hash},
		{"file_hash", l_notebook_file_hash},
		{"base64", l_notebook_base64},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	lua_setfield(L, torch, "_notebook");
}
