/*
 * mem: allocation wrappers.
 *
 * Out of memory is not a condition we recover from: every wrapper logs and
 * aborts (style.md "Out of memory aborts"), so the MTA's tempfail default
 * keeps the mail.  Multiplications and additions are checked for overflow
 * before allocating.  Thread-safe.
 */
#ifndef TRIAGE_MEM_H
#define TRIAGE_MEM_H

#include <stddef.h>

/* Each returns owned memory; none returns NULL. */
void	*mem_alloc(size_t size);
void	*mem_zalloc(size_t size);
void	*mem_realloc(void *ptr, size_t size);
void	*mem_reallocarray(void *ptr, size_t nmemb, size_t size);
char	*mem_strdup(const char *s);
char	*mem_strndup(const char *s, size_t len);	/* copies at most len bytes, NUL-terminates */
void	*mem_dup(const void *p, size_t len);		/* len bytes plus a NUL */

/* Overflow-checked arithmetic: return 0 and set *r, or -1 on overflow. */
int	mem_add(size_t a, size_t b, size_t *r);
int	mem_mul(size_t a, size_t b, size_t *r);

#endif
