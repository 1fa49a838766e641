/*
 * glue: the milter transaction logic (see glue.h).
 *
 * Untrusted input: all strings and bytes the MTA passes on.  Failures
 * inside a transaction (spool I/O, scanner error, quarantine store) are
 * remembered and answered at end of message with the policy's
 * on_internal_error action (tempfail by default): the MTA keeps the mail.
 * Thread-safe as described in glue.h.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "glue.h"
#include "glue_int.h"
#include "hash.h"
#include "log.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "quar.h"
#include "rules.h"
#include "sbuf.h"
#include "scan.h"
#include "spool.h"

struct glue_daemon glue_d = { .lock = PTHREAD_MUTEX_INITIALIZER };

void
glue_init(const struct glue_ops *ops, const struct policy *pol,
    unsigned max_scans)
{
	struct timespec ts;

	/* Names this start of the daemon in pending quarantine items. */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(glue_d.instance, sizeof(glue_d.instance), "%ld.%lld.%09ld",
	    (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
	glue_d.ops = ops;
	glue_d.pol = policy_ref(pol);
	glue_d.max_scans = max_scans ? max_scans : 1;
	sem_init(&glue_d.scans, 0, glue_d.max_scans);
}

void
glue_shutdown(void)
{
	pthread_mutex_lock(&glue_d.lock);
	policy_unref(&glue_d.pol);
	pthread_mutex_unlock(&glue_d.lock);
	sem_destroy(&glue_d.scans);
}

void
glue_set_policy(const struct policy *pol)
{
	const struct policy *old;

	pthread_mutex_lock(&glue_d.lock);
	old = glue_d.pol;
	glue_d.pol = policy_ref(pol);
	pthread_mutex_unlock(&glue_d.lock);
	policy_unref(&old);
}

const struct policy *
glue_policy(void)
{
	const struct policy *p;

	pthread_mutex_lock(&glue_d.lock);
	p = policy_ref(glue_d.pol);
	pthread_mutex_unlock(&glue_d.lock);
	return p;
}

void
glue_set_notify(int on)
{
	glue_d.notify = on;
}

void
glue_set_leadspc(int on)
{
	glue_d.leadspc = on;
}

/* ---- connection and message state -------------------------------- */

static void
glue_msg_free(struct glue_msg **mp)
{
	struct glue_msg *m = *mp;
	size_t i;

	if (m == NULL)
		return;
	scan_free(&m->scan);
	spool_free(&m->spool);
	hash_sha256_free(&m->body_hash);
	sbuf_release(&m->hdrs);
	msgctx_free(&m->mc);
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	free(m->env_from);
	free(m->hdr_from);
	free(m->subject);
	free(m);
	*mp = NULL;
}

/* An envelope address without its angle brackets, bounded; owned. */
static char *
glue_addr(const char *a)
{
	size_t len;

	if (a == NULL)
		return mem_strdup("");
	len = strnlen(a, GLUE_MAX_ADDR);
	if (len >= 2 && a[0] == '<' && a[len - 1] == '>')
		return mem_strndup(a + 1, len - 2);
	return mem_strndup(a, len);
}

static struct glue_conn *
glue_conn_get(void *ctx)
{
	return glue_d.ops->getpriv(ctx);
}

/* Remember the first internal error of the message. */
void
glue_fail(struct glue_msg *m, const char *what, const char *err)
{
	if (m->failed)
		return;
	m->failed = 1;
	snprintf(m->error, sizeof(m->error), "%s: %s", what,
	    err != NULL ? err : "unknown error");
	log_msg(LOG_ERR, "%s: %s", m->mc->id, m->error);
}

/*
 * The answer to a step: GLUE_NOREPLY where the MTA does not wait for one.
 * A failure swallowed so is answered at end of message (glue_eom).
 */
static enum glue_status
glue_answer(struct glue_conn *c, unsigned step, enum glue_status st)
{
	if (c == NULL || (c->noreply & step) == 0)
		return st;
	if (st != GLUE_CONTINUE)
		c->swallowed = 1;
	return GLUE_NOREPLY;
}

static struct glue_conn *
glue_conn_new(void *ctx)
{
	struct glue_conn *c = mem_zalloc(sizeof(*c));

	if (glue_d.ops->setpriv(ctx, c) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

enum glue_status
glue_negotiate(void *ctx, unsigned noreply)
{
	struct glue_conn *c = glue_conn_get(ctx);

	if (c == NULL && (c = glue_conn_new(ctx)) == NULL)
		return GLUE_REJECT;
	c->noreply = noreply;
	return GLUE_CONTINUE;
}

enum glue_status
glue_connect(void *ctx, const char *hostname, const char *addr)
{
	struct glue_conn *c = glue_conn_get(ctx);

	if (c == NULL && (c = glue_conn_new(ctx)) == NULL)
		return GLUE_TEMPFAIL;
	snprintf(c->client_name, sizeof(c->client_name), "%s",
	    hostname ? hostname : "unknown");
	snprintf(c->client_addr, sizeof(c->client_addr), "%s",
	    addr ? addr : "unknown");
	return glue_answer(c, GLUE_NR_CONNECT, GLUE_CONTINUE);
}

enum glue_status
glue_helo(void *ctx, const char *helo)
{
	struct glue_conn *c = glue_conn_get(ctx);

	if (c != NULL)
		snprintf(c->helo, sizeof(c->helo), "%s", helo ? helo : "");
	return glue_answer(c, GLUE_NR_HELO, GLUE_CONTINUE);
}

enum glue_status
glue_envfrom(void *ctx, const char *sender)
{
	struct glue_conn *c = glue_conn_get(ctx);
	const struct policy *pol;
	struct glue_msg *m;
	const char *err = NULL;

	if (c == NULL)
		return GLUE_TEMPFAIL;
	/* A new transaction: the MTA read the answer to the last one. */
	glue_pending_confirm(c);
	glue_msg_free(&c->msg);
	pol = glue_policy();
	m = mem_zalloc(sizeof(*m));
	sbuf_init(&m->hdrs, 0);
	m->mc = msgctx_new(pol);
	m->env_from = glue_addr(sender);
	m->spool = spool_new(pol->spool_dir, pol->lim.message_size +
	    pol->lim.header_size, &err);
	policy_unref(&pol);
	c->msg = m;
	if (m->spool == NULL)
		glue_fail(m, "spool", err);
	else
		m->scan = scan_new(m->mc);
	return glue_answer(c, GLUE_NR_MAIL, GLUE_CONTINUE);
}

enum glue_status
glue_envrcpt(void *ctx, const char *rcpt)
{
	struct glue_conn *c = glue_conn_get(ctx);
	struct glue_msg *m = c != NULL ? c->msg : NULL;

	if (m == NULL)
		return glue_answer(c, GLUE_NR_RCPT, GLUE_TEMPFAIL);
	m->nrcpts_seen++;
	if (m->nrcpts < GLUE_MAX_RCPTS) {
		m->rcpts = mem_reallocarray(m->rcpts, m->nrcpts + 1,
		    sizeof(*m->rcpts));
		m->rcpts[m->nrcpts++] = glue_addr(rcpt);
	}
	return glue_answer(c, GLUE_NR_RCPT, GLUE_CONTINUE);
}

void
glue_feed(struct glue_msg *m, const void *p, size_t len)
{
	const char *err = NULL;

	if (m->failed)
		return;
	if (spool_write(m->spool, p, len, &err) == -1) {
		glue_fail(m, "spool", err);
		return;
	}
	while (sem_wait(&glue_d.scans) == -1 && errno == EINTR)
		;
	if (scan_feed(m->scan, p, len, &err) == -1)
		glue_fail(m, "scan", err);
	sem_post(&glue_d.scans);
}

/* Feed the header lines gathered so far. */
static void
glue_feed_headers(struct glue_msg *m)
{
	if (m->hdrs.len > 0)
		glue_feed(m, m->hdrs.data, m->hdrs.len);
	sbuf_reset(&m->hdrs);
}

/* Keep a bounded copy of the first value of a header. */
static void
glue_keep(char **dst, const char *value)
{
	if (*dst == NULL)
		*dst = mem_strndup(value, GLUE_MAX_HDRCOPY);
}

/* A release or notice mark; two marks, or a malformed one, are bad. */
static void
glue_mark_header(struct glue_msg *m, enum glue_mark kind, const char *value)
{
	if (m->mark != GLUE_MARK_NONE ||
	    !token_parse(value, m->mark_id, sizeof(m->mark_id), m->mark_tok))
		m->mark = GLUE_MARK_BAD;
	else
		m->mark = kind;
}

enum glue_status
glue_header(void *ctx, const char *name, const char *value)
{
	struct glue_conn *c = glue_conn_get(ctx);
	struct glue_msg *m = c != NULL ? c->msg : NULL;

	if (m == NULL)
		return glue_answer(c, GLUE_NR_HDR, GLUE_TEMPFAIL);
	if (value == NULL)
		value = "";
	if (strcasecmp(name, "X-Triage-Release") == 0)
		glue_mark_header(m, GLUE_MARK_RELEASE, value);
	else if (strcasecmp(name, "X-Triage-Notice") == 0)
		glue_mark_header(m, GLUE_MARK_NOTICE, value);
	else if (strcasecmp(name, "From") == 0)
		glue_keep(&m->hdr_from, value);
	else if (strcasecmp(name, "Subject") == 0) {
		glue_keep(&m->subject, value);
		m->nsubject++;
	}
	/*
	 * Rebuild the raw line; with HDR_LEADSPC the value keeps its space.
	 * Lines are fed in batches: the spool, the scan semaphore and the
	 * MIME walker once per GLUE_HDR_BATCH bytes, not once per header.
	 */
	sbuf_printf(&m->hdrs, "%s:%s%s\r\n", name, glue_d.leadspc ? "" : " ",
	    value);
	if (m->hdrs.len >= GLUE_HDR_BATCH)
		glue_feed_headers(m);
	return glue_answer(c, GLUE_NR_HDR, GLUE_CONTINUE);
}

enum glue_status
glue_eoh(void *ctx)
{
	struct glue_conn *c = glue_conn_get(ctx);
	struct glue_msg *m;
	const char *err = NULL;

	if (c == NULL || (m = c->msg) == NULL)
		return glue_answer(c, GLUE_NR_EOH, GLUE_TEMPFAIL);
	sbuf_puts(&m->hdrs, "\r\n");
	glue_feed_headers(m);
	/* The body digest costs a pass over the body: only for marked mail. */
	if (m->mark != GLUE_MARK_NONE && !m->failed &&
	    (m->body_hash = hash_sha256_new(&err)) == NULL)
		glue_fail(m, "hash", err);
	return glue_answer(c, GLUE_NR_EOH, GLUE_CONTINUE);
}

/* The body digest of token.h: every byte after the header, CRs left out. */
static void
glue_body_hash(struct glue_msg *m, const unsigned char *p, size_t len)
{
	const unsigned char *cr;
	const char *err = NULL;

	while (m->body_hash != NULL && len > 0 && !m->failed) {
		cr = memchr(p, '\r', len);
		size_t n = cr != NULL ? (size_t)(cr - p) : len;

		if (n > 0 && hash_sha256_update(m->body_hash, p, n, &err) == -1)
			glue_fail(m, "hash", err);
		n += cr != NULL;
		p += n;
		len -= n;
	}
}

enum glue_status
glue_body(void *ctx, const unsigned char *p, size_t len)
{
	struct glue_conn *c = glue_conn_get(ctx);

	if (c == NULL || c->msg == NULL)
		return glue_answer(c, GLUE_NR_BODY, GLUE_TEMPFAIL);
	glue_feed_headers(c->msg);	/* an MTA that skipped end of header */
	glue_feed(c->msg, p, len);
	glue_body_hash(c->msg, p, len);
	return glue_answer(c, GLUE_NR_BODY, GLUE_CONTINUE);
}

enum glue_status
glue_eom(void *ctx)
{
	struct glue_conn *c = glue_conn_get(ctx);
	enum glue_status st;

	if (c == NULL)
		return GLUE_TEMPFAIL;
	if (c->msg == NULL || c->swallowed) {
		/* A step without an answer failed: this is its answer. */
		if (c->swallowed)
			log_msg(LOG_ERR, "a message step failed without a "
			    "transaction (protocol error?): tempfail");
		c->swallowed = 0;
		glue_msg_free(&c->msg);
		return GLUE_TEMPFAIL;
	}
	glue_feed_headers(c->msg);
	st = glue_act(ctx, c);
	glue_msg_free(&c->msg);
	return st;
}

enum glue_status
glue_abort(void *ctx)
{
	struct glue_conn *c = glue_conn_get(ctx);

	if (c != NULL) {
		glue_pending_confirm(c);
		glue_msg_free(&c->msg);
		c->swallowed = 0;
	}
	return GLUE_CONTINUE;
}

enum glue_status
glue_close(void *ctx)
{
	struct glue_conn *c = glue_conn_get(ctx);

	/* priv may be NULL: the connection may never have been set up. */
	if (c == NULL)
		return GLUE_CONTINUE;
	glue_pending_confirm(c);
	glue_msg_free(&c->msg);
	free(c);
	glue_d.ops->setpriv(ctx, NULL);
	return GLUE_CONTINUE;
}
