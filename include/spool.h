/*
 * spool: the raw message of one transaction, in a bounded file.
 *
 * The milter writes every header and body chunk here as it arrives, so the
 * quarantine can store the exact message without holding it in memory.
 * The file is created in spool_dir with mode 0600 and unlinked at once:
 * it disappears when the spool is freed (end of message, abort, close) and
 * even when the daemon is killed.  Writes past the maximum are dropped and
 * remembered (spool_truncated); the caller decides what that means.
 * Not thread-safe: one message, one owner.
 */
#ifndef TRIAGE_SPOOL_H
#define TRIAGE_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct spool;

/* Returns an owned spool, or NULL with *error_r (static or thread-local). */
struct spool	*spool_new(const char *dir, uint64_t max, const char **error_r);
void		 spool_free(struct spool **);
/* Append; returns 0 (written or dropped past max), -1 on I/O error. */
int		 spool_write(struct spool *, const void *, size_t,
		    const char **error_r);
/* Flush buffered data; returns the fd positioned at 0, or -1. */
int		 spool_rewind(struct spool *, const char **error_r);
uint64_t	 spool_size(const struct spool *);	/* bytes kept */
int		 spool_truncated(const struct spool *);

#endif
