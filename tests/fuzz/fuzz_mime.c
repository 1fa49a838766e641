/*
 * fuzz_mime: libFuzzer target for the MIME walker.
 *
 * Each input is walked twice: fed whole, and fed in pieces whose sizes
 * come from a small PRNG seeded by the input length.  A sink hashes every
 * event (begin, end with a hash of the part's data, findings, top-level
 * headers) and checks the sink contract (LIFO ends, data only for
 * leaves); the two walks must hash the same, else abort().  Built as a
 * libFuzzer binary (--enable-fuzzers) and as a replay runner for
 * `make check` (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_OPEN	64	/* open parts at most: depth limit + 2 readings + 1 */

struct fz_part {
	uint64_t	hash;
	uint64_t	len;
};

struct fz {
	uint64_t	h;		/* all events */
	struct fz_part	open[FZ_OPEN];
	size_t		nopen;
};

static void
fz_mix(struct fz *z, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		z->h = (z->h ^ s[i]) * 1099511628211ULL;
}

static void
fz_str(struct fz *z, const char *s)
{
	if (s == NULL)
		s = "(null)";
	fz_mix(z, s, strlen(s) + 1);
}

static int
fz_begin(void *arg, struct mime_part *p)
{
	struct fz *z = arg;
	size_t i;

	if (z->nopen == FZ_OPEN || p->user != NULL)
		abort();
	fz_mix(z, "B", 1);
	fz_str(z, p->where);
	fz_mix(z, &p->kind, sizeof(p->kind));
	fz_mix(z, &p->depth, sizeof(p->depth));
	fz_str(z, p->ctype);
	fz_str(z, p->ctype_alt);
	fz_str(z, p->charset);
	fz_str(z, p->cte);
	fz_str(z, p->disposition);
	if (p->nnames > MIME_MAX_NAMES)
		abort();
	for (i = 0; i < p->nnames; i++)
		fz_str(z, p->names[i]);
	z->open[z->nopen].hash = 14695981039346656037ULL;
	z->open[z->nopen].len = 0;
	p->user = &z->open[z->nopen++];
	return 0;
}

static int
fz_data(void *arg, struct mime_part *p, const unsigned char *d, size_t n)
{
	struct fz_part *fp = p->user;
	size_t i;

	(void)arg;
	if (fp == NULL || n == 0 ||
	    (p->kind != MIME_LEAF && p->kind != MIME_EMBEDDED))
		abort();
	for (i = 0; i < n; i++)
		fp->hash = (fp->hash ^ d[i]) * 1099511628211ULL;
	fp->len += n;
	return 0;
}

static int
fz_end(void *arg, struct mime_part *p)
{
	struct fz *z = arg;
	struct fz_part *fp = p->user;

	if (z->nopen == 0 || fp != &z->open[z->nopen - 1])
		abort();			/* not LIFO */
	fz_mix(z, "E", 1);
	fz_str(z, p->where);
	fz_mix(z, fp, sizeof(*fp));
	z->nopen--;
	p->user = NULL;
	return 0;
}

static int
fz_header(void *arg, const char *name, const char *value, size_t len)
{
	struct fz *z = arg;

	fz_mix(z, "H", 1);
	fz_str(z, name);
	fz_mix(z, value, len);
	return 0;
}

static void
fz_finding(void *arg, const char *rule, const char *where, const char *detail)
{
	struct fz *z = arg;

	fz_mix(z, "F", 1);
	fz_str(z, rule);
	fz_str(z, where);
	fz_str(z, detail);
}

static const struct mime_sink fz_sink = {
	fz_begin, fz_data, fz_end, fz_header, fz_finding
};

/* Small limits so that inputs reach them. */
static const struct mime_limits fz_lim = {
	1u << 20,	/* message_size */
	8192,		/* header_size */
	16,		/* depth */
	300,		/* parts */
	64		/* name_length */
};

/* Walk d whole (chunked 0) or in pieces of PRNG sizes. */
static uint64_t
fz_walk(const uint8_t *d, size_t n, int chunked)
{
	struct fz z;
	struct mime *m;
	const char *err;
	uint64_t x = (uint64_t)n * 2654435761u + 1;
	size_t off = 0, k;

	memset(&z, 0, sizeof(z));
	z.h = 14695981039346656037ULL;
	m = mime_new(&fz_lim, &fz_sink, &z);
	while (off < n) {
		k = n - off;
		if (chunked) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* mostly tiny pieces, sometimes big ones */
			k = (size_t)(x % ((x >> 60) < 4 ? 4 : 300)) + 1;
			if (k > n - off)
				k = n - off;
		}
		if (mime_feed(m, d + off, k, &err) != 0)
			abort();		/* our sink never fails */
		off += k;
	}
	if (mime_finish(m, &err) != 0 || z.nopen != 0 || mime_bytes(m) != n)
		abort();
	mime_free(&m);
	return z.h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fz_walk(data, size, 0) != fz_walk(data, size, 1))
		abort();			/* events depend on the split */
	return 0;
}
