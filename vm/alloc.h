/*
 * alloc.h - the Lua allocator of the moonlab host: size-class free lists for
 * small blocks, malloc for the rest.
 *
 * Arithmetic on small tensors creates and collects a tensor userdata per
 * operation; glibc's malloc spends more time on those blocks than the maths
 * does.  The pool keeps freed small blocks on per-size lists and carves new
 * ones from 256 KiB chunks, so that an allocation is a pointer pop.  All its
 * state lives in an ml_pool the host owns (no globals).  Freed small blocks are
 * reused but not returned to the system before ml_pool_destroy.  Under
 * AddressSanitizer the pool steps aside (every block goes to malloc) so that
 * use-after-free stays detectable.
 */
#ifndef ML_ALLOC_H
#define ML_ALLOC_H

#include <lua.h>

typedef struct ml_pool ml_pool;

/* A new pool, or NULL when out of memory. */
ml_pool *ml_pool_create(void);
/* Frees every chunk; call after lua_close. */
void ml_pool_destroy(ml_pool *p);
/* lua_Alloc over pool ud (an ml_pool *). */
void *ml_pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* lua_newstate with the pool allocator, plus the panic and warning functions
 * luaL_newstate would install. */
lua_State *ml_pool_newstate(ml_pool *p);

#endif
