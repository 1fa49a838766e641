/*
 * notify_send: hand a rendered notice to "sendmail -t -i".
 *
 * posix_spawn, never a shell: argv is { sendmail_path, "-t", "-i" } and
 * the recipients come from the To: header we wrote (-t), so nothing from
 * mail reaches a command line.  The child gets the notice on a pipe, its
 * stderr on another (the first line is kept for the log), an empty
 * signal mask and default dispositions, and no other descriptor of ours.
 * We never wait for it for more than NOTIFY_SEND_TIMEOUT_MS: then it is
 * killed and the send counts as failed (and is retried by the core).
 *
 * SIGPIPE: a sendmail that exits without reading would kill the daemon on
 * write; SIGPIPE is blocked around the write and any pending one is
 * consumed before the mask is restored, so the write just fails (EPIPE).
 *
 * Untrusted input: none (the notice is ours; its values were escaped).
 * Thread-safe: errors go to a thread-local buffer; no other state.
 */
#define _GNU_SOURCE	/* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notify_int.h"
#include "sbuf.h"

#define NOTIFY_SEND_TIMEOUT_MS	60000

extern char **environ;

static _Thread_local char notify_send_err[512];

static const char *
notify_send_error(const char *what, const char *detail)
{
	snprintf(notify_send_err, sizeof(notify_send_err), "%s: %s", what,
	    detail);
	return notify_send_err;
}

/* The pipes: in[1] (our end, non-blocking) and err[0] (ours). */
static int
notify_pipes(int in[2], int err[2])
{
	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(err[0], F_SETFL, O_NONBLOCK) == -1) {
		close(in[0]);
		close(in[1]);
		close(err[0]);
		close(err[1]);
		return -1;
	}
	return 0;
}

/* Spawn path -t -i with stdin in[0], stdout /dev/null, stderr err[1]. */
static int
notify_spawn(const char *path, int in0, int err1, pid_t *pid_r)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char a0[] = "sendmail", a1[] = "-t", a2[] = "-i";
	char *argv[] = { a0, a1, a2, NULL };
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, in0, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err1, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid_r, path, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

static uint64_t
notify_left(uint64_t deadline)
{
	uint64_t now = notify_now_ms();

	return now >= deadline ? 0 : deadline - now;
}

/* The child's state while we talk to it. */
struct notify_child {
	pid_t		pid;
	int		status;
	int		reaped;
	uint64_t	deadline;
};

/* Reap the child if it has exited; 1 once it has. */
static int
notify_try_reap(struct notify_child *c)
{
	pid_t r;

	if (!c->reaped) {
		r = waitpid(c->pid, &c->status, WNOHANG);
		if (r == c->pid || (r == -1 && errno == ECHILD))
			c->reaped = r == c->pid ? 1 : -1;
	}
	return c->reaped != 0;
}

/* Write into pf[0] as it accepts; -1 on a write error. */
static int
notify_pump_in(struct pollfd *pf, const struct notify_msg *m, size_t *off,
    const char **error_r)
{
	ssize_t n = write(pf->fd, m->text + *off, m->len - *off);
	int ret = 0;

	if (n > 0)
		*off += (size_t)n;
	else if (n == -1 && errno != EAGAIN && errno != EINTR) {
		*error_r = notify_send_error("write to sendmail",
		    strerror(errno));
		ret = -1;
	}
	if (*off == m->len || ret == -1) {
		close(pf->fd);
		pf->fd = -1;
	}
	return ret;
}

/* Read what sendmail says on stderr (kept bounded); EOF closes pf. */
static void
notify_pump_err(struct pollfd *pf, struct sbuf *errs)
{
	char buf[512];
	ssize_t n = read(pf->fd, buf, sizeof(buf));

	if (n > 0)
		sbuf_append(errs, buf, (size_t)n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		close(pf->fd);
		pf->fd = -1;
	}
}

/*
 * Write the notice and collect stderr until it is closed, or the child
 * has exited (a background grandchild may keep stderr open), or the
 * deadline.  0, or -1 with *error_r.
 */
static int
notify_pump(const struct notify_msg *m, struct pollfd pf[2], struct sbuf *errs,
    struct notify_child *c, const char **error_r)
{
	size_t off = 0;
	uint64_t left;
	int ret = 0;

	while (pf[0].fd != -1 || pf[1].fd != -1) {
		if ((left = notify_left(c->deadline)) == 0) {
			*error_r = notify_send_error("sendmail", "timed out");
			return -1;
		}
		if (poll(pf, 2, (int)(left > 100 ? 100 : left)) == -1 &&
		    errno != EINTR) {
			*error_r = notify_send_error("poll", strerror(errno));
			return -1;
		}
		if (pf[0].fd != -1 && pf[0].revents != 0 &&
		    notify_pump_in(&pf[0], m, &off, error_r) == -1)
			ret = -1;
		if (pf[1].fd != -1 && pf[1].revents != 0)
			notify_pump_err(&pf[1], errs);
		if (pf[0].fd == -1 && pf[1].fd != -1 && notify_try_reap(c)) {
			notify_pump_err(&pf[1], errs);	/* what is left */
			break;
		}
	}
	return ret;
}

/* Wait for the child until the deadline, then kill it. */
static int
notify_reap(struct notify_child *c)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	while (!notify_try_reap(c)) {
		if (notify_left(c->deadline) == 0) {
			kill(c->pid, SIGKILL);
			while (waitpid(c->pid, &c->status, 0) == -1 &&
			    errno == EINTR)
				;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return c->reaped == 1 ? 0 : -1;
}

/* The failure text: exit status and sendmail's first stderr line. */
static const char *
notify_status_error(int status, struct sbuf *errs)
{
	struct sbuf e;
	size_t n = strcspn(sbuf_str(errs), "\n");

	sbuf_init(&e, 300);
	if (WIFEXITED(status))
		sbuf_printf(&e, "sendmail exited %d", WEXITSTATUS(status));
	else
		sbuf_printf(&e, "sendmail killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (n > 0) {
		sbuf_puts(&e, ": ");
		log_escape(&e, errs->data, n);
	}
	snprintf(notify_send_err, sizeof(notify_send_err), "%s", sbuf_str(&e));
	sbuf_release(&e);
	return notify_send_err;
}

/* Run the child with SIGPIPE blocked in this thread; see the top. */
static int
notify_run(const struct notify_msg *m, int in[2], int err[2],
    struct sbuf *errs, int *status_r, const char **error_r)
{
	struct notify_child c = { 0, 0, 0, 0 };
	struct pollfd pf[2] = { { in[1], POLLOUT, 0 }, { err[0], POLLIN, 0 } };
	sigset_t pipe_set, old;
	struct timespec zero = { 0, 0 };
	int rc, ret;

	c.deadline = notify_now_ms() + NOTIFY_SEND_TIMEOUT_MS;
	rc = notify_spawn(m->sendmail_path, in[0], err[1], &c.pid);
	close(in[0]);
	close(err[1]);
	if (rc != 0) {
		close(in[1]);
		close(err[0]);
		*error_r = notify_send_error(m->sendmail_path, strerror(rc));
		return -1;
	}
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	ret = notify_pump(m, pf, errs, &c, error_r);
	while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pf[0].fd != -1)
		close(pf[0].fd);
	if (pf[1].fd != -1)
		close(pf[1].fd);
	if (notify_reap(&c) == -1 && ret == 0) {
		*error_r = notify_send_error("sendmail", "timed out or lost");
		ret = -1;
	}
	*status_r = c.status;
	return ret;
}

int
notify_send_sendmail(void *arg, const struct notify_msg *m,
    const char **error_r)
{
	struct sbuf errs;
	int in[2], err[2], status = 0, ret;

	(void)arg;
	if (m->sendmail_path == NULL || m->sendmail_path[0] != '/') {
		*error_r = "sendmail_path is not an absolute path";
		return -1;
	}
	if (notify_pipes(in, err) == -1) {
		*error_r = notify_send_error("pipe", strerror(errno));
		return -1;
	}
	sbuf_init(&errs, 1024);
	ret = notify_run(m, in, err, &errs, &status, error_r);
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		*error_r = notify_status_error(status, &errs);
		ret = -1;
	}
	sbuf_release(&errs);
	return ret;
}
