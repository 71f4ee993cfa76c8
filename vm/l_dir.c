/* l_dir.c - folder listing for the Lua stdlib (torch._dir), which Lua's own
 * io and os libraries lack: moonlab.datasets.image_folder walks class
 * folders with it.  POSIX opendir/readdir/stat; no recursion, no globbing,
 * no file operations beyond reading a folder and asking what an entry is. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "lmoon.h"

static const char dirbox_mt[] = "moonlab.dirbox";

/* An open DIR held in a userdata, so that a Lua error raised while the
 * listing is built (out of memory) still closes it. */
typedef struct {
	DIR *d; /* the open folder, NULL once closed */
} dirbox;

static int dirbox_close(lua_State *L)
{
	dirbox *b = luaL_checkudata(L, 1, dirbox_mt);
	if (b->d) {
		closedir(b->d);
		b->d = NULL;
	}
	return 0;
}

/* "file", "dir" or "other" for path (following symbolic links); NULL when
 * the entry cannot be examined (a dangling link). */
static const char *kind_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return NULL;
	if (S_ISDIR(st.st_mode))
		return "dir";
	if (S_ISREG(st.st_mode))
		return "file";
	return "other";
}

/* _dir.list(path) -> {names...}, {name = "file"|"dir"|"other"}
 * or nil, message when the folder cannot be read.  Names are unsorted and
 * exclude "." and ".."; entries that cannot be examined are "other". */
static int l_dir_list(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	dirbox *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->d = NULL;
	luaL_setmetatable(L, dirbox_mt);
	b->d = opendir(path);
	if (!b->d) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: %s", path, strerror(errno));
		return 2;
	}
	lua_newtable(L); /* names */
	lua_newtable(L); /* kinds */
	lua_Integer n = 0;
	luaL_Buffer full;
	struct dirent *ent;
	while ((errno = 0, ent = readdir(b->d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		luaL_buffinit(L, &full);
		luaL_addstring(&full, path);
		luaL_addchar(&full, '/');
		luaL_addstring(&full, ent->d_name);
		luaL_pushresult(&full);
		const char *kind = kind_of(lua_tostring(L, -1));
		lua_pop(L, 1);
		lua_pushstring(L, ent->d_name);
		lua_rawseti(L, -3, ++n);
		lua_pushstring(L, kind ? kind : "other");
		lua_setfield(L, -2, ent->d_name);
	}
	int err = errno;
	closedir(b->d);
	b->d = NULL;
	if (err != 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: %s", path, strerror(err));
		return 2;
	}
	return 2;
}

/* _dir.kind(path) -> "file" | "dir" | "other", or nil when path does not exist. */
static int l_dir_kind(lua_State *L)
{
	const char *k = kind_of(luaL_checkstring(L, 1));
	if (k)
		lua_pushstring(L, k);
	else
		lua_pushnil(L);
	return 1;
}

void ml_l_open_dir(lua_State *L, int methods, int torch)
{
	static const luaL_Reg functions[] = {
		{"list", l_dir_list},
		{"kind", l_dir_kind},
		{NULL, NULL},
	};
	(void)methods; /* no tensor methods */
	if (luaL_newmetatable(L, dirbox_mt)) {
		lua_pushcfunction(L, dirbox_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, dirbox_close);
		lua_setfield(L, -2, "__close");
	}
	lua_pop(L, 1);
	luaL_newlib(L, functions);
	lua_setfield(L, torch, "_dir");
}
