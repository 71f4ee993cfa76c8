/*
 * l_random.c - Lua binding of kernels/random.c: torch.Generator objects, seed
 * handling, scalar draws, the tensor-filling methods, rand, randn, randperm
 * and multinomial, with Torch7's argument conventions.
 *
 * Every function takes an optional generator first (after the tensor in
 * method forms); without one it uses the default generator, a userdata kept
 * in the registry (and in torch._gen) and given to every function here as
 * upvalue 1.  One function serves both forms of each distribution:
 * torch.normal(0, 1) draws a number, x:normal(0, 1) or torch.normal(x, 0, 1)
 * fills x.  Nothing here is stored in C globals.  Serialization of generators
 * (torch.save) is not done here: it can use getRNGState/setRNGState.
 */
#include <string.h>

#include "lmoon.h"
#include "../kernels/random.h"

const char ml_l_generator_mt[] = "torch.Generator";
#define GENERATOR_KEY "moonlab.generator"

/* ---- accessors ---- */

ml_generator *ml_l_togenerator(lua_State *L, int idx)
{
	return luaL_testudata(L, idx, ml_l_generator_mt);
}

ml_generator *ml_l_checkgenerator(lua_State *L, int idx)
{
	ml_generator *g = ml_l_togenerator(L, idx);
	if (!g)
		luaL_typeerror(L, idx, ml_l_generator_mt);
	return g;
}

ml_generator *ml_l_default_generator(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, GENERATOR_KEY);
	ml_generator *g = ml_l_togenerator(L, -1);
	lua_pop(L, 1);
	if (!g)
		luaL_error(L, "torch.random: the default generator is missing");
	return g;
}

/* Type name for messages: the metatable's __name ("torch.DoubleTensor") or
 * the Lua type. */
static const char *type_name(lua_State *L, int idx)
{
	if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
		const char *s = lua_tostring(L, -1); /* kept alive by the metatable */
		lua_pop(L, 1);
		return s;
	}
	return luaL_typename(L, idx);
}

/* The generator at argument *i, which is then skipped, or the default one. */
static ml_generator *opt_gen(lua_State *L, int *i)
{
	ml_generator *g = ml_l_togenerator(L, *i);
	if (g) {
		(*i)++;
		return g;
	}
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Raises "who: argument i (name) must be ..." for an argument of the wrong
 * type; in the generator slot the message says a generator was possible too. */
static int arg_error(lua_State *L, const char *who, int idx, int gen_slot, const char *name,
                     const char *what)
{
	return luaL_error(L, "%s: argument %d%s%s%s must be %s%s (got %s)", who, idx, name ? " (" : "",
	                  name ? name : "", name ? ")" : "", idx == gen_slot ? "a torch.Generator or " : "",
	                  what, type_name(L, idx));
}

static lua_Integer check_int(lua_State *L, int idx, int gen_slot, const char *who, const char *what)
{
	int isint;
	lua_Integer v = lua_tointegerx(L, idx, &isint);
	if (isint)
		return v;
	if (lua_type(L, idx) == LUA_TNUMBER)
		return luaL_error(L, "%s: %s must be an integer (got %s)", who, what,
		                  lua_tostring(L, idx));
	return arg_error(L, who, idx, gen_slot, what, "an integer");
}

static void check_max_args(lua_State *L, int last, const char *who)
{
	int top = lua_gettop(L);
	while (top > last && lua_isnil(L, top))
		top--;
	if (top > last)
		luaL_error(L, "%s: too many arguments (argument %d is a %s)", who, last + 1,
		           type_name(L, last + 1));
}

/* ---- generators and seeds ---- */

static ml_generator *push_generator(lua_State *L)
{
	ml_generator *g = lua_newuserdatauv(L, sizeof(ml_generator), 0);
	memset(g, 0, sizeof *g);
	luaL_setmetatable(L, ml_l_generator_mt);
	return g;
}

/* torch.Generator(): a new generator seeded from /dev/urandom. */
static int l_random_generator(lua_State *L)
{
	ml_random_seed(push_generator(L));
	return 1;
}

static int l_random_generator_tostring(lua_State *L)
{
	ml_generator *g = ml_l_checkgenerator(L, 1);
	lua_pushfstring(L, "torch.Generator (initial seed %I)", (lua_Integer)ml_random_initial_seed(g));
	return 1;
}

/* torch.seed([gen]) -> the new seed, from /dev/urandom. */
static int l_random_seed(lua_State *L)
{
	int i = 1;
	ml_generator *g = opt_gen(L, &i);
	check_max_args(L, i - 1, "torch.seed");
	lua_pushinteger(L, (lua_Integer)ml_random_seed(g));
	return 1;
}

/* torch.manualSeed([gen,] n): init_genrand with the low 32 bits of n. */
static int l_random_manualseed(lua_State *L)
{
	int i = 1;
	ml_generator *g = opt_gen(L, &i);
	if (lua_isnoneornil(L, i))
		return luaL_error(L, "torch.manualSeed: missing seed (an integer)");
	lua_Integer s = check_int(L, i, 1, "torch.manualSeed", "seed");
	check_max_args(L, i, "torch.manualSeed");
	ml_random_manual_seed(g, (uint64_t)s);
	return 0;
}

static int l_random_initialseed(lua_State *L)
{
	int i = 1;
	ml_generator *g = opt_gen(L, &i);
	check_max_args(L, i - 1, "torch.initialSeed");
	lua_pushinteger(L, (lua_Integer)ml_random_initial_seed(g));
	return 1;
}

/* torch.getRNGState([gen] [, res]) -> ByteTensor holding a copy of the state. */
static int l_random_getrngstate(lua_State *L)
{
	int i = 1;
	ml_generator *g = opt_gen(L, &i);
	ml_tensor *res = ml_l_totensor(L, i);
	if (res) {
		if (res->dtype != ML_BYTE)
			return luaL_error(L, "torch.getRNGState: result must be a torch.ByteTensor (got %s)",
			                  type_name(L, i));
		check_max_args(L, i, "torch.getRNGState");
		lua_pushvalue(L, i);
	} else {
		check_max_args(L, i - 1, "torch.getRNGState");
		res = ml_l_pushtensor(L, ML_BYTE);
	}
	int64_t n = (int64_t)sizeof(ml_generator);
	ml_error e;
	if (ml_tensor_resize(res, 1, &n, &e))
		return ml_l_error(L, &e);
	memcpy(ml_tensor_data(res), g, sizeof(ml_generator));
	return 1;
}

/* torch.setRNGState([gen,] state) -> state. */
static int l_random_setrngstate(lua_State *L)
{
	int i = 1;
	ml_generator *g = opt_gen(L, &i);
	ml_tensor *st = ml_l_totensor(L, i);
	if (!st || st->dtype != ML_BYTE)
		return luaL_error(L, "torch.setRNGState: state must be a torch.ByteTensor from torch.getRNGState (got %s)",
		                  type_name(L, i));
	check_max_args(L, i, "torch.setRNGState");
	ml_error e;
	if (!ml_tensor_is_contiguous(st))
		return luaL_error(L, "torch.setRNGState: state must be contiguous");
	size_t n = (size_t)ml_tensor_numel(st);
	if (ml_random_set_state(g, n ? ml_tensor_data(st) : "", n, &e))
		return ml_l_error(L, &e);
	lua_pushvalue(L, i);
	return 1;
}

/* ---- distributions: scalar draws and tensor fills ---- */

typedef struct dist_spec {
	ml_random_kind kind;      /* the distribution */
	const char *who;          /* "torch.uniform" */
	int nparams;              /* parameters after the optional tensor and generator */
	int nrequired;            /* leading parameters without a default */
	const char *names[2];     /* parameter names for messages */
	double defaults[2];       /* Torch7's defaults */
} dist_spec;

static const dist_spec spec_uniform = {ML_RANDOM_UNIFORM, "torch.uniform", 2, 0, {"a", "b"}, {0, 1}};
static const dist_spec spec_normal = {ML_RANDOM_NORMAL, "torch.normal", 2, 0, {"mean", "stdv"}, {0, 1}};
static const dist_spec spec_exponential = {ML_RANDOM_EXPONENTIAL, "torch.exponential", 1, 1,
                                           {"lambda", NULL}, {0, 0}};
static const dist_spec spec_cauchy = {ML_RANDOM_CAUCHY, "torch.cauchy", 2, 0, {"median", "sigma"}, {0, 1}};
static const dist_spec spec_lognormal = {ML_RANDOM_LOGNORMAL, "torch.logNormal", 2, 0,
                                         {"mean", "stdv"}, {1, 2}};
static const dist_spec spec_geometric = {ML_RANDOM_GEOMETRIC, "torch.geometric", 1, 1, {"p", NULL}, {0, 0}};
static const dist_spec spec_bernoulli = {ML_RANDOM_BERNOULLI, "torch.bernoulli", 1, 0, {"p", NULL}, {0.5, 0}};

static int push_draw(lua_State *L, ml_generator *g, const ml_random_dist *d)
{
	double x = 0;
	int64_t k = 0;
	ml_error e;
	if (ml_random_draw(g, d, &x, &k, &e))
		return ml_l_error(L, &e);
	if (ml_random_is_integer(d->kind))
		lua_pushinteger(L, (lua_Integer)k);
	else
		lua_pushnumber(L, x);
	return 1;
}

static int fill_tensor(lua_State *L, ml_tensor *t, ml_generator *g, const ml_random_dist *d)
{
	ml_error e;
	if (ml_random_fill(t, g, d, &e))
		return ml_l_error(L, &e);
	lua_pushvalue(L, 1);
	return 1;
}

/* [x,] [gen,] params...: fills x when given, else returns one draw. */
static int draw_or_fill(lua_State *L, const dist_spec *sp)
{
	ml_tensor *t = ml_l_totensor(L, 1);
	int i = t ? 2 : 1;
	const int gen_slot = i;
	ml_generator *g = opt_gen(L, &i);
	if (sp->kind == ML_RANDOM_BERNOULLI && t && ml_l_totensor(L, i)) {
		check_max_args(L, i, sp->who);
		ml_error e;
		if (ml_random_fill_bernoulli(t, g, ml_l_totensor(L, i), &e))
			return ml_l_error(L, &e);
		lua_pushvalue(L, 1);
		return 1;
	}
	double v[2] = {sp->defaults[0], sp->defaults[1]};
	for (int k = 0; k < sp->nparams; k++) {
		int idx = i + k;
		if (lua_isnoneornil(L, idx)) {
			if (k < sp->nrequired)
				return luaL_error(L, "%s: missing %s (argument %d)", sp->who, sp->names[k], idx);
			continue;
		}
		if (lua_type(L, idx) != LUA_TNUMBER)
			return arg_error(L, sp->who, idx, gen_slot, sp->names[k], "a number");
		v[k] = lua_tonumber(L, idx);
	}
	check_max_args(L, i + sp->nparams - 1, sp->who);
	ml_random_dist d = {sp->kind, v[0], v[1], 0, 0, NULL};
	return t ? fill_tensor(L, t, g, &d) : push_draw(L, g, &d);
}

static int l_random_uniform(lua_State *L) { return draw_or_fill(L, &spec_uniform); }
static int l_random_normal(lua_State *L) { return draw_or_fill(L, &spec_normal); }
static int l_random_exponential(lua_State *L) { return draw_or_fill(L, &spec_exponential); }
static int l_random_cauchy(lua_State *L) { return draw_or_fill(L, &spec_cauchy); }
static int l_random_lognormal(lua_State *L) { return draw_or_fill(L, &spec_lognormal); }
static int l_random_geometric(lua_State *L) { return draw_or_fill(L, &spec_geometric); }
static int l_random_bernoulli(lua_State *L) { return draw_or_fill(L, &spec_bernoulli); }

/* random([x,] [gen,] [a,] [b]): no bound -> a raw 32-bit word (a tensor
 * reduces it per type), b -> [1, b], a and b -> [a, b]. */
static int l_random_random(lua_State *L)
{
	static const char who[] = "torch.random";
	ml_tensor *t = ml_l_totensor(L, 1);
	int i = t ? 2 : 1;
	const int gen_slot = i;
	ml_generator *g = opt_gen(L, &i);
	int top = lua_gettop(L);
	while (top >= i && lua_isnil(L, top))
		top--;
	int nb = top - i + 1;
	if (nb > 2)
		return luaL_error(L, "%s: too many arguments (at most two bounds, got %d)", who, nb);
	ml_random_dist d = {ML_RANDOM_BITS, 0, 0, 0, 0, NULL};
	if (nb == 1) {
		d.kind = ML_RANDOM_RANGE;
		d.lo = 1;
		d.hi = check_int(L, i, gen_slot, who, "upper bound");
	} else if (nb == 2) {
		d.kind = ML_RANDOM_RANGE;
		d.lo = check_int(L, i, gen_slot, who, "lower bound");
		d.hi = check_int(L, i + 1, gen_slot, who, "upper bound");
	}
	return t ? fill_tensor(L, t, g, &d) : push_draw(L, g, &d);
}

/* ---- factories ---- */

/* rand/randn([res,] [gen,] sizes...): res (Float or Double) or a new tensor
 * of the default type, resized and filled. */
static int fill_factory(lua_State *L, ml_random_kind kind, const char *who)
{
	ml_tensor *res = ml_l_totensor(L, 1);
	int i = res ? 2 : 1;
	ml_generator *g = opt_gen(L, &i);
	int64_t size[ML_MAX_DIMS];
	int ndim = ml_l_checksizes(L, i, size, who);
	for (int d = 0; d < ndim; d++)
		if (size[d] < 0)
			return luaL_error(L, "%s: negative size %I at dimension %d", who, (lua_Integer)size[d],
			                  d + 1);
	ml_dtype dt = res ? res->dtype : ml_l_default_dtype(L);
	if (dt != ML_FLOAT && dt != ML_DOUBLE)
		return luaL_error(L, "%s: result must be a Float or Double tensor (got torch.%sTensor)", who,
		                  ml_dtype_name(dt));
	if (res)
		lua_pushvalue(L, 1);
	else
		res = ml_l_pushtensor(L, dt);
	ml_error e;
	if (ml_tensor_resize(res, ndim, size, &e))
		return ml_l_error(L, &e);
	ml_random_dist d = {kind, 0, 1, 0, 0, who};
	if (ml_random_fill(res, g, &d, &e))
		return ml_l_error(L, &e);
	ml_l_account(L, res);
	return 1;
}

static int l_random_rand(lua_State *L) { return fill_factory(L, ML_RANDOM_UNIFORM, "torch.rand"); }
static int l_random_randn(lua_State *L) { return fill_factory(L, ML_RANDOM_NORMAL, "torch.randn"); }

/* randperm([res,] [gen,] n): a permutation of 1..n, default type. */
static int l_random_randperm(lua_State *L)
{
	static const char who[] = "torch.randperm";
	ml_tensor *res = ml_l_totensor(L, 1);
	int i = res ? 2 : 1;
	const int gen_slot = i;
	ml_generator *g = opt_gen(L, &i);
	if (lua_isnoneornil(L, i))
		return luaL_error(L, "%s: missing n (argument %d)", who, i);
	lua_Integer n = check_int(L, i, gen_slot, who, "n");
	check_max_args(L, i, who);
	if (res)
		lua_pushvalue(L, 1);
	else
		res = ml_l_pushtensor(L, ml_l_default_dtype(L));
	ml_error e;
	if (ml_random_randperm(res, g, (int64_t)n, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* multinomial([res,] [gen,] probs, n [, replacement=false]) -> LongTensor of
 * 1-based indices.  A tensor first is the result only when a tensor of
 * probabilities follows it (p:multinomial([gen,] n) samples from p). */
static int l_random_multinomial(lua_State *L)
{
	static const char who[] = "torch.multinomial";
	int i = 1;
	int res_idx = 0;
	if (ml_l_totensor(L, 1) &&
	    (ml_l_totensor(L, 2) || (ml_l_togenerator(L, 2) && ml_l_totensor(L, 3)))) {
		res_idx = 1;
		i = 2;
	}
	const int gen_slot = i;
	ml_generator *g = opt_gen(L, &i);
	if (!ml_l_totensor(L, i))
		return arg_error(L, who, i, gen_slot, "probabilities", "a tensor");
	int pidx = i++;
	if (gen_slot == i - 1 && ml_l_togenerator(L, i)) /* p:multinomial(gen, n) */
		g = ml_l_togenerator(L, i++);
	if (lua_isnoneornil(L, i))
		return luaL_error(L, "%s: missing number of samples (argument %d)", who, i);
	lua_Integer n = check_int(L, i, 0, who, "number of samples");
	i++;
	int replacement = 0;
	if (!lua_isnoneornil(L, i)) {
		if (!lua_isboolean(L, i))
			return luaL_error(L, "%s: replacement must be a boolean (got %s)", who, type_name(L, i));
		replacement = lua_toboolean(L, i);
	}
	check_max_args(L, i, who);
	ml_tensor *res;
	if (res_idx) {
		res = ml_l_totensor(L, res_idx);
		lua_pushvalue(L, res_idx);
	} else {
		res = ml_l_pushtensor(L, ML_LONG);
	}
	ml_error e;
	if (ml_random_multinomial(res, g, ml_l_totensor(L, pidx), (int64_t)n, replacement, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* torch.multinomialAliasSetup(probs [, state]) -> state = {LongTensor J,
 * DoubleTensor q}: the alias tables of 1-D probs; a given state table's
 * tensors are reused (resized) when they have the right types. */
static int l_random_alias_setup(lua_State *L)
{
	static const char who[] = "torch.multinomialAliasSetup";
	const ml_tensor *probs = ml_l_totensor(L, 1);
	if (!probs)
		return luaL_error(L, "%s: argument 1 (probabilities) must be a tensor (got %s)", who, type_name(L, 1));
	if (!lua_isnoneornil(L, 2) && !lua_istable(L, 2))
		return luaL_error(L, "%s: argument 2 (state) must be a table {LongTensor, DoubleTensor} (got %s)", who,
		                  type_name(L, 2));
	check_max_args(L, 2, who);
	if (lua_istable(L, 2)) {
		lua_settop(L, 2);
	} else {
		lua_settop(L, 1);
		lua_createtable(L, 2, 0);
	}
	ml_tensor *J = NULL, *q = NULL;
	lua_rawgeti(L, 2, 1);
	J = ml_l_totensor(L, -1);
	if (!J || J->dtype != ML_LONG) {
		lua_pop(L, 1);
		J = ml_l_pushtensor(L, ML_LONG);
		lua_pushvalue(L, -1);
		lua_rawseti(L, 2, 1);
	}
	lua_rawgeti(L, 2, 2);
	q = ml_l_totensor(L, -1);
	if (!q || q->dtype != ML_DOUBLE) {
		lua_pop(L, 1);
		q = ml_l_pushtensor(L, ML_DOUBLE);
		lua_pushvalue(L, -1);
		lua_rawseti(L, 2, 2);
	}
	ml_error e;
	if (ml_random_alias_setup(J, q, probs, &e))
		return ml_l_error(L, &e);
	lua_pushvalue(L, 2);
	return 1;
}

/* torch.multinomialAlias([gen,] output, state) -> output, a 1-D LongTensor
 * filled with 1-based categories drawn by the alias tables in state. */
static int l_random_alias_draw(lua_State *L)
{
	static const char who[] = "torch.multinomialAlias";
	int i = 1;
	const int gen_slot = i;
	ml_generator *g = opt_gen(L, &i);
	ml_tensor *out = ml_l_totensor(L, i);
	if (!out)
		return arg_error(L, who, i, gen_slot, "output", "a LongTensor");
	if (!lua_istable(L, i + 1))
		return luaL_error(L, "%s: argument %d (state) must be the table from torch.multinomialAliasSetup (got %s)",
		                  who, i + 1, type_name(L, i + 1));
	check_max_args(L, i + 1, who);
	lua_rawgeti(L, i + 1, 1);
	lua_rawgeti(L, i + 1, 2);
	const ml_tensor *J = ml_l_totensor(L, -2), *q = ml_l_totensor(L, -1);
	if (!J || !q)
		return luaL_error(L, "%s: state must hold two tensors {LongTensor, DoubleTensor}", who);
	ml_error e;
	if (ml_random_alias_draw(out, g, J, q, &e))
		return ml_l_error(L, &e);
	lua_pushvalue(L, i);
	return 1;
}

/* ---- registration ---- */

/* Both torch.f(...) and x:f(...). */
static const luaL_Reg shared_functions[] = {
	{"random", l_random_random},
	{"uniform", l_random_uniform},
	{"normal", l_random_normal},
	{"exponential", l_random_exponential},
	{"cauchy", l_random_cauchy},
	{"logNormal", l_random_lognormal},
	{"geometric", l_random_geometric},
	{"bernoulli", l_random_bernoulli},
	{"rand", l_random_rand},
	{"randn", l_random_randn},
	{"randperm", l_random_randperm},
	{"multinomial", l_random_multinomial},
	{NULL, NULL},
};

static const luaL_Reg torch_functions[] = {
	{"Generator", l_random_generator},
	{"seed", l_random_seed},
	{"manualSeed", l_random_manualseed},
	{"initialSeed", l_random_initialseed},
	{"getRNGState", l_random_getrngstate},
	{"setRNGState", l_random_setrngstate},
	{"multinomialAliasSetup", l_random_alias_setup},
	{"multinomialAlias", l_random_alias_draw},
	{NULL, NULL},
};

void ml_l_open_random(lua_State *L, int methods, int torch)
{
	luaL_newmetatable(L, ml_l_generator_mt);
	lua_pushstring(L, ml_l_generator_mt);
	lua_setfield(L, -2, "__typename"); /* torch.typename(gen) */
	lua_pushcfunction(L, l_random_generator_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);

	ml_random_seed(push_generator(L)); /* the default generator, seeded like Torch7's */
	int gen = lua_gettop(L);
	lua_pushvalue(L, gen);
	lua_setfield(L, LUA_REGISTRYINDEX, GENERATOR_KEY);
	lua_pushvalue(L, gen);
	lua_setfield(L, torch, "_gen");

	lua_pushvalue(L, torch);
	lua_pushvalue(L, gen);
	luaL_setfuncs(L, torch_functions, 1);
	lua_pushvalue(L, gen);
	luaL_setfuncs(L, shared_functions, 1);
	lua_pop(L, 1);
	lua_pushvalue(L, methods);
	lua_pushvalue(L, gen);
	luaL_setfuncs(L, shared_functions, 1);
	lua_pop(L, 1);
	lua_pop(L, 1); /* gen */
}
