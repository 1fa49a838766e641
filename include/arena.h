/*
 * arena: per-message memory.
 *
 * Everything allocated for one message (findings, part reports, names) comes
 * from its arena and is freed at once at end of message, abort or close.
 * Not thread-safe: an arena belongs to one message.
 */
#ifndef TRIAGE_ARENA_H
#define TRIAGE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena	*arena_new(void);
void		 arena_free(struct arena **);
/* All return memory owned by the arena, never NULL (OOM aborts). */
void		*arena_alloc(struct arena *, size_t);		/* zeroed, 16-byte aligned */
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*arena_vprintf(struct arena *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
size_t		 arena_used(const struct arena *);

#endif
