/*
 * l_file.c - Lua binding of kernels/file.c: torch.DiskFile and
 * torch.MemoryFile (both are a torch.File), their typed reads and writes,
 * modes, positions and byte orders; plus torch.pointer and the
 * CharStorage/ByteStorage :string() method that the serializer needs.
 *
 * Object serialization (readObject, writeObject, torch.save, torch.load ...)
 * is Lua, in stdlib/torch/serialize.lua, on top of these methods; nothing here
 * knows about tables or classes.  Errors raise unless the file is quiet(), in
 * which case they set the flag read by hasError() (Torch7's contract).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lmoon.h"
#include "../kernels/file.h"

#define FILE_MT "torch.File"
#define DISK_MT "torch.DiskFile"
#define MEMORY_MT "torch.MemoryFile"

typedef struct lfile {
	ml_file f;           /* the file */
	int quiet;           /* 1: failures set f.error instead of raising */
} lfile;

static lfile *tofile(lua_State *L, int idx)
{
	lfile *lf = luaL_testudata(L, idx, DISK_MT);
	return lf ? lf : luaL_testudata(L, idx, MEMORY_MT);
}

static lfile *checkfile(lua_State *L, int idx)
{
	lfile *lf = tofile(L, idx);
	if (!lf)
		luaL_typeerror(L, idx, FILE_MT);
	return lf;
}

/* Raises e, or returns 0 results when the file is quiet. */
static int fail(lua_State *L, lfile *lf, const ml_error *e)
{
	lf->f.error = 1;
	if (lf->quiet)
		return 0;
	return ml_l_error(L, e);
}

/* ---- constructors ---- */

/* New file userdata (closed, so __gc is harmless if opening then fails). */
static lfile *newfile(lua_State *L, const char *mt)
{
	lfile *lf = lua_newuserdatauv(L, sizeof *lf, 0);
	memset(lf, 0, sizeof *lf);
	luaL_setmetatable(L, mt);
	return lf;
}

/* torch.DiskFile(path, [mode="r"], [quiet]) -> file, or nil when quiet and it cannot open */
static int l_file_disk(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	const char *mode = luaL_optstring(L, 2, "r");
	int quiet = lua_toboolean(L, 3);
	lfile *lf = newfile(L, DISK_MT);
	ml_error e;
	if (ml_file_open(&lf->f, path, mode, &e)) {
		if (quiet) {
			lua_pushnil(L);
			return 1;
		}
		return ml_l_error(L, &e);
	}
	return 1;
}

/* torch._DiskFileAtomic(path) -> a write-only DiskFile whose close() renames a
 * temporary file over path; a file never closed leaves path as it was. */
static int l_file_atomic(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	lfile *lf = newfile(L, DISK_MT);
	ml_error e;
	if (ml_file_open_atomic(&lf->f, path, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* torch.MemoryFile([mode="rw"]), torch.MemoryFile(charstorage, [mode]) (the
 * storage ends with a NUL that is not part of the data, as in Torch7), or
 * torch.MemoryFile(string, [mode]) (all bytes of the string). */
static int l_file_memory(lua_State *L)
{
	const void *data = NULL;
	size_t n = 0;
	int modearg = 1;
	ml_storage *s = ml_l_tostorage(L, 1);
	if (s) {
		if (s->dtype != ML_CHAR && s->dtype != ML_BYTE)
			return luaL_error(L, "torch.MemoryFile: expected a torch.CharStorage, got a %s",
			                  ml_l_storage_mt[s->dtype]);
		if (s->size < 1 || ((const char *)s->data)[s->size - 1] != 0)
			return luaL_error(L, "torch.MemoryFile: the storage must end with a NUL character");
		data = s->data;
		n = (size_t)s->size - 1;
		modearg = 2;
	} else if (lua_type(L, 1) == LUA_TSTRING && lua_gettop(L) >= 2) {
		data = lua_tolstring(L, 1, &n);
		modearg = 2;
	}
	const char *mode = luaL_optstring(L, modearg, "rw");
	lfile *lf = newfile(L, MEMORY_MT);
	ml_error e;
	if (ml_file_open_memory(&lf->f, data, n, mode, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* ---- typed reads and writes: one closure per dtype (upvalue 1) ---- */

/* f:readT() -> number; f:readT(n) -> new TStorage of the values read;
 * f:readT(storage) -> count, filling the storage. */
static int l_file_read(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	ml_dtype dt = (ml_dtype)lua_tointeger(L, lua_upvalueindex(1));
	ml_error e;
	int64_t got;
	if (lua_isnoneornil(L, 2)) {
		unsigned char v[8];
		if (ml_file_read(&lf->f, dt, v, 1, &got, &e))
			return fail(L, lf, &e);
		ml_l_pushelem(L, dt, v);
		return 1;
	}
	if (lua_type(L, 2) == LUA_TNUMBER) {
		lua_Integer n = luaL_checkinteger(L, 2);
		if (ml_file_check_room(&lf->f, dt, n, &e))
			return fail(L, lf, &e);
		ml_storage *s = ml_storage_new(dt, n, &e);
		if (!s)
			return fail(L, lf, &e);
		ml_l_pushstorage(L, s);
		ml_storage_release(s);
		int rc = ml_file_read(&lf->f, dt, s->data, n, &got, &e);
		if (got < n) {
			ml_error e2;
			ml_storage_resize(s, got, &e2);
		}
		if (rc && !lf->quiet)
			return ml_l_error(L, &e);
		return 1;
	}
	ml_storage *s = ml_l_tostorage(L, 2);
	if (!s || s->dtype != dt)
		return luaL_error(L, "file.read%s: expected nothing, a count or a %s", ml_dtype_name(dt),
		                  ml_l_storage_mt[dt]);
	if (ml_file_read(&lf->f, dt, s->data, s->size, &got, &e) && !lf->quiet)
		return ml_l_error(L, &e);
	lua_pushinteger(L, got);
	return 1;
}

/* f:writeT(number) or f:writeT(TStorage) -> count written.  writeByte and
 * writeChar also take a Lua string (its bytes). */
static int l_file_write(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	ml_dtype dt = (ml_dtype)lua_tointeger(L, lua_upvalueindex(1));
	ml_error e;
	const void *src;
	int64_t n;
	unsigned char v[8];
	if (lua_type(L, 2) == LUA_TNUMBER) {
		ml_l_storeelem(L, 2, dt, v);
		src = v;
		n = 1;
	} else if ((dt == ML_CHAR || dt == ML_BYTE) && lua_type(L, 2) == LUA_TSTRING) {
		size_t len;
		src = lua_tolstring(L, 2, &len);
		n = (int64_t)len;
	} else {
		ml_storage *s = ml_l_tostorage(L, 2);
		if (!s || s->dtype != dt)
			return luaL_error(L, "file.write%s: expected a number or a %s", ml_dtype_name(dt),
			                  ml_l_storage_mt[dt]);
		src = s->data;
		n = s->size;
	}
	if (ml_file_write(&lf->f, dt, src, n, &e))
		return fail(L, lf, &e);
	lua_pushinteger(L, n);
	return 1;
}

/* f:_readChars(n) -> string: readChar(n) returning a Lua string (the
 * serializer's strings), with the count checked before allocating. */
static int l_file_readchars(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	ml_error e;
	if (ml_file_check_room(&lf->f, ML_CHAR, n, &e))
		return fail(L, lf, &e);
	luaL_Buffer b;
	char *p = luaL_buffinitsize(L, &b, (size_t)n);
	int64_t got;
	int rc = ml_file_read(&lf->f, ML_CHAR, p, n, &got, &e);
	if (rc && !lf->quiet)
		return ml_l_error(L, &e);
	luaL_pushresultsize(&b, (size_t)got);
	return 1;
}

/* f:readString("*a" | "*l" | n) -> string: the rest, the next line (newline
 * dropped) or the next n bytes, raw whatever the encoding. */
static int l_file_readstring(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	ml_error e;
	luaL_Buffer b;
	size_t got;
	if (lua_type(L, 2) == LUA_TNUMBER) {
		lua_Integer n = luaL_checkinteger(L, 2);
		if (ml_file_check_room(&lf->f, ML_BYTE, n, &e))
			return fail(L, lf, &e);
		char *p = luaL_buffinitsize(L, &b, (size_t)n);
		if (ml_file_read_bytes(&lf->f, p, (size_t)n, &got, &e))
			return fail(L, lf, &e);
		luaL_pushresultsize(&b, got);
		return 1;
	}
	const char *fmt = luaL_checkstring(L, 2);
	int line = strncmp(fmt, "*l", 2) == 0;
	if (!line && strncmp(fmt, "*a", 2) != 0)
		return luaL_error(L, "file.readString: format must be \"*a\", \"*l\" or a count (got '%s')", fmt);
	luaL_buffinit(L, &b);
	size_t total = 0;
	int eol = 0;
	for (;;) {
		char *p = luaL_prepbuffer(&b);
		int rc = line ? ml_file_read_line(&lf->f, p, LUAL_BUFFERSIZE, &got, &eol, &e)
		              : ml_file_read_bytes(&lf->f, p, LUAL_BUFFERSIZE, &got, &e);
		if (rc)
			return fail(L, lf, &e);
		luaL_addsize(&b, got);
		total += got;
		if (eol || got == 0 || (line && got < LUAL_BUFFERSIZE))
			break;
	}
	if (total == 0 && !eol) {
		ml_fail(&e, ML_ERANGE, "file.readString: end of file");
		luaL_pushresult(&b);
		lf->f.error = 1;
		if (!lf->quiet)
			return ml_l_error(L, &e);
		return 1;
	}
	luaL_pushresult(&b);
	return 1;
}

/* f:writeString(str) -> bytes written (raw, whatever the encoding) */
static int l_file_writestring(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	ml_error e;
	if (ml_file_write_bytes(&lf->f, s, n, &e))
		return fail(L, lf, &e);
	lua_pushinteger(L, (lua_Integer)n);
	return 1;
}

/* ---- modes and flags ---- */

static int returnself(lua_State *L)
{
	lua_settop(L, 1);
	return 1;
}

static int l_file_binary(lua_State *L) { checkfile(L, 1)->f.binary = 1; return returnself(L); }
static int l_file_ascii(lua_State *L) { checkfile(L, 1)->f.binary = 0; return returnself(L); }
static int l_file_autospacing(lua_State *L) { checkfile(L, 1)->f.autospacing = 1; return returnself(L); }
static int l_file_noautospacing(lua_State *L) { checkfile(L, 1)->f.autospacing = 0; return returnself(L); }
static int l_file_quiet(lua_State *L) { checkfile(L, 1)->quiet = 1; return returnself(L); }
static int l_file_pedantic(lua_State *L) { checkfile(L, 1)->quiet = 0; return returnself(L); }
static int l_file_clearerror(lua_State *L) { checkfile(L, 1)->f.error = 0; return returnself(L); }

static int l_file_native(lua_State *L) { checkfile(L, 1)->f.endian = ML_FILE_NATIVE; return returnself(L); }
static int l_file_little(lua_State *L) { checkfile(L, 1)->f.endian = ML_FILE_LITTLE; return returnself(L); }
static int l_file_big(lua_State *L) { checkfile(L, 1)->f.endian = ML_FILE_BIG; return returnself(L); }

static int pushbool(lua_State *L, int b)
{
	lua_pushboolean(L, b);
	return 1;
}

static int l_file_isbinary(lua_State *L) { return pushbool(L, checkfile(L, 1)->f.binary); }
static int l_file_isautospacing(lua_State *L) { return pushbool(L, checkfile(L, 1)->f.autospacing); }
static int l_file_isquiet(lua_State *L) { return pushbool(L, checkfile(L, 1)->quiet); }
static int l_file_haserror(lua_State *L) { return pushbool(L, checkfile(L, 1)->f.error); }
static int l_file_isreadable(lua_State *L) { return pushbool(L, checkfile(L, 1)->f.readable); }
static int l_file_iswritable(lua_State *L) { return pushbool(L, checkfile(L, 1)->f.writable); }
static int l_file_isopened(lua_State *L) { return pushbool(L, checkfile(L, 1)->f.is_open); }
static int l_file_islittlecpu(lua_State *L) { return pushbool(L, ml_file_host_little_endian()); }
static int l_file_isbigcpu(lua_State *L) { return pushbool(L, !ml_file_host_little_endian()); }

/* f:longSize([0|4|8]) -> f: bytes of a binary Long (0 = the default, 8) */
static int l_file_longsize(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	lua_Integer n = luaL_optinteger(L, 2, 0);
	luaL_argcheck(L, n == 0 || n == 4 || n == 8, 2, "file.longSize: size must be 0, 4 or 8");
	lf->f.longsize = n == 0 ? 8 : (int)n;
	return returnself(L);
}

/* f:noBuffer() -> f: unbuffered disk writes (a no-op for memory files) */
static int l_file_nobuffer(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	if (lf->f.fp)
		setvbuf(lf->f.fp, NULL, _IONBF, 0);
	return returnself(L);
}

/* ---- positions ---- */

/* f:position() -> 1-based byte position */
static int l_file_position(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	if (!lf->f.is_open)
		return luaL_error(L, "file.position: the file is closed");
	lua_pushinteger(L, ml_file_tell(&lf->f) + 1);
	return 1;
}

/* f:seek(pos) -> f, pos 1-based */
static int l_file_seek(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	lua_Integer pos = luaL_checkinteger(L, 2);
	luaL_argcheck(L, pos >= 1, 2, "file.seek: position must be at least 1");
	ml_error e;
	if (ml_file_seek(&lf->f, pos - 1, &e))
		return fail(L, lf, &e);
	return returnself(L);
}

static int l_file_seekend(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	ml_error e;
	if (ml_file_seek_end(&lf->f, &e))
		return fail(L, lf, &e);
	return returnself(L);
}

static int l_file_synchronize(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	ml_error e;
	if (ml_file_flush(&lf->f, &e))
		return fail(L, lf, &e);
	return returnself(L);
}

/* f:close(): flushes (commits an atomic file); closing twice is a no-op */
static int l_file_close(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	ml_error e;
	if (ml_file_close(&lf->f, &e))
		return fail(L, lf, &e);
	return 0;
}

/* f:_discard(): closes without committing (an atomic file's temporary is deleted) */
static int l_file_gc(lua_State *L)
{
	lfile *lf = tofile(L, 1);
	if (lf)
		ml_file_discard(&lf->f);
	return 0;
}

/* f:storage() -> CharStorage holding a copy of a memory file's bytes and a
 * final NUL (Torch7's layout; Torch7 shares the storage, this copies). */
static int l_file_storage(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	if (!lf->f.is_memory)
		return luaL_error(L, "file.storage: only a torch.MemoryFile has a storage");
	if (!lf->f.is_open)
		return luaL_error(L, "file.storage: the file is closed");
	ml_error e;
	ml_storage *s = ml_storage_new(ML_CHAR, (int64_t)lf->f.len + 1, &e);
	if (!s)
		return ml_l_error(L, &e);
	ml_l_pushstorage(L, s);
	ml_storage_release(s);
	if (lf->f.len)
		memcpy(s->data, lf->f.buf, lf->f.len);
	return 1;
}

/* f:_string() -> the bytes of a memory file as a Lua string */
static int l_file_tostring_data(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	if (!lf->f.is_memory || !lf->f.is_open)
		return luaL_error(L, "file._string: not an open torch.MemoryFile");
	lua_pushlstring(L, lf->f.len ? lf->f.buf : "", lf->f.len);
	return 1;
}

static int l_file_tostring(lua_State *L)
{
	lfile *lf = checkfile(L, 1);
	if (lf->f.is_memory)
		lua_pushfstring(L, "torch.MemoryFile (%s, %d bytes)", lf->f.is_open ? "open" : "closed",
		                (int)lf->f.len);
	else
		lua_pushfstring(L, "torch.DiskFile (%s%s)", lf->f.is_open ? "" : "closed",
		                lf->f.is_open && lf->f.path ? lf->f.path : "");
	return 1;
}

/* ---- helpers for serialization ---- */

/* torch.pointer(obj) -> integer identity: the storage buffer for storages (so
 * two Lua handles of one storage agree), the address of any other reference
 * value, 0 for values without identity. */
static int l_torch_pointer(lua_State *L)
{
	ml_storage *s = ml_l_tostorage(L, 1);
	if (s)
		lua_pushinteger(L, (lua_Integer)(intptr_t)s);
	else
		lua_pushinteger(L, (lua_Integer)(intptr_t)lua_topointer(L, 1));
	return 1;
}

/* s:string() -> the bytes of a Char/Byte storage as a string;
 * s:string(str) -> s, resized to hold exactly the bytes of str. */
static int l_storage_string(lua_State *L)
{
	ml_storage *s = ml_l_checkstorage(L, 1);
	if (s->dtype != ML_CHAR && s->dtype != ML_BYTE)
		return luaL_error(L, "storage.string: needs a torch.CharStorage or torch.ByteStorage (got %s)",
		                  ml_l_storage_mt[s->dtype]);
	if (lua_isnoneornil(L, 2)) {
		lua_pushlstring(L, s->size ? s->data : "", (size_t)s->size);
		return 1;
	}
	size_t n;
	const char *str = luaL_checklstring(L, 2, &n);
	ml_error e;
	if (ml_storage_resize(s, (int64_t)n, &e))
		return ml_l_error(L, &e);
	if (n)
		memcpy(s->data, str, n);
	lua_settop(L, 1);
	return 1;
}

/* ---- registration ---- */

static const luaL_Reg file_methods[] = {
	{"readString", l_file_readstring},
	{"writeString", l_file_writestring},
	{"_readChars", l_file_readchars},
	{"binary", l_file_binary},
	{"ascii", l_file_ascii},
	{"autoSpacing", l_file_autospacing},
	{"noAutoSpacing", l_file_noautospacing},
	{"quiet", l_file_quiet},
	{"pedantic", l_file_pedantic},
	{"clearError", l_file_clearerror},
	{"nativeEndianEncoding", l_file_native},
	{"littleEndianEncoding", l_file_little},
	{"bigEndianEncoding", l_file_big},
	{"isBinary", l_file_isbinary},
	{"isAutoSpacing", l_file_isautospacing},
	{"isQuiet", l_file_isquiet},
	{"hasError", l_file_haserror},
	{"isReadable", l_file_isreadable},
	{"isWritable", l_file_iswritable},
	{"isOpened", l_file_isopened},
	{"isLittleEndianCPU", l_file_islittlecpu},
	{"isBigEndianCPU", l_file_isbigcpu},
	{"longSize", l_file_longsize},
	{"noBuffer", l_file_nobuffer},
	{"position", l_file_position},
	{"seek", l_file_seek},
	{"seekEnd", l_file_seekend},
	{"synchronize", l_file_synchronize},
	{"close", l_file_close},
	{"_discard", l_file_gc},
	{"storage", l_file_storage},
	{"_string", l_file_tostring_data},
	{NULL, NULL},
};

/* A file metatable: methods through the shared File table, which is also its
 * metatable so torch.isTypeOf(f, "torch.File") holds. */
static void file_metatable(lua_State *L, const char *name, int file)
{
	luaL_newmetatable(L, name);
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__typename");
	lua_pushvalue(L, file);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_file_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, l_file_gc);
	lua_setfield(L, -2, "__close");
	lua_pushcfunction(L, l_file_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushvalue(L, file);
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
}

void ml_l_open_file(lua_State *L, int methods, int torch)
{
	(void)methods;
	luaL_newmetatable(L, FILE_MT); /* the shared method table, extended from Lua */
	int file = lua_gettop(L);
	lua_pushstring(L, FILE_MT);
	lua_setfield(L, file, "__typename");
	lua_pushvalue(L, file);
	lua_setfield(L, file, "__index");
	luaL_setfuncs(L, file_methods, 0);
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		char name[32];
		lua_pushinteger(L, dt);
		lua_pushcclosure(L, l_file_read, 1);
		snprintf(name, sizeof name, "read%s", ml_dtype_info[dt].name);
		lua_setfield(L, file, name);
		lua_pushinteger(L, dt);
		lua_pushcclosure(L, l_file_write, 1);
		snprintf(name, sizeof name, "write%s", ml_dtype_info[dt].name);
		lua_setfield(L, file, name);
	}
	file_metatable(L, DISK_MT, file);
	file_metatable(L, MEMORY_MT, file);
	lua_pop(L, 1);

	lua_pushcfunction(L, l_file_disk);
	lua_setfield(L, torch, "DiskFile");
	lua_pushcfunction(L, l_file_memory);
	lua_setfield(L, torch, "MemoryFile");
	lua_pushcfunction(L, l_file_atomic);
	lua_setfield(L, torch, "_DiskFileAtomic");
	lua_pushcfunction(L, l_torch_pointer);
	lua_setfield(L, torch, "pointer");

	if (lua_getfield(L, torch, "_storage_methods") == LUA_TTABLE) {
		lua_pushcfunction(L, l_storage_string);
		lua_setfield(L, -2, "string");
	}
	lua_pop(L, 1);
}
