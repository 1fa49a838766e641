/*
 * partbuf: the bounded copy of one decoded part, in memory while the whole
 * process stays within a budget, else in an unlinked file.
 *
 * Judging a part needs all of it at once (archives, Office, PDF), so every
 * message being received holds its open part.  With a hundred sessions
 * streaming attachments that is the daemon's peak memory; the budget
 * (max_part_memory) bounds it.  A part that would take the bytes held in
 * memory by all parts past the budget moves to a file in `dir` (O_TMPFILE
 * or mkstemp+unlink, mode 0600, from the spool's pool of reused files) and
 * is mapped read-only when judged; parts
 * under PARTBUF_SPILL_MIN always stay in memory.  If the file cannot be
 * made the part stays in memory (a warning is logged): the budget is a
 * target, and a full spool disk must not fail mail that memory can carry.
 *
 * Like sbuf: at most `max` bytes are kept, the rest is dropped and
 * remembered; the data seen through partbuf_data() is NUL-terminated
 * after its length.  Not thread-safe: one owner.  The budget's counter is
 * process-wide and atomic.
 *
 * Buffers of released parts (256 KiB to 4 MiB) wait in a small pool for
 * the next part instead of going back to the system: a fresh buffer costs
 * a page fault per 4 KiB written and an munmap at the end, about a tenth
 * of the daemon's CPU.  Pooled buffers count against the budget and are
 * the first to go when it is reached.
 */
#ifndef TRIAGE_PARTBUF_H
#define TRIAGE_PARTBUF_H

#include <stddef.h>
#include <stdint.h>

#define PARTBUF_SPILL_MIN	(64 * 1024)

struct partbuf {
	unsigned char	*mem;		/* the bytes while in memory */
	size_t		 cap;		/* of mem */
	size_t		 touched;	/* bytes of mem ever written */
	int		 fd;		/* the file, or -1 while in memory */
	size_t		 len;		/* bytes kept */
	size_t		 max;		/* at most this many */
	int		 truncated;
	uint64_t	 budget;	/* 0: always in memory */
	const char	*dir;		/* borrowed; outlives the partbuf */
	uint64_t	 extent;	/* of a reused file (spool_file_take) */
	unsigned char	*map;		/* file mapping after partbuf_data */
	size_t		 maplen;
};

/* Set up an empty buffer; nothing is allocated until the first append. */
void		 partbuf_init(struct partbuf *, size_t max, uint64_t budget,
		    const char *dir);
/* Append; 0 when kept or dropped past max, -1 on file I/O error. */
int		 partbuf_append(struct partbuf *, const void *, size_t,
		    const char **error_r);
/*
 * The kept bytes, NUL-terminated after partbuf_len(); owned by the
 * partbuf, valid until partbuf_release.  NULL with *error_r if a spilled
 * part cannot be mapped.
 */
const unsigned char *partbuf_data(struct partbuf *, const char **error_r);
size_t		 partbuf_len(const struct partbuf *);
int		 partbuf_truncated(const struct partbuf *);
int		 partbuf_spilled(const struct partbuf *);
/* Free memory, mapping and file; the budget gets its bytes back. */
void		 partbuf_release(struct partbuf *);
/* Bytes all partbufs of the process hold in memory now, pool included. */
uint64_t	 partbuf_memory(void);
/* Give the pooled buffers back to the system (tests, shutdown). */
void		 partbuf_pool_drain(void);
/* Parts moved to files since the process started. */
uint64_t	 partbuf_spills(void);

#endif
