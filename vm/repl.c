/* repl.c - minimal read-eval-print loop (being completed; see issue 2). */
#include <stdio.h>
#include <string.h>

#include "lmoon.h"

int ml_repl(lua_State *L);

int ml_repl(lua_State *L)
{
	char line[4096];
	while (fgets(line, sizeof line, stdin)) {
		if (luaL_dostring(L, line) != LUA_OK) {
			fprintf(stderr, "%s\n", lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	}
	return 0;
}
