/*
 * arena: per-message memory in large blocks, freed at once (see arena.h).
 *
 * Requests larger than a quarter block get a block of their own, so the
 * waste is bounded.  Not thread-safe: one message, one owner.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "mem.h"

#define ARENA_BLOCK	(64 * 1024)
#define ARENA_ALIGN	16

struct arena_block {
	struct arena_block	*next;
	size_t			 size, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct arena_block	*head;
	size_t			 total;
};

struct arena *
arena_new(void)
{
	return mem_zalloc(sizeof(struct arena));
}

void
arena_free(struct arena **ap)
{
	struct arena_block *b, *next;

	if (ap == NULL || *ap == NULL)
		return;
	for (b = (*ap)->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(*ap);
	*ap = NULL;
}

static struct arena_block *
arena_block_new(size_t size)
{
	size_t total;
	struct arena_block *b;

	if (mem_add(sizeof(*b), size, &total) == -1)
		log_fatal("arena: allocation overflow (%zu)", size);
	b = mem_alloc(total);
	b->size = size;
	b->used = 0;
	return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need;
	void *p;

	if (mem_add(n, ARENA_ALIGN - 1, &need) == -1)
		log_fatal("arena: allocation overflow (%zu)", n);
	need &= ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (b == NULL || b->size - b->used < need) {
		if (need > ARENA_BLOCK / 4 && b != NULL) {
			/* Big request: own block behind the current head. */
			struct arena_block *big = arena_block_new(need);

			big->next = b->next;
			b->next = big;
			big->used = need;
			a->total += need;
			memset(big->data, 0, need);
			return big->data;
		}
		b = arena_block_new(need > ARENA_BLOCK ? need : ARENA_BLOCK);
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);
	char *r;

	if (nul != NULL)
		len = (size_t)(nul - s);
	if (len == SIZE_MAX)
		log_fatal("arena: string too long");
	r = arena_alloc(a, len + 1);
	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *r;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	r = arena_alloc(a, (size_t)n + 1);
	vsnprintf(r, (size_t)n + 1, fmt, ap);
	return r;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return r;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}
