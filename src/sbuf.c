/*
 * sbuf: bounded binary-safe buffer (see sbuf.h).
 *
 * Growth doubles up to the maximum; appends past the maximum keep what
 * fits and set `truncated`.  One spare byte beyond len always holds a NUL.
 * Not thread-safe.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "sbuf.h"

void
sbuf_init(struct sbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = (max == 0 || max >= SIZE_MAX - 1) ? SIZE_MAX - 2 : max;
}

void
sbuf_release(struct sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

struct sbuf *
sbuf_new(size_t initial, size_t max)
{
	struct sbuf *b = mem_alloc(sizeof(*b));

	sbuf_init(b, max);
	if (initial > b->max)
		initial = b->max;
	if (initial > 0) {
		b->data = mem_alloc(initial + 1);
		b->cap = initial + 1;
		b->data[0] = '\0';
	}
	return b;
}

void
sbuf_free(struct sbuf **bp)
{
	if (bp == NULL || *bp == NULL)
		return;
	sbuf_release(*bp);
	free(*bp);
	*bp = NULL;
}

/* Make room for len + need bytes plus the NUL; need is already clamped. */
static void
sbuf_grow(struct sbuf *b, size_t need)
{
	size_t want = b->len + need + 1, cap = b->cap ? b->cap : 64;

	if (want <= b->cap)
		return;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	b->data = mem_realloc(b->data, cap);
	b->cap = cap;
}

int
sbuf_append(struct sbuf *b, const void *p, size_t n)
{
	int cut = 0;

	if (n > b->max - b->len) {
		n = b->max - b->len;
		cut = 1;
		b->truncated = 1;
	}
	if (n > 0 || b->data == NULL) {
		sbuf_grow(b, n);
		if (n > 0)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
	}
	return cut;
}

int
sbuf_puts(struct sbuf *b, const char *s)
{
	return sbuf_append(b, s, strlen(s));
}

int
sbuf_putc(struct sbuf *b, int c)
{
	unsigned char ch = (unsigned char)c;

	return sbuf_append(b, &ch, 1);
}

int
sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	char small[256], *big;
	va_list ap2;
	int n, cut;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return 0;
	if ((size_t)n < sizeof(small))
		return sbuf_append(b, small, (size_t)n);
	big = mem_alloc((size_t)n + 1);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	cut = sbuf_append(b, big, (size_t)n);
	free(big);
	return cut;
}

int
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->truncated = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

const char *
sbuf_str(const struct sbuf *b)
{
	return b->data != NULL ? (const char *)b->data : "";
}

char *
sbuf_steal(struct sbuf *b, size_t *len_r)
{
	char *r;

	if (b->data == NULL)
		sbuf_append(b, "", 0);
	r = (char *)b->data;
	if (len_r != NULL)
		*len_r = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	b->truncated = 0;
	return r;
}
