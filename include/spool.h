/*
 * spool: the raw message of one transaction, in a bounded file.
 *
 * The milter writes every header and body chunk here as it arrives, so the
 * quarantine can store the exact message without holding it in memory.
 * The first 64 KiB stay in memory; the file is created in spool_dir (mode
 * 0600, without a name or unlinked at once) when they overflow or when
 * spool_rewind() needs it, so I/O errors, a missing directory included,
 * surface there.  It disappears when the spool is freed (end of message,
 * abort, close) and even when the daemon is killed.  Writes past the
 * maximum are dropped and remembered (spool_truncated); the caller decides
 * what that means.  Not thread-safe: one message, one owner.
 */
#ifndef TRIAGE_SPOOL_H
#define TRIAGE_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct spool;

/*
 * Returns an owned spool, or NULL with *error_r (static or thread-local)
 * when `dir` is unusable as a path; the directory itself is tried later.
 */
struct spool	*spool_new(const char *dir, uint64_t max, const char **error_r);
void		 spool_free(struct spool **);
/* Append; returns 0 (written or dropped past max), -1 on I/O error. */
int		 spool_write(struct spool *, const void *, size_t,
		    const char **error_r);
/* Create the file if need be, flush; returns the fd at offset 0, or -1. */
int		 spool_rewind(struct spool *, const char **error_r);
uint64_t	 spool_size(const struct spool *);	/* bytes kept */
/*
 * A new read-write file in `dir` that has no name (O_TMPFILE, else
 * mkstemp and unlink), mode 0600; returns the fd (the caller's), or -1.
 */
int		 spool_tmpfile(const char *dir, const char **error_r);
/*
 * A file of `dir` as spool_tmpfile makes, at offset 0, reused from the
 * pool when one waits there: it may hold *extent_r bytes of an earlier
 * user past what is written now (cut them before reading to the end).
 * Returns the fd or -1; give it back with spool_file_give (which closes
 * it if the pool is full), saying how far it may hold data.
 */
int		 spool_file_take(const char *dir, uint64_t *extent_r,
		    const char **error_r);
void		 spool_file_give(const char *dir, int fd, uint64_t extent);
int		 spool_truncated(const struct spool *);

#endif
