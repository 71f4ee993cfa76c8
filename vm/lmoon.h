/*
 * lmoon.h - what the Lua binding files share: userdata types, accessors,
 * argument helpers and the registration entry point of each binding module.
 *
 * A tensor userdata holds an ml_tensor inline; a storage userdata holds one
 * counted reference (ml_storage *).  Each dtype has its own metatable, named
 * like Torch7's classes ("torch.DoubleTensor", "torch.DoubleStorage"), and all
 * tensor metatables share one method table.  This header is the only place
 * those names are defined.
 */
#ifndef ML_LMOON_H
#define ML_LMOON_H

#include <lauxlib.h>
#include <lua.h>

#include "../kernels/tensor.h"

/* "torch.DoubleTensor", ... and "torch.DoubleStorage", ... indexed by ml_dtype */
extern const char *const ml_l_tensor_mt[ML_NDTYPES];
extern const char *const ml_l_storage_mt[ML_NDTYPES];

/* ---- accessors: `check` raises a Lua error naming the argument, `to` returns NULL ---- */

ml_tensor *ml_l_totensor(lua_State *L, int idx);
ml_tensor *ml_l_checktensor(lua_State *L, int idx);
ml_storage *ml_l_tostorage(lua_State *L, int idx);
ml_storage *ml_l_checkstorage(lua_State *L, int idx);

/* Pushes a new empty tensor userdata of dtype dt and returns it; the caller
 * then resizes or sets it.  Never returns NULL (raises on memory error). */
ml_tensor *ml_l_pushtensor(lua_State *L, ml_dtype dt);
/* Pushes a new tensor that views the same storage as src (Torch7's "new
 * tensor on the same storage").  */
ml_tensor *ml_l_pushview(lua_State *L, const ml_tensor *src);
/* Pushes a storage userdata taking one new reference on s. */
void ml_l_pushstorage(lua_State *L, ml_storage *s);

/* Tells Lua's collector about the elements of a tensor that this call just
 * allocated: tensor memory lives outside the Lua heap, so without this a loop
 * making large temporaries (c = a + b on 10M elements) would run far ahead of
 * the collector.  Results of 256 KiB or more are counted: a full collection
 * runs when their total has doubled since the last one (plus 64 MiB), and
 * every 4 MiB (results under 1 MiB count a quarter) a young collection is
 * scheduled for the next tensor created (ml_l_young_check below). */
void ml_l_account(lua_State *L, const ml_tensor *t);

/* The per-state record of tensor memory behind ml_l_account (registry
 * lookup; NULL before the tensor library is opened).  When large results
 * have piled up since the last collection, ml_l_young_check runs a young
 * collection, so that the dead ones are freed before a new tensor
 * allocates; ml_l_pushtensor calls it, and so must other code that makes
 * tensor userdata (the operators keep m as an upvalue). */
typedef struct ml_l_mem {
	int64_t live;  /* accounted bytes not yet released by a __gc */
	int64_t base;  /* live right after the last collection asked for */
	int64_t young; /* accounted bytes since the last collection asked for */
	int tracking;  /* 0: torch.setheaptracking(false), never ask for a collection */
	int pending;   /* 1: a young collection is due before the next tensor is made */
} ml_l_mem;
ml_l_mem *ml_l_mem_of(lua_State *L);
void ml_l_young_collect(lua_State *L, ml_l_mem *m);

static inline void ml_l_young_check(lua_State *L, ml_l_mem *m)
{
	if (m && m->pending)
		ml_l_young_collect(L, m);
}

/* The usual last step of a binding whose result tensor is on top of the
 * stack: accounts it (ml_l_account) unless the caller gave it, returns 1. */
int ml_l_return_result(lua_State *L, int given);

/* Raises e->msg as a Lua error (never used as a format string). */
int ml_l_error(lua_State *L, const ml_error *e);

/* The last step of a binding that fills its first argument in place: raises
 * e when rc is an error, else returns that argument. */
int ml_l_return_first(lua_State *L, int rc, const ml_error *e);

/* The default tensor type (torch.setdefaulttensortype). */
ml_dtype ml_l_default_dtype(lua_State *L);

/* Reads a size list from arguments idx..top: numbers, or one torch.LongStorage
 * or a Lua table of numbers.  Returns ndim; raises on bad input naming `who`. */
int ml_l_checksizes(lua_State *L, int idx, int64_t *size, const char *who);

/* Converts a 1-based Lua index i (negatives count from the end) into a
 * 0-based one for a dimension of size n; raises "who: index i out of range
 * for dimension dim of size n". */
int64_t ml_l_checkindex(lua_State *L, lua_Integer i, int64_t n, const char *who, int dim);

/* __index and __newindex of every tensor metatable (l_index.c); __index
 * takes the shared method table as its upvalue. */
int ml_l_tensor_index(lua_State *L);
int ml_l_tensor_newindex(lua_State *L);

/* Pushes element p of dtype dt as a Lua integer (integer dtypes) or float. */
void ml_l_pushelem(lua_State *L, ml_dtype dt, const void *p);
/* Stores the number at idx into element p of dtype dt (integers exactly). */
void ml_l_storeelem(lua_State *L, int idx, ml_dtype dt, void *p);

/* ---- random generators (l_random.c): "torch.Generator" userdata holding an
 * ml_generator (kernels/random.h) inline ---- */

struct ml_generator;
extern const char ml_l_generator_mt[];
struct ml_generator *ml_l_togenerator(lua_State *L, int idx);
struct ml_generator *ml_l_checkgenerator(lua_State *L, int idx);
/* The default generator (the one torch.manualSeed(n) seeds). */
struct ml_generator *ml_l_default_generator(lua_State *L);

/* ---- child processes (l_proc.c): "moonlab.proc" userdata, see kernels/proc.h ---- */

extern const char ml_l_proc_mt[];

/* ---- registration: each binding module adds its functions to the shared
 * tensor method table (stack index `methods`) and to the torch table (`torch`). */

void ml_l_open_tensor(lua_State *L, int methods, int torch);
void ml_l_open_math(lua_State *L, int methods, int torch);
void ml_l_open_reduce(lua_State *L, int methods, int torch);
void ml_l_open_blas(lua_State *L, int methods, int torch);
void ml_l_open_lapack(lua_State *L, int methods, int torch);
void ml_l_open_random(lua_State *L, int methods, int torch);
void ml_l_open_sys(lua_State *L, int methods, int torch);
void ml_l_open_file(lua_State *L, int methods, int torch);
void ml_l_open_image(lua_State *L, int methods, int torch);
void ml_l_open_npy(lua_State *L, int methods, int torch);
void ml_l_open_proc(lua_State *L, int methods, int torch);
void ml_l_open_csv(lua_State *L, int methods, int torch);
void ml_l_open_frame(lua_State *L, int methods, int torch);
void ml_l_open_index_ops(lua_State *L, int methods, int torch);
void ml_l_open_shape(lua_State *L, int methods, int torch);
void ml_l_open_sort(lua_State *L, int methods, int torch);
void ml_l_open_conv(lua_State *L, int methods, int torch);
void ml_l_open_notebook(lua_State *L, int methods, int torch);
void ml_l_open_metrics(lua_State *L, int methods, int torch);
void ml_l_open_cluster(lua_State *L, int methods, int torch);
void ml_l_open_linear(lua_State *L, int methods, int torch);
void ml_l_open_dir(lua_State *L, int methods, int torch);
void ml_l_open_tree(lua_State *L, int methods, int torch);
void ml_l_open_nn(lua_State *L, int methods, int torch);
void ml_l_open_nn_volumetric(lua_State *L, int methods, int torch);
void ml_l_open_nn_spatial(lua_State *L, int methods, int torch);
void ml_l_open_stats(lua_State *L, int methods, int torch);
void ml_l_open_knn(lua_State *L, int methods, int torch);
void ml_l_open_svm(lua_State *L, int methods, int torch);

/* luaopen_moonlab_core: builds the torch table with every binding module;
 * the Lua side (stdlib/torch/init.lua) completes it. */
int luaopen_moonlab_core(lua_State *L);
/* Entry point of moonlab.so for require "moonlab" from a stock lua5.4. */
int luaopen_moonlab(lua_State *L);

#endif
