/* l_reduce.c - Lua binding of kernels/reduce.c (being written). */
#include "lmoon.h"

void ml_l_open_reduce(lua_State *L, int methods, int torch)
{
	(void)L;
	(void)methods;
	(void)torch;
}
