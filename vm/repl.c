/*
 * repl.c - the read-eval-print loop, and the protected call with Ctrl-C
 * support that the command line uses for scripts as well.
 *
 * This is the C half of the REPL: reading lines (libedit on a terminal, with
 * a persistent history and tab completion; plain stdio on a pipe, with no
 * prompts), compiling chunks (an expression first, so that its values print,
 * then statements; input that stops too early continues on the next line; a
 * trailing ';' suppresses the printing), running them with a short traceback
 * on error, and Ctrl-C: a Lua hook raises "interrupted" in Lua code and the
 * kernels' interrupt flag (kernels/interrupt.h) stops long C loops.
 *
 * The Lua half, stdlib/moonlab/repl.lua, does everything that is about values
 * rather than input: displaying results (pretty tables, tensors fitted to the
 * terminal, colours), `_` and `_N`, completion candidates, help and the
 * `:commands`.  When it cannot be loaded the loop still works, printing
 * results with tostring.
 *
 * Deliberately not here: anything that looks inside values, and vi mode or key
 * bindings beyond libedit's own (~/.editrc configures those).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <editline/readline.h>
#include <lauxlib.h>

#include "../kernels/interrupt.h"
#include "repl.h"

#define CHUNKNAME "=stdin"
#define EOFMARK "<eof>"   /* how the parser's message ends when input stops early */
#define HISTORY_MAX 2000  /* entries kept in the history file */
#define TRACE_HEAD 6      /* frames shown before "..." in a long traceback */
#define TRACE_TAIL 4      /* and after */
#define BUILTINS_KEY "moonlab.repl.builtins" /* registry: names of the globals at start */
#define LASTHIST_KEY "moonlab.repl.lasthist" /* registry: the newest history entry */

/* ---- Ctrl-C ----
 * A signal handler can reach nothing but static storage, so these are the
 * host's mutable statics (lua.c keeps the same kind of pointer). */
static lua_State *volatile sig_L;           /* state running Lua code, or NULL */
static volatile sig_atomic_t sig_at_prompt; /* SIGINT arrived while reading */
static volatile sig_atomic_t sig_presses;   /* SIGINTs since the code started */
static volatile sig_atomic_t sig_in_repl;   /* 1: the REPL runs (the third press kills) */
static ml_interrupt sig_flag;               /* what long kernels poll */

static int msghandler(lua_State *L);

/* Hook set from the signal handler: raises at the next Lua instruction.  A
 * kernel that saw the interrupt flag has already raised its own error; the
 * hook then fires on the call of the message handler and stands aside. */
static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
	lua_sethook(L, NULL, 0, 0);
	if (ar->event == LUA_HOOKCALL && lua_getinfo(L, "f", ar)) {
		int handling = lua_tocfunction(L, -1) == msghandler;
		lua_pop(L, 1);
		if (handling)
			return;
	}
	luaL_error(L, "interrupted");
}

static void on_sigint(int sig)
{
	static const char warn[] = "\n(Ctrl-C once more kills moonlab)\n";
	lua_State *L = sig_L;
	if (L == NULL) {
		sig_at_prompt = 1;
		return;
	}
	sig_flag.pending = 1;
	sig_presses++;
	/* Code that stays in C and polls nothing cannot be stopped: let the
	 * last press kill, as the default action would. */
	if (sig_presses >= (sig_in_repl ? 2 : 1))
		signal(sig, SIG_DFL);
	if (sig_in_repl && sig_presses == 2) {
		ssize_t w = write(STDERR_FILENO, warn, sizeof warn - 1);
		(void)w;
	}
	lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

/* Installs on_sigint for SIGINT and saves the previous action in old.  No
 * SA_RESTART: a blocking read must return EINTR.  An ignored SIGINT (process
 * started in the background) stays ignored. */
static void catch_sigint(struct sigaction *old)
{
	struct sigaction sa;
	sigaction(SIGINT, NULL, old);
	if (old->sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

/* ---- running code and reporting errors ---- */

/* Message handler: the message (or the error object's __tostring) plus a
 * traceback. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

int ml_repl_docall(lua_State *L, int nargs, int nresults)
{
	int base = lua_gettop(L) - nargs;
	struct sigaction old;
	lua_State *outer = sig_L;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	if (outer == NULL) { /* a fresh run: no interrupt pending */
		sig_flag.pending = 0;
		sig_presses = 0;
		ml_interrupt_watch(&sig_flag);
	}
	sig_L = L;
	catch_sigint(&old);
	int status = lua_pcall(L, nargs, nresults, base);
	sigaction(SIGINT, &old, NULL);
	sig_L = outer;
	if (outer == NULL) {
		sig_flag.pending = 0;
		sig_presses = 0;
	}
	/* A Ctrl-C that came during C code at the very end must not hit the
	 * next chunk. */
	if (lua_gethook(L) == interrupt_hook)
		lua_sethook(L, NULL, 0, 0);
	lua_remove(L, base);
	return status;
}

int ml_repl_report(lua_State *L, int status, int prefixed)
{
	/* the bottom frame is always the host's own C entry: noise */
	static const char tail[] = "\n\t[C]: in ?";
	const size_t ntail = sizeof tail - 1;
	if (status == LUA_OK)
		return status;
	size_t len;
	const char *msg = lua_tolstring(L, -1, &len);
	if (msg == NULL) {
		msg = "(error object is not a string)";
		len = strlen(msg);
	}
	if (len >= ntail && memcmp(msg + len - ntail, tail, ntail) == 0)
		len -= ntail;
	fflush(stdout);
	if (prefixed)
		fputs(ML_PROGNAME ": ", stderr);
	fwrite(msg, 1, len, stderr);
	fputc('\n', stderr);
	fflush(stderr);
	lua_pop(L, 1);
	return status;
}

void ml_repl_mark_builtins(lua_State *L)
{
	lua_newtable(L);
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			lua_pushvalue(L, -1);
			lua_pushboolean(L, 1);
			lua_rawset(L, -5);
		}
	}
	lua_pop(L, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, BUILTINS_KEY);
}

int ml_repl_run_rc(lua_State *L)
{
	const char *path = getenv("MOONLAB_RC");
	const char *home = getenv("HOME");
	if (path == NULL) {
		if (home == NULL || *home == '\0')
			return LUA_OK;
		path = lua_pushfstring(L, "%s/.moonlabrc.lua", home);
	} else {
		lua_pushstring(L, path);
	}
	if (*path == '\0' || access(path, R_OK) != 0) {
		lua_pop(L, 1);
		return LUA_OK;
	}
	int status = luaL_loadfile(L, path);
	lua_remove(L, -2);
	if (status == LUA_OK)
		status = ml_repl_docall(L, 0, 0);
	return ml_repl_report(L, status, 1);
}

/* ---- the REPL's state ---- */

typedef struct repl {
	lua_State *L;       /* the state the loop runs in */
	int tty;            /* stdin is a terminal: libedit, prompts, history */
	int color;          /* stdout is a terminal and NO_COLOR is unset */
	int lua_ref;        /* registry ref of the Lua half (moonlab.repl), or LUA_NOREF */
	int count;          /* number of the next input */
	const char *hist;   /* history file (a string kept in the registry), or NULL */
	int quit;           /* :quit was typed */
} repl;

/* The completion callback of libedit carries no user pointer: the state it
 * completes in is kept here while readline runs. */
static repl *volatile comp_repl;

/* Text to put on the next prompt, ready to run or edit (a tutorial's next
 * cell): tty_getc hands it to libedit as if typed, since text inserted
 * before editing starts is cleared when it does.  The string lives on the
 * Lua stack while readline runs. */
static const char *volatile prefill_next;

/* Pushes field `name` of the Lua half; returns 0 (pushing nothing) without one. */
static int get_lua(repl *r, const char *name)
{
	lua_State *L = r->L;
	if (r->lua_ref == LUA_NOREF)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->lua_ref);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	if (lua_isfunction(L, -1))
		return 1;
	lua_pop(L, 1);
	return 0;
}

/* Writes one traceback frame line, unless it is the REPL's own. */
static int own_frame(const char *line, size_t len)
{
	static const char *const own[] = {"moonlab/repl.lua:", "[C]: in ?", "(...tail calls...)",
	                                  "moonlab/help.lua:"};
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
		size_t n = strlen(own[i]);
		for (size_t k = 0; k + n <= len; k++)
			if (memcmp(line + k, own[i], n) == 0)
				return 1;
	}
	return 0;
}

/* Reports an error of the REPL's own running: the message (red on a colour
 * terminal), then at most TRACE_HEAD + TRACE_TAIL frames of the traceback,
 * without the frames of the REPL itself.  Pops the message. */
static void report(repl *r, int status)
{
	lua_State *L = r->L;
	if (status == LUA_OK)
		return;
	size_t len;
	const char *msg = lua_tolstring(L, -1, &len);
	if (msg == NULL) {
		msg = "(error object is not a string)";
		len = strlen(msg);
	}
	static const char mark[] = "\nstack traceback:\n";
	const char *tb = strstr(msg, mark);
	size_t head = tb ? (size_t)(tb - msg) : len;
	fflush(stdout);
	fputs(r->color ? "\033[31m" : "", stderr);
	fwrite(msg, 1, head, stderr);
	fputs(r->color ? "\033[0m\n" : "\n", stderr);
	if (tb) {
		/* the frames, one per line, each starting with a tab */
		const char *frames[256];
		size_t lens[256];
		int n = 0, more = 0;
		const char *p = tb + sizeof mark - 1, *end = msg + len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (!own_frame(p, l)) {
				if (n < 256) {
					frames[n] = p;
					lens[n++] = l;
				} else {
					more++;
				}
			}
			p += l + 1;
		}
		if (n > 0)
			fputs("stack traceback:\n", stderr);
		for (int i = 0; i < n; i++) {
			if (n + more > TRACE_HEAD + TRACE_TAIL && i == TRACE_HEAD) {
				fprintf(stderr, "\t... (%d more)\n", n + more - TRACE_HEAD - TRACE_TAIL);
				i = n - TRACE_TAIL;
			}
			fwrite(frames[i], 1, lens[i], stderr);
			fputc('\n', stderr);
		}
	}
	fflush(stderr);
	lua_pop(L, 1);
}

/* Calls the Lua half's function `name` with the nargs values on top of the
 * stack (popped), without results; errors are reported.  Without a Lua half
 * the values are popped and nothing happens. */
static int call_lua(repl *r, const char *name, int nargs)
{
	lua_State *L = r->L;
	if (!get_lua(r, name)) {
		lua_pop(L, nargs);
		return LUA_ERRRUN;
	}
	lua_insert(L, -nargs - 1);
	int status = ml_repl_docall(L, nargs, 1);
	if (status == LUA_OK) {
		if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "quit") == 0)
			r->quit = 1;
		lua_pop(L, 1);
	}
	report(r, status);
	return status;
}

/* Writes its arguments with tostring, separated by tabs, and a newline: the
 * display when the Lua half is missing. */
static int l_repl_print(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		if (i > 1)
			fputc('\t', stdout);
		fwrite(s, 1, len, stdout);
		lua_pop(L, 1);
	}
	fputc('\n', stdout);
	fflush(stdout);
	return 0;
}

/* Shows the n results of input number `count` on top of the stack and pops
 * them (the Lua half also keeps them as _ and _count). */
static void print_results(repl *r, int n)
{
	lua_State *L = r->L;
	if (n <= 0)
		return;
	if (!lua_checkstack(L, LUA_MINSTACK)) {
		lua_pop(L, n);
		fputs("too many results to print\n", stderr);
		return;
	}
	int nargs = n;
	if (get_lua(r, "display")) { /* display(count, ...) */
		lua_insert(L, -n - 1);
		lua_pushinteger(L, r->count);
		lua_insert(L, -n - 1);
		nargs = n + 1;
	} else {
		lua_pushcfunction(L, l_repl_print);
		lua_insert(L, -n - 1);
	}
	int status = ml_repl_docall(L, nargs, 0);
	report(r, status);
}

/* ---- terminal helpers for the Lua half ---- */

/* termsize() -> columns, rows of the terminal on stdout, or nothing. */
static int l_repl_termsize(lua_State *L)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return 0;
	lua_pushinteger(L, ws.ws_col);
	lua_pushinteger(L, ws.ws_row);
	return 2;
}

static void close_dir(DIR **box)
{
	if (*box) {
		closedir(*box);
		*box = NULL;
	}
}

/* __gc of the box that holds an open folder: closes it once. */
static int l_repl_dir_gc(lua_State *L)
{
	close_dir(lua_touserdata(L, 1));
	return 0;
}

/* listdir(dir) -> the names in folder dir ("." when empty), folders with a
 * trailing '/', hidden ones included; nothing when it cannot be read.  For
 * completing file names.  The DIR lives in a box whose __gc closes it, so a
 * memory error while listing leaks nothing. */
static int l_repl_listdir(lua_State *L)
{
	const char *dir = luaL_optstring(L, 1, ".");
	if (*dir == '\0')
		dir = ".";
	DIR **box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = NULL;
	if (luaL_newmetatable(L, "moonlab.repl.dir")) {
		lua_pushcfunction(L, l_repl_dir_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	*box = opendir(dir);
	if (*box == NULL)
		return 0;
	lua_newtable(L);
	lua_Integer n = 0;
	struct dirent *de;
	char path[4096];
	while ((de = readdir(*box)) != NULL) {
		const char *nm = de->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
			continue;
		int isdir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
			struct stat st;
			snprintf(path, sizeof path, "%s/%s", dir, nm);
			isdir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		}
		lua_pushstring(L, nm);
		if (isdir) {
			lua_pushliteral(L, "/");
			lua_concat(L, 2);
		}
		lua_rawseti(L, -2, ++n);
	}
	close_dir(box);
	return 1;
}

/* ---- reading lines ---- */

enum { LINE_OK, LINE_EOF, LINE_INTERRUPTED };

/* libedit's character source on a terminal: one character, decoded from the
 * locale's multibyte encoding, or -1 at end of input or when Ctrl-C arrived
 * (which makes readline return at once instead of retrying the read). */
static int tty_getc(FILE *f)
{
	mbstate_t st;
	(void)f;
	memset(&st, 0, sizeof st);
	for (;;) {
		unsigned char byte;
		if (sig_at_prompt) /* came before readline started reading */
			return -1;
		ssize_t n;
		const char *pre = prefill_next;
		if (pre && *pre) { /* the prefill, before anything typed */
			byte = (unsigned char)*pre;
			prefill_next = pre + 1;
			n = 1;
		} else {
			n = read(STDIN_FILENO, &byte, 1);
		}
		if (n == 1) {
			char c = (char)byte;
			wchar_t wc;
			size_t k = mbrtowc(&wc, &c, 1, &st);
			if (k == (size_t)-2)
				continue; /* inside a multibyte character */
			if (k == (size_t)-1)
				return byte; /* not valid in this locale: pass the byte on */
			return (int)wc;
		}
		if (n < 0 && errno == EINTR && !sig_at_prompt)
			continue;
		return -1;
	}
}

/* Pushes the C string given as a light userdata (run protected, so a memory
 * error cannot leak readline's buffer). */
static int l_repl_pushline(lua_State *L)
{
	lua_pushstring(L, (const char *)lua_touserdata(L, 1));
	return 1;
}

/* Reads one line from a pipe into a string pushed on the stack (without
 * its newline).  Returns 0, pushing nothing, at end of input. */
static int read_pipe_line(lua_State *L)
{
	luaL_Buffer b;
	int c, got = 0;
	luaL_buffinit(L, &b);
	while ((c = getc(stdin)) != EOF) {
		got = 1;
		if (c == '\n')
			break;
		luaL_addchar(&b, (char)c);
	}
	luaL_pushresult(&b);
	if (!got)
		lua_pop(L, 1);
	return got;
}

/* Reads one line with the given prompt and pushes it (LINE_OK), or pushes
 * nothing and returns LINE_EOF or LINE_INTERRUPTED (Ctrl-C at the prompt). */
static int read_line(repl *r, const char *prompt)
{
	lua_State *L = r->L;
	if (!r->tty)
		return read_pipe_line(L) ? LINE_OK : LINE_EOF;
	sig_at_prompt = 0;
	comp_repl = r;
	char *line = readline(prompt);
	comp_repl = NULL;
	prefill_next = NULL; /* its string may not outlive this call (an error below unwinds) */
	if (sig_at_prompt) {
		free(line);
		fputs("^C\n", stdout);
		fflush(stdout);
		return LINE_INTERRUPTED;
	}
	if (line == NULL)
		return LINE_EOF;
	lua_pushcfunction(L, l_repl_pushline);
	lua_pushlightuserdata(L, line);
	int status = lua_pcall(L, 1, 1, 0);
	free(line);
	if (status != LUA_OK)
		lua_error(L);
	return LINE_OK;
}

/* ---- history ---- */

/* The history file: $MOONLAB_HISTORY (empty: none), else ~/.moonlab_history.
 * Pushes the path (or nil) and returns it. */
static const char *history_path(lua_State *L)
{
	const char *env = getenv("MOONLAB_HISTORY");
	const char *home = getenv("HOME");
	if (env != NULL)
		return *env ? lua_pushstring(L, env) : (lua_pushnil(L), NULL);
	if (home == NULL || *home == '\0') {
		lua_pushnil(L);
		return NULL;
	}
	return lua_pushfstring(L, "%s/.moonlab_history", home);
}

/* Keeps a chunk (multi-line ones whole) in the terminal's history, unless it
 * repeats the previous entry, and rewrites the history file at once, so that
 * os.exit or a crash lose nothing. */
static void save_history(repl *r, int idx)
{
	lua_State *L = r->L;
	const char *chunk = lua_tostring(L, idx);
	if (!r->tty || chunk == NULL || chunk[strspn(chunk, " \t\n")] == '\0')
		return;
	lua_getfield(L, LUA_REGISTRYINDEX, LASTHIST_KEY);
	const char *last = lua_tostring(L, -1);
	int same = last != NULL && strcmp(last, chunk) == 0;
	lua_pop(L, 1);
	if (same)
		return;
	lua_pushvalue(L, idx);
	lua_setfield(L, LUA_REGISTRYINDEX, LASTHIST_KEY);
	add_history(chunk);
	if (r->hist)
		write_history(r->hist);
}

/* ---- completion ---- */

/* Runs the Lua half's complete(line, start) with the line up to the cursor
 * (a light userdata and its length) and returns its table of candidates. */
static int l_repl_complete(lua_State *L)
{
	const char *line = lua_touserdata(L, 1);
	lua_Integer end = lua_tointeger(L, 2), start = lua_tointeger(L, 3);
	lua_settop(L, 4); /* 4: the complete function */
	lua_pushlstring(L, line, (size_t)end);
	lua_pushinteger(L, start);
	lua_call(L, 2, 1);
	return 1;
}

/* Duplicates s (length n) with malloc, or returns NULL. */
static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* libedit's completion hook: asks the Lua half for the words that can
 * replace the text between start and end, and returns them as readline
 * wants: [0] the common prefix, then the candidates, then NULL. */
static char **attempted_completion(const char *text, int start, int end)
{
	repl *r = comp_repl;
	(void)text;
	rl_attempted_completion_over = 1; /* no file-name fallback */
	if (r == NULL)
		return NULL;
	lua_State *L = r->L;
	int top = lua_gettop(L);
	lua_pushcfunction(L, l_repl_complete);
	lua_pushlightuserdata(L, rl_line_buffer);
	lua_pushinteger(L, end);
	lua_pushinteger(L, start);
	if (!get_lua(r, "complete") || lua_pcall(L, 4, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
		lua_settop(L, top);
		return NULL;
	}
	size_t n = lua_rawlen(L, -1);
	char **m = n ? calloc(n + 2, sizeof *m) : NULL;
	size_t lcp = 0; /* length of the common prefix */
	const char *first = NULL;
	for (size_t i = 1; m && i <= n; i++) {
		size_t len;
		lua_rawgeti(L, -1, (lua_Integer)i);
		const char *s = lua_tolstring(L, -1, &len);
		if (s == NULL)
			s = "", len = 0;
		if (i == 1) {
			lcp = len;
			first = m[1] = dup_n(s, len);
		} else {
			size_t k = 0;
			while (k < lcp && k < len && first[k] == s[k])
				k++;
			lcp = k;
			m[i] = dup_n(s, len);
		}
		lua_pop(L, 1);
		if (m[i] == NULL) { /* out of memory: no completion */
			for (size_t k = 1; k < i; k++)
				free(m[k]);
			free(m);
			m = NULL;
		}
	}
	lua_settop(L, top);
	if (m == NULL)
		return NULL;
	if (n == 1) { /* the single match replaces the word */
		m[0] = m[1];
		m[1] = NULL;
		return m;
	}
	m[0] = dup_n(first, lcp);
	if (m[0] == NULL) {
		for (size_t k = 1; k <= n; k++)
			free(m[k]);
		free(m);
		return NULL;
	}
	return m;
}

/* ---- compiling chunks ---- */

/* Nonzero (and pops the message) when status is a syntax error at the end of
 * the input: the chunk may continue on the next line. */
static int incomplete(lua_State *L, int status)
{
	if (status != LUA_ERRSYNTAX)
		return 0;
	size_t len, nmark = sizeof EOFMARK - 1;
	const char *msg = lua_tolstring(L, -1, &len);
	if (len < nmark || strcmp(msg + len - nmark, EOFMARK) != 0)
		return 0;
	lua_pop(L, 1);
	return 1;
}

/* Compiles the code on top of the stack: first as an expression list
 * ("return CODE;", a trailing ';' of the user's dropped), then as statements.
 * Leaves the function (or the error message) above the code and returns the
 * load status, or returns -1 with nothing pushed when the code is incomplete.
 * *quiet tells whether the code ends with ';', *expr whether it compiled as
 * an expression. */
static int compile(lua_State *L, int *quiet, int *expr)
{
	size_t len;
	const char *code = lua_tolstring(L, -1, &len);
	size_t n = len;
	while (n > 0 && isspace((unsigned char)code[n - 1]))
		n--;
	*quiet = n > 0 && code[n - 1] == ';';
	lua_pushliteral(L, "return ");
	lua_pushlstring(L, code, *quiet ? n - 1 : n);
	lua_pushliteral(L, ";");
	lua_concat(L, 3);
	size_t elen;
	const char *text = lua_tolstring(L, -1, &elen);
	int status = luaL_loadbuffer(L, text, elen, CHUNKNAME);
	lua_remove(L, -2);
	*expr = status == LUA_OK;
	if (status == LUA_OK)
		return status;
	lua_pop(L, 1);
	code = lua_tolstring(L, -1, &len);
	status = luaL_loadbuffer(L, code, len, CHUNKNAME);
	return incomplete(L, status) ? -1 : status;
}

enum { CHUNK_EOF = -1, CHUNK_CANCEL = -2, CHUNK_COMMAND = -3, CHUNK_EMPTY = -4 };

/* A line for the Lua half rather than Lua: "?name", "name?", ":command",
 * "$ shell command". */
static int is_command(const char *line)
{
	line += strspn(line, " \t");
	size_t n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if (line[0] == '?' || line[0] == '$')
		return 1;
	if (line[0] == ':' && isalpha((unsigned char)line[1]))
		return 1;
	if (line[n - 1] != '?')
		return 0;
	for (size_t i = 0; i + 1 < n; i++) /* "torch.add?": a name, then '?' */
		if (!isalnum((unsigned char)line[i]) && line[i] != '_' && line[i] != '.' && line[i] != ':')
			return 0;
	return 1;
}

/* The prompt of input number count (continuation: the same width). */
static const char *prompt(repl *r, int continued)
{
	lua_State *L = r->L;
	char num[32];
	int w = snprintf(num, sizeof num, "[%d]", r->count);
	const char *on = r->color ? "\001\033[32m\001" : "";
	const char *off = r->color ? "\001\033[0m\001" : "";
	if (continued) { /* "...>" right-aligned under "[12]>" */
		char pad[32];
		int k = w > 3 ? w - 3 : 0;
		memset(pad, ' ', (size_t)k);
		pad[k] = '\0';
		return lua_pushfstring(L, "%s%s...>%s ", on, pad, off);
	}
	return lua_pushfstring(L, "%s%s>%s ", on, num, off);
}

/* Reads and compiles one chunk.  Returns LUA_OK with the code and its
 * function pushed, a load status with the code and the message pushed,
 * CHUNK_COMMAND with the line pushed, or CHUNK_EOF / CHUNK_CANCEL /
 * CHUNK_EMPTY with nothing pushed.  *quiet: the code ends with ';'; *expr:
 * it is an expression. */
static int load_chunk(repl *r, int *quiet, int *expr)
{
	lua_State *L = r->L;
	/* the Lua half's take_prefill() may give text for the prompt (a string
	 * without newlines: libedit edits one line) */
	int prefilled = 0;
	if (r->tty && get_lua(r, "take_prefill")) {
		if (lua_pcall(L, 0, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING &&
		    !strchr(lua_tostring(L, -1), '\n')) {
			prefill_next = lua_tostring(L, -1);
			prefilled = 1;
		} else {
			lua_pop(L, 1);
		}
	}
	const char *p = r->tty ? prompt(r, 0) : "";
	int rc = read_line(r, p);
	if (r->tty)
		lua_remove(L, rc == LINE_OK ? -2 : -1);
	if (prefilled)
		lua_remove(L, rc == LINE_OK ? -2 : -1); /* the prefill string */
	if (rc != LINE_OK)
		return rc == LINE_EOF ? CHUNK_EOF : CHUNK_CANCEL;
	const char *line = lua_tostring(L, -1);
	if (line[strspn(line, " \t\r")] == '\0') {
		/* an empty line may stand for code the Lua half has ready (a
		 * tutorial's multi-line cell): take_empty() returns it */
		int taken = 0;
		if (r->tty && get_lua(r, "take_empty")) {
			if (lua_pcall(L, 0, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) {
				lua_remove(L, -2);
				taken = 1;
			} else {
				lua_pop(L, 1);
			}
		}
		if (!taken) {
			lua_pop(L, 1);
			return CHUNK_EMPTY;
		}
		line = lua_tostring(L, -1);
	}
	if (is_command(line)) {
		save_history(r, -1);
		return CHUNK_COMMAND;
	}
	if (line[0] == '=') { /* Lua 5.1's "=expr" */
		lua_pushfstring(L, "return %s", line + 1);
		lua_remove(L, -2);
	}
	for (;;) {
		int status = compile(L, quiet, expr);
		if (status != -1) {
			save_history(r, -2);
			return status;
		}
		p = r->tty ? prompt(r, 1) : "";
		rc = read_line(r, p);
		if (r->tty)
			lua_remove(L, rc == LINE_OK ? -2 : -1);
		if (rc == LINE_INTERRUPTED) {
			lua_pop(L, 1);
			return CHUNK_CANCEL;
		}
		if (rc == LINE_EOF) { /* report the incomplete chunk's error */
			size_t len;
			const char *code = lua_tolstring(L, -1, &len);
			status = luaL_loadbuffer(L, code, len, CHUNKNAME);
			save_history(r, -2);
			return status;
		}
		lua_pushliteral(L, "\n");
		lua_insert(L, -2);
		lua_concat(L, 3);
	}
}

/* ---- the loop ---- */

/* Loads the Lua half (require "moonlab.repl") and calls its init(host);
 * on failure the loop runs without it (the error is reported). */
static void open_lua(repl *r, const ml_repl_options *opts)
{
	lua_State *L = r->L;
	r->lua_ref = LUA_NOREF;
	lua_getglobal(L, "require");
	lua_pushliteral(L, "moonlab.repl");
	int status = ml_repl_docall(L, 1, 1);
	if (status != LUA_OK || !lua_istable(L, -1)) {
		if (status == LUA_OK)
			lua_pop(L, 1);
		ml_repl_report(L, status, 1);
		return;
	}
	r->lua_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 8); /* the host table given to init */
	lua_pushboolean(L, r->tty);
	lua_setfield(L, -2, "tty");
	lua_pushboolean(L, r->color);
	lua_setfield(L, -2, "color");
	lua_pushboolean(L, opts->quiet);
	lua_setfield(L, -2, "quiet");
	lua_pushstring(L, opts->version ? opts->version : ML_PROGNAME);
	lua_setfield(L, -2, "version");
	lua_pushcfunction(L, l_repl_termsize);
	lua_setfield(L, -2, "termsize");
	lua_pushcfunction(L, l_repl_listdir);
	lua_setfield(L, -2, "listdir");
	lua_getfield(L, LUA_REGISTRYINDEX, BUILTINS_KEY);
	lua_setfield(L, -2, "builtins");
	if (r->hist)
		lua_pushstring(L, r->hist);
	else
		lua_pushnil(L);
	lua_setfield(L, -2, "history");
	call_lua(r, "init", 1);
}

/* Sets libedit up on a terminal and loads the history file. */
static void open_terminal(repl *r)
{
	setlocale(LC_CTYPE, ""); /* libedit decodes typed UTF-8 by locale */
	rl_readline_name = ML_PROGNAME;
	rl_catch_signals = 0; /* Ctrl-C is ours: see tty_getc */
	rl_getc_function = tty_getc;
	rl_attempted_completion_function = attempted_completion;
	/* a word for completion may hold '.', ':' (torch.ra, t:na) and '/'
	 * (file names); quotes and operators end it */
	rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(,+-*/%^~#[]!?";
	rl_completion_append_character = '\0';
	using_history();
	stifle_history(HISTORY_MAX);
	r->hist = history_path(r->L); /* kept alive in the registry */
	lua_setfield(r->L, LUA_REGISTRYINDEX, "moonlab.repl.histfile");
	if (r->hist)
		read_history(r->hist);
}

int ml_repl_run(lua_State *L, const ml_repl_options *opts)
{
	repl r = {L, isatty(STDIN_FILENO), 0, LUA_NOREF, 1, NULL, 0};
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	r.color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0') &&
	          !(term && strcmp(term, "dumb") == 0);
	struct sigaction old;
	int base = lua_gettop(L);
	sig_in_repl = 1;
	if (r.tty) {
		open_terminal(&r);
		catch_sigint(&old);
	}
	if (r.tty && !opts->quiet && opts->version) {
		fputs(opts->version, stdout);
		fputc('\n', stdout);
	}
	open_lua(&r, opts);
	lua_settop(L, base);
	while (!r.quit) {
		int quiet = 0, expr = 0;
		int status = load_chunk(&r, &quiet, &expr);
		if (status == CHUNK_EOF)
			break;
		if (status == CHUNK_CANCEL || status == CHUNK_EMPTY)
			continue;
		if (status == CHUNK_COMMAND) {
			call_lua(&r, "command", 1);
			lua_settop(L, base);
			continue;
		}
		/* [base+1] the code, [base+2] its function or the error */
		if (status == LUA_OK)
			status = ml_repl_docall(L, 0, LUA_MULTRET);
		if (status == LUA_OK) {
			int n = lua_gettop(L) - base - 1;
			if (quiet)
				lua_settop(L, base + 1);
			else
				print_results(&r, n);
			lua_pushinteger(L, r.count);
			lua_pushvalue(L, base + 1);
			lua_pushstring(L, !expr ? "statements" : quiet ? "quiet" : "expression");
			lua_pushinteger(L, n);
			call_lua(&r, "record", 4);
		} else {
			report(&r, status);
		}
		r.count++;
		lua_settop(L, base);
	}
	lua_settop(L, base);
	sig_in_repl = 0;
	if (r.tty) {
		if (!r.quit)
			fputc('\n', stdout);
		fflush(stdout);
		sigaction(SIGINT, &old, NULL);
		clear_history();
	}
	if (r.lua_ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, r.lua_ref);
	return 0;
}
