/*
 * quar_release: re-inject a quarantined message (see quar.h,
 * quar_release), and the body digest its release token is bound to.
 *
 * sendmail is started with posix_spawn (no shell) and a minimal
 * environment; the envelope comes from the database (addresses from
 * mail: bounded, control characters refused, after "--" so that none is
 * taken for an option; the sender is the argument of -f).  The message is
 * streamed from the database to sendmail's stdin with a deadline, so a
 * stuck sendmail cannot hang us: it is killed and the item stays held.
 *
 * Untrusted input: the stored raw message (only hashed and copied) and
 * the stored envelope.  Not thread-safe with respect to SIGPIPE: the
 * caller ignores it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "mem.h"
#include "quar.h"
#include "quar_int.h"
#include "sbuf.h"
#include "token.h"

#define QUAR_MAX_RCPTS		1000	/* recipients of one release */
#define QUAR_ADDR_MAX		998
#define QUAR_TIMEOUT_MS		300000

/* Streaming state of quar_body_digest. */
struct quar_digest {
	struct hash_sha256	*h;
	int			 state;		/* 0 line start, 1 in line, 2 body */
	int			 crlf;		/* first line ended "\r\n" */
	int			 first_done;
	int			 last_cr;	/* previous byte was CR */
};

static int
quar_digest_feed(void *arg, const unsigned char *p, size_t n,
    const char **error_r)
{
	struct quar_digest *d = arg;
	const unsigned char *end = p + n, *cr;

	while (p < end && d->state != 2) {
		if (*p == '\n') {
			if (!d->first_done)
				d->crlf = d->last_cr;
			d->first_done = 1;
			d->state = d->state == 0 ? 2 : 0;
		} else if (*p != '\r')
			d->state = 1;
		d->last_cr = *p++ == '\r';
	}
	while (p < end) {
		cr = memchr(p, '\r', (size_t)(end - p));
		if (cr == NULL)
			cr = end;
		if (hash_sha256_update(d->h, p, (size_t)(cr - p), error_r) == -1)
			return -1;
		p = cr < end ? cr + 1 : end;
	}
	return 0;
}

int
quar_body_digest(const void *raw, size_t len, char out[65],
    const char **error_r)
{
	struct quar_digest d;
	int r;

	memset(&d, 0, sizeof(d));
	if ((d.h = hash_sha256_new(error_r)) == NULL)
		return -1;
	r = quar_digest_feed(&d, raw, len, error_r) == 0 &&
	    hash_sha256_final(d.h, out, error_r) == 0 ? 0 : -1;
	hash_sha256_free(&d.h);
	return r;
}

/* A bounded address for sendmail's argv, without its <>; NULL if bad. */
static char *
quar_addr(const char *s, size_t n)
{
	size_t i;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		s++, n -= 2;
	if (n > QUAR_ADDR_MAX)
		return NULL;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return NULL;
	return mem_strndup(s, n);
}

struct quar_argv {
	char	**v;
	size_t	  n, cap;
};

static void
quar_argv_add(struct quar_argv *a, char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->v = mem_reallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void
quar_argv_free(struct quar_argv *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/*
 * argv: sendmail -i -f SENDER -- RCPT...; rcpts newline-separated.
 * 0, or -1 with *error_r.
 */
static int
quar_argv_build(struct quar_argv *a, const char *from, const char *rcpts,
    const char **error_r)
{
	const char *p, *nl;
	char *s;

	quar_argv_add(a, mem_strdup("sendmail"));
	quar_argv_add(a, mem_strdup("-i"));
	quar_argv_add(a, mem_strdup("-f"));
	if ((s = quar_addr(from, strlen(from))) == NULL) {
		*error_r = "the stored sender address is unusable";
		return -1;
	}
	if (*s == '\0') {
		free(s);
		s = mem_strdup("<>");	/* the null sender (bounces) */
	}
	quar_argv_add(a, s);
	quar_argv_add(a, mem_strdup("--"));
	for (p = rcpts; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if ((s = quar_addr(p, (size_t)(nl - p))) == NULL || *s == '\0' ||
		    a->n >= QUAR_MAX_RCPTS + 5) {
			free(s);
			*error_r = "a recipient address is unusable or there "
			    "are too many";
			return -1;
		}
		quar_argv_add(a, s);
	}
	if (a->n == 5) {
		*error_r = "no recipients (use --to ADDR)";
		return -1;
	}
	return 0;
}

/* Start sendmail with a pipe on its stdin; 0 with *pid_r and *fd_r. */
static int
quar_spawn(const char *path, char *const argv[], pid_t *pid_r, int *fd_r,
    const char **error_r)
{
	static _Thread_local char err[400];
	char mc[600];
	char *envp[3] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL, NULL };
	const char *conf = getenv("MAIL_CONFIG");
	posix_spawn_file_actions_t fa;
	int p[2], rc;

	if (conf != NULL && strlen(conf) < 500) {
		snprintf(mc, sizeof(mc), "MAIL_CONFIG=%s", conf);
		envp[1] = mc;
	}
	if (pipe(p) == -1) {
		*error_r = quar_error(NULL, "pipe");
		return -1;
	}
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	rc = posix_spawn(pid_r, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (rc != 0) {
		close(p[1]);
		snprintf(err, sizeof(err), "cannot run %.300s: %s", path,
		    strerror(rc));
		*error_r = err;
		return -1;
	}
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	*fd_r = p[1];
	return 0;
}

static int64_t
quar_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The pipe to sendmail, with its deadline. */
struct quar_pipe {
	int	fd;
	int64_t	deadline;	/* CLOCK_MONOTONIC ms */
};

static int
quar_pipe_write(void *arg, const unsigned char *p, size_t n,
    const char **error_r)
{
	struct quar_pipe *qp = arg;
	struct pollfd pfd = { qp->fd, POLLOUT, 0 };
	ssize_t w;
	int64_t left;

	while (n > 0) {
		w = write(qp->fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR) {
			*error_r = quar_error(NULL, "writing to sendmail");
			return -1;
		}
		if ((left = qp->deadline - quar_now_ms()) <= 0 ||
		    (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)) {
			*error_r = "sendmail did not read the message in time";
			return -1;
		}
	}
	return 0;
}

/* Wait for sendmail until the deadline (then kill it); its status text. */
static int
quar_wait(pid_t pid, int64_t deadline, const char **error_r)
{
	static _Thread_local char err[128];
	struct timespec nap = { 0, 10 * 1000000 };
	pid_t w;
	int st;

	while ((w = waitpid(pid, &st, WNOHANG)) == 0 ||
	    (w == -1 && errno == EINTR)) {
		if (quar_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			*error_r = "sendmail timed out and was killed";
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	if (w == -1) {
		*error_r = quar_error(NULL, "waitpid");
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(err, sizeof(err), "sendmail failed with exit status "
		    "%d", WEXITSTATUS(st));
	else
		snprintf(err, sizeof(err), "sendmail was killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	*error_r = err;
	return -1;
}

/* The X-Triage-Release line for id, in the message's line ending. */
static int
quar_release_header(struct quar *q, int64_t id, const struct token_key *key,
    struct sbuf *line, const char **error_r)
{
	struct quar_digest d;
	char hex[HASH_SHA256_HEX], tok[TOKEN_HEX], ids[24];
	int r;

	memset(&d, 0, sizeof(d));
	if ((d.h = hash_sha256_new(error_r)) == NULL)
		return -1;
	r = quar_body_read(q, id, quar_digest_feed, &d, error_r);
	if (r == 1)
		*error_r = "the message is no longer stored";
	if (r == 0)
		r = hash_sha256_final(d.h, hex, error_r);
	hash_sha256_free(&d.h);
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if (r != 0 || token_make(key, "release", ids, hex, tok, error_r) == -1)
		return -1;
	sbuf_printf(line, "X-Triage-Release: %s; t=%s%s", ids, tok,
	    d.crlf ? "\r\n" : "\n");
	return 0;
}

/*
 * The copy sent on release drops any X-Triage-Release or X-Triage-Notice
 * header already in the stored message, with its continuation lines: a
 * forwarded or forged mark would otherwise stand next to ours, and the
 * milter refuses a message with two marks.  Only the header block is
 * filtered; the body, which the token covers, is copied unchanged.
 */
enum { QF_START, QF_COPY, QF_DROP, QF_BODY };

struct quar_hfilter {
	struct quar_pipe	*out;
	int			 state;		/* QF_* */
	int			 dropping;	/* the last header was a mark */
	char			 pre[64];	/* start of the current line */
	size_t			 npre;
};

static int
quar_is_mark(const char *p, size_t n)
{
	static const char *const names[] = { "x-triage-release",
	    "x-triage-notice" };
	const char *colon = memchr(p, ':', n);
	size_t i, len;

	if (colon == NULL)
		return 0;
	len = (size_t)(colon - p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncasecmp(p, names[i],
		    len) == 0)
			return 1;
	return 0;
}

/* Classify the line begun in f->pre once its start tells (else wait). */
static int
quar_hf_decide(struct quar_hfilter *f, const char **error_r)
{
	char c = f->pre[f->npre - 1];
	int empty, keep, r = 0;

	empty = c == '\n' && (f->npre == 1 || (f->npre == 2 &&
	    f->pre[0] == '\r'));
	if (empty)
		keep = 1;			/* the body follows */
	else if (f->npre == 1 && (c == ' ' || c == '\t'))
		keep = !f->dropping;		/* a continuation line */
	else if (c == ':' || c == '\n' || f->npre == sizeof(f->pre))
		keep = !(f->dropping = quar_is_mark(f->pre, f->npre));
	else
		return 0;
	if (keep)
		r = quar_pipe_write(f->out, (const unsigned char *)f->pre,
		    f->npre, error_r);
	if (empty)
		f->state = QF_BODY;
	else if (c == '\n')
		f->state = QF_START;
	else
		f->state = keep ? QF_COPY : QF_DROP;
	f->npre = 0;
	return r;
}

static int
quar_hf_feed(void *arg, const unsigned char *p, size_t n,
    const char **error_r)
{
	struct quar_hfilter *f = arg;
	const unsigned char *end = p + n, *nl;
	size_t len;

	while (p < end) {
		if (f->state == QF_BODY)
			return quar_pipe_write(f->out, p, (size_t)(end - p),
			    error_r);
		if (f->state == QF_START) {
			f->pre[f->npre++] = (char)*p++;
			if (quar_hf_decide(f, error_r) == -1)
				return -1;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		if (f->state == QF_COPY && quar_pipe_write(f->out, p, len,
		    error_r) == -1)
			return -1;
		if (nl != NULL)
			f->state = QF_START;
		p += len;
	}
	return 0;
}

/* Send: header line, then the stored message; 0 or -1 with *error_r. */
static int
quar_send(struct quar *q, int64_t id, const struct quar_release *o,
    char *const argv[], const struct sbuf *line, const char **error_r)
{
	struct quar_hfilter hf;
	struct quar_pipe qp;
	const char *werr = NULL;
	pid_t pid;
	int w;

	if (quar_spawn(o->sendmail_path, argv, &pid, &qp.fd, error_r) == -1)
		return -1;
	qp.deadline = quar_now_ms() + (o->timeout_ms ? o->timeout_ms :
	    QUAR_TIMEOUT_MS);
	memset(&hf, 0, sizeof(hf));
	hf.out = &qp;
	w = quar_pipe_write(&qp, line->data, line->len, &werr);
	if (w == 0)
		w = quar_body_read(q, id, quar_hf_feed, &hf, &werr);
	close(qp.fd);
	/* sendmail's own status says more than our EPIPE. */
	if (quar_wait(pid, qp.deadline, error_r) == -1)
		return -1;
	if (w != 0) {
		*error_r = w == 1 ? "the message is no longer stored" : werr;
		return -1;
	}
	return 0;
}

/* The recipients of argv joined by sep (bounded by out). */
static void
quar_rcpt_text(struct sbuf *out, char *const argv[], const char *sep)
{
	size_t i;

	for (i = 5; argv[i] != NULL; i++)
		sbuf_printf(out, "%s%s", i > 5 ? sep : "", argv[i]);
}

/* Build, sign and send; rcpt_nl gets the recipients used. */
static int
quar_release_run(struct quar *q, int64_t id, const struct quar_release *o,
    const char *from, const char *rcpts, struct sbuf *rcpt_nl,
    struct sbuf *detail, const char **error_r)
{
	struct quar_argv a = { NULL, 0, 0 };
	struct sbuf line;
	int r = -1;

	sbuf_init(&line, 4096);
	if (quar_argv_build(&a, from, o->to != NULL ? o->to : rcpts,
	    error_r) == 0 &&
	    quar_release_header(q, id, o->key, &line, error_r) == 0 &&
	    quar_send(q, id, o, a.v, &line, error_r) == 0) {
		r = 0;
		quar_rcpt_text(rcpt_nl, a.v, "\n");
		sbuf_puts(detail, "to ");
		quar_rcpt_text(detail, a.v, ", ");
		sbuf_printf(detail, " via %s", o->sendmail_path);
	} else
		sbuf_puts(detail, *error_r);
	sbuf_release(&line);
	quar_argv_free(&a);
	return r;
}

int
quar_release(struct quar *q, int64_t id, const struct quar_release *o,
    const char **error_r)
{
	static _Thread_local char err[600];
	char *prev = NULL, *from = NULL, *rcpts = NULL;
	const char *serr = NULL, *ferr = NULL;
	struct sbuf rcpt_nl, detail;
	int r, sent;

	if (!quar_reason_ok(o->reason, error_r))
		return -1;
	if (o->key == NULL || o->sendmail_path == NULL) {
		*error_r = "quarantine: release without a key or sendmail";
		return -1;
	}
	if ((r = quar_release_begin(q, id, o->force, &prev, &from, &rcpts,
	    error_r)) != QUAR_OK) {
		free(prev);
		return r;
	}
	sbuf_init(&rcpt_nl, 64 * 1024);
	sbuf_init(&detail, 1000);
	sent = quar_release_run(q, id, o, from, rcpts, &rcpt_nl, &detail,
	    &serr) == 0;
	r = quar_release_finish(q, id, sent, prev, sbuf_str(&rcpt_nl), o->who,
	    o->reason, sbuf_str(&detail), &ferr);
	if (r == -1)
		snprintf(err, sizeof(err), "%s%s", sent ? "the message was "
		    "sent, but the release could not be recorded: " : "", ferr);
	else if (!sent)
		snprintf(err, sizeof(err), "%s", serr);
	*error_r = err;
	sbuf_release(&detail);
	sbuf_release(&rcpt_nl);
	free(prev);
	free(from);
	free(rcpts);
	return r == -1 ? -1 : sent ? QUAR_OK : QUAR_SEND_FAILED;
}
