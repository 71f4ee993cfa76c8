/*
 * l_sys.c - process-level controls of the torch table: thread counts
 * (OpenMP and OpenBLAS together) and torch.Timer.
 *
 * Thread settings live in the OpenMP and OpenBLAS runtimes themselves; this
 * file keeps no state of its own.
 */
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "lmoon.h"

void openblas_set_num_threads(int num_threads);

#define TIMER_MT "torch.Timer"

/* ---- threads ---- */

static int l_sys_setnumthreads(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_argcheck(L, n >= 1 && n <= 1024, 1, "torch.setnumthreads: need 1..1024 threads");
#ifdef _OPENMP
	omp_set_num_threads((int)n);
#endif
	openblas_set_num_threads((int)n);
	return 0;
}

static int l_sys_getnumthreads(lua_State *L)
{
#ifdef _OPENMP
	lua_pushinteger(L, omp_get_max_threads());
#else
	lua_pushinteger(L, 1);
#endif
	return 1;
}

/* ---- torch.Timer: wall, user and system time, stoppable ---- */

typedef struct timer {
	int running;      /* 1 while counting */
	double real0;     /* clock values at the last start/resume */
	double user0;
	double sys0;
	double real;      /* time accumulated before the last start/resume */
	double user;
	double sys;
} timer;

static void now(double *real, double *user, double *sys)
{
	struct timespec ts;
	struct rusage ru;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &ru);
	*real = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
	*user = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec;
	*sys = (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static timer *check_timer(lua_State *L)
{
	return luaL_checkudata(L, 1, TIMER_MT);
}

static int l_sys_timer_new(lua_State *L)
{
	timer *t = lua_newuserdatauv(L, sizeof *t, 0);
	luaL_setmetatable(L, TIMER_MT);
	t->running = 1;
	t->real = t->user = t->sys = 0;
	now(&t->real0, &t->user0, &t->sys0);
	return 1;
}

static int l_sys_timer_reset(lua_State *L)
{
	timer *t = check_timer(L);
	t->real = t->user = t->sys = 0;
	now(&t->real0, &t->user0, &t->sys0);
	lua_settop(L, 1);
	return 1;
}

static int l_sys_timer_stop(lua_State *L)
{
	timer *t = check_timer(L);
	if (t->running) {
		double r, u, s;
		now(&r, &u, &s);
		t->real += r - t->real0;
		t->user += u - t->user0;
		t->sys += s - t->sys0;
		t->running = 0;
	}
	lua_settop(L, 1);
	return 1;
}

static int l_sys_timer_resume(lua_State *L)
{
	timer *t = check_timer(L);
	if (!t->running) {
		now(&t->real0, &t->user0, &t->sys0);
		t->running = 1;
	}
	lua_settop(L, 1);
	return 1;
}

static int l_sys_timer_time(lua_State *L)
{
	timer *t = check_timer(L);
	double r = t->real, u = t->user, s = t->sys;
	if (t->running) {
		double r1, u1, s1;
		now(&r1, &u1, &s1);
		r += r1 - t->real0;
		u += u1 - t->user0;
		s += s1 - t->sys0;
	}
	lua_createtable(L, 0, 3);
	lua_pushnumber(L, r);
	lua_setfield(L, -2, "real");
	lua_pushnumber(L, u);
	lua_setfield(L, -2, "user");
	lua_pushnumber(L, s);
	lua_setfield(L, -2, "sys");
	return 1;
}

static int l_sys_timer_tostring(lua_State *L)
{
	check_timer(L);
	lua_pushfstring(L, "torch.Timer (%p)", lua_topointer(L, 1));
	return 1;
}

void ml_l_open_sys(lua_State *L, int methods, int torch)
{
	static const luaL_Reg timer_methods[] = {
		{"reset", l_sys_timer_reset},
		{"stop", l_sys_timer_stop},
		{"resume", l_sys_timer_resume},
		{"time", l_sys_timer_time},
		{NULL, NULL},
	};
	(void)methods;
	if (luaL_newmetatable(L, TIMER_MT)) {
		luaL_newlib(L, timer_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_sys_timer_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushliteral(L, TIMER_MT);
		lua_setfield(L, -2, "__name");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, l_sys_timer_new);
	lua_setfield(L, torch, "Timer");
	lua_pushcfunction(L, l_sys_setnumthreads);
	lua_setfield(L, torch, "setnumthreads");
	lua_pushcfunction(L, l_sys_getnumthreads);
	lua_setfield(L, torch, "getnumthreads");
}
