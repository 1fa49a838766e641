/*
 * notify_core: what the notify thread does with each event, driven by an
 * injected clock so that tests run it without threads or sendmail.
 *
 * For an event: join or open its campaign (notify_camp.c); the first of a
 * campaign is alerted at once; with notify_recipients each recipient gets
 * a notice without the dangerous content.  Every notice passes the hourly
 * cap (recipient notices may use only half of it, so a wave to many staff
 * cannot starve the security contact's alerts); a suppressed notice is
 * counted and the next alert or digest says how many were suppressed.  A
 * failed send is kept and resent after 10 s, 30 s, 1, 2 and 5 minutes,
 * then given up with LOG_ERR.
 *
 * Untrusted input: the event copies (strings from mail, bounded by
 * notify_ev_copy).  Limits: NOTIFY_MAX_* in notify_int.h; at most
 * NOTIFY_MAX_PENDING notices wait for a resend.  Ownership: the core owns
 * events handed to it, its campaigns and its pending notices.  Not
 * thread-safe: one owner (the notify thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "msgctx.h"
#include "notify.h"
#include "notify_int.h"
#include "policy.h"
#include "sbuf.h"
#include "token.h"

/* ---- event copies ------------------------------------------------- */

/* Owned copy of at most max bytes of s, not cutting a UTF-8 sequence. */
static char *
notify_copy(const char *s, size_t max)
{
	size_t n, back = 0;

	if (s == NULL)
		return NULL;
	n = strnlen(s, max + 1);
	if (n > max) {
		n = max;
		while (n > 0 && back++ < 3 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return mem_strndup(s, n);
}

static void
notify_copy_findings(struct notify_ev *e, const struct msgctx *mc)
{
	size_t i, n = mc->nfindings;

	if (n > NOTIFY_MAX_FINDINGS)
		n = NOTIFY_MAX_FINDINGS;
	e->findings_dropped = mc->nfindings - n + mc->findings_dropped;
	e->findings = mem_reallocarray(NULL, n + 1, sizeof(*e->findings));
	for (i = 0; i < n; i++) {
		const struct finding *f = &mc->findings[i];

		e->findings[i].rule = notify_copy(f->rule, 64);
		e->findings[i].where = notify_copy(f->where, NOTIFY_MAX_STR);
		e->findings[i].detail = notify_copy(f->detail ? f->detail : "",
		    NOTIFY_MAX_STR);
		e->findings[i].score = f->score;
		e->findings[i].action = f->action;
	}
	e->nfindings = n;
}

static void
notify_copy_parts(struct notify_ev *e, const struct msgctx *mc)
{
	size_t i, n = mc->nparts;

	if (n > NOTIFY_MAX_PARTS)
		n = NOTIFY_MAX_PARTS;
	e->parts_dropped = mc->nparts - n + mc->parts_dropped;
	e->parts = mem_reallocarray(NULL, n + 1, sizeof(*e->parts));
	for (i = 0; i < n; i++) {
		const struct part_report *p = &mc->parts[i];
		struct notify_part *q = &e->parts[i];

		q->where = notify_copy(p->where, NOTIFY_MAX_STR);
		q->name = notify_copy(p->name, NOTIFY_MAX_STR);
		q->declared = notify_copy(p->declared, 256);
		q->detected = notify_copy(p->detected, 256);
		q->size = p->size;
		memcpy(q->sha256, p->sha256, sizeof(q->sha256));
		q->sha256[sizeof(q->sha256) - 1] = '\0';
	}
	e->nparts = n;
}

static void
notify_copy_urls(struct notify_ev *e, const struct msgctx *mc)
{
	size_t i, j, n = mc->nurls;
	struct sbuf rules;

	if (n > NOTIFY_MAX_URLS)
		n = NOTIFY_MAX_URLS;
	e->urls_dropped = mc->nurls - n + mc->urls_dropped;
	e->urls = mem_reallocarray(NULL, n + 1, sizeof(*e->urls));
	for (i = 0; i < n; i++) {
		const struct url_report *u = &mc->urls[i];

		e->urls[i].url = notify_copy(u->url ? u->url : "",
		    NOTIFY_MAX_URL);
		e->urls[i].domain = notify_copy(u->domain, 256);
		sbuf_init(&rules, 512);
		for (j = 0; j < u->nrules && j < 16; j++)
			sbuf_printf(&rules, "%s%s", j ? "," : "",
			    u->rules[j] != NULL ? u->rules[j] : "?");
		e->urls[i].rules = rules.len ? sbuf_steal(&rules, NULL) : NULL;
		sbuf_release(&rules);
	}
	e->nurls = n;
}

static void
notify_copy_rcpts(struct notify_ev *e, const struct notify_event *ev)
{
	size_t i, n = ev->rcpts != NULL ? ev->nrcpts : 0;

	if (n > NOTIFY_MAX_RCPTS)
		n = NOTIFY_MAX_RCPTS;
	e->rcpts_dropped = (ev->rcpts != NULL ? ev->nrcpts : 0) - n;
	e->rcpts = mem_reallocarray(NULL, n + 1, sizeof(*e->rcpts));
	for (i = 0; i < n; i++)
		e->rcpts[i] = notify_copy(ev->rcpts[i] ? ev->rcpts[i] : "",
		    NOTIFY_MAX_STR);
	e->nrcpts = n;
}

struct notify_ev *
notify_ev_copy(const struct policy *pol, const struct notify_event *ev)
{
	struct notify_ev *e = mem_zalloc(sizeof(*e));

	e->pol = policy_ref(pol);
	e->quarantine_id = ev->quarantine_id;
	e->msgid = notify_copy(ev->msgid ? ev->msgid : "-", 64);
	e->qid = notify_copy(ev->qid, 64);
	e->client_addr = notify_copy(ev->client_addr, 256);
	e->env_from = notify_copy(ev->env_from, NOTIFY_MAX_STR);
	e->hdr_from = notify_copy(ev->hdr_from, NOTIFY_MAX_STR);
	e->subject = notify_copy(ev->subject, 2 * NOTIFY_MAX_STR);
	e->received = time(NULL);
	e->verdict = ev->quarantine_id > 0 ? VERDICT_QUARANTINE :
	    VERDICT_REJECT;
	notify_copy_rcpts(e, ev);
	if (ev->mc != NULL) {
		e->verdict = ev->mc->verdict;
		e->score = ev->mc->score;
		notify_copy_findings(e, ev->mc);
		notify_copy_parts(e, ev->mc);
		notify_copy_urls(e, ev->mc);
	}
	return e;
}

void
notify_ev_free(struct notify_ev **ep)
{
	struct notify_ev *e;
	size_t i;

	if (ep == NULL || (e = *ep) == NULL)
		return;
	for (i = 0; i < e->nrcpts; i++)
		free(e->rcpts[i]);
	for (i = 0; i < e->nfindings; i++) {
		free(e->findings[i].rule);
		free(e->findings[i].where);
		free(e->findings[i].detail);
	}
	for (i = 0; i < e->nparts; i++) {
		free(e->parts[i].where);
		free(e->parts[i].name);
		free(e->parts[i].declared);
		free(e->parts[i].detected);
	}
	for (i = 0; i < e->nurls; i++) {
		free(e->urls[i].url);
		free(e->urls[i].domain);
		free(e->urls[i].rules);
	}
	free(e->rcpts);
	free(e->findings);
	free(e->parts);
	free(e->urls);
	free(e->msgid);
	free(e->qid);
	free(e->client_addr);
	free(e->env_from);
	free(e->hdr_from);
	free(e->subject);
	policy_unref(&e->pol);
	free(e);
	*ep = NULL;
}

/* ---- the core ----------------------------------------------------- */

/* Back-off before resend n (1-based): 10 s, 30 s, 1, 2, 5 minutes. */
uint64_t
notify_backoff_ms(unsigned n)
{
	static const uint64_t ms[] = { 10000, 30000, 60000, 120000, 300000 };

	if (n == 0)
		n = 1;
	return n > sizeof(ms) / sizeof(ms[0]) ? ms[sizeof(ms) /
	    sizeof(ms[0]) - 1] : ms[n - 1];
}

/* gethostname(), reduced to [A-Za-z0-9.-] (it goes into Message-ID). */
static void
notify_core_host(char *host, size_t cap)
{
	size_t i;

	if (gethostname(host, cap) != 0 || host[0] == '\0')
		snprintf(host, cap, "localhost");
	host[cap - 1] = '\0';
	for (i = 0; host[i] != '\0'; i++)
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= 'A' && host[i] <= 'Z') ||
		    (host[i] >= '0' && host[i] <= '9') || host[i] == '.' ||
		    host[i] == '-'))
			host[i] = '-';
}

void
notify_core_init(struct notify_core *core, notify_send_fn send, void *arg)
{
	memset(core, 0, sizeof(*core));
	core->send = send != NULL ? send : notify_send_sendmail;
	core->send_arg = arg;
	notify_core_host(core->host, sizeof(core->host));
}

void
notify_core_free(struct notify_core *core)
{
	struct notify_msg *m;

	notify_campaigns_free(&core->camps);
	notify_rate_free(&core->rate);
	while ((m = core->pending) != NULL) {
		core->pending = m->next;
		notify_msg_free(&m);
	}
	core->npending = 0;
}

/* The release key, or -1 (logged once until it loads again). */
static int
notify_core_key(struct notify_core *core, const struct policy *pol,
    struct token_key *key)
{
	const char *err;

	if (pol->release_key_file == NULL ||
	    token_key_load(pol->release_key_file, key, &err) == -1) {
		if (!core->key_warned)
			log_msg(LOG_WARNING, "notify: no release key (%s): "
			    "notices go out without X-Triage-Notice and the "
			    "milter may hold them", pol->release_key_file ?
			    err : "release_key_file not set");
		core->key_warned = 1;
		return -1;
	}
	core->key_warned = 0;
	return 0;
}

/* Hand a rendered notice to the sender; keep it for a resend on failure. */
static void
notify_core_dispatch(struct notify_core *core, struct notify_msg *m,
    uint64_t now)
{
	const char *err = "unknown error";

	if (core->send(core->send_arg, m, &err) == 0) {
		core->sent++;
		log_msg(LOG_INFO, "notify: notice %s sent to %s", m->id, m->to);
		notify_msg_free(&m);
		return;
	}
	core->failed++;
	m->attempts = 1;
	if (core->npending >= NOTIFY_MAX_PENDING) {
		core->dropped++;
		log_msg(LOG_ERR, "notify: notice %s to %s failed (%s) and %d "
		    "notices already wait for a resend: dropped", m->id, m->to,
		    err, NOTIFY_MAX_PENDING);
		notify_msg_free(&m);
		return;
	}
	m->due = now + notify_backoff_ms(1);
	m->next = core->pending;
	core->pending = m;
	core->npending++;
	log_msg(LOG_WARNING, "notify: notice %s to %s failed (%s); resend in "
	    "%llu s", m->id, m->to, err,
	    (unsigned long long)(notify_backoff_ms(1) / 1000));
}

/* Render and send one notice described by rc (ids, key, host filled in). */
static void
notify_core_emit(struct notify_core *core, struct notify_rctx *rc,
    uint64_t now)
{
	struct token_key key;
	char id[80];

	snprintf(id, sizeof(id), "n%llx.%lx.%lx",
	    (unsigned long long)time(NULL), (unsigned long)getpid(),
	    ++core->seq);
	rc->notice_id = id;
	rc->host = core->host;
	rc->now = time(NULL);
	rc->key = notify_core_key(core, rc->pol, &key) == 0 ? &key : NULL;
	notify_core_dispatch(core, notify_render(rc), now);
	memset(&key, 0, sizeof(key));
}

/* An alert or digest to notify_to, if the hourly cap allows. */
static void
notify_core_contact(struct notify_core *core, struct notify_rctx *rc,
    uint64_t now, const char *what)
{
	if (rc->pol->notify_to == NULL || rc->pol->notify_to[0] == '\0')
		return;
	if (!notify_rate_allow(&core->rate, now, rc->pol->notify_max_per_hour,
	    0)) {
		log_msg(LOG_NOTICE, "notify: %s suppressed by "
		    "notify_max_per_hour", what);
		return;
	}
	rc->suppressed = notify_rate_take_suppressed(&core->rate);
	if (rc->suppressed > 0)
		log_msg(LOG_NOTICE, "notify: %zu notices were suppressed by "
		    "notify_max_per_hour before this %s", rc->suppressed, what);
	notify_core_emit(core, rc, now);
}

static void
notify_core_digest(void *arg, const struct notify_camp *c)
{
	struct notify_core *core = arg;
	struct notify_rctx rc;
	char what[NOTIFY_KEY_MAX + 64];

	memset(&rc, 0, sizeof(rc));
	rc.kind = NOTIFY_DIGEST;
	rc.pol = c->pol;
	rc.camp = c;
	core->digests++;
	snprintf(what, sizeof(what), "digest of %zu messages (%s)", c->count,
	    c->key);
	notify_core_contact(core, &rc, core->now_hint, what);
}

/*
 * Is r an address we may put in a To: header?  local@domain with RFC
 * 5322 atext, dots and UTF-8 only: no comma, quote, space or bracket can
 * add a recipient under "sendmail -t".  Copies it without <> into out.
 */
static int
notify_rcpt_ok(const char *r, char *out, size_t cap)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~.";
	size_t i, n, at = 0, nat = 0;

	while (*r == '<')
		r++;
	n = strcspn(r, ">");
	if (n == 0 || n >= cap || (r[n] == '>' && r[n + 1] != '\0'))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)r[i];

		if (c == '@') {
			at = i;
			nat++;
		} else if (!(c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (nat == 0 && strchr(atext, c) != NULL) ||
		    (nat == 1 && (c == '.' || c == '-'))))
			return 0;
	}
	if (nat != 1 || at == 0 || at == n - 1)
		return 0;
	memcpy(out, r, n);
	out[n] = '\0';
	return 1;
}

static void
notify_core_recipients(struct notify_core *core, const struct notify_ev *ev,
    uint64_t now)
{
	const struct policy *pol = ev->pol;
	struct notify_rctx rc;
	char to[NOTIFY_MAX_STR + 1];
	size_t i;

	for (i = 0; i < ev->nrcpts; i++) {
		if (!notify_rcpt_ok(ev->rcpts[i], to, sizeof(to))) {
			log_msg(LOG_NOTICE, "%s notify: recipient %zu has an "
			    "address we do not put in a header; no notice",
			    ev->msgid, i + 1);
			continue;
		}
		if (!notify_rate_allow(&core->rate, now,
		    pol->notify_max_per_hour, pol->notify_max_per_hour / 2))
			continue;
		memset(&rc, 0, sizeof(rc));
		rc.kind = NOTIFY_RECIPIENT;
		rc.pol = pol;
		rc.ev = ev;
		rc.rcpt = to;
		core->recipient_notices++;
		notify_core_emit(core, &rc, now);
	}
}

void
notify_core_event(struct notify_core *core, struct notify_ev *ev,
    uint64_t now)
{
	struct notify_rctx rc;
	char what[160];

	notify_core_tick(core, now);
	if (notify_campaign_add(&core->camps, ev, now) == NOTIFY_ALERT_NOW) {
		memset(&rc, 0, sizeof(rc));
		rc.kind = NOTIFY_ALERT;
		rc.pol = ev->pol;
		rc.ev = ev;
		core->alerts++;
		snprintf(what, sizeof(what), "alert for %s", ev->msgid);
		notify_core_contact(core, &rc, now, what);
	}
	if (ev->pol->notify_recipients)
		notify_core_recipients(core, ev, now);
	notify_ev_free(&ev);
}

/* Resend one pending notice; 1 when it is done with (sent or given up). */
static int
notify_core_resend(struct notify_core *core, struct notify_msg *m,
    uint64_t now, int last)
{
	const char *err = "unknown error";

	if (core->send(core->send_arg, m, &err) == 0) {
		core->sent++;
		log_msg(LOG_INFO, "notify: notice %s sent to %s on attempt %u",
		    m->id, m->to, m->attempts + 1);
		return 1;
	}
	core->failed++;
	m->attempts++;
	if (last || m->attempts > NOTIFY_MAX_RETRIES) {
		core->dropped++;
		log_msg(LOG_ERR, "notify: notice %s to %s failed %u times "
		    "(last: %s); given up", m->id, m->to, m->attempts, err);
		return 1;
	}
	m->due = now + notify_backoff_ms(m->attempts);
	log_msg(LOG_WARNING, "notify: notice %s to %s failed again (%s); "
	    "resend in %llu s", m->id, m->to, err,
	    (unsigned long long)(notify_backoff_ms(m->attempts) / 1000));
	return 0;
}

/* Resend the pending notices that are due (all of them when last). */
static void
notify_core_retry(struct notify_core *core, uint64_t now, int last)
{
	struct notify_msg **pp = &core->pending, *m;

	while ((m = *pp) != NULL) {
		if ((last || m->due <= now) &&
		    notify_core_resend(core, m, now, last)) {
			*pp = m->next;
			core->npending--;
			notify_msg_free(&m);
		} else
			pp = &m->next;
	}
}

void
notify_core_tick(struct notify_core *core, uint64_t now)
{
	core->now_hint = now;
	notify_campaign_expire(&core->camps, now, notify_core_digest, core);
	notify_core_retry(core, now, 0);
}

uint64_t
notify_core_next(const struct notify_core *core)
{
	uint64_t t = notify_campaign_next(&core->camps);
	const struct notify_msg *m;

	for (m = core->pending; m != NULL; m = m->next)
		if (m->due < t)
			t = m->due;
	return t;
}

void
notify_core_flush(struct notify_core *core, uint64_t now)
{
	core->now_hint = now;
	notify_campaign_expire(&core->camps, UINT64_MAX, notify_core_digest,
	    core);
	notify_core_retry(core, now, 1);
}
