/*
 * scan: raw message -> MIME walker -> analyse -> verdict (see scan.h).
 *
 * Untrusted input: the whole message, passed to the walker in the pieces
 * given.  Limits: the walker enforces size, depth and parts; this module
 * enforces the scan time (checked per piece and per part; once over, the
 * rest of the message is not examined and limit.scan_time is recorded).
 * Owns the walker and every open part's analysis; scan_free releases
 * them even in the middle of a message (milter abort).  Not thread-safe.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyse.h"
#include "mem.h"
#include "mime.h"
#include "msgctx.h"
#include "policy.h"
#include "scan.h"
#include "urlcheck.h"

#define SCAN_HDR_MAX	2048	/* bytes kept of From, Reply-To, Subject */

struct scan {
	struct msgctx	*msg;
	struct mime	*mime;
	const char	*error;		/* set when a sink callback failed */
	int		 timed_out;
	int		 finished;
	/* The first From, Reply-To and Subject of the top entity (raw). */
	char		*from, *reply_to, *subject;
	/* Analyses begun and not yet ended, for scan_free() after abort. */
	struct analyse	**open;
	size_t		 nopen, open_cap;
};

/* Has the scan-time limit passed?  Records the finding once. */
static int
scan_over_time(struct scan *s)
{
	if (!s->timed_out && msgctx_time_up(s->msg, NULL, "message"))
		s->timed_out = 1;
	return s->timed_out;
}

static void
scan_track(struct scan *s, struct analyse *a)
{
	if (s->nopen == s->open_cap) {
		s->open_cap = s->open_cap ? s->open_cap * 2 : 16;
		s->open = mem_reallocarray(s->open, s->open_cap,
		    sizeof(*s->open));
	}
	s->open[s->nopen++] = a;
}

static void
scan_untrack(struct scan *s, const struct analyse *a)
{
	size_t i;

	for (i = s->nopen; i > 0; i--)
		if (s->open[i - 1] == a) {
			memmove(&s->open[i - 1], &s->open[i],
			    (s->nopen - i) * sizeof(*s->open));
			s->nopen--;
			return;
		}
}

static int
scan_part_begin(void *arg, struct mime_part *part)
{
	struct scan *s = arg;
	struct analyse *a;

	if (s->timed_out)
		return 0;
	a = analyse_begin(s->msg, part);
	scan_track(s, a);
	part->user = a;
	return 0;
}

static int
scan_part_data(void *arg, struct mime_part *part, const unsigned char *p,
    size_t n)
{
	struct scan *s = arg;

	if (part->user == NULL)
		return 0;
	if (analyse_data(part->user, p, n, &s->error) == -1)
		return -1;
	return 0;
}

static int
scan_part_end(void *arg, struct mime_part *part)
{
	struct scan *s = arg;
	struct analyse *a = part->user;

	if (a == NULL)
		return 0;
	part->user = NULL;
	scan_untrack(s, a);
	if (analyse_end(&a, &s->error) == -1)
		return -1;
	(void)scan_over_time(s);
	return 0;
}

/* Keep a bounded copy of the first occurrence only. */
static void
scan_keep(char **dst, const char *value, size_t len)
{
	if (*dst == NULL)
		*dst = mem_strndup(value, len < SCAN_HDR_MAX ? len : SCAN_HDR_MAX);
}

static int
scan_header(void *arg, const char *name, const char *value, size_t len)
{
	struct scan *s = arg;

	if (strcasecmp(name, "From") == 0)
		scan_keep(&s->from, value, len);
	else if (strcasecmp(name, "Reply-To") == 0)
		scan_keep(&s->reply_to, value, len);
	else if (strcasecmp(name, "Subject") == 0)
		scan_keep(&s->subject, value, len);
	return 0;
}

static void
scan_mime_finding(void *arg, const char *rule, const char *where,
    const char *detail)
{
	struct scan *s = arg;

	msgctx_finding(s->msg, rule, where, "%s", detail);
}

static const struct mime_sink scan_sink = {
	scan_part_begin, scan_part_data, scan_part_end, scan_header,
	scan_mime_finding
};

struct scan *
scan_new(struct msgctx *msg)
{
	struct scan *s = mem_zalloc(sizeof(*s));
	const struct policy_limits *lim = &msg->pol->lim;
	struct mime_limits ml;

	ml.message_size = lim->message_size;
	ml.header_size = lim->header_size;
	ml.depth = lim->mime_depth;
	ml.parts = lim->mime_parts;
	ml.name_length = lim->name_length;
	s->msg = msg;
	s->mime = mime_new(&ml, &scan_sink, s);
	return s;
}

void
scan_free(struct scan **sp)
{
	struct scan *s;
	const char *err;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	mime_free(&s->mime);
	while (s->nopen > 0) {
		struct analyse *a = s->open[--s->nopen];

		(void)analyse_end(&a, &err);
	}
	free(s->open);
	free(s->from);
	free(s->reply_to);
	free(s->subject);
	free(s);
	*sp = NULL;
}

int
scan_feed(struct scan *s, const void *buf, size_t len, const char **error_r)
{
	const char *err = NULL;

	if (s->finished) {
		*error_r = "scan_feed after scan_finish";
		return -1;
	}
	if (scan_over_time(s))
		return 0;
	if (mime_feed(s->mime, buf, len, &err) == -1) {
		*error_r = s->error != NULL ? s->error : err;
		return -1;
	}
	return 0;
}

int
scan_finish(struct scan *s, const char **error_r)
{
	const char *err = NULL;

	if (s->finished) {
		*error_r = "scan_finish called twice";
		return -1;
	}
	s->finished = 1;
	if (mime_finish(s->mime, &err) == -1) {
		*error_r = s->error != NULL ? s->error : err;
		return -1;
	}
	urlcheck_headers(s->msg, s->from, s->reply_to, s->subject);
	verdict_compute(s->msg);
	return 0;
}

int
scan_buffer(struct msgctx *msg, const void *buf, size_t len,
    const char **error_r)
{
	struct scan *s = scan_new(msg);
	int r;

	r = scan_feed(s, buf, len, error_r);
	if (r == 0)
		r = scan_finish(s, error_r);
	scan_free(&s);
	return r;
}
