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
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "spool.h"

#define SPOOL_BUF	65536

struct spool {
	char		*dir;
	int		 fd;		/* -1 until the file is needed */
	uint64_t	 max, size;
	int		 truncated;
	size_t		 nbuf;
	unsigned char	 buf[SPOOL_BUF];
};

static _Thread_local char spool_err[256];

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
	s = mem_zalloc(sizeof(*s));
	s->dir = mem_strdup(dir);
	s->fd = -1;
	s->max = max;
	return s;
}

void
spool_free(struct spool **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	if ((*sp)->fd != -1)
		close((*sp)->fd);
	free((*sp)->dir);
	free(*sp);
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

static int
spool_open(struct spool *s, const char **error_r)
{
	if (s->fd == -1)
		s->fd = spool_tmpfile(s->dir, error_r);
	return s->fd == -1 ? -1 : 0;
}

static int
spool_flush(struct spool *s, const char **error_r)
{
	size_t off = 0;
	ssize_t n;

	if (spool_open(s, error_r) == -1)
		return -1;
	while (off < s->nbuf) {
		n = write(s->fd, s->buf + off, s->nbuf - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			*error_r = spool_error("write");
			return -1;
		}
		off += (size_t)n;
	}
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
