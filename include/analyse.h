/*
 * analyse: judging one part (attachment, body, embedded file).
 *
 * Fed a part's decoded bytes as they stream in, it keeps a bounded copy
 * (policy max_part_size; beyond it the part is still hashed whole and
 * "limit.part_size" is recorded), hashes everything (sha256, and sha1/md5
 * for the hash list), and at the end finds the real type (ftype), checks
 * every name candidate (names), compares declared type, extension and
 * real type, and looks the hashes up in hash-blocklist.txt.  It adds a
 * part report and findings to the message context.
 *
 * analyse_object() is the recursion point: later modules (unpack, office)
 * call it for archive members with where = "2/a.zip/b.exe" and depth + 1.
 *
 * Not thread-safe: belongs to one message.
 */
#ifndef TRIAGE_ANALYSE_H
#define TRIAGE_ANALYSE_H

#include <stddef.h>

struct msgctx;
struct mime_part;

struct analyse;

/* Start a part (any kind: containers get name checks only). Never NULL. */
struct analyse	*analyse_begin(struct msgctx *, const struct mime_part *);
/* More decoded bytes of a leaf; returns 0 or -1 (internal error). */
int		 analyse_data(struct analyse *, const unsigned char *, size_t,
		    const char **error_r);
/* Finish and free the part; returns 0 or -1 (internal error). */
int		 analyse_end(struct analyse **, const char **error_r);

/*
 * Judge a complete object held in memory: real type, names, hashes,
 * mismatch; adds a part report.  names may be empty.  depth counts archive
 * nesting (0 for a MIME part).  Returns 0 or -1 (internal error).
 */
int	analyse_object(struct msgctx *, const char *where,
	    const char *const *names, size_t nnames, const char *declared,
	    const unsigned char *data, size_t len, unsigned depth,
	    const char **error_r);

#endif
