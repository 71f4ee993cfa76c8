/*
 * alloc.c - size-class pool allocator for the host's Lua state (see alloc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_ENABLED 0
#endif
#endif
#ifndef POOL_ENABLED
#define POOL_ENABLED 1
#endif

#define GRAIN 16                      /* size classes step by 16 bytes */
#define MAX_SMALL 512                 /* larger blocks go to malloc */
#define NCLASS (MAX_SMALL / GRAIN)    /* 16, 32, ..., 512 */
#define CHUNK (256 * 1024)            /* bytes carved at a time */

typedef struct chunk {
	struct chunk *next;  /* previous chunk, for ml_pool_destroy */
} chunk;

struct ml_pool {
	void *free[NCLASS];   /* per-class lists of freed blocks (linked through their first word) */
	char *cur;            /* unused tail of the newest chunk */
	size_t left;          /* bytes in that tail */
	chunk *chunks;        /* every chunk, newest first */
	int warn_on;          /* Lua warnings enabled ("@on") */
	int warn_cont;        /* inside a multi-part warning */
};

ml_pool *ml_pool_create(void)
{
	ml_pool *p = calloc(1, sizeof *p);
	return p;
}

void ml_pool_destroy(ml_pool *p)
{
	if (!p)
		return;
	for (chunk *c = p->chunks; c;) {
		chunk *next = c->next;
		free(c);
		c = next;
	}
	free(p);
}

static size_t class_of(size_t n)
{
	return (n + GRAIN - 1) / GRAIN - 1;
}

static void *small_alloc(ml_pool *p, size_t cls)
{
	void *b = p->free[cls];
	if (b) {
		memcpy(&p->free[cls], b, sizeof(void *));
		return b;
	}
	size_t sz = (cls + 1) * GRAIN;
	if (p->left < sz) {
		/* the old tail (under 512 bytes) is left unused */
		chunk *c = malloc(CHUNK);
		if (!c)
			return NULL;
		c->next = p->chunks;
		p->chunks = c;
		p->cur = (char *)c + GRAIN; /* keep blocks 16-byte aligned */
		p->left = CHUNK - GRAIN;
	}
	b = p->cur;
	p->cur += sz;
	p->left -= sz;
	return b;
}

static void small_free(ml_pool *p, void *b, size_t cls)
{
	memcpy(b, &p->free[cls], sizeof(void *));
	p->free[cls] = b;
}

void *ml_pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	ml_pool *p = ud;
	if (!POOL_ENABLED) {
		(void)p;
		(void)osize;
		if (nsize == 0) {
			free(ptr);
			return NULL;
		}
		return realloc(ptr, nsize);
	}
	if (ptr == NULL)
		osize = 0; /* Lua passes the object's type here for new blocks */
	int old_small = ptr && osize <= MAX_SMALL;
	if (nsize == 0) {
		if (old_small)
			small_free(p, ptr, class_of(osize));
		else
			free(ptr);
		return NULL;
	}
	if (nsize <= MAX_SMALL) {
		if (old_small && class_of(osize) == class_of(nsize))
			return ptr;
		void *b = small_alloc(p, class_of(nsize));
		if (!b)
			return NULL;
		if (ptr) {
			memcpy(b, ptr, osize < nsize ? osize : nsize);
			if (old_small)
				small_free(p, ptr, class_of(osize));
			else
				free(ptr);
		}
		return b;
	}
	if (!ptr || !old_small)
		return realloc(ptr, nsize);
	void *b = malloc(nsize);
	if (!b)
		return NULL;
	memcpy(b, ptr, osize);
	small_free(p, ptr, class_of(osize));
	return b;
}

static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "moonlab: unprotected error in call to Lua API (%s)\n", msg ? msg : "?");
	fflush(stderr);
	return 0; /* then Lua aborts */
}

/* Lua's warning protocol: "@on"/"@off" control messages, pieces joined until
 * the last one (tocont = 0).  Off by default, as in lua.c. */
static void warnf(void *ud, const char *msg, int tocont)
{
	ml_pool *p = ud;
	if (!p->warn_cont && !tocont && msg[0] == '@') {
		if (strcmp(msg, "@off") == 0)
			p->warn_on = 0;
		else if (strcmp(msg, "@on") == 0)
			p->warn_on = 1;
		return;
	}
	if (p->warn_on) {
		if (!p->warn_cont)
			fputs("Lua warning: ", stderr);
		fputs(msg, stderr);
		if (!tocont)
			fputc('\n', stderr);
		fflush(stderr);
	}
	p->warn_cont = tocont;
}

lua_State *ml_pool_newstate(ml_pool *p)
{
	lua_State *L = lua_newstate(ml_pool_alloc, p);
	if (L) {
		lua_atpanic(L, panic);
		lua_setwarnf(L, warnf, p);
	}
	return L;
}
