/*
 * flate: bounded inflation of deflate data (RFC 1950 zlib streams and RFC
 * 1951 raw deflate) for the office module (zip members of OOXML) and the
 * pdf module (FlateDecode streams), under the policy's expansion limits.
 * The only module that includes zlib.h.
 *
 * Untrusted input: the compressed bytes.  Limits: the output of one call
 * is capped at the smallest of max_part_size, what is left of the
 * message's max_expanded_size (msg->expanded_bytes, which every call adds
 * to), and max_expansion_ratio times the input (judged above
 * FLATE_RATIO_FLOOR bytes); the scan time is checked every FLATE_BLOCK
 * bytes.  Going over one is a limit.* finding at `where` with the value
 * and the limit, and the output stops there: a bomb is never expanded in
 * full.  Ownership: the output goes to the caller's sbuf.  Thread-safe:
 * no state of its own (one message per call).
 */
#ifndef TRIAGE_FLATE_H
#define TRIAGE_FLATE_H

#include <stddef.h>

#define FLATE_BLOCK		(64 * 1024)	/* inflated per step */
#define FLATE_RATIO_FLOOR	(1024 * 1024)	/* ratio judged above this */

/* Input framing. */
#define FLATE_AUTO	0	/* zlib header if there is one, else raw */
#define FLATE_RAW	1	/* raw deflate (zip method 8) */

/* Results of flate_expand(). */
#define FLATE_DONE	0	/* the stream ended; out holds it all */
#define FLATE_CUT	1	/* a limit stopped it; finding recorded */
#define FLATE_BAD	2	/* corrupt or truncated; out holds a prefix */

struct msgctx;
struct sbuf;

/*
 * Inflate src[0..len) and append the result to out (whose own max should
 * be 0: the limits are applied here).  Returns FLATE_DONE, FLATE_CUT or
 * FLATE_BAD, or -1 on an internal error (*error_r, static).
 */
int	flate_expand(struct msgctx *, const char *where,
	    const unsigned char *src, size_t len, int mode, struct sbuf *out,
	    const char **error_r);

/*
 * Is a limit already exhausted (scan time, or no expanded bytes left)?
 * Records the limit.* finding (once per message) and returns 1, else 0.
 * Callers check it before starting work they would account.
 */
int	flate_exhausted(struct msgctx *, const char *where);

#endif
