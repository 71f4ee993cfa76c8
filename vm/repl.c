/*
 * repl.c - the read-eval-print loop, and the protected call with Ctrl-C
 * support that the command line uses for scripts as well.
 *
 * Lines come from libedit when stdin is a terminal (prompts, line editing,
 * in-memory history) and from plain stdio otherwise (no prompts, so piped
 * output holds only results).  A first line is tried as an expression
 * ("return <line>;"), then as statements; input that stops too early (a syntax
 * error at <eof>) continues on the next line.  Results print with tostring,
 * separated by tabs.
 *
 * Deliberately not here yet: completion, `?name` help, persistent history and
 * pretty-printing of tables.  They belong to the later REPL work and plug in
 * at read_line (completion, history) and print_results (display).
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <editline/readline.h>
#include <lauxlib.h>

#include "repl.h"

#define PROMPT1 "> "     /* prompt of a new chunk */
#define PROMPT2 ">> "    /* prompt of a continuation line */
#define CHUNKNAME "=stdin"
#define EOFMARK "<eof>"  /* how the parser's message ends when input stops early */

/* ---- Ctrl-C ----
 * A signal handler can reach nothing but static storage, so these two are the
 * host's only mutable statics (lua.c keeps the same kind of pointer). */
static lua_State *volatile sig_L;           /* state running Lua code, or NULL */
static volatile sig_atomic_t sig_at_prompt; /* SIGINT arrived while reading */

/* Hook set from the signal handler: raises at the next Lua instruction. */
static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	luaL_error(L, "interrupted");
}

static void on_sigint(int sig)
{
	lua_State *L = sig_L;
	if (L) {
		/* If the code stays in C (no hook call), a second Ctrl-C kills. */
		signal(sig, SIG_DFL);
		lua_sethook(L, interrupt_hook,
		            LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
	} else {
		sig_at_prompt = 1;
	}
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
	sig_L = L;
	catch_sigint(&old);
	int status = lua_pcall(L, nargs, nresults, base);
	sigaction(SIGINT, &old, NULL);
	sig_L = outer;
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

/* Writes its arguments with tostring (so __tostring and __name count),
 * separated by tabs, and a newline. */
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

/* Prints the n values on top of the stack and pops them. */
static void print_results(lua_State *L, int n)
{
	if (n <= 0)
		return;
	if (!lua_checkstack(L, LUA_MINSTACK)) {
		lua_pop(L, n);
		fputs("too many results to print\n", stderr);
		return;
	}
	lua_pushcfunction(L, l_repl_print);
	lua_insert(L, -n - 1);
	ml_repl_report(L, ml_repl_docall(L, n, 0), 0);
}

/* ---- reading lines ---- */

typedef struct repl {
	lua_State *L; /* the state the loop runs in */
	int tty;      /* stdin is a terminal: libedit, prompts, history */
} repl;

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
		ssize_t n = read(STDIN_FILENO, &byte, 1);
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
	char *line = readline(prompt);
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

/* Keeps a chunk in the terminal's history. */
static void save_history(repl *r, const char *chunk)
{
	if (r->tty && chunk[0] != '\0')
		add_history(chunk);
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

enum { CHUNK_EOF = -1, CHUNK_CANCEL = -2 };

/* Reads and compiles one chunk.  Returns LUA_OK with the function pushed, a
 * load status with the message pushed, or CHUNK_EOF / CHUNK_CANCEL with
 * nothing pushed. */
static int load_chunk(repl *r)
{
	lua_State *L = r->L;
	int rc = read_line(r, PROMPT1);
	if (rc != LINE_OK)
		return rc == LINE_EOF ? CHUNK_EOF : CHUNK_CANCEL;
	const char *line = lua_tostring(L, -1);
	if (line[0] == '=') { /* Lua 5.1's "=expr" */
		lua_pushfstring(L, "return %s", line + 1);
		lua_remove(L, -2);
		line = lua_tostring(L, -1);
	}
	/* an expression first, so that its values print */
	const char *expr = lua_pushfstring(L, "return %s;", line);
	if (luaL_loadbuffer(L, expr, strlen(expr), CHUNKNAME) == LUA_OK) {
		lua_remove(L, -2);
		save_history(r, line);
		lua_remove(L, -2);
		return LUA_OK;
	}
	lua_pop(L, 2);
	/* then statements, continued while the parser wants more */
	for (;;) {
		size_t len;
		const char *code = lua_tolstring(L, -1, &len);
		int status = luaL_loadbuffer(L, code, len, CHUNKNAME);
		if (!incomplete(L, status)) {
			save_history(r, code);
			lua_remove(L, -2);
			return status;
		}
		rc = read_line(r, PROMPT2);
		if (rc == LINE_INTERRUPTED) {
			lua_pop(L, 1);
			return CHUNK_CANCEL;
		}
		if (rc == LINE_EOF) { /* report the incomplete chunk's error */
			code = lua_tolstring(L, -1, &len);
			status = luaL_loadbuffer(L, code, len, CHUNKNAME);
			save_history(r, code);
			lua_remove(L, -2);
			return status;
		}
		lua_pushliteral(L, "\n");
		lua_insert(L, -2);
		lua_concat(L, 3);
	}
}

/* ---- the loop ---- */

int ml_repl_run(lua_State *L)
{
	repl r = {L, isatty(STDIN_FILENO)};
	struct sigaction old;
	int base = lua_gettop(L);
	if (r.tty) {
		setlocale(LC_CTYPE, ""); /* libedit decodes typed UTF-8 by locale */
		rl_readline_name = ML_PROGNAME;
		rl_catch_signals = 0; /* Ctrl-C is ours: see tty_getc */
		rl_getc_function = tty_getc;
		using_history();
		catch_sigint(&old);
	}
	for (;;) {
		int status = load_chunk(&r);
		if (status == CHUNK_EOF)
			break;
		if (status == CHUNK_CANCEL)
			continue;
		if (status == LUA_OK)
			status = ml_repl_docall(L, 0, LUA_MULTRET);
		if (status == LUA_OK)
			print_results(L, lua_gettop(L) - base);
		else
			ml_repl_report(L, status, 0);
		lua_settop(L, base);
	}
	lua_settop(L, base);
	if (r.tty) {
		fputc('\n', stdout);
		fflush(stdout);
		sigaction(SIGINT, &old, NULL);
		clear_history();
	}
	return 0;
}
