/*
 * partbuf: a part's bounded copy within a process-wide memory budget
 * (see partbuf.h).
 *
 * Untrusted input: decoded part bytes, stored verbatim.  Limits: `max`
 * bytes kept; the budget moves parts of PARTBUF_SPILL_MIN bytes or more to
 * a file.  The counter is updated with atomic operations: two parts may
 * both see room and go a block over the budget, never more.  One warning
 * per run of failed spills, so a full disk does not flood the log.
 *
 * Memory is counted as the bytes of a buffer ever written (its resident
 * pages), not its capacity: a grown buffer's tail is never touched.
 */
#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "partbuf.h"
#include "spool.h"

#define PARTBUF_FIRST		4096		/* first allocation */
#define PARTBUF_POOL		32		/* buffers kept */
#define PARTBUF_POOL_MIN	(256 * 1024)	/* smaller ones: malloc's */
#define PARTBUF_POOL_MAX	(4 * 1024 * 1024)

static _Atomic uint64_t	partbuf_held;	/* bytes in memory, pool included */
static atomic_int	partbuf_failing;	/* the last spill failed */
static _Atomic uint64_t	partbuf_nspills;	/* parts moved to files */
static _Thread_local char partbuf_err[256];

static struct {
	pthread_mutex_t	 lock;
	size_t		 n;
	unsigned char	*mem[PARTBUF_POOL];
	size_t		 cap[PARTBUF_POOL], touched[PARTBUF_POOL];
} partbuf_pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

void
partbuf_init(struct partbuf *pb, size_t max, uint64_t budget,
    const char *dir)
{
	memset(pb, 0, sizeof(*pb));
	pb->fd = -1;
	pb->max = max;
	pb->budget = dir != NULL ? budget : 0;
	pb->dir = dir;
}

/* ---- the pool ----------------------------------------------------- */

/* Take the most recently pooled buffer; 0 if none. */
static int
partbuf_pool_take(struct partbuf *pb)
{
	int ok = 0;

	pthread_mutex_lock(&partbuf_pool.lock);
	if (partbuf_pool.n > 0) {
		size_t i = --partbuf_pool.n;

		pb->mem = partbuf_pool.mem[i];
		pb->cap = partbuf_pool.cap[i];
		pb->touched = partbuf_pool.touched[i];	/* already counted */
		ok = 1;
	}
	pthread_mutex_unlock(&partbuf_pool.lock);
	return ok;
}

/* Keep a released buffer if it is worth it and there is room; 1 if kept. */
static int
partbuf_pool_give(unsigned char *mem, size_t cap, size_t touched)
{
	int kept = 0;

	if (cap < PARTBUF_POOL_MIN || cap > PARTBUF_POOL_MAX)
		return 0;
	pthread_mutex_lock(&partbuf_pool.lock);
	if (partbuf_pool.n < PARTBUF_POOL) {
		partbuf_pool.mem[partbuf_pool.n] = mem;
		partbuf_pool.cap[partbuf_pool.n] = cap;
		partbuf_pool.touched[partbuf_pool.n++] = touched;
		kept = 1;
	}
	pthread_mutex_unlock(&partbuf_pool.lock);
	return kept;
}

/* Free pooled buffers until `need` more bytes fit the budget (0: all). */
static void
partbuf_pool_shrink(uint64_t budget, size_t need)
{
	unsigned char *mem;
	size_t touched;

	for (;;) {
		pthread_mutex_lock(&partbuf_pool.lock);
		if (partbuf_pool.n == 0 || (budget > 0 &&
		    atomic_load(&partbuf_held) + need <= budget)) {
			pthread_mutex_unlock(&partbuf_pool.lock);
			return;
		}
		partbuf_pool.n--;
		mem = partbuf_pool.mem[partbuf_pool.n];
		touched = partbuf_pool.touched[partbuf_pool.n];
		pthread_mutex_unlock(&partbuf_pool.lock);
		free(mem);
		atomic_fetch_sub(&partbuf_held, touched);
	}
}

void
partbuf_pool_drain(void)
{
	partbuf_pool_shrink(0, 0);
}

/* ---- one part ------------------------------------------------------ */

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

/* Give the memory back: to the pool if it takes it, else to the system. */
static void
partbuf_drop_mem(struct partbuf *pb)
{
	if (pb->mem != NULL && !partbuf_pool_give(pb->mem, pb->cap,
	    pb->touched)) {
		free(pb->mem);
		atomic_fetch_sub(&partbuf_held, pb->touched);
	}
	pb->mem = NULL;
	pb->cap = pb->touched = 0;
}

/* Move the bytes held so far to a file; 0, or -1 if it cannot be made. */
static int
partbuf_spill(struct partbuf *pb)
{
	const char *err = NULL;
	int fd;

	if ((fd = spool_file_take(pb->dir, &pb->extent, &err)) == -1 ||
	    partbuf_write(fd, pb->mem, pb->len, &err) == -1) {
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
	/* Not pooled: the budget is short. */
	free(pb->mem);
	atomic_fetch_sub(&partbuf_held, pb->touched);
	pb->mem = NULL;
	pb->cap = pb->touched = 0;
	atomic_fetch_add(&partbuf_nspills, 1);
	return 0;
}

/*
 * Would n more bytes take the process over its budget?  Pooled buffers
 * go first; only then does a large part move to a file.
 */
static int
partbuf_over(const struct partbuf *pb, size_t n)
{
	if (pb->budget == 0 || pb->len + n < PARTBUF_SPILL_MIN ||
	    atomic_load(&partbuf_held) + n <= pb->budget)
		return 0;
	partbuf_pool_shrink(pb->budget, n);
	return atomic_load(&partbuf_held) + n > pb->budget;
}

/* Room for len more bytes and the NUL after them. */
static void
partbuf_reserve(struct partbuf *pb, size_t len)
{
	size_t need = pb->len + len + 1, cap;

	if (pb->mem == NULL)
		(void)partbuf_pool_take(pb);
	if (need <= pb->cap)
		return;
	cap = pb->cap > PARTBUF_FIRST ? pb->cap : PARTBUF_FIRST;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	pb->mem = mem_realloc(pb->mem, cap);
	pb->cap = cap;
}

int
partbuf_append(struct partbuf *pb, const void *p, size_t len,
    const char **error_r)
{
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
	partbuf_reserve(pb, len);
	memcpy(pb->mem + pb->len, p, len);
	pb->len += len;
	pb->mem[pb->len] = '\0';
	if (pb->len + 1 > pb->touched) {
		atomic_fetch_add(&partbuf_held, pb->len + 1 - pb->touched);
		pb->touched = pb->len + 1;
	}
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
		return pb->mem != NULL ? pb->mem : (const unsigned char *)"";
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
	/* The file goes back to the spool's pool: its pages stay cached. */
	if (pb->fd != -1)
		spool_file_give(pb->dir, pb->fd, pb->extent > pb->len + 1 ?
		    pb->extent : pb->len + 1);
	partbuf_drop_mem(pb);
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
