/* l_math.c - Lua binding of kernels/math.c (being written). */
#include "lmoon.h"

void ml_l_open_math(lua_State *L, int methods, int torch)
{
	(void)L;
	(void)methods;
	(void)torch;
}
