/*
 * flate: bounded inflation under the policy's limits (see flate.h).
 *
 * Untrusted input: compressed bytes from zip members and PDF streams.
 * Limits: the cap of flate.h is computed before the first byte is
 * inflated; the output is produced FLATE_BLOCK bytes at a time into a
 * stack block and appended, asking zlib for at most one byte beyond the
 * cap, so that "more than the cap" is seen without expanding further.
 * Input is fed in pieces that fit zlib's unsigned counters.  Ownership:
 * the zlib state lives and dies within one call.  Thread-safe.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "flate.h"
#include "msgctx.h"
#include "policy.h"
#include "sbuf.h"

#define FLATE_FEED	(1u << 30)	/* input given to zlib at a time */

/* Which limit set the cap (for the finding). */
enum flate_bound {
	FLATE_B_PART,
	FLATE_B_EXPANDED,
	FLATE_B_RATIO
};

struct flate {
	struct msgctx		*msg;
	const char		*where;
	size_t			 in_len;
	uint64_t		 cap;
	enum flate_bound	 bound;
	uint64_t		 produced;
};

static uint64_t
flate_left(const struct msgctx *msg)
{
	uint64_t max = msg->pol->lim.expanded_size;

	return msg->expanded_bytes < max ? max - msg->expanded_bytes : 0;
}

static void
flate_caps(struct flate *f)
{
	const struct policy_limits *lim = &f->msg->pol->lim;
	uint64_t left = flate_left(f->msg), ratio;

	f->cap = lim->part_size;
	f->bound = FLATE_B_PART;
	if (left < f->cap) {
		f->cap = left;
		f->bound = FLATE_B_EXPANDED;
	}
	if (lim->expansion_ratio == 0)
		return;
	ratio = (uint64_t)f->in_len > UINT64_MAX / lim->expansion_ratio ?
	    UINT64_MAX : (uint64_t)f->in_len * lim->expansion_ratio;
	if (ratio < FLATE_RATIO_FLOOR)
		ratio = FLATE_RATIO_FLOOR;
	if (ratio < f->cap) {
		f->cap = ratio;
		f->bound = FLATE_B_RATIO;
	}
}

static void
flate_cut_finding(const struct flate *f)
{
	struct msgctx *msg = f->msg;
	const struct policy_limits *lim = &msg->pol->lim;

	switch (f->bound) {
	case FLATE_B_PART:
		msgctx_finding(msg, "limit.part_size", f->where,
		    "compressed data inflates past %llu bytes, limit %llu; "
		    "examined the first %llu",
		    (unsigned long long)f->cap,
		    (unsigned long long)lim->part_size,
		    (unsigned long long)f->cap);
		break;
	case FLATE_B_EXPANDED:
		if (msgctx_has_rule(msg, "limit.expanded_size"))
			break;
		msgctx_finding(msg, "limit.expanded_size", f->where,
		    "expanded %llu bytes in this message, limit %llu; the "
		    "rest was not examined",
		    (unsigned long long)msg->expanded_bytes,
		    (unsigned long long)lim->expanded_size);
		break;
	case FLATE_B_RATIO:
		msgctx_finding(msg, "limit.expansion_ratio", f->where,
		    "%zu compressed bytes inflate past %llu bytes, ratio "
		    "over %u:1; stopped there", f->in_len,
		    (unsigned long long)f->cap, lim->expansion_ratio);
		break;
	}
}

int
flate_exhausted(struct msgctx *msg, const char *where)
{
	if (msgctx_time_up(msg, where, "stream"))
		return 1;
	if (flate_left(msg) > 0)
		return 0;
	if (!msgctx_has_rule(msg, "limit.expanded_size"))
		msgctx_finding(msg, "limit.expanded_size", where,
		    "expanded %llu bytes in this message, limit %llu; the "
		    "rest was not examined",
		    (unsigned long long)msg->expanded_bytes,
		    (unsigned long long)msg->pol->lim.expanded_size);
	return 1;
}

/* Does src start with an RFC 1950 header (CM 8, CINFO <= 7, FCHECK)? */
static int
flate_is_zlib(const unsigned char *src, size_t len)
{
	return len >= 2 && (src[0] & 0x0f) == 8 && (src[0] >> 4) <= 7 &&
	    ((unsigned)src[0] << 8 | src[1]) % 31 == 0;
}

/* Keep n more bytes: append and account them.  Returns 0 or 1 (cut). */
static int
flate_keep(struct flate *f, struct sbuf *out, const unsigned char *p,
    size_t n)
{
	uint64_t *ex = &f->msg->expanded_bytes;

	*ex = n > UINT64_MAX - *ex ? UINT64_MAX : *ex + n;
	f->produced += n;
	if (f->produced > f->cap) {
		n -= (size_t)(f->produced - f->cap);
		f->produced = f->cap;
		sbuf_append(out, p, n);
		return 1;
	}
	sbuf_append(out, p, n);
	return 0;
}

/* Feed more input when zlib has used what it had. */
static void
flate_feed(z_stream *zs, const unsigned char **src, size_t *left)
{
	size_t n;

	if (zs->avail_in > 0 || *left == 0)
		return;
	n = *left < FLATE_FEED ? *left : FLATE_FEED;
	zs->next_in = (unsigned char *)(uintptr_t)*src;
	zs->avail_in = (uInt)n;
	*src += n;
	*left -= n;
}

static int
flate_loop(struct flate *f, z_stream *zs, const unsigned char *src,
    struct sbuf *out)
{
	unsigned char blk[FLATE_BLOCK];
	size_t left = f->in_len, n, want;
	int rc;

	for (;;) {
		flate_feed(zs, &src, &left);
		want = f->cap - f->produced + 1 < sizeof(blk) ?
		    (size_t)(f->cap - f->produced + 1) : sizeof(blk);
		zs->next_out = blk;
		zs->avail_out = (uInt)want;
		rc = inflate(zs, Z_NO_FLUSH);
		if (rc == Z_MEM_ERROR)
			return -1;
		n = want - zs->avail_out;
		if (flate_keep(f, out, blk, n)) {
			flate_cut_finding(f);
			return FLATE_CUT;
		}
		if (rc == Z_STREAM_END)
			return FLATE_DONE;
		if (rc != Z_OK || (n == 0 && zs->avail_in == 0 && left == 0))
			return FLATE_BAD;
		if (flate_exhausted(f->msg, f->where))
			return FLATE_CUT;
	}
}

int
flate_expand(struct msgctx *msg, const char *where,
    const unsigned char *src, size_t len, int mode, struct sbuf *out,
    const char **error_r)
{
	struct flate f;
	z_stream zs;
	int rc, raw;

	memset(&f, 0, sizeof(f));
	f.msg = msg;
	f.where = where;
	f.in_len = len;
	if (flate_exhausted(msg, where))
		return FLATE_CUT;
	flate_caps(&f);
	raw = mode == FLATE_RAW || !flate_is_zlib(src, len);
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK) {
		*error_r = "flate: cannot initialise zlib";
		return -1;
	}
	rc = flate_loop(&f, &zs, src, out);
	inflateEnd(&zs);
	if (rc == -1)
		*error_r = "flate: out of memory in zlib";
	return rc;
}
