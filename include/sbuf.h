/*
 * sbuf: one binary-safe bounded buffer.
 *
 * The maximum is fixed at creation; appending past it stores what fits and
 * reports truncation, so callers turn it into a finding instead of a silent
 * cut.  The data is always NUL-terminated after len (cap > len), which makes
 * printing text safe; binary users go by len.  Not thread-safe: one owner.
 */
#ifndef TRIAGE_SBUF_H
#define TRIAGE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
	size_t		 max;		/* hard limit on len */
	int		 truncated;	/* set once anything was cut */
};

/* Returns an owned buffer holding at most max bytes (0 = SIZE_MAX - 1). */
struct sbuf	*sbuf_new(size_t initial, size_t max);
void		 sbuf_free(struct sbuf **);
/* Initialise/release an embedded sbuf (no allocation until first append). */
void		 sbuf_init(struct sbuf *, size_t max);
void		 sbuf_release(struct sbuf *);

/* Return 0 when all was appended, 1 when cut at max (what fits is kept). */
int		 sbuf_append(struct sbuf *, const void *, size_t);
int		 sbuf_puts(struct sbuf *, const char *);
int		 sbuf_putc(struct sbuf *, int);
int		 sbuf_printf(struct sbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 sbuf_vprintf(struct sbuf *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
void		 sbuf_reset(struct sbuf *);
/* NUL-terminated view of the contents ("" when empty); owned by the sbuf. */
const char	*sbuf_str(const struct sbuf *);
/* Detach the contents as an owned NUL-terminated string; the sbuf is reset. */
char		*sbuf_steal(struct sbuf *, size_t *len_r);

#endif
