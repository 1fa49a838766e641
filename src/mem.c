/*
 * mem: allocation wrappers that never return NULL (see mem.h).
 *
 * Untrusted input: none directly, but sizes often derive from mail, so
 * every size computation is overflow-checked here.  Thread-safe.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"

static void *
mem_check(void *p, size_t size)
{
	if (p == NULL && size != 0)
		log_fatal("out of memory allocating %zu bytes", size);
	return p;
}

void *
mem_alloc(size_t size)
{
	return mem_check(malloc(size ? size : 1), size ? size : 1);
}

void *
mem_zalloc(size_t size)
{
	return mem_check(calloc(1, size ? size : 1), size ? size : 1);
}

void *
mem_realloc(void *ptr, size_t size)
{
	return mem_check(realloc(ptr, size ? size : 1), size ? size : 1);
}

void *
mem_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t total;

	if (mem_mul(nmemb, size, &total) == -1)
		log_fatal("allocation overflow: %zu * %zu", nmemb, size);
	return mem_realloc(ptr, total);
}

char *
mem_strdup(const char *s)
{
	return mem_dup(s, strlen(s));
}

char *
mem_strndup(const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);

	return mem_dup(s, nul != NULL ? (size_t)(nul - s) : len);
}

void *
mem_dup(const void *p, size_t len)
{
	size_t total;
	char *r;

	if (mem_add(len, 1, &total) == -1)
		log_fatal("allocation overflow: %zu + 1", len);
	r = mem_alloc(total);
	if (len > 0)
		memcpy(r, p, len);
	r[len] = '\0';
	return r;
}

int
mem_add(size_t a, size_t b, size_t *r)
{
	if (a > SIZE_MAX - b)
		return -1;
	*r = a + b;
	return 0;
}

int
mem_mul(size_t a, size_t b, size_t *r)
{
	if (a != 0 && b > SIZE_MAX / a)
		return -1;
	*r = a * b;
	return 0;
}
