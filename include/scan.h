/*
 * scan: one message from raw bytes to findings and a verdict.
 *
 * Glues the MIME walker to analyse: fed the raw message in arbitrary
 * pieces (the milter feeds each body chunk as it arrives; triagectl feeds
 * a file), it checks the message-size and scan-time limits and at the end
 * computes the verdict into the message context.
 *
 * Not thread-safe: one scan per message.
 */
#ifndef TRIAGE_SCAN_H
#define TRIAGE_SCAN_H

#include <stddef.h>

struct msgctx;
struct scan;

/* Returns an owned scanner writing into msg (which must outlive it). */
struct scan	*scan_new(struct msgctx *msg);
void		 scan_free(struct scan **);
/* Returns 0, or -1 on an internal error (the answer is then the policy's
 * on_internal_error, tempfail by default). */
int		 scan_feed(struct scan *, const void *buf, size_t len,
		    const char **error_r);
/* End of message: finish parsing and compute msg->score and msg->verdict. */
int		 scan_finish(struct scan *, const char **error_r);

/* Convenience: scan a whole buffer (tests, fuzzers). */
int		 scan_buffer(struct msgctx *msg, const void *buf, size_t len,
		    const char **error_r);

#endif
