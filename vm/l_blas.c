/* l_blas.c - Lua binding of kernels/blas.c (being written). */
#include "lmoon.h"

void ml_l_open_blas(lua_State *L, int methods, int torch)
{
	(void)L;
	(void)methods;
	(void)torch;
}
