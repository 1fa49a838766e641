/*
 * partbuf: a part's bounded copy within a process-wide memory budget
 * (see partbuf.h).
 *
 * Untrusted input: decoded part bytes, stored verbatim.  Limits: `max`
 * bytes kept; the budget moves parts of PARTBUF_SPILL_MIN bytes or more to
 * a file.  The counter is updated with atomic operations: two parts may
 * both see room and go a block over the budget, never more.  One warning
 * per run of failed spills, so a full disk does not flood the log.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "partbuf.h"
#include "spool.h"

static _Atomic uint64_t	partbuf_held;	/* bytes in memory, all parts */
static atomic_int	partbuf_failing;	/* the last spill failed */
static _Atomic uint64_t	partbuf_nspills;	/* parts moved to files */
static _Thread_local char partbuf_err[256];

void
partbuf_init(struct partbuf *pb, size_t max, uint64_t budget,
    const char *dir)
{
	memset(pb, 0, sizeof(*pb));
	sbuf_init(&pb->mem, max);
	pb->fd = -1;
	pb->max = max;
	pb->budget = dir != NULL ? budget : 0;
	pb->dir = dir;
}

static void
partbuf_charge(struct partbuf *pb, size_t n)
{
	atomic_fetch_add(&partbuf_held, n);
	pb->charged += n;
}

static void
partbuf_uncharge(struct partbuf *pb)
{
	atomic_fetch_sub(&partbuf_held, pb->charged);
	pb->charged = 0;
}

static int
partbuf_write(int fd, const unsigned char *p, size_t len,
    const char **error_r)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			snprintf(partbuf_err, sizeof(partbuf_err),
			    "part file: write: %s", strerror(errno));
			*error_r = partbuf_err;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Move the bytes held so far to a file; 0, or -1 if it cannot be made. */
static int
partbuf_spill(struct partbuf *pb)
{
	const char *err = NULL;
	int fd;

	if ((fd = spool_tmpfile(pb->dir, &err)) == -1 ||
	    partbuf_write(fd, pb->mem.data, pb->len, &err) == -1) {
		if (fd != -1)
			close(fd);
		if (!atomic_exchange(&partbuf_failing, 1))
			log_msg(LOG_WARNING, "max_part_memory reached and a "
			    "part cannot be moved to %s (%s): parts stay in "
			    "memory", pb->dir, err);
		return -1;
	}
	if (atomic_exchange(&partbuf_failing, 0))
		log_msg(LOG_NOTICE, "parts are moved to %s again", pb->dir);
	pb->fd = fd;
	sbuf_release(&pb->mem);
	partbuf_uncharge(pb);
	atomic_fetch_add(&partbuf_nspills, 1);
	return 0;
}

/* Would n more bytes take the process over its budget? */
static int
partbuf_over(const struct partbuf *pb, size_t n)
{
	return pb->budget > 0 && pb->len + n >= PARTBUF_SPILL_MIN &&
	    atomic_load(&partbuf_held) + n > pb->budget;
}

int
partbuf_append(struct partbuf *pb, const void *p, size_t len,
    const char **error_r)
{
	size_t before;

	if (len > pb->max - pb->len) {
		len = pb->max - pb->len;
		pb->truncated = 1;
	}
	if (len == 0)
		return 0;
	if (pb->fd == -1 && partbuf_over(pb, len))
		(void)partbuf_spill(pb);
	if (pb->fd != -1) {
		if (partbuf_write(pb->fd, p, len, error_r) == -1)
			return -1;
		pb->len += len;
		return 0;
	}
	before = pb->mem.len;
	if (sbuf_append(&pb->mem, p, len) != 0)
		pb->truncated = 1;
	partbuf_charge(pb, pb->mem.len - before);
	pb->len = pb->mem.len;
	return 0;
}

/*
 * Map a spilled part.  A NUL is written after the data first: readers may
 * rely on it as on sbuf's, and mapping past the end of a file would fault.
 */
static const unsigned char *
partbuf_map(struct partbuf *pb, const char **error_r)
{
	void *m;

	if (partbuf_write(pb->fd, (const unsigned char *)"", 1, error_r) == -1)
		return NULL;
	m = mmap(NULL, pb->len + 1, PROT_READ, MAP_PRIVATE, pb->fd, 0);
	if (m == MAP_FAILED) {
		snprintf(partbuf_err, sizeof(partbuf_err),
		    "part file: mmap: %s", strerror(errno));
		*error_r = partbuf_err;
		return NULL;
	}
	pb->map = m;
	pb->maplen = pb->len + 1;
	return pb->map;
}

const unsigned char *
partbuf_data(struct partbuf *pb, const char **error_r)
{
	if (pb->fd == -1)
		return (const unsigned char *)sbuf_str(&pb->mem);
	if (pb->map != NULL)
		return pb->map;
	return partbuf_map(pb, error_r);
}

size_t
partbuf_len(const struct partbuf *pb)
{
	return pb->len;
}

int
partbuf_truncated(const struct partbuf *pb)
{
	return pb->truncated;
}

int
partbuf_spilled(const struct partbuf *pb)
{
	return pb->fd != -1;
}

void
partbuf_release(struct partbuf *pb)
{
	if (pb->map != NULL)
		(void)munmap(pb->map, pb->maplen);
	if (pb->fd != -1)
		close(pb->fd);
	sbuf_release(&pb->mem);
	partbuf_uncharge(pb);
	pb->map = NULL;
	pb->fd = -1;
	pb->len = 0;
}

uint64_t
partbuf_memory(void)
{
	return atomic_load(&partbuf_held);
}

uint64_t
partbuf_spills(void)
{
	return atomic_load(&partbuf_nspills);
}
