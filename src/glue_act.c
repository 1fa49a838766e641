/*
 * glue_act: end of message: finish the scan, turn the verdict into the
 * MTA answer, store quarantined mail first, log one summary line.
 *
 * Untrusted input: the message context's findings and header copies.
 * Rule: whenever the answer would drop the mail from the MTA's flow
 * (discard), the quarantine commit must have succeeded first; any failure
 * on the way becomes the policy's on_internal_error answer (tempfail by
 * default).  Thread-safe (state per connection; see glue.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glue.h"
#include "glue_int.h"
#include "log.h"
#include "mem.h"
#include "msgctx.h"
#include "notify.h"
#include "policy.h"
#include "quar.h"
#include "report.h"
#include "rules.h"
#include "sbuf.h"
#include "scan.h"
#include "spool.h"

#define GLUE_FOLD	76	/* fold added header lines near this column */

/* Distinct rule ids that fired, comma-separated, in table order. */
static void
glue_rules(const struct msgctx *mc, struct sbuf *out)
{
	const struct rule_def *t;
	size_t n, i;

	t = rules_table(&n);
	for (i = 0; i < n; i++)
		if (mc->rule_fired[i])
			sbuf_printf(out, "%s%s", out->len ? "," : "", t[i].id);
}

/* An SMTP reply text: printable ASCII only, '%' doubled for libmilter. */
static void
glue_reply_text(struct sbuf *out, const char *text)
{
	for (; *text != '\0'; text++) {
		unsigned char ch = (unsigned char)*text;

		if (ch == '%')
			sbuf_puts(out, "%%");
		else if (ch >= 0x20 && ch < 0x7f)
			sbuf_putc(out, ch);
		else
			sbuf_putc(out, ' ');
	}
}

static enum glue_status
glue_reply(void *ctx, const char *rcode, const char *xcode, const char *text,
    enum glue_status st)
{
	struct sbuf t;

	sbuf_init(&t, 900);
	glue_reply_text(&t, text);
	(void)glue_d.ops->setreply(ctx, rcode, xcode, (char *)t.data);
	sbuf_release(&t);
	return st;
}

static enum glue_status
glue_tempfail(void *ctx)
{
	return glue_reply(ctx, "451", "4.7.1",
	    "Message could not be scanned now; please try again later",
	    GLUE_TEMPFAIL);
}

/* RFC 2047 B-encode UTF-8 text (short: the subject prefix). */
static void
glue_encode_word(struct sbuf *out, const char *s)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i;

	sbuf_puts(out, "=?UTF-8?B?");
	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		v |= i + 1 < len ? (unsigned)p[i + 1] << 8 : 0;
		v |= i + 2 < len ? p[i + 2] : 0;
		sbuf_putc(out, a[(v >> 18) & 63]);
		sbuf_putc(out, a[(v >> 12) & 63]);
		sbuf_putc(out, i + 1 < len ? a[(v >> 6) & 63] : '=');
		sbuf_putc(out, i + 2 < len ? a[v & 63] : '=');
	}
	sbuf_puts(out, "?=");
}

static int
glue_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* New Subject value: prefix (encoded if not ASCII) + the original. */
static void
glue_subject(struct sbuf *out, const char *prefix, const char *orig)
{
	char *pfx;

	if (glue_d.leadspc)
		sbuf_putc(out, ' ');
	while (orig != NULL && (*orig == ' ' || *orig == '\t'))
		orig++;
	if (glue_is_ascii(prefix))
		sbuf_printf(out, "%s ", prefix);
	else {
		/* The space goes inside the word: white space between two
		 * encoded-words is not displayed (RFC 2047 section 6.2). */
		pfx = mem_alloc(strlen(prefix) + 2);
		sprintf(pfx, "%s ", prefix);
		glue_encode_word(out, pfx);
		free(pfx);
		sbuf_putc(out, ' ');
	}
	sbuf_puts(out, orig != NULL ? orig : "");
}

/* Folded list for X-Triage-Findings (lines well under 998 bytes). */
static void
glue_fold_list(struct sbuf *out, const char *list)
{
	size_t col = 20;
	const char *p = list, *comma;

	if (glue_d.leadspc)
		sbuf_putc(out, ' ');
	while (*p != '\0') {
		comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) + 1 : strlen(p);

		if (col + n > GLUE_FOLD && col > 1) {
			sbuf_puts(out, "\n\t");
			col = 1;
		}
		sbuf_append(out, p, n);
		col += n;
		p += n;
	}
}

static enum glue_status
glue_tag(void *ctx, struct glue_msg *m, const struct policy *pol,
    const char *rules)
{
	struct sbuf v;
	int r = 0;

	sbuf_init(&v, 0);
	sbuf_printf(&v, "%stag; score=%d; id=%s", glue_d.leadspc ? " " : "",
	    m->mc->score, m->mc->id);
	r |= glue_d.ops->addheader(ctx, "X-Triage-Verdict", (char *)v.data);
	sbuf_reset(&v);
	glue_fold_list(&v, rules);
	r |= glue_d.ops->addheader(ctx, "X-Triage-Findings", (char *)v.data);
	if (pol->subject_prefix != NULL && pol->subject_prefix[0] != '\0' &&
	    (m->subject == NULL || strstr(m->subject,
	    pol->subject_prefix) == NULL)) {
		sbuf_reset(&v);
		glue_subject(&v, pol->subject_prefix, m->subject);
		r |= m->nsubject > 0 ?
		    glue_d.ops->chgheader(ctx, "Subject", 1, (char *)v.data) :
		    glue_d.ops->addheader(ctx, "Subject", (char *)v.data);
	}
	sbuf_release(&v);
	if (r != 0) {
		log_msg(LOG_ERR, "%s: cannot change headers", m->mc->id);
		return glue_tempfail(ctx);
	}
	return GLUE_ACCEPT;
}

/*
 * The spool at offset 0, and *key_r the dedup digest ("" if it could not
 * be computed: the message is then stored without deduplication).
 */
static int
glue_spool_key(struct glue_msg *m, char key_r[HASH_SHA256_HEX],
    const char **error_r)
{
	const char *err = NULL;
	int fd;

	key_r[0] = '\0';
	if ((fd = spool_rewind(m->spool, error_r)) == -1)
		return -1;
	if (glue_dedup_key(m, fd, key_r, &err) == -1) {
		log_msg(LOG_WARNING, "%s: no dedup digest: %s", m->mc->id, err);
		key_r[0] = '\0';
	}
	return spool_rewind(m->spool, error_r);
}

/* Store the message; 0 (or 1: the same as a pending item) and *id_r, or
 * -1 (already logged). */
static int
glue_store(struct glue_conn *c, const char *qid, const char *rules,
    int64_t *id_r)
{
	struct glue_msg *m = c->msg;
	struct quar_item it;
	struct quar *q;
	struct sbuf rep;
	const char *err = NULL;
	char key[HASH_SHA256_HEX];
	int fd, r;

	if ((q = quar_open(m->mc->pol->quarantine_dir, 1, 5000, &err)) ==
	    NULL) {
		log_msg(LOG_ERR, "%s: %s", m->mc->id, err);
		return -1;
	}
	if ((fd = glue_spool_key(m, key, &err)) == -1) {
		log_msg(LOG_ERR, "%s: spool: %s", m->mc->id, err);
		quar_close(&q);
		return -1;
	}
	sbuf_init(&rep, 0);
	report_json(&rep, m->mc->id, m->mc);
	memset(&it, 0, sizeof(it));
	it.msgid = m->mc->id;
	it.qid = qid;
	it.client_addr = c->client_addr;
	it.client_name = c->client_name;
	it.helo = c->helo;
	it.env_from = m->env_from;
	it.rcpts = (const char *const *)m->rcpts;
	it.nrcpts = m->nrcpts;
	it.hdr_from = m->hdr_from;
	it.subject = m->subject;
	it.verdict = verdict_name(m->mc->verdict);
	it.score = m->mc->score;
	it.rules = rules;
	it.report = (const char *)rep.data;
	it.fd = fd;
	it.size = spool_size(m->spool);
	it.dedup = key[0] != '\0' ? key : NULL;
	it.instance = glue_d.instance;
	r = quar_store(q, &it, id_r, &err);
	if (r == -1)
		log_msg(LOG_ERR, "%s: quarantine store failed: %s", m->mc->id,
		    err);
	else if (r == 1)
		log_msg(LOG_NOTICE, "%s: the same message as quarantine id %lld,"
		    " whose answer the MTA may not have read: not stored again",
		    m->mc->id, (long long)*id_r);
	quar_close(&q);
	sbuf_release(&rep);
	return r;
}

static enum glue_status
glue_quarantine(void *ctx, struct glue_conn *c, const struct policy *pol,
    const char *qid, const char *rules, int64_t *id_r)
{
	struct glue_msg *m = c->msg;
	char reason[128];

	if (spool_truncated(m->spool))
		/* We could not keep all of it: refuse rather than lose it. */
		return glue_reply(ctx, "552", "5.3.4",
		    "Message too large to be scanned", GLUE_REJECT);
	if (glue_store(c, qid, rules, id_r) == -1)
		return glue_tempfail(ctx);
	if (!pol->quarantine_hold) {
		glue_pending_set(c, pol->quarantine_dir, *id_r);
		return GLUE_DISCARD;
	}
	snprintf(reason, sizeof(reason), "triage-milter quarantine id %lld",
	    (long long)*id_r);
	if (glue_d.ops->quarantine(ctx, reason) != 0) {
		log_msg(LOG_ERR, "%s: MTA refused to hold the message; the "
		    "stored copy %lld stays", m->mc->id, (long long)*id_r);
		return glue_tempfail(ctx);
	}
	glue_pending_set(c, pol->quarantine_dir, *id_r);
	return GLUE_ACCEPT;
}

/* design.md section 10: one line per message, nothing from the body. */
static void
glue_log(struct glue_conn *c, const char *qid, enum verdict_action v,
    const char *rules, int64_t qid_store, enum glue_status st, int passed)
{
	struct glue_msg *m = c->msg;
	struct sbuf from, q;
	char stored[48] = "";
	static const char *const answers[] = { "continue", "accept", "reject",
	    "discard", "tempfail" };

	sbuf_init(&from, 600);
	sbuf_init(&q, 100);
	log_escape(&from, m->env_from, strlen(m->env_from));
	log_escape(&q, qid, strlen(qid));
	if (qid_store > 0)
		snprintf(stored, sizeof(stored), " quarantine_id=%lld",
		    (long long)qid_store);
	else if (passed)
		snprintf(stored, sizeof(stored), " passed=%s:%.24s",
		    m->mark == GLUE_MARK_RELEASE ? "release" : "notice",
		    m->mark_id);
	log_msg(v == VERDICT_ACCEPT ? LOG_INFO : LOG_NOTICE,
	    "%s: qid=%s client=%s from=<%s> nrcpt=%zu verdict=%s score=%d "
	    "rules=%s answer=%s%s ms=%llu%s%s", m->mc->id, sbuf_str(&q),
	    c->client_addr, sbuf_str(&from), m->nrcpts_seen, verdict_name(v),
	    m->mc->score, rules[0] ? rules : "-", answers[st], stored,
	    (unsigned long long)msgctx_elapsed_ms(m->mc),
	    m->failed ? " error=" : "", m->failed ? m->error : "");
	sbuf_release(&from);
	sbuf_release(&q);
}

/*
 * A marked message: 1 when the mark lets it pass; else the mark is
 * recorded as a finding (or the check failed: m->failed) and 0.
 */
static int
glue_act_mark(struct glue_msg *m)
{
	int r = glue_mark_check(m);

	if (r == 1)
		return 1;
	if (r == 0) {
		msgctx_finding(m->mc, "release.invalid_token", NULL,
		    "%s mark for id %.40s does not verify or was used before",
		    m->mark == GLUE_MARK_NOTICE ? "notice" : "release",
		    m->mark == GLUE_MARK_BAD ? "(malformed)" : m->mark_id);
		verdict_compute(m->mc);
	}
	return 0;
}

static void
glue_notify(struct glue_conn *c, const char *qid, int64_t id)
{
	struct glue_msg *m = c->msg;
	struct notify_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.quarantine_id = id;
	ev.msgid = m->mc->id;
	ev.qid = qid;
	ev.client_addr = c->client_addr;
	ev.env_from = m->env_from;
	ev.rcpts = (const char *const *)m->rcpts;
	ev.nrcpts = m->nrcpts;
	ev.hdr_from = m->hdr_from;
	ev.subject = m->subject;
	ev.mc = m->mc;
	notify_submit(m->mc->pol, &ev);
}

enum glue_status
glue_act(void *ctx, struct glue_conn *c)
{
	struct glue_msg *m = c->msg;
	const struct policy *pol = m->mc->pol;
	const char *qidv, *err = NULL;
	char qid[64];
	struct sbuf rules;
	enum verdict_action v;
	enum glue_status st;
	int64_t id = 0;
	int passed = 0;

	qidv = glue_d.ops->getsymval(ctx, "i");
	snprintf(qid, sizeof(qid), "%s", qidv != NULL ? qidv : "unknown");
	if (!m->failed) {
		while (sem_wait(&glue_d.scans) == -1 && errno == EINTR)
			;
		if (scan_finish(m->scan, &err) == -1)
			glue_fail(m, "scan", err);
		sem_post(&glue_d.scans);
	}
	if (!m->failed && m->mark != GLUE_MARK_NONE)
		passed = glue_act_mark(m);
	v = m->failed ? pol->internal_error_action : m->mc->verdict;
	if (passed)
		v = VERDICT_ACCEPT;
	m->mc->verdict = v;
	sbuf_init(&rules, 4096);
	glue_rules(m->mc, &rules);
	switch (v) {
	case VERDICT_ACCEPT:
		st = GLUE_ACCEPT;
		break;
	case VERDICT_TAG:
		st = glue_tag(ctx, m, pol, sbuf_str(&rules));
		break;
	case VERDICT_QUARANTINE:
		st = glue_quarantine(ctx, c, pol, qid, sbuf_str(&rules), &id);
		break;
	case VERDICT_REJECT:
		st = glue_reply(ctx, "550", "5.7.1", pol->reject_text,
		    GLUE_REJECT);
		break;
	default:
		st = glue_tempfail(ctx);
		break;
	}
	glue_log(c, qid, v, sbuf_str(&rules), id, st, passed);
	glue_count(m, verdict_name(v));
	if (glue_d.notify && (st == GLUE_DISCARD || (v == VERDICT_QUARANTINE &&
	    id > 0) || (v == VERDICT_REJECT && st == GLUE_REJECT)))
		glue_notify(c, qid, id);
	sbuf_release(&rules);
	return st;
}
