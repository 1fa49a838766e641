/*
 * spool: bounded, unlinked temporary file per message (see spool.h).
 *
 * Untrusted input: message bytes, written verbatim.  Limits: `max` bytes
 * kept.  Writes are buffered (64 KiB) so that the many small header lines
 * do not each cost a system call.  Not thread-safe.
 *
 * The file is made only when the buffer first overflows or when the caller
 * asks for it (spool_rewind): most mail is smaller than the buffer and is
 * never quarantined, and creating, writing and dropping an ext4 inode per
 * message was about a tenth of the daemon's CPU (bench/README.md).  The
 * file is an O_TMPFILE inode where the file system has them (no name ever
 * exists), else a mkstemp() name unlinked at once.
 *
 * Files are reused: a freed spool's file goes to a small pool (at most
 * SPOOL_POOL files, each cut to SPOOL_POOL_KEEP bytes) and the next message
 * overwrites it from offset 0; partbuf takes its files from the same pool
 * (spool_file_take).  Filling fresh page-cache pages and dropping
 * them again cost ~125 us per 512 KiB on ext4; overwriting cached pages
 * ~17 us.  What is beyond the new message's end is cut off before anyone
 * reads the file (spool_rewind).  The price: pooled files live long enough
 * for the kernel to write their dirty pages back now and then (at most
 * SPOOL_POOL x SPOOL_POOL_KEEP bytes per writeback interval), where a
 * file dropped within the second never reached the disk; mail is on disk
 * in the MTA's queue anyway.  The pool is guarded by a mutex; files of
 * one spool_dir only (a reload that changes it empties the pool).
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "spool.h"

#define SPOOL_BUF	65536
#define SPOOL_POOL	64
#define SPOOL_POOL_KEEP	(2 * 1024 * 1024)

struct spool {
	char		*dir;
	int		 fd;		/* -1 until the file is needed */
	uint64_t	 extent;	/* bytes the file may hold (reused) */
	uint64_t	 max, size;
	int		 truncated;
	size_t		 nbuf;
	unsigned char	 buf[SPOOL_BUF];
};

static _Thread_local char spool_err[256];

static struct {
	pthread_mutex_t	 lock;
	char		*dir;		/* the files' directory */
	size_t		 n;
	int		 fd[SPOOL_POOL];
	uint64_t	 extent[SPOOL_POOL];
} spool_pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *
spool_error(const char *what)
{
	snprintf(spool_err, sizeof(spool_err), "%.200s: %s", what,
	    strerror(errno));
	return spool_err;
}

struct spool *
spool_new(const char *dir, uint64_t max, const char **error_r)
{
	struct spool *s;

	if (strlen(dir) > 4000) {
		errno = ENAMETOOLONG;
		*error_r = spool_error(dir);
		return NULL;
	}
	/*
	 * Not zeroed: a session's 64 KiB buffer costs memory only as far as
	 * its message fills it (100 sessions of small mail: ~6 MiB less).
	 */
	s = mem_alloc(sizeof(*s));
	memset(s, 0, offsetof(struct spool, buf));
	s->dir = mem_strdup(dir);
	s->fd = -1;
	s->max = max;
	return s;
}

/* A pooled file of `dir` (its extent in *extent_r), or -1. */
static int
spool_pool_get(const char *dir, uint64_t *extent_r)
{
	int fd = -1;

	pthread_mutex_lock(&spool_pool.lock);
	if (spool_pool.n > 0 && strcmp(spool_pool.dir, dir) == 0) {
		spool_pool.n--;
		fd = spool_pool.fd[spool_pool.n];
		*extent_r = spool_pool.extent[spool_pool.n];
	}
	pthread_mutex_unlock(&spool_pool.lock);
	return fd;
}

/* Keep the file for the next message if there is room; else close it. */
void
spool_file_give(const char *dir, int fd, uint64_t extent)
{
	int drop[SPOOL_POOL];
	size_t ndrop = 0;

	if (extent > SPOOL_POOL_KEEP) {
		if (ftruncate(fd, SPOOL_POOL_KEEP) == -1) {
			close(fd);
			return;
		}
		extent = SPOOL_POOL_KEEP;
	}
	pthread_mutex_lock(&spool_pool.lock);
	if (spool_pool.dir == NULL || strcmp(spool_pool.dir, dir) != 0) {
		/* spool_dir changed (reload): the old files go. */
		while (spool_pool.n > 0)
			drop[ndrop++] = spool_pool.fd[--spool_pool.n];
		free(spool_pool.dir);
		spool_pool.dir = mem_strdup(dir);
	}
	if (spool_pool.n < SPOOL_POOL) {
		spool_pool.fd[spool_pool.n] = fd;
		spool_pool.extent[spool_pool.n++] = extent;
		fd = -1;
	}
	pthread_mutex_unlock(&spool_pool.lock);
	if (fd != -1)
		close(fd);
	while (ndrop > 0)
		close(drop[--ndrop]);
}

void
spool_free(struct spool **sp)
{
	struct spool *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	if (s->fd != -1)
		spool_file_give(s->dir, s->fd, s->extent > s->size ?
		    s->extent : s->size);
	free(s->dir);
	free(s);
	*sp = NULL;
}

int
spool_tmpfile(const char *dir, const char **error_r)
{
	char path[4096];
	int fd;

#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return fd;
	/* Old kernels and some file systems: fall back; others are errors. */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		*error_r = spool_error(dir);
		return -1;
	}
#endif
	if (snprintf(path, sizeof(path), "%s/triage.XXXXXX", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		*error_r = spool_error(dir);
		return -1;
	}
	if ((fd = mkstemp(path)) == -1) {
		*error_r = spool_error(path);
		return -1;
	}
	/* Unlinked now: nothing is left behind whatever happens next. */
	if (unlink(path) == -1) {
		*error_r = spool_error(path);
		close(fd);
		return -1;
	}
	return fd;
}

int
spool_file_take(const char *dir, uint64_t *extent_r, const char **error_r)
{
	int fd;

	if ((fd = spool_pool_get(dir, extent_r)) != -1) {
		if (lseek(fd, 0, SEEK_SET) == 0)
			return fd;
		close(fd);
	}
	*extent_r = 0;
	return spool_tmpfile(dir, error_r);
}

static int
spool_open(struct spool *s, const char **error_r)
{
	if (s->fd == -1)
		s->fd = spool_file_take(s->dir, &s->extent, error_r);
	return s->fd == -1 ? -1 : 0;
}

/* Write p..p+len at the file's position, making the file if need be. */
static int
spool_put(struct spool *s, const unsigned char *p, size_t len,
    const char **error_r)
{
	ssize_t n;

	if (spool_open(s, error_r) == -1)
		return -1;
	while (len > 0) {
		n = write(s->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			*error_r = spool_error("write");
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
spool_flush(struct spool *s, const char **error_r)
{
	if (spool_put(s, s->buf, s->nbuf, error_r) == -1)
		return -1;
	s->nbuf = 0;
	return 0;
}

int
spool_write(struct spool *s, const void *p, size_t len, const char **error_r)
{
	const unsigned char *b = p;
	size_t n;

	if (len > s->max - s->size) {
		len = (size_t)(s->max - s->size);
		s->truncated = 1;
	}
	while (len > 0) {
		if (s->nbuf == SPOOL_BUF && spool_flush(s, error_r) == -1)
			return -1;
		/* A whole body chunk past the buffer: no copy. */
		if (s->nbuf == 0 && len >= SPOOL_BUF) {
			if (spool_put(s, b, len, error_r) == -1)
				return -1;
			s->size += len;
			return 0;
		}
		n = SPOOL_BUF - s->nbuf < len ? SPOOL_BUF - s->nbuf : len;
		memcpy(s->buf + s->nbuf, b, n);
		s->nbuf += n;
		s->size += n;
		b += n;
		len -= n;
	}
	return 0;
}

int
spool_rewind(struct spool *s, const char **error_r)
{
	if (spool_flush(s, error_r) == -1)
		return -1;
	/* A reused file: what an earlier message left past our end goes. */
	if (s->extent > s->size) {
		if (ftruncate(s->fd, (off_t)s->size) == -1) {
			*error_r = spool_error("ftruncate");
			return -1;
		}
		s->extent = s->size;
	}
	if (lseek(s->fd, 0, SEEK_SET) == -1) {
		*error_r = spool_error("lseek");
		return -1;
	}
	return s->fd;
}

uint64_t
spool_size(const struct spool *s)
{
	return s->size;
}

int
spool_truncated(const struct spool *s)
{
	return s->truncated;
}
