/*
 * main.c - the moonlab command line.  Options follow lua.c's (-e, -l, -i, -v,
 * -E, -W, --, -) plus -h; a script gets the global `arg` and its arguments as
 * `...` exactly as under lua5.4.  Before anything runs, the stdlib folder goes
 * first on package.path and `torch` becomes a global.
 *
 * The subcommands `moonlab notebook ...` and `moonlab tutorial` are
 * dispatched in pmain, before any script runs.  Two process-wide policies
 * are set here, before anything else: OpenMP's wait policy (omp_policy, in a
 * constructor) and malloc's (malloc_policy).
 *
 * Deliberately not here: LUA_INIT is not read (moonlab is not lua5.4).
 */
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lualib.h>

#include "alloc.h"
#include "lmoon.h"
#include "repl.h"

#ifndef ML_VERSION
#define ML_VERSION "0.1.0"
#endif

/* OpenBLAS's own description ("OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell ...");
 * declared here because only the version line needs it. */
char *openblas_get_config(void);
char *openblas_get_corename(void);

/* The parsed command line. */
typedef struct cmdline {
	int argc;    /* main's argc */
	char **argv; /* main's argv */
	int script;  /* index of the script in argv ("-" is stdin), 0 if none */
	int flags;   /* OPT_* */
	int code;    /* exit status of a subcommand (notebook, tutorial); -1: none ran */
} cmdline;

enum {
	OPT_E = 1,     /* -e seen */
	OPT_I = 2,     /* -i: REPL after the script and -e */
	OPT_V = 4,     /* -v: version line */
	OPT_NOENV = 8, /* -E: ignore LUA_PATH, LUA_CPATH, MOONLAB_STDLIB */
	OPT_H = 16,    /* -h: usage */
	OPT_Q = 32,    /* -q: no REPL banner */
};

static void usage(FILE *out)
{
	fputs("usage: " ML_PROGNAME " [options] [script [args]]\n"
	      "       " ML_PROGNAME " notebook run|check NB.lua [options]   (notebook --help)\n"
	      "       " ML_PROGNAME " tutorial [NAME]\n"
	      "Without a script and without -e or -v, " ML_PROGNAME " starts the REPL.\n"
	      "Options:\n"
	      "  -e code   run the Lua code (may be repeated)\n"
	      "  -l mod    require module 'mod' into the global 'mod'\n"
	      "  -l g=mod  require module 'mod' into the global 'g'\n"
	      "  -i        start the REPL after the script and -e code\n"
	      "  -q        no banner when the REPL starts\n"
	      "  -v        print the version line\n"
	      "  -E        ignore LUA_PATH, LUA_CPATH and MOONLAB_STDLIB\n"
	      "  -W        turn Lua warnings on\n"
	      "  -h        print this help\n"
	      "  --        stop handling options\n"
	      "  -         run the script read from stdin\n"
	      "Environment: MOONLAB_STDLIB names the stdlib folder; MOONLAB_HISTORY the REPL's\n"
	      "history file (default ~/.moonlab_history, empty: none); MOONLAB_RC the file run\n"
	      "when an interactive REPL starts (default ~/.moonlabrc.lua); NO_COLOR turns\n"
	      "colours off.\n",
	      out);
}

static int bad_usage(const char *what, const char *opt)
{
	fprintf(stderr, ML_PROGNAME ": %s '%s'\n", what, opt);
	usage(stderr);
	return 0;
}

/* Fills c from argv; returns 0 (after printing the usage) on a bad option.
 * Options stop at the first argument that is not one: the script. */
static int parse_args(cmdline *c, int argc, char **argv)
{
	c->argc = argc;
	c->argv = argv;
	c->script = 0;
	c->flags = 0;
	c->code = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0') { /* the script, or "-" for stdin */
			c->script = i;
			return 1;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "--version") == 0) {
			c->flags |= a[2] == 'h' ? OPT_H : OPT_V;
			continue;
		}
		int flag = 0;
		switch (a[1]) {
		case '-':
			if (a[2] != '\0')
				return bad_usage("unrecognized option", a);
			if (i + 1 < argc)
				c->script = i + 1;
			return 1;
		case 'e':
		case 'l':
			if (a[1] == 'e')
				c->flags |= OPT_E;
			if (a[2] == '\0' && ++i >= argc)
				return bad_usage("missing argument after", a);
			continue;
		case 'i': flag = OPT_I; break;
		case 'v': flag = OPT_V; break;
		case 'q': flag = OPT_Q; break;
		case 'E': flag = OPT_NOENV; break;
		case 'h': flag = OPT_H; break;
		case 'W': flag = 0; break; /* handled in run_options */
		default: return bad_usage("unrecognized option", a);
		}
		if (a[2] != '\0')
			return bad_usage("unrecognized option", a);
		c->flags |= flag;
	}
	return 1;
}

/* Writes "Moonlab 0.1.0 (Lua 5.4.4, OpenBLAS 0.3.21 Haswell)" into out,
 * read from the libraries at run time where they tell. */
static void version_line(char *out, size_t n)
{
	const char *cfg = openblas_get_config(); /* "OpenBLAS 0.3.21 ..." */
	const char *ver = cfg ? strchr(cfg, ' ') : NULL;
	int vlen = 0;
	if (ver) {
		ver++;
		vlen = (int)strcspn(ver, " ");
	} else {
		ver = "?";
		vlen = 1;
	}
	const char *core = openblas_get_corename();
	snprintf(out, n, "Moonlab %s (%s, OpenBLAS %.*s %s)", ML_VERSION, LUA_RELEASE, vlen, ver,
	         core ? core : "?");
}

static void print_version(void)
{
	char line[256];
	version_line(line, sizeof line);
	puts(line);
	fflush(stdout);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* out = dir + tail; 0 when it does not fit. */
static int join(char *out, size_t n, const char *dir, const char *tail)
{
	int len = snprintf(out, n, "%s%s", dir, tail);
	return len >= 0 && (size_t)len < n;
}

/* Finds the stdlib folder into out: $MOONLAB_STDLIB (unless -E), else
 * <folder of the executable>/stdlib (the build tree), else
 * <folder of the executable>/../share/moonlab/stdlib (after make install),
 * else <folder of the executable>/../stdlib (a binary in build-asan/ ...).
 * The exe-relative paths are resolved (realpath).  Returns 1, or 0 after
 * writing why on stderr. */
static int find_stdlib(const cmdline *c, char out[PATH_MAX])
{
	const char *env = (c->flags & OPT_NOENV) ? NULL : getenv("MOONLAB_STDLIB");
	if (env && *env) {
		if (is_dir(env) && join(out, PATH_MAX, env, ""))
			return 1;
		fprintf(stderr, ML_PROGNAME ": MOONLAB_STDLIB=%s is not a folder\n", env);
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0)
		exe[len] = '\0';
	else if (!realpath(c->argv[0], exe))
		snprintf(exe, sizeof exe, "%s", c->argv[0]);
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(exe, sizeof exe, ".");
	static const char *const tails[] = {"/stdlib", "/../share/moonlab/stdlib", "/../stdlib"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char cand[PATH_MAX];
		if (join(cand, sizeof cand, exe, tails[i]) && is_dir(cand) && realpath(cand, out))
			return 1;
	}
	fprintf(stderr,
	        ML_PROGNAME ": cannot find the stdlib (tried %s/stdlib, "
	        "%s/../share/moonlab/stdlib and %s/../stdlib); set MOONLAB_STDLIB\n",
	        exe, exe, exe);
	return 0;
}

/* Puts the stdlib first on package.path, makes "moonlab.core" requirable and
 * sets the global torch = require "torch".  Returns a lua_pcall status. */
static int open_moonlab(lua_State *L, const char *stdlib)
{
	lua_getglobal(L, "package");
	/* plot/ (the plot layer) sits next to stdlib/, in the tree and installed */
	lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s/../plot/?.lua;%s/../plot/?/init.lua;", stdlib,
	                stdlib, stdlib, stdlib);
	lua_getfield(L, -2, "path");
	lua_concat(L, 2);
	lua_setfield(L, -2, "path");
	lua_pop(L, 1);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
	lua_pushcfunction(L, luaopen_moonlab_core);
	lua_setfield(L, -2, "moonlab.core");
	lua_pop(L, 1);
	lua_getglobal(L, "require");
	lua_pushliteral(L, "torch");
	int status = ml_repl_docall(L, 1, 1);
	if (status == LUA_OK)
		lua_setglobal(L, "torch");
	return status;
}

/* The global `arg`, as lua.c makes it: arg[0] is the script (or the program
 * when there is none), arg[1..] its arguments, arg[-k] what came before. */
static void create_arg_table(lua_State *L, const cmdline *c)
{
	int script = c->script;
	int narg = c->argc - (script + 1);
	lua_createtable(L, narg > 0 ? narg : 0, script + 1);
	for (int i = 0; i < c->argc; i++) {
		lua_pushstring(L, c->argv[i]);
		lua_rawseti(L, -2, i - script);
	}
	lua_setglobal(L, "arg");
}

static int run_string(lua_State *L, const char *code)
{
	int status = luaL_loadbuffer(L, code, strlen(code), "=(command line)");
	if (status == LUA_OK)
		status = ml_repl_docall(L, 0, 0);
	return ml_repl_report(L, status, 1);
}

/* -l spec: "mod" sets the global mod (up to a '-' suffix, as lua.c), and
 * "g=mod" sets the global g, to require(mod). */
static int run_library(lua_State *L, const char *spec)
{
	const char *eq = strchr(spec, '=');
	const char *mod = eq ? eq + 1 : spec;
	size_t glen = eq ? (size_t)(eq - spec) : strcspn(spec, "-");
	lua_getglobal(L, "require");
	lua_pushstring(L, mod);
	int status = ml_repl_docall(L, 1, 1);
	if (status == LUA_OK) { /* _G[globalname] = module */
		lua_pushglobaltable(L);
		lua_pushlstring(L, spec, glen);
		lua_pushvalue(L, -3);
		lua_settable(L, -3);
		lua_pop(L, 2);
	}
	return ml_repl_report(L, status, 1);
}

/* Runs -e, -l and -W in command-line order; stops at the first failure. */
static int run_options(lua_State *L, const cmdline *c)
{
	int last = c->script ? c->script : c->argc;
	for (int i = 1; i < last; i++) {
		const char *a = c->argv[i];
		if (a[0] != '-')
			continue;
		if (a[1] == 'W') {
			lua_warning(L, "@on", 0);
			continue;
		}
		if (a[1] != 'e' && a[1] != 'l')
			continue;
		const char *extra = a[2] ? a + 2 : c->argv[++i];
		int status = a[1] == 'e' ? run_string(L, extra) : run_library(L, extra);
		if (status != LUA_OK)
			return status;
	}
	return LUA_OK;
}

/* Loads the script (stdin for "-", unless it came after "--"), then calls it
 * with arg[1..] as `...`. */
static int run_script(lua_State *L, const cmdline *c)
{
	const char *fname = c->argv[c->script];
	if (strcmp(fname, "-") == 0 && strcmp(c->argv[c->script - 1], "--") != 0)
		fname = NULL;
	int status = luaL_loadfile(L, fname);
	if (status == LUA_OK) {
		if (lua_getglobal(L, "arg") != LUA_TTABLE)
			luaL_error(L, "'arg' is not a table");
		int n = (int)luaL_len(L, -1);
		luaL_checkstack(L, n + 3, "too many arguments to script");
		for (int i = 1; i <= n; i++)
			lua_rawgeti(L, -i, i);
		lua_remove(L, -n - 1);
		status = ml_repl_docall(L, n, LUA_MULTRET);
	}
	return ml_repl_report(L, status, 1);
}

/* `moonlab notebook ...` and `moonlab tutorial ...`: the script position
 * holds one of these words (a script of that name needs a path: ./notebook).
 * Calls moonlab.notebook.cli's main(word, {words after it}), which returns
 * the exit status and whether to open the REPL (a tutorial steps in it).
 * Returns the Lua status; *code and *repl are set on success. */
static int is_subcommand(const cmdline *c)
{
	if (!c->script)
		return 0;
	const char *w = c->argv[c->script];
	return strcmp(w, "notebook") == 0 || strcmp(w, "tutorial") == 0;
}

static int run_subcommand(lua_State *L, const cmdline *c, int *code, int *repl)
{
	lua_getglobal(L, "require");
	lua_pushliteral(L, "moonlab.notebook.cli");
	int status = ml_repl_docall(L, 1, 1);
	if (status != LUA_OK)
		return ml_repl_report(L, status, 1);
	lua_getfield(L, -1, "main");
	lua_remove(L, -2);
	lua_pushstring(L, c->argv[c->script]);
	lua_createtable(L, c->argc - c->script - 1, 0);
	for (int i = c->script + 1; i < c->argc; i++) {
		lua_pushstring(L, c->argv[i]);
		lua_rawseti(L, -2, i - c->script);
	}
	status = ml_repl_docall(L, 2, 2);
	if (status != LUA_OK)
		return ml_repl_report(L, status, 1);
	*code = (int)luaL_optinteger(L, -2, 0);
	*repl = lua_toboolean(L, -1);
	lua_pop(L, 2);
	return LUA_OK;
}

/* Everything after parsing, in protected mode so that memory errors are
 * reported.  Returns true on the stack when all went well, and leaves the
 * exit status of a subcommand in *c->code. */
static int pmain(lua_State *L)
{
	cmdline *c = lua_touserdata(L, 1);
	char stdlib[PATH_MAX];
	luaL_checkversion(L);
	if (c->flags & OPT_NOENV) { /* luaopen_package then ignores LUA_PATH */
		lua_pushboolean(L, 1);
		lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
	}
	luaL_openlibs(L);
	create_arg_table(L, c);
	lua_gc(L, LUA_GCRESTART);
	lua_gc(L, LUA_GCGEN, 0, 0);
	if (!find_stdlib(c, stdlib))
		return 0;
	if (ml_repl_report(L, open_moonlab(L, stdlib), 1) != LUA_OK)
		return 0;
	ml_repl_mark_builtins(L);
	int repl = (c->flags & OPT_I) || (!c->script && !(c->flags & (OPT_E | OPT_V)));
	int interactive = repl && isatty(STDIN_FILENO);
	if (is_subcommand(c)) {
		int code = 0, want_repl = 0;
		int ok = run_options(L, c) == LUA_OK && run_subcommand(L, c, &code, &want_repl) == LUA_OK;
		c->code = ok ? code : EXIT_FAILURE;
		if (ok && want_repl) {
			ml_repl_options opts = {NULL, 1};
			ml_repl_run(L, &opts);
		}
		lua_pushboolean(L, ok && code == 0);
		return 1;
	}
	if (interactive)
		ml_repl_run_rc(L); /* its errors are reported; the session goes on */
	/* With -i, a failing option or script still opens the REPL (to look
	 * at what it left behind); the exit status then says it failed. */
	int ok = run_options(L, c) == LUA_OK && (!c->script || run_script(L, c) == LUA_OK);
	if (!ok && !(c->flags & OPT_I))
		return 0;
	if (repl) {
		char line[256];
		ml_repl_options opts = {NULL, (c->flags & OPT_Q) != 0};
		if (!(c->flags & OPT_V)) {
			version_line(line, sizeof line);
			opts.version = line;
		}
		ml_repl_run(L, &opts);
	}
	lua_pushboolean(L, ok);
	return 1;
}

/* Tensors are freed by the garbage collector, in bursts.  By default glibc
 * hands such a burst back to the kernel (trims the heap) and the next large
 * tensors fault in fresh pages, which the kernel clears: about 1 ms per 8 MB,
 * as much as the work many kernels do on them.  Keep up to 256 MB of freed
 * memory for reuse, and serve blocks below 32 MB (glibc's own ceiling for
 * that choice) from the heap.  The moonlab.so module leaves the policy to
 * its host program.  Not set: fast bins up to 160 bytes (M_MXFAST), which
 * made `a + b` on 10 Doubles 3-6% faster and a LeNet epoch 15% slower. */
static void malloc_policy(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

/* OpenMP's wait policy.  moonlab's kernels run OpenMP loops (libgomp) next
 * to OpenBLAS's own threads.  By default an idle libgomp worker spins on its
 * core for a while after each loop, and on a machine with few cores the
 * OpenBLAS call that follows waits for that core: one epoch of a small MLP
 * took 1.4 s instead of 0.55 s on 2 cores.  Passive waiting (sleep at once)
 * costs nothing measurable on the 10M-element benchmarks; waking a worker
 * takes some tens of microseconds, which the parallel grains of
 * kernels/internal.h allow for.
 *
 * libgomp reads OMP_WAIT_POLICY once, in its constructor.  The executable
 * links libgomp statically (Makefile), so that constructor is one of ours,
 * and a constructor of higher priority runs first: it sets the policy when
 * neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set, with a marker variable
 * (the constructor has no other way to tell main).  main then removes both,
 * so that scripts and the programs they start see the environment they were
 * given.  (Where libgomp is a shared library, its
 * constructor runs before any of the executable's and this changes nothing.) */
#define OMP_MARK "MOONLAB_SET_OMP_WAIT_POLICY" /* says which variable main removes */

__attribute__((constructor(101))) static void omp_policy(void)
{
	if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT") && setenv("OMP_WAIT_POLICY", "passive", 0) == 0)
		setenv(OMP_MARK, "1", 1);
}

static void omp_policy_hide(void)
{
	if (getenv(OMP_MARK)) {
		unsetenv("OMP_WAIT_POLICY");
		unsetenv(OMP_MARK);
	}
}

int main(int argc, char **argv)
{
	omp_policy_hide();
	malloc_policy();
	cmdline c;
	if (!parse_args(&c, argc, argv))
		return EXIT_FAILURE;
	if (c.flags & OPT_H) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (c.flags & OPT_V)
		print_version();
	ml_pool *pool = ml_pool_create();
	lua_State *L = pool ? ml_pool_newstate(pool) : NULL;
	if (L == NULL) {
		fputs(ML_PROGNAME ": cannot create the Lua state: not enough memory\n", stderr);
		ml_pool_destroy(pool);
		return EXIT_FAILURE;
	}
	lua_gc(L, LUA_GCSTOP); /* no collection while the state is built */
	lua_pushcfunction(L, pmain);
	lua_pushlightuserdata(L, &c);
	int status = lua_pcall(L, 1, 1, 0);
	int ok = status == LUA_OK && lua_toboolean(L, -1);
	ml_repl_report(L, status, 1);
	lua_close(L);
	ml_pool_destroy(pool);
	if (c.code > 0)
		return c.code;
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
