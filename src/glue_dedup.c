/*
 * glue_dedup: the digest that recognises a resend of a quarantined
 * message, and the confirmation that the MTA got our answer (quar.h,
 * "pending items").
 *
 * The milter commits a quarantined message before it answers; if it dies
 * in between, the MTA answers 4xx and the client sends the same message
 * again, which would be quarantined twice.  The digest covers what stays
 * the same in that resend: the envelope, the header without its Received
 * and Date fields (the receiving MTA adds a new Received, with a new queue
 * id, to every attempt, and Postfix adds a missing Date for local
 * clients) and the body, as spooled.  The item stays pending until the
 * next callback of the connection shows that the MTA read our answer;
 * only a later start of the daemon (glue_d.instance) matches it, since a
 * daemon that is alive did answer.
 *
 * Untrusted input: the spooled message, read in 64 KiB pieces through a
 * fixed-size state machine; nothing is kept but the digest.
 * Thread-safe: state per message and per connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "glue.h"
#include "glue_int.h"
#include "hash.h"
#include "log.h"
#include "mem.h"
#include "quar.h"

#define GLUE_DD_BUF	65536

/* Fields left out: they differ between attempts of one message. */
static const char *const glue_dd_skip[] = { "received", "date" };
#define GLUE_DD_NAMEMAX	8	/* the longest of them */

enum glue_dd_state { DD_START, DD_NAME, DD_LINE, DD_BODY };

struct glue_dd {
	struct hash_sha256	*h;
	enum glue_dd_state	 state;
	int			 skip;		/* in a field left out */
	char			 name[GLUE_DD_NAMEMAX];
	size_t			 nname;		/* bytes of the name so far */
	const char		*err;		/* first hash failure */
};

static void
glue_dd_put(struct glue_dd *d, const void *p, size_t n)
{
	if (n > 0 && d->err == NULL &&
	    hash_sha256_update(d->h, p, n, &d->err) == -1 && d->err == NULL)
		d->err = "hash failed";
}

/* 2: name (n bytes) is a field left out, 1: a prefix of one, else 0. */
static int
glue_dd_match(const char *name, size_t n)
{
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(glue_dd_skip) / sizeof(glue_dd_skip[0]); i++)
		if (strlen(glue_dd_skip[i]) >= n &&
		    strncasecmp(name, glue_dd_skip[i], n) == 0)
			r = strlen(glue_dd_skip[i]) == n ? 2 : r > 1 ? r : 1;
	return r;
}

/* A byte of a field name: 1 if consumed, 0 if DD_LINE must take it. */
static size_t
glue_dd_name(struct glue_dd *d, unsigned char ch)
{
	if (ch == ':' && glue_dd_match(d->name, d->nname) == 2) {
		d->skip = 1;
		d->state = DD_LINE;
		return 1;
	}
	if (d->nname < GLUE_DD_NAMEMAX) {
		d->name[d->nname] = (char)ch;
		if (glue_dd_match(d->name, d->nname + 1) > 0) {
			d->nname++;
			return 1;
		}
	}
	d->skip = 0;
	d->state = DD_LINE;
	glue_dd_put(d, d->name, d->nname);
	return 0;
}

static void
glue_dd_feed(struct glue_dd *d, const unsigned char *p, size_t len)
{
	const unsigned char *nl;
	size_t n;

	while (len > 0) {
		n = 0;
		switch (d->state) {
		case DD_BODY:
			glue_dd_put(d, p, len);
			return;
		case DD_LINE:
			nl = memchr(p, '\n', len);
			n = nl != NULL ? (size_t)(nl - p) + 1 : len;
			if (!d->skip)
				glue_dd_put(d, p, n);
			if (nl != NULL)
				d->state = DD_START;
			break;
		case DD_START:
			/* An empty line ends the header; white space continues
			 * the field above (skipped or not). */
			if (*p == '\r' || *p == '\n')
				d->state = DD_BODY;
			else if (*p == ' ' || *p == '\t')
				d->state = DD_LINE;
			else {
				d->state = DD_NAME;
				d->nname = 0;
			}
			break;
		case DD_NAME:
			n = glue_dd_name(d, *p);
			break;
		}
		p += n;
		len -= n;
	}
}

/* The envelope first: a resend to other recipients is another message. */
static void
glue_dd_envelope(struct glue_dd *d, const struct glue_msg *m)
{
	size_t i;

	glue_dd_put(d, m->env_from, strlen(m->env_from) + 1);
	for (i = 0; i < m->nrcpts; i++)
		glue_dd_put(d, m->rcpts[i], strlen(m->rcpts[i]) + 1);
	glue_dd_put(d, "\n", 1);
}

int
glue_dedup_key(const struct glue_msg *m, int fd, char out[HASH_SHA256_HEX],
    const char **error_r)
{
	struct glue_dd d;
	unsigned char *buf;
	ssize_t n;
	int r = -1;

	memset(&d, 0, sizeof(d));
	if ((d.h = hash_sha256_new(error_r)) == NULL)
		return -1;
	glue_dd_envelope(&d, m);
	buf = mem_alloc(GLUE_DD_BUF);
	while ((n = read(fd, buf, GLUE_DD_BUF)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*error_r = "spool read failed";
			goto out;
		}
		glue_dd_feed(&d, buf, (size_t)n);
	}
	if (d.state == DD_NAME)
		glue_dd_put(&d, d.name, d.nname);
	if (d.err != NULL)
		*error_r = d.err;
	else if (hash_sha256_final(d.h, out, error_r) == 0)
		r = 0;
out:
	free(buf);
	hash_sha256_free(&d.h);
	return r;
}

void
glue_pending_set(struct glue_conn *c, const char *dir, int64_t id)
{
	glue_pending_confirm(c);
	c->pending_dir = mem_strdup(dir);
	c->pending_id = id;
}

void
glue_pending_confirm(struct glue_conn *c)
{
	struct quar *q;
	const char *err = NULL;

	if (c == NULL || c->pending_dir == NULL)
		return;
	if ((q = quar_open(c->pending_dir, 1, 5000, &err)) == NULL ||
	    quar_confirm(q, c->pending_id, &err) == -1)
		/* It stays pending: at worst a resend is not stored again. */
		log_msg(LOG_WARNING, "quarantine id %lld: cannot confirm the "
		    "answer: %s", (long long)c->pending_id, err);
	quar_close(&q);
	free(c->pending_dir);
	c->pending_dir = NULL;
	c->pending_id = 0;
}
