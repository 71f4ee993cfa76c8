/*
 * l_csv.c - Lua binding of kernels/csv.h: torch._csv.read(path, opts),
 * .parse(text, opts), .open_chunks(path, opts) (a reader object with
 * :next(rows) and :close()), and .write(path, tbl, opts).
 *
 * A parsed table comes back as plain Lua data: {names = {...}, columns =
 * {name = tensor or list of strings}, types = {name = "float", ...}, levels =
 * {name = {...}} for categorical columns, missing = {name = ByteTensor} for
 * columns with missing values, nrows, nbad, sep, header, warnings = {...}}.
 * The Lua wrapper (stdlib/moonlab/csv.lua) prints warnings and builds the
 * chunk iterator; moonlab.data makes frames of them.  read draws a progress
 * bar on stderr for long reads when it is a terminal.  Kernel results are held in a
 * userdata box until converted, so a Lua error never leaks them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lmoon.h"
#include "../kernels/csv.h"

#define TABLE_BOX_MT "moonlab.csv.table"
#define READER_MT "moonlab.csv.Reader"

/* ---- options ---- */

static const char *const option_keys[] = {
	"sep", "quote", "comment", "header", "skip", "nrows", "on_bad_lines", "na", "names",
	"columns", "types", "threads", "parallel_bytes", "max_levels", "level_ratio", "path",
	"progress", NULL,
};

/* A one-byte string option (or nil: dflt; false: -1 when allowed) */
static int byte_option(lua_State *L, int opts, const char *key, int dflt, int allow_false,
                       const char *who)
{
	int tp = lua_getfield(L, opts, key);
	int v = dflt;
	if (tp == LUA_TSTRING && lua_rawlen(L, -1) == 1)
		v = (unsigned char)lua_tostring(L, -1)[0];
	else if (tp == LUA_TBOOLEAN && !lua_toboolean(L, -1) && allow_false)
		v = -1;
	else if (tp != LUA_TNIL)
		luaL_error(L, "%s: option %s must be a one-character string%s (got %s)", who, key,
		           allow_false ? " or false" : "", luaL_typename(L, -1));
	lua_pop(L, 1);
	return v;
}

static lua_Integer int_option(lua_State *L, int opts, const char *key, lua_Integer dflt,
                              lua_Integer min, const char *who)
{
	int tp = lua_getfield(L, opts, key);
	lua_Integer v = dflt;
	if (tp != LUA_TNIL) {
		int ok;
		v = lua_tointegerx(L, -1, &ok);
		if (!ok || v < min)
			luaL_error(L, "%s: option %s must be an integer >= %d", who, key, (int)min);
	}
	lua_pop(L, 1);
	return v;
}

/* The strings of list opts[key] into a scratch userdata left on the stack;
 * returns how many (0 and *out NULL when absent). */
static size_t string_list(lua_State *L, int opts, const char *key, const char *const **out,
                          const char *who)
{
	*out = NULL;
	int tp = lua_getfield(L, opts, key);
	if (tp == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (tp != LUA_TTABLE)
		luaL_error(L, "%s: option %s must be a list of strings", who, key);
	size_t n = lua_rawlen(L, -1);
	const char **a = lua_newuserdatauv(L, (n ? n : 1) * sizeof *a, 0);
	for (size_t i = 0; i < n; i++) {
		if (lua_rawgeti(L, -2, (lua_Integer)i + 1) != LUA_TSTRING)
			luaL_error(L, "%s: option %s: item %d must be a string", who, key, (int)i + 1);
		a[i] = lua_tostring(L, -1); /* kept alive by the option table */
		lua_pop(L, 1);
	}
	lua_remove(L, -2); /* the list; the scratch stays */
	*out = a;
	return n;
}

/* A column reference from the value at idx: a name or a 1-based index */
static void colref(lua_State *L, int idx, ml_csv_colref *r, const char *who, const char *key)
{
	r->name = NULL;
	r->index = 0;
	if (lua_type(L, idx) == LUA_TSTRING) {
		r->name = lua_tostring(L, idx);
	} else if (lua_isinteger(L, idx)) {
		r->index = (int64_t)lua_tointeger(L, idx) - 1;
	} else {
		luaL_error(L, "%s: option %s: columns are named by strings or 1-based integers (got %s)",
		           who, key, luaL_typename(L, idx));
	}
}

/* Reads the option table at index opts (may be nil) into o.  Scratch
 * userdata for the arrays are left on the stack: the caller keeps them until
 * the kernel call returns. */
static void check_options(lua_State *L, int opts, const char *who, ml_csv_options *o)
{
	ml_csv_options_init(o);
	o->who = who;
	if (lua_isnoneornil(L, opts))
		return;
	luaL_checktype(L, opts, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, opts)) {
		int known = 0;
		if (lua_type(L, -2) == LUA_TSTRING)
			for (int i = 0; option_keys[i]; i++)
				known |= strcmp(lua_tostring(L, -2), option_keys[i]) == 0;
		if (!known)
			luaL_error(L, "%s: unknown option '%s'", who,
			           lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2));
		lua_pop(L, 1);
	}
	o->sep = byte_option(L, opts, "sep", -1, 0, who);
	o->quote = byte_option(L, opts, "quote", '"', 1, who);
	o->comment = byte_option(L, opts, "comment", -1, 0, who);
	if (lua_getfield(L, opts, "header") != LUA_TNIL) {
		if (!lua_isboolean(L, -1))
			luaL_error(L, "%s: option header must be true or false", who);
		o->header = lua_toboolean(L, -1);
	}
	lua_pop(L, 1);
	o->skip = int_option(L, opts, "skip", 0, 0, who);
	o->max_rows = int_option(L, opts, "nrows", -1, 0, who);
	o->threads = (int)int_option(L, opts, "threads", 0, 1, who);
	o->parallel_bytes = int_option(L, opts, "parallel_bytes", -1, 0, who);
	o->max_levels = int_option(L, opts, "max_levels", 1000, 0, who);
	if (lua_getfield(L, opts, "level_ratio") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TNUMBER)
			luaL_error(L, "%s: option level_ratio must be a number", who);
		o->level_ratio = lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, opts, "path") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "%s: option path must be a string", who);
		o->path = lua_tostring(L, -1); /* kept alive by the option table */
	}
	lua_pop(L, 1);
	if (lua_getfield(L, opts, "on_bad_lines") != LUA_TNIL) {
		static const char *const policies[] = {"error", "warn", "skip", NULL};
		const char *s = lua_tostring(L, -1);
		int i = 0;
		while (s && policies[i] && strcmp(s, policies[i]))
			i++;
		if (!s || !policies[i])
			luaL_error(L, "%s: on_bad_lines must be \"error\", \"warn\" or \"skip\"", who);
		o->on_bad = (ml_csv_bad)i;
	}
	lua_pop(L, 1);
	o->nna = string_list(L, opts, "na", &o->na, who);
	o->nnames = string_list(L, opts, "names", &o->names, who);

	int tp = lua_getfield(L, opts, "columns");
	if (tp == LUA_TTABLE) {
		size_t n = lua_rawlen(L, -1);
		ml_csv_colref *sel = lua_newuserdatauv(L, (n ? n : 1) * sizeof *sel, 0);
		for (size_t i = 0; i < n; i++) {
			lua_rawgeti(L, -2, (lua_Integer)i + 1);
			colref(L, -1, &sel[i], who, "columns");
			lua_pop(L, 1);
		}
		lua_remove(L, -2);
		o->select = sel;
		o->nselect = n;
	} else if (tp != LUA_TNIL) {
		luaL_error(L, "%s: option columns must be a list of names or indices", who);
	} else {
		lua_pop(L, 1);
	}

	tp = lua_getfield(L, opts, "types");
	if (tp == LUA_TTABLE) {
		int tt = lua_gettop(L);
		size_t n = 0;
		for (lua_pushnil(L); lua_next(L, tt); lua_pop(L, 1))
			n++;
		ml_csv_colref *ty = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ty, 0);
		size_t i = 0;
		for (lua_pushnil(L); lua_next(L, tt); lua_pop(L, 1), i++) {
			colref(L, -2, &ty[i], who, "types");
			const char *s = lua_tostring(L, -1);
			int t = s ? ml_csv_type_parse(s) : -1;
			if (t <= 0)
				luaL_error(L, "%s: types: unknown type '%s' (integer, float, boolean, string, "
				           "categorical, date, datetime)", who, s ? s : luaL_typename(L, -1));
			ty[i].type = (ml_csv_type)t;
		}
		lua_remove(L, tt);
		o->types = ty;
		o->ntypes = n;
	} else if (tp != LUA_TNIL) {
		luaL_error(L, "%s: option types must be a table {column = \"type\"}", who);
	} else {
		lua_pop(L, 1);
	}
}

/* ---- results ---- */

static int l_csv_box_gc(lua_State *L)
{
	ml_csv_table_free(luaL_checkudata(L, 1, TABLE_BOX_MT));
	return 0;
}

static ml_csv_table *push_box(lua_State *L)
{
	ml_csv_table *t = lua_newuserdatauv(L, sizeof *t, 0);
	memset(t, 0, sizeof *t);
	luaL_setmetatable(L, TABLE_BOX_MT);
	return t;
}

static void push_tensor(lua_State *L, ml_storage *s, int64_t n)
{
	ml_tensor *t = ml_l_pushtensor(L, s->dtype);
	ml_error e;
	if (n > 0 && ml_tensor_set_storage(t, s, 0, 1, &n, NULL, &e))
		ml_l_error(L, &e);
}

/* Pushes the Lua form of t (see the file header). */
static void push_result(lua_State *L, const ml_csv_table *t)
{
	lua_createtable(L, 0, 10);
	int res = lua_gettop(L);
	lua_createtable(L, (int)t->ncols, 0);
	int names = res + 1;
	lua_newtable(L);
	int columns = res + 2;
	lua_newtable(L);
	int types = res + 3;
	lua_newtable(L);
	int levels = res + 4;
	lua_newtable(L);
	int missing = res + 5;
	for (int64_t j = 0; j < t->ncols; j++) {
		const ml_csv_column *c = &t->cols[j];
		lua_pushstring(L, c->name);
		lua_rawseti(L, names, (lua_Integer)j + 1);
		lua_pushstring(L, ml_csv_type_name[c->type]);
		lua_setfield(L, types, c->name);
		if (c->type == ML_CSV_STRING || c->type == ML_CSV_CATEGORICAL) {
			lua_createtable(L, (int)c->nlevels, 0);
			int lv = lua_gettop(L);
			for (int64_t i = 0; i < c->nlevels; i++) {
				lua_pushlstring(L, c->levels + c->level_off[i],
				                (size_t)(c->level_off[i + 1] - c->level_off[i]));
				lua_rawseti(L, lv, (lua_Integer)i + 1);
			}
			if (c->type == ML_CSV_CATEGORICAL) {
				lua_setfield(L, levels, c->name);
				push_tensor(L, c->data, t->nrows);
			} else {
				const int64_t *codes = c->data->data;
				lua_createtable(L, (int)(t->nrows < 1 << 30 ? t->nrows : 0), 0);
				for (int64_t i = 0; i < t->nrows; i++) {
					if (codes[i])
						lua_rawgeti(L, lv, codes[i]);
					else
						lua_pushliteral(L, "");
					lua_rawseti(L, -2, (lua_Integer)i + 1);
				}
				lua_remove(L, lv);
			}
		} else {
			push_tensor(L, c->data, t->nrows);
		}
		lua_setfield(L, columns, c->name);
		if (c->missing) {
			push_tensor(L, c->missing, t->nrows);
			lua_setfield(L, missing, c->name);
		}
	}
	lua_setfield(L, res, "missing");
	lua_setfield(L, res, "levels");
	lua_setfield(L, res, "types");
	lua_setfield(L, res, "columns");
	lua_setfield(L, res, "names");
	lua_pushinteger(L, (lua_Integer)t->nrows);
	lua_setfield(L, res, "nrows");
	lua_pushinteger(L, (lua_Integer)t->nbad);
	lua_setfield(L, res, "nbad");
	lua_pushinteger(L, (lua_Integer)t->nwarnings);
	lua_setfield(L, res, "nwarnings");
	char sep = (char)t->sep;
	lua_pushlstring(L, &sep, 1);
	lua_setfield(L, res, "sep");
	lua_pushboolean(L, t->header);
	lua_setfield(L, res, "header");
	lua_newtable(L);
	int i = 0;
	for (const char *w = t->warnings; w && *w;) {
		const char *nl = strchr(w, '\n');
		size_t n = nl ? (size_t)(nl - w) : strlen(w);
		lua_pushlstring(L, w, n);
		lua_rawseti(L, -2, ++i);
		w += n + (nl != NULL);
	}
	lua_setfield(L, res, "warnings");
}

/* ---- the progress bar of long reads ---- */

typedef struct progress_bar {
	double t0;             /* when the read started (seconds, monotonic) */
	double after;          /* seconds before the bar appears */
	double mb;             /* file size in MB */
	int shown;             /* the bar is on the screen */
	int pct;               /* the percentage drawn last */
} progress_bar;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The kernel's progress callback: draws "csv.read [#####     ]  45% of 96 MB" on
 * stderr once the read has taken a second (one thread calls it). */
static void draw_progress(void *arg, double done)
{
	progress_bar *b = arg;
	int pct = (int)(done * 100 + 0.5);
	if (pct == b->pct || now_seconds() - b->t0 < b->after)
		return;
	b->pct = pct;
	char bar[31];
	int full = (int)(done * 30 + 0.5);
	full = full < 0 ? 0 : full > 30 ? 30 : full;
	memset(bar, '#', (size_t)full);
	memset(bar + full, ' ', (size_t)(30 - full));
	bar[30] = 0;
	fprintf(stderr, "\rcsv.read [%s] %3d%% of %.0f MB", bar, pct, b->mb);
	fflush(stderr);
	b->shown = 1;
}

static void clear_progress(const progress_bar *b)
{
	if (b->shown) {
		fprintf(stderr, "\r%60s\r", "");
		fflush(stderr);
	}
}

/* torch._csv.read(path [, opts]): on a terminal, a progress bar on stderr
 * after opts.progress seconds (default 1; false: never) */
static int l_csv_read(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	ml_csv_options o;
	check_options(L, 2, "csv.read", &o);
	progress_bar bar = {now_seconds(), 1.0, 0, 0, -1};
	int want = 1;
	if (lua_istable(L, 2)) {
		int tp = lua_getfield(L, 2, "progress");
		if (tp == LUA_TNUMBER)
			bar.after = lua_tonumber(L, -1);
		else if (tp == LUA_TBOOLEAN)
			want = lua_toboolean(L, -1);
		else if (tp != LUA_TNIL)
			return luaL_error(L, "csv.read: option progress must be a number of seconds or a boolean");
		lua_pop(L, 1);
	}
	struct stat st;
	if (want && isatty(2) && stat(path, &st) == 0) {
		bar.mb = (double)st.st_size / 1e6;
		o.progress = draw_progress;
		o.progress_arg = &bar;
	}
	ml_csv_table *t = push_box(L);
	ml_error e;
	int rc = ml_csv_read_file(path, &o, t, &e);
	clear_progress(&bar);
	if (rc)
		return ml_l_error(L, &e);
	push_result(L, t);
	ml_csv_table_free(t);
	return 1;
}

/* torch._csv.parse(text [, opts]) */
static int l_csv_parse(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	ml_csv_options o;
	check_options(L, 2, "csv.parse", &o);
	ml_csv_table *t = push_box(L);
	ml_error e;
	if (ml_csv_read_buffer(text, len, &o, t, &e))
		return ml_l_error(L, &e);
	push_result(L, t);
	ml_csv_table_free(t);
	return 1;
}

/* ---- chunked reader ---- */

typedef struct reader_box {
	ml_csv_reader *r;      /* NULL once closed */
} reader_box;

static int l_csv_open_chunks(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	ml_csv_options o;
	check_options(L, 2, "csv.read_chunks", &o);
	reader_box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->r = NULL;
	luaL_setmetatable(L, READER_MT);
	ml_error e;
	if (!(b->r = ml_csv_reader_open(path, &o, &e)))
		return ml_l_error(L, &e);
	return 1;
}

/* reader:next(rows): the next chunk of at most rows rows, or nil at the end */
static int l_csv_reader_next(lua_State *L)
{
	reader_box *b = luaL_checkudata(L, 1, READER_MT);
	lua_Integer rows = luaL_checkinteger(L, 2);
	luaL_argcheck(L, rows >= 1, 2, "csv.read_chunks: rows must be >= 1");
	if (!b->r)
		return luaL_error(L, "csv.read_chunks: the reader is closed");
	ml_csv_table *t = push_box(L);
	ml_error e;
	int rc = ml_csv_reader_next(b->r, (int64_t)rows, t, &e);
	if (rc < 0)
		return ml_l_error(L, &e);
	if (rc == 0) {
		lua_pushnil(L);
		return 1;
	}
	push_result(L, t);
	ml_csv_table_free(t);
	return 1;
}

static int l_csv_reader_close(lua_State *L)
{
	reader_box *b = luaL_checkudata(L, 1, READER_MT);
	ml_csv_reader_close(b->r);
	b->r = NULL;
	return 0;
}

/* ---- writing ---- */

/* torch._csv.write(path, tbl [, opts]): tbl as read returns it (names,
 * columns, and optionally types, levels, missing, nrows); opts: sep, header. */
static int l_csv_write(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	int sep = ',', header = 1;
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		lua_pushnil(L);
		while (lua_next(L, 3)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
			if (strcmp(k, "sep") && strcmp(k, "header"))
				return luaL_error(L, "csv.write: unknown option '%s'", k);
			lua_pop(L, 1);
		}
		sep = byte_option(L, 3, "sep", ',', 0, "csv.write");
		if (lua_getfield(L, 3, "header") != LUA_TNIL)
			header = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	if (lua_getfield(L, 2, "names") != LUA_TTABLE) /* 3 */
		return luaL_error(L, "csv.write: tbl.names must be a list of column names");
	if (lua_getfield(L, 2, "columns") != LUA_TTABLE) /* 4 */
		return luaL_error(L, "csv.write: tbl.columns must be a table {name = values}");
	lua_getfield(L, 2, "types");   /* 5 */
	lua_getfield(L, 2, "levels");  /* 6 */
	lua_getfield(L, 2, "missing"); /* 7 */
	int64_t ncols = (int64_t)lua_rawlen(L, 3), nrows = -1;
	if (lua_getfield(L, 2, "nrows") != LUA_TNIL) /* 8 */
		nrows = (int64_t)luaL_checkinteger(L, -1);
	ml_csv_wcolumn *w = lua_newuserdatauv(L, (size_t)(ncols ? ncols : 1) * sizeof *w, 0); /* 9 */
	memset(w, 0, (size_t)(ncols ? ncols : 1) * sizeof *w);
	for (int64_t j = 0; j < ncols; j++) {
		luaL_checkstack(L, 10, "csv.write: too many columns");
		int top = lua_gettop(L);
		if (lua_rawgeti(L, 3, (lua_Integer)j + 1) != LUA_TSTRING)
			return luaL_error(L, "csv.write: tbl.names[%d] must be a string", (int)j + 1);
		const char *name = lua_tostring(L, -1);
		w[j].name = name;
		if (lua_istable(L, 5) && lua_getfield(L, 5, name) == LUA_TSTRING) {
			int t = ml_csv_type_parse(lua_tostring(L, -1));
			if (t < 0)
				return luaL_error(L, "csv.write: column '%s': unknown type '%s'", name,
				                  lua_tostring(L, -1));
			w[j].type = (ml_csv_type)t;
		}
		lua_settop(L, top + 1);
		int tp = lua_getfield(L, 4, name);
		ml_tensor *vt = ml_l_totensor(L, -1);
		int64_t n;
		if (vt) {
			w[j].values = vt;
			n = vt->ndim == 0 ? 0 : ml_tensor_numel(vt);
			if (w[j].type == ML_CSV_STRING || w[j].type == ML_CSV_CATEGORICAL) {
				if (!lua_istable(L, 6) || lua_getfield(L, 6, name) != LUA_TTABLE)
					return luaL_error(L, "csv.write: column '%s' holds codes but tbl.levels.%s "
					                  "is not a list of strings", name, name);
				size_t nl = lua_rawlen(L, -1);
				const char **lv = lua_newuserdatauv(L, (nl ? nl : 1) * sizeof *lv, 0);
				size_t *ll = lua_newuserdatauv(L, (nl ? nl : 1) * sizeof *ll, 0);
				for (size_t i = 0; i < nl; i++) {
					if (lua_rawgeti(L, -3, (lua_Integer)i + 1) != LUA_TSTRING)
						return luaL_error(L, "csv.write: tbl.levels.%s[%d] must be a string", name,
						                  (int)i + 1);
					lv[i] = lua_tolstring(L, -1, &ll[i]);
					lua_pop(L, 1);
				}
				w[j].levels = lv;
				w[j].level_lens = ll;
				w[j].nlevels = (int64_t)nl;
			}
		} else if (tp == LUA_TTABLE) {
			int list = lua_gettop(L);
			n = nrows >= 0 ? nrows : (int64_t)lua_rawlen(L, list);
			const char **s = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *s, 0);
			size_t *ls = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *ls, 0);
			ml_tensor *mask = NULL;
			for (int64_t i = 0; i < n; i++) {
				int et = lua_rawgeti(L, list, (lua_Integer)i + 1);
				if (et == LUA_TSTRING) {
					s[i] = lua_tolstring(L, -1, &ls[i]); /* kept alive by the list */
				} else if (et == LUA_TNIL || (et == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
					if (!mask) {
						mask = ml_l_pushtensor(L, ML_BYTE);
						ml_error e;
						if (ml_tensor_resize(mask, 1, &n, &e))
							return ml_l_error(L, &e);
						memset(ml_tensor_data(mask), 0, (size_t)n);
						lua_insert(L, -2);
					}
					((uint8_t *)ml_tensor_data(mask))[i] = 1;
					s[i] = "";
					ls[i] = 0;
				} else {
					return luaL_error(L, "csv.write: column '%s' row %d: expected a string, got %s",
					                  name, (int)i + 1, luaL_typename(L, -1));
				}
				lua_pop(L, 1);
			}
			w[j].strings = s;
			w[j].lens = ls;
			w[j].missing = mask;
			if (w[j].type != ML_CSV_STRING && w[j].type != ML_CSV_CATEGORICAL)
				w[j].type = ML_CSV_STRING;
		} else {
			return luaL_error(L, "csv.write: tbl.columns.%s must be a tensor or a list of strings "
			                  "(got %s)", name, luaL_typename(L, -1));
		}
		if (lua_istable(L, 7) && lua_getfield(L, 7, name) != LUA_TNIL) {
			ml_tensor *m = ml_l_totensor(L, -1);
			if (!m)
				return luaL_error(L, "csv.write: tbl.missing.%s must be a tensor", name);
			if (!w[j].missing)
				w[j].missing = m;
		}
		if (nrows < 0)
			nrows = n;
		/* leave this column's values, names and scratch on the stack: they must
		 * outlive the kernel call */
	}
	if (nrows < 0)
		nrows = 0;
	ml_error e;
	if (ml_csv_write_file(path, w, ncols, nrows, sep, header, &e))
		return ml_l_error(L, &e);
	return 0;
}

void ml_l_open_csv(lua_State *L, int methods, int torch)
{
	(void)methods;
	luaL_newmetatable(L, TABLE_BOX_MT);
	lua_pushcfunction(L, l_csv_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	luaL_newmetatable(L, READER_MT);
	static const luaL_Reg reader_methods[] = {
		{"next", l_csv_reader_next},
		{"close", l_csv_reader_close},
		{NULL, NULL},
	};
	luaL_newlib(L, reader_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_csv_reader_close);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, l_csv_reader_close);
	lua_setfield(L, -2, "__close");
	lua_pop(L, 1);
	static const luaL_Reg funcs[] = {
		{"read", l_csv_read},
		{"parse", l_csv_parse},
		{"open_chunks", l_csv_open_chunks},
		{"write", l_csv_write},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	lua_setfield(L, torch, "_csv");
}
