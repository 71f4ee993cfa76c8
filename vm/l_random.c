/* l_random.c - Lua binding of kernels/random.c (being written). */
#include "lmoon.h"

void ml_l_open_random(lua_State *L, int methods, int torch)
{
	(void)L;
	(void)methods;
	(void)torch;
}
